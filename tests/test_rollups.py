"""Rollups merged from per-bucket parts equal the same aggregates computed over the whole tables."""

from pathlib import Path

import pytest

from civic import store
from civic.rollups import ROLLUPS, TOP_TERMS

ROOT = Path(__file__).resolve().parent.parent

DIRECT = {
    "street_month": """SELECT province, city, district, street, month, count(*), count(*) FILTER (WHERE is_caption)
                       FROM articles GROUP BY ALL""",
    "district_month_theme": """SELECT province, city, district, month, theme, count(DISTINCT article_id)
                               FROM themes JOIN articles USING (article_id) GROUP BY ALL""",
    "district_month_metric": """SELECT province, city, district, month, what, unit, count(*), sum(value),
                                count(DISTINCT article_id)
                                FROM metrics JOIN articles USING (article_id) GROUP BY ALL""",
    "district_month_terms": f"""SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY province, city, district, month
                                ORDER BY c DESC, term) AS r FROM (SELECT province, city, district, month, term,
                                sum(count) AS c, count(DISTINCT article_id) FROM terms JOIN articles USING (article_id)
                                GROUP BY ALL)) WHERE r <= {TOP_TERMS}""",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from civic.pipeline import build

    out = tmp_path_factory.mktemp("rollups")
    build(ROOT / "data" / "raw", out, workers=1)
    return out


@pytest.mark.parametrize("name", list(ROLLUPS))
def test_rollup_equals_the_aggregate_over_whole_tables(built, name):
    con = store.connect(built)
    columns = ", ".join(ROLLUPS[name][1])
    rolled = sorted(con.execute(f"SELECT {columns} FROM rollup_{name}").fetchall())
    direct = sorted(con.execute(DIRECT[name]).fetchall())
    assert rolled == [tuple(row) for row in direct]
    assert rolled
