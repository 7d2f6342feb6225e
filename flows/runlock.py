"""One run at a time: an exclusive, non-blocking file lock next to the warehouse."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from flows.errors import AlreadyRunningError


@contextmanager
def run_lock(path: Path):
    """Hold the run lock for the duration of the block, or raise ``AlreadyRunningError``.

    The lock is an ``flock`` on an open file: the kernel releases it when the process dies, so a
    killed run never leaves a stale lock behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise AlreadyRunningError(
                f"another socek run is already in progress (pid {holder}, lock {path}); "
                "wait for it to finish or check that process") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()
