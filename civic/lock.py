"""One build at a time, across processes (the CLI and the app): an flock on a lock file.

The lock file is `<out>/.build.lock` (git-ignored; civic.store only ever replaces its own
table names and `.builds/` inside `out`, so the file outlives every build). It holds one
line, `pid=<pid> started=<ISO UTC>`, written by the holder; the file is never deleted
(deleting a flock'd file races). The operating system drops the lock when the holder exits,
even when it is killed. The lock is re-entrant for the thread holding it (a caller may hold
it around `pipeline.build` and build take it again); other threads and processes wait.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POLL_SECONDS = 0.1
_held: dict[Path, tuple[int, int]] = {}  # lock file -> (holding thread id, depth), this process
_held_guard = threading.Lock()


class BuildLocked(RuntimeError):
    """Another build holds the lock; the message says which process and since when."""


def lock_path(out: Path) -> Path:
    """The lock file guarding builds into `out`."""
    return Path(out).resolve() / ".build.lock"


def _holder(path: Path) -> str:
    try:
        line = path.read_text(encoding="utf-8").strip()
    except OSError:
        line = ""
    return line or "holder unknown"


def _message(path: Path, out: Path, waited: float) -> str:
    return (f"another build is running into {out} ({_holder(path)}); "
            f"waited {waited:.1f} s — try again when it has finished")


@contextmanager
def build_lock(out: Path, *, timeout: float | None = None) -> Iterator[Path]:
    """Hold the build lock of `out` for the body of the `with`.

    Args:
        out: the output folder of the build (created when missing).
        timeout: seconds to wait for another build to finish; None waits as long as it
            takes, 0 does not wait.

    Yields:
        The lock file's path.

    Raises:
        BuildLocked: when another process still holds the lock after `timeout` seconds.
    """
    path = lock_path(out)
    me = threading.get_ident()
    with _held_guard:
        holder, depth = _held.get(path, (None, 0))
        if holder == me:
            _held[path] = (me, depth + 1)
    if holder == me:
        try:
            yield path
        finally:
            with _held_guard:
                _held[path] = (me, depth)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        start = time.monotonic()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - start
                if timeout is not None and waited >= timeout:
                    raise BuildLocked(_message(path, Path(out), waited)) from None
                time.sleep(POLL_SECONDS if timeout is None else min(POLL_SECONDS, timeout - waited))
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid={os.getpid()} started={started}\n".encode(), 0)
        with _held_guard:
            _held[path] = (me, 1)
        try:
            yield path
        finally:
            with _held_guard:
                del _held[path]
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def running_build(out: Path) -> str | None:
    """`pid=... started=...` of the build running into `out`, or None when there is none."""
    path = lock_path(out)
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _holder(path)
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
