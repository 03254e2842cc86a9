"""工作情况统计 (report): the report's indicators as tables by section, the four charts and the
drafted 工作成效 text, laid out on A4 from forms/report.toml. params: {"start": date, "end": date}.

The charts are the same ReportLab drawings the window shows (core.reports.charts), placed on the
page as vector graphics."""

from __future__ import annotations

import datetime as dt

from ..reports import charts, draft
from ..reports.indicators import Period, compute, value_text
from .errors import MissingGlyph, PrintError
from .layout import MM, Page, lines_op, missing_glyph_error, place_lines, wrap
from .lists import today_text
from .render import Job, register
from .table import cn_index

FIELDS = {"period": "统计期间", "from": "起始日期", "to": "截止日期", "date": "打印日期"}
CHARTS = ("training", "commendations", "age_bands", "tolerance")


def _day(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


class _Writer:
    """A cursor down the pages (y in mm from the top of the page)."""

    def __init__(self, job: Job, defn):
        self.job, self.defn = job, defn
        d = defn.data
        self.m = d["page"]["margins"]
        self.page_w, self.page_h = defn.page_size_mm()
        self.width = self.page_w - self.m["left"] - self.m["right"]
        self.bottom = self.page_h - self.m["bottom"]
        self.line_width = d.get("line_width", 0.5)
        self.styles = job.styles(defn)
        self.pages: list[Page] = []
        self.new_page()

    def new_page(self) -> None:
        self.pages.append(self.job.new_page(self.defn))
        self.y = self.m["top"]

    def room(self, h: float) -> None:
        if self.y + h > self.bottom:
            self.new_page()

    def line(self, text: str, style_name: str, *, align="left", indent=0.0, x=None, width=None, height=None):
        style = self.styles[style_name]
        x = self.m["left"] if x is None else x
        width = self.width if width is None else width
        h = height or style.size * style.leading / MM
        place_lines(self.pages[-1], style, [(text, 0.0)], style.size,
                    ((x + indent) * MM, self.pages[-1].y(self.y), (width - indent) * MM, style.size), align, "top")
        return h

    def paragraph(self, text: str, style_name: str, *, align="left", first_indent_ems: float = 0.0) -> None:
        style = self.styles[style_name]
        lead = style.size * style.leading / MM
        pad = "\u3000" * int(first_indent_ems)
        for line, _ind in wrap(style.chain, pad + text, style.size, self.width * MM):
            self.room(style.size / MM)
            self.line(line, style_name, align=align)
            self.y += lead

    def table(self, rows: list[tuple[str, str, str]], header: tuple[str, str, str], columns: list[float],
              row_h: float) -> None:
        """A ruled three-column table; the header repeats on each new page."""
        left = self.m["left"]
        xs = [left]
        for w in columns:
            xs.append(xs[-1] + w)

        def rule_rows(top: float, n: int) -> None:
            page = self.pages[-1]
            segs = set()
            for i in range(n + 1):
                yy = page.y(top + i * row_h)
                segs.add((xs[0] * MM, yy, xs[-1] * MM, yy))
            for x in xs:
                segs.add((x * MM, page.y(top), x * MM, page.y(top + n * row_h)))
            lines_op(page, segs, self.line_width)

        def put(cells, style_name: str, aligns) -> None:
            style = self.styles[style_name]
            page = self.pages[-1]
            for (text, x, w, align) in zip(cells, xs, columns, aligns):
                size = style.size
                width_pt = (w - 3) * MM
                from .layout import text_width

                while text and text_width(style.chain, text, size) > width_pt and size > style.min_size:
                    size = round(size - 0.5, 2)
                place_lines(page, style, [(text, 0.0)], size, ((x + 1.5) * MM, page.y(self.y), width_pt,
                                                                 row_h * MM), align, "middle")

        start = None
        count = 0

        def begin() -> None:
            nonlocal start, count
            start, count = self.y, 1
            put(header, "header", ("center", "center", "center"))
            self.y += row_h

        self.room(row_h * 2)
        begin()
        for cells in rows:
            if self.y + row_h > self.bottom:
                rule_rows(start, count)
                self.new_page()
                begin()
            put(cells, "cell", ("left", "right", "center"))
            self.y += row_h
            count += 1
        rule_rows(start, count)

    def drawing(self, drawing, x_mm: float, w_mm: float, h_mm: float) -> None:
        """A chart scaled into a w×h box whose top-left is (x, self.y)."""
        from reportlab.graphics.shapes import Group

        sx, sy = w_mm * MM / drawing.width, h_mm * MM / drawing.height
        s = min(sx, sy)
        g = Group(*drawing.contents)
        g.scale(s, s)
        from reportlab.graphics.shapes import Drawing

        d = Drawing(drawing.width * s, drawing.height * s)
        d.initialFontName = drawing.initialFontName
        d.add(g)
        page = self.pages[-1]
        page.ops.append(("drawing", d, x_mm * MM, page.y(self.y) - d.height))


def layout(job: Job) -> list[Page]:
    start, end = job.params.get("start"), job.params.get("end")
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        raise PrintError("打印统计报表须指明统计期间（起止日期）。")
    period = Period(start, end)
    defn = job.definition(FIELDS)
    opt = defn.option
    job.tick(0, 4, "统计指标")
    report = compute(job.session, period, cancelled=job.cancelled)
    job.tick(1, 4, "绘制图表")
    series = charts.report_series(job.session, report)
    text = draft.draft(report)
    values = {"period": period.label, "from": _day(period.start), "to": _day(period.end),
              "date": today_text(dt.date.today())}
    w = _Writer(job, defn)
    try:
        for block in defn.data["blocks"]:
            w.y += block.get("space_before", 0)
            if block["type"] == "spacer":
                w.y += block.get("height", 0)
                continue
            if block["type"] not in ("heading", "text"):
                continue
            style = block.get("style", "title" if block["type"] == "heading" else "body")
            line = block.get("text", "").format(**values)
            w.paragraph(line, style, align=block.get("align", "center" if block["type"] == "heading" else "left"))
            if block.get("height"):
                w.y += max(0.0, block["height"] - w.styles[style].size * w.styles[style].leading / MM)
            w.y += block.get("space_after", 0)

        job.tick(2, 4, "指标表")
        columns = [float(c) for c in opt("columns", [112, 28, 23])]
        if sum(columns) > w.width + 0.5:
            raise PrintError(f"报表定义（report.toml）中 columns 各列宽之和 {sum(columns):.1f} 毫米超出版心宽 {w.width:.1f} 毫米。")
        row_h = float(opt("row_height", 6.5))
        hide_zero = bool(opt("hide_zero", False))
        for n, (_s, title, items) in enumerate(report.by_section()):
            rows = [(ind.label, value_text(ind, report.values[ind.key]), ind.unit) for ind in items
                    if not (hide_zero and not report.values[ind.key])]
            if not rows:
                continue
            w.room(10 + row_h * 3)
            w.y += 3
            w.line(f"{cn_index(n + 1)}、{title}", "heading")
            w.y += w.styles["heading"].size * 1.5 / MM
            w.table(rows, ("指标", "数值", "单位"), columns, row_h)

        job.tick(3, 4, "图表")
        cw, ch = float(opt("chart_width", 80)), float(opt("chart_height", 52))
        w.room(12 + ch)
        w.y += 4
        w.line(opt("charts_title", "图表"), "heading")
        w.y += w.styles["heading"].size * 1.5 / MM
        gap = max(w.width - 2 * cw, 0)
        for i, name in enumerate(CHARTS):
            if i % 2 == 0:
                if i:
                    w.y += ch + 4
                w.room(ch)
            x = w.m["left"] + (0 if i % 2 == 0 else cw + gap)
            w.drawing(charts.draw(name, series[name]), x, cw, ch)
        w.y += ch + 6

        if text:
            w.room(20)
            w.line(opt("draft_title", "工作成效（草稿）"), "heading")
            w.y += w.styles["heading"].size * 1.6 / MM
            for para in text.split("\n"):
                w.paragraph(para, "body", first_indent_ems=2)
    except MissingGlyph as exc:
        raise missing_glyph_error(exc, "统计报表", "文字") from None

    total = len(w.pages)
    footer = w.styles["footer"]
    for i, page in enumerate(w.pages, 1):
        place_lines(page, footer, [(f"第 {i} 页 共 {total} 页", 0.0)], footer.size,
                    (w.m["left"] * MM, (w.m["bottom"] - 8) * MM, w.width * MM, footer.size), "center", "top")
    job.tick(4, 4, "完成")
    return w.pages


register("report", "激励干部担当作为工作情况统计", layout)
