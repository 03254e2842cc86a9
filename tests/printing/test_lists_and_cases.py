"""干部花名册, 结对帮带登记表 and 容错纠错认定表 from the demo county, read back."""

from __future__ import annotations

import io

import pytest

from cadre_desktop.core.masking import mask_value
from cadre_desktop.core.printing import render_pdf
from cadre_desktop.core.services import cadres, mentoring, tolerance
from cadre_desktop.core.services.accounts import Actor
from tests.printing.helpers import A4, MM, fonts_of, open_pdf, page_text


def render(db, actor, form, params) -> tuple[bytes, int]:
    buf = io.BytesIO()
    with db.session() as s:
        result = render_pdf(s, actor=actor, form=form, params=params, out=buf)
    return buf.getvalue(), result.pages


def test_roster_is_landscape_with_the_header_on_every_page(demo_db, demo_admin):
    flt = cadres.RosterFilter(status="在职")
    with demo_db.session() as s:
        rows = cadres.roster_rows(s, cadres.roster_ids(s, flt))
    data, pages = render(demo_db, demo_admin, "roster", {"filter": flt})
    assert pages > 3 and all(e for _n, e in fonts_of(data))
    seen = []
    with open_pdf(data) as pdf:
        assert len(pdf.pages) == pages
        for no, page in enumerate(pdf.pages, 1):
            assert (page.width, page.height) == pytest.approx((A4[1], A4[0]), abs=0.01)
            text = page_text(page).replace(" ", "")
            for label in ("序号", "姓名", "出生年月", "现任职务", "干部层级"):
                assert label in text
            assert f"第{no}页共{pages}页" in text
            header = [w for w in page.extract_words() if w["text"] == "姓名"][0]
            assert header["top"] / MM < (45 if no == 1 else 30)  # at the top of every page
            seen.append(text)
    everything = "".join(seen)
    assert f"共{len(rows)}人" in everything and "范围：在职" in everything
    # every cadre, in roster order
    pos = [everything.find(r["post"] or r["name"]) for r in rows[:40]]
    assert all(p >= 0 for p in pos)
    assert everything.find(rows[0]["name"]) < everything.find(rows[-1]["name"], len(everything) // 2)


def test_roster_of_a_reader_masks_id_numbers(demo_db, tmp_path, monkeypatch):
    from cadre_desktop.core.resources import resource_path

    own = tmp_path / "data" / "forms"
    own.mkdir(parents=True)
    text = resource_path("forms", "roster.toml").read_text(encoding="utf-8")
    # the county adds a 身份证号 column to its own roster definition
    text = text.replace('label = "现任职务"\nfield = "post"\nwidth = 60', 'label = "现任职务"\nfield = "post"\nwidth = 20')
    text += '\n[[columns]]\nlabel = "身份证号"\nfield = "id_number"\nwidth = 40\n'
    (own / "roster.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("CADRE_DATA_DIR", str(tmp_path / "data"))
    flt = cadres.RosterFilter(unit_name="县委办公室")
    with demo_db.session() as s:
        rows = cadres.roster_rows(s, cadres.roster_ids(s, flt))
    idn = rows[0]["id_number"]
    data, _ = render(demo_db, Actor("reader", "查阅"), "roster", {"filter": flt})
    with open_pdf(data) as pdf:
        text = page_text(pdf.pages[0])
    assert idn not in text and mask_value(idn) in text
    data, _ = render(demo_db, Actor("admin", "管理员"), "roster", {"filter": flt})
    with open_pdf(data) as pdf:
        assert idn in page_text(pdf.pages[0])


def test_mentoring_register_groups_pairs_by_kind_with_last_talk_and_overdue(demo_db, demo_admin):
    with demo_db.session() as s:
        pairs = mentoring.list_pairs(s)
    data, pages = render(demo_db, demo_admin, "mentoring-register", {})
    with open_pdf(data) as pdf:
        text = "".join(page_text(p) for p in pdf.pages).replace(" ", "")
        red = [c for p in pdf.pages for c in p.chars if c.get("non_stroking_color") and
               tuple(round(v, 2) for v in c["non_stroking_color"]) == (0.75, 0.0, 0.0)]
    for i, kind in enumerate([k for k in mentoring.KINDS if any(p["kind"] == k for p in pairs)]):
        n = sum(1 for p in pairs if p["kind"] == kind)
        assert f"{'一二三'[i]}、{kind}（{n}对）" in text
    overdue = [p for p in pairs if p["overdue"]]
    assert overdue and red  # overdue marks in red
    for p in overdue:
        assert p["reminders"][0][1].replace(" ", "") in text
    talked = next(p for p in pairs if p["last_talk"])
    assert mentoring.day_text(talked["last_talk"]) in text
    assert f"共{len(pairs)}对，其中逾期{len(overdue)}对" in text


@pytest.mark.parametrize("colour, rgb", [("绿", (0.18, 0.49, 0.2)), ("红", (0.78, 0.16, 0.16))])
def test_tolerance_case_on_one_page_with_a_coloured_label(demo_db, demo_admin, colour, rgb):
    with demo_db.session() as s:
        case = next(c for c in tolerance.list_cases(s) if c["colour"] == colour)
        meaning = tolerance.colour_table(s)[colour]["meaning"]
    data, pages = render(demo_db, demo_admin, "tolerance-case", {"case_id": case["id"]})
    assert pages == 1
    with open_pdf(data) as pdf:
        page = pdf.pages[0]
        text = page_text(page).replace(" ", "")
        fills = [tuple(round(v, 2) for v in r["non_stroking_color"]) for r in page.rects + page.curves
                 if r.get("fill") and r.get("non_stroking_color")]
    assert "容错纠错认定表" in text and case["name"] in text and case["matter"] in text
    assert f"{colour}（{meaning}）" in text
    assert rgb in fills


def test_an_unknown_form_is_refused(demo_db, demo_admin):
    from cadre_desktop.core.printing import PrintError

    with pytest.raises(PrintError, match="没有“payroll”这种表格"):
        render(demo_db, demo_admin, "payroll", {})
