"""Every field has its length (from the model), refused with the field's name wherever the value
comes from; every database error a clerk can cause becomes a Chinese message, in one place."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from cadre_desktop.cli import main
from cadre_desktop.core.db import open_database, translate_error
from cadre_desktop.core.models import Cadre, Unit
from cadre_desktop.core.services import cadres, development, units
from cadre_desktop.core.services.labels import length_errors, max_lengths
from cadre_desktop.core.values import DomainError

from conftest import import_xlsx, make_id, write_xlsx

LONG_POST = "青山镇党委副书记" * 32  # 256 characters; 现任职务 holds 200


def test_lengths_come_from_the_model():
    assert max_lengths(Cadre)["post"] == 200 and max_lengths(Cadre)["name"] == 50
    assert length_errors(Cadre, {"post": LONG_POST, "name": "甲"}) == [("post", "不能超过 200 个字")]


def test_a_too_long_post_is_refused_by_the_service_with_its_label(db, admin, cadre_id):
    with db.session() as s, pytest.raises(DomainError) as refused:
        cadres.save_cadre(s, actor=admin, data={"post": LONG_POST}, cadre_id=cadre_id)
    assert ("post", "不能超过 200 个字") in refused.value.errors
    assert "现任职务：不能超过 200 个字" in str(refused.value)
    with db.session() as s:
        assert cadres.get_cadre(s, cadre_id)["post"] == "青山镇副镇长"


def test_a_too_long_value_from_any_path_is_refused_before_the_database(db, admin, unit_id):
    """The last guard, on every flush: a value that slipped past a service's own checks."""
    with pytest.raises(DomainError, match="现任职务: 不能超过 200 个字"), db.session() as s:
        s.add(Cadre(id_number=make_id(), name="甲", sex="男", birth=None, post=LONG_POST, reserve=False,
                    status="在职", search_text="", education_rank=None))
    with pytest.raises(DomainError, match="培训班名称"), db.session() as s:
        development.save_class(s, actor=admin, name="班" * 201, start=__import__("datetime").date(2022, 1, 1))


def test_the_workbook_names_sheet_row_and_column_of_a_too_long_value(db, admin, unit_id, tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"干部": [
        ["身份证号", "姓名", "工作单位", "干部层级", "现任职务"],
        [make_id("19900715", "011"), "甲", "青山镇", "副科级", LONG_POST],
    ]})
    result = import_xlsx(db, admin, path)
    assert "干部!2 现任职务: 不能超过 200 个字" in [str(p) for p in result.errors]
    with db.session() as s:
        assert s.query(Cadre).count() == 0


def test_the_command_line_refuses_a_too_long_value_with_exit_2(db, db_url, admin, unit_id, tmp_path, capsys,
                                                              monkeypatch):
    path = write_xlsx(tmp_path / "w.xlsx", {"干部": [
        ["身份证号", "姓名", "工作单位", "干部层级", "现任职务"],
        [make_id("19900715", "011"), "甲", "青山镇", "副科级", LONG_POST],
    ]})
    monkeypatch.setenv("CADRE_USER", "admin")
    monkeypatch.setenv("CADRE_PASSWORD", "secret12")
    assert main(["--db", db_url, "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "现任职务: 不能超过 200 个字" in err and "Traceback" not in err


def test_a_duplicate_that_reaches_the_database_names_the_field(db, admin, unit_id):
    with pytest.raises(DomainError, match="与已有记录重复（单位名称）"), db.session() as s:
        s.add(Unit(name="青山镇", kind="乡镇", sort_order=2))


@pytest.mark.postgresql_only
def test_a_raw_too_long_value_on_the_server_is_a_message(db):
    with pytest.raises(DomainError, match="超过了允许的长度"), db.session() as s:
        s.execute(text("INSERT INTO unit (name, kind, sort_order, version) VALUES (:n, '乡镇', 0, 1)"),
                  {"n": "镇" * 101})


@pytest.mark.postgresql_only
def test_a_server_that_cannot_be_reached_is_a_message(backend, capsys):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here
    url = f"postgresql+psycopg://cadre@127.0.0.1:{port}/cadre"
    with pytest.raises(DomainError, match="与数据库服务器的连接中断"):
        open_database(url)
    assert main(["--db", url, "roster"]) == 2
    err = capsys.readouterr().err
    assert "与数据库服务器的连接中断" in err and "Traceback" not in err


def test_unexpected_errors_are_not_dressed_up():
    assert translate_error(ValueError("x")) is None
