"""The refusals of printing."""

from __future__ import annotations

from ..values import DomainError


class PrintError(DomainError):
    """A form cannot be printed as asked (a text that cannot fit, a character no font has, …).
    Raised before anything is written; the message names the cadre (or record) and the field."""


class MissingGlyph(PrintError):
    """No font of the chain, nor any fallback, has this character."""

    def __init__(self, char: str, message: str | None = None):
        super().__init__(message or f"没有任何可用字体含有字符“{char}”（U+{ord(char):04X}）。")
        self.char = char


class PrintCancelled(Exception):
    """The clerk cancelled; nothing was written."""


class FormDefinitionError(PrintError):
    """A form definition in forms/ is broken: the message names the file, the line and the problem."""

    def __init__(self, file: str, line: int | None, problem: str):
        where = f"{file} 第{line}行" if line else file
        super().__init__(f"表格定义文件 {where}：{problem}")
        self.file = file
        self.line = line
        self.problem = problem
