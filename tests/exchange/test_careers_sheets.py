"""The sheets 选拔任用, 表彰, 关爱记录 and 慰问: a big workbook in and out, upsert, all-or-nothing."""

from __future__ import annotations

import datetime as dt

import openpyxl
from sqlalchemy import func, select

from cadre_desktop.core.exchange import exporter
from cadre_desktop.core.exchange.sheets import sheet
from cadre_desktop.core.models import Appointment, Award, CareRecord, CommendationBatch, Visit
from cadre_desktop.core.services import audit, cadres

from conftest import import_xlsx as run
from conftest import make_id

SHEETS = ("选拔任用", "表彰", "关爱记录", "慰问")
N_CADRES = 300


def write(path, data: dict[str, list[dict]]):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in data.items():
        ws = wb.create_sheet(name)
        headers = [c.header for c in sheet(name).columns] if name in SHEETS else list(rows[0])
        ws.append(headers)
        for r in rows:
            ws.append([r.get(h) for h in headers])
    wb.save(path)
    return path



def _day(d: dt.date) -> str:
    return f"{d.year}.{d.month:02d}.{d.day:02d}"


def big_workbook() -> dict[str, list[dict]]:
    units = [{"单位名称": "青山镇", "单位类别": "乡镇", "津贴档次": "二档", "排序": 1},
             {"单位名称": "县财政局", "单位类别": "县直部门", "排序": 2}]
    people = []
    for i in range(N_CADRES):
        people.append({"身份证号": make_id(f"19{70 + i % 25}0{1 + i % 9}1{i % 9}", f"{i % 1000:03d}"),
                       "姓名": f"干部{i:03d}", "工作单位": units[i % 2]["单位名称"], "现任职务": "科员",
                       "干部层级": "一般干部"})
    appointments, awards, care, visits = [], [], [], []
    kinds = ("提拔任用", "进一步使用", "平职交流", "职级晋升")
    for i, p in enumerate(people):
        for k in range(4):
            row = {"身份证号": p["身份证号"], "姓名": p["姓名"], "任职日期": _day(dt.date(2018 + k, 3, 1 + i % 27)),
                   "任用类型": kinds[k], "原职务": "科员", "新职务": f"股长{k}", "新单位": units[k % 2]["单位名称"],
                   "新职级": "四级主任科员", "新班子职务": None, "是否一线干部": "是" if k == 0 else "否",
                   "一线领域": "乡村振兴" if k == 0 else None, "批次": f"{2018 + k}年第{1 + i % 3}批",
                   "任免文号": f"云党任〔{2018 + k}〕{i}号"}
            appointments.append(row)
        care.append({"身份证号": p["身份证号"], "姓名": p["姓名"], "类型": "年度体检", "日期": "2023.05.06",
                     "天数": None, "金额": 600, "备注": "县医院"})
        care.append({"身份证号": p["身份证号"], "姓名": p["姓名"], "类型": "带薪年休假", "日期": "2023.08.01",
                     "天数": 5 + i % 10, "金额": None, "备注": None})
        care.append({"身份证号": p["身份证号"], "姓名": p["姓名"], "类型": "困难帮扶", "日期": "2023.01.10",
                     "天数": None, "金额": 1234.5, "备注": "帮扶"})
    for b in range(5):
        head = {"通报名称": f"关于表扬先进的通报（第{b + 1}批）", "发文机关": "中共云岭县委", "文号": f"云党通〔2022〕{b + 1}号",
                "日期": "2022.06.15", "表彰领域": "疫情防控", "主送机关": "各乡镇", "通报正文": "第一段。\n第二段。"}
        for j in range(3):
            awards.append(dict(head, 对象类型="集体", 对象名称=f"集体{b}-{j}", 身份证号=None, 单位及职务=None,
                               荣誉称号="先进集体", 主要事迹="事迹"))
        for p in people[b * 50:(b + 1) * 50]:
            awards.append(dict(head, 对象类型="个人", 对象名称=p["姓名"], 身份证号=p["身份证号"], 单位及职务=None,
                               荣誉称号="先进个人", 主要事迹=None))
        awards.append(dict(head, 对象类型="个人", 对象名称="村医张某", 身份证号=None, 单位及职务="青山镇卫生院医生",
                           荣誉称号="先进个人", 主要事迹=None))
    for i in range(1500):
        visits.append({"姓名": f"老党员{i % 700}", "身份证号": None, "对象类别": ("老党员", "困难党员", "突出人才")[i % 3],
                       "日期": _day(dt.date(2021 + i % 3, 1, 10 + i % 15)), "金额": 800, "慰问人": "县领导",
                       "备注": None})
    return {"单位": units, "干部": people, "选拔任用": appointments, "表彰": awards, "关爱记录": care, "慰问": visits}


def _rows_as_sets(path) -> dict[str, set]:
    wb = openpyxl.load_workbook(path, read_only=True)
    out = {}
    for name in SHEETS:
        rows = list(wb[name].iter_rows(values_only=True))
        headers = rows[0]
        out[name] = {tuple((h, v) for h, v in zip(headers, r) if v not in (None, "")) for r in rows[1:]}
    return out


def test_big_workbook_imports_exports_the_same_rows_and_reimports_as_nothing(db, admin, tmp_path):
    data = big_workbook()
    path = write(tmp_path / "big.xlsx", data)
    result = run(db, admin, path)
    assert result.ok, [str(p) for p in result.errors[:5]]
    assert result.counts["选拔任用"] == (4 * N_CADRES, 0)
    assert result.counts["表彰"] == (5 * 54, 0)
    assert result.counts["关爱记录"] == (3 * N_CADRES, 0)
    assert result.counts["慰问"] == (1500, 0)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(CommendationBatch)) == 5
        linked = s.scalar(select(func.count()).select_from(Award).where(Award.cadre_id.is_not(None)))
        assert linked == 250
        # History rows never change the cadre: every post is still 科员 and no one has a team role.
        posts = {(c["post"], c["team_role"]) for c in
                 (cadres.get_cadre(s, i) for i in s.scalars(select(Appointment.cadre_id).distinct().limit(20)))}
        assert posts == {("科员", None)}

    out = tmp_path / "out.xlsx"
    with db.session() as s:
        exporter.export_workbook(s, actor=admin, path=out, sheet_names=list(SHEETS))
    exported = _rows_as_sets(out)
    given = _rows_as_sets(path)
    for name in SHEETS:
        assert exported[name] == given[name], name

    with db.session() as s:
        before = audit.count_events(s)
    again = run(db, admin, out)
    assert again.ok
    assert all(again.counts[n] == (0, 0) for n in SHEETS)
    with db.session() as s:
        assert audit.count_events(s) == before


def test_update_changes_only_what_differs(db, admin, tmp_path, cadre_id):
    with db.session() as s:
        idn = cadres.get_cadre(s, cadre_id)["id_number"]
    rows = [{"身份证号": idn, "任职日期": "2022.3.1", "任用类型": "提拔任用", "新职务": "青山镇党委委员、副镇长",
             "新班子职务": "党委委员、副镇长", "是否一线干部": "是", "一线领域": "重点项目建设"}]
    assert run(db, admin, write(tmp_path / "a.xlsx", {"选拔任用": rows})).counts["选拔任用"] == (1, 0)
    rows[0]["新职务"] = "青山镇副镇长"
    assert run(db, admin, write(tmp_path / "b.xlsx", {"选拔任用": rows})).counts["选拔任用"] == (0, 1)
    with db.session() as s:
        a = s.scalars(select(Appointment)).one()
        assert (a.new_post, a.frontline, a.frontline_field) == ("青山镇副镇长", True, "项目建设")
        c = cadres.get_cadre(s, cadre_id)
        assert (c["post"], c["team_role"]) == ("青山镇副镇长", None)


def test_batch_rows_that_disagree_are_refused_and_nothing_is_written(db, admin, tmp_path):
    head = {"通报名称": "关于表扬的通报", "文号": "云党通〔2022〕9号", "日期": "2022.06.15", "发文机关": "中共云岭县委"}
    rows = [dict(head, 对象类型="集体", 对象名称="甲镇党委", 荣誉称号="先进集体"),
            dict(head, 对象类型="集体", 对象名称="乙镇党委", 荣誉称号="先进集体"),
            dict(head, 对象类型="集体", 对象名称="丙镇党委", 荣誉称号="先进集体", 发文机关="云岭县人民政府")]
    visits = [{"姓名": "王老", "对象类别": "老党员", "日期": "2023.01.18"}]
    result = run(db, admin, write(tmp_path / "x.xlsx", {"表彰": rows, "慰问": visits}))
    assert [str(p).split(":")[0] for p in result.errors] == ["表彰!4 发文机关"]
    assert "第 2 行" in result.errors[0].message
    with db.session() as s:
        for model in (CommendationBatch, Award, Visit):
            assert s.scalar(select(func.count()).select_from(model)) == 0


def test_references_and_keys_are_checked(db, admin, tmp_path, cadre_id):
    with db.session() as s:
        idn = cadres.get_cadre(s, cadre_id)["id_number"]
    data = {
        "选拔任用": [{"身份证号": idn, "任职日期": "2022.3.1", "任用类型": "提拔任用", "新单位": "不存在乡"},
                 {"身份证号": make_id("19800101", "123"), "任职日期": "2022.3.1", "任用类型": "提拔任用"},
                 {"身份证号": idn, "任职日期": "2022.4.1", "任用类型": "进一步使用", "一线领域": "乡村振兴"}],
        "关爱记录": [{"身份证号": idn, "类型": "年度体检", "日期": "2023.5.1"},
                 {"身份证号": idn, "类型": "年度体检", "日期": "2023-05-01", "金额": "12.345"}],
        "慰问": [{"姓名": "王老", "对象类别": "老党员", "日期": "2023.01.18"},
               {"姓名": "王老", "对象类别": "老党员", "日期": "2023.1.18"}],
    }
    result = run(db, admin, write(tmp_path / "r.xlsx", data))
    got = {str(p).split(":")[0] for p in result.errors}
    assert {"选拔任用!2 新单位", "选拔任用!3 身份证号", "选拔任用!4 一线领域", "关爱记录!3 金额", "关爱记录!3", "慰问!3"} <= got
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(CareRecord)) == 0
