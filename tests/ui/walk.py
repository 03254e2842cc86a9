"""Walk the main window as a clerk would: every page, and every dialog its toolbar and the window's
menus open, handing each to a callback. Used by the test that every screen fits 1366 × 728 and by
docs/screenshots.py, which takes the manual's pictures.

Dialogs are real; only their event loops are not entered: `exec()`/`open()` record the dialog and
return at once (as "cancelled"), message boxes record their text, file pickers return nothing.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QApplication, QDialog, QFileDialog, QInputDialog, QMenu, QMessageBox, QTableView, QToolBar, QWidget,
)

# Actions that would change or remove data, or only leave the program, are not triggered.
SKIP = ("删除", "移除", "退出", "从备份恢复", "结业 / 未结业", "发放确认", "撤销确认", "校验完整性")


@contextmanager
def captured_dialogs():
    """Within the block, dialogs opened are appended to the yielded list instead of running."""
    seen: list[QWidget] = []
    saved = {}

    def patch(owner, name, value):
        saved[(owner, name)] = owner.__dict__.get(name, getattr(owner, name))
        setattr(owner, name, value)

    def fake_exec(self, *a, **k):
        seen.append(self)
        return 0

    def fake_open(self, *a, **k):
        seen.append(self)

    def fake_box(*args, **kw):
        texts = [a for a in args if isinstance(a, str)]
        box = QMessageBox(QMessageBox.Icon.Information, texts[0] if texts else "", texts[1] if len(texts) > 1 else "",
                          parent=args[0] if args and isinstance(args[0], QWidget) else None)
        seen.append(box)
        return QMessageBox.StandardButton.Cancel

    patch(QDialog, "exec", fake_exec)
    patch(QDialog, "open", fake_open)
    patch(QMessageBox, "exec", fake_exec)
    patch(QMenu, "exec", lambda self, *a, **k: None)  # a drop-down of verbs: nothing chosen
    for name in ("information", "warning", "critical", "question", "about"):
        patch(QMessageBox, name, staticmethod(fake_box))
    for name in ("getSaveFileName", "getOpenFileName"):
        patch(QFileDialog, name, staticmethod(lambda *a, **k: ("", "")))
    patch(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([], "")))
    patch(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: ""))
    patch(QInputDialog, "getInt", staticmethod(lambda *a, **k: (0, False)))
    patch(QInputDialog, "getText", staticmethod(lambda *a, **k: ("", False)))
    patch(QInputDialog, "getItem", staticmethod(lambda *a, **k: ("", False)))
    # Should anything still run its own event loop (a modal window or a menu not patched above),
    # close it rather than wait for a click that never comes.
    guard = QTimer()
    guard.setInterval(1000)
    guard.timeout.connect(_close_modal)
    guard.start()
    try:
        yield seen
    finally:
        guard.stop()
        for (owner, name), value in saved.items():
            setattr(owner, name, value)


def _close_modal() -> None:
    for widget in (QApplication.activePopupWidget(), QApplication.activeModalWidget()):
        if widget is not None:
            widget.close()


def _settle(page: QWidget | None = None) -> None:
    """Let queued events run; for a page, also until the reads it has asked for are shown (its
    Loads, off the GUI thread)."""
    for _ in range(3):
        QApplication.processEvents()
    if page is None:
        return
    from cadre_desktop.ui.jobs import Loads

    deadline = time.monotonic() + 30
    while any(loads.pending for loads in page.findChildren(Loads)) and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.005)
    QApplication.processEvents()


def select_first_row(page: QWidget) -> None:
    for table in page.findChildren(QTableView):
        model = table.model()
        if table.isVisible() and model is not None and model.rowCount() and not table.currentIndex().isValid():
            table.setCurrentIndex(model.index(0, 0))
    _settle(page)


def walk(window, on_page: Callable[[str, QWidget], None],
         on_dialog: Callable[[str, QDialog], None]) -> list[str]:
    """Every page of `window` (a MainWindow), then every dialog opened from a page's toolbars
    (with the first row selected) and from the window's menus. Returns the names of what was seen."""
    names: list[str] = []

    def run(label: str, trigger: Callable[[], None]) -> None:
        with captured_dialogs() as seen:
            trigger()
            _settle()
        for dialog in seen:
            name = f"{label}：{dialog.windowTitle() or type(dialog).__name__}"
            names.append(name)
            on_dialog(name, dialog)
            dialog.hide()
            dialog.deleteLater()
        _settle()

    for page_name, page in window.pages.items():
        window.show_page(page_name)
        _settle(page)
        select_first_row(page)
        names.append(page_name)
        on_page(page_name, page)
        for toolbar in page.findChildren(QToolBar):
            if not toolbar.isVisible():
                continue
            for action in toolbar.actions():
                text = action.text().replace("&", "")
                if action.isSeparator() or not action.isVisible() or not action.isEnabled() or not text:
                    continue
                if any(word in text for word in SKIP):
                    continue
                select_first_row(page)
                run(f"{page_name} → {text}", action.trigger)
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if menu is None:
            continue
        for action in menu.actions():
            text = action.text().replace("&", "")
            if action.isSeparator() or action.menu() is not None or any(word in text for word in SKIP):
                continue
            run(f"{menu_action.text().split('(')[0]} → {text}", action.trigger)
    return names
