"""Drill-downs and corpus facts, read from the full tables: lists of articles, sentences, options, sizes.

Drill-downs return at most `limit` rows of detail; the corpus facts (options, months, themes)
are unfiltered and cached per build by the app.
"""

from __future__ import annotations

import pandas as pd

from civic import store
from civic.filters import Filters
from civic.queries.filtering import FULL_DATE, filtered, frame, group_of, in_list, rollup_rows, where
from civic.queries.topics import Level
from civic.schema import TABLES


def filter_options(con) -> pd.DataFrame:
    """Every (city, district, street) with its article count, for the sidebar's cascading choices."""
    return frame(con, "SELECT city, district, street, count(*) AS articles FROM articles "
                      "GROUP BY ALL ORDER BY city, district, street", [])


def date_bounds(con) -> tuple[str | None, str | None]:
    """Earliest and latest full activity date (ISO) in the corpus; (None, None) when none."""
    lo, hi = con.execute(f"SELECT min(date), max(date) FROM articles WHERE date LIKE '{FULL_DATE}'").fetchone()
    return lo, hi


def months(con) -> list[str]:
    """Every activity month (YYYY-MM) in the corpus, in order."""
    rows = con.execute("SELECT DISTINCT month FROM articles WHERE month <> '' ORDER BY month").fetchall()
    return [r[0] for r in rows]


def theme_ids(con) -> list[str]:
    """Theme ids present in the corpus, most frequent first."""
    rows = con.execute("SELECT theme FROM themes GROUP BY theme ORDER BY count(*) DESC, theme").fetchall()
    return [r[0] for r in rows]


def build_report(con, problems_only: bool = False) -> pd.DataFrame:
    """The build report (one row per input file), optionally only files with warnings or errors."""
    condition = "status <> 'ok'" if problems_only else "TRUE"
    return frame(con, f"SELECT * FROM build_report WHERE {condition} ORDER BY status <> 'error', source", [])


def search_articles(con, f: Filters, needle: str, limit: int = 200) -> pd.DataFrame:
    """Articles whose title or text contains `needle` (plain substring, not a pattern).

    Columns: article_id, date, title, street, district, city, source, hits (matches in all, before `limit`).
    """
    prefix, params = filtered(f, "a.article_id, a.date, a.month, a.title, a.text, a.street, a.district, "
                                 "a.city, a.source, a.seq")
    sql = f"""{prefix}
    SELECT article_id, date, title, street, district, city, source, count(*) OVER () AS hits FROM fa
    WHERE contains(title, ?) OR contains(text, ?)
    ORDER BY month DESC, date DESC, source, seq LIMIT ?"""
    return frame(con, sql, params + [needle, needle, limit])


def article_detail(con, article_id: str, source: str | None = None) -> dict[str, pd.DataFrame]:
    """Everything extracted from one article: keys article (0 or 1 row), places, people, metrics, themes.

    With the article's `source` file only the part files holding that source are read (about
    10 ms instead of 150 ms at 1M articles)."""
    relation, args = ("{}", []) if source is None else ("{}_part(?)", [store.part_file(source)])
    return {name: frame(con, f"SELECT * FROM {relation.format(name)} WHERE article_id = ?", [*args, article_id])
            for name in ("articles", "places", "people", "metrics", "themes")}


def _newest(con, sql: str, params: list, limit: int) -> dict[str, str]:
    """Per group, the key (month or date) from which on the rollup rows `sql` (columns grp, key, n;
    newest key first within a group) count at least `limit` articles; groups never reaching it are left out."""
    cutoffs: dict[str, str] = {}
    totals: dict[str, int] = {}
    for group, key, n in con.execute(sql, params).fetchall():
        if group not in cutoffs:
            totals[group] = totals.get(group, 0) + n
            if totals[group] >= limit:
                cutoffs[group] = key
    return cutoffs


def _month_span(con, rows: str, params: list, limit: int) -> tuple[str, str] | None:
    """The months (oldest, newest; `""` for undated articles) that hold the newest `limit` articles of
    the rollup rows `rows`, newest first with the undated last; None when they hold no article."""
    counts = con.execute(f"SELECT month, sum(articles) FROM {rows} GROUP BY month ORDER BY month DESC",
                         params).fetchall()
    if not counts:
        return None
    total = 0
    for month, n in counts:
        total += n
        if total >= limit:
            return month, counts[0][0]
    return counts[-1][0], counts[0][0]


def article_list(con, f: Filters, street: str | None = None, district: str | None = None,
                 limit: int = 500) -> pd.DataFrame:
    """Articles of the filter (optionally of one street/district), newest first (undated last).

    Columns: article_id, date, title, street, district, city, source.

    Articles are stored month first, so when the rollups show which months hold the newest `limit`
    articles, only those months' row groups are read: from the month where they add up to `limit`
    (or the oldest) to the newest month the filter has (a street whose articles are all undated
    reads the undated rows only: 64 -> 54 ms at 1M articles).
    """
    prefix, params = filtered(f, "a.article_id, a.date, a.month, a.title, a.street, a.district, a.city, "
                                 "a.source, a.seq")
    extra, args = "", []
    for column, value in (("street", street), ("district", district)):
        if value is not None:
            extra += f" AND {column} = ?"
            args.append(value)
    rows = rollup_rows(con, f)
    if rows:
        span = _month_span(con, f"(SELECT * FROM {rows[0]} WHERE TRUE{extra})", rows[1] + args, limit)
        extra += " AND month BETWEEN ? AND ?" if span else " AND FALSE"
        args += list(span or ())
    sql = (f"{prefix} SELECT article_id, date, title, street, district, city, source FROM fa "
           f"WHERE TRUE{extra} ORDER BY month DESC, date DESC, source, seq LIMIT ?")
    return frame(con, sql, params + args + [limit])


def metric_sentences(con, f: Filters, what: str, unit: str, by: Level | None = None,
                     value: str | None = None, district: str | None = None, limit: int = 500) -> pd.DataFrame:
    """The metrics a total sums, with their sentences: the click-through from `metric_totals`.

    Columns: span, value, unit, sentence, title, date, street, district, article_id, approx.
    `by`/`value` restrict to one row of a grouped total (e.g. by="district", value="金水区"; by may
    also be "month"); `district` tells a street apart from its namesakes elsewhere.
    """
    prefix, params = filtered(f, "a.article_id, a.title, a.date, a.street, a.district, a.city, a.month")
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
    return frame(con, sql, params + args + [limit])


def term_texts(con, f: Filters, level: Level, names: tuple[str, ...], term: str, limit: int = 20
               ) -> pd.DataFrame:
    """Columns group, article_id, text: up to `limit` articles per group that contain `term` (newest first).

    When the top-term rollups show that every group has `limit` articles using the term from some
    date on, only the texts from that date on are read (and all of them if that finds fewer).
    """
    condition, params = where(f)
    clause, args = in_list(group_of(level, "a"), names)
    sql = f"""
    SELECT {group_of(level, 'a')} AS "group", a.article_id, a.text FROM articles a
    WHERE {condition} AND {clause} AND contains(a.text, ?) {{since}}
    QUALIFY row_number() OVER (PARTITION BY "group" ORDER BY a.date DESC, a.article_id) <= ?
    ORDER BY "group", a.date DESC, a.article_id"""
    rows = rollup_rows(con, f, "_terms", by_day=True)
    if rows:
        group, names_args = in_list("grp", names)
        newest = _newest(con, f"""SELECT grp, date, sum(articles) FROM (SELECT {group_of(level, 'r')} AS grp, r.*
                                  FROM {rows[0]} r) WHERE {group} AND term = ? AND date LIKE '{FULL_DATE}'
                                  GROUP BY ALL ORDER BY grp, date DESC""", rows[1] + names_args + [term], limit)
        if len(newest) == len(set(names)):
            found = frame(con, sql.format(since="AND a.date >= ?"),
                          params + args + [term, min(newest.values()), limit])
            if (found.groupby("group").size() >= limit).all() and found["group"].nunique() == len(newest):
                return found
    return frame(con, sql.format(since=""), params + args + [term, limit])


def whole_table(con, name: str) -> pd.DataFrame:
    """A whole built table, for download only (never cached); `name` must be a known table."""
    if name not in TABLES:
        raise KeyError(f"unknown table {name!r}; tables are: {', '.join(TABLES)}")
    return frame(con, f"SELECT * FROM {name}", [])


def table_sizes(con) -> pd.DataFrame:
    """Columns table, rows: the row count of every built table."""
    names = [r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()]
    rows = [(name, con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]) for name in TABLES if name in names]
    return pd.DataFrame(rows, columns=["table", "rows"])
