"""civic.charts: each builder returns a figure of the frame it was given, with Chinese fonts first."""

from __future__ import annotations

import pandas as pd
import pytest

from civic import charts

LABELS = {"period": "时期", "articles": "文章数", "street": "街道", "district": "区县", "theme": "主题",
          "share": "占比", "area": "区县"}


def test_time_bars_keeps_periods_as_categories():
    df = pd.DataFrame({"period": ["2019-01", "2019-03"], "articles": [3, 5]})
    fig = charts.time_bars(df, "period", "articles", LABELS)
    assert list(fig.data[0].x) == ["2019-01", "2019-03"] and list(fig.data[0].y) == [3, 5]
    assert fig.layout.xaxis.type == "category" and fig.layout.xaxis.title.text == "时期"
    assert fig.layout.font.family.startswith("WenQuanYi Micro Hei")


def test_ranked_bars_put_the_largest_on_top_and_colour_by_district():
    df = pd.DataFrame({"street": ["人和路街道", "杜岭街道", "向阳街道"], "articles": [2, 9, 4],
                       "district": ["金水区", "金水区", "龙山区"]})
    fig = charts.ranked_bars(df, "street", "articles", LABELS, color="district")
    assert list(fig.layout.yaxis.categoryarray) == ["人和路街道", "向阳街道", "杜岭街道"]
    assert {t.name for t in fig.data} == {"金水区", "龙山区"}


def test_ranked_bars_keep_the_order_of_ties():
    df = pd.DataFrame({"street": ["福华街街道", "解放路街道", "大学路街道"], "articles": [2, 2, 1]})
    fig = charts.ranked_bars(df, "street", "articles", LABELS)
    assert list(fig.layout.yaxis.categoryarray) == ["大学路街道", "解放路街道", "福华街街道"]  # last is on top


def test_percent_charts_format_shares():
    df = pd.DataFrame({"measure": ["有街道", "有日期"], "share": [0.5, 0.25]})
    fig = charts.ranked_bars(df, "measure", "share", LABELS, percent=True)
    assert fig.layout.xaxis.tickformat == ".0%" and fig.layout.xaxis.tickvals[-1] == 1


def test_stacked_bars_and_lines_one_trace_per_theme():
    df = pd.DataFrame({"street": ["甲街道", "甲街道", "乙街道"], "theme": ["环境卫生", "拆违治违", "环境卫生"],
                       "articles": [1, 2, 5], "period": ["2019", "2019", "2020"]})
    assert {t.name for t in charts.stacked_bars(df, "street", "articles", "theme", LABELS).data} == {"环境卫生",
                                                                                                  "拆违治违"}
    fig = charts.lines(df, "period", "articles", "theme", LABELS)
    assert len(fig.data) == 2


@pytest.mark.parametrize("percent", [False, True])
def test_heatmap_fills_missing_pairs_with_zero(percent):
    df = pd.DataFrame({"area": ["金水区", "龙山区"], "theme": ["环境卫生", "党建引领"], "share": [0.5, 1.0]})
    fig = charts.heatmap(df, "area", "theme", "share", LABELS, percent=percent)
    assert fig.data[0].z.tolist() == [[0.0, 1.0], [0.5, 0.0]]
    assert list(fig.data[0].x) == ["金水区", "龙山区"]


def test_grouped_bars_side_by_side():
    df = pd.DataFrame({"theme": ["环境卫生", "环境卫生"], "share": [0.2, 0.4], "group": ["金水区", "龙山区"]})
    fig = charts.grouped_bars(df, "theme", "share", "group", LABELS, percent=True)
    assert fig.layout.barmode == "group" and fig.layout.yaxis.tickformat == ".0%"
