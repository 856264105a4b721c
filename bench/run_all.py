"""Run every speed benchmark in order and print their figures (`make bench`).

    .venv/bin/python bench/run_all.py [--work /tmp/civic-bench] [--quick]

Steps (each is also a script of its own, see bench/README.md):
1. generate 1k and 10k synthetic pages (bench/generate.py);
2. build throughput vs jieba.lcut at 1k and 10k pages (bench/throughput.py);
3. seed corpora of 100k pages, 100k articles and 1M articles from the real 1k build (bench/seed.py);
4. rebuild after adding one page to the 100k-page corpus (bench/incremental.py);
5. query functions and AppTest reruns at 100k and 1M articles (bench/queries.py).
--quick stops after the 1k steps. Needs about 15 GB of disk and 40 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"


def step(title: str, script: str, *args: object) -> None:
    print(f"\n## {title}\n", flush=True)
    subprocess.run([sys.executable, str(BENCH / script), *map(str, args)], cwd=ROOT, check=True)


def articles_in(out: Path) -> int:
    sys.path.insert(0, str(ROOT))
    from civic import store

    return store.row_counts(out)["articles"]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work", type=Path, default=Path("/tmp/civic-bench"), help="scratch folder (created)")
    p.add_argument("--quick", action="store_true", help="only the 1k-page steps")
    args = p.parse_args(argv)
    work = args.work
    for pages, label in ((1000, "1k"), *(() if args.quick else ((10000, "10k"),))):
        raw = work / f"raw-{label}"
        if not raw.exists():
            step(f"generate {label} pages", "generate.py", "--pages", pages, "--out", raw)
        step(f"throughput at {label} pages", "throughput.py", "--raw", raw,
             *(("--out", work / "out-1k") if label == "1k" else ()))
    if args.quick:
        return 0
    per_copy = articles_in(work / "out-1k")
    seeds = {"100k-pages": 100, "100k-articles": math.ceil(100_000 / per_copy),
             "1m-articles": math.ceil(1_000_000 / per_copy)}
    for name, copies in seeds.items():
        step(f"seed {name} ({copies} copies of the 1k build)", "seed.py", "--built", work / "out-1k",
             "--raw", work / "raw-1k", "--copies", copies, "--out-raw", work / f"raw-{name}",
             "--out", work / f"out-{name}")
    step("rebuild after adding one page to 100k pages", "incremental.py", "--raw", work / "raw-100k-pages",
         "--out", work / "out-100k-pages")
    for name in ("100k-articles", "1m-articles"):
        step(f"queries and pages at {name}", "queries.py", "--out", work / f"out-{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
