"""Accounts, roles and sign-in. Role rules live here so the window and the command line obey
the same rule."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Account
from ..models.base import utcnow
from ..values import ROLES, DomainError, PermissionDenied
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


def _check_password(password: str) -> None:
    if not password or len(password) < 4:
        raise DomainError("密码至少4位。", field="password")


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


def create_first_admin(session: Session, *, name: str, password: str) -> Actor:
    """The first 管理员 of a new database (only while there is no account at all)."""
    if has_accounts(session):
        raise DomainError("已有账号，不能再创建初始管理员。")
    name = _check_name(name)
    _check_password(password)
    account = Account(name=name, role=ADMIN, password_hash=hash_password(password), active=True, created_at=utcnow())
    session.add(account)
    session.flush()
    actor = Actor(name, ADMIN)
    audit.record(session, actor, "新增", "account", account.id, name, None, {"用户名": name, "角色": ADMIN})
    return actor


def add_account(session: Session, *, actor: Actor, name: str, role: str, password: str) -> None:
    require(actor, "admin")
    name = _check_name(name)
    if role not in ROLES:
        raise DomainError(f"角色“{role}”无效，应为：{' / '.join(ROLES)}", field="role")
    _check_password(password)
    if session.scalar(select(Account).where(Account.name == name)):
        raise DomainError(f"用户名“{name}”已存在。", field="name")
    account = Account(name=name, role=role, password_hash=hash_password(password), active=True, created_at=utcnow())
    session.add(account)
    session.flush()
    audit.record(session, actor, "新增", "account", account.id, name, None, {"用户名": name, "角色": role})


def change_password(session: Session, *, actor: Actor, name: str, password: str) -> None:
    """A 管理员 sets anyone's password; every account may change its own."""
    if actor.name != name:
        require(actor, "admin")
    _check_password(password)
    account = session.scalar(select(Account).where(Account.name == name))
    if account is None:
        raise DomainError(f"没有用户“{name}”。", field="name")
    account.password_hash = hash_password(password)
    audit.record(session, actor, "修改", "account", account.id, name, {"密码": "（旧）"}, {"密码": "（已更改）"})


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


def authenticate(session: Session, *, name: str, password: str) -> Actor:
    account = session.scalar(select(Account).where(Account.name == (name or "").strip()))
    if account is None or not verify_password(password or "", account.password_hash):
        raise DomainError("用户名或密码错误。")
    if not account.active:
        raise DomainError(f"账号“{account.name}”已停用，请联系管理员。")
    return Actor(account.name, account.role)


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
    return [
        {"name": a.name, "role": a.role, "active": a.active, "created_at": a.created_at.isoformat(timespec="seconds")}
        for a in rows
    ]
