"""The one place an unexpected exception reaches the clerk: shown once in a dialog, logged to a
file in the data folder."""

from __future__ import annotations

import logging
import sys
import traceback

from PySide6.QtWidgets import QApplication, QMessageBox

from ..config import log_path

log = logging.getLogger("cadre_desktop")
_showing = False


def setup_logging() -> None:
    handler = logging.FileHandler(log_path(), encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def show_unexpected(error: BaseException) -> None:
    global _showing
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    log.error("unexpected error\n%s", text)
    if _showing or QApplication.instance() is None:
        return
    from ..core.storage import describe

    storage = describe(error)  # a full or read-only disk: the clerk's words, not a crash report
    _showing = True
    try:
        if storage:
            QMessageBox(QMessageBox.Icon.Warning, "无法完成", storage).exec()
            return
        box = QMessageBox(QMessageBox.Icon.Critical, "程序出错",
                          f"发生了意外错误，刚才的操作没有完成。\n\n{type(error).__name__}: {error}\n\n"
                          f"详细信息已记录在：{log_path()}")
        box.setDetailedText(text)
        box.exec()
    finally:
        _showing = False


def install_excepthook() -> None:
    from ..core.values import DomainError
    from .common import refuse

    def hook(exc_type, exc, tb):
        if isinstance(exc, DomainError):
            refuse(QApplication.activeWindow(), exc)
            return
        show_unexpected(exc.with_traceback(tb))

    sys.excepthook = hook
