"""打印顺序: the cadres whose 任免审批表 will print, in the order they print. The clerk reorders them
(drag, 上移, 下移), or replaces them by pasting a meeting's name list (names or ID numbers, one a
line; namesakes are asked, unknown lines listed), and chooses one merged PDF or one PDF per cadre."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QButtonGroup, QDialog, QDialogButtonBox, QFileDialog, QGroupBox, QHBoxLayout, QLabel,
    QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QRadioButton, QScrollArea,
    QVBoxLayout, QWidget,
)

from ..core.services.people_lookup import candidate_rows, resolve_people
from .common import ERROR_STYLE, fit_to_screen, shortcut
from .page_kit import elided_tips
from .widgets import mask_tail

NAMESAKE = Qt.ItemDataRole.UserRole + 1  # on a placeholder row: the pasted line's number


class PrintOrderDialog(QDialog):
    """ordered_ids() in print order; each_pdf() and folder() for one PDF per cadre."""

    def __init__(self, state, cadre_ids: list[int], parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("打印顺序 — 干部任免审批表")
        self.masked = state.actor.masked_export

        # -- the order
        self.list = QListWidget()
        elided_tips(self.list)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAlternatingRowColors(True)
        self.list.model().rowsMoved.connect(self._update)
        self.list.currentRowChanged.connect(self._update)
        self.up_button = QPushButton("上移")
        self.down_button = QPushButton("下移")
        self.remove_button = QPushButton("移除")
        self.up_button.setToolTip("上移（Ctrl+↑）")
        self.down_button.setToolTip("下移（Ctrl+↓）")
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.remove_button.clicked.connect(self.remove_current)
        shortcut(self.list, "Ctrl+Up", lambda: self.move(-1))
        shortcut(self.list, "Ctrl+Down", lambda: self.move(1))
        shortcut(self.list, Qt.Key.Key_Delete, self.remove_current)
        moves = QVBoxLayout()
        for b in (self.up_button, self.down_button, self.remove_button):
            b.setAutoDefault(False)
            moves.addWidget(b)
        moves.addStretch(1)
        order_box = QGroupBox("打印顺序（可拖动调整）")
        ol = QHBoxLayout(order_box)
        ol.addWidget(self.list, 1)
        ol.addLayout(moves)

        # -- the pasted name list
        self.paste = QPlainTextEdit()
        self.paste.setPlaceholderText("从会议名单复制姓名或身份证号，每行一人，粘贴在这里，\n再点“按名单替换”：打印顺序即名单顺序。")
        self.replace_button = QPushButton("按名单替换")
        self.replace_button.setAutoDefault(False)
        self.replace_button.clicked.connect(self.replace_from_paste)
        self.problems = QLabel()
        self.problems.setStyleSheet(ERROR_STYLE)
        self.problems.setWordWrap(True)
        self.problems.setVisible(False)
        self.namesakes_area = QWidget()
        self.namesakes_layout = QVBoxLayout(self.namesakes_area)
        self.namesakes_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        inner = QWidget()
        il = QVBoxLayout(inner)
        il.addWidget(self.problems)
        il.addWidget(self.namesakes_area)
        il.addStretch(1)
        scroll.setWidget(inner)
        paste_box = QGroupBox("粘贴会议名单")
        pl = QVBoxLayout(paste_box)
        pl.addWidget(self.paste, 1)
        pl.addWidget(self.replace_button)
        pl.addWidget(scroll, 2)
        self.namesake_groups: dict[int, QButtonGroup] = {}

        # -- one PDF or one per cadre
        self.merged = QRadioButton("合并为一个PDF（预览后打印）")
        self.each = QRadioButton("每人一个PDF，保存到文件夹：")
        self.merged.setChecked(True)
        self.folder_edit = QLineEdit(state.last_folder())
        self.folder_button = QPushButton("选择…")
        self.folder_button.setAutoDefault(False)
        self.folder_button.clicked.connect(self.choose_folder)
        self.each.toggled.connect(self._update)
        how = QHBoxLayout()
        how.addWidget(self.merged)
        how.addSpacing(16)
        how.addWidget(self.each)
        how.addWidget(self.folder_edit, 1)
        how.addWidget(self.folder_button)

        self.count = QLabel()
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addWidget(self.message, 1)
        bottom.addWidget(buttons)

        top = QHBoxLayout()
        top.addWidget(order_box, 3)
        top.addWidget(paste_box, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addLayout(how)
        layout.addLayout(bottom)
        fit_to_screen(self, 900, 560)

        self.set_ids(cadre_ids)
        self.list.setFocus()

    # -- the list -------------------------------------------------------------------------------
    def _text(self, c: dict) -> str:
        idn = mask_tail(c["id_number"]) if self.masked else c["id_number"]
        return "　".join(x for x in (c["name"], c.get("unit") or "", c.get("post") or "", idn or "") if x)

    def _rows(self, ids: list[int]) -> dict[int, dict]:
        with self.state.session() as s:
            return {c["id"]: c for c in candidate_rows(s, ids)}

    def _cadre_item(self, c: dict) -> QListWidgetItem:
        item = QListWidgetItem(self._text(c))
        item.setData(Qt.ItemDataRole.UserRole, c["id"])
        return item

    def set_ids(self, ids: list[int]) -> None:
        rows = self._rows(ids)
        self.list.clear()
        for cid in ids:
            if cid in rows:
                self.list.addItem(self._cadre_item(rows[cid]))
        if self.list.count():
            self.list.setCurrentRow(0)
        self._update()

    def ordered_ids(self) -> list[int]:
        """The cadres in print order (rows still waiting for a namesake choice are not counted)."""
        ids = (self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count()))
        return [i for i in ids if i is not None]

    def pending_namesakes(self) -> int:
        return sum(1 for i in range(self.list.count()) if self.list.item(i).data(NAMESAKE) is not None
                   and self.list.item(i).data(Qt.ItemDataRole.UserRole) is None)

    def move(self, step: int) -> None:
        row = self.list.currentRow()
        to = row + step
        if row < 0 or not 0 <= to < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(to, item)
        self.list.setCurrentRow(to)
        self._update()

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self._update()

    # -- the pasted list ------------------------------------------------------------------------
    def replace_from_paste(self) -> None:
        """The order becomes the pasted list's order; a namesake line waits in its place for the
        clerk's choice; unknown and repeated lines are listed."""
        lines = [line for line in self.paste.toPlainText().splitlines() if line.strip()]
        if not lines:
            return
        slots: list[tuple[str, object]] = []  # ("id", cadre_id) or ("namesake", (line, candidates))
        unknown: list[str] = []
        repeated: list[str] = []
        seen: set[int] = set()
        with self.state.session() as s:
            for line in lines:
                res = resolve_people(s, [line])
                if res.ambiguous:
                    slots.append(("namesake", res.ambiguous[0]))
                elif res.ids:
                    if res.ids[0] in seen:
                        repeated.append(line.strip())
                    else:
                        seen.add(res.ids[0])
                        slots.append(("id", res.ids[0]))
                else:
                    unknown.extend(res.unknown or [line.strip()])
        rows = self._rows([v for k, v in slots if k == "id"])
        self.list.clear()
        self._clear_namesakes()
        for n, (kind, value) in enumerate(slots):
            if kind == "id":
                self.list.addItem(self._cadre_item(rows[value]))
                continue
            line, candidates = value
            item = QListWidgetItem(f"“{line}”同名 {len(candidates)} 人：请在右侧选择")
            item.setData(NAMESAKE, n)
            item.setForeground(QBrush(QColor("#c0392b")))
            self.list.addItem(item)
            self._add_namesake_choice(n, line, candidates, item)
        problems = [f"未找到：{line}" for line in unknown]
        problems += [f"重复（只打印一次）：{line}" for line in repeated]
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        if self.list.count():
            self.list.setCurrentRow(0)
        self._update()

    def _clear_namesakes(self) -> None:
        while self.namesakes_layout.count():
            w = self.namesakes_layout.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        self.namesake_groups = {}

    def _add_namesake_choice(self, n: int, line: str, candidates: list[dict], item: QListWidgetItem) -> None:
        box = QGroupBox(f"“{line}”有 {len(candidates)} 人同名，请选择一人：")
        bl = QVBoxLayout(box)
        group = QButtonGroup(box)
        for c in candidates:
            radio = QRadioButton(self._text(c))
            group.addButton(radio, c["id"])
            bl.addWidget(radio)
        self.namesake_groups[n] = group

        def chosen(button, on) -> None:
            if not on:
                return
            c = next(x for x in candidates if x["id"] == group.id(button))
            if any(i == c["id"] for i in self.ordered_ids()) and item.data(Qt.ItemDataRole.UserRole) != c["id"]:
                self.message.setText(f"{c['name']}已在打印顺序中。")
                return
            item.setData(Qt.ItemDataRole.UserRole, c["id"])
            item.setText(self._text(c))
            item.setForeground(QBrush())
            self._update()

        group.buttonToggled.connect(chosen)
        self.namesakes_layout.addWidget(box)

    # -- how ------------------------------------------------------------------------------------
    def each_pdf(self) -> bool:
        return self.each.isChecked()

    def folder(self) -> str:
        return self.folder_edit.text().strip()

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "保存到文件夹", self.folder() or self.state.last_folder())
        if folder:
            self.folder_edit.setText(folder)

    def _update(self, *_args) -> None:
        n = len(self.ordered_ids())
        pending = self.pending_namesakes()
        self.count.setText(f"共 {n} 人" + (f"，{pending} 个同名待选择" if pending else ""))
        self.folder_edit.setEnabled(self.each.isChecked())
        self.folder_button.setEnabled(self.each.isChecked())
        self.message.setText("")
        row = self.list.currentRow()
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < self.list.count() - 1)
        self.remove_button.setEnabled(row >= 0)
        self.ok_button.setEnabled(n > 0 and not pending)

    def try_accept(self) -> bool:
        if self.pending_namesakes():
            self.message.setText("还有同名的干部没有选择，请在右侧选定后再打印。")
            return False
        if not self.ordered_ids():
            self.message.setText("打印顺序中没有干部。")
            return False
        if self.each_pdf():
            folder = self.folder()
            if not folder:
                self.message.setText("请选择保存的文件夹。")
                return False
            if Path(folder).exists() and not Path(folder).is_dir():
                self.message.setText(f"“{folder}”不是文件夹。")
                return False
        self.accept()
        return True
