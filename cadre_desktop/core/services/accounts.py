"""Accounts, roles and sign-in. Role rules live here so the window and the command line obey
the same rule."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Account
from ..models.base import utcnow
from ..values import ROLES, DomainError, PermissionDenied, moment_text
from . import audit

ADMIN, CLERK, READER = ROLES  # 管理员, 录入员, 查阅

# What each role may do.
PERMISSIONS = {
    "read": {ADMIN, CLERK, READER},
    "print": {ADMIN, CLERK, READER},
    "export": {ADMIN, CLERK, READER},  # 查阅 exports with ID numbers and phones masked
    "edit": {ADMIN, CLERK},
    "import": {ADMIN, CLERK},
    "admin": {ADMIN},  # accounts, audit, backup, restore, settings
}
ACTION_WORDS = {
    "read": "查看", "print": "打印", "export": "导出", "edit": "修改记录", "import": "导入",
    "admin": "管理账号、备份与恢复",
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: the signed-in account."""

    name: str
    role: str
    # set at sign-in when a 管理员 demanded a new password: nothing but changing it is allowed
    must_change_password: bool = field(default=False, compare=False)

    def can(self, permission: str) -> bool:
        return self.role in PERMISSIONS[permission]

    @property
    def masked_export(self) -> bool:
        return self.role == READER


SYSTEM = Actor("系统", ADMIN)


def require(actor: Actor, permission: str) -> None:
    if not actor.can(permission):
        raise PermissionDenied(f"“{actor.name}”的角色是{actor.role}，不能{ACTION_WORDS[permission]}。")


# --- passwords: scrypt from the standard library ------------------------------------------

_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"scrypt${_N}${_R}${_P}${b64(salt)}${b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = base64.b64decode(digest)
    got = hashlib.scrypt(
        password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
    )
    return hmac.compare_digest(got, expected)


MIN_PASSWORD = 8
MAX_FAILURES = 5  # consecutive wrong passwords that lock an account
LOCK_MINUTES = 15
_DUMMY_HASH: list[str] = []


def password_problem(password: str) -> str | None:
    """Why a new password is too weak, or None: at least 8 characters, letters and digits."""
    password = password or ""
    if len(password) < MIN_PASSWORD:
        return f"密码至少{MIN_PASSWORD}位，并同时包含字母和数字。"
    if not any(c.isascii() and c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        return "密码须同时包含字母和数字。"
    if len(password) > 200:
        return "密码不能超过200个字符。"
    return None


def _check_password(password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise DomainError(problem, field="password")


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError("用户名不能为空。", field="name")
    if len(name) > 50:
        raise DomainError("用户名不能超过50个字符。", field="name")
    return name


# --- services ----------------------------------------------------------------------------


def has_accounts(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(Account)))


def create_first_admin(session: Session, *, name: str, password: str, demo: bool = False) -> Actor:
    """The first 管理员 of a new database (only while there is no account at all).

    `demo`: the demo county's own database, whose 管理员 signs in as admin/demo (cli.md); only
    there may the password be shorter than the rule.
    """
    if has_accounts(session):
        raise DomainError("已有账号，不能再创建初始管理员。")
    name = _check_name(name)
    if not demo:
        _check_password(password)
    account = Account(name=name, role=ADMIN, password_hash=hash_password(password), active=True, created_at=utcnow())
    session.add(account)
    session.flush()
    actor = Actor(name, ADMIN)
    audit.record(session, actor, "新增", "account", account.id, name, None, {"用户名": name, "角色": ADMIN})
    return actor


def add_account(session: Session, *, actor: Actor, name: str, role: str, password: str,
                must_change: bool = False) -> None:
    require(actor, "admin")
    name = _check_name(name)
    if role not in ROLES:
        raise DomainError(f"角色“{role}”无效，应为：{' / '.join(ROLES)}", field="role")
    _check_password(password)
    if session.scalar(select(Account).where(Account.name == name)):
        raise DomainError(f"用户名“{name}”已存在。", field="name")
    account = Account(name=name, role=role, password_hash=hash_password(password), active=True, created_at=utcnow(),
                      failed_attempts=0, must_change_password=must_change)
    session.add(account)
    session.flush()
    after = {"用户名": name, "角色": role}
    if must_change:
        after["下次登录须改密码"] = "是"
    audit.record(session, actor, "新增", "account", account.id, name, None, after)


def change_password(session: Session, *, actor: Actor, name: str, password: str,
                    must_change: bool = False) -> None:
    """A 管理员 sets anyone's password (and may demand a new one at the next sign-in); every
    account may change its own, which ends such a demand."""
    if actor.name != name:
        require(actor, "admin")
    _check_password(password)
    account = session.scalar(select(Account).where(Account.name == name))
    if account is None:
        raise DomainError(f"没有用户“{name}”。", field="name")
    own = actor.name == name
    if own and verify_password(password, account.password_hash):
        raise DomainError("新密码不能与原密码相同。", field="password")
    account.password_hash = hash_password(password)
    account.must_change_password = bool(must_change) and not own
    after = {"密码": "（已更改）"}
    if account.must_change_password:
        after["下次登录须改密码"] = "是"
    audit.record(session, actor, "修改", "account", account.id, name, {"密码": "（旧）"}, after)


def require_password_change(session: Session, *, actor: Actor, name: str) -> None:
    """A 管理员 demands that `name` choose a new password at the next sign-in."""
    require(actor, "admin")
    account = _account(session, name)
    if not account.must_change_password:
        account.must_change_password = True
        audit.record(session, actor, "修改", "account", account.id, name, {"下次登录须改密码": "否"},
                     {"下次登录须改密码": "是"})


def unlock(session: Session, *, actor: Actor, name: str) -> None:
    """A 管理员 lifts a lock caused by wrong passwords."""
    require(actor, "admin")
    account = _account(session, name)
    was = account.locked_until
    account.failed_attempts, account.locked_until = 0, None
    audit.record(session, actor, "解锁", "account", account.id, name,
                 {"锁定至": was.isoformat(timespec="minutes") if was else "未锁定"}, {"锁定至": "未锁定"})


def _account(session: Session, name: str) -> Account:
    account = session.scalar(select(Account).where(Account.name == name))
    if account is None:
        raise DomainError(f"没有用户“{name}”。", field="name")
    return account


def locked_until(account: Account, now: dt.datetime | None = None) -> dt.datetime | None:
    """The end of the account's lock (UTC), or None when it is not locked."""
    now = now or utcnow()
    return account.locked_until if account.locked_until and account.locked_until > now else None


def local_clock(at: dt.datetime) -> str:
    """A UTC time as the clerk's clock shows it: `21:45`, with the date when it is not today."""
    local = at.replace(tzinfo=dt.timezone.utc).astimezone()
    today = dt.datetime.now().astimezone().date()
    return f"{local.hour:02d}:{local.minute:02d}" if local.date() == today else moment_text(local)


def set_role(session: Session, *, actor: Actor, name: str, role: str, active: bool = True) -> None:
    require(actor, "admin")
    if role not in ROLES:
        raise DomainError(f"角色“{role}”无效，应为：{' / '.join(ROLES)}", field="role")
    account = session.scalar(select(Account).where(Account.name == name))
    if account is None:
        raise DomainError(f"没有用户“{name}”。", field="name")
    before = {"角色": account.role, "启用": "是" if account.active else "否"}
    if account.role == ADMIN and (role != ADMIN or not active) and _active_admins(session) <= 1:
        raise DomainError("这是最后一个启用的管理员账号，不能降级或停用。")
    account.role, account.active = role, active
    audit.record(session, actor, "修改", "account", account.id, name, before,
                 {"角色": role, "启用": "是" if active else "否"})


def _active_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Account).where(Account.role == ADMIN, Account.active))


def _dummy_hash() -> str:
    """A hash of the same cost as a real one, that no password matches (random salt and digest)."""
    if not _DUMMY_HASH:
        b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
        _DUMMY_HASH.append(f"scrypt${_N}${_R}${_P}${b64(os.urandom(16))}${b64(os.urandom(32))}")
    return _DUMMY_HASH[0]


def authenticate(session: Session, *, name: str, password: str) -> Actor:
    """Sign in. An unknown name costs the same hash as a wrong password; five wrong passwords in a
    row lock the account for 15 minutes. The count is committed even when sign-in is refused."""
    account = session.scalar(select(Account).where(Account.name == (name or "").strip()))
    if account is None:
        verify_password(password or "", _dummy_hash())  # the same time as a wrong password
        raise DomainError("用户名或密码错误。")
    now = utcnow()
    until = locked_until(account, now)
    if until is not None:
        raise DomainError(f"账号已锁定，请于 {local_clock(until)} 后再试（或请管理员解锁）。")
    if not verify_password(password or "", account.password_hash):
        account.failed_attempts = (account.failed_attempts or 0) + 1
        message = "用户名或密码错误。"
        if account.failed_attempts >= MAX_FAILURES:
            account.failed_attempts = 0
            account.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
            audit.record(session, SYSTEM, "锁定", "account", account.id, account.name, None,
                         {"原因": f"连续 {MAX_FAILURES} 次密码错误", "锁定分钟": LOCK_MINUTES})
            message = (f"密码连续错误 {MAX_FAILURES} 次，账号已锁定，"
                       f"请于 {local_clock(account.locked_until)} 后再试（或请管理员解锁）。")
        session.commit()
        raise DomainError(message)
    if not account.active:
        raise DomainError(f"账号“{account.name}”已停用，请联系管理员。")
    if account.failed_attempts or account.locked_until:
        account.failed_attempts, account.locked_until = 0, None
    return Actor(account.name, account.role, must_change_password=bool(account.must_change_password))


def authenticate_admin_any_schema(engine, *, name: str, password: str) -> Actor:
    """Sign in a 管理员 on a database whose schema may be older than this program's (for
    `cadre migrate`): the account table is read with plain SQL that every schema revision answers,
    so the lockout columns of later revisions are neither read nor written."""
    from sqlalchemy import text

    name = (name or "").strip()
    with engine.connect() as conn:
        row = conn.execute(text("SELECT role, password_hash, active FROM account WHERE name = :n"),
                           {"n": name}).first()
    if row is None:
        verify_password(password or "", _dummy_hash())  # the same time as a wrong password
        raise DomainError("用户名或密码错误。")
    if not verify_password(password or "", row.password_hash):
        raise DomainError("用户名或密码错误。")
    if not row.active:
        raise DomainError(f"账号“{name}”已停用，请联系管理员。")
    actor = Actor(name, row.role)
    require(actor, "admin")
    return actor


def confirm_actor(session: Session, actor: Actor) -> None:
    """The signed-in account still exists, is active and has the role it signed in with.

    A window stays open for hours; when a 管理员 disables or demotes an account meanwhile, the
    account's next action is refused instead of running with the old rights.
    """
    account = session.scalar(select(Account).where(Account.name == actor.name))
    if account is None or not account.active:
        raise PermissionDenied(f"账号“{actor.name}”已被停用或删除，请重新登录。")
    if account.role != actor.role:
        raise PermissionDenied(f"账号“{actor.name}”的角色已改为{account.role}，请重新登录后继续。")


def list_accounts(session: Session, *, actor: Actor) -> list[dict]:
    require(actor, "admin")
    rows = session.scalars(select(Account).order_by(Account.id)).all()
    now = utcnow()
    return [
        {"name": a.name, "role": a.role, "active": a.active, "created_at": a.created_at.isoformat(timespec="seconds"),
         "locked_until": locked_until(a, now).isoformat(timespec="minutes") if locked_until(a, now) else None,
         "must_change_password": bool(a.must_change_password)}
        for a in rows
    ]
