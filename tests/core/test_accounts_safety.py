"""Sign-in safety: lock-out after five wrong passwords, unlock, password rules, a new password
demanded by a 管理员, and the same work for an unknown name as for a wrong password."""

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select

from cadre_desktop.core.models import Account
from cadre_desktop.core.services import accounts, audit
from cadre_desktop.core.values import DomainError, PermissionDenied


def sign_in(db, name, password):
    with db.session() as s:
        return accounts.authenticate(s, name=name, password=password)


def test_five_wrong_passwords_lock_the_account_until_a_time(db, admin, clerk):
    for _ in range(4):
        with pytest.raises(DomainError, match="^用户名或密码错误。$"):
            sign_in(db, "clerk", "wrong-pass1")
    # the unlock time is a clock time, with the date when it falls after midnight
    when = r"(\d{4}\.\d\d\.\d\d )?\d\d:\d\d"
    with pytest.raises(DomainError, match=rf"账号已锁定，请于 {when} 后再试") as e:
        sign_in(db, "clerk", "wrong-pass1")
    assert "连续错误 5 次" in str(e.value)
    with pytest.raises(DomainError, match=rf"^账号已锁定，请于 {when} 后再试"):
        sign_in(db, "clerk", "clerk123")  # the right password too, while locked
    with db.session() as s:
        until = s.scalar(select(Account.locked_until).where(Account.name == "clerk"))
        shown = until.replace(tzinfo=dt.timezone.utc).astimezone().strftime("%H:%M")
        assert shown in str(e.value)
        assert dt.timedelta(minutes=14) < until - dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) \
            <= dt.timedelta(minutes=15)
        assert audit.list_events(s, actor=admin)[0]["action"] == "锁定"
    assert sign_in(db, "admin", "secret12").name == "admin"  # other accounts are not affected

    with db.session() as s, pytest.raises(PermissionDenied):
        accounts.unlock(s, actor=clerk, name="clerk")
    with db.session() as s:
        accounts.unlock(s, actor=admin, name="clerk")
    assert sign_in(db, "clerk", "clerk123").role == "录入员"


def test_a_lock_ends_by_itself_and_a_success_resets_the_count(db, admin, clerk):
    for _ in range(5):
        with pytest.raises(DomainError):
            sign_in(db, "clerk", "wrong-pass1")
    with db.session() as s:
        account = s.scalar(select(Account).where(Account.name == "clerk"))
        account.locked_until = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(seconds=1)
    assert sign_in(db, "clerk", "clerk123").name == "clerk"
    for _ in range(4):
        with pytest.raises(DomainError, match="^用户名或密码错误。$"):
            sign_in(db, "clerk", "wrong-pass1")
    assert sign_in(db, "clerk", "clerk123").name == "clerk"  # resets the count
    for _ in range(4):
        with pytest.raises(DomainError, match="^用户名或密码错误。$"):
            sign_in(db, "clerk", "wrong-pass1")


def test_an_unknown_name_costs_the_same_hash_as_a_wrong_password(db, admin, monkeypatch):
    sign_in(db, "admin", "secret12")
    calls = []
    real = hashlib.scrypt

    def counted(*a, **kw):
        calls.append(kw.get("n"))
        return real(*a, **kw)

    monkeypatch.setattr(accounts.hashlib, "scrypt", counted)
    with pytest.raises(DomainError) as unknown:
        sign_in(db, "nobody", "whatever1")
    with pytest.raises(DomainError) as wrong:
        sign_in(db, "admin", "whatever1")
    assert str(unknown.value) == str(wrong.value) == "用户名或密码错误。"
    assert calls == [2**14, 2**14]  # one scrypt of the same cost each


@pytest.mark.parametrize("password, message", [
    ("abc123", "至少8位"), ("abcdefgh", "字母和数字"), ("12345678", "字母和数字"), ("", "至少8位"),
])
def test_new_passwords_need_8_characters_letters_and_digits(db, admin, password, message):
    with db.session() as s, pytest.raises(DomainError, match=message):
        accounts.add_account(s, actor=admin, name="x", role="查阅", password=password)
    with db.session() as s, pytest.raises(DomainError, match=message):
        accounts.change_password(s, actor=admin, name="admin", password=password)


def test_only_the_demo_database_keeps_the_demo_password(tmp_path):
    from cadre_desktop.core.db import open_database

    db = open_database(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with db.session() as s, pytest.raises(DomainError, match="至少8位"):
        accounts.create_first_admin(s, name="admin", password="demo")
    with db.session() as s:
        accounts.create_first_admin(s, name="admin", password="demo", demo=True)
    assert sign_in(db, "admin", "demo").role == "管理员"
    db.dispose()


def test_a_new_password_demanded_by_an_admin(db, admin, clerk):
    with db.session() as s:
        accounts.change_password(s, actor=admin, name="clerk", password="temp1234", must_change=True)
    actor = sign_in(db, "clerk", "temp1234")
    assert actor.must_change_password
    with db.session() as s, pytest.raises(DomainError, match="不能与原密码相同"):
        accounts.change_password(s, actor=actor, name="clerk", password="temp1234")
    with db.session() as s:
        accounts.change_password(s, actor=actor, name="clerk", password="mine5678")
    assert not sign_in(db, "clerk", "mine5678").must_change_password
    with db.session() as s:
        accounts.require_password_change(s, actor=admin, name="clerk")
        assert accounts.list_accounts(s, actor=admin)[1]["must_change_password"]
    assert sign_in(db, "clerk", "mine5678").must_change_password
