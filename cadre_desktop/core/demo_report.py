"""This year's records the overview and the report need beside the other demo sheets, so every
indicator and chart of the current year shows something: commendation notices of this year in
three fields (乡村振兴, 项目建设, 防汛救灾), and an appointment for each township team member whose
present post (the open resume line) began this year, agreeing with the cadre's current unit,
post and team role."""

from __future__ import annotations

import datetime as dt
import random

ISSUER = "中共云岭县委"
FIELDS = (  # field, title, month, collectives, individuals
    ("乡村振兴", "关于表扬{y}年度乡村振兴工作先进集体和先进个人的通报", 3, 4, 12),
    ("项目建设", "关于表扬{y}年重点项目建设攻坚先进集体和先进个人的通报", 5, 3, 8),
    ("防汛救灾", "关于表扬{y}年防汛救灾工作先进集体和先进个人的通报", 8, 2, 6),
)
DEEDS = ("带领群众发展特色产业，村集体经济收入翻番", "驻守项目一线，推动项目按期开工",
         "汛期连续值守，转移群众无一伤亡", "化解矛盾纠纷，保障项目建设顺利推进")


def _day(d: dt.date) -> str:
    return f"{d.year}.{d.month:02d}.{d.day:02d}"


def extend_demo(rows: dict, rng: random.Random, today: dt.date) -> dict[str, list[dict]]:
    people = [r for r in rows["干部"] if r.get("人员状态", "在职") == "在职"]
    kinds = {u["单位名称"]: u["单位类别"] for u in rows["单位"]}
    towns = [u for u, k in kinds.items() if k in ("乡镇", "街道")]
    out: dict[str, list[dict]] = {"表彰": [], "选拔任用": []}

    # Commendations of this year, dated no later than today.
    pool = [r for r in people if r.get("干部层级") in ("一般干部", "副科级")]
    rng.shuffle(pool)
    picked = 0
    for n, (field, title, month, n_coll, n_ind) in enumerate(FIELDS):
        date = min(dt.date(today.year, month, 10 + n), today)
        head = {"通报名称": title.format(y=today.year), "发文机关": ISSUER,
                "文号": f"云党通〔{today.year}〕{20 + 7 * n}号", "日期": _day(date), "表彰领域": field,
                "主送机关": "各乡（镇、街道）党（工）委，县直各单位党组（党委）",
                "通报正文": f"{today.year}年以来，全县广大党员干部在{field}工作中担当作为、实干争先。经县委研究，"
                            f"决定对{n_coll}个先进集体、{n_ind}名先进个人予以通报表扬。"}
        for unit in rng.sample(towns, n_coll):
            suffix = "党工委" if unit.endswith("街道") else "党委"
            out["表彰"].append(dict(head, 对象类型="集体", 对象名称=unit + suffix, 荣誉称号="先进集体",
                                   主要事迹=rng.choice(DEEDS)))
        for r in pool[picked:picked + n_ind]:
            out["表彰"].append(dict(head, 对象类型="个人", 对象名称=r["姓名"], 身份证号=r["身份证号"], 荣誉称号="先进个人",
                                   主要事迹=rng.choice(DEEDS)))
        picked += n_ind

    # A few township team members' present posts begin this year, whatever the draws before gave.
    _posts_of_this_year(rows, people, kinds, rng, today)
    # Team members whose present post began this year get the appointment that put them there.
    starts = {line["身份证号"]: line["起始年月"] for line in rows.get("简历", []) if not line.get("截止年月")}
    appointed = {a["身份证号"] for a in rows.get("选拔任用", []) if str(a.get("任职日期", "")).startswith(str(today.year))}
    for r in people:
        start = str(starts.get(r["身份证号"], ""))
        if not (r.get("班子职务") and kinds.get(r.get("工作单位")) in ("乡镇", "街道") and start.startswith(f"{today.year}.")):
            continue
        if r["身份证号"] in appointed:
            continue
        month = int(start.split(".")[1])
        date = min(dt.date(today.year, month, 15), today)
        kind = "提拔任用" if r.get("干部层级") == "副科级" else "进一步使用"
        row = {"身份证号": r["身份证号"], "姓名": r["姓名"], "任职日期": _day(date), "任用类型": kind,
               "新职务": r.get("现任职务"), "新单位": r.get("工作单位"), "新职级": r.get("职级"),
               "新班子职务": r.get("班子职务"), "任免文号": f"云党任〔{today.year}〕{rng.randint(3, 60)}号",
               "是否一线干部": "是", "一线领域": "乡村振兴"}
        out["选拔任用"].append({k: v for k, v in row.items() if v not in (None, "")})
    return out


MIN_TEAM_POSTS_THIS_YEAR = 3


def _posts_of_this_year(rows: dict, people: list[dict], kinds: dict, rng: random.Random, today: dt.date) -> None:
    """Move the start of the present post of the township team members who took it most recently
    (and have no appointment on record) into this year, until at least MIN_TEAM_POSTS_THIS_YEAR
    present posts began this year: the open resume line starts then, the line before it ends then,
    and 任现职务时间 (and a leader's 任现职级时间, which came with the post) follow."""
    lines: dict[str, list[dict]] = {}
    for line in rows.get("简历", []):
        lines.setdefault(line["身份证号"], []).append(line)
    this_year = f"{today.year}."
    with_appointment = {a["身份证号"] for a in rows.get("选拔任用", [])}
    team = []
    for r in people:
        own = lines.get(r["身份证号"], [])
        open_lines = [line for line in own if not line.get("截止年月")]
        if r.get("班子职务") and kinds.get(r.get("工作单位")) in ("乡镇", "街道") and len(open_lines) == 1:
            team.append((str(open_lines[0]["起始年月"]), r, open_lines[0], own))
    missing = MIN_TEAM_POSTS_THIS_YEAR - sum(1 for start, *_ in team if start.startswith(this_year))
    candidates = sorted((t for t in team if not t[0].startswith(this_year) and t[1]["身份证号"] not in with_appointment),
                        key=lambda t: t[0], reverse=True)
    for old, r, line, own in candidates[:max(0, missing)]:
        new = f"{today.year}.{rng.randint(1, today.month):02d}"
        for other in own:
            if other is not line and str(other.get("截止年月")) == old:
                other["截止年月"] = new
        line["起始年月"] = new
        if r.get("任现职级时间") == r.get("任现职务时间") == old:
            r["任现职级时间"] = new
        if r.get("任现职务时间") == old:
            r["任现职务时间"] = new
