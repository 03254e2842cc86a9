"""The report's charts, drawn once with ReportLab graphics for both the window (rendered to SVG and
shown with QtSvg) and the PDF report (drawn on the page as vector graphics).

Four series (issue 9): training attendance by month, commendations by field, in-service cadres by
age band (the young-cadre pool's bands), error-tolerance cases by colour; and a team's age mix
(老中青) for the 班子结构 page. Chinese labels use the shipped WenQuanYi Micro Hei, registered under
its own family name so the SVG names a font the window has registered too. No Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Attendance, TrainingClass
from ..values import AGE_BANDS, Month
from .indicators import Period, Report

FONT = "WenQuanYi Micro Hei"  # the family name Qt also knows the shipped font by
BLUE = colors.HexColor("#2e6da4")
ORANGE = colors.HexColor("#e08a2e")
GREY = colors.HexColor("#8a8a8a")
TEXT = colors.HexColor("#333333")
COLOURS = {"绿": colors.HexColor("#3c9a4a"), "黄": colors.HexColor("#e0b020"), "红": colors.HexColor("#c0392b")}
MAX_MONTHS = 36  # a longer period is charted by year


def register_font() -> str:
    """Register the chart font with ReportLab once; returns its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        from ..resources import resource_path

        pdfmetrics.registerFont(TTFont(FONT, str(resource_path("fonts", "wqy-microhei.ttc")), subfontIndex=0))
    return FONT


@dataclass
class Series:
    title: str
    labels: list[str]
    values: list[list[int]]  # one list per bar series, parallel to labels
    names: list[str]  # the series' names (legend)
    keys: list[str | None]  # the indicator behind each label, where there is one


def training_by_month(session: Session, period: Period) -> Series:
    """Attendance rows (参训人次) by the month their class started, every month of the period shown.

    Counted per class in the database (the classes in start order, each one's attendances from the
    index that begins with class_id, no sort of the attendances) and summed by month here: a county's year has a few
    dozen classes but 100,000s of attendances."""
    rows = session.execute(
        select(TrainingClass.start, func.count(Attendance.id)).join(Attendance, Attendance.class_id == TrainingClass.id)
        .where(TrainingClass.start >= period.start, TrainingClass.start <= period.end)
        .group_by(TrainingClass.start, TrainingClass.id)).all()
    counts: dict[tuple[int, int], int] = {}
    for start, n in rows:
        counts[(start.year, start.month)] = counts.get((start.year, start.month), 0) + n
    first, last = Month.of(period.start), Month.of(period.end)
    if last.index - first.index + 1 > MAX_MONTHS:
        years = range(period.start.year, period.end.year + 1)
        return Series("培训参训人次（按年）", [f"{yr}" for yr in years],
                      [[sum(n for (a, _b), n in counts.items() if a == yr) for yr in years]], ["参训人次"],
                      [None] * len(years))
    months = [Month.from_index(i) for i in range(first.index, last.index + 1)]
    one_year = first.year == last.year
    labels = [f"{mm.month}月" if one_year else f"{mm.year % 100:02d}.{mm.month:02d}" for mm in months]
    return Series("培训参训人次（按月）", labels, [[counts.get((mm.year, mm.month), 0) for mm in months]], ["参训人次"],
                  [None] * len(months))


def commendations_by_field(report: Report) -> Series:
    fields = [k.split(".")[2] for k in report.values if k.startswith("commendations.by_field.") and k.endswith(".batches")]
    return Series("通报表扬（按领域）", fields,
                  [[report.values[f"commendations.by_field.{f}.collectives"] for f in fields],
                   [report.values[f"commendations.by_field.{f}.individuals"] for f in fields]],
                  ["先进集体", "先进个人"], [f"commendations.by_field.{f}.individuals" for f in fields])


def age_bands(report: Report) -> Series:
    labels = [label for label, _lo, _hi in AGE_BANDS]
    return Series("在职干部年龄结构（期末）", [f"{b}岁" for b in labels],
                  [[report.values.get(f"cadres.age_bands.{b}", 0) for b in labels]], ["人数"],
                  [f"cadres.age_bands.{b}" for b in labels])


def tolerance_colours(report: Report) -> Series:
    names = (("green", "绿"), ("yellow", "黄"), ("red", "红"))
    return Series("容错纠错认定（按颜色）", [f"{c}色" for _k, c in names],
                  [[report.values.get(f"tolerance.{k}", 0) for k, _c in names]], ["件数"],
                  [f"tolerance.{k}" for k, _c in names])


# The figures report_series reads from the report (key prefixes): a report computed for the charts
# alone needs only these (compute(only=…)).
FIGURES = ("commendations.by_field.", "cadres.age_bands.", "tolerance.")


def report_series(session: Session, report: Report) -> dict[str, Series]:
    """The four series of the overview and the PDF report, in their order."""
    return {"training": training_by_month(session, report.period),
            "commendations": commendations_by_field(report),
            "age_bands": age_bands(report),
            "tolerance": tolerance_colours(report)}


# --- drawing ------------------------------------------------------------------------------------


def _drawing(width: float, height: float) -> Drawing:
    """A white drawing whose every text, even ReportLab's initial state, is in the chart font
    (a PDF then embeds no other font)."""
    d = Drawing(width, height)
    d.initialFontName = register_font()
    d.add(Rect(0, 0, width, height, fillColor=colors.white, strokeColor=None))
    return d


def _frame(width: float, height: float, title: str) -> Drawing:
    d = _drawing(width, height)
    d.add(String(width / 2, height - 16, title, fontName=FONT, fontSize=11, fillColor=TEXT, textAnchor="middle"))
    return d


def _empty(d: Drawing, width: float, height: float) -> Drawing:
    d.add(String(width / 2, height / 2 - 6, "本期无记录", fontName=FONT, fontSize=10, fillColor=GREY,
                 textAnchor="middle"))
    return d


def _nice_max(v: int) -> int:
    if v <= 5:
        return 5
    step = 10 ** (len(str(v)) - 1)
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * step:
            return int(m * step)
    return v


def bar_chart(series: Series, width: float = 360, height: float = 220, *, bar_colours=None) -> Drawing:
    """Vertical bars with the value above each bar; several series side by side with a legend."""
    d = _frame(width, height, series.title)
    total = sum(sum(v) for v in series.values)
    if not series.labels or total == 0:
        return _empty(d, width, height)
    legend_h = 16 if len(series.names) > 1 else 0
    c = VerticalBarChart()
    c.x, c.y = 38, 30 + legend_h
    c.width, c.height = width - 54, height - 60 - legend_h
    c.data = [list(v) for v in series.values]
    c.categoryAxis.categoryNames = series.labels
    c.categoryAxis.labels.fontName = FONT
    c.categoryAxis.labels.fontSize = 8 if len(series.labels) <= 12 else 6
    if len(series.labels) > 12:
        c.categoryAxis.labels.angle = 45
        c.categoryAxis.labels.boxAnchor = "ne"
    c.valueAxis.labels.fontName = FONT
    c.valueAxis.labels.fontSize = 7
    c.valueAxis.valueMin = 0
    c.valueAxis.valueMax = _nice_max(max(max(v) for v in series.values))
    c.valueAxis.valueStep = c.valueAxis.valueMax / 5
    c.valueAxis.labelTextFormat = lambda v: f"{v:g}"
    c.barLabelFormat = lambda v: f"{v:g}" if v else ""
    c.barLabels.fontName = FONT
    c.barLabels.fontSize = 7
    c.barLabels.nudge = 6
    c.groupSpacing = 6
    palette = [BLUE, ORANGE, GREY]
    for i in range(len(series.values)):
        c.bars[i].fillColor = palette[i % len(palette)]
        c.bars[i].strokeColor = None
    if bar_colours:
        for j, colour in enumerate(bar_colours):
            c.bars[(0, j)].fillColor = colour
    d.add(c)
    if legend_h:
        lg = Legend()
        lg.x, lg.y = 40, 12
        lg.alignment = "right"
        lg.columnMaximum = 1
        lg.fontName = FONT
        lg.fontSize = 8
        lg.dx = lg.dy = 8
        lg.deltax = 70
        lg.colorNamePairs = [(palette[i], n) for i, n in enumerate(series.names)]
        d.add(lg)
    return d


def plot_area(drawing: Drawing) -> tuple[float, float] | None:
    """(x, width) of a bar chart's plot area in drawing units, for finding the bar under a click."""
    for item in drawing.contents:
        if isinstance(item, VerticalBarChart):
            return item.x, item.width
    return None


def draw(name: str, series: Series, width: float = 360, height: float = 220) -> Drawing:
    if name == "tolerance":
        return bar_chart(series, width, height, bar_colours=[COLOURS["绿"], COLOURS["黄"], COLOURS["红"]])
    if name == "age_bands":
        young = [BLUE, BLUE, GREY, GREY, GREY]
        return bar_chart(series, width, height, bar_colours=young)
    return bar_chart(series, width, height)


def age_mix(young: int, middle: int, old: int, title: str = "老中青结构", width: float = 260,
            height: float = 70) -> Drawing:
    """A team's age mix as one stacked horizontal bar: 青 (≤ young bound), 中, 老 (≥ 46)."""
    d = _drawing(width, height)
    total = young + middle + old
    d.add(String(4, height - 13, title, fontName=FONT, fontSize=9, fillColor=TEXT))
    if total == 0:
        return _empty(d, width, height)
    c = HorizontalBarChart()
    c.x, c.y, c.width, c.height = 4, 18, width - 8, height - 38
    c.data = [[young], [middle], [old]]
    c.categoryAxis.style = "stacked"
    c.categoryAxis.visible = False
    c.valueAxis.visible = False
    c.valueAxis.valueMin, c.valueAxis.valueMax = 0, total
    for i, colour in enumerate((colors.HexColor("#5aa469"), BLUE, ORANGE)):
        c.bars[i].fillColor = colour
        c.bars[i].strokeColor = colors.white
    c.barLabelFormat = lambda v: f"{v:g}" if v else ""
    c.barLabels.fontName = FONT
    c.barLabels.fontSize = 8
    c.barLabels.fillColor = colors.white
    c.barLabels.boxAnchor = "e"
    c.barLabels.nudge = 0
    c.barLabels.dx = -4
    d.add(c)
    lg = Legend()
    lg.x, lg.y = 4, 8
    lg.alignment = "right"
    lg.columnMaximum = 1
    lg.fontName = FONT
    lg.fontSize = 7
    lg.dx = lg.dy = 6
    lg.deltax = 60
    lg.colorNamePairs = [(colors.HexColor("#5aa469"), f"青 {young}"), (BLUE, f"中 {middle}"), (ORANGE, f"老 {old}")]
    d.add(lg)
    return d


def to_svg(drawing: Drawing) -> bytes:
    from reportlab.graphics import renderSVG

    return renderSVG.drawToString(drawing).encode("utf-8")




__all__ = ["FONT", "Series", "age_mix", "draw", "register_font", "report_series", "to_svg"]
