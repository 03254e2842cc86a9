"""干部档案: the roster, its search box and filters, and the selected cadre's summary."""

from __future__ import annotations

import html

from PySide6.QtCore import QByteArray, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QSpinBox, QSplitter,
    QTableView, QTextBrowser, QToolBar, QVBoxLayout, QWidget,
)

from ..core.services import cadres, units
from ..core.values import AGE_BANDS, CADRE_LEVELS, STATUSES, DomainError
from .common import confirm, refuse, shortcut
from .jobs import QueryBridge
from .models import RosterModel
from .state import AppState

SORT_KEYS = {k: k for k, _ in cadres.ROSTER_COLUMNS if k in cadres.SORT_KEYS}
ALL = "全部"


class RosterPage(QWidget):
    """Navigation on the left (the window's), the table in the middle, details at the right."""

    import_requested = Signal()
    export_requested = Signal()

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.sort_key, self.descending = "default", False

        # toolbar: the same verbs in the same places on every record page
        self.toolbar = QToolBar()
        self.act_new = self.toolbar.addAction("新增", self.new_cadre)
        self.act_edit = self.toolbar.addAction("编辑", self.open_selected)
        self.act_delete = self.toolbar.addAction("删除", self.delete_selected)
        self.toolbar.addSeparator()
        self.act_import = self.toolbar.addAction("导入", self.import_requested.emit)
        self.act_export = self.toolbar.addAction("导出", self.export_requested.emit)
        self.act_export_lrmx = self.toolbar.addAction("导出任免审批表", self.export_lrmx)
        self.act_export_lrmx.setToolTip("把选中的干部各导出为一份 .lrmx 任免审批表（可按住 Ctrl 或 Shift 多选）")
        can_edit = state.actor.can("edit")
        for act in (self.act_new, self.act_delete, self.act_import):
            act.setVisible(can_edit)
        if not can_edit:
            self.act_edit.setText("查看")

        # search and filters
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索：姓名、拼音首字母（zsf）、全拼或身份证号片段")
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(cadres.MAX_SEARCH)
        if state.actor.masked_export:
            self.search.setPlaceholderText("搜索：姓名、拼音首字母（zsf）或全拼")
        self.search_note = QLabel()
        self.search_note.setStyleSheet("color: #a15c00;")
        self.search_note.setVisible(False)
        self.unit = QComboBox()
        self.level = QComboBox()
        self.level.addItems([ALL, *CADRE_LEVELS])
        self.band = QComboBox()
        self.band.addItems([ALL, *[b[0] for b in AGE_BANDS]])
        self.status = QComboBox()
        self.status.addItems([ALL, *STATUSES])
        self.young = QCheckBox("年轻干部")
        self.reserve = QCheckBox("后备干部")
        self.incomplete = QCheckBox("待完善")
        # 任现职级满 N 年 (0: any); years in a rank decide eligibility for the next one.
        self.rank_years = QSpinBox()
        self.rank_years.setRange(0, 40)
        self.rank_years.setSpecialValueText("不限")
        self.rank_years.setSuffix(" 年")
        self.rank_years.setAccessibleName("任现职级满几年")
        self.count = QLabel()

        filters = QHBoxLayout()
        for label, w in (("单位", self.unit), ("层级", self.level), ("年龄段", self.band), ("状态", self.status)):
            filters.addWidget(QLabel(label))
            filters.addWidget(w)
        filters.addWidget(QLabel("任现职级满"))
        filters.addWidget(self.rank_years)
        for w in (self.young, self.reserve, self.incomplete):
            filters.addWidget(w)
        filters.addStretch(1)
        filters.addWidget(self.count)

        # the table
        self.model = RosterModel(cadres.ROSTER_COLUMNS, self._fetch, SORT_KEYS, self)
        self.model.on_sort = self._sorted
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # No sort indicator until the clerk clicks a header: the department's own order by default.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setAlternatingRowColors(True)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_details())
        for col, width in enumerate((70, 40, 44, 76, 44, 120, 190, 92, 100, 92, 76, 66, 56)):
            self.table.setColumnWidth(col, width)

        self.details = QTextBrowser()
        self.details.setMinimumWidth(240)
        self.photo = QLabel()
        self.photo.setFixedSize(120, 150)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setStyleSheet("border: 1px solid #bbb; color: #888;")
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.photo, 0, Qt.AlignmentFlag.AlignHCenter)
        side_layout.addWidget(self.details, 1)

        self.splitter = QSplitter()
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.search)
        layout.addWidget(self.search_note)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)

        # Each keystroke re-queries; a short timer coalesces a burst of typing into one query.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(80)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.unit, self.level, self.band, self.status):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        for box in (self.young, self.reserve, self.incomplete):
            box.toggled.connect(lambda _c: self.refresh())
        self.rank_years.valueChanged.connect(lambda _v: self._timer.start())
        shortcut(self, "Ctrl+F", self.focus_search)
        shortcut(self.table, Qt.Key.Key_Return, self.open_selected)
        shortcut(self.table, Qt.Key.Key_Enter, self.open_selected)
        shortcut(self.table, Qt.Key.Key_Delete, self.delete_selected)
        self.search.returnPressed.connect(self._search_enter)

        self.query = QueryBridge(self._apply_ids, self)
        self._select_next: int | None = None
        self.reload_units()
        self.restore_settings()
        state.changes.changed.connect(self._changed)
        self.refresh(wait=True)

    # -- data ---------------------------------------------------------------------------------
    def _fetch(self, ids: list[int]) -> list[dict]:
        with self.state.session() as s:
            return cadres.roster_rows(s, ids)

    def current_filter(self) -> cadres.RosterFilter:
        pick = lambda c: None if c.currentText() == ALL else c.currentText()  # noqa: E731
        return cadres.RosterFilter(
            search=self.search.text(), unit_id=self.unit.currentData(), level=pick(self.level),
            age_band=pick(self.band), status=pick(self.status), young=self.young.isChecked(),
            reserve=self.reserve.isChecked(), incomplete=self.incomplete.isChecked(),
            rank_years=self.rank_years.value() or None,
            hide_numbers=self.state.actor.masked_export,
        )

    def refresh(self, *, wait: bool = False) -> None:
        """Re-run the roster query. It runs off the GUI thread (at 100,000 cadres a query takes a
        good part of a second); `wait=True` runs it here, for the first fill."""
        flt, sort, descending = self.current_filter(), self.sort_key, self.descending
        self.search_note.setText(flt.search_note or "")
        self.search_note.setVisible(bool(flt.search_note))

        def query() -> list[int]:
            with self.state.session() as s:
                return cadres.roster_ids(s, flt, sort=sort, descending=descending)

        (self.query.run_now if wait else self.query.run)(query)

    def _apply_ids(self, ids: list[int]) -> None:
        keep = self._select_next or self.selected_id()
        self._select_next = None
        self.model.set_ids(ids)
        self.count.setText(f"共 {len(ids)} 人")
        if keep is not None:
            self.select_id(keep)
        self._show_details()

    def reload_units(self) -> None:
        current = self.unit.currentData()
        self.unit.blockSignals(True)
        self.unit.clear()
        self.unit.addItem(ALL, None)
        with self.state.session() as s:
            for u in units.list_units(s):
                self.unit.addItem(u["name"], u["id"])
        i = self.unit.findData(current)
        self.unit.setCurrentIndex(max(i, 0))
        self.unit.blockSignals(False)

    def _sorted(self, key: str, descending: bool) -> None:
        self.sort_key, self.descending = key, descending
        self.refresh()

    def _changed(self, entities: set) -> None:
        if "unit" in entities or "*" in entities:
            self.reload_units()
        if entities & {"cadre", "unit", "*"}:
            self.refresh()

    # -- selection -----------------------------------------------------------------------------
    def selected_id(self) -> int | None:
        idx = self.table.currentIndex()
        return self.model.id_at(idx.row()) if idx.isValid() else None

    def selected_ids(self) -> list[int]:
        """The selected cadres in roster order (several for exports)."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.model.id_at(r) for r in rows]

    def select_id(self, cadre_id: int) -> None:
        row = self.model.row_of(cadre_id)
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(self.model.index(row, 0))

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _search_enter(self) -> None:
        if self.model.rowCount() == 1:
            self.select_id(self.model.id_at(0))
            self.open_selected()
        elif self.model.rowCount():
            self.table.setFocus()
            if not self.table.currentIndex().isValid():
                self.select_id(self.model.id_at(0))

    def _show_details(self) -> None:
        cid = self.selected_id()
        if cid is None:
            self.details.setHtml("<p style='color:#888'>选择一名干部查看档案摘要；双击或按回车打开档案。</p>")
            self.photo.setPixmap(QPixmap())
            self.photo.setText("照片")
            return
        try:
            with self.state.session() as s:
                d = cadres.get_cadre(s, cid)
        except DomainError:
            return
        self.details.setHtml(summary_html(d, masked=self.state.actor.masked_export))
        pix = QPixmap()
        if d.get("photo") and pix.loadFromData(QByteArray(d["photo"])):
            self.photo.setPixmap(pix.scaled(self.photo.size(), Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                                            Qt.TransformationMode.SmoothTransformation))
        else:
            self.photo.setPixmap(QPixmap())
            self.photo.setText("无照片")

    # -- actions -------------------------------------------------------------------------------
    def new_cadre(self) -> None:
        from .cadre_editor import CadreEditor

        editor = CadreEditor(self.state, None, self)
        if editor.exec():
            self._select_next = editor.saved_id
            self.refresh()

    def open_selected(self) -> None:
        cid = self.selected_id()
        if cid is None:
            return
        self.open_cadre(cid)

    def open_cadre(self, cadre_id: int) -> None:
        from .cadre_editor import CadreEditor

        try:
            editor = CadreEditor(self.state, cadre_id, self)
        except DomainError as e:  # deleted by someone else meanwhile
            refuse(self, e)
            self.refresh()
            return
        editor.exec()

    def export_lrmx(self, folder: str | None = None):
        from .lrmx_dialogs import export_lrmx

        return export_lrmx(self, self.state, self.selected_ids(), folder=folder)

    def delete_selected(self) -> None:
        cid = self.selected_id()
        if cid is None or not self.state.actor.can("edit"):
            return
        with self.state.session() as s:
            d = cadres.get_cadre(s, cid)
            goes = cadres.delete_summary(s, cid)
        text = f"删除干部“{d['name']}”（{d['id_number']}）的档案？"
        if goes:
            text += f"\n\n将一并删除：{goes}。"
        text += "\n\n删除后可在操作记录中查到删除前的内容，但不能自动恢复。"
        if not confirm(self, text, "删除干部档案", "删除"):
            return
        try:
            with self.state.session() as s:
                cadres.delete_cadre(s, actor=self.state.actor, cadre_id=cid)
        except DomainError as e:
            refuse(self, e)
            return
        self.state.changes.emit("cadre")

    # -- remembering ---------------------------------------------------------------------------
    def save_settings(self) -> None:
        st = self.state.settings
        st.setValue("roster/header", self.table.horizontalHeader().saveState())
        st.setValue("roster/splitter", self.splitter.saveState())
        st.setValue("roster/filters", {
            "unit": self.unit.currentText(), "level": self.level.currentText(), "band": self.band.currentText(),
            "status": self.status.currentText(), "young": self.young.isChecked(),
            "reserve": self.reserve.isChecked(), "incomplete": self.incomplete.isChecked(),
            "rank_years": self.rank_years.value(),
        })

    def restore_settings(self) -> None:
        st = self.state.settings
        header = st.value("roster/header")
        if header is not None:
            self.table.horizontalHeader().restoreState(header)
        splitter = st.value("roster/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        f = st.value("roster/filters") or {}
        self.rank_years.blockSignals(True)
        self.rank_years.setValue(int(f.get("rank_years") or 0))
        self.rank_years.blockSignals(False)
        for combo, key in ((self.unit, "unit"), (self.level, "level"), (self.band, "band"), (self.status, "status")):
            i = combo.findText(str(f.get(key, ALL)))
            combo.blockSignals(True)
            combo.setCurrentIndex(max(i, 0))
            combo.blockSignals(False)
        for box, key in ((self.young, "young"), (self.reserve, "reserve"), (self.incomplete, "incomplete")):
            box.blockSignals(True)
            box.setChecked(str(f.get(key, False)).lower() == "true")
            box.blockSignals(False)


def summary_html(d: dict, *, masked: bool = False) -> str:
    from ..core.exchange.exporter import mask
    from ..core.values import age_at
    import datetime as dt

    e = lambda v: html.escape(str(v)) if v not in (None, "") else "—"  # noqa: E731
    idn = mask("id_number", d["id_number"]) if masked else d["id_number"]
    age = age_at(d.get("birth"), dt.date.today())
    rows = [
        ("身份证号", idn), ("性别", d.get("sex")), ("出生年月", f"{d.get('birth')}（{age}岁）" if age is not None else None),
        ("单位", d.get("unit_name")), ("现任职务", d.get("post")), ("职级", d.get("rank")),
        ("干部层级", d.get("level")), ("班子职务", d.get("team_role")),
        ("学历", " / ".join(x for x in (d.get("ft_education_text"), d.get("ip_education_text")) if x)),
        ("政治面貌", d.get("political_status")), ("参加工作", d.get("work_started")),
    ]
    out = [f"<h3 style='margin:2px 0'>{e(d['name'])}</h3>"]
    if d.get("incomplete"):
        out.append("<p style='color:#c0392b'>待完善：缺少工作单位或干部层级</p>")
    out.append("<table cellspacing=2>")
    out += [f"<tr><td style='color:#666;white-space:nowrap'>{k}</td><td>{e(v)}</td></tr>" for k, v in rows]
    out.append("</table>")
    if d.get("resumes"):
        out.append("<p style='margin:6px 0 2px;color:#666'>简历</p>")
        for r in d["resumes"]:
            end = r["end"] or "至今"
            out.append(f"<div style='margin-left:4px'>{r['start']}—{end}　{e(r['text'])}</div>")
    return "".join(out)
