"""Themes: multi-label, only when the article is substantially about the theme."""

from pathlib import Path

import pytest

from civic.themes import (
    THEME_IDS,
    TaxonomyError,
    ThemeHit,
    classify,
    load_taxonomy,
    theme_labels,
    theme_scores,
)

AIR = (
    "棉纺路街道抓好重难点、做好监管 大气污染防治再发力 让蓝天常在",
    "本报讯 近日,棉纺路街道认真贯彻落实,扎实推进蓝天保卫战,以更大的决心、更大的力度、"
    "更坚决的措施确保大气污染防治取得成效。"
    "抓好任务重难点,尽早淘汰落后产能。对辖区进行拉网式排查(尤其是工地),对使用未挂牌、不达标非道路移动机械一经发现,"
    "要求立即撤出工地现场,并要求工地负责人签订承诺书,保证不使用冒黑烟、高排放非道路移动机械。"
    "做好属地监管责任。严格按照日查、夜查、晨查的工作模式,切实发挥属地职责,建立帮包责任人、环保网格员、工地负责人周联席会议制度,"
    "及时调度部署落实推进大气污染防治各项工作。",
)
DEMOLITION_WITH_PASSING_VOLUNTEERS = (
    "福华街街道 拆除违章建筑,共建美好家园",
    "本报讯 11月19日上午,福华街街道七一三社区党支部组织社区党员志愿者、社区工作人员开展"
    "“拆除违章建筑,共建美好家园”专项行动。"
    "此次专项行动开展前期,社区组织党员志愿者和工作人员全面排查小区违章建筑,登记造册,通过宣传展板、入户发放拆除违建通知等形式,"
    "广泛宣传动员居民积极配合拆除违建。特别是辖区党员率先垂范,发挥先锋模范作用,带头自拆,为邻里树立榜样,极大地推动了拆违工作的顺利开展。"
    "此次专项行动共拆除辖区护栏围挡、临建等3处违建。下一步,街道将继续加大对私搭乱建的查处力度,确保辖区内私搭乱建实现零增长。",
)
PARKING_AND_ORDER = (
    "莲湖街道多措并举治理道路环境 整治非机动车乱停放 让市容更有序",
    "本报讯 2月3日,莲湖街道组织召开非机动车停放(市容)管理秩序任务推进会。"
    "此次整治将覆盖辖区居民区、公交站点,并延伸至沿街商户。"
    "已签订“门前三包”责任书的,按“门前三包”要求落实责任。建立文明交通快速处置微信工作群,对居民区、沿街商户非机动车乱停放、"
    "商家跨线经营等问题进行不间断巡逻和文明劝导。1月份以来,莲湖街道联合交警开展乱停车专项整治4次,劝导整治机动车乱停放125辆,"
    "增设非机动车停放处4处;开展“僵尸车”专项清理整治8次。",
)
# another city, another paper: 杭州 garbage sorting with a volunteer paragraph
GARBAGE_SORTING = (
    "米市巷街道 垃圾分类进小区 志愿者桶边督导",
    "本报讯 连日来,拱墅区米市巷街道在辖区12个小区推行垃圾分类“定时定点”投放,撤除楼道垃圾桶,新建分类投放点18处。"
    "街道组织志愿者每天早晚在投放点桶边值守,指导居民把厨余垃圾和其他垃圾分开投放,对混投的垃圾进行二次分拣,"
    "并联合物业清运公司每日清运,保持投放点周边环境卫生整洁。目前小区垃圾分类准确率提升到85%以上。",
)
# 成都: a volunteer publicity morning; volunteers are the actors, named once in the lead and once after
VOLUNTEERS_AS_ACTORS = (
    "玉林街道 文明养犬宣传进小区",
    "本报讯 3月16日上午,武侯区玉林街道组织辖区志愿者来到芳草社区,向居民讲解文明养犬知识,"
    "发放《文明养犬倡议书》和宣传手册,现场为32只犬只登记。"
    "活动中,志愿者还提醒养犬居民出门牵绳、及时清理犬只粪便,营造文明和谐的居住环境。",
)
# 西安: organised party members are not a theme by themselves; the lead-paragraph scene is
ORGANISED_PARTY_MEMBERS = (
    "张家堡街道 清理楼道杂物",
    "本报讯 4月2日,未央区张家堡街道组织机关党员干部深入凤城社区,对老旧小区楼道内堆放的杂物、"
    "垃圾进行集中清理,清运垃圾12车。居民纷纷表示,楼道干净了,出行也安全了。",
)
# 长沙: the stock heading 强化组织领导 and a 领导小组 are governance; 硬件 is facilities
ORGANISATION_AND_HARDWARE = (
    "东塘街道 补齐短板创文明",
    "本报讯 近日,雨花区东塘街道多措并举推进文明城市创建。"
    "强化组织领导。街道成立创建工作领导小组,将任务分解到各社区网格,每周督办问题清单。"
    "补齐“硬件”短板。街道为3个老旧小区更换路灯46盏,修补破损路面1200平方米,完善无障碍设施,"
    "逐步补齐“硬件”设施短板。",
)
CAPTION = ("", "7 太安街道结合辖区广场、道路等醒目地点,将“创城”宣传展板融入周边环境,"
               "让“文明之花”绽放在辖区居民群众生产生活中。")


@pytest.mark.parametrize(("article", "expected"), [
    (AIR, ["air"]),
    # the party's role is a paragraph; the lead says volunteers carry out the action (gold README:
    # volunteers as actors), so volunteer too, although 党员志愿者 weighs little next to the demolition
    (DEMOLITION_WITH_PASSING_VOLUNTEERS, ["demolition", "party", "volunteer"]),
    (PARKING_AND_ORDER, ["parking", "street_order"]),
    (GARBAGE_SORTING, ["sanitation", "volunteer"]),
    # a short caption is about its one topic
    (CAPTION, ["publicity"]),
    (VOLUNTEERS_AS_ACTORS, ["publicity", "volunteer"]),
    (ORGANISED_PARTY_MEMBERS, ["sanitation"]),
    (ORGANISATION_AND_HARDWARE, ["infrastructure", "governance"]),
    # nothing to go on
    (("区街动态", ""), []),
    (("", "昨日,天气晴好。"), []),
], ids=["air", "demolition", "parking", "garbage-sorting", "caption", "volunteers-as-actors", "party-members",
        "organisation-and-hardware", "heading", "no-keywords"])
def test_classify(article, expected):
    assert [hit.theme for hit in classify(*article)] == expected


def test_passing_word_gives_no_theme():
    title, text = DEMOLITION_WITH_PASSING_VOLUNTEERS
    assert "publicity" in theme_scores(title, text), "宣传 is mentioned..."
    assert "publicity" not in {hit.theme for hit in classify(title, text)}, "...but only in passing"


def test_hits_name_their_keywords_strongest_first():
    hits = classify(*AIR)
    assert hits == [ThemeHit("air", hits[0].keywords)]
    assert hits[0].keywords[:2] == ("大气污染防治", "蓝天"), "headline words first"
    assert "污染" not in hits[0].keywords, "大气污染防治 is one keyword hit, not also 污染"


def test_taxonomy_has_exactly_the_issue_ids():
    assert tuple(theme.id for theme in load_taxonomy()) == THEME_IDS
    assert theme_labels("zh") == {
        "sanitation": "环境卫生", "demolition": "拆违治违", "parking": "交通与停车秩序",
        "street_order": "市容与经营秩序", "publicity": "宣传教育", "volunteer": "志愿服务", "party": "党建引领",
        "air": "大气污染防治", "services": "便民服务", "epidemic": "疫情防控", "education": "教育培训",
        "culture": "文化活动", "women_children": "妇女儿童", "governance": "基层治理", "employment": "就业创业",
        "infrastructure": "设施改造",
    }
    assert theme_labels("en")["air"] == "Air pollution control"


def test_theme_labels_rejects_other_languages():
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        theme_labels("fr")


@pytest.mark.parametrize(("content", "message"), [
    ("id,zh,en,keywords\n", r"themes.csv:1: header must be theme,zh,en,keywords"),
    ("theme,zh,en,keywords\nsanitation,环境卫生,Sanitation,垃圾:2\nsports,体育,Sports,比赛:2\n",
     r"themes.csv:3: unknown or repeated theme id 'sports'"),
    ("theme,zh,en,keywords\nair,大气污染防治,Air,雾霾:很多\n", r"themes.csv:2: keyword '雾霾:很多' is not word:weight"),
    ("theme,zh,en,keywords\nair,大气污染防治,Air,雾霾:0\n", r"themes.csv:2: keyword '雾霾:0' is not word:weight"),
    ("theme,zh,en,keywords\nair,,Air,雾霾:2\n", r"themes.csv:2: theme 'air' needs zh and en labels"),
    ("theme,zh,en,keywords\nair,大气污染防治,Air\n", r"themes.csv:2: expected 4 fields, got 3"),
])
def test_load_taxonomy_names_file_and_line(tmp_path: Path, content, message):
    path = tmp_path / "themes.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TaxonomyError, match=message):
        load_taxonomy(path)


def test_keyword_without_weight_weighs_one(tmp_path: Path):
    path = tmp_path / "themes.csv"
    path.write_text("theme,zh,en,keywords\nair,大气污染防治,Air,雾霾|扬尘:3\n", encoding="utf-8")
    assert load_taxonomy(path)[0].keywords == {"雾霾": 1.0, "扬尘": 3.0}
