"""Training classes, attendance, postings and pasted lists of people, as the services see them."""

import datetime as dt
from decimal import Decimal

import pytest

from cadre_desktop.core.services import audit, cadres
from cadre_desktop.core.services import development as dev
from cadre_desktop.core.services.people_lookup import resolve_people
from cadre_desktop.core.values import DomainError, PermissionDenied

from conftest import make_id

D = dt.date


def add_cadre(s, actor, unit_id, name, birth="19900715", seq="001", post="干事"):
    return cadres.save_cadre(s, actor=actor, data={"id_number": make_id(birth, seq), "name": name, "unit_id": unit_id,
                                                   "level": "一般干部", "post": post})


def new_class(s, actor, name="2022年年轻干部能力提升班", **kw):
    args = {"start": D(2022, 6, 15), "end": D(2022, 6, 19), "hours": "40", "mode": "线下", "plan": "6124培训计划",
            "organizer": "县委党校"}
    args.update(kw)
    return dev.save_class(s, actor=actor, name=name, **args)


def errors_of(exc) -> dict:
    return dict(exc.value.errors)


def test_class_validation_names_each_field(db, admin):
    with db.session() as s:
        new_class(s, admin)
    with db.session() as s, pytest.raises(DomainError) as e:
        dev.save_class(s, actor=admin, name="2022年年轻干部能力提升班", start=D(2022, 7, 2), end=D(2022, 7, 1),
                       hours="-3", mode="面授")
    errs = errors_of(e)
    assert errs["name"] == "培训班“2022年年轻干部能力提升班”已存在"
    assert errs["end"] == "结束日期不能早于开始日期"
    assert errs["hours"] == "学时不能为负数"
    assert errs["mode"] == "培训形式应为：线上 / 线下 / 线上线下"
    with db.session() as s, pytest.raises(DomainError) as e:
        dev.save_class(s, actor=admin, name=" ", start=None, hours="1.25")
    assert errors_of(e) == {"name": "培训班名称不能为空", "start": "开始日期不能为空", "hours": "学时最多1位小数"}


def test_saving_a_class_unchanged_writes_no_event_and_a_change_writes_before_and_after(db, admin):
    with db.session() as s:
        cid = new_class(s, admin)
    with db.session() as s:
        n = audit.count_events(s)
        v = dev.get_class(s, cid)["version"]
        new_class(s, admin, class_id=cid, version=v)
    with db.session() as s:
        assert audit.count_events(s) == n
        assert dev.get_class(s, cid)["version"] == v
        new_class(s, admin, class_id=cid, hours="36.5")
    with db.session() as s:
        ev = audit.list_events(s, actor=admin, entity="training_class")[0]
        assert ev["action"] == "修改" and ev["before"]["学时"] == "40" and ev["after"]["学时"] == "36.5"
        assert dev.get_class(s, cid)["hours"] == Decimal("36.5")


def test_reader_may_not_add_a_class(db, admin, reader):
    with db.session() as s, pytest.raises(PermissionDenied):
        new_class(s, reader)


def test_add_attendances_twice_adds_nobody_twice(db, admin, unit_id):
    with db.session() as s:
        ids = [add_cadre(s, admin, unit_id, n, seq=f"0{i}1") for i, n in enumerate(("张三", "李四", "王五"))]
        cid = new_class(s, admin)
    with db.session() as s:
        assert dev.add_attendances(s, actor=admin, class_id=cid, cadre_ids=ids[:2]) == (2, 0)
    with db.session() as s:
        before = audit.count_events(s)
        assert dev.add_attendances(s, actor=admin, class_id=cid, cadre_ids=[ids[1], ids[2], ids[2]]) == (1, 1)
    with db.session() as s:
        assert audit.count_events(s) == before + 1
        rows = dev.list_attendances(s, cid)
        assert sorted(r["name"] for r in rows) == ["张三", "李四", "王五"]
        assert all(r["hours"] == Decimal("40") and r["completed"] for r in rows)  # the class's hours
        assert dev.list_classes(s)[0]["attendance"] == 3


def test_attendance_edit_remove_and_class_delete_summary(db, admin, unit_id):
    with db.session() as s:
        a, b = add_cadre(s, admin, unit_id, "张三", seq="011"), add_cadre(s, admin, unit_id, "李四", seq="021")
        cid = new_class(s, admin)
        dev.add_attendances(s, actor=admin, class_id=cid, cadre_ids=[a, b], hours="12.5", completed=False)
    with db.session() as s:
        row = dev.list_attendances(s, cid)[0]
        dev.update_attendance(s, actor=admin, attendance_id=row["id"], completed=True)
        with pytest.raises(DomainError) as e:
            dev.update_attendance(s, actor=admin, attendance_id=row["id"], hours="-1")
        assert errors_of(e) == {"hours": "学时不能为负数"}
    with db.session() as s:
        ev = audit.list_events(s, actor=admin, entity="attendance")[0]
        assert ev["before"]["是否结业"] == "否" and ev["after"]["是否结业"] == "是"
        assert ev["label"].endswith(row["name"])
        assert dev.class_delete_summary(s, cid) == "参训记录 2 条"
        assert dev.remove_attendances(s, actor=admin, attendance_ids=[row["id"]]) == 1
    with db.session() as s:
        assert len(dev.list_attendances(s, cid)) == 1
        assert [t["name"] for t in dev.cadre_trainings(s, b if row["cadre_id"] == a else a)] == ["2022年年轻干部能力提升班"]
        dev.delete_class(s, actor=admin, class_id=cid)
    with db.session() as s:
        assert dev.list_classes(s) == []
        ev = audit.list_events(s, actor=admin, entity="training_class")[0]
        assert ev["action"] == "删除" and len(ev["before"]["参训人员"]) == 1


def test_list_classes_filters_by_plan_year_and_text(db, admin):
    with db.session() as s:
        new_class(s, admin, "甲班")
        new_class(s, admin, "乙班", start=D(2023, 3, 1), end=None, plan="干部网络学院", mode="线上")
        new_class(s, admin, "丙班", start=D(2023, 5, 1), end=None, plan=None, organizer="县委组织部")
    with db.session() as s:
        assert [c["name"] for c in dev.list_classes(s)] == ["丙班", "乙班", "甲班"]  # latest first
        assert [c["name"] for c in dev.list_classes(s, year=2023)] == ["丙班", "乙班"]
        assert [c["name"] for c in dev.list_classes(s, plan="6124培训计划")] == ["甲班"]
        assert [c["name"] for c in dev.list_classes(s, text="组织部")] == ["丙班"]
        assert dev.class_plans(s) == ["6124培训计划", "干部网络学院"]
        assert dev.class_years(s) == [2023, 2022]


# --- resolve_people ------------------------------------------------------------------------


def test_resolve_people_ids_names_ambiguous_unknown_duplicates(db, admin, unit_id):
    x_id = next(make_id("19880101", f"{i:03d}") for i in range(1, 999) if make_id("19880101", f"{i:03d}").endswith("X"))
    with db.session() as s:
        a = cadres.save_cadre(s, actor=admin, data={"id_number": x_id, "name": "张三", "unit_id": unit_id,
                                                    "level": "一般干部"})
        b1 = add_cadre(s, admin, unit_id, "李四", seq="021", post="党政办干事")
        b2 = add_cadre(s, admin, unit_id, "李四", "19910101", seq="031", post="财政所所长")
        c = add_cadre(s, admin, unit_id, "王五", seq="041")
    with db.session() as s:
        res = resolve_people(s, ["", x_id.lower(), " 王五 ", "李四", "赵六", "张三", "522622199007150412",
                                 "王五\t青山镇\t干事", "\u3000"])
    assert res.ids == [a, c]
    assert res.duplicates == ["张三", "王五"]
    assert res.unknown == ["赵六", "522622199007150412"]
    assert len(res.ambiguous) == 1
    line, candidates = res.ambiguous[0]
    assert line == "李四"
    assert {r["id"] for r in candidates} == {b1, b2}
    assert {r["post"] for r in candidates} == {"党政办干事", "财政所所长"}
    assert all(r["unit"] == "青山镇" and r["id_number"] for r in candidates)


# --- postings ------------------------------------------------------------------------------


def posting(cadre_id, **kw):
    data = {"cadre_id": cadre_id, "kind": "驻村第一书记", "place": "石坪村", "field": "乡村振兴",
            "start": D(2022, 3, 1), "end": None}
    data.update(kw)
    return data


def test_posting_validation_messages(db, admin, cadre_id):
    cases = [
        (posting(cadre_id, kind="下派"), "kind", "类型应为：挂职锻炼 / 驻村第一书记 / 驻村队员 / 尖刀班 / 一线任务"),
        (posting(cadre_id, destination="上级机关"), "destination", "只有挂职锻炼填写去向类别"),
        (posting(cadre_id, kind="挂职锻炼", destination="外省"), "destination", "去向类别应为：上级机关 / 先进地区 / 县内"),
        (posting(cadre_id, kind="一线任务", field=None), "field", "一线任务须填写任务领域"),
        (posting(cadre_id, field="抗旱"), "field",
         "任务领域应为：疫情防控 / 乡村振兴 / 脱贫攻坚 / 项目建设 / 防汛救灾 / 三百四千工程 / 生态环保 / 其他"),
        (posting(cadre_id, evaluation="优秀"), "evaluation", "表现评价应为：表现突出 / 良好 / 一般 / 较差"),
        (posting(cadre_id, end=D(2022, 2, 1)), "end", "结束日期不能早于开始日期"),
        (posting(cadre_id, start=None), "start", "开始日期不能为空"),
        (posting(None), "cadre_id", "请选择干部"),
    ]
    for data, attr, message in cases:
        with db.session() as s, pytest.raises(DomainError) as e:
            dev.save_posting(s, actor=admin, data=data)
        assert errors_of(e).get(attr) == message, (attr, e.value.errors)


def test_posting_save_audit_and_duplicate_key(db, admin, cadre_id):
    with db.session() as s:
        pid = dev.save_posting(s, actor=admin, data=posting(cadre_id))
    with db.session() as s:
        n = audit.count_events(s)
        dev.save_posting(s, actor=admin, data=posting(cadre_id), posting_id=pid)  # unchanged
        assert audit.count_events(s) == n
        dev.save_posting(s, actor=admin, data=posting(cadre_id, end=D(2024, 3, 1), evaluation="表现突出"), posting_id=pid)
    with db.session() as s:
        ev = audit.list_events(s, actor=admin, entity="posting")[0]
        assert ev["before"]["结束日期"] is None and ev["after"]["结束日期"] == "2024.03.01"
        assert ev["after"]["表现评价"] == "表现突出" and ev["entity_name"] == "挂职驻村"
        with pytest.raises(DomainError) as e:
            dev.save_posting(s, actor=admin, data=posting(cadre_id, place="别的村"))
        assert "已有同一类型" in errors_of(e)["start"]
    with db.session() as s:
        dev.delete_posting(s, actor=admin, posting_id=pid)
    with db.session() as s:
        assert dev.cadre_postings(s, cadre_id) == []
        assert audit.list_events(s, actor=admin, entity="posting")[0]["action"] == "删除"


def test_posting_filters_under_way_period_kind_field_and_search(db, admin, unit_id, cadre_id):
    today = D(2023, 6, 30)
    with db.session() as s:
        other = add_cadre(s, admin, unit_id, "王五", seq="041")
        p_open = dev.save_posting(s, actor=admin, data=posting(cadre_id))  # 2022.03.01 – open
        p_past = dev.save_posting(s, actor=admin, data=posting(other, kind="一线任务", field="疫情防控",
                                                                start=D(2022, 4, 1), end=D(2022, 5, 15)))
        p_now = dev.save_posting(s, actor=admin, data=posting(other, kind="挂职锻炼", field=None, destination="先进地区",
                                                               place="宁波市鄞州区", start=D(2023, 1, 1), end=D(2023, 12, 31)))
        p_ended_today = dev.save_posting(s, actor=admin, data=posting(other, kind="尖刀班", start=D(2023, 1, 1),
                                                                      end=today))

    def ids(**kw):
        with db.session() as s:
            return {r["id"] for r in dev.list_postings(s, dev.PostingFilter(today=today, **kw))}

    assert ids() == {p_open, p_past, p_now, p_ended_today}
    assert ids(under_way=True) == {p_open, p_now, p_ended_today}  # end blank or ≥ today
    assert ids(since=D(2022, 5, 16), until=D(2022, 12, 31)) == {p_open}
    assert ids(since=D(2022, 5, 15), until=D(2022, 5, 15)) == {p_open, p_past}  # touching counts
    assert ids(until=D(2022, 3, 31)) == {p_open}
    assert ids(kind="一线任务") == {p_past}
    assert ids(field="乡村振兴") == {p_open, p_ended_today}
    assert ids(search="dxx") == {p_open}  # 单雄信 by initials (单 read dan)
    assert ids(search="王五") == {p_past, p_now, p_ended_today}
    assert ids(search="鄞州") == {p_now}
    with db.session() as s:
        r = dev.get_posting(s, p_now)
        assert (r["name"], r["unit"], r["destination"]) == ("王五", "青山镇", "先进地区")
        assert [p["id"] for p in dev.cadre_postings(s, other)] == [p_now, p_ended_today, p_past]
