"""Clean page text while keeping a map back to the original character offsets.

What `clean` does, in order:

1. Line ends: CRLF and CR become LF. NUL, other control characters, zero-width characters
   (U+200B-U+200D, U+2060, U+FEFF) and soft hyphens are removed; tabs become spaces.
2. Unicode NFKC, character by character, so full-width digits and letters become ASCII
   (`２００` -> `200`), ideographic spaces become spaces and Kangxi radicals / compatibility
   ideographs (common in PDF extractions) become ordinary ideographs. Full-width punctuation
   is folded too (`，` -> `,`, `：` -> `:`, `（` -> `(`): the sample pages already print
   half-width commas and brackets beside `。“”《》、`, so folding makes every source spell a
   comma the same way; the meaning is kept because downstream steps treat `,;:!?` exactly
   like their full-width forms. NFKC is NOT applied where it would change what is printed:
   circled and parenthesised numbers (`①`, `⑴`, numbered caption lists), the ellipsis `…`,
   superscripts (`m²`) and the CJK compatibility block (`㎡`).
3. Spaces: runs collapse to one, lines are stripped, runs of blank lines become one blank
   line (`\\n\\n` separates blocks), the page is stripped.
4. Columns: a sentence broken across newspaper columns is re-joined (`全面\\n\\n清理墙面` ->
   `全面清理墙面`), see `should_join` for the rule that keeps headlines and paragraphs apart.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from civic.metrics import UNITS

#: Sentence-final punctuation: a block ending with one of these is a finished paragraph.
TERMINAL = "。!?;…"
#: Closing quotes/brackets that may follow a terminal mark (`。”`).
CLOSERS = "”’」』)】〕》\"'"
#: Punctuation that cannot open a paragraph: a block starting with it continues the previous one.
CONTINUING = ",、。;:!?)】〕》」』”’…%.·"
_OPENERS = {"“": "”", "《": "》", "(": ")", "「": "」", "『": "』", "【": "】", "〔": "〕"}
#: Characters NFKC leaves unchanged and that need no other step: CJK ideographs, printable ASCII,
#: newlines and the Chinese punctuation the pages print most.
_PLAIN = re.compile(
    "[\u4e00-\u9fff\x20-\x7e\n\u3001\u3002\u201c\u201d\u2018\u2019\u300a\u300b\u3010\u3011\u00b7\u2014]+"
)
_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
_BYLINE = re.compile(r"^[(]?(本报记者|记者|通讯员|实习生|摄影|图/|文/|文图|来源|发布时间|责任编辑|编辑)")
_LEAD = re.compile(r"^(本报讯|本报消息|本报\d{1,2}月\d{1,2}日讯)")
_TWO_CHARACTER_ENTRY = re.compile(r"^([^ \n]{2}) (\d+)(?= )", re.MULTILINE)  # `word freq tag` in jieba's dict
_BLANK_RUN = re.compile(r"[ \n]{2,}")
_CAPTION_NUMBER = re.compile(r"^(\d{1,2}[ .、]|[\u2460-\u24ff\u2776-\u2793])")


@dataclass(frozen=True)
class CleanText:
    """Cleaned text and, for each of its characters, the offset in the original.

    `offsets` has len(text) + 1 entries; offsets[i] is the original index of text[i] and
    offsets[len(text)] is len(original).
    """

    text: str
    offsets: list[int]


def clean(text: str) -> CleanText:
    """Clean one decoded page (see the module docstring for every step).

    Args:
        text: the page as decoded from its file.

    Returns:
        The cleaned text with, for every character, its offset in `text`.
    """
    page, offsets = _normalise_characters(text)
    page, offsets = _collapse_blanks(page, offsets)
    start, end = len(page) - len(page.lstrip()), len(page.rstrip())
    page, offsets = page[start:end], offsets[start:end]
    page, offsets = _rejoin_columns(page, offsets)
    return CleanText(page, offsets + [len(text)])


def _keeps_form(char: str) -> bool:
    """True for characters NFKC would rewrite into something that means less."""
    code = ord(char)
    return (0x2460 <= code <= 0x24FF or 0x3300 <= code <= 0x33FF or 0x2070 <= code <= 0x209F
            or char in "…²³¹")


def _normalise_characters(text: str) -> tuple[str, list[int]]:
    """Steps 1 and 2 of `clean`: line ends, invisible characters, NFKC where safe."""
    pieces: list[str] = []
    offsets: list[int] = []
    position = 0
    for plain in _PLAIN.finditer(text):  # runs NFKC leaves alone are copied whole
        _normalise_slowly(text, position, plain.start(), pieces, offsets)
        pieces.append(plain.group())
        offsets += range(plain.start(), plain.end())
        position = plain.end()
    _normalise_slowly(text, position, len(text), pieces, offsets)
    return "".join(pieces), offsets


def _normalise_slowly(text: str, start: int, end: int, pieces: list[str], offsets: list[int]) -> None:
    for i in range(start, end):
        char = text[i]
        if char == "\r":
            if text[i + 1:i + 2] != "\n":
                pieces.append("\n")
                offsets.append(i)
        elif char in _ZERO_WIDTH:
            continue
        elif char.isspace():
            pieces.append(" ")
            offsets.append(i)
        elif unicodedata.category(char) in ("Cc", "Cf"):
            continue
        else:
            normal = char if _keeps_form(char) else unicodedata.normalize("NFKC", char)
            pieces += [" " if out.isspace() else out for out in normal]
            offsets += [i] * len(normal)


def _collapse_blanks(text: str, offsets: list[int]) -> tuple[str, list[int]]:
    """Step 3 of `clean` but the final strip, in one pass over the runs of spaces and newlines (the
    only blanks step 2 leaves), keeping the offset map.

    A run of spaces becomes one space; spaces next to a newline go; one or two newlines stay,
    three or more become two. The first character of a changed run takes the offset of the run's
    first character, a second newline its own offset, or the first one's when it stands for more.
    """
    pieces: list[str] = []
    new_offsets: list[int] = []
    last = 0
    for match in _BLANK_RUN.finditer(text):
        start, run = match.start(), match.group()
        pieces.append(text[last:start])
        new_offsets += offsets[last:start]
        newlines = run.count("\n")
        if newlines == 0:
            pieces.append(" ")
            new_offsets.append(offsets[start])
        elif newlines == 1:
            pieces.append("\n")
            new_offsets.append(offsets[start])
        else:
            second = start + run.index("\n", run.index("\n") + 1)
            pieces.append("\n\n")
            new_offsets += [offsets[start], offsets[second] if newlines == 2 else offsets[start]]
        last = match.end()
    pieces.append(text[last:])
    new_offsets += offsets[last:]
    return "".join(pieces), new_offsets


def ends_paragraph(block: str) -> bool:
    """True when `block` ends like a finished sentence (`。`, `!`, `。”`, ...)."""
    end = len(block)  # walks back over the closers only: blocks are long, and this is asked per line
    while end and block[end - 1] in CLOSERS:
        end -= 1
    return end > 0 and block[end - 1] in TERMINAL


def unbalanced(block: str) -> bool:
    """True when `block` opens a quote or bracket it does not close (`《郑州市文明行为促进条`)."""
    return any(block.count(opener) > block.count(closer) for opener, closer in _OPENERS.items())


def _body_like(block: str) -> bool:
    """A block that reads as running text rather than a headline."""
    inner = block.rstrip(CLOSERS)[:-1]
    return (any(mark in inner for mark in TERMINAL) or block.count(",") + block.count("、") >= 2
            or (len(block) >= 40 and " " not in block))


def _headline_like(block: str) -> bool:
    return len(block) <= 30 and not any(mark in block for mark in TERMINAL) and block[0] not in CONTINUING


NUMBER_TAILS = "余多万千百亿%.几来"
_UNIT_NAMES = tuple(UNITS)


def should_join(before: str, after: str) -> bool:
    """Decide whether two blocks are one sentence broken across columns.

    A finished paragraph (ending `。!?;…`) or an intro ending with `:` is never continued.
    Otherwise the blocks are joined when `after` starts with punctuation that cannot open a
    paragraph, when `before` leaves a quote or bracket open, when `before` is running text
    (a sentence inside it, two commas, or 40 characters without spaces) and `after` is not a
    headline, or when the break falls inside a common word (`严|格`, `目|前`) after a comma.
    A short unpunctuated line before a paragraph is a headline: it stays apart. Bylines,
    `本报讯` leads and numbered captions are never joined to anything.

    Args:
        before: the text before the line break (already joined pieces included).
        after: the next line.

    Returns:
        True to remove the line break.
    """
    if not before or not after or ends_paragraph(before) or before[-1] in ":":
        return False
    if after[0] in CONTINUING:
        return True
    if before[-1].isdigit() and not continues_number(after):
        return False  # 宣传板150 | 路、辽河大路: a printed figure goes on with its unit, not with other text
    tail = before[max(map(before.rfind, "。!?")) + 1:].lstrip()  # a byline glued after the last sentence
    if (any(_BYLINE.match(part) or _CAPTION_NUMBER.match(part) for part in (before, tail, after))
            or _LEAD.match(after)):
        return False
    if unbalanced(before):
        return True
    if _body_like(before):
        return not _headline_like(after)
    return "," in before and (word_across(before, after) or _short_first_sentence(after))


def continues_number(block: str) -> bool:
    """True when `block` can carry on a number cut at a line end: 150|余幅, 3|万份, 45|处."""
    return block[0].isdigit() or block[0] in NUMBER_TAILS or block.startswith(_UNIT_NAMES)


def _short_first_sentence(block: str) -> bool:
    """`落后产能。对辖区...`: a paragraph cannot open with a sentence this short, a broken one can."""
    first = re.split(r"[,、;:!?。]", block, maxsplit=1)[0]
    return len(first) <= 6 and block[len(first):len(first) + 1] == "。"


def word_across(before: str, after: str) -> bool:
    """True when the last character of `before` and the first of `after` form a common word."""
    words = two_character_words()
    across = words.get(before[-1] + after[0], 0)
    return across >= 100 and across > max(words.get(before[-2:], 0), words.get(after[:2], 0))


@lru_cache(maxsize=1)
def two_character_words() -> dict[str, int]:
    """Two-character words and their frequencies from jieba's bundled dictionary (`word freq tag`)."""
    import jieba

    with jieba.get_dict_file() as dictionary:
        entries = dictionary.read().decode("utf-8")
    return {word: int(freq) for word, freq in _TWO_CHARACTER_ENTRY.findall(entries)}  # one pass, not per line


def _rejoin_columns(text: str, offsets: list[int]) -> tuple[str, list[int]]:
    pieces: list[str] = []
    new_offsets: list[int] = []
    current = ""
    position = 0
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        if pieces:
            gap = text[position:match.start()]
            if should_join(current, line):
                if current[-1].isascii() and current[-1].isalnum() and line[0].isascii() and line[0].isalnum():
                    pieces.append(" ")
                    new_offsets.append(offsets[position])
                current += line
            else:
                pieces.append(gap)
                new_offsets += offsets[position:match.start()]
                current = line
        else:
            current = line
        pieces.append(line)
        new_offsets += offsets[match.start():match.end()]
        position = match.end()
    return "".join(pieces), new_offsets
