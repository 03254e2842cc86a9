"""The index that serves substring search over cadres (what core.search stores, and ID numbers).

SQLite (>= 3.34): an FTS5 table with the trigram tokenizer over cadre(search_text, id_number), kept in
step by triggers; PostgreSQL: pg_trgm GIN indexes on the same columns (migration 0010). A query of
three characters or more that few cadres match is answered from the trigram index; a short or a
very common one (an ID number's region prefix matches everyone) walks the covering index
(roster_key, id, search_text, id_number) in the department's order, which costs one pass over a
narrow index whatever it matches.
"""

from __future__ import annotations

import sqlite3
import weakref

from sqlalchemy import event
from sqlalchemy.orm import Session

FTS_TABLE = ("CREATE VIRTUAL TABLE cadre_fts USING fts5(search_text, id_number, content='cadre', "
             "content_rowid='id', tokenize='trigram')")
FTS_TRIGGERS = {
    "cadre_fts_ai": """CREATE TRIGGER cadre_fts_ai AFTER INSERT ON cadre BEGIN
  INSERT INTO cadre_fts(rowid, search_text, id_number) VALUES (new.id, new.search_text, new.id_number);
END""",
    "cadre_fts_ad": """CREATE TRIGGER cadre_fts_ad AFTER DELETE ON cadre BEGIN
  INSERT INTO cadre_fts(cadre_fts, rowid, search_text, id_number) VALUES ('delete', old.id, old.search_text, old.id_number);
END""",
    "cadre_fts_au": """CREATE TRIGGER cadre_fts_au AFTER UPDATE OF search_text, id_number ON cadre BEGIN
  INSERT INTO cadre_fts(cadre_fts, rowid, search_text, id_number) VALUES ('delete', old.id, old.search_text, old.id_number);
  INSERT INTO cadre_fts(rowid, search_text, id_number) VALUES (new.id, new.search_text, new.id_number);
END""",
}
REBUILD = "INSERT INTO cadre_fts(cadre_fts) VALUES ('rebuild')"
# Above this many matches the trigram index is slower than walking the covering index.
SELECTIVE = 5000


_HAS_FTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

# What migration 0010 builds beside the models, differently on each engine: the FTS5 table and its
# shadow tables (SQLite), the pg_trgm GIN indexes (PostgreSQL) and the roster_key index (covering
# the search columns on SQLite, (roster_key, id) on PostgreSQL). The models cannot state these, so
# Alembic's comparison of the database with the models leaves them out (include_object below);
# tests/core/test_search_index.py checks that they exist on each engine.
ENGINE_INDEXES = frozenset({"ix_cadre_roster_key", "ix_cadre_search_trgm", "ix_cadre_id_number_trgm",
                            "ix_cadre_search_digits"})

# SQLite (migration 0011): the cadres whose search text holds a digit, normally none. A query of
# digits is in no search text when none does, and the scan then tests only the ID number.
DIGITS_WHERE = "search_text GLOB '*[0-9]*'"
DIGITS_INDEX = f"CREATE INDEX ix_cadre_search_digits ON cadre (id) WHERE {DIGITS_WHERE}"


_DIGITS = "cadre_digits_in_search_text"  # session.info: (the transaction asked in, the answer)


def digits_in_search_text(session) -> bool:
    """Whether any cadre's search text holds a digit (SQLite: read from the partial index, in the
    transaction of the caller's query, so both see one snapshot). Asked once per transaction: the
    queries of one search (the roster's ids, its count, anything else built with roster._where in
    the session) share the answer. A write through the session (a flush, or an INSERT, UPDATE or
    DELETE it executes) and the end of a transaction or savepoint forget it, so a search after a
    change sees the change."""
    if session.autoflush:
        session.flush()  # what the caller's query will see: its own autoflush comes after this answer
    conn = session.connection()
    transaction = session.get_transaction()
    known = session.info.get(_DIGITS)
    if known is not None and known[0] is transaction:
        return known[1]
    found = conn.exec_driver_sql(f"SELECT 1 FROM cadre WHERE {DIGITS_WHERE} LIMIT 1").first() is not None
    session.info[_DIGITS] = (transaction, found)
    return found


def _forget_digits(session, *_args) -> None:
    if _DIGITS in session.info:
        del session.info[_DIGITS]


def _forget_digits_on_write(state) -> None:
    if not state.is_select and _DIGITS in state.session.info:
        del state.session.info[_DIGITS]


# On the Session class, once (as services.audit's listeners): a listener on each session would cost
# more than the query it saves.
for _name in ("after_flush", "after_transaction_end"):
    if not event.contains(Session, _name, _forget_digits):
        event.listen(Session, _name, _forget_digits)
if not event.contains(Session, "do_orm_execute", _forget_digits_on_write):
    event.listen(Session, "do_orm_execute", _forget_digits_on_write)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object hook: skip the search index's engine-specific objects."""
    if type_ == "table" and name and (name == "cadre_fts" or name.startswith("cadre_fts_")):
        return False
    if type_ == "index" and name in ENGINE_INDEXES:
        return False
    return True


def sqlite_has_trigram() -> bool:
    return sqlite3.sqlite_version_info >= (3, 34, 0)


def create_sqlite(conn) -> None:
    conn.exec_driver_sql(FTS_TABLE)
    for ddl in FTS_TRIGGERS.values():
        conn.exec_driver_sql(ddl)
    conn.exec_driver_sql(REBUILD)


def restore_triggers(conn) -> None:
    """A later migration that rebuilds the cadre table (Alembic's batch mode on SQLite) drops the
    triggers that keep cadre_fts in step: put them back and rebuild the index."""
    names = {n for (n,) in conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE name LIKE 'cadre_fts%' AND type IN ('table', 'trigger')")}
    if "cadre_fts" not in names:
        return
    missing = [ddl for name, ddl in FTS_TRIGGERS.items() if name not in names]
    for ddl in missing:
        conn.exec_driver_sql(ddl)
    if missing:
        conn.exec_driver_sql(REBUILD)


def has_fts(session) -> bool:
    """Whether this database has the trigram table (cached on the engine)."""
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    cached = _HAS_FTS.get(engine)
    if cached is None:
        cached = bool(engine.dialect.name == "sqlite" and session.connection().exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cadre_fts'").first())
        _HAS_FTS[engine] = cached
    return cached


def fts_phrase(query: str, *, with_id: bool) -> str:
    phrase = '"' + query.replace('"', '""') + '"'
    return phrase if with_id else "search_text : " + phrase


def fts_ids(session, query: str, *, with_id: bool) -> list[int] | None:
    """Ids of the cadres whose text holds `query` (3+ characters), or None when more than
    SELECTIVE match (the caller then walks the covering index instead)."""
    ids = [r for (r,) in session.connection().exec_driver_sql(
        "SELECT rowid FROM cadre_fts WHERE cadre_fts MATCH ? LIMIT ?",
        (fts_phrase(query, with_id=with_id), SELECTIVE + 1))]
    return None if len(ids) > SELECTIVE else ids


def fts_selective(session, query: str, *, with_id: bool) -> bool:
    """Whether at most SELECTIVE cadres hold `query` (3+ characters): counted inside SQLite, which
    reads the trigram lists without handing a row to Python."""
    return session.connection().exec_driver_sql(
        "SELECT count(*) FROM (SELECT rowid FROM cadre_fts WHERE cadre_fts MATCH ? LIMIT ?)",
        (fts_phrase(query, with_id=with_id), SELECTIVE + 1)).scalar() <= SELECTIVE


def fts_rowids(query: str, *, with_id: bool):
    """The SELECT of the ids whose text holds `query`, for `cadre.id IN (…)`: the ids stay inside
    the database (no list of thousands of bound values built and parsed per keystroke)."""
    from sqlalchemy import Integer, column, text

    return text("SELECT rowid FROM cadre_fts WHERE cadre_fts MATCH :phrase").bindparams(
        phrase=fts_phrase(query, with_id=with_id)).columns(column("rowid", Integer))
