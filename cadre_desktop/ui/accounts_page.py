"""账号 (管理员 only): who may sign in and with which role; new accounts, passwords, roles, 停用,
解锁 after wrong passwords, and a new password demanded at the next sign-in."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ..core.services import accounts
from ..core.values import ROLES, DomainError
from .audit_page import local_time
from .common import ERROR_STYLE, error_label, set_error, shortcut
from .jobs import Loads
from .models import LazyTableModel
from .list_kit import list_verbs
from .page_kit import (
    FormDialog, RefreshWhenShown, TableSelection, make_table, make_toolbar, open_dialog, restore_header, save_header, set_widths,
)
from .state import AppState

COLUMNS = (("name", "用户名"), ("role", "角色"), ("state", "状态"), ("created", "创建时间"))
ROLE_NOTES = {
    "管理员": "管理员：全部功能，包括账号、操作记录、备份与恢复",
    "录入员": "录入员：录入和修改档案，导入、导出、打印",
    "查阅": "查阅：查看和打印；导出时身份证号、联系电话打码",
}


class AccountsModel(LazyTableModel):
    def decorate(self, key: str, r: dict, role: int):
        if key == "state" and not r.get("active") and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#999"))
        return None


class AccountsPage(RefreshWhenShown, TableSelection, QWidget):
    """The accounts, read on the page's query thread (Loads) when shown after a change to them."""

    SHOWS = frozenset({"account"})

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        allowed = state.actor.can("admin")
        self._rows: dict[int, dict] = {}
        self.dialog: _Dialog | None = None
        self.last_message = ""

        self.toolbar = make_toolbar(self, allowed, (("act_new", "新增账号", self.new_account, True),
                                                    ("act_password", "重设密码", self.reset_password, True),
                                                    ("act_role", "修改角色/停用", self.change_role, True),
                                                    ("act_unlock", "解锁", self.unlock, True), None,
                                                    *list_verbs(self)))
        self.act_unlock.setToolTip("解除因密码连续错误 5 次造成的锁定")

        self.count = QLabel()
        self.message = error_label()
        top = QHBoxLayout()
        notes = QLabel("　".join(ROLE_NOTES.values()))
        notes.setStyleSheet("color: #666;")
        notes.setWordWrap(True)
        top.addWidget(notes, 1)
        top.addWidget(self.count)

        self.model = AccountsModel(COLUMNS, self._fetch, parent=self)
        self.table = make_table(self.model, row_numbers=False)
        self.table.horizontalHeader().setStretchLastSection(False)
        set_widths(self.table, (160, 90, 120, 170))
        self.table.doubleClicked.connect(lambda _i: self.change_role())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())

        self.denied = QLabel("只有管理员可以管理账号。")
        self.denied.setStyleSheet(ERROR_STYLE)

        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.denied)

        self.toolbar.setVisible(allowed)
        self.table.setVisible(allowed)
        notes.setVisible(allowed)
        self.denied.setVisible(not allowed)

        shortcut(self.table, Qt.Key.Key_Return, self.change_role)
        shortcut(self.table, Qt.Key.Key_Enter, self.change_role)

        self.loads = Loads(self)
        self._select_after: str | None = None  # an account to select once the list is read
        self.restore_settings()
        state.changes.changed.connect(self._changed)
        self._stale = True  # read when first shown

    # -- data ---------------------------------------------------------------------------------
    def _fetch(self, ids: list[int]) -> list[dict]:
        return [self._rows[i] for i in ids if i in self._rows]

    def refresh(self, *, wait: bool = False) -> None:
        """Read the accounts (off the GUI thread unless `wait`)."""
        self._stale = False
        if not self.state.actor.can("admin"):
            return
        state = self.state

        def fetch() -> list[dict]:
            with state.session(read_only=True) as s:
                return accounts.list_accounts(s, actor=state.actor)

        self.loads.run("list", fetch, self._apply, wait=wait)

    def _apply(self, rows: list[dict]) -> None:
        keep = self._select_after or self.selected_name()
        self._select_after = None
        # list_accounts gives no ids; a row's place is its id here, the name is what services take.
        self._rows = {}
        for i, a in enumerate(rows, start=1):
            state = "启用" if a["active"] else "已停用"
            if a["locked_until"]:
                state += "，锁定至 " + accounts.local_clock(dt.datetime.fromisoformat(a["locked_until"]))
            if a["must_change_password"]:
                state += "，下次登录须改密码"
            if a["name"] == self.state.actor.name:
                state += "（当前登录）"
            self._rows[i] = {**a, "id": i, "state": state,
                             "created": local_time(a["created_at"])}
        self.model.set_ids(list(self._rows))
        active = sum(1 for a in rows if a["active"])
        self.count.setText(f"共 {len(rows)} 个账号，启用 {active} 个")
        if keep:
            self.select_name(keep)
        self._selection_changed()

    # -- selection -----------------------------------------------------------------------------
    def selected(self) -> dict | None:
        rid = self.selected_id()
        return self._rows.get(rid) if rid is not None else None

    def selected_name(self) -> str | None:
        a = self.selected()
        return a["name"] if a else None

    def select_name(self, name: str) -> None:
        for rid, a in self._rows.items():
            if a["name"] == name:
                self.select_id(rid)
                return

    def _selection_changed(self) -> None:
        a = self.selected()
        self.act_password.setEnabled(a is not None)
        self.act_role.setEnabled(a is not None)
        self.act_unlock.setEnabled(bool(a and a.get("locked_until")))
        self._say(None)

    def _say(self, text: str | None) -> None:
        self.last_message = text or ""
        set_error(self.message, text)

    # -- actions -------------------------------------------------------------------------------
    def new_account(self) -> None:
        self._open(AccountDialog(self.state, self))

    def reset_password(self) -> None:
        a = self.selected()
        if a:
            self._open(PasswordDialog(self.state, a["name"], self))

    def unlock(self) -> None:
        a = self.selected()
        if not a or not a.get("locked_until") or not self.state.actor.can("admin"):
            return
        try:
            with self.state.session() as s:
                accounts.unlock(s, actor=self.state.actor, name=a["name"])
        except DomainError as e:
            self._say(e.message)
            return
        self._done(a["name"])

    def change_role(self) -> None:
        a = self.selected()
        if not a:
            return
        if a["name"] == self.state.actor.name:
            self._say("不能修改正在使用的账号的角色，也不能停用它；请用另一个管理员账号操作。")
            return
        self._open(RoleDialog(self.state, a, self))

    def _open(self, dialog: _Dialog) -> None:
        if not self.state.actor.can("admin"):
            return
        self._say(None)
        open_dialog(self, dialog, lambda d: self._done(d.account_name))

    def _done(self, name: str) -> None:
        self._select_after = name  # selected when the reloaded list arrives
        self.state.changes.emit("account")

    # -- remembering ---------------------------------------------------------------------------
    def save_settings(self) -> None:
        save_header(self.state.settings, "accounts/header", self.table)

    def restore_settings(self) -> None:
        restore_header(self.state.settings, "accounts/header", self.table)


class _Dialog(FormDialog):
    """A small form whose fields each have a message line under them."""

    def __init__(self, state: AppState, title: str, parent=None):
        super().__init__(parent)
        self.state = state
        self.account_name = ""
        self.setWindowTitle(title)
        self.layout_form()
        self.save_button.setDefault(True)
        self.setMinimumWidth(380)
        shortcut(self, "Ctrl+S", self.try_accept)

    def show_error(self, e: DomainError | str, attr: str | None = None) -> None:
        message = e.message if isinstance(e, DomainError) else e
        attr = attr or (e.field if isinstance(e, DomainError) else None)
        set_error(self.errors.get(attr, self.message), message)


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText("至少8位，含字母和数字")
    return edit


class AccountDialog(_Dialog):
    """新增账号: name, role, password twice."""

    def __init__(self, state: AppState, parent=None):
        super().__init__(state, "新增账号", parent)
        self.name = QLineEdit()
        self.name.setMaxLength(50)
        self.role = QComboBox()
        self.role.addItems(ROLES)
        self.role.setCurrentText("录入员")
        self.role_note = QLabel()
        self.role_note.setStyleSheet("color: #666;")
        self.password = _password_edit()
        self.again = _password_edit()
        self.add_field("name", "用户名", self.name)
        self.add_field("role", "角色", self.role)
        self.form.addRow("", self.role_note)
        self.add_field("password", "密码", self.password)
        self.add_field("again", "再次输入密码", self.again)
        self.must_change = QCheckBox("下次登录时须修改密码")
        self.must_change.setChecked(True)
        self.add_field("must_change", "", self.must_change)
        self.role.currentTextChanged.connect(lambda r: self.role_note.setText(ROLE_NOTES.get(r, "")))
        self.role_note.setText(ROLE_NOTES[self.role.currentText()])
        self.name.setFocus()

    def try_accept(self) -> bool:
        self.clear_errors()
        if self.password.text() != self.again.text():
            self.show_error("两次输入的密码不一致。", "again")
            self.again.selectAll()
            self.again.setFocus()
            return False
        try:
            with self.state.session() as s:
                accounts.add_account(s, actor=self.state.actor, name=self.name.text(), role=self.role.currentText(),
                                     password=self.password.text(), must_change=self.must_change.isChecked())
        except DomainError as e:
            self.show_error(e)
            return False
        self.account_name = self.name.text().strip()
        self.accept()
        return True


class PasswordDialog(_Dialog):
    """重设密码 of one account."""

    def __init__(self, state: AppState, name: str, parent=None):
        super().__init__(state, "重设密码", parent)
        self.account_name = name
        self.password = _password_edit()
        self.again = _password_edit()
        self.form.addRow("用户名", QLabel(f"<b>{name}</b>"))
        self.add_field("password", "新密码", self.password)
        self.add_field("again", "再次输入新密码", self.again)
        self.must_change = QCheckBox("下次登录时须修改密码")
        own = name == state.actor.name
        self.must_change.setChecked(not own)
        self.must_change.setVisible(not own)
        self.add_field("must_change", "", self.must_change)
        self.password.setFocus()

    def try_accept(self) -> bool:
        self.clear_errors()
        if self.password.text() != self.again.text():
            self.show_error("两次输入的密码不一致。", "again")
            self.again.selectAll()
            self.again.setFocus()
            return False
        try:
            with self.state.session() as s:
                accounts.change_password(s, actor=self.state.actor, name=self.account_name,
                                         password=self.password.text(), must_change=self.must_change.isChecked())
        except DomainError as e:
            self.show_error(e)
            return False
        self.accept()
        return True


class RoleDialog(_Dialog):
    """修改角色/停用: the role, and whether the account may sign in."""

    def __init__(self, state: AppState, account: dict, parent=None):
        super().__init__(state, "修改角色/停用", parent)
        self.account_name = account["name"]
        self.original = account
        self.role = QComboBox()
        self.role.addItems(ROLES)
        self.role.setCurrentText(account["role"])
        self.active = QCheckBox("启用（取消勾选即停用：不能再登录，历史记录保留）")
        self.active.setChecked(bool(account["active"]))
        self.form.addRow("用户名", QLabel(f"<b>{account['name']}</b>"))
        self.add_field("role", "角色", self.role)
        self.add_field("active", "状态", self.active)
        self.role.setFocus()

    def try_accept(self) -> bool:
        self.clear_errors()
        if (self.role.currentText(), self.active.isChecked()) == (self.original["role"], bool(self.original["active"])):
            self.reject()  # nothing changed: nothing to record
            return False
        try:
            with self.state.session() as s:
                accounts.set_role(s, actor=self.state.actor, name=self.account_name, role=self.role.currentText(),
                                  active=self.active.isChecked())
        except DomainError as e:
            self.show_error(e)
            return False
        self.accept()
        return True
