"""Honouring cadres (通报表扬): commendation batches, their collective and individual awards, and
the allocation of places among units (`名额分配向一线倾斜`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Iterable, Sequence

from sqlalchemy import extract, func, or_, select
from sqlalchemy.orm import Session

from ..models import Appointment, Award, Cadre, CommendationBatch, Posting, Unit
from ..values import DomainError, StaleEdit, day_text
from . import audit
from .accounts import Actor, require

TARGET_KINDS = ("集体", "个人")
HONOURS = ("先进集体", "先进个人", "人民满意公务员", "优秀共产党员", "优秀党务工作者", "先进基层党组织")
BATCH_FIELDS = (("title", "通报名称"), ("issuer", "发文机关"), ("doc_number", "文号"), ("date", "日期"),
                ("field", "表彰领域"), ("addressee", "主送机关"), ("body", "通报正文"))
FRONTLINE_YEARS = 3


def _day(d: dt.date | None) -> str | None:
    return day_text(d) or None


def _clean(v):
    if isinstance(v, str):
        return v.strip() or None
    return v


# --- batches ------------------------------------------------------------------------------


def batch_snapshot(b: CommendationBatch) -> dict:
    return {lbl: (_day(getattr(b, k)) if k == "date" else getattr(b, k)) for k, lbl in BATCH_FIELDS}


def batch_label(b: CommendationBatch) -> str:
    return f"{b.title}（{b.doc_number}）" if b.doc_number else b.title


def batch_dict(b: CommendationBatch, collective: int = 0, individual: int = 0) -> dict:
    d = {k: getattr(b, k) for k, _ in BATCH_FIELDS}
    d.update(id=b.id, version=b.version, collective=collective, individual=individual)
    return d


def list_batches(session: Session, *, year: int | None = None, text: str | None = None) -> list[dict]:
    """Batches, newest first, with their counts of collective and individual awards."""
    counts: dict[tuple[int, str], int] = {
        (bid, kind): n for bid, kind, n in session.execute(
            select(Award.batch_id, Award.target_kind, func.count()).group_by(Award.batch_id, Award.target_kind))
    }
    q = select(CommendationBatch).order_by(CommendationBatch.date.desc(), CommendationBatch.id.desc())
    if year:
        q = q.where(extract("year", CommendationBatch.date) == year)
    if text and text.strip():
        like = f"%{text.strip()}%"
        q = q.where(or_(CommendationBatch.title.like(like), CommendationBatch.doc_number.like(like),
                        CommendationBatch.field.like(like), CommendationBatch.issuer.like(like)))
    return [batch_dict(b, counts.get((b.id, "集体"), 0), counts.get((b.id, "个人"), 0)) for b in session.scalars(q)]


def get_batch(session: Session, batch_id: int) -> dict:
    b = session.get(CommendationBatch, batch_id)
    if b is None:
        raise DomainError("该表彰通报已被删除。")
    return batch_dict(b)


def check_batch(data: dict) -> list[tuple[str, str]]:
    """The rules of one batch that need no database (the window marks these fields required)."""
    errors = []
    if not data.get("title"):
        errors.append(("title", "通报名称不能为空"))
    if not isinstance(data.get("date"), dt.date):
        errors.append(("date", "日期不能为空"))
    return errors


def save_batch(session: Session, *, actor: Actor, data: dict, batch_id: int | None = None,
               version: int | None = None) -> int:
    """Create or update a batch: title, issuer, doc_number, date, field, addressee, body."""
    require(actor, "edit")
    data = {k: _clean(data.get(k)) for k, _ in BATCH_FIELDS}
    errors = check_batch(data)
    if data["title"]:
        clash = session.scalar(select(CommendationBatch).where(
            CommendationBatch.title == data["title"],
            CommendationBatch.doc_number.is_(None) if data["doc_number"] is None
            else CommendationBatch.doc_number == data["doc_number"]))
        if clash is not None and clash.id != batch_id:
            errors.append(("doc_number", "已有同名、同文号的表彰通报"))
    if errors:
        raise DomainError("；".join(m for _, m in errors), errors=errors)
    if batch_id is None:
        b = CommendationBatch(**data)
        session.add(b)
        session.flush()
        audit.record(session, actor, "新增", "commendation_batch", b.id, batch_label(b), None, batch_snapshot(b))
        return b.id
    b = session.get(CommendationBatch, batch_id)
    if b is None:
        raise DomainError("该表彰通报已被删除。")
    if version is not None and b.version != version:
        raise StaleEdit("该表彰通报已被他人修改，请刷新后再改。")
    before = batch_snapshot(b)
    for k, v in data.items():
        setattr(b, k, v)
    after = batch_snapshot(b)
    audit.record_change(session, actor, "修改", "commendation_batch", b.id, batch_label(b), before, after)
    return b.id


def delete_batch(session: Session, *, actor: Actor, batch_id: int) -> None:
    """Delete a batch with its awards (each award's deletion is recorded too)."""
    require(actor, "edit")
    b = session.get(CommendationBatch, batch_id)
    if b is None:
        return
    for a in b.awards:
        audit.record(session, actor, "删除", "award", a.id, award_label(a, b), award_snapshot(a), None)
    audit.record(session, actor, "删除", "commendation_batch", b.id, batch_label(b), batch_snapshot(b), None)
    session.delete(b)


# --- awards -------------------------------------------------------------------------------


def award_snapshot(a: Award) -> dict:
    return {"对象类型": a.target_kind, "对象名称": a.target_name, "身份证号": a.id_number,
            "单位及职务": a.unit_post, "荣誉称号": a.honour, "主要事迹": a.deeds}


def award_label(a: Award, b: CommendationBatch) -> str:
    return f"{a.target_name}（{a.honour}）— {b.title}"


def _current_unit_post(c: Cadre) -> str | None:
    return _unit_post_text(c.unit.name if c.unit else None, c.post)


def _unit_post_text(unit: str | None, post: str | None) -> str | None:
    unit, post = unit or "", post or ""
    text = post if unit and post.startswith(unit) else unit + post
    return text or None


def award_dict(a: Award) -> dict:
    printed = a.unit_post or (_current_unit_post(a.cadre) if a.cadre is not None else None)
    return {"id": a.id, "version": a.version, "batch_id": a.batch_id, "target_kind": a.target_kind,
            "target_name": a.target_name, "id_number": a.id_number, "cadre_id": a.cadre_id,
            "unit_post": a.unit_post, "printed_unit_post": printed, "honour": a.honour, "deeds": a.deeds,
            "in_files": a.cadre_id is not None}


def list_awards(session: Session, batch_id: int, *, kind: str | None = None) -> list[dict]:
    """The batch's awards as award_dict gives them, read in one query of columns (not an Award
    object and its cadre's and unit's for each of thousands)."""
    q = (select(Award.id, Award.version, Award.batch_id, Award.target_kind, Award.target_name, Award.id_number,
                Award.cadre_id, Award.unit_post, Award.honour, Award.deeds, Cadre.post, Unit.name)
         .outerjoin(Cadre, Award.cadre_id == Cadre.id).outerjoin(Unit, Cadre.unit_id == Unit.id)
         .where(Award.batch_id == batch_id).order_by(Award.id))
    if kind:
        q = q.where(Award.target_kind == kind)
    out = []
    for aid, version, bid, target_kind, target_name, idn, cid, unit_post, honour, deeds, post, unit in session.execute(q):
        printed = unit_post or (_unit_post_text(unit, post) if cid is not None else None)
        out.append({"id": aid, "version": version, "batch_id": bid, "target_kind": target_kind,
                    "target_name": target_name, "id_number": idn, "cadre_id": cid, "unit_post": unit_post,
                    "printed_unit_post": printed, "honour": honour, "deeds": deeds, "in_files": cid is not None})
    return out


def _duplicate(session: Session, batch_id: int, kind: str, name: str, cadre_id: int | None,
               award_id: int | None) -> Award | None:
    q = select(Award).where(Award.batch_id == batch_id, Award.target_kind == kind)
    if cadre_id is not None:
        q = q.where(Award.cadre_id == cadre_id)
    else:
        q = q.where(Award.target_name == name, Award.cadre_id.is_(None))
    return next((a for a in session.scalars(q) if a.id != award_id), None)


def save_award(session: Session, *, actor: Actor, batch_id: int, data: dict, award_id: int | None = None,
               version: int | None = None) -> int:
    """A collective (target_name: a unit or team name) or an individual (cadre_id of a cadre in the
    files, or just target_name for a person not in them). unit_post blank: the cadre's current ones."""
    require(actor, "edit")
    data = {k: _clean(v) for k, v in data.items()}
    b = session.get(CommendationBatch, batch_id)
    if b is None:
        raise DomainError("该表彰通报已被删除。")
    errors = []
    kind = data.get("target_kind")
    if kind not in TARGET_KINDS:
        errors.append(("target_kind", "对象类型应为：集体 / 个人"))
    cadre = None
    if data.get("cadre_id") is not None:
        cadre = session.get(Cadre, data["cadre_id"])
        if cadre is None:
            errors.append(("cadre_id", "该干部记录已被删除"))
        elif kind == "集体":
            errors.append(("cadre_id", "集体不能关联干部"))
    name = cadre.name if cadre is not None else data.get("target_name")
    if not name:
        errors.append(("target_name", "对象名称不能为空"))
    if not data.get("honour"):
        errors.append(("honour", "荣誉称号不能为空"))
    if not errors and _duplicate(session, batch_id, kind, name, cadre.id if cadre else None, award_id):
        errors.append(("target_name", f"“{name}”已在本批表彰中"))
    if errors:
        raise DomainError("；".join(m for _, m in errors), errors=errors)
    values = {"target_kind": kind, "target_name": name, "cadre_id": cadre.id if cadre else None,
              "id_number": cadre.id_number if cadre else None, "unit_post": data.get("unit_post"),
              "honour": data["honour"], "deeds": data.get("deeds")}
    if award_id is None:
        a = Award(batch_id=batch_id, **values)
        session.add(a)
        session.flush()
        audit.record(session, actor, "新增", "award", a.id, award_label(a, b), None, award_snapshot(a))
        return a.id
    a = session.get(Award, award_id)
    if a is None:
        raise DomainError("该表彰记录已被删除。")
    if version is not None and a.version != version:
        raise StaleEdit("该表彰记录已被他人修改，请刷新后再改。")
    before = award_snapshot(a)
    for k, v in values.items():
        setattr(a, k, v)
    after = award_snapshot(a)
    audit.record_change(session, actor, "修改", "award", a.id, award_label(a, b), before, after)
    return a.id


def add_individuals(session: Session, *, actor: Actor, batch_id: int, cadre_ids: Sequence[int], honour: str,
                    deeds: str | None = None) -> list[int]:
    """Add many cadres to a batch at once, all with the same honour. A cadre already in the batch
    (or listed twice) is refused and nothing is added."""
    require(actor, "edit")
    b = session.get(CommendationBatch, batch_id)
    if b is None:
        raise DomainError("该表彰通报已被删除。")
    if not (honour or "").strip():
        raise DomainError("荣誉称号不能为空", field="honour")
    ids = list(cadre_ids)
    present = set(session.scalars(select(Award.cadre_id).where(Award.batch_id == batch_id,
                                                                Award.target_kind == "个人",
                                                                Award.cadre_id.is_not(None))))
    people = {c.id: c for c in session.scalars(select(Cadre).where(Cadre.id.in_(ids)))}
    dup_names, seen = [], set()
    for cid in ids:
        if cid in present or cid in seen:
            dup_names.append(people[cid].name if cid in people else str(cid))
        seen.add(cid)
    missing = [cid for cid in ids if cid not in people]
    if missing:
        raise DomainError(f"有 {len(missing)} 名干部的记录已被删除，请重新选择。")
    if dup_names:
        raise DomainError(f"以下人员已在本批表彰中：{'、'.join(dup_names)}", field="cadre_ids")
    out = []
    for cid in ids:
        out.append(save_award(session, actor=actor, batch_id=batch_id,
                              data={"target_kind": "个人", "cadre_id": cid, "honour": honour, "deeds": deeds}))
    return out


def delete_award(session: Session, *, actor: Actor, award_id: int) -> None:
    require(actor, "edit")
    a = session.get(Award, award_id)
    if a is None:
        return
    audit.record(session, actor, "删除", "award", a.id, award_label(a, a.batch), award_snapshot(a), None)
    session.delete(a)


def cadre_awards(session: Session, cadre_id: int) -> list[dict]:
    """A cadre's individual awards, oldest first, with the batch's title, number and date."""
    q = (select(Award, CommendationBatch).join(CommendationBatch, Award.batch_id == CommendationBatch.id)
         .where(Award.cadre_id == cadre_id).order_by(CommendationBatch.date, Award.id))
    return [dict(award_dict(a), title=b.title, doc_number=b.doc_number, date=b.date, issuer=b.issuer)
            for a, b in session.execute(q)]


# --- quota allocation ---------------------------------------------------------------------


def unit_weight(headcount: int, frontline_count: int, frontline_weight: float | Fraction) -> Fraction:
    """weight = headcount + (frontline_weight − 1) × frontline_count: every cadre counts once and a
    frontline cadre counts `frontline_weight` times in all (weight 1: plain head count)."""
    w = frontline_weight if isinstance(frontline_weight, Fraction) else Fraction(Decimal(str(frontline_weight)))
    return headcount + (w - 1) * frontline_count


def allocate_quota(units: Sequence[tuple[str, int, int]], places: int,
                   frontline_weight: float = 1.0) -> list[tuple[str, Fraction, int]]:
    """Split `places` among units in proportion to their weights, by the largest remainder.

    `units`: (unit, headcount, frontline_count), frontline_count ≤ headcount. A unit's weight is
    headcount + (frontline_weight − 1) × frontline_count (see unit_weight); its exact share is
    places × weight / total weight (a Fraction). Each unit first gets the whole part of its share;
    the places left go one each to the units with the largest remainders, ties broken by the larger
    weight and then by the units' order in `units`. The places always sum to `places` exactly.
    Returns (unit, exact share, places) in the order given."""
    if places < 0:
        raise DomainError("名额不能为负数", field="places")
    if frontline_weight < 1:
        raise DomainError("一线干部权重不能小于 1", field="frontline_weight")
    weights = []
    for name, head, front in units:
        if head < 0 or front < 0 or front > head:
            raise DomainError(f"“{name}”的人数或一线人数不对（一线人数不能大于人数）")
        weights.append(unit_weight(head, front, frontline_weight))
    total = sum(weights, Fraction(0))
    if places and total == 0:
        raise DomainError("各单位人数合计为 0，无法分配名额")
    shares = [Fraction(places) * w / total if total else Fraction(0) for w in weights]
    whole = [int(s) for s in shares]  # floor: shares are non-negative
    left = places - sum(whole)
    order = sorted(range(len(units)), key=lambda i: (-(shares[i] - whole[i]), -weights[i], i))
    for i in order[:left]:
        whole[i] += 1
    return [(units[i][0], shares[i], whole[i]) for i in range(len(units))]


def quota_inputs(session: Session, *, today: dt.date | None = None) -> list[tuple[str, int, int]]:
    """Per unit, in the department's order: (unit name, in-service headcount, frontline count).

    A cadre counts as frontline when they have a 一线任务 posting, or an appointment marked 一线
    (是否一线干部), whose start or appointment date falls in the last 3 years (up to `today`), or a
    一线任务 posting that is still under way."""
    today = today or dt.date.today()
    since = today.replace(year=today.year - FRONTLINE_YEARS) if not (today.month == 2 and today.day == 29) \
        else dt.date(today.year - FRONTLINE_YEARS, 2, 28)
    frontline_ids = set(session.scalars(select(Posting.cadre_id).where(
        Posting.kind == "一线任务", or_(Posting.start >= since, Posting.end.is_(None), Posting.end >= since))))
    frontline_ids |= set(session.scalars(select(Appointment.cadre_id).where(
        Appointment.frontline.is_(True), Appointment.date >= since, Appointment.date <= today)))
    heads: dict[int, int] = {}
    fronts: dict[int, int] = {}
    for cid, uid in session.execute(select(Cadre.id, Cadre.unit_id).where(Cadre.status == "在职",
                                                                           Cadre.unit_id.is_not(None))):
        heads[uid] = heads.get(uid, 0) + 1
        if cid in frontline_ids:
            fronts[uid] = fronts.get(uid, 0) + 1
    return [(u.name, heads.get(u.id, 0), fronts.get(u.id, 0))
            for u in session.scalars(select(Unit).order_by(Unit.sort_order, Unit.name)) if heads.get(u.id)]


def share_text(share: Fraction) -> str:
    return f"{float(share):.2f}"


def allocation_total(rows: Iterable[tuple[str, Fraction, int]]) -> int:
    return sum(r[2] for r in rows)


# --- 名额分配 kept per batch -------------------------------------------------------------------------

def get_quota(session: Session, batch_id: int) -> dict | None:
    """The allocation kept for the batch, or None: {places, weight, computed_on, version,
    lines: [{unit, headcount, frontline, share, places}]}."""
    from ..models import QuotaAllocation

    q = session.scalar(select(QuotaAllocation).where(QuotaAllocation.batch_id == batch_id))
    if q is None:
        return None
    return {"places": q.places, "weight": q.frontline_weight, "computed_on": q.computed_on, "version": q.version,
            "lines": [{"unit": ln.unit_name, "headcount": ln.headcount, "frontline": ln.frontline,
                       "share": ln.share, "places": ln.places} for ln in q.lines]}


def save_quota(session: Session, *, actor: Actor, batch_id: int, places: int, weight, lines: Sequence[dict],
               computed_on: dt.date | None = None) -> None:
    """Keep the batch's allocation (replacing the one kept before). `lines`: per unit, in order,
    {unit, headcount, frontline, share (Fraction or Decimal), places}. The places must add up to
    `places`; nothing is kept otherwise."""
    from ..models import QuotaAllocation, QuotaLine

    require(actor, "edit")
    b = session.get(CommendationBatch, batch_id)
    if b is None:
        raise DomainError("该表彰通报已被删除。")
    if places < 0 or any(int(ln["places"]) < 0 for ln in lines):
        raise DomainError("名额不能为负数", field="places")
    given = sum(int(ln["places"]) for ln in lines)
    if given != places:
        word = "多" if given > places else "少"
        raise DomainError(f"各单位名额合计 {given} 个，比总名额 {places} 个{word} {abs(given - places)} 个，请调整后再保存。",
                          field="places")
    w = Decimal(str(weight)).quantize(Decimal("0.01"))
    if w < 1:
        raise DomainError("一线干部权重不能小于 1", field="frontline_weight")
    old = session.scalar(select(QuotaAllocation).where(QuotaAllocation.batch_id == batch_id))
    before = get_quota(session, batch_id)
    if old is not None:
        session.delete(old)
        session.flush()
    q = QuotaAllocation(batch_id=batch_id, places=places, frontline_weight=w,
                        computed_on=computed_on or dt.date.today())
    for i, ln in enumerate(lines):
        share = ln["share"]
        share = Decimal(share.numerator) / Decimal(share.denominator) if isinstance(share, Fraction) else Decimal(share)
        q.lines.append(QuotaLine(position=i, unit_name=str(ln["unit"])[:100], headcount=int(ln["headcount"]),
                                 frontline=int(ln["frontline"]), share=share.quantize(Decimal("0.01")),
                                 places=int(ln["places"])))
    session.add(q)
    session.flush()

    def summary(d):
        if d is None:
            return None
        return {"名额": d["places"], "一线权重": str(d["weight"]),
                "分配": "；".join(f"{ln['unit']} {ln['places']}" for ln in d["lines"])}

    audit.record(session, actor, "修改" if before else "新增", "commendation_batch", batch_id,
                 f"{batch_label(b)}：名额分配", summary(before), summary(get_quota(session, batch_id)))
