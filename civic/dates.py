"""The date of the activity an article reports."""

from __future__ import annotations


def extract_date(text: str, *, year: int | None = None, page_date: str | None = None) -> str:
    """ISO `YYYY-MM-DD`, `--MM-DD` when the year is unknown, "" when none (placeholder)."""
    return ""
