"""The cadre editor's list tabs (简历, 奖惩, 年度考核, 家庭成员 ...): one `ListEditor` per list of
`cadres.LISTS`, a table edited in place whose cells are parsed the way `LIST_KINDS` says."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemDelegate, QAbstractItemView, QApplication, QHBoxLayout, QHeaderView, QLabel, QPushButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from ..core.exchange.parse import clean_text, parse_day, parse_int, parse_month
from ..core.services import cadres
from ..core.values import APPRAISAL_RESULTS, REWARD_KINDS, Month
from .common import ERROR_STYLE, set_error
from .page_kit import elided_tips
from .widgets import ChoiceDelegate, DayEdit, MonthEdit, ParsedDelegate, day_text, month_text

# How each list cell is read: month, day, year, a fixed choice (tuple), or free text.
LIST_KINDS: dict[tuple[str, str], Any] = {
    ("resumes", "start"): "month",
    ("resumes", "end"): "month",
    ("rewards", "date"): "day",
    ("rewards", "kind"): REWARD_KINDS,
    ("appraisals", "year"): "year",
    ("appraisals", "result"): APPRAISAL_RESULTS,
    ("family", "birth"): "month",
}
WIDE_COLUMNS = {"text", "work", "approver"}  # columns that take the spare width
CELL_ERROR = QColor("#f6c9c4")
LIST_KEY = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Month):
        return month_text(value)
    if isinstance(value, dt.date):
        return day_text(value)
    return str(value)


def _parse_cell(kind: Any, text: str) -> Any:
    if kind == "month":
        return parse_month(text)
    if kind == "day":
        return parse_day(text)
    if kind == "year":
        return parse_int(text)
    return clean_text(text)


class ListEditor(QWidget):
    """One of a cadre's lists as a table edited in place, with 添加行 / 删除行 / 上移 / 下移 and a
    label under the table for the errors of its rows."""

    def __init__(self, name: str, *, readonly: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.name = name
        self.readonly = readonly
        self.keys = [k for k, _ in cadres.LIST_FIELDS[name]]
        self.rows: list[int] = []  # table row of each item of the last read()

        self.table = QTableWidget(0, len(self.keys))
        elided_tips(self.table)
        self.table.setHorizontalHeaderLabels([label for _, label in cadres.LIST_FIELDS[name]])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 14)
        header = self.table.horizontalHeader()
        for col, key in enumerate(self.keys):
            kind = LIST_KINDS.get((name, key), "text")
            if kind == "month":
                if (name, key) == ("resumes", "end"):
                    delegate = ParsedDelegate(MonthEdit, self.table, placeholder="留空为至今", empty_text="至今")
                else:
                    delegate = ParsedDelegate(MonthEdit, self.table)
                self.table.setItemDelegateForColumn(col, delegate)
            elif kind == "day":
                self.table.setItemDelegateForColumn(col, ParsedDelegate(DayEdit, self.table))
            elif isinstance(kind, tuple):
                self.table.setItemDelegateForColumn(col, ChoiceDelegate(kind, self.table))
            if key in WIDE_COLUMNS or (name == "family" and key == "work"):
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(col, 130 if kind in ("month", "day") else 120)
        if name == "appraisals":  # two short columns
            header.resizeSection(0, 100)
            header.resizeSection(1, 160)
        if readonly:
            self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        else:
            self.table.setEditTriggers(
                QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                | QAbstractItemView.EditTrigger.AnyKeyPressed | QAbstractItemView.EditTrigger.SelectedClicked
            )

        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setVisible(False)

        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for text, slot in (("添加行", self.add_row), ("删除行", self.remove_row), ("上移", self.move_up),
                           ("下移", self.move_down)):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            if readonly:
                button.setVisible(False)
            buttons.addWidget(button)
            self.buttons[text] = button
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)

    # contents

    def set_items(self, items: list[dict]) -> None:
        self.table.setRowCount(0)
        for item in items:
            self._append([_cell_text(item.get(k)) for k in self.keys])

    def _append(self, texts: list[str]) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col, text in enumerate(texts):
            cell = QTableWidgetItem(text)
            if self.readonly:
                cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, col, cell)
        return row

    def texts(self, row: int) -> list[str]:
        return [(self.table.item(row, c).text() if self.table.item(row, c) else "").strip()
                for c in range(len(self.keys))]

    def snapshot(self) -> list[list[str]]:
        return [self.texts(r) for r in range(self.table.rowCount())]

    def read(self) -> tuple[list[dict], list[tuple[str, str]]]:
        """The items (blank rows left out) and the cells that could not be read, as
        (`resumes[i].start`, message) with i the item's index; `self.rows` maps it to the table row."""
        items, errors, self.rows = [], [], []
        for row in range(self.table.rowCount()):
            texts = self.texts(row)
            if not any(texts):
                continue
            index = len(items)
            item: dict[str, Any] = {}
            for key, text in zip(self.keys, texts):
                try:
                    item[key] = _parse_cell(LIST_KINDS.get((self.name, key), "text"), text)
                except ValueError as e:
                    item[key] = None
                    errors.append((f"{self.name}[{index}].{key}", str(e)))
            items.append(item)
            self.rows.append(row)
        return items, errors

    def commit_open_editor(self) -> None:
        """Write a cell editor that is still open into its cell (Ctrl+S pressed while typing)."""
        focus = QApplication.focusWidget()
        if focus is None or focus is self.table or not self.table.viewport().isAncestorOf(focus):
            return
        self.table.commitData(focus)
        self.table.closeEditor(focus, QAbstractItemDelegate.EndEditHint.NoHint)

    def table_row(self, index: int) -> int:
        return self.rows[index] if 0 <= index < len(self.rows) else index

    # errors

    def clear_errors(self) -> None:
        for row in range(self.table.rowCount()):
            for col in range(len(self.keys)):
                cell = self.table.item(row, col)
                if cell is not None:
                    cell.setData(Qt.ItemDataRole.BackgroundRole, None)
                    cell.setToolTip("")
        set_error(self.error, None)

    def show_errors(self, errors: list[tuple[int, str, str]]) -> None:
        """errors: (table row, key, message); names the row as the clerk counts it (简历第3行 起始年月)."""
        lines = []
        for row, key, message in errors:
            label = cadres.field_label(f"{self.name}[{row}].{key}")
            lines.append(f"{label}：{message}")
            col = self.keys.index(key) if key in self.keys else -1
            if col >= 0 and 0 <= row < self.table.rowCount():
                cell = self.table.item(row, col)
                if cell is None:
                    cell = QTableWidgetItem("")
                    self.table.setItem(row, col, cell)
                cell.setBackground(CELL_ERROR)
                cell.setToolTip(message)
        set_error(self.error, "\n".join(lines))

    def focus_cell(self, row: int, key: str) -> None:
        col = self.keys.index(key) if key in self.keys else 0
        if 0 <= row < self.table.rowCount():
            self.table.setCurrentCell(row, col)
            self.table.scrollToItem(self.table.item(row, col))
        self.table.setFocus()

    # buttons

    def add_row(self) -> None:
        row = self._append([""] * len(self.keys))
        self.table.setCurrentCell(row, 0)
        self.table.setFocus()
        self.table.editItem(self.table.item(row, 0))

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        self.table.removeRow(row)
        if self.table.rowCount():
            self.table.setCurrentCell(min(row, self.table.rowCount() - 1), max(self.table.currentColumn(), 0))

    def _swap(self, a: int, b: int) -> None:
        for col in range(len(self.keys)):
            first, second = self.table.takeItem(a, col), self.table.takeItem(b, col)
            self.table.setItem(a, col, second)
            self.table.setItem(b, col, first)

    def move_up(self) -> None:
        row, col = self.table.currentRow(), max(self.table.currentColumn(), 0)
        if row > 0:
            self._swap(row, row - 1)
            self.table.setCurrentCell(row - 1, col)

    def move_down(self) -> None:
        row, col = self.table.currentRow(), max(self.table.currentColumn(), 0)
        if 0 <= row < self.table.rowCount() - 1:
            self._swap(row, row + 1)
            self.table.setCurrentCell(row + 1, col)
