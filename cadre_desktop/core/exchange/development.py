"""Sheets of growing cadres: 培训班, 参训记录, 挂职驻村.

History rows: importing them never touches a cadre's unit, post or team role.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from sqlalchemy import func, select

from ..models import Attendance, Cadre, Posting, TrainingClass, Unit
from ..services import audit
from ..services import development as dev
from . import parse
from .people import Item, _cadres_by_id, cadre_known, upsert
from .sheets import Column, Context, Row, SheetDef, register, stored, stream

ID = "id_number"


def _classes_by_name(ctx: Context) -> dict[str, TrainingClass]:
    if "training_classes" not in ctx.cache:
        ctx.cache["training_classes"] = {tc.name: tc for tc in ctx.session.scalars(select(TrainingClass))}
    return ctx.cache["training_classes"]


def _check_cadre(ctx: Context, sheet: str, r: Row) -> bool:
    """The row's 身份证号 names a cadre (workbook or database) and its 姓名, when given, agrees."""
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


def _report(ctx: Context, sd: SheetDef, r: Row, errors: list[tuple[str, str]]) -> None:
    """Errors of a service check, under the column they concern (a blank required value has been
    reported by the importer already)."""
    for attr, msg in errors:
        try:
            col = sd.column(attr)
        except KeyError:
            ctx.error(sd.name, r.number, None, msg)
            continue
        if r.get(attr) is None and col.required:
            continue
        ctx.error(sd.name, r.number, col.header, msg)


@register
class TrainingClassSheet(SheetDef):
    name = "培训班"
    columns = (
        Column("培训班名称", "name", required=True, comment="培训班全称，不可重复"),
        Column("主办单位", "organizer", comment="如 县委党校、县委组织部"),
        Column("培训形式", "mode", "enum", choices=dev.TRAINING_MODES),
        Column("开始日期", "start", "day", True, comment="如 2022.06.15"),
        Column("结束日期", "end", "day", comment="如 2022.06.19；不早于开始日期"),
        Column("学时", "hours", "hours", comment="可有一位小数"),
        Column("培训计划", "plan", comment="如 6124培训计划"),
    )
    key = ("name",)

    def check(self, ctx: Context, rows: list[Row]) -> None:
        for r in rows:
            data = {c.attr: r.get(c.attr) for c in self.columns}
            _report(ctx, self, r, dev.check_class(data))
        ctx.provided[self.name] = {r.get("name"): r for r in rows if r.get("name")}

    def write(self, ctx: Context, rows: list[Row]) -> tuple[int, int]:
        existing = _classes_by_name(ctx)
        attrs = [c.attr for c in self.columns]
        added = updated = 0
        new: list[TrainingClass] = []
        for r in rows:
            ctx.tick(self.name)
            tc = existing.get(r.get("name"))
            if tc is None:
                tc = TrainingClass(**{a: r.get(a) for a in attrs})
                new.append(tc)
                existing[tc.name] = tc
                continue
            before = dev.class_snapshot(tc)
            for a in attrs:
                if a in r.values and getattr(tc, a) != r.get(a):
                    setattr(tc, a, r.get(a))
            after = dev.class_snapshot(tc)
            if before != after:
                audit.record(ctx.session, ctx.actor, "导入修改", "training_class", tc.id, tc.name, before, after)
                updated += 1
        ctx.session.add_all(new)
        ctx.session.flush()
        for tc in new:
            audit.record(ctx.session, ctx.actor, "导入新增", "training_class", tc.id, tc.name, None,
                         dev.class_snapshot(tc))
            added += 1
        return added, updated

    def export(self, session) -> Iterable[Sequence[Any]]:
        return stream(session, select(*(stored(getattr(TrainingClass, c.attr)) for c in self.columns))
                      .order_by(TrainingClass.start, TrainingClass.name))


@register
class AttendanceSheet(SheetDef):
    name = "参训记录"
    columns = (
        Column("培训班名称", "class_name", required=True, comment="须为“培训班”表或系统中已有的培训班"),
        Column("身份证号", ID, "id_number", True, comment="干部的身份证号（系统或“干部”表中已有）"),
        Column("姓名", "cadre_name", comment="可空；填写时须与身份证号对应的干部一致"),
        Column("学时", "hours", "hours", comment="可有一位小数"),
        Column("是否结业", "completed", "bool", comment="是/否；空白为是"),
    )
    key = ("class_name", ID)
    note = "一行为一人次；同一培训班同一人只能有一行"
    streamed = True  # rows with distinct keys write independently: batches in the sheet's order

    def check(self, ctx: Context, rows: list[Row]) -> None:
        in_wb = ctx.provided.get("培训班", {})
        db = _classes_by_name(ctx)
        for r in rows:
            name = r.get("class_name")
            if name is not None and name not in in_wb and name not in db:
                ctx.error(self.name, r.number, "培训班名称", f"培训班“{name}”不存在（系统和“培训班”表中都没有）")
            _check_cadre(ctx, self.name, r)

    def write(self, ctx: Context, rows: list[Row]) -> tuple[int, int]:
        classes = _classes_by_name(ctx)
        cadres = _cadres_by_id(ctx)
        names = {tc.id: tc.name for tc in classes.values()}
        items = []
        for r in rows:
            tc, cadre = classes[r.get("class_name")], cadres[r.get(ID)]
            sets = {}
            if "hours" in r:
                sets["hours"] = r.get("hours")
            if "completed" in r:
                sets["completed"] = True if r.get("completed") is None else r.get("completed")
            new = {"class_id": tc.id, "cadre_id": cadre.id, "hours": r.get("hours"),
                   "completed": True if r.get("completed") is None else r.get("completed")}
            items.append(Item(cadre.id, (tc.id,), sets, new, cadre))
        return upsert(ctx, self.name, Attendance, items, scope="cadre_id", stored_key=lambda a: (a.class_id,),
                      entity="attendance", snapshot=lambda a, c: dev.attendance_snapshot(a, names[a.class_id], c),
                      label=lambda a, c: dev._label(names[a.class_id], c.name))

    def export(self, session) -> Iterable[Sequence[Any]]:
        special = {"class_name": TrainingClass.name, ID: Cadre.id_number, "cadre_name": Cadre.name}
        q = (select(*(special[c.attr] if c.attr in special else stored(getattr(Attendance, c.attr))
                      for c in self.columns))
             .select_from(Attendance)
             .join(TrainingClass, Attendance.class_id == TrainingClass.id)
             .join(Cadre, Attendance.cadre_id == Cadre.id)
             .outerjoin(Unit, Cadre.unit_id == Unit.id)
             .order_by(TrainingClass.start, TrainingClass.name, func.coalesce(Unit.sort_order, 1 << 30), Unit.name,
                       Cadre.name, Cadre.id_number))
        return stream(session, q)


POSTING_ATTRS = dev.POSTING_ATTRS


@register
class PostingSheet(SheetDef):
    name = "挂职驻村"
    columns = (
        Column("身份证号", ID, "id_number", True, comment="干部的身份证号（系统或“干部”表中已有）"),
        Column("姓名", "cadre_name", comment="可空；填写时须与身份证号对应的干部一致"),
        Column("类型", "kind", "enum", True, dev.POSTING_KINDS),
        Column("派驻单位或地点", "place", comment="如 某某村、省乡村振兴局"),
        Column("去向类别", "destination", "enum", choices=dev.DESTINATIONS, synonyms=parse.DESTINATION_SYNONYMS,
               comment="只有挂职锻炼填写"),
        Column("任务领域", "field", "enum", choices=dev.TASK_FIELDS, synonyms=parse.FIELD_SYNONYMS,
               comment="一线任务必填"),
        Column("开始日期", "start", "day", True, comment="如 2022.06.15"),
        Column("结束日期", "end", "day", comment="空白表示仍在进行"),
        Column("表现评价", "evaluation", "enum", choices=dev.EVALUATIONS),
        Column("备注", "notes"),
    )
    key = (ID, "kind", "field", "start")
    note = "历史记录：导入本表不改变干部的现工作单位和职务"

    def key_of(self, row: Row) -> tuple:
        # A blank 任务领域 is part of the key too (two rows alike but for a blank field clash).
        return (row.get(ID), row.get("kind"), row.get("field") or "", row.get("start"))

    def check(self, ctx: Context, rows: list[Row]) -> None:
        for r in rows:
            _check_cadre(ctx, self.name, r)
            _report(ctx, self, r, dev.check_posting({a: r.get(a) for a in POSTING_ATTRS}))

    def write(self, ctx: Context, rows: list[Row]) -> tuple[int, int]:
        cadres = _cadres_by_id(ctx)
        items = []
        for r in rows:
            cadre = cadres[r.get(ID)]
            sets = {a: r.get(a) for a in POSTING_ATTRS if a in r}
            new = {"cadre_id": cadre.id, **{a: r.get(a) for a in POSTING_ATTRS}}
            items.append(Item(cadre.id, (r.get("kind"), r.get("field") or "", r.get("start")), sets, new, cadre))
        return upsert(ctx, self.name, Posting, items, scope="cadre_id",
                      stored_key=lambda p: (p.kind, p.field or "", p.start), entity="posting",
                      snapshot=lambda p, c: dev.posting_snapshot(p, c), label=lambda p, c: f"{c.name}：{p.kind}")

    def export(self, session) -> Iterable[Sequence[Any]]:
        special = {ID: Cadre.id_number, "cadre_name": Cadre.name}
        q = (select(*(special[c.attr] if c.attr in special else stored(getattr(Posting, c.attr)) for c in self.columns))
             .select_from(Posting).join(Cadre, Posting.cadre_id == Cadre.id)
             .order_by(Posting.start, Cadre.id_number, Posting.kind, Posting.field, Posting.id))
        return stream(session, q)
