"""What every indicator module shares: the period, the SQL helpers, the context of one
computation (`Ctx`) and an indicator's definition (`Indicator`), and the report's sections."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ...models import Cadre
from ...values import DomainError

# Enumerations the keys run over that no service owns (the others come from the services).
VISITED_CATEGORIES = ("老党员", "困难党员", "突出人才")
COLOURS = (("green", "绿"), ("yellow", "黄"), ("red", "红"))
TEAM_KINDS = ("提拔任用", "进一步使用", "平职交流")
SECTION_LEVELS = ("正科级", "副科级")
BLANK_FIELD = "未填领域"  # a commendation batch with no 表彰领域


# --- the period ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start:
            raise DomainError(f"统计期间的结束日期 {_day(self.end)} 早于开始日期 {_day(self.start)}。")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def current(cls, today: dt.date | None = None) -> Period:
        return cls.year((today or dt.date.today()).year)

    @property
    def whole_year(self) -> int | None:
        """The year, when the period is exactly one calendar year."""
        if self.start == dt.date(self.start.year, 1, 1) and self.end == dt.date(self.start.year, 12, 31):
            return self.start.year
        return None

    @property
    def label(self) -> str:
        y = self.whole_year
        return f"{y}年" if y else f"{_day(self.start)}—{_day(self.end)}"


def _day(d: dt.date | None) -> str:
    return f"{d.year}.{d.month:02d}.{d.day:02d}" if d else ""


# --- SQL helpers -------------------------------------------------------------------------------


def _in(col, p: Period):
    return and_(col >= p.start, col <= p.end)


def _overlaps(start_col, end_col, p: Period):
    return and_(start_col <= p.end, or_(end_col.is_(None), end_col >= p.start))


def _nonblank(col):
    return and_(col.is_not(None), func.trim(col) != "")


# --- the registry -------------------------------------------------------------------------------


@dataclass
class Ctx:
    session: Session
    period: Period
    today: dt.date
    young: int
    cache: dict = field(default_factory=dict)
    keys: set[str] | None = None  # the figures being computed (None: every one); a pass counts only these

    def once(self, name: str, fn: Callable[[], Any]) -> Any:
        if name not in self.cache:
            self.cache[name] = fn()
        return self.cache[name]


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str  # Chinese name, as a table or workbook shows it
    unit: str  # 人, 期, 人次, 学时, 元, …
    record: str  # what `behind` lists: cadre, attendance, training_class, posting, appointment, batch,
    #              award, pair, mentoring_record, case, visit, care_record, unit, finding
    how: str  # "sql" | "sum" | "py"
    count: Callable[[Ctx], Any] | None = None  # sql: SELECT of distinct things; sum: SELECT (id, v)
    rows: Callable[[Ctx], Any] | None = None  # sql: SELECT of record ids, when `count` is not one
    py: Callable[[Ctx], tuple[Any, list]] | None = None  # py: (value, record ids)
    ids: Callable[[Ctx], list] | None = None  # py: the record ids, when fetched only for `behind`
    # sql figures counted together in one pass (`count` still lists what is behind each): the
    # conditions on the pass's rows, the pass ("cadre": the cadre table, counting rows; "posting":
    # postings of the period with their cadre, counting distinct values of `distinct`)
    where: tuple | None = None
    one_pass: str = "cadre"
    distinct: Any = None
    money: bool = False
    hours: bool = False

    @property
    def section(self) -> str:
        return self.key.split(".")[0]


SECTIONS = {
    "period": "统计期间", "cadres": "干部队伍", "training": "教育培训", "postings": "挂职驻村与一线锻炼",
    "appointments": "选拔任用", "township_teams": "乡镇领导班子选配", "commendations": "通报表扬",
    "mentoring": "结对帮带", "tolerance": "容错纠错", "allowances": "乡镇津贴", "care": "关心关爱",
    "rules": "规则检查",
}


def _people(*where, join_cadre: bool = False, source=None):
    """SELECT DISTINCT cadre ids of `source` rows (a model with cadre_id) meeting `where`."""
    col = source.cadre_id if source is not None else Cadre.id
    q = select(col.label("id")).distinct()
    if source is not None:
        q = q.select_from(source)
        if join_cadre:
            q = q.join(Cadre, Cadre.id == source.cadre_id)
    return q.where(*where)


def _ids(model, *where, join=None):
    q = select(model.id.label("id"))
    if join is not None:
        q = q.join(*join)
    return q.where(*where)


# A section adds its indicators in report order: add(key, label, unit, record, how="sql", **Indicator fields).
Add = Callable[..., None]
