"""Word clouds: a font with real Chinese glyphs is found portably, and boxes are never drawn."""

from pathlib import Path

import pytest

from civic import cloud
from civic.cloud import FontNotFound, find_font, has_chinese, render_cloud, require_font

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
needs_latin_font = pytest.mark.skipif(not DEJAVU.is_file(), reason=f"{DEJAVU} (a font without CJK) not installed")


@pytest.fixture(scope="module")
def chinese_font() -> Path:
    font = find_font()
    assert font is not None, f"no Chinese font on this machine: {cloud.INSTALL_HINT}"
    return font


@pytest.fixture(autouse=True)
def no_configured_font(monkeypatch):
    monkeypatch.delenv("CIVIC_FONT", raising=False)


def test_found_font_has_chinese_glyphs(chinese_font):
    assert has_chinese(chinese_font)


@pytest.mark.parametrize(("path", "expected"), [
    pytest.param(DEJAVU, False, marks=needs_latin_font, id="latin-font"),
    pytest.param(Path("/nonexistent/font.ttf"), False, id="missing"),
    pytest.param(Path(__file__), False, id="not-a-font"),
])
def test_has_chinese_rejects(path, expected):
    assert has_chinese(path) is expected


def test_civic_font_wins_when_it_has_chinese(monkeypatch, chinese_font, tmp_path):
    copy = tmp_path / "我的字体.ttc"
    copy.write_bytes(chinese_font.read_bytes())
    monkeypatch.setenv("CIVIC_FONT", str(copy))
    assert find_font() == copy


@needs_latin_font
def test_civic_font_without_chinese_is_passed_over(monkeypatch, chinese_font):
    monkeypatch.setenv("CIVIC_FONT", str(DEJAVU))
    assert find_font() == chinese_font


@pytest.mark.parametrize(("configured", "reason"), [
    (None, "no font with Chinese glyphs found: install"),
    ("/nonexistent/font.ttf", "CIVIC_FONT=/nonexistent/font.ttf does not exist"),
])
def test_no_font_names_what_to_install(monkeypatch, configured, reason):
    monkeypatch.setattr(cloud, "_search", lambda: None)
    if configured:
        monkeypatch.setenv("CIVIC_FONT", configured)
    with pytest.raises(FontNotFound, match=reason) as error:
        require_font()
    assert "apt-get install fonts-wqy-microhei" in str(error.value)
    assert "CIVIC_FONT" in str(error.value)


def test_render_is_deterministic_and_sized(chinese_font):
    words = {"文明城市": 30, "志愿者": 20, "垃圾分类": 10, "私搭乱建": 5, "不计": 0}
    first = render_cloud(words, font=chinese_font, width=240, height=160)
    second = render_cloud(words, font=chinese_font, width=240, height=160)
    assert first.size == (240, 160)
    assert first.tobytes() == second.tobytes()
    assert first.convert("L").getextrema()[0] < 128, "some dark ink was drawn"


def test_chinese_words_are_glyphs_not_boxes(chinese_font):
    # tofu boxes of two words of equal length would be pixel-identical; real glyphs differ
    civic = render_cloud({"文明": 1}, font=chinese_font, width=160, height=100)
    city = render_cloud({"城市": 1}, font=chinese_font, width=160, height=100)
    assert civic.tobytes() != city.tobytes()


@needs_latin_font
def test_font_without_chinese_is_refused():
    with pytest.raises(FontNotFound, match="DejaVuSans.ttf has no Chinese glyphs: install"):
        render_cloud({"文明": 1}, font=DEJAVU)


@pytest.mark.parametrize("words", [{}, {"文明": 0}])
def test_nothing_to_draw(chinese_font, words):
    with pytest.raises(ValueError, match="no terms to draw"):
        render_cloud(words, font=chinese_font)
