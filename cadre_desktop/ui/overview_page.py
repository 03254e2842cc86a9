"""首页: the page the window opens on. This year's key figures as cards (a click lists the records
behind a figure), the four charts of the report, and what needs doing — overdue mentoring pairs,
open corrections, rule findings — each opening its records.

The figures are this year's up to today (`今年以来`), computed off the GUI thread whenever the
page is shown after a change.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget,
)

from ..core.reports.indicators import Period, compute, value_text
from .common import shortcut
from .jobs import Loads
from .page_kit import RefreshWhenShown
from .report_kit import REPORTED, Card, ChartView, open_behind
from .state import AppState

# The cards: (indicator key, title, unit).
CARDS = (
    ("cadres.in_service", "在职干部", "人"),
    ("cadres.young", "年轻干部", "人"),
    ("training.classes", "培训班", "期"),
    ("training.attendances", "参训", "人次"),
    ("postings.village.cadres", "驻村干部", "人"),
    ("postings.secondment.cadres", "挂职锻炼", "人"),
    ("commendations.individuals", "通报表扬先进个人", "人"),
    ("township_teams.appointed", "选配进入乡镇班子", "人"),
    ("mentoring.young_mentees", "结对帮带年轻干部", "人"),
    ("allowances.total_yuan", "乡镇津贴", "元"),
)
# What needs doing: (indicator key, text, page to go to).
TODO = (
    ("mentoring.overdue_pairs", "逾期的结对帮带", "结对帮带"),
    ("tolerance.open_corrections", "整改中的容错纠错案例", "容错纠错"),
    ("rules.findings", "规则检查发现的问题", "规则检查"),
)
CHARTS = ("training", "commendations", "age_bands", "tolerance")
SLOW = ("allowances.",)  # computed in a second query, after the rest is shown
# The figures the page shows (with the charts' own, charts.FIGURES): the rest of the report is the
# 统计报表 page's, and is not computed here at start-up.
SHOWN = tuple(k for k, _t, _u in CARDS) + tuple(k for k, _t, _p in TODO)
SLOW_CARD = "allowances.total_yuan"


def this_year(today: dt.date | None = None) -> Period:
    today = today or dt.date.today()
    return Period(dt.date(today.year, 1, 1), today)


class OverviewPage(RefreshWhenShown, QWidget):
    """This year's figures, charts and to-dos, computed (charts rendered) on the page's query
    thread (Loads keys "figures" and "allowance")."""

    SHOWS = REPORTED
    open_cadre = Signal(int)
    navigate = Signal(str)  # a page's name in the navigation

    def __init__(self, state: AppState, parent=None, today: dt.date | None = None):
        super().__init__(parent)
        self.state = state
        self.today = today
        self.period = this_year(today)
        self.report = None
        self.loaded = False
        self._stale = True
        self.loads = Loads(self)
        self.slow_report = None

        self.title = QLabel()
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.status = QLabel()
        self.status.setStyleSheet("color: #666;")
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.setToolTip("按当前记录重新统计（F5）")
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(12)
        top.addWidget(self.status, 1)
        top.addWidget(self.refresh_button)

        self.cards: dict[str, Card] = {}
        grid = QGridLayout()
        grid.setSpacing(8)
        for i, (key, title, unit) in enumerate(CARDS):
            card = Card(key, title, unit)
            card.clicked.connect(self.show_behind)
            self.cards[key] = card
            grid.addWidget(card, i // 5, i % 5)

        self.charts: dict[str, ChartView] = {}
        chart_grid = QGridLayout()
        chart_grid.setSpacing(6)
        for i, name in enumerate(CHARTS):
            view = ChartView()
            view.setMinimumSize(300, 180)
            view.clicked.connect(self.show_behind)
            self.charts[name] = view
            chart_grid.addWidget(view, i // 2, i % 2)

        todo_box = QVBoxLayout()
        heading = QLabel("待办事项")
        heading.setFont(font)
        todo_box.addWidget(heading)
        self.todo: dict[str, QPushButton] = {}
        self.todo_pages: dict[str, str] = {}
        for key, text, page in TODO:
            button = QPushButton(text)
            button.setStyleSheet("QPushButton { text-align: left; padding: 8px; }")
            button.setToolTip("单击查看这些记录" + ("（未按时谈心谈话或定期汇报的结对）" if key.startswith("mentoring") else ""))
            button.clicked.connect(lambda _=False, k=key: self.show_behind(k))
            go = QPushButton(f"转到{page}")
            go.setToolTip(f"打开“{page}”页")
            go.clicked.connect(lambda _=False, p=page: self.navigate.emit(p))
            self.todo[key] = button
            self.todo_pages[key] = page
            todo_box.addWidget(button)
            todo_box.addWidget(go, 0, Qt.AlignmentFlag.AlignRight)
        hint = QLabel("单击卡片、图表的柱形或待办事项，查看背后的记录；在记录中双击打开干部档案。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        todo_box.addWidget(hint)
        todo_box.addStretch(1)
        todo_panel = QWidget()
        todo_panel.setLayout(todo_box)
        todo_panel.setFixedWidth(270)

        main = QVBoxLayout()
        main.addLayout(grid)
        main.addLayout(chart_grid, 1)
        body = QHBoxLayout()
        body.addLayout(main, 1)
        body.addWidget(todo_panel)

        content = QWidget()
        lay = QVBoxLayout(content)
        lay.addLayout(top)
        lay.addLayout(body, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        shortcut(self, "F5", self.refresh)
        state.changes.changed.connect(self._changed)
        self._set_title()

    def _set_title(self) -> None:
        p = self.period
        self.title.setText(f"{p.start.year}年工作概览（今年以来，截至{p.end.month}月{p.end.day}日）")

    # -- computing ----------------------------------------------------------------------------------
    def refresh(self, *, wait: bool = False) -> None:
        self._stale = False
        self.period = this_year(self.today)
        self._set_title()
        self.status.setText("正在统计……")
        period = self.period

        # The allowance payroll is the slowest figure: it follows in a second query so the rest
        # shows as soon as it is counted.
        state, today = self.state, self.today

        def work():
            from ..core.reports import charts  # ReportLab: loaded off the GUI thread, when first needed

            with state.session(read_only=True) as s:
                report = compute(s, period, today=today, only=SHOWN + charts.FIGURES, skip=SLOW)
                series = charts.report_series(s, report)
            drawings = {}
            for name in CHARTS:
                drawing = charts.draw(name, series[name], 360, 210)
                drawings[name] = (drawing, series[name], charts.to_svg(drawing))
            return report, drawings

        def slow():
            with state.session(read_only=True) as s:
                return compute(s, period, today=today, only=SLOW[0])

        self.cards[SLOW_CARD].set_value("…")
        self.loads.run("figures", work, self._apply, wait=wait)
        self.loads.run("allowance", slow, self._apply_slow, wait=wait)

    def _apply_slow(self, report) -> None:
        self.slow_report = report
        ind = next(i for i in report.indicators if i.key == SLOW_CARD)
        self.cards[SLOW_CARD].set_value(value_text(ind, report.values[SLOW_CARD]))

    def _apply(self, result) -> None:
        report, drawings = result
        self.report = report
        self.loaded = True
        inds = {i.key: i for i in report.indicators}
        for key, card in self.cards.items():
            if key in inds:
                card.set_value(value_text(inds[key], report.values[key]))
        for key, button in self.todo.items():
            n = report.values.get(key, 0)
            text = next(t for k, t, _p in TODO if k == key)
            button.setText(f"{text}：{n} 条" if n else f"{text}：无")
            button.setStyleSheet("QPushButton { text-align: left; padding: 8px; %s }"
                                 % ("color: #b03a2e; font-weight: bold;" if n else "color: #3c7a3c;"))
        for name, view in self.charts.items():
            view.set_drawing(*drawings[name])
        self.status.setText("")

    # -- the records behind -------------------------------------------------------------------------
    def show_behind(self, key: str):
        return open_behind(self, key, self.period)
