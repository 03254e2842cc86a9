"""Backups and restore: a backup is checked before anything is replaced, the current state is
copied aside under the write lock, work in progress is waited for, the restore's audit event
survives it, and automatic backups rotate."""

import sqlite3
import threading
import time

import pytest

from cadre_desktop.core import backups
from cadre_desktop.core.db import backup, open_database, restore
from cadre_desktop.core.services import audit, cadres, maintenance, settings
from cadre_desktop.core.values import DomainError

# Backups and restores of a local SQLite file; a shared server's are refused (tests/cli/test_shared_server.py).
pytestmark = pytest.mark.sqlite_only


def snapshot(path):
    """Every row of every table, for comparing databases record by record."""
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute(
            "select name from sqlite_master where type='table' and name not like 'sqlite_%' "
            "and name not like 'cadre_fts%' order by name")]  # the search index is derived from cadre
        return {n: con.execute(f'select * from "{n}" order by rowid').fetchall() for n in names}
    finally:
        con.close()


@pytest.fixture
def live(demo_db, demo_admin, tmp_path):
    """The demo county, its backup, and the live file's rows at the time of the backup."""
    out = backup(demo_db, tmp_path / "b" / "good.sqlite3")
    return demo_db, out, snapshot(demo_db.path)


def damaged_copy(src, dst, change):
    data = bytearray(src.read_bytes())
    change(data)
    dst.write_bytes(bytes(data))
    return dst


def tamper(src, dst, sql):
    dst.write_bytes(src.read_bytes())
    con = sqlite3.connect(dst)
    con.executescript(sql)
    con.commit()
    con.close()
    return dst


def test_bad_backups_are_refused_before_anything_is_replaced(live, tmp_path, demo_admin):
    db, good, _ = live
    with db.session() as s:  # a change made after the backup
        cadres.delete_cadre(s, actor=demo_admin, cadre_id=cadres.roster_ids(s, cadres.RosterFilter())[0])
    before = snapshot(db.path)
    con = sqlite3.connect(good)
    page = con.execute("pragma page_size").fetchone()[0]
    root = con.execute("select rootpage from sqlite_master where name='resume'").fetchone()[0]
    con.close()
    at = (root - 1) * page  # the resume table's root page: its cells scrambled
    bad = {
        "damaged pages": (damaged_copy(good, tmp_path / "dmg.sqlite3",
                                       lambda d: d.__setitem__(slice(at + 12, at + 600), b"\xa5" * 588)),
                          "损坏"),
        "truncated": (damaged_copy(good, tmp_path / "cut.sqlite3", lambda d: d.__delitem__(slice(len(d) // 2, None))),
                      "损坏"),
        "newer schema": (tamper(good, tmp_path / "new.sqlite3", "update alembic_version set version_num='9999'"),
                         "比本程序新"),
        "no stamp": (tamper(good, tmp_path / "nostamp.sqlite3", "drop table alembic_version"), "版本标记"),
        "table missing": (tamper(good, tmp_path / "notable.sqlite3", "drop table posting"), "缺少数据表 posting"),
        "foreign": (tamper(tmp_path / "empty", tmp_path / "foreign.sqlite3", "create table t (x); insert into t values (1)")
                    if (tmp_path / "empty").write_bytes(b"") == 0 else None, "不是本程序的数据库备份"),
        "random bytes": (damaged_copy(good, tmp_path / "rnd.sqlite3", lambda d: d.__setitem__(slice(0, 16), b"x" * 16)),
                         "不是 SQLite"),
    }
    for label, (path, message) in bad.items():
        with pytest.raises(DomainError, match=message):
            restore(db, path)
        assert snapshot(db.path) == before, label
        assert not [p for p in backups.automatic_backups(db.path) if "恢复前" in p.name], label
    with db.session() as s:  # the live database still works
        assert cadres.roster_count(s, cadres.RosterFilter()) > 0


def test_restore_round_trips_record_by_record_and_keeps_its_audit_event(live, demo_admin, tmp_path):
    db, good, at_backup = live
    with db.session() as s:
        cadres.delete_cadre(s, actor=demo_admin, cadre_id=cadres.roster_ids(s, cadres.RosterFilter())[0])
    changed = snapshot(db.path)
    safety = maintenance.restore_database(db, actor=demo_admin, source=good)
    after = snapshot(db.path)
    events = after.pop("audit_event")
    [head] = after.pop("audit_head")  # the chain's head moved on to the restore's own event
    expected = dict(at_backup)
    assert after == {k: v for k, v in expected.items() if k not in ("audit_event", "audit_head")}
    assert events[: len(expected["audit_event"])] == expected["audit_event"]
    assert len(events) == len(expected["audit_event"]) + 1 and head[1] == events[-1][0]
    with db.session() as s:
        last = audit.list_events(s, actor=demo_admin)[0]
        assert last["action"] == "恢复" and str(safety) in str(last)
        assert audit.verify(s, actor=demo_admin) is None
    assert snapshot(safety) == changed  # the state before the restore, whole
    assert safety.parent == backups.backup_folder(db.path)


def test_restore_waits_for_a_writer_and_its_work_is_in_the_safety_copy(live, tmp_path):
    db, good, _ = live
    writer = sqlite3.connect(db.path, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("insert into unit (name, kind, sort_order, version) values ('写入中的单位', '其他', 99, 1)")

    def finish():
        time.sleep(1.0)
        writer.execute("COMMIT")  # the import reports success only now

    t = threading.Thread(target=finish)
    t.start()
    safety = restore(db, good)
    t.join()
    writer.close()
    con = sqlite3.connect(safety)
    assert con.execute("select count(*) from unit where name='写入中的单位'").fetchone() == (1,)
    con.close()
    con = sqlite3.connect(db.path)
    assert con.execute("select count(*) from unit where name='写入中的单位'").fetchone() == (0,)
    con.close()


def test_restore_is_refused_while_a_writer_does_not_finish(live):
    db, good, _ = live
    before = snapshot(db.path)
    writer = sqlite3.connect(db.path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("insert into unit (name, kind, sort_order, version) values ('还没写完', '其他', 99, 1)")
    db.engine.dispose()
    with pytest.raises(DomainError, match="正被其他操作写入"):
        backups.restore_file(db.path, good, wait_seconds=0.3)
    writer.execute("COMMIT")
    writer.close()
    after = snapshot(db.path)["unit"]
    assert after[:-1] == before["unit"] and "还没写完" in after[-1]


def test_automatic_backups_rotate_by_the_setting(db, admin, db_path):
    with db.session() as s:
        settings.put(s, actor=admin, key="backup_keep", value=3)
    made = [db.auto_backup("import") for _ in range(5)]
    kept = backups.automatic_backups(db_path)
    assert len(kept) == 3 and kept == made[-3:]
    with pytest.raises(DomainError):
        with db.session() as s:
            settings.put(s, actor=admin, key="backup_keep", value=0)


def test_the_first_start_of_a_day_backs_up_once(db, admin, db_path):
    db.dispose()
    for made in backups.automatic_backups(db_path):  # the fixture's own first open today (of the template's copy)
        made.unlink()
    for _ in range(2):
        again = open_database(f"sqlite:///{db_path}")
        again.dispose()
    daily = [p for p in backups.automatic_backups(db_path) if "每日备份" in p.name]
    assert len(daily) == 1
    assert snapshot(daily[0]) == snapshot(db_path)


def test_a_folder_or_random_bytes_as_the_database_is_refused(tmp_path):
    with pytest.raises(DomainError, match="文件夹"):
        open_database(f"sqlite:///{tmp_path}")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(bytes(range(256)) * 16)
    with pytest.raises(DomainError, match="不是 SQLite"):
        open_database(f"sqlite:///{junk}")
    assert junk.read_bytes() == bytes(range(256)) * 16


def test_a_migration_waits_for_a_writer_and_its_backup_holds_the_writers_work(db_path):
    from alembic import command

    from cadre_desktop.core.db import alembic_config, head_revision

    database = open_database(f"sqlite:///{db_path}")
    cfg = alembic_config()
    with database.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    database.dispose()
    writer = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("insert into unit (name, kind, sort_order, version) values ('迁移前写入', '其他', 1, 1)")
    t = threading.Timer(1.0, lambda: writer.execute("COMMIT"))
    t.start()
    migrated = open_database(f"sqlite:///{db_path}")
    t.join()
    writer.close()
    assert migrated.current_revision() == head_revision()
    migrated.dispose()
    [pre] = [p for p in backups.automatic_backups(db_path) if "迁移前备份" in p.name]
    con = sqlite3.connect(pre)
    assert con.execute("select name from unit").fetchall() == [("迁移前写入",)]
    con.close()


def test_a_backup_of_an_older_schema_is_restored_then_migrated(db, admin, cadre_id, tmp_path):
    from alembic import command
    from sqlalchemy import create_engine

    from cadre_desktop.core.db import alembic_config, head_revision

    old = backup(db, tmp_path / "old.sqlite3")
    engine = create_engine(f"sqlite:///{old}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    engine.dispose()
    with db.session() as s:
        cadres.delete_cadre(s, actor=admin, cadre_id=cadre_id)
    maintenance.restore_database(db, actor=admin, source=old)
    assert db.current_revision() == head_revision()
    with db.session() as s:
        assert cadres.roster_count(s, cadres.RosterFilter()) == 1
        assert audit.list_events(s, actor=admin)[0]["action"] == "恢复"
        assert audit.verify(s, actor=admin) is None  # the migrated chain and the restore's event
    assert [p for p in backups.automatic_backups(db.path) if "迁移前备份" in p.name]


def test_a_killed_automatic_backup_leaves_nothing_once_the_program_opens_again(db, admin, db_path):
    # What SIGKILL during the copy leaves (tests/cli/test_kill.py kills real ones at random moments):
    # the half-written `.part` and the rollback journal SQLite keeps beside it while writing.
    db.dispose()
    folder = backups.backup_folder(db_path)
    folder.mkdir(exist_ok=True)
    part = folder / "cadre.导入前备份-20260101-000000.sqlite3.part"
    con = sqlite3.connect(part)
    con.execute("create table t (x)")
    con.close()
    (folder / f"{part.name}-journal").write_bytes(b"\0" * 512)
    open_database(f"sqlite:///{db_path}").dispose()
    assert not [p.name for p in folder.iterdir() if ".part" in p.name]
    assert [p for p in backups.automatic_backups(db_path) if "每日备份" in p.name]  # and the daily copy is whole


def test_the_window_takes_the_days_backup_on_a_thread(db, admin, db_path):
    from cadre_desktop.ui.app import start_daily_backup

    db.dispose()
    for made in backups.automatic_backups(db_path):
        made.unlink()
    opened = open_database(f"sqlite:///{db_path}", daily_backup=False)
    assert not backups.automatic_backups(db_path)  # not at open
    start_daily_backup(opened).join(60)
    daily = [p for p in backups.automatic_backups(db_path) if "每日备份" in p.name]
    assert len(daily) == 1 and snapshot(daily[0]) == snapshot(db_path)
    opened.dispose()
