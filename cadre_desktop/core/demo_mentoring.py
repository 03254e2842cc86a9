"""The demo county's mentoring pairs, their five-in-one record, and error-tolerance cases
(sheets 结对帮带, 帮带纪实, 容错纠错), invented from the cadres of the demo rows.

18 县级领导帮带科级领导 pairs (the county has few 县级领导: each mentors several), about a hundred
科级领导帮带年轻干部 pairs (some after an earlier pair that ended), a handful of 双导师制 mentees with a
政治导师 and a 业务导师; records of all five kinds, with a few pairs overdue for a talk or a report.
About fifteen tolerance cases in all colours: decided within the tag window and before it, some
under review, yellow ones 整改中 and 已整改, and a red one decided this year. All keep the rules.
"""

from __future__ import annotations

import datetime as dt
import random

from .values import Month, age_at

TALKS = ("围绕岗位职责谈工作思路", "谈思想动态和工作困难", "就基层治理工作谈体会", "谈近期学习和工作情况", "就群众工作方法交流")
REPORTS = ("汇报本季度学习和工作情况", "汇报驻村工作进展", "汇报重点项目推进情况", "汇报个人成长计划落实情况")
WARNINGS = ("提醒严守廉洁纪律", "提醒注意工作方式方法", "提醒按时完成重点任务")
HELPS = ("协调解决子女入学问题", "帮助解决周转房住宿问题", "协调解决家属就医困难")
MATTERS = (
    ("改革创新中因缺乏经验、先行先试出现的失误", "农村集体产权制度改革试点中程序不规范"),
    ("上级尚无明确限制的探索性试验中的失误", "探索村级光伏收益分配办法出现偏差"),
    ("为推动发展的无意过失", "招商引资项目前期手续办理滞后"),
    ("为推动发展的无意过失", "疫情防控物资采购程序瑕疵"),
    ("其他", "项目资金拨付进度滞后"),
    ("改革创新中因缺乏经验、先行先试出现的失误", "“放管服”改革中审批流程调整失当"),
    ("为推动发展的无意过失", "防汛救灾临时安置点管理疏漏"),
    ("其他", "扶贫项目验收资料不完整"),
)


def _day(d: dt.date) -> str:
    return f"{d.year}.{d.month:02d}.{d.day:02d}"


def _month(text: str) -> Month:
    y, m = str(text).split(".")
    return Month(int(y), int(m))


def _quarter_start(d: dt.date) -> dt.date:
    return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


class _Builder:
    def __init__(self, rows: dict, rng: random.Random, today: dt.date):
        self.rng, self.today = rng, today
        self.people = [r for r in rows["干部"] if r.get("人员状态", "在职") == "在职"]
        self.pairs: list[dict] = []
        self.records: list[dict] = []
        self.used: set[str] = set()  # mentees already given a pair (one kind each, for simplicity)

    def level(self, *levels):
        return [p for p in self.people if p.get("干部层级") in levels]

    def start_day(self, years_back: float) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(30, int(365 * years_back)))

    def add_pair(self, mentor, mentee, kind, role, start, end=None) -> dict:
        pair = {"帮带人身份证号": mentor["身份证号"], "帮带人姓名": mentor["姓名"], "被帮带人身份证号": mentee["身份证号"],
                "被帮带人姓名": mentee["姓名"], "结对类型": kind, "导师类别": role, "开始日期": _day(start),
                "结束日期": _day(end) if end else None}
        self.pairs.append(pair)
        self.used.add(mentee["身份证号"])
        return pair

    def young(self, p, at: dt.date) -> bool:
        age = age_at(_month(p["出生年月"]), at) if p.get("出生年月") else None
        return age is not None and age <= 35

    def build(self) -> None:
        rng = self.rng
        leaders = self.level("县级领导")
        chiefs = self.level("正科级")
        section = self.level("正科级", "副科级")
        # 县级领导帮带科级领导: 18 pairs, mentees mostly 正科级.
        mentees = rng.sample(chiefs, min(14, len(chiefs)))
        mentees += rng.sample([p for p in section if p not in mentees], 18 - len(mentees))
        for i, mentee in enumerate(mentees):
            self.add_pair(leaders[i % len(leaders)], mentee, "县级领导帮带科级领导", None, self.start_day(3))
        # 科级领导帮带年轻干部: about a hundred, mentor from the mentee's unit where there is one.
        young = [p for p in self.people if p.get("干部层级") == "一般干部" and self.young(p, self.today)]
        rng.shuffle(young)
        by_unit: dict[str, list] = {}
        for p in section:
            by_unit.setdefault(p.get("工作单位"), []).append(p)
        for mentee in young[:96]:
            mentor = rng.choice(by_unit.get(mentee.get("工作单位")) or section)
            if rng.random() < 0.12:  # an earlier mentor first, then the present one
                first = self.today - dt.timedelta(days=rng.randint(800, 1000))
                ended = first + dt.timedelta(days=rng.randint(300, 500))
                other = rng.choice([p for p in section if p is not mentor])
                self.add_pair(other, mentee, "科级领导帮带年轻干部", None, first, ended)
                self.add_pair(mentor, mentee, "科级领导帮带年轻干部", None, ended + dt.timedelta(days=1))
            else:
                self.add_pair(mentor, mentee, "科级领导帮带年轻干部", None, self.start_day(2.5))
        # 双导师制: a political and a professional mentor for a few young cadres.
        for mentee in young[96:104]:
            start = self.start_day(2)
            political, professional = rng.choice(chiefs), rng.choice(by_unit.get(mentee.get("工作单位")) or section)
            if political is professional:
                professional = rng.choice([p for p in section if p is not political])
            self.add_pair(political, mentee, "双导师制", "政治导师", start)
            self.add_pair(professional, mentee, "双导师制", "业务导师", start + dt.timedelta(days=rng.randint(0, 20)))
        self.make_records()

    def make_records(self) -> None:
        rng, today = self.rng, self.today
        open_pairs = [p for p in self.pairs if not p["结束日期"]]
        overdue = {id(p) for p in rng.sample(open_pairs, 7)}
        for pair in self.pairs:
            y, m, d = map(int, pair["开始日期"].split("."))
            start = dt.date(y, m, d)
            end = dt.date(*map(int, pair["结束日期"].split("."))) if pair["结束日期"] else today
            stale = id(pair) in overdue
            stop = end if not stale else today - dt.timedelta(days=rng.randint(100, 160))
            seen: set[tuple] = set()

            def add(day, kind, text):
                if day < start or day > end or (day, kind) in seen:
                    return
                seen.add((day, kind))
                self.records.append({"帮带人身份证号": pair["帮带人身份证号"], "被帮带人身份证号": pair["被帮带人身份证号"],
                                     "结对类型": pair["结对类型"], "导师类别": pair["导师类别"], "日期": _day(day),
                                     "纪实类型": kind, "内容": text, "记录人": "组织部干部科"})

            add(start, "结对帮带", "召开结对见面会，明确帮带目标和计划")
            day = start
            while True:  # talks every 50–80 days
                day += dt.timedelta(days=rng.randint(50, 80))
                if day > stop:
                    break
                add(day, "谈心谈话", rng.choice(TALKS))
            if not stale and end == today and (today - start).days >= 90:
                add(today - dt.timedelta(days=rng.randint(0, 40)), "谈心谈话", rng.choice(TALKS))
            q = _quarter_start(start)
            while q <= min(stop, end):  # a report in every quarter
                nxt = _quarter_start(q + dt.timedelta(days=95))
                last = min(nxt - dt.timedelta(days=1), stop, end)
                lo = max(q, start)
                if lo <= last:
                    add(lo + dt.timedelta(days=rng.randint(0, (last - lo).days)), "定期汇报", rng.choice(REPORTS))
                q = nxt
            if rng.random() < 0.25:
                add(start + dt.timedelta(days=rng.randint(30, 300)), "警示提醒", rng.choice(WARNINGS))
            if rng.random() < 0.2:
                add(start + dt.timedelta(days=rng.randint(30, 300)), "排忧解难", rng.choice(HELPS))

    def cases(self) -> list[dict]:
        rng, today = self.rng, self.today
        candidates = [p for p in self.people if p.get("干部层级") in ("正科级", "副科级", "一般干部")]
        chosen = rng.sample(candidates, 15)
        plan = [  # (colour, months ago decided, correction status); None: under review
            ("绿", 3, "无需整改"), ("绿", 10, "无需整改"), ("绿", 20, "无需整改"), ("绿", 30, "无需整改"),
            ("黄", 2, "整改中"), ("黄", 6, "整改中"), ("黄", 14, "已整改"), ("黄", 22, "已整改"), ("黄", 36, "已整改"),
            ("红", 0, "整改中"), ("红", 18, "已整改"), ("红", 40, "已整改"),
            (None, None, None), (None, None, None), (None, None, None),
        ]
        outcome = {"绿": "予以容错免责", "黄": "从轻处理", "红": "不予容错"}
        out = []
        for (colour, months, status), person in zip(plan, chosen):
            circumstance, matter = rng.choice(MATTERS)
            if colour is None:
                decided = None
                occurred = today - dt.timedelta(days=rng.randint(20, 120))
            elif months == 0:  # this year
                jan1 = dt.date(today.year, 1, 1)
                decided = jan1 + dt.timedelta(days=rng.randint(0, max(0, (today - jan1).days)))
                occurred = decided - dt.timedelta(days=rng.randint(30, 200))
            else:
                decided = today - dt.timedelta(days=int(months * 30.4) + rng.randint(0, 20))
                occurred = decided - dt.timedelta(days=rng.randint(30, 200))
            out.append({"身份证号": person["身份证号"], "姓名": person["姓名"], "事项": matter, "发生日期": _day(occurred),
                        "情形": circumstance, "认定颜色": colour, "处理结果": outcome.get(colour),
                        "认定日期": _day(decided) if decided else None, "认定机关": "中共云岭县纪委" if colour else None,
                        "整改措施": "建立台账，限期整改，完善制度" if colour in ("黄", "红") else None,
                        "整改状态": status})
        return out


def _strip(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if v not in (None, "")} for r in rows]


def extend_demo(rows: dict, rng: random.Random, today: dt.date) -> dict[str, list[dict]]:
    b = _Builder(rows, rng, today)
    b.build()
    return {"结对帮带": _strip(b.pairs), "帮带纪实": _strip(b.records), "容错纠错": _strip(b.cases())}
