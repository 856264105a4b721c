"""Terms for word clouds: stopwords, punctuation, numbers, single characters and Latin noise removed."""

from collections import Counter

import pytest

from civic.terms import Tokenizer, count_terms, is_term, read_word_list, stopwords


@pytest.fixture(scope="module")
def tokenizer():
    return Tokenizer()


@pytest.mark.parametrize(("text", "expected"), [
    # the pipeline's call: title and body; domain stopwords 开展/工作/街道/社区/活动 gone
    ("建中街街道\n本报讯 连日来,建中街街道针对创文工作的难点和重点开展活动。",
     {"建中街街道": 2, "创文": 1, "难点": 1}),
    # numbers, metric units and dates are not terms; 志愿者 is
    ("11月22日上午,志愿者200余人参加,发放宣传册3000册。",
     {"志愿者": 1, "发放": 1, "宣传册": 1}),
    # Latin noise and punctuation
    ("在LED屏滚动播放“创城”标语!!", {"滚动": 1, "播放": 1, "创城": 1, "标语": 1}),
    # byline words
    ("记者 景静 通讯员 徐贝贝 文/图", {"景静": 1, "徐贝贝": 1}),
])
def test_count_terms(tokenizer, text, expected):
    assert count_terms(text, tokenizer) == Counter(expected)


@pytest.mark.parametrize(("token", "expected", "why"), [
    ("私搭乱建", True, "campaign word"),
    ("整治", True, "content verb"),
    ("开展", False, "domain stopword"),
    ("本报讯", False, "newspaper furniture"),
    ("我们", False, "standard stopword"),
    ("树", False, "single character"),
    ("五十", False, "numeral"),
    ("七一", False, "numeral"),
    ("余人", False, "tail of 200余人"),
    ("3000", False, "Arabic number"),
    ("LED", False, "Latin"),
    ("wifi覆盖", False, "mixed Latin"),
    ("，", False, "punctuation"),
    ("\n", False, "whitespace"),
])
def test_is_term(token, expected, why):
    assert is_term(token) is expected, why


def test_stopwords_combine_standard_and_domain_lists():
    words = stopwords()
    assert {"的", "我们", "开展", "工作", "记者", "通讯员", "本报讯", "街道", "社区", "进行", "活动"} <= words
    assert not {"志愿者", "创文", "整治"} & words


def test_read_word_list_names_file_and_line(tmp_path):
    path = tmp_path / "stop.txt"
    path.write_text("# header\n开展\n工作 记者\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"stop.txt:3: expected one word per line"):
        read_word_list(path)
