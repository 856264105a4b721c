"""Filters -> small pandas DataFrames, aggregated in DuckDB over the views of `civic.store.connect`.

Every function takes a DuckDB connection (or cursor) and a `Filters`, pushes the filter into SQL
as bound parameters (user input is never formatted into SQL text) and returns a frame small enough
to cache and chart: aggregates, or at most `limit` rows of detail.

Conventions of the returned frames: `articles` counts distinct articles; `share` is a fraction in
[0, 1]; `total` sums `metrics.value` in the metric's own unit; `approx` is True when any summed
value was printed as approximate (so the true total is at least `total`); `month` is `YYYY-MM`,
`year` is `YYYY`.

Two ideas, in their own modules:
- aggregates (`panels`, `topics`, `groups`) answer every filter (places, themes, dates to the day)
  from the rollups of `civic.rollups` when they are built, else from the full tables; both paths
  give the same frames (tests/test_queries.py, tests/test_rollup_answers.py);
- drill-downs and corpus facts (`details`) read the full tables.
`filtering` turns a `Filters` into SQL for both.
"""

from civic.queries.details import (
                                   article_detail,
                                   article_list,
                                   build_report,
                                   date_bounds,
                                   filter_options,
                                   metric_sentences,
                                   months,
                                   search_articles,
                                   table_sizes,
                                   term_texts,
                                   theme_ids,
                                   whole_table,
)
from civic.queries.filtering import where
from civic.queries.groups import (
                                   compare_headline,
                                   compare_metric_totals,
                                   compare_term_counts,
                                   compare_theme_shares,
                                   compare_top_streets,
)
from civic.queries.panels import (
                                   QUALITY_MEASURES,
                                   Period,
                                   article_count,
                                   articles_over_time,
                                   headline,
                                   parse_quality,
                                   street_metric_totals,
                                   street_theme_counts,
                                   top_streets,
)
from civic.queries.topics import RATE_UNITS, Level, metric_totals, term_frequencies, theme_by_area, themes_over_time
from civic.rollups import ITEM_UNITS, PEOPLE_UNITS

__all__ = [
    "ITEM_UNITS", "PEOPLE_UNITS", "QUALITY_MEASURES", "RATE_UNITS", "Level", "Period",
    "article_count", "article_detail", "article_list", "articles_over_time", "build_report", "compare_headline",
    "compare_metric_totals", "compare_term_counts", "compare_theme_shares", "compare_top_streets", "date_bounds",
    "filter_options", "headline", "metric_sentences", "metric_totals", "months", "parse_quality",
    "search_articles", "street_metric_totals",
    "street_theme_counts", "table_sizes", "term_frequencies",
    "term_texts", "theme_by_area", "theme_ids", "themes_over_time", "top_streets", "where", "whole_table",
]
