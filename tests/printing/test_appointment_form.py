"""干部任免审批表: the grid of printing.md to a tenth of a millimetre, every field's text, the
photo, the age rule, the resume stepping down, refusals before anything is written."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from cadre_desktop.core.masking import mask_value
from cadre_desktop.core.printing import FORMS, PrintCancelled, PrintError, render_each, render_pdf
from cadre_desktop.core.services import cadres
from cadre_desktop.core.services.accounts import Actor
from cadre_desktop.core.values import Month
from tests.conftest import make_id

from tests.printing.helpers import A4, MM, fonts_of, grid_lines, open_pdf, page_text, word_at


def _photo() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (413, 516), (200, 30, 30)).save(buf, "JPEG")
    return buf.getvalue()


def full_cadre(**over) -> dict:
    data = {
        "id_number": make_id("19850315", "013"), "name": "欧阳晓峰", "ethnicity": "苗族", "native_place": "贵州凯里",
        "birthplace": "贵州台江", "political_status": "中共党员", "party_joined": Month(2008, 6),
        "work_started": Month(2009, 7), "health": "健康", "title": "经济师", "specialty": "农村经济管理",
        "ft_education_text": "大学", "ft_degree": "管理学学士", "ft_school": "贵州大学农学院农业经济管理专业",
        "ip_education_text": "研究生", "ip_degree": "", "ip_school": "中央党校经济管理专业",
        "level": "副科级", "post": "青山镇党委副书记、镇长", "proposed_post": "白鹭镇党委书记",
        "proposed_removal": "青山镇镇长职务", "appointment_reason": "工作需要", "reporting_unit": "中共云岭县委组织部",
        "form_filler": "李文", "age_date": dt.date(2022, 6, 15), "photo": _photo(),
        "resumes": [{"start": Month(2005, 9), "end": Month(2009, 7), "text": "贵州大学农学院农业经济管理专业学习"},
                    {"start": Month(2009, 7), "end": None, "text": "青山镇党政办科员"}],
        "rewards": [{"date": dt.date(2019, 12, 20), "kind": "奖励", "text": "被评为全县优秀共产党员", "approver": "中共云岭县委"}],
        "appraisals": [{"year": 2019, "result": "称职"}, {"year": 2020, "result": "优秀"}, {"year": 2021, "result": "优秀"}],
        "family": [{"relation": "妻子", "name": "王丽", "birth": Month(1987, 2), "political_status": "群众", "work": "青山镇中心小学教师"},
                   {"relation": "父亲", "name": "欧阳山", "birth": Month(1955, 8), "political_status": "中共党员", "work": "已去世"}],
    }
    data.update(over)
    return data


@pytest.fixture
def cadre(db, admin, unit_id):
    with db.session() as s:
        return cadres.save_cadre(s, actor=admin, data=dict(full_cadre(), unit_id=unit_id))


def render(db, actor, params, **kw) -> tuple[bytes, object]:
    buf = io.BytesIO()
    with db.session() as s:
        result = render_pdf(s, actor=actor, form="appointment-form", params=params, out=buf, **kw)
    return buf.getvalue(), result


def test_forms_are_listed():
    assert FORMS["appointment-form"] == "干部任免审批表"
    assert {"roster", "mentoring-register", "tolerance-case"} <= set(FORMS)


def test_two_a4_pages_with_every_font_embedded(db, admin, cadre):
    data, result = render(db, admin, {"cadre_ids": [cadre]})
    assert result.pages == 2 and result.path is None
    with open_pdf(data) as pdf:
        assert len(pdf.pages) == 2
        for page in pdf.pages:
            assert (page.width, page.height) == pytest.approx(A4, abs=0.01)
    fonts = fonts_of(data)
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    assert not any("Helvetica" in name or "STSong" in name for name, _e in fonts)


def test_page_one_grid_to_a_tenth_of_a_millimetre(db, admin):
    data, _ = render(db, admin, {"drafts": [full_cadre(ip_degree="管理学硕士")]})
    with open_pdf(data) as pdf:
        page = pdf.pages[0]
        xs, ys = grid_lines(page)
        # left margin 22, columns 13.8 | 4.2 | 23.0 | 18.8 | 23.0 | 23.2 | 23.5 | 36.3 (165.8 wide)
        assert xs == [22.0, 35.8, 40.0, 63.0, 81.8, 104.8, 128.0, 151.5, 187.8]
        top = ys[0]
        heights = [round(b - a, 1) for a, b in zip(ys, ys[1:])]
        # 12.5 / 12.2 / 12.0 / 12.5, 4 × 6.1, 12.5 × 3, 简历 125.8
        assert heights == [12.5, 12.2, 12.0, 12.5, 6.1, 6.1, 6.1, 6.1, 12.5, 12.5, 12.5, 125.8]
        assert top == pytest.approx(11.1 + 24.0, abs=0.05)
        # the title: 24 pt, its letters spread over 87 mm, centred over the table
        chars = [c for c in page.chars if c["text"] in "干部任免审批表" and c["size"] > 20]
        assert len(chars) == 7 and chars[0]["size"] == pytest.approx(24)
        x0, x1 = chars[0]["x0"] / MM, chars[-1]["x1"] / MM
        assert x1 - x0 == pytest.approx(87.0, abs=0.2)
        assert (x0 + x1) / 2 == pytest.approx(22 + 165.8 / 2, abs=0.2)
        # the photo fills the 36.3 × 49.2 box at the right of the first four rows
        [img] = page.images
        assert img["x0"] / MM >= 151.5 and img["x1"] / MM <= 187.8
        assert img["top"] / MM >= top and img["bottom"] / MM <= top + 49.2 + 0.01
        assert (img["x1"] - img["x0"]) / MM == pytest.approx(36.3 - 0.2, abs=0.3)  # 4:5 photo, width-bound
        # labels sit in their cells
        x, y, _x1, _y1 = word_at(page, "欧阳晓峰")
        assert 40.0 < x < 63.0 and top < y < top + 12.5


def test_a_blank_degree_lets_the_education_take_both_sub_rows(db, admin, cadre):
    data, _ = render(db, admin, {"cadre_ids": [cadre]})  # 在职学位 blank, 全日制学位 given
    with open_pdf(data) as pdf:
        page = pdf.pages[0]
        _xs, ys = grid_lines(page)
        heights = [round(b - a, 1) for a, b in zip(ys, ys[1:])]
        assert heights[4:7] == [6.1, 6.1, 12.2]
        x, y, _x1, _y1 = word_at(page, "研究生")
        assert y > ys[6] and y + 4.2 < ys[7] and ys[7] - ys[6] == pytest.approx(12.2, abs=0.05)
        assert 63.0 < x < 104.8
        # the lines between 学历 and 学位 exist only where 学位 is given
        mid = [ln for ln in page.lines if abs(ln["top"] / MM - ys[5]) < 0.05 and abs(ln["top"] - ln["bottom"]) < 0.01]
        assert mid


def test_page_two_grid(db, admin, cadre):
    data, _ = render(db, admin, {"cadre_ids": [cadre]})
    with open_pdf(data) as pdf:
        page = pdf.pages[1]
        xs, ys = grid_lines(page)
        # left 21, 13.1 label, 称谓 19.3 / 姓名 22.5 / 出生年月 20.2 / 政治面貌 15.0 / 工作单位及职务 76.2
        assert [21.0, 34.1, 53.4, 75.9, 96.1, 111.1, 187.3] == [x for x in xs if x != 124.2]
        assert ys[0] == pytest.approx(28.6, abs=0.05)
        heights = [round(b - a, 1) for a, b in zip(ys, ys[1:])]
        assert heights[:4] == [25.0, 18.0, 24.0, 11.4]
        assert heights[4:11] == [12.3] * 7
        assert heights[11:] == [23.5 + 13.0, 35.6]  # 呈报单位 with its 年 月 日 row, then the two 意见
        text = page_text(page)
        for label in ("奖惩情况", "年度考核结果", "任免理由", "称谓", "出生年月", "政治面貌", "工作单位及职务",
                      "呈报单位", "审批机关意见", "行政机关任免意见", "（盖章）", "填表人：李文"):
            assert label.replace("  ", "") in text.replace(" ", "").replace("\n", ""), label


def test_every_field_is_printed(db, admin, cadre):
    data, _ = render(db, admin, {"cadre_ids": [cadre]})
    with open_pdf(data) as pdf:
        text = "".join(page_text(p) for p in pdf.pages).replace(" ", "")
    d = full_cadre()
    for key in ("name", "ethnicity", "native_place", "birthplace", "health", "title", "specialty", "ft_education_text",
                "ft_degree", "ft_school", "ip_education_text", "ip_school", "post", "proposed_post",
                "proposed_removal", "appointment_reason", "reporting_unit"):
        assert d[key] in text, key
    # 出生年月 with the age at 计算年龄时间 (2022.06: born 1985.03 → 37)
    assert "1985.03（37岁）" in text
    assert "2008.06" in text and "2009.07" in text
    assert "2005.09--2009.07贵州大学农学院农业经济管理专业学习" in text
    assert "2009.07--青山镇党政办科员" in text
    assert "2019.12被评为全县优秀共产党员（中共云岭县委）" in text
    assert "2019年度考核称职；2020、2021年度考核优秀。" in text
    assert "妻子王丽1987.02群众青山镇中心小学教师" in text
    assert "父亲欧阳山1955.08中共党员已去世" in text


def test_the_family_column_can_be_age(db, admin, cadre, tmp_path, monkeypatch):
    from cadre_desktop.core.resources import resource_path

    own = tmp_path / "data" / "forms"
    own.mkdir(parents=True)
    text = resource_path("forms", "appointment-form.toml").read_text(encoding="utf-8")
    (own / "appointment-form.toml").write_text(text.replace('family_third = "出生年月"', 'family_third = "年龄"'),
                                                encoding="utf-8")
    monkeypatch.setenv("CADRE_DATA_DIR", str(tmp_path / "data"))
    data, _ = render(db, admin, {"cadre_ids": [cadre]})
    with open_pdf(data) as pdf:
        page = pdf.pages[1]
        text = page_text(page).replace(" ", "")
        xs, _ys = grid_lines(page)
    assert "年龄" in text and "妻子王丽35群众" in text  # 1987.02 → 35 at 2022.06
    assert "父亲欧阳山中共党员已去世" in text  # no age for a member who has died
    assert 75.9 + 10.1 == pytest.approx([x for x in xs if 80 < x < 90][0], abs=0.05)  # 年龄 10.1 mm


def test_a_long_resume_steps_down_and_keeps_every_line(db, admin, unit_id):
    resumes = [{"start": Month(1990 + i // 2, 1 + (i % 2) * 6), "end": Month(1990 + (i + 1) // 2, 1 + ((i + 1) % 2) * 6),
                "text": f"第{i + 1}段经历：云岭县青山镇党政办科员" + "、驻村工作队员" * (i % 3)}
               for i in range(30)]
    with db.session() as s:
        cid = cadres.save_cadre(s, actor=admin, data=dict(full_cadre(resumes=resumes), unit_id=unit_id))
    data, _ = render(db, admin, {"cadre_ids": [cid]})
    with open_pdf(data) as pdf:
        page = pdf.pages[0]
        text = page_text(page).replace(" ", "")
        sizes = {round(c["size"], 1) for c in page.chars if c["top"] / MM > 160}
    for item in resumes:
        assert item["text"].replace(" ", "")[:12] in text
    assert "第30段经历" in text
    assert max(sizes) < 14 and min(sizes) >= 8  # stepped down, never under 8 pt


def test_a_resume_that_cannot_fit_is_refused_naming_cadre_and_field(db, admin, unit_id, tmp_path):
    resumes = [{"start": Month(1960 + i // 12, 1 + i % 12), "end": None, "text": "很长的经历" * 12} for i in range(90)]
    with db.session() as s:
        cid = cadres.save_cadre(s, actor=admin, data=dict(full_cadre(resumes=resumes), unit_id=unit_id))
        out = tmp_path / "out.pdf"
        with pytest.raises(PrintError) as err:
            render_pdf(s, actor=admin, form="appointment-form", params={"cadre_ids": [cid]}, out=out)
    assert "欧阳晓峰" in err.value.message and "简历" in err.value.message and "8磅" in err.value.message
    assert not out.exists() and not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".printing-*"))


def test_more_than_seven_family_members_is_refused(db, admin, unit_id):
    family = [{"relation": "兄弟", "name": f"欧阳{i}", "birth": None, "political_status": "群众", "work": "务农"}
              for i in range(8)]
    with db.session() as s:
        cid = cadres.save_cadre(s, actor=admin, data=dict(full_cadre(family=family), unit_id=unit_id))
    with pytest.raises(PrintError, match="欧阳晓峰.*家庭主要成员及重要社会关系.*8项.*7行"):
        render(db, admin, {"cadre_ids": [cid]})


def test_a_character_no_font_has_is_refused_naming_it(db, admin, cadre):
    draft = full_cadre(name="张𠀀")
    with pytest.raises(PrintError) as err:
        render(db, admin, {"drafts": [draft]})
    assert "𠀀" in err.value.message and "张𠀀" in err.value.message and "姓名" in err.value.message


def test_a_rare_name_character_is_drawn_from_a_fallback_font(db, admin):
    data, _ = render(db, admin, {"drafts": [full_cadre(name="刘䶮")]})
    with open_pdf(data) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["text"] in "刘䶮"]
    assert {c["text"] for c in chars} == {"刘", "䶮"}
    assert all(embedded for _n, embedded in fonts_of(data))


def test_drafts_print_the_unsaved_record(db, admin):
    data, _ = render(db, admin, {"drafts": [full_cadre(name="未保存", post="草稿职务")]})
    with open_pdf(data) as pdf:
        assert "未保存" in page_text(pdf.pages[0]) and "草稿职务" in page_text(pdf.pages[0])


def test_a_batch_keeps_the_given_order_and_reports_progress(db, admin, unit_id):
    with db.session() as s:
        ids = [cadres.save_cadre(s, actor=admin, data=dict(full_cadre(id_number=make_id("19850315", f"{n:02d}1"), name=name,
                                                                     photo=None), unit_id=unit_id))
               for n, name in enumerate(["甲一", "乙二", "丙三"], 1)]
    seen = []
    data, result = render(db, admin, {"cadre_ids": [ids[2], ids[0], ids[1]]}, progress=lambda d, t, x: seen.append((d, t)))
    assert result.pages == 6
    with open_pdf(data) as pdf:
        names = [n for p in pdf.pages[::2] for n in ("甲一", "乙二", "丙三") if n in page_text(p)]
    assert names == ["丙三", "甲一", "乙二"]
    assert seen and seen[-1][0] == seen[-1][1]


def test_cancel_writes_nothing(db, admin, cadre, tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    calls = []

    def cancelled():  # the clerk presses 取消 after the first record
        calls.append(1)
        return len(calls) > 1

    with db.session() as s:
        with pytest.raises(PrintCancelled):
            render_pdf(s, actor=admin, form="appointment-form", params={"cadre_ids": [cadre, cadre]},
                       out=out_dir / "x.pdf", cancelled=cancelled)
    assert list(out_dir.iterdir()) == []


def test_a_reader_can_print_and_a_path_is_written(db, reader, cadre, tmp_path):
    out = tmp_path / "sub" / "审批表.pdf"
    with db.session() as s:
        result = render_pdf(s, actor=reader, form="appointment-form", params={"cadre_ids": [cadre]}, out=out)
    assert result.path == out and out.read_bytes().startswith(b"%PDF")


def test_render_each_names_files(db, admin, unit_id, tmp_path):
    with db.session() as s:
        a = cadres.save_cadre(s, actor=admin, data=dict(full_cadre(id_number=make_id("19850315", "021"), name="王强",
                                                                   photo=None), unit_id=unit_id))
        b = cadres.save_cadre(s, actor=admin, data=dict(full_cadre(id_number=make_id("19860315", "031"), name="王强",
                                                                   photo=None), unit_id=unit_id))
        c = cadres.save_cadre(s, actor=admin, data=dict(full_cadre(id_number=make_id("19870315", "041"), name="李/明",
                                                                   photo=None), unit_id=unit_id))
        paths = render_each(s, actor=admin, cadre_ids=[a, b, c], out_dir=tmp_path / "each")
    ida, idb = make_id("19850315", "021"), make_id("19860315", "031")
    assert [p.name for p in paths] == [f"王强_{ida[-4:]}.pdf", f"王强_{idb[-4:]}.pdf", "李_明.pdf"]
    with open_pdf(paths[2].read_bytes()) as pdf:
        assert len(pdf.pages) == 2 and "李/明" in page_text(pdf.pages[0])


def test_render_each_checks_everyone_before_writing(db, admin, unit_id, tmp_path):
    family = [{"relation": "兄弟", "name": f"某{i}", "birth": None, "political_status": "群众", "work": "务农"}
              for i in range(9)]
    with db.session() as s:
        a = cadres.save_cadre(s, actor=admin, data=dict(full_cadre(id_number=make_id("19850315", "051"), name="先打",
                                                                   photo=None), unit_id=unit_id))
        b = cadres.save_cadre(s, actor=admin, data=dict(full_cadre(id_number=make_id("19850315", "061"), name="后错",
                                                                   photo=None, family=family), unit_id=unit_id))
        with pytest.raises(PrintError, match="后错"):
            render_each(s, actor=admin, cadre_ids=[a, b], out_dir=tmp_path / "each")
    assert not (tmp_path / "each").exists() or not list((tmp_path / "each").iterdir())


def test_a_reader_sees_masked_id_numbers_in_messages(db, reader, admin, unit_id):
    family = [{"relation": "兄弟", "name": f"某{i}", "birth": None, "political_status": "群众", "work": "务农"}
              for i in range(8)]
    idn = make_id("19850315", "071")
    with db.session() as s:
        cid = cadres.save_cadre(s, actor=admin, data=dict(full_cadre(id_number=idn, family=family), unit_id=unit_id))
    with pytest.raises(PrintError) as err:
        render(db, reader, {"cadre_ids": [cid]})
    assert idn not in err.value.message and mask_value(idn) in err.value.message
    with pytest.raises(PrintError) as err:
        render(db, Actor("admin", "管理员"), {"cadre_ids": [cid]})
    assert idn in err.value.message


def test_render_each_cancelled_while_writing_leaves_no_files(db, admin, unit_id, tmp_path):
    with db.session() as s:
        ids = [cadres.save_cadre(s, actor=admin, data=dict(full_cadre(id_number=make_id("19850315", f"{n}81"),
                                                                     name=f"批量{n}", photo=None), unit_id=unit_id))
               for n in range(3)]
        state = {"written": 0}

        def progress(done, total, text):
            if text.startswith("写入"):
                state["written"] += 1

        with pytest.raises(PrintCancelled):
            render_each(s, actor=admin, cadre_ids=ids, out_dir=tmp_path / "each", progress=progress,
                        cancelled=lambda: state["written"] >= 2)
    assert state["written"] == 2 and list((tmp_path / "each").iterdir()) == []
