"""Helpers for end-to-end tests: a private copy of the project's configuration in a temp folder."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT


def write_config(folder: Path, **overrides: str) -> Path:
    """``folder/config/pipeline.toml``: the shipped config (with the shipped snapshots), everything
    else (inbox, warehouse, exports, reports, landing, secrets) under ``folder``."""
    text = (ROOT / "config/pipeline.toml").read_text(encoding="utf-8")
    for key, value in overrides.items():
        text = text.replace(f"{key} = ", f"{key} = {value}\n# replaced: {key} = ", 1)
    config = folder / "config" / "pipeline.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text, encoding="utf-8")
    return config
