"""Split a cleaned page into articles: headlines, leads, bylines, captions, repeats."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ArticleSpan:
    """One article found on a page.

    Offsets are into the cleaned page text. `body_offsets[i]` is the page offset of
    `body[i]` (repeated paragraphs are cut out of `body`, so the map is not contiguous).
    `byline` is the byline text as printed (may be empty); `repeats` the paragraphs
    dropped because they were printed twice.
    """

    title: str
    body: str
    byline: str
    is_caption: bool
    start: int
    end: int
    body_offsets: list[int]
    repeats: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Page:
    """The articles of a page and the text that belongs to none (headings, intros)."""

    articles: list[ArticleSpan]
    skipped: list[str] = field(default_factory=list)


def segment(text: str) -> Page:
    """Split cleaned page text into articles (placeholder: the whole page is one)."""
    body = text.strip()
    start = text.find(body) if body else 0
    if not body:
        return Page([])
    return Page([ArticleSpan("", body, "", False, start, start + len(body),
                             list(range(start, start + len(body))))])
