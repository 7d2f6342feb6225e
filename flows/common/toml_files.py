"""Read a TOML file an operator wrote (configuration, profiles, catalogue), and say in words which key
of it is wrong: every message names the file and the dotted key, so a typo never passes silently."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from flows.errors import ConfigError


def read_toml(path: Path, what: str, error: type[ConfigError] = ConfigError) -> dict:
    """The parsed file, or ``error`` saying that the ``what`` (e.g. "configuration file") is missing or
    not valid TOML."""
    if not path.is_file():
        raise error(f"{path}: {what} not found")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None


def describe_key_error(error: dict) -> str:
    """One pydantic validation error as a sentence about the dotted key."""
    key = ".".join(str(part) for part in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"key '{key}' is not allowed (typo or unsupported setting)"
    if error["type"] == "missing":
        return f"key '{key}' is required but missing"
    return f"key '{key}': {error['msg']} (got {error.get('input')!r})"


class StrictModel(BaseModel):
    """A settings model that refuses unknown keys (a typo is an error) and cannot be changed."""

    model_config = ConfigDict(extra="forbid", frozen=True)
