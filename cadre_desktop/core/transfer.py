"""Moving a county's database to another engine (`cadre migrate-to URL`), e.g. from the SQLite
file on one PC to the shared PostgreSQL server: every record and the audit chain are copied as
they are, then both databases are compared table by table (row count and a digest of every row).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import delete, func, insert, inspect, select, text

from .db import Database, head_revision, migrate_database
from .models import Base
from .values import DomainError, Month

BATCH = 500


@dataclass
class TableCheck:
    table: str
    source_rows: int
    target_rows: int
    source_digest: str
    target_digest: str

    @property
    def same(self) -> bool:
        return self.source_rows == self.target_rows and self.source_digest == self.target_digest


def _plain(value):
    if isinstance(value, Month):
        return value.code
    if isinstance(value, (bytes, bytearray, memoryview)):
        return hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, bool):
        return int(value)
    return value


def table_digest(db: Database, table) -> tuple[int, str]:
    """(row count, SHA-256 over every row in primary-key order) — the same on both engines."""
    h = hashlib.sha256()
    n = 0
    order = list(table.primary_key.columns)
    with db.engine.connect() as conn:
        for row in conn.execute(select(table).order_by(*order)):
            h.update(json.dumps([_plain(v) for v in row], ensure_ascii=False, default=str).encode("utf-8"))
            h.update(b"\n")
            n += 1
    return n, h.hexdigest()


def compare(source: Database, target: Database) -> list[TableCheck]:
    out = []
    for table in Base.metadata.sorted_tables:
        sn, sd = table_digest(source, table)
        tn, td = table_digest(target, table)
        out.append(TableCheck(table.name, sn, tn, sd, td))
    return out


def _has_records(db: Database) -> bool:
    names = set(inspect(db.engine).get_table_names())
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in names and table.name != "audit_head":
                if conn.execute(select(func.count()).select_from(table)).scalar():
                    return True
    return False


def migrate_to(source: Database, target: Database, progress: Callable[[str, int], None] | None = None
               ) -> list[TableCheck]:
    """Copy everything from `source` into the empty `target`, then compare the two.

    Refused if the target already holds records (nothing is overwritten) or if the source is not
    at the current schema. Returns the comparison, one entry per table.
    """
    if source.current_revision() != head_revision():
        raise DomainError("源数据库不是当前版本：请先在源数据库上运行 cadre migrate。")
    if _has_records(target):
        raise DomainError("目标数据库已有数据：cadre migrate-to 只迁入一个空的数据库，未写入任何内容。")
    migrate_database(target)
    with source.engine.connect() as src, target.engine.begin() as dst:
        for table in reversed(Base.metadata.sorted_tables):
            dst.execute(delete(table))  # what the migration itself wrote (the empty chain's head)
        for table in Base.metadata.sorted_tables:
            rows = src.execute(select(table)).mappings()
            count = 0
            while chunk := rows.fetchmany(BATCH):
                dst.execute(insert(table), [dict(r) for r in chunk])
                count += len(chunk)
            if progress:
                progress(table.name, count)
        if dst.dialect.name == "postgresql":
            _reset_sequences(dst)
    return compare(source, target)


def _reset_sequences(conn) -> None:
    """Ids were copied as they are; the server's id sequences must start after them."""
    for table in Base.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or pk[0].name != "id":
            continue
        seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}).scalar()
        if seq:
            conn.execute(text(f'SELECT setval(:s, COALESCE((SELECT max(id) FROM "{table.name}"), 0) + 1, false)'),
                         {"s": seq})
