"""`cadre lrmx import PATH… [--allow-no-id]` and `cadre lrmx export --id ID… --out DIR`."""

from __future__ import annotations

from cadre_desktop.cli import main
from cadre_desktop.core.exchange import lrmx
from tests.exchange.lrmx_samples import BAD, ID_QIAN, ID_ZHAO, JPEG, write_samples

from conftest import run_cli as run


def test_import_a_folder_prints_the_summary_and_exits_2_naming_each_refusal(signed_in, tmp_path, capsys):
    folder = write_samples(tmp_path / "in")
    code, out, err = run([*signed_in, "lrmx", "import", str(folder)], capsys)
    assert code == 2
    assert "新增 3，更新 0，无变化 0，拒绝 8" in out
    assert "新增\t赵磊.lrmx\t赵磊" in out
    for name in BAD:
        assert f"拒绝：{name}：" in err
    # the good files are in, marked 待完善
    code, out, _ = run([*signed_in, "roster"], capsys)
    assert code == 0 and "赵磊" in out and "钱小梅" in out and "待完善" in out

    # the same files again: nothing changes, and only good files → exit 0
    code, out, err = run([*signed_in, "lrmx", "import", str(folder / "赵磊.lrmx"), str(folder / "钱小梅.lrmx")], capsys)
    assert code == 0 and "无变化 2" in out and err == ""


def test_export_by_id_writes_named_files_that_read_back(signed_in, tmp_path, capsys):
    folder = write_samples(tmp_path / "in", bad=False)
    assert run([*signed_in, "lrmx", "import", str(folder)], capsys)[0] == 0
    out_dir = tmp_path / "out"
    code, out, err = run([*signed_in, "lrmx", "export", "--id", ID_ZHAO, ID_QIAN, "--out", str(out_dir)], capsys)
    assert code == 0, err
    assert sorted(p.name for p in out_dir.iterdir()) == ["赵磊.lrmx", "钱小梅.lrmx"]
    again = lrmx.read_path(out_dir / "赵磊.lrmx")
    assert again.data["id_number"] == ID_ZHAO and again.data["photo"] == JPEG

    code, _, err = run([*signed_in, "lrmx", "export", "--id", "110101199001010000", "--out", str(out_dir)], capsys)
    assert code == 2 and "找不到身份证号为 110101199001010000 的干部" in err


def test_a_reader_cannot_import(signed_in, tmp_path, capsys, monkeypatch):
    assert main([*signed_in, "user", "add", "reader", "--role", "查阅", "--password", "read1234"]) == 0
    monkeypatch.setenv("CADRE_USER", "reader")
    monkeypatch.setenv("CADRE_PASSWORD", "read1234")
    folder = write_samples(tmp_path / "in", bad=False)
    code, _, err = run([*signed_in, "lrmx", "import", str(folder)], capsys)
    assert code == 2 and "不能导入" in err


def test_allow_no_id_takes_in_a_form_without_a_valid_id_number(signed_in, tmp_path, capsys):
    from tests.exchange.lrmx_samples import NO_ID

    path = tmp_path / "周正.lrmx"
    path.write_text(NO_ID, "utf-8")
    code, out, err = run([*signed_in, "lrmx", "import", str(path)], capsys)
    assert code == 2 and "拒绝：周正.lrmx：" in err and "--allow-no-id" in err
    code, out, err = run([*signed_in, "lrmx", "import", "--allow-no-id", str(path)], capsys)
    assert code == 0 and "新增 1" in out
    code, out, _ = run([*signed_in, "roster", "--json"], capsys)
    assert '"name": "周正"' in out and '"id_number": null' in out
