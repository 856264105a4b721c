"""The app-facing layer, the only civic module that imports Streamlit.

It holds one DuckDB connection per process (`st.cache_resource`, reopened when a new build is
committed), caches the small frames of `civic.queries` keyed by build and filter (`st.cache_data`),
draws the shared sidebar (language, filters) and keeps it in the URL, places download buttons, and
builds the tables on first start. Pages call `query(...)`, `filters()`, `t(...)`, `downloads(...)`.
"""

from __future__ import annotations

import calendar
import io
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from civic import config, exports, i18n, queries, store
from civic.filters import Filters
from civic.themes import theme_labels

_LOG = logging.getLogger(__name__)
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+\-.!|<>~$:]")
FILTER_KEYS = ("flt_city", "flt_district", "flt_street", "flt_months", "flt_themes")


# --- data access ---------------------------------------------------------------------------

def build_stamp(out: Path) -> str | None:
    """Identity of the build committed in `out` (its generation folder name); None when unbuilt."""
    generation = store.current(out)
    return generation.name if generation else None


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(out: str, stamp: str):
    return store.connect(Path(out))


@st.cache_data(max_entries=2000, show_spinner=False)
def _cached(out: str, stamp: str, name: str, args: tuple, kwargs: tuple) -> Any:
    return getattr(queries, name)(_connection(out, stamp).cursor(), *args, **dict(kwargs))


def query(name: str, *args: Any, **kwargs: Any) -> Any:
    """`civic.queries.<name>(connection, *args, **kwargs)`, cached per build and arguments."""
    out = config.processed_dir()
    return _cached(str(out), build_stamp(out) or "", name, args, tuple(sorted(kwargs.items())))


def uncached(name: str, *args: Any) -> Callable[[], Any]:
    """A function running `civic.queries.<name>(cursor, *args)` when called, never cached (downloads)."""
    out = config.processed_dir()
    stamp = build_stamp(out) or ""
    return lambda: getattr(queries, name)(_connection(str(out), stamp).cursor(), *args)


def street_panels(f: Filters, limit: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Top streets, their theme counts and their metric totals (see civic.queries); the top streets
    are queried once, for all three."""
    top = query("top_streets", f, limit)
    return top, query("street_theme_counts", f, limit, top=top), query("street_metric_totals", f, limit, top=top)


def is_built() -> bool:
    """True when the processed folder holds a committed build."""
    return build_stamp(config.processed_dir()) is not None


# --- language ------------------------------------------------------------------------------

def lang() -> str:
    """The user's language, `zh` (default) or `en`."""
    return st.session_state.get("_keep_lang", i18n.DEFAULT_LANG)


def t(key: str, **values: object) -> str:
    """`civic.i18n.t` in the user's language (values as given: wrap corpus text in `literal` for Markdown)."""
    return i18n.t(key, lang(), **values)


def literal(value: object) -> str:
    """`value` as text that Streamlit's Markdown shows character for character (`[x](y)`, `**`, `<b>`)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\g<0>", str(value))


def theme_label(theme_id: str) -> str:
    """The theme's name in the user's language (the id for a theme the taxonomy does not know)."""
    return theme_labels(lang()).get(theme_id, theme_id)


def label_themes(df: pd.DataFrame, column: str = "theme") -> pd.DataFrame:
    """A copy of `df` with theme ids in `column` replaced by their names."""
    if column not in df:
        return df
    labels = theme_labels(lang())  # once, not per row: 5,000 rows cost 75 ms through the session state
    return df.assign(**{column: df[column].map(lambda theme_id: labels.get(theme_id, theme_id))})


# --- shared state: URL <-> widgets -> Filters ----------------------------------------------
# The sidebar is drawn by each page (`page_setup`). Widgets drawn inside a page are new widgets on
# every page, so their values are kept under `_keep_<key>` (updated by on_change) and handed back
# before each widget is drawn.

def _kept(key: str, default: Any) -> Any:
    return st.session_state.get(f"_keep_{key}", default)


def _keep(key: str) -> None:
    st.session_state[f"_keep_{key}"] = st.session_state[key]


def _restore(key: str, value: Any) -> dict:
    """Put `value` in the widget `key` before it is drawn; the widget's kwargs that keep it."""
    st.session_state[key] = value
    st.session_state[f"_keep_{key}"] = value
    return {"key": key, "on_change": _keep, "args": (key,)}


def init_session() -> None:
    """On a session's first run, take the language and filters from the URL (a copied link)."""
    if st.session_state.get("_civic_init"):
        return
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    url = Filters.from_query_params(params)
    st.session_state.update(_keep_lang="en" if params.get("lang") == ["en"] else i18n.DEFAULT_LANG,
                            _keep_flt_city=list(url.cities), _keep_flt_district=list(url.districts),
                            _keep_flt_street=list(url.streets), _keep_flt_themes=list(url.themes),
                            _url_dates=(url.date_from, url.date_to), _civic_init=True)


def _leave_old_multipage_mode() -> None:
    """Rerun through the router when Streamlit ran a file of pages/ on its own.

    With a folder named pages/ beside the entry file, Streamlit's old multipage mode runs the page
    file directly until the router's st.navigation has run once in the process: on a server's very
    first request to /streets, and on every AppTest run. That run would have the old navigation
    (file names, no titles); switching the mode off and rerunning goes through dashboard.py.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_setup() -> Filters:
    """What every page calls first: language switch, first-start build, shared filters.

    Returns:
        The current filters (the whole corpus when nothing is built yet).
    """
    _leave_old_multipage_mode()
    init_session()
    st.sidebar.radio(i18n.t("sidebar.language"), i18n.LANGS, horizontal=True,
                     format_func={"zh": "中文", "en": "English"}.get, **_restore("lang", lang()))
    ensure_built()
    return sidebar_filters() if is_built() else Filters()


def _multiselect(key: str, label: str, options: list[str], **kwargs: Any) -> list[str]:
    allowed = set(options)
    value = [v for v in _kept(key, []) if v in allowed]
    return st.sidebar.multiselect(label, options, placeholder=t("filter.all"), **_restore(key, value), **kwargs)


def _month_end(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{month}-{calendar.monthrange(year, mon)[1]:02d}"


def _clear_filters() -> None:
    for key in FILTER_KEYS:
        st.session_state.pop(f"_keep_{key}", None)
        st.session_state.pop(key, None)
    st.session_state["_url_dates"] = (None, None)


def _choices(names: pd.Series) -> list[str]:
    """The distinct non-empty names of a column, sorted (as a list first: iterating a column of
    thousands of streets value by value cost ~10 ms on every run)."""
    return sorted(name for name in set(names.tolist()) if name)


def sidebar_filters() -> Filters:
    """Draw the shared filters (city, district, street, months, themes) and mirror them in the URL."""
    options = query("filter_options")
    st.sidebar.subheader(t("sidebar.filters"))
    cities = _multiselect("flt_city", t("filter.city"), _choices(options["city"]))
    scope = options[options["city"].isin(cities)] if cities else options
    districts = _multiselect("flt_district", t("filter.district"), _choices(scope["district"]))
    scope = scope[scope["district"].isin(districts)] if districts else scope
    _multiselect("flt_street", t("filter.street"), _choices(scope["street"]))
    months = query("months")
    if len(months) > 1:
        lo, hi = st.session_state.pop("_url_dates", None) or (None, None)
        first, last = _kept("flt_months", None) or ((lo or months[0])[:7], (hi or months[-1])[:7])
        picked = tuple(min(max(m, months[0]), months[-1]) for m in (first, last))
        picked = tuple(m if m in months else next(x for x in months if x >= m) for m in picked)
        # a range slider takes its range-ness from `value`, so the kept range goes there
        st.session_state["_keep_flt_months"] = picked
        st.sidebar.select_slider(t("filter.dates"), months, value=picked, key="flt_months", on_change=_keep,
                                 args=("flt_months",))
    _multiselect("flt_themes", t("filter.themes"), query("theme_ids"), format_func=theme_label)
    st.sidebar.button(t("filter.reset"), on_click=_clear_filters, key="flt_reset")
    current = filters(months)
    _write_url(current)
    return current


def filters(months: list[str] | None = None) -> Filters:
    """The current filter state (as the sidebar last set it)."""
    months = months if months is not None else query("months")
    date_from = date_to = None
    picked = _kept("flt_months", None)
    if picked and months:
        first, last = picked
        date_from = f"{first}-01" if first != months[0] else None
        date_to = _month_end(last) if last != months[-1] else None
    return Filters(cities=tuple(_kept("flt_city", ())), districts=tuple(_kept("flt_district", ())),
                   streets=tuple(_kept("flt_street", ())), date_from=date_from, date_to=date_to,
                   themes=tuple(_kept("flt_themes", ())))


def _write_url(current: Filters) -> None:
    wanted = current.to_query_params()
    if lang() != i18n.DEFAULT_LANG:
        wanted["lang"] = [lang()]
    present = {key: st.query_params.get_all(key) for key in st.query_params}
    if present != wanted:
        st.query_params.from_dict(wanted)


# --- building ------------------------------------------------------------------------------

def _newest_raw_mtime(raw: Path) -> float:
    newest = 0.0
    for folder, _, files in os.walk(raw):
        for name in files:
            newest = max(newest, os.stat(os.path.join(folder, name)).st_mtime)
    return newest


def needs_build() -> bool:
    """True when nothing is built, a raw file is newer than the committed build, or the build
    was made by other parsing or rollup code (after an upgrade of civic)."""
    from civic.incremental import is_current

    generation = store.current(config.processed_dir())
    if generation is None or not is_current(generation):
        return True
    return _newest_raw_mtime(config.raw_dir()) > generation.stat().st_mtime


def run_build(message: str) -> pd.DataFrame | None:
    """Build the tables from the raw folder with a progress bar.

    Returns:
        The build report; None when another build is running or the build failed (the previous
        tables stay in place, and the page says what happened instead of showing a traceback).
    """
    from civic.lock import BuildLocked, build_lock
    from civic.pipeline import build

    raw, out = config.raw_dir(), config.processed_dir()
    bar = st.progress(0.0, text=message)

    def progress(done: int, total: int, name: str) -> None:
        bar.progress(done / max(total, 1), text=t("build.progress", done=done, total=total, name=name))

    try:
        with build_lock(out, timeout=0):
            report = build(raw, out, progress=progress)
    except BuildLocked:
        bar.empty()
        st.warning(t("build.busy"))
        return None
    except Exception as failure:  # a parser bug must not take the dashboard down with it
        _LOG.exception("build of %s into %s failed", raw, out)
        bar.empty()
        st.error(t("build.failed", error=literal(f"{type(failure).__name__}: {failure}")))
        return None
    bar.empty()
    st.cache_data.clear()
    return report


def ensure_built() -> None:
    """First start or stale tables: build from the raw folder, once per session, with progress."""
    if st.session_state.get("_civic_checked"):
        return
    st.session_state["_civic_checked"] = True
    raw = config.raw_dir()
    if not needs_build():
        return
    if not raw.is_dir() or not any(raw.rglob("*.txt")):
        return
    run_build(t("build.first" if not is_built() else "build.stale", raw=raw))


# --- page helpers --------------------------------------------------------------------------

def require_data(f: Filters) -> bool:
    """Show the right empty state and return False when there is nothing to show for `f`."""
    if not is_built() or query("article_count", Filters()) == 0:
        st.info(t("empty.no_data"))
        return False
    if query("article_count", f) == 0:
        st.info(t("empty.filter"))
        return False
    return True


def column_labels(df: pd.DataFrame, **extra: Any) -> dict[str, Any]:
    """`column_config` for st.dataframe naming each known column in the user's language.

    `extra` adds or overrides entries (None hides a column).
    """
    labels: dict[str, Any] = {c: t(f"col.{c}") for c in df.columns if f"col.{c}" in i18n.STRINGS}
    return {**labels, **extra}


def table(df: pd.DataFrame, key: str, **extra: Any) -> None:
    """`df` as a read-only table with translated column names; `extra` as in `column_labels`."""
    st.dataframe(df, hide_index=True, key=key, column_config=column_labels(df, **extra))


EXCEL_MAX_ROWS = exports.EXCEL_MAX_ROWS
"""Data rows an .xlsx sheet holds (1,048,576 rows less the header)."""

EXPORT_CACHE_ROWS = 50
"""Frames up to this many rows are turned into bytes on every run: st.cache_data's key and store cost
~1-1.5 ms a frame, about what CSV and .xlsx bytes of 50 rows cost (a 200-row article list: ~5 ms)."""


def downloads(data: pd.DataFrame | Callable[[], pd.DataFrame], what: str, key: str, *,
              filtered: bool = True, rows: int | None = None) -> None:
    """CSV (UTF-8 with BOM) and .xlsx buttons, named `civic_<what>_<filter>.csv|.xlsx`.

    Args:
        data: the frame behind a chart or table, or a function making it (for whole tables).
        what: what the data is, in the user's language (goes into the file name).
        key: widget key prefix, unique on the page.
        filtered: False for data the filters do not apply to (their values stay out of the name).
        rows: the row count when `data` is a function; over `EXCEL_MAX_ROWS` the .xlsx button is off.

    The bytes of a frame are made with the page (cached when it has over `EXPORT_CACHE_ROWS` rows):
    Streamlit serves a file made on click from a store that other sessions' reruns clean up, so
    under concurrent users such downloads failed with 404 (bench/load_test.py: 9 of 64). Whole
    tables, too big to make on every rerun, are still made on click.
    """
    parts = filters().name_parts() if filtered else {}
    sheet = what[:31]
    if callable(data):
        csv_bytes = lambda: exports.to_csv_bytes(data())  # noqa: E731
        xlsx_bytes = lambda: exports.to_xlsx_bytes(data(), sheet)  # noqa: E731
        too_big = (rows or 0) > EXCEL_MAX_ROWS
    else:
        csv_bytes, xlsx_bytes = (export_bytes if len(data) > EXPORT_CACHE_ROWS else exports.download_bytes)(data, sheet)
        too_big = len(data) > EXCEL_MAX_ROWS
    row = st.container(horizontal=True)
    row.download_button(t("download.csv"), data=csv_bytes,
                        file_name=exports.download_name(what, parts, "csv"),
                        mime="text/csv", key=f"{key}_csv", on_click="ignore", icon=":material/download:")
    row.download_button(t("download.xlsx"), data=xlsx_bytes,
                        disabled=too_big, help=t("download.too_big") if too_big else None,
                        file_name=exports.download_name(what, parts, "xlsx"), key=f"{key}_xlsx", on_click="ignore",
                        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        icon=":material/table:")


@st.cache_data(max_entries=256, show_spinner=False)
def export_bytes(frame: pd.DataFrame, sheet: str) -> tuple[bytes, bytes]:
    """`exports.download_bytes` (one cache key for both), cached by the frame's content."""
    return exports.download_bytes(frame, sheet)


def approx_number(value: float, approx: bool) -> str:
    """A total for display: thousands separators, `≥` in front when it sums approximate figures."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"≥ {text}" if approx else text


@st.cache_data(max_entries=64, show_spinner=False)
def cloud_png(frequencies: tuple[tuple[str, int], ...], max_words: int, font: str, width: int = 720,
              height: int = 400) -> bytes:
    """A word cloud of (term, count) pairs as PNG bytes, cached by its inputs."""
    from civic.cloud import render_cloud

    image = render_cloud(dict(frequencies), max_words=max_words, font=Path(font), width=width, height=height)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)  # ~40 % faster to encode, ~3 % bigger
    return buffer.getvalue()
