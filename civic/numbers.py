"""Numbers as printed in Chinese text: Arabic, Chinese numerals and mixtures -> float.

Accepted forms (full-width digits and separators are normalised first):

| printed            | value      | note                                             |
| ------------------ | ---------- | ------------------------------------------------ |
| `3000`, `3,000`    | 3000       | thousands separators                             |
| `31.13`            | 31.13      | decimals                                         |
| `1.5万`, `3千万`   | 15000, 3e7 | Arabic number times 十/百/千/万/亿 multipliers    |
| `两`, `二十`, `十五` | 2, 20, 15  | Chinese numerals; a leading 十 means 一十         |
| `一百零五`         | 105        | 零/〇 fills a skipped place                      |
| `三百五`, `一万五` | 350, 15000 | colloquial: a trailing digit counts one place down |
| `一亿二千万`       | 120000000  | 万 and 亿 sections                               |
| `二〇一八`         | 2018       | digit-by-digit form (years, codes)               |
| `叁仟贰佰`         | 3200       | financial (大写) numerals                        |

Approximation words (余, 多, 约, 近...) are not part of a number: callers strip them.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9,
    "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
}
SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS: dict[str, int] = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
MULTIPLIERS: dict[str, int] = {**SMALL_UNITS, **BIG_UNITS}

CHINESE_NUMERAL_CHARS = "".join(DIGITS) + "".join(MULTIPLIERS)
ARABIC = r"\d+(?:,\d{3})*(?:[.．]\d+)?"
MULTIPLIER_CHARS = "".join(MULTIPLIERS)

# One number as printed: Arabic with optional multipliers (1.5万), or a run of Chinese numerals.
NUMBER_PATTERN = rf"(?:{ARABIC}[{MULTIPLIER_CHARS}]*|[{CHINESE_NUMERAL_CHARS}]+)"

_ARABIC_RE = re.compile(rf"({ARABIC})([{MULTIPLIER_CHARS}]*)")
_CHINESE_RE = re.compile(f"[{CHINESE_NUMERAL_CHARS}]+")


def parse_number(printed: str) -> float:
    """The value of one printed number.

    Args:
        printed: a number as printed, e.g. `200`, `1.5万`, `二十`, `两`, `一百零五`;
            surrounding whitespace is ignored, full-width digits are accepted.

    Returns:
        The value as a float (15000.0 for `1.5万`).

    Raises:
        ValueError: when `printed` is not one number, with the offending text in the message.
    """
    if printed.isascii() and printed.isdigit():  # the common case: 200
        return float(printed)
    text = unicodedata.normalize("NFKC", printed).strip()
    arabic = _ARABIC_RE.fullmatch(text)
    if arabic:
        try:
            value = Decimal(arabic.group(1).replace(",", ""))
        except InvalidOperation as err:  # pragma: no cover - the pattern admits only decimals
            raise ValueError(f"not a number: {printed!r}") from err
        for char in arabic.group(2):
            value *= MULTIPLIERS[char]
        return float(value)
    if _CHINESE_RE.fullmatch(text):
        return float(_parse_chinese(text, printed))
    raise ValueError(f"not a number: {printed!r} (expected digits like 200 or 1.5万, or numerals like 二十)")


def _parse_chinese(text: str, printed: str) -> int:
    if len(text) > 1 and all(char in DIGITS for char in text):
        return int("".join(str(DIGITS[char]) for char in text))
    total = 0  # completed 万/亿 sections
    section = 0  # value below the current big unit
    pending: int | None = None  # a digit waiting for its unit
    last_unit = 0  # the unit just before `pending`, for colloquial 三百五
    zero_gap = False  # a 零 since the last unit: 一百零五 is not 一百五
    section_unit = 10_000  # the last 十/百/千 of this section: they must descend
    biggest = 0
    for char in text:
        if char in DIGITS:
            if pending:
                raise ValueError(f"not a number: {printed!r} (two digits in a row in a Chinese numeral)")
            zero_gap = zero_gap or DIGITS[char] == 0
            pending = DIGITS[char]
        elif char in SMALL_UNITS:
            unit = SMALL_UNITS[char]
            if unit >= section_unit:
                raise ValueError(f"not a number: {printed!r} ({char} after a unit as small or smaller)")
            if not pending:
                if unit != 10 or section % 100:
                    raise ValueError(f"not a number: {printed!r} ({char} without a digit before it)")
                pending = 1  # 十五 = 一十五
            section += pending * unit
            pending, last_unit, section_unit, zero_gap = None, unit, unit, False
        else:
            unit = BIG_UNITS[char]
            section += pending or 0
            if section == 0:
                raise ValueError(f"not a number: {printed!r} ({char} without a number before it)")
            total = (total + section) * unit if unit > biggest else total + section * unit
            biggest = max(biggest, unit)
            section, pending, last_unit, section_unit, zero_gap = 0, None, unit, 10_000, False
    if pending is not None:
        # 三百五 = 350 and 一万五 = 15000, but 一百零五 = 105
        section += pending if zero_gap or last_unit == 0 else pending * last_unit // 10
    return total + section
