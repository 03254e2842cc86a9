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


@pytest.mark.both_engines
def test_posting_dialog_shows_their_change_and_keeps_mine(qtbot, db, admin, state, cadre_id):
    """The same for a page that uses FormDialog's generic fields (挂职驻村)."""
    import datetime as dt

    from cadre_desktop.core.services import development as dev
    from cadre_desktop.ui.postings_page import PostingDialog

    with db.session() as s:
        pid = dev.save_posting(s, actor=admin, data={"cadre_id": cadre_id, "kind": "驻村第一书记", "place": "石门村",
                                                     "start": dt.date(2022, 3, 1)})
        posting = dev.get_posting(s, pid)
    dialog = PostingDialog(state, posting)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.notes.setPlainText("年度考核优秀")  # this clerk adds a note
    with db.session() as s:  # another clerk sets the evaluation
        dev.save_posting(s, actor=admin, data={**{k: posting[k] for k in PostingDialog.FIELDS},
                                               "evaluation": "表现突出"}, posting_id=pid, version=posting["version"])
    seen: list = []
    answer(qtbot, "keep", seen)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert ("表现评价", "（空）", "表现突出") in seen
    assert dialog.result() == PostingDialog.DialogCode.Accepted
    with db.session() as s:
        saved = dev.get_posting(s, pid)
    assert saved["evaluation"] == "表现突出" and saved["notes"] == "年度考核优秀"


def test_commendation_dialog_reload_then_save_loses_nothing(qtbot, db, admin, state):
    import datetime as dt

    from cadre_desktop.core.services import honours
    from cadre_desktop.ui.commendations_page import BatchEditDialog

    with db.session() as s:
        bid = honours.save_batch(s, actor=admin, data={"title": "关于表扬疫情防控先进个人的通报", "date": dt.date(2022, 6, 1)})
        batch = honours.get_batch(s, bid)
    dialog = BatchEditDialog(state, batch)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.widgets["body"].setPlainText("我的正文")
    with db.session() as s:
        honours.save_batch(s, actor=admin, data={**batch, "doc_number": "县委组〔2022〕8号"}, batch_id=bid,
                           version=batch["version"])
    seen: list = []
    answer(qtbot, "reload", seen)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert ("文号", "（空）", "县委组〔2022〕8号") in seen
    assert dialog.isVisible() and dialog.widgets["doc_number"].text() == "县委组〔2022〕8号"
    assert dialog.widgets["body"].toPlainText() == ""  # reloaded: my unsaved text is gone, as chosen
    dialog.widgets["field"].setText("疫情防控")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with db.session() as s:
        saved = honours.get_batch(s, bid)
    assert saved["doc_number"] == "县委组〔2022〕8号" and saved["field"] == "疫情防控"
