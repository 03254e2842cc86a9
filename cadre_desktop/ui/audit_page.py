"""操作记录 (管理员 only): every change, newest first, with what it changed, and a check that the
record itself has not been altered."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QHeaderView, QLabel, QSplitter, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from ..core.services import accounts, audit, cadres
from ..core.values import DomainError, moment_text
from .common import ERROR_STYLE, shortcut
from .jobs import Loads, run_job
from .models import LazyTableModel
from .list_kit import list_verbs
from .page_kit import (
    RefreshWhenShown, TableSelection, filter_row, make_table, make_toolbar, restore_header, save_header, search_line,
)
from .state import AppState

LIMIT = 5000
ALL = "全部"
COLUMNS = (("time", "时间"), ("account", "账号"), ("action", "操作"), ("entity_name", "对象类型"), ("label", "对象"))
OK_STYLE = "color: #2e7d32;"
# Snapshots are stored with sorted keys; show fields in the order of the forms they come from.
FIELD_ORDER = {label: i for i, label in enumerate((
    *(f.label for f in cadres.FIELDS), *cadres.LIST_LABELS.values(),
    "单位名称", "单位类别", "津贴档次", "排序", "用户名", "角色", "启用", "密码",
))}


def local_time(iso: str | None) -> str:
    """A stored UTC time (`2024-05-09T08:30:00+00:00`, or naive meaning UTC) as the PC's local time."""
    if not iso:
        return ""
    t = dt.datetime.fromisoformat(iso)
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    t = t.astimezone()
    return f"{moment_text(t)}:{t.second:02d}"


def value_text(value) -> str:
    """A snapshot value as a clerk reads it; a list one item a line."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "\n".join(value_text(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{value_text(v)}" for k, v in value.items())
    return str(value)


def diff_rows(before: dict | None, after: dict | None) -> list[tuple[str, str, str]]:
    """(字段, 修改前, 修改后) for the fields whose values differ, in the snapshot's order."""
    before, after = before or {}, after or {}
    keys = list(after) + [k for k in before if k not in after]
    keys.sort(key=lambda k: FIELD_ORDER.get(k, len(FIELD_ORDER)))  # stable: unknown fields keep their order
    out = []
    for k in keys:
        b, a = before.get(k), after.get(k)
        if b in ("", [], None) and a in ("", [], None):
            continue
        if b != a:
            out.append((k, value_text(b), value_text(a)))
    return out


class AuditPage(RefreshWhenShown, TableSelection, QWidget):
    """Events are read off the GUI thread (the page's Loads: thousands of them take a noticeable
    moment), and only while the page is shown: a change elsewhere marks the list stale until the
    page is opened."""

    SHOWS = frozenset({"audit"})
    loaded = Signal()  # a read finished and the table shows its result

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        allowed = state.actor.can("admin")
        self._events: dict[int, dict] = {}
        self._accounts: set[str] = set()
        self.truncated = False
        self.verify_job = None
        self.loads = Loads(self)
        self._stale = True

        self.toolbar = make_toolbar(self, allowed, [*list_verbs(self), None,
                                                     ("act_verify", "校验完整性", self.verify, False)])
        self.act_verify.setToolTip("逐条核对操作记录的校验链，查出被改动或删除的记录")
        self.verify_result = QLabel()
        self.verify_result.setWordWrap(True)
        self.verify_result.setVisible(False)

        self.account = QComboBox()
        self.account.setMinimumContentsLength(8)
        self.entity = QComboBox()
        self.entity.addItem(ALL, None)
        for key, name in audit.ENTITY_NAMES.items():
            self.entity.addItem(name, key)
        self.use_since = QCheckBox("起始日期")
        self.since = QDateEdit(QDate.currentDate().addDays(-30))
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy.MM.dd")
        self.since.setEnabled(False)
        self.search = search_line("搜索对象（干部姓名、单位名称、账号……）")
        self.count = QLabel()

        # 账号 … 起始日期 first, then the search line and the count.
        filters = filter_row(None, (("账号", self.account), ("对象类型", self.entity)), [self.use_since, self.since])
        filters.addWidget(self.search, 1)
        filters.addWidget(self.count)

        self.model = LazyTableModel(COLUMNS, self._fetch, parent=self)
        self.table = make_table(self.model, row_numbers=False, widths=(150, 80, 70, 70))
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())

        self.detail_title = QLabel()
        self.detail_title.setWordWrap(True)
        self.detail_title.setTextFormat(Qt.TextFormat.RichText)
        self.diff = QTableWidget(0, 3)
        self.diff.setHorizontalHeaderLabels(["字段", "修改前", "修改后"])
        self.diff.verticalHeader().setVisible(False)
        self.diff.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.diff.setWordWrap(True)
        self.diff.setAlternatingRowColors(True)
        dh = self.diff.horizontalHeader()
        dh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        dh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        dh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.detail_title)
        side_layout.addWidget(self.diff, 1)

        self.splitter = QSplitter()
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([600, 420])

        self.denied = QLabel("只有管理员可以查看操作记录。")
        self.denied.setStyleSheet(ERROR_STYLE)

        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.verify_result)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.denied)

        self.search.searched.connect(lambda _t: self.refresh())
        self.account.currentIndexChanged.connect(lambda _i: self.refresh())
        self.entity.currentIndexChanged.connect(lambda _i: self.refresh())
        self.use_since.toggled.connect(self._since_toggled)
        self.since.dateChanged.connect(lambda _d: self.use_since.isChecked() and self.refresh())
        shortcut(self, "Ctrl+F", self.focus_search)

        for w in (self.toolbar, self.splitter):
            w.setVisible(allowed)
        for i in range(filters.count()):
            item = filters.itemAt(i).widget()
            if item is not None:
                item.setVisible(allowed)
        self.denied.setVisible(not allowed)

        self.restore_settings()
        state.changes.changed.connect(self._changed)
        self._show_detail()

    # -- data ---------------------------------------------------------------------------------
    def _fetch(self, ids: list[int]) -> list[dict]:
        return [self._events[i] for i in ids if i in self._events]

    def since_utc(self) -> dt.datetime | None:
        """Midnight of the chosen local day, as an aware UTC time."""
        if not self.use_since.isChecked():
            return None
        d = self.since.date().toPython()
        return dt.datetime.combine(d, dt.time()).astimezone().astimezone(dt.timezone.utc)

    @property
    def loading(self) -> bool:
        return self.loads.is_pending("list")

    def refresh(self, *, wait: bool = False) -> None:
        """Read the events the filters select, on the page's query thread; the newest read wins.
        A hidden page only notes that it is stale (`wait` reads at once, shown or not)."""
        if not self.state.actor.can("admin"):
            return
        if not self.isVisible() and not wait:
            self._stale = True
            return
        self._stale = False
        state = self.state
        since = self.since_utc()
        query = dict(
            # The service compares days in UTC: ask from the UTC day holding local midnight,
            # then keep what is on or after local midnight.
            since=since.date() if since else None, account=self.account.currentData(),
            entity=self.entity.currentData(), text=self.search.text().strip() or None, limit=LIMIT,
        )

        def fetch():
            with state.session(read_only=True) as s:
                events = audit.list_events(s, actor=state.actor, **query)
                known = {a["name"] for a in accounts.list_accounts(s, actor=state.actor)}
            truncated = len(events) >= LIMIT
            if since is not None:
                events = [e for e in events if dt.datetime.fromisoformat(e["at"]) >= since]
            for e in events:
                e["time"] = local_time(e["at"])
            return events, known, truncated

        # A read takes under a second: the count line says so instead of a progress dialog.
        self.count.setText("正在读取……")
        self.loads.run("list", fetch, self._loaded, wait=wait, on_error=self._load_failed)

    def _load_failed(self, error: BaseException) -> None:
        self.count.setText("")
        if isinstance(error, DomainError):
            self.count.setText(error.message)
            return
        from .errors import show_unexpected

        show_unexpected(error)

    def _loaded(self, result) -> None:
        events, known, truncated = result
        keep = self.selected_id()
        self.truncated = truncated
        self._events = {e["id"]: e for e in events}
        self._accounts |= known | {e["account"] for e in events}
        self._fill_accounts()
        self.model.set_ids([e["id"] for e in events])
        self.count.setText(f"共 {len(events)} 条" + (f"（只列出最近 {LIMIT} 条，请缩小范围）" if truncated else ""))
        if keep is not None:
            self.select_id(keep)
        self._show_detail()
        self.loaded.emit()

    def _fill_accounts(self) -> None:
        current = self.account.currentData()
        self.account.blockSignals(True)
        self.account.clear()
        self.account.addItem(ALL, None)
        for name in sorted(self._accounts):
            self.account.addItem(name, name)
        self.account.setCurrentIndex(max(self.account.findData(current), 0))
        self.account.blockSignals(False)

    def _since_toggled(self, on: bool) -> None:
        self.since.setEnabled(on)
        self.refresh()

    # -- selection and detail ------------------------------------------------------------------
    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.select_id(self.model.id_at(row))

    def _show_detail(self) -> None:
        eid = self.selected_id()
        e = self._events.get(eid) if eid is not None else None
        self.diff.setRowCount(0)
        if e is None:
            self.detail_title.setText("<span style='color:#888'>选择一条记录，查看修改前后的内容。</span>")
            return
        esc = html.escape
        self.detail_title.setText(
            f"<b>{esc(e['time'])}</b>　{esc(e['account'])} {esc(e['action'])}{esc(e['entity_name'])}"
            f"“{esc(e['label'])}”")
        rows = diff_rows(e["before"], e["after"])
        changed = QBrush(QColor("#fff4d6"))
        self.diff.setRowCount(len(rows))
        for i, (field, before, after) in enumerate(rows):
            for col, text in enumerate((field, before, after)):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                if col == 2 and e["before"] is not None and e["after"] is not None:
                    item.setBackground(changed)
                self.diff.setItem(i, col, item)
        self.diff.resizeRowsToContents()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- integrity -----------------------------------------------------------------------------
    def verify(self) -> None:
        if not self.state.actor.can("admin") or (self.verify_job is not None and not self.verify_job.done):
            return
        self.verify_result.setStyleSheet("")
        self.verify_result.setText("正在校验……")
        self.verify_result.setVisible(True)
        db, actor = self.state.db, self.state.actor

        def work(_progress, _cancelled):
            with db.session(read_only=True) as s:
                return audit.verify(s, actor=actor), audit.count_events(s)

        self.verify_job = run_job(self, "校验操作记录", work, on_success=self._verified,
                                  on_failure=self._verify_failed, cancellable=False)

    def _verified(self, result) -> None:
        problem, n = result
        if problem is None:
            self.verify_result.setStyleSheet(OK_STYLE)
            self.verify_result.setText(f"操作记录完整：共 {n} 条，逐条核对未发现改动或缺失。")
        else:
            self.verify_result.setStyleSheet(ERROR_STYLE)
            self.verify_result.setText(f"操作记录不完整：{problem}")

    def _verify_failed(self, error: BaseException) -> None:
        if isinstance(error, DomainError):
            self.verify_result.setStyleSheet(ERROR_STYLE)
            self.verify_result.setText(error.message)
            return
        from .errors import show_unexpected

        self.verify_result.setText("")
        show_unexpected(error)

    # -- remembering ---------------------------------------------------------------------------
    def save_settings(self) -> None:
        st = self.state.settings
        save_header(st, "audit/header", self.table)
        st.setValue("audit/splitter", self.splitter.saveState())
        st.setValue("audit/entity", self.entity.currentData() or "")

    def restore_settings(self) -> None:
        st = self.state.settings
        restore_header(st, "audit/header", self.table)
        splitter = st.value("audit/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        self.entity.blockSignals(True)
        self.entity.setCurrentIndex(max(self.entity.findData(st.value("audit/entity") or None), 0))
        self.entity.blockSignals(False)
