"""The generic list print (form "list"): any list as the window shows it, landscape, the header
on every page, widths by content, ID numbers masked for 查阅."""

from __future__ import annotations

import io

import pytest

from cadre_desktop.core.printing import FORMS, PrintError, render_pdf
from cadre_desktop.core.printing.lists import _fill_widths
from cadre_desktop.core.services.accounts import Actor
from tests.printing.helpers import A4, MM, fonts_of, open_pdf, page_text

COLUMNS = [("name", "姓名"), ("unit", "单位"), ("id_number", "身份证号"), ("post", "现任职务")]


def rows(n):
    return [[f"干部{i:03d}", "城关镇", f"52262219900715{i:04d}"[:18], "党委副书记、镇长" if i % 3 else "科员"]
            for i in range(n)]


def render(db, actor, params) -> tuple[bytes, int]:
    buf = io.BytesIO()
    with db.session() as s:
        result = render_pdf(s, actor=actor, form="list", params=params, out=buf)
    return buf.getvalue(), result.pages


def test_a_long_list_is_landscape_with_the_header_on_every_page(db, admin):
    assert "list" in FORMS
    data, pages = render(db, admin, {"title": "干部档案", "filters": "单位：城关镇", "columns": COLUMNS,
                                     "rows": iter(rows(120))})
    assert pages >= 3 and all(e for _n, e in fonts_of(data))
    text_all = ""
    with open_pdf(data) as pdf:
        for no, page in enumerate(pdf.pages, 1):
            assert (page.width, page.height) == pytest.approx((A4[1], A4[0]), abs=0.01)
            text = page_text(page).replace(" ", "")
            for label in ("姓名", "单位", "身份证号", "现任职务"):
                assert label in text, (no, label)
            header = [w for w in page.extract_words() if w["text"] == "身份证号"][0]
            assert header["top"] / MM < (45 if no == 1 else 30)
            assert f"第{no}页共{pages}页" in text
            text_all += text
        # the widest content gets the widest column; the table fills the text block (297 - 30 mm)
        xs = sorted({round(ln["x0"] / MM, 1) for ln in pdf.pages[0].lines if abs(ln["x0"] - ln["x1"]) < 0.01})
    assert xs[0] == pytest.approx(15, abs=0.2) and xs[-1] == pytest.approx(282, abs=0.2)
    widths = [b - a for a, b in zip(xs, xs[1:])]
    assert widths[2] > widths[0] and widths[3] > widths[1]
    assert "干部档案" in text_all and "范围：单位：城关镇" in text_all and "共120条" in text_all
    assert text_all.index("干部000") < text_all.index("干部061") < text_all.index("干部119")
    assert "522622199007150001" in text_all


def test_a_reader_prints_id_numbers_masked(db, reader):
    data, _pages = render(db, reader, {"title": "干部档案", "columns": COLUMNS, "rows": rows(3)})
    with open_pdf(data) as pdf:
        text = page_text(pdf.pages[0]).replace(" ", "")
    assert "**************0001" in text and "522622199007150001" not in text


def test_nothing_to_print_is_refused(db, admin):
    with pytest.raises(PrintError, match="没有可打印的列"):
        render(db, admin, {"title": "x", "columns": [], "rows": []})


def test_widths_fill_the_room_and_short_columns_keep_their_width():
    w = _fill_widths([10, 12, 200, 300], 267, 9)
    assert sum(w) == pytest.approx(267)
    assert w[0] == pytest.approx(10) and w[1] == pytest.approx(12) and w[2] == pytest.approx(w[3])
    w = _fill_widths([10, 20], 100, 9)
    assert sum(w) == pytest.approx(100) and w[1] == pytest.approx(2 * w[0])
