"""civic.columns: text that the layout carried into another column goes back to its article."""

import pytest

from civic.clean import clean
from civic.columns import _may_continue, _opens_mid_sentence
from civic.metrics import extract_metrics
from civic.segment import segment


@pytest.mark.parametrize(("text", "after_jump", "expected"), [
    ("题的活动。落实包保责任,全面推进工作。", False, True),  # a sentence of four characters or less
    ("余幅。社区上门入户宣传的入户率达到100%。", False, True),
    (",大家撸起袖子加油干。", False, True),  # punctuation that cannot open a paragraph
    ("据了解,街道今年新建停车位200个。", False, False),  # a short clause may open a paragraph
    ("目前,活动已开展12场。", False, False),
    ("环境,并在辖区内打造百合花园2处。", False, False),
    ("环境,并在辖区内打造百合花园2处。", True, True),  # right after a slogan: the tail of a sentence
    ("", False, False),
])
def test_opens_mid_sentence(text, after_jump, expected):
    assert _opens_mid_sentence(text, after_jump=after_jump) is expected


# 洛阳, two reports on one page: the first breaks off mid-sentence (`清理卫生死`) and its last
# paragraph, about 春都路街道, is printed inside the second article, which never names its own unit there.
BROKEN_PAGE = "\n\n".join([
    "春都路街道 集中整治背街小巷",
    "本报讯 5月6日,春都路街道组织干部职工60余人对辖区背街小巷开展集中整治,清理卫生死",
    "丽新路街道 文明劝导进商圈",
    "本报讯 5月7日,丽新路街道组织志愿者在商圈开展文明劝导,发放宣传单800份。",
    "以精细管理巩固整治成果。春都路街道为每条背街小巷明确一名巷长,建立问题台账。",
    "活动中,丽新路街道志愿者还为商户讲解了门前三包要求。",
])


def test_paragraph_whose_subject_broke_off_returns_to_its_article():
    page = segment(clean(BROKEN_PAGE).text)
    chundu, lixin = page.articles
    assert chundu.body.endswith("以精细管理巩固整治成果。春都路街道为每条背街小巷明确一名巷长,建立问题台账。")
    assert chundu.extra  # printed outside its own span
    assert "春都路" not in lixin.body
    assert lixin.body.endswith("活动中,丽新路街道志愿者还为商户讲解了门前三包要求。")


# 济南, as segment receives it when the cleaner keeps column breaks: the first article breaks off at
# `拆除经十大`, the second at `展板120`; the foot of the second column holds the rest of both.
TWO_BROKEN_COLUMNS = "\n\n".join([
    "燕山街道 开展户外广告专项整治",
    "本报讯 今年以来,燕山街道共拆除违法广告牌45处,拆除经十大",
    "姚家街道 文明宣传全覆盖",
    "本报讯 姚家街道在辖区主干道设置宣传展板120",
    "路、历山路沿线破损广告牌32个。燕山街道还对沿街门头进行了规范。",
    "余块,入户发放倡议书3000份。",
])


@pytest.mark.parametrize(("before", "after", "expected"), [
    ("宣传板150", "余幅。", True),
    ("宣传板150", "平方米的墙面", True),  # a unit of measure
    ("宣传板150", "环境,并在辖区内", False),  # a number is not continued by a word
    ("积极绿化美化", "余幅。", False),  # only a number is continued by 余
    ("积极绿化美化", "环境,并在辖区内", True),
])
def test_may_continue(before, after, expected):
    assert _may_continue(before, after) is expected


def test_list_item_tail_completes_the_word_cut_at_a_column_foot():
    yanshan, yaojia = segment(TWO_BROKEN_COLUMNS).articles
    assert yanshan.body.endswith("拆除经十大\n路、历山路沿线破损广告牌32个。燕山街道还对沿街门头进行了规范。")
    assert yaojia.body == "姚家街道在辖区主干道设置宣传展板120\n余块,入户发放倡议书3000份。"
    assert [m.span for m in extract_metrics(yaojia.body)] == ["120\n余块", "3000份"]
