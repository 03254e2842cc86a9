"""A county's own roster workbook (花名册), read the way counties keep it: title rows above the
header, a two-row header with merged group cells, a 序号 column, blank spacer rows, a 合计 line
or notes under the table, dates as clerks type them, and the county's own header words.

The header row is found by scoring rows by the header words it recognises; a group row above or
below it is combined with it; columns are mapped to the 干部 sheet through HEADER_SYNONYMS (and
a clerk's saved mapping for the rest). The mapped rows are then checked and imported by the one
importer exactly as the interchange workbook's 干部 sheet, all or nothing; its problems are
reported with the roster's own sheet name, row numbers and header words.
"""

from __future__ import annotations

import json
import os
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Unit
from ..services.accounts import Actor
from ..values import DomainError, Month, fold_code
from . import importer, parse
from .sheets import Problem, sheet, sheets
from .workbook import MAX_ROWS, SheetSource, WorkbookSource, check_package, max_inflated, scan_parts

CADRE_SHEET = "干部"
SKIP = None  # a column mapped to nothing
SEQ = "序号"  # recognised, never imported
MAPPING_VERSION = 1
HEADER_SCAN_ROWS = 30  # the header is looked for in the first rows
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# A roster's header words → the 干部 sheet's column (its own headers map to themselves). Keys are
# compared without spaces, after NFKC folding (全角 → 半角). A county adds its words here, or saves
# a mapping in the dialog / passes --mapping.
HEADER_SYNONYMS: dict[str, str] = {
    "序号": SEQ, "序": SEQ, "编号": SEQ, "顺序号": SEQ,
    "身份证号码": "身份证号", "公民身份号码": "身份证号", "公民身份证号码": "身份证号", "身份证": "身份证号",
    "证件号码": "身份证号", "身份证件号码": "身份证号",
    "名字": "姓名",
    "出生日期": "出生年月", "出生时间": "出生年月", "出生年月日": "出生年月",
    "党派": "政治面貌",
    "入党年月": "入党时间", "入党日期": "入党时间", "入党(团)时间": "入党时间",
    "参加工作年月": "参加工作时间", "参加工作日期": "参加工作时间", "参工时间": "参加工作时间",
    "健康状态": "健康状况", "身体状况": "健康状况",
    "专业技术职称": "专业技术职务", "职称": "专业技术职务", "专技职务": "专业技术职务",
    "专长": "熟悉专业有何专长", "熟悉专业及专长": "熟悉专业有何专长",
    "全日制教育学历": "全日制学历", "全日制教育学位": "全日制学位",
    "全日制教育毕业院校系及专业": "全日制毕业院校系及专业", "全日制毕业院校及专业": "全日制毕业院校系及专业",
    "全日制教育毕业院校及专业": "全日制毕业院校系及专业", "全日制教育毕业院校": "全日制毕业院校系及专业",
    "全日制毕业院校": "全日制毕业院校系及专业",
    "在职教育学历": "在职学历", "在职教育学位": "在职学位",
    "在职教育毕业院校系及专业": "在职毕业院校系及专业", "在职毕业院校及专业": "在职毕业院校系及专业",
    "在职教育毕业院校及专业": "在职毕业院校系及专业", "在职教育毕业院校": "在职毕业院校系及专业",
    "在职毕业院校": "在职毕业院校系及专业",
    "单位": "工作单位", "现工作单位": "工作单位", "所在单位": "工作单位", "现单位": "工作单位",
    "单位名称": "工作单位", "工作单位名称": "工作单位",
    "职务": "现任职务", "现职务": "现任职务", "现任职务名称": "现任职务",
    "任现职时间": "任现职务时间", "任现职年月": "任现职务时间", "任现职务年月": "任现职务时间", "任职时间": "任现职务时间",
    "现职时间": "任现职务时间",
    "现职级": "职级", "职务层次": "职级", "现任职级": "职级", "职务职级": "职级",
    "任现职级年月": "任现职级时间", "任职级时间": "任现职级时间", "任同职级时间": "任现职级时间",
    "任现职级时间(年月)": "任现职级时间", "任同级时间": "任现职级时间",
    "层级": "干部层级", "干部级别": "干部层级",
    "编制": "编制类型", "编制性质": "编制类型", "人员编制": "编制类型",
    "班子成员职务": "班子职务",
    "是否后备干部": "后备干部",
    "乡镇工作起始时间": "乡镇工作起始", "到乡镇工作时间": "乡镇工作起始", "乡镇工作时间": "乡镇工作起始",
    "电话": "联系电话", "手机": "联系电话", "手机号码": "联系电话", "联系方式": "联系电话", "电话号码": "联系电话",
    "状态": "人员状态",
}

# The first words of a line under the table that is not a cadre: a total, notes, signatures.
FOOTER_WORDS = ("合计", "总计", "小计", "共计", "注：", "注:", "说明", "备注：", "备注:", "填表人", "制表人", "制表",
                "审核人", "审核", "附注", "填报人", "负责人")

# 干部层级 as the rank says it, when the roster has no 干部层级 column.
LEVEL_OF_RANK = {"正处级": "县级领导", "副处级": "县级领导", "正科级": "正科级", "副科级": "副科级"}


def norm(text: Any) -> str:
    """A header as compared: NFKC folded, without spaces or line breaks, without a trailing `*`."""
    t = parse.clean_text(text)
    if t is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", t).split()).rstrip("*:：")


@lru_cache(maxsize=1)
def _targets() -> dict[str, str]:
    """Folded header word → 干部 column header, for the sheet's own headers and the synonyms.
    Built once: `lookup` runs for every text cell of a roster (rebuilt per cell, reading 100,000
    rows took 79.5 s; 2.3 s with it built once). Not to be changed by callers."""
    table = {norm(c.header): c.header for c in sheet(CADRE_SHEET).columns}
    table.update({norm(k): v for k, v in HEADER_SYNONYMS.items()})
    return table


def target_headers() -> list[str]:
    """The 干部 sheet's columns, the targets a column can be mapped to."""
    return [c.header for c in sheet(CADRE_SHEET).columns]


def lookup(words: str) -> str | None:
    """The 干部 column (or SEQ) these header words stand for, or None."""
    table = _targets()
    key = norm(words)
    if key in table:
        return table[key]
    for open_, close in (("(", ")"), ("[", "]")):  # 出生年月(年龄), 任现职时间（年.月）
        if open_ in key and key.endswith(close):
            stripped = key[:key.index(open_)]
            if stripped in table:
                return table[stripped]
    return None


# --- the file ------------------------------------------------------------------------------


@dataclass
class RosterBook:
    """The sheets of a roster file, every row as a list of cell values (rosters are small; the
    file's size was checked before it was read)."""

    label: str
    sheets: dict[str, list[list[Any]]]

    @classmethod
    def open(cls, path: str | Path) -> RosterBook:
        path = Path(path)
        if not path.is_file():
            raise DomainError(f"找不到文件：{path}")
        with open(path, "rb") as f:
            head = f.read(8)
        if head == OLE_MAGIC:
            return cls(path.name, _read_xls(path))
        check_package(path)  # size and zip-bomb checks before anything is loaded
        scan_parts(path)  # damaged parts, entities and over-long sheets, streaming, before openpyxl
        return cls(path.name, _read_xlsx(path))

    def rows(self, name: str) -> list[list[Any]]:
        return self.sheets[name]


def _read_xlsx(path: Path) -> dict[str, list[list[Any]]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a damaged file
        raise DomainError(f"无法读取工作簿“{path.name}”：文件已损坏或不是 Excel 格式（{type(e).__name__}）。") from None
    try:
        out = {}
        for ws in wb.worksheets:
            ws.reset_dimensions()  # every row in the sheet, whatever a stale <dimension> says
            rows = []
            for i, r in enumerate(ws.iter_rows(values_only=True)):
                if i >= MAX_ROWS:
                    raise DomainError(f"工作簿“{path.name}”的工作表“{ws.title}”超过 {MAX_ROWS:,} 行的上限，已拒绝导入。")
                rows.append(list(r))
            out[ws.title] = rows
        return out
    finally:
        wb.close()


def _read_xls(path: Path) -> dict[str, list[list[Any]]]:
    """An .xls (BIFF, older WPS and Excel) through python-calamine; the file's size is checked
    against the same limit as an unpacked .xlsx before it is read."""
    size = path.stat().st_size
    limit = max_inflated()
    if size > limit:
        raise DomainError(f"工作簿“{path.name}”达 {size / 2**20:.0f} MB，超过上限 {limit / 2**20:.0f} MB，已拒绝导入。")
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(path))
    except Exception as e:  # a damaged or encrypted file
        raise DomainError(f"无法读取工作簿“{path.name}”：文件已损坏、已加密或不是 Excel 格式（{type(e).__name__}）。") from None
    out = {}
    try:
        for name in wb.sheet_names:
            ws = wb.get_sheet_by_name(name)
            if ws.total_height > MAX_ROWS:
                raise DomainError(f"工作簿“{path.name}”的工作表“{name}”超过 {MAX_ROWS:,} 行的上限，已拒绝导入。")
            out[name] = [[None if v == "" else v for v in r] for r in ws.to_python(skip_empty_area=False)]
    finally:
        wb.close()
    return out


# --- the layout: where the header is and what each column means ------------------------------


@dataclass
class RosterColumn:
    index: int  # 0-based position in the sheet
    header: str  # the roster's header words as shown (a group and its sub-header: `全日制教育/学历`)
    target: str | None  # a 干部 column, SEQ, or None (skipped / not recognised)
    how: str = ""  # "词表" (recognised), "映射" (a saved or chosen mapping), "" (not mapped)

    @property
    def key(self) -> str:
        return norm(self.header)


@dataclass
class RosterLayout:
    sheet: str
    header_rows: tuple[int, ...]  # Excel row numbers of the header (one or two rows)
    columns: list[RosterColumn]

    @property
    def first_data_row(self) -> int:
        return self.header_rows[-1] + 1

    def mapped(self) -> dict[str, RosterColumn]:
        """干部 column → the roster column mapped to it."""
        return {c.target: c for c in self.columns if c.target not in (None, SEQ)}

    def unmapped(self) -> list[RosterColumn]:
        return [c for c in self.columns if c.target is None and c.how != "映射"]

    def set_target(self, index: int, target: str | None) -> None:
        for c in self.columns:
            if c.index == index:
                c.target, c.how = target, "映射"
                return
        raise KeyError(index)

    def problems(self) -> list[Problem]:
        """What stops the import before any row is read: a required column not mapped, two
        columns mapped to one field."""
        out = []
        first = self.header_rows[0]
        seen: dict[str, RosterColumn] = {}
        for c in self.columns:
            if c.target in (None, SEQ):
                continue
            if c.target in seen:
                out.append(Problem(self.sheet, first, c.header,
                                   f"与“{seen[c.target].header}”都对应“{c.target}”，请只保留一列"))
            else:
                seen[c.target] = c
        for required in ("身份证号", "姓名"):
            if required not in seen:
                out.append(Problem(self.sheet, first, required,
                                   f"缺少必填列：没有哪一列对应“{required}”（请在列对应中指定，或用 --mapping 提供映射文件）"))
        return out

    def mapping(self) -> dict[str, str | None]:
        """What the clerk can save and reuse: header words → 干部 column, or None to skip."""
        return {c.header: (None if c.target == SEQ else c.target) for c in self.columns}


def _is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _cell(row: list[Any], i: int) -> Any:
    return row[i] if i < len(row) else None


def _score(row: list[Any]) -> int:
    return sum(1 for v in row if isinstance(v, str) and lookup(v) is not None)


def _looks_like_data(row: list[Any]) -> bool:
    """A row that holds values, not header words: numbers, dates or an ID number."""
    for v in row:
        if _is_blank(v):
            continue
        if not isinstance(v, str):
            return True
        try:
            if parse.parse_id_number(v):
                return True
        except ValueError:
            pass
    return False


def _combine(upper: list[Any], lower: list[Any]) -> list[tuple[str | None, str | None]]:
    """(group, header) per column of a two-row header. A group cell merged across several
    columns holds its words only in its first cell: they carry to the right over the columns
    that have a sub-header, until the next group."""
    width = max(len(upper), len(lower))
    out: list[tuple[str | None, str | None]] = []
    carried: str | None = None
    for j in range(width):
        u = parse.clean_text(_cell(upper, j))
        lo = parse.clean_text(_cell(lower, j))
        if u is not None:
            carried = u if lo is not None else None  # a vertical merge starts no group
        elif lo is not None and carried is not None:
            u = carried
        else:
            carried = None
        out.append((u, lo))
    return out


def _column_from(index: int, group: str | None, words: str | None) -> RosterColumn | None:
    if group is None and words is None:
        return None
    if group is None or words is None or norm(group) == norm(words):
        text = words if words is not None else group
        return RosterColumn(index, text, lookup(text))
    header = f"{group}/{words}"
    for candidate in (group + words, group.replace("教育", "") + words, words):
        target = lookup(candidate)
        if target is not None:
            return RosterColumn(index, header, target)
    return RosterColumn(index, header, None)


def _columns(rows: list[list[Any]], header: tuple[int, ...]) -> list[RosterColumn]:
    if len(header) == 1:
        pairs = [(None, parse.clean_text(v)) for v in rows[header[0] - 1]]
    else:
        pairs = _combine(rows[header[0] - 1], rows[header[1] - 1])
    cols = [_column_from(j, g, w) for j, (g, w) in enumerate(pairs)]
    for c in cols:
        if c is not None and c.target is not None:
            c.how = "词表"
    return [c for c in cols if c is not None]


def _recognised(cols: list[RosterColumn]) -> int:
    return sum(1 for c in cols if c.target is not None)


def detect(book: RosterBook, *, sheet_name: str | None = None, mapping: dict[str, str | None] | None = None
           ) -> RosterLayout:
    """Find the roster's header (the sheet given, or the sheet whose header is recognised best),
    combine a two-row header, map the columns through the synonyms, then through `mapping`."""
    names = [sheet_name] if sheet_name else list(book.sheets)
    if sheet_name and sheet_name not in book.sheets:
        raise DomainError(f"“{book.label}”中没有名为“{sheet_name}”的工作表。")
    best: tuple[int, RosterLayout] | None = None
    for name in names:
        rows = book.sheets[name]
        scan = rows[:HEADER_SCAN_ROWS]
        if not scan:
            continue
        scores = [_score(r) for r in scan]
        h = max(range(len(scan)), key=lambda i: (scores[i], -i))
        if scores[h] == 0:
            continue
        number = h + 1
        layout = RosterLayout(name, (number,), _columns(rows, (number,)))
        found = _recognised(layout.columns)
        for pair in ((number, number + 1), (number - 1, number)):
            other = pair[0] if pair[1] == number else pair[1]
            if other < 1 or other > len(rows) or all(_is_blank(v) for v in rows[other - 1]):
                continue
            if _looks_like_data(rows[other - 1]):
                continue
            cols = _columns(rows, pair)
            if _recognised(cols) > found:
                layout, found = RosterLayout(name, pair, cols), _recognised(cols)
        if best is None or found > best[0]:
            best = (found, layout)
    if best is None or best[0] < 2:
        raise DomainError(f"在“{book.label}”中找不到花名册的表头（前 {HEADER_SCAN_ROWS} 行中没有可识别的列名，"
                          "如 姓名、身份证号、出生年月、工作单位）。")
    layout = best[1]
    if mapping:
        apply_mapping(layout, mapping)
    return layout


# --- saved mappings --------------------------------------------------------------------------


def apply_mapping(layout: RosterLayout, mapping: dict[str, str | None]) -> None:
    """A clerk's mapping: header words → 干部 column or None (skip). It wins over the synonyms."""
    allowed = set(target_headers())
    by_key = {norm(k): v for k, v in mapping.items()}
    for c in layout.columns:
        if c.key in by_key:
            target = by_key[c.key]
            if target is not None and target not in allowed:
                raise DomainError(f"映射中“{c.header}”对应的“{target}”不是干部表的列，应为：{' / '.join(sorted(allowed))}")
            c.target, c.how = target, "映射"


def save_mapping(path: str | Path, layout: RosterLayout) -> Path:
    path = Path(path)
    data = {"format": "cadre_desktop roster mapping", "version": MAPPING_VERSION, "columns": layout.mapping()}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)
    return path


def load_mapping(path: str | Path) -> dict[str, str | None]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DomainError(f"找不到映射文件：{path}") from None
    except (OSError, ValueError, UnicodeDecodeError):
        raise DomainError(f"映射文件“{path.name}”不是有效的 JSON 文件。") from None
    columns = data.get("columns") if isinstance(data, dict) else None
    if not isinstance(columns, dict) or not all(isinstance(k, str) and (v is None or isinstance(v, str))
                                                for k, v in columns.items()):
        raise DomainError(f"映射文件“{path.name}”的格式不对：应有 columns（列名 → 干部表列名或 null）。")
    return columns


# --- rows ------------------------------------------------------------------------------------

_MONTH_COLUMNS = {c.header for c in sheet(CADRE_SHEET).columns if c.kind == "month"}


def _month_value(v: Any) -> Any:
    """A month as clerks type it, also as a full date (`1985.03.12` in a 出生日期 column): the day
    is dropped. Anything else is passed on for the sheet's own parser to accept or refuse."""
    if isinstance(v, str):
        try:
            parse.parse_month(v)
        except ValueError:
            try:
                day = parse.parse_day(v)
            except ValueError:
                return v
            return str(Month.of(day)) if day else v
    return v


def _name(text: str) -> str:
    """A name as clerks align it (`张  三`, `张 国 强`): the spaces between Chinese characters go."""
    parts = text.split()
    if len(parts) > 1 and all(all("\u4e00" <= ch <= "\u9fff" or ch == "·" for ch in p) for p in parts):
        return "".join(parts)
    return text


def _skip_reason(row: list[Any], layout: RosterLayout) -> str | None:
    """Why a row under the header is not a cadre: blank, a repeated header, a total or notes, a
    group title. None for a cadre row."""
    seq = {c.index for c in layout.columns if c.target == SEQ}
    values = [(j, v) for j, v in enumerate(row) if not _is_blank(v)]
    if not values or all(j in seq and not isinstance(v, str) for j, v in values):
        return "blank"  # a spacer row, perhaps with its 序号
    mapped = layout.mapped()
    ident = [mapped[h].index for h in ("身份证号", "姓名") if h in mapped]
    first = parse.clean_text(values[0][1]) or ""
    if all(_is_blank(_cell(row, j)) for j in ident[:1]):
        if any(first.replace(" ", "").startswith(w) for w in FOOTER_WORDS):
            return "合计或说明"
    found = _score(row)
    if found >= max(2, _recognised(layout.columns) // 2):
        return "重复的表头"
    others = [(j, v) for j, v in values if j not in seq]
    if len(others) <= 1 and all(_is_blank(_cell(row, j)) for j in ident):
        return "分组标题"
    return None


@dataclass
class RosterRows:
    """The roster's cadre rows as the 干部 sheet's rows, and what was left out."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row number, why)
    derived_level: bool = False


def read_rows(book: RosterBook, layout: RosterLayout, limit: int | None = None) -> RosterRows:
    """The cadre rows under the header (the first `limit` of them, the rest not read)."""
    mapped = layout.mapped()
    headers = list(mapped)
    derive = "干部层级" not in mapped and "职级" in mapped
    if derive:
        headers.append("干部层级")
    out = RosterRows(headers, [], derived_level=derive)
    for i, row in enumerate(islice(book.sheets[layout.sheet], layout.first_data_row - 1, None),
                            start=layout.first_data_row):
        if limit is not None and len(out.rows) >= limit:
            break
        why = _skip_reason(row, layout)
        if why is not None:
            if why != "blank":
                out.skipped.append((i, why))
            continue
        values = []
        for h in mapped:
            v = _cell(row, mapped[h].index)
            if h in _MONTH_COLUMNS:
                v = _month_value(v)
            elif h == "姓名" and isinstance(v, str):
                v = _name(v)
            values.append(v)
        if derive:
            rank = fold_code("rank", parse.clean_text(_cell(row, mapped["职级"].index)))
            values.append(LEVEL_OF_RANK.get(rank, "一般干部") if rank else None)
        out.rows.append((i, values))
    return out


def preview(book: RosterBook, layout: RosterLayout, n: int = 8) -> RosterRows:
    """The first `n` cadre rows as they will be read (the rows after them are not read)."""
    return read_rows(book, layout, limit=n)


# --- units ---------------------------------------------------------------------------------


def unit_kind(name: str) -> str:
    """The kind of a unit the roster names and the database lacks: 街道 or 乡镇 from the name's
    ending (青山镇, 青山镇人民政府, 红旗街道办事处), 县直部门 for a county bureau or office (县农业农村局,
    县委办), otherwise 其他. The clerk sees the kind before agreeing."""
    base = name
    for suffix in ("人民政府", "党委", "党工委", "政府", "办事处", "委员会"):
        base = base.removesuffix(suffix)
    if base.endswith("街道"):
        return "街道"
    if base.endswith(("镇", "乡")):
        return "乡镇"
    if name.startswith(("县", "中共")) and name.endswith(("局", "委", "办", "部", "办公室", "委员会")):
        return "县直部门"
    return "其他"


def missing_units(session: Session, rows: RosterRows) -> list[tuple[str, str]]:
    """Units the roster names that the database lacks: (name, the kind they would be created with)."""
    if "工作单位" not in rows.headers:
        return []
    j = rows.headers.index("工作单位")
    known = set(session.scalars(select(Unit.name)))
    out: dict[str, str] = {}
    for _, values in rows.rows:
        name = parse.clean_text(values[j])
        if name and name not in known and name not in out:
            out[name] = unit_kind(name)
    return list(out.items())


# --- the import ----------------------------------------------------------------------------


@dataclass
class RosterResult:
    result: importer.ImportResult
    layout: RosterLayout
    missing_units: list[tuple[str, str]]
    created_units: list[str]
    skipped: list[tuple[int, str]]


def _translate(p: Problem, layout: RosterLayout, derived: bool) -> Problem:
    """A problem of the 干部 sheet in the roster's words: its sheet and header."""
    if p.sheet != CADRE_SHEET:
        return p
    column = p.column
    mapped = layout.mapped()
    if column in mapped:
        column = mapped[column].header
    elif column == "干部层级" and derived:
        column = f"{mapped['职级'].header}（推定干部层级）"
    return Problem(layout.sheet, p.row, column, p.message)


def import_roster(session: Session, *, actor: Actor, book: RosterBook, layout: RosterLayout,
                  create_units: bool = False, dry_run: bool = False,
                  progress: Callable[[int, int, str], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> RosterResult:
    """Check the roster as the 干部 sheet and import it all or nothing (importer.run_import).
    Units it names that the database lacks are an error unless `create_units`."""
    rows = read_rows(book, layout)
    missing = missing_units(session, rows)
    header_problems = layout.problems()
    warnings = [Problem(layout.sheet, layout.header_rows[0], c.header, "未对应到干部表的列，已忽略")
                for c in layout.unmapped()]
    warnings += [Problem(layout.sheet, n, None, f"{why}，已跳过") for n, why in rows.skipped]
    if rows.derived_level:
        warnings.append(Problem(layout.sheet, layout.header_rows[0], None,
                                "没有“干部层级”列，按职级推定：正处级、副处级为县级领导，正科级、副科级同名，其他为一般干部"))
    if header_problems:
        res = importer.ImportResult(errors=header_problems, warnings=warnings)
        return RosterResult(res, layout, missing, [], rows.skipped)
    sources = []
    if missing and create_units:
        unit_rows = [(i + 2, [name, kind]) for i, (name, kind) in enumerate(missing)]
        sources.append(SheetSource("单位", ["单位名称", "单位类别"], unit_rows))
    sources.append(SheetSource(CADRE_SHEET, rows.headers, rows.rows))
    source = WorkbookSource(sources, label=book.label)
    res = importer.run_import(session, actor=actor, source=source, dry_run=dry_run, progress=progress,
                              cancelled=cancelled)
    res.errors = [_translate(p, layout, rows.derived_level) for p in res.errors]
    res.warnings = warnings + [_translate(p, layout, rows.derived_level) for p in res.warnings]
    if missing and not create_units:
        names = "、".join(n for n, _ in missing)
        res.errors.insert(0, Problem(layout.sheet, None, None,
                                     f"以下单位系统中没有：{names}（同意新建这些单位后再导入：勾选“新建这些单位”或加 --create-units）"))
    created = [n for n, _ in missing] if create_units and res.ok else []
    return RosterResult(res, layout, missing, created, rows.skipped)


def is_interchange(path: str | Path) -> bool:
    """Whether a file is the interchange workbook (a sheet named as one of its sheets, with that
    sheet's required headers in its first row) rather than a county's own roster (which may call
    its sheet 干部 too, under a title row). An .xls is always a roster."""
    path = Path(path)
    with open(path, "rb") as f:
        if f.read(8) == OLE_MAGIC:
            return False
    check_package(path)
    scan_parts(path)
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True)
    except Exception:
        return True  # let the interchange reader report the damage in its words
    try:
        defs = {sd.name: sd for sd in sheets()}
        for ws in wb.worksheets:
            sd = defs.get(ws.title.strip())
            if sd is None:
                continue
            try:
                first = next(ws.iter_rows(max_row=1, values_only=True), ())
            except Exception:  # noqa: BLE001 - a damaged sheet: the interchange reader says what is wrong
                return True
            headers = {norm(v) for v in first}
            if any(c.required and c.header in headers for c in sd.columns):
                return True
        return False
    finally:
        wb.close()
