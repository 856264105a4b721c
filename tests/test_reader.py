"""civic.reader: extracted facts marked in article text, and the text always escaped."""

from __future__ import annotations

import pandas as pd
import pytest

from civic import reader
from civic.store import frame

TEXT = "11月22日上午，建中街街道组织志愿者200余人清理<script>小广告</script>，见[链接](http://x.cn)。景静"


def _detail(**tables: list[dict]) -> dict[str, pd.DataFrame]:
    names = {"articles": "articles", "places": "places", "people": "people", "metrics": "metrics",
             "themes": "themes"}
    return {key: frame(name, tables.get(key, [])) for key, name in names.items()}


def test_marks_from_offsets_surfaces_dates_people_and_keywords():
    start = TEXT.index("200余人")
    detail = _detail(
        articles=[{"article_id": "a", "date": "2019-11-22", "text": TEXT}],
        places=[{"article_id": "a", "level": "street", "name": "建中街街道", "surface": "建中街街道",
                 "start": None, "end": None}],
        people=[{"article_id": "a", "role": "reporter", "name": "景静"}],
        metrics=[{"article_id": "a", "value": 200.0, "unit": "人", "approx": True, "what": "志愿者",
                  "span": "200余人", "sentence": "", "start": start, "end": start + 5}],
        themes=[{"article_id": "a", "theme": "street_order", "keywords": "小广告|志愿者200"}],
    )
    found = [(TEXT[m.start:m.end], m.kind) for m in reader.marks(TEXT, detail)]
    assert found == [("11月22日", "date"), ("建中街街道", "place"), ("200余人", "metric"), ("小广告", "theme"),
                     ("景静", "person")]  # 志愿者200 overlaps the metric, which wins


@pytest.mark.parametrize(("date", "surfaces"), [
    ("2019-11-22", ["2019年11月22日", "11月22日"]),
    ("--02-05", ["2月5日"]),
    ("", []),
    ("2019-11", []),
])
def test_date_surfaces(date, surfaces):
    assert reader.date_surfaces(date) == surfaces


def test_html_escapes_markup_and_keeps_markdown_literal():
    html = reader.to_html(TEXT, [reader.Mark(0, 6, "date")], {"date": "日期<b>"})
    assert "<script>" not in html and "&lt;script&gt;小广告&lt;/script&gt;" in html
    assert "[链接](http://x.cn)" in html and "<a " not in html
    assert 'title="日期&lt;b&gt;"' in html and ">11月22日</mark>" in html


def test_bad_offsets_fall_back_to_nothing():
    detail = _detail(metrics=[{"article_id": "a", "value": 1.0, "unit": "人", "approx": False, "what": "",
                               "span": "x", "sentence": "", "start": 500, "end": 505}])
    assert reader.marks(TEXT, detail) == []
