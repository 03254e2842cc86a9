"""The 津贴标准 sheet: effective-dated township allowance rates, keyed by (生效日期, 档次)."""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AllowanceRate
from ..services import allowances, audit
from .sheets import Column, Context, Row, SheetDef, register, stored

ATTRS = ("effective", "tier", "base", "staffing_float", "per_year", "year_cap")


@register
class AllowanceRateSheet(SheetDef):
    name = "津贴标准"
    columns = (
        Column("生效日期", "effective", "day", True, comment="如 2022.07.01；当月1日及以前生效的标准用于当月"),
        Column("档次", "tier", "enum", True, allowances.RATE_TIERS,
               comment="基础/一档/二档/三档；某档次尚无标准时用基础标准，未定档次的乡镇也用基础标准"),
        Column("月标准", "base", "money", True, comment="每人每月，元"),
        Column("编制上浮", "staffing_float", "money",
               comment="行政编制、参公事业编制、事业编制人员每月另加，元；空为 0"),
        Column("年限补助", "per_year", "money", comment="乡镇工作每满一年每月另加，元；空为 0"),
        Column("年限上限", "year_cap", "int", comment="计算年限补助的最多年数；空为不设上限"),
    )
    key = ("effective", "tier")
    note = "同一生效日期、同一档次只能有一行；已确认发放的月份不受修改影响"

    def check(self, ctx: Context, rows: list[Row]) -> None:
        for r in rows:
            _values, errors = allowances.check_rate({a: r.get(a) for a in ATTRS})
            for attr, msg in errors:
                col = self.column(attr)
                if r.get(attr) is None and col.required:
                    continue  # the importer has said it is blank
                ctx.error(self.name, r.number, col.header, msg)

    def write(self, ctx: Context, rows: list[Row]) -> tuple[int, int]:
        s = ctx.session
        existing = {(r.effective, r.tier): r for r in s.scalars(select(AllowanceRate))}
        new: list[AllowanceRate] = []
        updated = 0
        for row in rows:
            ctx.tick(self.name)
            values, _errors = allowances.check_rate({a: row.get(a) for a in ATTRS})
            # a column the workbook leaves out keeps the record's value
            values = {k: v for k, v in values.items() if k in row.values}
            rate = existing.get((values["effective"], values["tier"]))
            if rate is None:
                rate = AllowanceRate(**values)
                existing[(rate.effective, rate.tier)] = rate
                new.append(rate)
                continue
            before = allowances.rate_snapshot(rate)
            for k, v in values.items():
                setattr(rate, k, v)
            if audit.record_change(s, ctx.actor, "导入修改", "allowance_rate", rate.id, allowances.rate_label(rate),
                                   before, allowances.rate_snapshot(rate)):
                updated += 1
        s.add_all(new)
        s.flush()
        for rate in new:
            audit.record(s, ctx.actor, "导入新增", "allowance_rate", rate.id, allowances.rate_label(rate), None,
                         allowances.rate_snapshot(rate))
        return len(new), updated

    def export(self, session: Session) -> Iterable[Sequence[Any]]:
        # a few rows: sorted here by date, then tier in the order of RATE_TIERS
        rows = session.connection().execute(select(*(stored(getattr(AllowanceRate, c.attr)) for c in self.columns)))
        tier = [c.attr for c in self.columns].index("tier")
        effective = [c.attr for c in self.columns].index("effective")
        return sorted(rows, key=lambda r: (r[effective], allowances.RATE_TIERS.index(r[tier])))
