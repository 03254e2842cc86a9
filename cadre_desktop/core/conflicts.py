"""Two clerks, one record: what the other clerk changed since this one loaded the record, and
this clerk's changes re-applied on top of the version now saved. No update is lost silently:
the window shows the changes field by field (before → now) and the clerk chooses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from .values import Month

# Keys that are bookkeeping, not a clerk's data.
SKIP = {"id", "version", "search_text"}


@dataclass(frozen=True)
class Change:
    attr: str
    label: str
    before: str  # as this clerk loaded it
    now: str  # as saved by the other clerk
    mine: str | None = None  # what this clerk typed, when they changed the same field

    @property
    def overlaps(self) -> bool:
        return self.mine is not None

    def line(self) -> str:
        text = f"{self.label}：{self.before} → {self.now}"
        return text + (f"（您改为：{self.mine}）" if self.mine is not None else "")


def shown(value: Any) -> str:
    """A value as a clerk reads it."""
    if value is None or value == "" or value == []:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Month):
        return str(value)
    if isinstance(value, dt.datetime):
        return f"{value:%Y.%m.%d %H:%M}"
    if isinstance(value, dt.date):
        return f"{value.year}.{value.month:02d}.{value.day:02d}"
    if isinstance(value, (bytes, bytearray)):
        return "有照片"
    if isinstance(value, (list, tuple)):
        return f"{len(value)} 行：" + "；".join(
            "，".join(shown(v) for v in item.values() if v not in (None, "")) if isinstance(item, Mapping)
            else shown(item) for item in value)
    return str(value)


def _norm(value: Any) -> Any:
    if value == "" or value == []:
        return None
    if isinstance(value, list):
        return [{k: _norm(v) for k, v in item.items() if k not in SKIP} if isinstance(item, Mapping) else item
                for item in value]
    return value


def _same(a: Any, b: Any) -> bool:
    return _norm(a) == _norm(b)


def diff(loaded: Mapping, current: Mapping, labels: Mapping[str, str], mine: Mapping | None = None
         ) -> list[Change]:
    """What changed between the version this clerk loaded and the one saved now, field by field,
    in the order of `labels`; where `mine` is given and the clerk changed the same field too, the
    change carries what they typed."""
    out = []
    for attr, label in labels.items():
        if attr in SKIP or (attr not in loaded and attr not in current):
            continue
        before, now = loaded.get(attr), current.get(attr)
        if _same(before, now):
            continue
        clash = None
        if mine is not None and attr in mine and not _same(mine[attr], before) and not _same(mine[attr], now):
            clash = shown(mine[attr])
        out.append(Change(attr, label, shown(before), shown(now), clash))
    return out


def my_changes(loaded: Mapping, mine: Mapping) -> dict:
    """The fields this clerk changed: {attr: their value}."""
    return {k: v for k, v in mine.items() if k not in SKIP and not _same(v, loaded.get(k))}


def rebase(loaded: Mapping, mine: Mapping, current: Mapping) -> dict:
    """The record to save on top of `current`: the other clerk's version with this clerk's own
    changes re-applied (where both changed a field, this clerk's value, as they chose)."""
    merged = {k: v for k, v in current.items() if k not in SKIP}
    merged.update(my_changes(loaded, mine))
    return merged
