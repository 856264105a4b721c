"""The engine: one task function over a lazy task stream, in process, on a local pool or on Dask."""

import gc
import os

import pytest

from civic import engine

_LOADED: dict[str, int] = {}


def _load() -> None:
    _LOADED["pid"] = os.getpid()


def _square(x: int) -> int:
    return x * x


def _loaded_by(_: int) -> int:
    return _LOADED.get("pid", -1)


@pytest.mark.parametrize("workers", [1, 2])
def test_every_task_gives_one_result(workers):
    assert sorted(engine.run(_square, range(7), workers=workers)) == [x * x for x in range(7)]


def test_workers_inherit_what_the_initializer_loaded_in_this_process():
    _LOADED.clear()
    assert set(engine.run(_loaded_by, range(4), workers=2, initializer=_load)) == {os.getpid()}


def test_a_pool_unfreezes_only_the_objects_it_froze():
    assert list(engine.run(_square, range(4), workers=2)) and gc.get_freeze_count() == 0
    gc.freeze()  # as the CLI's build does around the whole build
    try:
        frozen = gc.get_freeze_count()
        list(engine.run(_square, range(4), workers=2))
        assert gc.get_freeze_count() >= frozen  # the caller's objects are still frozen
    finally:
        gc.unfreeze()


def test_a_task_stream_can_wait_for_results_to_make_its_next_tasks():
    results: list[int] = []

    def tasks():
        yield from (2, 3)
        while len(results) < 2:
            yield engine.WAIT
        yield from (r + 1 for r in list(results))

    for result in engine.run(_square, tasks(), workers=2):
        results.append(result)
    assert sorted(results) == [4, 9, 25, 100]


@pytest.mark.parametrize("workers", [1, 2])
def test_waiting_with_nothing_in_flight_is_an_error(workers):
    with pytest.raises(RuntimeError, match="no task is in flight"):
        list(engine.run(_square, iter([engine.WAIT]), workers=workers))


def test_unknown_engine_is_named():
    with pytest.raises(ValueError, match="engines are: local, dask"):
        list(engine.run(_square, [1], engine="spark"))
