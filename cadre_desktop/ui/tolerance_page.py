"""容错纠错: the cases with their colour marks, the case editor, and (for a 管理员) the table of
what each colour means and does."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox, QDialog, QFormLayout, QGridLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QVBoxLayout,
    QWidget,
)

from ..core.services import settings as core_settings
from ..core.services import tolerance
from ..core.services.mentoring import day_text
from ..core.values import DomainError
from .common import confirm, error_label, refuse, required_text, set_error, shortcut
from .jobs import Loads
from .models import TAG_COLOURS, LazyTableModel
from .page_kit import (
    Printable, RefreshWhenShown, TableSelection, button_box, confirm_and_delete, field_cell, filter_row, make_table, make_toolbar,
    export_verb, open_dialog, print_verbs, restore_header, save_header, search_line, show_grouped_errors,
)
from .state import AppState
from .widgets import ChoiceCombo, DayEdit, TagBadgeDelegate

ALL = "全部"
COLUMNS = (("name", "姓名"), ("unit", "单位"), ("matter", "事项"), ("occurred", "发生日期"), ("circumstance", "情形"),
           ("colour", "认定颜色"), ("decided", "认定日期"), ("correction_status", "整改状态"))


class CasesModel(LazyTableModel):
    def display(self, key: str, r: dict):
        if key in ("occurred", "decided"):
            return day_text(r.get(key))
        if key == "colour":
            return r["colour"] if r.get("colour") else "认定中"
        return super().display(key, r)

    def decorate(self, key: str, r: dict, role: int):
        if key == "colour":
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(TAG_COLOURS.get(r.get("colour"), "#888888")))
            if role == Qt.ItemDataRole.ToolTipRole and r.get("colour"):
                return self.meanings.get(r["colour"], "")
        if key == "matter" and role == Qt.ItemDataRole.ToolTipRole:
            return r.get("matter")
        if key == "correction_status" and r.get("correction_status") == "整改中" \
                and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#b36b00"))
        return None

    meanings: dict = {}


class TolerancePage(RefreshWhenShown, Printable, TableSelection, QWidget):
    """The cases, filtered by colour, correction status and a search; read on the page's query
    thread (Loads) and again when what the page SHOWS changes."""

    SHOWS = frozenset({"tolerance", "cadre", "unit", "setting"})
    PRINT_FORMS = (("tolerance-case", "容错纠错认定表（选中的案例）"),)
    open_cadre = Signal(int)
    import_requested = Signal()
    export_requested = Signal()

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self._rows: dict[int, dict] = {}
        self.dialog: QDialog | None = None
        can_edit = state.actor.can("edit")

        # 编辑 stays for read-only accounts, as 查看
        self.toolbar = make_toolbar(self, can_edit, [
            ("act_new", "新增", self.new_case, True), ("act_edit", "编辑", self.edit_selected, False),
            ("act_delete", "删除", self.delete_selected, True), None,
            ("act_import", "导入", self.import_requested.emit, True),
            export_verb(self), *print_verbs(self),
            ("act_open", "打开档案", self.open_selected_cadre, False), None,
            ("act_settings", "设置", self.edit_colours, False)])
        if not can_edit:
            self.act_edit.setText("查看")
        self.act_settings.setVisible(state.actor.can("admin"))

        self.search = search_line("搜索姓名、身份证号或事项")
        self.colour = QComboBox()
        self.colour.addItems([ALL, *tolerance.COLOURS, "未认定"])
        self.status = QComboBox()
        self.status.addItems([ALL, *tolerance.CORRECTION_STATUSES])
        self.count = QLabel()
        filters = filter_row(self.search, (("认定颜色", self.colour), ("整改状态", self.status)), count=self.count,
                             stretch=True, search_stretch=2)
        self.legend = QLabel()
        self.legend.setWordWrap(True)

        self.model = CasesModel(COLUMNS, lambda ids: [self._rows[i] for i in ids if i in self._rows], parent=self)
        self.table = make_table(self.model, row_numbers=False, widths=(64, 100, 210, 86, 190, 72, 86))
        self.colour_delegate = TagBadgeDelegate(self.table)
        self.table.setItemDelegateForColumn([k for k, _ in COLUMNS].index("colour"), self.colour_delegate)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())

        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(filters)
        layout.addWidget(self.legend)
        layout.addWidget(self.table, 1)

        self.loads = Loads(self)
        self._select_after: int | None = None  # a case just saved: selected once the list has it
        self.search.searched.connect(lambda _t: self.refresh())
        for combo in (self.colour, self.status):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        shortcut(self, "Ctrl+F", lambda: (self.search.setFocus(), self.search.selectAll()))
        shortcut(self.table, Qt.Key.Key_Return, self.edit_selected)
        shortcut(self.table, Qt.Key.Key_Delete, self.delete_selected)
        self.restore_settings()
        state.changes.changed.connect(self._changed)
        self._stale = True  # read when first shown

    def refresh(self, *, wait: bool = False) -> None:
        """Read the cases the filters select (off the GUI thread unless `wait`)."""
        self._stale = False
        colour = None if self.colour.currentText() == ALL else self.colour.currentText()
        status = None if self.status.currentText() == ALL else self.status.currentText()
        search, state = self.search.text(), self.state

        def fetch():
            with state.session(read_only=True) as s:
                return (tolerance.list_cases(s, colour=colour, status=status, search=search),
                        tolerance.colour_table(s), core_settings.get(s, "tag_window_months"))

        self.loads.run("list", fetch, self._apply, wait=wait)

    def _apply(self, answer) -> None:
        rows, table, window = answer
        keep = self._select_after if self._select_after is not None else self.selected_id()
        self._select_after = None
        self.model.meanings = {k: v["meaning"] for k, v in table.items()}
        self.legend.setText("　".join(
            f"<span style='color:{TAG_COLOURS[c]}'>●</span> {c}：{table[c]['meaning']}"
            f"（{core_settings.COLOUR_EFFECTS[table[c]['effect']]}）"
            for c in tolerance.COLOURS) + f"　　认定后 {window} 个月内在干部名单中标记")
        self._rows = {r["id"]: r for r in rows}
        self.model.set_ids([r["id"] for r in rows])
        self.count.setText(f"共 {len(rows)} 件")
        if keep is not None:
            self.select_id(keep)

    def new_case(self) -> None:
        if self.state.actor.can("edit"):
            self._open(CaseDialog(self.state, None, self))

    def edit_selected(self) -> None:
        cid = self.selected_id()
        if cid is not None:
            self._open(CaseDialog(self.state, self._rows[cid], self))

    def _open(self, dialog: QDialog) -> None:
        open_dialog(self, dialog, lambda d: self._saved(getattr(d, "saved_id", None)))

    def _saved(self, case_id: int | None) -> None:
        self._select_after = case_id  # selected when the reloaded list arrives
        self.state.changes.emit("tolerance", "cadre")  # the roster's tag marks follow the cases

    def delete_selected(self) -> None:
        cid = self.selected_id()
        if cid is None or not self.state.actor.can("edit"):
            return
        r = self._rows[cid]
        confirm_and_delete(self, f"删除{r['name']}的容错纠错记录“{r['matter']}”？", "删除容错纠错记录",
                           lambda s: tolerance.delete_case(s, actor=self.state.actor, case_id=cid), "tolerance", "cadre")

    def print_form(self, form: str) -> None:
        from .print_preview import preview_form

        cid = self.selected_id()
        if cid is None:
            refuse(self, "请先在列表中选择要打印认定表的容错纠错案例。", "打印")
            return
        r = self._rows[cid]
        preview_form(self, self.state, form, {"case_id": cid}, file_name=f"容错纠错认定表_{r['name']}")

    def open_selected_cadre(self) -> None:
        cid = self.selected_id()
        if cid is not None:
            self.open_cadre.emit(self._rows[cid]["cadre_id"])

    def edit_colours(self) -> None:
        if self.state.actor.can("admin"):
            self.dialog = ColourSettingsDialog(self.state, self)
            self.dialog.accepted.connect(lambda: self.state.changes.emit("setting", "cadre"))
            self.dialog.open()

    def save_settings(self) -> None:
        st = self.state.settings
        save_header(st, "tolerance/header", self.table)
        st.setValue("tolerance/filters", {"colour": self.colour.currentText(), "status": self.status.currentText()})

    def restore_settings(self) -> None:
        st = self.state.settings
        restore_header(st, "tolerance/header", self.table)
        f = st.value("tolerance/filters") or {}
        for combo, key in ((self.colour, "colour"), (self.status, "status")):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findText(str(f.get(key, ALL))), 0))
            combo.blockSignals(False)


class CaseDialog(QDialog):
    """Add or edit a case. 认定颜色 and 认定日期 go together; the message is beside the fields."""

    def __init__(self, state: AppState, case: dict | None, parent=None):
        super().__init__(parent)
        self.state = state
        self.case = case
        self.saved_id: int | None = None
        self.setWindowTitle("编辑容错纠错" if case else "新增容错纠错")
        # The cadre is chosen in the shared picker (its search runs off the GUI thread), not from a
        # list of every cadre in the county.
        self.cadre_id: int | None = case["cadre_id"] if case else None
        self.cadre = QPushButton(f"{case['name']}（{case.get('unit') or '未定单位'}）" if case else "选择干部…")
        self.cadre.setEnabled(case is None)
        self.cadre.clicked.connect(self.pick_cadre)
        self.matter = QLineEdit()
        self.occurred = DayEdit()
        self.circumstance = ChoiceCombo(tolerance.CIRCUMSTANCES)
        self.colour = ChoiceCombo(tolerance.COLOURS)
        self.decided = DayEdit()
        self.outcome = ChoiceCombo(tolerance.OUTCOMES)
        self.body = QLineEdit()
        self.measures = QPlainTextEdit()
        self.measures.setMaximumHeight(60)
        self.status = ChoiceCombo(tolerance.CORRECTION_STATUSES)
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(50)
        keys = ("cadre_id", "matter", "occurred", "circumstance", "colour", "decided", "outcome", "deciding_body",
                "measures", "correction_status", "notes")
        self.errors = {k: error_label() for k in keys}
        self.message = error_label()
        self.widgets = dict(zip(keys, (self.cadre, self.matter, self.occurred, self.circumstance, self.colour,
                                       self.decided, self.outcome, self.body, self.measures, self.status, self.notes)))
        form = QFormLayout()
        # A red * on what the core's check refuses when blank.
        required = {attr for attr, _ in tolerance.check_case({k: None for k in keys})}
        for key in keys:
            if key in ("colour", "decided"):
                continue
            form.addRow(required_text(tolerance.LABELS[key], key in required),
                        field_cell(self.widgets[key], self.errors[key]))
            if key == "circumstance":
                pair = QGridLayout()
                pair.addWidget(QLabel("认定颜色"), 0, 0)
                pair.addWidget(self.colour, 0, 1)
                pair.addWidget(QLabel("认定日期"), 0, 2)
                pair.addWidget(self.decided, 0, 3)
                pair.addWidget(self.errors["colour"], 1, 0, 1, 4)
                pair.addWidget(self.errors["decided"], 2, 0, 1, 4)
                hint = QLabel("认定颜色与认定日期同时填写；尚在认定中的两项都不填。")
                hint.setStyleSheet("color: #666;")
                pair.addWidget(hint, 3, 0, 1, 4)
                form.addRow("认定", pair)
        buttons = button_box(self)
        self.save_button.setDefault(True)
        self.save_button.setEnabled(state.actor.can("edit"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        if case:
            self.matter.setText(case["matter"])
            self.occurred.setValue(case["occurred"])
            self.circumstance.setValue(case["circumstance"])
            self.colour.setValue(case["colour"])
            self.decided.setValue(case["decided"])
            self.outcome.setValue(case["outcome"])
            self.body.setText(case["deciding_body"] or "")
            self.measures.setPlainText(case["measures"] or "")
            self.status.setValue(case["correction_status"])
            self.notes.setPlainText(case["notes"] or "")
        self.colour.currentIndexChanged.connect(lambda _i: self._check_pair())
        self.decided.editingFinished.connect(self._check_pair)
        shortcut(self, "Ctrl+S", self.try_accept)

    def pick_cadre(self) -> None:
        from .cadre_picker import CadrePickerDialog

        picker = CadrePickerDialog(self.state, "选择干部", self, single=True)
        chosen = picker.chosen_ids() if picker.exec() else []  # read before the picker deletes itself
        if chosen:
            self.set_cadre(chosen[0])

    def set_cadre(self, cadre_id: int) -> None:
        from ..core.services import cadres

        with self.state.session(read_only=True) as s:  # one cadre's row
            rows = cadres.roster_rows(s, [cadre_id])
        if not rows:
            return
        r = rows[0]
        self.cadre_id = cadre_id
        self.cadre.setText(f"{r['name']}（{r['unit'] or '未定单位'}，{(r['id_number'] or '')[-4:]}）")
        set_error(self.errors["cadre_id"], None)

    def _cadre_id(self) -> int | None:
        return self.cadre_id

    def _check_pair(self) -> None:
        """Colour and date together, said beside them as soon as one is given without the other."""
        try:
            decided = self.decided.value()
        except ValueError as e:
            set_error(self.errors["decided"], str(e))
            return
        colour = self.colour.value()
        set_error(self.errors["colour"], "已填认定日期，请同时选择认定颜色" if decided and not colour else None)
        set_error(self.errors["decided"], "已选认定颜色，请同时填写认定日期" if colour and not decided else None)

    def try_accept(self) -> bool:
        for label in (*self.errors.values(), self.message):
            set_error(label, None)
        data = {"cadre_id": self._cadre_id(), "matter": self.matter.text(), "circumstance": self.circumstance.value(),
                "colour": self.colour.value(), "outcome": self.outcome.value(), "deciding_body": self.body.text(),
                "measures": self.measures.toPlainText(), "correction_status": self.status.value(),
                "notes": self.notes.toPlainText()}
        bad = False
        for key, w in (("occurred", self.occurred), ("decided", self.decided)):
            try:
                data[key] = w.value()
            except ValueError as e:
                set_error(self.errors[key], str(e))
                bad = True
        if bad:
            return False
        try:
            with self.state.session() as s:
                self.saved_id = tolerance.save_case(s, actor=self.state.actor, data=data,
                                                    case_id=self.case["id"] if self.case else None,
                                                    version=self.case["version"] if self.case else None)
        except DomainError as e:
            show_grouped_errors(e, self.errors, self.message)
            return False
        self.accept()
        return True


class ColourSettingsDialog(QDialog):
    """管理员: what each colour means and what it does to commendation and promotion lists."""

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("容错纠错颜色设置")
        with state.session() as s:
            table = tolerance.colour_table(s)
            window = core_settings.get(s, "tag_window_months")
        grid = QGridLayout()
        for col, text in enumerate(("颜色", "含义", "对表彰、提拔名单的影响")):
            grid.addWidget(QLabel(f"<b>{text}</b>"), 0, col)
        self.meaning: dict[str, QLineEdit] = {}
        self.effect: dict[str, QComboBox] = {}
        for row, colour in enumerate(tolerance.COLOURS, 1):
            grid.addWidget(QLabel(f"<span style='color:{TAG_COLOURS[colour]}'>●</span> {colour}"), row, 0)
            self.meaning[colour] = QLineEdit(table[colour]["meaning"])
            self.meaning[colour].setMinimumWidth(220)
            combo = QComboBox()
            for code, text in core_settings.COLOUR_EFFECTS.items():
                combo.addItem(text, code)
            combo.setCurrentIndex(combo.findData(table[colour]["effect"]))
            self.effect[colour] = combo
            grid.addWidget(self.meaning[colour], row, 1)
            grid.addWidget(combo, row, 2)
        self.window = QLineEdit(str(window))
        self.window.setMaximumWidth(60)
        form = QFormLayout()
        form.addRow("标记期限（月）", self.window)
        self.message = error_label()
        buttons = button_box(self)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def try_accept(self) -> bool:
        set_error(self.message, None)
        value = {c: {"meaning": self.meaning[c].text().strip(), "effect": self.effect[c].currentData()}
                 for c in tolerance.COLOURS}
        try:
            months = int(self.window.text().strip())
        except ValueError:
            set_error(self.message, "标记期限应为整数（月）")
            return False
        try:
            with self.state.session() as s:
                core_settings.put(s, actor=self.state.actor, key="tolerance_colours", value=value)
                core_settings.put(s, actor=self.state.actor, key="tag_window_months", value=months)
        except DomainError as e:
            set_error(self.message, e.message)
            return False
        self.accept()
        return True


# --- what a tag does to commendation and promotion lists ------------------------------------


def effect_annotate(purpose: str, on=None):
    """For CadrePickerDialog's annotate: {cadre_id: reason} for the cadres excluded (红, decision
    year), in one batched read with the picker's session. Warnings are not marked here: they are
    confirmed after picking (`check_effects`)."""
    import datetime as dt

    day = on or dt.date.today()

    def annotate(session, cadre_ids: list[int]) -> dict[int, str]:
        return {cid: reason for cid, (kind, reason) in tolerance.effects(session, cadre_ids, day, purpose).items()
                if kind == "exclude"}

    return annotate


def check_effects(state: AppState, parent, cadre_ids, purpose: str, on=None, *, ask=None) -> list[int] | None:
    """Before cadres go onto a commendation or promotion list: excluded ones are dropped and the
    clerk is told why; warned ones need an explicit confirmation, which goes to the audit record.
    Returns the ids to add (None: the clerk cancelled)."""
    import datetime as dt

    from .common import inform

    day = on or dt.date.today()
    ids = list(cadre_ids)
    with state.session() as s:
        found = tolerance.effects(s, ids, day, purpose)
    excluded = [text for cid, (kind, text) in found.items() if kind == "exclude"]
    warned = {cid: text for cid, (kind, text) in found.items() if kind == "warn"}
    if excluded:
        inform(parent, "以下干部不能列入：\n\n" + "\n".join(excluded), "容错纠错：不能列入")
    keep = [cid for cid in ids if cid not in found or cid in warned]
    if warned:
        word = tolerance.PURPOSES[purpose]
        text = f"以下干部有容错纠错标记，列入{word}名单前请核实：\n\n" + "\n".join(warned.values()) + \
            "\n\n确认仍要列入吗？（确认将记入操作记录）"
        if not (ask or confirm)(parent, text, "容错纠错提醒", "确认列入"):
            return None
        with state.session() as s:
            for cid in warned:
                tolerance.record_override(s, state.actor, cid, purpose, "经办人已核实并确认列入", on=day)
    return keep
