"""Words for word clouds and comparisons: one tokenizer object, stopwords removed."""

from __future__ import annotations

from collections import Counter


class Tokenizer:
    """Segments Chinese text (placeholder: characters)."""

    def cut(self, text: str) -> list[str]:
        return [c for c in text if c.strip()]


def count_terms(text: str, tokenizer: Tokenizer) -> Counter[str]:
    """Term counts of `text` without stopwords, punctuation and numbers (placeholder)."""
    return Counter(t for t in tokenizer.cut(text) if len(t) > 1)
