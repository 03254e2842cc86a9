"""结对帮带: the pairs with their reminders, a new pair for one mentor and several mentees, and the
selected pair's five-in-one record (帮带纪实) with a quick-add row."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget,
    QListWidgetItem, QPushButton, QSplitter, QTextBrowser, QVBoxLayout, QWidget,
)

from ..core.services import mentoring
from ..core.services.mentoring import DUAL, KINDS, RECORD_KINDS, ROLES, day_text, kind_text
from ..core.values import CADRE_LEVELS, DomainError
from .common import confirm, error_label, set_error, shortcut
from .jobs import Loads
from .models import LazyTableModel
from .list_kit import name_lists
from .page_kit import (
    FormDialog, PagedList, Printable, RefreshWhenShown, TableSelection, button_box, confirm_and_delete, field_cell, filter_row, make_table,
    make_toolbar, open_dialog, record_verbs, restore_header, save_header, search_line, show_grouped_errors,
)
from .state import AppState
from .widgets import ChoiceCombo, DayEdit

ALL = "全部"
COLUMNS = (("mentor", "帮带人"), ("mentee", "被帮带人"), ("kind", "结对类型"), ("role", "导师类别"), ("start", "开始"),
           ("end", "结束"), ("last_talk", "最近谈心谈话"), ("reminder", "提醒"))
RECORD_COLUMNS = (("date", "日期"), ("kind", "纪实类型"), ("content", "内容"), ("recorded_by", "记录人"))
OVERDUE_BG = "#fdecea"


class PairsModel(LazyTableModel):
    def display(self, key: str, r: dict):
        if key in ("start", "end", "last_talk"):
            return day_text(r.get(key)) if r.get(key) else ("帮带中" if key == "end" else "")
        if key == "reminder":
            return "；".join(text for _, text in r.get("reminders", []))
        return super().display(key, r)

    def decorate(self, key: str, r: dict, role: int):
        if r.get("overdue"):
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(OVERDUE_BG))
            if key == "reminder" and role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#c0392b"))
        if key == "end" and not r.get("end") and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#2e7d32"))
        if key == "reminder" and role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(text for _, text in r.get("reminders", []))
        if key in ("mentor", "mentee") and role == Qt.ItemDataRole.ToolTipRole:
            return r.get(f"{key}_unit") or ""
        return None


class RecordsModel(LazyTableModel):
    def display(self, key: str, r: dict):
        if key == "date":
            return day_text(r.get("date"))
        return super().display(key, r)


class MentoringPage(RefreshWhenShown, Printable, TableSelection, QWidget):
    """The pairs (filtered), and the selected pair's record with its mentor's other pairs: both
    read on the page's query thread (Loads keys "list" and "details")."""

    SHOWS = frozenset({"mentoring", "cadre", "unit", "setting"})
    PRINT_FORMS = (("mentoring-register", "结对帮带登记表"),)
    open_cadre = Signal(int)
    import_requested = Signal()
    export_requested = Signal()

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.dialog: QDialog | None = None
        can_edit = state.actor.can("edit")

        self.toolbar = make_toolbar(self, can_edit, record_verbs(
            self, self.new_pair, self.edit_selected, self.delete_selected, new_text="新增结对",
            after=[("act_open", "打开档案", self.open_selected_cadre, False), None,
                   ("act_settings", "设置", self.edit_settings, False)]))
        self.act_settings.setVisible(state.actor.can("admin"))

        self.search = search_line("搜索帮带人或被帮带人姓名、身份证号")
        self.kind = QComboBox()
        self.kind.addItems([ALL, *KINDS])
        self.active = QComboBox()
        self.active.addItems([ALL, "帮带中", "已结束"])
        self.overdue_only = QCheckBox("只看逾期")
        self.count = QLabel()
        self.overdue_count = QLabel()
        self.overdue_count.setStyleSheet("color: #c0392b;")
        filters = filter_row(self.search, (("结对类型", self.kind), ("状态", self.active)), [self.overdue_only],
                             (self.overdue_count, self.count), stretch=True, search_stretch=2)

        self.model = PairsModel(COLUMNS, lambda _ids: [], parent=self)
        self.table = make_table(self.model, row_numbers=False, row_height=24,
                                widths=(70, 70, 150, 70, 86, 86, 100, 300))
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_pair())
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())

        # the 纪实 panel
        self.pair_title = QLabel("选择一个结对查看帮带纪实")
        self.pair_title.setWordWrap(True)
        self.pair_title.setStyleSheet("font-weight: bold;")
        self.records_model = RecordsModel(RECORD_COLUMNS,
                                          lambda ids: [self._records[i] for i in ids if i in self._records],
                                          parent=self)
        self._records: dict[int, dict] = {}
        self.records = make_table(self.records_model, row_numbers=False, row_height=24, widths=(90, 80, 300))
        name_lists(self, (self.table, "结对"), (self.records, "帮带纪实"))
        self.rec_date = DayEdit()
        self.rec_date.setMaximumWidth(100)
        self.rec_kind = QComboBox()
        self.rec_kind.addItems(RECORD_KINDS)
        self.rec_text = QLineEdit()
        self.rec_text.setPlaceholderText("内容（一句话）")
        self.rec_add = QPushButton("添加纪实")
        self.rec_add.clicked.connect(self.add_record)
        self.rec_text.returnPressed.connect(self.add_record)
        self.rec_delete = QPushButton("删除纪实")
        self.rec_delete.clicked.connect(self.delete_record)
        self.rec_error = error_label()
        self.mentor_list_title = QLabel("帮带人名下的结对")
        self.mentor_list = QListWidget()
        self.mentor_list.setMaximumHeight(130)
        self.mentor_list.itemActivated.connect(self._mentor_item)
        self.mentor_list.itemClicked.connect(self._mentor_item)
        # below the pairs: the selected pair's record, and beside it the mentor's other mentees
        records_box = QWidget()
        rl = QVBoxLayout(records_box)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.pair_title)
        rl.addWidget(self.records, 1)
        self.quick_row = QWidget()
        ql = QHBoxLayout(self.quick_row)
        ql.setContentsMargins(0, 0, 0, 0)
        for w in (self.rec_date, self.rec_kind, self.rec_text, self.rec_add, self.rec_delete):
            ql.addWidget(w)
        ql.setStretch(2, 1)
        self.quick_row.setVisible(can_edit)
        rl.addWidget(self.quick_row)
        rl.addWidget(self.rec_error)
        mentor_box = QWidget()
        ml = QVBoxLayout(mentor_box)
        ml.setContentsMargins(0, 0, 0, 0)
        ml.addWidget(self.mentor_list_title)
        ml.addWidget(self.mentor_list, 1)
        self.mentor_list.setMaximumHeight(16777215)
        bottom = QSplitter()
        bottom.addWidget(records_box)
        bottom.addWidget(mentor_box)
        bottom.setStretchFactor(0, 3)
        bottom.setStretchFactor(1, 1)
        bottom.setSizes([620, 320])

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)

        self.loads = Loads(self)
        self.paged = PagedList(state, self.model, self.loads, current=self.selected_id)
        self._select_after: int | None = None  # a pair to select once the list holds it
        self._records_of: int | None = None  # the pair whose record the panel shows
        self.search.searched.connect(lambda _t: self.refresh())
        for combo in (self.kind, self.active):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.overdue_only.toggled.connect(lambda _c: self.refresh())
        shortcut(self, "Ctrl+F", lambda: (self.search.setFocus(), self.search.selectAll()))
        shortcut(self.table, Qt.Key.Key_Delete, self.delete_selected)
        shortcut(self.table, Qt.Key.Key_Return, self.edit_selected)

        self.restore_settings()
        state.changes.changed.connect(self._changed)
        self._stale = True  # read when first shown

    # -- data ---------------------------------------------------------------------------------
    def refresh(self, *, wait: bool = False) -> None:
        """Read the ids of the pairs the filters select and the overdue count (off the GUI thread
        unless `wait`); the rows are read a block at a time as the table shows them (PagedList)."""
        self._stale = False
        kind = None if self.kind.currentText() == ALL else self.kind.currentText()
        active = {ALL: None, "帮带中": True, "已结束": False}[self.active.currentText()]
        overdue_only, search = self.overdue_only.isChecked(), self.search.text()

        def ids(s):
            return mentoring.pair_ids(s, kind=kind, active=active, overdue_only=overdue_only, search=search)

        def extra(s, _ids):
            return mentoring.overdue_count(s, dt.date.today())

        def apply(overdue: int) -> None:
            keep = self._select_after if self._select_after is not None else self.paged.kept
            self._select_after = None
            self._records_of = None  # the record may have changed with the list: read it again
            self.count.setText(f"共 {self.model.rowCount()} 对")
            self.overdue_count.setText(f"逾期提醒 {overdue} 对")
            if keep is not None:
                self.select_id(keep)
            self._show_pair()

        self.paged.load(ids, mentoring.pair_rows, apply, extra=extra, wait=wait)

    def selected(self) -> dict | None:
        return self.selected_row()

    def show_pair(self, pair_id: int) -> None:
        """Select a pair, clearing the filters if they hide it."""
        if not self.select_id(pair_id):
            for w in (self.search, self.kind, self.active, self.overdue_only):
                w.blockSignals(True)
            self.search.clear()
            self.kind.setCurrentIndex(0)
            self.active.setCurrentIndex(0)
            self.overdue_only.setChecked(False)
            for w in (self.search, self.kind, self.active, self.overdue_only):
                w.blockSignals(False)
            self._select_after = pair_id  # selected when the unfiltered list arrives
            self.refresh()

    # -- the 纪实 panel -------------------------------------------------------------------------
    def _show_pair(self) -> None:
        p = self.selected()
        set_error(self.rec_error, None)
        if p is None:
            self._records_of = None
            self.mentor_list.clear()
            self.pair_title.setText("选择一个结对查看帮带纪实")
            self._records = {}
            self.records_model.set_ids([])
            self.quick_row.setEnabled(False)
            return
        self.quick_row.setEnabled(True)
        span = f"{day_text(p['start'])} 至 {day_text(p['end']) or '今'}"
        self.pair_title.setText(f"{p['mentor']} 帮带 {p['mentee']}（{kind_text(p['kind'], p['role'])}，{span}）")
        if not self.rec_date.text():
            self.rec_date.setValue(dt.date.today())
        if self._records_of == p["id"]:
            return  # shown already
        pid, mentor_id, state = p["id"], p["mentor_id"], self.state

        def fetch():
            with state.session(read_only=True) as s:
                return pid, mentoring.list_records(s, pid), mentoring.list_pairs(s, mentor_id=mentor_id)

        self.loads.run("details", fetch, self._apply_details)

    def _apply_details(self, answer) -> None:
        pid, recs, mine = answer
        p = self.selected()
        if p is None or p["id"] != pid:
            return  # the clerk has moved on
        self._records_of = pid
        self._records = {r["id"]: r for r in recs}
        self.records_model.set_ids([r["id"] for r in recs])
        if recs:
            self.records.scrollToBottom()
        self.mentor_list.clear()
        self.mentor_list_title.setText(f"{p['mentor']} 名下的结对（{len(mine)}）")
        for q in mine:
            state = "" if q["active"] else "（已结束）"
            mark = " ⚠" if q["overdue"] else ""
            item = QListWidgetItem(
                f"{q['mentee']}　{kind_text(q['kind'], q['role'])}　{day_text(q['start'])} 起{state}{mark}")
            item.setData(Qt.ItemDataRole.UserRole, q["id"])
            if q["id"] == p["id"]:
                item.setSelected(True)
            self.mentor_list.addItem(item)

    def _mentor_item(self, item: QListWidgetItem) -> None:
        pid = item.data(Qt.ItemDataRole.UserRole)
        if pid != self.selected_id():
            self.show_pair(pid)

    def add_record(self) -> bool:
        p = self.selected()
        if p is None or not self.state.actor.can("edit"):
            return False
        try:
            day = self.rec_date.value()
        except ValueError as e:
            set_error(self.rec_error, f"日期：{e}")
            return False
        try:
            with self.state.session() as s:
                mentoring.save_record(s, actor=self.state.actor, pair_id=p["id"],
                                      data={"date": day, "kind": self.rec_kind.currentText(),
                                            "content": self.rec_text.text()})
        except DomainError as e:
            set_error(self.rec_error, e.message)
            return False
        self.rec_text.clear()
        self.state.changes.emit("mentoring")
        return True

    def delete_record(self) -> None:
        idx = self.records.currentIndex()
        rid = self.records_model.id_at(idx.row()) if idx.isValid() else None
        if rid is None:
            return
        r = self._records[rid]
        if not confirm(self, f"删除 {day_text(r['date'])} 的{r['kind']}纪实？", "删除纪实", "删除"):
            return
        with self.state.session() as s:
            mentoring.delete_record(s, actor=self.state.actor, record_id=rid)
        self.state.changes.emit("mentoring")

    # -- pairs ----------------------------------------------------------------------------------
    def new_pair(self) -> None:
        if not self.state.actor.can("edit"):
            return
        self.dialog = NewPairDialog(self.state, self)
        self.dialog.finished.connect(lambda _r: self.state.changes.emit("mentoring") if self.dialog.added else None)
        self.dialog.open()

    def edit_selected(self) -> None:
        p = self.selected()
        if p is None or not self.state.actor.can("edit"):
            return
        open_dialog(self, PairDialog(self.state, p, self), lambda _d: self.state.changes.emit("mentoring"))

    def delete_selected(self) -> None:
        p = self.selected()
        if p is None or not self.state.actor.can("edit"):
            return
        with self.state.session() as s:
            n = len(mentoring.list_records(s, p["id"]))
        text = f"删除结对“{p['mentor']} 帮带 {p['mentee']}（{kind_text(p['kind'], p['role'])}）”？"
        if n:
            text += f"\n\n将一并删除帮带纪实 {n} 条。"
        text += "\n\n已结束的结对请在“编辑”中填写结束日期，不必删除。"
        confirm_and_delete(self, text, "删除结对", lambda s: mentoring.delete_pair(s, actor=self.state.actor, pair_id=p["id"]),
                           "mentoring")

    def edit_settings(self) -> None:
        if self.state.actor.can("admin"):
            open_dialog(self, ReminderSettingsDialog(self.state, self), lambda _d: self.state.changes.emit("mentoring", "setting"))

    def print_form(self, form: str) -> None:
        from .print_preview import preview_form

        preview_form(self, self.state, form, {}, file_name="结对帮带登记表")

    def open_selected_cadre(self) -> None:
        p = self.selected()
        if p is not None:
            self.open_cadre.emit(p["mentee_id"])

    # -- remembering ----------------------------------------------------------------------------
    def save_settings(self) -> None:
        st = self.state.settings
        save_header(st, "mentoring/header", self.table)
        st.setValue("mentoring/splitter", self.splitter.saveState())
        st.setValue("mentoring/filters", {"kind": self.kind.currentText(), "active": self.active.currentText(),
                                          "overdue": self.overdue_only.isChecked()})

    def restore_settings(self) -> None:
        st = self.state.settings
        restore_header(st, "mentoring/header", self.table)
        if (sp := st.value("mentoring/splitter")) is not None:
            self.splitter.restoreState(sp)
        f = st.value("mentoring/filters") or {}
        for combo, key in ((self.kind, "kind"), (self.active, "active")):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findText(str(f.get(key, ALL))), 0))
            combo.blockSignals(False)
        self.overdue_only.blockSignals(True)
        self.overdue_only.setChecked(str(f.get("overdue", False)).lower() == "true")
        self.overdue_only.blockSignals(False)


def mentor_choices(state: AppState) -> list[tuple[str, int]]:
    """In-service 县级领导, 正科级 and 副科级 cadres as (name（unit）, id), in the roster's order."""
    from ..core.services import cadres

    out = []
    with state.session(read_only=True) as s:
        for level in CADRE_LEVELS[:3]:
            ids = cadres.roster_ids(s, cadres.RosterFilter(level=level, status="在职"))
            out += [(f"{r['name']}（{r['unit'] or '未定单位'}，{level}）", r["id"]) for r in cadres.roster_rows(s, ids)]
    return out


class NewPairDialog(QDialog):
    """新增结对: one mentor, the kind (and role) and start, then the mentees ticked in the picker.
    Mentees who would break a rule are shown there with the reason and cannot be ticked; the
    service checks again and lists whoever it refuses."""

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.added: list[int] = []
        self.refused: list[tuple[int, str, str]] = []
        self.picker = None  # the cadre picker while it is open
        self.setWindowTitle("新增结对")
        # The leaders who may mentor are many in a province: read on the dialog's query thread,
        # then handed to the combo as one list model.
        self.mentor = QComboBox()
        self.mentor.setEditable(True)
        self.mentor.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._mentor_ids: list[int] = []
        self.mentor.setModel(QStringListModel(self.mentor))
        self.mentor.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.mentor.completer().setCompletionMode(self.mentor.completer().CompletionMode.PopupCompletion)
        self.mentor.setCurrentIndex(-1)
        self.mentor.lineEdit().setPlaceholderText("正在读取名单……")
        self.mentor.currentIndexChanged.connect(lambda _i: self._mentor_changed())
        self.loads = Loads(self)
        self.loads.run("mentors", lambda: mentor_choices(state), self._apply_mentors)
        self.kind = QComboBox()
        self.kind.addItems(KINDS)
        self.kind.setCurrentText("科级领导帮带年轻干部")
        self.role = ChoiceCombo(ROLES)
        self.start = DayEdit()
        self.start.setValue(dt.date.today())
        self.errors = {k: error_label() for k in ("mentor_id", "role", "start")}
        form = QFormLayout()
        for label, key, w in (("帮带人", "mentor_id", self.mentor), ("结对类型", None, self.kind),
                              ("导师类别", "role", self.role), ("开始日期", "start", self.start)):
            if key:
                form.addRow(label, field_cell(w, self.errors[key]))
            else:
                cell = QVBoxLayout()
                cell.setSpacing(2)
                cell.addWidget(w)
                form.addRow(label, cell)
        self.pick = QPushButton("选择被帮带人…")
        self.pick.clicked.connect(self.pick_mentees)
        self.result = QTextBrowser()
        self.result.setMinimumHeight(140)
        self.result.setHtml("<p style='color:#666'>选好帮带人、结对类型和开始日期后，点“选择被帮带人…”勾选一名或多名干部。"
                            "会违反“一对一、不重复”等规定的干部在名单中注明原因，不能勾选。</p>")
        buttons = QDialogButtonBox()
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.pick, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.result, 1)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self._kind_changed()

    def _mentor_changed(self) -> None:
        """A 县级领导 mentors 科级领导; a 科级领导 mentors young cadres (the kind can still be changed)."""
        set_error(self.errors["mentor_id"], None)
        text = self.mentor.currentText()
        if text.endswith("县级领导）"):
            self.kind.setCurrentText("县级领导帮带科级领导")
        elif self.kind.currentText() == "县级领导帮带科级领导":
            self.kind.setCurrentText("科级领导帮带年轻干部")

    def _kind_changed(self) -> None:
        dual = self.kind.currentText() == DUAL
        self.role.setEnabled(dual)
        if not dual:
            self.role.setValue(None)

    def _apply_mentors(self, choices: list[tuple[str, int]]) -> None:
        self._mentor_ids = [cid for _t, cid in choices]
        self.mentor.blockSignals(True)
        self.mentor.model().setStringList([text for text, _c in choices])
        self.mentor.setCurrentIndex(-1)
        self.mentor.blockSignals(False)
        self.mentor.lineEdit().setPlaceholderText("输入姓名查找")

    def mentor_id(self) -> int | None:
        i = self.mentor.findText(self.mentor.currentText())
        return self._mentor_ids[i] if 0 <= i < len(self._mentor_ids) else None

    def set_mentor(self, cadre_id: int) -> None:
        self.mentor.setCurrentIndex(self._mentor_ids.index(cadre_id) if cadre_id in self._mentor_ids else -1)

    def _inputs(self) -> tuple | None:
        for label in self.errors.values():
            set_error(label, None)
        ok = True
        mentor = self.mentor_id()
        if mentor is None:
            set_error(self.errors["mentor_id"], "请从名单中选择帮带人（县级领导、正科级或副科级）")
            ok = False
        try:
            start = self.start.value()
        except ValueError as e:
            set_error(self.errors["start"], str(e))
            start, ok = None, False
        if ok and start is None:
            set_error(self.errors["start"], "请填写开始日期")
            ok = False
        kind, role = self.kind.currentText(), self.role.value()
        if mentor is not None:
            with self.state.session() as s:
                problem = mentoring.mentor_problem(s, mentor, kind)
            if problem:
                set_error(self.errors["mentor_id"], problem)
                ok = False
        if kind == DUAL and role is None:
            set_error(self.errors["role"], "双导师制须选择导师类别（政治导师 / 业务导师）")
            ok = False
        return (mentor, kind, role, start) if ok else None

    def pick_mentees(self) -> None:
        got = self._inputs()
        if got is None:
            return
        from .cadre_picker import CadrePickerDialog

        mentor, kind, role, start = got  # fixed while the picker is open (window-modal over this dialog)

        def annotate(s, ids: list[int]) -> dict[int, str]:  # a block of rows, on the picker's query thread
            return mentoring.candidate_problems(s, mentor, ids, kind, role, start)

        picker = CadrePickerDialog(self.state, f"选择被帮带人（{kind}）", self, annotate=annotate)
        if kind == "科级领导帮带年轻干部":
            picker.young.setChecked(True)  # the young-cadre pool
        self.picker = picker
        picker.accepted.connect(lambda: self.add_mentees(picker.chosen_ids()))
        picker.open()

    def add_mentees(self, mentee_ids: list[int]) -> dict | None:
        got = self._inputs()
        if got is None or not mentee_ids:
            return None
        mentor, kind, role, start = got
        with self.state.session() as s:
            res = mentoring.pair_many(s, actor=self.state.actor, mentor_id=mentor, mentee_ids=list(mentee_ids),
                                      kind=kind, role=role, start=start)
            names = res["added_names"]
        self.added += res["added"]
        self.refused += res["refused"]
        import html

        parts = []
        if res["added"]:
            parts.append(f"<p style='color:#2e7d32'>已结对 {len(res['added'])} 人：{html.escape('、'.join(names))}</p>")
        if res["refused"]:
            parts.append(f"<p style='color:#c0392b'>未结对 {len(res['refused'])} 人：</p><ul>")
            parts += [f"<li>{html.escape(n)}：{html.escape(why)}</li>" for _, n, why in res["refused"]]
            parts.append("</ul>")
        self.result.setHtml("".join(parts))
        if res["added"]:
            self.state.changes.emit("mentoring")
        return res


class PairDialog(FormDialog):
    """Edit a pair: kind, role, start and end (the people stay; delete and add to change them)."""

    def __init__(self, state: AppState, pair: dict, parent=None):
        super().__init__(parent)
        self.state = state
        self.pair = pair
        self.setWindowTitle("编辑结对")
        self.kind = QComboBox()
        self.kind.addItems(KINDS)
        self.kind.setCurrentText(pair["kind"])
        self.role = ChoiceCombo(ROLES)
        self.role.setValue(pair["role"])
        self.start = DayEdit()
        self.start.setValue(pair["start"])
        self.end = DayEdit()
        self.end.setValue(pair["end"])
        self.end.setPlaceholderText("空白表示帮带中")
        self.errors = {k: error_label() for k in ("mentor_id", "mentee_id")}
        self.form.addRow("帮带人", QLabel(pair["mentor"]))
        self.form.addRow("", self.errors["mentor_id"])
        self.form.addRow("被帮带人", QLabel(pair["mentee"]))
        self.form.addRow("", self.errors["mentee_id"])
        self.add_fields((("kind", "结对类型", self.kind), ("role", "导师类别", self.role), ("start", "开始日期", self.start),
                         ("end", "结束日期", self.end)))
        with state.session() as s:  # the rules of a pair, asked about one with nothing filled in
            self.mark_required(lambda d: mentoring.check_pair(s, d))
        self.layout_form()
        self.save_button.setDefault(True)
        self.setMinimumWidth(460)
        shortcut(self, "Ctrl+S", self.try_accept)

    def try_accept(self) -> bool:
        self.clear_errors()
        try:
            start, end = self.start.value(), self.end.value()
        except ValueError as e:
            set_error(self.message, str(e))
            return False
        try:
            with self.state.session() as s:
                mentoring.save_pair(s, actor=self.state.actor, pair_id=self.pair["id"], version=self.pair["version"],
                                    data={
                    "mentor_id": self.pair["mentor_id"], "mentee_id": self.pair["mentee_id"],
                    "kind": self.kind.currentText(),
                    "role": self.role.value(), "start": start, "end": end})
        except DomainError as e:
            show_grouped_errors(e, self.errors, self.message)
            return False
        self.accept()
        return True


class ReminderSettingsDialog(QDialog):
    """管理员: how often a pair must hold a 谈心谈话 and a 定期汇报."""

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        from PySide6.QtWidgets import QSpinBox

        from ..core.services import settings

        self.state = state
        self.setWindowTitle("结对帮带提醒设置")
        with state.session() as s:
            days, period = settings.get(s, "mentoring_talk_days"), settings.get(s, "mentoring_report_period")
        self.days = QSpinBox()
        self.days.setRange(7, 366)
        self.days.setSuffix(" 天")
        self.days.setValue(int(days))
        self.period = QComboBox()
        for code, text in settings.REPORT_PERIODS.items():
            self.period.addItem(text, code)
        self.period.setCurrentIndex(max(self.period.findData(period), 0))
        self.message = error_label()
        form = QFormLayout()
        form.addRow("谈心谈话间隔", self.days)
        form.addRow("定期汇报周期", self.period)
        hint = QLabel("结对后的第一个间隔内不提醒谈心谈话；结对所在的周期内不提醒定期汇报。")
        hint.setStyleSheet("color: #666;")
        hint.setWordWrap(True)
        buttons = button_box(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(360)

    def try_accept(self) -> bool:
        from ..core.services import settings

        try:
            with self.state.session() as s:
                settings.put(s, actor=self.state.actor, key="mentoring_talk_days", value=self.days.value())
                settings.put(s, actor=self.state.actor, key="mentoring_report_period", value=self.period.currentData())
        except DomainError as e:
            set_error(self.message, e.message)
            return False
        self.accept()
        return True
