"""Forms that are flowing tables: 干部花名册 (roster) and 结对帮带登记表 (mentoring-register)."""

from __future__ import annotations

import datetime as dt

from ..masking import mask
from ..services import cadres, mentoring
from ..services.roster import filter_text
from ..values import Month
from .errors import MissingGlyph, PrintError
from .layout import Page, missing_glyph_error
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


# -- any list as the window shows it -----------------------------------------------------------

def _fill_widths(desired: list[float], room: float, lo: float) -> list[float]:
    """Widths proportional to content that fill `room`: a column that wants less than its share keeps
    what it wants; the others share the rest (water-filling), then all grow to fill the page."""
    desired = [max(d, lo) for d in desired]
    if sum(desired) <= room:
        scale = room / sum(desired)
        return [d * scale for d in desired]
    cap_lo, cap_hi = lo, max(desired)
    for _ in range(60):  # bisection on the cap
        cap = (cap_lo + cap_hi) / 2
        if sum(min(d, cap) for d in desired) > room:
            cap_hi = cap
        else:
            cap_lo = cap
    widths = [min(d, cap_lo) for d in desired]
    spare = room - sum(widths)
    capped = [i for i, d in enumerate(desired) if d > cap_lo]
    for i in capped:
        widths[i] += spare / len(capped)
    return widths


def list_layout(job: Job) -> list[Page]:
    """params: title, filters (text), columns [(key, header)], rows (a list, or an iterable the
    worker reads: rows of display values in the columns' order), date (optional), count_text
    (optional, e.g. `共 648 人`; default `共 N 条`), total_last (the last row is a total row)."""
    from ..exchange.list_export import cell_text, mask_kind

    p = job.params
    columns = [(str(k), str(h)) for k, h in p.get("columns") or []]
    if not columns:
        raise PrintError("列表中没有可打印的列。")
    defn = job.definition({f"c{i}": h for i, (_k, h) in enumerate(columns)})
    kinds = [mask_kind(k, h) if job.masked else None for k, h in columns]
    rows = []
    for n, row in enumerate(p.get("rows") or []):
        if n % 500 == 0:
            job.tick(n, n + 1, f"读取第{n + 1}行")
        row = list(row)
        rows.append({f"c{i}": cell_text(mask(kind, row[i]) if kind else row[i]) if i < len(row) else ""
                     for i, kind in enumerate(kinds)})
    d = defn.data
    styles = job.styles(defn)
    header, cell = styles[d.get("header_style", "header")], styles[d.get("cell_style", "cell")]
    pad = d.get("cell_padding", 1.0)
    m = d["page"]["margins"]
    page_w, _h = defn.page_size_mm()
    room = page_w - m["left"] - m["right"]
    lo = float(defn.option("min_column_width", 9))
    long_w = float(defn.option("long_column_width", 32))
    desired = []
    from .layout import MM
    for i, (_k, h) in enumerate(columns):
        try:
            # a header of up to four characters stays on one line; a longer one may take two
            w = header.chain.width(h, header.size) if len(h) <= 4 else header.chain.width(h, header.size) / 2 + 2 * MM
            for r in rows[:400]:
                t = r[f"c{i}"]
                if t:
                    w = max(w, cell.chain.width(t, cell.size))
        except MissingGlyph as exc:
            raise missing_glyph_error(exc, p.get("title") or "列表", h) from None
        desired.append(w / MM + 2 * pad + 0.5)
    widths = _fill_widths(desired, room, lo)
    d["columns"] = [{"label": h, "field": f"c{i}", "width": round(w, 2),
                     "align": "left" if desired[i] > long_w else "center"}
                    for i, ((_k, h), w) in enumerate(zip(columns, widths))]
    if p.get("total_last") and rows:
        rows[-1]["_total"] = True
    title = str(p.get("title") or "列表")
    day = p.get("date") or dt.date.today()
    context = {"title": title, "filters": p.get("filters") or "全部", "count": len(rows),
               "count_text": p.get("count_text") or f"共 {len(rows)} 条", "date": today_text(day)}
    job.tick(len(rows), len(rows), f"排版{title}")
    return layout_table(job, defn, rows, context=context, who=title)


register("list", "列表", list_layout)
