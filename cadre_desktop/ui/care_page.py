"""关心关爱: care records (体检, 年休假, 帮扶, 周转房) and visits (慰问) with their totals."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton, QSpinBox, QTabWidget, QVBoxLayout, QWidget

from ..core.services import cadres, welfare
from ..core.values import DomainError
from .common import set_error, shortcut
from .jobs import Loads
from .list_kit import name_lists
from .page_kit import (
    FormDialog, PagedList, RefreshWhenShown, RowsModel, confirm_and_delete, filter_row, make_table, make_toolbar, open_dialog, pick_cadres,
    record_verbs, search_line, set_widths,
)
from .state import AppState
from .widgets import ChoiceCombo, DayEdit

ALL = "全部"
CARE_COLUMNS = (("name", "姓名"), ("unit", "单位"), ("kind", "类型"), ("date", "日期"), ("days", "天数"),
                ("amount", "金额（元）"), ("notes", "备注"))
VISIT_COLUMNS = (("name", "姓名"), ("category", "对象类别"), ("date", "日期"), ("amount", "金额（元）"),
                 ("visitor", "慰问人"), ("notes", "备注"))


class _Money(RowsModel):
    def display(self, key, r):
        if key == "amount" and r.get("amount") is not None:
            return f"{r['amount']:.2f}"
        return super().display(key, r)


class CarePage(RefreshWhenShown, QWidget):
    """The care records (key "care") and the visits with their totals (key "visits") are read
    off the GUI thread."""

    SHOWS = frozenset({"care_record", "visit", "cadre"})
    open_cadre = Signal(int)
    import_requested = Signal()
    export_requested = Signal()

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        can_edit = state.actor.can("edit")
        self.loads = Loads(self)
        self._stale = True
        self.toolbar = make_toolbar(self, can_edit, record_verbs(
            self, self.new_record, self.edit_selected, self.delete_selected))

        self.tabs = QTabWidget()
        self._tab_stale = [False, False]  # a tab's list to read when the tab is next shown
        # 关爱记录
        self.care_search = search_line("搜索姓名、身份证号、备注", clear_button=False)
        self.care_kind = QComboBox()
        self.care_kind.addItems([ALL, *welfare.CARE_KINDS])
        self.care_year = QComboBox()
        self.care_count = QLabel()
        self.care_model = _Money(CARE_COLUMNS, self)
        self.care_table = make_table(self.care_model)
        self.care_table.doubleClicked.connect(lambda _i: self.edit_selected())
        care = QWidget()
        cl = QVBoxLayout(care)
        cl.addLayout(filter_row(self.care_search, (("类型", self.care_kind), ("年度", self.care_year)),
                                count=self.care_count))
        cl.addWidget(self.care_table, 1)
        # 慰问
        self.visit_search = search_line("搜索姓名、身份证号、慰问人、备注", clear_button=False)
        self.visit_category = QComboBox()
        self.visit_category.addItems([ALL, *welfare.VISIT_CATEGORIES])
        self.visit_year = QComboBox()
        self.visit_totals = QLabel()
        self.visit_model = _Money(VISIT_COLUMNS, self)
        self.visit_table = make_table(self.visit_model)
        name_lists(self, (self.care_table, "关爱记录"), (self.visit_table, "慰问"))
        self.care_paged = PagedList(state, self.care_model, self.loads, key="care")
        self.visit_paged = PagedList(state, self.visit_model, self.loads, key="visits")
        self.visit_table.doubleClicked.connect(lambda _i: self.edit_selected())
        visits = QWidget()
        vl = QVBoxLayout(visits)
        vl.addLayout(filter_row(self.visit_search, (("对象类别", self.visit_category), ("年度", self.visit_year))))
        vl.addWidget(self.visit_totals)
        vl.addWidget(self.visit_table, 1)
        self.tabs.addTab(care, "关爱记录")
        self.tabs.addTab(visits, "慰问")
        self.tabs.currentChanged.connect(self._tab_shown)
        set_widths(self.care_table, (70, 120, 90, 90, 50, 90))
        set_widths(self.visit_table, (70, 80, 90, 90, 80))

        lay = QVBoxLayout(self)
        lay.addWidget(self.toolbar)
        lay.addWidget(self.tabs, 1)
        self.care_search.searched.connect(lambda _t: self.refresh_care())
        self.visit_search.searched.connect(lambda _t: self.refresh_visits())
        for w in (self.care_kind, self.care_year):
            w.currentIndexChanged.connect(lambda _i: self.refresh_care())
        for w in (self.visit_category, self.visit_year):
            w.currentIndexChanged.connect(lambda _i: self.refresh_visits())
        shortcut(self, "Ctrl+F", lambda: (self.care_search if self.tabs.currentIndex() == 0 else self.visit_search).setFocus())
        self.dialog = None
        self.restore_settings()
        state.changes.changed.connect(self._changed)

    @staticmethod
    def _fill_years(combo: QComboBox, years: list[int]) -> None:
        keep = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        combo.addItems([ALL, *map(str, years)])
        combo.setCurrentIndex(max(combo.findText(keep), 0))
        combo.blockSignals(False)

    def refresh(self, *, wait: bool = False) -> None:
        """The list of the tab shown (both when `wait`), each with the years it has for its year
        filter; the other tab's is read when it is shown (each is a query over 100,000 rows or
        more in a county of 100,000 cadres)."""
        self._stale = False
        for i, read in enumerate((self.refresh_care, self.refresh_visits)):
            if wait or i == self.tabs.currentIndex():
                read(wait=wait)
            else:
                self._tab_stale[i] = True

    def _tab_shown(self, i: int) -> None:
        if 0 <= i < len(self._tab_stale) and self._tab_stale[i]:
            (self.refresh_care, self.refresh_visits)[i]()

    @staticmethod
    def _pick(combo: QComboBox) -> str | None:
        return None if combo.currentText() in (ALL, "") else combo.currentText()

    def refresh_care(self, *, wait: bool = False) -> None:
        """The ids of the care records the filters select, with the years for the year filter;
        their rows a block at a time as the table shows them (PagedList)."""
        self._tab_stale[0] = False
        kind, year, text = self._pick(self.care_kind), self._pick(self.care_year), self.care_search.text()

        def ids(s):
            return welfare.care_ids(s, kind=kind, year=int(year) if year else None, text=text)

        def apply(years) -> None:
            self._fill_years(self.care_year, years)
            if self._pick(self.care_year) != year:  # the chosen year has no records left: ask under 全部
                self.refresh_care(wait=wait)
                return
            self.care_count.setText(f"共 {self.care_model.rowCount()} 条")

        self.care_paged.load(ids, welfare.care_rows, apply, extra=lambda s, _ids: welfare.care_years(s), wait=wait)

    def refresh_visits(self, *, wait: bool = False) -> None:
        self._tab_stale[1] = False
        args = dict(category=self._pick(self.visit_category), text=self.visit_search.text())
        year = self._pick(self.visit_year)
        args["year"] = int(year) if year else None

        def apply(got) -> None:
            years, totals = got
            self._fill_years(self.visit_year, years)
            if self._pick(self.visit_year) != year:  # the chosen year has no records left: ask under 全部
                self.refresh_visits(wait=wait)
                return
            self.visit_totals.setText(
                f"慰问 {totals['count']} 人次（{totals['people']} 人），金额合计 {totals['amount']:,.2f} 元")

        self.visit_paged.load(lambda s: welfare.visit_ids(s, **args), welfare.visit_rows, apply,
                              extra=lambda s, _ids: (welfare.visit_years(s), welfare.visit_totals(s, **args)),
                              wait=wait)

    def _current(self):
        if self.tabs.currentIndex() == 0:
            idx = self.care_table.currentIndex()
            return "care", self.care_model.row(idx.row()) if idx.isValid() else None
        idx = self.visit_table.currentIndex()
        return "visit", self.visit_model.row(idx.row()) if idx.isValid() else None

    def new_record(self) -> None:
        cls = CareDialog if self.tabs.currentIndex() == 0 else VisitDialog
        self._open(cls(self.state, None, self))

    def edit_selected(self) -> None:
        which, r = self._current()
        if r is None or not self.state.actor.can("edit"):
            return
        self._open((CareDialog if which == "care" else VisitDialog)(self.state, r, self))

    def _open(self, dialog) -> None:
        open_dialog(self, dialog, lambda _d: self.state.changes.emit("care_record", "visit"))

    def delete_selected(self) -> None:
        which, r = self._current()
        if r is None or not self.state.actor.can("edit"):
            return
        what = f"{r['name']}的{r['kind']}记录" if which == "care" else f"对{r['name']}的慰问记录"

        def delete(s) -> None:
            if which == "care":
                welfare.delete_care(s, actor=self.state.actor, record_id=r["id"])
            else:
                welfare.delete_visit(s, actor=self.state.actor, visit_id=r["id"])

        confirm_and_delete(self, f"删除{what}？", "删除", delete, "care_record", "visit")

    def save_settings(self) -> None:
        st = self.state.settings
        st.setValue("care/tab", self.tabs.currentIndex())
        st.setValue("care/filters", {"kind": self.care_kind.currentText(), "category": self.visit_category.currentText()})

    def restore_settings(self) -> None:
        st = self.state.settings
        self.tabs.setCurrentIndex(int(st.value("care/tab", 0) or 0))
        f = st.value("care/filters") or {}
        self.care_kind.setCurrentIndex(max(self.care_kind.findText(str(f.get("kind", ALL))), 0))
        self.visit_category.setCurrentIndex(max(self.visit_category.findText(str(f.get("category", ALL))), 0))


class _Form(FormDialog):
    fields: tuple = ()
    check = None  # the service's check of the record's fields (marks the required ones)

    def _build(self, title: str, widgets: dict) -> None:
        self.setWindowTitle(title)
        self.widgets = widgets
        self.add_fields((k, lbl, widgets[k]) for k, lbl in self.fields)
        if type(self).check is not None:
            self.mark_required(type(self).check)
        self.layout_form()
        shortcut(self, "Ctrl+S", self.try_accept)
        self.setMinimumWidth(400)

    def _save(self, fn) -> bool:
        self.clear_errors()
        try:
            date = self.widgets["date"].value()
        except ValueError as e:
            set_error(self.errors["date"], str(e))
            return False
        try:
            with self.state.session() as s:
                fn(s, date)
        except DomainError as e:
            self.show_errors(e)
            return False
        self.accept()
        return True


class CareDialog(_Form):
    fields = (("cadre_id", "干部"), ("kind", "类型"), ("date", "日期"), ("days", "天数"), ("amount", "金额（元）"),
              ("notes", "备注"))
    check = staticmethod(welfare.check_care)

    def __init__(self, state: AppState, row: dict | None, parent=None):
        super().__init__(parent)
        self.state, self.row = state, row
        self.cadre_id = row["cadre_id"] if row else None
        self.cadre_button = QPushButton(row["name"] if row else "选择干部…")
        self.cadre_button.clicked.connect(self._pick)
        self.kind = ChoiceCombo(welfare.CARE_KINDS)
        self.date = DayEdit()
        self.days = QSpinBox()
        self.days.setRange(0, 366)
        self.days.setSpecialValueText("—")
        self.amount = QLineEdit()
        self.notes = QLineEdit()
        self._build("编辑关爱记录" if row else "新增关爱记录",
                    {"cadre_id": self.cadre_button, "kind": self.kind, "date": self.date, "days": self.days,
                     "amount": self.amount, "notes": self.notes})
        if row:
            self.kind.setValue(row["kind"])
            self.date.setValue(row["date"])
            self.days.setValue(row["days"] or 0)
            self.amount.setText("" if row["amount"] is None else f"{row['amount']:.2f}")
            self.notes.setText(row["notes"] or "")

    def _pick(self):
        ids = pick_cadres(self.state, self, "选择干部")
        if ids:
            self.set_cadre(ids[0])

    def set_cadre(self, cadre_id: int) -> None:
        with self.state.session() as s:
            self.cadre_button.setText(cadres.get_cadre(s, cadre_id)["name"])
        self.cadre_id = cadre_id

    def try_accept(self) -> bool:
        return self._save(lambda s, date: welfare.save_care(
            s, actor=self.state.actor, record_id=self.row["id"] if self.row else None,
            version=self.row["version"] if self.row else None,
            data={"cadre_id": self.cadre_id, "kind": self.kind.value(), "date": date,
                  "days": self.days.value() or None, "amount": self.amount.text(), "notes": self.notes.text()}))


class VisitDialog(_Form):
    fields = (("name", "姓名"), ("id_number", "身份证号"), ("category", "对象类别"), ("date", "日期"),
              ("amount", "金额（元）"), ("visitor", "慰问人"), ("notes", "备注"))
    check = staticmethod(welfare.check_visit)

    def __init__(self, state: AppState, row: dict | None, parent=None):
        super().__init__(parent)
        self.state, self.row = state, row
        self.name, self.id_number, self.amount = QLineEdit(), QLineEdit(), QLineEdit()
        self.id_number.setPlaceholderText("可空")
        self.category = ChoiceCombo(welfare.VISIT_CATEGORIES)
        self.date = DayEdit()
        self.visitor, self.notes = QLineEdit(), QLineEdit()
        self._build("编辑慰问记录" if row else "新增慰问记录",
                    {"name": self.name, "id_number": self.id_number, "category": self.category, "date": self.date,
                     "amount": self.amount, "visitor": self.visitor, "notes": self.notes})
        if row:
            for k in ("name", "id_number", "visitor", "notes"):
                getattr(self, k).setText(row.get(k) or "")
            self.category.setValue(row["category"])
            self.date.setValue(row["date"])
            self.amount.setText("" if row["amount"] is None else f"{Decimal(row['amount']):.2f}")

    def try_accept(self) -> bool:
        return self._save(lambda s, date: welfare.save_visit(
            s, actor=self.state.actor, visit_id=self.row["id"] if self.row else None,
            version=self.row["version"] if self.row else None,
            data={"name": self.name.text(), "id_number": self.id_number.text(), "category": self.category.value(),
                  "date": date, "amount": self.amount.text(), "visitor": self.visitor.text(),
                  "notes": self.notes.text()}))
