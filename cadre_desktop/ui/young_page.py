"""年轻干部库: the in-service young cadres, grouped by age band or by cadre level."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QIdentityProxyModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QRadioButton,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ..core.services import cadres
from .common import shortcut
from .jobs import Loads
from .list_kit import export_list, install_copy, print_list
from .models import ID_ROLE, RosterModel
from .page_kit import RefreshWhenShown, header_apart, search_line
from .roster_lists import ColumnChooser, StructureDialog, batch_menu
from .state import AppState

GROUPINGS = (("band", "按年龄段"), ("level", "按干部层级"))
# The roster's columns: the pool's own six first (shown by default), then the rest (显示列).
_ROSTER = dict((*cadres.ROSTER_COLUMNS, *cadres.ROSTER_MORE_COLUMNS))
FIRST = ("name", "age", "unit", "post", "level", "reserve")
KEYS = (*FIRST, *(k for k in _ROSTER if k not in FIRST))
COLUMNS = tuple(_ROSTER[k] for k in KEYS)
CENTRED = {"age", "sex", "birth", "reserve", "tag"}
GROUP_NAMES = {"未定": "层级未定"}
GROUP_ROLE = Qt.ItemDataRole.UserRole + 3
class PoolModel(QIdentityProxyModel):
    """The pool as a two-level model: group rows `≤30（12人）` with their cadres under them.

    The tree's shape is a QStandardItemModel skeleton whose cadre rows are empty (`setRowCount`), so
    the view lays out tens of thousands of rows without calling Python once per row (so no Python
    index, parent or flags here: an empty cell is selectable and enabled, and the view edits
    nothing); the cells of a cadre are formatted (as the roster formats them) when shown."""

    def __init__(self, fmt: RosterModel, parent: QObject | None = None):
        super().__init__(parent)
        self.fmt = fmt
        self.groups: list[tuple[str, list[dict]]] = []
        self._texts: dict[int, list[str]] = {}
        self.set_groups([])

    def set_groups(self, groups: list[tuple[str, list[dict]]]) -> None:
        skeleton = QStandardItemModel(0, len(KEYS), self)
        skeleton.setHorizontalHeaderLabels(list(COLUMNS))
        bold = QFont()
        bold.setBold(True)
        for key, rows in groups:
            item = QStandardItem(f"{GROUP_NAMES.get(key, key)}（{len(rows)}人）")
            item.setData(key, GROUP_ROLE)
            item.setFont(bold)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            if not rows:
                item.setForeground(QBrush(QColor("#888")))
            item.setColumnCount(len(KEYS))
            item.setRowCount(len(rows))
            skeleton.appendRow(item)
        old = self.sourceModel()
        self.groups = groups
        self._texts.clear()
        self.setSourceModel(skeleton)  # one reset
        if old is not None:
            old.deleteLater()

    def cadre(self, index: QModelIndex | QPersistentModelIndex) -> dict | None:
        parent = index.parent()
        if not index.isValid() or not parent.isValid():
            return None
        return self.groups[parent.row()][1][index.row()]

    def group_key(self, index: QModelIndex | QPersistentModelIndex) -> str | None:
        return self.groups[index.row()][0] if index.isValid() and not index.parent().isValid() else None

    def tree_reader(self, cols: list[tuple[int, str, str]], only: set[tuple[int, int]] | None = None):
        """For list_kit (导出, 打印, Ctrl+C): a function reading the shown values of the rows under
        the groups ((group, row) in `only`, else all) from a snapshot, safe off the GUI thread."""
        groups, fmt = list(self.groups), self.fmt

        def read(progress=None, cancelled=None) -> list[list]:
            out = []
            for g, (key, rows) in enumerate(groups):
                label = GROUP_NAMES.get(key, key)
                for i, r in enumerate(rows):
                    if only is None or (g, i) in only:
                        out.append([label if c < 0 else str(fmt.display(KEYS[c], r)) for c, _k, _h in cols])
            return out

        return read

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r = self.cadre(index)
        if r is None:
            return super().data(index, role)
        if role == Qt.ItemDataRole.DisplayRole:
            got = self._texts.get(r["id"])
            if got is None:
                got = self._texts[r["id"]] = [str(self.fmt.display(k, r)) for k in KEYS]
            return got[index.column()]
        if role == ID_ROLE:
            return r["id"]
        if role == Qt.ItemDataRole.TextAlignmentRole and KEYS[index.column()] in CENTRED:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class YoungPage(RefreshWhenShown, QWidget):
    """The pool as a tree: group nodes `≤30（12人）` with the cadres under them.
    Double-click or Enter on a cadre emits `open_cadre(id)`; the window opens the editor.
    The pool ("pool") and what the search matches ("matches") are read on the page's query thread."""

    open_cadre = Signal(int)
    # in-service young cadres in their units; the age bound is a setting
    SHOWS = frozenset({"cadre", "unit", "setting"})

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.pool: dict = {"bound": 35, "total": 0, "by_band": {}, "by_level": {}}
        self.matching: set[int] | None = None  # ids the search matches; None: no search
        self._retired: list[dict] = []  # rows of an earlier pool, freed a slice at a time
        self.loads = Loads(self)

        self.title = QLabel()
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)

        self.by_band = QRadioButton("按年龄段")
        self.by_level = QRadioButton("按干部层级")
        self.grouping = QButtonGroup(self)
        self.grouping.addButton(self.by_band, 0)
        self.grouping.addButton(self.by_level, 1)
        self.by_band.setChecked(True)
        self.search = search_line("搜索姓名、拼音首字母或全拼")
        self.search.setMaxLength(cadres.MAX_SEARCH)
        self.count = QLabel()

        row = QHBoxLayout()
        row.addWidget(QLabel("分组："))
        row.addWidget(self.by_band)
        row.addWidget(self.by_level)
        row.addSpacing(16)
        row.addWidget(self.search, 1)
        row.addWidget(self.count)
        self.toolbar = QToolBar()
        self.act_export = self.toolbar.addAction("导出", lambda: export_list(self))
        self.act_export.setToolTip("把当前列表（显示的行和列，按当前分组）导出为 Excel 工作簿")
        self.act_print_list = self.toolbar.addAction("打印", lambda: print_list(self))
        self.act_print_list.setToolTip("打印当前列表（横向，每页重复表头）")
        self.toolbar.addSeparator()
        self.act_columns = self.toolbar.addAction("显示列", self.choose_columns)
        self.act_columns.setToolTip("选择列表显示的列（与干部档案相同的各列）")
        self.act_structure = self.toolbar.addAction("统计", self.show_structure)
        self.act_structure.setToolTip("按单位统计年轻干部的年龄段、性别、学历、民族、政治面貌、层级结构")
        self.batch_menu = batch_menu(self)
        self.act_batch = self.toolbar.addAction("批量", lambda: self.batch_menu.exec(
            self.toolbar.mapToGlobal(self.toolbar.actionGeometry(self.act_batch).bottomLeft())))
        self.act_batch.setMenu(self.batch_menu)
        self.act_batch.setToolTip("对所选干部批量操作（可按住 Ctrl 或 Shift 多选）")
        for act in self.batch_menu.actions()[:6]:
            act.setVisible(state.actor.can("edit"))
        self._fmt = RosterModel(tuple(zip(KEYS, COLUMNS)), lambda ids: [], None, self)
        self._fmt.masked = state.actor.masked_export

        self.model = PoolModel(self._fmt, self)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        header_apart(self.tree)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        install_copy(self.tree)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setStyleSheet("QTreeView::item { padding: 3px 0; }")
        self.tree.setExpandsOnDoubleClick(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for col, width in enumerate((150, 50, 170, 360, 90, 70, *(86,) * (len(KEYS) - 6))):
            self.tree.setColumnWidth(col, width)
        # A group opens and closes on double-click by itself; a cadre row opens the cadre.
        self.tree.doubleClicked.connect(lambda index: index.parent().isValid() and self._open(index))
        self._collapsed: dict[str, set[str]] = {}
        self._building = False
        self._enter_after_search = False
        self.tree.collapsed.connect(lambda index: self._remember_open(index, False))
        self.tree.expanded.connect(lambda index: self._remember_open(index, True))

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.toolbar)
        layout.addLayout(row)
        layout.addWidget(self.tree, 1)

        self.search.searched.connect(lambda _t: self._query_matches())
        self.grouping.idToggled.connect(lambda _id, checked: checked and self.rebuild())
        shortcut(self, "Ctrl+F", self.focus_search)
        shortcut(self.tree, Qt.Key.Key_Return, lambda: self._open(self.tree.currentIndex()))
        shortcut(self.tree, Qt.Key.Key_Enter, lambda: self._open(self.tree.currentIndex()))
        self.search.returnPressed.connect(self._search_enter)

        self.restore_settings()
        state.changes.changed.connect(self._changed)
        self._stale = True  # read when first shown

    # -- data ---------------------------------------------------------------------------------
    def grouping_key(self) -> str:
        return "level" if self.by_level.isChecked() else "band"

    def set_grouping(self, key: str) -> None:
        (self.by_level if key == "level" else self.by_band).setChecked(True)

    def _matches(self, text: str) -> set[int] | None:  # on the query thread
        """The search matches what the roster's does (name, pinyin initials, full pinyin), in SQL."""
        if not text:
            return None
        with self.state.session(read_only=True) as s:
            return set(cadres.roster_ids(s, cadres.RosterFilter(
                search=text, young=True, status="在职", hide_numbers=self.state.actor.masked_export)))

    def refresh(self, *, wait: bool = False) -> None:
        """Read the pool (and what the search matches) again; `wait=True` has it here."""
        self._stale = False
        text = self.search.text().strip()

        def fetch() -> tuple[dict, set[int] | None]:
            with self.state.session(read_only=True) as s:
                pool = cadres.young_pool(s)
            return pool, self._matches(text)

        def apply(answer: tuple[dict, set[int] | None]) -> None:
            self._retire(self.pool)
            self.pool, self.matching = answer
            self.rebuild()

        if self.loads.is_pending("matches"):  # this read answers the search too
            self.loads.cancel("matches")
        self.loads.run("pool", fetch, apply, wait=wait)

    def _retire(self, pool: dict) -> None:
        """Let go of a pool read before, a slice of rows at a time: freeing tens of thousands of rows
        at once holds the GUI thread for a tenth of a second."""
        self._retired.extend(r for rows in pool["by_level"].values() for r in rows)
        self._retired.extend(r for rows in pool["by_band"].values() for r in rows)
        if self._retired:
            QTimer.singleShot(0, self, self._free_some)

    def _free_some(self) -> None:
        del self._retired[-1000:]
        if self._retired:
            QTimer.singleShot(0, self, self._free_some)

    def _query_matches(self, *, wait: bool = False) -> None:
        text = self.search.text().strip()

        def apply(matching: set[int] | None) -> None:
            self.matching = matching
            self.rebuild()
            if self._enter_after_search:
                self._enter_after_search = False
                self._search_enter()

        self.loads.run("matches", lambda: self._matches(text), apply, wait=wait)

    def groups(self) -> dict[str, list[dict]]:
        return self.pool["by_level" if self.grouping_key() == "level" else "by_band"]

    def rebuild(self) -> None:
        """Show the pool in the chosen grouping, filtered by the search (one model reset)."""
        keep = self.selected_id()
        collapsed = self._collapsed.setdefault(self.grouping_key(), set())
        self._building = True
        groups = []
        for key, rows in self.groups().items():
            if self.matching is not None:
                rows = [r for r in rows if r["id"] in self.matching]
            groups.append((key, rows))
        self.model.set_groups(groups)
        root = QModelIndex()
        for g, (key, rows) in enumerate(groups):
            self.tree.setFirstColumnSpanned(g, root, True)
            # Groups start open; one the clerk closed stays closed across refreshes.
            self.tree.setExpanded(self.model.index(g, 0), bool(rows) and key not in collapsed)
        self._building = False
        shown = sum(len(rows) for _k, rows in groups)
        self.title.setText(f"年轻干部（{self.pool['bound']}岁及以下）共 {self.pool['total']} 人")
        self.count.setText("" if self.matching is None else f"找到 {shown} 人")
        if keep is not None:
            self.select_id(keep)

    def _remember_open(self, index: QModelIndex, is_open: bool) -> None:
        key = self.model.group_key(index)
        if self._building or key is None:
            return
        collapsed = self._collapsed.setdefault(self.grouping_key(), set())
        (collapsed.discard if is_open else collapsed.add)(key)

    # -- selection -----------------------------------------------------------------------------
    def cadre_indexes(self, group: int | None = None) -> list[QModelIndex]:
        """The first-column index of each cadre shown (of one group when given), top to bottom."""
        groups = range(len(self.model.groups)) if group is None else [group]
        out = []
        for g in groups:
            parent = self.model.index(g, 0)
            out += [self.model.index(r, 0, parent) for r in range(self.model.rowCount(parent))]
        return out

    def shown_rows(self) -> list[dict]:
        return [r for _k, rows in self.model.groups for r in rows]

    def selected_id(self) -> int | None:
        r = self.model.cadre(self.tree.currentIndex())
        return r["id"] if r is not None else None

    def select_id(self, cadre_id: int) -> None:
        for g, (_k, rows) in enumerate(self.model.groups):
            for i, r in enumerate(rows):
                if r["id"] == cadre_id:
                    index = self.model.index(i, 0, self.model.index(g, 0))
                    self.tree.setCurrentIndex(index)
                    self.tree.scrollTo(index)
                    return

    def _open(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        if not index.parent().isValid():  # a group: Enter opens or closes it
            index = index.siblingAtColumn(0)
            self.tree.setExpanded(index, not self.tree.isExpanded(index))
            return
        self.open_cadre.emit(int(index.data(ID_ROLE)))

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _search_enter(self) -> None:
        if self.loads.is_pending("matches") or self.loads.is_pending("pool"):
            self._enter_after_search = True  # act on the answer to what was typed
            return
        rows = self.shown_rows()
        if len(rows) == 1:
            self.select_id(rows[0]["id"])
            self._open(self.tree.currentIndex())
        elif rows:
            self.tree.setFocus()
            if self.selected_id() is None:
                self.select_id(rows[0]["id"])

    # -- the roster's columns, 统计, 批量 ------------------------------------------------------------
    def shown_keys(self) -> list[str]:
        header = self.tree.header()
        return [KEYS[c] for c in range(len(KEYS)) if not header.isSectionHidden(c)]

    def set_columns(self, keys) -> None:
        keys = set(keys) | {"name"}
        for c, key in enumerate(KEYS):
            self.tree.setColumnHidden(c, key not in keys)
        self.state.settings.setValue("young/columns", [k for k in KEYS if k in keys])

    def choose_columns(self) -> None:
        self.column_dialog = ColumnChooser(list(zip(KEYS, COLUMNS)), set(self.shown_keys()), self)
        if self.column_dialog.exec():
            self.set_columns(self.column_dialog.chosen())

    def show_structure(self) -> StructureDialog:
        flt = cadres.RosterFilter(young=True, status="在职", search=self.search.text().strip())
        text = f"在职年轻干部（{self.pool['bound']}岁及以下）" + (f"、检索“{flt.search}”" if flt.search else "")
        self.structure = StructureDialog(self.state, flt, text, self)
        self.structure.open()
        return self.structure

    def selected_ids(self) -> list[int]:
        rows = (self.model.cadre(i) for i in self.tree.selectionModel().selectedRows())
        return [r["id"] for r in rows if r is not None]

    def cadre_names(self, ids: list[int]) -> dict[int, str]:
        wanted = set(ids)
        return {r["id"]: r["name"] for r in self.shown_rows() if r["id"] in wanted}

    # -- remembering ---------------------------------------------------------------------------
    def save_settings(self) -> None:
        st = self.state.settings
        st.setValue("young/header", self.tree.header().saveState())
        st.setValue("young/grouping", self.grouping_key())

    def restore_settings(self) -> None:
        st = self.state.settings
        header = st.value("young/header")
        if header is not None:
            self.tree.header().restoreState(header)
        chosen = st.value("young/columns")
        if isinstance(chosen, str):
            chosen = [chosen]
        self.set_columns(chosen if chosen else FIRST)
        self.grouping.blockSignals(True)
        self.set_grouping(str(st.value("young/grouping", "band")))
        self.grouping.blockSignals(False)
