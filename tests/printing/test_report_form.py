"""The report form (统计报表 → 打印, `cadre report --pdf`, `cadre print report`): the seed county's 2022
figures as tables by section, the four charts, the drafted text; read back from the PDF."""

from __future__ import annotations

import pytest

from cadre_desktop.cli import main
from cadre_desktop.core.db import open_database
from tests.printing.helpers import A4, fonts_of, open_pdf, page_text
from tests.report_county import build


@pytest.fixture
def county(tmp_path, monkeypatch):
    path = tmp_path / "report.sqlite3"
    assert main(["--db", str(path), "init", "--admin-password", "pw123456"]) == 0
    database = open_database(f"sqlite:///{path}")
    with database.session() as s:
        build(s)
    database.dispose()
    monkeypatch.setenv("CADRE_USER", "admin")
    monkeypatch.setenv("CADRE_PASSWORD", "pw123456")
    return ["--db", str(path)]


def test_print_report_carries_tables_charts_and_draft(county, tmp_path, capsys):
    out = tmp_path / "汇报.pdf"
    assert main([*county, "print", "report", "--year", "2022", "--out", str(out)]) == 0
    data = out.read_bytes()
    with open_pdf(data) as pdf:
        texts = [page_text(p) for p in pdf.pages]
        assert all(abs(p.width - A4[0]) < 1 and abs(p.height - A4[1]) < 1 for p in pdf.pages)
        words = [w["text"] for p in pdf.pages for w in p.extract_words()]
    text = "".join(texts)
    assert texts[0].startswith("激励干部担当作为工作情况统计") and "2022年1月1日至2022年12月31日" in texts[0]
    assert "一、干部队伍" in text and "十一、规则检查" in text
    for label, value in (("参训人次", "1300"), ("疫情防控一线干部", "720"), ("疫情防控一线干部所在单位", "55"),
                         ("乡镇津贴发放总额", "6600000.00"), ("慰问金额", "513500.00")):
        assert label + value in text.replace(" ", ""), label
    for title in ("培训参训人次（按月）", "通报表扬（按领域）", "在职干部年龄结构（期末）", "容错纠错认定（按颜色）"):
        assert title in text
    assert "工作成效（草稿）" in text and "开展各类型培训班14期，参训1300人次" in text.replace("\n", "")
    assert "1300" in words
    assert texts[-1].replace(" ", "").endswith(f"第{len(texts)}页共{len(texts)}页")
    assert fonts_of(data) and all(embedded for _name, embedded in fonts_of(data))


def test_report_pdf_option_is_the_same_form(county, tmp_path, capsys):
    out = tmp_path / "r.pdf"
    assert main([*county, "report", "--from", "2022.01.01", "--to", "2022.06.30", "--pdf", str(out)]) == 0
    with open_pdf(out.read_bytes()) as pdf:
        first = page_text(pdf.pages[0])
    assert "2022年1月1日至2022年6月30日" in first
    assert main([*county, "print", "report", "--year", "2022", "--from", "2022.01.01", "--to", "2022.02.01",
                 "--out", str(tmp_path / "x.pdf")]) == 2
    assert not (tmp_path / "x.pdf").exists()
