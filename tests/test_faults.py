"""Faults lose nothing: sources down, kill -9 during load and publish, a full disk, an unwritable
export folder. See docs/operations.md for the guarantee each test proves.

One small project (three municipalities, half-scale demo) goes through a night of trouble:

1. the baseline `socek run --live` while every source fails in its own way (Kolada serves a first
   page and then truncated JSON, SCB answers 500, the bulk-file host serves an HTML page): the run
   falls back to the snapshots, flags the values P and exits 3, naming each source;
2. Nora's (1884) deliveries arrive; a run is killed with SIGKILL while loading them, and (while it
   sits in load holding the run lock) a second `socek run` exits 4;
3. a run is killed between keeping the last good copy and swapping the new file in;
4. the next run cleans up and succeeds; its indicators equal those of an uninterrupted run from the
   same state: a copy of the project taken before the kills, which first meets an export folder
   that is a file and a disk that is full (both fail with exit 1, publishing nothing), and then
   runs uninterrupted; the generation it replaced holds yesterday's data;
5. `socek restore --previous` puts yesterday back (content equal table by table); runs are killed
   while writing the deliveries, the reports, and while moving them into place after the publish;
   one more run leaves every delivery and report matching the published build.

The kills hit real `socek run` subprocesses (their process group gets SIGKILL), at the moment the
fault-injection hook of ``flows/faults.py`` (``SOCEK_FAULT_PAUSE``) holds them; the full disk is a
subprocess under ``ulimit -f``. Subprocesses use the session's Prefect server, so none starts its
own; the other runs call ``flows.cli.main`` in this process (the same command, minus start-up time).
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import signal
import subprocess
import sys
from datetime import date

import duckdb
import pytest

from flows import cli
from flows.config import load_config
from flows.sources import collect as external
from flows.sources.api import collect_kolada
from tests.conftest import ROOT
from tests.faultkit import (
    NO_CHROMIUM,
    SOCEK,
    cli_env,
    content_hashes,
    kill_group,
    prefect_api_url,
    run_cli,
    sha256_of,
    small_project,
    start_cli,
    wait_for,
)
from tests.support.httpserver import RecordedRequest, Reply, ScriptedServer

pytestmark = [pytest.mark.slow, pytest.mark.prefect]

HELD_BACK = "1884"
MARKER_VALUE = 987654.0  # what the first, unfinished Kolada page says: must never be loaded
SNAPSHOTS = ROOT / "config" / "snapshots" / "demo"
KOLADA_INDICATORS = ("SE16", "SE17", "SE18", "SE19", "SE20")


# --- a night where every source fails -----------------------------------------------------------

def outage_server() -> ScriptedServer:
    """Kolada: KPI and municipality lists fine, the first data page fine (with marker values), every
    next page truncated JSON. SCB: 500 on everything. Bulk files: an HTML maintenance page.
    ``/hook`` records the webhook POSTs."""
    server = ScriptedServer()
    kpis = (SNAPSHOTS / "kolada" / "001-kpi.json").read_bytes()
    municipalities = (SNAPSHOTS / "kolada" / "002-municipality.json").read_bytes()
    first_page = json.loads((SNAPSHOTS / "kolada" / "003-data.json").read_text(encoding="utf-8"))
    for row in first_page["values"]:
        for cell in row["values"]:
            cell["value"] = MARKER_VALUE

    def kolada(request: RecordedRequest) -> Reply:
        if request.path.startswith("/kolada/v3/kpi/"):
            return Reply(body=kpis)
        if request.path.startswith("/kolada/v3/municipality/"):
            return Reply(body=municipalities)
        if request.query.get("page", ["1"])[0] != "1":
            return Reply(body=b'{"values": [{"kpi": "N01951", "municipality": "18')  # cut off mid-document
        return Reply(json=first_page | {"next_url": request.path + "?per_page=5000&page=2"})

    server.route("/kolada/", kolada)
    server.route("/scb/", lambda request: Reply(status=500, body="Internal Server Error", content_type="text/plain"))
    server.route("/scb/", lambda request: Reply(status=500, body="Internal Server Error", content_type="text/plain"),
                 method="POST")
    server.route("/bulk/", lambda request: Reply(body="<html><body>Planerat underhåll</body></html>",
                                                  content_type="text/html"))
    server.route("/hook", lambda request: Reply(json={"ok": True}), method="POST")
    return server


def outage_sources(server: ScriptedServer) -> dict[str, dict[str, object]]:
    fast = {"max_retries": 1, "backoff_seconds": 0, "max_backoff_seconds": 0, "timeout_seconds": 5}
    return {
        "kolada": fast | {"base_url": server.url("/kolada/v3")},
        "scb": fast | {"base_url": server.url("/scb/api/v2")},
        "bulk": {"bolagsverket_url": server.url("/bulk/bolagsverket_bulkfil.zip"),
                 "scb_url": server.url("/bulk/scb_bulkfil.zip"), "max_retries": 0, "timeout_seconds": 5},
    }


def _cli_run(settings, *options: str) -> tuple[int, str]:
    """``socek run`` in this process (saves starting Python, Prefect and GX again); returns the exit
    code and what the command printed. Reports are written without PDF."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOCEK_CHROMIUM", NO_CHROMIUM)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["--config", str(settings.source_file), "run", *options])
    return code, out.getvalue() + err.getvalue()


def query(published, sql, params=()):
    con = duckdb.connect(str(published), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def indicator_values(published):
    return query(published, "select * from indicators.indicator_values order by all")


def hooks(server: ScriptedServer) -> list[dict]:
    return [r.json for r in server.requests if r.path == "/hook"]


@pytest.fixture(scope="module")
def night(tmp_path_factory, prefect_server):
    """The project after the baseline live run, with Nora's deliveries put back into the inbox, and a
    copy of it (``twin``) taken before anything else happens."""
    server = outage_server().start()
    folder = tmp_path_factory.mktemp("faults")
    settings = small_project(folder / "project", webhook_url=server.url("/hook"), sources=outage_sources(server))
    held = folder / "held-back"
    shutil.move(settings.path("inbox") / HELD_BACK, held)
    api = prefect_api_url()
    code, output = _cli_run(settings, "--live")
    assert code == 3, output
    published = settings.path("warehouse")
    state = {"server": server, "settings": settings, "config": settings.source_file, "api": api, "folder": folder,
             "baseline": output, "published": published, "baseline_sha": sha256_of(published),
             "baseline_hashes": content_hashes(published), "baseline_hooks": hooks(server)}
    shutil.move(held, settings.path("inbox") / HELD_BACK)
    shutil.copytree(folder / "project", folder / "twin", symlinks=True)
    state["twin"] = load_config(folder / "twin" / "config" / "pipeline.toml")
    yield state
    server.stop()


# --- 1. sources down ----------------------------------------------------------------------------

def test_live_run_with_every_source_down_falls_back_flags_p_and_exits_3(night):
    out = night["baseline"]
    assert ": warnings (" in out
    assert "kolada: live fetch failed" in out and "page=2" in out and "malformed or truncated JSON" in out, out
    assert "scb: live fetch failed" in out and "500" in out
    assert "bolagsverket: live download failed" in out
    published = night["published"]
    status = query(published, "select source, origin, provisional from meta.source_status order by 1")
    assert status == [("bolagsverket", "fallback", True), ("kolada", "fallback", True), ("scb", "fallback", True)]
    flags = query(published, "select distinct obs_status from indicators.indicator_values "
                             f"where indicator_id in {KOLADA_INDICATORS} and value is not null")
    assert flags == [("P",)]
    assert query(published, "select status, mode from meta.runs") == [("warnings", "live")]


def test_a_half_fetched_source_is_never_loaded_as_if_complete(night):
    published, settings = night["published"], night["settings"]
    assert query(published, "select count(*) from raw.kolada_values where value = ?", [MARKER_VALUE]) == [(0,)]
    snapshot = collect_kolada(settings, date(2026, 11, 27)).tables["kolada_values"]  # offline replay
    assert query(published, "select count(*) from raw.kolada_values") == [(len(snapshot),)]
    # the HTML "bulk file" was not kept as a landing to fall back to later
    assert not any((settings.path("landing") / "bolagsverket").glob("*/manifest.json"))


def test_the_webhook_heard_of_the_fallbacks(night):
    (payload,) = night["baseline_hooks"]
    run_id = query(night["published"], "select run_id from meta.runs")[0][0]
    assert payload["run_id"] == run_id and payload["status"] == "warnings"
    assert any(w.startswith("kolada: live fetch failed") for w in payload["warnings"])


# --- 2. kill -9 during load (and a second run meanwhile) -----------------------------------------

@pytest.fixture(scope="module")
def killed_in_load(night):
    marker = night["folder"] / "paused-in-load"
    env = cli_env(night["api"], SOCEK_FAULT_PAUSE="load", SOCEK_FAULT_MARKER=str(marker))
    run = start_cli(night["config"], "run", env=env)
    wait_for(marker, run)
    second = run_cli(night["config"], "run", env=cli_env(night["api"]), timeout=120)
    builds = sorted(p.name for p in night["published"].parent.glob("*.build-*"))
    kill_group(run)
    return {"second": second, "builds_while_paused": builds, "sha": sha256_of(night["published"])}


def test_kill_during_load_leaves_the_published_database_unchanged(night, killed_in_load):
    assert killed_in_load["builds_while_paused"], "the killed run was building"
    assert killed_in_load["sha"] == night["baseline_sha"]
    assert content_hashes(night["published"]) == night["baseline_hashes"]  # and it opens


def test_a_second_run_during_a_run_exits_4_and_touches_nothing(night, killed_in_load):
    second = killed_in_load["second"]
    assert second.returncode == 4
    assert "already in progress" in second.stderr
    assert killed_in_load["sha"] == night["baseline_sha"]


# --- 3. kill -9 during publish -------------------------------------------------------------------

@pytest.fixture(scope="module")
def killed_in_publish(night, killed_in_load):
    marker = night["folder"] / "paused-in-publish"
    env = cli_env(night["api"], SOCEK_FAULT_PAUSE="publish", SOCEK_FAULT_MARKER=str(marker))
    run = start_cli(night["config"], "run", env=env)
    wait_for(marker, run)
    kill_group(run)
    published = night["published"]
    leftovers = sorted(p.name for p in published.parent.glob("*.build-*"))
    return {"sha": sha256_of(published), "leftovers": leftovers}


def test_kill_during_publish_leaves_the_published_database_unchanged(night, killed_in_publish):
    assert killed_in_publish["sha"] == night["baseline_sha"]
    assert content_hashes(night["published"]) == night["baseline_hashes"]
    # the build was complete and checked; it stays beside the published file until the next run
    assert any(name.endswith(".duckdb") for name in killed_in_publish["leftovers"])


# --- 4. the failures of the twin, then its uninterrupted run -------------------------------------

def test_unwritable_export_folder_fails_clearly_and_publishes_nothing(night):
    twin = night["twin"]
    exports = twin.path("exports")
    shutil.rmtree(exports, ignore_errors=True)
    exports.write_text("a file where the export folder should be\n", encoding="utf-8")
    before = content_hashes(twin.path("warehouse"))
    try:
        code, output = _cli_run(twin)
    finally:
        exports.unlink()
    assert code == 1
    assert f"cannot write deliveries to the export folder {exports}" in output and "nothing was published" in output
    assert content_hashes(twin.path("warehouse")) == before
    runs = query(twin.path("warehouse"), "select status, error from meta.runs where status = 'failed'")
    assert len(runs) == 1 and "export folder" in runs[0][1]
    failed = [h for h in hooks(night["server"]) if h["status"] == "failed"]
    assert failed and "export folder" in failed[-1]["error"]


def test_full_disk_fails_clearly_and_publishes_nothing(night):
    twin = night["twin"]
    published = twin.path("warehouse")
    before_sha, before = sha256_of(published), content_hashes(published)
    # `ulimit -f`: the kernel refuses any write past this size (EFBIG, "File too large"), so the copy
    # of the published database that a build starts from cannot be written, as on a full disk.
    blocks = published.stat().st_size // 3 // 1024
    command = f'ulimit -f {blocks} && exec "{SOCEK}" --config "{twin.source_file}" run'
    result = subprocess.run(["bash", "-c", command], env=cli_env(night["api"]), capture_output=True, text=True,
                            timeout=240)
    assert result.returncode == 1, result.stdout + result.stderr
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("socek run failed: cannot write the build file"), result.stderr
    assert "File too large" in message and f"the published database {published} is unchanged" in message
    assert sha256_of(published) == before_sha  # not even meta.runs could change
    assert content_hashes(published) == before
    assert not list(published.parent.glob("*.build-*")), "no half-written build file is left behind"
    failed = [h for h in hooks(night["server"]) if h["status"] == "failed"]
    assert "could not be recorded in meta.runs" in failed[-1]["error"]


@pytest.fixture(scope="module")
def reference(night):
    """The twin's uninterrupted run (after its failures, when the tests above ran)."""
    twin = night["twin"]
    code, output = _cli_run(twin)
    assert code in (0, 3), output
    return indicator_values(twin.path("warehouse"))


# --- 5. the next run after the kills -------------------------------------------------------------

@pytest.fixture(scope="module")
def recovered(night, killed_in_load, killed_in_publish):
    published = night["published"]
    before = sorted(p.name for p in published.parent.glob("*.build-*"))
    code, output = _cli_run(night["settings"])
    return {"code": code, "output": output, "leftovers_before": before,
            "leftovers": sorted(p.name for p in published.parent.glob("*.build-*")),
            "values": indicator_values(published)}


def test_next_run_after_the_kills_succeeds_and_cleans_up(night, recovered):
    assert recovered["code"] in (0, 3), recovered["output"]
    assert recovered["leftovers_before"] and recovered["leftovers"] == []
    published = night["published"]
    assert query(published, "select count(*) from meta.files where municipality_code = ?", [HELD_BACK])[0][0] > 0
    bad = query(published, "select path from meta.files where rows_read != rows_loaded + rows_quarantined")
    assert bad == []


def test_next_run_after_the_kills_equals_an_uninterrupted_run(night, recovered, reference):
    assert recovered["values"] == reference
    assert len(reference) > 1000


def test_the_previous_generation_holds_yesterdays_data_not_tonights(night, recovered):
    """The rollback copy is yesterday's database: its content equals the baseline's, table by table,
    and it lacks the deliveries tonight's run loaded (Nora's)."""
    from flows.warehouse.restore import choose

    previous = choose(night["published"], previous=True)
    assert content_hashes(previous.path) == night["baseline_hashes"]
    assert query(previous.path, "select count(*) from meta.files where municipality_code = ?", [HELD_BACK]) == [(0,)]


# --- 6. restore yesterday, then kill -9 during export, report and commit; then one more run ---------

@pytest.fixture(scope="module")
def restored(night, recovered):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli.main(["--config", str(night["config"]), "restore", "--previous"])
    return {"code": code, "output": out.getvalue(), "hashes": content_hashes(night["published"])}


def test_restore_previous_puts_yesterday_back_and_records_it(night, restored):
    assert restored["code"] == 0, restored["output"]
    assert "restored:" in restored["output"]
    assert restored["hashes"] == night["baseline_hashes"]  # every table but meta.runs, as yesterday
    statuses = [r[0] for r in query(night["published"], "select status from meta.runs order by started_at")]
    assert statuses[-1] == "restored" and "warnings" in statuses  # the history is kept


def _kill_at(night, point: str) -> list[str]:
    marker = night["folder"] / f"paused-in-{point}"
    env = cli_env(night["api"], SOCEK_FAULT_PAUSE=point, SOCEK_FAULT_MARKER=str(marker))
    run = start_cli(night["config"], "run", env=env)
    wait_for(marker, run)
    kill_group(run)
    settings = night["settings"]
    return sorted(p.name for root in (settings.path("exports"), settings.path("reports"))
                  for p in root.rglob("*.staged-*"))


@pytest.fixture(scope="module")
def killed_in_outputs(night, restored):
    staged = {point: _kill_at(night, point) for point in ("export", "report", "commit")}
    latest = query(night["published"], "select run_id, status from meta.runs order by started_at desc limit 1")[0]
    code, output = _cli_run(night["settings"])
    return {"staged": staged, "killed_after_publish": latest, "code": code, "output": output}


def test_kill_during_export_report_or_commit_then_one_run_completes_every_output(night, killed_in_outputs):
    from flows.outputs.delivery import delivery_run_id
    from flows.outputs.staging import report_run_id

    assert all(killed_in_outputs["staged"].values()), killed_in_outputs["staged"]  # each kill left staged outputs
    assert killed_in_outputs["code"] in (0, 3), killed_in_outputs["output"]
    settings, published = night["settings"], night["published"]
    [(build,)] = query(published, "select run_id from meta.provenance")
    assert query(published, "select count(*) from meta.files where municipality_code = ?", [HELD_BACK])[0][0] > 0
    for code in settings.municipality_codes:
        folders = [f for f in settings.path("exports").glob(f"{code}-*") if f.is_dir()]
        assert [delivery_run_id(f) for f in folders] == [build], (code, folders)
        pages = list((settings.path("reports") / code).glob("redovisning-*.html"))
        assert pages and all(report_run_id(page) == build for page in pages), code
    leftovers = [p for root in (settings.path("exports"), settings.path("reports")) for p in root.rglob("*.staged-*")]
    assert leftovers == []


def test_a_run_killed_after_its_publish_is_recorded_as_published_with_errors(night, killed_in_outputs):
    run_id, status_then = killed_in_outputs["killed_after_publish"]
    assert status_then in ("succeeded", "warnings")  # what it wrote into its build before the publish
    [(status, error)] = query(night["published"], "select status, error from meta.runs where run_id = ?", [run_id])
    assert status == "published_with_errors" and "interrupted after publishing" in error
    assert f"run {run_id} was interrupted after publishing" in killed_in_outputs["output"]


def test_source_fallback_warnings_name_the_source_at_collection_level(night):
    """The same outage as seen by ``external.collect_all``: each source says which one fell back."""
    settings = night["settings"].model_copy(update={"mode": "live", "paths": night["settings"].paths.model_copy(
        update={"landing": night["folder"] / "landing-check"})})
    collected = external.collect_all(settings, date(2026, 11, 27), set())
    assert {name: r.origin for name, r in collected.results.items()} == {
        "kolada": "fallback", "scb": "fallback", "bolagsverket": "fallback"}
    assert sorted(w.split(":")[0] for w in collected.warnings) == ["bolagsverket", "kolada", "scb"]


def test_operations_doc_names_only_tests_that_exist():
    """docs/operations.md lists each guarantee next to its test; every test it names exists."""
    import re

    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    named = 0
    for cell in re.findall(r"^\|.*\|\s*(`tests/.*?)\s*\|$", text, flags=re.M):
        current = None
        for ref in re.findall(r"`([^`]+)`", cell):
            if "::" not in ref:
                continue
            path, name = ref.split("::")
            current = path or current
            source = (ROOT / current).read_text(encoding="utf-8")
            assert re.search(rf"^def {re.escape(name)}\(", source, flags=re.M), f"{current}::{name}"
            named += 1
    assert named >= 60


def test_fault_hooks_are_inert_unless_asked_and_do_what_they_say(tmp_path, monkeypatch):
    from flows.common import faults

    for name in (faults.PAUSE, faults.CRASH, faults.FAIL):
        monkeypatch.delenv(name, raising=False)
    faults.checkpoint("load")  # nothing set: nothing happens
    monkeypatch.setenv(faults.FAIL, "publish")
    faults.checkpoint("load")  # another point: nothing happens
    with pytest.raises(faults.InjectedFault, match="injected fault at publish"):
        faults.checkpoint("publish")
    monkeypatch.delenv(faults.FAIL)
    marker = tmp_path / "marker"
    code = "from flows.common import faults; faults.checkpoint('load'); print('after', flush=True)"
    paused = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT,
                            env=cli_env(SOCEK_FAULT_PAUSE="load", SOCEK_FAULT_MARKER=str(marker),
                                        SOCEK_FAULT_PAUSE_SECONDS="0"))
    assert paused.stdout == "after\n" and marker.read_text().split()[1] == "load"
    crashed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT,
                             env=cli_env(SOCEK_FAULT_CRASH="load"))
    assert crashed.returncode == -signal.SIGKILL and crashed.stdout == ""
