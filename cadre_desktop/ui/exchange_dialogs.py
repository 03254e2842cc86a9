"""Import and export (文件 menu): pick a workbook, run in the background with progress and
cancel, list every problem (sheet, row, column, message), or show what was added and updated."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QGridLayout, QGroupBox, QHBoxLayout,
    QHeaderView, QLabel, QLineEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from ..core.exchange import exporter, importer
from ..core.exchange.sheets import sheets
from ..core.exchange.workbook import WorkbookSource
from .common import inform, refuse, fit_to_screen
from .jobs import Job, run_job
from .page_kit import elided_tips
from .state import AppState

XLSX_FILTER = "Excel 工作簿 (*.xlsx)"


def import_job(state: AppState, path: str, *, dry_run: bool = False):
    """The work of an import, for the worker thread: check, then write all or nothing."""

    def work(progress, cancelled):
        source = WorkbookSource.open(path)
        with state.session() as s:
            return importer.run_import(s, actor=state.actor, source=source, dry_run=dry_run,
                                       progress=progress, cancelled=cancelled,
                                       before_write=lambda: state.db.auto_backup("import"))

    return work


def import_buttons(dialog) -> QDialogButtonBox:
    """只检查 / 检查并导入 / 关闭, the same in every import dialog: the first two call
    dialog.start(dry_run=…), and are kept as dialog.check_button and dialog.import_button."""
    dialog.check_button = QPushButton("只检查")
    dialog.check_button.clicked.connect(lambda: dialog.start(dry_run=True))
    dialog.import_button = QPushButton("检查并导入")
    dialog.import_button.setDefault(True)
    dialog.import_button.clicked.connect(lambda: dialog.start(dry_run=False))
    buttons = QDialogButtonBox()
    buttons.addButton(dialog.check_button, QDialogButtonBox.ButtonRole.ActionRole)
    buttons.addButton(dialog.import_button, QDialogButtonBox.ButtonRole.ActionRole)
    close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
    close.clicked.connect(dialog.reject)
    return buttons


class ImportDialog(QDialog):
    """Pick a workbook, check and import it; shows the problems or the counts."""

    def __init__(self, state: AppState, parent=None, path: str | None = None):
        super().__init__(parent)
        self.state = state
        self.job: Job | None = None
        self.result: importer.ImportResult | None = None
        self.setWindowTitle("导入工作簿")
        fit_to_screen(self, 820, 520)

        self.path = QLineEdit(path or "")
        self.path.setPlaceholderText("选择要导入的 .xlsx 工作簿")
        browse = QPushButton("选择文件…")
        browse.clicked.connect(self.browse)
        pick = QHBoxLayout()
        pick.addWidget(self.path, 1)
        pick.addWidget(browse)

        self.status = QLabel("导入前会先检查整个工作簿：只要有一处错误，就不写入任何数据。")
        self.status.setWordWrap(True)
        self.problems = problems_table()
        buttons = import_buttons(self)

        layout = QVBoxLayout(self)
        layout.addLayout(pick)
        layout.addWidget(self.status)
        layout.addWidget(self.problems, 1)
        layout.addWidget(buttons)

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择工作簿", self.state.last_folder(), XLSX_FILTER)
        if path:
            self.path.setText(path)
            self.state.remember_folder(path)

    def start(self, *, dry_run: bool) -> Job | None:
        path = self.path.text().strip()
        if not path:
            self.status.setText("请先选择要导入的工作簿。")
            return None
        if not Path(path).is_file():
            self.status.setText(f"找不到文件：{path}")
            return None
        self.problems.setRowCount(0)
        self.status.setText("正在检查…")
        self.check_button.setEnabled(False)
        self.import_button.setEnabled(False)
        self.job = run_job(self, "导入工作簿", import_job(self.state, path, dry_run=dry_run),
                           on_success=lambda r: self.finished(r, dry_run), on_failure=self.failed,
                           announce=(self.state, lambda r: ("*",) if r.ok and not dry_run and r.changed else ()))
        return self.job

    def failed(self, error: BaseException) -> None:
        from ..core.exchange.sheets import Cancelled
        from ..core.values import DomainError
        from .errors import show_unexpected

        self.check_button.setEnabled(True)
        self.import_button.setEnabled(True)
        if isinstance(error, Cancelled):
            self.status.setText("已取消，未写入任何数据。")
        elif isinstance(error, DomainError):
            self.status.setText(error.message)
        else:
            self.status.setText("导入时发生意外错误，未写入任何数据。")
            show_unexpected(error)

    def finished(self, result: importer.ImportResult, dry_run: bool) -> None:
        self.result = result
        self.check_button.setEnabled(True)
        self.import_button.setEnabled(True)
        self.status.setText(show_result(self.problems, result, dry_run))  # an unchanged workbook announces nothing


def problems_table() -> QTableWidget:
    """The table an import's problems are listed in: sheet, row, column, message."""
    table = QTableWidget(0, 4)
    elided_tips(table)
    table.setHorizontalHeaderLabels(["工作表", "行", "列", "问题"])
    table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    return table


def show_result(table: QTableWidget, result: importer.ImportResult, dry_run: bool) -> str:
    """List every error (dark red) and warning of an import; return the status line for it."""
    shown = result.errors + result.warnings
    table.setRowCount(len(shown))
    for i, p in enumerate(shown):
        for j, v in enumerate((p.sheet, "" if p.row is None else str(p.row), p.column or "",
                               p.message if p in result.errors else f"提示：{p.message}")):
            item = QTableWidgetItem(v)
            if p in result.errors:
                item.setForeground(Qt.GlobalColor.darkRed)
            table.setItem(i, j, item)
    table.resizeColumnToContents(0)
    table.resizeColumnToContents(2)
    if result.errors:
        return f"发现 {len(result.errors)} 处错误，未写入任何数据。请在工作簿中改正后重新导入。"
    lines = "；".join(result.summary_lines()) or "没有需要导入的数据"
    return f"检查通过，可以导入（尚未写入）：{lines}" if dry_run else f"导入完成：{lines}"


class ExportDialog(QDialog):
    """Export all sheets or chosen ones; or write the empty template."""

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.job: Job | None = None
        self.setWindowTitle("导出数据交换工作簿")
        self.boxes: dict[str, QCheckBox] = {}
        group = QGroupBox("要导出的工作表")
        grid = QGridLayout(group)
        for i, sd in enumerate(sheets()):
            box = QCheckBox(sd.name)
            box.setChecked(True)
            self.boxes[sd.name] = box
            grid.addWidget(box, i // 4, i % 4)
        all_button = QPushButton("全选")
        all_button.clicked.connect(lambda: [b.setChecked(True) for b in self.boxes.values()])
        none_button = QPushButton("全不选")
        none_button.clicked.connect(lambda: [b.setChecked(False) for b in self.boxes.values()])
        row = QHBoxLayout()
        row.addWidget(all_button)
        row.addWidget(none_button)
        row.addStretch(1)
        self.note = QLabel("查阅账号导出时，身份证号和联系电话将隐去中间位，导出的工作簿不能再导入。"
                           if state.actor.masked_export else "")
        self.note.setWordWrap(True)
        self.status = QLabel()
        buttons = QDialogButtonBox()
        self.export_button = buttons.addButton("导出…", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.choose_and_export)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(group)
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

    def chosen(self) -> list[str]:
        return [n for n, b in self.boxes.items() if b.isChecked()]

    def choose_and_export(self) -> None:
        if not self.chosen():
            self.status.setText("请至少选择一个工作表。")
            return
        default = str(Path(self.state.last_folder()) / "干部数据导出.xlsx")
        path, _ = QFileDialog.getSaveFileName(self, "导出到", default, XLSX_FILTER)
        if path:
            self.state.remember_folder(path)
            self.export_to(path)

    def export_to(self, path: str) -> Job:
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        names = self.chosen()
        self.export_button.setEnabled(False)

        def work(progress, cancelled):
            from .jobs import collector_paused

            # the rows are streamed; the collector's full passes over the heap would still hold
            # the GIL (and the window) for up to a second each
            with collector_paused(), self.state.session(read_only=True) as s:  # no clerk waits for it
                return exporter.export_workbook(s, actor=self.state.actor, path=path, sheet_names=names,
                                                progress=progress, cancelled=cancelled)

        def done(counts):
            self.export_button.setEnabled(True)
            text = "；".join(f"{k} {v} 行" for k, v in counts.items())
            self.status.setText(f"已导出到 {path}：{text}")
            inform(self, f"已导出到：\n{path}\n\n{text}", "导出完成")
            self.accept()

        def failed(error):
            self.export_button.setEnabled(True)
            from ..core.exchange.sheets import Cancelled
            from ..core.values import DomainError
            from .errors import show_unexpected

            if isinstance(error, Cancelled):
                self.status.setText("已取消导出。")
            elif isinstance(error, DomainError):
                self.status.setText(error.message)
            else:
                show_unexpected(error)

        self.job = run_job(self, "导出工作簿", work, on_success=done, on_failure=failed)
        return self.job


def save_template(parent: QWidget, state: AppState) -> None:
    default = str(Path(state.last_folder()) / "干部数据导入模板.xlsx")
    path, _ = QFileDialog.getSaveFileName(parent, "保存空白模板", default, XLSX_FILTER)
    if not path:
        return
    if not path.lower().endswith(".xlsx"):
        path += ".xlsx"
    state.remember_folder(path)
    try:
        exporter.export_template(path)
    except OSError as e:
        refuse(parent, f"无法写入“{path}”：{e.strerror}")
        return
    inform(parent, f"已保存空白模板：\n{path}\n\n表头批注说明了每一列的填法，带下拉列表的列请从列表中选择。", "模板已保存")
