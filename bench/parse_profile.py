"""Single-process parsing speed and what each step of `civic.pipeline.parse_sources` costs.

Parses the first --pages files of a corpus with one tokenizer (rjieba and the civic user
dictionary, as a build worker does), in batches of --batch files as a build task does (each step
runs over a whole batch; see parse_sources), --repeat times and reports the best pass: MB/s of raw
text (UTF-8 bytes of the decoded files) and CPU seconds per step. CPU time, not wall time, so that
other processes on a shared machine disturb the figures less. Steps are timed by wrapping the
functions `parse_sources` calls; "rows" is what parse_sources does around them (article ids,
row dicts). Loading the gazetteer, the tokenizer and the tagger is done before timing.

    .venv/bin/python bench/parse_profile.py --raw /tmp/civic-bench/raw-1k --pages 300
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from civic import pipeline  # noqa: E402
from civic.ingest import list_sources, page_metadata, read_source  # noqa: E402

STEPS = ("clean", "segment", "publication_date", "extract_date", "locate", "parse_byline", "extract_metrics",
         "classify", "count_terms")


@contextmanager
def timed_steps(costs: dict[str, float]) -> Iterator[None]:
    """Within the block, CPU seconds spent in each of STEPS are added to `costs`."""
    originals = {name: getattr(pipeline, name) for name in STEPS}

    def timer(name: str, step: Callable) -> Callable:
        def run(*args, **kwargs):
            started = time.process_time()
            try:
                return step(*args, **kwargs)
            finally:
                costs[name] += time.process_time() - started
        return run

    for name, step in originals.items():
        setattr(pipeline, name, timer(name, step))
    try:
        yield
    finally:
        for name, step in originals.items():
            setattr(pipeline, name, step)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=ROOT / "data" / "raw")
    parser.add_argument("--pages", type=int, default=300, help="files parsed (the first ones by name)")
    parser.add_argument("--repeat", type=int, default=3, help="passes; the fastest is reported")
    parser.add_argument("--batch", type=int, default=100, help="files per batch (a build task holds ~1 MB of text)")
    args = parser.parse_args()

    pipeline.init_worker()
    tokenizer = pipeline._TOKENIZER
    files = [(read_source(path, args.raw), page_metadata(args.raw, str(path.relative_to(args.raw))))
             for path in list_sources(args.raw)[:args.pages]]
    megabytes = sum(len(source.text.encode("utf-8")) for source, _ in files) / 1e6
    pipeline.parse_sources(files[:20], tokenizer=tokenizer)  # loads the part-of-speech tagger and other lazy tables

    best: tuple[float, dict[str, float]] | None = None
    for _ in range(args.repeat):
        costs: dict[str, float] = defaultdict(float)
        with timed_steps(costs):
            started = time.process_time()
            for start in range(0, len(files), args.batch):
                pipeline.parse_sources(files[start:start + args.batch], tokenizer=tokenizer)
            total = time.process_time() - started
        if best is None or total < best[0]:
            best = (total, dict(costs))
    total, costs = best
    costs["rows"] = total - sum(costs.values())
    print(f"{len(files)} files, {megabytes:.2f} MB: {total:.2f} s CPU, {megabytes / total:.2f} MB/s")
    for name, seconds in sorted(costs.items(), key=lambda item: -item[1]):
        print(f"  {name:18s} {seconds * 1000:7.0f} ms  {100 * seconds / total:5.1f}%")


if __name__ == "__main__":
    main()
