"""Named tables on disk: Parquet (zstd) and CSV (UTF-8 with BOM), swapped in atomically.

Layout of an output folder `out/` (readers should go through `connect` or `read_table`):

    out/current              -> .builds/<id>              symlink, replaced atomically by each build
    out/<table>.parquet      -> current/<table>.parquet   a folder of part files, one per bucket
    out/<table>.csv          -> current/<table>.csv       one file: BOM, header, the parts' rows
    out/rollups              -> current/rollups           aggregate tables, rollups/<name>.parquet/part-GG.parquet
    out/.builds/<id>/csv/<table>/part-XX.csv             CSV rows of each part (no header)
    out/.builds/<id>/parsed/<table>.parquet/part-XX.parquet   rows as parsed, before corpus-wide steps
    out/.builds/<id>/sources.parquet                     the files of the build and their content hash

A table's rows are split into BUCKETS part files by a hash of the source file name, so a
rebuild rewrites only the parts whose sources changed and hard-links the others. `articles`
parts are sorted by (city, date). A build writes a whole new generation under `.builds/`,
then repoints `current` with one rename: a build killed halfway leaves the previous tables
intact and readable, and readers never see a mix of two builds. The previous generation is
kept for readers still scanning it; older ones are deleted by the next build.
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
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from civic.schema import TABLES

BUCKETS = 64
BUILDS = ".builds"
CURRENT = "current"
SOURCES = "sources.parquet"
_ARROW_TYPES = {"str": pa.string(), "Int64": pa.int64(), "float64": pa.float64(), "boolean": pa.bool_()}
SORT_KEYS: dict[str, list[str]] = {
    "articles": ["city", "date", "source", "seq"],
    "build_report": ["source"],
}


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


def new_generation(out: Path) -> Path:
    """A fresh, empty staging folder for a build under out/.builds/."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    gen = out / BUILDS / f"{stamp}-{time.monotonic_ns() % 10**9:09d}-{os.getpid()}"
    gen.mkdir(parents=True)
    return gen


def write_part(gen: Path, name: str, bucket: int, table: pa.Table, *, parsed: bool = False) -> None:
    """Write one bucket of table `name` into generation `gen` (Parquet, plus CSV rows unless `parsed`)."""
    folder = gen / ("parsed" if parsed else "") / f"{name}.parquet"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, folder / f"{part_name(bucket)}.parquet", compression="zstd", row_group_size=65536)
    if not parsed:
        csv_dir = gen / "csv" / name
        csv_dir.mkdir(parents=True, exist_ok=True)
        options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
        pacsv.write_csv(table, csv_dir / f"{part_name(bucket)}.csv", write_options=options)


def link_part(previous: Path, gen: Path, name: str, bucket: int, *, parsed: bool = False) -> bool:
    """Hard-link an unchanged part from the previous generation; False when it had none."""
    sub = Path("parsed") if parsed else Path()
    files = [sub / f"{name}.parquet" / f"{part_name(bucket)}.parquet"]
    if not parsed:
        files.append(Path("csv") / name / f"{part_name(bucket)}.csv")
    if not (previous / files[0]).exists():
        return False
    for rel in files:
        (gen / rel).parent.mkdir(parents=True, exist_ok=True)
        os.link(previous / rel, gen / rel)
    return True


def read_part(gen: Path, name: str, bucket: int, *, parsed: bool = False) -> pa.Table | None:
    """One bucket of table `name` in generation `gen`, or None when absent."""
    path = gen / ("parsed" if parsed else "") / f"{name}.parquet" / f"{part_name(bucket)}.parquet"
    return pq.read_table(path) if path.exists() else None


def finish(gen: Path, names: Iterable[str] = TABLES) -> None:
    """Give every table a part (an empty one when it has no rows) and its whole-table CSV."""
    for name in names:
        folder = gen / f"{name}.parquet"
        folder.mkdir(parents=True, exist_ok=True)
        parts = sorted(folder.glob("part-*.parquet"))
        if not parts:
            pq.write_table(schema(name).empty_table(), folder / "part-empty.parquet", compression="zstd")
        header = ",".join(f'"{c}"' for c in schema(name).names)
        with open(gen / f"{name}.csv", "wb") as csv:
            csv.write(f"\ufeff{header}\n".encode())
            csv.flush()
            for fragment in sorted((gen / "csv" / name).glob("part-*.csv")):
                _append(fragment, csv.fileno())


def _append(path: Path, fd: int) -> None:
    """Append a file's bytes to an open file, copied inside the kernel (no trip through Python)."""
    with open(path, "rb") as source:
        left = os.fstat(source.fileno()).st_size
        while left > 0:
            copied = os.copy_file_range(source.fileno(), fd, left)
            if copied == 0:
                break
            left -= copied


def commit(out: Path, gen: Path) -> None:
    """Make `gen` the current generation in one atomic rename, then drop stale generations."""
    names = [f"{n}.parquet" for n in TABLES] + [f"{n}.csv" for n in TABLES] + ["rollups"]
    previous = current(out)
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
    """Write whole tables as a new generation (one part each) and swap it in atomically.

    Tables missing from `frames` are written empty; rollups are computed. The next `civic build`
    rebuilds everything, since this generation carries no record of source files.
    """
    from civic.rollups import build_rollups

    gen = new_generation(out)
    try:
        for name, df in frames.items():
            table = pa.Table.from_pandas(df.astype(TABLES[name].dtypes)[schema(name).names],
                                         schema=schema(name), preserve_index=False)
            write_part(gen, name, 0, sort_part(name, table))
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
    and one view `rollup_<name>` per rollup in civic.rollups.ROLLUPS.

    Pages and query functions read through this; how tables are laid out on disk is this
    module's business. Views resolve `out/current` at query time, so a connection held open
    across builds sees each new build as soon as it is committed.
    """
    import duckdb

    from civic.rollups import ROLLUPS

    con = duckdb.connect()
    for name in TABLES:
        path = table_path(name, out)
        if path.exists():
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM {_scan(path)}")
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
