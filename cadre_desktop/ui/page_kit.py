"""The one shape of a record page (ARCHITECTURE: "What a clerk expects of every screen"): the toolbar
verbs, the search line and filter row, the table, the selected record, the remembered header, and
the record dialog with an error line under every field and a 保存/取消 button box."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Callable, Iterable, Sequence

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView,
    QLabel, QLineEdit, QMenu, QPlainTextEdit, QSpinBox, QStyleOptionViewItem, QTableView,
    QToolBar, QToolTip, QVBoxLayout, QWidget,
)
from shiboken6 import isValid

from ..core import conflicts
from ..core.values import DomainError, StaleEdit
from .common import confirm, error_label, refuse, required_text, set_error
from .list_kit import export_list, install_copy, print_list
from .models import BLOCK, LazyTableModel
from .widgets import day_text

# -- toolbar -----------------------------------------------------------------------------------
# A verb is (attribute, text, slot, edits): the action is set as owner.<attribute>; verbs that edit
# are hidden from read-only accounts. None stands for a separator.
Verb = tuple[str, str, Callable, bool]
LIST_TIPS = {"act_export": "把当前列表（显示的行和列，按当前排序）导出为 Excel 工作簿",
             "act_print_list": "打印当前列表（横向，每页重复表头）"}


def make_toolbar(owner, can_edit: bool, verbs: Iterable[Verb | None]) -> QToolBar:
    toolbar = QToolBar()
    for verb in verbs:
        if verb is None:
            toolbar.addSeparator()
            continue
        attr, text, slot, edits = verb
        act = toolbar.addAction(text, slot)
        setattr(owner, attr, act)
        if attr in LIST_TIPS:
            act.setToolTip(LIST_TIPS[attr])
        if edits:
            act.setVisible(can_edit)
    return toolbar


def record_verbs(owner, new: Callable, edit: Callable, delete: Callable, *, new_text: str = "新增",
                 edit_text: str = "编辑", delete_text: str = "删除",
                 middle: Sequence[Verb | None] = (), after: Sequence[Verb | None] = ()) -> list[Verb | None]:
    """新增 编辑 删除 | (middle) 导入 导出 [|] 打印 (after) — 导入 goes to the page's signal (the
    interchange workbook); 导出 takes the list as shown (list_kit); 打印 prints the page's forms
    (Printable) or its list."""
    return [("act_new", new_text, new, True), ("act_edit", edit_text, edit, True),
            ("act_delete", delete_text, delete, True), None, *middle,
            ("act_import", "导入", owner.import_requested.emit, True),
            export_verb(owner), *print_verbs(owner), *after]


# -- refreshing ----------------------------------------------------------------------------------
class RefreshWhenShown:
    """A page that recomputes on refresh(): a change to what it shows refreshes it at once while it
    is in view, or marks it stale and refreshes it when next shown. SHOWS names the entities the
    page shows (see state.Changes; None: any change but to the record of changes and accounts
    alone); '*' (a restore, a whole import) always counts. The page sets `self._stale = True`
    before its first show, clears it in refresh(), and connects state.changes.changed to
    `_changed`. refresh() should load through the page's Loads (jobs.Loads), off the GUI thread."""

    _stale = True
    SHOWS: frozenset[str] | None = None

    def shows(self, entities: set) -> bool:
        if "*" in entities:
            return True
        if self.SHOWS is None:
            return bool(entities - {"audit", "account"})
        return bool(entities & self.SHOWS)

    def _changed(self, entities: set) -> None:
        if not self.shows(entities):
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        if self._stale:
            self.refresh()


# -- printing ----------------------------------------------------------------------------------
# The forms core.printing registers, as they are before it is loaded (loading it, ReportLab and
# openpyxl with it, costs a second the window's start does not need; a test keeps the two equal).
FORM_TITLES = {
    "appointment-form": "干部任免审批表", "roster": "干部花名册", "mentoring-register": "结对帮带登记表",
    "list": "列表", "commendation": "表彰通报", "tolerance-case": "容错纠错认定表",
    "allowance-payroll": "乡镇津贴发放表", "report": "激励干部担当作为工作情况统计",
}


def available_forms() -> dict[str, str]:
    """The printed forms this build has (form name -> Chinese title); a page offers 打印 only for these."""
    printing = sys.modules.get("cadre_desktop.core.printing")
    if printing is None:  # not loaded yet: what it will register
        return dict(FORM_TITLES)
    return dict(printing.FORMS)


class Printable:
    """A page with printed forms. PRINT_FORMS lists (form, menu text); only the forms that exist in
    core.printing.FORMS at run time are offered. 打印 in the toolbar and 文件 → 打印… (Ctrl+P) call
    print_current(): one form prints at once, several are offered in a menu (`print_menu`).
    The page implements print_form(form)."""

    PRINT_FORMS: tuple[tuple[str, str], ...] = ()
    print_menu: QMenu | None = None

    def print_choices(self) -> list[tuple[str, str]]:
        """The page's forms, then its list as shown (the generic "list" form)."""
        have = available_forms()
        return [(form, text) for form, text in self.PRINT_FORMS if form in have] + \
            ([("list", "当前列表（按显示的行和列）")] if "list" in have else [])

    def _print_choice(self, form: str) -> None:
        if form == "list":
            print_list(self)
        else:
            self.print_form(form)

    def can_print(self) -> bool:
        return bool(self.print_choices())

    def print_current(self) -> None:
        choices = self.print_choices()
        if len(choices) == 1:
            self._print_choice(choices[0][0])
            return
        if not choices:
            return
        menu = QMenu(self)
        for form, text in choices:
            menu.addAction(text, lambda form=form: self._print_choice(form))
        self.print_menu = menu
        button = self.toolbar.widgetForAction(self.act_print) if hasattr(self, "act_print") else None
        if button is not None and button.isVisible():
            menu.popup(button.mapToGlobal(button.rect().bottomLeft()))
        else:
            menu.popup(self.mapToGlobal(self.rect().center()))
        menu.setActiveAction(menu.actions()[0])

    def print_form(self, form: str) -> None:  # pragma: no cover - every printable page has its own
        raise NotImplementedError


def print_verbs(owner) -> list[Verb | None]:
    """[separator, 打印] for a page with forms to print (a menu of them and its list); 打印 of the
    list as shown otherwise."""
    if isinstance(owner, Printable) and owner.can_print():
        return [None, ("act_print", "打印", owner.print_current, False)]
    return [("act_print_list", "打印", lambda: print_list(owner), False)]


def export_verb(owner) -> Verb:
    """导出: the list as shown, to .xlsx (list_kit)."""
    return ("act_export", "导出", lambda: export_list(owner), False)


# -- search and filters ------------------------------------------------------------------------
class SearchField(QLineEdit):
    """The one search box of every page and picker: it announces `searched(text)` once typing
    pauses for DELAY_MS (a burst of keystrokes is one query), at once on Enter, and at once when
    cleared. Pages connect `searched`, never textChanged, and run the query through their Loads."""

    searched = Signal(str)
    DELAY_MS = 120

    def __init__(self, placeholder: str = "", clear_button: bool = True, parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        if clear_button:
            self.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DELAY_MS)
        self._timer.timeout.connect(self._announce)
        self.textChanged.connect(self._typed)
        self.returnPressed.connect(self.flush)

    def _typed(self, text: str) -> None:
        if text:
            self._timer.start()
        else:
            self._timer.stop()
            self._announce()

    def _announce(self) -> None:
        self.searched.emit(self.text())

    def flush(self) -> None:
        """Announce now what a pause would announce (Enter; a test that types and then waits)."""
        if self._timer.isActive():
            self._timer.stop()
            self._announce()

    @property
    def waiting(self) -> bool:
        """Typing has not paused yet: the query for the text shown has not been asked for."""
        return self._timer.isActive()


def search_line(placeholder: str, clear_button: bool = True) -> SearchField:
    return SearchField(placeholder, clear_button)


def filter_row(search: QWidget | None = None, labelled: Iterable[tuple[str, QWidget]] = (),
               extra: Iterable[QWidget] = (), count: QWidget | Sequence[QWidget] | None = None,
               stretch: bool = False, search_stretch: int = 1) -> QHBoxLayout:
    """[search] label combo … [extra] [stretch] [count…]."""
    row = QHBoxLayout()
    if search is not None:
        row.addWidget(search, search_stretch)
    for label, w in labelled:
        row.addWidget(QLabel(label))
        row.addWidget(w)
    for w in extra:
        row.addWidget(w)
    if stretch:
        row.addStretch(1)
    for w in (() if count is None else count if isinstance(count, (list, tuple)) else (count,)):
        row.addWidget(w)
    return row


# -- tables ------------------------------------------------------------------------------------
SINGLE = QAbstractItemView.SelectionMode.SingleSelection
EXTENDED = QAbstractItemView.SelectionMode.ExtendedSelection


def header_apart(view: QAbstractItemView) -> None:
    """Give the view's column header a selection of its own, always empty. A header paints each
    section asking whether its whole column is selected, which walks every selected row through
    the model (index and flags, in Python): with Ctrl+A on 100,000 rows each repaint took Qt 8-10 s.
    Row-selecting lists never highlight a column, so the header has nothing to show from it.
    Call after setModel (a new model brings a new selection model to the header)."""
    header = view.header() if hasattr(view, "header") else view.horizontalHeader()
    header.setSelectionModel(QItemSelectionModel(view.model(), header))


def make_table(model, *, mode: QAbstractItemView.SelectionMode | None = EXTENDED, row_numbers: bool = True,
               widths: Sequence[int] = (), row_height: int = 26) -> QTableView:
    """A row-selecting table (several rows with Ctrl/Shift-click and Ctrl+A; Ctrl+C copies them with
    the header) with alternating rows and interactive, stretch-last columns."""
    t = QTableView()
    t.setModel(model)
    header_apart(t)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if mode is not None:
        t.setSelectionMode(mode)
    if not row_numbers:
        t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    t.horizontalHeader().setStretchLastSection(True)
    t.verticalHeader().setDefaultSectionSize(row_height)
    t.setAlternatingRowColors(True)
    elided_tips(t)
    set_widths(t, widths)
    fit_columns_once(t)
    install_copy(t)
    return t


# The widest a column grows to fit its contents on the first fill; longer text shows in full as the
# cell's tooltip, and the clerk can widen the column (the width is remembered).
COLUMN_CAP = 320


class _OnShow(QObject):
    """Calls `fn` (once) the first time `widget` is shown."""

    def __init__(self, widget: QWidget, fn: Callable[[], None]):
        super().__init__(widget)
        self.fn = fn
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.Show:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, obj, self.fn)
            self.deleteLater()
        return False


def fit_columns_once(table: QTableView, cap: int = COLUMN_CAP) -> None:
    """The first time the table has rows and is shown, size each column to its contents (header
    included, the rows in view measured), at most `cap` pixels — unless the clerk's own widths were
    restored (restore_header), which then stay. A table on a page not shown yet (the roster behind
    首页 at start) is measured when it is first shown: each cell measured is a Python data() call."""
    model = table.model()

    def fit() -> None:
        # The model can outlive its table (a page rebuilt, a dialog closed): a late signal does nothing.
        if not isValid(table) or table.property("columns_fitted") or model.rowCount() == 0:
            return
        if not table.isVisible():
            if not table.property("fit_on_show"):
                table.setProperty("fit_on_show", True)
                _OnShow(table, fit)
            return
        table.setProperty("columns_fitted", True)
        if table.property("widths_restored"):
            return
        header = table.horizontalHeader()
        header.setResizeContentsPrecision(0)  # the rows in view
        table.doItemsLayout()  # the rows just set are measured, not the empty table before them
        table.resizeColumnsToContents()
        for col in range(model.columnCount()):
            if header.sectionSize(col) > cap:
                header.resizeSection(col, cap)

    def later(*_) -> None:
        if isValid(table):
            QTimer.singleShot(0, table, fit)  # dropped with the table if it goes first

    for signal in (model.modelReset, model.rowsInserted, model.layoutChanged):
        signal.connect(later)
    later()


def elided_tip(view: QAbstractItemView, index: QModelIndex) -> str | None:
    """The full text of a cell too narrow to show it (None when it fits or the cell has its own
    tooltip): what the clerk sees on hovering a cut-off cell."""
    if not index.isValid() or index.data(Qt.ItemDataRole.ToolTipRole):
        return None
    text = index.data(Qt.ItemDataRole.DisplayRole)
    if text in (None, ""):
        return None
    text = str(text)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    margin = 2 * (view.style().pixelMetric(view.style().PixelMetric.PM_FocusFrameHMargin, None, view) + 1)
    needed = max(option.fontMetrics.horizontalAdvance(line) for line in text.splitlines() or [text]) + margin
    return text if needed > view.visualRect(index).width() else None


class ElidedTips(QObject):
    """The event filter on one item view's viewport (a child of the view): hovering a cut-off cell
    shows its whole text. On the viewport, not the application: an application-wide filter ran
    Python for every event of every widget."""

    def __init__(self, view: QAbstractItemView):
        super().__init__(view)
        self.view = view
        view.viewport().installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.ToolTip and obj is self.view.viewport():
            tip = elided_tip(self.view, self.view.indexAt(event.pos()))
            if tip:
                QToolTip.showText(event.globalPos(), tip, obj)
                return True
        return False


def elided_tips(*views: QAbstractItemView) -> None:
    """Hovering a cut-off cell of these lists, tables or trees shows its whole text (make_table's
    tables have it; a page's other views get it from the window when the page is built,
    `elided_tips_in`; a dialog's views call this)."""
    for view in views:
        if getattr(view, "_elided_tips", None) is None:
            view._elided_tips = ElidedTips(view)


def elided_tips_in(widget: QWidget) -> None:
    """elided_tips() for every list, table and tree in the widget (a page just built)."""
    elided_tips(*widget.findChildren(QAbstractItemView))


def set_widths(table: QTableView, widths: Sequence[int]) -> None:
    for col, w in enumerate(widths):
        table.setColumnWidth(col, w)


def current_id(table: QTableView, model: LazyTableModel) -> int | None:
    idx = table.currentIndex()
    return model.id_at(idx.row()) if idx.isValid() else None


def select_row_id(table: QTableView, model: LazyTableModel, record_id: int) -> bool:
    """Make the record's row current; False when the filtered table does not hold it."""
    row = model.row_of(record_id)
    if row < 0:
        return False
    table.selectionModel().setCurrentIndex(
        model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    table.scrollTo(model.index(row, 0))
    return True


def row_ranges(model: LazyTableModel, rows: Iterable[int]) -> QItemSelection:
    """The rows (sorted, none negative) as one selection of contiguous ranges, for a single
    select() call: one selectionChanged instead of one per row."""
    selection = QItemSelection()
    last = model.columnCount() - 1
    start = end = None
    for row in rows:
        if start is not None and row == end + 1:
            end = row
            continue
        if start is not None:
            selection.select(model.index(start, 0), model.index(end, last))
        start = end = row
    if start is not None:
        selection.select(model.index(start, 0), model.index(end, last))
    return selection


class TableSelection:
    """selected_id()/select_id() over the page's `table` and its LazyTableModel `model`."""

    table: QTableView
    model: LazyTableModel

    def selected_id(self) -> int | None:
        return current_id(self.table, self.model)

    def select_id(self, record_id: int) -> bool:
        return select_row_id(self.table, self.model, record_id)

    def selected_row(self) -> dict | None:
        """The current row's record (read with its block when not in hand: a paged list)."""
        idx = self.table.currentIndex()
        return self.model.row(idx.row()) if idx.isValid() else None


def save_header(settings, key: str, table: QTableView) -> None:
    settings.setValue(key, table.horizontalHeader().saveState())


def restore_header(settings, key: str, table: QTableView) -> None:
    if (h := settings.value(key)) is not None and table.horizontalHeader().restoreState(h):
        table.setProperty("widths_restored", True)


def indexed(rows: list[dict]) -> tuple[dict[int, dict], list[int]]:
    """A list's rows by id, and the ids in order (RowsModel.set_indexed)."""
    return {r["id"]: r for r in rows}, [r["id"] for r in rows]


class RowsModel(LazyTableModel):
    """A LazyTableModel over rows already in hand (a page's filtered list); dates as clerks write them."""

    def __init__(self, columns, parent=None):
        self.by_id: dict[int, dict] = {}
        super().__init__(columns, lambda ids: [self.by_id[i] for i in ids if i in self.by_id], None, parent)

    def set_rows(self, rows: list[dict]) -> None:
        self.set_indexed(*indexed(rows))

    def set_indexed(self, by_id: dict[int, dict], ids: list[int]) -> None:
        """set_rows with the rows indexed already: a read of a long list calls indexed(rows) on
        the query thread (at 100k rows the index costs tens of ms)."""
        self.by_id = by_id
        self.set_ids(ids)

    def display(self, key, r):
        v = r.get(key)
        if isinstance(v, dt.date):
            return day_text(v)
        return super().display(key, r)


class PagedList:
    """A list's rows paged from the database (the roster, the cadre picker, the big record pages):
    the query thread reads the ids the page's filters select, in the list's order (`ids(session)`,
    filters and sort in SQL), with the first block's rows; the model then reads the rows of a block
    when the view first shows it (`rows(session, ids)` -> dicts with "id", in a read-only session of
    its own, on whatever thread asks: the page's query thread for the view
    (LazyTableModel.load_through), the GUI thread for row() of an action on a picked row, or the
    worker of 导出/打印, which read every id shown, a block at a time). The GUI thread holds the
    ids and the blocks the model keeps, never every row.

    `load(ids, rows, apply, extra=...)`: `extra(session, ids)` reads what else the page shows with
    the list (counts, totals) in the same session; `apply(extra)` runs on the GUI thread once the
    model shows the new ids. `rows` may differ from one load to the next (a month's payroll): the
    model reads blocks with the `rows` of the ids it shows. `current()` (the page's selected_id)
    is asked just before the model takes new ids: `kept` is the id then selected, for `apply` to
    select again (a reset loses the selection)."""

    def __init__(self, state, model: LazyTableModel, loads, key: str = "list",
                 current: Callable[[], int | None] | None = None):
        self.state, self.model, self.loads, self.key, self.current = state, model, loads, key, current
        self.kept: int | None = None
        model.fetch = self.reader(lambda _s, _ids: [])
        model.load_through(loads)  # the blocks the view scrolls to are read on the query thread

    def reader(self, rows: Callable) -> Callable[[list[int]], list[dict]]:
        """The model's fetch for ids read with `rows`: bound to them, so that a reader taken now
        (list_kit's export of the list shown) reads these rows even if the page loads others."""
        state = self.state

        def fetch(ids: list[int]) -> list[dict]:
            if not ids:
                return []
            with state.session(read_only=True) as s:
                return rows(s, ids)

        return fetch

    def load(self, ids: Callable, rows: Callable, apply: Callable | None = None, *,
             extra: Callable | None = None, wait: bool = False) -> None:
        state = self.state

        def query():
            with state.session(read_only=True) as s:
                got = ids(s)
                return got, rows(s, got[:BLOCK]), (extra(s, got) if extra is not None else None)

        def done(answer) -> None:
            got, first, more = answer
            self.kept = self.current() if self.current is not None else None
            self.model.fetch = self.reader(rows)
            self.model.set_ids(got, first)
            if apply is not None:
                apply(more)

        self.loads.run(self.key, query, done, wait=wait)


def pick_cadres(state, parent, title: str, exclude_ids=(), annotate=None) -> list[int]:
    """Tick cadres (or paste names/ID numbers) in the shared picker."""
    from .cadre_picker import CadrePickerDialog  # the picker uses the page kit's search field

    dialog = CadrePickerDialog(state, title, parent, exclude_ids=exclude_ids, annotate=annotate)
    return list(dialog.chosen_ids()) if dialog.exec() else []  # read before the dialog deletes itself


# -- dialogs --------------------------------------------------------------------------
def open_dialog(page, dialog: QDialog, on_accepted: Callable[[QDialog], None]) -> None:
    """Open a record dialog without blocking (window-modal), keep it on `page.dialog` (the page and
    its tests reach it there), call `on_accepted(dialog)` when it is saved, free it when closed."""
    page.dialog = dialog
    dialog.accepted.connect(lambda: on_accepted(dialog))
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()


def confirm_and_delete(page, text: str, title: str, delete: Callable, *changed: str) -> bool:
    """Ask once (saying what goes), run `delete(session)` in one session, show a refusal in the
    clerk's words, and announce what changed. Returns whether the record was deleted."""
    if not confirm(page, text, title, "删除"):
        return False
    try:
        with page.state.session() as s:
            delete(s)
    except DomainError as e:
        refuse(page, e)
        return False
    page.state.changes.emit(*changed)
    return True


def show_errors(e: DomainError, errors: dict, message: QLabel) -> None:
    """DomainError.errors [(attr, msg)] beside their fields; the rest (or the message) on `message`."""
    for attr, msg in e.errors or [("", e.message)]:
        set_error(errors.get(attr, message), msg)


def show_grouped_errors(e: DomainError, errors: dict, message: QLabel) -> None:
    """Like show_errors, but several messages for one field are joined with "；"."""
    by: dict[str, list[str]] = {}
    for attr, msg in e.errors or [(None, e.message)]:
        by.setdefault(attr if attr in errors else "", []).append(msg)
    for attr, msgs in by.items():
        set_error(errors[attr] if attr else message, "；".join(msgs))


def field_cell(widget: QWidget, error: QLabel) -> QVBoxLayout:
    cell = QVBoxLayout()
    cell.setSpacing(2)
    cell.addWidget(widget)
    cell.addWidget(error)
    return cell


def button_box(dialog, save_text: str = "保存") -> QDialogButtonBox:
    """保存/取消 wired to dialog.try_accept/reject; the save button is dialog.save_button."""
    buttons = QDialogButtonBox()
    dialog.save_button = buttons.addButton(save_text, QDialogButtonBox.ButtonRole.AcceptRole)
    buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
    buttons.accepted.connect(dialog.try_accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def _readable(widget: QWidget) -> bool:
    return isinstance(widget, (QCheckBox, QPlainTextEdit, QLineEdit, QComboBox, QSpinBox)) or callable(
        getattr(widget, "value", None))


class FormDialog(QDialog):
    """A record dialog: `add_field` puts a field with its error line into `form`; `errors` maps the
    field's attribute to that line, `message` takes what belongs to no field."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.errors: dict[str, QLabel] = {}
        self.labels: dict[str, str] = {}
        self.label_widgets: dict[str, QLabel] = {}
        self.inputs: dict[str, QWidget] = {}
        self.message = error_label()
        self.form = QFormLayout()
        # Long labels and error lines wrap rather than push the dialog wider than the screen.
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self._loaded_values: dict | None = None
        self._loaded_version: int | None = None

    def add_field(self, attr: str, label: str, widget: QWidget) -> None:
        self.errors[attr] = error_label()
        self.labels[attr] = label
        self.inputs[attr] = widget
        self.label_widgets[attr] = QLabel(label)
        self.label_widgets[attr].setBuddy(widget)
        self.form.addRow(self.label_widgets[attr], field_cell(widget, self.errors[attr]))

    def mark_required(self, check: Callable[[dict], Iterable[tuple[str, str]]], blank: dict | None = None) -> set[str]:
        """Put a red * on the fields the core's own check refuses when left blank: `check` is the
        service's validation (data → [(attr, message)]), asked about a record with nothing filled
        in (`blank`, default every field None). Returns the attributes marked."""
        data = {attr: None for attr in self.errors} if blank is None else blank
        required = {attr for attr, _ in check(data) if attr in self.label_widgets}
        for attr, widget in self.label_widgets.items():
            widget.setText(required_text(self.labels[attr], attr in required))
        return required

    # --- two clerks, one record ---------------------------------------------------------------
    # A dialog that edits a versioned record gives `fetch(session)` (the record now, None if it
    # is gone) and `save_values(session, values, version)`, calls `remember_loaded(record)` once
    # its fields are filled, and saves with `save_form()`. `values_of`, `set_values` and
    # `form_values` read and fill the fields added with `add_field` (line edits, text boxes,
    # choice/date fields, spin boxes, check boxes); a dialog overrides them for anything else.
    # When another clerk saved the record meanwhile, the clerk sees what changed, field by
    # field, and reloads or keeps their changes on top (core.conflicts): no update is lost unseen.

    def values_of(self, record: dict) -> dict:
        return {attr: record.get(attr) for attr in self.inputs if _readable(self.inputs[attr])}

    def set_values(self, values: dict) -> None:
        for attr, widget in self.inputs.items():
            if attr not in values:
                continue
            value = values[attr]
            if hasattr(widget, "setValue") and not isinstance(widget, QSpinBox):
                widget.setValue(value)
            elif isinstance(widget, QSpinBox):
                widget.setValue(int(value or 0))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value or "")
            elif isinstance(widget, QLineEdit):
                widget.setText(value or "")
            elif isinstance(widget, QComboBox):
                widget.setCurrentText(value or "")

    def form_values(self) -> dict:
        """The fields as typed; a field that cannot be read gets its message and raises ValueError."""
        values, bad = {}, False
        for attr, widget in self.inputs.items():
            try:
                if hasattr(widget, "value") and callable(widget.value):
                    values[attr] = widget.value()
                elif isinstance(widget, QCheckBox):
                    values[attr] = widget.isChecked()
                elif isinstance(widget, QPlainTextEdit):
                    values[attr] = widget.toPlainText()
                elif isinstance(widget, QLineEdit):
                    values[attr] = widget.text()
                elif isinstance(widget, QComboBox):
                    values[attr] = widget.currentText()
            except ValueError as e:
                set_error(self.errors[attr], str(e))
                bad = True
        if bad:
            raise ValueError("unreadable field")
        return values

    def remember_loaded(self, record: dict | None) -> None:
        self._loaded_values = self.values_of(record) if record else None
        self._loaded_version = record.get("version") if record else None

    def save_form(self, state) -> bool:
        """Read the fields, save, close. Returns whether it saved."""
        self.clear_errors()
        try:
            values = self.form_values()
        except ValueError:
            return False
        if not self.save_checked(state, values):
            return False
        self.accept()
        return True

    def save_checked(self, state, values: dict) -> bool:
        """Save `values` (sets `saved_id`); a refusal is shown under its fields, a conflicting
        save is resolved with the clerk. Returns whether it saved; the dialog stays open."""
        try:
            with state.session() as s:
                self.saved_id = self.save_values(s, values, self._loaded_version)
        except StaleEdit as e:
            return self._resolve_conflict(state, values, e)
        except DomainError as e:
            self.show_errors(e)
            return False
        return True

    def _resolve_conflict(self, state, values: dict, error: StaleEdit) -> bool:
        from . import conflict

        loaded = self._loaded_values or {}
        try:
            with state.session() as s:
                record = self.fetch(s)
        except DomainError:
            record = None
        if record is None:
            refuse(self, f"{error}（这条记录已被他人删除，您的修改未保存。）")
            return False
        current = self.values_of(record)
        mine = conflicts.my_changes(loaded, values)
        choice = conflict.ask(self, "这条记录",
                              conflicts.diff(loaded, current, self.labels, mine=mine))
        if choice == conflict.RELOAD:
            self.set_values(current)
            self.remember_loaded(record)
            self.clear_errors()
            set_error(self.message, "已载入他人保存的版本，您之前的修改已放弃。")
            return False
        if choice != conflict.KEEP:
            set_error(self.message, "他人已修改这条记录，您的修改尚未保存。")
            return False
        self.remember_loaded(record)
        merged = conflicts.rebase(loaded, values, current)
        self.set_values(merged)
        return self.save_checked(state, merged)

    def add_fields(self, fields: Iterable[tuple[str, str, QWidget]]) -> None:
        for attr, label, widget in fields:
            self.add_field(attr, label, widget)

    def layout_form(self, save_text: str = "保存") -> QVBoxLayout:
        """form, message, 保存/取消 — top to bottom."""
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addWidget(self.message)
        lay.addWidget(button_box(self, save_text))
        return lay

    def clear_errors(self) -> None:
        for label in (*self.errors.values(), self.message):
            set_error(label, None)

    def show_errors(self, e: DomainError) -> None:
        show_errors(e, self.errors, self.message)

    def try_accept(self) -> bool:  # pragma: no cover - every dialog has its own
        raise NotImplementedError
