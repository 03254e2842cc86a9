"""Column lengths and the Chinese names of columns, in one place.

Every text column has its length in the model (`String(N)`). `length_errors` checks a record's
values against those lengths; each service's validation calls it (so the window, the workbook,
`.lrmx` and the command line refuse a too-long value with the field's name), and `check_flush`
runs it once more on every row about to be written, so nothing reaches the database too long
(SQLite would store it silently; PostgreSQL would refuse it with a raw error).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import String

from ..values import DomainError

# Columns whose services have no label table of their own.
_EXTRA = {
    "unit": {"name": "单位名称", "kind": "单位类别", "tier": "津贴档次"},
    "account": {"name": "用户名", "role": "角色", "password_hash": "密码"},
    "setting": {"key": "设置项", "value": "设置值"},
    "award": {"target_kind": "表彰对象类别", "target_name": "表彰对象", "id_number": "身份证号",
              "unit_post": "单位及职务", "honour": "荣誉称号", "deeds": "主要事迹"},
    "care_record": {"kind": "关爱类别", "text": "内容", "notes": "备注"},
    "visit": {"name": "姓名", "id_number": "身份证号", "category": "慰问类别", "visitor": "慰问人", "notes": "备注"},
    "mentoring_record": {"kind": "纪实类别", "content": "内容", "recorded_by": "记录人"},
    "attendance": {"cadre_id": "干部", "class_id": "培训班"},
    "audit_event": {"label": "记录说明"},
}


@cache
def _labels() -> dict[str, dict[str, str]]:
    from . import cadres, careers, development, honours, mentoring, tolerance

    out = {k: dict(v) for k, v in _EXTRA.items()}
    out["cadre"] = {f.attr: f.label for f in cadres.FIELDS}
    for name, table in (("resumes", "resume"), ("rewards", "reward"), ("appraisals", "appraisal"),
                        ("family", "family_member")):
        out[table] = dict(cadres.LIST_FIELDS[name])
    out["training_class"] = dict(development.CLASS_LABELS)
    out["posting"] = dict(development.POSTING_LABELS)
    out["appointment"] = dict(careers.FIELDS)
    out["commendation_batch"] = dict(honours.BATCH_FIELDS)
    out["mentor_pair"] = dict(mentoring.LABELS)
    out["tolerance_case"] = dict(tolerance.LABELS)
    return out


def column_label(table: str | None, column: str | None) -> str | None:
    if not table:
        return None
    if column is None:
        from .audit import ENTITY_NAMES

        return ENTITY_NAMES.get(table)
    return _labels().get(table, {}).get(column, column)


def max_lengths(model) -> dict[str, int]:
    """{attribute: N} of every String(N) column of a model class (or table)."""
    return _max_lengths(getattr(model, "__table__", model))


@cache
def _max_lengths(table) -> dict[str, int]:
    return {c.key: c.type.length for c in table.columns if isinstance(c.type, String) and c.type.length}


def too_long(value: Any, n: int) -> bool:
    return isinstance(value, str) and len(value) > n


def length_errors(model, data: dict, *, labelled: bool = False) -> list[tuple[str, str]]:
    """(attr, `不能超过 N 个字`) for each value in `data` longer than its column allows; with
    `labelled`, the message starts with the field's name (`培训班名称不能超过 200 个字`), for the
    services whose messages stand alone."""
    table = getattr(model, "__table__", model)
    return [(attr, f"{column_label(table.name, attr) if labelled else ''}不能超过 {n} 个字")
            for attr, n in max_lengths(table).items() if too_long(data.get(attr), n)]


def check_flush(session, _flush_context, _instances) -> None:
    """before_flush: the last guard, whichever path a value came by."""
    for obj in list(session.new) + list(session.dirty):
        table = getattr(obj, "__table__", None)
        if table is None:
            continue
        for attr, n in max_lengths(table).items():
            value = getattr(obj, attr, None)
            if too_long(value, n):
                label = column_label(table.name, attr)
                raise DomainError(f"{label}: 不能超过 {n} 个字（现有 {len(value)} 个字）", field=attr)
