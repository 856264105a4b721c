"""Incremental builds: which files changed since the last build, and how a new generation is
assembled bucket by bucket from the rows of unchanged files and the rows of the files parsed again.

A build's files are listed with their content hash (size and mtime spare re-hashing); a file
whose hash is the one recorded in the previous generation (`sources.parquet`) is not parsed
again, provided the parsing code is the same (`parser_version`). Rows live in BUCKETS parts per
table (civic.store); a bucket without changed or removed files is hard-linked, the others are
rewritten. The corpus-wide place refinement (civic.corpus) then runs over every article. The output is
identical to a full build (tests/test_incremental.py).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from civic import engine as engine_mod
from civic import store
from civic.corpus import CORPUS_TABLES
from civic.ingest import Source, file_sha256, iter_source_parts, page_metadata, read_source
from civic.schema import TABLES

STREAM_BYTES = 32 * 1024 * 1024  # files larger than this are read and parsed in parts
PART_CHARS = 2_000_000  # characters per part of a big file
TASK_BYTES = 1_000_000  # bytes of text per parse task (several small files, or one part)
BUCKET_TASK_BYTES = 2 * TASK_BYTES  # a bucket with less changed text is parsed and written by one task
_STATUS_RANK = {"ok": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class SourceFile:
    """A file of the corpus as listed: name relative to raw, stat, content hash ("" until read)."""

    name: str
    size: int
    mtime_ns: int
    sha256: str
    bucket: int


@dataclass(frozen=True)
class Item:
    """One unit of parsing: a file of `raw` (read by the worker) or a part of a big one.

    `source` and `meta` (page metadata) are filled when the reader is not the worker: for the
    parts of a big file (`split`), and for Dask, whose workers need not see the raw folder.
    """

    raw: Path
    name: str
    part: int = 0
    source: Source | None = None
    meta: dict | None = None
    split: bool = False  # a part of a big file


# Modules that build and store tables but do not decide their rows: editing them keeps the cache.
_BUILD_MODULES = frozenset({"incremental", "corpus", "engine", "rollups", "lock", "cli"})


def parser_version() -> str:
    """Hash of the code that parses (civic.pipeline and the civic modules it imports, transitively,
    except the build machinery in _BUILD_MODULES) and of every resource file: a change
    invalidates every cached parse (`--full` forces one after any other change)."""
    package = Path(__file__).resolve().parent
    modules, todo = set(), ["pipeline"]
    while todo:
        module = todo.pop()
        if module in modules or module in _BUILD_MODULES or not (package / f"{module}.py").exists():
            continue
        modules.add(module)
        todo += _civic_imports((package / f"{module}.py").read_text(encoding="utf-8"))
    files = [package / f"{m}.py" for m in sorted(modules)] + sorted(
        p for p in (package / "resources").rglob("*") if p.is_file())
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


ROLLUP_VERSION_FILE = "rollups.version"  # in a generation: the rollup_version() its rollups were made with


def rollup_version() -> str:
    """Hash of civic/rollups.py: rollups made by other code are recomputed by the next build,
    even when no source file changed (their layout is what the queries read)."""
    return hashlib.sha256((Path(__file__).resolve().parent / "rollups.py").read_bytes()).hexdigest()[:16]


def rollups_current(generation: Path) -> bool:
    """True when `generation`'s rollups were made by this code's `rollup_version`."""
    path = generation / ROLLUP_VERSION_FILE
    return path.exists() and path.read_text(encoding="utf-8").strip() == rollup_version()


def stamp_rollups(generation: Path) -> None:
    """Record that `generation`'s rollups were just made by this code."""
    (generation / ROLLUP_VERSION_FILE).write_text(rollup_version(), encoding="utf-8")


def is_current(generation: Path | None) -> bool:
    """True when `generation` was built by this code: same parser version and rollup version."""
    if generation is None or not rollups_current(generation):
        return False
    path = generation / store.SOURCES
    return path.exists() and _parsed_by(pq.read_table(path, columns=["parser"])["parser"], parser_version())


def _parsed_by(parsers: pa.ChunkedArray, version: str) -> bool:
    """True when every file recorded in a `sources.parquet` (its `parser` column) was parsed by `version`."""
    return not pc.any(pc.not_equal(parsers, version)).as_py()


def _civic_imports(code: str) -> list[str]:
    """Names of the civic modules a module's code imports (`from civic.x import`, `from civic import x`)."""
    import ast

    names = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.ImportFrom) and node.module == "civic":
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("civic."):
            names.append(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            names += [a.name.split(".")[1] for a in node.names if a.name.startswith("civic.")]
    return names


class Known(NamedTuple):
    """A file as the previous build recorded it (a row of `sources.parquet`)."""

    bucket: int
    size: int
    mtime_ns: int
    sha256: str


def scan(raw: Path, known: dict[str, Known]) -> list[SourceFile]:
    """The corpus files, in listing order; content hashes reused when size and mtime match.

    Args:
        raw: the raw folder.
        known: source name -> the previous build's record of it.
    """
    files = []
    for name, stat in _listing(raw):
        old = known.get(name)
        if old is None:
            files.append(SourceFile(name, stat.st_size, stat.st_mtime_ns, "", store.bucket_of(name)))
        elif old.size == stat.st_size and old.mtime_ns == stat.st_mtime_ns:
            files.append(SourceFile(name, stat.st_size, stat.st_mtime_ns, old.sha256, old.bucket))
        else:
            files.append(SourceFile(name, stat.st_size, stat.st_mtime_ns, file_sha256(raw / name), old.bucket))
    return files


@dataclass(frozen=True)
class Plan:
    """What a build has to do, from the corpus as listed and the previous build's record of it."""

    files: list[SourceFile]  # every file of the corpus
    changed: list[SourceFile]  # new or edited files, to parse, sorted by (bucket, name)
    dropped: set[str]  # files whose previous rows go: removed or edited
    affected: set[int]  # buckets to rewrite
    unaffected: set[int]  # buckets of the previous build to keep as they are
    touched: bool  # some file's size or mtime differs from the record (even with the same content)


def plan(raw: Path, known: dict[str, Known]) -> Plan:
    """List the corpus and compare it with `known` (see `known_sources`; empty for a full build)."""
    files = scan(raw, known)
    changed = sorted((f for f in files if f.name not in known or f.sha256 != known[f.name].sha256),
                     key=lambda f: (f.bucket, f.name))
    dropped = set(known).difference(f.name for f in files) | {f.name for f in changed}
    affected = {known[n].bucket for n in dropped if n in known} | {f.bucket for f in changed}
    touched = any((old := known.get(f.name)) is None or (old.size, old.mtime_ns) != (f.size, f.mtime_ns)
                  for f in files)
    unaffected = {k.bucket for k in known.values()} - affected
    return Plan(files, changed, dropped, affected, unaffected, touched)


def _listing(raw: Path) -> Iterator[tuple[str, os.stat_result]]:
    """(name relative to raw, stat) of the files `ingest.list_sources` lists, without pathlib:
    at 100,000 files its Path objects cost seconds (tests/test_incremental.py keeps the two equal)."""
    todo = [("", os.fspath(raw))]
    while todo:
        prefix, folder = todo.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    todo.append((f"{prefix}{entry.name}/", entry.path))
                elif entry.name[-4:].lower() == ".txt" and entry.is_file():
                    yield prefix + entry.name, entry.stat()


def is_parsed(name: str) -> bool:
    """True when table `name` is kept as parsed and rewritten by the corpus-wide step."""
    return name in CORPUS_TABLES


def known_sources(previous: Path, version: str) -> dict[str, Known]:
    """Source name -> its record in the previous generation's `sources.parquet`; empty when
    another parser version built it."""
    path = previous / store.SOURCES
    if not path.exists():
        return {}
    sources = pq.read_table(path)
    if not _parsed_by(sources["parser"], version):
        return {}
    records = map(Known._make, zip(*(sources[c].to_pylist() for c in Known._fields), strict=True))
    return dict(zip(sources["source"].to_pylist(), records, strict=True))


def link_unaffected(previous: Path, gen: Path, buckets: set[int]) -> None:
    """Hard-link every table's part of the buckets that keep their rows (as parsed, for the corpus tables)."""
    for bucket in sorted(buckets):
        for name in TABLES:
            store.link_part(previous, gen, name, bucket, parsed=is_parsed(name))


def _items(raw: Path, file: SourceFile, read: bool) -> Iterator[Item]:
    """The items of one file: the file itself, or its parts when it is big; read here when `read`."""
    if file.size > STREAM_BYTES:
        meta = page_metadata(raw, file.name)
        for part, source in enumerate(iter_source_parts(raw / file.name, raw, max_chars=PART_CHARS)):
            yield Item(raw, file.name, part, source, meta, split=True)
    elif read:
        yield Item(raw, file.name, 0, read_source(raw / file.name, raw), page_metadata(raw, file.name))
    else:
        yield Item(raw, file.name)


@dataclass(frozen=True)
class ParseTask:
    """Parse `items` with `parse` (see pipeline.parse_items) and write their rows as chunk files
    under `chunks` named `<bucket>/<stem>-<table>.parquet`; with `chunks` None (Dask workers need
    not share the file system) the rows come back instead."""

    parse: Callable[[list[Item]], list]
    items: list[Item]
    stem: str
    chunks: Path | None


@dataclass(frozen=True)
class Parsed:
    """What a task says about one item it parsed: where its rows went (`stem`), or the rows themselves."""

    name: str
    part: int
    split: bool
    sha256: str
    stem: str
    tables: dict[str, pa.Table] | None = None


@dataclass(frozen=True)
class BucketTask:
    """Write bucket `bucket` of every table into `gen`: the previous rows of its files that were
    neither dropped nor parsed again, the rows of `items` (parsed right here with `parse`), and
    the chunks of files parsed by earlier tasks (`whole`: chunk stems of whole files; `split`:
    file name -> part -> chunk stem of the parts of big files)."""

    gen: Path
    previous: Path | None
    bucket: int
    dropped: frozenset[str]
    parse: Callable[[list[Item]], list] | None = None
    items: list[Item] = field(default_factory=list)
    whole: tuple[str, ...] = ()
    split: dict[str, dict[int, str]] = field(default_factory=dict)


def run_task(task: ParseTask | BucketTask) -> list[Parsed]:
    """The function every engine runs; returns one Parsed per item parsed (rows only when they
    were not written here)."""
    parsed = _parse(task.parse, task.items, getattr(task, "stem", "")) if task.items else []
    if isinstance(task, BucketTask):
        _write_bucket(task, [p.tables for p in parsed if p.tables is not None])
    elif task.chunks is not None:
        write_chunks(task.chunks, parsed)
    else:  # the rows travel back: a slice of the batch's tables (see parse_items) would pickle the whole batch
        return [replace(p, tables=_owned(p.tables)) for p in parsed]
    return [replace(p, tables=None) for p in parsed]


def _owned(tables: dict[str, pa.Table] | None) -> dict[str, pa.Table] | None:
    """Copies of `tables` holding only their own rows (a slice shares, and pickles, its parent's buffers)."""
    if tables is None:
        return None
    return {name: table.take(pa.array(range(table.num_rows), pa.int64())) for name, table in tables.items()}


def _parse(parse: Callable[[list[Item]], list], items: list[Item], stem: str) -> list[Parsed]:
    return [Parsed(name, part, item.split, sha, f"{stem}-{part}" if item.split else stem, tables)
            for item, (name, part, sha, tables) in zip(items, parse(items), strict=True)]


def write_chunks(chunks: Path, parsed: list[Parsed]) -> None:
    """Write the rows of parsed items as chunk files, one per (bucket, stem, table) with rows."""
    grouped: dict[tuple[int, str], dict[str, list[pa.Table]]] = {}
    for item in parsed:
        tables = grouped.setdefault((store.bucket_of(item.name), item.stem), {})
        for name, table in (item.tables or {}).items():
            tables.setdefault(name, []).append(table)
    for (bucket, stem), tables in grouped.items():
        folder = chunks / f"{bucket:02x}"
        folder.mkdir(parents=True, exist_ok=True)
        for name, pieces in tables.items():
            table = pa.concat_tables(pieces)
            if table.num_rows:
                pq.write_table(table, folder / f"{stem}-{name}.parquet", compression="lz4")


def _read_chunk(chunks: Path, bucket: int, stem: str) -> dict[str, pa.Table]:
    folder = chunks / f"{bucket:02x}"
    return {name: pq.read_table(folder / f"{stem}-{name}.parquet") if (folder / f"{stem}-{name}.parquet").exists()
            else store.schema(name).empty_table() for name in TABLES}


class _Chunked:
    """Bookkeeping of the buckets whose files are parsed by several tasks: items fed and returned
    per bucket, and where their chunks are."""

    def __init__(self, gen: Path, previous: Path | None, dropped: set[str]) -> None:
        self.gen, self.previous, self.dropped = gen, previous, frozenset(dropped)
        self.fed: dict[int, int] = {}
        self.returned: dict[int, int] = {}
        self.whole: dict[int, set[str]] = {}
        self.split: dict[int, dict[str, dict[int, str]]] = {}
        self.open: set[int] = set()  # buckets that may still be fed

    def add(self, item: Parsed) -> None:
        bucket = store.bucket_of(item.name)
        self.returned[bucket] = self.returned.get(bucket, 0) + 1
        if item.split:
            self.split.setdefault(bucket, {}).setdefault(item.name, {})[item.part] = item.stem
        else:
            self.whole.setdefault(bucket, set()).add(item.stem)

    def ready(self) -> list[BucketTask]:
        """Merge tasks of the buckets fed in full whose items have all come back (once each)."""
        done = sorted(b for b in self.fed if b not in self.open and self.returned.get(b, 0) == self.fed[b])
        for bucket in done:
            del self.fed[bucket]
        return [BucketTask(self.gen, self.previous, b, self.dropped, whole=tuple(sorted(self.whole.pop(b, ()))),
                           split=self.split.pop(b, {})) for b in done]


def parse_changed(raw: Path, changed: list[SourceFile], gen: Path, previous: Path | None, dropped: set[str],
                  affected: set[int], *, parse: Callable, initializer: Callable[[], None], progress,
                  engine: str, scheduler: str | None, workers: int) -> dict[str, str]:
    """Parse the changed files with `parse` (a list of Items -> results, see pipeline.parse_items)
    and write every affected bucket; returns the files' content hashes.

    Locally, a bucket with little changed text is one task: its worker parses the files and writes
    the bucket. A bucket with more (or a big file) is parsed by several tasks that write their
    rows as chunk files, then merged by one more task once they are all back; this process only
    schedules. On Dask the rows come back here, where the chunks are written and buckets merged.
    """
    local = engine == "local"
    chunked = _Chunked(gen, previous, dropped)
    by_bucket: dict[int, list[SourceFile]] = {}
    for file in changed:
        by_bucket.setdefault(file.bucket, []).append(file)
    hashes: dict[str, str] = {}
    started: set[str] = set()
    numbers = itertools.count()

    def batches(files: list[SourceFile], read: bool) -> Iterator[ParseTask]:
        """Parse tasks of TASK_BYTES of text over `files` (sorted by bucket), counted as fed to their buckets."""
        batch, size = [], 0
        for index, file in enumerate(files):
            chunked.open.add(file.bucket)
            for item in _items(raw, file, read):
                chunked.fed[file.bucket] = chunked.fed.get(file.bucket, 0) + 1
                batch.append(item)
                size += len(item.source.text) * 2 if item.source else file.size
                if size >= TASK_BYTES:
                    yield ParseTask(parse, batch, f"t{next(numbers):06d}", gen / "chunks" if local else None)
                    batch, size = [], 0
            if index + 1 == len(files) or files[index + 1].bucket != file.bucket:
                chunked.open.discard(file.bucket)
        if batch:
            yield ParseTask(parse, batch, f"t{next(numbers):06d}", gen / "chunks" if local else None)

    def local_tasks() -> Iterator[ParseTask | BucketTask | object]:
        for bucket in sorted(affected):
            files = by_bucket.get(bucket, [])
            if sum(f.size for f in files) <= BUCKET_TASK_BYTES and all(f.size <= STREAM_BYTES for f in files):
                yield BucketTask(gen, previous, bucket, frozenset(dropped), parse, [Item(raw, f.name) for f in files])
            else:
                yield from batches(files, read=False)
            yield from chunked.ready()
        while chunked.fed:
            yield from chunked.ready() or [engine_mod.WAIT]

    def record(result: list[Parsed]) -> None:
        for item in result:
            if not local or store.bucket_of(item.name) in chunked.fed:
                chunked.add(item)
            hashes[item.name] = item.sha256
            started.add(item.name)
            if progress:
                progress(len(started), len(changed), f"{item.name} (part {item.part + 1})" if item.part else item.name)

    if local:
        workers = min(workers, 1 + sum(f.size for f in changed) // (2 * TASK_BYTES))  # processes pay off for MBs
        for result in engine_mod.run(run_task, local_tasks(), workers=workers,
                                     initializer=initializer if changed else None):  # removals parse nothing
            record(result)
    else:
        merged: set[int] = set()
        for result in engine_mod.run(run_task, batches(changed, read=True), engine=engine, workers=workers,
                                     scheduler=scheduler):
            write_chunks(gen / "chunks", result)
            record(result)
            for task in chunked.ready():
                _write_bucket(task, [])
                merged.add(task.bucket)
        for bucket in sorted(affected - merged):  # buckets that only lost files
            _write_bucket(BucketTask(gen, previous, bucket, frozenset(dropped)), [])
    shutil.rmtree(gen / "chunks", ignore_errors=True)
    return hashes


def _join_parts(parts: dict[int, dict[str, pa.Table]]) -> dict[str, pa.Table]:
    """One file's rows from its parts: seq numbered through, one build_report row."""
    tables: dict[str, list[pa.Table]] = {name: [] for name in TABLES}
    reports = []
    seq = 0
    for part in sorted(parts):
        for name, table in parts[part].items():
            if name == "articles" and seq:
                table = table.set_column(table.schema.get_field_index("seq"), "seq", pc.add(table["seq"], seq))
            if name == "build_report":
                reports += table.to_pylist()
            else:
                tables[name].append(table)
        seq += parts[part]["articles"].num_rows
    report = dict(reports[0])
    for other in reports[1:]:
        for key in ("articles", "chars_in", "chars_in_articles"):
            report[key] += other[key]
        if _STATUS_RANK[other["status"]] > _STATUS_RANK[report["status"]]:
            report["status"] = other["status"]
        report["message"] = "; ".join(m for m in dict.fromkeys((report["message"], other["message"])) if m)
    joined = {name: pa.concat_tables(parts_) for name, parts_ in tables.items() if name != "build_report"}
    joined["build_report"] = store.arrow("build_report", [report])
    return joined


def _write_bucket(task: BucketTask, fresh: list[dict[str, pa.Table]]) -> None:
    """Write one bucket: the previous rows of unchanged files, the rows just parsed (`fresh`, one
    table dict per file) and the rows in the task's chunks."""
    chunks = task.gen / "chunks"
    files = fresh + [_read_chunk(chunks, task.bucket, stem) for stem in task.whole]
    files += [_join_parts({part: _read_chunk(chunks, task.bucket, stem) for part, stem in parts.items()})
              for _, parts in sorted(task.split.items())]
    previous = task.previous
    old_articles = store.read_part(previous, "articles", task.bucket, parsed=True) if previous else None
    dropped = pa.array(sorted(task.dropped), pa.string())
    drop_ids = pa.array([], pa.string())
    if old_articles is not None:
        drop_ids = old_articles.filter(pc.is_in(old_articles["source"], dropped))["article_id"]
    for name in TABLES:
        pieces = [rows[name] for rows in files]
        old = store.read_part(previous, name, task.bucket, parsed=is_parsed(name)) if previous else None
        if old is not None:
            key, values = ("source", dropped) if "source" in old.column_names else ("article_id", drop_ids)
            pieces.insert(0, old.filter(pc.invert(pc.is_in(old[key], values))))
        table = store.sort_part(name, pa.concat_tables(pieces) if pieces else store.schema(name).empty_table())
        if table.num_rows:
            store.write_part(task.gen, name, task.bucket, table, parsed=is_parsed(name))


def write_sources(gen: Path, files: list[SourceFile], hashes: dict[str, str], version: str) -> None:
    """Record the build's files with their bucket, stat and content hash in `gen/sources.parquet`."""
    table = pa.table({
        "source": pa.array([f.name for f in files], pa.string()),
        "bucket": pa.array([f.bucket for f in files], pa.int32()),
        "size": pa.array([f.size for f in files], pa.int64()),
        "mtime_ns": pa.array([f.mtime_ns for f in files], pa.int64()),
        "sha256": pa.array([hashes.get(f.name, f.sha256) for f in files], pa.string()),
        "parser": pa.array([version] * len(files), pa.string()),
    })
    pq.write_table(table, gen / store.SOURCES)
