"""Word clouds: a font with real Chinese glyphs is found portably, boxes are never drawn, and the
fast layout keeps wordcloud's look (no overlaps, the same ink) in a few tries per word."""

from functools import cache, partial
from pathlib import Path
from random import Random

import numpy as np
import pytest
from PIL import Image, ImageFont

from civic import cloud
from civic.cloud import FontNotFound, find_font, has_chinese, render_cloud, require_font

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
needs_latin_font = pytest.mark.skipif(not DEJAVU.is_file(), reason=f"{DEJAVU} (a font without CJK) not installed")
# the 60 most frequent terms of the sample corpus, with their counts
SAMPLE_TERMS = {
    "整治": 53, "创建": 50, "文化": 46, "群众": 46, "居民": 44, "创城": 43, "宣传": 43, "志愿者": 41, "文明": 34,
    "党员": 32, "服务": 31, "小区": 29, "志愿服务": 28, "环境": 27, "项目": 27, "二七区": 24, "建设": 23, "整改": 23,
    "清理": 23, "管理": 22, "专项": 17, "非机动车": 17, "创意": 16, "培训": 15, "行动": 15, "规范": 15, "发展": 14,
    "产业": 13, "全国文明城市": 12, "商户": 12, "生活": 12, "停放": 11, "创业": 11, "妇女": 11, "机关": 11,
    "门店": 11, "任务": 10, "创文": 10, "垃圾": 10, "城市": 10, "带动": 10, "治理": 10, "社会": 10, "网格": 10,
    "老人": 10, "责任": 10, "企业": 9, "制作": 9, "市民": 9, "平台": 9, "广场": 9, "拆除": 9, "新兴街道": 9,
    "楼栋长": 9, "督查": 9, "社会主义核心价值观": 9, "主题": 8, "亲民化": 8, "创新": 8, "向阳街道": 8,
}


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


def test_size_not_a_multiple_of_the_layout_cell(chinese_font):
    assert render_cloud({"文明城市": 3, "志愿者": 2}, font=chinese_font, width=241, height=161).size == (241, 161)


def _laid_out(font: Path, width: int, height: int, seed: int = 42) -> list[cloud.Placed]:
    words = [(term, count / max(SAMPLE_TERMS.values())) for term, count in SAMPLE_TERMS.items()]
    font_at = cache(partial(ImageFont.truetype, str(font)))
    canvas, rng = (width // cloud.LAYOUT_SCALE, height // cloud.LAYOUT_SCALE), Random(seed)
    return cloud._layout(words, font_at, canvas, rng, cloud._largest_size(words, font_at, canvas, rng))


@pytest.mark.parametrize(("width", "height"), [(720, 400), (480, 320)])
def test_every_word_is_placed_without_overlap_largest_first(chinese_font, width, height):
    placed = _laid_out(chinese_font, width, height)
    assert [word for word, *_ in placed] == list(SAMPLE_TERMS)
    sizes = [size for _, size, *_ in placed]
    assert sizes == sorted(sizes, reverse=True)
    words_on = np.zeros((height, width), dtype=np.int32)
    for _, _, (row, column), _, glyphs in placed:
        ink = np.asarray(glyphs) > 0
        top, left = row * cloud.LAYOUT_SCALE, column * cloud.LAYOUT_SCALE
        words_on[top:top + ink.shape[0], left:left + ink.shape[1]] += ink
    assert words_on.max() == 1, "no pixel carries ink of two words"


def test_ink_as_dense_as_wordclouds_own_layout(chinese_font):
    from wordcloud import WordCloud

    def ink_share(image: Image.Image) -> float:
        return float((np.asarray(image.convert("L")) < 250).mean())

    theirs = WordCloud(font_path=str(chinese_font), width=720, height=400, background_color="white",
                       prefer_horizontal=0.9, random_state=42).generate_from_frequencies(SAMPLE_TERMS)
    ours = render_cloud(SAMPLE_TERMS, font=chinese_font, width=720, height=400)
    assert ink_share(ours) == pytest.approx(ink_share(theirs.to_image()), rel=0.15)


ROTATED = Image.Transpose.ROTATE_90


@pytest.mark.parametrize(("start", "turn", "fits_below", "turned_fits_below", "expected", "most_tries"), [
    pytest.param(40, None, 50, 0, (40, None), 1, id="fits-as-preferred"),
    pytest.param(40, ROTATED, 50, 0, (40, None), 2, id="turned-word-fits-upright"),
    pytest.param(40, None, 30, 45, (40, ROTATED), 2, id="fits-turned"),
    # wordcloud would try 41 sizes one by one
    pytest.param(60, None, 20, 0, (19, None), 2 + 12, id="much-smaller"),
    pytest.param(400, ROTATED, 151, 0, (150, None), 2 + 18, id="first-word-from-the-image-height"),
    pytest.param(40, None, 39, 0, (38, None), 5, id="two-sizes-smaller"),
    pytest.param(40, None, cloud.MIN_FONT_SIZE + 1, 0, (cloud.MIN_FONT_SIZE, None), 2 + 10, id="smallest-size"),
    pytest.param(40, None, cloud.MIN_FONT_SIZE, 0, None, 2 + 10, id="no-room"),
    pytest.param(cloud.MIN_FONT_SIZE, None, 0, 0, None, 2, id="no-room-at-the-smallest-size"),
])
def test_fit_finds_the_largest_size_with_room(start, turn, fits_below, turned_fits_below, expected, most_tries):
    tries = []

    def free_spot(size, rotation):
        tries.append((size, rotation))
        return (3, 5) if size < (turned_fits_below if rotation else fits_below) else None

    fit = cloud._fit(free_spot, start, turn)
    assert (fit[:2] if fit else None) == expected
    assert fit is None or fit[2] == (3, 5)
    assert len(tries) <= most_tries, tries
    assert all(size >= cloud.MIN_FONT_SIZE for size, _ in tries)
