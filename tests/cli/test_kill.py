"""A process killed (SIGKILL) at a few moments of an import, a save, a backup and a restore leaves
an intact database holding all or nothing of that work, and no stale temporary files once the
program has run again. Real subprocesses, really killed; a few kills each."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import make_id, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pw123456"
N_CADRES = 300
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


def env():
    e = {**os.environ, "PYTHONPATH": str(ROOT), "CADRE_USER": "admin", "CADRE_PASSWORD": PASSWORD}
    e.pop("CADRE_DB", None)
    return e


def cadre_cmd(db: Path, *args) -> list:
    return [sys.executable, "-m", "cadre_desktop.cli", "--db", str(db), *args]


def run(cmd, **kw):
    done = subprocess.run(cmd, capture_output=True, text=True, env=env(), cwd=ROOT, timeout=300, **kw)
    assert done.returncode == 0, done.stderr
    return done


def timed(cmd) -> float:
    start = time.monotonic()
    run(cmd)
    return time.monotonic() - start


def kill_after(cmd, delay: float) -> bool:
    """Start `cmd`, SIGKILL it after `delay` seconds; True if it was still running."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env(), cwd=ROOT)
    try:
        proc.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        return True


def moments(duration: float, rng: random.Random, n: int = 3) -> list[float]:
    """n moments spread over a run that takes `duration` (start-up included), jittered."""
    return [duration * (i + rng.uniform(0.25, 0.95)) / n for i in range(n)]


def intact(db: Path) -> sqlite3.Connection:
    con = sqlite3.connect(db)
    assert con.execute("pragma integrity_check").fetchall() == [("ok",)]
    assert con.execute("pragma foreign_key_check").fetchall() == []
    return con


def no_stale_files(db: Path) -> None:
    leftovers = [p.name for p in db.parent.rglob("*") if p.name.endswith(".part") or p.name.startswith(".~")
                 or p.name.endswith("-journal")]
    assert leftovers == []


def reopen(db: Path) -> None:
    """The program starts again on the database (as the window or any command would)."""
    from cadre_desktop.core.db import open_database

    open_database(f"sqlite:///{db}").dispose()


def count(con, table) -> int:
    return con.execute(f"select count(*) from {table}").fetchone()[0]


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "cadre.sqlite3"
    run(cadre_cmd(path, "init", "--admin-password", PASSWORD))
    return path


@pytest.fixture
def workbook(tmp_path):
    rows = [["身份证号", "姓名", "工作单位", "干部层级", "现任职务"]]
    for k in range(N_CADRES):
        rows.append([make_id(f"19{70 + k % 25}0{1 + k % 9}1{k % 9}", f"{k % 1000:03d}"), f"人{k}", "青山镇",
                     "一般干部", f"职务{k}"])
    return write_xlsx(tmp_path / "w.xlsx", {"单位": [["单位名称", "单位类别"], ["青山镇", "乡镇"]], "干部": rows,
                                            "简历": [["身份证号", "起始年月", "经历"]] +
                                            [[r[0], "2001.09", "工作"] for r in rows[1:]]})


def test_killed_imports_write_all_or_nothing(db, workbook, tmp_path):
    rng = random.Random(8)
    probe = tmp_path / "probe.sqlite3"
    shutil.copy(db, probe)
    duration = timed(cadre_cmd(probe, "import", str(workbook)))
    killed = 0
    for delay in moments(duration, rng):
        killed += kill_after(cadre_cmd(db, "import", str(workbook)), delay)
        reopen(db)
        con = intact(db)
        n, resumes = count(con, "cadre"), count(con, "resume")
        con.close()
        assert (n, resumes) in ((0, 0), (N_CADRES, N_CADRES))
        no_stale_files(db)
    assert killed >= 2


SAVER = r'''
import sys
from cadre_desktop.core.db import open_database
from cadre_desktop.core.services import accounts, cadres, units
from cadre_desktop.core.values import Month
db = open_database(f"sqlite:///{sys.argv[1]}")
actor = accounts.Actor("admin", "管理员")
with db.session() as s:
    unit = units.save_unit(s, actor=actor, name="青山镇", kind="乡镇")
with db.session() as s:
    cid = cadres.save_cadre(s, actor=actor, data={"id_number": sys.argv[2], "name": "甲", "unit_id": unit,
                                                  "level": "一般干部"})
k = 0
while True:
    k += 1
    with db.session() as s:
        version = cadres.get_cadre(s, cid)["version"]
        cadres.save_cadre(s, actor=actor, cadre_id=cid, data={
            "post": f"第{k}次", "version": version,
            "resumes": [{"start": Month(2000 + i % 20, 1), "end": None, "text": f"经历{i}"} for i in range(k % 30 + 1)]})
    print(k, flush=True)
'''


def test_killed_saves_keep_each_save_whole(db, tmp_path):
    rng = random.Random(3)
    script = tmp_path / "saver.py"
    script.write_text(SAVER, encoding="utf-8")
    idn = make_id("19900715", "001")
    for delay in (1.6, 2.2, 2.9):
        con = sqlite3.connect(db)
        con.execute("delete from resume")
        con.execute("delete from cadre")
        con.execute("delete from unit")
        con.commit()
        con.close()
        assert kill_after([sys.executable, str(script), str(db), idn], delay + rng.uniform(0, 0.3))
        con = intact(db)
        row = con.execute("select id, post from cadre").fetchone()
        if row and row[1]:
            k = int(row[1][1:-1])
            assert count(con, "resume") == k % 30 + 1  # the post and the resume lines of one save
        con.close()
        reopen(db)
        no_stale_files(db)


def test_killed_backups_leave_no_half_backup(db, workbook, tmp_path):
    run(cadre_cmd(db, "import", str(workbook)))
    rng = random.Random(5)
    out = tmp_path / "bk" / "copy.sqlite3"
    duration = timed(cadre_cmd(db, "backup", str(out)))
    out.unlink()
    for delay in moments(duration, rng):
        kill_after(cadre_cmd(db, "backup", str(out)), delay)
        if out.exists():  # a backup that is there is whole
            con = intact(out)
            assert count(con, "cadre") == N_CADRES
            con.close()
            out.unlink()
        con = intact(db)
        assert count(con, "cadre") == N_CADRES
        con.close()
        from cadre_desktop.core.db import backup, open_database

        database = open_database(f"sqlite:///{db}")
        backup(database, out)  # the next backup finishes and tidies up
        database.dispose()
        out.unlink()
        assert not list(out.parent.glob("*.part"))
        no_stale_files(db)


def test_killed_restores_leave_the_old_or_the_new_state(db, workbook, tmp_path):
    empty = tmp_path / "empty.sqlite3"
    run(cadre_cmd(db, "backup", str(empty)))
    run(cadre_cmd(db, "import", str(workbook)))
    full = tmp_path / "full.sqlite3"
    shutil.copy(db, full)
    rng = random.Random(11)
    probe = tmp_path / "probe.sqlite3"
    shutil.copy(db, probe)
    duration = timed(cadre_cmd(probe, "restore", str(empty)))
    killed = 0
    for delay in moments(duration, rng):
        killed += kill_after(cadre_cmd(db, "restore", str(empty)), delay)
        reopen(db)
        con = intact(db)
        n = count(con, "cadre")
        con.close()
        assert n in (0, N_CADRES)
        no_stale_files(db)
        if n == 0:  # restored: put the full state back for the next kill
            shutil.copy(full, db)
    assert killed >= 2
