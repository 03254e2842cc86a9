"""Lists out, as they are on the screen: 导出 and 打印 take exactly the rows and columns shown, in
the order shown; Ctrl+C copies the selected rows with their header; batch actions on the roster's
selection; the 统计 view; the roster's column choice survives a restart."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from PySide6.QtCore import QItemSelectionModel, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from sqlalchemy import func, select

from cadre_desktop.core.models import AuditEvent, Cadre
from cadre_desktop.core.services import cadres
from cadre_desktop.ui import common, roster_lists
from cadre_desktop.ui.list_kit import export_list, print_list, shown_columns
from cadre_desktop.ui.roster_page import RosterPage
from cadre_desktop.ui.state import AppState
from tests.printing.helpers import A4, MM, open_pdf, page_text
from conftest import settle


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def state(demo_db, demo_admin, settings):
    return AppState(db=demo_db, actor=demo_admin, settings=settings)


@pytest.fixture
def told(monkeypatch):
    said: list[str] = []
    monkeypatch.setattr(common, "inform", lambda parent, text, title="": said.append(text))
    return said


def roster(qtbot, state) -> RosterPage:
    page = RosterPage(state)
    page.setProperty("pageTitle", "干部档案")
    qtbot.addWidget(page)
    page.resize(1400, 700)
    page.show()
    settle(qtbot, page)  # its units, its list and the selected cadre are read off the GUI thread
    return page


def filtered_and_sorted(qtbot, page) -> list[int]:
    """柳溪镇's in-service cadres sorted by age (oldest first), 身份证号 shown, 单位 hidden and
    职级 dragged to the front: what the clerk sees."""
    page.unit.setCurrentIndex(page.unit.findText("柳溪镇"))
    page.status.setCurrentIndex(page.status.findText("在职"))
    settle(qtbot, page)
    page.set_columns([*(k for k, _h in cadres.ROSTER_COLUMNS if k != "unit"), "id_number"])
    header = page.table.horizontalHeader()
    col = [k for k, _h in page.model.columns].index("age")
    page.table.sortByColumn(col, Qt.SortOrder.DescendingOrder)
    settle(qtbot, page)
    rank = [k for k, _h in page.model.columns].index("rank")
    header.moveSection(header.visualIndex(rank), 0)
    with page.state.session() as s:
        flt = cadres.RosterFilter(unit_name="柳溪镇", status="在职")
        return cadres.roster_ids(s, flt, sort="age", descending=True)


def test_roster_export_holds_exactly_the_rows_and_columns_shown(qtbot, state, tmp_path, told):
    page = roster(qtbot, state)
    ids = filtered_and_sorted(qtbot, page)
    assert page.model.ids == ids and len(ids) > 5
    job = export_list(page, path=str(tmp_path / "名册.xlsx"))
    qtbot.waitUntil(lambda: job.done and bool(told), timeout=20000)
    ws = openpyxl.load_workbook(tmp_path / "名册.xlsx").active
    title = ws["A1"].value
    assert title.startswith("干部档案（柳溪镇、在职）") and f"{dt.date.today().year}年" in title
    header = [c.value for c in ws[2]]
    assert header[0] == "职级" and "单位" not in header and header[-1] == "身份证号" and "姓名" in header
    assert header == [h for _l, _k, h in shown_columns(page.table)]
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == f"A2:{ws.cell(2, len(header)).column_letter}{len(ids) + 2}"
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    with state.session() as s:
        expected = cadres.roster_rows(s, ids)
    assert [r[header.index("姓名")] for r in body] == [r["name"] for r in expected]
    assert [r[header.index("身份证号")] for r in body] == [r["id_number"] for r in expected]
    assert [r[header.index("职级")] or None for r in body] == [r["rank"] for r in expected]
    ages = [r[header.index("年龄")] for r in body]
    assert ages == sorted(ages, reverse=True) and isinstance(ages[0], int)
    assert ws.column_dimensions["A"].width >= 6 and ws.column_dimensions[
        ws.cell(2, len(header)).column_letter].width >= 18  # the ID number column fits 18 digits


def test_a_reader_exports_the_list_with_id_numbers_masked(qtbot, demo_db, settings, tmp_path, told):
    from cadre_desktop.core.services.accounts import Actor

    state = AppState(db=demo_db, actor=Actor("reader", "查阅"), settings=settings)
    with demo_db.session() as s:
        from cadre_desktop.core.services import accounts
        accounts.add_account(s, actor=Actor("admin", "管理员"), name="reader", role="查阅", password="reader123")
    page = roster(qtbot, state)
    page.set_columns(["name", "id_number", "phone"])
    shown = page.model.data(page.model.index(0, [k for k, _h in page.model.columns].index("id_number")))
    assert "********" in shown  # the screen shows it masked too
    job = export_list(page, path=str(tmp_path / "r.xlsx"))
    qtbot.waitUntil(lambda: job.done and bool(told), timeout=20000)
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    ids = [row[1].value for row in ws.iter_rows(min_row=3)]
    assert ids and all(v is None or "********" in v for v in ids)


def test_ctrl_c_copies_the_selected_rows_with_headers_as_tsv(qtbot, state):
    page = roster(qtbot, state)
    settle(qtbot, page)
    page.set_columns(["name", "sex", "unit", "post"])
    t = page.table
    t.setFocus()
    t.selectRow(0)
    t.selectionModel().select(page.model.index(2, 0), t.selectionModel().SelectionFlag.Select
                              | t.selectionModel().SelectionFlag.Rows)
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(t, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].split("\t") == ["姓名", "性别", "单位", "现任职务"]
    rows = [page.model.row(0), page.model.row(2)]
    assert [ln.split("\t") for ln in lines[1:]] == [[r["name"], r["sex"] or "", r["unit"] or "", r["post"] or ""]
                                                    for r in rows]
    # Ctrl+A then Ctrl+C: every row
    qtbot.keyClick(t, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(t, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert len(QGuiApplication.clipboard().text().splitlines()) == page.model.rowCount() + 1


def test_ctrl_c_on_a_page_kit_table(qtbot, state):
    from cadre_desktop.ui.training_page import TrainingPage

    page = TrainingPage(state)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.loads.pending, timeout=20000)
    assert page.model.rowCount() > 0
    assert page.table.selectionMode() == page.table.SelectionMode.ExtendedSelection
    page.table.selectAll()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].startswith("培训班名称\t") and len(lines) == page.model.rowCount() + 1


def select_rows(page, rows) -> None:
    sm = page.table.selectionModel()
    sm.clearSelection()
    for r in rows:
        sm.select(page.model.index(r, 0), sm.SelectionFlag.Select | sm.SelectionFlag.Rows)


def test_batch_reserve_on_the_selection_is_confirmed_once_and_audited(qtbot, state, monkeypatch):
    page = roster(qtbot, state)
    settle(qtbot, page)
    select_rows(page, [0, 1, 2])
    ids = page.selected_ids()
    with state.session() as s:
        for c in s.scalars(select(Cadre).where(Cadre.id.in_(ids))):
            c.reserve = False
        before = s.scalar(select(func.max(AuditEvent.id)))
    asked = []
    monkeypatch.setattr(roster_lists, "confirm", lambda parent, text, title="", ok="": asked.append(text) or True)
    job = roster_lists.batch_reserve(page, True)
    qtbot.waitUntil(lambda: job.answered, timeout=20000)  # a job: off the GUI thread
    assert job.error is None and page.last_batch
    assert len(asked) == 1 and "（3 人）" in asked[0] and "设为后备干部" in asked[0]
    with state.session() as s:
        assert all(c.reserve for c in s.scalars(select(Cadre).where(Cadre.id.in_(ids))))
        new = list(s.scalars(select(AuditEvent).where(AuditEvent.id > before)))
    assert len(new) == 4 and new[-1].action == "批量修改"


def test_batch_status_refuses_all_when_one_cannot_change(qtbot, state, monkeypatch):
    page = roster(qtbot, state)
    settle(qtbot, page)
    select_rows(page, [0, 1, 2, 3])
    ids = page.selected_ids()
    with state.session() as s:
        from cadre_desktop.core.values import Month
        s.get(Cadre, ids[2]).birth = Month(2001, 5)
    monkeypatch.setattr(roster_lists, "confirm", lambda *a, **k: True)
    refused = []
    monkeypatch.setattr(roster_lists, "refuse", lambda parent, e, title="": refused.append(getattr(e, "message", e)))
    job = roster_lists.batch_status(page, "退休", dt.date(2000, 3, 1))
    qtbot.waitUntil(lambda: job.answered, timeout=20000)
    assert job.error is not None
    assert refused and "均未修改" in refused[0]
    with state.session() as s:
        assert {c.status for c in s.scalars(select(Cadre).where(Cadre.id.in_(ids)))} == {"在职"}
    job = roster_lists.batch_status(page, "退休", dt.date(2024, 3, 1))
    qtbot.waitUntil(lambda: job.answered, timeout=20000)
    assert job.error is None
    with state.session() as s:
        assert {c.status for c in s.scalars(select(Cadre).where(Cadre.id.in_(ids)))} == {"退休"}


def test_list_pdf_is_landscape_with_the_header_on_every_page(qtbot, state, tmp_path, told):
    page = roster(qtbot, state)
    settle(qtbot, page)
    page.set_columns(["name", "sex", "age", "unit", "post", "id_number", "political_status"])
    job = print_list(page, path=str(tmp_path / "名册.pdf"))
    qtbot.waitUntil(lambda: job.done and bool(told), timeout=60000)
    with open_pdf((tmp_path / "名册.pdf").read_bytes()) as pdf:
        assert len(pdf.pages) >= 2
        for no, p in enumerate(pdf.pages, 1):
            assert (p.width, p.height) == pytest.approx((A4[1], A4[0]), abs=0.01)
            text = page_text(p).replace(" ", "")
            for label in ("姓名", "性别", "年龄", "单位", "现任职务", "身份证号", "政治面貌"):
                assert label in text
            assert [w for w in p.extract_words() if w["text"] == "政治面貌"][0]["top"] / MM < (45 if no == 1 else 30)
        first = page_text(pdf.pages[0]).replace(" ", "")
    assert "干部档案" in first and f"共{page.model.rowCount()}条" in first
    assert page.model.row(0)["name"] in first


def test_structure_view_counts_match_a_hand_count(qtbot, state, told, tmp_path):
    page = roster(qtbot, state)
    page.status.setCurrentIndex(page.status.findText("在职"))
    settle(qtbot, page)
    dialog = page.show_structure()
    dialog.set_by("sex")
    qtbot.waitUntil(lambda: not dialog.loads.pending, timeout=20000)  # counted off the GUI thread
    m = dialog.model
    headers = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]
    assert headers == ["单位", "男", "女", "合计"]
    got = {m.index(r, 0).data(): [m.index(r, c).data() for c in range(1, m.columnCount())]
           for r in range(m.rowCount())}
    with state.session() as s:
        people = cadres.roster_rows(s, page.model.ids)
    hand: dict[str, list[int]] = {}
    for p in people:
        line = hand.setdefault(p["unit"] or "未定单位", [0, 0, 0])
        line[0 if p["sex"] == "男" else 1] += 1
        line[2] += 1
    assert got.pop("合计") == [sum(v[i] for v in hand.values()) for i in range(3)]
    assert got == hand
    # exported like any list
    job = export_list(dialog, path=str(tmp_path / "结构.xlsx"))
    qtbot.waitUntil(lambda: job.done and bool(told), timeout=20000)
    ws = openpyxl.load_workbook(tmp_path / "结构.xlsx").active
    assert ws["A1"].value.startswith("干部结构统计表（按性别）（在职）")
    assert [c.value for c in ws[2]] == headers
    assert ws.cell(ws.max_row, 1).value == "合计" and ws.cell(ws.max_row, 4).value == len(people)
    # and printed: the count is of people, the total row in bold (黑体)
    job = print_list(dialog, path=str(tmp_path / "结构.pdf"))
    qtbot.waitUntil(lambda: job.done and len(told) == 2, timeout=30000)
    with open_pdf((tmp_path / "结构.pdf").read_bytes()) as pdf:
        text = "".join(page_text(p) for p in pdf.pages).replace(" ", "")
        last = pdf.pages[-1]
        total_chars = [c for c in last.chars if c["text"] in "合计"]
    assert f"共{len(people)}人" in text and "干部结构统计表（按性别）" in text
    assert total_chars and all("WenQuanYi" in c["fontname"] or "Hei" in c["fontname"] for c in total_chars[-2:])


def test_dialogs_opened_and_closed_leave_no_thread_or_hidden_dialog_behind(qtbot, state):
    import threading

    from cadre_desktop.ui.cadre_picker import CadrePickerDialog
    from cadre_desktop.ui.roster_lists import StructureDialog

    page = roster(qtbot, state)

    def queries() -> int:
        return sum(1 for t in threading.enumerate() if t.name.startswith("cadre-query"))

    before = queries()
    for _ in range(5):
        dialog = page.show_structure()
        qtbot.waitUntil(lambda: not dialog.loads.pending, timeout=20000)
        assert queries() == before + 1  # the dialog's own query thread, while it is open
        dialog.close()
        qtbot.waitUntil(lambda: queries() == before, timeout=10000)
        picker = CadrePickerDialog(state, "选择", page)
        qtbot.waitUntil(lambda: not picker.loads.pending, timeout=20000)
        picker.reject()  # the picker deletes itself (checked below)
        qtbot.waitUntil(lambda: queries() == before, timeout=10000)
    qtbot.waitUntil(lambda: not page.findChildren(StructureDialog) and not page.findChildren(CadrePickerDialog),
                    timeout=10000)


def test_the_column_choice_survives_a_restart_of_the_page(qtbot, state):
    page = roster(qtbot, state)
    chooser = roster_lists.ColumnChooser(list(page.model.columns), set(page.shown_keys()), page)
    chooser.set_checked(["sex", "ethnicity", "political_status", "phone"])
    page.set_columns(chooser.chosen())
    assert page.shown_keys() == ["name", "sex", "ethnicity", "political_status", "phone"]
    page.save_settings()
    page.close()
    again = roster(qtbot, state)
    assert again.shown_keys() == ["name", "sex", "ethnicity", "political_status", "phone"]
    col = [k for k, _h in again.model.columns].index("ethnicity")
    with state.session() as s:
        first = s.get(Cadre, again.model.id_at(0))
    assert again.model.data(again.model.index(0, col)) == (first.ethnicity or "")


def test_a_grouped_list_exports_each_row_with_its_group(qtbot, state, tmp_path, told):
    from cadre_desktop.ui.young_page import YoungPage

    page = YoungPage(state)
    page.setProperty("pageTitle", "年轻干部库")
    qtbot.addWidget(page)
    page.show()
    settle(qtbot, page)
    m = page.tree.model()
    assert m.rowCount() > 0
    job = export_list(page, path=str(tmp_path / "年轻.xlsx"))
    qtbot.waitUntil(lambda: job.done and bool(told), timeout=20000)
    ws = openpyxl.load_workbook(tmp_path / "年轻.xlsx").active
    assert ws["A1"].value.startswith("年轻干部库")
    header = [c.value for c in ws[2]]
    assert header[0] == "分组" and header[1:] == [m.headerData(c, Qt.Orientation.Horizontal)
                                                 for c in range(m.columnCount()) if not page.tree.isColumnHidden(c)]
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    shown = []
    for g in range(m.rowCount()):
        group = m.index(g, 0)
        for i in range(m.rowCount(group)):
            shown.append((group.data().split("（")[0], m.index(i, 0, group).data()))
    assert [(r[0], r[1]) for r in body] == shown and shown


def test_appointments_show_what_a_rank_promotion_changes(qtbot, state):
    from cadre_desktop.ui.appointments_page import AppointmentsPage

    page = AppointmentsPage(state)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.loads.pending, timeout=20000)
    keys = [k for k, _h in page.model.columns]
    assert "new_rank" in keys and page.model.headerData(keys.index("new_rank"), Qt.Orientation.Horizontal) == "新职级"
    rows = [r for r in range(page.model.rowCount())
            if page.model.data(page.model.index(r, keys.index("kind"))) == "职级晋升"]
    assert rows, "the demo county has rank promotions"
    for r in rows:
        assert page.model.data(page.model.index(r, keys.index("new_rank")))  # never a blank row


def test_quota_is_kept_per_batch_shown_again_and_printed(qtbot, state, told, tmp_path, monkeypatch):
    from cadre_desktop.core.services import honours
    from cadre_desktop.ui.commendations_page import QuotaDialog

    with state.session() as s:
        batch = honours.list_batches(s)[0]
    dialog = QuotaDialog(state, batch=batch)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.loads.pending, timeout=20000)  # the units counted
    dialog.places.setValue(30)
    dialog.weight.setValue(1.5)
    dialog.spins[0].setValue(dialog.spins[0].value() + 1)  # adjusted by hand: one too many
    refused = []
    import cadre_desktop.ui.commendations_page as cp
    monkeypatch.setattr(cp, "refuse", lambda parent, e, title="": refused.append(e.message))
    assert not dialog.save() and "多 1 个" in refused[0]
    dialog.spins[1].setValue(dialog.spins[1].value() - 1)
    assert dialog.save()
    kept = [(dialog.table.item(i, 0).text(), dialog.spins[i].value()) for i in range(dialog.table.rowCount())]
    dialog.close()

    again = QuotaDialog(state, batch=batch)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: not again.loads.pending, timeout=20000)
    assert again.places.value() == 30 and again.weight.value() == 1.5 and "已保存" in again.saved_note.text()
    assert [(again.table.item(i, 0).text(), again.spins[i].value()) for i in range(again.table.rowCount())] == kept
    with state.session() as s:
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert "名额分配" in last.label
    # printed as a table, the adjusted numbers in it
    job = print_list(again, path=str(tmp_path / "名额.pdf"))
    qtbot.waitUntil(lambda: job.done and bool(told), timeout=30000)
    with open_pdf((tmp_path / "名额.pdf").read_bytes()) as pdf:
        p = pdf.pages[0]
        assert p.width > p.height
        text = page_text(p).replace(" ", "")
    assert f"{batch['title']}名额分配" in text and "分配名额" in text and "名额30个，一线干部权重1.5" in text
    row = [w for w in p.extract_words() if w["text"] == kept[0][0]][0]
    line = sorted((w for w in p.extract_words() if abs(w["top"] - row["top"]) < 2), key=lambda w: w["x0"])
    assert line[-1]["text"] == str(kept[0][1])


def test_young_pool_has_the_roster_toolbar_and_columns(qtbot, state, monkeypatch):
    from cadre_desktop.ui.roster_page import ALL_COLUMNS
    from cadre_desktop.ui.young_page import YoungPage

    page = YoungPage(state)
    qtbot.addWidget(page)
    page.show()
    settle(qtbot, page)
    texts = [a.text() for a in page.toolbar.actions() if a.text()]
    assert texts == ["导出", "打印", "显示列", "统计", "批量"]
    m = page.tree.model()
    headers = {m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())}
    assert headers == {h for _k, h in ALL_COLUMNS}
    page.set_columns(["name", "age", "ethnicity", "id_number"])
    page.save_settings()
    again = YoungPage(state)
    qtbot.addWidget(again)
    again.show()
    settle(qtbot, again)
    assert again.shown_keys() == ["name", "age", "id_number", "ethnicity"]
    first = again.cadre_indexes()[0]
    col = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())].index("身份证号")
    assert len(first.siblingAtColumn(col).data()) == 18
    # 批量 on the pool's selection
    items = again.cadre_indexes()[:2]
    for it in items:
        again.tree.selectionModel().select(it, QItemSelectionModel.SelectionFlag.Select
                                           | QItemSelectionModel.SelectionFlag.Rows)
    ids = again.selected_ids()
    assert len(ids) == 2
    monkeypatch.setattr(roster_lists, "confirm", lambda *a, **k: True)
    job = roster_lists.batch_reserve(again, True)
    qtbot.waitUntil(lambda: job.answered, timeout=20000)
    with state.session() as s:
        assert all(s.get(Cadre, i).reserve for i in ids)
    d = again.show_structure()
    qtbot.waitUntil(lambda: not d.loads.pending and not again.loads.pending, timeout=20000)
    assert d.counts["total"] == again.pool["total"]


def test_a_page_with_two_lists_exports_the_one_worked_in(qtbot, state, tmp_path, told):
    from cadre_desktop.ui.training_page import TrainingPage

    page = TrainingPage(state)
    page.setProperty("pageTitle", "教育培训")
    qtbot.addWidget(page)
    page.show()
    page.year.setCurrentIndex(1)  # a year: the classes list is filtered
    year = page.year.currentText()
    qtbot.waitUntil(lambda: not page.loads.pending, timeout=20000)
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: not page.loads.pending, timeout=20000)
    name = page.model.row(0)["name"]
    page.att_table.setFocus()
    qtbot.waitUntil(lambda: page.att_table.hasFocus())
    job = export_list(page, path=str(tmp_path / "参训.xlsx"))
    qtbot.waitUntil(lambda: job.done and bool(told), timeout=20000)
    ws = openpyxl.load_workbook(tmp_path / "参训.xlsx").active
    assert ws["A1"].value.startswith(f"教育培训—参训人员（{name}）")
    assert [c.value for c in ws[2]] == ["姓名", "单位", "职务", "学时", "是否结业", "本年度累计学时"]
    assert ws.max_row - 2 == page.att_model.rowCount() > 0
    from cadre_desktop.ui import jobs

    qtbot.waitUntil(lambda: job not in jobs._LIVE)  # its progress dialog (shown on a slow machine) closed
    page.activateWindow()  # the window again, once that dialog has gone
    page.table.setFocus()
    qtbot.waitUntil(lambda: page.table.hasFocus())
    job = export_list(page, path=str(tmp_path / "班.xlsx"))
    qtbot.waitUntil(lambda: job.done and len(told) == 2, timeout=20000)
    ws = openpyxl.load_workbook(tmp_path / "班.xlsx").active
    assert ws["A1"].value.startswith(f"教育培训—培训班（年度：{year}）")
    assert ws.max_row - 2 == page.model.rowCount()


def test_roster_filter_of_cadres_short_of_training_hours(qtbot, state):
    from cadre_desktop.core.services import development, settings

    page = roster(qtbot, state)
    settle(qtbot, page)

    page.training_short.setChecked(True)
    settle(qtbot, page)
    year = dt.date.today().year
    with state.session() as s:
        required = settings.training_hours_required(s)
        hours = development.year_hours(s, year, page.model.ids)
        all_ids = cadres.roster_ids(s, cadres.RosterFilter())
        all_hours = development.year_hours(s, year, all_ids)
    assert all(h < required for h in hours.values())
    assert page.model.rowCount() == sum(1 for h in all_hours.values() if h < required)
    assert f"{year}年培训学时不足{required}" in page.list_filters(page.table)
