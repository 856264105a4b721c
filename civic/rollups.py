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


GROUPS = 64  # a merged rollup is stored in this many parts, by a hash of (province, city, district, month)
_GROUP = f"(md5_number(concat_ws('|', province, city, district, month)) % {GROUPS})::INTEGER"


def _merge_sql(name: str, parts: str, groups: list[int]) -> str:
    """Rollup rows of some groups (`g`) from the per-bucket parts: measures summed; terms ranked and cut."""
    columns = [c for c in ROLLUPS[name][1] if c != "rank"]
    keys = [c for c in columns if c not in _MEASURES]
    sums = ", ".join(f"sum({c})::{'DOUBLE' if c == 'total' else 'BIGINT'} AS {c}" for c in columns if c in _MEASURES)
    merged = (f"SELECT g, {', '.join(keys)}, {sums} FROM read_parquet({parts}) "
              f"WHERE g IN ({', '.join(map(str, groups))}) GROUP BY ALL")
    if name == "district_month_terms":
        merged = f"""SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY province, city, district, month
                                                                 ORDER BY count DESC, term) AS rank
                                    FROM ({merged})) WHERE rank <= {TOP_TERMS}"""
    order = ", ".join(c for c in ROLLUPS[name][1] if c not in _MEASURES)
    return f"SELECT g, {', '.join(ROLLUPS[name][1])} FROM ({merged}) ORDER BY g, {order}"


def _unchanged(file: Path, previous: Path) -> bool:
    """True when a part is the previous generation's very file (a hard link), or absent from both."""
    if not file.exists() or not previous.exists():
        return not file.exists() and not previous.exists()
    return file.stat().st_ino == previous.stat().st_ino


def _quoted(path: Path) -> str:
    return "'" + path.as_posix().replace("'", "''") + "'"


def build_rollups(gen: Path, previous: Path | None = None) -> None:
    """Compute every rollup of generation `gen` into `gen/rollups/<name>.parquet/part-GG.parquet`.

    Two levels, so that a rebuild after a small change reads little:
    1. per bucket of source files (gen/rollups/parts/<name>/part-XX.parquet), additive measures
       per group; a bucket whose table parts are the very files of the `previous` generation
       (hard links) keeps its previous rollup parts;
    2. merged per group hash `g` (GROUPS parts): only the groups found in the recomputed buckets'
       old and new parts are merged again, the others keep their previous parts.
    The result does not depend on what was reused (tests/test_incremental.py).

    Args:
        gen: a build generation (holds `<table>.parquet/part-XX.parquet`).
        previous: the generation `gen` was derived from, or None.
    """
    import duckdb
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from civic import store

    con = duckdb.connect()
    try:
        for name in _TABLES:
            con.register(f"empty_{name}", store.schema(name).empty_table())
        # a corpus without articles still gets (empty) rollups, from one part over empty tables
        buckets = sorted(p.name for p in (gen / "articles.parquet").glob("part-*.parquet")) or ["part-empty.parquet"]
        stale_groups: dict[str, set[int]] = {name: set() for name in ROLLUPS}
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
                    continue
                con.execute(f"COPY (SELECT {_GROUP} AS g, * FROM ({_PARTIAL_SQL[name]}) ORDER BY g) "
                            f"TO {_quoted(target)} (FORMAT parquet, ROW_GROUP_SIZE 16384)")
                for changed in (target, old) if previous else ():
                    if changed is not None and changed.exists():
                        stale_groups[name].update(pc.unique(pq.read_table(changed, columns=["g"])["g"]).to_pylist())
        for name in ROLLUPS:
            _merge(con, gen, previous, name, stale_groups[name])
    finally:
        con.close()


def _merge(con, gen: Path, previous: Path | None, name: str, stale: set[int]) -> None:
    """Write the merged parts of rollup `name`: recomputed for the `stale` groups, linked otherwise."""
    import pyarrow.parquet as pq

    folder = gen / "rollups" / f"{name}.parquet"
    folder.mkdir(parents=True, exist_ok=True)
    old = previous / "rollups" / f"{name}.parquet" if previous else None
    fresh = set(range(GROUPS)) if old is None or not old.is_dir() else stale
    for group in sorted(set(range(GROUPS)) - fresh):
        if (old / f"part-{group:02x}.parquet").exists():
            os.link(old / f"part-{group:02x}.parquet", folder / f"part-{group:02x}.parquet")
    parts = _quoted(gen / "rollups" / "parts" / name / "*.parquet")
    table = con.sql(_merge_sql(name, parts, sorted(fresh) or [-1])).to_arrow_table()
    groups = table["g"].to_pylist()
    table = table.drop_columns(["g"])
    start = 0
    for index in range(1, len(groups) + 1):
        if index == len(groups) or groups[index] != groups[start]:
            pq.write_table(table.slice(start, index - start), folder / f"part-{groups[start]:02x}.parquet",
                           compression="zstd")
            start = index
    if not any(folder.iterdir()):
        pq.write_table(table, folder / "part-empty.parquet", compression="zstd")
