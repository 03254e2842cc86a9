"""Printed pages as a printer sees them: rasterised with pdftoppm, a page is not blank, the name is
ink in its cell, and a fallback character is a real glyph, not a box."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from cadre_desktop.core.printing import fonts, render_pdf
from tests.printing.helpers import MM
from tests.printing.test_appointment_form import full_cadre

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
DPI = 150


def raster(pdf: bytes, tmp_path, page: int = 1) -> Image.Image:
    src = tmp_path / "in.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page), str(src),
                    str(tmp_path / "out")], check=True)
    [png] = sorted(tmp_path.glob("out*.png"))
    img = Image.open(png).convert("L")
    png.unlink()
    return img


def ink(img: Image.Image, box_mm=None) -> float:
    """The share of dark pixels (in the box given in mm from the top left)."""
    if box_mm:
        px = DPI / 25.4
        img = img.crop(tuple(round(v * px) for v in box_mm))
    hist = img.histogram()
    return sum(hist[:128]) / max(1, sum(hist))


def test_the_form_page_is_drawn_and_the_name_is_ink(db, admin, tmp_path):
    buf = io.BytesIO()
    with db.session() as s:
        render_pdf(s, actor=admin, form="appointment-form", params={"drafts": [full_cadre(photo=None)]}, out=buf)
    page1 = raster(buf.getvalue(), tmp_path, 1)
    page2 = raster(buf.getvalue(), tmp_path, 2)
    assert page1.size == pytest.approx((210 / 25.4 * DPI, 297 / 25.4 * DPI), abs=1)
    assert 0.01 < ink(page1) < 0.2 and 0.01 < ink(page2) < 0.2  # not blank, not a black page
    top = 11.1 + 24.0
    name_cell = (40.0 + 0.6, top + 0.6, 63.0 - 0.6, top + 12.5 - 0.6)
    assert ink(page1, name_cell) > 0.03
    title = (22, 11.1, 187.8, top)
    assert ink(page1, title) > 0.02


def _glyph_ink(draw, tmp_path) -> Image.Image:
    buf = io.BytesIO()
    chain = fonts.chain("黑体")
    c = Canvas(buf, pagesize=(60 * MM, 60 * MM), initialFontName=chain.name)
    draw(c, chain)
    c.save()
    return raster(buf.getvalue(), tmp_path)


def test_a_fallback_character_is_a_glyph_not_a_box(tmp_path):
    """WenQuanYi lacks 䶮: the chain draws it from AR PL UMing; the same code point drawn straight in
    WenQuanYi gives its .notdef box — the two pictures must differ, and the glyph must be ink."""
    good = _glyph_ink(lambda c, ch: fonts.draw(c, 10 * MM, 20 * MM, "䶮", ch, 100), tmp_path)

    def notdef(c, ch):
        c.setFont(ch.name, 100)
        c.drawString(10 * MM, 20 * MM, "䶮")

    box = _glyph_ink(notdef, tmp_path)
    assert ink(good) > 0.02
    diff = sum(1 for a, b in zip(good.tobytes(), box.tobytes()) if (a < 128) != (b < 128))
    assert diff > 0.02 * good.size[0] * good.size[1]
