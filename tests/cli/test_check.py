"""`cadre check`: the rule findings of a county with planted breaches, as text and as JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from cadre_desktop.cli import main
from cadre_desktop.core.db import open_database
from cadre_desktop.core.models import Cadre
from cadre_desktop.core.services import accounts
from cadre_desktop.core.services.accounts import Actor
from tests.core.test_rules import build_county

from conftest import url_of, run_cli as run


@pytest.fixture
def county_db(db_target, monkeypatch):
    path = db_target
    assert main(["--db", str(path), "init", "--admin-password", "pw123456"]) == 0
    database = open_database(url_of(path))
    try:
        built = build_county(database, Actor("admin", accounts.ADMIN), today=dt.date.today())
        with database.session() as s:
            id_numbers = {c.name: c.id_number for c in s.scalars(select(Cadre))}
    finally:
        database.dispose()
    monkeypatch.setenv("CADRE_USER", "admin")
    monkeypatch.setenv("CADRE_PASSWORD", "pw123456")
    return ["--db", str(path)], built, id_numbers


def test_check_json_names_each_breach_and_no_compliant_record(county_db, capsys):
    dbarg, built, id_numbers = county_db
    code, out, err = run([*dbarg, "check", "--json"], capsys)
    assert code == 0, err
    found = json.loads(out)
    assert [(f["rule"], f["kind"]) for f in found] == [
        ("young_share_per_batch", "finding"), ("township_team_young", "finding"),
        ("township_team_work_years", "finding"), ("township_team_work_years", "finding"),
        ("township_team_age_mix", "finding"), ("township_team_age_mix", "finding"),
    ]
    for f in found:
        assert {"rule", "kind", "message", "units", "batches", "cadres"} <= set(f)
        for c in f["cadres"]:
            assert c["id_number"] == id_numbers[c["name"]]  # the full number for an administrator
    assert found[0]["batches"] == ["2023年第2批"] and "提拔任用7人" in found[0]["message"]
    assert found[1]["units"] == ["红岩乡"]
    assert [c["name"] for f in found[2:4] for c in f["cadres"]] == ["白新", "白缺"]
    assert [f["units"] for f in found[4:]] == [["红岩乡"], ["白云街道"]]

    named = {c["name"] for f in found for c in f["cadres"]} | {u for f in found for u in f["units"]}
    for compliant in ("青书记", "青镇长", "青副职", "青新人", "青退休", "财局长", "县财政局",
                      "2022年第1批提拔1", "2021年第1批提拔1", "无批次提拔1", "2023年第3批进一1"):
        assert compliant not in named, compliant
    assert {b for f in found for b in f["batches"]} == {"2023年第2批"}


def test_check_text_lists_one_line_per_finding_and_exits_0(county_db, capsys):
    dbarg, _built, _ids = county_db
    code, out, err = run([*dbarg, "check"], capsys)
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 7
    assert lines[0].startswith("[每批次提拔优秀年轻干部比例不少于六分之一] 批次“2023年第2批”提拔任用7人")
    assert lines[1] == "[确保每个班子有1名优秀年轻干部] 红岩乡领导班子2人，没有35岁及以下的年轻干部"
    assert lines[-1] == "共 6 条规则检查发现，0 条提醒"


def test_check_with_nothing_to_find_exits_0_and_reader_sees_masked_numbers(tmp_path, county_db, capsys, monkeypatch):
    dbarg, _built, id_numbers = county_db
    assert main([*dbarg, "user", "add", "reader", "--role", "查阅", "--password", "reader12"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("CADRE_USER", "reader")
    monkeypatch.setenv("CADRE_PASSWORD", "reader12")
    code, out, err = run([*dbarg, "check", "--json"], capsys)
    assert code == 0, err
    shown = [c["id_number"] for f in json.loads(out) for c in f["cadres"]]
    assert shown and not set(shown) & set(id_numbers.values())

    empty = ["--db", str(tmp_path / "empty.sqlite3")]
    assert main([*empty, "init", "--admin-password", "pw123456"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("CADRE_USER", "admin")
    monkeypatch.setenv("CADRE_PASSWORD", "pw123456")
    code, out, _ = run([*empty, "check", "--json"], capsys)
    assert code == 0 and json.loads(out) == []
