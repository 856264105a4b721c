"""civic.metrics: quantities of campaign work, grouped by phenomenon.

Each row is (text, expected) with expected a list of (span, value, unit, approx, what). Real
inputs come from the five sample pages (data/raw); the "other cities" rows are invented in the
style of campaign reports from elsewhere, to keep the rules general.
"""

from __future__ import annotations

import re
from pathlib import Path

import other_cities
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civic import metrics as metrics_module
from civic.clean import clean
from civic.metric_what import load_metric_words
from civic.metrics import Metric, extract_metrics, load_exclusions, load_units
from civic.numbers import CHINESE_NUMERAL_CHARS
from civic.regexscan import finditer_from
from civic.segment import segment

Row = tuple[str, float, str, bool, str]


def _rows(text: str) -> list[Row]:
    return [(m.span, m.value, m.unit, m.approx, m.what) for m in extract_metrics(text)]


SAMPLE_PAGES = [
    ("要求机关全体干部职工及辖区志愿者200余人连夜行动,确保所有问题高标准及时整改到位。",
     [("200余人", 200.0, "人", True, "志愿者")]),
    ("制作了《公共文明行为常识》折页宣传册3000册,入户发放宣传《公共文明基本常识通俗读本》等宣传单。",
     [("3000册", 3000.0, "册", False, "宣传册")]),
    ("此次专项行动共拆除辖区护栏围挡、临建等3处违建,为辖区居民营造了整洁、宽敞、宜居的居住环境。",
     [("3处", 3.0, "处", False, "违建")]),
    ("今年以来,新兴街道联合龙山城管新兴中队共拆除违建45处。",
     [("45处", 45.0, "处", False, "违建")]),
    ("1月份以来,莲湖街道联合交警、执法联合开展乱停车专项整治4次,劝导整治机动车乱停放125辆,增设非机动车停放处4处。",
     [("4次", 4.0, "次", False, "专项整治"), ("125辆", 125.0, "辆", False, "机动车"),
      ("4处", 4.0, "处", False, "停放处")]),
    # the gold reads 僵尸车 from the clause before; the list printed here is what the sentence says
    ("开展“僵尸车”专项清理整治8次,清理自行车、电动车、三轮车共计16辆。",
     [("8次", 8.0, "次", False, "清理整治"), ("16辆", 16.0, "辆", False, "自行车、电动车、三轮车")]),
    ("截至目前,累计拆除私搭乱建1000平方米,清理“牛皮癣”700余块,拆除违法建筑50余处,清理“僵尸车”2辆。",
     [("1000平方米", 1000.0, "平方米", False, "私搭乱建"), ("700余块", 700.0, "块", True, "牛皮癣"),
      ("50余处", 50.0, "处", True, "违法建筑"), ("2辆", 2.0, "辆", False, "僵尸车")]),
    ("截至目前,淮河路街道673家“五小”门店已整改到位606家,整改率90%。",
     [("673家", 673.0, "家", False, "门店"), ("606家", 606.0, "家", False, "门店"),  # the same shops
      ("90%", 90.0, "%", False, "整改率")]),
    ("10月7日,在盛世花园小区内,站前街道的两名工作人员正在对小区内的小广告进行定期清理。",
     [("两名", 2.0, "名", False, "工作人员")]),
    ("“中原之声—文明实践炫中原”第一期开播,有1600余人通过微信视频号观看。",
     [("1600余人", 1600.0, "人", True, "")]),  # nothing names the viewers; the gold's 观众 is inferred
    ("今年,向阳街道新增公益广告牌165块,温馨提醒示标识标牌36块。",
     [("165块", 165.0, "块", False, "公益广告牌"), ("36块", 36.0, "块", False, "标识标牌")]),
    ("在全区印发《致全区人民一封信》《市民文明手册》15万份。",
     [("15万份", 150000.0, "份", False, "文明手册")]),
    ("街道机关、社区、非公企业党组织党员50余人参加了此次志愿活动。",
     [("50余人", 50.0, "人", True, "党员")]),
    ("全区4700多名机关在职党员全部向社区报到,参与环境整治、治安防范等12大类40余种服务岗位。",
     [("4700多名", 4700.0, "名", True, "在职党员"), ("12大类", 12.0, "大类", False, "服务岗位"),
      ("40余种", 40.0, "种", True, "服务岗位")]),
    ("就像一张大网,将全办31.13平方公里土地的禁烧囊括网内。",
     [("31.13平方公里", 31.13, "平方公里", False, "土地")]),
    ("2018年共推荐好人线索6000条,8人获评郑州市文明市民。",
     [("6000条", 6000.0, "条", False, "好人线索"), ("8人", 8.0, "人", False, "文明市民")]),
    # 当选为, not 当选 + 为 (which left `what` empty in processes whose hash seed tried 当选 first)
    ("今年共有3人当选为郑州市文明市民。", [("3人", 3.0, "人", False, "文明市民")]),
]


@pytest.mark.parametrize(("text", "expected"), SAMPLE_PAGES)
def test_sample_pages(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


CHINESE_NUMERALS = [
    ("在全区设置“一核三站”四个维权站点。", [("四个", 4.0, "个", False, "维权站点")]),
    ("由机关干部、社区党员以及七个行政村的三委会成员组成。", [("七个", 7.0, "个", False, "行政村")]),
    ("二十余名志愿者走上街头,劝导不文明行为三百多起。",
     [("二十余名", 20.0, "名", True, "志愿者"), ("三百多起", 300.0, "起", True, "不文明行为")]),
    ("上午9点,两百余名志愿者在人民广场集合。", [("两百余名", 200.0, "名", True, "志愿者")]),
    # a bare 一 is the article "a", unless a bracket names the one counted
    ("对居民楼院(侯寨新区)、一条道路(钢厂路)进行清洁。", [("一条", 1.0, "条", False, "道路")]),
    # neighbouring digits are a rough range: the upper bound, approximate
    ("七八个志愿者一早就来到了小区门口,吸引了三四百名居民参与。",
     [("七八个", 8.0, "个", True, "志愿者"), ("三四百名", 400.0, "名", True, "居民")]),
    ("省级文化产业重点企业两家,文化产业特色村、镇两个。",
     [("两家", 2.0, "家", False, "重点企业"), ("两个", 2.0, "个", False, "文化产业特色村、镇")]),
]


@pytest.mark.parametrize(("text", "expected"), CHINESE_NUMERALS)
def test_chinese_numerals(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


APPROX_MARKERS = [
    ("受益群众约3000人次。", [("约3000人次", 3000.0, "人次", True, "受益群众")]),
    ("接待来访群众近1500人次。", [("近1500人次", 1500.0, "人次", True, "来访群众")]),
    ("累计服务8000余人次。", [("8000余人次", 8000.0, "人次", True, "服务")]),
    ("开展法律咨询、法律援助100多次。", [("100多次", 100.0, "次", True, "法律咨询、法律援助")]),
    ("活动现场,近百名党员干部参与义务劳动。", [("近百名", 100.0, "名", True, "党员干部")]),
    ("全年发放宣传单逾万份。", [("逾万份", 10000.0, "份", True, "宣传单")]),
    ("参与群众超过2000人。", [("超过2000人", 2000.0, "人", True, "群众")]),
    ("清理垃圾5吨左右。", [("5吨左右", 5.0, "吨", True, "垃圾")]),
    # 以上 is a lower bound: approximate, and the dashboard sums such values with ≥
    ("居民满意度达到95%以上。", [("95%以上", 95.0, "%", True, "满意度")]),
    ("组织志愿者十来人清扫楼道。", [("十来人", 10.0, "人", True, "志愿者")]),
    # 附近 and 线上 end other words: the 近 and 上 are not approximation words here
    ("对学校附近3个小区设置宣传点。", [("3个", 3.0, "个", False, "小区")]),
    ("线上1600人观看直播。", [("1600人", 1600.0, "人", False, "")]),
]


@pytest.mark.parametrize(("text", "expected"), APPROX_MARKERS)
def test_approx_markers(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


OTHER_CITIES = [
    ("截至目前,共出动执法人员1200余人次,清理占道经营摊点350处,拆除违法广告牌匾86块。",
     [("1200余人次", 1200.0, "人次", True, "执法人员"), ("350处", 350.0, "处", False, "经营摊点"),
      ("86块", 86.0, "块", False, "广告牌匾")]),
    ("今年以来,该街道累计投入资金50万元,新建停车泊位300个,施划停车线2000余米。",
     [("50万元", 500000.0, "元", False, "资金"), ("300个", 300.0, "个", False, "停车泊位"),
      ("2000余米", 2000.0, "米", True, "停车线")]),
    ("全区共招募志愿者3万余名,开展志愿服务活动5000余场次,服务时长达12万小时。",
     [("3万余名", 30000.0, "名", True, "志愿者"), ("5000余场次", 5000.0, "场次", True, "志愿服务活动"),
      ("12万小时", 120000.0, "小时", False, "时长")]),  # hours of service are work done
    ("共清运垃圾120吨,清理卫生死角80余处,疏通下水道15处。",
     [("120吨", 120.0, "吨", False, "垃圾"), ("80余处", 80.0, "处", True, "卫生死角"),
      ("15处", 15.0, "处", False, "下水道")]),
    ("自2019年以来,共举办培训班12期。", [("12期", 12.0, "期", False, "培训班")]),
    ("共计排查隐患点位60余个,整改问题142个,整改率达100%。",
     [("60余个", 60.0, "个", True, "隐患点位"), ("142个", 142.0, "个", False, "问题"),
      ("100%", 100.0, "%", False, "整改率")]),
    ("投入资金120余万元用于改造。", [("120余万元", 1200000.0, "元", True, "资金")]),
    ("百余名志愿者参与,发放宣传单十余万份。",
     [("百余名", 100.0, "名", True, "志愿者"), ("十余万份", 100000.0, "份", True, "宣传单")]),
    ("签订《门前三包责任书》1200余份,清理小广告3.5万余张。",  # the title's 三包 is no quantity
     [("1200余份", 1200.0, "份", True, "责任书"), ("3.5万余张", 35000.0, "张", True, "小广告")]),
    # a range: the span covers it, the value is its upper bound, approximate
    ("组织志愿者3至5人一组巡查。", [("3至5人", 5.0, "人", True, "志愿者")]),
    ("9月以来,街道共组织机关干部、社区工作者、志愿者等1500余人次,开展“周末大扫除”活动36场,清运垃圾85.6吨。",
     [("1500余人次", 1500.0, "人次", True, "机关干部、社区工作者、志愿者"),
      ("36场", 36.0, "场", False, "周末大扫除活动"), ("85.6吨", 85.6, "吨", False, "垃圾")]),
    ("在辖区8个主要路口设置文明劝导岗,累计劝导闯红灯等不文明行为3600余起。",
     [("8个", 8.0, "个", False, "主要路口"), ("3600余起", 3600.0, "起", True, "不文明行为")]),
    ("组建了由15名律师、20名心理咨询师组成的专业志愿服务队,惠及群众上千人。",  # the lawyers, not the team
     [("15名", 15.0, "名", False, "律师"), ("20名", 20.0, "名", False, "心理咨询师"),
      ("上千人", 1000.0, "人", True, "群众")]),
    ("满意率达到96.8%,比去年同期提高了5.2个百分点。",
     [("96.8%", 96.8, "%", False, "满意率"), ("5.2个百分点", 5.2, "个百分点", False, "提高")]),
    ("共建成口袋公园8座、健身步道12公里,全区划分网格126个。",
     [("8座", 8.0, "座", False, "口袋公园"), ("12公里", 12.0, "公里", False, "健身步道"),
      ("126个", 126.0, "个", False, "网格")]),
    ("开展“文明餐桌”行动3次,设置垃圾分类投放点2,356个。",  # a quoted name is one word
     [("3次", 3.0, "次", False, "文明餐桌行动"), ("2,356个", 2356.0, "个", False, "投放点")]),
    # quoted speech is not a name: its numbers count
    ("社区主任说:“今年我们已经帮助困难家庭50户。”", [("50户", 50.0, "户", False, "困难家庭")]),
    ("累计排查登记返乡人员2300余人,共建成分类投放亭68座。",  # a generic or one-character head keeps its modifier
     [("2300余人", 2300.0, "人", True, "返乡人员"), ("68座", 68.0, "座", False, "投放亭")]),
    ("居民参与率由不足40%提升至92%。",  # 不足 is approximate; the second rate is of the same thing
     [("不足40%", 40.0, "%", True, "居民参与率"), ("92%", 92.0, "%", False, "居民参与率")]),
    ("修建文化广场一处,面积达1500平方米。", [("1500平方米", 1500.0, "平方米", False, "面积")]),
    ("整改率达到百分之九十五。", [("百分之九十五", 95.0, "%", False, "整改率")]),
    ("发放宣传资料１．５万份。", [("１．５万份", 15000.0, "份", False, "宣传资料")]),  # full-width, uncleaned
]


@pytest.mark.parametrize(("text", "expected"), OTHER_CITIES)
def test_other_cities(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


NOT_METRICS = [
    "11月22日上午,解放路街道开展了活动。",  # dates
    "2018年,二七区始终把人民群众放在首位。",  # years
    "上午9点半,活动正式开始。",  # times
    "在第五届郑州市道德模范评选活动中获奖。",  # ordinals
    "“中原之声”第一期开播。",
    "科技市场社区第四网格的老人。",
    "一马路街道各社区结合自身特点。",  # parts of names
    "福华街街道七一三社区党支部组织活动。",
    "这些文化墙以党的十九大精神为主题。",
    "二七区妇联不断打造特色项目。",
    "三门峡市五里堡街道召开会议。",
    "实现“四好两无一规范”的整治目标。",
    "按“门前三包”要求落实责任。",
    "在盛世三期8号楼附近空地。",  # an estate's phase and a building number
    "来童寨村二组网格长胡江浩说。",
    "3年来,实施精品个案援助。",  # durations
    "2日内进行复查。",
    "为期半个月的专题培训。",
    "从“八小时以内”向“八小时以外”延伸。",
    "每周对辖区进行一次全面排查。",  # frequencies
    "每天一次“碰头会”,大家开得不亦乐乎。",
    "每月召开2次推进会。",
    "每组配备3-5名网格员。",  # a staffing rule, not a count
    "两个月内完成整改。",  # 个 + a time noun is a duration
    "3个多月来,街道持续推进。",
    "志愿者们连续奋战2个多小时。",
    "整个行动历时3小时。",
    "在全市考核中位列前3名。",  # a rank
    "每天安排志愿者两人值守。",  # a rota, not a count of people
    "力争在年底前完成剩余3个小区的改造任务。",  # planned, not done
    "市民可拨打12345热线或110报警电话反映问题。",  # hotlines
    "沿G107国道两侧清理垃圾,地铁1号线沿线设置宣传点。",
    "2号楼3单元的居民反映问题后,街道立即处理。",  # addresses
    "“十四五”期间,全区将建成15分钟便民生活圈。",
    "在“3·15”消费者权益日开展宣传。",
    "该景区被评为国家5A级景区,4S店集中整治。",
    "“百分百满意”工程和“100%覆盖”行动持续推进。",  # percentages in names
    "积极倡导“一戴二勤三减少”。",  # slogans and set phrases
    "街道采取“一警二通三取缔”原则进行全面治理。",
    "推行一户一档、一人一策。",
    "新兴街道还积极开展了一系列的举措。",
    "购置一批休闲座椅。",
    "成为社区里一道亮丽的风景。",
    "开展一对一帮扶。",
    "他们三番五次上门做工作。",  # idioms
    "千方百计解决群众困难。",
    "一心一意为群众服务。",
    "增强四个意识,坚定四个自信,做到两个维护。",
    "这些热心老人年龄大都在60岁以上。",  # ages
    "77岁的刘淑梅老人早早地在家门口候着。",
    "50集3D电视系列剧《快乐星球5》正在拍摄。",  # titles and numbers glued to letters
    "《大国廉政——中国廉政故事100部系列微电影》首批四部影片成功发布。",
    "联系电话:0371-68881234。",  # phone numbers
    "避免造成地面积水等二次污染。",  # 二 + measure word is an ordinal: counts say 两
    "可以喷出数十米高的水雾。",  # vague: 数十
    "清理三轮车上的杂物。",  # a vehicle named with a numeral
]


@pytest.mark.parametrize("text", NOT_METRICS)
def test_not_metrics(text: str) -> None:
    assert _rows(text) == []


def test_offsets_span_and_sentence() -> None:
    text = "近日,街道开展整治。共拆除违建45处,清理垃圾约3吨!下一步,继续推进。"
    assert extract_metrics(text) == [
        Metric(45.0, "处", False, "违建", "45处", "共拆除违建45处,清理垃圾约3吨!", 15, 18, "item"),
        Metric(3.0, "吨", True, "垃圾", "约3吨", "共拆除违建45处,清理垃圾约3吨!", 23, 26, "measure"),
    ]


def test_span_broken_by_a_line_break_keeps_its_printed_form() -> None:
    text = "将全办31.13\n\n平方公里土地的禁烧囊括网内"
    [metric] = extract_metrics(text)
    assert (metric.span, metric.value, metric.unit, text[metric.start:metric.end]) == (
        "31.13\n\n平方公里", 31.13, "平方公里", "31.13\n\n平方公里")
    # a column cut between the number and 余 (003: 宣传板150 | 余幅), once the layout is repaired
    [metric] = extract_metrics("直挂宣传板150\n余幅。社区上门入户宣传")
    assert (metric.span, metric.value, metric.unit, metric.approx, metric.what) == (
        "150\n余幅", 150.0, "幅", True, "宣传板")


@pytest.mark.parametrize(
    ("text", "kind"),
    [("志愿者200余人", "person"), ("接待群众近1500人次", "person"), ("拆除违建45处", "item"),
     ("开展专项整治4次", "event"), ("服务时长12万小时", "hours"), ("拆除私搭乱建1000平方米", "measure"),
     ("投入资金50万元", "money"), ("整改率90%", "percent")],
)
def test_kind_of_unit(text: str, kind: str) -> None:
    assert [m.kind for m in extract_metrics(text)] == [kind]


def test_text_without_numbers_has_no_metrics() -> None:
    assert extract_metrics("") == []
    assert extract_metrics("街道组织志愿者开展清洁活动。") == []


def test_units_file_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("# units\nunit,kind,after_chinese\n人,person,yes\n处,place,yes\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"{path}:4: expected unit,kind,yes\|no with kind in"):
        load_units(path)
    path.write_text("unit,kind\n人,person\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected the header unit,kind,after_chinese"):
        load_units(path)


def test_exclusions_file_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "exclusions.txt"
    path.write_text("# idioms\n三番五次\n千方 百计\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"{path}:3: one expression per line, without spaces"):
        load_exclusions(path)


def test_shipped_resources_load() -> None:
    units = load_units()
    assert (units["人次"].kind, units["平方米"].kind, units["%"].kind, units["期"].after_chinese) == (
        "person", "measure", "percent", False)
    assert "三番五次" in load_exclusions()
    assert "违建" in load_metric_words()["noun"]


CAMPAIGN_ALPHABET = "一二两三十百千万余多近约第每“”《》,。、0123456789.%个名处人次平方米的志愿者拆除违建共计 \n"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=CAMPAIGN_ALPHABET, max_size=40) | st.text(max_size=40))
def test_never_raises_and_spans_point_into_the_text(text: str) -> None:
    for metric in extract_metrics(text):
        assert text[metric.start:metric.end] == metric.span
        assert metric.span in metric.sentence or "\n" in metric.span
        assert metric.value >= 0


# Whole articles from other cities' layouts (tests/test_segment.py: a 苏州 web article, a 嘉定 page of
# 镇 reports, a 成都 page saved as GB18030), segmented first: every metric of each, exactly.
ARTICLES_OF_OTHER_CITIES = [
    ("SUZHOU_WEB", [
        # a list ending in 和 is kept whole (gold README: the items as printed)
        ("40余人", 40.0, "人", True, "街道、社区、物业公司和居民代表"),
        ("12个", 12.0, "个", False, "改造"),  # the head of 老旧小区改造: twelve renovations
        ("3200余户", 3200.0, "户", True, "居民"),
        ("260个", 260.0, "个", False, "停车泊位"),
        ("8部", 8.0, "部", False, "电梯"),  # 加装 is the verb, not part of the thing
    ]),
    ("JIADING_TOWNS", [
        ("200余人", 200.0, "人", True, "镇村干部、志愿者"),
        ("12个", 12.0, "个", False, "村"),
        ("36吨", 36.0, "吨", False, "河道垃圾"),
        ("45处", 45.0, "处", False, "违章搭建"),
        ("1200平方米", 1200.0, "平方米", False, "面积"),  # after 、: the measured word
        ("18公里", 18.0, "公里", False, "村宅道路"),
        ("95%", 95.0, "%", False, "满意率"),  # the head of 村民满意率
    ]),
    ("CHENGDU_GB18030", [
        ("80余名", 80.0, "名", True, "志愿者"),
        ("320余起", 320.0, "起", True, "不文明行为"),
        ("1500份", 1500.0, "份", False, "倡议书"),
    ]),
]


@pytest.mark.parametrize(("page", "expected"), ARTICLES_OF_OTHER_CITIES, ids=lambda x: x if isinstance(x, str) else "")
def test_whole_articles_of_other_cities(page: str, expected: list[Row]) -> None:
    raw = getattr(other_cities, page)
    text = raw.decode("gb18030") if isinstance(raw, bytes) else raw
    rows = [(m.span, m.value, m.unit, m.approx, m.what)
            for article in segment(clean(text).text).articles for m in extract_metrics(article.body)]
    assert rows == expected


def _matches_tried_everywhere(text: str) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    """_METRIC_RE's matches, trying it at every character a metric can start with (the plain scan)."""
    every_start = re.compile(rf"[大将接超不约近逾上\d{CHINESE_NUMERAL_CHARS}]")
    return [(m.span(), m.groupdict()) for m in finditer_from(metrics_module._METRIC_RE, every_start, text)]


@pytest.mark.parametrize("text", [
    "百分之1,2345人",  # a percentage ends inside a run of digits: the rest is tried again
    "百分之3万五个",  # ... inside a run of Chinese numerals
    "百分之三十五百分之四十名",
    "1,23456人",  # the run's first digit fails, a later one (after the comma) starts a match
    "一3个", "3万五千人", "二〇一八年3人", "约三四百名", "超过5000人", "超5000人", "大约100人", "大约",
    "不足10%", "不到百分之五", "上百人", "将近二十名", "接近三成", "超百分之五十", "12大类40余种服务岗位",
    "3至5人", "３００人", "近近近3人", "约约", "10月2日至3日", "上上下下1", "第3名志愿者4人",
    "2023年11月22日", "1,234.5 万元", "3.5．6千米", "三十\n\n余人", "五百分之", "一百分之三十", "7千克",
])
def test_metric_scan_finds_what_trying_every_start_finds(text: str) -> None:
    assert [(m.span(), m.groupdict()) for m in metrics_module._metric_matches(text)] == _matches_tried_everywhere(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="一二三十百千万分之余多近约超过大将接不足到上0123456789,.．%个名人米年月日号 \n", max_size=30))
def test_metric_scan_finds_what_trying_every_start_finds_anywhere(text: str) -> None:
    assert [(m.span(), m.groupdict()) for m in metrics_module._metric_matches(text)] == _matches_tried_everywhere(text)
