"""任免审批表 .lrmx: reading files as the official editor and other tools write them, refusing
hostile and broken ones, writing them back, and the round trip."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from cadre_desktop.core.masking import mask_value
from cadre_desktop.core.exchange import lrmx, lrmx_files
from cadre_desktop.core.models import AuditEvent, Cadre
from cadre_desktop.core.services import cadres
from cadre_desktop.core.values import Month
from tests.exchange.lrmx_samples import (
    BAD, ID_LI, ID_QIAN, ID_SUN, ID_ZHAO, JPEG, OFFICIAL, OTHER_TOOL, PNG, write_samples,
)


@pytest.fixture
def folder(tmp_path):
    return write_samples(tmp_path / "任免表")


def by_name(plans):
    return {p.file_name: p for p in plans}


def test_folder_imports_the_good_files_and_refuses_each_bad_one_by_name(db, clerk, folder):
    with db.session() as s:
        summary = lrmx_files.import_files(s, actor=clerk, paths=[folder])
    assert sorted(p.file_name for p in summary.added) == sorted(["赵磊.lrmx", "钱小梅.lrmx", "孙立军.lrmx"])
    refused = {p.file_name: p.reason for p in summary.refused}
    assert set(refused) == set(BAD)
    for name, (_, expected) in BAD.items():
        assert expected in refused[name], (name, refused[name])
    assert "旧版任免表 .lrm 格式" in refused["旧版.lrm"]

    with db.session() as s:
        zhao = cadres.get_cadre(s, cadres.find_by_id_number(s, ID_ZHAO).id)
        qian = cadres.get_cadre(s, cadres.find_by_id_number(s, ID_QIAN).id)
        sun = cadres.get_cadre(s, cadres.find_by_id_number(s, ID_SUN).id)
        assert s.query(Cadre).count() == 3  # nothing from the refused files
    # the official editor's file
    assert zhao["name"] == "赵磊" and zhao["sex"] == "男" and zhao["birth"] == Month(1985, 3)
    assert zhao["party_joined"] == Month(2008, 6) and zhao["political_status"] == "中共党员"
    assert zhao["incomplete"] and zhao["unit_id"] is None and zhao["level"] is None  # 待完善
    assert zhao["ft_education_text"] == "大学" and zhao["ip_education_text"] == "研究生"
    assert zhao["age_date"] == dt.date(2023, 6, 1) and zhao["form_filler"] == "王芳"
    assert [(r["start"], r["end"]) for r in zhao["resumes"]] == [
        (Month(2003, 9), Month(2007, 7)), (Month(2007, 7), Month(2012, 6)), (Month(2012, 6), Month(2016, 9)),
        (Month(2016, 9), None)]
    assert zhao["resumes"][1]["text"].endswith("（其间：2008.09--2010.07在省委党校经济管理专业在职研究生学习）")
    assert [(a["year"], a["result"]) for a in zhao["appraisals"]] == [(2018, "合格"), (2019, "合格"), (2020, "优秀")]
    assert [(r["date"], r["kind"], r["approver"]) for r in zhao["rewards"]] == [
        (dt.date(2019, 5, 1), "奖励", "中共XX县委")]
    assert [(f["relation"], f["name"], f["birth"], f["work"]) for f in zhao["family"]] == [
        ("妻子", "李娜", Month(1987, 1), "XX县第一中学教师"), ("父亲", "赵大山", Month(1958, 4), "已去世")]
    assert zhao["photo"] == JPEG
    # another tool's file
    assert qian["birth"] == Month(1990, 7) and qian["sex"] == "女" and qian["ethnicity"] == "苗族"
    assert qian["work_started"] == Month(2012, 8)
    assert qian["party_joined"] == Month(2015, 6) and qian["political_status"] == "民盟盟员"
    assert [(r["start"], r["end"], r["text"]) for r in qian["resumes"]] == [
        (Month(2008, 9), Month(2012, 7), "贵州师范大学数学专业学习"),
        (Month(2012, 8), Month(2015, 6), "XX县第二中学教师"),
        (Month(2015, 6), Month(2019, 3), "XX县教育局办公室副主任\n负责教育统计工作"),
        (Month(2019, 3), None, "县教育局副局长")]
    assert [(a["year"], a["result"]) for a in qian["appraisals"]] == [(2020, "优秀"), (2021, "合格")]
    assert qian["rewards"] == [] and qian["proposed_post"] is None
    assert [(f["name"], f["birth"]) for f in qian["family"]] == [("孙强", Month(1989, 3))]
    assert qian["photo"] == PNG
    # the minimal file: blank birth month from the ID number, yyyyMMdd and yyyy.MM.dd dates
    assert sun["name"] == "孙立军" and sun["birth"] == Month(1978, 11) and sun["sex"] == "男"
    assert sun["work_started"] == Month(1999, 7) and sun["party_joined"] == Month(2001, 7)
    assert [(r["start"], r["end"]) for r in sun["resumes"]] == [(Month(1999, 7), Month(2003, 5)), (Month(2003, 5), None)]
    assert sun["photo"] is None


def test_import_is_audited_per_file(db, clerk, folder):
    with db.session() as s:
        lrmx_files.import_files(s, actor=clerk, paths=[folder / "赵磊.lrmx"])
    with db.session() as s:
        events = [(e.action, e.account) for e in s.query(AuditEvent).order_by(AuditEvent.id)]
    assert ("新增", "clerk") in events and ("导入任免表", "clerk") in events


def _fields(record: lrmx.LrmxRecord) -> dict:
    d = dict(record.data)
    d.pop("photo", None)
    return d


def test_exported_file_matches_its_source_field_for_field(db, clerk, folder, tmp_path):
    with db.session() as s:
        lrmx_files.import_files(s, actor=clerk, paths=[folder])
        ids = [cadres.find_by_id_number(s, n).id for n in (ID_ZHAO, ID_QIAN, ID_SUN)]
    out = tmp_path / "导出"
    with db.session() as s:
        written = lrmx_files.export_cadres(s, actor=clerk, cadre_ids=ids, out_dir=out, today=dt.date(2024, 1, 2))
    assert [p.name for p in written] == ["赵磊.lrmx", "钱小梅.lrmx", "孙立军.lrmx"]
    for name in ("赵磊.lrmx", "钱小梅.lrmx", "孙立军.lrmx"):
        source = lrmx.read_path(folder / name)
        again = lrmx.read_path(out / name)
        src, dst = _fields(source), _fields(again)
        # The service completes sex and birth from the ID number; everything the file carried is as it came.
        for k, v in src.items():
            if v not in (None, [], ""):
                assert dst[k] == v, (name, k)
        assert again.data.get("photo") == source.data.get("photo")  # the photo's bytes, identical
        assert again.extra.get("unknown") == source.extra.get("unknown")
        assert again.extra["texts"] | {"TianBiaoShiJian": None} == source.extra["texts"] | {"TianBiaoShiJian": None}

    official = (out / "赵磊.lrmx").read_bytes()
    assert official.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<Person>\n  <XingMing>')  # no BOM
    text = official.decode("utf-8")
    tags = re.findall(r"^  <(\w+)>", text, re.M)
    assert tags == list(lrmx.OFFICIAL)  # every official element, in order, two-space indents
    assert "<ZhuanYeJiShuZhiWu></ZhuanYeJiShuZhiWu>" in text
    assert "2003.09--2007.07  贵州大学法学专业学习&#13;\n2007.07--2012.06  青山镇党政办科员&#13;\n" in text
    assert "<JiangChengQingKuang>2019年05月，经中共XX县委批准，授予优秀共产党员称号。</JiangChengQingKuang>" in text
    assert "<TianBiaoShiJian>20230515</TianBiaoShiJian>" in text and "<Version>3.2.1.16</Version>" in text
    assert text.count("<Item>") == 2  # the blank padding items are not carried
    # another tool's file: unknown elements back after the element they followed, texts as they came
    other = (out / "钱小梅.lrmx").read_text("utf-8")
    assert "  <ChuShengNianYue>199007</ChuShengNianYue>\n  <DaoLingNianYue>205007</DaoLingNianYue>\n" in other
    assert other.rstrip().endswith("<Version>3.2.1.16</Version>\n  <GaiGeQianRenZhiNianLingJieXian>55"
                                   "</GaiGeQianRenZhiNianLingJieXian>\n</Person>")
    assert "<RuDangShiJian>201506；民盟</RuDangShiJian>" in other
    assert "<NianDuKaoHeJieGuo>2020年年度考核优秀;2021年年度考核合格。</NianDuKaoHeJieGuo>" in other
    assert "<ZhengZhiMianMao>民盟盟员</ZhengZhiMianMao>" in other
    assert "<TianBiaoShiJian>20240102</TianBiaoShiJian>" in other  # it had none: the day of export


def test_an_edited_list_is_written_from_the_records_not_the_old_text(db, clerk, folder, tmp_path):
    with db.session() as s:
        lrmx_files.import_files(s, actor=clerk, paths=[folder / "赵磊.lrmx"])
        cid = cadres.find_by_id_number(s, ID_ZHAO).id
    with db.session() as s:
        data = cadres.get_cadre(s, cid)
        data["appraisals"] = data["appraisals"] + [{"year": 2021, "result": "称职"}]
        cadres.save_cadre(s, actor=clerk, data={"appraisals": data["appraisals"]}, cadre_id=cid)
    with db.session() as s:
        (path,) = lrmx_files.export_cadres(s, actor=clerk, cadre_ids=[cid], out_dir=tmp_path / "o")
    text = path.read_text("utf-8")
    assert "<NianDuKaoHeJieGuo>2018年度考核合格；2019年度考核合格；2020年度考核优秀；2021年度考核称职。</NianDuKaoHeJieGuo>" in text
    # the rewards list was not edited: its text goes back exactly as it came
    assert "<JiangChengQingKuang>2019年05月，经中共XX县委批准，授予优秀共产党员称号。</JiangChengQingKuang>" in text
    again = lrmx.read_path(path)
    assert [(a["year"], a["result"]) for a in again.data["appraisals"]][-1] == (2021, "称职")


def test_a_file_for_an_existing_cadre_shows_the_changes_before_applying(db, clerk, cadre_id, tmp_path):
    with db.session() as s:
        existing = cadres.get_cadre(s, cadre_id)
    path = tmp_path / "单雄信.lrmx"
    path.write_text(f"""<Person><XingMing>单雄信</XingMing><ShenFenZheng>{existing['id_number']}</ShenFenZheng>
<XianRenZhiWu>青山镇党委委员、副镇长</XianRenZhiWu><MinZu>汉</MinZu>
<JianLi>2012.07--  青山镇副镇长</JianLi></Person>""", "utf-8")
    with db.session() as s:
        (plan,) = lrmx_files.plan_import(s, [path])
    assert plan.status == "update"
    changes = {k: (b, a) for k, b, a in plan.changes}
    assert changes["现任职务"] == ("青山镇副镇长", "青山镇党委委员、副镇长")
    assert changes["民族"] == ("（空）", "汉族")
    assert "简历" not in changes  # the same entry, written another way
    with db.session() as s:
        assert cadres.get_cadre(s, cadre_id)["post"] == "青山镇副镇长"  # planning wrote nothing
        summary = lrmx_files.apply_import(s, actor=clerk, plans=[plan])
    assert [p.file_name for p in summary.updated] == ["单雄信.lrmx"]
    with db.session() as s:
        after = cadres.get_cadre(s, cadre_id)
    assert after["post"] == "青山镇党委委员、副镇长" and after["unit_id"] == existing["unit_id"]
    assert after["level"] == "副科级" and not after["incomplete"]  # what the file does not carry is kept
    with db.session() as s:
        (again,) = lrmx_files.plan_import(s, [path])
    assert again.status == "same" and again.changes == []


def test_a_file_that_breaks_a_rule_is_refused_with_the_rule_and_the_others_import(db, clerk, tmp_path, folder):
    bad = tmp_path / "b" / "性别不符.lrmx"
    bad.parent.mkdir()
    bad.write_text(f"<Person><XingMing>李四</XingMing><XingBie>男</XingBie><ShenFenZheng>{ID_LI}</ShenFenZheng>"
                   "</Person>", "utf-8")
    late = tmp_path / "b" / "考核年度.lrmx"
    late.write_text(f"<Person><XingMing>李四</XingMing><ShenFenZheng>{ID_LI}</ShenFenZheng>"
                    "<JianLi>这一行没有年月</JianLi></Person>", "utf-8")
    with db.session() as s:
        summary = lrmx_files.import_files(s, actor=clerk, paths=[bad, late, folder / "赵磊.lrmx"])
    refused = {p.file_name: p.reason for p in summary.refused}
    assert "性别：与身份证号不符，身份证号显示为女" in refused["性别不符.lrmx"]
    assert "简历第 1 行" in refused["考核年度.lrmx"]
    assert [p.file_name for p in summary.added] == ["赵磊.lrmx"]


def test_the_same_id_twice_in_one_batch_imports_the_first(db, clerk, folder, tmp_path):
    copy = tmp_path / "副本.lrmx"
    copy.write_bytes((folder / "赵磊.lrmx").read_bytes())
    with db.session() as s:
        summary = lrmx_files.import_files(s, actor=clerk, paths=[folder / "赵磊.lrmx", copy])
    assert [p.file_name for p in summary.added] == ["赵磊.lrmx"]
    assert "同一身份证号" in summary.refused[0].reason


def test_oversized_file_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "大.lrmx"
    path.write_bytes(b"<Person>" + b" " * 2048 + b"</Person>")
    monkeypatch.setattr(lrmx, "MAX_BYTES", 1024)
    with pytest.raises(lrmx.LrmxError, match="文件过大"):
        lrmx.read_path(path)


def test_a_reader_account_cannot_import_and_exports_masked(db, reader, folder, clerk, tmp_path):
    from cadre_desktop.core.values import PermissionDenied

    with db.session() as s, pytest.raises(PermissionDenied):
        lrmx_files.import_files(s, actor=reader, paths=[folder / "赵磊.lrmx"])
    with db.session() as s:
        lrmx_files.import_files(s, actor=clerk, paths=[folder / "赵磊.lrmx"])
        cid = cadres.find_by_id_number(s, ID_ZHAO).id
    with db.session() as s:
        (path,) = lrmx_files.export_cadres(s, actor=reader, cadre_ids=[cid], out_dir=tmp_path / "r")
    assert f"<ShenFenZheng>{mask_value(ID_ZHAO)}</ShenFenZheng>" in path.read_text("utf-8")


@pytest.mark.parametrize("text, expected", [
    ("198509", Month(1985, 9)), ("19850915", Month(1985, 9)), ("1985.09", Month(1985, 9)),
    ("1985.9.15", Month(1985, 9)), ("1985-09", Month(1985, 9)), ("", None),
])
def test_every_date_shape(text, expected):
    assert lrmx.read_month(text or None, "出生年月") == expected


@pytest.mark.parametrize("line, start, end, text", [
    ("1985.09--1989.07  贵州大学学习", Month(1985, 9), Month(1989, 7), "贵州大学学习"),
    ("1985.09—1989.07 学习", Month(1985, 9), Month(1989, 7), "学习"),
    ("198509-198907 学习", Month(1985, 9), Month(1989, 7), "学习"),
    ("1985.09－1989.07  学习", Month(1985, 9), Month(1989, 7), "学习"),
    ("1985.09~1989.07  学习", Month(1985, 9), Month(1989, 7), "学习"),
    ("1985.09～1989.07  学习", Month(1985, 9), Month(1989, 7), "学习"),
    ("1985.09至1989.07  学习", Month(1985, 9), Month(1989, 7), "学习"),
    ("  2012.07--至今  副镇长", Month(2012, 7), None, "副镇长"),
    ("2012.07--         副镇长", Month(2012, 7), None, "副镇长"),
])
def test_resume_line_shapes(line, start, end, text):
    assert lrmx.read_resume(line) == [{"start": start, "end": end, "text": text}]


@pytest.mark.parametrize("text, items", [
    ("2021年度考核优秀", [(2021, "优秀")]),
    ("2018、2019年年度考核均为合格。", [(2018, "合格"), (2019, "合格")]),
    ("2020年年度考核优秀;2021年年度考核合格。", [(2020, "优秀"), (2021, "合格")]),
    ("2019年度考核基本称职", [(2019, "基本称职")]),
    ("无", []),
])
def test_appraisal_texts(text, items):
    assert [(a["year"], a["result"]) for a in lrmx.read_appraisals(text)] == items


def test_party_field_shapes():
    assert lrmx.read_party("199806") == (Month(1998, 6), "中共党员")
    assert lrmx.read_party("民盟") == (None, "民盟盟员")
    assert lrmx.read_party("199806；民盟") == (Month(1998, 6), "民盟盟员")
    assert lrmx.read_party(None) == (None, None)


def test_export_names_are_windows_safe_and_distinct():
    names = lrmx_files.export_names([("张伟", "522622199001010011"), ("张伟", "522622199202020022"),
                                     ("李/强?", "522622199303030033"), ("CON", "522622199404040044")])
    assert names == ["张伟_0011.lrmx", "张伟_0022.lrmx", "李_强_.lrmx", "_CON.lrmx"]


def test_kept_extra_is_plain_json(db, clerk, folder):
    with db.session() as s:
        lrmx_files.import_files(s, actor=clerk, paths=[folder / "钱小梅.lrmx"])
        kept = json.loads(cadres.find_by_id_number(s, ID_QIAN).lrmx)
    assert kept["unknown"] == [["ChuShengNianYue", "<DaoLingNianYue>205007</DaoLingNianYue>"],
                               ["ChuShengNianYue", None],  # where ZhengZhiMianMao stood
                               ["JianLi", '<KuoZhanXinXi laiyuan="xx">\n        <BeiZhu>县里自加的扩展信息</BeiZhu>\n'
                                          '    </KuoZhanXinXi>'],
                               ["Version", "<GaiGeQianRenZhiNianLingJieXian>55</GaiGeQianRenZhiNianLingJieXian>"]]
    assert kept["texts"]["NianDuKaoHeJieGuo"] == "2020年年度考核优秀;2021年年度考核合格。"


def test_sources_are_what_they_claim():
    assert OFFICIAL.count("\r\n") > 50 and "\r\n" not in OTHER_TOOL
    assert "'1.0'" in OTHER_TOOL and "    <XingMing>" in OTHER_TOOL
    assert ID_LI != ID_ZHAO


def test_a_form_without_a_valid_id_number_imports_only_when_confirmed(db, clerk, tmp_path):
    from tests.exchange.lrmx_samples import NO_ID

    path = tmp_path / "周正.lrmx"
    path.write_text(NO_ID, "utf-8")
    with db.session() as s:
        (plan,) = lrmx_files.plan_import(s, [path])
        assert plan.status == "confirm" and "身份证号“52262219790601001”无效" in plan.reason
        summary = lrmx_files.apply_import(s, actor=clerk, plans=[plan])
    assert summary.added == [] and "--allow-no-id" in summary.refused[0].reason
    with db.session() as s:
        assert s.query(Cadre).count() == 0
        summary = lrmx_files.import_files(s, actor=clerk, paths=[path], allow_no_id=True)
    assert [p.file_name for p in summary.added] == ["周正.lrmx"]
    with db.session() as s:
        (c,) = s.query(Cadre).all()
        assert c.id_number is None and c.name == "周正" and c.sex == "男" and c.birth == Month(1979, 6)
        assert c.incomplete and "52262219790601001" in c.notes
        # the clerk completes it later in the editor: the ID number is then checked as always
        data = cadres.get_cadre(s, c.id)
        cadres.save_cadre(s, actor=clerk, data={"post": "XX乡党委副书记"}, cadre_id=c.id)
        with pytest.raises(cadres.DomainError, match="校验位错误"):
            cadres.save_cadre(s, actor=clerk, data={"id_number": "522622197906010010"}, cadre_id=c.id)
    assert data["id_number"] is None


def test_a_form_without_id_number_sex_or_birth_is_refused_even_when_allowed(db, clerk, folder):
    with db.session() as s:
        summary = lrmx_files.import_files(s, actor=clerk, paths=[folder / "无身份证.lrmx"], allow_no_id=True)
    (refused,) = summary.refused
    assert "没有身份证号时须填写性别" in refused.reason and "没有身份证号时须填写出生年月" in refused.reason


def test_migrating_to_0003_keeps_every_row_that_refers_to_a_cadre(tmp_path):
    """0003 rebuilds the cadre table on SQLite: rows referring to it (ON DELETE CASCADE) must survive."""
    from alembic import command
    from sqlalchemy import text

    from cadre_desktop.core.db import alembic_config, open_database

    path = tmp_path / "old.sqlite3"
    database = open_database(f"sqlite:///{path}", migrate=False)
    cfg = alembic_config()
    with database.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
        conn.execute(text("insert into unit (id, name, kind, sort_order, version) values (1, '青山镇', '乡镇', 1, 1)"))
        conn.execute(text(
            "insert into cadre (id, id_number, name, sex, birth, unit_id, level, reserve, status, search_text, version)"
            f" values (1, '{ID_ZHAO}', '赵磊', '男', 198503, 1, '副科级', 0, '在职', '', 1)"))
        conn.execute(text("insert into resume (cadre_id, seq, start, text) values (1, 0, 200707, '青山镇科员')"))
    database.dispose()
    database = open_database(f"sqlite:///{path}")
    with database.engine.connect() as conn:
        assert conn.execute(text("select count(*) from resume")).scalar() == 1
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    with database.session() as s:
        c = cadres.find_by_id_number(s, ID_ZHAO)
        assert c.lrmx is None and [r.text for r in c.resumes] == ["青山镇科员"]
    database.dispose()


def test_ten_family_members_are_read_and_written_in_order(db, clerk, tmp_path):
    from tests.exchange.lrmx_samples import ID_LI

    items = "".join(f"<Item><ChengWei>亲属{i}</ChengWei><XingMing>成员{i}</XingMing><ChuShengRiQi>19{50 + i}01"
                    f"</ChuShengRiQi><ZhengZhiMianMao>群众</ZhengZhiMianMao><GongZuoDanWeiJiZhiWu>"
                    f"{'已故' if i == 0 else '务农'}</GongZuoDanWeiJiZhiWu></Item>" for i in range(10))
    path = tmp_path / "李.lrmx"
    path.write_text(f"<Person><XingMing>李娟</XingMing><ShenFenZheng>{ID_LI}</ShenFenZheng>"
                    f"<JiaTingChengYuan>{items}</JiaTingChengYuan></Person>", "utf-8")
    with db.session() as s:
        lrmx_files.import_files(s, actor=clerk, paths=[path])
        cid = cadres.find_by_id_number(s, ID_LI).id
    with db.session() as s:
        family = cadres.get_cadre(s, cid)["family"]
        (out,) = lrmx_files.export_cadres(s, actor=clerk, cadre_ids=[cid], out_dir=tmp_path / "o")
    assert [f["name"] for f in family] == [f"成员{i}" for i in range(10)]
    assert family[0]["work"] == "已故" and family[9]["birth"] == Month(1959, 1)
    assert [f["name"] for f in lrmx.read_path(out).data["family"]] == [f"成员{i}" for i in range(10)]


def test_a_form_declared_gb2312_is_read_in_that_encoding():
    from tests.exchange.lrmx_samples import ID_LI

    raw = (f'<?xml version="1.0" encoding="GB2312"?>\r\n<Person><XingMing>李娟</XingMing>'
           f'<ShenFenZheng>{ID_LI.lower()}</ShenFenZheng></Person>').encode("gb2312")
    record = lrmx.read_bytes(raw)
    assert record.data["name"] == "李娟" and record.id_problem is None
