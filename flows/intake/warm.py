"""A worker process that warms up while a run starts.

A night that brings a few new files reads and validates them in one small batch, and most of that
time is not the files: it is importing Great Expectations and building its context and suites (~3 s
of CPU). ``socek run`` therefore starts one worker process before the flow when the inbox holds a
file the last run did not see (:func:`likely_new`); it imports the readers and Great Expectations on
the other core while the flow starts, collects the external sources and plans the intake, and the
intake then hands its small batch to it instead of reading it in the flow's process
(``deliveries.default_mapper``). A run with nothing new starts no worker. The intake stops the
worker when it is done, used or not; big intakes use their own pool of workers as before.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from flows.common.hashing import RememberedHashes
from flows.intake.discovery import could_be_delivery

_pool: ProcessPoolExecutor | None = None


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


def start() -> None:
    """Start the worker and its warm-up (``socek run``, before the flow; spawn, not fork: the flow
    process will run Prefect's threads)."""
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
        _pool.submit(warm_up)


def take() -> ProcessPoolExecutor | None:
    """The warm worker, if `socek run` started one (the intake runs on it, then ``stop``)."""
    return _pool


def stop() -> None:
    """Let the worker go (without waiting for it: an unused one exits once its warm-up is done)."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None
