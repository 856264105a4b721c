"""The running dashboard in headless Chromium (Debian's): every page, downloads, links, escaping.

Each test server is `streamlit run dashboard.py` on a free localhost port with CIVIC_PROCESSED
pointing at a built temporary folder. Screenshots of every page on the sample corpus go to
docs/screenshots/<url_path>.png (used in the README's tour).
"""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PAGES = {"overview": "总览", "streets": "街道", "metrics": "工作量", "themes": "主题", "wordcloud": "词云",
         "compare": "对比", "articles": "文章", "data": "数据"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(processed: Path, raw: Path, log: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "CIVIC_PROCESSED": str(processed), "CIVIC_RAW": str(raw)}
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with open(log, "wb") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"streamlit did not start: {log.read_text(errors='replace')[-2000:]}") from None
                time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def sample_server(sample_dir, tmp_path_factory) -> Iterator[str]:
    yield from _serve(sample_dir, ROOT / "data" / "raw", tmp_path_factory.mktemp("logs") / "sample.log")


@pytest.fixture(scope="module")
def synthetic_server(synthetic_dir, tmp_path_factory) -> Iterator[str]:
    raw = tmp_path_factory.mktemp("empty_raw")
    yield from _serve(synthetic_dir, raw, tmp_path_factory.mktemp("logs") / "synthetic.log")


@pytest.fixture
def empty_server(tmp_path) -> Iterator[str]:
    raw = tmp_path / "raw"
    raw.mkdir()
    yield from _serve(tmp_path / "processed", raw, tmp_path / "empty.log")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="zh-CN")
    tab = context.new_page()
    yield tab
    context.close()


def _settle(tab, timeout: float = 30) -> None:
    """Wait until the app is connected, its script has finished, and it stays finished for a moment.

    The script-run state is the attribute Streamlit's own browser tests wait on; the status widget
    only shows after a delay, so a slow first run could look finished while the sidebar was half built.
    """
    tab.wait_for_selector('[data-testid="stSidebar"]', timeout=timeout * 1000)
    app = tab.locator('[data-testid="stApp"]')
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        finished = (app.get_attribute("data-test-connection-state") == "CONNECTED"
                    and app.get_attribute("data-test-script-state") == "notRunning"
                    and tab.locator('[data-testid="stStatusWidget"]').count() == 0)
        if not finished:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 1.0:
            return
        time.sleep(0.1)
    raise AssertionError(f"the app did not finish running within {timeout} s: {tab.url}")


def _screenshot(tab, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the window to its height first."""
    height = tab.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    tab.set_viewport_size({"width": 1400, "height": min(max(int(height), 1000), 6000)})
    _settle(tab, timeout=10)
    tab.screenshot(path=str(path))
    tab.set_viewport_size({"width": 1400, "height": 1000})


def _open(tab, url: str) -> None:
    tab.goto(url)
    _settle(tab)


def test_every_page_loads_renders_chinese_and_is_screenshotted(sample_server, page):
    _open(page, f"{sample_server}/")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for url_path, title in PAGES.items():
        _open(page, f"{sample_server}/{url_path}")
        assert page.locator('[data-testid="stException"]').count() == 0, url_path
        assert page.locator("h1").first.inner_text().strip() == title
        assert "筛选" in page.locator('[data-testid="stSidebar"]').inner_text()
        if url_path == "metrics":  # click through from the largest total to its sentences
            page.locator('[data-testid="stSelectbox"]').filter(has_text="或选择一项合计").click()
            page.get_by_role("option").first.click()
            _settle(page)
            assert "的来源句子" in page.locator('[data-testid="stMain"]').inner_text()
        _screenshot(page, SCREENSHOTS / f"{url_path}.png")


def test_csv_download_has_bom_and_reads_back(sample_server, page):
    _open(page, f"{sample_server}/overview")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("下载 CSV")).first.click()
    path = download.value.path()
    data = Path(path).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(table.columns) == ["period", "articles"]
    assert download.value.suggested_filename.endswith(".csv")


def test_copied_url_restores_filters(synthetic_server, synthetic, page):
    articles = synthetic["articles"]
    # the server's very first request is a copied link to a page other than the default
    _open(page, f"{synthetic_server}/streets?district=%E9%BE%99%E5%B1%B1%E5%8C%BA&theme=party")
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert "龙山区" in sidebar and "党建引领" in sidebar and "总览" in sidebar
    assert page.locator("h1").first.inner_text().strip() == "街道"
    assert page.locator('[data-testid="stException"]').count() == 0
    _open(page, f"{synthetic_server}/overview?district=%E9%BE%99%E5%B1%B1%E5%8C%BA&from=2019-03-01&to=2019-12-31")
    expected = articles[(articles["district"] == "龙山区") & articles["month"].between("2019-03", "2019-12")]
    figure = page.locator('[data-testid="stMetricValue"]').first.inner_text().strip()
    assert figure == str(len(expected))
    assert "district=" in page.url and "from=2019-03-01" in page.url
    page.locator('[data-testid="stSidebarNav"]').get_by_text("主题").click()  # filters follow to another page
    _settle(page)
    assert "/themes" in page.url and "district=" in page.url and "from=2019-03-01" in page.url
    assert "龙山区" in page.locator('[data-testid="stSidebar"]').inner_text()


def test_article_text_is_shown_literally(synthetic_server, page):
    _open(page, f"{synthetic_server}/articles")
    box = page.get_by_label("全文搜索（中文子串）")
    box.fill("script")
    box.press("Enter")
    _settle(page)
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "<script>alert(1)</script>" in body
    assert "[点此](http://example.com)" in body
    assert page.locator('[data-testid="stMain"] a[href="http://example.com"]').count() == 0


def test_upload_a_gb18030_page_and_rebuild(empty_server, page, tmp_path):
    _open(page, f"{empty_server}/data")
    assert "还没有数据" in page.locator('[data-testid="stMain"]').inner_text()
    source = sorted((ROOT / "data" / "raw").glob("*.txt"))[0]
    upload = tmp_path / "郑州日报_gb18030.txt"
    upload.write_bytes(source.read_text(encoding="utf-8-sig").encode("gb18030"))
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    page.get_by_role("button", name="重建数据表").click()
    page.wait_for_selector("text=构建报告", timeout=120_000)
    _settle(page)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "已保存 1 个文件" in main and "已生成：1 个文件" in main
