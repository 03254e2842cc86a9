"""Backups of a local SQLite database: consistent copies, automatic rotating copies (before a
migration, a restore or an import, and once a day), checking a file before it is restored, and
restoring it in one transaction under the database's write lock.

A restore never replaces the file under other connections: it takes the write lock (waiting for
work in progress, or refusing when that does not finish), copies the current state aside while it
holds the lock, and rewrites the database's tables from the backup in the same transaction. A
crash at any moment leaves the old state or the new one, nothing in between, and no work that was
reported done is lost without being in the safety copy.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from .values import DomainError

SQLITE_HEADER = b"SQLite format 3\x00"
REASONS = {"migrate": "迁移前备份", "restore": "恢复前备份", "import": "导入前备份", "daily": "每日备份"}
DEFAULT_KEEP = 10
RESTORE_WAIT_SECONDS = 30.0


# --- files --------------------------------------------------------------------------------


def _ro_uri(path: Path) -> str:
    return f"file:{quote(str(path))}?mode=ro"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open a folder; its rename is durable enough
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def copy_database(source: sqlite3.Connection, out: Path) -> Path:
    """Write a consistent copy of `source` (its main database) to `out`, atomically: through a
    `.part` file that is synced and renamed, so a crash never leaves a half file under `out`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    for stale in (tmp, tmp.with_name(tmp.name + "-journal")):
        stale.unlink(missing_ok=True)
    try:
        dst = sqlite3.connect(str(tmp))
        try:
            source.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
        _fsync(tmp)
        os.replace(tmp, out)
        _fsync_dir(out.parent)
    except BaseException:
        if tmp.exists():
            tmp.unlink()
        raise
    return out


def file_problem(path: Path) -> str | None:
    """Why `path` cannot be an SQLite database at all (a folder, another kind of file), or None."""
    if path.is_dir():
        return f"“{path}”是一个文件夹，不是数据库文件。"
    if not path.exists() or path.stat().st_size == 0:
        return None
    with open(path, "rb") as f:
        head = f.read(len(SQLITE_HEADER))
    if head != SQLITE_HEADER:
        return f"“{path.name}”不是本程序的数据库文件（不是 SQLite 数据库），未做任何改动。"
    return None


def check_database_file(path: Path) -> None:
    """Refuse to open a file that is not this program's database, before anything is written to it:
    not SQLite, damaged, or another program's SQLite file (tables, but no schema stamp of ours)."""
    problem = file_problem(path)
    if problem:
        raise DomainError(problem)
    where = path if path.exists() else path.parent
    if where.exists() and (not os.access(where, os.W_OK) or not os.access(path.parent, os.W_OK)):
        raise DomainError(f"数据库“{path}”或它所在的文件夹是只读的（只读磁盘或没有写权限）。本程序需要写入数据库"
                          "（登录、保存、操作记录），请把数据库复制到可写的位置，或请管理员修改权限。")
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        con = sqlite3.connect(_ro_uri(path), uri=True)
        try:
            tables = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        raise DomainError(f"无法打开数据库“{path.name}”：文件已损坏或不是数据库（{e}）。") from None
    if tables and "alembic_version" not in tables:
        shown = "、".join(tables[:5]) + ("…" if len(tables) > 5 else "")
        raise DomainError(f"“{path.name}”是其他程序的数据库（其中有数据表：{shown}），不是本程序的数据库，"
                          "未做任何改动。请用 --db 指定本程序的数据库文件或一个新文件名。")


_TABLES_AT: dict[str, set[str]] = {}


def tables_at(revision: str) -> set[str]:
    """The tables a database at `revision` has: migrate an empty in-memory database to it."""
    if revision not in _TABLES_AT:
        from alembic import command
        from sqlalchemy import create_engine, inspect

        from .db import alembic_config

        engine = create_engine("sqlite://")
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            _TABLES_AT[revision] = set(inspect(conn).get_table_names())
        engine.dispose()
    return _TABLES_AT[revision]


def check_backup_file(path: str | Path) -> str:
    """Return the schema revision of a backup file, or raise DomainError saying why it cannot be
    restored: missing, not SQLite, damaged pages, another program's file, no schema stamp, a
    schema newer than this program, or a table missing."""
    from .db import known_revisions

    path = Path(path)
    if not path.is_file():
        raise DomainError(f"找不到备份文件：{path}")
    name = path.name
    if file_problem(path) or path.stat().st_size == 0:
        raise DomainError(f"“{name}”不是本程序的数据库备份文件（不是 SQLite 数据库），未做任何改动。")
    try:
        con = sqlite3.connect(_ro_uri(path), uri=True)
        try:
            result = [r[0] for r in con.execute("PRAGMA integrity_check(20)")]
            if result != ["ok"]:
                raise DomainError(f"备份文件“{name}”已损坏（完整性检查未通过：{result[0]}），未做任何改动。")
            tables = {r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")}
            if "alembic_version" not in tables:
                if tables:
                    raise DomainError(f"“{name}”不是本程序的数据库备份文件（没有本程序的版本标记），未做任何改动。")
                raise DomainError(f"“{name}”是一个空数据库，不是本程序的数据库备份文件，未做任何改动。")
            stamps = [r[0] for r in con.execute("SELECT version_num FROM alembic_version")]
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        raise DomainError(f"备份文件“{name}”已损坏或不是数据库（{e}），未做任何改动。") from None
    if len(stamps) != 1:
        raise DomainError(f"备份文件“{name}”的版本标记缺失或不唯一，无法确认其结构，未做任何改动。")
    revision = stamps[0]
    if revision not in known_revisions():
        raise DomainError(f"备份文件“{name}”的数据库版本（{revision}）比本程序新或不是本程序的版本，"
                          "请升级程序后再恢复；未做任何改动。")
    missing = sorted(tables_at(revision) - tables)
    if missing:
        raise DomainError(f"备份文件“{name}”不完整：缺少数据表 {'、'.join(missing)}，未做任何改动。")
    return revision


# --- automatic backups ------------------------------------------------------------------


def backup_folder(db_path: Path) -> Path:
    return db_path.with_name(f"{db_path.stem}.自动备份")


def keep_count(db_path: Path) -> int:
    """How many automatic backups to keep (the setting `backup_keep`; default 10)."""
    try:
        con = sqlite3.connect(_ro_uri(db_path), uri=True)
        try:
            row = con.execute("SELECT value FROM setting WHERE key='backup_keep'").fetchone()
        finally:
            con.close()
        value = int(json.loads(row[0])) if row else DEFAULT_KEEP
    except (sqlite3.Error, ValueError, TypeError):
        value = DEFAULT_KEEP
    return max(1, value)


def automatic_backups(db_path: Path) -> list[Path]:
    """The automatic backups of a database, oldest first."""
    folder = backup_folder(db_path)
    if not folder.is_dir():
        return []
    files = [p for p in folder.glob(f"{db_path.stem}.*{db_path.suffix}") if p.is_file()]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))


def _auto_path(db_path: Path, reason: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = backup_folder(db_path)
    out = folder / f"{db_path.stem}.{REASONS[reason]}-{stamp}{db_path.suffix}"
    n = 2
    while out.exists():
        out = folder / f"{db_path.stem}.{REASONS[reason]}-{stamp}-{n}{db_path.suffix}"
        n += 1
    return out


def tidy(db_path: Path) -> None:
    """Remove the `.part` files a killed backup left in the backup folder, with the journal SQLite
    keeps beside a `.part` while the copy is being written (`….part-journal`)."""
    folder = backup_folder(db_path)
    if folder.is_dir():
        for pattern in ("*.part", "*.part-journal", "*.part-wal", "*.part-shm"):
            for part in folder.glob(pattern):
                part.unlink(missing_ok=True)


def rotate(db_path: Path) -> None:
    """Keep the newest `backup_keep` automatic backups; remove the rest and any `.part` left by a
    backup that was killed."""
    tidy(db_path)
    files = automatic_backups(db_path)
    for old in files[: max(0, len(files) - keep_count(db_path))]:
        old.unlink(missing_ok=True)


def auto_backup(db_path: Path | None, reason: str) -> Path | None:
    """An automatic backup into the database's backup folder, then rotation. Returns its path,
    or None for a database that is not a local SQLite file with data."""
    if db_path is None or not db_path.is_file() or db_path.stat().st_size == 0:
        return None
    out = _auto_path(db_path, reason)
    con = sqlite3.connect(_ro_uri(db_path), uri=True)
    try:
        copy_database(con, out)
    finally:
        con.close()
    rotate(db_path)
    return out


def daily_backup(db_path: Path | None) -> Path | None:
    """The first start of a day backs the database up (when it has data and no backup today)."""
    if db_path is None or not db_path.is_file() or db_path.stat().st_size == 0:
        return None
    today = dt.date.today().strftime("%Y%m%d")
    if any(f"-{today}-" in p.name for p in automatic_backups(db_path)):
        return None
    return auto_backup(db_path, "daily")


# --- restore -----------------------------------------------------------------------------


def restore_file(db_path: Path, source: Path, *, wait_seconds: float = RESTORE_WAIT_SECONDS) -> Path:
    """Replace the database's contents with a checked backup, in one transaction under the write
    lock. The state just before (everything committed until the lock was taken) is copied to the
    backup folder first; returns that copy's path."""
    check_backup_file(source)
    try:
        con = sqlite3.connect(str(db_path), timeout=wait_seconds, isolation_level=None)
    except sqlite3.Error as e:
        raise DomainError(f"无法打开数据库：{e}") from None
    try:
        con.execute("PRAGMA foreign_keys=OFF")
        con.execute("ATTACH DATABASE ? AS src", (_ro_uri(source),))
        try:
            con.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            raise DomainError(f"数据库正被其他操作写入（如导入或保存），等待 {wait_seconds:.0f} 秒仍未结束，"
                              "已取消恢复，未做任何改动；请稍后再试。") from None
        try:
            # The safety copy is taken while this connection holds the write lock, through a
            # second (reading) connection: no other writer can commit meanwhile, so every
            # change reported done is in it.
            safety = _auto_path(db_path, "restore")
            reader = sqlite3.connect(_ro_uri(db_path), uri=True)
            try:
                copy_database(reader, safety)
            finally:
                reader.close()
            _replace_contents(con)
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        con.execute("DETACH DATABASE src")
    finally:
        con.close()
    rotate(db_path)
    return safety


def _replace_contents(con: sqlite3.Connection) -> None:
    """Inside the caller's transaction: drop main's schema objects and rebuild them and their rows
    from the attached `src`."""
    q = lambda name: '"' + name.replace('"', '""') + '"'  # noqa: E731
    # A virtual table (the FTS5 search index) owns shadow tables: it is dropped and created as one,
    # and rebuilt from its content table after the rows are in.
    for (name,) in con.execute("SELECT name FROM main.sqlite_master WHERE type = 'table' "
                               "AND sql LIKE 'CREATE VIRTUAL TABLE%'").fetchall():
        con.execute(f"DROP TABLE main.{q(name)}")
    old = con.execute("SELECT type, name FROM main.sqlite_master "
                      "WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%'").fetchall()
    for kind, name in old:
        if kind == "view":
            con.execute(f"DROP VIEW main.{q(name)}")
    for kind, name in old:
        if kind == "table":
            con.execute(f"DROP TABLE main.{q(name)}")
    objects = con.execute("SELECT type, name, sql FROM src.sqlite_master "
                          "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'").fetchall()
    virtual = [n for t, n, sql in objects if t == "table" and sql.upper().startswith("CREATE VIRTUAL TABLE")]
    shadow = {n for t, n, _ in objects if t == "table" and any(n.startswith(v + "_") for v in virtual)}
    objects = [o for o in objects if o[1] not in shadow]
    order = {"table": 0, "index": 1, "view": 2, "trigger": 3}
    tables = [n for t, n, _ in objects if t == "table" and n not in virtual]
    for kind, _name, sql in sorted(objects, key=lambda o: order.get(o[0], 9)):
        if kind == "table":
            con.execute(sql)
    for name in tables:
        con.execute(f"INSERT INTO main.{q(name)} SELECT * FROM src.{q(name)}")
    for kind, _name, sql in sorted(objects, key=lambda o: order.get(o[0], 9)):
        if kind != "table":
            con.execute(sql)
    for name in virtual:
        con.execute(f"INSERT INTO main.{q(name)}({q(name)}) VALUES ('rebuild')")
    has_seq = con.execute("SELECT 1 FROM src.sqlite_master WHERE name='sqlite_sequence'").fetchone()
    if has_seq and con.execute("SELECT 1 FROM main.sqlite_master WHERE name='sqlite_sequence'").fetchone():
        con.execute("DELETE FROM main.sqlite_sequence")
        con.execute("INSERT INTO main.sqlite_sequence SELECT * FROM src.sqlite_sequence")
    problems = con.execute("PRAGMA main.foreign_key_check").fetchall()
    if problems:
        raise DomainError(f"备份文件中有 {len(problems)} 处引用了不存在的记录（表 {problems[0][0]}），"
                          "已取消恢复，未做任何改动。")
