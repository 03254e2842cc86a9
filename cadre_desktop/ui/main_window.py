"""The main window: navigation on the left, the pages, the 文件 menu, the status bar."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow, QStackedWidget, QWidget,
)

from .. import config
from ..core.services import maintenance
from ..core.values import DomainError
from .common import FRAME, TITLE_BAR, available_size, confirm, inform, refuse
from .jobs import Job, run_job
from .page_kit import elided_tips, elided_tips_in
from .state import AppState


def opens_maximised(saved: QSize | None, screen: QSize, minimum: QSize | None = None) -> bool:
    """Whether the window opens maximised: the first time (nothing `saved`) on a screen smaller than
    the preferred size, or when the saved window (restoring clamps it to the screen) or the window's
    own minimum does not fit the screen with room for a title bar."""
    room_w, room_h = screen.width() - FRAME, screen.height() - TITLE_BAR
    if minimum is not None and (minimum.width() > room_w or minimum.height() > room_h):
        return True
    if saved is None:
        return screen.width() < MainWindow.PREFERRED[0] or screen.height() < MainWindow.PREFERRED[1] + TITLE_BAR
    return saved.width() > room_w or saved.height() > room_h


# The navigation: (label, module under ui, page class, permission needed to see it).
PAGES = (
    ("首页", "overview_page", "OverviewPage", "read"),
    ("干部档案", "roster_page", "RosterPage", "read"),
    ("单位", "units_page", "UnitsPage", "read"),
    ("年轻干部库", "young_page", "YoungPage", "read"),
    ("教育培训", "training_page", "TrainingPage", "read"),
    ("挂职驻村", "postings_page", "PostingsPage", "read"),
    ("选拔任用", "appointments_page", "AppointmentsPage", "read"),
    ("表彰奖励", "commendations_page", "CommendationsPage", "read"),
    ("关心关爱", "care_page", "CarePage", "read"),
    ("津贴待遇", "allowance_page", "AllowancePage", "read"),
    ("结对帮带", "mentoring_page", "MentoringPage", "read"),
    ("容错纠错", "tolerance_page", "TolerancePage", "read"),
    ("班子结构", "teams_page", "TeamsPage", "read"),
    ("规则检查", "rules_page", "RulesPage", "read"),
    ("统计报表", "report_page", "ReportPage", "read"),
    ("操作记录", "audit_page", "AuditPage", "admin"),
    ("账号", "accounts_page", "AccountsPage", "admin"),
)


ROSTER = "干部档案"
ROSTER_MODULE = next(module for label, module, _cls, _perm in PAGES if label == ROSTER)


class LazyPages(Mapping):
    """The window's pages by name, in navigation order. Every permitted page is listed (and has its
    navigation entry) from the start; a page is built the first time it is looked up (`pages[name]`,
    iterating `values()` / `items()` builds them all) and put in the stack in place of its stand-in.
    `built()` is the pages built so far, without building the rest."""

    def __init__(self, window: MainWindow):
        self._window = window
        self._names: list[str] = []
        self._classes: dict[str, tuple[str, str]] = {}
        self._built: dict[str, QWidget] = {}

    def declare(self, name: str, module: str, cls: str) -> None:
        self._names.append(name)
        self._classes[name] = (module, cls)
        self._window.stack.addWidget(QWidget())  # stand-in until the page is built
        QListWidgetItem(name, self._window.nav)

    def add(self, name: str, page: QWidget) -> None:
        self._names.append(name)
        self._built[name] = page
        self._window.stack.addWidget(page)
        QListWidgetItem(name, self._window.nav)
        self._window._wire(name, page)

    def __getitem__(self, name: str) -> QWidget:
        page = self._built.get(name)
        if page is not None:
            return page
        if name not in self._classes:
            raise KeyError(name)
        module, cls = self._classes[name]
        page_cls = getattr(importlib.import_module(f"{__package__}.{module}"), cls)
        page = page_cls(self._window.state)
        self._built[name] = page
        stack = self._window.stack
        index = self._names.index(name)
        stand_in = stack.widget(index)
        was_current = stack.currentWidget() is stand_in
        stack.insertWidget(index, page)
        stack.removeWidget(stand_in)
        stand_in.deleteLater()
        self._window._wire(name, page)
        if was_current:
            stack.setCurrentWidget(page)
            self._window._update_print_action()
        return page

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._names))

    def __len__(self) -> int:
        return len(self._names)

    def index(self, name: str) -> int:
        return self._names.index(name)

    def name_at(self, row: int) -> str:
        return self._names[row]

    def is_built(self, name: str) -> bool:
        return name in self._built

    def built(self) -> dict[str, QWidget]:
        return {n: self._built[n] for n in self._names if n in self._built}


# What start-up leaves out, loaded on a thread a little after the window is up, so that the first
# save of a cadre (pinyin for the search text) does not pay for it on the GUI thread.
WARM_UP_MS = 3000


def warm_up() -> None:
    def run() -> None:
        from ..core.search import search_text
        from .jobs import collector_paused

        # a read as far as the collector goes: loading pypinyin's dictionaries set off a full
        # collection of a heap holding 100,000 roster rows on this thread, and the GUI thread
        # waited for the GIL throughout (a 152 ms freeze 3 s after start; 35-47 ms paused)
        with collector_paused():
            search_text("张三")  # pypinyin's dictionaries and segmenter

    threading.Thread(target=run, name="warm-up", daemon=True).start()


class MainWindow(QMainWindow):
    def __init__(self, state: AppState):
        super().__init__()
        self.state = state
        title = config.APP_TITLE
        if state.demo:
            title += " —— 演示数据（虚构县，仅供试用）"
        elif state.db.path is not None:
            title += f" —— {state.db.path.name}"
        self.setWindowTitle(title)

        self.nav = QListWidget()
        elided_tips(self.nav)
        self.nav.setFixedWidth(132)
        self.nav.setStyleSheet("QListWidget { font-size: 11pt; } QListWidget::item { padding: 8px 10px; }")
        self.stack = QStackedWidget()
        # Every page is built the first time it is selected or looked up in `pages`; the roster and
        # the page the window opens on are built just after the window, one step per pass of the
        # event loop (`_start_up`), so that no step holds the GUI thread long.
        self.pages = LazyPages(self)
        for label, module, cls, permission in PAGES:
            if state.actor.can(permission):
                self.pages.declare(label, module, cls)
        self.nav.setCurrentRow(0)  # before the signal is connected: the stand-in is shown
        self.nav.currentRowChanged.connect(self._select_row)
        self._start_steps = iter(self._start_up())
        QTimer.singleShot(0, self, self._next_start_step)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._build_menus()
        self._update_print_action()
        who = QLabel(f"当前用户：{state.actor.name}（{state.actor.role}）")
        self.statusBar().addPermanentWidget(who)
        if state.demo:
            self.statusBar().showMessage("演示县的数据均为虚构，修改只影响演示数据库。")
        self._restore()
        QTimer.singleShot(WARM_UP_MS, self, warm_up)


    @property
    def roster(self) -> QWidget:
        """The 干部档案 page (built now if start-up has not reached it yet)."""
        return self.pages[ROSTER]

    def _start_up(self) -> Iterator:
        """What start-up builds after the window, one step per pass of the event loop: the roster's
        module, the roster (its first rows are then read on its query thread), the page the window
        opens on. A step whose page the clerk or a caller has already built costs nothing."""
        if ROSTER in self.pages:
            # the roster's module in two steps: the services it reads, then the page and its kit
            yield lambda: [importlib.import_module(f"{__package__.rpartition('.')[0]}.core.services.{name}")
                           for name in ("cadres", "tolerance", "units")]
            yield lambda: importlib.import_module(f"{__package__}.{ROSTER_MODULE}")
            yield lambda: self.pages[ROSTER]
        if len(self.pages):
            yield lambda: self.pages[self.pages.name_at(self.nav.currentRow())]

    def _next_start_step(self) -> None:
        step = next(self._start_steps, None)
        if step is None:
            return
        step()
        QTimer.singleShot(0, self, self._next_start_step)

    def add_page(self, name: str, page: QWidget) -> None:
        """A page built elsewhere, added at the end of the navigation."""
        self.pages.add(name, page)

    def _wire(self, name: str, page: QWidget) -> None:
        """A page just built: its place in the stack, and its signals to the window and the roster."""
        page.setProperty("pageTitle", name)  # the name a printed or exported list carries
        elided_tips_in(page)  # a cut-off cell of any of its lists shows its whole text on hover
        roster = self.pages.built().get(ROSTER)
        # Pages that list cadres open a cadre's file through the roster's editor.
        if hasattr(page, "open_cadre") and page is not roster:
            if roster is not None:
                page.open_cadre.connect(roster.open_cadre)
            else:  # the roster is not built yet: build it when a cadre is first opened
                page.open_cadre.connect(lambda *a: self.pages[ROSTER].open_cadre(*a))
        if hasattr(page, "import_requested"):
            page.import_requested.connect(self.import_workbook)
        if hasattr(page, "export_requested"):
            page.export_requested.connect(self.export_workbook)
        if hasattr(page, "navigate"):  # a page that sends the clerk to another page
            page.navigate.connect(self.show_page)

    def _select_row(self, row: int) -> None:
        if 0 <= row < len(self.pages):
            self.pages[self.pages.name_at(row)]  # built on first selection, before it is shown
        self.stack.setCurrentIndex(row)
        self._update_print_action()

    def show_page(self, name: str) -> None:
        if name in self.pages:
            self.nav.setCurrentRow(self.pages.index(name))

    def _build_menus(self) -> None:
        can_import = self.state.actor.can("import")
        is_admin = self.state.actor.can("admin")
        file_menu = self.menuBar().addMenu("文件(&F)")
        if can_import:
            act = QAction("导入工作簿…", self, shortcut=QKeySequence("Ctrl+I"), triggered=self.import_workbook)
            file_menu.addAction(act)
            file_menu.addAction(QAction("导入任免审批表…", self, triggered=self.import_lrmx))
            file_menu.addAction(QAction("导入花名册…", self, triggered=self.import_roster))
        file_menu.addAction(QAction("导出数据交换工作簿…", self, shortcut=QKeySequence("Ctrl+E"),
                                    triggered=self.export_workbook))
        file_menu.addAction(QAction("保存空白导入模板…", self, triggered=self.save_template))
        file_menu.addSeparator()
        # Prints the current page's form; enabled only on a page that has one (see page_kit.Printable).
        self.act_print = QAction("打印…", self, shortcut=QKeySequence("Ctrl+P"), triggered=self.print_current_page)
        file_menu.addAction(self.act_print)
        if is_admin:
            file_menu.addSeparator()
            file_menu.addAction(QAction("设置…", self, triggered=self.edit_settings))
        if is_admin and self.state.db.is_sqlite:
            file_menu.addSeparator()
            file_menu.addAction(QAction("备份数据库…", self, triggered=self.backup_database))
            file_menu.addAction(QAction("从备份恢复…", self, triggered=self.restore_database))
        file_menu.addSeparator()
        file_menu.addAction(QAction("退出", self, shortcut=QKeySequence("Ctrl+Q"), triggered=self.close))
        help_menu = self.menuBar().addMenu("帮助(&H)")
        help_menu.addAction(QAction("使用手册", self, shortcut=QKeySequence("F1"), triggered=self.open_manual))
        help_menu.addAction(QAction("关于", self, triggered=self.about))

    # -- file menu -------------------------------------------------------------------------
    # The exchange dialogs (openpyxl) are imported when first used, not at start.
    def import_workbook(self) -> None:
        from .exchange_dialogs import ImportDialog

        ImportDialog(self.state, self).exec()

    def export_workbook(self) -> None:
        from .exchange_dialogs import ExportDialog

        ExportDialog(self.state, self).exec()

    def save_template(self) -> None:
        from .exchange_dialogs import save_template

        save_template(self, self.state)

    def import_lrmx(self) -> None:
        from .lrmx_dialogs import LrmxImportDialog

        LrmxImportDialog(self.state, self).exec()

    def import_roster(self) -> None:
        from .roster_import_dialog import RosterImportDialog

        RosterImportDialog(self.state, self).exec()

    def current_page(self) -> QWidget:
        return self.stack.currentWidget()

    def _update_print_action(self) -> None:
        if not hasattr(self, "act_print"):  # the menus are not built yet
            return
        page = self.current_page()
        self.act_print.setEnabled(bool(getattr(page, "can_print", None) and page.can_print()
                                       or getattr(page, "act_print_list", None) is not None))

    def print_current_page(self) -> None:
        page = self.current_page()
        if getattr(page, "can_print", None) and page.can_print():
            page.print_current()
        elif getattr(page, "act_print_list", None) is not None:
            page.act_print_list.trigger()  # the page's list as shown

    def backup_database(self) -> Job | None:
        from datetime import datetime

        default = str(Path(self.state.last_folder()) / f"干部数据备份-{datetime.now():%Y%m%d-%H%M}.sqlite3")
        path, _ = QFileDialog.getSaveFileName(self, "备份到", default, "数据库备份 (*.sqlite3)")
        if not path:
            return None
        self.state.remember_folder(path)
        state = self.state

        def done(out) -> None:
            state.changes.emit("audit")
            inform(self, f"已备份到：\n{out}")

        return run_job(self, "备份数据库",
                       lambda _p, _c: maintenance.backup_database(state.db, actor=state.actor, out=path),
                       on_success=done, on_failure=self._maintenance_failed, cancellable=False)

    def restore_database(self) -> Job | None:
        path, _ = QFileDialog.getOpenFileName(self, "选择备份文件", self.state.last_folder(), "数据库备份 (*.sqlite3)")
        if not path:
            return None
        if not confirm(self, f"用备份“{Path(path).name}”替换当前全部数据？\n\n先检查备份文件；当前数据会先自动备份一份。"
                             "正在进行的导入或保存会先完成。", "从备份恢复", "恢复"):
            return None
        state = self.state

        def done(safety) -> None:
            state.changes.emit("*")
            inform(self, f"已恢复。恢复前的数据已备份到：\n{safety}")

        # off the GUI thread: the restore may wait for another clerk's import to finish
        return run_job(self, "从备份恢复",
                       lambda _p, _c: maintenance.restore_database(state.db, actor=state.actor, source=path),
                       on_success=done, on_failure=self._maintenance_failed, cancellable=False)

    def _maintenance_failed(self, error: BaseException) -> None:
        from .errors import show_unexpected

        if isinstance(error, DomainError):
            refuse(self, error)
        else:
            show_unexpected(error)

    def edit_settings(self) -> None:
        from .settings_dialog import SettingsDialog

        SettingsDialog(self.state, self).exec()

    def open_manual(self) -> None:
        from .help_dialog import ManualDialog

        self.manual = ManualDialog(self)
        self.manual.finished.connect(self.manual.deleteLater)
        self.manual.open()

    def about(self) -> None:
        inform(self, f"{config.APP_TITLE}\n\n县委组织部干部档案与激励工作管理。\n数据库：{self.state.db.path or '共享数据库'}",
               "关于")

    # -- remembering -----------------------------------------------------------------------
    # The size the window opens at on a screen with room for it; a smaller screen (a 1366 × 768
    # laptop) opens it maximised.
    PREFERRED = (1280, 800)

    def _restore(self) -> None:
        """The saved size and place; the first time, or when the saved window does not fit this
        screen, the preferred size — maximised on a screen smaller than that."""
        screen = self.screen().availableGeometry()
        geometry = self.state.settings.value("window/geometry")
        restored = isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)
        if restored and self.isMaximized():
            return
        saved = self.size() if restored else None
        if not opens_maximised(saved, screen.size(), self.minimumSizeHint()):
            if saved is None:
                self.resize(*self.PREFERRED)
            return
        avail = available_size(self)
        self.resize(min(self.PREFERRED[0], avail.width()), min(self.PREFERRED[1], avail.height()))
        self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.state.settings.setValue("window/geometry", self.saveGeometry())
        for page in self.pages.built().values():
            if hasattr(page, "save_settings"):
                page.save_settings()
        self.state.settings.sync()
        super().closeEvent(event)
