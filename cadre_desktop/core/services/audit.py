"""The record of changes: every change writes an event (who, when, which record, before, after).

Events form a hash chain so that an altered or removed event is found by `verify`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from types import SimpleNamespace
from typing import TYPE_CHECKING

from sqlalchemy import event as sa_event, insert, select
from sqlalchemy.orm import Session

from ..models import AuditEvent
from ..models.base import utcnow

if TYPE_CHECKING:
    from .accounts import Actor

ENTITY_NAMES = {
    "account": "账号", "unit": "单位", "cadre": "干部", "resume": "简历", "reward": "奖惩",
    "appraisal": "年度考核", "family_member": "家庭成员", "database": "数据库", "setting": "设置",
    "mentor_pair": "结对帮带", "mentoring_record": "帮带纪实", "tolerance_case": "容错纠错",
    "appointment": "选拔任用", "commendation_batch": "表彰通报", "award": "表彰对象", "care_record": "关爱记录",
    "visit": "慰问", "allowance_rate": "津贴标准", "allowance_payroll": "津贴发放确认",
    "training_class": "培训班", "attendance": "参训记录", "posting": "挂职驻村",
}
GENESIS = "0" * 64
HEAD_KEY = "audit_head"


def _dump(value) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _digest(prev: str, e: AuditEvent) -> str:
    payload = json.dumps(
        [prev, e.id, e.at.isoformat(), e.account, e.action, e.entity, e.entity_id, e.label, e.before, e.after],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(session: Session, actor: Actor, action: str, entity: str, entity_id: int | None, label: str,
           before, after) -> None:
    """Write one event in the caller's transaction.

    The head of the chain is read once per session and then carried in `session.info`, so a
    large import does not query (and flush) once per event. Events are inserted in batches of
    plain rows (an import records one per row written), always before the session commits, flushes
    or runs a query, so whoever reads the log in the same transaction sees them.
    """
    head = session.info.get(HEAD_KEY)
    pending = session.info.get(PENDING_KEY)
    if head is None:
        _write_pending(session)
        with session.no_autoflush:
            prev = session.execute(select(AuditEvent.id, AuditEvent.digest).order_by(AuditEvent.id.desc()).limit(1)).first()
        head = (prev.id, prev.digest) if prev else (0, GENESIS)
    ev = SimpleNamespace(
        id=head[0] + 1,
        at=utcnow().replace(microsecond=0),
        account=actor.name,
        action=action,
        entity=entity,
        entity_id=entity_id,
        label=label[:200],
        before=_dump(before),
        after=_dump(after),
    )
    ev.digest = _digest(head[1], ev)
    if pending is None:
        pending = session.info[PENDING_KEY] = []
    pending.append(vars(ev))
    session.info[HEAD_KEY] = (ev.id, ev.digest)
    if len(pending) >= BATCH:
        _write_pending(session)


PENDING_KEY = "audit_pending"
BATCH = 1000


def _write_pending(session: Session, *_args) -> None:
    rows = session.info.get(PENDING_KEY)
    if rows:
        session.info[PENDING_KEY] = []
        session.connection().execute(insert(AuditEvent.__table__), rows)


def _write_before_query(orm_execute_state) -> None:
    if orm_execute_state.session.info.get(PENDING_KEY):
        _write_pending(orm_execute_state.session)


def _discard_pending(session: Session, *_args) -> None:
    session.info.pop(PENDING_KEY, None)
    session.info.pop(HEAD_KEY, None)


sa_event.listen(Session, "before_commit", _write_pending)
sa_event.listen(Session, "before_flush", _write_pending)
sa_event.listen(Session, "do_orm_execute", _write_before_query)
sa_event.listen(Session, "after_rollback", _discard_pending)


def record_change(session: Session, actor: Actor, action: str, entity: str, entity_id: int | None, label: str,
                  before: dict, after: dict) -> bool:
    """An edit's event: only the fields that changed, before and after; nothing when nothing
    changed. Returns whether an event was written."""
    changed = {k: v for k, v in before.items() if after.get(k) != v}
    changed.update({k: None for k in after if k not in before})
    if not changed:
        return False
    record(session, actor, action, entity, entity_id, label, changed, {k: after.get(k) for k in changed})
    return True


def forget_head(session: Session) -> None:
    """After a rollback inside a session, the carried chain head (and any event not yet inserted)
    is no longer true."""
    _discard_pending(session)


def event_dict(e: AuditEvent) -> dict:
    return {
        "id": e.id,
        "at": e.at.replace(tzinfo=dt.timezone.utc).isoformat(timespec="seconds"),
        "account": e.account,
        "action": e.action,
        "entity": e.entity,
        "entity_name": ENTITY_NAMES.get(e.entity, e.entity),
        "entity_id": e.entity_id,
        "label": e.label,
        "before": json.loads(e.before) if e.before else None,
        "after": json.loads(e.after) if e.after else None,
    }


def list_events(session: Session, *, actor: Actor, since: dt.date | None = None, account: str | None = None,
                entity: str | None = None, text: str | None = None, limit: int | None = None) -> list[dict]:
    from .accounts import require

    require(actor, "admin")
    q = select(AuditEvent).order_by(AuditEvent.id.desc())
    if since:
        q = q.where(AuditEvent.at >= dt.datetime.combine(since, dt.time()))
    if account:
        q = q.where(AuditEvent.account == account)
    if entity:
        q = q.where(AuditEvent.entity == entity)
    if text:
        q = q.where(AuditEvent.label.contains(text))
    if limit:
        q = q.limit(limit)
    return [event_dict(e) for e in session.scalars(q)]


def count_events(session: Session) -> int:
    from sqlalchemy import func

    return session.scalar(select(func.count()).select_from(AuditEvent))


def verify(session: Session, *, actor: Actor) -> str | None:
    """None when the chain is whole; else a Chinese sentence naming the first bad event."""
    from .accounts import require

    require(actor, "admin")
    prev_digest, expected_id = GENESIS, 1
    for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        if e.id != expected_id:
            return f"第 {expected_id} 条操作记录缺失（下一条为第 {e.id} 条）。"
        if _digest(prev_digest, e) != e.digest:
            return f"第 {e.id} 条操作记录（{e.at:%Y-%m-%d %H:%M} {e.account} {e.action} {e.label}）已被改动。"
        prev_digest, expected_id = e.digest, e.id + 1
    return None
