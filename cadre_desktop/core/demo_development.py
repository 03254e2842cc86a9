"""The demo county's training classes, attendance and postings, as workbook rows (培训班, 参训记录,
挂职驻村), echoing the county report: `今年以来，开展各类型培训班14期，参训1300余人次`, `30余名…年轻干部
…挂职锻炼`, `100余名后备干部驻村`, the 2022 epidemic, rural revitalisation and project frontlines."""

from __future__ import annotations

import datetime as dt
import random

from .values import Month, age_at

ORGANIZERS = ("县委组织部", "县委党校", "县委党校（行政学院）")

# This year's classes: name pattern, organizer, mode, days, hours, plan, share of cadres invited.
THIS_YEAR = (
    ("{y}年“6124培训计划”乡镇党委书记专题研修班", "县委组织部", "线下", 5, 40, "6124培训计划", "secretary"),
    ("{y}年“6124培训计划”年轻干部能力提升班", "县委党校", "线下", 10, 80, "6124培训计划", "young"),
    ("{y}年“6124培训计划”科级干部进修班", "县委党校", "线下", 7, 56, "6124培训计划", "section"),
    ("{y}年“6124培训计划”乡村振兴专题培训班", "县委组织部", "线上线下", 4, 32, "6124培训计划", "township"),
    ("{y}年县委党校（行政学院）春季主体班", "县委党校（行政学院）", "线下", 20, 120, "县委党校主体班次", "mixed"),
    ("{y}年县委党校（行政学院）秋季主体班", "县委党校（行政学院）", "线下", 20, 120, "县委党校主体班次", "mixed"),
    ("{y}年学习贯彻习近平新时代中国特色社会主义思想专题研修班", "县委党校", "线下", 5, 36, "县委党校专题研修",
     "section"),
    ("{y}年干部网络学院春季专题学习", "县委组织部", "线上", 60, 30, "干部网络学院", "online"),
    ("{y}年干部网络学院秋季专题学习", "县委组织部", "线上", 60, 30, "干部网络学院", "online"),
    ("{y}年新录用公务员初任培训班", "县委组织部", "线下", 7, 48, "6124培训计划", "new"),
    ("{y}年基层党务工作者培训班", "县委组织部", "线上线下", 3, 24, "6124培训计划", "township"),
    ("{y}年防汛救灾和应急管理专题培训班", "县委党校", "线下", 2, 16, None, "township"),
    ("{y}年项目建设与招商引资专题培训班", "县委党校", "线下", 3, 24, None, "department"),
    ("{y}年年轻干部“墩苗”实践能力培训班", "县委党校", "线上线下", 5, 40, "6124培训计划", "young"),
)
LAST_YEAR = (
    ("{y}年“6124培训计划”乡镇党委书记专题研修班", "县委组织部", "线下", 5, 40, "6124培训计划", "secretary"),
    ("{y}年“6124培训计划”年轻干部能力提升班", "县委党校", "线下", 10, 80, "6124培训计划", "young"),
    ("{y}年县委党校（行政学院）秋季主体班", "县委党校（行政学院）", "线下", 20, 120, "县委党校主体班次", "mixed"),
    ("{y}年干部网络学院专题学习", "县委组织部", "线上", 90, 50, "干部网络学院", "online"),
    ("{y}年疫情防控专题培训班", "县委党校", "线上", 1, 6, None, "township"),
)
# How many attend, by the audience of a class (this year's 14 classes come to about 1,300).
SIZES = {"secretary": 13, "young": 70, "section": 90, "township": 120, "mixed": 80, "online": 260, "new": 25,
         "department": 60}

UPPER = ("省委组织部", "省发展和改革委员会", "省乡村振兴局", "市委组织部", "市发展和改革委员会", "市农业农村局",
         "市住房和城乡建设局", "市财政局", "市投资促进局")
ADVANCED = ("浙江省宁波市鄞州区", "浙江省宁波市余姚市", "广东省广州市黄埔区", "江苏省苏州市昆山市", "上海市奉贤区")
IN_COUNTY = ("县重点项目指挥部", "县信访局", "县乡村振兴局")
EVALUATIONS = (("表现突出", 3), ("良好", 6), ("一般", 1))


def _day(d: dt.date) -> str:
    return f"{d.year}.{d.month:02d}.{d.day:02d}"


def _month_of(text: str) -> Month:
    y, m = str(text).split(".")
    return Month(int(y), int(m))


def extend_demo(rows: dict, rng: random.Random, today: dt.date) -> dict[str, list[dict]]:
    people = [r for r in rows["干部"] if r.get("人员状态", "在职") == "在职"]
    for r in people:
        r_age = age_at(_month_of(r["出生年月"]), today) if r.get("出生年月") else 40
        r["_age"] = r_age
    kinds = {u["单位名称"]: u["单位类别"] for u in rows["单位"]}
    township = [r for r in people if kinds.get(r.get("工作单位")) in ("乡镇", "街道")]
    department = [r for r in people if kinds.get(r.get("工作单位")) == "县直部门"]
    young = [r for r in people if r["_age"] <= 35]
    section = [r for r in people if r.get("干部层级") in ("正科级", "副科级")]
    secretaries = [r for r in township if "党委书记" in (r.get("班子职务") or "") or "党工委书记" in (r.get("班子职务") or "")]
    reserve = [r for r in people if r.get("后备干部") == "是"]
    audiences = {
        "secretary": secretaries or section, "young": young, "section": section, "township": township,
        "mixed": people, "online": people, "new": [r for r in young if r["_age"] <= 28] or young,
        "department": department,
    }

    classes: list[dict] = []
    attendance: list[dict] = []

    def add_classes(table, year: int, last_day: dt.date) -> None:
        first = dt.date(year, 1, 4)
        span = max((last_day - first).days, 60)
        for name, organizer, mode, days, hours, plan, audience in table:
            start = first + dt.timedelta(days=rng.randrange(span))
            if start.weekday() >= 5:
                start += dt.timedelta(days=7 - start.weekday())
            end = start + dt.timedelta(days=days - 1)
            row = {"培训班名称": name.format(y=year), "主办单位": organizer, "培训形式": mode, "开始日期": _day(start),
                   "结束日期": _day(end), "学时": hours}
            if plan:
                row["培训计划"] = plan
            classes.append(row)
            pool = audiences[audience]
            size = min(len(pool), max(1, round(SIZES[audience] * rng.uniform(0.85, 1.15))))
            finished = end < today
            for r in sorted(rng.sample(pool, size), key=lambda r: r["身份证号"]):
                a = {"培训班名称": row["培训班名称"], "身份证号": r["身份证号"], "姓名": r["姓名"]}
                if mode == "线上" and rng.random() < 0.3:
                    a["学时"] = round(hours * rng.uniform(0.6, 1.0) * 2) / 2  # online hours as studied
                else:
                    a["学时"] = hours
                a["是否结业"] = "否" if (not finished or rng.random() < 0.03) else "是"
                attendance.append(a)

    add_classes(LAST_YEAR, today.year - 1, dt.date(today.year - 1, 12, 1))
    add_classes(THIS_YEAR, today.year, max(today - dt.timedelta(days=10), dt.date(today.year, 3, 1)))

    postings: list[dict] = []
    used: set[tuple] = set()

    def post(r: dict, kind: str, start: dt.date, end: dt.date | None, *, place=None, destination=None,
             field=None, evaluation=True, notes=None) -> None:
        key = (r["身份证号"], kind, field or "", start)
        if key in used:
            return
        used.add(key)
        row = {"身份证号": r["身份证号"], "姓名": r["姓名"], "类型": kind, "开始日期": _day(start)}
        for k, v in (("派驻单位或地点", place), ("去向类别", destination), ("任务领域", field), ("备注", notes)):
            if v:
                row[k] = v
        if end is not None:
            row["结束日期"] = _day(end)
            if evaluation:
                row["表现评价"] = rng.choices([e for e, _ in EVALUATIONS], [w for _, w in EVALUATIONS])[0]
        postings.append(row)

    def some_day(year: int, lo_month: int = 1, hi_month: int = 12) -> dt.date:
        return dt.date(year, rng.randint(lo_month, hi_month), rng.randint(1, 28))

    # 挂职锻炼: about 30, mostly young cadres with a degree, to upper bodies and advanced regions.
    graduates = [r for r in young if r.get("全日制学历") in ("大学", "研究生", "大学本科")] or young
    chosen = rng.sample(graduates, min(len(graduates), 26)) + rng.sample(section, min(len(section), 6))
    for i, r in enumerate(chosen):
        year = today.year - rng.choice((0, 1, 1, 2))
        start = some_day(year, 1, 10)
        if start > today:
            start = today - dt.timedelta(days=30)
        months = rng.choice((6, 6, 12, 12))
        end = start + dt.timedelta(days=months * 30)
        kind = rng.random()
        if kind < 0.5:
            place, dest = rng.choice(UPPER), rng.choice(("上级机关", "上级机关", "上级主管单位"))
        elif kind < 0.9:
            place, dest = rng.choice(ADVANCED), "先进地区"
        else:
            place, dest = rng.choice(IN_COUNTY), "县内"
        field = rng.choice((None, None, "乡村振兴", "项目建设"))
        post(r, "挂职锻炼", start, end if end < today else None, place=place, destination=dest, field=field)

    # 驻村: about 100 first secretaries, team members and 尖刀班 members, many reserve cadres.
    village_pool = reserve + rng.sample([r for r in people if r not in reserve and r["_age"] <= 50],
                                        min(70, len(people) - len(reserve)))
    from .demo_tables import VILLAGES

    for i, r in enumerate(rng.sample(village_pool, min(len(village_pool), 104))):
        kind = "驻村第一书记" if i < 34 else ("驻村队员" if i < 84 else "尖刀班")
        year = today.year - rng.choice((0, 1, 1, 2, 3))
        start = some_day(year, 2, 4)
        if start > today:
            start = dt.date(today.year - 1, 3, 1)
        years = 2 if kind == "驻村第一书记" else 1
        end = dt.date(start.year + years, start.month, start.day)
        village = rng.choice(VILLAGES) + "村"
        town = rng.choice([t for t, k in kinds.items() if k == "乡镇"])
        field = "脱贫攻坚" if start.year <= 2020 else "乡村振兴"
        post(r, kind, start, end if end < today else None, place=f"{town}{village}", field=field)

    # 一线任务: the 2022 epidemic (about 120 here), rural revitalisation and project frontlines.
    for r in rng.sample(people, min(len(people), 120)):
        start = dt.date(2022, rng.choice((4, 8, 9, 10, 11)), rng.randint(1, 28))
        end = start + dt.timedelta(days=rng.randint(14, 60))
        post(r, "一线任务", start, end if end < today else None, place=rng.choice(
            ("县疫情防控指挥部", "高速路口卡点", "鹤鸣街道集中隔离点", "县人民医院", "核酸检测点")), field="疫情防控")
    for r in rng.sample(township, min(len(township), 40)):
        start = some_day(today.year - rng.choice((0, 1)), 1, 9)
        if start > today:
            start = today - dt.timedelta(days=20)
        post(r, "一线任务", start, None, place=r.get("工作单位"), field="乡村振兴")
    for r in rng.sample(department, min(len(department), 20)):
        start = some_day(today.year - rng.choice((0, 1, 2)), 1, 9)
        if start > today:
            start = today - dt.timedelta(days=20)
        end = start + dt.timedelta(days=rng.randint(90, 360))
        post(r, "一线任务", start, end if end < today else None, place="县重点项目指挥部",
             field=rng.choice(("项目建设", "重点项目建设")))
    for r in rng.sample(township, min(len(township), 15)):
        start = dt.date(today.year - 1, 7, rng.randint(1, 20))
        post(r, "一线任务", start, start + dt.timedelta(days=rng.randint(5, 20)), place=r.get("工作单位"),
             field="防汛救灾")
    for r in rng.sample(township, min(len(township), 12)):
        start = some_day(today.year - 1, 3, 6)
        post(r, "一线任务", start, None, place=r.get("工作单位"), field="“三百四千”工程")

    for r in people:
        r.pop("_age", None)
    return {"培训班": classes, "参训记录": attendance, "挂职驻村": postings}
