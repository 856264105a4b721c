"""Small aggregate tables computed with DuckDB at the end of each build, so panels answer fast.

Each rollup is read through `civic.store.connect(out)` as the view `rollup_<name>` and lives in
`out/rollups/<name>.parquet`. Three families, each at two levels:

- `street_month` / `street_day`: article counts and parse-quality counts;
- `street_month_metric` / `street_day_metric`: quantity totals per thing counted (what, unit);
- `street_month_terms` / `street_day_terms`: the most frequent terms.

Every row is keyed by the place (province, city, district and street together: county and street
names repeat across cities, 城关区, 南关街道), the month (YYYY-MM, or "" when unknown) and the
article's theme set `themes` (its theme ids sorted, [] for none), so that place, month and theme
filters select whole rows. The `_day` level adds the article's `date` as printed (YYYY-MM-DD,
--MM-DD, or ""): queries read it only for the months a date range cuts. Exact drill-downs go
to the full tables.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

TOP_TERMS = 100

PEOPLE_UNITS: tuple[str, ...] = ("人", "名", "人次", "位")
"""Units of people mobilised (志愿者200余人, 两名工作人员)."""
ITEM_UNITS: tuple[str, ...] = ("处", "个", "辆", "块", "件", "条", "起", "户", "家", "张", "份", "册",
                               "面", "根", "棵", "座", "台", "间", "车", "吨", "袋", "箱")
"""Units of sites or items handled (拆除违建45处, 发放宣传册3000册); areas and rates are not counted."""

_KEYS = {
    "province": "Province.", "city": "City.", "district": "District.", "street": "Street, or empty.",
    "month": "YYYY-MM, or empty.",
    "themes": "The articles' theme ids, sorted ([] for articles without a theme).",
}
_DATE = {"date": "Date as in articles.date (YYYY-MM-DD, --MM-DD or empty)."}
_FAMILIES: dict[str, tuple[str, dict[str, str]]] = {
    "": (
        "Articles per street, {level} and theme set (street empty: articles placed no finer than the district).",
        {"articles": "Articles.", "captions": "Of which photo captions.", "dated": "Of which with a date.",
         "with_metrics": "Of which with a quantity.", "with_people": "Of which with a byline.",
         "counted": "Of which with a quantity of people or items (PEOPLE_UNITS, ITEM_UNITS).",
         "date_min": "Earliest full date (YYYY-MM-DD), or null.",
         "date_max": "Latest full date (YYYY-MM-DD), or null."},
    ),
    "_metric": (
        "Quantities per street, {level}, theme set and thing counted (what, unit).",
        {"what": "Thing counted.", "unit": "Unit as printed.", "mentions": "Quantities found.",
         "total": "Sum of their values.", "approx": "True when any of them is approximate.",
         "articles": "Articles with such a quantity."},
    ),
    "_terms": (
        f"The {TOP_TERMS} most frequent terms per street, {{level}} and theme set (ties broken by term).",
        {"term": "Word.", "count": "Occurrences.", "articles": "Articles using it.",
         "rank": "1 for the most frequent term of its street, {level} and theme set."},
    ),
}
_LEVELS = ("day", "month")  # in this order: a month part is summed from its day part

ROLLUPS: dict[str, tuple[str, dict[str, str]]] = {
    f"street_{level}{family}": (doc.format(level=level),
                                {**_KEYS, **(_DATE if level == "day" else {}),
                                 **{c: d.format(level=level) for c, d in columns.items()}})
    for family, (doc, columns) in _FAMILIES.items() for level in _LEVELS
}

_MERGE = {"articles": "sum({0})::BIGINT", "captions": "sum({0})::BIGINT", "dated": "sum({0})::BIGINT",
          "with_metrics": "sum({0})::BIGINT", "with_people": "sum({0})::BIGINT", "counted": "sum({0})::BIGINT",
          "mentions": "sum({0})::BIGINT", "count": "sum({0})::BIGINT", "total": "sum({0})::DOUBLE",
          "approx": "bool_or({0})", "date_min": "min({0})", "date_max": "max({0})"}
"""How each measure of two parts of a rollup combine (an article lives in exactly one bucket)."""
_TABLES = ("articles", "themes", "metrics", "terms", "people")
_UNITS = ", ".join(f"'{u}'" for u in PEOPLE_UNITS + ITEM_UNITS)

# Per bucket of source files, every article with its theme set and flags.
_ARTICLES = f"""
    WITH ts AS (SELECT article_id, list_sort(list(DISTINCT theme)) AS themes FROM themes GROUP BY 1),
         mf AS (SELECT article_id, bool_or(unit IN ({_UNITS})) AS counted FROM metrics GROUP BY 1),
         pf AS (SELECT DISTINCT article_id FROM people)
    SELECT a.article_id, a.province, a.city, a.district, a.street, a.month, a.date, a.is_caption,
           coalesce(ts.themes, []::VARCHAR[]) AS themes, mf.article_id IS NOT NULL AS has_metrics,
           coalesce(mf.counted, false) AS counted, pf.article_id IS NOT NULL AS has_people
    FROM articles a LEFT JOIN ts USING (article_id) LEFT JOIN mf USING (article_id)
    LEFT JOIN pf USING (article_id)"""


def _partial_sql(name: str) -> str:
    """Rows of day-level rollup `name` over one bucket's tables (views `metrics`, `terms`, temp table
    `art` of `_ARTICLES`): additive measures."""
    keys = ", ".join(f"a.{k}" for k in ROLLUPS[name][1] if k in _KEYS or k in _DATE)
    if name.endswith("_metric"):
        return f"""SELECT {keys}, m.what, m.unit, count(*) AS mentions, sum(m.value) AS total,
                          bool_or(m.approx) AS approx, count(DISTINCT m.article_id) AS articles
                   FROM metrics m JOIN art a USING (article_id) GROUP BY ALL"""
    if name.endswith("_terms"):
        return f"""SELECT {keys}, t.term, sum(t.count)::BIGINT AS count, count(*) AS articles
                   FROM terms t JOIN art a USING (article_id) GROUP BY ALL"""
    return f"""SELECT {keys}, count(*) AS articles, count(*) FILTER (WHERE a.is_caption) AS captions,
                      count(*) FILTER (WHERE a.date <> '') AS dated,
                      count(*) FILTER (WHERE a.has_metrics) AS with_metrics,
                      count(*) FILTER (WHERE a.has_people) AS with_people,
                      count(*) FILTER (WHERE a.counted) AS counted,
                      min(a.date) FILTER (WHERE a.date LIKE '____-__-__') AS date_min,
                      max(a.date) FILTER (WHERE a.date LIKE '____-__-__') AS date_max
               FROM art a GROUP BY ALL"""


def _combine_sql(name: str, rows: str) -> str:
    """Rows of rollup `name` (with their group `g`) combined from `rows` that have the same columns or
    more keys (a day part for a month part, the parts of every bucket for the merged rollup)."""
    columns = [c for c in ROLLUPS[name][1] if c != "rank"]
    keys = ", ".join(c for c in columns if c not in _MERGE)
    measures = ", ".join(f"{_MERGE[c].format(c)} AS {c}" for c in columns if c in _MERGE)
    return f"SELECT g, {keys}, {measures} FROM {rows} GROUP BY ALL"


GROUPS = 8  # a merged rollup is stored in this many parts, by a hash of (province, city, district, month)
# (few parts: a query opens every part, and 64 made page queries 3-5 times slower than 8 at 1M articles)
_GROUP = f"(md5_number(concat_ws('|', province, city, district, month)) % {GROUPS})::INTEGER"
_ROW_GROUP = 4096  # rows per Parquet row group: parts are sorted by month, so a month filter skips most groups


def _merge_sql(name: str, parts: str, groups: list[int]) -> str:
    """Rollup rows of some groups (`g`) from the per-bucket parts: measures combined; terms ranked and cut."""
    keys = [c for c in ROLLUPS[name][1] if c not in _MERGE and c != "rank"]
    merged = _combine_sql(name, f"read_parquet({parts}) WHERE g IN ({', '.join(map(str, groups))})")
    if name.endswith("_terms"):
        cell = ", ".join(k for k in keys if k != "term")
        merged = f"""SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY {cell} ORDER BY count DESC, term) AS rank
                                    FROM ({merged})) WHERE rank <= {TOP_TERMS}"""
    return f"SELECT g, {', '.join(ROLLUPS[name][1])} FROM ({merged}) ORDER BY g, month, {', '.join(keys)}"


def fingerprint() -> str:
    """Hash of everything that shapes the rollups' rows; parts of a build with another one are never reused."""
    text = "\n".join([str(GROUPS), str(TOP_TERMS), _ARTICLES] + [
        (_partial_sql(name) if name.startswith("street_day") else "") + _merge_sql(name, "", []) for name in ROLLUPS])
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _unchanged(file: Path, previous: Path) -> bool:
    """True when a part is the previous generation's very file (a hard link), or absent from both."""
    if not file.exists() or not previous.exists():
        return not file.exists() and not previous.exists()
    return file.stat().st_ino == previous.stat().st_ino


def _quoted(path: Path) -> str:
    return "'" + path.as_posix().replace("'", "''") + "'"


def _same_rollups(previous: Path | None) -> bool:
    """True when `previous` holds rollup parts made by this very code (see `fingerprint`)."""
    stamp = previous / "rollups" / "parts" / "FINGERPRINT" if previous else None
    return stamp is not None and stamp.exists() and stamp.read_text(encoding="utf-8") == fingerprint()


def build_rollups(gen: Path, previous: Path | None = None) -> None:
    """Compute every rollup of generation `gen` into `gen/rollups/<name>.parquet/part-GG.parquet`.

    Two levels, so that a rebuild after a small change reads little:
    1. per bucket of source files (gen/rollups/parts/<name>/part-XX.parquet), additive measures
       per group; a bucket whose table parts are the very files of the `previous` generation
       (hard links) keeps its previous rollup parts;
    2. merged per group hash `g` (GROUPS parts): only the groups found in the recomputed buckets'
       old and new parts are merged again, the others keep their previous parts.
    Nothing of `previous` is reused when its rollups were made by other code (`fingerprint`).
    The result does not depend on what was reused (tests/test_incremental.py).

    Args:
        gen: a build generation (holds `<table>.parquet/part-XX.parquet`).
        previous: the generation `gen` was derived from, or None.
    """
    import duckdb
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from civic import store

    if not _same_rollups(previous):
        previous = None
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
            articles_ready = False
            for name in ROLLUPS:
                target = gen / "rollups" / "parts" / name / part
                target.parent.mkdir(parents=True, exist_ok=True)
                old = previous / "rollups" / "parts" / name / part if previous else None
                if reuse and old is not None and old.exists():
                    os.link(old, target)
                    continue
                if name.startswith("street_day"):
                    if not articles_ready:  # the bucket's articles with their theme sets, once for every rollup
                        con.execute(f"CREATE OR REPLACE TEMP TABLE art AS {_ARTICLES}")
                        articles_ready = True
                    rows = f"SELECT {_GROUP} AS g, * FROM ({_partial_sql(name)})"
                else:
                    day = gen / "rollups" / "parts" / name.replace("street_month", "street_day", 1) / part
                    rows = _combine_sql(name, f"read_parquet({_quoted(day)})")
                con.execute(f"COPY ({rows} ORDER BY g) TO {_quoted(target)} (FORMAT parquet, ROW_GROUP_SIZE 16384)")
                for changed in (target, old) if previous else ():
                    if changed is not None and changed.exists():
                        stale_groups[name].update(pc.unique(pq.read_table(changed, columns=["g"])["g"]).to_pylist())
        for name in ROLLUPS:
            _merge(con, gen, previous, name, stale_groups[name])
        (gen / "rollups" / "parts" / "FINGERPRINT").write_text(fingerprint(), encoding="utf-8")
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
                           compression="zstd", row_group_size=_ROW_GROUP)
            start = index
    if not any(folder.iterdir()):
        pq.write_table(table, folder / "part-empty.parquet", compression="zstd")
