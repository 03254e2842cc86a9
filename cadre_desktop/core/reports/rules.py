"""The rules the department checks (domain.md, "Using cadres") and the reminders beside them.

Each breach is a `Finding` naming the records it concerns; nothing here blocks a save. One
finding per batch, per township team and rule, per team member:

- `young_share_per_batch`: a batch (批次) of 提拔任用 has fewer than one sixth young cadres, young
  meaning aged ≤ the young-cadre bound (setting, 35) at the appointment date. Exactly one sixth
  complies (young × 6 ≥ people). A blank 批次 is not a batch. People are distinct cadres.
- `township_team_young`: a township leadership team has no young cadre today.
- `township_team_work_years`: a team member has worked less than 2 whole years (参加工作时间 to
  today, counted by month like ages). A member with no 参加工作时间 is a finding too: the rule
  cannot be checked until a clerk fills it in, and the message says so.
- `township_team_age_mix`: a team has nobody ≤ the young bound, or nobody ≥ 46 (老中青合理配备).

A township leadership team is the in-service cadres whose unit is a 乡镇 or 街道 and whose 班子职务
is not blank, as the records stand now (report.md: no history of unit, status or role is kept).
A township with no such cadres has no team and is not checked.

Reminders (kind "reminder") are not rule findings: `REMINDER_PROVIDERS` lists the functions that
produce them (e.g. overdue mentoring pairs); `check` returns the findings, then the reminders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, load_only

from ..models import Appointment, Cadre, Unit
from ..services import settings
from ..values import TOWNSHIP_KINDS, age_at, birth_code_bound, level_rank, whole_years

MIN_WORK_YEARS = 2
OLD_AGE = 46  # 老: aged 46 or more (the age band above 41–45)

# The rules in the order they are listed; findings are sorted by this order first.
RULES: dict[str, str] = {
    "young_share_per_batch": "每批次提拔优秀年轻干部比例不少于六分之一",
    "township_team_young": "确保每个班子有1名优秀年轻干部",
    "township_team_work_years": "乡镇领导班子成员必须有2年及以上的工作年限",
    "township_team_age_mix": "老中青合理配备",
}


@dataclass
class Finding:
    rule: str
    rule_name: str
    message: str
    kind: str = "finding"  # or "reminder"
    units: list[str] = field(default_factory=list)
    batches: list[str] = field(default_factory=list)
    cadres: list[dict] = field(default_factory=list)  # {id, name, id_number, unit, post, team_role, age}
    cadre_ids: list[int] = field(default_factory=list)  # parallel to `cadres`
    unit_ids: list[int] = field(default_factory=list)  # parallel to `units`


def finding_dict(f: Finding) -> dict:
    """The JSON form `cadre check --json` prints (cli.md)."""
    return {
        "rule": f.rule, "rule_name": f.rule_name, "kind": f.kind, "message": f.message,
        "units": list(f.units), "batches": list(f.batches),
        "cadres": [{"name": c["name"], "id_number": c["id_number"]} for c in f.cadres],
    }


def _person(c: Cadre, at: dt.date) -> dict:
    """What the window shows of a cadre named by a finding; `age` is at the rule's reference date
    (the appointment date for a batch, today for a team)."""
    return {"id": c.id, "name": c.name, "id_number": c.id_number, "unit": c.unit.name if c.unit else None,
            "post": c.post, "team_role": c.team_role, "age": age_at(c.birth, at)}


def _finding(rule: str, message: str, *, at: dt.date, units: list[Unit] = (), batches: list[str] = (),
             cadres: list[Cadre] = (), dates: dict[int, dt.date] | None = None) -> Finding:
    return Finding(
        rule=rule, rule_name=RULES[rule], message=message,
        units=[u.name for u in units], unit_ids=[u.id for u in units], batches=list(batches),
        cadres=[_person(c, (dates or {}).get(c.id, at)) for c in cadres], cadre_ids=[c.id for c in cadres],
    )


# --- batches ------------------------------------------------------------------------------


def _batch_breaches(session: Session, bound: int) -> list[tuple[str, dict[int, tuple], int]]:
    """The batches breaking the rule, from plain rows (a cadre counts once, at the first appointment
    of the batch): (name, {cadre id: (appointment id, date, birth)}, young), in the order of the
    batches' first appointments."""
    rows = session.execute(
        select(Appointment.id, Appointment.batch, Appointment.date, Cadre.id, Cadre.birth)
        .join(Cadre, Appointment.cadre_id == Cadre.id)
        .where(Appointment.kind == "提拔任用", Appointment.batch.is_not(None))
        .order_by(Appointment.date, Appointment.id)
    ).all()
    batches: dict[str, dict[int, tuple]] = {}
    for appt_id, batch, date, cadre_id, birth in rows:
        name = (batch or "").strip()
        if name:
            batches.setdefault(name, {}).setdefault(cadre_id, (appt_id, date, birth))
    out = []
    for name, people in batches.items():
        young = sum(1 for _appt, date, birth in people.values() if (a := age_at(birth, date)) is not None and a <= bound)
        if young * 6 < len(people):
            out.append((name, people, young))
    return out


def _batch_findings(session: Session, bound: int) -> list[Finding]:
    # The records of a batch are loaded only when it breaks the rule and a finding names them.
    out: list[tuple[tuple, Finding]] = []
    for name, people, young in _batch_breaches(session, bound):
        n = len(people)
        first = min(date for _a, date, _b in people.values())
        need = -(-n // 6)
        appts = {a.id: a for a in session.scalars(select(Appointment).where(
            Appointment.id.in_([appt_id for appt_id, _d, _b in people.values()])))}
        found = {c.id: c for c in session.scalars(select(Cadre).where(Cadre.id.in_(list(people))))}
        units: dict[int, Unit] = {}
        for cid, (appt_id, _d, _b) in people.items():
            unit = appts[appt_id].new_unit or found[cid].unit
            if unit is not None:
                units.setdefault(unit.id, unit)
        message = (f"批次“{name}”提拔任用{n}人，其中年轻干部（{bound}岁及以下）{young}人，"
                   f"不足六分之一（至少应有{need}人）")
        finding = _finding("young_share_per_batch", message,
                           units=sorted(units.values(), key=lambda u: (u.sort_order, u.name)),
                           batches=[name], cadres=[found[cid] for cid in people], at=first,
                           dates={cid: date for cid, (_a, date, _b) in people.items()})
        out.append(((first, name), finding))
    return [f for _, f in sorted(out, key=lambda p: p[0])]


# --- township teams -----------------------------------------------------------------------


def _members(*cols):
    """SELECT `cols` of the in-service cadres of a township (乡镇/街道) with a 班子职务 (maybe blank)."""
    return (select(*cols).join(Unit, Unit.id == Cadre.unit_id)
            .where(Unit.kind.in_(TOWNSHIP_KINDS), Cadre.status == "在职", Cadre.team_role.is_not(None)))


TEAM_ATTRS = ("id", "name", "id_number", "unit_id", "post", "team_role", "birth", "level", "work_started", "status",
              "sex", "education_rank", "five_category")


def township_teams(session: Session) -> list[tuple[Unit, list[Cadre]]]:
    """Every township (乡镇/街道) with a leadership team now, in unit order, with its members."""
    units = session.scalars(
        select(Unit).where(Unit.kind.in_(TOWNSHIP_KINDS)).order_by(Unit.sort_order, Unit.name)
    ).all()
    by_unit: dict[int, list[Cadre]] = {}
    # the columns the rules and the 班子结构 page read, not the whole record (17,000 members at
    # 100,000 cadres: 2 s as whole objects)
    only = load_only(*(getattr(Cadre, a) for a in TEAM_ATTRS), raiseload=False)
    for c in session.scalars(_members(Cadre).options(only)):
        if (c.team_role or "").strip():
            by_unit.setdefault(c.unit_id, []).append(c)
    teams = []
    for u in units:
        team = by_unit.get(u.id)
        if team:
            team.sort(key=lambda c: (level_rank(c.level), c.birth, c.name))
            teams.append((u, team))
    return teams


def _team_findings(session: Session, bound: int, today: dt.date) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {"township_team_young": [], "township_team_work_years": [],
                                     "township_team_age_mix": []}
    for unit, team in township_teams(session):
        ages = [age_at(c.birth, today) for c in team]
        known = [a for a in ages if a is not None]
        n = len(team)
        has_young = any(a <= bound for a in known)
        has_old = any(a >= OLD_AGE for a in known)
        if not has_young:
            out["township_team_young"].append(_finding(
                "township_team_young", f"{unit.name}领导班子{n}人，没有{bound}岁及以下的年轻干部",
                units=[unit], cadres=team, at=today))
        for c in team:
            role = (c.team_role or "").strip()
            if c.work_started is None:
                message = (f"{unit.name}领导班子成员{c.name}（{role}）未填参加工作时间，"
                           f"无法核对是否有{MIN_WORK_YEARS}年及以上的工作年限")
            else:
                years = whole_years(c.work_started, today)
                if years >= MIN_WORK_YEARS:
                    continue
                message = (f"{unit.name}领导班子成员{c.name}（{role}）参加工作时间{c.work_started}，"
                           f"工作年限{max(years, 0)}年，不足{MIN_WORK_YEARS}年")
            out["township_team_work_years"].append(_finding(
                "township_team_work_years", message, units=[unit], cadres=[c], at=today))
        if not (has_young and has_old):
            missing = []
            if not has_young:
                missing.append(f"{bound}岁及以下")
            if not has_old:
                missing.append(f"{OLD_AGE}岁及以上")
            span = f"（成员年龄{min(known)}至{max(known)}岁）" if known else ""
            out["township_team_age_mix"].append(_finding(
                "township_team_age_mix",
                f"{unit.name}领导班子{n}人，没有{'的成员，也没有'.join(missing)}的成员{span}",
                units=[unit], cadres=team, at=today))
    return out


# --- the checks ---------------------------------------------------------------------------


def findings(session: Session, *, today: dt.date | None = None) -> list[Finding]:
    """Every breach of the department's rules as of `today`, sorted by rule, then by batch
    (earliest first) or unit order."""
    today = today or dt.date.today()
    bound = settings.young_age(session)
    result = _batch_findings(session, bound)
    teams = _team_findings(session, bound, today)
    for rule in RULES:
        result.extend(teams.get(rule, []))
    return result


def finding_count(session: Session, *, today: dt.date | None = None) -> int:
    """len(findings(session, today=today)) without loading a record or writing a finding (a county
    of 100,000 has thousands of team members): the batches from plain rows (_batch_breaches); the
    teams' members counted in the database by what each team rule asks of them, grouped by unit and
    班子职务 so that a blank role is left out as township_teams leaves it out. Ages and years of work
    are whole years by month, as age_at and whole_years count them: birth and work_started are
    yyyymm codes, and "at most A years at today" is "code ≥ birth_code_bound(A, today)"."""
    today = today or dt.date.today()
    bound = settings.young_age(session)
    young = Cadre.birth >= birth_code_bound(bound, today)
    old = Cadre.birth < birth_code_bound(OLD_AGE - 1, today)
    short = or_(Cadre.work_started.is_(None), Cadre.work_started >= birth_code_bound(MIN_WORK_YEARS - 1, today))
    counted = [func.sum(case((c, 1), else_=0)) for c in (young, old, short)]
    teams: dict[int, list[int]] = {}
    for unit_id, role, *n in session.execute(_members(Cadre.unit_id, Cadre.team_role, *counted)
                                             .group_by(Cadre.unit_id, Cadre.team_role)):
        if (role or "").strip():
            team = teams.setdefault(unit_id, [0, 0, 0])
            for i, v in enumerate(n):
                team[i] += int(v or 0)
    # per team: township_team_young, one township_team_work_years a member, township_team_age_mix
    team_count = sum((not y) + s + (not (y and o)) for y, o, s in teams.values())
    return len(_batch_breaches(session, bound)) + team_count


# A reminder provider: (session, today) -> list of Finding with kind "reminder".
ReminderProvider = Callable[[Session, dt.date], list[Finding]]

# Reminder providers, in the order their reminders are listed; a new kind of reminder appends
# its function here (below: mentoring, overdue 谈心谈话 / 定期汇报, domain.md "Caring").
REMINDER_PROVIDERS: list[ReminderProvider] = []


def _mentoring_reminders(session: Session, today: dt.date) -> list[Finding]:
    from ..services.mentoring import reminder_findings

    return reminder_findings(session, today)


REMINDER_PROVIDERS.append(_mentoring_reminders)


def _code_reminders(session: Session, today: dt.date) -> list[Finding]:
    """Stored values of 民族, 政治面貌, 职级, 学位, 健康状况 that are not in their code list."""
    from ..services.cadres import FIELD_BY_ATTR, uncoded_values

    out = []
    for attr, value, people in uncoded_values(session):
        f = FIELD_BY_ATTR[attr]
        shown = " / ".join(f.choices) if len(f.choices) <= 16 else " / ".join(f.choices[:12]) + " 等"
        out.append(Finding(
            rule="code_values", rule_name="代码值待规范",
            message=f"{f.label}“{value}”不在代码表中（{len(people)}人），请在干部档案中改为可选值之一：{shown}",
            cadres=[_person(c, today) for c in people], cadre_ids=[c.id for c in people]))
    return out


REMINDER_PROVIDERS.append(_code_reminders)


def reminders(session: Session, today: dt.date | None = None) -> list[Finding]:
    """The reminders listed beside the findings (not rule findings themselves): whatever the
    functions in REMINDER_PROVIDERS return, in their order."""
    today = today or dt.date.today()
    out: list[Finding] = []
    for provider in REMINDER_PROVIDERS:
        for f in provider(session, today):
            f.kind = "reminder"
            out.append(f)
    return out


def check(session: Session, today: dt.date | None = None) -> list[Finding]:
    """What `cadre check` and the 规则检查 page show: the findings, then the reminders."""
    today = today or dt.date.today()
    return findings(session, today=today) + reminders(session, today)


__all__ = ["Finding", "REMINDER_PROVIDERS", "RULES", "check", "finding_count", "finding_dict", "findings",
           "reminders", "township_teams"]
