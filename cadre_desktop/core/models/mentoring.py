"""Mentoring pairs and their five-in-one record; error-tolerance cases."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Versioned
from .people import Cadre


class MentorPair(Versioned, Base):
    """结对帮带: mentor and mentee, kind (and role for 双导师制), span."""

    __tablename__ = "mentor_pair"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("cadre.id", ondelete="CASCADE"), index=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("cadre.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    role: Mapped[str | None] = mapped_column(String(10))
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date)

    mentor: Mapped[Cadre] = relationship(foreign_keys=[mentor_id])
    mentee: Mapped[Cadre] = relationship(foreign_keys=[mentee_id])
    records: Mapped[list[MentoringRecord]] = relationship(back_populates="pair", cascade="all, delete-orphan",
                                                          order_by="MentoringRecord.date")


class MentoringRecord(Versioned, Base):
    """帮带纪实: one entry of the five-in-one record."""

    __tablename__ = "mentoring_record"
    # The records of a kind in a period (the report's figures), and a pair's of a kind in a period
    # (overdue pairs; it serves the pair_id foreign key too), each read from its index alone.
    __table_args__ = (Index("ix_mentoring_record_kind_date", "kind", "date"),
                      Index("ix_mentoring_record_pair_kind_date", "pair_id", "kind", "date"))

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("mentor_pair.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(10))
    content: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(String(50))

    pair: Mapped[MentorPair] = relationship(back_populates="records")


class ToleranceCase(Versioned, Base):
    """容错纠错: a case, its circumstance, and once decided its colour (红/黄/绿)."""

    __tablename__ = "tolerance_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id", ondelete="CASCADE"), index=True)
    matter: Mapped[str] = mapped_column(String(500))
    occurred: Mapped[dt.date] = mapped_column(Date)
    circumstance: Mapped[str | None] = mapped_column(String(50))
    colour: Mapped[str | None] = mapped_column(String(2))
    outcome: Mapped[str | None] = mapped_column(String(200))
    decided: Mapped[dt.date | None] = mapped_column(Date, index=True)
    deciding_body: Mapped[str | None] = mapped_column(String(100))
    measures: Mapped[str | None] = mapped_column(Text)
    correction_status: Mapped[str | None] = mapped_column(String(10))
    notes: Mapped[str | None] = mapped_column(Text)

    cadre: Mapped[Cadre] = relationship()
