"""选拔任用: appointments grouped by batch, each batch's young share against one sixth, and the
dialogs that build a batch or add one appointment."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
    QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from ..core.services import cadres, careers, units
from ..core.values import DomainError
from .common import confirm, error_label, set_error, shortcut, fit_to_screen
from .jobs import Loads, _default_failure, run_job
from .page_kit import (
    FormDialog, PagedList, RefreshWhenShown, RowsModel, TableSelection, button_box, confirm_and_delete, elided_tips, filter_row, make_table,
    make_toolbar, open_dialog,
    pick_cadres, record_verbs, restore_header, save_header, search_line,
)
from .state import AppState
from .widgets import ChoiceCombo, DayEdit, day_text

ALL = "全部"
NAMES_SHOWN = 30  # young cadres named above a batch's table (a big county's batch has thousands)
APPLY_QUESTION = "是否同时更新该干部的现任单位、职务、班子职务并添加简历？"
COLUMNS = (("name", "姓名"), ("date", "任职日期"), ("kind", "任用类型"), ("age", "时年"), ("old_post", "原职务"),
           ("new_post", "新职务"), ("new_rank", "新职级"), ("new_unit", "新单位"), ("new_team_role", "新班子职务"), ("frontline", "一线"),
           ("doc_number", "任免文号"))


class AppointmentsModel(RowsModel):
    """Appointments: 一线 by its field, 时年 with the young mark."""

    def display(self, key, r):
        v = r.get(key)
        if key == "frontline":
            return (r.get("frontline_field") or "是") if v else ""
        if key == "age" and v is not None:
            return f"{v}岁" + ("（年轻）" if r.get("young") else "")
        if key == "new_post" and not v and r.get("kind") == "职级晋升":
            return "（职务不变）"
        return super().display(key, r)


class AppointmentsPage(RefreshWhenShown, TableSelection, QWidget):
    """The batches with their young share (key "list") and the appointments the batch and the
    filters select (key "table") are read off the GUI thread."""

    SHOWS = frozenset({"appointment", "cadre", "unit"})
    open_cadre = Signal(int)
    import_requested = Signal()
    export_requested = Signal()

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        can_edit = state.actor.can("edit")
        self.loads = Loads(self)
        self._stale = True
        self.toolbar = make_toolbar(self, can_edit, [
            ("act_batch", "新增批次", self.new_batch, True),
            *record_verbs(self, self.new_appointment, self.edit_selected, self.delete_selected, new_text="新增任用",
                          middle=[("act_open", "打开档案", self._open_cadre, False)])])

        self.search = search_line("搜索：姓名、身份证号、职务、文号")
        self.kind = QComboBox()
        self.kind.addItems([ALL, *careers.KINDS])
        self.year = QComboBox()
        self.frontline = QCheckBox("一线干部")
        self.count = QLabel()
        filters = filter_row(self.search, (("任用类型", self.kind), ("年度", self.year)), [self.frontline], self.count)

        self.batches = QListWidget()
        self.batches.setMinimumWidth(230)
        self.model = AppointmentsModel(COLUMNS, self)
        self.paged = PagedList(state, self.model, self.loads, key="table")
        self.table = make_table(self.model, widths=(64, 84, 70, 80, 150, 170, 100, 90, 120, 60))
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        middle = QWidget()
        ml = QVBoxLayout(middle)
        ml.setContentsMargins(0, 0, 0, 0)
        ml.addWidget(self.summary)
        ml.addWidget(self.table, 1)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.batches)
        self.splitter.addWidget(middle)
        self.splitter.setStretchFactor(1, 1)

        lay = QVBoxLayout(self)
        lay.addWidget(self.toolbar)
        lay.addLayout(filters)
        lay.addWidget(self.splitter, 1)

        self.batches.currentRowChanged.connect(lambda _r: self.refresh_table())
        self.search.searched.connect(lambda _t: self.refresh_table())
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh_table())
        self.year.currentIndexChanged.connect(lambda _i: self.refresh_table())
        self.frontline.toggled.connect(lambda _c: self.refresh_table())
        shortcut(self, "Ctrl+F", self.search.setFocus)
        shortcut(self.table, Qt.Key.Key_Delete, self.delete_selected)
        self.dialog = None
        self.restore_settings()
        state.changes.changed.connect(self._changed)

    # -- data ---------------------------------------------------------------------------------
    def refresh(self, *, wait: bool = False) -> None:
        """Read the batches and the years, then the table."""
        self._stale = False

        def fetch() -> tuple[list[dict], list[int]]:
            with self.state.session(read_only=True) as s:
                return careers.list_batches(s), careers.appointment_years(s)

        self.loads.run("list", fetch, lambda got: self._apply_batches(*got, wait=wait), wait=wait)

    def _apply_batches(self, batches: list[dict], years: list[int], *, wait: bool) -> None:
        keep = self.current_batch()
        y = self.year.currentText()
        self.year.blockSignals(True)
        self.year.clear()
        self.year.addItems([ALL, *map(str, years)])
        self.year.setCurrentIndex(max(self.year.findText(y), 0))
        self.year.blockSignals(False)
        self.batches.blockSignals(True)
        self.batches.clear()
        for text, data in (("全部任用", ("*",)), ("未分批次", ("-",))):
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, data)
            self.batches.addItem(item)
        for b in batches:
            if b["total"]:
                mark = "✓" if b["complies"] else "✗"
                text = f"{mark} {b['batch']}\n　年轻 {b['young']}/{b['total']}（{b['share'] * 100:.1f}%）"
            else:
                text = f"　{b['batch']}\n　{b['appointments']} 人，无提拔任用"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, ("batch", b["batch"]))
            if b["total"]:
                item.setForeground(Qt.GlobalColor.darkGreen if b["complies"] else Qt.GlobalColor.red)
            item.setToolTip(b["text"])
            self.batches.addItem(item)
        row = 0
        for i in range(self.batches.count()):
            if self.batches.item(i).data(Qt.ItemDataRole.UserRole) == keep:
                row = i
        self.batches.setCurrentRow(row)
        self.batches.blockSignals(False)
        self.refresh_table(wait=wait)

    def current_batch(self):
        item = self.batches.currentItem()
        return tuple(item.data(Qt.ItemDataRole.UserRole)) if item else ("*",)

    def refresh_table(self, *, wait: bool = False) -> None:
        sel = self.current_batch()
        args = {"kind": None if self.kind.currentText() == ALL else self.kind.currentText(),
                "year": int(self.year.currentText()) if self.year.currentText() not in ("", ALL) else None,
                "frontline": True if self.frontline.isChecked() else None, "text": self.search.text()}

        if sel[0] == "batch":
            args["batch"] = sel[1]
        else:
            args["no_batch"] = sel[0] == "-"

        def summary(s, _ids) -> str:
            if sel[0] == "batch":
                b = careers.batch_summary(s, sel[1])
                young = b["young_names"]
                names = "、".join(young[:NAMES_SHOWN]) + (f" 等 {len(young)} 人" if len(young) > NAMES_SHOWN else "") \
                    or "无"
                return f"<b>{sel[1]}</b>　{b['text']}　年轻干部：{names}"
            return "全部任用记录" if sel[0] == "*" else "未填写批次的任用记录"

        def apply(text: str) -> None:
            self.summary.setText(text)
            self.count.setText(f"共 {self.model.rowCount()} 条")

        self.paged.load(lambda s: careers.appointment_ids(s, **args), careers.appointment_rows, apply,
                        extra=summary, wait=wait)

    # -- actions -------------------------------------------------------------------------------
    def _open_cadre(self):
        r = self.selected_row()
        if r:
            self.open_cadre.emit(r["cadre_id"])

    def new_batch(self) -> None:
        open_dialog(self, BatchDialog(self.state, self), lambda _d: None)  # the save announces itself

    def new_appointment(self, cadre_id: int | None = None) -> None:
        sel = self.current_batch()
        open_dialog(self, AppointmentDialog(self.state, None, self, batch=sel[1] if sel[0] == "batch" else None), lambda _d: self.state.changes.emit("appointment", "cadre"))

    def edit_selected(self) -> None:
        r = self.selected_row()
        if r is None or not self.state.actor.can("edit"):
            return
        open_dialog(self, AppointmentDialog(self.state, r, self), lambda _d: self.state.changes.emit("appointment", "cadre"))

    def delete_selected(self) -> None:
        r = self.selected_row()
        if r is None or not self.state.actor.can("edit"):
            return
        confirm_and_delete(self, f"删除{r['name']} {day_text(r['date'])} 的{r['kind']}记录？\n\n干部档案不受影响。",
                           "删除任用记录", lambda s: careers.delete_appointment(s, actor=self.state.actor, appointment_id=r["id"]),
                           "appointment")

    # -- remembering ---------------------------------------------------------------------------
    def save_settings(self) -> None:
        st = self.state.settings
        save_header(st, "appointments/header", self.table)
        st.setValue("appointments/splitter", self.splitter.saveState())
        st.setValue("appointments/filters", {"kind": self.kind.currentText(), "frontline": self.frontline.isChecked()})

    def restore_settings(self) -> None:
        st = self.state.settings
        restore_header(st, "appointments/header", self.table)
        if (sp := st.value("appointments/splitter")) is not None:
            self.splitter.restoreState(sp)
        f = st.value("appointments/filters") or {}
        self.kind.setCurrentIndex(max(self.kind.findText(str(f.get("kind", ALL))), 0))
        self.frontline.setChecked(str(f.get("frontline", False)).lower() == "true")


def _unit_choices(state) -> list[tuple[str, int]]:
    """Names only (list_units would count every unit's cadres), in a read-only session."""
    with state.session(read_only=True) as s:
        return [(u["name"], u["id"]) for u in units.unit_choices(s)]


class AppointmentDialog(FormDialog):
    """Add or edit one appointment; saving into a leadership seat offers to update the cadre's file."""

    def __init__(self, state: AppState, row: dict | None, parent=None, *, batch: str | None = None):
        super().__init__(parent)
        self.state, self.row = state, row
        self.saved_id: int | None = None
        self.cadre_id = row["cadre_id"] if row else None
        self.setWindowTitle("编辑任用" if row else "新增任用")
        self.cadre_button = QPushButton(row["name"] if row else "选择干部…")
        self.cadre_button.clicked.connect(self._pick)
        self.cadre_button.setEnabled(row is None)
        self.date = DayEdit()
        self.kind = ChoiceCombo(careers.KINDS)
        self.old_post, self.new_post = QLineEdit(), QLineEdit()
        self.new_unit = ChoiceCombo(_unit_choices(state))
        self.new_rank, self.new_team_role = QLineEdit(), QLineEdit()
        self.frontline = QCheckBox("是一线干部")
        self.frontline_field = ChoiceCombo(careers.FRONTLINE_FIELDS)
        self.batch = QLineEdit(batch or "")
        self.doc_number = QLineEdit()
        fields = (("cadre_id", "干部", self.cadre_button), ("date", "任职日期", self.date), ("kind", "任用类型", self.kind),
                  ("old_post", "原职务", self.old_post), ("new_post", "新职务", self.new_post),
                  ("new_unit_id", "新单位", self.new_unit), ("new_rank", "新职级", self.new_rank),
                  ("new_team_role", "新班子职务", self.new_team_role), ("frontline", "是否一线干部", self.frontline),
                  ("frontline_field", "一线领域", self.frontline_field), ("batch", "批次", self.batch),
                  ("doc_number", "任免文号", self.doc_number))
        self.add_fields(fields)
        self.mark_required(careers.validate)
        self.new_team_role.setPlaceholderText("进入领导班子时填写，如 党委委员、副镇长")
        self.layout_form()
        shortcut(self, "Ctrl+S", self.try_accept)
        self.setMinimumWidth(440)
        if row:
            self.set_values(self.values_of(row))
        else:
            self.kind.setValue("提拔任用")
        self.remember_loaded(row)

    def values_of(self, record: dict) -> dict:
        return {**super().values_of(record), "cadre_id": record.get("cadre_id")}

    def form_values(self) -> dict:
        return {**super().form_values(), "cadre_id": self.cadre_id}

    def fetch(self, session) -> dict | None:
        return careers.get_appointment(session, self.row["id"]) if self.row else None

    def save_values(self, session, values: dict, version: int | None) -> int:
        return careers.save_appointment(session, actor=self.state.actor, data=values,
                                        appointment_id=self.row["id"] if self.row else None, version=version)

    def _pick(self):
        ids = pick_cadres(self.state, self, "选择干部")
        if ids:
            self.set_cadre(ids[0])

    def set_cadre(self, cadre_id: int) -> None:
        with self.state.session() as s:
            c = cadres.get_cadre(s, cadre_id)
        self.cadre_id = cadre_id
        self.cadre_button.setText(c["name"])
        if not self.old_post.text():
            self.old_post.setText(c.get("post") or "")

    def ask_apply(self, name: str) -> bool:
        return confirm(self, f"{name}：{APPLY_QUESTION}", "更新干部档案", "是")

    def try_accept(self) -> bool:
        self.clear_errors()
        try:
            date = self.date.value()
        except ValueError as e:
            set_error(self.errors["date"], str(e))
            return False
        if self.row is None and self.cadre_id is not None and self.kind.value() == "提拔任用":
            from .tolerance_page import check_effects  # 容错纠错: exclude 红 (decision year), confirm warnings

            allowed = check_effects(self.state, self, [self.cadre_id], "promotion", date)
            if not allowed:
                return False
        try:
            data = self.form_values()
        except ValueError:
            return False
        if not self.save_checked(self.state, data):
            return False
        if data["new_team_role"].strip() and self.ask_apply(self.cadre_button.text()):
            with self.state.session() as s:
                careers.apply_to_cadre(s, actor=self.state.actor, appointment_id=self.saved_id)
        self.accept()
        return True


BATCH_COLUMNS = ("姓名", "任用类型", "任职日期", "新职务", "新单位", "新班子职务", "时年")


class BatchDialog(QDialog):
    """Build a batch: pick cadres, set kind/date/new post/new unit/new team role per row, and watch the
    young share of its 提拔任用 against one sixth before saving."""

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("新增批次")
        self.people: list[dict] = []  # cadre rows, in table order
        self.job = None
        self.name = QLineEdit()
        self.name.setPlaceholderText(f"如 {dt.date.today().year}年第1批干部任用")
        self.date = DayEdit()
        self.date.setValue(dt.date.today())
        self.doc_number = QLineEdit()
        head = QHBoxLayout()
        for lbl, w in (("批次", self.name), ("任职日期", self.date), ("任免文号", self.doc_number)):
            head.addWidget(QLabel(lbl))
            head.addWidget(w, 1)
        self.table = QTableWidget(0, len(BATCH_COLUMNS))
        elided_tips(self.table)
        self.table.setHorizontalHeaderLabels(BATCH_COLUMNS)
        self.table.horizontalHeader().setStretchLastSection(True)
        for col, w in enumerate((70, 96, 96, 190, 110, 150)):
            self.table.setColumnWidth(col, w)
        self.add_button = QPushButton("添加干部…")
        self.remove_button = QPushButton("移除所选")
        self.add_button.clicked.connect(self._pick)
        self.remove_button.clicked.connect(self.remove_selected)
        self.share = QLabel()
        self.share.setStyleSheet("font-size: 11pt;")
        self.names = QLabel()
        self.names.setWordWrap(True)
        self.message = error_label()
        row_buttons = QHBoxLayout()
        row_buttons.addWidget(self.add_button)
        row_buttons.addWidget(self.remove_button)
        row_buttons.addStretch(1)
        buttons = button_box(self, "保存批次")
        lay = QVBoxLayout(self)
        lay.addLayout(head)
        lay.addLayout(row_buttons)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.share)
        lay.addWidget(self.names)
        lay.addWidget(self.message)
        lay.addWidget(buttons)
        self.date.textChanged.connect(lambda _t: self.update_share())
        fit_to_screen(self, 900, 520)
        self._units = _unit_choices(state)
        self.update_share()

    def _pick(self):
        from .tolerance_page import check_effects, effect_annotate  # 容错纠错 tags on a promotion list

        try:
            on = self.date.value()
        except ValueError:
            on = None
        ids = pick_cadres(self.state, self, "添加干部到本批次", exclude_ids=[p["id"] for p in self.people],
                          annotate=effect_annotate("promotion", on))
        if ids:
            self.add_cadres(check_effects(self.state, self, ids, "promotion", on) or [])

    def add_cadres(self, ids) -> None:
        with self.state.session() as s:
            rows = cadres.roster_rows(s, ids)
        for r in rows:
            if any(p["id"] == r["id"] for p in self.people):
                continue
            self.people.append(r)
            i = self.table.rowCount()
            self.table.insertRow(i)
            name = QTableWidgetItem(r["name"])
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(i, 0, name)
            kind = ChoiceCombo(careers.KINDS)
            kind.setValue("提拔任用")
            kind.currentIndexChanged.connect(lambda _i: self.update_share())
            self.table.setCellWidget(i, 1, kind)
            day = DayEdit()
            day.setPlaceholderText("同批次日期")
            day.textChanged.connect(lambda _t: self.update_share())
            self.table.setCellWidget(i, 2, day)
            self.table.setItem(i, 3, QTableWidgetItem(""))
            unit = ChoiceCombo(self._units)
            unit.setValue(r.get("unit") and next((v for t, v in self._units if t == r["unit"]), None))
            self.table.setCellWidget(i, 4, unit)
            self.table.setItem(i, 5, QTableWidgetItem(""))
            self.table.setItem(i, 6, QTableWidgetItem(""))
        self.update_share()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for r in rows:
            self.table.removeRow(r)
            del self.people[r]
        self.update_share()

    def row_date(self, i: int) -> dt.date | None:
        try:
            return self.table.cellWidget(i, 2).value() or self.date.value()
        except ValueError:
            return None

    def items(self) -> list[tuple]:
        return [(p["id"], self.row_date(i), self.table.cellWidget(i, 1).value()) for i, p in enumerate(self.people)]

    def update_share(self) -> None:
        with self.state.session() as s:
            share = careers.young_share(s, [it for it in self.items() if it[1] is not None])
            young = set()
            from ..core.services import settings
            from ..core.values import age_at
            bound = settings.young_age(s)
            for i, p in enumerate(self.people):
                d = self.row_date(i)
                age = age_at(p["birth"], d) if d else None
                self.table.setItem(i, 6, QTableWidgetItem(f"{age}岁" if age is not None else ""))
                if age is not None and age <= bound:
                    young.add(p["name"])
        self.share.setText(share.text())
        colour = "#2e7d32" if share.complies and share.total else ("#c0392b" if share.total else "#666")
        self.share.setStyleSheet(f"font-size: 11pt; color: {colour};")
        self.names.setText("年轻干部（任职时）：" + ("、".join(share.young_names) or "无"))

    def ask_apply(self, names: list[str]) -> bool:
        return confirm(self, f"{'、'.join(names)}：{APPLY_QUESTION}", "更新干部档案", "是")

    def try_accept(self) -> bool:
        """Check, ask whether those entering a team have their records updated too, then save the
        batch's appointments (and those updates) as one job in one session (a batch may be long);
        the job announces the change once and the dialog closes once it is saved. Returns whether
        the save was started."""
        set_error(self.message, None)
        if not self.people:
            set_error(self.message, "请先添加干部")
            return False
        batch = self.name.text().strip()
        if not batch:
            set_error(self.message, "请填写批次名称")
            return False
        rows = []
        for i, p in enumerate(self.people):
            team = (self.table.item(i, 5).text() if self.table.item(i, 5) else "").strip()
            rows.append((p["name"], team, {
                "cadre_id": p["id"], "date": self.row_date(i), "kind": self.table.cellWidget(i, 1).value(),
                "old_post": p.get("post"), "new_post": self.table.item(i, 3).text() if self.table.item(i, 3) else "",
                "new_unit_id": self.table.cellWidget(i, 4).value(), "new_team_role": team, "batch": batch,
                "doc_number": self.doc_number.text()}))
        actor = self.state.actor
        entering = [name for name, team, _data in rows if team]
        apply = bool(entering) and self.ask_apply(entering)

        def save(_progress, _cancelled) -> None:
            with self.state.session() as s:
                for i, (name, team, data) in enumerate(rows):
                    try:
                        aid = careers.save_appointment(s, actor=actor, data=data)
                    except DomainError as e:
                        raise DomainError(f"第 {i + 1} 行（{name}）：{e.message}") from e
                    if team and apply:  # the few who enter a team
                        careers.apply_to_cadre(s, actor=actor, appointment_id=aid)

        def failed(error: BaseException) -> None:
            self.save_button.setEnabled(True)
            if isinstance(error, DomainError):
                set_error(self.message, error.message)
            else:
                _default_failure(self)(error)

        self.save_button.setEnabled(False)
        self.job = run_job(self, "保存批次", save, on_success=lambda _r: self.accept(), on_failure=failed,
                           cancellable=False, announce=(self.state, lambda _r: ("appointment", "cadre")))
        return True

    def reject(self) -> None:
        """Esc, 取消 and the close button do nothing while the batch is being saved: the save closes
        the dialog itself when it is done (as CadreEditor does)."""
        if self.job is not None and not self.job.done:
            return
        super().reject()
