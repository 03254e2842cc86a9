"""What a cadre search matches, computed when the record is written (never per query).

The stored text holds, lower case and separated by '|': the name, the full pinyin and the
initials, with every reading of a polyphonic surname (单 dan/shan/chan, 曾 zeng/ceng, 解 jie/xie).
A query matches when it is a substring of one part, or of the ID number.
"""

from __future__ import annotations

from itertools import product

# pypinyin is imported where it is used: loading its dictionaries costs most of a second,
# which the window's start does not need.

# Two-character surnames: their readings are taken as a unit, never split across the given name.
COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "令狐", "西门", "独孤", "南宫", "端木", "澹台", "呼延", "万俟", "轩辕", "申屠",
)
# Surnames whose surname reading differs from the common one; pypinyin's heteronyms cover the
# rest, these make sure the surname reading is among them.
SURNAME_READINGS = {
    "单": ("shan", "dan"), "曾": ("zeng", "ceng"), "解": ("xie", "jie"), "查": ("zha", "cha"),
    "仇": ("qiu", "chou"), "区": ("ou", "qu"), "朴": ("piao", "pu"), "繁": ("po", "fan"),
    "覃": ("qin", "tan"), "盖": ("ge", "gai"), "乐": ("yue", "le"), "缪": ("miao", "mou"),
    "翟": ("zhai", "di"), "尉": ("yu", "wei"), "种": ("chong", "zhong"), "折": ("she", "zhe"),
    "黑": ("he", "hei"), "任": ("ren",), "华": ("hua",), "秘": ("bi", "mi"), "召": ("shao", "zhao"),
}
MAX_VARIANTS = 8


def _char_readings(ch: str) -> list[str]:
    from pypinyin import Style, pinyin

    readings = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
    return [r for r in (readings[0] if readings else []) if r.isascii() and r.isalpha()]


def _surname_readings(surname: str) -> list[list[str]]:
    if len(surname) == 1 and surname in SURNAME_READINGS:
        return [list(SURNAME_READINGS[surname]) + [r for r in _char_readings(surname) if r not in SURNAME_READINGS[surname]]]
    return [_char_readings(ch) or [ch.lower()] for ch in surname]


def search_text(name: str) -> str:
    name = (name or "").strip()
    if not name:
        return ""
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]
    given = name[len(surname):]
    from pypinyin import Style, lazy_pinyin

    given_syllables = [s for s in lazy_pinyin(given, style=Style.NORMAL, errors="ignore")]
    parts = {name.lower()}
    for combo in list(product(*_surname_readings(surname)))[:MAX_VARIANTS]:
        syllables = list(combo) + given_syllables
        full = "".join(syllables).lower()
        initials = "".join(s[0] for s in syllables if s).lower()
        for text in (full, initials):
            parts.add(text)
            if "v" in text:
                parts.add(text.replace("v", "u"))
    return "|" + "|".join(sorted(parts)) + "|"


def normalize_query(text: str) -> str:
    return "".join((text or "").split()).lower()
