"""The interchange workbook: all-or-nothing checking, messages that say where, formula-safe
export, size limits, the template."""

import zipfile

import openpyxl
import pytest

from cadre_desktop.core.exchange import exporter, importer
from cadre_desktop.core.exchange.workbook import WorkbookSource
from cadre_desktop.core.services import audit, cadres
from cadre_desktop.core.values import ID_CHECK_FAILED, DomainError, Month

from conftest import import_xlsx as run
from conftest import make_id
from conftest import write_xlsx as write




UNITS = [["单位名称", "单位类别", "津贴档次"], ["青山镇", "乡镇", "二档"], ["县财政局", "县直部门", None]]


def test_every_problem_is_reported_with_sheet_row_column_and_nothing_is_written(db, admin, tmp_path):
    good, other = make_id("19900715", "001"), make_id("19850301", "012")
    path = write(tmp_path / "w.xlsx", {
        "单位": UNITS + [["绿水乡", "村委会", None]],
        "干部": [
            ["身份证号", "姓名", "工作单位", "干部层级", "性别", "出生年月", "后备干部"],
            [good, "甲", "青山镇", "副科级", None, None, "是"],
            [good[:17] + "0" if good[17] != "0" else good[:17] + "1", "乙", "青山镇", "副科级", None, None, None],
            [other, "丙", "不存在局", "正科级", "男", None, None],
            [make_id("19920101", "023"), "丁", "县财政局", "科长", None, 1992.13, "可能"],
            [good, "甲二", "青山镇", "副科级", None, None, None],
        ],
        "简历": [["身份证号", "起始年月", "经历"], [make_id("19700101", "031"), "2001.09", "学习"]],
    })
    result = run(db, admin, path)
    messages = [str(p) for p in result.errors]
    assert "单位!4 单位类别: “村委会”不在可选值中，应为：乡镇 / 街道 / 县直部门 / 其他" in messages
    assert f"干部!3 身份证号: {ID_CHECK_FAILED}" in messages
    assert "干部!4 性别: 性别 男 与身份证号中的 女 不一致，请核对" in messages
    assert any(m.startswith("干部!4 工作单位: 单位“不存在局”不存在") for m in messages)
    assert any(m.startswith("干部!5 干部层级: “科长”不在可选值中") for m in messages)
    assert any(m.startswith("干部!5 出生年月: ") for m in messages)
    assert "干部!5 后备干部: 应为“是”或“否”" in messages
    assert any(m.startswith("干部!6: 与第 2 行重复") for m in messages)
    assert any(m.startswith("简历!2 身份证号: 没有这个身份证号的干部") for m in messages)
    assert not result.written
    with db.session() as s:
        assert cadres.roster_count(s, cadres.RosterFilter()) == 0
        assert audit.count_events(s) == 1  # only the admin's creation


def test_id_number_typed_as_a_number_is_refused(db, admin, tmp_path):
    path = write(tmp_path / "w.xlsx", {"单位": UNITS, "干部": [
        ["身份证号", "姓名", "工作单位", "干部层级"], [522622199007150000, "甲", "青山镇", "一般干部"]]})
    assert [str(p) for p in run(db, admin, path).errors] == ["干部!2 身份证号: 身份证号须为文本格式"]


def test_missing_required_column_and_unknown_columns(db, admin, tmp_path):
    path = write(tmp_path / "w.xlsx", {"单位": [["单位名称", "备注说明"], ["青山镇", "x"]], "杂项": [["a"], [1]]})
    result = run(db, admin, path)
    assert [str(p) for p in result.errors] == ["单位!1 单位类别: 缺少必填列"]
    assert any("杂项" in str(w) for w in result.warnings)
    assert any("备注说明" in str(w) for w in result.warnings)


def test_values_as_clerks_write_them(db, admin, tmp_path):
    idn = make_id("19900715", "001")
    path = write(tmp_path / "w.xlsx", {"单位": UNITS, "干部": [
        ["身份证号", "姓名", "工作单位", "干部层级", "参加工作时间", "入党时间", "五类人员", "全日制学历", "后备干部"],
        [f" {idn} ", "甲", "青山镇", "副科级", 2012.1, "２０１３年７月", "“优秀村（社区）党支部书记”", "大学本科", "Y"],
    ]})
    result = run(db, admin, path)
    assert result.ok, [str(p) for p in result.errors]
    with db.session() as s:
        c = cadres.find_by_id_number(s, idn)
        assert c.work_started == Month(2012, 10) and c.party_joined == Month(2013, 7)
        assert c.five_category == "优秀村(社区)党组织书记"
        assert c.ft_education == "大学" and c.ft_education_text == "大学本科"
        assert c.reserve is True and c.sex == "男" and c.birth == Month(1990, 7)


def test_list_sheet_replaces_that_cadres_list(db, admin, tmp_path, cadre_id):
    idn = make_id()
    path = write(tmp_path / "w.xlsx", {"简历": [
        ["身份证号", "姓名", "起始年月", "截止年月", "经历"],
        [idn, "单雄信", "2008.09", "2012.07", "某某大学学习"], [idn, "单雄信", "2012.07", None, "青山镇副镇长"]]})
    result = run(db, admin, path)
    assert result.counts["简历"] == (0, 1)
    with db.session() as s:
        items = cadres.get_cadre(s, cadre_id)["resumes"]
    assert [(str(i["start"]), i["text"]) for i in items] == [("2008.09", "某某大学学习"), ("2012.07", "青山镇副镇长")]
    again = run(db, admin, path)
    assert again.counts["简历"] == (0, 0)


def test_list_sheet_name_must_match_the_cadre(db, admin, tmp_path, cadre_id):
    path = write(tmp_path / "w.xlsx", {"年度考核": [["身份证号", "姓名", "年度", "考核结果"],
                                                 [make_id(), "张冠李", 2022, "优秀"]]})
    assert [str(p) for p in run(db, admin, path).errors] == ["年度考核!2 姓名: 与身份证号对应的干部“单雄信”不符"]


def test_export_writes_formula_like_text_as_text(db, admin, tmp_path, unit_id):
    with db.session() as s:
        cadres.save_cadre(s, actor=admin, data={"id_number": make_id("19900715", "011"), "name": "王五",
                                                "unit_id": unit_id, "level": "一般干部",
                                                "notes": "=HYPERLINK(\"http://x\",\"点我\")", "post": "-副镇长",
                                                "specialty": "@sum(1)"})
    out = tmp_path / "out.xlsx"
    with db.session() as s:
        exporter.export_workbook(s, actor=admin, path=out, sheet_names=["干部"])
    with zipfile.ZipFile(out) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    ws = openpyxl.load_workbook(out)["干部"]
    row = {h.value: c.value for h, c in zip(ws[1], ws[2])}
    assert row["备注"].startswith("=HYPERLINK") and row["现任职务"] == "-副镇长"
    assert ws.cell(row=2, column=[h.value for h in ws[1]].index("备注") + 1).data_type == "s"


def test_export_then_import_round_trips(db, admin, tmp_path, cadre_id):
    out = tmp_path / "out.xlsx"
    with db.session() as s:
        exporter.export_workbook(s, actor=admin, path=out)
    result = run(db, admin, out)
    assert result.ok and all(v == (0, 0) for v in result.counts.values())


def test_workbook_that_inflates_past_the_limit_is_refused_before_reading(db, admin, tmp_path, monkeypatch):
    path = write(tmp_path / "w.xlsx", {"单位": UNITS})
    monkeypatch.setenv("CADRE_MAX_XLSX_BYTES", "2000")
    with pytest.raises(DomainError, match="超过上限"):
        WorkbookSource.open(path)


def test_zip_bomb_part_is_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 2**20))
    with pytest.raises(DomainError, match="压缩比异常"):
        WorkbookSource.open(path)


def test_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("hello")
    with pytest.raises(DomainError, match="不是有效的 .xlsx 工作簿"):
        WorkbookSource.open(path)


def test_cell_over_excel_limit_is_an_error(db, admin, tmp_path):
    path = write(tmp_path / "w.xlsx", {"单位": [["单位名称", "单位类别"], ["x" * 40000, "乡镇"]]})
    # openpyxl itself refuses to write such a cell, so build the rows in memory
    source = WorkbookSource.from_rows({"单位": [{"单位名称": "x" * 40000, "单位类别": "乡镇"}]})
    with db.session() as s:
        result = importer.run_import(s, actor=admin, source=source)
    assert [str(p) for p in result.errors] == ["单位!2 单位名称: 内容超过 32767 个字符的上限"]
    assert path.exists()


def test_cancel_writes_nothing(db, admin, tmp_path):
    rows = {"单位": [{"单位名称": f"单位{i}", "单位类别": "县直部门"} for i in range(500)]}
    from cadre_desktop.core.exchange.sheets import Cancelled

    with pytest.raises(Cancelled):
        with db.session() as s:
            importer.run_import(s, actor=admin, source=WorkbookSource.from_rows(rows), cancelled=lambda: True)
    with db.session() as s:
        from cadre_desktop.core.services import units

        assert units.list_units(s) == []


def test_incomplete_record_exports_and_imports_back_into_its_database(db, admin, tmp_path):
    idn = make_id("19930412", "022")
    with db.session() as s:
        cadres.save_cadre(s, actor=admin, data={"id_number": idn, "name": "周晓梅"}, allow_incomplete=True)
    out = tmp_path / "out.xlsx"
    with db.session() as s:
        exporter.export_workbook(s, actor=admin, path=out)
    result = run(db, admin, out)
    assert result.ok, [str(p) for p in result.errors]
    assert result.counts["干部"] == (0, 0)
    # a new in-service record still needs its unit and level
    path = write(tmp_path / "new.xlsx", {"干部": [["身份证号", "姓名"], [make_id("19930412", "042"), "新人"]]})
    assert {str(p) for p in run(db, admin, path).errors} == {"干部!2 工作单位: 在职干部须填写工作单位",
                                                             "干部!2 干部层级: 在职干部须填写干部层级"}
