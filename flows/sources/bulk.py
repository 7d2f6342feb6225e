"""The bulk registers (Bolagsverket's and SCB's company files) for a run.

Offline, the snapshot folder is parsed; live, both zips are downloaded through the shared retrying
HTTP path into ``landing/bolagsverket/<date>/`` with a manifest, then parsed (streamed, see
``bulk_records``); a failed download falls back to the newest complete landing, then the snapshot.
Parsing keeps only the rows socek needs, and the kept rows of an unchanged zip are cached by the
zip's hash and the selection, so an unchanged night does not parse 1 GB again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from flows.common.hashing import RememberedHashes, sha256_file
from flows.common.processes import side_by_side
from flows.common.synthetic import manifest_says_synthetic
from flows.config import Settings
from flows.errors import SourceError
from flows.sources import bolagsverket, scb_bulk
from flows.sources.api import SourceResult
from flows.sources.bulk_records import BulkParseResult
from flows.sources.http import HttpClient
from flows.sources.landing import complete_landings

log = logging.getLogger(__name__)

BULK = "bolagsverket"
BULK_FILES = {"bolagsverket_bulkfil.zip": "bolagsverket_url", "scb_bulkfil.zip": "scb_url"}
MANIFEST = "manifest.json"


# --- bulk files ----------------------------------------------------------------------------------

def _manifest_time(folder: Path) -> datetime:
    data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    stamps = [f.get("fetched_at") for f in data.get("files", []) if f.get("fetched_at")]
    stamp = max(stamps) if stamps else data.get("completed_at")
    return datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))


def _parse_bulk_folder(folder: Path, settings: Settings, keep_orgnrs: set[str]) -> dict[str, pd.DataFrame]:
    """Parse both bulk zips of a landing or snapshot folder (streamed; see bolagsverket.py). A folder
    marked synthetic is refused outside the demo environment."""
    bulk = settings.sources.bulk
    if not (folder / MANIFEST).is_file():
        raise SourceError(f"{folder}: no {MANIFEST}; the bulk-file folder is incomplete")
    if manifest_says_synthetic(folder / MANIFEST) and not settings.is_demo:
        raise SourceError(f"{folder}: these bulk files are synthetic demo data (its manifest says \"synthetic\": "
                          "true); a production warehouse never uses them")
    common = dict(keep_orgnrs=keep_orgnrs, county_postcode_prefixes=bulk.county_postcode_prefixes,
                  county_postorter=bulk.county_postorter, max_member_bytes=bulk.max_member_bytes,
                  max_compression_ratio=bulk.max_compression_ratio)
    tables, to_parse = {}, []
    # the zips' hashes remembered by file identity: an unchanged snapshot or landing is not read again
    hashes = RememberedHashes(_cache_dir(settings) / "bulk-hashes.json")
    for name, parse, table in (
            ("bolagsverket_bulkfil.zip", bolagsverket.parse_bolagsverket_zip, "bolagsverket_register"),
            ("scb_bulkfil.zip", scb_bulk.parse_scb_zip, "scb_register")):
        path = folder / name
        if not path.is_file():
            raise SourceError(f"{path}: bulk file missing")
        sha = hashes.sha256(path)
        cached = _bulk_cache_path(settings, sha, table, common)
        if cached.is_file():  # the same zip with the same selection: parsed on an earlier night
            tables[table] = pd.read_parquet(cached).assign(_source_file=str(path), _sha256=sha)
            log.info("%s: unchanged since it was parsed (%s); %d rows kept", name, cached.name, len(tables[table]))
            continue
        to_parse.append((name, parse, table, path, sha, cached))
    hashes.save()
    parsed_all = _parse_side_by_side([(parse, path) for _, parse, _, path, _, _ in to_parse], common, settings)
    for (name, _, table, path, sha, cached), parsed in zip(to_parse, parsed_all):
        tables[table] = parsed.frame.assign(_source_file=str(path), _sha256=sha)
        _write_bulk_cache(cached, parsed.frame)
        log.info("%s: %d lines read, %d kept, %d sole-trader rows dropped, %d malformed",
                 name, parsed.lines_read, parsed.rows_kept, parsed.person_rows_dropped, parsed.malformed_rows)
    return tables


def _parse_side_by_side(jobs: list[tuple[Callable[..., BulkParseResult], Path]], common: dict,
                        settings: Settings) -> list[BulkParseResult]:
    """Parse the zips, the first here and the others each in a worker process at the same time when
    they are big and the machine has the workers (``[runner]``): the two files are independent, and
    each parse is one core's work for ~10 s per 2 M lines. Small files (the demo, the tests) are
    parsed here one after the other: starting a process would cost more than it saves."""
    runner = settings.runner
    size_mb = sum(path.stat().st_size for _, path in jobs) / 1e6
    processes = runner.workers if size_mb >= runner.inline_below_mb else 1
    results = []
    for parsed, messages in side_by_side([(_parse_logged, (parse, path, common)) for parse, path in jobs], processes):
        for name, level, message in messages:  # a worker's log lines, into this run's log
            logging.getLogger(name).log(level, "%s", message)
        results.append(parsed)
    return results


def _parse_logged(parse: Callable[..., BulkParseResult], path: Path,
                  common: dict) -> tuple[BulkParseResult, list[tuple[str, int, str]]]:
    """One parse with the log lines it wrote, for the caller to write (a spawned worker has no log of
    its own). The parse's messages name files, lines and counts, never a row's content."""
    messages: list[tuple[str, int, str]] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append((record.name, record.levelno, record.getMessage()))

    logger, keep = logging.getLogger("flows"), Keep()
    level, logger.propagate = logger.level, False  # written once, by the caller
    logger.setLevel(logging.INFO)
    logger.addHandler(keep)
    try:
        return parse(path, **common), messages
    finally:
        logger.removeHandler(keep)
        logger.setLevel(level)
        logger.propagate = True


def _bulk_cache_path(settings: Settings, sha: str, table: str, common: dict) -> Path:
    """Where the kept rows of one parsed bulk zip are cached: keyed by the zip's bytes and by
    everything that decides which rows are kept (the org nrs to keep, the county filter)."""
    selection = json.dumps({k: sorted(v) if isinstance(v, (set, frozenset, list)) else v
                            for k, v in sorted(common.items())}, sort_keys=True)
    key = hashlib.sha256(f"{sha}\0{table}\0{selection}".encode()).hexdigest()[:24]
    return _cache_dir(settings) / f"{table}-{key}.parquet"


def _cache_dir(settings: Settings) -> Path:
    return settings.path("warehouse").parent / "cache"


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


def _download(http: HttpClient, url: str, target: Path) -> dict:
    """Stream one bulk zip to disk through the shared retrying HTTP path; its manifest entry."""
    done = http.download(url, target)
    return {"file": target.name, "url": url, "sha256": sha256_file(target), "bytes": target.stat().st_size,
            "fetched_at": done.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")}


def _fetch_bulk(settings: Settings, run_date: date) -> Path:
    """Download both zips into a hidden sibling of today's landing folder (``.<date>.partial``): a
    download that fails or does not parse never touches a complete landing of the same day."""
    folder = settings.path("landing") / BULK / f".{run_date.isoformat()}.partial"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    bulk = settings.sources.bulk
    with HttpClient.from_settings(bulk) as http:
        entries = [_download(http, getattr(bulk, key), folder / name) for name, key in BULK_FILES.items()]
    (folder / MANIFEST).write_text(json.dumps({"files": entries}, indent=2), encoding="utf-8")
    return folder


def _settle_landing(partial: Path, final: Path, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Make a downloaded and parsed folder today's landing (replacing an earlier one of the same day)."""
    old = final.with_name(f".{final.name}.replaced")
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        os.replace(final, old)
    os.replace(partial, final)
    shutil.rmtree(old, ignore_errors=True)
    return {name: frame.assign(_source_file=frame["_source_file"].str.replace(str(partial), str(final), regex=False))
            for name, frame in tables.items()}


def collect_bulk(settings: Settings, run_date: date, keep_orgnrs: set[str]) -> SourceResult:
    snapshots = settings.snapshots_dir
    snapshot = snapshots / BULK if snapshots is not None else None
    if settings.mode == "offline":
        snapshot = settings.path("snapshots") / BULK
        tables = _parse_bulk_folder(snapshot, settings, keep_orgnrs)
        return SourceResult(BULK, tables, "snapshot", False, None, _manifest_time(snapshot),
                            manifest_says_synthetic(snapshot / MANIFEST))
    final = settings.path("landing") / BULK / run_date.isoformat()
    partial = final.with_name(f".{final.name}.partial")
    try:
        tables = _parse_bulk_folder(_fetch_bulk(settings, run_date), settings, keep_orgnrs)
        tables = _settle_landing(partial, final, tables)
        return SourceResult(BULK, tables, "live", False, None, _manifest_time(final))
    except SourceError as exc:
        error = exc
        # A download that does not parse (an HTML error page saved as .zip) is never kept: it would be
        # no fallback for later nights, and today's complete landing (if any) stays as it was.
        shutil.rmtree(partial, ignore_errors=True)
    problems = []
    for folder in [*complete_landings(settings.path("landing") / BULK), *([snapshot] if snapshot else [])]:
        try:
            tables = _parse_bulk_folder(folder, settings, keep_orgnrs)
        except SourceError as exc:
            problems.append(str(exc))
            continue
        synthetic = manifest_says_synthetic(folder / MANIFEST)
        warning = (f"{BULK}: live download failed ({error}); using the bulk files in {folder}"
                   + ("; SYNTHETIC demo data, not real registers" if synthetic else ""))
        return SourceResult(BULK, tables, "fallback", True, warning, _manifest_time(folder), synthetic)
    raise SourceError(f"{BULK}: live download failed ({error}) and there is no earlier copy of the real files "
                      f"to fall back to{': ' + '; '.join(problems) if problems else ''}")
