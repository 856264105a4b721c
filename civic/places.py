"""Places an article reports on, resolved against the national gazetteer."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Place:
    level: str  # street | community | district | city | province
    name: str
    surface: str
    start: int | None
    end: int | None
    code: str = ""


@dataclass(frozen=True)
class ArticlePlaces:
    places: list[Place] = field(default_factory=list)
    street: str = ""
    district: str = ""
    city: str = ""
    province: str = ""


@dataclass(frozen=True)
class PlaceContext:
    """What beyond the article helps resolve homonyms."""

    page_text: str = ""
    paper_city: str = ""


def locate(title: str, text: str, context: PlaceContext) -> ArticlePlaces:
    """Places of one article (placeholder: none). Offsets are into `text`."""
    return ArticlePlaces()
