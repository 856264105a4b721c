"""The compare page's aggregates: 2–4 districts or streets (`names` at `level`) side by side.

Frames name the compared group in column `group` (what `civic.compare` expects). Each function
answers from the rollups when they are built and from the full tables otherwise, like
`civic.queries.panels`.
"""

from __future__ import annotations

import pandas as pd

from civic.filters import Filters
from civic.queries.filtering import FULL_DATE, frame, group_of, in_list, rollup_rows, where
from civic.queries.topics import RATE_UNITS, Level
from civic.rollups import ITEM_UNITS, PEOPLE_UNITS

_GROUP = {"grp": "group"}


def _grouped(f: Filters, level: Level, names: tuple[str, ...], columns: str) -> tuple[str, list]:
    """`WITH fa AS (...)` of the filtered articles in one of `names` at `level`, `grp` naming which."""
    condition, params = where(f)
    clause, args = in_list(group_of(level, "a"), names)
    return (f"WITH fa AS (SELECT {group_of(level, 'a')} AS grp, {columns} FROM articles a "
            f"WHERE {condition} AND {clause})", params + args)


def _grouped_rows(con, f: Filters, level: Level, names: tuple[str, ...], family: str = ""
                  ) -> tuple[str, list] | None:
    """A subquery of the filter's rollup rows (`filtering.rollup_rows`) in one of `names`, with
    their group as `grp`; None when the rollups are not built."""
    rows = rollup_rows(con, f, family)
    if rows is None:
        return None
    clause, args = in_list("grp", names)
    return (f"(SELECT * FROM (SELECT {group_of(level, 'r')} AS grp, r.* FROM {rows[0]} r) WHERE {clause})",
            rows[1] + args)


def compare_headline(con, f: Filters, level: Level, names: tuple[str, ...]) -> pd.DataFrame:
    """One row per group: group, articles, streets, date_min, date_max, people, items, metrics,
    people_per_article, items_per_article."""
    units = [list(PEOPLE_UNITS), list(ITEM_UNITS)]
    places, metrics = (_grouped_rows(con, f, level, names), _grouped_rows(con, f, level, names, "_metric"))
    if places and metrics:
        sql = f"""
        WITH g AS (SELECT grp, sum(articles)::BIGINT AS articles,
                          count(DISTINCT (city, district, street)) FILTER (WHERE street <> '') AS streets,
                          min(date_min) AS date_min, max(date_max) AS date_max FROM {places[0]} GROUP BY grp),
        m AS (SELECT grp, coalesce(sum(total) FILTER (WHERE list_contains(?, unit)), 0) AS people,
                     coalesce(sum(total) FILTER (WHERE list_contains(?, unit)), 0) AS items,
                     sum(mentions)::BIGINT AS metrics FROM {metrics[0]} GROUP BY grp)"""
        params = places[1] + units + metrics[1]
    else:
        prefix, params = _grouped(f, level, names, "a.article_id, a.street, a.district, a.city, a.date")
        sql = f"""{prefix},
        g AS (SELECT grp, count(*) AS articles, count(DISTINCT (city, district, street)) FILTER (WHERE street <> '')
                     AS streets, min(date) FILTER (WHERE date LIKE '{FULL_DATE}') AS date_min,
                     max(date) FILTER (WHERE date LIKE '{FULL_DATE}') AS date_max FROM fa GROUP BY grp),
        m AS (SELECT fa.grp, coalesce(sum(value) FILTER (WHERE list_contains(?, unit)), 0) AS people,
                     coalesce(sum(value) FILTER (WHERE list_contains(?, unit)), 0) AS items, count(*) AS metrics
              FROM metrics JOIN fa USING (article_id) GROUP BY fa.grp)"""
        params = params + units
    sql += """
    SELECT g.*, coalesce(m.people, 0) AS people, coalesce(m.items, 0) AS items,
           coalesce(m.metrics, 0) AS metrics, coalesce(m.people, 0) / g.articles AS people_per_article,
           coalesce(m.items, 0) / g.articles AS items_per_article
    FROM g LEFT JOIN m USING (grp) ORDER BY g.grp"""
    return frame(con, sql, params).rename(columns=_GROUP)


def compare_theme_shares(con, f: Filters, level: Level, names: tuple[str, ...]) -> pd.DataFrame:
    """Columns group, theme, articles, share (of the group's articles that have the theme)."""
    rows = _grouped_rows(con, f, level, names)
    if rows:
        sql = f"""
        WITH r AS MATERIALIZED (SELECT grp, themes, articles FROM {rows[0]}),
        per AS (SELECT grp, sum(articles) AS n FROM r GROUP BY 1)
        SELECT grp, theme, sum(articles)::BIGINT AS articles, sum(articles) / any_value(per.n) AS share
        FROM (SELECT grp, unnest(themes) AS theme, articles FROM r) JOIN per USING (grp)
        GROUP BY 1, 2 ORDER BY 1, share DESC, 2"""
        return frame(con, sql, rows[1]).rename(columns=_GROUP)
    prefix, params = _grouped(f, level, names, "a.article_id")
    sql = f"""{prefix},
    per AS (SELECT grp, count(*) AS n FROM fa GROUP BY grp)
    SELECT fa.grp, t.theme, count(DISTINCT t.article_id) AS articles,
           count(DISTINCT t.article_id) / any_value(per.n) AS share
    FROM themes t JOIN fa USING (article_id) JOIN per USING (grp) GROUP BY 1, 2 ORDER BY 1, share DESC, 2"""
    return frame(con, sql, params).rename(columns=_GROUP)


def compare_top_streets(con, f: Filters, level: Level, names: tuple[str, ...], limit: int = 5) -> pd.DataFrame:
    """Columns group, street, district, articles: each group's `limit` streets with most articles."""
    rows = _grouped_rows(con, f, level, names)
    if rows:
        counted = f"(SELECT grp, street, district, city, sum(articles) AS n FROM {rows[0]} GROUP BY ALL)"
        params = rows[1]
    else:
        prefix, params = _grouped(f, level, names, "a.street, a.district, a.city")
        counted = "(SELECT grp, street, district, city, count(*) AS n FROM fa GROUP BY ALL)"
        counted = f"({prefix} SELECT * FROM {counted})"
    sql = f"""
    SELECT grp, street, district, n::BIGINT AS articles FROM {counted} WHERE street <> ''
    QUALIFY row_number() OVER (PARTITION BY grp ORDER BY n DESC, street, district, city) <= ?
    ORDER BY grp, articles DESC, street, district"""
    return frame(con, sql, params + [limit]).rename(columns=_GROUP)


def compare_metric_totals(con, f: Filters, level: Level, names: tuple[str, ...], limit: int = 10) -> pd.DataFrame:
    """Columns group, what, unit, total, approx, per_article: each group's `limit` largest totals
    (rates left out), with the total divided by the group's article count."""
    places, metrics = _grouped_rows(con, f, level, names), _grouped_rows(con, f, level, names, "_metric")
    if places and metrics:
        sql = f"""
        WITH per AS (SELECT grp, sum(articles) AS n FROM {places[0]} GROUP BY 1),
        t AS (SELECT grp, what, unit, sum(total) AS total, bool_or(approx) AS approx FROM {metrics[0]}
              WHERE NOT list_contains(?, unit) GROUP BY ALL)"""
        params = places[1] + metrics[1] + [list(RATE_UNITS)]
    else:
        prefix, params = _grouped(f, level, names, "a.article_id")
        sql = f"""{prefix},
        per AS (SELECT grp, count(*) AS n FROM fa GROUP BY grp),
        t AS (SELECT fa.grp, m.what, m.unit, sum(m.value) AS total, bool_or(m.approx) AS approx
              FROM metrics m JOIN fa USING (article_id) WHERE NOT list_contains(?, m.unit) GROUP BY ALL)"""
        params = params + [list(RATE_UNITS)]
    sql += """
    SELECT t.grp, t.what, t.unit, t.total, t.approx, t.total / per.n AS per_article FROM t JOIN per USING (grp)
    QUALIFY row_number() OVER (PARTITION BY t.grp ORDER BY t.total DESC, t.what, t.unit) <= ?
    ORDER BY 1, total DESC, 2, 3"""
    return frame(con, sql, params + [limit]).rename(columns=_GROUP)


def compare_term_counts(con, f: Filters, level: Level, names: tuple[str, ...], limit: int = 2000) -> pd.DataFrame:
    """Long frame group, term, count: each group's `limit` most frequent terms (input to log-odds).

    From the top-term rollups when they are built (see `term_frequencies`).
    """
    rows = _grouped_rows(con, f, level, names, "_terms")
    if rows:
        counted, params = f"(SELECT grp, term, sum(count) AS count FROM {rows[0]} GROUP BY ALL)", rows[1]
    else:
        prefix, params = _grouped(f, level, names, "a.article_id")
        counted = (f"({prefix} SELECT fa.grp, t.term, sum(t.count) AS count FROM terms t JOIN fa USING (article_id) "
                   "GROUP BY ALL)")
    sql = f"""
    SELECT grp, term, count::BIGINT AS count FROM {counted}
    QUALIFY row_number() OVER (PARTITION BY grp ORDER BY count DESC, term) <= ?
    ORDER BY 1, count DESC, 2"""
    return frame(con, sql, params + [limit]).rename(columns=_GROUP)
