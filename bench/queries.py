"""Dashboard speed at scale: every query function, and a full AppTest rerun of every page on a filter change.

Run against a built (or seeded, see bench/seed.py) output folder:

    .venv/bin/python bench/queries.py --out /tmp/civic-bench/out-1m

Query functions are found in civic.queries and called with the whole corpus and with one city
selected, each timed as the best of --repeat runs on one DuckDB connection. AppTest opens each
page, then selects one city in the sidebar and times the rerun (server-side time: the script
run, queries and chart building; no browser). Memory is the peak RSS of this process.
"""

from __future__ import annotations

import argparse
import inspect
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


def sample_arguments(con) -> dict:
    """Plausible values for the query functions' parameters, taken from the corpus itself."""
    city, district = con.execute("SELECT city, district FROM articles WHERE district <> '' GROUP BY ALL "
                                 "ORDER BY count(*) DESC LIMIT 1").fetchall()[0]
    districts = tuple(r[0] for r in con.execute("SELECT district FROM articles WHERE district <> '' GROUP BY 1 "
                                                "ORDER BY count(*) DESC LIMIT 2").fetchall())
    what, unit = con.execute("SELECT what, unit FROM metrics GROUP BY ALL ORDER BY count(*) DESC LIMIT 1").fetchall()[0]
    article_id = con.execute("SELECT article_id FROM articles LIMIT 1").fetchall()[0][0]
    return {"city": city, "district": district, "names": districts, "what": what, "unit": unit,
            "article_id": article_id, "needle": "志愿", "level": "district", "period": "month", "name": "themes"}


def time_queries(out: Path, repeat: int) -> list[tuple[str, str, float]]:
    """(function, filter, best seconds) for every public query function."""
    con = store.connect(out)
    values = sample_arguments(con)
    results = []
    for name, fn in inspect.getmembers(queries, inspect.isfunction):
        if name.startswith("_") or fn.__module__ != queries.__name__ or name == "where":
            continue
        params = list(inspect.signature(fn).parameters.values())
        if not params or params[0].name != "con":
            continue
        params = params[1:]
        for label, flt in (("all", Filters()), ("one city", Filters(cities=(values["city"],)))):
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


def time_pages(out: Path, city: str) -> list[tuple[str, float, float]]:
    """(page, first run seconds, rerun seconds after selecting `city`) for every page."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["CIVIC_PROCESSED"] = str(out)
    os.environ.setdefault("CIVIC_RAW", str(out / "no-raw"))
    results = []
    for page in PAGES:
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
        at.run()
        started = time.perf_counter()
        if page != "overview":
            at.switch_page(f"pages/{page}.py").run()
        first = time.perf_counter() - started
        started = time.perf_counter()
        at.sidebar.multiselect(key="flt_city").set_value([city]).run()
        rerun = time.perf_counter() - started
        failed = f" EXCEPTION {at.exception[0].message[:80]}" if at.exception else ""
        results.append((page + failed, first, rerun))
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, required=True, help="built output folder")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--no-pages", action="store_true", help="skip the AppTest part")
    args = p.parse_args(argv)
    counts = store.row_counts(args.out)
    print(f"corpus: {counts['articles']:,} articles, {counts['terms']:,} terms rows ({args.out}); "
          f"{os.cpu_count()} cores")
    print(f"{'query function':<28} {'filter':<9} {'ms':>8}")
    for name, label, seconds in time_queries(args.out, args.repeat):
        print(f"{name:<28} {label:<9} {seconds * 1000:8.1f}")
    if not args.no_pages:
        city = sample_arguments(store.connect(args.out))["city"]
        print(f"{'page (AppTest)':<28} {'first ms':>9} {'filter change ms':>17}")
        for page, first, rerun in time_pages(args.out, city):
            print(f"{page:<28} {first * 1000:9.0f} {rerun * 1000:17.0f}")
    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
