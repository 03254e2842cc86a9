"""The cadre editor, driven as a clerk drives it: type, press Ctrl+S, read what is shown beside
the fields, reopen the record."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QBuffer, QIODevice, QSettings, Qt
from PySide6.QtGui import QColor, QImage, QInputMethodEvent, QPainter
from PySide6.QtWidgets import QApplication, QFileDialog, QPushButton
from sqlalchemy import func, select

from cadre_desktop.core.models import Cadre
from cadre_desktop.core.services import cadres, units
from cadre_desktop.core.values import Month, id_check_digit
from cadre_desktop.ui import cadre_editor
from cadre_desktop.ui.cadre_editor import CELL_ERROR, CadreEditor, crop_photo
from cadre_desktop.ui.state import AppState
from cadre_desktop.ui.widgets import ChoiceCombo, DayEdit, MonthEdit


def valid_id(birth: str = "19900715", seq: str = "001") -> str:
    first17 = "522622" + birth + seq
    return first17 + id_check_digit(first17)


ID_OF_FIXTURE = valid_id()  # the cadre_id fixture's ID number (conftest.make_id())


@pytest.fixture
def state(db, admin, tmp_path):
    return AppState(db=db, actor=admin, settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def refusals(monkeypatch):
    """Message boxes would block the test: record what the editor refuses instead."""
    shown = []
    monkeypatch.setattr(cadre_editor, "refuse", lambda parent, error, *a, **k: shown.append(error))
    return shown


def loaded(qtbot, dialog: CadreEditor) -> CadreEditor:
    """The record is read off the GUI thread: wait until the form shows it."""
    qtbot.waitUntil(lambda: dialog.loaded, timeout=20000)
    return dialog


def saved(qtbot, dialog: CadreEditor) -> None:
    """The save runs as a job: wait until it has returned (and any conflict was answered)."""
    qtbot.waitUntil(lambda: not dialog.saving, timeout=20000)


def open_editor(qtbot, state, cadre_id=None) -> CadreEditor:
    dialog = CadreEditor(state, cadre_id)
    # Closed without asking at teardown (an unsaved change would otherwise open a message box).
    qtbot.addWidget(dialog, before_close_func=lambda d: d.done(CadreEditor.DialogCode.Rejected))
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return loaded(qtbot, dialog)


def type_chinese(widget, text: str) -> None:
    """What a Chinese input method delivers: a committed string (QTest can only type ASCII)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def replace_text(qtbot, widget, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:
        type_chinese(widget, text)


def press_save(qtbot, dialog) -> None:
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved(qtbot, dialog)


def choose(combo: ChoiceCombo, text: str) -> None:
    index = combo.findText(text)
    assert index > 0, text
    combo.setCurrentIndex(index)


def cadre_count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Cadre))


def reload(db, cadre_id) -> dict:
    with db.session() as s:
        return cadres.get_cadre(s, cadre_id)


def png(width: int, height: int, paint=None) -> bytes:
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("green"))
    if paint:
        painter = QPainter(image)
        paint(painter)
        painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")
    return bytes(buffer.data())


def fill_new_cadre(qtbot, dialog, unit_name="青山镇", id_number=None) -> None:
    replace_text(qtbot, dialog.fields["name"], "李秀英")
    replace_text(qtbot, dialog.fields["id_number"], id_number or valid_id("19880302", "022"))
    choose(dialog.fields["unit_id"], unit_name)
    choose(dialog.fields["level"], "一般干部")


# --- saving an edit ---------------------------------------------------------------------------


def test_change_post_and_save_with_ctrl_s(qtbot, db, state, cadre_id):
    seen = []
    state.changes.changed.connect(seen.append)
    dialog = open_editor(qtbot, state, cadre_id)
    assert dialog.windowTitle() == "干部档案 — 单雄信"
    assert dialog.fields["post"].text() == "青山镇副镇长"

    replace_text(qtbot, dialog.fields["post"], "青山镇党委副书记、镇长")
    replace_text(qtbot, dialog.fields["phone"], "13812345678")
    press_save(qtbot, dialog)

    assert dialog.result() == CadreEditor.DialogCode.Accepted
    assert dialog.saved_id == cadre_id
    assert seen and "cadre" in seen[0]
    data = reload(db, cadre_id)
    assert data["post"] == "青山镇党委副书记、镇长"
    assert data["phone"] == "13812345678"
    assert data["name"] == "单雄信"  # the rest is saved back unchanged
    assert [r["text"] for r in data["resumes"]] == ["青山镇副镇长"]


def test_every_field_is_on_the_form_with_its_label(qtbot, state, cadre_id):
    dialog = open_editor(qtbot, state, cadre_id)
    assert set(dialog.fields) == {f.attr for f in cadres.FIELDS}
    for f in cadres.FIELDS:
        assert dialog.fields[f.attr].accessibleName() == f.label
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert tabs == ["基本情况", "学历学位", "现任职务", "任免", "简历", "奖惩", "年度考核", "家庭成员",
                    "培训", "挂职驻村", "任用", "表彰", "关爱", "履历时间线"]  # the last six read only (career_tabs)
    assert dialog.field_tab["name"] == dialog.field_tab["specialty"] == 0
    assert dialog.field_tab["ip_degree_school"] == 1
    assert dialog.field_tab["unit_id"] == dialog.field_tab["notes"] == 2
    assert dialog.field_tab["age_date"] == 3


# --- refusals shown beside the field ------------------------------------------------------------


def test_wrong_check_digit_shows_beside_id_number_and_saves_nothing(qtbot, db, state, unit_id):
    before = cadre_count(db)
    good = valid_id("19880302", "022")
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    dialog = open_editor(qtbot, state)
    assert dialog.windowTitle() == "新增干部"
    fill_new_cadre(qtbot, dialog, id_number=wrong)
    press_save(qtbot, dialog)

    label = dialog.errors["id_number"]
    assert label.isVisible()
    assert label.text() == "号码校验不通过，其中有数字录错（不一定是最后一位），请对照身份证逐位核对"
    assert dialog.isVisible() and dialog.saved_id is None
    assert dialog.tabs.currentIndex() == 0 and dialog.focusWidget() is dialog.fields["id_number"]
    assert dialog.fields["id_number"].text() == wrong  # the clerk's input is kept
    assert dialog.fields["name"].text() == "李秀英"
    assert cadre_count(db) == before

    # corrected, the same dialog saves
    replace_text(qtbot, dialog.fields["id_number"], good)
    press_save(qtbot, dialog)
    assert dialog.saved_id is not None
    assert cadre_count(db) == before + 1
    data = reload(db, dialog.saved_id)
    assert (data["name"], data["sex"], data["birth"]) == ("李秀英", "女", Month(1988, 3))


def test_sex_disagreeing_with_id_number_is_shown_beside_sex(qtbot, db, state, unit_id):
    before = cadre_count(db)
    dialog = open_editor(qtbot, state)
    fill_new_cadre(qtbot, dialog, id_number=valid_id("19880302", "013"))  # odd: a man
    choose(dialog.fields["sex"], "女")
    press_save(qtbot, dialog)

    assert dialog.errors["sex"].isVisible()
    assert dialog.errors["sex"].text() == "性别 女 与身份证号中的 男 不一致，请核对"
    assert not dialog.errors["id_number"].isVisible()
    assert dialog.focusWidget() is dialog.fields["sex"]
    assert cadre_count(db) == before


def test_unreadable_month_is_shown_beside_its_field_with_the_core_refusals(qtbot, db, state, cadre_id):
    dialog = open_editor(qtbot, state, cadre_id)
    replace_text(qtbot, dialog.fields["township_start"], "2012.13")
    choose(dialog.fields["level"], "一般干部")
    dialog.fields["level"].setCurrentIndex(0)  # blank level: the core refuses it for an in-service cadre
    press_save(qtbot, dialog)

    assert dialog.errors["township_start"].text() == "“2012.13”不是有效的年月，应写作 1985.03"
    assert dialog.errors["level"].text() == "在职干部须填写干部层级"
    assert dialog.tabs.currentIndex() == 2
    assert dialog.tabs.tabBar().tabTextColor(2) == QColor("#c0392b")
    assert reload(db, cadre_id)["level"] == "副科级"


def test_resume_row_with_bad_month_names_the_row_and_saves_nothing(qtbot, db, state, cadre_id):
    version = reload(db, cadre_id)["version"]
    dialog = open_editor(qtbot, state, cadre_id)
    resumes = dialog.lists["resumes"]
    dialog.tabs.setCurrentWidget(resumes)
    qtbot.mouseClick(resumes.buttons["添加行"], Qt.MouseButton.LeftButton)
    assert resumes.table.rowCount() == 2
    resumes.table.item(1, 0).setText("2019.13")
    resumes.table.item(1, 2).setText("青山镇党委书记")
    dialog.tabs.setCurrentIndex(0)
    press_save(qtbot, dialog)

    assert dialog.tabs.currentWidget() is resumes
    assert resumes.error.isVisible()
    assert "简历第2行 起始年月" in resumes.error.text()
    assert "2019.13" in resumes.error.text()
    assert resumes.table.item(1, 0).background().color() == CELL_ERROR
    assert resumes.table.item(1, 2).background().color() != CELL_ERROR
    assert (resumes.table.currentRow(), resumes.table.currentColumn()) == (1, 0)
    data = reload(db, cadre_id)
    assert data["version"] == version and len(data["resumes"]) == 1


def test_core_refusal_of_a_list_row_names_the_table_row(qtbot, db, state, cadre_id):
    dialog = open_editor(qtbot, state, cadre_id)
    rewards = dialog.lists["rewards"]
    rewards.add_row()
    rewards.add_row()  # a blank row in between is left out, and the numbering still follows the table
    rewards.add_row()
    rewards.table.item(2, 0).setText("2021.6.30")
    rewards.table.item(2, 1).setText("奖励")
    press_save(qtbot, dialog)  # 内容 is missing: the core refuses

    assert "奖惩第3行 内容" in rewards.error.text()
    assert rewards.table.item(2, 2).background().color() == CELL_ERROR
    assert reload(db, cadre_id)["rewards"] == []


# --- the lists --------------------------------------------------------------------------------


def test_added_resume_and_family_member_are_saved(qtbot, db, state, cadre_id):
    dialog = open_editor(qtbot, state, cadre_id)
    resumes = dialog.lists["resumes"]
    resumes.add_row()
    resumes.table.item(1, 0).setText("2021.3")  # typed as a clerk writes it
    resumes.table.item(1, 2).setText("青山镇党委书记")
    resumes.table.item(0, 1).setText("202103")
    family = dialog.lists["family"]
    dialog.tabs.setCurrentWidget(family)
    qtbot.mouseClick(family.buttons["添加行"], Qt.MouseButton.LeftButton)
    for col, text in enumerate(["妻子", "王芳", "1987.3", "中共党员", "青山镇中心小学教师"]):
        family.table.item(0, col).setText(text)
    press_save(qtbot, dialog)

    assert dialog.saved_id == cadre_id
    data = reload(db, cadre_id)
    assert data["resumes"] == [
        {"start": Month(2012, 7), "end": Month(2021, 3), "text": "青山镇副镇长"},
        {"start": Month(2021, 3), "end": None, "text": "青山镇党委书记"},
    ]
    assert data["family"] == [{"relation": "妻子", "name": "王芳", "birth": Month(1987, 3),
                               "political_status": "中共党员", "work": "青山镇中心小学教师"}]


def test_rows_move_and_delete(qtbot, db, state, cadre_id):
    dialog = open_editor(qtbot, state, cadre_id)
    appraisals = dialog.lists["appraisals"]
    for year, result in (("2021", "优秀"), ("2022", "称职")):
        appraisals.add_row()
        row = appraisals.table.rowCount() - 1
        appraisals.table.item(row, 0).setText(year)
        appraisals.table.item(row, 1).setText(result)
    appraisals.table.setCurrentCell(1, 0)
    appraisals.move_up()
    assert appraisals.texts(0) == ["2022", "称职"] and appraisals.table.currentRow() == 0
    appraisals.move_down()
    assert appraisals.texts(1) == ["2022", "称职"]
    appraisals.table.setCurrentCell(0, 0)
    appraisals.remove_row()
    assert appraisals.snapshot() == [["2022", "称职"]]
    press_save(qtbot, dialog)
    assert reload(db, cadre_id)["appraisals"] == [{"year": 2022, "result": "称职"}]


# --- keyboard ---------------------------------------------------------------------------------


def test_enter_in_a_field_does_not_close_or_save(qtbot, db, state, cadre_id):
    dialog = open_editor(qtbot, state, cadre_id)
    name = dialog.fields["name"]
    name.setFocus()
    qtbot.keyClick(name, Qt.Key.Key_End)
    qtbot.keyClicks(name, "X")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.saved_id is None
    assert dialog.focusWidget() is not name  # Enter moves on to the next field
    assert reload(db, cadre_id)["name"] == "单雄信"


def test_escape_asks_once_before_dropping_changes(qtbot, monkeypatch, state, cadre_id):
    asked = []
    answer = [False]

    def fake_confirm(parent, text, *a, **k):
        asked.append(text)
        return answer[0]

    monkeypatch.setattr(cadre_editor, "confirm", fake_confirm)
    dialog = open_editor(qtbot, state, cadre_id)
    qtbot.keyClick(dialog.fields["name"], Qt.Key.Key_Escape)  # nothing changed: closes at once
    assert not dialog.isVisible() and asked == []

    dialog = open_editor(qtbot, state, cadre_id)
    replace_text(qtbot, dialog.fields["post"], "青山镇镇长")
    qtbot.keyClick(dialog.fields["post"], Qt.Key.Key_Escape)
    assert asked == ["放弃未保存的修改？"] and dialog.isVisible()
    answer[0] = True
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 2 and not dialog.isVisible()
    assert dialog.result() == CadreEditor.DialogCode.Rejected


def answer_conflict(qtbot, button: str, seen: list):
    """When the conflict dialog opens, read what it shows and press `button` (as a clerk would)."""
    from PySide6.QtCore import QTimer

    from cadre_desktop.ui.conflict import ConflictDialog

    def press():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ConflictDialog):
            QTimer.singleShot(20, press)
            return
        t = dialog.table
        seen.extend([tuple(t.item(r, c).text() for c in range(t.columnCount())) for r in range(t.rowCount())])
        seen.append(dialog.windowTitle())
        target = {"reload": dialog.reload_button, "keep": dialog.keep_button}.get(button)
        if target is None:
            dialog.reject()
        else:
            qtbot.mouseClick(target, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, press)


@pytest.mark.both_engines
def test_version_conflict_shows_the_other_change_and_keeps_mine_on_top(qtbot, db, admin, state, cadre_id,
                                                                      refusals):
    dialog = open_editor(qtbot, state, cadre_id)
    replace_text(qtbot, dialog.fields["post"], "青山镇镇长")
    with db.session() as s:  # someone else saves meanwhile
        cadres.save_cadre(s, actor=admin, data={"rank": "四级主任科员"}, cadre_id=cadre_id)
    seen: list = []
    answer_conflict(qtbot, "keep", seen)
    press_save(qtbot, dialog)
    assert ("职级", "（空）", "四级主任科员") in seen and "他人已修改这条记录" in seen
    assert not dialog.isVisible() and refusals == []
    saved = reload(db, cadre_id)
    assert saved["post"] == "青山镇镇长" and saved["rank"] == "四级主任科员"  # neither change lost


@pytest.mark.both_engines
def test_version_conflict_reload_shows_theirs_and_cancel_keeps_my_input(qtbot, db, admin, state, cadre_id,
                                                                        refusals):
    dialog = open_editor(qtbot, state, cadre_id)
    replace_text(qtbot, dialog.fields["post"], "青山镇镇长")
    with db.session() as s:
        cadres.save_cadre(s, actor=admin, data={"post": "青山镇党委副书记"}, cadre_id=cadre_id)
    seen: list = []
    answer_conflict(qtbot, "cancel", seen)
    press_save(qtbot, dialog)
    # Both changed 现任职务: the dialog says so, with what this clerk typed.
    assert ("现任职务", "青山镇副镇长", "青山镇党委副书记", "青山镇镇长") in seen
    assert dialog.isVisible() and dialog.fields["post"].text() == "青山镇镇长"
    assert reload(db, cadre_id)["post"] == "青山镇党委副书记"
    seen.clear()
    answer_conflict(qtbot, "reload", seen)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved(qtbot, dialog)
    assert seen, "the conflict dialog did not open"
    assert dialog.isVisible() and dialog.fields["post"].text() == "青山镇党委副书记"
    assert not dialog.is_dirty()
    choose(dialog.fields["rank"], "一级科员")  # 职级 is picked from its code list
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # against the reloaded version: saves
    saved(qtbot, dialog)
    assert not dialog.isVisible()
    assert reload(db, cadre_id)["rank"] == "一级科员" and reload(db, cadre_id)["post"] == "青山镇党委副书记"


# --- units ------------------------------------------------------------------------------------


def test_unit_combo_follows_unit_order_and_is_blank_without_unit(qtbot, db, admin, state, unit_id):
    with db.session() as s:
        units.save_unit(s, actor=admin, name="县委组织部", kind="县直部门", sort_order=0)
        loose = cadres.save_cadre(s, actor=admin, data={"id_number": valid_id("19920101", "031"), "name": "王五"},
                                  allow_incomplete=True)
    dialog = open_editor(qtbot, state, loose)
    combo = dialog.fields["unit_id"]
    assert [combo.itemText(i) for i in range(combo.count())] == ["", "县委组织部", "青山镇"]
    assert combo.currentText() == "" and combo.value() is None


# --- photo ------------------------------------------------------------------------------------


def test_crop_photo_makes_a_centred_4_by_5_jpeg():
    def stripes(p: QPainter):  # red | green (the centre 400 px) | blue
        p.fillRect(0, 0, 300, 500, QColor("red"))
        p.fillRect(700, 0, 300, 500, QColor("blue"))

    out = crop_photo(png(1000, 500, stripes))
    assert out[:3] == b"\xff\xd8\xff"  # JPEG
    image = QImage.fromData(out)
    assert (image.width(), image.height()) == (400, 500)
    for x, y in ((2, 2), (397, 2), (200, 250), (2, 497), (397, 497)):
        c = image.pixelColor(x, y)
        assert c.green() > 100 and c.red() < 60 and c.blue() < 60, (x, y, c.name())

    big = QImage.fromData(crop_photo(png(2000, 3000)))
    assert big.width() <= 413 and big.height() <= 516
    assert abs(big.width() / big.height() - 0.8) < 0.005

    with pytest.raises(ValueError, match="无法读取"):
        crop_photo(b"not a picture")


def test_photo_is_picked_cropped_saved_and_cleared(qtbot, monkeypatch, db, state, cadre_id, tmp_path):
    folder = tmp_path / "照片"
    folder.mkdir()
    path = folder / "dan.png"
    path.write_bytes(png(600, 600))
    asked = {}

    def fake_open(parent, caption, start, filters):
        asked["start"] = start
        return str(path), filters

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_open))
    dialog = open_editor(qtbot, state, cadre_id)
    assert not dialog.photo_box.hasPhoto() and not dialog.photo_clear.isEnabled()
    start = state.last_folder()
    qtbot.mouseClick(dialog.photo_pick, Qt.MouseButton.LeftButton)
    assert asked["start"] == start
    assert state.last_folder() == str(folder)
    assert dialog.photo_box.hasPhoto() and dialog.photo_clear.isEnabled()
    press_save(qtbot, dialog)

    photo = reload(db, cadre_id)["photo"]
    image = QImage.fromData(photo)
    assert (image.width(), image.height()) == (413, 516)  # 480×600 after the crop, then scaled down

    dialog = open_editor(qtbot, state, cadre_id)
    assert dialog.photo_box.hasPhoto()
    qtbot.mouseClick(dialog.photo_clear, Qt.MouseButton.LeftButton)
    press_save(qtbot, dialog)
    assert reload(db, cadre_id)["photo"] is None


# --- read-only --------------------------------------------------------------------------------


def test_reader_gets_no_save_button_and_masked_numbers(qtbot, db, admin, reader, tmp_path, cadre_id):
    with db.session() as s:
        cadres.save_cadre(s, actor=admin, data={"phone": "13812345678"}, cadre_id=cadre_id)
    version = reload(db, cadre_id)["version"]
    state = AppState(db=db, actor=reader, settings=QSettings(str(tmp_path / "r.ini"), QSettings.Format.IniFormat))
    dialog = open_editor(qtbot, state, cadre_id)

    assert dialog.save_button is None
    assert not [b for b in dialog.findChildren(QPushButton) if b.text() == "保存" and b.isVisible()]
    assert not dialog.photo_pick.isVisible()
    assert dialog.fields["id_number"].text() == "*" * 14 + ID_OF_FIXTURE[-4:]
    assert dialog.fields["phone"].text() == "*******5678"
    assert dialog.fields["name"].isReadOnly() and not dialog.fields["level"].isEnabled()
    assert not dialog.lists["resumes"].buttons["添加行"].isVisible()
    press_save(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # closes without asking
    assert not dialog.isVisible()
    assert reload(db, cadre_id)["version"] == version


# --- the date and choice widgets --------------------------------------------------------------


def test_month_and_day_edits_read_what_clerks_type(qtbot):
    month = MonthEdit()
    qtbot.addWidget(month)
    assert month.placeholderText() == "如 1985.03"
    for typed in ("1985.03", "1985.3", "198503", "1985年3月"):
        month.setText(typed)
        assert month.value() == Month(1985, 3)
    month.setText("1985.3")
    month.reformat()
    assert month.text() == "1985.03"
    month.setText("1985.13")
    with pytest.raises(ValueError, match="不是有效的年月"):
        month.value()
    month.reformat()
    assert month.text() == "1985.13"  # an unreadable value is left as typed
    month.setText("")
    assert month.value() is None

    day = DayEdit()
    qtbot.addWidget(day)
    day.setText("2022.6.15")
    assert day.value() == dt.date(2022, 6, 15)
    day.reformat()
    assert day.text() == "2022.06.15"
    day.setValue(None)
    assert day.text() == ""
    day.setText("2022.02.30")
    with pytest.raises(ValueError, match="不是有效的日期"):
        day.value()


def test_month_edit_reformats_on_focus_out(qtbot):
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    host = QWidget()
    layout = QVBoxLayout(host)
    month, other = MonthEdit(), MonthEdit()
    layout.addWidget(month)
    layout.addWidget(other)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow)
    month.setFocus()
    qtbot.keyClicks(month, "2012.7")
    other.setFocus()
    qtbot.waitUntil(lambda: month.text() == "2012.07")


def test_choice_combo_blank_first_and_keeps_odd_values(qtbot):
    combo = ChoiceCombo(("男", "女"))
    qtbot.addWidget(combo)
    assert combo.itemText(0) == "" and combo.value() is None
    combo.setValue("女")
    assert combo.value() == "女"
    combo.setValue("未知")
    assert combo.value() == "未知"  # kept, for the core to judge, rather than dropped
    combo.setValue(None)
    assert combo.currentIndex() == 0 and combo.value() is None

    units_combo = ChoiceCombo([("县委组织部", 7), ("青山镇", 3)])
    qtbot.addWidget(units_combo)
    units_combo.setValue(3)
    assert units_combo.currentText() == "青山镇" and units_combo.value() == 3

    education = ChoiceCombo(("研究生", "大学"), editable=True)
    qtbot.addWidget(education)
    education.setValue("中央党校大学")
    assert education.value() == "中央党校大学"
    education.setValue("大学")
    assert education.value() == "大学" and education.currentIndex() == 2


def test_first_error_in_dialog_order_is_selected_and_focused(qtbot, db, state, cadre_id):
    dialog = open_editor(qtbot, state, cadre_id)
    resumes = dialog.lists["resumes"]
    resumes.table.item(0, 0).setText("2012.7.1")
    replace_text(qtbot, dialog.fields["age_date"], "2022.13.01")
    dialog.tabs.setCurrentWidget(resumes)
    press_save(qtbot, dialog)

    assert dialog.tabs.currentIndex() == 3  # 任免 comes before 简历
    assert dialog.focusWidget() is dialog.fields["age_date"]
    assert dialog.errors["age_date"].text() == "“2022.13.01”不是有效的日期，应写作 2022.06.15"
    assert "简历第1行 起始年月" in resumes.error.text()
    assert dialog.status.text() == "有 2 处需要修改，未保存。"


def test_tab_follows_the_paper_form(qtbot, state, cadre_id):
    dialog = open_editor(qtbot, state, cadre_id)
    dialog.fields["name"].setFocus()
    seen = [dialog.focusWidget()]
    for _ in range(5):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        seen.append(dialog.focusWidget())
    f = dialog.fields
    assert seen == [f["name"], f["sex"], f["id_number"], f["birth"], f["ethnicity"], f["native_place"]]


def test_ctrl_s_while_typing_in_a_cell_keeps_what_was_typed(qtbot, db, state, cadre_id):
    dialog = open_editor(qtbot, state, cadre_id)
    resumes = dialog.lists["resumes"]
    dialog.tabs.setCurrentWidget(resumes)
    qtbot.mouseClick(resumes.buttons["添加行"], Qt.MouseButton.LeftButton)  # opens the new row's first cell
    cell_editor = QApplication.focusWidget()
    assert isinstance(cell_editor, MonthEdit)
    qtbot.keyClicks(cell_editor, "2015.3")
    press_save(qtbot, dialog)

    assert resumes.texts(1)[0] == "2015.03"  # committed and written the usual way
    assert "简历第2行 经历：经历不能为空" in resumes.error.text()
    assert len(reload(db, cadre_id)["resumes"]) == 1


# --- off the GUI thread: a refusal keeps the form, a record deleted meanwhile closes it -------


def test_a_refusal_found_by_the_core_keeps_everything_typed(qtbot, db, admin, state, cadre_id, refusals):
    with db.session() as s:  # another cadre whose ID number this clerk is about to type
        cadres.save_cadre(s, actor=admin, data={"id_number": valid_id("19850101", "041"), "name": "王五"},
                          allow_incomplete=True)
    seen: list = []
    state.changes.changed.connect(seen.append)
    dialog = open_editor(qtbot, state, cadre_id)
    replace_text(qtbot, dialog.fields["post"], "青山镇镇长")
    replace_text(qtbot, dialog.fields["id_number"], valid_id("19850101", "041"))
    press_save(qtbot, dialog)
    assert "该身份证号已属于王五" in dialog.errors["id_number"].text()
    assert dialog.isVisible() and dialog.tabs.isEnabled() and dialog.save_button.isEnabled()
    assert dialog.fields["post"].text() == "青山镇镇长" and dialog.is_dirty()
    assert seen == [] and reload(db, cadre_id)["post"] == "青山镇副镇长"


def test_a_cadre_deleted_before_the_editor_read_it_is_refused_and_the_editor_closes(
        qtbot, db, admin, state, cadre_id, refusals):
    with db.session() as s:
        cadres.delete_cadre(s, actor=admin, cadre_id=cadre_id)
    dialog = CadreEditor(state, cadre_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.gone, timeout=20000)
    assert not dialog.isVisible() and not dialog.loaded and "已被删除" in str(refusals[0])


def test_a_closed_editor_leaves_no_query_thread_behind(qtbot, state, cadre_id):
    import threading

    def query_threads() -> int:
        return sum(t.name.startswith("cadre-query") for t in threading.enumerate())

    before = query_threads()
    dialog = open_editor(qtbot, state, cadre_id)
    assert query_threads() == before + 1
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: query_threads() == before, timeout=20000)
