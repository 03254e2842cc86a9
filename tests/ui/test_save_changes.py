"""A save in the cadre editor announces what it changed, and only the pages that show it refresh,
when they are next shown: a real window on a real SQLite file, counting each page's refreshes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from cadre_desktop.core.services import audit, cadres
from cadre_desktop.ui.cadre_editor import CadreEditor
from cadre_desktop.ui.main_window import MainWindow
from cadre_desktop.ui.state import AppState


@pytest.fixture
def window(qtbot, db, admin, cadre_id, tmp_path):
    assert db.path is not None  # a SQLite file
    state = AppState(db=db, actor=admin, settings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    window = MainWindow(state)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def count_refreshes(page) -> list:
    """Each call of the page's refresh() (a change reaching it, or its showing while stale)."""
    calls: list = []
    original = page.refresh

    def refresh(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    page.refresh = refresh
    return calls


def edit_and_save(qtbot, window, cadre_id, change) -> CadreEditor:
    editor = CadreEditor(window.state, cadre_id, window)
    qtbot.addWidget(editor, before_close_func=lambda d: d.done(CadreEditor.DialogCode.Rejected))
    editor.show()
    qtbot.waitUntil(lambda: editor.loaded, timeout=20000)
    change(editor)
    assert editor.save()
    qtbot.waitUntil(lambda: not editor.saving, timeout=20000)
    assert editor.result() == CadreEditor.DialogCode.Accepted
    return editor


def test_saving_only_the_post_refreshes_a_page_showing_cadres_when_next_shown_and_never_the_accounts(
        qtbot, db, window, cadre_id):
    accounts, rules = window.pages["账号"], window.pages["规则检查"]
    for name in ("规则检查", "账号", "干部档案"):  # each shown once: nothing is stale from the start
        window.show_page(name)
        qtbot.waitUntil(window.pages[name].isVisible)
    assert not rules.isVisible() and not accounts.isVisible() and not rules._stale
    seen: list = []
    window.state.changes.changed.connect(seen.append)
    rules_calls, accounts_calls = count_refreshes(rules), count_refreshes(accounts)

    edit_and_save(qtbot, window, cadre_id, lambda e: e.fields["post"].setText("青山镇镇长"))

    assert seen == [{"cadre", "audit"}]
    assert rules_calls == [] and rules._stale  # hidden: marked, not recomputed
    assert accounts_calls == []
    window.show_page("规则检查")
    qtbot.waitUntil(rules.isVisible)
    assert len(rules_calls) == 1 and not rules._stale  # refreshed once, on being shown
    window.show_page("账号")
    qtbot.waitUntil(accounts.isVisible)
    assert accounts_calls == []  # accounts show no cadre: never refreshed for this save
    with db.session() as s:
        assert cadres.get_cadre(s, cadre_id)["post"] == "青山镇镇长"


def test_a_save_that_changed_nothing_announces_nothing_and_writes_no_event(qtbot, db, window, cadre_id):
    rules = window.pages["规则检查"]
    window.show_page("规则检查")
    qtbot.waitUntil(rules.isVisible)
    window.show_page("干部档案")
    seen: list = []
    window.state.changes.changed.connect(seen.append)
    rules_calls = count_refreshes(rules)
    with db.session() as s:
        before = audit.count_events(s)

    editor = edit_and_save(qtbot, window, cadre_id, lambda e: None)

    assert editor.saved is not None and editor.saved.changed == frozenset()
    assert seen == [] and rules_calls == [] and not rules._stale
    with db.session() as s:
        assert audit.count_events(s) == before


def test_changes_announce_audit_with_every_change_and_nothing_for_no_change(qtbot):
    from cadre_desktop.ui.state import Changes

    changes, seen = Changes(), []
    changes.changed.connect(seen.append)
    changes.emit()
    changes.emit("cadre", "resume")
    assert seen == [{"cadre", "resume", "audit"}]
