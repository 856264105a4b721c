"""The only place where the parsing steps are wired, in order.

raw file -> Source (ingest) -> CleanText (clean) -> Page of ArticleSpans (segment)
-> per article: people, date, places, metrics, themes, terms -> rows of the output tables.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from civic import store
from civic.clean import clean
from civic.dates import extract_date
from civic.ingest import Source, read_source
from civic.metrics import extract_metrics
from civic.people import parse_byline
from civic.places import PlaceContext, locate
from civic.schema import TABLES
from civic.segment import segment
from civic.terms import Tokenizer, count_terms
from civic.themes import classify

Rows = dict[str, list[dict]]


def article_id(source: str, title: str, body: str, occurrence: int) -> str:
    """Stable id from the file name, headline and start of the body."""
    key = f"{source}\x1f{title}\x1f{body[:80]}\x1f{occurrence}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def parse_source(source: Source, *, paper_city: str = "", year: int | None = None,
                 page_date: str | None = None, tokenizer: Tokenizer | None = None) -> Rows:
    """Parse one decoded file into rows of every output table.

    Args:
        source: the decoded file.
        paper_city: city of the paper from the manifest ("" when unknown).
        year: year of the page from the manifest or file name.
        page_date: ISO date of the page when known (for 昨日).
        tokenizer: the segmenter for terms; a new one when None.

    Returns:
        Table name -> list of row dicts (build_report has exactly one row).
    """
    rows: Rows = {name: [] for name in TABLES}
    report = {"source": source.name, "encoding": source.encoding, "chars_in": len(source.text),
              "articles": 0, "chars_in_articles": 0, "status": "ok", "message": ""}
    rows["build_report"].append(report)
    if source.problem:
        report.update(status="error", message=source.problem)
        return rows
    if not source.text.strip():
        report.update(status="warning", message="empty file: no text")
        return rows
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
        covered += span.end - span.start
        date = extract_date(span.body, year=year, page_date=page_date)
        located = locate(span.title, span.body, context)
        rows["articles"].append({
            "article_id": aid, "source": source.name, "seq": seq, "title": span.title,
            "text": span.body, "date": date, "year": _year(date, year),
            "month": _month(date, year), "street": located.street,
            "district": located.district, "city": located.city, "province": located.province,
            "is_caption": span.is_caption, "paper_city": paper_city,
            "src_start": cleaned.offsets[span.start], "src_end": cleaned.offsets[span.end],
        })
        rows["places"] += [{"article_id": aid, **vars(p)} for p in located.places]
        rows["people"] += [{"article_id": aid, **vars(p)} for p in parse_byline(span.byline)]
        rows["metrics"] += [{"article_id": aid, **vars(m)} for m in extract_metrics(span.body)]
        rows["themes"] += [{"article_id": aid, "theme": hit.theme, "keywords": "|".join(hit.keywords)}
                           for hit in classify(span.title, span.body)]
        counts = count_terms(f"{span.title}\n{span.body}", tokenizer)
        rows["terms"] += [{"article_id": aid, "term": t, "count": n} for t, n in sorted(counts.items())]
    report.update(articles=len(page.articles), chars_in_articles=covered)
    if not page.articles:
        report.update(status="warning", message="no article found")
    return rows


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


def build(raw: Path, out: Path, *, progress: Callable[[int, int, str], None] | None = None
          ) -> pd.DataFrame:
    """Parse every file under `raw` and write all tables to `out`.

    Returns:
        The build report (one row per input file).
    """
    from civic.ingest import list_sources, page_metadata

    paths = list_sources(raw)
    tokenizer = Tokenizer()
    rows: Rows = {name: [] for name in TABLES}
    for i, path in enumerate(paths, start=1):
        source = read_source(path, raw)
        meta = page_metadata(raw, source.name)
        for name, table_rows in parse_source(source, tokenizer=tokenizer, **meta).items():
            rows[name] += table_rows
        if progress:
            progress(i, len(paths), source.name)
    frames = {name: store.frame(name, table_rows) for name, table_rows in rows.items()}
    store.write_tables(frames, out)
    return frames["build_report"]
