"""The printing entry point: a registry of forms, `render_pdf` and `render_each` (PRINT_API.md).

A form registers a layout function `layout(job) -> Iterable[Page]` that reads its definition and its
records; `render_pdf` lays the whole job out (every check happens here), then draws the pages into
one PDF, written to a temporary file renamed into place (or into the caller's file object at the end),
so a refusal or a cancel leaves nothing behind.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

from ..services.accounts import Actor, require
from . import fonts
from .definition import Definition, load
from .errors import PrintCancelled, PrintError
from .layout import MM, Page, Style, draw_page, make_style

FORMS: dict[str, str] = {}  # form name → Chinese title, in menu order
_LAYOUTS: dict[str, Callable] = {}


def register(name: str, title: str, layout: Callable) -> None:
    """Add a form: `layout(job: Job) -> Iterable[Page]` (a list, or a generator yielding each record's pages
    once they are all laid out and checked). Forms of later issues register themselves here."""
    FORMS[name] = title
    _LAYOUTS[name] = layout


@dataclass(frozen=True)
class RenderResult:
    pages: int
    path: Path | None


@dataclass
class Job:
    """One print job as a form's layout function sees it."""

    session: object
    actor: Actor
    form: str
    params: dict
    progress: Callable[[int, int, str], None] | None = None
    cancelled: Callable[[], bool] | None = None
    _styles: dict = field(default_factory=dict)

    @property
    def masked(self) -> bool:
        """A 查阅 account's print shows ID numbers and phones masked."""
        return self.actor.masked_export

    def definition(self, fields: dict[str, str] | None) -> Definition:
        return load(self.form, fields)

    def styles(self, defn: Definition) -> dict[str, Style]:
        return {name: make_style(spec, self.session) for name, spec in defn.data["styles"].items()}

    def tick(self, done: int, total: int, text: str) -> None:
        if self.cancelled is not None and self.cancelled():
            raise PrintCancelled()
        if self.progress is not None:
            self.progress(done, total, text)

    def new_page(self, defn: Definition) -> Page:
        w, h = defn.page_size_mm()
        return Page(w * MM, h * MM)


def pages_of(session, *, actor: Actor, form: str, params: dict, progress=None, cancelled=None) -> Iterator[Page]:
    """The form's pages as they are laid out (a form may lay out record by record). Every check of a
    page happens before it is yielded; a refusal raises PrintError part-way through."""
    require(actor, "print")
    if form not in _LAYOUTS:
        raise PrintError(f"没有“{form}”这种表格，可打印的有：{'、'.join(f'{k}（{v}）' for k, v in FORMS.items())}")
    job = Job(session, actor, form, dict(params or {}), progress, cancelled)
    yield from _LAYOUTS[form](job)


def layout(session, *, actor: Actor, form: str, params: dict, progress=None, cancelled=None) -> tuple[str, list[Page]]:
    """Lay a form out without writing anything: (the PDF's title, its pages). Raises PrintError."""
    pages = list(pages_of(session, actor=actor, form=form, params=params, progress=progress, cancelled=cancelled))
    if not pages:
        raise PrintError(f"没有可打印的内容（{FORMS[form]}）。")
    return FORMS[form], pages


def write_pdf(pages: Iterable[Page], out, *, title: str, author: str = "", cancelled=None) -> tuple[Path | None, int]:
    """Draw pages into one PDF at `out` (a path or a binary file object); returns (path, pages).

    The pages are drawn into memory as they come, so a batch holds one record's layout at a time;
    the file is written only when every page has been drawn (a refusal or a cancel raised by the
    page iterator leaves nothing behind)."""
    initial = fonts.chain("宋体").name  # never Helvetica: every font in the PDF is embedded
    buf = io.BytesIO()
    canvas = None
    count = 0
    a85 = rl_config.useA85
    rl_config.useA85 = 0  # binary (Flate only) streams: a quarter smaller than ASCII85 text, as valid
    try:
        for page in pages:
            if cancelled is not None and count % 10 == 0 and cancelled():
                raise PrintCancelled()
            if canvas is None:
                canvas = Canvas(buf, pagesize=(page.width, page.height), initialFontName=initial,
                                initialFontSize=10, pageCompression=1)
                canvas.setTitle(title)
                canvas.setAuthor(author)
                canvas.setCreator("cadre-desktop")
            draw_page(canvas, page)
            count += 1
        if canvas is None:
            raise PrintError(f"没有可打印的内容（{title}）。")
        canvas.save()
    finally:
        rl_config.useA85 = a85
    data = buf.getvalue()
    if cancelled is not None and cancelled():
        raise PrintCancelled()
    if hasattr(out, "write"):
        out.write(data)
        return None, count
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".printing-", suffix=".pdf", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path, count


def render_pdf(session, *, actor: Actor, form: str, params: dict, out, progress=None, cancelled=None) -> RenderResult:
    """Lay out, check and write ONE PDF of the form (PRINT_API.md)."""
    pages = pages_of(session, actor=actor, form=form, params=params, progress=progress, cancelled=cancelled)
    path, count = write_pdf(pages, out, title=FORMS.get(form, form), author=actor.name, cancelled=cancelled)
    if progress is not None:
        progress(1, 1, f"已生成，共{count}页")
    return RenderResult(count, path)


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_name(text: str) -> str:
    """A file name Windows accepts: no reserved characters, no trailing dot or space."""
    name = _UNSAFE.sub("_", text).strip().rstrip(". ") or "未命名"
    if name.upper().split(".")[0] in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                                      *(f"LPT{i}" for i in range(1, 10))}:
        name = "_" + name
    return name[:100]


def file_names(people: list[tuple[str, str]], ext: str = ".pdf") -> list[str]:
    """`姓名.pdf`, or `姓名_身份证号后4位.pdf` where two share a name (people: (name, id_number))."""
    counts: dict[str, int] = {}
    for name, _idn in people:
        counts[name] = counts.get(name, 0) + 1
    out, used = [], set()
    for name, idn in people:
        stem = name if counts[name] == 1 else f"{name}_{(idn or '')[-4:]}"
        stem = safe_name(stem)
        candidate, n = stem, 2
        while candidate.lower() in used:
            candidate, n = f"{stem}_{n}", n + 1
        used.add(candidate.lower())
        out.append(candidate + ext)
    return out


def render_each(session, *, actor: Actor, cadre_ids: list[int], out_dir, progress=None, cancelled=None) -> list[Path]:
    """The 干部任免审批表 of each cadre as its own PDF in out_dir (PRINT_API.md). Every form is laid
    out and checked first; then the files are written."""
    from .appointment import people_of

    require(actor, "print")
    ids = list(dict.fromkeys(cadre_ids))
    people = people_of(session, ids)
    names = file_names([(p["name"], p["id_number"]) for p in people])
    total = len(ids)
    laid = []
    for i, (person, fname) in enumerate(zip(people, names)):
        if cancelled is not None and cancelled():
            raise PrintCancelled()
        _title, pages = layout(session, actor=actor, form="appointment-form", params={"cadre_ids": [person["id"]]})
        laid.append((fname, pages))
        if progress is not None:
            progress(i + 1, total * 2, f"排版：{person['name']}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for i, (fname, pages) in enumerate(laid):
            if cancelled is not None and cancelled():
                raise PrintCancelled()
            written.append(write_pdf(pages, out / fname, title=FORMS["appointment-form"], author=actor.name)[0])
            if progress is not None:
                progress(total + i + 1, total * 2, f"写入：{fname}")
    except BaseException:
        for path in written:  # a cancel (or a full disk) leaves no half batch behind
            path.unlink(missing_ok=True)
        raise
    return written
