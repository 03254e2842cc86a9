"""Growing cadres (主要做法 一): training classes and their attendance, postings (挂职 / 驻村 / 一线).

Plain functions over a Session. Every change writes an audit event with the record before and
after; a save that changes nothing writes none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

from sqlalchemy import and_, extract, func, or_, select
from sqlalchemy.orm import Session

from ..db import in_order, ordered_ids
from ..models import Attendance, Cadre, Posting, TrainingClass, Unit
from ..search import normalize_query
from ..values import DomainError, StaleEdit
from ..values import day_text as _day_text
from . import audit
from .accounts import Actor, require
from .labels import length_errors

TRAINING_MODES = ("线上", "线下", "线上线下")
POSTING_KINDS = ("挂职锻炼", "驻村第一书记", "驻村队员", "尖刀班", "一线任务")
SECONDMENT = "挂职锻炼"
FRONTLINE = "一线任务"
VILLAGE_KINDS = ("驻村第一书记", "驻村队员", "尖刀班")
DESTINATIONS = ("上级机关", "先进地区", "县内")
TASK_FIELDS = ("疫情防控", "乡村振兴", "脱贫攻坚", "项目建设", "防汛救灾", "三百四千工程", "生态环保", "其他")
EVALUATIONS = ("表现突出", "良好", "一般", "较差")

CLASS_LABELS = {"name": "培训班名称", "organizer": "主办单位", "mode": "培训形式", "start": "开始日期",
                "end": "结束日期", "hours": "学时", "plan": "培训计划"}
POSTING_LABELS = {"cadre_id": "干部", "kind": "类型", "place": "派驻单位或地点", "destination": "去向类别",
                  "field": "任务领域", "start": "开始日期", "end": "结束日期", "evaluation": "表现评价", "notes": "备注"}


def day_text(v: dt.date | None) -> str | None:
    return _day_text(v) or None


def _hours_text(v: Decimal | None) -> str | None:
    if v is None:
        return None
    return str(int(v)) if v == v.to_integral_value() else str(v.normalize())


def _blank(v: Any) -> Any:
    if isinstance(v, str):
        v = v.strip()
        return v or None
    return v


def _enum_errors(errors: list, attr: str, value: Any, allowed: tuple[str, ...], labels: dict) -> None:
    if value is not None and value not in allowed:
        errors.append((attr, f"{labels[attr]}应为：{' / '.join(allowed)}"))


def _hours(errors: list, attr: str, value: Any, label: str) -> Decimal | None:
    """Hours as a Decimal with at most one decimal, not negative; None when blank."""
    if value is None or value == "":
        return None
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.append((attr, f"{label}应为数字"))
        return None
    if not d.is_finite():
        errors.append((attr, f"{label}应为数字"))
        return None
    if d < 0:
        errors.append((attr, f"{label}不能为负数"))
        return None
    if d.normalize().as_tuple().exponent < -1:
        errors.append((attr, f"{label}最多1位小数"))
        return None
    return d


def _raise(errors: list) -> None:
    if errors:
        raise DomainError("；".join(m for _, m in errors), errors=errors)


# --- training classes ----------------------------------------------------------------------


def class_snapshot(tc: TrainingClass) -> dict:
    return {"培训班名称": tc.name, "主办单位": tc.organizer, "培训形式": tc.mode, "开始日期": day_text(tc.start),
            "结束日期": day_text(tc.end), "学时": _hours_text(tc.hours), "培训计划": tc.plan}


def _class_dict(tc: TrainingClass, attendance: int = 0) -> dict:
    return {"id": tc.id, "name": tc.name, "organizer": tc.organizer, "mode": tc.mode, "start": tc.start,
            "end": tc.end, "hours": tc.hours, "plan": tc.plan, "attendance": attendance, "version": tc.version}


def list_classes(session: Session, *, plan: str | None = None, year: int | None = None,
                 text: str | None = None) -> list[dict]:
    """Classes, latest first, with their attendance counts (参训人次). `text` matches the name,
    organizer or plan; `year` the start date's year."""
    q = select(TrainingClass)
    if plan:
        q = q.where(TrainingClass.plan == plan)
    if year:
        q = q.where(extract("year", TrainingClass.start) == int(year))
    t = (text or "").strip()
    if t:
        like = f"%{t}%"
        q = q.where(or_(TrainingClass.name.like(like), TrainingClass.organizer.like(like), TrainingClass.plan.like(like)))
    counts = dict(session.execute(select(Attendance.class_id, func.count()).group_by(Attendance.class_id)).all())
    return [_class_dict(tc, counts.get(tc.id, 0))
            for tc in session.scalars(q.order_by(TrainingClass.start.desc(), TrainingClass.name))]


def class_plans(session: Session) -> list[str]:
    return [p for p in session.scalars(select(TrainingClass.plan).where(TrainingClass.plan.is_not(None))
                                       .distinct().order_by(TrainingClass.plan)) if p]


def class_years(session: Session) -> list[int]:
    return sorted({d.year for d in session.scalars(select(TrainingClass.start))}, reverse=True)


def get_class(session: Session, class_id: int) -> dict:
    tc = session.get(TrainingClass, class_id)
    if tc is None:
        raise DomainError("该培训班已被删除。")
    n = session.scalar(select(func.count()).select_from(Attendance).where(Attendance.class_id == class_id))
    return _class_dict(tc, n)


def check_class(data: dict) -> list[tuple[str, str]]:
    """Rules of one class that need no database: the errors as (attr, message)."""
    errors: list[tuple[str, str]] = []
    if not data.get("name"):
        errors.append(("name", "培训班名称不能为空"))
    _enum_errors(errors, "mode", data.get("mode"), TRAINING_MODES, CLASS_LABELS)
    if data.get("start") is None:
        errors.append(("start", "开始日期不能为空"))
    elif data.get("end") is not None and data["end"] < data["start"]:
        errors.append(("end", "结束日期不能早于开始日期"))
    if isinstance(data.get("hours"), Decimal) and data["hours"] < 0:
        errors.append(("hours", "学时不能为负数"))
    errors.extend(length_errors(TrainingClass, data, labelled=True))
    return errors


def save_class(session: Session, *, actor: Actor, name: str, start: dt.date | None, end: dt.date | None = None,
               organizer: str | None = None, mode: str | None = None, hours: Any = None, plan: str | None = None,
               class_id: int | None = None, version: int | None = None) -> int:
    require(actor, "edit")
    errors: list[tuple[str, str]] = []
    data = {"name": _blank(name), "organizer": _blank(organizer), "mode": _blank(mode), "start": start, "end": end,
            "plan": _blank(plan)}
    data["hours"] = _hours(errors, "hours", hours, "学时")
    errors = check_class(data) + errors
    if data["name"]:
        clash = session.scalar(select(TrainingClass).where(TrainingClass.name == data["name"]))
        if clash is not None and clash.id != class_id:
            errors.append(("name", f"培训班“{data['name']}”已存在"))
    _raise(errors)
    if class_id is None:
        tc = TrainingClass(**data)
        session.add(tc)
        session.flush()
        audit.record(session, actor, "新增", "training_class", tc.id, tc.name, None, class_snapshot(tc))
        return tc.id
    tc = session.get(TrainingClass, class_id)
    if tc is None:
        raise DomainError("该培训班已被删除。")
    if version is not None and tc.version != version:
        raise StaleEdit("该培训班已被他人修改，请刷新后再改。")
    before = class_snapshot(tc)
    for k, v in data.items():
        if getattr(tc, k) != v:
            setattr(tc, k, v)
    after = class_snapshot(tc)
    if before != after:
        audit.record(session, actor, "修改", "training_class", tc.id, tc.name, before, after)
    return tc.id


def class_delete_summary(session: Session, class_id: int) -> str:
    """What goes with a class when it is deleted, for the confirmation."""
    n = session.scalar(select(func.count()).select_from(Attendance).where(Attendance.class_id == class_id))
    return f"参训记录 {n} 条" if n else ""


def delete_class(session: Session, *, actor: Actor, class_id: int) -> None:
    require(actor, "edit")
    tc = session.get(TrainingClass, class_id)
    if tc is None:
        return
    before = class_snapshot(tc)
    names = [f"{n}（{i}）" for n, i in session.execute(
        select(Cadre.name, Cadre.id_number).join(Attendance, Attendance.cadre_id == Cadre.id)
        .where(Attendance.class_id == class_id).order_by(Cadre.name))]
    if names:
        before["参训人员"] = names
    audit.record(session, actor, "删除", "training_class", tc.id, tc.name, before, None)
    session.delete(tc)


# --- attendance ----------------------------------------------------------------------------


def attendance_snapshot(a: Attendance, class_name: str, cadre: Cadre) -> dict:
    return {"培训班名称": class_name, "身份证号": cadre.id_number, "姓名": cadre.name,
            "学时": _hours_text(a.hours), "是否结业": "是" if a.completed else "否"}


def _label(class_name: str, cadre_name: str) -> str:
    return f"{class_name}：{cadre_name}"


_ATTENDANCE_COLUMNS = (Attendance.id, Attendance.cadre_id, Cadre.name, Unit.name, Cadre.post, Cadre.id_number,
                       Attendance.hours, Attendance.completed, Attendance.version)


def _attendance_select(columns, class_id: int | None = None):
    q = (select(*columns).select_from(Attendance).join(Cadre, Attendance.cadre_id == Cadre.id)
         .outerjoin(Unit, Cadre.unit_id == Unit.id))
    if class_id is not None:
        q = q.where(Attendance.class_id == class_id)
    return q.order_by(func.coalesce(Unit.sort_order, 1 << 30), Unit.name, Cadre.name, Cadre.id)


def _attendance_dicts(session: Session, class_id: int, rows: list, cadre_ids: list[int] | None = None) -> list[dict]:
    """The rows (_ATTENDANCE_COLUMNS) with each cadre's completed hours in the class's year; those
    of `cadre_ids` only when given (a block of the list), else of everyone on the class's list."""
    from .settings import training_hours_required

    start = session.scalar(select(TrainingClass.start).where(TrainingClass.id == class_id))
    # the year's hours of those on this class's list (a subquery: a class may have thousands)
    on_list = cadre_ids if cadre_ids is not None else select(Attendance.cadre_id).where(Attendance.class_id == class_id)
    totals = dict(session.execute(
        select(Attendance.cadre_id, func.sum(Attendance.hours))
        .join(TrainingClass, Attendance.class_id == TrainingClass.id)
        .where(Attendance.completed.is_(True), *_year_span(start.year), Attendance.cadre_id.in_(on_list))
        .group_by(Attendance.cadre_id)).all()) if start and rows else {}
    required = training_hours_required(session)
    return [{"id": i, "cadre_id": c, "name": n, "unit": u, "post": p, "id_number": idn, "hours": h,
             "completed": bool(done), "version": v, "year": start.year if start else None,
             "year_hours": (totals.get(c) or Decimal(0)) if start else None, "required": required}
            for i, c, n, u, p, idn, h, done, v in rows]


def list_attendances(session: Session, class_id: int) -> list[dict]:
    """The class's attendance in the department's order (unit order, name), with each cadre's
    completed hours in the class's year (`year_hours`) against the required number (`required`)."""
    return _attendance_dicts(session, class_id, session.execute(_attendance_select(_ATTENDANCE_COLUMNS, class_id)).all())


def attendance_ids(session: Session, class_id: int) -> list[int]:
    """The ids of the class's attendance in list_attendances' order (rows: attendance_rows)."""
    return ordered_ids(session, _attendance_select((Attendance.id,), class_id))


def attendance_rows(session: Session, ids: list[int]) -> list[dict]:
    """list_attendances' rows of the attendance `ids` (of one class; those still there), in the
    order of `ids`."""
    class_id = session.scalar(select(Attendance.class_id).where(Attendance.id.in_(ids)).limit(1)) if ids else None
    if class_id is None:
        return []
    rows = session.execute(_attendance_select(_ATTENDANCE_COLUMNS).where(Attendance.id.in_(ids))).all()
    return in_order(_attendance_dicts(session, class_id, rows, sorted({r[1] for r in rows})), ids)


def attendance_summary(session: Session, class_id: int) -> dict:
    """The class's list in numbers: how many on it, how many completed, and the cadres on it."""
    n, done = session.execute(select(func.count(), func.count().filter(Attendance.completed.is_(True)))
                              .where(Attendance.class_id == class_id)).one()
    cadre_ids = list(session.scalars(select(Attendance.cadre_id).where(Attendance.class_id == class_id)))
    return {"count": n, "completed": done, "cadre_ids": cadre_ids}


def _year_span(year: int):
    return TrainingClass.start >= dt.date(year, 1, 1), TrainingClass.start <= dt.date(year, 12, 31)


def enough_hours_ids(year: int, required: int):
    """A subquery: ids of cadres whose completed training hours in `year` (by the class's start
    date) reach `required`."""
    return (select(Attendance.cadre_id).join(TrainingClass, Attendance.class_id == TrainingClass.id)
            .where(Attendance.completed.is_(True), *_year_span(year))
            .group_by(Attendance.cadre_id)
            .having(func.sum(Attendance.hours) >= Decimal(required)))


def year_hours(session: Session, year: int, cadre_ids: Iterable[int]) -> dict[int, Decimal]:
    """Each cadre's completed training hours in `year` (0 for none)."""
    ids = list(cadre_ids)
    got = dict(session.execute(
        select(Attendance.cadre_id, func.sum(Attendance.hours))
        .join(TrainingClass, Attendance.class_id == TrainingClass.id)
        .where(Attendance.completed.is_(True), Attendance.cadre_id.in_(ids), *_year_span(year))
        .group_by(Attendance.cadre_id)).all()) if ids else {}
    return {i: got.get(i) or Decimal(0) for i in ids}


def short_text(hours: Decimal, required: int) -> str:
    """`42（差48）` when short of the required hours, else `96`."""
    h = _hours_text(hours) or "0"
    return f"{h}（差{_hours_text(Decimal(required) - hours)}）" if required and hours < required else h


def add_attendances(session: Session, *, actor: Actor, class_id: int, cadre_ids: Iterable[int],
                    hours: Any = None, completed: bool = True) -> tuple[int, int]:
    """Put cadres on a class's list; nobody is added twice. Hours default to the class's hours.
    Returns (added, already on the list)."""
    require(actor, "edit")
    tc = session.get(TrainingClass, class_id)
    if tc is None:
        raise DomainError("该培训班已被删除。")
    errors: list = []
    h = _hours(errors, "hours", hours, "学时")
    _raise(errors)
    if h is None:
        h = tc.hours
    wanted = list(dict.fromkeys(cadre_ids))
    present = set(session.scalars(select(Attendance.cadre_id).where(Attendance.class_id == class_id)))
    new_ids = [c for c in wanted if c not in present]
    cadres = {c.id: c for c in session.scalars(select(Cadre).where(Cadre.id.in_(new_ids)))} if new_ids else {}
    missing = [c for c in new_ids if c not in cadres]
    if missing:
        raise DomainError(f"有 {len(missing)} 名干部的档案已被删除，请刷新后再选。")
    added = []
    for cid in new_ids:
        a = Attendance(class_id=class_id, cadre_id=cid, hours=h, completed=bool(completed))
        session.add(a)
        added.append(a)
    session.flush()
    for a in added:
        c = cadres[a.cadre_id]
        audit.record(session, actor, "新增", "attendance", a.id, _label(tc.name, c.name), None,
                     attendance_snapshot(a, tc.name, c))
    return len(added), len(wanted) - len(new_ids)


_KEEP = object()


def update_attendance(session: Session, *, actor: Actor, attendance_id: int, hours: Any = _KEEP,
                      completed: Any = _KEEP, version: int | None = None) -> None:
    """Change an attendance's hours and/or 是否结业; what is not given stays."""
    require(actor, "edit")
    a = session.get(Attendance, attendance_id)
    if a is None:
        raise DomainError("该参训记录已被删除。")
    if version is not None and a.version != version:
        raise StaleEdit("该参训记录已被他人修改，请刷新后再改。")
    errors: list = []
    new_hours = a.hours if hours is _KEEP else _hours(errors, "hours", hours, "学时")
    _raise(errors)
    c = session.get(Cadre, a.cadre_id)
    name = a.training_class.name
    before = attendance_snapshot(a, name, c)
    new_completed = a.completed if completed is _KEEP else bool(completed)
    if new_hours != a.hours:
        a.hours = new_hours
    if new_completed != a.completed:
        a.completed = new_completed
    after = attendance_snapshot(a, name, c)
    if before != after:
        audit.record(session, actor, "修改", "attendance", a.id, _label(name, c.name), before, after)


def remove_attendances(session: Session, *, actor: Actor, attendance_ids: Iterable[int]) -> int:
    require(actor, "edit")
    n = 0
    for aid in dict.fromkeys(attendance_ids):
        a = session.get(Attendance, aid)
        if a is None:
            continue
        c = session.get(Cadre, a.cadre_id)
        name = a.training_class.name
        audit.record(session, actor, "删除", "attendance", a.id, _label(name, c.name),
                     attendance_snapshot(a, name, c), None)
        session.delete(a)
        n += 1
    return n


def cadre_trainings(session: Session, cadre_id: int) -> list[dict]:
    """A cadre's classes, latest first: for the cadre's file."""
    rows = session.execute(
        select(Attendance.id, TrainingClass.id, TrainingClass.name, TrainingClass.organizer, TrainingClass.mode,
               TrainingClass.start, TrainingClass.end, TrainingClass.plan, Attendance.hours, Attendance.completed)
        .join(TrainingClass, Attendance.class_id == TrainingClass.id)
        .where(Attendance.cadre_id == cadre_id)
        .order_by(TrainingClass.start.desc(), TrainingClass.name)
    ).all()
    return [{"id": aid, "class_id": cid, "name": n, "organizer": o, "mode": m, "start": s, "end": e, "plan": p,
             "hours": h, "completed": bool(done)} for aid, cid, n, o, m, s, e, p, h, done in rows]


# --- postings ------------------------------------------------------------------------------


def posting_snapshot(p: Posting, cadre: Cadre) -> dict:
    return {"身份证号": cadre.id_number, "姓名": cadre.name, "类型": p.kind, "派驻单位或地点": p.place,
            "去向类别": p.destination, "任务领域": p.field, "开始日期": day_text(p.start), "结束日期": day_text(p.end),
            "表现评价": p.evaluation, "备注": p.notes}


def check_posting(data: dict) -> list[tuple[str, str]]:
    """Rules of one posting that need no database: the errors as (attr, message)."""
    errors: list[tuple[str, str]] = []
    kind = data.get("kind")
    if not kind:
        errors.append(("kind", "类型不能为空"))
    else:
        _enum_errors(errors, "kind", kind, POSTING_KINDS, POSTING_LABELS)
    dest = data.get("destination")
    if dest is not None:
        if kind in POSTING_KINDS and kind != SECONDMENT:
            errors.append(("destination", "只有挂职锻炼填写去向类别"))
        else:
            _enum_errors(errors, "destination", dest, DESTINATIONS, POSTING_LABELS)
    _enum_errors(errors, "field", data.get("field"), TASK_FIELDS, POSTING_LABELS)
    if kind == FRONTLINE and not data.get("field"):
        errors.append(("field", "一线任务须填写任务领域"))
    _enum_errors(errors, "evaluation", data.get("evaluation"), EVALUATIONS, POSTING_LABELS)
    if data.get("start") is None:
        errors.append(("start", "开始日期不能为空"))
    elif data.get("end") is not None and data["end"] < data["start"]:
        errors.append(("end", "结束日期不能早于开始日期"))
    errors.extend(length_errors(Posting, data, labelled=True))
    return errors


POSTING_ATTRS = ("kind", "place", "destination", "field", "start", "end", "evaluation", "notes")


def save_posting(session: Session, *, actor: Actor, data: dict, posting_id: int | None = None,
                 version: int | None = None) -> int:
    """Add or change a posting. `data`: cadre_id and the attrs of POSTING_ATTRS."""
    require(actor, "edit")
    d = {k: _blank(data.get(k)) for k in ("cadre_id", *POSTING_ATTRS)}
    errors = check_posting(d)
    cadre = session.get(Cadre, d["cadre_id"]) if d["cadre_id"] is not None else None
    if cadre is None:
        errors.insert(0, ("cadre_id", "请选择干部" if d["cadre_id"] is None else "该干部的档案已被删除"))
    elif not errors:
        clash = session.scalar(select(Posting).where(
            Posting.cadre_id == cadre.id, Posting.kind == d["kind"], Posting.start == d["start"],
            Posting.field.is_(None) if d["field"] is None else Posting.field == d["field"]))
        if clash is not None and clash.id != posting_id:
            errors.append(("start", f"{cadre.name}已有同一类型、任务领域和开始日期的记录"))
    _raise(errors)
    label = f"{cadre.name}：{d['kind']}"
    if posting_id is None:
        p = Posting(**d)
        session.add(p)
        session.flush()
        audit.record(session, actor, "新增", "posting", p.id, label, None, posting_snapshot(p, cadre))
        return p.id
    p = session.get(Posting, posting_id)
    if p is None:
        raise DomainError("该记录已被删除。")
    if version is not None and p.version != version:
        raise StaleEdit("该记录已被他人修改，请刷新后再改。")
    before = posting_snapshot(p, session.get(Cadre, p.cadre_id))
    for k, v in d.items():
        if getattr(p, k) != v:
            setattr(p, k, v)
    after = posting_snapshot(p, cadre)
    if before != after:
        audit.record(session, actor, "修改", "posting", p.id, label, before, after)
    return p.id


def delete_posting(session: Session, *, actor: Actor, posting_id: int) -> None:
    require(actor, "edit")
    p = session.get(Posting, posting_id)
    if p is None:
        return
    cadre = session.get(Cadre, p.cadre_id)
    audit.record(session, actor, "删除", "posting", p.id, f"{cadre.name}：{p.kind}", posting_snapshot(p, cadre), None)
    session.delete(p)


@dataclass
class PostingFilter:
    kind: str | None = None
    field: str | None = None
    # The period asked about: postings whose span [start, end or open] overlaps [since, until].
    since: dt.date | None = None
    until: dt.date | None = None
    under_way: bool = False  # end blank or not before today
    search: str = ""  # the cadre's name, pinyin, initials or ID number; or the place
    cadre_id: int | None = None
    today: dt.date = dc_field(default_factory=dt.date.today)


def _posting_where(flt: PostingFilter) -> list:
    conds = []
    if flt.kind:
        conds.append(Posting.kind == flt.kind)
    if flt.field:
        conds.append(Posting.field == flt.field)
    if flt.cadre_id is not None:
        conds.append(Posting.cadre_id == flt.cadre_id)
    if flt.since is not None:
        conds.append(or_(Posting.end.is_(None), Posting.end >= flt.since))
    if flt.until is not None:
        conds.append(Posting.start <= flt.until)
    if flt.under_way:
        conds.append(or_(Posting.end.is_(None), Posting.end >= flt.today))
    q = normalize_query(flt.search)
    if q:
        like = f"%{q}%"
        conds.append(or_(Cadre.search_text.like(like), func.lower(Cadre.id_number).like(like),
                         Cadre.name.like(f"%{flt.search.strip()}%"), Posting.place.like(f"%{flt.search.strip()}%")))
    return conds


_POSTING_COLUMNS = (Posting.id, Posting.cadre_id, Cadre.name, Cadre.id_number, Unit.name.label("unit"), Posting.kind,
                    Posting.place, Posting.destination, Posting.field, Posting.start, Posting.end, Posting.evaluation,
                    Posting.notes, Posting.version)


def _postings_select(columns, flt: PostingFilter):
    q = select(*columns).select_from(Posting).join(Cadre, Posting.cadre_id == Cadre.id) \
        .outerjoin(Unit, Cadre.unit_id == Unit.id)
    conds = _posting_where(flt)
    if conds:
        q = q.where(and_(*conds))
    return q.order_by(Posting.start.desc(), func.coalesce(Unit.sort_order, 1 << 30), Cadre.name, Posting.id)


def _posting_dicts(rows, today: dt.date) -> list[dict]:
    return [{"id": pid, "cadre_id": cid, "name": name, "id_number": idn, "unit": unit, "kind": kind, "place": place,
             "destination": destination, "field": field, "start": start, "end": end, "evaluation": evaluation,
             "notes": notes, "version": version, "under_way": end is None or end >= today}
            for pid, cid, name, idn, unit, kind, place, destination, field, start, end, evaluation, notes, version
            in rows]


def list_postings(session: Session, flt: PostingFilter | None = None) -> list[dict]:
    """Postings the filter selects, latest start first, then by the department's order."""
    flt = flt or PostingFilter()
    # columns, not Posting objects: tens of thousands of objects would set off the collector's
    # full passes, which stop every thread (the window's too) for hundreds of milliseconds
    return _posting_dicts(session.execute(_postings_select(_POSTING_COLUMNS, flt)), flt.today)


def posting_ids(session: Session, flt: PostingFilter) -> list[int]:
    """The ids of the postings list_postings lists, in its order (rows: posting_rows)."""
    return ordered_ids(session, _postings_select((Posting.id,), flt))


def posting_people(session: Session, flt: PostingFilter) -> int:
    """How many cadres the postings the filter selects are of."""
    q = select(func.count(Posting.cadre_id.distinct())).select_from(Posting).join(Cadre, Posting.cadre_id == Cadre.id)
    conds = _posting_where(flt)
    return session.scalar(q.where(and_(*conds)) if conds else q)


def posting_rows(session: Session, ids: list[int], today: dt.date | None = None) -> list[dict]:
    """list_postings' rows of the postings `ids` (those still there), in the order of `ids`."""
    if not ids:
        return []
    q = _postings_select(_POSTING_COLUMNS, PostingFilter()).where(Posting.id.in_(ids))
    return in_order(_posting_dicts(session.execute(q), today or dt.date.today()), ids)


def get_posting(session: Session, posting_id: int) -> dict:
    p = session.get(Posting, posting_id)
    if p is None:
        raise DomainError("该记录已被删除。")
    rows = list_postings(session, PostingFilter(cadre_id=p.cadre_id))
    return next(r for r in rows if r["id"] == posting_id)


def cadre_postings(session: Session, cadre_id: int) -> list[dict]:
    """A cadre's postings, latest first: for the cadre's file."""
    return list_postings(session, PostingFilter(cadre_id=cadre_id))
