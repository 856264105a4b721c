"""Named tables on disk: Parquet (zstd) plus CSV (UTF-8 with BOM), written atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from civic.schema import TABLES


def frame(name: str, rows: list[dict]) -> pd.DataFrame:
    """Rows of table `name` as a DataFrame with the contract's columns and dtypes."""
    table = TABLES[name]
    df = pd.DataFrame(rows, columns=table.column_names)
    return df.astype(table.dtypes)


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_table(df: pd.DataFrame, name: str, out: Path) -> None:
    """Write `df` as `out/<name>.parquet` and `out/<name>.csv`, each atomically."""
    _atomic_write(out / f"{name}.parquet", lambda p: df.to_parquet(p, compression="zstd", index=False))
    _atomic_write(out / f"{name}.csv", lambda p: df.to_csv(p, index=False, encoding="utf-8-sig"))


def write_tables(frames: dict[str, pd.DataFrame], out: Path) -> None:
    """Write every table; build_report last so its presence marks a complete build."""
    for name, df in sorted(frames.items(), key=lambda kv: kv[0] == "build_report"):
        write_table(df, name, out)


def read_table(name: str, out: Path) -> pd.DataFrame:
    """Table `name` from `out`, with the contract's dtypes."""
    if name not in TABLES:
        raise KeyError(f"unknown table {name!r}; tables are: {', '.join(TABLES)}")
    return pd.read_parquet(out / f"{name}.parquet").astype(TABLES[name].dtypes)


def connect(out: Path):
    """An in-memory DuckDB connection with one view per built table, named as in TABLES.

    Pages and query functions read through this; how tables are laid out on disk is
    this module's business.
    """
    import duckdb

    con = duckdb.connect()
    for name in TABLES:
        path = out / f"{name}.parquet"
        if path.exists():
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path.as_posix()}')")
    return con
