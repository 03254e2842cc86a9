"""The sections about the cadres themselves: 干部队伍, 教育培训, 挂职驻村与一线锻炼, 选拔任用."""

from __future__ import annotations

from sqlalchemy import func, select

from ...models import Appointment, Attendance, Cadre, Posting, TrainingClass
from ...services.development import DESTINATIONS, TASK_FIELDS, VILLAGE_KINDS
from ...values import AGE_BANDS, birth_code_bound
from .base import SECTION_LEVELS, Add, Ctx, _ids, _in, _overlaps, _people


def cadres_section(ctx: Ctx, add: Add) -> None:
    """cadres.*: counted together in one pass over the cadre table (`where`)."""
    p = ctx.period
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


def training_section(ctx: Ctx, add: Add) -> None:
    """training.*: the classes that began in the period and their attendances."""
    p = ctx.period
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


def postings_section(ctx: Ctx, add: Add) -> None:
    """postings.*: counted together in one pass over the postings (`where`)."""
    p = ctx.period
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


def appointments_section(ctx: Ctx, add: Add) -> None:
    """appointments.*: the appointments dated in the period."""
    p = ctx.period
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
