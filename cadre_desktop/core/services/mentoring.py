"""结对帮带: mentoring pairs under the rule `一对一、不重复`, their five-in-one record (帮带纪实),
and the reminders for pairs whose talks or reports are overdue.

Every pair rule is in `check_pair`; the window, the workbook and the command line all call it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from ..db import chunks, in_order, ordered_ids
from ..models import Cadre, MentoringRecord, MentorPair, Unit
from ..values import DomainError, Month, StaleEdit, age_at
from ..values import day_text as _day_text
from . import audit, settings
from .accounts import Actor, require
from .labels import length_errors

KINDS = ("县级领导帮带科级领导", "科级领导帮带年轻干部", "双导师制")
DUAL = "双导师制"
ROLES = ("政治导师", "业务导师")
RECORD_KINDS = ("结对帮带", "谈心谈话", "定期汇报", "警示提醒", "排忧解难")
RULE = "违反“一对一、不重复”"
SECTION_LEVELS = ("正科级", "副科级")
LABELS = {"mentor_id": "帮带人", "mentee_id": "被帮带人", "kind": "结对类型", "role": "导师类别",
          "start": "开始日期", "end": "结束日期"}


day_text = _day_text


def kind_text(kind: str, role: str | None) -> str:
    return f"{kind}·{role}" if role else kind


@dataclass(frozen=True)
class Person:
    """What the pair rules need to know of a cadre (from the database or a workbook row)."""

    key: str  # the ID number
    name: str
    birth: Month | None
    level: str | None


@dataclass(frozen=True)
class OtherPair:
    """A pair that is not (yet) in the database, e.g. another row of the same workbook."""

    mentee_key: str
    mentor_name: str
    kind: str
    role: str | None
    start: dt.date
    end: dt.date | None


def _person(session: Session, value) -> Person | None:
    if isinstance(value, Person) or value is None:
        return value
    c = session.get(Cadre, value)
    return Person(c.id_number, c.name, c.birth, c.level) if c else None


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    far = dt.date.max
    return a_start <= (b_end or far) and b_start <= (a_end or far)


def _span_text(start: dt.date, end: dt.date | None) -> str:
    return f"{day_text(start)} 起" if end is None else f"{day_text(start)} 至 {day_text(end)} 期间"


def check_pair(session: Session, pair_data: dict, pair_id: int | None = None, today: dt.date | None = None, *,
               others: list[OtherPair] = (), skip_ids: set[int] = frozenset(),
               stored: list[tuple] | None = None, young_age: int | None = None) -> list[tuple[str, str]]:
    """Every rule of a pair (domain.md 结对帮带). Returns (attr, message) pairs, empty when it is fine.

    pair_data: mentor_id, mentee_id (a cadre id, or a Person for a cadre known only to a workbook),
    kind, role, start, end. `pair_id` is the pair being edited (not a conflict with itself);
    `others` are pairs not in the database that count too; `skip_ids` are database pairs that a
    workbook is replacing. A caller checking many pairs passes what it has looked up in batches:
    `stored`, the database pairs of this mentee, kind and role as (id, start, end, mentor name),
    and the `young_age` setting; then nothing is queried.
    """
    today = today or dt.date.today()
    errors: list[tuple[str, str]] = []
    kind, role = pair_data.get("kind"), pair_data.get("role") or None
    start, end = pair_data.get("start"), pair_data.get("end")
    mentor = _person(session, pair_data.get("mentor_id"))
    mentee = _person(session, pair_data.get("mentee_id"))
    if mentor is None:
        errors.append(("mentor_id", "请选择帮带人"))
    if mentee is None:
        errors.append(("mentee_id", "请选择被帮带人"))
    if kind not in KINDS:
        errors.append(("kind", f"结对类型应为：{' / '.join(KINDS)}"))
    if kind == DUAL and role not in ROLES:
        errors.append(("role", f"双导师制须填写导师类别（{' / '.join(ROLES)}）"))
    elif kind in KINDS and kind != DUAL and role:
        errors.append(("role", "只有双导师制填写导师类别"))
    if start is None:
        errors.append(("start", "请填写开始日期"))
    elif end is not None and end < start:
        errors.append(("end", f"结束日期不能早于开始日期 {day_text(start)}"))
    if mentor and mentee and mentor.key == mentee.key:
        errors.append(("mentee_id", f"{RULE}：帮带人与被帮带人不能是同一人（{mentor.name}）"))
    if errors and any(a in ("kind", "start", "mentor_id", "mentee_id") for a, _ in errors):
        return errors

    # One mentor per mentee, kind and role at any day.
    conflicts: list[tuple[dt.date, dt.date | None, str]] = []
    if stored is None:
        stored = []
        mentee_db = session.scalar(select(Cadre.id).where(Cadre.id_number == mentee.key))
        if mentee_db is not None:
            Mentor = aliased(Cadre)
            q = (select(MentorPair.id, MentorPair.start, MentorPair.end, Mentor.name)
                 .join(Mentor, MentorPair.mentor_id == Mentor.id)
                 .where(MentorPair.mentee_id == mentee_db, MentorPair.kind == kind,
                        MentorPair.role.is_(None) if role is None else MentorPair.role == role))
            stored = session.execute(q).all()
    if stored:
        for pid, s, e, name in stored:
            if pid == pair_id or pid in skip_ids:
                continue
            if _overlaps(start, end, s, e):
                conflicts.append((s, e, name))
    for o in others:
        if o.mentee_key == mentee.key and o.kind == kind and (o.role or None) == role and \
                _overlaps(start, end, o.start, o.end):
            conflicts.append((o.start, o.end, o.mentor_name))
    for s, e, name in sorted(conflicts, key=lambda c: c[0]):
        errors.append(("start", f"{RULE}：该干部在 {_span_text(s, e)}已由 {name} 帮带（{kind_text(kind, role)}）"))

    if kind == "科级领导帮带年轻干部":
        bound = settings.young_age(session) if young_age is None else young_age
        age = age_at(mentee.birth, start)
        if age is not None and age > bound:
            errors.append(("mentee_id", f"科级领导帮带年轻干部的被帮带人须为年轻干部（开始日期时不超过{bound}岁），"
                                        f"{mentee.name} 在 {day_text(start)} 时 {age} 岁"))
    if end is None or end >= today:
        if kind == "县级领导帮带科级领导":
            if mentor.level != "县级领导":
                errors.append(("mentor_id", f"县级领导帮带科级领导的帮带人须为县级领导，{mentor.name} 现为{mentor.level or '未定层级'}"))
            if mentee.level not in SECTION_LEVELS:
                errors.append(("mentee_id", f"县级领导帮带科级领导的被帮带人须为正科级或副科级，{mentee.name} 现为{mentee.level or '未定层级'}"))
        elif kind == "科级领导帮带年轻干部" and mentor.level not in SECTION_LEVELS:
            errors.append(("mentor_id", f"科级领导帮带年轻干部的帮带人须为正科级或副科级，{mentor.name} 现为{mentor.level or '未定层级'}"))
    return errors


def _raise(errors: list[tuple[str, str]]) -> None:
    if errors:
        raise DomainError("；".join(m for _, m in errors), errors=errors)


def pair_snapshot(p: MentorPair) -> dict:
    return {"帮带人": f"{p.mentor.name}（{p.mentor.id_number}）", "被帮带人": f"{p.mentee.name}（{p.mentee.id_number}）",
            "结对类型": p.kind, "导师类别": p.role, "开始日期": day_text(p.start), "结束日期": day_text(p.end) or None}


def pair_label(p: MentorPair) -> str:
    return f"{p.mentor.name} 帮带 {p.mentee.name}（{kind_text(p.kind, p.role)}）"


def save_pair(session: Session, *, actor: Actor, data: dict, pair_id: int | None = None,
              version: int | None = None, today: dt.date | None = None) -> int:
    """Create or update a pair; every rule is checked first (DomainError with .errors)."""
    require(actor, "edit")
    data = dict(data, role=data.get("role") or None)
    _raise(check_pair(session, data, pair_id, today))
    fields = ("mentor_id", "mentee_id", "kind", "role", "start", "end")
    if pair_id is None:
        pair = MentorPair(**{k: data.get(k) for k in fields})
        session.add(pair)
        session.flush()
        audit.record(session, actor, "新增", "mentor_pair", pair.id, pair_label(pair), None, pair_snapshot(pair))
        return pair.id
    pair = session.get(MentorPair, pair_id)
    if pair is None:
        raise DomainError("该结对已被删除。")
    if version is not None and pair.version != version:
        raise StaleEdit("该结对已被他人修改，请刷新后再改。")
    before = pair_snapshot(pair)
    if pair.start != data.get("start") or pair.end != data.get("end"):
        outside = [r for r in pair.records if not _in_span(r.date, data.get("start"), data.get("end"))]
        if outside:
            _raise([("start", f"该结对有 {len(outside)} 条纪实（如 {day_text(outside[0].date)}）不在新的帮带期间内，"
                              "请先调整这些纪实")])
    for k in fields:
        setattr(pair, k, data.get(k))
    session.flush()
    session.refresh(pair, ["mentor", "mentee"])
    after = pair_snapshot(pair)
    audit.record_change(session, actor, "修改", "mentor_pair", pair.id, pair_label(pair), before, after)
    return pair.id


def delete_pair(session: Session, *, actor: Actor, pair_id: int) -> None:
    require(actor, "edit")
    pair = session.get(MentorPair, pair_id)
    if pair is None:
        return
    snap = pair_snapshot(pair)
    if pair.records:
        snap["纪实"] = f"{len(pair.records)} 条"
    audit.record(session, actor, "删除", "mentor_pair", pair.id, pair_label(pair), snap, None)
    session.delete(pair)


def candidate_problems(session: Session, mentor_id: int, mentee_ids: list[int], kind: str, role: str | None,
                       start: dt.date, today: dt.date | None = None) -> dict[int, str]:
    """{mentee id: why pairing that mentee with the mentor would break a rule} for those refused
    (the picker's block of rows). check_pair for each, given what it would read per mentee: the
    mentees and their pairs of this kind and role in two queries per 500 mentees, the mentor and
    the young-age setting once."""
    ids = list(dict.fromkeys(mentee_ids))
    if not ids:
        return {}
    role = role or None
    mentor = _person(session, mentor_id)
    people: dict[int, Person] = {}
    stored: dict[int, list[tuple]] = {}
    Mentor = aliased(Cadre)
    for chunk in chunks(ids, 500):
        q = select(Cadre.id, Cadre.id_number, Cadre.name, Cadre.birth, Cadre.level).where(Cadre.id.in_(chunk))
        for cid, key, name, birth, level in session.execute(q):
            people[cid] = Person(key, name, birth, level)
        q = (select(MentorPair.mentee_id, MentorPair.id, MentorPair.start, MentorPair.end, Mentor.name)
             .join(Mentor, MentorPair.mentor_id == Mentor.id)
             .where(MentorPair.mentee_id.in_(chunk), MentorPair.kind == kind,
                    MentorPair.role.is_(None) if role is None else MentorPair.role == role)
             .order_by(MentorPair.id))
        for mentee, *held in session.execute(q):
            stored.setdefault(mentee, []).append(tuple(held))
    young = settings.young_age(session) if kind == "科级领导帮带年轻干部" else None
    out = {}
    for cid in ids:
        errors = check_pair(session, {"mentor_id": mentor, "mentee_id": people.get(cid), "kind": kind, "role": role,
                                      "start": start, "end": None}, today=today,
                            stored=stored.get(cid, []), young_age=young)
        if errors:
            out[cid] = "；".join(m for _, m in errors)
    return out


def candidate_problem(session: Session, mentor_id: int, mentee_id: int, kind: str, role: str | None,
                      start: dt.date, today: dt.date | None = None) -> str | None:
    """Why pairing this mentee would break a rule, or None (candidate_problems for one)."""
    return candidate_problems(session, mentor_id, [mentee_id], kind, role, start, today).get(mentee_id)


def mentor_problem(session: Session, mentor_id: int, kind: str, today: dt.date | None = None) -> str | None:
    """Why this cadre cannot mentor pairs of this kind at all (asked once, before mentees are
    chosen): the mentor's part of check_pair, against a mentee that fits."""
    fitting = Person("", "", None, "正科级")
    errors = check_pair(session, {"mentor_id": mentor_id, "mentee_id": fitting, "kind": kind,
                                  "role": ROLES[0] if kind == DUAL else None, "start": today or dt.date.today(),
                                  "end": None}, today=today)
    return "；".join(m for a, m in errors if a == "mentor_id") or None


def pair_many(session: Session, *, actor: Actor, mentor_id: int, mentee_ids: list[int], kind: str,
              role: str | None, start: dt.date, today: dt.date | None = None) -> dict:
    """Pair one mentor with several mentees. Each mentee is checked on its own: the fitting ones
    are added, the others listed with the reason. Returns {"added": [pair ids], "added_names":
    [mentee names], "refused": [(mentee_id, name, reason)]}."""
    require(actor, "edit")
    added, refused, names = [], [], []
    for mid in dict.fromkeys(mentee_ids):
        data = {"mentor_id": mentor_id, "mentee_id": mid, "kind": kind, "role": role or None, "start": start,
                "end": None}
        errors = check_pair(session, data, today=today)
        if errors:
            c = session.get(Cadre, mid)
            refused.append((mid, c.name if c else str(mid), "；".join(m for _, m in errors)))
            continue
        added.append(save_pair(session, actor=actor, data=data, today=today))
        names.append(session.get(Cadre, mid).name)
    return {"added": added, "refused": refused, "added_names": names}


# --- the record (帮带纪实) ---------------------------------------------------------------------


def _in_span(day: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return start is not None and start <= day and (end is None or day <= end)


def check_record(pair_start: dt.date, pair_end: dt.date | None, data: dict) -> list[tuple[str, str]]:
    errors = []
    if data.get("date") is None:
        errors.append(("date", "请填写日期"))
    elif not _in_span(data["date"], pair_start, pair_end):
        errors.append(("date", f"日期 {day_text(data['date'])} 不在该结对的帮带期间"
                               f"（{day_text(pair_start)} 至 {day_text(pair_end) or '今'}）内"))
    if data.get("kind") not in RECORD_KINDS:
        errors.append(("kind", f"纪实类型应为：{' / '.join(RECORD_KINDS)}"))
    errors.extend(length_errors(MentoringRecord, data, labelled=True))
    return errors


def record_snapshot(r: MentoringRecord) -> dict:
    return {"日期": day_text(r.date), "纪实类型": r.kind, "内容": r.content, "记录人": r.recorded_by}


def save_record(session: Session, *, actor: Actor, pair_id: int, data: dict, record_id: int | None = None) -> int:
    """Add (record_id None) or change one entry of a pair's record; recorded by defaults to the actor."""
    require(actor, "edit")
    pair = session.get(MentorPair, pair_id)
    if pair is None:
        raise DomainError("该结对已被删除。")
    _raise(check_record(pair.start, pair.end, data))
    content = (data.get("content") or "").strip() or None
    by = (data.get("recorded_by") or "").strip() or actor.name
    label = f"{pair_label(pair)} {day_text(data['date'])} {data['kind']}"
    if record_id is None:
        rec = MentoringRecord(pair_id=pair.id, date=data["date"], kind=data["kind"], content=content, recorded_by=by)
        session.add(rec)
        session.flush()
        audit.record(session, actor, "新增", "mentoring_record", rec.id, label, None, record_snapshot(rec))
        return rec.id
    rec = session.get(MentoringRecord, record_id)
    if rec is None or rec.pair_id != pair.id:
        raise DomainError("该纪实已被删除。")
    before = record_snapshot(rec)
    rec.date, rec.kind, rec.content, rec.recorded_by = data["date"], data["kind"], content, by
    after = record_snapshot(rec)
    if before != after:
        audit.record(session, actor, "修改", "mentoring_record", rec.id, label, before, after)
    return rec.id


def delete_record(session: Session, *, actor: Actor, record_id: int) -> None:
    require(actor, "edit")
    rec = session.get(MentoringRecord, record_id)
    if rec is None:
        return
    audit.record(session, actor, "删除", "mentoring_record", rec.id,
                 f"{pair_label(rec.pair)} {day_text(rec.date)} {rec.kind}", record_snapshot(rec), None)
    session.delete(rec)


def list_records(session: Session, pair_id: int) -> list[dict]:
    """A pair's record in date order."""
    rows = session.scalars(select(MentoringRecord).where(MentoringRecord.pair_id == pair_id)
                           .order_by(MentoringRecord.date, MentoringRecord.id))
    return [{"id": r.id, "date": r.date, "kind": r.kind, "content": r.content, "recorded_by": r.recorded_by,
             "version": r.version} for r in rows]


def pair_for_record(session: Session, *, mentor_id: int, mentee_id: int, kind: str, role: str | None,
                    day: dt.date) -> MentorPair | None:
    """The pair of these people, kind and role whose span holds `day`."""
    q = select(MentorPair).where(
        MentorPair.mentor_id == mentor_id, MentorPair.mentee_id == mentee_id, MentorPair.kind == kind,
        MentorPair.role.is_(None) if not role else MentorPair.role == role,
        MentorPair.start <= day, or_(MentorPair.end.is_(None), MentorPair.end >= day))
    return session.scalars(q).first()


# --- reminders ---------------------------------------------------------------------------------


def period_start(day: dt.date, period: str) -> dt.date:
    if period == "month":
        return day.replace(day=1)
    if period == "year":
        return dt.date(day.year, 1, 1)
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


PERIOD_WORDS = {"month": "本月", "quarter": "本季度", "year": "本年度"}


def _active(today: dt.date):
    return and_(MentorPair.start <= today, or_(MentorPair.end.is_(None), MentorPair.end >= today))


def _last_dates(session: Session, kind: str, pair_ids: list[int] | None, today: dt.date) -> dict[int, dt.date]:
    q = (select(MentoringRecord.pair_id, func.max(MentoringRecord.date))
         .where(MentoringRecord.kind == kind, MentoringRecord.date <= today)
         .group_by(MentoringRecord.pair_id))
    if pair_ids is not None:
        q = q.where(MentoringRecord.pair_id.in_(pair_ids))
    # Row by row: a whole-result .all() is one long call holding the GIL (the window's thread waits).
    out = {}
    for pair_id, day in session.execute(q):
        out[pair_id] = day
    return out


def _reminders_of(start: dt.date, last_talk: dt.date | None, last_report: dt.date | None, today: dt.date,
                  talk_days: int, period: str) -> list[tuple[str, str]]:
    out = []
    if (today - start).days >= talk_days and (last_talk is None or (today - last_talk).days > talk_days):
        since = f"最近一次 {day_text(last_talk)}" if last_talk else "开始结对后尚无记录"
        out.append(("mentoring_talk_overdue", f"超过 {talk_days} 天未谈心谈话（{since}）"))
    begin = period_start(today, period)
    if start < begin and (last_report is None or last_report < begin):
        out.append(("mentoring_report_overdue", f"{PERIOD_WORDS.get(period, '本期')}尚无定期汇报"))
    return out


def pair_order(mentor, mentor_unit, mentee) -> tuple:
    """The order pairs are listed in (mentor's unit, mentor, start, mentee), given the aliases a
    query joins the mentor, the mentor's unit and the mentee as."""
    return (func.coalesce(mentor_unit.sort_order, 1 << 30), mentor.name, MentorPair.start, mentee.name, MentorPair.id)


def _pairs_select(columns, *, kind: str | None = None, active: bool | None = None, mentor_id: int | None = None,
                  mentee_id: int | None = None, search: str = "", today: dt.date):
    """SELECT `columns(Mentor, MUnit, Mentee, EUnit)` of the pairs the filters select, in list order."""
    Mentor, Mentee = aliased(Cadre), aliased(Cadre)
    MUnit, EUnit = aliased(Unit), aliased(Unit)
    q = (select(*columns(Mentor, MUnit, Mentee, EUnit))
         .select_from(MentorPair)
         .join(Mentor, MentorPair.mentor_id == Mentor.id).join(Mentee, MentorPair.mentee_id == Mentee.id)
         .outerjoin(MUnit, Mentor.unit_id == MUnit.id).outerjoin(EUnit, Mentee.unit_id == EUnit.id)
         .order_by(*pair_order(Mentor, MUnit, Mentee)))
    if kind:
        q = q.where(MentorPair.kind == kind)
    if active is True:
        q = q.where(_active(today))
    elif active is False:
        q = q.where(~_active(today))
    if mentor_id is not None:
        q = q.where(MentorPair.mentor_id == mentor_id)
    if mentee_id is not None:
        q = q.where(MentorPair.mentee_id == mentee_id)
    if search.strip():
        like = f"%{search.strip()}%"
        q = q.where(or_(Mentor.name.like(like), Mentee.name.like(like), Mentor.id_number.like(like),
                        Mentee.id_number.like(like)))
    return q


def _row_columns(Mentor, MUnit, Mentee, EUnit) -> tuple:
    return (MentorPair.id, MentorPair.kind, MentorPair.role, MentorPair.start, MentorPair.end, MentorPair.version,
            Mentor.id, Mentor.name, Mentor.id_number, MUnit.name, Mentee.id, Mentee.name, Mentee.id_number, EUnit.name)


def _pair_dicts(session: Session, rows: list, today: dt.date, some: list[int] | None) -> list[dict]:
    """The list's dicts of pair rows (_row_columns), with the latest talk and report of the pairs
    `some` (None: read for every pair) and the reminders of the active ones."""
    talks = _last_dates(session, "谈心谈话", some, today)
    reports = _last_dates(session, "定期汇报", some, today)
    talk_days = int(settings.get(session, "mentoring_talk_days"))
    period = settings.get(session, "mentoring_report_period")
    out = []
    for (pid, k, role, start, end, version, mid, mname, midn, munit, eid, ename, eidn, eunit) in rows:
        is_active = start <= today and (end is None or end >= today)
        reminders = _reminders_of(start, talks.get(pid), reports.get(pid), today, talk_days, period) \
            if is_active else []
        out.append({"id": pid, "kind": k, "role": role, "start": start, "end": end, "version": version,
                    "mentor_id": mid, "mentor": mname, "mentor_id_number": midn, "mentor_unit": munit,
                    "mentee_id": eid, "mentee": ename, "mentee_id_number": eidn, "mentee_unit": eunit,
                    "active": is_active, "last_talk": talks.get(pid), "last_report": reports.get(pid),
                    "reminders": reminders, "overdue": bool(reminders)})
    return out


def list_pairs(session: Session, *, kind: str | None = None, active: bool | None = None, overdue_only: bool = False,
               mentor_id: int | None = None, mentee_id: int | None = None, search: str = "",
               today: dt.date | None = None) -> list[dict]:
    """Pairs with their people, the latest talk and the reminders (active pairs only), in the
    order mentor unit, mentor, start."""
    today = today or dt.date.today()
    q = _pairs_select(_row_columns, kind=kind, active=active, mentor_id=mentor_id, mentee_id=mentee_id,
                      search=search, today=today)
    rows = [row for row in session.execute(q)]  # row by row: see _last_dates
    # One mentor's or mentee's pairs: only their dates (not every pair's in the county).
    some = [r[0] for r in rows] if mentor_id is not None or mentee_id is not None else None
    out = _pair_dicts(session, rows, today, some)
    return [p for p in out if p["overdue"]] if overdue_only else out


def pair_ids(session: Session, *, kind: str | None = None, active: bool | None = None, overdue_only: bool = False,
             search: str = "", today: dt.date | None = None) -> list[int]:
    """The ids of the pairs list_pairs lists for these filters, in its order, read in the database
    alone (the page pages the list: `pair_rows` reads the rows of the ids it shows)."""
    today = today or dt.date.today()
    q = _pairs_select(lambda *_a: (MentorPair.id,), kind=kind, active=active, search=search, today=today)
    if overdue_only:
        q = q.where(_active(today), _overdue(session, today))
    return ordered_ids(session, q)


def pair_rows(session: Session, ids: list[int], today: dt.date | None = None) -> list[dict]:
    """list_pairs' rows of the pairs `ids` (those that still exist), in the order of `ids`."""
    if not ids:
        return []
    today = today or dt.date.today()
    q = _pairs_select(_row_columns, today=today).where(MentorPair.id.in_(ids))
    return in_order(_pair_dicts(session, list(session.execute(q)), today, list(ids)), ids)


def overdue(session: Session, today: dt.date | None = None) -> list[dict]:
    """Active pairs with a talk or a report overdue, each with its reminders [(rule, message)]:
    the overdue pairs found in the database (_overdue), then the rows of those alone (the rule
    check at 100,000 cadres built the rows of all 20,000 pairs to keep 900 of them: 3 s)."""
    today = today or dt.date.today()
    return pair_rows(session, pair_ids(session, active=True, overdue_only=True, today=today), today)


def _overdue(session: Session, today: dt.date):
    """The condition on an active pair of _reminders_of saying something, in SQL: at least talk_days
    old with no 谈心谈话 in the last talk_days days, or begun before this period (month, quarter,
    year) with no 定期汇报 in it."""
    talk_days = int(settings.get(session, "mentoring_talk_days"))
    begin = period_start(today, settings.get(session, "mentoring_report_period"))
    talk_since = today - dt.timedelta(days=talk_days)

    def none_since(kind: str, since: dt.date):
        return ~select(MentoringRecord.id).where(
            MentoringRecord.pair_id == MentorPair.id, MentoringRecord.kind == kind,
            MentoringRecord.date >= since, MentoringRecord.date <= today).exists()

    return or_(and_(MentorPair.start <= talk_since, none_since("谈心谈话", talk_since)),
               and_(MentorPair.start < begin, none_since("定期汇报", begin)))


def overdue_count(session: Session, today: dt.date) -> int:
    """len(overdue(session, today)), counted in the database (_overdue)."""
    return session.scalar(select(func.count()).select_from(MentorPair).where(_active(today), _overdue(session, today)))


REMINDER_RULES = {"mentoring_talk_overdue": "结对帮带谈心谈话逾期", "mentoring_report_overdue": "结对帮带定期汇报逾期"}


def reminder_findings(session: Session, today: dt.date) -> list:
    """The provider for reports.rules.REMINDER_PROVIDERS: one Finding (kind "reminder") per
    overdue talk or report of an active pair, naming mentor and mentee."""
    from ..reports.rules import Finding

    people: dict[int, Cadre] = {}
    items = overdue(session, today)
    ids = {i for p in items for i in (p["mentor_id"], p["mentee_id"])}
    if ids:
        people = {c.id: c for c in session.scalars(select(Cadre).where(Cadre.id.in_(ids)))}
    out = []
    for p in items:
        pair = [people[p["mentor_id"]], people[p["mentee_id"]]]
        units = list(dict.fromkeys(c.unit for c in pair if c.unit is not None))
        for rule, text in p["reminders"]:
            out.append(Finding(
                rule=rule, rule_name=REMINDER_RULES[rule], kind="reminder",
                message=f"{p['mentor']} 帮带 {p['mentee']}（{kind_text(p['kind'], p['role'])}，"
                        f"{day_text(p['start'])} 起）：{text}",
                units=[u.name for u in units], unit_ids=[u.id for u in units],
                cadres=[{"id": c.id, "name": c.name, "id_number": c.id_number, "unit": c.unit.name if c.unit else None,
                         "post": c.post, "team_role": c.team_role, "age": age_at(c.birth, today)} for c in pair],
                cadre_ids=[c.id for c in pair]))
    return out
