"""One run at a time: an exclusive, non-blocking file lock next to the warehouse."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from flows.errors import AlreadyRunningError

# Locks this process holds (resolved path -> depth): taking a held lock again is a no-op, so both
# ``socek run`` (which locks before it starts Prefect) and the flow itself (which locks for
# ``socek serve`` runs) can take it without a second ``flock`` conflicting with the first.
_HELD: dict[Path, int] = {}


@contextmanager
def run_lock(path: Path):
    """Hold the run lock for the duration of the block, or raise ``AlreadyRunningError``.

    The lock is an ``flock`` on an open file: the kernel releases it when the process dies, so a
    killed run never leaves a stale lock behind. Re-entrant within one process.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    key = path.resolve()
    if key in _HELD:
        _HELD[key] += 1
        try:
            yield
        finally:
            _HELD[key] -= 1
        return
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
        _HELD[key] = 1
        try:
            yield
        finally:
            del _HELD[key]
    finally:
        handle.close()
