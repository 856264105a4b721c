"""Load test: N simultaneous dashboard sessions filter and download; report errors, latency, RSS.

    .venv/bin/python bench/load_test.py                  # 20 sessions, 2 rounds each
    .venv/bin/python bench/load_test.py --sessions 5 --rounds 1 --pages 50

What it does, all on the loopback interface and bounded in count and time:
1. builds a corpus into a temporary folder (`bench/generate.py` pages of many cities when it is
   there, else copies of the sample pages) with `python -m civic build`;
2. starts `streamlit run dashboard.py` on 127.0.0.1 against it (CIVIC_RAW / CIVIC_PROCESSED);
3. opens N browser contexts in one headless Debian Chromium (Playwright) at the same moment;
   each session loads the overview, then per round picks a filter value in the sidebar
   (waits for the rerun to write it into the URL), downloads a CSV, opens the articles page
   with the same filter in the URL and downloads an Excel file, checking both files' bytes,
   and goes back to an unfiltered overview;
4. prints errors (browser page errors, Streamlit exception boxes, HTTP >= 400, bad downloads,
   timeouts), latency percentiles per action, and the server's resident memory (RSS, MiB,
   streamlit and its children, sampled every 0.5 s).

Why real browsers rather than AppTest in threads: AppTest runs page scripts without the server,
so it would not exercise what concurrent users share (the Tornado/uvicorn server, websockets,
the media endpoint serving downloads, the process-wide DuckDB connection and caches).
Exit status 1 when any error occurred.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
HOST = "127.0.0.1"
# a page has rendered when its main area shows a download button or a message (no results)
RENDERED = ('[data-testid="stMain"] [data-testid="stDownloadButton"], '
            '[data-testid="stMain"] [data-testid="stAlert"]')


@dataclass
class Stats:
    """Latencies (seconds) per action and the errors seen, shared by all sessions."""

    latency: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    empty: int = 0  # filter picks that matched nothing (no download offered): not errors

    def time(self, action: str, seconds: float) -> None:
        self.latency.setdefault(action, []).append(seconds)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def make_corpus(raw: Path, pages: int) -> str:
    """Fill `raw` with `pages` page files; says how."""
    generator = ROOT / "bench" / "generate.py"
    if generator.exists():
        done = subprocess.run([PYTHON, str(generator), "--pages", str(pages), "--out", str(raw)], cwd=ROOT,
                              capture_output=True, text=True, timeout=600)
        if done.returncode == 0 and any(raw.glob("*.txt")):
            return f"{pages} generated pages (bench/generate.py)"
    raw.mkdir(parents=True, exist_ok=True)
    samples = sorted((ROOT / "data" / "raw").glob("*.txt"))
    for i in range(pages):
        page = samples[i % len(samples)]
        (raw / f"{i:05d}_{page.name}").write_text(page.read_text(encoding="utf-8") + f"\n\n第{i}份\n",
                                                  encoding="utf-8")
    shutil.copy(ROOT / "data" / "raw" / "manifest.csv", raw / "manifest.csv")
    return f"{pages} copies of the sample pages"


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def rss_mib(pid: int) -> float:
    """Resident memory of `pid` and its descendants, MiB."""
    total = 0
    for member in _tree(pid):
        with contextlib.suppress(OSError), open(f"/proc/{member}/status", encoding="utf-8") as f:
            total += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by `pid` and its descendants, seconds."""
    ticks = 0
    for member in _tree(pid):
        with contextlib.suppress(OSError, ValueError, IndexError), open(f"/proc/{member}/stat",
                                                                         encoding="utf-8") as f:
            fields = f.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


class RssSampler(threading.Thread):
    """Samples the server's RSS every 0.5 s until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.samples, self.stopped = pid, [], threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            self.samples.append(rss_mib(self.pid))


def wait_healthy(port: int, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(
                f"http://{HOST}:{port}/_stcore/health", timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"streamlit not healthy after {timeout:.0f} s")


async def idle(page, timeout_ms: float) -> None:
    """Wait until the app's script run is over (no status widget, no stale elements)."""
    await page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelector('[data-testid=\"stMain\"]')"
        " && !document.querySelector('[data-stale=\"true\"]')", timeout=timeout_ms, polling=200)


async def rendered(page, timeout_ms: float) -> None:
    """Wait until the main area shows a result (`RENDERED`) and the script run is over."""
    await page.locator(RENDERED).first.wait_for(timeout=timeout_ms)
    await idle(page, timeout_ms)


async def visit(page, url: str, action: str | None, stats: Stats, session: int, timeout_ms: float) -> None:
    """Open `url` and wait until it has rendered. With an `action`, the time from opening to
    rendered is recorded under it and exception boxes on the page are reported as errors."""
    started = time.monotonic()
    await page.goto(url, timeout=timeout_ms)
    await rendered(page, timeout_ms)
    if action:
        stats.time(action, time.monotonic() - started)
        await check_exceptions(page, url.split("?", 1)[0].rsplit("/", 1)[-1], stats, session)


async def check_exceptions(page, where: str, stats: Stats, session: int) -> None:
    count = await page.locator('[data-testid="stException"]').count()
    if count:
        text = (await page.locator('[data-testid="stException"]').first.inner_text())[:200]
        stats.errors.append(f"session {session}: {count} exception box(es) on {where}: {text!r}")


async def download(page, button, kind: str, stats: Stats, session: int, timeout_ms: float) -> None:
    """Click a download button; check the file's first bytes (CSV: UTF-8 BOM; xlsx: zip)."""
    started = time.monotonic()
    async with page.expect_download(timeout=timeout_ms) as info:
        await button.click(timeout=timeout_ms)
    downloaded = await info.value
    path = await downloaded.path()
    data = Path(path).read_bytes() if path else b""
    stats.time(f"download {kind}", time.monotonic() - started)
    magic = b"\xef\xbb\xbf" if kind == "csv" else b"PK\x03\x04"
    if not data.startswith(magic):
        stats.errors.append(f"session {session}: {kind} download {downloaded.suggested_filename!r} "
                            f"starts with {data[:8]!r}")


def _probe(url: str) -> bool:
    """The frontend first looks for its health and config endpoints under the page's own path
    (`/overview/_stcore/health`), then at the root; those 404s are expected."""
    path = url.split("?", 1)[0]
    return path.endswith(("/_stcore/health", "/_stcore/host-config")) and path.count("/") > 4


async def _download_or_empty(page, label: str, kind: str, where: str, stats: Stats, session: int,
                             timeout_ms: float) -> None:
    """Download with the button labelled `label`; a page that says its filter matches nothing
    (an info box and no button) is counted as an empty result, not an error."""
    button = page.locator(f'[data-testid="stMain"] [data-testid="stDownloadButton"] button:has-text("{label}")')
    if await button.count():
        await download(page, button.first, kind, stats, session, timeout_ms)
    elif await page.locator('[data-testid="stMain"] [data-testid="stAlert"]').count():
        stats.empty += 1
    else:
        text = (await page.locator('[data-testid="stMain"]').inner_text())[:200]
        stats.errors.append(f"session {session}: no {label} button on {where}: {text!r}")


async def session(browser, base: str, number: int, rounds: int, stats: Stats, timeout_ms: float) -> None:
    """One user: load, then per round pick a filter, download CSV, open the articles page with
    the same filter (from the URL) and download Excel, then go back to an unfiltered overview."""
    context = await browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.on("pageerror", lambda exc: stats.errors.append(f"session {number}: page error: {exc}"))
    page.on("response", lambda r: r.status >= 400 and not _probe(r.url) and stats.errors.append(
        f"session {number}: HTTP {r.status} {r.url}"))
    try:
        await visit(page, f"{base}/overview", "first load", stats, number, timeout_ms)
        for round_ in range(rounds):
            selects = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]')
            target = selects.nth((number + round_) % max(await selects.count(), 1))
            before = page.url
            started = time.monotonic()
            await target.click(timeout=timeout_ms)
            options = page.locator('[role="option"]')
            await options.first.wait_for(timeout=timeout_ms)
            await options.nth((number * 7 + round_) % await options.count()).click(timeout=timeout_ms)
            await page.keyboard.press("Escape")
            await page.wait_for_url(lambda url, before=before: url != before, timeout=timeout_ms)
            await rendered(page, timeout_ms)
            stats.time("filter rerun", time.monotonic() - started)
            await check_exceptions(page, "overview after filter", stats, number)
            await _download_or_empty(page, "CSV", "csv", "the overview", stats, number, timeout_ms)
            query = page.url.split("?", 1)[1] if "?" in page.url else ""
            await visit(page, f"{base}/articles?{query}", "open articles", stats, number, timeout_ms)
            await _download_or_empty(page, "Excel", "xlsx", "the articles page", stats, number, timeout_ms)
            await visit(page, f"{base}/overview", None, stats, number, timeout_ms)
    except Exception as exc:  # a timeout or a broken page is a result to report, not a crash
        stats.errors.append(f"session {number}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    finally:
        await context.close()


async def drive(port: int, sessions: int, rounds: int, timeout_s: float) -> Stats:
    from playwright.async_api import async_playwright

    stats = Stats()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            base = f"http://{HOST}:{port}"
            work = [session(browser, base, i, rounds, stats, timeout_s * 1000) for i in range(sessions)]
            await asyncio.wait_for(asyncio.gather(*work), timeout=timeout_s * (2 + 3 * rounds))
        finally:
            await browser.close()
    return stats


def percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return f"n={len(values)} " + " ".join(f"{v:.2f}s" for v in values)
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return (f"n={len(values):3d}  p50 {cuts[49]:6.2f}s  p90 {cuts[89]:6.2f}s  p95 {cuts[94]:6.2f}s  "
            f"max {max(values):6.2f}s")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sessions", type=int, default=20, help="simultaneous browser sessions (default 20)")
    p.add_argument("--rounds", type=int, default=2, help="filter+download rounds per session (default 2)")
    p.add_argument("--pages", type=int, default=300, help="pages in the corpus (default 300)")
    p.add_argument("--timeout", type=float, default=180, help="seconds allowed per action (default 180)")
    p.add_argument("--app", default=str(ROOT / "dashboard.py"), help="the streamlit script (default dashboard.py)")
    args = p.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="civic-load-") as folder:
        raw, out = Path(folder) / "raw", Path(folder) / "processed"
        how = make_corpus(raw, args.pages)
        started = time.monotonic()
        subprocess.run([PYTHON, "-m", "civic", "build", "--raw", str(raw), "--out", str(out)], cwd=ROOT,
                       check=False, capture_output=True, timeout=1800)
        print(f"corpus: {how}, built in {time.monotonic() - started:.1f} s")
        port = free_port()
        env = {**os.environ, "CIVIC_RAW": str(raw), "CIVIC_PROCESSED": str(out)}
        server = subprocess.Popen(
            [PYTHON, "-m", "streamlit", "run", args.app, "--server.port", str(port),
             "--server.address", HOST, "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        sampler = RssSampler(server.pid)
        try:
            wait_healthy(port, server, 120)
            idle_rss, idle_cpu = rss_mib(server.pid), cpu_seconds(server.pid)
            load = os.getloadavg()[0]
            sampler.start()
            started = time.monotonic()
            stats = asyncio.run(drive(port, args.sessions, args.rounds, args.timeout))
            wall = time.monotonic() - started
            server_cpu = cpu_seconds(server.pid) - idle_cpu
        finally:
            sampler.stopped.set()
            server.terminate()
            try:
                _, stderr = server.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                _, stderr = server.communicate()
    tracebacks = stderr.decode("utf-8", errors="replace").count("Traceback")
    if tracebacks:
        stats.errors.append(f"server logged {tracebacks} traceback(s)")
    print(f"{args.sessions} simultaneous sessions x {args.rounds} rounds in {wall:.1f} s "
          f"(headless Chromium, {HOST}:{port}; {os.cpu_count()} cores, load average {load:.1f} at start)")
    for action, values in stats.latency.items():
        print(f"  {action:<16} {percentiles(values)}")
    peak = max(sampler.samples, default=idle_rss)
    print(f"server RSS: {idle_rss:.0f} MiB idle, {peak:.0f} MiB peak; server CPU {server_cpu:.1f} s "
          f"({100 * server_cpu / wall:.0f}% of one core over the run)")
    print(f"filter picks that matched nothing (no download offered): {stats.empty}")
    print(f"errors: {len(stats.errors)}")
    for error in stats.errors[:50]:
        print(f"  {error}")
    return 1 if stats.errors else 0


if __name__ == "__main__":
    sys.exit(main())
