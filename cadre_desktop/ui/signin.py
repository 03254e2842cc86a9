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
        # shown when a 管理员 demanded a new password: the account goes no further without one
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_password.setPlaceholderText("至少8位，含字母和数字")
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.change_note = QLabel("管理员要求您设置新密码后才能继续。")
        form = QFormLayout()
        form.addRow("用户名", self.name)
        form.addRow("密码", self.password)
        form.addRow("", self.change_note)
        form.addRow("新密码", self.new_password)
        form.addRow("再次输入新密码", self.again)
        self.form = form
        self._pending = None  # the actor signed in, waiting for the new password
        self._set_changing(False)
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

    def _set_changing(self, on: bool) -> None:
        for w in (self.change_note, self.new_password, self.again):
            self.form.setRowVisible(w, on)
        self.name.setReadOnly(on)
        self.password.setReadOnly(on)

    def try_accept(self) -> None:
        if self._pending is not None:
            self._change_password()
            return
        try:
            with self.db.session() as s:
                actor = accounts.authenticate(s, name=self.name.text(), password=self.password.text())
        except DomainError as e:
            set_error(self.message, e.message)
            self.password.selectAll()
            self.password.setFocus()
            return
        if actor.must_change_password:
            self._pending = actor
            set_error(self.message, None)
            self._set_changing(True)
            self.new_password.setFocus()
            return
        self.actor = actor
        self.accept()

    def _change_password(self) -> None:
        if self.new_password.text() != self.again.text():
            set_error(self.message, "两次输入的新密码不一致。")
            self.again.selectAll()
            self.again.setFocus()
            return
        try:
            with self.db.session() as s:
                accounts.change_password(s, actor=self._pending, name=self._pending.name,
                                         password=self.new_password.text())
        except DomainError as e:
            set_error(self.message, e.message)
            self.new_password.selectAll()
            self.new_password.setFocus()
            return
        self.actor = accounts.Actor(self._pending.name, self._pending.role)
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
        self.password.setPlaceholderText("至少8位，含字母和数字")
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
