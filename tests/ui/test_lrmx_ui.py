"""导入任免审批表 and 导出任免审批表 in the window, driven as a clerk would."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from cadre_desktop.core.exchange import lrmx
from cadre_desktop.core.services import cadres
from cadre_desktop.ui.cadre_editor import CadreEditor
from cadre_desktop.ui.lrmx_dialogs import LrmxImportDialog
from cadre_desktop.ui.main_window import MainWindow
from cadre_desktop.ui.state import AppState
from tests.exchange.lrmx_samples import ID_QIAN, ID_ZHAO, JPEG, write_samples

SHOTS = Path(os.environ.get("LRMX_SHOTS", "")) if os.environ.get("LRMX_SHOTS") else None


@pytest.fixture
def state(db, clerk, tmp_path):
    return AppState(db=db, actor=clerk, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))


def rows(dialog):
    return {item.text(0): item for item, _ in dialog.items}


def test_import_dialog_lists_each_file_then_imports_the_ticked_ones(qtbot, state, db, clerk, cadre_id, tmp_path):
    folder = write_samples(tmp_path / "任免表")
    # a file for the cadre already on file: an update with its changes
    with db.session() as s:
        existing = cadres.get_cadre(s, cadre_id)
    (folder / "单雄信.lrmx").write_text(
        f"<Person><XingMing>单 雄 信</XingMing><ShenFenZheng>{existing['id_number']}</ShenFenZheng>"
        "<XianRenZhiWu>青山镇党委委员、副镇长</XianRenZhiWu><NiRenZhiWu>青山镇党委副书记</NiRenZhiWu></Person>", "utf-8")
    from tests.exchange.lrmx_samples import NO_ID

    (folder / "周正.lrmx").write_text(NO_ID, "utf-8")
    dialog = LrmxImportDialog(state)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load([str(folder)])
    qtbot.waitUntil(lambda: dialog.plans is not None, timeout=20000)

    shown = rows(dialog)
    assert shown["赵磊.lrmx"].text(3) == "新增" and shown["赵磊.lrmx"].checkState(0) == Qt.CheckState.Checked
    update = shown["单雄信.lrmx"]
    assert update.text(3) == "更新"
    changes = {update.child(i).text(1): update.child(i).text(4) for i in range(update.childCount())}
    assert changes["现任职务"] == "青山镇副镇长  →  青山镇党委委员、副镇长"
    assert changes["拟任职务"] == "（空）  →  青山镇党委副书记"
    bomb = shown["炸弹.lrmx"]
    assert bomb.text(3) == "拒绝" and "XML 炸弹" in bomb.text(4)
    assert not (bomb.flags() & Qt.ItemFlag.ItemIsUserCheckable)
    assert "旧版任免表 .lrm 格式" in shown["旧版.lrm"].text(4)
    assert "需确认 1，拒绝 8" in dialog.status.text()
    if SHOTS:
        dialog.resize(1100, 640)
        dialog.grab().save(str(SHOTS / "lrmx_import_plan.png"))

    # the clerk leaves 钱小梅 out and imports the rest
    qtbot.mouseClick(dialog.none_button, Qt.MouseButton.LeftButton)
    assert not dialog.apply_button.isEnabled()
    qtbot.mouseClick(dialog.all_button, Qt.MouseButton.LeftButton)
    assert shown["周正.lrmx"].checkState(0) == Qt.CheckState.Unchecked  # 全选 does not confirm it
    shown["钱小梅.lrmx"].setCheckState(0, Qt.CheckState.Unchecked)
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=20000)
    assert "新增 2，更新 1" in dialog.status.text()
    assert shown["赵磊.lrmx"].text(3) == "已新增" and shown["单雄信.lrmx"].text(3) == "已更新"
    assert not dialog.apply_button.isEnabled() or dialog.ticked() == []
    with db.session() as s:
        assert cadres.find_by_id_number(s, ID_ZHAO) is not None
        assert cadres.find_by_id_number(s, ID_QIAN) is None
        assert cadres.get_cadre(s, cadre_id)["post"] == "青山镇党委委员、副镇长"
    if SHOTS:
        dialog.grab().save(str(SHOTS / "lrmx_import_done.png"))


def test_file_menu_opens_the_dialog_and_roster_exports_the_selected_cadres(qtbot, state, db, clerk, tmp_path,
                                                                           monkeypatch):
    folder = write_samples(tmp_path / "in", bad=False)
    from cadre_desktop.core.exchange import lrmx_files

    with db.session() as s:
        lrmx_files.import_files(s, actor=clerk, paths=[folder])
    window = MainWindow(state)
    qtbot.addWidget(window)
    file_menu = window.menuBar().actions()[0].menu()
    assert "导入任免审批表…" in [a.text() for a in file_menu.actions()]

    roster = window.roster
    assert roster.act_export_lrmx in roster.toolbar.actions()
    qtbot.waitUntil(lambda: roster.model.rowCount() == 3, timeout=20000)
    sel = roster.table.selectionModel()
    for name in ("赵磊", "钱小梅"):
        row = next(i for i in range(roster.model.rowCount()) if roster.model.row(i)["name"] == name)
        sel.select(roster.model.index(row, 0),
                   QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    assert len(roster.selected_ids()) == 2
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    out = tmp_path / "out"
    job = roster.export_lrmx(folder=str(out))
    qtbot.waitUntil(lambda: job.done and bool(shown), timeout=20000)
    assert sorted(p.name for p in out.iterdir()) == ["赵磊.lrmx", "钱小梅.lrmx"]
    assert "已导出 2 份任免审批表" in shown[0]
    assert lrmx.read_path(out / "赵磊.lrmx").data["photo"] == JPEG


def test_saving_an_imported_cadre_in_the_editor_keeps_the_photo_bytes(qtbot, state, db, clerk, tmp_path):
    folder = write_samples(tmp_path / "in", bad=False)
    from cadre_desktop.core.exchange import lrmx_files

    with db.session() as s:
        lrmx_files.import_files(s, actor=clerk, paths=[folder / "赵磊.lrmx"])
        cid = cadres.find_by_id_number(s, ID_ZHAO).id
    editor = CadreEditor(state, cid)
    qtbot.addWidget(editor)
    qtbot.waitUntil(lambda: editor.loaded, timeout=20000)  # the record is read off the GUI thread
    editor.fields["post"].setText("青山镇党委书记")
    assert editor.save()
    qtbot.waitUntil(lambda: not editor.saving, timeout=20000)  # the save runs as a job
    with db.session() as s:
        saved = cadres.get_cadre(s, cid)
    assert saved["post"] == "青山镇党委书记"
    assert saved["photo"] == JPEG  # never re-encoded


def test_a_form_without_an_id_number_waits_for_the_clerk_to_tick_it(qtbot, state, db, tmp_path):
    from tests.exchange.lrmx_samples import NO_ID

    (tmp_path / "周正.lrmx").write_text(NO_ID, "utf-8")
    dialog = LrmxImportDialog(state)
    qtbot.addWidget(dialog)
    dialog.load([str(tmp_path / "周正.lrmx")])
    qtbot.waitUntil(lambda: dialog.plans is not None, timeout=20000)
    item = rows(dialog)["周正.lrmx"]
    assert item.text(3) == "需确认" and item.checkState(0) == Qt.CheckState.Unchecked
    assert not dialog.apply_button.isEnabled()
    item.setCheckState(0, Qt.CheckState.Checked)
    assert dialog.apply_button.isEnabled()
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=20000)
    assert item.text(3) == "已新增"
    with db.session() as s:
        from cadre_desktop.core.models import Cadre

        (c,) = s.query(Cadre).all()
        assert c.name == "周正" and c.id_number is None
    editor = CadreEditor(state, c.id)  # the record opens in the editor with a blank ID number
    qtbot.addWidget(editor)
    qtbot.waitUntil(lambda: editor.loaded, timeout=20000)  # the record is read off the GUI thread
    assert editor.fields["id_number"].text() == ""
