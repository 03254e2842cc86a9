"""Small input widgets every page uses: dates typed as clerks write them, enumerations with a
blank entry, and item delegates that put the same editors into table cells."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFocusEvent, QPalette
from PySide6.QtWidgets import QComboBox, QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ..core.exchange.parse import parse_day, parse_month
from ..core.values import Month

MONTH_HINT = "如 1985.03"
DAY_HINT = "如 2022.06.15"


def month_text(value: Month | None) -> str:
    return str(value) if value else ""


def day_text(value: dt.date | None) -> str:
    return f"{value.year:04d}.{value.month:02d}.{value.day:02d}" if value else ""


def mask_tail(value: str | None, keep: int = 4) -> str:
    """What a 查阅 account sees of an ID number or phone: core.masking's one rule."""
    from ..core.masking import mask_value

    return mask_value(value)


class _ParsedEdit(QLineEdit):
    """A line edit holding one typed value; a valid value is rewritten in its usual form on focus-out."""

    hint = ""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlaceholderText(self.hint)
        self.setClearButtonEnabled(False)

    def _parse(self, text: str) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def _format(self, value: Any) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def value(self) -> Any:
        """The value, None when blank; raises ValueError with a Chinese message when it cannot be read."""
        return self._parse(self.text())

    def setValue(self, value: Any) -> None:  # noqa: N802 - Qt naming
        self.setText(self._format(value) if value is not None else "")

    def reformat(self) -> None:
        try:
            value = self.value()
        except ValueError:
            return
        if value is not None:
            text = self._format(value)
            if text != self.text():
                self.setText(text)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt naming
        if not self.isReadOnly():
            self.reformat()
        super().focusOutEvent(event)


class MonthEdit(_ParsedEdit):
    """A month as clerks write it: `1985.03`, `1985.3`, `198503`, `1985年3月`; shown as `1985.03`."""

    hint = MONTH_HINT

    def _parse(self, text: str) -> Month | None:
        return parse_month(text)

    def _format(self, value: Month) -> str:
        return month_text(value)


class DayEdit(_ParsedEdit):
    """A day as clerks write it: `2022.06.15`, `2022.6.15`, `20220615`; shown as `2022.06.15`."""

    hint = DAY_HINT

    def _parse(self, text: str) -> dt.date | None:
        return parse_day(text)

    def _format(self, value: dt.date) -> str:
        return day_text(value)


Choice = str | tuple[str, Any]


class ChoiceCombo(QComboBox):
    """One of a list of choices, with a blank first entry meaning "not filled in".

    `choices` are strings (the text is the value) or (text, value) pairs, e.g. units as
    (name, id). An editable combo also takes free text (education as written: 大学本科); its
    value is then the typed text, or the value of the choice whose text it is.
    A value set with setValue that is not among the choices is kept as an extra entry, so a
    record's odd value is shown and saved back unchanged rather than silently dropped.
    """

    def __init__(self, choices: Sequence[Choice] = (), parent: QWidget | None = None, *, editable: bool = False):
        super().__init__(parent)
        self.setEditable(editable)
        if editable:
            self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(6)
        self.setChoices(choices)

    def setChoices(self, choices: Sequence[Choice]) -> None:  # noqa: N802 - Qt naming
        current = self.value() if self.count() else None
        self.blockSignals(True)
        self.clear()
        self.addItem("", None)
        for choice in choices:
            text, value = choice if isinstance(choice, tuple) else (choice, choice)
            self.addItem(text, value)
        self.blockSignals(False)
        self.setValue(current)

    def value(self) -> Any:
        if self.isEditable():
            text = self.currentText().strip()
            if not text:
                return None
            index = self.findText(text, Qt.MatchFlag.MatchExactly)
            return self.itemData(index) if index > 0 else text
        return self.currentData() if self.currentIndex() > 0 else None

    def setValue(self, value: Any) -> None:  # noqa: N802 - Qt naming
        if value is None or value == "":
            self.setCurrentIndex(0)
            if self.isEditable():
                self.setEditText("")
            return
        index = self.findData(value)
        if index < 0 and self.isEditable():
            self.setCurrentIndex(-1)
            self.setEditText(str(value))
            return
        if index < 0:
            self.addItem(str(value), value)
            index = self.count() - 1
        self.setCurrentIndex(index)


class ParsedDelegate(QStyledItemDelegate):
    """A table cell edited with a MonthEdit or DayEdit; a readable value is stored in its usual
    form, anything else as typed (the caller validates the cell when it saves)."""

    def __init__(self, editor_class: type[_ParsedEdit], parent=None, *, placeholder: str | None = None,
                 empty_text: str | None = None):
        super().__init__(parent)
        self.editor_class = editor_class
        self.placeholder = placeholder
        self.empty_text = empty_text  # shown in grey in a blank cell (a resume's end: 至今)

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        if self.empty_text and not option.text:
            option.text = self.empty_text
            option.palette.setColor(QPalette.ColorRole.Text, QColor("#8a8a8a"))

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex) -> QWidget:  # noqa: N802
        editor = self.editor_class(parent)
        if self.placeholder:
            editor.setPlaceholderText(self.placeholder)
        editor.setFrame(False)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:  # noqa: N802
        editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex) -> None:  # noqa: N802
        editor.reformat()
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


class ChoiceDelegate(QStyledItemDelegate):
    """A table cell edited with a ChoiceCombo of fixed text choices."""

    def __init__(self, choices: Sequence[str], parent=None):
        super().__init__(parent)
        self.choices = tuple(choices)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex) -> QWidget:  # noqa: N802
        return ChoiceCombo(self.choices, parent)

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:  # noqa: N802
        editor.setValue(index.data(Qt.ItemDataRole.EditRole) or None)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex) -> None:  # noqa: N802
        model.setData(index, editor.value() or "", Qt.ItemDataRole.EditRole)
