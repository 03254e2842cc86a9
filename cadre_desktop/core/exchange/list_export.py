"""A list as the clerk sees it on the screen, written to a workbook (导出当前列表).

The window hands over what its table shows: the columns in the order they are shown, the rows in
the order they are sorted, each value as displayed. Here the workbook is made: a title row naming
the list, its filters and the date; the header row; widths that fit the contents; the header
frozen and an autofilter over it. ID numbers and phones are masked for a 查阅 account (the same
rule as the interchange workbook and printing). No Qt.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from ..services.accounts import Actor, require
from ..values import DomainError
from ..masking import mask

# A column is masked by its key, or (for models that only know headers) by its header words.
_MASK_KEYS = {"id_number": "id_number", "phone": "phone"}
_MASK_WORDS = (("身份证", "id_number"), ("电话", "phone"), ("手机", "phone"))


def mask_kind(key: str, header: str) -> str | None:
    """Which masking rule applies to a column: "id_number", "phone" or None."""
    for k, kind in _MASK_KEYS.items():
        if key == k or key.endswith("_" + k):
            return kind
    for word, kind in _MASK_WORDS:
        if word in header:
            return kind
    return None


@dataclass
class ListData:
    """What a list page shows: `columns` (key, header) in visual order; `rows` of display values."""

    title: str
    columns: list[tuple[str, str]]
    rows: list[list]
    filters: str = ""
    day: dt.date = field(default_factory=dt.date.today)

    def headline(self) -> str:
        """`干部档案（单位：城关镇；层级：正科级）　2026年11月30日` — the title row."""
        text = self.title + (f"（{self.filters}）" if self.filters else "")
        return f"{text}　{day_words(self.day)}"


def day_words(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).replace("\t", " ").replace("\r\n", " ").replace("\n", " ")


def masked(data: ListData, actor: Actor) -> ListData:
    """The list as this account may take it away: 查阅 gets ID numbers and phones masked."""
    if not actor.masked_export:
        return data
    kinds = [mask_kind(k, h) for k, h in data.columns]
    if not any(kinds):
        return data
    rows = [[mask(kind, v) if kind else v for kind, v in zip(kinds, row)] for row in data.rows]
    return ListData(data.title, data.columns, rows, data.filters, data.day)


def tsv(data: ListData) -> str:
    """Tab-separated text with the header line, as WPS and Excel paste it into cells."""
    lines = ["\t".join(cell_text(h) for _k, h in data.columns)]
    lines += ["\t".join(cell_text(v) for v in row) for row in data.rows]
    return "\n".join(lines) + "\n"


def text_width(text: str) -> int:
    """Display width in Excel character units: a Chinese character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_widths(data: ListData, lo: int = 4, hi: int = 60) -> list[float]:
    widths = []
    for i, (_k, header) in enumerate(data.columns):
        w = text_width(cell_text(header))
        for row in data.rows[:5000]:
            w = max(w, text_width(cell_text(row[i])) if i < len(row) else 0)
        widths.append(min(max(w + 2, lo), hi))
    return widths


def _value(v):
    """Numbers stay numbers (a count sums in Excel); everything else is the text shown."""
    if isinstance(v, bool) or v is None:
        return cell_text(v)
    if isinstance(v, (int, float)):
        return v
    return cell_text(v)


def write_list(path: str | Path, data: ListData, *, actor: Actor,
               progress: Callable[[int, int, str], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> Path:
    """Write the list to `path` (.xlsx), whole or not at all (a temporary file renamed into place)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    require(actor, "export")
    if not data.columns:
        raise DomainError("列表中没有可导出的列。")
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    data = masked(data, actor)
    ncols = len(data.columns)
    # Written as it goes (write_only): a workbook held whole made a cell object per value (two
    # million for the roster at 100,000 cadres) and sorted them all at save, one C call that held
    # the GIL half a second while the window waited. What the sheet's head holds (column widths,
    # the frozen panes, row 1's height) is set before the first row.
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(data.title))
    for c, w in enumerate(column_widths(data), 1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = "A3"
    ws.row_dimensions[1].height = 24
    head = WriteOnlyCell(ws, data.headline())
    head.font = Font(bold=True, size=14)
    head.alignment = Alignment(horizontal="center", vertical="center")
    ws.append([head])
    ws.merged_cells.add(f"A1:{get_column_letter(ncols)}1")
    thin = Side(style="thin", color="999999")
    header = []
    for _k, h in data.columns:
        cell = WriteOnlyCell(ws, h)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8EEF5")
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        header.append(cell)
    ws.append(header)
    total = len(data.rows)
    for i, row in enumerate(data.rows):
        if i % 500 == 0:
            if cancelled is not None and cancelled():
                from .sheets import Cancelled
                raise Cancelled()
            if progress is not None:
                progress(i, total, "写入行")
        ws.append([_value(v) for v in list(row)[:ncols]])
    ws.auto_filter.ref = f"A2:{get_column_letter(ncols)}{max(2, total + 2)}"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".list-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except PermissionError:
        Path(tmp).unlink(missing_ok=True)
        raise DomainError(f"无法写入“{path.name}”：文件可能正在 WPS 或 Excel 中打开，请关闭后再导出。") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if progress is not None:
        progress(total, total, "已写入")
    return path


def _sheet_title(title: str) -> str:
    bad = set('[]:*?/\\')
    name = "".join("_" if ch in bad else ch for ch in title).strip() or "列表"
    return name[:31]


def rows_of(columns: Sequence[tuple[str, str]], records: Sequence[dict]) -> list[list]:
    """Rows of dict records in the columns' order (for core callers that have records, not a view)."""
    return [[r.get(k) for k, _h in columns] for r in records]
