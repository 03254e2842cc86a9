"""All tables. Importing this module registers every model on Base.metadata."""

from .accounts import Account, AuditEvent, Setting
from .base import Base, MonthType
from .people import Appraisal, Cadre, FamilyMember, Resume, Reward, Unit

__all__ = [
    "Account", "Appraisal", "AuditEvent", "Base", "Cadre", "FamilyMember", "MonthType",
    "Resume", "Reward", "Setting", "Unit",
]
