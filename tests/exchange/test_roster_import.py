"""A county's own roster (花名册) read through header detection and synonyms, checked and imported
as the 干部 sheet; the code lists; 任现职务时间 / 任现职级时间; 容错纠错 outcomes as decisions word them."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from cadre_desktop.core.db import open_database
from cadre_desktop.core.exchange import exporter, roster
from cadre_desktop.core.services import cadres, careers, tolerance
from cadre_desktop.core.values import DomainError, Month, fold_code
from tests.conftest import import_xlsx, make_id, write_xlsx
from tests.exchange import county_roster as cr

MAPPING = {"学历": "在职学历", "档案编号": None}


def imported(db, actor, path, *, mapping=MAPPING, **kw) -> roster.RosterResult:
    book = roster.RosterBook.open(path)
    layout = roster.detect(book, mapping=mapping)
    with db.session() as s:
        return roster.import_roster(s, actor=actor, book=book, layout=layout, **kw)


def listed(db) -> dict[str, dict]:
    with db.session() as s:
        return {r["name"]: cadres.get_cadre(s, r["id"])
                for r in cadres.roster_rows(s, cadres.roster_ids(s, cadres.RosterFilter()))}


def test_the_header_is_found_under_the_title_and_its_two_rows_combined(tmp_path):
    book = roster.RosterBook.open(cr.write_xlsx(tmp_path / "r.xlsx"))
    layout = roster.detect(book)
    assert (layout.sheet, layout.header_rows, layout.first_data_row) == ("花名册", (3, 4), 5)
    targets = {c.header: c.target for c in layout.columns}
    assert targets["姓  名"] == "姓名" and targets["公民身份号码"] == "身份证号" and targets["出生日期"] == "出生年月"
    assert targets["全日制教育/学历"] == "全日制学历" and targets["全日制教育/学位"] == "全日制学位"
    assert targets["现任职务/职务"] == "现任职务" and targets["现任职务/任现职时间"] == "任现职务时间"
    assert targets["职务层次"] == "职级" and targets["序号"] == roster.SEQ
    assert [c.header for c in layout.unmapped()] == ["学历", "档案编号"]
    rows = roster.read_rows(book, layout)
    assert [n for n, _ in rows.rows] == [5, 6, 9, 10]  # the spacer, group title, 合计 and notes left out
    assert rows.skipped == [(8, "分组标题"), (12, "合计或说明"), (13, "合计或说明"), (14, "合计或说明")]


class _Unread(list):
    """A sheet row that must not be read."""

    def __iter__(self):
        raise AssertionError("a row after the preview was read")

    def __len__(self):
        raise AssertionError("a row after the preview was read")


def test_the_preview_reads_only_the_first_rows(tmp_path):
    book = roster.RosterBook.open(cr.write_xlsx(tmp_path / "r.xlsx"))
    layout = roster.detect(book)
    rows = book.sheets[layout.sheet]
    book.sheets[layout.sheet] = rows[:6] + [_Unread(r) for r in rows[6:]] * 1000  # rows 7 on: never touched
    got = roster.preview(book, layout, n=2)
    assert [n for n, _ in got.rows] == [5, 6]
    assert roster._targets() is roster._targets()  # the header words table is built once


def test_a_roster_imports_through_the_mapping_with_units_created_when_agreed(db, admin, tmp_path):
    cr.add_units(db, admin, ("青山镇",))
    path = cr.write_xlsx(tmp_path / "花名册.xlsx")
    refused = imported(db, admin, path)
    assert not refused.result.written
    assert refused.missing_units == [("县农业农村局", "县直部门"), ("红旗街道", "街道")]
    errors = [str(p) for p in refused.result.errors]
    assert "花名册!9 现工作单位: 单位“县农业农村局”不存在（系统和“单位”表中都没有）" in errors
    assert listed(db) == {}

    done = imported(db, admin, path, create_units=True)
    assert done.result.written, [str(p) for p in done.result.errors]
    assert done.result.summary_lines() == ["单位: 新增 2, 更新 0", "干部: 新增 4, 更新 0"]
    people = listed(db)
    zhang, li, wang, zhao = (people[n] for n in ("张国强", "李晓梅", "王建华", "赵丽"))
    assert (zhang["unit_name"], zhang["post"], str(zhang["post_since"]), zhang["rank"], str(zhang["rank_since"]),
            zhang["level"]) == ("青山镇", "党委副书记、镇长", "2021.09", "正科级", "2021.09", "正科级")
    assert (zhang["ethnicity"], zhang["political_status"], zhang["ft_degree"], zhang["ip_education_text"]) == \
        ("汉族", "中共党员", "学士", "中央党校大学")
    assert (str(li["birth"]), li["political_status"], li["ft_degree"], str(li["post_since"])) == \
        ("1992.06", "中共党员", "法学硕士", "2022.03")
    assert (wang["unit_name"], wang["ethnicity"], wang["rank"], wang["level"], str(wang["rank_since"])) == \
        ("县农业农村局", "土家族", "一级主任科员", "一般干部", "2020.06")
    assert (zhao["unit_name"], zhao["political_status"], str(zhao["birth"])) == ("红旗街道", "共青团员", "1995.09")
    # re-importing changes nothing
    again = imported(db, admin, path, create_units=True)
    assert again.result.summary_lines() == ["干部: 新增 0, 更新 0"]


def test_a_bad_row_is_named_by_sheet_row_and_header_and_nothing_is_written(db, admin, tmp_path):
    cr.add_units(db, admin)
    people = cr.people()
    people[1][3] = people[1][3][:17] + ("0" if people[1][3][17] != "0" else "1")  # Excel row 6: check digit
    people[4][5] = "火星族"  # row 9
    people[5][13] = "处长"  # row 10
    path = cr.write_xlsx(tmp_path / "坏花名册.xlsx", people)
    result = imported(db, admin, path).result
    assert not result.written
    errors = [str(p) for p in result.errors]
    assert any(e.startswith("花名册!6 公民身份号码: 号码校验不通过") for e in errors), errors
    assert any(e.startswith("花名册!9 民族: “火星族”不在可选值中，应为：汉族 / 蒙古族") for e in errors), errors
    assert any(e.startswith("花名册!10 职务层次: “处长”不在可选值中，应为：正处级") for e in errors), errors
    assert listed(db) == {}


def test_required_columns_must_be_mapped_and_a_mapping_names_real_columns(db, admin, tmp_path):
    cr.add_units(db, admin)
    path = cr.write_xlsx(tmp_path / "r.xlsx")
    book = roster.RosterBook.open(path)
    layout = roster.detect(book)
    layout.set_target(3, None)  # 公民身份号码 skipped
    with db.session() as s:
        result = roster.import_roster(s, actor=admin, book=book, layout=layout).result
    assert [str(p) for p in result.errors] == [
        "花名册!3 身份证号: 缺少必填列：没有哪一列对应“身份证号”（请在列对应中指定，或用 --mapping 提供映射文件）"]
    layout.set_target(3, "姓名")
    assert "与“姓  名”都对应“姓名”，请只保留一列" in str(layout.problems()[0])
    with pytest.raises(DomainError, match="“单位名称”不是干部表的列"):
        roster.detect(book, mapping={"学历": "单位名称"})


def test_a_saved_mapping_round_trips(tmp_path):
    book = roster.RosterBook.open(cr.write_xlsx(tmp_path / "r.xlsx"))
    layout = roster.detect(book)
    layout.set_target(9, "在职学历")
    path = roster.save_mapping(tmp_path / "m.json", layout)
    again = roster.detect(book, mapping=roster.load_mapping(path))
    assert {c.header: c.target for c in again.columns}["学历"] == "在职学历"
    (tmp_path / "bad.json").write_text("{not json", "utf-8")
    with pytest.raises(DomainError, match="不是有效的 JSON"):
        roster.load_mapping(tmp_path / "bad.json")


def test_an_xls_roster_imports_the_same(db, admin, tmp_path):
    pytest.importorskip("xlwt", reason="xlwt writes the .xls; without it no .xls can be made here")
    cr.add_units(db, admin)
    path = cr.write_xls(tmp_path / "花名册.xls")
    assert not roster.is_interchange(path)
    done = imported(db, admin, path)
    assert done.result.written, [str(p) for p in done.result.errors]
    people = listed(db)
    assert set(people) == {"张国强", "李晓梅", "王建华", "赵丽"}
    wang = people["王建华"]
    assert (str(wang["birth"]), wang["unit_name"], wang["post"], str(wang["post_since"])) == \
        ("1978.01", "县农业农村局", "办公室主任", "2019.11")
    assert people["张国强"]["ethnicity"] == "汉族"


def test_a_file_that_is_not_a_workbook_or_too_big_is_refused_before_reading(tmp_path, monkeypatch):
    fake = tmp_path / "x.xls"
    fake.write_bytes(roster.OLE_MAGIC + b"\0" * 4096)
    with pytest.raises(DomainError, match="无法读取工作簿"):
        roster.RosterBook.open(fake)
    monkeypatch.setenv("CADRE_MAX_XLSX_BYTES", "1000")
    with pytest.raises(DomainError, match="超过上限"):
        roster.RosterBook.open(fake)
    text = tmp_path / "y.xlsx"
    text.write_text("姓名,身份证号", "utf-8")
    with pytest.raises(DomainError, match="不是有效的 .xlsx"):
        roster.RosterBook.open(text)


def test_a_roster_is_told_from_the_interchange_workbook(tmp_path):
    roster_named_like_a_sheet = tmp_path / "r.xlsx"
    cr.write_xlsx(roster_named_like_a_sheet)
    wb = openpyxl.load_workbook(roster_named_like_a_sheet)
    wb["花名册"].title = "干部"
    wb.save(roster_named_like_a_sheet)
    assert not roster.is_interchange(roster_named_like_a_sheet)
    assert roster.is_interchange(exporter.export_template(tmp_path / "t.xlsx"))


def test_unit_kinds_are_inferred_from_the_name():
    assert roster.unit_kind("青山镇") == "乡镇" and roster.unit_kind("石门乡人民政府") == "乡镇"
    assert roster.unit_kind("红旗街道办事处") == "街道" and roster.unit_kind("县财政局") == "县直部门"
    assert roster.unit_kind("云岭县第一中学") == "其他"


# --- code lists ------------------------------------------------------------------------------


def test_code_lists_fold_short_forms_and_refuse_the_rest(db, admin, unit_id, tmp_path):
    assert fold_code("ethnicity", "汉") == "汉族" and fold_code("ethnicity", "穿青人") == "穿青人"
    assert fold_code("political_status", "中国共产党党员") == "中共党员"
    assert fold_code("political_status", "团员") == "共青团员" and fold_code("political_status", "民盟") == "民盟盟员"
    assert fold_code("rank", "副县级") == "副处级" and fold_code("rank", "八级职员") == "管理八级"
    assert fold_code("ft_degree", "法学学士学位") == "法学学士" and fold_code("health", "身体健康") == "健康"
    assert fold_code("ethnicity", "火星族") is None
    with db.session() as s:
        cid = cadres.save_cadre(s, actor=admin, data={
            "id_number": make_id(), "name": "刘备", "unit_id": unit_id, "level": "一般干部", "ethnicity": "回",
            "political_status": "党员", "rank": "正科"})
        c = cadres.get_cadre(s, cid)
        assert (c["ethnicity"], c["political_status"], c["rank"]) == ("回族", "中共党员", "正科级")
        with pytest.raises(DomainError) as e:
            cadres.save_cadre(s, actor=admin, cadre_id=cid, data={"health": "很好"})
        assert e.value.errors == [("health", "“很好”不在可选值中，应为：健康 / 良好 / 一般 / 较弱 / 有慢性病 / 残疾")]


def test_the_template_offers_the_code_lists_as_drop_downs(tmp_path):
    path = exporter.export_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb["可选值"].sheet_state == "hidden"
    ws = wb["干部"]
    headers = {c.value: c.column_letter for c in ws[1]}
    formulas = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert "穿青人" in formulas[headers["民族"]] and "中共党员" in formulas[headers["政治面貌"]]
    degrees = formulas[headers["全日制学位"]]
    assert degrees.startswith("'可选值'!$")  # too long to inline
    column = degrees.split("!")[1].split(":")[0].replace("$", "").rstrip("0123456789")
    listed_degrees = [c.value for c in wb["可选值"][column] if c.value]
    assert "管理学硕士" in listed_degrees and "公共管理硕士" in listed_degrees
    # the template imports back without a warning about its list sheet
    assert imported_template_warnings(path) == []


def imported_template_warnings(path):
    from cadre_desktop.core.exchange.workbook import WorkbookSource

    src = WorkbookSource.open(path)
    names = [s.name for s in src.sheets]
    src.close()
    assert "可选值" in names
    return [n for n in names if n not in {sd.name for sd in roster.sheets()} and n != "可选值"]


def test_stored_values_fold_on_migration_and_the_rest_are_listed(tmp_path):
    frozen = Path(__file__).parents[1] / "data" / "schema_0001.sqlite3"
    copy = tmp_path / "old.sqlite3"
    shutil.copy(frozen, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute("update cadre set ethnicity='汉', political_status='中国共产党党员', health='很好' where id=1")
    database = open_database(f"sqlite:///{copy}")
    from cadre_desktop.core.reports import rules

    with database.session() as s:
        c = cadres.get_cadre(s, 1)
        assert (c["ethnicity"], c["political_status"], c["health"]) == ("汉族", "中共党员", "很好")
        assert [(a, v, [p.name for p in people]) for a, v, people in cadres.uncoded_values(s)] == \
            [("health", "很好", ["单雄信"])]
        found = [f for f in rules.check(s) if f.rule == "code_values"]
        assert len(found) == 1 and found[0].kind == "reminder"
        assert found[0].message.startswith("健康状况“很好”不在代码表中（1人）")
        assert found[0].cadres[0]["name"] == "单雄信"
    database.dispose()


# --- 任现职务时间 / 任现职级时间 ----------------------------------------------------------------


def test_an_applied_appointment_sets_the_months_and_the_roster_filters_by_years_in_rank(db, admin, cadre_id):
    with db.session() as s:
        cadres.save_cadre(s, actor=admin, cadre_id=cadre_id, data={"rank": "副科级", "rank_since": Month(2015, 3)})
        aid = careers.save_appointment(s, actor=admin, data={
            "cadre_id": cadre_id, "date": dt.date(2021, 9, 10), "kind": "提拔任用", "new_post": "青山镇镇长",
            "new_rank": "正科"})
        careers.apply_to_cadre(s, actor=admin, appointment_id=aid)
        c = cadres.get_cadre(s, cadre_id)
        assert (c["post"], str(c["post_since"]), c["rank"], str(c["rank_since"])) == \
            ("青山镇镇长", "2021.09", "正科级", "2021.09")
        flt = dict(today=dt.date(2024, 9, 1))
        assert cadres.roster_ids(s, cadres.RosterFilter(rank_years=3, **flt)) == [cadre_id]
        assert cadres.roster_ids(s, cadres.RosterFilter(rank_years=3, today=dt.date(2024, 8, 31))) == []
        assert cadres.roster_ids(s, cadres.RosterFilter(post_years=4, **flt)) == []
        with pytest.raises(DomainError, match="新职级“处长”不在可选值中"):
            careers.save_appointment(s, actor=admin, data={
                "cadre_id": cadre_id, "date": dt.date(2022, 1, 1), "kind": "职级晋升", "new_rank": "处长"})


def test_the_cadre_sheet_carries_the_two_months(db, admin, unit_id, tmp_path):
    idn = make_id("19880101", "013")
    path = write_xlsx(tmp_path / "w.xlsx", {"干部": [
        ["身份证号", "姓名", "工作单位", "干部层级", "现任职务", "任现职务时间", "职级", "任现职级时间"],
        [idn, "关羽", "青山镇", "副科级", "青山镇副镇长", "2020.3", "副科", "2020年3月"],
    ]})
    result = import_xlsx(db, admin, path)
    assert result.written, [str(p) for p in result.errors]
    with db.session() as s:
        c = cadres.get_cadre(s, cadres.find_by_id_number(s, idn).id)
    assert (str(c["post_since"]), c["rank"], str(c["rank_since"])) == ("2020.03", "副科级", "2020.03")


# --- 容错纠错 处理结果 --------------------------------------------------------------------------


def test_tolerance_outcomes_accept_the_domain_phrases_and_short_forms(db, admin, cadre_id, tmp_path):
    with db.session() as s:
        idn = cadres.get_cadre(s, cadre_id)["id_number"]
    path = write_xlsx(tmp_path / "t.xlsx", {"容错纠错": [
        ["身份证号", "事项", "发生日期", "认定颜色", "处理结果", "认定日期"],
        [idn, "项目推进中程序瑕疵", "2022.03.01", "黄", "从轻或减轻处理", "2022.05.01"],
        [idn, "先行先试失误", "2022.04.01", "绿", "免责", "2022.06.01"],
        [idn, "探索性试验失误", "2022.04.02", "绿", "容错免责", "2022.06.02"],
        [idn, "其他失误", "2022.04.03", "黄", "从轻或者减轻处理", "2022.06.03"],
    ]})
    result = import_xlsx(db, admin, path)
    assert result.written, [str(p) for p in result.errors]
    from cadre_desktop.core.models import ToleranceCase
    from sqlalchemy import select

    with db.session() as s:
        outcomes = {c.matter: c.outcome for c in s.scalars(select(ToleranceCase))}
        assert outcomes == {"项目推进中程序瑕疵": "从轻或减轻处理", "先行先试失误": "予以容错免责",
                            "探索性试验失误": "予以容错免责", "其他失误": "从轻或减轻处理"}
        case_id = tolerance.save_case(s, actor=admin, data={
            "cadre_id": cadre_id, "matter": "窗口事项", "occurred": dt.date(2022, 1, 5), "outcome": "免责"})
        assert s.get(ToleranceCase, case_id).outcome == "予以容错免责"
    bad = write_xlsx(tmp_path / "bad.xlsx", {"容错纠错": [
        ["身份证号", "事项", "发生日期", "处理结果"], [idn, "又一事项", "2022.03.01", "批评教育"]]})
    errors = [str(p) for p in import_xlsx(db, admin, bad).errors]
    assert errors == ["容错纠错!2 处理结果: “批评教育”不在可选值中，应为：予以容错免责 / 从轻处理 / 减轻处理 / 从轻或减轻处理 / 不予容错"]
