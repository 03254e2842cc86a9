"""Reading a big worksheet through python-calamine a piece at a time.

calamine reads a whole sheet into one dense range (32 bytes a cell, its text besides) and, while it
builds it, holds a list of the cells too: the 帮带纪实 sheet of a 100,000-cadre workbook cost some
250 MB at once, on top of what the import holds by then (the peak of the whole import). A sheet
whose XML is over `piece_bytes` is instead cut between rows into pieces of about that size, each
read by calamine as a small package of its own (the workbook's parts without its sheets, and the
piece's rows in the sheet's own head): only one piece's cells are held at a time.

A sheet this cannot cut safely (a prefixed or unusual root, rows without their `r` numbers) is read
whole, as before."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any, Iterator

PIECE_BYTES = 8 << 20  # sheet XML per piece: about 5,000 rows of the 35-column 干部 sheet
HEAD_LIMIT = 1 << 20  # the sheet's head (columns, views) before <sheetData> is never bigger
KEPT_LIMIT = 64 << 20  # a part bigger than this (media) is not copied into the pieces
_SHEET_DATA = re.compile(rb"<sheetData\s*>")
_ROOT = re.compile(rb"<worksheet[\s>]")
_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")
_ROW_START = re.compile(rb"<row[\s>/]")
_ROW_R = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')
_ROW_TAGS = (b"<row ", b"<row>", b"<row/", b"<row\n", b"<row\t", b"<row\r")
_TAIL = b"</sheetData></worksheet>"


def _trimmer():
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError, ImportError):  # not glibc (Windows, macOS): nothing to do
        return None


_TRIM = _trimmer()


def give_back() -> None:
    """Hand the heap a sheet's (or a piece's) cells were read into back to the system (glibc's
    malloc_trim): what is read next grows from what the import holds, not from the last high-water
    mark, and the holes between what it holds are given back too."""
    if _TRIM is not None:
        _TRIM(0)


def piece_bytes(z: zipfile.ZipFile) -> int:
    """The size of a piece: bigger where shared strings are big, since every piece reads them again."""
    shared = sum(i.file_size for i in z.infolist() if i.filename.lower().endswith("sharedstrings.xml"))
    return max(PIECE_BYTES, 8 * shared)


def _last_row_start(buf: bytearray) -> int:
    """Where the last row tag begins (-1: none), looking back from the end a little at a time (a
    row tag written in a way no writer uses is not looked for over the whole piece)."""
    size = len(buf)
    for window in (1 << 16, 1 << 20, size):
        start = max(0, size - window)
        at = max(buf.rfind(t, start) for t in _ROW_TAGS)
        if at >= 0 or start == 0:
            return at
    return -1


def _first_row_number(xml: bytes | bytearray) -> int | None:
    """The `r` number of the first row tag, or None (no row, or a row without its number)."""
    start = _ROW_START.search(xml)
    m = start and _ROW_R.match(xml, start.start())
    return int(m.group(1)) if m else None


def split(stream, size: int) -> Iterator[bytes] | None:
    """The sheet XML of `stream` as whole documents of about `size` bytes each, cut between rows;
    None (nothing consumed that matters: the caller reads the sheet whole) where its head is not
    the plain one this expects or its first row has no number."""
    buf = bytearray()
    while len(buf) < HEAD_LIMIT:
        data = stream.read(1 << 16)
        if not data:
            break
        buf += data
        if _SHEET_DATA.search(buf):
            break
    m = _SHEET_DATA.search(buf)
    if m is None or not _ROOT.search(buf, 0, m.start()):
        return None
    head = _DIMENSION.sub(b"", bytes(buf[:m.end()]))  # the piece's own cells size its range
    del buf[:m.end()]
    while len(buf) < 4096:
        data = stream.read(1 << 16)
        if not data:
            break
        buf += data
    if _first_row_number(buf[:4096]) is None:
        return None

    def pieces() -> Iterator[bytes]:
        nonlocal buf
        while True:
            data = stream.read(1 << 20)
            if data:
                buf += data
                if len(buf) < size:
                    continue
                cut = _last_row_start(buf)
                if cut <= 0:
                    continue  # one row bigger than a piece: read on
                piece = b"".join((head, buf[:cut], _TAIL))
                del buf[:cut]
                yield piece
                del piece
                continue
            end = buf.rfind(b"</sheetData>")
            if end < 0:
                raise ValueError("sheetData not closed")  # the pre-scan refuses such XML first
            piece = b"".join((head, buf[:end], _TAIL))
            buf = bytearray()
            yield piece
            return

    return pieces()


def sheet_rows(path: Path, part: str, title: str, size: int) -> Iterator[tuple[int, list[Any]]] | None:
    """Every row of the sheet `title` (stored as `part`) as (Excel row number, calamine's values),
    header first, a piece at a time; None where the sheet is to be read whole."""
    from python_calamine import CalamineWorkbook

    z = zipfile.ZipFile(path)
    try:
        stream = z.open(part)
        pieces = split(stream, size)
    except BaseException:
        z.close()
        raise
    if pieces is None:
        stream.close()
        z.close()
        return None
    kept = [(i.filename, z.read(i)) for i in z.infolist()
            if not i.filename.startswith("xl/worksheets/") and i.filename != part and i.file_size <= KEPT_LIMIT
            and i.filename.endswith((".xml", ".rels"))]

    def rows() -> Iterator[tuple[int, list[Any]]]:
        last = 0  # the Excel number of the last row given
        try:
            for k, xml in enumerate(pieces):
                package = io.BytesIO()
                with zipfile.ZipFile(package, "w", zipfile.ZIP_STORED) as p:
                    for name, data in kept:
                        p.writestr(name, data)
                    p.writestr(part, xml)
                first = _first_row_number(xml)
                del xml
                package.seek(0)
                wb = CalamineWorkbook.from_filelike(package)
                del package  # calamine holds its own copy
                ws = wb.get_sheet_by_name(title)
                if k == 0:
                    # From Excel row 1 whatever the first cell (as a whole sheet is read).
                    for i, r in enumerate(ws.iter_rows()):
                        last = i + 1
                        yield last, r
                elif ws.start is not None:
                    r0, c0 = ws.start
                    # calamine numbers the piece's rows from its `r` numbers (else from 0 on)
                    base = r0 if first is not None else last + r0
                    pad = [""] * c0
                    for i, r in enumerate(ws.to_python(skip_empty_area=True)):
                        last = base + i + 1
                        yield last, (pad + r if c0 else r)
                del ws, wb
                give_back()
        finally:
            stream.close()
            z.close()

    return rows()
