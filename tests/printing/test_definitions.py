"""Form definitions: the shipped ones load; a broken one is refused naming the file, the line and
the problem."""

from __future__ import annotations

import pytest

from cadre_desktop.core.printing import FormDefinitionError, appointment, lists, tolerance_case
from cadre_desktop.core.printing.definition import load
from cadre_desktop.core.resources import resource_path

SHIPPED = {
    "appointment-form": appointment.FIELDS,
    "roster": lists.ROSTER_FIELDS,
    "mentoring-register": lists.MENTORING_FIELDS,
    "tolerance-case": tolerance_case.FIELDS,
}


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_definitions_load(name):
    defn = load(name, SHIPPED[name])
    assert defn.title and defn.kind in ("grid", "table", "flow")


def _broken(tmp_path, old: str, new: str, name: str = "appointment-form"):
    text = resource_path("forms", f"{name}.toml").read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    line = text[:text.index(new)].count("\n") + 1 + (new[:new.find("\x00")].count("\n") if "\x00" in new else 0)
    with pytest.raises(FormDefinitionError) as err:
        load(name, SHIPPED[name], path=path)
    return err.value, line


def test_a_syntax_error_names_file_and_line(tmp_path):
    err, line = _broken(tmp_path, 'height = 12.2\n', 'height = 12.2\ncells = [ { label = "民  族", span = 2 \n')
    assert err.file == "appointment-form.toml"
    assert err.line is not None and line <= err.line <= line + 3
    assert "appointment-form.toml" in err.message and f"第{err.line}行" in err.message


def test_an_unknown_key_names_its_line(tmp_path):
    err, line = _broken(tmp_path, '  { field = "sex" },', '  { field = "sex", colour = "red" },')
    assert err.line == line and "colour" in err.problem and "单元格" in err.problem


def test_an_unknown_field_names_its_line(tmp_path):
    err, line = _broken(tmp_path, '  { field = "ethnicity" },', '  { field = "ethnic" },')
    assert err.line == line and "没有字段“ethnic”" in err.problem


def test_a_bad_width_names_its_line(tmp_path):
    err, line = _broken(tmp_path, "width = 165.8\n", "width = -165.8\n")
    assert err.line == line and "width" in err.problem


def test_widths_not_summing_are_refused(tmp_path):
    err, line = _broken(tmp_path, "columns = [13.8, 4.2, 23.0,", "columns = [13.8, 4.2, 25.0,")
    assert err.line == line and "各列宽之和 167.8" in err.problem and "165.8" in err.problem


def test_a_row_with_too_many_cells_is_refused(tmp_path):
    err, line = _broken(tmp_path, '  { field = "birthplace" },', '  { field = "birthplace" },\n  { label = "多余" },')
    assert err.line == line + 1 and "第2行的单元格超出了 8 列" in err.problem


def test_an_unknown_style_is_refused(tmp_path):
    err, line = _broken(tmp_path, 'style = "resume", padding = 2.0', 'style = "简历体", padding = 2.0')
    assert err.line == line and "简历体" in err.problem


def test_an_unknown_font_role_is_refused(tmp_path):
    err, line = _broken(tmp_path, '[styles.label]\nfont = "宋体"', '[styles.label]\nfont = "隶书"')
    assert err.line == line + 1 and "隶书" in err.problem


def test_a_table_definition_with_a_bad_column(tmp_path):
    err, line = _broken(tmp_path, 'field = "post"\nwidth = 60', 'field = "post"\nwidth = 600', name="roster")
    assert err.line == line + 1 and "width" in err.problem


def test_a_county_definition_in_the_data_folder_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("CADRE_DATA_DIR", str(tmp_path / "data"))
    own = tmp_path / "data" / "forms"
    own.mkdir(parents=True)
    text = resource_path("forms", "roster.toml").read_text(encoding="utf-8").replace('text = "干部花名册"', 'text = "云岭县干部花名册"')
    (own / "roster.toml").write_text(text, encoding="utf-8")
    assert load("roster", lists.ROSTER_FIELDS).data["heading"]["text"] == "云岭县干部花名册"
