"""parse_byline(): reporters, correspondents and photographers from printed bylines."""

import pytest

from civic.people import Person, is_byline, parse_byline


def R(name):
    return Person("reporter", name)


def C(name):
    return Person("correspondent", name)


def P(name):
    return Person("photographer", name)


@pytest.mark.parametrize(
    ("byline", "people"),
    [
        # sample pages
        ("记者 景静", [R("景静")]),
        ("记者 景静 通讯员 徐贝贝 文/图", [R("景静"), C("徐贝贝")]),  # 文/图 adds no photographer row
        ("记者 景静 通讯员 费晓歌 王莹莹 张国昌 文图", [R("景静"), C("费晓歌"), C("王莹莹"), C("张国昌")]),
        ("记者 张改华\n通讯员 杨柳茵 文/图", [R("张改华"), C("杨柳茵")]),  # split over two lines
        ("(记者 王恩俊 通讯员 张俊永)", [R("王恩俊"), C("张俊永")]),
        ("本报讯(记者 朱华 通讯员 克东 卜桂平)", [R("朱华"), C("克东"), C("卜桂平")]),
        ("本报记者 郑磊 通讯员 周爱玲", [R("郑磊"), C("周爱玲")]),
        # 摄 after role words: the role words win
        ("本报记者 梁月琳 摄", [R("梁月琳")]),
        ("本报记者 梁月琳 通讯员 王建伟 弓爱娣 摄", [R("梁月琳"), C("王建伟"), C("弓爱娣")]),
        # photographers named as such, or by 摄 without a role word
        ("张三 摄", [P("张三")]),
        ("摄影 王五", [P("王五")]),
        ("图/王五", [P("王五")]),
        ("文/张三 图/李四", [R("张三"), P("李四")]),
        ("记者 张三 李四", [R("张三"), R("李四")]),
        ("通讯员 王 楠", [C("王楠")]),  # a name spaced out to fill the column
        ("见习记者 欧阳娜娜 特约通讯员 司马光", [R("欧阳娜娜"), C("司马光")]),
        ("记者 景静 记者 景静", [R("景静")]),  # printed twice: one row
        # other papers: decorations, colons, 【】 brackets, names separated by 、
        ("■记者:张三 通讯员:李四", [R("张三"), C("李四")]),
        ("【记者 张三 通讯员 李四】", [R("张三"), C("李四")]),
        ("通讯员 张三、李四 文/图", [C("张三"), C("李四")]),
        # nothing to find
        ("", []),
        ("人和路街道", []),
    ],
)
def test_parse_byline(byline, people):
    assert parse_byline(byline) == people


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("记者 景静 通讯员 徐贝贝 文/图", True),
        ("本报记者 梁月琳 通讯员 邹复光 韩丽", True),
        ("通讯员 杨柳茵 文/图", True),
        ("(记者 王恩俊 通讯员 张俊永)", True),
        ("记者发现,这些热心老人年龄大都在60岁以上。", False),  # 记者 as the subject of a sentence
        ("本报讯 连日来,建中街街道针对创文工作的难点和重点。", False),
        ("建中街街道", False),
    ],
)
def test_is_byline(line, expected):
    assert is_byline(line) is expected
