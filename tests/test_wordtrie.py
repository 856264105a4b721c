"""The trie-shaped alternation: longest match, backing off, escaped characters."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic.wordtrie import trie_pattern


@pytest.mark.parametrize(("words", "text", "expected"), [
    (["郑州", "郑州市", "二七区", "二"], "郑州市二七区二郑州", ["郑州市", "二七区", "二", "郑州"]),
    (["大气污染", "大气污染防治", "污染"], "推进大气污染防治,减少污染", ["大气污染防治", "污染"]),
    # the longer word fails part-way: back off to the shorter one
    (["大气污染", "大气污染防治"], "大气污染防控", ["大气污染"]),
    (["垃圾", "垃圾分类", "分类"], "垃圾分离,分类投放", ["垃圾", "分类"]),
    (["a+b", "a"], "a+b a", ["a+b", "a"]),
    ([], "任何文字", []),
])
def test_trie_pattern_takes_longest_word(words, text, expected):
    pattern = trie_pattern(words)
    assert (re.findall(pattern, text) if pattern else []) == expected


# More first characters than LEAF_CHARS: the branch of a first character is chosen through lookbehinds.
MANY = ["文明", "文明城市", "社区", "市容", "区域", "志愿者", "志愿服务", "垃圾分类", "创建", "创文", "卫生", "环境",
        "整治", "宣传", "党员", "巡查", "清理", "绿化"]


@pytest.mark.parametrize(("text", "expected"), [
    ("创建文明城市,志愿者清理社区环境", ["创建", "文明城市", "志愿者", "清理", "社区", "环境"]),
    # 文 and 市 start words but not here: the search goes on past them
    ("文件市场区域绿化", ["区域", "绿化"]),
    ("", []),
])
def test_trie_pattern_with_many_first_characters(text, expected):
    assert re.findall(trie_pattern(MANY), text) == expected


@given(st.lists(st.text(alphabet="文明社区市容志愿者ab", min_size=1, max_size=4), max_size=40),
       st.text(alphabet="文明社区市容志愿者abc,", max_size=30))
def test_trie_pattern_is_a_longest_first_alternation(words, text):
    flat = "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))
    pattern = trie_pattern(words)
    assert (re.findall(pattern, text) if pattern else []) == (re.findall(flat, text) if flat else [])
