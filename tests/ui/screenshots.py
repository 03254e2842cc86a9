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


# The manual's pictures: pages by their navigation label, and the dialogs the manual describes.
PAGE_FILES = {
    "首页": "overview", "班子结构": "teams", "统计报表": "report",
    "干部档案": "roster", "单位": "units", "年轻干部库": "young", "教育培训": "training", "挂职驻村": "postings",
    "选拔任用": "appointments", "表彰奖励": "commendations", "关心关爱": "care", "津贴待遇": "allowance",
    "结对帮带": "mentoring", "容错纠错": "tolerance", "规则检查": "rules", "操作记录": "audit", "账号": "accounts",
}
DIALOG_FILES = {
    "干部档案 → 编辑": "cadre-editor", "单位 → 新增": "unit-new",
    "教育培训 → 添加参训人员…": "attendance-picker", "选拔任用 → 新增批次": "appointment-batch",
    "表彰奖励 → 名额分配": "commendation-quota", "结对帮带 → 新增结对": "mentoring-pair",
    "容错纠错 → 新增": "tolerance-case", "津贴待遇 → 新增标准": "allowance-rate",
    "文件 → 导入工作簿…": "import-workbook", "文件 → 导出数据交换工作簿…": "export-workbook",
    "文件 → 导入任免审批表…": "import-lrmx", "文件 → 导入花名册…": "import-roster", "文件 → 设置…": "settings",
    "干部档案 → 统计": "roster-structure",
}


def print_forms(db, out: Path) -> None:
    """The printed forms of the demo county through `cadre print`, first page of each as a picture."""
    import subprocess

    from sqlalchemy import select

    from cadre_desktop.core.models import Cadre, CommendationBatch, ToleranceCase

    with db.session() as s:
        first = s.scalar(select(Cadre.id_number).where(Cadre.level == "正科级").order_by(Cadre.id))
        tagged = s.scalar(select(Cadre.id_number).join(ToleranceCase, ToleranceCase.cadre_id == Cadre.id)
                          .where(ToleranceCase.colour.is_not(None)).order_by(ToleranceCase.decided.desc()))
        batch = s.scalar(select(CommendationBatch.title).order_by(CommendationBatch.date.desc()))
        unit = s.scalar(select(Cadre.unit_id).where(Cadre.id_number == first))
    from cadre_desktop.core.models import Unit

    with db.session() as s:
        unit_name = s.get(Unit, unit).name
    import datetime as dt

    last = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    forms = {
        "appointment-form": ["--id", first],
        "roster": ["--unit", unit_name],
        "mentoring-register": [],
        "tolerance-case": ["--id", tagged],
        "commendation": ["--batch", batch],
        "allowance-payroll": ["--month", f"{last.year}-{last.month:02d}"],
    }
    env = dict(os.environ, CADRE_USER="admin", CADRE_PASSWORD="demo", QT_QPA_PLATFORM="offscreen")
    tmp = Path(tempfile.mkdtemp(prefix="cadre-forms-"))
    for form, args in forms.items():
        pdf = tmp / f"{form}.pdf"
        done = subprocess.run([sys.executable, "-m", "cadre_desktop.cli", "--db", str(db.path), "print", form, *args,
                               "--out", str(pdf)], env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"打印 {form} 失败：{done.stderr.strip()}")
            continue
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(out / f"form-{form}")], check=True)
        print(f"表格 {form}: form-{form}.png")


def main(argv: list[str]) -> int:
    manual = "--manual" in argv
    argv = [a for a in argv if a != "--manual"]
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

    from PySide6.QtCore import Qt

    from cadre_desktop.ui.app import make_app, open_demo_database, sign_in_state
    from cadre_desktop.ui.main_window import MainWindow
    from walk import select_first_row, walk

    app = make_app()
    db = open_demo_database()
    window = MainWindow(sign_in_state(db, demo=True))
    window.show()  # maximised: the screen is smaller than the window's preferred size
    app.processEvents()
    too_big = []

    def settle(seconds: float) -> None:
        """Let background queries (rule checks, payroll) finish and their results show."""
        import time

        end = time.monotonic() + seconds
        while time.monotonic() < end:
            time.sleep(0.03)
            app.processEvents()

    def on_page(name, page):
        if manual:
            settle(1.5)
        if manual and name == "干部档案" and hasattr(page, "tag"):
            page.tag.setCurrentText("有标记")  # show the 容错纠错 badges, one of them on a selected row
            page.refresh(wait=True)
            page.table.clearSelection()
            page.table.setCurrentIndex(page.model.index(-1, -1))
            select_first_row(page)
            app.processEvents()
        if manual:
            if name in PAGE_FILES:
                window.grab().save(str(out / f"page-{PAGE_FILES[name]}.png"))
        else:
            window.grab().save(str(out / f"页面-{slug(name)}.png"))
        print(f"页面 {name}: {window.width()}×{window.height()}")
        if manual and name == "干部档案" and hasattr(page, "tag"):
            page.tag.setCurrentText("全部")
            page.refresh(wait=True)

    def on_dialog(name, dialog):
        hint = dialog.sizeHint().expandedTo(dialog.minimumSizeHint())
        fits = hint.width() <= SCREEN[0] and hint.height() <= SCREEN[1]
        if not fits:
            too_big.append(name)
        if not dialog.testAttribute(Qt.WidgetAttribute.WA_Resized):
            dialog.adjustSize()  # as it opens: at its size hint
        dialog.show()
        app.processEvents()
        key = name.split("：")[0]
        if not manual:
            dialog.grab().save(str(out / f"对话框-{slug(name)}.png"))
        elif key in DIALOG_FILES and not (out / f"dialog-{DIALOG_FILES[key]}.png").exists():
            dialog.grab().save(str(out / f"dialog-{DIALOG_FILES[key]}.png"))
        print(f"对话框 {name}: {hint.width()}×{hint.height()}{'' if fits else '  超出屏幕'}")

    if manual:
        for stale in out.glob("dialog-*.png"):
            stale.unlink()
    walk(window, on_page, on_dialog)
    window.close()
    if manual:
        print_forms(db, out)
    db.dispose()
    print("超出 1366×728：" + ("、".join(too_big) if too_big else "无"))
    return 1 if too_big else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
