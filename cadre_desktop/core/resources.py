"""Where the shipped files are: `resources/` (fonts with their licences, …) and `forms/` (the printed-form
definitions).

One function finds them in a source checkout (the top-level folders beside the package), an installed
package (pyproject.toml maps both folders into the package as `cadre_desktop/resources` and
`cadre_desktop/forms`) and a PyInstaller build (both folders at `sys._MEIPASS`). No Qt: the printing
code needs these without a window.
"""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # cadre_desktop/
_TOP = ("forms",)  # top-level folders; everything else lives under resources/


def _roots() -> list[Path]:
    roots = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        roots.append(Path(frozen))
    roots.append(_PACKAGE.parent)  # a source checkout: <repo>/resources, <repo>/forms
    roots.append(_PACKAGE)  # an installed package: cadre_desktop/resources, cadre_desktop/forms
    return roots


def resource_path(*parts: str) -> Path:
    """The path of a shipped file: `resource_path("fonts", "x.ttc")` → …/resources/fonts/x.ttc,
    `resource_path("forms", "roster.toml")` → …/forms/roster.toml.

    Returns the first existing candidate; where none exists, the candidate in the first location
    that has the folder at all (so a caller can list or report a missing file by its real place).
    """
    if not parts:
        raise ValueError("resource_path needs at least one part")
    rel = Path(*parts) if parts[0] in _TOP else Path("resources", *parts)
    candidates = [root / rel for root in _roots()]
    for path in candidates:
        if path.exists():
            return path
    top = rel.parts[0]
    for root in _roots():
        if (root / top).is_dir():
            return root / rel
    return candidates[0]
