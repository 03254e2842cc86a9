"""Shared fixtures: a fresh SQLite file per test (migrated like a real one), accounts, and a
demo county copied from one built per session."""

from __future__ import annotations

import os
import shutil

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

import pytest

from cadre_desktop.core.db import open_database
from cadre_desktop.core.services import accounts, units
from cadre_desktop.core.services.accounts import Actor
from cadre_desktop.core.values import Month, id_check_digit


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    """Every test gets its own data folder and settings, never the user's."""
    monkeypatch.setenv("CADRE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CADRE_DB", raising=False)
    monkeypatch.delenv("CADRE_USER", raising=False)
    monkeypatch.delenv("CADRE_PASSWORD", raising=False)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "cadre.sqlite3"


@pytest.fixture
def db(db_path):
    database = open_database(f"sqlite:///{db_path}")
    yield database
    database.dispose()


@pytest.fixture
def admin(db) -> Actor:
    with db.session() as s:
        return accounts.create_first_admin(s, name="admin", password="secret12")


@pytest.fixture
def clerk(db, admin) -> Actor:
    with db.session() as s:
        accounts.add_account(s, actor=admin, name="clerk", role="录入员", password="clerk123")
    return Actor("clerk", "录入员")


@pytest.fixture
def reader(db, admin) -> Actor:
    with db.session() as s:
        accounts.add_account(s, actor=admin, name="reader", role="查阅", password="reader12")
    return Actor("reader", "查阅")


def make_id(birth: str = "19900715", seq: str = "001", area: str = "522622") -> str:
    """A valid ID number; seq's last digit odd = man, even = woman."""
    first17 = area + birth + seq
    return first17 + id_check_digit(first17)


def write_xlsx(path, sheets: dict[str, list[list]]):
    """A workbook as another program writes it: each sheet's rows as lists, header row first."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def import_xlsx(db, actor, path, **kw):
    """Import a workbook file through the one importer, in one session; returns its result."""
    from cadre_desktop.core.exchange import importer
    from cadre_desktop.core.exchange.workbook import WorkbookSource

    with db.session() as s:
        return importer.run_import(s, actor=actor, source=WorkbookSource.open(path), **kw)


@pytest.fixture
def unit_id(db, admin) -> int:
    with db.session() as s:
        return units.save_unit(s, actor=admin, name="青山镇", kind="乡镇", tier="二档", sort_order=1)


@pytest.fixture
def cadre_id(db, admin, unit_id) -> int:
    from cadre_desktop.core.services import cadres

    with db.session() as s:
        return cadres.save_cadre(s, actor=admin, data={
            "id_number": make_id(), "name": "单雄信", "unit_id": unit_id, "level": "副科级", "post": "青山镇副镇长",
            "resumes": [{"start": Month(2012, 7), "end": None, "text": "青山镇副镇长"}],
        })


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory):
    """The demo county, built once per test session; tests get a copy of the file."""
    from cadre_desktop.core.services import demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    database = open_database(f"sqlite:///{path}")
    with database.session() as s:
        actor = accounts.create_first_admin(s, name=demo.DEMO_USER, password=demo.DEMO_PASSWORD, demo=True)
    with database.session() as s:
        demo.load_demo(s, actor=actor)
    database.dispose()
    return path


@pytest.fixture
def demo_db(_demo_template, tmp_path):
    path = tmp_path / "demo.sqlite3"
    shutil.copy(_demo_template, path)
    database = open_database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.fixture
def demo_admin() -> Actor:
    return Actor("admin", "管理员")
