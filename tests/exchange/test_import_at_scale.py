"""What keeps an import cheap at county scale, observed in the SQL it sends: an unchanged workbook
writes nothing, and checking a workbook looks cadres up by the ID numbers it names (in batches)
instead of loading the whole database."""

import re

from sqlalchemy import event, func, select

from cadre_desktop.core.exchange import exporter, importer
from cadre_desktop.core.exchange.workbook import SheetSource, WorkbookSource
from cadre_desktop.core.models import AuditEvent, Cadre

from conftest import write_xlsx

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def _statements(db):
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_a):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    return seen, lambda: event.remove(db.engine, "before_cursor_execute", record)


def test_reimporting_an_unchanged_export_writes_nothing(demo_db, demo_admin, tmp_path):
    path = tmp_path / "全县.xlsx"
    with demo_db.session() as s:
        exporter.export_workbook(s, actor=demo_admin, path=path)
        events = s.scalar(select(func.count()).select_from(AuditEvent))
    seen, stop = _statements(demo_db)
    try:
        with demo_db.session() as s:
            result = importer.run_import(s, actor=demo_admin, source=WorkbookSource.open(path))
    finally:
        stop()
    assert result.ok, result.errors[:3]
    assert all(added == 0 and updated == 0 for added, updated in result.counts.values()), result.counts
    writes = [st for st in seen if WRITE.match(st)]
    assert writes == [], writes[:3]
    with demo_db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_checking_a_workbook_looks_up_only_the_cadres_it_names(demo_db, demo_admin, tmp_path):
    with demo_db.session() as s:
        total = s.scalar(select(func.count()).select_from(Cadre))
        idn, name = s.execute(select(Cadre.id_number, Cadre.name).order_by(Cadre.id).limit(1)).one()
    path = tmp_path / "一人.xlsx"
    write_xlsx(path, {"年度考核": [["身份证号", "姓名", "年度", "考核结果"], [idn, name, 2019, "优秀"]]})
    seen, stop = _statements(demo_db)
    try:
        with demo_db.session() as s:
            result = importer.run_import(s, actor=demo_admin, source=WorkbookSource.open(path), dry_run=True)
    finally:
        stop()
    assert result.ok, result.errors[:3]
    assert total > 100
    cadre_reads = [st for st in seen if re.search(r"\bFROM cadre\b", st) and st.lstrip().upper().startswith("SELECT")]
    assert cadre_reads and all("WHERE" in st.upper() for st in cadre_reads), cadre_reads


def _resume_sheet(people, *, bad_last: bool = False):
    """Two 简历 rows per cadre, the second ones after every first one: each cadre's rows are
    scattered over a sheet longer than the importer's batches."""
    rows = [["身份证号", "姓名", "起始年月", "截止年月", "经历"]]
    rows += [[idn, name, "2001.09", "2005.07", f"{name}大学学习"] for idn, name in people]
    rows += [[idn, name, "2005.08", None, f"{name}参加工作"] for idn, name in people]
    if bad_last:
        rows[-1][2] = "2005.13"
    return rows


def test_a_big_sheet_with_each_cadres_rows_scattered_replaces_each_list_whole(demo_db, demo_admin, tmp_path):
    with demo_db.session() as s:
        people = s.execute(select(Cadre.id_number, Cadre.name).order_by(Cadre.id)).all()
    assert len(people) > importer.BATCH  # the sheet spans more than one batch of cadres
    bad = write_xlsx(tmp_path / "错.xlsx", {"简历": _resume_sheet(people, bad_last=True)})
    with demo_db.session() as s:
        before = s.scalar(select(func.count()).select_from(AuditEvent))
        result = importer.run_import(s, actor=demo_admin, source=WorkbookSource.open(bad))
        s.commit()
    assert [str(p) for p in result.errors] == [f"简历!{2 * len(people) + 1} 起始年月: “2005.13”不是有效的年月，应写作 1985.03"]
    assert not result.written
    with demo_db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == before

    good = write_xlsx(tmp_path / "全.xlsx", {"简历": _resume_sheet(people)})
    with demo_db.session() as s:
        result = importer.run_import(s, actor=demo_admin, source=WorkbookSource.open(good))
        s.commit()
    assert result.ok and result.written, result.errors[:3]
    assert sum(result.counts["简历"]) == len(people)
    _assert_resumes(demo_db, people)


def test_a_sheet_of_groups_that_can_be_read_only_once_is_checked_and_written_whole(demo_db, demo_admin):
    with demo_db.session() as s:
        people = s.execute(select(Cadre.id_number, Cadre.name).order_by(Cadre.id)).all()

    def once(**kw):
        headers, *rows = _resume_sheet(people, **kw)
        src = SheetSource("简历", headers, ((i + 2, r) for i, r in enumerate(rows)))
        assert not src.rereadable  # no second reading: the scattered groups are gathered in one batch
        return WorkbookSource([src], label="内存数据")

    with demo_db.session() as s:
        result = importer.run_import(s, actor=demo_admin, source=once(bad_last=True))
        s.commit()
    assert [str(p) for p in result.errors] == [f"简历!{2 * len(people) + 1} 起始年月: “2005.13”不是有效的年月，应写作 1985.03"]
    assert not result.written and not result.counts
    with demo_db.session() as s:
        result = importer.run_import(s, actor=demo_admin, source=once())
        s.commit()
    assert result.ok and result.written, result.errors[:3]
    assert result.rows["简历"] == 2 * len(people)
    assert sum(result.counts["简历"]) == len(people)
    _assert_resumes(demo_db, people)


def _assert_resumes(db, people) -> None:
    """Every 40th cadre has the two resume lines _resume_sheet gave them, in order."""
    with db.session() as s:
        for idn, name in people[:: max(1, len(people) // 40)]:
            cadre = s.scalars(select(Cadre).where(Cadre.id_number == idn)).one()
            assert [(str(r.start), r.text) for r in cadre.resumes] == [("2001.09", f"{name}大学学习"),
                                                                       ("2005.08", f"{name}参加工作")]
