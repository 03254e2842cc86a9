"""文件 → 导入花名册…: a county's own roster workbook. Shows the header row it found, the columns it
recognised, drop-downs to map or skip the rest, the first rows as they will be read, the units to
create (with a tick to agree); saves and loads a mapping; checks and imports in the background
with the same result view as the workbook import."""

from __future__ import annotations

import copy
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDialog, QFileDialog, QGroupBox, QHBoxLayout,
    QHeaderView, QLabel, QLineEdit, QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QTabWidget,
    QVBoxLayout,
)

from ..core.exchange import roster
from ..core.exchange.parse import clean_text
from ..core.exchange.sheets import sheet
from ..core.values import DomainError
from .common import fit_to_screen
from .exchange_dialogs import import_buttons, problems_table, show_result
from .jobs import Job, Loads, run_job
from .state import AppState

ROSTER_FILTER = "Excel 工作簿 (*.xlsx *.xls)"
MAPPING_FILTER = "列对应文件 (*.json)"
SKIP_TEXT = "（不导入）"
UNMAPPED = QColor("#fff2cc")


class RosterImportDialog(QDialog):
    """Map a roster's columns to the 干部 sheet, then check and import it all or nothing."""

    def __init__(self, state: AppState, parent=None, path: str | None = None):
        super().__init__(parent)
        self.state = state
        self.book: roster.RosterBook | None = None
        self.layout_: roster.RosterLayout | None = None
        self.job: Job | None = None
        self.result: roster.RosterResult | None = None
        self.missing: list[tuple[str, str]] = []
        self.loads = Loads(self)  # the preview and the roster's counts, off the GUI thread
        self.combos: dict[int, QComboBox] = {}
        self.setWindowTitle("导入花名册")
        fit_to_screen(self, 1180, 700)

        self.path = QLineEdit(path or "")
        self.path.setPlaceholderText("选择本县的花名册（.xlsx 或 .xls）")
        self.path.returnPressed.connect(lambda: self.load(self.path.text().strip()))
        browse = QPushButton("选择文件…")
        browse.clicked.connect(self.browse)
        self.sheet = QComboBox()
        self.sheet.setAccessibleName("工作表")
        self.sheet.setMinimumContentsLength(8)
        self.sheet.activated.connect(lambda _i: self.redetect())
        self.load_map = QPushButton("载入列对应…")
        self.load_map.clicked.connect(self.choose_mapping)
        self.save_map = QPushButton("保存列对应…")
        self.save_map.clicked.connect(self.choose_save_mapping)
        top = QHBoxLayout()
        top.addWidget(QLabel("文件"))
        top.addWidget(self.path, 1)
        top.addWidget(browse)
        top.addWidget(QLabel("工作表"))
        top.addWidget(self.sheet)
        top.addWidget(self.load_map)
        top.addWidget(self.save_map)

        self.header_info = QLabel("选择花名册后，这里显示找到的表头行。")
        self.header_info.setWordWrap(True)

        # column mapping
        self.columns = QTableWidget(0, 3)
        self.columns.setHorizontalHeaderLabels(["花名册的列", "对应到干部表的列", "识别"])
        self.columns.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.columns.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.columns.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.columns.verticalHeader().setVisible(False)
        self.columns.verticalHeader().setDefaultSectionSize(28)
        map_box = QGroupBox("列对应（黄色为未识别的列，请选择对应的列或“不导入”）")
        QVBoxLayout(map_box).addWidget(self.columns)

        # preview
        self.preview = QTableWidget(0, 0)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.verticalHeader().setDefaultSectionSize(24)
        preview_box = QGroupBox("前几行将这样读入（左侧为花名册中的行号）")
        QVBoxLayout(preview_box).addWidget(self.preview)

        split = QSplitter()
        split.addWidget(map_box)
        split.addWidget(preview_box)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([420, 740])

        # units to create
        self.units_label = QLabel()
        self.units_label.setWordWrap(True)
        self.create_units = QCheckBox("同意新建这些单位")
        units_row = QHBoxLayout()
        units_row.addWidget(self.units_label, 1)
        units_row.addWidget(self.create_units)
        self.units_box = QGroupBox("系统中没有的单位")
        self.units_box.setLayout(units_row)
        self.units_box.setVisible(False)

        self.status = QLabel("导入前会先检查全部行：只要有一处错误，就不写入任何数据。")
        self.status.setWordWrap(True)
        self.problems = problems_table()

        self.tabs = QTabWidget()
        self.tabs.addTab(split, "列对应与预览")
        self.tabs.addTab(self.problems, "检查结果")

        buttons = import_buttons(self)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.header_info)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.units_box)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self._enable(False)
        if path:
            self.load(path)

    # -- the file --------------------------------------------------------------------------------
    def _enable(self, loaded: bool) -> None:
        for w in (self.check_button, self.import_button, self.save_map, self.load_map, self.sheet):
            w.setEnabled(loaded)

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择花名册", self.state.last_folder(), ROSTER_FILTER)
        if path:
            self.state.remember_folder(path)
            self.load(path)

    def load(self, path: str) -> Job | None:
        """Read the file in the background, then find its header."""
        if not path:
            return None
        self.path.setText(path)
        self.status.setText("正在读取花名册…")
        self._enable(False)

        def work(progress, cancelled):
            book = roster.RosterBook.open(path)
            return book, roster.detect(book)

        self.job = run_job(self, "读取花名册", work, on_success=self._loaded, on_failure=self._failed,
                           cancellable=False)
        return self.job

    def _loaded(self, got) -> None:
        self.book, layout = got
        self.sheet.blockSignals(True)
        self.sheet.clear()
        self.sheet.addItems(list(self.book.sheets))
        self.sheet.setCurrentText(layout.sheet)
        self.sheet.blockSignals(False)
        self._enable(True)
        self.show_layout(layout, tell=False)
        self.status.setText("请核对列对应和预览；未识别的列可在下拉框中选择对应的列，或选“不导入”。")

    def redetect(self) -> None:
        if self.book is None:
            return
        try:
            self.show_layout(roster.detect(self.book, sheet_name=self.sheet.currentText()))
        except DomainError as e:
            self.status.setText(e.message)

    # -- mapping -------------------------------------------------------------------------------
    def show_layout(self, layout: roster.RosterLayout, *, tell: bool = True) -> None:
        self.layout_ = layout
        targets = roster.target_headers()
        self.columns.setRowCount(len(layout.columns))
        self.combos = {}
        for i, c in enumerate(layout.columns):
            name = QTableWidgetItem(c.header)
            self.columns.setItem(i, 0, name)
            combo = QComboBox()
            combo.setAccessibleName(f"{c.header} 对应到")
            combo.addItem(SKIP_TEXT, None)
            if c.target == roster.SEQ:
                combo.addItem("序号（不导入）", roster.SEQ)
            for t in targets:
                combo.addItem(t, t)
            combo.setCurrentIndex(max(combo.findData(c.target), 0) if c.target else 0)
            combo.currentIndexChanged.connect(lambda _i, index=c.index, box=combo: self.map_column(index, box))
            self.columns.setCellWidget(i, 1, combo)
            self.combos[c.index] = combo
            self._mark(i, c)
        self.columns.resizeColumnToContents(2)
        self.refresh_preview(tell=tell)

    def _header_info(self) -> None:
        layout = self.layout_
        rows = "、".join(str(n) for n in layout.header_rows)
        two = "（两行表头，已合并分组单元格）" if len(layout.header_rows) == 2 else ""
        self.header_info.setText(
            f"工作表“{layout.sheet}”：表头在第 {rows} 行{two}，数据从第 {layout.first_data_row} 行起；"
            f"导入 {len(layout.mapped())} 列，未识别 {len(layout.unmapped())} 列。")

    def _mark(self, row: int, c: roster.RosterColumn) -> None:
        how = {"词表": "已识别", "映射": "已指定"}.get(c.how, "未识别")
        item = QTableWidgetItem(how)
        self.columns.setItem(row, 2, item)
        colour = UNMAPPED if c.target is None and c.how != "映射" else QColor(Qt.GlobalColor.transparent)
        for j in (0, 2):
            self.columns.item(row, j).setBackground(colour)

    def map_column(self, index: int, combo: QComboBox) -> None:
        if self.layout_ is None:
            return
        self.layout_.set_target(index, combo.currentData())
        for i, c in enumerate(self.layout_.columns):
            if c.index == index:
                self._mark(i, c)
        self.refresh_preview()

    def set_mapping(self, header: str, target: str | None) -> None:
        """Choose what a column is read as (as the clerk does with its drop-down)."""
        assert self.layout_ is not None
        for c in self.layout_.columns:
            if c.header == header:
                combo = self.combos[c.index]
                combo.setCurrentIndex(max(combo.findData(target), 0) if target else 0)
                return
        raise KeyError(header)

    def refresh_preview(self, *, tell: bool = True) -> None:
        """Read the first rows as they will be read (shown at once), then count the whole roster
        and find its units missing from the system, both on the dialog's query thread; `tell`
        puts the count in the status line."""
        if self.book is None or self.layout_ is None:
            return
        self._header_info()
        problems = self.layout_.problems()
        book, layout = self.book, copy.deepcopy(self.layout_)  # the clerk may map on meanwhile

        def counts() -> tuple[int, int, list[tuple[str, str]]]:
            rows = roster.read_rows(book, layout)
            with self.state.session(read_only=True) as s:
                return len(rows.rows), len(rows.skipped), roster.missing_units(s, rows)

        self.loads.run("preview", lambda: roster.preview(book, layout), self._show_preview)
        self.loads.run("counts", counts, lambda got: self._show_counts(got, problems, tell))

    def _show_preview(self, rows: roster.RosterRows) -> None:
        shown = rows.rows
        self.preview.clear()
        self.preview.setColumnCount(len(rows.headers))
        self.preview.setHorizontalHeaderLabels(rows.headers)
        self.preview.setRowCount(len(shown))
        self.preview.setVerticalHeaderLabels([str(n) for n, _ in shown])
        columns = {c.header: c for c in sheet("干部").columns}
        for i, (_, values) in enumerate(shown):
            for j, v in enumerate(values):
                self.preview.setItem(i, j, _preview_item(columns[rows.headers[j]], v))
        self.preview.resizeColumnsToContents()

    def _show_counts(self, got: tuple[int, int, list[tuple[str, str]]], problems, tell: bool) -> None:
        count, skipped, self.missing = got
        if self.missing:
            names = "、".join(f"{n}（{k}）" for n, k in self.missing)
            self.units_label.setText(f"花名册中有 {len(self.missing)} 个单位系统中没有：{names}。"
                                     "同意后导入时按括号中的类别新建；不同意则这些行报错、不导入。")
        self.units_box.setVisible(bool(self.missing))
        self.create_units.setText(f"同意新建这些单位（{len(self.missing)} 个）")
        if not tell:
            return
        note = f"花名册共 {count} 行干部数据" + (f"，跳过 {skipped} 行（合计、说明、分组标题等）" if skipped else "")
        if problems:
            note += "。" + "；".join(f"{p.column}：{p.message}" for p in problems)
        self.status.setText(note)

    def choose_mapping(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "载入列对应", self.state.last_folder(), MAPPING_FILTER)
        if path:
            self.load_mapping(path)

    def load_mapping(self, path: str) -> None:
        if self.layout_ is None:
            return
        try:
            roster.apply_mapping(self.layout_, roster.load_mapping(path))
        except DomainError as e:
            self.status.setText(e.message)
            return
        self.show_layout(self.layout_)
        self.status.setText(f"已载入列对应：{Path(path).name}")

    def choose_save_mapping(self) -> None:
        default = str(Path(self.state.last_folder()) / "花名册列对应.json")
        path, _ = QFileDialog.getSaveFileName(self, "保存列对应", default, MAPPING_FILTER)
        if path:
            self.save_mapping(path if path.lower().endswith(".json") else path + ".json")

    def save_mapping(self, path: str) -> None:
        if self.layout_ is None:
            return
        try:
            roster.save_mapping(path, self.layout_)
        except OSError as e:
            self.status.setText(f"无法写入“{path}”：{e.strerror}")
            return
        self.status.setText(f"已保存列对应：{path}（下次导入同样格式的花名册时载入，命令行用 --mapping）")

    # -- check and import ------------------------------------------------------------------------
    def start(self, *, dry_run: bool) -> Job | None:
        if self.book is None or self.layout_ is None:
            self.status.setText("请先选择花名册。")
            return None
        book, layout, create = self.book, self.layout_, self.create_units.isChecked()
        self.problems.setRowCount(0)
        self.status.setText("正在检查…")
        self._enable(False)

        def work(progress, cancelled):
            with self.state.session() as s:
                return roster.import_roster(s, actor=self.state.actor, book=book, layout=layout,
                                            create_units=create, dry_run=dry_run, progress=progress,
                                            cancelled=cancelled)

        def changed(done: roster.RosterResult) -> tuple[str, ...]:
            return ("*",) if done.result.ok and not dry_run and (done.result.changed or done.created_units) else ()

        self.job = run_job(self, "导入花名册", work, on_success=lambda r: self.finished(r, dry_run),
                           on_failure=self._failed, announce=(self.state, changed))
        return self.job

    def _failed(self, error: BaseException) -> None:
        from ..core.exchange.sheets import Cancelled
        from .errors import show_unexpected

        self._enable(self.book is not None)
        if isinstance(error, Cancelled):
            self.status.setText("已取消，未写入任何数据。")
        elif isinstance(error, DomainError):
            self.status.setText(error.message)
        else:
            self.status.setText("导入时发生意外错误，未写入任何数据。")
            show_unexpected(error)

    def finished(self, done: roster.RosterResult, dry_run: bool) -> None:
        self.result = done
        self._enable(True)
        text = show_result(self.problems, done.result, dry_run)
        if done.created_units and not dry_run:
            text += "；新建单位：" + "、".join(done.created_units)
        self.status.setText(text)
        self.tabs.setCurrentIndex(1)
        if done.result.ok and not dry_run and (done.result.changed or done.created_units):  # announced by the job
            self.refresh_preview(tell=False)  # the units created are no longer missing


def _preview_item(column, value) -> QTableWidgetItem:
    """A cell as it will be stored (汉 → 汉族, 1985.3 → 1985.03); a value the check will refuse is
    shown as written, in red, with the reason as its tooltip."""
    try:
        parsed = column.parse(value)
    except ValueError as e:
        item = QTableWidgetItem(clean_text(value) or "")
        item.setForeground(Qt.GlobalColor.darkRed)
        item.setBackground(QColor("#fde2e1"))
        item.setToolTip(str(e))
        return item
    shown = column.format(parsed)
    return QTableWidgetItem("" if shown is None else str(shown))
