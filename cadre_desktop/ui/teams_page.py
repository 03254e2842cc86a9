"""班子结构: each township's leadership team as the records stand today — members with age, sex,
education, 五类人员 background and years of work, the team's figures, its rule findings in red and
the members they name highlighted, and an age-mix (老中青) chart — and, across all townships, the
report's township_teams figures for a chosen period with the cadres behind each figure one click
away."""

from __future__ import annotations


from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QListWidget, QListWidgetItem,
    QSplitter, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from ..core.reports.indicators import TEAM_LABELS, Period, compute
from ..core.reports.teams import team_structure
from .common import shortcut
from .jobs import Loads
from .models import ID_ROLE
from .page_kit import SINGLE, RefreshWhenShown, make_table
from .report_kit import ChartView, PeriodPicker, TextTableModel, open_behind
from .state import AppState

RED = QColor("#b03a2e")
FLAG = QColor("#fde8e6")
MEMBER_COLUMNS = ("姓名", "性别", "年龄", "学历", "五类人员", "工作年限", "班子职务")


class TeamsPage(RefreshWhenShown, QWidget):
    """The teams and the period's team figures, read on the page's query thread (Loads keys
    "teams", "figures", and "mix" for the selected team's chart)."""

    SHOWS = frozenset({"cadre", "unit", "appointment", "setting"})
    open_cadre = Signal(int)

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.teams = []
        self._stale = True
        self.loads = Loads(self)
        self.period: Period | None = None

        title = QLabel("班子结构")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        title.setFont(font)
        self.summary = QLabel()
        self.summary.setStyleSheet("color: #666;")
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(12)
        top.addWidget(self.summary, 1)

        # -- tab 1: the teams ---------------------------------------------------------------------
        self.team_list = QListWidget()
        self.team_list.setMaximumWidth(190)
        self.team_list.currentRowChanged.connect(self._show_team)
        self.heading = QLabel()
        bold = QFont(self.heading.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.1)
        self.heading.setFont(bold)
        self.figures_label = QLabel()
        self.figures_label.setWordWrap(True)
        # A team of a province's township can have a thousand members: a model, no item per cell.
        self.members_model = TextTableModel(MEMBER_COLUMNS, parent=self, centered={1, 2, 5})
        self.members = make_table(self.members_model, mode=SINGLE, row_numbers=False,
                                  row_height=self.fontMetrics().height() + 10)
        self.members.doubleClicked.connect(lambda index: self._open_member(index.row()))
        shortcut(self.members, Qt.Key.Key_Return, lambda: self._open_member(self.members.currentIndex().row()))
        self.findings = QLabel()
        self.findings.setWordWrap(True)
        self.findings.setTextFormat(Qt.TextFormat.RichText)
        self.mix = ChartView()
        self.mix.setMinimumSize(260, 70)
        self.mix.setMaximumHeight(90)
        detail = QWidget()
        box = QVBoxLayout(detail)
        box.setContentsMargins(6, 0, 0, 0)
        head = QHBoxLayout()
        info = QVBoxLayout()
        info.addWidget(self.heading)
        info.addWidget(self.figures_label)
        head.addLayout(info, 1)
        head.addWidget(self.mix)
        box.addLayout(head)
        box.addWidget(self.members, 1)
        box.addWidget(self.findings)
        hint = QLabel("红底的成员是规则检查点名的成员；双击成员打开其档案。年龄、工作年限按今天计算。")
        hint.setStyleSheet("color: #666;")
        box.addWidget(hint)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.team_list)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([190, 1000])

        # -- tab 2: township_teams figures for a period ---------------------------------------------
        self.picker = PeriodPicker()
        self.picker.chosen.connect(self._run_figures)
        self.figure_table = QTableWidget(len(TEAM_LABELS), 2)
        self.figure_table.setHorizontalHeaderLabels(["指标", "人数"])
        self.figure_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.figure_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.figure_table.verticalHeader().setVisible(False)
        self.figure_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.figure_table.setColumnWidth(1, 90)
        self.figure_table.cellClicked.connect(lambda row, _c: self.open_figure(row))
        shortcut(self.figure_table, Qt.Key.Key_Return, lambda: self.open_figure(self.figure_table.currentRow()))
        for row, (key, label) in enumerate(TEAM_LABELS.items()):
            item = QTableWidgetItem(label)
            item.setData(ID_ROLE, f"township_teams.{key}")
            self.figure_table.setItem(row, 0, item)
            self.figure_table.setItem(row, 1, QTableWidgetItem(""))
        figures = QWidget()
        fbox = QVBoxLayout(figures)
        fbox.addWidget(self.picker)
        fbox.addWidget(self.figure_table, 1)
        note = QLabel("选配进入乡镇领导班子：期间内提拔任用、进一步使用或平职交流到乡镇（街道）且新班子职务不为空的干部；"
                      "一人多次的，以期间内最近一次为准。单击一项指标，查看背后的干部。")
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        fbox.addWidget(note)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.splitter, "各乡镇领导班子")
        self.tabs.addTab(figures, "班子选配统计")
        self.tabs.currentChanged.connect(lambda i: self.refresh_figures() if i == 1 and self.period is None else None)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.tabs, 1)
        shortcut(self, "F5", self.refresh)
        state.changes.changed.connect(self._changed)

    # -- loading ------------------------------------------------------------------------------
    def refresh(self, *, wait: bool = False) -> None:
        self._stale = False
        self.summary.setText("正在读取……")
        state = self.state

        def work():
            with state.session(read_only=True) as s:
                return team_structure(s)

        self.loads.run("teams", work, self._apply_teams, wait=wait)
        if self.period is not None or self.tabs.currentIndex() == 1:
            self.refresh_figures(wait=wait)

    def _apply_teams(self, teams) -> None:
        keep = self.team_list.currentRow()
        self.teams = teams
        self.team_list.clear()
        for t in teams:
            item = QListWidgetItem(f"{t.unit}（{len(t.members)}人）" + ("  ⚠" if t.findings else ""))
            if t.findings:
                item.setForeground(QBrush(RED))
                item.setToolTip("；".join(f.message for f in t.findings))
            self.team_list.addItem(item)
        flagged = sum(1 for t in teams if t.findings)
        self.summary.setText(f"共 {len(teams)} 个乡镇（街道）领导班子，{flagged} 个有规则检查发现。")
        if teams:
            self.team_list.setCurrentRow(keep if 0 <= keep < len(teams) else 0)
        else:
            self._show_team(-1)

    def _show_team(self, row: int) -> None:
        if not 0 <= row < len(self.teams):
            self.members_model.set_rows([], [])
            self.heading.setText("没有乡镇领导班子（乡镇、街道在职干部中填写了班子职务的）。" if not self.teams else "")
            self.figures_label.setText("")
            self.findings.setText("")
            return
        t = self.teams[row]
        self.heading.setText(f"{t.unit}领导班子")
        avg = f"平均年龄 {t.average_age} 岁，" if t.average_age is not None else ""
        self.figures_label.setText(
            f"{len(t.members)} 人：{avg}女干部 {t.women} 人，本科及以上 {t.bachelor_or_above} 人，"
            f"五类人员 {t.five_categories} 人；党委（党工委）书记：{t.party_head or '—'}，"
            f"乡镇长（主任）：{t.government_head or '—'}")
        named = {m.cadre_id for m in t.members if m.flagged}
        texts = [(m.name, m.sex, "" if m.age is None else str(m.age), m.education, m.five_category,
                  "未填" if m.work_years is None else f"{m.work_years}年", m.team_role) for m in t.members]
        self.members_model.set_rows(texts, [m.cadre_id for m in t.members],
                                    {r for r, m in enumerate(t.members) if m.cadre_id in named})
        if t.findings:
            self.findings.setText("<span style='color:#b03a2e'><b>规则检查：</b><br>" +
                                  "<br>".join(f"· {f.message}" for f in t.findings) + "</span>")
        else:
            self.findings.setText("<span style='color:#3c7a3c'>规则检查：未发现问题。</span>")
        young, middle, old = t.young, t.middle, t.old

        def mix():  # the chart is drawn and rendered on the query thread
            from ..core.reports import charts  # ReportLab: not at start

            drawing = charts.age_mix(young, middle, old, "老中青结构")
            return drawing, charts.to_svg(drawing)

        self.loads.run("mix", mix, lambda got: self.mix.set_drawing(got[0], svg=got[1]))

    def _open_member(self, row: int) -> None:
        cadre_id = self.members_model.cadre_id_at(row)
        if cadre_id is not None:
            self.open_cadre.emit(cadre_id)

    # -- figures --------------------------------------------------------------------------------
    def refresh_figures(self, *, wait: bool = False) -> None:
        period = self.picker.current()
        if period is not None:
            self._run_figures(period, wait=wait)

    def _run_figures(self, period: Period, *, wait: bool = False) -> None:
        state = self.state

        def work():
            with state.session(read_only=True) as s:
                return compute(s, period, only="township_teams.")

        self.loads.run("figures", work, self._apply_figures, wait=wait)

    def _apply_figures(self, report) -> None:
        self.period = report.period
        for row, key in enumerate(TEAM_LABELS):
            v = report.values.get(f"township_teams.{key}", 0)
            item = QTableWidgetItem(str(v))
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.figure_table.setItem(row, 1, item)

    def open_figure(self, row: int):
        item = self.figure_table.item(row, 0)
        if item is None or self.period is None:
            return None
        return open_behind(self, item.data(ID_ROLE), self.period)

