"""civic.lock: one build at a time across processes; the second waits or says who holds it."""

import subprocess
import sys
import threading

import pytest

from civic.lock import BuildLocked, build_lock, lock_path, running_build

HOLDER = """
import sys
from pathlib import Path
from civic.lock import build_lock
with build_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.read()  # hold until the test closes stdin
"""


@pytest.fixture
def holder(tmp_path):
    """Another process holding the build lock of tmp_path/processed until released."""
    out = tmp_path / "processed"
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(out)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "locked\n"
    yield out, proc
    proc.stdin.close()
    proc.wait(timeout=30)


def test_second_build_is_refused_with_the_holders_pid(holder):
    out, proc = holder
    expected = (rf"another build is running into .*processed \(pid={proc.pid} "
                r"started=\d{4}-\d\d-\d\dT[\d:]+\+00:00\); waited \d+\.\d s")
    with pytest.raises(BuildLocked, match=expected), build_lock(out, timeout=0.3):
        pytest.fail("lock taken twice")
    assert running_build(out).startswith(f"pid={proc.pid} started=")


def test_second_build_waits_for_the_first_to_finish(holder):
    out, proc = holder
    releaser = threading.Timer(0.3, proc.stdin.close)
    releaser.start()
    with build_lock(out, timeout=60) as path:
        assert path == lock_path(out)
        assert proc.wait(timeout=30) == 0
    releaser.join()


def test_a_killed_holder_releases_the_lock(holder):
    out, proc = holder
    proc.kill()
    proc.wait(timeout=30)
    with build_lock(out, timeout=10):
        assert running_build(out) is not None  # we hold it now
    assert running_build(out) is None


def test_lock_file_is_in_the_output_folder(tmp_path):
    out = tmp_path / "data" / "processed"
    assert lock_path(out) == out / ".build.lock"
    assert running_build(out) is None
    with build_lock(out, timeout=0):
        assert lock_path(out).exists()


def test_two_threads_of_one_process_also_exclude_each_other(tmp_path):
    with build_lock(tmp_path, timeout=0):
        errors = []

        def second() -> None:
            try:
                with build_lock(tmp_path, timeout=0):
                    pass
            except BuildLocked as exc:
                errors.append(str(exc))

        thread = threading.Thread(target=second)
        thread.start()
        thread.join()
    assert len(errors) == 1 and "another build is running" in errors[0]


def test_the_holding_thread_may_take_the_lock_again(tmp_path):
    with build_lock(tmp_path, timeout=0), build_lock(tmp_path, timeout=0):  # app around pipeline.build
        assert running_build(tmp_path) is not None
    assert running_build(tmp_path) is None
    with build_lock(tmp_path, timeout=0):  # released fully, taken afresh
        pass
