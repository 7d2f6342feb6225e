"""Concurrency: one run at a time. A second `socek run` exits 4 ("already in progress") and touches
nothing; the lock dies with its process, so a killed run never blocks the next night.

The kill -9 test in tests/test_faults.py also starts a second `socek run` while the first sits in
its load stage holding the lock (test_a_second_run_during_a_run_exits_4_and_touches_nothing).
"""

from __future__ import annotations

import signal
import subprocess
import sys

import duckdb
import pytest

from flows.common.runlock import run_lock
from flows.config import load_config
from flows.errors import AlreadyRunningError
from tests.faultkit import (
    cli_env,
    content_hashes,
    prefect_api_url,
    quiet_night,
    run_cli,
    run_in_process,
    start_cli,
    write_small_config,
)

HOLD_LOCK = """
import fcntl, sys, time
handle = open(sys.argv[1], "a+")
fcntl.flock(handle, fcntl.LOCK_EX)
handle.write("4242"); handle.flush()
print("locked", flush=True)
time.sleep(120)
"""


def hold_lock_elsewhere(path) -> subprocess.Popen:
    """Another process holding the run lock (as a running `socek run` would)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_run_while_another_holds_the_lock_exits_4_and_touches_nothing(tmp_path):
    settings = load_config(write_small_config(tmp_path))
    with run_lock(settings.path("lock")):
        result = run_cli(settings.source_file, "run", env=cli_env(), timeout=60)
    assert result.returncode == 4, result.stdout + result.stderr
    assert "another socek run is already in progress" in result.stderr
    assert str(settings.path("lock")) in result.stderr
    assert not settings.path("inbox").exists(), "not even the demo inbox was written"
    assert not settings.path("warehouse").exists()


def test_the_lock_dies_with_its_process(tmp_path):
    lock = tmp_path / "warehouse" / ".socek.lock"
    holder = hold_lock_elsewhere(lock)
    with pytest.raises(AlreadyRunningError, match="pid 4242"):
        with run_lock(lock):
            pass
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    with run_lock(lock):  # no stale lock after kill -9
        with run_lock(lock):  # and re-entrant within one process (`socek run`, then the flow)
            assert lock.read_text().strip().isdigit()


@pytest.mark.prefect
def test_a_flow_run_started_elsewhere_respects_the_lock(tmp_path, prefect_server):
    """`socek serve` runs the flow without the CLI: the flow itself takes the lock."""
    settings = load_config(write_small_config(tmp_path))
    holder = hold_lock_elsewhere(settings.path("lock"))
    try:
        with pytest.raises(AlreadyRunningError):
            run_in_process(settings)
    finally:
        holder.kill()
        holder.wait(timeout=10)
    assert not settings.path("warehouse").exists()


@pytest.mark.slow
@pytest.mark.prefect
def test_two_runs_started_together_one_runs_one_exits_4(tmp_path_factory, prefect_server):
    """Two real `socek run` at once on a published project (the quiet night's, nothing new)."""
    night = quiet_night(tmp_path_factory.getbasetemp())
    settings, published = night["settings"], night["published"]
    before = content_hashes(published)
    runs_before = _count(published, "select count(*) from meta.runs")
    # The winner lingers 2 s in publish, so the loser meets the lock even on a slow machine.
    env = cli_env(prefect_api_url(), SOCEK_FAULT_PAUSE="publish", SOCEK_FAULT_PAUSE_SECONDS="2")
    runs = [start_cli(settings.source_file, "run", env=env) for _ in range(2)]
    results = []
    for run in runs:
        out, err = run.communicate(timeout=240)
        results.append((run.returncode, out, err))
    assert sorted(code for code, _, _ in results) == [0, 4], results
    loser = next(r for r in results if r[0] == 4)
    assert "already in progress" in loser[2]
    assert _count(published, "select count(*) from meta.runs") == runs_before + 1
    assert content_hashes(published) == before  # consistent: the same inputs, the same contents


def _count(published, sql) -> int:
    con = duckdb.connect(str(published), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()
