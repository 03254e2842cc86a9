"""Flowing tables (kind = "table"): rows that run over as many pages as they need, the column header
repeated on every page, optional group rows, page numbers (the 干部花名册, the 结对帮带登记表, and
later the allowance payroll)."""

from __future__ import annotations

from .definition import Definition
from .errors import MissingGlyph, PrintError
from .layout import (
    MM, NoFit, Page, Style, block_height, fit, missing_glyph_error, natural, place_lines, wrap,
)
from .render import Job

CN_NUMBERS = "一二三四五六七八九十"


def cn_index(i: int) -> str:
    """1 → 一, 11 → 十一 (group numbers)."""
    if i <= 10:
        return CN_NUMBERS[i - 1]
    if i < 20:
        return "十" + CN_NUMBERS[i - 11]
    tens, ones = divmod(i, 10)
    return CN_NUMBERS[tens - 1] + "十" + (CN_NUMBERS[ones - 1] if ones else "")


def _fmt(template: str, context: dict) -> str:
    try:
        return template.format(**context)
    except (KeyError, IndexError, ValueError) as exc:
        raise PrintError(f"表格定义中的“{template}”含有无法识别的占位符（{exc}）。") from None


def layout_table(job: Job, defn: Definition, rows: list[dict], *, context: dict, who: str,
                 groups: list[tuple[str, list[dict]]] | None = None) -> list[Page]:
    """Lay rows (dicts of field → text) out in the definition's columns. `groups`, when given,
    replaces `rows`: (group name, its rows), each group opened by a row of `group_label`."""
    d = defn.data
    styles: dict[str, Style] = job.styles(defn)
    header_style = styles[d.get("header_style", "header")]
    cell_style = styles[d.get("cell_style", "cell")]
    group_style = styles.get("group", header_style)
    pad = d.get("cell_padding", 1.0)
    line_width = d.get("line_width", 0.5)
    m = d["page"]["margins"]
    page_w, page_h = defn.page_size_mm()
    cols = d["columns"]
    widths = [c["width"] for c in cols]
    total_w = sum(widths)
    left = m["left"] + (page_w - m["left"] - m["right"] - total_w) / 2
    xs = [left]
    for w in widths:
        xs.append(xs[-1] + w)
    header_h = d.get("header_height", 10.0)
    row_min = d.get("row_height", 8.0)

    def measure(text: str, style: Style, width_mm: float) -> float:
        size, lines = natural(style, text, (width_mm - 2 * pad) * MM)
        return block_height(len(lines), size, style.leading) / MM + 2 * pad

    # items to place: ("group", label) or ("row", cells, height)
    items: list[tuple] = []
    if groups is None:
        groups = [("", rows)]
    seq = 0
    for gi, (gname, grows) in enumerate(groups, 1):
        if gname:
            label = _fmt(d.get("group_label", "{group}"), {"index": cn_index(gi), "group": gname, "count": len(grows)})
            items.append(("group", label, max(header_h, measure(label, group_style, total_w))))
        for r in grows:
            # a total row (`_total`: a subtotal or the grand total) is not numbered and is drawn in
            # the definition's "total" style when it has one
            total_row = bool(r.get("_total"))
            if not total_row:
                seq += 1
            r = dict(r, seq="" if total_row else str(seq))
            texts = [str(r.get(c["field"]) or "") for c in cols]
            row_style = "total" if total_row and "total" in styles else None
            try:
                h = max([row_min] + [measure(t, styles[row_style or c.get("style", d.get("cell_style", "cell"))],
                                             c["width"])
                                     for t, c in zip(texts, cols) if t])
            except MissingGlyph as exc:
                field = next((c["label"] for t, c in zip(texts, cols) if exc.char in t), "")
                raise missing_glyph_error(exc, f"{who}第{seq}行", field) from None
            items.append(("row", texts, h, row_style))
        if job.cancelled is not None and job.cancelled():
            from .errors import PrintCancelled
            raise PrintCancelled()
    if not items:
        items.append(("empty", d.get("empty_text", "（无记录）"), row_min))

    # paginate
    first_top = m["top"] + sum(d.get(k, {}).get("height", 0) for k in ("heading", "subtitle"))
    foot = d.get("page_number", {}).get("height", 0) + d.get("footer", {}).get("height", 0)
    bottom = page_h - m["bottom"] - foot
    pages_items: list[list[tuple]] = [[]]
    y = first_top + header_h
    body = bottom - m["top"] - header_h
    for k, item in enumerate(items):
        h = item[2]
        if h > body:
            raise PrintError(f"{who}中有一行内容太多，一页也放不下，请精简后再打印。")
        keep = h + (items[k + 1][2] if item[0] == "group" and k + 1 < len(items) else 0)
        if y + keep > bottom + 0.01 and pages_items[-1]:
            pages_items.append([])
            y = m["top"] + header_h
        pages_items[-1].append(item)
        y += h

    pages: list[Page] = []
    npages = len(pages_items)
    for pno, pitems in enumerate(pages_items, 1):
        page = job.new_page(defn)
        top = m["top"]
        ctx = dict(context, page=pno, pages=npages)
        if pno == 1:
            for key in ("heading", "subtitle"):
                spec = d.get(key)
                if spec:
                    _line(page, spec, styles, _fmt(spec.get("text", ""), ctx), left, top, total_w)
                    top += spec.get("height", 0)
        segs = set()
        try:
            # the header
            y0 = top
            for i, c in enumerate(cols):
                _cell(page, header_style, c["label"], xs[i], y0, widths[i], header_h, pad, "center", segs, who)
            y0 += header_h
            for item in pitems:
                kind = item[0]
                if kind == "row":
                    for i, c in enumerate(cols):
                        st = styles[item[3] or c.get("style", d.get("cell_style", "cell"))]
                        _cell(page, st, item[1][i], xs[i], y0, widths[i], item[2], pad, c.get("align", "center"), segs)
                else:
                    st = group_style if kind == "group" else cell_style
                    _cell(page, st, item[1], xs[0], y0, total_w, item[2], pad,
                          "left" if kind == "group" else "center", segs)
                y0 += item[2]
        except MissingGlyph as exc:
            raise missing_glyph_error(exc, who, "表头") from None
        page.ops.append(("lines", tuple(sorted(segs)), line_width))
        for key, base in (("footer", page_h - m["bottom"] - foot), ("page_number", page_h - m["bottom"]
                                                                     - d.get("page_number", {}).get("height", 0))):
            spec = d.get(key)
            if spec:
                _line(page, spec, styles, _fmt(spec.get("text", ""), ctx), left, base, total_w)
        pages.append(page)
    return pages


def _cell(page: Page, style: Style, text: str, x: float, y: float, w: float, h: float, pad: float, align: str,
          segs: set, who: str = "") -> None:
    x0, x1, y0, y1 = x * MM, (x + w) * MM, page.y(y), page.y(y + h)
    for seg in ((x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y1, x0, y0), (x1, y1, x1, y0)):
        segs.add((round(seg[0], 2), round(seg[1], 2), round(seg[2], 2), round(seg[3], 2)))
    if not text:
        return
    box = ((x + pad) * MM, y0 - pad * MM, (w - 2 * pad) * MM, (h - 2 * pad) * MM)
    try:
        size, lines = fit(style, text, box[2], box[3])
    except NoFit:
        raise PrintError(f"{who}的“{text[:20]}”在{w:g}毫米宽、{h:g}毫米高的格中缩小到{style.min_size:g}磅也放不下，"
                         "请在表格定义中加宽该列或加高行。") from None
    if len(lines) > 1 and align == "center":
        align = "left"
    place_lines(page, style, lines, size, box, align, "middle")


def _line(page: Page, spec: dict, styles: dict, text: str, left: float, top: float, width: float) -> None:
    if not text:
        return
    style = styles[spec.get("style", "title")]
    y = page.y(top + spec.get("baseline", style.size / MM))
    size = style.size
    lines = wrap(style.chain, text, size, width * MM)
    place_lines(page, style, lines, size, (left * MM, y + size * 0.86, width * MM, size), spec.get("align", "center"),
                "top")
