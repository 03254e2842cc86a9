"""The print preview and printing at 100 %, on real PDFs read back."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPageLayout
from PySide6.QtPrintSupport import QPrinter
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from cadre_desktop.ui.print_preview import PrintPreview, paint_pdf, prepare_printer, load_pdf
from cadre_desktop.ui.state import AppState


def reportlab_pdf(pages: int = 3, size=A4) -> bytes:
    """A PDF as ReportLab writes it: a frame 20 mm in from each edge and a black square whose
    corner is at exactly (30 mm, 30 mm) from the top-left, so a scaled print shows."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size)
    w, h = size
    for i in range(pages):
        c.setLineWidth(1)
        c.rect(20 * mm, 20 * mm, w - 40 * mm, h - 40 * mm)
        c.rect(30 * mm, h - 40 * mm, 10 * mm, 10 * mm, fill=1)
        c.drawString(50 * mm, h - 50 * mm, f"page {i + 1}")
        c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture
def state(db, admin):
    return AppState(db=db, actor=admin)


def test_preview_shows_every_page_and_pages_through_and_zooms(qtbot, state):
    dialog = PrintPreview(state, reportlab_pdf(5), "测试表", "测试表")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.page_count == 5 and dialog.page_label.text() == "第 1 / 5 页"
    assert not dialog.prev_button.isEnabled()
    dialog.next_button.click()
    assert dialog.current_page() == 1 and dialog.page_label.text() == "第 2 / 5 页"
    qtbot.keyClick(dialog.view, Qt.Key.Key_PageDown)
    assert dialog.current_page() == 2
    qtbot.keyClick(dialog.view, Qt.Key.Key_PageUp)
    assert dialog.current_page() == 1
    dialog.go_to(4)
    assert dialog.page_label.text() == "第 5 / 5 页" and not dialog.next_button.isEnabled()

    fit = dialog.effective_zoom()
    scroll_range = dialog.view.verticalScrollBar().maximum()
    dialog.zoom_in_button.click()
    assert dialog.effective_zoom() > fit
    qtbot.waitUntil(lambda: dialog.view.verticalScrollBar().maximum() > scroll_range)
    dialog.zoom_out_button.click()
    dialog.zoom_out_button.click()
    assert dialog.effective_zoom() < fit and dialog.zoom_label.text() == f"{round(dialog.effective_zoom() * 100)}%"
    dialog.fit_button.click()
    assert abs(dialog.effective_zoom() - fit) < 0.01 and "适合宽度" in dialog.zoom_label.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_save_pdf_writes_the_same_bytes_and_remembers_the_folder(qtbot, state, tmp_path):
    data = reportlab_pdf(2)
    dialog = PrintPreview(state, data, "测试表", "测试/表")
    qtbot.addWidget(dialog)
    assert dialog.file_name == "测试_表"
    (tmp_path / "会议").mkdir()
    out = dialog.save_to(str(tmp_path / "会议" / "保存"))
    assert out.endswith("保存.pdf") and (tmp_path / "会议" / "保存.pdf").read_bytes() == data
    assert state.last_folder() == str(tmp_path / "会议")


def printed_pdf(tmp_path, data: bytes, resolution: int = 300) -> tuple[str, int]:
    doc, _buf = load_pdf(data)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    path = str(tmp_path / "printed.pdf")
    printer.setOutputFileName(path)
    printer.setResolution(resolution)
    prepare_printer(printer, doc)
    pages = paint_pdf(data, printer)
    return path, pages


def test_printing_puts_each_page_on_a4_at_exactly_its_own_size(qtbot, tmp_path):
    path, pages = printed_pdf(tmp_path, reportlab_pdf(2))
    assert pages == 2
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 2
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            assert (x0, y0) == (0, 0)
            assert abs(x1 - 210 / 25.4 * 72) < 0.5 and abs(y1 - 297 / 25.4 * 72) < 0.5  # A4
            images = page.images
            assert images
            # the bands, one above the other, cover the whole page at 1:1: no margin, no shrinking
            assert min(i["x0"] for i in images) == pytest.approx(0, abs=0.3)
            assert max(i["x1"] for i in images) == pytest.approx(x1, abs=0.3)
            assert min(i["top"] for i in images) == pytest.approx(0, abs=0.3)
            assert max(i["bottom"] for i in images) == pytest.approx(y1, abs=0.3)
            assert sum(i["bottom"] - i["top"] for i in images) == pytest.approx(y1, abs=0.5)
            # rendered at the printer's resolution: 300 dpi over the page's 8.27 inches
            assert sum(i["srcsize"][1] for i in images) == pytest.approx(297 / 25.4 * 300, abs=2)
            assert images[0]["srcsize"][0] == pytest.approx(210 / 25.4 * 300, abs=1)


def test_printed_page_matches_the_original_to_the_millimetre(qtbot, tmp_path):
    """The black square's corner sits at 30 mm from the left and from the top on paper too."""
    from PySide6.QtCore import QSize

    path, _ = printed_pdf(tmp_path, reportlab_pdf(1))
    doc, _buf = load_pdf(open(path, "rb").read())
    dpm = 10  # pixels per millimetre
    img = doc.render(0, QSize(210 * dpm, 297 * dpm))

    def dark(x, y):
        return QColorOf(img.pixel(x, y)) < 80

    from PySide6.QtGui import QColor

    def QColorOf(p):  # noqa: N802
        return QColor.fromRgba(p).lightness()

    row = 35 * dpm
    left = next(x for x in range(25 * dpm, 45 * dpm) if dark(x, row))
    col = 35 * dpm
    top = next(y for y in range(25 * dpm, 45 * dpm) if dark(col, y))
    assert abs(left - 30 * dpm) <= 3 and abs(top - 30 * dpm) <= 3


def test_a_landscape_form_prints_landscape(qtbot, tmp_path):
    data = reportlab_pdf(1, landscape(A4))
    doc, _buf = load_pdf(data)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    prepare_printer(printer, doc)
    assert printer.pageLayout().orientation() == QPageLayout.Orientation.Landscape
    assert printer.fullPage()
    path, _ = printed_pdf(tmp_path, data, resolution=150)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        assert page.width == pytest.approx(297 / 25.4 * 72, abs=0.5)
        assert page.height == pytest.approx(210 / 25.4 * 72, abs=0.5)
