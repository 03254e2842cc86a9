"""The 单位, 年轻干部库, 操作记录 and 账号 pages, driven as a clerk drives them."""

from __future__ import annotations

import pytest
from pypinyin import lazy_pinyin
from PySide6.QtCore import QSettings, Qt
from sqlalchemy import text

from cadre_desktop.core.search import search_text
from cadre_desktop.core.services import accounts, cadres, units
from cadre_desktop.core.values import CADRE_LEVELS, DomainError
from cadre_desktop.ui.accounts_page import AccountsPage
from cadre_desktop.ui.audit_page import AuditPage, diff_rows
from cadre_desktop.ui.models import ID_ROLE
from cadre_desktop.ui.state import AppState
from cadre_desktop.ui.units_page import UnitsPage
from cadre_desktop.ui.young_page import YoungPage

from conftest import settle


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def state(db, admin, settings):
    return AppState(db=db, actor=admin, settings=settings)


@pytest.fixture
def demo_state(demo_db, demo_admin, settings):
    return AppState(db=demo_db, actor=demo_admin, settings=settings)


def shown(qtbot, page):
    """The page in view, its list read: what a clerk sees on opening it."""
    qtbot.addWidget(page)
    page.show()
    settle(qtbot, page)
    return page


def table_column(page, column: int) -> list[str]:
    m = page.model
    return [m.data(m.index(r, column)) for r in range(m.rowCount())]


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# --- 单位 ------------------------------------------------------------------------------------


def test_add_unit_through_dialog_shows_it_in_table(qtbot, state, unit_id, qtmodeltester):
    page = shown(qtbot, UnitsPage(state))
    assert table_column(page, 1) == ["青山镇"]

    page.act_new.trigger()
    dialog = page.dialog
    assert dialog.isVisible() and dialog.sort_order.value() == 2  # after the last unit
    dialog.name.insert("红岩乡")  # QTest types ASCII only; insert() is what an input method does
    dialog.kind.setCurrentText("乡镇")
    dialog.tier.setValue("三档")
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible()
    saved_id = dialog.saved_id
    settle(qtbot, page)  # the list is read again off the GUI thread

    assert table_column(page, 1) == ["青山镇", "红岩乡"]
    row = page.model.row(1)
    assert (row["kind"], row["tier"], row["sort_order"], row["cadres"]) == ("乡镇", "三档", 2, 0)
    assert page.model.id_at(page.table.currentIndex().row()) == saved_id  # the new unit is selected
    assert page.count.text().startswith("共 2 个单位")
    qtmodeltester.check(page.model)


def test_township_tier_is_refused_beside_the_field_for_a_county_department(qtbot, state):
    page = shown(qtbot, UnitsPage(state))
    page.act_new.trigger()
    dialog = page.dialog
    dialog.name.setText("县审计局")
    dialog.kind.setCurrentText("县直部门")
    assert not dialog.tier.isEnabled()  # nothing to choose for a department

    # A clerk picks a tier for a township, then changes the kind: the tier stays visible.
    dialog.kind.setCurrentText("乡镇")
    assert dialog.tier.isEnabled()
    dialog.tier.setValue("二档")
    dialog.kind.setCurrentText("县直部门")
    click(qtbot, dialog.save_button)

    assert dialog.isVisible()
    assert dialog.errors["tier"].isVisible()
    assert dialog.errors["tier"].text() == "只有乡镇、街道有津贴档次"
    assert not dialog.errors["name"].isVisible()
    assert page.model.rowCount() == 0
    with state.session() as s:
        assert units.list_units(s) == []

    dialog.tier.setValue(None)
    assert not dialog.tier.isEnabled() and not dialog.errors["tier"].isVisible()
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible()
    settle(qtbot, page)
    assert [(r["name"], r["tier"]) for r in (page.model.row(0),)] == [("县审计局", None)]


def test_unit_name_errors_appear_beside_the_name(qtbot, state, unit_id):
    page = shown(qtbot, UnitsPage(state))
    page.act_new.trigger()
    dialog = page.dialog
    dialog.name.setText("青山镇")
    assert not dialog.try_accept()
    assert dialog.errors["name"].isVisible() and "已存在" in dialog.errors["name"].text()
    dialog.name.clear()
    assert not dialog.try_accept()
    assert dialog.errors["name"].text() == "单位名称不能为空"


def test_enter_edits_the_selected_unit(qtbot, state, unit_id):
    page = shown(qtbot, UnitsPage(state))
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # shortcuts act in the active window only
    page.select_id(unit_id)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = page.dialog
    assert dialog.isVisible() and dialog.name.text() == "青山镇" and dialog.tier.value() == "二档"
    dialog.name.setText("青山乡")
    click(qtbot, dialog.save_button)
    settle(qtbot, page)
    assert table_column(page, 1) == ["青山乡"]


def test_delete_is_refused_for_a_unit_with_cadres(qtbot, state, unit_id, cadre_id, monkeypatch):
    asked = []
    monkeypatch.setattr("cadre_desktop.ui.units_page.confirm", lambda *a, **k: asked.append(a) or True)
    page = shown(qtbot, UnitsPage(state))
    page.select_id(unit_id)
    page.act_delete.trigger()

    assert asked == []  # refused at once, not asked and then refused
    assert page.message.isVisible()
    assert page.message.text() == "单位“青山镇”还有 1 名干部，请先把他们调到其他单位再删除。"
    assert table_column(page, 1) == ["青山镇"]
    with state.session() as s:
        assert [u["name"] for u in units.list_units(s)] == ["青山镇"]


def test_delete_an_empty_unit_asks_once_naming_it(qtbot, state, admin, monkeypatch):
    with state.session() as s:
        uid = units.save_unit(s, actor=admin, name="县档案馆", kind="其他")
    asked = []
    monkeypatch.setattr("cadre_desktop.ui.units_page.confirm", lambda _p, text, *a: asked.append(text) or True)
    page = shown(qtbot, UnitsPage(state))
    page.select_id(uid)
    page.act_delete.trigger()
    settle(qtbot, page)
    assert len(asked) == 1 and "县档案馆" in asked[0]
    assert page.model.rowCount() == 0
    with state.session() as s:
        assert units.list_units(s) == []


def test_reader_sees_units_without_edit_verbs(qtbot, db, reader, unit_id, settings):
    page = shown(qtbot, UnitsPage(AppState(db=db, actor=reader, settings=settings)))
    assert not any(a.isVisible() for a in (page.act_new, page.act_edit, page.act_delete))
    assert page.act_export.isVisible() and page.act_print_list.isVisible()  # the list, for everyone
    page.select_id(unit_id)
    page.edit_selected()
    assert page.dialog is None
    assert table_column(page, 1) == ["青山镇"]


def test_units_page_remembers_column_widths(qtbot, state, unit_id):
    page = shown(qtbot, UnitsPage(state))
    page.table.setColumnWidth(1, 333)
    page.save_settings()
    again = shown(qtbot, UnitsPage(state))
    assert again.table.columnWidth(1) == 333
    assert table_column(again, 1) == ["青山镇"]


# --- 年轻干部库 -------------------------------------------------------------------------------


def tree_groups(page) -> list[tuple[str, int]]:
    m = page.tree.model()
    return [(m.index(g, 0).data(), m.rowCount(m.index(g, 0))) for g in range(m.rowCount())]


def cell(page, group: int, row: int, column: int = 0):
    """An index under a group of the pool's tree."""
    m = page.tree.model()
    return m.index(row, column, m.index(group, 0))


def check_counts(page) -> int:
    total = 0
    for label, n in tree_groups(page):
        assert label.endswith(f"（{n}人）"), label
        total += n
    return total


def test_young_pool_groups_by_age_band_and_by_level(qtbot, demo_state):
    with demo_state.session() as s:
        pool = cadres.young_pool(s)
    assert pool["total"] > 50
    page = shown(qtbot, YoungPage(demo_state))

    assert page.title.text() == f"年轻干部（{pool['bound']}岁及以下）共 {pool['total']} 人"
    assert [label.split("（")[0] for label, _ in tree_groups(page)] == ["≤30", "31–35"]
    assert check_counts(page) == pool["total"]
    assert all(int(cell(page, 0, j, 1).data()) <= 30 for j in range(tree_groups(page)[0][1]))

    click(qtbot, page.by_level)
    assert [label.split("（")[0] for label, _ in tree_groups(page)] == [*CADRE_LEVELS, "层级未定"]
    assert check_counts(page) == pool["total"]
    for i, level in enumerate(CADRE_LEVELS):
        assert all(cell(page, i, j, 4).data() == level for j in range(tree_groups(page)[i][1]))


def test_young_search_filters_names_and_double_click_opens(qtbot, demo_state):
    page = shown(qtbot, YoungPage(demo_state))
    first = cell(page, 0, 0)
    name, cid = first.data(), first.data(ID_ROLE)
    initials = "".join(p[0] for p in lazy_pinyin(name))
    qtbot.keyClicks(page.search, initials)  # as clerks search: pinyin initials
    qtbot.waitUntil(lambda: page.count.text() != "")
    rows = page.cadre_indexes()
    assert cid in {r.data(ID_ROLE) for r in rows}
    assert all(f"|{initials}" in search_text(r.data()) for r in rows)
    assert check_counts(page) == len(rows) < 20
    assert page.count.text() == f"找到 {len(rows)} 人"

    item = rows[0]
    with qtbot.waitSignal(page.open_cadre) as signal:
        page.tree.doubleClicked.emit(item)
    assert signal.args == [item.data(ID_ROLE)]

    page.search.clear()
    qtbot.waitUntil(lambda: page.count.text() == "")
    assert check_counts(page) == page.pool["total"]


def test_young_page_follows_changes_and_remembers_grouping(qtbot, demo_state, demo_admin):
    page = shown(qtbot, YoungPage(demo_state))
    cid = cell(page, 0, 0).data(ID_ROLE)
    with demo_state.session() as s:
        cadres.save_cadre(s, actor=demo_admin, cadre_id=cid, data={"status": "调出"})
    before = page.pool["total"]
    demo_state.changes.emit("cadre")
    settle(qtbot, page)
    assert page.pool["total"] == before - 1
    assert cid not in {i.data(ID_ROLE) for i in page.cadre_indexes()}

    page.set_grouping("level")
    page.save_settings()
    again = shown(qtbot, YoungPage(demo_state))
    assert again.grouping_key() == "level"
    assert tree_groups(again)[0][0].startswith("县级领导")


# --- 操作记录 ---------------------------------------------------------------------------------


def shown_audit_page(qtbot, state) -> AuditPage:
    page = AuditPage(state)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.show()
    return page


def test_audit_page_shows_a_change_with_before_and_after(qtbot, state, admin, unit_id):
    page = shown_audit_page(qtbot, state)
    n = page.model.rowCount()
    assert n == 2  # the first 管理员, then the unit

    units_page = shown(qtbot, UnitsPage(state))
    units_page.select_id(unit_id)
    units_page.edit_selected()
    units_page.dialog.tier.setValue("三档")
    with qtbot.waitSignal(page.loaded, timeout=10000):
        click(qtbot, units_page.dialog.save_button)

    assert page.model.rowCount() == n + 1
    newest = page.model.row(0)
    got = (newest["account"], newest["action"], newest["entity_name"], newest["label"])
    assert got == ("admin", "修改", "单位", "青山镇")
    assert len(table_column(page, 0)[0]) == len("2024-05-09 08:30:00")

    page.select_row(0)
    diff = [[page.diff.item(r, c).text() for c in range(3)] for r in range(page.diff.rowCount())]
    assert diff == [["津贴档次", "二档", "三档"]]  # changed fields only
    assert "青山镇" in page.detail_title.text()


def test_audit_filters_by_object_type_and_text(qtbot, state, admin, cadre_id):
    page = shown_audit_page(qtbot, state)
    assert set(table_column(page, 3)) == {"账号", "单位", "干部"}
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.entity.setCurrentIndex(page.entity.findData("cadre"))
    assert table_column(page, 3) == ["干部"]
    page.select_row(0)
    diff = {page.diff.item(r, 0).text(): page.diff.item(r, 2).text() for r in range(page.diff.rowCount())}
    assert diff["姓名"] == "单雄信"
    assert [" ".join(line.split()) for line in diff["简历"].splitlines()] == ["2012.07--至今 青山镇副镇长"]

    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.entity.setCurrentIndex(0)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.search.insert("青山")
    assert table_column(page, 4) == ["青山镇"]
    assert page.account.findText("admin") > 0


def test_diff_lists_line_by_line_and_skips_unchanged_fields():
    rows = diff_rows({"姓名": "甲", "简历": ["a", "b"], "性别": "男"}, {"姓名": "甲", "简历": ["a", "c"], "性别": "女"})
    assert rows == [("性别", "男", "女"), ("简历", "a\nb", "a\nc")]


def test_verify_reports_a_whole_record_and_an_altered_one(qtbot, state, admin, unit_id):
    page = shown_audit_page(qtbot, state)
    click(qtbot, page.toolbar.widgetForAction(page.act_verify))
    qtbot.waitUntil(lambda: page.verify_result.text().startswith("操作记录完整"), timeout=10000)
    assert "共 2 条" in page.verify_result.text()

    with state.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET label = '改过的' WHERE id = 2"))
    page.verify()
    qtbot.waitUntil(lambda: page.verify_result.text().startswith("操作记录不完整"), timeout=10000)
    assert "第 2 条" in page.verify_result.text()


# --- 账号 -------------------------------------------------------------------------------------


def shown_accounts_page(qtbot, state) -> AccountsPage:
    page = AccountsPage(state)
    qtbot.addWidget(page)
    page.show()
    settle(qtbot, page)
    return page


def test_add_clerk_account_which_can_then_sign_in(qtbot, state):
    page = shown_accounts_page(qtbot, state)
    assert table_column(page, 0) == ["admin"]

    page.act_new.trigger()
    dialog = page.dialog
    qtbot.keyClicks(dialog.name, "luru01")
    dialog.role.setCurrentText("录入员")
    dialog.password.setText("pass1234")
    dialog.again.setText("pass1235")
    click(qtbot, dialog.save_button)
    assert dialog.isVisible() and dialog.errors["again"].text() == "两次输入的密码不一致。"

    dialog.again.setText("pass1234")
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible()
    settle(qtbot, page)
    assert page.selected_name() == "luru01"  # the new account is selected
    assert table_column(page, 0) == ["admin", "luru01"]
    assert table_column(page, 1)[1] == "录入员" and table_column(page, 2)[1] == "启用，下次登录须改密码"
    with state.session() as s:
        actor = accounts.authenticate(s, name="luru01", password="pass1234")
    assert (actor.name, actor.role, actor.must_change_password) == ("luru01", "录入员", True)


def test_account_errors_appear_beside_the_fields(qtbot, state, clerk):
    page = shown_accounts_page(qtbot, state)
    page.new_account()
    dialog = page.dialog
    dialog.name.setText("clerk")
    dialog.password.setText("abcd1234")
    dialog.again.setText("abcd1234")
    assert not dialog.try_accept()
    assert dialog.errors["name"].text() == "用户名“clerk”已存在。"
    dialog.name.setText("new")
    dialog.password.setText("ab")
    dialog.again.setText("ab")
    assert not dialog.try_accept()
    assert dialog.errors["password"].text() == "密码至少8位，并同时包含字母和数字。" and not dialog.errors["name"].isVisible()


def test_reset_password_and_deactivate_account(qtbot, state, clerk):
    page = shown_accounts_page(qtbot, state)
    page.select_name("clerk")
    page.act_password.trigger()
    page.dialog.password.setText("newpass9")
    page.dialog.again.setText("newpass9")
    click(qtbot, page.dialog.save_button)
    with state.session() as s:
        assert accounts.authenticate(s, name="clerk", password="newpass9").role == "录入员"

    page.select_name("clerk")
    page.act_role.trigger()
    page.dialog.role.setCurrentText("查阅")
    page.dialog.active.setChecked(False)
    click(qtbot, page.dialog.save_button)
    settle(qtbot, page)
    assert table_column(page, 1)[1] == "查阅" and table_column(page, 2)[1] == "已停用，下次登录须改密码"
    with state.session() as s, pytest.raises(DomainError, match="已停用"):
        accounts.authenticate(s, name="clerk", password="newpass9")


def test_own_account_role_cannot_be_changed_here(qtbot, state):
    page = shown_accounts_page(qtbot, state)
    page.select_name("admin")
    page.act_role.trigger()
    assert page.dialog is None
    assert "正在使用的账号" in page.last_message and page.message.text() == page.last_message
