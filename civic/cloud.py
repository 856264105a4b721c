"""Word-cloud images with correct Chinese glyphs, and a portable search for a font that has them.

Font search order (`find_font`):
1. CIVIC_FONT (civic.config.font_path()), when it names a font with Chinese glyphs;
2. the usual Chinese fonts of Linux, macOS and Windows at their standard paths (`KNOWN_FONTS`);
3. any other font file in the system and user font folders (`FONT_DIRS`) whose name suggests
   CJK, then the rest.
Each candidate is checked for real Chinese coverage (`has_chinese`), not trusted by name.

A .ttc collection is rendered with its face 0 (wordcloud opens fonts without a face index). That
is fine for WenQuanYi, PingFang, Microsoft YaHei; Noto Sans CJK's .ttc has the Japanese face first,
so the single-face Simplified Chinese files (NotoSansCJKsc-*.otf, NotoSansSC-*) come before it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

from PIL import Image, ImageFont

from civic.config import font_path

# Characters a Chinese word cloud needs; a font lacking any of them draws boxes (tofu).
PROBE = "文明城市街道社区志愿者垃圾"
# U+FFFF is a noncharacter no font maps: what it draws is the font's .notdef (missing-glyph) box.
_NOTDEF = "\uffff"

INSTALL_HINT = ("install a font with Chinese glyphs (Debian/Ubuntu: apt-get install fonts-wqy-microhei; "
                "macOS and Windows ship one) or set CIVIC_FONT to a .ttf/.otf/.ttc file that has them")

_WINDOWS_FONTS = Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"
KNOWN_FONTS: tuple[Path, ...] = (
    # Linux (Debian/Ubuntu, Fedora, Arch package paths)
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"),
    Path("/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJKsc-Regular.otf"),
    Path("/usr/share/fonts/google-noto-cjk/NotoSansCJKsc-Regular.otf"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
    # macOS
    Path("/System/Library/Fonts/PingFang.ttc"),
    Path("/System/Library/Fonts/Hiragino Sans GB.ttc"),
    Path("/System/Library/Fonts/STHeiti Medium.ttc"),
    Path("/System/Library/Fonts/STHeiti Light.ttc"),
    Path("/Library/Fonts/Arial Unicode.ttf"),
    # Windows
    _WINDOWS_FONTS / "msyh.ttc",
    _WINDOWS_FONTS / "msyh.ttf",
    _WINDOWS_FONTS / "simhei.ttf",
    _WINDOWS_FONTS / "Deng.ttf",
    _WINDOWS_FONTS / "simsun.ttc",
    # Noto CJK collections last: face 0 is Japanese (Han glyphs present, some shapes differ)
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
)
FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts",
    Path.home() / ".fonts", Path("/System/Library/Fonts"), Path("/Library/Fonts"),
    Path.home() / "Library/Fonts", _WINDOWS_FONTS,
)
FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
_CJK_NAME_HINTS = ("cjk", "sc", "cn", "gb", "hei", "song", "kai", "ming", "wqy", "yahei", "msyh", "sim",
                   "pingfang", "fang", "droid")


class FontNotFound(RuntimeError):
    """No font with Chinese glyphs is available; the message says what to install or set."""


def has_chinese(path: Path, probe: str = PROBE) -> bool:
    """True when the font file (face 0) draws every character of `probe` with a real glyph.

    A character is missing when its rendered mask is empty or identical to the font's .notdef box.
    Unreadable or non-font files give False.
    """
    try:
        font = ImageFont.truetype(str(path), 32)
    except (OSError, ValueError):
        return False
    notdef = _glyph(font, _NOTDEF)
    return all((glyph := _glyph(font, char)) is not None and glyph != notdef for char in probe)


def _glyph(font: ImageFont.FreeTypeFont, char: str) -> tuple[tuple[int, int], bytes] | None:
    """The rendered mask of `char` (size and pixels), None when it draws nothing."""
    mask = font.getmask(char)
    return (mask.size, bytes(mask)) if mask.size[0] and mask.size[1] else None


def _candidates() -> Iterator[Path]:
    yield from KNOWN_FONTS
    files = sorted({p for folder in FONT_DIRS if folder.is_dir() for p in folder.rglob("*")
                    if p.suffix.lower() in FONT_SUFFIXES})
    hinted = [p for p in files if any(h in p.stem.lower() for h in _CJK_NAME_HINTS)]
    yield from hinted
    yield from sorted(set(files) - set(hinted))


@cache
def _search() -> Path | None:
    return next((p for p in _candidates() if p.is_file() and has_chinese(p)), None)


def find_font() -> Path | None:
    """A font file with Chinese glyphs: CIVIC_FONT if it has them, else the first system font that does.

    The system search runs once per process; CIVIC_FONT is read on every call.
    """
    configured = font_path()
    if configured and configured.is_file() and has_chinese(configured):
        return configured
    return _search()


def require_font() -> Path:
    """`find_font()`, or FontNotFound naming what to install (and why CIVIC_FONT was not used)."""
    found = find_font()
    if found:
        return found
    configured = font_path()
    reason = ""
    if configured:
        reason = (f"CIVIC_FONT={configured} does not exist; " if not configured.is_file() else
                  f"CIVIC_FONT={configured} has no Chinese glyphs; ")
    raise FontNotFound(f"no font with Chinese glyphs found: {reason}{INSTALL_HINT}")


def render_cloud(frequencies: Mapping[str, int], *, max_words: int = 150, font: Path | None = None,
                 width: int = 800, height: int = 500, random_state: int = 42) -> Image.Image:
    """Draw a word cloud of `frequencies` (term -> count), biggest words largest.

    Uses wordcloud's `generate_from_frequencies` (no re-tokenising of the terms) with a fixed
    `random_state`, so the same input gives the same image.

    Args:
        frequencies: term -> count; terms with counts <= 0 are ignored.
        max_words: at most this many words, the most frequent first.
        font: a font file; `require_font()` when None.
        width, height: image size in pixels.
        random_state: seed of the layout.

    Returns:
        An RGB PIL image of `width` x `height` pixels.

    Raises:
        FontNotFound: when no font is given or found, or the given font has no Chinese glyphs
            (a cloud of boxes is never drawn).
        ValueError: when there is no term with a positive count.
    """
    from wordcloud import WordCloud

    words = {term: count for term, count in frequencies.items() if count > 0}
    if not words:
        raise ValueError("no terms to draw: the word list is empty (filter too narrow or all words excluded)")
    if font is None:
        font = require_font()
    elif not has_chinese(font):
        raise FontNotFound(f"font {font} has no Chinese glyphs: {INSTALL_HINT}")
    cloud = WordCloud(font_path=str(font), width=width, height=height, max_words=max_words,
                      background_color="white", colormap="viridis", prefer_horizontal=0.9,
                      random_state=random_state)
    return cloud.generate_from_frequencies(words).to_image()
