"""Township allowance: rates in force, month payrolls across a mid-year change, period totals,
confirmed months kept as issued, role checks. Expected numbers are computed by hand below."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from cadre_desktop.core.services import allowances, audit, cadres, units
from cadre_desktop.core.values import DomainError, Month, PermissionDenied
from tests.conftest import make_id

D = Decimal


def _rate(s, actor, effective, tier, base, flt=None, per_year=None, cap=None) -> int:
    return allowances.save_rate(s, actor=actor, data={"effective": effective, "tier": tier, "base": base,
                                                     "staffing_float": flt, "per_year": per_year, "year_cap": cap})


@pytest.fixture
def county(db, admin):
    """Old standard 基础 200 + 10/year from 2015; new tiered one from 2022.07.01 (一档 350, 二档 550,
    三档 800, float 300, 30/year) and a new 基础 row with a 30-year cap.

    A 青山镇(二档) 行政编制, 乡镇工作起始 2015.03 → 6 years in 2022.01–02, 7 from 2022.03
    B 白云街道(no tier → 基础) 事业编制, 1990.01 → 32 years all 2022; the new 基础 row caps at 30
    C 青山镇 其他编制, no 乡镇工作起始 → 0 years, no float
    D 青山镇 行政编制, starts 2022.05 → paid from 2022.05
    E 县财政局 (县直部门) → never; F 青山镇 退休 → never.
    """
    ids = {}
    with db.session() as s:
        qs = units.save_unit(s, actor=admin, name="青山镇", kind="乡镇", tier="二档", sort_order=2)
        by = units.save_unit(s, actor=admin, name="白云街道", kind="街道", tier=None, sort_order=1)
        cz = units.save_unit(s, actor=admin, name="县财政局", kind="县直部门", sort_order=9)
        _rate(s, admin, dt.date(2015, 1, 1), "基础", "200", None, "10")
        _rate(s, admin, dt.date(2022, 7, 1), "一档", "350", "300", "30")
        _rate(s, admin, dt.date(2022, 7, 1), "二档", "550", "300", "30")
        _rate(s, admin, dt.date(2022, 7, 1), "三档", "800", "300", "30")
        _rate(s, admin, dt.date(2022, 7, 1), "基础", "300", "300", "30", 30)
        people = [
            ("A", "张甲", qs, "行政编制", Month(2015, 3), "在职", "001"),
            ("B", "李乙", by, "事业编制", Month(1990, 1), "在职", "003"),
            ("C", "王丙", qs, "其他", None, "在职", "005"),
            ("D", "赵丁", qs, "行政编制", Month(2022, 5), "在职", "007"),
            ("E", "钱戊", cz, "行政编制", Month(2010, 1), "在职", "009"),
            ("F", "孙己", qs, "行政编制", Month(2000, 1), "退休", "011"),
        ]
        for key, name, unit, staffing, start, status, seq in people:
            ids[key] = cadres.save_cadre(s, actor=admin, data={
                "id_number": make_id("19680101", seq), "name": name, "unit_id": unit, "level": "一般干部",
                "staffing": staffing, "township_start": start, "status": status})
        ids["units"] = {"青山镇": qs, "白云街道": by, "县财政局": cz}
    return ids


EXPECTED_2022 = {1: D(980), 2: D(980), 3: D(990), 4: D(990), 5: D(1190), 6: D(1190),
                 **{m: D(3960) for m in range(7, 13)}}


def test_the_rate_in_force_follows_workbook_rule(db, admin, county):
    with db.session() as s:
        # before any tier row: the latest 基础 row
        assert allowances.rate_in_force(s, "二档", Month(2022, 6))["base"] == D("200.00")
        assert allowances.rate_in_force(s, "二档", Month(2022, 7))["base"] == D("550.00")
        assert allowances.rate_in_force(s, None, Month(2022, 7))["base"] == D("300.00")
        assert allowances.rate_in_force(s, "基础", Month(2014, 12)) is None
    with db.session() as s:
        # a row effective in the middle of a month applies from the next month
        _rate(s, admin, dt.date(2023, 3, 15), "三档", "900", "300", "30")
    with db.session() as s:
        assert allowances.rate_in_force(s, "三档", Month(2023, 3))["base"] == D("800.00")
        assert allowances.rate_in_force(s, "三档", Month(2023, 4))["base"] == D("900.00")


def test_payroll_parts_and_whole_years(db, county):
    with db.session() as s:
        feb = allowances.payroll(s, Month(2022, 2))
        mar = allowances.payroll(s, Month(2022, 3))
        jul = allowances.payroll(s, Month(2022, 7))
    a_feb = next(ln for ln in feb["lines"] if ln["name"] == "张甲")
    a_mar = next(ln for ln in mar["lines"] if ln["name"] == "张甲")
    assert (a_feb["years"], a_feb["years_amount"], a_feb["total"]) == (6, D("60.00"), D("260.00"))
    assert (a_mar["years"], a_mar["years_amount"], a_mar["total"]) == (7, D("70.00"), D("270.00"))
    a_jul = next(ln for ln in jul["lines"] if ln["name"] == "张甲")
    assert (a_jul["base"], a_jul["staffing_float"], a_jul["years_amount"], a_jul["total"]) == (
        D("550.00"), D("300.00"), D("210.00"), D("1060.00"))
    b_jul = next(ln for ln in jul["lines"] if ln["name"] == "李乙")
    assert (b_jul["years"], b_jul["counted_years"], b_jul["total"]) == (32, 30, D("1500.00"))
    b_feb = next(ln for ln in feb["lines"] if ln["name"] == "李乙")
    assert (b_feb["counted_years"], b_feb["total"]) == (32, D("520.00"))  # the old row has no cap
    # who is paid, in unit order (白云街道 1, 青山镇 2) then name
    assert [ln["name"] for ln in feb["lines"]] == ["李乙", "张甲", "王丙"]
    assert [ln["name"] for ln in jul["lines"]] == ["李乙", "张甲", "王丙", "赵丁"]
    assert [(u["unit"], u["count"], u["total"]) for u in jul["units"]] == [
        ("白云街道", 1, D("1500.00")), ("青山镇", 3, D("2460.00"))]
    assert jul["total"] == D("3960.00") and jul["recipients"] == 4
    assert jul["totals"]["staffing_float"] == D("900.00")  # A, B, D; C's 其他 gets none


def test_month_by_month_across_a_mid_year_change(db, county):
    with db.session() as s:
        got = {m: allowances.payroll(s, Month(2022, m))["total"] for m in range(1, 13)}
        year = allowances.period_total(s, dt.date(2022, 1, 1), dt.date(2022, 12, 31))
        from_mid_jan = allowances.period_total(s, dt.date(2022, 1, 15), dt.date(2022, 12, 31))
        to_mid_dec = allowances.period_total(s, dt.date(2022, 1, 1), dt.date(2022, 12, 30))
        first_half = allowances.period_total(s, dt.date(2022, 1, 1), dt.date(2022, 6, 30))
    assert got == EXPECTED_2022
    assert year == {"total_yuan": D("30080.00"), "recipients": 4}
    assert from_mid_jan["total_yuan"] == D("29100.00")  # January is not a whole month inside
    assert to_mid_dec["total_yuan"] == D("26120.00")
    assert first_half == {"total_yuan": D("6320.00"), "recipients": 4}
    assert isinstance(year["total_yuan"], Decimal)


def test_a_confirmed_month_stays_as_issued(db, admin, county):
    with db.session() as s:
        done = allowances.confirm_month(s, actor=admin, month=Month(2022, 3))
    assert done["confirmed"] and done["total"] == D("990.00") and done["confirmed_by"] == "admin"
    issued = [(ln["name"], ln["unit"], ln["total"]) for ln in done["lines"]]
    with db.session() as s:
        # A moves to a county department, B retires, the old 基础 standard is corrected
        cadres.save_cadre(s, actor=admin, cadre_id=county["A"], data={"unit_id": county["units"]["县财政局"]})
        cadres.save_cadre(s, actor=admin, cadre_id=county["B"], data={"status": "退休"})
        old = next(r for r in allowances.list_rates(s) if r["effective"] == dt.date(2015, 1, 1))
        allowances.save_rate(s, actor=admin, rate_id=old["id"], version=old["version"], data={
            "effective": old["effective"], "tier": "基础", "base": "250", "per_year": "10"})
    with db.session() as s:
        mar = allowances.payroll(s, Month(2022, 3))
        apr = allowances.payroll(s, Month(2022, 4))
        q1 = allowances.period_total(s, dt.date(2022, 3, 1), dt.date(2022, 4, 30))
        months = allowances.confirmed_months(s)
    assert mar["confirmed"] and [(ln["name"], ln["unit"], ln["total"]) for ln in mar["lines"]] == issued
    assert mar["total"] == D("990.00")
    assert [ln["name"] for ln in mar["lines"]] == ["李乙", "张甲", "王丙"]
    # the unconfirmed month follows the records: only C remains, at the corrected 250
    assert not apr["confirmed"]
    assert [(ln["name"], ln["total"]) for ln in apr["lines"]] == [("王丙", D("250.00"))]
    assert q1 == {"total_yuan": D("1240.00"), "recipients": 3}
    assert list(months) == [Month(2022, 3)] and months[Month(2022, 3)]["total"] == D("990.00")


def test_confirming_is_for_administrators_once_and_audited(db, admin, clerk, county):
    with db.session() as s, pytest.raises(PermissionDenied):
        allowances.confirm_month(s, actor=clerk, month=Month(2022, 3))
    with db.session() as s:
        allowances.confirm_month(s, actor=admin, month=Month(2022, 3))
    with db.session() as s, pytest.raises(DomainError, match="不能重复确认"):
        allowances.confirm_month(s, actor=admin, month=Month(2022, 3))
    with db.session() as s, pytest.raises(DomainError, match="没有应发"):
        allowances.confirm_month(s, actor=admin, month=Month(2014, 6))  # before any standard
    with db.session() as s, pytest.raises(DomainError, match="尚未到来"):
        allowances.confirm_month(s, actor=admin, month=Month.of(dt.date.today()).add_months(1))
    with db.session() as s:
        events = audit.list_events(s, actor=admin, entity="allowance_payroll")
    assert len(events) == 1
    assert events[0]["action"] == "发放确认" and events[0]["after"]["合计"] == "990.00"
    assert events[0]["after"]["人数"] == 3 and events[0]["entity_name"] == "津贴发放确认"


def test_rate_validation_and_roles(db, admin, clerk, reader, county):
    with db.session() as s, pytest.raises(PermissionDenied):
        _rate(s, reader, dt.date(2024, 1, 1), "一档", "400")
    with db.session() as s, pytest.raises(DomainError) as e:
        allowances.save_rate(s, actor=clerk, data={"effective": None, "tier": "四档", "base": "-1",
                                                   "per_year": "1.234", "year_cap": "0"})
    fields = dict(e.value.errors)
    assert fields["effective"] == "生效日期不能为空"
    assert "基础 / 一档 / 二档 / 三档" in fields["tier"]
    assert fields["base"] == "月标准不能为负数"
    assert fields["per_year"] == "年限补助最多两位小数"
    assert "1 到 60" in fields["year_cap"]
    with db.session() as s, pytest.raises(DomainError, match="已有一条"):
        _rate(s, clerk, dt.date(2022, 7, 1), "二档", "600")
    with db.session() as s:
        rid = _rate(s, clerk, dt.date(2024, 1, 1), "一档", "400.5", "300", "30", 25)
    with db.session() as s:
        r = next(r for r in allowances.list_rates(s) if r["id"] == rid)
        assert (r["base"], r["year_cap"]) == (D("400.50"), 25)
        allowances.delete_rate(s, actor=clerk, rate_id=rid)
    with db.session() as s:
        assert rid not in [r["id"] for r in allowances.list_rates(s)]
        events = audit.list_events(s, actor=admin, entity="allowance_rate")
    assert [e["action"] for e in events][:2] == ["删除", "新增"]
    assert events[1]["after"]["月标准"] == "400.50"


def test_months_inside_a_period():
    assert allowances.months_inside(dt.date(2022, 1, 1), dt.date(2022, 3, 31)) == [
        Month(2022, 1), Month(2022, 2), Month(2022, 3)]
    assert allowances.months_inside(dt.date(2022, 1, 2), dt.date(2022, 2, 27)) == []
    assert allowances.months_inside(dt.date(2024, 2, 1), dt.date(2024, 2, 29)) == [Month(2024, 2)]


def test_migrated_schema_matches_the_models(db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from cadre_desktop.core.models import Base

    with db.engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c), Base.metadata)
    assert [d for d in diff if "allowance" in repr(d)] == []


def test_the_demo_county_pays_its_townships(demo_db):
    with demo_db.session() as s:
        rates = allowances.list_rates(s)
        before = allowances.payroll(s, Month(2022, 6))
        after = allowances.payroll(s, Month(2022, 7))
        confirmed = allowances.confirmed_months(s)
    assert {(r["tier"], r["base"]) for r in rates} == {
        ("基础", D("200.00")), ("一档", D("350.00")), ("二档", D("550.00")), ("三档", D("800.00"))}
    this = Month.of(dt.date.today())
    assert list(confirmed) == [this.add_months(-3), this.add_months(-2), this.add_months(-1)]
    assert len(after["units"]) == 13 and after["recipients"] > 300 and not after["missing_rates"]
    assert {ln["base"] for ln in before["lines"]} == {D("200.00")}
    assert {ln["base"] for ln in after["lines"]} == {D("350.00"), D("550.00"), D("800.00")}
    assert any(ln["years"] > 10 for ln in after["lines"]) and any(ln["staffing_float"] for ln in after["lines"])


def _old_recipient_ids(s, start, end) -> list[int]:
    """The cadres behind allowances.* as computed before: every month's lines, by ID number."""
    from cadre_desktop.core.models import Cadre

    numbers = set()
    for m in allowances.period_months(s, allowances.months_inside(start, end)):
        numbers |= m["ids"]
    return sorted(s.scalars(select(Cadre.id).where(Cadre.id_number.in_(sorted(numbers)))).all())


def test_the_grouped_period_total_equals_the_payroll_line_by_line(demo_db, demo_admin):
    """period_total (cadres counted in SQL by tier, 编制 and 乡镇工作起始) gives what the payroll's
    lines add up to, month by month, on the demo county: before and after a confirmed month, with a
    tierless township, a later 乡镇工作起始 and a retired cadre."""
    from cadre_desktop.core.models import Cadre, Unit
    from cadre_desktop.core.reports.indicators import Period, behind

    today = dt.date.today()
    periods = [(dt.date(y, 1, 1), dt.date(y, 12, 31)) for y in range(today.year - 5, today.year)]
    periods += [(dt.date(2022, 3, 15), dt.date(2023, 2, 27)), (dt.date(2011, 1, 1), dt.date(2012, 6, 30)),
                (dt.date(2022, 5, 2), dt.date(2022, 5, 30))]

    def compare():
        with demo_db.session() as s:
            for start, end in periods:
                new, old = allowances.period_total(s, start, end), allowances.period_total_lines(s, start, end)
                assert new == old, (start, end)
                assert isinstance(new["total_yuan"], Decimal)
            y = today.year - 1
            got = behind(s, "allowances.recipients", Period.year(y), today=today)
            assert sorted(r["cadre_id"] for r in got.rows) == _old_recipient_ids(s, dt.date(y, 1, 1), dt.date(y, 12, 31))
            assert got.value == len(got.rows) > 0

    compare()
    with demo_db.session() as s:
        assert allowances.period_total(s, *periods[-3])["total_yuan"] > 0
        allowances.confirm_month(s, actor=demo_admin, month=Month(today.year - 2, 3))
    with demo_db.session() as s:
        towns = s.scalars(select(Unit).where(Unit.kind == "乡镇").order_by(Unit.id)).all()
        towns[0].tier = None
        people = s.scalars(select(Cadre).join(Unit, Cadre.unit_id == Unit.id)
                           .where(Unit.kind == "乡镇", Cadre.status == "在职").order_by(Cadre.id)).all()
        people[0].township_start = Month(today.year - 2, 7)
        people[1].status = "退休"
        people[2].staffing = "其他"
    compare()


def _paged(s, m: Month) -> dict:
    """payroll_index with every line read through payroll_lines, two keys at a time."""
    index = allowances.payroll_index(s, m)
    keys = index["keys"]
    lines = []
    for i in range(0, len(keys), 2):
        lines += allowances.payroll_lines(s, m, keys[i:i + 2], confirmed=index["confirmed"])
    return dict(index, lines=lines)


def _same_payroll(s, m: Month) -> None:
    whole, paged = allowances.payroll(s, m), _paged(s, m)
    assert paged["lines"] == whole["lines"], m
    assert len(paged.pop("keys")) == whole["recipients"]
    assert paged == whole, m


def test_the_paged_payroll_equals_the_whole_one(db, admin, county):
    """payroll_index (subtotals and totals in SQL) and payroll_lines (a block of lines) give what
    payroll() gives: across the mid-year change, before anyone is paid, with a tier without a
    standard (its unit in missing_rates), and for a confirmed month."""
    with db.session() as s:
        for m in (Month(2014, 12), Month(2022, 1), Month(2022, 5), Month(2022, 7), Month(2023, 3)):
            _same_payroll(s, m)
        allowances.confirm_month(s, actor=admin, month=Month(2022, 7))
    with db.session() as s:
        _same_payroll(s, Month(2022, 7))
        assert _paged(s, Month(2022, 7))["confirmed"]
        for r in allowances.list_rates(s):
            if r["tier"] in ("二档", "基础") and r["effective"] == dt.date(2022, 7, 1):
                allowances.delete_rate(s, actor=admin, rate_id=r["id"])
    with db.session() as s:
        s.execute(allowances.AllowanceRate.__table__.delete().where(allowances.AllowanceRate.tier == "基础"))
        for m in (Month(2022, 8), Month(2014, 12)):
            _same_payroll(s, m)
        assert allowances.payroll_index(s, Month(2022, 8))["missing_rates"] == ["白云街道", "青山镇"]


def test_the_paged_payroll_of_the_demo_county(demo_db):
    with demo_db.session() as s:
        months = [Month(2022, 6), Month(2022, 7), *allowances.confirmed_months(s)]
        for m in months:
            _same_payroll(s, m)
