"""Flowing blocks (kind = "flow"): headings, paragraphs and grids placed down the page, a new page
begun where the next does not fit (the 容错纠错认定表; later the annual report)."""

from __future__ import annotations

from . import grid
from .definition import Definition
from .errors import MissingGlyph, PrintError
from .layout import MM, Page, missing_glyph_error, place_lines, spread_text, wrap
from .render import Job


def layout_flow(job: Job, defn: Definition, record: grid.Record) -> list[Page]:
    d = defn.data
    styles = job.styles(defn)
    m = d["page"]["margins"]
    page_w, page_h = defn.page_size_mm()
    width = page_w - m["left"] - m["right"]
    bottom = page_h - m["bottom"]
    padding = d.get("cell_padding", 1.0)
    line_width = d.get("line_width", 0.5)
    pages = [job.new_page(defn)]
    y = m["top"]

    def new_page() -> float:
        pages.append(job.new_page(defn))
        return m["top"]

    for block in d["blocks"]:
        kind = block["type"]
        y += block.get("space_before", 0)
        if kind == "spacer":
            y += block.get("height", 0)
            continue
        if kind == "grid":
            gplan = grid.plan(block["rows"], block["columns"], record, styles, padding)
            h = sum(gplan.heights)
            if h > bottom - m["top"]:
                raise PrintError(f"{record.who}的内容太多，一页放不下，请精简后再打印。")
            if y + h > bottom:
                y = new_page()
            left = m["left"] + (width - block["width"]) / 2
            y = grid.draw(pages[-1], gplan, record, styles, left=left, top=y, padding=padding,
                          line_width=line_width, colours=d.get("colours"))
        else:
            style = styles[block.get("style", "title" if kind == "heading" else "body")]
            text = block.get("text", "")
            if "field" in block:
                text = text + record.value(block["field"]) if text else record.value(block["field"])
            if "{" in text:
                text = text.format(**record.values)
            if not text:
                y += block.get("space_after", 0)
                continue
            try:
                if kind == "heading" and "spread" in block:
                    h = block.get("height", style.size / MM * 1.5)
                    if y + h > bottom:
                        y = new_page()
                    spread_text(pages[-1], style, text, style.size, (m["left"] + width / 2) * MM,
                                block["spread"] * MM, pages[-1].y(y + h * 0.7))
                    y += h
                else:
                    indent = block.get("indent", 0)
                    lines = wrap(style.chain, text, style.size, (width - indent) * MM)
                    lh = style.size * style.leading / MM
                    if kind == "heading" and "height" in block:
                        lh = max(lh, block["height"] / max(len(lines), 1))
                    for line, _ind in lines:
                        if y + style.size / MM > bottom:
                            y = new_page()
                        x = (m["left"] + indent) * MM
                        place_lines(pages[-1], style, [(line, 0.0)], style.size,
                                    (x, pages[-1].y(y), (width - indent) * MM, style.size),
                                    block.get("align", "left"), "top")
                        y += lh
            except MissingGlyph as exc:
                raise missing_glyph_error(exc, record.who, block.get("field", "文字")) from None
        y += block.get("space_after", 0)
    return pages
