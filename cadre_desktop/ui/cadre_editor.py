"""The cadre file (干部档案) editor: every field of the 干部任免审批表, its four lists and the photo.

Fields are grouped into tabs the way the paper form groups them. The editor parses what the
clerk typed, hands the record to `cadres.save_cadre` and shows the core's refusals beside the
fields that caused them; the rules themselves live in the core.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton, QCheckBox, QComboBox, QDialog, QFileDialog, QGridLayout, QGroupBox, QHBoxLayout, QLabel,
    QLineEdit, QPlainTextEdit, QPushButton, QScrollArea, QSizePolicy, QTabWidget, QVBoxLayout, QWidget,
)

from ..core.exchange.parse import clean_text
from ..core.services import cadres
from ..core import conflicts
from ..core.values import DomainError, check_id_number
from . import conflict
from .cadre_lists import CELL_ERROR, LIST_KEY, ListEditor
from .cadre_photo import PhotoBox, crop_photo
from .cadre_record import fetch_record, save_record
from .jobs import Loads, run_job
from .common import ERROR_STYLE, confirm, error_label, fit_to_screen, refuse, required_text, set_error, shortcut
from .print_preview import available_forms, preview_form
from .state import AppState
from .widgets import ChoiceCombo, DayEdit, MonthEdit, mask_tail

# The list tabs (cadre_lists), the photo (cadre_photo) and what is read and saved off the GUI
# thread (cadre_record) live beside this module; the form itself is here.
__all__ = ["CELL_ERROR", "CadreEditor", "ListEditor", "PhotoBox", "crop_photo"]

TEXT_AREAS = {"appointment_reason", "notes"}
MASKED = {"id_number", "phone"}
EDUCATION_PREFIXES = ("全日制", "在职")

# The tabs, as the 任免审批表 groups the fields. A row holds one field (spanning both columns),
# two fields, or (field, None): one field in the left column.
BASIC_ROWS = [
    ("name", "sex"), ("id_number", "birth"), ("ethnicity", "native_place"), ("birthplace", "political_status"),
    ("party_joined", "work_started"), ("health", "title"), ("specialty",),
]
EDUCATION_GROUPS = [
    ("全日制教育", [("ft_education_text", "ft_degree"), ("ft_school",), ("ft_degree_school",)]),
    ("在职教育", [("ip_education_text", "ip_degree"), ("ip_school",), ("ip_degree_school",)]),
]
POST_ROWS = [
    ("unit_id", "status"), ("post",), ("post_since", "level"), ("rank", "rank_since"), ("staffing", "five_category"),
    ("team_role",),
    ("reserve", "township_start"), ("phone", None), ("notes",),
]
APPOINTMENT_ROWS = [
    ("proposed_post",), ("proposed_removal",), ("appointment_reason",), ("reporting_unit", "form_filler"),
    ("age_date", None),
]


class CadreEditor(QDialog):
    """Create (cadre_id None) or edit one cadre's file. The record, the units for the combo and the
    career tabs are read off the GUI thread (`loads`, key "record") while the form is built a tab
    per turn of the event loop (`built`); until the record is shown (`loaded`) the form is
    disabled. A record deleted meanwhile is refused and the dialog closes (`gone`).
    The save runs as a job (jobs.run_job) with the form disabled until it returns (`saving`); a
    refusal leaves everything as typed. After a successful save `saved_id` holds the record's id,
    `saved` what changed (cadres.Saved), the changed entities are announced and the dialog accepted."""

    def __init__(self, state: AppState, cadre_id: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.cadre_id = cadre_id
        self.saved_id: int | None = None
        self.saved: cadres.Saved | None = None
        self.readonly = not state.actor.can("edit")
        self.loaded = False
        self.gone = False  # the record was deleted by someone else before it could be shown
        self.saving = False
        self.loads = Loads(self)
        self._version: int | None = None
        self._photo: bytes | None = None

        self.setWindowTitle("干部档案" if cadre_id is not None else "新增干部")
        self.setSizeGripEnabled(True)

        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.field_tab: dict[str, int] = {}
        self.lists: dict[str, ListEditor] = {}
        self._order: list[QWidget] = []  # inputs in reading order: the Tab order
        self._labels: list[QLabel] = []
        self.field_labels: dict[str, tuple[QLabel, str]] = {}
        probe = QLineEdit()
        self._line_height = probe.sizeHint().height()
        probe.deleteLater()

        self.tabs = QTabWidget()
        self._build_basic()  # the first tab now; the others one per turn of the event loop (_build_next)

        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        self._buttons: list[QWidget] = []  # after the form in the Tab order
        self.preview_button: QPushButton | None = None
        if "appointment-form" in available_forms():
            self.preview_button = QPushButton("预览审批表")
            self.preview_button.setToolTip("按正在编辑的内容（未保存也可）预览、打印干部任免审批表")
            self.preview_button.setAutoDefault(False)
            self.preview_button.clicked.connect(self.preview_form)
            buttons.addWidget(self.preview_button)
            self._buttons.append(self.preview_button)
        self.save_button: QPushButton | None = None
        if not self.readonly:
            self.save_button = QPushButton("保存")
            self.save_button.setToolTip("保存（Ctrl+S）")
            self.save_button.setAutoDefault(False)
            self.save_button.clicked.connect(self.save)
            buttons.addWidget(self.save_button)
            self._buttons.append(self.save_button)
            shortcut(self, "Ctrl+S", self.save)
        self.cancel_button = QPushButton("关闭" if self.readonly else "取消")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        buttons.addWidget(self.cancel_button)
        self._buttons.append(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

        self._loaded: dict = {}
        self._loaded_form: dict = {}
        self._initial: list = []
        self._answer: dict | None = None  # the record, read before the form was finished
        self._set_busy(True, "正在读取档案…")
        fit_to_screen(self, 1080, 680)
        self.loads.run("record", lambda: fetch_record(state.session, cadre_id), self._arrived,
                       on_error=self._load_failed)
        # The rest of the form, a tab at a time, so no turn of the event loop waits long for it.
        self._steps: list = [self._build_education, lambda: self._build_rows("现任职务", POST_ROWS, []),
                             lambda: self._build_rows("任免", APPOINTMENT_ROWS)]
        self._steps += [lambda n=name: self._build_list(n) for name in cadres.LISTS]
        if cadre_id is not None:
            self._steps.append(self._build_career)
        self._steps.append(self._finish_form)
        self.built = False
        QTimer.singleShot(0, self, self._build_next)

    def _build_next(self) -> None:
        if self.gone:
            return
        self._steps.pop(0)()
        if self._steps:
            QTimer.singleShot(0, self, self._build_next)

    def _build_list(self, name: str) -> None:
        editor = ListEditor(name, readonly=self.readonly, parent=self.tabs)  # never a window of its own
        self.lists[name] = editor
        self.tabs.addTab(editor, cadres.LIST_LABELS[name])
        self._order.append(editor.table)
        self._order.extend(editor.buttons.values())

    def _build_career(self) -> None:
        """The read-only career records: 培训, 挂职驻村, 任用, 表彰, 关爱, 履历时间线."""
        from .career_tabs import add_career_tabs

        self.career = add_career_tabs(self.tabs)

    def _finish_form(self) -> None:
        self._mark_required()  # before measuring: the * is part of the widest label
        width = max(label.sizeHint().width() for label in self._labels)  # one label width everywhere
        for label in self._labels:
            label.setMinimumWidth(width)
        self._order.extend(self._buttons)
        for first, second in zip(self._order, self._order[1:]):
            QWidget.setTabOrder(first, second)
        if isinstance(self.fields.get("status"), ChoiceCombo):
            self.fields["status"].currentIndexChanged.connect(lambda _i: self._mark_required())
        if self.readonly:
            self._make_readonly()
        self._initial = self._snapshot()
        self.built = True
        if self._answer is not None:
            self._apply(self._answer)

    # --- loading ----------------------------------------------------------------------------

    def _arrived(self, answer: dict) -> None:
        if self.built:
            self._apply(answer)
        else:
            self._answer = answer  # shown when the form is finished

    def _apply(self, answer: dict) -> None:
        self._answer = None
        data = answer["data"]
        self.fields["unit_id"].setChoices([(u["name"], u["id"]) for u in answer["units"]])
        if self.cadre_id is not None:
            self.setWindowTitle(f"干部档案 — {data.get('name') or ''}")
        if "career" in answer:
            self.career.fill(answer["career"])
        self._version = data.get("version")
        self._photo = data.get("photo")
        self.photo_box.setPhoto(self._photo)
        self._load(data)
        self._mark_required()
        self._initial = self._snapshot()
        self._loaded = data  # as saved when opened: what a conflict is compared with
        self._loaded_form = self.collect()[0]  # the same, as the widgets read it back
        self.loaded = True
        self._set_busy(False)
        if self.readonly:
            self.status.setText("查阅账号只能查看；身份证号和联系电话只显示末4位。")
            self.status.setStyleSheet("color: #666;")
        self.fields["name"].setFocus()

    def _load_failed(self, error: BaseException) -> None:
        if isinstance(error, DomainError):  # deleted by someone else since the list was shown
            self.gone = True
            refuse(self, error)
            self.done(QDialog.DialogCode.Rejected)
            return
        from .errors import show_unexpected

        self.status.setText("未能读取档案。")
        self.status.setStyleSheet(ERROR_STYLE)
        show_unexpected(error)

    def _set_busy(self, busy: bool, text: str | None = None) -> None:
        """Disable the form while the record is read or a save runs (nothing typed meanwhile can
        be lost); 取消 stays usable while reading."""
        self.tabs.setEnabled(not busy)
        for button in (self.save_button, self.preview_button):
            if button is not None:
                button.setEnabled(not busy)
        if text is not None:
            self.status.setText(text)
            self.status.setStyleSheet("color: #666;")
        elif not busy:
            self.status.setText("")
            self.status.setStyleSheet("")

    # --- building ---------------------------------------------------------------------------

    def _mark_required(self) -> None:
        """A red * on every field the core requires of this record: 身份证号 and 姓名 always,
        工作单位 and 干部层级 while 人员状态 is 在职 (cadres.Field.is_required)."""
        status_widget = self.fields.get("status")
        status = status_widget.value() if isinstance(status_widget, ChoiceCombo) else None
        for attr, (label, text) in self.field_labels.items():
            label.setText(required_text(text, cadres.FIELD_BY_ATTR[attr].is_required(status)))

    def _widget_for(self, f: cadres.Field, units: list[dict] | None = None) -> QWidget:
        if f.kind == "month":
            return MonthEdit()
        if f.kind == "day":
            edit = DayEdit()
            if f.attr == "age_date":
                edit.setPlaceholderText("如 2022.06.15，留空为打印当日")
            return edit
        if f.kind == "enum":
            return ChoiceCombo(f.choices)
        if f.kind == "education":
            return ChoiceCombo(f.choices, editable=True)
        if f.kind == "unit":
            return ChoiceCombo([(u["name"], u["id"]) for u in units or []])
        if f.kind == "bool":
            return QCheckBox("是")
        if f.attr in TEXT_AREAS:
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 5 + 14)
            return edit
        edit = QLineEdit()
        if f.attr == "id_number":
            edit.setMaxLength(18)
            edit.editingFinished.connect(self._fill_from_id)
        return edit

    def _add_field(self, grid: QGridLayout, row: int, col: int, attr: str, tab: int, span: int = 1,
                   units: list[dict] | None = None, label_text: str | None = None) -> None:
        f = cadres.FIELD_BY_ATTR[attr]
        widget = self._widget_for(f, units)
        widget.setAccessibleName(f.label)
        label = QLabel(label_text or f.label)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        label.setBuddy(widget)
        label.setMinimumHeight(max(widget.sizeHint().height(), self._line_height))
        if f.attr in TEXT_AREAS:
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            label.setMinimumHeight(self._line_height)
        self._labels.append(label)
        self.field_labels[attr] = (label, label.text())
        error = error_label()
        cell = QWidget()
        box = QVBoxLayout(cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(error)
        if f.kind in ("month", "day") or f.kind == "bool":
            widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        grid.addWidget(label, row, col * 2, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(cell, row, col * 2 + 1, 1, span, Qt.AlignmentFlag.AlignTop)
        self.fields[attr] = widget
        self.errors[attr] = error
        self.field_tab[attr] = tab
        self._order.append(widget)

    @staticmethod
    def _grid() -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        return grid

    def _fill_grid(self, grid: QGridLayout, rows: list[tuple], tab: int, units: list[dict] | None = None,
                   strip_prefix: bool = False) -> None:
        for r, row in enumerate(rows):
            for c, attr in enumerate(row):
                if attr is None:
                    continue
                label = cadres.FIELD_BY_ATTR[attr].label
                if strip_prefix:
                    for prefix in EDUCATION_PREFIXES:
                        label = label.removeprefix(prefix)
                span = 3 if len(row) == 1 else 1
                self._add_field(grid, r, c, attr, tab, span, units, label)
        grid.setRowStretch(len(rows), 1)

    def _page(self, title: str) -> tuple[QWidget, int]:
        """A scrolling page added as a tab; returns its inner widget and the tab's index."""
        inner = QWidget()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        index = self.tabs.addTab(scroll, title)
        return inner, index

    def _build_basic(self) -> None:
        inner, tab = self._page("基本情况")
        outer = QHBoxLayout(inner)
        grid = self._grid()
        self._fill_grid(grid, BASIC_ROWS, tab)
        outer.addLayout(grid, 1)

        photo_column = QVBoxLayout()
        self.photo_box = PhotoBox()
        self.photo_box.setPhoto(self._photo)
        photo_column.addWidget(self.photo_box, 0, Qt.AlignmentFlag.AlignHCenter)
        self.photo_pick = QPushButton("选择照片…")
        self.photo_pick.setAutoDefault(False)
        self.photo_pick.clicked.connect(self.pick_photo)
        self.photo_clear = QPushButton("清除照片")
        self.photo_clear.setAutoDefault(False)
        self.photo_clear.clicked.connect(self.clear_photo)
        photo_buttons = QHBoxLayout()
        photo_buttons.addWidget(self.photo_pick)
        photo_buttons.addWidget(self.photo_clear)
        photo_column.addLayout(photo_buttons)
        photo_column.addStretch(1)
        outer.addSpacing(16)
        outer.addLayout(photo_column)
        self._order.extend([self.photo_pick, self.photo_clear])

    def _build_education(self) -> None:
        inner, tab = self._page("学历学位")
        column = QVBoxLayout(inner)
        for title, rows in EDUCATION_GROUPS:
            group = QGroupBox(title)
            grid = self._grid()
            self._fill_grid(grid, rows, tab, strip_prefix=True)
            grid.setRowStretch(len(rows), 0)
            group.setLayout(grid)
            column.addWidget(group)
        column.addStretch(1)

    def _build_rows(self, title: str, rows: list[tuple], units: list[dict] | None = None) -> None:
        inner, tab = self._page(title)
        grid = self._grid()
        self._fill_grid(grid, rows, tab, units)
        inner.setLayout(grid)

    # --- values -----------------------------------------------------------------------------

    def _load(self, data: dict) -> None:
        for attr, widget in self.fields.items():
            value = data.get(attr)
            if attr == "status" and self.cadre_id is None:
                value = "在职"
            if self.readonly and attr in MASKED:
                widget.setText(mask_tail(value))
            elif isinstance(widget, (MonthEdit, DayEdit, ChoiceCombo)):
                widget.setValue(value)
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value or "")
            else:
                widget.setText(value or "")
        for name, editor in self.lists.items():
            editor.set_items(data.get(name) or [])
        self._update_photo_buttons()

    def _fill_from_id(self) -> None:
        """A valid ID number fills in sex and birth month when they are still blank."""
        try:
            info = check_id_number(self.fields["id_number"].text())
        except ValueError:
            return
        if self.fields["sex"].value() is None:
            self.fields["sex"].setValue(info.sex)
        if not self.fields["birth"].text().strip():
            self.fields["birth"].setValue(info.birth)

    def _read_field(self, widget: QWidget) -> Any:
        if isinstance(widget, (MonthEdit, DayEdit, ChoiceCombo)):
            return widget.value()
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText().strip() or None
        return clean_text(widget.text())

    def collect(self) -> tuple[dict, list[tuple[str, str]]]:
        """The record as the widgets hold it, and what could not be read: (attr or list key, message)."""
        data: dict[str, Any] = {}
        errors: list[tuple[str, str]] = []
        for attr, widget in self.fields.items():
            try:
                data[attr] = self._read_field(widget)
            except ValueError as e:
                data[attr] = None
                errors.append((attr, str(e)))
        for name, editor in self.lists.items():
            items, list_errors = editor.read()
            data[name] = items
            errors.extend(list_errors)
        data["photo"] = self._photo
        return data, errors

    def _snapshot(self) -> list:
        state: list = []
        for widget in self.fields.values():
            if isinstance(widget, QComboBox):
                state.append((widget.currentIndex(), widget.currentText()))
            elif isinstance(widget, QCheckBox):
                state.append(widget.isChecked())
            elif isinstance(widget, QPlainTextEdit):
                state.append(widget.toPlainText())
            else:
                state.append(widget.text())
        state.extend(editor.snapshot() for editor in self.lists.values())
        state.append(self._photo)
        return state

    def is_dirty(self) -> bool:
        return self.loaded and not self.readonly and self._snapshot() != self._initial

    # --- errors -----------------------------------------------------------------------------

    def clear_errors(self) -> None:
        for label in self.errors.values():
            set_error(label, None)
        for editor in self.lists.values():
            editor.clear_errors()
        for i in range(self.tabs.count()):
            self.tabs.tabBar().setTabTextColor(i, QColor())
        self.status.setText("")
        self.status.setStyleSheet("")

    def _position(self, key: str) -> tuple[int, int, int]:
        """Where a field or list cell sits, for finding the first error: (tab, row, column)."""
        if key in self.fields:
            return self.field_tab[key], list(self.fields).index(key), 0
        m = LIST_KEY.match(key)
        if m and m.group(1) in self.lists:
            editor = self.lists[m.group(1)]
            col = editor.keys.index(m.group(3)) if m.group(3) in editor.keys else 0
            return self.tabs.indexOf(editor), editor.table_row(int(m.group(2))), col
        return self.tabs.count(), 0, 0

    def show_errors(self, errors: list[tuple[str | None, str]]) -> None:
        """Each message beside its field (list cells: under the table, naming the row); the tab
        with the first error is selected and its field focused. Messages that name no field
        on this dialog are shown in a message box."""
        self.clear_errors()
        by_list: dict[str, list[tuple[int, str, str]]] = {}
        by_field: dict[str, list[str]] = {}
        shown: list[str] = []  # keys shown on the form, in the order given
        elsewhere: list[str] = []
        for key, message in errors:
            m = LIST_KEY.match(key or "")
            if key in self.fields:
                by_field.setdefault(key, []).append(message)
            elif m and m.group(1) in self.lists:
                editor = self.lists[m.group(1)]
                by_list.setdefault(m.group(1), []).append((editor.table_row(int(m.group(2))), m.group(3), message))
            else:
                elsewhere.append(f"{cadres.field_label(key)}：{message}" if key else message)
                continue
            shown.append(key)
        for attr, messages in by_field.items():
            set_error(self.errors[attr], "；".join(dict.fromkeys(messages)))
        for name, rows in by_list.items():
            self.lists[name].show_errors(rows)
        marked = {self.field_tab[a] for a in by_field} | {self.tabs.indexOf(self.lists[n]) for n in by_list}
        for tab in marked:
            self.tabs.tabBar().setTabTextColor(tab, QColor("#c0392b"))
        if shown:
            self.status.setText(f"有 {len(shown)} 处需要修改，未保存。")
            self.status.setStyleSheet(ERROR_STYLE)
            self._focus_error(min(shown, key=self._position))
        if elsewhere:
            refuse(self, "\n".join(elsewhere))

    def _focus_error(self, key: str) -> None:
        if key in self.fields:
            widget = self.fields[key]
            self.tabs.setCurrentIndex(self.field_tab[key])
            widget.setFocus()
            scroll = self.tabs.currentWidget()
            if isinstance(scroll, QScrollArea):
                scroll.ensureWidgetVisible(widget)
            return
        m = LIST_KEY.match(key)
        editor = self.lists[m.group(1)]
        self.tabs.setCurrentWidget(editor)
        editor.focus_cell(editor.table_row(int(m.group(2))), m.group(3))

    # --- actions ----------------------------------------------------------------------------

    def save(self) -> bool:
        """Parse; refuse at once what cannot be read; else start the save through the core (a job:
        the form is disabled until it returns; on success the changes are announced and the dialog
        closes). Returns whether a save was started."""
        if self.readonly or not self.loaded or self.saving:
            return False
        for editor in self.lists.values():  # Ctrl+S while a cell is being edited: keep what was typed
            editor.commit_open_editor()
        data, errors = self.collect()
        if errors:
            # Also show what the core would refuse among the parts that could be read.
            bad = {k for k, _ in errors}
            errors += [(k, m) for k, m in cadres.check_fields(data) if k not in bad]
            self.show_errors(errors)
            return False
        self._start_save(data, data, self._version)
        return True

    def _start_save(self, typed: dict, data: dict, version: int | None, against: dict | None = None) -> None:
        """Save `data` (what was `typed`, or the clerk's own changes on top of `against`, a newer
        version) as a job. A conflict is found in the same job, with the record as it is now."""
        actor, cadre_id, session = self.state.actor, self.cadre_id, self.state.session

        def work(_progress, _cancelled):
            return save_record(session, actor, data, cadre_id, version)

        self.saving = True
        self._focus_before = self.focusWidget()
        self._set_busy(True, "正在保存…")
        self.save_job = run_job(self, "保存干部档案", work, cancellable=False,
                                on_success=lambda result: self._saved(typed, result, against),
                                on_failure=self._save_failed, announce=(self.state, _saved_entities))

    def _save_done(self) -> None:
        self.saving = False
        self._set_busy(False)
        focus = getattr(self, "_focus_before", None)
        if focus is not None and self.isAncestorOf(focus):
            focus.setFocus()

    def _saved(self, typed: dict, result: tuple, against: dict | None) -> None:
        self._save_done()
        kind, value = result
        if kind == "stale":
            if against is not None:  # a third save in between: show again, against the newest
                self._loaded, self._version = against, against["version"]
            self._resolve_conflict(typed, value)
            return
        self.saved_id, self.saved = value.id, value  # what changed was announced by the job
        self.accept()

    def _save_failed(self, error: BaseException) -> None:
        self._save_done()
        if isinstance(error, DomainError):
            if error.errors:
                self.show_errors(list(error.errors))
            else:
                self.clear_errors()
                refuse(self, error)
            return
        from .errors import show_unexpected

        self.status.setText("保存失败，您的修改仍在表中，未保存。")
        self.status.setStyleSheet(ERROR_STYLE)
        show_unexpected(error)

    def preview_form(self) -> None:
        """干部任免审批表 of the record as it stands in the editor, saved or not."""
        if self.readonly:  # the editor shows masked values; print the saved record (masked by the core)
            params = {"cadre_ids": [self.cadre_id]}
        else:
            for editor in self.lists.values():
                editor.commit_open_editor()
            data, errors = self.collect()
            if errors:
                self.show_errors(errors)
                return
            self.clear_errors()
            unit = self.fields["unit_id"]
            data["unit_name"] = unit.currentText() if data.get("unit_id") is not None else None
            params = {"drafts": [data]}
        name = self.fields["name"].text().strip() or "未命名"
        preview_form(self, self.state, "appointment-form", params, file_name=f"干部任免审批表_{name}")

    def _resolve_conflict(self, data: dict, current: dict | None) -> None:
        """Someone saved this cadre since it was opened (`current` is their version, None if they
        deleted it): show what they changed and let the clerk reload it or re-apply their own
        changes on top of it. Nothing is overwritten unseen."""
        if current is None:
            refuse(self, "这名干部的档案已被他人删除，您的修改未保存。")
            return
        mine = conflicts.my_changes(self._loaded_form, data)
        changes = conflicts.diff(self._loaded, current, cadres.CONFLICT_LABELS, mine=mine)
        choice = conflict.ask(self, f"“{current.get('name') or ''}”的档案", changes)
        if choice == conflict.RELOAD:
            self._reload(current)
            self.status.setText("已载入他人保存的版本，您之前的修改已放弃。")
            self.status.setStyleSheet("")
            return
        if choice != conflict.KEEP:
            self.status.setText("他人已修改这条记录，您的修改尚未保存。")
            self.status.setStyleSheet(ERROR_STYLE)
            return
        self._start_save(data, mine, current["version"], against=current)  # mine on top of theirs

    def _reload(self, current: dict) -> None:
        self.clear_errors()
        self._photo = current.get("photo")
        self.photo_box.setPhoto(self._photo)
        self._load(current)
        self._version = current.get("version")
        self._loaded = current
        self._loaded_form = self.collect()[0]
        self._initial = self._snapshot()

    def pick_photo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择照片", self.state.last_folder(),
                                              "照片 (*.jpg *.jpeg *.png *.JPG *.JPEG *.PNG)")
        if not path:
            return
        self.state.remember_folder(path)
        try:
            photo = crop_photo(Path(path).read_bytes())
        except OSError as e:
            refuse(self, f"无法读取文件：{e.strerror or e}")
            return
        except ValueError as e:
            refuse(self, str(e))
            return
        self.set_photo(photo)

    def set_photo(self, data: bytes | None) -> None:
        self._photo = data
        self.photo_box.setPhoto(data)
        self._update_photo_buttons()

    def clear_photo(self) -> None:
        self.set_photo(None)

    def _update_photo_buttons(self) -> None:
        self.photo_clear.setEnabled(self._photo is not None and not self.readonly)

    def _make_readonly(self) -> None:
        self.setStyleSheet("QLineEdit:read-only, QPlainTextEdit:read-only { background: #f3f3f3; }")
        for widget in self.fields.values():
            if isinstance(widget, (QLineEdit, QPlainTextEdit)):
                widget.setReadOnly(True)
                widget.setPlaceholderText("")
            else:
                widget.setEnabled(False)
        self.photo_pick.setVisible(False)
        self.photo_clear.setVisible(False)

    def reject(self) -> None:
        """Esc, 取消 and the window's close button: ask once before dropping unsaved changes.
        Not while a save runs: it closes the dialog itself when it succeeds."""
        if self.saving:
            return
        if self.is_dirty() and not confirm(self, "放弃未保存的修改？", ok="放弃修改"):
            return
        super().reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        # Enter never closes the form: on a button it presses it, elsewhere it moves to the next field.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            widget = self.focusWidget()
            if isinstance(widget, QAbstractButton) and not isinstance(widget, QCheckBox):
                widget.click()
            else:
                self.focusNextChild()
            event.accept()
            return
        super().keyPressEvent(event)

    def sizeHint(self) -> QSize:  # noqa: D102
        from .common import available_size

        return QSize(1080, 680).boundedTo(available_size(self))


def _saved_entities(result: tuple) -> list[str]:
    """Exactly what a save changed (announced even if the editor is gone by then); a save that
    changed nothing (and wrote no audit event), or met a newer version, announces nothing."""
    kind, value = result
    return [] if kind == "stale" else sorted(value.entities())
