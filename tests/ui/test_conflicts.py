"""Two clerks, one record, in the window: a page dialog (page_kit.FormDialog) shows what the other
clerk saved meanwhile and lets this one reload or keep their change on top; nothing is lost."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication

from cadre_desktop.core.services import units
from cadre_desktop.ui.conflict import ConflictDialog
from cadre_desktop.ui.state import AppState
from cadre_desktop.ui.units_page import UnitDialog


@pytest.fixture
def state(db, admin, tmp_path):
    return AppState(db=db, actor=admin, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))


def unit_row(db, unit_id):
    with db.session() as s:
        return next(u for u in units.list_units(s) if u["id"] == unit_id)


def answer(qtbot, button: str, seen: list, shot=None):
    def press():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ConflictDialog):
            QTimer.singleShot(20, press)
            return
        t = dialog.table
        seen.extend(tuple(t.item(r, c).text() for c in range(t.columnCount())) for r in range(t.rowCount()))
        if shot:
            dialog.grab().save(str(shot))
        target = {"reload": dialog.reload_button, "keep": dialog.keep_button}.get(button)
        if target is None:
            dialog.reject()
        else:
            qtbot.mouseClick(target, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, press)


def open_dialog(qtbot, state, db, unit_id) -> UnitDialog:
    dialog = UnitDialog(state, unit_row(db, unit_id))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


@pytest.mark.both_engines
def test_unit_dialog_keeps_my_change_on_top_of_theirs(qtbot, db, admin, state, unit_id, tmp_path):
    dialog = open_dialog(qtbot, state, db, unit_id)
    dialog.sort_order.setValue(7)  # this clerk changes the order
    with db.session() as s:  # another clerk renames the unit meanwhile
        units.save_unit(s, actor=admin, name="青山乡", kind="乡镇", tier="二档", sort_order=1, unit_id=unit_id)
    seen: list = []
    answer(qtbot, "keep", seen, tmp_path / "conflict.png")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert ("单位名称", "青山镇", "青山乡") in seen
    assert dialog.result() == UnitDialog.DialogCode.Accepted
    row = unit_row(db, unit_id)
    assert row["name"] == "青山乡" and row["sort_order"] == 7  # both changes kept


@pytest.mark.both_engines
def test_unit_dialog_reload_shows_theirs_and_cancel_saves_nothing(qtbot, db, admin, state, unit_id):
    dialog = open_dialog(qtbot, state, db, unit_id)
    dialog.name.setText("青山镇人民政府")
    with db.session() as s:
        units.save_unit(s, actor=admin, name="青山乡", kind="乡镇", tier="二档", sort_order=1, unit_id=unit_id)
    seen: list = []
    answer(qtbot, "cancel", seen)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert ("单位名称", "青山镇", "青山乡", "青山镇人民政府") in seen  # both changed the name: shown
    assert dialog.isVisible() and dialog.name.text() == "青山镇人民政府"
    assert "尚未保存" in dialog.message.text()
    assert unit_row(db, unit_id)["name"] == "青山乡"
    answer(qtbot, "reload", seen)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.name.text() == "青山乡"
    dialog.sort_order.setValue(3)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == UnitDialog.DialogCode.Accepted
    assert unit_row(db, unit_id)["sort_order"] == 3 and unit_row(db, unit_id)["name"] == "青山乡"


def test_a_database_error_reaching_the_window_is_shown_as_its_message(qtbot, monkeypatch, tmp_path):
    """The window's one error hook: a busy database is the clerk's message, not a traceback box."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from cadre_desktop.core.db import BUSY
    from cadre_desktop.ui import common, errors

    shown = []
    monkeypatch.setattr(common, "refuse", lambda parent, e, *a, **k: shown.append(str(e)))
    errors.show_unexpected(OperationalError("INSERT INTO unit", {}, sqlite3.OperationalError("database is locked")))
    assert shown == [BUSY]
