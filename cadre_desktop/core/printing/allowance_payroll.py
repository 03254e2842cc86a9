"""乡镇津贴发放表 (allowance-payroll): one month, one row per recipient with each part of the amount,
a subtotal row per unit, the county total, signature lines at the foot of every page."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from ..masking import mask
from ..services import allowances
from ..values import Month, day_text
from .errors import PrintError
from .layout import Page
from .lists import today_text
from .render import Job, register
from .table import layout_table

FIELDS = {
    "seq": "序号", "unit": "单位", "name": "姓名", "id_number": "身份证号", "tier": "单位档次", "rate_tier": "适用档次",
    "staffing": "编制类型",
    "township_start": "乡镇工作起始", "years": "乡镇工作年限", "counted_years": "计发年限", "rate": "适用标准",
    "base": "月标准", "staffing_float": "编制上浮", "per_year": "每年补助", "years_amount": "年限补助", "total": "合计",
}
MONEY = ("base", "staffing_float", "per_year", "years_amount", "total")


def _money(v) -> str:
    return f"{Decimal(v):,.2f}"


def month_param(value) -> Month:
    """params["month"]: a Month, or text `2022-07` / `2022.07`."""
    if isinstance(value, Month):
        return value
    m = re.fullmatch(r"\s*(\d{4})[-./年](\d{1,2})月?\s*", str(value or ""))
    if not m:
        raise PrintError(f"月份“{value}”无法识别，应写作 2022-07。")
    try:
        return Month(int(m.group(1)), int(m.group(2)))
    except ValueError:
        raise PrintError(f"月份“{value}”无效。") from None


def payroll_rows(p: dict, *, masked: bool) -> list[dict]:
    rows: list[dict] = []
    for u, lines in allowances.unit_groups(p):
        for ln in lines:
            rows.append({
                "unit": ln["unit"], "name": ln["name"],
                "id_number": mask("id_number", ln["id_number"]) if masked else ln["id_number"],
                "tier": ln["tier"], "rate_tier": ln["rate_tier"], "staffing": ln["staffing"] or "",
                "township_start": str(ln["township_start"]) if ln["township_start"] else "",
                "years": str(ln["years"]), "counted_years": str(ln["counted_years"]),
                "rate": f"{ln['rate_tier']} {day_text(ln['rate_effective'])}起",
                **{k: _money(ln[k]) for k in MONEY},
            })
        rows.append({"_total": True, "unit": f"{u['unit']}小计", "name": f"{u['count']}人",
                     **{k: _money(u[k]) for k in ("base", "staffing_float", "years_amount", "total")}})
    if p["lines"]:
        rows.append({"_total": True, "unit": "全县合计", "name": f"{p['recipients']}人",
                     **{k: _money(p["totals"][k]) for k in ("base", "staffing_float", "years_amount", "total")}})
    return rows


def payroll_layout(job: Job) -> list[Page]:
    defn = job.definition(FIELDS)
    month = month_param(job.params.get("month"))
    job.tick(0, 1, f"读取{allowances.month_text(month)}发放表")
    p = allowances.payroll(job.session, month)
    if p["confirmed"]:
        at = p["confirmed_at"].replace(tzinfo=dt.timezone.utc).astimezone()
        state = f"已于{today_text(at.date())}确认发放"
    else:
        state = "未确认发放，按当前档案计算"
    rows = payroll_rows(p, masked=job.masked)
    context = {"year": month.year, "month": month.month, "count": p["recipients"], "total": _money(p["total"]),
               "state": state, "date": today_text(job.params.get("today") or dt.date.today())}
    job.tick(1, 2, "排版发放表")
    return layout_table(job, defn, rows, context=context, who=f"{allowances.month_text(month)}乡镇津贴发放表")


register("allowance-payroll", "乡镇津贴发放表", payroll_layout)
