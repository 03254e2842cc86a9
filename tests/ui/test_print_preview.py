"""The print preview and printing at 100 %, on real PDFs read back."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize
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


def on_white(image: QImage) -> QImage:
    """A rendered page (transparent where nothing is drawn) as paper shows it."""
    from PySide6.QtGui import QColor, QPainter

    flat = QImage(image.size(), QImage.Format.Format_RGB32)
    flat.fill(QColor("white"))
    painter = QPainter(flat)
    painter.drawImage(0, 0, image)
    painter.end()
    return flat


def test_a_real_form_printed_from_the_preview_is_the_same_page_on_a4(qtbot, db, admin, cadre_id, tmp_path):
    """render_pdf's 干部任免审批表 in the preview; 打印 (off the GUI thread) to a PDF printer gives A4
    pages (pypdf's media box) that look like the form itself, line for line."""
    from pypdf import PdfReader
    from PySide6.QtCore import QSize

    from cadre_desktop.core.printing import render_pdf

    state = AppState(db=db, actor=admin)
    out = io.BytesIO()
    with db.session() as s:
        result = render_pdf(s, actor=admin, form="appointment-form", params={"cadre_ids": [cadre_id]}, out=out)
    dialog = PrintPreview(state, out.getvalue(), "干部任免审批表", "审批表")
    qtbot.addWidget(dialog)
    assert dialog.page_count == result.pages == 2

    printer = dialog.make_printer()
    assert printer.fullPage() and printer.pageLayout().pageSize().id() == QPageSize.PageSizeId.A4
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(200)
    done = []
    dialog.print_to(printer, on_done=done.append)
    qtbot.waitUntil(lambda: done == [2], timeout=60000)

    reader = PdfReader(str(tmp_path / "printed.pdf"))
    assert len(reader.pages) == 2
    for page in reader.pages:
        box = page.mediabox
        assert (float(box.left), float(box.bottom)) == (0, 0)
        assert float(box.width) == pytest.approx(595.28, abs=0.5) and float(box.height) == pytest.approx(841.89, abs=0.5)

    # The ink's bounding box (the title, the table's frame) is where it is on the form, to 0.25 mm:
    # nothing shrunk, nothing moved.
    printed, _buf = load_pdf((tmp_path / "printed.pdf").read_bytes())
    size = QSize(840, 1188)  # 4 px per mm
    for n in range(2):
        a, b = ink_box(dialog.doc, n, size), ink_box(printed, n, size)
        assert a[2] - a[0] > 600 and a[3] - a[1] > 900, a  # the form's table spans the page
        assert all(abs(x - y) <= 1 for x, y in zip(a, b)), (n, a, b)


def ink_box(doc, page: int, size) -> tuple[int, int, int, int]:
    """left, top, right, bottom of what is drawn on the page, in pixels."""
    img = on_white(doc.render(page, size)).convertToFormat(QImage.Format.Format_Grayscale8)
    data, stride = bytes(img.constBits()), img.bytesPerLine()
    rows = [data[y * stride:y * stride + size.width()] for y in range(size.height())]
    inked = [y for y, r in enumerate(rows) if min(r) < 160]
    cols = [x for x in range(size.width()) if any(r[x] < 160 for r in rows[inked[0]:inked[-1] + 1:2])]
    return cols[0], inked[0], cols[-1], inked[-1]


def test_a_landscape_page_on_portrait_paper_is_turned_not_shrunk(qtbot, tmp_path):
    """The clerk picked portrait paper in the print dialog: the landscape form is turned a quarter,
    its top-left corner at the paper's top-right, still at full size."""
    from PySide6.QtCore import QMarginsF, QSize

    data = reportlab_pdf(1, landscape(A4))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "turned.pdf"))
    printer.setResolution(150)
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                      QMarginsF(0, 0, 0, 0)))
    assert paint_pdf(data, printer) == 1
    doc, _buf = load_pdf((tmp_path / "turned.pdf").read_bytes())
    assert doc.pagePointSize(0).width() < doc.pagePointSize(0).height()
    left, top, right, bottom = ink_box(doc, 0, QSize(840, 1188))  # 4 px per mm
    # the frame 20 mm in from every edge of the landscape page
    assert abs(left - 80) <= 2 and abs(top - 80) <= 2 and abs(right - (840 - 80)) <= 2 and abs(bottom - (1188 - 80)) <= 2
    img = on_white(doc.render(0, QSize(840, 1188)))
    # the black square (30–40 mm from the form's top and left) is now at the paper's top right
    assert img.pixelColor(840 - 35 * 4, 35 * 4).lightness() < 60
    assert img.pixelColor(35 * 4, 35 * 4).lightness() > 200


def test_the_page_range_chosen_in_the_print_dialog_is_what_prints(qtbot, tmp_path):
    data = reportlab_pdf(5)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "range.pdf"))
    printer.setResolution(72)
    printer.setFromTo(2, 3)
    assert paint_pdf(data, printer) == 2
    printed, _buf = load_pdf((tmp_path / "range.pdf").read_bytes())
    assert printed.pageCount() == 2


def test_cancelled_printing_stops_at_the_next_page(qtbot, tmp_path):
    from cadre_desktop.ui.print_preview import PrintAborted

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "aborted.pdf"))
    printer.setResolution(72)
    asked = []
    with pytest.raises(PrintAborted):
        paint_pdf(reportlab_pdf(3), printer, cancelled=lambda: asked.append(1) or len(asked) > 1)
    # a printer's job is aborted; the PDF "printer" keeps the page it had before the cancel
    printed, _buf = load_pdf((tmp_path / "aborted.pdf").read_bytes())
    assert printed.pageCount() == 1
