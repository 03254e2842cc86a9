"""Help that travels with the program: the manual in the window (帮助 → 使用手册) with its pictures,
the documents beside it, and no document sending a reader somewhere the repository does not have."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QTextDocument

from cadre_desktop.core.exchange import workbook_doc
from cadre_desktop.core.resources import resource_path
from cadre_desktop.ui.help_dialog import ManualDialog, manual_path
from cadre_desktop.ui.main_window import MainWindow
from cadre_desktop.ui.state import AppState

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def test_manual_opens_from_the_help_menu_with_its_pictures(qtbot, db, admin, tmp_path):
    state = AppState(db=db, actor=admin, settings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    window = MainWindow(state)
    qtbot.addWidget(window)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text().startswith("帮助"))
    action = next(a for a in help_menu.actions() if a.text() == "使用手册")
    action.trigger()
    dialog = window.manual
    assert isinstance(dialog, ManualDialog) and dialog.isVisible()
    text = dialog.browser.toPlainText()
    for heading in ("干部档案", "津贴待遇", "容错纠错", "打印的表格", "干部任免审批表"):
        assert heading in text
    # Every picture the manual shows is found and loads.
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", manual_path().read_text(encoding="utf-8"))
    assert len(images) >= 20
    doc = dialog.browser.document()
    for name in images:
        image = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(name))
        assert image is not None and not image.isNull(), name
    # The table of contents' links (GitHub's anchors) find their headings; pictures fit the page.
    for anchor in re.findall(r"\]\(#([^)]+)\)", manual_path().read_text(encoding="utf-8")):
        assert dialog.scroll_to_heading(anchor), anchor
    assert dialog.browser.horizontalScrollBar().maximum() == 0
    # A link to the document beside it opens there.
    dialog._follow(QUrl("工作簿格式.md"))
    assert "津贴标准" in dialog.browser.toPlainText() and dialog.current == "工作簿格式.md"
    dialog.find.setText("身份证号")
    assert dialog.find_next()


def test_docs_are_found_installed_and_frozen(tmp_path, monkeypatch):
    assert resource_path("docs", "使用手册.md") == DOCS / "使用手册.md"
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "使用手册.md").write_text("# x", encoding="utf-8")
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)
    assert resource_path("docs", "使用手册.md") == tmp_path / "docs" / "使用手册.md"
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert '(str(root / "docs"), "docs")' in spec


def test_workbook_document_is_the_sheet_registry():
    current = (DOCS / "工作簿格式.md").read_text(encoding="utf-8")
    assert current == workbook_doc.markdown(), (
        "docs/工作簿格式.md differs from the sheet definitions: "
        "python -m cadre_desktop.core.exchange.workbook_doc > docs/工作簿格式.md")
    from cadre_desktop.core.exchange.sheets import sheets

    for sd in sheets():
        assert f"### {sd.name}" in current
        for c in sd.columns:
            assert f"| {c.header} |" in current


def test_command_line_document_names_every_command():
    from cadre_desktop.cli import build_parser

    text = (DOCS / "命令行.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices
    missing = [name for name in commands if f"cadre {name}" not in text]
    assert not missing, missing


def test_no_document_sends_the_reader_outside_the_repository():
    documents = [ROOT / "README.md", *DOCS.glob("*.md")]
    outside = re.compile(r"shared/|spec/|\b(domain|workbook|cli|printing|report|lrmx|PRINT_API)\.md\b")
    for doc in documents:
        text = doc.read_text(encoding="utf-8")
        assert not outside.search(text), f"{doc.name}: {outside.search(text).group(0)}"
        for link in re.findall(r"\]\(([^)#]+\.(?:md|png))(?:#[^)]*)?\)", text):
            assert (doc.parent / link).exists(), f"{doc.name} links to {link}, which is not there"
