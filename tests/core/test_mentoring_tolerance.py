"""结对帮带 rules, reminders, 容错纠错 tags and effects."""

from __future__ import annotations

import datetime as dt

import pytest

from cadre_desktop.core.models import AuditEvent
from cadre_desktop.core.services import cadres, mentoring, settings, tolerance
from cadre_desktop.core.values import DomainError
from sqlalchemy import func, select

from conftest import make_id

D = dt.date
TODAY = D(2024, 5, 20)


@pytest.fixture
def people(db, admin, unit_id):
    """name → id: a 县级领导, two 正科级, a 副科级, young clerks (born 1995), an older clerk (1980)."""
    spec = [("县长甲", "19700101", "县级领导"), ("书记乙", "19720202", "正科级"), ("镇长丙", "19750303", "正科级"),
            ("副镇长丁", "19800404", "副科级"), ("小王", "19950505", "一般干部"), ("小李", "19960606", "一般干部"),
            ("小赵", "19970707", "一般干部"), ("老陈", "19800808", "一般干部")]
    ids = {}
    with db.session() as s:
        for i, (name, birth, level) in enumerate(spec):
            ids[name] = cadres.save_cadre(s, actor=admin, data={
                "id_number": make_id(birth, f"{i + 1:02d}1"), "name": name, "unit_id": unit_id, "level": level})
    return ids


def pair(s, admin, mentor, mentee, kind="科级领导帮带年轻干部", role=None, start=D(2023, 3, 1), end=None):
    return mentoring.save_pair(s, actor=admin, data={"mentor_id": mentor, "mentee_id": mentee, "kind": kind,
                                                     "role": role, "start": start, "end": end}, today=TODAY)


def refusal(s, admin, *args, **kw) -> DomainError:
    with pytest.raises(DomainError) as e:
        pair(s, admin, *args, **kw)
    return e.value


def test_second_active_mentor_of_one_kind_is_refused_naming_the_rule_and_pair(db, admin, people):
    with db.session() as s:
        pair(s, admin, people["书记乙"], people["小王"])
        err = refusal(s, admin, people["镇长丙"], people["小王"], start=D(2024, 1, 1))
    assert "违反“一对一、不重复”：该干部在 2023.03.01 起已由 书记乙 帮带（科级领导帮带年轻干部）" in err.message
    assert ("start", err.errors[0][1]) == err.errors[0]


def test_a_later_pair_after_the_first_ended_is_allowed_but_not_an_overlapping_closed_one(db, admin, people):
    with db.session() as s:
        pair(s, admin, people["书记乙"], people["小王"], start=D(2022, 1, 1), end=D(2022, 12, 31))
        pair(s, admin, people["镇长丙"], people["小王"], start=D(2023, 1, 1))
        err = refusal(s, admin, people["副镇长丁"], people["小王"], start=D(2021, 6, 1), end=D(2022, 3, 1))
    assert "2022.01.01 至 2022.12.31 期间已由 书记乙 帮带" in err.message


def test_mentor_cannot_be_mentee(db, admin, people):
    with db.session() as s:
        err = refusal(s, admin, people["书记乙"], people["书记乙"], kind="双导师制", role="政治导师")
    assert "违反“一对一、不重复”" in err.message and "同一人" in err.message


def test_mentee_not_young_at_start_is_refused(db, admin, people):
    with db.session() as s:
        err = refusal(s, admin, people["书记乙"], people["老陈"], start=D(2023, 3, 1))
    assert "年轻干部" in err.message and "老陈 在 2023.03.01 时 42 岁" in err.message
    # the same mentee was young in 2014
    with db.session() as s:
        pair(s, admin, people["书记乙"], people["老陈"], start=D(2014, 3, 1), end=D(2015, 3, 1))


def test_dual_mentor_pair_needs_a_role_and_only_it_has_one(db, admin, people):
    with db.session() as s:
        err = refusal(s, admin, people["书记乙"], people["小王"], kind="双导师制")
        assert ("role", "双导师制须填写导师类别（政治导师 / 业务导师）") in err.errors
        err = refusal(s, admin, people["书记乙"], people["小王"], role="政治导师")
        assert any(a == "role" for a, _ in err.errors)


def test_dual_mentee_has_one_political_and_one_professional_mentor(db, admin, people):
    with db.session() as s:
        pair(s, admin, people["书记乙"], people["小王"], kind="双导师制", role="政治导师")
        pair(s, admin, people["镇长丙"], people["小王"], kind="双导师制", role="业务导师")
        # and a 科级领导帮带年轻干部 mentor besides: another kind
        pair(s, admin, people["副镇长丁"], people["小王"])
        err = refusal(s, admin, people["副镇长丁"], people["小王"], kind="双导师制", role="业务导师",
                      start=D(2024, 1, 1))
    assert "已由 镇长丙 帮带（双导师制·业务导师）" in err.message


def test_open_pair_levels_must_fit_today(db, admin, people):
    with db.session() as s:
        err = refusal(s, admin, people["书记乙"], people["镇长丙"], kind="县级领导帮带科级领导")
        assert any("帮带人须为县级领导" in m for _, m in err.errors)
        err = refusal(s, admin, people["县长甲"], people["小王"], kind="县级领导帮带科级领导")
        assert any("被帮带人须为正科级或副科级" in m for _, m in err.errors)
        pair(s, admin, people["县长甲"], people["镇长丙"], kind="县级领导帮带科级领导")
        pair(s, admin, people["县长甲"], people["书记乙"], kind="县级领导帮带科级领导")  # several mentees
        err = refusal(s, admin, people["小李"], people["小王"])
        assert any("帮带人须为正科级或副科级" in m for _, m in err.errors)
        err = refusal(s, admin, people["书记乙"], people["小王"], start=D(2023, 5, 1), end=D(2023, 4, 1))
        assert any(a == "end" for a, _ in err.errors)


def test_pair_many_adds_the_fitting_and_lists_the_refused(db, admin, people):
    with db.session() as s:
        pair(s, admin, people["镇长丙"], people["小李"])
        got = mentoring.pair_many(s, actor=admin, mentor_id=people["书记乙"],
                                  mentee_ids=[people["小王"], people["小李"], people["老陈"]],
                                  kind="科级领导帮带年轻干部", role=None, start=D(2024, 1, 2), today=TODAY)
        assert len(got["added"]) == 1
        refused = {name: why for _, name, why in got["refused"]}
        assert set(refused) == {"小李", "老陈"}
        assert "已由 镇长丙 帮带" in refused["小李"]
        assert mentoring.candidate_problem(s, people["书记乙"], people["小赵"], "科级领导帮带年轻干部", None,
                                           D(2024, 1, 2), today=TODAY) is None
        assert "已由 书记乙" in mentoring.candidate_problem(s, people["副镇长丁"], people["小王"],
                                                        "科级领导帮带年轻干部", None, D(2024, 3, 1), today=TODAY)


def test_candidate_problems_answer_a_block_as_one_by_one_would(db, admin, people):
    """The picker's batched answer for a block equals check_pair's for each cadre alone, for a mix:
    fitting, already mentored (open and ended pairs, another kind, another role), too old, the
    wrong level, the mentor himself, a cadre that is not there."""
    with db.session() as s:
        pair(s, admin, people["镇长丙"], people["小李"])
        pair(s, admin, people["镇长丙"], people["小赵"], start=D(2022, 1, 1), end=D(2022, 12, 31))
        pair(s, admin, people["县长甲"], people["副镇长丁"], kind="县级领导帮带科级领导")
        pair(s, admin, people["镇长丙"], people["小王"], kind=mentoring.DUAL, role="政治导师")
    ids = [*people.values(), 999_999]
    asks = [(people["书记乙"], "科级领导帮带年轻干部", None, D(2024, 1, 2)),
            (people["书记乙"], "科级领导帮带年轻干部", None, D(2022, 6, 1)),
            (people["县长甲"], "县级领导帮带科级领导", None, D(2024, 1, 2)),
            (people["书记乙"], mentoring.DUAL, "政治导师", D(2024, 1, 2)),
            (people["书记乙"], mentoring.DUAL, "业务导师", D(2024, 1, 2)),
            (people["小王"], "县级领导帮带科级领导", None, D(2024, 1, 2))]
    with db.session(read_only=True) as s:
        for mentor, kind, role, start in asks:
            batched = mentoring.candidate_problems(s, mentor, ids, kind, role, start, today=TODAY)
            alone = {cid: mentoring.check_pair(s, {"mentor_id": mentor, "mentee_id": cid, "kind": kind, "role": role,
                                                   "start": start, "end": None}, today=TODAY) for cid in ids}
            assert batched == {cid: "；".join(m for _, m in e) for cid, e in alone.items() if e}
            assert {cid: mentoring.candidate_problem(s, mentor, cid, kind, role, start, today=TODAY)
                    for cid in ids} == {cid: batched.get(cid) for cid in ids}
        refused = mentoring.candidate_problems(s, people["书记乙"], ids, "科级领导帮带年轻干部", None, D(2024, 1, 2),
                                               today=TODAY)
        assert people["小王"] not in refused and people["小赵"] not in refused  # other kind; an ended pair
        assert "已由 镇长丙 帮带" in refused[people["小李"]] and "年轻干部" in refused[people["老陈"]]
        assert "同一人" in refused[people["书记乙"]] and "请选择被帮带人" in refused[999_999]


def test_records_belong_to_the_pair_span_and_list_in_date_order(db, admin, people):
    with db.session() as s:
        pid = pair(s, admin, people["书记乙"], people["小王"], start=D(2023, 3, 1), end=D(2023, 12, 31))
        mentoring.save_record(s, actor=admin, pair_id=pid, data={"date": D(2023, 6, 1), "kind": "谈心谈话",
                                                                 "content": "谈工作"})
        mentoring.save_record(s, actor=admin, pair_id=pid, data={"date": D(2023, 4, 1), "kind": "结对帮带"})
        with pytest.raises(DomainError) as e:
            mentoring.save_record(s, actor=admin, pair_id=pid, data={"date": D(2024, 2, 1), "kind": "谈心谈话"})
        assert "不在该结对的帮带期间（2023.03.01 至 2023.12.31）内" in e.value.message
        recs = mentoring.list_records(s, pid)
    assert [r["date"] for r in recs] == [D(2023, 4, 1), D(2023, 6, 1)]
    assert recs[1]["recorded_by"] == "admin"


def test_overdue_pairs(db, admin, people):
    with db.session() as s:
        stale = pair(s, admin, people["书记乙"], people["小王"], start=D(2023, 1, 1))
        fresh = pair(s, admin, people["书记乙"], people["小李"], start=D(2023, 1, 1))
        new = pair(s, admin, people["镇长丙"], people["小赵"], start=D(2024, 4, 10))  # first 90 days, this quarter
        mentoring.save_record(s, actor=admin, pair_id=stale, data={"date": D(2024, 1, 15), "kind": "谈心谈话"})
        mentoring.save_record(s, actor=admin, pair_id=fresh, data={"date": D(2024, 5, 1), "kind": "谈心谈话"})
        mentoring.save_record(s, actor=admin, pair_id=fresh, data={"date": D(2024, 4, 2), "kind": "定期汇报"})
        got = {p["id"]: p for p in mentoring.overdue(s, TODAY)}
        assert set(got) == {stale}
        rules = [r for r, _ in got[stale]["reminders"]]
        assert rules == ["mentoring_talk_overdue", "mentoring_report_overdue"]
        assert "最近一次 2024.01.15" in got[stale]["reminders"][0][1]
        assert new not in got
        # the same new pair, later: past 90 days and into the next quarter
        later = {p["id"] for p in mentoring.overdue(s, D(2024, 7, 15))}
        assert new in later and fresh in later
        for day in (TODAY, D(2024, 7, 15)):  # found in SQL, the same as every pair's rows filtered
            assert mentoring.overdue(s, day) == mentoring.list_pairs(s, active=True, overdue_only=True, today=day)
        from cadre_desktop.core.reports import rules

        items = [rules.finding_dict(f) for f in rules.reminders(s, TODAY)]
    assert {i["rule"] for i in items} == {"mentoring_talk_overdue", "mentoring_report_overdue"}
    assert all(i["kind"] == "reminder" for i in items)
    assert {c["name"] for c in items[0]["cadres"]} == {"书记乙", "小王"}
    assert "书记乙 帮带 小王" in items[0]["message"]


def test_talk_interval_is_a_setting(db, admin, people):
    with db.session() as s:
        pid = pair(s, admin, people["书记乙"], people["小王"], start=D(2023, 1, 1))
        mentoring.save_record(s, actor=admin, pair_id=pid, data={"date": D(2024, 3, 1), "kind": "谈心谈话"})
        mentoring.save_record(s, actor=admin, pair_id=pid, data={"date": D(2024, 4, 1), "kind": "定期汇报"})
        assert mentoring.overdue(s, TODAY) == []
        settings.put(s, actor=admin, key="mentoring_talk_days", value=30)
        assert [p["id"] for p in mentoring.overdue(s, TODAY)] == [pid]
        with pytest.raises(DomainError):
            settings.put(s, actor=admin, key="mentoring_talk_days", value=0)


# --- 容错纠错 ---------------------------------------------------------------------------------


def case(s, admin, cadre, matter, colour=None, decided=None, status=None, occurred=D(2022, 1, 1)):
    return tolerance.save_case(s, actor=admin, data={
        "cadre_id": cadre, "matter": matter, "occurred": occurred, "circumstance": "为推动发展的无意过失",
        "colour": colour, "decided": decided, "correction_status": status}, today=TODAY)


def test_colour_and_decision_date_go_together(db, admin, people):
    with db.session() as s:
        with pytest.raises(DomainError) as e:
            case(s, admin, people["小王"], "事项一", colour="黄")
        assert any(a == "decided" for a, _ in e.value.errors)
        with pytest.raises(DomainError) as e:
            case(s, admin, people["小王"], "事项一", decided=D(2023, 1, 1))
        assert any(a == "colour" for a, _ in e.value.errors)
        case(s, admin, people["小王"], "事项一")  # under review: neither


def test_tags_follow_window_latest_case_and_ties(db, admin, people):
    with db.session() as s:
        case(s, admin, people["小王"], "旧事", "红", D(2022, 5, 1))  # older than 24 months at TODAY
        case(s, admin, people["小王"], "近事", "绿", D(2023, 2, 1))
        case(s, admin, people["小李"], "甲事", "绿", D(2023, 8, 1))
        case(s, admin, people["小李"], "乙事", "黄", D(2023, 8, 1), "整改中")
        case(s, admin, people["小赵"], "审查中")
        case(s, admin, people["老陈"], "早事", "红", D(2022, 5, 20))  # exactly 24 months: in
        got = tolerance.tags(s, today=TODAY)
        assert got[people["小王"]][0] == "绿" and "近事" in got[people["小王"]][1]
        assert got[people["小李"]][0] == "黄" and "乙事" in got[people["小李"]][1]
        assert people["小赵"] not in got
        assert got[people["老陈"]][0] == "红"
        assert people["老陈"] not in tolerance.tags(s, today=D(2024, 5, 21))
        assert tolerance.tags(s, [people["小李"]], TODAY).keys() == {people["小李"]}
        rows = cadres.roster_rows(s, [people["小李"], people["小赵"]], today=TODAY)
    assert (rows[0]["tag"], rows[1]["tag"]) == ("黄", None)
    assert "乙事" in rows[0]["tag_case"]


def test_effects(db, admin, people):
    with db.session() as s:
        y = case(s, admin, people["小王"], "黄事", "黄", D(2023, 6, 1), "整改中")
        case(s, admin, people["小李"], "红事", "红", D(2024, 2, 1))
        case(s, admin, people["小赵"], "绿事", "绿", D(2024, 2, 1))
        kind, why = tolerance.effect(s, people["小王"], TODAY, "commendation")
        assert kind == "warn" and "黄事" in why and "整改中" in why
        kind, why = tolerance.effect(s, people["小李"], TODAY, "promotion")
        assert kind == "exclude" and "红事" in why and "提拔任用" in why
        assert tolerance.effect(s, people["小李"], D(2025, 3, 1), "promotion")[0] == "warn"
        assert tolerance.effect(s, people["小李"], D(2026, 3, 1), "promotion") is None
        assert tolerance.effect(s, people["小赵"], TODAY, "commendation") is None
        d = tolerance.get_case(s, y)
        d["correction_status"] = "已整改"
        tolerance.save_case(s, actor=admin, data=d, case_id=y, today=TODAY)
        assert tolerance.effect(s, people["小王"], TODAY, "commendation") is None


def test_override_of_a_warning_is_audited_and_an_exclusion_cannot_be_overridden(db, admin, people):
    with db.session() as s:
        case(s, admin, people["小王"], "黄事", "黄", D(2023, 6, 1), "整改中")
        case(s, admin, people["小李"], "红事", "红", D(2024, 2, 1))
        before = s.scalar(select(func.count()).select_from(AuditEvent))
        tolerance.record_override(s, admin, people["小王"], "commendation", "整改已近完成", on=TODAY)
        ev = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == before + 1
        assert "整改已近完成" in ev.after and "黄事" in ev.after
        with pytest.raises(DomainError):
            tolerance.record_override(s, admin, people["小李"], "promotion", "x", on=TODAY)


def test_colour_table_setting_is_validated_and_drives_effects(db, admin, people):
    with db.session() as s:
        case(s, admin, people["小赵"], "绿事", "绿", D(2024, 2, 1))
        table = settings.get(s, "tolerance_colours")
        with pytest.raises(DomainError):
            settings.put(s, actor=admin, key="tolerance_colours", value={"绿": table["绿"]})
        with pytest.raises(DomainError):
            settings.put(s, actor=admin, key="tolerance_colours", value=dict(table, 绿={"meaning": "x", "effect": "?"}))
        settings.put(s, actor=admin, key="tolerance_colours",
                     value=dict(table, 绿={"meaning": "予以容错免责", "effect": "warn_decision_year"}))
        assert tolerance.effect(s, people["小赵"], TODAY, "commendation")[0] == "warn"


def test_unchanged_save_writes_no_audit_event(db, admin, people):
    with db.session() as s:
        pid = pair(s, admin, people["书记乙"], people["小王"])
        n = s.scalar(select(func.count()).select_from(AuditEvent))
        mentoring.save_pair(s, actor=admin, data={"mentor_id": people["书记乙"], "mentee_id": people["小王"],
                                                  "kind": "科级领导帮带年轻干部", "start": D(2023, 3, 1)},
                            pair_id=pid, today=TODAY)
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == n


def test_the_demo_county_keeps_the_rules_and_has_something_to_remind(demo_db):
    from collections import Counter

    from cadre_desktop.core.models import MentorPair

    with demo_db.session() as s:
        pairs = mentoring.list_pairs(s)
        kinds = Counter(p["kind"] for p in pairs)
        assert kinds["县级领导帮带科级领导"] == 18
        assert 90 <= kinds["科级领导帮带年轻干部"] <= 115
        dual = Counter(p["mentee_id"] for p in pairs if p["kind"] == "双导师制")
        assert dual and all(n == 2 for n in dual.values())
        for p in s.scalars(select(MentorPair)):  # every stored pair passes every rule
            data = {k: getattr(p, k) for k in ("mentor_id", "mentee_id", "kind", "role", "start", "end")}
            assert mentoring.check_pair(s, data, p.id) == [], (p.mentor.name, p.mentee.name)
        kinds_of_records = {r["kind"] for p in pairs for r in mentoring.list_records(s, p["id"])}
        assert kinds_of_records == set(mentoring.RECORD_KINDS)
        assert 1 <= len(mentoring.overdue(s)) < len(pairs) // 5
        cases = tolerance.list_cases(s)
        assert 12 <= len(cases) <= 18
        assert {c["colour"] for c in cases} == {"绿", "黄", "红", None}
        assert any(c["colour"] == "红" and c["decided"].year == dt.date.today().year for c in cases)
        assert {c for c, _ in tolerance.tags(s).values()} == {"绿", "黄", "红"}


def test_the_overdue_count_in_sql_equals_the_overdue_list(demo_db, demo_admin):
    """mentoring.overdue_count (the report's figure, counted in the database) is the length of
    mentoring.overdue on the demo county at every month end of three years, at the boundary days of
    the talk interval, and for each 定期汇报 period."""
    from cadre_desktop.core.models import MentoringRecord

    with demo_db.session() as s:
        last = s.scalar(select(func.max(MentoringRecord.date)))
        days = [D(y, m, 1) - dt.timedelta(days=1) for y in range(last.year - 2, last.year + 2) for m in range(1, 13)]
        talks = s.scalars(select(MentoringRecord.date).where(MentoringRecord.kind == "谈心谈话")
                          .order_by(MentoringRecord.date.desc()).limit(3)).all()
        days += [t + dt.timedelta(days=n) for t in talks for n in (0, 89, 90, 91)]
        seen = 0
        for period in ("month", "quarter", "year"):
            settings.put(s, actor=demo_admin, key="mentoring_report_period", value=period)
            for day in days:
                n = len(mentoring.overdue(s, day))
                assert mentoring.overdue_count(s, day) == n, (period, day)
                seen += n
        assert seen > 0
