"""Quantities that measure campaign work: 志愿者200余人, 拆除违建45处, 1.5万份."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    value: float
    unit: str
    approx: bool
    what: str
    span: str
    sentence: str
    start: int
    end: int


def extract_metrics(text: str) -> list[Metric]:
    """Metrics in `text`, offsets into `text` (placeholder: none)."""
    return []
