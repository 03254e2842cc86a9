"""The list workbook (导出当前列表), written by core from what a window shows."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from cadre_desktop.core.exchange.list_export import ListData, mask_kind, tsv, write_list
from cadre_desktop.core.services.accounts import Actor
from cadre_desktop.core.values import DomainError

DATA = ListData("干部档案", [("name", "姓名"), ("age", "年龄"), ("id_number", "身份证号"), ("mobile", "手机号码")],
                [["张三", 40, "522622199007150011", "13800001234"], ["李四\t某", None, "", None]],
                "单位：青山镇", dt.date(2024, 6, 5))


def test_the_workbook_has_a_title_row_a_frozen_header_an_autofilter_and_fitting_widths(tmp_path):
    out = write_list(tmp_path / "名册", DATA, actor=Actor("a", "管理员"))
    assert out.name == "名册.xlsx"
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == "干部档案（单位：青山镇）　2024年6月5日" and "A1:D1" in ws.merged_cells
    assert [c.value for c in ws[2]] == ["姓名", "年龄", "身份证号", "手机号码"]
    assert [c.value for c in ws[3]] == ["张三", 40, "522622199007150011", "13800001234"]
    assert [c.value for c in ws[4]][:2] == ["李四 某", None]
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:D4"
    assert ws.column_dimensions["C"].width >= 20 > ws.column_dimensions["B"].width
    # the title and the header row styled, the sheet set to print landscape with the header on every page
    assert ws["A1"].font.b and ws["A1"].font.sz == 14 and ws["A1"].alignment.horizontal == "center"
    assert ws.row_dimensions[1].height == 24
    for cell in ws[2]:
        assert cell.font.b and cell.fill.fgColor.rgb.endswith("E8EEF5") and cell.border.bottom.style == "thin"
    assert not ws["A3"].font.b and ws["A3"].border.bottom.style is None
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$2:$2"


def test_a_reader_gets_id_numbers_and_phones_masked(tmp_path):
    ws = openpyxl.load_workbook(write_list(tmp_path / "r.xlsx", DATA, actor=Actor("r", "查阅"))).active
    assert [c.value for c in ws[3]] == ["张三", 40, "**************0011", "*******1234"]
    assert mask_kind("mentee_id_number", "被帮带人身份证号") == "id_number" and mask_kind("x", "联系电话") == "phone"


def test_tsv_has_the_header_and_no_stray_tabs():
    lines = tsv(DATA).splitlines()
    assert lines[0] == "姓名\t年龄\t身份证号\t手机号码" and lines[2] == "李四 某\t\t\t"


def test_an_open_file_is_refused_in_words(tmp_path, monkeypatch):
    import os

    def locked(src, dst):
        raise PermissionError(13, "locked")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(DomainError, match="正在 WPS 或 Excel 中打开"):
        write_list(tmp_path / "x.xlsx", DATA, actor=Actor("a", "管理员"))
    assert list(tmp_path.iterdir()) == []
