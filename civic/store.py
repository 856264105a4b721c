"""Named tables on disk: Parquet (zstd), swapped in atomically; CSV copies on demand.

Layout of an output folder `out/` (readers should go through `connect` or `read_table`):

    out/current              -> .builds/<id>              symlink, replaced atomically by each build
    out/<table>.parquet      -> current/<table>.parquet   a folder of part files, one per bucket
    out/rollups              -> current/rollups           aggregate tables, rollups/<name>.parquet/part-GG.parquet
    out/csv/<table>.csv      written by `export_csv` (`python -m civic export`) only, never by a build
    out/.builds/<id>/parsed/<table>.parquet/part-XX.parquet   rows as parsed, before corpus-wide steps
    out/.builds/<id>/sources.parquet                     the files of the build and their content hash

Builds write no CSV: rewriting gigabytes of whole-table CSV on every build cost more than the
parsing of a changed page, so whole-table CSVs are exported when someone asks for them.

A table's rows are split into BUCKETS part files by a hash of the source file name, so a
rebuild rewrites only the parts whose sources changed and hard-links the others. `articles`
parts are sorted by (month, city, date) in small row groups (SORT_KEYS, ROW_GROUP_ROWS). A build
writes a whole new generation under `.builds/`, then repoints `current` with one rename: a build
killed halfway leaves the previous tables intact and readable, and readers never see a mix of two
builds. The previous generation is kept for readers still scanning it; older ones are deleted by
the next build.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from civic.schema import TABLES

BUCKETS = 64
BUILDS = ".builds"
CURRENT = "current"
SOURCES = "sources.parquet"
_ARROW_TYPES = {"str": pa.string(), "Int64": pa.int64(), "float64": pa.float64(), "boolean": pa.bool_()}
SORT_KEYS: dict[str, list[str]] = {
    "articles": ["month", "city", "date", "source", "seq"],
    "build_report": ["source"],
}
"""Row order within a part; the others by article_id. Articles come month first: lists (newest first)
and date ranges read only the row groups of their months, so a 200-row list at 1M articles reads
about 1/10 of the table (57 -> 23 ms)."""
ROW_GROUP_ROWS: dict[str, int] = {"articles": 2048}
"""Rows per Parquet row group (default 65536): small for articles, so a month filter skips most of a part."""


def bucket_of(source: str) -> int:
    """Bucket (0..BUCKETS-1) of a source file name; stable across runs and machines."""
    return int.from_bytes(hashlib.sha1(source.encode("utf-8")).digest()[:4], "big") % BUCKETS


def schema(name: str) -> pa.Schema:
    """Arrow schema of table `name`, from the contract in civic.schema."""
    return pa.schema([(c.name, _ARROW_TYPES[c.dtype]) for c in TABLES[name].columns])


def arrow(name: str, rows: list[dict]) -> pa.Table:
    """Rows of table `name` as an Arrow table with the contract's columns (extra keys dropped)."""
    return pa.Table.from_pylist(rows, schema=schema(name))


def frame(name: str, rows: list[dict]) -> pd.DataFrame:
    """Rows of table `name` as a DataFrame with the contract's columns and dtypes."""
    table = TABLES[name]
    return pd.DataFrame(rows, columns=table.column_names).astype(table.dtypes)


def sort_part(name: str, table: pa.Table) -> pa.Table:
    """Rows of one part in their canonical order (stable, so equal keys keep their order)."""
    keys = SORT_KEYS.get(name, ["article_id"])
    return table.sort_by([(k, "ascending") for k in keys])


def current(out: Path) -> Path | None:
    """The generation folder `out/current` points to, or None before the first build."""
    link = out / CURRENT
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


def part_name(bucket: int) -> str:
    return f"part-{bucket:02x}"


def part_file(source: str) -> str:
    """Name of the part file holding the rows of source file `source`, in every table."""
    return f"{part_name(bucket_of(source))}.parquet"


def new_generation(out: Path) -> Path:
    """A fresh, empty staging folder for a build under out/.builds/."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    gen = out / BUILDS / f"{stamp}-{time.monotonic_ns() % 10**9:09d}-{os.getpid()}"
    gen.mkdir(parents=True)
    return gen


def part_path(gen: Path, name: str, bucket: int, *, parsed: bool = False) -> Path:
    """Where bucket `bucket` of table `name` lives in generation `gen` (as parsed, or final)."""
    return gen / ("parsed" if parsed else "") / f"{name}.parquet" / f"{part_name(bucket)}.parquet"


def write_part(gen: Path, name: str, bucket: int, table: pa.Table, *, parsed: bool = False) -> None:
    """Write one bucket of table `name` into generation `gen`."""
    path = part_path(gen, name, bucket, parsed=parsed)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd", row_group_size=ROW_GROUP_ROWS.get(name, 65536))


def link_part(previous: Path, gen: Path, name: str, bucket: int, *, parsed: bool = False) -> bool:
    """Hard-link an unchanged part from the previous generation; False when it had none."""
    source, target = part_path(previous, name, bucket, parsed=parsed), part_path(gen, name, bucket, parsed=parsed)
    if not source.exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    os.link(source, target)
    return True


def promote_part(gen: Path, name: str, bucket: int) -> None:
    """Make a part as parsed the final part too (a hard link; nothing when it has no rows)."""
    source, target = part_path(gen, name, bucket, parsed=True), part_path(gen, name, bucket)
    if source.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(source, target)


def read_part(gen: Path, name: str, bucket: int, *, parsed: bool = False) -> pa.Table | None:
    """One bucket of table `name` in generation `gen`, or None when absent."""
    path = part_path(gen, name, bucket, parsed=parsed)
    return pq.read_table(path) if path.exists() else None


def finish(gen: Path, names: Iterable[str] = TABLES) -> None:
    """Give every table a part: an empty one when it has no rows."""
    for name in names:
        folder = gen / f"{name}.parquet"
        folder.mkdir(parents=True, exist_ok=True)
        if next(folder.glob("part-*.parquet"), None) is None:
            pq.write_table(schema(name).empty_table(), folder / "part-empty.parquet", compression="zstd")


def commit(out: Path, gen: Path) -> None:
    """Make `gen` the current generation in one atomic rename, then drop stale generations."""
    names = [f"{n}.parquet" for n in TABLES] + ["rollups"]
    previous = current(out)
    for name in TABLES:  # whole-table CSVs of builds before `civic export`: dangling links from now on
        stale = out / f"{name}.csv"
        if stale.is_symlink() or stale.is_file():
            stale.unlink()
    for name in names:
        link = out / name
        if not link.is_symlink():
            if link.is_dir():
                shutil.rmtree(link)
            _swap_symlink(out, name, Path(CURRENT) / name)
    _swap_symlink(out, CURRENT, Path(BUILDS) / gen.name)
    for old in (out / BUILDS).iterdir():
        if old.resolve() not in (gen.resolve(), previous):
            shutil.rmtree(old, ignore_errors=True)


def _swap_symlink(out: Path, name: str, target: Path) -> None:
    tmp = out / f".{name}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(target)
    os.replace(tmp, out / name)


def discard(gen: Path) -> None:
    """Delete a staging generation that will not be committed."""
    shutil.rmtree(gen, ignore_errors=True)


def write_tables(frames: dict[str, pd.DataFrame], out: Path) -> None:
    """Write whole tables as a new generation and swap it in atomically.

    Rows go to the part of their source file's bucket, as a build puts them (rows of an article
    missing from `articles` go to bucket 0). Tables missing from `frames` are written empty;
    rollups are computed. The next `civic build` rebuilds everything, since this generation
    carries no record of source files.
    """
    from civic.rollups import build_rollups

    articles = frames.get("articles", frame("articles", []))
    bucket_of_article = dict(zip(articles["article_id"], articles["source"].map(bucket_of), strict=True))
    gen = new_generation(out)
    try:
        for name, df in frames.items():
            df = df.astype(TABLES[name].dtypes)[schema(name).names]
            buckets = (df["source"].map(bucket_of) if "source" in df.columns
                       else df["article_id"].map(bucket_of_article).fillna(0).astype(int))
            for bucket, rows in df.groupby(buckets.to_numpy(), sort=True):
                table = pa.Table.from_pandas(rows, schema=schema(name), preserve_index=False)
                write_part(gen, name, int(bucket), sort_part(name, table))
        finish(gen)
        build_rollups(gen)
        commit(out, gen)
    except BaseException:
        discard(gen)
        raise


def table_path(name: str, out: Path) -> Path:
    """Where the Parquet of table `name` lives: a folder of parts (or one file, older layout)."""
    return out / f"{name}.parquet"


def _scan(path: Path) -> str:
    target = (path / "*.parquet") if path.is_dir() else path
    return "read_parquet('" + target.as_posix().replace("'", "''") + "')"


def read_table(name: str, out: Path) -> pd.DataFrame:
    """Table `name` from `out`, with the contract's dtypes."""
    if name not in TABLES:
        raise KeyError(f"unknown table {name!r}; tables are: {', '.join(TABLES)}")
    return pd.read_parquet(table_path(name, out)).astype(TABLES[name].dtypes)


def connect(out: Path):
    """An in-memory DuckDB connection with one view per built table, named as in TABLES,
    one table macro `<name>_part(file)` per table for the rows of one part file (`part_file`),
    which reads that file only, and one view `rollup_<name>` per rollup in civic.rollups.ROLLUPS.

    Pages and query functions read through this; how tables are laid out on disk is this
    module's business. Views resolve `out/current` at query time, so a connection held open
    across builds sees each new build as soon as it is committed.

    Parquet footers are cached, so a query does not parse again the footers of the part files it
    opens (a 200-row article list at 1M articles: 23 -> 15 ms on an idle machine, no difference
    measured on a loaded one); DuckDB checks each file before using its cached footer, so a file
    replaced under the same path is read anew (tests/test_connect.py).
    """
    import duckdb

    from civic.rollups import ROLLUPS

    con = duckdb.connect()
    con.execute("SET parquet_metadata_cache = true")
    for name in TABLES:
        path = table_path(name, out)
        if path.exists():
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM {_scan(path)}")
            # DuckDB skips the files whose name fails a filter on the virtual `filename` column
            con.execute(f"CREATE MACRO {name}_part(file) AS TABLE SELECT * FROM {_scan(path)} "
                        "WHERE parse_filename(filename) = file")
    for name in ROLLUPS:
        path = out / "rollups" / f"{name}.parquet"
        if path.exists():
            con.execute(f"CREATE VIEW rollup_{name} AS SELECT * FROM {_scan(path)}")
    return con


def row_counts(out: Path) -> dict[str, int]:
    """Rows of every built table and rollup (views of `connect`), read from Parquet metadata."""
    con = connect(out)
    try:
        views = [row[0] for row in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal "
                                               "ORDER BY view_name LIKE 'rollup_%', view_name").fetchall()]
        return {name: con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] for name in views}
    finally:
        con.close()


EXPORT_BATCH_ROWS = 65_536


def export_csv(name: str, out: Path, path: Path) -> int:
    """Write table `name` of the build in `out` as one CSV file; returns its rows.

    Format: UTF-8 with BOM (Excel opens Chinese correctly), a header row of the contract's
    column names, CRLF rows, strings quoted, missing values empty, booleans `true`/`false`.
    Text cells a spreadsheet would run as a formula get a leading `'` (civic.exports.neutralise).
    Streams record batches of EXPORT_BATCH_ROWS rows part by part, so memory stays bounded at
    any table size; the file is written under a temporary name and renamed, so it is never
    seen half-written.

    Example: export_csv("articles", Path("data/processed"), Path("data/processed/csv/articles.csv"))
    """
    import pyarrow.csv as pacsv

    if name not in TABLES:
        raise KeyError(f"unknown table {name!r}; tables are: {', '.join(TABLES)}")
    folder = table_path(name, current(out) or out)  # one generation throughout, even if a build commits
    parts = sorted(folder.glob("*.parquet")) if folder.is_dir() else [folder]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    rows = 0
    try:
        with open(partial, "wb") as sink:
            sink.write("\ufeff".encode())
            writer = pacsv.CSVWriter(sink, schema(name), write_options=pacsv.WriteOptions(quoting_style="needed",
                                                                                       eol="\r\n"))
            for part in parts:
                for batch in pq.ParquetFile(part).iter_batches(batch_size=EXPORT_BATCH_ROWS,
                                                               columns=schema(name).names):
                    writer.write_batch(_neutralised(batch))
                    rows += batch.num_rows
            writer.close()
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return rows


def _neutralised(batch: pa.RecordBatch) -> pa.RecordBatch:
    """`batch` with civic.exports.neutralise applied to the text cells that start like a formula
    (few, so they are found in Arrow and only they pass through Python)."""
    import pyarrow.compute as pc

    from civic.exports import FORMULA_TRIGGERS, neutralise

    columns = []
    for column in batch.columns:
        if pa.types.is_string(column.type):
            risky = pc.fill_null(pc.starts_with(column, FORMULA_TRIGGERS[0]), False)
            for trigger in FORMULA_TRIGGERS[1:]:
                risky = pc.or_(risky, pc.fill_null(pc.starts_with(column, trigger), False))
            if pc.any(risky).as_py():
                fixed = [neutralise(value) for value in column.filter(risky).to_pylist()]
                column = pc.replace_with_mask(column, risky, pa.array(fixed, pa.string()))
        columns.append(column)
    return pa.RecordBatch.from_arrays(columns, schema=batch.schema)
