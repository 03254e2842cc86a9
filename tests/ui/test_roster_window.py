"""The roster page and the main window, driven as a clerk would."""

import openpyxl
import pytest
from PySide6.QtCore import Qt

from cadre_desktop.core.services import audit, cadres
from cadre_desktop.ui.exchange_dialogs import ExportDialog, ImportDialog
from cadre_desktop.ui.main_window import MainWindow
from cadre_desktop.ui.roster_page import RosterPage
from cadre_desktop.ui.state import AppState

from conftest import make_id, settle


@pytest.fixture
def demo_state(demo_db, demo_admin):
    return AppState(db=demo_db, actor=demo_admin, demo=True)


def shown_names(page):
    return [page.model.row(i)["name"] for i in range(page.model.rowCount())]


@pytest.mark.both_engines
def test_search_box_follows_each_keystroke(qtbot, demo_state):
    page = RosterPage(demo_state)
    qtbot.addWidget(page)
    settle(qtbot, page)
    total = page.model.rowCount()
    assert total > 600 and page.count.text() == f"共 {total} 人"
    qtbot.keyClicks(page.search, "z")
    qtbot.waitUntil(lambda: page.model.rowCount() < total)
    after_z = page.model.rowCount()
    qtbot.keyClicks(page.search, "h")
    qtbot.waitUntil(lambda: page.model.rowCount() < after_z)
    with demo_state.session() as s:
        expected = cadres.roster_count(s, cadres.RosterFilter(search="zh"))
    assert page.model.rowCount() == expected and page.count.text() == f"共 {expected} 人"
    page.search.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == total)


@pytest.mark.both_engines
def test_polyphonic_surname_found_by_both_readings_in_the_window(qtbot, demo_state):
    page = RosterPage(demo_state)
    qtbot.addWidget(page)
    for reading in ("zeng", "ceng"):
        page.search.setText(reading)
        page.refresh(wait=True)
        assert any(n.startswith("曾") for n in shown_names(page)), reading


def test_filters_and_sorting_run_in_sql(qtbot, demo_state):
    page = RosterPage(demo_state)
    qtbot.addWidget(page)
    page.young.setChecked(True)
    settle(qtbot, page)
    young = page.model.rowCount()
    assert 0 < young < 400
    ages = [page.model.row(i)["age"] for i in range(young)]
    assert max(ages) <= 35
    page.young.setChecked(False)
    age_col = [k for k, _ in cadres.ROSTER_COLUMNS].index("age")
    page.table.sortByColumn(age_col, Qt.SortOrder.AscendingOrder)  # what a click on the header does
    settle(qtbot, page)
    ages = [page.model.row(i)["age"] for i in range(page.model.rowCount())]
    assert ages == sorted(ages)


def test_model_fetches_only_the_rows_it_shows(qtbot, demo_state):
    page = RosterPage(demo_state)
    qtbot.addWidget(page)
    settle(qtbot, page)
    page.model.invalidate()
    page.model.data(page.model.index(5, 0))
    assert len(page.model._rows) <= 200 < page.model.rowCount() + 200


def test_open_cadre_change_post_save_and_see_the_row_change(qtbot, demo_state, monkeypatch):
    from cadre_desktop.ui import cadre_editor

    page = RosterPage(demo_state)
    qtbot.addWidget(page)
    page.search.setText("县委办公室常务副主任")  # not a name: nothing
    page.refresh(wait=True)
    assert page.model.rowCount() == 0
    page.search.setText("")
    page.refresh(wait=True)
    cid = page.model.id_at(3)
    opened = []

    def fake_exec(dialog):
        opened.append(dialog)
        qtbot.waitUntil(lambda: dialog.loaded, timeout=20000)  # the record is read off the GUI thread
        edit = dialog.fields["post"]
        edit.setText("县委办公室综合科科长")
        assert dialog.save()
        qtbot.waitUntil(lambda: not dialog.saving, timeout=20000)  # the save runs as a job
        return 1

    monkeypatch.setattr(cadre_editor.CadreEditor, "exec", fake_exec)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    page.select_id(cid)
    page.table.setFocus()
    qtbot.waitUntil(page.table.hasFocus)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened
    settle(qtbot, page)
    row = page.model.row(page.model.row_of(cid))
    assert row["post"] == "县委办公室综合科科长"


def test_bad_id_in_editor_saves_nothing(qtbot, demo_state):
    from cadre_desktop.ui.cadre_editor import CadreEditor

    with demo_state.session() as s:
        before = cadres.roster_count(s, cadres.RosterFilter())
    editor = CadreEditor(demo_state, None)
    qtbot.addWidget(editor)
    qtbot.waitUntil(lambda: editor.loaded, timeout=20000)  # the record is read off the GUI thread
    good = make_id("19900715", "001", "529321")
    editor.fields["id_number"].setText(good[:17] + ("1" if good[17] != "1" else "2"))
    editor.fields["name"].setText("王新")
    editor.save()
    qtbot.waitUntil(lambda: not editor.saving, timeout=20000)  # the save runs as a job
    assert "号码校验不通过" in editor.errors["id_number"].text()
    with demo_state.session() as s:
        assert cadres.roster_count(s, cadres.RosterFilter()) == before


def test_delete_asks_once_naming_what_goes(qtbot, demo_state, monkeypatch):
    from cadre_desktop.ui import roster_page

    page = RosterPage(demo_state)
    qtbot.addWidget(page)
    page.show()  # in view: the deletion refreshes it at once
    settle(qtbot, page)
    cid = page.model.id_at(0)
    asked = []
    monkeypatch.setattr(roster_page, "confirm", lambda parent, text, *a: asked.append(text) or True)
    page.select_id(cid)
    page.delete_selected()
    settle(qtbot, page)
    assert len(asked) == 1 and "简历" in asked[0]
    assert page.model.row_of(cid) == -1


def write_workbook(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "干部"
    ws.append(["身份证号", "姓名", "工作单位", "干部层级", "现任职务"])
    for r in rows:
        ws.append(r)
    wb.save(path)


def test_import_through_the_dialog_shows_progress_and_result(qtbot, demo_state, tmp_path):
    path = tmp_path / "new.xlsx"
    people = [(make_id("19950101", f"{i:03d}", "529399"), f"新{i}", "县财政局", "一般干部", "科员") for i in range(40)]
    write_workbook(path, people)
    dialog = ImportDialog(demo_state, None, str(path))
    qtbot.addWidget(dialog)
    page = RosterPage(demo_state)
    qtbot.addWidget(page)
    page.show()  # in view: the import refreshes it at once
    settle(qtbot, page)
    before = page.model.rowCount()
    job = dialog.start(dry_run=False)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=60000)
    assert job.done
    assert "导入完成" in dialog.status.text() and "干部: 新增 40, 更新 0" in dialog.status.text()
    qtbot.waitUntil(lambda: page.model.rowCount() == before + 40)
    # the same workbook again changes nothing, so nothing is announced and no page reloads
    assert dialog.result.changed
    seen = []
    demo_state.changes.changed.connect(seen.append)
    dialog.result = None
    dialog.start(dry_run=False)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=60000)
    assert "干部: 新增 0, 更新 0" in dialog.status.text()
    assert not dialog.result.changed and seen == []


def test_import_with_an_error_lists_it_in_the_table_and_writes_nothing(qtbot, demo_state, tmp_path):
    path = tmp_path / "bad.xlsx"
    good = make_id("19950101", "001", "529399")
    write_workbook(path, [(good, "甲", "县财政局", "一般干部", "科员"),
                          (good[:17] + ("1" if good[17] != "1" else "2"), "乙", "县财政局", "一般干部", "科员")])
    dialog = ImportDialog(demo_state, None, str(path))
    qtbot.addWidget(dialog)
    with demo_state.session() as s:
        events = audit.count_events(s)
    dialog.start(dry_run=False)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=60000)
    assert dialog.problems.rowCount() == 1
    assert [dialog.problems.item(0, c).text() for c in range(3)] == ["干部", "3", "身份证号"]
    assert "未写入任何数据" in dialog.status.text()
    with demo_state.session() as s:
        assert cadres.find_by_id_number(s, good) is None
        assert audit.count_events(s) == events


def test_export_dialog_writes_chosen_sheets(qtbot, demo_state, tmp_path, monkeypatch):
    from cadre_desktop.ui import exchange_dialogs

    monkeypatch.setattr(exchange_dialogs, "inform", lambda *a, **k: None)
    dialog = ExportDialog(demo_state, None)
    qtbot.addWidget(dialog)
    for name, box in dialog.boxes.items():
        box.setChecked(name in ("单位", "干部"))
    out = tmp_path / "e.xlsx"
    job = dialog.export_to(str(out))
    qtbot.waitUntil(lambda: job.done, timeout=60000)
    assert openpyxl.load_workbook(out, read_only=True).sheetnames == ["单位", "干部"]


def test_main_window_shows_demo_title_user_and_admin_pages(qtbot, demo_state):
    window = MainWindow(demo_state)
    qtbot.addWidget(window)
    assert "演示" in window.windowTitle()
    assert "操作记录" in window.pages and "账号" in window.pages
    from PySide6.QtWidgets import QLabel

    labels = [w.text() for w in window.statusBar().findChildren(QLabel)]
    assert any("admin（管理员）" in t for t in labels)


def test_reader_window_has_no_admin_pages_or_import(qtbot, demo_db, demo_admin):
    from cadre_desktop.core.services import accounts
    from cadre_desktop.core.services.accounts import Actor

    with demo_db.session() as s:
        accounts.add_account(s, actor=demo_admin, name="r", role="查阅", password="read1234")
    window = MainWindow(AppState(db=demo_db, actor=Actor("r", "查阅")))
    qtbot.addWidget(window)
    assert "操作记录" not in window.pages
    actions = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "导入工作簿…" not in actions and "导出数据交换工作簿…" in actions
    assert not window.roster.act_new.isVisible() and window.roster.act_edit.text() == "查看"


def test_window_remembers_its_filters(qtbot, demo_state):
    page = RosterPage(demo_state)
    qtbot.addWidget(page)
    page.young.setChecked(True)
    page.level.setCurrentText("副科级")
    settle(qtbot, page)
    page.save_settings()
    again = RosterPage(demo_state)
    qtbot.addWidget(again)
    settle(qtbot, again)
    assert again.young.isChecked() and again.level.currentText() == "副科级"
    assert again.model.rowCount() == page.model.rowCount()


def test_chinese_renders_with_the_shipped_font(qtbot):
    from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
    from PySide6.QtWidgets import QApplication

    from cadre_desktop.ui.app import register_fonts

    family = register_fonts(QApplication.instance())
    assert family and family in QFontDatabase.families()
    assert family in QApplication.instance().font().families()
    metrics = QFontMetrics(QFont(family))
    assert all(metrics.inFontUcs4(ord(ch)) for ch in "干部激励工作台单曾解")


def ui_characters() -> set[str]:
    """Every non-ASCII character in a string the window's code holds (labels, marks, messages)."""
    import ast
    from pathlib import Path

    import cadre_desktop.ui

    chars: set[str] = set()
    for path in Path(cadre_desktop.ui.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                chars |= {c for c in node.value if ord(c) > 127}
    return chars


def test_every_mark_the_window_uses_is_in_a_shipped_font(qtbot):
    """✗ and ⚠ are not in WenQuanYi Micro Hei; the shipped fallback font must have them (and every
    other mark), and Qt must look there: no box on a PC whose own fonts lack them."""
    from PySide6.QtGui import QRawFont, QTextLayout
    from PySide6.QtWidgets import QApplication

    from cadre_desktop.ui.app import FALLBACK_FONTS, UI_FONT, register_fonts, resources_dir

    chars = ui_characters()
    assert {"✗", "⚠", "✓", "●", "干"} <= chars
    raw = [QRawFont(str(resources_dir() / "fonts" / name), 12) for name in (UI_FONT, *FALLBACK_FONTS)]
    assert all(f.isValid() for f in raw)
    assert not raw[0].supportsCharacter(ord("✗"))  # why the fallback is there
    uncovered = sorted(c for c in chars if not any(f.supportsCharacter(ord(c)) for f in raw))
    assert uncovered == [], f"no shipped font has {uncovered}"

    app = QApplication.instance()
    register_fonts(app)
    families = app.font().families()
    assert [f.familyName() for f in raw] == families[-len(raw):]
    layout = QTextLayout("".join(sorted(chars)), app.font())
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    runs = layout.glyphRuns()
    assert runs and all(0 not in run.glyphIndexes() for run in runs)


def test_roster_model_passes_qt_model_tester(qtbot, qtmodeltester, demo_state):
    page = RosterPage(demo_state)
    qtbot.addWidget(page)
    settle(qtbot, page)
    qtmodeltester.check(page.model)
    page.search.setText("zh")
    page.refresh(wait=True)
    qtmodeltester.check(page.model)


def test_an_account_demoted_meanwhile_is_refused_on_its_next_action(qtbot, demo_db, demo_admin):
    from cadre_desktop.core.services import accounts
    from cadre_desktop.core.services.accounts import Actor
    from cadre_desktop.core.values import PermissionDenied

    with demo_db.session() as s:
        accounts.add_account(s, actor=demo_admin, name="luru", role="录入员", password="abcd1234")
    state = AppState(db=demo_db, actor=Actor("luru", "录入员"))
    with state.session() as s:
        assert cadres.roster_count(s, cadres.RosterFilter()) > 600
    with demo_db.session() as s:
        accounts.set_role(s, actor=demo_admin, name="luru", role="查阅")
    with pytest.raises(PermissionDenied, match="角色已改为查阅"):
        with state.session():
            pass
    with demo_db.session() as s:
        accounts.set_role(s, actor=demo_admin, name="luru", role="录入员", active=False)
    with pytest.raises(PermissionDenied, match="已被停用"):
        with state.session():
            pass


def test_admin_changes_the_young_bound_and_the_roster_follows(qtbot, demo_state):
    from cadre_desktop.ui.settings_dialog import SettingsDialog

    page = RosterPage(demo_state)
    qtbot.addWidget(page)
    page.show()  # in view: a change refreshes it at once
    page.young.setChecked(True)
    settle(qtbot, page)
    young_35 = page.model.rowCount()
    dialog = SettingsDialog(demo_state)
    qtbot.addWidget(dialog)
    assert dialog.young_age.value() == 35
    dialog.young_age.setValue(30)
    assert dialog.try_accept()
    settle(qtbot, page)
    assert 0 < page.model.rowCount() < young_35
    assert max(page.model.row(i)["age"] for i in range(page.model.rowCount())) <= 30
    with demo_state.session() as s:
        from cadre_desktop.core.services import audit

        assert audit.list_events(s, actor=demo_state.actor, limit=1)[0]["after"] == {"年轻干部年龄上限": 30}


def test_window_builds_only_the_first_page_and_the_roster_at_start(qtbot, demo_state):
    from cadre_desktop.ui.main_window import PAGES
    from cadre_desktop.ui.mentoring_page import MentoringPage
    from cadre_desktop.ui.overview_page import OverviewPage
    from cadre_desktop.ui.units_page import UnitsPage

    window = MainWindow(demo_state)
    qtbot.addWidget(window)
    window.show()
    # every permitted page is in the navigation from the start, in order; none is built with the
    # window: the roster and then the opening page follow, one per pass of the event loop
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [p[0] for p in PAGES]
    assert list(window.pages) == [p[0] for p in PAGES] and len(window.pages) == len(PAGES)
    assert list(window.pages.built()) == [] and window.nav.currentItem().text() == "首页"
    qtbot.waitUntil(lambda: len(window.pages.built()) == 2, timeout=10000)
    assert list(window.pages.built()) == ["首页", "干部档案"]
    assert isinstance(window.current_page(), OverviewPage) and window.nav.currentItem().text() == "首页"
    assert "单位" in window.pages and not window.pages.is_built("单位")
    assert not window.act_print.isEnabled()  # 首页 prints nothing

    # selecting a page builds it and shows it; the print action follows the page shown
    window.show_page("单位")
    units = window.current_page()
    assert isinstance(units, UnitsPage) and window.pages.is_built("单位") and units.isVisible()
    assert window.stack.indexOf(units) == window.pages.index("单位") == window.nav.currentRow()
    assert units.property("pageTitle") == "单位" and window.act_print.isEnabled()
    assert window.pages["单位"] is units  # built once

    # a page looked up by code is built without being shown; its signals reach the window
    mentoring = window.pages["结对帮带"]
    assert isinstance(mentoring, MentoringPage) and window.current_page() is units
    assert window.stack.indexOf(mentoring) == window.pages.index("结对帮带")
    window.pages["首页"].navigate.emit("结对帮带")
    assert window.current_page() is mentoring and window.nav.currentItem().text() == "结对帮带"
    assert mentoring.receivers("2open_cadre(int)") == 1  # to the roster's editor
    window.close()
    assert window.pages.built().keys() == {"首页", "干部档案", "单位", "结对帮带"}


def test_the_unit_filter_lists_every_unit_by_name(qtbot, demo_state):
    from cadre_desktop.core.services import units
    from cadre_desktop.ui.roster_page import ALL

    page = RosterPage(demo_state)
    qtbot.addWidget(page)
    settle(qtbot, page)
    with demo_state.session(read_only=True) as s:
        expected = [(u["name"], u["id"]) for u in units.list_units(s)]
    shown = [(page.unit.itemText(i), page.unit.itemData(i)) for i in range(page.unit.count())]
    assert shown == [(ALL, None), *expected] and len(expected) > 5


def _copies_of_the_cadres(database, copies: int) -> None:
    """Each demo cadre `copies` more times (new ids and ID numbers), in SQL: a long roster fast."""
    from cadre_desktop.core.models import roster_key

    with database.engine.begin() as conn:
        cols = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(cadre)") if r[1] not in ("id", "id_number")]
        top = conn.exec_driver_sql("SELECT max(id) FROM cadre").scalar()
        for c in range(1, copies + 1):
            conn.exec_driver_sql(
                f"INSERT INTO cadre (id, id_number, {', '.join(cols)}) SELECT id + {c * top}, "
                f"'59{c:04d}' || substr(id_number, 7), {', '.join(cols)} FROM cadre WHERE id <= {top}")
        roster_key.refresh_all(conn)


def test_a_long_roster_scrolled_to_the_end_shows_its_rows_read_off_the_gui_thread(qtbot, demo_db, demo_admin):
    import threading

    from cadre_desktop.ui.models import PENDING

    _copies_of_the_cadres(demo_db, 3)
    page = RosterPage(AppState(db=demo_db, actor=demo_admin, demo=True))
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    settle(qtbot, page)
    n = page.model.rowCount()
    assert n > 2000
    readers: list[str] = []
    fetch = page.model.fetch

    def noted(ids):
        readers.append(threading.current_thread().name)
        return fetch(ids)
    page.model.fetch = noted

    page.table.scrollToBottom()
    page.table.viewport().repaint()  # what the view paints now asks for the last block
    last = page.model.index(n - 1, 0)
    assert last.data() == PENDING and page.loads.pending
    settle(qtbot, page)
    with demo_db.session() as s:
        (expected,) = cadres.roster_rows(s, [page.model.id_at(n - 1)])
    assert last.data() == expected["name"]
    assert page.table.rowAt(page.table.viewport().height() - 1) == n - 1  # the end is in view
    bottom = page.table.rowAt(0)
    assert all(page.model.index(r, 0).data() not in (PENDING, "") for r in range(bottom, n))
    assert readers and threading.main_thread().name not in readers  # read on the query thread only
    # printing or exporting the selection still has every id: Ctrl+A, then the selected cadres
    page.table.selectAll()
    assert len(page.selected_ids()) == n
