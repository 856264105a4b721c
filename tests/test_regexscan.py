"""finditer_from gives what finditer gives: same matches, leftmost first, no overlaps."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic.dates import _DATE, _DATE_START, _RELATIVE, _RELATIVE_START
from civic.metrics import _METRIC_RE, _METRIC_START_RE
from civic.regexscan import finditer_from


def spans(matches):
    return [(m.span(), m.group()) for m in matches]


@pytest.mark.parametrize(("pattern", "starts", "text"), [
    # optional words before the number, ranges and approximations
    (_METRIC_RE, _METRIC_START_RE, "出动志愿者约200余人,清理垃圾3至5吨,发放宣传册1.5万份,整改率达百分之九十。"),
    # a match swallows the next possible start (上 inside 以上): it is not tried again
    (_METRIC_RE, _METRIC_START_RE, "共有50人以上参加,上百人围观,七八个小区"),
    # a year, a month alone, a range, and words that only look like dates
    (_DATE, _DATE_START, "2018年11月22日上午,今年3月,9月29日至10月8日,上月开展"),
    # a day after a digit or 月 is not a relative day (lookbehind before the start position)
    (_RELATIVE, _RELATIVE_START, "昨日,11日上午,3月12日上午,前天"),
    (_DATE, _DATE_START, ""),
])
def test_finditer_from_matches_finditer(pattern, starts, text):
    assert spans(finditer_from(pattern, starts, text)) == spans(pattern.finditer(text))


def test_finditer_from_misses_starts_not_listed():
    # `starts` must list every first character: 约 is not listed here, so 约200人 is found as 200人
    digits = re.compile(r"\d")
    assert spans(finditer_from(_METRIC_RE, digits, "约200人")) == [((1, 5), "200人")]


@given(st.text(alphabet="约近上百万千余多一二两三十0123456789人名个次年月日号今昨前至-,。 \n", max_size=40))
def test_finditer_from_is_finditer_on_any_text(text):
    for pattern, starts in ((_METRIC_RE, _METRIC_START_RE), (_DATE, _DATE_START), (_RELATIVE, _RELATIVE_START)):
        assert spans(finditer_from(pattern, starts, text)) == spans(pattern.finditer(text))
