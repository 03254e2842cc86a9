"""Start-up: the QApplication with a Chinese font and Chinese Qt dialogs, the database, sign-in,
the main window."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import time
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QDialog

from .. import config
from ..core.db import open_database
from ..core.resources import resource_path
from ..core.services import accounts
from ..core.values import DomainError
from .common import refuse
from .errors import install_excepthook, setup_logging, show_unexpected


_START = time.perf_counter()  # for the start-up time in the log


def resources_dir() -> Path:
    """resources/ in a checkout, an installed package or a PyInstaller build."""
    return resource_path("fonts").parent


# The window's shipped fonts: the Chinese face, then a face for the marks it lacks (✗ ⚠ …).
UI_FONT = "wqy-microhei.ttc"
FALLBACK_FONTS = ("DejaVuSans.ttf",)
# A system Chinese UI font where the PC has one; the shipped fonts after it.
SYSTEM_UI_FAMILIES = ("Microsoft YaHei", "微软雅黑", "SimSun")


def register_fonts(app: QApplication) -> str | None:
    """Register the shipped fonts so Chinese, and every mark the window uses, shows on a PC with
    no Chinese fonts at all. Returns the Chinese family; the fallback families follow it in the
    application font's family list, where Qt looks for a character the earlier ones lack."""
    def add(name: str) -> str | None:
        font_id = QFontDatabase.addApplicationFont(str(resources_dir() / "fonts" / name))
        found = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        return found[0] if found else None

    family = add(UI_FONT)
    families = [f for f in (family, *map(add, FALLBACK_FONTS)) if f]
    if families:
        font = QFont(app.font())
        font.setFamilies([*SYSTEM_UI_FAMILIES, *families])
        font.setPointSize(10)
        app.setFont(font)
    return family


def install_translations(app: QApplication) -> None:
    """Qt's own dialogs (file pickers, message boxes) speak Chinese."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    where = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        tr = QTranslator(app)
        if tr.load(name, where) or tr.load(name, str(resources_dir() / "translations")):
            app.installTranslator(tr)
            app._translators = getattr(app, "_translators", []) + [tr]
            break


# How long a thread holding the GIL keeps it when another asks (Python's default: 5 ms). The GUI
# thread asks for it at every call into Python while it paints (each cell's data(), each
# delegate); while a query thread builds rows it got the GIL once per 5 ms, and a paint of one
# screen of the roster (a few thousand such calls) stood still until the read ended.
GIL_SWITCH_S = 0.001


def make_app(argv: list[str] | None = None) -> QApplication:
    sys.setswitchinterval(GIL_SWITCH_S)
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName(config.APP_NAME)
    app.setOrganizationName(config.APP_NAME)
    app.setApplicationDisplayName(config.APP_TITLE)
    register_fonts(app)
    install_translations(app)
    return app


def sign_in_state(db, *, demo: bool, parent=None):
    """Sign in (or create the first 管理员 on an empty database); returns an AppState or None."""
    from .signin import FirstAdminDialog, SignInDialog
    from .state import AppState

    if demo:
        from ..core.services import demo as demo_service

        with db.session() as s:
            actor = accounts.authenticate(s, name=demo_service.DEMO_USER, password=demo_service.DEMO_PASSWORD)
        return AppState(db=db, actor=actor, demo=True)
    with db.session() as s:
        empty = not accounts.has_accounts(s)
    dialog = FirstAdminDialog(db, parent) if empty else SignInDialog(db, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return AppState(db=db, actor=dialog.actor)


def warn_network_share(url: str, parent=None) -> None:
    """An SQLite file on a network share: say once why the shared server is the way (core.netshare)."""
    from ..core.netshare import network_share_warning

    warning = network_share_warning(url)
    if warning:
        from PySide6.QtWidgets import QMessageBox

        logging.getLogger("cadre_desktop").warning("database on a network share: %s", url)
        QMessageBox.warning(parent, "数据库在网络共享文件夹上", warning)


def open_demo_database():
    """The demo county in its own file (demo.sqlite3), created on first use."""
    from ..core.services import demo as demo_service

    db = open_database(config.resolve_target(str(config.demo_db_path())))
    with db.session() as s:
        if not accounts.has_accounts(s):
            actor = accounts.create_first_admin(s, name=demo_service.DEMO_USER, password=demo_service.DEMO_PASSWORD,
                                                  demo=True)
        else:
            actor = accounts.Actor(demo_service.DEMO_USER, accounts.ADMIN)
    from sqlalchemy import func, select

    from ..core.models import Cadre

    with db.session() as s:
        if not s.scalar(select(func.count()).select_from(Cadre)):
            demo_service.load_demo(s, actor=actor)
    return db


def start_daily_backup(db) -> threading.Thread:
    """The day's first backup of a local SQLite file, copied on a thread while the window is in
    use (an interrupted copy leaves only a .part file, removed at the next open)."""
    from ..core import backups

    def run() -> None:
        try:
            backups.daily_backup(db.path)
        except Exception:  # noqa: BLE001 - a failed daily copy is logged; the clerk's work goes on
            logging.getLogger("cadre_desktop").exception("daily backup failed")

    thread = threading.Thread(target=run, name="daily-backup", daemon=True)
    thread.start()
    return thread


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cadre-desktop", description="干部激励工作台")
    parser.add_argument("--demo", action="store_true", help="打开演示县（独立的演示数据库）")
    parser.add_argument("--db", help="SQLite 文件路径或 SQLAlchemy URL")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])

    app = make_app()
    setup_logging()
    install_excepthook()
    try:
        url = config.resolve_target(args.db)
        if not args.demo:
            warn_network_share(url)
        db = open_demo_database() if args.demo else open_database(url, daily_backup=False)
    except DomainError as e:
        refuse(None, e, "无法打开数据库")
        return 2
    except Exception as e:  # noqa: BLE001 - shown once, logged
        show_unexpected(e)
        return 1
    state = sign_in_state(db, demo=args.demo)
    if state is None:
        return 0
    from .main_window import MainWindow

    window = MainWindow(state)
    window.show()
    if not args.demo:
        start_daily_backup(db)
    shown = time.perf_counter() - _START
    logging.getLogger("cadre_desktop").info(
        "main window shown %.2f s after start (%s)", shown, "demo" if args.demo else state.db.url.split("///")[-1])
    if os.environ.get("CADRE_SMOKE"):
        # packaging/smoke.sh: say the window is up (with its start time) and quit once it has painted.
        if sys.stdout is not None:
            print(f"cadre-desktop: main window shown {shown:.2f} s after start", flush=True)
        QTimer.singleShot(0, app.quit)
    code = app.exec()
    db.dispose()
    return code
