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

`what`, the thing counted, is read by `civic.metric_what`.
"""

from __future__ import annotations

import bisect
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from civic.config import RESOURCES_DIR
from civic.metric_what import CLAUSE_ENDS, pos_tokens, read_what
from civic.numbers import CHINESE_NUMERAL_CHARS, DIGITS, MULTIPLIER_CHARS, MULTIPLIERS, NUMBER_PATTERN, parse_number

UNITS_FILE = RESOURCES_DIR / "metric_units.csv"
EXCLUSIONS_FILE = RESOURCES_DIR / "metric_exclusions.txt"

UNIT_KINDS = ("person", "item", "event", "hours", "measure", "money", "percent")


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


UNITS = load_units()
EXCLUSIONS = load_exclusions()

_CN = f"[{CHINESE_NUMERAL_CHARS}]"
_UNIT_ALTERNATION = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_METRIC_RE = re.compile(
    r"(?P<pre>大约|将近|接近|超过|不足|不到|约|近|逾|超|上)?"
    rf"(?:百分之(?P<pct>{NUMBER_PATTERN})|(?P<num>{NUMBER_PATTERN})(?:\n{{1,2}}(?=余|多))?(?P<mid>余|多|来|几)?"
    r"(?P<mult>[万千亿]?)"
    r"[ \t\u3000\n]{0,3}"
    rf"(?P<unit>{_UNIT_ALTERNATION}))"
    r"(?P<post>左右|以上|以下|以内|上下|开外|有余)?"
)
_N = rf"[\d{CHINESE_NUMERAL_CHARS}]"
# What can follow the numerals of a metric: a unit, 余多来几, a multiplier, a space or a line break.
_AFTER_NUMBER = re.escape("".join(sorted({unit[0] for unit in UNITS}.union("余多来几", MULTIPLIER_CHARS,
                                                                            " \t\u3000\n"))))
# Where _METRIC_RE is tried (see _metric_matches): 百 of 百分之, the first character of an approximation word
# followed by a numeral, and the first character of a run of digits (with their , and .) or of Chinese
# numerals followed by what can follow a number; not the run's other characters: where the pattern matches
# inside a run, it matches at the run's first character too. One character class first, so that the regex
# engine skips to these characters quickly.
_METRIC_START_RE = re.compile(
    rf"[大将接超不约近逾上\d{CHINESE_NUMERAL_CHARS}]"
    rf"(?:(?<=百)(?=分之)|(?<=\d)(?=[\d,.．]*[{_AFTER_NUMBER}])\d*"
    rf"|(?<={_CN})(?={_CN}*[{_AFTER_NUMBER}])(?:(?!百分之){_CN})*"
    rf"|(?<=[约近逾上])(?={_N})|(?<=超)(?=过?{_N})|(?<=大)(?=约{_N})|(?<=[将接])(?=近{_N})|(?<=不)(?=[足到]{_N}))"
)
_NUMERAL_RE = re.compile(rf"[\d{CHINESE_NUMERAL_CHARS}]")
_EXCLUSION_RE = re.compile("|".join(re.escape(e) for e in sorted(EXCLUSIONS, key=len, reverse=True)))
# names, slogans and titles in quotes; quoted speech (with its own punctuation) keeps its numbers
_NAME_CHARS = r"[^“”\"「」\n，,。！？!?；;]{1,16}"
_QUOTE_RE = re.compile(rf"“{_NAME_CHARS}”|\"{_NAME_CHARS}\"|「{_NAME_CHARS}」|《[^《》\n]{{1,40}}》")
_SENTENCE_END_RE = re.compile(r"[。！？!?\n]")
_TO_SENTENCE_END_RE = re.compile(r".*[。！？!?\n]", re.DOTALL)  # through the last sentence end of a window
_SLOGAN_RE = re.compile(rf"{_CN}(?!{_CN}|[余多来几])[\u4e00-\u9fff]{_CN}")  # 一戴二勤, 四好两无, 五个一
_RATE_RE = re.compile(r"(?:每|平均|人均|日均|月均|年均|户均)[^，,。；;：:！？!?\n]{0,10}$")  # 每天安排志愿者两人
# work not done yet, earlier in the clause (at most 40 characters back): 力争完成剩余3个小区的改造
_PLAN_IN_CLAUSE_RE = re.compile(rf"(?:拟|计划|力争|预计|争取|将要|准备|目标)[^{CLAUSE_ENDS}]*\Z")
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
_RANGE_LAST = frozenset("-~～—至\n")  # the character before a number that a range can end with
_HOURS_DURATION_AFTER = ("内", "以", "之内", "后", "来", "前")


def extract_metrics(text: str) -> list[Metric]:
    """Every quantity in `text` that measures work done, inputs or outputs.

    Args:
        text: an article body (cleaned text; full-width digits are accepted too).

    Returns:
        Metrics in text order; `start`/`end` are offsets into `text`.
    """
    if not _NUMERAL_RE.search(text):
        return []
    quotes: list[tuple[int, int]] | None = None  # found when a first candidate passes the rules (a quarter never do)
    begin = finish = 0  # the sentence of the last metric, text[begin:finish]
    metrics: list[Metric] = []
    consumed = 0  # end of the previous metric and of the `what` read after it
    for match in _metric_matches(text):
        candidate = _candidate(text, match)
        if candidate is None:
            continue
        if quotes is None:
            quotes = [m.span() for m in _QUOTE_RE.finditer(text)]
            fixed = [m.span() for m in _EXCLUSION_RE.finditer(text)]
        if _overlaps(quotes, candidate[3], candidate[4]) or fixed and _overlaps(fixed, candidate[3], candidate[4]):
            continue  # inside a quote, a title or a fixed expression
        value, unit, approx, start, end = candidate
        kind = UNITS[unit].kind
        what, what_end, nominal = read_what(text, start, end, consumed, kind, quantity_end=_quantity_end)
        if not begin <= start < finish:  # metrics mostly share sentences
            begin, finish = _sentence_bounds(text, start, finish if start >= finish else 0)
            sentence = text[begin:finish].strip()
        previous = metrics[-1] if metrics else None
        if previous and previous.unit == unit and start - previous.end <= _INHERIT_DISTANCE:
            if not nominal or not what:
                what = previous.what  # 673家“五小”门店已整改到位606家, 由40%提升至92%: the same things
            elif what and all(flag == "b" for _, flag in pos_tokens(what)):  # 10台雾炮车(6台中型和4台大型)
                head = pos_tokens(previous.what)
                while len(head) > 1 and head[0][1] == "b":
                    head.pop(0)
                what += "".join(word for word, _ in head)
        consumed = max(end, what_end)
        metrics.append(Metric(value, unit, approx, what, text[start:end], sentence, start, end, kind))
    return metrics


def _metric_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of `_METRIC_RE.finditer(text)`, the pattern tried only where _METRIC_START_RE matches.

    Inside a run of digits (or of Chinese numerals), the pattern matches at a character only if it matches
    at the one before, whose match then covers this one: trying the run's first character is enough. A
    match can end inside a run only when it ends with the number (百分之1,2345, 百分之3万五): the pattern is
    tried again right there.
    """
    resume = 0
    for start in _METRIC_START_RE.finditer(text):
        at = start.start()
        while at >= resume and (match := _METRIC_RE.match(text, at)):
            resume = match.end()
            yield match
            if not (match.group("pct") and _NUMERAL_RE.match(text, resume)):
                break
            at = resume


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether `text[start:end]` overlaps one of `spans`, (start, end) pairs sorted and not overlapping."""
    i = bisect.bisect_left(spans, (end,)) - 1  # the last span that starts before `end`, which ends last of those
    return i >= 0 and spans[i][1] > start


def _candidate(text: str, match: re.Match[str]) -> tuple[float, str, bool, int, int] | None:
    """(value, unit, approx, start, end) of a regex match that passes the rules, else None."""
    pre, pct, num, mid, mult, unit_name, post = match.group("pre", "pct", "num", "mid", "mult", "unit", "post")
    printed = num or pct
    start = match.start()
    if pre and (text[start - 1:start + 1] in _FALSE_PREFIX or (pre == "上" and printed not in ("百", "千", "万"))):
        pre, start = None, match.start("num") if num else match.start("pct") - 3
    unit_name = unit_name or "%"
    unit = UNITS[unit_name]
    neighbours = None
    if not printed.isascii():  # the rules of Chinese numerals, before reading them: most are rejected
        if (pre or mid) and printed in ("百", "千", "万"):  # 上百人, 近百名, 百余名, 千余份
            printed = "一" + printed
        neighbours = _NEIGHBOURS_RE.fullmatch(printed)
        if neighbours and DIGITS[neighbours.group(2)] == DIGITS[neighbours.group(1)] + 1:
            printed = neighbours.group(2) + neighbours.group(3)  # 七八个, 三四百名: the upper bound, approximate
        elif len(printed) > 1 and all(char in DIGITS for char in printed):
            return None  # 七一三社区, 二〇一八: names and years written digit by digit
        if printed[0] in CHINESE_NUMERAL_CHARS and not _chinese_is_count(text, match, printed, unit, pre):
            return None
    try:
        value = float(printed) if printed.isascii() and printed.isdigit() else parse_number(printed)
    except ValueError:
        return None
    if mult:
        value *= MULTIPLIERS[mult]  # 120余万元
    end = match.end()
    # a range ends right before the number, or (the pattern ends in $) before a newline there
    ranged = _RANGE_RE.search(text, max(0, start - 12), start) if text[start - 1:start] in _RANGE_LAST else None
    if ranged:  # 3至5名, 3-5人: the span covers the range, the value is its upper bound
        start = ranged.start()
    before = text[start - 1] if start else ""
    after = text[end:end + 3]
    rate_window = text[max(0, start - 12):start]
    if (
        (before and (before in _VAGUE_BEFORE or before.isascii() and before.isalnum() or before == "."))
        or (after[:1].isascii() and after[:1].isalpha())
        or (printed.isdigit() and len(printed) >= 7 and unit.kind not in ("money", "measure"))
        or (unit_name == "个" and _TIME_AFTER_RE.match(text, end))
        or (unit.kind == "hours" and (after.startswith(_HOURS_DURATION_AFTER) or value == 24 or post in ("以内", "以下")
                                      or text[max(0, start - 6):start].endswith(_SPELL_BEFORE)))
        or (("每" in rate_window or "均" in rate_window) and _RATE_RE.search(text, max(0, start - 12), start))
        or _PLAN_IN_CLAUSE_RE.search(text, max(0, start - 40), start)
    ):
        return None
    approx = bool(pre or mid or post or ranged or neighbours)
    return value, unit_name, approx, start, end


def _quantity_end(text: str, at: int) -> int | None:
    """End of a counted quantity printed at `at` (12大类40余种服务岗位: read past 40余种), else None."""
    following = _METRIC_RE.match(text, at)
    return following.end() if following and following.group("num") and _candidate(text, following) else None


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


def _sentence_bounds(text: str, start: int, after: int) -> tuple[int, int]:
    """(begin, finish) of the sentence holding `text[start]`: past the last of 。！？!? or a line break before
    it, through the first at or after it. `after` is 0 or just past a sentence end before `start`."""
    last = _TO_SENTENCE_END_RE.match(text, after, start)
    following = _SENTENCE_END_RE.search(text, start)
    return last.end() if last else after, following.end() if following else len(text)

