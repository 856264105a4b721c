"""One word-segmentation interface, two engines loaded with the same civic user dictionary.

`JiebaTokenizer` is the reference (pure-Python jieba, its own `jieba.Tokenizer()` object, never
the shared global one); `RJiebaTokenizer` is the bulk engine (rjieba, a Rust port of jieba,
about 20x faster). Both segment with jieba's base dictionary plus the same user words, in
accurate mode with the HMM for unknown words, and give identical tokens (tests/test_tokenizer.py).

The user dictionary (`user_dictionary()`) is the campaign vocabulary of
resources/userdict_campaign.txt plus place names from the national gazetteer (`place_names()`):
streets, townships, districts and cities, so that 建中街街道 stays one token instead of
建/中街/街道. Pass `places=` to `user_dictionary` to use another list of names.

Former names enter only as the gazetteer records them (`place_aliases.tsv`, kind `historical`:
南牛乡, 芦台镇). No `<stem>乡`/`<stem>镇` variants are generated for every 街道: most would be names
that never existed, and words like 新城镇 or 中心乡 would glue ordinary text together. A former
name the data lacks (侯寨乡 for 侯寨街道) splits (侯寨/乡) until it is added to the aliases file;
place matching still finds it by its stem (civic.gazetteer, kind `stem`).

rjieba has no `load_userdict`; its `Jieba.add_word(word, freq, tag)` is the per-line step of
jieba's `load_userdict`, so both engines get the same (word, frequency) pairs through
`add_word`. One difference is bridged: jieba's `add_word` adds the new frequency to the
dictionary total without removing a replaced word's old one, rjieba replaces it; we only add
words the base dictionary does not already hold, so the totals stay equal.

`PosTagger` tags words with their part of speech as `jieba.posseg` does without the HMM, over a
snapshot of the jieba dictionary with extra words, cached by `pos_tagger` (see its docstring).
"""

from __future__ import annotations

import importlib.util
import marshal
import math
import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from civic.config import RESOURCES_DIR, cached

CAMPAIGN_FILE = RESOURCES_DIR / "userdict_campaign.txt"

# Frequency of a user word without one of its own. jieba's base dictionary totals ~6e7; 200 keeps a
# user word whole against its own parts (which multiply tiny probabilities) without making it
# strong enough to swallow a character from a neighbouring common word (开创城市 stays 开创/城市).
DEFAULT_FREQ = 200

# A place name must be at least this long to enter the dictionary: two-character names such as
# 东乡 or 新镇 would split ordinary words around them.
MIN_PLACE_LENGTH = 3

UserWords = tuple[tuple[str, int], ...]

_LINE = re.compile(r"^(?P<word>\S+)(?:\s+(?P<freq>\d+))?$")
_SURROGATE = re.compile("([\ud800-\udfff])")


@runtime_checkable
class Tokenizer(Protocol):
    """Anything that segments Chinese text into a list of tokens (punctuation included)."""

    def cut(self, text: str) -> list[str]: ...


class UserDictError(ValueError):
    """A user-dictionary file has a line that is not `word [frequency]`."""


def read_user_words(path: Path) -> list[tuple[str, int]]:
    """Read a user-dictionary file.

    Format: UTF-8, one entry per line, `word` or `word frequency` (a positive integer) separated
    by whitespace; `#` starts a comment; blank lines are skipped. Entries without a frequency get
    `DEFAULT_FREQ`.

    Returns:
        (word, frequency) pairs in file order.

    Raises:
        UserDictError: naming the file and line of a malformed entry.
    """
    entries = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = _LINE.match(line)
        if not match or match["freq"] == "0":
            raise UserDictError(f"{path.name}:{number}: expected 'word [frequency>0]', got {raw!r}")
        entries.append((match["word"], int(match["freq"] or DEFAULT_FREQ)))
    return entries


def place_names() -> list[str]:
    """Names of places for the user dictionary, from the national gazetteer (civic.gazetteer).

    Official names of township-level units (侯寨街道, 花园口镇), counties, cities and provinces
    (管城回族区, 郑州市), then their short and historical names (管城区, 侯寨乡), in file order.
    """
    from civic.gazetteer import gazetteer

    places = gazetteer()
    return ([street.name for street in places.streets] + [division.name for division in places.divisions.values()]
            + [alias.alias for alias in places.aliases])


def user_dictionary(places: Iterable[str] | None = None) -> UserWords:
    """The civic user dictionary: campaign vocabulary, then place names.

    Args:
        places: place names to include; `place_names()` when None. Names shorter than
            `MIN_PLACE_LENGTH` characters are left out.

    Returns:
        Unique (word, frequency) pairs, first occurrence wins, in a stable order.
    """
    names = place_names() if places is None else places
    entries = read_user_words(CAMPAIGN_FILE)
    entries += [(name, DEFAULT_FREQ) for name in names if len(name) >= MIN_PLACE_LENGTH]
    seen: dict[str, int] = {}
    for word, freq in entries:
        seen.setdefault(word, freq)
    return tuple(seen.items())


@cache
def default_user_dictionary() -> UserWords:
    """`user_dictionary()` read once per process."""
    return user_dictionary()


class JiebaTokenizer:
    """Reference segmenter: a private `jieba.Tokenizer()` with the civic user dictionary."""

    def __init__(self, user_words: Sequence[tuple[str, int]] | None = None) -> None:
        import jieba

        self.user_words: UserWords = tuple(user_words) if user_words is not None else default_user_dictionary()
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for word, freq in self.user_words:
            if not self._jieba.FREQ.get(word):
                self._jieba.add_word(word, freq)

    def cut(self, text: str) -> list[str]:
        """Tokens of `text` in order, accurate mode with HMM, punctuation and spaces included."""
        return self._jieba.lcut(text, cut_all=False, HMM=True)

    def __reduce__(self):
        return (type(self), (self.user_words,))


class RJiebaTokenizer:
    """Bulk segmenter: an `rjieba.Jieba()` with the civic user dictionary; same tokens as jieba."""

    def __init__(self, user_words: Sequence[tuple[str, int]] | None = None) -> None:
        import rjieba

        self.user_words: UserWords = tuple(user_words) if user_words is not None else default_user_dictionary()
        self._jieba = rjieba.Jieba()
        for word, freq in self.user_words:
            if not self._jieba.has_word(word):
                self._jieba.add_word(word, freq, None)

    def cut(self, text: str) -> list[str]:
        """Tokens of `text` in order, accurate mode with HMM, punctuation and spaces included."""
        try:
            return self._jieba.cut(text, True)
        except UnicodeEncodeError:
            # lone surrogates cannot cross into Rust; like jieba, give each one as its own token
            parts = _SURROGATE.split(text)
            return [token for part in parts if part
                    for token in ([part] if _SURROGATE.fullmatch(part) else self._jieba.cut(part, True))]

    def __reduce__(self):
        return (type(self), (self.user_words,))


ENGINES = {"rjieba": RJiebaTokenizer, "jieba": JiebaTokenizer}


def make_tokenizer(kind: Literal["rjieba", "jieba"] = "rjieba",
                   user_words: Sequence[tuple[str, int]] | None = None) -> Tokenizer:
    """A tokenizer of the named engine with the civic user dictionary (or `user_words`).

    Raises:
        ValueError: for an unknown `kind`, naming the known ones.
    """
    if kind not in ENGINES:
        raise ValueError(f"unknown tokenizer {kind!r}: expected one of {', '.join(ENGINES)}")
    return ENGINES[kind](user_words)


# jieba.posseg's own patterns: blocks of words, and what splits the rest.
_POS_BLOCK = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._]+)")
_POS_SKIP = re.compile("(\r\n|\\s)")
_POS_NUMBER = re.compile(r"[\.0-9]+")
_POS_LATIN = re.compile(r"[a-zA-Z0-9]+")
_POS_LATIN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")  # posseg's ^[a-zA-Z0-9]$


class PosTagger:
    """Part-of-speech tagger: the (word, flag) pairs of `jieba.posseg.POSTokenizer.lcut(text, HMM=False)`
    over the same dictionary (tests/test_tokenizer.py compares them), from a `pos_lexicon` snapshot.

    The snapshot keeps the dictionary in one shard per first character, read the first time a word
    starting with that character is looked up: every word a text can match starts with one of its
    characters, and the words at a position are all in the shard of its character. A page needs
    about a tenth of the dictionary, read in milliseconds, where jieba loads all of it (0.5-1 s) and
    jieba.posseg reads its whole dictionary file again on import. Shards stay apart (copying them
    into one dictionary doubled the cost of reading them).
    """

    def __init__(self, lexicon: bytes) -> None:
        self.total, self._shards = marshal.loads(lexicon)
        self._log_total = math.log(self.total)
        # first character -> ({word or prefix of a word: frequency, 0 for a bare prefix}, {word: flag})
        self._words: dict[str, tuple[dict[str, int], dict[str, str]]] = {}

    def load_all(self) -> None:
        """Read every shard now (a process about to fork workers that will tag many texts)."""
        for char in list(self._shards):
            self._shard(char)

    def _shard(self, char: str) -> tuple[dict[str, int], dict[str, str]]:
        raw = self._shards.pop(char, None)
        shard = marshal.loads(raw) if raw is not None else ({}, {})
        self._words[char] = shard
        return shard

    def cut(self, text: str) -> list[tuple[str, str]]:
        """(word, flag) pairs of `text` in order, spaces and punctuation included (flag x)."""
        pairs: list[tuple[str, str]] = []
        for index, block in enumerate(_POS_BLOCK.split(text)):
            if index % 2:  # the split's odd parts are what its group matched: blocks of words
                pairs += self._cut_block(block)
                continue
            for piece in _POS_SKIP.split(block):
                if _POS_SKIP.match(piece):
                    pairs.append((piece, "x"))
                    continue
                for char in piece:  # jieba tests the whole piece for Latin letters, each char for digits
                    pairs.append((char, "m" if _POS_NUMBER.match(char) else "eng" if _POS_LATIN.match(piece) else "x"))
        return pairs

    def _cut_block(self, block: str) -> list[tuple[str, str]]:
        """jieba's most probable route through the dictionary words of `block` (get_DAG and calc in one
        backward pass, with jieba's arithmetic and its tie-break: the longer word), a run of single
        Latin letters and digits joined as one `eng` word."""
        size, log_total, log, words = len(block), self._log_total, math.log, self._words
        scores = [0.0] * (size + 1)  # log probability of the best route from each position to the end
        ends = [0] * size  # end (exclusive) of the first word of that route
        for k in range(size - 1, -1, -1):
            freq = (words.get(block[k]) or self._shard(block[k]))[0]
            best, end, i, fragment = 0.0, 0, k, block[k]
            while (frequency := freq.get(fragment)) is not None:  # a word, or the prefix of one (0)
                if frequency:
                    score = log(frequency) - log_total + scores[i + 1]
                    if not end or score >= best:
                        best, end = score, i + 1
                i += 1
                if i == size:
                    break
                fragment = block[k:i + 1]
            if not end:  # no word starts here: the character alone, with frequency 1
                best, end = -log_total + scores[k + 1], k + 1
            scores[k], ends[k] = best, end
        pairs, latin, x = [], "", 0
        while x < size:
            y = ends[x]
            word = block[x:y]
            if word in _POS_LATIN_CHARS:
                latin += word
            else:
                if latin:
                    pairs.append((latin, "eng"))
                    latin = ""
                pairs.append((word, words[word[0]][1].get(word, "x")))
            x = y
        if latin:
            pairs.append((latin, "eng"))
        return pairs


def pos_lexicon(nouns: Iterable[str], verbs: Iterable[str]) -> bytes:
    """A `PosTagger` snapshot of jieba's dictionary with `nouns` added as frequent nouns (n, frequency
    100,000) and the `verbs` it lacks as verbs (v, jieba's suggested frequency), in sorted order.

    Format: marshal of (total frequency, {first character: marshal of ({word: frequency},
    {word: flag})}), the words and prefixes of jieba's `Tokenizer.FREQ` and the flags of
    `POSTokenizer.word_tag_tab` grouped by their first character.
    """
    import jieba
    import jieba.posseg

    tokenizer = jieba.Tokenizer()
    for word in sorted(nouns):
        tokenizer.add_word(word, freq=100_000, tag="n")
    tokenizer.check_initialized()
    for word in sorted(verbs):
        if word not in tokenizer.FREQ:  # known verbs keep their tags (专项整治 is a noun phrase)
            tokenizer.add_word(word, tag="v")
    tags = {**jieba.posseg.dt.word_tag_tab, **tokenizer.user_word_tag_tab}
    shards: dict[str, tuple[dict[str, int], dict[str, str]]] = {}
    for word, freq in tokenizer.FREQ.items():
        shards.setdefault(word[0], ({}, {}))[0][word] = freq
    for word, flag in tags.items():
        shards.setdefault(word[0], ({}, {}))[1][word] = flag
    return marshal.dumps((tokenizer.total, {char: marshal.dumps(shard) for char, shard in shards.items()}))


def pos_tagger(nouns: Iterable[str], verbs: Iterable[str]) -> PosTagger:
    """A `PosTagger` over `pos_lexicon(nouns, verbs)`, kept in civic's cache (civic.config.cached)
    under a key of the words, jieba's dictionary and code, and this module: jieba is imported
    only when the snapshot has to be made."""
    nouns, verbs = sorted(nouns), sorted(verbs)
    jieba_dir = Path(importlib.util.find_spec("jieba").origin).parent
    inputs = ["\n".join(nouns).encode(), "\n".join(verbs).encode(), (jieba_dir / "dict.txt").read_bytes(),
              (jieba_dir / "__init__.py").read_bytes(), (jieba_dir / "posseg" / "__init__.py").read_bytes(),
              Path(__file__).read_bytes()]
    return cached("pos-lexicon", inputs, lambda: pos_lexicon(nouns, verbs), PosTagger)
