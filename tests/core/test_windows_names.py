"""Every file name the program makes is one Windows accepts (no : ? * < > | " \\ /, no reserved
device name, no trailing dot or space), and a database deep in a long Chinese path opens, migrates,
backs up and exports there."""

import re

from cadre_desktop.core import backups
from cadre_desktop.core.db import open_database
from cadre_desktop.core.exchange import lrmx_files
from cadre_desktop.core.printing.render import file_names

WINDOWS_BAD = re.compile(r'[:?*<>|"\\/\x00-\x1f]|[. ]$')
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def windows_safe(name: str) -> bool:
    return not WINDOWS_BAD.search(name) and name.split(".")[0].upper() not in RESERVED and len(name) <= 255


def test_generated_names_are_windows_safe(tmp_path):
    people = [("张:三?", "522622199007150011"), ("CON", "522622199007150022"), ("李四. ", "x"),
              ("王<五>|*", "522622199007150033"), ("王<五>|*", "522622199007150044")]
    for name in file_names(people) + lrmx_files.export_names(people):
        assert windows_safe(name), name
    db_path = tmp_path / "cadre.sqlite3"
    for reason in backups.REASONS:
        assert windows_safe(backups._auto_path(db_path, reason).name)


def test_a_long_chinese_path_works(tmp_path, admin):
    folder = tmp_path
    for i in range(4):  # about 200 characters (SQLite's own limit on Linux is 512 bytes of UTF-8)
        folder = folder / f"县委组织部干部监督科第{i}份工作资料备份文件夹（二〇二六年度）"
    db = open_database(f"sqlite:///{folder / '干部数据.sqlite3'}")
    assert len(str(folder / "干部数据.sqlite3")) > 150
    from cadre_desktop.core.services import accounts, units

    with db.session() as s:
        actor = accounts.create_first_admin(s, name="admin", password="secret2026")
    with db.session() as s:
        units.save_unit(s, actor=actor, name="测试镇", kind="乡镇")
    from cadre_desktop.core.db import backup
    from cadre_desktop.core.exchange import exporter

    copy = backup(db, folder / "手动备份" / "干部数据-20261130-2130.sqlite3")
    assert copy.exists() and copy.stat().st_size > 0
    with db.session() as s:
        exporter.export_workbook(s, actor=actor, path=folder / "干部数据导出.xlsx")
    assert (folder / "干部数据导出.xlsx").stat().st_size > 0
    db.dispose()
