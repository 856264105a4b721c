"""Filters -> small pandas DataFrames, aggregated in DuckDB over the views of `civic.store.connect`.

Every function takes a DuckDB connection (or cursor) and a `Filters`, pushes the filter into SQL
as bound parameters (user input is never formatted into SQL text) and returns a frame small enough
to cache and chart: aggregates, or at most `limit` rows of detail.

Conventions of the returned frames: `articles` counts distinct articles; `share` is a fraction in
[0, 1]; `total` sums `metrics.value` in the metric's own unit; `approx` is True when any summed
value was printed as approximate (so the true total is at least `total`); `month` is `YYYY-MM`,
`year` is `YYYY`.

Filters on city, district, whole months (and street, for article counts) are answered from the
rollups of `civic.rollups` when they are built; themes, streets and cut months go to the full
tables. Until the metric rollup records approximation, a rollup total is marked approximate when its
(what, unit) is approximate anywhere in the corpus. Two panels have no build rollup yet, so
`quality_by_district_month` and `street_tables` compute one per build (the app caches them) and
`parse_quality_from` / `street_panels_from` answer from it; every such path is tested equal to the
full-table query.
"""

from __future__ import annotations

import calendar
from typing import Literal

import pandas as pd

from civic.filters import Filters
from civic.schema import TABLES

Level = Literal["city", "district", "street"]
Period = Literal["month", "year"]

LEVELS: tuple[str, ...] = ("city", "district", "street")
PEOPLE_UNITS: tuple[str, ...] = ("人", "名", "人次", "位")
"""Units of people mobilised (志愿者200余人, 两名工作人员)."""
ITEM_UNITS: tuple[str, ...] = ("处", "个", "辆", "块", "件", "条", "起", "户", "家", "张", "份", "册",
                               "面", "根", "棵", "座", "台", "间", "车", "吨", "袋", "箱")
"""Units of sites or items handled (拆除违建45处, 发放宣传册3000册); areas and rates are not counted."""
QUALITY_MEASURES: tuple[str, ...] = ("street", "date", "metrics", "themes", "people")
"""What the parse-quality panel counts: articles with a street, a date, metrics, themes, people."""
RATE_UNITS: tuple[str, ...] = ("%", "‰")
"""Units that are rates: never summed."""

_GROUP = {"grp": "group"}
_APPROX = "(SELECT DISTINCT what, unit, true AS approx FROM metrics WHERE approx)"
"""(what, unit) printed as approximate anywhere: the approximation flag for totals read from rollups."""
_PERIOD_CHARS = {"month": 7, "year": 4}
_FULL_DATE = "____-__-__"


def _in(column: str, values: tuple[str, ...]) -> tuple[str, list]:
    return f"{column} IN ({', '.join('?' * len(values))})", list(values)


def _place_clauses(f: Filters, alias: str) -> tuple[list[str], list]:
    """SQL conditions on `alias.city/district/street` for the place filters, and their parameters."""
    clauses: list[str] = []
    params: list = []
    for column, values in (("city", f.cities), ("district", f.districts), ("street", f.streets)):
        if values:
            clause, args = _in(f"{alias}.{column}", values)
            clauses.append(clause)
            params += args
    return clauses, params


def where(f: Filters, alias: str = "a") -> tuple[str, list]:
    """SQL condition on `articles AS alias` for the filter, and its parameters in order.

    The date range matches full dates day by day and month-only dates (`--MM-DD` with a page year)
    by their month; articles without any date drop out when a range is set.
    """
    clauses, params = _place_clauses(f, alias)
    if f.date_from or f.date_to:
        lo, hi = f.date_from or "0000-01-01", f.date_to or "9999-12-31"
        clauses.append(f"(CASE WHEN {alias}.date LIKE '{_FULL_DATE}' THEN {alias}.date BETWEEN ? AND ? "
                       f"ELSE {alias}.month BETWEEN ? AND ? END)")
        params += [lo, hi, lo[:7], hi[:7]]
    if f.themes:
        clause, args = _in("theme", f.themes)
        clauses.append(f"{alias}.article_id IN (SELECT article_id FROM themes WHERE {clause})")
        params += args
    return " AND ".join(clauses) or "TRUE", params


def _filtered(f: Filters, columns: str = "a.*") -> tuple[str, list]:
    """A `WITH fa AS (...)` prefix selecting the filtered articles' `columns`."""
    condition, params = where(f)
    return f"WITH fa AS (SELECT {columns} FROM articles a WHERE {condition})", params


def _df(con, sql: str, params: list) -> pd.DataFrame:
    return con.execute(sql, params).df()


def _in_filtered(f: Filters) -> str:
    """Condition restricting a detail table (metrics, themes, ...) to the filtered articles `fa`.

    Nothing to restrict for the whole corpus, which spares a join over millions of rows.
    """
    return "TRUE" if f.is_empty() else "article_id IN (SELECT article_id FROM fa)"


def _whole_months(f: Filters) -> bool:
    """True when the date range starts on a month's first day and ends on its last (or is open)."""
    if f.date_from and not f.date_from.endswith("-01"):
        return False
    if f.date_to:
        year, month = int(f.date_to[:4]), int(f.date_to[5:7])
        return f.date_to[8:] == f"{calendar.monthrange(year, month)[1]:02d}"
    return True


def _rollup(con, f: Filters, name: str, *, by_street: bool = False) -> tuple[str, list] | None:
    """Condition and parameters selecting the filter's rows of rollup `rollup_<name>`, or None when
    the rollup cannot answer exactly (theme filter, street filter unless `by_street`, a date range
    that cuts a month, or no such rollup built)."""
    if f.themes or (f.streets and not by_street) or not _whole_months(f):
        return None
    exists = con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ?", [f"rollup_{name}"]).fetchone()[0]
    if not exists:
        return None
    clauses, params = _place_clauses(f, "r")
    if f.date_from or f.date_to:
        clauses.append("r.month BETWEEN ? AND ?")
        params += [(f.date_from or "0000-01")[:7], (f.date_to or "9999-12")[:7]]
    return " AND ".join(clauses) or "TRUE", params


def filter_options(con) -> pd.DataFrame:
    """Every (city, district, street) with its article count, for the sidebar's cascading choices."""
    return _df(con, "SELECT city, district, street, count(*) AS articles FROM articles "
                    "GROUP BY ALL ORDER BY city, district, street", [])


def date_bounds(con) -> tuple[str | None, str | None]:
    """Earliest and latest full activity date (ISO) in the corpus; (None, None) when none."""
    lo, hi = con.execute(f"SELECT min(date), max(date) FROM articles WHERE date LIKE '{_FULL_DATE}'").fetchone()
    return lo, hi


def months(con) -> list[str]:
    """Every activity month (YYYY-MM) in the corpus, in order."""
    rows = con.execute("SELECT DISTINCT month FROM articles WHERE month <> '' ORDER BY month").fetchall()
    return [r[0] for r in rows]


def theme_ids(con) -> list[str]:
    """Theme ids present in the corpus, most frequent first."""
    rows = con.execute("SELECT theme FROM themes GROUP BY theme ORDER BY count(*) DESC, theme").fetchall()
    return [r[0] for r in rows]


def headline(con, f: Filters) -> pd.DataFrame:
    """One row: articles, streets, districts, cities, date_min, date_max (ISO, None when no full date),
    people (total people mobilised), people_approx, items (total sites/items handled), items_approx."""
    prefix, params = _filtered(f, "a.article_id, a.street, a.district, a.city, a.date")
    units = [list(PEOPLE_UNITS), list(PEOPLE_UNITS), list(ITEM_UNITS), list(ITEM_UNITS)]
    places = _rollup(con, f, "street_month", by_street=True)
    metrics = _rollup(con, f, "district_month_metric")
    if places and metrics:
        where_places, where_metrics = places[0], metrics[0]
        counts = f"""
        p AS (SELECT city, district, street, sum(articles)::BIGINT AS n FROM rollup_street_month r WHERE {where_places}
              GROUP BY ALL),
        m AS (SELECT r.total AS value, r.unit, x.approx FROM rollup_district_month_metric r
              LEFT JOIN {_APPROX} x USING (what, unit)
              WHERE {where_metrics}),
        c AS (SELECT coalesce(sum(n), 0)::BIGINT AS articles,
                     count(*) FILTER (WHERE street <> '') AS streets,
                     count(DISTINCT (city, district)) FILTER (WHERE district <> '') AS districts,
                     count(DISTINCT city) FILTER (WHERE city <> '') AS cities FROM p)"""
        params = params + places[1] + metrics[1]
        dates = "(SELECT min(date) FROM fa WHERE date LIKE '{0}')", "(SELECT max(date) FROM fa WHERE date LIKE '{0}')"
    else:
        counts = f"""
        m AS (SELECT value, unit, approx FROM metrics WHERE {_in_filtered(f)}),
        c AS (SELECT count(*) AS articles,
                     (SELECT count(*) FROM (SELECT city, district, street FROM fa WHERE street <> '' GROUP BY ALL))
                        AS streets,
                     (SELECT count(*) FROM (SELECT city, district FROM fa WHERE district <> '' GROUP BY ALL))
                        AS districts,
                     count(DISTINCT city) FILTER (WHERE city <> '') AS cities FROM fa)"""
        dates = "(SELECT min(date) FROM fa WHERE date LIKE '{0}')", "(SELECT max(date) FROM fa WHERE date LIKE '{0}')"
    sql = f"""{prefix}, {counts}
    SELECT c.articles, c.streets, c.districts, c.cities,
           {dates[0].format(_FULL_DATE)} AS date_min, {dates[1].format(_FULL_DATE)} AS date_max,
           (SELECT coalesce(sum(value), 0) FROM m WHERE list_contains(?, unit)) AS people,
           (SELECT coalesce(bool_or(approx), false) FROM m WHERE list_contains(?, unit)) AS people_approx,
           (SELECT coalesce(sum(value), 0) FROM m WHERE list_contains(?, unit)) AS items,
           (SELECT coalesce(bool_or(approx), false) FROM m WHERE list_contains(?, unit)) AS items_approx
    FROM c"""
    return _df(con, sql, params + units)


def articles_over_time(con, f: Filters, period: Period = "month") -> pd.DataFrame:
    """Columns `period` (YYYY-MM or YYYY), `articles`; articles without a month are left out."""
    n = _PERIOD_CHARS[period]
    rolled = _rollup(con, f, "street_month", by_street=True)
    if rolled:
        sql = (f"SELECT substr(month, 1, {n}) AS period, sum(articles)::BIGINT AS articles FROM rollup_street_month r "
               f"WHERE {rolled[0]} AND month <> '' GROUP BY 1 ORDER BY 1")
        return _df(con, sql, rolled[1])
    prefix, params = _filtered(f, "a.month")
    sql = (f"{prefix} SELECT substr(month, 1, {n}) AS period, count(*) AS articles "
           "FROM fa WHERE month <> '' GROUP BY 1 ORDER BY 1")
    return _df(con, sql, params)


def top_streets(con, f: Filters, limit: int = 20) -> pd.DataFrame:
    """Columns street, district, city, articles: the `limit` streets with most articles."""
    rolled = _rollup(con, f, "street_month", by_street=True)
    if rolled:
        sql = (f"SELECT street, district, city, sum(articles)::BIGINT AS articles FROM rollup_street_month r "
               f"WHERE {rolled[0]} AND street <> '' GROUP BY ALL ORDER BY articles DESC, street LIMIT ?")
        return _df(con, sql, rolled[1] + [limit])
    prefix, params = _filtered(f, "a.street, a.district, a.city")
    sql = (f"{prefix} SELECT street, district, city, count(*) AS articles FROM fa WHERE street <> '' "
           "GROUP BY ALL ORDER BY articles DESC, street LIMIT ?")
    return _df(con, sql, params + [limit])


def parse_quality(con, f: Filters) -> pd.DataFrame:
    """Columns `measure` (street, date, metrics, themes, people), `articles` having it, `share`."""
    prefix, params = _filtered(f, "a.article_id, a.street, a.date")
    sql = f"""{prefix}
    SELECT measure, articles, articles / greatest((SELECT count(*) FROM fa), 1) AS share FROM (
      SELECT 'street' AS measure, 1 AS o, count(*) FILTER (WHERE street <> '') AS articles FROM fa
      UNION ALL SELECT 'date', 2, count(*) FILTER (WHERE date <> '') FROM fa
      UNION ALL SELECT 'metrics', 3, count(DISTINCT article_id) FROM metrics WHERE {_in_filtered(f)}
      UNION ALL SELECT 'themes', 4, count(DISTINCT article_id) FROM themes WHERE {_in_filtered(f)}
      UNION ALL SELECT 'people', 5, count(DISTINCT article_id) FROM people WHERE {_in_filtered(f)}
    ) ORDER BY o"""
    return _df(con, sql, params)


def quality_by_district_month(con) -> pd.DataFrame:
    """Per city, district and month: `articles`, and how many of them have each of QUALITY_MEASURES.

    One pass over every table: compute it once per build (the app caches it) and answer
    `parse_quality` for city, district and whole-month filters with `parse_quality_from`.
    """
    sql = """
    SELECT a.city, a.district, a.month, count(*) AS articles,
           count(*) FILTER (WHERE a.street <> '') AS street, count(*) FILTER (WHERE a.date <> '') AS date,
           count(m.article_id) AS metrics, count(t.article_id) AS themes, count(p.article_id) AS people
    FROM articles a
    LEFT JOIN (SELECT DISTINCT article_id FROM metrics) m ON m.article_id = a.article_id
    LEFT JOIN (SELECT DISTINCT article_id FROM themes) t ON t.article_id = a.article_id
    LEFT JOIN (SELECT DISTINCT article_id FROM people) p ON p.article_id = a.article_id
    GROUP BY a.city, a.district, a.month ORDER BY a.city, a.district, a.month"""
    return _df(con, sql, [])


def parse_quality_from(by_place: pd.DataFrame, f: Filters) -> pd.DataFrame | None:
    """`parse_quality` answered from `quality_by_district_month`; None when the filter needs the
    full tables (themes, streets, or a date range that cuts a month)."""
    if f.themes or f.streets or not _whole_months(f):
        return None
    keep = pd.Series(True, index=by_place.index)
    for column, values in (("city", f.cities), ("district", f.districts)):
        if values:
            keep &= by_place[column].isin(values)
    if f.date_from or f.date_to:
        keep &= by_place["month"].between((f.date_from or "0000-01")[:7], (f.date_to or "9999-12")[:7])
    part = by_place[keep]
    counts = [int(part[measure].sum()) for measure in QUALITY_MEASURES]
    total = max(int(part["articles"].sum()), 1)
    return pd.DataFrame({"measure": QUALITY_MEASURES, "articles": counts, "share": [n / total for n in counts]})


def build_report(con, problems_only: bool = False) -> pd.DataFrame:
    """The build report (one row per input file), optionally only files with warnings or errors."""
    condition = "status <> 'ok'" if problems_only else "TRUE"
    return _df(con, f"SELECT * FROM build_report WHERE {condition} ORDER BY status <> 'error', source", [])


def _top_street_articles(con, f: Filters, limit: int) -> tuple[str, list, list]:
    """`WITH fa AS (...)`: the filtered articles on the `limit` streets with most articles, its
    parameters, and the parameter of `_TOP_KEY`, which keeps only those streets' groups (a street
    name can repeat in other districts).

    The streets come from `top_streets` (a rollup when it can), so the joins touch only the
    articles of the streets shown, not the whole corpus.
    """
    top = top_streets(con, f, limit)
    condition, params = where(f)
    columns = "a.article_id, a.street, a.district, a.city"
    if top.empty:
        return f"WITH fa AS (SELECT {columns} FROM articles a WHERE FALSE)", [], [[]]
    streets, args = _in("a.street", tuple(top["street"].unique()))
    keys = ["\x1f".join(row) for row in top[["city", "district", "street"]].itertuples(index=False)]
    return f"WITH fa AS (SELECT {columns} FROM articles a WHERE {condition} AND {streets})", params + args, [keys]


_TOP_KEY = "list_contains(?, concat_ws('\x1f', fa.city, fa.district, fa.street))"


def street_theme_counts(con, f: Filters, limit: int = 20) -> pd.DataFrame:
    """Columns street, district, theme, articles for the `limit` streets with most articles."""
    prefix, params, key = _top_street_articles(con, f, limit)
    sql = f"""{prefix}
    SELECT fa.street, fa.district, t.theme, count(DISTINCT fa.article_id) AS articles
    FROM fa JOIN themes t USING (article_id)
    GROUP BY fa.street, fa.district, fa.city, t.theme HAVING {_TOP_KEY}
    ORDER BY fa.street, fa.district, articles DESC, t.theme"""
    return _df(con, sql, params + key)


def street_tables(con) -> dict[str, pd.DataFrame]:
    """Per-build aggregates for the street panels, over the whole corpus (no date or theme filter).

    Keys: `themes` (city, district, street, theme, articles) and `metrics` (city, district, street,
    people, people_approx, items, items_approx, articles). One pass over the themes and metrics
    tables: compute once per build (the app caches it) and answer with `street_panels_from`.
    """
    themes = _df(con, """
        SELECT a.city, a.district, a.street, t.theme, count(DISTINCT t.article_id) AS articles
        FROM themes t JOIN articles a USING (article_id) WHERE a.street <> '' GROUP BY ALL""", [])
    metrics = _df(con, """
        SELECT a.city, a.district, a.street,
               coalesce(sum(m.value) FILTER (WHERE list_contains(?, m.unit)), 0) AS people,
               coalesce(bool_or(m.approx) FILTER (WHERE list_contains(?, m.unit)), false) AS people_approx,
               coalesce(sum(m.value) FILTER (WHERE NOT list_contains(?, m.unit)), 0) AS items,
               coalesce(bool_or(m.approx) FILTER (WHERE NOT list_contains(?, m.unit)), false) AS items_approx,
               count(DISTINCT m.article_id) AS articles
        FROM metrics m JOIN articles a USING (article_id)
        WHERE a.street <> '' AND (list_contains(?, m.unit) OR list_contains(?, m.unit)) GROUP BY ALL""",
                  [list(PEOPLE_UNITS)] * 4 + [list(PEOPLE_UNITS), list(ITEM_UNITS)])
    return {"themes": themes, "metrics": metrics}


def street_panels_from(tables: dict[str, pd.DataFrame], top: pd.DataFrame, f: Filters
                       ) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """`street_theme_counts` and `street_metric_totals` for the streets of `top` (a `top_streets`
    frame), answered from `street_tables`; None when `f` restricts dates or themes."""
    if f.themes or f.date_from or f.date_to:
        return None
    keys = ["city", "district", "street"]
    themes = tables["themes"].merge(top[keys], on=keys)
    themes = themes.sort_values(["street", "district", "articles", "theme"], ascending=[True, True, False, True])
    metrics = tables["metrics"].merge(top[keys], on=keys)
    metrics = metrics.sort_values(["people", "items", "street", "district"], ascending=[False, False, True, True])
    return (themes[["street", "district", "theme", "articles"]].reset_index(drop=True),
            metrics[["street", "district", "people", "people_approx", "items", "items_approx", "articles"]]
            .reset_index(drop=True))


def metric_totals(con, f: Filters, by: Level | Literal["month"] | None = None) -> pd.DataFrame:
    """Metric totals per (`by` value,) `what` and `unit`, largest first.

    Columns: [`by` (and district when `by` is street),] what, unit, mentions, articles, total (None for
    rates), approx.
    """
    rolled = _rollup(con, f, "district_month_metric") if by != "street" else None
    if rolled:
        group = f"r.{by}, " if by else ""
        nonempty = f"AND r.{by} <> '' " if by else ""
        sql = f"""
        SELECT {group}r.what, r.unit, sum(r.mentions)::BIGINT AS mentions, sum(r.articles)::BIGINT AS articles,
               CASE WHEN list_contains(?, r.unit) THEN NULL ELSE sum(r.total) END AS total,
               coalesce(any_value(x.approx), false) AS approx
        FROM rollup_district_month_metric r
        LEFT JOIN {_APPROX} x USING (what, unit)
        WHERE {rolled[0]} {nonempty}
        GROUP BY {group}r.what, r.unit ORDER BY {group}total DESC NULLS LAST, mentions DESC, r.what"""
        return _df(con, sql, [list(RATE_UNITS)] + rolled[1])
    # a street name repeats across districts (南关街道), so streets are told apart by their district
    group = {None: "", "street": "fa.street, fa.district, "}.get(by, f"fa.{by}, ")
    prefix, params = _filtered(f, "a.article_id" + {None: "", "street": ", a.street, a.district"}.get(by, f", a.{by}"))
    having = f"WHERE fa.{by} <> '' " if by else ""
    sql = f"""{prefix}
    SELECT {group}m.what, m.unit, count(*) AS mentions, count(DISTINCT m.article_id) AS articles,
           CASE WHEN list_contains(?, m.unit) THEN NULL ELSE sum(m.value) END AS total,
           bool_or(m.approx) AS approx
    FROM metrics m JOIN fa USING (article_id) {having}
    GROUP BY {group}m.what, m.unit ORDER BY {group}total DESC NULLS LAST, mentions DESC, m.what"""
    return _df(con, sql, params + [list(RATE_UNITS)])


def metric_sentences(con, f: Filters, what: str, unit: str, by: Level | Literal["month"] | None = None,
                     value: str | None = None, district: str | None = None, limit: int = 500) -> pd.DataFrame:
    """The metrics a total sums, with their sentences: the click-through from `metric_totals`.

    Columns: span, value, unit, sentence, title, date, street, district, article_id, approx.
    `by`/`value` restrict to one row of a grouped total (e.g. by="district", value="金水区"); `district`
    tells a street apart from its namesakes elsewhere.
    """
    prefix, params = _filtered(f, "a.article_id, a.title, a.date, a.street, a.district, a.city, a.month")
    extra = f"AND fa.{by} = ? " if by and value is not None else ""
    if district is not None:
        extra += "AND fa.district = ? "
    sql = f"""{prefix}
    SELECT m.span, m.value, m.unit, m.sentence, fa.title, fa.date, fa.street, fa.district, fa.article_id,
           m.approx
    FROM metrics m JOIN fa USING (article_id)
    WHERE m.what = ? AND m.unit = ? {extra}
    ORDER BY m.value DESC, fa.date, fa.article_id, m.start LIMIT ?"""
    args = [what, unit] + ([value] if by and value is not None else []) + ([district] if district is not None else [])
    return _df(con, sql, params + args + [limit])


def street_metric_totals(con, f: Filters, limit: int = 20) -> pd.DataFrame:
    """People mobilised and items handled on the `limit` streets with most articles, most people first.

    Columns: street, district, people, people_approx, items, items_approx, articles (with such figures).
    """
    prefix, params, key = _top_street_articles(con, f, limit)
    sql = f"""{prefix},
    m AS (SELECT article_id, value, approx, list_contains(?, unit) AS is_people FROM metrics
          WHERE list_contains(?, unit) OR list_contains(?, unit))
    SELECT fa.street, fa.district,
           coalesce(sum(m.value) FILTER (WHERE m.is_people), 0) AS people,
           coalesce(bool_or(m.approx) FILTER (WHERE m.is_people), false) AS people_approx,
           coalesce(sum(m.value) FILTER (WHERE NOT m.is_people), 0) AS items,
           coalesce(bool_or(m.approx) FILTER (WHERE NOT m.is_people), false) AS items_approx,
           count(DISTINCT fa.article_id) AS articles
    FROM fa JOIN m USING (article_id)
    GROUP BY fa.street, fa.district, fa.city HAVING {_TOP_KEY}
    ORDER BY people DESC, items DESC, fa.street, fa.district LIMIT ?"""
    units = [list(PEOPLE_UNITS), list(PEOPLE_UNITS), list(ITEM_UNITS)]
    return _df(con, sql, params + units + key + [limit])


def article_list(con, f: Filters, street: str | None = None, district: str | None = None,
                 limit: int = 500) -> pd.DataFrame:
    """Articles of the filter (optionally of one street/district), newest first.

    Columns: article_id, date, title, street, district, city, source.
    """
    prefix, params = _filtered(f, "a.article_id, a.date, a.month, a.title, a.street, a.district, a.city, "
                                  "a.source, a.seq")
    extra, args = "", []
    for column, value in (("street", street), ("district", district)):
        if value is not None:
            extra += f" AND {column} = ?"
            args.append(value)
    sql = (f"{prefix} SELECT article_id, date, title, street, district, city, source FROM fa "
           f"WHERE TRUE{extra} ORDER BY month DESC, date DESC, source, seq LIMIT ?")
    return _df(con, sql, params + args + [limit])


def themes_over_time(con, f: Filters, period: Period = "month") -> pd.DataFrame:
    """Columns period, theme, articles, share (of the period's articles that have the theme)."""
    n = _PERIOD_CHARS[period]
    themes, places = _rollup(con, f, "district_month_theme"), _rollup(con, f, "street_month")
    if themes and places:
        sql = f"""
        WITH per AS (SELECT substr(month, 1, {n}) AS period, sum(articles)::BIGINT AS n FROM rollup_street_month r
                     WHERE {places[0]} AND month <> '' GROUP BY 1)
        SELECT substr(r.month, 1, {n}) AS period, r.theme, sum(r.articles)::BIGINT AS articles,
               sum(r.articles)::BIGINT / any_value(per.n) AS share
        FROM rollup_district_month_theme r JOIN per ON per.period = substr(r.month, 1, {n})
        WHERE {themes[0]} GROUP BY 1, 2 ORDER BY 1, articles DESC, 2"""
        return _df(con, sql, places[1] + themes[1])
    prefix, params = _filtered(f, "a.article_id, a.month")
    sql = f"""{prefix},
    per AS (SELECT substr(month, 1, {n}) AS period, count(*) AS n FROM fa WHERE month <> '' GROUP BY 1)
    SELECT substr(fa.month, 1, {n}) AS period, t.theme, count(DISTINCT t.article_id) AS articles,
           count(DISTINCT t.article_id) / any_value(per.n) AS share
    FROM themes t JOIN fa USING (article_id) JOIN per ON per.period = substr(fa.month, 1, {n})
    GROUP BY 1, 2 ORDER BY 1, articles DESC, 2"""
    return _df(con, sql, params)


def theme_by_area(con, f: Filters, level: Level = "district") -> pd.DataFrame:
    """Columns area, theme, articles, share (of the area's articles that have the theme)."""
    themes, places = _rollup(con, f, "district_month_theme"), _rollup(con, f, "street_month")
    if themes and places and level != "street":
        sql = f"""
        WITH per AS (SELECT {level} AS area, sum(articles)::BIGINT AS n FROM rollup_street_month r
                     WHERE {places[0]} AND {level} <> '' GROUP BY 1)
        SELECT r.{level} AS area, r.theme, sum(r.articles)::BIGINT AS articles,
               sum(r.articles) / any_value(per.n) AS share
        FROM rollup_district_month_theme r JOIN per ON per.area = r.{level}
        WHERE {themes[0]} GROUP BY 1, 2 ORDER BY 1, 2"""
        return _df(con, sql, places[1] + themes[1])
    prefix, params = _filtered(f, f"a.article_id, a.{level} AS area")
    sql = f"""{prefix},
    per AS (SELECT area, count(*) AS n FROM fa WHERE area <> '' GROUP BY 1)
    SELECT fa.area, t.theme, count(DISTINCT t.article_id) AS articles,
           count(DISTINCT t.article_id) / any_value(per.n) AS share
    FROM themes t JOIN fa USING (article_id) JOIN per USING (area)
    GROUP BY 1, 2 ORDER BY 1, 2"""
    return _df(con, sql, params)


def term_frequencies(con, f: Filters, limit: int = 100, exclude: tuple[str, ...] = ()) -> pd.DataFrame:
    """Columns term, count (occurrences), articles: the `limit` most frequent terms, `exclude` left out.

    Answered from the per-district-month top-term rollup when the filter allows: a term then counts
    only where it is among a district-month's most frequent, which the top of a word cloud always is.
    """
    rolled = _rollup(con, f, "district_month_terms")
    if rolled:
        sql = f"""
        SELECT term, sum(count)::BIGINT AS count, sum(articles)::BIGINT AS articles FROM rollup_district_month_terms r
        WHERE {rolled[0]} AND NOT list_contains(?, term) GROUP BY term ORDER BY count DESC, term LIMIT ?"""
        return _df(con, sql, rolled[1] + [list(exclude), limit])
    prefix, params = _filtered(f, "a.article_id")
    sql = f"""{prefix}
    SELECT term, sum(count)::BIGINT AS count, count(DISTINCT article_id) AS articles FROM terms
    WHERE {_in_filtered(f)} AND NOT list_contains(?, term)
    GROUP BY term ORDER BY count DESC, term LIMIT ?"""
    return _df(con, sql, params + [list(exclude), limit])


def search_articles(con, f: Filters, needle: str, limit: int = 200) -> pd.DataFrame:
    """Articles whose title or text contains `needle` (plain substring, not a pattern).

    Columns: article_id, date, title, street, district, city, hits (matches in all, before `limit`).
    """
    prefix, params = _filtered(f, "a.article_id, a.date, a.month, a.title, a.text, a.street, a.district, "
                                  "a.city, a.source, a.seq")
    sql = f"""{prefix}
    SELECT article_id, date, title, street, district, city, count(*) OVER () AS hits FROM fa
    WHERE contains(title, ?) OR contains(text, ?)
    ORDER BY month DESC, date DESC, source, seq LIMIT ?"""
    return _df(con, sql, params + [needle, needle, limit])


def article_detail(con, article_id: str) -> dict[str, pd.DataFrame]:
    """Everything extracted from one article: keys article (0 or 1 row), places, people, metrics, themes."""
    return {name: _df(con, f"SELECT * FROM {name} WHERE article_id = ?", [article_id])
            for name in ("articles", "places", "people", "metrics", "themes")}


def whole_table(con, name: str) -> pd.DataFrame:
    """A whole built table, for download only (never cached); `name` must be a known table."""
    if name not in TABLES:
        raise KeyError(f"unknown table {name!r}; tables are: {', '.join(TABLES)}")
    return _df(con, f"SELECT * FROM {name}", [])


def table_sizes(con) -> pd.DataFrame:
    """Columns table, rows: the row count of every built table."""
    names = [r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()]
    rows = [(name, con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]) for name in TABLES if name in names]
    return pd.DataFrame(rows, columns=["table", "rows"])


def _group_of(level: Level, alias: str) -> str:
    """SQL naming an article's group at `level`; a street as `street（district）`, since names repeat."""
    if level == "street":
        return f"concat({alias}.street, '（', {alias}.district, '）')"
    return f"{alias}.{level}"


def _grouped(f: Filters, level: Level, names: tuple[str, ...], columns: str) -> tuple[str, list]:
    """`WITH fa AS (...)` of the filtered articles in one of `names` at `level`, `grp` naming which
    (see `_group_of`).

    The compare functions return it as column `group` (the name `civic.compare` expects).
    """
    condition, params = where(f)
    clause, args = _in(_group_of(level, "a"), names)
    return (f"WITH fa AS (SELECT {_group_of(level, 'a')} AS grp, {columns} FROM articles a "
            f"WHERE {condition} AND {clause})",
            params + args)


def _rollup_groups(con, f: Filters, name: str, level: Level, names: tuple[str, ...]) -> tuple[str, list] | None:
    """Like `_rollup`, restricted to the compared groups; None when the rollup cannot answer exactly."""
    rolled = _rollup(con, f, name, by_street=name == "street_month")
    if rolled is None or (level == "street" and name != "street_month"):
        return None
    clause, args = _in(_group_of(level, "r"), names)
    return f"{rolled[0]} AND {clause}", rolled[1] + args


def compare_headline(con, f: Filters, level: Level, names: tuple[str, ...]) -> pd.DataFrame:
    """One row per group: grp, articles, streets, date_min, date_max, people, items, metrics,
    people_per_article, items_per_article."""
    prefix, params = _grouped(f, level, names, "a.article_id, a.street, a.district, a.city, a.date")
    units = [list(PEOPLE_UNITS), list(ITEM_UNITS)]
    rolled = _rollup_groups(con, f, "district_month_metric", level, names)
    if rolled:
        metrics = f"""
    m AS (SELECT r.{level} AS grp, coalesce(sum(total) FILTER (WHERE list_contains(?, unit)), 0) AS people,
                 coalesce(sum(total) FILTER (WHERE list_contains(?, unit)), 0) AS items,
                 sum(mentions)::BIGINT AS metrics
          FROM rollup_district_month_metric r WHERE {rolled[0]} GROUP BY 1)"""
        params, units = params + units + rolled[1], []
    else:
        metrics = """
    m AS (SELECT fa.grp, coalesce(sum(value) FILTER (WHERE list_contains(?, unit)), 0) AS people,
                 coalesce(sum(value) FILTER (WHERE list_contains(?, unit)), 0) AS items, count(*) AS metrics
          FROM metrics JOIN fa USING (article_id) GROUP BY fa.grp)"""
    sql = f"""{prefix},
    g AS (SELECT grp, count(*) AS articles, count(DISTINCT (city, district, street)) FILTER (WHERE street <> '')
                 AS streets, min(date) FILTER (WHERE date LIKE '{_FULL_DATE}') AS date_min,
                 max(date) FILTER (WHERE date LIKE '{_FULL_DATE}') AS date_max FROM fa GROUP BY grp),
    {metrics}
    SELECT g.*, coalesce(m.people, 0) AS people, coalesce(m.items, 0) AS items,
           coalesce(m.metrics, 0) AS metrics, coalesce(m.people, 0) / g.articles AS people_per_article,
           coalesce(m.items, 0) / g.articles AS items_per_article
    FROM g LEFT JOIN m USING (grp) ORDER BY g.grp"""
    return _df(con, sql, params + units).rename(columns=_GROUP)


def compare_theme_shares(con, f: Filters, level: Level, names: tuple[str, ...]) -> pd.DataFrame:
    """Columns grp, theme, articles, share (of the group's articles that have the theme)."""
    themes = _rollup_groups(con, f, "district_month_theme", level, names)
    places = _rollup_groups(con, f, "street_month", level, names)
    if themes and places:
        sql = f"""
        WITH per AS (SELECT r.{level} AS grp, sum(articles) AS n FROM rollup_street_month r WHERE {places[0]}
                     GROUP BY 1)
        SELECT r.{level} AS grp, r.theme, sum(r.articles)::BIGINT AS articles,
               sum(r.articles) / any_value(per.n) AS share
        FROM rollup_district_month_theme r JOIN per ON per.grp = r.{level} WHERE {themes[0]}
        GROUP BY 1, 2 ORDER BY 1, share DESC, 2"""
        return _df(con, sql, places[1] + themes[1]).rename(columns=_GROUP)
    prefix, params = _grouped(f, level, names, "a.article_id")
    sql = f"""{prefix},
    per AS (SELECT grp, count(*) AS n FROM fa GROUP BY grp)
    SELECT fa.grp, t.theme, count(DISTINCT t.article_id) AS articles,
           count(DISTINCT t.article_id) / any_value(per.n) AS share
    FROM themes t JOIN fa USING (article_id) JOIN per USING (grp) GROUP BY 1, 2 ORDER BY 1, share DESC, 2"""
    return _df(con, sql, params).rename(columns=_GROUP)


def compare_top_streets(con, f: Filters, level: Level, names: tuple[str, ...], limit: int = 5) -> pd.DataFrame:
    """Columns grp, street, district, articles: each group's `limit` streets with most articles."""
    rolled = _rollup_groups(con, f, "street_month", level, names)
    if rolled:
        sql = f"""
        SELECT {_group_of(level, "r")} AS grp, street, district, sum(articles)::BIGINT AS articles
        FROM rollup_street_month r
        WHERE {rolled[0]} AND street <> '' GROUP BY grp, street, district, city
        QUALIFY row_number() OVER (PARTITION BY grp ORDER BY sum(articles) DESC, street) <= ?
        ORDER BY grp, articles DESC, street"""
        return _df(con, sql, rolled[1] + [limit]).rename(columns=_GROUP)
    prefix, params = _grouped(f, level, names, "a.street, a.district, a.city")
    sql = f"""{prefix}
    SELECT grp, street, district, count(*) AS articles FROM fa WHERE street <> '' GROUP BY grp, street, district, city
    QUALIFY row_number() OVER (PARTITION BY grp ORDER BY count(*) DESC, street) <= ?
    ORDER BY grp, articles DESC, street"""
    return _df(con, sql, params + [limit]).rename(columns=_GROUP)


def compare_metric_totals(con, f: Filters, level: Level, names: tuple[str, ...], limit: int = 10) -> pd.DataFrame:
    """Columns grp, what, unit, total, approx, per_article: each group's `limit` largest totals
    (rates left out), with the total divided by the group's article count."""
    metrics = _rollup_groups(con, f, "district_month_metric", level, names)
    places = _rollup_groups(con, f, "street_month", level, names)
    if metrics and places:
        sql = f"""
        WITH per AS (SELECT r.{level} AS grp, sum(articles) AS n FROM rollup_street_month r WHERE {places[0]}
                     GROUP BY 1)
        SELECT r.{level} AS grp, r.what, r.unit, sum(r.total) AS total, coalesce(any_value(x.approx), false) AS approx,
               sum(r.total) / any_value(per.n) AS per_article
        FROM rollup_district_month_metric r JOIN per ON per.grp = r.{level}
        LEFT JOIN {_APPROX} x ON x.what = r.what AND x.unit = r.unit
        WHERE {metrics[0]} AND NOT list_contains(?, r.unit) GROUP BY r.{level}, r.what, r.unit
        QUALIFY row_number() OVER (PARTITION BY r.{level} ORDER BY sum(r.total) DESC, r.what) <= ?
        ORDER BY 1, total DESC, 2"""
        return _df(con, sql, places[1] + metrics[1] + [list(RATE_UNITS), limit]).rename(columns=_GROUP)
    prefix, params = _grouped(f, level, names, "a.article_id")
    sql = f"""{prefix},
    per AS (SELECT grp, count(*) AS n FROM fa GROUP BY grp)
    SELECT fa.grp, m.what, m.unit, sum(m.value) AS total, bool_or(m.approx) AS approx,
           sum(m.value) / any_value(per.n) AS per_article
    FROM metrics m JOIN fa USING (article_id) JOIN per USING (grp)
    WHERE NOT list_contains(?, m.unit) GROUP BY 1, 2, 3
    QUALIFY row_number() OVER (PARTITION BY fa.grp ORDER BY sum(m.value) DESC, m.what) <= ?
    ORDER BY 1, total DESC, 2"""
    return _df(con, sql, params + [list(RATE_UNITS), limit]).rename(columns=_GROUP)


def compare_term_counts(con, f: Filters, level: Level, names: tuple[str, ...], limit: int = 2000) -> pd.DataFrame:
    """Long frame grp, term, count: each group's `limit` most frequent terms (input to log-odds).

    From the top-term rollup when the filter allows (see `term_frequencies`).
    """
    rolled = _rollup_groups(con, f, "district_month_terms", level, names)
    if rolled:
        sql = f"""
        SELECT r.{level} AS grp, r.term, sum(r.count)::BIGINT AS count FROM rollup_district_month_terms r
        WHERE {rolled[0]} GROUP BY 1, 2
        QUALIFY row_number() OVER (PARTITION BY grp ORDER BY sum(r.count) DESC, r.term) <= ?
        ORDER BY 1, count DESC, 2"""
        return _df(con, sql, rolled[1] + [limit]).rename(columns=_GROUP)
    prefix, params = _grouped(f, level, names, "a.article_id")
    sql = f"""{prefix}
    SELECT fa.grp, t.term, sum(t.count)::BIGINT AS count FROM terms t JOIN fa USING (article_id) GROUP BY 1, 2
    QUALIFY row_number() OVER (PARTITION BY fa.grp ORDER BY sum(t.count) DESC, t.term) <= ?
    ORDER BY 1, count DESC, 2"""
    return _df(con, sql, params + [limit]).rename(columns=_GROUP)


def term_texts(con, f: Filters, level: Level, names: tuple[str, ...], term: str, limit: int = 20
               ) -> pd.DataFrame:
    """Columns group, article_id, text: up to `limit` articles per group that contain `term` (newest first)."""
    prefix, params = _grouped(f, level, names, "a.article_id, a.text, a.date")
    sql = f"""{prefix}
    SELECT grp, article_id, text FROM fa WHERE contains(text, ?)
    QUALIFY row_number() OVER (PARTITION BY grp ORDER BY date DESC, article_id) <= ?
    ORDER BY grp, date DESC, article_id"""
    return _df(con, sql, params + [term, limit]).rename(columns=_GROUP)
