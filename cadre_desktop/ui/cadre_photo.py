"""The cadre's photo in the editor: `crop_photo` turns a picture file into the stored 4:5 JPEG,
`PhotoBox` shows it."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QImageReader, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

PHOTO_MAX = (413, 516)  # width, height in pixels: a 4:5 photo at about 300 dpi
PHOTO_QUALITY = 90


def crop_photo(data: bytes) -> bytes:
    """A picture file's bytes → a JPEG cropped centred to 4:5 and scaled to at most 413×516 px.

    The picture is turned upright by its EXIF orientation first; transparency becomes white.
    Raises ValueError with a Chinese message when the bytes are not a readable picture.
    """
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    image = reader.read()
    if image.isNull():
        raise ValueError("无法读取该图片，请选择 JPEG 或 PNG 格式的照片。")
    w, h = image.width(), image.height()
    if w * 5 > h * 4:  # wider than 4:5: keep the full height
        cw, ch = max(1, round(h * 4 / 5)), h
    else:
        cw, ch = w, max(1, round(w * 5 / 4))
    cropped = image.copy((w - cw) // 2, (h - ch) // 2, cw, ch)
    ow = min(cw, PHOTO_MAX[0])
    oh = min(ch, max(1, round(ow * 5 / 4)), PHOTO_MAX[1])
    if (ow, oh) != (cw, ch):
        cropped = cropped.scaled(ow, oh, Qt.AspectRatioMode.IgnoreAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
    out = QImage(ow, oh, QImage.Format.Format_RGB32)
    out.fill(QColor("white"))
    painter = QPainter(out)
    painter.drawImage(0, 0, cropped)
    painter.end()
    result = QBuffer()
    result.open(QIODevice.OpenModeFlag.WriteOnly)
    if not out.save(result, "JPEG", PHOTO_QUALITY):  # pragma: no cover - the JPEG plugin ships with Qt
        raise ValueError("无法保存照片。")
    return bytes(result.data())


class PhotoBox(QWidget):
    """A 4:5 box showing the photo cover-fit and centred, never stretched."""

    def __init__(self, parent: QWidget | None = None, width: int = 152):
        super().__init__(parent)
        self.setFixedSize(width, width * 5 // 4)
        self._image = QImage()

    def setPhoto(self, data: bytes | None) -> None:  # noqa: N802 - Qt naming
        self._image = QImage.fromData(QByteArray(data)) if data else QImage()
        self.update()

    def hasPhoto(self) -> bool:  # noqa: N802 - Qt naming
        return not self._image.isNull()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt naming
        p = QPainter(self)
        rect = QRectF(self.rect())
        p.fillRect(rect, QColor("#f5f5f5"))
        if not self._image.isNull():
            iw, ih = self._image.width(), self._image.height()
            scale = max(rect.width() / iw, rect.height() / ih)  # cover: the box is filled
            sw, sh = rect.width() / scale, rect.height() / scale
            source = QRectF((iw - sw) / 2, (ih - sh) / 2, sw, sh)
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            p.drawImage(rect, self._image, source)
        else:
            p.setPen(QColor("#9a9a9a"))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, "照片")
        p.setPen(QColor("#a0a0a0"))
        p.drawRect(rect.adjusted(0, 0, -1, -1))
        p.end()
