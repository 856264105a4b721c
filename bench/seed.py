"""Make a big built corpus without parsing it: N renamed copies of a small corpus that was built for real.

The parser's output for a page depends only on its text and its name's date, so `N` copies of
a built corpus under other folder names (`c000/`, `c001/`...) are, table for table, what a full
build of the copied raw folder would give (article ids are re-derived per copy). The raw copies
are hard links, so they cost no disk. Used to measure incremental rebuilds and queries at
100k pages / 1M articles in minutes instead of a full parse.

    .venv/bin/python bench/seed.py --built /tmp/civic-bench/out-1k --raw /tmp/civic-bench/raw-1k \
        --copies 100 --out-raw /tmp/civic-bench/raw-100k --out /tmp/civic-bench/out-100k
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from civic import store  # noqa: E402
from civic.corpus import corpus_step  # noqa: E402
from civic.incremental import is_parsed, parser_version, stamp_rollups  # noqa: E402
from civic.ingest import file_sha256, list_sources  # noqa: E402
from civic.rollups import build_rollups  # noqa: E402
from civic.schema import TABLES  # noqa: E402


def link_raw(raw: Path, copies: int, out_raw: Path) -> list[tuple[str, Path, os.stat_result, str]]:
    """Hard-link every file of `raw` into out_raw/c000 .. c{copies-1}; (name, path, stat, sha256) per copy."""
    files = []
    for path in list_sources(raw):
        sha = file_sha256(path)
        stem = path.relative_to(raw).as_posix()
        for copy in range(copies):
            target = out_raw / f"c{copy:03d}" / stem
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                os.link(path, target)
            files.append((f"c{copy:03d}/{stem}", target, target.stat(), sha))
    return files


def seed(built: Path, raw: Path, copies: int, out_raw: Path, out: Path) -> None:
    """Write the tables of `copies` copies of the corpus built in `built` as a new generation in `out`."""
    import duckdb

    files = link_raw(raw, copies, out_raw)
    con = duckdb.connect()
    con.execute("CREATE TABLE copies AS SELECT range AS copy, printf('c%03d/', range) AS prefix "
                f"FROM range({copies})")
    con.execute("CREATE TABLE buckets (source VARCHAR, bucket INTEGER)")
    con.executemany("INSERT INTO buckets VALUES (?, ?)", [(name, store.bucket_of(name)) for name, *_ in files])
    for name in TABLES:
        con.execute(f"CREATE VIEW src_{name} AS SELECT * FROM read_parquet('{built / f'{name}.parquet'}/*.parquet')")
    con.execute("""CREATE TABLE ids AS SELECT a.article_id AS old_id, c.prefix || a.source AS source,
                   substr(sha1(c.prefix || a.article_id), 1, 16) AS article_id, c.copy
                   FROM src_articles a CROSS JOIN copies c""")
    con.execute("CREATE INDEX ids_old ON ids (old_id)")
    gen = store.new_generation(out)
    for name in TABLES:
        columns = store.schema(name).names
        if "source" in columns:
            select = ", ".join("c.prefix || t.source AS source" if col == "source" else
                               "substr(sha1(c.prefix || t.article_id), 1, 16) AS article_id" if col == "article_id"
                               else f't."{col}"' for col in columns)
            rows = f"SELECT {select} FROM src_{name} t CROSS JOIN copies c"
        else:
            select = ", ".join("i.article_id" if col == "article_id" else f't."{col}"' for col in columns)
            rows = f"SELECT {select}, i.source AS _source FROM src_{name} t JOIN ids i ON i.old_id = t.article_id"
        key = "source" if "source" in columns else "_source"
        con.execute(f"CREATE TEMP TABLE staged AS SELECT r.*, b.bucket FROM ({rows}) r "
                    f"JOIN buckets b ON b.source = r.{key}")
        order = ", ".join(store.SORT_KEYS.get(name, ["article_id"]))
        for (bucket,) in con.execute("SELECT DISTINCT bucket FROM staged ORDER BY 1").fetchall():
            quoted = ", ".join(f'"{col}"' for col in columns)
            table = con.sql(f"SELECT {quoted} FROM staged WHERE bucket = {bucket} "
                            f"ORDER BY {order}").to_arrow_table().cast(store.schema(name))
            store.write_part(gen, name, bucket, table, parsed=is_parsed(name))
        con.execute("DROP TABLE staged")
    corpus_step(gen, None, set())  # as a build would: final place tables and the corpus step's record
    store.finish(gen)
    build_rollups(gen)
    stamp_rollups(gen)
    version = parser_version()
    pq.write_table(pa.Table.from_pylist([
        {"source": name, "bucket": store.bucket_of(name), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
         "sha256": sha, "parser": version} for name, _, stat, sha in files]), gen / store.SOURCES)
    store.commit(out, gen)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--built", type=Path, required=True, help="output folder of a real build of --raw")
    p.add_argument("--raw", type=Path, required=True, help="the raw folder that was built")
    p.add_argument("--copies", type=int, required=True)
    p.add_argument("--out-raw", type=Path, required=True, help="folder for the hard-linked raw copies")
    p.add_argument("--out", type=Path, required=True, help="output folder for the seeded tables")
    args = p.parse_args(argv)
    started = time.perf_counter()
    seed(args.built, args.raw, args.copies, args.out_raw, args.out)
    counts = store.row_counts(args.out)
    print(f"seeded {args.out} in {time.perf_counter() - started:.0f} s: "
          + ", ".join(f"{name} {rows}" for name, rows in counts.items() if not name.startswith("rollup_")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
