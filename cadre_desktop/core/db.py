"""Engine and session factory, SQLite pragmas, migrate-on-open, backup and restore."""

from __future__ import annotations

import datetime as dt
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
    db = Database(url, create_db_engine(url))
    if migrate:
        migrate_database(db)
    return db


def migrate_database(db: Database) -> str | None:
    """Upgrade to head; returns the path of the backup taken, if any."""
    current = db.current_revision()
    head = head_revision()
    if current == head:
        return None
    script = ScriptDirectory.from_config(alembic_config())
    if current is not None and current not in {r.revision for r in script.walk_revisions()}:
        raise DomainError(f"数据库版本（{current}）比本程序新，请升级程序后再打开。")
    backup_path = None
    if current is not None or _has_tables(db):
        if db.path is not None and db.path.exists():
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            backup_path = db.path.with_name(f"{db.path.stem}.迁移前备份-{stamp}{db.path.suffix}")
            backup(db, backup_path)
    cfg = alembic_config()
    with db.engine.connect() as conn:
        if db.is_sqlite:
            # Alembic alters a column on SQLite by rebuilding the table; with foreign keys on,
            # dropping the old table would cascade-delete the rows that refer to it. So they are
            # off while migrating (a PRAGMA outside any transaction), checked after, and on again.
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
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
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    if tmp.exists():
        tmp.unlink()
    src = sqlite3.connect(str(db.path))
    dst = sqlite3.connect(str(tmp))
    try:
        with dst:
            src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()
    tmp.replace(out)
    return out


def check_backup_file(path: Path) -> str | None:
    """Return the schema revision of a backup file, or raise DomainError if it is not one of ours."""
    if not path.is_file():
        raise DomainError(f"找不到备份文件：{path}")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = con.execute("SELECT version_num FROM alembic_version").fetchall()
            con.execute("SELECT count(*) FROM cadre").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        raise DomainError(f"“{path.name}”不是本程序的数据库备份文件。") from None
    return rows[0][0] if rows else None


def restore(db: Database, source: str | Path) -> Path:
    """Put a backup back. The current state is backed up first; returns that backup's path."""
    source = Path(source)
    if not db.is_sqlite or db.path is None:
        raise DomainError("恢复仅支持本地 SQLite 数据库。")
    check_backup_file(source)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    safety = db.path.with_name(f"{db.path.stem}.恢复前备份-{stamp}{db.path.suffix}")
    backup(db, safety)
    db.engine.dispose()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(str(db.path))
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()
    db.engine.dispose()
    migrate_database(db)
    return safety
