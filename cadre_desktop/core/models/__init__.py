"""All tables. Importing this module registers every model on Base.metadata."""

from .accounts import Account, AuditEvent, AuditHead, Setting
from .allowances import AllowancePayroll, AllowancePayrollLine, AllowanceRate
from .base import Base, MonthType, ScaledDecimal
from .development import Appointment, Attendance, Posting, TrainingClass
from .honours import Award, CareRecord, CommendationBatch, QuotaAllocation, QuotaLine, Visit
from .mentoring import MentoringRecord, MentorPair, ToleranceCase
from .people import Appraisal, Cadre, FamilyMember, Resume, Reward, Unit
from . import roster_key  # noqa: F401  (keeps cadre.roster_key on every flush)

__all__ = [
    "Account", "AllowancePayroll", "AllowancePayrollLine", "AllowanceRate", "Appointment", "Appraisal", "Attendance",
    "AuditEvent", "AuditHead", "Award", "Base", "Cadre", "CareRecord",
    "CommendationBatch", "FamilyMember", "MentorPair", "MentoringRecord", "MonthType", "Posting", "Resume",
    "QuotaAllocation", "QuotaLine", "Reward", "ScaledDecimal", "Setting", "ToleranceCase", "TrainingClass", "Unit", "Visit",
]
