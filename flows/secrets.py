"""The key that pseudonymises personal identity numbers (DESIGN §6).

Read from the environment (``SOCEK_HASH_KEY``) or from the local secrets file (``paths.secrets``,
``hash_key = "..."``), never from the repository. Without a key socek refuses to store a personal
identity number (fails closed); the demo setup creates a random local key so ``make run`` works.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path

from flows.errors import ConfigError

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
