"""Small aggregate tables computed with DuckDB at the end of each build, so panels answer fast.

Each rollup is read through `civic.store.connect(out)` as the view `rollup_<name>` and lives in
`out/rollups/<name>.parquet`. Places are keyed by province, city and district together because
county names repeat across cities (城关区). `month` is YYYY-MM or "" when unknown. Exact
drill-downs go to the full tables.
"""

from __future__ import annotations

from pathlib import Path

TOP_TERMS = 100

_PLACE = "a.province, a.city, a.district"

ROLLUPS: dict[str, tuple[str, dict[str, str]]] = {
    "street_month": (
        "Articles per street and month (street empty: articles placed no finer than the district).",
        {"province": "Province.", "city": "City.", "district": "District.", "street": "Street, or empty.",
         "month": "YYYY-MM, or empty.", "articles": "Articles.", "captions": "Of which photo captions."},
    ),
    "district_month_theme": (
        "Articles per district, month and theme.",
        {"province": "Province.", "city": "City.", "district": "District.", "month": "YYYY-MM, or empty.",
         "theme": "Theme id.", "articles": "Articles with the theme."},
    ),
    "district_month_metric": (
        "Quantities per district, month and thing counted (what, unit).",
        {"province": "Province.", "city": "City.", "district": "District.", "month": "YYYY-MM, or empty.",
         "what": "Thing counted.", "unit": "Unit as printed.", "mentions": "Quantities found.",
         "total": "Sum of their values.", "articles": "Articles with such a quantity."},
    ),
    "district_month_terms": (
        f"The {TOP_TERMS} most frequent terms per district and month (ties broken by term).",
        {"province": "Province.", "city": "City.", "district": "District.", "month": "YYYY-MM, or empty.",
         "term": "Word.", "count": "Occurrences.", "articles": "Articles using it.",
         "rank": "1 for the most frequent term of the district and month."},
    ),
}

_SQL = {
    "street_month": f"""
        SELECT {_PLACE}, a.street, a.month, count(*) AS articles,
               count(*) FILTER (WHERE a.is_caption) AS captions
        FROM articles a GROUP BY ALL""",
    "district_month_theme": f"""
        SELECT {_PLACE}, a.month, t.theme, count(DISTINCT t.article_id) AS articles
        FROM themes t JOIN articles a USING (article_id) GROUP BY ALL""",
    "district_month_metric": f"""
        SELECT {_PLACE}, a.month, m.what, m.unit, count(*) AS mentions, sum(m.value) AS total,
               count(DISTINCT m.article_id) AS articles
        FROM metrics m JOIN articles a USING (article_id) GROUP BY ALL""",
    "district_month_terms": f"""
        SELECT * FROM (
            SELECT *, row_number() OVER (PARTITION BY province, city, district, month
                                         ORDER BY count DESC, term) AS rank
            FROM (SELECT {_PLACE}, a.month, t.term, sum(t.count)::BIGINT AS count,
                         count(DISTINCT t.article_id) AS articles
                  FROM terms t JOIN articles a USING (article_id) GROUP BY ALL))
        WHERE rank <= {TOP_TERMS}""",
}


def build_rollups(tables: Path) -> None:
    """Compute every rollup from the tables in `tables` into `tables/rollups/<name>.parquet`.

    Args:
        tables: an output folder or a build generation (both hold `<table>.parquet`).
    """
    from civic.store import connect

    folder = tables / "rollups"
    folder.mkdir(parents=True, exist_ok=True)
    con = connect(tables)
    try:
        for name, (_, columns) in ROLLUPS.items():
            order = ", ".join(c for c in columns if c not in ("articles", "captions", "mentions", "total"))
            target = (folder / f"{name}.parquet").as_posix().replace("'", "''")
            con.execute(f"COPY (SELECT {', '.join(columns)} FROM ({_SQL[name]}) ORDER BY {order}) "
                        f"TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
    finally:
        con.close()
