"""Campaign themes from the taxonomy in resources/themes.csv."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ThemeHit:
    theme: str
    keywords: tuple[str, ...]


def classify(title: str, text: str) -> list[ThemeHit]:
    """Themes the article is substantially about (placeholder: none)."""
    return []
