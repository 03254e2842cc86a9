"""Value types and rules that hold everywhere: months, ages, ID numbers, education levels.

Pure Python, no database, no Qt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


class DomainError(Exception):
    """A refusal a clerk can read. The message is Chinese and says what and where."""

    def __init__(self, message: str, *, field: str | None = None, errors: list | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        # For validation of a whole record: a list of (field, message) pairs.
        self.errors = errors or ([(field, message)] if field else [])


class StaleEdit(DomainError):
    """The record was changed (or removed) by someone else since this clerk loaded it: nothing
    was saved. The window shows what changed (core.conflicts) and offers to reload or to re-apply."""


class PermissionDenied(DomainError):
    """The signed-in account's role does not allow the action."""


@dataclass(frozen=True, order=True)
class Month:
    """A month of a person's career (`1985.03`). Stored as the integer yyyymm."""

    year: int
    month: int

    def __post_init__(self):
        if not (1 <= self.month <= 12) or not (1800 <= self.year <= 2200):
            raise ValueError(f"无效的年月：{self.year}.{self.month}")

    def __str__(self) -> str:
        return f"{self.year:04d}.{self.month:02d}"

    @property
    def code(self) -> int:
        return self.year * 100 + self.month

    @classmethod
    def from_code(cls, code: int) -> Month:
        return cls(code // 100, code % 100)

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    def add_months(self, n: int) -> Month:
        return Month.from_index(self.index + n)


def whole_years(start: Month, at: Month | dt.date) -> int:
    """Whole years from `start` to `at`, counted by month (born 1990.07: 32 at 2022.07, 31 at 2022.06)."""
    if isinstance(at, dt.date):
        at = Month.of(at)
    return (at.index - start.index) // 12


def age_at(birth: Month | None, at: Month | dt.date) -> int | None:
    if birth is None:
        return None
    return whole_years(birth, at)


def birth_code_bound(age: int, at: dt.date) -> int:
    """The smallest birth month code (yyyymm) of a person aged at most `age` at `at`.

    age <= A  <=>  at_index - birth_index < 12 * (A + 1)  <=>  birth_index > at_index - 12 * (A + 1)
    """
    at_index = Month.of(at).index
    return Month.from_index(at_index - 12 * (age + 1) + 1).code


# --- ID numbers (GB 11643) ---------------------------------------------------------------

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


@dataclass(frozen=True)
class IdInfo:
    number: str
    sex: str
    birth: Month
    birth_day: dt.date


def check_id_number(value: str) -> IdInfo:
    """Validate a resident ID number; return what it says. Raises ValueError with a Chinese message."""
    s = value.strip().upper()
    if len(s) != 18:
        raise ValueError(f"应为18位，实为{len(s)}位")
    if not s[:17].isdigit() or not (s[17].isdigit() or s[17] == "X"):
        raise ValueError("前17位须为数字，末位为数字或X")
    try:
        day = dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        raise ValueError(f"出生日期{s[6:14]}无效") from None
    if day.year < 1900 or day > dt.date.today():
        raise ValueError(f"出生日期{s[6:14]}无效")
    expected = id_check_digit(s[:17])
    if s[17] != expected:
        raise ValueError(f"校验位错误，应为 {expected}")
    sex = "男" if int(s[16]) % 2 == 1 else "女"
    return IdInfo(s, sex, Month(day.year, day.month), day)


# --- Enumerations -------------------------------------------------------------------------

UNIT_KINDS = ("乡镇", "街道", "县直部门", "其他")
TOWNSHIP_KINDS = ("乡镇", "街道")
TIERS = ("一档", "二档", "三档")
SEXES = ("男", "女")
EDUCATION_LEVELS = ("研究生", "大学", "大专", "中专", "高中及以下")
CADRE_LEVELS = ("县级领导", "正科级", "副科级", "一般干部")
STAFFING_TYPES = ("行政编制", "参公事业编制", "事业编制", "其他")
FIVE_CATEGORIES = ("优秀村(社区)党组织书记", "选调生", "大学生村官", "乡镇事业编制人员", "驻村第一书记")
STATUSES = ("在职", "退休", "调出", "去世")
APPRAISAL_RESULTS = ("优秀", "称职", "基本称职", "不称职", "合格", "基本合格", "不合格", "不定等次")
REWARD_KINDS = ("奖励", "惩戒")
ROLES = ("管理员", "录入员", "查阅")

EDUCATION_SYNONYMS = {
    "研究生": "研究生",
    "硕士研究生": "研究生",
    "博士研究生": "研究生",
    "党校研究生": "研究生",
    "中央党校研究生": "研究生",
    "省委党校研究生": "研究生",
    "硕士": "研究生",
    "博士": "研究生",
    "大学": "大学",
    "本科": "大学",
    "大学本科": "大学",
    "党校大学": "大学",
    "中央党校大学": "大学",
    "省委党校大学": "大学",
    "大专": "大专",
    "大学专科": "大专",
    "专科": "大专",
    "党校大专": "大专",
    "中专": "中专",
    "中等专科": "中专",
    "高中及以下": "高中及以下",
    "高中": "高中及以下",
    "初中": "高中及以下",
    "小学": "高中及以下",
}


def education_level(text: str | None) -> str | None:
    """Map an education as written (`大学本科`, `中央党校大学`) to one of EDUCATION_LEVELS."""
    if not text:
        return None
    t = text.strip()
    if t in EDUCATION_SYNONYMS:
        return EDUCATION_SYNONYMS[t]
    for word in sorted(EDUCATION_SYNONYMS, key=len, reverse=True):
        if t.endswith(word) or t.startswith(word):
            return EDUCATION_SYNONYMS[word]
    return None


def level_rank(level: str | None) -> int:
    return CADRE_LEVELS.index(level) if level in CADRE_LEVELS else len(CADRE_LEVELS)


def education_rank(level: str | None) -> int:
    return EDUCATION_LEVELS.index(level) if level in EDUCATION_LEVELS else len(EDUCATION_LEVELS)


AGE_BANDS = (("≤30", None, 30), ("31–35", 31, 35), ("36–40", 36, 40), ("41–45", 41, 45), (">45", 46, None))


def age_band(age: int | None) -> str | None:
    if age is None:
        return None
    for label, lo, hi in AGE_BANDS:
        if (lo is None or age >= lo) and (hi is None or age <= hi):
            return label
    return None
