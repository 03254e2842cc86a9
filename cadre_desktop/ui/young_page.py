"""年轻干部库: the in-service young cadres, grouped by age band or by cadre level."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.services import cadres
from .common import shortcut
from .models import ID_ROLE
from .state import AppState

GROUPINGS = (("band", "按年龄段"), ("level", "按干部层级"))
COLUMNS = ("姓名", "年龄", "单位", "现任职务", "干部层级", "后备干部")
GROUP_NAMES = {"未定": "层级未定"}
GROUP_ROLE = Qt.ItemDataRole.UserRole + 3


class YoungPage(QWidget):
    """The pool as a tree: group nodes `≤30（12人）` with the cadres under them.
    Double-click or Enter on a cadre emits `open_cadre(id)`; the window opens the editor."""

    open_cadre = Signal(int)

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.pool: dict = {"bound": 35, "total": 0, "by_band": {}, "by_level": {}}
        self.matching: set[int] | None = None  # ids the search matches; None: no search

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
        self.search = QLineEdit()
        self.search.setMaxLength(cadres.MAX_SEARCH)
        self.search.setPlaceholderText("搜索姓名、拼音首字母或全拼")
        self.search.setClearButtonEnabled(True)
        self.count = QLabel()

        row = QHBoxLayout()
        row.addWidget(QLabel("分组："))
        row.addWidget(self.by_band)
        row.addWidget(self.by_level)
        row.addSpacing(16)
        row.addWidget(self.search, 1)
        row.addWidget(self.count)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setStyleSheet("QTreeView::item { padding: 3px 0; }")
        self.tree.setExpandsOnDoubleClick(True)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for col, width in enumerate((150, 50, 170, 360, 90, 70)):
            self.tree.setColumnWidth(col, width)
        # A group opens and closes on double-click by itself; a cadre row opens the cadre.
        self.tree.itemDoubleClicked.connect(lambda item, _c: item.parent() is not None and self._open(item))
        self._collapsed: dict[str, set[str]] = {}
        self._building = False
        self.tree.itemCollapsed.connect(lambda item: self._remember_open(item, False))
        self.tree.itemExpanded.connect(lambda item: self._remember_open(item, True))

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(row)
        layout.addWidget(self.tree, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(80)
        self._timer.timeout.connect(self._search_changed)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.grouping.idToggled.connect(lambda _id, checked: checked and self.rebuild())
        shortcut(self, "Ctrl+F", self.focus_search)
        shortcut(self.tree, Qt.Key.Key_Return, lambda: self._open(self.tree.currentItem()))
        shortcut(self.tree, Qt.Key.Key_Enter, lambda: self._open(self.tree.currentItem()))
        self.search.returnPressed.connect(self._search_enter)

        self.restore_settings()
        state.changes.changed.connect(self._changed)
        self.refresh()

    # -- data ---------------------------------------------------------------------------------
    def grouping_key(self) -> str:
        return "level" if self.by_level.isChecked() else "band"

    def set_grouping(self, key: str) -> None:
        (self.by_level if key == "level" else self.by_band).setChecked(True)

    def refresh(self) -> None:
        with self.state.session() as s:
            self.pool = cadres.young_pool(s)
        self._query_matches()
        self.rebuild()

    def _search_changed(self) -> None:
        self._query_matches()
        self.rebuild()

    def _query_matches(self) -> None:
        """The search matches what the roster's does (name, pinyin initials, full pinyin), in SQL."""
        text = self.search.text().strip()
        if not text:
            self.matching = None
            return
        with self.state.session() as s:
            self.matching = set(cadres.roster_ids(s, cadres.RosterFilter(
                search=text, young=True, status="在职", hide_numbers=self.state.actor.masked_export)))

    def groups(self) -> dict[str, list[dict]]:
        return self.pool["by_level" if self.grouping_key() == "level" else "by_band"]

    def rebuild(self) -> None:
        keep = self.selected_id()
        collapsed = self._collapsed.setdefault(self.grouping_key(), set())
        self._building = True
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        grey = QBrush(QColor("#888"))
        shown = 0
        for key, rows in self.groups().items():
            if self.matching is not None:
                rows = [r for r in rows if r["id"] in self.matching]
            group = QTreeWidgetItem([f"{GROUP_NAMES.get(key, key)}（{len(rows)}人）"])
            group.setData(0, GROUP_ROLE, key)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            if not rows:
                group.setForeground(0, grey)
            for r in rows:
                item = QTreeWidgetItem([
                    r["name"] or "", "" if r["age"] is None else str(r["age"]), r["unit"] or "", r["post"] or "",
                    r["level"] or "", "是" if r["reserve"] else "",
                ])
                item.setData(0, ID_ROLE, r["id"])
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignCenter)
                item.setTextAlignment(5, Qt.AlignmentFlag.AlignCenter)
                group.addChild(item)
            self.tree.addTopLevelItem(group)
            group.setFirstColumnSpanned(True)
            # Groups start open; one the clerk closed stays closed across refreshes.
            group.setExpanded(bool(rows) and key not in collapsed)
            shown += len(rows)
        self.tree.setUpdatesEnabled(True)
        self._building = False
        self.title.setText(f"年轻干部（{self.pool['bound']}岁及以下）共 {self.pool['total']} 人")
        self.count.setText("" if self.matching is None else f"找到 {shown} 人")
        if keep is not None:
            self.select_id(keep)

    def _remember_open(self, item: QTreeWidgetItem, is_open: bool) -> None:
        if self._building or item.parent() is not None:
            return
        collapsed = self._collapsed.setdefault(self.grouping_key(), set())
        (collapsed.discard if is_open else collapsed.add)(item.data(0, GROUP_ROLE))

    def _changed(self, entities: set) -> None:
        if entities & {"cadre", "unit", "setting", "*"}:
            self.refresh()

    # -- selection -----------------------------------------------------------------------------
    def cadre_items(self, group: QTreeWidgetItem | None = None) -> list[QTreeWidgetItem]:
        groups = [group] if group is not None else [self.tree.topLevelItem(i)
                                                    for i in range(self.tree.topLevelItemCount())]
        return [g.child(j) for g in groups for j in range(g.childCount())]

    def selected_id(self) -> int | None:
        item = self.tree.currentItem()
        return item.data(0, ID_ROLE) if item is not None and item.parent() is not None else None

    def select_id(self, cadre_id: int) -> None:
        for item in self.cadre_items():
            if item.data(0, ID_ROLE) == cadre_id:
                self.tree.setCurrentItem(item)
                self.tree.scrollToItem(item)
                return

    def _open(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        if item.parent() is None:  # a group: Enter opens or closes it
            item.setExpanded(not item.isExpanded())
            return
        self.open_cadre.emit(int(item.data(0, ID_ROLE)))

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _search_enter(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self._search_changed()
        items = self.cadre_items()
        if len(items) == 1:
            self.tree.setCurrentItem(items[0])
            self._open(items[0])
        elif items:
            self.tree.setFocus()
            if self.selected_id() is None:
                self.tree.setCurrentItem(items[0])

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
        self.grouping.blockSignals(True)
        self.set_grouping(str(st.value("young/grouping", "band")))
        self.grouping.blockSignals(False)
