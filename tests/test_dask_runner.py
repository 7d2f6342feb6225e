"""The nightly flow with prefect-dask's DaskTaskRunner on a local two-worker cluster gives the same
indicator values as the default runner (``[runner] kind = "dask"``, empty ``dask_address``)."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from flows.config import load_config
from flows.demo.setup import prepare_demo
from tests.e2e import write_config

pytestmark = [pytest.mark.slow, pytest.mark.prefect]

VALUES = "select * exclude (updated_at) from indicators.indicator_values order by all"
FILES = "select path, rows_read, rows_loaded, rows_quarantined, status from meta.files order by path"


def _published(settings, sql):
    con = duckdb.connect(str(settings.path("warehouse")), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_dask_runner_gives_the_same_indicator_values(tmp_path, prefect_server, monkeypatch):
    from flows import pipeline
    from flows.nightly import nightly, unit_mapper

    # What is compared is the warehouse; the delivery and the PDF reports are tested elsewhere.
    monkeypatch.setattr(pipeline, "outputs", lambda settings, run, everything: None)

    default_dir, dask_dir = tmp_path / "default", tmp_path / "dask"
    default_config = write_config(default_dir)
    # Force the worker path of the default runner too (the demo is below inline_below_mb).
    default_config.write_text(default_config.read_text(encoding="utf-8").replace(
        "inline_below_mb = 32", "inline_below_mb = 0"), encoding="utf-8")
    dask_config = write_config(dask_dir, kind='"dask"')
    default_settings, dask_settings = load_config(default_config), load_config(dask_config)
    assert dask_settings.runner.kind == "dask" and dask_settings.runner.dask_address == ""
    assert unit_mapper(default_settings) is None and unit_mapper(dask_settings) is not None

    prepare_demo(default_settings)
    shutil.copytree(default_settings.path("inbox"), dask_settings.path("inbox"))
    dask_settings.path("secrets").parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(default_settings.path("secrets"), dask_settings.path("secrets"))

    first = nightly(config_path=str(default_config))
    second = nightly(config_path=str(dask_config))

    assert first["status"] == second["status"] == "warnings"
    assert (first["files_new"], first["rows_loaded"], first["rows_quarantined"]) == \
        (second["files_new"], second["rows_loaded"], second["rows_quarantined"])
    default_values = _published(default_settings, VALUES)
    assert default_values and _published(dask_settings, VALUES) == default_values
    assert _published(dask_settings, FILES) == _published(default_settings, FILES)
    # The run's Parquet partitions are removed once the build has loaded them.
    assert not any(dask_settings.path("warehouse").parent.glob("partitions/**/*.parquet"))
