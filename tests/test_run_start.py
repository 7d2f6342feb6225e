"""What `socek run` does around its flow to start fast (issue 17): a warm worker, started only when the
inbox holds a file the last run did not see, used by a small intake instead of the flow's own process
and let go before a big one; and no Prefect heartbeat thread to wait for."""

from __future__ import annotations

import os
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

import pytest

from flows.common.hashing import RememberedHashes
from flows.config import load_config
from flows.intake import deliveries, warm
from flows.intake.deliveries import Unit


@pytest.fixture(autouse=True)
def no_warm_worker_left():
    yield
    warm.stop()


def test_a_worker_is_warmed_only_when_the_inbox_holds_an_unseen_file(tmp_path, monkeypatch):
    monkeypatch.setattr(RememberedHashes, "racy_seconds", 0.05)
    inbox, memory = tmp_path / "inbox", tmp_path / "cache" / "inbox-hashes.json"
    assert not warm.likely_new(inbox, memory)  # no inbox at all
    delivery = inbox / "1814" / "grants" / "grants-2025.csv"
    delivery.parent.mkdir(parents=True)
    delivery.write_text("a;b\n1;2\n", encoding="utf-8")
    assert warm.likely_new(inbox, memory)  # nothing remembered yet
    time.sleep(0.1)
    seen = RememberedHashes(memory)
    seen.sha256(delivery)
    seen.save()
    assert not warm.likely_new(inbox, memory)  # the nightly with nothing new starts no worker
    (inbox / "1814" / "profiles.toml").write_text("[grants]\n", encoding="utf-8")
    (inbox / "1814" / "grants" / "README.txt").write_text("notes\n", encoding="utf-8")
    assert not warm.likely_new(inbox, memory)  # nor do files the inbox never reads
    (inbox / "1814" / "grants" / "grants-2026.csv").write_text("a;b\n3;4\n", encoding="utf-8")
    assert warm.likely_new(inbox, memory)


class RecordingPool:
    """Stands in for the warm worker: runs what it is given here and records it."""

    def __init__(self):
        self.ran, self.closed = [], False

    def submit(self, fn, *args):
        self.ran.append(args[0])
        future = Future()
        future.set_result(fn(*args))
        return future

    def shutdown(self, wait=True, cancel_futures=False):
        self.closed = True


def test_a_small_intake_runs_on_the_warm_worker_and_lets_it_go(monkeypatch):
    settings = load_config()
    pool = RecordingPool()
    monkeypatch.setattr(warm, "_pool", pool)
    units = [Unit("1814"), Unit("1880")]
    for unit in units:
        unit.size_bytes, unit.files = 1000, [f"{unit.municipality_code}/grants.csv"]
    run = deliveries.default_mapper(settings, units, lambda unit, options: (unit.municipality_code, os.getpid()),
                                    warm.take())
    assert run(units, None) == [("group-1", os.getpid())]  # both municipalities in one batch, on the worker
    assert len(pool.ran) == 1
    warm.stop()
    assert pool.closed and warm.take() is None
    run = deliveries.default_mapper(settings, units, lambda unit, options: unit.municipality_code, warm.take())
    assert run(units, None) == ["group-1"]  # no worker any more: in the flow's process, as before


class BrokenPool(RecordingPool):
    def submit(self, fn, *args):
        raise BrokenProcessPool("the warm worker died")


def test_a_dead_warm_worker_means_the_intake_reads_in_the_flows_process(monkeypatch):
    units = [Unit("1814")]
    units[0].size_bytes, units[0].files = 1000, ["1814/grants.csv"]
    run = deliveries.default_mapper(load_config(), units, lambda unit, options: unit.municipality_code, BrokenPool())
    assert run(units, None) == ["1814"]


def test_a_big_delivery_alone_is_read_in_the_flows_process_not_the_warm_worker():
    settings = load_config()
    pool = RecordingPool()
    big = Unit("1814")
    big.size_bytes, big.files = int(settings.runner.inline_below_mb * 1e6) + 1, ["1814/grants.csv"]
    run = deliveries.default_mapper(settings, [big], lambda unit, options: unit.municipality_code, pool)
    assert run([big], None) == ["1814"] and pool.ran == [] and pool.closed  # let go before the big read


def _big_units(settings, count: int) -> list[Unit]:
    units = [Unit(code) for code in ("1814", "1880", "1881")[:count]]
    for unit in units:
        unit.size_bytes = int(settings.runner.inline_below_mb * 1e6)
        unit.files = [f"{unit.municipality_code}/ledger.csv"]
    return units


def municipality_of(unit, options):  # module level: a fresh worker process can import it
    return unit.municipality_code


def test_a_full_rebuilds_warm_workers_are_its_pool(monkeypatch):
    from flows import cli

    settings = load_config()
    started = []
    monkeypatch.setattr(warm, "start", lambda workers=1: started.append(workers))
    cli._warm_up_intake(settings, full_rebuild=True)
    assert started == [settings.runner.workers] == [2]  # every worker of the pool, warmed
    units = _big_units(settings, 3)
    pool = RecordingPool()
    run = deliveries.default_mapper(settings, units, municipality_of, pool, warm_workers=2)
    assert sorted(run(units, None)) == ["group-1", "group-2"]  # packed per worker, on the warm ones
    assert len(pool.ran) == 2 and not pool.closed  # the intake's `warm.stop()` lets them go
    one = RecordingPool()  # one warm worker (a night's) is let go before a big intake, as before
    deliveries.default_mapper(settings, units, municipality_of, one, warm_workers=1)
    assert one.closed and one.ran == []


def test_dead_warm_workers_are_replaced_by_fresh_ones():
    settings = load_config()
    units = _big_units(settings, 2)
    run = deliveries.default_mapper(settings, units, municipality_of, BrokenPool(), warm_workers=2)
    assert sorted(run(units, None)) == ["group-1", "group-2"]


def test_socek_run_runs_its_flow_without_heartbeats_unless_asked(monkeypatch):
    """Prefect's heartbeat thread sleeps in whole seconds and the flow waits for it: ~1 s a run."""
    from prefect.settings import get_current_settings

    from flows import cli

    monkeypatch.delenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", raising=False)
    monkeypatch.delenv("PREFECT_RUNNER_HEARTBEAT_FREQUENCY", raising=False)
    with cli._flow_settings():
        assert get_current_settings().flows.heartbeat_frequency is None
    before = get_current_settings().flows.heartbeat_frequency
    monkeypatch.setenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "60")  # the operator asks for them: left to Prefect
    with cli._flow_settings():
        assert get_current_settings().flows.heartbeat_frequency == before is not None
