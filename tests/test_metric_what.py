"""civic.metric_what: `what`, the thing a quantity counts, read after the unit or before the number.

Rows are (text, expected) with expected a list of (span, value, unit, approx, what), read through
`extract_metrics` so that the quantities are the ones the metric rules find.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from civic.metric_what import load_metric_words, pos_tokens
from civic.metrics import extract_metrics

Row = tuple[str, float, str, bool, str]


def _rows(text: str) -> list[Row]:
    return [(m.span, m.value, m.unit, m.approx, m.what) for m in extract_metrics(text)]


WHAT_AFTER = [
    ("活动中,50余名党员志愿者开展“全城清洁”行动。", [("50余名", 50.0, "名", True, "党员志愿者")]),
    ("为全区1850名妇女颁发职业资格培训证书。", [("1850名", 1850.0, "名", False, "妇女")]),
    ("先后为110名贫困学生提供1100多个课时培训。",  # the hours are counted, not the training
     [("110名", 110.0, "名", False, "贫困学生"), ("1100多个", 1100.0, "个", True, "课时")]),
    # a bare distinguishing word takes its head from the quantity just before
    ("购置了10台雾炮车(6台中型和4台大型)。",
     [("10台", 10.0, "台", False, "雾炮车"), ("6台", 6.0, "台", False, "中型雾炮车"),
      ("4台", 4.0, "台", False, "大型雾炮车")]),
    ("安装了200个市机关局购置的垃圾箱。", [("200个", 200.0, "个", False, "垃圾箱")]),  # relative clause skipped
    ("先后在全区选取并建立58所“儿童之家”。", [("58所", 58.0, "所", False, "儿童之家")]),
    ("点亮了新兴社区11个“微心愿”。", [("11个", 11.0, "个", False, "微心愿")]),
    ("入驻174个社区学雷锋“文明使者”志愿服务站。",  # a generic head (站) keeps the word before it
     [("174个", 174.0, "个", False, "志愿服务站")]),
    ("对辖区内的18个老旧小区进行了改造。", [("18个", 18.0, "个", False, "老旧小区")]),
    ("崔晓春、杨金秀、尹世才、孟铁成4人位列候选人。", [("4人", 4.0, "人", False, "候选人")]),
]


@pytest.mark.parametrize(("text", "expected"), WHAT_AFTER)
def test_what_after_the_unit(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


WHAT_BEFORE = [
    ("累计挂横幅500余条,张贴海报500余份,LED屏滚动播放标语100多条次,分发宣传资料400余份。",
     [("500余条", 500.0, "条", True, "横幅"), ("500余份", 500.0, "份", True, "海报"),
      ("100多条次", 100.0, "条次", True, "标语"), ("400余份", 400.0, "份", True, "宣传资料")]),
    ("社区上门入户宣传的入户率达到100%。", [("100%", 100.0, "%", False, "入户率")]),
    ("向阳街道对辖区企业等进行了实地创建工作督查共计32次。",  # the gold says 督查
     [("32次", 32.0, "次", False, "工作督查")]),
    ("组建居民志愿者、党员志愿者、在职党员志愿者等服务队伍4支,利用志愿服务项目7次。",
     [("4支", 4.0, "支", False, "服务队伍"), ("7次", 7.0, "次", False, "志愿服务项目")]),
    ("该孵化基地已入驻33家经济实体,直接就业260人,安排创业实习150人。",
     [("33家", 33.0, "家", False, "经济实体"), ("260人", 260.0, "人", False, "就业"),
      ("150人", 150.0, "人", False, "创业实习")]),
    ("参与志愿者和社工达24000余人次。", [("24000余人次", 24000.0, "人次", True, "志愿者和社工")]),
    ("开展城市管理志愿服务活动1800余次。", [("1800余次", 1800.0, "次", True, "志愿服务活动")]),
    ("种植苗木共计2100余株。", [("2100余株", 2100.0, "株", True, "苗木")]),
    # a list with no category word is kept as printed, items whose modifier jieba tags as an adverb included
    ("发动驻区单位、非公企业、个体工商户等120余家参与共建。",
     [("120余家", 120.0, "家", True, "驻区单位、非公企业、个体工商户")]),
]


@pytest.mark.parametrize(("text", "expected"), WHAT_BEFORE)
def test_what_before_the_number(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


def test_words_file_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "words.csv"
    path.write_text("word,role\n拆除,verb\n违建,thing\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"{path}:3: expected word,role with role in"):
        load_metric_words(path)


def test_tagger_keeps_the_action_apart_from_the_thing():
    assert [word for word, _ in pos_tokens("种植苗木")] == ["种植", "苗木"]
