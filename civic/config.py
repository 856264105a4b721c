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
"""

from __future__ import annotations

import os
from pathlib import Path

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
