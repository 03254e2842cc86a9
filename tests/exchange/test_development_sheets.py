"""The 培训班, 参训记录 and 挂职驻村 sheets: big workbooks, round trips, re-imports, errors."""

import datetime as dt
from decimal import Decimal

import openpyxl

from cadre_desktop.core.exchange import exporter
from cadre_desktop.core.services import audit, cadres
from cadre_desktop.core.services import development as dev

from conftest import import_xlsx as run
from conftest import make_id
from conftest import write_xlsx as write

CADRE_HEAD = ["身份证号", "姓名", "工作单位", "干部层级", "现任职务"]
CLASS_HEAD = ["培训班名称", "主办单位", "培训形式", "开始日期", "结束日期", "学时", "培训计划"]
ATT_HEAD = ["培训班名称", "身份证号", "姓名", "学时", "是否结业"]
POST_HEAD = ["身份证号", "姓名", "类型", "派驻单位或地点", "去向类别", "任务领域", "开始日期", "结束日期", "表现评价", "备注"]




def people(n):
    out = []
    for i in range(n):
        birth = f"{1970 + i % 30}{1 + i % 12:02d}{1 + i % 28:02d}"
        out.append((make_id(birth, f"{i % 1000:03d}", area=f"52{2600 + i // 1000:04d}"), f"干部{i}"))
    return out


def big_workbook(path, n_people=1500, n_classes=12):
    ps = people(n_people)
    classes = [[f"2022年第{k}期培训班", "县委党校", ["线上", "线下", "线上线下"][k % 3], f"2022.{1 + k % 12:02d}.0{1 + k % 9}",
                None, 40 if k % 2 else 12.5, "6124培训计划" if k % 3 else None] for k in range(n_classes)]
    att = []
    for k in range(n_classes):
        for j, (idn, name) in enumerate(ps[k * 100:k * 100 + 300]):
            att.append([classes[k][0], idn, name if j % 2 else None, [None, 8, 7.5][j % 3], ["是", "否", None][j % 3]])
    fields = ["疫情防控", "“三百四千”工程", "重点项目建设", "乡村振兴"]
    posts = []
    for i, (idn, name) in enumerate(ps):
        kind = ["一线任务", "驻村队员", "挂职锻炼"][i % 3]
        posts.append([idn, name, kind, "石坪村" if kind != "挂职锻炼" else "省委组织部",
                      "上级主管单位" if kind == "挂职锻炼" else None,
                      fields[i % 4] if kind == "一线任务" else None, f"2022.{1 + i % 12}.{1 + i % 28}",
                      None if i % 5 == 0 else "2023-03-31", "良好" if i % 2 else None, None])
    write(path, {
        "单位": [["单位名称", "单位类别"], ["青山镇", "乡镇"]],
        "干部": [CADRE_HEAD] + [[idn, name, "青山镇", "一般干部", "干事"] for idn, name in ps],
        "培训班": [CLASS_HEAD] + classes,
        "参训记录": [ATT_HEAD] + att,
        "挂职驻村": [POST_HEAD] + posts,
    })
    return len(classes), len(att), len(posts)


def test_thousands_of_rows_import_export_and_reimport_changes_nothing(db, admin, tmp_path):
    path = tmp_path / "big.xlsx"
    n_classes, n_att, n_posts = big_workbook(path)
    result = run(db, admin, path)
    assert result.ok, [str(p) for p in result.errors[:5]]
    assert result.counts["培训班"] == (n_classes, 0)
    assert result.counts["参训记录"] == (n_att, 0)
    assert result.counts["挂职驻村"] == (n_posts, 0)
    with db.session() as s:
        assert sum(c["attendance"] for c in dev.list_classes(s)) == n_att
        assert len(dev.list_postings(s)) == n_posts
        got = {(p["kind"], p["field"], p["destination"]) for p in dev.list_postings(s)}
        assert ("一线任务", "三百四千工程", None) in got and ("一线任务", "项目建设", None) in got
        assert ("挂职锻炼", None, "上级机关") in got
        events = audit.count_events(s)
        first = dev.list_classes(s, text="第0期")[0]
        assert first["hours"] == Decimal("12.5")
        rows = dev.list_attendances(s, first["id"])
        assert {r["completed"] for r in rows} == {True, False}  # blank 是否结业 = 是
        assert {r["hours"] for r in rows} == {None, Decimal(8), Decimal("7.5")}

    # the same workbook again: nothing changes, no event
    again = run(db, admin, path)
    assert again.ok and again.counts == {k: (0, 0) for k in again.counts}
    with db.session() as s:
        assert audit.count_events(s) == events

    # export gives back the same rows; importing the export changes nothing
    out = tmp_path / "out.xlsx"
    with db.session() as s:
        counts = exporter.export_workbook(s, actor=admin, path=out, sheet_names=["培训班", "参训记录", "挂职驻村"])
    assert counts == {"培训班": n_classes, "参训记录": n_att, "挂职驻村": n_posts}
    wb = openpyxl.load_workbook(out, read_only=True)
    exported_posts = list(wb["挂职驻村"].iter_rows(values_only=True))
    assert list(exported_posts[0]) == POST_HEAD
    src = openpyxl.load_workbook(path, read_only=True)
    original = list(src["挂职驻村"].iter_rows(min_row=2, values_only=True))

    def norm(r):
        r = tuple(r) + (None,) * (10 - len(r))

        def day(v):
            if v is None:
                return None
            y, m, d = str(v).replace("-", ".").split(".")
            return dt.date(int(y), int(m), int(d))
        syn = {"“三百四千”工程": "三百四千工程", "重点项目建设": "项目建设", "上级主管单位": "上级机关"}
        return (r[0], r[1], r[2], r[3], syn.get(r[4], r[4]), syn.get(r[5], r[5]), day(r[6]), day(r[7]), r[8], r[9])

    assert sorted(map(norm, exported_posts[1:]), key=repr) == sorted(map(norm, original), key=repr)
    exported_att = list(wb["参训记录"].iter_rows(min_row=2, values_only=True))
    assert len(exported_att) == n_att and all(r[4] in ("是", "否") for r in exported_att)
    wb.close()
    src.close()
    back = run(db, admin, out)
    assert back.ok and back.counts == {k: (0, 0) for k in back.counts}
    with db.session() as s:
        assert audit.count_events(s) == events


def test_bad_task_field_names_sheet_row_column_and_nothing_is_written(db, admin, cadre_id, tmp_path):
    idn = make_id()
    path = write(tmp_path / "w.xlsx", {
        "培训班": [CLASS_HEAD, ["甲班", None, "面授", "2022.06.15", "2022.06.01", None, None]],
        "挂职驻村": [POST_HEAD,
                  [idn, "单雄信", "一线任务", None, None, "疫情防控", "2022.04.01", None, None, None],
                  [idn, "单雄信", "一线任务", None, None, "抗旱救灾", "2022.05.01", None, None, None],
                  [idn, "单雄信", "驻村队员", None, "县内", None, "2022.05.01", None, None, None],
                  [idn, "张三", "一线任务", None, None, None, "2022.06.01", None, None, None],
                  [idn, None, "一线任务", None, None, "疫情防控", "2022.4.1", None, None, None]],
    })
    result = run(db, admin, path)
    messages = [str(p) for p in result.errors]
    assert any(m.startswith("挂职驻村!3 任务领域: “抗旱救灾”不在可选值中") for m in messages), messages
    assert "挂职驻村!4 去向类别: 只有挂职锻炼填写去向类别" in messages
    assert "挂职驻村!5 姓名: 与身份证号对应的干部“单雄信”不符" in messages
    assert "挂职驻村!5 任务领域: 一线任务须填写任务领域" in messages
    assert any(m.startswith("挂职驻村!6: 与第 2 行重复") for m in messages)
    assert any(m.startswith("培训班!2 培训形式: “面授”不在可选值中") for m in messages)
    assert "培训班!2 结束日期: 结束日期不能早于开始日期" in messages
    assert not result.written
    with db.session() as s:
        assert dev.list_postings(s) == [] and dev.list_classes(s) == []


def test_attendance_may_reference_a_class_only_in_the_workbook_and_never_moves_the_cadre(db, admin, cadre_id,
                                                                                         tmp_path):
    idn = make_id()
    path = write(tmp_path / "w.xlsx", {
        "培训班": [CLASS_HEAD, ["2022年乡村振兴专题培训班", "县委组织部", "线上线下", "2022年6月15日", "20220617", 24, None]],
        "参训记录": [ATT_HEAD, ["2022年乡村振兴专题培训班", idn, "单雄信", 24, "是"],
                 ["不存在的班", idn, None, None, None]],
        "挂职驻村": [POST_HEAD, [idn, None, "挂职锻炼", "省发展和改革委员会", "上级主管单位", None, "2022.03.01", None, None,
                             None]],
    })
    result = run(db, admin, path)
    assert [str(p) for p in result.errors] == [
        "参训记录!3 培训班名称: 培训班“不存在的班”不存在（系统和“培训班”表中都没有）"]

    wb = openpyxl.load_workbook(path)
    wb["参训记录"].delete_rows(3)
    wb.save(path)
    result = run(db, admin, path)
    assert result.ok and result.counts["参训记录"] == (1, 0)
    with db.session() as s:
        (tc,) = dev.list_classes(s)
        assert (tc["start"], tc["end"], tc["attendance"]) == (dt.date(2022, 6, 15), dt.date(2022, 6, 17), 1)
        c = cadres.get_cadre(s, cadre_id)
        assert (c["unit_name"], c["post"]) == ("青山镇", "青山镇副镇长")  # history rows leave the file alone
        (p,) = dev.cadre_postings(s, cadre_id)
        assert (p["kind"], p["destination"], p["end"]) == ("挂职锻炼", "上级机关", None)

    # a changed row updates its record, with one audit event
    wb = openpyxl.load_workbook(path)
    wb["参训记录"]["E2"] = "否"
    wb["挂职驻村"]["H2"] = "2023.03.01"
    wb.save(path)
    with db.session() as s:
        n = audit.count_events(s)
    result = run(db, admin, path)
    assert result.counts["参训记录"] == (0, 1) and result.counts["挂职驻村"] == (0, 1)
    with db.session() as s:
        assert audit.count_events(s) == n + 2
        ev = audit.list_events(s, actor=admin, entity="posting")[0]
        assert ev["action"] == "导入修改" and ev["after"]["结束日期"] == "2023.03.01"
