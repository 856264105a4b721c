"""DataFrame -> plotly Figure. No Streamlit here; the app places the figures.

Every builder takes the (small) frame a query returned, the names of its columns to plot and a
`labels` mapping column -> axis/legend title in the user's language. Share columns are fractions in
[0, 1] and are shown as percentages.

Figures are the ones plotly express would make (tests/test_charts.py compares their JSON), written
as one unvalidated dict: plotly express validates every property again on each filter rerun
(~20 ms a chart; ~2 ms this way).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.colors
import plotly.graph_objects as go
import plotly.io as pio

FONT_FAMILY = ("WenQuanYi Micro Hei, Noto Sans CJK SC, Source Han Sans SC, PingFang SC, "
               "Microsoft YaHei, SimHei, sans-serif")
"""Fonts with Chinese glyphs, in the order a browser should try them."""


def _template() -> go.layout.Template:
    return pio.templates[pio.templates.default or "plotly"]


def _colours(template: go.layout.Template, trace_type: str) -> list[str]:
    """The colours plotly express would take from `template` for its traces of `trace_type` (the
    template's traces of that type, then its colorway, then D3)."""
    colours = [trace.marker.color for trace in getattr(template.data, trace_type) or () if trace.marker.color]
    return colours or list(template.layout.colorway or plotly.colors.qualitative.D3)


def _groups(df: pd.DataFrame, color: str | None) -> list[tuple[int, str, pd.DataFrame]]:
    """(colour index, name, rows) per value of `color` in order of appearance, as plotly express
    groups them: a missing value keeps its colour index but gets no trace."""
    if color is None:
        return [(0, "", df)]
    return [(index, str(group), part) for index, (group, part) in
            enumerate(df.groupby(color, sort=False, dropna=False)) if not pd.isna(group)]


def _column(values: pd.Series) -> object:
    """A column as the read-only array plotly's validators would store (text as objects)."""
    array = values.to_numpy(dtype=None if pd.api.types.is_numeric_dtype(values.dtype) else object, copy=True)
    array.flags.writeable = False
    return array


def _bars(df: pd.DataFrame, x: str, y: str, labels: Mapping[str, str], *, color: str | None = None,
          horizontal: bool = False, text: str | None = None, barmode: str = "relative",
          xaxis: Mapping[str, object] | None = None, yaxis: Mapping[str, object] | None = None,
          traces: Mapping[str, object] | None = None, height: int) -> go.Figure:
    """The figure `px.bar(df, x, y, color=..., labels=...)` makes, styled, built without plotly express.

    Plotly express validates every property again (make_subplots, update_layout): ~20 ms per chart on
    every filter rerun, ~1.5 ms this way. This writes the same figure (tests compare its JSON with
    plotly express's under plotly's and Streamlit's templates) as one dict, unvalidated.
    `text` is a d3 format for the bars' labels ("" for the plain value).
    """
    name = dict(labels).get
    template = _template()
    colours = _colours(template, "bar")
    value = "x" if horizontal else "y"
    hover = f"{name(x, x)}=%{{x}}<br>{name(y, y)}=%{{y}}<extra></extra>"
    data = []
    for index, key, part in _groups(df, color):
        trace = {"type": "bar", "name": key, "legendgroup": key, "showlegend": color is not None,
                 "hovertemplate": f"{name(color, color)}={key}<br>{hover}" if color else hover,
                 "marker": {"color": colours[index % len(colours)], "pattern": {"shape": ""}},
                 "orientation": "h" if horizontal else "v", "textposition": "auto",
                 "x": _column(part[x]), "y": _column(part[y]),
                 "xaxis": "x", "yaxis": "y"}
        if barmode == "group":
            trace.update(offsetgroup=key, alignmentgroup="True")
        if text is not None:
            trace["texttemplate"] = f"%{{{value}:{text}}}" if text else f"%{{{value}}}"
        data.append({**trace, **(traces or {})})
    layout = {"template": template, "barmode": barmode, "legend": {"title": {"text": ""}, "tracegroupgap": 0},
              "height": height,
              "font": {"family": FONT_FAMILY}, "margin": {"t": 30, "l": 10, "r": 10, "b": 10},
              "xaxis": {"anchor": "y", "domain": [0.0, 1.0], "title": {"text": name(x, x)}, **(xaxis or {})},
              "yaxis": {"anchor": "x", "domain": [0.0, 1.0], "title": {"text": name(y, y)}, **(yaxis or {})}}
    return go.Figure(data=data, layout=layout, _validate=False)


def time_bars(df: pd.DataFrame, x: str, y: str, labels: Mapping[str, str]) -> go.Figure:
    """Vertical bars of `y` per period `x` (YYYY-MM or YYYY, shown as categories in order)."""
    return _bars(df, x, y, labels, xaxis={"type": "category"}, height=320)


def ranked_bars(df: pd.DataFrame, category: str, value: str, labels: Mapping[str, str],
                color: str | None = None, percent: bool = False) -> go.Figure:
    """Horizontal bars, largest on top; `color` colours bars by another column (e.g. district)."""
    ordered = df.iloc[::-1].sort_values(value, kind="stable")  # ties keep the frame's order, first on top
    xaxis = {"tickformat": ".0%", "range": [0, 1.12], "tickvals": [0, 0.2, 0.4, 0.6, 0.8, 1]} if percent else {}
    return _bars(ordered, value, category, labels, color=color, horizontal=True, text=".0%" if percent else "",
                 xaxis=xaxis,  # room for 100%
                 yaxis={"type": "category", "categoryorder": "array", "categoryarray": ordered[category].tolist()},
                 traces={"textangle": 0, "textposition": "outside", "cliponaxis": False},
                 height=max(260, 24 * ordered[category].nunique() + 80))


def stacked_bars(df: pd.DataFrame, category: str, value: str, stack: str,
                 labels: Mapping[str, str]) -> go.Figure:
    """Horizontal bars of `value` per `category`, stacked by `stack`; biggest categories on top."""
    order = df.groupby(category)[value].sum().sort_values().index.tolist()
    return _bars(df, value, category, labels, color=stack, horizontal=True,
                 yaxis={"type": "category", "categoryorder": "array", "categoryarray": order},
                 height=max(260, 24 * len(order) + 80))


def lines(df: pd.DataFrame, x: str, y: str, color: str, labels: Mapping[str, str],
          percent: bool = False) -> go.Figure:
    """One line per `color` value of `y` over periods `x`.

    Built as one unvalidated figure, the one `px.line(..., markers=True)` makes (see `_bars`).
    """
    name = dict(labels).get
    template = _template()
    colours = _colours(template, "scatter")
    hover = f"{name(x, x)}=%{{x}}<br>{name(y, y)}=%{{y}}<extra></extra>"
    data = [{"type": "scatter", "mode": "lines+markers", "name": key, "legendgroup": key, "showlegend": True,
             "hovertemplate": f"{name(color, color)}={key}<br>{hover}", "orientation": "v",
             "line": {"color": colours[index % len(colours)], "dash": "solid"}, "marker": {"symbol": "circle"},
             "x": _column(part[x]), "y": _column(part[y]), "xaxis": "x", "yaxis": "y"}
            for index, key, part in _groups(df, color)]
    layout = {"template": template, "legend": {"title": {"text": ""}, "tracegroupgap": 0}, "height": 380,
              "font": {"family": FONT_FAMILY}, "margin": {"t": 30, "l": 10, "r": 10, "b": 10},
              "xaxis": {"anchor": "y", "domain": [0.0, 1.0], "title": {"text": name(x, x)}, "type": "category",
                        "categoryorder": "category ascending"},
              "yaxis": {"anchor": "x", "domain": [0.0, 1.0], "title": {"text": name(y, y)},
                        **({"tickformat": ".0%"} if percent else {})}}
    return go.Figure(data=data, layout=layout, _validate=False)


def heatmap(df: pd.DataFrame, x: str, y: str, z: str, labels: Mapping[str, str],
            percent: bool = False) -> go.Figure:
    """A `y` × `x` grid coloured by `z`; missing pairs are 0.

    Built as one unvalidated figure, the one `px.imshow(grid, color_continuous_scale="Blues")` makes
    (see `_bars`).
    """
    grid = df.pivot_table(index=y, columns=x, values=z, aggfunc="sum", fill_value=0)
    name = {"x": labels.get(x, x), "y": labels.get(y, y), "color": labels.get(z, z)}
    trace = {"type": "heatmap", "name": "0", "coloraxis": "coloraxis", "xaxis": "x", "yaxis": "y",
             "x": _column(pd.Series(grid.columns)), "y": _column(pd.Series(grid.index)), "z": grid.to_numpy(),
             "texttemplate": "%{z:.0%}" if percent else "%{z}",
             "hovertemplate": f"{name['x']}: %{{x}}<br>{name['y']}: %{{y}}<br>{name['color']}: %{{z}}<extra></extra>"}
    layout = {"template": _template(), "legend": {"title": {"text": ""}}, "font": {"family": FONT_FAMILY},
              "height": max(300, 30 * len(grid.index) + 120), "margin": {"t": 30, "l": 10, "r": 10, "b": 10},
              "coloraxis": {"colorbar": {"title": {"text": name["color"]}}, "autocolorscale": False,
                            "colorscale": [list(stop) for stop in plotly.colors.get_colorscale("Blues")]},
              "xaxis": {"anchor": "y", "domain": [0.0, 1.0], "title": {"text": name["x"]}, "type": "category"},
              "yaxis": {"anchor": "x", "domain": [0.0, 1.0], "title": {"text": name["y"]}, "type": "category",
                        "autorange": "reversed"}}
    return go.Figure(data=[trace], layout=layout, _validate=False)


def grouped_bars(df: pd.DataFrame, x: str, y: str, color: str, labels: Mapping[str, str],
                 percent: bool = False) -> go.Figure:
    """Bars of `y` per `x`, one bar per `color` value side by side (e.g. theme share per district)."""
    return _bars(df, x, y, labels, color=color, barmode="group", xaxis={"type": "category"},
                 yaxis={"tickformat": ".0%"} if percent else None, height=360)
