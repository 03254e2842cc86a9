"""The report's indicators on a county built to carry the seed report's own 2022 figures, with a
record just outside every definition; the records behind each figure add up to it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cadre_desktop.core.reports import draft, indicators
from cadre_desktop.core.reports.indicators import Period, behind, compute
from tests.report_county import BUILT, SEED, build


@pytest.fixture
def county(db, admin):
    with db.session() as s:
        expected = build(s)
    return db, {**SEED, **BUILT, **expected}


def test_2022_report_carries_the_seed_figures(county):
    db, expected = county
    with db.session() as s:
        report = compute(s, Period.year(2022), today=dt.date(2023, 1, 15))
    wrong = {k: (report.values.get(k), v) for k, v in expected.items() if report.values.get(k) != v}
    assert wrong == {}
    # every enumerated column lists every value, zeros included; the free-text field only what occurs
    keys = set(report.values)
    assert {f"care.by_category.{c}" for c in indicators.VISIT_CATEGORIES} <= keys
    assert {f"mentoring.records.{c}" for c in indicators.RECORD_KINDS} <= keys
    assert {k for k in keys if k.startswith("commendations.by_field.")} == {
        "commendations.by_field.疫情防控.batches", "commendations.by_field.疫情防控.collectives",
        "commendations.by_field.疫情防控.individuals"}
    assert isinstance(report.values["care.visit_amount_yuan"], Decimal)


def test_the_year_before_counts_only_its_own_records(county):
    db, _ = county
    with db.session() as s:
        r = compute(s, Period.year(2021), today=dt.date(2023, 1, 15))
    v = r.values
    assert (v["training.classes"], v["training.attendances"]) == (1, 50)
    assert v["postings.secondment.cadres"] == 1  # the one who left in December 2021
    assert v["postings.frontline.疫情防控.cadres"] == 240 + 5  # a third of the 720 started in 2021
    assert v["commendations.batches"] == 1 and v["commendations.individuals"] == 1
    assert v["appointments.rank_promotions"] == 1 and v["township_teams.appointed"] == 1
    assert v["mentoring.county_section_pairs"] == 1 and v["tolerance.cases"] == 1
    assert "commendations.by_field.疫情防控.batches" in v


def test_any_period_both_ends_included(county):
    db, _ = county
    with db.session() as s:
        r = compute(s, Period(dt.date(2022, 12, 31), dt.date(2023, 1, 1)))
    assert r.values["training.classes"] == 1  # the class of 2023-01-01
    assert r.values["care.by_category.困难党员"] == 1  # the second visit, 2022-12-31
    with pytest.raises(indicators.DomainError):
        Period(dt.date(2022, 2, 1), dt.date(2022, 1, 1))


def test_records_behind_every_figure_add_up(county):
    db, _ = county
    period = Period.year(2022)
    with db.session() as s:
        report = compute(s, period, today=dt.date(2023, 1, 15))
        for ind in report.indicators:
            b = behind(s, ind.key, period, today=dt.date(2023, 1, 15))
            value = report.values[ind.key]
            assert b.value == value, ind.key
            if ind.how == "sum":
                field = "hours" if ind.hours else "amount"
                assert sum(Decimal(r[field]) for r in b.rows if r[field] != "") == value, ind.key
            elif ind.key.startswith("allowances."):
                assert len({r["cadre_id"] for r in b.rows}) == report.values["allowances.recipients"] == 1000
            elif ind.record in ("posting", "appointment", "attendance") and ind.rows is not None:
                assert len({r["cadre_id"] for r in b.rows}) == value, ind.key
            elif ind.key == "care.visited_people":
                assert len({(r["name"], r["id_number"]) for r in b.rows}) == value
            elif ind.key == "mentoring.county_section_pairs":
                assert len({(r["mentor"], r["mentee"]) for r in b.rows}) == value
            elif ind.key in ("mentoring.section_mentors",):
                assert len({r["mentor"] for r in b.rows}) == value
            elif ind.key in ("mentoring.young_mentees", "mentoring.dual_mentor_mentees"):
                assert len({r["cadre_id"] for r in b.rows}) == value
            else:
                assert len(b.rows) == value, ind.key
        teams = behind(s, "township_teams.town_heads_about_35", period)
        assert sorted(r["age"] for r in teams.rows) == [33, 35, 37]
        heads = behind(s, "township_teams.party_secretaries", period)
        assert [r["role"] for r in heads.rows] == ["党委书记"]


def test_drafted_text_carries_the_figures(county):
    db, _ = county
    with db.session() as s:
        report = compute(s, Period.year(2022), today=dt.date(2023, 1, 15))
    text = draft.draft(report, today=dt.date(2023, 1, 15))
    for phrase in ("2022年，开展各类型培训班14期，参训1300人次", "选派30名干部挂职锻炼",
                   "后备干部100名", "31名县级领导挂帅，45名科级领导出征，55个单位720名干部上阵",
                   "疫情防控工作中3批次通报表扬先进集体16个、先进个人60人",
                   "一线干部142人", "对164名表现突出的干部进行了职级晋升",
                   "县级领导与科级领导结成“帮带结对”18对，106名科级领导与364名年轻干部结对帮带",
                   "慰问老党员、困难党员和突出人才1025名", "县财政落实乡镇津贴6600000元，1000名乡镇干部受益", "择优选配79人进入乡镇领导班子，其中“五类人员”14人",
                   "30岁以下党政领导班子成员10人", "35岁以下年轻干部48人", "配备35岁左右乡镇长3名",
                   "本科及以上学历68人", "女干部13人"):
        assert phrase in text, phrase
    paragraphs = text.split("\n")
    assert [p[:2] for p in paragraphs] == ["一是", "二是", "三是", "四是"]


def test_training_chart_counts_attendances_by_the_month_their_class_started(county):
    """Counted per class, summed by month: 2022's 14 classes start in months 1–12 (two in January
    and February), 93 attendances each but the last (91); the classes either side of the year
    (2021-12-31: 50, 2023-01-01: 20) fall in the months of a longer period, and in its years."""
    from cadre_desktop.core.reports import charts

    db, _ = county
    with db.session() as s:
        year = charts.training_by_month(s, Period.year(2022))
        longer = charts.training_by_month(s, Period(dt.date(2021, 12, 1), dt.date(2023, 1, 31)))
        years = charts.training_by_month(s, Period(dt.date(2020, 1, 1), dt.date(2023, 12, 31)))
        report = compute(s, Period.year(2022), only="training.")
    assert year.labels == [f"{m}月" for m in range(1, 13)]
    assert year.values == [[186, 184] + [93] * 10]
    assert sum(year.values[0]) == report.values["training.attendances"] == 1300
    assert longer.labels[0] == "21.12" and longer.labels[-1] == "23.01"
    assert longer.values == [[50, 186, 184] + [93] * 10 + [20]]
    assert years.labels == ["2020", "2021", "2022", "2023"] and years.values == [[0, 50, 1300, 20]]


def test_a_few_figures_are_those_of_the_whole_report(county):
    """compute(only=…) counts just those figures (a pass counts only its selected columns), each
    the whole report's value: what the home page computes at start-up."""
    db, _ = county
    period = Period.year(2022)
    some = ("cadres.young", "cadres.age_bands.", "postings.village.cadres", "postings.secondment.cadres",
            "postings.frontline.疫情防控.units", "mentoring.overdue_pairs", "rules.findings", "tolerance.")
    with db.session() as s:
        whole = compute(s, period, today=dt.date(2023, 1, 15))
        few = compute(s, period, today=dt.date(2023, 1, 15), only=some, skip=("tolerance.red",))
    assert set(few.values) == {k for k in whole.values if k.startswith(some) and k != "tolerance.red"}
    assert len(few.values) == 15 and all(few.values[k] == whole.values[k] for k in few.values)
    assert few.values["postings.frontline.疫情防控.units"] == 55


def test_a_section_with_only_zeros_is_left_out(db, admin):
    with db.session() as s:
        report = compute(s, Period.year(2022))
    assert draft.draft(report) == ""
    report.values["township_teams.appointed"] = 5
    text = draft.draft(report, today=dt.date(2030, 1, 1))
    assert text == "一是统筹优选重用，有为有位有“甜头”。2022年，择优选配5人进入乡镇领导班子。"


def test_role_words():
    assert indicators.is_government_head("党委副书记、镇长") and indicators.is_government_head("街道办事处主任")
    assert not indicators.is_government_head("党委委员、副镇长") and not indicators.is_government_head("街道办事处副主任")
    assert indicators.is_party_head("街道党工委书记") and not indicators.is_party_head("党委副书记、镇长")
    assert not indicators.is_party_head("纪委书记")


def test_the_one_pass_figures_equal_their_own_queries(demo_db):
    """The cadres.* and postings.* figures, counted together in one pass each, are what each
    figure's own SELECT counts (and what `behind` lists), on the demo county for several years."""
    from sqlalchemy import func, select

    today = dt.date.today()
    postings = 0
    with demo_db.session() as s:
        for year in (today.year - 3, today.year - 1, today.year):
            period = Period.year(year)
            ctx = indicators._ctx(s, period, today)
            inds = [i for i in indicators._build(ctx) if i.where is not None]
            assert {i.one_pass for i in inds} == {"cadre", "posting"}
            assert {i.key for i in inds} >= {"cadres.total", "cadres.young", "cadres.age_bands.≤30"}
            report = compute(s, period, today=today)
            for ind in inds:
                own = s.scalar(select(func.count()).select_from(ind.count(ctx).subquery()))
                assert report.values[ind.key] == own, ind.key
            assert report.values["cadres.total"] > report.values["cadres.young"] > 0
            postings += sum(report.values[i.key] for i in inds if i.one_pass == "posting")
        assert postings > 0
        assert behind(s, "cadres.women", period, today=today).value == len(behind(s, "cadres.women", period, today=today).rows)
