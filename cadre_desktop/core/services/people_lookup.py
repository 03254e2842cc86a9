"""Finding cadres from a column a clerk pasted (copied from Excel): one ID number or name a line.

Used wherever a list of people is entered at once: attendances of a training class, the
individuals of a commendation, the mentees of a mentor.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import chunks
from ..models import Cadre, Unit


@dataclass
class Resolution:
    """What the pasted lines came to.

    ids: the cadres found, each once, in the order of the paste.
    ambiguous: (line, candidates) for a name that several cadres share; each candidate is a dict
        with id, name, unit, post, id_number.
    unknown: lines that match nobody (and lines that are not a valid ID number but look like one).
    duplicates: lines naming a cadre already found on an earlier line.
    """

    ids: list[int] = field(default_factory=list)
    ambiguous: list[tuple[str, list[dict]]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)


def _clean(line: str) -> str:
    # A cell copied from Excel may carry tabs (several columns), full-width spaces, quotes.
    text = (line or "").replace("\u3000", " ").strip().strip("'\"“”‘’").strip()
    return text


def _looks_like_id(text: str) -> bool:
    t = text.upper()
    return len(t) >= 15 and t[:-1].isdigit() and (t[-1].isdigit() or t[-1] == "X")


def candidate_rows(session: Session, ids: list[int]) -> list[dict]:
    """id, name, unit, post, id_number of these cadres, in the department's order (unit, name)."""
    if not ids:
        return []
    rows = session.execute(
        select(Cadre.id, Cadre.name, Unit.name, Cadre.post, Cadre.id_number)
        .outerjoin(Unit, Cadre.unit_id == Unit.id)
        .where(Cadre.id.in_(ids))
        .order_by(func.coalesce(Unit.sort_order, 1 << 30), Unit.name, Cadre.name, Cadre.id)
    ).all()
    return [{"id": i, "name": n, "unit": u, "post": p, "id_number": idn} for i, n, u, p, idn in rows]


def names_of(session: Session, ids: list[int]) -> dict[int, str]:
    """{id: name} of these cadres (names only: no roster row is built)."""
    out: dict[int, str] = {}
    for chunk in chunks(list(ids), 500):
        rows = session.execute(select(Cadre.id, Cadre.name).where(Cadre.id.in_(chunk)))
        out.update((cid, name) for cid, name in rows)
    return out


def resolve_people(session: Session, lines: list[str]) -> Resolution:
    """Resolve pasted lines: an ID number matches exactly (an x matches X); anything else is an
    exact name. A line with several cells (tab-separated) is read by its first cell that is an ID
    number, else its first cell."""
    texts: list[str] = []
    for raw in lines:
        for part in str(raw or "").splitlines() or [""]:
            cells = [_clean(c) for c in part.split("\t")]
            cells = [c for c in cells if c]
            if not cells:
                continue
            ids = [c for c in cells if _looks_like_id(c)]
            texts.append(ids[0] if ids else cells[0])

    id_numbers = {t.upper() for t in texts if _looks_like_id(t)}
    names = {t for t in texts if not _looks_like_id(t)}
    by_number: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    if id_numbers:
        for chunk in chunks(sorted(id_numbers), 500):
            for cid, idn in session.execute(select(Cadre.id, Cadre.id_number).where(Cadre.id_number.in_(chunk))):
                by_number[idn.upper()] = cid
    if names:
        for chunk in chunks(sorted(names), 500):
            for cid, name in session.execute(select(Cadre.id, Cadre.name).where(Cadre.name.in_(chunk))
                                             .order_by(Cadre.id)):
                by_name.setdefault(name, []).append(cid)

    result = Resolution()
    seen: set[int] = set()
    for t in texts:
        if _looks_like_id(t):
            cid = by_number.get(t.upper())
        else:
            found = by_name.get(t, [])
            if len(found) > 1:
                result.ambiguous.append((t, candidate_rows(session, found)))
                continue
            cid = found[0] if found else None
        if cid is None:
            result.unknown.append(t)
        elif cid in seen:
            result.duplicates.append(t)
        else:
            seen.add(cid)
            result.ids.append(cid)
    return result


