"""The .xlsx file itself: reading it safely (size limits before anything is loaded), and writing
it with formula-safe text cells. What the sheets mean is in sheets.py and its definitions."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import zipfile
import zlib
from xml.parsers import expat
from pathlib import Path
from typing import Any, Iterable, Iterator

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..values import DomainError
from . import sheet_pieces

MAX_INFLATED = 1 << 30  # 1 GB: a settable default (CADRE_MAX_XLSX_BYTES)
MAX_RATIO = 100  # a part inflating more than this is refused (zip bombs), above a small floor
MAX_ROWS = 2_000_000
MAX_CELL = 32_767
MASK_MARK = "cadre_desktop:masked"
FORMULA_STARTS = ("=", "+", "-", "@")
FORMULA_CHARS = "=+-@"
NEVER_FORMULA = frozenset({"month", "day", "int", "year", "hours", "money", "bool"})  # column kinds


def max_inflated() -> int:
    env = os.environ.get("CADRE_MAX_XLSX_BYTES")
    return int(env) if env else MAX_INFLATED


class SheetSource:
    """One sheet to import: its name, header cells and data rows (Excel row number, values).

    A sheet of a file is read only when `load` is called (the importer reads one sheet at a
    time, in its own order), and `release` lets its cells go once its rows are parsed. `again`,
    where the rows can be read a second time, gives them afresh (the importer checks a big sheet
    in one pass and writes it in a second, holding neither pass's rows)."""

    def __init__(self, name: str, headers: list[Any] | None = None,
                 rows: Iterable[tuple[int, list[Any]]] | None = None, *, loader=None, count: int | None = None,
                 again=None):
        self.name = name
        self.headers = headers
        self.rows = rows
        self.count = count  # data rows, when known before reading (from the pre-scan)
        self._loader = loader
        if again is None and isinstance(rows, (list, tuple)):
            again = rows.__iter__
        self._again = again

    def load(self) -> SheetSource:
        if self._loader is not None:
            self.headers, self.rows, self._again = self._loader()
            self._loader = None
        return self

    @property
    def rereadable(self) -> bool:
        return self._again is not None

    def again(self) -> Iterable[tuple[int, list[Any]]]:
        """The data rows once more, from the first (only where `rereadable`)."""
        return self._again()

    def release(self) -> None:
        self.headers, self.rows, self._again = [], (), None


def _dict_rows(headers: list, rows: list[dict]):
    """Rows given as dicts, as (Excel row number, values in the order of `headers`)."""
    for i, r in enumerate(rows):
        yield i + 2, [r.get(h) for h in headers]


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
                yield SheetSource(name, headers, _dict_rows(headers, rows),
                                  again=lambda headers=headers, rows=rows: _dict_rows(headers, rows))

        return cls(sheets(), label=label)

    @classmethod
    def open(cls, path: str | Path) -> WorkbookSource:
        path = Path(path)
        check_package(path)
        # Every sheet's XML is read once, streaming, before any reader parses it: a damaged
        # part, an entity or a sheet over the row limit is refused here, in bounded memory.
        counts = scan_parts(path)
        # Then python-calamine (Rust) reads the cells, many times faster than openpyxl; its values
        # are brought to openpyxl's shapes (None for blank, int for a whole number, datetime for a
        # date) so every check reads a cell the same way whichever reader produced it. A big sheet
        # is read a piece of its rows at a time (sheet_pieces): calamine holds one piece's cells.
        from python_calamine import CalamineWorkbook, SheetTypeEnum

        try:
            wb = CalamineWorkbook.from_path(str(path))
            names = [m.name for m in wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        except Exception as e:  # calamine raises several kinds for a damaged file
            raise DomainError(f"无法读取工作簿“{path.name}”：文件已损坏或不是 .xlsx 格式（{type(e).__name__}）。") from None
        masked = _keywords(path) == MASK_MARK
        with zipfile.ZipFile(path) as z:
            sizes = {i.filename: i.file_size for i in z.infolist()}
            parts = {title: part for part, title in _sheet_titles(z).items()}
            piece = sheet_pieces.piece_bytes(z)

        def whole(name):
            # Every row in the sheet whatever its <dimension> says (calamine reads the cells
            # themselves); rows come from Excel row 1, so row numbers are Excel's.
            try:
                ws = wb.get_sheet_by_name(name)
            except Exception as e:  # noqa: BLE001 - a damaged part: a clear refusal
                raise _damaged(path.name, name, f"无法读取（{type(e).__name__}），文件可能已损坏") from None
            return ((i + 1, r) for i, r in enumerate(ws.iter_rows()))

        def loader(name):
            part = parts.get(name)
            big = part is not None and sizes.get(part, 0) > 2 * piece

            def load():
                def read():
                    rows = None
                    if big:  # a big sheet a piece at a time (sheet_pieces), where it can be cut
                        try:
                            rows = sheet_pieces.sheet_rows(path, part, name, piece)
                        except Exception as e:  # noqa: BLE001 - a damaged part: a clear refusal
                            raise _damaged(path.name, name, f"无法读取（{type(e).__name__}），文件可能已损坏") from None
                    rows = _guarded(whole(name) if rows is None else rows, sheet=name, label=path.name)
                    header = next(rows, None)
                    return header, ((n, _cells(r)) for n, r in rows)

                header, rows = read()
                return _cells(header[1]) if header else [], rows, lambda: read()[1]
            return load

        def sheets():
            for name in names:
                n = counts.get(name)
                yield SheetSource(name, loader=loader(name), count=None if n is None else max(n - 1, 0))

        return cls(sheets(), label=path.name, masked=masked, closer=wb.close)


_date, _datetime = dt.date, dt.datetime


def _cell(v: Any) -> Any:
    t = type(v)
    if t is str:
        return v if v else None
    if t is float:
        return int(v) if v.is_integer() else v
    if t is _date:
        return _datetime(v.year, v.month, v.day)
    return v


def _cells(row: list[Any]) -> list[Any]:
    return [_cell(v) for v in row]


def _keywords(path: Path) -> str:
    """The workbook's 关键词 (docProps/core.xml), where an export marks itself masked."""
    found: list[str] = []
    inside = False

    def start(name, _attrs):
        nonlocal inside
        inside = name.endswith("keywords")

    def end(_name):
        nonlocal inside
        inside = False

    def data(text):
        if inside:
            found.append(text)

    try:
        with zipfile.ZipFile(path) as z:
            if "docProps/core.xml" not in z.namelist():
                return ""
            p = expat.ParserCreate(namespace_separator=" ")
            p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, data
            p.StartDoctypeDeclHandler = p.EntityDeclHandler = _raise
            with z.open("docProps/core.xml") as f:
                p.ParseFile(f)
    except Exception:  # noqa: BLE001 - a workbook without readable properties is simply not marked
        return ""
    return "".join(found).strip()


def _sheet_titles(z: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name → sheet title, from workbook.xml and its relationships."""
    titles: dict[str, str] = {}
    rels: dict[str, str] = {}

    def parse(part: str, handler) -> None:
        p = expat.ParserCreate()
        p.StartElementHandler = handler
        p.StartDoctypeDeclHandler = p.EntityDeclHandler = _raise
        with z.open(part) as f:
            p.ParseFile(f)

    def rel(name, attrs):
        if name.endswith("Relationship") and "Id" in attrs:
            target = attrs.get("Target", "")
            rels[attrs["Id"]] = target.lstrip("/") if target.startswith("/") else "xl/" + target

    sheets: list[tuple[str, str]] = []

    def sheet(name, attrs):
        if name == "sheet" or name.endswith(":sheet"):
            rid = next((v for k, v in attrs.items() if k.endswith(":id") or k.endswith(" id")), None)
            sheets.append((attrs.get("name", ""), rid))

    try:
        parse("xl/_rels/workbook.xml.rels", rel)
        parse("xl/workbook.xml", sheet)
    except Exception:  # noqa: BLE001 - names are only for messages; openpyxl judges the file
        return titles
    for title, rid in sheets:
        if rid in rels:
            titles[rels[rid]] = title
    return titles


def _raise(*_a):
    raise ValueError("DTD")


_scanned: dict[tuple, dict[str, int]] = {}


def scan_parts(path: Path) -> dict[str, int]:
    """Stream every worksheet part and the shared strings through the row counter; returns each
    sheet's number of rows by its title. The file last passed is remembered by its size and time
    of change, so `cadre import` (which first asks whether the file is the interchange workbook)
    scans it once."""
    path = Path(path)
    st = path.stat()
    stamp = (str(path.resolve()), st.st_size, st.st_mtime_ns, MAX_ROWS)
    if stamp in _scanned:
        return dict(_scanned[stamp])
    counts = _scan(path)
    _scanned.clear()
    _scanned[stamp] = counts
    return dict(counts)


def _scan(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with zipfile.ZipFile(path) as z:
        titles = _sheet_titles(z)
        for info in z.infolist():
            name = info.filename
            if name == "xl/sharedStrings.xml" or (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                sheet = titles.get(name) or ("共享字符串表" if name.endswith("sharedStrings.xml") else name)
                if name.startswith("xl/worksheets/"):
                    with z.open(info) as part:  # a quick count first: an over-long sheet goes at C speed
                        counts[sheet] = quick_row_limit(part, sheet=sheet, label=path.name)
                # Then expat over the whole part, all in C (no handler per element): malformed or
                # cut-short XML, entities and DTDs are refused before any reader sees the file.
                with z.open(info) as part:
                    count_rows(part, sheet=sheet, label=path.name, elements=False)
    return counts


def _damaged(label: str, sheet: str, why: str) -> DomainError:
    return DomainError(f"工作簿“{label}”的工作表“{sheet}”{why}，已拒绝导入，未写入任何数据。")


def _guarded(rows, *, sheet: str, label: str):
    """Rows of a sheet; a failure while reading them becomes a clear refusal."""
    try:
        yield from rows
    except DomainError:
        raise
    except Exception as e:  # the pre-scan catches these first; this is the last line of defence
        raise _damaged(label, sheet, f"无法读取（{type(e).__name__}），文件可能已损坏") from None


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")


def quick_row_limit(stream, *, sheet: str, label: str, limit: int | None = None, chunk: int = 1 << 22) -> int:
    """Refuse a sheet with more row tags than the limit, counting them with a regular expression
    over the raw bytes (no parsing): a 2,000,001-row sheet is refused in seconds."""
    limit = MAX_ROWS if limit is None else limit
    count, tail = 0, b""
    try:
        while True:
            data = stream.read(chunk)
            if not data:
                break
            buf = tail + data
            # up to the last "<": no tag crosses it (a tag holds no "<"), the rest waits for more
            cut = buf.rfind(b"<")
            if cut < 0:
                cut = len(buf)
            count += len(_ROW_TAG.findall(buf, 0, cut))
            tail = buf[cut:]
            if count > limit:
                raise DomainError(
                    f"工作簿“{label}”的工作表“{sheet}”超过 {limit:,} 行的上限，已拒绝导入，未写入任何数据。")
        count += len(_ROW_TAG.findall(tail))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:
        raise _damaged(label, sheet, f"的压缩数据已损坏（{e}）") from None
    if count > limit:
        raise DomainError(f"工作簿“{label}”的工作表“{sheet}”超过 {limit:,} 行的上限，已拒绝导入，未写入任何数据。")
    return count


def count_rows(stream, *, sheet: str, label: str, limit: int | None = None, chunk: int = 1 << 20,
               elements: bool = True) -> int:
    """Count a sheet's <row> elements by streaming its XML through expat.

    Refuses, as a DomainError, a sheet over the row limit (as soon as the limit is passed),
    XML that is malformed or cut short, a part whose checksum is wrong, and any entity or DTD
    (a spreadsheet needs none; they are how XML bombs and XXE work).
    """
    limit = MAX_ROWS if limit is None else limit
    count = 0

    class _Stop(Exception):
        pass

    def start(name, _attrs):
        nonlocal count
        if name == "row" or name.endswith(":row"):
            count += 1
            if count > limit:
                raise _Stop()

    def forbidden(*_a):
        raise _Entity()

    class _Entity(Exception):
        pass

    p = expat.ParserCreate()
    if elements:  # without it the rows are not counted (0), and the parse stays in C
        p.StartElementHandler = start
    p.StartDoctypeDeclHandler = forbidden
    p.EntityDeclHandler = forbidden
    p.ExternalEntityRefHandler = forbidden
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        while True:
            data = stream.read(chunk)
            p.Parse(data, not data)
            if not data:
                break
    except _Stop:
        raise DomainError(
            f"工作簿“{label}”的工作表“{sheet}”超过 {limit:,} 行的上限，已拒绝导入，未写入任何数据。") from None
    except _Entity:
        raise _damaged(label, sheet, "含有 XML 实体或文档类型声明（正常的工作簿没有），可能是恶意文件") from None
    except expat.ExpatError as e:
        if e.code == expat.errors.codes[expat.errors.XML_ERROR_UNDEFINED_ENTITY]:
            raise _damaged(label, sheet, "的单元格中含有 XML 实体，可能是恶意文件") from None
        if e.code in (expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS],
                      expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN],
                      expat.errors.codes[expat.errors.XML_ERROR_PARTIAL_CHAR]) or "unclosed" in str(e) \
                or "no element" in str(e):
            raise _damaged(label, sheet, f"的内容不完整（在第 {e.lineno} 行第 {e.offset} 列处中断），文件可能被截断") from None
        raise _damaged(label, sheet, f"的内容格式错误（第 {e.lineno} 行第 {e.offset} 列），文件已损坏") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:
        raise _damaged(label, sheet, f"的压缩数据已损坏（{e}）") from None
    return count


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
    if path.is_dir():
        raise DomainError(f"“{path}”是一个文件夹：请给出要写入的文件名，如 {path / '导出.xlsx'}。")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".xlsx", dir=path.parent)
    except OSError as e:
        raise _write_refused(path, e) from None
    os.close(fd)
    try:
        save(tmp)
        os.replace(tmp, path)
    except BaseException as e:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise _write_refused(path, e) from None
        raise
    return path


def _save_workbook(wb, tmp: str) -> None:
    """openpyxl's save, with the zip closed even when the disk fills up halfway."""
    from openpyxl.writer.excel import ExcelWriter

    archive = zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    try:
        ExcelWriter(wb, archive).save()
    except BaseException:
        try:
            archive.close()
        except OSError:
            pass
        if archive.fp is not None:
            try:
                archive.fp.close()
            except OSError:
                pass
        raise


def _write_refused(path: Path, e: OSError) -> DomainError:
    from ..storage import describe

    why = describe(OSError(e.errno, e.strerror)) or f"{e.strerror or e}。"
    return DomainError(f"无法写入“{path}”：{why}")


def write_sheets(path: str | Path, sheets: Iterable[tuple[Any, Iterator[list[Any]]]], *, masked: bool = False) -> Path:
    """Write sheets of (definition, row value lists, one value per column) in write-only mode; the
    lists are the writer's to change."""

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
            # Plain values go straight to openpyxl (which reuses one cell for them); only text that
            # starts like a formula needs a cell of its own marked as text. Only the columns that
            # may hold such text are looked at (a month, a day, a number or 是/否 never does).
            texts = [i for i, c in enumerate(sheet_def.columns) if c.kind not in NEVER_FORMULA]
            append = ws.append
            for values in rows:
                for i in texts:
                    v = values[i]
                    if v and type(v) is str and v[0] in FORMULA_CHARS:
                        values[i] = safe_cell(ws, v)
                append(values)
        _save_workbook(wb, tmp)

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
        _save_workbook(wb, tmp)

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
