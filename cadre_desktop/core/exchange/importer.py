"""The one importer: read every sheet through its definition, check everything, and write all
or nothing."""

from __future__ import annotations

import sys
from collections import Counter, deque
from itertools import chain
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from sqlalchemy.orm import Session

from ..services import audit
from ..services.accounts import Actor, require
from ..values import DomainError
from . import parse
from .people import BATCH, prefetch_cadres
from .sheet_pieces import give_back as _give_back
from .sheets import MISSING, Context, Problem, Row, SheetDef, sheets
from .workbook import LISTS_SHEET, MAX_CELL, MAX_ROWS, SheetSource, WorkbookSource


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

    @property
    def changed(self) -> bool:
        """Whether the import added or updated anything: an unchanged workbook writes nothing, and
        the window then has nothing to refresh."""
        return self.written and any(added or updated for added, updated in self.counts.values())

    def summary_lines(self) -> list[str]:
        return [f"{name}: 新增 {a}, 更新 {u}" for name, (a, u) in self.counts.items()]


def _plan(ctx: Context, sd: SheetDef, headers: list):
    """How the sheet's columns are read (from its header row), or None when a required column is
    missing; unknown and repeated headers are reported."""
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
        return None
    cols = list(positions.items())
    index = {col.attr: j for j, (_i, col) in enumerate(cols)}
    return index, [(i, col, col.parser(), col.required, col.header) for i, col in cols]


def _parse(ctx: Context, sd: SheetDef, plan, rows, *, tick: bool = True) -> Iterator[Row]:
    """The sheet's non-blank rows, parsed by `plan`; problems go to ctx."""
    index, columns = plan
    error = ctx.error
    name = sd.name
    for number, values in rows:
        if number - 1 > MAX_ROWS:
            error(name, number, None, f"超过 {MAX_ROWS:,} 行的上限，已停止读取")
            break
        for v in values:
            if v is not None and not (type(v) is str and not v.strip()):
                break
        else:
            continue  # a blank row
        n = len(values)
        parsed = []
        for i, col, fn, required, header in columns:
            raw = values[i] if i < n else None
            if type(raw) is str and len(raw) > MAX_CELL:
                error(name, number, header, f"内容超过 {MAX_CELL} 个字符的上限")
                parsed.append(MISSING)
                continue
            try:
                v = fn(raw)
            except ValueError as e:
                error(name, number, header, str(e))
                parsed.append(MISSING)
                continue
            if v is None and required:
                error(name, number, header, "必填项为空")
            parsed.append(v)
        yield Row(number, tuple(parsed), index)
        if tick:
            ctx.tick(name)


def _batches(items: Iterable, n: int) -> Iterator[list]:
    batch = []
    for it in items:
        batch.append(it)
        if len(batch) == n:
            yield batch
            batch = []
    if batch:
        yield batch


def _shared(value):
    """Text held for a whole sheet (a group's ID number) as the one interned string of its value."""
    return sys.intern(value) if type(value) is str else value


CHECK_BATCH = 5000  # rows checked at a time (lookups go in BATCH); few calls of each sheet's check


def _check_sheet(ctx: Context, sd: SheetDef, src: SheetSource, plan, write, whole: bool):
    """Parse and check a sheet CHECK_BATCH rows at a time, or `whole` as one batch, keeping no row
    from one batch to the next (only the keys seen, and for a `_Grouped` write the number of rows of
    each group): what the key check and `sd.check` report over the whole sheet.

    A whole sheet is one batch even with no row (or no `plan`), and its cells are let go once its
    rows are parsed. `write` takes each checked batch while no error has been found, so the sheet
    is read once (an error later rolls the whole import back); a `_Grouped` write writes whole
    groups while each group's rows come together.
    Returns (rows read, rows per group, (added, updated) by `write`)."""
    first: dict = {}
    canon: dict = {}  # one object per distinct key value (_check_keys)
    grouped = isinstance(write, _Grouped)
    groups = Counter() if grouped else None
    n = added = updated = 0
    if whole:
        batches = [[] if plan is None else list(_parse(ctx, sd, plan, src.rows))]
        src.release()
        _give_back()
    else:
        batches = () if plan is None else _batches(_parse(ctx, sd, plan, src.rows), CHECK_BATCH)
    for batch in batches:
        n += len(batch)
        prefetch_cadres(ctx, sd, batch)
        if sd.keyed:
            _check_keys(ctx, sd, batch, first, canon)
        sd.check(ctx, batch)
        if grouped:
            groups.update(_shared(r.get(sd.group)) for r in batch)
        if not ctx.errors:
            a, u = write(batch)
            added += a
            updated += u
    if grouped and not ctx.errors:
        added, updated = write.finish()
    return n, groups, (added, updated)


class _GroupBatches:
    """Rows cut into the batches a sheet of groups is written in: BATCH whole groups at a time, in
    the order the groups first appear (what `sd.write` does with the whole sheet).

    With `sizes` (each group's number of rows, from a first reading) a group's rows may be scattered
    over the sheet: the groups not yet whole wait. Without, rows come grouped (each cadre's rows
    together, as an export writes them): a group is whole when the next group's row comes, and
    `scattered` is set, and nothing more given, once a whole group's row comes again.
    `add` and `end` give the batches made whole by the rows added and by the end of the sheet."""

    def __init__(self, attr: str, sizes: Counter | None = None):
        self._attr, self._sizes = attr, sizes
        self._waiting: dict = {}
        self._order: deque = deque()
        self._seen: set = set()  # without sizes: every group begun (the waiting one and the whole)
        self._ready: list[Row] = []
        self._count = 0
        self.scattered = False

    def add(self, rows: Iterable[Row]) -> Iterator[list[Row]]:
        if self.scattered:
            return
        attr, sizes, waiting, order = self._attr, self._sizes, self._waiting, self._order
        for r in rows:
            key = r.get(attr)
            got = waiting.get(key)
            if got is None:
                if sizes is None:
                    if key in self._seen:
                        self.scattered = True
                        return
                    self._seen.add(_shared(key))
                    yield from self._whole(every=True)  # the group before this one is whole
                got = waiting[key] = []
                order.append(key)
            got.append(r)
            if sizes is not None and len(got) >= sizes[key] and order[0] == key:
                yield from self._whole()

    def end(self) -> Iterator[list[Row]]:
        if self.scattered:
            return
        yield from self._whole(every=True)  # with sizes, none is left when they are the first reading's
        if self._ready:
            yield self._ready
            self._ready, self._count = [], 0

    def _whole(self, every: bool = False) -> Iterator[list[Row]]:
        """The waiting groups, first to appear first, while they are whole (`every`: all of them)."""
        waiting, order, sizes = self._waiting, self._order, self._sizes
        while order and (every or len(waiting[order[0]]) == sizes[order[0]]):
            self._ready.extend(waiting.pop(order.popleft()))
            self._count += 1
            if self._count == BATCH:
                yield self._ready
                self._ready, self._count = [], 0


class _Grouped:
    """The write of a sheet of groups while its rows come grouped (`_GroupBatches` without sizes).
    `scattered` once a group's row comes after another group's; the caller then undoes what was
    written and writes the sheet from a second reading."""

    def __init__(self, write, attr: str):
        self._write = write
        self._batches = _GroupBatches(attr)
        self.written = 0  # rows handed to the write (its progress ticks)
        self._added = self._updated = 0

    @property
    def scattered(self) -> bool:
        return self._batches.scattered

    def __call__(self, batch: list[Row]) -> tuple[int, int]:
        self._put(self._batches.add(batch))
        return 0, 0

    def _put(self, batches: Iterable[list[Row]]) -> None:
        for ready in batches:
            a, u = self._write(ready)
            self._added += a
            self._updated += u
            self.written += len(ready)

    def finish(self) -> tuple[int, int]:
        self._put(self._batches.end())
        return self._added, self._updated


def _write_again(ctx: Context, sd: SheetDef, src: SheetSource, plan, groups: Counter) -> tuple[int, int]:
    """Write a checked sheet of groups from a second reading of its rows, in the batches `sd.write`
    would cut the whole sheet into (`_GroupBatches` with the first reading's sizes)."""
    added = updated = 0
    rows = _parse(ctx, sd, plan, src.again(), tick=False)
    batches = _GroupBatches(sd.group, groups)
    for batch in chain(batches.add(rows), batches.end()):
        a, u = sd.write(ctx, batch)
        added += a
        updated += u
    return added, updated


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


def _check_keys(ctx: Context, sd: SheetDef, rows: list[Row], first: dict[tuple, int] | None = None,
                canon: dict | None = None) -> None:
    """Report rows whose key an earlier row has. `first` (every key seen, with its first row) lasts
    the whole sheet, so its keys hold one object per distinct value: text through sys.intern (an
    ID number is then the string the cadre lookups already hold), other values through `canon`
    (kept with `first`)."""
    first = {} if first is None else first
    canon = {} if canon is None else canon
    intern = sys.intern
    for r in rows:
        key = sd.key_of(r)
        if any(k is None for k in key):
            continue  # a missing key part is already reported
        if key in first:
            names = "、".join(sd.header_of(a) for a in sd.key) if sd.key else "内容"
            ctx.error(sd.name, r.number, None, f"与第 {first[key]} 行重复（{names}相同）")
        else:
            first[tuple(intern(k) if type(k) is str else canon.setdefault(k, k) for k in key)] = r.number


def _import_sheet(ctx: Context, sd: SheetDef, src: SheetSource, begin: Callable[[], None],
                  result: ImportResult) -> None:
    """Check one sheet and, while the workbook has had no error, write it (`begin` opens the
    import's savepoint before the first write).

    A sheet whose `check` looks across its rows is checked and written whole; a big one
    (`streamed`) a batch at a time, each written as it is checked. A big sheet of groups is written
    by whole groups while its rows come grouped, inside a savepoint of its own: rows that turn out
    scattered undo that, and the sheet is written again from a second reading (a sheet that cannot
    be read twice is handled whole)."""
    session = ctx.session
    whole = not sd.streamed or (sd.group is not None and not src.rereadable)
    grouped = sd.group is not None and not whole
    plan = _plan(ctx, sd, src.headers)
    sheet_savepoint = None

    def write(batch):
        nonlocal sheet_savepoint
        begin()
        if grouped and sheet_savepoint is None:
            session.flush()  # the events so far are written before a rollback could drop them
            sheet_savepoint = session.begin_nested()
        return sd.write(ctx, batch)

    writer = _Grouped(write, sd.group) if grouped else write
    n, groups, counts = _check_sheet(ctx, sd, src, plan, writer, whole)
    result.rows[sd.name] = n
    if not ctx.errors:
        begin()
        if grouped and writer.scattered:
            if sheet_savepoint is not None:
                sheet_savepoint.rollback()
                audit.forget_head(session)
                ctx.done -= writer.written
                sheet_savepoint = None
            counts = _write_again(ctx, sd, src, plan, groups)
        result.counts[sd.name] = counts
    if sheet_savepoint is not None and sheet_savepoint.is_active:
        if ctx.errors:
            sheet_savepoint.rollback()
            audit.forget_head(session)
        else:
            sheet_savepoint.commit()
    if not whole:
        src.release()
        _give_back()


def run_import(session: Session, *, actor: Actor, source: WorkbookSource, dry_run: bool = False,
               progress: Callable[[int, int, str], None] | None = None,
               cancelled: Callable[[], bool] | None = None,
               before_write: Callable[[], object] | None = None) -> ImportResult:
    """Check the whole workbook; with no error (and not a dry run) write every row in the
    caller's transaction. With any error nothing is written.

    One sheet at a time, in the import order (referenced sheets first): its rows are parsed and
    checked, and while no sheet has had an error they are written inside one savepoint, so the
    sheets after it check against what the workbook brings; then its rows are dropped, keeping only
    what later sheets look up (`ctx.provided`). An error anywhere, or a dry run (which reports the
    same counts), rolls the savepoint back: nothing is written."""
    require(actor, "import")
    if source.masked:
        raise DomainError(f"“{source.label}”是查阅账号导出的脱敏工作簿（身份证号、电话已隐去），不能导入。")
    ctx = Context(session=session, actor=actor, progress=progress, cancelled=cancelled)
    defs = {sd.name: sd for sd in sheets()}
    found: dict[str, SheetSource] = {}
    result = ImportResult(warnings=ctx.warnings)
    savepoint = None

    def begin() -> None:
        """The savepoint every write goes into, begun before the first."""
        nonlocal savepoint
        if savepoint is None:
            if before_write is not None and not dry_run:
                before_write()  # e.g. the automatic backup before an import writes
            savepoint = session.begin_nested()
    try:
        for src in source.sheets:
            sd = defs.get(src.name.strip())
            if sd is None and src.name.strip() == LISTS_SHEET:
                continue  # the template's hidden drop-down lists
            if sd is None:
                src.load()
                near = near_sheet(src.name, src.headers, defs.values())
                src.release()
                if near:
                    ctx.error(src.name, None, None, f"不是导入工作簿的工作表名，可能是“{near}”：请把工作表改名为"
                                                     f"“{near}”后重新导入（或删除这张表）")
                else:
                    ctx.warnings.append(Problem(src.name, None, None, "不是导入工作簿的工作表，已忽略"))
                continue
            if sd.name in found:
                ctx.error(sd.name, None, None, "工作表重复")
                continue
            found[sd.name] = src
        if not found and not ctx.errors:
            ctx.error(source.label, None, None, "工作簿中没有可导入的工作表（工作表名须与模板一致）")
        ordered = [sd for sd in defs.values() if sd.name in found]
        ctx.sheet_names = {sd.name for sd in ordered}
        counts = [found[sd.name].count for sd in ordered]
        ctx.total = 2 * sum(counts) if None not in counts else 0
        for sd in ordered:
            _import_sheet(ctx, sd, found[sd.name].load(), begin, result)
        if ctx.errors:
            result.counts.clear()
        elif savepoint is not None:
            session.flush()
    except BaseException:
        if savepoint is not None and savepoint.is_active:
            try:
                savepoint.rollback()
            except Exception:  # noqa: BLE001 - e.g. a full disk has ended the transaction already:
                pass  # the first error is the one to report, and the caller's rollback ends it all
        audit.forget_head(session)
        raise
    finally:
        source.close()
    order = [sd.name for sd in ordered]
    result.errors = sorted(ctx.errors, key=lambda p: (order.index(p.sheet) if p.sheet in order else -1, p.row or 0))
    if savepoint is not None and (result.errors or dry_run):
        savepoint.rollback()
        audit.forget_head(session)
    elif savepoint is not None:
        savepoint.commit()  # released into the caller's transaction
        result.written = True
    if progress:
        progress(ctx.total, ctx.total, "完成")
    return result
