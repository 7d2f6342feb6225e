"""`socek serve` registers the nightly deployment at 02:00 Stockholm time (checked without serving)."""

from flows.config import load_config
from flows.nightly import build_deployment
from tests.conftest import ROOT


def test_deployment_runs_nightly_at_two_in_stockholm():
    settings = load_config(ROOT / "config/pipeline.toml")
    deployment = build_deployment(settings, "config/pipeline.toml")
    assert deployment.name == "socek-nightly"
    assert deployment.entrypoint.endswith("flows/nightly.py:nightly")
    assert deployment.parameters == {"config_path": "config/pipeline.toml"}
    [schedule] = deployment.schedules
    assert schedule.active
    assert schedule.schedule.cron == "0 2 * * *"
    assert schedule.schedule.timezone == "Europe/Stockholm"


def test_serve_without_a_server_explains_what_to_start(monkeypatch, capsys):
    from flows.cli import EXIT_USAGE, main

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert main(["--config", str(ROOT / "config/pipeline.toml"), "serve"]) == EXIT_USAGE
    assert "prefect server start" in capsys.readouterr().err
