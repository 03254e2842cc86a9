"""Engine and session factory, SQLite pragmas, migrate-on-open, backup and restore."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from . import search_index
from . import backups
from .values import DomainError

MIGRATIONS = Path(__file__).with_name("migrations")

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": 2,  # FULL: a clerk's save survives a power cut
    "busy_timeout": 10000,
}


def _sqlite_on_connect(dbapi_connection, _record):
    # The sqlite3 module's own transaction handling would defeat SAVEPOINTs and
    # foreign_keys; let SQLAlchemy issue BEGIN itself.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _sqlite_on_begin(conn):
    conn.exec_driver_sql("BEGIN")


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    return {r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


class Database:
    """One open database: its URL, engine and session factory."""

    def __init__(self, url: str, engine: Engine):
        self.url = url
        self.engine = engine
        self.sessionmaker = sessionmaker(engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        db = make_url(self.url).database
        return Path(db) if db and db != ":memory:" else None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for one user action: committed if the block ends normally, else rolled back."""
        with self.sessionmaker() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def auto_backup(self, reason: str) -> Path | None:
        """An automatic rotating backup (reason: migrate, restore, import, daily); None where the
        database is not a local SQLite file (a shared server is backed up by its administrator)."""
        return backups.auto_backup(self.path, reason) if self.is_sqlite else None

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def dispose(self) -> None:
        self.engine.dispose()


def create_db_engine(url: str) -> Engine:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def open_database(url: str, *, migrate: bool = True) -> Database:
    """Open (creating if needed) and bring the schema to the current revision.

    An existing database on an older revision is backed up beside itself before it migrates.
    A database newer than this program is refused.
    """
    u = make_url(url)
    path = Path(u.database) if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:" else None
    existed = path is not None and path.is_file() and path.stat().st_size > 0
    if path is not None:
        # another program's file, a folder or random bytes is refused before anything touches it
        backups.check_database_file(path)
    db = Database(url, create_db_engine(url))
    try:
        if migrate:
            migrate_database(db)
        if existed:
            backups.tidy(path)
            backups.daily_backup(path)
    except BaseException:
        db.dispose()
        raise
    return db


def migrate_database(db: Database) -> str | None:
    """Upgrade to head; returns the path of the backup taken, if any."""
    current = db.current_revision()
    head = head_revision()
    if current == head:
        return None
    if current is not None and current not in known_revisions():
        raise DomainError(f"数据库版本（{current}）比本程序新，请升级程序后再打开。")
    if current is None and _has_tables(db):
        raise DomainError("数据库中有数据表但没有本程序的版本标记：它不是本程序的数据库，未做任何改动。")
    backup_path = None
    cfg = alembic_config()
    with db.engine.connect() as conn:
        if db.is_sqlite:
            # Alembic alters a column on SQLite by rebuilding the table; with foreign keys on,
            # dropping the old table would cascade-delete the rows that refer to it. So they are
            # off while migrating (a PRAGMA outside any transaction), checked after, and on again.
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                if db.is_sqlite and current is not None:
                    # Take the write lock first, with a write that changes nothing as the transaction's
                    # first statement (so the busy timeout applies): another program's write finishes
                    # before the migration, and none lands between the backup and the migration.
                    conn.exec_driver_sql("DELETE FROM alembic_version WHERE 0")
                if current is not None:
                    backup_path = backups.auto_backup(db.path, "migrate")
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if db.is_sqlite:
                    search_index.restore_triggers(conn)
                if db.is_sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise DomainError("数据库升级后发现无效的关联记录，已撤销升级；请联系管理员检查数据库。")
        finally:
            if db.is_sqlite:
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")
    return str(backup_path) if backup_path else None


def _has_tables(db: Database) -> bool:
    return bool(inspect(db.engine).get_table_names())


def backup(db: Database, out: str | Path) -> Path:
    """A consistent copy of the database (SQLite's online backup, safe while others write)."""
    out = Path(out)
    if not db.is_sqlite or db.path is None:
        raise DomainError("备份仅支持本地 SQLite 数据库；共享数据库请由服务器管理员备份。")
    problem = backups.file_problem(out) if out.is_dir() else None
    if problem:
        raise DomainError(f"备份位置{problem}")
    src = sqlite3.connect(str(db.path))
    try:
        return backups.copy_database(src, out)
    finally:
        src.close()


def restore(db: Database, source: str | Path) -> Path:
    """Put a backup back, after checking it (integrity, schema version, every table). The current
    state is backed up first, under the write lock; returns that backup's path. Other
    connections (another window, an import) are waited for, or the restore is refused."""
    source = Path(source)
    if not db.is_sqlite or db.path is None:
        raise DomainError("恢复仅支持本地 SQLite 数据库。")
    backups.check_backup_file(source)
    db.engine.dispose()
    safety = backups.restore_file(db.path, source)
    db.engine.dispose()
    try:
        migrate_database(db)
    except DomainError as e:
        raise DomainError(f"{e.message}（恢复前的数据已备份到：{safety}）") from None
    return safety
