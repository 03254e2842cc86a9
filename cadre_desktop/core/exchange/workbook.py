"""The .xlsx file itself: reading it safely (size limits before anything is loaded), and writing
it with formula-safe text cells. What the sheets mean is in sheets.py and its definitions."""

from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..values import DomainError

MAX_INFLATED = 1 << 30  # 1 GB: a settable default (CADRE_MAX_XLSX_BYTES)
MAX_RATIO = 100  # a part inflating more than this is refused (zip bombs), above a small floor
MAX_ROWS = 2_000_000
MAX_CELL = 32_767
MASK_MARK = "cadre_desktop:masked"
FORMULA_STARTS = ("=", "+", "-", "@")


def max_inflated() -> int:
    env = os.environ.get("CADRE_MAX_XLSX_BYTES")
    return int(env) if env else MAX_INFLATED


@dataclass
class SheetSource:
    """One sheet to import: its name, header cells and data rows (Excel row number, values)."""

    name: str
    headers: list[Any]
    rows: Iterable[tuple[int, list[Any]]]


class WorkbookSource:
    """Sheets to import, from an .xlsx file or from rows in memory (the demo county)."""

    def __init__(self, sheets: Iterable[SheetSource], *, label: str, masked: bool = False, closer=None):
        self.sheets = sheets
        self.label = label
        self.masked = masked
        self._closer = closer

    def close(self) -> None:
        if self._closer:
            self._closer()

    @classmethod
    def from_rows(cls, data: dict[str, list[dict[str, Any]]], label: str = "内存数据") -> WorkbookSource:
        def sheets():
            for name, rows in data.items():
                headers = []
                for r in rows:
                    for h in r:
                        if h not in headers:
                            headers.append(h)
                yield SheetSource(name, headers, ((i + 2, [r.get(h) for h in headers]) for i, r in enumerate(rows)))

        return cls(sheets(), label=label)

    @classmethod
    def open(cls, path: str | Path) -> WorkbookSource:
        path = Path(path)
        check_package(path)
        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as e:  # openpyxl raises many kinds for a damaged file
            raise DomainError(f"无法读取工作簿“{path.name}”：文件已损坏或不是 .xlsx 格式（{type(e).__name__}）。") from None
        masked = (wb.properties.keywords or "") == MASK_MARK

        def sheets():
            for ws in wb.worksheets:
                rows = ws.iter_rows(values_only=True)
                header = next(rows, None)
                yield SheetSource(ws.title, list(header or []), ((i + 2, list(r)) for i, r in enumerate(rows)))

        return cls(sheets(), label=path.name, masked=masked, closer=wb.close)


def check_package(path: Path) -> None:
    """Refuse a file that is not an xlsx package or that would inflate past the limits,
    before anything is read into memory."""
    if not path.is_file():
        raise DomainError(f"找不到文件：{path}")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError):
        raise DomainError(f"“{path.name}”不是有效的 .xlsx 工作簿（请在 Excel 中另存为 .xlsx 格式）。") from None
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise DomainError(f"“{path.name}”不是有效的 .xlsx 工作簿（请在 Excel 中另存为 .xlsx 格式）。")
    limit = max_inflated()
    total = sum(i.file_size for i in infos)
    if total > limit:
        raise DomainError(
            f"工作簿“{path.name}”解压后达 {total / 2**20:.0f} MB，超过上限 {limit / 2**20:.0f} MB，已拒绝导入。")
    for i in infos:
        if i.file_size > 10 * 2**20 and i.compress_size and i.file_size / i.compress_size > MAX_RATIO:
            raise DomainError(
                f"工作簿“{path.name}”中的“{i.filename}”压缩比异常（{i.file_size // max(i.compress_size, 1)} 倍），"
                "可能是恶意文件，已拒绝导入。")


# --- writing ------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def safe_cell(ws, value: Any) -> WriteOnlyCell:
    """A write-only cell; text starting like a formula is stored as text, never run."""
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def atomic_save(path: str | Path, save) -> Path:
    """Write through a temporary file in the same folder, so a failed write leaves no half file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        save(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def write_sheets(path: str | Path, sheets: Iterable[tuple[Any, Iterator[list[Any]]]], *, masked: bool = False) -> Path:
    """Write sheets of (definition, row value lists) in write-only mode."""

    def save(tmp):
        wb = openpyxl.Workbook(write_only=True)
        if masked:
            wb.properties.keywords = MASK_MARK
        for sheet_def, rows in sheets:
            ws = wb.create_sheet(sheet_def.name)
            for i, c in enumerate(sheet_def.columns, start=1):
                ws.column_dimensions[get_column_letter(i)].width = _width(c)
            ws.freeze_panes = "A2"
            header = []
            for c in sheet_def.columns:
                cell = WriteOnlyCell(ws, value=c.header)
                cell.font = HEADER_FONT
                cell.fill = REQUIRED_FILL if c.required else HEADER_FILL
                header.append(cell)
            ws.append(header)
            for values in rows:
                ws.append([safe_cell(ws, v) for v in values])
        wb.save(tmp)

    return atomic_save(path, save)


def _width(c) -> float:
    wide = {"身份证号": 21, "经历": 40, "内容": 40, "现任职务": 28, "工作单位": 22, "单位名称": 22}
    return wide.get(c.header, max(10, len(c.header) * 2.2 + 2))


def write_template(path: str | Path, sheet_defs: list) -> Path:
    """The empty interchange workbook: every sheet, header comments, drop-down lists."""

    def save(tmp):
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for sd in sheet_defs:
            ws = wb.create_sheet(sd.name)
            ws.freeze_panes = "A2"
            for i, c in enumerate(sd.columns, start=1):
                col = get_column_letter(i)
                cell = ws.cell(row=1, column=i, value=c.header)
                cell.font = HEADER_FONT
                cell.fill = REQUIRED_FILL if c.required else HEADER_FILL
                cell.alignment = Alignment(horizontal="center")
                ws.column_dimensions[col].width = _width(c)
                lines = ["必填" if c.required else "选填"]
                if c.validation_list:
                    lines.append("可选值：" + " / ".join(c.validation_list))
                if c.comment:
                    lines.append(c.comment)
                if i == 1 and sd.note:
                    lines.append(sd.note)
                comment = Comment("\n".join(lines), "干部激励工作台")
                comment.width, comment.height = 260, 40 + 18 * len(lines)
                cell.comment = comment
                if c.validation_list:
                    formula = '"' + ",".join(c.validation_list) + '"'
                    if len(formula) > 255:  # Excel's limit on a literal list: the values go on a hidden sheet
                        formula = _list_range(wb, c.validation_list)
                    dv = DataValidation(type="list", formula1=formula,
                                        allow_blank=not c.required, showErrorMessage=True,
                                        errorTitle="不在可选值中", error="请从下拉列表中选择：" + " / ".join(c.validation_list))
                    dv.add(f"{col}2:{col}{MAX_ROWS_TEMPLATE}")
                    ws.add_data_validation(dv)
                if c.kind in ("id_number", "text"):
                    ws.column_dimensions[col].number_format = "@"  # typed ID numbers stay text
        if LISTS_SHEET in wb.sheetnames:
            wb.move_sheet(LISTS_SHEET, len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS_SHEET))
        wb.save(tmp)

    return atomic_save(path, save)


MAX_ROWS_TEMPLATE = 5000
LISTS_SHEET = "可选值"  # hidden sheet of the template holding drop-down lists too long to inline


def _list_range(wb, values: tuple[str, ...]) -> str:
    """A column of the hidden list sheet holding `values` (one column per distinct list)."""
    if LISTS_SHEET in wb.sheetnames:
        ws = wb[LISTS_SHEET]
    else:
        ws = wb.create_sheet(LISTS_SHEET)
        ws.sheet_state = "hidden"
    col = None
    for i in range(1, ws.max_column + 1):
        if tuple(ws.cell(row=r, column=i).value for r in range(1, len(values) + 1)) == values:
            col = i
            break
    if col is None:
        col = ws.max_column + 1 if ws.max_row > 1 or ws.cell(row=1, column=1).value else 1
        for r, v in enumerate(values, start=1):
            ws.cell(row=r, column=col, value=v)
    letter = get_column_letter(col)
    return f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(values)}"
