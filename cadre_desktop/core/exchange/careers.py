"""Sheets of using, honouring and caring for cadres: 选拔任用, 表彰, 关爱记录, 慰问.

These are history rows: importing them never changes a cadre's current unit, post or team role
(the 干部 sheet states those). Rows are upserted by their keys; a row that changes nothing writes
nothing and records no event. New records are inserted together with one flush.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import Appointment, Award, Cadre, CareRecord, CommendationBatch, Unit, Visit
from ..services import audit, careers, honours, welfare
from ..values import CODE_SYNONYMS, RANKS
from . import parse
from .people import ID, Item, _cadres_by_id, _units_by_name, cadre_known, upsert
from .sheets import Column, Context, Row, SheetDef, register, stored, stream


def _id_columns() -> tuple[Column, ...]:
    return (Column("身份证号", ID, "id_number", True, comment="干部的身份证号（系统或“干部”表中已有）"),
            Column("姓名", "cadre_name", comment="可空；填写时须与身份证号对应的干部一致"))


def _check_cadre(ctx: Context, sheet: str, r: Row) -> bool:
    idn = r.get(ID)
    if idn is None:
        return False
    known = cadre_known(ctx, idn)
    if known is None:
        ctx.error(sheet, r.number, "身份证号", "没有这个身份证号的干部（系统和“干部”表中都没有）")
        return False
    if r.get("cadre_name") and r.get("cadre_name") != known:
        ctx.error(sheet, r.number, "姓名", f"与身份证号对应的干部“{known}”不符")
    return True


def _person(c: Cadre) -> str:
    return f"{c.name}（{c.id_number}）"


# --- 选拔任用 ---------------------------------------------------------------------------------


@register
class AppointmentSheet(SheetDef):
    name = "选拔任用"
    columns = (
        *_id_columns(),
        Column("任职日期", "date", "day", True, comment="如 2022.06.15"),
        Column("任用类型", "kind", "enum", True, careers.KINDS),
        Column("原职务", "old_post"),
        Column("新职务", "new_post"),
        Column("新单位", "new_unit_name", comment="须为“单位”表或系统中已有的单位；空白为干部的现单位"),
        Column("新职级", "new_rank", "enum", choices=RANKS, synonyms=CODE_SYNONYMS["rank"],
               comment="如 副科级、三级主任科员"),
        Column("新班子职务", "new_team_role", comment="进入领导班子的填写，如“党委委员、副镇长”"),
        Column("是否一线干部", "frontline", "bool"),
        Column("一线领域", "frontline_field", "enum", choices=careers.FRONTLINE_FIELDS,
               synonyms=parse.FIELD_SYNONYMS, comment="是否一线干部为“是”时填写"),
        Column("批次", "batch", comment="同时研究决定的任用填写同一批次，如“2022年第3批”"),
        Column("任免文号", "doc_number"),
    )
    key = (ID, "date", "kind")
    note = "任用记录只记载历史，导入不会改变干部的现任单位、职务和班子职务（请在“干部”表中修改）"

    def check(self, ctx: Context, rows: list[Row]) -> None:
        units_in_wb = ctx.provided.get("单位", {})
        db_units = _units_by_name(ctx)
        for r in rows:
            _check_cadre(ctx, self.name, r)
            unit = r.get("new_unit_name")
            if unit and unit not in units_in_wb and unit not in db_units:
                ctx.error(self.name, r.number, "新单位", f"单位“{unit}”不存在（系统和“单位”表中都没有）")
            if r.get("frontline_field") and not r.get("frontline"):
                ctx.error(self.name, r.number, "一线领域", "只有“是否一线干部”为“是”时才填写一线领域")

    def write(self, ctx: Context, rows: list[Row]) -> tuple[int, int]:
        by_id = _cadres_by_id(ctx)
        units = _units_by_name(ctx)
        unit_names = {u.id: name for name, u in units.items()}
        plain = ("old_post", "new_post", "new_rank", "new_team_role", "frontline_field", "batch", "doc_number")
        items = []
        for r in rows:
            cadre = by_id[r.get(ID)]
            values = {k: r.get(k) for k in plain if k in r}
            if "frontline" in r:
                values["frontline"] = bool(r.get("frontline"))
            if "new_unit_name" in r:
                values["new_unit_id"] = units[r.get("new_unit_name")].id if r.get("new_unit_name") else None
            new = dict(values, cadre_id=cadre.id, date=r.get("date"), kind=r.get("kind"))
            new.setdefault("frontline", False)
            items.append(Item(cadre.id, (r.get("date"), r.get("kind")), values, new, cadre))
        return upsert(ctx, self.name, Appointment, items, scope="cadre_id", stored_key=lambda a: (a.date, a.kind),
                      entity="appointment", snapshot=lambda a, c: careers.snapshot(a, unit_names.get(a.new_unit_id)),
                      label=lambda a, c: careers.label(c, a))

    def export(self, session: Session) -> Iterable[Sequence[Any]]:
        special = {ID: Cadre.id_number, "cadre_name": Cadre.name, "new_unit_name": Unit.name}
        q = (select(*(special[c.attr] if c.attr in special else stored(getattr(Appointment, c.attr))
                      for c in self.columns))
             .select_from(Appointment)
             .join(Cadre, Appointment.cadre_id == Cadre.id).outerjoin(Unit, Appointment.new_unit_id == Unit.id)
             .order_by(Appointment.date, Appointment.id))
        return stream(session, q)


# --- 表彰 -----------------------------------------------------------------------------------

BATCH_ATTRS = ("issuer", "date", "field", "addressee", "body")


@register
class CommendationSheet(SheetDef):
    name = "表彰"
    columns = (
        Column("通报名称", "title", required=True, comment="同一通报的各行填写相同的通报名称、文号及通报信息"),
        Column("发文机关", "issuer", comment="如 中共云岭县委"),
        Column("文号", "doc_number", comment="如 云党通〔2022〕5号"),
        Column("日期", "date", "day", True, comment="通报日期，如 2022.06.15"),
        Column("表彰领域", "field", comment="如 疫情防控"),
        Column("主送机关", "addressee"),
        Column("通报正文", "body"),
        Column("对象类型", "target_kind", "enum", True, honours.TARGET_KINDS),
        Column("对象名称", "target_name", required=True, comment="集体填单位或集体名称，个人填姓名"),
        Column("身份证号", ID, "id_number", comment="个人且在干部档案中的填写；可空"),
        Column("单位及职务", "unit_post", comment="通报中印出的单位及职务；空白时用干部的现单位和职务"),
        Column("荣誉称号", "honour", required=True, comment="如 先进集体、先进个人、人民满意公务员"),
        Column("主要事迹", "deeds"),
    )
    key = ("title", "doc_number", "target_kind", "target_name", ID)
    note = "一行一个表彰对象；同一通报（通报名称与文号相同）的发文机关、日期、表彰领域、主送机关、通报正文须一致"

    def key_of(self, row: Row) -> tuple:
        return (row.get("title"), row.get("doc_number") or "", row.get("target_kind"), row.get("target_name"),
                row.get(ID) or "")

    def check(self, ctx: Context, rows: list[Row]) -> None:
        groups: dict[tuple, list[Row]] = defaultdict(list)
        for r in rows:
            if r.get("title") is not None:
                groups[(r.get("title"), r.get("doc_number"))].append(r)
        batches: dict[tuple, dict] = {}
        for key, group in groups.items():
            values: dict[str, Any] = {}
            first: dict[str, int] = {}
            for r in group:
                for attr in BATCH_ATTRS:
                    v = r.get(attr)
                    if v is None:
                        continue
                    if attr not in values:
                        values[attr], first[attr] = v, r.number
                    elif values[attr] != v:
                        header = self.header_of(attr)
                        ctx.error(self.name, r.number, header,
                                  f"与第 {first[attr]} 行不一致（同一通报的{header}须相同）")
            present = {attr for attr in BATCH_ATTRS if any(attr in r.values for r in group)}
            batches[key] = {attr: values.get(attr) for attr in present}
        ctx.cache["表彰/batches"] = batches
        for r in rows:
            kind, idn = r.get("target_kind"), r.get(ID)
            if kind == "集体" and idn:
                ctx.error(self.name, r.number, "身份证号", "集体不填写身份证号")
            elif kind == "个人" and idn:
                known = cadre_known(ctx, idn)
                if known is None:
                    ctx.error(self.name, r.number, "身份证号", "没有这个身份证号的干部（系统和“干部”表中都没有）")
                elif r.get("target_name") and r.get("target_name") != known:
                    ctx.error(self.name, r.number, "对象名称", f"与身份证号对应的干部“{known}”不符")

    def write(self, ctx: Context, rows: list[Row]) -> tuple[int, int]:
        s = ctx.session
        by_id = _cadres_by_id(ctx)
        batches = {(b.title, b.doc_number): b
                   for b in s.scalars(select(CommendationBatch).options(selectinload(CommendationBatch.awards)))}
        added = updated = 0
        new_awards: list[tuple[Award, CommendationBatch]] = []
        for key, values in ctx.cache["表彰/batches"].items():
            b = batches.get(key)
            if b is None:
                b = CommendationBatch(title=key[0], doc_number=key[1], awards=[], **values)
                s.add(b)
                s.flush()
                batches[key] = b
                audit.record(s, ctx.actor, "导入新增", "commendation_batch", b.id, honours.batch_label(b), None,
                             honours.batch_snapshot(b))
                continue
            before = honours.batch_snapshot(b)
            for k, v in values.items():
                setattr(b, k, v)
            after = honours.batch_snapshot(b)
            audit.record_change(s, ctx.actor, "导入修改", "commendation_batch", b.id, honours.batch_label(b), before, after)
        awards = {(a.batch_id, a.target_kind, a.target_name, a.id_number or ""): a
                  for b in batches.values() for a in b.awards}
        for r in rows:
            ctx.tick(self.name)
            b = batches[(r.get("title"), r.get("doc_number"))]
            idn = r.get(ID)
            cadre = by_id.get(idn) if idn else None
            values = {k: r.get(k) for k in ("unit_post", "honour", "deeds") if k in r.values}
            akey = (b.id, r.get("target_kind"), r.get("target_name"), idn or "")
            a = awards.get(akey)
            if a is None:
                a = Award(batch_id=b.id, target_kind=r.get("target_kind"), target_name=r.get("target_name"),
                          id_number=idn, cadre_id=cadre.id if cadre else None, **values)
                awards[akey] = a
                new_awards.append((a, b))
                continue
            before = honours.award_snapshot(a)
            for k, v in values.items():
                setattr(a, k, v)
            if cadre is not None and a.cadre_id != cadre.id:
                a.cadre_id = cadre.id
            after = honours.award_snapshot(a)
            if audit.record_change(s, ctx.actor, "导入修改", "award", a.id, honours.award_label(a, b), before, after):
                updated += 1
        s.add_all([a for a, _ in new_awards])
        s.flush()
        for a, b in new_awards:
            audit.record(s, ctx.actor, "导入新增", "award", a.id, honours.award_label(a, b), None,
                         honours.award_snapshot(a))
        added += len(new_awards)
        return added, updated

    def export(self, session: Session) -> Iterable[Sequence[Any]]:
        # One row per award: its batch's fields, then its own; batches by date, awards by id.
        batch_attrs = {"title", "doc_number", *BATCH_ATTRS}
        q = (select(*(stored(getattr(CommendationBatch if c.attr in batch_attrs else Award, c.attr))
                      for c in self.columns))
             .select_from(Award).join(CommendationBatch, Award.batch_id == CommendationBatch.id)
             .order_by(CommendationBatch.date, CommendationBatch.id, Award.id))
        return stream(session, q)


# --- 关爱记录 ---------------------------------------------------------------------------------


@register
class CareSheet(SheetDef):
    name = "关爱记录"
    columns = (
        *_id_columns(),
        Column("类型", "kind", "enum", True, welfare.CARE_KINDS),
        Column("日期", "date", "day", True, comment="如 2022.06.15；带薪年休假填休假开始日"),
        Column("天数", "days", "int", comment="带薪年休假的天数"),
        Column("金额", "amount", "money", comment="元，最多两位小数"),
        Column("备注", "notes", comment="如 体检机构、帮扶事由、周转房房号"),
    )
    key = (ID, "kind", "date")
    streamed = True  # rows with distinct keys write independently: batches in the sheet's order

    def check(self, ctx: Context, rows: list[Row]) -> None:
        for r in rows:
            _check_cadre(ctx, self.name, r)

    def write(self, ctx: Context, rows: list[Row]) -> tuple[int, int]:
        by_id = _cadres_by_id(ctx)
        items = []
        for r in rows:
            cadre = by_id[r.get(ID)]
            values = {k: r.get(k) for k in ("days", "amount", "notes") if k in r}
            items.append(Item(cadre.id, (r.get("kind"), r.get("date")), values,
                              dict(values, cadre_id=cadre.id, kind=r.get("kind"), date=r.get("date")), cadre))
        return upsert(ctx, self.name, CareRecord, items, scope="cadre_id", stored_key=lambda c: (c.kind, c.date),
                      entity="care_record", snapshot=lambda rec, c: welfare.care_snapshot(rec),
                      label=lambda rec, c: welfare.care_label(c, rec))

    def export(self, session: Session) -> Iterable[Sequence[Any]]:
        special = {ID: Cadre.id_number, "cadre_name": Cadre.name}
        q = (select(*(special[c.attr] if c.attr in special else stored(getattr(CareRecord, c.attr))
                      for c in self.columns))
             .select_from(CareRecord).join(Cadre, CareRecord.cadre_id == Cadre.id)
             .order_by(CareRecord.date, CareRecord.id))
        return stream(session, q)


# --- 慰问 -----------------------------------------------------------------------------------


@register
class VisitSheet(SheetDef):
    name = "慰问"
    columns = (
        Column("姓名", "name", required=True),
        Column("身份证号", ID, "id_number", comment="可空；填写时须为有效的身份证号"),
        Column("对象类别", "category", "enum", True, welfare.VISIT_CATEGORIES),
        Column("日期", "date", "day", True, comment="如 2022.01.20"),
        Column("金额", "amount", "money", comment="元，最多两位小数"),
        Column("慰问人", "visitor"),
        Column("备注", "notes", comment="如 住址、慰问事由"),
    )
    key = ("name", ID, "date", "category")
    note = "被慰问人不一定是干部；身份证号可空"

    def key_of(self, row: Row) -> tuple:
        return (row.get("name"), row.get(ID) or "", row.get("date"), row.get("category"))

    def write(self, ctx: Context, rows: list[Row]) -> tuple[int, int]:
        items = []
        for r in rows:
            values = {k: r.get(k) for k in ("amount", "visitor", "notes") if k in r}
            new = dict(values, name=r.get("name"), id_number=r.get(ID), date=r.get("date"), category=r.get("category"))
            items.append(Item(r.get("date"), self.key_of(r), values, new))
        return upsert(ctx, self.name, Visit, items, scope="date",
                      stored_key=lambda v: (v.name, v.id_number or "", v.date, v.category), entity="visit",
                      snapshot=lambda v, _: welfare.visit_snapshot(v), label=lambda v, _: welfare.visit_label(v))

    def export(self, session: Session) -> Iterable[Sequence[Any]]:
        return stream(session, select(*(stored(getattr(Visit, c.attr)) for c in self.columns))
                      .order_by(Visit.date, Visit.id))
