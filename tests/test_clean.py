"""clean(): character normalisation, spaces, column re-joining, and the offset map."""

import unicodedata
from pathlib import Path

import pytest

from civic.clean import clean, ends_paragraph, should_join

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
PAGES = sorted(RAW.glob("*.txt"))


def _check_offsets(original: str, cleaned) -> None:
    assert len(cleaned.offsets) == len(cleaned.text) + 1
    assert cleaned.offsets[-1] == len(original)
    assert cleaned.offsets[:-1] == sorted(cleaned.offsets[:-1])
    for char, offset in zip(cleaned.text, cleaned.offsets, strict=False):
        source = original[offset]
        assert char in (source, unicodedata.normalize("NFKC", source)) or char in " \n", (char, source, offset)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # line ends and invisible characters
        ("标题\r\n\r\n本报讯 正文。\r\n", "标题\n\n本报讯 正文。"),
        ("标题\r\r本报讯 正文。", "标题\n\n本报讯 正文。"),
        ("志愿者\x00200余人。", "志愿者200余人。"),
        ("志\u200b愿\u200d者\ufeff200余人。", "志愿者200余人。"),
        # full-width digits and letters become ASCII
        ("志愿者２００余人,ＬＥＤ屏。", "志愿者200余人,LED屏。"),
        # full-width punctuation folds to the half-width forms the sample pages print
        ("连日来，建中街街道（二七区）：整改率９０％！", "连日来,建中街街道(二七区):整改率90%!"),
        # kept as printed: circled numbers, ellipsis, square metres, superscripts
        ("①向阳街道开展活动……拆除1000㎡,100m²。", "①向阳街道开展活动……拆除1000㎡,100m²。"),
        # PDF-style Kangxi radical and compatibility ideograph become ordinary ideographs
        ("⼯作人员", "工作人员"),
        # spaces: ideographic space, tabs, runs, stripped lines, blank-line runs
        ("创文整治\u3000如火如荼\n\n\n\n\n本报讯\t\t连日来。", "创文整治 如火如荼\n\n本报讯 连日来。"),
        ("  \n 标题 \n \n \n第一段正文,说明活动的时间、地点和内容。 \n",
         "标题\n\n第一段正文,说明活动的时间、地点和内容。"),
        ("", ""),
        ("   \n\n \r\n", ""),
    ],
)
def test_characters_and_spaces(raw, expected):
    cleaned = clean(raw)
    assert cleaned.text == expected
    _check_offsets(raw, cleaned)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # real breaks from the sample pages: re-joined
        ("利用喷壶、除胶剂、铲子等工具全面\n\n清理墙面及楼道内顽固小广告;劝导院门口的占道经营。",
         "利用喷壶、除胶剂、铲子等工具全面清理墙面及楼道内顽固小广告;劝导院门口的占道经营。"),
        ("同时增设非机动车停车位;对院内草坪、缺株死\n\n\n\n株的种植新的花草。",
         "同时增设非机动车停车位;对院内草坪、缺株死株的种植新的花草。"),
        ("来到人流密集的主干道、地铁口、小区院内、街心花\n\n园,大家撸起袖子。",
         "来到人流密集的主干道、地铁口、小区院内、街心花园,大家撸起袖子。"),
        # an open 《 or “ cannot end a paragraph
        ("以贯彻实施《郑州市文明行为促进条\n\n例》为抓手,持续深化“七进”活动。",
         "以贯彻实施《郑州市文明行为促进条例》为抓手,持续深化“七进”活动。"),
        # the break falls inside a word (严|格, 目|前)
        ("在整治工作中,莲湖街道严\n\n格落实属地责任,在居民区设点。",
         "在整治工作中,莲湖街道严格落实属地责任,在居民区设点。"),
        ("六合苑社区负责人介绍说,目\n\n前社区已上岗了20多名楼栋长。",
         "六合苑社区负责人介绍说,目前社区已上岗了20多名楼栋长。"),
        # a paragraph cannot open with a four-character sentence
        ("抓好任务重难点,尽早淘汰\n\n落后产能。对辖区进行拉网式排查。",
         "抓好任务重难点,尽早淘汰落后产能。对辖区进行拉网式排查。"),
        # a hard-wrapped web article (single newlines) is re-joined too
        ("此次行动开展前期,社区组织党员志愿者和工作人员全面排查小区违章建筑,登记造\n册,通过宣传展板广泛宣传。",
         "此次行动开展前期,社区组织党员志愿者和工作人员全面排查小区违章建筑,登记造册,通过宣传展板广泛宣传。"),
        # a figure cut from its unit at a column end
        ("分发宣传资料400余份,直挂宣传板150\n\n余幅。社区上门入户宣传的入户率达到100%。",
         "分发宣传资料400余份,直挂宣传板150余幅。社区上门入户宣传的入户率达到100%。"),
        ("今年以来,街道组织干部职工,累计清理垃圾3\n\n万余吨,拆除违建45处。",
         "今年以来,街道组织干部职工,累计清理垃圾3万余吨,拆除违建45处。"),
        # Latin words keep a space when re-joined
        ("利用辖区广告屏和宣传栏,滚动播放标语,使用 LED\nscreen 宣传。",
         "利用辖区广告屏和宣传栏,滚动播放标语,使用 LED screen 宣传。"),
    ],
)
def test_broken_sentences_are_rejoined(raw, expected):
    cleaned = clean(raw)
    assert cleaned.text == expected
    _check_offsets(raw, cleaned)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # enumerated points stay lines of their own
        ("二是完善机制", "活动取得成效。"),
        # kicker, headline, lead: a short unpunctuated line before a paragraph is a headline
        ("建中街街道", "针对问题各个击破,确保创文工作效果提质"),
        ("针对问题各个击破,确保创文工作效果提质", "本报讯 连日来,建中街街道针对创文工作的难点和重点。"),
        ("价值引领,筑牢社会文明根基", "二七区始终将培育和弘扬社会主义核心价值观贯穿于文明城市创建工作的全过程。"),
        ("巾帼健身示范站项目,丰富妇女精神文化生活", "区妇联在辖区内选取4个社区的健身广场设立了健身示范站。"),
        # finished paragraphs and intros ending with a colon
        ("确保所有问题高标准及时整改到位。", "针对问题各个击破。为确保问题全部整改到位。"),
        ("二七区妇联:", "特色品牌项目化运作为妇女儿童撑起“一片天”"),
        # bylines, split over two lines or glued to the last paragraph
        ("记者 张改华", "通讯员 杨柳茵 文/图"),
        ("营造整齐、规范、有序、文明的市容市貌环境。记者 张改华",
         "棉纺路街道抓好重难点、做好监管 大气污染防治再发力 让蓝天常在"),
        ("做到“严防死守”。", "记者 景静"),
        # running text interrupted by a slogan printed between columns
        ("今年,向阳街道新增公益广告牌165块,温馨提醒", "共建文明辽源"),
        # a figure is never continued by text that is not its unit: that text jumped columns
        ("进一步增加各小区公益广告的数量,直挂社会主义核心价值观宣传板150",
         "路、辽河大路沿线挂框39个,拆除违法广告牌6个。"),
        # numbered captions
        ("1 向阳街道工作人员开展宣传活动,引导辖区居民树立新风", "2 福镇街道组织相关部门人员走访。"),
    ],
)
def test_paragraphs_and_headlines_stay_apart(before, after):
    assert not should_join(before, after)
    assert clean(f"{before}\n\n{after}").text == f"{before}\n\n{after}"


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("全面清理墙面。", True),
        ("他说:“一定要管好。”", True),
        ("《条例》施行后,市民反映良好!)”", True),
        ("宣传册3000余册", False),
        ("“文明使者”", False),
        ("。”", True),
        ("”", False),
        ("", False),
    ],
)
def test_ends_paragraph_looks_past_closing_quotes(block, expected):
    assert ends_paragraph(block) is expected


def test_gb18030_style_page_with_crlf_keeps_offsets():
    raw = ("创文整治\u3000如火如荼\r\n\r\n福华街街道\r\n\r\n本报讯　１１月１９日上午，福华街街道开展专项行动，"
           "共拆除违建３处，为辖区\r\n\r\n居民营造整洁环境。\r\n\r\n记者　景静")
    cleaned = clean(raw)
    assert cleaned.text == ("创文整治 如火如荼\n\n福华街街道\n\n本报讯 11月19日上午,福华街街道开展专项行动,"
                            "共拆除违建3处,为辖区居民营造整洁环境。\n\n记者 景静")
    _check_offsets(raw, cleaned)
    assert raw[cleaned.offsets[cleaned.text.index("居民")]:].startswith("居民")


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name[:3])
def test_sample_pages_keep_a_complete_offset_map(path):
    raw = path.read_text(encoding="utf-8")
    cleaned = clean(raw)
    _check_offsets(raw, cleaned)
    assert "\n\n\n" not in cleaned.text


def test_sample_page_paragraph_broken_over_blank_lines_is_one_paragraph():
    cleaned = clean((RAW / "000_b4e6fb6c89cae77b.txt").read_text(encoding="utf-8"))
    assert "工具全面清理墙面及楼道内顽固小广告" in cleaned.text
    assert "建中街街道\n\n针对问题各个击破,确保创文工作效果提质\n\n本报讯" in cleaned.text
