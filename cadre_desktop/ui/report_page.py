"""统计报表: every indicator of the annual report (report.md) for any period, grouped by section in a
tree; a double-click (or Enter) on a figure lists the records behind it. 生成汇报 drafts the 工作成效
text for the clerk to edit and copy; 导出 writes the figures to a workbook; 打印 prints the report
form with its charts (when the printing engine has the form)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPlainTextEdit, QPushButton,
    QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from ..core.reports import draft
from ..core.reports.indicators import Period, compute, value_text
from .common import shortcut
from .jobs import Loads, run_job
from .page_kit import RefreshWhenShown
from .report_kit import REPORTED, PeriodPicker, open_behind
from .state import AppState

KEY_ROLE = Qt.ItemDataRole.UserRole + 7
GREY = QColor("#999")


def printing_available() -> bool:
    """The 打印 button is there only when the printing engine knows the report form (read from the
    forms' titles: importing the engine at page build held the GUI thread for most of a second)."""
    from .page_kit import available_forms

    return "report" in available_forms()


class DraftDialog(QDialog):
    """The drafted 工作成效 paragraphs in an editable box; 复制 puts the (edited) text on the clipboard."""

    def __init__(self, text: str, period: Period, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"工作成效（草稿）—— {period.label}")
        # each paragraph indented two characters, as the department's documents are
        body = "\n".join("\u3000\u3000" + p for p in text.split("\n")) if text else ""
        self.edit = QPlainTextEdit(body or "本期各项指标均为零，没有可写入“工作成效”的数字。")
        font = QFont(self.edit.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.edit.setFont(font)
        self.edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        note = QLabel("每个数字都是一项统计指标的准确值，可在此修改措辞（如“1300余人次”）后复制。")
        note.setStyleSheet("color: #666;")
        note.setWordWrap(True)
        self.copy_button = QPushButton("复制")
        self.copy_button.clicked.connect(self.copy)
        buttons = QDialogButtonBox()
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addWidget(self.edit, 1)
        lay.addWidget(buttons)
        self.resize(760, 460)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.edit.toPlainText())
        self.copy_button.setText("已复制")


class ReportPage(RefreshWhenShown, QWidget):
    """Every indicator for the period chosen, computed on the page's query thread (Loads)."""

    SHOWS = REPORTED
    open_cadre = Signal(int)

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.report = None
        self.period: Period | None = None
        self.loads = Loads(self)
        self._stale = True

        title = QLabel("统计报表")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        title.setFont(font)

        self.picker = PeriodPicker()
        self.picker.chosen.connect(self.run)
        # the picker's parts, as a clerk (and a test) reaches them
        self.by_year, self.by_days, self.year = self.picker.by_year, self.picker.by_days, self.picker.year
        self.date_from, self.date_to = self.picker.date_from, self.picker.date_to
        self.run_button, self.period_error = self.picker.run_button, self.picker.error

        pick = QHBoxLayout()
        pick.addWidget(title)
        pick.addSpacing(16)
        pick.addWidget(self.picker, 1)

        self.draft_button = QPushButton("生成汇报")
        self.draft_button.setToolTip("按本期指标起草“工作成效”段落")
        self.draft_button.clicked.connect(self.show_draft)
        self.export_button = QPushButton("导出 .xlsx")
        self.export_button.clicked.connect(self.export_xlsx)
        actions = QHBoxLayout()
        actions.addWidget(self.draft_button)
        actions.addWidget(self.export_button)
        self.print_button = None
        if printing_available():
            self.print_button = QPushButton("打印")
            self.print_button.clicked.connect(self.print_report)
            actions.addWidget(self.print_button)
        self.summary = QLabel()
        self.summary.setStyleSheet("color: #666;")
        actions.addSpacing(12)
        actions.addWidget(self.summary, 1)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["指标", "数值", "单位"])
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.tree.setColumnWidth(0, 460)
        self.tree.setColumnWidth(1, 110)
        self.tree.itemDoubleClicked.connect(lambda item, _c: self.open_item(item))
        shortcut(self.tree, Qt.Key.Key_Return, lambda: self.open_item(self.tree.currentItem()))
        shortcut(self.tree, Qt.Key.Key_Enter, lambda: self.open_item(self.tree.currentItem()))
        hint = QLabel("双击一项指标，查看它背后的记录（干部、培训、表彰……），再双击记录打开干部档案。")
        hint.setStyleSheet("color: #666;")

        lay = QVBoxLayout(self)
        lay.addLayout(pick)
        lay.addLayout(actions)
        lay.addWidget(self.tree, 1)
        lay.addWidget(hint)
        shortcut(self, "F5", self.refresh)
        state.changes.changed.connect(self._changed)

    # -- the period -----------------------------------------------------------------------------
    def refresh(self, *, wait: bool = False) -> None:
        period = self.picker.current()
        if period is not None:
            self.run(period, wait=wait)

    def run(self, period: Period, *, wait: bool = False) -> None:
        self._stale = False
        self.summary.setText("正在统计……")
        state = self.state

        def work():
            with state.session(read_only=True) as s:
                return compute(s, period)

        self.loads.run("report", work, self._apply, wait=wait)

    def _apply(self, report) -> None:
        self.report = report
        self.period = report.period
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for _section, title, items in report.by_section():
            group = QTreeWidgetItem([title, "", ""])
            group.setFont(0, bold)
            for ind in items:
                v = report.values[ind.key]
                child = QTreeWidgetItem([ind.label, value_text(ind, v), ind.unit])
                child.setData(0, KEY_ROLE, ind.key)
                child.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                child.setToolTip(0, f"{ind.key}：双击查看背后的记录")
                if not v:
                    for col in range(3):
                        child.setForeground(col, QBrush(GREY))
                group.addChild(child)
            self.tree.addTopLevelItem(group)
            group.setExpanded(True)
        self.summary.setText(f"统计期间：{report.period.label}，共 {len(report.indicators)} 项指标。")

    # -- the records behind ------------------------------------------------------------------
    def item_for(self, key: str) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount()):
                if group.child(j).data(0, KEY_ROLE) == key:
                    return group.child(j)
        return None

    def open_item(self, item: QTreeWidgetItem | None):
        key = item.data(0, KEY_ROLE) if item is not None else None
        if key and self.period is not None:
            return open_behind(self, key, self.period)
        return None

    # -- draft, export, print ------------------------------------------------------------------
    def show_draft(self) -> None:
        if self.report is None:
            return
        self.draft_dialog = DraftDialog(draft.draft(self.report), self.report.period, self)
        self.draft_dialog.finished.connect(self.draft_dialog.deleteLater)
        self.draft_dialog.open()

    def export_xlsx(self, path: str | None = None):
        if self.report is None:
            return None
        if not path:
            default = str(Path(self.state.last_folder()) / f"工作情况统计-{self.report.period.label}.xlsx")
            path, _ = QFileDialog.getSaveFileName(self, "导出统计指标", default, "Excel 工作簿 (*.xlsx)")
            if not path:
                return None
        self.state.remember_folder(path)
        report = self.report

        def work(progress, cancelled):
            from ..core.reports.workbook import write_xlsx

            return write_xlsx(report, path)

        return run_job(self, "正在导出", work, on_success=lambda out: self.summary.setText(f"已导出：{out}"))

    def print_report(self, path: str | None = None):
        if self.report is None:
            return None
        if not path:
            default = str(Path(self.state.last_folder()) / f"工作情况汇报-{self.report.period.label}.pdf")
            path, _ = QFileDialog.getSaveFileName(self, "打印到 PDF", default, "PDF 文件 (*.pdf)")
            if not path:
                return None
        self.state.remember_folder(path)
        period, state = self.report.period, self.state

        def work(progress, cancelled):
            from ..core.printing import render_pdf

            with state.session(read_only=True) as s:
                return render_pdf(s, actor=state.actor, form="report",
                                  params={"start": period.start, "end": period.end}, out=path,
                                  progress=progress, cancelled=cancelled)

        def done(result) -> None:
            self.summary.setText(f"已生成 {result.pages} 页：{path}")

        return run_job(self, "正在生成报告", work, on_success=done)
