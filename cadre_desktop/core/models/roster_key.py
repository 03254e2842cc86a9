"""The department's order of the roster, stored on each cadre so the roster needs no join or sort
expression: units by (排序, 单位名称), then 干部层级 (县级领导 first), then 姓名.

`cadre.roster_key` is computed whenever a cadre is flushed, and rewritten for a unit's cadres when the
unit's 排序 or 名称 changes (one UPDATE per unit, in portable SQL). Cadres without a unit come last.
"""

from __future__ import annotations

from sqlalchemy import event, func, inspect, literal, update
from sqlalchemy.orm import Session

from ..values import CADRE_LEVELS
from .people import Cadre, Unit

SORT_OFFSET = 10**9
NO_UNIT = "1"
SEP = "\x1f"  # below every printable character: "单位A" sorts before "单位AB" as in SQL


def unit_prefix(sort_order: int | None, name: str | None) -> str:
    if name is None:
        return NO_UNIT + SEP
    n = min(max((sort_order or 0) + SORT_OFFSET, 0), 2 * SORT_OFFSET - 1)
    return f"0{n:010d}{name}{SEP}"


def roster_key(prefix: str, level: str | None, name: str | None) -> str:
    rank = CADRE_LEVELS.index(level) if level in CADRE_LEVELS else len(CADRE_LEVELS)
    return f"{prefix}{rank}{name or ''}"


def _unit_of(session: Session, cadre: Cadre) -> Unit | None:
    if cadre.unit_id is not None:
        with session.no_autoflush:
            return session.get(Unit, cadre.unit_id)
    unit = cadre.__dict__.get("unit")
    return unit if isinstance(unit, Unit) else None


@event.listens_for(Session, "before_flush")
def _keys_before_flush(session: Session, _ctx, _instances) -> None:
    moved = session.info.setdefault("roster_units_moved", {})
    for obj in session.dirty:
        if isinstance(obj, Unit) and obj.id is not None:
            state = inspect(obj)
            old = {}
            for attr in ("sort_order", "name"):
                hist = state.attrs[attr].history
                old[attr] = hist.deleted[0] if hist.deleted else getattr(obj, attr)
            before = unit_prefix(old["sort_order"], old["name"])
            if before != unit_prefix(obj.sort_order, obj.name):
                moved.setdefault(obj.id, before)
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Cadre):
            unit = _unit_of(session, obj)
            key = roster_key(unit_prefix(unit.sort_order, unit.name) if unit else unit_prefix(None, None),
                             obj.level, obj.name)
            if obj.__dict__.get("roster_key") != key:
                obj.roster_key = key


@event.listens_for(Session, "after_flush")
def _keys_after_flush(session: Session, _ctx) -> None:
    moved = session.info.pop("roster_units_moved", None)
    if not moved:
        return
    conn = session.connection()
    for unit_id, before in moved.items():
        unit = session.get(Unit, unit_id)
        if unit is None:
            continue
        after = unit_prefix(unit.sort_order, unit.name)
        conn.execute(
            update(Cadre.__table__)
            .where(Cadre.__table__.c.unit_id == unit_id)
            .values(roster_key=literal(after) + func.substr(Cadre.__table__.c.roster_key, len(before) + 1))
        )


def refresh_all(connection) -> None:
    """Recompute every cadre's key (after a bulk write that bypassed the ORM, and in the migration)."""
    t_unit, t_cadre = Unit.__table__, Cadre.__table__
    prefixes = {uid: unit_prefix(so, name) for uid, so, name in connection.execute(
        t_unit.select().with_only_columns(t_unit.c.id, t_unit.c.sort_order, t_unit.c.name))}
    rows = connection.execute(t_cadre.select().with_only_columns(
        t_cadre.c.id, t_cadre.c.unit_id, t_cadre.c.level, t_cadre.c.name)).all()
    from sqlalchemy import bindparam
    stmt = update(t_cadre).where(t_cadre.c.id == bindparam("cid")).values(roster_key=bindparam("key"))
    batch = [{"cid": cid, "key": roster_key(prefixes.get(uid, unit_prefix(None, None)), level, name)}
             for cid, uid, level, name in rows]
    for i in range(0, len(batch), 5000):
        connection.execute(stmt, batch[i:i + 5000])
