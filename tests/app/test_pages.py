"""Every page through AppTest on the synthetic corpus: renders, shows the tables' figures, follows filters."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = {"overview": "总览", "streets": "街道", "metrics": "工作量", "themes": "主题", "wordcloud": "词云",
         "compare": "对比", "articles": "文章", "data": "数据"}


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _chart_values(at, index: int, axis: str) -> dict[str, list]:
    """Trace name -> values on `axis` of the index-th plotly chart (decoding plotly's binary arrays)."""
    spec = json.loads(at.get("plotly_chart")[index].proto.spec)
    out = {}
    for trace in spec["data"]:
        values = trace[axis]
        if isinstance(values, dict):
            values = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
        out[trace.get("name", "")] = values
    return out


def _table(at, *columns: str) -> pd.DataFrame:
    """The first dataframe shown that has all `columns`."""
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def _infos(at) -> str:
    return " ".join(i.value for i in at.info)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(open_app, synthetic_dir, page):
    at = open_app(synthetic_dir, page=page)
    assert not at.exception
    assert at.title[0].value == PAGES[page]  # ran through the router, not as a lone file of pages/
    assert [w.key for w in at.sidebar.multiselect] == ["flt_city", "flt_district", "flt_street", "flt_themes"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_in_english(open_app, synthetic_dir, page):
    from civic.i18n import STRINGS

    at = open_app(synthetic_dir, page=page, params={"lang": "en"})
    assert not at.exception
    assert at.title[0].value == STRINGS[f"page.{page}"][1]
    assert at.sidebar.multiselect(key="flt_city").label == "City"


def test_overview_figures_match_tables_and_follow_filter(open_app, synthetic_dir, synthetic):
    articles = synthetic["articles"]
    at = open_app(synthetic_dir)
    shown = _metrics(at)
    assert shown["文章"] == f"{len(articles):,}"
    assert shown["街道/乡镇"] == str(articles.loc[articles["street"] != "", ["district", "street"]]
                                  .drop_duplicates().shape[0])
    assert shown["区县"] == "6" and shown["城市"] == "3"
    people = synthetic["metrics"].query("unit == '人'")["value"].sum()
    assert shown["动员人数"] == f"≥ {people:,.0f}"

    at.sidebar.multiselect(key="flt_district").set_value(["金水区"]).run()
    assert _metrics(at)["文章"] == str((articles["district"] == "金水区").sum())
    assert at.query_params["district"] in ("金水区", ["金水区"])


def test_filters_survive_page_switches(open_app, synthetic_dir, synthetic):
    at = open_app(synthetic_dir)
    at.sidebar.multiselect(key="flt_city").set_value(["辽源市"]).run()
    at.switch_page("pages/streets.py").run()
    assert at.sidebar.multiselect(key="flt_city").value == ["辽源市"]
    streets = set(synthetic["articles"].query("city == '辽源市'")["street"]) - {""}
    assert {p.split("｜")[0] for p in at.selectbox(key="st_pick").options} <= streets


def test_copied_url_restores_filters(open_app, synthetic_dir, synthetic):
    articles = synthetic["articles"]
    at = open_app(synthetic_dir, params={"city": "郑州市", "from": "2019-03-01", "to": "2019-06-30"})
    assert at.sidebar.multiselect(key="flt_city").value == ["郑州市"]
    assert at.sidebar.select_slider(key="flt_months").value == ("2019-03", "2019-06")
    expected = articles[(articles["city"] == "郑州市") & articles["month"].between("2019-03", "2019-06")]
    assert _metrics(at)["文章"] == str(len(expected))


def test_english_switch(open_app, synthetic_dir):
    at = open_app(synthetic_dir)
    at.sidebar.radio(key="lang").set_value("en").run()
    assert "Articles" in _metrics(at)
    assert at.query_params["lang"] in ("en", ["en"])


def test_streets_page_lists_the_picked_streets_articles(open_app, synthetic_dir, synthetic):
    at = open_app(synthetic_dir, page="streets")
    pick = at.selectbox(key="st_pick")
    street, district = pick.value.split("｜")
    listing = _table(at, "article_id", "title", "source")
    expected = synthetic["articles"].query("street == @street and district == @district")
    assert sorted(listing["article_id"]) == sorted(expected["article_id"])


def test_metrics_totals_and_click_through(open_app, synthetic_dir, synthetic):
    metrics = synthetic["metrics"]
    at = open_app(synthetic_dir, page="metrics")
    totals = at.dataframe(key="mt_table").value.set_index(["what", "unit"])
    leaflets = metrics.loc[metrics["what"] == "宣传册", "value"].sum()
    assert totals.loc[("宣传册", "份"), "total"] == f"{leaflets:,.0f}"
    assert totals.loc[("志愿者", "人"), "total"].startswith("≥ ")
    assert totals.loc[("整改率", "%"), "total"] == "—"
    assert not any("sentence" in d.value.columns for d in at.dataframe)  # nothing drilled into yet
    at.selectbox(key="mt_pick").set_value(0).run()
    what, unit = totals.index[0]
    sentences = _table(at, "sentence")
    assert len(sentences) == len(metrics.query("what == @what and unit == @unit"))

    at.segmented_control(key="mt_by").set_value("district").run()
    by_district = at.dataframe(key="mt_table").value
    assert set(by_district["district"]) == set(synthetic["articles"]["district"])
    at.sidebar.multiselect(key="flt_district").set_value(["龙山区"]).run()
    assert set(at.dataframe(key="mt_table").value["district"]) == {"龙山区"}


def test_themes_counts_match_tables(open_app, synthetic_dir, synthetic):
    at = open_app(synthetic_dir, page="themes")
    from civic.themes import theme_labels

    lines = _chart_values(at, 0, "y")
    counts = synthetic["themes"]["theme"].map(theme_labels("zh")).value_counts()
    dated = synthetic["themes"].merge(synthetic["articles"], on="article_id").query("month != ''")
    assert {k: sum(v) for k, v in lines.items()} == dated["theme"].map(theme_labels("zh")).value_counts().to_dict()
    assert set(lines) == set(counts.index)
    at.segmented_control(key="th_period").set_value("year").run()
    assert all(len(v) <= 2 for v in _chart_values(at, 0, "x").values())


def test_wordcloud_table_words_and_exclusions(open_app, synthetic_dir, synthetic):
    at = open_app(synthetic_dir, page="wordcloud")
    assert not at.warning
    table = _table(at, "term", "count")
    expected = synthetic["terms"].groupby("term")["count"].sum().sort_values(ascending=False)
    assert table["term"].iloc[0] in expected[expected == expected.iloc[0]].index
    assert int(table.set_index("term").loc["宣传册", "count"]) == expected["宣传册"]
    at.text_input(key="wc_exclude").set_value("宣传册，志愿者").run()
    assert not {"宣传册", "志愿者"} & set(_table(at, "term", "count")["term"])


def test_articles_search_and_reader_escape_text(open_app, synthetic_dir, synthetic):
    at = open_app(synthetic_dir, page="articles")
    at.text_input(key="ar_search").set_value("志愿者").run()
    hits = synthetic["articles"]["text"].str.contains("志愿者", regex=False).sum()
    assert f"找到 {hits:,} 篇" in at.caption[0].value
    at.text_input(key="ar_search").set_value("script").run()
    body = at.get("html")[-1].proto.body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>" not in body
    assert "[点此](http://example.com)" in body
    assert '<mark style="background:#ffe08a' in body  # a metric is highlighted
    at.text_input(key="ar_search").set_value("没有这个词").run()
    assert "没有找到" in _infos(at)


def test_data_page_report_and_dictionary(open_app, synthetic_dir, synthetic):
    from civic.schema import TABLES

    at = open_app(synthetic_dir, page="data")
    assert len(_table(at, "source", "status", "encoding")) == len(synthetic["build_report"])
    assert len(_table(at, "table", "column", "meaning")) == sum(len(t.columns) for t in TABLES.values())
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons].count("下载 CSV") == len(TABLES) + 2  # report, tables, dictionary
    assert not any(b.proto.disabled for b in buttons)


def test_tables_too_big_for_excel_offer_csv_only(open_app, synthetic_dir, synthetic, monkeypatch):
    import civic.app

    monkeypatch.setattr(civic.app, "EXCEL_MAX_ROWS", len(synthetic["metrics"]))
    at = open_app(synthetic_dir, page="data")
    disabled = {b.proto.label for b in at.get("download_button") if b.proto.disabled}
    assert disabled == {"下载 Excel"}
    too_big = [b for b in at.get("download_button") if b.proto.disabled]
    assert len(too_big) == sum(len(df) > len(synthetic["metrics"]) for df in synthetic.values())


def test_empty_states(open_app, synthetic_dir, tmp_path):
    at = open_app(tmp_path / "nothing")
    assert "还没有数据" in _infos(at)
    at = open_app(synthetic_dir, params={"street": "向阳街道", "theme": "party", "from": "2020-06-01"})
    if _metrics(at):
        pytest.skip("the synthetic corpus happens to have such an article")
    assert "放宽筛选" in _infos(at)


def test_first_start_builds_from_raw(open_app, tmp_path):
    raw = tmp_path / "raw_sample"
    raw.mkdir()
    for source in sorted((ROOT / "data" / "raw").glob("*.txt"))[:2]:
        (raw / source.name).write_bytes(source.read_bytes())
    at = open_app(tmp_path / "fresh", raw=raw)
    assert not at.exception
    assert int(_metrics(at)["文章"].replace(",", "")) > 0


def test_pages_on_the_sample_corpus(open_app, sample_dir):
    from civic import store
    articles = store.read_table("articles", sample_dir)
    for page in PAGES:
        at = open_app(sample_dir, raw=ROOT / "data" / "raw", page=page)
        assert not at.exception, page
        if page == "overview":
            assert _metrics(at)["文章"] == f"{len(articles):,}"
    cities = sorted(set(articles["city"]) - {""})
    if len(cities) > 1:
        at = open_app(sample_dir, raw=ROOT / "data" / "raw", params={"city": cities[0]})
        assert _metrics(at)["文章"] == str((articles["city"] == cities[0]).sum())


def test_synthetic_fixture_is_consistent(synthetic):
    """Offsets point at their spans, so the reader's highlights are checked on real positions."""
    texts = synthetic["articles"].set_index("article_id")["text"]
    metrics = synthetic["metrics"]
    assert all(texts[r.article_id][r.start:r.end] == r.span for r in metrics.itertuples())
    assert isinstance(synthetic["articles"], pd.DataFrame)


def test_themes_heatmap_follows_district_filter(open_app, synthetic_dir):
    at = open_app(synthetic_dir, page="themes")
    assert len(json.loads(at.get("plotly_chart")[1].proto.spec)["data"][0]["x"]) == 6
    at.sidebar.multiselect(key="flt_district").set_value(["西安区", "老城区"]).run()
    assert sorted(json.loads(at.get("plotly_chart")[1].proto.spec)["data"][0]["x"]) == ["老城区", "西安区"]


def test_wordcloud_follows_district_filter(open_app, synthetic_dir):
    at = open_app(synthetic_dir, page="wordcloud")
    assert {"背街小巷", "创城攻坚"} <= set(_table(at, "term", "count")["term"])
    at.sidebar.multiselect(key="flt_district").set_value(["金水区"]).run()
    terms = set(_table(at, "term", "count")["term"])
    assert "背街小巷" in terms and "创城攻坚" not in terms


def test_compare_figures_and_distinguishing_terms(open_app, synthetic_dir, synthetic):
    articles = synthetic["articles"]
    at = open_app(synthetic_dir, page="compare")
    picked = at.multiselect(key="cp_names_district").value
    assert len(picked) == 2
    counts = articles["district"].value_counts()
    shown = [m.value for m in at.metric if m.label == "文章"]
    assert shown == [str(counts[name]) for name in picked]
    distinct = _table(at, "term", "count", "z")
    assert distinct["term"].iloc[0] in {"背街小巷", "老旧楼院", "创城攻坚", "网格员", "文明劝导", "古城风貌"}
    examples = _table(at, "group", "sentence")
    assert all(at.selectbox(key="cp_ex_term").value in s for s in examples["sentence"])
    at.sidebar.multiselect(key="flt_city").set_value(["辽源市"]).run()
    assert set(at.multiselect(key="cp_names_district").value) <= {"龙山区", "西安区"}
    assert [m.value for m in at.metric if m.label == "文章"] == [
        str(counts[name]) for name in at.multiselect(key="cp_names_district").value]


def test_articles_follow_filters(open_app, synthetic_dir, synthetic):
    at = open_app(synthetic_dir, page="articles", params={"city": "洛阳市"})
    results = _table(at, "article_id", "title", "city")
    assert set(results["city"]) == {"洛阳市"}
    assert len(results) == min(200, (synthetic["articles"]["city"] == "洛阳市").sum())


def test_clear_filters_button(open_app, synthetic_dir, synthetic):
    at = open_app(synthetic_dir, params={"district": "金水区", "from": "2019-05-01", "theme": "party"})
    assert _metrics(at)["文章"] != str(len(synthetic["articles"]))
    at.sidebar.button(key="flt_reset").click().run()
    assert _metrics(at)["文章"] == str(len(synthetic["articles"]))
    assert at.sidebar.multiselect(key="flt_district").value == []
    assert dict(at.query_params) == {}


def test_stale_tables_are_rebuilt_on_start(open_app, tmp_path):
    raw = tmp_path / "raw_growing"
    raw.mkdir()
    sources = sorted((ROOT / "data" / "raw").glob("*.txt"))
    (raw / sources[0].name).write_bytes(sources[0].read_bytes())
    at = open_app(tmp_path / "growing", raw=raw)
    before = int(_metrics(at)["文章"].replace(",", ""))
    (raw / sources[1].name).write_bytes(sources[1].read_bytes())  # newer than the build
    at = open_app(tmp_path / "growing", raw=raw)
    assert int(_metrics(at)["文章"].replace(",", "")) > before


def test_failed_build_is_reported_not_raised(open_app, tmp_path, monkeypatch):
    import civic.pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("segmenter exploded")

    monkeypatch.setattr(civic.pipeline, "build", broken)
    raw = tmp_path / "raw_one"
    raw.mkdir()
    (raw / "page.txt").write_text("本报讯 志愿者200余人参加活动。", encoding="utf-8")
    at = open_app(tmp_path / "never_built", raw=raw)
    assert not at.exception
    assert "segmenter exploded" in at.error[0].value
    assert "还没有数据" in _infos(at)


def test_compare_streets(open_app, synthetic_dir, synthetic):
    at = open_app(synthetic_dir, page="compare")
    at.segmented_control(key="cp_level").set_value("street").run()
    picked = at.multiselect(key="cp_names_street").value
    assert not at.exception and len(picked) == 2 and all("（" in name for name in picked)
    street, district = picked[0].rstrip("）").split("（")
    expected = ((synthetic["articles"]["street"] == street) & (synthetic["articles"]["district"] == district)).sum()
    assert [m.value for m in at.metric if m.label == "文章"][0] == str(expected)
