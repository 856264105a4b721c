"""civic.charts: each builder returns a figure of the frame it was given, with Chinese fonts first."""

from __future__ import annotations

import json

import pandas as pd
import plotly.express as px
import plotly.io as pio
import pytest
import streamlit.elements.plotly_chart  # noqa: F401  (registers Streamlit's plotly template)

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


# --- bars and lines are built without plotly express, as plotly express builds them -------
# The references are the plotly express calls the bar builders replaced (plus `_style`); the figures
# must be the same JSON the browser gets, under plotly's own template and under Streamlit's.

def _px_style(fig, height):
    fig.update_layout(font_family=charts.FONT_FAMILY, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                      legend_title_text="", height=height)
    return fig


def _px_time_bars(df, x, y, labels):
    fig = px.bar(df, x=x, y=y, labels=dict(labels))
    fig.update_xaxes(type="category")
    return _px_style(fig, 320)


def _px_ranked_bars(df, category, value, labels, color=None, percent=False):
    ordered = df.iloc[::-1].sort_values(value, kind="stable")
    fig = px.bar(ordered, x=value, y=category, color=color, orientation="h", labels=dict(labels),
                 text_auto=".0%" if percent else True)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=ordered[category].tolist())
    fig.update_traces(textangle=0, textposition="outside", cliponaxis=False)
    if percent:
        fig.update_xaxes(tickformat=".0%", range=[0, 1.12], tickvals=[0, 0.2, 0.4, 0.6, 0.8, 1])
    return _px_style(fig, max(260, 24 * ordered[category].nunique() + 80))


def _px_stacked_bars(df, category, value, stack, labels):
    order = df.groupby(category)[value].sum().sort_values().index.tolist()
    fig = px.bar(df, x=value, y=category, color=stack, orientation="h", labels=dict(labels))
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=order)
    return _px_style(fig, max(260, 24 * len(order) + 80))


def _px_grouped_bars(df, x, y, color, labels, percent=False):
    fig = px.bar(df, x=x, y=y, color=color, barmode="group", labels=dict(labels))
    fig.update_xaxes(type="category")
    if percent:
        fig.update_yaxes(tickformat=".0%")
    return _px_style(fig, 360)


def _px_lines(df, x, y, color, labels, percent=False):
    fig = px.line(df, x=x, y=y, color=color, markers=True, labels=dict(labels))
    fig.update_xaxes(type="category", categoryorder="category ascending")
    if percent:
        fig.update_yaxes(tickformat=".0%")
    return _px_style(fig, 380)


def _px_heatmap(df, x, y, z, labels, percent=False):
    grid = df.pivot_table(index=y, columns=x, values=z, aggfunc="sum", fill_value=0)
    fig = px.imshow(grid, labels={"x": labels.get(x, x), "y": labels.get(y, y), "color": labels.get(z, z)},
                    text_auto=".0%" if percent else True, aspect="auto", color_continuous_scale="Blues")
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category")
    return _px_style(fig, max(300, 30 * len(grid.index) + 120))


STREETS = pd.DataFrame({"street": ["人和路街道", "杜岭街道", "向阳街道", "城东路街道", "福华街街道"],
                        "articles": [2, 9, 4, 4, 70_000],
                        "district": ["金水区", "金水区", "龙山区", None, "金水区"],  # a street of no known district
                        "share": [0.5, 1.0, 0.25, float("nan"), 0.125]})
STACKED = pd.DataFrame({"street": ["甲街道", "甲街道", "乙街道", "丙街道"],
                        "theme": ["环境卫生", "拆违治违", "环境卫生", "志愿服务"], "articles": [1, 2, 5, 3]})
SAME_AS_PLOTLY_EXPRESS = [
    ("time_bars", (pd.DataFrame({"period": ["2019-01", "2019-03"], "articles": [3, 5]}), "period", "articles",
                   LABELS), {}),
    ("time_bars", (pd.DataFrame({"period": ["2019"], "articles": [3.5]}), "period", "articles", {}), {}),
    ("ranked_bars", (STREETS, "street", "articles", LABELS), {"color": "district"}),
    ("ranked_bars", (STREETS, "street", "articles", LABELS), {}),
    ("ranked_bars", (STREETS, "street", "share", LABELS), {"percent": True}),
    ("ranked_bars", (STREETS.head(0), "street", "articles", LABELS), {"color": "district"}),  # nothing to show
    ("stacked_bars", (STACKED, "street", "articles", "theme", LABELS), {}),
    ("grouped_bars", (pd.DataFrame({"theme": ["环境卫生", "环境卫生", "交通"], "share": [0.2, 0.4, 0.1],
                                    "group": ["金水区", "龙山区", "金水区"]}), "theme", "share", "group", LABELS),
     {"percent": True}),
    ("grouped_bars", (STACKED, "theme", "articles", "street", LABELS), {}),
    ("lines", (STACKED.assign(period=["2019", "2020", "2019", "2019"]), "period", "articles", "theme", LABELS), {}),
    ("lines", (STREETS.assign(period=["2020-01", "2019-12", "2020-01", "2020-02", "2019-12"]), "period", "share",
               "district", {}), {"percent": True}),
    ("heatmap", (STACKED, "street", "theme", "articles", LABELS), {}),
    ("heatmap", (STREETS.assign(theme=["环境卫生", "交通", "环境卫生", "交通", "志愿服务"]), "district", "theme",
                 "share", LABELS), {"percent": True}),
]


@pytest.mark.parametrize("template", ["plotly", "streamlit"])
@pytest.mark.parametrize(("builder", "args", "kwargs"), SAME_AS_PLOTLY_EXPRESS)
def test_charts_are_the_figures_plotly_express_makes(builder, args, kwargs, template, monkeypatch):
    monkeypatch.setattr(pio.templates, "default", template)
    reference = globals()[f"_px_{builder}"](*args, **kwargs)
    assert json.loads(getattr(charts, builder)(*args, **kwargs).to_json()) == json.loads(reference.to_json())
