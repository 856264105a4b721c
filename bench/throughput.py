"""Build throughput in MB/s of raw text, side by side with plain single-process `jieba.lcut`.

Both run in the same invocation over the same corpus: first `jieba.lcut` over the decoded text
of every file (after `jieba.initialize()`, so dictionary loading is not counted; on a big corpus
only the first --jieba-mb MB, since its rate does not depend on size), then a full
`python -m civic build --full` in a child process whose peak memory (PSS summed over the
process and its workers, so pages the forked workers share count once; sampled every 0.1 s)
is reported.

    .venv/bin/python bench/throughput.py --raw /tmp/civic-bench/raw-1k --workers 2
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from civic.ingest import list_sources, read_source  # noqa: E402


def jieba_rate(raw: Path, limit_mb: float) -> tuple[float, float]:
    """(MB of raw bytes segmented, seconds) for plain jieba.lcut over the corpus text."""
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    done_bytes, seconds = 0, 0.0
    for path in list_sources(raw):
        text = read_source(path, raw).text
        started = time.perf_counter()
        jieba.lcut(text)
        seconds += time.perf_counter() - started
        done_bytes += path.stat().st_size
        if done_bytes >= limit_mb * 1e6:
            break
    return done_bytes / 1e6, seconds


def tree_pss(pid: int) -> int:
    """Proportional memory of a process and all its descendants, in bytes (Linux /proc): pages
    shared by forked workers are counted once in total, not once per process as RSS would."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += int(rollup.split("\nPss:")[1].split()[0]) * 1024 if "\nPss:" in rollup else 0
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run_measured(command: list[str]) -> tuple[float, int, int]:
    """(seconds, peak memory of the process tree in bytes (PSS), exit code) of a child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while child.poll() is None:
            peak = max(peak, tree_pss(child.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    code = child.wait()
    sampler.join()
    return time.perf_counter() - started, peak, code


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--raw", type=Path, required=True, help="corpus folder (bench/generate.py)")
    p.add_argument("--workers", type=int, default=os.cpu_count(), help="build processes (default: all cores)")
    p.add_argument("--jieba-mb", type=float, default=30.0, help="most MB of text to give jieba.lcut")
    p.add_argument("--out", type=Path, help="output folder (default: a temporary one)")
    p.add_argument("--rounds", type=int, default=1,
                   help="jieba then build, this many times: on a shared machine each round's ratio is one sample")
    args = p.parse_args(argv)
    size = sum(path.stat().st_size for path in list_sources(args.raw)) / 1e6
    print(f"corpus           {len(list_sources(args.raw))} files, {size:.1f} MB ({args.raw})")
    print(f"machine          {os.cpu_count()} cores; build workers {args.workers}")
    ratios, code = [], 0
    for _ in range(args.rounds):
        jieba_mb, jieba_s = jieba_rate(args.raw, args.jieba_mb)
        with tempfile.TemporaryDirectory(prefix="civic-bench-") as tmp:
            out = args.out or Path(tmp) / "out"
            command = [sys.executable, "-m", "civic", "build", "--raw", str(args.raw), "--out", str(out), "--full",
                       "--workers", str(args.workers)]
            build_s, peak, code = run_measured(command)
        jieba_rate_mbs, build_rate = jieba_mb / jieba_s, size / build_s
        ratios.append(build_rate / jieba_rate_mbs)
        print(f"jieba.lcut       {jieba_rate_mbs:6.2f} MB/s  ({jieba_mb:.1f} MB in {jieba_s:.1f} s, 1 process)")
        print(f"civic build      {build_rate:6.2f} MB/s  ({size:.1f} MB in {build_s:.1f} s, exit {code})")
        print(f"ratio            {ratios[-1]:6.2f} x jieba.lcut")
        print(f"peak memory      {peak / 2**20:.0f} MiB (PSS of the build and its workers)", flush=True)
    if args.rounds > 1:
        print(f"ratios           {', '.join(f'{r:.2f}' for r in ratios)} (median {statistics.median(ratios):.2f})")
    return code


if __name__ == "__main__":
    sys.exit(main())
