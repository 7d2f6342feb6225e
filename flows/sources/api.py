"""Collect the API sources (Kolada, SCB): replay the snapshot offline; live, fetch through the shared
HTTP path, decode, land every payload unchanged, and fall back to the newest landed copy (or the
snapshot) when the source still fails after its retries; such values are provisional (P).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from functools import partial
from pathlib import Path
from typing import Literal

import pandas as pd

from flows.config import Settings
from flows.errors import SourceError
from flows.sources import kolada, scb
from flows.sources.http import Fetched, Payload, ResponseFormatError
from flows.sources.landing import (
    LandedFolder,
    LandingError,
    complete_landings,
    land,
    read_landed,
)

Fetcher = Callable[..., dict[str, list[Fetched]]]
Decoder = Callable[[Mapping[str, Sequence[Payload]]], dict[str, pd.DataFrame]]


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
    synthetic: bool = False  # replayed from recordings marked synthetic (the demo environment only)


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


def _replay(folder: Path, source: str, decode: Decoder,
            allow_synthetic: bool) -> tuple[LandedFolder, dict[str, pd.DataFrame]]:
    landed = read_landed(folder, source)
    if landed.synthetic and not allow_synthetic:
        raise SyntheticRecordingError(
            f"{folder}: these recorded responses are synthetic demo data (its manifest says \"synthetic\": true); "
            "a production warehouse never uses them. Point paths.snapshots at recordings of the real source, "
            "or use the demo configuration (config/demo.toml)")
    return landed, _decoded(decode, landed.payloads, str(folder))


class SyntheticRecordingError(LandingError):
    """Recorded responses marked synthetic, met by a production configuration."""


def _fall_back(source: str, settings: Settings, decode: Decoder, error: SourceError) -> SourceResult:
    """The newest landed copy that replays, else the snapshot folder (in production only recordings
    of the real source, never synthetic ones); provisional, with a warning."""
    snapshots = settings.snapshots_dir
    snapshot = snapshots / source if snapshots is not None else None
    candidates = complete_landings(settings.path("landing") / source) + ([snapshot] if snapshot else [])
    problems = []
    for folder in candidates:
        try:
            landed, tables = _replay(folder, source, decode, settings.is_demo)
        except SourceError as exc:
            problems.append(str(exc))
            continue
        as_of = folder.name if folder != snapshot else landed.completed_at.date().isoformat()
        synthetic = "; SYNTHETIC demo data, not real statistics" if landed.synthetic else ""
        warning = f"{source}: live fetch failed ({error}); using snapshot of {as_of} ({folder}{synthetic})"
        return SourceResult(source, tables, "fallback", True, warning, landed.completed_at, landed.synthetic)
    raise SourceError(
        f"{source}: live fetch failed ({error}) and nothing to fall back to: "
        f"{'; '.join(problems) or 'no complete landed copies of the real source'}"
    )


def _collect(
    source: str, settings: Settings, run_date: date, fetch: Fetcher, decode: Decoder, sleep: Callable[[float], None]
) -> SourceResult:
    if settings.mode == "offline":
        landed, tables = _replay(settings.path("snapshots") / source, source, decode, settings.is_demo)
        return SourceResult(source, tables, "snapshot", False, None, landed.completed_at, landed.synthetic)
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


# --- loading -------------------------------------------------------------------------------------
