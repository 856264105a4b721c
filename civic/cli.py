"""`python -m civic ...`: each command a few lines over library calls.

Commands:
    build   parse raw pages into tables   `python -m civic build --raw data/raw --out data/processed`
    info    print what is built           `python -m civic info`
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from civic import config

COMMANDS = ("build", "info")


def _progress(done: int, total: int, name: str) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name[:40]:<40}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def cmd_build(args: argparse.Namespace) -> int:
    """Parse every page under --raw into tables under --out.

    Example: python -m civic build --raw data/raw --out data/processed
    """
    from civic.pipeline import build

    raw = Path(args.raw) if args.raw else config.raw_dir()
    out = Path(args.out) if args.out else config.processed_dir()
    if not raw.is_dir():
        print(f"civic build: raw folder not found: {raw}", file=sys.stderr)
        return 2
    report = build(raw, out, progress=_progress)
    counts = report["status"].value_counts()
    print(f"built {out}: {len(report)} files, {int(report['articles'].sum())} articles; "
          f"ok {counts.get('ok', 0)}, warning {counts.get('warning', 0)}, error {counts.get('error', 0)}")
    for row in report[report["status"] != "ok"].itertuples():
        print(f"  {row.status}: {row.source}: {row.message}", file=sys.stderr)
    return 1 if counts.get("error", 0) else 0


def cmd_info(args: argparse.Namespace) -> int:
    """Print the built tables and their row counts.

    Example: python -m civic info
    """
    from civic import store
    from civic.schema import TABLES

    out = Path(args.out) if args.out else config.processed_dir()
    if not (out / "build_report.parquet").exists():
        print(f"nothing built in {out}; run: python -m civic build", file=sys.stderr)
        return 1
    for name in TABLES:
        path = out / f"{name}.parquet"
        rows = len(store.read_table(name, out)) if path.exists() else 0
        print(f"{name:<14} {rows:>9} rows  {path}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m civic", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="parse raw pages into tables")
    b.add_argument("--raw", help="folder of page text files (default data/raw)")
    b.add_argument("--out", help="folder for the tables (default data/processed)")
    b.set_defaults(func=cmd_build)
    i = sub.add_parser("info", help="print what is built")
    i.add_argument("--out", help="folder of the tables (default data/processed)")
    i.set_defaults(func=cmd_info)
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return args.func(args)
