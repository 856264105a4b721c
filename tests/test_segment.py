"""segment(): articles, headlines, bylines, captions, repeats and skipped text of a cleaned page."""

from pathlib import Path

import pytest
from other_cities import CHENGDU_GB18030, JIADING_TOWNS, SUZHOU_WEB

from civic.clean import clean
from civic.ingest import detect_encoding
from civic.segment import Page, segment

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"


def _page(name: str) -> tuple[str, Page]:
    text = clean((RAW / name).read_text(encoding="utf-8")).text
    return text, segment(text)


def _check_accounting(text: str, page: Page) -> None:
    """Every visible character is in an article, its extra ranges or the skipped text."""
    covered = set()
    for article in page.articles:
        covered.update(range(article.start, article.end))
        for start, end in article.extra:
            covered.update(range(start, end))
        assert len(article.body) == len(article.body_offsets)
        for char, offset in zip(article.body, article.body_offsets, strict=True):
            assert char == "\n" or text[offset] == char
    for start, end in page.skipped_spans:
        covered.update(range(start, end))
    assert all(char.isspace() for i, char in enumerate(text) if i not in covered)
    assert page.chars_in_articles() <= len(text)


SAMPLE_TITLES = {
    "000_b4e6fb6c89cae77b.txt": [
        "建中街街道 针对问题各个击破,确保创文工作效果提质",
        "人和路街道 针对不同社区,因地制宜开展创建工作",
        "解放路街道 50余名党员志愿者开展“全城清洁”行动",
        "福华街街道 拆除违章建筑,共建美好家园",
        "二七区妇联: 特色品牌项目化运作为妇女儿童撑起“一片天”",  # one feature, subheadings are body
    ],
    "001_e3956309ced81d76.txt": [
        "中原区新时代文明实践中心创新活动形式 线上直播+线下活动 “中原之声”开播",
        "西流湖街道服务群众零距离 便民服务大厅亲民化改造完毕投入使用",
        "秦岭路街道 加强校外培训机构 规范管理",
        "莲湖街道多措并举治理道路环境 整治非机动车乱停放 让市容更有序",
        "林山寨街道 开展精细化 宣传服务日活动",
        "棉纺路街道抓好重难点、做好监管 大气污染防治再发力 让蓝天常在",
    ],
    "002_989d2c805d9ce7a7.txt": [
        "今年,二七区持续深化创文工作 有力提升城市文明程度",
        "五里堡街道 授牌“文明商户”,以多元共治的力量让城市更美好",
        "一马路街道 打造文明社区文化墙",
        "嵩山路街道 创文宣传进社区",
        "解放路街道 集中清理废弃非机动车辆",
        "福华街街道 重点整治市容“四乱”问题",
        "侯寨乡 每周开展全城清洁,力促颜值再提升",
        "大学路街道 “三步走”深化散煤治理宣传工作",
        "二七区 添防尘除霾新武器",
    ],
    "003_59fc856302813e7e.txt": [
        "龙山区向阳街道 创造文明环境",
        "龙山区福镇街道 持续深耕机制建设",
        "龙山区站前街道 强化氛围营造",
        "龙山区新兴街道 “创城”工作落实处 细节突破显成效",
        "西安区安家街道 深入推进“六强化”",
        "西安区富国街道 文明创建在行动",
        "",  # 7 太安街道: numbered caption naming a unit without an article
        "",  # 8 仙城街道
    ],
    "004_321f4b53f0283e20.txt": [
        "管城区 4700 名党员走进网格 认岗定责承包“责任田” 亮出身份领办民生项目",  # headline + subheadline
        "",  # caption with its own photo credit
        "楼栋长的碰头会",
        "中原区开展非遗项目展演",
        "我是创建志愿者",  # the kicker 推进三城联创 改善城市环境 is not in the title
        "“五小”门店评比分级 动态管理确保成效",
        "“网”住焚烧秸秆陋习",
        "上街区举办强党性树形象培训",
        "北下街办事处培育创业孵化基地",
        "",
        "“爱心驿站”初起航 老人康诊传福音",
        "二七区文化创意产业提速发展",
        "",
    ],
}


@pytest.mark.parametrize(("name", "titles"), SAMPLE_TITLES.items(), ids=lambda v: str(v)[:3])
def test_sample_pages_titles_captions_and_accounting(name, titles):
    text, page = _page(name)
    assert [a.title for a in page.articles] == titles
    assert [a.is_caption for a in page.articles] == [not t for t in titles]
    _check_accounting(text, page)


@pytest.mark.parametrize(
    ("name", "title_start", "byline", "body_start"),
    [
        # byline on its own line; 本报讯 is not body
        ("000_b4e6fb6c89cae77b.txt", "建中街街道", "记者 景静", "连日来,建中街街道针对创文工作"),
        # byline glued to the end of the intro paragraph of a feature
        ("000_b4e6fb6c89cae77b.txt", "二七区妇联", "记者 景静 通讯员 杨洁 文/图", "近年来,二七区妇联"),
        # byline split over two lines
        ("001_e3956309ced81d76.txt", "西流湖街道", "记者 张改华 通讯员 王楠 文/图", "2020年以来,西流湖街道"),
        # byline glued to the last paragraph, headline of the next article right after it
        ("001_e3956309ced81d76.txt", "林山寨街道", "记者 张改华", "为了有效解决非机动车"),
        # byline in brackets after 本报讯
        ("004_321f4b53f0283e20.txt", "上街区", "(记者 朱华 通讯员 克东 卜桂平)", "“这几天听了专家的讲座"),
        # byline between headline and body
        ("004_321f4b53f0283e20.txt", "楼栋长", "本报记者 郑磊 通讯员 周爱玲", "楼上漏水了,路上冒水了"),
        # a page intro with a byline printed after the lead article: the byline is the lead article's
        ("002_989d2c805d9ce7a7.txt", "今年,二七区", "记者 景静 通讯员 费晓歌 王莹莹 张国昌 文图", "2018年,二七区始终"),
    ],
)
def test_bylines_and_body_starts(name, title_start, byline, body_start):
    _, page = _page(name)
    (article,) = [a for a in page.articles if a.title.startswith(title_start)]
    assert article.byline == byline
    assert article.body.startswith(body_start)


def test_paragraphs_and_byline_printed_twice_are_recorded_once():
    _, page = _page("001_e3956309ced81d76.txt")
    first = page.articles[0]
    starts = ["希望通过新时代文明实践", "下一步,中原区将以", *["记者 张改华", "通讯员 杨柳茵 文/图"] * 2]
    assert len(first.repeats) == len(starts)
    assert all(r.startswith(s) for r, s in zip(first.repeats, starts, strict=True))
    assert first.body.count("希望通过新时代文明实践以网络直播的形式") == 1
    assert first.byline == "记者 张改华 通讯员 杨柳茵 文/图"
    assert page.articles[1].start > first.end - 1


def test_subheadings_stay_in_the_body_and_slogans_and_intro_are_skipped():
    _, lead_page = _page("002_989d2c805d9ce7a7.txt")
    assert "价值引领,筑牢社会文明根基" in lead_page.articles[0].body
    text, page = _page("003_59fc856302813e7e.txt")
    bodies = "".join(a.body for a in page.articles)
    for slogan in ("共建文明辽源", "戮力同心共“创城”", "树立新风长坚持"):
        assert slogan not in bodies
    assert page.skipped[0] == "群策群力创建“文明城市” 同心同德构建和谐家园(一)"
    assert page.skipped[1].startswith("2022年,我市“创城”工作展现出喜人成果。")


def test_numbered_captions_join_the_article_of_the_unit_they_name():
    _, page = _page("003_59fc856302813e7e.txt")
    by_title = {a.title: a for a in page.articles}
    xiangyang = by_title["龙山区向阳街道 创造文明环境"]
    caption = "向阳街道工作人员开展“创城有我、人人有责”宣传活动,引导辖区居民树立新风、自觉参与创城创建。"
    assert xiangyang.captions == [caption]
    assert caption not in xiangyang.body  # a caption illustrates the article, it is not its body
    assert xiangyang.extra  # the caption is printed at the foot of the page, outside the article's span
    fuguo = by_title["西安区富国街道 文明创建在行动"]
    assert [r[:8] for r in fuguo.repeats] == ["富国街道开展“创"]  # caption 10 repeats caption 9
    assert "生活垃圾桶50个" not in fuguo.body  # caption 9's figures are not the article's
    assert [a.body[:4] for a in page.articles if a.is_caption] == ["太安街道", "仙城街道"]


WEB_ARTICLE = """某某街道开展垃圾分类宣传进社区活动

发布时间:2023-05-12 09:30 来源:某某区融媒体中心

5月10日上午,某某街道组织志愿者30余人走进幸福里社区,开展垃圾分类宣传活动,发放宣传册500份。

活动中,志愿者向居民讲解垃圾分类知识,引导居民养成分类投放的好习惯。

责任编辑:王五"""

CAPTIONS_PAGE = """城事速递

东城街道 开展消防安全演练

本报讯(记者 张三)3月2日,东城街道组织辖区商户开展消防安全演练,50余名商户代表参加。

演练中,消防员讲解了灭火器的使用方法。

3月1日,西城街道志愿者在辖区清理卫生死角。 本报记者 李四 摄

①东城街道商户代表练习使用灭火器。

②南城街道工作人员在社区张贴安全提示。"""


def test_web_article_with_source_lines():
    text = clean(WEB_ARTICLE).text
    page = segment(text)
    (article,) = page.articles
    assert article.title == "某某街道开展垃圾分类宣传进社区活动"
    assert article.body.startswith("5月10日上午,某某街道组织志愿者30余人")
    assert article.body.endswith("引导居民养成分类投放的好习惯。")
    assert article.meta == ["发布时间:2023-05-12 09:30 来源:某某区融媒体中心", "责任编辑:王五"]
    assert not page.skipped
    _check_accounting(text, page)


def test_caption_with_photo_credit_and_circled_caption_list():
    text = clean(CAPTIONS_PAGE).text
    page = segment(text)
    assert [(a.title, a.is_caption, a.byline) for a in page.articles] == [
        ("东城街道 开展消防安全演练", False, "(记者 张三)"),  # 城事速递 above it: kicker, skipped
        ("", True, "本报记者 李四 摄"),
        ("", True, ""),
    ]
    dongcheng, photo, nancheng = page.articles
    assert dongcheng.body.endswith("灭火器的使用方法。")
    assert dongcheng.captions == ["东城街道商户代表练习使用灭火器。"]
    assert photo.body == "3月1日,西城街道志愿者在辖区清理卫生死角。"
    assert nancheng.body == "南城街道工作人员在社区张贴安全提示。"
    assert page.skipped == ["城事速递"]
    _check_accounting(text, page)


def test_crlf_gb18030_style_page():
    raw = ("区街动态\r\n\r\n北城街道\r\n\r\n志愿者清理小广告\r\n\r\n本报讯　１１月２０日，北城街道组织志愿者２００余人"
           "清理小广告，\r\n\r\n共清理１５００处。\r\n\r\n记者　赵六\r\n通讯员　王　楠　文/图\r\n")
    cleaned = clean(raw)
    page = segment(cleaned.text)
    (article,) = page.articles
    assert article.title == "北城街道 志愿者清理小广告"
    assert article.body == "11月20日,北城街道组织志愿者200余人清理小广告,共清理1500处。"
    assert article.byline == "记者 赵六 通讯员 王 楠 文/图"
    assert page.skipped == ["区街动态"]
    source_start = cleaned.offsets[article.body_offsets[0]]
    assert raw[source_start:source_start + 2] == "１１"


@pytest.mark.parametrize(
    ("text", "skipped"),
    [
        ("", []),
        ("创文整治 如火如荼", ["创文整治 如火如荼"]),
        ("创文整治 如火如荼\n\n各单位怎样推进工作? 看这里", ["创文整治 如火如荼", "各单位怎样推进工作? 看这里"]),
        ("记者 景静", ["记者 景静"]),
    ],
)
def test_pages_without_articles(text, skipped):
    page = segment(text)
    assert page.articles == []
    assert page.skipped == skipped
    assert page.chars_in_articles() == 0


def test_single_paragraph_without_headline_is_an_article():
    text = "11月22日上午,解放路街道开展“全城清洁”党员志愿服务行动。"
    (article,) = segment(text).articles
    assert (article.title, article.is_caption, article.start, article.end) == ("", False, 0, len(text))


@pytest.mark.parametrize(
    ("title", "holds", "lacks"),
    [
        # after the slogan 戮力同心共“创城”, two paragraphs naming 福镇街道 continue that article
        ("龙山区福镇街道 持续深耕机制建设", "监督循环长效机制,实现督导进驻一线。", "题的活动。"),
        ("龙山区站前街道 强化氛围营造", "等为主\n题的活动。落实包保责任", "监督循环长效机制"),
        # 积极绿化美化 | 合力共创“文明城” ... | 环境,并在辖区内打造百合花园2处: the latest unfinished article
        ("西安区安家街道 深入推进“六强化”", "积极绿化美化\n环境,并在辖区内打造百合花园2处", "余幅。"),
        # 余幅 continues a number: it stays with 富国街道 (its 宣传板150), not the unfinished 拆除东吉大
        ("西安区富国街道 文明创建在行动", "余幅。社区上门入户宣传的入户率达到100%。", "强化部门联动。"),
    ],
)
def test_text_that_jumped_columns_returns_to_its_article(title, holds, lacks):
    _, page = _page("003_59fc856302813e7e.txt")
    (article,) = [a for a in page.articles if a.title == title]
    assert holds in article.body
    assert lacks not in article.body


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # leads of other papers and agencies, bracketed bylines in 【】
        ("东城街道开展消防演练\n\n本报郑州11月22日讯【记者 张三】东城街道组织商户开展消防演练。",
         ("东城街道开展消防演练", "东城街道组织商户开展消防演练。", "【记者 张三】")),
        ("郑州市开展文明交通劝导\n\n新华社郑州5月12日电(记者 张三)郑州市组织志愿者开展文明交通劝导。",
         ("郑州市开展文明交通劝导", "郑州市组织志愿者开展文明交通劝导。", "(记者 张三)")),
        # decorated byline with colons, between headline and body
        ("楼院换新颜\n\n■记者:张三 通讯员:李四\n\n西城街道完成老旧楼院改造12个。",
         ("楼院换新颜", "西城街道完成老旧楼院改造12个。", "■记者:张三 通讯员:李四")),
        # a headline may exclaim; enumerated points are body, not headlines of new articles
        ("文明城市,我们来了!\n\n本报讯 5月11日上午,东城街道开展活动。"
         "\n\n一是建立台账\n\n二是完善机制\n\n活动取得成效。",
         ("文明城市,我们来了!", "5月11日上午,东城街道开展活动。\n一是建立台账\n二是完善机制\n活动取得成效。", "")),
        # numbered photos that name no unit illustrate the article printed before them
        ("北城街道 清理小广告\n\n本报讯 北城街道组织志愿者清理小广告1500处。"
         "\n\n图①:志愿者在清理小广告。\n\n图② 社区开展宣传。",
         ("北城街道 清理小广告", "北城街道组织志愿者清理小广告1500处。", "")),
    ],
)
def test_other_layouts(text, expected):
    page = segment(clean(text).text)
    assert [(a.title, a.body, a.byline) for a in page.articles] == [expected]


@pytest.mark.parametrize(
    "raw",
    ["本报讯\n0.", "本报讯", "记者 景静\n\n记者 景静", "①\n\n②", "1 \n\n2 ", "。\n\n,", "(记者 张三)", "摄"],
)
def test_odd_fragments_keep_the_accounting(raw):
    text = clean(raw).text
    _check_accounting(text, segment(text))


def test_paragraph_about_an_article_that_broke_off_goes_back_to_it():
    # 003: the 新兴街道 article breaks off at `拆除东吉大`; a later column opens with a paragraph
    # whose subject is 新兴街道, printed inside the 富国街道 article, which it never names.
    _, page = _page("003_59fc856302813e7e.txt")
    by_title = {a.title: a for a in page.articles}
    xinxing = by_title["龙山区新兴街道 “创城”工作落实处 细节突破显成效"]
    fuguo = by_title["西安区富国街道 文明创建在行动"]
    moved = "以为民办实事为契机推动“创城”工作。新兴街道对每个社区指定街道包保领导"
    assert moved in xinxing.body
    assert moved not in fuguo.body


def test_numbered_captions_are_kept_apart_from_the_body():
    text = clean("北城街道 清理小广告\n\n本报讯 北城街道组织志愿者清理小广告1500处。"
                 "\n\n图①:志愿者在清理小广告300处。\n\n图② 社区开展宣传。").text
    (article,) = segment(text).articles
    assert article.captions == ["志愿者在清理小广告300处。", "社区开展宣传。"]
    assert "300处" not in article.body


def test_web_article_from_another_city():
    text = clean(SUZHOU_WEB).text
    page = segment(text)
    (article,) = page.articles
    assert (article.title, article.byline, article.is_caption) == (
        "姑苏区双塔街道:“红色物业”让老旧小区焕新颜", "", False)
    assert article.meta == ["发布时间:2023-06-08 10:21 来源:姑苏区融媒体中心", "责任编辑:周敏"]
    assert article.body.split("\n") == [
        "6月7日上午,双塔街道在锦帆路社区召开老旧小区改造推进会,街道、社区、物业公司和居民代表40余人参加。",
        "今年以来,双塔街道完成老旧小区改造12个,惠及居民3200余户,新增停车泊位260个,加装电梯8部。",
        "下一步,街道将继续推动“红色物业”全覆盖,让居民住得更舒心。",
    ]
    assert not page.skipped
    _check_accounting(text, page)


def test_town_reports_on_a_paper_page():
    text = clean(JIADING_TOWNS).text
    page = segment(text)
    assert [(a.title, a.byline, a.kicker) for a in page.articles] == [
        ("马陆镇 人居环境整治“回头看”", "(记者 陈晨 通讯员 刘洋)", "乡村振兴"),
        ("华亭镇召开垃圾分类推进会", "", ""),
    ]
    malu, huating = page.articles
    assert malu.body.startswith("10月15日,嘉定区马陆镇组织镇村干部")
    assert malu.body.endswith("村民满意率达95%。")
    assert huating.body == ("10月16日,华亭镇召开垃圾分类工作推进会,各村分管负责人参加。"
                            "会议要求各村在月底前完成分类投放点改造。")
    assert page.skipped == ["乡村振兴"]
    _check_accounting(text, page)


def test_gb18030_page_decoded_cleaned_and_segmented():
    encoding = detect_encoding(CHENGDU_GB18030)
    assert encoding.lower().replace("-", "") in ("gb18030", "gbk")
    text = clean(CHENGDU_GB18030.decode("gb18030")).text
    page = segment(text)
    (article,) = page.articles
    assert (article.title, article.byline) == ("锦江区 春熙路街道开展文明劝导", "记者 李雪 通讯员 张强")
    assert article.body == ("3月12日,春熙路街道组织志愿者80余名在商圈开展文明劝导,"
                            "劝导不文明行为320余起,发放倡议书1500份。")
    _check_accounting(text, page)
