"""Keep every fetched API payload unchanged, and read it back.

Layout of a landing (or snapshot) folder::

    landing/<source>/<YYYY-MM-DD>/001-kpi.json, 002-municipality.json, 003-data.json, ...
                                  manifest.json

``manifest.json`` lists each file with its kind, method, URL, request body (POST), fetch time (UTC),
content type, sha256 and size. It is written last, atomically (temp file + ``os.replace``), so a
folder without a manifest is an interrupted fetch and is ignored. A snapshot folder
(``paths.snapshots/<source>/``) has exactly the same layout, so offline runs and fallbacks replay
through the very decoders a live run uses.

Live runs decode the fetched payloads first and land them only if they decode
(``flows.sources.collect``), so every complete landing folder is a known-good fallback for later
nights.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from flows.errors import SourceError
from flows.sources.http import Fetched, Payload

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "socek-landing/1"
_DATE_FOLDER = re.compile(r"\d{4}-\d{2}-\d{2}")

Fetcher = Callable[..., dict[str, list[Fetched]]]
Decoder = Callable[[Mapping[str, Sequence[Payload]]], dict[str, pd.DataFrame]]


class LandingError(SourceError):
    """A landing or snapshot folder is incomplete, altered or unreadable."""


@dataclass(frozen=True)
class LandedFolder:
    """A complete landing/snapshot folder read back: its payloads by kind, in landing order."""

    folder: Path
    source: str
    completed_at: datetime
    synthetic: bool
    payloads: dict[str, list[Payload]]


# Writing -----------------------------------------------------------------------------------------
def utc_stamp(moment: datetime) -> str:
    """UTC ISO time to the second, e.g. ``2026-11-01T03:00:00Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def landed_file_name(position: int, kind: str) -> str:
    """``003-data-TAB638.json``: the order of landing plus the kind, safe as a file name."""
    return f"{position:03d}-{kind.replace('/', '-')}.json"


def write_atomically(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _clear(folder: Path) -> None:
    """Make an earlier landing of the same day incomplete first (manifest gone), then remove it."""
    (folder / MANIFEST).unlink(missing_ok=True)
    if folder.exists():
        shutil.rmtree(folder)


def land(
    folder: Path,
    source: str,
    pages_by_kind: Mapping[str, Sequence[Fetched]],
    *,
    completed_at: datetime,
    extra: Mapping[str, Any] | None = None,
) -> Path:
    """Write each payload's bytes unchanged, then the manifest (last, atomically).

    ``extra`` adds top-level manifest fields (the demo snapshot marks itself synthetic this way).
    A folder of the same day is replaced.
    """
    _clear(folder)
    folder.mkdir(parents=True)
    entries = []
    for position, (kind, page) in enumerate(
        ((kind, page) for kind, pages in pages_by_kind.items() for page in pages), start=1
    ):
        name = landed_file_name(position, kind)
        (folder / name).write_bytes(page.content)
        entries.append(
            {
                "file": name,
                "kind": kind,
                "method": page.method,
                "url": page.url,
                "body": page.body,
                "fetched_at": utc_stamp(page.fetched_at),
                "content_type": page.content_type,
                "sha256": hashlib.sha256(page.content).hexdigest(),
                "bytes": len(page.content),
            }
        )
    manifest = {
        "format": MANIFEST_FORMAT,
        "source": source,
        "completed_at": utc_stamp(completed_at),
        **(extra or {}),
        "files": entries,
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    write_atomically(folder / MANIFEST, text.encode("utf-8"))
    return folder


# Reading -----------------------------------------------------------------------------------------
def _read_manifest(folder: Path, source: str) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise LandingError(f"{folder}: no {MANIFEST}, so the folder is missing or incomplete (an interrupted fetch)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise LandingError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise LandingError(f"{path}: not a socek landing manifest (format must be {MANIFEST_FORMAT!r})")
    if manifest.get("source") != source:
        raise LandingError(f"{path}: holds source {manifest.get('source')!r}, expected {source!r}")
    return manifest


def _read_entry(folder: Path, entry: Mapping[str, Any]) -> Payload:
    """One listed file, checked against its recorded size and sha256, parsed as JSON."""
    name = str(entry.get("file", ""))
    if not name or Path(name).name != name:
        raise LandingError(f"{folder / MANIFEST}: unsafe or empty file name {name!r}")
    path = folder / name
    if not path.is_file():
        raise LandingError(f"{path}: listed in {MANIFEST} but missing")
    content = path.read_bytes()
    if len(content) != entry.get("bytes") or hashlib.sha256(content).hexdigest() != entry.get("sha256"):
        raise LandingError(f"{path}: size or sha256 differs from {MANIFEST}; the file was changed after landing")
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise LandingError(f"{path}: not valid JSON ({exc})") from None
    return Payload(origin=f"{path} (recorded from {entry.get('url')})", data=data)


def read_landed(folder: Path, source: str) -> LandedFolder:
    """Read a complete landing or snapshot folder back, verifying every file against the manifest."""
    manifest = _read_manifest(folder, source)
    payloads: dict[str, list[Payload]] = {}
    for entry in manifest.get("files") or []:
        payloads.setdefault(str(entry.get("kind")), []).append(_read_entry(folder, entry))
    try:
        completed_at = datetime.fromisoformat(manifest["completed_at"])
    except (KeyError, TypeError, ValueError):
        raise LandingError(f"{folder / MANIFEST}: completed_at must be an ISO time") from None
    return LandedFolder(folder, source, completed_at, bool(manifest.get("synthetic", False)), payloads)


def complete_landings(source_root: Path) -> list[Path]:
    """Dated landing folders that have a manifest, newest first."""
    if not source_root.is_dir():
        return []
    folders = [
        child
        for child in source_root.iterdir()
        if child.is_dir() and _DATE_FOLDER.fullmatch(child.name) and (child / MANIFEST).is_file()
    ]
    return sorted(folders, key=lambda folder: folder.name, reverse=True)
