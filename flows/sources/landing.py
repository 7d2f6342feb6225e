"""Keep every fetched API payload unchanged, replay it, and collect each source for a run.

Layout of a landing (or snapshot) folder::

    landing/<source>/<YYYY-MM-DD>/001-kpi.json, 002-municipality.json, 003-data.json, ...
                                  manifest.json

``manifest.json`` lists each file with its kind, method, URL, request body (POST), fetch time (UTC),
content type, sha256 and size. It is written last, atomically (temp file + ``os.replace``), so a
folder without a manifest is an interrupted fetch and is ignored. A snapshot folder
(``paths.snapshots/<source>/``) has exactly the same layout, so offline runs and fallbacks replay
through the very decoders a live run uses.

Live runs decode the fetched payloads first and land them only if they decode, so every complete
landing folder is a known-good fallback for later nights.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from flows.config import Settings
from flows.errors import SourceError
from flows.sources import kolada, scb
from flows.sources.http import Fetched, Payload, ResponseFormatError

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "socek-landing/1"
_DATE_FOLDER = re.compile(r"\d{4}-\d{2}-\d{2}")

Fetcher = Callable[..., dict[str, list[Fetched]]]
Decoder = Callable[[Mapping[str, Sequence[Payload]]], dict[str, pd.DataFrame]]


class LandingError(SourceError):
    """A landing or snapshot folder is incomplete, altered or unreadable."""


@dataclass(frozen=True)
class SourceResult:
    """The decoded tables of one source for a run, and how trustworthy they are.

    ``origin``: ``live`` (fetched now), ``snapshot`` (offline replay), ``fallback`` (live failed; an
    older landed copy or the snapshot was used, so values are ``provisional`` and ``warning`` says why).
    """

    source: str
    tables: dict[str, pd.DataFrame]
    origin: Literal["live", "snapshot", "fallback"]
    provisional: bool
    warning: str | None
    retrieved_at: datetime


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


def _write_atomically(path: Path, content: bytes) -> None:
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
    _write_atomically(folder / MANIFEST, text.encode("utf-8"))
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


# Collecting --------------------------------------------------------------------------------------
def _as_payloads(pages_by_kind: Mapping[str, Sequence[Fetched]]) -> dict[str, list[Payload]]:
    return {kind: [page.as_payload() for page in pages] for kind, pages in pages_by_kind.items()}


def _decoded(decode: Decoder, payloads: Mapping[str, Sequence[Payload]], where: str) -> dict[str, pd.DataFrame]:
    """Decode payloads; a document of the wrong shape is a ``ResponseFormatError`` whatever the
    decoder raised (a list where an object belongs...), so the run falls back instead of crashing."""
    try:
        return decode(payloads)
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoding failure means the answer is unusable
        raise ResponseFormatError(
            f"{where}: the answer does not have the expected shape ({type(exc).__name__}: {exc})") from None


def _replay(folder: Path, source: str, decode: Decoder) -> tuple[LandedFolder, dict[str, pd.DataFrame]]:
    landed = read_landed(folder, source)
    return landed, _decoded(decode, landed.payloads, str(folder))


def _fall_back(source: str, settings: Settings, decode: Decoder, error: SourceError) -> SourceResult:
    """The newest landed copy that replays, else the snapshot folder; provisional, with a warning."""
    snapshot = settings.path("snapshots") / source
    candidates = complete_landings(settings.path("landing") / source) + [snapshot]
    problems = []
    for folder in candidates:
        try:
            landed, tables = _replay(folder, source, decode)
        except SourceError as exc:
            problems.append(str(exc))
            continue
        as_of = folder.name if folder != snapshot else landed.completed_at.date().isoformat()
        synthetic = "; SYNTHETIC demo data, not real statistics" if landed.synthetic else ""
        warning = f"{source}: live fetch failed ({error}); using snapshot of {as_of} ({folder}{synthetic})"
        return SourceResult(source, tables, "fallback", True, warning, landed.completed_at)
    raise SourceError(
        f"{source}: live fetch failed ({error}) and nothing to fall back to: "
        f"{'; '.join(problems) or 'no landed copies and no snapshot'}"
    )


def _collect(
    source: str, settings: Settings, run_date: date, fetch: Fetcher, decode: Decoder, sleep: Callable[[float], None]
) -> SourceResult:
    if settings.mode == "offline":
        landed, tables = _replay(settings.path("snapshots") / source, source, decode)
        return SourceResult(source, tables, "snapshot", False, None, landed.completed_at)
    try:
        pages = fetch(settings, sleep=sleep)
        tables = _decoded(decode, _as_payloads(pages), source)
    except SourceError as exc:
        return _fall_back(source, settings, decode, exc)
    completed_at = datetime.now(timezone.utc)
    land(settings.path("landing") / source / run_date.isoformat(), source, pages, completed_at=completed_at)
    return SourceResult(source, tables, "live", False, None, completed_at)


def _with_notes(result: SourceResult, notes: Sequence[str]) -> SourceResult:
    messages = ([result.warning] if result.warning else []) + list(notes)
    return replace(result, warning="; ".join(messages) or None)


def collect_kolada(settings: Settings, run_date: date, *, sleep: Callable[[float], None] = time.sleep) -> SourceResult:
    """Kolada tables ``kolada_values``, ``kolada_kpis`` (and ``kolada_municipalities``) for a run.

    Offline: replay the snapshot. Live: fetch, decode, land under ``landing/kolada/<run_date>/``; on
    failure fall back (provisional). A KPI id known not to exist stops the run before any fetch.
    """
    requested = settings.sources.kolada.kpis
    unverified = kolada.check_kpi_ids(requested)
    result = _collect("kolada", settings, run_date, kolada.fetch_payloads, kolada.decode_tables, sleep)
    notes = []
    if unverified:
        notes.append(f"kolada: KPI id(s) {', '.join(unverified)} are not in socek's verified list")
    absent = kolada.missing_from_catalogue(requested, result.tables["kolada_kpis"])
    if absent:
        notes.append(f"kolada: KPI id(s) {', '.join(absent)} are not in Kolada's KPI catalogue; they have no values")
    return _with_notes(result, notes)


def collect_scb(settings: Settings, run_date: date, *, sleep: Callable[[float], None] = time.sleep) -> SourceResult:
    """SCB table ``scb_population`` for a run (offline replay, live fetch + landing, or fallback)."""
    decode = partial(scb.decode_tables, scb=settings.sources.scb)
    return _collect("scb", settings, run_date, scb.fetch_payloads, decode, sleep)
