"""The `cadre` command, driven as an administrator or a script would."""

import json
import random

import openpyxl
import pytest

from cadre_desktop.cli import main
from cadre_desktop.core.values import id_check_digit

from conftest import run_cli as run


@pytest.fixture
def dbarg(db_target):
    return ["--db", db_target]


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗单曾解"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰"


def county_workbook(path, n=300, bad_row=None, seed=7):
    """A county workbook as another program writes it: template headers in its own column order,
    months typed as numbers, Excel dates, a polyphonic surname or two."""
    rng = random.Random(seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "单位"
    ws.append(["排序", "单位名称", "单位类别", "津贴档次"])
    towns = [f"{c}山镇" for c in "东南西北中"]
    for i, t in enumerate(towns):
        ws.append([i + 1, t, "乡镇", ["一档", "二档", "三档"][i % 3]])
    ws.append([9, "县财政局", "县直部门", None])
    ws = wb.create_sheet("干部")
    ws.append(["姓名", "身份证号", "工作单位", "现任职务", "干部层级", "出生年月", "参加工作时间", "全日制学历", "后备干部"])
    rs = wb.create_sheet("简历")
    rs.append(["身份证号", "起始年月", "截止年月", "经历"])
    people = []
    for k in range(n):
        year = rng.randint(1966, 2000)
        first17 = f"520102{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{k:03d}"
        idn = first17 + id_check_digit(first17)
        if bad_row is not None and k == bad_row:
            idn = idn[:17] + ("0" if idn[17] != "0" else "1")
        name = SURNAMES[k % len(SURNAMES)] + GIVEN[(k * 7) % len(GIVEN)] + GIVEN[(k * 3) % len(GIVEN)]
        unit = (towns + ["县财政局"])[k % 6]
        post = f"{unit}{['干事', '副镇长', '科员'][k % 3]}"
        started = float(f"{year + 22}.{rng.randint(1, 12):02d}")  # Excel's habit: 2010.1 for 2010.10
        ws.append([name, idn, unit, post, ["一般干部", "副科级", "正科级"][k % 3], None, started,
                   ["大学本科", "研究生", "大专"][k % 3], "是" if k % 10 == 0 else "否"])
        rs.append([idn, f"{year + 18}.09", f"{year + 22}.07", "某某大学学习"])
        rs.append([idn, f"{year + 22}.08", None, post])
        people.append((idn, name, unit, post))
    wb.save(path)
    return people


def test_import_roster_and_reimport_changes_nothing(signed_in, tmp_path, capsys):
    path = tmp_path / "county.xlsx"
    people = county_workbook(path)
    code, out, err = run([*signed_in, "import", str(path)], capsys)
    assert code == 0, err
    assert "干部: 新增 300, 更新 0" in out and "单位: 新增 6, 更新 0" in out

    code, out, _ = run([*signed_in, "roster", "--json"], capsys)
    roster = {r["id_number"]: r for r in json.loads(out)}
    assert len(roster) == 300
    for idn, name, unit, post in people:
        assert (roster[idn]["name"], roster[idn]["unit"], roster[idn]["post"]) == (name, unit, post)
        assert roster[idn]["tag"] is None

    run([*signed_in, "export", str(tmp_path / "a.xlsx")], capsys)
    code, out, _ = run([*signed_in, "audit", "--json"], capsys)
    events_before = len(json.loads(out))
    code, out, err = run([*signed_in, "import", str(path)], capsys)
    assert code == 0 and "干部: 新增 0, 更新 0" in out and "简历: 新增 0, 更新 0" in out
    code, out, _ = run([*signed_in, "audit", "--json"], capsys)
    assert len(json.loads(out)) == events_before
    run([*signed_in, "export", str(tmp_path / "b.xlsx")], capsys)
    assert sheets_of(tmp_path / "a.xlsx") == sheets_of(tmp_path / "b.xlsx")


def sheets_of(path):
    wb = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_one_bad_id_number_refuses_the_whole_workbook(signed_in, tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    county_workbook(path, n=250, bad_row=137)
    code, out, err = run([*signed_in, "import", str(path)], capsys)
    assert code == 2
    assert "干部!139 身份证号: 号码校验不通过" in err  # row 137 of the data is Excel row 139
    code, out, _ = run([*signed_in, "roster", "--json"], capsys)
    assert json.loads(out) == []


def test_dry_run_checks_and_writes_nothing(signed_in, tmp_path, capsys):
    path = tmp_path / "county.xlsx"
    county_workbook(path, n=20)
    code, out, _ = run([*signed_in, "import", str(path), "--dry-run"], capsys)
    assert code == 0 and "干部: 新增 20, 更新 0" in out
    code, out, _ = run([*signed_in, "roster", "--json"], capsys)
    assert json.loads(out) == []


@pytest.mark.parametrize("query", ["shan", "dan", "曾", "zeng", "ceng", "xie", "jie"])
def test_roster_search_finds_polyphonic_surnames_by_both_readings(signed_in, tmp_path, capsys, query):
    path = tmp_path / "county.xlsx"
    county_workbook(path, n=60)
    run([*signed_in, "import", str(path)], capsys)
    code, out, _ = run([*signed_in, "roster", "--search", query, "--json"], capsys)
    found = json.loads(out)
    assert found, query
    surname = {"shan": "单", "dan": "单", "曾": "曾", "zeng": "曾", "ceng": "曾", "xie": "解",
               "jie": "解"}[query]
    assert any(r["name"].startswith(surname) for r in found)


def test_roster_search_by_id_fragment_and_unit(signed_in, tmp_path, capsys):
    path = tmp_path / "county.xlsx"
    people = county_workbook(path, n=30)
    run([*signed_in, "import", str(path)], capsys)
    idn = people[5][0]
    code, out, _ = run([*signed_in, "roster", "--search", idn[-8:], "--json"], capsys)
    assert [r["id_number"] for r in json.loads(out)] == [idn]
    code, out, _ = run([*signed_in, "roster", "--unit", "县财政局", "--json"], capsys)
    assert {r["unit"] for r in json.loads(out)} == {"县财政局"}


def test_reader_can_read_but_not_import(signed_in, tmp_path, capsys, monkeypatch):
    assert main([*signed_in, "user", "add", "chayue", "--role", "查阅", "--password", "read1234"]) == 0
    path = tmp_path / "county.xlsx"
    county_workbook(path, n=5)
    monkeypatch.setenv("CADRE_USER", "chayue")
    monkeypatch.setenv("CADRE_PASSWORD", "read1234")
    code, out, err = run([*signed_in, "import", str(path)], capsys)
    assert code == 2 and "查阅" in err
    code, out, _ = run([*signed_in, "roster", "--json"], capsys)
    assert code == 0


def test_reader_export_is_masked_and_cannot_be_imported(signed_in, tmp_path, capsys, monkeypatch):
    path = tmp_path / "county.xlsx"
    people = county_workbook(path, n=5)
    run([*signed_in, "import", str(path)], capsys)
    main([*signed_in, "user", "add", "chayue", "--role", "查阅", "--password", "read1234"])
    monkeypatch.setenv("CADRE_USER", "chayue")
    monkeypatch.setenv("CADRE_PASSWORD", "read1234")
    assert main([*signed_in, "export", str(tmp_path / "masked.xlsx")]) == 0
    rows = sheets_of(tmp_path / "masked.xlsx")["干部"]
    assert all("********" in r[0] for r in rows[1:])
    assert not any(p[0] in str(rows) for p in people)
    monkeypatch.setenv("CADRE_USER", "admin")
    monkeypatch.setenv("CADRE_PASSWORD", "pw123456")
    code, _, err = run([*signed_in, "import", str(tmp_path / "masked.xlsx")], capsys)
    assert code == 2 and "脱敏" in err


def test_wrong_password_exits_2(signed_in, capsys, monkeypatch):
    monkeypatch.setenv("CADRE_PASSWORD", "wrong")
    code, _, err = run([*signed_in, "roster"], capsys)
    assert code == 2 and "用户名或密码错误" in err


def test_no_credentials_and_no_terminal_stops_clearly(signed_in, capsys, monkeypatch):
    monkeypatch.delenv("CADRE_USER")
    monkeypatch.delenv("CADRE_PASSWORD")
    monkeypatch.setattr("sys.stdin", open("/dev/null"))
    code, _, err = run([*signed_in, "roster"], capsys)
    assert code == 2 and "CADRE_USER" in err


def test_user_accounts_and_audit(signed_in, capsys):
    assert run([*signed_in, "user", "add", "luru", "--role", "录入员", "--password", "abcd1234"], capsys)[0] == 0
    assert run([*signed_in, "user", "passwd", "luru", "--password", "efgh5678"], capsys)[0] == 0
    code, out, _ = run([*signed_in, "user", "list", "--json"], capsys)
    assert {(u["name"], u["role"]) for u in json.loads(out)} == {("admin", "管理员"), ("luru", "录入员")}
    code, out, _ = run([*signed_in, "audit", "--json"], capsys)
    events = json.loads(out)
    assert [e["action"] for e in events][-2:] == ["新增", "修改"] and events[-1]["label"] == "luru"
    code, out, _ = run([*signed_in, "audit", "--verify"], capsys)
    assert code == 0 and "完整" in out
    code, _, err = run([*signed_in, "user", "add", "x", "--role", "领导", "--password", "abcd1234"], capsys)
    assert code == 2


def test_template_has_every_sheet_with_comments_and_dropdowns(signed_in, tmp_path, capsys):
    out = tmp_path / "t.xlsx"
    assert main([*signed_in, "template", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:6] == ["单位", "干部", "简历", "奖惩", "年度考核", "家庭成员"]
    ws = wb["干部"]
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["身份证号", "姓名", "性别"] and "五类人员" in headers
    assert all(c.comment is not None for c in ws[1])
    lists = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1 for dv in ws.data_validations.dataValidation}
    level_col = openpyxl.utils.get_column_letter(headers.index("干部层级") + 1)
    assert lists[level_col] == '"县级领导,正科级,副科级,一般干部"'


@pytest.mark.sqlite_only
def test_backup_and_restore(signed_in, tmp_path, capsys):
    path = tmp_path / "county.xlsx"
    county_workbook(path, n=10)
    run([*signed_in, "import", str(path)], capsys)
    assert run([*signed_in, "backup", str(tmp_path / "b.sqlite3")], capsys)[0] == 0
    assert run([*signed_in, "restore", str(tmp_path / "b.sqlite3")], capsys)[0] == 0
    code, out, _ = run([*signed_in, "roster", "--json"], capsys)
    assert len(json.loads(out)) == 10


def test_init_demo_refuses_a_database_with_cadres(signed_in, tmp_path, capsys):
    path = tmp_path / "county.xlsx"
    county_workbook(path, n=3)
    run([*signed_in, "import", str(path)], capsys)
    code, _, err = run([*signed_in, "init", "--demo"], capsys)
    assert code == 2 and "演示数据" in err


def test_bad_arguments_exit_2(capsys, dbarg):
    code, _, err = run([*dbarg, "nosuch"], capsys)
    assert code == 2 and "参数错误" in err
