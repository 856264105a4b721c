"""civic.filters: the filter state round-trips through the URL and names downloads."""

from __future__ import annotations

import pytest

from civic.filters import Filters


@pytest.mark.parametrize("f", [
    Filters(),
    Filters(cities=("郑州市",), districts=("金水区", "管城回族区")),
    Filters(streets=("南关街道",), themes=("party",), date_from="2019-03-01"),
    Filters(date_from="2019-03-01", date_to="2019-12-31"),
])
def test_url_round_trip(f):
    assert Filters.from_query_params(f.to_query_params()) == f


@pytest.mark.parametrize(("params", "expected"), [
    ({"city": ["郑州市", "郑州市", ""]}, Filters(cities=("郑州市",))),  # duplicates and blanks dropped
    ({"from": ["2019-3-1"], "to": ["昨天"]}, Filters()),  # malformed dates ignored, not guessed
    ({"from": ["<script>"], "district": ["<script>"]}, Filters(districts=("<script>",))),  # kept as data
    ({"unknown": ["x"]}, Filters()),
])
def test_from_query_params_cleans_input(params, expected):
    assert Filters.from_query_params(params) == expected


def test_name_parts_for_download_names():
    f = Filters(cities=("郑州市",), date_from="2019-03-01", themes=("party", "air"))
    assert f.name_parts() == {"city": ["郑州市"], "district": [], "street": [], "dates": ("2019-03-01", ""),
                              "theme": ["party", "air"]}
    assert Filters().is_empty() and not f.is_empty()
