"""AppTest harness: the dashboard pointed at a processed folder, with caches cleared per test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ENTRY = Path(__file__).resolve().parents[2] / "dashboard.py"


@pytest.fixture
def open_app(monkeypatch, tmp_path) -> Callable[..., AppTest]:
    """`open_app(processed, raw=None, page="overview", params=None)` -> an AppTest that has run that page.

    `raw` defaults to an empty folder (nothing to build); `params` are URL query parameters.
    """

    def open_(processed: Path, raw: Path | None = None, page: str = "overview",
              params: dict[str, str] | None = None) -> AppTest:
        empty_raw = tmp_path / "raw"
        empty_raw.mkdir(exist_ok=True)
        monkeypatch.setenv("CIVIC_PROCESSED", str(processed))
        monkeypatch.setenv("CIVIC_RAW", str(raw or empty_raw))
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(ENTRY), default_timeout=60)
        for key, value in (params or {}).items():
            at.query_params[key] = value
        at.run()
        if page != "overview":
            at.switch_page(f"pages/{page}.py").run()
        return at

    return open_
