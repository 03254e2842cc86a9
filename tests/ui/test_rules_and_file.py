"""The 规则检查 page and the career tabs of the cadre editor, driven as a clerk drives them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from cadre_desktop.core.models import (
    Appointment, Attendance, Award, CareRecord, CommendationBatch, Posting, Resume, TrainingClass,
)
from cadre_desktop.core.values import Month
from cadre_desktop.ui.cadre_editor import CadreEditor
from cadre_desktop.ui.rules_page import RulesPage
from cadre_desktop.ui.state import AppState
from tests.core.test_rules import build_county


@pytest.fixture
def state(db, admin, tmp_path):
    return AppState(db=db, actor=admin, settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def open_page(qtbot, state) -> RulesPage:
    page = RulesPage(state)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.loaded, timeout=10000)
    return page


def double_click(viewport, pos) -> None:
    """As a mouse does it: a click, then the second press that makes it a double-click."""
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    QTest.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=pos)


def cell(page, row: int, col: int) -> str:
    return page.cadres_model.text(row, col)


def cell_rect(page, row: int, col: int):
    return page.cadres.visualRect(page.cadres_model.index(row, col))


def groups(page) -> list[str]:
    return [page.tree.topLevelItem(i).text(0) for i in range(page.tree.topLevelItemCount())]


def test_rules_page_shows_findings_by_rule_and_opens_a_cadre(qtbot, state, db, admin):
    county = build_county(db, admin, today=dt.date.today())
    page = open_page(qtbot, state)
    assert groups(page) == [
        "每批次提拔优秀年轻干部比例不少于六分之一（1条）", "确保每个班子有1名优秀年轻干部（1条）",
        "乡镇领导班子成员必须有2年及以上的工作年限（2条）", "老中青合理配备（2条）",
    ]
    assert page.summary.text() == "发现 6 处不符合规则。"
    messages = [item.text(0) for item in page.finding_items()]
    assert messages[0].startswith("批次“2023年第2批”提拔任用7人")
    assert messages[1] == "红岩乡领导班子2人，没有35岁及以下的年轻干部"

    # The first finding is selected: its batch, unit and seven cadres are shown.
    assert page.batches.text() == "批次：2023年第2批" and page.units.text() == "单位：青山镇"
    assert page.cadres_model.rowCount() == 7

    # Select the finding about 白新's work years: one cadre, with the full ID number.
    item = next(i for i in page.finding_items() if "白新" in i.text(0))
    page.tree.setCurrentItem(item)
    assert page.cadres_model.rowCount() == 1
    assert cell(page, 0, 0) == "白新" and cell(page, 0, 1) == "白云街道"
    assert len(cell(page, 0, 4)) == 18
    assert page.units.text() == "单位：白云街道" and not page.batches.isVisible()

    # Double-click the cadre: the page asks the window to open that cadre's file.
    rect = cell_rect(page, 0, 0)
    with qtbot.waitSignal(page.open_cadre, timeout=2000) as opened:
        double_click(page.cadres.viewport(), rect.center())
    assert opened.args == [county["cadres"]["白新"]]

    # A team finding names several cadres: the second row opens the second cadre.
    page.tree.setCurrentItem(next(i for i in page.finding_items() if i.text(0).startswith("红岩乡领导班子2人，没有35")))
    names = [cell(page, r, 0) for r in range(page.cadres_model.rowCount())]
    assert names == ["红书记", "红乡长"]
    rect = cell_rect(page, 1, 2)
    with qtbot.waitSignal(page.open_cadre, timeout=2000) as opened:
        double_click(page.cadres.viewport(), rect.center())
    assert opened.args == [county["cadres"]["红乡长"]]


def test_rules_page_checks_again_when_records_change(qtbot, state, db, admin):
    county = build_county(db, admin, today=dt.date.today())
    page = open_page(qtbot, state)
    assert groups(page)[0].endswith("（1条）")
    with db.session() as s:  # a second young cadre in the batch: 2 of 8 is at least one sixth
        s.add(Appointment(cadre_id=county["cadres"]["青新人"], date=dt.date.today() - dt.timedelta(days=300),
                          kind="提拔任用", batch="2023年第2批"))
    page.loaded = False
    state.changes.emit("appointment")
    qtbot.waitUntil(lambda: page.loaded, timeout=10000)
    assert groups(page)[0] == "每批次提拔优秀年轻干部比例不少于六分之一：未发现问题"
    assert page.summary.text() == "发现 5 处不符合规则。"


def test_reader_sees_masked_id_numbers(qtbot, db, admin, reader, tmp_path):
    build_county(db, admin, today=dt.date.today())
    state = AppState(db=db, actor=reader, settings=QSettings(str(tmp_path / "r.ini"), QSettings.Format.IniFormat))
    page = open_page(qtbot, state)
    shown = cell(page, 0, 4)
    assert shown.startswith("**************") and len(shown) == 18


@pytest.fixture
def career_cadre(db, unit_id, cadre_id):
    """The fixture cadre (resume 2012.07 青山镇副镇长) with one record of every kind, written
    out of date order, and a resume line in the month of an appointment."""
    with db.session() as s:
        s.add(Posting(cadre_id=cadre_id, kind="驻村第一书记", place="青山镇红星村", field="乡村振兴",
                      start=dt.date(2020, 3, 1), end=dt.date(2022, 2, 28), evaluation="表现突出"))
        s.add(Appointment(cadre_id=cadre_id, date=dt.date(2019, 3, 15), kind="提拔任用", old_post="青山镇党政办主任",
                          new_post="青山镇副镇长", new_unit_id=unit_id, batch="2019年第1批", doc_number="县委〔2019〕12号"))
        s.add(Appointment(cadre_id=cadre_id, date=dt.date(2023, 6, 1), kind="职级晋升", new_rank="一级主任科员",
                          doc_number="县委组〔2023〕5号"))
        s.add(Resume(cadre_id=cadre_id, seq=9, start=Month(2019, 3), end=None, text="青山镇党委委员、副镇长"))
        tc = TrainingClass(name="2022年中青年干部培训班", organizer="县委党校", mode="线下", start=dt.date(2022, 5, 9),
                           end=dt.date(2022, 5, 20), hours=Decimal("40"))
        s.add(tc)
        s.flush()
        s.add(Attendance(class_id=tc.id, cadre_id=cadre_id, hours=None, completed=True))
        batch = CommendationBatch(title="疫情防控先进集体和先进个人通报表扬", doc_number="县委〔2022〕30号",
                                  date=dt.date(2022, 12, 1), field="疫情防控")
        s.add(batch)
        s.flush()
        s.add(Award(batch_id=batch.id, target_kind="个人", target_name="单雄信", cadre_id=cadre_id, honour="先进个人"))
        s.add(CareRecord(cadre_id=cadre_id, kind="年度体检", date=dt.date(2023, 4, 2)))
    return cadre_id


def open_editor(qtbot, state, cadre_id) -> CadreEditor:
    dialog = CadreEditor(state, cadre_id)
    qtbot.addWidget(dialog, before_close_func=lambda d: d.done(CadreEditor.DialogCode.Rejected))
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=20000)  # the record is read off the GUI thread
    return dialog


def tab_titles(dialog) -> list[str]:
    return [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]


def test_editor_of_a_cadre_shows_career_tabs_and_timeline_in_date_order(qtbot, state, career_cadre):
    dialog = open_editor(qtbot, state, career_cadre)
    assert tab_titles(dialog)[-6:] == ["培训", "挂职驻村", "任用", "表彰", "关爱", "履历时间线"]
    tabs = dialog.career

    dialog.tabs.setCurrentWidget(tabs.postings)
    assert tabs.postings.table.rowCount() == 1
    assert tabs.postings.texts(1) == ["青山镇红星村"]
    assert tabs.postings.texts(4) == ["2020.03.01—2022.02.28"]
    assert tabs.appointments.texts(2) == ["青山镇副镇长", "一级主任科员"]
    assert tabs.appointments.texts(6) == ["县委〔2019〕12号", "县委组〔2023〕5号"]
    assert tabs.training.texts(0) == ["2022年中青年干部培训班"] and tabs.training.texts(4) == ["40"]  # class hours
    assert tabs.awards.texts(3) == ["先进个人"]
    assert tabs.care.texts(1) == ["年度体检"]
    assert not tabs.postings.table.editTriggers() & tabs.postings.table.EditTrigger.DoubleClicked  # read only

    dialog.tabs.setCurrentWidget(tabs.timeline)
    assert tabs.timeline.texts(0) == [
        "2012.07—至今", "2019.03—至今", "2019.03.15", "2020.03.01", "2023.06.01",
    ]
    assert tabs.timeline.texts(1) == ["简历", "简历", "任用", "挂职驻村", "任用"]
    lines = tabs.timeline.texts(2)
    assert lines[1] == "青山镇党委委员、副镇长"  # the resume line and the appointment of 2019.03 both shown
    assert lines[2] == "任青山镇副镇长，免去青山镇党政办主任（提拔任用，县委〔2019〕12号）"
    assert lines[3] == "驻村第一书记：青山镇红星村（乡村振兴），至2022.02.28"
    assert lines[4] == "晋升为一级主任科员（职级晋升，县委组〔2023〕5号）"
    assert not dialog.is_dirty()  # the read-only tabs are not part of what the editor saves


def test_new_cadre_editor_has_no_career_tabs(qtbot, state):
    dialog = open_editor(qtbot, state, None)
    assert "履历时间线" not in tab_titles(dialog) and not hasattr(dialog, "career")


def test_empty_career_tabs_say_so(qtbot, state, cadre_id):
    dialog = open_editor(qtbot, state, cadre_id)
    assert dialog.career.postings.table.rowCount() == 0
    assert dialog.career.postings.note.text() == "没有挂职、驻村或一线任务记录。"
    assert dialog.career.timeline.texts(2) == ["青山镇副镇长"]
