"""The demo county (core/demo.py): realistic, valid workbook rows that the rules find something in."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict

import pytest

from cadre_desktop.core.demo import demo_rows
from cadre_desktop.core.values import (
    APPRAISAL_RESULTS,
    CADRE_LEVELS,
    EDUCATION_LEVELS,
    FIVE_CATEGORIES,
    REWARD_KINDS,
    SEXES,
    STAFFING_TYPES,
    STATUSES,
    TIERS,
    TOWNSHIP_KINDS,
    UNIT_KINDS,
    Month,
    check_id_number,
    education_level,
    whole_years,
)

TODAY = dt.date(2024, 6, 30)
MONTH = re.compile(r"^\d{4}\.(0[1-9]|1[0-2])$")
DAY = re.compile(r"^\d{4}\.\d{2}\.\d{2}$")

# Exact headers of workbook.md, required ones marked.
HEADERS = {
    "单位": ({"单位名称", "单位类别"}, {"津贴档次", "排序"}),
    "干部": ({"身份证号", "姓名"}, {
        "性别", "出生年月", "民族", "籍贯", "出生地", "政治面貌", "入党时间", "参加工作时间", "健康状况",
        "专业技术职务", "熟悉专业有何专长", "全日制学历", "全日制学位", "全日制毕业院校系及专业",
        "全日制学位毕业院校系及专业", "在职学历", "在职学位", "在职毕业院校系及专业", "在职学位毕业院校系及专业",
        "工作单位", "现任职务", "任现职务时间", "职级", "任现职级时间", "干部层级", "编制类型", "班子职务", "五类人员", "后备干部", "乡镇工作起始",
        "联系电话", "人员状态", "拟任职务", "拟免职务", "任免理由", "备注"}),
    "简历": ({"身份证号", "起始年月", "经历"}, {"姓名", "截止年月"}),
    "奖惩": ({"身份证号", "日期", "类别", "内容"}, {"姓名", "批准机关"}),
    "年度考核": ({"身份证号", "年度", "考核结果"}, {"姓名"}),
    "家庭成员": ({"身份证号", "称谓", "成员姓名"}, {"姓名", "出生年月", "政治面貌", "工作单位及职务"}),
}


@pytest.fixture(scope="module")
def demo():
    return demo_rows(seed=2022, today=TODAY)


def age(row: dict, at: dt.date | None = None) -> int:
    return whole_years(check_id_number(row["身份证号"]).birth, at or TODAY)


def in_service(demo) -> list[dict]:
    return [c for c in demo["干部"] if c.get("人员状态", "在职") == "在职"]


def township_teams(demo) -> dict[str, list[dict]]:
    kinds = {u["单位名称"]: u["单位类别"] for u in demo["单位"]}
    teams = defaultdict(list)
    for c in in_service(demo):
        if c.get("班子职务") and kinds[c["工作单位"]] in TOWNSHIP_KINDS:
            teams[c["工作单位"]].append(c)
    return teams


def by_cadre(rows: list[dict]) -> dict[str, list[dict]]:
    out = defaultdict(list)
    for r in rows:
        out[r["身份证号"]].append(r)
    return out


def test_sheets_use_the_workbook_headers_and_fill_required_columns(demo):
    assert set(HEADERS) <= set(demo)  # other areas add their sheets through DEMO_EXTENSIONS
    for sheet, (required, optional) in HEADERS.items():
        assert demo[sheet], sheet
        for row in demo[sheet]:
            assert set(row) <= required | optional, (sheet, set(row) - required - optional)
            for header in required:
                assert row.get(header) not in (None, ""), (sheet, header, row)
            assert all(v not in (None, "") for v in row.values()), (sheet, row)


def test_units_townships_and_tiers(demo):
    units = demo["单位"]
    assert 18 <= len(units) <= 24
    names = [u["单位名称"] for u in units]
    assert len(set(names)) == len(names)
    assert sorted(u["排序"] for u in units) == list(range(1, len(units) + 1))
    kinds = Counter(u["单位类别"] for u in units)
    assert set(kinds) <= set(UNIT_KINDS)
    assert kinds["乡镇"] + kinds["街道"] >= 12
    assert 1 <= kinds["街道"] <= 2
    assert kinds["县直部门"] >= 6
    for u in units:
        if u["单位类别"] in TOWNSHIP_KINDS:
            assert u["津贴档次"] in TIERS
            assert u["单位名称"].endswith({"乡镇": ("镇", "乡"), "街道": ("街道",)}[u["单位类别"]])
        else:
            assert "津贴档次" not in u
    tiers = Counter(u.get("津贴档次") for u in units if u["单位类别"] in TOWNSHIP_KINDS)
    assert all(tiers[t] >= 3 for t in TIERS), tiers
    assert {"县委组织部", "县委办公室", "县财政局"} <= set(names)


def test_cadre_count_and_age_spread(demo):
    cadres = demo["干部"]
    assert 600 <= len(cadres) <= 700
    working = in_service(demo)
    ages = [age(c) for c in working]
    assert min(ages) >= 22 and max(ages) <= 59
    young = sum(a <= 35 for a in ages) / len(ages)
    assert 0.18 <= young <= 0.28, young
    assert any(a <= 30 for a in ages)
    assert sum(30 <= a <= 50 for a in ages) / len(ages) > 0.5
    women = sum(c["性别"] == "女" for c in cadres) / len(cadres)
    assert 0.25 <= women <= 0.35, women
    retired = [c for c in cadres if c.get("人员状态") == "退休"]
    assert 0.02 <= len(retired) / len(cadres) <= 0.04
    assert all(age(c) >= 55 for c in retired)


def test_id_numbers_valid_unique_and_agreeing_with_sex_and_birth(demo):
    ids = [c["身份证号"] for c in demo["干部"]]
    assert len(set(ids)) == len(ids)
    for c in demo["干部"]:
        info = check_id_number(c["身份证号"])  # raises on a bad check digit or date
        assert isinstance(c["身份证号"], str) and c["身份证号"].startswith("52932")
        if "性别" in c:
            assert c["性别"] == info.sex
        if "出生年月" in c:
            assert c["出生年月"] == str(info.birth)


def test_every_unit_is_listed_and_every_in_service_cadre_complete(demo):
    names = {u["单位名称"] for u in demo["单位"]}
    for c in demo["干部"]:
        assert c["工作单位"] in names  # retired cadres keep theirs too
        assert c["干部层级"] in CADRE_LEVELS
        assert c.get("现任职务")


def test_enumerated_values_are_the_allowed_ones(demo):
    for c in demo["干部"]:
        assert c["性别"] in SEXES
        assert c["编制类型"] in STAFFING_TYPES
        assert c.get("人员状态", "在职") in STATUSES
        assert c.get("五类人员", FIVE_CATEGORIES[0]) in FIVE_CATEGORIES
        assert c["后备干部"] in ("是", "否")
        assert education_level(c["全日制学历"]) in EDUCATION_LEVELS
        if "在职学历" in c:
            assert education_level(c["在职学历"]) in EDUCATION_LEVELS
    assert {r["类别"] for r in demo["奖惩"]} <= set(REWARD_KINDS)
    assert {r["考核结果"] for r in demo["年度考核"]} <= set(APPRAISAL_RESULTS)
    used = Counter(c.get("五类人员") for c in demo["干部"])
    assert all(used[v] for v in FIVE_CATEGORIES), used
    assert Counter(c.get("人员状态") for c in demo["干部"]).keys() <= {"在职", "退休"}


def test_dates_written_as_clerks_type_them(demo):
    for c in demo["干部"]:
        for col in ("出生年月", "入党时间", "参加工作时间", "乡镇工作起始"):
            if col in c:
                assert MONTH.match(c[col]), (col, c[col])
                assert Month(int(c[col][:4]), int(c[col][5:])) <= Month.of(TODAY)
        assert re.fullmatch(r"1[358]\d{9}", c["联系电话"])
    for r in demo["简历"]:
        assert MONTH.match(r["起始年月"]) and MONTH.match(r.get("截止年月", "2000.01"))
    for r in demo["奖惩"]:
        assert DAY.match(r["日期"])
        day = dt.date(*map(int, r["日期"].split(".")))
        assert day <= TODAY
    for r in demo["家庭成员"]:
        assert MONTH.match(r.get("出生年月", "2000.01"))
    assert all(isinstance(r["年度"], int) and r["年度"] < TODAY.year for r in demo["年度考核"])


def test_names_include_polyphonic_and_compound_surnames(demo):
    names = [c["姓名"] for c in demo["干部"]]
    for surname in ("单", "曾", "解", "欧阳", "司马"):
        assert any(n.startswith(surname) for n in names), surname
    assert all(2 <= len(n) <= 4 for n in names)
    assert len(set(names)) == len(names)  # no namesakes in one demo: clearer when searching


def test_same_seed_same_rows_other_seed_other_rows():
    assert demo_rows(seed=7, today=TODAY) == demo_rows(seed=7, today=TODAY)
    assert demo_rows(seed=7, today=TODAY)["干部"] != demo_rows(seed=8, today=TODAY)["干部"]


@pytest.mark.parametrize("today", [dt.date(2021, 1, 15), dt.date(2036, 12, 31)])
def test_ages_are_counted_at_today(today):
    """Generated in another year, the county is just as realistic then."""
    demo = demo_rows(today=today)
    ages = [age(c, today) for c in in_service(demo)]
    assert min(ages) >= 22 and max(ages) <= 59
    assert 0.18 <= sum(a <= 35 for a in ages) / len(ages) <= 0.28
    births = [check_id_number(c["身份证号"]).birth for c in demo["干部"]]
    assert max(births) <= Month.of(today).add_months(-22 * 12)
    assert all(r["日期"] <= f"{today:%Y.%m.%d}" for r in demo["奖惩"])


def test_default_today_is_today():
    ages = [age(c, dt.date.today()) for c in in_service(demo_rows())]
    assert min(ages) >= 22 and max(ages) <= 59


def test_township_teams_have_leaders_and_the_age_mix_the_rules_check(demo):
    teams = township_teams(demo)
    townships = [u["单位名称"] for u in demo["单位"] if u["单位类别"] in TOWNSHIP_KINDS]
    assert sorted(teams) == sorted(townships)
    for unit, team in teams.items():
        roles = [c["班子职务"] for c in team]
        assert any(r in ("党委书记", "党工委书记") for r in roles), unit
        assert sum(any(h in r for h in ("镇长", "乡长", "街道办事处主任")) and "副" not in r.split("、")[-1]
                   for r in roles) == 1, (unit, roles)
        assert 7 <= len(team) <= 10
        assert all(c["干部层级"] in ("正科级", "副科级") for c in team)
        assert all(c["现任职务"].startswith(unit) for c in team)
    without_young = [u for u, t in teams.items() if min(age(c) for c in t) > 35]
    without_old = [u for u, t in teams.items() if max(age(c) for c in t) < 46]
    assert 1 <= len(without_young) <= 2
    assert 1 <= len(without_old) <= 2
    assert any(min(age(c) for c in t) < 30 for t in teams.values())  # 30岁以下 team members exist


def test_team_members_have_worked_two_years_and_come_from_the_five_categories(demo):
    for team in township_teams(demo).values():
        for c in team:
            assert whole_years(Month(*map(int, c["参加工作时间"].split("."))), TODAY) >= 2
            assert "乡镇工作起始" in c
    in_categories = [c for c in demo["干部"] if "五类人员" in c]
    assert all(c.get("班子职务") for c in in_categories)


def test_departments_have_county_leaders_and_heads(demo):
    levels = Counter(c["干部层级"] for c in in_service(demo))
    assert 2 <= levels["县级领导"] <= 8
    townships = len(township_teams(demo))
    assert levels["正科级"] >= 2 * townships and levels["副科级"] >= 5 * townships
    assert levels["一般干部"] > len(in_service(demo)) / 2
    county = [c for c in demo["干部"] if c["干部层级"] == "县级领导"]
    kinds = {u["单位名称"]: u["单位类别"] for u in demo["单位"]}
    assert all(kinds[c["工作单位"]] == "县直部门" for c in county)


def test_reserve_cadres_and_proposals(demo):
    cadres = demo["干部"]
    reserve = sum(c["后备干部"] == "是" for c in cadres) / len(cadres)
    assert 0.07 <= reserve <= 0.13
    proposals = [c for c in cadres if "拟任职务" in c]
    assert 3 <= len(proposals) <= 10
    assert all(c.get("任免理由") and c.get("拟免职务") == c["现任职务"] for c in proposals)


def test_resumes_run_in_order_from_school_to_the_current_post(demo):
    resumes = by_cadre(demo["简历"])
    for c in demo["干部"]:
        lines = resumes[c["身份证号"]]
        assert 3 <= len(lines) <= 7, c["姓名"]
        periods = [(Month(*map(int, r["起始年月"].split("."))),
                    Month(*map(int, r["截止年月"].split("."))) if "截止年月" in r else None) for r in lines]
        for (start, end), (next_start, _) in zip(periods, periods[1:]):
            assert end is not None and start <= end <= next_start, (c["姓名"], lines)
        last_start, last_end = periods[-1]
        if c.get("人员状态", "在职") == "在职":
            assert last_end is None and lines[-1]["经历"] == c["现任职务"]
        else:
            assert last_end is not None and last_end <= Month.of(TODAY)
        assert "学习" in lines[0]["经历"]
        work = [r["起始年月"] for r in lines if not r["经历"].endswith("学习")]
        assert work[0] == c["参加工作时间"]
        assert age({"身份证号": c["身份证号"]}, Month(*map(int, work[0].split("."))).first_day()) >= 18


def test_rewards_appraisals_and_families(demo):
    ids = {c["身份证号"] for c in demo["干部"]}
    for sheet in ("简历", "奖惩", "年度考核", "家庭成员"):
        assert {r["身份证号"] for r in demo[sheet]} <= ids
    rewards = by_cadre(demo["奖惩"])
    assert all(len(rewards[i]) <= 3 for i in ids)
    kinds = Counter(r["类别"] for r in demo["奖惩"])
    assert kinds["奖励"] > 10 * kinds["惩戒"] > 0

    appraisals = by_cadre(demo["年度考核"])
    for i in ids:
        years = [r["年度"] for r in appraisals[i]]
        assert len(years) == len(set(years)) and len(years) <= 5
    results = Counter(r["考核结果"] for r in demo["年度考核"])
    share = results["优秀"] / sum(results.values())
    assert 0.10 <= share <= 0.20, share
    assert results["称职"] > results["合格"] > 0
    staffing = {c["身份证号"]: c["编制类型"] for c in demo["干部"]}
    for r in demo["年度考核"]:  # 合格 is the scale of public-institution staff
        if r["考核结果"] in ("合格", "基本合格"):
            assert staffing[r["身份证号"]] == "事业编制"

    family = by_cadre(demo["家庭成员"])
    for i in ids:
        assert 2 <= len(family[i]) <= 5
    relations = Counter(r["称谓"] for r in demo["家庭成员"])
    assert {"妻子", "丈夫", "儿子", "女儿", "父亲", "母亲"} <= set(relations)

