"""Other care (关爱记录: health checks, paid leave, hardship help, turnover housing) and visits (慰问)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import case, extract, func, literal, or_, select
from sqlalchemy.orm import Session

from ..db import in_order, ordered_ids
from ..models import Cadre, CareRecord, Unit, Visit
from ..values import DomainError, StaleEdit, check_id_number, day_text
from . import audit
from .accounts import Actor, require

CARE_KINDS = ("年度体检", "带薪年休假", "困难帮扶", "周转房")
VISIT_CATEGORIES = ("老党员", "困难党员", "突出人才", "一线干部", "其他")


def _day(d: dt.date | None) -> str | None:
    return day_text(d) or None


def _money(v: Decimal | None) -> str | None:
    return None if v is None else f"{Decimal(v):.2f}"


def _clean(v):
    if isinstance(v, str):
        return v.strip() or None
    return v


def _amount(v, errors: list, attr: str = "amount") -> Decimal | None:
    if v in (None, ""):
        return None
    try:
        d = Decimal(str(v))
    except Exception:  # noqa: BLE001 - any unreadable text
        errors.append((attr, "金额应为数字"))
        return None
    if d < 0:
        errors.append((attr, "金额不能为负数"))
    elif d != d.quantize(Decimal("0.01")):
        errors.append((attr, "金额最多两位小数"))
    return d.quantize(Decimal("0.01"))


# --- care records -------------------------------------------------------------------------


def care_snapshot(r: CareRecord) -> dict:
    return {"类型": r.kind, "日期": _day(r.date), "天数": r.days, "金额": _money(r.amount), "备注": r.notes}


def care_label(c: Cadre, r: CareRecord) -> str:
    return f"{c.name}（{c.id_number}）{r.kind} {_day(r.date)}"


def check_care(data: dict, *, cadre_found: bool = False) -> list[tuple[str, str]]:
    """The care record's fields that must be filled in (the window marks them required)."""
    errors = []
    if not cadre_found:
        errors.append(("cadre_id", "请选择干部"))
    if data.get("kind") not in CARE_KINDS:
        errors.append(("kind", f"类型应为：{' / '.join(CARE_KINDS)}"))
    if not isinstance(data.get("date"), dt.date):
        errors.append(("date", "日期不能为空"))
    return errors


def check_visit(data: dict) -> list[tuple[str, str]]:
    """The visit's fields that must be filled in (the window marks them required)."""
    errors = []
    if not data.get("name"):
        errors.append(("name", "姓名不能为空"))
    if data.get("category") not in VISIT_CATEGORIES:
        errors.append(("category", f"对象类别应为：{' / '.join(VISIT_CATEGORIES)}"))
    if not isinstance(data.get("date"), dt.date):
        errors.append(("date", "日期不能为空"))
    return errors


def save_care(session: Session, *, actor: Actor, data: dict, record_id: int | None = None,
              version: int | None = None) -> int:
    """data: cadre_id, kind, date, days, amount, notes."""
    require(actor, "edit")
    data = {k: _clean(v) for k, v in data.items()}
    errors: list[tuple[str, str]] = []
    cadre = session.get(Cadre, data["cadre_id"]) if data.get("cadre_id") else None
    errors.extend(check_care(data, cadre_found=cadre is not None))
    days = data.get("days")
    if days is not None and (not isinstance(days, int) or days < 0 or days > 366):
        errors.append(("days", "天数应为 0 到 366 的整数"))
    amount = _amount(data.get("amount"), errors)
    if not errors:
        clash = session.scalar(select(CareRecord).where(CareRecord.cadre_id == cadre.id,
                                                         CareRecord.kind == data["kind"],
                                                         CareRecord.date == data["date"]))
        if clash is not None and clash.id != record_id:
            errors.append(("date", f"{cadre.name}在该日已有一条{data['kind']}记录"))
    if errors:
        raise DomainError("；".join(m for _, m in errors), errors=errors)
    values = {"cadre_id": cadre.id, "kind": data["kind"], "date": data["date"], "days": days, "amount": amount,
              "notes": data.get("notes")}
    if record_id is None:
        r = CareRecord(**values)
        session.add(r)
        session.flush()
        audit.record(session, actor, "新增", "care_record", r.id, care_label(cadre, r), None, care_snapshot(r))
        return r.id
    r = session.get(CareRecord, record_id)
    if r is None:
        raise DomainError("该关爱记录已被删除。")
    if version is not None and r.version != version:
        raise StaleEdit("该关爱记录已被他人修改，请刷新后再改。")
    before = care_snapshot(r)
    for k, v in values.items():
        setattr(r, k, v)
    after = care_snapshot(r)
    audit.record_change(session, actor, "修改", "care_record", r.id, care_label(cadre, r), before, after)
    return r.id


def delete_care(session: Session, *, actor: Actor, record_id: int) -> None:
    require(actor, "edit")
    r = session.get(CareRecord, record_id)
    if r is None:
        return
    audit.record(session, actor, "删除", "care_record", r.id, care_label(r.cadre, r), care_snapshot(r), None)
    session.delete(r)


def _care_select(columns, *, kind: str | None = None, year: int | None = None, text: str | None = None,
                 cadre_id: int | None = None):
    q = select(*columns).select_from(CareRecord).join(Cadre, CareRecord.cadre_id == Cadre.id) \
        .outerjoin(Unit, Cadre.unit_id == Unit.id)
    if kind:
        q = q.where(CareRecord.kind == kind)
    if year:
        q = q.where(extract("year", CareRecord.date) == year)
    if cadre_id is not None:
        q = q.where(CareRecord.cadre_id == cadre_id)
    if text and text.strip():
        like = f"%{text.strip()}%"
        q = q.where(or_(Cadre.name.like(like), Cadre.id_number.like(like), CareRecord.notes.like(like)))
    return q.order_by(CareRecord.date.desc(), Unit.sort_order, Cadre.name, CareRecord.id)


_CARE_COLUMNS = (CareRecord.id, CareRecord.version, CareRecord.cadre_id, Cadre.name, Cadre.id_number,
                 Unit.name.label("unit"), CareRecord.kind, CareRecord.date, CareRecord.days, CareRecord.amount,
                 CareRecord.notes)


def _care_dicts(rows) -> list[dict]:
    return [{"id": rid, "version": version, "cadre_id": cid, "name": name, "id_number": idn, "unit": unit,
             "kind": kind_, "date": date, "days": days, "amount": amount, "notes": notes}
            for rid, version, cid, name, idn, unit, kind_, date, days, amount, notes in rows]


def list_care(session: Session, *, kind: str | None = None, year: int | None = None, text: str | None = None,
              cadre_id: int | None = None) -> list[dict]:
    # columns, not CareRecord objects: tens of thousands of objects would set off the collector's
    # full passes, which stop every thread (the window's too) for hundreds of milliseconds
    return _care_dicts(session.execute(_care_select(_CARE_COLUMNS, kind=kind, year=year, text=text,
                                                    cadre_id=cadre_id)))


def care_ids(session: Session, *, kind: str | None = None, year: int | None = None, text: str | None = None) -> list[int]:
    """The ids of the records list_care lists, in its order (a paged list reads their rows with
    care_rows, a block at a time)."""
    return ordered_ids(session, _care_select((CareRecord.id,), kind=kind, year=year, text=text))


def care_rows(session: Session, ids: list[int]) -> list[dict]:
    """list_care's rows of the records `ids` (those still there), in the order of `ids`."""
    if not ids:
        return []
    return in_order(_care_dicts(session.execute(_care_select(_CARE_COLUMNS).where(CareRecord.id.in_(ids)))), ids)


def cadre_care(session: Session, cadre_id: int) -> list[dict]:
    return list(reversed(list_care(session, cadre_id=cadre_id)))


def care_years(session: Session) -> list[int]:
    return sorted({d.year for d in session.scalars(select(CareRecord.date).distinct())}, reverse=True)


# --- visits -------------------------------------------------------------------------------


def visit_snapshot(v: Visit) -> dict:
    return {"姓名": v.name, "身份证号": v.id_number, "对象类别": v.category, "日期": _day(v.date),
            "金额": _money(v.amount), "慰问人": v.visitor, "备注": v.notes}


def visit_label(v: Visit) -> str:
    return f"{v.name}（{v.category}）{_day(v.date)}"


def save_visit(session: Session, *, actor: Actor, data: dict, visit_id: int | None = None,
               version: int | None = None) -> int:
    """data: name, id_number (optional, valid when given), category, date, amount, visitor, notes."""
    require(actor, "edit")
    data = {k: _clean(v) for k, v in data.items()}
    errors: list[tuple[str, str]] = check_visit(data)
    idn = data.get("id_number")
    if idn:
        try:
            idn = check_id_number(str(idn)).number
        except ValueError as e:
            errors.append(("id_number", f"身份证号{e}"))
    amount = _amount(data.get("amount"), errors)
    if not errors:
        q = select(Visit).where(Visit.name == data["name"], Visit.date == data["date"],
                                Visit.category == data["category"],
                                Visit.id_number.is_(None) if not idn else Visit.id_number == idn)
        clash = session.scalar(q)
        if clash is not None and clash.id != visit_id:
            errors.append(("date", f"该日已有一条对{data['name']}的{data['category']}慰问记录"))
    if errors:
        raise DomainError("；".join(m for _, m in errors), errors=errors)
    values = {"name": data["name"], "id_number": idn or None, "category": data["category"], "date": data["date"],
              "amount": amount, "visitor": data.get("visitor"), "notes": data.get("notes")}
    if visit_id is None:
        v = Visit(**values)
        session.add(v)
        session.flush()
        audit.record(session, actor, "新增", "visit", v.id, visit_label(v), None, visit_snapshot(v))
        return v.id
    v = session.get(Visit, visit_id)
    if v is None:
        raise DomainError("该慰问记录已被删除。")
    if version is not None and v.version != version:
        raise StaleEdit("该慰问记录已被他人修改，请刷新后再改。")
    before = visit_snapshot(v)
    for k, val in values.items():
        setattr(v, k, val)
    after = visit_snapshot(v)
    if before != after:
        changed = {k: x for k, x in before.items() if after[k] != x}
        audit.record(session, actor, "修改", "visit", v.id, visit_label(v), changed, {k: after[k] for k in changed})
    return v.id


def delete_visit(session: Session, *, actor: Actor, visit_id: int) -> None:
    require(actor, "edit")
    v = session.get(Visit, visit_id)
    if v is None:
        return
    audit.record(session, actor, "删除", "visit", v.id, visit_label(v), visit_snapshot(v), None)
    session.delete(v)


def _visit_query(category, year, text):
    conds = []
    if category:
        conds.append(Visit.category == category)
    if year:
        conds.append(extract("year", Visit.date) == year)
    if text and text.strip():
        like = f"%{text.strip()}%"
        conds.append(or_(Visit.name.like(like), Visit.id_number.like(like), Visit.visitor.like(like),
                         Visit.notes.like(like)))
    return conds


_VISIT_COLUMNS = (Visit.id, Visit.version, Visit.name, Visit.id_number, Visit.category, Visit.date, Visit.amount,
                  Visit.visitor, Visit.notes)
_VISIT_ORDER = (Visit.date.desc(), Visit.name, Visit.id)


def _visit_dicts(rows) -> list[dict]:
    return [{"id": vid, "version": version, "name": name, "id_number": idn, "category": category_, "date": date,
             "amount": amount, "visitor": visitor, "notes": notes}
            for vid, version, name, idn, category_, date, amount, visitor, notes in rows]


def list_visits(session: Session, *, category: str | None = None, year: int | None = None,
                text: str | None = None) -> list[dict]:
    # columns, not Visit objects (see list_care)
    return _visit_dicts(session.execute(select(*_VISIT_COLUMNS).where(*_visit_query(category, year, text))
                                        .order_by(*_VISIT_ORDER)))


def visit_ids(session: Session, *, category: str | None = None, year: int | None = None,
              text: str | None = None) -> list[int]:
    """The ids of the visits list_visits lists, in its order (rows: visit_rows)."""
    return ordered_ids(session, select(Visit.id).where(*_visit_query(category, year, text)).order_by(*_VISIT_ORDER))


def visit_rows(session: Session, ids: list[int]) -> list[dict]:
    """list_visits' rows of the visits `ids` (those still there), in the order of `ids`."""
    if not ids:
        return []
    return in_order(_visit_dicts(session.execute(select(*_VISIT_COLUMNS).where(Visit.id.in_(ids)))), ids)


def visit_totals(session: Session, *, category: str | None = None, year: int | None = None,
                 text: str | None = None) -> dict:
    """Count of visits (人次), distinct people (by ID number, else name) and the amount in yuan,
    counted in the database (amounts are whole fen there: the sum is exact)."""
    conds = _visit_query(category, year, text)
    person = case((func.coalesce(Visit.id_number, "") == "", literal("n:") + func.coalesce(Visit.name, "")),
                  else_=literal("i:") + Visit.id_number)
    n, people, total = session.execute(select(func.count(), func.count(person.distinct()), func.sum(Visit.amount))
                                       .select_from(Visit).where(*conds)).one()
    return {"count": n, "people": people, "amount": total if total is not None else Decimal("0.00")}


def visit_years(session: Session) -> list[int]:
    return sorted({d.year for d in session.scalars(select(Visit.date).distinct())}, reverse=True)


def cadre_visits(session: Session, id_number: str) -> list[dict]:
    return [v for v in list_visits(session, text=id_number) if v["id_number"] == id_number]
