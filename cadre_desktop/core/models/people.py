"""Units, cadres and the four lists of a cadre's file."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..values import Month
from .base import Base, MonthType, Versioned


class Unit(Versioned, Base):
    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    tier: Mapped[str | None] = mapped_column(String(10))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Cadre(Versioned, Base):
    __tablename__ = "cadre"
    # A unit's cadres, and its leadership team (班子职务 not blank) without reading its other cadres'
    # rows (the township-team rules); it serves the unit_id foreign key too.
    __table_args__ = (Index("ix_cadre_unit_team_role", "unit_id", "team_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Blank only for a record taken in from an .lrmx form without a valid one, after the clerk confirmed.
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    sex: Mapped[str] = mapped_column(String(2))
    birth: Mapped[Month] = mapped_column(MonthType, index=True)
    ethnicity: Mapped[str | None] = mapped_column(String(20))
    native_place: Mapped[str | None] = mapped_column(String(50))
    birthplace: Mapped[str | None] = mapped_column(String(50))
    political_status: Mapped[str | None] = mapped_column(String(30))
    party_joined: Mapped[Month | None] = mapped_column(MonthType)
    work_started: Mapped[Month | None] = mapped_column(MonthType)
    health: Mapped[str | None] = mapped_column(String(30))
    title: Mapped[str | None] = mapped_column(String(50))
    specialty: Mapped[str | None] = mapped_column(String(200))
    # Education: the level (one of EDUCATION_LEVELS) and the text as written, for printing.
    ft_education: Mapped[str | None] = mapped_column(String(10))
    ft_education_text: Mapped[str | None] = mapped_column(String(30))
    ft_degree: Mapped[str | None] = mapped_column(String(30))
    ft_school: Mapped[str | None] = mapped_column(String(200))
    ft_degree_school: Mapped[str | None] = mapped_column(String(200))
    ip_education: Mapped[str | None] = mapped_column(String(10))
    ip_education_text: Mapped[str | None] = mapped_column(String(30))
    ip_degree: Mapped[str | None] = mapped_column(String(30))
    ip_school: Mapped[str | None] = mapped_column(String(200))
    ip_degree_school: Mapped[str | None] = mapped_column(String(200))
    # The higher of the two levels, kept for filtering and sorting in SQL.
    education_rank: Mapped[int | None] = mapped_column(Integer)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"))
    post: Mapped[str | None] = mapped_column(String(200))
    post_since: Mapped[Month | None] = mapped_column(MonthType)  # 任现职务时间
    rank: Mapped[str | None] = mapped_column(String(30))
    rank_since: Mapped[Month | None] = mapped_column(MonthType, index=True)  # 任现职级时间
    level: Mapped[str | None] = mapped_column(String(10), index=True)
    staffing: Mapped[str | None] = mapped_column(String(10))
    team_role: Mapped[str | None] = mapped_column(String(100))
    five_category: Mapped[str | None] = mapped_column(String(20))
    reserve: Mapped[bool] = mapped_column(Boolean, default=False)
    township_start: Mapped[Month | None] = mapped_column(MonthType)
    phone: Mapped[str | None] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(4), default="在职")
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    notes: Mapped[str | None] = mapped_column(Text)
    proposed_post: Mapped[str | None] = mapped_column(String(200))
    proposed_removal: Mapped[str | None] = mapped_column(String(200))
    appointment_reason: Mapped[str | None] = mapped_column(Text)
    reporting_unit: Mapped[str | None] = mapped_column(String(100))
    form_filler: Mapped[str | None] = mapped_column(String(50))
    age_date: Mapped[dt.date | None] = mapped_column(Date)
    # What a search matches: name, full pinyin and initials (all readings of the surname),
    # lower case, separated by '|'. Computed on write (core.search).
    search_text: Mapped[str] = mapped_column(String(500), default="")
    # The department's order (unit 排序 and 名称, 干部层级, 姓名) as one sortable text, kept by
    # core.models.roster_key on every flush; indexed with the search columns (migration 0010).
    roster_key: Mapped[str | None] = mapped_column(
        String(260).with_variant(String(260, collation="C"), "postgresql"))
    # What an imported .lrmx form carried that the product does not edit (JSON, core.exchange.lrmx):
    # unknown elements and where they stood, the texts of 奖惩/考核/入党时间 as they came.
    lrmx: Mapped[str | None] = mapped_column(Text, deferred=True)

    unit: Mapped[Unit | None] = relationship(lazy="joined")
    resumes: Mapped[list[Resume]] = relationship(
        back_populates="cadre", cascade="all, delete-orphan", order_by="Resume.seq"
    )
    rewards: Mapped[list[Reward]] = relationship(
        back_populates="cadre", cascade="all, delete-orphan", order_by="Reward.seq"
    )
    appraisals: Mapped[list[Appraisal]] = relationship(
        back_populates="cadre", cascade="all, delete-orphan", order_by="Appraisal.year"
    )
    family: Mapped[list[FamilyMember]] = relationship(
        back_populates="cadre", cascade="all, delete-orphan", order_by="FamilyMember.seq"
    )

    @property
    def incomplete(self) -> bool:
        return self.unit_id is None or not self.level


class Resume(Base):
    __tablename__ = "resume"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    start: Mapped[Month] = mapped_column(MonthType)
    end: Mapped[Month | None] = mapped_column(MonthType)
    text: Mapped[str] = mapped_column(Text)
    cadre: Mapped[Cadre] = relationship(back_populates="resumes")


class Reward(Base):
    __tablename__ = "reward"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(4))
    text: Mapped[str] = mapped_column(Text)
    approver: Mapped[str | None] = mapped_column(String(100))
    cadre: Mapped[Cadre] = relationship(back_populates="rewards")


class Appraisal(Base):
    __tablename__ = "appraisal"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(String(10))
    cadre: Mapped[Cadre] = relationship(back_populates="appraisals")


class FamilyMember(Base):
    __tablename__ = "family_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    relation: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(50))
    birth: Mapped[Month | None] = mapped_column(MonthType)
    political_status: Mapped[str | None] = mapped_column(String(30))
    work: Mapped[str | None] = mapped_column(String(200))
    cadre: Mapped[Cadre] = relationship(back_populates="family")
