"""A build killed halfway (SIGKILL, no clean-up) leaves the previous tables intact and
readable, releases the build lock, and the next build completes.

Each test starts `python -m civic build` on a corpus of ~120 sample-page copies (several
seconds), kills its whole process group (workers included) either early (while it loads
and parses) or at its first progress report (parsed rows in hand, tables being written),
then reads every table with civic.store.read_table.
"""

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from civic import store
from civic.lock import build_lock
from civic.schema import TABLES

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "data" / "raw").glob("*.txt"))
COPIES = 120  # enough pages that no machine finishes the build before the kill point
EARLY_SECONDS = 1.5  # a kill point, not a timing assertion: any point before the end will do

pytestmark = pytest.mark.slow


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    return {name: store.read_table(name, out) for name in TABLES}


def _build_args(raw: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "civic", "build", "--raw", str(raw), "--out", str(out), "--workers", "2"]


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    """The sample pages built once (the previous tables), and a corpus grown by COPIES pages."""
    folder = tmp_path_factory.mktemp("crash")
    raw, out = folder / "raw", folder / "out"
    raw.mkdir()
    for page in PAGES:
        (raw / page.name).write_bytes(page.read_bytes())
    subprocess.run(_build_args(raw, out), cwd=ROOT, check=True, capture_output=True, timeout=300)
    before = _tables(out)
    for i in range(COPIES):
        page = PAGES[i % len(PAGES)]
        (raw / f"copy_{i:03d}.txt").write_text(page.read_text(encoding="utf-8") + f"\n\n第{i}份\n",
                                               encoding="utf-8")
    return raw, out, before


@pytest.fixture
def built(previous, tmp_path):
    """A private copy of the previous build's output folder (symlinks kept) for one test."""
    raw, out, before = previous
    copy = tmp_path / "out"
    shutil.copytree(out, copy, symlinks=True)
    return raw, copy, before


def _kill(raw: Path, out: Path, when: str) -> None:
    """Run a build and SIGKILL its process group `early` or at its first `progress` report."""
    proc = subprocess.Popen(_build_args(raw, out), cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    killed = threading.Event()

    def kill() -> None:
        if not killed.is_set() and proc.poll() is None:
            killed.set()
            os.killpg(proc.pid, signal.SIGKILL)

    timer = threading.Timer(EARLY_SECONDS, kill)
    if when == "early":
        timer.start()
    seen = b""
    while chunk := proc.stderr.read1(4096):
        seen += chunk
        if when == "progress" and b"/" in seen and b"files/s" in seen:
            kill()
    proc.wait(timeout=600)
    timer.cancel()
    assert killed.is_set(), f"build finished before it could be killed: {seen[-500:]!r}"
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize("when", ["early", "progress"])
def test_killed_build_leaves_previous_tables_intact(built, when):
    raw, out, before = built
    _kill(raw, out, when)
    after = _tables(out)
    for name in TABLES:
        pd.testing.assert_frame_equal(after[name], before[name], obj=name)
    assert set(after["build_report"]["source"]) == {p.name for p in PAGES}
    with build_lock(out, timeout=5):  # the killed build's lock died with it
        pass
    if when == "progress":  # and the next build completes, with every page
        subprocess.run(_build_args(raw, out), cwd=ROOT, check=True, capture_output=True, timeout=600)
        report = store.read_table("build_report", out)
        assert len(report) == len(PAGES) + COPIES and set(report["status"]) == {"ok"}
