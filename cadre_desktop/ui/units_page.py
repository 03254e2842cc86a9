"""单位: the units of the county in the department's order, and the dialog that adds or edits one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from ..core.services import units
from ..core.values import TIERS, TOWNSHIP_KINDS, UNIT_KINDS, DomainError
from .common import confirm, error_label, set_error, shortcut
from .jobs import Loads
from .models import LazyTableModel
from .list_kit import list_verbs
from .page_kit import (
    FormDialog, RefreshWhenShown, TableSelection, filter_row, make_table, make_toolbar, open_dialog, restore_header,
    save_header, search_line, set_widths, show_grouped_errors,
)
from .state import AppState
from .widgets import ChoiceCombo

COLUMNS = (("sort_order", "排序"), ("name", "单位名称"), ("kind", "单位类别"), ("tier", "津贴档次"),
           ("cadres", "在职干部数"))
ALL = "全部"
TIER_HINT = "只有乡镇、街道有津贴档次"


class UnitsModel(LazyTableModel):
    def decorate(self, key: str, r: dict, role: int):
        if key in ("sort_order", "cadres") and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


def _sort_value(key: str, r: dict):
    v = r.get(key)
    if key == "tier":
        return TIERS.index(v) if v in TIERS else len(TIERS)
    if key == "kind":
        return UNIT_KINDS.index(v) if v in UNIT_KINDS else len(UNIT_KINDS)
    return v if v is not None else ""


class _Probe(Exception):
    """Raised inside a session to roll back a service call that was only asked whether it would succeed."""


class UnitsPage(RefreshWhenShown, TableSelection, QWidget):
    """The units with their in-service cadres counted (a count over every cadre: read on the page's
    query thread); the search box and 单位类别 filter the few dozen units in hand."""

    SHOWS = frozenset({"unit", "cadre"})

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        can_edit = state.actor.can("edit")
        self.sort_key: str | None = None
        self.descending = False
        self._all: list[dict] = []
        self._by_id: dict[int, dict] = {}
        self.dialog: UnitDialog | None = None
        self.last_message = ""
        self._select_next: int | None = None  # the unit just saved, selected once the list has it
        self.loads = Loads(self)

        self.toolbar = make_toolbar(self, can_edit, (("act_new", "新增", self.new_unit, True),
                                                     ("act_edit", "编辑", self.edit_selected, True),
                                                     ("act_delete", "删除", self.delete_selected, True), None,
                                                     *list_verbs(self)))

        self.search = search_line("搜索单位名称")
        self.kind = QComboBox()
        self.kind.addItems([ALL, *UNIT_KINDS])
        self.count = QLabel()
        filters = filter_row(self.search, (("单位类别", self.kind),), count=self.count, stretch=True)

        # A refusal (e.g. deleting a unit that still has cadres) is said here, above the table.
        self.message = error_label()

        self.model = UnitsModel(COLUMNS, self._fetch, {k: k for k, _ in COLUMNS}, self)
        self.table = make_table(self.model, row_numbers=False)
        header = self.table.horizontalHeader()
        # Enabling sorting sorts by the header's indicator at once; start with none: the department's order.
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.model.on_sort = self._sorted
        header.setSortIndicatorShown(False)
        header.setStretchLastSection(False)
        set_widths(self.table, (60, 260, 100, 90, 100))
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: set_error(self.message, None))

        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(filters)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)

        self.search.searched.connect(lambda _t: self._apply())
        self.kind.currentIndexChanged.connect(lambda _i: self._apply())
        shortcut(self, "Ctrl+F", self.focus_search)
        shortcut(self.table, Qt.Key.Key_Return, self.edit_selected)
        shortcut(self.table, Qt.Key.Key_Enter, self.edit_selected)
        shortcut(self.table, Qt.Key.Key_Delete, self.delete_selected)
        self.search.returnPressed.connect(self._search_enter)

        self.restore_settings()
        state.changes.changed.connect(self._changed)
        self._stale = True  # read when first shown

    # -- data ---------------------------------------------------------------------------------
    def _fetch(self, ids: list[int]) -> list[dict]:
        return [self._by_id[i] for i in ids if i in self._by_id]

    def refresh(self, *, wait: bool = False) -> None:
        self._stale = False

        def fetch() -> list[dict]:
            with self.state.session(read_only=True) as s:
                return units.list_units(s)

        self.loads.run("list", fetch, self._loaded, wait=wait)

    def _loaded(self, rows: list[dict]) -> None:
        self._all = rows
        self._by_id = {u["id"]: u for u in rows}
        unit_id, self._select_next = self._select_next, None
        if unit_id is not None and unit_id in self._by_id and not self._passes(self._by_id[unit_id]):
            # the filters hide the unit just saved: show it anyway
            for w in (self.search, self.kind):
                w.blockSignals(True)
            self.search.clear()
            self.kind.setCurrentIndex(0)
            for w in (self.search, self.kind):
                w.blockSignals(False)
        self._apply()
        if unit_id is not None:
            self.select_id(unit_id)

    def _passes(self, u: dict) -> bool:
        text = self.search.text().strip()
        kind = None if self.kind.currentText() == ALL else self.kind.currentText()
        return (not text or text in u["name"]) and (kind is None or u["kind"] == kind)

    def _apply(self) -> None:
        """Filter and sort the units in hand (a county has a few dozen; there is nothing to page)."""
        keep = self.selected_id()
        rows = [u for u in self._all if self._passes(u)]
        if self.sort_key:
            rows.sort(key=lambda u: _sort_value(self.sort_key, u), reverse=self.descending)
        self.model.set_ids([u["id"] for u in rows])
        total = sum(u["cadres"] for u in rows)
        self.count.setText(f"共 {len(rows)} 个单位，在职干部 {total} 人")
        if keep is not None:
            self.select_id(keep)

    def _sorted(self, key: str, descending: bool) -> None:
        self.sort_key, self.descending = key, descending
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self._apply()

    # -- selection -----------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _search_enter(self) -> None:
        if self.model.rowCount():
            self.table.setFocus()
            if not self.table.currentIndex().isValid():
                self.select_id(self.model.id_at(0))

    def _say(self, text: str | None) -> None:
        self.last_message = text or ""
        set_error(self.message, text)

    # -- actions -------------------------------------------------------------------------------
    def new_unit(self) -> None:
        if not self.state.actor.can("edit"):
            return
        next_order = max((u["sort_order"] for u in self._all), default=0) + 1
        self._open_dialog(UnitDialog(self.state, None, self, sort_order=next_order))

    def edit_selected(self) -> None:
        uid = self.selected_id()
        if uid is None or not self.state.actor.can("edit"):
            return
        self._open_dialog(UnitDialog(self.state, self._by_id[uid], self))

    def _open_dialog(self, dialog: UnitDialog) -> None:
        self._say(None)
        open_dialog(self, dialog, lambda d: self._saved(d.saved_id))

    def _saved(self, unit_id: int | None) -> None:
        self._select_next = unit_id
        self.state.changes.emit("unit")  # refreshes this page too, while it is in view
        if not self.loads.is_pending("list"):
            self.refresh()

    def delete_selected(self) -> None:
        uid = self.selected_id()
        if uid is None or not self.state.actor.can("edit"):
            return
        unit = self._by_id[uid]
        # Ask the service first (in a session that is rolled back): a refused deletion is said
        # at once, in the service's words, without first asking the clerk to confirm it.
        refusal = self._deletion_refusal(uid)
        if refusal:
            self._say(refusal)
            return
        text = f"删除单位“{unit['name']}”？\n\n该单位没有干部档案。删除后可在操作记录中查到，但不能自动恢复。"
        if not confirm(self, text, "删除单位", "删除"):
            return
        try:
            with self.state.session() as s:
                units.delete_unit(s, actor=self.state.actor, unit_id=uid)
        except DomainError as e:
            self._say(e.message)
            return
        self._say(None)
        self.state.changes.emit("unit")

    def _deletion_refusal(self, unit_id: int) -> str | None:
        try:
            with self.state.session() as s:
                units.delete_unit(s, actor=self.state.actor, unit_id=unit_id)
                raise _Probe
        except _Probe:
            return None
        except DomainError as e:
            return e.message

    # -- remembering ---------------------------------------------------------------------------
    def save_settings(self) -> None:
        st = self.state.settings
        save_header(st, "units/header", self.table)
        st.setValue("units/kind", self.kind.currentText())

    def restore_settings(self) -> None:
        st = self.state.settings
        # Widths only: the list always opens in the department's order.
        self.model.on_sort = None
        restore_header(st, "units/header", self.table)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().setSortIndicatorShown(False)
        self.model.on_sort = self._sorted
        i = self.kind.findText(str(st.value("units/kind", ALL)))
        self.kind.blockSignals(True)
        self.kind.setCurrentIndex(max(i, 0))
        self.kind.blockSignals(False)


class UnitDialog(FormDialog):
    """Add or edit one unit. The service validates; its messages appear under the fields."""

    def __init__(self, state: AppState, unit: dict | None, parent=None, *, sort_order: int = 0):
        super().__init__(parent)
        self.state = state
        self.unit = unit
        self.saved_id: int | None = None
        self.setWindowTitle("编辑单位" if unit else "新增单位")

        self.name = QLineEdit()
        self.name.setMaxLength(100)
        self.kind = QComboBox()
        self.kind.addItems(UNIT_KINDS)
        self.tier = ChoiceCombo(TIERS)
        self.sort_order = QSpinBox()
        self.sort_order.setRange(0, 9999)
        self.add_fields((("name", "单位名称", self.name), ("kind", "单位类别", self.kind),
                         ("tier", "津贴档次", self.tier), ("sort_order", "排序", self.sort_order)))
        self.mark_required(lambda d: units.validate_unit(d.get("name") or "", d.get("kind") or "", d.get("tier")))
        hint = QLabel("排序决定单位在名册、报表中的先后，数字小的在前。")
        hint.setStyleSheet("color: #666;")
        hint.setWordWrap(True)
        self.layout_form().insertWidget(1, hint)  # form, hint, message, 保存/取消
        self.save_button.setDefault(True)
        self.setMinimumWidth(380)

        if unit:
            self.set_values(self.values_of(unit))
        else:
            self.sort_order.setValue(sort_order)
        self.remember_loaded(unit)

        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.tier.currentIndexChanged.connect(lambda _i: self._update_tier())
        self.name.textEdited.connect(lambda _t: set_error(self.errors["name"], None))
        self._update_tier()
        shortcut(self, "Ctrl+S", self.try_accept)
        self.name.setFocus()

    def _kind_changed(self) -> None:
        set_error(self.errors["kind"], None)
        set_error(self.errors["tier"], None)
        self._update_tier()

    def _update_tier(self) -> None:
        """The tier is for townships. It stays open while it holds a value, so a tier left over from
        a change of kind can be seen and cleared (saving it is refused beside the field)."""
        township = self.kind.currentText() in TOWNSHIP_KINDS
        self.tier.setEnabled(township or self.tier.value() is not None)
        self.tier.setToolTip("" if township else TIER_HINT)
        if self.tier.value() is None:
            set_error(self.errors["tier"], None)

    @staticmethod
    def values_of(unit: dict) -> dict:
        return {"name": unit["name"], "kind": unit["kind"], "tier": unit["tier"], "sort_order": unit["sort_order"]}

    def set_values(self, values: dict) -> None:
        self.name.setText(values["name"])
        self.kind.setCurrentText(values["kind"])
        self.tier.setValue(values["tier"])
        self.sort_order.setValue(values["sort_order"])

    def form_values(self) -> dict:
        return {"name": self.name.text(), "kind": self.kind.currentText(), "tier": self.tier.value(),
                "sort_order": self.sort_order.value()}

    def fetch(self, session) -> dict | None:
        return next((u for u in units.list_units(session) if self.unit and u["id"] == self.unit["id"]), None)

    def save_values(self, session, values: dict, version: int | None) -> int:
        return units.save_unit(session, actor=self.state.actor, unit_id=self.unit["id"] if self.unit else None,
                               version=version, **values)

    def show_errors(self, e: DomainError) -> None:
        self._show_errors(e)

    def try_accept(self) -> bool:
        return self.save_form(self.state)

    def _show_errors(self, e: DomainError) -> None:
        show_grouped_errors(e, self.errors, self.message)
        first = next((a for a, _ in e.errors if a in self.errors), None)
        widget = {"name": self.name, "kind": self.kind, "tier": self.tier, "sort_order": self.sort_order}.get(first)
        if widget is not None:
            widget.setFocus()
