"""Appointments and the one-sixth rule, applying an appointment, awards, quota allocation, care."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cadre_desktop.core.services import audit, cadres, careers, honours, welfare
from cadre_desktop.core.values import DomainError, Month

from conftest import make_id


def _cadre(s, actor, unit_id, birth: str, seq: str, name: str) -> int:
    return cadres.save_cadre(s, actor=actor, data={"id_number": make_id(birth, seq), "name": name,
                                                   "unit_id": unit_id, "level": "一般干部"})


def _batch(s, actor, unit_id, young: int, total: int, date=dt.date(2022, 6, 15), name="2022年第1批"):
    for i in range(total):
        birth = "19900101" if i < young else "19700101"  # 32 and 52 at the date
        cid = _cadre(s, actor, unit_id, birth, f"{i:03d}", f"干部{i}")
        careers.save_appointment(s, actor=actor, data={"cadre_id": cid, "date": date, "kind": "提拔任用",
                                                       "new_post": "副镇长", "batch": name})


@pytest.mark.parametrize("young,total,complies", [(1, 6, True), (1, 7, False), (2, 12, True), (2, 13, False),
                                                  (0, 1, False), (3, 9, True)])
def test_one_sixth_rule_uses_exact_integer_arithmetic(db, admin, unit_id, young, total, complies):
    with db.session() as s:
        _batch(s, admin, unit_id, young, total)
    with db.session() as s:
        b = careers.batch_summary(s, "2022年第1批")
        assert (b["total"], b["young"], b["complies"]) == (total, young, complies)
        assert len(b["young_names"]) == young
        assert ("符合" if complies else "不足") in b["text"]
        assert [x["batch"] for x in careers.list_batches(s)] == ["2022年第1批"]


def test_young_is_counted_at_the_appointment_date(db, admin, unit_id):
    with db.session() as s:
        cid = _cadre(s, admin, unit_id, "19860715", "011", "李青")  # 35 until 2022.06, 36 from 2022.07
        share_june = careers.young_share(s, [(cid, dt.date(2022, 6, 30))])
        share_july = careers.young_share(s, [(cid, dt.date(2022, 7, 1))])
        assert (share_june.young, share_july.young) == (1, 0)
        assert share_june.young_names == ["李青"]
        # Only 提拔任用 count when a kind is given.
        assert careers.young_share(s, [(cid, dt.date(2022, 6, 1), "职级晋升")]).total == 0


def test_young_bound_comes_from_settings(db, admin, unit_id):
    from cadre_desktop.core.services import settings

    with db.session() as s:
        cid = _cadre(s, admin, unit_id, "19860101", "013", "王远")  # 36 at 2022.06
        assert careers.young_share(s, [(cid, dt.date(2022, 6, 1))]).young == 0
        settings.put(s, actor=admin, key="young_age", value=40)
        assert careers.young_share(s, [(cid, dt.date(2022, 6, 1))]).young == 1


def test_appointment_validation(db, admin, unit_id, cadre_id):
    with db.session() as s:
        with pytest.raises(DomainError) as e:
            careers.save_appointment(s, actor=admin, data={"cadre_id": cadre_id, "date": dt.date(2022, 1, 1),
                                                           "kind": "提拔", "frontline_field": "疫情防控",
                                                           "new_unit_id": 9999})
        attrs = {a for a, _ in e.value.errors}
        assert attrs == {"kind", "frontline_field", "new_unit_id"}


def test_saving_an_appointment_never_changes_the_cadre(db, admin, unit_id, cadre_id):
    with db.session() as s:
        careers.save_appointment(s, actor=admin, data={"cadre_id": cadre_id, "date": dt.date(2022, 3, 1),
                                                       "kind": "提拔任用", "new_post": "青山镇党委委员、副镇长",
                                                       "new_team_role": "党委委员、副镇长"})
    with db.session() as s:
        c = cadres.get_cadre(s, cadre_id)
        assert (c["post"], c["team_role"]) == ("青山镇副镇长", None)


def test_apply_to_cadre_updates_the_file_and_appends_a_resume_line(db, admin, unit_id, cadre_id):
    from cadre_desktop.core.services import units

    with db.session() as s:
        other = units.save_unit(s, actor=admin, name="红岩乡", kind="乡镇")
        aid = careers.save_appointment(s, actor=admin, data={
            "cadre_id": cadre_id, "date": dt.date(2023, 4, 10), "kind": "提拔任用", "new_unit_id": other,
            "new_post": "红岩乡党委副书记、乡长", "new_rank": "正科级", "new_team_role": "党委副书记、乡长"})
    with db.session() as s:
        n = audit.count_events(s)
        assert careers.apply_to_cadre(s, actor=admin, appointment_id=aid)
        assert audit.count_events(s) == n + 1
    with db.session() as s:
        c = cadres.get_cadre(s, cadre_id)
        assert (c["unit_id"], c["post"], c["rank"], c["team_role"]) == (other, "红岩乡党委副书记、乡长", "正科级",
                                                                        "党委副书记、乡长")
        assert c["resumes"] == [
            {"start": Month(2012, 7), "end": Month(2023, 4), "text": "青山镇副镇长"},
            {"start": Month(2023, 4), "end": None, "text": "红岩乡党委副书记、乡长"},
        ]
        # Applying again changes nothing and records nothing.
        n = audit.count_events(s)
        assert not careers.apply_to_cadre(s, actor=admin, appointment_id=aid)
        assert audit.count_events(s) == n


def test_allocate_quota_sums_exactly_and_is_deterministic():
    units = [("甲镇", 30, 0), ("乙镇", 30, 0), ("丙镇", 30, 0)]
    got = honours.allocate_quota(units, 10, 1.0)
    assert [p for _, _, p in got] == [4, 3, 3]  # equal remainders and weights: the first unit
    assert sum(p for _, _, p in got) == 10
    many = [(f"单位{i}", 7 + i * 3, i % 4) for i in range(17)]
    for places in (0, 1, 13, 60, 61):
        assert sum(p for _, _, p in honours.allocate_quota(many, places, 2.5)) == places


def test_frontline_weight_favours_frontline_units():
    units = [("县直", 40, 0), ("乡镇", 40, 20)]
    plain = dict((u, p) for u, _, p in honours.allocate_quota(units, 8, 1.0))
    tilted = {u: (share, p) for u, share, p in honours.allocate_quota(units, 8, 2.0)}
    assert plain == {"县直": 4, "乡镇": 4}
    # weights 40 and 40 + 1×20 = 60: shares 3.2 and 4.8
    assert tilted["县直"][0] == pytest.approx(3.2) and tilted["乡镇"][0] == pytest.approx(4.8)
    assert (tilted["县直"][1], tilted["乡镇"][1]) == (3, 5)


def test_ties_break_by_remainder_then_weight_then_order():
    # Shares 1.5, 1.5 (weights equal) → the first; then a larger weight beats order.
    got = honours.allocate_quota([("A", 10, 0), ("B", 10, 0)], 3, 1.0)
    assert [p for *_, p in got] == [2, 1]
    # Shares 1/6, 1/2, 1/3: the largest remainder (B) wins over the order.
    got = honours.allocate_quota([("A", 10, 0), ("B", 30, 0), ("C", 20, 0)], 1, 1.0)
    assert [p for *_, p in got] == [0, 1, 0]
    # Equal remainders 1/2, 1/2 with weights 10 and 30 (places 2 of 40 → 0.5 and 1.5): the larger weight.
    got = honours.allocate_quota([("A", 10, 0), ("B", 30, 0)], 2, 1.0)
    assert [p for *_, p in got] == [0, 2]


def test_award_duplicates_refused(db, admin, unit_id, cadre_id):
    with db.session() as s:
        bid = honours.save_batch(s, actor=admin, data={"title": "关于表扬的通报", "date": dt.date(2022, 5, 1),
                                                      "doc_number": "云党通〔2022〕1号"})
        honours.add_individuals(s, actor=admin, batch_id=bid, cadre_ids=[cadre_id], honour="先进个人")
        with pytest.raises(DomainError, match="单雄信"):
            honours.add_individuals(s, actor=admin, batch_id=bid, cadre_ids=[cadre_id], honour="先进个人")
        with pytest.raises(DomainError):
            honours.save_award(s, actor=admin, batch_id=bid, data={"target_kind": "个人", "cadre_id": cadre_id,
                                                                  "honour": "先进个人"})
        honours.save_award(s, actor=admin, batch_id=bid, data={"target_kind": "集体", "target_name": "青山镇党委",
                                                              "honour": "先进集体"})
        with pytest.raises(DomainError, match="已在本批"):
            honours.save_award(s, actor=admin, batch_id=bid, data={"target_kind": "集体",
                                                                  "target_name": "青山镇党委", "honour": "先进集体"})
        awards = honours.list_awards(s, bid)
        assert [(a["target_kind"], a["target_name"]) for a in awards] == [("个人", "单雄信"), ("集体", "青山镇党委")]
        assert awards[0]["printed_unit_post"] == "青山镇副镇长"  # blank → the cadre's current
        assert [a["title"] for a in honours.cadre_awards(s, cadre_id)] == ["关于表扬的通报"]


def test_care_and_visits(db, admin, cadre_id):
    with db.session() as s:
        welfare.save_care(s, actor=admin, data={"cadre_id": cadre_id, "kind": "带薪年休假", "date": dt.date(2023, 5, 4),
                                                "days": 5})
        with pytest.raises(DomainError):
            welfare.save_care(s, actor=admin, data={"cadre_id": cadre_id, "kind": "带薪年休假",
                                                    "date": dt.date(2023, 5, 4)})
        with pytest.raises(DomainError) as e:
            welfare.save_visit(s, actor=admin, data={"name": "张老", "id_number": "522622199007150011",
                                                     "category": "老党员", "date": dt.date(2023, 1, 18)})
        assert [a for a, _ in e.value.errors] == ["id_number"]
        welfare.save_visit(s, actor=admin, data={"name": "张老", "category": "老党员", "date": dt.date(2023, 1, 18),
                                                 "amount": Decimal("800")})
        welfare.save_visit(s, actor=admin, data={"name": "李老", "category": "困难党员", "date": dt.date(2024, 1, 18),
                                                 "amount": "1000.5"})
        assert welfare.visit_totals(s, year=2023) == {"count": 1, "people": 1, "amount": Decimal("800.00")}
        assert welfare.visit_totals(s)["amount"] == Decimal("1800.50")
        assert [r["kind"] for r in welfare.cadre_care(s, cadre_id)] == ["带薪年休假"]
