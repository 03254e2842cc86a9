"""Township allowance (乡镇津贴): effective-dated rates and confirmed monthly payrolls."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..values import Month
from .base import Base, MonthType, ScaledDecimal, Versioned


class AllowanceRate(Versioned, Base):
    """津贴标准: one policy row, in force from 生效日期 for units of one 档次 (or 基础)."""

    __tablename__ = "allowance_rate"
    __table_args__ = (UniqueConstraint("effective", "tier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    effective: Mapped[dt.date] = mapped_column(Date, index=True)  # 生效日期
    tier: Mapped[str] = mapped_column(String(4))  # 基础 / 一档 / 二档 / 三档
    base: Mapped[Decimal] = mapped_column(ScaledDecimal(2))  # 月标准 (yuan)
    staffing_float: Mapped[Decimal | None] = mapped_column(ScaledDecimal(2))  # 编制上浮
    per_year: Mapped[Decimal | None] = mapped_column(ScaledDecimal(2))  # 年限补助, per whole year
    year_cap: Mapped[int | None] = mapped_column(Integer)  # 年限上限 on the years counted


class AllowancePayroll(Versioned, Base):
    """发放确认: one month's payroll kept exactly as it was issued; never changed afterwards."""

    __tablename__ = "allowance_payroll"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[Month] = mapped_column(MonthType, unique=True)
    confirmed_by: Mapped[str] = mapped_column(String(50))
    confirmed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    recipients: Mapped[int] = mapped_column(Integer)
    total: Mapped[Decimal] = mapped_column(ScaledDecimal(2))

    lines: Mapped[list[AllowancePayrollLine]] = relationship(
        back_populates="payroll", cascade="all, delete-orphan", order_by="AllowancePayrollLine.seq")


class AllowancePayrollLine(Base):
    """One recipient of a confirmed payroll, as issued: who, where, and each part of the amount."""

    __tablename__ = "allowance_payroll_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    payroll_id: Mapped[int] = mapped_column(ForeignKey("allowance_payroll.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    # The cadre as they were: the link may go (a deleted record), the text stays.
    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadre.id", ondelete="SET NULL"), index=True)
    id_number: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(50))
    unit: Mapped[str] = mapped_column(String(100))
    unit_order: Mapped[int] = mapped_column(Integer)
    tier: Mapped[str] = mapped_column(String(4))  # the unit's 档次 (基础 when blank)
    staffing: Mapped[str | None] = mapped_column(String(10))
    township_start: Mapped[Month | None] = mapped_column(MonthType)
    years: Mapped[int] = mapped_column(Integer)  # whole years of township service at the month
    counted_years: Mapped[int] = mapped_column(Integer)  # after 年限上限
    rate_tier: Mapped[str] = mapped_column(String(4))  # the 档次 of the rate row applied
    rate_effective: Mapped[dt.date] = mapped_column(Date)
    base: Mapped[Decimal] = mapped_column(ScaledDecimal(2))
    staffing_float: Mapped[Decimal] = mapped_column(ScaledDecimal(2))
    per_year: Mapped[Decimal] = mapped_column(ScaledDecimal(2))
    years_amount: Mapped[Decimal] = mapped_column(ScaledDecimal(2))
    total: Mapped[Decimal] = mapped_column(ScaledDecimal(2))

    payroll: Mapped[AllowancePayroll] = relationship(back_populates="lines")
