"""Printing: fonts, page layout and the form renderer that reads forms/ (printing.md). No Qt."""

from .errors import FormDefinitionError, MissingGlyph, PrintCancelled, PrintError

__all__ = ["FormDefinitionError", "MissingGlyph", "PrintCancelled", "PrintError"]
