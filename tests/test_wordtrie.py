"""The trie-shaped alternation: longest match, backing off, escaped characters."""

import re

import pytest

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
