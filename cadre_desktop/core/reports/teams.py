"""Township leadership-team structure (班子结构): each team's members with age, sex, education,
五类人员 background and years of work, the team's indicators, and the rule findings that concern
it — the findings come from `rules.findings`, the one place the rules live."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from ..services import settings
from ..values import EDUCATION_LEVELS, age_at, whole_years
from . import rules
from .indicators import is_government_head, is_party_head


@dataclass
class Member:
    cadre_id: int
    name: str
    sex: str
    age: int | None
    education: str  # the higher of full-time and in-service levels
    five_category: str
    work_years: int | None  # 参加工作时间 to today, counted like ages
    team_role: str
    post: str
    flagged: bool = False  # named by a rule finding


@dataclass
class Team:
    unit_id: int
    unit: str
    members: list[Member]
    young: int  # ≤ the young bound
    middle: int
    old: int  # ≥ 46
    women: int
    bachelor_or_above: int
    five_categories: int
    average_age: float | None
    party_head: str
    government_head: str
    findings: list[rules.Finding] = field(default_factory=list)


TEAM_RULES = ("township_team_young", "township_team_work_years", "township_team_age_mix")


def team_structure(session: Session, today: dt.date | None = None) -> list[Team]:
    """Every township team as the records stand today, in unit order."""
    today = today or dt.date.today()
    bound = settings.young_age(session)
    found = [f for f in rules.findings(session, today=today) if f.rule in TEAM_RULES]
    out = []
    for unit, cadres in rules.township_teams(session):
        mine = [f for f in found if unit.id in f.unit_ids]
        # a member is flagged when a finding names that member alone (the work-years rule)
        flagged = {i for f in mine if f.rule == "township_team_work_years" for i in f.cadre_ids}
        members = []
        for c in cadres:
            members.append(Member(
                cadre_id=c.id, name=c.name, sex=c.sex, age=age_at(c.birth, today),
                education=EDUCATION_LEVELS[c.education_rank] if c.education_rank is not None
                and c.education_rank < len(EDUCATION_LEVELS) else "",
                five_category=c.five_category or "",
                work_years=whole_years(c.work_started, today) if c.work_started else None,
                team_role=(c.team_role or "").strip(), post=c.post or "", flagged=c.id in flagged))
        ages = [m.age for m in members if m.age is not None]
        out.append(Team(
            unit_id=unit.id, unit=unit.name, members=members,
            young=sum(1 for a in ages if a <= bound), old=sum(1 for a in ages if a >= rules.OLD_AGE),
            middle=sum(1 for a in ages if bound < a < rules.OLD_AGE),
            women=sum(1 for m in members if m.sex == "女"),
            bachelor_or_above=sum(1 for c in cadres if c.education_rank is not None and c.education_rank <= 1),
            five_categories=sum(1 for m in members if m.five_category),
            average_age=round(sum(ages) / len(ages), 1) if ages else None,
            party_head="、".join(m.name for m in members if is_party_head(m.team_role)),
            government_head="、".join(m.name for m in members if is_government_head(m.team_role)),
            findings=mine))
    return out


__all__ = ["Member", "TEAM_RULES", "Team", "team_structure"]
