"""People named in bylines: reporters, correspondents, photographers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    role: str  # reporter | correspondent | photographer
    name: str


def parse_byline(byline: str) -> list[Person]:
    """People of a byline such as `记者 景静 通讯员 徐贝贝 文/图` (placeholder: none)."""
    return []
