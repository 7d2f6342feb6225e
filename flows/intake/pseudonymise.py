"""Personal identity numbers never stored in clear (DESIGN §6): the hashing key, and the scrub of
every delivered column name and cell before anything is stored, quarantined or logged (which forms
are found: ``flows.common.personnummer``).

The key is read from the environment (``SOCEK_HASH_KEY``) or from the local secrets file
(``paths.secrets``, ``hash_key = "..."``), never from the repository. Without a key socek refuses to
store a personal identity number (fails closed); the demo setup creates a random local key.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from flows.common.personnummer import (
    PREFILTER,
    pseudonymise,
    replace_personnummer,
    spans,
)
from flows.errors import ConfigError, InboxError
from flows.intake.table import (
    EXTRA,
    ROW_NUMBER,
    RawTable,
    header_names,
    text_arrow,
    text_series,
)

_SAMPLE_ROWS = 10_000  # rows looked at to tell a repetitive column from one of unique values

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


class MissingHashKeyError(InboxError):
    """A personal identity number was found but no pseudonymisation key is configured."""

    rule = "file:no_hash_key"


def scrub_table(raw: RawTable, hash_key: bytes | None) -> RawTable:
    """The delivered table with every personal identity number pseudonymised, in the column names
    and in every cell (surplus cells in ``_extra`` too); fails closed without a key.

    Only the distinct values the RE2 pre-filter hits get the exact check in Python, and only
    columns where a number was found are replaced (in Arrow).
    """
    names = {header: _scrub_header(header, index, raw.path, hash_key)
             for index, header in enumerate(raw.headers, start=1)}
    frame = raw.frame
    if any(new != old for old, new in names.items()):
        header_names(list(names.values()), raw.path)  # two columns named by the same number: refused
        frame = frame.rename(columns=names)
    scrubbed: pd.DataFrame | None = None
    for name in [*names.values(), EXTRA]:
        values = text_arrow(frame[name])
        found = {}
        for text in _hinted(values).to_pylist():
            pseudonymised = replace_personnummer(text, lambda number: _pseudonym(number, hash_key, raw, name, text))
            if pseudonymised != text:
                found[text] = pseudonymised
        if not found:
            continue
        if scrubbed is None:
            scrubbed = frame.copy(deep=False)
        index = pc.index_in(values, value_set=pa.array(list(found), pa.large_string()))
        replaced = pc.take(pa.array(list(found.values()), pa.large_string()), index)
        scrubbed[name] = text_series(pc.if_else(pc.is_valid(index), replaced, values), frame.index)
    return raw if scrubbed is None else replace(raw, frame=scrubbed)


def _hinted(values: pa.ChunkedArray) -> pa.Array:
    """The distinct values the pre-filter hits. A repetitive column (names, accounts, dates) is
    tested once per distinct value; a column of nearly unique values (vouchers, amounts) directly,
    which is cheaper than finding its distinct values first."""
    sample = values.slice(0, _SAMPLE_ROWS)
    if len(pc.unique(sample)) * 2 <= len(sample):
        distinct = pc.unique(values)
        return pc.filter(distinct, _prefilter(distinct))
    return pc.unique(pc.filter(values, _prefilter(values)))


def _prefilter(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    return pc.fill_null(pc.match_substring_regex(values, PREFILTER), False)


def _scrub_header(header: str, index: int, path: Path, hash_key: bytes | None) -> str:
    if not spans(header):
        return header
    if not hash_key:
        raise _missing_key(path, f"the name of column {index}")
    return replace_personnummer(header, lambda number: pseudonymise(number, hash_key))


def _pseudonym(number: str, hash_key: bytes | None, raw: RawTable, column: str, text: str) -> str:
    if not hash_key:
        row = raw.frame.loc[raw.frame[column] == text, ROW_NUMBER].iloc[0]
        raise _missing_key(raw.path, f"row {row}, column {column!r}")
    return pseudonymise(number, hash_key)


def _missing_key(path: Path, where: str) -> MissingHashKeyError:
    return MissingHashKeyError(
        f"{path}: {where} holds what looks like a personal identity number, and no pseudonymisation "
        "key is configured. socek never stores such numbers in clear, so the file is not read; "
        "configure the key and run again"
    )
