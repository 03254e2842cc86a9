"""Accounts, role rules, and the chained record of changes."""

import pytest
from sqlalchemy import text

from cadre_desktop.core.models import Account
from cadre_desktop.core.services import accounts, audit, cadres, units
from cadre_desktop.core.values import DomainError, PermissionDenied

from conftest import make_id


def test_passwords_are_stored_as_scrypt_hashes(db, admin):
    with db.session() as s:
        stored = s.query(Account).filter_by(name="admin").one().password_hash
    assert stored.startswith("scrypt$") and "secret12" not in stored
    assert accounts.verify_password("secret12", stored)
    assert not accounts.verify_password("Secret12", stored)


def test_wrong_password_is_refused(db, admin):
    with db.session() as s, pytest.raises(DomainError, match="用户名或密码错误"):
        accounts.authenticate(s, name="admin", password="nope")


def test_first_admin_only_once(db, admin):
    with db.session() as s, pytest.raises(DomainError):
        accounts.create_first_admin(s, name="second", password="pass")


def test_reader_cannot_edit_and_clerk_cannot_manage_accounts(db, admin, clerk, reader, unit_id):
    with db.session() as s, pytest.raises(PermissionDenied, match="查阅"):
        cadres.save_cadre(s, actor=reader, data={"id_number": make_id(), "name": "王五", "unit_id": unit_id,
                                                 "level": "一般干部"})
    with db.session() as s, pytest.raises(PermissionDenied):
        accounts.add_account(s, actor=clerk, name="x", role="查阅", password="pass")
    with db.session() as s, pytest.raises(PermissionDenied):
        units.delete_unit(s, actor=reader, unit_id=unit_id)


def test_last_admin_cannot_be_demoted(db, admin):
    with db.session() as s, pytest.raises(DomainError, match="最后一个"):
        accounts.set_role(s, actor=admin, name="admin", role="查阅")


def test_every_change_writes_an_event_with_before_and_after(db, admin, cadre_id):
    with db.session() as s:
        version = cadres.get_cadre(s, cadre_id)["version"]
        cadres.save_cadre(s, actor=admin, data={"post": "青山镇镇长"}, cadre_id=cadre_id, version=version)
    with db.session() as s:
        events = audit.list_events(s, actor=admin)
    latest = events[0]
    assert latest["action"] == "修改" and latest["entity"] == "cadre" and latest["account"] == "admin"
    assert latest["before"] == {"现任职务": "青山镇副镇长"}
    assert latest["after"] == {"现任职务": "青山镇镇长"}


def test_saving_unchanged_record_writes_no_event(db, admin, cadre_id):
    with db.session() as s:
        n = audit.count_events(s)
        data = cadres.get_cadre(s, cadre_id)
        cadres.save_cadre(s, actor=admin, data={"post": data["post"], "resumes": data["resumes"]},
                          cadre_id=cadre_id, version=data["version"])
    with db.session() as s:
        assert audit.count_events(s) == n


def test_verify_finds_an_altered_and_a_removed_event(db, admin, cadre_id):
    with db.session() as s:
        assert audit.verify(s, actor=admin) is None
    with db.session() as s:
        s.execute(text("update audit_event set label='篡改' where id=2"))
    with db.session() as s:
        assert "第 2 条" in audit.verify(s, actor=admin)
    with db.session() as s:
        s.execute(text("update audit_event set label=(select label from audit_event where id=3) where id=2"))
        s.execute(text("delete from audit_event where id=2"))
    with db.session() as s:
        assert "缺失" in audit.verify(s, actor=admin)


def test_stale_edit_is_refused_not_overwritten(db, admin, cadre_id):
    with db.session() as s:
        v = cadres.get_cadre(s, cadre_id)["version"]
    with db.session() as s:
        cadres.save_cadre(s, actor=admin, data={"post": "甲"}, cadre_id=cadre_id, version=v)
    with db.session() as s, pytest.raises(DomainError, match="已被他人修改"):
        cadres.save_cadre(s, actor=admin, data={"post": "乙"}, cadre_id=cadre_id, version=v)
    with db.session() as s:
        assert cadres.get_cadre(s, cadre_id)["post"] == "甲"
