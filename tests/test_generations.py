"""Generations and restore as plain functions on tiny databases, and the state a run ends in when its
outputs cannot be put in place after the publish."""

from __future__ import annotations

import os
from datetime import date, datetime

import duckdb
import pytest

from flows import cli, pipeline
from flows.config import load_config
from flows.outputs.build_outputs import BuildOutputs
from flows.outputs.staging import Staged
from flows.warehouse import generations, sql_runner
from flows.warehouse import load as loading
from flows.warehouse.publish import publish
from flows.warehouse.restore import RestoreError, choose, restore
from tests.e2e import write_config


def _build(path, run_id: str, build_id: str, value: int) -> None:
    con = duckdb.connect(str(path))
    try:
        sql_runner.create_tables(con)
        con.execute("create table if not exists meta.sample (value integer)")
        con.execute("delete from meta.sample")
        con.execute("insert into meta.sample values (?)", [value])
        con.execute("delete from meta.provenance")
        con.execute("insert into meta.provenance values (?, date '2026-11-30', false, null, null)", [build_id])
        loading.record_run(con, {"run_id": run_id, "started_at": datetime(2026, 11, 30, int(run_id[9:11])),
                                 "finished_at": datetime(2026, 11, 30, int(run_id[9:11])), "status": "succeeded",
                                 "mode": "offline", "files_seen": 0, "files_new": 0, "rows_loaded": 0,
                                 "rows_quarantined": 0, "warnings": None, "error": None, "stage_timings": {}})
    finally:
        con.close()


def _night(published, hour: int, build_hour: int, value: int, keep: int = 7) -> str:
    run_id = f"20261130T{hour:02d}0000Z-aaaaaa"
    build = published.with_name(f"build-{hour}.duckdb")
    if published.exists():
        build.write_bytes(published.read_bytes())
    _build(build, run_id, f"20261130T{build_hour:02d}0000Z-aaaaaa", value)
    publish(build, published, run_id, keep)
    return run_id


def _value(path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select value from meta.sample").fetchone()[0]
    finally:
        con.close()


def test_every_publish_is_kept_and_the_oldest_are_pruned_never_the_published(tmp_path):
    published = tmp_path / "socek.duckdb"
    for hour in range(1, 6):
        _night(published, hour, hour, hour, keep=3)
    kept = generations.listing(published)
    assert [g.run_id[9:11] for g in kept] == ["03", "04", "05"]
    assert kept[-1].current and os.path.samefile(kept[-1].path, published)  # a hard link, no copy
    assert generations.prune(published, 1) == [kept[0].path, kept[1].path]
    assert [g.current for g in generations.listing(published)] == [True]


def test_restore_previous_skips_record_only_publishes_and_records_itself(tmp_path):
    published = tmp_path / "socek.duckdb"
    _night(published, 1, 1, 10)  # night 1 builds
    _night(published, 2, 1, 10)  # night 2 finds nothing new: same build, one more run recorded
    _night(published, 3, 3, 30)  # night 3 builds with a new file
    chosen = choose(published, previous=True)
    assert chosen.run_id.startswith("20261130T02") and chosen.build_run_id.startswith("20261130T01")
    assert choose(published, run_id=chosen.build_run_id).run_id == chosen.build_run_id  # the one that run published
    restored = restore(published, chosen, keep_generations=7)
    assert _value(published) == 10
    con = duckdb.connect(str(published), read_only=True)
    try:
        runs = dict(con.execute("select run_id, status from meta.runs").fetchall())
    finally:
        con.close()
    assert runs[restored] == "restored" and len(runs) == 4  # night 3 stays in the history
    assert generations.listing(published)[-1].run_id == restored
    with pytest.raises(RestoreError, match="no kept generation was published or built by run nope"):
        choose(published, run_id="nope")


def test_a_run_whose_outputs_cannot_be_put_in_place_is_published_with_errors(tmp_path):
    settings = load_config(write_config(tmp_path))
    run = pipeline.new_run(settings)
    run.published = True
    missing = tmp_path / "exports" / "1814-2026-11-30.staged-x"
    run.built = BuildOutputs("r1", date(2026, 11, 30), staged=[Staged(missing.with_name("1814-2026-11-30"), missing)])
    pipeline.commit(settings, run)
    assert run.status == pipeline.PUBLISHED_WITH_ERRORS and "cannot move" in run.error
    assert cli.EXIT_CODES[pipeline.PUBLISHED_WITH_ERRORS] == 5


def test_restore_refuses_while_a_run_holds_the_lock(tmp_path):
    import contextlib
    import io
    import subprocess
    import sys

    config = write_config(tmp_path)
    settings = load_config(config)
    lock = settings.path("lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, sys, time; handle = open(sys.argv[1], 'a+'); fcntl.flock(handle, fcntl.LOCK_EX); "
        "print('held', flush=True); time.sleep(60)"), str(lock)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = cli.main(["--config", str(config), "restore", "--previous"])
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert code == cli.EXIT_LOCKED and "already in progress" in err.getvalue()
