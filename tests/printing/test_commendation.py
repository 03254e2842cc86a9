"""表彰通报 printed in the GB/T 9704-2012 format, read back from the PDF with pdfplumber."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pdfplumber
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from cadre_desktop.core.models import Award, CommendationBatch
from cadre_desktop.core.printing import PrintError
from cadre_desktop.core.printing.commendation import doc_number_text, person_note
from cadre_desktop.core.services import cadres, honours, settings
from tests.conftest import make_id

MM = 72 / 25.4
LEFT, TOP, WIDTH, HEIGHT = 28 * MM, 37 * MM, 156 * MM, 225 * MM
RIGHT, BOTTOM = LEFT + WIDTH, TOP + HEIGHT
BODY, LEADING = 15.75, 28.95
TOL = 1 * MM
FIRST = "关于表扬2022年疫情防控工作先进集体和先进个人的通报（第一批）"


def render(session, actor, out, **params):
    from cadre_desktop.core.printing import render_pdf

    return render_pdf(session, actor=actor, form="commendation", params=params, out=out)


def is_red(colour) -> bool:
    c = tuple(colour or ())
    return len(c) == 3 and c[0] > 0.5 and c[1] < 0.2 and c[2] < 0.2


def is_black(colour) -> bool:
    c = tuple(colour or (0,))
    return all(v < 0.05 for v in c)


def lines_of(chars):
    """Characters grouped into lines by their top, top to bottom, each line left to right."""
    rows = defaultdict(list)
    for c in chars:
        rows[round(c["top"], 1)].append(c)
    return [sorted(rows[k], key=lambda c: c["x0"]) for k in sorted(rows)]


def text(line) -> str:
    return "".join(c["text"] for c in line)


def face(role: str) -> str:
    """The PostScript name of the font a role prints with (a PDF names its subset `ABCDEF+name`)."""
    from cadre_desktop.core.printing import fonts

    name = fonts.chain(role).fonts[0].face.name
    return name.decode() if isinstance(name, bytes) else name


def batch_id(session, title=FIRST) -> int:
    return session.scalar(select(CommendationBatch.id).where(CommendationBatch.title == title))


@pytest.fixture
def notice_pdf(demo_db, demo_admin, tmp_path):
    out = tmp_path / "notice.pdf"
    with demo_db.session() as s:
        bid = batch_id(s)
        result = render(s, demo_admin, out, batch_id=bid)
        names = [a.target_name for a in s.scalars(select(Award).where(Award.batch_id == bid).order_by(Award.id))]
    assert result.pages == len(PdfReader(out).pages)
    return out, names


def test_page_fonts_names_and_block(notice_pdf):
    out, names = notice_pdf
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) >= 3
        everything = ""
        for page in pdf.pages:
            assert page.width == pytest.approx(595.3, abs=1) and page.height == pytest.approx(841.9, abs=1)
            body = [c for c in page.chars if c["top"] < BOTTOM]
            assert body, f"page {page.page_number} is empty"
            for c in body:  # every character inside the 156 × 225 mm block at (28 mm, 37 mm)
                assert c["x0"] >= LEFT - TOL and c["x1"] <= RIGHT + TOL, (page.page_number, c["text"], c["x0"])
                assert c["top"] >= TOP - TOL and c["bottom"] <= BOTTOM + TOL, (page.page_number, c["text"])
            everything += "".join(text(ln) + "\n" for ln in lines_of(body))
    for name in names:
        assert name in everything, name
    assert "云党通〔2022〕12号" in everything
    assert "2022年4月18日" in everything
    assert "各乡（镇、街道）党（工）委，县直各单位党组（党委），各人" in everything  # addressee, flush left
    # every font is embedded (TrueType outlines, as subsets)
    reader = PdfReader(out)
    seen = 0
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            desc = (descendants[0].get_object() if descendants else font)["/FontDescriptor"].get_object()
            assert "/FontFile2" in desc, font["/BaseFont"]
            seen += 1
    assert seen


def test_page_numbers_below_the_block_right_on_odd_left_on_even(notice_pdf):
    out, _ = notice_pdf
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            foot = [c for c in page.chars if c["top"] > BOTTOM]
            assert text(sorted(foot, key=lambda c: c["x0"])).replace(" ", "") == f"—{page.page_number}—"
            for c in foot:
                assert c["top"] == pytest.approx(BOTTOM + 7 * MM, abs=TOL)
                assert c["size"] == pytest.approx(14, abs=0.1)
            x0, x1 = min(c["x0"] for c in foot), max(c["x1"] for c in foot)
            if page.page_number % 2:
                assert x1 == pytest.approx(RIGHT - 14, abs=TOL)
            else:
                assert x0 == pytest.approx(LEFT + 14, abs=TOL)


def test_header_title_and_colours(notice_pdf):
    out, _ = notice_pdf
    with pdfplumber.open(out) as pdf:
        first = pdf.pages[0]
        red_chars = [c for c in first.chars if is_red(c["non_stroking_color"])]
        assert text(sorted(red_chars, key=lambda c: c["x0"])) == "中共云岭县委文件"
        mark_top = min(c["top"] for c in red_chars)
        assert mark_top == pytest.approx(TOP + 35 * MM, abs=TOL)
        mark_mid = (min(c["x0"] for c in red_chars) + max(c["x1"] for c in red_chars)) / 2
        assert mark_mid == pytest.approx(LEFT + WIDTH / 2, abs=TOL)
        # the red separator: 156 mm × 0.53 mm, 4 mm below the document number
        red_rects = [r for r in first.rects if is_red(r["non_stroking_color"])]
        assert len(red_rects) == 1
        rule = red_rects[0]
        assert rule["width"] == pytest.approx(WIDTH, abs=TOL) and rule["x0"] == pytest.approx(LEFT, abs=TOL)
        assert rule["height"] == pytest.approx(0.53 * MM, abs=0.1 * MM)
        number = [ln for ln in lines_of(first.chars) if text(ln) == "云党通〔2022〕12号"][0]
        assert rule["top"] - number[0]["bottom"] == pytest.approx(4 * MM, abs=TOL)
        # document number: two blank lines below the mark, centred
        mark_bottom = max(c["bottom"] for c in red_chars)
        assert number[0]["top"] - mark_bottom > 2 * LEADING - TOL
        mid = (number[0]["x0"] + number[-1]["x1"]) / 2
        assert mid == pytest.approx(LEFT + WIDTH / 2, abs=TOL)
        # the title: 22 pt, centred, two blank lines below the separator
        title = [ln for ln in lines_of(first.chars) if ln[0]["size"] == pytest.approx(22, abs=0.1)
                 and not is_red(ln[0]["non_stroking_color"])]
        assert "".join(text(ln) for ln in title) == FIRST
        for ln in title:
            assert (ln[0]["x0"] + ln[-1]["x1"]) / 2 == pytest.approx(LEFT + WIDTH / 2, abs=TOL)
        assert title[0][0]["top"] - rule["bottom"] > 2 * LEADING - TOL
        # nothing else is red, on any page
        for page in pdf.pages:
            for c in page.chars:
                if c not in red_chars:
                    assert is_black(c["non_stroking_color"]), (page.page_number, c["text"], c["non_stroking_color"])
            if page.page_number > 1:
                assert not [r for r in page.rects if is_red(r["non_stroking_color"])]


def test_attachments_start_new_pages(notice_pdf):
    out, names = notice_pdf
    with pdfplumber.open(out) as pdf:
        starts = {}
        for page in pdf.pages:
            lines = lines_of([c for c in page.chars if c["top"] < BOTTOM])
            if text(lines[0]).startswith("附件") and len(text(lines[0])) <= 3:
                starts[text(lines[0])] = (page, lines)
        assert set(starts) == {"附件1", "附件2"}
        note = "".join(text(ln) for ln in lines_of(pdf.pages[0].chars + pdf.pages[1].chars))
        assert "附件：1.先进集体名单" in note.replace(" ", "")
        for label, (page, lines) in starts.items():
            first = lines[0]
            assert first[0]["x0"] == pytest.approx(LEFT, abs=TOL)  # top left, on line 1
            assert first[0]["size"] == pytest.approx(16, abs=0.1)
            assert first[0]["top"] == pytest.approx(TOP + (LEADING - 16) / 2, abs=TOL)
            title = lines[1]
            assert title[0]["size"] == pytest.approx(22, abs=0.1)
            assert title[0]["top"] == pytest.approx(TOP + 2 * LEADING + (LEADING - 22) / 2, abs=TOL)  # line 3
            assert (title[0]["x0"] + title[-1]["x1"]) / 2 == pytest.approx(LEFT + WIDTH / 2, abs=TOL)
        assert text(starts["附件1"][1][1]) == "先进集体名单"
        assert text(starts["附件1"][1][2]) == "一、先进集体（6个）"
        assert text(starts["附件2"][1][1]) == "先进个人名单"
        assert text(starts["附件2"][1][2]) == "二、先进个人（20名）"
        # list order is the batch's order
        listed = "".join(text(ln) for p in pdf.pages[starts["附件1"][0].page_number - 1:] for ln in lines_of(p.chars))
        positions = [listed.index(n) for n in names]
        assert positions == sorted(positions)


def test_signature_and_date_offsets(notice_pdf):
    out, _ = notice_pdf
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            lines = lines_of(page.chars)
            found = [k for k, ln in enumerate(lines) if text(ln) == "中共云岭县委"]
            if found:
                sig, date = lines[found[0]], lines[found[0] + 1]
                break
        else:
            pytest.fail("no signature")
    assert text(date) == "2022年4月18日"
    assert date[0]["x0"] - sig[0]["x0"] == pytest.approx(2 * BODY, abs=0.5)
    # the date is the longer: it sits two characters in from the right
    assert date[-1]["x1"] == pytest.approx(LEFT + 28 * BODY - 2 * BODY, abs=0.5)
    assert date[0]["top"] - sig[0]["top"] == pytest.approx(LEADING, abs=0.5)


@pytest.fixture
def own_batch(demo_db, demo_admin):
    """A batch with a long signature, a body of plain full lines, a heading, and a Tibetan woman."""
    body = ("一、基本情况\n" + "全县干部群众团结一心奋勇争先" * 6 + "\n（一）主要做法。" + "各级党组织认真落实县委部署要求" * 3)
    with demo_db.session() as s:
        unit = s.scalar(select(CommendationBatch.id))  # any batch exists: the demo is loaded
        assert unit
        woman = cadres.save_cadre(s, actor=demo_admin, allow_incomplete=True, data={
            "id_number": make_id("19880302", "024"), "name": "卓玛拉姆", "ethnicity": "藏族", "post": "驻村第一书记"})
        bid = honours.save_batch(s, actor=demo_admin, data={
            "title": "关于表扬脱贫攻坚工作先进个人的通报", "issuer": "中共云岭县委组织部和宣传部联合办公室",
            "doc_number": "云组通[2022]008号", "date": dt.date(2022, 6, 5), "body": body})
        honours.save_award(s, actor=demo_admin, batch_id=bid, data={
            "target_kind": "个人", "cadre_id": woman, "honour": "先进个人", "unit_post": "云岭县高坪乡驻村第一书记"})
        honours.save_award(s, actor=demo_admin, batch_id=bid, data={
            "target_kind": "个人", "target_name": "马小龙", "honour": "优秀共产党员"})
        honours.save_award(s, actor=demo_admin, batch_id=bid, data={
            "target_kind": "个人", "target_name": "李四", "honour": "优秀共产党员",
            "unit_post": "云岭县乡村振兴局驻高坪乡新寨村第一书记兼乡村振兴工作队队长"})
    return bid


def test_grid_full_lines_headings_and_annotation(demo_db, demo_admin, own_batch, tmp_path):
    out = tmp_path / "own.pdf"
    with demo_db.session() as s:
        render(s, demo_admin, out, batch_id=own_batch)
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        lines = lines_of([c for c in page.chars if c["top"] < BOTTOM])
        body = [ln for ln in lines if ln[0]["size"] == pytest.approx(BODY, abs=0.01)]
        # every body line sits on the grid: its top is a whole number of lines below the block's top
        for ln in body:
            k = (ln[0]["top"] - TOP - (LEADING - BODY) / 2) / LEADING
            assert abs(k - round(k)) * LEADING < 0.5, text(ln)
        # the paragraph's lines after its first, but for its last, are full: 28 characters
        full = [ln for ln in body if len(ln) > 20 and set(text(ln)) <= set("全县干部群众团结一心奋勇争先")
                and ln[0]["x0"] == pytest.approx(LEFT, abs=0.5)]
        assert len(full) == 2
        for ln in full:
            assert len(ln) == 28, text(ln)
            assert ln[-1]["x1"] - ln[0]["x0"] == pytest.approx(28 * BODY, abs=0.5)
        heading = next(ln for ln in body if text(ln) == "一、基本情况")
        assert heading[0]["x0"] == pytest.approx(LEFT + 2 * BODY, abs=0.5)  # indented two characters
        assert face("黑体") in heading[0]["fontname"] and face("仿宋") in full[0][0]["fontname"]
        second = next(ln for p in pdf.pages for ln in lines_of(p.chars) if text(ln).startswith("（一）主要做法。"))
        assert face("楷体") in [c for c in second if c["text"] == "法"][0]["fontname"]
        number = [ln for ln in lines if text(ln).startswith("云组通")][0]
        assert text(number) == "云组通〔2022〕8号"
        text_all = "\n".join(text(ln) for p in pdf.pages for ln in lines_of(p.chars))
        assert "卓玛拉姆（女，藏族）　云岭县高坪乡驻村第一书记" in text_all
        assert "马小龙\n" in text_all + "\n"  # a person not in the files: no annotation
        assert "（一）先进个人（1名）" in text_all and "（二）优秀共产党员（2名）" in text_all
        assert "一、先进个人（3名）" in text_all
        # a long entry wraps with its next line under the unit, not under the name
        lines = [ln for p in pdf.pages for ln in lines_of(p.chars)]
        k = next(i for i, ln in enumerate(lines) if text(ln).startswith("李四　"))
        unit_x = lines[k][3]["x0"]
        assert lines[k + 1][0]["x0"] == pytest.approx(unit_x, abs=0.5)
        assert text(lines[k]) + text(lines[k + 1]) == "李四　云岭县乡村振兴局驻高坪乡新寨村第一书记兼乡村振兴工作队队长"
        # one attachment: 附件 without a number
        assert "附件：先进个人名单" in text_all.replace(" ", "")
        sig = next(ln for p in pdf.pages for ln in lines_of(p.chars) if text(ln) == "中共云岭县委组织部和宣传部联合办公室")
        date = next(ln for p in pdf.pages for ln in lines_of(p.chars) if text(ln) == "2022年6月5日")
        # the signature is the longer: two characters in from the right, the date two to the right of it
        assert sig[-1]["x1"] == pytest.approx(LEFT + 26 * BODY, abs=0.5)
        assert date[0]["x0"] - sig[0]["x0"] == pytest.approx(2 * BODY, abs=0.5)


def test_letterhead_off_has_no_red_and_no_mark(demo_db, demo_admin, tmp_path):
    out = tmp_path / "plain.pdf"
    with demo_db.session() as s:
        render(s, demo_admin, out, batch_id=batch_id(s), letterhead=False)
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            assert not [c for c in page.chars if not is_black(c["non_stroking_color"])]
            assert not [r for r in page.rects if is_red(r["non_stroking_color"])]
        first = lines_of(pdf.pages[0].chars)
        everything = "".join(text(ln) for ln in first)
        assert "文件" not in everything and "〔2022〕" not in everything
        assert first[0][0]["size"] == pytest.approx(22, abs=0.1)  # the title, on line 1
        assert first[0][0]["top"] == pytest.approx(TOP + (LEADING - 22) / 2, abs=TOL)


def test_doc_number_override_and_defaults(demo_db, demo_admin, tmp_path):
    out = tmp_path / "n.pdf"
    with demo_db.session() as s:
        bid = honours.save_batch(s, actor=demo_admin, data={"title": "关于表扬优秀网格员的通报", "date": dt.date(2022, 11, 3)})
        with pytest.raises(PrintError, match="发文机关"):
            render(s, demo_admin, out, batch_id=bid)
        assert not out.exists()
        settings.put(s, actor=demo_admin, key="notice_issuer", value="中共云岭县委组织部")
        settings.put(s, actor=demo_admin, key="notice_addressee", value="各乡（镇、街道）党（工）委")
        honours.save_award(s, actor=demo_admin, batch_id=bid, data={"target_kind": "集体", "target_name": "青山镇网格站",
                                                                     "honour": "先进集体"})
        render(s, demo_admin, out, batch_id=bid, doc_number="云组通（2022）07号")
    with pdfplumber.open(out) as pdf:
        lines = [text(ln) for p in pdf.pages for ln in lines_of(p.chars)]
    assert "中共云岭县委组织部文件" in lines and "云组通〔2022〕7号" in lines
    assert "各乡（镇、街道）党（工）委：" in lines
    assert "中共云岭县委组织部" in lines and "2022年11月3日" in lines
    assert "先进集体名单" in lines and "一、先进集体（1个）" in lines
    assert any("决定对1个先进集体" in ln for ln in lines)  # the default body


def test_missing_glyph_names_the_person_and_writes_nothing(demo_db, demo_admin, tmp_path):
    out = tmp_path / "x.pdf"
    with demo_db.session() as s:
        bid = batch_id(s)
        honours.save_award(s, actor=demo_admin, batch_id=bid, data={"target_kind": "个人", "target_name": "张\U0001F600",
                                                                     "honour": "先进个人"})
        with pytest.raises(PrintError, match="张\U0001F600"):
            render(s, demo_admin, out, batch_id=bid)
    assert not out.exists()


def test_text_rules():
    assert doc_number_text("云党通[2022]012号") == "云党通〔2022〕12号"
    assert doc_number_text(" X组（2022）12号 ") == "X组〔2022〕12号"
    assert doc_number_text("") is None
    assert person_note("女", "汉族") == "（女）"
    assert person_note("男", "藏族") == "（藏族）"
    assert person_note("女", "藏族") == "（女，藏族）"
    assert person_note("男", "汉族") == "" and person_note("男", None) == ""


def test_line_breaking_keeps_punctuation_off_line_starts():
    from cadre_desktop.core.printing.definition import load
    from cadre_desktop.core.printing.notice import NO_END, NO_START, Para, Span, Typesetter

    ts = Typesetter(load("commendation").data)
    text = ("为深入贯彻落实党的二十大精神，进一步激励广大干部担当作为，" * 5 + "在COVID-19疫情防控中（第一批），“先进”。") * 3
    lines = ts.set_para(Para([Span(text)], indent=2), BODY)
    assert "".join(t.text for ln in lines for _, t in ln) == text
    for k, ln in enumerate(lines):
        assert ln[-1][0] + ln[-1][1].width <= 28 * BODY + 0.01
        if k:
            assert ln[0][1].text[0] not in NO_START, k
        if k < len(lines) - 1:
            assert ln[-1][1].text[-1] not in NO_END, k
    assert any(t.text == "COVID-19" for ln in lines for _, t in ln)  # a Latin run stays together


def test_cli_print_commendation(demo_db, demo_admin, tmp_path, monkeypatch, capsys):
    from cadre_desktop.cli import main
    from cadre_desktop.core.services import demo

    with demo_db.session() as s:  # a second notice of the same title, told apart by its number
        honours.save_batch(s, actor=demo_admin, data={"title": FIRST, "doc_number": "云党通〔2022〕99号",
                                                      "issuer": "中共云岭县委", "date": dt.date(2022, 4, 20),
                                                      "body": "特此通报。"})
    monkeypatch.setenv("CADRE_USER", demo.DEMO_USER)
    monkeypatch.setenv("CADRE_PASSWORD", demo.DEMO_PASSWORD)
    db = ["--db", demo_db.url]
    out = tmp_path / "cli.pdf"

    assert main([*db, "print", "commendation", "--batch", "没有这个通报", "--out", str(out)]) == 2
    assert "没有名称为“没有这个通报”的表彰通报" in capsys.readouterr().err
    assert main([*db, "print", "commendation", "--batch", FIRST, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "有2个" in err and "--doc" in err
    assert not out.exists()

    assert main([*db, "print", "commendation", "--batch", FIRST, "--doc", "云党通[2022]12号", "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    with pdfplumber.open(out) as pdf:
        first = "".join(text(ln) for ln in lines_of(pdf.pages[0].chars))
        assert "云党通〔2022〕12号" in first and "中共云岭县委文件" in first
    assert main([*db, "print", "commendation", "--batch", FIRST, "--doc", "云党通〔2022〕99号", "--plain",
                 "--out", str(out)]) == 0
    with pdfplumber.open(out) as pdf:
        first = "".join(text(ln) for ln in lines_of(pdf.pages[0].chars))
        assert "文件" not in first and "99号" not in first and "2022年4月20日" in first


def test_a_broken_notice_definition_names_its_line(tmp_path):
    from cadre_desktop.core.printing import FormDefinitionError
    from cadre_desktop.core.printing.definition import load
    from cadre_desktop.core.resources import resource_path

    good = resource_path("forms", "commendation.toml").read_text(encoding="utf-8")
    assert load("commendation").data["notice"]["grid"]["chars"] == 28
    lines = good.splitlines()
    for old, new, problem in (("chars = 28", "chars = 29", "超出版心宽度"),
                              ('format = "— {n} —"', 'format = "第页"', "{n}"),
                              ('red = "#E60012"', 'red = "红色"', "#RRGGBB"),
                              ("rule_gap = 4.0", "rule_gap = 4.0\nrule_colour = 1", "rule_colour")):
        row = next(i for i, ln in enumerate(lines) if ln.startswith(old)) + 1
        path = tmp_path / "commendation.toml"
        path.write_text(good.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(FormDefinitionError) as err:
            load("commendation", path=path)
        assert problem in str(err.value)
        assert err.value.line in (row, row + 1), (str(err.value), row)


def test_nothing_to_print_and_cancel_write_nothing(demo_db, demo_admin, tmp_path):
    from cadre_desktop.core.printing import PrintCancelled, render_pdf

    out = tmp_path / "c.pdf"
    with demo_db.session() as s:
        empty = honours.save_batch(s, actor=demo_admin, data={"title": "空通报", "issuer": "中共云岭县委",
                                                              "date": dt.date(2022, 5, 1)})
        with pytest.raises(PrintError, match="既没有正文，也没有表彰对象"):
            render(s, demo_admin, out, batch_id=empty)
        calls = []

        def progress(done, total, text):
            calls.append((done, total, text))

        with pytest.raises(PrintCancelled):
            render_pdf(s, actor=demo_admin, form="commendation", params={"batch_id": batch_id(s)}, out=out,
                       progress=progress, cancelled=lambda: len(calls) >= 1)
        assert calls and calls[0][1] == 3  # the notice and its two attachments
    assert not out.exists()
