"""The overview's and the streets page's aggregates: headline, articles over time, streets, parse quality.

Each function answers from the rollups when they are built (`filtering.rollup_rows`: exact for
every filter) and from the full tables otherwise; both paths are tested equal.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from civic.filters import Filters
from civic.queries.filtering import FULL_DATE, filtered, frame, in_filtered, in_list, rollup_rows, where
from civic.rollups import ITEM_UNITS, PEOPLE_UNITS

Period = Literal["month", "year"]

QUALITY_MEASURES: tuple[str, ...] = ("street", "date", "metrics", "themes", "people")
"""What the parse-quality panel counts: articles with a street, a date, metrics, themes, people."""
PERIOD_CHARS = {"month": 7, "year": 4}
_UNIT_CLASSES = [list(PEOPLE_UNITS), list(PEOPLE_UNITS), list(ITEM_UNITS), list(ITEM_UNITS)]


def article_count(con, f: Filters) -> int:
    """How many articles the filter selects (the `articles` of `headline`, for a fraction of its cost)."""
    rows = rollup_rows(con, f)
    if rows:
        return int(con.execute(f"SELECT coalesce(sum(articles), 0) FROM {rows[0]}", rows[1]).fetchone()[0])
    condition, params = where(f)
    return int(con.execute(f"SELECT count(*) FROM articles a WHERE {condition}", params).fetchone()[0])


def headline(con, f: Filters) -> pd.DataFrame:
    """One row: articles, streets, districts, cities, date_min, date_max (ISO, None when no full date),
    people (total people mobilised), people_approx, items (total sites/items handled), items_approx."""
    places, metrics = rollup_rows(con, f), rollup_rows(con, f, "_metric")
    if places and metrics:
        sql = f"""
        WITH p AS (SELECT city, district, street, min(date_min) AS date_min, max(date_max) AS date_max,
                          sum(articles)::BIGINT AS n FROM {places[0]} GROUP BY ALL),
        m AS (SELECT total AS value, unit, approx FROM {metrics[0]}),
        c AS (SELECT coalesce(sum(n), 0)::BIGINT AS articles, count(*) FILTER (WHERE street <> '') AS streets,
                     count(DISTINCT (city, district)) FILTER (WHERE district <> '') AS districts,
                     count(DISTINCT city) FILTER (WHERE city <> '') AS cities,
                     min(date_min) AS date_min, max(date_max) AS date_max FROM p)"""
        params = places[1] + metrics[1]
    else:
        prefix, params = filtered(f, "a.article_id, a.street, a.district, a.city, a.date")
        sql = f"""{prefix},
        m AS (SELECT value, unit, approx FROM metrics WHERE {in_filtered(f)}),
        c AS (SELECT count(*) AS articles,
                     (SELECT count(*) FROM (SELECT city, district, street FROM fa WHERE street <> '' GROUP BY ALL))
                        AS streets,
                     (SELECT count(*) FROM (SELECT city, district FROM fa WHERE district <> '' GROUP BY ALL))
                        AS districts,
                     count(DISTINCT city) FILTER (WHERE city <> '') AS cities,
                     min(date) FILTER (WHERE date LIKE '{FULL_DATE}') AS date_min,
                     max(date) FILTER (WHERE date LIKE '{FULL_DATE}') AS date_max FROM fa)"""
    sql += """
    SELECT c.articles, c.streets, c.districts, c.cities, c.date_min, c.date_max,
           (SELECT coalesce(sum(value), 0) FROM m WHERE list_contains(?, unit)) AS people,
           (SELECT coalesce(bool_or(approx), false) FROM m WHERE list_contains(?, unit)) AS people_approx,
           (SELECT coalesce(sum(value), 0) FROM m WHERE list_contains(?, unit)) AS items,
           (SELECT coalesce(bool_or(approx), false) FROM m WHERE list_contains(?, unit)) AS items_approx
    FROM c"""
    return frame(con, sql, params + _UNIT_CLASSES)


def articles_over_time(con, f: Filters, period: Period = "month") -> pd.DataFrame:
    """Columns `period` (YYYY-MM or YYYY), `articles`; articles without a month are left out."""
    n = PERIOD_CHARS[period]
    rows = rollup_rows(con, f)
    if rows:
        sql = (f"SELECT substr(month, 1, {n}) AS period, sum(articles)::BIGINT AS articles FROM {rows[0]} "
               f"WHERE month <> '' GROUP BY 1 ORDER BY 1")
        return frame(con, sql, rows[1])
    prefix, params = filtered(f, "a.month")
    sql = (f"{prefix} SELECT substr(month, 1, {n}) AS period, count(*) AS articles "
           "FROM fa WHERE month <> '' GROUP BY 1 ORDER BY 1")
    return frame(con, sql, params)


def top_streets(con, f: Filters, limit: int = 20) -> pd.DataFrame:
    """Columns street, district, city, articles: the `limit` streets with most articles."""
    rows = rollup_rows(con, f)
    if rows:
        sql = (f"SELECT street, district, city, sum(articles)::BIGINT AS articles FROM {rows[0]} "
               f"WHERE street <> '' GROUP BY ALL ORDER BY articles DESC, street, district, city LIMIT ?")
        return frame(con, sql, rows[1] + [limit])
    prefix, params = filtered(f, "a.street, a.district, a.city")
    sql = (f"{prefix} SELECT street, district, city, count(*) AS articles FROM fa WHERE street <> '' "
           "GROUP BY ALL ORDER BY articles DESC, street, district, city LIMIT ?")
    return frame(con, sql, params + [limit])


def parse_quality(con, f: Filters) -> pd.DataFrame:
    """Columns `measure` (street, date, metrics, themes, people), `articles` having it, `share`."""
    rows = rollup_rows(con, f)
    if rows:
        sql = f"""
        WITH s AS (SELECT coalesce(sum(articles), 0) AS n,
                          coalesce(sum(articles) FILTER (WHERE street <> ''), 0) AS street,
                          coalesce(sum(dated), 0) AS date, coalesce(sum(with_metrics), 0) AS metrics,
                          coalesce(sum(articles) FILTER (WHERE len(themes) > 0), 0) AS themes,
                          coalesce(sum(with_people), 0) AS people FROM {rows[0]})
        SELECT measure, articles::BIGINT AS articles, articles / greatest(n, 1) AS share FROM (
          {" UNION ALL ".join(f"SELECT '{m}' AS measure, {i} AS o, {m} AS articles, n FROM s"
                              for i, m in enumerate(QUALITY_MEASURES))}
        ) ORDER BY o"""
        return frame(con, sql, rows[1])
    prefix, params = filtered(f, "a.article_id, a.street, a.date")
    sql = f"""{prefix}
    SELECT measure, articles, articles / greatest((SELECT count(*) FROM fa), 1) AS share FROM (
      SELECT 'street' AS measure, 1 AS o, count(*) FILTER (WHERE street <> '') AS articles FROM fa
      UNION ALL SELECT 'date', 2, count(*) FILTER (WHERE date <> '') FROM fa
      UNION ALL SELECT 'metrics', 3, count(DISTINCT article_id) FROM metrics WHERE {in_filtered(f)}
      UNION ALL SELECT 'themes', 4, count(DISTINCT article_id) FROM themes WHERE {in_filtered(f)}
      UNION ALL SELECT 'people', 5, count(DISTINCT article_id) FROM people WHERE {in_filtered(f)}
    ) ORDER BY o"""
    return frame(con, sql, params)


_TOP_KEY = "list_contains(?, concat_ws('\x1f', {0}.city, {0}.district, {0}.street))"
"""True for the groups of the streets shown (a street name can repeat in other districts)."""


def _top_keys(top: pd.DataFrame) -> list:
    """The parameter of `_TOP_KEY` for the streets of a `top_streets` frame."""
    return [["\x1f".join(row) for row in top[["city", "district", "street"]].itertuples(index=False)]]


def _top_street_articles(f: Filters, top: pd.DataFrame) -> tuple[str, list]:
    """`WITH fa AS (...)`: the filtered articles on the streets of `top`, and its parameters.

    The joins then touch only the articles of the streets shown, not the whole corpus.
    """
    condition, params = where(f)
    columns = "a.article_id, a.street, a.district, a.city"
    if top.empty:
        return f"WITH fa AS (SELECT {columns} FROM articles a WHERE FALSE)", []
    streets, args = in_list("a.street", tuple(top["street"].unique()))
    return f"WITH fa AS (SELECT {columns} FROM articles a WHERE {condition} AND {streets})", params + args


_STREET_TOTALS = """
    coalesce(sum(value) FILTER (WHERE is_people), 0) AS people,
    coalesce(bool_or(approx) FILTER (WHERE is_people), false) AS people_approx,
    coalesce(sum(value) FILTER (WHERE NOT is_people), 0) AS items,
    coalesce(bool_or(approx) FILTER (WHERE NOT is_people), false) AS items_approx"""
_UNITS = [list(PEOPLE_UNITS), list(PEOPLE_UNITS), list(ITEM_UNITS)]
"""Parameters of `list_contains(?, unit) AS is_people ... WHERE list_contains(?, unit) OR list_contains(?, unit)`."""


def _rolled_street_themes(rows: str, keep: str) -> str:
    """City, district, street, theme, articles from the article rollup `rows` (alias r) where `keep`."""
    return f"""SELECT city, district, street, theme, sum(articles)::BIGINT AS articles
               FROM (SELECT r.city, r.district, r.street, unnest(r.themes) AS theme, r.articles FROM {rows} r
                     WHERE {keep}) GROUP BY ALL"""


def _rolled_street_metrics(places: str, metrics: str, keep: str) -> str:
    """City, district, street, people, people_approx, items, items_approx, articles (with such figures)
    from the rollup rows `places` and `metrics` (alias r) where `keep`; parameters from
    `_rolled_street_metrics_params`."""
    return f"""
        WITH m AS (SELECT city, district, street, {_STREET_TOTALS}
                   FROM (SELECT r.*, r.total AS value, list_contains(?, r.unit) AS is_people FROM {metrics} r
                         WHERE (list_contains(?, r.unit) OR list_contains(?, r.unit)) AND {keep})
                   GROUP BY ALL),
        n AS (SELECT city, district, street, sum(counted)::BIGINT AS articles FROM {places} r WHERE {keep} GROUP BY ALL)
        SELECT m.*, n.articles FROM m JOIN n USING (city, district, street)"""


def _rolled_street_metrics_params(places: list, metrics: list, keep: list) -> list:
    return _UNITS[:1] + metrics + _UNITS[1:] + keep + places + keep


def street_theme_counts(con, f: Filters, limit: int = 20, top: pd.DataFrame | None = None) -> pd.DataFrame:
    """Columns street, district, theme, articles for the `limit` streets with most articles.

    `top` is `top_streets(con, f, limit)` when the caller has it already (one query fewer).
    """
    top = top_streets(con, f, limit) if top is None else top
    rows = rollup_rows(con, f)
    if rows:
        themes = _rolled_street_themes(rows[0], _TOP_KEY.format("r"))
        sql = f"SELECT street, district, theme, articles FROM ({themes}) ORDER BY 1, 2, articles DESC, theme"
        return frame(con, sql, rows[1] + _top_keys(top))
    prefix, params = _top_street_articles(f, top)
    sql = f"""{prefix}
    SELECT fa.street, fa.district, t.theme, count(DISTINCT fa.article_id) AS articles
    FROM fa JOIN themes t USING (article_id)
    GROUP BY fa.street, fa.district, fa.city, t.theme HAVING {_TOP_KEY.format('fa')}
    ORDER BY fa.street, fa.district, articles DESC, t.theme"""
    return frame(con, sql, params + _top_keys(top))


def street_metric_totals(con, f: Filters, limit: int = 20, top: pd.DataFrame | None = None) -> pd.DataFrame:
    """People mobilised and items handled on the `limit` streets with most articles, most people first.

    Columns: street, district, people, people_approx, items, items_approx, articles (with such figures).
    `top` is `top_streets(con, f, limit)` when the caller has it already (one query fewer).
    """
    top = top_streets(con, f, limit) if top is None else top
    places, metrics = rollup_rows(con, f), rollup_rows(con, f, "_metric")
    if places and metrics:
        sql = (f"SELECT street, district, people, people_approx, items, items_approx, articles "
               f"FROM ({_rolled_street_metrics(places[0], metrics[0], _TOP_KEY.format('r'))}) "
               "ORDER BY people DESC, items DESC, street, district LIMIT ?")
        return frame(con, sql, _rolled_street_metrics_params(places[1], metrics[1], _top_keys(top)) + [limit])
    prefix, params = _top_street_articles(f, top)
    sql = f"""{prefix},
    m AS (SELECT article_id, value, approx, list_contains(?, unit) AS is_people FROM metrics
          WHERE list_contains(?, unit) OR list_contains(?, unit))
    SELECT fa.street, fa.district, {_STREET_TOTALS}, count(DISTINCT fa.article_id) AS articles
    FROM fa JOIN m USING (article_id)
    GROUP BY fa.street, fa.district, fa.city HAVING {_TOP_KEY.format('fa')}
    ORDER BY people DESC, items DESC, fa.street, fa.district LIMIT ?"""
    return frame(con, sql, params + _UNITS + _top_keys(top) + [limit])
