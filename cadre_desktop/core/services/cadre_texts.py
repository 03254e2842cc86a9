"""The texts of a cadre as the 干部任免审批表 writes them (printing and .lrmx both use these):
出生年月 with the age, the 简历 lines, 奖惩情况 and 年度考核结果 built from the lists, a family
member's age."""

from __future__ import annotations

import datetime as dt

from ..values import Month, age_at

DECEASED_WORDS = ("已去世", "已故")


def _month(v) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, Month):
        return str(v)
    if isinstance(v, dt.date):
        return f"{v.year}.{v.month:02d}"
    return str(v)


def age_reference(data: dict, today: dt.date | None = None) -> dt.date:
    """The date ages are computed at: the form's 计算年龄时间, else today."""
    at = data.get("age_date")
    return at if isinstance(at, dt.date) else (today or dt.date.today())


def age(birth, at: dt.date) -> int | None:
    """Whole years at `at` (one less when that month is before the birth month)."""
    return age_at(birth if isinstance(birth, Month) else None, at)


def birth_with_age(birth, at: dt.date) -> str:
    """`1985.03` and `（37岁）` on a second line; empty without a birth month."""
    if not birth:
        return ""
    years = age(birth, at)
    return f"{_month(birth)}\n（{years}岁）" if years is not None else _month(birth)


def resume_lines(resumes: list[dict]) -> list[str]:
    """One entry a line: `1985.09--1989.07  某某大学某某专业学习` (an open end prints as blank)."""
    out = []
    for item in resumes or []:
        start = _month(item.get("start"))
        end = _month(item.get("end"))
        text = (item.get("text") or "").strip()
        out.append(f"{start}--{end}  {text}" if start else text)
    return out


def rewards_text(rewards: list[dict]) -> str:
    """奖惩情况: one line per reward or punishment, `2019.12 被评为…（县委）`, or 无."""
    lines = []
    for item in rewards or []:
        when = item.get("date")
        when = f"{when.year}.{when.month:02d}" if isinstance(when, dt.date) else _month(when)
        text = (item.get("text") or "").strip()
        approver = (item.get("approver") or "").strip()
        line = f"{when} {text}".strip()
        if approver and approver not in text:
            line += f"（{approver}）"
        lines.append(line)
    return "\n".join(lines) if lines else "无"


def appraisals_text(appraisals: list[dict]) -> str:
    """年度考核结果: `2021年度考核优秀，2022年度考核称职。`, runs of the same result grouped
    (`2020、2021年度考核称职`); empty without appraisals."""
    items = sorted((a for a in appraisals or [] if a.get("year") and a.get("result")), key=lambda a: a["year"])
    if not items:
        return ""
    groups: list[tuple[list[int], str]] = []
    for a in items:
        if groups and groups[-1][1] == a["result"]:
            groups[-1][0].append(a["year"])
        else:
            groups.append(([a["year"]], a["result"]))
    parts = [f"{'、'.join(str(y) for y in years)}年度考核{result}" for years, result in groups]
    return "；".join(parts) + "。"


def is_deceased(member: dict) -> bool:
    work = member.get("work") or ""
    return any(w in work for w in DECEASED_WORDS)


def member_age(member: dict, at: dt.date) -> str:
    """A family member's age for the 年龄 column: blank for one who has died or has no birth month."""
    if is_deceased(member):
        return ""
    years = age(member.get("birth"), at)
    return "" if years is None else str(years)
