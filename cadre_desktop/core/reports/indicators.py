"""The annual report's indicators (report.md), for any period, and the records behind each one.

Every indicator is one entry of `INDICATORS` (built by `indicators(session, period)`): its dotted
key, its Chinese name, its unit, the kind of record behind it, and how it is counted:

- `sql` indicators give a SELECT of distinct things (cadre ids, (mentor, mentee) pairs, record
  ids, …); the figure is the number of its rows, counted in the database; `behind` runs a second
  SELECT (`rows`, record ids) or the same one when it already lists record ids.
- `sum` indicators give a SELECT of (record id, value); the figure is the database's SUM.
- `py` indicators are computed from a bounded set of rows fetched in one query (the township
  team appointments of the period, the rule findings, the overdue pairs): never a loop over the
  whole cadre table.

The figure and the records behind it come from the same definition, so a figure a leader
questions can always be checked: `behind(session, key, period)` lists exactly what was counted.

Definitions (report.md): a dated record is in the period when its date falls in it (both ends
included); a record with a start and an end (postings, pairs) when its span overlaps the period,
a blank end being open. Ages are whole years counted by month of birth. The product keeps no
history of a cadre's status, unit, level, team role, education or reserve flag: every test of
those uses the current value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from ..models import (
    Appointment, Attendance, Award, Cadre, CareRecord, CommendationBatch, MentoringRecord, MentorPair, Posting,
    ToleranceCase, TrainingClass, Unit, Visit,
)
from ..services import settings
from ..services.development import DESTINATIONS, TASK_FIELDS, VILLAGE_KINDS
from ..services.mentoring import RECORD_KINDS
from ..services.welfare import VISIT_CATEGORIES
from ..values import AGE_BANDS, TOWNSHIP_KINDS, DomainError, birth_code_bound

# Enumerations the keys run over (every allowed value appears, zeros included), from the services
# that own them: DESTINATIONS, TASK_FIELDS, VILLAGE_KINDS, RECORD_KINDS, VISIT_CATEGORIES.
VISITED_CATEGORIES = ("老党员", "困难党员", "突出人才")
COLOURS = (("green", "绿"), ("yellow", "黄"), ("red", "红"))
TEAM_KINDS = ("提拔任用", "进一步使用", "平职交流")
SECTION_LEVELS = ("正科级", "副科级")
BLANK_FIELD = "未填领域"  # a commendation batch with no 表彰领域


# --- the period ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start:
            raise DomainError(f"统计期间的结束日期 {_day(self.end)} 早于开始日期 {_day(self.start)}。")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def current(cls, today: dt.date | None = None) -> Period:
        return cls.year((today or dt.date.today()).year)

    @property
    def whole_year(self) -> int | None:
        """The year, when the period is exactly one calendar year."""
        if self.start == dt.date(self.start.year, 1, 1) and self.end == dt.date(self.start.year, 12, 31):
            return self.start.year
        return None

    @property
    def label(self) -> str:
        y = self.whole_year
        return f"{y}年" if y else f"{_day(self.start)}—{_day(self.end)}"


def _day(d: dt.date | None) -> str:
    return f"{d.year}.{d.month:02d}.{d.day:02d}" if d else ""


# --- SQL helpers -------------------------------------------------------------------------------


def _in(col, p: Period):
    return and_(col >= p.start, col <= p.end)


def _overlaps(start_col, end_col, p: Period):
    return and_(start_col <= p.end, or_(end_col.is_(None), end_col >= p.start))


def _nonblank(col):
    return and_(col.is_not(None), func.trim(col) != "")


# --- the registry -------------------------------------------------------------------------------


@dataclass
class Ctx:
    session: Session
    period: Period
    today: dt.date
    young: int
    cache: dict = field(default_factory=dict)

    def once(self, name: str, fn: Callable[[], Any]) -> Any:
        if name not in self.cache:
            self.cache[name] = fn()
        return self.cache[name]


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str  # Chinese name, as a table or workbook shows it
    unit: str  # 人, 期, 人次, 学时, 元, …
    record: str  # what `behind` lists: cadre, attendance, training_class, posting, appointment, batch,
    #              award, pair, mentoring_record, case, visit, care_record, unit, finding
    how: str  # "sql" | "sum" | "py"
    count: Callable[[Ctx], Any] | None = None  # sql: SELECT of distinct things; sum: SELECT (id, v)
    rows: Callable[[Ctx], Any] | None = None  # sql: SELECT of record ids, when `count` is not one
    py: Callable[[Ctx], tuple[Any, list]] | None = None  # py: (value, record ids)
    ids: Callable[[Ctx], list] | None = None  # py: the record ids, when fetched only for `behind`
    # sql figures counted together in one pass (`count` still lists what is behind each): the
    # conditions on the pass's rows, the pass ("cadre": the cadre table, counting rows; "posting":
    # postings of the period with their cadre, counting distinct values of `distinct`)
    where: tuple | None = None
    one_pass: str = "cadre"
    distinct: Any = None
    money: bool = False
    hours: bool = False

    @property
    def section(self) -> str:
        return self.key.split(".")[0]


SECTIONS = {
    "period": "统计期间", "cadres": "干部队伍", "training": "教育培训", "postings": "挂职驻村与一线锻炼",
    "appointments": "选拔任用", "township_teams": "乡镇领导班子选配", "commendations": "通报表扬",
    "mentoring": "结对帮带", "tolerance": "容错纠错", "allowances": "乡镇津贴", "care": "关心关爱",
    "rules": "规则检查",
}


def _people(*where, join_cadre: bool = False, source=None):
    """SELECT DISTINCT cadre ids of `source` rows (a model with cadre_id) meeting `where`."""
    col = source.cadre_id if source is not None else Cadre.id
    q = select(col.label("id")).distinct()
    if source is not None:
        q = q.select_from(source)
        if join_cadre:
            q = q.join(Cadre, Cadre.id == source.cadre_id)
    return q.where(*where)


def _ids(model, *where, join=None):
    q = select(model.id.label("id"))
    if join is not None:
        q = q.join(*join)
    return q.where(*where)


def _build(ctx: Ctx) -> list[Indicator]:
    p, out = ctx.period, []

    def add(key, label, unit, record, how="sql", **kw):
        out.append(Indicator(key, label, unit, record, how, **kw))

    # cadres
    in_service = Cadre.status == "在职"
    young_bound = birth_code_bound(ctx.young, p.end)

    def cadres(key, label, *where):
        add(key, label, "人", "cadre", count=lambda c: _people(*where), where=where)

    cadres("cadres.total", "干部总数")
    cadres("cadres.in_service", "在职干部", in_service)
    cadres("cadres.young", f"年轻干部（期末{ctx.young}岁及以下）", in_service, Cadre.birth >= young_bound)
    cadres("cadres.women", "在职女干部", in_service, Cadre.sex == "女")
    cadres("cadres.reserve", "在职后备干部", in_service, Cadre.reserve.is_(True))
    for label, lo, hi in AGE_BANDS:
        conds = [in_service]
        if hi is not None:  # age ≤ hi
            conds.append(Cadre.birth >= birth_code_bound(hi, p.end))
        if lo is not None:  # age ≥ lo ⇔ not age ≤ lo-1
            conds.append(Cadre.birth < birth_code_bound(lo - 1, p.end))
        cadres(f"cadres.age_bands.{label}", f"在职干部年龄段 {label}岁", *conds)

    # training
    classes = _in(TrainingClass.start, p)
    add("training.classes", "开展培训班", "期", "training_class",
        count=lambda c: _ids(TrainingClass, classes))
    add("training.attendances", "参训人次", "人次", "attendance",
        count=lambda c: _ids(Attendance, classes, join=(TrainingClass, TrainingClass.id == Attendance.class_id)))
    add("training.cadres", "参训干部", "人", "attendance",
        count=lambda c: _people(classes, source=Attendance).join(TrainingClass, TrainingClass.id == Attendance.class_id),
        rows=lambda c: _ids(Attendance, classes, join=(TrainingClass, TrainingClass.id == Attendance.class_id)))
    add("training.hours", "参训学时", "学时", "attendance", "sum", hours=True,
        count=lambda c: select(Attendance.id.label("id"),
                               func.coalesce(Attendance.hours, TrainingClass.hours).label("v"))
        .join(TrainingClass, TrainingClass.id == Attendance.class_id).where(classes))

    # postings
    def posting_people(*where):
        return _people(*where, source=Posting, join_cadre=True)

    def add_posting(key, label, w, record="posting"):
        if record == "unit":
            w = (*w, Cadre.unit_id.is_not(None))
            add(key, label, "个", "unit", count=lambda c: select(Cadre.unit_id.label("id")).distinct()
                .select_from(Posting).join(Cadre, Cadre.id == Posting.cadre_id).where(*w),
                where=w, one_pass="posting", distinct=Cadre.unit_id)
        else:
            add(key, label, "人", "posting", count=lambda c: posting_people(*w), rows=lambda c: posting_rows(*w),
                where=w, one_pass="posting", distinct=Posting.cadre_id)

    def posting_rows(*where):
        return _ids(Posting, *where, join=(Cadre, Cadre.id == Posting.cadre_id))

    sec = (Posting.kind == "挂职锻炼", _in(Posting.start, p))
    add_posting("postings.secondment.cadres", "挂职锻炼干部", sec)
    for d in DESTINATIONS:
        add_posting(f"postings.secondment.by_destination.{d}", f"挂职锻炼干部·{d}", (*sec, Posting.destination == d))
    vil = (Posting.kind.in_(VILLAGE_KINDS), _overlaps(Posting.start, Posting.end, p))
    first = (Posting.kind == "驻村第一书记", _overlaps(Posting.start, Posting.end, p))
    add_posting("postings.village.cadres", "驻村干部（第一书记、驻村队员、尖刀班）", vil)
    add_posting("postings.village.first_secretaries", "其中驻村第一书记", first)
    add_posting("postings.village.reserve_cadres", "其中后备干部", (*vil, Cadre.reserve.is_(True)))
    for f in TASK_FIELDS:
        w = (Posting.kind == "一线任务", Posting.field == f, _overlaps(Posting.start, Posting.end, p))
        add_posting(f"postings.frontline.{f}.cadres", f"{f}一线干部", w)
        add_posting(f"postings.frontline.{f}.county_leaders", f"{f}一线·县级领导", (*w, Cadre.level == "县级领导"))
        add_posting(f"postings.frontline.{f}.section_leaders", f"{f}一线·科级领导",
                    (*w, Cadre.level.in_(SECTION_LEVELS)))
        add_posting(f"postings.frontline.{f}.units", f"{f}一线干部所在单位", w, record="unit")

    # appointments
    def appt_people(*where):
        return _people(*where, source=Appointment)

    def appt_rows(*where):
        return _ids(Appointment, *where)

    in_p = _in(Appointment.date, p)
    for key, label, w in (
        ("promotions", "提拔任用干部", (in_p, Appointment.kind == "提拔任用")),
        ("rank_promotions", "职级晋升干部", (in_p, Appointment.kind == "职级晋升")),
        ("frontline_selected", "选拔任用一线干部", (in_p, Appointment.kind != "职级晋升", Appointment.frontline.is_(True))),
    ):
        add(f"appointments.{key}", label, "人", "appointment",
            count=lambda c, w=w: appt_people(*w), rows=lambda c, w=w: appt_rows(*w))

    # township teams (py: the period's team appointments, fetched once)
    for key, label in TEAM_LABELS.items():
        add(f"township_teams.{key}", label, "人", "appointment", "py",
            py=lambda c, key=key: (len(_teams(c)[key]), _teams(c)[key]))

    # commendations
    b_in = _in(CommendationBatch.date, p)

    def awards(kind, *where):
        return _ids(Award, b_in, Award.target_kind == kind, *where,
                    join=(CommendationBatch, CommendationBatch.id == Award.batch_id))

    add("commendations.batches", "通报表扬批次", "批次", "batch", count=lambda c: _ids(CommendationBatch, b_in))
    add("commendations.collectives", "表扬先进集体", "个", "award", count=lambda c: awards("集体"))
    add("commendations.individuals", "表扬先进个人", "人", "award", count=lambda c: awards("个人"))
    fields = ctx.session.scalars(
        select(func.coalesce(func.trim(CommendationBatch.field), "")).distinct().where(b_in)).all()
    for f in sorted({f or "" for f in fields}, key=lambda x: (x == "", x)):
        name = f or BLANK_FIELD
        fw = (func.coalesce(func.trim(CommendationBatch.field), "") == f,)
        add(f"commendations.by_field.{name}.batches", f"{name}·通报批次", "批次", "batch",
            count=lambda c, fw=fw: _ids(CommendationBatch, b_in, *fw))
        add(f"commendations.by_field.{name}.collectives", f"{name}·先进集体", "个", "award",
            count=lambda c, fw=fw: awards("集体", *fw))
        add(f"commendations.by_field.{name}.individuals", f"{name}·先进个人", "人", "award",
            count=lambda c, fw=fw: awards("个人", *fw))

    # mentoring
    active = _overlaps(MentorPair.start, MentorPair.end, p)
    cs = (MentorPair.kind == "县级领导帮带科级领导", active)
    sy = (MentorPair.kind == "科级领导帮带年轻干部", active)
    add("mentoring.county_section_pairs", "县级领导与科级领导帮带结对", "对", "pair",
        count=lambda c: select(MentorPair.mentor_id, MentorPair.mentee_id).distinct().where(*cs),
        rows=lambda c: _ids(MentorPair, *cs))
    add("mentoring.section_mentors", "结对帮带年轻干部的科级领导", "人", "pair",
        count=lambda c: select(MentorPair.mentor_id.label("id")).distinct().where(*sy),
        rows=lambda c: _ids(MentorPair, *sy))
    add("mentoring.young_mentees", "结对帮带的年轻干部", "人", "pair",
        count=lambda c: select(MentorPair.mentee_id.label("id")).distinct().where(*sy),
        rows=lambda c: _ids(MentorPair, *sy))
    add("mentoring.dual_mentor_mentees", "实行“双导师”制的干部", "人", "pair",
        count=lambda c: select(_DUAL[0].mentee_id.label("id")).distinct().select_from(_DUAL[0])
        .join(_DUAL[1], _DUAL[1].mentee_id == _DUAL[0].mentee_id).where(*_dual_where(p)),
        rows=lambda c: _dual_rows(p))
    for k in RECORD_KINDS:
        add(f"mentoring.records.{k}", f"帮带纪实·{k}", "条", "mentoring_record",
            count=lambda c, k=k: _ids(MentoringRecord, MentoringRecord.kind == k, _in(MentoringRecord.date, p)))
    add("mentoring.overdue_pairs", "期末逾期未谈心谈话或汇报的结对", "对", "pair", "py",
        py=lambda c: (_overdue_count(c), None), ids=lambda c: _overdue_pairs(c)[1])

    # tolerance
    decided = (_in(ToleranceCase.decided, p),)
    add("tolerance.cases", "认定容错纠错案例", "件", "case", count=lambda c: _ids(ToleranceCase, *decided))
    for key, colour in COLOURS:
        add(f"tolerance.{key}", f"其中{colour}色", "件", "case",
            count=lambda c, colour=colour: _ids(ToleranceCase, *decided, ToleranceCase.colour == colour))
    add("tolerance.open_corrections", "期末整改中的案例", "件", "case",
        count=lambda c: _ids(ToleranceCase, ToleranceCase.decided <= p.end, ToleranceCase.colour.is_not(None),
                             ToleranceCase.correction_status == "整改中"))

    # allowances (helper `allow`'s payroll; see _allowances)
    add("allowances.total_yuan", "乡镇津贴发放总额", "元", "cadre", "py", money=True,
        py=lambda c: (_allowances(c)["total_yuan"], None), ids=_allowance_recipients)
    add("allowances.recipients", "领取乡镇津贴的干部", "人", "cadre", "py",
        py=lambda c: (_allowances(c)["recipients"], None), ids=_allowance_recipients)

    # care
    v_in = _in(Visit.date, p)
    add("care.visits", "慰问", "人次", "visit", count=lambda c: _ids(Visit, v_in))
    add("care.visit_amount_yuan", "慰问金额", "元", "visit", "sum", money=True,
        count=lambda c: select(Visit.id.label("id"), Visit.amount.label("v")).where(v_in))
    vis = (v_in, Visit.category.in_(VISITED_CATEGORIES))
    add("care.visited_people", "慰问老党员、困难党员和突出人才", "名", "visit",
        count=lambda c: select(func.trim(Visit.name), func.coalesce(Visit.id_number, "")).distinct().where(*vis),
        rows=lambda c: _ids(Visit, *vis))
    for k in VISIT_CATEGORIES:
        add(f"care.by_category.{k}", f"慰问·{k}", "人次", "visit",
            count=lambda c, k=k: _ids(Visit, v_in, Visit.category == k))
    add("care.health_checks", "年度体检", "人次", "care_record",
        count=lambda c: _ids(CareRecord, CareRecord.kind == "年度体检", _in(CareRecord.date, p)))

    # rules
    add("rules.findings", "规则检查发现的问题（截至今天）", "条", "finding", "py",
        py=lambda c: (len(_findings(c)), list(range(len(_findings(c))))))
    return out


# --- the py indicators ---------------------------------------------------------------------------

TEAM_LABELS = {
    "appointed": "选配进入乡镇领导班子",
    "five_categories": "其中“五类人员”",
    "age_le_30": "其中30岁及以下",
    "age_le_35": "其中35岁及以下",
    "bachelor_or_above": "其中本科及以上学历",
    "women": "其中女干部",
    "party_secretaries": "其中党委（党工委）书记",
    "town_heads": "其中乡镇长（街道办事处主任）",
    "town_heads_about_35": "其中35岁左右（33至37岁）乡镇长",
}


def role_parts(role: str | None) -> list[str]:
    text = (role or "").replace("，", "、").replace(",", "、").replace("；", "、")
    return [r.strip() for r in text.split("、") if r.strip()]


def is_party_head(role: str | None) -> bool:
    """A 班子职务 naming the unit's party head: 党委书记 or 党工委书记 (not 党委副书记)."""
    return any(r.endswith(("党委书记", "党工委书记")) and "副" not in r for r in role_parts(role))


def is_government_head(role: str | None) -> bool:
    """A 班子职务 naming the head of government: 镇长, 乡长 or 街道办事处主任 (not 副镇长 …)."""
    return any(r.endswith(("镇长", "乡长", "街道办事处主任", "办事处主任")) and "副" not in r for r in role_parts(role))


def team_appointments(session: Session, period: Period):
    """Each cadre appointed into a township leadership team in the period with the latest such
    appointment (latest date, then latest entered): rows of (id, date, new_team_role, cadre_id, birth,
    sex, five_category, education_rank). An appointment into a
    township team is a 提拔任用, 进一步使用 or 平职交流 whose new unit (blank: the cadre's current unit)
    is a 乡镇 or 街道 and whose new team role is not blank (domain.md)."""
    NewUnit, CurUnit = aliased(Unit), aliased(Unit)
    rank = func.row_number().over(partition_by=Appointment.cadre_id,
                                  order_by=(Appointment.date.desc(), Appointment.id.desc())).label("n")
    inner = (select(Appointment.id.label("id"), rank)
             .join(Cadre, Cadre.id == Appointment.cadre_id)
             .outerjoin(NewUnit, NewUnit.id == Appointment.new_unit_id)
             .outerjoin(CurUnit, CurUnit.id == Cadre.unit_id)
             .where(_in(Appointment.date, period), Appointment.kind.in_(TEAM_KINDS),
                    _nonblank(Appointment.new_team_role),
                    or_(and_(Appointment.new_unit_id.is_not(None), NewUnit.kind.in_(TOWNSHIP_KINDS)),
                        and_(Appointment.new_unit_id.is_(None), CurUnit.kind.in_(TOWNSHIP_KINDS))))).subquery()
    q = (select(Appointment.id, Appointment.date, Appointment.new_team_role, Cadre.id.label("cadre_id"), Cadre.birth,
                Cadre.sex, Cadre.five_category, Cadre.education_rank)
         .join(inner, inner.c.id == Appointment.id).join(Cadre, Cadre.id == Appointment.cadre_id)
         .where(inner.c.n == 1).order_by(Appointment.date, Appointment.id))
    return session.execute(q).all()


def _teams(c: Ctx) -> dict[str, list[int]]:
    """township_teams.* as lists of appointment ids (one per cadre: the latest in the period)."""
    def compute():
        from ..values import age_at

        out = {k: [] for k in TEAM_LABELS}
        for a in team_appointments(c.session, c.period):
            age = age_at(a.birth, a.date)
            out["appointed"].append(a.id)
            if a.five_category:
                out["five_categories"].append(a.id)
            if age is not None and age <= 30:
                out["age_le_30"].append(a.id)
            if age is not None and age <= 35:
                out["age_le_35"].append(a.id)
            if a.education_rank is not None and a.education_rank <= 1:  # 研究生 or 大学
                out["bachelor_or_above"].append(a.id)
            if a.sex == "女":
                out["women"].append(a.id)
            if is_party_head(a.new_team_role):
                out["party_secretaries"].append(a.id)
            if is_government_head(a.new_team_role):
                out["town_heads"].append(a.id)
                if age is not None and 33 <= age <= 37:
                    out["town_heads_about_35"].append(a.id)
        return out

    return c.once("teams", compute)


def _overdue_pairs(c: Ctx) -> tuple[int, list[int]]:
    from ..services import mentoring

    found = c.once("overdue", lambda: {r["id"]: "；".join(t for _rule, t in r["reminders"])
                                         for r in mentoring.overdue(c.session, c.period.end)})
    return len(found), list(found)


def _overdue_count(c: Ctx) -> int:
    from ..services import mentoring

    return mentoring.overdue_count(c.session, c.period.end)


def _findings(c: Ctx) -> list:
    from . import rules

    return c.once("findings", lambda: rules.findings(c.session, today=c.today))


def _allowances(c: Ctx) -> dict:
    """allowances.*: {"total_yuan": Decimal, "recipients": int} for the period's whole months."""
    return c.once("allowances", lambda: allowance_total(c.session, c.period))


def allowance_total(session: Session, period: Period) -> dict:
    from ..services.allowances import period_total

    return period_total(session, period.start, period.end)


def _allowance_recipients(c: Ctx) -> list[int]:
    """The cadres paid in at least one whole month of the period (the payroll names them by ID number)."""
    def compute():
        from ..services.allowances import months_inside, recipient_numbers

        numbers = recipient_numbers(c.session, months_inside(c.period.start, c.period.end))
        if numbers is None:
            return []
        return c.session.scalars(select(Cadre.id).where(Cadre.id_number.in_(numbers.subquery().select()))).all()

    return c.once("allowance_ids", compute)


# The two pairs of a dual-mentor mentee: political (Pol) and professional (Pro).
_DUAL = (aliased(MentorPair), aliased(MentorPair))


def _dual_where(p: Period):
    Pol, Pro = _DUAL

    def ends(a):
        return or_(a.end.is_(None), a.end >= p.start)

    # Three spans (the two pairs and the period) share a day when each two overlap (1-D Helly).
    return (Pol.kind == "双导师制", Pol.role == "政治导师", Pro.kind == "双导师制", Pro.role == "业务导师",
            Pro.mentee_id == Pol.mentee_id,
            Pol.start <= p.end, Pro.start <= p.end, ends(Pol), ends(Pro),
            or_(Pro.end.is_(None), Pol.start <= Pro.end), or_(Pol.end.is_(None), Pro.start <= Pol.end))


def _dual_rows(p: Period):
    Pol, Pro = _DUAL
    a = select(Pol.id.label("id")).select_from(Pol).join(Pro, Pro.mentee_id == Pol.mentee_id).where(*_dual_where(p))
    b = select(Pro.id.label("id")).select_from(Pol).join(Pro, Pro.mentee_id == Pol.mentee_id).where(*_dual_where(p))
    return a.union(b)


# --- computing -----------------------------------------------------------------------------------


def _ctx(session: Session, period: Period, today: dt.date | None) -> Ctx:
    return Ctx(session, period, today or dt.date.today(), settings.young_age(session))


def _one_pass(session: Session, ctx: Ctx, name: str) -> dict[str, int]:
    """Every figure of one pass (`where`), counted together: over the cadre table, the number of
    cadres meeting each figure's conditions; over the postings that began by the period's end (every
    posting figure asks at least that), the number of distinct values of `distinct` among the
    postings meeting them. Each equals what the figure's own `count` SELECT counts."""
    inds = [i for i in _build(ctx) if i.where is not None and i.one_pass == name]
    if name == "cadre":
        cols = [func.count() if not i.where else func.sum(case((and_(*i.where), 1), else_=0)) for i in inds]
        q = select(*cols).select_from(Cadre)
    else:
        cols = [func.count(func.distinct(case((and_(*i.where), i.distinct)))) for i in inds]
        q = (select(*cols).select_from(Posting).join(Cadre, Cadre.id == Posting.cadre_id)
             .where(Posting.start <= ctx.period.end))
    row = session.execute(q).one()
    return {i.key: int(v or 0) for i, v in zip(inds, row)}


def _value(session: Session, ind: Indicator, ctx: Ctx):
    if ind.where is not None:
        return ctx.once(f"pass:{ind.one_pass}", lambda: _one_pass(session, ctx, ind.one_pass))[ind.key]
    if ind.how == "py":
        return ind.py(ctx)[0]
    if ind.how == "sum":
        sub = ind.count(ctx).subquery()
        v = session.scalar(select(func.sum(sub.c.v)))
        return _money(v) if ind.money else _hours(v)
    sub = ind.count(ctx).subquery()
    return int(session.scalar(select(func.count()).select_from(sub)) or 0)


def _money(v) -> Decimal:
    return Decimal(v or 0).quantize(Decimal("0.01"))


def _hours(v) -> Decimal:
    return Decimal(v or 0).quantize(Decimal("0.1"))


@dataclass
class Report:
    period: Period
    values: dict[str, Any]  # dotted key → int | Decimal
    indicators: list[Indicator]

    def get(self, key: str, default=0):
        return self.values.get(key, default)

    def nested(self) -> dict:
        """The JSON object of `cadre report --json`: dotted keys as nested objects; money and hours
        as numbers with at most two / one decimals."""
        out: dict = {"period": {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()}}
        for ind in self.indicators:
            node = out
            parts = ind.key.split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = json_number(self.values[ind.key])
        return out

    def by_section(self) -> list[tuple[str, str, list[Indicator]]]:
        sections: dict[str, list[Indicator]] = {}
        for ind in self.indicators:
            sections.setdefault(ind.section, []).append(ind)
        return [(s, SECTIONS.get(s, s), items) for s, items in sections.items()]


def json_number(v):
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def value_text(ind: Indicator, v) -> str:
    if ind.money:
        return f"{Decimal(v):.2f}"
    if ind.hours:
        return f"{Decimal(v):.1f}"
    return str(v)


def indicators(session: Session, period: Period, today: dt.date | None = None) -> list[Indicator]:
    return _build(_ctx(session, period, today))


def compute(session: Session, period: Period, *, today: dt.date | None = None,
            progress: Callable[[int, int, str], None] | None = None,
            cancelled: Callable[[], bool] | None = None, only: str | None = None,
            skip: tuple[str, ...] = ()) -> Report:
    """Every indicator of report.md for the period (`only`: just the keys under that prefix, e.g.
    "township_teams."; `skip`: not the keys under these prefixes)."""
    ctx = _ctx(session, period, today)
    inds = [i for i in _build(ctx) if (only is None or i.key.startswith(only)) and not i.key.startswith(skip)]
    values = {}
    for i, ind in enumerate(inds):
        if cancelled is not None and cancelled():
            from ..exchange.sheets import Cancelled

            raise Cancelled()
        if progress is not None and i % 10 == 0:
            progress(i, len(inds), SECTIONS.get(ind.section, ind.section))
        values[ind.key] = _value(session, ind, ctx)
    return Report(period, values, inds)


# --- the records behind a figure ----------------------------------------------------------------


@dataclass
class Behind:
    key: str
    label: str
    value: Any
    record: str
    columns: list[tuple[str, str]]  # (header, field)
    rows: list[dict]  # each may carry "cadre_id" (the cadre a double-click opens)


def behind(session: Session, key: str, period: Period, *, today: dt.date | None = None) -> Behind:
    """The records counted by one figure: the cadres, records or findings it was computed from."""
    ctx = _ctx(session, period, today)
    ind = next((i for i in _build(ctx) if i.key == key), None)
    if ind is None:
        raise DomainError(f"没有指标“{key}”。")
    value = _value(session, ind, ctx)
    if ind.how == "py":
        ids = ind.ids(ctx) if ind.ids is not None else ind.py(ctx)[1]
    else:
        q = (ind.rows or ind.count)(ctx)
        sub = q.subquery()
        ids = list(session.scalars(select(sub.c.id)))
    if ind.record == "finding":
        found = _findings(ctx)
        rows = [{"rule": f.rule_name, "message": f.message, "cadre_id": f.cadre_ids[0] if len(f.cadre_ids) == 1 else None}
                for f in found]
        return Behind(key, ind.label, value, ind.record, [("规则", "rule"), ("内容", "message")], rows)
    columns, rows = records(session, ind.record, ids)
    if key == "mentoring.overdue_pairs":  # say what is overdue
        reasons = ctx.cache["overdue"]
        for r in rows:
            r["overdue"] = reasons.get(r["pair_id"], "")
        columns = [*columns, ("逾期情况", "overdue")]
    return Behind(key, ind.label, value, ind.record, columns, rows)


def _age(birth, at: dt.date):
    from ..values import age_at

    return age_at(birth, at)


def _chunks(ids: list[int], n: int = 5000):
    ids = list(dict.fromkeys(i for i in ids if i is not None))
    for i in range(0, len(ids), n):
        yield ids[i:i + n]


CADRE_COLS = [("姓名", "name"), ("性别", "sex"), ("出生年月", "birth"), ("单位", "unit"), ("现任职务", "post"),
              ("层级", "level"), ("人员状态", "status")]


def records(session: Session, record: str, ids: list[int]) -> tuple[list[tuple[str, str]], list[dict]]:
    """The display rows of records of one kind, fetched in batches (never one query per record)."""
    rows: list[dict] = []
    U = aliased(Unit)
    if record == "cadre":
        for part in _chunks(ids):
            q = (select(Cadre.id, Cadre.name, Cadre.sex, Cadre.birth, U.name, Cadre.post, Cadre.level, Cadre.status)
                 .outerjoin(U, U.id == Cadre.unit_id).where(Cadre.id.in_(part)))
            for cid, name, sex, birth, unit, post, level, status in session.execute(q):
                rows.append({"cadre_id": cid, "name": name, "sex": sex, "birth": str(birth) if birth else "",
                             "unit": unit or "", "post": post or "", "level": level or "", "status": status,
                             "_order": (unit or "", name)})
        return CADRE_COLS, _sorted(rows)
    if record == "unit":
        for part in _chunks(ids):
            for u in session.scalars(select(Unit).where(Unit.id.in_(part))):
                rows.append({"name": u.name, "kind": u.kind, "_order": (u.sort_order, u.name)})
        return [("单位", "name"), ("类别", "kind")], _sorted(rows)
    if record == "attendance":
        for part in _chunks(ids):
            q = (select(Attendance.hours, TrainingClass.name, TrainingClass.start, TrainingClass.hours, Cadre.id,
                        Cadre.name, U.name)
                 .join(TrainingClass, TrainingClass.id == Attendance.class_id)
                 .join(Cadre, Cadre.id == Attendance.cadre_id).outerjoin(U, U.id == Cadre.unit_id)
                 .where(Attendance.id.in_(part)))
            for a_hours, c_name, c_start, c_hours, cid, name, unit in session.execute(q):
                h = a_hours if a_hours is not None else c_hours
                rows.append({"cadre_id": cid, "name": name, "unit": unit or "", "class": c_name,
                             "start": _day(c_start), "hours": "" if h is None else f"{h}",
                             "_order": (c_start, c_name, unit or "", name)})
        return [("姓名", "name"), ("单位", "unit"), ("培训班", "class"), ("开班日期", "start"), ("学时", "hours")], _sorted(rows)
    if record == "training_class":
        for part in _chunks(ids):
            n = dict(session.execute(select(Attendance.class_id, func.count()).where(Attendance.class_id.in_(part))
                                     .group_by(Attendance.class_id)).all())
            for tc in session.scalars(select(TrainingClass).where(TrainingClass.id.in_(part))):
                rows.append({"name": tc.name, "organizer": tc.organizer or "", "mode": tc.mode or "",
                             "start": _day(tc.start), "end": _day(tc.end), "hours": "" if tc.hours is None else f"{tc.hours}",
                             "attendances": n.get(tc.id, 0), "_order": (tc.start, tc.name)})
        return [("培训班", "name"), ("主办单位", "organizer"), ("形式", "mode"), ("开始日期", "start"),
                ("结束日期", "end"), ("学时", "hours"), ("参训人次", "attendances")], _sorted(rows)
    if record == "posting":
        for part in _chunks(ids):
            q = (select(Posting, Cadre, U.name).join(Cadre, Cadre.id == Posting.cadre_id)
                 .outerjoin(U, U.id == Cadre.unit_id).where(Posting.id.in_(part)))
            for po, c, unit in session.execute(q):
                rows.append({"cadre_id": c.id, "name": c.name, "unit": unit or "", "level": c.level or "",
                             "kind": po.kind, "place": po.place or "", "class": po.destination or po.field or "",
                             "start": _day(po.start), "end": _day(po.end) or "至今", "_order": (po.start, c.name)})
        return [("姓名", "name"), ("单位", "unit"), ("层级", "level"), ("类型", "kind"), ("派驻单位或地点", "place"),
                ("去向/领域", "class"), ("开始", "start"), ("结束", "end")], _sorted(rows)
    if record == "appointment":
        for part in _chunks(ids):
            N = aliased(Unit)
            q = (select(Appointment, Cadre, U.name, N.name).join(Cadre, Cadre.id == Appointment.cadre_id)
                 .outerjoin(U, U.id == Cadre.unit_id).outerjoin(N, N.id == Appointment.new_unit_id)
                 .where(Appointment.id.in_(part)))
            for a, c, unit, new_unit in session.execute(q):
                age = _age(c.birth, a.date)
                rows.append({"cadre_id": c.id, "name": c.name, "sex": c.sex, "date": _day(a.date), "kind": a.kind,
                             "age": "" if age is None else age, "new_post": a.new_post or "",
                             "new_unit": new_unit or unit or "", "role": a.new_team_role or "",
                             "five": c.five_category or "", "batch": a.batch or "", "_order": (a.date, c.name)})
        return [("姓名", "name"), ("性别", "sex"), ("任用日期", "date"), ("任用时年龄", "age"), ("类型", "kind"),
                ("新任职务", "new_post"), ("新单位", "new_unit"), ("新班子职务", "role"), ("五类人员", "five"),
                ("批次", "batch")], _sorted(rows)
    if record == "batch":
        for part in _chunks(ids):
            n = {}
            for bid, kind, cnt in session.execute(select(Award.batch_id, Award.target_kind, func.count())
                                                  .where(Award.batch_id.in_(part)).group_by(Award.batch_id, Award.target_kind)):
                n[(bid, kind)] = cnt
            for b in session.scalars(select(CommendationBatch).where(CommendationBatch.id.in_(part))):
                rows.append({"title": b.title, "issuer": b.issuer or "", "doc": b.doc_number or "", "date": _day(b.date),
                             "field": b.field or "", "collectives": n.get((b.id, "集体"), 0),
                             "individuals": n.get((b.id, "个人"), 0), "_order": (b.date, b.title)})
        return [("通报", "title"), ("发文机关", "issuer"), ("文号", "doc"), ("日期", "date"), ("表彰领域", "field"),
                ("先进集体", "collectives"), ("先进个人", "individuals")], _sorted(rows)
    if record == "award":
        for part in _chunks(ids):
            q = (select(Award, CommendationBatch).join(CommendationBatch, CommendationBatch.id == Award.batch_id)
                 .where(Award.id.in_(part)))
            for a, b in session.execute(q):
                rows.append({"cadre_id": a.cadre_id, "name": a.target_name, "kind": a.target_kind,
                             "unit_post": a.unit_post or "", "honour": a.honour, "batch": b.title, "date": _day(b.date),
                             "_order": (b.date, b.title, a.id)})
        return [("对象", "name"), ("类型", "kind"), ("单位及职务", "unit_post"), ("称号", "honour"), ("通报", "batch"),
                ("日期", "date")], _sorted(rows)
    if record == "pair":
        Mentor, Mentee = aliased(Cadre), aliased(Cadre)
        for part in _chunks(ids):
            q = (select(MentorPair, Mentor.name, Mentee.name, Mentee.id).join(Mentor, Mentor.id == MentorPair.mentor_id)
                 .join(Mentee, Mentee.id == MentorPair.mentee_id).where(MentorPair.id.in_(part)))
            for pr, mentor, mentee, mentee_id in session.execute(q):
                rows.append({"cadre_id": mentee_id, "pair_id": pr.id, "mentor": mentor, "mentee": mentee, "kind": pr.kind,
                             "role": pr.role or "", "start": _day(pr.start), "end": _day(pr.end) or "至今",
                             "_order": (mentor, pr.start, mentee)})
        return [("帮带人", "mentor"), ("被帮带人", "mentee"), ("结对类型", "kind"), ("导师类别", "role"),
                ("开始", "start"), ("结束", "end")], _sorted(rows)
    if record == "mentoring_record":
        Mentor, Mentee = aliased(Cadre), aliased(Cadre)
        for part in _chunks(ids):
            q = (select(MentoringRecord, Mentor.name, Mentee.name, Mentee.id)
                 .join(MentorPair, MentorPair.id == MentoringRecord.pair_id)
                 .join(Mentor, Mentor.id == MentorPair.mentor_id).join(Mentee, Mentee.id == MentorPair.mentee_id)
                 .where(MentoringRecord.id.in_(part)))
            for r, mentor, mentee, mentee_id in session.execute(q):
                rows.append({"cadre_id": mentee_id, "date": _day(r.date), "kind": r.kind, "mentor": mentor,
                             "mentee": mentee, "content": r.content or "", "_order": (r.date, mentor)})
        return [("日期", "date"), ("类型", "kind"), ("帮带人", "mentor"), ("被帮带人", "mentee"),
                ("内容", "content")], _sorted(rows)
    if record == "case":
        for part in _chunks(ids):
            q = select(ToleranceCase, Cadre.name).join(Cadre, Cadre.id == ToleranceCase.cadre_id).where(ToleranceCase.id.in_(part))
            for t, name in session.execute(q):
                rows.append({"cadre_id": t.cadre_id, "name": name, "matter": t.matter, "colour": t.colour or "",
                             "decided": _day(t.decided), "status": t.correction_status or "",
                             "_order": (t.decided or dt.date.min, name)})
        return [("姓名", "name"), ("事项", "matter"), ("颜色", "colour"), ("认定日期", "decided"),
                ("整改状态", "status")], _sorted(rows)
    if record == "visit":
        for part in _chunks(ids):
            for v in session.scalars(select(Visit).where(Visit.id.in_(part))):
                rows.append({"name": v.name, "id_number": v.id_number or "", "category": v.category, "date": _day(v.date),
                             "amount": "" if v.amount is None else f"{v.amount:.2f}", "visitor": v.visitor or "",
                             "_order": (v.date, v.name)})
        return [("姓名", "name"), ("身份证号", "id_number"), ("对象类别", "category"), ("日期", "date"),
                ("金额（元）", "amount"), ("慰问人", "visitor")], _sorted(rows)
    if record == "care_record":
        for part in _chunks(ids):
            q = (select(CareRecord, Cadre.name, U.name).join(Cadre, Cadre.id == CareRecord.cadre_id)
                 .outerjoin(U, U.id == Cadre.unit_id).where(CareRecord.id.in_(part)))
            for r, name, unit in session.execute(q):
                rows.append({"cadre_id": r.cadre_id, "name": name, "unit": unit or "", "kind": r.kind,
                             "date": _day(r.date), "_order": (r.date, name)})
        return [("姓名", "name"), ("单位", "unit"), ("类型", "kind"), ("日期", "date")], _sorted(rows)
    raise ValueError(record)


def _sorted(rows: list[dict]) -> list[dict]:
    rows.sort(key=lambda r: r.pop("_order"))
    return rows


__all__ = ["Behind", "Indicator", "Period", "Report", "behind", "compute", "indicators", "is_government_head",
           "is_party_head", "records", "team_appointments", "value_text"]
