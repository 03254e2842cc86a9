"""The roster's list tools: the column chooser (列…), the 统计 view (干部结构统计表) and the
batch actions on the selected cadres (批量).

Each batch action asks what is needed (a status and its date, a unit, a class, a batch and an
honour), says once what will change for how many cadres, and runs one core call in one session:
all the cadres change, or none (core.services.batch). The call is a job (jobs.run_job): a batch
can hold every cadre of the roster (Ctrl+A), so it runs off the GUI thread; the choices it offers
(units with their counts, classes, commendations) are read there too.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
    QMenu, QPushButton, QVBoxLayout, QWidget,
)

from ..core.services import batch, cadres, development, honours, units
from ..core.values import STATUSES, DomainError
from .common import confirm, error_label, fit_to_screen, refuse, set_error
from .jobs import Job, Loads, run_job
from .list_kit import export_list, print_form, print_list
from .page_kit import elided_tips, make_table
from .widgets import DayEdit, day_text

ALWAYS_SHOWN = ("name",)


# -- 列… ---------------------------------------------------------------------------------------------
class ColumnChooser(QDialog):
    """Tick the columns the roster shows; 姓名 is always shown."""

    def __init__(self, columns: list[tuple[str, str]], shown: set[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle("选择列表显示的列")
        self.list = QListWidget()
        elided_tips(self.list)
        for key, header in columns:
            item = QListWidgetItem(header)
            item.setData(Qt.ItemDataRole.UserRole, key)
            if key in ALWAYS_SHOWN:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable & ~Qt.ItemFlag.ItemIsEnabled)
                item.setCheckState(Qt.CheckState.Checked)
            else:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if key in shown else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        buttons = QDialogButtonBox()
        buttons.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("勾选要显示的列（导出和打印也按此）："))
        lay.addWidget(self.list, 1)
        lay.addWidget(buttons)
        fit_to_screen(self, 300, 520)

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def set_checked(self, keys) -> None:
        for item in self.items():
            if item.data(Qt.ItemDataRole.UserRole) not in ALWAYS_SHOWN:
                on = item.data(Qt.ItemDataRole.UserRole) in keys
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def chosen(self) -> list[str]:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self.items()
                if item.checkState() == Qt.CheckState.Checked]


# -- 统计 --------------------------------------------------------------------------------------------
class StructureDialog(QDialog):
    """干部结构统计表: the roster as filtered, counted by unit × a chosen 口径, with totals; exported
    and printed like any list."""

    def __init__(self, state, flt: cadres.RosterFilter, filters_text: str, parent=None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # opened anew each time: not kept hidden
        self.state, self.flt, self.filters_text = state, flt, filters_text
        self.loads = Loads(self)
        self.counts: dict = {"by": "", "columns": [], "rows": [], "totals": [], "total": 0}
        self.setWindowTitle("干部结构统计")
        self.by = QComboBox()
        for key, label in cadres.STRUCTURE_BY.items():
            self.by.addItem(label, key)
        self.model = QStandardItemModel(self)
        self.table = make_table(self.model, row_numbers=False)
        self.summary = QLabel()
        export = QPushButton("导出")
        export.clicked.connect(lambda: export_list(self))
        printing = QPushButton("打印")
        printing.clicked.connect(lambda: print_list(self))
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        top = QHBoxLayout()
        top.addWidget(QLabel("统计口径"))
        top.addWidget(self.by)
        top.addWidget(QLabel(f"范围：{filters_text}"), 1)
        top.addWidget(self.summary)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        for b in (export, printing, close):
            bottom.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addLayout(bottom)
        self.by.currentIndexChanged.connect(lambda _i: self.refresh())
        fit_to_screen(self, 900, 560)
        self.refresh()

    def set_by(self, key: str) -> None:
        self.by.setCurrentIndex(self.by.findData(key))

    def refresh(self, *, wait: bool = False) -> None:
        """Count on the dialog's query thread (a count over every cadre the filter takes)."""
        flt, by = self.flt, self.by.currentData()

        def fetch() -> dict:
            with self.state.session(read_only=True) as s:
                return cadres.structure_counts(s, flt, by)

        self.summary.setText("正在统计…")
        self.loads.run("counts", fetch, self._show, wait=wait, on_error=self._failed)

    def _failed(self, e: BaseException) -> None:
        self.summary.setText("")
        if isinstance(e, DomainError):
            refuse(self, e)
        else:
            from .errors import show_unexpected

            show_unexpected(e)

    def _show(self, counts: dict) -> None:
        self.counts = c = counts
        self.model.clear()
        self.model.setHorizontalHeaderLabels(["单位", *c["columns"], "合计"])

        def cell(v) -> QStandardItem:
            item = QStandardItem()
            item.setData(v, Qt.ItemDataRole.DisplayRole)
            item.setEditable(False)
            if isinstance(v, int):
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            return item

        for unit, line, total in c["rows"]:
            self.model.appendRow([cell(unit), *[cell(n) for n in line], cell(total)])
        self.model.appendRow([cell("合计"), *[cell(n) for n in c["totals"]], cell(c["total"])])
        self.table.setColumnWidth(0, 180)
        self.summary.setText(f"共 {c['total']} 人")

    def list_title(self, _table) -> str:
        return f"干部结构统计表（按{self.counts['by']}）"

    def list_filters(self, _table) -> str:
        return self.filters_text

    def list_print_extra(self) -> dict:
        return {"count_text": f"共 {self.counts['total']} 人", "total_last": True}


# -- 批量 --------------------------------------------------------------------------------------------
class BatchDialog(QDialog):
    """Asks what a batch action needs: rows of (label, widget); 确定 / 取消."""

    def __init__(self, title: str, intro: str, fields: list[tuple[str, QWidget]], parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout()
        for label, w in fields:
            form.addRow(label, w)
        self.message = error_label()
        buttons = QDialogButtonBox()
        buttons.addButton("下一步", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(intro))
        lay.addLayout(form)
        lay.addWidget(self.message)
        lay.addWidget(buttons)
        self.check = None

    def try_accept(self) -> None:
        if self.check is not None:
            problem = self.check()
            if problem:
                set_error(self.message, problem)
                return
        self.accept()


def batch_menu(page) -> QMenu:
    menu = QMenu(page)
    for text, slot in (("设为后备干部", lambda: batch_reserve(page, True)),
                       ("取消后备干部", lambda: batch_reserve(page, False)),
                       ("更改人员状态（退休、调出）…", lambda: batch_status(page)),
                       ("调整到其他单位…", lambda: batch_move(page)),
                       ("加入培训班…", lambda: batch_class(page)),
                       ("加入表彰通报…", lambda: batch_commend(page))):
        menu.addAction(text, slot)
    menu.addSeparator()
    menu.addAction("打印所选干部的任免审批表", lambda: print_forms(page))
    return menu


def _names(page, ids: list[int]) -> str:
    rows = page.cadre_names(ids[:5]) if hasattr(page, "cadre_names") else \
        {r["id"]: r["name"] for r in page.model.fetch(ids[:5])}
    text = "、".join(rows.get(i, "") for i in ids[:5])
    return text + (f" 等 {len(ids)} 人" if len(ids) > 5 else f"（{len(ids)} 人）")


def _selection(page) -> list[int]:
    ids = page.selected_ids()
    if not ids:
        refuse(page, "请先在列表中选择干部（可按住 Ctrl 或 Shift 多选，Ctrl+A 全选）。")
    return ids


def _choice_combo(choices: dict[int, str]) -> QComboBox:
    """A combo box of `choices` (id → name), each item's data its id."""
    combo = QComboBox()
    for i, name in choices.items():
        combo.addItem(name, i)
    return combo


def _pick(page, ids: list[int], title: str, label: str, choices: dict[int, str]) -> QComboBox | None:
    """Asks which of `choices` the batch action `title` uses for the selected cadres: the combo box
    as the clerk left it, None when they cancelled."""
    combo = _choice_combo(choices)
    return combo if BatchDialog(title, f"所选：{_names(page, ids)}", [(label, combo)], page).exec() else None


def run_batch(page, ids: list[int], question: str, title: str, call) -> Job | None:
    """Confirm once, then run `call(session)` in one session (all or nothing) as a job; on success
    announce the change and keep the result on `page.last_batch`, on a refusal say why. Returns the
    job (None when the clerk said no); `job.answered` is set once its outcome has been shown."""
    if not confirm(page, question, title, "确定"):
        return None

    def work(_progress, _cancelled):
        with page.state.session() as s:
            return call(s)

    def succeeded(result) -> None:
        page.state.changes.emit("cadre", "attendance", "training_class", "award", "commendation_batch")
        page.last_batch = result
        job.answered = True

    def failed(e: BaseException) -> None:
        job.answered = True
        if isinstance(e, DomainError):
            refuse(page, e)
        else:
            from .errors import show_unexpected

            show_unexpected(e)

    job = run_job(page, title, work, on_success=succeeded, on_failure=failed, cancellable=False)
    job.answered = False
    return job


def with_choices(page, title: str, fetch, then) -> None:
    """Read what a batch action offers (`fetch(session)`, on the worker) and go on with it (`then`)."""
    def work(_progress, _cancelled):
        with page.state.session(read_only=True) as s:
            return fetch(s)

    run_job(page, title, work, on_success=then, cancellable=False)


def batch_reserve(page, reserve: bool) -> Job | None:
    ids = _selection(page)
    if not ids:
        return None
    what = "设为后备干部" if reserve else "取消后备干部身份"
    return run_batch(page, ids, f"将把 {_names(page, ids)} {what}。\n\n每人的修改都记入操作记录。", what,
                     lambda s: batch.set_reserve(s, actor=page.state.actor, cadre_ids=ids, reserve=reserve))


def batch_status(page, status: str | None = None, day: dt.date | None = None) -> Job | None:
    ids = _selection(page)
    if not ids:
        return None
    if status is None or day is None:
        combo = QComboBox()
        combo.addItems([s for s in STATUSES if s != "在职"] + ["在职"])
        date = DayEdit()
        date.setValue(dt.date.today())
        dialog = BatchDialog("更改人员状态", f"所选：{_names(page, ids)}", [("人员状态", combo), ("变动日期", date)], page)

        def check():
            try:
                return None if date.value() else "请填写变动日期"
            except ValueError as e:
                return str(e)

        dialog.check = check
        if not dialog.exec():
            return None
        status, day = combo.currentText(), date.value()
    return run_batch(page, ids, f"将把 {_names(page, ids)} 的人员状态改为“{status}”，变动日期 {day_text(day)}"
                     "（日期记入备注和操作记录）。", "更改人员状态",
                     lambda s: batch.set_status(s, actor=page.state.actor, cadre_ids=ids, status=status, day=day))


def batch_move(page, unit_id: int | None = None) -> None:
    ids = _selection(page)
    if not ids:
        return

    def chosen(names: dict[int, str]) -> None:
        uid = unit_id
        if uid is None:
            if (combo := _pick(page, ids, "调整单位", "调整到", names)) is None:
                return
            uid = combo.currentData()
        page.last_job = run_batch(
            page, ids, f"将把 {_names(page, ids)} 的工作单位改为“{names.get(uid, '')}”。", "调整单位",
            lambda s: batch.move_to_unit(s, actor=page.state.actor, cadre_ids=ids, unit_id=uid))

    with_choices(page, "读取单位", lambda s: {u["id"]: u["name"] for u in units.unit_choices(s)}, chosen)


def batch_class(page, class_id: int | None = None) -> None:
    ids = _selection(page)
    if not ids:
        return

    def chosen(classes: dict[int, str]) -> None:
        cid = class_id
        if not classes:
            refuse(page, "还没有培训班，请先在“教育培训”中新增培训班。")
            return
        if cid is None:
            if (combo := _pick(page, ids, "加入培训班", "培训班", classes)) is None:
                return
            cid = combo.currentData()
        page.last_job = run_batch(
            page, ids, f"将把 {_names(page, ids)} 加入培训班“{classes.get(cid, '')}”"
            "（学时按该班学时，已在名单中的不重复加入）。", "加入培训班",
            lambda s: batch.add_to_class(s, actor=page.state.actor, cadre_ids=ids, class_id=cid))

    with_choices(page, "读取培训班", lambda s: {c["id"]: c["name"] for c in development.list_classes(s)}, chosen)


def batch_commend(page, batch_id: int | None = None, honour: str | None = None) -> None:
    ids = _selection(page)
    if not ids:
        return

    def chosen(batches: dict[int, str]) -> None:
        bid, title = batch_id, honour
        if not batches:
            refuse(page, "还没有表彰通报，请先在“表彰奖励”中新增。")
            return
        if bid is None or not title:
            combo = _choice_combo(batches)
            line = QLineEdit("先进个人")
            dialog = BatchDialog("加入表彰通报", f"所选：{_names(page, ids)}（作为个人表彰）",
                                 [("表彰通报", combo), ("荣誉称号", line)], page)
            dialog.check = lambda: None if line.text().strip() else "请填写荣誉称号"
            if not dialog.exec():
                return
            bid, title = combo.currentData(), line.text().strip()
        page.last_job = run_batch(
            page, ids, f"将把 {_names(page, ids)} 作为个人加入表彰“{batches.get(bid, '')}”，荣誉称号“{title}”。",
            "加入表彰通报", lambda s: batch.add_to_commendation(s, actor=page.state.actor, cadre_ids=ids,
                                                              batch_id=bid, honour=title))

    with_choices(page, "读取表彰通报", lambda s: {b["id"]: b["title"] for b in honours.list_batches(s)}, chosen)


def print_forms(page, path: str | None = None):
    """The selected cadres' 干部任免审批表: the roster's 打印 of them (order, one PDF or one each), or
    given `path`, one PDF in roster order."""
    ids = _selection(page)
    if not ids:
        return None
    if path is None and hasattr(page, "print_form"):
        return page.print_form("appointment-form")
    return print_form(page, "appointment-form", {"cadre_ids": ids}, "干部任免审批表", path=path)

