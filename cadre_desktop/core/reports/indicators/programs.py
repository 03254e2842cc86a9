"""The sections of the programmes: 通报表扬, 结对帮带, 容错纠错, 乡镇津贴, 关心关爱, 规则检查, with the
helpers of their py indicators (overdue pairs, the allowance payroll, the rule findings)."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from ...models import Award, Cadre, CareRecord, CommendationBatch, MentoringRecord, MentorPair, ToleranceCase, Visit
from ...services.mentoring import RECORD_KINDS
from ...services.welfare import VISIT_CATEGORIES
from .base import BLANK_FIELD, COLOURS, VISITED_CATEGORIES, Add, Ctx, Period, _ids, _in, _overlaps


def commendations_section(ctx: Ctx, add: Add) -> None:
    """commendations.*: the batches dated in the period, by 表彰领域 too."""
    p = ctx.period
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


def mentoring_section(ctx: Ctx, add: Add) -> None:
    """mentoring.*: the pairs active in the period and their records."""
    p = ctx.period
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


def tolerance_section(ctx: Ctx, add: Add) -> None:
    """tolerance.*: the cases decided in the period."""
    p = ctx.period
    decided = (_in(ToleranceCase.decided, p),)
    add("tolerance.cases", "认定容错纠错案例", "件", "case", count=lambda c: _ids(ToleranceCase, *decided))
    for key, colour in COLOURS:
        add(f"tolerance.{key}", f"其中{colour}色", "件", "case",
            count=lambda c, colour=colour: _ids(ToleranceCase, *decided, ToleranceCase.colour == colour))
    add("tolerance.open_corrections", "期末整改中的案例", "件", "case",
        count=lambda c: _ids(ToleranceCase, ToleranceCase.decided <= p.end, ToleranceCase.colour.is_not(None),
                             ToleranceCase.correction_status == "整改中"))


def allowances_section(ctx: Ctx, add: Add) -> None:
    """allowances.* (helper `allow`'s payroll; see _allowances)."""
    add("allowances.total_yuan", "乡镇津贴发放总额", "元", "cadre", "py", money=True,
        py=lambda c: (_allowances(c)["total_yuan"], None), ids=_allowance_recipients)
    add("allowances.recipients", "领取乡镇津贴的干部", "人", "cadre", "py",
        py=lambda c: (_allowances(c)["recipients"], None), ids=_allowance_recipients)


def care_section(ctx: Ctx, add: Add) -> None:
    """care.*: visits and care records dated in the period."""
    p = ctx.period
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


def rules_section(ctx: Ctx, add: Add) -> None:
    """rules.*: the rule findings as of today."""
    add("rules.findings", "规则检查发现的问题（截至今天）", "条", "finding", "py",
        py=lambda c: (_finding_count(c), None), ids=lambda c: list(range(len(_findings(c)))))


def _overdue_pairs(c: Ctx) -> tuple[int, list[int]]:
    from ...services import mentoring

    found = c.once("overdue", lambda: {r["id"]: "；".join(t for _rule, t in r["reminders"])
                                         for r in mentoring.overdue(c.session, c.period.end)})
    return len(found), list(found)


def _overdue_count(c: Ctx) -> int:
    from ...services import mentoring

    return mentoring.overdue_count(c.session, c.period.end)


def _finding_count(c: Ctx) -> int:
    from .. import rules

    return rules.finding_count(c.session, today=c.today)


def _findings(c: Ctx) -> list:
    from .. import rules

    return c.once("findings", lambda: rules.findings(c.session, today=c.today))


def _allowances(c: Ctx) -> dict:
    """allowances.*: {"total_yuan": Decimal, "recipients": int} for the period's whole months."""
    return c.once("allowances", lambda: allowance_total(c.session, c.period))


def allowance_total(session: Session, period: Period) -> dict:
    from ...services.allowances import period_total

    return period_total(session, period.start, period.end)


def _allowance_recipients(c: Ctx) -> list[int]:
    """The cadres paid in at least one whole month of the period (the payroll names them by ID number)."""
    def compute():
        from ...services.allowances import months_inside, recipient_numbers

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
