"""Units (单位)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Cadre, Unit
from ..values import TIERS, TOWNSHIP_KINDS, UNIT_KINDS, DomainError, StaleEdit
from . import audit
from .accounts import Actor, require


def unit_snapshot(u: Unit) -> dict:
    return {"单位名称": u.name, "单位类别": u.kind, "津贴档次": u.tier, "排序": u.sort_order}


def list_units(session: Session) -> list[dict]:
    counts = dict(
        session.execute(
            select(Cadre.unit_id, func.count()).where(Cadre.status == "在职").group_by(Cadre.unit_id)
        ).all()
    )
    return [
        {"id": u.id, "name": u.name, "kind": u.kind, "tier": u.tier, "sort_order": u.sort_order,
         "cadres": counts.get(u.id, 0), "version": u.version}
        for u in session.scalars(select(Unit).order_by(Unit.sort_order, Unit.name))
    ]


def unit_choices(session: Session) -> list[dict]:
    """The units as a picker lists them (id and name, in the units' order): no head counts, so it
    costs the same at any number of cadres."""
    rows = session.execute(select(Unit.id, Unit.name).order_by(Unit.sort_order, Unit.name)).all()
    return [{"id": uid, "name": name} for uid, name in rows]


def validate_unit(name: str, kind: str, tier: str | None) -> list[tuple[str, str]]:
    errors = []
    if not (name or "").strip():
        errors.append(("name", "单位名称不能为空"))
    if kind not in UNIT_KINDS:
        errors.append(("kind", f"单位类别应为：{' / '.join(UNIT_KINDS)}"))
    if tier and tier not in TIERS:
        errors.append(("tier", f"津贴档次应为：{' / '.join(TIERS)}"))
    if tier and kind not in TOWNSHIP_KINDS:
        errors.append(("tier", "只有乡镇、街道有津贴档次"))
    if (name or "").strip() and len(name.strip()) > 100:
        errors.append(("name", "单位名称不能超过 100 个字"))
    return errors


def save_unit(session: Session, *, actor: Actor, name: str, kind: str, tier: str | None = None,
              sort_order: int = 0, unit_id: int | None = None, version: int | None = None) -> int:
    require(actor, "edit")
    name = (name or "").strip()
    errors = validate_unit(name, kind, tier)
    clash = session.scalar(select(Unit).where(Unit.name == name))
    if clash is not None and clash.id != unit_id:
        errors.append(("name", f"单位“{name}”已存在"))
    if errors:
        raise DomainError("；".join(m for _, m in errors), errors=errors)
    if unit_id is None:
        unit = Unit(name=name, kind=kind, tier=tier or None, sort_order=sort_order)
        session.add(unit)
        session.flush()
        audit.record(session, actor, "新增", "unit", unit.id, name, None, unit_snapshot(unit))
        return unit.id
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise DomainError("该单位已被删除。")
    if version is not None and unit.version != version:
        raise StaleEdit("该单位已被他人修改，请刷新后再改。")
    before = unit_snapshot(unit)
    unit.name, unit.kind, unit.tier, unit.sort_order = name, kind, tier or None, sort_order
    after = unit_snapshot(unit)
    if before != after:
        audit.record(session, actor, "修改", "unit", unit.id, name, before, after)
    return unit.id


def delete_unit(session: Session, *, actor: Actor, unit_id: int) -> None:
    require(actor, "edit")
    unit = session.get(Unit, unit_id)
    if unit is None:
        return
    n = session.scalar(select(func.count()).select_from(Cadre).where(Cadre.unit_id == unit_id))
    if n:
        raise DomainError(f"单位“{unit.name}”还有 {n} 名干部，请先把他们调到其他单位再删除。")
    audit.record(session, actor, "删除", "unit", unit.id, unit.name, unit_snapshot(unit), None)
    session.delete(unit)
