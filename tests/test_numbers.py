"""civic.numbers: printed numbers -> float, grouped by how they are written."""

from __future__ import annotations

import pytest

from civic.numbers import parse_number


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("200", 200.0),
        ("3000", 3000.0),
        ("24000", 24000.0),
        ("3,000", 3000.0),  # thousands separator
        ("31.13", 31.13),  # 全办31.13平方公里
        ("0.5", 0.5),
        ("２００", 200.0),  # full-width digits, as in ２００余人
        (" 4700 ", 4700.0),  # 管城区 4700 名党员: spaces around the number
    ],
)
def test_arabic(printed: str, value: float) -> None:
    assert parse_number(printed) == value


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("1.5万", 15000.0),
        ("15万", 150000.0),  # 《市民文明手册》15万份
        ("3万", 30000.0),
        ("3千万", 30000000.0),  # multipliers multiply
        ("2.4亿", 240000000.0),
        ("1.2千", 1200.0),
    ],
)
def test_arabic_with_multipliers(printed: str, value: float) -> None:
    assert parse_number(printed) == value


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("两", 2.0),  # 两名工作人员
        ("四", 4.0),  # “一核三站”四个维权站点
        ("七", 7.0),  # 七个行政村
        ("十", 10.0),  # a leading 十 means 一十
        ("十五", 15.0),
        ("二十", 20.0),
        ("二十三", 23.0),
        ("一百", 100.0),
        ("三百", 300.0),
        ("两百", 200.0),  # 两 before 百 in counts
        ("一百零五", 105.0),  # 零 fills the skipped tens
        ("一千零一十", 1010.0),
        ("三千五百", 3500.0),
        ("十万", 100000.0),
        ("五十五万", 550000.0),
        ("一亿二千万", 120000000.0),  # 万 section under 亿
        ("零", 0.0),
        ("叁仟贰佰", 3200.0),  # financial numerals
    ],
)
def test_chinese_numerals(printed: str, value: float) -> None:
    assert parse_number(printed) == value


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("三百五", 350.0),  # colloquial: the trailing digit is one place down
        ("一万五", 15000.0),
        ("两千三", 2300.0),
        ("二〇一八", 2018.0),  # digit by digit (years, codes): parsed, then rejected as metrics elsewhere
        ("七一三", 713.0),  # 七一三社区: a name; the number itself is still readable
    ],
)
def test_colloquial_and_digit_forms(printed: str, value: float) -> None:
    assert parse_number(printed) == value


@pytest.mark.parametrize(
    ("printed", "message"),
    [
        ("abc", "not a number: 'abc' (expected digits like 200 or 1.5万, or numerals like 二十)"),
        ("", "not a number: '' (expected digits like 200 or 1.5万, or numerals like 二十)"),
        # approximation words are the caller's to strip
        ("200余", "not a number: '200余' (expected digits like 200 or 1.5万, or numerals like 二十)"),
        ("万", "not a number: '万' (万 without a number before it)"),
        ("百", "not a number: '百' (百 without a digit before it)"),  # 千方百计, 百家: no number
        ("三十五十", "not a number: '三十五十' (十 after a unit as small or smaller)"),
        ("一十二三", "not a number: '一十二三' (two digits in a row in a Chinese numeral)"),
    ],
)
def test_not_a_number(printed: str, message: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_number(printed)
    assert str(err.value) == message
