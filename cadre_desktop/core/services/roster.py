"""The roster (干部名单): which cadres a filter selects and in what order (`roster_ids`, counted by
`roster_count`), their rows as the list shows them (`roster_rows`), the young cadres' pool and the
structure table. Filtering, sorting and counting run in SQL; services.cadres re-exports these names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import and_, case, false, func, or_, select
from sqlalchemy.orm import Session

from ..db import ordered_ids
from ..models import Cadre, Unit
from .. import search_index
from .. import masking
from ..search import normalize_query
from ..values import (
    AGE_BANDS, CADRE_LEVELS, CODE_FIELDS, EDUCATION_LEVELS, SEXES, DomainError, Month, age_at, birth_code_bound,
)
from . import settings


@dataclass
class RosterFilter:
    search: str = ""
    unit_id: int | None = None
    unit_name: str | None = None
    level: str | None = None
    age_band: str | None = None
    young: bool = False
    reserve: bool = False
    status: str | None = None
    incomplete: bool = False
    # 任现职级满 N 年 / 任现职务满 N 年: whole years (counted by month) since 任现职级时间 / 任现职务时间.
    rank_years: int | None = None
    post_years: int | None = None
    # 容错纠错 mark shown in the roster: 红 / 黄 / 绿, or TAGGED for any of them.
    tag: str | None = None
    # 学时不足: cadres whose completed training hours in this year are below the required number
    training_short_year: int | None = None
    today: dt.date = field(default_factory=dt.date.today)
    # a role that sees ID and phone numbers masked (查阅) may not search by their digits
    hide_numbers: bool = False

    @property
    def search_note(self) -> str | None:
        """Why part of the search was ignored, for the window and the command line to show."""
        return masking.roster_search(self.search, hides_numbers=self.hide_numbers)[1]


MAX_SEARCH = 100  # characters a search may have (a name, pinyin or an ID number fits easily)


TAGGED = "有标记"


SORT_KEYS = ("name", "sex", "birth", "age", "unit", "post", "post_since", "rank", "rank_since", "level", "education", "incomplete", "default")


def _level_order():
    return case(*[(Cadre.level == lv, i) for i, lv in enumerate(CADRE_LEVELS)], else_=len(CADRE_LEVELS))


def _incomplete_expr():
    return or_(Cadre.unit_id.is_(None), Cadre.level.is_(None))


def _like_pattern(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _search_condition(session: Session, flt: RosterFilter):
    """What one keystroke in a search box selects: a substring of the name, its full pinyin or
    initials (core.search), or of the ID number (not for a role that sees numbers masked). A
    selective query of three characters or more is answered from the trigram index
    (core.search_index); any other walks the covering index in the department's order."""
    search, _note = masking.roster_search(flt.search, hides_numbers=flt.hide_numbers)
    if len(search) > MAX_SEARCH:
        raise DomainError(f"搜索内容过长（{len(search)} 个字符），请不超过 {MAX_SEARCH} 个字符。")
    q = normalize_query(search)
    if not q:
        return None
    raw = search.strip()
    spaced = any(ch.isspace() for ch in raw)
    with_id = not flt.hide_numbers
    if len(q) >= 3 and not spaced and search_index.has_fts(session):
        if search_index.fts_selective(session, q, with_id=with_id):
            return Cadre.id.in_(search_index.fts_rowids(q, with_id=with_id))
    like = _like_pattern(q)
    if session.get_bind().dialect.name == "sqlite":
        # The scan of the covering index tests every row: instr() gives the LIKE below's answer at
        # a fraction of its cost. search_text is stored lower case and q is lowered; an ID number
        # is stored as check_id_number gives it (17 digits and a digit or upper-case X), so only a
        # query of digits and x can be in one, and then as q.upper().
        conds = [func.instr(Cadre.search_text, q) > 0]
        if with_id and all(ch in ID_CHARS for ch in q):
            # The ID number first: a fragment of digits is found there in most rows it selects
            # (a short one in nearly every row), and SQLite then skips the longer search text;
            # digits alone are in no search text when none holds a digit (the usual case: a name
            # has none), and then only the ID number is tested.
            if "x" not in q and not search_index.digits_in_search_text(session):
                conds = []
            conds.insert(0, func.instr(Cadre.id_number, q.upper()) > 0)
    else:
        conds = [Cadre.search_text.like(like, escape="\\")]
        if with_id:
            conds.append(Cadre.id_number.ilike(like, escape="\\"))
    if spaced:
        conds.append(Cadre.name.like(_like_pattern(raw), escape="\\"))
    return or_(*conds)


ID_CHARS = frozenset("0123456789x")  # what a lowered query may hold to be part of an ID number


def _where(session: Session, flt: RosterFilter) -> list:
    conds = []
    search = _search_condition(session, flt)
    if search is not None:
        conds.append(search)
    if flt.unit_id is not None:
        conds.append(Cadre.unit_id == flt.unit_id)
    if flt.unit_name:
        conds.append(Cadre.unit.has(Unit.name == flt.unit_name))
    if flt.level:
        conds.append(Cadre.level == flt.level)
    if flt.status:
        conds.append(Cadre.status == flt.status)
    if flt.reserve:
        conds.append(Cadre.reserve.is_(True))
    if flt.incomplete:
        conds.append(_incomplete_expr())
    for years, column in ((flt.rank_years, Cadre.rank_since), (flt.post_years, Cadre.post_since)):
        if years:
            # whole_years(since, today) >= N  <=>  since <= this month minus N years
            conds.append(column <= Month.of(flt.today).add_months(-12 * years).code)
    if flt.tag:
        from .tolerance import COLOURS, tags

        if flt.tag != TAGGED and flt.tag not in COLOURS:
            raise DomainError(f"标记“{flt.tag}”无效，应为：{' / '.join((TAGGED, *COLOURS))}")
        # The mark is the latest decided case within the window (tolerance.tags); cases are few,
        # so the marked ids are found once and the roster query keeps filtering in SQL.
        marked = [cid for cid, (colour, _) in tags(session, None, flt.today).items()
                  if flt.tag == TAGGED or colour == flt.tag]
        conds.append(Cadre.id.in_(marked) if marked else Cadre.id.is_(None))
    if flt.young:
        conds.append(Cadre.birth >= birth_code_bound(settings.young_age(session), flt.today))
    if flt.training_short_year:
        from .development import enough_hours_ids

        required = settings.training_hours_required(session)
        # no requirement (0): nobody is short
        conds.append(Cadre.id.not_in(enough_hours_ids(flt.training_short_year, required)) if required > 0
                     else false())
    if flt.age_band:
        for label, lo, hi in AGE_BANDS:
            if label == flt.age_band:
                if hi is not None:
                    conds.append(Cadre.birth >= birth_code_bound(hi, flt.today))
                if lo is not None:
                    conds.append(Cadre.birth < birth_code_bound(lo - 1, flt.today))
                break
        else:
            raise DomainError(f"年龄段“{flt.age_band}”无效，应为：{' / '.join(b[0] for b in AGE_BANDS)}")
    return conds


def roster_ids(session: Session, flt: RosterFilter, *, sort: str = "default", descending: bool = False) -> list[int]:
    """Ids of the cadres the filter selects, in the order asked; filtering and sorting run in SQL."""
    if sort not in SORT_KEYS:
        raise ValueError(sort)
    q = select(Cadre.id)
    if sort == "unit":
        q = q.outerjoin(Unit, Cadre.unit_id == Unit.id)
    conds = _where(session, flt)
    if conds:
        q = q.where(and_(*conds))
    unit_order = (case((Unit.id.is_(None), 1), else_=0), Unit.sort_order, Unit.name)
    # The department's order (unit, level, name) is stored on the cadre (core.models.roster_key).
    default = (Cadre.roster_key, Cadre.id)
    by = {
        "name": (Cadre.name,),
        "sex": (Cadre.sex,),
        "birth": (Cadre.birth,),
        "age": (Cadre.birth,),
        "unit": unit_order,
        "post": (Cadre.post,),
        "post_since": (Cadre.post_since,),
        "rank": (Cadre.rank,),
        "rank_since": (Cadre.rank_since,),
        "level": (_level_order(),),
        "education": (func.coalesce(Cadre.education_rank, len(EDUCATION_LEVELS)),),
        "incomplete": (case((_incomplete_expr(), 0), else_=1),),
        "default": (),
    }[sort]
    # "age" ascending means youngest first: the latest birth month first.
    desc = (not descending) if sort == "age" else descending
    keys = [k.desc() if desc else k.asc() for k in by] + list(default)
    return ordered_ids(session, q.order_by(*keys))


def roster_count(session: Session, flt: RosterFilter) -> int:
    q = select(func.count()).select_from(Cadre)
    conds = _where(session, flt)
    if conds:
        q = q.where(and_(*conds))
    return session.scalar(q)


ROSTER_COLUMNS = (
    ("name", "姓名"), ("tag", "标记"), ("sex", "性别"), ("birth", "出生年月"), ("age", "年龄"), ("unit", "单位"),
    ("post", "现任职务"), ("post_since", "任现职务时间"), ("rank", "职级"), ("rank_since", "任现职级时间"),
    ("level", "干部层级"), ("education", "最高学历"), ("incomplete", "待完善"),
)


# Columns the clerk may add to the roster (列…): shown hidden until chosen.
ROSTER_MORE_COLUMNS = (
    ("id_number", "身份证号"), ("ethnicity", "民族"), ("political_status", "政治面貌"), ("native_place", "籍贯"),
    ("work_started", "参加工作时间"), ("party_joined", "入党时间"), ("ft_education_text", "全日制学历"),
    ("ip_education_text", "在职学历"), ("team_role", "班子职务"), ("five_category", "五类人员"),
    ("reserve", "后备干部"), ("staffing", "编制类型"), ("status", "人员状态"), ("phone", "联系电话"),
)
_MORE_ATTRS = ("ethnicity", "political_status", "native_place", "work_started", "party_joined", "ft_education_text",
               "ip_education_text", "five_category", "staffing")


def roster_rows(session: Session, ids: Iterable[int], *, today: dt.date | None = None) -> list[dict]:
    """The roster rows of these cadres, in the order of `ids`."""
    ids = list(ids)
    if not ids:
        return []
    today = today or dt.date.today()
    rows = session.execute(
        select(Cadre.id, Cadre.name, Cadre.sex, Cadre.birth, Unit.name, Cadre.post, Cadre.rank, Cadre.level,
               Cadre.education_rank, Cadre.unit_id, Cadre.id_number, Cadre.reserve, Cadre.status, Cadre.phone,
               Cadre.team_role, Cadre.post_since, Cadre.rank_since, *[getattr(Cadre, a) for a in _MORE_ATTRS])
        .outerjoin(Unit, Cadre.unit_id == Unit.id)
        .where(Cadre.id.in_(ids))
    ).all()
    by_id = {}
    for (cid, name, sex, birth, unit, post, rank, level, erank, unit_id, idn, reserve, status, phone,
         team_role, post_since, rank_since, *more) in rows:
        by_id[cid] = {
            "id": cid, "name": name, "sex": sex, "birth": birth, "age": age_at(birth, today), "unit": unit,
            "post": post, "rank": rank, "level": level,
            "education": EDUCATION_LEVELS[erank] if erank is not None and erank < len(EDUCATION_LEVELS) else None,
            "incomplete": unit_id is None or not level, "id_number": idn, "reserve": bool(reserve),
            "status": status, "phone": phone, "team_role": team_role, "tag": None, "tag_case": None,
            "post_since": post_since, "rank_since": rank_since, **dict(zip(_MORE_ATTRS, more)),
        }
    from .tolerance import tags  # one query for the whole block

    for cid, (colour, summary) in tags(session, list(by_id), today).items():
        by_id[cid]["tag"], by_id[cid]["tag_case"] = colour, summary
    return [by_id[i] for i in ids if i in by_id]


def young_pool(session: Session, *, today: dt.date | None = None) -> dict:
    """In-service young cadres grouped by age band and by level, with counts per group."""
    today = today or dt.date.today()
    bound = settings.young_age(session)
    flt = RosterFilter(young=True, status="在职", today=today)
    rows = roster_rows(session, roster_ids(session, flt), today=today)
    bands: dict[str, list[dict]] = {}
    for label, lo, hi in AGE_BANDS:
        if lo is not None and lo > bound:
            continue
        bands[label] = [r for r in rows if (lo is None or r["age"] >= lo) and (hi is None or r["age"] <= hi)]
    levels = {lv: [r for r in rows if r["level"] == lv] for lv in CADRE_LEVELS}
    levels["未定"] = [r for r in rows if not r["level"]]
    return {"bound": bound, "total": len(rows), "by_band": bands, "by_level": levels}


# --- the structure table (干部结构统计表) -------------------------------------------------------

STRUCTURE_BY = {"age": "年龄段", "sex": "性别", "education": "学历", "ethnicity": "民族",
                "political_status": "政治面貌", "level": "层级"}
UNKNOWN = "未填"
NO_UNIT = "未定单位"


def _structure_category(by: str, today: dt.date):
    """(SQL expression giving the category, the categories in the department's order)."""
    if by == "age":
        whens = [(Cadre.birth.is_(None), UNKNOWN)]
        for label, _lo, hi in AGE_BANDS:
            if hi is not None:
                whens.append((Cadre.birth >= birth_code_bound(hi, today), label))
        return case(*whens, else_=AGE_BANDS[-1][0]), [b[0] for b in AGE_BANDS]
    if by == "sex":
        return func.coalesce(Cadre.sex, UNKNOWN), list(SEXES)
    if by == "education":
        return (case(*[(Cadre.education_rank == i, lv) for i, lv in enumerate(EDUCATION_LEVELS)], else_=UNKNOWN),
                list(EDUCATION_LEVELS))
    if by == "ethnicity":
        return (case((Cadre.ethnicity.is_(None), UNKNOWN), (Cadre.ethnicity == "汉族", "汉族"), else_="少数民族"),
                ["汉族", "少数民族"])
    if by == "political_status":
        return func.coalesce(Cadre.political_status, UNKNOWN), list(CODE_FIELDS["political_status"][0])
    if by == "level":
        return func.coalesce(Cadre.level, UNKNOWN), list(CADRE_LEVELS)
    raise DomainError(f"统计口径“{by}”无效，应为：{' / '.join(STRUCTURE_BY.values())}")


def structure_counts(session: Session, flt: RosterFilter, by: str) -> dict:
    """Counts of the cadres the filter selects, by unit × category, with row and column totals,
    counted in SQL. Returns {"by": 口径, "columns": [category…, 合计], "rows": [(unit, [n…], total)],
    "totals": [n…], "total": n}. Categories nobody falls in are left out, except the listed ones of
    a small closed set (年龄段, 性别, 学历, 层级), which the department's table always shows."""
    category, order = _structure_category(by, flt.today)
    q = (select(Unit.id, Unit.name, category.label("cat"), func.count(Cadre.id))
         .select_from(Cadre).outerjoin(Unit, Cadre.unit_id == Unit.id))
    conds = _where(session, flt)
    if conds:
        q = q.where(and_(*conds))
    q = q.group_by(Unit.id, Unit.name, category)
    counts: dict[int | None, dict[str, int]] = {}
    names: dict[int | None, str] = {}
    for uid, uname, cat, n in session.execute(q):
        names[uid] = uname or NO_UNIT
        counts.setdefault(uid, {})[cat] = counts.get(uid, {}).get(cat, 0) + n
    seen = {cat for row in counts.values() for cat in row}
    closed = by in ("age", "sex", "education", "level")
    cats = [c for c in order if closed or c in seen] + sorted(seen - set(order) - {UNKNOWN}) \
        + ([UNKNOWN] if UNKNOWN in seen else [])
    unit_order = {u: i for i, u in enumerate(session.scalars(select(Unit.id).order_by(Unit.sort_order, Unit.name)))}
    rows = []
    for uid in sorted(counts, key=lambda u: (u is None, unit_order.get(u, 0))):
        line = [counts[uid].get(c, 0) for c in cats]
        rows.append((names[uid], line, sum(line)))
    totals = [sum(r[1][i] for r in rows) for i in range(len(cats))]
    return {"by": STRUCTURE_BY[by], "columns": cats, "rows": rows, "totals": totals, "total": sum(totals)}


def filter_text(session: Session, flt: RosterFilter) -> str:
    """The filter in words, for a list's heading (统计, 导出, 打印): 青山镇、年轻干部; 全部干部 for none."""
    parts = []
    if flt.search.strip():
        parts.append(f"检索“{flt.search.strip()}”")
    unit = flt.unit_name
    if flt.unit_id is not None and not unit:
        unit = session.scalar(select(Unit.name).where(Unit.id == flt.unit_id))
    if unit:
        parts.append(unit)
    if flt.level:
        parts.append(flt.level)
    if flt.age_band:
        parts.append(f"年龄{flt.age_band}")
    if flt.young:
        parts.append("年轻干部")
    if flt.reserve:
        parts.append("后备干部")
    if flt.status:
        parts.append(flt.status)
    if flt.incomplete:
        parts.append("待完善")
    if flt.training_short_year:
        parts.append(f"{flt.training_short_year}年培训学时不足{settings.training_hours_required(session)}")
    return "、".join(parts) if parts else "全部干部"
