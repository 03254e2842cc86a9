"""The main window: navigation on the left, the pages, the 文件 menu, the status bar."""

from __future__ import annotations

import importlib
from pathlib import Path

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow, QStackedWidget, QWidget,
)

from .. import config
from ..core.services import maintenance
from ..core.values import DomainError
from .common import confirm, inform, refuse
from .exchange_dialogs import ExportDialog, ImportDialog, save_template
from .jobs import Job, run_job
from .state import AppState


# The navigation: (label, module under ui, page class, permission needed to see it).
PAGES = (
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
    ("规则检查", "rules_page", "RulesPage", "read"),
    ("操作记录", "audit_page", "AuditPage", "admin"),
    ("账号", "accounts_page", "AccountsPage", "admin"),
)


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
        self.nav.setFixedWidth(132)
        self.nav.setStyleSheet("QListWidget { font-size: 11pt; } QListWidget::item { padding: 8px 10px; }")
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        for label, module, cls, permission in PAGES:
            if not state.actor.can(permission):
                continue
            page_cls = getattr(importlib.import_module(f"{__package__}.{module}"), cls)
            self.add_page(label, page_cls(state))
        self.roster = self.pages["干部档案"]
        for page in self.pages.values():
            # Pages that list cadres open a cadre's file through the roster's editor.
            if hasattr(page, "open_cadre") and page is not self.roster:
                page.open_cadre.connect(self.roster.open_cadre)
            if hasattr(page, "import_requested"):
                page.import_requested.connect(self.import_workbook)
            if hasattr(page, "export_requested"):
                page.export_requested.connect(self.export_workbook)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._build_menus()
        who = QLabel(f"当前用户：{state.actor.name}（{state.actor.role}）")
        self.statusBar().addPermanentWidget(who)
        if state.demo:
            self.statusBar().showMessage("演示县的数据均为虚构，修改只影响演示数据库。")
        self.resize(1280, 800)
        self._restore()

    def add_page(self, name: str, page: QWidget) -> None:
        self.pages[name] = page
        self.stack.addWidget(page)
        QListWidgetItem(name, self.nav)

    def show_page(self, name: str) -> None:
        self.nav.setCurrentRow(list(self.pages).index(name))

    def _build_menus(self) -> None:
        can_import = self.state.actor.can("import")
        is_admin = self.state.actor.can("admin")
        file_menu = self.menuBar().addMenu("文件(&F)")
        if can_import:
            act = QAction("导入工作簿…", self, shortcut=QKeySequence("Ctrl+I"), triggered=self.import_workbook)
            file_menu.addAction(act)
            file_menu.addAction(QAction("导入任免审批表…", self, triggered=self.import_lrmx))
            file_menu.addAction(QAction("导入花名册…", self, triggered=self.import_roster))
        file_menu.addAction(QAction("导出工作簿…", self, shortcut=QKeySequence("Ctrl+E"),
                                    triggered=self.export_workbook))
        file_menu.addAction(QAction("保存空白导入模板…", self, triggered=lambda: save_template(self, self.state)))
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
        help_menu.addAction(QAction("关于", self, triggered=self.about))

    # -- file menu -------------------------------------------------------------------------
    def import_workbook(self) -> None:
        ImportDialog(self.state, self).exec()

    def export_workbook(self) -> None:
        ExportDialog(self.state, self).exec()

    def import_lrmx(self) -> None:
        from .lrmx_dialogs import LrmxImportDialog

        LrmxImportDialog(self.state, self).exec()

    def import_roster(self) -> None:
        from .roster_import_dialog import RosterImportDialog

        RosterImportDialog(self.state, self).exec()

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

    def about(self) -> None:
        inform(self, f"{config.APP_TITLE}\n\n县委组织部干部档案与激励工作管理。\n数据库：{self.state.db.path or '共享数据库'}",
               "关于")

    # -- remembering -----------------------------------------------------------------------
    def _restore(self) -> None:
        geometry = self.state.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.state.settings.setValue("window/geometry", self.saveGeometry())
        for page in self.pages.values():
            if hasattr(page, "save_settings"):
                page.save_settings()
        self.state.settings.sync()
        super().closeEvent(event)
