"""SQL identifiers built only from validated names.

socek never interpolates free text into SQL. Table and column names come from the dataset contract
or config, and each passes ``ident`` first: a plain lower-case identifier or a ``ConfigError``.
"""

from __future__ import annotations

import re

from flows.errors import ConfigError

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def ident(name: str) -> str:
    """Return ``name`` double-quoted if it is a safe identifier, else raise ``ConfigError``."""
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
        raise ConfigError(f"refusing unsafe SQL identifier {name!r}: use lower-case letters, digits and _")
    return f'"{name}"'


def qualified(schema: str, name: str) -> str:
    return f"{ident(schema)}.{ident(name)}"
