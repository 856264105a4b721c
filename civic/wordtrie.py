"""One regex for thousands of words: an alternation shaped as a trie."""

from __future__ import annotations

import re
from collections.abc import Iterable


def trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of `words`, the longest one at each position.

    The words share prefixes in a trie, so sibling branches start with different characters and
    Python's regex engine follows one branch per position instead of trying every word (about
    10x faster than a flat alternation); greedy optional tails make the longest word win,
    backing off to a shorter one when the longer fails part-way.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        if "" not in node:
            return body
        return f"{body}?" if len(branches) == 1 and len(branches[0]) == 1 else f"(?:{body})?"

    return pattern(trie)
