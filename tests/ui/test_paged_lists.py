"""The big list pages page their rows as the roster does (page_kit.PagedList): on a real SQLite
county with several blocks of rows per list, the page holds the ids and the first block; the
other blocks are read as they are shown; counts, totals, filters, the selection and 导出 (every
row matching, not only the blocks read) stay as they were with every row in hand."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from PySide6.QtCore import QSettings, Qt
from sqlalchemy import func, select, text

from cadre_desktop.core.models import MentorPair
from cadre_desktop.core.services import allowances, development, mentoring, welfare
from cadre_desktop.core.values import Month
from cadre_desktop.ui.allowance_page import AllowancePage, money
from cadre_desktop.ui.care_page import CarePage
from cadre_desktop.ui.list_kit import export_list, row_reader
from cadre_desktop.ui.mentoring_page import MentoringPage
from cadre_desktop.ui.models import BLOCK
from cadre_desktop.ui.state import AppState
from cadre_desktop.ui.training_page import TrainingPage

from conftest import settle


@pytest.fixture
def county(demo_db, demo_admin, tmp_path):
    """The demo county (668 cadres, 455 paid a month, 1,025 visits) with 500 more pairs: every
    list below spans three blocks or more."""
    with demo_db.session() as s:
        s.execute(text(
            "INSERT INTO mentor_pair (mentor_id, mentee_id, kind, role, start, \"end\", version) "
            "SELECT a.id, b.id, '科级领导帮带年轻干部', NULL, '2020-03-01', NULL, 1 "
            "FROM cadre a JOIN cadre b ON b.id = a.id + 1 ORDER BY a.id LIMIT 500"))
    return AppState(db=demo_db, actor=demo_admin,
                    settings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))


def shown(qtbot, page):
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    settle(qtbot, page)
    return page


def column(model, key: str, rows=None) -> list:
    """The column's text in these rows (all when None), each read with its block."""
    return [model.display(key, model.row(r)) for r in (range(model.rowCount()) if rows is None else rows)]


def exported(qtbot, page, table, path) -> list[tuple]:
    done = []
    export_list(page, table, path=str(path), on_done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=30000)
    return list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))


def test_the_payroll_is_read_a_block_at_a_time_with_its_subtotals(qtbot, county):
    page = shown(qtbot, AllowancePage(county))
    month = Month.of(dt.date.today()).add_months(-1)  # confirmed in the demo county
    with county.session() as s:
        whole = {m: allowances.payroll(s, m) for m in (month, Month(2022, 7))}
    for m, p in whole.items():
        page.payroll_table.scrollToTop()
        page.month_edit.setValue(m)
        page.load_month(force=True)
        settle(qtbot, page)
        model = page.payroll_model
        assert page.payroll["confirmed"] == p["confirmed"] and page.payroll["recipients"] == p["recipients"]
        assert model.rowCount() == p["recipients"] + len(p["units"]) + 1 > 2 * BLOCK
        assert len(model._rows) <= BLOCK  # the first block only: nothing else read yet
        assert f"全县 {p['recipients']} 人，合计 {money(p['total'])} 元" in page.total_label.text()
        # every row, read block by block, as the whole payroll lists them
        expected = []
        for u, lines in allowances.unit_groups(p):
            expected += [(ln["name"], money(ln["total"])) for ln in lines]
            expected.append((f"{u['count']} 人", money(u["total"])))
        expected.append((f"{p['recipients']} 人", money(p["total"])))
        assert list(zip(column(model, "name"), column(model, "total"))) == expected
        assert column(model, "seq", [0, model.rowCount() - 3]) == [1, p["recipients"]]
        page.payroll_table.scrollToBottom()
        assert column(model, "unit", [model.rowCount() - 1]) == ["全县合计"]
        # copying or exporting reads every row through the blocks, off the GUI thread
        assert len(row_reader(page.payroll_table)()) == model.rowCount()


def test_the_pairs_page_filters_counts_selects_and_exports_in_sql(qtbot, county, tmp_path):
    page = shown(qtbot, MentoringPage(county))
    today = dt.date.today()
    with county.session() as s:
        everyone = mentoring.list_pairs(s)
        overdue = [p["id"] for p in mentoring.overdue(s, today)]
    assert len(everyone) > 3 * BLOCK
    assert page.model.ids == [p["id"] for p in everyone] and len(page.model._rows) == BLOCK
    assert page.count.text() == f"共 {len(everyone)} 对" and page.overdue_count.text() == f"逾期提醒 {len(overdue)} 对"

    # a pair far down the list: read with its block, selected, kept selected over a refresh
    far = everyone[-3]
    assert page.select_id(far["id"]) and page.selected()["mentee"] == far["mentee"]
    settle(qtbot, page)
    assert page.pair_title.text().startswith(f"{far['mentor']} 帮带 {far['mentee']}")
    page.refresh()
    settle(qtbot, page)
    assert page.selected_id() == far["id"]

    page.overdue_only.setChecked(True)
    settle(qtbot, page)
    assert page.model.ids == overdue and page.count.text() == f"共 {len(overdue)} 对"
    page.overdue_only.setChecked(False)
    name = everyone[BLOCK + 5]["mentee"]
    page.search.setText(name)
    page.search.searched.emit(name)
    settle(qtbot, page)
    with county.session() as s:
        assert page.model.ids == [p["id"] for p in mentoring.list_pairs(s, search=name)] != []
    page.search.setText("")
    page.search.searched.emit("")
    settle(qtbot, page)

    rows = exported(qtbot, page, page.table, tmp_path / "结对.xlsx")
    header = list(rows[1])
    assert header[:2] == ["帮带人", "被帮带人"] and len(rows) == 2 + len(everyone)
    assert [r[1] for r in rows[2:]] == [p["mentee"] for p in everyone]
    with county.session() as s:
        assert s.scalar(select(func.count()).select_from(MentorPair)) == len(everyone)


def test_the_visits_are_paged_with_their_totals_counted_in_sql(qtbot, county, tmp_path):
    page = shown(qtbot, CarePage(county))
    assert page.visit_model.rowCount() == 0  # the visits' tab is read when it is shown
    page.tabs.setCurrentIndex(1)
    settle(qtbot, page)
    with county.session() as s:
        visits = welfare.list_visits(s)
        care = welfare.list_care(s)
    assert len(visits) > 3 * BLOCK and len(care) > 3 * BLOCK
    people = {(v["id_number"], "") if v["id_number"] else ("", v["name"]) for v in visits}
    amount = sum(v["amount"] for v in visits if v["amount"] is not None)
    assert page.visit_totals.text() == f"慰问 {len(visits)} 人次（{len(people)} 人），金额合计 {amount:,.2f} 元"
    assert page.visit_model.ids == [v["id"] for v in visits] and len(page.visit_model._rows) == BLOCK
    assert page.care_count.text() == f"共 {len(care)} 条" and len(page.care_model._rows) == BLOCK

    last = page.visit_model.rowCount() - 1
    page.visit_table.setCurrentIndex(page.visit_model.index(last, 0))
    assert page._current() == ("visit", visits[-1])
    page.visit_table.setFocus(Qt.FocusReason.OtherFocusReason)
    rows = exported(qtbot, page, page.visit_table, tmp_path / "慰问.xlsx")
    assert len(rows) == 2 + len(visits) and [r[0] for r in rows[2:]] == [v["name"] for v in visits]

    year = str(visits[0]["date"].year)
    page.visit_year.setCurrentText(year)
    settle(qtbot, page)
    with county.session() as s:
        assert page.visit_model.ids == [v["id"] for v in welfare.list_visits(s, year=int(year))]
        totals = welfare.visit_totals(s, year=int(year))
    assert page.visit_totals.text().startswith(f"慰问 {totals['count']} 人次")


def test_a_big_class_list_is_paged_and_a_selection_over_several_blocks_changed(qtbot, county, tmp_path):
    """Every cadre of the county on one class's list: the list, its numbers, the picker's cadres
    left out, 导出, and 结业 for every row selected (most never read into the list)."""
    with county.session() as s:
        cid = development.list_classes(s)[0]["id"]
        s.execute(text("INSERT INTO attendance (class_id, cadre_id, hours, completed, version) "
                       "SELECT :c, id, 8, 0, 1 FROM cadre WHERE id NOT IN "
                       "(SELECT cadre_id FROM attendance WHERE class_id = :c)"), {"c": cid})
        rows = development.list_attendances(s, cid)
    page = shown(qtbot, TrainingPage(county))
    page.select_id(cid)
    settle(qtbot, page)
    model = page.att_model
    assert model.ids == [r["id"] for r in rows] and len(rows) > 3 * BLOCK and len(model._rows) == BLOCK
    done = sum(r["completed"] for r in rows)
    assert page.att_count.text() == f"{len(rows)} 人，结业 {done} 人"
    assert sorted(page._on_list) == sorted(r["cadre_id"] for r in rows)
    assert column(model, "name", [len(rows) - 1]) == [rows[-1]["name"]]

    page.att_table.setFocus(Qt.FocusReason.OtherFocusReason)
    out = exported(qtbot, page, page.att_table, tmp_path / "参训.xlsx")
    assert len(out) == 2 + len(rows)

    page.att_table.selectAll()
    assert len(page.selected_attendance()) == len(rows)
    page.toggle_completed()
    settle(qtbot, page)
    assert page.att_count.text() == f"{len(rows)} 人，结业 {len(rows)} 人"
    with county.session() as s:
        assert all(r["completed"] for r in development.list_attendances(s, cid))
