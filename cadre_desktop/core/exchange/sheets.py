"""Sheet definitions: one declared definition per workbook sheet, read by one importer and one
exporter (core.exchange.importer / exporter). A new record type adds a SheetDef, nothing else.

A definition says which columns the sheet has (header, type, allowed values, required), which
columns form the key that finds the record a row updates, how rows are checked against each
other and the database, how they are written, and how records are exported as rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Callable, Iterable

from sqlalchemy import Integer, type_coerce

from ..masking import MASKED_ATTRS, mask_value
from ..models import MonthType, ScaledDecimal
from ..values import Month, day_text
from . import parse

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..services.accounts import Actor


@dataclass(frozen=True)
class Column:
    header: str
    attr: str
    kind: str = "text"  # text, month, day, int, hours, money, bool, enum, id_number, education, year
    required: bool = False
    choices: tuple[str, ...] = ()
    synonyms: Mapping[str, str] | None = None
    comment: str = ""

    def parse(self, value: Any) -> Any:
        k = self.kind
        if k == "text":
            return parse.clean_text(value)
        if k == "month":
            return parse.parse_month(value)
        if k == "day":
            return parse.parse_day(value)
        if k in ("int", "year"):
            n = parse.parse_int(value)
            if k == "year" and n is not None and not 1950 <= n <= 2100:
                raise ValueError("应为四位年份")
            return n
        if k == "hours":
            return parse.parse_decimal(value, 1)
        if k == "money":
            return parse.parse_decimal(value, 2)
        if k == "bool":
            return parse.parse_bool(value)
        if k == "enum":
            return parse.parse_enum(value, self.choices, self.synonyms)
        if k == "id_number":
            return parse.parse_id_number(value)
        if k == "education":
            got = parse.parse_education(value)
            return got[1] if got else None  # the text as written; the level is derived on write
        raise AssertionError(k)

    def parser(self) -> Callable[[Any], Any]:
        """`parse` as one function chosen once per sheet (the importer calls it per cell)."""
        k = self.kind
        if k == "text":
            return parse.clean_text
        if k == "month":
            return parse.parse_month
        if k == "day":
            return parse.parse_day
        if k == "id_number":
            return parse.parse_id_number
        if k == "bool":
            return parse.parse_bool
        if k == "enum":
            table = parse.enum_table(self.choices, self.synonyms)
            choices = self.choices

            def enum(value, table=table):
                if type(value) is str:
                    hit = table.get(value)  # the common case: the value exactly as listed
                    if hit is not None:
                        return hit
                return parse.parse_enum(value, choices, self.synonyms)
            return enum
        return self.parse

    def format(self, value: Any) -> Any:
        """The cell value written on export: what a clerk would type."""
        if value is None:
            return None
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, Month):
            return str(value)
        if isinstance(value, dt.date):
            return day_text(value)
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        return value

    def exporter(self, masked: bool = False) -> Callable[[Any], Any] | None:
        """The function that turns a stored value of this column (never None; a month as its yyyymm
        code and money or hours as scaled integers, see `stored`) into the cell written on export,
        as `format` would; None where the value is written as it is. Chosen once per column, so
        the export does no per-cell dispatch."""
        if masked and (self.kind == "id_number" or self.attr in MASKED_ATTRS):
            return mask_value
        return _EXPORTERS.get(self.kind)

    @property
    def validation_list(self) -> tuple[str, ...]:
        """Values offered as a drop-down in the template."""
        if self.kind == "bool":
            return ("是", "否")
        if self.kind in ("enum", "education"):
            return self.choices
        return ()


MISSING = object()  # a cell whose value could not be read: not "present" in its row


def _month_cell(v: Any) -> Any:
    if type(v) is int:
        return f"{v // 100:04d}.{v % 100:02d}"
    return str(v)


def _day_cell(v: Any) -> Any:
    return f"{v.year:04d}.{v.month:02d}.{v.day:02d}"


def _scaled_cell(scale: int) -> Callable[[Any], Any]:
    def cell(v: Any) -> Any:
        if type(v) is int:
            whole, part = divmod(v, scale)
            return whole if not part else v / scale
        return int(v) if v == v.to_integral_value() else float(v)  # a Decimal, as `format` writes it

    return cell


def _bool_cell(v: Any) -> str:
    return "是" if v else "否"


_EXPORTERS: dict[str, Callable[[Any], Any]] = {
    "month": _month_cell, "day": _day_cell, "money": _scaled_cell(100), "hours": _scaled_cell(10), "bool": _bool_cell,
}


def stored(column):
    """A mapped column as the export reads it: a month as its yyyymm code and a scaled decimal as
    its stored integer, so no Month or Decimal is built for a cell that becomes text or a number."""
    if isinstance(getattr(column, "type", None), (MonthType, ScaledDecimal)):
        return type_coerce(column, Integer)
    return column


def stream(session: Session, query, *, chunk: int = 2000) -> Iterable[Sequence[Any]]:
    """The rows of a Core query as plain tuples, fetched `chunk` at a time (a server-side cursor on
    PostgreSQL), so memory stays flat at any size."""
    result = session.connection().execute(query.execution_options(yield_per=chunk))
    try:
        yield from result
    finally:
        result.close()




class Row(Mapping):
    """One parsed data row: its Excel row number and the values of the columns the sheet has.

    Compact: the values are one tuple in the order of the sheet's columns, shared by every row of
    the sheet through `index` (attr → position); the row is itself the mapping of attr → value
    (`row.values` is the row), holding only the columns the sheet has and could read."""

    __slots__ = ("number", "_vals", "_index")

    def __init__(self, number: int, values: Mapping[str, Any] | tuple, index: dict[str, int] | None = None):
        self.number = number
        if index is None:  # from a plain mapping (tests, callers outside the importer)
            index = {k: i for i, k in enumerate(values)}
            values = tuple(values.values())
        self._vals = values
        self._index = index

    @property
    def values(self) -> Row:
        return self

    def get(self, attr: str, default=None):
        i = self._index.get(attr)
        if i is None:
            return default
        v = self._vals[i]
        return default if v is MISSING else v

    def __getitem__(self, attr: str):
        v = self.get(attr, MISSING)
        if v is MISSING:
            raise KeyError(attr)
        return v

    def __contains__(self, attr) -> bool:
        i = self._index.get(attr)
        return i is not None and self._vals[i] is not MISSING

    def __iter__(self):
        vals = self._vals
        return (k for k, i in self._index.items() if vals[i] is not MISSING)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"Row({self.number}, {dict(self)!r})"


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.sheet if self.row is None else f"{self.sheet}!{self.row}"
        return f"{where} {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class Cancelled(Exception):
    pass


@dataclass
class Context:
    """What one import knows while it checks and writes: the session, who acts, the records
    the workbook itself brings (so a reference may point into the same workbook), problems."""

    session: Session
    actor: Actor
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # name -> Row of the 单位 sheet, id number -> Row of the 干部 sheet, etc. Filled per sheet.
    provided: dict[str, dict] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)
    # sheet name -> (its SheetDef, its parsed rows): the whole workbook, for lookups by key
    parsed: dict[str, tuple] = field(default_factory=dict)
    sheet_names: set[str] = field(default_factory=set)  # the sheets this workbook has
    progress: Callable[[int, int, str], None] | None = None
    cancelled: Callable[[], bool] | None = None
    done: int = 0
    total: int = 0

    def error(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.errors.append(Problem(sheet, row, column, message))

    def tick(self, message: str) -> None:
        self.done += 1
        if self.done % 100 == 0:
            if self.cancelled and self.cancelled():
                raise Cancelled()
            if self.progress:
                self.progress(self.done, self.total, message)


class SheetDef:
    """Base of every sheet definition. Subclasses set the class attributes and override
    `check` (cross-row and reference checks), `write` and `export`."""

    name: str = ""
    columns: tuple[Column, ...] = ()
    key: tuple[str, ...] = ()  # attrs; two rows with one key in a workbook are an error
    note: str = ""  # shown in the template under the sheet's title comment
    keyed: bool = True  # False: a row's key is its row number (no two rows can share it)
    # True: `check` looks at each row alone (the key aside) and `write` may take the checked rows
    # a batch at a time, so the importer never holds the sheet's rows (the sheets that grow with
    # the number of cadres); False: the whole sheet is one batch. Each batch is written as soon as
    # it is checked (the sheet is read once), so `check` must not see what the sheet's own write
    # added; with `group`, BATCH whole groups at a time in the order they first appear (while the
    # rows come grouped, else from a second reading). `check` may be called more than once.
    streamed: bool = False
    group: str | None = None  # the attr whose rows `write` takes together (a cadre's list)

    def column(self, attr: str) -> Column:
        for c in self.columns:
            if c.attr == attr:
                return c
        raise KeyError(attr)

    def header_of(self, attr: str) -> str:
        return self.column(attr).header

    def key_of(self, row: Row) -> tuple:
        return tuple(row.get(a) for a in self.key)

    def check(self, ctx: Context, rows: list[Row]) -> None:
        """Add errors for rules across rows and references. Runs before anything is written."""

    def write(self, ctx: Context, rows: list[Row]) -> tuple[int, int]:
        """Write the rows; return (added, updated). Unchanged records count as neither."""
        raise NotImplementedError

    def export(self, session: Session) -> Iterable[Sequence[Any]]:
        """Rows of this sheet for every record: one value per column, in `columns` order, as stored
        (`stored`); the exporter turns them into cells with each column's `exporter`."""
        raise NotImplementedError


REGISTRY: list[SheetDef] = []

# The sheets in workbook.md's order, which is also the import order (referenced sheets first).
SHEET_ORDER = ("单位", "干部", "简历", "奖惩", "年度考核", "家庭成员", "培训班", "参训记录", "挂职驻村", "选拔任用", "表彰",
               "结对帮带", "帮带纪实", "容错纠错", "关爱记录", "慰问", "津贴标准")
# Modules under core.exchange that define sheets (each registers its SheetDefs on import).
SHEET_MODULES = ("people", "development", "careers", "mentoring", "allowances")


def register(sheet_cls: type[SheetDef]) -> type[SheetDef]:
    REGISTRY.append(sheet_cls())
    return sheet_cls


def sheets() -> list[SheetDef]:
    """Every sheet, in the order they are imported (referenced sheets first) and exported."""
    import importlib

    for name in SHEET_MODULES:
        importlib.import_module(f"{__package__}.{name}")
    return sorted(REGISTRY, key=lambda sd: SHEET_ORDER.index(sd.name))


def sheet(name: str) -> SheetDef:
    for s in sheets():
        if s.name == name:
            return s
    raise KeyError(name)
