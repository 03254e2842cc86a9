"""Moving to a shared server and keeping it on one schema: `cadre migrate-to`, `cadre migrate`,
a client that never migrates a server, and the warning for an SQLite file on a network share."""

from __future__ import annotations

import json

import pytest
from alembic import command
from sqlalchemy import text

from cadre_desktop.core.db import alembic_config, head_revision, open_database
from cadre_desktop.core.netshare import DRIVE_REMOTE, network_share_warning, share_kind
from cadre_desktop.core.services import accounts, audit, cadres
from cadre_desktop.core.services.accounts import Actor
from cadre_desktop.core.values import DomainError

from conftest import make_id, url_of, run_cli as run


@pytest.fixture
def signed_in(monkeypatch):
    monkeypatch.setenv("CADRE_USER", "admin")
    monkeypatch.setenv("CADRE_PASSWORD", "demo")


def test_migrate_to_copies_every_record_and_the_chain_and_checks_both(_demo_template, tmp_path, db_target,
                                                                      signed_in, capsys):
    """A county's demo file moves to an empty database (the server, or a new file): the same
    records, the same audit chain still verifying, and new saves carry on after the copied ids."""
    import shutil

    from cadre_desktop.core.services import demo

    source = tmp_path / "county.sqlite3"
    shutil.copy(_demo_template, source)
    code, out, err = run(["--db", str(source), "migrate-to", db_target], capsys)
    assert code == 0, err
    assert "两边的行数和逐表摘要完全一致" in out
    assert "cadre: 源" in out and "audit_event: 源" in out and "不一致" not in out

    code, roster_src, _ = run(["--db", str(source), "roster", "--json"], capsys)
    code2, roster_dst, _ = run(["--db", db_target, "roster", "--json"], capsys)
    assert code == code2 == 0 and json.loads(roster_src) == json.loads(roster_dst) and json.loads(roster_dst)
    assert run(["--db", db_target, "audit", "--verify"], capsys)[0] == 0

    target = open_database(url_of(db_target))
    try:
        with target.session() as s:
            new_id = cadres.save_cadre(s, actor=Actor(demo.DEMO_USER, accounts.ADMIN), data={
                "id_number": make_id("19990101", "771"), "name": "新来的", "unit_id": None, "level": None,
                "status": "调出"})
        with target.session() as s:
            assert cadres.get_cadre(s, new_id)["name"] == "新来的"
            assert audit.verify(s, actor=Actor(demo.DEMO_USER, accounts.ADMIN)) is None
    finally:
        target.dispose()

    # A second run finds the target holding records: refused, nothing written.
    code, out, err = run(["--db", str(source), "migrate-to", db_target], capsys)
    assert code == 2 and "目标数据库已有数据" in err


@pytest.mark.postgresql_only
def test_a_client_never_migrates_the_server_and_is_told_who_does(db_target, backend, signed_in, capsys):
    # The server's database at an older schema, with its 管理员.
    url = db_target
    engine_db = open_database(url, migrate=False)
    cfg = alembic_config()
    with engine_db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
        conn.execute(text("INSERT INTO account (name, role, password_hash, active, created_at, version) "
                          "VALUES ('admin', '管理员', :h, true, now(), 1)"), {"h": accounts.hash_password("demo")})
    engine_db.dispose()

    with pytest.raises(DomainError, match="请管理员在更新后的程序中运行 cadre migrate"):
        open_database(url)
    code, _, err = run(["--db", url, "roster"], capsys)
    assert code == 2 and "cadre migrate" in err
    code, _, err = run(["--db", url, "init"], capsys)
    assert code == 2 and "cadre migrate" in err  # init does not migrate a server in use

    code, out, err = run(["--db", url, "migrate"], capsys)
    assert code == 0, err
    assert f"升级到 {head_revision()}" in out
    assert run(["--db", url, "roster"], capsys)[0] == 0
    assert run(["--db", url, "audit", "--verify"], capsys)[0] == 0

    # A server newer than this program: refused, the clerk told to update the program.
    db = open_database(url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    db.dispose()
    code, _, err = run(["--db", url, "roster"], capsys)
    assert code == 2 and "比本程序新" in err and "更新到最新版本" in err


@pytest.mark.postgresql_only
def test_an_empty_server_database_is_set_up_by_init_only(db_target, backend, capsys, monkeypatch):
    code, _, err = run(["--db", db_target, "roster"], capsys)
    assert code == 2 and "cadre init" in err
    assert run(["--db", db_target, "init", "--admin-password", "pw123456"], capsys)[0] == 0
    monkeypatch.setenv("CADRE_USER", "admin")
    monkeypatch.setenv("CADRE_PASSWORD", "pw123456")
    assert run(["--db", db_target, "roster"], capsys)[0] == 0


def test_migrate_needs_a_manager(db_target, capsys, monkeypatch):
    assert run(["--db", db_target, "init", "--admin-password", "pw123456"], capsys)[0] == 0
    monkeypatch.setenv("CADRE_USER", "admin")
    monkeypatch.setenv("CADRE_PASSWORD", "wrong")
    code, _, err = run(["--db", db_target, "migrate"], capsys)
    assert code == 2 and "用户名或密码错误" in err
    monkeypatch.setenv("CADRE_PASSWORD", "pw123456")
    code, out, _ = run(["--db", db_target, "migrate"], capsys)
    assert code == 0 and "无需升级" in out


@pytest.mark.postgresql_only
def test_backup_and_restore_of_a_server_are_refused_with_the_servers_own_tools_named(db_target, backend, tmp_path,
                                                                                    capsys, monkeypatch):
    assert run(["--db", db_target, "init", "--admin-password", "pw123456"], capsys)[0] == 0
    monkeypatch.setenv("CADRE_USER", "admin")
    monkeypatch.setenv("CADRE_PASSWORD", "pw123456")
    code, _, err = run(["--db", db_target, "backup", str(tmp_path / "b.sqlite3")], capsys)
    assert code == 2 and "服务器自己的备份工具备份" in err and "pg_dump" in err
    assert not (tmp_path / "b.sqlite3").exists()
    old = tmp_path / "old.sqlite3"
    open_database(f"sqlite:///{old}").dispose()  # a real backup file of this program
    code, _, err = run(["--db", db_target, "restore", str(old)], capsys)
    assert code == 2 and "服务器自己的备份工具恢复" in err and "Traceback" not in err
    code, out, _ = run(["--db", db_target, "audit", "--verify"], capsys)
    assert code == 0  # nothing was changed


# --- an SQLite file on a network share ----------------------------------------------------------

MOUNTS = """\
proc /proc proc rw,nosuid 0 0
/dev/sda1 / ext4 rw,relatime 0 0
/dev/sdb1 /home ext4 rw 0 0
//fileserver/组织部 /mnt/组织部\\040共享 cifs rw,vers=3.0 0 0
nas:/export /srv/nfs nfs4 rw 0 0
nas:/export2 /srv/nfsdata fuse.sshfs rw 0 0
"""


@pytest.mark.parametrize("path, expected", [
    ("/mnt/组织部 共享/cadre.sqlite3", "cifs 挂载于 /mnt/组织部 共享"),
    ("/srv/nfs/county/cadre.sqlite3", "nfs4 挂载于 /srv/nfs"),
    ("/srv/nfsdata/cadre.sqlite3", "fuse.sshfs 挂载于 /srv/nfsdata"),
    ("/srv/nfs2/cadre.sqlite3", None),  # a prefix of the name is not the mount
    ("/home/clerk/cadre.sqlite3", None),
])
def test_linux_mounts_tell_a_network_share(path, expected):
    assert share_kind(path, platform="linux", mounts_text=MOUNTS) == expected


@pytest.mark.parametrize("path, drive_type, expected", [
    (r"\\fileserver\组织部\cadre.sqlite3", None, "UNC 路径"),
    ("//fileserver/share/cadre.sqlite3", None, "UNC 路径"),
    (r"Z:\干部\cadre.sqlite3", DRIVE_REMOTE, "网络驱动器 Z:"),
    (r"C:\Users\clerk\cadre.sqlite3", 3, None),  # DRIVE_FIXED
    (r"E:\cadre.sqlite3", 2, None),  # DRIVE_REMOVABLE: a USB stick is not a share
])
def test_windows_paths_tell_a_network_share(path, drive_type, expected):
    assert share_kind(path, platform="win32", drive_type=drive_type) == expected


def test_only_an_sqlite_file_on_a_share_is_warned_about(tmp_path):
    assert network_share_warning(f"sqlite:///{tmp_path / 'c.sqlite3'}") is None  # a local disk
    assert network_share_warning("postgresql+psycopg://u@server/cadre") is None
