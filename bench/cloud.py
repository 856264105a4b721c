"""Word-cloud drawing time: wordcloud's own layout (before) against civic.cloud.render_cloud (after).

    .venv/bin/python bench/cloud.py                                     # the sample corpus
    .venv/bin/python bench/cloud.py --out /tmp/civic-bench/out-1k       # and a bigger built corpus

What it prints (milliseconds):
1. draw time of the page's cloud (720 x 400 pixels), the best of --repeat runs in wall time and
   in CPU time of this process, for the corpus' most frequent terms, as
   `civic.queries.term_frequencies` gives them to the page: 100 words (the page's default) and
   300 (its slider's maximum), and for the whole term table (every term of the corpus, the 300
   largest drawn); for the sample corpus and for `--out` when given. Columns:
   - `before`: `WordCloud(...).generate_from_frequencies(...).to_image()` with the settings the
     page used before (wordcloud's defaults: full-size canvas, font_step 1, margin 2);
   - `after`: `render_cloud` (layout on 2-pixel cells, one font object per size, bisected
     shrinking), then the PNG encoding `civic.app.cloud_png` adds, and the ink share of both
     images (share of non-white pixels: similar density means similar figures);
2. with --sweep, `render_cloud` at LAYOUT_SCALE 1, 2 (the setting) and 3: time and ink share;
3. the word-cloud page through AppTest (server side, no browser) on the sample corpus and on
   `--out`: its first run, then a rerun after each of the first --districts district filters (a
   new frequency table, so the query and the drawing both miss their caches), once with each
   drawing; median and maximum wall time, median CPU time of this process (the script run and
   DuckDB's threads).
The machine's load average is printed first: on a shared machine compare the before/after
ratio of one run, not absolute figures across runs.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from civic import cloud, queries, store  # noqa: E402
from civic.filters import Filters  # noqa: E402

WIDTH, HEIGHT = 720, 400  # the page's cloud (civic.app.cloud_png)


def wordcloud_image(frequencies: Mapping[str, int], *, max_words: int, font: Path, width: int, height: int,
                    random_state: int = 42):
    """The drawing as the page made it before: wordcloud's layout on the full-size canvas."""
    from wordcloud import WordCloud

    words = {term: count for term, count in frequencies.items() if count > 0}
    return WordCloud(font_path=str(font), width=width, height=height, max_words=max_words,
                     background_color="white", colormap="viridis", prefer_horizontal=0.9,
                     random_state=random_state).generate_from_frequencies(words).to_image()


def best_ms(draw: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """Best wall time and best CPU time of `repeat` calls (ms), and the last result.

    CPU time (this process) is far less sensitive than wall time to other work on a shared machine.
    """
    wall, cpu, result = [], [], None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = draw()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return min(wall) * 1000, min(cpu) * 1000, result


def ink_share(image) -> float:
    """Share of pixels that are not white (any word's ink or its antialiasing)."""
    return float((np.asarray(image.convert("L")) < 250).mean())


def png_ms(image, repeat: int) -> float:
    def encode() -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()
    return best_ms(encode, repeat)[0]


def frequency_tables(out: Path) -> list[tuple[str, dict[str, int], int]]:
    """(label, term -> count, words drawn) for the page's default, its maximum and the whole table."""
    con = store.connect(out).cursor()
    tables = []
    for limit, label in ((100, "top 100"), (300, "top 300"), (10**9, "all terms")):
        terms = queries.term_frequencies(con, Filters(), limit)
        tables.append((f"{label} ({len(terms):,})", dict(zip(terms["term"], terms["count"].astype(int), strict=True)),
                       min(limit, 300)))
    return tables


def time_draws(name: str, out: Path, font: Path, repeat: int) -> None:
    for label, frequencies, words in frequency_tables(out):
        before, before_cpu, old = best_ms(lambda f=frequencies, n=words: wordcloud_image(
            f, max_words=n, font=font, width=WIDTH, height=HEIGHT), repeat)
        after, after_cpu, new = best_ms(lambda f=frequencies, n=words: cloud.render_cloud(
            f, max_words=n, font=font, width=WIDTH, height=HEIGHT), repeat)
        print(f"{name:<10}{label:<19}{words:>6}{before:>8.0f}{after:>7.0f}{before / after:>7.1f}x"
              f"{before_cpu:>9.0f}{after_cpu:>7.0f}{before_cpu / after_cpu:>7.1f}x"
              f"{png_ms(new, repeat):>6.0f}{ink_share(old):>11.3f}{ink_share(new):>7.3f}")


def sweep(out: Path, font: Path, repeat: int) -> None:
    chosen = cloud.LAYOUT_SCALE
    print(f"{'LAYOUT_SCALE':<14}{'table':<20}{'words':>6}{'ms':>10}{'ink':>10}")
    try:
        for scale in (1, 2, 3):
            cloud.LAYOUT_SCALE = scale
            for label, frequencies, words in frequency_tables(out)[:2]:
                ms, _, image = best_ms(lambda f=frequencies, n=words: cloud.render_cloud(
                    f, max_words=n, font=font, width=WIDTH, height=HEIGHT), repeat)
                print(f"{scale:<14}{label:<20}{words:>6}{ms:>10.0f}{ink_share(image):>10.3f}")
    finally:
        cloud.LAYOUT_SCALE = chosen


def time_page(name: str, out: Path, districts: int) -> None:
    """First run and reruns after `districts` district filters of the word-cloud page, with each drawing."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["CIVIC_PROCESSED"] = str(out)
    os.environ["CIVIC_RAW"] = str(out / "no-raw")
    ours = cloud.render_cloud
    print(f"{'word-cloud page, ' + name + ' (AppTest, ms)':<42}{'first run':>10}{'reruns: median':>16}{'max':>7}"
          f"{'cpu median':>12}")
    try:
        for label, render in (("before (wordcloud)", wordcloud_image), ("after (render_cloud)", ours)):
            cloud.render_cloud = render  # civic.app.cloud_png looks it up at each call
            st.cache_data.clear()
            at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
            at.run()
            started = time.perf_counter()
            at.switch_page("pages/wordcloud.py").run()
            first = time.perf_counter() - started
            reruns, cpu = [], []
            for district in at.sidebar.multiselect(key="flt_district").options[:districts]:
                started, started_cpu = time.perf_counter(), time.process_time()
                at.sidebar.multiselect(key="flt_district").set_value([district]).run()
                reruns.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
                at.sidebar.multiselect(key="flt_district").set_value([]).run()
            if at.exception:
                print(f"  exception: {at.exception[0].message[:200]}")
            print(f"{label:<42}{first * 1000:>10.0f}{statistics.median(reruns) * 1000:>16.0f}"
                  f"{max(reruns) * 1000:>7.0f}{statistics.median(cpu) * 1000:>12.0f}   ({len(reruns)} districts)")
    finally:
        cloud.render_cloud = ours


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, help="a bigger built output folder to draw from as well")
    p.add_argument("--repeat", type=int, default=3, help="runs per figure, the best is kept (default 3)")
    p.add_argument("--sweep", action="store_true", help="also time LAYOUT_SCALE 1, 2 and 3")
    p.add_argument("--districts", type=int, default=8, help="district filters per page timing (default 8)")
    p.add_argument("--no-page", action="store_true", help="skip the AppTest part")
    args = p.parse_args(argv)
    font = cloud.require_font()
    print(f"font {font}; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="civic-cloud-") as folder:
        sample = Path(folder) / "processed"
        subprocess.run([sys.executable, "-m", "civic", "build", "--raw", str(ROOT / "data" / "raw"),
                        "--out", str(sample), "--workers", "1"], cwd=ROOT, check=True, capture_output=True)
        wordcloud_image({"文明": 2, "城市": 1}, max_words=2, font=font, width=100, height=60)  # imports, warm-up
        cloud.render_cloud({"文明": 2, "城市": 1}, font=font, width=100, height=60)
        print(f"{'corpus':<10}{'table':<19}{'words':>6}{'wall: before':>14}{'after':>7}{'ratio':>8}"
              f"{'cpu: before':>13}{'after':>7}{'ratio':>8}{'png':>6}{'ink: before':>13}{'after':>7}")
        time_draws("sample", sample, font, args.repeat)
        if args.out:
            time_draws(args.out.name, args.out, font, args.repeat)
        if args.sweep:
            sweep(args.out or sample, font, args.repeat)
        if not args.no_page:
            time_page("sample", sample, args.districts)
            if args.out:
                time_page(args.out.name, args.out, args.districts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
