"""Using cadres (选拔任用): appointments, batches and the one-sixth rule, applying an appointment to
the cadre's file.

An appointment is a history record: saving it never changes the cadre. Only `apply_to_cadre`,
called when the clerk confirms, updates the cadre's unit, post, rank and team role and appends a
resume line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import Integer, extract, or_, select, type_coerce
from sqlalchemy.orm import Session

from ..db import in_order, ordered_ids
from ..models import Appointment, Cadre, Unit
from ..values import RANKS, DomainError, Month, StaleEdit, age_at, day_text, fold_code
from . import audit, cadres, settings
from .accounts import Actor, require
from .development import TASK_FIELDS
from .labels import length_errors

KINDS = ("提拔任用", "进一步使用", "平职交流", "职级晋升")
PROMOTION = "提拔任用"
FRONTLINE_FIELDS = TASK_FIELDS  # 一线领域 takes the task fields of postings (domain.md)
SHARE_NUMERATOR, SHARE_DENOMINATOR = 1, 6  # 每批次提拔优秀年轻干部比例不少于六分之一

FIELDS = (
    ("date", "任职日期"), ("kind", "任用类型"), ("old_post", "原职务"), ("new_post", "新职务"),
    ("new_unit", "新单位"), ("new_rank", "新职级"), ("new_team_role", "新班子职务"),
    ("frontline", "是否一线干部"), ("frontline_field", "一线领域"), ("batch", "批次"), ("doc_number", "任免文号"),
)


def _day(d: dt.date | None) -> str | None:
    return day_text(d) or None


def snapshot(a: Appointment, unit_name: str | None = None) -> dict:
    """The audit form of an appointment: labels to printable values."""
    unit = unit_name if unit_name is not None else (a.new_unit.name if a.new_unit else None)
    return {
        "任职日期": _day(a.date), "任用类型": a.kind, "原职务": a.old_post, "新职务": a.new_post, "新单位": unit,
        "新职级": a.new_rank, "新班子职务": a.new_team_role, "是否一线干部": "是" if a.frontline else "否",
        "一线领域": a.frontline_field, "批次": a.batch, "任免文号": a.doc_number,
    }


def label(cadre: Cadre, a: Appointment) -> str:
    return f"{cadre.name}（{cadre.id_number}）{_day(a.date)} {a.kind}"


def _clean(v):
    if isinstance(v, str):
        return v.strip() or None
    return v


def validate(data: dict) -> list[tuple[str, str]]:
    """Rules of one appointment that need no database. Returns (attr, message) pairs."""
    errors = []
    if not data.get("cadre_id"):
        errors.append(("cadre_id", "请选择干部"))
    if not isinstance(data.get("date"), dt.date):
        errors.append(("date", "任职日期不能为空"))
    elif data["date"] > dt.date.today() + dt.timedelta(days=366):
        errors.append(("date", "任职日期不能晚于明年今日"))
    if data.get("kind") not in KINDS:
        errors.append(("kind", f"任用类型应为：{' / '.join(KINDS)}"))
    field = _clean(data.get("frontline_field"))
    if field and not data.get("frontline"):
        errors.append(("frontline_field", "只有一线干部才填写一线领域（请先勾选“是否一线干部”）"))
    if field and field not in FRONTLINE_FIELDS:
        errors.append(("frontline_field", f"一线领域应为：{' / '.join(FRONTLINE_FIELDS)}"))
    rank = _clean(data.get("new_rank"))
    if rank and fold_code("rank", rank) is None:
        errors.append(("new_rank", f"新职级“{rank}”不在可选值中，应为：{' / '.join(RANKS)}"))
    if data.get("kind") == "职级晋升" and not rank:
        errors.append(("new_rank", "职级晋升须填写新职级"))
    errors.extend(length_errors(Appointment, data, labelled=True))
    return errors


def save_appointment(session: Session, *, actor: Actor, data: dict, appointment_id: int | None = None,
                     version: int | None = None) -> int:
    """Create or update an appointment. `data`: cadre_id, date, kind, old_post, new_post, new_unit_id,
    new_rank, new_team_role, frontline, frontline_field, batch, doc_number. Never changes the cadre."""
    require(actor, "edit")
    data = {k: _clean(v) for k, v in data.items()}
    if data.get("new_rank"):
        data["new_rank"] = fold_code("rank", data["new_rank"]) or data["new_rank"]
    errors = validate(data)
    cadre = session.get(Cadre, data["cadre_id"]) if data.get("cadre_id") else None
    if data.get("cadre_id") and cadre is None:
        errors.append(("cadre_id", "该干部记录已被删除"))
    unit = None
    if data.get("new_unit_id") is not None:
        unit = session.get(Unit, data["new_unit_id"])
        if unit is None:
            errors.append(("new_unit_id", "新单位不存在"))
    if cadre is not None and not errors:
        clash = session.scalar(select(Appointment).where(
            Appointment.cadre_id == cadre.id, Appointment.date == data["date"], Appointment.kind == data["kind"]))
        if clash is not None and clash.id != appointment_id:
            errors.append(("date", f"{cadre.name}在{_day(data['date'])}已有一条{data['kind']}记录"))
    if errors:
        raise DomainError("；".join(m for _, m in errors), errors=errors)
    values = {k: data.get(k) for k in ("date", "kind", "old_post", "new_post", "new_rank", "new_team_role",
                                       "frontline_field", "batch", "doc_number")}
    values["frontline"] = bool(data.get("frontline"))
    values["new_unit_id"] = unit.id if unit else None
    if appointment_id is None:
        a = Appointment(cadre_id=cadre.id, **values)
        session.add(a)
        session.flush()
        audit.record(session, actor, "新增", "appointment", a.id, label(cadre, a), None, snapshot(a))
        return a.id
    a = session.get(Appointment, appointment_id)
    if a is None:
        raise DomainError("该任用记录已被删除。")
    if version is not None and a.version != version:
        raise StaleEdit("该任用记录已被他人修改，请刷新后再改。")
    before = snapshot(a)
    a.cadre_id = cadre.id
    for k, v in values.items():
        setattr(a, k, v)
    session.flush()
    session.refresh(a, ["new_unit"])
    after = snapshot(a)
    audit.record_change(session, actor, "修改", "appointment", a.id, label(cadre, a), before, after)
    return a.id


def delete_appointment(session: Session, *, actor: Actor, appointment_id: int) -> None:
    require(actor, "edit")
    a = session.get(Appointment, appointment_id)
    if a is None:
        return
    audit.record(session, actor, "删除", "appointment", a.id, label(a.cadre, a), snapshot(a), None)
    session.delete(a)


# --- reading ------------------------------------------------------------------------------


def _row(a, cadre, unit_name: str | None, current_unit: str | None, bound: int) -> dict:
    """An appointment as the pages show it; `a` and `cadre` are the records or any objects with
    their attributes (the columns of one query row, see list_appointments). Plain values only
    (the age, not the birth month): the collector then never walks the rows of a long list."""
    age = age_at(cadre.birth, a.date)
    return {
        "id": a.id, "version": a.version, "cadre_id": cadre.id, "name": cadre.name, "id_number": cadre.id_number,
        "age": age, "young": age is not None and age <= bound, "date": a.date,
        "kind": a.kind, "old_post": a.old_post, "new_post": a.new_post, "new_unit_id": a.new_unit_id,
        "new_unit": unit_name, "current_unit": current_unit, "new_rank": a.new_rank,
        "new_team_role": a.new_team_role, "frontline": a.frontline, "frontline_field": a.frontline_field,
        "batch": a.batch, "doc_number": a.doc_number,
    }


class _Cadre:
    """The cadre's columns of a list_appointments row, read as the record's attributes."""

    __slots__ = ("id", "name", "id_number", "birth")

    def __init__(self, row, months: dict[int, Month]):
        self.id, self.name, self.id_number = row.cadre_id, row.name, row.id_number
        code = row.birth_code
        self.birth = None if code is None else months.get(code) or months.setdefault(code, Month.from_code(code))


def _appointments_select(*, kind: str | None = None, batch: str | None = None, year: int | None = None,
                         frontline: bool | None = None, text: str | None = None, cadre_id: int | None = None,
                         no_batch: bool = False, ids_only: bool = False):
    NewUnit = Unit.__table__.alias("new_unit")
    CurUnit = Unit.__table__.alias("cur_unit")
    # columns, not Appointment and Cadre objects: tens of thousands of objects would set off the
    # collector's full passes, which stop every thread (the window's too) for hundreds of ms
    columns = (Appointment.id,) if ids_only else (
        Appointment.id, Appointment.version, Appointment.date, Appointment.kind, Appointment.old_post,
        Appointment.new_post, Appointment.new_unit_id, Appointment.new_rank, Appointment.new_team_role,
        Appointment.frontline, Appointment.frontline_field, Appointment.batch, Appointment.doc_number,
        Cadre.id.label("cadre_id"), Cadre.name, Cadre.id_number,
        # the month's code: a Month object in each of thousands of rows keeps them all
        # tracked by the collector (see _row)
        type_coerce(Cadre.birth, Integer).label("birth_code"),
        NewUnit.c.name.label("unit_name"), CurUnit.c.name.label("current_unit"))
    q = select(*columns).select_from(Appointment).join(Cadre, Appointment.cadre_id == Cadre.id)
    if not ids_only:
        q = (q.outerjoin(NewUnit, Appointment.new_unit_id == NewUnit.c.id)
             .outerjoin(CurUnit, Cadre.unit_id == CurUnit.c.id))
    if kind:
        q = q.where(Appointment.kind == kind)
    if batch:
        q = q.where(Appointment.batch == batch)
    if no_batch:
        q = q.where(Appointment.batch.is_(None))
    if year:
        q = q.where(extract("year", Appointment.date) == year)
    if frontline is not None:
        q = q.where(Appointment.frontline.is_(frontline))
    if cadre_id is not None:
        q = q.where(Appointment.cadre_id == cadre_id)
    if text and text.strip():
        like = f"%{text.strip()}%"
        q = q.where(or_(Cadre.name.like(like), Cadre.id_number.like(like), Appointment.new_post.like(like),
                        Appointment.old_post.like(like), Appointment.doc_number.like(like)))
    return q.order_by(Appointment.date.desc(), Cadre.name, Appointment.id)


def _appointment_dicts(session: Session, q) -> list[dict]:
    bound = settings.young_age(session)
    months: dict[int, Month] = {}
    return [_row(r, _Cadre(r, months), r.unit_name, r.current_unit, bound) for r in session.execute(q)]


def list_appointments(session: Session, *, kind: str | None = None, batch: str | None = None,
                      year: int | None = None, frontline: bool | None = None, text: str | None = None,
                      cadre_id: int | None = None, no_batch: bool = False) -> list[dict]:
    """Appointments, newest first, with the cadre's name and whether they were young at the date."""
    return _appointment_dicts(session, _appointments_select(kind=kind, batch=batch, year=year, frontline=frontline,
                                                            text=text, cadre_id=cadre_id, no_batch=no_batch))


def appointment_ids(session: Session, **filters) -> list[int]:
    """The ids of the appointments list_appointments lists for these filters, in its order (rows:
    appointment_rows)."""
    return ordered_ids(session, _appointments_select(**filters, ids_only=True))


def appointment_rows(session: Session, ids: list[int]) -> list[dict]:
    """list_appointments' rows of the appointments `ids` (those still there), in the order of `ids`."""
    if not ids:
        return []
    return in_order(_appointment_dicts(session, _appointments_select().where(Appointment.id.in_(ids))), ids)


def appointment_years(session: Session) -> list[int]:
    """The years that have appointments, latest first."""
    return sorted({d.year for d in session.scalars(select(Appointment.date).distinct()) if d}, reverse=True)


def cadre_appointments(session: Session, cadre_id: int) -> list[dict]:
    return list(reversed(list_appointments(session, cadre_id=cadre_id)))


def get_appointment(session: Session, appointment_id: int) -> dict:
    a = session.get(Appointment, appointment_id)
    if a is None:
        raise DomainError("该任用记录已被删除。")
    return _row(a, a.cadre, a.new_unit.name if a.new_unit else None, a.cadre.unit.name if a.cadre.unit else None,
                settings.young_age(session))


# --- batches and the one-sixth rule -------------------------------------------------------


@dataclass
class Share:
    """The young share of the 提拔任用 of one batch."""

    total: int
    young: int
    young_names: list[str]

    @property
    def share(self) -> float:
        return self.young / self.total if self.total else 0.0

    @property
    def complies(self) -> bool:
        """At least one sixth young; exactly one sixth complies (integer arithmetic, no rounding)."""
        return self.young * SHARE_DENOMINATOR >= self.total * SHARE_NUMERATOR

    def text(self) -> str:
        """`年轻干部 2/9（22.2%），符合六分之一`."""
        if not self.total:
            return "本批次暂无提拔任用"
        verdict = "符合六分之一" if self.complies else "不足六分之一"
        return f"年轻干部 {self.young}/{self.total}（{self.share * 100:.1f}%），{verdict}"


def young_share(session: Session, items: Iterable[tuple]) -> Share:
    """The share for a batch being built, before anything is saved.

    `items`: (cadre_id, date) or (cadre_id, date, kind); with a kind, only 提拔任用 count. A cadre is
    young when aged at most the setting's bound (35 by default) at the appointment date."""
    items = [it for it in items if len(it) < 3 or it[2] == PROMOTION]
    bound = settings.young_age(session)
    ids = {it[0] for it in items}
    people = {c.id: c for c in session.scalars(select(Cadre).where(Cadre.id.in_(ids)))} if ids else {}
    young_names = []
    for it in items:
        c = people.get(it[0])
        if c is None or it[1] is None:
            continue
        age = age_at(c.birth, it[1])
        if age is not None and age <= bound:
            young_names.append(c.name)
    return Share(total=len(items), young=len(young_names), young_names=young_names)


def batch_summary(session: Session, batch: str) -> dict:
    """A batch's 提拔任用: count, young count (young at the appointment date), share, whether it
    meets one sixth, and the names of the young."""
    rows = list_appointments(session, batch=batch)
    promoted = [r for r in rows if r["kind"] == PROMOTION]
    share = Share(total=len(promoted), young=sum(r["young"] for r in promoted),
                  young_names=[r["name"] for r in promoted if r["young"]])
    dates = [r["date"] for r in rows]
    return {
        "batch": batch, "appointments": len(rows), "total": share.total, "young": share.young,
        "share": share.share, "complies": share.complies, "young_names": share.young_names, "text": share.text(),
        "date": min(dates) if dates else None, "doc_numbers": sorted({r["doc_number"] for r in rows if r["doc_number"]}),
    }


def list_batches(session: Session) -> list[dict]:
    """Every named batch with its summary, newest first (a blank 批次 is not a batch)."""
    names = session.scalars(select(Appointment.batch).where(Appointment.batch.is_not(None)).distinct())
    out = [batch_summary(session, n) for n in names]
    out.sort(key=lambda b: (b["date"] or dt.date.min, b["batch"]), reverse=True)
    return out


# --- applying an appointment to the cadre's file ------------------------------------------


def _resume_text(unit_name: str | None, post: str | None, rank: str | None) -> str:
    post = post or ""
    text = post if unit_name and post.startswith(unit_name) else f"{unit_name or ''}{post}"
    if rank and rank not in text:
        text = f"{text}（{rank}）" if text else rank
    return text


def apply_to_cadre(session: Session, *, actor: Actor, appointment_id: int) -> bool:
    """Update the cadre's unit (the new unit, or the current one when blank), post (new post) and
    任现职务时间, rank (new rank, when given) and 任现职级时间 (the appointment's month, when the post or
    rank changes) and team role (new team role; a 职级晋升 keeps the seat), and append a resume
    line from the appointment's month to 至今 (text: new unit + new post), closing the previous open
    line at that month. Called only when the clerk confirms; audited through save_cadre. Returns
    whether anything changed (applying twice changes nothing the second time)."""
    require(actor, "edit")
    a = session.get(Appointment, appointment_id)
    if a is None:
        raise DomainError("该任用记录已被删除。")
    cadre = a.cadre
    data: dict = {}
    unit_id = a.new_unit_id or cadre.unit_id
    unit = session.get(Unit, unit_id) if unit_id else None
    data["unit_id"] = unit_id
    month = Month.of(a.date)
    if a.new_post:
        data["post"] = a.new_post
        if a.new_post != cadre.post or cadre.post_since is None:
            data["post_since"] = month  # 任现职务时间
    if a.new_rank:
        data["rank"] = a.new_rank
        if a.new_rank != cadre.rank or cadre.rank_since is None:
            data["rank_since"] = month  # 任现职级时间
    if a.kind != "职级晋升":
        data["team_role"] = a.new_team_role
    text = _resume_text(unit.name if unit else None, a.new_post or cadre.post, a.new_rank if not a.new_post else None)
    resumes = cadres.list_items(cadre, "resumes")
    if not any(r["start"] == month and r["text"] == text for r in resumes):
        for r in resumes:
            if r["end"] is None and r["start"] <= month:
                r["end"] = month
        resumes.append({"start": month, "end": None, "text": text})
        resumes.sort(key=lambda r: r["start"])
        data["resumes"] = resumes
    before = cadre.version
    cadres.save_cadre(session, actor=actor, data=data, cadre_id=cadre.id)
    session.flush()
    return cadre.version != before
