"""首页, 统计报表 and 班子结构 as a clerk uses them: the window opens on the overview, a card or a
to-do lists the records behind its figure and a double-click opens a cadre; the report page gives
the seed county's 2022 figures, their records, the draft and the workbook; the team page shows
each team with its findings and the period's team figures with their cadres."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from cadre_desktop.core.reports.indicators import Period, compute
from cadre_desktop.ui.app import register_fonts
from cadre_desktop.ui.main_window import MainWindow
from cadre_desktop.ui.overview_page import OverviewPage
from cadre_desktop.ui.report_page import ReportPage
from cadre_desktop.ui.state import AppState
from cadre_desktop.ui.teams_page import TeamsPage
from tests.report_county import build


@pytest.fixture(autouse=True)
def _fonts(qapp):
    register_fonts(QApplication.instance())  # as ui/app.py does: Chinese renders


@pytest.fixture
def demo_state(demo_db, demo_admin):
    return AppState(db=demo_db, actor=demo_admin, demo=True)


@pytest.fixture
def county_state(db, admin):
    with db.session() as s:
        build(s)
    return AppState(db=db, actor=admin)


def behind_dialog(qtbot, page):
    qtbot.waitUntil(lambda: getattr(page, "behind_dialog", None) is not None and page.behind_dialog.isVisible(),
                    timeout=30000)
    dialog = page.behind_dialog
    page.behind_dialog = None
    return dialog


def test_window_opens_on_the_overview_with_this_years_figures(qtbot, demo_state, tmp_path):
    window = MainWindow(demo_state)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: window.pages.is_built("首页"), timeout=10000)  # a step of start-up
    page = window.stack.currentWidget()
    assert isinstance(page, OverviewPage) and window.nav.currentItem().text() == "首页"
    qtbot.waitUntil(lambda: page.loaded, timeout=30000)
    today = dt.date.today()
    with demo_state.session() as s:
        report = compute(s, Period(dt.date(today.year, 1, 1), today))
    assert page.cards["training.attendances"].value.text().startswith(str(report.values["training.attendances"]))
    assert report.values["training.attendances"] > 0 and report.values["commendations.individuals"] > 0
    qtbot.waitUntil(lambda: page.slow_report is not None, timeout=30000)  # the allowance follows
    money = report.values["allowances.total_yuan"]
    assert money > 0 and page.cards["allowances.total_yuan"].value.text().startswith(f"{money:.2f}")
    assert all(view.svg.startswith(b"<?xml") and "WenQuanYi Micro Hei".encode() in view.svg
               for view in page.charts.values())
    window.grab().save(str(tmp_path / "首页.png"))

    # a card lists the records behind it; a double-click opens the cadre
    opened = []
    page.open_cadre.disconnect(window.roster.open_cadre)  # the editor would block the test in exec()
    page.open_cadre.connect(opened.append)
    page.cards["township_teams.appointed"].clicked.emit("township_teams.appointed")
    dialog = behind_dialog(qtbot, page)
    assert dialog.row_count() == report.values["township_teams.appointed"] > 0
    dialog.table.doubleClicked.emit(dialog.model.index(0, 0))
    assert opened == [dialog.cadre_id_at(0)]
    dialog.close()

    # a bar of a chart lists the records behind it: the yellow cases
    from PySide6.QtCore import QPoint, Qt

    view = page.charts["tolerance"]
    y = view.height() // 2
    x = next(x for x in range(view.width()) if view.key_at(x, y) == "tolerance.yellow")
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(x + 5, y))
    dialog = behind_dialog(qtbot, page)
    assert dialog.row_count() == report.values["tolerance.yellow"] > 0
    assert {dialog.model.text(r, 2) for r in range(dialog.row_count())} == {"黄"}
    dialog.close()

    # what needs doing: the rule findings, and the page they belong to
    n = report.values["rules.findings"]
    assert page.todo["rules.findings"].text().endswith(f"{n} 条") and n > 0
    page.todo["rules.findings"].click()
    dialog = behind_dialog(qtbot, page)
    assert dialog.row_count() == n
    dialog.close()
    page.navigate.emit("规则检查")
    assert window.nav.currentItem().text() == "规则检查"


def test_report_page_gives_the_seed_figures_and_their_records(qtbot, county_state, tmp_path):
    page = ReportPage(county_state)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.year.setValue(2022)
    qtbot.waitUntil(lambda: page.report is not None and page.report.period == Period.year(2022), timeout=30000)
    item = page.item_for("training.attendances")
    assert item.text(1) == "1300" and item.text(0) == "参训人次"
    assert page.item_for("postings.frontline.疫情防控.cadres").text(1) == "720"
    page.tree.setCurrentItem(item)
    page.open_item(item)
    dialog = behind_dialog(qtbot, page)
    assert dialog.row_count() == 1300
    dialog.close()

    page.draft_button.click()
    draft = page.draft_dialog
    assert "开展各类型培训班14期，参训1300人次" in draft.edit.toPlainText()
    draft.edit.setPlainText(draft.edit.toPlainText().replace("1300人次", "1300余人次"))
    draft.copy_button.click()
    assert "参训1300余人次" in QGuiApplication.clipboard().text()
    draft.close()

    out = tmp_path / "指标.xlsx"
    job = page.export_xlsx(str(out))
    qtbot.waitUntil(lambda: job.done, timeout=30000)
    rows = {r[4]: r[2] for r in openpyxl.load_workbook(out).active.iter_rows(min_row=4, values_only=True)}
    assert rows["township_teams.appointed"] == 79

    # 打印: the report form with its charts
    assert page.print_button is not None and page.print_button.isVisible()
    pdf = tmp_path / "汇报.pdf"
    job = page.print_report(str(pdf))
    # done is set before the answer is handed to the GUI thread: wait for the page to show it
    qtbot.waitUntil(lambda: job.done and (job.error is not None or "页" in page.summary.text()), timeout=60000)
    assert job.error is None and pdf.read_bytes().startswith(b"%PDF") and "页" in page.summary.text()

    # a period of any days
    page.by_days.setChecked(True)
    page.date_from.setText("2022.12.31")
    page.date_to.setText("2023.1.1")
    page.run_button.click()
    qtbot.waitUntil(lambda: page.report.period == Period(dt.date(2022, 12, 31), dt.date(2023, 1, 1)), timeout=30000)
    assert page.item_for("training.classes").text(1) == "1"
    page.date_to.setText("2022.1.1")
    page.run_button.click()
    assert "早于" in page.period_error.text()


def test_teams_page_shows_members_findings_and_period_figures(qtbot, demo_state, tmp_path):
    page = TeamsPage(demo_state)
    qtbot.addWidget(page)
    page.resize(1300, 720)
    page.show()
    qtbot.waitUntil(lambda: page.team_list.count() > 0, timeout=30000)
    flagged = [i for i, t in enumerate(page.teams) if t.findings]
    assert flagged and len(flagged) < len(page.teams)
    page.team_list.setCurrentRow(flagged[0])
    qtbot.waitUntil(lambda: not page.loads.pending, timeout=30000)  # its chart is drawn off the GUI thread
    team = page.teams[flagged[0]]
    assert page.members_model.rowCount() == len(team.members)
    flagged_rows = [r for r, m in enumerate(team.members) if m.flagged]
    if flagged_rows:  # the members a finding names are shown in red
        assert page.members_model.index(flagged_rows[0], 0).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert team.findings[0].message in page.findings.text()
    assert page.mix.svg and "青".encode() in page.mix.svg
    opened = []
    page.open_cadre.connect(opened.append)
    page.members.doubleClicked.emit(page.members_model.index(0, 0))
    assert opened == [team.members[0].cadre_id]
    page.grab().save(str(tmp_path / "班子结构.png"))

    page.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: page.period is not None and page.figure_table.item(0, 1).text() != "", timeout=30000)
    n = int(page.figure_table.item(0, 1).text())
    assert n > 0
    page.open_figure(0)
    dialog = behind_dialog(qtbot, page)
    assert dialog.row_count() == n
