"""容错纠错认定表 (tolerance-case): one case on one page, the colour as a coloured label."""

from __future__ import annotations

import datetime as dt

from ..masking import mask
from ..models import Cadre
from ..services import tolerance
from ..services.mentoring import day_text
from . import grid
from .errors import PrintError
from .flow import layout_flow
from .layout import Page
from .lists import today_text
from .render import Job, register

FIELDS = {
    "name": "姓名", "sex": "性别", "birth": "出生年月", "id_number": "身份证号", "unit": "单位", "post": "现任职务",
    "political_status": "政治面貌", "matter": "事项", "occurred": "发生日期", "circumstance": "情形",
    "colour": "认定颜色", "colour_meaning": "颜色含义", "outcome": "处理结果", "decided": "认定日期",
    "deciding_body": "认定机关", "measures": "整改措施", "correction_status": "整改状态", "notes": "备注",
    "date": "打印日期",
}


def record_of(session, case: dict, *, masked: bool) -> grid.Record:
    cadre = session.get(Cadre, case["cadre_id"])
    colours = tolerance.colour_table(session)
    colour = case.get("colour")
    meaning = (colours.get(colour) or {}).get("meaning", "") if colour else ""
    idn = cadre.id_number if cadre else case.get("id_number")
    values = {
        "name": cadre.name if cadre else case.get("name", ""),
        "sex": cadre.sex if cadre else "",
        "birth": str(cadre.birth) if cadre and cadre.birth else "",
        "id_number": mask("id_number", idn) if masked else (idn or ""),
        "unit": cadre.unit.name if cadre and cadre.unit else "",
        "post": (cadre.post or "") if cadre else "",
        "political_status": (cadre.political_status or "") if cadre else "",
        "matter": case.get("matter") or "",
        "occurred": day_text(case.get("occurred")),
        "circumstance": case.get("circumstance") or "",
        "colour": f"{colour}（{meaning}）" if colour and meaning else (colour or "尚在认定中"),
        "colour_meaning": meaning,
        "outcome": case.get("outcome") or "",
        "decided": day_text(case.get("decided")),
        "deciding_body": case.get("deciding_body") or "",
        "measures": case.get("measures") or "",
        "correction_status": case.get("correction_status") or "",
        "notes": case.get("notes") or "",
        "date": today_text(dt.date.today()),
    }
    who = f"{values['name']}（{values['id_number']}）的容错纠错事项“{values['matter'][:20]}”"
    return grid.Record(who, values, {}, None, FIELDS)


def layout(job: Job) -> list[Page]:
    case_id = job.params.get("case_id")
    if not isinstance(case_id, int):
        raise PrintError("请选择要打印的容错纠错事项。")
    case = tolerance.get_case(job.session, case_id)
    defn = job.definition(FIELDS)
    job.tick(0, 1, "排版容错纠错认定表")
    record = record_of(job.session, case, masked=job.masked)
    pages = layout_flow(job, defn, record)
    if len(pages) > 1:
        raise PrintError(f"{record.who}内容太多，一页放不下，请精简整改措施或备注后再打印。")
    job.tick(1, 1, "排版完成")
    return pages


def find_case(session, *, cadre_id: int, occurred: dt.date | None = None) -> int:
    """The case of a cadre to print: the only one, or the one that happened on `occurred`."""
    cases = tolerance.list_cases(session, cadre_id=cadre_id)
    if occurred is not None:
        cases = [c for c in cases if c["occurred"] == occurred]
    if not cases:
        raise PrintError("该干部没有" + (f"发生日期为{day_text(occurred)}的" if occurred else "") + "容错纠错记录。")
    if len(cases) > 1:
        dates = "、".join(day_text(c["occurred"]) for c in cases)
        raise PrintError(f"该干部有{len(cases)}条容错纠错记录（发生日期：{dates}），请用 --date 指明哪一条。")
    return cases[0]["id"]


register("tolerance-case", "容错纠错认定表", layout)
