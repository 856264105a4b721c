"""The only place where the parsing steps are wired, in order.

raw file -> Source (ingest) -> CleanText (clean) -> Page of ArticleSpans (segment)
-> per article: date, places, people, metrics, themes, terms -> rows of the output tables.

`build` runs `parse_sources` over batches of files: the changed files only (civic.incremental),
in parallel (civic.engine), then the corpus-wide place refinement and the rollups, into a new
generation of tables swapped in atomically (civic.store).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
from civic.segment import ArticleSpan, segment
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
    """Parse one decoded file into rows of every output table (see `parse_sources`).

    Returns:
        Table name -> list of row dicts (build_report has exactly one row).
    """
    meta = {"paper_city": paper_city, "year": year, "page_date": page_date}
    ((rows, terms),) = parse_sources([(source, meta)], tokenizer=tokenizer)
    rows["terms"] = [{"article_id": a, "term": t, "count": n} for a, t, n in zip(*terms.values(), strict=True)]
    return rows


def parse_sources(pages: Sequence[tuple[Source, dict]], tokenizer: Tokenizer | None = None
                  ) -> list[tuple[Rows, dict[str, list]]]:
    """Parse decoded files into rows of every output table but terms, and the terms as columns.

    Each step runs over every article of the batch before the next one starts: a step's tables
    (tokenizer dictionary, gazetteer, tagger, keyword patterns) then stay in the CPU caches.
    Taken article by article, the steps evicted each other's and parsing took ~30 % longer.

    Args:
        pages: each file with its page metadata: `paper_city` ("" when unknown), `year` (of the
            page, from the manifest or file name) and `page_date` (ISO date when known, for 昨日),
            as from `civic.ingest.page_metadata`.
        tokenizer: the segmenter for terms; a new one when None.

    Returns:
        Per file: table name -> list of row dicts (build_report has exactly one row; terms empty),
        and the terms table as columns (article_id, term, count): ~97 % of all rows, which as
        dicts and back cost the build ~5 % of its parsing.
    """
    results: list[tuple[Rows, dict[str, list]]] = []
    reports, parsed = [], []  # parsed: indexes of the files with text to parse
    term_columns = store.schema("terms").names
    for index, (source, _) in enumerate(pages):
        rows: Rows = {name: [] for name in TABLES}
        report = {"source": source.name, "encoding": source.encoding, "chars_in": len(source.text),
                  "articles": 0, "chars_in_articles": 0, "status": "ok", "message": ""}
        rows["build_report"].append(report)
        results.append((rows, {column: [] for column in term_columns}))
        reports.append(report)
        if source.problem:
            report.update(status="error", message=source.problem)
        elif source.warning or not source.text.strip():
            report.update(status="warning", message=source.warning or f"{source.name}: no text")
        else:
            parsed.append(index)
    if not parsed:
        return results
    tokenizer = tokenizer or Tokenizer()
    cleaned = {index: clean(pages[index][0].text) for index in parsed}
    segmented = {index: segment(cleaned[index].text) for index in parsed}
    articles = [_Article(index, seq, span, pages[index][1]) for index in parsed
                for seq, span in enumerate(segmented[index].articles, start=1)]
    contexts = {index: PlaceContext(page_text=cleaned[index].text, paper_city=pages[index][1]["paper_city"])
                for index in parsed}
    dates = [_date(article) for article in articles]
    places = [locate(a.span.title, a.span.body, contexts[a.page]) for a in articles]
    people = [parse_byline(a.span.byline) for a in articles]
    metrics = [extract_metrics(a.span.body) for a in articles]
    themes = [classify(a.span.title, a.span.body) for a in articles]
    terms = [count_terms(f"{a.span.title}\n{a.span.body}", tokenizer) for a in articles]
    seen: dict[tuple[int, str], int] = {}
    for article, date, located, byline, found, hits, counts in zip(articles, dates, places, people, metrics,
                                                                  themes, terms, strict=True):
        source, span, offsets = pages[article.page][0], article.span, cleaned[article.page].offsets
        rows, columns = results[article.page]
        occurrence = seen.get((article.page, span.title), 0)
        seen[article.page, span.title] = occurrence + 1
        aid = article_id(source.name, span.title, span.body, occurrence)
        year = article.meta["year"]
        rows["articles"].append({
            "article_id": aid, "source": source.name, "seq": article.seq, "title": span.title,
            "text": span.body, "date": date, "year": _year(date, year),
            "month": _month(date, year), "street": located.street,
            "district": located.district, "city": located.city, "province": located.province,
            "is_caption": span.is_caption, "paper_city": article.meta["paper_city"],
            "src_start": offsets[span.start], "src_end": offsets[span.end],
            "themes": ",".join(sorted({hit.theme for hit in hits})),
        })
        rows["places"] += [{"article_id": aid, **vars(p)} for p in located.places]
        rows["people"] += [{"article_id": aid, **vars(p)} for p in byline]
        rows["metrics"] += [{"article_id": aid, **vars(m)} for m in found]
        rows["themes"] += [{"article_id": aid, "theme": hit.theme, "keywords": "|".join(hit.keywords)}
                           for hit in hits]
        words = sorted(counts)
        columns["article_id"] += [aid] * len(words)
        columns["term"] += words
        columns["count"] += [counts[w] for w in words]
    for index in parsed:
        spans, offsets = segmented[index].articles, cleaned[index].offsets
        covered = sum(offsets[span.end] - offsets[span.start] for span in spans)  # in source characters
        reports[index].update(articles=len(spans), chars_in_articles=covered)
        if not spans:
            reports[index].update(status="warning", message="no article found")
    return results


@dataclass(frozen=True)
class _Article:
    """An article on its way through the steps: its file's index in the batch, its number on the page."""

    page: int
    seq: int
    span: ArticleSpan
    meta: dict


def _date(article: _Article) -> str:
    """The article's date: from its body, against the page date, a web article's 发布时间 or the year."""
    published = article.meta["page_date"] or publication_date(article.span.meta) or None
    return extract_date(article.span.body, year=article.meta["year"] or _year(published or "", None),
                        page_date=published)


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
    sources = [item.source or read_source(item.raw / item.name, item.raw) for item in items]
    parsed = parse_sources([(source, item.meta or page_metadata(item.raw, item.name))
                            for source, item in zip(sources, items, strict=True)], tokenizer=_TOKENIZER)
    for source, (rows, _) in zip(sources, parsed, strict=True):
        for article in rows["articles"] if source.offset else ():
            article["src_start"] += source.offset
            article["src_end"] += source.offset
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
