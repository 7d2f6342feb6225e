"""``socek restore``: put a kept generation back as the published database, and record that it did.

The chosen generation is copied to a build file, the restore is recorded in its ``meta.runs``
(status ``restored``; the run history of the database it replaces is kept, as a full rebuild keeps
it), and the copy is published like any build: atomically, and kept as a generation itself. The
caller holds the run lock, so no run is building meanwhile. Deliveries and reports are not touched
here: the next ``socek run`` sees that they belong to another build and writes them again.
"""

from __future__ import annotations

import secrets
import shutil
from datetime import datetime, timezone
from pathlib import Path

from flows.errors import WarehouseError
from flows.warehouse import database, generations, sql_runner
from flows.warehouse import load as loading
from flows.warehouse import publish as publishing


class RestoreError(WarehouseError):
    """No generation fits the request, or it cannot be restored."""


def choose(published: Path, run_id: str | None = None, previous: bool = False) -> generations.Generation:
    """The generation published by ``run_id`` (or the newest whose data that run built), or with
    ``previous`` the newest one holding data of another build than the published database."""
    kept = generations.listing(published)
    if not kept:
        raise RestoreError(f"no generations are kept in {generations.generations_dir(published)}; nothing to restore")
    known = ", ".join(g.run_id for g in kept)
    if run_id:
        exact = [g for g in kept if g.run_id == run_id] or [g for g in kept if g.build_run_id == run_id]
        if not exact:
            raise RestoreError(f"no kept generation was published or built by run {run_id}; kept: {known}")
        return exact[-1]
    if not previous:
        raise RestoreError("say which generation to restore: --run RUN_ID or --previous")
    current = database.published_provenance(published).get("run_id") if published.exists() else None
    older = [g for g in kept if not g.current and g.build_run_id is not None and g.build_run_id != current]
    if current is not None:
        position = next((i for i, g in enumerate(kept) if g.current), len(kept))
        older = [g for g in older if kept.index(g) < position] or older
    if not older:
        raise RestoreError(f"no kept generation holds data older than the published build {current}; kept: {known}")
    return older[-1]


def restore(published: Path, chosen: generations.Generation, keep_generations: int) -> str:
    """Publish a copy of ``chosen`` with the restore recorded in it; returns the restore's run id."""
    started = datetime.now(timezone.utc)
    run_id = started.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)
    build = database.build_path(published, run_id)
    try:
        shutil.copyfile(chosen.path, build)
    except OSError as exc:
        build.unlink(missing_ok=True)
        raise RestoreError(f"cannot copy {chosen.path} to {build}: {exc.strerror or exc}; nothing was restored") from None
    try:
        con = database.connect(build)
        try:
            sql_runner.create_tables(con)
            if published.exists():
                _keep_run_history(con, published)
            loading.record_run(con, {
                "run_id": run_id, "started_at": started.replace(tzinfo=None),
                "finished_at": datetime.now(timezone.utc).replace(tzinfo=None), "status": "restored",
                "mode": "restore", "files_seen": 0, "files_new": 0, "rows_loaded": 0, "rows_quarantined": 0,
                "warnings": (f"restored the database published by run {chosen.run_id} "
                             f"(data built by run {chosen.build_run_id})"),
                "error": None, "stage_timings": {}})
            con.execute("checkpoint")
        finally:
            con.close()
        publishing.publish(build, published, run_id, keep_generations)
    finally:
        for path in (build, build.with_name(build.name + ".wal")):
            path.unlink(missing_ok=True)
    return run_id


def _keep_run_history(con, published: Path) -> None:
    """The runs the replaced database recorded stay in the history (a restore does not undo them)."""
    quoted = published.as_posix().replace("'", "''")
    con.execute(f"attach '{quoted}' as replaced (read_only)")
    try:
        con.execute("insert or ignore into meta.runs select * from replaced.meta.runs")
    finally:
        con.execute("detach replaced")
