"""Words for word clouds and comparisons: one tokenizer object, stopwords removed.

A token counts as a term when all of these hold:
- it is made of Han characters only (CJK Unified Ideographs and Extension A), which drops
  punctuation, spaces, Arabic numbers, dates like 11月 split by jieba, and Latin noise (LED, www);
- it has at least two characters: single characters are mostly particles and fragments
  (的, 在, 年, 名), and the few meaningful ones (树, 水) are not worth the noise in a cloud;
- it is not a string of Chinese numerals only (三, 五十, 两千, 七一), nor the tail of an
  approximate quantity that jieba splits off the number (200|余人, 50|多名);
- it is not a stopword: resources/stopwords_zh.txt (stopwords-iso, MIT) plus the domain list
  resources/stopwords_domain.txt (开展, 工作, 记者, 通讯员, 本报讯, 街道, 社区, 进行, 活动...).

`Tokenizer` here is the fast default engine (rjieba with the civic user dictionary); any object
with `cut(text) -> list[str]` from civic.tokenizer works.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache, lru_cache
from pathlib import Path

from civic.config import RESOURCES_DIR
from civic.tokenizer import RJiebaTokenizer as Tokenizer
from civic.tokenizer import Tokenizer as TokenizerProtocol

__all__ = ["STOPWORD_FILES", "Tokenizer", "count_terms", "is_term", "read_word_list", "stopwords"]

STOPWORD_FILES = (RESOURCES_DIR / "stopwords_zh.txt", RESOURCES_DIR / "stopwords_domain.txt")

_HAN_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}")
_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千万亿几半]+|[余多][个名人位次家户处件条份册块辆株台场期所栋套]")


def read_word_list(path: Path) -> list[str]:
    """Words of a list file: UTF-8, one word per line, `#` starts a comment, blanks skipped.

    Raises:
        ValueError: naming the file and line when a line holds more than one word.
    """
    words = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if len(line.split()) > 1:
            raise ValueError(f"{path.name}:{number}: expected one word per line, got {raw!r}")
        words.append(line)
    return words


@cache
def stopwords() -> frozenset[str]:
    """The standard and domain stopwords (`STOPWORD_FILES`), read once per process."""
    return frozenset(word for path in STOPWORD_FILES for word in read_word_list(path))


@lru_cache(maxsize=1 << 20)  # the vocabulary repeats: one regex check per distinct token
def is_term(token: str) -> bool:
    """True when `token` is a term by the rules in the module docstring."""
    return (_HAN_WORD.fullmatch(token) is not None and _NUMERAL.fullmatch(token) is None
            and token not in stopwords())


def count_terms(text: str, tokenizer: TokenizerProtocol) -> Counter[str]:
    """Term counts of `text`.

    Args:
        text: title and body of one article (cleaned text).
        tokenizer: a segmenter from civic.tokenizer (e.g. `Tokenizer()`).

    Returns:
        term -> occurrences; stopwords, punctuation, numbers, single characters and non-Han
        tokens removed.
    """
    return Counter(filter(is_term, tokenizer.cut(text)))
