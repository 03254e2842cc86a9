"""Batch actions on the roster's selection: one call, one transaction, all or nothing.

Each function changes every cadre given or none: it validates and writes in the caller's session
(the window's one session per action commits once at the end), and a refusal for one cadre raises
DomainError naming that cadre, so the caller's transaction rolls back whatever was written before.
Every cadre's change is audited as a single edit would be, plus one event saying what the batch did.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Sequence

from sqlalchemy import select

from ..models import Cadre, Unit
from ..values import STATUSES, DomainError
from . import audit, cadres, development, honours
from .accounts import Actor, require


def _people(session, cadre_ids: Sequence[int]) -> list[Cadre]:
    ids = list(dict.fromkeys(cadre_ids))
    if not ids:
        raise DomainError("请先在列表中选择干部（可按住 Ctrl 或 Shift 多选）。")
    found = {c.id: c for c in session.scalars(select(Cadre).where(Cadre.id.in_(ids)))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise DomainError(f"所选干部中有 {len(missing)} 人的档案已被删除，请刷新列表后重新选择；未做任何修改。")
    return [found[i] for i in ids]


def _each(session, actor: Actor, people: list[Cadre], data_of: Callable[[Cadre], dict | None]) -> int:
    """save_cadre for each (skipping those already as asked); a refusal names the cadre."""
    changed = 0
    for c in people:
        data = data_of(c)
        if data is None:
            continue
        try:
            cadres.save_cadre(session, actor=actor, data=data, cadre_id=c.id)
        except DomainError as e:
            raise DomainError(f"{c.name}（{c.id_number or '无身份证号'}）：{e.message}。所选 {len(people)} 人均未修改。") from None
        changed += 1
    return changed


def _summary(session, actor: Actor, what: str, people: list[Cadre], after: dict) -> None:
    names = "、".join(c.name for c in people[:20]) + (f" 等{len(people)}人" if len(people) > 20 else "")
    audit.record(session, actor, "批量修改", "cadre", None, f"{what}：{len(people)}人", None,
                 dict(after, 人数=len(people), 干部=names))


def set_reserve(session, *, actor: Actor, cadre_ids: Sequence[int], reserve: bool) -> int:
    """设为 / 取消后备干部. Returns how many changed."""
    require(actor, "edit")
    people = _people(session, cadre_ids)
    n = _each(session, actor, people, lambda c: None if bool(c.reserve) == reserve else {"reserve": reserve})
    _summary(session, actor, "设为后备干部" if reserve else "取消后备干部", people, {"后备干部": "是" if reserve else "否"})
    return n


def set_status(session, *, actor: Actor, cadre_ids: Sequence[int], status: str, day: dt.date) -> int:
    """Change 人员状态 (退休 / 调出 …) as of `day`: the date goes into the audit event and into the
    cadre's notes (`2026.11.30 退休`)."""
    require(actor, "edit")
    if status not in STATUSES:
        raise DomainError(f"人员状态应为：{' / '.join(STATUSES)}", field="status")
    if not isinstance(day, dt.date):
        raise DomainError("请填写状态变动的日期。", field="day")
    if day > dt.date.today():
        raise DomainError("状态变动日期不能晚于今天。", field="day")
    people = _people(session, cadre_ids)
    stamp = f"{day.year}.{day.month:02d}.{day.day:02d} {status}"

    def data_of(c: Cadre) -> dict | None:
        if c.status == status:
            return None
        if c.birth is not None and day < c.birth.first_day():
            raise DomainError(f"{c.name}：状态变动日期早于出生年月。所选 {len(people)} 人均未修改。")
        notes = (c.notes or "").rstrip()
        return {"status": status, "notes": f"{notes}；{stamp}" if notes else stamp}

    n = _each(session, actor, people, data_of)
    _summary(session, actor, f"人员状态改为{status}", people, {"人员状态": status, "变动日期": stamp.split()[0]})
    return n


def move_to_unit(session, *, actor: Actor, cadre_ids: Sequence[int], unit_id: int) -> int:
    """调整到另一个单位."""
    require(actor, "edit")
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise DomainError("所选单位不存在。", field="unit_id")
    people = _people(session, cadre_ids)
    n = _each(session, actor, people, lambda c: None if c.unit_id == unit_id else {"unit_id": unit_id})
    _summary(session, actor, f"调整到{unit.name}", people, {"工作单位": unit.name})
    return n


def add_to_class(session, *, actor: Actor, cadre_ids: Sequence[int], class_id: int) -> tuple[int, int]:
    """加入培训班 (hours as the class's). Returns (added, already on the list)."""
    require(actor, "edit")
    people = _people(session, cadre_ids)
    added, present = development.add_attendances(session, actor=actor, class_id=class_id,
                                                 cadre_ids=[c.id for c in people])
    name = development.get_class(session, class_id)["name"]
    _summary(session, actor, f"加入培训班“{name}”", people, {"培训班": name})
    return added, present


def add_to_commendation(session, *, actor: Actor, cadre_ids: Sequence[int], batch_id: int, honour: str) -> int:
    """加入表彰通报 as individual awards with one honour title."""
    require(actor, "edit")
    people = _people(session, cadre_ids)
    ids = honours.add_individuals(session, actor=actor, batch_id=batch_id, cadre_ids=[c.id for c in people],
                                  honour=honour)
    title = honours.get_batch(session, batch_id)["title"]
    _summary(session, actor, f"加入表彰“{title}”", people, {"表彰通报": title, "荣誉称号": honour})
    return len(ids)
