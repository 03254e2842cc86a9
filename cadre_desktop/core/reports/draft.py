"""The drafted 工作成效 paragraphs (report.md), in the register of the county's own report
(`今年以来，开展各类型培训班14期，参训1300余人次。`).

Every figure in the text is the value of one indicator, written as the exact number (the clerk
rounds it afterwards if they wish): no figure here is a sum or a difference of indicators. A
clause whose figure is zero is left out; a section whose figures are all zero is left out, and
the sections that remain are numbered 一是, 二是, … in order.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .indicators import DESTINATIONS, RECORD_KINDS, TASK_FIELDS, Period, Report

ORDINALS = "一二三四五六七八九十"
HEADINGS = {
    "growth": "健全完善制度，敢做敢干有“奔头”。",
    "frontline": "注重一线推荐，务实务效有“盼头”。",
    "care": "突出关心关爱，善作善为有“劲头”。",
    "teams": "统筹优选重用，有为有位有“甜头”。",
}
TITLE = "工作成效"


def number(v) -> str:
    """An indicator's value as the text writes it: integers plainly, money with its fen when it has any."""
    if isinstance(v, Decimal):
        return str(int(v)) if v == v.to_integral_value() else f"{v:.2f}"
    return str(v)


def period_phrase(period: Period, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    y = period.whole_year
    if y is not None:
        return "今年以来" if y == today.year else f"{y}年"
    s, e = period.start, period.end
    return f"{s.year}年{s.month}月{s.day}日至{e.year}年{e.month}月{e.day}日"


class _Text:
    def __init__(self, report: Report):
        self.r = report

    def v(self, key: str):
        return self.r.values.get(key, 0)

    def n(self, key: str) -> str:
        return number(self.v(key))

    def any(self, *keys: str) -> bool:
        return any(self.v(k) for k in keys)

    def parts(self, items) -> str:
        """`、`-joined phrases whose figure is not zero: items are (key, template with {})."""
        return "、".join(t.format(self.n(k)) for k, t in items if self.v(k))


def _growth(t: _Text, when: str) -> str:
    s = []
    if t.any("training.classes", "training.attendances"):
        bits = t.parts([("training.classes", "开展各类型培训班{}期"), ("training.attendances", "参训{}人次")]).replace("、", "，")
        if t.v("training.cadres"):
            bits += f"，覆盖干部{t.n('training.cadres')}人"
        if t.v("training.hours"):
            bits += f"，累计{t.n('training.hours')}学时"
        s.append(f"{when}，{bits}。")
    if t.v("postings.secondment.cadres"):
        sent = f"选派{t.n('postings.secondment.cadres')}名干部挂职锻炼"
        where = t.parts([(f"postings.secondment.by_destination.{d}", f"到{d}{{}}名" if d != "县内" else "在县内{}名")
                         for d in DESTINATIONS])
        s.append(sent + (f"，其中{where}" if where else "") + "。")
    if t.v("postings.village.cadres"):
        sent = f"选派{t.n('postings.village.cadres')}名干部驻村参与乡村振兴工作"
        of = t.parts([("postings.village.first_secretaries", "担任驻村第一书记{}名"),
                      ("postings.village.reserve_cadres", "后备干部{}名")])
        s.append(sent + (f"，其中{of}" if of else "") + "。")
    return "".join(s)


def _frontline(t: _Text, when: str) -> str:
    s = []
    for f in TASK_FIELDS:
        k = f"postings.frontline.{f}"
        if not t.v(f"{k}.cadres"):
            continue
        bits = t.parts([(f"{k}.county_leaders", "{}名县级领导挂帅"), (f"{k}.section_leaders", "{}名科级领导出征")])
        bits = bits.replace("、", "，")
        crowd = (f"{t.n(k + '.units')}个单位" if t.v(k + ".units") else "") + f"{t.n(k + '.cadres')}名干部上阵"
        name = f if f != "其他" else "其他重点任务"
        s.append(f"{when if not s else ''}{name}工作中，{bits + '，' if bits else ''}{crowd}。")
    fields = [key.split(".")[2] for key in t.r.values
              if key.startswith("commendations.by_field.") and key.endswith(".batches")]
    if t.v("commendations.batches"):
        total = t.parts([("commendations.collectives", "先进集体{}个"), ("commendations.individuals", "先进个人{}人")])
        if len(fields) == 1:
            f = fields[0]
            s.append(f"{f}工作中{t.n('commendations.batches')}批次通报表扬{total}。")
        else:
            s.append(f"{when}共{t.n('commendations.batches')}批次通报表扬{total}")
            per = []
            for f in fields:
                k = f"commendations.by_field.{f}"
                if t.v(k + ".batches"):
                    what = t.parts([(k + ".collectives", "先进集体{}个"), (k + ".individuals", "先进个人{}人")])
                    per.append(f"{f}{t.n(k + '.batches')}批次" + (f"、{what}" if what else ""))
            s.append(("，其中" + "；".join(per) if per else "") + "。")
    bits = t.parts([("appointments.frontline_selected", "选拔任用乡村振兴、疫情防控、项目建设等一线干部{}人"),
                    ("appointments.promotions", "提拔任用干部{}人")])
    if t.v("appointments.rank_promotions"):
        bits = (bits + "，" if bits else "") + f"对{t.n('appointments.rank_promotions')}名表现突出的干部进行了职级晋升"
    if bits:
        s.append(f"{when}，{bits}。")
    return "".join(s)


def _care(t: _Text, when: str) -> str:
    s = []
    pairs = []
    if t.v("mentoring.county_section_pairs"):
        pairs.append(f"县级领导与科级领导结成“帮带结对”{t.n('mentoring.county_section_pairs')}对")
    if t.any("mentoring.section_mentors", "mentoring.young_mentees"):
        pairs.append(f"{t.n('mentoring.section_mentors')}名科级领导与{t.n('mentoring.young_mentees')}名年轻干部结对帮带")
    if t.v("mentoring.dual_mentor_mentees"):
        pairs.append(f"{t.n('mentoring.dual_mentor_mentees')}名干部实行“双导师”制")
    if pairs:
        s.append("，".join(pairs) + "。")
    records = t.parts([(f"mentoring.records.{k}", k + "{}次") for k in RECORD_KINDS])
    if records:
        s.append(f"全程纪实{records}。")
    if t.v("allowances.total_yuan"):
        who = f"，{t.n('allowances.recipients')}名乡镇干部受益" if t.v("allowances.recipients") else ""
        s.append(f"县财政落实乡镇津贴{t.n('allowances.total_yuan')}元{who}。")
    if t.v("care.visited_people"):
        s.append(f"慰问老党员、困难党员和突出人才{t.n('care.visited_people')}名。")
    visits = t.parts([("care.visits", "开展慰问{}人次"), ("care.visit_amount_yuan", "发放慰问金{}元")])
    if visits:
        s.append(visits.replace("、", "，") + "。")
    if t.v("care.health_checks"):
        s.append(f"组织干部年度体检{t.n('care.health_checks')}人次。")
    if t.v("tolerance.cases"):
        colours = t.parts([("tolerance.green", "绿色{}件"), ("tolerance.yellow", "黄色{}件"), ("tolerance.red", "红色{}件")])
        s.append(f"按照“红黄绿”三色分类认定容错纠错案例{t.n('tolerance.cases')}件" + (f"，其中{colours}" if colours else "") + "。")
    return "".join(s)


def _teams(t: _Text, when: str) -> str:
    if not t.v("township_teams.appointed"):
        return ""
    k = "township_teams."
    of = t.parts([
        (k + "five_categories", "“五类人员”{}人"), (k + "age_le_30", "30岁以下党政领导班子成员{}人"),
        (k + "age_le_35", "35岁以下年轻干部{}人"), (k + "town_heads_about_35", "配备35岁左右乡镇长{}名"),
        (k + "party_secretaries", "党委书记{}名"), (k + "town_heads", "乡镇长{}名"),
        (k + "bachelor_or_above", "本科及以上学历{}人"), (k + "women", "女干部{}人"),
    ])
    return f"{when}，择优选配{t.n(k + 'appointed')}人进入乡镇领导班子" + (f"，其中{of}" if of else "") + "。"


SECTIONS = (("growth", _growth), ("frontline", _frontline), ("care", _care), ("teams", _teams))


def draft(report: Report, today: dt.date | None = None) -> str:
    """The 工作成效 paragraphs, one per section that has a figure, numbered 一是, 二是, …"""
    t = _Text(report)
    when = period_phrase(report.period, today)
    paragraphs = []
    for name, write in SECTIONS:
        body = write(t, when)
        if body:
            paragraphs.append(f"{ORDINALS[len(paragraphs)]}是{HEADINGS[name]}{body}")
    return "\n".join(paragraphs)


__all__ = ["TITLE", "draft", "number", "period_phrase"]
