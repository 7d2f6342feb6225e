"""The published databases kept for ``socek restore``: ``warehouse/generations/socek-<run_id>.duckdb``.

Every publish (a build, or a run that only records itself) keeps the file it published under the id
of the run that published it. The published file is never written in place (a run always builds a
new file and swaps it in), so a generation is a hard link to the same bytes and costs no space
while it is the published one; where hard links are impossible it is a copy. The newest
``warehouse.keep_generations`` are kept; the published one is never removed.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows.warehouse.database import resources

GENERATIONS = "generations"
_NAME = re.compile(r"(?P<stem>.+)-(?P<run_id>\d{8}T\d{6}Z-[0-9a-f]+)$")


@dataclass(frozen=True)
class Generation:
    path: Path
    run_id: str  # the run that published it
    build_run_id: str | None  # the run that built its data (meta.provenance), None if unreadable
    current: bool  # it is the published database


def generations_dir(published: Path) -> Path:
    return published.parent / GENERATIONS


def generation_path(published: Path, run_id: str) -> Path:
    return generations_dir(published) / f"{published.stem}-{run_id}{published.suffix}"


def keep(published: Path, run_id: str) -> Path:
    """Keep the published file as the generation of ``run_id`` (hard link, else copy)."""
    target = generation_path(published, run_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        if os.path.samefile(target, published):
            return target
        target.unlink()
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        os.link(published, partial)
    except OSError:
        shutil.copyfile(published, partial)
    os.replace(partial, target)
    return target


def keep_current(published: Path) -> Path | None:
    """Make sure the published file is a generation (a database published before generations
    existed, or one whose publish was killed before it was kept), named by its newest run."""
    if not published.exists() or any(_same(path, published) for path in _files(published)):
        return None
    run_id = _newest_run(published)
    return keep(published, run_id) if run_id else None


def prune(published: Path, keep_count: int) -> list[Path]:
    """Remove the oldest generations beyond ``keep_count`` (never the published one)."""
    files = _files(published)
    removed = []
    for path in files[:-keep_count] if len(files) > keep_count else []:
        if published.exists() and _same(path, published):
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def listing(published: Path) -> list[Generation]:
    """Every kept generation, oldest first."""
    result = []
    for path in _files(published):
        match = _NAME.match(path.stem)
        result.append(Generation(path, match.group("run_id") if match else path.stem, _build_run(path),
                                 published.exists() and _same(path, published)))
    return result


def _files(published: Path) -> list[Path]:
    folder = generations_dir(published)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{published.stem}-*{published.suffix}"), key=lambda p: p.name)


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _query_one(path: Path, sql: str) -> str | None:
    try:
        con = duckdb.connect(str(path), read_only=True, config=resources())
    except duckdb.Error:
        return None
    try:
        row = con.execute(sql).fetchone()
        return row[0] if row else None
    except duckdb.Error:
        return None
    finally:
        con.close()


def _build_run(path: Path) -> str | None:
    return _query_one(path, "select run_id from meta.provenance limit 1")


def _newest_run(path: Path) -> str | None:
    return _query_one(path, "select run_id from meta.runs order by started_at desc, run_id desc limit 1")
