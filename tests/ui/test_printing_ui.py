"""Printing from the window, as a clerk does it: select cadres, 打印, set the order, see the preview
of the real PDF; Ctrl+P only where a page has a form; a cancelled batch writes nothing."""

from __future__ import annotations

import io
import re
import threading

import pdfplumber
import pytest
from PySide6.QtCore import QItemSelectionModel, QSettings
from PySide6.QtWidgets import QPushButton

from cadre_desktop.core import printing
from cadre_desktop.core.services import cadres
from cadre_desktop.ui import jobs, print_preview
from cadre_desktop.ui.print_order import PrintOrderDialog
from cadre_desktop.ui.roster_page import RosterPage
from cadre_desktop.ui.state import AppState

from conftest import make_id


@pytest.fixture
def demo_state(demo_db, demo_admin, tmp_path):
    return AppState(db=demo_db, actor=demo_admin, demo=True,
                    settings=QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def refusals(monkeypatch):
    """Message boxes would block the test: record what printing refuses instead."""
    shown = []
    monkeypatch.setattr(print_preview, "refuse", lambda parent, error, *a, **k: shown.append(error))
    return shown


def page_texts(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [re.sub(r"\s+", "", p.extract_text() or "") for p in pdf.pages]


def roster(qtbot, state) -> RosterPage:
    page = RosterPage(state)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: not page.loads.pending, timeout=20000)  # its list is read off the GUI thread
    return page


def select_rows(page: RosterPage, rows: list[int]) -> None:
    """Ctrl+click on each row in turn."""
    sm = page.table.selectionModel()
    for i, row in enumerate(rows):
        flags = QItemSelectionModel.SelectionFlag.Rows | (
            QItemSelectionModel.SelectionFlag.ClearAndSelect if i == 0 else QItemSelectionModel.SelectionFlag.Select)
        sm.select(page.model.index(row, 0), flags)


def wait_preview(qtbot, page, timeout=60000):
    qtbot.waitUntil(lambda: getattr(page, "preview", None) is not None, timeout=timeout)
    preview = page.preview
    qtbot.addWidget(preview)
    return preview


def test_roster_prints_the_chosen_cadres_in_the_order_the_clerk_set(qtbot, demo_state):
    page = roster(qtbot, demo_state)
    assert page.act_print.isVisible() and page.act_print.text() == "打印"
    select_rows(page, [10, 3, 7])
    ids = [page.model.id_at(r) for r in (10, 3, 7)]
    assert page.selected_ids() == ids  # in the order they were selected, not the table's

    page.act_print.trigger()  # two forms: a menu
    texts = [a.text() for a in page.print_menu.actions()]
    assert texts == ["干部任免审批表（选中的干部）…", "干部花名册（当前筛选）", "当前列表（按显示的行和列）"]
    page.print_menu.actions()[0].trigger()
    dialog = page.dialog
    assert isinstance(dialog, PrintOrderDialog) and dialog.ordered_ids() == ids
    dialog.list.setCurrentRow(2)
    dialog.up_button.click()
    dialog.up_button.click()  # the third moves to the top
    dialog.list.setCurrentRow(2)
    assert not dialog.down_button.isEnabled()
    order = [ids[2], ids[0], ids[1]]
    assert dialog.ordered_ids() == order and dialog.count.text() == "共 3 人"
    dialog.ok_button.click()

    preview = wait_preview(qtbot, page)
    assert preview.page_count == 6 and preview.page_label.text() == "第 1 / 6 页"
    with demo_state.session() as s:
        names = [cadres.get_cadre(s, i)["name"] for i in order]
    texts = page_texts(preview.data)
    assert len(texts) == 6
    for n, name in enumerate(names):  # each cadre's form starts on pages 1, 3, 5
        assert "干部任免审批表" in texts[2 * n]
        assert name in texts[2 * n], (n, name)
        assert all(other not in texts[2 * n] for other in names if other != name and other not in name)


def test_roster_form_prints_the_roster_as_filtered(qtbot, demo_state):
    page = roster(qtbot, demo_state)
    page.young.setChecked(True)
    qtbot.waitUntil(lambda: not page.loads.pending, timeout=20000)
    shown = [page.model.row(i)["name"] for i in range(page.model.rowCount())]
    page.print_form("roster")
    preview = wait_preview(qtbot, page)
    text = "".join(page_texts(preview.data))
    assert "干部花名册" in text
    assert all(name in text for name in shown[:20])
    with pdfplumber.open(io.BytesIO(preview.data)) as pdf:
        assert pdf.pages[0].width > pdf.pages[0].height  # landscape


def test_print_order_from_a_pasted_meeting_list(qtbot, demo_state, demo_db, demo_admin):
    with demo_state.session() as s:
        ids = cadres.roster_ids(s, cadres.RosterFilter())[:3]
        a, b, c = (cadres.get_cadre(s, i) for i in ids)
    with demo_db.session() as s:  # a namesake of c
        twin = cadres.save_cadre(s, actor=demo_admin, data={
            "id_number": make_id("19800101", "113"), "name": c["name"], "unit_id": c["unit_id"], "level": "一般干部"})
    dialog = PrintOrderDialog(demo_state, [a["id"]])
    qtbot.addWidget(dialog)
    dialog.paste.setPlainText(f"{b['id_number']}\n查无此人\n{c['name']}\n{a['name']}\n{b['name']}\n")
    dialog.replace_from_paste()
    assert "未找到：查无此人" in dialog.problems.text() and "重复" in dialog.problems.text()
    assert dialog.ordered_ids() == [b["id"], a["id"]] and dialog.pending_namesakes() == 1
    assert not dialog.ok_button.isEnabled()
    group = next(iter(dialog.namesake_groups.values()))
    assert sorted(group.id(x) for x in group.buttons()) == sorted([c["id"], twin])
    group.button(twin).setChecked(True)
    assert dialog.ordered_ids() == [b["id"], twin, a["id"]]  # in the pasted line's place
    assert dialog.ok_button.isEnabled() and dialog.count.text() == "共 3 人"
    dialog.each.setChecked(True)
    dialog.folder_edit.setText("")
    assert not dialog.try_accept() and "文件夹" in dialog.message.text()


def test_one_pdf_per_cadre_goes_to_the_chosen_folder(qtbot, demo_state, tmp_path):
    page = roster(qtbot, demo_state)
    select_rows(page, [0, 1])
    page.print_form("appointment-form")
    dialog = page.dialog
    dialog.each.setChecked(True)
    dialog.folder_edit.setText(str(tmp_path / "审批表"))
    written = []
    original = print_preview.save_each  # the roster page takes it from print_preview when it prints

    def save_each(parent, state, ids, folder):
        return original(parent, state, ids, folder, on_done=written.extend)

    print_preview.save_each = save_each
    try:
        dialog.ok_button.click()
        qtbot.waitUntil(lambda: len(written) == 2, timeout=60000)
    finally:
        print_preview.save_each = original
    names = sorted(p.name for p in (tmp_path / "审批表").iterdir())
    assert names == sorted(p.name for p in written) and all(n.endswith(".pdf") for n in names)
    assert demo_state.last_folder() == str(tmp_path / "审批表")


@pytest.mark.parametrize("each", [False, True], ids=["merged", "each"])
def test_cancel_during_a_40_form_batch_writes_nothing(qtbot, demo_state, tmp_path, each):
    page = roster(qtbot, demo_state)
    ids = [page.model.id_at(r) for r in range(40)]
    folder = tmp_path / "会议"
    seen = []
    # The worker must not finish the batch before the click lands (a loaded machine runs the GUI
    # thread late): the one worker is held until the job's first progress report is wrapped, and
    # that report then waits for the click.
    start, clicked = threading.Event(), threading.Event()
    jobs.pool().submit(lambda: start.wait(60))
    if each:
        job = print_preview.save_each(page, demo_state, ids, str(folder), on_done=seen.append)
    else:
        job = print_preview.preview_form(page, demo_state, "appointment-form", {"cadre_ids": ids})
    report = job._progress

    def held(done, total, text):
        report(done, total, text)
        clicked.wait(60)

    job._progress = held
    start.set()
    dialog = job.dialog
    qtbot.waitUntil(lambda: dialog.maximum() > 0, timeout=60000)  # the first progress has arrived
    total, label = dialog.maximum(), dialog.labelText()
    dialog.findChild(QPushButton).click()  # the progress dialog's 取消
    clicked.set()
    # the job's last queued callback (finished) has run, so its failure/success callbacks have too
    qtbot.waitUntil(lambda: job.done and job not in jobs._LIVE, timeout=60000)
    assert total == (80 if each else 40) and f"/{total}）" in label
    assert isinstance(job.error, printing.PrintCancelled)
    assert getattr(page, "preview", None) is None and seen == []
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_print_error_is_a_message_naming_the_cadre(qtbot, demo_state, refusals):
    from cadre_desktop.ui.cadre_editor import CadreEditor

    with demo_state.session() as s:
        cid = cadres.roster_ids(s, cadres.RosterFilter())[0]
        name = cadres.get_cadre(s, cid)["name"]
    editor = CadreEditor(demo_state, cid)
    qtbot.addWidget(editor, before_close_func=lambda d: d.done(CadreEditor.DialogCode.Rejected))
    qtbot.waitUntil(lambda: editor.loaded, timeout=20000)  # the record is read off the GUI thread
    family = [{"relation": "兄弟", "name": f"成员{i}", "political_status": "群众", "work": "务农"} for i in range(9)]
    editor.lists["family"].set_items(family)
    editor.preview_button.click()
    qtbot.waitUntil(lambda: bool(refusals), timeout=30000)
    message = refusals[0].message
    assert isinstance(refusals[0], printing.PrintError) and name in message and "家庭" in message
    assert getattr(editor, "preview", None) is None


def test_editor_previews_the_unsaved_record(qtbot, demo_state):
    from cadre_desktop.ui.cadre_editor import CadreEditor

    with demo_state.session() as s:
        cid = cadres.roster_ids(s, cadres.RosterFilter())[0]
    editor = CadreEditor(demo_state, cid)
    qtbot.addWidget(editor, before_close_func=lambda d: d.done(CadreEditor.DialogCode.Rejected))
    qtbot.waitUntil(lambda: editor.loaded, timeout=20000)  # the record is read off the GUI thread
    editor.fields["post"].setText("柳溪镇党委书记（拟）")
    editor.preview_button.click()
    preview = wait_preview(qtbot, editor)
    assert preview.page_count == 2
    assert "柳溪镇党委书记（拟）" in page_texts(preview.data)[0]
    with demo_state.session() as s:
        assert cadres.get_cadre(s, cid)["post"] != "柳溪镇党委书记（拟）"  # nothing saved


def test_ctrl_p_follows_the_page(qtbot, demo_state):
    from cadre_desktop.ui.main_window import MainWindow

    window = MainWindow(demo_state)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.act_print.shortcut().toString() == "Ctrl+P"
    window.show_page("单位")  # no form of its own: Ctrl+P prints its list
    assert window.act_print.isEnabled() and window.pages["单位"].act_print_list.isVisible()
    assert not hasattr(window.pages["单位"], "act_print")
    window.show_page("结对帮带")
    assert window.act_print.isEnabled() and window.pages["结对帮带"].act_print.isVisible()
    window.act_print.trigger()  # its register, or its list as shown: a menu
    menu = window.pages["结对帮带"].print_menu
    assert [a.text() for a in menu.actions()][-1] == "当前列表（按显示的行和列）"
    menu.actions()[0].trigger()
    preview = wait_preview(qtbot, window.pages["结对帮带"])
    assert "结对帮带" in "".join(page_texts(preview.data))


def test_no_print_verb_for_a_form_the_build_lacks(qtbot, demo_state, monkeypatch):
    from cadre_desktop.ui.mentoring_page import MentoringPage
    from cadre_desktop.ui.roster_page import RosterPage as Page

    monkeypatch.delitem(printing.FORMS, "mentoring-register")
    page = MentoringPage(demo_state)
    qtbot.addWidget(page)
    assert [f for f, _ in page.print_choices()] == ["list"]  # only its list as shown
    monkeypatch.delitem(printing.FORMS, "roster")
    r = Page(demo_state)
    qtbot.addWidget(r)
    assert [f for f, _ in r.print_choices()] == ["appointment-form", "list"]
    monkeypatch.delitem(printing.FORMS, "list")
    page = MentoringPage(demo_state)
    qtbot.addWidget(page)
    assert not page.can_print() and not hasattr(page, "act_print")


def test_commendation_notice_with_and_without_the_letterhead(qtbot, demo_state):
    from cadre_desktop.ui.commendations_page import CommendationsPage, NoticePrintDialog

    page = CommendationsPage(demo_state)
    qtbot.addWidget(page)
    page.refresh(wait=True)
    assert page.act_print.isVisible()
    batch = page._batches[page.batch_id()]
    assert batch["doc_number"]
    texts = {}
    for overprint in (True, False):
        page.print_current()  # the notice, or the list as shown
        page.print_menu.actions()[0].trigger()
        dialog = page.dialog
        assert isinstance(dialog, NoticePrintDialog)
        assert dialog.overprint.isChecked() is (not overprint)  # default off, then the last choice
        dialog.overprint.setChecked(overprint)
        dialog.ok_button.click()
        preview = wait_preview(qtbot, page)
        texts[overprint] = page_texts(preview.data)
        preview.close()
        qtbot.waitUntil(lambda: getattr(page, "preview", None) is None)
    number = re.sub(r"\s+", "", batch["doc_number"])
    assert number in texts[False][0] and number not in texts[True][0]
    assert re.sub(r"\s+", "", batch["title"]) in texts[True][0]


def test_a_multi_selection_survives_a_refresh_in_its_order(qtbot, demo_state):
    page = roster(qtbot, demo_state)
    select_rows(page, [6, 1, 4])
    ids = page.selected_ids()
    assert page.count.text().endswith("，已选 3 人")
    demo_state.changes.emit("cadre")  # another page saved a cadre: the roster queries again
    qtbot.waitUntil(lambda: not page.loads.pending, timeout=20000)
    assert page.selected_ids() == ids and page.count.text().endswith("，已选 3 人")


def test_a_refresh_reselects_the_multi_selection_in_one_step(qtbot, demo_state):
    page = roster(qtbot, demo_state)
    select_rows(page, [9, 2, 5, 6, 0, 12])
    ids = page.selected_ids()
    signals = []
    page.table.selectionModel().selectionChanged.connect(lambda *_: signals.append(1))
    demo_state.changes.emit("cadre")
    qtbot.waitUntil(lambda: not page.loads.pending, timeout=20000)
    assert page.selected_ids() == ids and page.count.text().endswith("，已选 6 人")
    assert len(signals) <= 2  # the current row, then the rest at once; not one per chosen row


def test_the_forms_offered_before_printing_is_loaded_are_the_registered_ones():
    from cadre_desktop.ui.page_kit import FORM_TITLES

    assert FORM_TITLES == printing.FORMS  # what a page offers at start, before core.printing is imported


@pytest.mark.sqlite_only
def test_selecting_a_cadre_and_naming_the_filter_load_no_workbook_or_pdf_library(demo_db, tmp_path):
    """统计/导出/打印 name the filter and the details pane masks numbers: neither needs openpyxl or
    ReportLab (0.6 s to import on first use)."""
    import subprocess
    import sys

    code = f"""
import sys, time
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from cadre_desktop.core.db import open_database
from cadre_desktop.core.services.accounts import Actor
from cadre_desktop.ui.roster_page import RosterPage
from cadre_desktop.ui.state import AppState
state = AppState(db=open_database({str(demo_db.url)!r}), actor=Actor("admin", "管理员"), demo=True,
                 settings=QSettings({str(tmp_path / "w.ini")!r}, QSettings.Format.IniFormat))
page = RosterPage(state)
page.show()
page.refresh(wait=True)
page.select_id(page.model.id_at(0))
for _ in range(2000):
    app.processEvents()
    if not page.loads.pending and page.details.toPlainText().strip():
        break
    time.sleep(0.01)
page.unit.setCurrentIndex(1)
assert page.details.toPlainText().strip() and page.list_filters(page.table)
heavy = [m for m in sys.modules if m.split(".")[0] in ("openpyxl", "reportlab")]
print(heavy)
sys.exit(1 if heavy else 0)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_selection_order_through_select_all_and_clear(qtbot, demo_state):
    page = roster(qtbot, demo_state)
    select_rows(page, [6, 1, 4])
    first = page.selected_ids()
    page.table.selectAll()  # the ones chosen first keep their place, the rest follow in the list's order
    everyone = page.selected_ids()
    rest = [page.model.id_at(r) for r in range(page.model.rowCount()) if page.model.id_at(r) not in first]
    assert everyone == first + rest and page.count.text().endswith(f"，已选 {len(everyone)} 人")
    demo_state.changes.emit("cadre")  # a refresh keeps all of them, in that order
    qtbot.waitUntil(lambda: not page.loads.pending, timeout=20000)
    assert page.selected_ids() == everyone
    page.table.clearSelection()
    assert page.selected_ids() == [] and "已选" not in page.count.text()
    select_rows(page, [2, 0])  # after a clear, a new order
    assert page.selected_ids() == [page.model.id_at(2), page.model.id_at(0)]
