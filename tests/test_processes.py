"""Work split across spawned worker processes (flows.common.processes): results in call order, the
first call in the caller's process, and a call whose worker died run again here."""

from __future__ import annotations

import multiprocessing
import os

from flows.common.processes import side_by_side


def where(tag: str) -> tuple[str, bool]:
    return tag, multiprocessing.parent_process() is not None  # (tag, ran in a worker)


def dies_in_a_worker(tag: str) -> str:
    if multiprocessing.parent_process() is not None:
        os._exit(1)  # a worker killed mid-call, as the kernel's OOM killer would
    return tag


def test_calls_run_side_by_side_in_call_order():
    assert side_by_side([(where, ("a",)), (where, ("b",))], processes=2) == [("a", False), ("b", True)]
    assert side_by_side([(where, ("a",)), (where, ("b",))], processes=1) == [("a", False), ("b", False)]


def test_a_call_whose_worker_died_runs_here():
    assert side_by_side([(dies_in_a_worker, ("a",)), (dies_in_a_worker, ("b",))], processes=2) == ["a", "b"]
