"""What the report pages share: a chart view (ReportLab drawing → SVG → QtSvg), a figure card, and
the dialog listing the records behind a figure (a double-click opens a cadre's file). The records
behind a figure can be every cadre of a province: they are read and turned into text off the GUI
thread, and the dialog's table is a model over them (no item per cell)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QByteArray, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QCursor, QFont
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QButtonGroup, QDialog, QDialogButtonBox, QFrame, QHBoxLayout, QLabel, QPushButton, QRadioButton, QSpinBox,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from ..core.reports.indicators import Period, behind
from .common import shortcut
from .jobs import collector_paused, run_job
from .models import ID_ROLE
from .widgets import DayEdit, mask_tail

RED = QColor("#b03a2e")
FLAG = QColor("#fde8e6")
# What the report pages show: every kind of record (not the accounts, not the record of changes).
REPORTED = frozenset({"cadre", "unit", "appointment", "tolerance", "setting", "mentoring", "commendation_batch",
                      "award", "attendance", "training_class", "posting", "care_record", "visit", "allowance_rate",
                      "allowance_payroll"})


class ChartView(QSvgWidget):
    """A ReportLab drawing shown as SVG, its aspect ratio kept. Given the chart's series, a click on
    a bar's column emits `clicked(key)` with the indicator behind that bar."""

    clicked = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.renderer().setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        self.setMinimumSize(220, 140)
        self.svg = b""
        self.drawing = None
        self.series = None

    def set_drawing(self, drawing, series=None, svg: bytes | None = None) -> None:
        """Show `drawing`; `svg` is its SVG when already rendered (off the GUI thread)."""
        if svg is None:
            from ..core.reports import charts  # ReportLab: not at start

            svg = charts.to_svg(drawing)
        self.drawing, self.series = drawing, series
        self.svg = svg
        self.load(QByteArray(self.svg))
        self.renderer().setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        clickable = series is not None and any(series.keys)
        self.setCursor(QCursor(Qt.CursorShape.PointingHandCursor if clickable else Qt.CursorShape.ArrowCursor))
        self.setToolTip("单击柱形查看背后的记录" if clickable else "")

    def key_at(self, x: float, y: float) -> str | None:
        """The indicator behind the bar column under a point of the widget."""
        if self.drawing is None or self.series is None:
            return None
        dw, dh = self.drawing.width, self.drawing.height
        scale = min(self.width() / dw, self.height() / dh)
        left = (self.width() - dw * scale) / 2
        dx = (x - left) / scale
        from ..core.reports import charts

        plot = charts.plot_area(self.drawing)
        if plot is None or not self.series.labels:
            return None
        x0, width = plot
        if not x0 <= dx <= x0 + width:
            return None
        i = min(int((dx - x0) / width * len(self.series.labels)), len(self.series.labels) - 1)
        return self.series.keys[i]

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.button() == Qt.MouseButton.LeftButton:
            key = self.key_at(event.position().x(), event.position().y())
            if key:
                self.clicked.emit(key)
        super().mouseReleaseEvent(event)


class Card(QFrame):
    """A key figure: a big number, its name, a click opens the records behind it."""

    clicked = Signal(str)

    def __init__(self, key: str, title: str, unit: str, parent=None):
        super().__init__(parent)
        self.key = key
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("card")
        self.setStyleSheet("#card { background: #f6f8fb; border: 1px solid #d5dde8; border-radius: 6px; }"
                           "#card:hover { border-color: #2e6da4; }")
        self.setCursor(QCursor(Qt.CursorShape.PointingHandCursor))
        self.setToolTip("单击查看这个数字背后的记录")
        self.value = QLabel("—")
        font = QFont(self.value.font())
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.value.setFont(font)
        self.value.setStyleSheet("color: #2e6da4;")
        self.unit = unit
        self.title = QLabel(title)
        self.title.setStyleSheet("color: #555;")
        self.title.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        lay.setSpacing(0)
        lay.addWidget(self.value)
        lay.addWidget(self.title)

    def set_value(self, text: str) -> None:
        self.value.setText(f"{text}<span style='font-size:10pt; font-weight:normal; color:#555'> {self.unit}</span>")

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.key)
        super().mouseReleaseEvent(event)


class TextTableModel(QAbstractTableModel):
    """Rows of text in hand (made off the GUI thread where they are many), each with the cadre it
    opens (ID_ROLE); `marked` rows are shown red on pink, `centered` columns centred, a cell's
    tooltip is its text. A table of thousands is a model: no item object per cell."""

    def __init__(self, headers, texts=(), cadre_ids=(), parent=None, *, centered=frozenset(), header_tips=None):
        super().__init__(parent)
        self.headers = list(headers)
        self.texts, self.cadre_ids = list(texts), list(cadre_ids)
        self.marked: frozenset[int] = frozenset()
        self.centered = frozenset(centered)
        self.header_tips = header_tips or {}

    def set_rows(self, texts, cadre_ids, marked=frozenset()) -> None:
        self.beginResetModel()
        self.texts, self.cadre_ids, self.marked = list(texts), list(cadre_ids), frozenset(marked)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt naming
        return 0 if parent.isValid() else len(self.texts)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt naming
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.headers):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.headers[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.header_tips.get(section)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.texts[row][col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.texts[row][col] or None
        if role == ID_ROLE:
            return self.cadre_ids[row]
        if role == Qt.ItemDataRole.TextAlignmentRole and col in self.centered:
            return int(Qt.AlignmentFlag.AlignCenter)
        if row in self.marked:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(FLAG)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(RED)
        return None

    def text(self, row: int, column: int) -> str:
        return self.texts[row][column]

    def cadre_id_at(self, row: int) -> int | None:
        v = self.cadre_ids[row] if 0 <= row < len(self.cadre_ids) else None
        return int(v) if v is not None else None


def behind_rows(result, masked: bool) -> tuple[list[tuple[str, ...]], list[int | None]]:
    """The rows of a Behind as the dialog shows them (ID numbers masked for `masked`), and the
    cadre each opens."""
    fields = [f for _h, f in result.columns]
    texts, ids = [], []
    for row in result.rows:
        cells = []
        for f in fields:
            v = row.get(f)
            text = "" if v is None else str(v)
            if f == "id_number" and masked:
                text = mask_tail(text)
            cells.append(text)
        texts.append(tuple(cells))
        ids.append(row.get("cadre_id"))
    return texts, ids


class BehindDialog(QDialog):
    """The records one figure was computed from; double-click (or Enter) on a row opens the cadre.
    `rows` is behind_rows(result, masked), made where the records were read."""

    open_cadre = Signal(int)

    def __init__(self, result, period: Period, masked: bool, parent=None, rows=None):
        super().__init__(parent)
        from .page_kit import make_table

        self.result = result
        self.setWindowTitle(f"{result.label}（{period.label}）")
        head = QLabel(f"<b>{result.label}</b>：{_value_text(result.value)}　·　{period.label}　·　共 {len(result.rows)} 条记录")
        head.setTextFormat(Qt.TextFormat.RichText)
        texts, ids = rows if rows is not None else behind_rows(result, masked)
        self.model = TextTableModel([h for h, _f in result.columns], texts, ids, self)
        self.table = make_table(self.model, row_numbers=False, row_height=self.fontMetrics().height() + 10)
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        shortcut(self.table, Qt.Key.Key_Return, lambda: self.open_row(self.table.currentIndex().row()))
        hint = QLabel("双击一行打开该干部的档案。" if any(i is not None for i in ids) else "")
        hint.setStyleSheet("color: #666;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(self.table, 1)
        lay.addWidget(hint)
        lay.addWidget(buttons)
        self.resize(900, 520)

    def row_count(self) -> int:
        return self.model.rowCount()

    def cadre_id_at(self, row: int) -> int | None:
        return self.model.cadre_id_at(row)

    def open_row(self, row: int) -> None:
        cid = self.cadre_id_at(row)
        if cid is not None:
            self.open_cadre.emit(cid)


def _value_text(v) -> str:
    from decimal import Decimal

    if isinstance(v, Decimal):
        return f"{v:.2f}" if v != v.to_integral_value() else str(int(v))
    return str(v)


def open_behind(page: QWidget, key: str, period: Period):
    """Fetch the records behind `key` off the GUI thread, then show them in a BehindDialog
    (kept on page.behind_dialog; its cadres open through page.open_cadre)."""
    state = page.state
    masked = state.actor.masked_export

    def work(progress, cancelled):
        with collector_paused(), state.session(read_only=True) as s:  # a read: see jobs.collector_paused
            result = behind(s, key, period)
            return result, behind_rows(result, masked)

    def show(answer) -> None:
        result, rows = answer
        dialog = BehindDialog(result, period, masked, page, rows=rows)
        if hasattr(page, "open_cadre"):
            dialog.open_cadre.connect(page.open_cadre)
        page.behind_dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    return run_job(page, "正在查找记录", work, on_success=show)


def red_item(item: QTableWidgetItem) -> None:
    item.setForeground(QBrush(RED))


class PeriodPicker(QWidget):
    """年度 [2022] | 期间 [from] 至 [to] [统计]: emits `chosen(Period)`; a bad period is named beside it."""

    chosen = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        import datetime as dt

        from ..core.values import DomainError

        self._error_type = DomainError
        today = dt.date.today()
        self.by_year = QRadioButton("年度")
        self.by_days = QRadioButton("期间")
        self.by_year.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.by_year)
        group.addButton(self.by_days)
        self.year = QSpinBox()
        self.year.setRange(1990, 2100)
        self.year.setValue(today.year)
        self.year.setSuffix(" 年")
        self.date_from = DayEdit()
        self.date_to = DayEdit()
        self.date_from.setValue(dt.date(today.year, 1, 1))
        self.date_to.setValue(today)
        for w in (self.date_from, self.date_to):
            w.setMaximumWidth(120)
        self.run_button = QPushButton("统计")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.emit_period)
        self.year.valueChanged.connect(lambda _v: (self.by_year.setChecked(True), self.emit_period()))
        self.date_from.editingFinished.connect(lambda: self.by_days.setChecked(True))
        self.date_to.editingFinished.connect(lambda: self.by_days.setChecked(True))
        self.error = QLabel()
        self.error.setStyleSheet("color: #b03a2e;")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for w in (self.by_year, self.year):
            row.addWidget(w)
        row.addSpacing(12)
        for w in (self.by_days, self.date_from, QLabel("至"), self.date_to, self.run_button):
            row.addWidget(w)
        row.addWidget(self.error, 1)

    def period(self) -> Period:
        if self.by_year.isChecked():
            return Period.year(self.year.value())
        start, end = self.date_from.value(), self.date_to.value()
        if start is None or end is None:
            raise self._error_type("请填写统计期间的起止日期（如 2022.01.01 至 2022.12.31）。")
        return Period(start, end)

    def current(self) -> Period | None:
        """The period chosen, or None with the reason beside the picker."""
        try:
            period = self.period()
        except (self._error_type, ValueError) as e:
            self.error.setText(getattr(e, "message", str(e)))
            return None
        self.error.setText("")
        return period

    def emit_period(self) -> None:
        period = self.current()
        if period is not None:
            self.chosen.emit(period)
