"""Every path and limit civic uses, computed from this file and overridable by environment.

Tests point civic at fixtures by setting the environment variables below before calling
the functions (they are read on every call, never cached at import time).

| variable               | default                    | meaning                                   |
| ---------------------- | -------------------------- | ----------------------------------------- |
| CIVIC_RAW              | <repo>/data/raw            | folder of page text files (read-only)     |
| CIVIC_PROCESSED        | <repo>/data/processed      | built tables (disposable)                 |
| CIVIC_FONT             | (search)                   | a .ttf/.otf/.ttc with Chinese glyphs      |
| CIVIC_UPLOAD_MAX_MB    | 20                         | largest single uploaded file, MiB         |
| CIVIC_UPLOAD_TOTAL_MB  | 200                        | largest upload batch, MiB                 |
| CIVIC_WORKERS          | number of cores            | parser processes for a local build        |
| CIVIC_CACHE            | ~/.cache/civic             | derived resources (disposable, see cached)|
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES_DIR = PACKAGE_DIR / "resources"


def _path(variable: str, default: Path) -> Path:
    value = os.environ.get(variable)
    return Path(value).expanduser().resolve() if value else default


def raw_dir() -> Path:
    """Folder of raw page text files; civic never writes here except `uploads/`."""
    return _path("CIVIC_RAW", ROOT / "data" / "raw")


def processed_dir() -> Path:
    """Folder of built tables, rebuilt from `raw_dir()` by the pipeline."""
    return _path("CIVIC_PROCESSED", ROOT / "data" / "processed")


def uploads_dir() -> Path:
    """Where the 数据 page stores uploaded files (inside the raw folder)."""
    return raw_dir() / "uploads"


def font_path() -> Path | None:
    """A font file named by CIVIC_FONT, or None to search the system."""
    value = os.environ.get("CIVIC_FONT")
    return Path(value).expanduser() if value else None


def _int(variable: str, default: int) -> int:
    value = os.environ.get(variable, "")
    return int(value) if value.strip().isdigit() else default


def upload_max_bytes() -> int:
    """Largest single uploaded file, in bytes."""
    return _int("CIVIC_UPLOAD_MAX_MB", 20) * 1024 * 1024


def upload_total_bytes() -> int:
    """Largest total size of one upload batch, in bytes."""
    return _int("CIVIC_UPLOAD_TOTAL_MB", 200) * 1024 * 1024


def workers() -> int:
    """Parser processes for a local build (at least 1)."""
    return max(1, _int("CIVIC_WORKERS", os.cpu_count() or 1))


def cache_dir() -> Path:
    """Folder of resources derived from files and code (`cached`); safe to delete at any time."""
    home_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return _path("CIVIC_CACHE", home_cache / "civic")


def cached(name: str, inputs: Iterable[bytes], build: Callable[[], bytes], load: Callable[[bytes], T]) -> T:
    """`load(build())`, with `build()`'s bytes kept in `cache_dir()/<name>-<key>.bin` for the next process.

    The key hashes `inputs` (the contents of every file and module the bytes are made from) and
    the Python version (marshal's format may change with it): when one of them changes, the bytes
    are made again and the files of other keys are removed. A file that `load` rejects (raises
    ValueError, EOFError, TypeError or KeyError) is made again; an unwritable folder only costs
    the next process a rebuild.

    Args:
        name: a file-name-safe label for the cached thing (e.g. "gazetteer").
        inputs: byte strings the bytes depend on, in a fixed order.
        build: makes the bytes (and validates its sources: its errors propagate).
        load: turns bytes into the value returned.
    """
    digest = hashlib.sha256(sys.version.encode())
    for part in inputs:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    folder = cache_dir()
    path = folder / f"{name}-{digest.hexdigest()[:24]}.bin"
    try:
        return load(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError, KeyError):
        pass
    data = build()
    value = load(data)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{path.name}.{os.getpid()}"
        partial.write_bytes(data)
        partial.replace(path)  # atomic: a reader sees the whole file or none
        for old in folder.glob(f"{name}-*.bin"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass
    return value
