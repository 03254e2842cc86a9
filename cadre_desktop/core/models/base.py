"""Declarative base and the column types shared by every model."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Integer, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from ..values import Month

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class MonthType(TypeDecorator):
    """A Month stored as the integer yyyymm: sorts and compares in SQL on every engine."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, Month):
            return value.code
        if isinstance(value, int):
            return value
        raise TypeError(f"not a Month: {value!r}")

    def process_result_value(self, value, dialect):
        return None if value is None else Month.from_code(int(value))


class Versioned:
    """Every table a clerk edits carries a version so no edit overwrites another
    (SQLAlchemy's version_id_col: a stale UPDATE raises StaleDataError)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class ScaledDecimal(TypeDecorator):
    """A Decimal with a fixed number of places, stored exactly as an integer (yuan as fen,
    hours as tenths): no float rounding and the same on every engine."""

    impl = Integer
    cache_ok = True

    def __init__(self, places: int):
        super().__init__()
        self.places = places
        self.scale = 10**places

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int((Decimal(value) * self.scale).to_integral_value())

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) / self.scale).quantize(Decimal(1).scaleb(-self.places))
