"""Helpers for end-to-end tests: a private copy of the project's configuration in a temp folder."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT


def write_config(folder: Path, *, environment: str = "demo", **overrides: str) -> Path:
    """``folder/config/pipeline.toml``: the shipped config with everything (inbox, warehouse, exports,
    reports, landing, secrets) under ``folder``.

    By default it is a demo environment (offline, the shipped synthetic snapshots, synthetic inbox
    files allowed), like ``config/demo.toml``. ``environment="production"`` keeps the shipped
    production settings: such a project must bring real-looking (unmarked) files and recordings.
    """
    text = (ROOT / "config/pipeline.toml").read_text(encoding="utf-8")
    overrides = {"environment": f'"{environment}"'} | ({"mode": '"offline"'} if environment == "demo" else {}) | overrides
    for key, value in overrides.items():
        text = text.replace(f"{key} = ", f"{key} = {value}\n# replaced: {key} = ", 1)
    config = folder / "config" / "pipeline.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text, encoding="utf-8")
    return config
