"""A save of a cadre says what it changed (cadres.Saved), so the window refreshes only the views
that show it; a save that changes nothing writes nothing and says so."""

from __future__ import annotations

import pytest

from cadre_desktop.core.services import audit, cadres, units
from cadre_desktop.core.values import Month

from tests.conftest import make_id


def events(db) -> int:
    with db.session() as s:
        return audit.count_events(s)


def save(db, admin, cadre_id, **data) -> cadres.Saved:
    with db.session() as s:
        version = cadres.get_cadre(s, cadre_id)["version"]
        return cadres.save_cadre_changes(s, actor=admin, data=data, cadre_id=cadre_id, version=version)


@pytest.mark.both_engines
def test_a_save_returns_the_fields_and_lists_it_changed(db, admin, cadre_id, unit_id):
    before = events(db)
    post = save(db, admin, cadre_id, post="青山镇镇长", name="单雄信")  # the name as it was
    assert post == cadres.Saved(cadre_id, created=False, changed=frozenset({"post"}))
    assert post.entities() == {"cadre"} and events(db) == before + 1

    resumes = [{"start": Month(2012, 7), "end": Month(2020, 1), "text": "青山镇副镇长"}]
    listed = save(db, admin, cadre_id, resumes=resumes, family=[])  # family was empty already
    assert listed.changed == {"resumes"} and listed.entities() == {"cadre", "resume"}

    with db.session() as s:
        other = units.save_unit(s, actor=admin, name="柳溪镇", kind="乡镇", sort_order=2)
    moved = save(db, admin, cadre_id, unit_id=other)
    assert moved.changed == {"unit_id"} and moved.entities() == {"cadre", "unit"}  # the head counts moved
    assert save(db, admin, cadre_id, status="退休").entities() == {"cadre", "unit"}


@pytest.mark.both_engines
def test_a_save_that_changes_nothing_writes_nothing(db, admin, cadre_id):
    with db.session() as s:
        data = cadres.get_cadre(s, cadre_id)
    before = events(db)
    nothing = save(db, admin, cadre_id, **{k: v for k, v in data.items() if k not in ("id", "version")})
    assert nothing.changed == frozenset() and nothing.entities() == set()
    assert events(db) == before
    with db.session() as s:
        assert cadres.get_cadre(s, cadre_id)["version"] == data["version"]


def test_a_new_cadre_is_created_with_what_it_was_given(db, admin, unit_id):
    with db.session() as s:
        new = cadres.save_cadre_changes(s, actor=admin, data={
            "id_number": make_id("19880302", "022"), "name": "李秀英", "unit_id": unit_id, "level": "一般干部",
            "rewards": [], "photo": None})
    assert new.created and {"name", "id_number", "unit_id", "level", "status"} <= new.changed
    assert "rewards" not in new.changed and "photo" not in new.changed
    assert new.entities() == {"cadre", "unit"}
