"""Idempotence: the same inputs give the same warehouse and the same delivery, however often and
however they are run.

The quiet night (``tests.faultkit.quiet_night``) runs one small project three times on unchanged
inputs: a first run, a rerun, and a rerun with ``full_rebuild`` (everything read again into an
empty build). The content hash covers every table of every schema except ``meta.runs``, which
records each run by design.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from flows import pipeline
from flows.config import load_config
from flows.sources import collect as external
from flows.warehouse import sql_runner
from tests.conftest import ROOT
from tests.faultkit import quiet_night, without_run_id, write_small_config

SNAPSHOTS = ROOT / "config" / "snapshots" / "demo"


@pytest.fixture(scope="module")
def night(tmp_path_factory, prefect_server):
    return quiet_night(tmp_path_factory.getbasetemp())


@pytest.mark.slow
@pytest.mark.prefect
def test_three_runs_on_the_same_inputs_give_identical_warehouse_contents(night):
    first, second, third = night["runs"]
    assert [r["record"]["status"] for r in night["runs"]] == ["warnings", "succeeded", "warnings"]
    assert second["record"]["files_new"] == 0
    assert third["record"]["files_new"] == first["record"]["files_new"] > 0  # the rebuild read everything again
    assert len(first["hashes"]) >= 20 and "meta.runs" not in first["hashes"]
    assert second["hashes"] == first["hashes"]
    # A full rebuild writes new rows: equal except for the columns naming the run that wrote them.
    assert third["stable_hashes"] == first["stable_hashes"]


@pytest.mark.slow
@pytest.mark.prefect
def test_three_runs_on_the_same_inputs_give_byte_identical_exports(night):
    """The rerun finds nothing new but must still own its outputs: the delivery and report deleted
    before it are written again, byte for byte as the first run wrote them. The full rebuild is a new
    build: its files differ only by the build's run id (datapackage.json and its checksum line)."""
    first, second, third = night["runs"]
    assert any(name.endswith("indikatorvarden.csv") for name in first["exports"])
    assert second["removed"] and all(path in second["record"]["outputs"] for path in second["removed"])
    assert second["exports"] == first["exports"]
    assert second["reports"] == first["reports"] and len(first["reports"]) == 3
    assert without_run_id(third["exports"]) == without_run_id(first["exports"])
    assert third["exports"] != first["exports"]  # the rebuild's deliveries name the rebuild


@pytest.mark.slow
@pytest.mark.prefect
def test_meta_runs_records_each_run(night):
    con = duckdb.connect(str(night["published"]), read_only=True)
    try:
        run_ids = {r[0] for r in con.execute("select run_id from meta.runs").fetchall()}
    finally:
        con.close()
    assert {r["record"]["run_id"] for r in night["runs"]} <= run_ids


def test_new_registrations_get_their_register_rows_although_the_bulk_file_is_unchanged(tmp_path):
    """Order of arrival does not matter: an enterprise delivered after the bulk file was first loaded
    gets its Bolagsverket rows, as if both had arrived together (the file's hash is the same, its
    rows for the registered org nrs are not)."""
    settings = load_config(write_small_config(tmp_path))
    day = date(2026, 11, 27)
    first = external.collect_all(settings, day, set())
    register = first.results["bolagsverket"].tables["bolagsverket_register"]
    newcomer = _an_org_nr_filtered_out(set(register["org_nr"]))
    con = duckdb.connect()
    try:
        sql_runner.create_tables(con)
        pipeline.load_external(con, first, "run-1")
        later = external.collect_all(settings, day, {newcomer})
        pipeline.load_external(con, later, "run-2")
        held = {r[0] for r in con.execute("select org_nr from raw.bolagsverket_register").fetchall()}
    finally:
        con.close()
    assert newcomer in held
    assert held == set(later.results["bolagsverket"].tables["bolagsverket_register"]["org_nr"])


def _an_org_nr_filtered_out(kept: set[str]) -> str:
    """An org nr in the demo bulk file that the default filter (legal form, county) leaves out."""
    import re
    import zipfile

    with zipfile.ZipFile(SNAPSHOTS / "bolagsverket" / "bolagsverket_bulkfil.zip") as archive:
        text = archive.read(archive.namelist()[0]).decode("utf-8", "replace")
    candidates = sorted(set(re.findall(r'"(\d{10})\$ORGNR-IDORG"', text)) - kept)
    assert candidates, "the demo bulk file has rows the filter leaves out"
    return candidates[0]
