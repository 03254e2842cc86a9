"""The demo county's appointments, commendations, care records and visits (sheets 选拔任用, 表彰,
关爱记录, 慰问), invented from the units and cadres of the demo rows.

Appointments: several batches of 提拔任用 over recent years (one of them at exactly one sixth young,
one below one sixth), 进一步使用 and 平职交流 of section chiefs, 职级晋升 of general staff, and frontline
selections. The latest appointment of a cadre agrees with the cadre's current unit, post and team
role. Commendations: three 2022 疫情防控 notices (16 collectives, 60 individuals in all) and a
人民满意公务员 notice. Care: this year's health checks for most cadres, some leave, hardship help and
turnover housing. About a thousand visits to 老党员, 困难党员 and 突出人才, most without an ID number.
"""

from __future__ import annotations

import datetime as dt
import random

from .values import Month, age_at

GOVERNMENT = "云岭县人民政府"
COUNTY_COMMITTEE = "中共云岭县委"
ORGANIZATION = "中共云岭县委组织部"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢龙石韦熊"
GIVEN = "德明学文华国建志永春秀兰英玉珍桂芳凤云松林成光荣富贵兴发福祥清正"


def _month(text: str) -> Month:
    y, m = str(text).split(".")
    return Month(int(y), int(m))


def _day(d: dt.date) -> str:
    return f"{d.year}.{d.month:02d}.{d.day:02d}"


def _safe_day(year: int, month: int, day: int, today: dt.date) -> dt.date:
    d = dt.date(year, month, min(day, 28))
    return min(d, today)


def extend_demo(rows: dict, rng: random.Random, today: dt.date) -> dict[str, list[dict]]:
    people = [r for r in rows["干部"] if r.get("人员状态", "在职") == "在职"]
    kinds = {u["单位名称"]: u["单位类别"] for u in rows["单位"]}
    open_lines: dict[str, dict] = {}
    prev_lines: dict[str, dict] = {}
    for line in rows.get("简历", []):
        idn = line["身份证号"]
        if not line.get("截止年月"):
            open_lines[idn] = line
    for line in rows.get("简历", []):
        idn = line["身份证号"]
        if line.get("截止年月") and idn in open_lines and line.get("截止年月") == open_lines[idn]["起始年月"]:
            prev_lines[idn] = line
    out = {"选拔任用": _appointments(people, kinds, open_lines, prev_lines, rng, today)}
    out["表彰"] = _commendations(rows, people, kinds, rng, today)
    out["关爱记录"] = _care(people, kinds, rng, today)
    out["慰问"] = _visits(rows, people, rng, today)
    return out


# --- 选拔任用 ---------------------------------------------------------------------------------

# Batches of 提拔任用: (young, total). One at exactly one sixth, one below it, the others above.
BATCH_PLAN = ((2, 12), (1, 9), (2, 8), (1, 6), (2, 7))


def _appointments(people, kinds, open_lines, prev_lines, rng, today) -> list[dict]:
    out: list[dict] = []
    first_year = today.year - 5
    # Section chiefs whose present post began in the last five years and before today.
    candidates = []
    for r in people:
        line = open_lines.get(r["身份证号"])
        if line is None or r.get("干部层级") not in ("正科级", "副科级"):
            continue
        start = _month(line["起始年月"])
        if start.year < first_year or start > Month.of(today):
            continue
        candidates.append((r, start))
    candidates.sort(key=lambda c: (c[1], c[0]["身份证号"]))
    used: set[str] = set()

    def appointment(r: dict, date: dt.date, kind: str, batch: str | None, doc: str | None) -> dict:
        prev = prev_lines.get(r["身份证号"])
        row = {"身份证号": r["身份证号"], "姓名": r["姓名"], "任职日期": _day(date), "任用类型": kind,
               "原职务": prev["经历"] if prev else None, "新职务": r.get("现任职务"), "新单位": r.get("工作单位"),
               "新职级": r.get("职级"), "新班子职务": r.get("班子职务"), "批次": batch, "任免文号": doc}
        if kind == "提拔任用" and rng.random() < 0.35:
            row["是否一线干部"] = "是"
            row["一线领域"] = rng.choice(("乡村振兴", "疫情防控", "项目建设", "脱贫攻坚", "重点项目建设"))
        used.add(r["身份证号"])
        return {k: v for k, v in row.items() if v not in (None, "")}

    # Batches in time order: the first remaining candidate anchors a batch; its members are taken
    # from the candidates whose post began within two years after, young or not at the batch date.
    per_year: dict[int, int] = {}
    remaining = list(candidates)
    for n_young, total in BATCH_PLAN:
        while remaining:
            anchor_month = remaining[0][1]
            date = _safe_day(anchor_month.year, anchor_month.month, rng.randint(5, 25), today)
            window = [c for c in remaining if c[1].index < anchor_month.index + 24]
            is_young = {c[0]["身份证号"]: age_at(_month(c[0]["出生年月"]), date) <= 35 for c in window}
            ys = [c for c in window if is_young[c[0]["身份证号"]]][:n_young]
            os_ = [c for c in window if not is_young[c[0]["身份证号"]]][:total - n_young]
            if len(ys) == n_young and len(os_) == total - n_young:
                break
            remaining.pop(0)
        else:
            break
        members = ys + os_
        for c in members:
            remaining.remove(c)
        per_year[date.year] = per_year.get(date.year, 0) + 1
        batch = f"{date.year}年第{per_year[date.year]}批干部任用"
        doc = f"云党任〔{date.year}〕{rng.randint(3, 60)}号"
        out.extend(appointment(r, date, "提拔任用", batch, doc) for r, _ in members)
    # 正科级 leaders: 进一步使用 (a few 平职交流), one a month of their post's start, no batch.
    for r, start in candidates:
        if r["身份证号"] in used or r["干部层级"] != "正科级" or rng.random() < 0.3:
            continue
        kind = "平职交流" if rng.random() < 0.25 else "进一步使用"
        out.append(appointment(r, _safe_day(start.year, start.month, rng.randint(3, 26), today), kind,
                               None, f"云党任〔{start.year}〕{rng.randint(3, 60)}号"))
    # 职级晋升 of general staff holding a 主任科员 rank: this rank was reached recently.
    for year in range(today.year - 3, today.year + 1):
        date = _safe_day(year, 6 if year < today.year else max(1, min(6, today.month)), 28, today)
        batch = f"{year}年公务员职级晋升"
        for r in people:
            if r["身份证号"] in used or r.get("干部层级") != "一般干部" or "主任科员" not in (r.get("职级") or ""):
                continue
            if rng.random() < 0.12:
                used.add(r["身份证号"])
                r["任现职级时间"] = str(Month.of(date))
                out.append({"身份证号": r["身份证号"], "姓名": r["姓名"], "任职日期": _day(date), "任用类型": "职级晋升",
                            "原职务": r.get("现任职务"), "新职级": r["职级"], "批次": batch,
                            "任免文号": f"云组任〔{year}〕{rng.randint(10, 90)}号"})
    return out


# --- 表彰 -----------------------------------------------------------------------------------

COVID_BODY = ("2022年疫情防控工作中，全县各级党组织和广大党员干部闻令而动、冲锋在前，涌现出一批先进集体和先进个人。"
              "为表扬先进、树立典型，经县委研究，决定对{n}个先进集体、{m}名先进个人予以通报表扬。\n"
              "希望受到表扬的集体和个人珍惜荣誉、再接再厉；全县广大党员干部要以他们为榜样，担当作为，"
              "坚决打赢疫情防控攻坚战。")
DEEDS = ("主动请缨到卡点值守，连续奋战二十余天", "牵头组织全员核酸检测，做到应检尽检",
         "深入村组开展排查，摸清返乡人员底数", "统筹保障物资供应，确保群众基本生活",
         "带领党员突击队转运隔离人员，无一差错", "协调医疗资源，保障重点人群就医")
COLLECTIVE_SUFFIX = ("党委", "党工委", "疫情防控指挥部", "便民服务中心")


def _commendations(rows, people, kinds, rng, today) -> list[dict]:
    out: list[dict] = []
    if today.year < 2023:
        return out
    towns = [u["单位名称"] for u in rows["单位"] if u["单位类别"] in ("乡镇", "街道")]
    depts = [u["单位名称"] for u in rows["单位"] if u["单位类别"] == "县直部门"]
    pool = [r for r in people if r.get("干部层级") in ("一般干部", "副科级")]
    rng.shuffle(pool)
    plan = ((1, dt.date(2022, 4, 18), 6, 20), (2, dt.date(2022, 9, 6), 5, 20), (3, dt.date(2022, 12, 16), 5, 20))
    picked = 0
    for n, date, collectives, individuals in plan:
        head = {"通报名称": f"关于表扬2022年疫情防控工作先进集体和先进个人的通报（第{'一二三'[n - 1]}批）",
                "发文机关": COUNTY_COMMITTEE, "文号": f"云党通〔2022〕{[12, 35, 58][n - 1]}号", "日期": _day(date),
                "表彰领域": "疫情防控", "主送机关": "各乡（镇、街道）党（工）委，县直各单位党组（党委），各人民团体",
                "通报正文": COVID_BODY.format(n=collectives, m=individuals)}
        for unit in rng.sample(towns, collectives - 1) + [rng.choice(depts)]:
            suffix = ("党工委" if unit.endswith("街道") else "党委") if kinds[unit] != "县直部门" else "党组"
            out.append(dict(head, 对象类型="集体", 对象名称=unit + suffix, 荣誉称号="先进集体",
                            主要事迹=rng.choice(DEEDS)))
        for i in range(individuals):
            if i == individuals - 1:  # a village doctor: not in the files
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                out.append(dict(head, 对象类型="个人", 对象名称=name, 单位及职务=f"{rng.choice(towns)}卫生院医生",
                                荣誉称号="先进个人", 主要事迹=rng.choice(DEEDS)))
                continue
            r = pool[picked]
            picked += 1
            out.append(dict(head, 对象类型="个人", 对象名称=r["姓名"], 身份证号=r["身份证号"], 荣誉称号="先进个人",
                            主要事迹=rng.choice(DEEDS)))
    date = dt.date(2023, 1, 10)
    head = {"通报名称": "关于表彰2022年度“人民满意公务员”的决定", "发文机关": "云岭县人力资源和社会保障局",
            "文号": "云人社发〔2023〕3号", "日期": _day(date), "表彰领域": "人民满意公务员",
            "主送机关": "各乡（镇、街道），县直各单位",
            "通报正文": "为激励广大公务员担当作为，经推荐评选，决定授予以下同志2022年度“人民满意公务员”称号，"
                        "名额分配向基层一线倾斜。"}
    for r in pool[picked:picked + 8]:
        out.append(dict(head, 对象类型="个人", 对象名称=r["姓名"], 身份证号=r["身份证号"], 荣誉称号="人民满意公务员",
                        主要事迹="扎根基层一线，服务群众成效突出"))
    return out


# --- 关爱记录 ---------------------------------------------------------------------------------


def _care(people, kinds, rng, today) -> list[dict]:
    out: list[dict] = []
    year = today.year if today.month >= 4 else today.year - 1
    last = min(today, dt.date(year, 12, 31))
    span = max((last - dt.date(year, 3, 1)).days, 1)
    for r in people:
        base = {"身份证号": r["身份证号"], "姓名": r["姓名"]}
        if rng.random() < 0.88:
            d = dt.date(year, 3, 1) + dt.timedelta(days=rng.randrange(span))
            out.append(dict(base, 类型="年度体检", 日期=_day(d), 金额=rng.choice((450, 600, 800)),
                            备注="云岭县人民医院体检中心"))
        if rng.random() < 0.3:
            d = dt.date(year, 3, 1) + dt.timedelta(days=rng.randrange(span))
            out.append(dict(base, 类型="带薪年休假", 日期=_day(d), 天数=rng.choice((5, 5, 7, 10, 15))))
        if rng.random() < 0.02:
            d = dt.date(year, 1, 15) + dt.timedelta(days=rng.randrange(40))
            out.append(dict(base, 类型="困难帮扶", 日期=_day(d), 金额=rng.choice((2000, 3000, 5000)),
                            备注=rng.choice(("家属重病住院", "家中遭受洪灾", "子女就学困难"))))
        if kinds.get(r.get("工作单位")) == "乡镇" and rng.random() < 0.12:
            d = dt.date(year - rng.randint(0, 3), rng.randint(1, 12), rng.randint(1, 28))
            out.append(dict(base, 类型="周转房", 日期=_day(min(d, today)),
                            备注=f"{r['工作单位']}周转房{rng.randint(1, 3)}-{rng.randint(1, 6)}0{rng.randint(1, 4)}"))
    return out


# --- 慰问 -----------------------------------------------------------------------------------


def _visits(rows, people, rng, today) -> list[dict]:
    from .demo_tables import VILLAGES

    towns = [u["单位名称"] for u in rows["单位"] if u["单位类别"] in ("乡镇", "街道")]
    leaders = [r["姓名"] for r in people if r.get("干部层级") == "县级领导"] or ["县委组织部"]
    out: list[dict] = []
    seen: set[tuple] = set()
    years = [y for y in range(today.year - 3, today.year + 1)]
    occasions = []
    for y in years:
        for month, day, occasion in ((1, 18, "春节"), (6, 28, "七一")):
            d = dt.date(y, month, day)
            if d <= today:
                occasions.append((d, occasion))
    plan = (("老党员", 0.5, (500, 800)), ("困难党员", 0.32, (800, 1000, 1500)), ("突出人才", 0.14, (1000, 2000)),
            ("一线干部", 0.04, (500,)))
    while len(out) < 1025 and occasions:
        cat = rng.choices([p[0] for p in plan], weights=[p[1] for p in plan])[0]
        amounts = next(p[2] for p in plan if p[0] == cat)
        d0, occasion = rng.choice(occasions)
        d = min(d0 + dt.timedelta(days=rng.randint(0, 6)), today)
        if cat == "一线干部":
            r = rng.choice(people)
            name, idn = r["姓名"], r["身份证号"]
            notes = f"{occasion}慰问，{r.get('工作单位', '')}"
        else:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
            idn = None
            notes = f"{occasion}慰问，{rng.choice(towns)}{rng.choice(VILLAGES)}村"
            if cat == "老党员":
                notes += f"，{rng.randint(50, 70)}年党龄"
        key = (name, idn or "", d, cat)
        if key in seen:
            continue
        seen.add(key)
        row = {"姓名": name, "对象类别": cat, "日期": _day(d), "金额": rng.choice(amounts),
               "慰问人": rng.choice(leaders), "备注": notes}
        if idn:
            row["身份证号"] = idn
        out.append(row)
    return out
