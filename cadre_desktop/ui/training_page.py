"""教育培训: training classes, and the selected class's attendance (参训人员)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QSplitter, QToolBar, QVBoxLayout, QWidget,
)

from ..core.services import development as dev
from ..core.values import DomainError
from .cadre_picker import CadrePickerDialog
from .common import confirm, shortcut
from .jobs import Loads, _default_failure, run_job
from .models import LazyTableModel
from .list_kit import name_lists
from .page_kit import (
    EXTENDED, FormDialog, PagedList, RefreshWhenShown, TableSelection, filter_row, make_table, make_toolbar,
    open_dialog, record_verbs, restore_header, save_header, search_line,
)
from .state import AppState
from .widgets import ChoiceCombo, DayEdit, day_text

CLASS_COLUMNS = (("name", "培训班名称"), ("organizer", "主办单位"), ("mode", "形式"), ("start", "开始"), ("end", "结束"),
                 ("hours", "学时"), ("plan", "培训计划"), ("attendance", "参训人数"))
ATTENDANCE_COLUMNS = (("name", "姓名"), ("unit", "单位"), ("post", "职务"), ("hours", "学时"), ("completed", "是否结业"),
                      ("year_hours", "本年度累计学时"))
ALL = "全部"
ORGANIZERS = ("县委组织部", "县委党校", "县委党校（行政学院）")


def hours_text(v: Decimal | None) -> str:
    if v is None:
        return ""
    return str(int(v)) if v == v.to_integral_value() else str(v.normalize())


class _Model(LazyTableModel):
    def display(self, key: str, r: dict):
        v = r.get(key)
        if key in ("start", "end"):
            return day_text(v)
        if key == "hours":
            return hours_text(v)
        if key == "completed":
            return "是" if v else "否"
        if key == "year_hours":
            return dev.short_text(v, r.get("required") or 0) if v is not None else ""
        return super().display(key, r)

    def decorate(self, key: str, r: dict, role: int):
        if key in ("mode", "start", "end", "hours", "attendance", "completed") and \
                role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if key == "completed" and not r.get("completed") and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#c0392b"))
        if key == "year_hours" and r.get("year_hours") is not None and r.get("required") \
                and r["year_hours"] < r["required"]:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#c0392b"))
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{r['year']}年已结业学时 {hours_text(r['year_hours'])}，每年应完成 {r['required']} 学时"
        return None


class TrainingPage(RefreshWhenShown, TableSelection, QWidget):
    """The classes (key "list") and the selected class's attendance (key "details") are read off
    the GUI thread; changes to many attendance records run as a job."""

    SHOWS = frozenset({"training_class", "attendance", "cadre", "unit"})
    open_cadre = Signal(int)
    import_requested = Signal()
    export_requested = Signal()

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        can_edit = state.actor.can("edit")
        self._classes: dict[int, dict] = {}
        self._on_list: list[int] = []  # the cadres on the selected class's list
        self.dialog: ClassDialog | None = None
        self.picker: CadrePickerDialog | None = None
        self.job = None
        self.last_message = ""
        self.loads = Loads(self)
        self._stale = True
        self._keep: int | None = None  # the class to select once the list is in
        self._reveal = False  # clear the filters if that class is not in the list

        self.toolbar = make_toolbar(self, can_edit, record_verbs(
            self, self.new_class, self.edit_selected, self.delete_selected))

        self.search = search_line("搜索：培训班名称、主办单位、培训计划")
        self.plan = QComboBox()
        self.year = QComboBox()
        self.count = QLabel()
        filters = filter_row(self.search, (("培训计划", self.plan), ("年度", self.year)), count=self.count)

        self.model = _Model(CLASS_COLUMNS, lambda ids: [self._classes[i] for i in ids if i in self._classes], None, self)
        self.table = make_table(self.model, row_numbers=False, widths=(300, 130, 70, 86, 86, 50, 120, 66))
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self._filling = False  # the list is being replaced: one attendance read after it, not one per row change
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._filling or self.refresh_attendance())
        self._attendance_of: int | None = None

        # the selected class's attendance
        self.class_title = QLabel()
        self.class_title.setStyleSheet("font-weight: bold;")
        self.att_toolbar = QToolBar()
        self.act_add = self.att_toolbar.addAction("添加参训人员…", self.add_people)
        self.act_remove = self.att_toolbar.addAction("移除", self.remove_selected)
        self.act_done = self.att_toolbar.addAction("结业 / 未结业", self.toggle_completed)
        self.act_hours = self.att_toolbar.addAction("修改学时…", self.ask_hours)
        self.att_toolbar.setVisible(can_edit)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.att_model = _Model(ATTENDANCE_COLUMNS, lambda _ids: [], None, self)
        self.att_paged = PagedList(state, self.att_model, self.loads, key="details")
        self.att_table = make_table(self.att_model, mode=EXTENDED, row_numbers=False, widths=(80, 120, 200, 50, 66, 110))
        self.att_table.doubleClicked.connect(self._open_attendee)
        name_lists(self, (self.table, "培训班"), (self.att_table, "参训人员"))
        self.att_count = QLabel()
        head = QHBoxLayout()
        head.addWidget(self.class_title, 1)
        head.addWidget(self.att_count)
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addLayout(head)
        ll.addWidget(self.att_toolbar)
        ll.addWidget(self.message)
        ll.addWidget(self.att_table, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)

        self.search.searched.connect(lambda _t: self.refresh())
        self.plan.currentIndexChanged.connect(lambda _i: self.refresh())
        self.year.currentIndexChanged.connect(lambda _i: self.refresh())
        shortcut(self, "Ctrl+F", lambda: (self.search.setFocus(), self.search.selectAll()))
        shortcut(self.table, Qt.Key.Key_Return, self.edit_selected)
        shortcut(self.table, Qt.Key.Key_Delete, self.delete_selected)
        shortcut(self.att_table, Qt.Key.Key_Delete, self.remove_selected)

        self.reload_choices()
        self.restore_settings()
        state.changes.changed.connect(self._changed)
        self.refresh_attendance()

    # -- data -------------------------------------------------------------------------------------
    def reload_choices(self) -> None:
        """The plans and years of the classes (a county's few dozen classes: read here, at once)."""
        with self.state.session(read_only=True) as s:
            self.set_choices(dev.class_plans(s), dev.class_years(s))

    def set_choices(self, plans: list[str], years: list[int]) -> None:
        for combo, values in ((self.plan, plans), (self.year, [str(y) for y in years])):
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([ALL, *values])
            combo.setCurrentIndex(max(combo.findText(current), 0))
            combo.blockSignals(False)

    def _filters(self) -> tuple[str | None, int | None, str]:
        plan = None if self.plan.currentText() in (ALL, "") else self.plan.currentText()
        year = None if self.year.currentText() in (ALL, "") else int(self.year.currentText())
        return plan, year, self.search.text()

    def refresh(self, *, wait: bool = False) -> None:
        """Read the plans, years and the classes the filters select; then the selected class's
        attendance."""
        self._stale = False
        plan, year, text = filters = self._filters()

        def fetch() -> dict:
            with self.state.session(read_only=True) as s:
                return {"plans": dev.class_plans(s), "years": dev.class_years(s),
                        "rows": dev.list_classes(s, plan=plan, year=year, text=text)}

        self.loads.run("list", fetch, lambda got: self._apply_list(got, filters, wait), wait=wait)

    def _apply_list(self, got: dict, filters: tuple, wait: bool) -> None:
        self.set_choices(got["plans"], got["years"])
        if self._filters()[:2] != filters[:2]:  # a chosen plan or year is gone: ask again under 全部
            self.refresh(wait=wait)
            return
        rows = got["rows"]
        keep = self._keep if self._keep is not None else self.selected_id()
        if self._reveal and keep is not None and keep not in {r["id"] for r in rows} and any(
                (filters[0], filters[1], filters[2].strip())):
            # a class just saved that the filters hide: show every class, with it selected
            for w in (self.search, self.plan, self.year):
                w.blockSignals(True)
            self.search.clear()
            self.plan.setCurrentIndex(0)
            self.year.setCurrentIndex(0)
            for w in (self.search, self.plan, self.year):
                w.blockSignals(False)
            self.refresh(wait=wait)
            return
        self._keep, self._reveal = None, False
        self._classes = {r["id"]: r for r in rows}
        self._filling = True
        self.model.set_ids([r["id"] for r in rows])
        self.count.setText(f"共 {len(rows)} 期，参训 {sum(r['attendance'] for r in rows)} 人次")
        if keep is not None and self.model.row_of(keep) >= 0:
            self.select_id(keep)
        elif rows:
            self.select_id(rows[0]["id"])
        self._filling = False
        self.refresh_attendance(wait=wait)

    def refresh_attendance(self, *, wait: bool = False) -> None:
        cid = self.selected_id()
        if cid is None:
            self.loads.cancel("details")  # an answer on its way is for another class
            self._attendance_of = None
            self._on_list = []
            self.att_model.set_ids([])
            self.class_title.setText("选择一个培训班查看参训人员")
            self.att_count.setText("")
            self.act_add.setEnabled(False)
            return
        name = self._classes[cid]["name"]
        self.class_title.setText(f"参训人员：{name}")
        self.act_add.setEnabled(False)  # until the list is in: the picker leaves out those on it

        def apply(summary: dict) -> None:
            self._attendance_of = cid
            self._on_list = summary["cadre_ids"]
            self.att_table.setProperty("listTitle", f"参训人员（{name}）")
            self.att_count.setText(f"{summary['count']} 人，结业 {summary['completed']} 人")
            self.act_add.setEnabled(True)

        self.att_paged.load(lambda s: dev.attendance_ids(s, cid), dev.attendance_rows, apply,
                            extra=lambda s, _ids: dev.attendance_summary(s, cid), wait=wait)

    def selected_attendance(self) -> list[int]:
        rows = sorted({i.row() for i in self.att_table.selectionModel().selectedRows()})
        return [self.att_model.id_at(r) for r in rows if self.att_model.id_at(r) is not None]

    def _say(self, text: str, error: bool = False) -> None:
        self.last_message = text
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.message.setStyleSheet("color: #c0392b;" if error else "color: #2e7d32;")

    # -- classes ----------------------------------------------------------------------------------
    def new_class(self) -> None:
        if self.state.actor.can("edit"):
            self._open_dialog(ClassDialog(self.state, None, self))

    def edit_selected(self) -> None:
        cid = self.selected_id()
        if cid is not None and self.state.actor.can("edit"):
            self._open_dialog(ClassDialog(self.state, self._classes[cid], self))

    def _open_dialog(self, dialog: ClassDialog) -> None:
        open_dialog(self, dialog, lambda d: self._saved(d.saved_id))

    def _saved(self, class_id: int | None) -> None:
        # selected once the list is read again; the filters are cleared if they hide it
        self._keep, self._reveal = class_id, class_id is not None
        self.state.changes.emit("training_class")

    def delete_selected(self) -> None:
        cid = self.selected_id()
        if cid is None or not self.state.actor.can("edit"):
            return
        with self.state.session(read_only=True) as s:
            goes = dev.class_delete_summary(s, cid)  # one class's count, by its index
        text = f"删除培训班“{self._classes[cid]['name']}”？"
        if goes:
            text += f"\n\n将一并删除：{goes}。"
        if not confirm(self, text, "删除培训班", "删除"):
            return
        # with its attendance (thousands of records in a big county): a job
        self._run("删除培训班", lambda s, actor: dev.delete_class(s, actor=actor, class_id=cid),
                  lambda _r: None, "training_class", "attendance")

    # -- attendance -------------------------------------------------------------------------------
    def add_people(self) -> None:
        cid = self.selected_id()
        if cid is None or self._attendance_of != cid or not self.state.actor.can("edit"):
            return  # (its list not read yet: the picker must leave out those on it)
        present = self._on_list
        picker = CadrePickerDialog(self.state, f"添加参训人员：{self._classes[cid]['name']}", self, exclude_ids=present)
        self.picker = picker
        picker.accepted.connect(lambda: self.add_chosen(cid, picker))
        picker.open()

    def _run(self, title: str, work, done, *changed: str) -> None:
        """A change to many records, as a job: `work(session, actor)` on the worker, then what
        changed is announced and `done(result)` runs here; a refusal is said on the page."""
        actor = self.state.actor

        def fn(_progress, _cancelled):
            with self.state.session() as s:
                return work(s, actor)

        def failed(error: BaseException) -> None:
            if isinstance(error, DomainError):
                self._say(error.message, error=True)
            else:
                _default_failure(self)(error)

        def succeeded(result) -> None:
            self.state.changes.emit(*(changed or ("attendance",)))
            done(result)

        self.job = run_job(self, title, fn, on_success=succeeded, on_failure=failed, cancellable=False)

    def add_chosen(self, class_id: int, picker: CadrePickerDialog) -> None:
        ids = list(picker.chosen_ids())
        already, unknown = picker.already_count, len(picker.unknown_lines)

        def done(result) -> None:
            added, present = result
            self._say(f"已添加 {added} 人；已在名单中 {present + already} 人；未找到 {unknown} 行", error=bool(unknown))

        self._run("添加参训人员", lambda s, actor: dev.add_attendances(s, actor=actor, class_id=class_id,
                                                                     cadre_ids=ids), done)

    def remove_selected(self) -> None:
        ids = self.selected_attendance()
        if not ids or not self.state.actor.can("edit"):
            return
        names = "、".join(self._attendee(i)["name"] for i in ids[:5]) + (" 等" if len(ids) > 5 else "")
        if not confirm(self, f"从名单中移除 {names}（{len(ids)} 人）？", "移除参训人员", "移除"):
            return
        self.remove(ids)

    def remove(self, ids: list[int]) -> None:
        self._run("移除参训人员", lambda s, actor: dev.remove_attendances(s, actor=actor, attendance_ids=ids),
                  lambda n: self._say(f"已移除 {n} 人"))

    def toggle_completed(self) -> None:
        ids = self.selected_attendance()
        if not ids or not self.state.actor.can("edit"):
            return
        self._update(ids, toggle=True)  # all done → mark not done; otherwise mark all done

    def ask_hours(self) -> None:
        ids = self.selected_attendance()
        if not ids:
            return
        text, ok = QInputDialog.getText(self, "修改学时", f"所选 {len(ids)} 人的学时：",
                                        text=hours_text(self._attendee(ids[0])["hours"]))
        if ok:
            self.set_hours(ids, text.strip() or None)

    def set_hours(self, ids: list[int], hours) -> None:
        self._update(ids, hours=hours)

    def _attendee(self, attendance_id: int) -> dict:
        return self.att_model.row(self.att_model.row_of(attendance_id)) or {"id": attendance_id}

    def _update(self, ids: list[int], *, toggle: bool = False, **change) -> None:
        """Change the attendance `ids` on the worker. Each is saved against the version the list
        shows (a record another clerk changed since is refused); a row never read into the list
        (a big selection) is read with the change. `toggle`: completed, unless all are."""
        shown = {i: r for i in ids if (r := self.att_model.held(i)) is not None}

        def work(s, actor) -> int:
            rows = dict(shown)
            rest = [i for i in ids if i not in rows]
            for k in range(0, len(rest), 500):
                rows.update((r["id"], r) for r in dev.attendance_rows(s, rest[k:k + 500]))
            if toggle:
                change["completed"] = not all(rows[i]["completed"] for i in ids if i in rows)
            for i in ids:
                if i in rows:
                    dev.update_attendance(s, actor=actor, attendance_id=i, version=rows[i]["version"], **change)
            return sum(1 for i in ids if i in rows)

        self._run("修改参训记录", work, lambda n: self._say(f"已修改 {n} 人"))

    def _open_attendee(self, index) -> None:
        r = self.att_model.row(index.row())
        if r is not None and "cadre_id" in r:
            self.open_cadre.emit(r["cadre_id"])

    # -- remembering ------------------------------------------------------------------------------
    def save_settings(self) -> None:
        st = self.state.settings
        save_header(st, "training/header", self.table)
        save_header(st, "training/att_header", self.att_table)
        st.setValue("training/splitter", self.splitter.saveState())
        st.setValue("training/filters", {"plan": self.plan.currentText(), "year": self.year.currentText()})

    def restore_settings(self) -> None:
        st = self.state.settings
        restore_header(st, "training/header", self.table)
        restore_header(st, "training/att_header", self.att_table)
        v = st.value("training/splitter")
        if v is not None:
            self.splitter.restoreState(v)
        f = st.value("training/filters") or {}
        for combo, key in ((self.plan, "plan"), (self.year, "year")):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findText(str(f.get(key, ALL))), 0))
            combo.blockSignals(False)


class ClassDialog(FormDialog):
    """Add or edit a training class; the service's messages appear under the fields."""

    FIELDS = ("name", "organizer", "mode", "start", "end", "hours", "plan")

    def __init__(self, state: AppState, tc: dict | None, parent=None):
        super().__init__(parent)
        self.state = state
        self.tc = tc
        self.saved_id: int | None = None
        self.setWindowTitle("编辑培训班" if tc else "新增培训班")
        with state.session() as s:
            plans = dev.class_plans(s)
        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.organizer = ChoiceCombo(ORGANIZERS, editable=True)
        self.mode = ChoiceCombo(dev.TRAINING_MODES)
        self.start = DayEdit()
        self.end = DayEdit()
        self.hours = QLineEdit()
        self.hours.setPlaceholderText("如 40 或 12.5")
        self.plan = ChoiceCombo(plans or ("6124培训计划",), editable=True)
        self.widgets = {"name": self.name, "organizer": self.organizer, "mode": self.mode, "start": self.start,
                        "end": self.end, "hours": self.hours, "plan": self.plan}
        self.add_fields((attr, dev.CLASS_LABELS[attr], self.widgets[attr]) for attr in self.FIELDS)
        self.mark_required(dev.check_class)
        self.layout_form()
        self.setMinimumWidth(460)
        if tc:
            self.set_values(self.values_of(tc))
        self.remember_loaded(tc)
        shortcut(self, "Ctrl+S", self.try_accept)
        self.name.setFocus()

    def values_of(self, record: dict) -> dict:
        return {**super().values_of(record), "hours": hours_text(record["hours"]) or ""}

    def fetch(self, session) -> dict | None:
        return dev.get_class(session, self.tc["id"]) if self.tc else None

    def save_values(self, session, values: dict, version: int | None) -> int:
        return dev.save_class(session, actor=self.state.actor, class_id=self.tc["id"] if self.tc else None,
                              version=version, **values)

    def show_errors(self, e: DomainError) -> None:
        super().show_errors(e)
        first = next((a for a, _ in e.errors if a in self.widgets), None)
        if first:
            self.widgets[first].setFocus()

    def try_accept(self) -> bool:
        return self.save_form(self.state)
