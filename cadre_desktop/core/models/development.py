"""Growing and using cadres: training classes and attendance, postings, appointments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, ScaledDecimal, Versioned
from .people import Cadre, Unit


class TrainingClass(Versioned, Base):
    __tablename__ = "training_class"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    organizer: Mapped[str | None] = mapped_column(String(100))
    mode: Mapped[str | None] = mapped_column(String(10))
    start: Mapped[dt.date] = mapped_column(Date, index=True)
    end: Mapped[dt.date | None] = mapped_column(Date)
    hours: Mapped[Decimal | None] = mapped_column(ScaledDecimal(1))
    plan: Mapped[str | None] = mapped_column(String(100))

    attendances: Mapped[list[Attendance]] = relationship(back_populates="training_class",
                                                         cascade="all, delete-orphan")


class Attendance(Versioned, Base):
    """One 参训人次: a cadre in a class."""

    __tablename__ = "attendance"
    # A class's attendances (its people, hours and count: the report's training figures) are read
    # from this index alone; it serves the class_id foreign key too.
    __table_args__ = (UniqueConstraint("class_id", "cadre_id"),
                      Index("ix_attendance_class_cadre_hours", "class_id", "cadre_id", "hours"))

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_class.id", ondelete="CASCADE"))
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id", ondelete="CASCADE"), index=True)
    hours: Mapped[Decimal | None] = mapped_column(ScaledDecimal(1))
    completed: Mapped[bool] = mapped_column(Boolean, default=True)

    training_class: Mapped[TrainingClass] = relationship(back_populates="attendances")
    cadre: Mapped[Cadre] = relationship()


class Posting(Versioned, Base):
    """挂职锻炼 / 驻村第一书记 / 驻村队员 / 尖刀班 / 一线任务."""

    __tablename__ = "posting"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    place: Mapped[str | None] = mapped_column(String(200))
    destination: Mapped[str | None] = mapped_column(String(10))
    field: Mapped[str | None] = mapped_column(String(10))
    start: Mapped[dt.date] = mapped_column(Date, index=True)
    end: Mapped[dt.date | None] = mapped_column(Date)
    evaluation: Mapped[str | None] = mapped_column(String(10))
    notes: Mapped[str | None] = mapped_column(Text)

    cadre: Mapped[Cadre] = relationship()


class Appointment(Versioned, Base):
    """任用: one decision about one cadre; appointments decided together share a batch."""

    __tablename__ = "appointment"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(10))
    old_post: Mapped[str | None] = mapped_column(String(200))
    new_post: Mapped[str | None] = mapped_column(String(200))
    new_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    new_rank: Mapped[str | None] = mapped_column(String(30))
    new_team_role: Mapped[str | None] = mapped_column(String(100))
    frontline: Mapped[bool] = mapped_column(Boolean, default=False)
    frontline_field: Mapped[str | None] = mapped_column(String(10))
    batch: Mapped[str | None] = mapped_column(String(100), index=True)
    doc_number: Mapped[str | None] = mapped_column(String(100))

    cadre: Mapped[Cadre] = relationship()
    new_unit: Mapped[Unit | None] = relationship()
