"""Bad input through the real `cadre` command in a subprocess: over-long or non-UTF-8 text, a
folder where a file belongs, a read-only or full disk, a file that is not a database. Each is a
Chinese message and exit 2, never a traceback, and nothing half-written is left behind."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pw123456"


def cadre(*args, db: Path, env_extra=None, preexec_fn=None, timeout=120):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CADRE_USER": "admin", "CADRE_PASSWORD": PASSWORD,
           "QT_QPA_PLATFORM": "offscreen", **(env_extra or {})}
    env.pop("CADRE_DB", None)
    cmd = [sys.executable, "-m", "cadre_desktop.cli", "--db", os.fsencode(db), *args]
    done = subprocess.run(cmd, capture_output=True, env=env, cwd=ROOT, timeout=timeout, preexec_fn=preexec_fn)
    return done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")


def refused(result, *words):
    code, out, err = result
    assert code == 2, (code, out, err)
    assert "Traceback" not in err and "Error" not in err, err
    for w in words:
        assert w in err, err
    return err


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "demo.sqlite3"
    code, out, err = cadre("init", "--admin-password", PASSWORD, "--demo", db=path)
    assert code == 0, err
    return path


@pytest.fixture
def db(demo_file, tmp_path):
    path = tmp_path / "work" / "cadre.sqlite3"
    path.parent.mkdir()
    shutil.copy(demo_file, path)
    return path


def can_mount() -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    probe = Path("/tmp") / f"cadre-mount-probe-{os.getpid()}"
    probe.mkdir(exist_ok=True)
    ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)], capture_output=True).returncode == 0
    if ok:
        subprocess.run(["umount", str(probe)], check=True)
    probe.rmdir()
    return ok


MOUNT = can_mount() and not os.environ.get("CADRE_TEST_NO_MOUNT")  # the fallback, tried by hand


@contextmanager
def small_disk(where: Path, size_kb: int):
    """A folder on a disk of `size_kb` (a real tmpfs as root); else None, and the caller limits
    file sizes with RLIMIT_FSIZE instead."""
    where.mkdir(parents=True, exist_ok=True)
    if not MOUNT:
        yield None
        return
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


def fsize_limit(n_bytes: int):
    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (n_bytes, n_bytes))
    return limit


def test_over_long_search_text(db):
    refused(cadre("roster", "--search", "张" * 5000, db=db), "搜索内容过长")
    refused(cadre("roster", "--search", "x" * 20000, db=db), "过长")


def test_text_that_is_not_utf8(db):
    refused(cadre("roster", "--search", b"\xe5\xbc\xa0\xff\xfe", db=db), "UTF-8")
    refused(cadre("roster", db=db, env_extra={"CADRE_USER": b"adm\xffin".decode("utf-8", "surrogateescape")}),
            "CADRE_USER", "UTF-8")


def test_a_folder_where_a_file_belongs(db, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    refused(cadre("export", str(folder), db=db), "文件夹")
    refused(cadre("template", str(folder), db=db), "文件夹")
    refused(cadre("backup", str(folder), db=db), "文件夹")
    refused(cadre("import", str(folder), db=db), "文件夹")
    refused(cadre("roster", db=folder), "文件夹")
    assert list(folder.iterdir()) == []


def test_a_file_that_is_not_a_database(tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(os.urandom(8192))
    before = junk.read_bytes()
    refused(cadre("roster", db=junk), "不是 SQLite")
    assert junk.read_bytes() == before
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + os.urandom(2000))
    refused(cadre("init", db=pdf), "不是本程序的数据库文件")


def test_another_programs_sqlite_file_gets_no_tables(tmp_path):
    import sqlite3

    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("create table notes (id integer primary key, body text)")
    con.commit()
    con.close()
    refused(cadre("init", "--admin-password", PASSWORD, db=other), "其他程序的数据库", "notes")
    con = sqlite3.connect(other)
    assert [r[0] for r in con.execute("select name from sqlite_master")] == ["notes"]
    con.close()


def test_a_read_only_database(db, tmp_path):
    if MOUNT:
        ro = tmp_path / "ro"
        with small_disk(ro, db.stat().st_size // 1024 * 2 + 1024):
            shutil.copy(db, ro / "cadre.sqlite3")
            subprocess.run(["mount", "-o", "remount,ro", str(ro)], check=True)
            refused(cadre("roster", db=ro / "cadre.sqlite3"), "只读")
            refused(cadre("export", str(ro / "x.xlsx"), db=db), "只读")
    elif os.geteuid() != 0:
        os.chmod(db, 0o444)
        os.chmod(db.parent, 0o555)
        try:
            refused(cadre("roster", db=db), "只读")
        finally:
            os.chmod(db.parent, 0o755)
            os.chmod(db, 0o644)
    else:
        pytest.skip("root without mount: a read-only file cannot be made")


def test_a_full_disk_while_exporting_and_importing(db, tmp_path):
    # export onto a disk that fills up
    full = tmp_path / "full"
    with small_disk(full, 200) as disk:
        limit = None if disk else fsize_limit(150_000)
        refused(cadre("export", str(full / "all.xlsx"), db=db, preexec_fn=limit), "磁盘")
        assert not [p for p in full.iterdir() if p.suffix == ".xlsx" or p.name.startswith(".~")]

    # import into a database on a disk that fills up: nothing of it is written
    from conftest import make_id, write_xlsx

    rows = [["身份证号", "姓名", "工作单位", "干部层级", "备注"]]
    for k in range(2000):
        rows.append([make_id(f"19{70 + k % 25}0{1 + k % 9}1{k % 9}", f"{k % 1000:03d}", f"5201{k // 1000:02d}"),
                     f"人{k}", "青山镇", "一般干部", "备注" * 400])
    write_xlsx(tmp_path / "all.xlsx", {"单位": [["单位名称", "单位类别"], ["青山镇", "乡镇"]], "干部": rows})
    small = tmp_path / "small"
    with small_disk(small, 2600) as disk:
        target = small / "cadre.sqlite3"
        code, _, err = cadre("init", "--admin-password", PASSWORD, db=target)
        assert code == 0, err
        limit = None if disk else fsize_limit(target.stat().st_size + 300_000)
        err = refused(cadre("import", str(tmp_path / "all.xlsx"), db=target, preexec_fn=limit), "磁盘")
        code, out, err = cadre("roster", "--json", db=target)
        assert code == 0 and out.strip() == "[]", err
        code, out, err = cadre("audit", "--verify", db=target)
        assert code == 0, err


def test_damaged_or_misnamed_workbooks_through_the_command(db, tmp_path):
    import zipfile

    from conftest import make_id, write_xlsx

    rows = [["身份证号", "姓名", "工作单位", "干部层级"], [make_id(), "甲", "青山镇", "一般干部"]]
    path = write_xlsx(tmp_path / "w.xlsx", {"单位": [["单位名称", "单位类别"], ["青山镇", "乡镇"]], "干部信息": rows})
    err = refused(cadre("import", str(path), db=db), "干部信息", "可能是“干部”", "未导入任何数据")
    assert "提示" not in err.splitlines()[0]

    good = write_xlsx(tmp_path / "g.xlsx", {"干部": rows})
    with zipfile.ZipFile(good) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    cut = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(cut, "w") as z:
        for name, data in items:
            z.writestr(name, data[: len(data) // 2] if name.startswith("xl/worksheets/") else data)
    refused(cadre("import", str(cut), db=db), "干部", "不完整")
