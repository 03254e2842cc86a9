"""Honouring and caring: commendation batches and awards, care records, visits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, ScaledDecimal, Versioned
from .people import Cadre


class CommendationBatch(Versioned, Base):
    """表彰通报: one notice with its collective and individual awards."""

    __tablename__ = "commendation_batch"
    __table_args__ = (UniqueConstraint("title", "doc_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str | None] = mapped_column(String(100))
    doc_number: Mapped[str | None] = mapped_column(String(100))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    field: Mapped[str | None] = mapped_column(String(50))
    addressee: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)

    awards: Mapped[list[Award]] = relationship(back_populates="batch", cascade="all, delete-orphan",
                                               order_by="Award.id")


class Award(Versioned, Base):
    __tablename__ = "award"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("commendation_batch.id", ondelete="CASCADE"), index=True)
    target_kind: Mapped[str] = mapped_column(String(4))  # 集体 / 个人
    target_name: Mapped[str] = mapped_column(String(200))
    id_number: Mapped[str | None] = mapped_column(String(18))
    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadre.id", ondelete="SET NULL"), index=True)
    unit_post: Mapped[str | None] = mapped_column(String(200))
    honour: Mapped[str] = mapped_column(String(50))
    deeds: Mapped[str | None] = mapped_column(Text)

    batch: Mapped[CommendationBatch] = relationship(back_populates="awards")
    cadre: Mapped[Cadre | None] = relationship()


class CareRecord(Versioned, Base):
    """关爱记录: 年度体检 / 带薪年休假 / 困难帮扶 / 周转房."""

    __tablename__ = "care_record"
    __table_args__ = (Index("ix_care_record_kind_date", "kind", "date"),)  # the records of a kind in a period

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    days: Mapped[int | None] = mapped_column(Integer)
    amount: Mapped[Decimal | None] = mapped_column(ScaledDecimal(2))
    notes: Mapped[str | None] = mapped_column(Text)

    cadre: Mapped[Cadre] = relationship()


class Visit(Versioned, Base):
    """慰问: the person is often not a cadre (老党员, 困难党员, 突出人才)."""

    __tablename__ = "visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    id_number: Mapped[str | None] = mapped_column(String(18))
    category: Mapped[str] = mapped_column(String(10))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal | None] = mapped_column(ScaledDecimal(2))
    visitor: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)


class QuotaAllocation(Versioned, Base):
    """名额分配 kept for a commendation batch: the places, the frontline weight, and per unit the
    numbers it was computed from and the places as adjusted (QuotaLine)."""

    __tablename__ = "quota_allocation"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("commendation_batch.id", ondelete="CASCADE"), unique=True)
    places: Mapped[int] = mapped_column(Integer)
    frontline_weight: Mapped[Decimal] = mapped_column(ScaledDecimal(2))
    computed_on: Mapped[dt.date] = mapped_column(Date)

    lines: Mapped[list[QuotaLine]] = relationship(back_populates="allocation", cascade="all, delete-orphan",
                                                  order_by="QuotaLine.position")


class QuotaLine(Versioned, Base):
    __tablename__ = "quota_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("quota_allocation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    unit_name: Mapped[str] = mapped_column(String(100))
    headcount: Mapped[int] = mapped_column(Integer)
    frontline: Mapped[int] = mapped_column(Integer)
    share: Mapped[Decimal] = mapped_column(ScaledDecimal(2))  # the exact share, to two places
    places: Mapped[int] = mapped_column(Integer)  # as computed, or as the clerk adjusted it

    allocation: Mapped[QuotaAllocation] = relationship(back_populates="lines")
