"""Worker processes on this machine: how socek starts them, and work split across them.

Always spawned, never forked: the flow's process runs Prefect's threads and event loop, which a
forked child would inherit half-copied.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any


def spawn_pool(processes: int, initializer: Callable[[], None] | None = None) -> ProcessPoolExecutor:
    """A pool of ``processes`` spawned workers. With an ``initializer`` (a warm-up), every worker is
    started now, so each runs it while the caller goes on."""
    pool = ProcessPoolExecutor(max_workers=processes, mp_context=get_context("spawn"), initializer=initializer)
    if initializer is not None:
        for _ in range(processes):  # the pool starts a process per task waiting: all of them now
            pool.submit(int)
    return pool


def side_by_side(calls: Sequence[tuple[Callable[..., Any], tuple]], processes: int) -> list[Any]:
    """``function(*args)`` of each call, in call order: with ``processes`` > 1 the first runs here and
    the others in up to ``processes - 1`` spawned workers at the same time (each function and its
    arguments must pickle); a call whose worker died runs here instead."""
    if processes <= 1 or len(calls) <= 1:
        return [function(*args) for function, args in calls]
    with spawn_pool(min(processes, len(calls)) - 1) as pool:
        elsewhere = [pool.submit(function, *args) for function, args in calls[1:]]
        function, args = calls[0]
        results = [function(*args)]
        for (function, args), future in zip(calls[1:], elsewhere):
            try:
                results.append(future.result())
            except BrokenProcessPool:  # the worker died (out of memory?)
                results.append(function(*args))
        return results
