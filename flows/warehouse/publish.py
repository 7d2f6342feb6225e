"""Build in a new file, publish atomically, keep the earlier databases.

A run never writes the published file. It copies the published database (or starts empty) to a
build file next to it, loads and transforms there, and only then publishes with ``os.replace``:
readers who opened the old file keep reading their copy, new readers see the new one, and nobody
ever sees a half-built database. Each published file is kept as a generation
(``flows.warehouse.generations``) for ``socek restore``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from flows.common import faults
from flows.errors import WarehouseError
from flows.warehouse import generations
from flows.warehouse.database import build_path


def start_build(published: Path, run_id: str, full_rebuild: bool = False) -> Path:
    """Create the build file: a copy of the published database, or an empty one.

    A copy that cannot be written (disk full, folder not writable) is a ``WarehouseError`` naming
    the file; the half-written copy is removed and the published file is untouched.
    """
    target = build_path(published, run_id)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in (target, target.with_name(target.name + ".wal")):
            stale.unlink(missing_ok=True)
        if published.exists() and not full_rebuild:
            shutil.copyfile(published, target)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise WarehouseError(f"cannot write the build file {target}: {exc.strerror or exc}; "
                             f"the published database {published} is unchanged") from None
    return target


def remove_stale_builds(published: Path) -> list[Path]:
    """Delete build files (and WALs) that a killed run left next to the published database.

    Build names carry their run id, so leftovers never clash with a new run; they only fill the
    disk. Call it only while holding the run lock: a running build is indistinguishable.
    """
    patterns = (f"{published.stem}.build-*{published.suffix}", f"{published.stem}.build-*{published.suffix}.wal",
                f"{generations.GENERATIONS}/*.partial")
    removed = [p for pattern in patterns for p in sorted(published.parent.glob(pattern)) if p.is_file()]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def publish(build: Path, published: Path, run_id: str, keep_generations: int = 7) -> Path:
    """Atomically make ``build`` the published database and keep it as the generation of ``run_id``.

    ``os.replace`` swaps the new file in: at every instant the published name points at a complete
    database. The file published before stays in ``generations/`` (it is made a generation first if
    it is not one yet); the oldest generations beyond ``keep_generations`` are removed afterwards.
    """
    try:
        generations.keep_current(published)
        faults.checkpoint("publish")  # the crash tests kill the run here: the old file stays published
        _fsync(build)
        os.replace(build, published)
        _fsync_dir(published.parent)
    except OSError as exc:
        raise WarehouseError(f"cannot publish {build} as {published}: {exc.strerror or exc}; "
                             "the previously published database is unchanged") from None
    try:
        kept = generations.keep(published, run_id)
        generations.prune(published, keep_generations)
    except OSError as exc:  # the database is published; only its copy for `socek restore` is missing
        raise GenerationError(f"published {published}, but could not keep it in "
                              f"{generations.generations_dir(published)}: {exc.strerror or exc}") from None
    return kept


class GenerationError(WarehouseError):
    """The database was published, but keeping it as a generation failed."""


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
