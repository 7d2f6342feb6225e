"""What marks data as synthetic: one definition for the demo that writes the marks and for the
production path that refuses what carries them.

- A delivered file (CSV, XLSX, JSON rows) written by the demo has an extra column ``socek_synthetic``
  whose every cell says ``FIKTIVA DATA``: the mark travels with the file, so a demo file copied into a
  real inbox is still recognised.
- A recorded-response folder (landing or snapshot) says ``"synthetic": true`` in its ``manifest.json``.
- A warehouse that ever loaded synthetic data says so in ``meta.provenance``; every output written from
  it carries the same column, ``"socek:synthetic": true`` (deliveries) or a banner (reports).
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

SYNTHETIC_COLUMN = "socek_synthetic"
SYNTHETIC_VALUE = "FIKTIVA DATA"
SYNTHETIC_BANNER = "Fiktiva data – demo"
MANIFEST_FLAG = "synthetic"


def is_marker_header(name: str) -> bool:
    """True for the demo's marker column, however the header was cased or padded."""
    return unicodedata.normalize("NFKC", name).strip().lstrip("\ufeff").casefold() == SYNTHETIC_COLUMN


def manifest_says_synthetic(manifest: Path) -> bool:
    """True when a landing or snapshot manifest declares its payloads synthetic (unreadable: False;
    the readers that need the manifest report that themselves)."""
    try:
        data = json.loads(Path(manifest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get(MANIFEST_FLAG) is True
