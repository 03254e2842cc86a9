"""What the cadre editor reads and writes off the GUI thread: the record it opens (with the units
for the combo and the career tabs' records) and the save, which finds a conflict in the same job.
The editor runs these through jobs.Loads / jobs.run_job and shows the answers."""

from __future__ import annotations

from typing import Any, Callable

from ..core.services import cadres
from ..core.services.units import unit_choices
from ..core.values import DomainError, StaleEdit


def fetch_record(session: Callable, cadre_id: int | None) -> dict:
    """The record (empty for a new cadre), the units for the combo, the career tabs' records."""
    from .career_tabs import fetch_career

    with session(read_only=True) as s:
        answer: dict[str, Any] = {"units": unit_choices(s), "data": {}}
        if cadre_id is not None:
            answer["data"] = cadres.get_cadre(s, cadre_id)
            answer["career"] = fetch_career(s, cadre_id)
        return answer


def save_record(session: Callable, actor, data: dict, cadre_id: int | None, version: int | None) -> tuple:
    """("saved", cadres.Saved), or ("stale", the record as someone else saved it; None if they
    deleted it) when `version` is no longer the newest."""
    try:
        with session() as s:
            return "saved", cadres.save_cadre_changes(s, actor=actor, data=data, cadre_id=cadre_id, version=version)
    except StaleEdit:
        pass  # read what the other clerk saved (the failed session is rolled back first)
    with session(read_only=True) as s:
        try:
            return "stale", cadres.get_cadre(s, cadre_id) if cadre_id is not None else None
        except DomainError:
            return "stale", None
