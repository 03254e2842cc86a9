"""The one exporter: every sheet definition's records as rows; and the empty template."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from sqlalchemy.orm import Session

from ..services.accounts import Actor, require
from ..values import DomainError
from .sheets import Cancelled, SheetDef, sheets
from .workbook import write_sheets, write_template


def choose_sheets(names: list[str] | None) -> list[SheetDef]:
    all_defs = sheets()
    if not names:
        return all_defs
    known = {s.name for s in all_defs}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise DomainError(f"没有工作表“{'、'.join(unknown)}”，可选：{'、'.join(s.name for s in all_defs)}")
    return [s for s in all_defs if s.name in names]


def export_workbook(session: Session, *, actor: Actor, path: str | Path, sheet_names: list[str] | None = None,
                    progress: Callable[[int, int, str], None] | None = None,
                    cancelled: Callable[[], bool] | None = None) -> dict[str, int]:
    """Write the records to an interchange workbook; a 查阅 account's export is masked."""
    require(actor, "export")
    defs = choose_sheets(sheet_names)
    masked = actor.masked_export
    counts: dict[str, int] = {}

    def rows_of(sd: SheetDef):
        # One function per column, chosen once (every ID-number column is masked for a 查阅
        # account, whatever its attr: 帮带人身份证号, 被帮带人身份证号, …); most columns need none.
        cells = [(i, f) for i, c in enumerate(sd.columns) if (f := c.exporter(masked)) is not None]
        n = 0
        for row in sd.export(session):
            n += 1
            if not n % 200:
                if cancelled and cancelled():
                    raise Cancelled()
                if progress:
                    progress(n, 0, sd.name)
            values = list(row)
            for i, f in cells:
                v = values[i]
                if v is not None:
                    values[i] = f(v)
            yield values
        counts[sd.name] = n

    write_sheets(path, ((sd, rows_of(sd)) for sd in defs), masked=masked)
    return counts


def export_template(path: str | Path) -> Path:
    return write_template(path, sheets())
