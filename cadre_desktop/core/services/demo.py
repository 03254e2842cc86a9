"""The demo county: loaded through the same importer as any workbook, into its own database."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Cadre, Unit
from ..values import DomainError, Month, id_check_digit
from .accounts import Actor
from . import cadres

DEMO_USER = "admin"
DEMO_PASSWORD = "demo"


def load_demo(session: Session, *, actor: Actor) -> dict[str, int]:
    """Load the demo county into a database that has no cadres (demo and real data never mix)."""
    from ..demo import demo_rows
    from ..exchange.importer import run_import
    from ..exchange.workbook import WorkbookSource

    if session.scalar(select(func.count()).select_from(Cadre)):
        raise DomainError("数据库中已有干部记录，不能载入演示数据（演示数据与真实数据不能混在一起）。")
    result = run_import(session, actor=actor, source=WorkbookSource.from_rows(demo_rows(), label="演示县"))
    if not result.ok:  # the generator and the importer disagree: a bug, not a clerk's error
        raise RuntimeError("演示数据未通过检查：" + "; ".join(str(p) for p in result.errors[:5]))
    _add_incomplete_records(session, actor)
    _confirm_recent_allowances(session, actor)
    return {
        "units": session.scalar(select(func.count()).select_from(Unit)),
        "cadres": session.scalar(select(func.count()).select_from(Cadre)),
    }


def _confirm_recent_allowances(session: Session, actor: Actor) -> None:
    """The three months before this one have been paid: their payrolls are confirmed (发放确认)."""
    import datetime as dt

    from . import allowances

    this = Month.of(dt.date.today())
    for back in (3, 2, 1):
        allowances.confirm_month(session, actor=actor, month=this.add_months(-back))


def _add_incomplete_records(session: Session, actor: Actor) -> None:
    """A few records as an .lrmx file would bring them: no unit or level yet (待完善)."""
    people = [("1993", "04", "12", "0224", "周晓梅", "2015.07"), ("1989", "11", "03", "0157", "欧阳志远", "2011.08"),
              ("1996", "02", "27", "0326", "单若琳", "2019.09")]
    for year, month, day, seq, name, started in people:
        first17 = f"522629{year}{month}{day}{seq[:3]}"
        number = first17 + id_check_digit(first17)
        if cadres.find_by_id_number(session, number):
            continue
        y, m = started.split(".")
        cadres.save_cadre(
            session, actor=actor, allow_incomplete=True,
            data={"id_number": number, "name": name, "political_status": "中共党员", "ethnicity": "汉族",
                  "work_started": Month(int(y), int(m))},
        )
