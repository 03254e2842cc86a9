"""`cadre roster --json` carries the tag; `cadre check --json` lists overdue pairs as reminders."""

import datetime as dt
import json

from cadre_desktop.cli import main
from cadre_desktop.core.db import open_database
from cadre_desktop.core.services import cadres, mentoring, tolerance, units
from cadre_desktop.core.services.accounts import Actor

from conftest import make_id


def test_roster_tag_and_overdue_reminders(tmp_path, monkeypatch, capsys):
    path = tmp_path / "cli.sqlite3"
    assert main(["--db", str(path), "init", "--admin-password", "pw123456"]) == 0
    monkeypatch.setenv("CADRE_USER", "admin")
    monkeypatch.setenv("CADRE_PASSWORD", "pw123456")
    admin = Actor("admin", "管理员")
    db = open_database(f"sqlite:///{path}")
    today = dt.date.today()
    with db.session() as s:
        uid = units.save_unit(s, actor=admin, name="青山镇", kind="乡镇")
        chief = cadres.save_cadre(s, actor=admin, data={"id_number": make_id("19720202", "011"), "name": "书记乙",
                                                        "unit_id": uid, "level": "正科级"})
        young = cadres.save_cadre(s, actor=admin, data={"id_number": make_id("19990505", "021"), "name": "小王",
                                                        "unit_id": uid, "level": "一般干部"})
        mentoring.save_pair(s, actor=admin, data={"mentor_id": chief, "mentee_id": young, "kind": "科级领导帮带年轻干部",
                                                  "start": today - dt.timedelta(days=400)})
        tolerance.save_case(s, actor=admin, data={"cadre_id": young, "matter": "程序瑕疵", "occurred": today,
                                                  "colour": "红", "decided": today})
    db.dispose()
    capsys.readouterr()
    assert main(["--db", str(path), "roster", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["小王"]["tag"] == "红" and rows["书记乙"]["tag"] is None
    assert main(["--db", str(path), "check", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    reminders = [f for f in found if f["kind"] == "reminder"]
    assert {f["rule"] for f in reminders} == {"mentoring_talk_overdue", "mentoring_report_overdue"}
    assert {c["name"] for c in reminders[0]["cadres"]} == {"书记乙", "小王"}
