"""Sheets 结对帮带, 帮带纪实, 容错纠错: pair rules across the workbook and the database, upserts."""

from __future__ import annotations

import openpyxl
import pytest
from sqlalchemy import func, select

from cadre_desktop.core.exchange import exporter
from cadre_desktop.core.models import AuditEvent, MentoringRecord, MentorPair, ToleranceCase

from conftest import import_xlsx as run
from conftest import make_id
from conftest import write_xlsx as write

LEADER, CHIEF, DEPUTY = make_id("19700101", "011"), make_id("19720202", "021"), make_id("19780303", "031")
YOUNG, YOUNG2, OLD = make_id("19950505", "041"), make_id("19960606", "052"), make_id("19800808", "061")

BASE = {
    "单位": [["单位名称", "单位类别"], ["青山镇", "乡镇"]],
    "干部": [["身份证号", "姓名", "工作单位", "干部层级"],
           [LEADER, "县长甲", "青山镇", "县级领导"], [CHIEF, "书记乙", "青山镇", "正科级"],
           [DEPUTY, "副镇长丙", "青山镇", "副科级"], [YOUNG, "小王", "青山镇", "一般干部"],
           [YOUNG2, "小李", "青山镇", "一般干部"], [OLD, "老陈", "青山镇", "一般干部"]],
}
PAIR_HEAD = ["帮带人身份证号", "帮带人姓名", "被帮带人身份证号", "被帮带人姓名", "结对类型", "导师类别", "开始日期", "结束日期"]
GOOD_PAIRS = [PAIR_HEAD,
              [LEADER, "县长甲", CHIEF, "书记乙", "县级领导帮带科级领导", None, "2023.01.01", None],
              [LEADER, "县长甲", DEPUTY, "副镇长丙", "县级领导帮带科级领导", None, "2023.01.01", None],
              [CHIEF, "书记乙", YOUNG, "小王", "科级领导帮带年轻干部", None, "2023.03.01", None],
              [CHIEF, "书记乙", YOUNG2, "小李", "双导师制", "政治导师", "2023.03.01", None],
              [DEPUTY, "副镇长丙", YOUNG2, "小李", "双导师制", "业务导师", "2023.03.01", None]]
RECORDS = [["帮带人身份证号", "被帮带人身份证号", "结对类型", "导师类别", "日期", "纪实类型", "内容", "记录人"],
           [CHIEF, YOUNG, "科级领导帮带年轻干部", None, "2023.04.01", "谈心谈话", "谈思想", "王干事"],
           [CHIEF, YOUNG2, "双导师制", "政治导师", "2023.05.01", "定期汇报", "汇报学习", None]]
CASES = [["身份证号", "姓名", "事项", "发生日期", "情形", "认定颜色", "处理结果", "认定日期", "认定机关", "整改措施", "整改状态"],
         [YOUNG, "小王", "项目审批程序瑕疵", "2023.02.01", "为推动发展的无意过失", "黄", "从轻处理", "2023.06.01", "县纪委",
          "完善审批流程", "整改中"],
         [CHIEF, "书记乙", "先行先试探索", "2023.03.01", "改革创新中因缺乏经验、先行先试出现的失误", None, None, None, None,
          None, None]]




def counts(db):
    with db.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(m))
                     for m in (MentorPair, MentoringRecord, ToleranceCase, AuditEvent))


def test_valid_workbook_imports_and_reimport_changes_nothing(db, admin, tmp_path):
    path = write(tmp_path / "w.xlsx", {**BASE, "结对帮带": GOOD_PAIRS, "帮带纪实": RECORDS, "容错纠错": CASES})
    result = run(db, admin, path)
    assert result.ok, [str(p) for p in result.errors]
    assert result.counts["结对帮带"] == (5, 0) and result.counts["帮带纪实"] == (2, 0)
    assert result.counts["容错纠错"] == (2, 0)
    first = counts(db)
    assert first[:3] == (5, 2, 2)
    again = run(db, admin, path)
    assert again.ok and again.counts["结对帮带"] == (0, 0) and again.counts["容错纠错"] == (0, 0)
    assert again.counts["帮带纪实"] == (0, 0)
    assert counts(db) == first  # no row and no audit event written

    # and the export reads back in without a change
    out = tmp_path / "out.xlsx"
    with db.session() as s:
        exporter.export_workbook(s, actor=admin, path=out, sheet_names=["结对帮带", "帮带纪实", "容错纠错"])
    back = run(db, admin, out)
    assert back.ok, [str(p) for p in back.errors]
    assert counts(db) == first


def test_update_by_key_ends_a_pair(db, admin, tmp_path):
    run(db, admin, write(tmp_path / "a.xlsx", {**BASE, "结对帮带": GOOD_PAIRS}))
    ended = [PAIR_HEAD, [CHIEF, "书记乙", YOUNG, "小王", "科级领导帮带年轻干部", None, "2023.03.01", "2024.03.01"]]
    result = run(db, admin, write(tmp_path / "b.xlsx", {"结对帮带": ended}))
    assert result.ok and result.counts["结对帮带"] == (0, 1)
    # now another mentor may take over from 2024.03.02
    later = [PAIR_HEAD, [DEPUTY, "副镇长丙", YOUNG, "小王", "科级领导帮带年轻干部", None, "2024.03.02", None]]
    assert run(db, admin, write(tmp_path / "c.xlsx", {"结对帮带": later})).ok


BAD = {
    "two mentors in the workbook": ([CHIEF, "书记乙", YOUNG, "小王", "科级领导帮带年轻干部", None, "2023.03.01", None],
                                    [DEPUTY, "副镇长丙", YOUNG, "小王", "科级领导帮带年轻干部", None, "2023.06.01", None],
                                    "结对帮带!3 开始日期: 违反“一对一、不重复”：该干部在 2023.03.01 起已由 书记乙 帮带（科级领导帮带年轻干部）"),
    "mentor is mentee": ([CHIEF, "书记乙", CHIEF, "书记乙", "双导师制", "政治导师", "2023.03.01", None], None,
                         "结对帮带!2 被帮带人身份证号: 违反“一对一、不重复”：帮带人与被帮带人不能是同一人"),
    "not young": ([CHIEF, "书记乙", OLD, "老陈", "科级领导帮带年轻干部", None, "2023.03.01", None], None,
                  "结对帮带!2 被帮带人身份证号: 科级领导帮带年轻干部的被帮带人须为年轻干部"),
    "dual without role": ([CHIEF, "书记乙", YOUNG, "小王", "双导师制", None, "2023.03.01", None], None,
                          "结对帮带!2 导师类别: 双导师制须填写导师类别"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_workbook_breaking_a_pair_rule_is_refused_with_the_row_and_nothing_written(db, admin, tmp_path, case):
    a, b, expected = BAD[case]
    rows = [PAIR_HEAD, a] + ([b] if b else [])
    result = run(db, admin, write(tmp_path / "w.xlsx", {**BASE, "结对帮带": rows}))
    messages = [str(p) for p in result.errors]
    assert any(m.startswith(expected) for m in messages), messages
    assert counts(db)[:3] == (0, 0, 0)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "导入新增")) == 0


def test_workbook_pair_conflicting_with_the_database_is_refused(db, admin, tmp_path):
    assert run(db, admin, write(tmp_path / "a.xlsx", {**BASE, "结对帮带": GOOD_PAIRS})).ok
    before = counts(db)
    clash = [PAIR_HEAD, [DEPUTY, "副镇长丙", YOUNG, "小王", "科级领导帮带年轻干部", None, "2024.01.01", None]]
    result = run(db, admin, write(tmp_path / "b.xlsx", {"结对帮带": clash}))
    assert [str(p) for p in result.errors] == [
        "结对帮带!2 开始日期: 违反“一对一、不重复”：该干部在 2023.03.01 起已由 书记乙 帮带（科级领导帮带年轻干部）"]
    assert counts(db) == before


def test_records_outside_any_pair_span_and_half_decided_cases_are_refused(db, admin, tmp_path):
    bad_records = [RECORDS[0], [CHIEF, YOUNG, "科级领导帮带年轻干部", None, "2022.12.01", "谈心谈话", "早于结对", None],
                   [DEPUTY, YOUNG, "科级领导帮带年轻干部", None, "2023.05.01", "谈心谈话", "无此结对", None]]
    bad_cases = [CASES[0], [YOUNG, "小王", "某事", "2023.02.01", "其他", "红", None, None, None, None, None]]
    result = run(db, admin, write(tmp_path / "w.xlsx", {**BASE, "结对帮带": GOOD_PAIRS, "帮带纪实": bad_records,
                                                       "容错纠错": bad_cases}))
    messages = [str(p) for p in result.errors]
    assert "帮带纪实!2 日期: 日期不在该结对的帮带期间（2023.03.01 至 今）内" in messages
    assert any(m.startswith("帮带纪实!3 日期: 没有这两人的该类型结对") for m in messages)
    assert any(m.startswith("容错纠错!2 认定日期: 已填认定颜色") for m in messages)
    assert counts(db)[:3] == (0, 0, 0)


def test_a_reader_export_masks_both_id_numbers_of_a_pair(db, admin, reader, tmp_path):
    assert run(db, admin, write(tmp_path / "a.xlsx", {**BASE, "结对帮带": GOOD_PAIRS})).ok
    out = tmp_path / "masked.xlsx"
    with db.session() as s:
        exporter.export_workbook(s, actor=reader, path=out, sheet_names=["结对帮带"])
    ws = openpyxl.load_workbook(out)["结对帮带"]
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    for col in ("帮带人身份证号", "被帮带人身份证号"):
        value = row[header.index(col)]
        assert "*" in value and value not in (LEADER, CHIEF, DEPUTY, YOUNG, YOUNG2)
