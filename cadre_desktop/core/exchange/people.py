"""Sheets of units and cadres: 单位, 干部, and the four lists 简历, 奖惩, 年度考核, 家庭成员."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, selectinload

from ..models import Cadre, Unit
from ..services import audit, cadres, units
from ..values import APPRAISAL_RESULTS, REWARD_KINDS, TIERS, UNIT_KINDS
from . import parse
from .sheets import Column, Context, Row, SheetDef, register, stored, stream

ID = "id_number"


def _units_by_name(ctx: Context) -> dict[str, Unit]:
    if "units" not in ctx.cache:
        ctx.cache["units"] = {u.name: u for u in ctx.session.scalars(select(Unit))}
    return ctx.cache["units"]


def _cadres_by_id(ctx: Context) -> dict[str, Cadre]:
    """The database's cadres that this workbook names (any ID-number column of any sheet), with
    their four lists: looked up by key in batches, never the whole database."""
    if "cadres" not in ctx.cache:
        wanted = sorted(referenced_ids(ctx))
        found: dict[str, Cadre] = {}
        options = [selectinload(getattr(Cadre, n)) for n in cadres.LISTS]
        for chunk in _chunks(wanted, 500):
            for c in ctx.session.scalars(select(Cadre).where(Cadre.id_number.in_(chunk)).options(*options)):
                found[c.id_number] = c
        ctx.cache["cadres"] = found
    return ctx.cache["cadres"]


def referenced_ids(ctx: Context) -> set[str]:
    """Every ID number in an ID-number column of the workbook's sheets."""
    if "referenced_ids" not in ctx.cache:
        ids: set[str] = set()
        for sd, rows in ctx.parsed.values():
            attrs = [c.attr for c in sd.columns if c.kind == "id_number"]
            for r in rows:
                for a in attrs:
                    v = r.values.get(a)
                    if v:
                        ids.add(v)
        ctx.cache["referenced_ids"] = ids
    return ctx.cache["referenced_ids"]


def cadre_known(ctx: Context, id_number: str) -> str | None:
    """The name of the cadre with this ID number, in the workbook's 干部 sheet or the database."""
    row = ctx.provided.get("干部", {}).get(id_number)
    if row is not None:
        return row.get("name")
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

    def check(self, ctx: Context, rows: list[Row]) -> None:
        units_in_wb = ctx.provided.get("单位", {})
        db_units = _units_by_name(ctx)
        for r in rows:
            data = dict(r.values)
            if "unit_name" in data:
                data["unit_id"] = data.pop("unit_name") or None
            new = r.get(ID) not in _cadres_by_id(ctx)
            if new:
                data.setdefault("unit_id", None)
                data.setdefault("level", None)
            else:
                # An update with the column left out keeps the stored value.
                c = _cadres_by_id(ctx)[r.get(ID)]
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
        ctx.provided[self.name] = {r.get(ID): r for r in rows}

    def write(self, ctx: Context, rows: list[Row]) -> tuple[int, int]:
        by_id = _cadres_by_id(ctx)
        unit_ids = {name: u.id for name, u in _units_by_name(ctx).items()}
        names = {v: k for k, v in unit_ids.items()}
        updated = 0
        new: list[Cadre] = []
        for r in rows:
            ctx.tick(self.name)
            data = dict(r.values)
            if "unit_name" in data:
                data["unit_id"] = unit_ids.get(data.pop("unit_name")) if r.get("unit_name") else None
            cadre = by_id.get(r.get(ID))
            if cadre is None:
                cadre = Cadre(reserve=False, status="在职", **{n: [] for n in cadres.LISTS})
                cadres.apply_fields(cadre, data)
                new.append(cadre)
                by_id[cadre.id_number] = cadre
                continue
            before = cadres.snapshot(cadres.cadre_data(cadre, with_lists=False), names)
            cadres.apply_fields(cadre, data)
            after = cadres.snapshot(cadres.cadre_data(cadre, with_lists=False), names)
            if audit.record_change(ctx.session, ctx.actor, "导入修改", "cadre", cadre.id,
                                   f"{cadre.name}（{cadre.id_number}）", before, after):
                updated += 1
        ctx.session.add_all(new)
        ctx.session.flush()  # one flush gives every new cadre its id
        for cadre in new:
            audit.record(ctx.session, ctx.actor, "导入新增", "cadre", cadre.id, f"{cadre.name}（{cadre.id_number}）",
                         None, cadres.snapshot(cadres.cadre_data(cadre, with_lists=False), names))
        return len(new), updated

    def export(self, session: Session) -> Iterable[Sequence[Any]]:
        # Every cadre in the roster's order (cadres.roster_ids with no filter), as plain rows.
        cols = [Unit.name if c.attr == "unit_name" else stored(getattr(Cadre, c.attr)) for c in self.columns]
        return stream(session, select(*cols).outerjoin(Unit, Cadre.unit_id == Unit.id)
                      .order_by(Cadre.roster_key, Cadre.id))


def _chunks(items: list, n: int):
    for i in range(0, len(items), n):
        yield items[i:i + n]


class CadreListSheet(SheetDef):
    """A list of a cadre's file (简历, 奖惩, 年度考核, 家庭成员): rows grouped by 身份证号 replace that
    cadre's whole list."""

    list_name: str = ""
    item_key: tuple[str, ...] = ()  # within one cadre, two rows with this key are an error

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
        by_id = _cadres_by_id(ctx)
        groups: dict[str, list[Row]] = defaultdict(list)
        for r in rows:
            groups[r.get(ID)].append(r)
        keys = [k for k, _ in cadres.LIST_FIELDS[self.list_name]]
        model = cadres.LIST_MODELS[self.list_name]
        added = updated = 0
        replaced: list[int] = []
        inserts: list[dict] = []
        for idn, group in groups.items():
            cadre = by_id[idn]
            old_items = cadres.list_items(cadre, self.list_name)
            items = cadres.normalized_items(self.list_name, [{k: r.get(k) for k in keys} for r in group])
            for _ in group:
                ctx.tick(self.name)
            if cadres.normalized_items(self.list_name, old_items) == items:
                continue
            replaced.append(cadre.id)
            inserts.extend(dict(item, cadre_id=cadre.id, **({"seq": i} if hasattr(model, "seq") else {}))
                           for i, item in enumerate(items))
            cadres.touch(cadre)
            audit.record(ctx.session, ctx.actor, "导入修改", model.__tablename__, cadre.id,
                         f"{cadre.name}（{cadre.id_number}）",
                         cadres.snapshot({self.list_name: old_items}), cadres.snapshot({self.list_name: items}))
            if old_items:
                updated += 1
            else:
                added += 1
        # Set-based writes: one DELETE per chunk of cadres and one multi-row INSERT.
        for chunk in _chunks(replaced, 500):
            ctx.session.execute(delete(model).where(model.cadre_id.in_(chunk)))
        if inserts:
            ctx.session.execute(insert(model), inserts)
        for idn in groups:
            ctx.session.expire(by_id[idn], [self.list_name])
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
