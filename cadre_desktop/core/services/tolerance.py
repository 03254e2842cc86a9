"""容错纠错: error-tolerance cases tagged 绿/黄/红, the tag each cadre carries, and what a tag does
to commendation and promotion lists (`effect`)."""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..db import chunks
from ..models import Cadre, ToleranceCase, Unit
from ..values import DomainError, StaleEdit
from . import audit, settings
from .accounts import Actor, require
from .mentoring import day_text
from .labels import length_errors

CIRCUMSTANCES = ("改革创新中因缺乏经验、先行先试出现的失误", "上级尚无明确限制的探索性试验中的失误", "为推动发展的无意过失", "其他")
COLOURS = ("绿", "黄", "红")
COLOUR_RANK = {"红": 0, "黄": 1, "绿": 2}  # ties of 认定日期: 红 over 黄 over 绿
OUTCOMES = ("予以容错免责", "从轻处理", "减轻处理", "从轻或减轻处理", "不予容错")
# The outcome as decisions and clerks also word it, stored as the listed value (domain.md).
OUTCOME_SYNONYMS = {
    "免责": "予以容错免责", "容错免责": "予以容错免责", "予以容错": "予以容错免责", "予以免责": "予以容错免责",
    "容错": "予以容错免责", "从轻": "从轻处理", "减轻": "减轻处理", "从轻或减轻": "从轻或减轻处理",
    "从轻减轻处理": "从轻或减轻处理", "从轻、减轻处理": "从轻或减轻处理", "从轻或者减轻处理": "从轻或减轻处理",
    "不予容错免责": "不予容错", "不容错": "不予容错", "不予免责": "不予容错",
}


def fold_outcome(value: str | None) -> str | None:
    """An outcome as written (免责, 从轻或者减轻处理) → its listed value; an unknown one unchanged."""
    if not value or not value.strip():
        return None
    text = "".join(value.split())
    return text if text in OUTCOMES else OUTCOME_SYNONYMS.get(text, value.strip())
CORRECTION_STATUSES = ("整改中", "已整改", "无需整改")
PURPOSES = {"commendation": "表彰", "promotion": "提拔任用"}
FIELDS = (("cadre_id", "干部"), ("matter", "事项"), ("occurred", "发生日期"), ("circumstance", "情形"),
          ("colour", "认定颜色"), ("outcome", "处理结果"), ("decided", "认定日期"), ("deciding_body", "认定机关"),
          ("measures", "整改措施"), ("correction_status", "整改状态"), ("notes", "备注"))
LABELS = dict(FIELDS)


def colour_table(session: Session) -> dict:
    return settings.get(session, "tolerance_colours")


def check_case(data: dict, today: dt.date | None = None) -> list[tuple[str, str]]:
    """The rules of one case that need no database."""
    today = today or dt.date.today()
    errors = []
    if data.get("cadre_id") is None:
        errors.append(("cadre_id", "请选择干部"))
    if not (data.get("matter") or "").strip():
        errors.append(("matter", "请填写事项"))
    elif len(data["matter"].strip()) > 500:
        errors.append(("matter", "事项不超过500字"))
    occurred, decided = data.get("occurred"), data.get("decided")
    if occurred is None:
        errors.append(("occurred", "请填写发生日期"))
    elif occurred > today:
        errors.append(("occurred", "发生日期不能晚于今天"))
    if data.get("circumstance") and data["circumstance"] not in CIRCUMSTANCES:
        errors.append(("circumstance", f"情形应为：{' / '.join(CIRCUMSTANCES)}"))
    colour = data.get("colour") or None
    if colour and colour not in COLOURS:
        errors.append(("colour", f"认定颜色应为：{' / '.join(COLOURS)}"))
    if colour and decided is None:
        errors.append(("decided", "已填认定颜色，请同时填写认定日期（尚在认定中的两项都不填）"))
    if decided is not None and not colour:
        errors.append(("colour", "已填认定日期，请同时填写认定颜色（尚在认定中的两项都不填）"))
    if decided is not None:
        if occurred is not None and decided < occurred:
            errors.append(("decided", f"认定日期不能早于发生日期 {day_text(occurred)}"))
        if decided > today:
            errors.append(("decided", "认定日期不能晚于今天"))
    if data.get("outcome") and data["outcome"] not in OUTCOMES:
        errors.append(("outcome", f"处理结果应为：{' / '.join(OUTCOMES)}"))
    if data.get("correction_status") and data["correction_status"] not in CORRECTION_STATUSES:
        errors.append(("correction_status", f"整改状态应为：{' / '.join(CORRECTION_STATUSES)}"))
    errors.extend(length_errors(ToleranceCase, data))
    return errors


def case_snapshot(c: ToleranceCase) -> dict:
    out = {}
    for attr, label in FIELDS:
        v = getattr(c, attr)
        if attr == "cadre_id":
            v = f"{c.cadre.name}（{c.cadre.id_number}）" if c.cadre else v
        elif isinstance(v, dt.date):
            v = day_text(v)
        out[label] = v
    return out


def _label(c: ToleranceCase) -> str:
    return f"{c.cadre.name} {c.matter[:40]}（{day_text(c.occurred)}）"


def _clean(data: dict) -> dict:
    out = {}
    for attr, _ in FIELDS:
        v = data.get(attr)
        out[attr] = (v.strip() or None) if isinstance(v, str) else v
    out["outcome"] = fold_outcome(out.get("outcome"))
    return out


def save_case(session: Session, *, actor: Actor, data: dict, case_id: int | None = None,
              version: int | None = None, today: dt.date | None = None) -> int:
    require(actor, "edit")
    data = _clean(data)
    errors = check_case(data, today)
    if data.get("cadre_id") is not None and session.get(Cadre, data["cadre_id"]) is None:
        errors.append(("cadre_id", "所选干部不存在"))
    clash = session.scalar(select(ToleranceCase.id).where(
        ToleranceCase.cadre_id == data.get("cadre_id"), ToleranceCase.matter == data.get("matter"),
        ToleranceCase.occurred == data.get("occurred")))
    if clash is not None and clash != case_id:
        errors.append(("matter", "该干部同一发生日期已有同一事项的记录"))
    if errors:
        raise DomainError("；".join(f"{LABELS[a]}：{m}" for a, m in errors), errors=errors)
    if case_id is None:
        case = ToleranceCase(**data)
        session.add(case)
        session.flush()
        audit.record(session, actor, "新增", "tolerance_case", case.id, _label(case), None, case_snapshot(case))
        return case.id
    case = session.get(ToleranceCase, case_id)
    if case is None:
        raise DomainError("该容错纠错记录已被删除。")
    if version is not None and case.version != version:
        raise StaleEdit("该容错纠错记录已被他人修改，请刷新后再改。")
    before = case_snapshot(case)
    for k, v in data.items():
        setattr(case, k, v)
    session.flush()
    session.refresh(case, ["cadre"])
    after = case_snapshot(case)
    audit.record_change(session, actor, "修改", "tolerance_case", case.id, _label(case), before, after)
    return case.id


def delete_case(session: Session, *, actor: Actor, case_id: int) -> None:
    require(actor, "edit")
    case = session.get(ToleranceCase, case_id)
    if case is None:
        return
    audit.record(session, actor, "删除", "tolerance_case", case.id, _label(case), case_snapshot(case), None)
    session.delete(case)


def get_case(session: Session, case_id: int) -> dict:
    c = session.get(ToleranceCase, case_id)
    if c is None:
        raise DomainError("该容错纠错记录已被删除。")
    d = {attr: getattr(c, attr) for attr, _ in FIELDS}
    d.update(id=c.id, version=c.version, name=c.cadre.name, id_number=c.cadre.id_number)
    return d


def list_cases(session: Session, *, colour: str | None = None, status: str | None = None,
               state: str | None = None, search: str = "", cadre_id: int | None = None) -> list[dict]:
    """Cases, latest happened first. colour "未认定" selects cases under review; state is
    "decided" or "review"."""
    q = (select(ToleranceCase, Cadre.name, Cadre.id_number, Unit.name)
         .join(Cadre, ToleranceCase.cadre_id == Cadre.id).outerjoin(Unit, Cadre.unit_id == Unit.id)
         .order_by(ToleranceCase.occurred.desc(), ToleranceCase.id.desc()))
    if colour == "未认定":
        q = q.where(ToleranceCase.colour.is_(None))
    elif colour:
        q = q.where(ToleranceCase.colour == colour)
    if status:
        q = q.where(ToleranceCase.correction_status == status)
    if cadre_id is not None:
        q = q.where(ToleranceCase.cadre_id == cadre_id)
    if search.strip():
        like = f"%{search.strip()}%"
        q = q.where(or_(Cadre.name.like(like), Cadre.id_number.like(like), ToleranceCase.matter.like(like)))
    out = []
    for c, name, idn, unit in session.execute(q):
        d = {attr: getattr(c, attr) for attr, _ in FIELDS}
        d.update(id=c.id, version=c.version, name=name, id_number=idn, unit=unit)
        out.append(d)
    return out


# --- tags and effects --------------------------------------------------------------------------


def months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def case_summary(matter: str, colour: str, decided: dt.date, meaning: str | None = None) -> str:
    text = f"{matter}（{day_text(decided)} 认定为{colour}色"
    return text + (f"：{meaning}）" if meaning else "）")


def tags(session: Session, cadre_ids: Iterable[int] | None = None, today: dt.date | None = None) -> dict:
    """{cadre_id: (colour, case summary)} for cadres with a decided case whose 认定日期 lies within
    the tag window (a setting, 24 months): the latest such case, ties 红 over 黄 over 绿."""
    today = today or dt.date.today()
    since = months_before(today, int(settings.get(session, "tag_window_months")))
    q = (select(ToleranceCase.cadre_id, ToleranceCase.colour, ToleranceCase.decided, ToleranceCase.matter)
         .where(ToleranceCase.colour.is_not(None), ToleranceCase.decided.is_not(None),
                ToleranceCase.decided >= since, ToleranceCase.decided <= today))
    ids = None if cadre_ids is None else list(cadre_ids)
    if ids is not None:
        if not ids:
            return {}
        q = q.where(ToleranceCase.cadre_id.in_(ids))
    meanings = {k: v.get("meaning") for k, v in colour_table(session).items()}
    best: dict[int, tuple] = {}
    for cid, colour, decided, matter in session.execute(q):
        key = (decided, -COLOUR_RANK.get(colour, 9))
        if cid not in best or key > best[cid][0]:
            best[cid] = (key, colour, case_summary(matter, colour, decided, meanings.get(colour)))
    return {cid: (colour, summary) for cid, (_, colour, summary) in best.items()}


def effect(session: Session, cadre_id: int, on: dt.date, purpose: str) -> tuple[str, str] | None:
    """What the cadre's decided cases do to a commendation or promotion list on `on`:
    None, ("warn", reason) or ("exclude", reason). The colour table (a setting) says what each
    colour does; by default 黄 warns while the correction is 整改中, 红 excludes in the decision
    year and warns the year after, 绿 does nothing."""
    return effects(session, [cadre_id], on, purpose).get(cadre_id)


def effects(session: Session, cadre_ids: Iterable[int], on: dt.date, purpose: str) -> dict:
    """{cadre_id: ("warn"|"exclude", reason)} for the cadres that have an effect (`effect`), read
    in one query per 500 cadres (a picker's block of rows, a list being added to)."""
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    ids = list(dict.fromkeys(cadre_ids))
    if not ids:
        return {}
    word = PURPOSES[purpose]
    table = colour_table(session)
    found: dict[int, list[tuple[str, str]]] = {}
    for chunk in chunks(ids, 500):
        q = (select(ToleranceCase, Cadre.name).join(Cadre, Cadre.id == ToleranceCase.cadre_id)
             .where(ToleranceCase.cadre_id.in_(chunk), ToleranceCase.colour.is_not(None),
                    ToleranceCase.decided.is_not(None), ToleranceCase.decided <= on)
             .order_by(ToleranceCase.cadre_id, ToleranceCase.decided.desc()))
        for c, name in session.execute(q):
            how = (table.get(c.colour) or {}).get("effect", "none")
            meaning = (table.get(c.colour) or {}).get("meaning")
            case = f"{name}因“{c.matter}”于 {day_text(c.decided)} 被认定为{c.colour}色" + (f"（{meaning}）" if meaning else "")
            got = None
            if how == "warn_while_correcting" and c.correction_status == "整改中":
                got = ("warn", f"{case}，尚在整改中，列入{word}名单请慎重")
            elif how == "warn_decision_year" and c.decided.year == on.year:
                got = ("warn", f"{case}，{on.year} 年列入{word}名单请慎重")
            elif how == "exclude_decision_year" and c.decided.year == on.year:
                got = ("exclude", f"{case}，{on.year} 年不得列入{word}名单")
            elif how == "exclude_decision_year" and c.decided.year + 1 == on.year:
                got = ("warn", f"{case}，认定次年列入{word}名单请慎重")
            if got:
                found.setdefault(c.cadre_id, []).append(got)
    out = {}
    for cid in ids:  # the first exclusion, else the first warning (latest decided first)
        for level in ("exclude", "warn"):
            got = next((g for g in found.get(cid, ()) if g[0] == level), None)
            if got:
                out[cid] = got
                break
    return out


def record_override(session: Session, actor: Actor, cadre_id: int, purpose: str, reason: str,
                    on: dt.date | None = None) -> None:
    """The clerk saw the warning and goes on: the audit keeps who, which warning and why.
    An exclusion cannot be overridden."""
    require(actor, "edit")
    on = on or dt.date.today()
    got = effect(session, cadre_id, on, purpose)
    if got is None:
        return
    kind, text = got
    if kind == "exclude":
        raise DomainError(f"不能列入：{text}。")
    cadre = session.get(Cadre, cadre_id)
    audit.record(session, actor, "确认容错纠错提醒", "cadre", cadre_id, f"{cadre.name}（{cadre.id_number}）", None,
                 {"用途": PURPOSES[purpose], "提醒": text, "理由": (reason or "").strip() or "经办人确认"})
