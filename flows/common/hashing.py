"""The one SHA-256 helper for files: streamed, so a 1 GB delivery or bulk zip never sits in memory."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

_BLOCK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


class RememberedHashes:
    """SHA-256 of files, remembered between runs with each file's identity (device, inode, size,
    modification and change time in ns), so a run does not read gigabytes of known deliveries again
    only to find them unchanged. The change time (ctime) moves on every write and every metadata
    change and no tool can set it back, so a file rewritten in place, even with its size and mtime
    restored, is hashed again; so is every file after a copy or a restore. The identity is taken
    before the file is read, and a file changed less than ``racy_seconds`` before is remembered as
    racy (file times are coarse: a write in the same tick as the one before would not move them), so
    a file written while it is hashed, or just before, is hashed again next time; ``unchanged``, a
    cheap guess that reads nothing, takes it as seen.

    The memory is a cache beside the warehouse: missing or unreadable, every file is simply hashed.
    It keeps only the files asked for in the run that saves it."""

    racy_seconds = 2.0

    def __init__(self, path: Path):
        self.path = path
        self._old: dict[str, list] = {}
        self._new: dict[str, list] = {}
        self.read = 0
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self._old = loaded
        except (OSError, ValueError):
            pass

    @staticmethod
    def _identity(st: os.stat_result) -> list[int]:
        return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]

    def _known(self, file: Path, identity: list[int], racy_too: bool = False) -> str | None:
        known = self._old.get(str(file.absolute()))
        if isinstance(known, list) and len(known) in (2, 3) and known[0] == identity and (racy_too or len(known) == 2):
            return known[1]
        return None

    def unchanged(self, file: Path) -> bool:
        """Whether the file is one remembered, as it was then (no reading; racy entries count)."""
        return self._known(file, self._identity(file.stat()), racy_too=True) is not None

    def sha256(self, file: Path) -> str:
        st = file.stat()
        identity = self._identity(st)
        key = str(file.absolute())
        sha = self._known(file, identity)
        if sha is None:
            sha = sha256_file(file)
            self.read += 1
        racy = time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < self.racy_seconds * 1e9
        self._new[key] = [identity, sha, "racy"] if racy else [identity, sha]
        return sha

    def save(self) -> None:
        """Write the memory (atomically; a cache that cannot be written is only a slower next run)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(self.path.name + ".tmp")
            temporary.write_text(json.dumps(self._new, sort_keys=True), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            pass
