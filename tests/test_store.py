"""The store: named tables on disk, read through DuckDB views, replaced atomically."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from civic import store
from civic.schema import TABLES

ROOT = Path(__file__).resolve().parent.parent

ARTICLE = {"article_id": "a1", "source": "2019-11-25_郑州日报.txt", "seq": 1, "title": "金水区清理卫生死角",
           "text": "11月25日，杜岭街道组织志愿者200余人，\n清理\"卫生死角\"30处。", "date": "2019-11-25",
           "year": 2019, "month": "2019-11", "street": "杜岭街道", "district": "金水区", "city": "郑州市",
           "province": "河南省", "is_caption": False, "paper_city": "郑州市", "src_start": 0, "src_end": 40}


def frames(title: str = "金水区清理卫生死角") -> dict[str, pd.DataFrame]:
    return {"articles": store.frame("articles", [{**ARTICLE, "title": title}]),
            "terms": store.frame("terms", [{"article_id": "a1", "term": "志愿者", "count": 2}])}


def test_tables_round_trip_with_contract_dtypes(tmp_path):
    store.write_tables(frames(), tmp_path)
    articles = store.read_table("articles", tmp_path)
    pd.testing.assert_frame_equal(articles, frames()["articles"])
    assert store.read_table("people", tmp_path).columns.tolist() == TABLES["people"].column_names
    assert len(store.read_table("people", tmp_path)) == 0


def test_builds_write_no_csv(tmp_path):
    store.write_tables(frames(), tmp_path)
    assert not list(tmp_path.rglob("*.csv"))


FORMULAS = [("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+86 371", "'+86 371"),
            ("-2019年", "'-2019年"), ("@社区", "'@社区"), ("金水区", "金水区"), ("a=b", "a=b")]


def test_export_csv_is_utf8_with_bom_crlf_and_formula_safe(tmp_path):
    rows = [{**ARTICLE, "article_id": f"a{i}", "seq": i, "title": title} for i, (title, _) in enumerate(FORMULAS)]
    store.write_tables({"articles": store.frame("articles", rows)}, tmp_path)
    path = tmp_path / "csv" / "articles.csv"
    assert store.export_csv("articles", tmp_path, path) == len(FORMULAS)
    data = path.read_bytes()
    assert data.startswith("\ufeff\"article_id\",".encode()) and data.count(b"\r\n") == len(FORMULAS) + 1
    back = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False).set_index("article_id")
    assert back.columns.tolist() == TABLES["articles"].column_names[1:]
    assert [back.loc[f"a{i}", "title"] for i in range(len(FORMULAS))] == [safe for _, safe in FORMULAS]
    assert back.loc["a0", "text"] == ARTICLE["text"] and back.loc["a0", "src_end"] == "40"
    assert not [p.name for p in path.parent.iterdir() if p.name != "articles.csv"]  # no temporary file left


def test_export_csv_streams_every_part_in_batches(tmp_path, monkeypatch):
    rows = [{"article_id": f"a{i}", "term": term, "count": i} for i, term in enumerate(["志愿者", "=1+1", "楼道"] * 3)]
    gen = store.new_generation(tmp_path)
    for bucket in (2, 7):
        store.write_part(gen, "terms", bucket, store.arrow("terms", rows[bucket % 2::2]))
    store.finish(gen)
    store.commit(tmp_path, gen)
    store.export_csv("terms", tmp_path, tmp_path / "whole.csv")
    monkeypatch.setattr(store, "EXPORT_BATCH_ROWS", 2)
    store.export_csv("terms", tmp_path, tmp_path / "batched.csv")
    assert (tmp_path / "batched.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    back = pd.read_csv(tmp_path / "whole.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert sorted(back["article_id"]) == sorted(r["article_id"] for r in rows)
    assert set(back["term"]) == {"志愿者", "'=1+1", "楼道"}


def test_export_csv_of_an_empty_table_is_its_header(tmp_path):
    store.write_tables(frames(), tmp_path)
    assert store.export_csv("people", tmp_path, tmp_path / "people.csv") == 0
    assert (tmp_path / "people.csv").read_bytes() == '\ufeff"article_id","role","name"\r\n'.encode()


def test_connect_has_a_view_per_table(tmp_path):
    store.write_tables(frames(), tmp_path)
    con = store.connect(tmp_path)
    assert con.execute("SELECT street, district FROM articles").fetchall() == [("杜岭街道", "金水区")]
    assert con.execute("SELECT count(*) FROM metrics").fetchall() == [(0,)]


def test_open_connection_sees_the_next_build(tmp_path):
    store.write_tables(frames(), tmp_path)
    con = store.connect(tmp_path)
    store.write_tables(frames("新标题"), tmp_path)
    assert con.execute("SELECT title FROM articles").fetchall() == [("新标题",)]


def test_unknown_table_names_the_known_ones(tmp_path):
    with pytest.raises(KeyError, match="tables are: articles, places"):
        store.read_table("article", tmp_path)


def test_failed_write_keeps_previous_tables_and_leaves_no_staging(tmp_path, monkeypatch):
    store.write_tables(frames(), tmp_path)

    def crash(gen, names=TABLES):
        raise OSError("disk full")

    monkeypatch.setattr(store, "finish", crash)
    with pytest.raises(OSError, match="disk full"):
        store.write_tables(frames("新标题"), tmp_path)
    assert store.read_table("articles", tmp_path)["title"].tolist() == ["金水区清理卫生死角"]
    assert len(list((tmp_path / store.BUILDS).iterdir())) == 1


KILLED_BUILD = """
import os, signal, sys
from pathlib import Path
from civic import pipeline, store
store.commit = lambda out, gen: os.kill(os.getpid(), signal.SIGKILL)
pipeline.build(Path(sys.argv[1]), Path(sys.argv[2]), workers=1, full=True)
"""


def test_build_killed_before_swap_leaves_previous_tables_readable(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(ROOT / "data" / "raw" / "000_b4e6fb6c89cae77b.txt", raw)
    out = tmp_path / "out"
    store.write_tables(frames(), out)
    run = subprocess.run([sys.executable, "-c", KILLED_BUILD, str(raw), str(out)], cwd=ROOT, capture_output=True)
    assert run.returncode == -9, run.stderr.decode()
    assert len(list((out / store.BUILDS).iterdir())) == 2  # the previous build and the abandoned one
    assert store.read_table("articles", out)["title"].tolist() == ["金水区清理卫生死角"]
    assert store.connect(out).execute("SELECT count(*) FROM articles").fetchall() == [(1,)]


def test_a_new_build_removes_abandoned_and_old_generations(tmp_path):
    for title in ("一", "二", "三"):
        store.write_tables(frames(title), tmp_path)
    abandoned = store.new_generation(tmp_path)
    store.write_tables(frames("四"), tmp_path)
    kept = sorted(p.name for p in (tmp_path / store.BUILDS).iterdir())
    assert len(kept) == 2 and abandoned.name not in kept
    assert os.readlink(tmp_path / "articles.parquet") == "current/articles.parquet"


def test_older_flat_layout_is_replaced(tmp_path):
    frames()["articles"].to_parquet(tmp_path / "articles.parquet")
    (tmp_path / "articles.csv").write_text("old", encoding="utf-8")
    (tmp_path / "people.csv").symlink_to("current/people.csv")  # whole-table CSVs of older builds
    store.write_tables(frames("新标题"), tmp_path)
    assert store.read_table("articles", tmp_path)["title"].tolist() == ["新标题"]
    assert not (tmp_path / "articles.csv").exists() and not (tmp_path / "people.csv").is_symlink()


@pytest.mark.parametrize("source", ["000_b4e6fb6c89cae77b.txt", "2019-11-25_郑州日报.txt", "uploads/a.txt"])
def test_bucket_is_stable_and_in_range(source):
    assert 0 <= store.bucket_of(source) < store.BUCKETS
    assert store.bucket_of(source) == store.bucket_of(str(source))


def test_written_tables_have_rollups(tmp_path):
    store.write_tables(frames(), tmp_path)
    con = store.connect(tmp_path)
    assert con.execute("SELECT district, street, month, articles FROM rollup_street_month").fetchall() == [
        ("金水区", "杜岭街道", "2019-11", 1)]
    assert con.execute("SELECT term, count, rank FROM rollup_street_month_terms").fetchall() == [("志愿者", 2, 1)]
    assert con.execute("SELECT count(*) FROM rollup_street_month_metric").fetchall() == [(0,)]
