"""The `commendation` form (表彰通报): a commendation batch printed as an official notice in the
GB/T 9704-2012 format, its collective and individual lists as the attachments (printing.md)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Award, CommendationBatch
from ..services import settings
from ..services.honours import award_dict
from .errors import PrintError
from .render import register
from .notice import Attachment, Notice, Para, Span, body_para, chinese_number, lay_out

# ethnicity values that are not printed after a name
_NOT_PRINTED = {"", "汉族", "其他"}
_YEAR = re.compile(r"[〔\[【(（［]\s*(\d{4})\s*[〕\]】)）］]")
_SERIAL = re.compile(r"0*(\d+)\s*号$")


def doc_number_text(text: str | None) -> str | None:
    """A document number as printed: the year in 〔〕, the serial number without zero padding
    (`云党通[2022]012号` → `云党通〔2022〕12号`)."""
    if not text or not text.strip():
        return None
    s = re.sub(r"\s+", "", text.strip())
    s = _YEAR.sub(r"〔\1〕", s)
    return _SERIAL.sub(r"\1号", s)


def date_text(d: dt.date) -> str:
    """成文日期: Arabic digits, no zero padding (`2022年6月5日`)."""
    return f"{d.year}年{d.month}月{d.day}日"


def person_note(sex: str | None, ethnicity: str | None) -> str:
    """`（女）`, `（藏族）` or `（女，藏族）` after the name of a woman or a member of an ethnic minority."""
    parts = []
    if sex == "女":
        parts.append("女")
    eth = (ethnicity or "").strip()
    if eth not in _NOT_PRINTED:
        parts.append(eth)
    return f"（{'，'.join(parts)}）" if parts else ""


def find_batch(session: Session, title: str, doc_number: str | None = None) -> int:
    """The one batch with this title (and document number, when given)."""
    title = (title or "").strip()
    q = select(CommendationBatch).where(CommendationBatch.title == title)
    found = list(session.scalars(q))
    if doc_number and doc_number.strip():
        want = doc_number_text(doc_number)
        found = [b for b in found if doc_number_text(b.doc_number) == want]
    if not found:
        extra = f"、文号为“{doc_number.strip()}”" if doc_number and doc_number.strip() else ""
        raise PrintError(f"没有名称为“{title}”{extra}的表彰通报。")
    if len(found) > 1:
        numbers = "、".join(b.doc_number or "（无文号）" for b in found)
        raise PrintError(f"名称为“{title}”的表彰通报有{len(found)}个（文号：{numbers}），请用 --doc 指明文号。")
    return found[0].id


def build_notice(session: Session, form: dict, batch_id: int, *, letterhead: bool = True,
                 doc_number: str | None = None) -> Notice:
    """The notice of one batch: the batch's fields, the county's defaults where it has none."""
    b = session.get(CommendationBatch, batch_id)
    if b is None:
        raise PrintError("该表彰通报已被删除。")
    where = f"表彰通报“{b.title}”"
    issuer = (b.issuer or "").strip() or str(settings.get(session, "notice_issuer") or "").strip()
    if not issuer:
        raise PrintError(f"{where}没有发文机关：请在通报中填写发文机关，或在设置中填写默认发文机关。")
    addressee = (b.addressee or "").strip() or str(settings.get(session, "notice_addressee") or "").strip()
    awards = [(a, award_dict(a)) for a in session.scalars(
        select(Award).where(Award.batch_id == batch_id).order_by(Award.id))]
    collectives = [x for x in awards if x[0].target_kind == "集体"]
    individuals = [x for x in awards if x[0].target_kind == "个人"]

    body_f, af = form["notice"]["body"], form["notice"]["attachment"]
    h1, h2 = form["styles"]["heading1"]["font"], form["styles"]["heading2"]["font"]
    indent = int(body_f["indent"])
    text = (b.body or "").strip()
    if not text:  # the default body names what the batch holds: 6个先进集体、20名先进个人
        if not awards:
            raise PrintError(f"{where}既没有正文，也没有表彰对象，无可打印：请先填写通报正文或添加表彰对象。")
        counts = [f"{len(items)}{af[f'{key}_measure']}{af[f'{key}_group']}"
                  for key, items in (("collective", collectives), ("individual", individuals)) if items]
        text = body_f["default"].format(awardees="、".join(counts))
    body = [body_para(p.strip(), indent=indent, heading1_role=h1,
                      heading2_role=h2, where=f"{where}的正文")
            for p in text.splitlines() if p.strip()]

    attachments, group_no = [], 0
    for kind, items in (("集体", collectives), ("个人", individuals)):
        if not items:
            continue
        key = "collective" if kind == "集体" else "individual"
        measure = af[f"{key}_measure"]
        honours = list(dict.fromkeys(a.honour for a, _ in items))  # in the batch's order
        single = len(honours) == 1
        # one honour: the list is named after it; several: a general name, a sub-group per honour
        name = honours[0] if single and honours[0] != af[f"{key}_group"] else af[f"{key}_group"]
        title = f"{name}名单" if single else af[f"{key}_title"]
        group_no += 1
        paras = [Para([Span(f"{chinese_number(group_no)}、{name}（{len(items)}{measure}）",
                            h1)], indent=indent, keep_with_next=True,
                      where=f"{where}的{title}")]
        for k, honour in enumerate(honours, 1):
            members = [x for x in items if x[0].honour == honour]
            if not single:
                paras.append(Para([Span(f"（{chinese_number(k)}）{honour}（{len(members)}{measure}）",
                                        h2)], indent=indent, keep_with_next=True,
                                  where=f"{where}的{title}"))
            for a, d in members:
                paras.append(_entry(a, d, af, where=f"{where}的{title}中“{a.target_name}”"))
        attachments.append(Attachment(title, paras))

    return Notice(
        title=b.title, body=body, signature=issuer, date=date_text(b.date),
        issuer_mark=(issuer + form["notice"]["header"]["mark_suffix"]) if letterhead else None,
        doc_number=doc_number_text(doc_number or b.doc_number) if letterhead else None,
        addressee=addressee or None, letterhead=letterhead, attachments=attachments, where=where)


def _entry(a: Award, d: dict, af: dict, *, where: str) -> Para:
    indent = int(af["entry_indent"])
    if a.target_kind == "集体":
        return Para([Span(a.target_name)], indent=indent, align="left", where=where)
    note = person_note(a.cadre.sex, a.cadre.ethnicity) if a.cadre is not None else ""
    head = a.target_name + note
    if not d["printed_unit_post"]:
        return Para([Span(head)], indent=indent, align="left", where=where)
    head += af["name_gap"]
    return Para([Span(head + d["printed_unit_post"])], indent=indent, align="left", where=where, hang=head)


def layout(job) -> list:
    """The renderer's layout function for `commendation` (params: batch_id, letterhead, doc_number)."""
    params = job.params
    batch_id = params.get("batch_id")
    if not isinstance(batch_id, int) or isinstance(batch_id, bool):
        raise PrintError("请选择要打印的表彰通报。")
    form = job.definition(None).data
    notice = build_notice(job.session, form, batch_id, letterhead=bool(params.get("letterhead", True)),
                          doc_number=params.get("doc_number"))
    return lay_out(form, notice, session=job.session, progress=job.tick)


register("commendation", "表彰通报", layout)
