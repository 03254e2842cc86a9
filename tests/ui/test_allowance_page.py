"""津贴待遇 driven as a clerk and an administrator drive it: pick a month, see the payroll and the
total, confirm it, see it stay as issued, add a standard, total a period, export the list."""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtCore import QSettings, Qt

from cadre_desktop.core.services import allowances, cadres
from cadre_desktop.core.values import Month
from cadre_desktop.ui import allowance_page
from cadre_desktop.ui.allowance_page import AllowancePage
from cadre_desktop.ui.state import AppState
from tests.core.test_allowances import county  # noqa: F401 - the fixture: two townships, six cadres
from conftest import settle


def _state(db, actor, tmp_path, name="s"):
    return AppState(db=db, actor=actor, settings=QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat))


def pick_month(qtbot, page, text: str) -> None:
    page.month_edit.setFocus()
    page.month_edit.selectAll()
    page.month_edit.insert(text)
    qtbot.keyClick(page.month_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.payroll is not None and str(page.payroll["month"]) == text
                    and not page.loads.pending, timeout=10000)


def column(model, key: str) -> list:
    col = [k for k, _h in model.columns].index(key)
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


def test_pick_a_month_see_the_payroll_and_confirm_it(qtbot, db, admin, county, tmp_path, monkeypatch, qtmodeltester):
    page = AllowancePage(_state(db, admin, tmp_path))
    qtbot.addWidget(page)
    page.show()
    pick_month(qtbot, page, "2022.07")
    assert page.total_label.text() == "2022年7月：全县 4 人，合计 3,960.00 元"
    assert column(page.payroll_model, "unit") == ["白云街道", "白云街道 小计", "青山镇", "青山镇", "青山镇", "青山镇 小计",
                                                  "全县合计"]
    assert column(page.payroll_model, "name")[1] == "1 人"
    assert column(page.payroll_model, "total") == ["1,500.00", "1,500.00", "1,060.00", "550.00", "850.00",
                                                   "2,460.00", "3,960.00"]
    assert column(page.payroll_model, "tier")[0] == "基础"
    qtmodeltester.check(page.payroll_model)
    assert "未确认" in page.status.text() and page.act_confirm.isEnabled()

    pick_month(qtbot, page, "2022.03")
    assert page.total_label.text() == "2022年3月：全县 3 人，合计 990.00 元"
    a = column(page.payroll_model, "name").index("张甲")
    assert column(page.payroll_model, "years")[a] == 7
    assert column(page.payroll_model, "tier")[a] == "二档（按基础）"  # 二档 has no standard before 2022.07

    asked = []
    monkeypatch.setattr(allowance_page, "confirm", lambda parent, text, title="", ok="": asked.append(text) or True)
    page.act_confirm.trigger()
    settle(qtbot, page)
    assert "3 人，合计 990.00 元" in asked[0] and "逐人固定保存" in asked[0] and "不能撤销" in asked[0]
    assert page.status.text().startswith("✔ 已确认发放：admin")
    assert not page.act_confirm.isEnabled()

    # A moves to a county department: March stays as issued, April follows the records
    with db.session() as s:
        cadres.save_cadre(s, actor=admin, cadre_id=county["A"], data={"unit_id": county["units"]["县财政局"]})
    page.state.changes.emit("cadre")
    settle(qtbot, page)
    assert page.total_label.text() == "2022年3月：全县 3 人，合计 990.00 元"
    page.next_button.click()
    qtbot.waitUntil(lambda: str(page.payroll["month"]) == "2022.04" and not page.loads.pending, timeout=10000)
    assert page.total_label.text() == "2022年4月：全县 2 人，合计 720.00 元"
    assert "张甲" not in column(page.payroll_model, "name")


def test_the_period_total_and_the_exported_list(qtbot, db, admin, county, tmp_path, monkeypatch):
    page = AllowancePage(_state(db, admin, tmp_path))
    qtbot.addWidget(page)
    page.period_from.setText("2022.1")
    page.period_to.setText("2022年12月")
    page.period_button.click()
    qtbot.waitUntil(lambda: page.period_job is not None and page.period_job.done
                    and page.period_button.isEnabled(), timeout=10000)
    assert "合计 30,080.00 元，发放 4 人" in page.period_result.text()
    page.period_to.setText("2021.12")
    page.period_button.click()
    qtbot.waitUntil(lambda: page.period_button.isEnabled() and bool(page.period_error.text()), timeout=10000)
    assert page.period_error.text() == "截止月份不能早于起始月份。"

    out = tmp_path / "发放表.xlsx"
    told = []
    monkeypatch.setattr(allowance_page, "inform", lambda parent, text, title="": told.append(text))
    job = page.export_to(str(out), Month(2022, 7))
    qtbot.waitUntil(lambda: bool(told), timeout=10000)
    assert job.error is None and told == [f"已导出：\n{out}"]
    ws = openpyxl.load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "2022年7月乡镇津贴发放表"
    assert rows[2][:4] == ("序号", "单位", "姓名", "身份证号")
    assert rows[3][1:3] == ("白云街道", "李乙") and rows[3][-1] == 1500
    assert rows[-1][0] == "合计（4人）" and rows[-1][-1] == 3960
    assert ws.column_dimensions["D"].width == 21


def test_a_clerk_adds_a_standard_and_cannot_confirm(qtbot, db, clerk, county, tmp_path):
    page = AllowancePage(_state(db, clerk, tmp_path))
    qtbot.addWidget(page)
    page.show()
    settle(qtbot, page)
    assert not page.act_confirm.isVisible() and page.act_new.isVisible()
    n = page.model.rowCount()
    assert n > 0
    page.act_new.trigger()
    dialog = page.dialog
    dialog.effective.setText("2023.1.1")
    dialog.tier.setValue("三档")
    dialog.base.setText("九百")
    assert not dialog.try_accept()
    assert dialog.errors["base"].text() == "月标准应为数字（元）"
    dialog.base.setText("900")
    dialog.staffing_float.setText("300")
    dialog.per_year.setText("30")
    dialog.year_cap.setText("30")
    assert dialog.try_accept()
    settle(qtbot, page)
    assert page.model.rowCount() == n + 1
    assert page.model.data(page.model.index(page.table.currentIndex().row(), 2)) == "900.00"
    with db.session() as s:
        assert allowances.rate_in_force(s, "三档", Month(2023, 1))["year_cap"] == 30


def test_a_reader_sees_and_exports_but_edits_nothing(qtbot, db, reader, county, tmp_path):
    page = AllowancePage(_state(db, reader, tmp_path))
    qtbot.addWidget(page)
    visible = {a.text() for a in page.toolbar.actions() if a.isVisible() and a.text()}
    assert visible == {"导出发放表", "打印发放表"}
    page.edit_selected()
    assert page.dialog is None


def test_print_the_month_shown(qtbot, db, admin, county, tmp_path, monkeypatch):
    page = AllowancePage(_state(db, admin, tmp_path))
    qtbot.addWidget(page)
    pick_month(qtbot, page, "2022.07")
    told = []
    monkeypatch.setattr(allowance_page, "inform", lambda parent, text, title="": told.append(text))
    out = tmp_path / "发放表.pdf"
    job = page.print_to(str(out), page.month())
    qtbot.waitUntil(lambda: job.done and bool(told), timeout=20000)
    assert job.error is None and told[0].startswith("已生成发放表（1 页）")
    from tests.printing.helpers import open_pdf, page_text

    with open_pdf(out.read_bytes()) as pdf:
        assert "合计3,960.00元" in page_text(pdf.pages[0]).replace(" ", "")
