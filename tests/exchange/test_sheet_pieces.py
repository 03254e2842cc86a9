"""A big sheet read through calamine a piece at a time gives what reading it whole gives."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
from python_calamine import CalamineWorkbook

from cadre_desktop.core.exchange import sheet_pieces
from cadre_desktop.core.exchange.workbook import WorkbookSource, _sheet_titles

from conftest import import_xlsx as run
from conftest import make_id
from conftest import write_xlsx as write


def _whole(path, title):
    ws = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(title)
    return [(i + 1, r) for i, r in enumerate(ws.iter_rows())]


def _part(path, title):
    with zipfile.ZipFile(path) as z:
        return {t: p for p, t in _sheet_titles(z).items()}[title]


def test_pieces_give_the_rows_of_the_whole_sheet(tmp_path):
    # Shared strings, dates, numbers, blank rows across a cut, a piece whose cells start in column C.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    ws.append(["甲", "乙", "丙", "丁"])
    for i in range(2, 400):
        if i % 50 in (0, 1):
            continue  # blank rows
        if 200 <= i < 260:
            ws.cell(i, 3, f"只有丙{i}")
            continue
        ws.cell(i, 1, f"文字{i}")
        ws.cell(i, 2, i)
        ws.cell(i, 3, dt.datetime(2020, 1, 1) + dt.timedelta(days=i))
        ws.cell(i, 4, i + 0.5)
    path = tmp_path / "w.xlsx"
    wb.save(path)
    rows = sheet_pieces.sheet_rows(path, _part(path, "表"), "表", 2000)
    assert rows is not None
    got = list(rows)
    want = _whole(path, "表")
    assert [n for n, _ in got] == [n for n, _ in want]
    for (n, a), (_, b) in zip(got, want):
        a = a + [""] * (len(b) - len(a))  # a piece's range may end in an earlier column
        assert a == b, n


def test_a_sheet_that_cannot_be_cut_is_read_whole(tmp_path):
    path = tmp_path / "w.xlsx"
    with zipfile.ZipFile(write(tmp_path / "src.xlsx", {"表": [["甲"], ["一"]]})) as src, \
            zipfile.ZipFile(path, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(b' r="', b' x="')  # rows without their numbers
            out.writestr(info, data)
    assert sheet_pieces.sheet_rows(path, _part(path, "表"), "表", 100) is None
    assert list(WorkbookSource.open(path).sheets)[0].load().headers == ["甲"]


def test_an_import_read_in_pieces_reports_excel_row_numbers(db, admin, tmp_path, monkeypatch):
    monkeypatch.setattr(sheet_pieces, "piece_bytes", lambda _z: 4096)
    ids = [make_id(f"1980{1 + i // 28:02d}{1 + i % 28:02d}", f"{i:03d}") for i in range(300)]
    people = [["身份证号", "姓名", "工作单位", "干部层级"]]
    people += [[idn, f"人{i}", "青山镇", "副科级"] for i, idn in enumerate(ids)]
    people[250][3] = "不存在的层级"  # Excel row 251
    path = write(tmp_path / "w.xlsx", {"单位": [["单位名称", "单位类别"], ["青山镇", "乡镇"]], "干部": people})
    assert sheet_pieces.sheet_rows(path, _part(path, "干部"), "干部", 4096) is not None
    result = run(db, admin, path)
    assert result.errors and {(p.sheet, p.row) for p in result.errors} == {("干部", 251)}
    people[250][3] = "副科级"
    result = run(db, admin, write(tmp_path / "w2.xlsx", {"单位": [["单位名称", "单位类别"], ["青山镇", "乡镇"]],
                                                          "干部": people}))
    assert result.ok and result.counts["干部"] == (300, 0)
