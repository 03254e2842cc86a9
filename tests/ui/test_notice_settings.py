"""设置: the 表彰通报 defaults (issuer, addressee) a batch without its own prints."""

from cadre_desktop.core.services import settings
from cadre_desktop.ui.settings_dialog import SettingsDialog
from cadre_desktop.ui.state import AppState


def test_admin_sets_the_notice_defaults(qtbot, demo_db, demo_admin):
    state = AppState(db=demo_db, actor=demo_admin, demo=True)
    dialog = SettingsDialog(state)
    qtbot.addWidget(dialog)
    assert dialog.notice_issuer.text() == ""
    dialog.notice_issuer.setText("  中共云岭县委组织部 ")
    dialog.notice_addressee.setText("各乡（镇、街道）党（工）委")
    assert dialog.try_accept()
    with demo_db.session() as s:
        assert settings.get(s, "notice_issuer") == "中共云岭县委组织部"
        assert settings.get(s, "notice_addressee") == "各乡（镇、街道）党（工）委"
    again = SettingsDialog(state)
    qtbot.addWidget(again)
    again.notice_issuer.setText("长" * 101)
    assert not again.try_accept()
    assert "不超过100字" in again.errors["notice_issuer"].text()
    with demo_db.session() as s:
        assert settings.get(s, "notice_issuer") == "中共云岭县委组织部"
