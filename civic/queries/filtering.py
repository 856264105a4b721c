"""The filter as SQL: conditions on the full tables, and the rows of a rollup family that answer it.

Every condition is returned with its parameters in order; user input is bound, never formatted
into SQL text. Rollup rows are selected whole (see `civic.rollups`): the place and theme filters
are keys of every row, whole months come from the `_month` level and the months a date range
cuts from the `_day` level, so a rollup answer is the full tables' answer.
"""

from __future__ import annotations

import calendar

import pandas as pd

from civic.filters import Filters
from civic.rollups import ROLLUPS

FULL_DATE = "____-__-__"
"""LIKE pattern of a full ISO date (not --MM-DD, not empty)."""


def frame(con, sql: str, params: list) -> pd.DataFrame:
    """The result of `sql` with `params` as a DataFrame."""
    return con.execute(sql, params).df()


def in_list(column: str, values: tuple[str, ...]) -> tuple[str, list]:
    """`column IN (?, ...)` and its parameters."""
    return f"{column} IN ({', '.join('?' * len(values))})", list(values)


def place_clauses(f: Filters, alias: str) -> tuple[list[str], list]:
    """SQL conditions on `alias.city/district/street` for the place filters, and their parameters."""
    clauses: list[str] = []
    params: list = []
    for column, values in (("city", f.cities), ("district", f.districts), ("street", f.streets)):
        if values:
            clause, args = in_list(f"{alias}.{column}", values)
            clauses.append(clause)
            params += args
    return clauses, params


def _date_bounds(f: Filters) -> tuple[str, str]:
    return f.date_from or "0000-01-01", f.date_to or "9999-12-31"


def _date_clause(f: Filters, alias: str) -> tuple[str, list]:
    """Full dates compared day by day, month-only dates (--MM-DD, or none with a page month) by month."""
    lo, hi = _date_bounds(f)
    return (f"(CASE WHEN {alias}.date LIKE '{FULL_DATE}' THEN {alias}.date BETWEEN ? AND ? "
            f"ELSE {alias}.month BETWEEN ? AND ? END)", [lo, hi, lo[:7], hi[:7]])


def any_theme(themes: str, wanted: tuple[str, ...]) -> str:
    """SQL condition: the list `themes` holds one of `wanted` (one parameter each, in order).

    One list_contains per theme: list_has_any with a list parameter cost 4x as much on the 413k
    rows of the month-level term rollup at 1M articles (27 -> 7 ms).
    """
    return "(" + " OR ".join(f"list_contains({themes}, ?)" for _ in wanted) + ")"


def where(f: Filters, alias: str = "a") -> tuple[str, list]:
    """SQL condition on `articles AS alias` for the filter, and its parameters in order.

    The date range matches full dates day by day and month-only dates (`--MM-DD` with a page year)
    by their month; articles without any date drop out when a range is set.
    """
    clauses, params = place_clauses(f, alias)
    if f.date_from or f.date_to:
        clause, args = _date_clause(f, alias)
        clauses.append(clause)
        params += args
    if f.themes:  # the article's own copy of its theme ids: no join with the themes table (50 -> 18 ms at 1M)
        clauses.append(any_theme(f"string_split({alias}.themes, ',')", f.themes))
        params += list(f.themes)
    return " AND ".join(clauses) or "TRUE", params


def filtered(f: Filters, columns: str = "a.*") -> tuple[str, list]:
    """A `WITH fa AS (...)` prefix selecting the filtered articles' `columns`."""
    condition, params = where(f)
    return f"WITH fa AS (SELECT {columns} FROM articles a WHERE {condition})", params


def in_filtered(f: Filters) -> str:
    """Condition restricting a detail table (metrics, themes, ...) to the filtered articles `fa`.

    Nothing to restrict for the whole corpus, which spares a join over millions of rows.
    """
    return "TRUE" if f.is_empty() else "article_id IN (SELECT article_id FROM fa)"


def cut_months(f: Filters) -> list[str]:
    """The months (YYYY-MM) the date range covers only in part: `date_from` after the 1st, `date_to`
    before the month's last day (or not a real day of it)."""
    cut = []
    if f.date_from and not f.date_from.endswith("-01"):
        cut.append(f.date_from[:7])
    if f.date_to:
        try:
            last = calendar.monthrange(int(f.date_to[:4]), int(f.date_to[5:7]))[1]
        except ValueError:  # month 13 and the like: no whole month to take
            last = 0
        if f.date_to[8:] != f"{last:02d}":
            cut.append(f.date_to[:7])
    return sorted(set(cut))


def rollup_rows(con, f: Filters, family: str = "", *, by_day: bool = False) -> tuple[str, list] | None:
    """A subquery of the rows of rollup family `street_<level><family>` that the filter selects,
    and its parameters; None when those rollups are not built.

    Args:
        family: "" (article counts), "_metric" or "_terms" (see `civic.rollups`).
        by_day: False for the `_month` level's columns (whole months from it, the months the date
            range cuts from the `_day` level); True for the `_day` level alone, with `date`.
    """
    month, day = f"street_month{family}", f"street_day{family}"
    built = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE view_name IN (?, ?)",
                                       [f"rollup_{month}", f"rollup_{day}"]).fetchall()}
    if len(built) < 2:
        return None
    # the month level's columns that the day level also has (not the month's top-term `rank`)
    columns = ", ".join(f"r.{c}" for c in ROLLUPS[day][1] if by_day or c in ROLLUPS[month][1])
    clauses, params = place_clauses(f, "r")
    if f.themes:
        clauses.append(any_theme("r.themes", f.themes))
        params += list(f.themes)
    keep = " AND ".join(clauses) or "TRUE"
    if by_day or not (f.date_from or f.date_to):
        if f.date_from or f.date_to:
            dates, date_args = _date_clause(f, "r")
            keep, params = f"{keep} AND {dates}", params + date_args
        return f"(SELECT {columns} FROM rollup_{day if by_day else month} r WHERE {keep})", params
    lo, hi = _date_bounds(f)
    cut = cut_months(f)
    sql = f"(SELECT {columns} FROM rollup_{month} r WHERE {keep} AND r.month BETWEEN ? AND ?"
    args = params + [lo[:7], hi[:7]]
    if cut:
        months, month_args = in_list("r.month", tuple(cut))
        dates, date_args = _date_clause(f, "r")
        sql += (f" AND NOT {months} UNION ALL SELECT {columns} FROM rollup_{day} r "
                f"WHERE {keep} AND {months} AND {dates}")
        args += month_args + params + month_args + date_args
    return sql + ")", args


def group_of(level: str, alias: str) -> str:
    """SQL naming a row's group at `level`; a street as `street（district）`, since names repeat."""
    if level == "street":
        return f"concat({alias}.street, '（', {alias}.district, '）')"
    return f"{alias}.{level}"
