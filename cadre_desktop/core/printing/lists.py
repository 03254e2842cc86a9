"""Forms that are flowing tables: 干部花名册 (roster) and 结对帮带登记表 (mentoring-register)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ..exchange.exporter import mask
from ..models import Unit
from ..services import cadres, mentoring
from ..values import Month
from .layout import Page
from .render import Job, register
from .table import layout_table

ROSTER_FIELDS = {
    "seq": "序号", "name": "姓名", "tag": "标记", "sex": "性别", "birth": "出生年月", "age": "年龄", "unit": "单位",
    "post": "现任职务", "rank": "职级", "level": "干部层级", "education": "最高学历", "incomplete": "待完善",
    "id_number": "身份证号", "phone": "联系电话", "team_role": "班子职务", "reserve": "后备干部", "status": "人员状态",
}
MENTORING_FIELDS = {
    "seq": "序号", "kind": "结对类型", "role": "导师类别", "mentor": "帮带人", "mentor_unit": "帮带人单位",
    "mentor_id_number": "帮带人身份证号", "mentee": "被帮带人", "mentee_unit": "被帮带人单位",
    "mentee_id_number": "被帮带人身份证号", "start": "开始日期", "end": "结束日期", "span": "结对期间",
    "last_talk": "最近谈心谈话", "last_report": "最近定期汇报", "overdue": "逾期情况", "state": "状态",
}


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else ""
    if isinstance(v, Month):
        return str(v)
    if isinstance(v, dt.date):
        return mentoring.day_text(v)
    return str(v)


def today_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def filter_text(session, flt: cadres.RosterFilter) -> str:
    parts = []
    if flt.search.strip():
        parts.append(f"检索“{flt.search.strip()}”")
    unit = flt.unit_name
    if flt.unit_id is not None and not unit:
        unit = session.scalar(select(Unit.name).where(Unit.id == flt.unit_id))
    if unit:
        parts.append(unit)
    if flt.level:
        parts.append(flt.level)
    if flt.age_band:
        parts.append(f"年龄{flt.age_band}")
    if flt.young:
        parts.append("年轻干部")
    if flt.reserve:
        parts.append("后备干部")
    if flt.status:
        parts.append(flt.status)
    if flt.incomplete:
        parts.append("待完善")
    return "、".join(parts) if parts else "全部干部"


def roster_layout(job: Job) -> list[Page]:
    defn = job.definition(ROSTER_FIELDS)
    flt = job.params.get("filter") or cadres.RosterFilter()
    sort = job.params.get("sort", "default")
    descending = bool(job.params.get("descending", False))
    ids = cadres.roster_ids(job.session, flt, sort=sort, descending=descending)
    rows = []
    total = len(ids)
    for start in range(0, total, 500):
        job.tick(start, total, f"读取名册：{start}/{total}")
        for r in cadres.roster_rows(job.session, ids[start:start + 500], today=flt.today):
            row = {k: _text(r.get(k)) for k in ROSTER_FIELDS if k in r}
            row["incomplete"] = "待完善" if r["incomplete"] else ""
            if job.masked:
                row["id_number"] = _text(mask("id_number", r.get("id_number")))
                row["phone"] = _text(mask("phone", r.get("phone")))
            rows.append(row)
    job.tick(total, total, "排版名册")
    context = {"count": len(rows), "date": today_text(dt.date.today()), "filter": filter_text(job.session, flt)}
    return layout_table(job, defn, rows, context=context, who="干部花名册")


def mentoring_layout(job: Job) -> list[Page]:
    defn = job.definition(MENTORING_FIELDS)
    today = job.params.get("today") or dt.date.today()
    pairs = mentoring.list_pairs(job.session, today=today)
    job.tick(0, 1, "排版结对帮带登记表")
    groups = []
    kinds = list(mentoring.KINDS) + sorted({p["kind"] for p in pairs} - set(mentoring.KINDS))
    for kind in kinds:
        rows = []
        for p in (p for p in pairs if p["kind"] == kind):
            row = {k: _text(p.get(k)) for k in MENTORING_FIELDS if k in p and k != "overdue"}
            row["span"] = f"{_text(p['start'])}—{_text(p['end']) or '至今'}"
            row["overdue"] = "；".join(msg for _rule, msg in p["reminders"])
            row["state"] = "进行中" if p["active"] else ("已结束" if p["end"] and p["end"] < today else "未开始")
            if job.masked:
                for k in ("mentor_id_number", "mentee_id_number"):
                    row[k] = _text(mask("id_number", p.get(k)))
            rows.append(row)
        if rows:
            groups.append((kind, rows))
    context = {"count": len(pairs), "date": today_text(today),
               "overdue": sum(1 for p in pairs if p["overdue"])}
    return layout_table(job, defn, [], groups=groups, context=context, who="结对帮带登记表")


register("roster", "干部花名册", roster_layout)
register("mentoring-register", "结对帮带登记表", mentoring_layout)
