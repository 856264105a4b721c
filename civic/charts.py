"""DataFrame -> plotly Figure. No Streamlit here; the app places the figures.

Every builder takes the (small) frame a query returned, the names of its columns to plot and a
`labels` mapping column -> axis/legend title in the user's language. Share columns are fractions in
[0, 1] and are shown as percentages.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

FONT_FAMILY = ("WenQuanYi Micro Hei, Noto Sans CJK SC, Source Han Sans SC, PingFang SC, "
               "Microsoft YaHei, SimHei, sans-serif")
"""Fonts with Chinese glyphs, in the order a browser should try them."""


def _style(fig: go.Figure, height: int | None = None) -> go.Figure:
    fig.update_layout(font_family=FONT_FAMILY, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                      legend_title_text="", height=height)
    return fig


def time_bars(df: pd.DataFrame, x: str, y: str, labels: Mapping[str, str]) -> go.Figure:
    """Vertical bars of `y` per period `x` (YYYY-MM or YYYY, shown as categories in order)."""
    fig = px.bar(df, x=x, y=y, labels=dict(labels))
    fig.update_xaxes(type="category")
    return _style(fig, 320)


def ranked_bars(df: pd.DataFrame, category: str, value: str, labels: Mapping[str, str],
                color: str | None = None, percent: bool = False) -> go.Figure:
    """Horizontal bars, largest on top; `color` colours bars by another column (e.g. district)."""
    ordered = df.iloc[::-1].sort_values(value, kind="stable")  # ties keep the frame's order, first on top
    fig = px.bar(ordered, x=value, y=category, color=color, orientation="h", labels=dict(labels),
                 text_auto=".0%" if percent else True)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=ordered[category].tolist())
    fig.update_traces(textangle=0, textposition="outside", cliponaxis=False)
    if percent:
        fig.update_xaxes(tickformat=".0%", range=[0, 1.12], tickvals=[0, 0.2, 0.4, 0.6, 0.8, 1])  # room for 100%
    return _style(fig, max(260, 24 * ordered[category].nunique() + 80))


def stacked_bars(df: pd.DataFrame, category: str, value: str, stack: str,
                 labels: Mapping[str, str]) -> go.Figure:
    """Horizontal bars of `value` per `category`, stacked by `stack`; biggest categories on top."""
    order = df.groupby(category)[value].sum().sort_values().index.tolist()
    fig = px.bar(df, x=value, y=category, color=stack, orientation="h", labels=dict(labels))
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=order)
    return _style(fig, max(260, 24 * len(order) + 80))


def lines(df: pd.DataFrame, x: str, y: str, color: str, labels: Mapping[str, str],
          percent: bool = False) -> go.Figure:
    """One line per `color` value of `y` over periods `x`."""
    fig = px.line(df, x=x, y=y, color=color, markers=True, labels=dict(labels))
    fig.update_xaxes(type="category", categoryorder="category ascending")
    if percent:
        fig.update_yaxes(tickformat=".0%")
    return _style(fig, 380)


def heatmap(df: pd.DataFrame, x: str, y: str, z: str, labels: Mapping[str, str],
            percent: bool = False) -> go.Figure:
    """A `y` × `x` grid coloured by `z`; missing pairs are 0."""
    grid = df.pivot_table(index=y, columns=x, values=z, aggfunc="sum", fill_value=0)
    fig = px.imshow(grid, labels={"x": labels.get(x, x), "y": labels.get(y, y), "color": labels.get(z, z)},
                    text_auto=".0%" if percent else True, aspect="auto", color_continuous_scale="Blues")
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category")
    return _style(fig, max(300, 30 * len(grid.index) + 120))


def grouped_bars(df: pd.DataFrame, x: str, y: str, color: str, labels: Mapping[str, str],
                 percent: bool = False) -> go.Figure:
    """Bars of `y` per `x`, one bar per `color` value side by side (e.g. theme share per district)."""
    fig = px.bar(df, x=x, y=y, color=color, barmode="group", labels=dict(labels))
    fig.update_xaxes(type="category")
    if percent:
        fig.update_yaxes(tickformat=".0%")
    return _style(fig, 360)
