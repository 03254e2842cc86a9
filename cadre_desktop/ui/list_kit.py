"""Lists out, as they are on the screen: what every list page does with its table.

- `copy_rows(table)` (Ctrl+C, installed on every table by `install_copy`): the selected rows with
  the header, tab-separated, as WPS and Excel paste them into cells.
- `export_list(page)` (导出): exactly the rows and columns shown, in the order shown, to .xlsx.
- `print_list(page)` (打印): the same list through the printing engine's "list" form.

What is shown is read from the view: the visible columns in their visual order (a column the
clerk dragged or hid counts as it looks), the rows in the model's order (the view's sort). A big
lazy model (the roster holds ids only) has its rows fetched off the GUI thread. The writing and the
masking for 查阅 are core's (core.exchange.list_export, core.printing).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox, QCheckBox, QComboBox, QDateEdit, QFileDialog, QLabel,
    QLineEdit, QSplitter, QTableView, QTreeView, QWidget,
)

from .models import LazyTableModel

FETCH_BLOCK = 500


# -- what the view shows ---------------------------------------------------------------------------
def _header(view):
    return view.header() if isinstance(view, QTreeView) else view.horizontalHeader()


def shown_columns(table) -> list[tuple[int, str, str]]:
    """(model column, key, header) of the visible columns, in visual order. A tree (grouped list)
    gets a first column 分组 (model column -1) naming each row's group."""
    model = table.model()
    header = _header(table)
    keys = [k for k, _h in model.columns] if isinstance(model, LazyTableModel) else None
    out = [(-1, "group", table.property("groupLabel") or "分组")] if isinstance(table, QTreeView) else []
    for visual in range(header.count()):
        logical = header.logicalIndex(visual)
        if header.isSectionHidden(logical):
            continue
        text = model.headerData(logical, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        out.append((logical, keys[logical] if keys else f"col{logical}", "" if text is None else str(text)))
    return out


_COUNT = re.compile(r"[（(]\d+[^）)]*[）)]$|：未发现问题$")


def _tree_rows(tree, cols, only=None) -> list[list]:
    """Every row under a group (or a top-level row without children) of a tree, in view order."""
    model = tree.model()
    out = []
    for g in range(model.rowCount()):
        gi = model.index(g, 0)
        group = _COUNT.sub("", str(gi.data() or "")).strip()
        n = model.rowCount(gi)
        for r in range(n):
            if only is not None and (g, r) not in only:
                continue
            out.append([group if c < 0 else model.index(r, c, gi).data(Qt.ItemDataRole.DisplayRole)
                        for c, _k, _h in cols])
    return out


def _export_value(model, key: str, r: dict):
    fn = getattr(model, "export_value", None)
    return fn(key, r) if fn is not None else model.display(key, r)


def row_reader(table: QTableView, rows: list[int] | None = None) -> Callable:
    """A function `read(progress, cancelled) -> list[list]` of the shown values of `rows` (all rows
    when None), safe to run off the GUI thread: it is given a snapshot taken here."""
    model = table.model()
    cols = shown_columns(table)
    if isinstance(model, LazyTableModel):
        ids = list(model.ids) if rows is None else [model.id_at(r) for r in rows]
        keys = [k for _l, k, _h in cols]
        fetch = model.fetch

        def read(progress=None, cancelled=None) -> list[list]:
            out: list[list] = []
            total = len(ids)
            for start in range(0, total, FETCH_BLOCK):
                if cancelled is not None and cancelled():
                    from ..core.exchange.sheets import Cancelled
                    raise Cancelled()
                if progress is not None:
                    progress(start, total, "读取列表")
                block = ids[start:start + FETCH_BLOCK]
                got = {r["id"]: r for r in fetch(block)}
                for i in block:
                    r = got.get(i, {"id": i})
                    out.append([_export_value(model, k, r) for k in keys])
            return out

        return read
    if isinstance(table, QTreeView):
        reader = getattr(model, "tree_reader", None)  # a big tree reads its rows off the GUI thread
        if reader is not None:
            return reader(cols, None if rows is None else set(rows))
        values = _tree_rows(table, cols, None if rows is None else set(rows))
        return lambda progress=None, cancelled=None: values
    # an in-memory model: read on the GUI thread now (it is already in hand)
    rows = range(model.rowCount()) if rows is None else rows
    values = [[model.index(r, c).data(Qt.ItemDataRole.DisplayRole) for c, _k, _h in cols] for r in rows]
    return lambda progress=None, cancelled=None: values


def selected_rows(table) -> list:
    sm = table.selectionModel()
    if sm is None:
        return []
    if isinstance(table, QTreeView):  # the selected rows under a group, as column-0 indexes
        return sorted({(i.parent().row(), i.row()) for i in sm.selectedIndexes() if i.parent().isValid()})
    return sorted({i.row() for i in sm.selectedIndexes()})


# -- Ctrl+C ----------------------------------------------------------------------------------------
def copy_rows(table: QTableView, actor=None) -> str:
    """Put the selected rows (the current row when none is selected) with their header on the
    clipboard as tab-separated text; returns the text."""
    rows = selected_rows(table)
    if not rows and table.currentIndex().isValid() and not isinstance(table, QTreeView):
        rows = [table.currentIndex().row()]
    if not rows:
        return ""
    from ..core.exchange.list_export import ListData, masked, tsv  # openpyxl: not at start

    cols = shown_columns(table)
    data = ListData("", [(k, h) for _l, k, h in cols], row_reader(table, rows)())
    if actor is not None:
        data = masked(data, actor)
    text = tsv(data)
    QGuiApplication.clipboard().setText(text)
    return text


class _CopyFilter(QObject):
    def __init__(self, table: QTableView, actor_of: Callable):
        super().__init__(table)
        self.table, self.actor_of = table, actor_of

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt naming
        kind = event.type()
        if kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) and event.matches(QKeySequence.StandardKey.Copy):
            if kind == QEvent.Type.ShortcutOverride:
                event.accept()  # the table's own Ctrl+C, not a window shortcut
                return True
            copy_rows(self.table, self.actor_of())
            return True
        return False


def _actor_near(widget: QWidget):
    w = widget
    while w is not None:
        state = getattr(w, "state", None)
        if state is not None and hasattr(state, "actor"):
            return state.actor
        w = w.parentWidget()
    return None


def install_copy(table: QTableView) -> None:
    """Ctrl+C on the table copies the selected rows with their header (once per table)."""
    if getattr(table, "_copy_filter", None) is None:
        table._copy_filter = _CopyFilter(table, lambda: _actor_near(table))
        table.installEventFilter(table._copy_filter)


# -- the list's name and filters -------------------------------------------------------------------
def list_table(page) -> QTableView:
    """The page's list: the table that last had the focus, else the page's main `table`."""
    last = getattr(page, "_last_list_table", None)
    if last is not None:
        return last
    for attr in ("table", "tree"):
        if getattr(page, attr, None) is not None:
            return getattr(page, attr)
    return page.findChildren(QTableView)[0]


def name_lists(page, *named) -> None:
    """A page with several lists: (table, name) each; 导出 and 打印 take the one worked in last."""
    for table, name in named:
        table.setProperty("listTitle", name)
    track_focus(page, *(t for t, _n in named))


def track_focus(page, *tables: QTableView) -> None:
    """Pages with several lists export/print the one the clerk worked in last."""
    for t in tables:
        t.installEventFilter(_FocusTracker(page, t))


class _FocusTracker(QObject):
    def __init__(self, page, table):
        super().__init__(table)
        self.page, self.table = page, table

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.FocusIn:
            self.page._last_list_table = self.table
        return False


def list_title(page, table: QTableView) -> str:
    own = table.property("listTitle")
    if callable(getattr(page, "list_title", None)):
        return page.list_title(table)
    name = page.property("pageTitle") or page.windowTitle() or "列表"
    return f"{name}—{own}" if own else str(name)


def _label_before(widget: QWidget) -> str:
    """The QLabel laid out just before the widget (the filter's name), if any."""
    parent = widget.parentWidget()
    if parent is None or parent.layout() is None:
        return ""
    stack = [parent.layout()]
    while stack:
        lay = stack.pop()
        for i in range(lay.count()):
            item = lay.itemAt(i)
            if item.widget() is widget:
                for j in range(i - 1, -1, -1):
                    w = lay.itemAt(j).widget()
                    if isinstance(w, QLabel):
                        return w.text().rstrip("：:")
                    if w is not None:
                        return ""
                return ""
            if item.layout() is not None:
                stack.append(item.layout())
    return ""


FILTER_TYPES = (QCheckBox, QComboBox, QLineEdit, QAbstractSpinBox)


def describe_filter(widget: QWidget) -> str:
    """A filter widget's state in words, or "" when it filters nothing."""
    label = widget.property("filterLabel") or _label_before(widget)
    if isinstance(widget, QCheckBox):
        return widget.text() if widget.isChecked() else ""
    if isinstance(widget, QComboBox):
        text = widget.currentText().strip()
        if not text or text in ("全部", "不限", "（全部）", "所有"):
            return ""
        return f"{label}：{text}" if label else text
    if isinstance(widget, QLineEdit):
        text = widget.text().strip()
        return f"检索“{text}”" if text else ""
    if isinstance(widget, QDateEdit):
        return f"{label}{widget.text()}" if widget.isEnabled() else ""
    if isinstance(widget, QAbstractSpinBox):
        if hasattr(widget, "minimum") and widget.value() == widget.minimum():
            return ""
        return f"{label}{widget.text()}" if label else widget.text()
    return ""


def list_filters(page, table: QTableView) -> str:
    """The page's filters as words: the page's own `list_filters(table)` where it has one, else the
    state of the search box, combos, ticks and spin boxes laid out around the table."""
    if callable(getattr(page, "list_filters", None)):
        return page.list_filters(table)
    widgets: list[QWidget] = []
    scope = table.parentWidget()
    while scope is not None:
        if not isinstance(scope, QSplitter):
            widgets = [w for w in scope.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
                       if isinstance(w, FILTER_TYPES)]
            if widgets or scope is page:
                break
        scope = scope.parentWidget()
    parts = [p for p in (describe_filter(w) for w in widgets) if p]
    return "；".join(dict.fromkeys(parts))


# -- 导出 and 打印 -----------------------------------------------------------------------------------
def gather(page, table: QTableView | None = None):
    """(title, filters, columns, read) of the page's list, taken on the GUI thread."""
    table = table or list_table(page)
    cols = shown_columns(table)
    return list_title(page, table), list_filters(page, table), [(k, h) for _l, k, h in cols], row_reader(table)


def export_list(page, table: QTableView | None = None, path: str | None = None, on_done: Callable | None = None):
    """导出: the list as shown to .xlsx, off the GUI thread. Returns the job (None when not started)."""
    from .common import inform
    from .jobs import run_job

    state = page.state
    title, filters, columns, read = gather(page, table)
    if path is None:
        default = str(Path(state.last_folder()) / f"{title}-{dt.date.today():%Y%m%d}.xlsx")
        path, _ = QFileDialog.getSaveFileName(page, "导出当前列表", default, "Excel 工作簿 (*.xlsx)")
        if not path:
            return None
        state.remember_folder(path)
    actor = state.actor

    def work(progress, cancelled):
        from ..core.exchange.list_export import ListData, write_list  # openpyxl: not at start
        from .jobs import collector_paused, free_in_slices

        # 100,000 rows in memory set off full collections of 0.4-1.4 s each, and the collector
        # holds the GIL: the window froze ten times during one export of the roster
        with collector_paused():
            rows = read(progress, cancelled)
            n = len(rows)
            try:
                out = write_list(path, ListData(title, columns, rows, filters), actor=actor, progress=progress,
                                 cancelled=cancelled)
            finally:
                free_in_slices([rows])  # freed at once, the window waited 280 ms at 100,000 rows
        return out, n

    def done(result) -> None:
        out, n = result
        page.last_export = out
        if on_done is not None:
            on_done(out)
        else:
            inform(page, f"已导出 {n} 行到：\n{out}")

    return run_job(page, "导出列表", work, on_success=done)


def list_params(page, table: QTableView | None = None) -> dict:
    """The "list" form's params for the page's list; `rows` is read by the print job's worker."""
    title, filters, columns, read = gather(page, table)

    class _Rows:  # iterated on the worker thread by the form's layout
        def __iter__(self):
            return iter(read())

    params = {"title": title, "filters": filters, "columns": columns, "rows": _Rows()}
    if callable(getattr(page, "list_print_extra", None)):  # e.g. a statistics table: its count, its total row
        params.update(page.list_print_extra())
    return params


def print_list(page, table: QTableView | None = None, path: str | None = None):
    """打印: the list as shown through the printing engine (print preview where the build has it,
    else a PDF to print from)."""
    params = list_params(page, table)
    return print_form(page, "list", params, params["title"], path=path)


def print_form(page, form: str, params: dict, title: str, path: str | None = None):
    """Open the print preview of a form (or, given `path` or without a preview, write the PDF)."""
    from .common import inform
    from .jobs import run_job

    if path is None:
        try:
            from .print_preview import preview_form
        except ImportError:
            preview_form = None
        if preview_form is not None:
            return preview_form(page, page.state, form, params, title=title, file_name=title)
        default = str(Path(page.state.last_folder()) / f"{title}.pdf")
        path, _ = QFileDialog.getSaveFileName(page, "打印：保存为 PDF", default, "PDF 文件 (*.pdf)")
        if not path:
            return None
        page.state.remember_folder(path)
    from ..core.printing import render_pdf

    state = page.state

    def work(progress, cancelled):
        with state.session(read_only=True) as s:
            return render_pdf(s, actor=state.actor, form=form, params=params, out=path, progress=progress,
                              cancelled=cancelled)

    def done(r) -> None:
        page.last_print = r.path
        if getattr(page, "_quiet_print", False):
            return
        inform(page, f"已生成（{r.pages} 页）：\n{r.path}")

    return run_job(page, f"正在生成{title}", work, on_success=done)


def list_verbs(page) -> list:
    """导出 / 打印 of the page's list, as page_kit verbs (for a page with no printed form)."""
    return [("act_export", "导出", lambda: export_list(page), False),
            ("act_print_list", "打印", lambda: print_list(page), False)]
