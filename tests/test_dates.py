"""extract_date(): the date of the activity, as ISO text."""

import pytest

from civic.dates import extract_date, publication_date


@pytest.mark.parametrize(
    ("text", "year", "page_date", "expected"),
    [
        # month and day, year from the manifest (sample pages)
        ("本报讯 11月22日上午,解放路街道结合主题教育开展行动。", 2019, None, "2019-11-22"),
        ("为提升志愿服务实效,中原区整合各方资源。2月5日,中原区新时代文明实践中心开播。", 2021, None, "2021-02-05"),
        ("10月7日,在盛世花园小区内,站前街道的两名工作人员正在清理小广告。", 2022, None, "2022-10-07"),
        # the first date of the lead wins; a range gives its start
        ("9月29日至10月8日,各街道开展集中整治。10月9日召开总结会。", 2022, None, "2022-09-29"),
        ("2月2日-2月5日,林山寨街道开展宣传服务日活动。", 2021, None, "2021-02-02"),
        ("据了解,从10月14日开始,上街区党员干部陆续走进党校。", 2013, None, "2013-10-14"),
        # a year in the text wins over the manifest
        ("2018年11月30日,侯寨乡组织各村开展清洁。", 2019, None, "2018-11-30"),
        ("二〇一九年十一月二十二日上午,街道开展活动。", None, None, "2019-11-22"),
        ("十二月七日,嵩山路街道工人路社区组织志愿者。", 2018, None, "2018-12-07"),
        # relative days need the page date
        ("昨日,花园口镇邀请专家团队为村民进行免费体检。", None, "2013-10-20", "2013-10-19"),
        ("前天,社区召开楼栋长碰头会。", 2013, "2013-10-20", "2013-10-18"),
        ("今天上午,街道召开推进会。", None, "2013-10-20", "2013-10-20"),
        # without the page's day, 昨天 is passed over for the next dated event of the lead
        ("昨天,上街区委党校培训座谈会上,党员小赵袒露心声。从10月14日开始培训。", 2013, None, "2013-10-14"),
        ("昨日,花园口镇邀请专家团队为村民进行免费体检。", 2013, None, ""),
        # a bare day is a day of the page's month, or of the month before
        ("本报讯 11日上午,东城街道开展消防演练。", None, "2023-05-12", "2023-05-11"),
        ("本报讯 28日上午,东城街道开展消防演练。", None, "2023-05-12", "2023-04-28"),
        ("本报讯 31日上午,东城街道开展消防演练。", None, "2023-05-12", ""),  # April has no 31st
        ("本报讯 11日上午,东城街道开展消防演练。", 2023, None, ""),
        ("对发现的问题2日内进行复查。", None, "2023-05-12", ""),  # a duration
        # a January page reporting a December activity
        ("12月30日,街道开展迎新年志愿服务。", None, "2021-01-05", "2020-12-30"),
        # no year anywhere
        ("11月22日上午,解放路街道开展行动。", None, None, "--11-22"),
        # no day: not a date of the activity
        ("10月中旬,东风路办事处与省康复研究中心共建的爱心驿站首次起航。", 2013, None, ""),
        ("2019年11月,街道开展专项整治。", None, None, ""),
        ("今年3月,街道开展专项整治。", 2020, None, ""),
        ("10月中旬,街道开展专项整治。10月20日上午,召开总结会。", 2013, None, "2013-10-20"),
        # periods, deadlines, durations and years alone are skipped
        ("2020年以来,西流湖街道凯旋路社区坚持以居民需求为导向。", 2021, None, ""),
        ("1月份以来,莲湖街道联合交警开展乱停车专项整治4次。", 2021, None, ""),
        ("要求各社区于12月底前完成整改。3年来,共举办17期公益培训班。", 2019, None, ""),
        ("截至10月8日,累计拆除违建45处。", 2022, None, ""),
        ("2018年,二七区始终把人民群众对美好生活的向往作为出发点。", 2018, None, ""),
        ("连日来,建中街街道针对创文工作的难点和重点上下联动。", 2019, None, ""),
        # the period is skipped and the event date after it found
        ("今年以来,街道多次整治。11月19日上午,社区开展拆违行动。", 2019, None, "2019-11-19"),
        # only the lead paragraphs count: background dates later in the article are not the activity
        ("连日来,街道开展整治。\n第二段。\n第三段。\n刘凯上榜2018年11月30日中国好人榜。", 2018, None, ""),
        # impossible dates and empty text
        ("2月30日,街道开展活动。", 2021, None, ""),
        ("13月5日,街道开展活动。", 2021, None, ""),
        ("", 2021, "2021-02-05", ""),
        ("昨日,街道开展活动。", None, "not a date", ""),
    ],
)
def test_extract_date(text, year, page_date, expected):
    assert extract_date(text, year=year, page_date=page_date) == expected


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        (["发布时间:2023-05-12 09:30 来源:某某区融媒体中心"], "2023-05-12"),
        (["来源:幸福路街道办事处", "发布日期:2023年05月12日 浏览次数:128"], "2023-05-12"),
        (["2019/11/22 10:20"], "2019-11-22"),
        (["责任编辑:王五"], ""),
        (["发布时间:2023-02-30"], ""),  # not a day
        ([], ""),
    ],
)
def test_publication_date(meta, expected):
    assert publication_date(meta) == expected
