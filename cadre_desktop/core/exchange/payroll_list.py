"""A month's township allowance payroll as a list workbook (乡镇津贴发放表.xlsx): a title row, a header,
one row per recipient with each part of the amount, a subtotal per unit and the county total.

Not the interchange workbook (it is never imported); a 查阅 account's list has ID numbers masked."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from ..services import allowances
from ..services.accounts import Actor, require
from ..values import Month, day_text
from ..masking import mask
from .workbook import FORMULA_STARTS, atomic_save

# (header, key, width)
COLUMNS = (
    ("序号", "seq", 6), ("单位", "unit", 16), ("姓名", "name", 10), ("身份证号", "id_number", 21),
    ("档次", "tier", 7), ("编制类型", "staffing", 13), ("乡镇工作起始", "township_start", 12),
    ("乡镇工作年限", "years", 12), ("计发年限", "counted_years", 9), ("月标准", "base", 10),
    ("编制上浮", "staffing_float", 10), ("年限补助", "years_amount", 10), ("合计", "total", 11),
)
MONEY = ("base", "staffing_float", "years_amount", "total")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
SUBTOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def title_of(month: Month) -> str:
    return f"{month.year}年{month.month}月乡镇津贴发放表"


def write_payroll_xlsx(session: Session, *, actor: Actor, month: Month, path: str | Path,
                       progress: Callable[[int, int, str], None] | None = None) -> Path:
    require(actor, "export")
    p = allowances.payroll(session, month)
    masked = actor.masked_export

    def save(tmp):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = f"{month}"
        n = len(COLUMNS)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
        ws.cell(1, 1, title_of(month)).font = Font(bold=True, size=16)
        ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
        ws.row_dimensions[1].height = 30
        state = (f"已于 {day_text(p['confirmed_at'])} 由 {p['confirmed_by']} 确认发放" if p["confirmed"]
                 else "未确认发放，按当前档案计算")
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=n)
        ws.cell(2, 1, f"共 {p['recipients']} 人，合计 {p['total']:,.2f} 元（{state}）；金额单位：元")
        ws.cell(2, 1).alignment = Alignment(horizontal="right")
        for i, (header, _key, width) in enumerate(COLUMNS, 1):
            c = ws.cell(3, i, header)
            c.font, c.fill, c.border = Font(bold=True), HEADER_FILL, BORDER
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A4"
        row = 4
        seq = 0
        for u, lines in allowances.unit_groups(p):
            for ln in lines:
                seq += 1
                values = dict(ln, seq=seq, township_start=str(ln["township_start"]) if ln["township_start"] else None,
                              id_number=mask("id_number", ln["id_number"]) if masked else ln["id_number"])
                for i, (_h, key, _w) in enumerate(COLUMNS, 1):
                    v = values.get(key)
                    c = ws.cell(row, i, v)
                    if isinstance(v, str) and v.startswith(FORMULA_STARTS):
                        c.data_type, c.quotePrefix = "s", True  # shown as text, never run
                    c.border = BORDER
                    if key in MONEY:
                        c.number_format = "#,##0.00"
                    elif key == "id_number":
                        c.number_format = "@"
                row += 1
                if progress and seq % 200 == 0:
                    progress(seq, p["recipients"], "写入发放表")
            _total_row(ws, row, f"{u['unit']} 小计（{u['count']}人）", u)
            row += 1
        _total_row(ws, row, f"合计（{p['recipients']}人）", p["totals"], bold=True)
        ws.print_title_rows = "3:3"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToHeight = 0
        wb.save(tmp)

    return atomic_save(path, save)


def _total_row(ws, row: int, label: str, sums: dict, *, bold: bool = False) -> None:
    n = len(COLUMNS)
    money_from = [k for _h, k, _w in COLUMNS].index("base") + 1
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=money_from - 1)
    ws.cell(row, 1, label).alignment = Alignment(horizontal="center")
    for i in range(1, n + 1):
        c = ws.cell(row, i)
        c.border, c.fill = BORDER, SUBTOTAL_FILL
        c.font = Font(bold=True) if bold else Font()
    for i in range(money_from, n + 1):
        key = COLUMNS[i - 1][1]
        c = ws.cell(row, i, sums[key])
        c.number_format = "#,##0.00"
