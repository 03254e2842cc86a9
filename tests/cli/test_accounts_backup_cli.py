"""Accounts and backups from the command line: lock-out and unlock, a demanded new password, the
demo loaded only by a 管理员, and backup/restore that round-trip record by record."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path



from conftest import make_id, write_xlsx, run_cli as run

ROOT = Path(__file__).resolve().parents[2]


def as_user(monkeypatch, name, password):
    monkeypatch.setenv("CADRE_USER", name)
    monkeypatch.setenv("CADRE_PASSWORD", password)


def test_lock_out_and_unlock(signed_in, capsys, monkeypatch):
    assert run([*signed_in, "user", "add", "luru", "--role", "录入员", "--password", "luru1234"], capsys)[0] == 0
    as_user(monkeypatch, "luru", "wrong-pw1")
    for _ in range(4):
        code, _, err = run([*signed_in, "roster"], capsys)
        assert code == 2 and "用户名或密码错误" in err
    code, _, err = run([*signed_in, "roster"], capsys)
    assert code == 2 and "账号已锁定，请于" in err and "后再试" in err
    as_user(monkeypatch, "luru", "luru1234")
    code, _, err = run([*signed_in, "roster"], capsys)
    assert code == 2 and "账号已锁定" in err
    as_user(monkeypatch, "admin", "pw123456")
    code, out, _ = run([*signed_in, "user", "list"], capsys)
    assert "已锁定" in out
    assert run([*signed_in, "user", "unlock", "luru"], capsys)[0] == 0
    as_user(monkeypatch, "luru", "luru1234")
    assert run([*signed_in, "roster"], capsys)[0] == 0


def test_short_passwords_are_refused(signed_in, capsys):
    code, _, err = run([*signed_in, "user", "add", "x", "--role", "查阅", "--password", "abc1"], capsys)
    assert code == 2 and "至少8位" in err
    code, _, err = run(["--db", signed_in[1] + ".new", "init", "--admin-password", "password"], capsys)
    assert code == 2 and "字母和数字" in err


def test_a_new_password_demanded_by_the_admin(signed_in, capsys, monkeypatch):
    assert run([*signed_in, "user", "add", "luru", "--role", "录入员", "--password", "temp1234", "--must-change"],
               capsys)[0] == 0
    as_user(monkeypatch, "luru", "temp1234")
    code, _, err = run([*signed_in, "roster"], capsys)
    assert code == 2 and "修改密码后才能继续" in err and "cadre user passwd luru" in err
    code, _, err = run([*signed_in, "user", "passwd", "admin", "--password", "hack1234"], capsys)
    assert code == 2  # the demand allows changing one's own password only
    assert run([*signed_in, "user", "passwd", "luru", "--password", "mine5678"], capsys)[0] == 0
    as_user(monkeypatch, "luru", "mine5678")
    assert run([*signed_in, "roster"], capsys)[0] == 0
    as_user(monkeypatch, "admin", "pw123456")
    assert run([*signed_in, "user", "passwd", "luru", "--password", "again123", "--must-change"], capsys)[0] == 0
    as_user(monkeypatch, "luru", "again123")
    assert run([*signed_in, "roster"], capsys)[0] == 2


def test_demo_into_a_database_with_accounts_needs_an_admin(signed_in, capsys, monkeypatch):
    monkeypatch.delenv("CADRE_USER")
    monkeypatch.delenv("CADRE_PASSWORD")
    monkeypatch.setattr("sys.stdin", open("/dev/null"))
    code, _, err = run([*signed_in, "init", "--demo"], capsys)
    assert code == 2 and "CADRE_USER" in err
    as_user(monkeypatch, "admin", "wrong-pw1")
    assert run([*signed_in, "init", "--demo"], capsys)[0] == 2
    assert run([*signed_in, "user", "add", "luru", "--role", "录入员", "--password", "luru1234"],
               capsys)[0] == 2  # (still signed in wrongly)
    as_user(monkeypatch, "admin", "pw123456")
    assert run([*signed_in, "user", "add", "luru", "--role", "录入员", "--password", "luru1234"], capsys)[0] == 0
    as_user(monkeypatch, "luru", "luru1234")
    code, _, err = run([*signed_in, "init", "--demo"], capsys)
    assert code == 2 and "录入员" in err
    code, out, _ = run([*signed_in, "roster", "--json"], capsys)
    assert json.loads(out) == []
    as_user(monkeypatch, "admin", "pw123456")
    code, out, err = run([*signed_in, "init", "--demo"], capsys)
    assert code == 0 and "已载入演示县" in out, err


def rows_of(path):
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute(
            "select name from sqlite_master where type='table' and name not like 'sqlite_%' "
            "and name not like 'cadre_fts%' order by name")]  # the search index is derived from cadre
        return {n: con.execute(f'select * from "{n}" order by rowid').fetchall() for n in names}
    finally:
        con.close()


def test_backup_and_restore_round_trip_record_by_record(signed_in, capsys, tmp_path):
    db = Path(signed_in[1])
    rows = [["身份证号", "姓名", "工作单位", "干部层级"]] + [
        [make_id("19900715", f"{k:03d}"), f"人{k}", "青山镇", "一般干部"] for k in range(30)]
    write_xlsx(tmp_path / "w.xlsx", {"单位": [["单位名称", "单位类别"], ["青山镇", "乡镇"]], "干部": rows})
    assert run([*signed_in, "import", str(tmp_path / "w.xlsx")], capsys)[0] == 0
    code, out, _ = run([*signed_in, "backup", str(tmp_path / "b.sqlite3")], capsys)
    assert code == 0
    at_backup = rows_of(tmp_path / "b.sqlite3")
    live = rows_of(db)
    assert live.pop("audit_event")[:-1] == at_backup["audit_event"]  # then the backup's own event
    live.pop("audit_head")  # the chain's head has moved on to that event
    assert live == {k: v for k, v in at_backup.items() if k not in ("audit_event", "audit_head")}
    write_xlsx(tmp_path / "w2.xlsx", {"干部": [["身份证号", "姓名", "工作单位", "干部层级"],
                                               [make_id("19850101", "011"), "新人", "青山镇", "副科级"]]})
    assert run([*signed_in, "import", str(tmp_path / "w2.xlsx")], capsys)[0] == 0
    assert any("导入前备份" in p.name for p in (db.parent / "cli.自动备份").iterdir())
    code, out, err = run([*signed_in, "restore", str(tmp_path / "b.sqlite3")], capsys)
    assert code == 0, err
    safety = Path(out.split("恢复前的数据已备份到：")[1].strip())
    assert safety.is_file() and len(rows_of(safety)["cadre"]) == 31
    after = rows_of(db)
    events = after.pop("audit_event")
    before_events = at_backup.pop("audit_event")
    after.pop("audit_head"), at_backup.pop("audit_head")  # the head follows the restore's own event
    assert after == at_backup
    assert events[: len(before_events)] == before_events and events[-1][3] == "恢复"
    code, out, _ = run([*signed_in, "audit", "--verify"], capsys)
    assert code == 0


def test_restore_refused_for_a_damaged_backup_names_why_and_changes_nothing(signed_in, capsys, tmp_path):
    db = Path(signed_in[1])
    assert run([*signed_in, "backup", str(tmp_path / "b.sqlite3")], capsys)[0] == 0
    con = sqlite3.connect(tmp_path / "b.sqlite3")
    con.execute("update alembic_version set version_num = '0099_future'")
    con.commit()
    con.close()
    before = rows_of(db)
    code, _, err = run([*signed_in, "restore", str(tmp_path / "b.sqlite3")], capsys)
    assert code == 2 and "比本程序新" in err and "未做任何改动" in err
    assert rows_of(db) == before


def test_a_restore_never_wipes_an_import_that_reported_success(signed_in, capsys, tmp_path):
    """An import and a restore at once, as two clerks would run them: whatever the order, an import
    that printed 导入完成 is either in the database or in the restore's safety copy."""
    db = Path(signed_in[1])
    assert run([*signed_in, "backup", str(tmp_path / "empty.sqlite3")], capsys)[0] == 0
    rows = [["身份证号", "姓名", "工作单位", "干部层级"]] + [
        [make_id(f"19{70 + k % 25}0{1 + k % 9}1{k % 9}", f"{k:03d}"), f"人{k}", "青山镇", "一般干部"] for k in range(400)]
    write_xlsx(tmp_path / "w.xlsx", {"单位": [["单位名称", "单位类别"], ["青山镇", "乡镇"]], "干部": rows})
    import os

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    importer = subprocess.Popen([sys.executable, "-m", "cadre_desktop.cli", *signed_in, "import", str(tmp_path / "w.xlsx")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT, text=True)
    time.sleep(2.0)
    code, out, err = run([*signed_in, "restore", str(tmp_path / "empty.sqlite3")], capsys)
    imp_out, imp_err = importer.communicate(timeout=120)
    con = sqlite3.connect(db)
    live = con.execute("select count(*) from cadre").fetchone()[0]
    con.close()
    if "导入完成" in imp_out:
        safety = Path(out.split("恢复前的数据已备份到：")[1].strip()) if code == 0 else None
        in_safety = safety is not None and len(rows_of(safety)["cadre"]) == 400
        assert live == 400 or in_safety, (out, err, imp_out, imp_err)
    else:
        assert importer.returncode != 0 and live == 0
