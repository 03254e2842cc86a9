"""选拔任用, 表彰奖励 and 关心关爱 pages driven as a clerk drives them."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings

from cadre_desktop.core.services import cadres, careers, welfare
from cadre_desktop.ui.appointments_page import AppointmentDialog, AppointmentsPage, BatchDialog
from cadre_desktop.ui.care_page import CarePage, VisitDialog
from cadre_desktop.ui.commendations_page import QuotaDialog
from cadre_desktop.ui.state import AppState

from conftest import make_id, settle


def shown(qtbot, page):
    qtbot.addWidget(page)
    page.show()
    settle(qtbot, page)
    return page


@pytest.fixture
def state(db, admin, tmp_path):
    return AppState(db=db, actor=admin, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))


def test_building_a_batch_shows_the_young_share_live(qtbot, state, unit_id, monkeypatch):
    with state.session() as s:
        ids = [cadres.save_cadre(s, actor=state.actor, data={
            "id_number": make_id("19950101" if i < 2 else "19700101", f"{i:03d}"), "name": f"人{i}",
            "unit_id": unit_id, "level": "一般干部"}) for i in range(9)]
    page = shown(qtbot, AppointmentsPage(state))
    dialog = BatchDialog(state, page)
    qtbot.addWidget(dialog)
    dialog.date.setText("2022.06.15")
    dialog.add_cadres(ids[:2])
    assert dialog.share.text() == "年轻干部 2/2（100.0%），符合六分之一"
    dialog.add_cadres(ids[2:])
    assert dialog.share.text() == "年轻干部 2/9（22.2%），符合六分之一"
    assert "人0、人1" in dialog.names.text()
    dialog.table.cellWidget(0, 1).setValue("平职交流")  # not a 提拔任用: no longer counted
    assert dialog.share.text() == "年轻干部 1/8（12.5%），不足六分之一"
    dialog.name.setText("2022年第1批")
    dialog.table.item(1, 5).setText("党委委员、副镇长")
    asked = []
    monkeypatch.setattr(dialog, "ask_apply", lambda names: asked.append(names) or True)
    import threading

    from cadre_desktop.ui import jobs

    hold, rejected, announced = threading.Event(), [], []
    dialog.rejected.connect(lambda: rejected.append(1))
    state.changes.changed.connect(announced.append)
    jobs.pool().submit(hold.wait, 20)  # the action worker busy: the save waits behind it
    assert dialog.try_accept()
    dialog.reject()  # Esc while the batch is being saved: refused, the save closes the dialog itself
    assert rejected == []
    hold.set()
    qtbot.waitUntil(lambda: dialog.job.done, timeout=20000)
    settle(qtbot, page)
    assert len(announced) == 1 and {"appointment", "cadre"} <= announced[0]  # once, what it wrote
    assert asked == [["人1"]] and dialog.result() == dialog.DialogCode.Accepted
    state.changes.emit("appointment")
    settle(qtbot, page)
    with state.session() as s:
        b = careers.batch_summary(s, "2022年第1批")
        assert (b["young"], b["total"], b["complies"]) == (1, 8, False)
        assert cadres.get_cadre(s, ids[1])["team_role"] == "党委委员、副镇长"  # the clerk said yes: with the save
        assert cadres.get_cadre(s, ids[2])["team_role"] is None
    texts = [page.batches.item(i).text() for i in range(page.batches.count())]
    assert any(t.startswith("✗ 2022年第1批") for t in texts)
    # 编辑 opens the selected appointment (the page kit's selected_row)
    assert page.model.rowCount() == 9
    chosen = page.model.id_at(3)
    assert page.select_id(chosen) and page.selected_row()["id"] == chosen
    page.edit_selected()
    assert isinstance(page.dialog, AppointmentDialog) and page.dialog.row["id"] == chosen
    page.dialog.reject()


def test_quota_dialog_allocates_and_shows_the_difference(qtbot, state, unit_id):
    from cadre_desktop.core.services import units

    with state.session() as s:
        other = units.save_unit(s, actor=state.actor, name="县财政局", kind="县直部门")
        for i in range(6):
            cadres.save_cadre(s, actor=state.actor, data={"id_number": make_id("19800101", f"{i:03d}"), "name": f"甲{i}",
                                                          "unit_id": unit_id if i < 4 else other, "level": "一般干部"})
    dialog = QuotaDialog(state)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0 and not dialog.save_button.isEnabled()  # counting, off the GUI thread
    settle(qtbot, dialog)
    dialog.places.setValue(3)
    got = {dialog.table.item(i, 0).text(): (dialog.table.item(i, 3).text(), dialog.spins[i].value())
           for i in range(dialog.table.rowCount())}
    assert got == {"青山镇": ("2.00", 2), "县财政局": ("1.00", 1)}
    assert "相等" in dialog.total.text()
    dialog.spins[0].setValue(dialog.spins[0].value() + 1)
    assert "多 1 个" in dialog.total.text()


def test_add_a_visit_and_see_the_totals(qtbot, state):
    page = shown(qtbot, CarePage(state))
    page.tabs.setCurrentIndex(1)
    page.new_record()
    dialog = page.dialog
    assert isinstance(dialog, VisitDialog)
    dialog.name.setText("王老")
    dialog.category.setValue("老党员")
    dialog.date.setText("2023.1.18")
    dialog.amount.setText("800")
    dialog.id_number.setText("522622199007150011")  # wrong check digit
    assert not dialog.try_accept()
    assert dialog.errors["id_number"].isVisible()
    dialog.id_number.clear()
    assert dialog.try_accept()
    settle(qtbot, page)
    assert page.visit_model.rowCount() == 1
    assert page.visit_totals.text() == "慰问 1 人次（1 人），金额合计 800.00 元"
    with state.session() as s:
        assert welfare.list_visits(s)[0]["date"] == dt.date(2023, 1, 18)


def test_reader_sees_no_edit_verbs(qtbot, db, reader, tmp_path):
    st = AppState(db=db, actor=reader, settings=QSettings(str(tmp_path / "r.ini"), QSettings.Format.IniFormat))
    from cadre_desktop.ui.commendations_page import CommendationsPage

    for cls in (AppointmentsPage, CommendationsPage, CarePage):
        page = cls(st)
        qtbot.addWidget(page)
        visible = [a.text() for a in page.toolbar.actions() if a.isVisible() and a.text()]
        assert not {"新增", "新增批次", "新增任用", "编辑", "删除", "导入", "新增通报", "添加个人"} & set(visible)


def test_care_lists_filter_off_the_gui_thread_and_refresh_when_shown(qtbot, state, cadre_id):
    with state.session() as s:
        for kind, day, notes in (("年度体检", dt.date(2022, 5, 1), "体检中心"), ("困难帮扶", dt.date(2023, 2, 1), "子女就学")):
            welfare.save_care(s, actor=state.actor, data={"cadre_id": cadre_id, "kind": kind, "date": day,
                                                          "notes": notes})
    page = CarePage(state)
    qtbot.addWidget(page)
    assert page.care_model.rowCount() == 0 and page.care_year.count() == 0  # nothing read before it is shown
    page.show()
    settle(qtbot, page)
    assert page.care_model.rowCount() == 2 and page.care_count.text() == "共 2 条"
    assert [page.care_year.itemText(i) for i in range(page.care_year.count())] == ["全部", "2023", "2022"]
    page.care_year.setCurrentText("2022")
    settle(qtbot, page)
    assert [page.care_model.row(0)["kind"]] == ["年度体检"] and page.care_model.rowCount() == 1
    page.care_year.setCurrentIndex(0)
    page.care_search.setText("就学")  # typed: one query once typing pauses
    qtbot.waitUntil(lambda: not page.care_search.waiting)
    settle(qtbot, page)
    assert page.care_model.rowCount() == 1 and page.care_model.row(0)["notes"] == "子女就学"
    page.care_search.clear()
    settle(qtbot, page)
    # a change elsewhere while the page is hidden: read again when it is next shown
    page.hide()
    with state.session() as s:
        welfare.save_care(s, actor=state.actor, data={"cadre_id": cadre_id, "kind": "年度体检",
                                                      "date": dt.date(2024, 5, 1)})
    state.changes.emit("care_record")
    assert page._stale and page.care_model.rowCount() == 2
    state.changes.emit("allowance_rate")  # not shown on this page
    page.show()
    settle(qtbot, page)
    assert page.care_model.rowCount() == 3 and page.care_year.findText("2024") > 0


def test_commendation_batches_search_and_a_batchs_awards(qtbot, state, cadre_id):
    from cadre_desktop.core.services import honours
    from cadre_desktop.ui.commendations_page import CommendationsPage

    with state.session() as s:
        first = honours.save_batch(s, actor=state.actor, data={"title": "2022年优秀党员表彰", "date": dt.date(2022, 7, 1)})
        honours.add_individuals(s, actor=state.actor, batch_id=first, cadre_ids=[cadre_id], honour="优秀共产党员")
        honours.save_batch(s, actor=state.actor, data={"title": "2023年脱贫攻坚表彰", "date": dt.date(2023, 3, 1)})
    page = shown(qtbot, CommendationsPage(state))
    assert page.batches.count() == 2 and page.individual.rowCount() == 0  # the newest batch, no one in it yet
    page.search.setText("党员")
    qtbot.waitUntil(lambda: not page.search.waiting)
    settle(qtbot, page)
    assert page.batches.count() == 1 and page.batch_id() == first
    assert page.individual.rowCount() == 1 and page.individual.row(0)["printed_unit_post"] == "青山镇副镇长"
    assert page.individual_label.text().startswith("个人（1 人")
    assert page.act_individuals.isEnabled()
    page.show_batch()  # read again: 添加个人 waits for the awards (the picker leaves out those in it)
    assert page.loads.is_pending("details") and not page.act_individuals.isEnabled()
    settle(qtbot, page)
    assert page.act_individuals.isEnabled()


def test_unit_choices_read_names_only_in_a_read_only_session(qtbot, state, unit_id):
    """A unit drop-down (appointment dialogs, the cadre picker, 调整单位) reads names, not each
    unit's head count, and never through the writing connection."""
    from sqlalchemy import event

    from cadre_desktop.ui.appointments_page import _unit_choices
    from cadre_desktop.ui.cadre_picker import CadrePickerDialog

    seen: list[tuple[str, bool]] = []  # (statement, read-only), on the one engine both share

    def record(conn, _cursor, statement, *_a):
        seen.append((statement, bool(conn.get_execution_options().get("cadre_read_only"))))

    event.listen(state.db.engine, "before_cursor_execute", record)
    try:
        choices = _unit_choices(state)
        picker = CadrePickerDialog(state, "选择", None)
        qtbot.addWidget(picker)
        qtbot.waitUntil(lambda: not picker.loads.pending, timeout=10000)
    finally:
        event.remove(state.db.engine, "before_cursor_execute", record)
    assert unit_id in [uid for _n, uid in choices] and picker.unit.findData(unit_id) > 0
    units_read = [(q, ro) for q, ro in seen if "FROM unit " in q or q.rstrip().endswith("FROM unit")]
    assert len(units_read) == 2 and all(ro for _q, ro in units_read)  # read-only, once each
    assert not [q for q, _ro in units_read if "count(" in q.lower() or "cadre" in q]
