"""Where socek's shipped files are: ``sql/``, the default configuration (publisher profiles, the
indicator catalogue, ``pipeline.toml``, the demo's ``demo.toml``) and the synthetic demo snapshots.

In a checkout, and in an editable install, they are the top-level folders ``sql/`` and ``config/``.
A regular install (``pip install .``) copies them into the package as ``flows/sql`` and
``flows/defaults`` (see ``[tool.setuptools.package-dir]`` in pyproject.toml). This module is the
one place that knows both, so socek runs from any folder either way.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # .../flows


def _shipped(installed: str, checkout: str) -> Path:
    """The folder inside the installed package if it is there, else the checkout's top-level one."""
    packaged = _PACKAGE / installed
    return packaged if packaged.is_dir() else _PACKAGE.parent / checkout


SQL_DIR = _shipped("sql", "sql")
DEFAULTS_DIR = _shipped("defaults", "config")
PROFILES_DIR = DEFAULTS_DIR / "profiles"
CATALOGUE_FILE = DEFAULTS_DIR / "indicators.toml"
DEMO_CONFIG = DEFAULTS_DIR / "demo.toml"  # `socek --demo`: the demo environment, everything under demo/
DEMO_SNAPSHOTS_DIR = DEFAULTS_DIR / "snapshots" / "demo"
