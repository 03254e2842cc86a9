"""Backup and restore as a 管理员 runs them from the window or the command line: the role check,
the work (core/backups.py, through core/db.py) and the audit event, in one place."""

from __future__ import annotations

from pathlib import Path

from ..db import Database, backup, restore
from . import audit
from .accounts import Actor, require


def backup_database(db: Database, *, actor: Actor, out: str | Path) -> Path:
    require(actor, "admin")
    path = backup(db, out)
    with db.session() as s:
        audit.record(s, actor, "备份", "database", None, str(path), None, {"备份文件": str(path)})
    return path


def restore_database(db: Database, *, actor: Actor, source: str | Path) -> Path:
    """Check the backup, back up the current state, restore; the audit event of the restore is
    written into the restored database, so it survives the restore. Returns the safety copy."""
    require(actor, "admin")
    safety = restore(db, source)
    with db.session() as s:
        audit.record(s, actor, "恢复", "database", None, str(source), None,
                     {"恢复自": str(source), "恢复前备份": str(safety)})
    return safety
