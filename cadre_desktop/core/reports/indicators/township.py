"""乡镇领导班子选配 (township_teams.*): the period's appointments into township leadership teams,
fetched once and counted in Python, and how a 班子职务 names the party and government heads."""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from ...models import Appointment, Cadre, Unit
from ...values import TOWNSHIP_KINDS
from .base import TEAM_KINDS, Add, Ctx, Period, _in, _nonblank

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
        from ...values import age_at

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


def township_teams_section(ctx: Ctx, add: Add) -> None:
    """township_teams.* (py: the period's team appointments, fetched once)."""
    for key, label in TEAM_LABELS.items():
        add(f"township_teams.{key}", label, "人", "appointment", "py",
            py=lambda c, key=key: (len(_teams(c)[key]), _teams(c)[key]))
