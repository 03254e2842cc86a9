"""Take the manual's pictures: every page and every dialog of the demo county, at 1366 × 728 (a
1366 × 768 screen less the taskbar), offscreen.

    python tests/ui/screenshots.py [OUT_FOLDER]

Writes OUT_FOLDER/<name>.png (default docs/images/) and prints each screen's size and whether it fits.
The demo database is built in a temporary data folder; nothing of the user's is touched.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "ui")]
SCREEN = (1366, 728)


def slug(name: str) -> str:
    return re.sub(r"[\s/\\:：→…*?\"<>|（）()]+", "-", name).strip("-")


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "docs" / "images"
    out.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="cadre-shots-"))
    os.environ["CADRE_DATA_DIR"] = str(data)
    # An offscreen screen the size a 1366 × 768 laptop leaves a window (less the taskbar).
    screen = data / "screen.json"
    screen.write_text(json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": SCREEN[0],
                                               "height": SCREEN[1], "logicalDpi": 96, "logicalBaseDpi": 96,
                                               "dpr": 1}]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen}"

    from cadre_desktop.ui.app import make_app, open_demo_database, sign_in_state
    from cadre_desktop.ui.main_window import MainWindow
    from walk import walk

    app = make_app()
    db = open_demo_database()
    window = MainWindow(sign_in_state(db, demo=True))
    window.show()  # maximised: the screen is smaller than the window's preferred size
    app.processEvents()
    too_big = []

    def on_page(name, page):
        window.grab().save(str(out / f"页面-{slug(name)}.png"))
        print(f"页面 {name}: {window.width()}×{window.height()}")

    def on_dialog(name, dialog):
        hint = dialog.sizeHint().expandedTo(dialog.minimumSizeHint())
        fits = hint.width() <= SCREEN[0] and hint.height() <= SCREEN[1]
        if not fits:
            too_big.append(name)
        dialog.resize(min(hint.width(), SCREEN[0]), min(hint.height(), SCREEN[1]))
        dialog.show()
        app.processEvents()
        dialog.grab().save(str(out / f"对话框-{slug(name)}.png"))
        print(f"对话框 {name}: {hint.width()}×{hint.height()}{'' if fits else '  超出屏幕'}")

    walk(window, on_page, on_dialog)
    window.close()
    db.dispose()
    print("超出 1366×728：" + ("、".join(too_big) if too_big else "无"))
    return 1 if too_big else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
