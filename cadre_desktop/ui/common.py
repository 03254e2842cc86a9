"""Small pieces every page uses: messages, confirmations, field error labels, keyboard habits."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from ..core.values import DomainError

ERROR_STYLE = "color: #c0392b;"


def refuse(parent: QWidget | None, error: DomainError | str, title: str = "无法完成") -> None:
    """An expected refusal: a message in the clerk's words, never a traceback."""
    QMessageBox.warning(parent, title, error.message if isinstance(error, DomainError) else str(error))


def inform(parent: QWidget | None, text: str, title: str = "完成") -> None:
    QMessageBox.information(parent, title, text)


def confirm(parent: QWidget | None, text: str, title: str = "请确认", ok: str = "确定") -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton(ok, QMessageBox.ButtonRole.AcceptRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes)
    box.exec()
    return box.clickedButton() is yes


def error_label() -> QLabel:
    """A red line under a field, empty until the field has a problem."""
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setVisible(False)
    return label


REQUIRED_MARK = "<span style='color:#c0392b'>*</span>"


def required_text(label: str, required: bool) -> str:
    """A field's label, with a red * when the field must be filled in."""
    return f"{label}{REQUIRED_MARK}" if required else label


def set_error(label: QLabel, message: str | None) -> None:
    label.setText(message or "")
    label.setVisible(bool(message))


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize a window to (width, height), but never beyond the screen it opens on less room for the
    title bar and the taskbar (a 1366 × 768 screen leaves about 1366 × 728 for a window)."""
    avail = available_size(widget)
    widget.resize(min(width, avail.width()), min(height, avail.height()))


def available_size(widget: QWidget | None = None):
    """The room a window's contents have on its screen: the available geometry less a title bar."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QGuiApplication

    screen = (widget.screen() if widget is not None else None) or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(1366, 728 - TITLE_BAR)
    avail = screen.availableGeometry()
    return QSize(avail.width() - FRAME, avail.height() - TITLE_BAR)


TITLE_BAR = 32  # a window's title bar and frame, above its contents
FRAME = 8


def shortcut(widget: QWidget, keys: str | QKeySequence, slot) -> QShortcut:
    sc = QShortcut(QKeySequence(keys), widget)
    sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    sc.activated.connect(slot)
    return sc
