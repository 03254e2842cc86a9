"""Shared fixtures: a fresh database per test, accounts, and a demo county copied from one built
per session.

Every test that touches storage (through `db`, `db_url`, `db_target` or `demo_db`) runs twice: on
an SQLite file and on a real PostgreSQL server started for the session (tests/pg_server.py), each
test on its own database copied from a template migrated once. Tests under tests/ui run on SQLite
only, except those marked `both_engines` (the roster, two clerks in the editor and the unit
dialog). Without PostgreSQL's binaries the PostgreSQL half is skipped, loudly.
"""

from __future__ import annotations

import os
import shutil
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

import pytest

from cadre_desktop.core.db import migrate_database, open_database
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


# One audit key for the whole session (the key normally lives in the data folder, which each
# test gets afresh; the session's templates are built before any test's folder exists).
os.environ.setdefault("CADRE_AUDIT_KEY_FILE", os.path.join(tempfile.mkdtemp(prefix="cadre-key-"), "audit.key"))

ENGINES = ("sqlite", "postgresql")
_PG_MISSING = ("PostgreSQL 未安装（找不到 /usr/lib/postgresql/*/bin/initdb）：PostgreSQL 这一半测试被跳过。"
               "在 Debian 上运行 apt-get install postgresql（.ci/run 会自动安装）。")


def pytest_generate_tests(metafunc):
    """Tests that touch storage run on both engines; the window's tests on SQLite only."""
    if "backend" in metafunc.fixturenames:
        ui = "ui" in metafunc.definition.path.parent.parts[-1:]
        if metafunc.definition.get_closest_marker("postgresql_only"):
            engines = ["postgresql"]
        elif metafunc.definition.get_closest_marker("sqlite_only") or (
                ui and not metafunc.definition.get_closest_marker("both_engines")):
            engines = ["sqlite"]
        else:
            engines = list(ENGINES)
        metafunc.parametrize("backend", engines, indirect=True)


def pytest_report_header(config):
    from tests.pg_server import find_bin

    bindir = find_bin()
    if bindir is None:
        return f"PostgreSQL: {_PG_MISSING}"
    return f"PostgreSQL: {bindir} (a throwaway server is started for the storage tests)"


@pytest.fixture(scope="session")
def pg_server():
    from tests.pg_server import PgServer, find_bin

    bindir = find_bin()
    if bindir is None:
        yield None
        return
    server = PgServer(bindir)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def backend(request, pg_server):
    if request.param == "postgresql" and pg_server is None:
        pytest.skip(_PG_MISSING)
    return request.param


@pytest.fixture(scope="session")
def _pg_template(pg_server):
    """A database migrated to head once; each test's database is copied from it."""
    name = pg_server.create(name="cadre_template")
    database = open_database(pg_server.url(name), migrate=False)
    migrate_database(database)
    database.dispose()
    return name


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "cadre.sqlite3"
    open_database(f"sqlite:///{path}").dispose()
    return path


_DROP_LATER: list[str] = []


def _drop(server, name: str) -> None:
    """Drop a test's database a few tests later: a window's timer or background query may still
    reach it just after its test ended (on SQLite the file simply stays until the session ends)."""
    import sys

    jobs = sys.modules.get("cadre_desktop.ui.jobs")
    if jobs is not None and jobs._POOL is not None:
        jobs.pool().submit(lambda: None).result(timeout=120)  # one worker: everything before is done
    _DROP_LATER.append(name)
    while len(_DROP_LATER) > 6:
        server.drop(_DROP_LATER.pop(0))


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "cadre.sqlite3"


@pytest.fixture
def db_url(request, backend, db_path):
    """The URL of a fresh database at the current schema, on the test's engine."""
    if backend == "sqlite":
        shutil.copy(request.getfixturevalue("_sqlite_template"), db_path)
        yield f"sqlite:///{db_path}"
        return
    server = request.getfixturevalue("pg_server")
    name = server.create(template=request.getfixturevalue("_pg_template"))
    yield server.url(name)
    _drop(server, name)


@pytest.fixture
def db_target(request, backend, tmp_path):
    """What `--db` names for a database that is still empty: an SQLite path, or the URL of an
    empty database on the server (as a server's administrator creates it)."""
    if backend == "sqlite":
        yield str(tmp_path / "cli.sqlite3")
        return
    server = request.getfixturevalue("pg_server")
    name = server.create()
    yield server.url(name)
    _drop(server, name)


def url_of(target: str) -> str:
    """A `--db` target as a URL (what open_database takes)."""
    return target if "://" in target else f"sqlite:///{target}"


@pytest.fixture
def db(db_url):
    database = open_database(db_url)
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


def _load_demo(database) -> None:
    from cadre_desktop.core.services import demo

    with database.session() as s:
        actor = accounts.create_first_admin(s, name=demo.DEMO_USER, password=demo.DEMO_PASSWORD, demo=True)
    with database.session() as s:
        demo.load_demo(s, actor=actor)
    database.dispose()


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory):
    """The demo county, built once per test session; tests get a copy of the file."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    _load_demo(open_database(f"sqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def _pg_demo_template(pg_server, _pg_template):
    name = pg_server.create(template=_pg_template, name="cadre_demo_template")
    _load_demo(open_database(pg_server.url(name)))
    return name


@pytest.fixture
def demo_db(request, backend, tmp_path):
    if backend == "sqlite":
        path = tmp_path / "demo.sqlite3"
        shutil.copy(request.getfixturevalue("_demo_template"), path)
        database = open_database(f"sqlite:///{path}")
        yield database
        database.dispose()
        return
    server = request.getfixturevalue("pg_server")
    name = server.create(template=request.getfixturevalue("_pg_demo_template"))
    database = open_database(server.url(name))
    yield database
    database.dispose()
    _drop(server, name)


@pytest.fixture
def demo_admin() -> Actor:
    return Actor("admin", "管理员")


# --- the command line, run in this process ------------------------------------------------------


def run_cli(args, capsys):
    """`cadre ARGS` in this process: (exit code, stdout, stderr)."""
    from cadre_desktop.cli import main

    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def dbarg(tmp_path):
    """`--db` naming a new SQLite file (a module may override it, e.g. with db_target)."""
    return ["--db", str(tmp_path / "cli.sqlite3")]


@pytest.fixture
def signed_in(dbarg, monkeypatch):
    """The database of `dbarg` made by `cadre init`, signed in as its 管理员 admin."""
    from cadre_desktop.cli import main

    assert main([*dbarg, "init", "--admin-password", "pw123456"]) == 0
    monkeypatch.setenv("CADRE_USER", "admin")
    monkeypatch.setenv("CADRE_PASSWORD", "pw123456")
    return dbarg


def settle(qtbot, *views) -> None:
    """Wait until every background job has finished and each view (page or dialog) has shown every
    answer it asked for (ui.jobs Loads)."""
    from cadre_desktop.ui import jobs

    qtbot.waitUntil(lambda: not jobs._LIVE and not any(v.loads.pending for v in views), timeout=20000)
