"""Sheets of units and cadres: 单位, 干部, and the four lists 简历, 奖惩, 年度考核, 家庭成员."""

from __future__ import annotations

import sys
from collections import defaultdict
from typing import Any, Callable, Iterable, Iterator, Sequence

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from ..db import chunks
from ..models import Cadre, Unit, roster_key
from ..services import audit, cadres, units
from ..values import check_id_number, APPRAISAL_RESULTS, REWARD_KINDS, TIERS, UNIT_KINDS
from . import parse
from .sheets import Column, Context, Row, SheetDef, register, stored, stream

ID = "id_number"


def _intern(text: str | None) -> str | None:
    return text if text is None else sys.intern(text)


def _units_by_name(ctx: Context) -> dict[str, Unit]:
    if "units" not in ctx.cache:
        ctx.cache["units"] = {u.name: u for u in ctx.session.scalars(select(Unit))}
    return ctx.cache["units"]


class CadreRef:
    """What the sheets need of a stored cadre (looked up by ID number in batches): never the
    whole record, never its lists."""

    __slots__ = ("id", "id_number", "name", "birth", "level", "unit_id", "status")

    def __init__(self, id, id_number, name, birth, level, unit_id, status):  # noqa: A002
        # One object per distinct value (an import holds a reference to every cadre it names).
        self.id, self.id_number, self.name, self.birth = id, _intern(id_number), _intern(name), parse.shared_month(birth)
        self.level, self.unit_id, self.status = _intern(level), unit_id, _intern(status)

    @property
    def incomplete(self) -> bool:
        return self.unit_id is None or not self.level


REF_COLUMNS = (Cadre.id, Cadre.id_number, Cadre.name, Cadre.birth, Cadre.level, Cadre.unit_id, Cadre.status)
BATCH = 500


def lookup_cadres(ctx: Context, id_numbers: Iterable[str]) -> dict[str, CadreRef]:
    """The stored cadres with these ID numbers, added to what the import has looked up so far
    (in batches of BATCH by key; each ID number is asked for once)."""
    found: dict[str, CadreRef] = ctx.cache.setdefault("cadres", {})
    absent: set[str] = ctx.cache.setdefault("cadres_absent", set())
    wanted = sorted({i for i in id_numbers if i and i not in found and i not in absent})
    for chunk in chunks(wanted, BATCH):
        for row in ctx.session.execute(select(*REF_COLUMNS).where(Cadre.id_number.in_(chunk))):
            ref = CadreRef(*row)
            found[ref.id_number] = ref  # keyed by the ref's own (interned) ID number: one string
        absent.update(i for i in chunk if i not in found)
    return found


def prefetch_cadres(ctx: Context, sd: SheetDef, rows: list[Row]) -> None:
    """Look up, in batches, the stored cadres that this sheet's ID-number columns name."""
    attrs = [c.attr for c in sd.columns if c.kind == "id_number"]
    if attrs:
        lookup_cadres(ctx, {v for r in rows for a in attrs if (v := r.get(a))})


def _cadres_by_id(ctx: Context) -> dict[str, CadreRef]:
    """The stored cadres looked up so far (every sheet's ID numbers are looked up before it is
    checked: prefetch_cadres)."""
    return ctx.cache.setdefault("cadres", {})


def rows_of_cadres(ctx: Context, done_key: str, id_numbers: Iterable[str],
                   query: Callable[[list[int]], Any]) -> Iterator:
    """The rows of `query(cadre ids)` for the stored cadres with these ID numbers not asked for
    before under `done_key`: a kind of record looked up for the cadres a sheet names, once per cadre
    and in batches of BATCH cadre ids, never every record of the database."""
    done: set[str] = ctx.cache.setdefault(done_key, set())
    people = _cadres_by_id(ctx)
    wanted = sorted({i for i in id_numbers if i and i not in done})
    done.update(wanted)
    ids = [people[i].id for i in wanted if i in people]
    return (row for chunk in chunks(ids, BATCH) for row in ctx.session.execute(query(chunk)))


class Provided:
    """A cadre as the workbook's 干部 sheet gives it: what later sheets check against."""

    __slots__ = ("name", "birth", "level", "has_level")

    def __init__(self, row: Row):
        self.name, self.birth = _intern(row.get("name")), row.get("birth")
        self.level, self.has_level = _intern(row.get("level")), "level" in row

    def get(self, attr: str, default=None):
        return getattr(self, attr, default)


def cadre_known(ctx: Context, id_number: str) -> str | None:
    """The name of the cadre with this ID number, in the workbook's 干部 sheet or the database."""
    row = ctx.provided.get("干部", {}).get(id_number)
    if row is not None:
        return row.name
    c = _cadres_by_id(ctx).get(id_number)
    return c.name if c else None


@register
class UnitSheet(SheetDef):
    name = "单位"
    columns = (
        Column("单位名称", "name", required=True, comment="单位全称，不可重复"),
        Column("单位类别", "kind", "enum", True, UNIT_KINDS),
        Column("津贴档次", "tier", "enum", choices=TIERS, comment="乡镇、街道填写；空白按基础标准"),
        Column("排序", "sort_order", "int", comment="单位在名册中的顺序，数字小的在前"),
    )
    key = ("name",)

    def check(self, ctx: Context, rows: list[Row]) -> None:
        for r in rows:
            for attr, msg in units.validate_unit(r.get("name") or "x", r.get("kind"), r.get("tier")):
                if attr == "tier" and "tier" in r.values:
                    ctx.error(self.name, r.number, "津贴档次", msg)
        ctx.provided[self.name] = {r.get("name"): r for r in rows}

    def write(self, ctx: Context, rows: list[Row]) -> tuple[int, int]:
        existing = _units_by_name(ctx)
        added = updated = 0
        for r in rows:
            ctx.tick(self.name)
            unit = existing.get(r.get("name"))
            if unit is None:
                unit = Unit(name=r.get("name"), kind=r.get("kind"), tier=r.get("tier"),
                            sort_order=r.get("sort_order") or 0)
                ctx.session.add(unit)
                ctx.session.flush()
                existing[unit.name] = unit
                audit.record(ctx.session, ctx.actor, "导入新增", "unit", unit.id, unit.name, None,
                             units.unit_snapshot(unit))
                added += 1
                continue
            before = units.unit_snapshot(unit)
            unit.kind = r.get("kind")
            if "tier" in r.values:
                unit.tier = r.get("tier")
            if "sort_order" in r.values:
                unit.sort_order = r.get("sort_order") or 0
            after = units.unit_snapshot(unit)
            if before != after:
                audit.record(ctx.session, ctx.actor, "导入修改", "unit", unit.id, unit.name, before, after)
                updated += 1
        return added, updated

    def export(self, session: Session) -> Iterable[Sequence[Any]]:
        return stream(session, select(*(getattr(Unit, c.attr) for c in self.columns))
                      .order_by(Unit.sort_order, Unit.name))


def _cadre_columns() -> tuple[Column, ...]:
    cols = []
    for f in cadres.FIELDS:
        if f.attr in ("reporting_unit", "form_filler", "age_date"):
            continue
        kind = {"text": "text", "month": "month", "day": "day", "bool": "bool", "enum": "enum",
                "education": "education", "unit": "text"}[f.kind]
        if f.attr == "id_number":
            kind = "id_number"
        synonyms = parse.FIVE_CATEGORY_SYNONYMS if f.attr == "five_category" else f.synonyms
        comment = {
            "id_number": "18位身份证号，请设为文本格式；用作干部的唯一标识",
            "sex": "可空，空白时按身份证号；填写时须与身份证号一致",
            "birth": "如 1985.03；可空，空白时按身份证号",
            "unit_id": "须为“单位”表或系统中已有的单位；在职干部必填",
            "level": "在职干部必填",
            "status": "空白为在职",
            "team_role": "进入单位领导班子的填写，如“党委副书记、镇长”，多个职务用“、”分隔",
            "township_start": "乡镇工作起始年月，用于计算乡镇津贴年限",
            "post_since": "任现职务的年月，如 2021.09",
            "rank_since": "任现职级的年月，如 2020.06；任现职级满几年按此计算",
            "ethnicity": "如 汉族；“汉”按“汉族”保存",
            "political_status": "如 中共党员；“党员”按“中共党员”、“团员”按“共青团员”保存",
            "rank": "职务层次或职级，如 正科级、副科级、一级主任科员、管理八级",
            "ft_education_text": "如 大学、大学本科、研究生、中央党校大学",
            "ip_education_text": "如 中央党校大学、省委党校研究生",
        }.get(f.attr, "")
        cols.append(Column(f.label, "unit_name" if f.attr == "unit_id" else f.attr, kind, f.required,
                           f.choices, synonyms, comment))
    return tuple(cols)


@register
class CadreSheet(SheetDef):
    name = "干部"
    columns = _cadre_columns()
    key = (ID,)
    streamed = True

    def check(self, ctx: Context, rows: list[Row]) -> None:
        units_in_wb = ctx.provided.get("单位", {})
        db_units = _units_by_name(ctx)
        stored = _cadres_by_id(ctx)
        added = ctx.cache.get("cadres_added", ())  # by this sheet's write: new to its later rows too
        for r in rows:
            data = dict(r)
            if "unit_name" in data:
                data["unit_id"] = data.pop("unit_name") or None
            c = stored.get(r.get(ID)) if r.get(ID) not in added else None
            if c is None:
                data.setdefault("unit_id", None)
                data.setdefault("level", None)
            else:
                # An update with the column left out keeps the stored value.
                data.setdefault("unit_id", c.unit_id)
                data.setdefault("level", c.level)
                data.setdefault("status", c.status)
                # A record already marked 待完善 (e.g. from an .lrmx file) may stay incomplete, as
                # in the editor; so a workbook exported from this database imports back into it.
                data["_allow_incomplete"] = c.incomplete
            for attr, msg in cadres.check_fields(data):
                if attr == ID:
                    continue  # the column parser has already checked it
                ctx.error(self.name, r.number, cadres.field_label(attr), msg)
            unit_name = r.get("unit_name")
            if unit_name and unit_name not in units_in_wb and unit_name not in db_units:
                ctx.error(self.name, r.number, "工作单位", f"单位“{unit_name}”不存在（系统和“单位”表中都没有）")
        ctx.provided.setdefault(self.name, {}).update((_intern(r.get(ID)), Provided(r)) for r in rows)

    def write(self, ctx: Context, rows: list[Row]) -> tuple[int, int]:
        """New cadres in one executemany per batch; a stored cadre is compared with its row as
        plain values and only a changed one is loaded and written through the ORM."""
        s = ctx.session
        stored = _cadres_by_id(ctx)
        units_by_name = _units_by_name(ctx)
        unit_ids = {name: u.id for name, u in units_by_name.items()}
        names = {v: k for k, v in unit_ids.items()}
        prefixes = {u.id: roster_key.unit_prefix(u.sort_order, u.name) for u in units_by_name.values()}
        table = Cadre.__table__
        added = updated = 0
        for chunk in chunks(rows, BATCH):
            old_ids = [stored[r.get(ID)].id for r in chunk if r.get(ID) in stored]
            current = {}
            if old_ids:
                current = {row.id_number: row for row in s.execute(
                    select(*[table.c[a] for a in COMPARED]).where(table.c.id.in_(old_ids)))}
            new_rows: list[dict] = []
            for r in chunk:
                ctx.tick(self.name)
                data = dict(r)
                if "unit_name" in data:
                    data["unit_id"] = unit_ids.get(data.pop("unit_name")) if r.get("unit_name") else None
                row = current.get(r.get(ID))
                if row is None:
                    values = _Plain({f.attr: None for f in cadres.FIELDS}, reserve=False, status="在职")
                    cadres.apply_fields(values, data)
                    out = {a: getattr(values, a) for a in COMPARED if a != "id"}
                    out["version"] = 1
                    out["roster_key"] = roster_key.roster_key(
                        prefixes.get(out["unit_id"], roster_key.unit_prefix(None, None)), out["level"], out["name"])
                    new_rows.append(out)
                    continue
                if not _differs(row, data):
                    continue  # unchanged: nothing loaded, nothing written
                cadre = s.get(Cadre, row.id)
                before = cadres.snapshot(cadres.cadre_data(cadre, with_lists=False), names)
                cadres.apply_fields(cadre, data)
                after = cadres.snapshot(cadres.cadre_data(cadre, with_lists=False), names)
                if audit.record_change(s, ctx.actor, "导入修改", "cadre", cadre.id,
                                       f"{cadre.name}（{cadre.id_number}）", before, after):
                    updated += 1
            if not new_rows:
                continue
            s.execute(insert(table), new_rows)
            got = {ref.id_number: ref for ref in (CadreRef(*row) for row in s.execute(
                select(*REF_COLUMNS).where(Cadre.id_number.in_([v["id_number"] for v in new_rows]))))}
            stored.update(got)
            ctx.cache.setdefault("cadres_added", set()).update(got)
            absent = ctx.cache.get("cadres_absent")
            for v in new_rows:
                ref = got[v["id_number"]]
                if absent is not None:
                    absent.discard(ref.id_number)
                data = {f.attr: v.get(f.attr) for f in cadres.FIELDS}
                audit.record(s, ctx.actor, "导入新增", "cadre", ref.id, f"{ref.name}（{ref.id_number}）", None,
                             cadres.snapshot(data, names))
            added += len(new_rows)
        return added, updated

    def export(self, session: Session) -> Iterable[Sequence[Any]]:
        # Every cadre in the roster's order (cadres.roster_ids with no filter), as plain rows.
        cols = [Unit.name if c.attr == "unit_name" else stored(getattr(Cadre, c.attr)) for c in self.columns]
        return stream(session, select(*cols).outerjoin(Unit, Cadre.unit_id == Unit.id)
                      .order_by(Cadre.roster_key, Cadre.id))


def _expire_cadres(session: Session, ids: Iterable[int]) -> None:
    """Cadres the session holds whose rows were written around the ORM: read again when next used."""
    wanted = set(ids)
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Cadre) and obj.id in wanted:
            session.expire(obj)


_FIELD_ATTRS = frozenset(f.attr for f in cadres.FIELDS)


def _differs(row, data: dict) -> bool:
    """Whether writing `data` (a 干部 row) would change the stored cadre `row`, as
    cadres.apply_fields would store it: text trimmed (blank is None), a blank 性别 or 出生年月 taken
    from the ID number, a blank 后备干部 as 否 and 人员状态 as 在职. What is derived (学历层次, the
    search text, the roster key) follows from these."""
    info = None
    for a, v in data.items():
        if a not in _FIELD_ATTRS:
            continue
        if type(v) is str:
            v = v.strip() or None
        if v is None:
            if a in ("sex", "birth"):
                if info is None:
                    info = check_id_number(row.id_number)
                v = info.sex if a == "sex" else info.birth
            elif a == "reserve":
                v = False
            elif a == "status":
                v = "在职"
        if getattr(row, a) != v:
            return True
    return False


class _Plain:
    """A bag of attributes: a cadre's values outside the ORM, for cadres.apply_fields."""

    def __init__(self, values: dict, **more):
        self.__dict__.update(values, **more)


# The stored columns an import compares and writes (not the photo, the .lrmx extras, the form-only
# fields, the version or the roster key, which follow from these).
COMPARED = ("id", *(f.attr for f in cadres.FIELDS if f.attr not in ("reporting_unit", "form_filler", "age_date")),
            "ft_education", "ip_education", "education_rank", "search_text")


class CadreListSheet(SheetDef):
    """A list of a cadre's file (简历, 奖惩, 年度考核, 家庭成员): rows grouped by 身份证号 replace that
    cadre's whole list."""

    list_name: str = ""
    item_key: tuple[str, ...] = ()  # within one cadre, two rows with this key are an error
    streamed = True
    group = ID

    @property
    def keyed(self) -> bool:
        return bool(self.item_key)

    def key_of(self, row: Row) -> tuple:
        return (row.get(ID), *(row.get(a) for a in self.item_key)) if self.item_key else (row.number,)

    def check(self, ctx: Context, rows: list[Row]) -> None:
        for r in rows:
            idn = r.get(ID)
            if idn is None:
                continue
            known = cadre_known(ctx, idn)
            if known is None:
                ctx.error(self.name, r.number, "身份证号", "没有这个身份证号的干部（系统和“干部”表中都没有）")
            elif r.get("cadre_name") and r.get("cadre_name") != known:
                ctx.error(self.name, r.number, "姓名", f"与身份证号对应的干部“{known}”不符")
            item = {k: r.get(k) for k, _ in cadres.LIST_FIELDS[self.list_name]}
            for attr, msg in cadres.check_list_item(self.list_name, item):
                if self._has(attr) and r.get(attr) is None and self.column(attr).required:
                    continue  # already reported as a missing required value
                ctx.error(self.name, r.number, self.header_of(attr) if self._has(attr) else None, msg)

    def _has(self, attr: str) -> bool:
        return any(c.attr == attr for c in self.columns)

    def write(self, ctx: Context, rows: list[Row]) -> tuple[int, int]:
        """Each named cadre's stored list is read as plain values, a batch of cadres at a time, and
        compared with the sheet's: only a changed list is replaced (one DELETE and one executemany
        INSERT per batch) and recorded."""
        s = ctx.session
        by_id = _cadres_by_id(ctx)
        groups: dict[str, list[Row]] = defaultdict(list)
        for r in rows:
            groups[r.get(ID)].append(r)
        keys = [k for k, _ in cadres.LIST_FIELDS[self.list_name]]
        model = cadres.LIST_MODELS[self.list_name]
        table = model.__table__
        has_seq = "seq" in table.c
        order = table.c.seq if has_seq else table.c.year
        added = updated = 0
        replaced: list[int] = []
        for chunk in chunks(list(groups.items()), BATCH):
            ids = [by_id[idn].id for idn, _ in chunk]
            stored: dict[int, list[dict]] = defaultdict(list)
            for row in s.execute(select(table.c.cadre_id, *[table.c[k] for k in keys])
                                 .where(table.c.cadre_id.in_(ids)).order_by(table.c.cadre_id, order, table.c.id)):
                stored[row[0]].append(dict(zip(keys, row[1:])))
            replaced.clear()
            inserts: list[dict] = []
            for idn, group in chunk:
                cadre = by_id[idn]
                old_items = stored.get(cadre.id, [])
                items = cadres.normalized_items(self.list_name, [{k: r.get(k) for k in keys} for r in group])
                for _ in group:
                    ctx.tick(self.name)
                if cadres.normalized_items(self.list_name, old_items) == items:
                    continue
                replaced.append(cadre.id)
                inserts.extend(dict(item, cadre_id=cadre.id, **({"seq": i} if has_seq else {}))
                               for i, item in enumerate(items))
                audit.record(s, ctx.actor, "导入修改", model.__tablename__, cadre.id,
                             f"{cadre.name}（{cadre.id_number}）",
                             cadres.snapshot({self.list_name: old_items}), cadres.snapshot({self.list_name: items}))
                if old_items:
                    updated += 1
                else:
                    added += 1
            if not replaced:
                continue
            # Set-based writes: one DELETE and one multi-row INSERT per batch, and the cadres'
            # versions raised (a list is part of the record an editor may hold open).
            if any(stored.get(i) for i in replaced):
                s.execute(delete(table).where(table.c.cadre_id.in_([i for i in replaced if stored.get(i)])))
            if inserts:
                s.execute(insert(table), inserts)
            touched = Cadre.__table__
            s.execute(update(touched).where(touched.c.id.in_(replaced)).values(version=touched.c.version + 1))
            _expire_cadres(s, replaced)
        return added, updated

    def export(self, session: Session) -> Iterable[Sequence[Any]]:
        # The cadres in the roster's order, each one's items in the order of its file (the
        # relationship's order_by), as plain rows of one joined query.
        model = cadres.LIST_MODELS[self.list_name]
        special = {ID: Cadre.id_number, "cadre_name": Cadre.name}
        cols = [special[c.attr] if c.attr in special else stored(getattr(model, c.attr)) for c in self.columns]
        item_order = getattr(Cadre, self.list_name).property.order_by or ()
        return stream(session, select(*cols).join(Cadre, model.cadre_id == Cadre.id)
                      .order_by(Cadre.roster_key, Cadre.id, *item_order, model.id))


def _list_columns(*cols: Column) -> tuple[Column, ...]:
    return (Column("身份证号", ID, "id_number", True, comment="干部的身份证号（系统或“干部”表中已有）"),
            Column("姓名", "cadre_name", comment="可空；填写时须与身份证号对应的干部一致"), *cols)


@register
class ResumeSheet(CadreListSheet):
    name = "简历"
    list_name = "resumes"
    columns = _list_columns(
        Column("起始年月", "start", "month", True, comment="如 2002.09"),
        Column("截止年月", "end", "month", comment="空白表示至今"),
        Column("经历", "text", required=True, comment="如 某某大学某某专业学习"),
    )
    note = "某干部出现在本表时，以本表替换其全部简历"


@register
class RewardSheet(CadreListSheet):
    name = "奖惩"
    list_name = "rewards"
    columns = _list_columns(
        Column("日期", "date", "day", True, comment="如 2022.06.15"),
        Column("类别", "kind", "enum", True, REWARD_KINDS),
        Column("内容", "text", required=True),
        Column("批准机关", "approver"),
    )
    note = "某干部出现在本表时，以本表替换其全部奖惩"


@register
class AppraisalSheet(CadreListSheet):
    name = "年度考核"
    list_name = "appraisals"
    item_key = ("year",)
    columns = _list_columns(
        Column("年度", "year", "year", True, comment="四位年份，如 2022"),
        Column("考核结果", "result", "enum", True, APPRAISAL_RESULTS),
    )
    note = "某干部出现在本表时，以本表替换其全部年度考核"


@register
class FamilySheet(CadreListSheet):
    name = "家庭成员"
    list_name = "family"
    columns = _list_columns(
        Column("称谓", "relation", required=True, comment="如 妻子、丈夫、儿子、女儿、父亲、母亲"),
        Column("成员姓名", "name", required=True),
        Column("出生年月", "birth", "month"),
        Column("政治面貌", "political_status"),
        Column("工作单位及职务", "work"),
    )
    note = "某干部出现在本表时，以本表替换其全部家庭成员"


class Item:
    """One row to upsert (`upsert`): the id of the record it hangs on (`scope`, e.g. the cadre),
    its key, the values it sets on a stored record, the values of a new one, and what the label
    and snapshot functions need besides the record (`extra`, e.g. the cadre)."""

    __slots__ = ("scope", "key", "sets", "new", "extra")

    def __init__(self, scope, key: tuple, sets: dict, new: dict, extra=None):
        self.scope, self.key, self.sets, self.new, self.extra = scope, key, sets, new, extra


class _Record(_Plain):
    """A new record's values as attributes, for the snapshot and label functions (a relationship
    it does not carry reads as None)."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return None


def upsert(ctx: Context, sheet: str, model, items: list[Item], *, scope: str, stored_key, entity: str,
           snapshot, label) -> tuple[int, int]:
    """Write rows keyed within a scope column (e.g. a cadre's care records by (kind, date)), a
    batch of scopes at a time: the stored records are read as plain values and compared; a new
    record goes in by one executemany per batch and an unchanged one is left alone; only a changed
    one is loaded and written through the ORM (its version checked) with an event of what changed.
    `stored_key(row)` gives a stored row's key as `Item.key` does; `snapshot(record, extra)` and
    `label(record, extra)` are the audit forms."""
    s = ctx.session
    table = model.__table__
    col = table.c[scope]
    by_scope: dict[Any, list[Item]] = defaultdict(list)
    for it in items:
        by_scope[it.scope].append(it)
    added = updated = 0
    for chunk in chunks(list(by_scope), BATCH):
        existing: dict[tuple, Any] = {}
        for row in s.execute(select(table).where(col.in_(chunk))):
            existing.setdefault((getattr(row, scope), stored_key(row)), row)
        new: list[Item] = []
        for sc in chunk:
            for it in by_scope[sc]:
                ctx.tick(sheet)
                row = existing.get((sc, it.key))
                if row is None:
                    existing[(sc, it.key)] = True
                    new.append(it)
                    continue
                if row is True or all(getattr(row, a) == v for a, v in it.sets.items()):
                    continue  # unchanged: nothing loaded, nothing written
                obj = s.get(model, row.id)
                before = snapshot(obj, it.extra)
                for a, v in it.sets.items():
                    setattr(obj, a, v)
                if audit.record_change(s, ctx.actor, "导入修改", entity, obj.id, label(obj, it.extra), before,
                                       snapshot(obj, it.extra)):
                    updated += 1
        if not new:
            continue
        s.execute(insert(table), [dict(it.new, version=1) if "version" in table.c else it.new for it in new])
        ids: dict[tuple, int] = {}
        for row in s.execute(select(table).where(col.in_(chunk)).order_by(table.c.id)):
            ids.setdefault((getattr(row, scope), stored_key(row)), row.id)
        for it in new:
            rec = _Record({c.key: None for c in table.c}, **it.new)
            rec.id = ids[(it.scope, it.key)]
            audit.record(s, ctx.actor, "导入新增", entity, rec.id, label(rec, it.extra), None, snapshot(rec, it.extra))
        added += len(new)
    return added, updated
