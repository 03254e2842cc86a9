"""The display rows of the records behind a figure (`records`), fetched in batches."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from ...db import chunks
from ...models import (
    Appointment, Attendance, Award, Cadre, CareRecord, CommendationBatch, MentoringRecord, MentorPair, Posting,
    ToleranceCase, TrainingClass, Unit, Visit,
)
from .base import _day


def _age(birth, at: dt.date):
    from ...values import age_at

    return age_at(birth, at)


def _chunks(ids: list[int], n: int = 5000):
    """The distinct ids, in slices for IN lists (db.chunks)."""
    return chunks(list(dict.fromkeys(i for i in ids if i is not None)), n)


CADRE_COLS = [("姓名", "name"), ("性别", "sex"), ("出生年月", "birth"), ("单位", "unit"), ("现任职务", "post"),
              ("层级", "level"), ("人员状态", "status")]


def records(session: Session, record: str, ids: list[int]) -> tuple[list[tuple[str, str]], list[dict]]:
    """The display rows of records of one kind, fetched in batches (never one query per record)."""
    rows: list[dict] = []
    U = aliased(Unit)
    if record == "cadre":
        for part in _chunks(ids):
            q = (select(Cadre.id, Cadre.name, Cadre.sex, Cadre.birth, U.name, Cadre.post, Cadre.level, Cadre.status)
                 .outerjoin(U, U.id == Cadre.unit_id).where(Cadre.id.in_(part)))
            for cid, name, sex, birth, unit, post, level, status in session.execute(q):
                rows.append({"cadre_id": cid, "name": name, "sex": sex, "birth": str(birth) if birth else "",
                             "unit": unit or "", "post": post or "", "level": level or "", "status": status,
                             "_order": (unit or "", name)})
        return CADRE_COLS, _sorted(rows)
    if record == "unit":
        for part in _chunks(ids):
            for u in session.scalars(select(Unit).where(Unit.id.in_(part))):
                rows.append({"name": u.name, "kind": u.kind, "_order": (u.sort_order, u.name)})
        return [("单位", "name"), ("类别", "kind")], _sorted(rows)
    if record == "attendance":
        for part in _chunks(ids):
            q = (select(Attendance.hours, TrainingClass.name, TrainingClass.start, TrainingClass.hours, Cadre.id,
                        Cadre.name, U.name)
                 .join(TrainingClass, TrainingClass.id == Attendance.class_id)
                 .join(Cadre, Cadre.id == Attendance.cadre_id).outerjoin(U, U.id == Cadre.unit_id)
                 .where(Attendance.id.in_(part)))
            for a_hours, c_name, c_start, c_hours, cid, name, unit in session.execute(q):
                h = a_hours if a_hours is not None else c_hours
                rows.append({"cadre_id": cid, "name": name, "unit": unit or "", "class": c_name,
                             "start": _day(c_start), "hours": "" if h is None else f"{h}",
                             "_order": (c_start, c_name, unit or "", name)})
        return [("姓名", "name"), ("单位", "unit"), ("培训班", "class"), ("开班日期", "start"), ("学时", "hours")], _sorted(rows)
    if record == "training_class":
        for part in _chunks(ids):
            n = dict(session.execute(select(Attendance.class_id, func.count()).where(Attendance.class_id.in_(part))
                                     .group_by(Attendance.class_id)).all())
            for tc in session.scalars(select(TrainingClass).where(TrainingClass.id.in_(part))):
                rows.append({"name": tc.name, "organizer": tc.organizer or "", "mode": tc.mode or "",
                             "start": _day(tc.start), "end": _day(tc.end), "hours": "" if tc.hours is None else f"{tc.hours}",
                             "attendances": n.get(tc.id, 0), "_order": (tc.start, tc.name)})
        return [("培训班", "name"), ("主办单位", "organizer"), ("形式", "mode"), ("开始日期", "start"),
                ("结束日期", "end"), ("学时", "hours"), ("参训人次", "attendances")], _sorted(rows)
    if record == "posting":
        for part in _chunks(ids):
            q = (select(Posting, Cadre, U.name).join(Cadre, Cadre.id == Posting.cadre_id)
                 .outerjoin(U, U.id == Cadre.unit_id).where(Posting.id.in_(part)))
            for po, c, unit in session.execute(q):
                rows.append({"cadre_id": c.id, "name": c.name, "unit": unit or "", "level": c.level or "",
                             "kind": po.kind, "place": po.place or "", "class": po.destination or po.field or "",
                             "start": _day(po.start), "end": _day(po.end) or "至今", "_order": (po.start, c.name)})
        return [("姓名", "name"), ("单位", "unit"), ("层级", "level"), ("类型", "kind"), ("派驻单位或地点", "place"),
                ("去向/领域", "class"), ("开始", "start"), ("结束", "end")], _sorted(rows)
    if record == "appointment":
        for part in _chunks(ids):
            N = aliased(Unit)
            q = (select(Appointment, Cadre, U.name, N.name).join(Cadre, Cadre.id == Appointment.cadre_id)
                 .outerjoin(U, U.id == Cadre.unit_id).outerjoin(N, N.id == Appointment.new_unit_id)
                 .where(Appointment.id.in_(part)))
            for a, c, unit, new_unit in session.execute(q):
                age = _age(c.birth, a.date)
                rows.append({"cadre_id": c.id, "name": c.name, "sex": c.sex, "date": _day(a.date), "kind": a.kind,
                             "age": "" if age is None else age, "new_post": a.new_post or "",
                             "new_unit": new_unit or unit or "", "role": a.new_team_role or "",
                             "five": c.five_category or "", "batch": a.batch or "", "_order": (a.date, c.name)})
        return [("姓名", "name"), ("性别", "sex"), ("任用日期", "date"), ("任用时年龄", "age"), ("类型", "kind"),
                ("新任职务", "new_post"), ("新单位", "new_unit"), ("新班子职务", "role"), ("五类人员", "five"),
                ("批次", "batch")], _sorted(rows)
    if record == "batch":
        for part in _chunks(ids):
            n = {}
            for bid, kind, cnt in session.execute(select(Award.batch_id, Award.target_kind, func.count())
                                                  .where(Award.batch_id.in_(part)).group_by(Award.batch_id, Award.target_kind)):
                n[(bid, kind)] = cnt
            for b in session.scalars(select(CommendationBatch).where(CommendationBatch.id.in_(part))):
                rows.append({"title": b.title, "issuer": b.issuer or "", "doc": b.doc_number or "", "date": _day(b.date),
                             "field": b.field or "", "collectives": n.get((b.id, "集体"), 0),
                             "individuals": n.get((b.id, "个人"), 0), "_order": (b.date, b.title)})
        return [("通报", "title"), ("发文机关", "issuer"), ("文号", "doc"), ("日期", "date"), ("表彰领域", "field"),
                ("先进集体", "collectives"), ("先进个人", "individuals")], _sorted(rows)
    if record == "award":
        for part in _chunks(ids):
            q = (select(Award, CommendationBatch).join(CommendationBatch, CommendationBatch.id == Award.batch_id)
                 .where(Award.id.in_(part)))
            for a, b in session.execute(q):
                rows.append({"cadre_id": a.cadre_id, "name": a.target_name, "kind": a.target_kind,
                             "unit_post": a.unit_post or "", "honour": a.honour, "batch": b.title, "date": _day(b.date),
                             "_order": (b.date, b.title, a.id)})
        return [("对象", "name"), ("类型", "kind"), ("单位及职务", "unit_post"), ("称号", "honour"), ("通报", "batch"),
                ("日期", "date")], _sorted(rows)
    if record == "pair":
        Mentor, Mentee = aliased(Cadre), aliased(Cadre)
        for part in _chunks(ids):
            q = (select(MentorPair, Mentor.name, Mentee.name, Mentee.id).join(Mentor, Mentor.id == MentorPair.mentor_id)
                 .join(Mentee, Mentee.id == MentorPair.mentee_id).where(MentorPair.id.in_(part)))
            for pr, mentor, mentee, mentee_id in session.execute(q):
                rows.append({"cadre_id": mentee_id, "pair_id": pr.id, "mentor": mentor, "mentee": mentee, "kind": pr.kind,
                             "role": pr.role or "", "start": _day(pr.start), "end": _day(pr.end) or "至今",
                             "_order": (mentor, pr.start, mentee)})
        return [("帮带人", "mentor"), ("被帮带人", "mentee"), ("结对类型", "kind"), ("导师类别", "role"),
                ("开始", "start"), ("结束", "end")], _sorted(rows)
    if record == "mentoring_record":
        Mentor, Mentee = aliased(Cadre), aliased(Cadre)
        for part in _chunks(ids):
            q = (select(MentoringRecord, Mentor.name, Mentee.name, Mentee.id)
                 .join(MentorPair, MentorPair.id == MentoringRecord.pair_id)
                 .join(Mentor, Mentor.id == MentorPair.mentor_id).join(Mentee, Mentee.id == MentorPair.mentee_id)
                 .where(MentoringRecord.id.in_(part)))
            for r, mentor, mentee, mentee_id in session.execute(q):
                rows.append({"cadre_id": mentee_id, "date": _day(r.date), "kind": r.kind, "mentor": mentor,
                             "mentee": mentee, "content": r.content or "", "_order": (r.date, mentor)})
        return [("日期", "date"), ("类型", "kind"), ("帮带人", "mentor"), ("被帮带人", "mentee"),
                ("内容", "content")], _sorted(rows)
    if record == "case":
        for part in _chunks(ids):
            q = select(ToleranceCase, Cadre.name).join(Cadre, Cadre.id == ToleranceCase.cadre_id).where(ToleranceCase.id.in_(part))
            for t, name in session.execute(q):
                rows.append({"cadre_id": t.cadre_id, "name": name, "matter": t.matter, "colour": t.colour or "",
                             "decided": _day(t.decided), "status": t.correction_status or "",
                             "_order": (t.decided or dt.date.min, name)})
        return [("姓名", "name"), ("事项", "matter"), ("颜色", "colour"), ("认定日期", "decided"),
                ("整改状态", "status")], _sorted(rows)
    if record == "visit":
        for part in _chunks(ids):
            for v in session.scalars(select(Visit).where(Visit.id.in_(part))):
                rows.append({"name": v.name, "id_number": v.id_number or "", "category": v.category, "date": _day(v.date),
                             "amount": "" if v.amount is None else f"{v.amount:.2f}", "visitor": v.visitor or "",
                             "_order": (v.date, v.name)})
        return [("姓名", "name"), ("身份证号", "id_number"), ("对象类别", "category"), ("日期", "date"),
                ("金额（元）", "amount"), ("慰问人", "visitor")], _sorted(rows)
    if record == "care_record":
        for part in _chunks(ids):
            q = (select(CareRecord, Cadre.name, U.name).join(Cadre, Cadre.id == CareRecord.cadre_id)
                 .outerjoin(U, U.id == Cadre.unit_id).where(CareRecord.id.in_(part)))
            for r, name, unit in session.execute(q):
                rows.append({"cadre_id": r.cadre_id, "name": name, "unit": unit or "", "kind": r.kind,
                             "date": _day(r.date), "_order": (r.date, name)})
        return [("姓名", "name"), ("单位", "unit"), ("类型", "kind"), ("日期", "date")], _sorted(rows)
    raise ValueError(record)


def _sorted(rows: list[dict]) -> list[dict]:
    rows.sort(key=lambda r: r.pop("_order"))
    return rows
