"""The date of the activity an article reports.

The activity date is the first date that dates an event in the lead paragraphs: `11月22日上午`,
`2018年11月30日`, `昨日` (the day before the page date), `11日上午` (a day of the page's month,
or of the month before when it is later than the page's day), the start of a range
(`9月29日至10月8日` -> 9月29日, `从10月14日开始` -> 10月14日). A date without a day
(`2019年11月`, `今年3月`, `10月中旬`) and a relative day when the page date is not known
(`昨日` with only a manifest year) cannot give a day: they are passed over and the next dated
event of the lead is taken (`昨天,...座谈会上...从10月14日开始...培训` -> 10月14日, the start of
the training the forum belongs to).

Not activity dates, skipped: periods and their starting points (`2020年以来`, `1月份以来`,
`自3月起`), deadlines (`12月底前`, `截至10月底`), durations (`3年来`), years alone
(`2018年,二七区...` dates a review, not an event).

Output: ISO `YYYY-MM-DD`; `--MM-DD` when the year is unknown (no year in the text, no `year`,
no `page_date`); "" when no activity date with a day is found.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from civic.regexscan import finditer_from

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_YEAR = r"(?:(?P<year>\d{4}|[〇零○一二三四五六七八九]{4})年|(?P<this>今年|本年)|(?P<last>去年|上年))"
_DATE = re.compile(
    rf"(?:{_YEAR})?(?P<month>{_NUM})月(?:份)?(?:(?P<day>{_NUM})[日号])?(?P<part>上旬|中旬|下旬|初|中|底|末)?"
)
_RELATIVE = re.compile(
    r"(?P<word>前天|前日|昨天|昨日|今天|今日)|(?<![\d月号])(?P<day>\d{1,2})日(?=上午|下午|晚|早|凌晨|中午|,)"
)
# Every character a date (a year, a month, 今年/本年/去年/上年) or a relative day can start with.
_DATE_START = re.compile(r"[\d〇零○一二三四五六七八九十今本去上]")
_RELATIVE_START = re.compile(r"[前昨今\d]")
#: Words right after a date that make it a period start or a deadline, not the activity.
_NOT_EVENT_AFTER = re.compile(r"^(?:以来|来|以后|之后|前|之前|以前|起|底前|末前|份以来|至今|为止)")
#: Words right before a date that make it a deadline or a limit.
_NOT_EVENT_BEFORE = re.compile(r"(?:截至|截止|至|直到|计划|预计|将于|力争)$")
#: A full date in a web source line (`2023-05-12`, `2023年05月12日`, `2019/11/22`).
_PUBLISHED = re.compile(r"(?P<year>\d{4})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})")
#: How many leading paragraphs are searched: later dates are background, not the activity.
LEAD_PARAGRAPHS = 3


def extract_date(text: str, *, year: int | None = None, page_date: str | None = None) -> str:
    """The date of the activity an article reports.

    Args:
        text: the article body (cleaned); paragraphs separated by newlines.
        year: the year of the page (manifest or file name), used for `11月22日` and `今年`.
        page_date: ISO `YYYY-MM-DD` of the page, used for `昨日`/`昨天`/`前天`/`今天`; its
            year is used when `year` is None.

    Returns:
        `YYYY-MM-DD`, `--MM-DD` or "" (see the module docstring).

    Examples:
        >>> extract_date("本报讯 11月22日上午,解放路街道开展行动。", year=2019)
        '2019-11-22'
        >>> extract_date("2020年以来,西流湖街道凯旋路社区坚持以居民感受为导向。", year=2021)
        ''
    """
    page = _parse_iso(page_date)
    if year is None and page:
        year = page.year
    paragraphs = [p for p in text.split("\n") if p.strip()]
    return _first_date("\n".join(paragraphs[:LEAD_PARAGRAPHS]), year, page)


def _first_date(text: str, year: int | None, page: date | None) -> str:
    candidates = sorted([*finditer_from(_DATE, _DATE_START, text), *finditer_from(_RELATIVE, _RELATIVE_START, text)],
                        key=lambda m: m.start())
    for match in candidates:
        relative = match.re is _RELATIVE
        found = _relative(match, page) if relative else _absolute(match, text, year, page)
        if found is not None:
            return found
    return ""


def _relative(match: re.Match, page: date | None) -> str | None:
    """The day a word (`昨日`) or a bare day of the month (`11日上午`) names; None without a page date."""
    if page is None:
        return None
    if match.group("day"):
        day = int(match.group("day"))
        month_start = page.replace(day=1)
        if day > page.day:  # a day later than the page's: last month
            month_start = (month_start - timedelta(days=1)).replace(day=1)
        try:
            return month_start.replace(day=day).isoformat()
        except ValueError:
            return None
    back = {"前天": 2, "前日": 2, "昨天": 1, "昨日": 1}.get(match.group("word"), 0)
    return (page - timedelta(days=back)).isoformat()


def _absolute(match: re.Match, text: str, year: int | None, page: date | None) -> str | None:
    """The ISO date of a printed date; None when it is not an event date or has no day."""
    after = text[match.end():match.end() + 4]
    before = text[max(0, match.start() - 4):match.start()]
    part = match.group("part") or ""
    if _NOT_EVENT_AFTER.match(after) or _NOT_EVENT_BEFORE.search(before) or part in ("底", "末"):
        return None
    month = _number(match.group("month"))
    day = _number(match.group("day")) if match.group("day") else None
    if not 1 <= month <= 12 or (day is not None and not _valid_day(month, day)):
        return None
    if day is None:
        return None
    if match.group("year"):
        found_year: int | None = _number(match.group("year"))
    elif match.group("this"):
        found_year = year
    elif match.group("last"):
        found_year = year - 1 if year else None
    else:
        found_year = year
        if page and year == page.year and (month, day) > (page.month, page.day):
            found_year = year - 1  # a January page reporting a December activity
    prefix = f"{found_year:04d}" if found_year else "-"
    return f"{prefix}-{month:02d}-{day:02d}"


def _valid_day(month: int, day: int) -> bool:
    try:
        date(2000, month, day)  # a leap year: 2月29日 is a valid day
    except ValueError:
        return False
    return True


def _number(text: str) -> int:
    """`11` -> 11, `十一` -> 11, `二十二` -> 22, `二〇一九` -> 2019."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(units, 0) if units else 0)
    value = 0
    for char in text:
        value = value * 10 + _CN_DIGITS[char]
    return value


def _parse_iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None



def publication_date(meta_lines: list[str]) -> str:
    """The date a web page was published, from its source lines (`发布时间:2023-05-12 09:30`).

    Use it as `page_date` for `extract_date` when the manifest and file name give none, so that
    `昨日` in a web article resolves. Lines naming a time (`发布`, `时间`, `日期`) are preferred.

    Args:
        meta_lines: the article's source lines (`ArticleSpan.meta`).

    Returns:
        ISO `YYYY-MM-DD`, or "" when no line holds a valid full date.
    """
    ordered = sorted(meta_lines, key=lambda line: not re.search(r"发布|时间|日期", line))
    for line in ordered:
        for match in _PUBLISHED.finditer(line):
            year, month, day = (int(match.group(g)) for g in ("year", "month", "day"))
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                continue
    return ""
