"""The reads behind the paged list pages (ui.page_kit.PagedList): for every filter, the ids in
order and their rows read a block at a time are exactly the whole list, on both engines."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from cadre_desktop.core.db import ordered_ids
from cadre_desktop.core.models import Attendance, CareRecord, MentorPair, Posting, Visit
from cadre_desktop.core.services import careers, development, mentoring, welfare


def paged(rows_of, session, ids, block: int = 7) -> list[dict]:
    out = []
    for k in range(0, len(ids), block):
        out += rows_of(session, ids[k:k + block])
    return out


def same(whole: list[dict], ids: list[int], rows: list[dict]) -> None:
    assert ids == [r["id"] for r in whole]
    assert rows == whole


def test_pairs_paged_equal_the_list_with_every_filter(demo_db):
    today = dt.date.today()
    with demo_db.session() as s:
        some = mentoring.list_pairs(s)[3]
        for flt in ({}, {"overdue_only": True}, {"active": True}, {"active": False}, {"kind": mentoring.KINDS[1]},
                    {"search": some["mentee"]}, {"search": some["mentor_id_number"][-6:]}):
            whole = mentoring.list_pairs(s, today=today, **flt)
            ids = mentoring.pair_ids(s, today=today, **flt)
            same(whole, ids, paged(lambda s_, b: mentoring.pair_rows(s_, b, today), s, ids))
        assert mentoring.overdue_count(s, today) == len(mentoring.overdue(s, today)) > 0
        assert mentoring.pair_rows(s, [-1, some["id"]]) == [dict(some)]


def test_care_visits_postings_appointments_paged_equal_their_lists(demo_db):
    with demo_db.session() as s:
        year = welfare.care_years(s)[0]
        for flt in ({}, {"year": year}, {"kind": welfare.CARE_KINDS[0]}, {"text": "张"}):
            ids = welfare.care_ids(s, **flt)
            same(welfare.list_care(s, **flt), ids, paged(welfare.care_rows, s, ids))
        for flt in ({}, {"year": welfare.visit_years(s)[0]}, {"category": welfare.VISIT_CATEGORIES[0]}, {"text": "李"}):
            ids = welfare.visit_ids(s, **flt)
            whole = welfare.list_visits(s, **flt)
            same(whole, ids, paged(welfare.visit_rows, s, ids))
            people = {(v["id_number"], "") if v["id_number"] else ("", v["name"]) for v in whole}
            amount = sum(v["amount"] for v in whole if v["amount"] is not None)
            assert welfare.visit_totals(s, **flt) == {"count": len(whole), "people": len(people), "amount": amount}
        for flt in (development.PostingFilter(), development.PostingFilter(under_way=True),
                    development.PostingFilter(kind=development.POSTING_KINDS[0], search="王")):
            ids = development.posting_ids(s, flt)
            whole = development.list_postings(s, flt)
            same(whole, ids, paged(lambda s_, b: development.posting_rows(s_, b, flt.today), s, ids))
            assert development.posting_people(s, flt) == len({r["cadre_id"] for r in whole})
        batch = careers.list_batches(s)[0]["batch"]
        for flt in ({}, {"batch": batch}, {"no_batch": True}, {"frontline": True}, {"text": "副"}):
            ids = careers.appointment_ids(s, **flt)
            same(careers.list_appointments(s, **flt), ids, paged(careers.appointment_rows, s, ids))


def test_a_class_list_paged_equals_the_list(demo_db):
    with demo_db.session() as s:
        for c in development.list_classes(s)[:3]:
            whole = development.list_attendances(s, c["id"])
            ids = development.attendance_ids(s, c["id"])
            same(whole, ids, paged(development.attendance_rows, s, ids))
            summary = development.attendance_summary(s, c["id"])
            assert (summary["count"], summary["completed"]) == (len(whole), sum(r["completed"] for r in whole))
            assert sorted(summary["cadre_ids"]) == sorted(r["cadre_id"] for r in whole)
        assert development.attendance_rows(s, []) == [] == development.attendance_rows(s, [-5])


def test_the_ids_read_as_one_text_equal_the_plain_query(demo_db):
    """db.ordered_ids (on SQLite one group_concat over the ordered query) gives the rows of the
    plain query, in order, for the queries behind the paged lists' ids."""
    today = dt.date.today()
    with demo_db.session() as s:
        queries = [
            mentoring._pairs_select(lambda *_a: (MentorPair.id,), kind=None, active=None, search="",
                                    today=today),
            welfare._care_select((CareRecord.id,), kind=None, year=None, text=None),
            welfare._care_select((CareRecord.id,), kind=None, year=None, text="张"),
            select(Visit.id).where(*welfare._visit_query(None, None, None)).order_by(*welfare._VISIT_ORDER),
            development._postings_select((Posting.id,), development.PostingFilter()),
            careers._appointments_select(ids_only=True),
            *(development._attendance_select((Attendance.id,), c["id"]) for c in development.list_classes(s)[:2]),
        ]
        for q in queries:
            plain = s.scalars(q).all()
            assert plain and ordered_ids(s, q) == plain
        assert ordered_ids(s, welfare._care_select((CareRecord.id,), kind=None, year=None, text="不存在的人")) == []
