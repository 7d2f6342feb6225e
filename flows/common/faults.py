"""Fault injection for the crash and failure tests: inert unless one of its variables is set.

The tests must kill or fail a run at a precise moment (during load, between keeping the last good
copy and swapping the new database into place...). Timing a ``kill -9`` from outside is flaky, so the
code calls ``checkpoint(point)`` at those moments and the environment decides what happens there:

``SOCEK_FAULT_PAUSE=<point>``  write ``SOCEK_FAULT_MARKER`` (a file path: the pid and the point),
                               then sleep up to ``SOCEK_FAULT_PAUSE_SECONDS`` (default 600): the test
                               waits for the marker and sends SIGKILL while the run sits there.
``SOCEK_FAULT_CRASH=<point>``  SIGKILL the running process itself at that point.
``SOCEK_FAULT_FAIL=<point>``   raise ``InjectedFault`` (a ``WarehouseError``) at that point.

Points: ``load`` (the build file holds the new rows, before its transaction commits), ``export`` and
``report`` (a delivery or report of the build has been written under its staging name; nothing is
published yet), ``publish`` (the published file is kept as a generation, the new file not yet
swapped in; every publish passes it, including the small ones that record a failure) and ``commit``
(after the publish, an output has been moved into place, the others not yet). With none of the variables set,
``checkpoint`` only reads the environment. Never set them in production.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from flows.errors import WarehouseError

PAUSE, CRASH, FAIL = "SOCEK_FAULT_PAUSE", "SOCEK_FAULT_CRASH", "SOCEK_FAULT_FAIL"
MARKER, PAUSE_SECONDS = "SOCEK_FAULT_MARKER", "SOCEK_FAULT_PAUSE_SECONDS"
POINTS = ("load", "export", "report", "publish", "commit")


class InjectedFault(WarehouseError):
    """A failure injected by ``SOCEK_FAULT_FAIL`` (tests only)."""


def checkpoint(point: str) -> None:
    """Pause, crash or fail here if the environment asks for it at ``point``; otherwise nothing."""
    if os.environ.get(FAIL) == point:
        raise InjectedFault(f"injected fault at {point} (SOCEK_FAULT_FAIL={point})")
    if os.environ.get(CRASH) == point:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get(PAUSE) == point:
        marker = os.environ.get(MARKER)
        if marker:
            Path(marker).write_text(f"{os.getpid()} {point}\n", encoding="utf-8")
        time.sleep(float(os.environ.get(PAUSE_SECONDS, "600")))
