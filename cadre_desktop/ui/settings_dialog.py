"""设置 (管理员): the county-wide settings that are not tied to one page — the young-cadre bound, how many automatic backups to keep.

The mentoring intervals and the tolerance colour table are edited on their own pages.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QSpinBox

from ..core.services import settings
from ..core.values import DomainError
from .page_kit import FormDialog
from .state import AppState


class SettingsDialog(FormDialog):
    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("设置")
        self.young_age = QSpinBox()
        self.young_age.setRange(18, 60)
        self.young_age.setSuffix(" 岁")
        with state.session() as s:
            self.young_age.setValue(settings.young_age(s))
        self.add_field("young_age", "年轻干部年龄上限", self.young_age)
        self.backup_keep = QSpinBox()
        self.backup_keep.setRange(1, 100)
        self.backup_keep.setSuffix(" 份")
        with state.session() as s:
            self.backup_keep.setValue(int(settings.get(s, "backup_keep")))
        self.add_field("backup_keep", "自动备份保留份数", self.backup_keep)
        self.backup_keep.setToolTip("每天首次打开、每次导入、迁移和恢复之前自动备份数据库，只保留最新的这么多份。")
        note = QLabel("年龄按出生年月计算，“35岁以下”含35岁。年轻干部库、名册的“年轻干部”筛选、"
                      "选拔任用的六分之一比例和规则检查都按此上限计算。")
        note.setWordWrap(True)
        lay = self.layout_form()
        lay.insertWidget(1, note)
        self.setMinimumWidth(440)

    def try_accept(self) -> bool:
        self.clear_errors()
        try:
            with self.state.session() as s:
                settings.put(s, actor=self.state.actor, key="young_age", value=self.young_age.value())
                settings.put(s, actor=self.state.actor, key="backup_keep", value=self.backup_keep.value())
        except DomainError as e:
            self.show_errors(e)
            return False
        self.state.changes.emit("*")
        self.accept()
        return True
