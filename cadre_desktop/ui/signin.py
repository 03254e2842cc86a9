"""Sign-in, and the first 管理员 of an empty database."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from ..config import APP_TITLE
from ..core.services import accounts
from ..core.values import DomainError
from .common import error_label, set_error


class SignInDialog(QDialog):
    def __init__(self, db, parent=None):
        super().__init__(parent)
        self.db = db
        self.actor = None
        self.setWindowTitle(f"登录 — {APP_TITLE}")
        self.name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = error_label()
        form = QFormLayout()
        form.addRow("用户名", self.name)
        form.addRow("密码", self.password)
        buttons = QDialogButtonBox()
        buttons.addButton("登录", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<h3>{APP_TITLE}</h3>"))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(360)

    def try_accept(self) -> None:
        try:
            with self.db.session() as s:
                self.actor = accounts.authenticate(s, name=self.name.text(), password=self.password.text())
        except DomainError as e:
            set_error(self.message, e.message)
            self.password.selectAll()
            self.password.setFocus()
            return
        self.accept()


class FirstAdminDialog(QDialog):
    """An empty database: create the first 管理员."""

    def __init__(self, db, parent=None):
        super().__init__(parent)
        self.db = db
        self.actor = None
        self.setWindowTitle(f"首次使用 — {APP_TITLE}")
        self.name = QLineEdit("admin")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = error_label()
        form = QFormLayout()
        form.addRow("管理员用户名", self.name)
        form.addRow("密码", self.password)
        form.addRow("再次输入密码", self.again)
        buttons = QDialogButtonBox()
        buttons.addButton("创建并登录", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel("这是一个新的数据库。请设置第一个管理员账号，之后可在“账号”中添加录入员和查阅账号。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(400)

    def try_accept(self) -> None:
        if self.password.text() != self.again.text():
            set_error(self.message, "两次输入的密码不一致。")
            return
        try:
            with self.db.session() as s:
                self.actor = accounts.create_first_admin(s, name=self.name.text(), password=self.password.text())
        except DomainError as e:
            set_error(self.message, e.message)
            return
        self.accept()
