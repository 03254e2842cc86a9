"""规则检查: the department's rules checked against the records, findings grouped by rule, and
the reminders in their own groups. Selecting a finding shows the batches, units and cadres it
names; double-clicking a cadre (or Enter) emits `open_cadre(id)` and the window opens the file.
Units and batches are shown as text only: they open nothing.

The check runs when the page is shown and again on any change while it is shown, off the GUI
thread (the page's Loads); only the newest check's answer is shown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QLabel, QPushButton, QSplitter, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
    QWidget,
)

from .list_kit import export_list, install_copy, print_list
from ..core.reports import rules
from .common import shortcut
from .jobs import Loads
from .page_kit import SINGLE, RefreshWhenShown, make_table
from .report_kit import TextTableModel
from .models import ID_ROLE
from .state import AppState
from .widgets import mask_tail

FINDING_ROLE = Qt.ItemDataRole.UserRole + 5
# (header, key): the post, often long, comes last and takes the spare width.
CADRE_COLUMNS = (("姓名", "name"), ("单位", "unit"), ("班子职务", "team_role"), ("核对年龄", "age"),
                 ("身份证号", "id_number"), ("现任职务", "post"))
AGE_COLUMN = 3
GREY = QColor("#888")
RED = QColor("#b03a2e")


class RulesPage(RefreshWhenShown, QWidget):
    # the batches (appointments), the teams (cadres, units), the reminders (mentoring pairs)
    SHOWS = frozenset({"cadre", "unit", "appointment", "mentoring", "setting"})
    open_cadre = Signal(int)

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.found: list[rules.Finding] = []
        self.loaded = False  # a check has finished at least once
        self._stale = True  # records changed while the page was hidden: check when shown
        self.loads = Loads(self)

        self.title = QLabel("规则检查")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.summary = QLabel()
        self.recheck = QPushButton("重新检查")
        self.recheck.setToolTip("按当前记录重新检查（F5）")
        self.recheck.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(12)
        top.addWidget(self.summary, 1)
        self.export_button = QPushButton("导出")
        self.export_button.setToolTip("把检查结果导出为 Excel 工作簿")
        self.export_button.clicked.connect(lambda: export_list(self))
        self.print_button = QPushButton("打印")
        self.print_button.setToolTip("打印检查结果")
        self.print_button.clicked.connect(lambda: print_list(self))
        top.addWidget(self.export_button)
        top.addWidget(self.print_button)
        top.addWidget(self.recheck)

        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(1)
        self.tree.setHeaderLabels(["问题"])
        self.tree.setProperty("groupLabel", "检查规则")
        install_copy(self.tree)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setWordWrap(True)
        self.tree.setStyleSheet("QTreeView::item { padding: 4px 0; }")
        self.tree.currentItemChanged.connect(lambda item, _prev: self._show(item))
        self.tree.itemDoubleClicked.connect(lambda item, _c: self._open_only_cadre(item))

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rule_label = QLabel()
        self.rule_label.setStyleSheet("color: #555;")
        self.rule_label.setWordWrap(True)
        self.batches = QLabel()
        self.units = QLabel()
        for label in (self.batches, self.units):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # A finding can name thousands of cadres at a province's size: a model, no item per cell.
        self.cadres_model = TextTableModel([c for c, _ in CADRE_COLUMNS], parent=self, centered={AGE_COLUMN},
                                           header_tips={AGE_COLUMN: "批次：提拔任用时的年龄；班子：今天的年龄"})
        self.cadres = make_table(self.cadres_model, mode=SINGLE, row_numbers=False,
                                 row_height=self.fontMetrics().height() + 12)
        self.cadres.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.hint = QLabel("双击干部打开其档案。")
        self.hint.setStyleSheet("color: #666;")

        detail = QWidget()
        box = QVBoxLayout(detail)
        box.setContentsMargins(8, 0, 0, 0)
        box.addWidget(self.rule_label)
        box.addWidget(self.message)
        box.addWidget(self.batches)
        box.addWidget(self.units)
        box.addWidget(self.cadres, 1)
        box.addWidget(self.hint)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([470, 620])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

        shortcut(self, "F5", self.refresh)
        shortcut(self.cadres, Qt.Key.Key_Return, lambda: self._open_row(self.cadres.currentIndex().row()))
        shortcut(self.cadres, Qt.Key.Key_Enter, lambda: self._open_row(self.cadres.currentIndex().row()))
        shortcut(self.tree, Qt.Key.Key_Return, lambda: self._open_only_cadre(self.tree.currentItem()))
        shortcut(self.tree, Qt.Key.Key_Enter, lambda: self._open_only_cadre(self.tree.currentItem()))

        self.restore_settings()
        self._show(None)
        state.changes.changed.connect(self._changed)
        self._stale = True  # checked when first shown

    # -- checking -------------------------------------------------------------------------------
    def refresh(self, *, wait: bool = False) -> None:
        """Check the records again (on the page's query thread) and rebuild the tree when it answers."""
        self._stale = False
        self.summary.setText("正在检查……")
        state = self.state

        def check() -> list:
            with state.session(read_only=True) as s:
                return list(rules.check(s))

        self.loads.run("check", check, self._apply_found, wait=wait)

    def _apply_found(self, found: list) -> None:
        self.found = found
        self.loaded = True
        self.rebuild()

    # -- the tree -------------------------------------------------------------------------------
    def groups(self) -> list[tuple[str, str, list[rules.Finding]]]:
        """(key, title, findings): every rule, then each kind of reminder that has any."""
        out = [(rule, name, [f for f in self.found if f.kind == "finding" and f.rule == rule])
               for rule, name in rules.RULES.items()]
        reminders: dict[str, list[rules.Finding]] = {}
        for f in self.found:
            if f.kind != "finding":
                reminders.setdefault(f.rule_name, []).append(f)
        out += [(f"reminder:{name}", f"提醒：{name}", items) for name, items in reminders.items()]
        return out

    def rebuild(self) -> None:
        keep = self.selected()
        keep_key = (keep.rule, keep.message) if keep else None
        self.tree.clear()
        n_findings = n_reminders = 0
        select = None
        index = {id(f): i for i, f in enumerate(self.found)}
        for key, title, items in self.groups():
            group = QTreeWidgetItem([f"{title}（{len(items)}条）" if items else f"{title}：未发现问题"])
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setData(0, ID_ROLE, key)
            if not items:
                group.setForeground(0, QBrush(GREY))
            elif not key.startswith("reminder:"):
                group.setForeground(0, QBrush(RED))
            children = []
            for f in items:
                child = QTreeWidgetItem([f.message])
                child.setToolTip(0, f.message)
                child.setData(0, FINDING_ROLE, index[id(f)])  # an index into self.found
                children.append(child)
                if keep_key == (f.rule, f.message):
                    select = child
            group.addChildren(children)  # at once: thousands of reminders at a province's size
            self.tree.addTopLevelItem(group)
            group.setExpanded(bool(items))
            if key.startswith("reminder:"):
                n_reminders += len(items)
            else:
                n_findings += len(items)
        text = f"发现 {n_findings} 处不符合规则" if n_findings else "各项规则均未发现问题"
        if n_reminders:
            text += f"，另有 {n_reminders} 条提醒"
        self.summary.setText(text + "。")
        if select is None:
            select = next((self.tree.topLevelItem(i).child(0) for i in range(self.tree.topLevelItemCount())
                           if self.tree.topLevelItem(i).childCount()), None)
        if select is not None:
            self.tree.setCurrentItem(select)
        else:
            self._show(None)

    def finding_items(self) -> list[QTreeWidgetItem]:
        return [self.tree.topLevelItem(i).child(j) for i in range(self.tree.topLevelItemCount())
                for j in range(self.tree.topLevelItem(i).childCount())]

    def finding_of(self, item: QTreeWidgetItem | None) -> rules.Finding | None:
        i = item.data(0, FINDING_ROLE) if item is not None else None
        return self.found[i] if isinstance(i, int) and 0 <= i < len(self.found) else None

    def selected(self) -> rules.Finding | None:
        return self.finding_of(self.tree.currentItem())

    # -- the detail -----------------------------------------------------------------------------
    def _show(self, item: QTreeWidgetItem | None) -> None:
        f = self.finding_of(item)
        if f is None:
            self.cadres_model.set_rows([], [])
            self.rule_label.setText("")
            self.message.setText("选择左侧的一条发现，查看它涉及的批次、单位和干部。" if self.loaded else "")
            for label in (self.batches, self.units):
                label.setVisible(False)
            self.hint.setVisible(False)
            return
        self.rule_label.setText(("提醒：" if f.kind != "finding" else "规则：") + f.rule_name)
        self.message.setText(f.message)
        self.batches.setText("批次：" + "、".join(f.batches))
        self.batches.setVisible(bool(f.batches))
        self.units.setText("单位：" + "、".join(f.units))
        self.units.setVisible(bool(f.units))
        masked = self.state.actor.masked_export
        texts, ids = [], []
        for row, c in enumerate(f.cadres):
            age = c.get("age")
            shown = dict(c, age="" if age is None else str(age),
                         id_number=mask_tail(c.get("id_number")) if masked else c.get("id_number"))
            texts.append(tuple(shown.get(key) or "" for _h, key in CADRE_COLUMNS))
            ids.append(c.get("id", f.cadre_ids[row] if row < len(f.cadre_ids) else None))
        self.cadres_model.set_rows(texts, ids)
        self.hint.setVisible(bool(f.cadres))

    def cadre_id_at(self, row: int) -> int | None:
        return self.cadres_model.cadre_id_at(row)

    def _open_row(self, row: int) -> None:
        cadre_id = self.cadre_id_at(row)
        if cadre_id is not None:
            self.open_cadre.emit(cadre_id)

    def _open_only_cadre(self, item: QTreeWidgetItem | None) -> None:
        """Double-click or Enter on a finding that names one cadre opens that cadre."""
        f = self.finding_of(item)
        if f is None:
            return
        if len(f.cadre_ids) == 1:
            self.open_cadre.emit(f.cadre_ids[0])
        elif f.cadre_ids:
            self.cadres.setFocus()
            self.cadres.selectRow(0)

    # -- remembering ----------------------------------------------------------------------------
    def save_settings(self) -> None:
        st = self.state.settings
        st.setValue("rules/splitter", self.splitter.saveState())

    def restore_settings(self) -> None:
        st = self.state.settings
        splitter = st.value("rules/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
