"""The database: pragmas, migrate-on-open, backup before migrating, backup and restore."""

import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy import text

from cadre_desktop.core.db import backup, head_revision, open_database, restore
from cadre_desktop.core.services import cadres
from cadre_desktop.core.values import DomainError


@pytest.mark.sqlite_only
def test_sqlite_pragmas_are_set_on_every_connection(db):
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10000


@pytest.mark.sqlite_only
def test_new_database_is_created_by_migrating(db, db_path):
    assert db_path.is_file()
    assert db.current_revision() == head_revision()
    con = sqlite3.connect(db_path)
    tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    con.close()
    assert {"cadre", "unit", "resume", "account", "audit_event", "alembic_version"} <= tables


def test_foreign_keys_are_enforced(db):
    with pytest.raises(Exception):
        with db.session() as s:
            s.execute(text("insert into resume (cadre_id, seq, start, text) values (999, 0, 202001, 'x')"))


def test_older_schema_is_backed_up_then_migrated(db_path):
    database = open_database(f"sqlite:///{db_path}")
    database.dispose()
    # A file of the first revision: reopening it must back it up, then migrate.
    from alembic import command

    from cadre_desktop.core.db import alembic_config

    database = open_database(f"sqlite:///{db_path}", migrate=False)
    cfg = alembic_config()
    with database.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    database.dispose()
    reopened = open_database(f"sqlite:///{db_path}")
    assert reopened.current_revision() == head_revision()
    backups = list((db_path.parent / "cadre.自动备份").glob("cadre.迁移前备份-*.sqlite3"))
    assert len(backups) == 1
    reopened.dispose()


def test_another_programs_sqlite_file_is_refused_and_left_untouched(tmp_path):
    import sqlite3

    path = tmp_path / "other.sqlite3"
    con = sqlite3.connect(path)
    con.execute("create table invoices (id integer primary key, amount int)")
    con.execute("insert into invoices values (1, 100)")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(DomainError, match="其他程序的数据库.*invoices"):
        open_database(f"sqlite:///{path}")
    assert path.read_bytes() == before
    con = sqlite3.connect(path)
    assert [r[0] for r in con.execute("select name from sqlite_master where type='table'")] == ["invoices"]
    con.close()


def test_newer_schema_is_refused(db_path):
    database = open_database(f"sqlite:///{db_path}")
    with database.engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num='9999'"))
    database.dispose()
    with pytest.raises(DomainError, match="比本程序新"):
        open_database(f"sqlite:///{db_path}")


@pytest.mark.sqlite_only
def test_backup_and_restore_round_trip(db, admin, cadre_id, tmp_path):
    out = backup(db, tmp_path / "b" / "copy.sqlite3")
    with db.session() as s:
        cadres.delete_cadre(s, actor=admin, cadre_id=cadre_id)
    with db.session() as s:
        assert cadres.roster_count(s, cadres.RosterFilter()) == 0
    safety = restore(db, out)
    assert safety.is_file()
    with db.session() as s:
        assert cadres.roster_count(s, cadres.RosterFilter()) == 1


@pytest.mark.sqlite_only
def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(DomainError, match="不是本程序的数据库备份文件"):
        restore(db, junk)


def test_core_never_imports_qt():
    code = (
        "import sys, pkgutil, importlib, cadre_desktop.core as c\n"
        "for m in pkgutil.walk_packages(c.__path__, 'cadre_desktop.core.'):\n"
        "    if '.migrations' not in m.name: importlib.import_module(m.name)\n"
        "import cadre_desktop.cli\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'cadre_desktop.ui'))]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_frozen_schema_files_migrate_with_their_data(tmp_path):
    """Each released schema is kept as a frozen file; opening a copy migrates it to head."""
    import shutil
    from pathlib import Path

    frozen = sorted((Path(__file__).parents[1] / "data").glob("schema_*.sqlite3"))
    assert frozen
    for path in frozen:
        copy = tmp_path / path.name
        shutil.copy(path, copy)
        database = open_database(f"sqlite:///{copy}")
        assert database.current_revision() == head_revision()
        with database.session() as s:
            data = cadres.get_cadre(s, 1)
            assert data["name"] == "单雄信" and data["unit_name"] == "青山镇"
            assert [r["text"] for r in data["resumes"]] == ["青山镇副镇长"]
        assert list((tmp_path / f"{copy.stem}.自动备份").glob(f"{copy.stem}.迁移前备份-*"))
        database.dispose()


def test_the_migrated_schema_is_the_models_schema_on_each_engine(db):
    """0001, 0002 and 0004 build on PostgreSQL what they build on SQLite: the tables, types,
    nullability, booleans and indexes of the models (Alembic's own comparison finds nothing)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from cadre_desktop.core.models import Base
    from cadre_desktop.core.search_index import include_object

    with db.engine.connect() as conn:
        # the search index's engine-specific objects are checked in test_search_index.py
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        assert compare_metadata(ctx, Base.metadata) == []


def test_head_revision_read_from_the_files_is_alembics_head():
    from alembic.script import ScriptDirectory

    from cadre_desktop.core.db import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == script.get_current_head()
    assert head_revision() in {r.revision for r in script.walk_revisions()}
