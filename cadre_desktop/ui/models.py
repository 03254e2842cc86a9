"""Table models. Big tables hold row ids only and fetch the rows they show, a block at a time;
filtering and sorting run in SQL (core.services)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QModelRoleDataSpan, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

ID_ROLE = Qt.ItemDataRole.UserRole + 1
RAW_ROLE = Qt.ItemDataRole.UserRole + 2
_DISPLAY = Qt.ItemDataRole.DisplayRole
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable  # (an enum's | costs 16 µs a cell)

BLOCK = 200
# What a row not read yet shows (in its first column) until its block arrives from the query thread.
PENDING = "…"
# A block asked for while the view was this many blocks away from the block asked for last is not
# read when its turn comes (the view has moved on, e.g. a scroll bar dragged through 100,000 rows);
# a view never shows more rows than this.
NEAR_BLOCKS = 5
# The blocks of rows a model keeps (the most recently read): scrolling a list of 100,000 from top
# to bottom keeps 6,000 rows, not 100,000 (whose dicts also made the collector's full passes on the
# GUI thread take most of a second).
KEPT_BLOCKS = 30
from .widgets import TAG_COLOURS  # noqa: E402,F401 - one table of the mark's colours


class LazyTableModel(QAbstractTableModel):
    """Rows are ids; `fetch(ids) -> list[dict]` reads the rows of a block when first shown.

    columns: (key, header) pairs; `sort_keys` maps a column key to the service's sort key
    (columns without one are not sortable). Subclasses may override `display`.

    A model whose fetch reads the database is given its view's Loads (`load_through`): then what
    the view paints never reads on the GUI thread. A row not read yet shows PENDING, its block is
    read on the query thread (the key "rows:<model>:<start>"; an answer for ids no longer shown is
    dropped) and its rows repaint when it arrives. `row()` still reads at once, for an action on
    a row the clerk picked (open, edit): one block.
    """

    def __init__(self, columns: Sequence[tuple[str, str]], fetch: Callable[[list[int]], list[dict]],
                 sort_keys: dict[str, str] | None = None, parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self.fetch = fetch
        self.sort_keys = sort_keys or {}
        self.ids: list[int] = []
        self._row_index: dict[int, int] | None = None  # id -> row, built on the first row_of
        self._rows: dict[int, dict] = {}
        self._blocks: OrderedDict[int, list[int]] = OrderedDict()  # block start -> its ids, oldest read first
        self.sort_column = -1
        self.sort_order = Qt.SortOrder.AscendingOrder
        self.on_sort: Callable[[str, bool], None] | None = None
        self.loads = None  # jobs.Loads: blocks read off the GUI thread (load_through)
        self._epoch = 0  # counts the sets of ids shown and invalidations: older answers are dropped
        self._asked: set[int] = set()  # block starts being read on the query thread
        self._last_asked = 0

    def load_through(self, loads) -> None:
        """Read missing blocks through the view's Loads (jobs.Loads) instead of on the GUI thread."""
        self.loads = loads

    # -- contents ---------------------------------------------------------------------------
    def set_ids(self, ids: list[int], rows: Sequence[dict] = ()) -> None:
        """Show these ids; `rows` already read (e.g. the first block, read with the ids off the GUI
        thread) are not fetched again."""
        self.beginResetModel()
        self.ids = list(ids)
        self._row_index = None
        self._forget()
        self._rows.update((r["id"], r) for r in rows)
        if rows:
            self._blocks[-1] = [r["id"] for r in rows]  # evicted like any block read
        self.endResetModel()

    def invalidate(self) -> None:
        """Forget fetched rows (records changed); the view refetches what it shows."""
        self._forget()
        if self.ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.ids) - 1, len(self.columns) - 1))

    def _forget(self) -> None:
        self._rows.clear()
        self._blocks.clear()
        self._asked.clear()
        self._epoch += 1

    def shown_row(self, row: int) -> dict | None:
        """The row as far as it has been read: None (with its block asked for) when it has not
        been, if the model reads through Loads; else row()."""
        if self.loads is None:
            return self.row(row)
        if not 0 <= row < len(self.ids):
            return None
        got = self._rows.get(self.ids[row])
        if got is None:
            self._ask(row // BLOCK * BLOCK)
        return got

    def _ask(self, start: int) -> None:
        self._last_asked = start
        if start in self._asked:
            return
        self._asked.add(start)
        block, epoch, read = self.ids[start:start + BLOCK], self._epoch, self.fetch

        def fetch() -> list[dict] | None:  # on the query thread
            if epoch != self._epoch or abs(start - self._last_asked) > NEAR_BLOCKS * BLOCK:
                return None  # the ids changed or the view moved on: not read
            return read(block)

        def apply(rows: list[dict] | None) -> None:
            if epoch != self._epoch:
                return  # other ids shown since; they ask for their own blocks
            self._asked.discard(start)
            if rows is not None:
                self._rows.update((r["id"], r) for r in rows)
                for i in block:  # a row the database no longer has shows its id only, as row() does
                    self._rows.setdefault(i, {"id": i})
                self._keep(start, block)
            # repaints the block where it is in view; a block skipped is asked for again if so
            self.dataChanged.emit(self.index(start, 0), self.index(start + len(block) - 1, len(self.columns) - 1))

        self.loads.run(f"rows:{id(self):x}:{start}", fetch, apply)  # one Loads may serve two lists

    def row(self, row: int) -> dict | None:
        if not 0 <= row < len(self.ids):
            return None
        cid = self.ids[row]
        got = self._rows.get(cid)
        if got is None:
            start = (row // BLOCK) * BLOCK
            block = self.ids[start:start + BLOCK]
            for r in self.fetch(block):
                self._rows[r["id"]] = r
            self._keep(start, block)
            got = self._rows.get(cid, {"id": cid})
        return got

    def _keep(self, start: int, block: list[int]) -> None:
        self._blocks[start] = block
        self._blocks.move_to_end(start)
        while len(self._blocks) > KEPT_BLOCKS:
            _, old = self._blocks.popitem(last=False)
            for i in old:  # a row still wanted is read again with its block
                self._rows.pop(i, None)

    def held(self, record_id: int) -> dict | None:
        """The record's row if the model has it in hand (read, not evicted), without reading it."""
        return self._rows.get(record_id)

    def id_at(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def row_of(self, record_id: int) -> int:
        """The row showing the record, -1 if none: one dict per list of ids (a list.index per
        record made reselecting thousands of rows quadratic)."""
        return self.row_index().get(record_id, -1)

    def row_index(self) -> dict[int, int]:
        """id -> row for the ids shown (built once per list of ids)."""
        if self._row_index is None:
            self._row_index = dict(zip(self.ids, range(len(self.ids))))
        return self._row_index

    # -- Qt ---------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(self.columns):
                return self.columns[section][1]
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.column() < len(self.columns):
            return None
        row = index.row()
        if role == ID_ROLE:
            return self.id_at(row)
        return self._value(row, index.column(), role, self.shown_row(row))

    def multiData(self, index: QModelIndex | QPersistentModelIndex, span: QModelRoleDataSpan) -> None:  # noqa: N802
        """The roles a delegate paints or measures a cell by, asked for at once (Qt 6): one call into
        Python per cell instead of one per role (seven). Each call into Python takes the GIL, and
        while a query thread holds it the GUI thread waits for it at every one."""
        if not index.isValid() or not 0 <= index.column() < len(self.columns):
            for rd in span:
                rd.clearData()
            return
        row, col = index.row(), index.column()
        r = self.shown_row(row)
        for rd in span:
            role = rd.role()
            rd.setData(self.id_at(row) if role == ID_ROLE else self._value(row, col, role, r))

    def _value(self, row: int, col: int, role: int, r: dict | None) -> Any:
        if r is None:  # not read yet
            return PENDING if role == _DISPLAY and col == 0 and 0 <= row < len(self.ids) else None
        key = self.columns[col][0]
        if role == _DISPLAY:
            return self.display(key, r)
        if role == RAW_ROLE:
            return r.get(key)
        return self.decorate(key, r, role)

    def display(self, key: str, r: dict) -> Any:
        v = r.get(key)
        if v is None:
            return ""
        if isinstance(v, bool):
            return "是" if v else ""
        return str(v) if not isinstance(v, (int, float)) else v

    def decorate(self, key: str, r: dict, role: int) -> Any:
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _FLAGS

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        key = self.sort_keys.get(self.columns[column][0])
        if key is None or self.on_sort is None:
            return
        self.sort_column, self.sort_order = column, order
        self.on_sort(key, order == Qt.SortOrder.DescendingOrder)


class RosterModel(LazyTableModel):
    """The roster: 姓名 … 待完善, with the tag's word (红/黄/绿) that TagBadgeDelegate paints as a badge;
    ID numbers and phones masked for an account that may only see them masked (`masked`)."""

    masked = False
    TAG_LEGEND = ("容错纠错标记：红 / 黄 / 绿，认定后一段时间内（设置中的月数）显示；"
                  "鼠标停在标记上可看到认定的事项")

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if (role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.columns) and self.columns[section][0] == "tag"):
            return self.TAG_LEGEND
        return super().headerData(section, orientation, role)

    def display(self, key: str, r: dict) -> Any:
        if key == "incomplete":
            return "待完善" if r.get("incomplete") else ""
        if key == "tag":
            return r.get("tag") or ""
        if self.masked and key in ("id_number", "phone"):
            from ..core.masking import mask

            return mask(key, r.get(key)) or ""
        return super().display(key, r)

    def export_value(self, key: str, r: dict) -> Any:
        """What a list export or print shows: the tag's colour in words rather than the mark."""
        if key == "tag":
            return r.get("tag") or ""
        return self.display(key, r)

    def decorate(self, key: str, r: dict, role: int) -> Any:
        if key == "tag" and r.get("tag"):
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(TAG_COLOURS.get(r["tag"], "#888888")))
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"容错纠错{r['tag']}色标记：{r.get('tag_case') or ''}"
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignCenter)
        if key == "incomplete" and r.get("incomplete") and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#c0392b"))
        if key == "incomplete" and r.get("incomplete") and role == Qt.ItemDataRole.ToolTipRole:
            missing = [n for n, k in (("工作单位", "unit"), ("干部层级", "level")) if not r.get(k)]
            return "缺少" + "、".join(missing) + "，请打开档案补全"
        if key in ("age", "birth", "sex") and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None
