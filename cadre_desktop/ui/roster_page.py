"""干部档案: the roster, its search box and filters, and the selected cadre's summary."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QByteArray, QItemSelectionModel, QItemSelectionRange, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QSpinBox, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from ..core.services import cadres, tolerance, units
from ..core.values import AGE_BANDS, CADRE_LEVELS, STATUSES, DomainError
from .common import confirm, refuse, shortcut
from .jobs import Loads
from .models import RosterModel
from .page_kit import (
    PagedList, Printable, RefreshWhenShown, TableSelection, export_verb, filter_row, make_table, make_toolbar,
    open_dialog, print_verbs, row_ranges, search_line,
)
from .print_order import PrintOrderDialog
from .roster_lists import ColumnChooser, StructureDialog, batch_menu
from .state import AppState
from .widgets import TagBadgeDelegate

SORT_KEYS = {k: k for k, _ in cadres.ROSTER_COLUMNS if k in cadres.SORT_KEYS}
ALL_COLUMNS = (*cadres.ROSTER_COLUMNS, *cadres.ROSTER_MORE_COLUMNS)
DEFAULT_SHOWN = tuple(k for k, _ in cadres.ROSTER_COLUMNS)
ALL = "全部"


class RosterPage(RefreshWhenShown, TableSelection, Printable, QWidget):
    """Navigation on the left (the window's), the table in the middle, details at the right.
    Several cadres can be selected (Ctrl/Shift) for printing their 任免审批表.

    Every read runs on the page's query thread (jobs.Loads): "units" fills the unit filter, "list"
    the ids of the cadres shown (with the first block of their rows), "rows:…:<n>" the block of rows
    from row n when the table scrolls to it (page_kit.PagedList), "details" the selected cadre's
    summary."""

    # the rows show cadres in their units, their 容错纠错 mark (its months are a setting) and
    # 本年学时 (training classes and attendance)
    SHOWS = frozenset({"cadre", "unit", "tolerance", "setting", "training_class", "attendance"})
    PRINT_FORMS = (("appointment-form", "干部任免审批表（选中的干部）…"), ("roster", "干部花名册（当前筛选）"))

    import_requested = Signal()
    export_requested = Signal()

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.sort_key, self.descending = "default", False

        # toolbar: the same verbs in the same places on every record page
        can_edit = state.actor.can("edit")
        self.toolbar = make_toolbar(self, can_edit, [
            ("act_new", "新增", self.new_cadre, True), ("act_edit", "编辑", self.open_selected, False),
            ("act_delete", "删除", self.delete_selected, True), None,
            ("act_import", "导入", self.import_requested.emit, True),
            export_verb(self), *print_verbs(self), None,
            ("act_export_lrmx", "导出任免审批表", self.export_lrmx, False), None,
            ("act_columns", "显示列", self.choose_columns, False),
            ("act_structure", "统计", self.show_structure, False),
            ("act_batch", "批量", self._show_batch_menu, False)])
        self.act_export_lrmx.setToolTip("把选中的干部各导出为一份 .lrmx 任免审批表（可按住 Ctrl 或 Shift 多选）")
        self.act_columns.setToolTip("选择列表显示的列（身份证号、民族、政治面貌……）")
        self.act_structure.setToolTip("按单位统计当前列表的年龄段、性别、学历、民族、政治面貌、层级结构")
        self.batch_menu = batch_menu(self)
        self.act_batch.setMenu(self.batch_menu)
        self.act_batch.setToolTip("对所选干部批量操作（可按住 Ctrl 或 Shift 多选，Ctrl+A 全选）")
        for act in self.batch_menu.actions()[:6]:
            act.setVisible(can_edit)
        if not can_edit:
            self.act_edit.setText("查看")

        # search and filters
        self.search = search_line("搜索：姓名、拼音首字母（zsf）或全拼" if state.actor.masked_export
                                  else "搜索：姓名、拼音首字母（zsf）、全拼或身份证号片段")
        self.search.setMaxLength(cadres.MAX_SEARCH)
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
        self.tag = QComboBox()
        self.tag.addItems([ALL, cadres.TAGGED, "红", "黄", "绿"])
        self.tag.setToolTip(RosterModel.TAG_LEGEND)
        self.young = QCheckBox("年轻干部")
        self.reserve = QCheckBox("后备干部")
        self.incomplete = QCheckBox("待完善")
        self.training_short = QCheckBox("本年学时不足")
        self.training_short.setToolTip("今年已结业的培训学时少于设置中的每年应完成学时")
        # 任现职级满 N 年 (0: any); years in a rank decide eligibility for the next one.
        self.rank_years = QSpinBox()
        self.rank_years.setRange(0, 40)
        self.rank_years.setSpecialValueText("不限")
        self.rank_years.setSuffix(" 年")
        self.rank_years.setAccessibleName("任现职级满几年")
        self.count = QLabel()

        filters = filter_row(None, (("单位", self.unit), ("层级", self.level), ("年龄段", self.band),
                                    ("状态", self.status), ("标记", self.tag), ("任现职级满", self.rank_years)),
                             (self.young, self.reserve, self.incomplete, self.training_short), self.count, stretch=True)

        # the table
        self.model = RosterModel(ALL_COLUMNS, lambda _ids: [], SORT_KEYS, self)  # rows: PagedList's reader
        self.model.masked = state.actor.masked_export
        self.model.on_sort = self._sorted
        self.table = make_table(self.model, widths=(70, 40, 44, 76, 44, 120, 190, 92, 100, 92, 76, 66, 56))
        # No sort indicator until the clerk clicks a header: the department's own order by default.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.tag_delegate = TagBadgeDelegate(self.table)
        self.table.setItemDelegateForColumn([k for k, _ in cadres.ROSTER_COLUMNS].index("tag"), self.tag_delegate)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_details())
        self._chosen: dict[int, None] = {}  # selected cadres in the order the clerk selected them
        self._reselecting = False  # a refresh selecting _chosen again
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        for col in range(len(cadres.ROSTER_COLUMNS), len(ALL_COLUMNS)):
            self.table.setColumnWidth(col, 160 if ALL_COLUMNS[col][0] == "id_number" else 86)

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

        # The search field announces a pause in typing (one query for a burst of keystrokes).
        self.search.searched.connect(lambda _t: self.refresh())
        for combo in (self.unit, self.level, self.band, self.status, self.tag):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        for box in (self.young, self.reserve, self.incomplete, self.training_short):
            box.toggled.connect(lambda _c: self.refresh())
        self.rank_years.valueChanged.connect(lambda _v: self.refresh())
        shortcut(self, "Ctrl+F", self.focus_search)
        shortcut(self.table, Qt.Key.Key_Return, self.open_selected)
        shortcut(self.table, Qt.Key.Key_Enter, self.open_selected)
        shortcut(self.table, Qt.Key.Key_Delete, self.delete_selected)
        self.search.returnPressed.connect(self._search_enter)

        self.loads = Loads(self)
        self.paged = PagedList(state, self.model, self.loads, current=self.selected_id)
        self._select_next: int | None = None
        self._enter_after_list = False  # Enter in the search box waits for the list it asked for
        self._unit_wanted: str | None = None  # the remembered unit filter, chosen once the units are in
        self._listed_unit: int | None = None  # the unit filter of the list last asked for
        self._units_stale = False
        self.restore_settings()
        state.changes.changed.connect(self._changed)
        self.reload_units()
        if self._unit_wanted is None:
            self.refresh()  # else the units' answer sets the unit filter and asks for the list
        self._stale = False

    # -- data ---------------------------------------------------------------------------------
    def current_filter(self) -> cadres.RosterFilter:
        pick = lambda c: None if c.currentText() == ALL else c.currentText()  # noqa: E731
        return cadres.RosterFilter(
            search=self.search.text(), unit_id=self.unit.currentData(), level=pick(self.level),
            age_band=pick(self.band), status=pick(self.status), young=self.young.isChecked(),
            reserve=self.reserve.isChecked(), incomplete=self.incomplete.isChecked(),
            rank_years=self.rank_years.value() or None, tag=pick(self.tag),
            training_short_year=dt.date.today().year if self.training_short.isChecked() else None,
            hide_numbers=self.state.actor.masked_export,
        )

    def refresh(self, *, wait: bool = False) -> None:
        """Re-run the roster query on the page's query thread (at 100,000 cadres it takes a good
        part of a second); `wait=True` runs it here, for code that must have the answer."""
        self._stale = False
        if self._units_stale:
            self.reload_units(wait=wait)
        flt, sort, descending = self.current_filter(), self.sort_key, self.descending
        self._listed_unit = flt.unit_id
        self.search_note.setText(flt.search_note or "")
        self.search_note.setVisible(bool(flt.search_note))
        self.paged.load(lambda s: cadres.roster_ids(s, flt, sort=sort, descending=descending), cadres.roster_rows,
                        self._apply_list, wait=wait)

    def _apply_list(self, _extra=None) -> None:
        """The new ids are shown: the model's reset dropped the selection without a signal, so
        `_chosen` still holds the cadres selected before it, in the clerk's order."""
        keep = self._select_next or self.paged.kept
        chosen = () if self._select_next else self._chosen
        self._select_next = None
        present = self.model.row_index()  # built once here, used again to reselect below
        self._chosen = {i: None for i in chosen if i in present}
        if keep is not None:
            self.select_id(keep)
        if len(self._chosen) > 1:  # a multi-selection for printing survives a refresh, in its order
            # one merged selection, one selectionChanged: a select() per row re-ran
            # _selection_changed each time (4.35 s to reselect 5,000 rows)
            self._reselecting = True  # _chosen already holds them, in their order
            try:
                self.table.selectionModel().select(
                    row_ranges(self.model, sorted(map(present.__getitem__, self._chosen))),
                    QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
            finally:
                self._reselecting = False
        self._show_count()
        self._show_details()
        if self._enter_after_list:
            self._enter_after_list = False
            self._search_enter()

    def _show_count(self) -> None:
        chosen = len(self._chosen)
        self.count.setText(f"共 {self.model.rowCount()} 人" + (f"，已选 {chosen} 人" if chosen > 1 else ""))

    def reload_units(self, *, wait: bool = False) -> None:
        """The unit filter's choices (names only: list_units would count each unit's cadres)."""
        self._units_stale = False

        def fetch() -> list[tuple[str, int]]:
            with self.state.session(read_only=True) as s:
                return [(u["name"], u["id"]) for u in units.unit_choices(s)]

        self.loads.run("units", fetch, self._apply_units, wait=wait)

    def _apply_units(self, choices: list[tuple[str, int]]) -> None:
        current = self.unit.currentData()
        self.unit.blockSignals(True)
        self.unit.clear()
        self.unit.addItem(ALL, None)
        for name, uid in choices:
            self.unit.addItem(name, uid)
        if self._unit_wanted is not None:
            i = self.unit.findText(self._unit_wanted)
            self._unit_wanted = None
        else:
            i = self.unit.findData(current)
        self.unit.setCurrentIndex(max(i, 0))
        self.unit.blockSignals(False)
        if self.unit.currentData() != self._listed_unit or not self.loads.generations.get("list"):
            self.refresh()  # the remembered unit is chosen now, or the unit filtered on is gone

    def _sorted(self, key: str, descending: bool) -> None:
        self.sort_key, self.descending = key, descending
        self.refresh()

    def _changed(self, entities: set) -> None:
        if "unit" in entities or "*" in entities:
            self._units_stale = True  # reloaded by the next refresh, now or when next shown
        super()._changed(entities)

    # -- selection -----------------------------------------------------------------------------
    def _selection_changed(self, selected, deselected) -> None:
        # by slices of the ids: Ctrl+A on 100,000 rows is one range (a call per row took 0.2 s)
        if self._reselecting:
            return
        ids, chosen = self.model.ids, self._chosen
        if not self.table.selectionModel().hasSelection():
            chosen.clear()  # cleared (100,000 pops took 70 ms)
        else:
            for rng in deselected:
                for cid in ids[rng.top(): rng.bottom() + 1]:
                    chosen.pop(cid, None)
        for rng in sorted(selected, key=QItemSelectionRange.top):  # a range's rows in the list's order
            if chosen:
                chosen.update(dict.fromkeys(ids[rng.top(): rng.bottom() + 1]))
            else:  # Ctrl+A from nothing: one dict, not a second one copied into the first
                self._chosen = chosen = dict.fromkeys(ids[rng.top(): rng.bottom() + 1])
        self._show_count()

    def selected_ids(self) -> list[int]:
        """The selected cadres, in the order the clerk selected them."""
        # rows from the selection's ranges: selectedRows() makes an index object per row
        ranges = self.table.selectionModel().selection()
        ids = self.model.ids
        if len(ranges) == 1:
            now = ids[ranges[0].top(): ranges[0].bottom() + 1]
        else:
            rows = sorted({r for rng in ranges for r in range(rng.top(), rng.bottom() + 1)})
            now = [ids[r] for r in rows if r < len(ids)]
        present = set(now)  # built once: a set per element was quadratic (4.4 s for 5,000 selected)
        if len(present) == len(self._chosen) and self._chosen.keys() == present:
            return list(self._chosen)  # every selected row was seen selected (Ctrl+A, clicks)
        first = [i for i in self._chosen if i in present]
        taken = set(first)
        return first + [i for i in now if i not in taken]

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _search_enter(self) -> None:
        if self.loads.is_pending("list"):  # the answer to what was typed is on its way: act on it
            self._enter_after_list = True
            return
        if self.model.rowCount() == 1:
            self.select_id(self.model.id_at(0))
            self.open_selected()
        elif self.model.rowCount():
            self.table.setFocus()
            if not self.table.currentIndex().isValid():
                self.select_id(self.model.id_at(0))

    def _show_details(self, *, wait: bool = False) -> None:
        """The selected cadre's summary and photo, read on the query thread."""
        cid = self.selected_id()
        if cid is None:  # nothing to read; a late answer for an earlier selection is dropped
            self.loads.cancel("details")
            self._apply_details(None)
            return

        def fetch() -> dict | None:
            try:
                with self.state.session(read_only=True) as s:
                    d = cadres.get_cadre(s, cid)
                    d["tag"], d["tag_case"] = tolerance.tags(s, [cid]).get(cid, (None, None))
                    return d
            except DomainError:  # deleted by another clerk meanwhile: the list follows
                return None

        self.loads.run("details", fetch, self._apply_details, wait=wait)

    def _apply_details(self, d: dict | None) -> None:
        if d is None:  # none selected, or the cadre is gone
            self.details.setHtml("<p style='color:#888'>选择一名干部查看档案摘要；双击或按回车打开档案。</p>")
            self.photo.setPixmap(QPixmap())
            self.photo.setText("照片")
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

        editor = CadreEditor(self.state, cadre_id, self)  # reads the record off the GUI thread
        editor.exec()
        if editor.gone:  # deleted by someone else meanwhile (the editor said so)
            self.refresh()

    def export_lrmx(self, folder: str | None = None):
        from .lrmx_dialogs import export_lrmx

        return export_lrmx(self, self.state, self.selected_ids(), folder=folder)

    def delete_selected(self) -> None:
        cid = self.selected_id()
        if cid is None or not self.state.actor.can("edit"):
            return
        with self.state.session(read_only=True) as s:
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

    # -- columns, 统计, 批量 ------------------------------------------------------------------------
    def shown_keys(self) -> list[str]:
        header = self.table.horizontalHeader()
        return [ALL_COLUMNS[c][0] for c in range(len(ALL_COLUMNS)) if not header.isSectionHidden(c)]

    def set_columns(self, keys) -> None:
        """Show these columns (姓名 always), remembered in the window settings."""
        keys = set(keys) | {"name"}
        for c, (key, _h) in enumerate(ALL_COLUMNS):
            self.table.setColumnHidden(c, key not in keys)
        self.state.settings.setValue("roster/columns", [k for k, _h in ALL_COLUMNS if k in keys])

    def choose_columns(self) -> None:
        self.column_dialog = ColumnChooser(list(ALL_COLUMNS), set(self.shown_keys()), self)
        if self.column_dialog.exec():
            self.set_columns(self.column_dialog.chosen())

    def show_structure(self) -> StructureDialog:
        self.structure = StructureDialog(self.state, self.current_filter(), self.list_filters(self.table), self)
        self.structure.open()
        return self.structure

    def _show_batch_menu(self) -> None:
        self.batch_menu.exec(self.toolbar.mapToGlobal(self.toolbar.actionGeometry(self.act_batch).bottomLeft()))

    def list_filters(self, _table) -> str:
        from ..core.services.roster import filter_text  # light: not core.printing (ReportLab, openpyxl)

        with self.state.session(read_only=True) as s:
            text = filter_text(s, self.current_filter())
        if self.rank_years.value():
            text += f"、任现职级满{self.rank_years.value()}年"
        return "" if text == "全部干部" else text

    # -- printing -------------------------------------------------------------------------------
    def print_form(self, form: str) -> None:
        from .print_preview import preview_form  # QtPdf: not at start

        if form == "roster":
            preview_form(self, self.state, "roster", {"filter": self.current_filter(), "sort": self.sort_key,
                                                      "descending": self.descending}, file_name="干部花名册")
        elif form == "appointment-form":
            open_dialog(self, PrintOrderDialog(self.state, self.selected_ids(), self), self._print_in_order)

    def _print_in_order(self, dialog: PrintOrderDialog) -> None:
        from .print_preview import preview_form, save_each

        ids = dialog.ordered_ids()
        if dialog.each_pdf():
            save_each(self, self.state, ids, dialog.folder())
        else:
            preview_form(self, self.state, "appointment-form", {"cadre_ids": ids},
                         file_name=f"干部任免审批表（{len(ids)}人）")

    # -- remembering ---------------------------------------------------------------------------
    def save_settings(self) -> None:
        st = self.state.settings
        st.setValue("roster/header", self.table.horizontalHeader().saveState())
        st.setValue("roster/splitter", self.splitter.saveState())
        st.setValue("roster/filters", {
            "unit": self._unit_wanted or self.unit.currentText(), "level": self.level.currentText(),
            "band": self.band.currentText(),
            "status": self.status.currentText(), "tag": self.tag.currentText(), "young": self.young.isChecked(),
            "reserve": self.reserve.isChecked(), "incomplete": self.incomplete.isChecked(),
            "rank_years": self.rank_years.value(), "training_short": self.training_short.isChecked(),
        })

    def restore_settings(self) -> None:
        st = self.state.settings
        header = st.value("roster/header")
        if header is not None and self.table.horizontalHeader().restoreState(header):
            self.table.setProperty("widths_restored", True)
        chosen = st.value("roster/columns")
        if isinstance(chosen, str):
            chosen = [chosen]
        self.set_columns(chosen if chosen else DEFAULT_SHOWN)
        splitter = st.value("roster/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        f = st.value("roster/filters") or {}
        self.rank_years.blockSignals(True)
        self.rank_years.setValue(int(f.get("rank_years") or 0))
        self.rank_years.blockSignals(False)
        unit = str(f.get("unit", ALL))
        self._unit_wanted = unit if unit != ALL else None  # chosen when the units come in
        for combo, key in ((self.level, "level"), (self.band, "band"), (self.status, "status"), (self.tag, "tag")):
            i = combo.findText(str(f.get(key, ALL)))
            combo.blockSignals(True)
            combo.setCurrentIndex(max(i, 0))
            combo.blockSignals(False)
        for box, key in ((self.young, "young"), (self.reserve, "reserve"), (self.incomplete, "incomplete"),
                         (self.training_short, "training_short")):
            box.blockSignals(True)
            box.setChecked(str(f.get(key, False)).lower() == "true")
            box.blockSignals(False)


def summary_html(d: dict, *, masked: bool = False) -> str:
    from ..core.masking import mask
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
    if d.get("tag"):
        from .widgets import TAG_COLOURS

        ink = "#222" if d["tag"] == "黄" else "#fff"
        out.append(f"<p style='margin:4px 0'><span style='background:{TAG_COLOURS[d['tag']]};color:{ink}'>"
                   f"&nbsp;{e(d['tag'])}&nbsp;</span> 容错纠错：{e(d.get('tag_case'))}</p>")
    out.append("<table cellspacing=2>")
    out += [f"<tr><td style='color:#666;white-space:nowrap'>{k}</td><td>{e(v)}</td></tr>" for k, v in rows]
    out.append("</table>")
    if d.get("resumes"):
        out.append("<p style='margin:6px 0 2px;color:#666'>简历</p>")
        for r in d["resumes"]:
            end = r["end"] or "至今"
            out.append(f"<div style='margin-left:4px'>{r['start']}—{end}　{e(r['text'])}</div>")
    return "".join(out)
