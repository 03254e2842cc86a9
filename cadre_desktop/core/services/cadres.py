"""Cadres (干部): reading one file, validating and saving it, deleting it; the roster query is in
services.roster (its names re-exported here).

A cadre travels between the core and its callers as a plain dict keyed by the attribute names
of FIELDS, plus the four lists (`resumes`, `rewards`, `appraisals`, `family`) as lists of dicts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from ..models import Appraisal, Cadre, FamilyMember, Resume, Reward, Unit
from ..search import search_text
from ..values import (
    StaleEdit, APPRAISAL_RESULTS, CADRE_LEVELS, CODE_FIELDS, EDUCATION_LEVELS, FIVE_CATEGORIES, RANKS, REWARD_KINDS,
    SEXES, STAFFING_TYPES, STATUSES, DomainError, Month, check_id_number, education_level,
    day_text, education_rank, fold_code,
)
from . import audit
from .labels import length_errors
from .accounts import Actor, require
from .roster import (
    MAX_SEARCH, ROSTER_COLUMNS, ROSTER_MORE_COLUMNS, SORT_KEYS, STRUCTURE_BY, TAGGED, RosterFilter, roster_count,
    roster_ids, roster_rows, structure_counts, young_pool,
)

# services.roster's names, re-exported: callers have always found the roster here (cadres.roster_ids).
__all__ = ["MAX_SEARCH", "ROSTER_COLUMNS", "ROSTER_MORE_COLUMNS", "SORT_KEYS", "STRUCTURE_BY", "TAGGED", "RosterFilter",
           "roster_count", "roster_ids", "roster_rows", "structure_counts", "young_pool"]


@dataclass(frozen=True)
class Field:
    attr: str
    label: str  # the Chinese name: the workbook header and the editor's label
    kind: str = "text"  # text, month, day, bool, enum, education, unit
    choices: tuple[str, ...] = ()
    required: bool = False
    # Required of a cadre in service (人员状态 在职) only: 工作单位 and 干部层级.
    required_in_service: bool = False

    def is_required(self, status: str | None) -> bool:
        """Whether a record with this 人员状态 (blank counts as 在职) must have the field."""
        return self.required or (self.required_in_service and (status or "在职") == "在职")

    @property
    def synonyms(self) -> dict[str, str] | None:
        """Short forms folded to a listed value on input (汉 → 汉族), for the code-list fields."""
        return CODE_FIELDS[self.attr][1] if self.attr in CODE_FIELDS else None


# Every field of a cadre, in the order of the 干部任免审批表 (and of the 干部 sheet).
FIELDS: tuple[Field, ...] = (
    Field("id_number", "身份证号", required=True),
    Field("name", "姓名", required=True),
    Field("sex", "性别", "enum", SEXES),
    Field("birth", "出生年月", "month"),
    Field("ethnicity", "民族", "enum", CODE_FIELDS["ethnicity"][0]),
    Field("native_place", "籍贯"),
    Field("birthplace", "出生地"),
    Field("political_status", "政治面貌", "enum", CODE_FIELDS["political_status"][0]),
    Field("party_joined", "入党时间", "month"),
    Field("work_started", "参加工作时间", "month"),
    Field("health", "健康状况", "enum", CODE_FIELDS["health"][0]),
    Field("title", "专业技术职务"),
    Field("specialty", "熟悉专业有何专长"),
    Field("ft_education_text", "全日制学历", "education", EDUCATION_LEVELS),
    Field("ft_degree", "全日制学位", "enum", CODE_FIELDS["ft_degree"][0]),
    Field("ft_school", "全日制毕业院校系及专业"),
    Field("ft_degree_school", "全日制学位毕业院校系及专业"),
    Field("ip_education_text", "在职学历", "education", EDUCATION_LEVELS),
    Field("ip_degree", "在职学位", "enum", CODE_FIELDS["ip_degree"][0]),
    Field("ip_school", "在职毕业院校系及专业"),
    Field("ip_degree_school", "在职学位毕业院校系及专业"),
    Field("unit_id", "工作单位", "unit", required_in_service=True),
    Field("post", "现任职务"),
    Field("post_since", "任现职务时间", "month"),
    Field("rank", "职级", "enum", RANKS),
    Field("rank_since", "任现职级时间", "month"),
    Field("level", "干部层级", "enum", CADRE_LEVELS, required_in_service=True),
    Field("staffing", "编制类型", "enum", STAFFING_TYPES),
    Field("team_role", "班子职务"),
    Field("five_category", "五类人员", "enum", FIVE_CATEGORIES),
    Field("reserve", "后备干部", "bool"),
    Field("township_start", "乡镇工作起始", "month"),
    Field("phone", "联系电话"),
    Field("status", "人员状态", "enum", STATUSES),
    Field("proposed_post", "拟任职务"),
    Field("proposed_removal", "拟免职务"),
    Field("appointment_reason", "任免理由"),
    Field("notes", "备注"),
    # On the 任免审批表 only (not in the workbook).
    Field("reporting_unit", "呈报单位"),
    Field("form_filler", "填表人"),
    Field("age_date", "计算年龄时间", "day"),
)
FIELD_BY_ATTR = {f.attr: f for f in FIELDS}
LISTS = ("resumes", "rewards", "appraisals", "family")
LIST_LABELS = {"resumes": "简历", "rewards": "奖惩", "appraisals": "年度考核", "family": "家庭成员"}
LIST_FIELDS = {
    "resumes": (("start", "起始年月"), ("end", "截止年月"), ("text", "经历")),
    "rewards": (("date", "日期"), ("kind", "类别"), ("text", "内容"), ("approver", "批准机关")),
    "appraisals": (("year", "年度"), ("result", "考核结果")),
    "family": (("relation", "称谓"), ("name", "成员姓名"), ("birth", "出生年月"),
               ("political_status", "政治面貌"), ("work", "工作单位及职务")),
}
# What a clerk compares when two edited the same cadre (core.conflicts): the fields, the unit by
# name, the lists and the photo.
CONFLICT_LABELS = {**{("unit_name" if f.attr == "unit_id" else f.attr): f.label for f in FIELDS},
                   **LIST_LABELS, "photo": "照片"}
LIST_MODELS = {"resumes": Resume, "rewards": Reward, "appraisals": Appraisal, "family": FamilyMember}

# --- reading ------------------------------------------------------------------------------


def value_text(v: Any) -> Any:
    """A value as a clerk reads it (months and days as 1985.03 / 2022.06.15, yes/no as 是/否); None
    for a blank one."""
    if v is None or v == "":
        return None
    if isinstance(v, Month):
        return str(v)
    if isinstance(v, dt.date):
        return day_text(v)
    if isinstance(v, bool):
        return "是" if v else "否"
    return v


def list_items(cadre: Cadre, name: str) -> list[dict]:
    rows = getattr(cadre, name)
    return [{k: getattr(r, k) for k, _ in LIST_FIELDS[name]} for r in rows]


def cadre_data(cadre: Cadre, *, with_lists: bool = True) -> dict:
    data = {f.attr: getattr(cadre, f.attr) for f in FIELDS}
    data["id"] = cadre.id
    data["version"] = cadre.version
    data["unit_name"] = cadre.unit.name if cadre.unit else None
    data["incomplete"] = cadre.incomplete
    if with_lists:
        for name in LISTS:
            data[name] = list_items(cadre, name)
    return data


def snapshot(data: dict, unit_names: dict[int, str] | None = None) -> dict:
    """The audit form of a cadre: labels to printable values, lists as lines."""
    out = {}
    for f in FIELDS:
        if f.attr not in data:
            continue
        v = data[f.attr]
        if f.kind == "unit":
            v = (unit_names or {}).get(v, data.get("unit_name")) if v is not None else None
        out[f.label] = value_text(v)
    for name in LISTS:
        if name in data:
            out[LIST_LABELS[name]] = [_item_line(name, item) for item in data[name]]
    return out


def _item_line(name: str, item: dict) -> str:
    """One list item as a line of text, as the 任免审批表 writes it (`2012.07--至今  青山镇副镇长`)."""
    if name == "resumes":
        return f"{value_text(item.get('start')) or ''}--{value_text(item.get('end')) or '至今'}  {item.get('text') or ''}"
    return " ".join(str(value_text(item.get(k)) or "") for k, _ in LIST_FIELDS[name] if item.get(k) not in (None, ""))


def get_cadre(session: Session, cadre_id: int) -> dict:
    cadre = session.get(Cadre, cadre_id)
    if cadre is None:
        raise DomainError("该干部记录已被删除。")
    data = cadre_data(cadre)
    data["photo"] = cadre.photo
    return data


def find_by_id_number(session: Session, id_number: str) -> Cadre | None:
    return session.scalar(select(Cadre).where(Cadre.id_number == id_number.strip().upper()))


# --- validation ---------------------------------------------------------------------------


def check_fields(data: dict) -> list[tuple[str, str]]:
    """Rules of one cadre that need no database: the ID number and what agrees with it,
    required fields, enumerations, dates in order. Returns (attr, message) pairs.

    Only the attributes present in `data` are checked (a workbook may leave columns out),
    except that a new record must have its ID number and name.
    """
    errors: list[tuple[str, str]] = []
    info = None
    if "id_number" in data:
        if not data["id_number"] and data.get("_allow_no_id"):
            # Confirmed by the clerk (an .lrmx form without one): what the ID number would give must be stated.
            errors.extend((a, f"没有身份证号时须填写{label}") for a, label in (("sex", "性别"), ("birth", "出生年月"))
                          if not data.get(a))
        elif not data["id_number"]:
            errors.append(("id_number", "身份证号不能为空"))
        else:
            try:
                info = check_id_number(str(data["id_number"]))
            except ValueError as e:
                errors.append(("id_number", str(e)))
    if "name" in data and not (data["name"] or "").strip():
        errors.append(("name", "姓名不能为空"))
    if info is not None:
        if data.get("sex") and data["sex"] != info.sex:
            errors.append(("sex", f"性别 {data['sex']} 与身份证号中的 {info.sex} 不一致，请核对"))
        if data.get("birth") and data["birth"] != info.birth:
            errors.append(("birth", f"出生年月 {data['birth']} 与身份证号中的 {info.birth} 不一致，请核对"))
    for f in FIELDS:
        v = data.get(f.attr)
        if v in (None, ""):
            continue
        if f.kind == "enum" and v not in f.choices:
            errors.append((f.attr, f"“{v}”不在可选值中，应为：{' / '.join(f.choices)}"))
        if f.kind == "education" and education_level(v) is None:
            errors.append((f.attr, f"“{v}”不是可识别的学历，应为：{' / '.join(EDUCATION_LEVELS)}"))
    birth = data.get("birth") or (info.birth if info else None)
    for attr in ("party_joined", "work_started", "township_start", "post_since", "rank_since"):
        v = data.get(attr)
        if isinstance(v, Month) and birth and v < birth:
            errors.append((attr, f"不能早于出生年月 {birth}"))
        if isinstance(v, Month) and v > Month.of(dt.date.today()):
            errors.append((attr, "不能晚于本月"))
    status = data.get("status") or "在职"
    if status == "在职" and not data.get("_allow_incomplete"):
        for f in FIELDS:
            if f.required_in_service and f.attr in data and data.get(f.attr) in (None, ""):
                errors.append((f.attr, f"在职干部须填写{f.label}"))
    errors.extend(length_errors(Cadre, data))
    for name in LISTS:
        for i, item in enumerate(data.get(name) or []):
            errors.extend((f"{name}[{i}].{k}", m) for k, m in check_list_item(name, item))
    return errors


def check_list_item(name: str, item: dict) -> list[tuple[str, str]]:
    errors = []
    if name == "resumes":
        if not item.get("start"):
            errors.append(("start", "起始年月不能为空"))
        if not (item.get("text") or "").strip():
            errors.append(("text", "经历不能为空"))
        if item.get("start") and item.get("end") and item["end"] < item["start"]:
            errors.append(("end", "截止年月早于起始年月"))
    elif name == "rewards":
        if not item.get("date"):
            errors.append(("date", "日期不能为空"))
        if item.get("kind") not in REWARD_KINDS:
            errors.append(("kind", f"类别应为：{' / '.join(REWARD_KINDS)}"))
        if not (item.get("text") or "").strip():
            errors.append(("text", "内容不能为空"))
    elif name == "appraisals":
        year = item.get("year")
        if not isinstance(year, int) or not 1950 <= year <= dt.date.today().year:
            errors.append(("year", "年度应为四位年份，且不晚于今年"))
        if item.get("result") not in APPRAISAL_RESULTS:
            errors.append(("result", f"考核结果应为：{' / '.join(APPRAISAL_RESULTS)}"))
    elif name == "family":
        if not (item.get("relation") or "").strip():
            errors.append(("relation", "称谓不能为空"))
        if not (item.get("name") or "").strip():
            errors.append(("name", "成员姓名不能为空"))
    errors.extend(length_errors(LIST_MODELS[name], item))
    return errors


def fold_codes(data: dict) -> dict:
    """The code-list values of `data` folded to their listed form (汉 → 汉族, 党员 → 中共党员); a value
    that does not fold is left as given, for check_fields to refuse with the allowed values."""
    out = dict(data)
    for attr in CODE_FIELDS:
        if isinstance(out.get(attr), str) and out[attr].strip():
            out[attr] = fold_code(attr, out[attr]) or out[attr].strip()
    return out


def uncoded_values(session: Session) -> list[tuple[str, str, list[Cadre]]]:
    """Stored code-list values that are not listed and do not fold (from before the lists, or
    typed elsewhere): (attr, value, the cadres holding it), for a clerk to correct. Nothing is
    rewritten here; `cadre check` and the 规则检查 page list them as reminders."""
    out = []
    for attr, (choices, _) in CODE_FIELDS.items():
        col = getattr(Cadre, attr)
        found = session.scalars(select(Cadre).where(col.is_not(None), col.not_in(choices)).order_by(col, Cadre.name))
        groups: dict[str, list[Cadre]] = {}
        for c in found:
            groups.setdefault(getattr(c, attr), []).append(c)
        out.extend((attr, value, people) for value, people in groups.items())
    return out


def field_label(key: str) -> str:
    """`unit_id` → 工作单位, `resumes[2].start` → 简历第3行 起始年月."""
    if key in FIELD_BY_ATTR:
        return FIELD_BY_ATTR[key].label
    if "[" in key:
        name, rest = key.split("[", 1)
        idx, sub = rest.split("].", 1)
        label = dict(LIST_FIELDS.get(name, ())).get(sub, sub)
        return f"{LIST_LABELS.get(name, name)}第{int(idx) + 1}行 {label}"
    return key


# --- writing ------------------------------------------------------------------------------


def apply_fields(cadre: Cadre, data: dict) -> None:
    """Copy the attributes present in `data` onto the record and derive what is stored for it."""
    for f in FIELDS:
        if f.attr in data:
            v = data[f.attr]
            if isinstance(v, str):
                v = v.strip() or None
            setattr(cadre, f.attr, v)
    if data.get("id_number"):
        info = check_id_number(cadre.id_number)
        cadre.id_number = info.number
        cadre.sex = cadre.sex or info.sex
        cadre.birth = cadre.birth or info.birth
    if cadre.reserve is None:
        cadre.reserve = False
    cadre.status = cadre.status or "在职"
    cadre.ft_education = education_level(cadre.ft_education_text)
    cadre.ip_education = education_level(cadre.ip_education_text)
    ranks = [education_rank(x) for x in (cadre.ft_education, cadre.ip_education) if x]
    cadre.education_rank = min(ranks) if ranks else None
    cadre.search_text = search_text(cadre.name)


def normalized_items(name: str, items: list[dict]) -> list[dict]:
    """A list as it is stored: only its fields, text trimmed (blank → None), appraisals by year."""
    keys = [k for k, _ in LIST_FIELDS[name]]
    out = [{k: (v.strip() or None) if isinstance(v := it.get(k), str) else v for k in keys} for it in items]
    if name == "appraisals":
        out.sort(key=lambda it: it["year"] or 0)
    return out


def replace_list(session: Session, cadre: Cadre, name: str, items: list[dict]) -> bool:
    """Replace one of the cadre's lists; returns whether it changed."""
    new = normalized_items(name, items)
    if normalized_items(name, list_items(cadre, name)) == new:
        return False
    model = LIST_MODELS[name]
    getattr(cadre, name).clear()
    for i, values in enumerate(new):
        row = model(**values)
        if hasattr(model, "seq"):
            row.seq = i
        getattr(cadre, name).append(row)
    return True


def _unit_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Unit.id, Unit.name)).all())


# What a change to a cadre's file tells the views (ui.state.Changes): the file itself ("cadre": the
# roster, its details with the 简历, the counts and checks over cadres), which of its lists changed,
# and "unit" when the cadre moved in or out of a unit's head count (its unit or its status).
LIST_ENTITIES = {"resumes": "resume", "rewards": "reward", "appraisals": "appraisal", "family": "family_member"}
HEAD_COUNT_FIELDS = frozenset({"unit_id", "status"})


@dataclass(frozen=True)
class Saved:
    """The outcome of save_cadre_changes: the record's id, whether it was created, and what changed
    (field attributes, list names, "photo"); nothing changed means nothing written, no audit event."""

    id: int
    created: bool = False
    changed: frozenset[str] = frozenset()

    def entities(self) -> set[str]:
        """The entities to announce (ui.state.Changes.emit); empty when nothing changed."""
        if not self.changed:
            return set()
        out = {"cadre"} | {LIST_ENTITIES[n] for n in self.changed if n in LIST_ENTITIES}
        if self.changed & HEAD_COUNT_FIELDS:
            out.add("unit")
        return out


def save_cadre(session: Session, *, actor: Actor, data: dict, cadre_id: int | None = None,
               version: int | None = None, allow_incomplete: bool = False, allow_no_id: bool = False) -> int:
    """save_cadre_changes, returning only the record's id."""
    return save_cadre_changes(session, actor=actor, data=data, cadre_id=cadre_id, version=version,
                              allow_incomplete=allow_incomplete, allow_no_id=allow_no_id).id


def _field_values(cadre: Cadre) -> dict[str, Any]:
    return {f.attr: getattr(cadre, f.attr) for f in FIELDS}


def save_cadre_changes(session: Session, *, actor: Actor, data: dict, cadre_id: int | None = None,
                       version: int | None = None, allow_incomplete: bool = False,
                       allow_no_id: bool = False) -> Saved:
    """Create (cadre_id None) or update a cadre with validation; writes one audit event when
    something changed, none otherwise. Returns what changed (Saved).

    `version` is the version the editor loaded: if someone saved in between, the save is refused
    rather than overwriting their change. Raises DomainError with `.errors` [(attr, message)].
    `allow_no_id`: the clerk confirmed a record without an ID number (an .lrmx form lacking one).
    """
    require(actor, "edit")
    data = fold_codes(data)
    if cadre_id is not None:
        existing = session.get(Cadre, cadre_id)
        # A record that came in incomplete (待完善, e.g. from an .lrmx file) can still be corrected
        # field by field; the roster keeps marking it until unit and level are given.
        allow_incomplete = allow_incomplete or (existing is not None and existing.incomplete)
        allow_no_id = allow_no_id or (existing is not None and existing.id_number is None)
    if "id_number" in data and data["id_number"]:
        data["id_number"] = str(data["id_number"]).strip().upper()
    elif "id_number" in data:
        data["id_number"] = None
    checked = dict(data, _allow_incomplete=allow_incomplete, _allow_no_id=allow_no_id)
    if cadre_id is None:
        checked.setdefault("id_number", None)
        checked.setdefault("name", None)
        checked.setdefault("unit_id", None)
        checked.setdefault("level", None)
    errors = check_fields(checked)
    if data.get("id_number") and not any(a == "id_number" for a, _ in errors):
        other = find_by_id_number(session, data["id_number"])
        if other is not None and other.id != cadre_id:
            errors.append(("id_number", f"该身份证号已属于{other.name}（{other.unit.name if other.unit else '未定单位'}）"))
    if data.get("unit_id") is not None and session.get(Unit, data["unit_id"]) is None:
        errors.append(("unit_id", "所选单位不存在"))
    if errors:
        raise DomainError("；".join(f"{field_label(a)}：{m}" for a, m in errors), errors=errors)

    names = _unit_names(session)
    if cadre_id is None:
        cadre = Cadre(reserve=False, status="在职")
        apply_fields(cadre, data)
        session.add(cadre)
        changed = {f.attr for f in FIELDS if getattr(cadre, f.attr) is not None}
        for name in LISTS:
            if name in data and replace_list(session, cadre, name, data[name]):
                changed.add(name)
        if "photo" in data:
            cadre.photo = data["photo"]
            if cadre.photo is not None:
                changed.add("photo")
        session.flush()
        audit.record(session, actor, "新增", "cadre", cadre.id, f"{cadre.name}（{cadre.id_number}）", None,
                     snapshot(cadre_data(cadre), names))
        return Saved(cadre.id, created=True, changed=frozenset(changed))

    cadre = session.get(Cadre, cadre_id, options=[selectinload(getattr(Cadre, n)) for n in LISTS])
    if cadre is None:
        raise StaleEdit("该干部记录已被他人删除。")
    if version is not None and cadre.version != version:
        raise StaleEdit("该干部记录已被他人修改并保存，您的修改未保存。")
    before = snapshot(cadre_data(cadre), names)
    old_values = _field_values(cadre)
    old_photo = cadre.photo
    apply_fields(cadre, data)
    changed = {a for a, v in _field_values(cadre).items() if v != old_values[a]}
    for name in LISTS:
        if name in data and replace_list(session, cadre, name, data[name]):
            changed.add(name)
    photo_changed = "photo" in data and data["photo"] != old_photo
    if photo_changed:
        cadre.photo = data["photo"]
        changed.add("photo")
    after = snapshot(cadre_data(cadre), names)
    if before != after or photo_changed:
        if photo_changed:
            before["照片"], after["照片"] = ("有" if old_photo else "无"), ("有" if cadre.photo else "无")
        touch(cadre)  # a list change alone must bump the version too
        try:
            session.flush()
        except StaleDataError:
            raise StaleEdit("该干部记录已被他人修改并保存，您的修改未保存。") from None
        audit.record_change(session, actor, "修改", "cadre", cadre.id, f"{cadre.name}（{cadre.id_number}）",
                            before, after)
    else:
        changed = set()  # e.g. a value written differently that reads the same: nothing to announce
    return Saved(cadre.id, changed=frozenset(changed))


def touch(cadre: Cadre) -> None:
    """Mark the row dirty so its version goes up even when only a list changed."""
    flag_modified(cadre, "search_text")


def delete_cadre(session: Session, *, actor: Actor, cadre_id: int) -> None:
    require(actor, "edit")
    cadre = session.get(Cadre, cadre_id)
    if cadre is None:
        return
    audit.record(session, actor, "删除", "cadre", cadre.id, f"{cadre.name}（{cadre.id_number}）",
                 snapshot(cadre_data(cadre), _unit_names(session)), None)
    session.delete(cadre)


def delete_summary(session: Session, cadre_id: int) -> str:
    """What goes with a cadre when it is deleted, for the confirmation."""
    cadre = session.get(Cadre, cadre_id)
    if cadre is None:
        return ""
    parts = [f"{LIST_LABELS[n]} {len(getattr(cadre, n))} 条" for n in LISTS if getattr(cadre, n)]
    if cadre.photo:
        parts.append("照片")
    return "、".join(parts)
