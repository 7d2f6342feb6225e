"""Failure notification: a run that fails or ends with warnings POSTs a JSON summary to the webhook
in ``[notify] webhook_url`` (here a local server), besides recording itself in ``meta.runs``."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from flows.common import faults
from flows.config import load_config
from flows.outputs.notify import notify_webhook
from flows.pipeline import new_run
from tests.faultkit import (
    RUN_IDENTITY,
    content_hashes,
    quiet_night,
    run_in_process,
    write_small_config,
)
from tests.support.httpserver import Reply, ScriptedServer


@pytest.fixture(scope="module")
def night(tmp_path_factory, prefect_server):
    return quiet_night(tmp_path_factory.getbasetemp())


def posts(night) -> list[dict]:
    return [r.json for r in night["hook"].requests if r.method == "POST" and r.path == "/hook"]


@pytest.mark.slow
@pytest.mark.prefect
def test_runs_with_warnings_notify_and_successful_runs_do_not(night):
    runs = night["runs"]
    sent = posts(night)[:runs[-1]["hooks"]]  # what the three runs sent
    by_run = {p["run_id"]: p for p in sent}
    warned = [r["record"] for r in runs if r["record"]["status"] == "warnings"]
    assert set(by_run) == {r["run_id"] for r in warned} and len(sent) == len(warned) == 2
    for record in warned:
        payload = by_run[record["run_id"]]
        assert payload["status"] == "warnings" and payload["error"] is None
        assert payload["warnings"] and all(w in record["warnings"] for w in payload["warnings"])
        assert payload["mode"] == "offline" and payload["files_new"] == record["files_new"]


@pytest.mark.slow
@pytest.mark.prefect
def test_a_failed_run_notifies_with_its_error_and_is_recorded(night, monkeypatch):
    settings, published = night["settings"], night["published"]
    before = content_hashes(published, ignore_columns=RUN_IDENTITY)
    source = next(settings.path("inbox").glob("1814/grants/*.csv"))
    copy = source.with_name("sent-again-" + source.name)  # something new, so the run builds
    shutil.copyfile(source, copy)
    monkeypatch.setenv(faults.FAIL, "load")
    before_posts = len(posts(night))
    try:
        with pytest.raises(faults.InjectedFault):
            run_in_process(settings)
    finally:
        copy.unlink()
    sent = posts(night)[before_posts:]
    assert len(sent) == 1, sent  # exactly one webhook for the failing run
    payload = sent[0]
    assert payload["status"] == "failed" and "injected fault at load" in payload["error"]
    con = duckdb.connect(str(published), read_only=True)
    try:
        recorded = con.execute("select status, error from meta.runs where run_id = ?", [payload["run_id"]]).fetchall()
    finally:
        con.close()
    assert recorded == [("failed", payload["error"])]  # the posted run id is the recorded run
    assert content_hashes(published, ignore_columns=RUN_IDENTITY) == before


def test_an_unreachable_webhook_never_fails_the_run(tmp_path):
    settings = load_config(write_small_config(tmp_path, webhook_url="http://127.0.0.1:9/hook"))
    run = new_run(settings)
    run.status, run.warnings = "warnings", ["something to say"]
    assert notify_webhook(settings, run) is False


def test_the_payload_is_json_with_run_id_status_warnings_and_error(tmp_path):
    with ScriptedServer() as server:
        server.route("/hook", lambda request: Reply(json={"ok": True}), method="POST")
        settings = load_config(write_small_config(tmp_path, webhook_url=server.url("/hook")))
        run = new_run(settings)
        run.status, run.error = "failed", "WarehouseError: the disk is full"
        assert notify_webhook(settings, run) is True
        (request,) = server.requests
    assert request.json["run_id"] == run.run_id
    assert {k: request.json[k] for k in ("status", "error", "warnings")} == {
        "status": "failed", "error": "WarehouseError: the disk is full", "warnings": []}


def test_no_webhook_configured_sends_nothing(tmp_path):
    settings = load_config(write_small_config(tmp_path))
    assert settings.notify.webhook_url is None
    assert notify_webhook(settings, new_run(settings)) is False
