"""`python -m civic ...`: each command a few lines over library calls.

Commands:
    build   parse raw pages into tables   `python -m civic build --raw data/raw --out data/processed`
    info    print what is built           `python -m civic info`
    export  write tables as CSV files     `python -m civic export --tables articles,metrics`
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from civic import config

COMMANDS = ("build", "info", "export")


class ProgressBar:
    """A one-line progress bar on stderr: files done, files to do, rate and the current file."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self, done: int, total: int, name: str) -> None:
        width = 30
        filled = width * done // max(total, 1)
        rate = done / max(time.monotonic() - self.started, 1e-9)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
                         f"{rate:5.1f} files/s {name[:40]:<40}")
        if done == total and "(part" not in name:
            sys.stderr.write("\n")
        sys.stderr.flush()


def cmd_build(args: argparse.Namespace) -> int:
    """Parse the pages under --raw that changed since the last build into tables under --out.

    Waits while another build (another CLI or the app) is running into the same --out.

    Example: python -m civic build --raw data/raw --out data/processed --workers 4
    Example: python -m civic build --engine dask --scheduler tcp://10.0.0.5:8786
    """
    from civic.ingest import manifest_problems
    from civic.lock import build_lock, running_build
    from civic.pipeline import build

    raw = Path(args.raw) if args.raw else config.raw_dir()
    out = Path(args.out) if args.out else config.processed_dir()
    if not raw.is_dir():
        print(f"civic build: raw folder not found: {raw}", file=sys.stderr)
        return 2
    if args.scheduler and args.engine != "dask":
        print("civic build: --scheduler needs --engine dask", file=sys.stderr)
        return 2
    if holder := running_build(out):
        print(f"civic build: waiting for the build running into {out} ({holder})", file=sys.stderr)
    with build_lock(out), _rare_collections():
        started = time.monotonic()
        report = build(raw, out, progress=ProgressBar(), full=args.full, engine=args.engine,
                       scheduler=args.scheduler, workers=args.workers)
    counts = report["status"].value_counts()
    print(f"built {out}: {len(report)} files, {int(report['articles'].sum())} articles in "
          f"{time.monotonic() - started:.1f} s; ok {counts.get('ok', 0)}, warning {counts.get('warning', 0)}, "
          f"error {counts.get('error', 0)}")
    for row in report[report["status"] != "ok"].itertuples():
        named = row.message if row.message.startswith(row.source) else f"{row.source}: {row.message}"
        print(f"  {row.status}: {named}", file=sys.stderr)
    for problem in manifest_problems(raw):
        print(f"  warning: {problem}", file=sys.stderr)
    return 1 if counts.get("error", 0) else 0


@contextmanager
def _rare_collections() -> Iterator[None]:
    """Fewer garbage-collector passes for the body: what is loaded so far is frozen (never scanned
    again) and a pass starts after 50,000 new objects instead of 700. A build makes a few hundred
    thousand small objects that live until it ends (the corpus listing, the previous build's
    record): at 100k pages the default passes over them cost ~0.5 s of a one-page rebuild."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def cmd_info(args: argparse.Namespace) -> int:
    """Print the current build, its tables and rollups with their row counts.

    Example: python -m civic info --out data/processed
    """
    from civic import store

    out = Path(args.out) if args.out else config.processed_dir()
    if not (out / "build_report.parquet").exists():
        print(f"nothing built in {out}; run: python -m civic build", file=sys.stderr)
        return 1
    print(f"{out}: build {store.current(out).name if store.current(out) else '(single files)'}")
    for name, rows in store.row_counts(out).items():
        print(f"{name:<30} {rows:>10} rows")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write whole tables of the current build as CSV files (UTF-8 with BOM, formulas neutralised).

    Builds write Parquet only; this makes `<table>.csv` files for spreadsheets and other tools,
    by default in `<out>/csv/`.

    Example: python -m civic export --out data/processed --to ~/civic-csv --tables articles,metrics
    """
    from civic import store
    from civic.schema import TABLES

    out = Path(args.out) if args.out else config.processed_dir()
    names = [n.strip() for n in args.tables.split(",") if n.strip()] if args.tables else list(TABLES)
    if unknown := [n for n in names if n not in TABLES]:
        print(f"civic export: unknown table {', '.join(unknown)}; tables are: {', '.join(TABLES)}", file=sys.stderr)
        return 2
    if not (out / "build_report.parquet").exists():
        print(f"nothing built in {out}; run: python -m civic build", file=sys.stderr)
        return 1
    folder = Path(args.to) if args.to else out / "csv"
    for name in names:
        rows = store.export_csv(name, out, folder / f"{name}.csv")
        print(f"{folder / f'{name}.csv'}  {rows} rows")
    return 0


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}")
    return int(value)


def parser() -> argparse.ArgumentParser:
    from civic.engine import ENGINES

    p = argparse.ArgumentParser(prog="python -m civic", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="parse raw pages into tables")
    b.add_argument("--raw", help="folder of page text files (default data/raw)")
    b.add_argument("--out", help="folder for the tables (default data/processed)")
    b.add_argument("--full", action="store_true", help="parse every file again, not only the changed ones")
    b.add_argument("--engine", choices=ENGINES, default="local",
                   help="local: processes on this machine; dask: a dask.distributed cluster")
    b.add_argument("--scheduler", help="dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a local cluster)")
    b.add_argument("--workers", type=_positive, help="parser processes (default: CIVIC_WORKERS or every core)")
    b.set_defaults(func=cmd_build)
    i = sub.add_parser("info", help="print what is built")
    i.add_argument("--out", help="folder of the tables (default data/processed)")
    i.set_defaults(func=cmd_info)
    e = sub.add_parser("export", help="write tables as CSV files")
    e.add_argument("--out", help="folder of the tables (default data/processed)")
    e.add_argument("--to", help="folder for the CSV files (default: <out>/csv)")
    e.add_argument("--tables", help="comma-separated table names (default: every table)")
    e.set_defaults(func=cmd_export)
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return args.func(args)
