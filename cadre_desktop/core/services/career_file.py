"""One cadre's career records gathered for reading: trainings, postings, appointments, awards,
care records, and a timeline that merges the resume with postings and appointments.

Read only: the records are written by their own services (training, postings, appointments,
honours, care); this module only queries the models.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ..models import Appointment, Attendance, Award, Cadre, CareRecord, CommendationBatch, Posting, TrainingClass
from ..values import DomainError, Month
from ..values import day_text as _day_text


day_text = _day_text


def _cadre(session: Session, cadre_id: int) -> Cadre:
    cadre = session.get(Cadre, cadre_id)
    if cadre is None:
        raise DomainError("该干部记录已被删除。")
    return cadre


def trainings(session: Session, cadre_id: int) -> list[dict]:
    rows = session.execute(
        select(Attendance, TrainingClass)
        .join(TrainingClass, Attendance.class_id == TrainingClass.id)
        .where(Attendance.cadre_id == cadre_id)
        .order_by(TrainingClass.start, TrainingClass.name)
    ).all()
    return [
        {"class_name": tc.name, "organizer": tc.organizer, "mode": tc.mode, "start": tc.start, "end": tc.end,
         "hours": a.hours if a.hours is not None else tc.hours, "completed": bool(a.completed), "plan": tc.plan}
        for a, tc in rows
    ]


def postings(session: Session, cadre_id: int) -> list[dict]:
    rows = session.scalars(
        select(Posting).where(Posting.cadre_id == cadre_id).order_by(Posting.start, Posting.id)
    ).all()
    return [
        {"kind": p.kind, "place": p.place, "destination": p.destination, "field": p.field, "start": p.start,
         "end": p.end, "evaluation": p.evaluation, "notes": p.notes}
        for p in rows
    ]


def appointments(session: Session, cadre_id: int) -> list[dict]:
    rows = session.scalars(
        select(Appointment).where(Appointment.cadre_id == cadre_id).order_by(Appointment.date, Appointment.id)
    ).all()
    return [
        {"date": a.date, "kind": a.kind, "old_post": a.old_post, "new_post": a.new_post,
         "new_unit": a.new_unit.name if a.new_unit else None, "new_rank": a.new_rank,
         "new_team_role": a.new_team_role, "frontline": bool(a.frontline), "frontline_field": a.frontline_field,
         "batch": a.batch, "doc_number": a.doc_number}
        for a in rows
    ]


def awards(session: Session, cadre: Cadre) -> list[dict]:
    """Individual awards of the cadre: linked to the record, or naming the cadre's ID number."""
    rows = session.execute(
        select(Award, CommendationBatch)
        .join(CommendationBatch, Award.batch_id == CommendationBatch.id)
        .where(or_(Award.cadre_id == cadre.id,
                   and_(Award.cadre_id.is_(None), Award.id_number == cadre.id_number)))
        .order_by(CommendationBatch.date, Award.id)
    ).all()
    return [
        {"batch_title": b.title, "doc_number": b.doc_number, "issuer": b.issuer, "date": b.date,
         "field": b.field, "honour": a.honour, "deeds": a.deeds}
        for a, b in rows
    ]


def care_records(session: Session, cadre_id: int) -> list[dict]:
    rows = session.scalars(
        select(CareRecord).where(CareRecord.cadre_id == cadre_id).order_by(CareRecord.date, CareRecord.id)
    ).all()
    return [{"kind": r.kind, "date": r.date, "days": r.days, "amount": r.amount, "notes": r.notes} for r in rows]


def career(session: Session, cadre_id: int) -> dict:
    """The cadre's records of training, postings, appointments, awards and care, each oldest first."""
    cadre = _cadre(session, cadre_id)
    return {
        "id": cadre.id, "name": cadre.name,
        "trainings": trainings(session, cadre_id),
        "postings": postings(session, cadre_id),
        "appointments": appointments(session, cadre_id),
        "awards": awards(session, cadre),
        "care_records": care_records(session, cadre_id),
    }


# --- the timeline -------------------------------------------------------------------------


def posting_text(p: dict) -> str:
    where = p["place"] or ""
    text = f"{p['kind']}：{where}" if where else p["kind"]
    extra = [x for x in (p.get("destination"), p.get("field")) if x]
    if extra:
        text += f"（{'，'.join(extra)}）"
    text += f"，至{day_text(p['end'])}" if p["end"] else "，至今"
    return text


def appointment_text(a: dict) -> str:
    if a["new_post"]:
        text = f"任{a['new_post']}"
    elif a["new_rank"]:
        text = f"晋升为{a['new_rank']}"
    else:
        text = a["kind"]
    if a["old_post"] and a["kind"] != "职级晋升":
        text += f"，免去{a['old_post']}"
    note = [a["kind"]] + ([a["doc_number"]] if a["doc_number"] else [])
    return f"{text}（{'，'.join(note)}）"


KIND_ORDER = {"简历": 0, "任用": 1, "挂职驻村": 2}


def timeline(session: Session, cadre_id: int) -> list[dict]:
    """The cadre's career in date order: resume lines (months), postings and appointments (days).

    Each entry: `when` (a Month or a date), `month` (its Month, for sorting and grouping), `kind`
    (简历 / 任用 / 挂职驻村), `text`, and `time` (as printed: `2019.03`, `2019.03—2021.06` for a
    resume line, `2019.03.15` for a day). Within one month a resume line comes before the day
    events of that month; entries of one kind keep their own order.
    """
    cadre = _cadre(session, cadre_id)
    entries: list[dict] = []
    for r in cadre.resumes:
        time = f"{r.start}—{r.end}" if r.end else f"{r.start}—至今"
        entries.append({"when": r.start, "month": r.start, "kind": "简历", "text": r.text, "time": time})
    for a in appointments(session, cadre_id):
        entries.append({"when": a["date"], "month": Month.of(a["date"]), "kind": "任用",
                        "text": appointment_text(a), "time": day_text(a["date"])})
    for p in postings(session, cadre_id):
        entries.append({"when": p["start"], "month": Month.of(p["start"]), "kind": "挂职驻村",
                        "text": posting_text(p), "time": day_text(p["start"])})

    def key(e: dict):
        day = e["when"].day if isinstance(e["when"], dt.date) else 0
        return (e["month"], day, KIND_ORDER[e["kind"]])

    entries.sort(key=key)  # stable: resume lines keep their order within a month
    return entries


def hours_text(hours: Decimal | None) -> str:
    if hours is None:
        return ""
    return f"{hours.normalize():f}" if hours == hours.to_integral_value() else f"{hours:f}"
