"""Turn one spreadsheet cell value into a typed value.

A cell arrives as openpyxl gives it: None, str, int, float, bool, datetime.datetime or
datetime.date. Every parser returns None for a blank cell and raises ValueError with a short
Chinese message a clerk can read; the caller prefixes it with `SHEET!ROW 列名: `, so the messages
here never name the sheet, row or column.

The accepted forms are those of `workbook.md`, section "Values".
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from ..values import EDUCATION_LEVELS, EDUCATION_SYNONYMS, Month, check_id_number, education_level

__all__ = [
    "DESTINATION_SYNONYMS",
    "EDUCATION_SYNONYMS",
    "FIELD_SYNONYMS",
    "FIVE_CATEGORY_SYNONYMS",
    "clean_text",
    "fold",
    "parse_bool",
    "parse_day",
    "parse_decimal",
    "parse_education",
    "parse_enum",
    "parse_id_number",
    "parse_int",
    "parse_month",
]

# --- Synonyms accepted on input and stored as the listed value (workbook.md) ---------------

DESTINATION_SYNONYMS: dict[str, str] = {"上级主管单位": "上级机关"}
FIELD_SYNONYMS: dict[str, str] = {"重点项目建设": "项目建设"}
FIVE_CATEGORY_SYNONYMS: dict[str, str] = {"优秀村(社区)党支部书记": "优秀村(社区)党组织书记"}

# --- Text ------------------------------------------------------------------------------------

# Quotation marks ignored when comparing enumerated values (`“三百四千”工程` = `三百四千工程`).
# The ASCII quotes also cover the full-width ＂ and ＇, which NFKC folds to them first.
_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』")

# Full-width digits ０-９ to ASCII; nothing else is touched.
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_HAS_FULLWIDTH_DIGIT = re.compile("[０-９]").search


def fold(text: str) -> str:
    """The comparison form of an enumerated value: NFKC (full-width letters, digits and
    parentheses to ASCII), stripped, without quotation marks."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES).strip()


def _number_text(value: int | float | Decimal) -> str:
    """A number as Excel shows it: an int-valued float without `.0`, at most 15 significant
    digits (Excel's precision, which also hides float noise such as 0.30000000000000004)."""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(value, ".15g")
    return str(value)


def clean_text(value: object) -> str | None:
    """A cell as text: trimmed (also the full-width space U+3000), full-width digits folded to
    ASCII, None when blank. Numbers, dates and booleans become the text Excel would show."""
    if value is None:
        return None
    if type(value) is str:  # the common case, first
        text = value.strip()
        if _HAS_FULLWIDTH_DIGIT(text) is not None:
            text = text.translate(_FULLWIDTH_DIGITS)
        return text or None
    if isinstance(value, bool):  # before int: bool is an int subclass
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, (int, float, Decimal)):
        text = _number_text(value)
    elif isinstance(value, dt.datetime):
        text = value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    elif isinstance(value, (dt.date, dt.time)):
        text = value.isoformat()
    else:
        text = str(value)
    text = text.strip().translate(_FULLWIDTH_DIGITS)
    return text or None


def _shown(value: object) -> str:
    """The value as quoted back in an error message."""
    return clean_text(value) or ""


def _normalized(value: str) -> str:
    """Cleaned text for pattern matching, NFKC-folded (full-width `．／－Ｘ` to ASCII)."""
    return unicodedata.normalize("NFKC", value).strip()


# --- Months and days -------------------------------------------------------------------------

# Text months: 1985.03, 1985.3, 1985-03, 1985/3, 1985年3月, 198503. ASCII digits only: NFKC has
# folded full-width ones by then.
_MONTH_PATTERNS = tuple(
    re.compile(pattern, re.ASCII)
    for pattern in (
        r"(?P<y>\d{4})[./-](?P<m>\d{1,2})",
        r"(?P<y>\d{4})年(?P<m>\d{1,2})月",
        r"(?P<y>\d{4})(?P<m>\d{2})",
    )
)
# Text days: 2022.06.15, 2022.6.15, 2022-6-15, 2022/06/15 (one separator throughout),
# 2022年6月15日, 20220615.
_DAY_PATTERNS = tuple(
    re.compile(pattern, re.ASCII)
    for pattern in (
        r"(?P<y>\d{4})(?P<sep>[./-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})",
        r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日",
        r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})",
    )
)

# The years a career date may fall in, as Month allows.
_MIN_YEAR, _MAX_YEAR = 1800, 2200


def _month_error(value: object) -> ValueError:
    return ValueError(f"“{_shown(value)}”不是有效的年月，应写作 1985.03")


def _day_error(value: object) -> ValueError:
    return ValueError(f"“{_shown(value)}”不是有效的日期，应写作 2022.06.15")


_MONTHS: dict[int, Month] = {}  # one Month per month read (frozen, so shared): a big sheet holds few


def shared_month(month: Month | None) -> Month | None:
    """The one Month object of this month (for months read from the database)."""
    return month if month is None else _MONTHS.setdefault(month.code, month)


def _month_from_code(code: int, value: object) -> Month:
    """yyyymm → Month; out-of-range parts are the clerk's error."""
    month = _MONTHS.get(code)
    if month is not None:
        return month
    try:
        month = Month(code // 100, code % 100)
    except ValueError:
        raise _month_error(value) from None
    _MONTHS[code] = month
    return month


def _numeric_month(value: int | float | Decimal) -> Month:
    """A numeric month cell: yyyymm, or year.mm read with two decimals."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _month_error(value)
        # round(x * 100) absorbs float error (1985.1 * 100 = 198510.00000000003); a larger
        # remainder means a third decimal, which no month has.
        scaled = value * 100
        code = round(scaled)
        if abs(scaled - code) > 1e-6:
            raise _month_error(value)
    else:
        exact = Decimal(value) * 100
        if not exact.is_finite() or exact != exact.to_integral_value():
            raise _month_error(value)
        code = int(exact)
    if code % 100:  # year.mm: 1985.1 → 198510, 1985.01 → 198501
        return _month_from_code(code, value)
    integer = code // 100  # a whole number: must be yyyymm
    if _MIN_YEAR <= integer <= _MAX_YEAR:
        raise ValueError(f"“{integer}”缺少月份，应写作 1985.03")
    if not 100000 <= integer <= 999999:
        raise _month_error(value)
    return _month_from_code(integer, value)


def parse_month(value: object) -> Month | None:
    """A month: an Excel date, text such as `1985.03` / `1985年3月` / `198503`, or a number.

    A numeric cell is read with two decimals, because Excel turns a typed `1985.10` into the
    number 1985.1: 1985.1 → 1985.10, 1985.01 → 1985.01. An integer must be yyyymm (198510);
    a bare year (1985) lacks its month.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise _month_error(value)
    if isinstance(value, dt.date):  # also a datetime, a date subclass
        return _month_from_code(value.year * 100 + value.month, value)
    if isinstance(value, (int, float, Decimal)):
        return _numeric_month(value)
    text = clean_text(value)
    if text is None:
        return None
    normalized = _normalized(text)
    for pattern in _MONTH_PATTERNS:
        match = pattern.fullmatch(normalized)
        if match:
            return _month_from_code(int(match["y"]) * 100 + int(match["m"]), text)
    raise _month_error(text)


def _make_day(year: int, month: int, day: int, value: object) -> dt.date:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise _day_error(value)
    try:
        return dt.date(year, month, day)
    except ValueError:  # 2022.02.30, month 13, day 0, …
        raise _day_error(value) from None


def parse_day(value: object) -> dt.date | None:
    """A day: an Excel date, text such as `2022.06.15` / `2022年6月15日` / `20220615`, or the
    integer 20220615. Dates that do not exist (2022.02.30) are errors."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise _day_error(value)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float, Decimal)):
        if isinstance(value, float) and not value.is_integer():  # also NaN and infinities
            raise _day_error(value)
        if isinstance(value, Decimal) and not (value.is_finite() and value == int(value)):
            raise _day_error(value)
        integer = int(value)
        if not 10000000 <= integer <= 99999999:
            raise _day_error(value)
        return _make_day(integer // 10000, integer // 100 % 100, integer % 100, value)
    text = clean_text(value)
    if text is None:
        return None
    normalized = _normalized(text)
    for pattern in _DAY_PATTERNS:
        match = pattern.fullmatch(normalized)
        if match:
            return _make_day(int(match["y"]), int(match["m"]), int(match["d"]), text)
    raise _day_error(text)


# --- Yes/no ----------------------------------------------------------------------------------

# TRUE/FALSE is how Excel shows its own boolean cells (and how clean_text writes them).
_TRUE = frozenset({"是", "Y", "1", "TRUE"})
_FALSE = frozenset({"否", "N", "0", "FALSE"})


def parse_bool(value: object) -> bool | None:
    """是/否, Y/N in any case, 1/0 as text or number, or an Excel boolean."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        if value == 1:
            return True
        if value == 0:
            return False
        raise ValueError("应为“是”或“否”")
    text = clean_text(value)
    if text is None:
        return None
    key = fold(text).upper()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError("应为“是”或“否”")


# --- Numbers ---------------------------------------------------------------------------------

# A plain decimal number as typed: no exponent, no thousands separators, no NaN/Infinity.
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)


def _to_decimal(value: object, error: str) -> Decimal | None:
    """A cell as an exact Decimal, or None when blank; `error` is the message for non-numbers.
    Floats go through Excel's 15 significant digits, so 12.25 is exactly 12.25."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(error)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(error)
        return Decimal(_number_text(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(error)
        return value
    if not isinstance(value, str):
        raise ValueError(error)
    text = clean_text(value)
    if text is None:
        return None
    normalized = _normalized(text)
    if not _NUMBER_TEXT.fullmatch(normalized):
        raise ValueError(error)
    try:
        return Decimal(normalized)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
        raise ValueError(error) from None


def parse_int(value: object) -> int | None:
    """A non-negative whole number; an int-valued float (12.0) is fine, 1.5 is not."""
    number = _to_decimal(value, "应为整数")
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError("应为整数")
    if number < 0:
        raise ValueError("不能为负数")
    return int(number)


def parse_decimal(value: object, places: int) -> Decimal | None:
    """A non-negative number with at most `places` decimals (hours: 1, money in yuan: 2).
    Trailing zeros do not count (12.50 has one decimal)."""
    error = "应为整数" if places == 0 else "应为数字"
    number = _to_decimal(value, error)
    if number is None:
        return None
    exponent = number.normalize().as_tuple().exponent
    assert isinstance(exponent, int)  # finite: _to_decimal refuses NaN and Infinity
    if exponent < -places:
        raise ValueError("应为整数" if places == 0 else f"最多{places}位小数")
    if number < 0:
        raise ValueError("不能为负数")
    return abs(number) if number.is_zero() else number  # no -0


# --- ID numbers ------------------------------------------------------------------------------


def parse_id_number(value: object) -> str | None:
    """A resident ID number as 18 characters with an upper-case X, validated (GB 11643).

    A numeric cell has lost digits (Excel keeps 15 significant digits) and is refused.
    """
    if value is None:
        return None
    if isinstance(value, (bool, int, float, Decimal)):
        raise ValueError("身份证号须为文本格式")
    text = clean_text(value)
    if text is None:
        return None
    # NFKC also folds a full-width Ｘ; check_id_number's own message (校验位错误，应为 X, …)
    # passes through unchanged.
    return _checked_id(text)


@lru_cache(maxsize=1 << 16)
def _checked_id(text: str) -> str:
    # One cadre's ID number recurs on every sheet of a workbook: validate each spelling once,
    # and hold one string per number however many rows and lookups name it.
    return sys.intern(check_id_number(_normalized(text).upper()).number)


# --- Enumerations ----------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _enum_table(allowed: tuple[str, ...], synonyms: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Folded spelling → canonical allowed value, for the allowed values and their synonyms.
    A synonym whose target is not allowed here does not apply to this column."""
    table = {fold(choice): choice for choice in allowed}
    for word, target in synonyms:
        canonical = table.get(fold(target))
        if canonical is not None:
            table.setdefault(fold(word), canonical)
    return table


def enum_table(allowed: Sequence[str], synonyms: Mapping[str, str] | None = None) -> dict[str, str]:
    """Exact spelling → value for the allowed values and their synonyms (a fast path before
    parse_enum's folding; a miss goes through parse_enum)."""
    table = {choice: choice for choice in allowed}
    for word, canonical in _enum_table(tuple(allowed), tuple((synonyms or {}).items())).items():
        table.setdefault(word, canonical)
    return table


def _not_allowed(text: str, allowed: Sequence[str]) -> ValueError:
    return ValueError(f"“{text}”不在可选值中，应为：{' / '.join(allowed)}")


def parse_enum(
    value: object, allowed: Sequence[str], synonyms: Mapping[str, str] | None = None
) -> str | None:
    """One of `allowed`, returned as written there. Matches after fold() (full-width and
    half-width forms, quotation marks); a synonym key stands for its value."""
    text = clean_text(value)
    if text is None:
        return None
    table = _enum_table(tuple(allowed), tuple((synonyms or {}).items()))
    canonical = table.get(fold(text))
    if canonical is None:
        raise _not_allowed(text, allowed)
    return canonical


def parse_education(value: object) -> tuple[str, str] | None:
    """An education level: (one of EDUCATION_LEVELS, the text as written, cleaned).

    The level comes from values.education_level (EDUCATION_SYNONYMS, e.g. 大学本科, 中央党校大学 →
    大学) applied to the folded text; the text as written is kept for printing.
    """
    text = clean_text(value)
    if text is None:
        return None
    level = education_level(fold(text))
    if level is None:
        raise _not_allowed(text, EDUCATION_LEVELS)
    return level, text
