"""Printing: fonts, page layout and the form renderer that reads forms/ (printing.md, PRINT_API.md).
No Qt.

    from cadre_desktop.core.printing import FORMS, render_pdf, render_each, PrintError, PrintCancelled
"""

from .errors import FormDefinitionError, MissingGlyph, PrintCancelled, PrintError
from .render import FORMS, RenderResult, layout, register, render_each, render_pdf

# The forms register themselves, in menu order.
from . import appointment, lists, commendation, tolerance_case, allowance_payroll, report_form  # noqa: E402,F401  isort: skip

__all__ = ["FORMS", "FormDefinitionError", "MissingGlyph", "PrintCancelled", "PrintError", "RenderResult",
           "layout", "register", "render_each", "render_pdf"]
