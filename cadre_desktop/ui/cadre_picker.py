"""Choosing many cadres at once: tick them in a searchable roster, or paste a column of names or
ID numbers copied from Excel. Used by training attendance, postings, commendations, mentoring."""

from __future__ import annotations

from typing import Any, Callable, Iterable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QGroupBox, QHBoxLayout, QHeaderView,
    QLabel, QPlainTextEdit, QPushButton, QScrollArea, QTableView, QTabWidget, QVBoxLayout, QWidget,
)

from ..core.services import cadres, units
from ..core.services.people_lookup import Resolution, names_of, resolve_people
from .common import ERROR_STYLE, shortcut, fit_to_screen
from .jobs import Loads
from .models import LazyTableModel
from .page_kit import PagedList, elided_tips, filter_row, header_apart, search_line
from .state import AppState
from .widgets import mask_tail

COLUMNS = (("name", "姓名"), ("sex", "性别"), ("age", "年龄"), ("unit", "单位"), ("post", "现任职务"),
           ("id_number", "身份证号"), ("note", "说明"))
ALREADY = "已在名单中"
GREY = QColor("#9a9a9a")


class PickModel(LazyTableModel):
    """The roster with a check box in the first column; ticks survive a new search. Its rows are
    paged through the picker's Loads (page_kit.PagedList): a row not read yet can be neither ticked
    nor selected until its block (with the notes) arrives."""

    def __init__(self, parent=None, *, single: bool = False):
        super().__init__(COLUMNS, lambda _ids: [], None, parent)  # rows: the picker's PagedList reader
        self.checked: dict[int, None] = {}  # insertion-ordered set
        self.single = single
        self.on_checked: Callable[[], None] | None = None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        r = self.shown_row(index.row())
        if r is None:  # not read yet (asked for): its note is not known
            return Qt.ItemFlag.NoItemFlags
        if r.get("note"):
            return Qt.ItemFlag.NoItemFlags | Qt.ItemFlag.ItemIsSelectable
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0:
            f |= Qt.ItemFlag.ItemIsUserCheckable
        return f

    def decorate(self, key: str, r: dict, role: int) -> Any:
        if key == "name" and role == Qt.ItemDataRole.CheckStateRole:
            if r.get("note"):
                return Qt.CheckState.Unchecked
            return Qt.CheckState.Checked if r["id"] in self.checked else Qt.CheckState.Unchecked
        if r.get("note") and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(GREY)
        if r.get("note") and role == Qt.ItemDataRole.ToolTipRole:
            return r["note"]
        if key in ("sex", "age") and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != 0:
            return False
        r = self.shown_row(index.row())
        if not r or r.get("note"):
            return False
        self.set_checked(r["id"], Qt.CheckState(value) == Qt.CheckState.Checked)
        return True

    def set_checked(self, cadre_id: int, on: bool = True) -> None:
        if on:
            if self.single:
                self.checked.clear()
            self.checked[cadre_id] = None
        else:
            self.checked.pop(cadre_id, None)
        if self.ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.ids) - 1, 0),
                                  [Qt.ItemDataRole.CheckStateRole])
        if self.on_checked:
            self.on_checked()


class CadrePickerDialog(QDialog):
    """Tick cadres in the roster, or paste names / ID numbers one a line.

    exclude_ids: cadres already on the caller's list (shown greyed, 已在名单中).
    annotate(session, cadre_ids) -> {cadre_id: reason}: the cadres the caller's rule refuses are
    greyed with the reason and cannot be ticked. Called with the picker's read-only session on
    its query thread, for a block of rows at a time (one batched read, never per row).

    The dialog deletes itself once finished (accepted or not; deleteLater, so when the event loop
    next runs): read chosen_ids() and the like right after exec() or in an accepted/finished slot.
    """

    def __init__(self, state: AppState, title: str = "选择干部", parent=None, exclude_ids: Iterable[int] = (),
                 annotate: Callable[[Any, list[int]], dict[int, str]] | None = None, *, single: bool = False):
        super().__init__(parent)
        self.finished.connect(self.deleteLater)
        self.state = state
        self.exclude = set(exclude_ids)
        self.annotate = annotate
        self.single = single
        self.resolution: Resolution | None = None
        self.resolved_ids: list[int] = []
        self.already_count = 0  # pasted lines naming someone already on the list
        self.refused: list[tuple[str, str]] = []  # (name, reason) of pasted cadres annotate refused
        self.ambiguous_boxes: dict[str, list[tuple[QCheckBox, int]]] = {}
        self._notes: dict[int, str | None] = {}
        self._accept_after = False  # 确定 pressed while the paste is being read
        self.setWindowTitle(title)
        masked = state.actor.masked_export

        # -- the roster tab
        self.search = search_line("搜索：姓名、拼音首字母或全拼" if masked else "搜索：姓名、拼音首字母、全拼或身份证号片段")
        self.search.setMaxLength(cadres.MAX_SEARCH)
        self.unit = QComboBox()
        self.unit.addItem("全部单位", None)
        self.young = QCheckBox("年轻干部")
        self.count = QLabel()
        filters = filter_row(self.search, extra=(self.unit, self.young), count=self.count)

        self.model = PickModel(self, single=single)
        self.model.on_checked = self._update_count
        self.table = QTableView()
        elided_tips(self.table)
        self.table.setModel(self.model)
        header_apart(self.table)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((96, 40, 40, 110, 200, 150)):
            self.table.setColumnWidth(col, width)
        self.table.doubleClicked.connect(self._toggle_row)
        roster_tab = QWidget()
        rl = QVBoxLayout(roster_tab)
        rl.addLayout(filters)
        rl.addWidget(self.table, 1)

        # -- the paste tab
        self.paste = QPlainTextEdit()
        self.paste.setPlaceholderText("从 Excel 复制一列姓名或身份证号，粘贴在这里，每行一人。")
        self.resolve_button = QPushButton("识别")
        self.resolve_button.clicked.connect(self.resolve)
        self._stale = False
        self.paste.textChanged.connect(lambda: setattr(self, "_stale", bool(self.paste.toPlainText().strip())))
        self.paste_summary = QLabel()
        self.paste_summary.setWordWrap(True)
        self.unknown_label = QLabel()
        self.unknown_label.setStyleSheet(ERROR_STYLE)
        self.unknown_label.setWordWrap(True)
        self.unknown_label.setVisible(False)
        self.ambiguous_area = QWidget()
        self.ambiguous_layout = QVBoxLayout(self.ambiguous_area)
        self.ambiguous_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        inner = QWidget()
        il = QVBoxLayout(inner)
        il.addWidget(self.paste_summary)
        il.addWidget(self.unknown_label)
        il.addWidget(self.ambiguous_area)
        il.addStretch(1)
        scroll.setWidget(inner)
        paste_tab = QWidget()
        pl = QHBoxLayout(paste_tab)
        left = QVBoxLayout()
        left.addWidget(self.paste, 1)
        left.addWidget(self.resolve_button)
        pl.addLayout(left, 1)
        pl.addWidget(scroll, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(roster_tab, "从名册勾选")
        self.tabs.addTab(paste_tab, "粘贴名单")

        self.chosen_label = QLabel()
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.chosen_label, 1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        fit_to_screen(self, 860, 560)

        # The roster's ids and rows (cadres.roster_ids / roster_rows, with the notes), paged on the
        # dialog's query thread as a page's list.
        self.loads = Loads(self)
        self.paged = PagedList(state, self.model, self.loads)
        self.search.searched.connect(lambda _t: self.refresh())
        self.unit.currentIndexChanged.connect(lambda _i: self.refresh())
        self.young.toggled.connect(lambda _c: self.refresh())
        shortcut(self, "Ctrl+F", lambda: (self.tabs.setCurrentIndex(0), self.search.setFocus()))
        if single:
            self.tabs.setTabVisible(1, False)
        self._load_units()
        self.refresh()
        self.search.setFocus()

    # -- roster ---------------------------------------------------------------------------------
    def _note(self, cadre_id: int) -> str | None:
        if cadre_id not in self._notes:  # one cadre not read with a block (tick() by id)
            with self.state.session(read_only=True) as s:
                self._learn_notes(s, [cadre_id])
        return self._notes[cadre_id]

    def _learn_notes(self, session, ids: Iterable[int]) -> None:
        """Note the cadres not noted yet: 已在名单中, or the caller's reason (one batched read)."""
        new = [cid for cid in dict.fromkeys(ids) if cid not in self._notes]
        asked = [cid for cid in new if cid not in self.exclude]
        reasons = self.annotate(session, asked) if self.annotate is not None and asked else {}
        for cid in new:
            self._notes[cid] = ALREADY if cid in self.exclude else reasons.get(cid)

    def _rows(self, session, ids: list[int]) -> list[dict]:
        """The roster's rows of these cadres as the picker shows them (read with the block, in its
        session): the caller's note, ID numbers masked for an account that may only see them masked."""
        rows = cadres.roster_rows(session, ids)
        masked = self.state.actor.masked_export
        self._learn_notes(session, [r["id"] for r in rows])
        for r in rows:
            r["note"] = self._notes[r["id"]]
            if masked:
                r["id_number"] = mask_tail(r["id_number"])
        return rows

    def _load_units(self) -> None:
        def fetch() -> list[tuple[str, int]]:
            with self.state.session(read_only=True) as s:
                return [(u["name"], u["id"]) for u in units.unit_choices(s)]  # names only: no head counts

        def apply(choices: list[tuple[str, int]]) -> None:
            self.unit.blockSignals(True)
            for name, uid in choices:
                self.unit.addItem(name, uid)
            self.unit.blockSignals(False)

        self.loads.run("units", fetch, apply)

    def refresh(self, *, wait: bool = False) -> None:
        """Ask for the cadres matching the search and filters (with their first block of rows);
        `wait=True` has the answer here."""
        flt = cadres.RosterFilter(search=self.search.text(), unit_id=self.unit.currentData(),
                                  young=self.young.isChecked(), status="在职",
                                  hide_numbers=self.state.actor.masked_export)
        self.paged.load(lambda s: cadres.roster_ids(s, flt), self._rows, self._apply_list, wait=wait)

    def _apply_list(self, _extra=None) -> None:
        self.count.setText(f"共 {self.model.rowCount()} 人")
        self._update_count()

    def _toggle_row(self, index: QModelIndex) -> None:
        r = self.model.shown_row(index.row())  # None while not read: not tickable yet
        if r is not None and not r.get("note"):
            self.model.set_checked(r["id"], r["id"] not in self.model.checked)

    def tick(self, cadre_id: int, on: bool = True) -> None:
        if self._note(cadre_id) is None:
            self.model.set_checked(cadre_id, on)

    # -- paste ----------------------------------------------------------------------------------
    def resolve(self) -> None:
        """Read the pasted lines on the picker's query thread (with the notes of the cadres found,
        and the names of those refused); then ambiguous names get a choice list and unknown lines
        are shown in red."""
        lines = self.paste.toPlainText().splitlines()
        self._stale = False

        def fetch() -> tuple[Resolution, dict[int, str]]:
            with self.state.session(read_only=True) as s:
                res = resolve_people(s, lines)
                self._learn_notes(s, [*res.ids, *(c["id"] for _line, cs in res.ambiguous for c in cs)])
                refused = [cid for cid in res.ids if self._notes[cid] not in (None, ALREADY)]
                return res, names_of(s, refused)

        self.paste_summary.setText("正在识别…")
        self.loads.run("resolve", fetch, self._show_resolution)

    def _show_resolution(self, answer: tuple[Resolution, dict[int, str]]) -> None:
        res, names = answer
        self.resolution = res
        self.resolved_ids, self.already_count, self.refused = [], 0, []
        for cid in res.ids:
            note = self._notes[cid]
            if note == ALREADY:
                self.already_count += 1
            elif note:
                self.refused.append((names.get(cid, ""), note))
            else:
                self.resolved_ids.append(cid)
        # the choice lists
        while self.ambiguous_layout.count():
            w = self.ambiguous_layout.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        self.ambiguous_boxes = {}
        masked = self.state.actor.masked_export
        for line, candidates in res.ambiguous:
            box = QGroupBox(f"“{line}”有 {len(candidates)} 人同名，请勾选要添加的人：")
            bl = QVBoxLayout(box)
            entries = []
            for c in candidates:
                idn = mask_tail(c["id_number"]) if masked else c["id_number"]
                text = "　".join(x for x in (c["name"], c["unit"] or "", c["post"] or "", idn) if x)
                cb = QCheckBox(text)
                note = self._note(c["id"])
                if note:
                    cb.setEnabled(False)
                    cb.setText(f"{text}（{note}）")
                cb.toggled.connect(lambda _c: self._update_count())
                bl.addWidget(cb)
                entries.append((cb, c["id"]))
            self.ambiguous_boxes[line] = entries
            self.ambiguous_layout.addWidget(box)
        parts = [f"识别到 {len(self.resolved_ids)} 人"]
        if self.already_count:
            parts.append(f"{ALREADY} {self.already_count} 人")
        if res.duplicates:
            parts.append(f"重复 {len(res.duplicates)} 行（已合并）")
        if res.ambiguous:
            parts.append(f"同名待确认 {len(res.ambiguous)} 个")
        self.paste_summary.setText("；".join(parts) + "。")
        problems = [f"未找到：{line}" for line in res.unknown]
        problems += [f"{name}：{reason}" for name, reason in self.refused]
        self.unknown_label.setText("\n".join(problems))
        self.unknown_label.setVisible(bool(problems))
        self._update_count()
        if self._accept_after:  # 确定 was pressed with the paste not yet read
            self._accept_after = False
            if res.ambiguous:  # namesakes must be chosen first
                self.tabs.setCurrentIndex(1)
            else:
                self.accept()

    @property
    def unknown_lines(self) -> list[str]:
        return list(self.resolution.unknown) if self.resolution else []

    # -- result ---------------------------------------------------------------------------------
    def chosen_ids(self) -> list[int]:
        """Ticked in the roster, found in the paste, or ticked among namesakes; each once."""
        out = dict.fromkeys(self.model.checked)
        out.update(dict.fromkeys(self.resolved_ids))
        for entries in self.ambiguous_boxes.values():
            for cb, cid in entries:
                if cb.isChecked() and cb.isEnabled():
                    out[cid] = None
        ids = list(out)
        return ids[:1] if self.single else ids

    def _update_count(self) -> None:
        self.chosen_label.setText(f"已选 {len(self.chosen_ids())} 人")

    def _accept(self) -> None:
        if self._stale or self.loads.is_pending("resolve"):  # pasted (or changed) but not read yet:
            self._accept_after = True                        # read it, then come back here
            if self._stale:
                self.resolve()
            return
        self.accept()
