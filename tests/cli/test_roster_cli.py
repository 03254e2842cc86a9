"""`cadre import` of a county's own roster: header detection and synonyms, --mapping for the
rest, --create-units for units the database lacks; then `cadre roster --json` lists them."""

import json

import pytest

from tests.exchange import county_roster as cr

from conftest import run_cli as run


def write_mapping(tmp_path, columns):
    path = tmp_path / "对应.json"
    path.write_text(json.dumps({"columns": columns}, ensure_ascii=False), "utf-8")
    return str(path)


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_a_county_roster_imports_through_the_mapping(signed_in, capsys, tmp_path, kind):
    if kind == "xls":
        pytest.importorskip("xlwt", reason="xlwt writes the .xls; without it no .xls can be made here")
        path = str(cr.write_xls(tmp_path / "花名册.xls"))
    else:
        path = str(cr.write_xlsx(tmp_path / "花名册.xlsx"))
    mapping = write_mapping(tmp_path, {"学历": "在职学历", "档案编号": None})

    code, out, err = run([*signed_in, "import", path, "--mapping", mapping], capsys)
    assert code == 2
    assert "以下单位系统中没有：青山镇、县农业农村局、红旗街道" in err
    assert "花名册!5 现工作单位: 单位“青山镇”不存在" in err and "未导入任何数据" in err

    code, out, err = run([*signed_in, "import", path, "--mapping", mapping, "--create-units", "--dry-run"], capsys)
    assert code == 0, err
    assert "干部: 新增 4, 更新 0" in out and "未写入" in out
    code, out, _ = run([*signed_in, "roster", "--json"], capsys)
    assert json.loads(out) == []

    code, out, err = run([*signed_in, "import", path, "--mapping", mapping, "--create-units"], capsys)
    assert code == 0, err
    assert "单位: 新增 3, 更新 0" in out and "干部: 新增 4, 更新 0" in out
    assert "新建单位：青山镇（乡镇）、县农业农村局（县直部门）、红旗街道（街道）" in out
    assert "表头在第 3, 4 行" in err and "花名册!12: 合计或说明，已跳过" in err

    code, out, _ = run([*signed_in, "roster", "--json"], capsys)
    rows = {r["name"]: r for r in json.loads(out)}
    assert set(rows) == {"张国强", "李晓梅", "王建华", "赵丽"}
    assert (rows["张国强"]["unit"], rows["张国强"]["post"], rows["张国强"]["post_since"], rows["张国强"]["rank"]) == \
        ("青山镇", "党委副书记、镇长", "2021.09", "正科级")
    assert (rows["王建华"]["unit"], rows["王建华"]["post_since"], rows["王建华"]["rank_since"]) == \
        ("县农业农村局", "2019.11", "2020.06")
    assert rows["赵丽"]["unit"] == "红旗街道" and rows["赵丽"]["id_number"] == cr.ID_D


def test_unmapped_required_columns_and_a_bad_mapping_are_refused(signed_in, capsys, tmp_path):
    path = str(cr.write_xlsx(tmp_path / "花名册.xlsx"))
    skip_id = write_mapping(tmp_path, {"公民身份号码": None})
    code, _, err = run([*signed_in, "import", path, "--mapping", skip_id, "--create-units"], capsys)
    assert code == 2
    assert "花名册!3 身份证号: 缺少必填列：没有哪一列对应“身份证号”" in err
    wrong = write_mapping(tmp_path, {"学历": "最高学历"})
    code, _, err = run([*signed_in, "import", path, "--mapping", wrong], capsys)
    assert code == 2 and "“最高学历”不是干部表的列" in err
    code, _, err = run([*signed_in, "import", path, "--mapping", str(tmp_path / "none.json")], capsys)
    assert code == 2 and "找不到映射文件" in err
