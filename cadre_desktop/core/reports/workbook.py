"""The indicators as a workbook (`cadre report --xlsx`, 统计报表 → 导出): a title row, the period,
then one row per figure with its Chinese name, its value and its unit, grouped by section."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ..values import day_text
from .indicators import Report

TITLE = "激励干部担当作为工作情况统计"


def write_xlsx(report: Report, path: str | Path) -> Path:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    path = Path(path)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "统计指标"
    ws.append([TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    ws["A1"].font = Font(size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([f"统计期间：{report.period.label}（{day_text(report.period.start)}至{day_text(report.period.end)}）"])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=4)
    ws.append(["类别", "指标", "数值", "单位", "键名"])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for _section, title, items in report.by_section():
        for ind in items:
            v = report.values[ind.key]
            cell_value = float(v) if isinstance(v, Decimal) else v
            ws.append([title, ind.label, cell_value, ind.unit, ind.key])
            c = ws.cell(row=ws.max_row, column=3)
            if ind.money:
                c.number_format = "0.00"
            elif ind.hours:
                c.number_format = "0.0"
    for col, width in zip("ABCDE", (18, 40, 14, 8, 46)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A4"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
