"""Print preview: a printed form's PDF (made by core.printing off the GUI thread) shown page by
page as it will print, printed through QPrinter at 100 % (full page, never fit-to-page, which would
shrink the margins), double-sided where the printer can, or saved as a PDF.

`preview_form(...)` is what a page calls: it renders the form in a background job (progress after
a delay, cancel as a flag) and opens the preview on the result.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QMarginsF, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ..core.values import DomainError
from .common import fit_to_screen, inform, refuse, shortcut
from .jobs import run_job
from .page_kit import available_forms

# A page is rendered at the printer's resolution, but never finer than this (an A4 page is 35
# million pixels, 140 MB, at 600 dpi; four times that at 1200); it is always painted at the page's
# exact physical size.
MAX_RENDER_DPI = 600
BAND_ROWS = 512  # a page is painted in bands of this many rows (small images for the printer)
ZOOMS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)


class PrintAborted(Exception):
    """The clerk cancelled printing; the printer job was aborted."""


def load_pdf(data: bytes) -> tuple[QPdfDocument, QBuffer]:
    """A QPdfDocument over the bytes; keep the buffer alive as long as the document."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    doc = QPdfDocument()
    doc.load(buffer)
    if doc.status() != QPdfDocument.Status.Ready or doc.pageCount() < 1:
        raise DomainError("无法读取生成的PDF，请重新生成后再试。")
    return doc, buffer


def page_layout(points) -> QPageLayout:
    """A zero-margin layout of the page's size (A4 landscape is A4 turned, not a custom size)."""
    w, h = points.width(), points.height()
    size = QPageSize(QSize(round(min(w, h)), round(max(w, h))), "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = QPageLayout.Orientation.Landscape if w > h else QPageLayout.Orientation.Portrait
    return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0))


def prepare_printer(printer: QPrinter, doc: QPdfDocument) -> None:
    """Full page, the document's paper, double-sided where the printer can."""
    printer.setPageLayout(page_layout(doc.pagePointSize(0)))
    printer.setFullPage(True)  # after the layout, which would set margins again
    if printer.outputFormat() == QPrinter.OutputFormat.NativeFormat:
        duplex = QPrinterInfo(printer).supportedDuplexModes()
        if QPrinter.DuplexMode.DuplexAuto in duplex or QPrinter.DuplexMode.DuplexLongSide in duplex:
            printer.setDuplex(QPrinter.DuplexMode.DuplexAuto)


def paint_page(doc: QPdfDocument, page: int, painter: QPainter, printer: QPrinter) -> None:
    """One page at exactly its physical size from the paper's top-left corner: rendered at the
    printer's resolution (at most MAX_RENDER_DPI) and painted in bands, each laid on white. A page
    whose orientation differs from the paper's is turned, not shrunk.

    The page is rendered whole: QPdfDocument's clip-rect rendering (scaledClipRect) places a band's
    content a few pixels off (Qt 6.11), which a ruled form would show as a step at every band."""
    pts = doc.pagePointSize(page)
    dpi = printer.resolution()
    target_w, target_h = pts.width() * dpi / 72.0, pts.height() * dpi / 72.0
    render_dpi = min(dpi, MAX_RENDER_DPI)
    px_w, px_h = round(pts.width() * render_dpi / 72.0), round(pts.height() * render_dpi / 72.0)
    paper = printer.paperRect(QPrinter.Unit.DevicePixel)
    rendered = doc.render(page, QSize(px_w, px_h))
    painter.save()
    if (pts.width() > pts.height()) != (paper.width() > paper.height()):
        painter.translate(paper.width(), 0)
        painter.rotate(90)
    for top in range(0, px_h, BAND_ROWS):
        rows = min(BAND_ROWS, px_h - top)
        band = QImage(px_w, rows, QImage.Format.Format_RGB32)
        band.fill(QColor("white"))
        on_band = QPainter(band)
        on_band.drawImage(0, 0, rendered, 0, top, px_w, rows)
        on_band.end()
        painter.drawImage(QRectF(0, top * target_h / px_h, target_w, rows * target_h / px_h), band)
    painter.restore()


def paint_pdf(data: bytes, printer: QPrinter, progress: Callable | None = None,
              cancelled: Callable[[], bool] | None = None) -> int:
    """Print the PDF's pages (the range chosen in the print dialog, else all) on the printer at
    100 %; returns the number of pages printed. Runs on a worker thread (its own QPdfDocument);
    a cancel aborts the printer job."""
    doc, _buffer = load_pdf(data)
    count = doc.pageCount()
    first, last = printer.fromPage() or 1, printer.toPage() or count
    pages = list(range(max(first, 1) - 1, min(last, count)))
    if not printer.supportsMultipleCopies():  # the driver cannot: send each copy
        pages *= max(1, printer.copyCount())
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        raise DomainError("无法开始打印：打印机没有响应。请检查打印机是否开机、是否缺纸，然后重试。")
    try:
        for n, page in enumerate(pages):
            if cancelled is not None and cancelled():
                printer.abort()
                raise PrintAborted()
            if n:
                printer.newPage()
            paint_page(doc, page, painter, printer)
            if progress is not None:
                progress(n + 1, len(pages), f"第 {page + 1} 页")
    finally:
        painter.end()
    return len(pages)


def safe_file_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_") or "打印"


class PrintPreview(QDialog):
    """The pages as they will print; 打印…, 保存PDF…, 关闭 (Esc)."""

    def __init__(self, state, data: bytes, title: str, file_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.data = data
        self.file_name = safe_file_name(file_name)
        self.print_job = None
        self.setWindowTitle(f"打印预览 — {title}")
        self.doc, self._buffer = load_pdf(data)
        self.view = QPdfView(self)
        self.view.setDocument(self.doc)
        self.doc.setParent(self)  # children go in the order they came: the view before its document
        self._buffer.setParent(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setStyleSheet("QPdfView { background: #7a7a7a; }")
        self.nav = self.view.pageNavigator()

        self.prev_button = QPushButton("上一页")
        self.next_button = QPushButton("下一页")
        self.page_label = QLabel()
        self.zoom_out_button = QPushButton("缩小")
        self.zoom_in_button = QPushButton("放大")
        self.fit_button = QPushButton("适合宽度")
        self.zoom_label = QLabel()
        self.print_button = QPushButton("打印…")
        self.save_button = QPushButton("保存PDF…")
        self.close_button = QPushButton("关闭")
        for b, tip in ((self.prev_button, "上一页（PgUp）"), (self.next_button, "下一页（PgDn）"),
                       (self.zoom_out_button, "缩小（Ctrl+-）"), (self.zoom_in_button, "放大（Ctrl++）"),
                       (self.fit_button, "适合宽度（Ctrl+0）"), (self.print_button, "打印（Ctrl+P）"),
                       (self.save_button, "另存为PDF文件（Ctrl+S）"), (self.close_button, "关闭（Esc）")):
            b.setToolTip(tip)
            b.setAutoDefault(False)
        self.prev_button.clicked.connect(self.previous_page)
        self.next_button.clicked.connect(self.next_page)
        self.zoom_out_button.clicked.connect(self.zoom_out)
        self.zoom_in_button.clicked.connect(self.zoom_in)
        self.fit_button.clicked.connect(self.fit_width)
        self.print_button.clicked.connect(self.print_pages)
        self.save_button.clicked.connect(self.save_pdf)
        self.close_button.clicked.connect(self.reject)

        bar = QHBoxLayout()
        for w in (self.prev_button, self.next_button, self.page_label):
            bar.addWidget(w)
        bar.addSpacing(16)
        for w in (self.zoom_out_button, self.zoom_in_button, self.fit_button, self.zoom_label):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.print_button, self.save_button, self.close_button):
            bar.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

        self.view.installEventFilter(self)  # PgUp/PgDn turn pages, not scroll by a screenful
        self.view.viewport().installEventFilter(self)  # 适合宽度 follows the window's width
        shortcut(self, "Ctrl+P", self.print_pages)
        shortcut(self, "Ctrl+S", self.save_pdf)
        shortcut(self, "Ctrl+=", self.zoom_in)
        shortcut(self, "Ctrl++", self.zoom_in)
        shortcut(self, "Ctrl+-", self.zoom_out)
        shortcut(self, "Ctrl+0", self.fit_width)
        self.nav.currentPageChanged.connect(self._update_labels)
        self.view.zoomFactorChanged.connect(self._update_labels)
        self.view.zoomModeChanged.connect(self._update_labels)
        fit_to_screen(self, *((980, 900) if self.doc.pagePointSize(0).height() > self.doc.pagePointSize(0).width()
                              else (1200, 820)))
        self._update_labels()
        self.view.setFocus()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt naming
        if watched is self.view and event.type() == QEvent.Type.KeyPress and self._page_key(event):
            return True
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self._update_labels()
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if not self._page_key(event):
            super().keyPressEvent(event)

    def _page_key(self, event) -> bool:
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        if event.key() == Qt.Key.Key_PageDown:
            self.next_page()
        elif event.key() == Qt.Key.Key_PageUp:
            self.previous_page()
        else:
            return False
        return True

    # -- pages and zoom ---------------------------------------------------------------------------
    @property
    def page_count(self) -> int:
        return self.doc.pageCount()

    def current_page(self) -> int:
        return self.nav.currentPage()

    def go_to(self, page: int) -> None:
        page = max(0, min(page, self.page_count - 1))
        self.nav.jump(page, QPointF(), self.nav.currentZoom())
        self._update_labels()

    def next_page(self) -> None:
        self.go_to(self.current_page() + 1)

    def previous_page(self) -> None:
        self.go_to(self.current_page() - 1)

    def effective_zoom(self) -> float:
        """The zoom as shown: in 适合宽度 the view computes it from the widest page and the viewport."""
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom:
            return self.view.zoomFactor()
        widest = max(self.doc.pagePointSize(i).width() for i in range(self.page_count))
        margins = self.view.documentMargins()
        usable = self.view.viewport().width() - margins.left() - margins.right()
        return max(usable, 1) / (widest / 72.0 * self.view.logicalDpiX())

    def set_zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(factor)
        self._update_labels()

    def zoom_in(self) -> None:
        now = self.effective_zoom()
        self.set_zoom(next((z for z in ZOOMS if z > now * 1.01), ZOOMS[-1]))

    def zoom_out(self) -> None:
        now = self.effective_zoom()
        self.set_zoom(next((z for z in reversed(ZOOMS) if z < now * 0.99), ZOOMS[0]))

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._update_labels()

    def _update_labels(self, *_args) -> None:
        page = self.current_page()
        self.page_label.setText(f"第 {page + 1} / {self.page_count} 页")
        self.prev_button.setEnabled(page > 0)
        self.next_button.setEnabled(page < self.page_count - 1)
        fit = self.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
        self.zoom_label.setText(f"{round(self.effective_zoom() * 100)}%" + ("（适合宽度）" if fit else ""))

    # -- printing and saving ----------------------------------------------------------------------
    def make_printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.file_name)
        prepare_printer(printer, self.doc)
        return printer

    def print_pages(self) -> None:
        printer = self.make_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印")
        dialog.setMinMax(1, self.page_count)
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintCurrentPage, False)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter, on_done: Callable[[int], None] | None = None):
        """Send the pages to the printer off the GUI thread (progress, cancel); returns the job."""
        printer.setFullPage(True)
        data = self.data

        def failed(error: BaseException) -> None:
            if isinstance(error, PrintAborted):
                inform(self, "已取消打印。", "已取消")
            elif isinstance(error, DomainError):
                refuse(self, error)
            else:
                from .errors import show_unexpected

                show_unexpected(error)

        self.print_job = run_job(self, "正在打印", lambda progress, cancelled: paint_pdf(data, printer, progress, cancelled),
                                 on_success=on_done, on_failure=failed)
        return self.print_job

    def save_pdf(self) -> str | None:
        default = str(Path(self.state.last_folder()) / f"{self.file_name}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, "保存PDF", default, "PDF 文件 (*.pdf)")
        if not path:
            return None
        return self.save_to(path)

    def save_to(self, path: str) -> str | None:
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            Path(path).write_bytes(self.data)
        except OSError as e:
            refuse(self, f"无法保存到“{path}”：{e.strerror or e}")
            return None
        self.state.remember_folder(path)
        return path


# -- rendering a form and opening the preview ------------------------------------------------------
def preview_form(parent: QWidget, state, form: str, params: dict, *, title: str | None = None,
                 file_name: str | None = None, on_preview: Callable[[PrintPreview], None] | None = None):
    """Render `form` with `params` off the GUI thread, then open the preview (kept on
    `parent.preview`). A PrintError is shown as a message; a cancel shows nothing. Returns the job."""
    from ..core.printing import render_pdf

    title = title or available_forms().get(form, form)

    def work(progress, cancelled) -> bytes:
        out = io.BytesIO()
        with state.session(read_only=True) as s:  # printing only reads: no clerk waits for it
            render_pdf(s, actor=state.actor, form=form, params=params, out=out, progress=progress,
                       cancelled=cancelled)
        return out.getvalue()

    def done(data: bytes) -> None:
        try:
            dialog = PrintPreview(state, data, title, file_name or title, parent)
        except DomainError as e:
            refuse(parent, e)
            return
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        parent.preview = dialog
        dialog.finished.connect(lambda _r: setattr(parent, "preview", None)
                                if getattr(parent, "preview", None) is dialog else None)
        dialog.open()
        if on_preview is not None:
            on_preview(dialog)

    return run_job(parent, f"正在生成{title}", work, on_success=done, on_failure=print_failure(parent))


def save_each(parent: QWidget, state, cadre_ids: list[int], out_dir: str,
              on_done: Callable[[list[Path]], None] | None = None):
    """任免审批表, one PDF per cadre, into a folder, off the GUI thread. Returns the job."""
    from ..core.printing import render_each

    def work(progress, cancelled) -> list[Path]:
        with state.session(read_only=True) as s:
            return render_each(s, actor=state.actor, cadre_ids=cadre_ids, out_dir=out_dir, progress=progress,
                               cancelled=cancelled)

    def done(paths: list[Path]) -> None:
        state.remember_folder(out_dir)
        if on_done is not None:
            on_done(paths)
        else:
            inform(parent, f"已生成 {len(paths)} 份任免审批表，保存在：\n{out_dir}")

    return run_job(parent, "正在生成任免审批表", work, on_success=done, on_failure=print_failure(parent))


def print_failure(parent: QWidget) -> Callable[[BaseException], None]:
    """A cancel is quiet (nothing was written); a PrintError is a message naming what stopped it."""

    def show(error: BaseException) -> None:
        from ..core.printing import PrintCancelled

        if isinstance(error, PrintCancelled):
            return
        if isinstance(error, DomainError):
            refuse(parent, error, "无法打印")
            return
        from .errors import show_unexpected

        show_unexpected(error)

    return show
