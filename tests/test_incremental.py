"""Incremental builds: unchanged files are not parsed again, and the output equals a full build."""

import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from civic import corpus, incremental, pipeline, store
from civic.rollups import ROLLUPS
from civic.schema import TABLES

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = sorted((ROOT / "data" / "raw").glob("*.txt"))


@pytest.fixture
def raw(tmp_path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    for path in SAMPLE[:4]:
        shutil.copy(path, folder / path.name)
    return folder


def _build(raw: Path, out: Path, **kwargs) -> list[str]:
    """Build with one in-process worker; returns the names of the files parsed."""
    parsed: list[str] = []
    pipeline.build(raw, out, progress=lambda done, total, name: parsed.append(name), workers=1, **kwargs)
    return parsed


def _edit(raw: Path) -> None:
    """Add a page, change a page, remove a page."""
    shutil.copy(SAMPLE[4], raw / "2020-05-06_新增版面.txt")
    changed = raw / SAMPLE[1].name
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n本报讯 社区组织志愿者50余人清理楼道。\n",
                       encoding="utf-8")
    (raw / SAMPLE[2].name).unlink()


def assert_same_build(a: Path, b: Path) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(store.read_table(name, a), store.read_table(name, b), obj=name)
    for name in ROLLUPS:
        pd.testing.assert_frame_equal(pd.read_parquet(a / "rollups" / f"{name}.parquet"),
                                      pd.read_parquet(b / "rollups" / f"{name}.parquet"), obj=name)


@pytest.mark.parametrize("chunked", [False, True], ids=["one task per bucket", "chunks merged per bucket"])
def test_rebuild_parses_only_changed_files_and_equals_full_build(raw, tmp_path, monkeypatch, chunked):
    if chunked:  # every file parsed by a task of its own, each bucket written by one more
        monkeypatch.setattr(incremental, "BUCKET_TASK_BYTES", 0)
        monkeypatch.setattr(incremental, "TASK_BYTES", 1)
    out = tmp_path / "out"
    assert sorted(_build(raw, out)) == sorted(p.name for p in SAMPLE[:4])
    assert _build(raw, out) == []
    _edit(raw)
    assert sorted(_build(raw, out)) == sorted(["2020-05-06_新增版面.txt", SAMPLE[1].name])
    assert SAMPLE[2].name not in set(store.read_table("build_report", out)["source"])
    _build(raw, tmp_path / "full", full=True)
    assert_same_build(out, tmp_path / "full")


def test_full_flag_parses_everything(raw, tmp_path):
    out = tmp_path / "out"
    _build(raw, out)
    assert len(_build(raw, out, full=True)) == 4


def test_touched_but_unchanged_file_is_not_parsed(raw, tmp_path):
    out = tmp_path / "out"
    _build(raw, out)
    page = raw / SAMPLE[0].name
    page.write_bytes(page.read_bytes())
    assert _build(raw, out) == []


def test_corpus_step_output_equals_full_build(raw, tmp_path, monkeypatch):
    real_locate = pipeline.locate

    def locate(title, text, context):
        # every other article placed at a street without its district: the corpus step's candidates
        found = real_locate(title, text, context)
        return replace(found, street="东风路街道", district="") if len(title) % 2 else found

    def refine(articles: pd.DataFrame, places: pd.DataFrame, *, cities: Counter,
               provinces: Counter) -> tuple[pd.DataFrame, pd.DataFrame]:
        # depends on the whole corpus, so an added page changes rows of unchanged pages
        candidate = (articles["street"] != "") & (articles["district"] == "")
        district = f"第{sum(cities.values())}区"
        added = pd.DataFrame({"article_id": articles.loc[candidate, "article_id"], "level": "district",
                              "name": district, "surface": ""})
        return (articles.assign(district=articles["district"].where(~candidate, district)),
                pd.concat([places, added], ignore_index=True).astype(places.dtypes.to_dict()))

    monkeypatch.setattr(pipeline, "locate", locate)
    monkeypatch.setattr(corpus, "refine_with_corpus", refine)
    out = tmp_path / "out"
    _build(raw, out)
    _edit(raw)
    _build(raw, out)
    _build(raw, tmp_path / "full", full=True)
    assert_same_build(out, tmp_path / "full")
    articles = store.read_table("articles", out)
    in_cities = int((articles["city"].fillna("") != "").sum())  # what the corpus counts
    fixed = articles[articles["street"] == "东风路街道"]
    assert len(fixed) and set(fixed["district"]) == {f"第{in_cities}区"}
    places = store.read_table("places", out)
    assert set(places.loc[places["name"] == f"第{in_cities}区", "article_id"]) == set(fixed["article_id"])


def test_parser_change_parses_everything_and_drops_removed_files(raw, tmp_path, monkeypatch):
    out = tmp_path / "out"
    _build(raw, out)
    (raw / SAMPLE[0].name).unlink()
    monkeypatch.setattr(incremental, "parser_version", lambda: "a newer parser")
    assert len(_build(raw, out)) == 3
    assert sorted(store.read_table("build_report", out)["source"]) == [p.name for p in SAMPLE[1:4]]


def test_scan_lists_what_ingest_lists(tmp_path):
    for name in ("a.txt", "B.TXT", "notes.md", ".hidden.txt", "sub/c.txt", ".git/d.txt", "sub/.e.txt",
                 "sub/deep/f.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("本报讯", encoding="utf-8")
    (tmp_path / "folder.txt").mkdir()
    from civic.ingest import list_sources

    expected = sorted(p.relative_to(tmp_path).as_posix() for p in list_sources(tmp_path))
    assert sorted(f.name for f in incremental.scan(tmp_path, {})) == expected == [
        "B.TXT", "a.txt", "sub/c.txt", "sub/deep/f.txt"]


def test_rebuild_reads_the_parsed_parts_of_the_changed_buckets_only(raw, tmp_path, monkeypatch):
    out = tmp_path / "out"
    _build(raw, out)
    read: list[int] = []
    real = corpus._corpus_inputs
    monkeypatch.setattr(corpus, "_corpus_inputs", lambda gen, bucket: read.append(bucket) or real(gen, bucket))
    shutil.copy(SAMPLE[4], raw / "2020-05-06_新增版面.txt")
    _build(raw, out)
    assert read == [store.bucket_of("2020-05-06_新增版面.txt")]
    _build(raw, tmp_path / "full", full=True)
    assert_same_build(out, tmp_path / "full")


def test_a_rebuild_links_what_did_not_change(raw, tmp_path):
    out = tmp_path / "out"
    _build(raw, out)
    before = store.current(out)
    (raw / SAMPLE[0].name).unlink()
    _build(raw, out)
    after, bucket = store.current(out), store.bucket_of(SAMPLE[0].name)
    for part in (after / "terms.parquet").glob("part-*.parquet"):
        same = part.stat().st_ino == (before / "terms.parquet" / part.name).stat().st_ino
        assert same == (part.name != f"{store.part_name(bucket)}.parquet"), part.name


def test_rollups_made_by_other_code_are_recomputed_without_parsing(raw, tmp_path, monkeypatch):
    out = tmp_path / "out"
    _build(raw, out)
    first = store.current(out)
    assert incremental.is_current(first)
    assert _build(raw, out) == [] and store.current(out) == first  # nothing changed: no new generation
    monkeypatch.setattr(incremental, "rollup_version", lambda: "newer-rollups")
    assert not incremental.is_current(first)
    assert _build(raw, out) == []  # no file parsed again ...
    assert store.current(out) != first and incremental.is_current(store.current(out))  # ... rollups redone
    _build(raw, tmp_path / "full", full=True)
    assert_same_build(out, tmp_path / "full")


def test_a_build_by_another_parser_is_not_current(raw, tmp_path, monkeypatch):
    out = tmp_path / "out"
    _build(raw, out)
    monkeypatch.setattr(incremental, "parser_version", lambda: "other-parser")
    assert not incremental.is_current(store.current(out))
    assert not incremental.is_current(None)
