"""Personal identity numbers never stored in clear (DESIGN §6): the hashing key, and the scrub of
every delivered cell before anything is stored, quarantined or logged.

The key is read from the environment (``SOCEK_HASH_KEY``) or from the local secrets file
(``paths.secrets``, ``hash_key = "..."``), never from the repository. Without a key socek refuses to
store a personal identity number (fails closed); the demo setup creates a random local key.
"""

from __future__ import annotations

import os
import re
import secrets
import tomllib
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc

from flows.common.identifiers import looks_like_personnummer, pseudonymise
from flows.errors import ConfigError, InboxError
from flows.intake.table import EXTRA, ROW_NUMBER, RawTable, per_value, text_arrow

ENV_VAR = "SOCEK_HASH_KEY"


def load_hash_key(secrets_file: Path) -> bytes | None:
    """The hashing key, or None when neither the environment nor the secrets file has one."""
    value = os.environ.get(ENV_VAR)
    if value:
        return value.encode("utf-8")
    if secrets_file.is_file():
        try:
            data = tomllib.loads(secrets_file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{secrets_file}: not valid TOML: {exc}") from None
        key = data.get("hash_key")
        if key:
            return str(key).encode("utf-8")
    return None


def ensure_local_key(secrets_file: Path) -> bool:
    """Create the secrets file with a random key if there is none. Returns True if created."""
    if os.environ.get(ENV_VAR) or secrets_file.is_file():
        return False
    secrets_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(secrets_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("# Local key for pseudonymising personal identity numbers. Never commit this file.\n")
        handle.write(f'hash_key = "{secrets.token_hex(32)}"\n')
    return True


_PNR_HINT = r"(?:^|[^0-9])(?:[0-9]{6}|[0-9]{8})[-+ ]?[0-9]{4}(?:[^0-9]|$)"
_PNR_TOKEN = re.compile(r"(?<![0-9])(?:[0-9]{6}|[0-9]{8})[-+ ]?[0-9]{4}(?![0-9])")


class MissingHashKeyError(InboxError):
    """A personal identity number was found but no pseudonymisation key is configured."""

    rule = "file:no_hash_key"


def scrub_frame(raw: RawTable, hash_key: bytes | None) -> pd.DataFrame:
    """The delivered cells with every personnummer-shaped token pseudonymised (fails closed).

    The cheap test runs in Arrow (RE2) over each column; only columns with a hint are copied and
    scrubbed value by value.
    """
    frame = raw.frame
    scrubbed: pd.DataFrame | None = None
    for name in [*raw.headers, EXTRA]:
        values = frame[name]
        hinted = pc.fill_null(pc.match_substring_regex(text_arrow(values), _PNR_HINT), False)
        if not pc.any(hinted).as_py():
            continue
        if scrubbed is None:
            scrubbed = frame.copy(deep=False)
        mask = pd.Series(hinted.to_numpy(zero_copy_only=False), index=values.index)
        scrubbed[name] = scrub_column(values, name, frame[ROW_NUMBER], raw.path, hash_key, mask)
    return frame if scrubbed is None else scrubbed


def scrub_column(
    values: pd.Series, name: str, rows: pd.Series, path: Path, hash_key: bytes | None,
    hinted: pd.Series | None = None,
) -> pd.Series:
    if hinted is None:
        hinted = values.str.contains(_PNR_HINT, regex=True, na=False)
    if not hinted.any():
        return values

    def scrub(text: str) -> str:
        return _PNR_TOKEN.sub(lambda match: pseudonym_for(match.group(), text), text)

    def pseudonym_for(token: str, text: str) -> str:
        if not looks_like_personnummer(token):
            return token
        if not hash_key:
            row = rows[values == text].iloc[0]
            raise MissingHashKeyError(
                f"{path}: row {row}, column {name!r} holds what looks like a personal identity number, "
                "and no pseudonymisation key is configured. socek never stores such numbers in clear, "
                "so the file is not read; configure the key and run again"
            )
        return pseudonymise(token, hash_key)

    scrubbed = values.copy()
    scrubbed[hinted] = per_value(values[hinted], scrub)
    return scrubbed
