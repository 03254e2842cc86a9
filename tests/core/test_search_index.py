"""Search through the trigram index and the department's order stored on the cadre, kept in step on
every write (save, rename, unit reorder, delete), on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm)."""

import pytest
from sqlalchemy import inspect, select, text

from cadre_desktop.core import search_index
from cadre_desktop.core.db import ordered_ids
from cadre_desktop.core.services import cadres, units

from conftest import make_id


def _add(s, actor, unit_id, name, seq, level="一般干部"):
    return cadres.save_cadre(s, actor=actor, data={"id_number": make_id("19900715", seq), "name": name,
                                                    "unit_id": unit_id, "level": level})


def _names(s, search="", **kw):
    ids = cadres.roster_ids(s, cadres.RosterFilter(search=search, **kw))
    return [r["name"] for r in cadres.roster_rows(s, ids)]


def test_the_engines_search_indexes_exist(db):
    """What include_object leaves out of the models' comparison (test_db.py) is there, per engine."""
    indexes = {ix["name"]: ix["column_names"] for ix in inspect(db.engine).get_indexes("cadre")}
    if db.is_sqlite:
        assert indexes["ix_cadre_roster_key"] == ["roster_key", "id", "search_text", "id_number"]
        assert indexes["ix_cadre_search_digits"] == ["id"]  # partial: the search texts holding a digit
        assert "cadre_fts" in inspect(db.engine).get_table_names()
    else:
        assert indexes["ix_cadre_roster_key"] == ["roster_key", "id"]
        with db.engine.connect() as conn:
            trgm = dict(conn.execute(text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cadre' AND indexname LIKE '%trgm'")).all())
        assert set(trgm) == {"ix_cadre_search_trgm", "ix_cadre_id_number_trgm"}
        assert all("gin" in d and "gin_trgm_ops" in d for d in trgm.values())


def test_the_trigram_index_exists_and_follows_every_write(db, admin, unit_id):
    with db.session() as s:
        cid = _add(s, admin, unit_id, "张伟强", "011")
        _add(s, admin, unit_id, "李芳", "023")
    with db.session() as s:
        # SQLite: three characters or more are answered from cadre_fts (a name, full pinyin,
        # initials, an ID fragment); PostgreSQL's LIKE uses the pg_trgm indexes itself
        assert search_index.has_fts(s) == db.is_sqlite
        assert search_index.sqlite_has_trigram()
        if db.is_sqlite:
            assert search_index.fts_ids(s, "weiq", with_id=True) == [cid]
        assert _names(s, "zhangwei") == ["张伟强"]
        assert _names(s, "张伟强") == ["张伟强"]
        assert _names(s, "ZWQ") == ["张伟强"]
        assert _names(s, "0715011") == ["张伟强"]
        # short queries walk the covering index
        assert _names(s, "zw") == ["张伟强"]
        assert _names(s, "芳") == ["李芳"]
    with db.session() as s:
        data = cadres.get_cadre(s, cid)
        data["name"] = "王建国"
        cadres.save_cadre(s, actor=admin, data=data, cadre_id=cid)
    with db.session() as s:
        assert _names(s, "zhangwei") == []
        assert _names(s, "wangjian") == ["王建国"]
        cadres.delete_cadre(s, actor=admin, cadre_id=cid)
    with db.session() as s:
        assert _names(s, "wangjian") == []
        if db.is_sqlite:
            assert s.execute(text("SELECT count(*) FROM cadre_fts WHERE cadre_fts MATCH '\"wangjian\"'")).scalar() == 0


def test_id_fragments_can_be_left_out_and_wildcards_are_literal(db, admin, unit_id):
    with db.session() as s:
        _add(s, admin, unit_id, "张伟强", "011")
    with db.session() as s:
        assert _names(s, "0715011") == ["张伟强"]
        assert _names(s, "zw0715", hide_numbers=True) == ["张伟强"]  # 查阅: digits are dropped
        if db.is_sqlite:
            assert search_index.fts_ids(s, "0715011", with_id=False) == []
        assert _names(s, "%") == [] and _names(s, "_") == [] and _names(s, "zh%") == []


@pytest.mark.sqlite_only  # the fallback from FTS5 to the scan; PostgreSQL's planner makes that choice
def test_a_common_fragment_falls_back_to_the_scan_with_the_same_answer(db, admin, unit_id, monkeypatch):
    with db.session() as s:
        for i in range(6):
            _add(s, admin, unit_id, f"张伟{'一二三四五六'[i]}", f"{i + 40:03d}")
    monkeypatch.setattr(search_index, "SELECTIVE", 3)
    with db.session() as s:
        assert search_index.fts_ids(s, "zhangwei", with_id=True) is None
        assert len(_names(s, "zhangwei")) == 6


def test_the_department_order_follows_units_levels_and_names(db, admin, unit_id):
    with db.session() as s:
        other = units.save_unit(s, actor=admin, name="县财政局", kind="县直部门", sort_order=5)
        units.save_unit(s, actor=admin, name="测试镇", kind="乡镇", sort_order=1, unit_id=unit_id)
        _add(s, admin, unit_id, "乙", "051")
        _add(s, admin, unit_id, "甲", "052", level="正科级")
        _add(s, admin, other, "丙", "053", level="县级领导")
    with db.session() as s:
        assert _names(s) == ["甲", "乙", "丙"]
        units.save_unit(s, actor=admin, name="县财政局", kind="县直部门", sort_order=0, unit_id=other)
    with db.session() as s:
        assert _names(s) == ["丙", "甲", "乙"]
        # the same order with a search on the scan path and on the trigram path
        assert _names(s, "一") == [] and _names(s, "0715") == ["丙", "甲", "乙"]
        c = cadres.get_cadre(s, cadres.roster_ids(s, cadres.RosterFilter(search="乙"))[0])
        c["level"] = "县级领导"
        cadres.save_cadre(s, actor=admin, data=c, cadre_id=c["id"])
    with db.session() as s:
        assert _names(s) == ["丙", "乙", "甲"]


@pytest.mark.sqlite_only  # FTS5's triggers; pg_trgm indexes need none
def test_triggers_dropped_by_a_table_rebuild_are_restored(db, admin, unit_id):
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER cadre_fts_ai")
        search_index.restore_triggers(conn)
    with db.session() as s:
        _add(s, admin, unit_id, "张伟强", "011")
    with db.session() as s:
        assert _names(s, "zhangwei") == ["张伟强"]


def _expected(s, query: str, *, with_id: bool = True) -> list[int]:
    """What a search selects by its definition (core.search): the lowered query is a substring of
    the stored search text, or, case aside, of the ID number; in the department's order."""
    from cadre_desktop.core.models import Cadre

    q = "".join(query.split()).lower()
    rows = s.execute(select(Cadre.id, Cadre.search_text, Cadre.id_number)
                     .order_by(Cadre.roster_key, Cadre.id)).all()
    return [i for i, st, idn in rows if q in st or (with_id and idn is not None and q in idn.lower())]


@pytest.mark.parametrize("selective", [5000, 0])  # 0: every query of 3+ characters walks the scan
def test_every_path_selects_what_the_definition_says(db, admin, unit_id, monkeypatch, selective):
    """The trigram path, the scan (instr on SQLite, LIKE on PostgreSQL) and the masked search agree
    with the definition, for ID numbers ending in X, upper-case queries and wildcards."""
    monkeypatch.setattr(search_index, "SELECTIVE", selective)
    with db.session() as s:
        other = units.save_unit(s, actor=admin, name="县财政局", kind="县直部门", sort_order=0)
        seqs = [f"{i:03d}" for i in range(1, 200)]
        x_seq = next(q for q in seqs if make_id("19850312", q).endswith("X"))
        cadres.save_cadre(s, actor=admin, data={"id_number": make_id("19850312", x_seq), "name": "单晓勇",
                                                "unit_id": other, "level": "正科级"})
        for i, name in enumerate(("张伟强", "李芳", "欧阳娜", "曾小红", "吕洋", "张伟")):
            _add(s, admin, unit_id if i % 2 else other, name, f"{i * 7 + 1:03d}")
    with db.session() as s:
        for query in ("x", "X", "2x", "12X", "0312", "1", "19", "0715", "zw", "ZWQ", "zhangwei", "伟",
                      "张伟", "shan", "dan", "sxy", "lv", "lu", "oy", "%", "_", "x%", "|", "q|", " zhang wei "):
            got = cadres.roster_ids(s, cadres.RosterFilter(search=query))
            assert got == _expected(s, query), query
        assert cadres.roster_ids(s, cadres.RosterFilter(search="x", hide_numbers=True)) == _expected(
            s, "x", with_id=False)
        assert cadres.roster_count(s, cadres.RosterFilter(search="zw")) == len(_expected(s, "zw"))
        # A name holding digits (normally none does: a query of digits then tests the ID number alone)
        if db.is_sqlite:
            assert not search_index.digits_in_search_text(s)
        _add(s, admin, unit_id, "张3丰", "190")
    with db.session() as s:
        if db.is_sqlite:
            assert search_index.digits_in_search_text(s)
        for query in ("3", "1", "19", "0312", "2x", "张3"):
            assert cadres.roster_ids(s, cadres.RosterFilter(search=query)) == _expected(s, query), query


def test_the_ids_come_back_in_the_order_of_every_sort(db, admin, unit_id):
    """roster_ids hands back the ids in the query's order (db.ordered_ids: on SQLite through one
    joined text), and ordered_ids gives what the plain query gives for every order."""
    import random

    from cadre_desktop.core.models import Cadre

    rng = random.Random(7)
    with db.session() as s:
        other = units.save_unit(s, actor=admin, name="县财政局", kind="县直部门", sort_order=0)
        names = ["张伟", "李芳", "王强", "赵敏", "钱进", "孙丽", "周杰", "吴昊", "郑爽", "冯源", "陈晨", "褚蓝"]
        rng.shuffle(names)
        for i, name in enumerate(names):
            _add(s, admin, rng.choice([unit_id, other]), name, f"{i * 2 + 1:03d}",
                 level=rng.choice(["一般干部", "正科级", "副科级"]))
    with db.session() as s:
        for sort in cadres.SORT_KEYS:
            for descending in (False, True):
                got = cadres.roster_ids(s, cadres.RosterFilter(), sort=sort, descending=descending)
                assert sorted(got) == sorted(s.scalars(select(Cadre.id)).all())
                assert len(got) == len(names)
        plain = s.scalars(select(Cadre.id).order_by(Cadre.roster_key, Cadre.id)).all()
        assert cadres.roster_ids(s, cadres.RosterFilter()) == plain
        by_name = s.scalars(select(Cadre.id).order_by(Cadre.name.desc(), Cadre.roster_key, Cadre.id)).all()
        assert cadres.roster_ids(s, cadres.RosterFilter(), sort="name", descending=True) == by_name
        assert cadres.roster_ids(s, cadres.RosterFilter(search="zzz")) == []
        for keys in ((Cadre.roster_key, Cadre.id), (Cadre.name.desc(), Cadre.id), (Cadre.birth, Cadre.id.desc()),
                     (Cadre.level.desc(), Cadre.name)):
            q = select(Cadre.id).order_by(*keys)
            assert ordered_ids(s, q) == s.scalars(q).all()
        q = select(Cadre.unit_id).order_by(Cadre.name, Cadre.id)  # another column than "id"
        assert ordered_ids(s, q) == s.scalars(q).all()
        assert ordered_ids(s, select(Cadre.id).where(Cadre.id < 0).order_by(Cadre.id)) == []


def test_one_search_asks_once_whether_a_search_text_holds_digits(db, admin, unit_id):
    """The roster's ids and count of one search share one answer (SQLite reads it from the partial
    index); a cadre saved with a digit in the search text since, in the same session or another,
    is found by the next search, on both engines."""
    from sqlalchemy import event

    from cadre_desktop.core.models import Cadre

    asked = []

    def count(conn, cursor, statement, *_a):
        if search_index.DIGITS_WHERE in statement:
            asked.append(statement)

    with db.session() as s:
        for i, name in enumerate(("张伟", "李芳", "王强")):
            _add(s, admin, unit_id, name, f"{i * 2 + 1:03d}")
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.session() as s:
            flt = cadres.RosterFilter(search="38")
            assert cadres.roster_ids(s, flt) == _expected(s, "38") == []
            assert cadres.roster_count(s, flt) == 0
            assert len(asked) == (1 if db.is_sqlite else 0)
            new = _add(s, admin, unit_id, "赵38", "007")  # written in this transaction, then searched
            assert cadres.roster_ids(s, flt) == _expected(s, "38") == [new]
            assert cadres.roster_count(s, flt) == 1
            assert len(asked) == (2 if db.is_sqlite else 0)
            s.get(Cadre, new).search_text = "zhao"  # not flushed yet: the search flushes it first
            assert cadres.roster_ids(s, flt) == []
        with db.session() as s:
            assert cadres.roster_ids(s, cadres.RosterFilter(search="49")) == []
        with db.session() as s:  # another session renames a cadre to a name with digits
            c = cadres.get_cadre(s, cadres.roster_ids(s, cadres.RosterFilter(search="李芳"))[0])
            c["name"] = "李芳49"
            cadres.save_cadre(s, actor=admin, data=c, cadre_id=c["id"])
        with db.session() as s:
            assert cadres.roster_ids(s, cadres.RosterFilter(search="49")) == _expected(s, "49") == [c["id"]]
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
