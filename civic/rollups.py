"""Small aggregate tables computed with DuckDB at the end of each build, so panels answer fast.

Each rollup is read through `civic.store.connect(out)` as the view `rollup_<name>` and lives in
`out/rollups/<name>.parquet`. Places are keyed by province, city and district together because
county names repeat across cities (城关区). `month` is YYYY-MM or "" when unknown. Exact
drill-downs go to the full tables.
"""

from __future__ import annotations

import os
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

# Per bucket of source files: additive measures only (an article lives in exactly one bucket).
_PARTIAL_SQL = {
    "street_month": f"""
        SELECT {_PLACE}, a.street, a.month, count(*) AS articles,
               count(*) FILTER (WHERE a.is_caption) AS captions
        FROM articles a GROUP BY ALL""",
    "district_month_theme": f"""
        SELECT {_PLACE}, a.month, t.theme, count(*) AS articles
        FROM themes t JOIN articles a USING (article_id) GROUP BY ALL""",
    "district_month_metric": f"""
        SELECT {_PLACE}, a.month, m.what, m.unit, count(*) AS mentions, sum(m.value) AS total,
               count(DISTINCT m.article_id) AS articles
        FROM metrics m JOIN articles a USING (article_id) GROUP BY ALL""",
    "district_month_terms": f"""
        SELECT {_PLACE}, a.month, t.term, sum(t.count)::BIGINT AS count, count(*) AS articles
        FROM terms t JOIN articles a USING (article_id) GROUP BY ALL""",
}
_MEASURES = ("articles", "captions", "mentions", "total", "count")
_TABLES = ("articles", "themes", "metrics", "terms")


def _merge_sql(name: str, parts: str) -> str:
    """The rollup from its per-bucket parts: measures summed; terms ranked and cut."""
    columns = [c for c in ROLLUPS[name][1] if c != "rank"]
    keys = [c for c in columns if c not in _MEASURES]
    sums = ", ".join(f"sum({c})::{'DOUBLE' if c == 'total' else 'BIGINT'} AS {c}" for c in columns if c in _MEASURES)
    merged = f"SELECT {', '.join(keys)}, {sums} FROM read_parquet({parts}) GROUP BY ALL"
    if name == "district_month_terms":
        merged = f"""SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY province, city, district, month
                                                                 ORDER BY count DESC, term) AS rank
                                    FROM ({merged})) WHERE rank <= {TOP_TERMS}"""
    order = ", ".join(c for c in ROLLUPS[name][1] if c not in _MEASURES)
    return f"SELECT {', '.join(ROLLUPS[name][1])} FROM ({merged}) ORDER BY {order}"


def _unchanged(file: Path, previous: Path) -> bool:
    """True when a part is the previous generation's very file (a hard link), or absent from both."""
    if not file.exists() or not previous.exists():
        return not file.exists() and not previous.exists()
    return file.stat().st_ino == previous.stat().st_ino


def _quoted(path: Path) -> str:
    return "'" + path.as_posix().replace("'", "''") + "'"


def build_rollups(gen: Path, previous: Path | None = None) -> None:
    """Compute every rollup of generation `gen` into `gen/rollups/<name>.parquet`.

    Each rollup is first computed per bucket of source files (gen/rollups/parts/<name>/); a
    bucket whose table parts are the very files of the `previous` generation (hard links) keeps
    its previous rollup parts, so a rebuild after a small change reads little. The parts are then
    merged (measures summed, terms ranked), so the result does not depend on what was reused.

    Args:
        gen: a build generation (holds `<table>.parquet/part-XX.parquet`).
        previous: the generation `gen` was derived from, or None.
    """
    import duckdb

    from civic import store

    con = duckdb.connect()
    try:
        for name in _TABLES:
            con.register(f"empty_{name}", store.schema(name).empty_table())
        # a corpus without articles still gets (empty) rollups, from one part over empty tables
        buckets = sorted(p.name for p in (gen / "articles.parquet").glob("part-*.parquet")) or ["part-empty.parquet"]
        for part in buckets:
            files = {t: gen / f"{t}.parquet" / part for t in _TABLES}
            reuse = previous is not None and all(_unchanged(f, previous / f"{t}.parquet" / part)
                                                 for t, f in files.items())
            for t, f in files.items():
                source = f"read_parquet({_quoted(f)})" if f.exists() else f"empty_{t}"
                con.execute(f"CREATE OR REPLACE TEMP VIEW {t} AS SELECT * FROM {source}")
            for name in ROLLUPS:
                target = gen / "rollups" / "parts" / name / part
                target.parent.mkdir(parents=True, exist_ok=True)
                old = previous / "rollups" / "parts" / name / part if previous else None
                if reuse and old is not None and old.exists():
                    os.link(old, target)
                else:
                    con.execute(f"COPY ({_PARTIAL_SQL[name]}) TO {_quoted(target)} (FORMAT parquet)")
        for name in ROLLUPS:
            parts = _quoted(gen / "rollups" / "parts" / name / "*.parquet")
            target = _quoted(gen / "rollups" / f"{name}.parquet")
            con.execute(f"COPY ({_merge_sql(name, parts)}) TO {target} (FORMAT parquet, COMPRESSION zstd)")
    finally:
        con.close()
