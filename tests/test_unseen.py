"""Held-out articles from other cities and layouts, never used to develop the parser."""

from pathlib import Path

import pandas as pd
import pytest

from civic import store
from civic.pipeline import build

UNSEEN = Path(__file__).resolve().parent / "fixtures" / "unseen"


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> dict[str, pd.DataFrame]:
    out = tmp_path_factory.mktemp("unseen")
    build(UNSEEN, out, workers=1)
    articles = store.read_table("articles", out)
    names = articles.set_index("article_id")["source"]
    frames = {name: store.read_table(name, out) for name in ("metrics", "people", "build_report")}
    for name in ("metrics", "people"):
        frames[name] = frames[name].assign(source=frames[name]["article_id"].map(names))
    return {"articles": articles, **frames}


@pytest.mark.parametrize(("source", "expected"), [
    ("2023-05-12_chaoyang.txt", ("2023-05-10", "劲松街道", "朝阳区", "北京市", "北京市")),
    # 城关镇 exists in hundreds of counties and nothing on the page says which: left open
    ("2021-11-05_town_gbk.txt", ("2021-11-03", "城关镇", "", "", "")),
    # no year in the text, no manifest, no date in the file name
    ("guangzhou.txt", ("", "北京街道", "越秀区", "广州市", "广东省")),
])
def test_date_and_places(tables, source, expected):
    (row,) = tables["articles"][tables["articles"]["source"] == source].itertuples()
    assert (row.date, row.street, row.district, row.city, row.province) == expected


def test_encodings_are_detected(tables):
    report = tables["build_report"].set_index("source")
    assert report.loc["2021-11-05_town_gbk.txt", "encoding"] == "gb18030"
    assert set(report["status"]) == {"ok"}


@pytest.mark.parametrize(("source", "expected"), [
    ("2023-05-12_chaoyang.txt", {(120, "人", True), (86, "处", False), (12, "处", False), (35, "吨", False),
                                 (300, "辆", True), (40, "个", False)}),
    ("2021-11-05_town_gbk.txt", {(800000, "元", False), (230, "处", False), (12000, "吨", False),
                                 (560, "户", False)}),
    ("guangzhou.txt", {(150, "名", False), (12, "条", False), (8, "个", False), (45, "处", False),
                       (20, "户", True), (2000, "份", True)}),
])
def test_metrics(tables, source, expected):
    metrics = tables["metrics"][tables["metrics"]["source"] == source]
    assert set(zip(metrics["value"], metrics["unit"], metrics["approx"], strict=True)) == expected


def test_people(tables):
    people = tables["people"]
    assert set(zip(people["source"], people["role"], people["name"], strict=True)) == {
        ("2021-11-05_town_gbk.txt", "reporter", "刘洋"),
        ("guangzhou.txt", "reporter", "陈晓"),
        ("guangzhou.txt", "correspondent", "黄敏"),
    }
