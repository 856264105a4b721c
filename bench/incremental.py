"""Rebuild time after adding one page to a built corpus, removing it, and changing nothing.

Each step runs `python -m civic build` as a user would (interpreter start and imports
included) and also reports the build's own time from its summary line, and the CPU time of the
build process and its workers (steadier than wall time on a shared machine). The parser's
derived resources come from civic's cache (`CIVIC_CACHE`): the first build after the code or
resources change makes them (~2 s more), as any first build does.

    .venv/bin/python bench/incremental.py --raw /tmp/civic-bench/raw-100k --out /tmp/civic-bench/out-100k
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyarrow.parquet as pq  # noqa: E402

from bench.generate import generate  # noqa: E402
from civic.incremental import parser_version  # noqa: E402

ADDED = "bench-added"


def timed_build(raw: Path, out: Path) -> tuple[float, float, float, str]:
    """(wall seconds, seconds the build reports, CPU seconds, summary line) of one CLI build."""
    started, cpu_before = time.perf_counter(), os.times()
    run = subprocess.run([sys.executable, "-m", "civic", "build", "--raw", str(raw), "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True)
    wall, cpu_after = time.perf_counter() - started, os.times()
    cpu = sum(after - before for after, before in zip(cpu_after[2:4], cpu_before[2:4], strict=True))  # children's
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr.strip()[-300:]
    reported = re.search(r"in ([\d.]+) s", summary)
    return wall, float(reported.group(1)) if reported else float("nan"), cpu, summary


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--raw", type=Path, required=True, help="raw folder already built into --out")
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args(argv)
    built = pq.read_table(args.out / "current" / "sources.parquet", columns=["parser"])["parser"].unique().to_pylist()
    if built != [parser_version()]:
        print(f"{args.out} was built by another parser version ({built}): a build would parse everything; "
              "re-seed it (bench/seed.py) first", file=sys.stderr)
        return 1
    added = args.raw / ADDED
    shutil.rmtree(added, ignore_errors=True)
    steps = []
    with tempfile.TemporaryDirectory() as tmp:
        generate(2, Path(tmp), seed=int(time.time()))
        pages = sorted(Path(tmp).glob("*.txt"))
        added.mkdir()
        for label, change in (("add a page (first rebuild after a full build)", lambda: shutil.copy(pages[0], added)),
                              ("add another page", lambda: shutil.copy(pages[1], added)),
                              ("remove both pages", lambda: shutil.rmtree(added)),
                              ("no change", lambda: None)):
            change()
            steps.append((label, *timed_build(args.raw, args.out)))
    for label, wall, reported, cpu, summary in steps:
        print(f"{label:<48} {wall:6.2f} s wall ({reported:.2f} s in build, {cpu:.2f} s CPU)  | {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
