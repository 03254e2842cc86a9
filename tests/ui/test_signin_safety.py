"""Sign-in and the 账号 page as a 管理员 and a clerk meet lock-out and a demanded new password."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from cadre_desktop.core.services import accounts
from cadre_desktop.ui.accounts_page import AccountsPage
from cadre_desktop.ui.signin import SignInDialog
from cadre_desktop.ui.state import AppState


@pytest.fixture
def state(db, admin, tmp_path):
    return AppState(db=db, actor=admin, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def row_of(page, name):
    m = page.model
    for r in range(m.rowCount()):
        if m.data(m.index(r, 0)) == name:
            return [m.data(m.index(r, c)) for c in range(m.columnCount())]
    return None


def test_a_locked_account_is_shown_and_unlocked_on_the_accounts_page(qtbot, db, state, clerk, tmp_path):
    dialog = SignInDialog(db)
    qtbot.addWidget(dialog)
    dialog.name.setText("clerk")
    for _ in range(5):
        dialog.password.setText("wrong-pass1")
        dialog.try_accept()
    assert "账号已锁定，请于" in dialog.message.text() and dialog.actor is None
    dialog.password.setText("clerk123")
    dialog.try_accept()
    assert "账号已锁定" in dialog.message.text() and dialog.actor is None

    page = AccountsPage(state)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.loads.pending, timeout=20000)
    page.select_name("admin")
    assert not page.act_unlock.isEnabled()
    page.select_name("clerk")
    assert "锁定至" in row_of(page, "clerk")[2]
    assert page.act_unlock.isEnabled()
    page.grab().save(str(tmp_path / "accounts_locked.png"))
    page.act_unlock.trigger()
    qtbot.waitUntil(lambda: not page.loads.pending, timeout=20000)
    assert "锁定" not in row_of(page, "clerk")[2]
    assert not page.act_unlock.isEnabled()

    dialog.try_accept()
    assert dialog.actor is not None and dialog.actor.name == "clerk"


def test_a_demanded_new_password_is_asked_for_at_sign_in(qtbot, db, state, clerk, tmp_path):
    page = AccountsPage(state)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.loads.pending, timeout=20000)
    page.select_name("clerk")
    page.act_password.trigger()
    assert page.dialog.must_change.isChecked()  # a password set for someone else is temporary
    page.dialog.password.setText("temp1234")
    page.dialog.again.setText("temp1234")
    click(qtbot, page.dialog.save_button)
    qtbot.waitUntil(lambda: not page.loads.pending, timeout=20000)
    assert "下次登录须改密码" in row_of(page, "clerk")[2]

    dialog = SignInDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.new_password.isVisible()
    dialog.name.setText("clerk")
    dialog.password.setText("temp1234")
    dialog.try_accept()
    assert dialog.actor is None and dialog.new_password.isVisible() and dialog.isVisible()
    dialog.grab().save(str(tmp_path / "signin_change.png"))
    dialog.new_password.setText("short")
    dialog.again.setText("short")
    dialog.try_accept()
    assert dialog.actor is None and "至少8位" in dialog.message.text()
    dialog.new_password.setText("mine5678")
    dialog.again.setText("mine5678")
    dialog.try_accept()
    assert dialog.actor is not None and not dialog.actor.must_change_password
    with db.session() as s:
        assert accounts.authenticate(s, name="clerk", password="mine5678").must_change_password is False


def test_the_window_restores_off_the_gui_thread_and_refuses_a_damaged_backup(qtbot, demo_db, demo_admin, tmp_path,
                                                                              monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from cadre_desktop.core.services import cadres
    from cadre_desktop.ui import main_window
    from cadre_desktop.ui.main_window import MainWindow

    told, refused = [], []
    monkeypatch.setattr(main_window, "inform", lambda parent, text, title="": told.append(text))
    monkeypatch.setattr(main_window, "refuse", lambda parent, e, title="": refused.append(str(e)))
    monkeypatch.setattr(main_window, "confirm", lambda *a, **k: True)
    state = AppState(db=demo_db, actor=demo_admin,
                     settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(state)
    qtbot.addWidget(window)
    out = tmp_path / "b.sqlite3"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    job = window.backup_database()
    # job.done is set on the worker before the GUI thread runs the success callback: wait for that.
    qtbot.waitUntil(lambda: job.done and bool(told), timeout=60000)
    assert out.is_file() and told and str(out) in told[-1]

    with state.session() as s:
        n = cadres.roster_count(s, cadres.RosterFilter())
        cadres.delete_cadre(s, actor=demo_admin, cadre_id=cadres.roster_ids(s, cadres.RosterFilter())[0])
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(out.read_bytes()[: out.stat().st_size // 3])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(bad), "")))
    job = window.restore_database()
    qtbot.waitUntil(lambda: job.done and bool(refused), timeout=60000)
    assert refused and "损坏" in refused[-1]
    with state.session() as s:
        assert cadres.roster_count(s, cadres.RosterFilter()) == n - 1

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(out), "")))
    job = window.restore_database()
    qtbot.waitUntil(lambda: job.done, timeout=60000)
    assert "恢复前的数据已备份到" in told[-1]
    with state.session() as s:
        assert cadres.roster_count(s, cadres.RosterFilter()) == n
