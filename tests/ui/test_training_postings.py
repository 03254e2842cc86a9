"""教育培训 and 挂职驻村 pages and the cadre picker, driven as a clerk drives them."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings, Qt

from cadre_desktop.core.services import cadres
from cadre_desktop.core.services import development as dev
from cadre_desktop.ui.cadre_picker import CadrePickerDialog
from cadre_desktop.ui.postings_page import PostingsPage
from cadre_desktop.ui.state import AppState
from cadre_desktop.ui.training_page import TrainingPage

from conftest import make_id, settle


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def state(db, admin, settings):
    return AppState(db=db, actor=admin, settings=settings)


def shown(qtbot, page):
    """The page in view, as the clerk sees it: its first read done."""
    qtbot.addWidget(page)
    page.show()
    settle(qtbot, page)
    return page


def column(model, col: int) -> list[str]:
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


def add_people(db, admin, unit_id, n):
    ids = []
    with db.session() as s:
        for i in range(n):
            ids.append(cadres.save_cadre(s, actor=admin, data={
                "id_number": make_id(f"19{80 + i % 15}0{1 + i % 9}1{i % 9}", f"{i:03d}"), "name": f"测试{i:02d}",
                "unit_id": unit_id, "level": "一般干部", "post": "干事"}))
    return ids


def test_add_a_class_through_the_dialog(qtbot, state, qtmodeltester):
    page = shown(qtbot, TrainingPage(state))
    assert page.model.rowCount() == 0

    page.act_new.trigger()
    dialog = page.dialog
    assert dialog.isVisible()
    dialog.name.insert("2022年年轻干部能力提升班")
    dialog.start.setText("2022.6.15")
    dialog.end.setText("2022.6.1")
    dialog.hours.setText("40")
    dialog.mode.setValue("线下")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()  # refused beside the field
    assert dialog.errors["end"].text() == "结束日期不能早于开始日期"

    dialog.end.setText("2022.06.19")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    settle(qtbot, page)
    assert column(page.model, 0) == ["2022年年轻干部能力提升班"]
    assert column(page.model, 3) == ["2022.06.15"] and column(page.model, 5) == ["40"]
    assert page.selected_id() == dialog.saved_id
    assert page.year.findText("2022") > 0  # the year filter learns the new year
    qtmodeltester.check(page.model)


def test_paste_twenty_id_numbers_gives_twenty_attendances(qtbot, state, db, admin, unit_id, qtmodeltester):
    ids = add_people(db, admin, unit_id, 22)
    with db.session() as s:
        class_id = dev.save_class(s, actor=admin, name="甲班", start=dt.date(2022, 6, 15), hours="24")
        dev.add_attendances(s, actor=admin, class_id=class_id, cadre_ids=ids[:1])
        numbers = [r["id_number"] for r in cadres.roster_rows(s, ids[:21])]
    page = shown(qtbot, TrainingPage(state))
    assert page.selected_id() == class_id and page.att_model.rowCount() == 1

    page.add_people()
    picker = page.picker
    assert picker.isVisible()
    picker.tabs.setCurrentIndex(1)
    # 21 ID numbers (the first already on the list; one typed with a lower-case x if it has one),
    # a duplicate line, and a line that matches nobody
    lines = [n.lower() for n in numbers] + [numbers[5], "查无此人"]
    picker.paste.setPlainText("\n".join(lines))
    qtbot.mouseClick(picker.resolve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not picker.loads.pending, timeout=10000)  # read on the picker's query thread
    assert len(picker.chosen_ids()) == 20
    assert picker.unknown_label.isVisible() and "查无此人" in picker.unknown_label.text()
    assert picker.chosen_label.text() == "已选 20 人"
    qtbot.mouseClick(picker.ok_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)

    assert page.att_model.rowCount() == 21
    assert page.last_message == "已添加 20 人；已在名单中 1 人；未找到 1 行"
    assert column(page.model, 7) == [21]
    assert set(column(page.att_model, 3)) == {"24"}
    qtmodeltester.check(page.att_model)

    # toggle 结业 and change hours of the selected rows
    page.att_table.selectRow(0)
    page.toggle_completed()
    settle(qtbot, page)
    assert column(page.att_model, 4).count("否") == 1
    page.att_table.selectRow(1)
    page.set_hours(page.selected_attendance(), "12.5")
    settle(qtbot, page)
    assert "12.5" in column(page.att_model, 3)
    with db.session() as s:
        assert sum(1 for r in dev.list_attendances(s, class_id) if not r["completed"]) == 1


def test_an_ambiguous_name_is_asked_about(qtbot, state, db, admin, unit_id):
    with db.session() as s:
        a = cadres.save_cadre(s, actor=admin, data={"id_number": make_id("19900101", "011"), "name": "李明",
                                                    "unit_id": unit_id, "level": "一般干部", "post": "党政办干事"})
        b = cadres.save_cadre(s, actor=admin, data={"id_number": make_id("19850101", "021"), "name": "李明",
                                                    "unit_id": unit_id, "level": "副科级", "post": "副镇长"})
        c = cadres.save_cadre(s, actor=admin, data={"id_number": make_id("19800101", "031"), "name": "王强",
                                                    "unit_id": unit_id, "level": "一般干部"})
    picker = CadrePickerDialog(state, "选择", None, annotate=lambda _s, ids: {c: "已有帮带人"} if c in ids else {})
    qtbot.addWidget(picker)
    qtbot.waitUntil(lambda: not picker.loads.pending, timeout=10000)  # the roster is read off the GUI thread
    picker.paste.setPlainText("李明\n王强\n")
    accepted = []
    picker.accepted.connect(lambda: accepted.append(1))
    picker.ok_button.click()  # 确定 before 识别: the paste is read first, off the GUI thread
    assert picker.loads.is_pending("resolve") and not picker.ambiguous_boxes
    qtbot.waitUntil(lambda: not picker.loads.pending, timeout=10000)
    assert accepted == [] and picker.tabs.currentIndex() == 1  # two 李明: the clerk must say which
    assert list(picker.ambiguous_boxes) == ["李明"]
    boxes = picker.ambiguous_boxes["李明"]
    assert sorted(cid for _, cid in boxes) == sorted([a, b])
    assert any("副镇长" in cb.text() for cb, _ in boxes)
    assert picker.chosen_ids() == []  # nobody chosen until the clerk says which 李明
    assert "王强：已有帮带人" in picker.unknown_label.text()  # refused by the caller's rule
    next(cb for cb, cid in boxes if cid == b).setChecked(True)
    assert picker.chosen_ids() == [b]

    # the roster tab greys the refused cadre and will not tick it
    picker.tabs.setCurrentIndex(0)
    row = picker.model.row_of(c)
    idx = picker.model.index(row, 0)
    assert not picker.model.flags(idx) & Qt.ItemFlag.ItemIsEnabled
    assert picker.model.index(row, 6).data() == "已有帮带人"
    assert not picker.model.setData(idx, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert picker.model.setData(picker.model.index(picker.model.row_of(a), 0), Qt.CheckState.Checked.value,
                                Qt.ItemDataRole.CheckStateRole)
    assert picker.chosen_ids() == [a, b]
    picker.search.setText("王强")  # as typed: the field asks once typing pauses
    qtbot.waitUntil(lambda: picker.model.rowCount() == 1 and not picker.loads.pending, timeout=10000)
    assert picker.model.rowCount() == 1 and picker.chosen_ids() == [a, b]  # ticks survive a search


def test_the_picker_reads_the_rows_scrolled_to_off_the_gui_thread(qtbot, demo_db, demo_admin, settings):
    """A row not read yet is neither read by the view's questions (data, flags) on the GUI thread
    nor tickable: its block is read on the picker's query thread, then it is."""
    import threading

    from cadre_desktop.ui.models import BLOCK, PENDING

    picker = CadrePickerDialog(AppState(db=demo_db, actor=demo_admin, settings=settings), "选择", None)
    qtbot.addWidget(picker)
    qtbot.waitUntil(lambda: not picker.loads.pending, timeout=10000)
    n = picker.model.rowCount()
    assert n > BLOCK
    readers: list[threading.Thread] = []
    fetch = picker.model.fetch

    def noted(ids):
        readers.append(threading.current_thread())
        return fetch(ids)
    picker.model.fetch = noted

    last = picker.model.index(n - 1, 0)
    assert last.flags() == Qt.ItemFlag.NoItemFlags and last.data() == PENDING  # asked for, not read here
    assert not picker.model.setData(last, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert threading.main_thread() not in readers  # (the query thread may have read it already)
    qtbot.waitUntil(lambda: not picker.loads.pending, timeout=10000)
    assert last.flags() & Qt.ItemFlag.ItemIsUserCheckable and last.data() not in (PENDING, "")
    assert readers and threading.main_thread() not in readers
    assert picker.model.setData(last, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert picker.chosen_ids() == [picker.model.id_at(n - 1)]


def test_a_picker_run_with_exec_answers_then_deletes_itself(qtbot, state, db, admin, unit_id):
    """pick_cadres (exec) reads the ticked cadres before the picker, which deletes itself when it
    finishes, is gone."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QWidget

    from cadre_desktop.ui.page_kit import pick_cadres

    ids = add_people(db, admin, unit_id, 3)
    parent = QWidget()
    qtbot.addWidget(parent)
    tries = []

    def choose() -> None:  # in the picker's exec() loop
        picker = parent.findChild(CadrePickerDialog)
        if picker is None and len(tries) < 1000:
            tries.append(1)
            QTimer.singleShot(10, choose)
        elif picker is not None:
            picker.tick(ids[1])
            picker.accept()

    QTimer.singleShot(0, choose)
    assert pick_cadres(state, parent, "选择") == [ids[1]]
    qtbot.waitUntil(lambda: parent.findChild(CadrePickerDialog) is None, timeout=10000)


def test_postings_filters_and_dialog(qtbot, state, db, admin, unit_id, cadre_id, qtmodeltester):
    today = dt.date.today()
    with db.session() as s:
        other = cadres.save_cadre(s, actor=admin, data={"id_number": make_id("19950101", "041"), "name": "王五",
                                                        "unit_id": unit_id, "level": "一般干部"})
        dev.save_posting(s, actor=admin, data={"cadre_id": cadre_id, "kind": "驻村第一书记", "place": "石坪村",
                                               "field": "乡村振兴", "start": dt.date(2021, 3, 1)})
        dev.save_posting(s, actor=admin, data={"cadre_id": other, "kind": "一线任务", "field": "疫情防控",
                                               "start": dt.date(2022, 4, 1), "end": dt.date(2022, 5, 1)})
    page = shown(qtbot, PostingsPage(state))
    assert sorted(column(page.model, 0)) == ["单雄信", "王五"]
    qtmodeltester.check(page.model)

    page.under_way.setChecked(True)
    settle(qtbot, page)
    assert column(page.model, 0) == ["单雄信"] and column(page.model, 7) == ["进行中"]
    page.under_way.setChecked(False)
    page.kind.setCurrentText("一线任务")
    settle(qtbot, page)
    assert column(page.model, 0) == ["王五"]
    page.kind.setCurrentIndex(0)
    page.field.setCurrentText("乡村振兴")
    settle(qtbot, page)
    assert column(page.model, 0) == ["单雄信"]
    page.field.setCurrentIndex(0)
    page.since.setText("2022.5.2")
    page.until.setText("2022.12.31")
    page.refresh()
    settle(qtbot, page)
    assert column(page.model, 0) == ["单雄信"]
    page.since.setText("2022.13.1")
    page.refresh()
    assert not page.filter_error.isHidden() and "期间" in page.filter_error.text()
    page.since.clear()
    page.until.clear()
    qtbot.keyClicks(page.search, "ww")  # typing: one query once it pauses
    qtbot.waitUntil(lambda: not page.search.waiting)
    settle(qtbot, page)
    assert column(page.model, 0) == ["王五"]
    page.search.clear()  # cleared: asked at once
    settle(qtbot, page)
    assert sorted(column(page.model, 0)) == ["单雄信", "王五"]

    # a new secondment through the dialog: the cadre from the picker (one person)
    page.act_new.trigger()
    dialog = page.dialog
    dialog.kind.setValue("驻村队员")
    dialog.destination.setEnabled(True)
    dialog.destination.setValue("先进地区")
    dialog.start.setText(f"{today.year}.1.5")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.errors["cadre_id"].text() == "请选择干部"
    assert dialog.errors["destination"].text() == "只有挂职锻炼填写去向类别"
    dialog.choose_cadre()
    dialog.picker.tick(other)
    dialog.picker.tick(cadre_id)  # single choice: the last tick wins
    assert dialog.picker.chosen_ids() == [cadre_id]
    dialog.picker.accept()
    assert dialog.cadre_id == cadre_id and "单雄信" in dialog.cadre_label.text()
    dialog.kind.setValue("挂职锻炼")
    dialog.place.setText("宁波市鄞州区")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    settle(qtbot, page)
    assert page.model.row(page.table.currentIndex().row())["id"] == dialog.saved_id  # the new record selected
    page.under_way.setChecked(True)
    settle(qtbot, page)
    assert sorted(column(page.model, 3)) == ["宁波市鄞州区", "石坪村"]


def test_reader_sees_no_edit_verbs(qtbot, db, reader, settings):
    st = AppState(db=db, actor=reader, settings=settings)
    for page in (TrainingPage(st), PostingsPage(st)):
        qtbot.addWidget(page)
        assert not page.act_new.isVisible() and not page.act_delete.isVisible() and not page.act_edit.isVisible()
        assert page.act_export.isVisible()
        page.new_class() if isinstance(page, TrainingPage) else page.new_posting()
        assert page.dialog is None
