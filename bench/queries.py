"""Dashboard speed at scale: every query function and every page, rerun after each kind of filter change.

Run against a built (or seeded, see bench/seed.py) output folder:

    .venv/bin/python bench/queries.py --out /tmp/civic-bench/out-1m

Filter kinds (values taken from the corpus itself): no filter, one district, one street, one
theme, a date range that cuts months (10th of one month to the 20th of a later one), and a
combination (city, theme and a cut date range). Query functions are those public in
civic.queries, each timed as the best of --repeat runs on one DuckDB connection. AppTest opens
each page, then applies each filter and times the rerun (server-side time: the script run,
queries, charts and download bytes; no browser) and the part of it spent in query functions.
District, street and theme go through the sidebar widgets; the sidebar's date slider offers
whole months only, so a cut range (and the combination) is set by making the app's `filters()`
return it. Memory is the peak RSS of this process (DuckDB, the query frames and the AppTest
server side).
"""

from __future__ import annotations

import argparse
import inspect
import logging
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from civic import queries, store  # noqa: E402
from civic.filters import Filters  # noqa: E402

PAGES = ("overview", "streets", "metrics", "themes", "wordcloud", "compare", "articles", "data")
KINDS = ("district", "street", "theme", "cut dates", "combined")


def sample_arguments(con) -> dict:
    """Plausible values for the query functions' parameters and one filter of each kind, from the corpus."""
    city, district = con.execute("SELECT city, district FROM articles WHERE district <> '' GROUP BY ALL "
                                 "ORDER BY count(*) DESC, 1, 2 LIMIT 1").fetchall()[0]
    street, street_district = con.execute("SELECT street, district FROM articles WHERE street <> '' GROUP BY ALL "
                                          "ORDER BY count(*) DESC, 1, 2 LIMIT 1").fetchall()[0]
    districts = tuple(r[0] for r in con.execute("SELECT district FROM articles WHERE district <> '' GROUP BY 1 "
                                                "ORDER BY count(*) DESC, 1 LIMIT 2").fetchall())
    what, unit = con.execute("SELECT what, unit FROM metrics GROUP BY ALL ORDER BY count(*) DESC, 1, 2 "
                             "LIMIT 1").fetchall()[0]
    theme = con.execute("SELECT theme FROM themes GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").fetchall()[0][0]
    months = [r[0] for r in con.execute("SELECT DISTINCT month FROM articles WHERE month <> '' ORDER BY 1").fetchall()]
    lo, hi = months[len(months) // 3], months[2 * len(months) // 3]
    article_id = con.execute("SELECT article_id FROM articles LIMIT 1").fetchall()[0][0]
    cut = {"date_from": f"{lo}-10", "date_to": f"{hi}-20"}
    filters = {
        "none": Filters(),
        "district": Filters(districts=(district,)),
        "street": Filters(streets=(street,)),
        "theme": Filters(themes=(theme,)),
        "cut dates": Filters(**cut),
        "combined": Filters(cities=(city,), themes=(theme,), **cut),
    }
    return {"city": city, "district": district, "street": street, "street_district": street_district,
            "names": districts, "what": what, "unit": unit, "article_id": article_id, "needle": "志愿",
            "level": "district", "period": "month", "name": "themes", "term": "志愿者", "theme": theme,
            "filters": filters}


def query_functions() -> list[tuple[str, object]]:
    """(name, function) of every public civic.queries function that takes a connection first."""
    found = []
    for name, fn in inspect.getmembers(queries, inspect.isfunction):
        params = list(inspect.signature(fn).parameters.values())
        if not name.startswith("_") and fn.__module__.startswith(queries.__name__) and params \
                and params[0].name == "con":
            found.append((name, fn))
    return found


def time_queries(out: Path, repeat: int) -> list[tuple[str, str, float]]:
    """(function, filter kind, best seconds) for every public query function and filter kind."""
    con = store.connect(out)
    values = sample_arguments(con)
    results = []
    for name, fn in query_functions():
        params = list(inspect.signature(fn).parameters.values())[1:]
        for label, flt in values["filters"].items():
            args = []
            for p in params:
                if p.name == "f":
                    args.append(flt)
                elif p.name in values:
                    args.append(values[p.name])
                elif p.default is inspect.Parameter.empty:
                    break
            else:
                best = min(_timed(fn, con, args) for _ in range(repeat))
                results.append((name, label, best))
            if not any(p.name == "f" for p in params):
                break
    return results


def _timed(fn, con, args) -> float:
    started = time.perf_counter()
    fn(con.cursor(), *args)
    return time.perf_counter() - started


def _count_query_time(spent: list[float]) -> None:
    """Make every public civic.queries function add its run time (seconds) to spent[0]."""
    for name, fn in inspect.getmembers(queries, inspect.isfunction):
        if name.startswith("_") or not fn.__module__.startswith(queries.__name__):
            continue

        def timed(*args, _fn=fn, **kwargs):
            started = time.perf_counter()
            try:
                return _fn(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - started

        setattr(queries, name, timed)


def time_pages(out: Path, values: dict, pages: tuple[str, ...] = PAGES
               ) -> list[tuple[str, float, dict[str, tuple[float, float]]]]:
    """(page, first run seconds, {filter kind: (rerun seconds, of which in query functions)}) for every page."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from civic import app

    os.environ["CIVIC_PROCESSED"] = str(out)
    os.environ.setdefault("CIVIC_RAW", str(out / "no-raw"))
    spent = [0.0]
    _count_query_time(spent)
    sidebar_filters = app.filters
    widgets = {"district": ("flt_district", [values["district"]]), "street": ("flt_street", [values["street"]]),
               "theme": ("flt_themes", [values["theme"]])}
    results = []
    for page in pages:
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
        at.run()
        started = time.perf_counter()
        if page != "overview":
            at.switch_page(f"pages/{page}.py").run()
        first = time.perf_counter() - started
        reruns = {}
        for kind in KINDS:
            spent[0] = 0.0
            if kind in widgets:
                key, value = widgets[kind]
                widget = at.sidebar.multiselect(key=key)
                started = time.perf_counter()
                widget.set_value(value).run()
                reruns[kind] = (time.perf_counter() - started, spent[0])
                at.sidebar.multiselect(key=key).set_value([]).run()
            else:
                app.filters = lambda months=None, f=values["filters"][kind]: f  # noqa: E731
                started = time.perf_counter()
                at.run()
                reruns[kind] = (time.perf_counter() - started, spent[0])
                app.filters = sidebar_filters
                at.run()
            if at.exception:
                reruns[f"{kind} EXCEPTION {at.exception[0].message[:60]}"] = (float("nan"), float("nan"))
        results.append((page, first, reruns))
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, required=True, help="built output folder")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--no-pages", action="store_true", help="skip the AppTest part")
    p.add_argument("--no-queries", action="store_true", help="skip the query function part")
    p.add_argument("--pages", default=",".join(PAGES), help="pages to time, comma-separated (default: all)")
    args = p.parse_args(argv)
    logging.disable(logging.WARNING)  # AppTest's bare-mode warnings, one per cached call
    counts = store.row_counts(args.out)
    print(f"corpus: {counts['articles']:,} articles, {counts['terms']:,} terms rows ({args.out}); "
          f"{os.cpu_count()} cores")
    print("rollups: " + ", ".join(f"{name[7:]} {rows:,}" for name, rows in counts.items()
                                  if name.startswith("rollup_")))
    values = sample_arguments(store.connect(args.out))
    for kind, flt in values["filters"].items():
        print(f"  filter {kind}: {flt.to_query_params()}")
    labels = list(values["filters"])
    if not args.no_queries:
        timings: dict[str, dict[str, float]] = {}
        for name, label, seconds in time_queries(args.out, args.repeat):
            timings.setdefault(name, {})[label] = seconds
        print(f"{'query function (ms)':<28}" + "".join(f"{label:>11}" for label in labels))
        for name, row in timings.items():
            print(f"{name:<28}" + "".join(f"{row[label] * 1000:11.1f}" if label in row else f"{'':>11}"
                                          for label in labels))
    if not args.no_pages:
        print(f"{'page (AppTest), ms: rerun (of which queries)':<46}{'first':>7}" + "".join(f"{k:>16}" for k in KINDS))
        for page, first, reruns in time_pages(args.out, values, tuple(args.pages.split(","))):
            print(f"{page:<46}{first * 1000:7.0f}"
                  + "".join(f"{reruns[k][0] * 1000:9.0f} ({reruns[k][1] * 1000:4.0f})" for k in KINDS))
            for problem in (k for k in reruns if "EXCEPTION" in k):
                print(f"  {problem}")
    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
