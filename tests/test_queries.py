"""civic.queries on the synthetic corpus: every figure checked against the tables with pandas."""

from __future__ import annotations

import pandas as pd
import pytest

from civic import queries, store
from civic.filters import Filters


@pytest.fixture(scope="module", params=["rollups", "full tables"])
def con(request, synthetic_dir, synthetic_dir_without_rollups):
    """Each query runs twice: answered from rollups where it can, and from the full tables only."""
    out = synthetic_dir if request.param == "rollups" else synthetic_dir_without_rollups
    connection = store.connect(out)
    yield connection
    connection.close()


def _articles(synthetic, f: Filters) -> pd.DataFrame:
    """The filter applied with pandas: the reference the SQL is checked against."""
    a = synthetic["articles"]
    keep = pd.Series(True, index=a.index)
    for column, values in (("city", f.cities), ("district", f.districts), ("street", f.streets)):
        if values:
            keep &= a[column].isin(values)
    if f.date_from or f.date_to:
        lo, hi = f.date_from or "0000-01-01", f.date_to or "9999-12-31"
        full = a["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}")
        keep &= (full & a["date"].between(lo, hi)) | (~full & a["month"].between(lo[:7], hi[:7]))
    if f.themes:
        keep &= a["article_id"].isin(synthetic["themes"].query("theme in @f.themes")["article_id"])
    return a[keep]


FILTERS = [
    Filters(),
    Filters(cities=("郑州市",)),
    Filters(districts=("金水区", "龙山区")),
    Filters(streets=("南关街道",)),  # a homonym: in 管城回族区 and in 老城区
    Filters(date_from="2019-03-01", date_to="2019-08-31"),
    Filters(date_to="2019-01-31"),
    Filters(themes=("party", "parking")),
    Filters(cities=("洛阳市",), themes=("sanitation",), date_from="2020-01-01"),
    Filters(cities=("不存在市",)),
]


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: f.to_query_params().__repr__())
def test_headline_matches_pandas(con, synthetic, f):
    articles = _articles(synthetic, f)
    metrics = synthetic["metrics"][synthetic["metrics"]["article_id"].isin(articles["article_id"])]
    head = queries.headline(con, f).iloc[0]
    assert head["articles"] == len(articles) == queries.article_count(con, f)
    assert head["streets"] == len(articles.loc[articles["street"] != "", ["city", "district", "street"]]
                                  .drop_duplicates())
    assert head["districts"] == articles["district"].nunique()
    assert head["people"] == metrics.loc[metrics["unit"] == "人", "value"].sum()
    assert head["items"] == metrics.loc[metrics["unit"].isin(["处", "份"]), "value"].sum()
    full = articles.loc[articles["date"].str.len() == 10, "date"]
    full = full[~full.str.startswith("--")]
    assert head["date_min"] == (full.min() if len(full) else None)


@pytest.mark.parametrize("f", FILTERS[:5], ids=lambda f: f.to_query_params().__repr__())
def test_articles_over_time_and_top_streets(con, synthetic, f):
    articles = _articles(synthetic, f)
    per_month = queries.articles_over_time(con, f)
    expected = articles[articles["month"] != ""].groupby("month").size()
    assert dict(zip(per_month["period"], per_month["articles"], strict=True)) == expected.to_dict()
    per_year = queries.articles_over_time(con, f, "year")
    assert per_year["articles"].sum() == expected.sum()
    top = queries.top_streets(con, f, limit=3)
    counts = articles[articles["street"] != ""].groupby(["street", "district"]).size()
    assert list(top["articles"]) == sorted(counts, reverse=True)[:3]


def test_homonym_streets_stay_apart(con):
    top = queries.top_streets(con, Filters(streets=("南关街道",)), limit=10)
    assert sorted(top["district"]) == ["管城回族区", "老城区"]


def test_metric_totals_click_through_sums_to_total(con, synthetic):
    f = Filters(districts=("西工区",))
    totals = queries.metric_totals(con, f, by="street")
    row = totals.iloc[0]
    sentences = queries.metric_sentences(con, f, row["what"], row["unit"], "street", row["street"])
    assert sentences["value"].sum() == row["total"]
    assert len(sentences) == row["mentions"]
    assert set(sentences["sentence"].map(type)) == {str}
    rates = queries.metric_totals(con, f).query("unit == '%'")
    assert rates["total"].isna().all()
    assert queries.metric_totals(con, f).query("what == '志愿者'")["approx"].iloc[0]


def test_themes_over_time_shares(con, synthetic):
    over_time = queries.themes_over_time(con, Filters(), "year")
    articles = synthetic["articles"].query("month != ''")
    merged = synthetic["themes"].merge(articles, on="article_id")
    expected = merged.assign(year=merged["month"].str[:4]).groupby(["year", "theme"]).size()
    got = over_time.set_index(["period", "theme"])["articles"]
    assert got.sort_index().to_dict() == expected.sort_index().to_dict()
    per_year = articles.groupby(articles["month"].str[:4]).size()
    assert over_time["share"].tolist() == pytest.approx(
        [n / per_year[p] for p, n in zip(over_time["period"], over_time["articles"], strict=True)])


def test_theme_by_area(con, synthetic):
    grid = queries.theme_by_area(con, Filters(cities=("辽源市",)), "district")
    assert set(grid["area"]) == {"龙山区", "西安区"}
    assert grid["share"].between(0, 1).all()


def test_term_frequencies_exclude_and_limit(con, synthetic):
    terms = queries.term_frequencies(con, Filters(), limit=5, exclude=("宣传册",))
    assert len(terms) == 5 and "宣传册" not in set(terms["term"])
    expected = synthetic["terms"].groupby("term")["count"].sum()
    assert all(expected[t] == c for t, c in zip(terms["term"], terms["count"], strict=True))


@pytest.mark.parametrize("needle", ["志愿者", "<script>", "[点此](", "%", "_", "'; DROP TABLE articles; --"])
def test_search_is_a_plain_substring(con, synthetic, needle):
    found = queries.search_articles(con, Filters(), needle)
    a = synthetic["articles"]
    expected = a[a["text"].str.contains(needle, regex=False) | a["title"].str.contains(needle, regex=False)]
    assert set(found["article_id"]) <= set(expected["article_id"])
    assert len(found) == min(len(expected), 200)
    assert (found["hits"].iloc[0] if len(found) else 0) == len(expected)


def test_article_detail_and_lists(con, synthetic):
    detail = queries.article_detail(con, "syn0007")
    assert len(detail["articles"]) == 1 and len(detail["metrics"]) == 4
    assert queries.article_detail(con, "nope")["articles"].empty
    source = synthetic["articles"].set_index("article_id").loc["syn0007", "source"]
    for name, rows in queries.article_detail(con, "syn0007", source).items():  # reads one part per table
        pd.testing.assert_frame_equal(rows, detail[name], obj=name)
    listing = queries.article_list(con, Filters(), street="南关街道", district="老城区")
    assert set(listing["district"]) == {"老城区"}


def test_compare_groups(con, synthetic):
    names = ("金水区", "龙山区")
    head = queries.compare_headline(con, Filters(), "district", names).set_index("group")
    counts = synthetic["articles"]["district"].value_counts()
    assert {n: head.loc[n, "articles"] for n in names} == {n: counts[n] for n in names}
    shares = queries.compare_theme_shares(con, Filters(), "district", names)
    assert set(shares["group"]) == set(names) and shares["share"].between(0, 1).all()
    assert queries.compare_top_streets(con, Filters(), "district", names, limit=2).groupby("group").size().max() == 2
    totals = queries.compare_metric_totals(con, Filters(), "district", names)
    assert "%" not in set(totals["unit"])
    terms = queries.compare_term_counts(con, Filters(), "district", names)
    assert terms.query("group == '金水区' and term == '背街小巷'")["count"].iloc[0] == counts["金水区"]
    texts = queries.term_texts(con, Filters(), "district", names, "背街小巷")
    assert set(texts["group"]) == {"金水区"}


def test_options_and_sizes(con, synthetic):
    options = queries.filter_options(con)
    assert options["articles"].sum() == len(synthetic["articles"])
    assert queries.months(con)[0] == "2019-01" and len(queries.months(con)) == 18
    assert set(queries.theme_ids(con)) == set(synthetic["themes"]["theme"])
    sizes = queries.table_sizes(con).set_index("table")["rows"]
    assert sizes["metrics"] == len(synthetic["metrics"])
    assert len(queries.build_report(con, problems_only=True)) == 1
    with pytest.raises(KeyError, match="unknown table 'nope'"):
        queries.whole_table(con, "nope")


def test_street_panels_cover_the_top_streets(con, synthetic):
    f = Filters(cities=("洛阳市",))
    top = queries.top_streets(con, f, limit=3)
    themes = queries.street_theme_counts(con, f, limit=3)
    assert set(zip(themes["street"], themes["district"], strict=True)) == set(
        zip(top["street"], top["district"], strict=True))
    articles = _articles(synthetic, f)
    merged = synthetic["themes"].merge(articles, on="article_id")
    street, district = top["street"].iloc[0], top["district"].iloc[0]
    expected = merged.query("street == @street and district == @district")["theme"].value_counts()
    got = themes.query("street == @street and district == @district").set_index("theme")["articles"]
    assert got.to_dict() == expected.to_dict()
    people = queries.street_metric_totals(con, f, limit=3).set_index(["street", "district"])["people"]
    metrics = synthetic["metrics"].merge(articles, on="article_id").query("unit == '人'")
    assert people[(street, district)] == metrics.query("street == @street and district == @district")["value"].sum()
    # the app hands over the top streets it has already queried: same frames
    pd.testing.assert_frame_equal(queries.street_theme_counts(con, f, limit=3, top=top), themes)
    pd.testing.assert_frame_equal(queries.street_metric_totals(con, f, limit=3, top=top),
                                  queries.street_metric_totals(con, f, limit=3))


@pytest.mark.parametrize("call", [
    ("headline", ()), ("articles_over_time", ("year",)), ("top_streets", (5,)), ("themes_over_time", ("month",)),
    ("theme_by_area", ("city",)), ("term_frequencies", (20,)), ("metric_totals", ("district",)),
    ("compare_headline", ("district", ("金水区", "老城区"))), ("compare_theme_shares", ("city", ("郑州市", "辽源市"))),
    ("compare_top_streets", ("district", ("金水区", "老城区"))),
    ("compare_metric_totals", ("district", ("金水区", "老城区"))),
    ("compare_term_counts", ("district", ("金水区", "老城区"))),
], ids=lambda c: c[0])
def test_rollups_give_the_full_tables_answer(synthetic_dir, synthetic_dir_without_rollups, call):
    name, args = call
    f = Filters(cities=("郑州市", "洛阳市"), date_from="2019-02-01", date_to="2020-03-31")
    fast, full = (getattr(queries, name)(store.connect(out), f, *args).drop(columns="approx", errors="ignore")
                  for out in (synthetic_dir, synthetic_dir_without_rollups))
    pd.testing.assert_frame_equal(fast, full, check_dtype=False)


def test_metric_totals_tell_namesake_streets_apart(con, synthetic):
    totals = queries.metric_totals(con, Filters(streets=("南关街道",)), by="street")
    assert sorted(set(totals["district"])) == ["管城回族区", "老城区"]
    row = totals.query("district == '老城区'").iloc[0]
    sentences = queries.metric_sentences(con, Filters(), row["what"], row["unit"], "street", "南关街道", "老城区")
    assert set(sentences["district"]) == {"老城区"} and sentences["value"].sum() == row["total"]


def test_compare_streets_tells_namesakes_apart(con, synthetic):
    names = ("南关街道（管城回族区）", "南关街道（老城区）")
    head = queries.compare_headline(con, Filters(), "street", names).set_index("group")
    a = synthetic["articles"].query("street == '南关街道'")
    assert head.loc[names[1], "articles"] == (a["district"] == "老城区").sum()
    assert set(queries.compare_top_streets(con, Filters(), "street", names)["district"]) == {"管城回族区", "老城区"}
