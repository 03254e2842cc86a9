"""Several clerks at once, on both engines: two real processes saving at the same moment, a
second writer waiting its turn, the record of changes under concurrency and under tampering."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from cadre_desktop.cli import main
from cadre_desktop.core.db import BUSY, open_database
from cadre_desktop.core.models import AuditEvent, Cadre, Unit
from cadre_desktop.core.services import audit, cadres, units
from cadre_desktop.core.values import DomainError

from conftest import make_id

ROOT = Path(__file__).resolve().parents[2]

# Each worker waits for the go file, then adds its cadres one save at a time, as a clerk does.
WORKER = textwrap.dedent("""
    import os, sys, time
    from cadre_desktop.core.db import open_database
    from cadre_desktop.core.services import cadres
    from cadre_desktop.core.services.accounts import Actor
    from cadre_desktop.core.values import id_check_digit
    url, worker, n, go, unit_id = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    db = open_database(url)
    while not os.path.exists(go):
        time.sleep(0.01)
    for i in range(n):
        first17 = "522622" + "1990" + f"{(i % 12) + 1:02d}" + "15" + f"{worker}{i:02d}"
        with db.session() as s:
            cadres.save_cadre(s, actor=Actor("admin", "管理员"), data={
                "id_number": first17 + id_check_digit(first17), "name": f"干部{worker}{i:02d}",
                "unit_id": unit_id, "level": "一般干部"})
    db.dispose()
""")


def _env(**extra) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), **extra)
    return env


def test_two_clerks_saving_at_the_same_moment_both_land_and_the_chain_holds(db, db_url, admin, unit_id, tmp_path):
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, db_url, str(w), "12", str(go), str(unit_id)],
                              env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for w in (1, 2)]
    go.touch()
    results = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0, err
        assert "Traceback" not in err
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Cadre)) == 24
        ids = list(s.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))
        assert ids == list(range(1, len(ids) + 1))  # consecutive: one serialised head
        assert audit.verify(s, actor=admin) is None


def test_a_second_writer_waits_for_the_busy_timeout_then_gets_a_message(db, db_url, admin, unit_id,
                                                                       monkeypatch, capsys):
    """One clerk's write is under way (its transaction holds the write lock / the chain's head);
    another clerk's save waits, and when the wait runs out it is told so — no traceback."""
    monkeypatch.setenv("CADRE_BUSY_TIMEOUT_MS", "300")
    other = open_database(db_url)
    try:
        with db.session() as s:  # clerk 1, mid-save
            units.save_unit(s, actor=admin, name="白云乡", kind="乡镇")
            with pytest.raises(DomainError) as refused, other.session() as s2:
                units.save_unit(s2, actor=admin, name="红岩镇", kind="乡镇")
            assert str(refused.value) == BUSY
            with other.session(read_only=True) as r:  # a reader never waits for the writer
                assert list(r.scalars(select(Unit.name))) == ["青山镇"]
            # The command line says the same, exit 2.
            monkeypatch.setenv("CADRE_USER", "admin")
            monkeypatch.setenv("CADRE_PASSWORD", "secret12")
            code = main(["--db", db_url, "user", "add", "reader2", "--role", "查阅", "--password", "reader22"])
            err = capsys.readouterr().err
            assert code == 2 and BUSY in err and "Traceback" not in err
        with other.session() as s2:  # clerk 1 has finished: now it goes through
            units.save_unit(s2, actor=admin, name="红岩镇", kind="乡镇")
        with db.session() as s:
            assert set(s.scalars(select(Unit.name))) == {"青山镇", "白云乡", "红岩镇"}
            assert audit.verify(s, actor=admin) is None
    finally:
        other.dispose()


def test_commands_that_only_read_run_while_another_clerk_is_mid_save(db, db_url, admin, cadre_id, monkeypatch,
                                                                     capsys, tmp_path):
    """An export, a list, the rule check, the report and an audit check only read: they never take
    the write lock, so one clerk's long export never holds up another's save (and a save under way
    never stops them)."""
    monkeypatch.setenv("CADRE_BUSY_TIMEOUT_MS", "300")
    monkeypatch.setenv("CADRE_USER", "admin")
    monkeypatch.setenv("CADRE_PASSWORD", "secret12")
    with db.session() as s:  # clerk 1, mid-save: the write lock (SQLite) / the chain's head is taken
        units.save_unit(s, actor=admin, name="白云乡", kind="乡镇")
        for args in (["export", str(tmp_path / "all.xlsx")], ["roster", "--json"], ["check"],
                     ["report", "--json"], ["audit", "--verify"]):
            code = main(["--db", db_url, *args])
            err = capsys.readouterr().err
            assert code == 0 and BUSY not in err, (args, err)
    assert (tmp_path / "all.xlsx").stat().st_size > 0


HOLDER = textwrap.dedent("""
    import sqlite3, sys
    con = sqlite3.connect(sys.argv[1], isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    con.execute("INSERT INTO setting (key, value, version) VALUES ('held', '1', 1)")
    print("holding", flush=True)
    sys.stdin.readline()
    con.execute("COMMIT")
""")


@pytest.mark.sqlite_only
def test_sqlite_writer_waits_for_another_process_then_succeeds(db, db_path, admin, tmp_path):
    """Two real processes: one holds a write; `cadre user add` in another waits and then saves
    (before, a deferred BEGIN failed within about a second with a traceback)."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        writer = subprocess.Popen(
            [sys.executable, "-m", "cadre_desktop.cli", "--db", str(db_path), "user", "add", "reader2", "--role",
             "查阅", "--password", "reader22"], env=_env(CADRE_USER="admin", CADRE_PASSWORD="secret12"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            writer.wait(timeout=1.5)  # it cannot finish while the write is held
        except subprocess.TimeoutExpired:
            pass
        assert writer.poll() is None
        holder.stdin.write("\n")
        holder.stdin.flush()
        out, err = writer.communicate(timeout=60)
        assert writer.returncode == 0, err
        assert "已添加账号" in out
    finally:
        if holder.poll() is None:
            holder.stdin.close()
            holder.wait(timeout=30)


def test_verify_finds_the_latest_events_removed(db, admin, cadre_id, capsys, monkeypatch):
    with db.session() as s:
        for post in ("甲", "乙", "丙"):
            cadres.save_cadre(s, actor=admin, data={"post": post}, cadre_id=cadre_id)
    monkeypatch.setenv("CADRE_USER", "admin")
    monkeypatch.setenv("CADRE_PASSWORD", "secret12")
    url = str(db.engine.url.render_as_string(hide_password=False))
    assert main(["--db", url, "audit", "--verify"]) == 0
    assert "操作记录完整" in capsys.readouterr().out
    with db.session() as s:
        last = s.scalar(select(func.max(AuditEvent.id)))
        s.execute(text("DELETE FROM audit_event WHERE id >= :n"), {"n": last - 1})
    assert main(["--db", url, "audit", "--verify"]) == 2
    err = capsys.readouterr().err
    assert f"第 {last - 1} 条操作记录缺失" in err


def test_verify_finds_an_edit_with_the_chain_recomputed(db, admin, cadre_id, capsys, monkeypatch):
    """Someone edits an event and recomputes every digest after it (without the key: a plain
    hash, or a key of their own): the first edited event is named."""
    import hashlib
    import json

    with db.session() as s:
        for post in ("甲", "乙"):
            cadres.save_cadre(s, actor=admin, data={"post": post}, cadre_id=cadre_id)
    with db.session() as s:
        rows = s.execute(text("SELECT id, at, account, action, entity, entity_id, label, before, after, digest "
                              "FROM audit_event ORDER BY id")).all()
        target = rows[-2].id
        prev = rows[-3].digest
        for r in rows[-2:]:
            label = "改过的记录" if r.id == target else r.label
            at = r.at if not isinstance(r.at, str) else __import__("datetime").datetime.fromisoformat(r.at)
            payload = json.dumps([prev, r.id, at.isoformat(), r.account, r.action, r.entity, r.entity_id, label,
                                  r.before, r.after], ensure_ascii=False)
            digest = hashlib.sha256(payload.encode()).hexdigest()
            s.execute(text("UPDATE audit_event SET label = :l, digest = :d WHERE id = :i"),
                      {"l": label, "d": digest, "i": r.id})
            prev = digest
        s.execute(text("UPDATE audit_head SET digest = :d"), {"d": prev})
    monkeypatch.setenv("CADRE_USER", "admin")
    monkeypatch.setenv("CADRE_PASSWORD", "secret12")
    url = str(db.engine.url.render_as_string(hide_password=False))
    assert main(["--db", url, "audit", "--verify"]) == 2
    err = capsys.readouterr().err
    with db.session() as s:
        target = s.scalar(select(AuditEvent.id).where(AuditEvent.label == "改过的记录"))
    assert f"第 {target} 条操作记录" in err and "已被改动" in err


def test_verify_finds_the_head_rewound_after_removing_the_latest(db, admin, cadre_id):
    with db.session() as s:
        cadres.save_cadre(s, actor=admin, data={"post": "甲"}, cadre_id=cadre_id)
    with db.session() as s:
        last = s.scalar(select(func.max(AuditEvent.id)))
        prev = s.scalar(select(AuditEvent.digest).where(AuditEvent.id == last - 1))
        s.execute(text("DELETE FROM audit_event WHERE id = :n"), {"n": last})
        s.execute(text("UPDATE audit_head SET last_id = :n, digest = :d"), {"n": last - 1, "d": prev})
    with db.session() as s:
        assert "链头已被改动" in audit.verify(s, actor=admin)
        with pytest.raises(DomainError, match="密钥与数据库不符"):  # and nobody writes on top of it
            units.save_unit(s, actor=admin, name="白云乡", kind="乡镇")


def test_the_key_is_made_on_first_use_outside_the_database(tmp_path, monkeypatch):
    monkeypatch.setenv("CADRE_AUDIT_KEY_FILE", str(tmp_path / "keys" / "audit.key"))
    path = tmp_path / "fresh.sqlite3"
    database = open_database(f"sqlite:///{path}")
    try:
        key_file = tmp_path / "keys" / "audit.key"
        assert key_file.is_file() and len(bytes.fromhex(key_file.read_text().strip())) == 32
        assert key_file.read_text().strip().encode() not in path.read_bytes()
    finally:
        database.dispose()
