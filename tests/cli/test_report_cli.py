"""`cadre report`: every figure of the seed county through --json, the draft through --text, the
workbook through --xlsx; bad periods are refused with exit 2."""

from __future__ import annotations

import json
from decimal import Decimal

import openpyxl
import pytest

from cadre_desktop.cli import main
from cadre_desktop.core.db import open_database
from tests.report_county import BUILT, SEED, build


@pytest.fixture
def county(tmp_path, monkeypatch):
    path = tmp_path / "report.sqlite3"
    assert main(["--db", str(path), "init", "--admin-password", "pw123456"]) == 0
    database = open_database(f"sqlite:///{path}")
    with database.session() as s:
        expected = build(s)
    database.dispose()
    monkeypatch.setenv("CADRE_USER", "admin")
    monkeypatch.setenv("CADRE_PASSWORD", "pw123456")
    return ["--db", str(path)], {**SEED, **BUILT, **expected}


def _at(obj: dict, dotted: str):
    for part in dotted.split("."):
        obj = obj[part]
    return obj


def test_json_gives_back_every_figure(county, capsys):
    args, expected = county
    assert main([*args, "report", "--year", "2022", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["period"] == {"from": "2022-01-01", "to": "2022-12-31"}
    for key, value in expected.items():
        got = _at(out, key)
        assert (Decimal(str(got)) if isinstance(value, Decimal) else got) == value, key
        assert not isinstance(got, bool)
    assert out["allowances"] == {"total_yuan": out["allowances"]["total_yuan"], "recipients": out["allowances"]["recipients"]}
    for top in ("cadres", "training", "postings", "appointments", "township_teams", "commendations", "mentoring",
                "tolerance", "allowances", "care", "rules"):
        assert top in out
    assert set(out["postings"]["frontline"]) == {"疫情防控", "乡村振兴", "脱贫攻坚", "项目建设", "防汛救灾", "三百四千工程",
                                                  "生态环保", "其他"}
    assert set(out["postings"]["secondment"]["by_destination"]) == {"上级机关", "先进地区", "县内"}


def test_from_to_period(county, capsys):
    args, _ = county
    assert main([*args, "report", "--from", "2022.12.31", "--to", "2023.1.1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["period"] == {"from": "2022-12-31", "to": "2023-01-01"}
    assert out["training"]["classes"] == 1


def test_text_is_the_draft(county, capsys):
    args, _ = county
    assert main([*args, "report", "--year", "2022", "--text"]) == 0
    text = capsys.readouterr().out
    assert "开展各类型培训班14期，参训1300人次" in text
    assert "择优选配79人进入乡镇领导班子" in text


def test_xlsx_has_title_period_and_named_figures(county, tmp_path, capsys):
    args, _ = county
    out = tmp_path / "指标.xlsx"
    assert main([*args, "report", "--year", "2022", "--xlsx", str(out)]) == 0
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == "激励干部担当作为工作情况统计"
    assert "2022" in ws["A2"].value
    rows = {r[4]: (r[1], r[2]) for r in ws.iter_rows(min_row=4, values_only=True)}
    assert rows["training.attendances"] == ("参训人次", 1300)
    assert rows["postings.frontline.疫情防控.units"][1] == 55
    assert rows["care.visit_amount_yuan"][1] == 513500


@pytest.mark.parametrize("bad, message", [
    (["--year", "2022", "--from", "2022.01.01", "--to", "2022.02.01"], "只能选一种"),
    (["--from", "2022.01.01"], "须同时给出"),
    (["--from", "2022.02.30", "--to", "2022.03.01"], "--from"),
    (["--from", "2022.03.01", "--to", "2022.02.01"], "早于"),
])
def test_bad_periods_are_refused(county, capsys, bad, message):
    args, _ = county
    assert main([*args, "report", *bad]) == 2
    assert message in capsys.readouterr().err
