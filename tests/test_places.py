"""Places of an article: streets, communities, district / city / province, homonyms, corpus refinement.

Inputs are excerpts of the five sample pages (Zhengzhou, Liaoyuan) and invented articles from
other cities; expected values are official names (管城回族区 for 管城区, 侯寨街道 for 侯寨乡).
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civic.places import PlaceContext, locate, refine_with_corpus

ZZ = PlaceContext(paper_city="郑州市")
LY = PlaceContext(paper_city="辽源市")
NONE = PlaceContext()
# Characters that make names, suffixes, boundaries and noise, for the property test.
ALPHABET = list("街道办事处镇乡村社区市区县省郑州二七向阳“”,。、 \n0123456789管城回族苏木各该") + ["\u3000", "\x00"]

CASES = [
    # id, title, text, context, (street, district, city, province), places as (level, name) in order
    pytest.param(
        "建中街街道 针对问题各个击破,确保创文工作效果提质",
        "本报讯 连日来,建中街街道针对创文工作的难点和重点,上下联动、各个击破。"
        "尤其侧重发现老旧楼院内、背街小巷以及沿街门店。",
        ZZ, ("建中街街道", "二七区", "郑州市", "河南省"),
        [("street", "建中街街道"), ("district", "二七区"), ("city", "郑州市"), ("province", "河南省")],
        id="sample-street-in-title"),
    pytest.param(
        "福华街街道 拆除违章建筑,共建美好家园",
        "本报讯 11月19日上午,福华街街道七一三社区党支部组织社区党员志愿者、社区工作人员开展专项行动。",
        ZZ, ("福华街街道", "二七区", "郑州市", "河南省"),
        [("street", "福华街街道"), ("community", "七一三社区"), ("district", "二七区"), ("city", "郑州市"),
         ("province", "河南省")],
        id="sample-community-after-street"),
    pytest.param(
        "中原区新时代文明实践中心创新活动形式 线上直播+线下活动",
        "本报讯 为提升新时代文明实践学雷锋志愿服务活动实效,中原区积极探索活动载体。"
        "2月5日,中原区新时代文明实践中心开播。本次直播活动邀请到了郑州市五星级志愿者、建设路街道志愿服务站站长王娟娟。",
        ZZ, ("", "中原区", "郑州市", "河南省"),
        [("district", "中原区"), ("city", "郑州市"), ("province", "河南省")],
        id="sample-employer-in-passing"),
    pytest.param(
        "侯寨乡 每周开展全城清洁,力促颜值再提升",
        "为改善辖区群众居住环境,连日来,侯寨乡各部门围绕“全城清洁”活动目标。11月30日,侯寨乡组织各村(社区)、商户进行清洁。",
        ZZ, ("侯寨街道", "二七区", "郑州市", "河南省"),
        [("street", "侯寨街道"), ("district", "二七区"), ("city", "郑州市"), ("province", "河南省")],
        id="sample-historical-suffix"),
    pytest.param(
        "龙山区向阳街道 创造文明环境",
        "10月8日上午,在龙山新城小区的小广场上,向阳街道工作人员向市民发放印有“创城”知识的扇子。向阳街道对辖区范围内的辽河大路沿线"
        "零售商户进行督查,利用街道办事处便民服务中心LED显示屏开展宣传。",
        NONE, ("向阳街道", "龙山区", "辽源市", "吉林省"),
        [("street", "向阳街道"), ("district", "龙山区"), ("city", "辽源市"), ("province", "吉林省")],
        id="sample-homonym-district-printed"),
    pytest.param(
        "向阳街道 创造文明环境", "向阳街道工作人员向市民发放扇子。", LY,
        ("向阳街道", "龙山区", "辽源市", "吉林省"),
        [("street", "向阳街道"), ("district", "龙山区"), ("city", "辽源市"), ("province", "吉林省")],
        id="homonym-by-paper-city"),
    pytest.param(
        "向阳街道 创造文明环境", "向阳街道工作人员向市民发放扇子。", NONE,
        ("向阳街道", "", "", ""), [("street", "向阳街道")],
        id="homonym-without-context-left-open"),
    pytest.param(
        "管城区 4700 名党员走进网格 认岗定责承包“责任田”",
        "“机关在职党员来到社区居民群众当中。”深秋时节,走进管城区东大街办事处鼎新街社区,居民群众赞不绝口。到目前为止,"
        "管城区4700多名机关在职党员纷纷到居住地社区报到。",
        ZZ, ("", "管城回族区", "郑州市", "河南省"),
        [("street", "东大街街道"), ("community", "鼎新街社区"), ("district", "管城回族区"), ("city", "郑州市"),
         ("province", "河南省")],
        id="sample-district-article-alias"),
    pytest.param(
        "北下街办事处培育创业孵化基地", "近日,北下街办事处依托辖区资源,培育创业孵化基地33家。", ZZ,
        ("北下街街道", "管城回族区", "郑州市", "河南省"),
        [("street", "北下街街道"), ("district", "管城回族区"), ("city", "郑州市"), ("province", "河南省")],
        id="sample-office-form"),
    pytest.param(
        "楼栋长的碰头会", "在六合苑社区,楼栋长们每天一次碰头。", ZZ, ("", "", "郑州市", "河南省"),
        [("community", "六合苑社区"), ("city", "郑州市"), ("province", "河南省")],
        id="sample-only-community-paper-city"),
    pytest.param(
        "", "昨日,花园口镇邀请市第七人民医院专家团队为京水村村民进行免费体检。", ZZ,
        ("花园口镇", "惠济区", "郑州市", "河南省"),
        [("street", "花园口镇"), ("community", "京水村"), ("district", "惠济区"), ("city", "郑州市"),
         ("province", "河南省")],
        id="sample-caption-town-and-village"),
    pytest.param(
        "朝阳区望京街道开展垃圾分类宣传", "本报讯 近日,北京市朝阳区望京街道组织志愿者50余人开展垃圾分类宣传。", NONE,
        ("望京街道", "朝阳区", "北京市", "北京市"),
        [("street", "望京街道"), ("district", "朝阳区"), ("city", "北京市"), ("province", "北京市")],
        id="beijing-municipality"),
    pytest.param(
        "", "11月5日,呼家楼街道金台里社区组织居民清理楼道杂物。", PlaceContext(paper_city="北京市"),
        ("呼家楼街道", "朝阳区", "北京市", "北京市"),
        [("street", "呼家楼街道"), ("community", "金台里社区"), ("district", "朝阳区"), ("city", "北京市"),
         ("province", "北京市")],
        id="beijing-community"),
    pytest.param(
        "天河区石牌街道 整治背街小巷", "本报讯 石牌街道对辖区背街小巷进行集中整治。", PlaceContext(paper_city="广州市"),
        ("石牌街道", "天河区", "广州市", "广东省"),
        [("street", "石牌街道"), ("district", "天河区"), ("city", "广州市"), ("province", "广东省")],
        id="guangzhou"),
    pytest.param(
        "武侯区玉林街道 文明创建", "玉林街道办事处联合社区工作人员开展环境整治。", PlaceContext(paper_city="成都市"),
        ("玉林街道", "武侯区", "成都市", "四川省"),
        [("street", "玉林街道"), ("district", "武侯区"), ("city", "成都市"), ("province", "四川省")],
        id="chengdu-office-form"),
    pytest.param(
        "天荒坪镇 美丽乡村再提升", "近日,天荒坪镇组织党员干部深入余村开展人居环境整治,美丽乡村建设再上台阶。", NONE,
        ("天荒坪镇", "安吉县", "湖州市", "浙江省"),
        [("street", "天荒坪镇"), ("community", "余村"), ("district", "安吉县"), ("city", "湖州市"),
         ("province", "浙江省")],
        id="zhejiang-town-and-village"),
    pytest.param(
        "东风路办事处 爱心驿站初起航", "10月中旬,东风路办事处为科技市场社区的老人进行免费康诊。",
        PlaceContext(page_text="金水区各街道积极推进创建工作。", paper_city="郑州市"),
        ("东风路街道", "金水区", "郑州市", "河南省"),
        [("street", "东风路街道"), ("community", "科技市场社区"), ("district", "金水区"), ("city", "郑州市"),
         ("province", "河南省")],
        id="homonym-in-paper-city-by-page"),
    pytest.param(
        "金水区明月街道开展活动", "金水区明月街道组织志愿者清理小广告。", NONE,
        ("明月街道", "金水区", "郑州市", "河南省"),
        [("street", "明月街道"), ("district", "金水区"), ("city", "郑州市"), ("province", "河南省")],
        id="unknown-street-printed-after-district"),
    pytest.param(
        "", "街道工作人员对辽河大路沿线商户开展检查,社区工作人员入户宣传,背街小巷焕然一新。", LY,
        ("", "", "辽源市", "吉林省"), [("city", "辽源市"), ("province", "吉林省")],
        id="false-positives-only"),
    pytest.param(
        "", "长治久安,平安街道创建活动邀请来宾参加。", NONE, ("", "", "", ""), [],
        id="words-that-look-like-places"),
    pytest.param(
        "天荒坪镇 美丽乡村再提升", "近日,天荒坪镇开展人居环境整治。活动中,余村党支部书记介绍了经验。", NONE,
        ("天荒坪镇", "安吉县", "湖州市", "浙江省"),
        [("street", "天荒坪镇"), ("district", "安吉县"), ("city", "湖州市"), ("province", "浙江省")],
        id="village-as-an-affiliation"),
    pytest.param(
        "", "孝义街道组织志愿者清理小广告。", PlaceContext(paper_city="巩义市"),
        ("孝义街道", "巩义市", "郑州市", "河南省"),
        [("street", "孝义街道"), ("district", "巩义市"), ("city", "郑州市"), ("province", "河南省")],
        id="county-level-paper"),
    pytest.param(
        "金台里社区:楼道清理一新", "居民们自发清理楼道杂物。", PlaceContext(paper_city="北京市"),
        ("", "", "北京市", "北京市"), [("community", "金台里社区"), ("city", "北京市"), ("province", "北京市")],
        id="community-only-in-title"),
    pytest.param(
        "城市街道干净整洁 背街小巷换新颜", "主要街道全面清扫。", NONE, ("", "", "", ""), [],
        id="街道-as-a-common-noun-in-title"),
    pytest.param(
        "明月街道: 开展文明劝导", "志愿者上路劝导。", NONE, ("明月街道", "", "", ""), [("street", "明月街道")],
        id="unknown-street-as-title-label"),
    pytest.param(
        "江北区创文工作再提速", "近日,江北区召开创文推进会,观音桥街道、华新街街道负责人参加会议。",
        PlaceContext(paper_city="重庆市"),
        ("", "两江新区", "重庆市", "重庆市"),
        [("street", "观音桥街道"), ("street", "华新街街道"), ("district", "两江新区"), ("city", "重庆市"),
         ("province", "重庆市")],
        id="former-county-name-shared-with-another-city"),
    pytest.param(
        "襄樊市樊城区开展文明劝导", "襄樊市樊城区组织志愿者开展文明交通劝导。", NONE,
        ("", "樊城区", "襄阳市", "湖北省"),
        [("district", "樊城区"), ("city", "襄阳市"), ("province", "湖北省")],
        id="historical-city-name"),
]


@pytest.mark.parametrize(("title", "text", "context", "fields", "places"), CASES)
def test_locate(title, text, context, fields, places):
    located = locate(title, text, context)
    assert (located.street, located.district, located.city, located.province) == fields
    assert [(p.level, p.name) for p in located.places] == places


@pytest.mark.parametrize(("title", "text", "context", "fields", "places"), CASES)
def test_offsets_point_at_the_surface(title, text, context, fields, places):
    for place in locate(title, text, context).places:
        if place.start is not None:
            assert text[place.start:place.end] == place.surface
            assert place.field == "text"
        else:
            assert place.field in ("title", "gazetteer")


@pytest.mark.parametrize(("title", "text", "context", "fields", "places"), CASES)
def test_texts_made_of_their_pages_lines_are_located_as_when_matched_alone(title, text, context, fields, places):
    # A body or title made of whole lines of its page takes their matches from the page's; a text
    # the page does not have so is matched itself. Both pages name the same places (the byline
    # none, the title's line with a full stop the title's), so they give the same evidence.
    body = text + "\n本报记者 张三"
    shared = "\n\n".join([context.page_text, *title.split(" "), *text.split("\n"), "本报记者 张三"])
    apart = "\n\n".join([context.page_text, title + "。", *text.split("\n")])
    assert locate(title, body, PlaceContext(shared, context.paper_city)) == locate(
        title, body, PlaceContext(apart, context.paper_city))


def test_printed_form_kept_beside_official_name():
    located = locate("", "管城区东大街办事处鼎新街社区开展活动。", ZZ)
    rows = {p.level: (p.name, p.surface, p.start, p.end, p.code) for p in located.places}
    assert rows["street"] == ("东大街街道", "东大街办事处", 3, 9, "410104005000")
    assert rows["district"] == ("管城回族区", "管城区", 0, 3, "410104")
    assert rows["city"] == ("郑州市", "", None, None, "410100")  # inferred from the hierarchy


def test_place_only_in_title_has_no_offsets():
    located = locate("人和路街道", "街道多次召开创文工作推进会。", ZZ)
    street = located.places[0]
    assert (street.name, street.surface, street.start, street.end, street.field) == (
        "人和路街道", "人和路街道", None, None, "title")


def test_empty_article():
    assert locate("", "", NONE).places == []


# --- corpus refinement -----------------------------------------------------------------------

def _tables(streets: list[tuple[str, str, str, str, str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    articles = pd.DataFrame(streets, columns=["article_id", "street", "district", "city", "province"])
    places = pd.DataFrame(
        [{"article_id": a, "level": "street", "name": s, "surface": s, "start": 0, "end": len(s), "code": ""}
         for a, s, *_ in streets if s],
        columns=["article_id", "level", "name", "surface", "start", "end", "code"],
    ).astype({"start": "Int64", "end": "Int64"})
    return articles, places


LIAOYUAN_DOMINATES = [
    ("a1", "向阳街道", "", "", ""),  # a street of many cities; most articles are about 辽源市, which has one
    ("a2", "福镇街道", "龙山区", "辽源市", "吉林省"),
    ("a3", "站前街道", "龙山区", "辽源市", "吉林省"),
    ("a4", "人和路街道", "二七区", "郑州市", "河南省"),
]


def test_refine_resolves_ambiguous_street_by_dominant_city():
    articles, places = _tables(LIAOYUAN_DOMINATES)
    before = (articles.copy(), places.copy())
    new_articles, new_places = refine_with_corpus(articles, places)
    assert new_articles.loc[0, ["district", "city", "province"]].tolist() == ["龙山区", "辽源市", "吉林省"]
    assert new_articles.loc[1:].equals(articles.loc[1:])
    a1 = new_places[new_places["article_id"] == "a1"]
    assert a1[["level", "name", "code"]].values.tolist() == [
        ["street", "向阳街道", "220402008000"], ["district", "龙山区", "220402"], ["city", "辽源市", "220400"],
        ["province", "吉林省", "220000"]]
    pd.testing.assert_frame_equal(articles, before[0])  # inputs untouched
    pd.testing.assert_frame_equal(places, before[1])
    again = refine_with_corpus(articles, places)
    pd.testing.assert_frame_equal(again[0], new_articles)
    pd.testing.assert_frame_equal(again[1], new_places)


def test_refine_leaves_what_the_corpus_cannot_tell():
    articles, places = _tables([
        ("a1", "向阳街道", "", "", ""),
        ("a2", "建中街街道", "二七区", "郑州市", "河南省"),  # no 向阳街道 in 郑州, nothing dominates it
    ])
    new_articles, new_places = refine_with_corpus(articles, places)
    pd.testing.assert_frame_equal(new_articles, articles)
    pd.testing.assert_frame_equal(new_places, places)


def test_refine_keeps_other_columns_and_missing_values():
    articles = pd.DataFrame({
        "article_id": ["a1", "a2", "a3"], "source": ["p1.txt", "p1.txt", "p2.txt"],
        "street": ["向阳街道", pd.NA, "站前街道"], "district": ["", pd.NA, "龙山区"],
        "city": ["", pd.NA, "辽源市"], "province": ["", pd.NA, "吉林省"]}).astype("str")
    places = _tables([("a1", "向阳街道", "", "", "")])[1]
    new_articles, _ = refine_with_corpus(articles, places)
    assert list(new_articles.columns) == list(articles.columns)
    assert new_articles["district"].tolist()[0] == "龙山区"
    assert new_articles["source"].tolist() == ["p1.txt", "p1.txt", "p2.txt"]


@settings(max_examples=150, deadline=None)
@given(title=st.text(alphabet=ALPHABET, max_size=30), text=st.text(alphabet=ALPHABET, max_size=200),
       paper_city=st.sampled_from(["", "郑州市", "辽源", "市", "nowhere"]))
def test_locate_never_raises_and_offsets_hold(title, text, paper_city):
    located = locate(title, text, PlaceContext(page_text=text, paper_city=paper_city))
    for place in located.places:
        if place.start is not None:
            assert text[place.start:place.end] == place.surface


def test_refine_with_given_corpus_counts_equals_refine_over_the_whole_corpus():
    articles, places = _tables(LIAOYUAN_DOMINATES)
    whole = refine_with_corpus(articles, places)
    counts = {"cities": Counter({"辽源市": 2, "郑州市": 1}), "provinces": Counter({"吉林省": 2, "河南省": 1})}
    only = refine_with_corpus(articles.iloc[:1], places[places["article_id"] == "a1"], **counts)
    pd.testing.assert_frame_equal(only[0], whole[0].iloc[:1])
    pd.testing.assert_frame_equal(only[1].reset_index(drop=True),
                                  whole[1][whole[1]["article_id"] == "a1"].reset_index(drop=True))
