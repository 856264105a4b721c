"""What the articles are about: metric totals, themes over time and by area, term frequencies.

Each function answers from the rollups when they are built (`filtering.rollup_rows`: exact for
every filter, except that terms count only where they are among a rollup cell's most frequent)
and from the full tables otherwise.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from civic.filters import Filters
from civic.queries.filtering import filtered, frame, in_filtered, rollup_rows
from civic.queries.panels import PERIOD_CHARS, Period

Level = Literal["city", "district", "street"]

RATE_UNITS: tuple[str, ...] = ("%", "‰")
"""Units that are rates: never summed."""


def metric_totals(con, f: Filters, by: Level | Literal["month"] | None = None) -> pd.DataFrame:
    """Metric totals per (`by` value,) `what` and `unit`, largest first.

    Columns: [`by` (and district when `by` is street),] what, unit, mentions, articles, total (None for
    rates), approx.
    """
    # a street name repeats across districts (南关街道), so streets are told apart by their district
    keys = {None: "", "street": "street, district, "}.get(by, f"{by}, ")
    nonempty = f"WHERE {by} <> ''" if by else ""
    order = f"ORDER BY {keys}total DESC NULLS LAST, mentions DESC, what, unit"
    rows = rollup_rows(con, f, "_metric")
    if rows:
        sql = f"""
        SELECT {keys}what, unit, sum(mentions)::BIGINT AS mentions, sum(articles)::BIGINT AS articles,
               CASE WHEN list_contains(?, unit) THEN NULL ELSE sum(total) END AS total, bool_or(approx) AS approx
        FROM {rows[0]} {nonempty} GROUP BY {keys}what, unit {order}"""
        return frame(con, sql, [list(RATE_UNITS)] + rows[1])
    prefix, params = filtered(f, "a.article_id" + {None: "", "street": ", a.street, a.district"}.get(by, f", a.{by}"))
    sql = f"""{prefix}
    SELECT {keys}what, unit, count(*) AS mentions, count(DISTINCT article_id) AS articles,
           CASE WHEN list_contains(?, unit) THEN NULL ELSE sum(value) END AS total, bool_or(approx) AS approx
    FROM metrics m JOIN fa USING (article_id) {nonempty} GROUP BY {keys}what, unit {order}"""
    return frame(con, sql, params + [list(RATE_UNITS)])


def themes_over_time(con, f: Filters, period: Period = "month") -> pd.DataFrame:
    """Columns period, theme, articles, share (of the period's articles that have the theme)."""
    n = PERIOD_CHARS[period]
    rows = rollup_rows(con, f)
    if rows:
        sql = f"""
        WITH r AS MATERIALIZED (SELECT substr(month, 1, {n}) AS period, themes, articles FROM {rows[0]}
                                WHERE month <> ''),
        per AS (SELECT period, sum(articles)::BIGINT AS n FROM r GROUP BY 1)
        SELECT period, theme, sum(articles)::BIGINT AS articles, sum(articles)::BIGINT / any_value(per.n) AS share
        FROM (SELECT period, unnest(themes) AS theme, articles FROM r) JOIN per USING (period)
        GROUP BY 1, 2 ORDER BY 1, articles DESC, 2"""
        return frame(con, sql, rows[1])
    prefix, params = filtered(f, "a.article_id, a.month")
    sql = f"""{prefix},
    per AS (SELECT substr(month, 1, {n}) AS period, count(*) AS n FROM fa WHERE month <> '' GROUP BY 1)
    SELECT substr(fa.month, 1, {n}) AS period, t.theme, count(DISTINCT t.article_id) AS articles,
           count(DISTINCT t.article_id) / any_value(per.n) AS share
    FROM themes t JOIN fa USING (article_id) JOIN per ON per.period = substr(fa.month, 1, {n})
    GROUP BY 1, 2 ORDER BY 1, articles DESC, 2"""
    return frame(con, sql, params)


def theme_by_area(con, f: Filters, level: Level = "district") -> pd.DataFrame:
    """Columns area, theme, articles, share (of the area's articles that have the theme)."""
    rows = rollup_rows(con, f)
    if rows:
        sql = f"""
        WITH r AS MATERIALIZED (SELECT {level} AS area, themes, articles FROM {rows[0]} WHERE {level} <> ''),
        per AS (SELECT area, sum(articles)::BIGINT AS n FROM r GROUP BY 1)
        SELECT area, theme, sum(articles)::BIGINT AS articles, sum(articles) / any_value(per.n) AS share
        FROM (SELECT area, unnest(themes) AS theme, articles FROM r) JOIN per USING (area)
        GROUP BY 1, 2 ORDER BY 1, 2"""
        return frame(con, sql, rows[1])
    prefix, params = filtered(f, f"a.article_id, a.{level} AS area")
    sql = f"""{prefix},
    per AS (SELECT area, count(*) AS n FROM fa WHERE area <> '' GROUP BY 1)
    SELECT fa.area, t.theme, count(DISTINCT t.article_id) AS articles,
           count(DISTINCT t.article_id) / any_value(per.n) AS share
    FROM themes t JOIN fa USING (article_id) JOIN per USING (area)
    GROUP BY 1, 2 ORDER BY 1, 2"""
    return frame(con, sql, params)


def term_frequencies(con, f: Filters, limit: int = 100, exclude: tuple[str, ...] = ()) -> pd.DataFrame:
    """Columns term, count (occurrences), articles: the `limit` most frequent terms, `exclude` left out.

    Answered from the top-term rollups when they are built: a term then counts only where it is
    among the most frequent of a street, month and theme set (every term counts in the days a date
    range cuts), which the top of a word cloud always is.
    """
    rows = rollup_rows(con, f, "_terms")
    if rows:
        sql = f"""
        SELECT term, sum(count)::BIGINT AS count, sum(articles)::BIGINT AS articles FROM {rows[0]}
        WHERE NOT list_contains(?, term) GROUP BY term ORDER BY count DESC, term LIMIT ?"""
        return frame(con, sql, rows[1] + [list(exclude), limit])
    prefix, params = filtered(f, "a.article_id")
    sql = f"""{prefix}
    SELECT term, sum(count)::BIGINT AS count, count(DISTINCT article_id) AS articles FROM terms
    WHERE {in_filtered(f)} AND NOT list_contains(?, term)
    GROUP BY term ORDER BY count DESC, term LIMIT ?"""
    return frame(con, sql, params + [list(exclude), limit])
