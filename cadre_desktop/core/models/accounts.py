"""Accounts, the record of changes, and settings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Integer, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Versioned


class Account(Versioned, Base):
    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    role: Mapped[str] = mapped_column(String(4))
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # sign-in safety (0005_accounts): consecutive wrong passwords, the lock they caused (UTC),
    # and a 管理员's demand that the password be changed at the next sign-in
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class AuditEvent(Base):
    """One change: who, when, which record, values before and after.

    Events are chained: `digest` covers the event's fields and the previous event's digest,
    so `cadre audit --verify` finds an altered or removed event.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    account: Mapped[str] = mapped_column(String(50), index=True)
    action: Mapped[str] = mapped_column(String(10))
    entity: Mapped[str] = mapped_column(String(30), index=True)
    entity_id: Mapped[int | None] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))


class Setting(Versioned, Base):
    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
