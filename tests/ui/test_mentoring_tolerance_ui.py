"""结对帮带 and 容错纠错 pages, driven as a clerk drives them; the tag mark in the roster."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings, Qt

from cadre_desktop.core.services import cadres, mentoring, tolerance
from cadre_desktop.ui.mentoring_page import MentoringPage, NewPairDialog
from cadre_desktop.ui.models import TAG_COLOURS, RosterModel
from cadre_desktop.ui.state import AppState
from cadre_desktop.ui.tolerance_page import CaseDialog, TolerancePage

from conftest import make_id, settle

D = dt.date


@pytest.fixture
def state(db, admin, tmp_path):
    return AppState(db=db, actor=admin, settings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))


def shown(qtbot, page):
    qtbot.addWidget(page)
    page.show()
    settle(qtbot, page)
    return page


def new_pair_dialog(qtbot, state, parent=None) -> NewPairDialog:
    dialog = NewPairDialog(state, parent)
    qtbot.addWidget(dialog)
    settle(qtbot, dialog)  # the mentors' list
    return dialog


@pytest.fixture
def people(db, admin, unit_id):
    spec = [("书记乙", "19720202", "正科级"), ("镇长丙", "19750303", "正科级"), ("小王", "19950505", "一般干部"),
            ("小李", "19960606", "一般干部"), ("老陈", "19700808", "一般干部")]
    ids = {}
    with db.session() as s:
        for i, (name, birth, level) in enumerate(spec):
            ids[name] = cadres.save_cadre(s, actor=admin, data={
                "id_number": make_id(birth, f"{i + 1:02d}1"), "name": name, "unit_id": unit_id, "level": level})
    return ids


def test_pair_a_mentor_with_several_mentees_one_refused_with_the_reason(qtbot, state, db, admin, people, qtmodeltester):
    with db.session() as s:
        mentoring.save_pair(s, actor=admin, data={"mentor_id": people["镇长丙"], "mentee_id": people["小李"],
                                                  "kind": "科级领导帮带年轻干部", "start": D(2023, 1, 1)})
    page = shown(qtbot, MentoringPage(state))
    assert page.model.rowCount() == 1
    dialog = new_pair_dialog(qtbot, state, page)
    dialog.set_mentor(people["书记乙"])
    dialog.kind.setCurrentText("科级领导帮带年轻干部")
    dialog.start.setText("2024.3.1")
    # the picker shows the ones that would break a rule greyed, with the reason, and they cannot be ticked
    dialog.pick_mentees()
    picker = dialog.picker
    assert picker.isVisible() and picker.young.isChecked()  # the young-cadre pool first
    picker.young.setChecked(False)
    qtbot.waitUntil(lambda: picker.model.rowCount() == 5 and not picker.loads.pending, timeout=10000)

    def cells() -> dict:
        return {picker.model.index(i, 0).data(): picker.model.index(i, 0) for i in range(picker.model.rowCount())}

    tip = Qt.ItemDataRole.ToolTipRole
    got = cells()
    assert got["小王"].flags() & Qt.ItemFlag.ItemIsUserCheckable and got["小王"].data(tip) is None
    assert not got["小李"].flags() & Qt.ItemFlag.ItemIsEnabled and "已由 镇长丙 帮带" in got["小李"].data(tip)
    assert "年轻干部" in got["老陈"].data(tip) and "同一人" in got["书记乙"].data(tip)
    qtbot.keyClicks(picker.search, "x")  # 小: the initials of 小王 and 小李
    qtbot.waitUntil(lambda: picker.model.rowCount() == 2 and not picker.loads.pending, timeout=10000)
    got = cells()
    assert set(got) == {"小王", "小李"}
    for index in got.values():
        picker.model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert picker.chosen_ids() == [people["小王"]]  # 小李 refused the tick
    qtbot.mouseClick(picker.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.added and "已结对 1 人：小王" in dialog.result.toPlainText()
    # the service checks again and lists whoever it refuses, with the reason
    res = dialog.add_mentees([people["小李"]])
    assert not res["added"] and [n for _, n, _ in res["refused"]] == ["小李"]
    text = dialog.result.toPlainText()
    assert "小李：违反“一对一、不重复”：该干部在 2023.01.01 起已由 镇长丙 帮带" in text
    settle(qtbot, page)
    assert page.model.rowCount() == 2  # the page followed the change
    assert page.count.text() == "共 2 对"
    qtmodeltester.check(page.model)


def test_pair_dialog_needs_a_role_for_dual_mentors(qtbot, state, people):
    dialog = new_pair_dialog(qtbot, state)
    dialog.set_mentor(people["书记乙"])
    dialog.kind.setCurrentText("双导师制")
    assert dialog.add_mentees([people["小王"]]) is None
    assert "导师类别" in dialog.errors["role"].text() and not dialog.errors["role"].isHidden()
    dialog.role.setValue("业务导师")
    assert len(dialog.add_mentees([people["小王"]])["added"]) == 1


def test_add_a_record_in_the_panel_and_a_date_outside_the_span_is_refused(qtbot, state, db, admin, people):
    with db.session() as s:
        pid = mentoring.save_pair(s, actor=admin, data={"mentor_id": people["书记乙"], "mentee_id": people["小王"],
                                                        "kind": "科级领导帮带年轻干部", "start": D(2023, 1, 1)})
    page = shown(qtbot, MentoringPage(state))
    assert page.select_id(pid)
    settle(qtbot, page)
    assert page.overdue_count.text() == "逾期提醒 1 对"
    assert page.model.data(page.model.index(0, 7)).startswith("超过 90 天未谈心谈话")
    page.rec_date.setText("2022.12.01")
    page.rec_kind.setCurrentText("谈心谈话")
    page.rec_text.setText("谈工作")
    assert not page.add_record()
    assert "不在该结对的帮带期间" in page.rec_error.text()
    page.rec_date.setText(f"{dt.date.today():%Y.%m.%d}")
    qtbot.keyClick(page.rec_text, Qt.Key.Key_Return)
    settle(qtbot, page)
    assert page.records_model.rowCount() == 1
    assert page.records_model.data(page.records_model.index(0, 2)) == "谈工作"
    assert page.rec_text.text() == ""
    assert page.model.data(page.model.index(0, 6)) == f"{dt.date.today():%Y.%m.%d}"  # 最近谈心谈话
    assert "书记乙 名下的结对（1）" == page.mentor_list_title.text()


def test_tag_a_case_yellow_and_see_the_mark_in_the_roster(qtbot, state, db, admin, people, qtmodeltester):
    page = shown(qtbot, TolerancePage(state))
    page.new_case()
    dialog = page.dialog
    assert isinstance(dialog, CaseDialog)
    dialog.set_cadre(people["小王"])
    dialog.matter.setText("项目审批程序瑕疵")
    dialog.occurred.setText("2024.1.5")
    dialog.circumstance.setValue("为推动发展的无意过失")
    dialog.colour.setValue("黄")
    assert "请同时填写认定日期" in dialog.errors["decided"].text()  # said beside the fields at once
    assert not dialog.try_accept()
    assert dialog.errors["decided"].text()
    dialog.decided.setText(f"{dt.date.today():%Y.%m.%d}")
    dialog.status.setValue("整改中")
    assert dialog.try_accept(), dialog.message.text()
    settle(qtbot, page)
    assert page.model.rowCount() == 1
    assert page.selected_id() == dialog.saved_id  # the case just saved is selected
    assert page.model.data(page.model.index(0, 5)) == "黄"
    qtmodeltester.check(page.model)

    model = RosterModel(cadres.ROSTER_COLUMNS, lambda ids: _rows(db, ids))
    model.set_ids([people["小王"], people["小李"]])
    col = [k for k, _ in cadres.ROSTER_COLUMNS].index("tag")
    assert col == 1
    assert model.data(model.index(0, col)) == "黄"
    assert model.data(model.index(0, col), Qt.ItemDataRole.ForegroundRole).color().name() == TAG_COLOURS["黄"]
    assert "项目审批程序瑕疵" in model.data(model.index(0, col), Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(1, col)) == ""
    qtmodeltester.check(model)
    with db.session() as s:
        assert tolerance.effect(s, people["小王"], dt.date.today(), "commendation")[0] == "warn"


def _rows(db, ids):
    with db.session() as s:
        return cadres.roster_rows(s, ids)


def test_colour_settings_only_for_admins(qtbot, db, clerk, tmp_path):
    st = AppState(db=db, actor=clerk, settings=QSettings(str(tmp_path / "c.ini"), QSettings.Format.IniFormat))
    page = TolerancePage(st)
    qtbot.addWidget(page)
    assert not page.act_settings.isVisible()


def test_a_mentor_who_cannot_mentor_the_kind_is_said_before_the_picker(qtbot, state, people):
    dialog = new_pair_dialog(qtbot, state)
    dialog.set_mentor(people["书记乙"])
    dialog.kind.setCurrentText("县级领导帮带科级领导")
    assert dialog.add_mentees([people["镇长丙"]]) is None
    assert "帮带人须为县级领导，书记乙 现为正科级" in dialog.errors["mentor_id"].text()


def test_commendation_list_excludes_red_and_confirms_yellow_into_the_audit(qtbot, state, db, admin, people,
                                                                           monkeypatch):
    from sqlalchemy import select

    from cadre_desktop.core.models import AuditEvent
    from cadre_desktop.core.services import honours
    from cadre_desktop.ui import common, tolerance_page
    from cadre_desktop.ui.commendations_page import CommendationsPage

    today = dt.date.today()
    with db.session() as s:
        tolerance.save_case(s, actor=admin, data={"cadre_id": people["小王"], "matter": "黄事", "occurred": today,
                                                  "colour": "黄", "decided": today, "correction_status": "整改中"})
        tolerance.save_case(s, actor=admin, data={"cadre_id": people["小李"], "matter": "红事", "occurred": today,
                                                  "colour": "红", "decided": today})
        honours.save_batch(s, actor=admin, data={"title": "表彰通报", "date": today})
    told, asked = [], []
    monkeypatch.setattr(common, "inform", lambda parent, text, title="": told.append(text))
    monkeypatch.setattr(tolerance_page, "confirm", lambda parent, text, title="", ok="": asked.append(text) or True)
    annotate = tolerance_page.effect_annotate("commendation", today)
    with state.session(read_only=True) as s:
        notes = annotate(s, [people["小李"], people["小王"]])
    assert list(notes) == [people["小李"]] and "红事" in notes[people["小李"]]  # 黄 only warns

    # the picker reads the notes with its rows, off the GUI thread, one batched read per block
    import threading

    from cadre_desktop.ui.cadre_picker import CadrePickerDialog

    calls = []

    def recorded(s, ids):
        calls.append((threading.current_thread() is threading.main_thread(), len(ids)))
        return annotate(s, ids)

    picker = CadrePickerDialog(state, "选择", None, annotate=recorded)
    qtbot.addWidget(picker)
    qtbot.waitUntil(lambda: not picker.loads.pending, timeout=10000)
    assert calls == [(False, picker.model.rowCount())]
    notes = {picker.model.id_at(i): picker.model.row(i)["note"] for i in range(picker.model.rowCount())}
    assert "红事" in notes[people["小李"]] and notes[people["小王"]] is None
    assert len(calls) == 1  # showing the rows asked nothing more
    picker.tick(people["小李"])
    assert people["小李"] not in picker.model.checked
    page = CommendationsPage(state)
    qtbot.addWidget(page)
    page.refresh(wait=True)
    page.add_individuals([people["小王"], people["小李"], people["老陈"]], honour="先进个人")
    qtbot.waitUntil(lambda: page.job is not None and page.job.done, timeout=20000)
    assert "红事" in told[0] and "黄事" in asked[0]
    with db.session() as s:
        names = {a["target_name"] for a in honours.list_awards(s, page.batch_id(), kind="个人")}
        ev = s.scalars(select(AuditEvent).where(AuditEvent.action == "确认容错纠错提醒")).all()
    assert names == {"小王", "老陈"}
    assert len(ev) == 1 and "黄事" in ev[0].after
    # cancelling the warning adds nobody
    monkeypatch.setattr(tolerance_page, "confirm", lambda *a, **k: False)
    assert tolerance_page.check_effects(state, page, [people["小王"]], "commendation", today) is None


def test_promotion_of_a_red_cadre_in_the_decision_year_is_refused(qtbot, state, db, admin, people, monkeypatch):
    from cadre_desktop.ui import common
    from cadre_desktop.ui.appointments_page import AppointmentDialog

    today = dt.date.today()
    with db.session() as s:
        tolerance.save_case(s, actor=admin, data={"cadre_id": people["小李"], "matter": "红事", "occurred": today,
                                                  "colour": "红", "decided": today})
    told = []
    monkeypatch.setattr(common, "inform", lambda parent, text, title="": told.append(text))
    dialog = AppointmentDialog(state, None)
    qtbot.addWidget(dialog)
    dialog.set_cadre(people["小李"])
    dialog.date.setValue(today)
    dialog.new_post.setText("副镇长")
    assert not dialog.try_accept()
    assert "红事" in told[0] and "不得列入提拔任用名单" in told[0]
    dialog.set_cadre(people["小王"])
    assert dialog.try_accept()


def test_admin_shortens_the_talk_interval_and_the_page_follows(qtbot, state, db, admin, people):
    today = dt.date.today()
    with db.session() as s:
        pid = mentoring.save_pair(s, actor=admin, data={"mentor_id": people["书记乙"], "mentee_id": people["小王"],
                                                        "kind": "科级领导帮带年轻干部", "start": today - dt.timedelta(days=200)})
        mentoring.save_record(s, actor=admin, pair_id=pid, data={"date": today - dt.timedelta(days=40), "kind": "谈心谈话"})
    page = shown(qtbot, MentoringPage(state))
    assert "谈心谈话" not in page.model.data(page.model.index(0, 7))
    page.edit_settings()
    page.dialog.days.setValue(30)
    assert page.dialog.try_accept()
    settle(qtbot, page)
    assert page.model.data(page.model.index(0, 7)).startswith("超过 30 天未谈心谈话")


def test_a_hidden_page_reads_a_change_when_shown_and_ignores_what_it_does_not_show(qtbot, state, db, admin, people):
    page = shown(qtbot, TolerancePage(state))
    assert page.model.rowCount() == 0
    page.hide()
    today = dt.date.today()
    with db.session() as s:
        tolerance.save_case(s, actor=admin, data={"cadre_id": people["小王"], "matter": "一事", "occurred": today})
    state.changes.emit("tolerance")
    assert not page.loads.pending and page.model.rowCount() == 0  # hidden: nothing read yet
    page.show()
    settle(qtbot, page)
    assert page.model.rowCount() == 1
    with db.session() as s:
        tolerance.save_case(s, actor=admin, data={"cadre_id": people["小李"], "matter": "二事", "occurred": today})
    state.changes.emit("training_class")  # not shown on this page
    assert not page.loads.pending and page.model.rowCount() == 1
    state.changes.emit("cadre")  # the names on the cases
    settle(qtbot, page)
    assert page.model.rowCount() == 2


def test_the_search_box_filters_the_pairs_once_typing_pauses(qtbot, state, db, admin, people):
    with db.session() as s:
        for name in ("小王", "小李"):
            mentoring.save_pair(s, actor=admin, data={"mentor_id": people["书记乙"], "mentee_id": people[name],
                                                      "kind": "科级领导帮带年轻干部", "start": D(2023, 1, 1)})
    page = shown(qtbot, MentoringPage(state))
    assert page.model.rowCount() == 2
    asked = []
    page.search.searched.connect(asked.append)
    qtbot.keyClicks(page.search, "19950505")  # 小王's date of birth in the ID number
    qtbot.waitUntil(lambda: bool(asked) and asked[-1] == "19950505", timeout=5000)
    settle(qtbot, page)
    assert page.model.rowCount() == 1 and page.count.text() == "共 1 对"
    assert page.selected() is None or page.selected()["mentee"] == "小王"
    assert page.model.data(page.model.index(0, 1)) == "小王"
