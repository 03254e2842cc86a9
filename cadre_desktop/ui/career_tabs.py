"""Read-only tabs of a cadre's file: 培训, 挂职驻村, 任用, 表彰, 关爱 and 履历时间线.

The records are kept on their own pages; here they are only shown, gathered by
`core.services.career_file`, so a clerk reading a cadre's file sees the whole career.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable, Sequence

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from ..core.services import career_file
from .page_kit import elided_tips

Column = tuple[str, Callable[[dict], Any], int]  # header, value of a record, width (0: stretch)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return career_file.day_text(value)
    if isinstance(value, Decimal):
        return career_file.hours_text(value)
    return str(value)


def _span(start: dt.date | None, end: dt.date | None, open_text: str = "至今") -> str:
    return f"{career_file.day_text(start)}—{career_file.day_text(end) if end else open_text}"


TRAINING: Sequence[Column] = (
    ("培训班", lambda r: r["class_name"], 0),
    ("主办单位", lambda r: r["organizer"], 130),
    ("方式", lambda r: r["mode"], 80),
    ("起止日期", lambda r: _span(r["start"], r["end"], ""), 190),
    ("学时", lambda r: r["hours"], 60),
    ("结业", lambda r: r["completed"], 50),
)
POSTINGS: Sequence[Column] = (
    ("类别", lambda r: r["kind"], 100),
    ("挂职地点或单位", lambda r: r["place"], 0),
    ("去向类别", lambda r: r["destination"], 80),
    ("任务领域", lambda r: r["field"], 80),
    ("起止日期", lambda r: _span(r["start"], r["end"]), 190),
    ("表现", lambda r: r["evaluation"], 70),
)
APPOINTMENTS: Sequence[Column] = (
    ("日期", lambda r: r["date"], 95),
    ("类别", lambda r: r["kind"], 80),
    ("新任职务", lambda r: r["new_post"] or r["new_rank"], 0),
    ("原任职务", lambda r: r["old_post"], 190),
    ("班子职务", lambda r: r["new_team_role"], 120),
    ("批次", lambda r: r["batch"], 140),
    ("任免文号", lambda r: r["doc_number"], 150),
)
AWARDS: Sequence[Column] = (
    ("日期", lambda r: r["date"], 95),
    ("表彰通报", lambda r: r["batch_title"], 0),
    ("文号", lambda r: r["doc_number"], 130),
    ("荣誉称号", lambda r: r["honour"], 130),
)
CARE: Sequence[Column] = (
    ("日期", lambda r: r["date"], 95),
    ("类别", lambda r: r["kind"], 100),
    ("天数", lambda r: r["days"], 60),
    ("金额（元）", lambda r: None if r["amount"] is None else f"{r['amount']:.2f}", 90),
    ("备注", lambda r: r["notes"], 0),
)
TIMELINE: Sequence[Column] = (
    ("时间", lambda e: e["time"], 160),
    ("来源", lambda e: e["kind"], 70),
    ("经历", lambda e: e["text"], 0),
)
KIND_COLOURS = {"任用": "#1f5fa8", "挂职驻村": "#2e7d32"}


class RecordTable(QWidget):
    """A read-only table of records with a line saying where they are kept, or that there are none."""

    def __init__(self, columns: Sequence[Column], rows: list[dict], empty: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.columns = columns
        self.empty = empty
        self.table = QTableWidget(0, len(columns))
        elided_tips(self.table)
        self.table.setHorizontalHeaderLabels([c[0] for c in columns])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 12)
        header = self.table.horizontalHeader()
        for col, (_h, _get, width) in enumerate(columns):
            if width:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(col, width)
            else:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        self.note = QLabel()
        self.note.setStyleSheet("color: #666;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        self.set_rows(rows)

    def set_rows(self, rows: list[dict]) -> None:
        self.table.setRowCount(len(rows))
        for row, record in enumerate(rows):
            for col, (_h, get, _w) in enumerate(self.columns):
                item = QTableWidgetItem(_text(get(record)))
                item.setToolTip(item.text())
                self.table.setItem(row, col, item)
        self.note.setText(self.empty if not rows else f"共 {len(rows)} 条")

    def texts(self, column: int) -> list[str]:
        return [self.table.item(r, column).text() for r in range(self.table.rowCount())]


def fetch_career(session, cadre_id: int) -> dict:
    """What the six tabs show (plain data, read on a query thread): career_file.career and timeline."""
    return {"career": career_file.career(session, cadre_id), "timeline": career_file.timeline(session, cadre_id)}


class CareerTabs:
    """The six tabs, added to a cadre editor's QTabWidget for an existing cadre: built empty, filled
    by fill() with what fetch_career read."""

    def __init__(self, tabs: QTabWidget):
        self.training = RecordTable(TRAINING, [], "没有参训记录。")
        self.postings = RecordTable(POSTINGS, [], "没有挂职、驻村或一线任务记录。")
        self.appointments = RecordTable(APPOINTMENTS, [], "没有任用记录。")
        self.awards = RecordTable(AWARDS, [], "没有表彰记录。")
        self.care = RecordTable(CARE, [], "没有关爱记录。")
        self.timeline = RecordTable(TIMELINE, [], "简历、任用和挂职驻村都还没有记录。")
        self.pages = {"培训": self.training, "挂职驻村": self.postings, "任用": self.appointments,
                      "表彰": self.awards, "关爱": self.care, "履历时间线": self.timeline}
        for title, page in self.pages.items():
            tabs.addTab(page, title)

    def fill(self, answer: dict) -> None:
        data, lines = answer["career"], answer["timeline"]
        self.training.set_rows(data["trainings"])
        self.postings.set_rows(data["postings"])
        self.appointments.set_rows(data["appointments"])
        self.awards.set_rows(data["awards"])
        self.care.set_rows(data["care_records"])
        self.timeline.set_rows(lines)
        for row, entry in enumerate(lines):
            colour = KIND_COLOURS.get(entry["kind"])
            if colour:
                self.timeline.table.item(row, 1).setForeground(QColor(colour))
        if lines:
            self.timeline.note.setText(
                f"共 {len(lines)} 条：简历按起始年月，任用和挂职驻村按日期，合并排序。以上记录只读，请在各自的页面修改。")


def add_career_tabs(tabs: QTabWidget) -> CareerTabs:
    return CareerTabs(tabs)
