"""Give memory the run no longer uses back to the operating system between stages.

After a big intake (a 1 GiB delivery read in pieces) the flow's process keeps the freed memory of
its pandas and Arrow work: glibc's heap and Arrow's memory pool hold on to it, so the process stays
~700 MB while the reports run beside Chromium. Returning it after the intake, and again when the
reports have read their data and closed the database, keeps the process tree within the run's memory
budget; nothing is lost if the platform offers neither call.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc


def release_unused() -> None:
    """Collect garbage, let Arrow's pool and glibc's heap return what is free."""
    gc.collect()
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except ImportError:
        pass
    name = ctypes.util.find_library("c")
    if name:
        try:
            ctypes.CDLL(name).malloc_trim(0)
        except (OSError, AttributeError):  # not glibc
            pass
