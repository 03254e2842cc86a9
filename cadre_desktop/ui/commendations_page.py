"""表彰奖励: commendation batches, the awards of the selected batch, and the 名额分配 dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QListWidget,
    QListWidgetItem, QPlainTextEdit, QSpinBox, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from ..core.services import honours
from ..core.values import DomainError
from .common import confirm, fit_to_screen, refuse, shortcut
from .jobs import Loads, run_job
from .list_kit import export_list, install_copy, name_lists, print_list
from .page_kit import (
    FormDialog, Printable, RefreshWhenShown, RowsModel, elided_tips, indexed, make_table, make_toolbar, open_dialog, pick_cadres, record_verbs, search_line,
    set_widths,
)
from .state import AppState
from .widgets import DayEdit, day_text

AWARD_COLUMNS = (("target_name", "对象名称"), ("printed_unit_post", "单位及职务"), ("honour", "荣誉称号"),
                 ("deeds", "主要事迹"))


class CommendationsPage(RefreshWhenShown, Printable, QWidget):
    """The batches (key "list") and the selected batch's awards (key "details") are read off the
    GUI thread; adding many cadres and deleting a batch with its awards run as jobs."""

    SHOWS = frozenset({"commendation_batch", "award", "cadre"})
    PRINT_FORMS = (("commendation", "表彰通报（选中的通报）…"),)
    open_cadre = Signal(int)
    import_requested = Signal()
    export_requested = Signal()

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        can_edit = state.actor.can("edit")
        self.loads = Loads(self)
        self._stale = True
        self._batches: dict[int, dict] = {}
        self._awards_of: int | None = None  # the batch whose awards are shown
        self._keep: int | None = None  # the batch to select once the list is in
        self.job = None
        self.toolbar = make_toolbar(self, can_edit, record_verbs(
            self, self.new_batch, self.edit_batch, self.delete_batch,
            new_text="新增通报", edit_text="编辑通报", delete_text="删除通报",
            middle=[("act_collective", "添加集体", self.add_collective, True),
                    ("act_individuals", "添加个人", self.add_individuals, True),
                    ("act_remove", "删除对象", self.delete_award, True), None,
                    ("act_quota", "名额分配", self.open_quota, False)]))

        self.search = search_line("搜索通报名称、文号、领域")
        self.batches = QListWidget()
        self.batches.setMinimumWidth(260)
        self.batches.setWordWrap(True)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.collective = RowsModel(AWARD_COLUMNS, self)
        self.individual = RowsModel(AWARD_COLUMNS, self)
        self.collective_table = make_table(self.collective)
        self.individual_table = make_table(self.individual)
        name_lists(self, (self.collective_table, "先进集体"), (self.individual_table, "先进个人"))
        for t in (self.collective_table, self.individual_table):
            set_widths(t, (150, 220, 100))
        self.individual_table.doubleClicked.connect(self._open_cadre)
        self.collective_label, self.individual_label = QLabel(), QLabel()
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.info)
        rl.addWidget(self.collective_label)
        rl.addWidget(self.collective_table, 1)
        rl.addWidget(self.individual_label)
        rl.addWidget(self.individual_table, 2)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.search)
        ll.addWidget(self.batches, 1)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.toolbar)
        lay.addWidget(self.splitter, 1)
        self.search.searched.connect(lambda _t: self.refresh())
        self.batches.currentRowChanged.connect(lambda _r: self.show_batch())
        shortcut(self, "Ctrl+F", self.search.setFocus)
        self.dialog = None
        if (sp := state.settings.value("commendations/splitter")) is not None:
            self.splitter.restoreState(sp)
        state.changes.changed.connect(self._changed)
        self.show_batch()

    def save_settings(self) -> None:
        self.state.settings.setValue("commendations/splitter", self.splitter.saveState())

    def refresh(self, *, wait: bool = False) -> None:
        self._stale = False
        text = self.search.text()

        def fetch() -> list[dict]:
            with self.state.session(read_only=True) as s:
                return honours.list_batches(s, text=text)

        self.loads.run("list", fetch, lambda rows: self._apply_batches(rows, wait), wait=wait)

    def _apply_batches(self, rows: list[dict], wait: bool) -> None:
        keep = self._keep if self._keep is not None else self.batch_id()
        self._keep = None
        self._batches = {b["id"]: b for b in rows}
        self.batches.blockSignals(True)
        self.batches.clear()
        current = 0
        for i, b in enumerate(rows):
            item = QListWidgetItem(f"{b['title']}\n{b['doc_number'] or ''}　{day_text(b['date'])}　"
                                   f"集体 {b['collective']} 个，个人 {b['individual']} 人")
            item.setData(Qt.ItemDataRole.UserRole, b["id"])
            self.batches.addItem(item)
            if b["id"] == keep:
                current = i
        self.batches.setCurrentRow(current if rows else -1)
        self.batches.blockSignals(False)
        self.show_batch(wait=wait)

    def batch_id(self) -> int | None:
        item = self.batches.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def show_batch(self, *, wait: bool = False) -> None:
        bid = self.batch_id()
        if bid is None:
            self.loads.cancel("details")  # an answer on its way is for another batch
            self._awards_of = None
            self.act_individuals.setEnabled(False)
            self.info.setText("<span style='color:#888'>没有表彰通报。</span>")
            self.collective.set_rows([])
            self.individual.set_rows([])
            return
        b = self._batches[bid]
        self.info.setText(f"<b>{b['title']}</b><br>{b['issuer'] or ''}　{b['doc_number'] or ''}　{day_text(b['date'])}"
                          f"　领域：{b['field'] or '—'}")

        def fetch() -> tuple[tuple[dict, list[int]], tuple[dict, list[int]]]:
            with self.state.session(read_only=True) as s:
                awards = honours.list_awards(s, bid)
            return (indexed([a for a in awards if a["target_kind"] == "集体"]),
                    indexed([a for a in awards if a["target_kind"] == "个人"]))

        self.act_individuals.setEnabled(False)  # until the awards are in: the picker leaves out those on it
        self.loads.run("details", fetch, lambda got: self._apply_awards(bid, *got), wait=wait)

    def _apply_awards(self, bid: int, col: tuple[dict, list[int]], ind: tuple[dict, list[int]]) -> None:
        self._awards_of = bid
        self.collective.set_indexed(*col)
        self.individual.set_indexed(*ind)
        self.collective_label.setText(f"先进集体（{len(col[1])} 个）")
        self.individual_label.setText(f"个人（{len(ind[1])} 人；双击打开档案）")
        self.act_individuals.setEnabled(True)

    def _open_cadre(self, index) -> None:
        r = self.individual.row(index.row())
        if r and r.get("cadre_id"):
            self.open_cadre.emit(r["cadre_id"])

    # -- printing -------------------------------------------------------------------------------
    def print_form(self, form: str) -> None:
        bid = self.batch_id()
        if bid is None:
            refuse(self, "请先在左侧选择要打印的表彰通报。", "打印")
            return
        open_dialog(self, NoticePrintDialog(self.state, self._batches[bid], self), self._print_notice)

    def _print_notice(self, dialog: "NoticePrintDialog") -> None:
        from .print_preview import preview_form

        b = dialog.batch
        preview_form(self, self.state, "commendation", {"batch_id": b["id"], "letterhead": dialog.letterhead()},
                     title=b["title"], file_name=b["title"])

    # -- batches ------------------------------------------------------------------------------
    def new_batch(self) -> None:
        open_dialog(self, BatchEditDialog(self.state, None, self), self._batch_saved)

    def _batch_saved(self, dialog: "BatchEditDialog") -> None:
        self._keep = dialog.saved_id  # selected once the list is read again
        self.state.changes.emit("commendation_batch")

    def edit_batch(self) -> None:
        bid = self.batch_id()
        if bid is None:
            return
        open_dialog(self, BatchEditDialog(self.state, self._batches[bid], self), lambda _d: self.state.changes.emit("commendation_batch"))

    def delete_batch(self) -> None:
        bid = self.batch_id()
        if bid is None:
            return
        b = self._batches[bid]
        n = b["collective"] + b["individual"]
        if not confirm(self, f"删除表彰通报“{b['title']}”及其 {n} 个表彰对象？", "删除表彰通报", "删除"):
            return
        # with each of its awards recorded (thousands in a big county): a job
        self._run("删除表彰通报", lambda s, actor: honours.delete_batch(s, actor=actor, batch_id=bid),
                  "commendation_batch", "award")

    def _run(self, title: str, work, *changed: str) -> None:
        """A change to many records as a job: `work(session, actor)` on the worker; then what
        changed is announced (a refusal is shown by the job)."""
        actor = self.state.actor

        def fn(_progress, _cancelled):
            with self.state.session() as s:
                return work(s, actor)

        self.job = run_job(self, title, fn, on_success=lambda _r: self.state.changes.emit(*changed),
                           cancellable=False)

    # -- awards -------------------------------------------------------------------------------
    def add_collective(self) -> None:
        bid = self.batch_id()
        if bid is None:
            return
        name, ok = QInputDialog.getText(self, "添加集体", "集体名称（如 柳溪镇党委）：")
        if not ok or not name.strip():
            return
        try:
            with self.state.session() as s:
                honours.save_award(s, actor=self.state.actor, batch_id=bid,
                                   data={"target_kind": "集体", "target_name": name, "honour": "先进集体"})
        except DomainError as e:
            refuse(self, e)
            return
        self.state.changes.emit("award")

    def add_individuals(self, cadre_ids=None, honour: str | None = None) -> None:
        bid = self.batch_id()
        if bid is None or self._awards_of != bid:
            return  # (its awards not read yet: the picker must leave out those in it)
        present = [a["cadre_id"] for a in self.individual.by_id.values() if a["cadre_id"]]
        from .tolerance_page import check_effects, effect_annotate  # 容错纠错 tags on a commendation list

        on = self._batches[bid]["date"]
        ids = cadre_ids if cadre_ids is not None else pick_cadres(
            self.state, self, "添加表彰个人", exclude_ids=present, annotate=effect_annotate("commendation", on))
        if ids:
            ids = check_effects(self.state, self, ids, "commendation", on)
        if not ids:
            return
        if honour is None:
            honour, ok = QInputDialog.getItem(self, "荣誉称号", "荣誉称号：", list(honours.HONOURS[1:]), 0, True)
            if not ok:
                return
        self._run("添加表彰个人", lambda s, actor: honours.add_individuals(
            s, actor=actor, batch_id=bid, cadre_ids=list(ids), honour=honour), "award")

    def delete_award(self) -> None:
        for table, model in ((self.individual_table, self.individual), (self.collective_table, self.collective)):
            if table.hasFocus() or table.currentIndex().isValid():
                r = model.row(table.currentIndex().row())
                if r and confirm(self, f"从本批表彰中删除“{r['target_name']}”？", "删除表彰对象", "删除"):
                    with self.state.session() as s:
                        honours.delete_award(s, actor=self.state.actor, award_id=r["id"])
                    self.state.changes.emit("award")
                return

    def open_quota(self) -> None:
        bid = self.batch_id()
        self.dialog = QuotaDialog(self.state, self, batch=self._batches.get(bid) if bid is not None else None)
        self.dialog.open()


class BatchEditDialog(FormDialog):
    def __init__(self, state: AppState, batch: dict | None, parent=None):
        super().__init__(parent)
        self.state, self.batch = state, batch
        self.setWindowTitle("编辑表彰通报" if batch else "新增表彰通报")
        self.widgets = {"title": QLineEdit(), "issuer": QLineEdit(), "doc_number": QLineEdit(), "date": DayEdit(),
                        "field": QLineEdit(), "addressee": QLineEdit(), "body": QPlainTextEdit()}
        self.add_fields((k, lbl, self.widgets[k]) for k, lbl in honours.BATCH_FIELDS)
        self.mark_required(honours.check_batch)
        self.layout_form()
        self.setMinimumWidth(520)
        if batch:
            self.set_values(self.values_of(batch))
        self.remember_loaded(batch)

    def fetch(self, session) -> dict | None:
        return honours.get_batch(session, self.batch["id"]) if self.batch else None

    def save_values(self, session, values: dict, version: int | None) -> int:
        return honours.save_batch(session, actor=self.state.actor, data=values,
                                  batch_id=self.batch["id"] if self.batch else None, version=version)

    def try_accept(self) -> bool:
        return self.save_form(self.state)


QUOTA_COLUMNS = ("单位", "人数", "一线人数", "应得份额", "分配名额")


class QuotaDialog(QDialog):
    """名额分配: places and a frontline weight; per unit the exact share and the places by the largest
    remainder, which the clerk may adjust (the total must stay equal to the places). For a batch, the
    allocation is kept (保存) and shown again when the batch's 名额分配 is opened; 导出 and 打印 take
    the table as shown."""

    def __init__(self, state: AppState, parent=None, batch: dict | None = None):
        super().__init__(parent)
        self.state = state
        self.batch = batch
        self.saved = None
        self.setWindowTitle(f"名额分配（向一线倾斜）—— {batch['title']}" if batch else "名额分配（向一线倾斜）")
        self.inputs: list[tuple[str, int, int]] = []  # counted over every cadre: read off the GUI thread
        self.spins: list[QSpinBox] = []
        self.loads = Loads(self)
        self.places = QSpinBox()
        self.places.setRange(0, 10000)
        self.places.setValue(20)
        self.weight = QDoubleSpinBox()
        self.weight.setRange(1.0, 10.0)
        self.weight.setSingleStep(0.5)
        self.weight.setValue(2.0)
        head = QHBoxLayout()
        head.addWidget(QLabel("名额"))
        head.addWidget(self.places)
        head.addWidget(QLabel("一线干部权重"))
        head.addWidget(self.weight)
        head.addStretch(1)
        self.explain = QLabel(f"权重 = 人数 +（一线权重 − 1）× 一线人数；一线人数指近 {honours.FRONTLINE_YEARS} 年有一线任务"
                              "或被选拔为一线干部的在职干部。按最大余额法分配，可手工调整。")
        self.explain.setWordWrap(True)
        self.explain.setStyleSheet("color:#666")
        self.table = QTableWidget(len(self.inputs), len(QUOTA_COLUMNS))
        elided_tips(self.table)
        self.table.setHorizontalHeaderLabels(QUOTA_COLUMNS)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 160)
        install_copy(self.table)
        self.total = QLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        self.save_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.setToolTip("为本批表彰保存这一分配（含手工调整），下次打开时显示")
        self.save_button.clicked.connect(self.save)
        self.save_button.setVisible(batch is not None and state.actor.can("edit"))
        self.save_button.setEnabled(False)  # until the units are counted
        self.recompute_button = buttons.addButton("按当前人数重算", QDialogButtonBox.ButtonRole.ActionRole)
        self.recompute_button.clicked.connect(self.recompute)
        self.recompute_button.setVisible(False)
        export = buttons.addButton("导出", QDialogButtonBox.ButtonRole.ActionRole)
        export.clicked.connect(lambda: export_list(self))
        printing = buttons.addButton("打印", QDialogButtonBox.ButtonRole.ActionRole)
        printing.clicked.connect(lambda: print_list(self))
        self.saved_note = QLabel()
        self.saved_note.setStyleSheet("color:#2e7d32")
        lay = QVBoxLayout(self)
        lay.addLayout(head)
        lay.addWidget(self.explain)
        lay.addWidget(self.saved_note)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.total)
        lay.addWidget(buttons)
        self.places.valueChanged.connect(lambda _v: self.allocate())
        self.weight.valueChanged.connect(lambda _v: self.allocate())
        fit_to_screen(self, 680, 560)
        self.total.setText("正在统计各单位人数……")
        batch_id = batch["id"] if batch is not None else None

        def fetch():
            with state.session(read_only=True) as s:
                return honours.quota_inputs(s), honours.get_quota(s, batch_id) if batch_id is not None else None

        self.loads.run("inputs", fetch, self._loaded)

    def _loaded(self, got) -> None:
        self.inputs, self.saved = got
        self.save_button.setEnabled(True)
        self.recompute_button.setVisible(self.saved is not None)
        if self.saved is not None:
            self.show_saved()
        else:
            self.allocate()

    def show_saved(self) -> None:
        """The allocation kept for the batch: the numbers it was computed from and its places."""
        q = self.saved
        self.inputs = [(ln["unit"], ln["headcount"], ln["frontline"]) for ln in q["lines"]]
        for w, v in ((self.places, q["places"]), (self.weight, float(q["weight"]))):
            w.blockSignals(True)
            w.setValue(v)
            w.blockSignals(False)
        self.allocate()
        for spin, ln in zip(self.spins, q["lines"]):
            spin.setValue(ln["places"])
        d = q["computed_on"]
        self.saved_note.setText(f"已保存的分配（按 {d.year}年{d.month}月{d.day}日 的人数计算，含手工调整）")

    def recompute(self) -> None:
        def fetch():
            with self.state.session(read_only=True) as s:
                return honours.quota_inputs(s)

        def counted(inputs) -> None:
            self.inputs = inputs
            self.saved_note.setText("按当前人数重新计算（尚未保存）")
            self.allocate()

        self.saved_note.setText("正在按当前人数重新统计……")
        self.loads.run("inputs", fetch, counted)

    def lines(self) -> list[dict]:
        result = honours.allocate_quota(self.inputs, self.places.value(), self.weight.value())
        return [{"unit": unit, "headcount": head, "frontline": front, "share": share, "places": spin.value()}
                for (unit, head, front), (_u, share, _p), spin in zip(self.inputs, result, self.spins)]

    def save(self) -> bool:
        try:
            with self.state.session() as s:
                honours.save_quota(s, actor=self.state.actor, batch_id=self.batch["id"], places=self.places.value(),
                                   weight=self.weight.value(), lines=self.lines())
                self.saved = honours.get_quota(s, self.batch["id"])
        except DomainError as e:
            refuse(self, e)
            return False
        d = self.saved["computed_on"]
        self.saved_note.setText(f"已保存（按 {d.year}年{d.month}月{d.day}日 的人数计算）")
        self.state.changes.emit("commendation_batch")
        return True

    def list_title(self, _table) -> str:
        return f"{self.batch['title']}名额分配" if self.batch else "名额分配"

    def list_filters(self, _table) -> str:
        return f"名额 {self.places.value()} 个，一线干部权重 {self.weight.value():g}"

    def allocate(self) -> None:
        try:
            result = honours.allocate_quota(self.inputs, self.places.value(), self.weight.value())
        except DomainError as e:
            self.total.setText(e.message)
            return
        self.spins: list[QSpinBox] = []
        self.table.setRowCount(len(self.inputs))
        for i, ((unit, head, front), (_, share, places)) in enumerate(zip(self.inputs, result)):
            for col, v in enumerate((unit, head, front, honours.share_text(share))):
                item = QTableWidgetItem(str(v))
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(i, col, item)
            spin = QSpinBox()
            spin.setRange(0, 10000)
            spin.setValue(places)
            # the item under the spin box holds the same number, for 导出, 打印 and Ctrl+C
            shown = QTableWidgetItem()
            shown.setData(Qt.ItemDataRole.DisplayRole, places)
            self.table.setItem(i, 4, shown)
            spin.valueChanged.connect(lambda v, item=shown: (item.setData(Qt.ItemDataRole.DisplayRole, v),
                                                             self.update_total()))
            self.table.setCellWidget(i, 4, spin)
            self.spins.append(spin)
        self.update_total()

    def allocated(self) -> int:
        return sum(s.value() for s in self.spins)

    def update_total(self) -> None:
        diff = self.allocated() - self.places.value()
        if diff == 0:
            self.total.setText(f"已分配 {self.allocated()} 个，与名额 {self.places.value()} 相等。")
            self.total.setStyleSheet("color:#2e7d32")
        else:
            word = "多" if diff > 0 else "少"
            self.total.setText(f"已分配 {self.allocated()} 个，比名额 {self.places.value()} {word} {abs(diff)} 个，请调整。")
            self.total.setStyleSheet("color:#c0392b")


class NoticePrintDialog(QDialog):
    """打印选项 of a 表彰通报: 套打 leaves the issuer mark, the document number and the red separator
    off, for paper with the letterhead already printed. The choice is remembered."""

    KEY = "commendations/overprint"

    def __init__(self, state: AppState, batch: dict, parent=None):
        super().__init__(parent)
        self.state = state
        self.batch = batch
        self.setWindowTitle("打印表彰通报")
        self.overprint = QCheckBox("套打（用已印好红头的公文纸：不印发文机关标志、发文字号和红色分隔线）")
        self.overprint.setChecked(str(state.settings.value(self.KEY, False)).lower() == "true")
        title = QLabel(f"<b>{batch['title']}</b><br>{batch.get('doc_number') or ''}")
        title.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("预览", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(title)
        lay.addWidget(self.overprint)
        lay.addWidget(buttons)

    def letterhead(self) -> bool:
        return not self.overprint.isChecked()

    def accept(self) -> None:
        self.state.settings.setValue(self.KEY, self.overprint.isChecked())
        super().accept()
