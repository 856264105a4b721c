"""Time and peak memory of `civic.rollups.build_rollups` on a built corpus: fresh, and after one bucket changes.

The tables of the corpus' current generation are hard-linked into a scratch generation (the
corpus itself is not touched); the rollups are computed there from nothing, then once more in a
second scratch generation where one bucket's table parts are rewritten without the rows of one
source file, as after removing a page (adding one is the same change the other way).

    .venv/bin/python bench/rollups.py --out /tmp/civic-bench/out-1k --scratch /tmp/civic-bench/E-rollups
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyarrow.compute as pc  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from civic import store  # noqa: E402
from civic.rollups import build_rollups  # noqa: E402


def linked_tables(source: Path, gen: Path, changed: str | None = None) -> None:
    """Hard-link every table part of generation `source` into `gen`; parts named `changed` are
    rewritten without the rows of the articles of their first source file."""
    shutil.rmtree(gen, ignore_errors=True)
    removed = None
    if changed:
        articles = pq.read_table(source / "articles.parquet" / changed, columns=["article_id", "source"])
        first = pc.equal(articles["source"], articles["source"][0])
        removed = articles.filter(first)["article_id"]
    for table in (p for p in source.glob("*.parquet") if p.is_dir()):
        (gen / table.name).mkdir(parents=True)
        for part in table.iterdir():
            if part.name != changed:
                os.link(part, gen / table.name / part.name)
                continue
            rows = pq.read_table(part)
            if "article_id" in rows.column_names:
                rows = rows.filter(pc.invert(pc.is_in(rows["article_id"], removed)))
            pq.write_table(rows, gen / table.name / part.name)


def timed(gen: Path, previous: Path | None) -> str:
    """Wall and CPU seconds (user + system, all of DuckDB's threads) of one `build_rollups(gen, previous)`:
    on a shared machine the CPU seconds compare better across runs than the wall ones."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu, started = usage.ru_utime + usage.ru_stime, time.perf_counter()
    build_rollups(gen, previous)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return f"{time.perf_counter() - started:.2f} s ({usage.ru_utime + usage.ru_stime - cpu:.2f} s CPU)"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, required=True, help="a built corpus")
    p.add_argument("--scratch", type=Path, required=True, help="folder for the scratch generations (replaced)")
    p.add_argument("--only-change", action="store_true", help="time the one-bucket change only "
                   "(the fresh rollups of the first scratch generation are kept from an earlier run)")
    args = p.parse_args(argv)
    source = store.current(args.out)
    fresh, changed = args.scratch / "fresh", args.scratch / "changed"
    if not args.only_change:
        linked_tables(source, fresh)
        print(f"fresh: {timed(fresh, None)}")
    bucket = sorted(p.name for p in (source / "articles.parquet").glob("part-*.parquet"))[0]
    linked_tables(source, changed, changed=bucket)
    print(f"one page removed from {bucket}: {timed(changed, fresh)}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
