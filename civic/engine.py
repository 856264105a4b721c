"""Run one function over many tasks: in this process, on a local process pool, or on Dask.

The build hands its task function and a lazy stream of tasks to `run`; results come back in
completion order. At most a few tasks per worker are in flight, so a huge corpus is read,
parsed and written in bounded memory. The stream may depend on the results: it yields `WAIT`
when its next task needs a result that has not come back yet.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

ENGINES = ("local", "dask")
IN_FLIGHT_PER_WORKER = 3
WAIT = object()  # yielded by a task stream: no task until one in flight finishes
_END = object()


def run(fn: Callable[[Any], Any], tasks: Iterable[Any], *, engine: str = "local", workers: int = 1,
        scheduler: str | None = None, initializer: Callable[[], None] | None = None) -> Iterator[Any]:
    """Yield `fn(task)` for every task, in completion order.

    Args:
        fn: a picklable top-level function.
        tasks: task arguments, consumed lazily, or WAIT (only while some task is in flight).
        engine: "local" (processes on this machine; in-process when workers == 1) or "dask".
        workers: local processes, or workers of the LocalCluster started when no scheduler is given.
        scheduler: address of a running dask.distributed scheduler, e.g. "tcp://10.0.0.5:8786".
        initializer: sets up a local process for `fn`: run once here, before the workers are
            forked so they inherit what it loaded (where processes are started by forking),
            else once in each worker. Dask workers must set themselves up lazily inside `fn`.
    """
    if engine == "dask":
        return _run_dask(fn, tasks, workers=workers, scheduler=scheduler)
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}; engines are: {', '.join(ENGINES)}")
    if workers <= 1:
        return _run_inline(fn, tasks, initializer)
    return _run_pool(fn, tasks, workers, initializer)


def _run_inline(fn, tasks, initializer) -> Iterator[Any]:
    if initializer:
        initializer()
    for task in tasks:
        if task is WAIT:
            raise RuntimeError("the task stream waits for a result, but no task is in flight")
        yield fn(task)


def _run_pool(fn, tasks, workers, initializer) -> Iterator[Any]:
    if "fork" not in multiprocessing.get_all_start_methods():
        with ProcessPoolExecutor(max_workers=workers, initializer=initializer) as pool:
            yield from _bounded(pool.submit, fn, tasks, workers * IN_FLIGHT_PER_WORKER, _wait_futures)
        return
    if initializer:  # load once here; forked workers share its memory pages
        initializer()
    owner = gc.get_freeze_count() == 0  # else a caller froze objects (the CLI's build) and unfreezes them all
    gc.freeze()  # the garbage collector of a worker would otherwise touch, and so copy, every page
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            yield from _bounded(pool.submit, fn, tasks, workers * IN_FLIGHT_PER_WORKER, _wait_futures)
    finally:
        if owner:
            gc.unfreeze()


def _wait_futures(pending: set[Future]) -> tuple[set[Future], set[Future]]:
    done, rest = wait(pending, return_when=FIRST_COMPLETED)
    return done, rest


def _bounded(submit, fn, tasks, limit: int, wait_some) -> Iterator[Any]:
    """Results of submit(fn, task) for every task, with at most `limit` tasks submitted and unfinished."""
    pending: set = set()
    iterator = iter(tasks)
    exhausted = False
    while pending or not exhausted:
        while not exhausted and len(pending) < limit:
            task = next(iterator, _END)
            if task is _END:
                exhausted = True
            elif task is WAIT:
                if not pending:
                    raise RuntimeError("the task stream waits for a result, but no task is in flight")
                break
            else:
                pending.add(submit(fn, task))
        if pending:
            done, pending = wait_some(pending)
            for future in done:
                yield future.result()


def _run_dask(fn, tasks, *, workers: int, scheduler: str | None) -> Iterator[Any]:
    from distributed import Client, LocalCluster
    from distributed import wait as dask_wait

    def wait_some(pending: set) -> tuple[set, set]:
        result = dask_wait(list(pending), return_when="FIRST_COMPLETED")
        return set(result.done), set(result.not_done)

    if scheduler:
        with Client(scheduler) as client:
            yield from _bounded(lambda f, t: client.submit(f, t, pure=False), fn, tasks,
                                max(1, sum(client.nthreads().values())) * IN_FLIGHT_PER_WORKER, wait_some)
        return
    with LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=workers > 1,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield from _bounded(lambda f, t: client.submit(f, t, pure=False), fn, tasks,
                            max(1, workers) * IN_FLIGHT_PER_WORKER, wait_some)
