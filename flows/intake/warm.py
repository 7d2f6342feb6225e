"""Worker processes that warm up while a run starts.

A night that brings a few new files reads and validates them in one small batch, and most of that
time is not the files: it is importing Great Expectations and building its context and suites (~3 s
of CPU). ``socek run`` therefore starts one worker process before the flow when the inbox holds a
file the last run did not see (:func:`likely_new`); it imports the readers and Great Expectations on
the other core while the flow starts, collects the external sources and plans the intake, and the
intake then hands its small batch to it instead of reading it in the flow's process
(``deliveries.default_mapper``). A run with nothing new starts no worker. A full rebuild reads every
file, so ``socek run --full-rebuild`` starts all ``[runner] workers`` this way and they are its
intake's pool; other big intakes let the one warm worker go and use their own pool. The intake stops
the workers when it is done, used or not.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from flows.common.hashing import RememberedHashes
from flows.common.processes import spawn_pool
from flows.intake.discovery import could_be_delivery

_pool: ProcessPoolExecutor | None = None
_workers = 0


def warm_up() -> None:
    """Run in the worker: import what reading and validating a unit needs, build the GX context."""
    from flows.intake import worker  # noqa: F401 - the readers, pandas, pyarrow
    from flows.quality import validate

    validate.warm_up()


def likely_new(inbox: Path, memory: Path) -> bool:
    """True when a data file in the inbox is not one the last run hashed, as it was then (a cheap
    look at names and file identities, no reading: the worker is only a head start)."""
    if not inbox.is_dir():
        return False
    remembered = RememberedHashes(memory)
    return any(could_be_delivery(path) and path.is_file() and not remembered.unchanged(path)
               for path in inbox.rglob("*"))


def start(workers: int = 1) -> None:
    """Start ``workers`` worker processes, each warming up as it starts (``socek run``, before the
    flow)."""
    global _pool, _workers
    if _pool is None:
        _pool, _workers = spawn_pool(workers, initializer=warm_up), workers


def take() -> ProcessPoolExecutor | None:
    """The warm worker(s), if `socek run` started them (the intake runs on them, then ``stop``)."""
    return _pool


def size() -> int:
    """How many warm worker processes ``take`` gives (0: none)."""
    return _workers if _pool is not None else 0


def stop() -> None:
    """Let the worker go (without waiting for it: an unused one exits once its warm-up is done)."""
    global _pool, _workers
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool, _workers = None, 0
