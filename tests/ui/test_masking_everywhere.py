"""A 查阅 account sees ID numbers and phones masked one way in the window, the workbook export and
the command line, and cannot search by their digits."""

from __future__ import annotations

import json

import openpyxl
from PySide6.QtCore import QSettings

from cadre_desktop.cli import main
from cadre_desktop.core.exchange import exporter
from cadre_desktop.core.masking import SEARCH_NOTE, mask_value
from cadre_desktop.core.services import cadres
from cadre_desktop.ui.roster_page import RosterPage, summary_html
from cadre_desktop.ui.state import AppState


def test_one_mask_in_window_export_and_command_line(qtbot, db, admin, reader, cadre_id, tmp_path, monkeypatch, capsys):
    with db.session() as s:
        cadres.save_cadre(s, actor=admin, data={"phone": "13812345678"}, cadre_id=cadre_id)
        d = cadres.get_cadre(s, cadre_id)
    idn = d["id_number"]
    shown = mask_value(idn)
    assert shown == "*" * 14 + idn[-4:] and idn[6:14] not in shown and idn[:6] not in shown

    # the window: the roster's summary and the editor
    assert shown in summary_html(d, masked=True) and idn not in summary_html(d, masked=True)
    from cadre_desktop.ui.cadre_editor import CadreEditor

    state = AppState(db=db, actor=reader, settings=QSettings(str(tmp_path / "r.ini"), QSettings.Format.IniFormat))
    editor = CadreEditor(state, cadre_id)
    qtbot.addWidget(editor)
    qtbot.waitUntil(lambda: editor.loaded, timeout=20000)  # the record is read off the GUI thread
    assert editor.fields["id_number"].text() == shown
    assert editor.fields["phone"].text() == mask_value("13812345678")

    # the workbook
    out = tmp_path / "r.xlsx"
    with db.session() as s:
        exporter.export_workbook(s, actor=reader, path=out, sheet_names=["干部"])
    ws = openpyxl.load_workbook(out)["干部"]
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    assert row[header.index("身份证号")] == shown
    assert row[header.index("联系电话")] == mask_value("13812345678")

    # the command line
    db.dispose()
    monkeypatch.setenv("CADRE_USER", "reader")
    monkeypatch.setenv("CADRE_PASSWORD", "reader12")
    assert main(["--db", str(db.path), "roster", "--json"]) == 0
    assert [r["id_number"] for r in json.loads(capsys.readouterr().out)] == [shown]


def test_a_reader_cannot_search_by_id_digits(qtbot, db, admin, reader, cadre_id, unit_id, tmp_path, monkeypatch, capsys):
    from conftest import make_id

    with db.session() as s:
        idn = cadres.get_cadre(s, cadre_id)["id_number"]
        other = cadres.save_cadre(s, actor=admin, data={"id_number": make_id("19800101", "013"), "name": "王五", "level": "一般干部",
                                                         "unit_id": unit_id})
    with db.session() as s:
        assert cadres.roster_ids(s, cadres.RosterFilter(search=idn[6:14])) == [cadre_id]
        # the same fragment as a 查阅 account: the digits are ignored, they narrow nothing
        flt = cadres.RosterFilter(search=idn[6:14], hide_numbers=True)
        assert flt.search_note == SEARCH_NOTE
        assert sorted(cadres.roster_ids(s, flt)) == sorted([cadre_id, other])
        assert cadres.roster_ids(s, cadres.RosterFilter(search="单" + idn[-4:], hide_numbers=True)) == [cadre_id]

    state = AppState(db=db, actor=reader, settings=QSettings(str(tmp_path / "r.ini"), QSettings.Format.IniFormat))
    page = RosterPage(state)
    qtbot.addWidget(page)
    page.show()
    page.search.setText("19")
    page.refresh(wait=True)
    assert page.search_note.isVisible() and page.search_note.text() == SEARCH_NOTE
    page.search.setText("单")
    page.refresh(wait=True)
    assert not page.search_note.isVisible()

    db.dispose()
    monkeypatch.setenv("CADRE_USER", "reader")
    monkeypatch.setenv("CADRE_PASSWORD", "reader12")
    assert main(["--db", str(db.path), "roster", "--json", "--search", "zzz" + idn[-4:]]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out) == [] and SEARCH_NOTE in out.err
