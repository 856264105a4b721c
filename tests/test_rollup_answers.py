"""Every answer the rollups give or narrow equals the full tables' answer, for every kind of filter.

The same query function runs twice on one build: once with the rollup views (`civic.rollups`),
once with them dropped from the connection, which makes it read the full tables. Filters cover
each sidebar field alone and combined, and date ranges at day precision: ranges that cut a month
at either end or both, inside one month, open at one end, and a day the month does not have.
"""

from __future__ import annotations

from contextlib import contextmanager

import pandas as pd
import pytest

from civic import queries, store
from civic.filters import Filters
from civic.queries.filtering import cut_months, rollup_rows
from civic.rollups import ROLLUPS

FILTERS = {
    "none": Filters(),
    "city": Filters(cities=("郑州市",)),
    "districts": Filters(districts=("金水区", "龙山区")),
    "homonym street": Filters(streets=("南关街道",)),  # in 管城回族区 and in 老城区
    "streets of two cities": Filters(streets=("杜岭街道", "向阳街道")),
    "theme": Filters(themes=("party",)),
    "two themes": Filters(themes=("party", "parking")),
    "whole months": Filters(date_from="2019-03-01", date_to="2019-08-31"),
    "cut months": Filters(date_from="2019-03-10", date_to="2019-08-20"),
    "inside one month": Filters(date_from="2019-05-05", date_to="2019-05-20"),
    "from a cut day on": Filters(date_from="2019-07-15"),
    "up to a cut day": Filters(date_to="2020-02-10"),
    "to a day February lacks": Filters(date_to="2019-02-30"),
    "city, theme, cut months": Filters(cities=("洛阳市",), themes=("sanitation",), date_from="2019-02-08",
                                       date_to="2020-03-15"),
    "street and cut months": Filters(streets=("南关街道", "人和路街道"), date_from="2019-01-20", date_to="2019-12-12"),
    "nothing matches": Filters(cities=("不存在市",)),
}

CALLS = {
    "headline": (),
    "articles_over_time": ("month",),
    "articles_over_time by year": ("year",),
    "top_streets": (5,),
    "parse_quality": (),
    "street_theme_counts": (5,),
    "street_metric_totals": (5,),
    "metric_totals": (None,),
    "metric_totals by district": ("district",),
    "metric_totals by street": ("street",),
    "metric_totals by month": ("month",),
    "themes_over_time": ("month",),
    "themes_over_time by year": ("year",),
    "theme_by_area": ("district",),
    "theme_by_area by street": ("street",),
    "term_frequencies": (20,),
    "compare_headline": ("district", ("金水区", "老城区")),
    "compare_headline of streets": ("street", ("南关街道（管城回族区）", "南关街道（老城区）")),
    "compare_theme_shares": ("city", ("郑州市", "辽源市")),
    "compare_top_streets": ("district", ("金水区", "老城区")),
    "compare_metric_totals": ("district", ("金水区", "老城区")),
    "compare_metric_totals of streets": ("street", ("南关街道（管城回族区）", "杜岭街道（金水区）")),
    "compare_term_counts": ("district", ("金水区", "老城区")),
    "compare_term_counts of streets": ("street", ("南关街道（管城回族区）", "南关街道（老城区）")),
    "article_list": (None, None, 5),
    "article_list of a street": ("南关街道", "老城区", 3),
    "term_texts": ("district", ("金水区", "龙山区"), "背街小巷", 3),
    "term_texts of every group": ("city", ("郑州市", "辽源市"), "志愿者", 4),
}
TERMS = {"term_frequencies", "compare_term_counts", "compare_term_counts of streets"}
"""Answers from the top-term rollups: exact while no rollup cell has more than TOP_TERMS terms."""


@contextmanager
def _connections(out):
    """(rollups, full tables): two connections to the same build, the second without rollup views."""
    fast, full = store.connect(out), store.connect(out)
    for name in ROLLUPS:
        full.execute(f"DROP VIEW IF EXISTS rollup_{name}")
    try:
        yield fast, full
    finally:
        fast.close()
        full.close()


@pytest.fixture(scope="module")
def synthetic_connections(synthetic_dir):
    with _connections(synthetic_dir) as connections:
        yield connections


def _answers(connections, call: str, f: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    name = call.split(" ")[0]
    fast, full = (getattr(queries, name)(con, f, *CALLS[call]) for con in connections)
    return fast, full


@pytest.mark.parametrize("f", FILTERS.values(), ids=FILTERS.keys())
@pytest.mark.parametrize("call", CALLS)
def test_rollup_answer_equals_full_tables_on_synthetic_corpus(synthetic_connections, call, f):
    fast, full = _answers(synthetic_connections, call, f)
    pd.testing.assert_frame_equal(fast, full, check_dtype=False)


def test_filters_reach_the_rollups_day_level(synthetic_connections):
    """The cut-month filters are answered from day rows, and they select what the full tables do."""
    f = FILTERS["cut months"]
    assert cut_months(f) == ["2019-03", "2019-08"]
    assert "rollup_street_day" in rollup_rows(synthetic_connections[0], f)[0]
    assert rollup_rows(synthetic_connections[1], f) is None
    fast, full = _answers(synthetic_connections, "articles_over_time", f)
    assert fast["articles"].sum() == full["articles"].sum() > 0
    assert cut_months(FILTERS["whole months"]) == [] and cut_months(FILTERS["to a day February lacks"]) == ["2019-02"]


@pytest.fixture(scope="module")
def sample_connections(sample_dir):
    with _connections(sample_dir) as connections:
        yield connections


def _sample_filters(con) -> dict[str, Filters]:
    """Filters of each kind with values the real sample corpus has."""
    district, street = con.execute("SELECT district, street FROM articles WHERE street <> '' GROUP BY ALL "
                                   "ORDER BY count(*) DESC, 1, 2 LIMIT 1").fetchone()
    theme = con.execute("SELECT theme FROM themes GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").fetchone()[0]
    day = con.execute("SELECT min(date) FROM articles WHERE date LIKE '____-__-__'").fetchone()[0]
    return {"none": Filters(), "district": Filters(districts=(district,)), "street": Filters(streets=(street,)),
            "theme": Filters(themes=(theme,)), "cut months": Filters(date_from=day, date_to=day),
            "combined": Filters(districts=(district,), themes=(theme,), date_to=day)}


def _sample_groups(con, level: str) -> tuple[str, ...]:
    """The two groups at `level` with most articles in the sample corpus, named as the compare page names them."""
    name = "concat(street, '（', district, '）')" if level == "street" else level
    return tuple(r[0] for r in con.execute(f"SELECT {name} FROM articles WHERE {level} <> '' GROUP BY 1 "
                                           "ORDER BY count(*) DESC, 1 LIMIT 2").fetchall())


@pytest.mark.parametrize("call", sorted(set(CALLS) - TERMS))
def test_rollup_answer_equals_full_tables_on_sample_corpus(sample_connections, call):
    name, args = call.split(" ")[0], CALLS[call]
    if name.startswith("compare_") or name == "term_texts":  # the sample's own districts and streets
        args = (args[0], _sample_groups(sample_connections[0], args[0]), *args[2:])
    for kind, f in _sample_filters(sample_connections[0]).items():
        fast, full = (getattr(queries, name)(con, f, *args) for con in sample_connections)
        pd.testing.assert_frame_equal(fast, full, check_dtype=False, obj=f"{call} with {kind}")
