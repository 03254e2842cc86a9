"""The 津贴标准 sheet: round trip, upsert by (生效日期, 档次), the service's checks, the template."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl

from cadre_desktop.core.db import open_database
from cadre_desktop.core.exchange import exporter
from cadre_desktop.core.services import accounts, allowances, audit
from conftest import import_xlsx, write_xlsx

HEADER = ["生效日期", "档次", "月标准", "编制上浮", "年限补助", "年限上限"]


def _rates(db):
    with db.session() as s:
        return [(r["effective"], r["tier"], r["base"], r["staffing_float"], r["per_year"], r["year_cap"])
                for r in allowances.list_rates(s)]


def test_rates_round_trip_and_reimport_changes_nothing(db, admin, tmp_path):
    path = write_xlsx(tmp_path / "in.xlsx", {"津贴标准": [
        HEADER,
        ["2015.01.01", "基础", 200, None, 10, None],
        ["2022-7-1", "一档", "350", 300, 30, None],
        [dt.datetime(2022, 7, 1), "二档", 550.5, 300, 30, 30],
        ["2022年7月1日", "三档", 800, 300, 30, None],
    ]})
    result = import_xlsx(db, admin, path)
    assert result.ok, [str(p) for p in result.errors]
    assert result.counts["津贴标准"] == (4, 0)
    first = _rates(db)
    assert (dt.date(2022, 7, 1), "二档", Decimal("550.50"), Decimal("300.00"), Decimal("30.00"), 30) in first

    out = tmp_path / "out.xlsx"
    with db.session() as s:
        exporter.export_workbook(s, actor=admin, path=out, sheet_names=["津贴标准"])
    ws = openpyxl.load_workbook(out)["津贴标准"]
    assert [c.value for c in ws[1]] == HEADER
    assert [c.value for c in ws[2]] == ["2015.01.01", "基础", 200, None, 10, None]

    again = import_xlsx(db, admin, out)
    assert again.ok and again.counts["津贴标准"] == (0, 0)
    other_path = tmp_path / "other.sqlite3"
    other = open_database(f"sqlite:///{other_path}")
    try:
        with other.session() as s:
            actor = accounts.create_first_admin(s, name="admin", password="secret2026")
        assert import_xlsx(other, actor, out).counts["津贴标准"] == (4, 0)
        assert _rates(other) == first
    finally:
        other.dispose()


def test_a_row_with_a_known_key_updates_that_rate_and_is_audited(db, admin, tmp_path):
    import_xlsx(db, admin, write_xlsx(tmp_path / "a.xlsx", {"津贴标准": [HEADER, ["2022.07.01", "一档", 350, 300, 30]]}))
    result = import_xlsx(db, admin, write_xlsx(tmp_path / "b.xlsx", {"津贴标准": [
        ["档次", "生效日期", "月标准"], ["一档", "2022.07.01", 380]]}))
    assert result.counts["津贴标准"] == (0, 1)
    # the columns left out keep their values
    assert _rates(db) == [(dt.date(2022, 7, 1), "一档", Decimal("380.00"), Decimal("300.00"), Decimal("30.00"), None)]
    with db.session() as s:
        event = audit.list_events(s, actor=admin, entity="allowance_rate")[0]
    assert event["action"] == "导入修改" and event["before"] == {"月标准": "350.00"}


def test_bad_rows_are_reported_where_they_are_and_nothing_is_written(db, admin, tmp_path):
    path = write_xlsx(tmp_path / "bad.xlsx", {"津贴标准": [
        HEADER,
        ["2022.07.01", "一档", 350, 300, 30, None],
        ["2022.07.01", "四档", 350, None, None, None],
        ["2022.07.01", "二档", -5, None, None, None],
        ["2022.07.01", "三档", 800, None, 30, 0],
        ["2022.07.01", "一档", 360, None, None, None],
        [None, "基础", None, None, None, None],
    ]})
    result = import_xlsx(db, admin, path)
    assert [str(p) for p in result.errors] == [
        "津贴标准!3 档次: “四档”不在可选值中，应为：基础 / 一档 / 二档 / 三档",
        "津贴标准!4 月标准: 不能为负数",
        "津贴标准!5 年限上限: 年限上限应为 1 到 60 的整数（年），不设上限请留空",
        "津贴标准!6: 与第 2 行重复（生效日期、档次相同）",
        "津贴标准!7 生效日期: 必填项为空",
        "津贴标准!7 月标准: 必填项为空",
    ]
    assert not result.written and _rates(db) == []


def test_template_offers_the_tiers_as_a_drop_down(tmp_path):
    path = exporter.export_template(tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(path)["津贴标准"]
    assert [c.value for c in ws[1]] == HEADER
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert '"基础,一档,二档,三档"' in lists
    assert "基础" in ws["B1"].comment.text and "必填" in ws["A1"].comment.text
