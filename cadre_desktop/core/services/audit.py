"""The record of changes: every change writes an event (who, when, which record, before, after).

Events form a chain of keyed hashes (HMAC-SHA256) so that an altered or removed event is found by
`verify`, even when someone recomputed the chain: the key is not in the database. It is a file,
`audit.key`, in the data folder (or where CADRE_AUDIT_KEY_FILE names), created on first use for an
SQLite file. For a shared PostgreSQL server every client needs the same key: the 管理员 copies the
file made by `cadre init` / `cadre migrate-to` on their PC to each clerk's data folder (README);
a client without it (or with another) cannot write events and is told so.

The head of the chain (last id and digest, sealed with the key) is kept in its own row
(`audit_head`), locked by each writer, so two clerks saving at once take consecutive ids, and
removing the latest events is found too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import event as sa_event
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..models import AuditEvent, AuditHead
from ..models.base import utcnow
from ..values import DomainError, moment_text

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


KEY_FILE = "audit.key"
_keys: dict[str, bytes] = {}


def key_path() -> Path:
    override = os.environ.get("CADRE_AUDIT_KEY_FILE")
    if override:
        return Path(override)
    from ...config import data_dir

    return data_dir() / KEY_FILE


def audit_key(*, create: bool) -> bytes | None:
    """The key of the chain; created (random, readable by this user only) when `create` and missing."""
    path = key_path()
    cached = _keys.get(str(path))
    if cached is not None and path.exists():
        return cached
    if not path.exists():
        if not create:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".{os.getpid()}.part")
        tmp.write_text(secrets.token_hex(32) + "\n", encoding="ascii")
        try:
            os.chmod(tmp, 0o600)
        except OSError:
            pass
        try:
            os.link(tmp, path)  # never replaces a key another process made meanwhile
        except FileExistsError:
            pass
        except OSError:
            if not path.exists():
                tmp.replace(path)
        tmp.unlink(missing_ok=True)
    text = path.read_text(encoding="ascii").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise DomainError(f"操作记录密钥文件已损坏：{path}") from None
    _keys[str(path)] = key
    return key


def _mac(key: bytes, payload: str) -> str:
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def event_digest(key: bytes, prev: str, id_, at: dt.datetime, account, action, entity, entity_id, label,
                 before, after) -> str:
    payload = json.dumps([prev, id_, at.isoformat(), account, action, entity, entity_id, label, before, after],
                         ensure_ascii=False)
    return _mac(key, payload)


def _digest(key: bytes, prev: str, e: AuditEvent) -> str:
    return event_digest(key, prev, e.id, e.at, e.account, e.action, e.entity, e.entity_id, e.label, e.before,
                        e.after)


def head_seal(key: bytes, last_id: int, digest: str) -> str:
    return _mac(key, json.dumps(["audit_head", last_id, digest]))


def _no_key() -> DomainError:
    return DomainError(f"本机没有操作记录密钥（{key_path()}），不能写入或核对共享数据库的操作记录："
                       "请管理员把服务器建立时生成的 audit.key 复制到这个位置（见 README“共享服务器”）。")


def _lock_head(session: Session) -> AuditHead:
    """The head row, locked until this transaction ends (FOR UPDATE; on SQLite the transaction
    already holds the write lock)."""
    with session.no_autoflush:
        head = session.scalars(select(AuditHead).where(AuditHead.id == 1).with_for_update()
                               .execution_options(populate_existing=True)).first()
    if head is None:
        raise DomainError("操作记录的链头缺失：数据库可能被改动过，请管理员运行 cadre audit --verify 检查。")
    key = audit_key(create=session.get_bind().dialect.name == "sqlite" or head.last_id == 0)
    if key is None:
        raise _no_key()
    if not hmac.compare_digest(head.seal, head_seal(key, head.last_id, head.digest)):
        raise DomainError("本机的操作记录密钥与数据库不符（或操作记录已被改动），未写入："
                          "请管理员核对 audit.key 并运行 cadre audit --verify。")
    session.info[HEAD_KEY] = (head, key)
    return head


def record(session: Session, actor: Actor, action: str, entity: str, entity_id: int | None, label: str,
           before, after) -> None:
    """Write one event in the caller's transaction.

    The head of the chain is locked and read once per transaction and then carried in
    `session.info`, so a large import does not query (and flush) once per event. The event is
    kept as a plain row and written with the others of the transaction by one executemany at the
    next flush (`_write_pending`): the head it moves is dirty, so that flush always comes.
    """
    carried = session.info.get(HEAD_KEY)
    if carried is None:
        _lock_head(session)
        carried = session.info[HEAD_KEY]
    head, key = carried
    row = {
        "id": head.last_id + 1,
        "at": utcnow().replace(microsecond=0),
        "account": actor.name,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "label": label[:200],
        "before": _dump(before),
        "after": _dump(after),
    }
    row["digest"] = event_digest(key, head.digest, row["id"], row["at"], row["account"], action, entity, entity_id,
                                 row["label"], row["before"], row["after"])
    pending = session.info.setdefault(PENDING_KEY, [])
    pending.append(row)
    head.last_id, head.digest = row["id"], row["digest"]
    head.seal = SEAL_LATER  # sealed once, when the events are written
    session.info[UNSEALED_KEY] = True
    if len(pending) >= PENDING_BATCH:  # a long import: memory stays bounded
        session.info.pop(PENDING_KEY)
        session.connection().execute(insert(AuditEvent), pending)


PENDING_KEY = "audit_pending"
UNSEALED_KEY = "audit_unsealed"
PENDING_BATCH = 2000
SEAL_LATER = ""


def _write_pending(session: Session, _ctx=None, _instances=None) -> None:
    """before_flush: the events recorded since the last flush, in one executemany, and the head
    sealed over the last of them."""
    pending = session.info.pop(PENDING_KEY, None)
    if session.info.pop(UNSEALED_KEY, None) and HEAD_KEY in session.info:
        head, key = session.info[HEAD_KEY]
        head.seal = head_seal(key, head.last_id, head.digest)
    if pending:
        session.connection().execute(insert(AuditEvent), pending)


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


def forget_head(session: Session, *_args) -> None:
    """After a commit or rollback the carried chain head is no longer locked, nor perhaps true
    (and events not yet written belong to what was rolled back)."""
    session.info.pop(HEAD_KEY, None)
    session.info.pop(PENDING_KEY, None)
    session.info.pop(UNSEALED_KEY, None)


for _name in ("after_commit", "after_rollback", "after_soft_rollback"):
    if not sa_event.contains(Session, _name, forget_head):
        sa_event.listen(Session, _name, forget_head)
if not sa_event.contains(Session, "before_flush", _write_pending):
    sa_event.listen(Session, "before_flush", _write_pending)


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
    key = audit_key(create=False)
    if key is None:
        raise _no_key()
    head = session.get(AuditHead, 1)
    prev_digest, expected_id = GENESIS, 1
    for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        if e.id != expected_id:
            return f"第 {expected_id} 条操作记录缺失（下一条为第 {e.id} 条）。"
        if not hmac.compare_digest(_digest(key, prev_digest, e), e.digest):
            return f"第 {e.id} 条操作记录（{moment_text(e.at)} {e.account} {e.action} {e.label}）已被改动。"
        prev_digest, expected_id = e.digest, e.id + 1
    last = expected_id - 1
    if head is None:
        return "操作记录的链头缺失（最新的操作记录可能已被删除）。"
    if not hmac.compare_digest(head.seal, head_seal(key, head.last_id, head.digest)):
        return "操作记录的链头已被改动（最新的操作记录可能已被删除或改动）。"
    if last < head.last_id:
        return (f"第 {last + 1} 条操作记录缺失（链头登记共 {head.last_id} 条，现只有 {last} 条）："
                "最新的操作记录已被删除。")
    if last > head.last_id or not hmac.compare_digest(prev_digest, head.digest):
        return f"第 {head.last_id + 1 if last > head.last_id else last} 条操作记录与链头登记不符：已被改动或添加。"
    return None
