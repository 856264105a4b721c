"""Read `what`, the thing a quantity counts, from the words around it.

`what`, the thing counted, is read with a jieba part-of-speech tagger steered by
`resources/metric_words.csv`: first the noun phrase right after the unit (50余名党员志愿者, 58所“儿童之家”,
200个市机关局购置的垃圾箱, 8人获评文明市民), else the object before the number, after its verb and without
the words between (发放宣传册3000册, 拆除违建45处, 劝导整治机动车乱停放125辆 -> 机动车, 整改率90%); for
times and sessions, what follows the light verb (开展专项整治4次 -> 专项整治); else the action itself
(直接就业260人 -> 就业), or the thing of a quantity just before (673家门店已整改到位606家 -> 门店);
"" when nothing is printed (有1600余人通过...观看). Long phrases keep their head, about four
characters (折页宣传册 -> 宣传册); lists are kept whole (自行车、电动车、三轮车).

`resources/metric_words.csv` (UTF-8, header `word,role`, `#` lines are comments) names the
words that steer the reading: role in WORD_ROLES (its own header comments say what each does).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path

from civic.config import RESOURCES_DIR
from civic.tokenizer import PosTagger, pos_tagger

WORDS_FILE = RESOURCES_DIR / "metric_words.csv"
WORD_ROLES = ("verb", "tail", "noun", "light", "place", "title", "generic")
WHAT_MAX_CHARS = 4  # `what` keeps its head: the last words of a long noun phrase


def load_metric_words(path: Path = WORDS_FILE) -> dict[str, frozenset[str]]:
    """Words by role from a CSV file with header `word,role`, role in WORD_ROLES.

    Raises:
        ValueError: naming the file and line of a malformed row or an unknown role.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [(n, line) for n, line in enumerate(lines, start=1) if line.strip() and not line.startswith("#")]
    if not rows or rows[0][1].strip() != "word,role":
        raise ValueError(f"{path}: expected the header word,role")
    words: dict[str, set[str]] = {role: set() for role in WORD_ROLES}
    for number, line in rows[1:]:
        fields = line.split(",")
        if len(fields) != 2 or fields[1] not in WORD_ROLES or not fields[0]:
            raise ValueError(f"{path}:{number}: expected word,role with role in {WORD_ROLES}, got {line!r}")
        words[fields[1]].add(fields[0])
    return {role: frozenset(ws) for role, ws in words.items()}


WORDS = load_metric_words()
CLAUSE_ENDS = "，,。；;：:！？!?\n（）()"  # what ends a clause: punctuation and brackets
# up to and including the last clause end of a window (greedy: the scan starts from the window's end)
_TO_CLAUSE_END_RE = re.compile(f".*[{CLAUSE_ENDS}]", re.DOTALL)
_NOMINAL_FLAGS = ("n", "vn", "j", "b", "eng", "an", "zg", "s")
_NOUN_SUFFIXES = frozenset("率量站点室员者村镇街户栏牌屏板桶箱车墙处所园馆队")
_AFTER_RUN_RE = re.compile(r"[^，,。；;：:！？!?\n（）()、]{0,20}")
_QUOTED_PART_RE = re.compile(r"[“\"「《][^“”\"「」《》]*[”\"」》]|[^“”\"「」《》]+")
_QUOTED_RE = re.compile(r"[“\"「]([^“”\"「」]{1,12})[”\"」]")
_RELATIVE_RE = re.compile(r"([^的]{1,8})的")
_MEMBERSHIP_VERBS = ("组成", "构成", "组建", "参加", "参与", "加入")  # 20名律师组成的服务队: the lawyers
_QUOTES = frozenset("“”\"「」《》")
_MODIFIER_FLAGS = ("a", "z")
_LIST_ITEM_FLAGS = ("a", "b", "d", "v", "vn", "z")  # words that may sit inside a list item's noun phrase
_CONJUNCTIONS = frozenset("和与及")
_NEGATIONS = frozenset("不非无")
_PLACES_LONGEST_FIRST = sorted(WORDS["place"], key=len, reverse=True)
# Longest first (当选为 before 当选) and in a fixed order: a set's order changes with the process's hash seed.
_TITLES_LONGEST_FIRST = sorted(WORDS["title"], key=lambda word: (-len(word), word))


@functools.cache
def _tagger() -> PosTagger:
    """A part-of-speech tagger on jieba's dictionary with the metric nouns added as nouns and the
    verbs, light verbs and titles it lacks as verbs (civic.tokenizer.pos_tagger, cached on disk)."""
    return pos_tagger(WORDS["noun"], WORDS["verb"] | WORDS["light"] | WORDS["title"])


def read_what(text: str, start: int, end: int, consumed: int, kind: str, *,
              quantity_end: Callable[[str, int], int | None]) -> tuple[str, int, bool]:
    """The thing counted by the quantity at `text[start:end]` (unit kind `kind`), the offset where
    its reading ended (`end` when read before the number) and whether it is a noun (False when only
    an action was printed: 整改到位606家). Nothing before `consumed` (the previous quantity and its
    `what`) is read; `quantity_end(text, at)` gives the end of a counted quantity printed at `at`,
    else None, so that a quantity right after this one is read past (12大类40余种服务岗位)."""
    after, after_end = _what_after(text, end, quantity_end)
    if after:
        return after, after_end, True
    clause_start = max(consumed, clause_begin(text, start))
    what, nominal = _what_before(text[clause_start:start], kind)
    return what, end, nominal


def clause_begin(text: str, start: int) -> int:
    """Offset where the clause holding `text[start]` begins: after `,。;:!?` or a bracket, at most
    40 characters back."""
    begin = max(0, start - 40)
    last = _TO_CLAUSE_END_RE.match(text, begin, start)
    return last.end() if last else begin


def pos_tokens(text: str) -> list[tuple[str, str]]:
    """(word, flag) pairs; a long word that starts with an action verb is split (种植苗木 -> 种植 苗木).
    A new list each call (callers pop from it); the tagging of a text is computed once per process."""
    return list(_pos_tokens(text))


@functools.lru_cache(maxsize=1 << 14)  # clauses and noun runs recur across a corpus (宣传册, 志愿者); ~10 MB
def _pos_tokens(text: str) -> tuple[tuple[str, str], ...]:
    tokens = []
    verbs = WORDS["verb"]
    for word, flag in _tagger().cut(text):  # no guessing of unknown words (no HMM): 3x faster, same heads
        verb = word[:2]
        if any(map(str.isdigit, word)):
            tokens.append((word, "m"))
        elif len(word) >= 4 and verb in verbs and not _is_nominal(word, flag):
            tokens += [(verb, "v"), (word[2:], "n")]
        else:
            tokens.append((word, flag))
    return tuple(tokens)


def _is_nominal(word: str, flag: str) -> bool:
    if word in WORDS["noun"] or (len(word) == 1 and word in _NOUN_SUFFIXES):
        return True
    return flag.startswith(_NOMINAL_FLAGS) and word not in WORDS["tail"]


def _is_verb(word: str, flag: str) -> bool:
    return flag.startswith("v") and not _is_nominal(word, flag)


def _what_after(text: str, end: int, quantity_end: Callable[[str, int], int | None]) -> tuple[str, int]:
    run = _AFTER_RUN_RE.match(text, end).group()
    if not run or not ("\u4e00" <= run[0] <= "\u9fff" or run[0] in _QUOTES or run[0].isdigit()):
        return "", end
    skip = quantity_end(text, end)
    if skip is not None:  # 12大类40余种服务岗位
        return _what_after(text, skip, quantity_end)
    what, length = _what_in_run(run)
    return what, end + length


@functools.lru_cache(maxsize=1 << 14)  # runs after a unit recur (名志愿者); a pure function of the run
def _what_in_run(run: str) -> tuple[str, int]:
    """The thing counted, read at the start of `run`, and how many characters of `run` it took."""
    quoted = _QUOTED_RE.match(run)
    if quoted:
        rest = _nominal_prefix(run[quoted.end():])  # “五小”门店 -> 门店, 58所“儿童之家” -> 儿童之家
        return _trim(rest or quoted.group(1)), quoted.end() + len(rest)
    title = next((w for w in _TITLES_LONGEST_FIRST if run.startswith(w)), None)
    if title:  # 8人获评郑州市文明市民: the people counted are what they became
        head = _nominal_prefix(run[len(title):])
        return _trim(head), len(title) + len(head)
    relative = _RELATIVE_RE.match(run)
    if relative and not all(_is_nominal(*token) for token in _pos_tokens(relative.group(1))) \
            and not any(verb in relative.group(1) for verb in _MEMBERSHIP_VERBS):
        head = _nominal_prefix(run[relative.end():])
        if head:
            return _trim(head), relative.end() + len(head)
    head = _nominal_prefix(run)
    return _trim(head), len(head)


def _nominal_prefix(run: str) -> str:
    """The noun phrase at the start of `run` ("" when it starts with a verb or particle)."""
    tokens = _pos_tokens(run)
    words: list[tuple[str, str]] = []
    for i, (word, flag) in enumerate(tokens):
        if word in _QUOTES and words:
            continue  # 社区学雷锋“文明使者”志愿服务站
        if word in WORDS["verb"] and flag != "n" and words:
            break  # 3个小区设置宣传点: the verb of the next clause (but 8个专项整治指挥部)
        following = tokens[i + 1] if i + 1 < len(tokens) else ("", "x")
        next_nominal = _is_nominal(*following) or following[1] in _MODIFIER_FLAGS
        verb_modifier = _is_verb(word, flag) and word not in WORDS["verb"] and words and following[1].startswith("n")
        joined = word in _CONJUNCTIONS and words and len("".join(w for w, _ in words)) <= 3 and next_nominal
        if not (_is_nominal(word, flag) or (flag in _MODIFIER_FLAGS and next_nominal) or verb_modifier or joined):
            break
        words.append((word, flag))
    while words and (words[-1][1] in _MODIFIER_FLAGS or len(words) > 1 and words[-1][1] == "vn"):
        words.pop()  # 1100多个课时培训: the hours, not the training
    return "".join(w for w, _ in words if w not in _QUOTES)


@functools.lru_cache(maxsize=1 << 14)  # clauses before a number recur across a corpus; a pure function
def _what_before(chunk: str, kind: str) -> tuple[str, bool]:
    """The thing counted, read backwards from the number through the clause before it, and
    whether it is a noun phrase (False when it is the action itself: 督查共计32次)."""
    tokens = pos_tokens(chunk)
    stripped = ""  # 面积达1500平方米: the measured word, when nothing else names the thing
    while tokens and (tokens[-1][0] in WORDS["tail"] or tokens[-1][0] == "等"
                      or tokens[-1][1] in ("d", "p", "m") and not _is_nominal(*tokens[-1])):
        word, flag = tokens.pop()
        stripped = stripped or (word if flag.startswith("n") else "")
    if all(word == "、" for word, _ in tokens):  # 拆除违章搭建45处、面积1200平方米: the measured word
        return stripped, bool(stripped)
    cut = max((i for i, (word, _) in enumerate(tokens[:-1]) if word == "等"), default=-1)
    if kind == "event":
        cut = max([cut] + [i for i, (word, _) in enumerate(tokens[:-1]) if word in WORDS["light"]])
    if cut >= 0:
        tokens = tokens[cut + 1:]
        if kind == "event":
            event = "".join(w for w, f in tokens if f not in ("ul", "uj"))
            return _trim(_strip_place(event)), True
    # skip a trailing behaviour (机动车乱停放 -> 机动车) back to the noun before it
    last = len(tokens) - 1
    while last >= 0 and (tokens[last][1] in ("d", "ad") or _is_verb(*tokens[last])) \
            and tokens[last][0] not in WORDS["verb"]:
        last -= 1
    behaviour = any(flag in ("d", "ad") for _, flag in tokens[last + 1:])
    if not (behaviour and last >= 0 and _is_nominal(*tokens[last])):
        last = len(tokens) - 1
    if last < 0 or not (_is_nominal(*tokens[last]) or tokens[last][0] in _QUOTES):
        return _action(tokens)
    words: list[str] = []
    for i in range(last, -1, -1):
        word, flag = tokens[i]
        previous = tokens[i - 1] if i else ("", "x")
        if word in _QUOTES or (word == "、" and words):
            words.append(word)
            continue
        single = len(words) == 1 and len(words[0]) == 1
        if word in WORDS["tail"] or word in WORDS["verb"] and words and not single:
            break  # the verb governing the thing counted; but 整改率 and 投放亭 are one word
        inner_verb = _is_verb(word, flag) and words and (
            _is_nominal(*previous) or previous[0] in WORDS["verb"] or previous[0] in ("、", "")  # 健身步道
            or single or "".join(words) in WORDS["generic"])  # 返乡人员
        modifier = flag in _MODIFIER_FLAGS and words
        # 和 joins two short nouns, or ends a list (街道、社区、物业公司和居民代表)
        joined = word in _CONJUNCTIONS and _is_nominal(*previous) and (
            len("".join(words)) <= 3 or any(token == "、" for token, _ in tokens[:i]))
        negation = word in _NEGATIONS and words  # 不文明行为 is not 文明行为
        # inside an item of a list: 区直单位党组织、非公党组织、学校 (非公 is tagged an adverb)
        listed = "、" in words and flag in _LIST_ITEM_FLAGS and (previous[0] == "、" or _is_nominal(*previous))
        if not (_is_nominal(word, flag) or inner_verb or modifier or joined or negation or listed):
            break
        words.append(word)
    phrase = "".join(reversed(words)).strip("、")
    return _trim(_strip_place("".join(char for char in phrase if char not in _QUOTES))), True


def _action(tokens: list[tuple[str, str]]) -> tuple[str, bool]:
    """The counted action when no noun ends the clause (直接就业260人 -> 就业, 安排创业实习150人 -> 创业实习)
    and whether a noun is part of it."""
    verbs = [i for i, (word, _) in enumerate(tokens) if word in WORDS["verb"]]
    start = verbs[-1] if verbs else 0
    rest = tokens[start + 1:]
    nominal = any(_is_nominal(*token) for token in rest)
    if verbs and not nominal:
        rest = tokens[start:]
    if not any(flag.startswith("v") for _, flag in rest):
        return "", False  # 线上1600人: no action printed either
    kept = (w for w, f in rest if w in _NEGATIONS or f not in ("d", "ad", "p", "u", "ul", "uj"))
    return _trim("".join(kept)), nominal


def _strip_place(phrase: str) -> str:
    for place in _PLACES_LONGEST_FIRST:
        if phrase.startswith(place) and len(phrase) > len(place):
            return phrase[len(place):]
    return phrase


@functools.lru_cache(maxsize=1 << 14)
def _trim(phrase: str) -> str:
    """Keep the head of a long noun phrase: whole words from the end, up to WHAT_MAX_CHARS, at least
    two characters, and the word before a generic head (志愿服务活动, not 活动); a quoted name is one
    word (“文明餐桌”行动 -> 文明餐桌行动). Lists (、 和) are kept whole. Quote marks are dropped."""
    bare = "".join(char for char in phrase if char not in _QUOTES)
    if len(bare) <= WHAT_MAX_CHARS or any(char in bare for char in "、和与及"):
        return bare
    words = [word for part in _QUOTED_PART_RE.findall(phrase)
             for word in ([part[1:-1]] if part[0] in _QUOTES else [w for w, _ in _pos_tokens(part)])]
    kept: list[str] = []
    while words and (sum(map(len, kept)) < 2 or len(words[-1]) + sum(map(len, kept)) <= WHAT_MAX_CHARS):
        kept.insert(0, words.pop())
    if words and ("".join(kept) in WORDS["generic"] or words[-1] in _NEGATIONS):
        kept.insert(0, words.pop())
    return "".join(kept)
