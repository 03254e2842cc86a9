"""Township allowance (乡镇津贴): effective-dated rates, the payroll of a month, period totals, and
the confirmation (发放确认) that freezes a month's payroll as it was issued.

Rules (domain.md, workbook.md, report.md):
- A cadre is paid for month M when the cadre is 在职, the cadre's unit is a 乡镇 or 街道, and
  乡镇工作起始 is blank or not after M. Unconfirmed months are computed from the current records.
- The rate in force for a unit of tier T in M is the latest row with 档次 T and 生效日期 ≤ the first
  day of M; lacking one, the latest 基础 row with 生效日期 ≤ that day. A blank tier uses 基础.
  Every part of the amount comes from that one row.
- Amount = 月标准 + 编制上浮 (行政编制 / 参公事业编制 / 事业编制) + 年限补助 × whole years of township
  service at M (capped by 年限上限 when given).
- A confirmed month is kept line by line as issued and never changes afterwards.
Money is Decimal yuan throughout, never float.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Callable

from sqlalchemy import and_, false, func, or_, select, union
from sqlalchemy.orm import Session

from ..db import ordered_ids
from ..models import AllowancePayroll, AllowancePayrollLine, AllowanceRate, Cadre, Unit
from ..models.base import utcnow
from ..values import TIERS, TOWNSHIP_KINDS, DomainError, Month, day_text, moment_text, whole_years
from . import audit
from .accounts import Actor, require

BASIC = "基础"
RATE_TIERS = (BASIC, *TIERS)  # 基础 / 一档 / 二档 / 三档
FLOAT_STAFFING = ("行政编制", "参公事业编制", "事业编制")
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MAX_MONEY = Decimal("100000")  # a month's standard above this is a typing error, not a policy


def month_text(m: Month) -> str:
    return f"{m.year}年{m.month}月"


def _day(d: dt.date | None) -> str | None:
    return day_text(d) or None


def _money(v: Decimal | None) -> str | None:
    return None if v is None else f"{Decimal(v):.2f}"


# --- rates --------------------------------------------------------------------------------------


def rate_snapshot(r: AllowanceRate) -> dict:
    return {"生效日期": _day(r.effective), "档次": r.tier, "月标准": _money(r.base), "编制上浮": _money(r.staffing_float),
            "年限补助": _money(r.per_year), "年限上限": r.year_cap}


def rate_label(r: AllowanceRate) -> str:
    return f"{r.tier} {_day(r.effective)} 起"


def _as_money(value, attr: str, label: str, errors: list, *, required: bool = False) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.append((attr, f"{label}不能为空"))
        return None
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        d = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        errors.append((attr, f"{label}应为数字（元）"))
        return None
    if not d.is_finite():
        errors.append((attr, f"{label}应为数字（元）"))
        return None
    if d < 0:
        errors.append((attr, f"{label}不能为负数"))
        return None
    if d != d.quantize(CENT):
        errors.append((attr, f"{label}最多两位小数"))
        return None
    if d > MAX_MONEY:
        errors.append((attr, f"{label}不能超过 {MAX_MONEY:,.0f} 元"))
        return None
    return d.quantize(CENT)


def _as_cap(value, errors: list) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, bool):
            raise ValueError
        n = value if isinstance(value, int) else int(str(value).strip())
    except ValueError:
        errors.append(("year_cap", "年限上限应为整数（年）"))
        return None
    if not 1 <= n <= 60:
        errors.append(("year_cap", "年限上限应为 1 到 60 的整数（年），不设上限请留空"))
        return None
    return n


def check_rate(data: dict) -> tuple[dict, list[tuple[str, str]]]:
    """The one check of a rate row (the dialog and the 津贴标准 sheet both call it).

    data: effective (date), tier, base, staffing_float, per_year, year_cap — money as Decimal, int or
    text. Returns the cleaned values and [(attr, message)]."""
    errors: list[tuple[str, str]] = []
    effective = data.get("effective")
    if isinstance(effective, dt.datetime):
        effective = effective.date()
    if not isinstance(effective, dt.date):
        errors.append(("effective", "生效日期不能为空"))
        effective = None
    tier = (data.get("tier") or "").strip() if isinstance(data.get("tier"), str) else data.get("tier")
    if tier not in RATE_TIERS:
        errors.append(("tier", f"档次应为：{' / '.join(RATE_TIERS)}"))
    values = {
        "effective": effective,
        "tier": tier,
        "base": _as_money(data.get("base"), "base", "月标准", errors, required=True),
        "staffing_float": _as_money(data.get("staffing_float"), "staffing_float", "编制上浮", errors),
        "per_year": _as_money(data.get("per_year"), "per_year", "年限补助", errors),
        "year_cap": _as_cap(data.get("year_cap"), errors),
    }
    return values, errors


def save_rate(session: Session, *, actor: Actor, data: dict, rate_id: int | None = None,
              version: int | None = None) -> int:
    """Add or correct a rate row (audited). A correction never alters a confirmed month."""
    require(actor, "edit")
    values, errors = check_rate(data)
    if not errors:
        clash = session.scalar(select(AllowanceRate).where(AllowanceRate.effective == values["effective"],
                                                           AllowanceRate.tier == values["tier"]))
        if clash is not None and clash.id != rate_id:
            errors.append(("effective", f"{_day(values['effective'])} 起的{values['tier']}标准已有一条"))
    if errors:
        raise DomainError("；".join(m for _, m in errors), errors=errors)
    if rate_id is None:
        r = AllowanceRate(**values)
        session.add(r)
        session.flush()
        audit.record(session, actor, "新增", "allowance_rate", r.id, rate_label(r), None, rate_snapshot(r))
        return r.id
    r = session.get(AllowanceRate, rate_id)
    if r is None:
        raise DomainError("该津贴标准已被删除。")
    if version is not None and r.version != version:
        raise DomainError("该津贴标准已被他人修改，请刷新后再改。")
    before = rate_snapshot(r)
    for k, v in values.items():
        setattr(r, k, v)
    audit.record_change(session, actor, "修改", "allowance_rate", r.id, rate_label(r), before, rate_snapshot(r))
    return r.id


def delete_rate(session: Session, *, actor: Actor, rate_id: int) -> None:
    require(actor, "edit")
    r = session.get(AllowanceRate, rate_id)
    if r is None:
        return
    audit.record(session, actor, "删除", "allowance_rate", r.id, rate_label(r), rate_snapshot(r), None)
    session.delete(r)


def rate_dict(r: AllowanceRate) -> dict:
    return {"id": r.id, "version": r.version, "effective": r.effective, "tier": r.tier, "base": r.base,
            "staffing_float": r.staffing_float, "per_year": r.per_year, "year_cap": r.year_cap}


def list_rates(session: Session) -> list[dict]:
    """Every rate row, newest first, tiers in the order 基础, 一档, 二档, 三档."""
    rows = list(session.scalars(select(AllowanceRate)))
    rows.sort(key=lambda r: (-r.effective.toordinal(), RATE_TIERS.index(r.tier) if r.tier in RATE_TIERS else 9))
    return [rate_dict(r) for r in rows]


class RateTable:
    """The rate rows in hand, answering workbook.md's in-force rule for any tier and month."""

    def __init__(self, rates: list[AllowanceRate]):
        self.by_tier: dict[str, list[AllowanceRate]] = {}
        for r in sorted(rates, key=lambda r: r.effective):
            self.by_tier.setdefault(r.tier, []).append(r)

    def _latest(self, tier: str, day: dt.date) -> AllowanceRate | None:
        found = None
        for r in self.by_tier.get(tier, ()):
            if r.effective <= day:
                found = r
            else:
                break
        return found

    def in_force(self, tier: str | None, month: Month) -> AllowanceRate | None:
        day = month.first_day()
        own = self._latest(tier, day) if tier and tier != BASIC else None
        return own or self._latest(BASIC, day)


def rate_in_force(session: Session, tier: str | None, month: Month) -> dict | None:
    """The rate row in force for a unit of `tier` (None or 基础 for a blank tier) in `month`."""
    r = RateTable(list(session.scalars(select(AllowanceRate)))).in_force(tier, month)
    return rate_dict(r) if r else None


# --- the payroll of a month --------------------------------------------------------------------


@dataclass(frozen=True)
class _Person:
    cadre_id: int
    id_number: str
    name: str
    unit: str
    unit_order: int
    tier: str
    staffing: str | None
    township_start: Month | None


def _people(session: Session) -> list[_Person]:
    """Every cadre who may be paid by the current records: 在职, in a 乡镇 or 街道, in payroll order."""
    q = (select(Cadre.id, Cadre.id_number, Cadre.name, Unit.name, Unit.sort_order, Unit.tier, Cadre.staffing,
                Cadre.township_start)
         .join(Unit, Cadre.unit_id == Unit.id)
         .where(Cadre.status == "在职", Unit.kind.in_(TOWNSHIP_KINDS))
         .order_by(Unit.sort_order, Unit.name, Cadre.name, Cadre.id_number))
    return [_Person(cid, idn, name, unit, order or 0, tier or BASIC, staffing, start)
            for cid, idn, name, unit, order, tier, staffing, start in session.execute(q)]


def _line(p: _Person, month: Month, rates: RateTable) -> dict | None:
    """What `p` is paid for `month`, each part; None when not paid (starts later, or no rate)."""
    if p.township_start is not None and p.township_start > month:
        return None
    rate = rates.in_force(p.tier, month)
    if rate is None:
        return None
    years = max(whole_years(p.township_start, month), 0) if p.township_start else 0
    counted = min(years, rate.year_cap) if rate.year_cap else years
    base = rate.base
    float_ = (rate.staffing_float or ZERO) if p.staffing in FLOAT_STAFFING else ZERO
    per_year = rate.per_year or ZERO
    years_amount = (per_year * counted).quantize(CENT)
    return {"cadre_id": p.cadre_id, "id_number": p.id_number, "name": p.name, "unit": p.unit,
            "unit_order": p.unit_order, "tier": p.tier, "staffing": p.staffing, "township_start": p.township_start,
            "years": years, "counted_years": counted, "rate_tier": rate.tier, "rate_effective": rate.effective,
            "base": base.quantize(CENT), "staffing_float": float_.quantize(CENT), "per_year": per_year.quantize(CENT),
            "years_amount": years_amount, "total": (base + float_ + years_amount).quantize(CENT)}


PARTS = ("base", "staffing_float", "years_amount", "total")


def _summarise(month: Month, lines: list[dict], confirmed: AllowancePayroll | None, missing: list[str]) -> dict:
    units: list[dict] = []
    for ln in lines:
        if not units or units[-1]["unit"] != ln["unit"]:
            units.append({"unit": ln["unit"], "count": 0, **{k: ZERO for k in PARTS}})
        u = units[-1]
        u["count"] += 1
        for k in PARTS:
            u[k] += ln[k]
    totals = {k: sum((ln[k] for ln in lines), ZERO) for k in PARTS}
    return {
        "month": month,
        "confirmed": confirmed is not None,
        "confirmed_by": confirmed.confirmed_by if confirmed else None,
        "confirmed_at": confirmed.confirmed_at if confirmed else None,
        "lines": lines,
        "units": units,
        "totals": totals,
        "total": totals["total"],
        "recipients": len(lines),
        # township units with recipients but no rate in force that month (nobody there is paid)
        "missing_rates": missing,
    }


def _computed_lines(people: list[_Person], month: Month, rates: RateTable) -> tuple[list[dict], list[str]]:
    lines, missing = [], []
    for p in people:
        ln = _line(p, month, rates)
        if ln is not None:
            lines.append(ln)
        elif (p.township_start is None or p.township_start <= month) and p.unit not in missing:
            missing.append(p.unit)
    return lines, missing


def _stored_line(ln: AllowancePayrollLine) -> dict:
    return {k: getattr(ln, k) for k in (
        "cadre_id", "id_number", "name", "unit", "unit_order", "tier", "staffing", "township_start", "years",
        "counted_years", "rate_tier", "rate_effective", "base", "staffing_float", "per_year", "years_amount", "total")}


def _confirmed(session: Session, month: Month) -> AllowancePayroll | None:
    return session.scalar(select(AllowancePayroll).where(AllowancePayroll.month == month))


def unit_groups(payroll_: dict) -> list[tuple[dict, list[dict]]]:
    """A payroll's lines grouped under their unit's summary, units in payroll order: what every
    list of a payroll (the page, the workbook, the printed form) walks to put subtotals in."""
    lines: dict[str, list[dict]] = {}
    for ln in payroll_["lines"]:
        lines.setdefault(ln["unit"], []).append(ln)
    return [(u, lines[u["unit"]]) for u in payroll_["units"]]


def payroll(session: Session, month: Month, *, progress: Callable[[int, int, str], None] | None = None) -> dict:
    """The payroll of `month`: as issued when confirmed, else computed from the current records.

    Returns month, confirmed (+ confirmed_by, confirmed_at), lines (each recipient with unit, tier,
    staffing, years of township service, each part and the total), units (per-unit count and part
    totals, in payroll order), totals (per part), total, recipients, missing_rates."""
    stored = _confirmed(session, month)
    if stored is not None:
        return _summarise(month, [_stored_line(ln) for ln in stored.lines], stored, [])
    people = _people(session)
    rates = RateTable(list(session.scalars(select(AllowanceRate))))
    lines, missing = _computed_lines(people, month, rates)
    if progress:
        progress(len(people), len(people), month_text(month))
    return _summarise(month, lines, None, missing)


# --- the payroll of a month, a block of lines at a time ------------------------------------------


def _tier_in(tiers: list) -> object:
    named = [t for t in tiers if t is not None]
    conds = ([Unit.tier.in_(named)] if named else []) + ([Unit.tier.is_(None)] if None in tiers else [])
    return or_(*conds) if conds else false()


def payroll_index(session: Session, month: Month) -> dict:
    """payroll() without its lines, computed in the database (for a list that shows the lines a
    block at a time, `payroll_lines`): month, confirmed (+ by, at), units, totals, total,
    recipients, missing_rates as payroll() gives them, and `keys`, what names each line in payroll
    order (the cadre's id for a computed month, the line's number for a confirmed one)."""
    stored = _confirmed(session, month)
    if stored is not None:
        L = AllowancePayrollLine
        keys = ordered_ids(session, select(L.seq).where(L.payroll_id == stored.id).order_by(L.seq))
        q = (select(L.unit, func.count(), *(func.sum(getattr(L, k)) for k in PARTS))
             .where(L.payroll_id == stored.id).group_by(L.unit).order_by(func.min(L.seq)))
        units = [{"unit": u, "count": n, **{k: v if v is not None else ZERO for k, v in zip(PARTS, sums)}}
                 for u, n, *sums in session.execute(q)]
        return _index(month, keys, units, stored, [])
    rates = RateTable(list(session.scalars(select(AllowanceRate))))
    tiers = list(session.scalars(select(Unit.tier).distinct().where(Unit.kind.in_(TOWNSHIP_KINDS))))
    rated = [t for t in tiers if rates.in_force(t or BASIC, month) is not None]
    started = or_(Cadre.township_start.is_(None), Cadre.township_start <= month)
    paid = (*_payable(), started, _tier_in(rated))
    unit_order = (Unit.sort_order, Unit.name)
    keys = ordered_ids(session, select(Cadre.id).join(Unit, Cadre.unit_id == Unit.id).where(*paid)
                       .order_by(*unit_order, Cadre.name, Cadre.id_number))
    # each unit's lines by what an amount depends on (as period_total): the cost is the groups';
    # a group whose tier has no standard in force names its unit among the missing rates
    groups = session.execute(
        select(*unit_order, Unit.tier, Cadre.staffing, Cadre.township_start, func.count())
        .join(Unit, Cadre.unit_id == Unit.id).where(*_payable(), started)
        .group_by(*unit_order, Unit.tier, Cadre.staffing, Cadre.township_start).order_by(*unit_order))
    by_unit: dict[tuple, dict] = {}
    missing: list[str] = []
    for order, unit, tier, staffing, start, n in groups:
        if tier not in rated:
            missing.append(unit)
            continue
        ln = _line(_Person(0, "", "", unit, order or 0, tier or BASIC, staffing, start), month, rates)
        u = by_unit.setdefault((order, unit), {"unit": unit, "count": 0, **{k: ZERO for k in PARTS}})
        u["count"] += n
        for k in PARTS:
            u[k] += ln[k] * n
    return _index(month, keys, list(by_unit.values()), None, list(dict.fromkeys(missing)))


def _index(month: Month, keys: list[int], units: list[dict], confirmed: AllowancePayroll | None,
           missing: list[str]) -> dict:
    out = _summarise(month, [], confirmed, missing)
    totals = {k: sum((u[k] for u in units), ZERO) for k in PARTS}
    out.update(lines=None, keys=keys, units=units, totals=totals, total=totals["total"], recipients=len(keys))
    return out


def payroll_lines(session: Session, month: Month, keys: list[int], *, confirmed: bool) -> list[dict | None]:
    """The payroll lines named by `keys` (payroll_index), in that order; None for a line no longer
    there (a computed month whose records changed since)."""
    if not keys:
        return []
    if confirmed:
        stored = _confirmed(session, month)
        if stored is None:
            return [None] * len(keys)
        L = AllowancePayrollLine
        got = {ln.seq: _stored_line(ln)
               for ln in session.scalars(select(L).where(L.payroll_id == stored.id, L.seq.in_(keys)))}
        return [got.get(k) for k in keys]
    rates = RateTable(list(session.scalars(select(AllowanceRate))))
    q = (select(Cadre.id, Cadre.id_number, Cadre.name, Unit.name, Unit.sort_order, Unit.tier, Cadre.staffing,
                Cadre.township_start)
         .join(Unit, Cadre.unit_id == Unit.id).where(*_payable(), Cadre.id.in_(keys)))
    got = {}
    for cid, idn, name, unit, order, tier, staffing, start in session.execute(q):
        got[cid] = _line(_Person(cid, idn, name, unit, order or 0, tier or BASIC, staffing, start), month, rates)
    return [got.get(k) for k in keys]


def confirmed_months(session: Session) -> dict[Month, dict]:
    """Every confirmed month: who confirmed it, when, how many were paid and the total."""
    return {p.month: {"confirmed_by": p.confirmed_by, "confirmed_at": p.confirmed_at, "recipients": p.recipients,
                      "total": p.total}
            for p in session.scalars(select(AllowancePayroll).order_by(AllowancePayroll.month))}


def confirm_month(session: Session, *, actor: Actor, month: Month) -> dict:
    """发放确认 (管理员): keep the month's payroll exactly as computed now, line by line. From then on
    the month is read as issued: later transfers, status changes and rate corrections leave it alone.
    A month is confirmed once; a month not yet begun, or with nobody to pay, is refused."""
    require(actor, "admin")
    if not isinstance(month, Month):
        raise DomainError("请选择要确认的月份。")
    if month > Month.of(dt.date.today()):
        raise DomainError(f"{month_text(month)}尚未到来，不能确认发放。")
    done = _confirmed(session, month)
    if done is not None:
        raise DomainError(f"{month_text(month)}的乡镇津贴已于 {moment_text(done.confirmed_at)} 由"
                          f"“{done.confirmed_by}”确认发放，不能重复确认。")
    p = payroll(session, month)
    if not p["lines"]:
        raise DomainError(f"{month_text(month)}没有应发乡镇津贴的人员，无需确认。")
    record = AllowancePayroll(month=month, confirmed_by=actor.name, confirmed_at=utcnow().replace(microsecond=0),
                              recipients=p["recipients"], total=p["total"])
    record.lines = [AllowancePayrollLine(seq=i, **ln) for i, ln in enumerate(p["lines"], 1)]
    session.add(record)
    session.flush()
    audit.record(session, actor, "发放确认", "allowance_payroll", record.id, f"{month} 乡镇津贴发放表", None,
                 {"月份": str(month), "人数": p["recipients"], "合计": _money(p["total"]),
                  "各单位": {u["unit"]: _money(u["total"]) for u in p["units"]}})
    return payroll(session, month)


# --- periods ------------------------------------------------------------------------------------


def months_inside(start: dt.date, end: dt.date) -> list[Month]:
    """The whole calendar months that lie inside [start, end]."""
    first = Month.of(start) if start.day == 1 else Month.of(start).add_months(1)
    last_full = Month.of(end) if (end + dt.timedelta(days=1)).day == 1 else Month.of(end).add_months(-1)
    return [Month.from_index(i) for i in range(first.index, last_full.index + 1)]


def period_months(session: Session, months: list[Month], *,
                  progress: Callable[[int, int, str], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> list[dict]:
    """Per month: month, confirmed, recipients, total, and the recipients' ID numbers."""
    stored = {p.month: p for p in session.scalars(select(AllowancePayroll).where(
        AllowancePayroll.month.in_(months)))} if months else {}
    people = rates = None
    out = []
    for i, m in enumerate(months, 1):
        if cancelled and cancelled():
            from ..exchange.sheets import Cancelled

            raise Cancelled()
        if m in stored:
            lines = stored[m].lines
            ids = {ln.id_number for ln in lines}
            out.append({"month": m, "confirmed": True, "recipients": stored[m].recipients, "total": stored[m].total,
                        "ids": ids})
        else:
            if people is None:
                people = _people(session)
                rates = RateTable(list(session.scalars(select(AllowanceRate))))
            lines, _missing = _computed_lines(people, m, rates)
            out.append({"month": m, "confirmed": False, "recipients": len(lines),
                        "total": sum((ln["total"] for ln in lines), ZERO), "ids": {ln["id_number"] for ln in lines}})
        if progress:
            progress(i, len(months), month_text(m))
    return out


def period_total(session: Session, start: dt.date, end: dt.date) -> dict:
    """What the county paid for the whole months inside [start, end] (report.md's allowances.*):
    total_yuan (Decimal) and recipients (distinct cadres paid in at least one month).

    The database counts the cadres by what an amount depends on (the unit's tier, the 编制, the
    乡镇工作起始); each month's total is then each group's payroll line (_line, the same arithmetic
    as the payroll) times its count, so the cost does not grow with the number of cadres.
    `period_total_lines` is the line-by-line computation it replaces, kept for the tests."""
    months = months_inside(start, end)
    stored = _stored_payrolls(session, months)
    open_months = [m for m in months if m not in stored]
    total = sum((p.total for p in stored.values()), ZERO)
    rates = RateTable(list(session.scalars(select(AllowanceRate))))
    if open_months:
        groups = _pay_groups(session)
        for m in open_months:
            total += _group_total(groups, m, rates)
    numbers = recipient_numbers(session, months, stored=stored, rates=rates)
    recipients = session.scalar(select(func.count()).select_from(numbers.subquery())) if numbers is not None else 0
    return {"total_yuan": total, "recipients": recipients}


def period_total_lines(session: Session, start: dt.date, end: dt.date) -> dict:
    """period_total computed line by line for every cadre and month (the payroll's own way)."""
    months = period_months(session, months_inside(start, end))
    ids: set[str] = set()
    for m in months:
        ids |= m["ids"]
    return {"total_yuan": sum((m["total"] for m in months), ZERO), "recipients": len(ids)}


def _stored_payrolls(session: Session, months: list[Month]) -> dict[Month, AllowancePayroll]:
    return {p.month: p for p in session.scalars(select(AllowancePayroll).where(
        AllowancePayroll.month.in_(months)))} if months else {}


def _payable():
    """The cadres the current records may pay: 在职, in a 乡镇 or 街道 (as _people)."""
    return (Cadre.status == "在职", Unit.kind.in_(TOWNSHIP_KINDS))


def _pay_groups(session: Session) -> list[tuple]:
    """(unit tier, 编制, 乡镇工作起始, number of cadres) over the cadres _people lists."""
    q = (select(Unit.tier, Cadre.staffing, Cadre.township_start, func.count())
         .select_from(Cadre).join(Unit, Cadre.unit_id == Unit.id).where(*_payable())
         .group_by(Unit.tier, Cadre.staffing, Cadre.township_start))
    return session.execute(q).all()


def _group_total(groups: list[tuple], month: Month, rates: RateTable) -> Decimal:
    total = ZERO
    for tier, staffing, start, n in groups:
        ln = _line(_Person(0, "", "", "", 0, tier or BASIC, staffing, start), month, rates)
        if ln is not None:
            total += ln["total"] * n
    return total


def recipient_numbers(session: Session, months: list[Month], *, stored: dict | None = None,
                      rates: RateTable | None = None):
    """The SELECT of the ID numbers paid in at least one of `months` (a UNION, so each once): the
    lines of the confirmed months, and the cadres the current records pay in an open month. None
    when there are no months."""
    if not months:
        return None
    stored = _stored_payrolls(session, months) if stored is None else stored
    rates = RateTable(list(session.scalars(select(AllowanceRate)))) if rates is None else rates
    open_months = [m for m in months if m not in stored]
    parts = []
    if stored:
        parts.append(select(AllowancePayrollLine.id_number).where(
            AllowancePayrollLine.payroll_id.in_([p.id for p in stored.values()])))
    if open_months:
        # A cadre is paid in some open month when a rate is in force for the unit's tier in a month
        # on or after 乡镇工作起始 (blank: any such month): so when the start is at most the last
        # open month with such a rate.
        conds = []
        tiers = session.scalars(select(Unit.tier).distinct().where(Unit.kind.in_(TOWNSHIP_KINDS))).all()
        for tier in tiers:
            rated = [m for m in open_months if rates.in_force(tier or BASIC, m) is not None]
            if rated:
                conds.append(and_(Unit.tier.is_(None) if tier is None else Unit.tier == tier,
                                  or_(Cadre.township_start.is_(None), Cadre.township_start <= max(rated))))
        if conds:
            parts.append(select(Cadre.id_number).join(Unit, Cadre.unit_id == Unit.id)
                         .where(*_payable(), or_(*conds)))
    if not parts:
        return select(Cadre.id_number).where(false())
    return parts[0] if len(parts) == 1 else union(*parts)


def period_summary(session: Session, first: Month, last: Month, *,
                   progress: Callable[[int, int, str], None] | None = None,
                   cancelled: Callable[[], bool] | None = None) -> dict:
    """The months first..last (inclusive) for the page: per-month rows, total and distinct recipients."""
    if last < first:
        raise DomainError("截止月份不能早于起始月份。")
    if last.index - first.index >= 12 * 50:
        raise DomainError("统计期间不能超过 50 年。")
    months = period_months(session, [Month.from_index(i) for i in range(first.index, last.index + 1)],
                           progress=progress, cancelled=cancelled)
    ids: set[str] = set()
    for m in months:
        ids |= m.pop("ids")
    return {"first": first, "last": last, "months": months, "total": sum((m["total"] for m in months), ZERO),
            "recipients": len(ids)}
