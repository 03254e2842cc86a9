"""Laying text out in boxes and drawing laid-out pages.

Layout runs first for a whole print job and produces `Page`s of plain drawing operations; only when
every record has been laid out (every text fits, every character has a font) is anything drawn.
Coordinates of operations are points from the page's bottom-left corner, as ReportLab wants them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from reportlab.lib.colors import HexColor
from reportlab.lib.utils import ImageReader

from . import fonts
from .errors import MissingGlyph, PrintError

MM = 72.0 / 25.4
ASCENT = 0.86  # baseline below the top of a line, in ems (the CJK faces' ascent)
EPS = 0.01


class NoFit(Exception):
    """A text does not fit its box even at the style's smallest size."""


@dataclass(frozen=True)
class Style:
    chain: fonts.FontChain
    size: float
    min_size: float
    step: float
    leading: float
    colour: str | None = None
    one_line_min: float | None = None  # a short text shrinks on one line down to this before it wraps


def make_style(spec: dict, session=None) -> Style:
    return Style(fonts.chain(spec["font"], session), float(spec["size"]), float(spec["min_size"]),
                 float(spec["step"]), float(spec["leading"]), spec.get("colour"), spec.get("one_line_min"))


@dataclass
class Page:
    width: float  # points
    height: float
    ops: list = field(default_factory=list)

    def y(self, mm_from_top: float) -> float:
        return self.height - mm_from_top * MM


# --- measuring and wrapping ---------------------------------------------------------------------

def char_width(chain: fonts.FontChain, ch: str) -> float:
    """The advance of a character at 1 pt in the font the chain draws it with (cached per chain)."""
    w = chain.widths.get(ch)
    if w is None:
        w = 0.0 if ch in "\r\n\u200b\ufeff" else chain.char_width(ch, 1.0)
        chain.widths[ch] = w
    return w


def text_width(chain: fonts.FontChain, text: str, size: float) -> float:
    return sum(char_width(chain, ch) for ch in text) * size


_NO_LINE_START = set("，。、；：？！）》」』】〕,.;:?!)%")
_WORD = set("0123456789.-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def wrap(chain: fonts.FontChain, text: str, size: float, width: float, hang: float = 0.0) -> list[tuple[str, float]]:
    """Cut each paragraph (\\n-separated) into lines no wider than `width` points; lines after a
    paragraph's first are indented by `hang` points. Returns (line, indent) pairs. Breaks anywhere
    between Chinese characters, keeps runs of digits/Latin together where they fit, and keeps
    closing punctuation off the start of a line."""
    out: list[tuple[str, float]] = []
    for para in text.split("\n"):
        indent = 0.0
        line: list[str] = []
        used = 0.0
        i = 0
        while i < len(para):
            ch = para[i]
            w = char_width(chain, ch) * size
            room = width - indent
            if line and used + w > room + EPS:
                cut = len(line)
                if ch in _NO_LINE_START and len(line) > 1:
                    cut -= 1  # take the last character down with the punctuation
                elif ch in _WORD:
                    k = cut
                    while k > 0 and line[k - 1] in _WORD:
                        k -= 1
                    if k > 0:
                        cut = k  # keep a number or a Latin word whole
                carried = sum(char_width(chain, c) for c in line[cut:]) * size
                if cut < len(line) and carried + w > width - hang + EPS:
                    cut = len(line)  # the word does not fit a line of its own either: break it
                carry = line[cut:]
                out.append(("".join(line[:cut]).rstrip(" "), indent))
                indent = hang
                line = carry
                used = sum(char_width(chain, c) for c in line) * size
                continue
            if not line and ch == " " and out and indent:
                i += 1  # no space at the start of a wrapped line
                continue
            line.append(ch)
            used += w
            i += 1
        out.append(("".join(line), indent))
    return out


def block_height(n: int, size: float, leading: float) -> float:
    """Height of n lines: full leading between lines, one em of the last."""
    return (n - 1) * size * leading + size if n else 0.0


def _one_line(style: Style, text: str, width: float, height: float | None) -> tuple[float, list] | None:
    """The largest size on the style's steps, not under one_line_min, at which every paragraph keeps
    to one line (and the lines fit `height`); None where there is none. Widths scale with the size,
    so this is arithmetic, not a trial at every step."""
    paras = text.split("\n")
    w1 = max(text_width(style.chain, p, 1.0) for p in paras)
    limit = style.size if w1 <= 0 else (width + EPS) / w1
    if height is not None:
        limit = min(limit, (height + EPS) / ((len(paras) - 1) * style.leading + 1))
    k = max(0, math.ceil(round((style.size - limit) / style.step, 6)))
    size = round(style.size - k * style.step, 3)
    if size < max(style.one_line_min, style.min_size) - EPS:
        return None
    return size, [(p, 0.0) for p in paras]


def natural(style: Style, text: str, width: float) -> tuple[float, list[tuple[str, float]]]:
    """How a text sets in a column of `width` points when its height is free (a growing row): on
    one line per paragraph down to style.one_line_min where that is given, else wrapped at full size."""
    if style.one_line_min:
        found = _one_line(style, text, width, None)
        if found:
            return found
    return style.size, wrap(style.chain, text, style.size, width)


def fit(style: Style, text: str, width: float, height: float, hang_ems: float = 0.0,
        one_line: bool = False) -> tuple[float, list[tuple[str, float]]]:
    """The largest size (style.size, stepping down by style.step, not under style.min_size) at which
    the text wraps into the box; raises NoFit. With style.one_line_min, each paragraph first keeps
    to one line, shrinking down to that size, before wrapping is tried from the full size again."""
    if style.one_line_min and not one_line and hang_ems == 0:
        found = _one_line(style, text, width, height)
        if found:
            return found
    size = style.size
    while True:
        lines = wrap(style.chain, text, size, width, hang_ems * size)
        fits = block_height(len(lines), size, style.leading) <= height + EPS
        if one_line and len(lines) > text.count("\n") + 1:
            fits = False
        if fits:
            return size, lines
        size = round(size - style.step, 3)
        if size < style.min_size - EPS:
            raise NoFit()


def fit_resume(style: Style, entries: list[str], width: float, height: float, hang_ems: float):
    """The 简历: each entry `dates  text`; the text starts at the hang (9 full-width characters) and
    its wrapped lines hang under it. Returns (size, [(dates or "", text line)]); raises NoFit."""
    size = style.size
    while True:
        hang = hang_ems * size
        lines: list[tuple[str, str]] = []
        for entry in entries:
            dates, sep, rest = entry.partition("  ")
            if not sep or text_width(style.chain, dates, size) > hang - size * 0.5:
                dates, rest = "", entry
                wrapped = wrap(style.chain, rest, size, width, hang)
                lines.extend(("", line) if not ind else ("\t", line) for line, ind in wrapped)
                continue
            wrapped = wrap(style.chain, rest.strip(), size, width - hang)
            for k, (line, _ind) in enumerate(wrapped):
                lines.append((dates if k == 0 else "\t", line))
        if block_height(len(lines), size, style.leading) <= height + EPS:
            return size, lines
        size = round(size - style.step, 3)
        if size < style.min_size - EPS:
            raise NoFit()


def place_resume(page: Page, style: Style, lines, size: float, box: tuple, hang_ems: float) -> None:
    x0, top, _w, _h = box
    y = top - size * ASCENT
    for dates, text in lines:
        if dates and dates != "\t":
            text_op(page, style, x0, y, dates, size)
        if text:
            text_op(page, style, x0 + (hang_ems * size if dates else 0.0), y, text, size)
        y -= size * style.leading


# --- emitting operations ------------------------------------------------------------------------

def text_op(page: Page, style: Style, x: float, y: float, text: str, size: float, spacing: float = 0.0,
            colour: str | None = None) -> None:
    page.ops.append(("text", x, y, tuple(style.chain.runs(text)), size, spacing, colour or style.colour))


def place_lines(page: Page, style: Style, lines: list[tuple[str, float]], size: float, box: tuple,
                align: str = "center", valign: str = "middle", colour: str | None = None) -> None:
    """Draw lines in a box (x, y_top, width, height in points; y from the page's bottom)."""
    x0, top, w, h = box
    total = block_height(len(lines), size, style.leading)
    if valign == "top":
        y = top - size * ASCENT
    elif valign == "bottom":
        y = top - h + total - size * ASCENT
    else:
        y = top - (h - total) / 2 - size * ASCENT
    for line, indent in lines:
        if line:
            lw = text_width(style.chain, line, size)
            spacing = 0.0
            if align == "left":
                x = x0 + indent
            elif align == "right":
                x = x0 + w - lw
            elif align == "spread" and len(line) > 1 and lw < w:
                spacing = (w - lw) / (len(line) - 1)
                x = x0
            else:
                x = x0 + (w - lw) / 2
            text_op(page, style, x, y, line, size, spacing, colour)
        y -= size * style.leading


def spread_text(page: Page, style: Style, text: str, size: float, centre_x: float, width: float, y: float) -> None:
    """Letters spread evenly over `width` points, centred on centre_x (a title over 87 mm)."""
    lw = text_width(style.chain, text, size)
    if len(text) > 1 and lw < width:
        spacing = (width - lw) / (len(text) - 1)  # the gaps only: the last letter ends at the right edge
        text_op(page, style, centre_x - width / 2, y, text, size, spacing)
    else:
        text_op(page, style, centre_x - lw / 2, y, text, size)


def lines_op(page: Page, segments: set, width: float) -> None:
    page.ops.append(("lines", tuple(sorted(segments)), width))


def rect_op(page: Page, x: float, y: float, w: float, h: float, fill: str, radius: float = 0.0) -> None:
    page.ops.append(("rect", x, y, w, h, fill, radius))


def image_op(page: Page, data: bytes, box: tuple, who: str) -> None:
    """An image fitted (never stretched) and centred in the box (x, y_bottom, w, h)."""
    try:
        reader = ImageReader(__import__("io").BytesIO(data))
        iw, ih = reader.getSize()
    except Exception:  # noqa: BLE001 - any unreadable image is one refusal
        raise PrintError(f"{who}的照片无法读取（不是有效的图片），请在干部档案中重新选择照片。") from None
    x, y, w, h = box
    scale = min(w / iw, h / ih)
    dw, dh = iw * scale, ih * scale
    page.ops.append(("image", reader, x + (w - dw) / 2, y + (h - dh) / 2, dw, dh))


# --- drawing ------------------------------------------------------------------------------------

def draw_page(canvas, page: Page) -> None:
    canvas.setPageSize((page.width, page.height))
    spaced = False  # Tc (character spacing) outlives BT…ET in the PDF's text state: reset it after use
    for op in page.ops:
        kind = op[0]
        if kind == "text":
            _, x, y, runs, size, spacing, colour = op
            if colour:
                canvas.setFillColor(HexColor(colour))
            t = canvas.beginText(x, y)
            if spacing or spaced:
                t.setCharSpace(spacing)
                spaced = bool(spacing)
            for fname, s in runs:
                t.setFont(fname, size)
                t.textOut(s)
            canvas.drawText(t)
            if colour:
                canvas.setFillColorRGB(0, 0, 0)
        elif kind == "lines":
            _, segs, width = op
            canvas.setLineWidth(width)
            # one path of m/l pairs, written directly: ReportLab's path object formats every number
            # through a slow pure-Python routine and this is most of a grid's drawing time
            canvas._code.append(" ".join(f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l" for x1, y1, x2, y2 in segs)
                                + " S")
        elif kind == "rect":
            _, x, y, w, h, fill, radius = op
            canvas.setFillColor(HexColor(fill))
            if radius:
                canvas.roundRect(x, y, w, h, radius, stroke=0, fill=1)
            else:
                canvas.rect(x, y, w, h, stroke=0, fill=1)
            canvas.setFillColorRGB(0, 0, 0)
        elif kind == "image":
            _, reader, x, y, w, h = op
            canvas.drawImage(reader, x, y, w, h, mask="auto")
        elif kind == "drawing":  # a ReportLab graphics drawing (the report's charts), bottom-left at x, y
            _, drawing, x, y = op
            from reportlab.graphics import renderPDF

            renderPDF.draw(drawing, canvas, x, y)
    canvas.showPage()


def missing_glyph_error(exc: MissingGlyph, who: str, field_label: str) -> PrintError:
    return PrintError(f"{who}的“{field_label}”中的字符“{exc.char}”（U+{ord(exc.char):04X}）"
                      "没有任何可用字体含有，无法打印。请在设置中指定含有该字的字体，或改用通用字。")
