"""Grids: fixed cells of a form (the 干部任免审批表, a 容错纠错认定表), laid out from a definition.

A grid is columns (mm) and rows (mm, fixed `height` or growing `min_height`); each row lists its
cells left to right, a cell spanning `span` columns and `rows` rows, skipping columns that a cell
from a row above still covers (as an HTML table does). A row with `repeat = N` and `list = "family"`
is N rows, the i-th showing the list's i-th item.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import MissingGlyph, PrintError
from .layout import (
    MM, NoFit, Page, Style, block_height, fit, fit_resume, image_op, missing_glyph_error, natural, place_lines,
    place_resume, rect_op, spread_text,
)


@dataclass
class Record:
    """What a grid shows of one record: texts by field name, lists of items, a photo."""

    who: str  # names the record in messages: 张三（522622199001010011）
    values: dict[str, str]
    lists: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    photo: bytes | None = None
    labels: dict[str, str] = field(default_factory=dict)  # field → Chinese name, for messages
    options: dict[str, str] = field(default_factory=dict)  # {name} in labels is replaced by these

    def value(self, name: str, item: dict | None = None) -> str:
        if "." in name and item is not None:
            v = item.get(name.split(".", 1)[1])
        else:
            v = self.values.get(name)
        return "" if v is None else str(v)

    def label(self, name: str) -> str:
        return self.labels.get(name, name)


@dataclass
class Placed:
    cell: dict
    r0: int
    r1: int  # exclusive
    c0: int
    c1: int
    item: dict | None
    field_name: str | None


@dataclass
class Plan:
    columns: list[float]  # mm
    heights: list[float]  # mm, one per physical row
    cells: list[Placed]


def plan(rows: list[dict], columns: list[float], record: Record, styles: dict[str, Style],
         padding: float) -> Plan:
    """Place the cells of a grid for one record and fix every row's height."""
    physical: list[tuple[dict, dict | None, str | None]] = []  # (row def, list item, list name)
    for row in rows:
        repeat = row.get("repeat", 1)
        lname = row.get("list")
        items = record.lists.get(lname, []) if lname else []
        if lname and len(items) > repeat:
            raise PrintError(f"{record.who}的“{record.label(lname)}”有{len(items)}项，表中只有{repeat}行，"
                             "请只保留主要的后再打印。")
        for i in range(repeat):
            physical.append((row, items[i] if lname and i < len(items) else ({} if lname else None), lname))
    placed: list[Placed] = []
    covered: dict[int, int] = {}  # column → physical row until which it is covered (exclusive)
    for r, (row, item, lname) in enumerate(physical):
        col = 0
        for cell in row["cells"]:
            while covered.get(col, 0) > r:
                col += 1
            span = cell.get("span", 1)
            nrows = cell.get("rows", 1)
            fname = cell.get("field")
            if fname and lname and not fname.startswith(lname + "."):
                fname = f"{lname}.{fname}"
            placed.append(Placed(cell, r, r + nrows, col, col + span, item, fname))
            for k in range(col, col + span):
                covered[k] = r + nrows
            col += span
    # a cell whose companion below is blank takes its row too (学历 without 学位)
    dropped = set()
    for p in placed:
        cond = p.cell.get("grow_if_blank")
        if cond and not record.value(cond, p.item).strip():
            for q in placed:
                if q.r0 == p.r1 and q.c0 >= p.c0 and q.c1 <= p.c1:
                    dropped.add(id(q))
            p.r1 += 1
    placed = [p for p in placed if id(p) not in dropped]
    heights = []
    for r, (row, _item, _l) in enumerate(physical):
        h = row.get("height")
        if h is None:  # a growing row: as tall as its tallest one-row cell needs at full size
            h = row["min_height"]
            for p in placed:
                if p.r0 == r and p.r1 == r + 1:
                    h = max(h, _needed(p, record, styles, columns, padding))
        heights.append(h)
    return Plan(columns, heights, placed)


def _text_of(p: Placed, record: Record) -> tuple[str, str]:
    """(text, what it is called in messages)."""
    cell = p.cell
    if "label" in cell:
        return cell["label"].format(**record.options) if "{" in cell["label"] else cell["label"], "标签"
    if p.field_name:
        text = record.value(p.field_name, p.item)
        if "text" in cell and text:
            text = cell["text"].format(value=text)
        return text, record.label(p.field_name)
    return cell.get("text", ""), "文字"


def _style(p: Placed, styles: dict[str, Style]) -> Style:
    return styles[p.cell.get("style") or ("label" if "label" in p.cell or "text" in p.cell and not p.field_name
                                          else "value")]


def _needed(p: Placed, record: Record, styles, columns, padding) -> float:
    text, _what = _text_of(p, record)
    if not text:
        return 0.0
    style = _style(p, styles)
    pad = p.cell.get("padding", padding)
    width = (sum(columns[p.c0:p.c1]) - 2 * pad) * MM
    size, lines = natural(style, text, width)
    return block_height(len(lines), size, style.leading) / MM + 2 * pad


def draw(page: Page, gplan: Plan, record: Record, styles: dict[str, Style], *, left: float, top: float,
         padding: float, line_width: float, colours: dict | None = None) -> float:
    """Lay the planned grid out on the page with its top-left corner at (left, top) mm from the
    page's top-left; returns the grid's bottom in mm from the top."""
    xs = [left]
    for w in gplan.columns:
        xs.append(xs[-1] + w)
    ys = [top]
    for h in gplan.heights:
        ys.append(ys[-1] + h)
    segments = set()
    for p in gplan.cells:
        x0, x1, y0, y1 = xs[p.c0] * MM, xs[p.c1] * MM, page.y(ys[p.r0]), page.y(ys[p.r1])
        for seg in ((x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y1, x0, y0), (x1, y1, x1, y0)):
            segments.add((round(seg[0], 2), round(seg[1], 2), round(seg[2], 2), round(seg[3], 2)))
        _fill(page, p, record, styles, (x0, y0, x1 - x0, y0 - y1), padding, colours or {})
    page.ops.append(("lines", tuple(sorted(segments)), line_width))
    return ys[-1]


def _fill(page: Page, p: Placed, record: Record, styles, box, padding: float, colours: dict) -> None:
    x, top, w, h = box
    cell = p.cell
    pad = cell.get("padding", padding) * MM
    if cell.get("photo"):
        if record.photo:
            image_op(page, record.photo, (x + 0.3, top - h + 0.3, w - 0.6, h - 0.6), record.who)
        return
    text, what = _text_of(p, record)
    style = _style(p, styles)
    inner = (x + pad, top - pad, w - 2 * pad, h - 2 * pad)
    footer = cell.get("footer")
    try:
        if footer:
            fstyle = styles["label"]
            flines = [(line, 0.0) for line in footer.split("\n")]
            fh = block_height(len(flines), fstyle.size, fstyle.leading)
            place_lines(page, fstyle, flines, fstyle.size,
                        (inner[0], inner[1], inner[2] - fstyle.size * 2, inner[3]), "right", "bottom")
            inner = (inner[0], inner[1], inner[2], inner[3] - fh - fstyle.size * 0.5)
        if not text:
            return
        if cell.get("resume"):
            hang = cell.get("hang", 0)
            size, lines = fit_resume(style, text.split("\n"), inner[2], inner[3], hang)
            place_resume(page, style, lines, size, inner, hang)
            return
        size, lines = fit(style, text, inner[2], inner[3])
        align = cell.get("align", "center")
        valign = cell.get("valign", "middle")
        colour = None
        if cell.get("badge"):
            fill = colours.get(record.value(p.field_name, p.item).split("（")[0]) if p.field_name else None
            if fill:
                bw = max(_line_width(style, lines, size)) + size * 1.2
                bh = block_height(len(lines), size, style.leading) + size * 0.6
                bx = inner[0] if align == "left" else inner[0] + (inner[2] - bw) / 2
                rect_op(page, bx, top - h / 2 - bh / 2, bw, bh, fill, size * 0.3)
                inner = (bx, inner[1], bw, inner[3])
                align, colour = "center", "#FFFFFF"
        place_lines(page, style, lines, size, inner, align, valign, colour)
    except NoFit:
        raise PrintError(f"{record.who}的“{what}”内容太多，即使缩小到{style.min_size:g}磅也放不下，"
                         "请精简后再打印。") from None
    except MissingGlyph as exc:
        raise missing_glyph_error(exc, record.who, what) from None


def _line_width(style: Style, lines, size) -> list[float]:
    from .layout import text_width

    return [text_width(style.chain, line, size) for line, _i in lines] or [0.0]


def heading(page: Page, spec: dict, styles: dict[str, Style], record: Record | None, *, left: float, top: float,
            width: float) -> None:
    """A title line: `text` (or a field's value) in its style, centred over `width` mm (letters
    spread over `spread` mm where given), its baseline `baseline` mm below `top`."""
    style = styles[spec.get("style", "title")]
    text = spec.get("text", "")
    if "field" in spec and record is not None:
        text = record.value(spec["field"])
    if record is not None and "{" in text:
        text = text.format(**record.values)
    if not text:
        return
    y = page.y(top + spec.get("baseline", style.size / MM))
    try:
        if "spread" in spec:
            spread_text(page, style, text, style.size, (left + width / 2) * MM, spec["spread"] * MM, y)
        else:
            size = style.size
            place_lines(page, style, [(text, 0.0)], size, (left * MM, y + size * 0.86, width * MM, size),
                        spec.get("align", "center"), "top")
    except MissingGlyph as exc:
        raise missing_glyph_error(exc, record.who if record else "表头", "标题") from None


__all__ = ["Record", "plan", "draw", "heading", "fit"]
