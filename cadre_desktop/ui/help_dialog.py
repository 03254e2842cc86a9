"""帮助 → 使用手册: the user's manual (docs/使用手册.md, with its pictures) shown in the window.

The manual travels with the program: core.resources finds docs/ in a source checkout, an installed
package and a frozen build, so the window shows the same text a reader of the repository sees.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut, QTextCursor, QTextDocument
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QHBoxLayout, QTextBrowser, QVBoxLayout, QWidget

from ..core.resources import resource_path
from .common import fit_to_screen

MANUAL = "使用手册.md"


def manual_path():
    return resource_path("docs", MANUAL)


class ManualDialog(QDialog):
    """The manual as formatted text with its pictures; Ctrl+F finds a word, links to the other
    documents beside it open in place."""

    def __init__(self, parent: QWidget | None = None, document: str = MANUAL):
        super().__init__(parent)
        self.setWindowTitle("使用手册")
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._follow)
        self.find = QLineEdit()
        self.find.setPlaceholderText("查找（回车找下一处）")
        self.find.setClearButtonEnabled(True)
        self.find.returnPressed.connect(self.find_next)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.find, 1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addLayout(row)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.find.setFocus)
        self.load(document)
        fit_to_screen(self, 980, 680)

    def load(self, document: str) -> None:
        path = resource_path("docs", document)
        if not path.is_file():
            self.browser.setPlainText(f"找不到帮助文件：{path}\n\n请重新安装本程序。")
            return
        # Pictures and links in the manual are relative to its folder.
        self.browser.document().setBaseUrl(QUrl.fromLocalFile(str(path.parent) + "/"))
        self.browser.setSearchPaths([str(path.parent)])
        self.browser.setMarkdown(path.read_text(encoding="utf-8"))
        self.current = document
        self._fit_images()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self._fit_images()

    def _fit_images(self) -> None:
        """Pictures (screenshots at 1366 px) scaled down to the width of the page, never up."""
        doc = self.browser.document()
        room = max(200, self.browser.viewport().width() - 40)
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                fmt = fragment.charFormat()
                if fmt.isImageFormat():
                    image_fmt = fmt.toImageFormat()
                    image = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(image_fmt.name()))
                    natural = image.width() if image is not None and hasattr(image, "width") else 0
                    if natural:
                        image_fmt.setWidth(min(natural, room))
                        image_fmt.setHeight(image.height() * min(natural, room) / natural)
                        cursor = QTextCursor(doc)
                        cursor.setPosition(fragment.position())
                        cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
                        cursor.setCharFormat(image_fmt)
                it += 1
            block = block.next()

    def scroll_to_heading(self, anchor: str) -> bool:
        """Scroll to the heading a `#anchor` link names (GitHub's anchors drop punctuation)."""
        def key(text: str) -> str:
            return re.sub(r"[^\w]", "", text).lower()

        block = self.browser.document().begin()
        while block.isValid():
            if block.blockFormat().headingLevel() and key(block.text()) == key(anchor):
                cursor = QTextCursor(block)
                self.browser.setTextCursor(cursor)
                self.browser.verticalScrollBar().setValue(
                    int(self.browser.document().documentLayout().blockBoundingRect(block).top()))
                return True
            block = block.next()
        return False

    def _follow(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
            return
        name = url.fileName() if url.isLocalFile() or not url.scheme() else ""
        if name.endswith(".md") and resource_path("docs", name).is_file():
            self.load(name)
        if url.fragment():
            self.scroll_to_heading(url.fragment())

    def find_next(self) -> bool:
        text = self.find.text().strip()
        if not text:
            return False
        if self.browser.find(text):
            return True
        cursor = self.browser.textCursor()  # from the top again
        cursor.movePosition(cursor.MoveOperation.Start)
        self.browser.setTextCursor(cursor)
        return self.browser.find(text)
