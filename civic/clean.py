"""Clean page text while keeping a map back to the original character offsets."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CleanText:
    """Cleaned text and, for each of its characters, the offset in the original.

    `offsets` has len(text) + 1 entries; offsets[i] is the original index of text[i] and
    offsets[len(text)] is len(original).
    """

    text: str
    offsets: list[int]


def clean(text: str) -> CleanText:
    """Return `text` cleaned (placeholder: unchanged)."""
    return CleanText(text, list(range(len(text) + 1)))
