"""Reading printed PDFs back: fonts, text, lines and positions in mm."""

from __future__ import annotations

import io

import pdfplumber
from pypdf import PdfReader

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)


def fonts_of(data: bytes) -> list[tuple[str, bool]]:
    """(font name, embedded) for every font of every page."""
    out = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for f in (page["/Resources"].get("/Font") or {}).values():
            f = f.get_object()
            for d in f.get("/DescendantFonts", [f]):
                d = d.get_object()
                desc = d.get("/FontDescriptor")
                desc = desc.get_object() if desc is not None else {}
                embedded = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                out.append((str(d.get("/BaseFont")), embedded))
    return out


def open_pdf(data: bytes):
    return pdfplumber.open(io.BytesIO(data))


def page_text(page) -> str:
    return "".join(c["text"] for c in page.chars)


def grid_lines(page) -> tuple[list[float], list[float]]:
    """x of the vertical and y (from the top) of the horizontal lines, in mm to 0.1."""
    xs = sorted({round(ln["x0"] / MM, 1) for ln in page.lines if abs(ln["x0"] - ln["x1"]) < 0.01})
    ys = sorted({round(ln["top"] / MM, 1) for ln in page.lines if abs(ln["top"] - ln["bottom"]) < 0.01})
    return xs, ys


def word_at(page, text: str):
    """The first word (pdfplumber) equal to text, with x0/top in mm."""
    for w in page.extract_words(keep_blank_chars=False, x_tolerance=1.5):
        if w["text"] == text:
            return w["x0"] / MM, w["top"] / MM, w["x1"] / MM, w["bottom"] / MM
    raise AssertionError(f"{text!r} not on the page: {page_text(page)[:200]}")
