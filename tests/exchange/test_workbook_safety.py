"""A workbook is read to its last row or refused: stale dimensions, row limits counted before
parsing, damaged parts, entities, sheets whose name is nearly a known one, hostile files."""

import io
import re
import zipfile

import openpyxl
import pytest

from cadre_desktop.core.exchange import exporter
from cadre_desktop.core.exchange.workbook import WorkbookSource, count_rows
from cadre_desktop.core.services import cadres
from cadre_desktop.core.values import DomainError

from conftest import import_xlsx as run
from conftest import make_id
from conftest import write_xlsx as write

UNITS = [["单位名称", "单位类别"], ["青山镇", "乡镇"]]


def cadre_rows(n):
    rows = [["身份证号", "姓名", "工作单位", "干部层级"]]
    for k in range(n):
        rows.append([make_id(f"19{70 + k % 25}0{1 + k % 9}1{k % 9}", f"{k:03d}"), f"人{k}", "青山镇", "一般干部"])
    return rows


def rewrite_part(path, part, change):
    """Rewrite one part of the zip (as another program would have written it)."""
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            z.writestr(info.filename, change(data) if info.filename == part else data)


def sheet_part(path, title):
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return wb[title]._worksheet_path.lstrip("/")
    finally:
        wb.close()


def test_a_stale_dimension_tag_loses_no_row(db, admin, tmp_path):
    path = write(tmp_path / "w.xlsx", {"单位": UNITS, "干部": cadre_rows(300)})
    part = sheet_part(path, "干部")
    rewrite_part(path, part, lambda d: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:K11"', d))
    with zipfile.ZipFile(path) as z:
        assert b'<dimension ref="A1:K11"' in z.read(part)
    result = run(db, admin, path)
    assert result.ok, [str(p) for p in result.errors]
    assert result.counts["干部"] == (300, 0)
    with db.session() as s:
        assert cadres.roster_count(s, cadres.RosterFilter()) == 300


def sheet_xml(n_rows: int) -> bytes:
    """A worksheet part of n rows, generated as a stream (never whole in memory)."""
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    return head, b'</sheetData></worksheet>'


def test_row_count_stops_as_soon_as_the_limit_is_passed():
    head, tail = sheet_xml(0)

    class Rows(io.RawIOBase):
        """A stream of endless rows: the counter must stop on its own, past the limit."""

        def __init__(self):
            self.sent = 0
            self.buf = head

        def readable(self):
            return True

        def read(self, n=-1):
            while len(self.buf) < n:
                self.sent += 1
                self.buf += b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (self.sent, self.sent)
            out, self.buf = self.buf[:n], self.buf[n:]
            return out

    stream = Rows()
    with pytest.raises(DomainError, match="超过 1,000 行的上限"):
        count_rows(stream, sheet="干部", label="w.xlsx", limit=1000, chunk=4096)
    assert stream.sent < 1200  # it stopped near the limit instead of reading on
    full = io.BytesIO(head + b"".join(b'<row r="%d"/>' % i for i in range(1, 1001)) + tail)
    assert count_rows(full, sheet="干部", label="w.xlsx", limit=1000) == 1000


def test_a_sheet_over_the_row_limit_is_refused_before_any_row_is_parsed(db, admin, tmp_path, monkeypatch):
    import cadre_desktop.core.exchange.workbook as workbook

    monkeypatch.setattr(workbook, "MAX_ROWS", 50)
    path = write(tmp_path / "w.xlsx", {"单位": UNITS, "干部": cadre_rows(60)})
    with pytest.raises(DomainError, match="工作表“干部”超过 50 行的上限"):
        WorkbookSource.open(path)


@pytest.mark.parametrize("damage, message", [
    (lambda d: d[: len(d) * 2 // 3], "不完整"),
    (lambda d: d.replace(b"<t>", b"<t>&bomb;", 1), "实体"),
    (lambda d: d.replace(b"<worksheet", b'<!DOCTYPE w [<!ENTITY a "aaaaaaaa">]><worksheet', 1).replace(
        b"<t>", b"<t>&a;", 1), "实体"),
    (lambda d: d.replace(b"</row>", b"</rowx>", 1), "格式错误"),
])
def test_a_damaged_sheet_part_is_a_clear_refusal(db, admin, tmp_path, damage, message):
    path = write(tmp_path / "w.xlsx", {"单位": UNITS, "干部": cadre_rows(40)})
    part = sheet_part(path, "干部")
    with zipfile.ZipFile(path) as z:
        assert b"<t>" in z.read(part)  # inline strings: the entity sits in the sheet itself
    rewrite_part(path, part, damage)
    with pytest.raises(DomainError, match=message) as e:
        run(db, admin, path)
    assert "干部" in str(e.value)
    with db.session() as s:
        assert cadres.roster_count(s, cadres.RosterFilter()) == 0


def test_a_bad_crc_is_a_clear_refusal(db, admin, tmp_path):
    path = write(tmp_path / "w.xlsx", {"单位": UNITS, "干部": cadre_rows(40)})
    part = sheet_part(path, "干部")
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(part)
        stored = z.read(part)
    # rewrite the part stored (not deflated) with one byte changed: its CRC no longer matches
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for i, data in items:
            z.writestr(i.filename, data)
    raw = bytearray(path.read_bytes())
    at = raw.find(b'<row r="30"')
    assert at > 0 and stored.count(b'<row r="30"') == 1 and info
    raw[at + 5] ^= 0x01  # r="30" → r="20": still XML, but not what was stored
    path.write_bytes(bytes(raw))
    with pytest.raises(DomainError, match="干部") as e:
        run(db, admin, path)
    assert "损坏" in str(e.value)


def test_a_sheet_named_close_to_a_known_one_is_an_error_naming_it(db, admin, tmp_path):
    path = write(tmp_path / "w.xlsx", {"单位": UNITS, "干部信息": cadre_rows(3), "说明": [["本表说明"], ["x"]]})
    result = run(db, admin, path)
    messages = [str(p) for p in result.errors]
    assert len(messages) == 1 and "干部信息" in messages[0] and "可能是“干部”" in messages[0]
    assert not result.written
    assert any("说明" in str(w) for w in result.warnings)  # an unrelated sheet is still only a 提示
    with db.session() as s:
        assert s.execute(__import__("sqlalchemy").text("select count(*) from unit")).scalar() == 0


@pytest.mark.parametrize("content", [
    b"", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", bytes(range(256)) * 40,
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000,  # an .xls (OLE2) renamed .xlsx
])
def test_files_that_are_not_workbooks_are_refused(db, admin, tmp_path, content):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    with pytest.raises(DomainError, match="不是有效的 .xlsx 工作簿"):
        run(db, admin, path)


def test_xxe_in_shared_strings_is_refused(db, admin, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密")
    path = write(tmp_path / "w.xlsx", {"单位": UNITS})
    part = sheet_part(path, "单位")
    rewrite_part(path, part, lambda d: d.replace(
        b"<worksheet", f'<!DOCTYPE w [<!ENTITY x SYSTEM "file://{secret}">]><worksheet'.encode(), 1).replace(
        "青山镇".encode(), b"&x;", 1))
    with zipfile.ZipFile(path) as z:
        assert b"&x;" in z.read(part)
    with pytest.raises(DomainError, match="实体"):
        run(db, admin, path)
    with db.session() as s:
        assert s.execute(__import__("sqlalchemy").text("select count(*) from unit")).scalar() == 0


def test_formula_like_text_is_exported_as_text(db, admin, tmp_path, unit_id):
    from cadre_desktop.core.services import units

    with db.session() as s:
        units.save_unit(s, actor=admin, name="=HYPERLINK(\"http://x\")", kind="其他")
    out = tmp_path / "out.xlsx"
    with db.session() as s:
        exporter.export_workbook(s, actor=admin, path=out, sheet_names=["单位"])
    with zipfile.ZipFile(out) as z:
        xml = z.read(sheet_part(out, "单位")).decode()
    assert "<f>" not in xml
    wb = openpyxl.load_workbook(out)
    cell = next(c for c in wb["单位"]["A"] if c.value and str(c.value).startswith("="))
    assert cell.data_type == "s"


def test_the_quick_row_count_sees_every_tag_whatever_the_chunk_borders():
    from cadre_desktop.core.exchange.workbook import quick_row_limit

    for n, ok in ((1000, True), (1001, False)):
        data = (b'<worksheet><sheetData>' + b"".join(b'<x:row r="%d"><c><v>1</v></c></x:row>' % i for i in range(n))
                + b'</sheetData><rowBreaks count="0"/></worksheet>')
        for chunk in (5, 64, 1 << 20):
            if ok:
                quick_row_limit(io.BytesIO(data), sheet="干部", label="w.xlsx", limit=1000, chunk=chunk)
            else:
                with pytest.raises(DomainError, match="超过 1,000 行"):
                    quick_row_limit(io.BytesIO(data), sheet="干部", label="w.xlsx", limit=1000, chunk=chunk)
