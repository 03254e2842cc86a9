"""A window that fits a 1366 × 768 laptop and speaks plainly: every page and dialog fits, columns
follow their contents, cut-off text can be read, the 容错纠错 mark is a badge that survives
selection, required fields are marked from the core's checks, dates read 2022.06.15."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog

from cadre_desktop.core.services import cadres, tolerance
from cadre_desktop.core.values import Month
from cadre_desktop.ui.audit_page import AuditPage, local_time
from cadre_desktop.ui.cadre_editor import CadreEditor
from cadre_desktop.ui.common import REQUIRED_MARK, available_size
from cadre_desktop.ui.main_window import MainWindow, opens_maximised
from cadre_desktop.ui.page_kit import COLUMN_CAP, RowsModel, elided_tip, make_table
from cadre_desktop.ui.roster_page import RosterPage
from cadre_desktop.ui.state import AppState
from cadre_desktop.ui.training_page import ClassDialog
from cadre_desktop.ui.units_page import UnitDialog
from cadre_desktop.ui.widgets import TAG_COLOURS

from conftest import make_id
from walk import walk

# 1366 × 768 less the taskbar; a dialog's contents also lose a title bar.
SCREEN = QSize(1366, 728)
DIALOG = QSize(1366, 728 - 32)


@pytest.fixture
def demo_state(demo_db, demo_admin, tmp_path):
    return AppState(db=demo_db, actor=demo_admin, settings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))


def fits(size: QSize, room: QSize) -> bool:
    return size.width() <= room.width() and size.height() <= room.height()


def test_every_page_and_dialog_fits_a_1366_by_768_screen(qtbot, demo_state):
    window = MainWindow(demo_state)
    qtbot.addWidget(window)
    window.show()
    too_big: list[str] = []
    pages: list[str] = []
    dialogs: list[str] = []

    def on_page(name, page):
        pages.append(name)
        if not fits(window.minimumSizeHint(), SCREEN):
            too_big.append(f"{name}: {window.minimumSizeHint()}")

    def on_dialog(name, dialog: QDialog):
        dialogs.append(name)
        for what, size in (("sizeHint", dialog.sizeHint()), ("minimumSizeHint", dialog.minimumSizeHint())):
            if not fits(size, DIALOG):
                too_big.append(f"{name} {what} {size.width()}×{size.height()}")
        # A dialog that sets its own size keeps within the screen it opens on (fit_to_screen).
        if dialog.testAttribute(Qt.WidgetAttribute.WA_Resized) and not fits(dialog.size(), available_size(dialog)):
            too_big.append(f"{name} opens at {dialog.size().width()}×{dialog.size().height()}")

    walk(window, on_page, on_dialog)
    assert not too_big, too_big
    # The walk reached every page and the dialogs behind their verbs (not a test of nothing).
    assert set(pages) == set(window.pages)
    for expected in ("干部档案 → 新增：新增干部", "单位 → 新增：新增单位", "容错纠错 → 新增：新增容错纠错",
                     "文件 → 导入工作簿…：导入工作簿", "文件 → 导入花名册…：导入花名册"):
        assert expected in dialogs, dialogs
    assert len(dialogs) >= 30


def test_window_opens_maximised_first_on_a_small_screen_then_as_left(qtbot, demo_state):
    first = MainWindow(demo_state)
    qtbot.addWidget(first)
    room = first.screen().availableGeometry()
    assert room.width() < MainWindow.PREFERRED[0]  # the test screen is small
    assert first.windowState() & Qt.WindowState.WindowMaximized  # nothing saved yet
    assert fits(first.minimumSizeHint(), SCREEN)

    laptop, desktop = QSize(1366, 728), QSize(1920, 1040)
    assert opens_maximised(None, laptop) and not opens_maximised(None, desktop)  # the first time
    assert not opens_maximised(QSize(1200, 650), laptop)  # as the clerk left it
    assert opens_maximised(QSize(1366, 728), laptop)  # saved on a bigger screen, clamped to this one
    assert not opens_maximised(QSize(1600, 900), desktop)
    assert opens_maximised(QSize(700, 500), QSize(800, 600), minimum=QSize(1182, 500))


def test_columns_follow_their_contents_capped_then_the_clerks_widths_stay(qtbot, tmp_path):
    model = RowsModel([("name", "姓名"), ("post", "现任职务"), ("notes", "备注")])
    table = make_table(model, widths=(40, 40, 40))
    qtbot.addWidget(table)
    table.resize(900, 300)
    table.show()
    long_post = "县委常委、县委办公室主任"
    model.set_rows([{"id": 1, "name": "张三", "post": long_post, "notes": "很长的备注" * 40}])
    qtbot.waitUntil(lambda: table.property("columns_fitted") is True)
    fm = table.fontMetrics()
    assert table.columnWidth(1) >= fm.horizontalAdvance(long_post)  # not cut at 40 px
    assert table.columnWidth(0) < table.columnWidth(1)
    table.horizontalHeader().setStretchLastSection(False)
    assert table.columnWidth(2) <= COLUMN_CAP

    # The cut-off cell shows its whole text as a tooltip; a cell that fits has none.
    table.setColumnWidth(1, 60)
    assert elided_tip(table, model.index(0, 1)) == long_post
    assert elided_tip(table, model.index(0, 0)) is None

    # Widths the clerk left are restored and not refitted.
    from cadre_desktop.ui.page_kit import restore_header, save_header

    settings = QSettings(str(tmp_path / "h.ini"), QSettings.Format.IniFormat)
    table.setColumnWidth(0, 222)
    save_header(settings, "t/header", table)
    second_model = RowsModel([("name", "姓名"), ("post", "现任职务"), ("notes", "备注")])
    second = make_table(second_model)
    qtbot.addWidget(second)
    restore_header(settings, "t/header", second)
    second_model.set_rows([{"id": 1, "name": "张三", "post": long_post, "notes": ""}])
    second.show()
    qtbot.waitUntil(lambda: second.property("columns_fitted") is True)
    assert second.columnWidth(0) == 222


def test_a_table_not_shown_yet_is_fitted_when_first_shown(qtbot):
    model = RowsModel([("name", "姓名"), ("post", "现任职务"), ("notes", "备注")])
    table = make_table(model, widths=(40, 40, 40))
    qtbot.addWidget(table)
    table.resize(900, 300)
    long_post = "县委常委、县委办公室主任"
    model.set_rows([{"id": 1, "name": "张三", "post": long_post, "notes": ""}])
    qtbot.wait(50)  # the deferred fit has run: a hidden table is not measured
    assert table.property("columns_fitted") is None and table.columnWidth(1) == 40
    table.show()
    qtbot.waitUntil(lambda: table.property("columns_fitted") is True)
    assert table.columnWidth(1) >= table.fontMetrics().horizontalAdvance(long_post)


# --- the 容错纠错 mark ------------------------------------------------------------------------


@pytest.fixture
def tagged(db, admin, unit_id):
    """Three cadres: one marked 红, one 黄, one without a mark."""
    ids = {}
    with db.session() as s:
        for name, birth, colour in (("红一", "19900101", "红"), ("黄二", "19910202", "黄"), ("无三", "19920303", None)):
            ids[name] = cadres.save_cadre(s, actor=admin, data={
                "id_number": make_id(birth, "011"), "name": name, "unit_id": unit_id, "level": "一般干部"})
            if colour:
                tolerance.save_case(s, actor=admin, data={
                    "cadre_id": ids[name], "matter": f"{name}的事项", "occurred": dt.date.today() - dt.timedelta(days=40),
                    "circumstance": "为推动发展的无意过失", "colour": colour,
                    "decided": dt.date.today() - dt.timedelta(days=10), "correction_status": "整改中"})
    return ids


def test_roster_mark_is_a_badge_that_stays_on_a_selected_row(qtbot, db, admin, tagged, tmp_path):
    state = AppState(db=db, actor=admin, settings=QSettings(str(tmp_path / "r.ini"), QSettings.Format.IniFormat))
    page = RosterPage(state)
    qtbot.addWidget(page)
    page.resize(1300, 600)
    page.show()
    qtbot.waitUntil(lambda: not page.loads.pending, timeout=20000)
    col = [k for k, _ in cadres.ROSTER_COLUMNS].index("tag")
    page.select_id(tagged["红一"])
    qtbot.waitUntil(lambda: not page.loads.pending, timeout=20000)  # the summary is read off the GUI thread
    qtbot.wait(50)
    row = page.model.row_of(tagged["红一"])
    assert page.model.data(page.model.index(row, col)) == "红"  # the word, not only a colour
    rect = page.table.visualRect(page.model.index(row, col))
    image = page.table.viewport().grab(rect).toImage()
    red = QColor(TAG_COLOURS["红"])
    hits = sum(1 for x in range(image.width()) for y in range(image.height())
               if _near(image.pixelColor(x, y), red))
    assert hits > 40, "the red badge is hidden on the selected row"
    # The header explains the mark; the side summary names the case.
    assert "红" in page.model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "红一的事项" in page.details.toPlainText() and "容错纠错" in page.details.toPlainText()

    # The 标记 filter.
    page.tag.setCurrentText("黄")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.model.id_at(0) == tagged["黄二"]
    page.tag.setCurrentText(cadres.TAGGED)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    assert set(page.model.ids) == {tagged["红一"], tagged["黄二"]}


def _near(a: QColor, b: QColor) -> bool:
    return abs(a.red() - b.red()) < 20 and abs(a.green() - b.green()) < 20 and abs(a.blue() - b.blue()) < 20


def test_roster_filter_by_mark_in_core(db, tagged):
    with db.session() as s:
        assert cadres.roster_ids(s, cadres.RosterFilter(tag="红")) == [tagged["红一"]]
        assert set(cadres.roster_ids(s, cadres.RosterFilter(tag=cadres.TAGGED))) == {tagged["红一"], tagged["黄二"]}
        assert cadres.roster_ids(s, cadres.RosterFilter(tag="绿")) == []
        with pytest.raises(cadres.DomainError, match="标记“紫”无效"):
            cadres.roster_ids(s, cadres.RosterFilter(tag="紫"))


# --- required fields -----------------------------------------------------------------------


def test_editor_marks_unit_and_level_required_only_while_in_service(qtbot, db, admin, tmp_path, unit_id):
    state = AppState(db=db, actor=admin, settings=QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat))
    editor = CadreEditor(state, None)
    qtbot.addWidget(editor)
    qtbot.waitUntil(lambda: editor.loaded, timeout=20000)  # the record is read off the GUI thread
    label = lambda attr: editor.field_labels[attr][0].text()  # noqa: E731
    assert label("name").endswith(REQUIRED_MARK) and label("id_number").endswith(REQUIRED_MARK)
    assert editor.fields["status"].value() == "在职"
    assert label("unit_id").endswith(REQUIRED_MARK) and label("level").endswith(REQUIRED_MARK)
    assert not label("post").endswith(REQUIRED_MARK)
    editor.fields["status"].setValue("退休")
    assert not label("unit_id").endswith(REQUIRED_MARK) and not label("level").endswith(REQUIRED_MARK)
    assert label("name").endswith(REQUIRED_MARK)
    editor.fields["status"].setValue("在职")
    assert label("level").endswith(REQUIRED_MARK)


def test_record_dialogs_mark_what_the_core_requires(qtbot, db, admin, tmp_path):
    state = AppState(db=db, actor=admin, settings=QSettings(str(tmp_path / "d.ini"), QSettings.Format.IniFormat))
    unit = UnitDialog(state, None)
    qtbot.addWidget(unit)
    assert unit.label_widgets["name"].text() == "单位名称" + REQUIRED_MARK
    assert unit.label_widgets["sort_order"].text() == "排序"
    training = ClassDialog(state, None)
    qtbot.addWidget(training)
    marked = {a for a, lbl in training.label_widgets.items() if lbl.text().endswith(REQUIRED_MARK)}
    assert {"name", "start"} <= marked and "end" not in marked


# --- dates ---------------------------------------------------------------------------------


def test_audit_page_shows_dates_as_clerks_write_them(qtbot, db, admin, cadre_id, tmp_path):
    state = AppState(db=db, actor=admin, settings=QSettings(str(tmp_path / "a.ini"), QSettings.Format.IniFormat))
    page = AuditPage(state)
    qtbot.addWidget(page)
    page.show()
    assert page.since.displayFormat() == "yyyy.MM.dd"
    assert local_time("2022-06-15T08:30:05+00:00")[:10].count(".") == 2
    assert "-" not in local_time("2022-06-15T08:30:05+00:00")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    shown = [page.model.data(page.model.index(r, 0)) for r in range(page.model.rowCount())]
    assert all(len(t) >= 16 and t[4] == "." and t[7] == "." and "-" not in t for t in shown), shown


def test_month_and_day_text():
    from cadre_desktop.core.values import day_text, moment_text, month_text

    assert day_text(dt.date(2022, 6, 15)) == "2022.06.15"
    assert day_text(dt.datetime(2022, 6, 15, 9, 5)) == "2022.06.15"
    assert moment_text(dt.datetime(2022, 6, 15, 9, 5)) == "2022.06.15 09:05"
    assert month_text(Month(1985, 3)) == "1985.03"
    assert day_text(None) == "" and month_text(None) == ""


def test_any_table_shows_a_cut_off_cell_whole_on_hover(qtbot, qapp):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QTableWidget, QTableWidgetItem, QToolTip, QVBoxLayout, QWidget

    from cadre_desktop.ui.page_kit import elided_tips_in

    page = QWidget()  # a page's own table, not made by make_table: the window gives it the tips
    table = QTableWidget(2, 1, page)
    QVBoxLayout(page).addWidget(table)
    qtbot.addWidget(page)
    long_text = "县委常委、县委办公室主任、县委政法委书记"
    table.setItem(0, 0, QTableWidgetItem(long_text))
    table.setItem(1, 0, QTableWidgetItem("短"))
    table.setColumnWidth(0, 50)
    elided_tips_in(page)
    page.show()
    qtbot.waitExposed(page)

    def hover(row: int) -> bool:
        centre = table.visualItemRect(table.item(row, 0)).center()
        event = QHelpEvent(QEvent.Type.ToolTip, centre, table.viewport().mapToGlobal(centre))
        return table._elided_tips.eventFilter(table.viewport(), event)

    assert hover(0) and QToolTip.text() == long_text
    assert not hover(1)  # it fits: no tooltip of ours


def test_cut_off_cell_tips_watch_the_item_views_not_the_whole_application(qtbot, qapp):
    from PySide6.QtCore import QEvent, QPoint
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    from cadre_desktop.ui.app import make_app

    assert make_app() is qapp and not hasattr(qapp, "_elided_tips")
    model = RowsModel([("post", "现任职务")])
    table = make_table(model)
    qtbot.addWidget(table)
    long_post = "县委常委、县委办公室主任、县委政法委书记、县人民武装部党委第一书记"
    model.set_rows([{"id": 1, "post": long_post}])
    table.setColumnWidth(0, 60)
    table.show()
    qtbot.waitExposed(table)
    centre = table.visualRect(model.index(0, 0)).center()
    event = QHelpEvent(QEvent.Type.ToolTip, centre, table.viewport().mapToGlobal(centre))
    assert QApplication.sendEvent(table.viewport(), event) and QToolTip.text() == long_post
    assert not table._elided_tips.eventFilter(table, QHelpEvent(QEvent.Type.ToolTip, QPoint(), QPoint()))
