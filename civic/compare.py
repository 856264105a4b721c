"""Terms that distinguish groups (districts or streets), with example sentences.

Weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008,
"Fightin' Words: Lexical Feature Selection and Evaluation for Identifying the Content of
Political Conflict", Political Analysis 16(4), eqs. 16-22), each group against all the others.

For term w and group i, with y counts, n totals and a prior alpha:
    y_wi      count of w in group i,            n_i  = sum_w y_wi
    y_w(-i)   count of w in all other groups,   n_(-i) = sum_w y_w(-i)
    alpha_w   prior pseudo-count of w,          alpha_0 = sum_w alpha_w

    delta_wi  = log((y_wi + alpha_w) / (n_i + alpha_0 - y_wi - alpha_w))
              - log((y_w(-i) + alpha_w) / (n_(-i) + alpha_0 - y_w(-i) - alpha_w))
    var_wi    ~ 1 / (y_wi + alpha_w) + 1 / (y_w(-i) + alpha_w)
    z_wi      = delta_wi / sqrt(var_wi)

The informative prior is the terms' share of the whole input scaled to `prior_strength`
pseudo-counts: alpha_w = prior_strength * y_w / n, where y_w and n are summed over all groups
(the same "marginal counts as prior" convention as the tidylo R package). By default
prior_strength = n, i.e. alpha_w = y_w. A z above 1.96 marks a term used distinctly more in
group i than elsewhere at the 5% level; below -1.96 distinctly less.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

RESULT_COLUMNS = ["group", "term", "count", "count_other", "delta", "z"]
_SENTENCE = re.compile(r"[^。!?;！？；\n]+[。!?;！？；]?")


def term_counts_by_group(terms: pd.DataFrame, articles: pd.DataFrame, *, by: str,
                         groups: list[str]) -> pd.DataFrame:
    """The long (group, term, count) table `distinguishing_terms` takes, from the output tables.

    Args:
        terms: the terms table (`article_id`, `term`, `count`).
        articles: the articles table, or any frame with `article_id` and the column `by`.
        by: the grouping column of `articles`: "district" or "street" (any column works).
        groups: the values of `by` to compare, in display order; other articles are left out.

    Returns:
        Columns `group`, `term`, `count` (summed over the group's articles), groups in the order
        of `groups`, terms alphabetically within a group.
    """
    chosen = articles.loc[articles[by].isin(groups), ["article_id", by]].rename(columns={by: "group"})
    merged = terms.merge(chosen, on="article_id")
    counts = merged.groupby(["group", "term"], as_index=False)["count"].sum()
    order = {group: i for i, group in enumerate(groups)}
    counts = counts.sort_values(["group", "term"], key=lambda col: col.map(order) if col.name == "group" else col)
    return counts.reset_index(drop=True)[["group", "term", "count"]]


def distinguishing_terms(counts: pd.DataFrame, *, prior_strength: float | None = None,
                         top: int | None = 20, min_count: int = 1) -> pd.DataFrame:
    """Per group, the terms that distinguish it from the other groups, most distinctive first.

    Args:
        counts: long table with columns `group` (str), `term` (str), `count` (int >= 0); several
            rows of the same (group, term) are summed (e.g. the terms table joined to articles).
        prior_strength: alpha_0, total pseudo-counts of the prior; the input's total count when None.
        top: keep this many terms per group (highest z); all when None.
        min_count: drop terms used fewer than this many times in the group itself.

    Returns:
        Columns `group`, `term`, `count` (in the group), `count_other` (in all other groups),
        `delta` (log-odds ratio, natural log), `z` (z-score); groups in order of first
        appearance, terms by z descending then term.

    Raises:
        ValueError: when a column is missing, a count is negative, all counts are 0, or there are
            fewer than two groups.
    """
    missing = {"group", "term", "count"} - set(counts.columns)
    if missing:
        raise ValueError(f"counts needs columns group, term, count; missing {', '.join(sorted(missing))}")
    if (counts["count"] < 0).any():
        raise ValueError("counts must be >= 0")
    groups = list(dict.fromkeys(counts["group"]))
    if len(groups) < 2:
        raise ValueError(f"need at least 2 groups to compare, got {len(groups)}: {', '.join(map(str, groups))}")
    table = counts.pivot_table(index="term", columns="group", values="count", aggfunc="sum", fill_value=0)
    table = table[groups].astype("float64")
    total_w = table.sum(axis=1)
    n = float(total_w.sum())
    if n == 0:
        raise ValueError("all counts are 0: nothing to compare")
    alpha_0 = n if prior_strength is None else float(prior_strength)
    alpha = alpha_0 * total_w / n
    frames = []
    for group in groups:
        y_i = table[group]
        y_rest = total_w - y_i
        n_i = float(y_i.sum())
        n_rest = n - n_i
        delta = (np.log((y_i + alpha) / (n_i + alpha_0 - y_i - alpha))
                 - np.log((y_rest + alpha) / (n_rest + alpha_0 - y_rest - alpha)))
        z = delta / np.sqrt(1 / (y_i + alpha) + 1 / (y_rest + alpha))
        frame = pd.DataFrame({"group": group, "term": table.index.astype(str), "count": y_i.to_numpy(),
                              "count_other": y_rest.to_numpy(), "delta": delta.to_numpy(), "z": z.to_numpy()})
        frame = frame[frame["count"] >= min_count].sort_values(["z", "term"], ascending=[False, True])
        frames.append(frame.head(top) if top is not None else frame)
    result = pd.concat(frames, ignore_index=True)
    return result.astype({"count": "int64", "count_other": "int64"})[RESULT_COLUMNS]


def sentences(text: str) -> list[str]:
    """The sentences of `text`, split after 。!?; (full- or half-width) and at line breaks, stripped."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def example_sentences(articles: pd.DataFrame, term: str, *, per_group: int = 3) -> pd.DataFrame:
    """Sentences that use `term`, a few per group, for showing a distinguishing term in context.

    Args:
        articles: columns `group` and `text` (an `article_id` column is carried along when present).
        term: the word to find (plain substring match).
        per_group: at most this many sentences per group, in article order; repeats dropped.

    Returns:
        Columns `group`, `article_id` ("" when the input has none), `sentence`; groups in order of
        first appearance.

    Raises:
        ValueError: when `group` or `text` is missing or `term` is empty.
    """
    missing = {"group", "text"} - set(articles.columns)
    if missing:
        raise ValueError(f"articles needs columns group, text; missing {', '.join(sorted(missing))}")
    if not term:
        raise ValueError("term must not be empty")
    ids = articles["article_id"] if "article_id" in articles.columns else pd.Series("", index=articles.index)
    rows: list[dict[str, str]] = []
    taken: dict[str, list[str]] = {}
    for group, article_id, text in zip(articles["group"], ids, articles["text"], strict=True):
        if not isinstance(text, str) or term not in text:
            continue
        chosen = taken.setdefault(group, [])
        for sentence in sentences(text):
            if len(chosen) < per_group and term in sentence and sentence not in chosen:
                chosen.append(sentence)
                rows.append({"group": group, "article_id": article_id, "sentence": sentence})
    return pd.DataFrame(rows, columns=["group", "article_id", "sentence"]).astype("str")
