"""Read raw page files: detect the encoding, attach manifest metadata, list the corpus."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Source:
    """One input file, decoded.

    `problem` is None when the file was read as text, else a plain-words reason
    (not text, empty, undecodable) and `text` is empty.
    """

    name: str
    text: str
    encoding: str
    sha256: str
    problem: str | None = None


def read_source(path: Path, root: Path) -> Source:
    """Decode one file (UTF-8 with or without BOM, UTF-16 with BOM, GB18030)."""
    data = path.read_bytes()
    name = path.relative_to(root).as_posix()
    digest = hashlib.sha256(data).hexdigest()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return Source(name, data.decode(encoding), encoding, digest)
        except UnicodeDecodeError:
            continue
    return Source(name, "", "", digest, "not a text file in a supported encoding")


def list_sources(raw: Path) -> list[Path]:
    """Every page file under `raw` (recursively), sorted; hidden files and the README skipped."""
    return sorted(p for p in raw.rglob("*.txt")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(raw).parts))


def page_metadata(raw: Path, name: str) -> dict:
    """`paper_city`, `year`, `page_date` of a file from the manifest and its name."""
    import csv
    import re

    meta: dict = {"paper_city": "", "year": None, "page_date": None}
    manifest = raw / "manifest.csv"
    if manifest.exists():
        with manifest.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                if row.get("file") == name or row.get("file") == Path(name).name:
                    meta["paper_city"] = row.get("paper_city", "") or ""
                    year = (row.get("year") or "").strip()
                    meta["year"] = int(year) if year.isdigit() else None
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", Path(name).name)
    if match:
        meta["page_date"] = match.group(0)
        meta["year"] = meta["year"] or int(match.group(1))
    return meta
