"""Fonts for printing: the roles 宋体 / 仿宋 / 黑体 / 楷体 / 小标宋 (printing.md).

Each role is a chain of TrueType fonts: the PC's own font where it has one (Windows' Fonts folder and
the per-user fonts, or a common Linux font folder), then the font the county set in the settings
(`print_fonts`), then the fonts shipped in resources/fonts/. A character that the chain lacks is drawn
from any other available font that has it (per-character fallback); where none has it,
`MissingGlyph` names it. Fonts are registered with ReportLab once per process and embedded as subsets.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from ..resources import resource_path
from ..values import DomainError
from .errors import MissingGlyph

ROLES = ("宋体", "仿宋", "黑体", "楷体", "小标宋")

# The system's own font for each role, by file name (matched case-insensitively).
SYSTEM_FILES = {
    "宋体": ("simsun.ttc",),
    "仿宋": ("simfang.ttf",),
    "黑体": ("simhei.ttf",),
    "楷体": ("simkai.ttf",),
    "小标宋": ("FZXBSJW.TTF",),
}
# The shipped fonts for each role, best first: (file in resources/fonts, subfont index).
SHIPPED = {
    "宋体": (("uming.ttc", 0),),
    "仿宋": (("ukai.ttc", 0),),
    "黑体": (("wqy-microhei.ttc", 0),),
    "楷体": (("ukai.ttc", 0),),
    "小标宋": (("wqy-microhei.ttc", 0),),
}
# Every shipped font, in the order per-character fallback tries them.
FALLBACK = (("uming.ttc", 0), ("wqy-microhei.ttc", 0), ("ukai.ttc", 0))

LINUX_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
USER_FONTS_KEY = r"Software\Microsoft\Windows NT\CurrentVersion\Fonts"

_lock = threading.RLock()
_fonts: dict[tuple[str, int], TTFont] = {}  # (resolved path, subfont index) → registered font
_system: dict[str, Path] | None = None  # lower-case file name → path, found once per process
_chains: dict[tuple, FontChain] = {}


# --- finding system fonts -------------------------------------------------------------------------

def system_dirs() -> list[Path]:
    """The folders searched for the system's own fonts."""
    dirs = []
    if sys.platform == "win32":
        windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot") or r"C:\Windows"
        dirs.append(Path(windir) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    else:
        dirs.extend(Path(d).expanduser() for d in LINUX_DIRS)
    extra = os.environ.get("CADRE_FONT_DIRS")  # more folders, os.pathsep-separated
    if extra:
        dirs.extend(Path(d) for d in extra.split(os.pathsep) if d)
    return dirs


def _registry_fonts() -> list[Path]:
    """Fonts installed for the current user only (Windows 10 1809+), from HKCU's Fonts key."""
    if sys.platform != "win32":
        return []
    try:
        import winreg
    except ImportError:  # pragma: no cover - not Windows
        return []
    found = []
    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, USER_FONTS_KEY) as key:
            i = 0
            while True:
                try:
                    _name, value, _kind = winreg.EnumValue(key, i)
                except OSError:
                    break
                i += 1
                if isinstance(value, str) and value:
                    found.append(Path(value))
    except OSError:
        pass
    return found


def _scan_system() -> dict[str, Path]:
    wanted = {name.lower() for names in SYSTEM_FILES.values() for name in names}
    found: dict[str, Path] = {}
    for path in _registry_fonts():
        if path.name.lower() in wanted and path.is_file():
            found.setdefault(path.name.lower(), path)
    for folder in system_dirs():
        if not folder.is_dir():
            continue
        if sys.platform == "win32":
            entries = folder.iterdir()
        else:
            entries = (Path(root) / f for root, _dirs, files in os.walk(folder) for f in files)
        for path in entries:
            name = path.name.lower()
            if name in wanted and name not in found:
                found[name] = path
    return found


def system_font(role: str) -> Path | None:
    global _system
    with _lock:
        if _system is None:
            _system = _scan_system()
        for name in SYSTEM_FILES[role]:
            if name.lower() in _system:
                return _system[name.lower()]
    return None


def reset() -> None:
    """Forget the found system fonts and built chains (after the settings or the fonts changed)."""
    global _system
    with _lock:
        _system = None
        _chains.clear()


# --- loading --------------------------------------------------------------------------------------

def check_font_file(path: str | Path) -> None:
    """Refuse a file that ReportLab cannot embed, with a message a clerk can act on."""
    p = Path(path)
    if not p.is_file():
        raise DomainError(f"字体文件不存在：{p}", field="print_fonts")
    with open(p, "rb") as f:
        head = f.read(4)
    if head == b"OTTO":
        raise DomainError(f"{p.name} 是 OpenType/CFF 字体（如思源、Noto CJK 的 .otf），无法嵌入PDF；"
                          "请选择 TrueType 字体（.ttf 或 .ttc）。", field="print_fonts")
    if head not in (b"\x00\x01\x00\x00", b"true", b"ttcf"):
        raise DomainError(f"{p.name} 不是 TrueType 字体文件（.ttf 或 .ttc）。", field="print_fonts")
    try:
        font = _load(p, 0)
    except (TTFError, OSError, ValueError) as exc:
        raise DomainError(f"{p.name} 无法作为 TrueType 字体嵌入PDF：{exc}", field="print_fonts") from exc
    if ord("中") not in font.face.charToGlyph:
        raise DomainError(f"{p.name} 不含汉字，不能用作中文字体。", field="print_fonts")


def _load(path: Path, index: int) -> TTFont:
    key = (str(Path(path).resolve()), index)
    with _lock:
        font = _fonts.get(key)
        if font is None:
            digest = hashlib.sha1(f"{key[0]}#{index}".encode()).hexdigest()[:10]
            font = TTFont(f"CD{digest}", key[0], subfontIndex=index)
            pdfmetrics.registerFont(font)
            _fonts[key] = font
    return font


def _try_load(path: Path | None, index: int = 0) -> TTFont | None:
    if path is None:
        return None
    try:
        return _load(path, index)
    except (TTFError, OSError, ValueError):
        return None  # an unusable system font is passed over; the chain goes on


# --- chains ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FontChain:
    role: str
    fonts: tuple  # the role's fonts, best first, then every other font for per-character fallback
    widths: dict = field(default_factory=dict, compare=False, repr=False)  # char → advance at 1 pt

    @property
    def name(self) -> str:
        """The ReportLab name of the role's first font."""
        return self.fonts[0].fontName

    def font_for(self, char: str) -> TTFont | None:
        code = ord(char)
        for font in self.fonts:
            if code in font.face.charToGlyph:
                return font
        return None

    def runs(self, text: str) -> list[tuple[str, str]]:
        """The text cut into (ReportLab font name, substring) runs; raises MissingGlyph."""
        runs: list[tuple[str, str]] = []
        name = None
        start = 0
        primary = self.fonts[0].face.charToGlyph
        for i, ch in enumerate(text):
            code = ord(ch)
            if code in primary:
                fname = self.fonts[0].fontName
            elif ch in "\t\r\n\u200b\ufeff":
                fname = name or self.fonts[0].fontName  # never drawn as a glyph
            else:
                font = self.font_for(ch)
                if font is None:
                    raise MissingGlyph(ch)
                fname = font.fontName
            if fname != name:
                if name is not None and i > start:
                    runs.append((name, text[start:i]))
                name, start = fname, i
        if name is not None and start < len(text):
            runs.append((name, text[start:]))
        return runs

    def width(self, text: str, size: float) -> float:
        return sum(pdfmetrics.stringWidth(s, fname, size) for fname, s in self.runs(text))

    def char_width(self, char: str, size: float) -> float:
        font = self.font_for(char)
        if font is None:
            raise MissingGlyph(char)
        return font.stringWidth(char, size)


def _county_fonts(session) -> dict:
    if session is None:
        return {}
    from ..services import settings  # services import models; keep fonts importable without them
    value = settings.get(session, "print_fonts")
    return value if isinstance(value, dict) else {}


def chain(role: str, session=None) -> FontChain:
    """The chain of fonts for a role: system font → county setting → shipped, then fallbacks."""
    if role not in ROLES:
        raise DomainError(f"未知的字体“{role}”，应为：{'、'.join(ROLES)}")
    county = _county_fonts(session).get(role) or None
    key = (role, county)
    with _lock:
        found = _chains.get(key)
        if found is not None:
            return found
        fonts: list[TTFont] = []
        candidates: list[tuple[Path | None, int]] = [(system_font(role), 0)]
        if county:
            candidates.append((Path(county), 0))
        candidates += [(resource_path("fonts", f), i) for f, i in SHIPPED[role]]
        candidates += [(resource_path("fonts", f), i) for f, i in FALLBACK]
        # the system's fonts of the other roles cover characters the shipped ones lack
        candidates += [(system_font(r), 0) for r in ROLES if r != role]
        for path, index in candidates:
            font = _try_load(path, index)
            if font is not None and font not in fonts:
                fonts.append(font)
        if not fonts:
            raise DomainError("找不到可用的中文字体：resources/fonts 中的字体文件缺失。")
        found = FontChain(role, tuple(fonts))
        _chains[key] = found
        return found


def missing(text: str, chain: FontChain) -> str | None:
    """The first character no font of the chain (or any fallback) has, or None."""
    for ch in text:
        if ch in "\t\r\n\u200b\ufeff":
            continue
        if chain.font_for(ch) is None:
            return ch
    return None


def draw(canvas, x: float, y: float, text: str, chain: FontChain, size: float, *, spacing: float = 0.0) -> float:
    """Draw the text's runs left to right from the baseline (x, y); returns the width drawn.
    `spacing` adds that many points after every character (letters spread over a width)."""
    t = canvas.beginText(x, y)
    t.setCharSpace(spacing)  # Tc outlives BT…ET in the PDF's text state: always set it
    width = 0.0
    for fname, s in chain.runs(text):
        t.setFont(fname, size)
        t.textOut(s)
        width += pdfmetrics.stringWidth(s, fname, size) + spacing * len(s)
    canvas.drawText(t)
    return width
