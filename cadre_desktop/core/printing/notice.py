"""The official-document format (GB/T 9704-2012 《党政机关公文格式》) for notices.

A `Notice` (issuer mark, document number, title, addressee, paragraphs, attachment note, signature,
date, attachments) is laid out on the line grid of a form definition (forms/commendation.toml):
every line of text sits on one grid line of the text block, Chinese is broken by character with
the usual 避头尾 rules, Latin and digit runs are kept together. Layout happens completely before
anything is drawn, so a missing glyph is reported with the record it belongs to and nothing is
written. All measures come from the form definition; none are fixed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from . import fonts
from .errors import MissingGlyph, PrintError

# 避头尾: characters a line must not start with, and characters it must not end with.
NO_START = frozenset("，。、；：？！）」』》〉】〕〗〙’”…—～·々%‰℃,.;:?!)]}>")
NO_END = frozenset("（「『《〈【〔〖〘‘“([{<")
# A run kept together: a Latin word or a number with its inner punctuation, a dash or an ellipsis.
_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.,:/%+_'\-]*[A-Za-z0-9%])?|—+|…+| +|.", re.S)
# Title breaks: inside these pairs is a bad place; after or before these characters a good one.
TITLE_OPEN, TITLE_CLOSE = "“《（「", "”》）」"
TITLE_AFTER = frozenset("的和与及、，”》）")
TITLE_BEFORE = frozenset("“《（关")
_HEADING1 = re.compile(r"^[一二三四五六七八九十]+、")
_HEADING2 = re.compile(r"^（[一二三四五六七八九十]+）")
CN_DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (for 一、 headings)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")


# --- content ------------------------------------------------------------------------------


@dataclass
class Span:
    text: str
    role: str | None = None  # font role; None: the grid's body font


@dataclass
class Para:
    """One paragraph; `where` names its record and field in error messages."""

    spans: list[Span]
    indent: int = 2  # first-line indent in characters
    align: str = "justify"  # justify / left / center
    where: str = ""
    keep_with_next: bool = False
    blank_before: int = 0
    hang: str = ""  # continuation lines start after this leading text (a name list's unit column)

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


def body_para(text: str, *, indent: int, heading1_role: str, heading2_role: str, where: str) -> Para:
    """A body paragraph; one starting 一、 has its first sentence in 黑体, （一） in 楷体."""
    for pattern, role in ((_HEADING1, heading1_role), (_HEADING2, heading2_role)):
        if pattern.match(text):
            end = text.find("。")
            head, rest = (text, "") if end < 0 else (text[:end + 1], text[end + 1:])
            spans = [Span(head, role)] + ([Span(rest)] if rest else [])
            return Para(spans, indent=indent, where=where, keep_with_next=not rest)
    return Para([Span(text)], indent=indent, where=where)


@dataclass
class Attachment:
    title: str
    paras: list[Para]


@dataclass
class Notice:
    title: str
    body: list[Para]
    signature: str
    date: str
    issuer_mark: str | None = None
    doc_number: str | None = None
    addressee: str | None = None
    letterhead: bool = True
    attachments: list[Attachment] = field(default_factory=list)
    where: str = ""  # names the record, e.g. the batch, in error messages


# --- drawing operations -------------------------------------------------------------------


@dataclass
class TextOp:
    x: float  # points from the page's left edge
    baseline: float  # points from the page's top edge
    text: str
    role: str
    size: float
    red: bool = False


@dataclass
class RectOp:
    x: float
    top: float
    width: float
    height: float
    red: bool = True


@dataclass
class Page:
    ops: list = field(default_factory=list)
    number: int = 0


# --- the typesetter -----------------------------------------------------------------------


@dataclass
class _Tok:
    text: str
    role: str
    width: float


class Typesetter:
    """Lays a Notice out on the grid of a form definition (the dict of forms/commendation.toml)."""

    def __init__(self, form: dict, *, session=None):
        from .definition import PAGE_SIZES

        self.f = form["notice"]  # the notice's own sections
        self.styles = form["styles"]
        pg, grid = form["page"], self.f["grid"]
        w, h = PAGE_SIZES[pg["size"]]
        w, h = (h, w) if pg.get("orientation") == "landscape" else (w, h)
        m = pg["margins"]
        self.page_w, self.page_h = w * mm, h * mm
        self.left, self.top = m["left"] * mm, m["top"] * mm
        self.block_w, self.block_h = (w - m["left"] - m["right"]) * mm, (h - m["top"] - m["bottom"]) * mm
        self.lines = int(grid["lines"])
        self.chars = int(grid["chars"])
        self.body_role, self.size = self.style("body")
        self.leading = float(grid["leading"])
        self.line_w = self.chars * self.size  # a full line of characters
        self.session = session
        self._chains: dict[str, fonts.FontChain] = {}  # the grid fits the block: check_definition

    # fonts

    def style(self, name: str) -> tuple[str, float]:
        """(font role, size in points) of a style of the form definition."""
        st = self.styles[name]
        return st["font"], float(st["size"])

    def chain(self, role: str | None) -> fonts.FontChain:
        role = role or self.body_role
        if role not in self._chains:
            self._chains[role] = fonts.chain(role, session=self.session)
        return self._chains[role]

    def check(self, text: str, role: str | None, where: str) -> None:
        ch = fonts.missing(text, self.chain(role))
        if ch is not None:
            raise PrintError(f"{where}中的字符“{ch}”（U+{ord(ch):04X}）在所有可用字体中都没有，无法打印；"
                             "请安装含有该字的字体（设置中可指定），或改写该字。")

    def ascent(self, role: str | None, size: float) -> float:
        """Baseline below the top of the character box (the box a PDF reader reports: the font's
        descent below the baseline, the rest of the size above)."""
        name = self.chain(role).runs("中")[0][0]
        descent = pdfmetrics.getFont(name).face.descent / 1000.0
        return size * (1.0 + descent)

    def width(self, text: str, role: str | None, size: float) -> float:
        return self.chain(role).width(text, size)

    # grid

    def line_top(self, n: int) -> float:
        """Top of grid line n (0-based), points from the page's top edge."""
        return self.top + n * self.leading

    def baseline(self, n: int, role: str | None, size: float) -> float:
        """Baseline of text of `size` centred on grid line n."""
        return self.line_top(n) + (self.leading - size) / 2 + self.ascent(role, size)

    def line_of(self, y: float) -> int:
        """The grid line holding the point y (points from the page's top)."""
        return int((y - self.top) // self.leading)

    # line breaking

    def tokens(self, para: Para, size: float) -> list[_Tok]:
        out = []
        for span in para.spans:
            self.check(span.text, span.role, para.where)
            for m in _TOKEN.finditer(span.text):
                t = m.group()
                if t in "\n\r":
                    continue
                out.append(_Tok(t, span.role or self.body_role, self.width(t, span.role, size)))
        return out

    def break_lines(self, toks: list[_Tok], first: float, rest: float, size: float) -> list[list[_Tok]]:
        """Greedy line breaking by character with 避头尾; a run wider than a line is split."""
        lines: list[list[_Tok]] = []
        i, n = 0, len(toks)
        while i < n:
            while lines and i < n and toks[i].text.isspace():  # no line starts with a space
                i += 1
            if i >= n:
                break
            avail = first if not lines else rest
            w, j = 0.0, i
            while j < n and w + toks[j].width <= avail + 0.01:
                w += toks[j].width
                j += 1
            if j == n:
                lines.append(toks[i:n])
                break
            if j == i:  # one run wider than the line: split it into characters
                t = toks[i]
                parts = [_Tok(c, t.role, self.width(c, t.role if t.role != self.body_role else None, size))
                         for c in t.text]
                if len(parts) == 1:  # a single character wider than the line: set it anyway
                    lines.append([t])
                    i += 1
                    continue
                toks[i:i + 1] = parts
                n = len(toks)
                continue
            b = j
            while b > i + 1 and (toks[b].text[0] in NO_START or toks[b - 1].text[-1] in NO_END):
                b -= 1
            if toks[b].text[0] in NO_START or toks[b - 1].text[-1] in NO_END:
                b = j  # nowhere better to break
            lines.append(toks[i:b])
            i = b
        return lines

    def set_para(self, para: Para, size: float | None = None, role_width: float | None = None) -> list[list[tuple]]:
        """A paragraph as lines of (x offset from the block's left, token)."""
        size = size or self.size
        full = role_width if role_width is not None else self.line_w
        indent = para.indent * size
        hang = indent + self.width(para.hang, para.spans[0].role, size) if para.hang else 0.0
        if hang > full / 2:
            hang = indent  # a long name: continuation lines at the indent
        toks = self.tokens(para, size)
        lines = self.break_lines(toks, full - indent, full - hang, size)
        out = []
        for k, line in enumerate(lines):
            while line and line[-1].text.isspace():
                line = line[:-1]
            x0 = indent if k == 0 else hang
            avail = full - x0
            natural = sum(t.width for t in line)
            gap = 0.0
            if para.align == "center":
                x0 += (avail - natural) / 2
            elif para.align == "justify" and k < len(lines) - 1 and len(line) > 1:
                gap = max(0.0, avail - natural) / (len(line) - 1)
            placed, x = [], x0
            for t in line:
                placed.append((x, t))
                x += t.width + gap
            out.append(placed)
        return out

    def balanced(self, para: Para, size: float) -> list[list[tuple]]:
        """A centred title in the fewest lines, broken where the lines are of similar length and
        the break falls between words (after 的/和/、, before an opening quote, …), never inside
        quotation marks or brackets, and never against 避头尾."""
        toks = self.tokens(para, size)
        lines = self.break_lines(list(toks), self.line_w, self.line_w, size)
        if len(lines) > 1 and sum(len(ln) for ln in lines) == len(toks):
            lines = self._title_breaks(toks, len(lines), size) or lines
        out = []
        for line in lines:
            natural = sum(t.width for t in line)
            x, placed = (self.line_w - natural) / 2, []
            for t in line:
                placed.append((x, t))
                x += t.width
            out.append(placed)
        return out

    def _title_breaks(self, toks: list[_Tok], count: int, size: float) -> list[list[_Tok]] | None:
        n = len(toks)
        depth, inside = 0, [0] * (n + 1)  # inside[i]: a break before token i falls inside quotes
        for i, t in enumerate(toks):
            inside[i] = depth
            depth += sum(t.text.count(c) for c in TITLE_OPEN) - sum(t.text.count(c) for c in TITLE_CLOSE)
        cum = [0.0]
        for t in toks:
            cum.append(cum[-1] + t.width)
        mean = cum[-1] / count

        def cost_break(i: int) -> float | None:
            if toks[i].text[0] in NO_START or toks[i - 1].text[-1] in NO_END:
                return None
            good = toks[i - 1].text[-1] in TITLE_AFTER or toks[i].text[0] in TITLE_BEFORE
            return (6.0 if inside[i] > 0 else 0.0) + (0.0 if good else 4.0)

        best: dict[tuple[int, int], tuple[float, list[int]]] = {(0, 0): (0.0, [])}
        for k in range(1, count + 1):
            for j in range(1, n + 1):
                if k == count and j != n:
                    continue
                options = []
                for (kk, i), (c, path) in list(best.items()):
                    if kk != k - 1 or i >= j or cum[j] - cum[i] > self.line_w + 0.01:
                        continue
                    extra = 0.0
                    if j < n:
                        b = cost_break(j)
                        if b is None:
                            continue
                        extra = b
                    options.append((c + extra + abs(cum[j] - cum[i] - mean) / size / 2, path + [j]))
                if options:
                    best[(k, j)] = min(options, key=lambda o: o[0])
        found = best.get((count, n))
        if found is None:
            return None
        bounds = [0] + found[1]
        return [toks[bounds[m]:bounds[m + 1]] for m in range(count)]

    # pages

    def layout(self, notice: Notice, progress=None) -> list[Page]:
        lay = _Flow(self)
        lay.first_page(notice)
        total = 1 + len(notice.attachments)
        if progress:
            progress(1, total, "正文")
        for k, att in enumerate(notice.attachments, 1):
            lay.attachment(k if len(notice.attachments) > 1 else None, att)
            if progress:
                progress(1 + k, total, att.title)
        pages = lay.pages
        self.number_pages(pages)
        return pages

    def number_pages(self, pages: list[Page]) -> None:
        pn = self.f["page_number"]
        role, size = self.style("page_number")
        top = self.top + self.block_h + float(pn["gap"]) * mm
        inset = int(pn["inset"]) * size
        for k, page in enumerate(pages, 1):
            page.number = k
            text = pn["format"].format(n=k)
            self.check(text, role, "页码")
            w = self.width(text, role, size)
            x = self.left + self.block_w - inset - w if k % 2 else self.left + inset
            page.ops.append(TextOp(x, top + self.ascent(role, size), text, role, size))

    # drawing

    def to_pages(self, pages: list[Page]) -> list:
        """The laid-out pages as the renderer's pages of drawing operations (points from the
        page's bottom-left corner): black text, red only where an operation is marked red."""
        from .layout import Page as PdfPage

        red = self.f["colours"]["red"]
        out = []
        for page in pages:
            pdf_page = PdfPage(self.page_w, self.page_h)
            for op in page.ops:
                if isinstance(op, RectOp):
                    pdf_page.ops.append(("rect", op.x, self.page_h - op.top - op.height, op.width, op.height,
                                         red if op.red else "#000000", 0.0))
                else:
                    pdf_page.ops.append(("text", op.x, self.page_h - op.baseline,
                                         tuple(self.chain(op.role).runs(op.text)), op.size, 0.0,
                                         red if op.red else None))
            out.append(pdf_page)
        return out


class _Flow:
    """Places lines on grid lines page by page."""

    def __init__(self, ts: Typesetter):
        self.ts = ts
        self.f = ts.f
        self.pages: list[Page] = []
        self.line = 0  # next free grid line on the current page

    def new_page(self) -> Page:
        self.pages.append(Page())
        self.line = 0
        return self.pages[-1]

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def put_line(self, placed: list[tuple], size: float, red: bool = False, x0: float = 0.0) -> None:
        ts = self.ts
        if self.line >= ts.lines:
            self.new_page()
        role = placed[0][1].role if placed else None
        base = ts.baseline(self.line, role, size)
        for x, t in placed:
            self.page.ops.append(TextOp(ts.left + x0 + x, base, t.text, t.role, size, red))
        self.line += 1

    def skip(self, n: int) -> None:
        """n blank lines; blank lines at the top of a page are dropped."""
        if self.line == 0:
            return
        self.line = min(self.line + n, self.ts.lines)

    def put_para(self, para: Para, size: float | None = None, record: bool = False) -> None:
        size = size or self.ts.size
        lines = self.ts.set_para(para, size)
        self.skip(para.blank_before)
        left = self.ts.lines - self.line
        if self.line > 0 and (para.keep_with_next and left < len(lines) + 1 or len(lines) > 1 and left == 1):
            self.new_page()  # a heading stays with the next line; no first line alone at a page's foot
        left = self.ts.lines - self.line
        for k, line in enumerate(lines):
            if k == left - 1 and len(lines) - left == 1 and len(lines) >= 3:
                self.new_page()  # nor a last line alone at the top of the next
            start = len(self.pages[-1].ops) if self.line < self.ts.lines else 0
            self.put_line(line, size)
            if record:
                self.body_lines.append((self.page, start, len(self.page.ops), self.line - 1))

    def first_page(self, n: Notice) -> None:
        ts, f = self.ts, self.f
        page = self.new_page()
        if n.letterhead:
            h = f["header"]
            title_line = self.header(page, n, h)
        else:
            title_line = int(f["title"]["plain_line"]) - 1
        # title
        tf = f["title"]
        role, size = ts.style("title")
        para = Para([Span(n.title, role)], indent=0, align="center", where=f"{n.where}的标题")
        self.line = title_line
        for line in ts.balanced(para, size):
            self.put_line(line, size)
        self.line += int(tf["blank_lines_after"])
        if n.addressee:
            addressee = n.addressee.rstrip(":：") + "："
            self.put_para(Para([Span(addressee)], indent=0, align="justify", where=f"{n.where}的主送机关"))
        self.body_lines: list[tuple] = []
        for para in n.body:
            self.put_para(para, record=True)
        self.tail(n)

    def header(self, page: Page, n: Notice, h: dict) -> int:
        """Issuer mark, document number and red separator; returns the title's grid line."""
        ts = self.ts
        bottom = ts.top + float(h["mark_top"]) * mm
        if n.issuer_mark:
            role, size = ts.style("mark")
            ts.check(n.issuer_mark, role, f"{n.where}的发文机关")
            w1 = ts.width(n.issuer_mark, role, 1.0)
            size = min(size, ts.block_w / w1)  # a long issuer is set smaller to fit the block
            w = ts.width(n.issuer_mark, role, size)
            top = ts.top + float(h["mark_top"]) * mm
            page.ops.append(TextOp(ts.left + (ts.block_w - w) / 2, top + ts.ascent(role, size),
                                   n.issuer_mark, role, size, red=True))
            bottom = top + size
        line = ts.line_of(bottom - 0.01) + int(h["number_blank_lines"]) + 1
        nrole, nsize = ts.style("number")
        number_bottom = ts.line_top(line) + (ts.leading + nsize) / 2
        if n.doc_number:
            ts.check(n.doc_number, nrole, f"{n.where}的文号")
            w = ts.width(n.doc_number, nrole, nsize)
            page.ops.append(TextOp(ts.left + (ts.block_w - w) / 2, ts.baseline(line, nrole, nsize),
                                   n.doc_number, nrole, nsize))
        rule_top = number_bottom + float(h["rule_gap"]) * mm
        rule_w = float(h["rule_width"]) * mm
        page.ops.append(RectOp(ts.left + (ts.block_w - rule_w) / 2, rule_top, rule_w,
                               float(h["rule_thickness"]) * mm, red=True))
        rule_line = ts.line_of(rule_top + float(h["rule_thickness"]) * mm)
        return rule_line + int(self.f["title"]["blank_lines"]) + 1

    def note_lines(self, n: Notice) -> list[tuple[float, list]]:
        """附件说明: `附件：1. …` indented, the next items aligned under the first."""
        ts, an = self.ts, self.f["attachment_note"]
        label = an["label"]
        indent = int(an["indent"]) * ts.size
        label_w = ts.width(label, None, ts.size)
        items = ([f"{k}. {a.title}" for k, a in enumerate(n.attachments, 1)] if len(n.attachments) > 1
                 else [n.attachments[0].title])
        out = []
        for k, item in enumerate(items):
            para = Para([Span((label if k == 0 else "") + item)], indent=0, align="left",
                        where=f"{n.where}的附件说明")
            x0 = indent + (0 if k == 0 else label_w)
            for line in ts.set_para(para, ts.size, ts.line_w - x0):
                out.append((x0, line))
                x0 = indent + label_w  # a wrapped item hangs under its text
        return out

    def signature_lines(self, n: Notice) -> list[tuple[float, list]]:
        """署名 two characters in from the right, 成文日期 below it two characters further right;
        where the date is the longer, the date is two in from the right and the signature moves left."""
        ts, sf = self.ts, self.f["signature"]
        where = f"{n.where}的署名或日期"
        ts.check(n.signature + n.date, None, where)
        sig_w = ts.width(n.signature, None, ts.size)
        date_w = ts.width(n.date, None, ts.size)
        right = ts.line_w - int(sf["right"]) * ts.size
        offset = int(sf["date_offset"]) * ts.size
        sig_x = min(right - sig_w, right - date_w - offset)  # the longer one decides
        out = []
        for x, text in ((sig_x, n.signature), (sig_x + offset, n.date)):
            para = Para([Span(text)], indent=0, align="left", where=where)
            out.append((x, ts.set_para(para, ts.size, ts.line_w + 1e6)[0]))  # never broken
        return out

    def tail(self, n: Notice) -> None:
        """The attachment note and the signature with its date, kept on one page with the body:
        where they do not fit, the blank lines before them go first, then the last two lines of
        the body come along to the next page (a signature never stands alone on a page)."""
        ts = self.ts
        blocks = []
        if n.attachments:
            blocks.append([int(self.f["attachment_note"]["blank_lines"]), self.note_lines(n)])
        blocks.append([int(self.f["signature"]["blank_lines"]), self.signature_lines(n)])
        left = ts.lines - self.line
        for b in reversed(blocks):  # squeeze the blank lines, the signature's first
            while sum(k + len(ls) for k, ls in blocks) > left and b[0] > 0:
                b[0] -= 1
        if self.line == 0 or sum(k + len(ls) for k, ls in blocks) > left:
            for b, k in zip(blocks, (int(self.f["attachment_note"]["blank_lines"]),
                                     int(self.f["signature"]["blank_lines"]))[-len(blocks):]):
                b[0] = k
            self.carry(2)
        for blank, lines in blocks:
            self.skip(blank)
            for x0, line in lines:
                self.put_line(line, ts.size, x0=x0)

    def carry(self, k: int) -> None:
        """Start a new page taking the last k body lines of the page before along."""
        if self.line == 0 and not self.page.ops:
            self.pages.pop()
        page = self.pages[-1]
        recs = [r for r in self.body_lines[-k:] if r[0] is page]
        end = len(page.ops)
        moved = []
        for _, start, stop, line_no in reversed(recs):
            if stop != end:
                break  # only lines at the page's end can move
            moved.insert(0, (page.ops[start:stop], line_no))
            end = start
        del page.ops[end:]
        self.new_page()
        for ops, line_no in moved:
            dy = self.ts.line_top(self.line) - self.ts.line_top(line_no)
            for op in ops:
                op.baseline += dy
                self.page.ops.append(op)
            self.line += 1

    def attachment(self, number: int | None, att: Attachment) -> None:
        ts, af = self.ts, self.f["attachment"]
        self.new_page()
        label = "附件" if number is None else f"附件{number}"
        lrole, lsize = ts.style("attachment_label")
        self.put_line([(0.0, _Tok(label, lrole, ts.width(label, lrole, lsize)))], lsize)
        role, size = ts.style("title")
        self.line = int(af["title_line"]) - 1
        para = Para([Span(att.title, role)], indent=0, align="center", where=f"附件“{att.title}”的标题")
        for line in ts.balanced(para, size):
            self.put_line(line, size)
        self.line += int(af["blank_lines_after"])
        for para in att.paras:
            self.put_para(para)


def lay_out(form: dict, notice: Notice, *, session=None, progress=None) -> list:
    """The notice's pages, every check done (a missing glyph names the record); nothing drawn.
    `progress(done, total, text)` is called per part and may raise PrintCancelled."""
    ts = Typesetter(form, session=session)
    try:
        return ts.to_pages(ts.layout(notice, progress=progress))
    except MissingGlyph as e:
        raise PrintError(f"{notice.where}：{e}") from e


# --- the form definition ------------------------------------------------------------------

_NUM = (int, float)
NOTICE_STYLES = ("body", "heading1", "heading2", "mark", "number", "title", "attachment_label", "page_number")
NOTICE_KEYS = {
    "grid": {"lines": int, "chars": int, "leading": _NUM},
    "colours": {"red": str},
    "header": {"mark_suffix": str, "mark_top": _NUM, "number_blank_lines": int, "rule_gap": _NUM,
               "rule_width": _NUM, "rule_thickness": _NUM},
    "title": {"blank_lines": int, "blank_lines_after": int, "plain_line": int},
    "body": {"indent": int, "default": str},
    "attachment_note": {"label": str, "indent": int, "blank_lines": int},
    "signature": {"blank_lines": int, "right": int, "date_offset": int},
    "attachment": {"title_line": int, "blank_lines_after": int, "collective_title": str, "individual_title": str,
                   "collective_group": str, "individual_group": str, "collective_measure": str,
                   "individual_measure": str, "name_gap": str, "entry_indent": int},
    "page_number": {"gap": _NUM, "inset": int, "format": str},
}


def check_definition(c, data: dict) -> None:
    """Check the `notice` part of a form definition (kind = "notice"); `c` is the definition
    checker, whose fail() names the file and line."""
    if "margins" not in data["page"]:
        c.fail(("page",), "[page] 缺少 margins（页边距）")
    for name in NOTICE_STYLES:
        if name not in data["styles"]:
            c.fail(("styles",), f"公文格式须定义样式“{name}”")
    c.require(data, "notice", (), "表格定义")
    notice = data["notice"]
    for section, keys in NOTICE_KEYS.items():
        c.require(notice, section, ("notice",), "[notice]")
        path = ("notice", section)
        c.type(notice[section], dict, path)
        c.keys(notice[section], keys, path, f"[notice.{section}]")
        for key in keys:
            c.require(notice[section], key, path, f"[notice.{section}]")
            value = notice[section][key]
            if keys[key] is int and not 0 <= value <= 60:
                c.fail(path + (key,), f"“{key}”的值 {value} 不合理，应在 0 到 60 之间")
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", notice["colours"]["red"]):
        c.fail(("notice", "colours", "red"), "颜色应写作 #RRGGBB，如 \"#E60012\"")
    try:
        notice["body"]["default"].format(awardees="")
    except (KeyError, IndexError, ValueError):
        c.fail(("notice", "body", "default"), "默认正文中只可用 {awardees}（表彰对象及人数）一个占位")
    for key in ("mark_top", "rule_gap", "rule_width", "rule_thickness"):
        c.mm(notice["header"][key], ("notice", "header", key))
    c.mm(notice["page_number"]["gap"], ("notice", "page_number", "gap"))
    if "{n}" not in notice["page_number"]["format"]:
        c.fail(("notice", "page_number", "format"), "页码格式须含 {n}（页码数字的位置）")
    m = data["page"]["margins"]
    from .definition import PAGE_SIZES

    w, h = PAGE_SIZES[data["page"]["size"]]
    if data["page"].get("orientation") == "landscape":
        w, h = h, w
    block_w, block_h = (w - m["left"] - m["right"]) * mm, (h - m["top"] - m["bottom"]) * mm
    grid = notice["grid"]
    if grid["chars"] * data["styles"]["body"]["size"] > block_w + 0.5:
        c.fail(("notice", "grid", "chars"), f"每行{grid['chars']}字超出版心宽度 {block_w / mm:.1f} 毫米")
    if grid["lines"] * grid["leading"] > block_h + 0.5:
        c.fail(("notice", "grid", "lines"), f"每页{grid['lines']}行超出版心高度 {block_h / mm:.1f} 毫米")
