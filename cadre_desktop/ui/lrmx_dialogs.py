"""任免审批表 (.lrmx): the import dialog (files or a folder → per file new / update with its changes /
refused with the reason; the clerk applies all or the ticked ones) and export of roster cadres."""

from __future__ import annotations


from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTreeWidget,
    QTreeWidgetItem, QVBoxLayout, QWidget,
)

from ..core.exchange import lrmx_files
from ..core.exchange.lrmx_files import FilePlan, ImportSummary
from .common import inform, fit_to_screen
from .jobs import Job, run_job
from .page_kit import elided_tips
from .state import AppState

LRMX_FILTER = "任免审批表 (*.lrmx *.lrm);;所有文件 (*)"
COLOURS = {"new": "#1e7b34", "update": "#1f5fa8", "same": "#666666", "confirm": "#b9770e", "refused": "#c0392b"}
COLUMNS = ("文件", "姓名", "身份证号", "结果", "说明")


class LrmxImportDialog(QDialog):
    """Read the chosen files (off the GUI thread), show what each would do, write the ticked ones."""

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.plans: list[FilePlan] | None = None
        self.summary: ImportSummary | None = None
        self.job: Job | None = None
        self.items: list[tuple[QTreeWidgetItem, FilePlan]] = []
        self.setWindowTitle("导入任免审批表")
        fit_to_screen(self, 940, 580)

        self.pick_files = QPushButton("选择文件…")
        self.pick_files.clicked.connect(self.choose_files)
        self.pick_folder = QPushButton("选择文件夹…")
        self.pick_folder.clicked.connect(self.choose_folder)
        top = QHBoxLayout()
        top.addWidget(self.pick_files)
        top.addWidget(self.pick_folder)
        top.addStretch(1)

        self.status = QLabel("选择一个或多个 .lrmx 文件，或一个文件夹。导入前先列出每个文件将新增、更新（逐项列出变化）"
                             "还是被拒绝；勾选要导入的文件后再写入。")
        self.status.setWordWrap(True)
        self.tree = QTreeWidget()
        elided_tips(self.tree)
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(False)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((190, 120, 160, 56)):
            self.tree.setColumnWidth(col, width)
        self.tree.itemChanged.connect(lambda *_: self._update_buttons())

        self.all_button = QPushButton("全选")
        self.all_button.clicked.connect(lambda: self._tick_all(True))
        self.none_button = QPushButton("全不选")
        self.none_button.clicked.connect(lambda: self._tick_all(False))
        self.apply_button = QPushButton("导入选中的文件")
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.apply)
        buttons = QDialogButtonBox()
        buttons.addButton(self.all_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.none_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self._update_buttons()

    # -- choosing and reading ------------------------------------------------------------------
    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "选择任免审批表", self.state.last_folder(), LRMX_FILTER)
        if paths:
            self.state.remember_folder(paths[0])
            self.load(paths)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择存放任免审批表的文件夹", self.state.last_folder())
        if folder:
            self.state.remember_folder(folder)
            self.load([folder])

    def load(self, paths: list[str]) -> Job:
        """Read the files in the background and list what each would do."""
        self.plans, self.summary = None, None
        self.tree.clear()
        self.items = []
        self.status.setText("正在读取…")
        self._busy(True)

        def work(progress, cancelled):
            with self.state.session() as s:
                return lrmx_files.plan_import(s, paths, progress=progress, cancelled=cancelled)

        self.job = run_job(self, "读取任免审批表", work, on_success=self.show_plans, on_failure=self._failed)
        return self.job

    def show_plans(self, plans: list[FilePlan]) -> None:
        self._busy(False)
        self.plans = plans
        self.tree.blockSignals(True)
        self.tree.clear()
        self.items = []
        order = {"update": 0, "new": 1, "confirm": 2, "same": 3, "refused": 4}
        for plan in sorted(plans, key=lambda p: (order[p.status], p.file_name)):
            item = QTreeWidgetItem([plan.file_name, plan.name, plan.id_number or "", plan.status_label,
                                    self._note(plan)])
            item.setToolTip(0, plan.path)
            item.setForeground(3, QBrush(QColor(COLOURS[plan.status])))
            if plan.status == "refused":
                item.setForeground(4, QBrush(QColor(COLOURS["refused"])))
                item.setToolTip(4, plan.reason)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if plan.writable:
                item.setFlags(flags | Qt.ItemFlag.ItemIsUserCheckable)
                # A form without a valid ID number waits for the clerk to confirm it by ticking it.
                item.setCheckState(0, Qt.CheckState.Unchecked if plan.status == "confirm" else Qt.CheckState.Checked)
            else:
                item.setFlags(flags)
            for label, before, after in plan.changes:
                child = QTreeWidgetItem(["", label, "", "", f"{_one_line(before)}  →  {_one_line(after)}"])
                child.setToolTip(4, f"原：\n{before}\n\n新：\n{after}")
                child.setFlags(Qt.ItemFlag.ItemIsEnabled)
                item.addChild(child)
            self.tree.addTopLevelItem(item)
            if plan.status == "update":
                item.setExpanded(True)
            self.items.append((item, plan))
        self.tree.blockSignals(False)
        counts = {k: sum(1 for p in plans if p.status == k) for k in lrmx_files.STATUS_LABELS}
        self.status.setText(
            f"共 {len(plans)} 个文件：新增 {counts['new']}，更新 {counts['update']}，无变化 {counts['same']}，"
            + (f"需确认 {counts['confirm']}，" if counts["confirm"] else "")
            + f"拒绝 {counts['refused']}。勾选要导入的文件，点“导入选中的文件”；被拒绝的文件不会导入，原因见“说明”。"
            + ("没有有效身份证号的文件须勾选确认后才作为新档案导入。" if counts["confirm"] else "")
            if plans else "所选位置没有 .lrmx 文件。")
        self._update_buttons()

    @staticmethod
    def _note(plan: FilePlan) -> str:
        if plan.status == "refused":
            return plan.reason
        if plan.status == "confirm":
            return f"{plan.record.id_problem if plan.record else ''}：勾选即确认作为新干部档案导入（无法与已有档案对应）"
        if plan.status == "new":
            return "新干部档案（导入后标记为待完善，请补充工作单位和干部层级）"
        if plan.status == "update":
            return f"已有档案，{len(plan.changes)} 项变化（展开查看）"
        return "与已有档案相同"

    # -- applying ------------------------------------------------------------------------------
    def ticked(self) -> list[FilePlan]:
        return [plan for item, plan in self.items
                if plan.writable and item.checkState(0) == Qt.CheckState.Checked]

    def _tick_all(self, on: bool) -> None:
        for item, plan in self.items:
            # 全选 never confirms a form without an ID number: that takes its own tick
            if plan.writable and not (on and plan.status == "confirm"):
                item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def apply(self) -> Job | None:
        chosen = self.ticked()
        if not chosen:
            self.status.setText("没有勾选要导入的文件。")
            return None
        self._busy(True)
        self.status.setText("正在导入…")

        def work(progress, cancelled):
            with self.state.session() as s:
                # only ticked plans are passed: a ticked form without an ID number is confirmed
                return lrmx_files.apply_import(s, actor=self.state.actor, plans=chosen, allow_no_id=True,
                                               progress=progress, cancelled=cancelled)

        self.job = run_job(self, "导入任免审批表", work, on_success=self._applied, on_failure=self._failed,
                           announce=(self.state, lambda _summary: ("cadre",)))
        return self.job

    def _applied(self, summary: ImportSummary) -> None:
        self._busy(False)
        self.summary = summary
        done = {id(p) for p in summary.added + summary.updated}
        for item, plan in self.items:
            if id(plan) in done:
                item.setText(3, "已更新" if plan.status == "update" else "已新增")
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
                item.setData(0, Qt.ItemDataRole.CheckStateRole, None)
            elif plan in summary.refused:
                item.setText(3, "拒绝")
                item.setText(4, plan.reason)
                item.setForeground(3, QBrush(QColor(COLOURS["refused"])))
                item.setForeground(4, QBrush(QColor(COLOURS["refused"])))
                item.setData(0, Qt.ItemDataRole.CheckStateRole, None)
        self.plans = [p for _, p in self.items]
        for _, plan in self.items:
            if id(plan) in done:
                plan.status = "same"  # written: applying again would do nothing
        late = [p for p in summary.refused if p.reason]
        text = f"导入完成：新增 {len(summary.added)}，更新 {len(summary.updated)}"
        if late:
            text += f"，{len(late)} 个文件写入时被拒绝（见“说明”）"
        self.status.setText(text + "。")  # the job announced the change
        self._update_buttons()

    # -- helpers -------------------------------------------------------------------------------
    def _failed(self, error: BaseException) -> None:
        from ..core.exchange.sheets import Cancelled
        from ..core.values import DomainError
        from .errors import show_unexpected

        self._busy(False)
        if isinstance(error, Cancelled):
            self.status.setText("已取消。")
        elif isinstance(error, DomainError):
            self.status.setText(error.message)
        else:
            self.status.setText("发生意外错误，未完成。")
            show_unexpected(error)
        self._update_buttons()

    def _busy(self, busy: bool) -> None:
        self._is_busy = busy
        for w in (self.pick_files, self.pick_folder):
            w.setEnabled(not busy)
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = getattr(self, "_is_busy", False)
        writable = any(plan.writable for _, plan in self.items)
        self.apply_button.setEnabled(not busy and bool(self.ticked()))
        self.all_button.setEnabled(not busy and writable)
        self.none_button.setEnabled(not busy and writable)


def _one_line(text: str) -> str:
    lines = text.split("\n")
    return lines[0] + (f" …（共 {len(lines)} 行）" if len(lines) > 1 else "")


def export_lrmx(parent: QWidget, state: AppState, cadre_ids: list[int], *, folder: str | None = None) -> Job | None:
    """Ask for a folder and write one .lrmx per cadre there, in the background."""
    if not cadre_ids:
        inform(parent, "请先在名册中选择要导出的干部（可按住 Ctrl 或 Shift 多选）。", "导出任免审批表")
        return None
    if folder is None:
        folder = QFileDialog.getExistingDirectory(parent, "导出到文件夹", state.last_folder())
        if not folder:
            return None
        state.remember_folder(folder)

    def work(progress, cancelled):
        with state.session() as s:
            return lrmx_files.export_cadres(s, actor=state.actor, cadre_ids=cadre_ids, out_dir=folder,
                                            progress=progress, cancelled=cancelled)

    def done(paths):
        names = "、".join(p.name for p in paths[:5]) + ("等" if len(paths) > 5 else "")
        inform(parent, f"已导出 {len(paths)} 份任免审批表到：\n{folder}\n\n{names}", "导出完成")

    return run_job(parent, "导出任免审批表", work, on_success=done)
