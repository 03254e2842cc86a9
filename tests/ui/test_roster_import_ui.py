"""文件 → 导入花名册… driven as a clerk would: the header found, a column mapped with its drop-down,
the preview, the mapping saved, the units agreed to, the import in the background; then the
roster page lists the cadres with their unit, post, 任现职务时间 and codes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from cadre_desktop.core.services import cadres
from cadre_desktop.ui.main_window import MainWindow
from cadre_desktop.ui.roster_import_dialog import RosterImportDialog
from cadre_desktop.ui.state import AppState
from tests.exchange import county_roster as cr

SHOTS = Path(os.environ["ROSTER_SHOTS"]) if os.environ.get("ROSTER_SHOTS") else None


@pytest.fixture
def state(db, clerk, tmp_path):
    return AppState(db=db, actor=clerk, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))


def open_dialog(qtbot, state, path) -> RosterImportDialog:
    dialog = RosterImportDialog(state)
    qtbot.addWidget(dialog)
    dialog.resize(1366, 768)
    dialog.show()
    dialog.load(str(path))
    qtbot.waitUntil(lambda: dialog.layout_ is not None and not dialog.loads.pending, timeout=20000)
    return dialog


def mapping_rows(dialog) -> dict[str, tuple[str, str]]:
    t = dialog.columns
    return {t.item(i, 0).text(): (t.cellWidget(i, 1).currentText(), t.item(i, 2).text()) for i in range(t.rowCount())}


def test_the_dialog_maps_previews_and_imports_a_county_roster(qtbot, state, db, admin, tmp_path):
    cr.add_units(db, admin, ("青山镇", "县农业农村局"))
    path = cr.write_xlsx(tmp_path / "乡科级干部花名册.xlsx")
    dialog = open_dialog(qtbot, state, path)

    assert "表头在第 3、4 行" in dialog.header_info.text()
    shown = mapping_rows(dialog)
    assert shown["公民身份号码"] == ("身份证号", "已识别")
    assert shown["全日制教育/学位"] == ("全日制学位", "已识别")
    assert shown["现任职务/任现职时间"] == ("任现职务时间", "已识别")
    assert shown["学历"] == ("（不导入）", "未识别")
    # the preview: real row numbers, names without the clerk's alignment spaces, months read
    preview = dialog.preview
    assert [preview.verticalHeaderItem(i).text() for i in range(preview.rowCount())] == ["5", "6", "9", "10"]
    headers = [preview.horizontalHeaderItem(j).text() for j in range(preview.columnCount())]
    assert preview.item(0, headers.index("姓名")).text() == "张国强"
    assert preview.item(3, headers.index("出生年月")).text() == "1995.09"
    # as stored: short forms folded, months as 1985.03
    assert preview.item(0, headers.index("民族")).text() == "汉族"
    assert preview.item(1, headers.index("政治面貌")).text() == "中共党员"
    assert preview.item(0, headers.index("出生年月")).text() == "1985.03"
    assert "红旗街道（街道）" in dialog.units_label.text() and dialog.units_box.isVisible()

    # the clerk maps the unrecognised 学历 column and saves the mapping
    dialog.set_mapping("学历", "在职学历")
    assert mapping_rows(dialog)["学历"] == ("在职学历", "已指定")
    assert dialog.loads.is_pending("preview") and dialog.loads.is_pending("counts")  # read off the GUI thread
    qtbot.waitUntil(lambda: not dialog.loads.pending, timeout=20000)
    assert dialog.status.text().startswith("花名册共 4 行干部数据，跳过 4 行")
    assert "在职学历" in [preview.horizontalHeaderItem(j).text() for j in range(preview.columnCount())]
    saved = tmp_path / "对应.json"
    dialog.save_mapping(str(saved))
    assert json.loads(saved.read_text("utf-8"))["columns"]["学历"] == "在职学历"
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        dialog.grab().save(str(SHOTS / "roster_import_mapping.png"))

    # without agreeing to the new unit: refused, nothing written
    job = dialog.start(dry_run=False)
    qtbot.waitUntil(lambda: job.done and dialog.result is not None, timeout=20000)
    assert not dialog.result.result.ok
    assert "未写入任何数据" in dialog.status.text()
    cells = [[dialog.problems.item(i, j).text() for j in range(4)] for i in range(dialog.problems.rowCount())]
    assert ["花名册", "10", "现工作单位", "单位“红旗街道”不存在（系统和“单位”表中都没有）"] in cells
    with db.session() as s:
        assert cadres.roster_count(s, cadres.RosterFilter()) == 0

    # agreeing: imported
    dialog.result = None
    dialog.create_units.setChecked(True)
    job = dialog.start(dry_run=False)
    qtbot.waitUntil(lambda: job.done and dialog.result is not None, timeout=20000)
    assert dialog.result.result.ok, [str(p) for p in dialog.result.result.errors]
    assert "导入完成" in dialog.status.text() and "干部: 新增 4" in dialog.status.text()
    assert "新建单位：红旗街道" in dialog.status.text()
    if SHOTS:
        dialog.grab().save(str(SHOTS / "roster_import_result.png"))

    with db.session() as s:
        rows = {r["name"]: r for r in cadres.roster_rows(s, cadres.roster_ids(s, cadres.RosterFilter()))}
        zhang = cadres.get_cadre(s, rows["张国强"]["id"])
        zhao = cadres.get_cadre(s, rows["赵丽"]["id"])
    assert set(rows) == {"张国强", "李晓梅", "王建华", "赵丽"}
    assert (rows["张国强"]["unit"], rows["张国强"]["post"], str(rows["张国强"]["post_since"])) == \
        ("青山镇", "党委副书记、镇长", "2021.09")
    assert (rows["王建华"]["unit"], str(rows["王建华"]["rank_since"]), rows["王建华"]["level"]) == \
        ("县农业农村局", "2020.06", "一般干部")
    assert rows["赵丽"]["unit"] == "红旗街道"
    assert (zhang["ethnicity"], zhang["political_status"], zhang["ft_degree"], zhang["ip_education_text"]) == \
        ("汉族", "中共党员", "学士", "中央党校大学")
    assert (zhao["political_status"], str(zhao["birth"])) == ("共青团员", "1995.09")


def test_a_saved_mapping_is_loaded_and_the_roster_page_filters_by_years_in_rank(qtbot, state, db, admin, tmp_path):
    cr.add_units(db, admin)
    path = cr.write_xls(tmp_path / "花名册.xls")
    mapping = tmp_path / "对应.json"
    mapping.write_text(json.dumps({"columns": {"学历": "在职学历", "档案编号": None}}, ensure_ascii=False), "utf-8")
    window = MainWindow(state)
    qtbot.addWidget(window)
    file_menu = window.menuBar().actions()[0].menu()
    assert "导入花名册…" in [a.text() for a in file_menu.actions()]
    dialog = open_dialog(qtbot, state, path)
    dialog.load_mapping(str(mapping))
    assert mapping_rows(dialog)["学历"] == ("在职学历", "已指定")
    assert mapping_rows(dialog)["档案编号"] == ("（不导入）", "已指定")
    assert not dialog.units_box.isVisible()
    job = dialog.start(dry_run=False)
    qtbot.waitUntil(lambda: job.done and dialog.result is not None, timeout=20000)
    assert dialog.result.result.ok, [str(p) for p in dialog.result.result.errors]

    page = window.roster
    window.show()
    window.show_page("干部档案")  # the roster, refreshed when shown after the import
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=20000)
    keys = [k for k, _ in cadres.ROSTER_COLUMNS]
    names = {page.model.row(i)["name"]: i for i in range(page.model.rowCount())}
    row = names["李晓梅"]
    assert page.model.index(row, keys.index("post_since")).data() == "2022.03"
    assert page.model.index(row, keys.index("rank")).data() == "副科级"
    # 任现职级满 N 年: 张国强 (2021.09), 王建华 (2020.06), 赵丽 (2021.07), 李晓梅 (2022.03): N large enough
    # to leave only the earliest
    import datetime as dt

    from cadre_desktop.core.values import Month, whole_years

    years = whole_years(Month(2020, 6), dt.date.today())
    page.rank_years.setValue(years)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.model.row(0)["name"] == "王建华", timeout=20000)
    page.rank_years.setValue(0)
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=20000)
