"""Batch actions on the roster's selection: N cadres in one audited transaction, or none."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from cadre_desktop.core.models import AuditEvent, Cadre
from cadre_desktop.core.services import batch, cadres, development, honours
from cadre_desktop.core.values import DomainError, Month


def pick(db, n=4):
    with db.session() as s:
        ids = cadres.roster_ids(s, cadres.RosterFilter(status="在职"))[:n]
        return ids


def events(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent))


def test_set_reserve_changes_n_cadres_with_one_event_each_and_a_summary(demo_db, demo_admin):
    ids = pick(demo_db)
    with demo_db.session() as s:
        for c in s.scalars(select(Cadre).where(Cadre.id.in_(ids))):
            c.reserve = False
    before = events(demo_db)
    with demo_db.session() as s:
        assert batch.set_reserve(s, actor=demo_admin, cadre_ids=ids, reserve=True) == len(ids)
    with demo_db.session() as s:
        assert all(c.reserve for c in s.scalars(select(Cadre).where(Cadre.id.in_(ids))))
        new = list(s.scalars(select(AuditEvent).where(AuditEvent.id > before).order_by(AuditEvent.id)))
    assert len(new) == len(ids) + 1
    assert new[-1].action == "批量修改" and f"{len(ids)}人" in new[-1].label


def test_status_change_records_the_date_in_notes_and_audit(demo_db, demo_admin):
    ids = pick(demo_db, 3)
    day = dt.date(2024, 6, 30)
    with demo_db.session() as s:
        assert batch.set_status(s, actor=demo_admin, cadre_ids=ids, status="退休", day=day) == 3
    with demo_db.session() as s:
        for c in s.scalars(select(Cadre).where(Cadre.id.in_(ids))):
            assert c.status == "退休" and c.notes.endswith("2024.06.30 退休")
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert "2024.06.30" in last.after


def test_one_refusal_refuses_all(demo_db, demo_admin):
    ids = pick(demo_db, 4)
    with demo_db.session() as s:  # the last one is born after the date given
        s.get(Cadre, ids[-1]).birth = Month(2001, 1)
    before = events(demo_db)
    with pytest.raises(DomainError, match="均未修改"):
        with demo_db.session() as s:
            batch.set_status(s, actor=demo_admin, cadre_ids=ids, status="调出", day=dt.date(2000, 1, 1))
    with demo_db.session() as s:
        assert [c.status for c in s.scalars(select(Cadre).where(Cadre.id.in_(ids)))] == ["在职"] * 4
    assert events(demo_db) == before


def test_move_add_to_class_and_to_commendation(demo_db, demo_admin):
    ids = pick(demo_db, 3)
    with demo_db.session() as s:
        unit = s.get(Cadre, pick(demo_db, 40)[-1]).unit_id
        assert batch.move_to_unit(s, actor=demo_admin, cadre_ids=ids, unit_id=unit) >= 1
    with demo_db.session() as s:
        assert {c.unit_id for c in s.scalars(select(Cadre).where(Cadre.id.in_(ids)))} == {unit}
        cid = development.save_class(s, actor=demo_admin, name="批量测试班", start=dt.date(2024, 3, 1),
                                     hours=16)
        bid = honours.save_batch(s, actor=demo_admin, data={"title": "批量测试表彰", "date": dt.date(2024, 5, 1)})
    with demo_db.session() as s:
        assert batch.add_to_class(s, actor=demo_admin, cadre_ids=ids, class_id=cid) == (3, 0)
        assert batch.add_to_commendation(s, actor=demo_admin, cadre_ids=ids, batch_id=bid, honour="先进个人") == 3
    with demo_db.session() as s:
        assert len(development.list_attendances(s, cid)) == 3
        assert len(honours.list_awards(s, bid)) == 3
    # adding them again to the commendation is refused for all
    with pytest.raises(DomainError, match="已在本批表彰中"):
        with demo_db.session() as s:
            batch.add_to_commendation(s, actor=demo_admin, cadre_ids=ids, batch_id=bid, honour="先进个人")


# -- 干部结构统计表 -----------------------------------------------------------------------------------

@pytest.mark.parametrize("by", list(cadres.STRUCTURE_BY))
def test_structure_counts_match_a_hand_count(demo_db, by):
    from cadre_desktop.core.values import age_band

    flt = cadres.RosterFilter(status="在职")
    with demo_db.session() as s:
        got = cadres.structure_counts(s, flt, by)
        people = cadres.roster_rows(s, cadres.roster_ids(s, flt))
        full = {c.id: c for c in s.scalars(select(Cadre))}
    hand: dict[tuple[str, str], int] = {}
    for r in people:
        c = full[r["id"]]
        cat = {"age": age_band(r["age"]) if r["age"] is not None else "未填", "sex": c.sex or "未填",
               "education": r["education"] or "未填",
               "ethnicity": "未填" if not c.ethnicity else ("汉族" if c.ethnicity == "汉族" else "少数民族"),
               "political_status": c.political_status or "未填", "level": c.level or "未填"}[by]
        key = (r["unit"] or "未定单位", cat)
        hand[key] = hand.get(key, 0) + 1
    table = {(unit, cat): n for unit, line, _t in got["rows"] for cat, n in zip(got["columns"], line) if n}
    assert table == hand
    assert got["total"] == len(people) == sum(t for _u, _l, t in got["rows"]) == sum(got["totals"])
    for unit, line, total in got["rows"]:
        assert sum(line) == total
    assert len({u for u, _l, _t in got["rows"]}) == len(got["rows"])


# -- 每年应完成培训学时 ----------------------------------------------------------------------------------

def test_cadres_short_of_the_yearly_training_hours_are_filtered_in_sql(db, admin, unit_id):
    from decimal import Decimal

    from cadre_desktop.core.services import settings
    from tests.conftest import make_id

    with db.session() as s:
        ids = [cadres.save_cadre(s, actor=admin, data={"id_number": make_id(seq=f"{i:02d}1"), "name": f"干部{i}",
                                                       "unit_id": unit_id, "level": "一般干部"}) for i in range(4)]
        a = development.save_class(s, actor=admin, name="春季班", start=dt.date(2024, 3, 1), hours=60)
        b = development.save_class(s, actor=admin, name="秋季班", start=dt.date(2024, 9, 1), hours=40)
        old = development.save_class(s, actor=admin, name="去年班", start=dt.date(2023, 9, 1), hours=100)
        development.add_attendances(s, actor=admin, class_id=a, cadre_ids=ids[:3])
        development.add_attendances(s, actor=admin, class_id=b, cadre_ids=ids[:1])
        development.add_attendances(s, actor=admin, class_id=b, cadre_ids=ids[1:2], completed=False)
        development.add_attendances(s, actor=admin, class_id=old, cadre_ids=ids[2:4])
        settings.put(s, actor=admin, key="training_hours_required", value=90)
    with db.session() as s:
        # 0: 60+40 = 100 ≥ 90; 1: 60 (the 40 not completed); 2: 60 (2023 does not count); 3: 0
        short = cadres.roster_ids(s, cadres.RosterFilter(training_short_year=2024))
        assert short == sorted(ids[1:], key=lambda i: f"干部{ids.index(i)}")
        hours = development.year_hours(s, 2024, ids)
        assert hours == {ids[0]: Decimal(100), ids[1]: Decimal(60), ids[2]: Decimal(60), ids[3]: Decimal(0)}
        assert development.short_text(hours[ids[1]], 90) == "60（差30）"
        rows = {r["cadre_id"]: r for r in development.list_attendances(s, a)}
        assert rows[ids[0]]["year_hours"] == 100 and rows[ids[1]]["required"] == 90
        settings.put(s, actor=admin, key="training_hours_required", value=0)  # no requirement: nobody is short
    with db.session() as s:
        assert cadres.roster_ids(s, cadres.RosterFilter(training_short_year=2024)) == []
        with pytest.raises(DomainError, match="每年应完成培训学时"):
            settings.put(s, actor=admin, key="training_hours_required", value=-1)
