"""挂职驻村: secondments, village postings and frontline tasks, with the dialog that adds or edits one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSizePolicy, QVBoxLayout,
    QWidget,
)

from ..core.services import cadres
from ..core.services import development as dev
from .cadre_picker import CadrePickerDialog
from .common import error_label, set_error, shortcut
from .jobs import Loads
from .models import LazyTableModel
from .page_kit import (
    FormDialog, PagedList, RefreshWhenShown, TableSelection, confirm_and_delete, filter_row, make_table, make_toolbar, open_dialog, record_verbs,
    restore_header, save_header, search_line,
)
from .state import AppState
from .widgets import ChoiceCombo, DayEdit, day_text

COLUMNS = (("name", "姓名"), ("unit", "单位"), ("kind", "类型"), ("place", "派驻单位或地点"), ("destination", "去向类别"),
           ("field", "任务领域"), ("start", "开始"), ("end", "结束"), ("evaluation", "表现评价"))
ALL = "全部"


class PostingsModel(LazyTableModel):
    def display(self, key: str, r: dict):
        if key == "end" and r.get("end") is None:
            return "进行中"
        if key in ("start", "end"):
            return day_text(r.get(key))
        return super().display(key, r)

    def decorate(self, key: str, r: dict, role: int):
        if key == "end" and r.get("end") is None and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#2e7d32"))
        if key in ("kind", "destination", "field", "start", "end", "evaluation") and \
                role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class PostingsPage(RefreshWhenShown, TableSelection, QWidget):
    """The list is read off the GUI thread (Loads, key "list")."""

    SHOWS = frozenset({"posting", "cadre", "unit"})
    open_cadre = Signal(int)
    import_requested = Signal()
    export_requested = Signal()

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        can_edit = state.actor.can("edit")
        self.dialog: PostingDialog | None = None
        self.period_error = ""
        self.loads = Loads(self)
        self._stale = True
        self._keep: int | None = None  # the record to select once the list is in

        self.toolbar = make_toolbar(self, can_edit, record_verbs(
            self, self.new_posting, self.edit_selected, self.delete_selected))

        self.search = search_line("搜索：姓名、拼音首字母、全拼、身份证号片段或派驻地点")
        self.kind = QComboBox()
        self.kind.addItems([ALL, *dev.POSTING_KINDS])
        self.field = QComboBox()
        self.field.addItems([ALL, *dev.TASK_FIELDS])
        self.since = DayEdit()
        self.until = DayEdit()
        for w in (self.since, self.until):
            w.setMaximumWidth(110)
        self.under_way = QCheckBox("只看进行中")
        self.count = QLabel()
        self.filter_error = error_label()
        filters = filter_row(None, (("类型", self.kind), ("任务领域", self.field), ("期间 从", self.since),
                                    ("至", self.until)), [self.under_way], self.count, stretch=True)

        self.model = PostingsModel(COLUMNS, lambda _ids: [], None, self)
        self.paged = PagedList(state, self.model, self.loads, current=self.selected_id)
        self.table = make_table(self.model, row_numbers=False, widths=(70, 110, 96, 170, 70, 90, 86, 86, 70))
        self.table.doubleClicked.connect(self._double_clicked)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #555;")
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_notes())

        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.filter_error)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notes)

        self.search.searched.connect(lambda _t: self.refresh())
        for combo in (self.kind, self.field):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        for edit in (self.since, self.until):
            edit.editingFinished.connect(self.refresh)
        self.under_way.toggled.connect(lambda _c: self.refresh())
        shortcut(self, "Ctrl+F", lambda: (self.search.setFocus(), self.search.selectAll()))
        shortcut(self.table, Qt.Key.Key_Return, self.edit_selected)
        shortcut(self.table, Qt.Key.Key_Delete, self.delete_selected)

        self.restore_settings()
        state.changes.changed.connect(self._changed)

    def current_filter(self) -> dev.PostingFilter | None:
        pick = lambda c: None if c.currentText() == ALL else c.currentText()  # noqa: E731
        try:
            since, until = self.since.value(), self.until.value()
        except ValueError as e:
            set_error(self.filter_error, f"期间：{e}")
            return None
        set_error(self.filter_error, None)
        return dev.PostingFilter(kind=pick(self.kind), field=pick(self.field), since=since, until=until,
                                 under_way=self.under_way.isChecked(), search=self.search.text())

    def refresh(self, *, wait: bool = False) -> None:
        flt = self.current_filter()
        if flt is None:
            return
        self._stale = False

        def apply(people: int) -> None:
            keep = self._keep if self._keep is not None else self.paged.kept
            self._keep = None
            self.count.setText(f"共 {self.model.rowCount()} 条，{people} 人")
            if keep is not None:
                self.select_id(keep)
            self._show_notes()

        self.paged.load(lambda s: dev.posting_ids(s, flt), dev.posting_rows, apply,
                        extra=lambda s, _ids: dev.posting_people(s, flt), wait=wait)

    def _show_notes(self) -> None:
        r = self.selected_row()
        self.notes.setText(f"备注：{r['notes']}" if r and r.get("notes") else "")
        self.notes.setVisible(bool(self.notes.text()))

    def _double_clicked(self, index) -> None:
        # The name opens the cadre's file; elsewhere the record's editor (for those who may edit).
        pid = self.model.id_at(index.row())
        if pid is None:
            return
        if index.column() == 0 or not self.state.actor.can("edit"):
            self.open_cadre.emit(self.model.row(index.row())["cadre_id"])
        else:
            self.edit_selected()

    # -- actions ----------------------------------------------------------------------------------
    def new_posting(self) -> None:
        if self.state.actor.can("edit"):
            self._open_dialog(PostingDialog(self.state, None, self))

    def edit_selected(self) -> None:
        r = self.selected_row()
        if r is not None and self.state.actor.can("edit"):
            self._open_dialog(PostingDialog(self.state, r, self))

    def _open_dialog(self, dialog: PostingDialog) -> None:
        open_dialog(self, dialog, lambda d: self._saved(d.saved_id))

    def _saved(self, posting_id: int | None) -> None:
        self._keep = posting_id  # selected once the list is read again
        self.state.changes.emit("posting")

    def delete_selected(self) -> None:
        pid = self.selected_id()
        if pid is None or not self.state.actor.can("edit"):
            return
        r = self.selected_row()
        confirm_and_delete(self, f"删除{r['name']}的{r['kind']}记录（{day_text(r['start'])} 起）？", "删除记录",
                           lambda s: dev.delete_posting(s, actor=self.state.actor, posting_id=pid), "posting")

    # -- remembering ------------------------------------------------------------------------------
    def save_settings(self) -> None:
        st = self.state.settings
        save_header(st, "postings/header", self.table)
        st.setValue("postings/filters", {"kind": self.kind.currentText(), "field": self.field.currentText(),
                                         "since": self.since.text(), "until": self.until.text(),
                                         "under_way": self.under_way.isChecked()})

    def restore_settings(self) -> None:
        st = self.state.settings
        restore_header(st, "postings/header", self.table)
        f = st.value("postings/filters") or {}
        for combo, key in ((self.kind, "kind"), (self.field, "field")):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findText(str(f.get(key, ALL))), 0))
            combo.blockSignals(False)
        for edit, key in ((self.since, "since"), (self.until, "until")):
            edit.setText(str(f.get(key) or ""))
        self.under_way.blockSignals(True)
        self.under_way.setChecked(str(f.get("under_way", False)).lower() == "true")
        self.under_way.blockSignals(False)


class PostingDialog(FormDialog):
    """Add or edit one posting; the cadre is chosen in the picker (one person)."""

    FIELDS = ("cadre_id", "kind", "place", "destination", "field", "start", "end", "evaluation", "notes")

    def __init__(self, state: AppState, posting: dict | None, parent=None):
        super().__init__(parent)
        self.state = state
        self.posting = posting
        self.saved_id: int | None = None
        self.cadre_id: int | None = posting["cadre_id"] if posting else None
        self.picker: CadrePickerDialog | None = None
        self.setWindowTitle("编辑挂职驻村记录" if posting else "新增挂职驻村记录")

        self.cadre_label = QLabel("（未选择）")
        self.choose_button = QPushButton("选择干部…")
        self.choose_button.clicked.connect(self.choose_cadre)
        cadre_row = QHBoxLayout()
        cadre_row.addWidget(self.cadre_label, 1)
        cadre_row.addWidget(self.choose_button)
        cadre_box = QWidget()
        cadre_box.setLayout(cadre_row)
        cadre_row.setContentsMargins(0, 0, 0, 0)
        cadre_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.kind = ChoiceCombo(dev.POSTING_KINDS)
        self.place = QLineEdit()
        self.destination = ChoiceCombo(dev.DESTINATIONS)
        self.field = ChoiceCombo(dev.TASK_FIELDS)
        self.start = DayEdit()
        self.end = DayEdit()
        self.end.setPlaceholderText("空白表示进行中")
        self.evaluation = ChoiceCombo(dev.EVALUATIONS)
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(60)
        self.widgets = {"cadre_id": cadre_box, "kind": self.kind, "place": self.place, "destination": self.destination,
                        "field": self.field, "start": self.start, "end": self.end, "evaluation": self.evaluation,
                        "notes": self.notes}
        self.add_fields((attr, dev.POSTING_LABELS[attr], self.widgets[attr]) for attr in self.FIELDS)
        self.mark_required(dev.check_posting)
        self.layout_form()
        self.setMinimumWidth(480)

        if posting:
            self.set_values(self.values_of(posting))
        self.set_cadre(self.cadre_id)
        self.remember_loaded(posting)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self._kind_changed()
        shortcut(self, "Ctrl+S", self.try_accept)

    def _kind_changed(self) -> None:
        secondment = self.kind.value() == dev.SECONDMENT
        # 去向类别 is for 挂职锻炼; it stays open while it holds a value so a leftover can be cleared.
        self.destination.setEnabled(secondment or self.destination.value() is not None)

    def set_cadre(self, cadre_id: int | None) -> None:
        self.cadre_id = cadre_id
        if cadre_id is None:
            self.cadre_label.setText("（未选择）")
            return
        with self.state.session() as s:
            rows = cadres.roster_rows(s, [cadre_id])
        if rows:
            r = rows[0]
            self.cadre_label.setText("　".join(x for x in (r["name"], r["unit"] or "", r["post"] or "") if x))
        set_error(self.errors["cadre_id"], None)

    def choose_cadre(self) -> None:
        picker = CadrePickerDialog(self.state, "选择干部", self, single=True)
        if self.cadre_id is not None:
            picker.tick(self.cadre_id)
        self.picker = picker
        picker.accepted.connect(lambda: self.set_cadre((picker.chosen_ids() or [self.cadre_id])[0]))
        picker.open()

    def values_of(self, record: dict) -> dict:
        return {**super().values_of(record), "cadre_id": record.get("cadre_id")}

    def set_values(self, values: dict) -> None:
        super().set_values(values)
        if "cadre_id" in values:
            self.set_cadre(values["cadre_id"])

    def form_values(self) -> dict:
        values = super().form_values()
        values["cadre_id"] = self.cadre_id
        values["notes"] = values.get("notes") or ""
        return values

    def fetch(self, session) -> dict | None:
        return dev.get_posting(session, self.posting["id"]) if self.posting else None

    def save_values(self, session, values: dict, version: int | None) -> int:
        return dev.save_posting(session, actor=self.state.actor, data=values,
                                posting_id=self.posting["id"] if self.posting else None, version=version)

    def try_accept(self) -> bool:
        return self.save_form(self.state)
