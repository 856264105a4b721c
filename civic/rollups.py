"""Small aggregate tables computed with DuckDB at the end of each build, so panels answer fast.

Each rollup is read through `civic.store.connect(out)` as the view `rollup_<name>` and lives in
`out/rollups/<name>.parquet`. Three families, each at two levels:

- `street_month` / `street_day`: article counts and parse-quality counts;
- `street_month_metric` / `street_day_metric`: quantity totals per thing counted (what, unit);
- `street_month_terms` / `street_day_terms`: the most frequent terms (at the day level: every term,
  cut only at the month level, which spares ranking the largest rollup on every build).

Every row is keyed by the place (province, city, district and street together: county and street
names repeat across cities, 城关区, 南关街道), the month (YYYY-MM, or "" when unknown) and the
article's theme set `themes` (its theme ids sorted, [] for none), so that place, month and theme
filters select whole rows. The `_day` level adds the article's `date` as printed (YYYY-MM-DD,
--MM-DD, or ""): queries read it only for the months a date range cuts. Exact drill-downs go
to the full tables.

Both levels are derived from one state per family: the day-level rows with only additive measures
(`out/rollups/state/<day rollup>/part-GG.parquet`; for terms the day rollup itself). A rebuild adds
the new rows of the articles whose rows changed in the changed buckets and subtracts their previous
rows (an article lives in exactly one bucket: counts stay exact, totals up to float rounding), then
rewrites only the cells (place, month, theme set, day) that change reaches; other groups keep their
files (hard links).
"""

from __future__ import annotations

import hashlib
import os
import shutil
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
_LEVELS = ("day", "month")

ROLLUPS: dict[str, tuple[str, dict[str, str]]] = {
    f"street_{level}{family}": (doc.format(level=level),
                                {**_KEYS, **(_DATE if level == "day" else {}),
                                 **{c: d.format(level=level) for c, d in columns.items()}})
    for family, (doc, columns) in _FAMILIES.items() for level in _LEVELS
}
ROLLUPS["street_day_terms"] = ("Every term per street, day and theme set (no cut: the day level is the terms' state).",
                               {c: d for c, d in ROLLUPS["street_day_terms"][1].items() if c != "rank"})

_TABLES = ("articles", "themes", "metrics", "terms", "people")
_UNITS = ", ".join(f"'{u}'" for u in PEOPLE_UNITS + ITEM_UNITS)
_DAY_KEYS = ("province", "city", "district", "street", "month", "themes", "date")
_ORDER = ("month",) + tuple(k for k in _DAY_KEYS if k != "month")
"""Order of a part's rows (then those of the family's keys): month first, so a month filter skips row groups."""

# Every article of some table parts (views `articles`, `metrics`, `people`) with its theme set and flags;
# the theme set from the article's own copy of its theme ids (sorted, comma-separated), not the themes table.
_ARTICLES = f"""
    WITH mf AS (SELECT article_id, bool_or(unit IN ({_UNITS})) AS counted FROM metrics GROUP BY 1),
         pf AS (SELECT DISTINCT article_id FROM people)
    SELECT a.article_id, a.province, a.city, a.district, a.street, a.month, a.date, a.is_caption,
           CASE WHEN a.themes = '' THEN []::VARCHAR[] ELSE string_split(a.themes, ',') END AS themes,
           mf.article_id IS NOT NULL AS has_metrics, coalesce(mf.counted, false) AS counted,
           pf.article_id IS NOT NULL AS has_people
    FROM articles a LEFT JOIN mf USING (article_id) LEFT JOIN pf USING (article_id)"""

GROUPS = 8  # a rollup is stored in this many parts, by a hash of (province, city, district, month)
# (few parts: a query opens every part, and 64 made page queries 3-5 times slower than 8 at 1M articles)
_GROUP = f"(md5_number(concat_ws('|', a.province, a.city, a.district, a.month)) % {GROUPS})::INTEGER"
_ROW_GROUP = 4096  # rows per Parquet row group: parts are sorted by month, so a month filter skips most groups
_FULL_DATE = "CASE WHEN date LIKE '____-__-__' THEN date END"

_STATE: dict[str, tuple[tuple[str, ...], str, str, tuple[str, ...], str]] = {
    "": ((), """count(*) AS articles, count(*) FILTER (WHERE a.is_caption) AS captions,
            count(*) FILTER (WHERE a.date <> '') AS dated, count(*) FILTER (WHERE a.has_metrics) AS with_metrics,
            count(*) FILTER (WHERE a.has_people) AS with_people, count(*) FILTER (WHERE a.counted) AS counted""",
         "art a", ("articles", "captions", "dated", "with_metrics", "with_people", "counted"), "articles"),
    "_metric": (("what", "unit"), """m.what, m.unit, count(*) AS mentions, sum(m.value) AS total,
                   count(*) FILTER (WHERE m.approx) AS approx_mentions, count(DISTINCT m.article_id) AS articles""",
                "metrics m JOIN art a USING (article_id)", ("mentions", "total", "approx_mentions", "articles"),
                "mentions"),
    "_terms": (("term",), "t.term, sum(t.count)::BIGINT AS count, count(*) AS articles",
               "terms t JOIN art a USING (article_id)", ("count", "articles"), "articles"),
}
"""Per family: its keys after `_DAY_KEYS`, the SELECT of its state's columns after the day keys, over
some table parts (a temp table `a` of `_ARTICLES`), FROM, the additive measures, and the one that
counts a state row's source rows (0: nothing left). Each adds up over disjoint sets of articles, so
the state changes by difference."""

_FINAL = {"articles": "sum(articles)::BIGINT", "captions": "sum(captions)::BIGINT", "dated": "sum(dated)::BIGINT",
          "with_metrics": "sum(with_metrics)::BIGINT", "with_people": "sum(with_people)::BIGINT",
          "counted": "sum(counted)::BIGINT", "mentions": "sum(mentions)::BIGINT", "count": "sum(count)::BIGINT",
          "total": "sum(total)::DOUBLE", "approx": "sum(approx_mentions) > 0",
          "date_min": f"min({_FULL_DATE})", "date_max": f"max({_FULL_DATE})"}
"""Each measure of a rollup from its family's state rows (a day row's full date is its only date)."""


def _cell_state_sql(family: str, articles: str) -> str:
    """State rows of `family` over the table parts in view, by the id `cell` of their day-level cell instead
    of its keys: `articles` is their `_ARTICLES` with a `cell` id (grouping by one integer instead of seven
    keys, one a list, is what makes this fast)."""
    _, select, source, _, _ = _STATE[family]
    return f"SELECT a.cell, {select} FROM {source.replace('art a', f'{articles} a')} GROUP BY ALL"


def _state_sql(family: str, articles: str) -> str:
    """State rows of `family` with their group `g` and the keys of their cell (from `{articles}_cells`)."""
    return (f"SELECT c.g, {', '.join(f'c.{k}' for k in _DAY_KEYS)}, s.* EXCLUDE (cell) "
            f"FROM ({_cell_state_sql(family, articles)}) s JOIN {articles}_cells c USING (cell)")


def _articles_sql(con, articles: str) -> None:
    """Make the temp table named `articles` of `_ARTICLES` over the table parts in view, with the id `cell`
    of its day-level cell, and `{articles}_cells`: each cell's id, the id `month_cell` of its month-level
    cell, its group `g` and its keys. Ids are numbered in the order (g, `_ORDER`): ordering a group's rows
    by id orders them by their keys."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {articles}_all AS {_ARTICLES}")
    order = ", ".join(_ORDER)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {articles}_cells AS
                    SELECT row_number() OVER (ORDER BY g, {order}) AS cell,
                           dense_rank() OVER (ORDER BY g, {order.removesuffix(', date')}) AS month_cell, *
                    FROM (SELECT {_GROUP} AS g, a.* FROM (SELECT DISTINCT {', '.join(_DAY_KEYS)}
                                                          FROM {articles}_all) a)""")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {articles} AS SELECT a.*, c.cell FROM {articles}_all a
                    JOIN {articles}_cells c ON {_same(_DAY_KEYS, 'a', 'c')}""")
    con.execute(f"DROP TABLE {articles}_all")


def _fresh_rows_sql(name: str) -> str:
    """Rows of rollup `name` (or `street_day<family>!state`: of its family's state parts) over all table parts,
    from the temp table `state` (`_cell_state_sql`, sorted by cell): `id`, the id of their cell at the
    rollup's level instead of its keys, then the rollup's other columns; in part order (id, the family's keys)."""
    family = name.removesuffix("!state").removeprefix("street_day").removeprefix("street_month")
    extra = ", ".join(("",) + _STATE[family][0])
    if name.endswith("!state"):
        return "SELECT cell AS id, * EXCLUDE (cell) FROM state"
    cell = "cell" if name.startswith("street_day") else "month_cell"
    measures = ", ".join(f"{_FINAL[c]} AS {c}" for c in ROLLUPS[name][1] if c in _FINAL)
    rows = f"SELECT c.{cell} AS id{extra}, {measures} FROM state s JOIN art_cells c USING (cell) GROUP BY ALL"
    if name.endswith("_terms"):
        rows = (f"SELECT *, row_number() OVER (PARTITION BY id ORDER BY count DESC, term) AS rank FROM ({rows}) "
                f"QUALIFY rank <= {TOP_TERMS}")
    return f"{rows} ORDER BY id{extra}"


def _fresh_part_sql(name: str, rows: str, group: int, first: int) -> str:
    """Rows of part `group` of rollup `name` (see `_fresh_rows_sql`) from the table or subquery `rows` of
    `_fresh_rows_sql(name)`, whose ids in the group start at `first`. Each row's keys are looked up by its
    id in the list of the group's cells: with preserve_insertion_order on, a scan, a filter and a cross
    product with one row keep the order of `rows` (DuckDB plans an ordered "Batch Copy To File"; a join with
    the cells would not), so rows are sorted once without their keys instead of each part with them."""
    level = "cell" if name.startswith("street_day") else "month_cell"
    keys = _DAY_KEYS if level == "cell" else tuple(k for k in _DAY_KEYS if k != "date")
    cells = (f"(SELECT list(struct_pack({', '.join(keys)}) ORDER BY {level}) AS keys FROM "
             f"(SELECT DISTINCT {level}, {', '.join(keys)} FROM art_cells WHERE g = {group}))")
    looked_up = ", ".join(f"k.keys[r.id - {first - 1}].{c} AS {c}" for c in keys)
    return (f"SELECT {looked_up}, r.* EXCLUDE (id) FROM {rows} r, {cells} k "
            f"WHERE r.id BETWEEN {first} AND {first} + len(k.keys) - 1")


def _state_rollup(family: str) -> str | None:
    """The rollup that is the state of `family` itself, if any."""
    return "street_day_terms" if family == "_terms" else None


def _derived_rollups(family: str) -> list[str]:
    """The rollups of `family` written from its state (all but the one that is the state itself)."""
    return [n for n in (f"street_day{family}", f"street_month{family}") if n != _state_rollup(family)]


def _state_folder(root: Path, family: str) -> Path:
    """Folder of the state parts of `family` under a generation's `rollups` folder."""
    name = _state_rollup(family)
    return root / f"{name}.parquet" if name else root / "state" / f"street_day{family}"


def _final_sql(name: str, state: str, kept: str | None = None, change: str | None = None) -> str:
    """Rows of rollup `name` from the state rows `state` of its family: summed to its level; terms ranked and
    cut; in order. With `kept` (rows of the rollup) and `change` (state rows), only the cells (place, month,
    theme set and at the day level date) that `change` reaches are made from `state`; `kept` gives the others."""
    columns = [c for c in ROLLUPS[name][1] if c != "rank"]
    keys = [c for c in columns if c not in _FINAL]
    measures = ", ".join(f"{_FINAL[c]} AS {c}" for c in columns if c in _FINAL)
    if kept is not None:
        cell = [k for k in _KEYS if k in keys] + ["date"] * ("date" in keys)
        cells = f"(SELECT DISTINCT {', '.join(cell)} FROM {change})"
        state = f"(SELECT s.* FROM {state} s SEMI JOIN {cells} c ON {_same(cell, 's', 'c')})"
    rows = f"SELECT {', '.join(keys)}, {measures} FROM {state} GROUP BY ALL"
    if name.endswith("_terms"):
        rows = f"""SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY {', '.join(k for k in keys if k != 'term')}
                                  ORDER BY count DESC, term) AS rank FROM ({rows})) WHERE rank <= {TOP_TERMS}"""
    if kept is not None:
        rows = f"SELECT k.* FROM {kept} k ANTI JOIN {cells} c ON {_same(cell, 'k', 'c')} UNION ALL BY NAME {rows}"
    order = ", ".join(k for k in keys if k != "month")
    return f"SELECT {', '.join(ROLLUPS[name][1])} FROM ({rows}) ORDER BY month, {order}"


def _same(columns, left: str, right: str) -> str:
    """SQL condition: rows `left` and `right` agree on `columns` (nulls equal)."""
    return " AND ".join(f"{left}.{c} IS NOT DISTINCT FROM {right}.{c}" for c in columns)


def _update_sql(family: str, old: str, delta: str) -> str:
    """State rows of `family` from its `old` rows plus the signed `delta` rows; rows with nothing left drop."""
    extra, _, _, measures, rows = _STATE[family]
    keys = ", ".join(("g",) + _DAY_KEYS + extra)
    return (f"SELECT {keys}, {_sums(measures)} FROM (SELECT * FROM {old} UNION ALL BY NAME SELECT * FROM {delta}) "
            f"GROUP BY ALL HAVING sum({rows}) <> 0")


def _sums(measures) -> str:
    """SQL summing each of `measures` into a column of its name and state type."""
    return ", ".join(f"sum({m})::{'DOUBLE' if m == 'total' else 'BIGINT'} AS {m}" for m in measures)


def _negated_sql(family: str, rows: str) -> str:
    """The state `rows` of `family` with every measure negated (rows to subtract)."""
    extra, _, _, measures, _ = _STATE[family]
    negated = ", ".join(f"-{m} AS {m}" for m in measures)
    return f"SELECT {', '.join(('g',) + _DAY_KEYS + extra)}, {negated} FROM ({rows})"


def fingerprint() -> str:
    """Hash of everything that shapes the rollups' state and rows; a state made by other code is never reused."""
    text = "\n".join([str(GROUPS), str(TOP_TERMS), _ARTICLES]
                     + [_state_sql(f, "") + _update_sql(f, "", "") + _fresh_rows_sql(f"street_day{f}!state")
                        for f in _STATE]
                     + [_final_sql(name, "") + _fresh_rows_sql(name) + _fresh_part_sql(name, "", 0, 0)
                        for name in ROLLUPS])
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _quoted(path: Path) -> str:
    return "'" + path.as_posix().replace("'", "''") + "'"


def _same_rollups(previous: Path | None) -> bool:
    """True when `previous` holds a rollup state made by this very code (see `fingerprint`)."""
    stamp = previous / "rollups" / "state" / "FINGERPRINT" if previous else None
    return stamp is not None and stamp.exists() and stamp.read_text(encoding="utf-8") == fingerprint()


def _changed_buckets(gen: Path, previous: Path) -> list[str]:
    """Part names whose table parts in `gen` are not the very files of `previous` (hard links)."""
    names = {p.name for g in (gen, previous) for t in _TABLES for p in (g / f"{t}.parquet").glob("part-*.parquet")}
    changed = []
    for name in sorted(names):
        for t in _TABLES:
            new, old = gen / f"{t}.parquet" / name, previous / f"{t}.parquet" / name
            if new.exists() != old.exists() or (new.exists() and new.stat().st_ino != old.stat().st_ino):
                changed.append(name)
                break
    return changed


def _views(con, gen: Path, buckets: list[str] | None, articles: str | None = None) -> None:
    """Point the views `articles`, `themes`, ... at the table parts `buckets` of `gen` (all when None),
    restricted to the article ids of table `articles` when given."""
    for t in _TABLES:
        folder = gen / f"{t}.parquet"
        files = sorted(folder.glob("part-*.parquet")) if buckets is None else [
            folder / b for b in buckets if (folder / b).exists()]
        source = f"read_parquet([{', '.join(map(_quoted, files))}])" if files else f"empty_{t}"
        only = f" WHERE article_id IN (SELECT article_id FROM {articles})" if articles else ""
        con.execute(f"CREATE OR REPLACE TEMP VIEW {t} AS SELECT * FROM {source}{only}")


_SIGNATURE = " UNION ALL ".join(f"SELECT article_id, hash(t, '{t}')::HUGEINT AS h FROM {t} t" for t in _TABLES)
"""Rows of every table in view as (article_id, a hash of the row and its table's name): summed per
article, a signature of all its rows, equal between two generations when none of its rows changed."""


def _changed_articles(con, gen: Path, previous: Path, buckets: list[str]) -> None:
    """Make the temp table `changed` of the article ids of `buckets` whose rows differ between `previous`
    and `gen` (a rebuilt bucket mostly holds the very rows it held: pages that did not change)."""
    for side, source in (("new", gen), ("old", previous)):
        _views(con, source, buckets)
        con.execute(f"CREATE OR REPLACE TEMP TABLE signature_{side} AS "
                    f"SELECT article_id, sum(h) AS signature FROM ({_SIGNATURE}) GROUP BY 1")
    con.execute("""CREATE OR REPLACE TEMP TABLE changed AS
                   SELECT article_id FROM signature_new n FULL JOIN signature_old o USING (article_id)
                   WHERE n.signature IS DISTINCT FROM o.signature""")


def build_rollups(gen: Path, previous: Path | None = None) -> None:
    """Compute every rollup of generation `gen` into `gen/rollups/<name>.parquet/part-GG.parquet`.

    From the state (see the module doc): computed over all table parts when `previous` is None or
    its state was made by other code (`fingerprint`); otherwise the previous state plus the new rows
    of the articles whose rows changed minus their previous rows, for the cells these reach. Rollup parts of
    untouched groups are the previous generation's files (hard links). The result does not depend
    on what was reused (tests/test_incremental.py, tests/test_rollups.py).

    Args:
        gen: a build generation (holds `<table>.parquet/part-XX.parquet`).
        previous: the generation `gen` was derived from, or None.
    """
    import duckdb

    from civic import store

    if not _same_rollups(previous):
        previous = None
    root = gen / "rollups"
    spill = root / "spill"
    spill.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"preserve_insertion_order": False, "temp_directory": str(spill),
                                 "memory_limit": "1GB"})
    try:
        for name in _TABLES:
            con.register(f"empty_{name}", store.schema(name).empty_table())
        if previous is None:
            _views(con, gen, None)
            _articles_sql(con, "art")
            for family in _STATE:
                _write_fresh(con, root, family)
        else:
            changed = _changed_buckets(gen, previous)
            _changed_articles(con, gen, previous, changed)
            for side, source in (("new", gen), ("old", previous)):  # the change: new rows minus old rows
                _views(con, source, changed, "changed")
                _articles_sql(con, "art")
                for family in _STATE:
                    rows = _state_sql(family, "art")
                    con.execute(f"CREATE OR REPLACE TEMP TABLE state{family}_{side} AS "
                                f"{rows if side == 'new' else _negated_sql(family, rows)}")
            for family, (extra, _, _, measures, _) in _STATE.items():
                moved = " OR ".join(f"sum({m}) <> 0" for m in measures)  # net of rows that did not change
                con.execute(f"""CREATE OR REPLACE TEMP TABLE state AS
                                SELECT g, {', '.join(_DAY_KEYS + extra)}, {_sums(measures)}
                                FROM (SELECT * FROM state{family}_new UNION ALL SELECT * FROM state{family}_old)
                                GROUP BY ALL HAVING {moved}""")
                touched = {g for (g,) in con.execute("SELECT DISTINCT g FROM state").fetchall()}
                _write_family(con, root, previous, family, touched)
                con.execute(f"DROP TABLE state{family}_new; DROP TABLE state{family}_old")
        (root / "state" / "FINGERPRINT").write_text(fingerprint(), encoding="utf-8")
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def _write_fresh(con, root: Path, family: str) -> None:
    """Write every state part and rollup part of `family` from all table parts (temp tables `art`, `art_cells`)."""
    extra = ", ".join(("cell",) + _STATE[family][0])
    con.execute("SET preserve_insertion_order = true")  # sorted rows are stored, and parts written, in order
    con.execute(f"CREATE OR REPLACE TEMP TABLE state AS {_cell_state_sql(family, 'art')} ORDER BY {extra}")
    groups = sorted(g for (g,) in con.execute("SELECT DISTINCT g FROM state JOIN art_cells USING (cell)").fetchall())
    first = {g: (day, month) for g, day, month in con.execute(
        "SELECT g, min(cell), min(month_cell) FROM art_cells GROUP BY g").fetchall()}
    names = _derived_rollups(family)
    folders = {f"street_day{family}!state": _state_folder(root, family)} | {n: root / f"{n}.parquet" for n in names}
    for name, folder in folders.items():
        rows = f"({_fresh_rows_sql(name)})"
        if not name.endswith("!state"):  # made once for all groups (each is cut from it)
            con.execute(f"CREATE OR REPLACE TEMP TABLE fresh_rows AS {_fresh_rows_sql(name)}")
            rows = "fresh_rows"
        folder.mkdir(parents=True, exist_ok=True)
        for group in groups:
            part = _fresh_part_sql(name, rows, group, first[group][name.startswith("street_month")])
            con.execute(f"COPY ({part}) TO {_quoted(folder / f'part-{group:02x}.parquet')} "
                        f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {_ROW_GROUP})")
        if not groups and (name in names or _state_rollup(family)):  # a rollup has at least one part
            part = _fresh_part_sql(name, rows, -1, 0)
            con.execute(f"COPY ({part}) TO {_quoted(folder / 'part-empty.parquet')} (FORMAT parquet)")
    con.execute("SET preserve_insertion_order = false; DROP TABLE IF EXISTS fresh_rows")


def _write_family(con, root: Path, previous: Path, family: str, touched: set[int]) -> None:
    """Write the state parts and rollup parts of `family` for the `touched` groups from `previous`'s and the
    signed change (temp table `state`), and link the others from `previous`."""
    names = _derived_rollups(family)
    folders = {n: root / f"{n}.parquet" for n in names} | {"state": _state_folder(root, family)}
    old = {k: previous / "rollups" / f.relative_to(root) for k, f in folders.items()}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    for group in range(GROUPS):
        part = f"part-{group:02x}.parquet"
        if group not in touched:
            for key, folder in folders.items():
                if (old[key] / part).exists():
                    os.link(old[key] / part, folder / part)
            continue
        delta = f"(SELECT * FROM state WHERE g = {group})"
        before = old["state"] / part  # rows of cells the change does not reach are kept as they are
        old_rows = f"(SELECT {group} AS g, * FROM read_parquet({_quoted(before)}))" if before.exists() else \
            f"({delta} LIMIT 0)"
        same = _same(("g",) + _DAY_KEYS + _STATE[family][0], "o", "d")
        reached = f"(SELECT o.* FROM {old_rows} o SEMI JOIN {delta} d ON {same})"
        con.execute(f"""CREATE OR REPLACE TEMP TABLE state_part AS
                        SELECT o.* FROM {old_rows} o ANTI JOIN {delta} d ON {same}
                        UNION ALL BY NAME {_update_sql(family, reached, delta)}""")
        kept = {n: f"read_parquet({_quoted(old[n] / part)})" for n in names if (old[n] / part).exists()}
        if not con.execute("SELECT count(*) FROM state_part").fetchone()[0]:
            continue
        order = ", ".join(_ORDER + _STATE[family][0])
        target = _quoted(folders["state"] / part)
        con.execute(f"COPY (SELECT * EXCLUDE (g) FROM state_part ORDER BY {order}) TO {target} "
                    f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {_ROW_GROUP})")
        for name in names:
            final = _final_sql(name, "state_part", *((kept[name], delta) if name in kept else ()))
            con.execute(f"COPY ({final}) TO {_quoted(folders[name] / part)} "
                        f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {_ROW_GROUP})")
    for name in names:
        if not any(folders[name].iterdir()):
            empty = folders[name] / "part-empty.parquet"
            con.execute(f"COPY ({_final_sql(name, 'state')} LIMIT 0) TO {_quoted(empty)} (FORMAT parquet)")
    if _state_rollup(family) and not any(folders["state"].iterdir()):
        empty = folders["state"] / "part-empty.parquet"
        con.execute(f"COPY (SELECT * EXCLUDE (g) FROM state LIMIT 0) TO {_quoted(empty)} (FORMAT parquet)")
