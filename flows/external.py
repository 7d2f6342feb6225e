"""Regional and national sources for a run: Kolada, SCB population, and the company bulk files.

Offline mode replays the shipped snapshot; live mode fetches and lands every payload, falling back
to the newest landed copy (or the snapshot) when a source still fails after its retries. Only a
fallback makes the run end "with warnings" and flags the values provisional (P); informational
notes (an unverified KPI id) are logged, not escalated.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
import requests

from flows.config import Settings
from flows.errors import SourceError
from flows.sources import bolagsverket
from flows.sources.landing import SourceResult, collect_kolada, collect_scb, complete_landings

log = logging.getLogger(__name__)

BULK = "bolagsverket"
BULK_FILES = {"bolagsverket_bulkfil.zip": "bolagsverket_url", "scb_bulkfil.zip": "scb_url"}
MANIFEST = "manifest.json"


@dataclass
class ExternalData:
    """Every source's result for one run, ready to load."""

    results: dict[str, SourceResult]

    @property
    def warnings(self) -> list[str]:
        return [r.warning for r in self.results.values() if r.provisional and r.warning]

    def status_frame(self, run_id: str) -> pd.DataFrame:
        return pd.DataFrame([{
            "source": name, "origin": r.origin, "provisional": r.provisional,
            "retrieved_at": r.retrieved_at.astimezone(timezone.utc).replace(tzinfo=None),
            "warning": r.warning, "run_id": run_id,
        } for name, r in sorted(self.results.items())])


def collect_all(settings: Settings, run_date: date, keep_orgnrs: set[str]) -> ExternalData:
    results = {
        "kolada": collect_kolada(settings, run_date),
        "scb": collect_scb(settings, run_date),
        BULK: collect_bulk(settings, run_date, keep_orgnrs),
    }
    for result in results.values():
        if result.warning and not result.provisional:
            log.info(result.warning)
    return ExternalData(results)


# --- bulk files ----------------------------------------------------------------------------------

def _manifest_time(folder: Path) -> datetime:
    data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    stamps = [f.get("fetched_at") for f in data.get("files", []) if f.get("fetched_at")]
    stamp = max(stamps) if stamps else data.get("completed_at")
    return datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))


def _parse_bulk_folder(folder: Path, settings: Settings, keep_orgnrs: set[str]) -> dict[str, pd.DataFrame]:
    """Parse both bulk zips of a landing or snapshot folder (streamed; see bolagsverket.py)."""
    bulk = settings.sources.bulk
    if not (folder / MANIFEST).is_file():
        raise SourceError(f"{folder}: no {MANIFEST}; the bulk-file folder is incomplete")
    common = dict(keep_orgnrs=keep_orgnrs, county_postcode_prefixes=bulk.county_postcode_prefixes,
                  county_postorter=bulk.county_postorter, max_member_bytes=bulk.max_member_bytes,
                  max_compression_ratio=bulk.max_compression_ratio)
    tables = {}
    for name, parse, table in (("bolagsverket_bulkfil.zip", bolagsverket.parse_bolagsverket_zip, "bolagsverket_register"),
                               ("scb_bulkfil.zip", bolagsverket.parse_scb_zip, "scb_register")):
        path = folder / name
        if not path.is_file():
            raise SourceError(f"{path}: bulk file missing")
        sha = _sha256(path)
        cached = _bulk_cache_path(settings, sha, table, common)
        if cached.is_file():  # the same zip with the same selection: parsed on an earlier night
            tables[table] = pd.read_parquet(cached).assign(_source_file=str(path), _sha256=sha)
            log.info("%s: unchanged since it was parsed (%s); %d rows kept", name, cached.name, len(tables[table]))
            continue
        parsed = parse(path, **common)
        tables[table] = parsed.frame.assign(_source_file=str(path), _sha256=sha)
        _write_bulk_cache(cached, parsed.frame)
        log.info("%s: %d lines read, %d kept, %d sole-trader rows dropped, %d malformed",
                 name, parsed.lines_read, parsed.rows_kept, parsed.person_rows_dropped, parsed.malformed_rows)
    return tables


def _bulk_cache_path(settings: Settings, sha: str, table: str, common: dict) -> Path:
    """Where the kept rows of one parsed bulk zip are cached: keyed by the zip's bytes and by
    everything that decides which rows are kept (the org nrs to keep, the county filter)."""
    selection = json.dumps({k: sorted(v) if isinstance(v, (set, frozenset, list)) else v
                            for k, v in sorted(common.items())}, sort_keys=True)
    key = hashlib.sha256(f"{sha}\0{table}\0{selection}".encode()).hexdigest()[:24]
    return settings.path("warehouse").parent / "cache" / f"{table}-{key}.parquet"


def _write_bulk_cache(path: Path, frame: pd.DataFrame) -> None:
    """Keep only the newest cache per table (written atomically; a failure only costs a re-parse)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(path.name.rsplit("-", 1)[0] + "-*.parquet"):
            old.unlink(missing_ok=True)
        partial = path.with_name(path.name + ".partial")
        frame.to_parquet(partial, index=False)
        partial.replace(path)
    except OSError as exc:
        log.info("bulk-file cache not written (%s); the next run parses again", exc)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(url: str, target: Path, settings: Settings) -> dict:
    """Stream one bulk zip to disk (never into memory); retry on network errors."""
    bulk = settings.sources.bulk
    last_error: Exception | None = None
    for _attempt in range(bulk.max_retries + 1):
        try:
            with requests.get(url, stream=True, timeout=bulk.timeout_seconds) as response:
                response.raise_for_status()
                partial = target.with_name(target.name + ".part")
                with open(partial, "wb") as handle:
                    for chunk in response.iter_content(1 << 20):
                        handle.write(chunk)
                partial.replace(target)
            return {"file": target.name, "url": url, "sha256": _sha256(target), "bytes": target.stat().st_size,
                    "fetched_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
        except (requests.RequestException, OSError) as exc:
            last_error = exc
    raise SourceError(f"{BULK}: download of {url} failed after {bulk.max_retries + 1} attempts: {last_error}")


def _fetch_bulk(settings: Settings, run_date: date) -> Path:
    folder = settings.path("landing") / BULK / run_date.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST).unlink(missing_ok=True)
    entries = [_download(getattr(settings.sources.bulk, key), folder / name, settings)
               for name, key in BULK_FILES.items()]
    (folder / MANIFEST).write_text(json.dumps({"files": entries}, indent=2), encoding="utf-8")
    return folder


def collect_bulk(settings: Settings, run_date: date, keep_orgnrs: set[str]) -> SourceResult:
    snapshot = settings.path("snapshots") / BULK
    if settings.mode == "offline":
        tables = _parse_bulk_folder(snapshot, settings, keep_orgnrs)
        return SourceResult(BULK, tables, "snapshot", False, None, _manifest_time(snapshot))
    try:
        folder = _fetch_bulk(settings, run_date)
        tables = _parse_bulk_folder(folder, settings, keep_orgnrs)
        return SourceResult(BULK, tables, "live", False, None, _manifest_time(folder))
    except SourceError as exc:
        error = exc
        # A download that does not parse (an HTML error page saved as .zip) is no fallback for later
        # nights: without its manifest the folder counts as incomplete.
        (settings.path("landing") / BULK / run_date.isoformat() / MANIFEST).unlink(missing_ok=True)
    for folder in [*complete_landings(settings.path("landing") / BULK), snapshot]:
        try:
            tables = _parse_bulk_folder(folder, settings, keep_orgnrs)
        except SourceError:
            continue
        warning = f"{BULK}: live download failed ({error}); using the bulk files in {folder}"
        return SourceResult(BULK, tables, "fallback", True, warning, _manifest_time(folder))
    raise SourceError(f"{BULK}: live download failed ({error}) and there is no earlier copy to fall back to")


# --- loading -------------------------------------------------------------------------------------

RAW_TABLES = {"kolada_values": "kolada", "kolada_kpis": "kolada", "scb_population": "scb",
              "bolagsverket_register": BULK, "scb_register": BULK}


def with_lineage(frame: pd.DataFrame, result: SourceResult, run_id: str) -> pd.DataFrame:
    """Add the lineage columns of the external raw tables."""
    extra = {"_retrieved_at": result.retrieved_at.astimezone(timezone.utc).replace(tzinfo=None), "_run_id": run_id}
    if "_source_file" not in frame.columns:
        extra["_source_file"] = result.source
    if "_sha256" not in frame.columns:
        extra["_sha256"] = hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).values.tobytes()).hexdigest()
    return frame.assign(**extra)


def unchanged(existing_hashes: set[str], frame: pd.DataFrame) -> bool:
    """True when the table already holds exactly these payloads (same hashes): keep it as it is,
    so a rerun on the same inputs leaves the warehouse byte-for-byte unchanged."""
    return bool(existing_hashes) and existing_hashes == set(frame["_sha256"].dropna().unique())


