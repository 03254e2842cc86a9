"""干部任免审批表 (appointment-form): a cadre's file on the two-page grid of forms/appointment-form.toml."""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..masking import mask
from ..models import Cadre
from ..services import cadre_texts
from ..services.cadres import FIELDS as CADRE_FIELDS
from ..services.cadres import LISTS, cadre_data, value_text
from ..values import DomainError, check_id_number
from . import grid
from .errors import PrintError
from .layout import Page
from .render import Job, register

TITLE = "干部任免审批表"

# The fields a definition may place, with the names messages use.
FIELDS: dict[str, str] = {f.attr: f.label for f in CADRE_FIELDS if f.attr not in ("unit_id",)}
FIELDS.update({
    "unit": "工作单位",
    "birth_age": "出生年月（岁）",
    "age": "年龄",
    "resume": "简历",
    "rewards_text": "奖惩情况",
    "appraisals_text": "年度考核结果",
    "family": "家庭主要成员及重要社会关系",
    "family.relation": "家庭成员称谓",
    "family.name": "家庭成员姓名",
    "family.birth": "家庭成员出生年月",
    "family.age": "家庭成员年龄",
    "family.third": "家庭成员出生年月或年龄",
    "family.political_status": "家庭成员政治面貌",
    "family.work": "家庭成员工作单位及职务",
})
THIRD_CHOICES = ("出生年月", "年龄")


def _text(v) -> str:
    t = value_text(v)
    return "" if t is None else str(t).strip()


def who(data: dict, masked: bool = False) -> str:
    name = (data.get("name") or "").strip() or "（未填姓名）"
    idn = data.get("id_number")
    if idn:
        return f"{name}（{mask('id_number', idn) if masked else idn}）"
    return name


def record_of(data: dict, *, third: str, masked: bool, today: dt.date | None = None) -> grid.Record:
    """The texts of one cadre (the dict shape of services.cadres.get_cadre) for the grid."""
    at = cadre_texts.age_reference(data, today)
    if (not data.get("birth") or not data.get("sex")) and data.get("id_number"):
        try:  # an unsaved draft: what the ID number says, as saving would derive it
            info = check_id_number(str(data["id_number"]))
            data = dict(data, birth=data.get("birth") or info.birth, sex=data.get("sex") or info.sex)
        except ValueError:
            pass
    values = {attr: _text(data.get(attr)) for attr in FIELDS if "." not in attr and attr in data}
    if masked:
        for attr in ("id_number", "phone"):
            values[attr] = _text(mask(attr, data.get(attr)))
    values["unit"] = _text(data.get("unit_name"))
    values["birth_age"] = cadre_texts.birth_with_age(data.get("birth"), at)
    age = cadre_texts.age(data.get("birth"), at)
    values["age"] = "" if age is None else str(age)
    values["resume"] = "\n".join(cadre_texts.resume_lines(data.get("resumes") or []))
    values["rewards_text"] = cadre_texts.rewards_text(data.get("rewards") or [])
    values["appraisals_text"] = cadre_texts.appraisals_text(data.get("appraisals") or [])
    family = []
    for m in data.get("family") or []:
        item = {k: _text(m.get(k)) for k in ("relation", "name", "birth", "political_status", "work")}
        item["age"] = cadre_texts.member_age(m, at)
        item["third"] = item["age"] if third == "年龄" else item["birth"]
        family.append(item)
    return grid.Record(who(data, masked), values, {"family": family}, data.get("photo"), FIELDS,
                       {"family_third": third})


def layout_records(job: Job, records_data: list[dict], *, done: int = 0, total: int | None = None) -> Iterator[Page]:
    defn = job.definition(FIELDS)
    third = defn.option("family_third", "出生年月")
    if third not in THIRD_CHOICES:
        from .errors import FormDefinitionError
        from .definition import _Locator

        raise FormDefinitionError(defn.path.name, _Locator(defn.text).line_of(("options", "family_third")),
                                  f"family_third 应为：{' / '.join(THIRD_CHOICES)}，实为“{third}”")
    styles = job.styles(defn)
    padding = defn.data.get("cell_padding", 0.8)
    line_width = defn.data.get("line_width", 0.5)
    total = total or len(records_data)
    for i, data in enumerate(records_data):
        job.tick(done + i, total, f"排版：{data.get('name') or ''}")
        record = record_of(data, third=third, masked=job.masked)
        pages: list[Page] = []
        for pdef in defn.data["pages"]:
            page = job.new_page(defn)
            m = pdef["margins"]
            columns = pdef["age_columns"] if third == "年龄" and "age_columns" in pdef else pdef["columns"]
            top = m["top"]
            if "heading" in pdef:
                grid.heading(page, pdef["heading"], styles, record, left=m["left"], top=top, width=pdef["width"])
                top += pdef["heading"].get("height", 0)
            gplan = grid.plan(pdef["rows"], columns, record, styles, padding)
            bottom = grid.draw(page, gplan, record, styles, left=m["left"], top=top, padding=padding,
                               line_width=line_width)
            if "below" in pdef:
                _below(page, pdef["below"], styles, record, left=m["left"], top=bottom, width=pdef["width"])
            pages.append(page)
        yield from pages  # a record's pages go out only when all of them are laid out
    if total == len(records_data):
        job.tick(total, total, "排版完成")


def _below(page: Page, spec: dict, styles, record: grid.Record, *, left: float, top: float, width: float) -> None:
    text = spec.get("text", "")
    if "field" in spec:
        text += record.value(spec["field"])
    style = styles[spec.get("style", "label")]
    heading = {"text": text, "style": spec.get("style", "label"),
               "align": spec.get("align", "left"), "baseline": spec.get("gap", 3.0) + style.size / 2.83465}
    grid.heading(page, heading, styles, None, left=left, top=top, width=width)


def load_cadres(session, ids: list[int]) -> list[dict]:
    """The cadres' files (get_cadre's dict shape, photo included), in the order of `ids`."""
    rows = session.scalars(select(Cadre).where(Cadre.id.in_(ids))
                           .options(*[selectinload(getattr(Cadre, n)) for n in LISTS])).all()
    by_id = {}
    for c in rows:
        d = cadre_data(c)
        d["photo"] = c.photo
        by_id[c.id] = d
        if c not in session.dirty:
            session.expunge(c)  # a batch of thousands keeps only its pages, not every record read
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise PrintError(f"有{len(missing)}名干部的记录已被删除，请刷新名单后再打印。")
    return [by_id[i] for i in ids]


def people_of(session, ids: list[int]) -> list[dict]:
    rows = dict((i, (n, idn)) for i, n, idn in session.execute(
        select(Cadre.id, Cadre.name, Cadre.id_number).where(Cadre.id.in_(ids))))
    missing = [i for i in ids if i not in rows]
    if missing:
        raise PrintError(f"有{len(missing)}名干部的记录已被删除，请刷新名单后再打印。")
    return [{"id": i, "name": rows[i][0], "id_number": rows[i][1]} for i in ids]


BLOCK = 50  # cadres read from the database at a time


def layout(job: Job) -> Iterator[Page]:
    params = job.params
    if "drafts" in params:
        drafts = list(params["drafts"] or [])
        if not drafts:
            raise PrintError("没有要打印的干部。")
        yield from layout_records(job, drafts)
        return
    ids = list(params.get("cadre_ids") or [])
    if not ids:
        raise PrintError("请选择要打印任免审批表的干部。")
    if not all(isinstance(i, int) for i in ids):
        raise DomainError("cadre_ids 应为干部编号（整数）的列表。")
    for start in range(0, len(ids), BLOCK):  # read a block at a time; pages go out record by record
        block = load_cadres(job.session, ids[start:start + BLOCK])
        yield from layout_records(job, block, done=start, total=len(ids))
    job.tick(len(ids), len(ids), "排版完成")


register("appointment-form", TITLE, layout)
