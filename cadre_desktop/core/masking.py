"""What a 查阅 account sees of ID numbers and phone numbers: one rule, used by the window, the
workbook export, the command line and printing alike.

The rule: every character but the last four is starred (`522622199007150014` →
`**************0014`, `13812345678` → `*******5678`). The area code and the birth date of an ID
number are hidden, and a role that does not see numbers cannot search by their fragments either
(`roster_search`), so a few searches cannot bring the whole number back.
"""

from __future__ import annotations

MASKED_ATTRS = frozenset({"id_number", "phone"})
KEEP = 4
SEARCH_NOTE = "查阅账号不能按身份证号或电话号码搜索，已忽略搜索内容中的数字。"


def mask_value(value) -> str:
    """The masked form of an ID or phone number ('' for a blank one)."""
    if value is None or value == "":
        return ""
    s = str(value)
    if len(s) <= KEEP:
        return "*" * len(s)
    return "*" * (len(s) - KEEP) + s[-KEEP:]


def mask(attr: str, value):
    """`value` as a 查阅 account sees the field `attr` (other fields unchanged)."""
    if attr not in MASKED_ATTRS or value is None or value == "":
        return value
    return mask_value(value)


def roster_search(text: str, *, hides_numbers: bool) -> tuple[str, str | None]:
    """The search text a role may use, and a note when part of it was ignored: a role that sees
    numbers masked searches by name and pinyin only — digits are dropped."""
    text = text or ""
    if not hides_numbers or not any(c.isdigit() for c in text):
        return text, None
    return "".join(c for c in text if not c.isdigit()), SEARCH_NOTE
