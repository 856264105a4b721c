"""Word-cloud images with correct Chinese glyphs, and a portable search for a font that has them.

Font search order (`find_font`):
1. CIVIC_FONT (civic.config.font_path()), when it names a font with Chinese glyphs;
2. the usual Chinese fonts of Linux, macOS and Windows at their standard paths (`KNOWN_FONTS`);
3. any other font file in the system and user font folders (`FONT_DIRS`) whose name suggests
   CJK, then the rest.
Each candidate is checked for real Chinese coverage (`has_chinese`), not trusted by name.

A .ttc collection is rendered with its face 0 (fonts are opened without a face index). That
is fine for WenQuanYi, PingFang, Microsoft YaHei; Noto Sans CJK's .ttc has the Japanese face first,
so the single-face Simplified Chinese files (NotoSansCJKsc-*.otf, NotoSansSC-*) come before it.

Drawing (`render_cloud`) follows wordcloud's layout and colours but searches on 2-pixel cells with
fewer tries per word: about a quarter of wordcloud's time for the same look (bench/cloud.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from functools import cache, lru_cache, partial
from pathlib import Path
from random import Random

import numpy as np
from PIL import Image, ImageDraw, ImageFont

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


# Layout settings (bench/cloud.py measures what they cost). Sizes are in image pixels.
LAYOUT_SCALE = 2  # words are placed on a canvas of cells this many pixels square
MIN_FONT_SIZE = 4  # placement stops at the first word that fits at no larger size
PAD = 1  # free pixels around each word's ink, as wordcloud's margin=2
PREFER_HORIZONTAL = 0.9  # share of words tried horizontally first
RELATIVE_SCALING = 0.5  # a word's size follows its frequency half-way (wordcloud's default)
COLORMAP = "viridis"

Spot = tuple[int, int]  # (row, column) of a word's top-left cell on the layout canvas
# a placed word: term, font size, spot, rotation (None: horizontal), its ink at full size
Placed = tuple[str, int, Spot, Image.Transpose | None, Image.Image]
FontAt = Callable[[int], ImageFont.FreeTypeFont]  # one font object per size, reused


class FontNotFound(RuntimeError):
    """No font with Chinese glyphs is available; the message says what to install or set."""


def has_chinese(path: Path, probe: str = PROBE) -> bool:
    """True when the font file (face 0) draws every character of `probe` with a real glyph.

    A character is missing when its rendered mask is empty or identical to the font's .notdef box.
    Unreadable or non-font files give False. The answer is kept per path, size and modification
    time (checking takes a few milliseconds and every cloud asks).
    """
    try:
        stat = path.stat()
    except OSError:
        return False
    return _has_chinese(str(path), stat.st_size, stat.st_mtime_ns, probe)


@lru_cache(maxsize=256)
def _has_chinese(path: str, size: int, mtime_ns: int, probe: str) -> bool:
    """`has_chinese` of one version of a file; `size` and `mtime_ns` only tell versions apart."""
    try:
        font = ImageFont.truetype(path, 32)
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

    The layout is wordcloud's (`_layout`) with its default settings, but searched on a canvas of
    LAYOUT_SCALE-pixel cells, with one font object per size and fewer tries per word: about a
    third of `WordCloud.generate_from_frequencies`' time for the same look (bench/cloud.py).
    Colours are wordcloud's too (COLORMAP at a random point per word). Seeded by
    `random_state`, so the same input gives the same image.

    Args:
        frequencies: term -> count; terms with counts <= 0 are ignored.
        max_words: at most this many words, the most frequent first.
        font: a font file; `require_font()` when None.
        width, height: image size in pixels.
        random_state: seed of the layout and the colours.

    Returns:
        An RGB PIL image of `width` x `height` pixels.

    Raises:
        FontNotFound: when no font is given or found, or the given font has no Chinese glyphs
            (a cloud of boxes is never drawn).
        ValueError: when there is no term with a positive count.
    """
    from wordcloud.wordcloud import colormap_color_func

    ranked = sorted(((term, count) for term, count in frequencies.items() if count > 0),
                    key=lambda item: item[1], reverse=True)[:max_words]
    if not ranked:
        raise ValueError("no terms to draw: the word list is empty (filter too narrow or all words excluded)")
    if font is None:
        font = require_font()
    elif not has_chinese(font):
        raise FontNotFound(f"font {font} has no Chinese glyphs: {INSTALL_HINT}")
    words = [(term, count / ranked[0][1]) for term, count in ranked]
    font_at: FontAt = cache(partial(ImageFont.truetype, str(font)))
    canvas = (max(width // LAYOUT_SCALE, 1), max(height // LAYOUT_SCALE, 1))
    rng = Random(random_state)
    placed = _layout(words, font_at, canvas, rng, _largest_size(words, font_at, canvas, rng))

    colours = colormap_color_func(COLORMAP).colormap([rng.uniform(0, 1) for _ in placed], bytes=True)
    image = Image.new("RGB", (width, height), "white")
    for (_, _, (row, column), _, glyphs), colour in zip(placed, colours, strict=True):
        image.paste(tuple(colour[:3].tolist()), (column * LAYOUT_SCALE, row * LAYOUT_SCALE), mask=glyphs)
    return image


def _largest_size(words: list[tuple[str, float]], font_at: FontAt, canvas: tuple[int, int], rng: Random) -> int:
    """The first word's font size, picked as wordcloud does: the harmonic mean of the sizes the
    two most frequent words get when laid out alone, starting from the image height."""
    start = canvas[1] * LAYOUT_SCALE
    sizes = [size for _, size, _, _, _ in _layout(words[:2], font_at, canvas, rng, start)]
    if len(sizes) < 2:
        return sizes[0] if sizes else start
    return int(2 * sizes[0] * sizes[1] / (sizes[0] + sizes[1]))


def _layout(words: list[tuple[str, float]], font_at: FontAt, canvas: tuple[int, int], rng: Random,
            font_size: int) -> list[Placed]:
    """wordcloud's greedy placement of (term, weight) pairs, heaviest first, weights in (0, 1].

    Each word starts at the previous word's size scaled by the ratio of their weights
    (RELATIVE_SCALING), is tried at a random free spot in its preferred orientation, then turned,
    then horizontally at the largest smaller size that fits (`_fit`). A word's box is its ink
    plus PAD, rounded out to whole cells; a cell is taken when any ink falls in it, so words
    never overlap. An integral image of the taken cells answers where a box is free. Stops at
    the first word that does not fit.
    """
    from wordcloud.wordcloud import IntegralOccupancyMap

    width, height = canvas
    occupancy = IntegralOccupancyMap(height, width, None)
    taken = np.zeros((height, width), dtype=np.uint8)
    placed: list[Placed] = []

    @cache
    def ink(word: str, size: int) -> tuple[int, int]:
        left, top, right, bottom = font_at(size).getbbox(word)
        return right - left, bottom - top

    def box(word: str, size: int, turn: Image.Transpose | None) -> tuple[int, int]:
        """Rows and columns of cells a word's box takes."""
        width, height = ink(word, size)
        return (_cells(width), _cells(height)) if turn else (_cells(height), _cells(width))

    last = 1.0
    for word, weight in words:
        font_size = round((RELATIVE_SCALING * weight / last + 1 - RELATIVE_SCALING) * font_size)
        if font_size < MIN_FONT_SIZE:
            break

        def free_spot(size: int, turn: Image.Transpose | None, word: str = word) -> Spot | None:
            corner = occupancy.sample_position(*box(word, size, turn), rng)
            # the integral image answers for the box one cell down and right of the corner it returns
            return None if corner is None else (corner[0] + 1, corner[1] + 1)

        turn = None if rng.random() < PREFER_HORIZONTAL else Image.Transpose.ROTATE_90
        fit = _fit(free_spot, font_size, turn)
        if fit is None:
            break
        font_size, turn, (row, column) = fit
        glyphs = _glyphs(word, ImageFont.TransposedFont(font_at(font_size), orientation=turn),
                         box(word, font_size, turn))
        cells = _cells_with_ink(glyphs)
        taken[row:row + cells.shape[0], column:column + cells.shape[1]] = cells
        occupancy.update(taken, row, column)
        placed.append((word, font_size, (row, column), turn, glyphs))
        last = weight
    return placed


def _cells(pixels: int) -> int:
    """Layout cells covering `pixels` of ink and PAD on both sides."""
    return -(-(pixels + 2 * PAD) // LAYOUT_SCALE)


def _glyphs(word: str, font: ImageFont.TransposedFont, box: tuple[int, int]) -> Image.Image:
    """`word` drawn white on black at (PAD, PAD) in its `box` (rows, columns of cells), an "L" mask."""
    mask = Image.new("L", (box[1] * LAYOUT_SCALE, box[0] * LAYOUT_SCALE))
    ImageDraw.Draw(mask).text((PAD, PAD), word, fill=255, font=font)
    return mask


def _cells_with_ink(glyphs: Image.Image) -> np.ndarray:
    """Per layout cell of a `_glyphs` mask, its darkest pixel (0 where the cell has no ink)."""
    pixels = np.asarray(glyphs)
    rows, columns = pixels.shape[0] // LAYOUT_SCALE, pixels.shape[1] // LAYOUT_SCALE
    return pixels.reshape(rows, LAYOUT_SCALE, columns, LAYOUT_SCALE).max(axis=(1, 3))


def _fit(free_spot: Callable[[int, Image.Transpose | None], Spot | None], font_size: int,
         turn: Image.Transpose | None) -> tuple[int, Image.Transpose | None, Spot] | None:
    """Size, rotation and spot for a word: `font_size` as preferred (`turn`), then turned, then
    horizontal at the largest smaller size with a free spot (at least MIN_FONT_SIZE), or None.

    wordcloud steps down one size at a time; stepping down 1, 2, 4, ... sizes and then bisecting
    finds the same size (a smaller box fits wherever a larger one does) in a few tries.
    """
    for rotation in (turn, None if turn else Image.Transpose.ROTATE_90):
        if spot := free_spot(font_size, rotation):
            return font_size, rotation, spot
    fits, too_big, step = None, font_size, 1
    while fits is None:
        if too_big <= MIN_FONT_SIZE:
            return None
        size = max(too_big - step, MIN_FONT_SIZE)
        if spot := free_spot(size, None):
            fits = (size, spot)
        else:
            too_big, step = size, step * 2
    while too_big - fits[0] > 1:
        size = (too_big + fits[0]) // 2
        if spot := free_spot(size, None):
            fits = (size, spot)
        else:
            too_big = size
    return fits[0], None, fits[1]
