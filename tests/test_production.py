"""Production never meets synthetic data, and an empty or shrunk delivery never wipes a register.

One small production project (Lekeberg only) runs night after night against a local server that
stands in for Kolada, SCB and the bulk-file host. Its deliveries and recordings are TEST FIXTURES that
look real: the demo generator's files written without the synthetic marker (``marked=False``), and
payloads served over HTTP (a live fetch lands them as real copies, without any manifest flag).

1. night 1: every source up, the deliveries in the inbox: published;
2. night 2: the inbox emptied (moved away) and every source down, `socek run --live`: the sources fall
   back to the landed copies of night 1 and their values are flagged P, exit 3; no synthetic row
   anywhere, no file superseded, the delivery unchanged except for the flags;
3. night 3: a file written by the demo (marked synthetic) dropped into the inbox: refused
   (rule file:synthetic), nothing of it stored;
4. night 4: a header-only enterprises register: held back, SE01 unchanged, exit 3 naming the counts;
5. `socek accept` of that file, then night 5 loads it.
"""

from __future__ import annotations

import contextlib
import csv
import io
import shutil

import duckdb
import pytest

from flows import cli
from flows.config import load_config
from flows.demo.deliveries import write_demo_inbox
from flows.demo.snapshots import write_api_snapshots
from flows.intake.pseudonymise import ensure_local_key
from tests.conftest import ROOT
from tests.faultkit import write_small_config
from tests.support.httpserver import Reply, ScriptedServer, serve_recording

pytestmark = [pytest.mark.slow, pytest.mark.prefect]

SHIPPED_BULK = ROOT / "config" / "snapshots" / "demo" / "bolagsverket"
CODE = "1814"


def run(settings, *options: str) -> tuple[int, str]:
    """``socek run`` in this process; the exit code and what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli.main(["--config", str(settings.source_file), "run", *options])
    return code, out.getvalue()


def query(settings, sql, params=()):
    con = duckdb.connect(str(settings.path("warehouse")), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def marked_cells(settings) -> list[str]:
    """Every column holding delivered data (every raw table, the quarantined rows as delivered) where
    the synthetic marker appears; the words of a refusal (meta.files.reason...) may name it."""
    con = duckdb.connect(str(settings.path("warehouse")), read_only=True)
    try:
        found = []
        columns = con.execute("select schema_name, table_name, column_name from duckdb_columns() where "
                              "data_type = 'VARCHAR' and database_name = current_database() and not internal "
                              "and (schema_name = 'raw' or (table_name = 'quarantine' and column_name = 'original'))"
                              ).fetchall()
        for schema, table, column in columns:
            hits = con.execute(f'select count(*) from "{schema}"."{table}" where "{column}" ilike ? '
                               f'or "{column}" ilike ?', ["%FIKTIVA DATA%", "%socek_synthetic%"]).fetchone()[0]
            if hits:
                found.append(f"{schema}.{table}.{column}")
        return found
    finally:
        con.close()


def delivery_rows(settings) -> list[dict]:
    (folder,) = settings.path("exports").glob(f"{CODE}-*[0-9]")
    return list(csv.DictReader(io.StringIO((folder / "indikatorvarden.csv").read_text(encoding="utf-8"))))


def se01(settings):
    return query(settings, "select period, value from indicators.indicator_values where indicator_id = 'SE01' "
                           "and municipality_code = ? and sex = 'T' and breakdown = 'total' order by 1", [CODE])


@pytest.fixture(scope="module")
def nights(tmp_path_factory, prefect_server):
    folder = tmp_path_factory.mktemp("production")
    state = {"down": False}
    server = ScriptedServer()
    server.route("/hook", lambda request: Reply(json={"ok": True}), method="POST")
    server.route("/bulk/", lambda request: Reply(status=503, body="down", content_type="text/plain") if state["down"]
                 else Reply(body=(SHIPPED_BULK / request.path.rsplit("/", 1)[1]).read_bytes(),
                            content_type="application/zip"))
    fast = {"max_retries": 1, "backoff_seconds": 0, "max_backoff_seconds": 0, "timeout_seconds": 5}
    sources = {"kolada": fast | {"base_url": server.url("/v3")}, "scb": fast | {"base_url": server.url("/api/v2")},
               "bulk": {"bolagsverket_url": server.url("/bulk/bolagsverket_bulkfil.zip"),
                        "scb_url": server.url("/bulk/scb_bulkfil.zip"), "max_retries": 0, "timeout_seconds": 5}}
    settings = load_config(write_small_config(folder / "project", codes=(CODE,), webhook_url=server.url("/hook"),
                                              sources=sources, environment="production"))
    assert settings.environment == "production" and settings.mode == "live"
    recording = folder / "recording"  # the stand-in for the real APIs: only the payload bytes are served
    write_api_snapshots(recording, settings)
    serve_recording(server, recording / "kolada", recording / "scb", down=lambda: state["down"])
    server.start()
    ensure_local_key(settings.path("secrets"))
    write_demo_inbox(settings, settings.path("inbox"), scale=0.3, marked=False)  # real-looking: no marker

    result = {"settings": settings}
    result["night1"] = run(settings)
    result["night1_status"] = query(settings, "select distinct origin from meta.source_status")
    result["night1_synthetic"] = query(settings, "select synthetic from meta.provenance")
    result["night1_files"] = query(settings, "select path, status, superseded_by from meta.files order by 1")
    result["night1_delivery"] = delivery_rows(settings)
    result["night1_se01"] = se01(settings)

    away = folder / "inbox-away"
    shutil.move(settings.path("inbox"), away)
    settings.path("inbox").mkdir()
    state["down"] = True
    result["night2"] = run(settings, "--live")
    result["night2_files"] = query(settings, "select path, status, superseded_by from meta.files order by 1")
    result["night2_delivery"] = delivery_rows(settings)
    result["night2_marked"] = marked_cells(settings)
    result["night2_status"] = query(settings, "select source, origin, provisional from meta.source_status order by 1")
    result["night2_synthetic"] = query(settings, "select synthetic from meta.provenance")

    shutil.rmtree(settings.path("inbox"))
    shutil.move(away, settings.path("inbox"))
    state["down"] = False
    demo = write_demo_inbox(settings, folder / "a-demo-inbox", scale=0.3)  # marked, as `socek demo-data` writes
    synthetic = next(f for f in demo.files if f.municipality_code == CODE and f.dataset == "grants")
    shutil.copyfile(demo.out_dir / synthetic.path, settings.path("inbox") / CODE / "grants" / "bidrag_extra.csv")
    result["night3"] = run(settings)
    result["night3_marked"] = marked_cells(settings)
    result["night3_synthetic"] = query(settings, "select synthetic from meta.provenance")

    register = next((settings.path("inbox") / CODE / "enterprises").glob("*.csv"))
    header_only = register.with_name("sociala_foretag_2026.csv")
    header_only.write_bytes(register.read_bytes().splitlines(keepends=True)[0])
    result["header_only"] = header_only
    result["before_se01"] = se01(settings)
    result["night4"] = run(settings)
    result["night4_se01"] = se01(settings)
    result["night4_files"] = query(settings, "select path from meta.files where path like '%2026.csv'")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result["accept"] = cli.main(["--config", str(settings.source_file), "accept", str(header_only)])
    result["night5"] = run(settings)
    result["night5_se01"] = se01(settings)
    yield result
    server.stop()


def test_night1_publishes_real_looking_deliveries(nights):
    code, output = nights["night1"]
    assert code in (0, 3), output
    assert nights["night1_synthetic"] == [(False,)]
    assert nights["night1_status"] == [("live",)]


def test_an_empty_inbox_and_every_source_down_never_bring_in_synthetic_data(nights):
    code, output = nights["night2"]
    assert code == 3, output
    assert "holds no deliveries" in output
    assert "kolada: live fetch failed" in output and "scb: live fetch failed" in output
    assert "bolagsverket: live download failed" in output
    assert nights["night2_status"] == [
        ("bolagsverket", "fallback", True), ("kolada", "fallback", True), ("scb", "fallback", True)]
    assert nights["night2_synthetic"] == [(False,)]
    assert nights["night2_marked"] == []  # no synthetic row in any table
    assert nights["night2_files"] == nights["night1_files"]  # no real file superseded, none added


def test_the_delivery_is_unchanged_except_for_the_flags(nights):
    first, second = nights["night1_delivery"], nights["night2_delivery"]
    assert len(first) == len(second) > 100

    def without_flags(rows):
        return [{k: v for k, v in row.items() if k != "obs_status"} for row in rows]

    assert without_flags(second) == without_flags(first)
    changed = [(a["indicator_id"], a["obs_status"], b["obs_status"]) for a, b in zip(first, second)
               if a["obs_status"] != b["obs_status"]]
    assert changed and all(new == "P" for _, _, new in changed)
    assert {"SE16", "SE17"} <= {indicator for indicator, _, _ in changed}


def test_a_synthetic_file_is_refused_by_a_production_warehouse(nights):
    code, output = nights["night3"]
    settings = nights["settings"]
    assert code == 3, output
    assert "bidrag_extra.csv: file rejected" in output and "synthetic demo data" in output
    [(status, reason, read, loaded, quarantined)] = query(
        settings, "select status, reason, rows_read, rows_loaded, rows_quarantined from meta.files "
                  "where path like '%bidrag_extra.csv'")
    assert status == "rejected" and "marked as synthetic demo data" in reason
    assert loaded == 0 and read == quarantined > 0
    assert query(settings, "select rule, original from meta.quarantine q join meta.files f using (file_id) "
                           "where f.path like '%bidrag_extra.csv'") == [("file:synthetic", None)]
    assert nights["night3_marked"] == []
    assert nights["night3_synthetic"] == [(False,)]


def test_a_header_only_register_is_held_back_and_the_figures_stay(nights):
    code, output = nights["night4"]
    assert code == 3, output
    assert "sociala_foretag_2026.csv: held back" in output
    assert "holds no rows (a header only)" in output and "socek accept" in output
    assert nights["night4_se01"] == nights["before_se01"]
    assert nights["night4_files"] == []  # not loaded, superseding nothing


def test_an_accepted_header_only_register_is_loaded_the_next_night(nights):
    assert nights["accept"] == 0
    code, output = nights["night5"]
    assert code in (0, 3), output
    assert "held back" not in output
    assert nights["night5_se01"] != nights["before_se01"]
