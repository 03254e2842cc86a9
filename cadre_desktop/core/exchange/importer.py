"""The one importer: read every sheet through its definition, check everything, and write all
or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy.orm import Session

from ..services import audit
from ..services.accounts import Actor, require
from ..values import DomainError
from . import parse
from .sheets import Cancelled, Context, Problem, Row, SheetDef, sheets
from .workbook import LISTS_SHEET, MAX_CELL, MAX_ROWS, WorkbookSource


@dataclass
class ImportResult:
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # sheet → (added, updated)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    written: bool = False
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary_lines(self) -> list[str]:
        return [f"{name}: 新增 {a}, 更新 {u}" for name, (a, u) in self.counts.items()]


def _read_sheet(ctx: Context, sd: SheetDef, headers: list, rows) -> list[Row]:
    """Map headers to columns and parse every row; problems go to ctx."""
    by_header = {c.header: c for c in sd.columns}
    positions: dict[int, object] = {}
    seen = set()
    for i, h in enumerate(headers):
        text = parse.clean_text(h)
        if text is None:
            continue
        text = "".join(text.split()).rstrip("*")
        col = by_header.get(text)
        if col is None:
            ctx.warnings.append(Problem(sd.name, 1, text, "不是本表的列，已忽略"))
            continue
        if text in seen:
            ctx.error(sd.name, 1, text, "列名重复")
            continue
        seen.add(text)
        positions[i] = col
    missing = [c.header for c in sd.columns if c.required and c.header not in seen]
    for h in missing:
        ctx.error(sd.name, 1, h, "缺少必填列")
    if missing:
        return []
    out: list[Row] = []
    for number, values in rows:
        if number - 1 > MAX_ROWS:
            ctx.error(sd.name, number, None, f"超过 {MAX_ROWS:,} 行的上限，已停止读取")
            break
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        parsed = {}
        for i, col in positions.items():
            raw = values[i] if i < len(values) else None
            if isinstance(raw, str) and len(raw) > MAX_CELL:
                ctx.error(sd.name, number, col.header, f"内容超过 {MAX_CELL} 个字符的上限")
                continue
            try:
                v = col.parse(raw)
            except ValueError as e:
                ctx.error(sd.name, number, col.header, str(e))
                continue
            if v is None and col.required:
                ctx.error(sd.name, number, col.header, "必填项为空")
            parsed[col.attr] = v
        out.append(Row(number, parsed))
        ctx.tick(sd.name)
    return out


def near_sheet(name: str, headers: list, defs) -> str | None:
    """The known sheet an unknown sheet name probably means (`干部信息` → 干部), or None.

    Close means: one name holds the other, the names are nearly the same, or the sheet's
    header row has every required column of a known sheet.
    """
    import difflib

    name = "".join((name or "").split())
    if not name:
        return None
    heads = {"".join(str(h).split()).rstrip("*") for h in headers if h is not None}
    best, score = None, 0.0
    for sd in defs:
        ratio = difflib.SequenceMatcher(None, name, sd.name).ratio()
        if sd.name in name or name in sd.name:
            ratio = max(ratio, 0.8 + len(sd.name) / 100)  # the longest contained name wins
        required = {c.header for c in sd.columns if c.required}
        if required and required <= heads:
            ratio = max(ratio, 0.9 + len(required) / 100)
        if ratio > score:
            best, score = sd.name, ratio
    return best if score >= 0.6 else None


def _check_keys(ctx: Context, sd: SheetDef, rows: list[Row]) -> None:
    first: dict[tuple, int] = {}
    for r in rows:
        key = sd.key_of(r)
        if any(k is None for k in key):
            continue  # a missing key part is already reported
        if key in first:
            names = "、".join(sd.header_of(a) for a in sd.key) if sd.key else "内容"
            ctx.error(sd.name, r.number, None, f"与第 {first[key]} 行重复（{names}相同）")
        else:
            first[key] = r.number


def run_import(session: Session, *, actor: Actor, source: WorkbookSource, dry_run: bool = False,
               progress: Callable[[int, int, str], None] | None = None,
               cancelled: Callable[[], bool] | None = None,
               before_write: Callable[[], object] | None = None) -> ImportResult:
    """Check the whole workbook; with no error (and not a dry run) write every row in the
    caller's transaction. With any error nothing is written. A dry run reports the same counts
    by writing inside a savepoint that is rolled back."""
    require(actor, "import")
    if source.masked:
        raise DomainError(f"“{source.label}”是查阅账号导出的脱敏工作簿（身份证号、电话已隐去），不能导入。")
    ctx = Context(session=session, actor=actor, progress=progress, cancelled=cancelled)
    defs = {sd.name: sd for sd in sheets()}
    parsed: dict[str, list[Row]] = {}
    try:
        for src in source.sheets:
            sd = defs.get(src.name.strip())
            if sd is None and src.name.strip() == LISTS_SHEET:
                continue  # the template's hidden drop-down lists
            if sd is None:
                near = near_sheet(src.name, src.headers, defs.values())
                if near:
                    ctx.error(src.name, None, None, f"不是导入工作簿的工作表名，可能是“{near}”：请把工作表改名为"
                                                     f"“{near}”后重新导入（或删除这张表）")
                else:
                    ctx.warnings.append(Problem(src.name, None, None, "不是导入工作簿的工作表，已忽略"))
                continue
            if sd.name in parsed:
                ctx.error(sd.name, None, None, "工作表重复")
                continue
            parsed[sd.name] = _read_sheet(ctx, sd, src.headers, src.rows)
    finally:
        source.close()
    result = ImportResult(warnings=ctx.warnings, rows={k: len(v) for k, v in parsed.items()})
    if not parsed and not ctx.errors:
        ctx.error(source.label, None, None, "工作簿中没有可导入的工作表（工作表名须与模板一致）")
    ordered = [sd for sd in defs.values() if sd.name in parsed]
    ctx.parsed = {sd.name: (sd, parsed[sd.name]) for sd in ordered}
    for sd in ordered:
        _check_keys(ctx, sd, parsed[sd.name])
        sd.check(ctx, parsed[sd.name])
    result.errors = sorted(ctx.errors, key=lambda p: ([s.name for s in ordered].index(p.sheet)
                                                      if p.sheet in defs and p.sheet in parsed else -1,
                                                      p.row or 0))
    if result.errors:
        return result
    ctx.done, ctx.total = 0, sum(len(v) for v in parsed.values())
    if before_write is not None and not dry_run:
        before_write()  # e.g. the automatic backup before an import writes
    savepoint = session.begin_nested() if dry_run else None
    try:
        for sd in ordered:
            result.counts[sd.name] = sd.write(ctx, parsed[sd.name])
        session.flush()
    except Cancelled:
        if savepoint is not None:
            savepoint.rollback()
        audit.forget_head(session)
        raise
    if savepoint is not None:
        savepoint.rollback()
        audit.forget_head(session)
    else:
        result.written = True
    if progress:
        progress(ctx.total, ctx.total, "完成")
    return result
