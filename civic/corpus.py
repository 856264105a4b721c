"""The corpus-wide build step: streets that only the whole corpus can place.

`places.refine_with_corpus` gives an article placed at a street but no district the unit in the
city most of the corpus is about. It runs after every bucket is parsed; this module feeds it
incrementally (per bucket, what it needs is kept in gen/corpus/) and rewrites only the buckets
whose rows it changed. Used by `pipeline.build` after `incremental.parse_changed`.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from civic import store
from civic.places import refine_with_corpus
from civic.schema import TABLES

CORPUS_TABLES = ("articles", "places")  # tables the corpus-wide step may rewrite
CORPUS = "corpus"  # folder of a generation with what the corpus step keeps per bucket
CORPUS_COLUMNS = ("article_id", "source", "street", "district", "city", "province")


def corpus_step(gen: Path, previous: Path | None, affected: set[int]) -> None:
    """Run the corpus-wide place refinement; rewrite only the buckets whose rows it changed.

    By the contract of `places.refine_with_corpus`, only the candidates (articles placed at a
    street but no district) can change, and the rest of the corpus counts only by how many
    articles name each city and province. So the step keeps, per bucket, the candidates' place
    columns and places rows and the other articles' (city, province) counts in gen/corpus/, and
    reads the parsed parts of the affected buckets only (of every bucket when `previous` has no
    such record). What the refinement returns for the candidates of each bucket is fingerprinted:
    a bucket whose files did not change and whose fingerprint is the previous one keeps its
    parts; a bucket without candidates takes its parsed parts as they are.
    """
    buckets = sorted(int(p.stem[5:], 16) for p in (gen / "parsed" / "articles.parquet").glob("part-*.parquet"))
    old_record = previous / CORPUS if previous else None
    if old_record is None or not (old_record / "fingerprints.parquet").exists():
        old_record, fresh = None, set(buckets)
    else:
        fresh = affected & set(buckets)
    record = {name: pa.concat_tables(tables) for name, tables in zip(
        ("candidates", "counts", "places"),
        zip(*(_corpus_inputs(gen, bucket) for bucket in sorted(fresh)), strict=True), strict=True)} if fresh else {}
    for name, schema in _CORPUS_SCHEMAS.items():
        kept = pq.read_table(old_record / f"{name}.parquet") if old_record else schema.empty_table()
        kept = kept.filter(pc.invert(pc.is_in(kept["bucket"], pa.array(sorted(fresh), pa.int32()))))
        record[name] = pa.concat_tables([kept, record[name]]) if name in record else kept
    (gen / CORPUS).mkdir()
    for name, table in record.items():
        pq.write_table(table, gen / CORPUS / f"{name}.parquet")
    refined, places = _refine(record)
    fingerprints = _fingerprints(refined, places)
    old = {}
    if old_record:
        prints = pq.read_table(old_record / "fingerprints.parquet")
        old = dict(zip(prints["bucket"].to_pylist(), prints["fingerprint"].to_pylist(), strict=True))
    for bucket in buckets:
        if bucket not in affected and old.get(bucket) == fingerprints.get(bucket) and \
                store.link_part(previous, gen, "articles", bucket):
            store.link_part(previous, gen, "places", bucket)
        elif bucket not in fingerprints:  # no candidates: the parts as parsed are final
            for name in CORPUS_TABLES:
                store.promote_part(gen, name, bucket)
        else:
            _write_refined(gen, bucket, refined[refined["bucket"] == bucket], places[places["bucket"] == bucket])
    pq.write_table(pa.table({"bucket": pa.array(list(fingerprints), pa.int32()),
                             "fingerprint": pa.array(list(fingerprints.values()), pa.string())}),
                   gen / CORPUS / "fingerprints.parquet")


_CORPUS_SCHEMAS = {
    "candidates": pa.schema([(c, pa.string()) for c in CORPUS_COLUMNS] + [("bucket", pa.int32())]),
    "counts": pa.schema([("city", pa.string()), ("province", pa.string()), ("articles", pa.int64()),
                         ("bucket", pa.int32())]),
    "places": store.schema("places").append(pa.field("bucket", pa.int32())),
}


def _corpus_inputs(gen: Path, bucket: int) -> tuple[pa.Table, pa.Table, pa.Table]:
    """What the corpus step keeps of one bucket: candidates, (city, province) counts of the other
    articles, and the candidates' places rows (schemas in _CORPUS_SCHEMAS)."""
    articles = pq.read_table(store.part_path(gen, "articles", bucket, parsed=True), columns=list(CORPUS_COLUMNS))
    articles = pa.table({c: pc.fill_null(articles[c], "") for c in CORPUS_COLUMNS})
    candidate = pc.and_(pc.not_equal(articles["street"], ""), pc.equal(articles["district"], ""))
    candidates = articles.filter(candidate)
    counts = articles.filter(pc.invert(candidate)).group_by(["city", "province"]).aggregate([([], "count_all")])
    places = store.read_part(gen, "places", bucket, parsed=True)
    if places is None:
        places = store.schema("places").empty_table()
    places = places.filter(pc.is_in(places["article_id"], candidates["article_id"]))
    return tuple(pa.Table.from_arrays([*table.columns, pa.array([bucket] * table.num_rows, pa.int32())],
                                      schema=_CORPUS_SCHEMAS[name])
                 for name, table in (("candidates", candidates), ("counts", counts), ("places", places)))


def _refine(record: dict[str, pa.Table]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`refine_with_corpus` over the candidates, with the corpus' articles per city and province
    (the other articles' counts plus the candidates'); returns the refined candidates and their
    places rows, each with its `bucket`."""
    candidates = record["candidates"]
    counts = record["counts"].group_by(["city", "province"]).aggregate([("articles", "sum")])
    cities: Counter = Counter()
    provinces: Counter = Counter()
    for city, province, n in zip(*(counts[c].to_pylist() for c in ("city", "province", "articles_sum")),
                                 strict=True):
        cities[city] += n
        provinces[province] += n
    cities.update(candidates["city"].to_pylist())
    provinces.update(candidates["province"].to_pylist())
    for counter in (cities, provinces):
        counter.pop("", None)
        counter.pop(None, None)
    corpus = candidates.select(list(CORPUS_COLUMNS)).to_pandas().astype(
        {c: TABLES["articles"].dtypes[c] for c in CORPUS_COLUMNS})
    places = record["places"].drop_columns(["bucket"]).to_pandas().astype(TABLES["places"].dtypes)
    refined, refined_places = refine_with_corpus(corpus, places, cities=cities, provinces=provinces)
    buckets = candidates["bucket"].to_numpy()
    bucket_of_article = pd.Series(buckets, index=candidates["article_id"].to_numpy(zero_copy_only=False))
    return (refined.assign(bucket=buckets),
            refined_places.assign(bucket=refined_places["article_id"].map(bucket_of_article).to_numpy()))


def _write_refined(gen: Path, bucket: int, refined: pd.DataFrame, places: pd.DataFrame) -> None:
    """Write the final articles and places parts of a bucket: as parsed, with the refined
    candidates' place columns and places rows."""
    store.write_part(gen, "articles", bucket,
                     _with_places(store.read_part(gen, "articles", bucket, parsed=True), refined))
    parsed_places = store.read_part(gen, "places", bucket, parsed=True)
    if parsed_places is None:
        parsed_places = store.schema("places").empty_table()
    kept = parsed_places.filter(pc.invert(pc.is_in(parsed_places["article_id"],
                                                    pa.array(refined["article_id"], pa.string()))))
    bucket_places = pa.concat_tables([kept, _arrow_frame("places", places.drop(columns="bucket"))])
    if bucket_places.num_rows:
        store.write_part(gen, "places", bucket, store.sort_part("places", bucket_places))


def _fingerprints(refined: pd.DataFrame, places: pd.DataFrame) -> dict[int, str]:
    """Bucket -> fingerprint of what the refinement returned for its candidates (article place
    columns and places rows); buckets without candidates have none."""
    places_prints = _hash_rows(places)
    return {bucket: f"{prints}/{places_prints.get(bucket, '0:0')}" for bucket, prints in _hash_rows(refined).items()}


def _hash_rows(df: pd.DataFrame) -> dict[int, str]:
    """Bucket -> row count and sum (modulo 2**64) of the 64-bit hashes of its rows, `count:hex`: ignores
    row order (the refinement is deterministic, so equal content comes in equal order). One hash
    pass over the frame, summed per bucket."""
    if df.empty:
        return {}
    buckets = df["bucket"].to_numpy()
    order = np.argsort(buckets, kind="stable")
    hashes = pd.util.hash_pandas_object(df.drop(columns="bucket"), index=False).to_numpy()[order]
    keys, starts, counts = np.unique(buckets[order], return_index=True, return_counts=True)
    sums = np.add.reduceat(hashes, starts)  # uint64: wraps around as a per-bucket .sum() does
    return {int(bucket): f"{count}:{int(total):x}" for bucket, count, total in zip(keys, counts, sums, strict=True)}


def _arrow_frame(name: str, df: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(df.astype(TABLES[name].dtypes)[store.schema(name).names], schema=store.schema(name),
                                preserve_index=False)


def _with_places(articles: pa.Table, refined: pd.DataFrame) -> pa.Table:
    """Parsed articles with the place columns the corpus step set for some of them (by article_id)."""
    index = pc.index_in(articles["article_id"], value_set=pa.array(refined["article_id"], pa.string()))
    for column in CORPUS_COLUMNS[2:]:
        values = pa.array(refined[column], pa.string()).take(index)
        merged = pc.if_else(pc.is_null(index), articles[column], values)
        articles = articles.set_column(articles.schema.get_field_index(column), column, merged)
    return store.sort_part("articles", articles)
