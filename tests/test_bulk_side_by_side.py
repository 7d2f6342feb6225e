"""The two bulk zips are parsed at the same time, one in a worker process, when they are big (issue 17):
the same rows and counts as one after the other, and the worker's log lines reach the run's log."""

from __future__ import annotations

import logging

import pandas as pd

from flows.common import processes
from flows.config import load_config
from flows.demo.bulk import write_bulk_snapshots
from flows.sources import bulk
from tests.e2e import write_config
from tests.test_demo_bulk import ENTERPRISES


def _settings(tmp_path, inline_below_mb: float):
    settings = load_config(write_config(tmp_path / f"project-{inline_below_mb}"))
    return settings.model_copy(update={"runner": settings.runner.model_copy(
        update={"workers": 2, "inline_below_mb": inline_below_mb})})


def test_big_zips_are_parsed_side_by_side_with_the_same_rows_and_log(tmp_path, monkeypatch, caplog):
    bulk_folder = tmp_path / "snapshots"
    write_bulk_snapshots(bulk_folder, ENTERPRISES, noise_rows=3000)
    folder, keep = bulk_folder / "bolagsverket", {e["org_nr"] for e in ENTERPRISES}

    one_after_the_other = bulk._parse_bulk_folder(folder, _settings(tmp_path, 1e9), keep)

    submitted = []

    class CountingPool(processes.ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):
            submitted.append(args[1].name)
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(processes, "ProcessPoolExecutor", CountingPool)
    with caplog.at_level(logging.INFO, logger="flows"):
        side_by_side = bulk._parse_bulk_folder(folder, _settings(tmp_path, 0), keep)

    assert submitted == ["scb_bulkfil.zip"]  # the second zip went to a worker process
    assert one_after_the_other.keys() == side_by_side.keys()
    for table, frame in one_after_the_other.items():
        pd.testing.assert_frame_equal(frame, side_by_side[table], check_exact=True)
        assert len(frame) > 0
    # the worker's own line (per member: lines read, kept, dropped) is in this process's log
    worker_lines = [r.getMessage() for r in caplog.records
                    if r.name == "flows.sources.bulk_records" and "scb_bulkfil.zip!" in r.getMessage()]
    assert len(worker_lines) == 1 and " lines, kept " in worker_lines[0], worker_lines
