"""The only place where the parsing steps are wired, in order.

raw file -> Source (ingest) -> CleanText (clean) -> Page of ArticleSpans (segment)
-> per article: people, date, places, metrics, themes, terms -> rows of the output tables.

`build` runs `parse_source` over a corpus: the changed files only (civic.incremental), in
parallel (civic.engine), then the corpus-wide place refinement and the rollups, into a new
generation of tables swapped in atomically (civic.store).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from itertools import chain
from pathlib import Path

import pandas as pd
import pyarrow as pa

from civic import config, corpus, incremental, store
from civic.clean import clean, two_character_words
from civic.dates import extract_date, publication_date
from civic.gazetteer import matcher
from civic.incremental import Item
from civic.ingest import Source, page_metadata, read_source
from civic.metric_what import pos_tokens
from civic.metrics import extract_metrics
from civic.people import parse_byline
from civic.places import PlaceContext, locate
from civic.rollups import build_rollups
from civic.schema import TABLES
from civic.segment import segment
from civic.terms import Tokenizer, count_terms
from civic.themes import classify
from civic.tokenizer import make_tokenizer

Rows = dict[str, list[dict]]


def article_id(source: str, title: str, body: str, occurrence: int) -> str:
    """Stable id from the file name, headline and start of the body."""
    key = f"{source}\x1f{title}\x1f{body[:80]}\x1f{occurrence}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def parse_source(source: Source, *, paper_city: str = "", year: int | None = None,
                 page_date: str | None = None, tokenizer: Tokenizer | None = None) -> Rows:
    """Parse one decoded file into rows of every output table (see `_parse_page`).

    Returns:
        Table name -> list of row dicts (build_report has exactly one row).
    """
    rows, terms = _parse_page(source, paper_city=paper_city, year=year, page_date=page_date, tokenizer=tokenizer)
    rows["terms"] = [{"article_id": a, "term": t, "count": n} for a, t, n in zip(*terms.values(), strict=True)]
    return rows


def _parse_page(source: Source, *, paper_city: str = "", year: int | None = None,
                page_date: str | None = None, tokenizer: Tokenizer | None = None
                ) -> tuple[Rows, dict[str, list]]:
    """Parse one decoded file into rows of every output table but terms, and the terms as columns.

    Args:
        source: the decoded file.
        paper_city: city of the paper from the manifest ("" when unknown).
        year: year of the page from the manifest or file name.
        page_date: ISO date of the page when known (for 昨日).
        tokenizer: the segmenter for terms; a new one when None.

    Returns:
        Table name -> list of row dicts (build_report has exactly one row; terms empty), and the
        terms table as columns (article_id, term, count): ~97 % of all rows, which as dicts and
        back cost the build ~5 % of its parsing.
    """
    rows: Rows = {name: [] for name in TABLES}
    terms: dict[str, list] = {"article_id": [], "term": [], "count": []}
    report = {"source": source.name, "encoding": source.encoding, "chars_in": len(source.text),
              "articles": 0, "chars_in_articles": 0, "status": "ok", "message": ""}
    rows["build_report"].append(report)
    if source.problem:
        report.update(status="error", message=source.problem)
        return rows, terms
    if source.warning or not source.text.strip():
        report.update(status="warning", message=source.warning or f"{source.name}: no text")
        return rows, terms
    tokenizer = tokenizer or Tokenizer()
    cleaned = clean(source.text)
    page = segment(cleaned.text)
    context = PlaceContext(page_text=cleaned.text, paper_city=paper_city)
    seen: dict[str, int] = {}
    covered = 0
    for seq, span in enumerate(page.articles, start=1):
        occurrence = seen.get(span.title, 0)
        seen[span.title] = occurrence + 1
        aid = article_id(source.name, span.title, span.body, occurrence)
        covered += cleaned.offsets[span.end] - cleaned.offsets[span.start]  # in source characters
        published = page_date or publication_date(span.meta) or None  # a web article's 发布时间
        date = extract_date(span.body, year=year or _year(published or "", None), page_date=published)
        located = locate(span.title, span.body, context)
        hits = classify(span.title, span.body)
        rows["articles"].append({
            "article_id": aid, "source": source.name, "seq": seq, "title": span.title,
            "text": span.body, "date": date, "year": _year(date, year),
            "month": _month(date, year), "street": located.street,
            "district": located.district, "city": located.city, "province": located.province,
            "is_caption": span.is_caption, "paper_city": paper_city,
            "src_start": cleaned.offsets[span.start], "src_end": cleaned.offsets[span.end],
            "themes": ",".join(sorted({hit.theme for hit in hits})),
        })
        rows["places"] += [{"article_id": aid, **vars(p)} for p in located.places]
        rows["people"] += [{"article_id": aid, **vars(p)} for p in parse_byline(span.byline)]
        rows["metrics"] += [{"article_id": aid, **vars(m)} for m in extract_metrics(span.body)]
        rows["themes"] += [{"article_id": aid, "theme": hit.theme, "keywords": "|".join(hit.keywords)}
                           for hit in hits]
        counts = count_terms(f"{span.title}\n{span.body}", tokenizer)
        words = sorted(counts)
        terms["article_id"] += [aid] * len(words)
        terms["term"] += words
        terms["count"] += [counts[w] for w in words]
    report.update(articles=len(page.articles), chars_in_articles=covered)
    if not page.articles:
        report.update(status="warning", message="no article found")
    return rows, terms


def _year(date: str, page_year: int | None) -> int | None:
    if date[:4].isdigit():
        return int(date[:4])
    return page_year


def _month(date: str, page_year: int | None) -> str:
    if date[:4].isdigit():
        return date[:7]
    if date.startswith("--") and page_year:
        return f"{page_year}-{date[2:4]}"
    return ""


_TOKENIZER: Tokenizer | None = None


def init_worker() -> None:
    """Set up a parser process: the tokenizer with the civic user dictionary, the gazetteer, the
    part-of-speech tagger of metric_what and clean's word list, loaded once (and inherited by
    workers forked after it, which would otherwise each load what loads lazily: ~0.5 s a worker)."""
    global _TOKENIZER
    _TOKENIZER = make_tokenizer()
    matcher()
    pos_tokens("")  # builds the tagger
    two_character_words()


def parse_items(items: list[Item]) -> list[tuple[str, int, str, dict[str, pa.Table]]]:
    """Parse a batch of items (the task run by every engine).

    The rows of all items are converted to Arrow once per table and cut back into each item's
    rows (zero-copy slices): converting seven small tables per page cost a worker ~5 % of its time.

    Returns:
        (source name, part, sha256, table name -> Arrow rows) per item; offsets into the
        source (`src_start`, `src_end`) already count from the start of the whole file.
    """
    if _TOKENIZER is None:
        init_worker()
    sources, parsed = [], []
    for item in items:
        source = item.source or read_source(item.raw / item.name, item.raw)
        rows, terms = _parse_page(source, tokenizer=_TOKENIZER, **(item.meta or page_metadata(item.raw, item.name)))
        for article in rows["articles"] if source.offset else ():
            article["src_start"] += source.offset
            article["src_end"] += source.offset
        sources.append(source)
        parsed.append((rows, terms))
    whole = {name: store.arrow(name, list(chain.from_iterable(rows[name] for rows, _ in parsed))) for name in TABLES}
    whole["terms"] = pa.table({column: list(chain.from_iterable(terms[column] for _, terms in parsed))
                               for column in store.schema("terms").names}, schema=store.schema("terms"))
    starts = dict.fromkeys(TABLES, 0)
    results = []
    for source, (rows, terms), item in zip(sources, parsed, items, strict=True):
        sizes = {name: len(rows[name]) for name in TABLES} | {"terms": len(terms["term"])}
        tables = {name: whole[name].slice(starts[name], sizes[name]) for name in TABLES}
        starts = {name: starts[name] + sizes[name] for name in TABLES}
        results.append((source.name, item.part, source.sha256, tables))
    return results


def build(raw: Path, out: Path, *, progress: Callable[[int, int, str], None] | None = None,
          full: bool = False, engine: str = "local", scheduler: str | None = None,
          workers: int | None = None) -> pd.DataFrame:
    """Parse the files under `raw` that changed since the last build and write all tables to `out`.

    Unchanged files (same content hash) are not parsed again: their rows are reused from the
    previous build, bucket by bucket; removed files drop out. The result is identical to a
    full build. Rollups made by other rollup code are recomputed even when no file changed.
    The new tables replace the old ones atomically (see civic.store). Callers hold
    `civic.lock.build_lock(out)` around it (the CLI and the app do), so builds never overlap.

    Args:
        raw: folder of page text files.
        out: output folder.
        progress: called as progress(files done, files to parse, file name) after each file
            or part of a big file.
        full: parse every file again.
        engine: "local" (processes on this machine) or "dask".
        scheduler: dask scheduler address; a LocalCluster is started when None.
        workers: local processes (default: civic.config.workers()).

    Returns:
        The build report (one row per input file).
    """
    out.mkdir(parents=True, exist_ok=True)
    version = incremental.parser_version()
    current = store.current(out)
    known = incremental.known_sources(current, version) if current and not full else {}
    previous = current if known else None  # the generation whose rows are reused
    work = incremental.plan(raw, known)
    rollups_current = current is not None and incremental.rollups_current(current)
    if known and not work.affected and not work.touched and rollups_current:
        return store.read_table("build_report", out)
    gen = store.new_generation(out)
    try:
        if previous:
            incremental.link_unaffected(previous, gen, work.unaffected)
        hashes = incremental.parse_changed(raw, work.changed, gen, previous, work.dropped, work.affected,
                                           parse=parse_items, initializer=init_worker, progress=progress,
                                           engine=engine, scheduler=scheduler, workers=workers or config.workers())
        corpus.corpus_step(gen, previous, work.affected)
        store.finish(gen)
        build_rollups(gen, previous if rollups_current else None)
        incremental.stamp_rollups(gen)
        incremental.write_sources(gen, work.files, hashes, version)
        store.commit(out, gen)
    except BaseException:
        store.discard(gen)
        raise
    return store.read_table("build_report", out)
