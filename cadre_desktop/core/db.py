"""Engine and session factory, SQLite pragmas, migrate-on-open, backup and restore.

Also the one place a database error becomes a clerk's message (`translate_error`): a busy or
locked database, a value too long, a duplicate, a stale edit, a lost connection.
"""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import create_engine, event, exc, func, inspect, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from . import search_index
from . import backups
from .values import DomainError, StaleEdit

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported only to migrate or to explain a schema mismatch: opening a current database
# (every start of the window) reads the revision with one query and finds the head from the
# revision files themselves (`head_revision`), which costs milliseconds instead of Alembic's import.

MIGRATIONS = Path(__file__).with_name("migrations")

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": 2,  # FULL: a clerk's save survives a power cut
    "busy_timeout": 10000,
}


def busy_timeout_ms() -> int:
    """How long a writer waits for another to finish (CADRE_BUSY_TIMEOUT_MS overrides 10 s)."""
    import os

    try:
        return max(0, int(os.environ.get("CADRE_BUSY_TIMEOUT_MS", SQLITE_PRAGMAS["busy_timeout"])))
    except ValueError:
        return SQLITE_PRAGMAS["busy_timeout"]


def _sqlite_on_connect(dbapi_connection, _record):
    # The sqlite3 module's own transaction handling would defeat SAVEPOINTs and
    # foreign_keys; let SQLAlchemy issue BEGIN itself.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    cur.close()


def _sqlite_on_begin(conn):
    # A transaction starts as a writer (BEGIN IMMEDIATE), so a second writer waits for the busy
    # timeout instead of failing at once when its read snapshot cannot become a write (SQLite's
    # deferred BEGIN). Reading sessions (`Database.session(read_only=True)`) stay deferred: in WAL
    # mode they never wait for a writer.
    if conn.get_execution_options().get("cadre_read_only"):
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def chunks(items: list, n: int) -> Iterator[list]:
    """`items` in slices of `n`: IN lists a database takes in one statement (SQLite's bound
    parameters are limited; a long IN list plans badly)."""
    for i in range(0, len(items), n):
        yield items[i:i + n]


def ordered_ids(session: Session, q) -> list[int]:
    """The integers a SELECT of one column (ids, line numbers) returns, in its order: a paged list's
    ids. On SQLite the database joins them into one text (group_concat over the ordered subquery,
    which SQLite reads in order: an aggregate query never flattens an ordered subquery) and Python
    parses it as one JSON array (twice as fast as split and int over 100,000 ids), rather than
    stepping a cursor and building a row for each; tests/core/test_search_index.py and
    test_paged_reads.py compare it with the rows of the plain query."""
    # through the session, not its connection: its autoflush writes what is pending first
    if session.get_bind().dialect.name != "sqlite":
        return list(session.scalars(q))
    joined = session.execute(select(func.group_concat(q.subquery().c[0]))).scalar()
    return json.loads("[" + joined + "]") if joined else []


def in_order(rows, ids: list[int]) -> list[dict]:
    """Rows (dicts with "id") read by `id IN (...)`, back in the order of `ids`; ids whose record is
    gone are left out."""
    by_id = {r["id"]: r for r in rows}
    return [by_id[i] for i in ids if i in by_id]


BUSY = "已有其他操作正在写入，请稍后再试。"
STALE = "该记录已被他人修改或删除，您的修改未保存：请重新载入后再改。"


def translate_error(error: BaseException) -> DomainError | None:
    """A database error a clerk can cause, as a Chinese message; None for anything else.

    The command line, the window's error hook and `Database.session` all go through here.
    """
    if isinstance(error, DomainError):
        return error
    if isinstance(error, StaleDataError):
        return StaleEdit(STALE)
    if not isinstance(error, exc.DBAPIError):
        return None
    orig = error.orig
    text = str(orig).lower()
    sqlstate = getattr(orig, "sqlstate", None) or ""
    if "database is locked" in text or "database is busy" in text or "database table is locked" in text \
            or sqlstate in {"55P03", "40P01", "40001"}:
        return DomainError(BUSY)
    if isinstance(error, exc.IntegrityError):
        return DomainError(_integrity_message(orig, text, sqlstate))
    if sqlstate == "22001" or "too long" in text:
        return DomainError("有内容超过了允许的长度，未保存。请缩短后再保存。")
    if isinstance(error, exc.DataError):
        return DomainError(f"有内容的格式数据库不接受，未保存（{orig}）。")
    if error.connection_invalidated or sqlstate.startswith("08") or any(
            w in text for w in ("connection refused", "could not connect", "server closed the connection",
                                "connection timeout", "timeout expired", "connection is closed",
                                "terminating connection", "no route to host", "could not translate host",
                                "connection failed")):
        return DomainError("与数据库服务器的连接中断，刚才的操作没有完成。请检查网络后重试，或联系管理员确认服务器在运行。")
    if "unable to open database" in text or "disk i/o error" in text or "readonly database" in text:
        return DomainError("无法读写数据库文件，刚才的操作没有完成。请检查文件所在的磁盘或共享文件夹是否可用、可写。")
    if "disk is full" in text or "database or disk is full" in text or sqlstate == "53100":
        return DomainError("磁盘已满，刚才的操作没有完成。")
    return None


def _integrity_message(orig, text: str, sqlstate: str) -> str:
    if sqlstate == "23505" or "unique" in text:
        table, column = _constraint_target(orig, text)
        what = column_label(table, column) if table else None
        return f"与已有记录重复{f'（{what}）' if what else ''}，未保存。"
    if sqlstate == "23503" or "foreign key" in text:
        return "所引用的记录已不存在，或这条记录仍被其他记录引用，未保存。"
    if sqlstate == "23502" or "not null" in text:
        return "有必填内容为空，未保存。"
    return f"数据不符合数据库的约束，未保存（{orig}）。"


def _constraint_target(orig, text: str) -> tuple[str | None, str | None]:
    """(table, column) of a unique violation: SQLite names `table.column`; PostgreSQL names the
    constraint, which follows the naming convention `uq_<table>_<column>`."""
    import re

    m = re.search(r"unique constraint failed: (\w+)\.(\w+)", text)
    if m:
        return m.group(1), m.group(2)
    diag = getattr(orig, "diag", None)
    table = getattr(diag, "table_name", None)
    name = getattr(diag, "constraint_name", None) or ""
    if table and name.startswith(f"uq_{table}_"):
        return table, name[len(f"uq_{table}_"):]
    if table and name.startswith(f"pk_{table}"):
        return table, "id"
    return table, None


def column_label(table: str, column: str | None) -> str | None:
    """The Chinese name a clerk knows a column by (the services' own labels)."""
    from .services import labels

    return labels.column_label(table, column)


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


_REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*=\s*(?:None|['\"]([^'\"]+)['\"])", re.M)


@lru_cache(maxsize=1)
def _revision_graph() -> dict[str, str | None] | None:
    """revision -> down_revision read from the migration files; None where they cannot be read
    plainly (no .py sources, a tuple of down revisions), and Alembic is asked instead."""
    graph: dict[str, str | None] = {}
    for f in (MIGRATIONS / "versions").glob("*.py"):
        source = f.read_text("utf-8")
        rev, down = _REVISION.search(source), _DOWN.search(source)
        if not rev or not down:
            return None
        graph[rev.group(1)] = down.group(1)
    return graph or None


def head_revision() -> str:
    graph = _revision_graph()
    if graph is not None:
        heads = set(graph) - {d for d in graph.values() if d}
        if len(heads) == 1:
            return heads.pop()
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def _install_length_guard() -> None:
    from .services.labels import check_flush

    if not event.contains(Session, "before_flush", check_flush):
        event.listen(Session, "before_flush", check_flush)


class Database:
    """One open database: its URL, engine and session factory."""

    def __init__(self, url: str, engine: Engine):
        self.url = url
        self.engine = engine
        self.sessionmaker = sessionmaker(engine, expire_on_commit=False)
        _install_length_guard()

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
    def session(self, *, read_only: bool = False) -> Iterator[Session]:
        """A session for one user action: committed if the block ends normally, else rolled back.

        A database error a clerk can cause leaves as a DomainError with a Chinese message. On
        SQLite the transaction starts as a writer unless `read_only` (see `_sqlite_on_begin`).
        """
        bind = self.reader if read_only else self.engine
        with self.sessionmaker(bind=bind) as session:
            try:
                yield session
                session.commit()
            except BaseException as error:
                try:
                    session.rollback()
                except exc.DBAPIError:
                    pass  # the connection is gone; the original error says why
                message = translate_error(error)
                if message is not None and message is not error:
                    raise message from error
                raise

    def auto_backup(self, reason: str) -> Path | None:
        """An automatic rotating backup (reason: migrate, restore, import, daily); None where the
        database is not a local SQLite file (a shared server is backed up by its administrator)."""
        return backups.auto_backup(self.path, reason) if self.is_sqlite else None

    @property
    def reader(self) -> Engine:
        """The same engine (and pool), its transactions started as readers on SQLite."""
        if getattr(self, "_reader", None) is None or self._reader_of is not self.engine:
            self._reader, self._reader_of = self.engine.execution_options(cadre_read_only=True), self.engine
        return self._reader

    def current_revision(self) -> str | None:
        """The schema's revision (alembic_version), None on an empty database. Read as a reader: it
        does not wait for another program's write."""
        with self.reader.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        if len(rows) > 1:
            raise DomainError(f"数据库有多个版本标记（{', '.join(rows)}），请联系管理员。")
        return rows[0] if rows else None

    def dispose(self) -> None:
        self.engine.dispose()


def create_db_engine(url: str) -> Engine:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_timeout_ms() / 1000})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    event.listen(engine, "connect", _pg_on_connect)
    return engine


def _pg_on_connect(dbapi_connection, _record):
    # A writer waiting for a row another clerk holds gives up after the busy timeout, like SQLite.
    with dbapi_connection.cursor() as cur:
        cur.execute(f"SET lock_timeout = {busy_timeout_ms()}")
    dbapi_connection.commit()


def open_database(url: str, *, migrate: bool | None = None, daily_backup: bool = True) -> Database:
    """Open a database for use.

    `migrate` None (a client opening its database): an SQLite file is created if needed and
    brought to the current schema (backed up first when it had data); a shared server is never
    migrated by a client, only checked (`check_schema`). True: migrate either (cadre init /
    cadre migrate, by a 管理员). False: neither. A database newer than this program is refused.
    `daily_backup` False: the caller takes the day's first backup itself (the window does, on a
    thread once it is shown: copying a 100,000-cadre file takes seconds).
    """
    u = make_url(url)
    path = Path(u.database) if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:" else None
    existed = path is not None and path.is_file() and path.stat().st_size > 0
    if path is not None:
        # another program's file, a folder or random bytes is refused before anything touches it
        backups.check_database_file(path)
    try:
        db = Database(url, create_db_engine(url))
    except exc.DBAPIError as error:
        raise (translate_error(error) or DomainError(f"无法打开数据库：{error.orig}")) from error
    try:
        if migrate is None:
            migrate = db.is_sqlite
            if not migrate:
                check_schema(db)
        if migrate:
            migrate_database(db)
        if existed:
            backups.tidy(path)
            if daily_backup:
                backups.daily_backup(path)
    except exc.DBAPIError as error:
        db.dispose()
        raise (translate_error(error) or DomainError(f"无法打开数据库：{error.orig}")) from error
    except BaseException:
        db.dispose()
        raise
    return db


def check_schema(db: Database) -> None:
    """Refuse a shared database whose schema is not this program's (a client never migrates it)."""
    current = db.current_revision()
    head = head_revision()
    if current == head:
        return
    known = known_revisions()
    if current is None:
        raise DomainError("服务器上的数据库还没有建立：请管理员先运行 cadre init（或 cadre migrate-to 迁入数据）。")
    if current not in known:
        raise DomainError(f"服务器上的数据库版本（{current}）比本程序新：请把本程序更新到最新版本后再打开。")
    raise DomainError(f"服务器上的数据库版本（{current}）比本程序旧：请管理员在更新后的程序中运行 cadre migrate 升级数据库，"
                      "然后再打开。")


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
    from alembic import command

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
                if not db.is_sqlite:
                    # Two 管理员 migrating at once: the second waits, then finds the schema current.
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(724201)")
                elif current is not None:
                    # Take the write lock first, with a write that changes nothing as the
                    # transaction's first statement (so the busy timeout applies): another
                    # program's write finishes before the migration, and none lands between the
                    # backup and the migration.
                    conn.exec_driver_sql("DELETE FROM alembic_version WHERE 0")
                if current is not None and db.is_sqlite:
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


SERVER_BACKUP = ("本程序只{what}本机的 SQLite 数据库文件；共享服务器（PostgreSQL）上的数据库请由服务器管理员用"
                 "服务器自己的备份工具{what}（如 pg_dump / pg_restore），未做任何改动。")


def backup(db: Database, out: str | Path) -> Path:
    """A consistent copy of the database (SQLite's online backup, safe while others write)."""
    out = Path(out)
    if not db.is_sqlite or db.path is None:
        raise DomainError(SERVER_BACKUP.format(what="备份"))
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
        raise DomainError(SERVER_BACKUP.format(what="恢复"))
    backups.check_backup_file(source)
    db.engine.dispose()
    safety = backups.restore_file(db.path, source)
    db.engine.dispose()
    try:
        migrate_database(db)
    except DomainError as e:
        raise DomainError(f"{e.message}（恢复前的数据已备份到：{safety}）") from None
    return safety
