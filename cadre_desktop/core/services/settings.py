"""Settings a county can change (the young-cadre bound, …), stored in the database."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from ..models import Setting
from ..values import DomainError
from . import audit
from .accounts import Actor, require

DEFAULTS = {
    "young_age": 35,  # 年轻干部: age ≤ this at the reference date
}
LABELS = {"young_age": "年轻干部年龄上限"}


def get(session: Session, key: str):
    row = session.get(Setting, key)
    return json.loads(row.value) if row else DEFAULTS[key]


def young_age(session: Session) -> int:
    return int(get(session, "young_age"))


def put(session: Session, *, actor: Actor, key: str, value) -> None:
    require(actor, "admin")
    if key not in DEFAULTS:
        raise DomainError(f"没有设置项“{key}”。")
    if key == "young_age" and (not isinstance(value, int) or not 18 <= value <= 60):
        raise DomainError("年轻干部年龄上限应为18到60之间的整数。", field=key)
    row = session.get(Setting, key)
    before = json.loads(row.value) if row else DEFAULTS[key]
    if row is None:
        row = Setting(key=key, value=json.dumps(value))
        session.add(row)
    else:
        row.value = json.dumps(value)
    if before != value:
        audit.record(session, actor, "修改", "setting", None, LABELS.get(key, key), {LABELS.get(key, key): before},
                     {LABELS.get(key, key): value})
