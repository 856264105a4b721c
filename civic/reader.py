"""The article reader: extracted facts marked in the article text, as escaped HTML.

Article text is data: every character of it goes through `html.escape`, and the result is meant for
`st.html` (no Markdown pass), so `<script>` and `[x](y)` in an article display literally.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

KINDS: dict[str, str] = {
    "metric": "#ffe08a",
    "place": "#b8e0ff",
    "date": "#c8f0c0",
    "person": "#f3c6f0",
    "theme": "#ffd0b0",
}
"""Kinds of highlight, in priority order when spans overlap, with their background colours."""

_DATE = re.compile(r"(?:(\d{4})|-)-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class Mark:
    """A highlighted span `text[start:end]` of a kind from `KINDS`."""

    start: int
    end: int
    kind: str


def _occurrences(text: str, needle: str, kind: str) -> Iterable[Mark]:
    if not needle:
        return
    at = text.find(needle)
    while at >= 0:
        yield Mark(at, at + len(needle), kind)
        at = text.find(needle, at + len(needle))


def date_surfaces(date: str) -> list[str]:
    """How an ISO (`2019-11-22`) or yearless (`--11-22`) date is printed: `2019年11月22日`, `11月22日`."""
    match = _DATE.fullmatch(date)
    if not match:
        return []
    year, month, day = match.groups()
    short = f"{int(month)}月{int(day)}日"
    return ([f"{year}年{short}"] if year else []) + [short]


def marks(text: str, detail: dict[str, pd.DataFrame]) -> list[Mark]:
    """Spans of `text` to highlight, from `civic.queries.article_detail`; overlaps resolved by kind priority.

    Metrics and places with offsets are marked where extracted; places without offsets, people,
    theme keywords and the date are marked wherever their printed form occurs.
    """
    found: list[Mark] = []
    for name, kind in (("metrics", "metric"), ("places", "place")):
        for row in detail[name].itertuples():
            if pd.notna(row.start) and pd.notna(row.end) and 0 <= row.start < row.end <= len(text):
                found.append(Mark(int(row.start), int(row.end), kind))
            elif name == "places":
                found += _occurrences(text, row.surface, kind)
    article = detail["articles"]
    if len(article):
        for surface in date_surfaces(str(article["date"].iloc[0] or "")):
            found += _occurrences(text, surface, "date")
    for name in detail["people"]["name"]:
        found += _occurrences(text, name, "person")
    for keywords in detail["themes"]["keywords"]:
        for keyword in str(keywords or "").split("|"):
            found += _occurrences(text, keyword, "theme")
    priority = {kind: i for i, kind in enumerate(KINDS)}
    taken: list[Mark] = []
    for mark in sorted(found, key=lambda m: (priority[m.kind], m.start, -m.end)):
        if all(mark.end <= t.start or mark.start >= t.end for t in taken):
            taken.append(mark)
    return sorted(taken, key=lambda m: m.start)


def to_html(text: str, spans: list[Mark], labels: dict[str, str]) -> str:
    """`text` as escaped HTML with `spans` wrapped in coloured `<mark>`s titled by `labels[kind]`.

    Line breaks become `<br>`; nothing of `text` is interpreted as markup.
    """
    parts: list[str] = []
    at = 0
    for mark in spans:
        parts.append(html.escape(text[at:mark.start]))
        parts.append(f'<mark style="background:{KINDS[mark.kind]};padding:0 2px" '
                     f'title="{html.escape(labels.get(mark.kind, mark.kind))}">'
                     f"{html.escape(text[mark.start:mark.end])}</mark>")
        at = mark.end
    parts.append(html.escape(text[at:]))
    body = "".join(parts).replace("\n", "<br>")
    return f'<div style="line-height:1.9;font-size:1.05rem;white-space:normal">{body}</div>'


def legend_html(labels: dict[str, str]) -> str:
    """A row of coloured swatches naming each kind of highlight."""
    return " ".join(f'<mark style="background:{colour};padding:0 4px">{html.escape(labels.get(kind, kind))}</mark>'
                    for kind, colour in KINDS.items())
