"""Two clerks, one record: the dialog that shows what the other clerk saved meanwhile, field by
field (before → now), and lets this clerk reload or keep their changes and save again."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout,
    QWidget,
)

from ..core.conflicts import Change
from .page_kit import elided_tips

RELOAD, KEEP = "reload", "keep"


class ConflictDialog(QDialog):
    """`choice` is RELOAD, KEEP or None (cancelled: the editor stays as it is, nothing saved)."""

    def __init__(self, parent: QWidget | None, what: str, changes: list[Change]):
        super().__init__(parent)
        self.setWindowTitle("他人已修改这条记录")
        self.choice: str | None = None
        lay = QVBoxLayout(self)
        intro = QLabel(f"您打开{what}之后，其他人修改并保存了它；您的修改还没有保存。\n"
                       "下面是对方改动的内容（您打开时 → 现在）：")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.table = QTableWidget(len(changes), 3 + any(c.overlaps for c in changes))
        elided_tips(self.table)
        headers = ["项目", "您打开时", "现在（对方保存的）"]
        if self.table.columnCount() == 4:
            headers.append("您的修改")
        self.table.setHorizontalHeaderLabels(headers)
        for row, c in enumerate(changes):
            cells = [c.label, c.before, c.now] + ([c.mine or ""] if self.table.columnCount() == 4 else [])
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setToolTip(text)
                self.table.setItem(row, col, item)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        lay.addWidget(self.table)
        if not changes:
            lay.addWidget(QLabel("（对方保存时没有改动您能看到的内容。）"))
        if any(c.overlaps for c in changes):
            warn = QLabel("标出“您的修改”的项目，双方都改了：保留我的修改会用您的内容替换对方的。")
            warn.setWordWrap(True)
            warn.setStyleSheet("color: #c0392b;")
            lay.addWidget(warn)
        buttons = QDialogButtonBox()
        self.reload_button = buttons.addButton("重新载入", QDialogButtonBox.ButtonRole.ResetRole)
        self.reload_button.setToolTip("放弃您的修改，显示对方保存的版本")
        self.keep_button = buttons.addButton("保留我的修改并重新保存", QDialogButtonBox.ButtonRole.AcceptRole)
        self.keep_button.setToolTip("在对方保存的版本上重新套用您改动的项目，然后保存")
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.reload_button.clicked.connect(lambda: self._choose(RELOAD))
        self.keep_button.clicked.connect(lambda: self._choose(KEEP))
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(640, 200 + 28 * min(len(changes), 12))

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()


def ask(parent: QWidget | None, what: str, changes: list[Change]) -> str | None:
    dialog = ConflictDialog(parent, what, changes)
    dialog.exec()
    return dialog.choice
