"""Sheets 结对帮带, 帮带纪实 and 容错纠错.

Every pair row is checked with services.mentoring.check_pair against the database and against
the other rows of the workbook, so a workbook cannot bring in what the window would refuse.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, aliased

from ..models import Cadre, MentoringRecord, MentorPair, ToleranceCase, Unit
from ..services import audit, mentoring, settings, tolerance
from ..services.labels import length_errors
from ..services.mentoring import OtherPair, Person
from ..values import check_id_number
from ..db import chunks
from .people import BATCH, Item, _cadres_by_id, cadre_known, rows_of_cadres, upsert
from .sheets import Column, Context, Row, SheetDef, register, stored, stream

PAIRS, RECORDS, CASES = "结对帮带", "帮带纪实", "容错纠错"


def _person(ctx: Context, idn: str) -> Person | None:
    """The cadre as the workbook will leave it: its 干部 row over the database record."""
    row = ctx.provided.get("干部", {}).get(idn)
    c = _cadres_by_id(ctx).get(idn)
    if row is None and c is None:
        return None
    name = (row.get("name") if row else None) or (c.name if c else idn)
    birth = (row.get("birth") if row else None) or (c.birth if c else None) or check_id_number(idn).birth
    level = row.level if row is not None and row.has_level else (c.level if c else None)
    return Person(idn, name, birth, level)


def _db_pairs(ctx: Context, mentee_idns=()) -> dict[str, dict[tuple, MentorPair]]:
    """mentee ID number → the stored pairs of that mentee by their workbook key, for these mentees
    added to those looked up so far: in batches by key, never every pair of the database. By
    mentee, so a batch of a big sheet reads its own mentees' pairs, not every pair looked up."""
    pairs: dict[str, dict[tuple, MentorPair]] = ctx.cache.setdefault("pairs", {})
    names: dict[int, str] = ctx.cache.setdefault("pair_mentors", {})
    Mentor, Mentee = aliased(Cadre), aliased(Cadre)

    def query(chunk: list[int]):
        return (select(MentorPair, Mentor.id_number, Mentee.id_number, Mentor.name)
                .join(Mentor, MentorPair.mentor_id == Mentor.id).join(Mentee, MentorPair.mentee_id == Mentee.id)
                .where(MentorPair.mentee_id.in_(chunk)))

    for p, m, e, mentor_name in rows_of_cadres(ctx, "pairs_of", mentee_idns, query):
        pairs.setdefault(e, {})[(m, e, p.kind, p.role, p.start)] = p
        names[p.id] = mentor_name
    return pairs


def _stored_of(ctx: Context, db: dict[str, dict[tuple, MentorPair]], mentee_idns) -> dict[tuple, list[tuple]]:
    """(mentee ID number, kind, role) → [(pair id, start, end, mentor name)] of these mentees' pairs."""
    names = ctx.cache.get("pair_mentors", {})
    out: dict[tuple, list[tuple]] = {}
    for idn in mentee_idns:
        for (_m, e, kind, role, start), p in db.get(idn, {}).items():
            if p.id is not None:
                out.setdefault((e, kind, role or None), []).append((p.id, start, p.end, names.get(p.id, "")))
    return out


def _pair_snapshot(p, people) -> dict:
    """mentoring.pair_snapshot with the two cadres as looked up (no record loaded for them)."""
    m, e = people
    return {"帮带人": f"{m.name}（{m.id_number}）", "被帮带人": f"{e.name}（{e.id_number}）", "结对类型": p.kind,
            "导师类别": p.role, "开始日期": mentoring.day_text(p.start), "结束日期": mentoring.day_text(p.end) or None}


def _pair_label(p, people) -> str:
    m, e = people
    return f"{m.name} 帮带 {e.name}（{mentoring.kind_text(p.kind, p.role)}）"


def _pairs_query(columns: tuple[Column, ...], special: dict | None = None):
    """A query of `columns` over every pair with its two people, in the order pairs are listed
    (services.mentoring.list_pairs); `special` maps further attrs to the expressions they read."""
    Mentor, Mentee, MUnit = aliased(Cadre), aliased(Cadre), aliased(Unit)
    exprs = {"mentor_idn": Mentor.id_number, "mentor_name": Mentor.name, "mentee_idn": Mentee.id_number,
             "mentee_name": Mentee.name, **(special or {})}
    return (select(*(exprs[c.attr] if c.attr in exprs else stored(getattr(MentorPair, c.attr)) for c in columns))
            .select_from(MentorPair)
            .join(Mentor, MentorPair.mentor_id == Mentor.id).join(Mentee, MentorPair.mentee_id == Mentee.id)
            .outerjoin(MUnit, Mentor.unit_id == MUnit.id)
            .order_by(*mentoring.pair_order(Mentor, MUnit, Mentee)))


def _pair_columns() -> tuple[Column, ...]:
    return (
        Column("帮带人身份证号", "mentor_idn", "id_number", True, comment="帮带人（导师）的身份证号"),
        Column("帮带人姓名", "mentor_name", comment="可空；填写时须与身份证号对应的干部一致"),
        Column("被帮带人身份证号", "mentee_idn", "id_number", True),
        Column("被帮带人姓名", "mentee_name", comment="可空；填写时须与身份证号对应的干部一致"),
        Column("结对类型", "kind", "enum", True, mentoring.KINDS),
        Column("导师类别", "role", "enum", choices=mentoring.ROLES, comment="双导师制必填，其他类型不填"),
    )


ATTR_HEADERS = {"mentor_id": "帮带人身份证号", "mentee_id": "被帮带人身份证号", "kind": "结对类型", "role": "导师类别",
                "start": "开始日期", "end": "结束日期"}


def _check_people(ctx: Context, sheet: str, r: Row) -> bool:
    ok = True
    for idn_attr, name_attr, who in (("mentor_idn", "mentor_name", "帮带人"), ("mentee_idn", "mentee_name", "被帮带人")):
        idn = r.get(idn_attr)
        if idn is None:
            ok = False
            continue
        known = cadre_known(ctx, idn)
        if known is None:
            ctx.error(sheet, r.number, f"{who}身份证号", "没有这个身份证号的干部（系统和“干部”表中都没有）")
            ok = False
        elif r.get(name_attr) and r.get(name_attr) != known:
            ctx.error(sheet, r.number, f"{who}姓名", f"与身份证号对应的干部“{known}”不符")
    return ok


@register
class PairSheet(SheetDef):
    name = PAIRS
    columns = (*_pair_columns(),
               Column("开始日期", "start", "day", True, comment="如 2022.03.01"),
               Column("结束日期", "end", "day", comment="空白表示帮带中"))
    key = ("mentor_idn", "mentee_idn", "kind", "role", "start")
    note = "一对一、不重复：同一被帮带人同一结对类型（及导师类别）的结对时间不能重叠"

    def check(self, ctx: Context, rows: list[Row]) -> None:
        mentees = {r.get("mentee_idn") for r in rows}
        by_mentee = _db_pairs(ctx, mentees)
        db = {k: p for idn in mentees for k, p in by_mentee.get(idn, {}).items()}  # the pairs of these rows' mentees
        stored = _stored_of(ctx, by_mentee, mentees)
        young = settings.young_age(ctx.session)
        keys = {self.key_of(r) for r in rows}
        skip = {p.id for k, p in db.items() if k in keys}
        earlier: dict[tuple, list[OtherPair]] = {}
        for r in rows:
            if not _check_people(ctx, self.name, r) or r.get("kind") is None or r.get("start") is None:
                continue
            mentor, mentee = _person(ctx, r.get("mentor_idn")), _person(ctx, r.get("mentee_idn"))
            existing = db.get(self.key_of(r))
            end = r.get("end") if "end" in r.values else (existing.end if existing else None)
            data = {"mentor_id": mentor, "mentee_id": mentee, "kind": r.get("kind"), "role": r.get("role"),
                    "start": r.get("start"), "end": end}
            group = (mentee.key, r.get("kind"), r.get("role") or None)
            problems = mentoring.check_pair(ctx.session, data, existing.id if existing else None,
                                            others=earlier.get(group, ()), skip_ids=skip,
                                            stored=stored.get(group, []), young_age=young)
            for attr, msg in problems:
                ctx.error(self.name, r.number, ATTR_HEADERS.get(attr), msg)
            earlier.setdefault(group, []).append(
                OtherPair(mentee.key, mentor.name, r.get("kind"), r.get("role") or None, r.get("start"), end))
        provided: dict[str, dict[tuple, tuple]] = {}  # by mentee, as the pairs looked up (_spans)
        for r in rows:
            provided.setdefault(r.get("mentee_idn"), {})[self.key_of(r)] = (r.get("end"), "end" in r)
        ctx.provided[self.name] = provided

    def write(self, ctx: Context, rows: list[Row]) -> tuple[int, int]:
        people = _cadres_by_id(ctx)
        items = []
        for r in rows:
            mentor, mentee = people[r.get("mentor_idn")], people[r.get("mentee_idn")]
            role = r.get("role") or None
            sets = {"end": r.get("end")} if "end" in r else {}
            new = {"mentor_id": mentor.id, "mentee_id": mentee.id, "kind": r.get("kind"), "role": role,
                   "start": r.get("start"), "end": r.get("end")}
            items.append(Item(mentee.id, (mentor.id, r.get("kind"), role, r.get("start")), sets, new, (mentor, mentee)))
        done = upsert(ctx, self.name, MentorPair, items, scope="mentee_id",
                      stored_key=lambda p: (p.mentor_id, p.kind, p.role, p.start), entity="mentor_pair",
                      snapshot=_pair_snapshot, label=_pair_label)
        for k in ("pairs", "pairs_of", "pair_mentors"):  # read again, with the new pairs, by the next sheet
            ctx.cache.pop(k, None)
        return done

    def export(self, session: Session) -> Iterable[Sequence[Any]]:
        return stream(session, _pairs_query(self.columns))


def _spans(ctx: Context, mentee_idns) -> dict[tuple, list[tuple]]:
    """(mentor, mentee, kind, role) → [(start, end)] of these mentees' pairs as the workbook leaves
    them (only their pairs: a batch of a big sheet does not walk every pair looked up or given)."""
    db, provided = _db_pairs(ctx, mentee_idns), ctx.provided.get(PAIRS, {})
    spans: dict[tuple, dict] = {}
    for idn in mentee_idns:
        for (m, e, kind, role, start), p in db.get(idn, {}).items():
            spans.setdefault((m, e, kind, role), {})[start] = p.end
        for (m, e, kind, role, start), (end, has_end) in provided.get(idn, {}).items():
            held = spans.setdefault((m, e, kind, role or None), {})
            held[start] = end if has_end else held.get(start)
    return {k: list(v.items()) for k, v in spans.items()}


@register
class RecordSheet(SheetDef):
    name = RECORDS
    columns = (
        Column("帮带人身份证号", "mentor_idn", "id_number", True),
        Column("被帮带人身份证号", "mentee_idn", "id_number", True),
        Column("结对类型", "kind", "enum", True, mentoring.KINDS),
        Column("导师类别", "role", "enum", choices=mentoring.ROLES, comment="双导师制必填"),
        Column("日期", "date", "day", True, comment="须在该结对的帮带期间内"),
        Column("纪实类型", "record_kind", "enum", True, mentoring.RECORD_KINDS),
        Column("内容", "content"),
        Column("记录人", "recorded_by", comment="空白为导入的账号"),
    )
    key = ("mentor_idn", "mentee_idn", "kind", "role", "date", "record_kind")
    streamed = True  # rows with distinct keys write independently: batches in the sheet's order
    note = "每条纪实属于帮带期间包含其日期的结对（系统或“结对帮带”表中）"

    def check(self, ctx: Context, rows: list[Row]) -> None:
        spans = _spans(ctx, {r.get("mentee_idn") for r in rows})
        for r in rows:
            for attr, msg in length_errors(MentoringRecord, {"recorded_by": r.get("recorded_by")}):
                ctx.error(self.name, r.number, "记录人", msg)
            if not _check_people(ctx, self.name, r) or None in (r.get("kind"), r.get("date")):
                continue
            held = spans.get((r.get("mentor_idn"), r.get("mentee_idn"), r.get("kind"), r.get("role") or None), [])
            day = r.get("date")
            if not any(s <= day and (e is None or day <= e) for s, e in held):
                if held:
                    text = "、".join(f"{mentoring.day_text(s)} 至 {mentoring.day_text(e) or '今'}" for s, e in held)
                    msg = f"日期不在该结对的帮带期间（{text}）内"
                else:
                    msg = "没有这两人的该类型结对（系统和“结对帮带”表中都没有）"
                ctx.error(self.name, r.number, "日期", msg)

    def write(self, ctx: Context, rows: list[Row]) -> tuple[int, int]:
        """Stored records are compared as plain values, a batch of pairs at a time; new ones go in by
        one executemany per batch, and only a changed one is loaded through the ORM."""
        s = ctx.session
        people = _cadres_by_id(ctx)
        mentees = {r.get("mentee_idn") for r in rows}
        db = _db_pairs(ctx, mentees)
        index: dict[tuple, list[MentorPair]] = {}
        for idn in mentees:  # the pairs of this batch's mentees (the cache holds all looked up)
            for p in db.get(idn, {}).values():
                index.setdefault((p.mentor_id, p.mentee_id, p.kind, p.role), []).append(p)
        by_pair: dict[int, list[tuple[Row, MentorPair]]] = {}
        for r in rows:
            day = r.get("date")
            k = (people[r.get("mentor_idn")].id, people[r.get("mentee_idn")].id, r.get("kind"), r.get("role") or None)
            pair = next(p for p in index.get(k, []) if p.start <= day and (p.end is None or day <= p.end))
            by_pair.setdefault(pair.id, []).append((r, pair))
        by_cadre_id = {c.id: c for r in rows for c in (people[r.get("mentor_idn")], people[r.get("mentee_idn")])}

        def pair_text(pair) -> str:
            return _pair_label(pair, (by_cadre_id[pair.mentor_id], by_cadre_id[pair.mentee_id]))
        t = MentoringRecord.__table__
        added = updated = 0
        for chunk in chunks(list(by_pair), BATCH):
            existing = {(pid, day, kind): (rid, content, by) for rid, pid, day, kind, content, by in s.execute(
                select(t.c.id, t.c.pair_id, t.c.date, t.c.kind, t.c.content, t.c.recorded_by)
                .where(t.c.pair_id.in_(chunk)))}
            new: list[tuple[dict, MentorPair]] = []
            for pid in chunk:
                for r, pair in by_pair[pid]:
                    ctx.tick(self.name)
                    day, kind = r.get("date"), r.get("record_kind")
                    got = existing.get((pid, day, kind))
                    if got is None:
                        values = {"pair_id": pid, "date": day, "kind": kind, "content": r.get("content"),
                                  "recorded_by": r.get("recorded_by") or ctx.actor.name, "version": 1}
                        existing[(pid, day, kind)] = (None, values["content"], values["recorded_by"])
                        new.append((values, pair))
                        continue
                    rid, content, by = got
                    if ("content" not in r or r.get("content") == content) and \
                            (not r.get("recorded_by") or r.get("recorded_by") == by):
                        continue
                    rec = s.get(MentoringRecord, rid)
                    before = mentoring.record_snapshot(rec)
                    if "content" in r:
                        rec.content = r.get("content")
                    if r.get("recorded_by"):
                        rec.recorded_by = r.get("recorded_by")
                    after = mentoring.record_snapshot(rec)
                    if before != after:
                        audit.record(s, ctx.actor, "导入修改", "mentoring_record", rec.id,
                                     f"{pair_text(pair)} {after['日期']} {rec.kind}", before, after)
                        updated += 1
            if not new:
                continue
            s.execute(insert(t), [v for v, _ in new])
            ids = {(pid, day, kind): rid for rid, pid, day, kind in s.execute(
                select(t.c.id, t.c.pair_id, t.c.date, t.c.kind).where(t.c.pair_id.in_(chunk)))}
            for values, pair in new:
                rid = ids[(values["pair_id"], values["date"], values["kind"])]
                audit.record(s, ctx.actor, "导入新增", "mentoring_record", rid,
                             f"{pair_text(pair)} {mentoring.day_text(values['date'])} {values['kind']}",
                             None, {"日期": mentoring.day_text(values["date"]), "纪实类型": values["kind"],
                                    "内容": values["content"], "记录人": values["recorded_by"]})
            added += len(new)
        return added, updated

    def export(self, session: Session) -> Iterable[Sequence[Any]]:
        # The pairs in their listed order, each pair's records by date.
        special = {"date": MentoringRecord.date, "record_kind": MentoringRecord.kind,
                   "content": MentoringRecord.content, "recorded_by": MentoringRecord.recorded_by}
        q = _pairs_query(self.columns, special).join(MentoringRecord, MentoringRecord.pair_id == MentorPair.id)
        return stream(session, q.order_by(MentoringRecord.date, MentoringRecord.id))


CASE_ATTRS = ("circumstance", "colour", "outcome", "decided", "deciding_body", "measures", "correction_status", "notes")
CASE_HEADERS = {"matter": "事项", "occurred": "发生日期", "circumstance": "情形", "colour": "认定颜色", "outcome": "处理结果",
                "decided": "认定日期", "deciding_body": "认定机关", "measures": "整改措施", "correction_status": "整改状态"}


def _db_cases(ctx: Context, idns=()) -> dict[tuple, ToleranceCase]:
    """The stored cases of these cadres (by ID number) by their workbook key: in batches by key."""
    cases: dict[tuple, ToleranceCase] = ctx.cache.setdefault("cases", {})

    def query(chunk: list[int]):
        return (select(ToleranceCase, Cadre.id_number).join(Cadre, ToleranceCase.cadre_id == Cadre.id)
                .where(ToleranceCase.cadre_id.in_(chunk)))

    for c, idn in rows_of_cadres(ctx, "cases_of", idns, query):
        cases[(idn, c.matter, c.occurred)] = c
    return cases


@register
class CaseSheet(SheetDef):
    name = CASES
    columns = (
        Column("身份证号", "id_number", "id_number", True),
        Column("姓名", "cadre_name", comment="可空；填写时须与身份证号对应的干部一致"),
        Column("事项", "matter", required=True),
        Column("发生日期", "occurred", "day", True),
        Column("情形", "circumstance", "enum", choices=tolerance.CIRCUMSTANCES, comment="三个区分开来之一，或 其他"),
        Column("认定颜色", "colour", "enum", choices=tolerance.COLOURS, comment="与认定日期同填；认定中的两项都不填"),
        Column("处理结果", "outcome", "enum", choices=tolerance.OUTCOMES, synonyms=tolerance.OUTCOME_SYNONYMS,
               comment="也可写作 免责、容错免责、从轻或者减轻处理 等，导入时按可选值保存"),
        Column("认定日期", "decided", "day"),
        Column("认定机关", "deciding_body"),
        Column("整改措施", "measures"),
        Column("整改状态", "correction_status", "enum", choices=tolerance.CORRECTION_STATUSES),
        Column("备注", "notes"),
    )
    key = ("id_number", "matter", "occurred")
    note = "认定颜色与认定日期同时填写，或都不填（尚在认定中）"

    def _data(self, ctx: Context, r: Row) -> dict:
        existing = _db_cases(ctx).get(self.key_of(r))
        data = {a: getattr(existing, a) for a in CASE_ATTRS} if existing else {}
        data.update({a: r.get(a) for a in CASE_ATTRS if a in r.values})
        data.update(matter=r.get("matter"), occurred=r.get("occurred"))
        return data

    def check(self, ctx: Context, rows: list[Row]) -> None:
        _db_cases(ctx, {r.get("id_number") for r in rows})
        for r in rows:
            idn = r.get("id_number")
            if idn is None:
                continue
            known = cadre_known(ctx, idn)
            if known is None:
                ctx.error(self.name, r.number, "身份证号", "没有这个身份证号的干部（系统和“干部”表中都没有）")
            elif r.get("cadre_name") and r.get("cadre_name") != known:
                ctx.error(self.name, r.number, "姓名", f"与身份证号对应的干部“{known}”不符")
            if r.get("matter") is None or r.get("occurred") is None:
                continue
            for attr, msg in tolerance.check_case(dict(self._data(ctx, r), cadre_id=0)):
                ctx.error(self.name, r.number, CASE_HEADERS.get(attr), msg)

    def write(self, ctx: Context, rows: list[Row]) -> tuple[int, int]:
        people = _cadres_by_id(ctx)
        db = _db_cases(ctx, {r.get("id_number") for r in rows})
        added = updated = 0
        new = []
        for r in rows:
            ctx.tick(self.name)
            data = self._data(ctx, r)
            case = db.get(self.key_of(r))
            if case is None:
                case = ToleranceCase(cadre_id=people[r.get("id_number")].id, **data)
                new.append(case)
                db[self.key_of(r)] = case
                continue
            before = tolerance.case_snapshot(case)
            for k, v in data.items():
                setattr(case, k, v)
            after = tolerance.case_snapshot(case)
            if audit.record_change(ctx.session, ctx.actor, "导入修改", "tolerance_case", case.id,
                                   tolerance._label(case), before, after):
                updated += 1
        ctx.session.add_all(new)
        ctx.session.flush()
        for case in new:
            audit.record(ctx.session, ctx.actor, "导入新增", "tolerance_case", case.id, tolerance._label(case), None,
                         tolerance.case_snapshot(case))
            added += 1
        return added, updated

    def export(self, session: Session) -> Iterable[Sequence[Any]]:
        # The cases as tolerance.list_cases lists them, earliest first.
        special = {"id_number": Cadre.id_number, "cadre_name": Cadre.name}
        q = (select(*(special[c.attr] if c.attr in special else stored(getattr(ToleranceCase, c.attr))
                      for c in self.columns))
             .select_from(ToleranceCase).join(Cadre, ToleranceCase.cadre_id == Cadre.id)
             .order_by(ToleranceCase.occurred, ToleranceCase.id))
        return stream(session, q)
