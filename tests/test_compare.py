"""Distinguishing terms (Monroe, Colaresi & Quinn 2008) and example sentences."""

import math

import pandas as pd
import pytest

from civic.compare import distinguishing_terms, example_sentences, sentences, term_counts_by_group


def long_counts(table: dict[str, dict[str, int]]) -> pd.DataFrame:
    return pd.DataFrame([{"group": g, "term": t, "count": c} for g, terms in table.items() for t, c in terms.items()])


TWO = {"二七区": {"创文": 10, "拆违": 2, "志愿者": 5}, "龙山区": {"创文": 2, "拆违": 10, "志愿者": 5}}
THREE = {
    "二七区": {"创文": 15, "全城清洁": 6, "志愿者": 9, "散煤": 3},
    "龙山区": {"创城": 20, "包保单位": 7, "志愿者": 8, "小广告": 4},
    "中原区": {"志愿者": 12, "直播": 6, "文明实践": 5, "小广告": 1},
}


def direct_z(table: dict[str, dict[str, int]], group: str, term: str, alpha_0: float | None = None) -> float:
    """Monroe et al. eqs. 16 and 20 written out term by term, prior alpha_w = alpha_0 * y_w / n."""
    y_w = sum(terms.get(term, 0) for terms in table.values())
    n = sum(sum(terms.values()) for terms in table.values())
    a0 = n if alpha_0 is None else alpha_0
    a_w = a0 * y_w / n
    y_i = table[group].get(term, 0)
    n_i = sum(table[group].values())
    y_j, n_j = y_w - y_i, n - n_i
    delta = math.log((y_i + a_w) / (n_i + a0 - y_i - a_w)) - math.log((y_j + a_w) / (n_j + a0 - y_j - a_w))
    return delta / math.sqrt(1 / (y_i + a_w) + 1 / (y_j + a_w))


def test_hand_computed_two_groups():
    # 创文 in 二七区: y=10, other=2, n_i=n_j=17, n=34, alpha_w=y_w=12, alpha_0=34
    # delta = ln(22/29) - ln(14/37) = 0.695607..., var = 1/22 + 1/14, z = 2.034643...
    result = distinguishing_terms(long_counts(TWO))
    row = result[(result["group"] == "二七区") & (result["term"] == "创文")].iloc[0]
    assert row["delta"] == pytest.approx(math.log(22 / 29) - math.log(14 / 37))
    assert row["z"] == pytest.approx(0.6956072064 / math.sqrt(1 / 22 + 1 / 14))
    assert row["z"] == pytest.approx(2.034643, abs=1e-6)
    assert (row["count"], row["count_other"]) == (10, 2)


def test_two_groups_are_mirror_images():
    result = distinguishing_terms(long_counts(TWO)).set_index(["group", "term"])["z"]
    for term in ("创文", "拆违", "志愿者"):
        assert result[("二七区", term)] == pytest.approx(-result[("龙山区", term)])
    assert result[("二七区", "志愿者")] == pytest.approx(0.0), "used equally: not distinctive"


@pytest.mark.parametrize("prior_strength", [None, 10.0, 500.0])
def test_matches_direct_formula_for_three_groups(prior_strength):
    result = distinguishing_terms(long_counts(THREE), prior_strength=prior_strength, top=None)
    for row in result.itertuples():
        assert row.z == pytest.approx(direct_z(THREE, row.group, row.term, prior_strength)), (row.group, row.term)


def test_each_group_gets_its_own_terms_first():
    result = distinguishing_terms(long_counts(THREE), top=2)
    assert result.columns.tolist() == ["group", "term", "count", "count_other", "delta", "z"]
    assert result.groupby("group", sort=False)["term"].apply(list).to_dict() == {
        "二七区": ["创文", "全城清洁"], "龙山区": ["创城", "包保单位"], "中原区": ["直播", "文明实践"],
    }


def test_min_count_and_repeated_rows_are_summed():
    counts = pd.concat([long_counts(TWO), long_counts({"二七区": {"创文": 5}})], ignore_index=True)
    result = distinguishing_terms(counts, min_count=3, top=None)
    assert result[(result["group"] == "二七区") & (result["term"] == "创文")]["count"].tolist() == [15]
    assert "拆违" not in result[result["group"] == "二七区"]["term"].tolist()


@pytest.mark.parametrize(("counts", "message"), [
    (long_counts({"二七区": {"创文": 3}}), "need at least 2 groups to compare, got 1: 二七区"),
    (pd.DataFrame({"group": ["二七区"], "word": ["创文"], "count": [1]}), "missing term"),
    (long_counts({"二七区": {"创文": -1}, "龙山区": {"创城": 2}}), "counts must be >= 0"),
    (long_counts({"二七区": {"创文": 0}, "龙山区": {"创城": 0}}), "all counts are 0"),
])
def test_bad_input_is_named(counts, message):
    with pytest.raises(ValueError, match=message):
        distinguishing_terms(counts)


ARTICLES = pd.DataFrame({
    "group": ["二七区", "二七区", "龙山区"],
    "article_id": ["a1", "a2", "b1"],
    "text": [
        "连日来,建中街街道针对创文工作的难点和重点,上下联动。要求志愿者200余人连夜行动!",
        "本报讯 二七区持续深化创文工作;有力提升城市文明程度。\n创文亮点多",
        "向阳街道对“创城”工作进行了清单化实施。召开班子会研究“创城”工作。",
    ],
})


@pytest.mark.parametrize(("term", "per_group", "expected"), [
    ("创文", 2, [("二七区", "a1", "连日来,建中街街道针对创文工作的难点和重点,上下联动。"),
                 ("二七区", "a2", "本报讯 二七区持续深化创文工作;")]),
    ("创城", 3, [("龙山区", "b1", "向阳街道对“创城”工作进行了清单化实施。"),
                 ("龙山区", "b1", "召开班子会研究“创城”工作。")]),
    ("垃圾分类", 3, []),
])
def test_example_sentences(term, per_group, expected):
    result = example_sentences(ARTICLES, term, per_group=per_group)
    assert list(result.itertuples(index=False, name=None)) == expected


def test_example_sentences_without_ids_and_with_bad_input():
    result = example_sentences(ARTICLES.drop(columns="article_id"), "志愿者")
    expected = [{"group": "二七区", "article_id": "", "sentence": "要求志愿者200余人连夜行动!"}]
    assert result.to_dict("records") == expected
    with pytest.raises(ValueError, match="missing text"):
        example_sentences(ARTICLES.drop(columns="text"), "创文")
    with pytest.raises(ValueError, match="term must not be empty"):
        example_sentences(ARTICLES, "")


@pytest.mark.parametrize(("text", "expected"), [
    ("第一句。第二句!第三句?", ["第一句。", "第二句!", "第三句?"]),
    ("标题\n正文;下文", ["标题", "正文;", "下文"]),
    ("  ", []),
])
def test_sentences(text, expected):
    assert sentences(text) == expected


def test_term_counts_by_group_from_output_tables():
    articles = pd.DataFrame({"article_id": ["a1", "a2", "b1", "c1"],
                             "district": ["二七区", "二七区", "龙山区", "中原区"]})
    terms = pd.DataFrame({"article_id": ["a1", "a1", "a2", "b1", "c1"],
                          "term": ["创文", "志愿者", "创文", "创城", "直播"], "count": [2, 1, 3, 4, 1]})
    result = term_counts_by_group(terms, articles, by="district", groups=["龙山区", "二七区"])
    assert list(result.itertuples(index=False, name=None)) == [
        ("龙山区", "创城", 4), ("二七区", "创文", 5), ("二七区", "志愿者", 1),
    ]
    assert distinguishing_terms(result, top=1)["term"].tolist() == ["创城", "创文"]
