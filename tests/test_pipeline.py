"""The build wiring: parsing in a process pool and in parts gives one report row per file."""

import pickle
import shutil
from pathlib import Path

import pandas as pd

from civic import incremental, pipeline, store
from civic.ingest import Source
from civic.schema import TABLES

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = sorted((ROOT / "data" / "raw").glob("*.txt"))


def test_parse_source_gives_rows_of_every_table_and_one_report_row():
    text = SAMPLE[0].read_text(encoding="utf-8")
    rows = pipeline.parse_source(Source(SAMPLE[0].name, text, "utf-8", "0" * 64), paper_city="郑州市", year=2019)
    assert set(rows) == set(TABLES)
    (report,) = rows["build_report"]
    assert report["chars_in"] == len(text) and report["articles"] == len(rows["articles"]) > 0


def test_an_articles_themes_column_lists_its_rows_of_the_themes_table():
    rows = {}
    for path in SAMPLE:
        for name, table in pipeline.parse_source(Source(path.name, path.read_text(encoding="utf-8"), "utf-8",
                                                        "0" * 64), year=2019).items():
            rows.setdefault(name, []).extend(table)
    themes: dict[str, set[str]] = {}
    for row in rows["themes"]:
        themes.setdefault(row["article_id"], set()).add(row["theme"])
    assert any("," in a["themes"] for a in rows["articles"])  # several themes occur
    for article in rows["articles"]:
        assert article["themes"] == ",".join(sorted(themes.get(article["article_id"], ()))), article["title"]


def test_web_article_dates_yesterday_from_its_publication_line():
    text = ("劲松街道开展环境整治\n来源:北京日报客户端 发布时间:2023-05-12 09:30\n\n"
            "昨日上午,朝阳区劲松街道组织志愿者120余人,清理楼道堆物堆料86处。\n")
    (article,) = pipeline.parse_source(Source("web.txt", text, "utf-8", "0" * 64))["articles"]
    assert (article["date"], article["year"], article["month"]) == ("2023-05-11", 2023, "2023-05")


def test_unreadable_source_is_an_error_row_naming_the_file():
    rows = pipeline.parse_source(Source("a.txt", "", "", "0" * 64, "a.txt: not text (PNG image)"))
    assert rows["build_report"] == [{"source": "a.txt", "encoding": "", "chars_in": 0, "articles": 0,
                                     "chars_in_articles": 0, "status": "error",
                                     "message": "a.txt: not text (PNG image)"}]


def test_process_pool_build_equals_in_process_build(tmp_path):
    pipeline.build(ROOT / "data" / "raw", tmp_path / "pool", workers=2, full=True)
    pipeline.build(ROOT / "data" / "raw", tmp_path / "inline", workers=1, full=True)
    for name in TABLES:
        pd.testing.assert_frame_equal(store.read_table(name, tmp_path / "pool"),
                                      store.read_table(name, tmp_path / "inline"), obj=name)


def test_buckets_parsed_by_several_workers_equal_one_task_per_bucket(tmp_path, monkeypatch):
    pipeline.build(ROOT / "data" / "raw", tmp_path / "inline", workers=1, full=True)
    monkeypatch.setattr(incremental, "BUCKET_TASK_BYTES", 0)
    monkeypatch.setattr(incremental, "TASK_BYTES", 1)
    pipeline.build(ROOT / "data" / "raw", tmp_path / "pool", workers=2, full=True)
    for name in TABLES:
        pd.testing.assert_frame_equal(store.read_table(name, tmp_path / "pool"),
                                      store.read_table(name, tmp_path / "inline"), obj=name)
    assert not (store.current(tmp_path / "pool") / "chunks").exists()


def test_big_file_is_parsed_in_parts_with_one_report_row(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    text = "\n\n".join(path.read_text(encoding="utf-8") for path in SAMPLE)
    (raw / "big.txt").write_text(text, encoding="utf-8")
    shutil.copy(SAMPLE[0], raw / SAMPLE[0].name)
    monkeypatch.setattr(incremental, "STREAM_BYTES", 1000)
    monkeypatch.setattr(incremental, "PART_CHARS", 9000)
    progress: list[str] = []
    report = pipeline.build(raw, tmp_path / "out", workers=1, progress=lambda d, t, name: progress.append(name))
    assert "big.txt (part 2)" in progress
    big = report.set_index("source").loc["big.txt"]
    assert big["chars_in"] == len(text) and big["status"] == "ok"
    articles = store.read_table("articles", tmp_path / "out").query("source == 'big.txt'").sort_values("seq")
    assert articles["seq"].tolist() == list(range(1, len(articles) + 1)) == list(range(1, big["articles"] + 1))
    assert articles["src_start"].is_monotonic_increasing and articles["src_end"].max() <= len(text)
    assert articles["src_start"].max() > 9000


def test_a_batch_gives_each_file_its_own_rows_and_rows_sent_back_carry_only_their_own():
    items = [incremental.Item(SAMPLE[0].parent, path.name) for path in SAMPLE]
    alone = {item.name: pipeline.parse_items([item])[0][3] for item in items}
    for item, (name, _, _, tables) in zip(items, pipeline.parse_items(items), strict=True):
        assert name == item.name
        for table, rows in tables.items():
            assert rows.equals(alone[name][table]), (name, table)
    # a slice pickles the whole batch it was cut from; what run_task sends back must not
    for parsed in incremental.run_task(incremental.ParseTask(pipeline.parse_items, items, "t0", None)):
        for table, rows in parsed.tables.items():
            assert len(pickle.dumps(rows)) <= 1.1 * len(pickle.dumps(alone[parsed.name][table])) + 1000, table
