"""Quantities that measure campaign work: 志愿者200余人, 拆除违建45处, 1.5万份, 整改率90%.

A metric is a number (see `civic.numbers`) followed by a unit or measure word listed in
`resources/metric_units.csv`, with the approximation words printed around it:

    [约|近|逾|超|超过|大约|将近|接近|上] NUMBER [余|多|来|几][万|千|亿] UNIT [左右|以上|以下|以内|上下|开外|有余]

`approx` is True when any of those words is printed, for a range (3至5人, 3-5人: the value is the
upper bound) and for neighbouring Chinese digits (七八个 -> 8, 三四百名 -> 400). 以上 ("or more") and
以下/以内 ("or less") make a metric approximate too: the printed value is a bound, not a count, and
the dashboard marks sums of such values with ≥. 上 counts only before a bare 百/千/万 (上百人).

Not metrics, by rule (each rule is general, not a list of sample phrases):
- no unit: dates and times (11月22日, 2018年, 上午9点), ages (60岁), addresses (8号楼) and durations
  (3年来, 2日内) carry time or place words that are not in the unit list; 个 before a time word
  (两个月, 2个多小时) and hours after 历时/为期/连续... or before 内/以内/后 are durations too;
- ordinals, ranks and vague numbers: preceded by 第/前 (第五届, 前3名) or 数/几/若 (数十米);
- frequencies, rates and rotas: 每 or 平均/人均/日均 shortly before the number in the same clause
  (每周一次, 每月2次, 每天安排志愿者两人);
- planned work: 拟/计划/力争/预计/争取... earlier in the clause (力争完成剩余3个小区的改造);
- a bare 一 (一系列, 一批, 一名干部: 一 + measure word is mostly the article "a"), unless a bracket
  names the one counted (一条道路(钢厂路)); a bare 二 (二次污染: counts say 两);
- numerals inside short quoted names and book titles (“门前三包”, “一核三站”, 《...100部系列微电影》);
  quoted speech, which has its own punctuation, keeps its numbers;
- slogans: a Chinese numeral next to another across one character (一警二通三取缔, 四好两无一规范, 五个一);
- names: Chinese numerals written digit by digit (七一三社区), a Chinese numeral + measure word followed
  by a digit or 号 (盛世三期8号楼) or, for measure words that make place names, by a place word
  (九台区, 七台河); measure words that mostly follow Chinese numerals in names and idioms (期, 组, 方,
  面, 部...) count after Arabic digits only;
- numbers glued to Latin letters or digits (3D, G20, 5A, 4S) and phone-number-long digit strings;
- fixed expressions in `resources/metric_exclusions.txt` (三番五次, 千方百计, 四个意识, 三轮车).

`what`, the thing counted, is read with a jieba part-of-speech tagger steered by
`resources/metric_words.csv`: first the noun phrase right after the unit (50余名党员志愿者, 58所“儿童之家”,
200个市机关局购置的垃圾箱, 8人获评文明市民), else the object before the number, after its verb and without
the words between (发放宣传册3000册, 拆除违建45处, 劝导整治机动车乱停放125辆 -> 机动车, 整改率90%); for
times and sessions, what follows the light verb (开展专项整治4次 -> 专项整治); else the action itself
(直接就业260人 -> 就业), or the thing of a quantity just before (673家门店已整改到位606家 -> 门店);
"" when nothing is printed (有1600余人通过...观看). Long phrases keep their head, about four
characters (折页宣传册 -> 宣传册); lists are kept whole (自行车、电动车、三轮车).
"""

from __future__ import annotations

import bisect
import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import jieba
import jieba.posseg

from civic.config import RESOURCES_DIR
from civic.numbers import CHINESE_NUMERAL_CHARS, DIGITS, MULTIPLIERS, NUMBER_PATTERN, parse_number

UNITS_FILE = RESOURCES_DIR / "metric_units.csv"
EXCLUSIONS_FILE = RESOURCES_DIR / "metric_exclusions.txt"
WORDS_FILE = RESOURCES_DIR / "metric_words.csv"

UNIT_KINDS = ("person", "item", "event", "hours", "measure", "money", "percent")
WORD_ROLES = ("verb", "tail", "noun", "light", "place", "title", "generic")
WHAT_MAX_CHARS = 4  # `what` keeps its head: the last words of a long noun phrase


@dataclass(frozen=True)
class Metric:
    """One quantity as printed in an article.

    `start`/`end` are offsets of `span` in the text given to `extract_metrics`
    (`text[start:end] == span`); `sentence` is the whole sentence around it; `kind` is the unit's
    kind from `resources/metric_units.csv` (person, item, event, hours, measure, money, percent),
    so totals of people mobilised and of items handled need no unit list of their own.
    """

    value: float
    unit: str
    approx: bool
    what: str
    span: str
    sentence: str
    start: int
    end: int
    kind: str = ""


@dataclass(frozen=True)
class Unit:
    """A unit or measure word: `kind` is one of UNIT_KINDS; `after_chinese` False for measure
    words accepted only after Arabic digits (期, 组, 方...)."""

    name: str
    kind: str
    after_chinese: bool


def _data_lines(path: Path) -> list[tuple[int, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(n, line) for n, line in enumerate(lines, start=1) if line.strip() and not line.startswith("#")]


def load_units(path: Path = UNITS_FILE) -> dict[str, Unit]:
    """Units from a CSV file with header `unit,kind,after_chinese` (`#` lines are comments).

    Raises:
        ValueError: naming the file and line of a malformed row or an unknown kind.
    """
    rows = _data_lines(path)
    if not rows or rows[0][1].strip() != "unit,kind,after_chinese":
        raise ValueError(f"{path}: expected the header unit,kind,after_chinese")
    units: dict[str, Unit] = {}
    for number, fields in zip((n for n, _ in rows[1:]), csv.reader(line for _, line in rows[1:]), strict=True):
        if len(fields) != 3 or fields[1] not in UNIT_KINDS or fields[2] not in ("yes", "no") or not fields[0]:
            raise ValueError(f"{path}:{number}: expected unit,kind,yes|no with kind in {UNIT_KINDS}, got {fields}")
        units[fields[0]] = Unit(fields[0], fields[1], fields[2] == "yes")
    return units


def load_exclusions(path: Path = EXCLUSIONS_FILE) -> list[str]:
    """Fixed expressions, one per line (`#` lines are comments).

    Raises:
        ValueError: naming the file and line of an entry with whitespace inside.
    """
    entries = []
    for number, line in _data_lines(path):
        entry = line.strip()
        if any(char.isspace() for char in entry):
            raise ValueError(f"{path}:{number}: one expression per line, without spaces: {line!r}")
        entries.append(entry)
    return entries


def load_metric_words(path: Path = WORDS_FILE) -> dict[str, frozenset[str]]:
    """Words by role from a CSV file with header `word,role`, role in WORD_ROLES.

    Raises:
        ValueError: naming the file and line of a malformed row or an unknown role.
    """
    rows = _data_lines(path)
    if not rows or rows[0][1].strip() != "word,role":
        raise ValueError(f"{path}: expected the header word,role")
    words: dict[str, set[str]] = {role: set() for role in WORD_ROLES}
    for number, line in rows[1:]:
        fields = line.split(",")
        if len(fields) != 2 or fields[1] not in WORD_ROLES or not fields[0]:
            raise ValueError(f"{path}:{number}: expected word,role with role in {WORD_ROLES}, got {line!r}")
        words[fields[1]].add(fields[0])
    return {role: frozenset(ws) for role, ws in words.items()}


UNITS = load_units()
EXCLUSIONS = load_exclusions()
WORDS = load_metric_words()

_CN = f"[{CHINESE_NUMERAL_CHARS}]"
_UNIT_ALTERNATION = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_METRIC_RE = re.compile(
    r"(?P<pre>大约|将近|接近|超过|不足|不到|约|近|逾|超|上)?"
    rf"(?:百分之(?P<pct>{NUMBER_PATTERN})|(?P<num>{NUMBER_PATTERN})(?P<mid>余|多|来|几)?(?P<mult>[万千亿]?)"
    r"[ \t\u3000\n]{0,3}"
    rf"(?P<unit>{_UNIT_ALTERNATION}))"
    r"(?P<post>左右|以上|以下|以内|上下|开外|有余)?"
)
_EXCLUSION_RE = re.compile("|".join(re.escape(e) for e in sorted(EXCLUSIONS, key=len, reverse=True)))
# names, slogans and titles in quotes; quoted speech (with its own punctuation) keeps its numbers
_NAME_CHARS = r"[^“”\"「」\n，,。！？!?；;]{1,16}"
_QUOTE_RE = re.compile(rf"“{_NAME_CHARS}”|\"{_NAME_CHARS}\"|「{_NAME_CHARS}」|《[^《》\n]{{1,40}}》")
_SENTENCE_END_RE = re.compile(r"[。！？!?\n]")
_CLAUSE_END_RE = re.compile(r"[，,。；;：:！？!?\n（）()]")
_SLOGAN_RE = re.compile(rf"{_CN}(?!{_CN}|[余多来几])[\u4e00-\u9fff]{_CN}")  # 一戴二勤, 四好两无, 五个一
_RATE_RE = re.compile(r"(?:每|平均|人均|日均|月均|年均|户均)[^，,。；;：:！？!?\n]{0,10}$")  # 每天安排志愿者两人
_PLAN_RE = re.compile(r"拟|计划|力争|预计|争取|将要|准备|目标")  # work not done yet: 力争完成剩余3个小区的改造
_PLACE_AFTER_RE = re.compile(r"[区县市镇乡村路街河渠山湖桥港庄屯营堡寨店铺沟坡湾]")
_INHERIT_DISTANCE = 12  # characters between two quantities of the same things
_NAMED_ONE_RE = re.compile(r"[\u4e00-\u9fff]{1,6}[(（]")
_PLACE_MEASURES = frozenset("台家条间座棵道口里盏块根")
# a prefix that is the end of another word: 附近 (nearby), 预约 (book)... (上 counts only before 百/千/万)
_FALSE_PREFIX = frozenset({"附近", "最近", "临近", "靠近", "邻近", "就近", "预约", "签约", "特约", "邀约", "履约",
                           "相约", "节约", "制约", "公约", "赶超", "高超"})
_VAGUE_BEFORE = frozenset("第数几若前")  # 第五届, 数十米, 若干, 前3名
_TIME_AFTER_RE = re.compile(r"[多半]?(?:月|星期|礼拜|小时|钟头|工作日|季度|年头|昼夜)")  # 两个月, 2个多小时: durations
_SPELL_BEFORE = ("历时", "用时", "耗时", "为期", "持续", "连续", "仅用")  # 历时3小时: how long, not work
_NEIGHBOURS_RE = re.compile(r"([一二两三四五六七八])([二三四五六七八九])([十百千万]?)")
_RANGE_RE = re.compile(rf"{NUMBER_PATTERN}(?:-|~|～|—|至)$")
_HOURS_DURATION_AFTER = ("内", "以", "之内", "后", "来", "前")
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


@functools.cache
def _tagger() -> jieba.posseg.POSTokenizer:
    """A part-of-speech tagger on a private jieba dictionary with the metric nouns added."""
    tokenizer = jieba.Tokenizer()
    for word in WORDS["noun"]:
        tokenizer.add_word(word, freq=100_000, tag="n")
    tokenizer.check_initialized()
    for word in WORDS["verb"] | WORDS["light"] | WORDS["title"]:
        if word not in tokenizer.FREQ:  # known verbs keep their tags (专项整治 is a noun phrase)
            tokenizer.add_word(word, tag="v")
    return jieba.posseg.POSTokenizer(tokenizer)


def extract_metrics(text: str) -> list[Metric]:
    """Every quantity in `text` that measures work done, inputs or outputs.

    Args:
        text: an article body (cleaned text; full-width digits are accepted too).

    Returns:
        Metrics in text order; `start`/`end` are offsets into `text`.
    """
    if not any(char.isdigit() or char in CHINESE_NUMERAL_CHARS for char in text):
        return []
    blocked = _merge([m.span() for m in _EXCLUSION_RE.finditer(text)] + [m.span() for m in _QUOTE_RE.finditer(text)])
    blocked_starts = [s for s, _ in blocked]
    sentence_ends = [m.start() for m in _SENTENCE_END_RE.finditer(text)]
    metrics: list[Metric] = []
    consumed = 0  # end of the previous metric and of the `what` read after it
    for match in _METRIC_RE.finditer(text):
        candidate = _candidate(text, match)
        if candidate is None:
            continue
        i = bisect.bisect_left(blocked_starts, candidate[4]) - 1
        if i >= 0 and blocked[i][1] > candidate[3]:  # inside a quote, a title or a fixed expression
            continue
        value, unit, approx, start, end = candidate
        kind = UNITS.get(unit, UNITS["%"]).kind
        what, what_end, nominal = _what(text, start, end, consumed, kind)
        sentence = _sentence(text, start, sentence_ends)
        previous = metrics[-1] if metrics else None
        if previous and previous.unit == unit and start - previous.end <= _INHERIT_DISTANCE:
            if not nominal or not what:
                what = previous.what  # 673家“五小”门店已整改到位606家, 由40%提升至92%: the same things
            elif what and all(flag == "b" for _, flag in _tokens(what)):  # 10台雾炮车(6台中型和4台大型)
                head = _tokens(previous.what)
                while len(head) > 1 and head[0][1] == "b":
                    head.pop(0)
                what += "".join(word for word, _ in head)
        consumed = max(end, what_end)
        metrics.append(Metric(value, unit, approx, what, text[start:end], sentence, start, end, kind))
    return metrics


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping union of (start, end) spans."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _candidate(text: str, match: re.Match[str]) -> tuple[float, str, bool, int, int] | None:
    """(value, unit, approx, start, end) of a regex match that passes the rules, else None."""
    pre, printed = match.group("pre"), match.group("num") or match.group("pct")
    num_start = match.start("num") if match.group("num") else match.start("pct") - 3
    start = match.start()
    if pre and (text[start - 1:start + 1] in _FALSE_PREFIX or (pre == "上" and printed not in ("百", "千", "万"))):
        pre, start = None, num_start
    if (pre or match.group("mid")) and printed in ("百", "千", "万"):  # 上百人, 近百名, 百余名, 千余份
        printed = "一" + printed
    neighbours = _NEIGHBOURS_RE.fullmatch(printed)
    if neighbours and DIGITS[neighbours.group(2)] == DIGITS[neighbours.group(1)] + 1:
        printed = neighbours.group(2) + neighbours.group(3)  # 七八个, 三四百名: the upper bound, approximate
    elif len(printed) > 1 and all(char in DIGITS for char in printed):
        return None  # 七一三社区, 二〇一八: names and years written digit by digit
    try:
        value = parse_number(printed) * MULTIPLIERS.get(match.group("mult") or "", 1)  # 120余万元
    except ValueError:
        return None
    unit_name = match.group("unit") or "%"
    unit = UNITS.get(unit_name, UNITS["%"])
    chinese = printed[0] in CHINESE_NUMERAL_CHARS
    before = text[max(0, start - 6):start]
    after = text[match.end():match.end() + 3]
    ranged = _RANGE_RE.search(text, max(0, start - 12), start)
    if ranged:  # 3至5名, 3-5人: the span covers the range, the value is its upper bound
        start, before = ranged.start(), text[max(0, ranged.start() - 6):ranged.start()]
    if (
        (before[-1:] and (before[-1] in _VAGUE_BEFORE or before[-1].isascii() and before[-1].isalnum()
                          or before[-1] == "."))
        or (after[:1].isascii() and after[:1].isalpha())
        or _RATE_RE.search(text, max(0, start - 12), start)
        or _PLAN_RE.search(text, _clause_start(text, start), start)
        or (match.group("unit") == "个" and _TIME_AFTER_RE.match(text, match.end()))
        or (unit.kind == "hours" and (after.startswith(_HOURS_DURATION_AFTER) or value == 24
                                      or match.group("post") in ("以内", "以下") or before.endswith(_SPELL_BEFORE)))
        or (printed.isdigit() and len(printed) >= 7 and unit.kind not in ("money", "measure"))
    ):
        return None
    if chinese and not _chinese_is_count(text, match, printed, unit, pre):
        return None
    approx = bool(pre or match.group("mid") or match.group("post") or ranged or neighbours)
    return value, unit_name, approx, start, match.end()


def _chinese_is_count(text: str, match: re.Match[str], printed: str, unit: Unit, pre: str | None) -> bool:
    """Rules for quantities written in Chinese numerals, which also make names, slogans and idioms."""
    end = match.end()
    if printed in ("一", "壹"):  # the article "a" (一名干部), unless a bracket names the one: 一条道路(钢厂路)
        return unit.after_chinese and _NAMED_ONE_RE.match(text, end) is not None
    if printed == "二" or not unit.after_chinese:  # counts say 两, not 二: 二次污染
        return False
    following = text[end:end + 1]
    if following.isdigit() or following == "号" or following in CHINESE_NUMERAL_CHARS:
        return False
    if match.group("unit") in _PLACE_MEASURES and _PLACE_AFTER_RE.match(following):
        return False
    return pre is not None or not _SLOGAN_RE.search(text[max(0, match.start() - 2):end + 2])


def _sentence(text: str, start: int, sentence_ends: list[int]) -> str:
    i = bisect.bisect_left(sentence_ends, start)
    begin = sentence_ends[i - 1] + 1 if i else 0
    finish = sentence_ends[i] + 1 if i < len(sentence_ends) else len(text)
    return text[begin:finish].strip()


def _what(text: str, start: int, end: int, consumed: int, kind: str) -> tuple[str, int, bool]:
    """The thing counted, the offset where its reading ended (`end` when read before the number)
    and whether it is a noun (False when only an action was printed: 整改到位606家)."""
    after, after_end = _what_after(text, end)
    if after:
        return after, after_end, True
    clause_start = max(consumed, _clause_start(text, start))
    what, nominal = _what_before(text[clause_start:start], kind)
    return what, end, nominal


def _clause_start(text: str, start: int) -> int:
    window = text[max(0, start - 40):start]
    ends = [m.end() for m in _CLAUSE_END_RE.finditer(window)]
    return start - len(window) + (ends[-1] if ends else 0)


def _tokens(text: str) -> list[tuple[str, str]]:
    """(word, flag) pairs; a long word that starts with an action verb is split (种植苗木 -> 种植 苗木)."""
    tokens = []
    for token in _tagger().lcut(text, HMM=False):  # no guessing of unknown words: 3x faster, same heads
        verb = token.word[:2]
        if any(char.isdigit() for char in token.word):
            tokens.append((token.word, "m"))
        elif len(token.word) >= 4 and verb in WORDS["verb"] and not _is_nominal(token.word, token.flag):
            tokens += [(verb, "v"), (token.word[2:], "n")]
        else:
            tokens.append((token.word, token.flag))
    return tokens


def _is_nominal(word: str, flag: str) -> bool:
    if word in WORDS["noun"] or (len(word) == 1 and word in _NOUN_SUFFIXES):
        return True
    return flag.startswith(_NOMINAL_FLAGS) and word not in WORDS["tail"]


def _is_verb(word: str, flag: str) -> bool:
    return flag.startswith("v") and not _is_nominal(word, flag)


def _what_after(text: str, end: int) -> tuple[str, int]:
    run = _AFTER_RUN_RE.match(text, end).group()
    if not run or not ("\u4e00" <= run[0] <= "\u9fff" or run[0] in _QUOTES or run[0].isdigit()):
        return "", end
    following = _METRIC_RE.match(text, end)
    if following and following.group("num") and _candidate(text, following):  # 12大类40余种服务岗位
        return _what_after(text, following.end())
    quoted = _QUOTED_RE.match(run)
    if quoted:
        rest = _nominal_prefix(run[quoted.end():])  # “五小”门店 -> 门店, 58所“儿童之家” -> 儿童之家
        return _trim(rest or quoted.group(1)), end + quoted.end() + len(rest)
    title = next((w for w in WORDS["title"] if run.startswith(w)), None)
    if title:  # 8人获评郑州市文明市民: the people counted are what they became
        head = _nominal_prefix(run[len(title):])
        return _trim(head), end + len(title) + len(head)
    relative = _RELATIVE_RE.match(run)
    if relative and not all(_is_nominal(*token) for token in _tokens(relative.group(1))) \
            and not any(verb in relative.group(1) for verb in _MEMBERSHIP_VERBS):
        head = _nominal_prefix(run[relative.end():])
        if head:
            return _trim(head), end + relative.end() + len(head)
    head = _nominal_prefix(run)
    return _trim(head), end + len(head)


def _nominal_prefix(run: str) -> str:
    """The noun phrase at the start of `run` ("" when it starts with a verb or particle)."""
    tokens = _tokens(run)
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


def _what_before(chunk: str, kind: str) -> tuple[str, bool]:
    """The thing counted, read backwards from the number through the clause before it, and
    whether it is a noun phrase (False when it is the action itself: 督查共计32次)."""
    tokens = _tokens(chunk)
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


def _trim(phrase: str) -> str:
    """Keep the head of a long noun phrase: whole words from the end, up to WHAT_MAX_CHARS, at least
    two characters, and the word before a generic head (志愿服务活动, not 活动); a quoted name is one
    word (“文明餐桌”行动 -> 文明餐桌行动). Lists (、 和) are kept whole. Quote marks are dropped."""
    bare = "".join(char for char in phrase if char not in _QUOTES)
    if len(bare) <= WHAT_MAX_CHARS or any(char in bare for char in "、和与及"):
        return bare
    words = [word for part in _QUOTED_PART_RE.findall(phrase)
             for word in ([part[1:-1]] if part[0] in _QUOTES else [w for w, _ in _tokens(part)])]
    kept: list[str] = []
    while words and (sum(map(len, kept)) < 2 or len(words[-1]) + sum(map(len, kept)) <= WHAT_MAX_CHARS):
        kept.insert(0, words.pop())
    if words and ("".join(kept) in WORDS["generic"] or words[-1] in _NEGATIONS):
        kept.insert(0, words.pop())
    return "".join(kept)
