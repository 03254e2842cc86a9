"""The annual report's indicators (report.md), for any period, and the records behind each one.

Every indicator is one entry of `INDICATORS` (built by `indicators(session, period)`): its dotted
key, its Chinese name, its unit, the kind of record behind it, and how it is counted:

- `sql` indicators give a SELECT of distinct things (cadre ids, (mentor, mentee) pairs, record
  ids, …); the figure is the number of its rows, counted in the database; `behind` runs a second
  SELECT (`rows`, record ids) or the same one when it already lists record ids.
- `sum` indicators give a SELECT of (record id, value); the figure is the database's SUM.
- `py` indicators are computed from a bounded set of rows fetched in one query (the township
  team appointments of the period, the rule findings, the overdue pairs): never a loop over the
  whole cadre table.

The sections are defined in workforce.py (干部队伍 … 选拔任用), township.py (乡镇领导班子选配) and
programs.py (通报表扬 … 规则检查); base.py holds what they share, records.py the display rows of
the records behind a figure, and this module the computing (`compute`, `behind`).

The figure and the records behind it come from the same definition, so a figure a leader
questions can always be checked: `behind(session, key, period)` lists exactly what was counted.

Definitions (report.md): a dated record is in the period when its date falls in it (both ends
included); a record with a start and an end (postings, pairs) when its span overlaps the period,
a blank end being open. Ages are whole years counted by month of birth. The product keeps no
history of a cadre's status, unit, level, team role, education or reserve flag: every test of
those uses the current value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from ...models import Cadre, Posting
from ...services import settings
from ...services.development import DESTINATIONS, TASK_FIELDS, VILLAGE_KINDS
from ...services.mentoring import RECORD_KINDS
from ...services.welfare import VISIT_CATEGORIES
from ...values import DomainError
from .base import SECTIONS, Ctx, Indicator, Period
from .programs import (
    _findings, allowance_total, allowances_section, care_section, commendations_section, mentoring_section,
    rules_section, tolerance_section,
)
from .records import records
from .township import TEAM_LABELS, is_government_head, is_party_head, team_appointments, township_teams_section
from .workforce import appointments_section, cadres_section, postings_section, training_section

# Re-exported (__all__): the enumerations the keys run over (every allowed value appears, zeros
# included), from the services that own them: DESTINATIONS, TASK_FIELDS, VILLAGE_KINDS, RECORD_KINDS,
# VISIT_CATEGORIES.

# The sections, in the report's order; each adds its indicators (base.Add).
SECTION_ORDER = (
    cadres_section, training_section, postings_section, appointments_section, township_teams_section,
    commendations_section, mentoring_section, tolerance_section, allowances_section, care_section, rules_section,
)


def _build(ctx: Ctx) -> list[Indicator]:
    """Every indicator of the context's period, built once per context."""
    def build():
        out: list[Indicator] = []

        def add(key, label, unit, record, how="sql", **kw):
            out.append(Indicator(key, label, unit, record, how, **kw))

        for section in SECTION_ORDER:
            section(ctx, add)
        return out

    return ctx.once("indicators", build)


# --- computing -----------------------------------------------------------------------------------


def _ctx(session: Session, period: Period, today: dt.date | None) -> Ctx:
    return Ctx(session, period, today or dt.date.today(), settings.young_age(session))


def _one_pass(session: Session, ctx: Ctx, name: str) -> dict[str, int]:
    """Every figure of one pass (`where`), counted together: over the cadre table, the number of
    cadres meeting each figure's conditions; over the postings, the number of distinct values of
    `distinct` among the postings meeting them. Each equals what the figure's own `count` SELECT
    counts. A pass counts only the figures being computed (`ctx.keys`).

    The posting pass reads only the postings that have not ended before the period or started in
    it: every posting figure asks for a start in the period or a span overlapping it (about half of
    the postings of a county with a few years of history). It does not ask for a start by the
    period's end, which every figure tests itself and almost every posting meets: SQLite would read
    the postings through the start index then (0.11 s for 51,569 rows, 0.02 s by a plain scan)."""
    inds = [i for i in _build(ctx) if i.where is not None and i.one_pass == name
            and (ctx.keys is None or i.key in ctx.keys)]
    if name == "cadre":
        cols = [func.count() if not i.where else func.sum(case((and_(*i.where), 1), else_=0)) for i in inds]
        q = select(*cols).select_from(Cadre)
    else:
        cols = [func.count(func.distinct(case((and_(*i.where), i.distinct)))) for i in inds]
        p = ctx.period
        q = (select(*cols).select_from(Posting).join(Cadre, Cadre.id == Posting.cadre_id)
             .where(or_(Posting.end.is_(None), Posting.end >= p.start, Posting.start >= p.start)))
    row = session.execute(q).one()
    return {i.key: int(v or 0) for i, v in zip(inds, row)}


def _value(session: Session, ind: Indicator, ctx: Ctx):
    if ind.where is not None:
        return ctx.once(f"pass:{ind.one_pass}", lambda: _one_pass(session, ctx, ind.one_pass))[ind.key]
    if ind.how == "py":
        return ind.py(ctx)[0]
    if ind.how == "sum":
        sub = ind.count(ctx).subquery()
        v = session.scalar(select(func.sum(sub.c.v)))
        return _money(v) if ind.money else _hours(v)
    sub = ind.count(ctx).subquery()
    return int(session.scalar(select(func.count()).select_from(sub)) or 0)


def _money(v) -> Decimal:
    return Decimal(v or 0).quantize(Decimal("0.01"))


def _hours(v) -> Decimal:
    return Decimal(v or 0).quantize(Decimal("0.1"))


@dataclass
class Report:
    period: Period
    values: dict[str, Any]  # dotted key → int | Decimal
    indicators: list[Indicator]

    def get(self, key: str, default=0):
        return self.values.get(key, default)

    def nested(self) -> dict:
        """The JSON object of `cadre report --json`: dotted keys as nested objects; money and hours
        as numbers with at most two / one decimals."""
        out: dict = {"period": {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()}}
        for ind in self.indicators:
            node = out
            parts = ind.key.split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = json_number(self.values[ind.key])
        return out

    def by_section(self) -> list[tuple[str, str, list[Indicator]]]:
        sections: dict[str, list[Indicator]] = {}
        for ind in self.indicators:
            sections.setdefault(ind.section, []).append(ind)
        return [(s, SECTIONS.get(s, s), items) for s, items in sections.items()]


def json_number(v):
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def value_text(ind: Indicator, v) -> str:
    if ind.money:
        return f"{Decimal(v):.2f}"
    if ind.hours:
        return f"{Decimal(v):.1f}"
    return str(v)


def indicators(session: Session, period: Period, today: dt.date | None = None) -> list[Indicator]:
    return _build(_ctx(session, period, today))


def compute(session: Session, period: Period, *, today: dt.date | None = None,
            progress: Callable[[int, int, str], None] | None = None,
            cancelled: Callable[[], bool] | None = None, only: str | tuple[str, ...] | None = None,
            skip: tuple[str, ...] = ()) -> Report:
    """Every indicator of report.md for the period (`only`: just the keys under that prefix, or
    under one of these prefixes, e.g. "township_teams."; `skip`: not the keys under these prefixes)."""
    ctx = _ctx(session, period, today)
    inds = [i for i in _build(ctx) if (only is None or i.key.startswith(only)) and not i.key.startswith(skip)]
    ctx.keys = {i.key for i in inds}
    values = {}
    for i, ind in enumerate(inds):
        if cancelled is not None and cancelled():
            from ...exchange.sheets import Cancelled

            raise Cancelled()
        if progress is not None and i % 10 == 0:
            progress(i, len(inds), SECTIONS.get(ind.section, ind.section))
        values[ind.key] = _value(session, ind, ctx)
    return Report(period, values, inds)


# --- the records behind a figure ----------------------------------------------------------------


@dataclass
class Behind:
    key: str
    label: str
    value: Any
    record: str
    columns: list[tuple[str, str]]  # (header, field)
    rows: list[dict]  # each may carry "cadre_id" (the cadre a double-click opens)


def behind(session: Session, key: str, period: Period, *, today: dt.date | None = None) -> Behind:
    """The records counted by one figure: the cadres, records or findings it was computed from."""
    ctx = _ctx(session, period, today)
    ind = next((i for i in _build(ctx) if i.key == key), None)
    if ind is None:
        raise DomainError(f"没有指标“{key}”。")
    value = _value(session, ind, ctx)
    if ind.how == "py":
        ids = ind.ids(ctx) if ind.ids is not None else ind.py(ctx)[1]
    else:
        q = (ind.rows or ind.count)(ctx)
        sub = q.subquery()
        ids = list(session.scalars(select(sub.c.id)))
    if ind.record == "finding":
        found = _findings(ctx)
        rows = [{"rule": f.rule_name, "message": f.message, "cadre_id": f.cadre_ids[0] if len(f.cadre_ids) == 1 else None}
                for f in found]
        return Behind(key, ind.label, value, ind.record, [("规则", "rule"), ("内容", "message")], rows)
    columns, rows = records(session, ind.record, ids)
    if key == "mentoring.overdue_pairs":  # say what is overdue
        reasons = ctx.cache["overdue"]
        for r in rows:
            r["overdue"] = reasons.get(r["pair_id"], "")
        columns = [*columns, ("逾期情况", "overdue")]
    return Behind(key, ind.label, value, ind.record, columns, rows)


__all__ = ["Behind", "DESTINATIONS", "DomainError", "Indicator", "Period", "RECORD_KINDS", "Report", "TASK_FIELDS",
           "TEAM_LABELS", "VILLAGE_KINDS", "VISIT_CATEGORIES", "allowance_total", "behind", "compute", "indicators",
           "is_government_head", "is_party_head", "records", "team_appointments", "value_text"]
