"""The rules the department checks (core.reports.rules), on a small county with planted breaches."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from cadre_desktop.core.models import Appointment, Cadre
from cadre_desktop.core.reports import rules
from cadre_desktop.core.services import cadres, settings, units
from cadre_desktop.core.values import Month, id_check_digit

TODAY = dt.date(2024, 6, 15)


def _id(birth: Month, seq: int) -> str:
    first17 = f"522622{birth.year:04d}{birth.month:02d}15{seq:03d}"
    return first17 + id_check_digit(first17)


def build_county(db, admin, today: dt.date = TODAY) -> dict:
    """Units, township teams and appointment batches; returns name → cadre id and unit ids.
    Ages and dates are relative to `today` (ages below are at `today`).

    Planted breaches (young bound 35):
    - batch 2023年第2批: 7 提拔任用, 1 young → finding;
    - 红岩乡: nobody ≤ 35 (team_young and age_mix);
    - 白云街道: nobody ≥ 46 (age_mix); 白新 has 1 year of work; 白缺 has no 参加工作时间.
    Compliant: 2022年第1批 (6 with exactly 1 young), 2021年第1批 (young at the appointment date,
    not today), blank batches, a 进一步使用 batch, 青山镇's team, a county department's team,
    a retired and a non-team cadre with little work.
    """
    ids: dict[str, int] = {}
    seq = iter(range(1, 999))
    now = Month.of(today)

    def aged(age: int, at: Month = now) -> Month:  # the birth month of someone `age` at `at`
        return at.add_months(-12 * age)

    def months_ago(n: int) -> Month:
        return now.add_months(-n)

    def day_ago(months: int) -> dt.date:
        return months_ago(months).first_day() + dt.timedelta(days=9)

    with db.session() as s:
        u = {
            "青山镇": units.save_unit(s, actor=admin, name="青山镇", kind="乡镇", tier="一档", sort_order=1),
            "红岩乡": units.save_unit(s, actor=admin, name="红岩乡", kind="乡镇", tier="二档", sort_order=2),
            "白云街道": units.save_unit(s, actor=admin, name="白云街道", kind="街道", sort_order=3),
            "县财政局": units.save_unit(s, actor=admin, name="县财政局", kind="县直部门", sort_order=9),
        }

    def cadre(name, unit, birth, *, role=None, work=Month(2000, 7), level="副科级", status="在职"):
        with db.session() as s:
            ids[name] = cadres.save_cadre(s, actor=admin, data={
                "id_number": _id(birth, next(seq) * 2 + 1), "name": name, "unit_id": u[unit], "level": level,
                "post": f"{unit}{role or '干部'}", "team_role": role, "work_started": work, "status": status,
            })

    # 青山镇: 50, 33, 40 — compliant on every rule.
    cadre("青书记", "青山镇", aged(50), role="党委书记", level="正科级")
    cadre("青镇长", "青山镇", aged(33), role="党委副书记、镇长", level="正科级", work=months_ago(120))
    cadre("青副职", "青山镇", aged(40), role="副镇长")
    cadre("青新人", "青山镇", aged(24), work=months_ago(5), level="一般干部")  # not on the team
    cadre("青退休", "青山镇", aged(26), role="副镇长", work=months_ago(5), status="退休")  # not in service
    # 红岩乡: 48 and 40 — no young member.
    cadre("红书记", "红岩乡", aged(48), role="党委书记", level="正科级")
    cadre("红乡长", "红岩乡", aged(40), role="乡长", level="正科级")
    # 白云街道: 45, 30, 28 — nobody ≥ 46; one with 1 year of work, one with none recorded.
    cadre("白书记", "白云街道", aged(45), role="街道党工委书记", level="正科级")
    cadre("白新", "白云街道", aged(30), role="组织委员", work=months_ago(13))
    cadre("白缺", "白云街道", aged(28), role="武装部长", work=None)
    # A county department's team is not a township team: nothing about it is checked.
    cadre("财局长", "县财政局", aged(44), role="党组书记、局长", work=months_ago(9), level="正科级")

    def batch(title, kind, day, births, unit="县财政局", new_unit=None):
        names = []
        for k, birth in enumerate(births):
            name = f"{title or '无批次'}{kind[:2]}{k + 1}"
            cadre(name, unit, birth)
            names.append(name)
        with db.session() as s:
            for name in names:
                s.add(Appointment(cadre_id=ids[name], date=day, kind=kind, new_post="副局长", batch=title,
                                  new_unit_id=u[new_unit] if new_unit else None, doc_number="县委〔2023〕1号"))
        return names

    # 2023年第2批: 7 people; one young (33 then); one aged 35 today but 36 then is not young then.
    d = day_ago(10)
    batch("2023年第2批", "提拔任用", d,
          [aged(33, Month.of(d))] + [aged(44, Month.of(d))] * 5 + [aged(36, Month.of(d))], new_unit="青山镇")
    # 2022年第1批: 6 people, exactly one young: one sixth complies.
    d = day_ago(27)
    batch("2022年第1批", "提拔任用", d, [aged(30, Month.of(d))] + [aged(43, Month.of(d))] * 5)
    # 2021年第1批: 6 people; the first is 35 at the appointment date, 38 today.
    d = day_ago(39)
    batch("2021年第1批", "提拔任用", d, [aged(35, Month.of(d))] + [aged(46, Month.of(d))] * 5)
    # Blank batches are not batches; 进一步使用 is not 提拔任用.
    batch(None, "提拔任用", day_ago(17), [aged(54)] * 3)
    batch("  ", "提拔任用", day_ago(17), [aged(54)] * 2)
    batch("2023年第3批", "进一步使用", day_ago(9), [aged(54)] * 7)
    return {"cadres": ids, "units": u}


@pytest.fixture
def county(db, admin):
    return build_county(db, admin)


def _by_rule(found):
    out: dict[str, list] = {}
    for f in found:
        out.setdefault(f.rule, []).append(f)
    return out


def test_each_planted_breach_is_one_finding_and_nothing_else(db, county):
    with db.session() as s:
        found = rules.findings(s, today=TODAY)
    by_rule = _by_rule(found)
    assert [f.rule for f in found] == [
        "young_share_per_batch", "township_team_young", "township_team_work_years", "township_team_work_years",
        "township_team_age_mix", "township_team_age_mix",
    ]
    assert [f.batches for f in by_rule["young_share_per_batch"]] == [["2023年第2批"]]
    assert [f.units for f in by_rule["township_team_young"]] == [["红岩乡"]]
    assert [f.units for f in by_rule["township_team_age_mix"]] == [["红岩乡"], ["白云街道"]]  # unit order
    assert [[c["name"] for c in f.cadres] for f in by_rule["township_team_work_years"]] == [["白新"], ["白缺"]]
    assert all(f.kind == "finding" for f in found)
    assert all(f.rule_name == rules.RULES[f.rule] for f in found)


def test_batch_finding_counts_people_and_young_at_the_appointment_date(db, county):
    with db.session() as s:
        (f,) = [f for f in rules.findings(s, today=TODAY) if f.rule == "young_share_per_batch"]
    assert f.rule_name == "每批次提拔优秀年轻干部比例不少于六分之一"
    assert f.message.startswith("批次“2023年第2批”提拔任用7人，其中年轻干部（35岁及以下）1人，不足六分之一")
    assert len(f.cadres) == 7 and len(f.cadre_ids) == 7
    assert set(f.cadre_ids) == {county["cadres"][f"2023年第2批提拔{k}"] for k in range(1, 8)}
    assert all(len(c["id_number"]) == 18 for c in f.cadres)
    assert f.units == ["青山镇"] and f.unit_ids == [county["units"]["青山镇"]]  # the new unit


def test_team_findings_name_the_team_and_its_members(db, county):
    ids = county["cadres"]
    with db.session() as s:
        by_rule = _by_rule(rules.findings(s, today=TODAY))
        id_number = {c.id: c.id_number for c in s.scalars(select(Cadre))}
    (young,) = by_rule["township_team_young"]
    assert young.message == "红岩乡领导班子2人，没有35岁及以下的年轻干部"
    assert young.unit_ids == [county["units"]["红岩乡"]]
    assert set(young.cadre_ids) == {ids["红书记"], ids["红乡长"]}
    assert {c["id_number"] for c in young.cadres} == {id_number[ids["红书记"]], id_number[ids["红乡长"]]}

    new, missing = by_rule["township_team_work_years"]
    assert new.cadre_ids == [ids["白新"]] and new.units == ["白云街道"]
    assert f"参加工作时间{Month.of(TODAY).add_months(-13)}，工作年限1年，不足2年" in new.message
    assert missing.cadre_ids == [ids["白缺"]] and "未填参加工作时间" in missing.message

    red, white = by_rule["township_team_age_mix"]
    assert red.message == "红岩乡领导班子2人，没有35岁及以下的成员（成员年龄40至48岁）"
    assert "没有46岁及以上的成员" in white.message and "35岁及以下" not in white.message
    assert "（成员年龄28至45岁）" in white.message
    assert set(white.cadre_ids) == {ids["白书记"], ids["白新"], ids["白缺"]}


def test_compliant_records_are_named_by_no_finding(db, county):
    ids = county["cadres"]
    with db.session() as s:
        found = rules.findings(s, today=TODAY)
    named = {i for f in found for i in f.cadre_ids}
    for name in ("青书记", "青镇长", "青副职", "青新人", "青退休", "财局长"):
        assert ids[name] not in named, name
    batches = {b for f in found for b in f.batches}
    assert batches == {"2023年第2批"}
    assert not any(n.startswith(("2022年", "2021年", "无批次", "  ", "2023年第3批")) and ids[n] in named for n in ids)
    assert "青山镇" not in {u for f in found if f.rule != "young_share_per_batch" for u in f.units}


def test_one_more_young_cadre_clears_the_batch_and_the_bound_is_the_setting(db, admin, county):
    with db.session() as s:
        s.add(Appointment(cadre_id=county["cadres"]["青新人"], date=dt.date(2023, 8, 1), kind="提拔任用",
                          batch="2023年第2批"))
    with db.session() as s:  # 8 people, 2 young: 12 ≥ 8
        assert not [f for f in rules.findings(s, today=TODAY) if f.rule == "young_share_per_batch"]
    with db.session() as s:
        settings.put(s, actor=admin, key="young_age", value=40)
    with db.session() as s:  # at 40, 红乡长 (40) is young: 红岩乡 has a young member
        by_rule = _by_rule(rules.findings(s, today=TODAY))
    assert "township_team_young" not in by_rule
    assert "没有40岁及以下" not in "".join(f.message for f in by_rule["township_team_age_mix"])


def test_the_count_is_the_number_of_findings(db, admin, county):
    """rules.finding_count (the report's rules.findings figure) decides on plain rows what findings
    decides on the records: the same number on any day and with any young-cadre bound."""
    for bound in (35, 40, 30):
        with db.session() as s:
            settings.put(s, actor=admin, key="young_age", value=bound)
        with db.session() as s:
            for today in (TODAY, dt.date(2025, 1, 15), dt.date(2027, 6, 30), dt.date(2035, 1, 1)):
                n = len(rules.findings(s, today=today))
                assert rules.finding_count(s, today=today) == n, (bound, today)
    with db.session() as s:
        assert rules.finding_count(s, today=TODAY) > 0


def test_reminders_come_from_the_providers_after_the_findings(db, county, monkeypatch):
    with db.session() as s:
        assert rules.reminders(s, TODAY) == []

    def overdue(session, today):
        return [rules.Finding(rule="mentoring_overdue", rule_name="帮带纪实提醒", message=f"截至{today}未谈心谈话")]

    monkeypatch.setattr(rules, "REMINDER_PROVIDERS", [overdue])
    with db.session() as s:
        checked = rules.check(s, TODAY)
    assert checked[-1].kind == "reminder" and checked[-1].message == "截至2024-06-15未谈心谈话"
    assert [f.kind for f in checked[:-1]] == ["finding"] * 6
    d = rules.finding_dict(checked[0])
    assert {"rule", "kind", "message", "units", "batches", "cadres"} <= set(d)
    assert set(d["cadres"][0]) == {"name", "id_number"}
