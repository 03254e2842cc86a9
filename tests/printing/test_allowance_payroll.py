"""乡镇津贴发放表 (allowance-payroll), read back: every recipient with each part, unit subtotals, the
county total, signature line, header on every page; and `cadre print allowance-payroll`."""

from __future__ import annotations

import io

import pytest

from cadre_desktop.core.masking import mask_value
from cadre_desktop.cli import main
from cadre_desktop.core.printing import FORMS, PrintError, render_pdf
from cadre_desktop.core.services import allowances
from cadre_desktop.core.services.accounts import Actor
from cadre_desktop.core.values import Month
from tests.core.test_allowances import county  # noqa: F401 - the fixture
from tests.printing.helpers import A4, MM, fonts_of, open_pdf, page_text


def render(db, actor, month) -> tuple[bytes, int]:
    buf = io.BytesIO()
    with db.session() as s:
        result = render_pdf(s, actor=actor, form="allowance-payroll", params={"month": month}, out=buf)
    return buf.getvalue(), result.pages


def test_a_small_payroll_reads_back_row_by_row(db, admin, county):
    assert FORMS["allowance-payroll"] == "乡镇津贴发放表"
    data, pages = render(db, admin, Month(2022, 7))
    assert pages == 1 and all(e for _n, e in fonts_of(data))
    with open_pdf(data) as pdf:
        page = pdf.pages[0]
        assert (page.width, page.height) == pytest.approx((A4[1], A4[0]), abs=0.01)
        text = page_text(page).replace(" ", "")
        lines = [ln.replace(" ", "") for ln in page.extract_text().splitlines()]
    assert "2022年7月乡镇津贴发放表" in text
    assert "共4人，合计3,960.00元（未确认发放，按当前档案计算）" in text
    assert "制表人：" in text and "审核人：" in text and "第1页共1页" in text
    # 白云街道 first (unit order), 李乙: 基础 300 + 300 + 30 × 30 (capped) = 1,500
    row = next(ln for ln in lines if "李乙" in ln)
    assert row.startswith("1白云街道李乙") and row.endswith("3230300.00300.00900.001,500.00")
    assert next(ln for ln in lines if "张甲" in ln).endswith("二档行政编制2015.0377550.00300.00210.001,060.00")
    assert next(ln for ln in lines if "赵丁" in ln).startswith("4青山镇赵丁")  # subtotal rows are not numbered
    assert next(ln for ln in lines if "青山镇小计" in ln) == "青山镇小计3人1,650.00600.00210.002,460.00"
    assert next(ln for ln in lines if "全县合计" in ln) == "全县合计4人1,950.00900.001,110.003,960.00"


def test_a_confirmed_month_prints_as_issued_and_a_reader_sees_masked_ids(db, admin, county):
    with db.session() as s:
        allowances.confirm_month(s, actor=admin, month=Month(2022, 3))
        idn = allowances.payroll(s, Month(2022, 3))["lines"][0]["id_number"]
    data, _ = render(db, Actor("reader", "查阅"), "2022-03")
    with open_pdf(data) as pdf:
        text = page_text(pdf.pages[0]).replace(" ", "")
    assert "确认发放" in text and "未确认" not in text and "合计990.00元" in text
    assert idn not in text and mask_value(idn) in text
    assert "基础" in text  # 二档 had no standard of its own before 2022.07: 基础 applied


def test_the_demo_payroll_runs_over_pages_with_the_header_on_each(demo_db, demo_admin):
    with demo_db.session() as s:
        p = allowances.payroll(s, Month(2022, 7))
    data, pages = render(demo_db, demo_admin, Month(2022, 7))
    assert pages > 10
    seen = []
    with open_pdf(data) as pdf:
        for no, page in enumerate(pdf.pages, 1):
            text = page_text(page).replace(" ", "")
            header = [w for w in page.extract_words() if w["text"] == "年限补助"][0]
            assert header["top"] / MM < (40 if no == 1 else 25)
            assert f"第{no}页共{pages}页" in text and "制表人：" in text
            seen.append(text)
    everything = "".join(seen)
    assert f"全县合计{p['recipients']}人" in everything and f"{p['total']:,.2f}" in everything
    for u in p["units"]:
        assert f"{u['unit']}小计{u['count']}人" in everything
    assert all(ln["name"] in everything for ln in p["lines"])


def test_a_month_that_cannot_be_read_is_refused(db, admin):
    buf = io.BytesIO()
    with db.session() as s, pytest.raises(PrintError, match="无法识别"):
        render_pdf(s, actor=admin, form="allowance-payroll", params={"month": "七月"}, out=buf)
    assert buf.getvalue() == b""


def test_cadre_print_allowance_payroll(tmp_path, capsys, monkeypatch):
    db = ["--db", str(tmp_path / "cli.sqlite3")]
    assert main([*db, "init", "--admin-password", "pw123456", "--demo"]) == 0
    monkeypatch.setenv("CADRE_USER", "admin")
    monkeypatch.setenv("CADRE_PASSWORD", "pw123456")
    out = tmp_path / "发放表.pdf"
    capsys.readouterr()
    assert main([*db, "print", "allowance-payroll", "--month", "2022-07", "--out", str(out)]) == 0
    assert "页" in capsys.readouterr().out
    with open_pdf(out.read_bytes()) as pdf:
        assert "2022年7月乡镇津贴发放表" in page_text(pdf.pages[0]).replace(" ", "")
    assert main([*db, "print", "allowance-payroll", "--month", "2022-13", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "无效" in capsys.readouterr().err and not (tmp_path / "x.pdf").exists()
