"""Read and validate the new inbox deliveries: from the inbox to validated Parquet partitions.

For each delivered file: hash it; skip it when the warehouse already holds that path with those
bytes; record it as a duplicate when the same bytes arrived under another name; otherwise read it
into canonical columns (a file that cannot be used at all is rejected with a reason). Nothing is
dropped silently: every row read ends up loaded or quarantined, and every file has a meta.files
record.

The work is cut per municipality (a ``Unit``): ``worker.process_unit`` reads that municipality's new
files, validates them with Great Expectations in batches of at most ``chunk_rows`` rows (one batch per
dataset and chunk; a batch's files are told apart by ``_file_id``, so every rule still applies per
file), and writes the rows that passed as Parquet partitions (``<partitions>/<dataset>/<code>-<n>.parquet``)
that the warehouse build reads. Units are independent, so they run in parallel: in worker processes
on this machine (``[runner] kind = "default"``), or as Prefect tasks on a Dask cluster
(``kind = "dask"``, see ``flows.nightly``). Only file records, quarantine rows and validation results
travel back to the flow: the rows themselves never pass through the flow's memory.
"""

from __future__ import annotations

import calendar
import hashlib
import re
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from flows.common.encoding import bom
from flows.common.hashing import RememberedHashes
from flows.common.personnummer import redact
from flows.common.processes import spawn_pool
from flows.config import Settings
from flows.datasets import DATASETS, Dataset
from flows.intake.feeds import FeedDelivery
from flows.intake.table import ReadLimits
from flows.quality.validate import QUARANTINE_COLUMNS, RESULT_COLUMNS

# Columns of a canonical frame that are not loaded into raw.* (the rows as delivered stay in the
# quarantine only for the rows that failed).
NOT_LOADED = ("_original", "_extra")


@dataclass
class FileRecord:
    """One delivered file's row in meta.files."""

    file_id: str
    path: str
    sha256: str
    dataset: str
    municipality_code: str
    profile: str | None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    status: str = "loaded"  # loaded | rejected | duplicate
    reason: str | None = None
    file_format: str | None = None
    period_start: object = None
    period_end: object = None
    synthetic: bool = False  # carries the demo's marker (loaded only by the demo environment)



@dataclass
class LoadBatch:
    """Everything one run loads for one dataset: its files' records, the validated rows (Parquet
    partitions written by the intake's workers), the quarantined rows and the validation results."""

    dataset: Dataset
    files: list[FileRecord] = field(default_factory=list)
    partitions: list[str] = field(default_factory=list)
    quarantine: pd.DataFrame | None = None
    results: pd.DataFrame | None = None




@dataclass
class Intake:
    batches: dict[str, LoadBatch] = field(default_factory=dict)
    files_seen: int = 0
    files_new: int = 0
    warnings: list[str] = field(default_factory=list)
    not_read: list[dict] = field(default_factory=list)  # {"path", "reason"}: in the inbox, not read
    units: list["Unit"] = field(default_factory=list)
    orgnrs: set[str] = field(default_factory=set)  # org nrs in the enterprise registers read (pre-validation)
    partitions_dir: Path | None = None
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def files(self) -> list[FileRecord]:
        return [f for b in self.batches.values() for f in b.files]

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)

    @property
    def synthetic_loaded(self) -> list[FileRecord]:
        """Files marked synthetic whose rows are loaded (the demo environment only)."""
        return [f for f in self.files if f.synthetic and f.status == "loaded"]


@dataclass
class Delivered:
    """One new file of a unit: where it is, how to read it, and its meta.files record."""

    path: str
    dataset: str
    profile_name: str | None
    record: FileRecord

    @property
    def municipality_code(self) -> str:
        return self.record.municipality_code


@dataclass
class Unit:
    """The new files of one municipality: the grain of parallel work."""

    municipality_code: str
    files: list[Delivered] = field(default_factory=list)
    size_bytes: int = 0


@dataclass
class UnitOptions:
    """Everything a worker needs besides the unit (plain data: it crosses process boundaries)."""

    hash_key: bytes | None
    municipality_codes: list[str]
    last_year: int
    partitions_dir: str
    chunk_rows: int = 100_000
    allow_synthetic: bool = False  # the demo environment loads files marked synthetic; production refuses them
    profile_dirs: tuple[str, ...] = ()  # where publisher profiles are found (default: the shipped ones)
    limits: ReadLimits = ReadLimits()


@dataclass
class UnitResult:
    municipality_code: str
    records: list[FileRecord]
    quarantine: dict[str, pd.DataFrame]
    results: dict[str, pd.DataFrame]
    partitions: dict[str, list[str]]
    orgnrs: set[str]
    warnings: list[str]
    cpu_seconds: dict[str, float]


# A mapper runs ``process_unit`` over units and returns the results in the units' order.
Mapper = Callable[[list[Unit], UnitOptions], list[UnitResult]]


def file_id_for(relative_path: str, sha256: str) -> str:
    """Stable id: the same path with the same bytes always gets the same id (idempotent reruns)."""
    return hashlib.sha1(f"{relative_path}\0{sha256}".encode()).hexdigest()[:16]


def delivery_period(frame: pd.DataFrame, dataset: Dataset) -> tuple[object, object]:
    """The period a delivery covers: whole months of its dates, or whole years of a year column.

    Full registers (no period column) have no period: the newest delivery replaces the register.
    """
    column = dataset.period_column
    if column is None or column not in frame.columns or frame.empty:
        return None, None
    if dataset.column(column).type == "BIGINT":
        years = pd.to_numeric(frame[column], errors="coerce").dropna()
        if years.empty:
            return None, None
        return pd.Timestamp(int(years.min()), 1, 1).date(), pd.Timestamp(int(years.max()), 12, 31).date()
    dates = pd.to_datetime(frame[column], format="%Y-%m-%d", errors="coerce").dropna()
    if dates.empty:
        return None, None
    start = dates.min().to_period("M").start_time.date()
    end = dates.max().to_period("M").end_time.date()
    return start, end


_YEAR_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})-((?:19|20)\d{2})(?!\d)")
_YEAR_MONTH = re.compile(r"(?<!\d)((?:19|20)\d{2})-(0[1-9]|1[0-2])(?!\d)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def declared_period(name: str) -> tuple[date | None, date | None]:
    """The period a file's name says it covers: ``2019-2025``, ``2025-03`` or years such as ``2023``.

    A municipality names its delivery for the period it reports (docs/for-municipalities.md), and a
    period with no event at all (no grant decided in 2024) is still reported: the name is what tells
    "nothing happened" from "nothing was delivered". A name without a period declares nothing.
    """
    stem = Path(name).stem
    if match := _YEAR_RANGE.search(stem):
        first, last = sorted(int(y) for y in match.groups())
        return date(first, 1, 1), date(last, 12, 31)
    if match := _YEAR_MONTH.search(stem):
        year, month = int(match.group(1)), int(match.group(2))
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    years = [int(y) for y in _YEAR.findall(stem)]
    if years:
        return date(min(years), 1, 1), date(max(years), 12, 31)
    return None, None


def covered_period(frame: pd.DataFrame | None, dataset: Dataset, name: str) -> tuple[object, object]:
    """The delivery's period: what its rows cover together with what its name declares."""
    if dataset.period_column is None:
        return None, None
    starts_ends = [p for p in (delivery_period(frame, dataset) if frame is not None else (None, None),
                               declared_period(name)) if p[0] is not None]
    if not starts_ends:
        return None, None
    return min(s for s, _ in starts_ends), max(e for _, e in starts_ends)


def describe_format(table) -> str:
    parts = [table.format, table.encoding, f"delimiter {table.delimiter!r}" if table.delimiter else None,
             table.line_ending]
    return ", ".join(p for p in parts if p)


def rejected(record: FileRecord, rule: str, reason: str, rows: int) -> pd.DataFrame:
    record.status, record.reason = "rejected", reason
    record.rows_read, record.rows_quarantined = rows, rows
    return pd.DataFrame([(record.file_id, None, record.dataset, rule, reason, None)], columns=QUARANTINE_COLUMNS)


def read_limits(settings: Settings) -> ReadLimits:
    """The configured limits on one delivered file (``[intake]``)."""
    limits = settings.intake
    return ReadLimits(max_bytes=limits.max_file_bytes, max_unpacked_bytes=limits.max_unpacked_bytes,
                      max_compression_ratio=limits.max_compression_ratio)


def partitions_root(settings: Settings) -> Path:
    folder = settings.runner.partitions_dir
    return folder if folder.is_absolute() else settings.root / folder


# --- planning (in the flow: discovery, hashing, duplicates) ---------------------------------------

def plan(settings: Settings, known: pd.DataFrame, feeds: Sequence[FeedDelivery] = ()) -> Intake:
    """Find the new deliveries (the inbox's and the landed ``feeds``), hash them, record duplicates,
    and cut the rest into units."""
    from flows.intake import discovery

    inbox_dir = settings.path("inbox")
    result = Intake()
    found: list = []
    if inbox_dir.is_dir():
        found = discovery.discover(inbox_dir, settings.municipality_codes, settings.datasets,
                                   profiles_dir=settings.profile_dirs)
    elif not feeds:
        result.warnings.append(f"inbox {inbox_dir} does not exist: no municipal data read")
        return result
    for refused in (d for d in found if not d.accepted):
        path, reason = redact(str(refused.path)), redact(refused.refused)
        result.not_read.append({"path": path, "reason": reason})
        if not refused.quiet:
            result.warnings.append(f"{path}: not read: {reason}")
    # a file name is stored and reported too: a personal identity number in it is masked
    deliveries = [(d, redact(d.path.relative_to(inbox_dir).as_posix())) for d in found if d.accepted]
    deliveries += [(feed.delivery, redact(feed.record_path)) for feed in feeds]
    result.files_seen = len(deliveries)
    if not deliveries:
        result.warnings.append(f"the inbox {inbox_dir} holds no deliveries (moved, unmounted or not yet synced?); "
                               "nothing was read from it and the published registers stay as they are")
    known_pairs = set(zip(known["path"], known["sha256"]))
    known_by_sha = dict(zip(known["sha256"], known["path"]))
    units: dict[str, Unit] = {}
    hashes = RememberedHashes(inbox_hashes_path(settings))
    for delivery, relative in deliveries:
        sha = hashes.sha256(delivery.path)
        if (relative, sha) in known_pairs:
            continue
        result.files_new += 1
        record = FileRecord(file_id=file_id_for(relative, sha), path=relative, sha256=sha,
                            dataset=delivery.dataset, municipality_code=delivery.municipality_code,
                            profile=delivery.profile_name)
        batch = result.batches.setdefault(delivery.dataset, LoadBatch(DATASETS[delivery.dataset]))
        batch.files.append(record)
        if sha in known_by_sha:
            record.status = "duplicate"
            record.reason = f"same content as {known_by_sha[sha]}; nothing new loaded"
            result.warnings.append(f"{relative}: {record.reason}")
            continue
        known_by_sha[sha] = relative
        unit = units.setdefault(delivery.municipality_code, Unit(delivery.municipality_code))
        unit.files.append(Delivered(str(delivery.path), delivery.dataset, delivery.profile_name, record))
        unit.size_bytes += text_weight(delivery.path)
    hashes.save()
    result.units = [units[code] for code in sorted(units)]
    return result


def inbox_hashes_path(settings: Settings) -> Path:
    """Where the hashes of known inbox files are remembered (beside the warehouse, not in it)."""
    return settings.path("warehouse").parent / "cache" / "inbox-hashes.json"


def concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


# --- running the units ------------------------------------------------------------------------------

UnitWork = Callable[[Unit, UnitOptions], UnitResult]  # what runs one unit (``worker.process_unit``)


def run_inline(units: list[Unit], options: UnitOptions, process_unit: UnitWork) -> list[UnitResult]:
    return [process_unit(unit, options) for unit in units]


def process_pool_mapper(workers: int, process_unit: UnitWork, pool: ProcessPoolExecutor | None = None) -> Mapper:
    """Run units in ``workers`` fresh worker processes, largest first (results in unit order); or in
    ``pool``, warm workers someone else started and stops."""

    def run(units: list[Unit], options: UnitOptions) -> list[UnitResult]:
        order = sorted(range(len(units)), key=lambda i: -units[i].size_bytes)
        results: list[UnitResult | None] = [None] * len(units)
        with nullcontext(pool) if pool is not None else spawn_pool(min(workers, len(units))) as running:
            futures = {i: running.submit(process_unit, units[i], options) for i in order}
            for i, future in futures.items():
                results[i] = future.result()
        return results  # type: ignore[return-value]

    return run


def default_mapper(settings: Settings, units: list[Unit], process_unit: UnitWork,
                   warm_worker: ProcessPoolExecutor | None = None, warm_workers: int = 1) -> Mapper:
    """In-process for small runs (a nightly's few files), worker processes for big ones.

    On one machine the municipalities are packed into one unit per worker first: Great
    Expectations costs ~0.2-0.3 s per validation batch whatever its size, so a batch per dataset
    and worker beats a batch per dataset and municipality (the Dask path keeps one task per
    municipality, the grain a cluster spreads). A small run goes to ``warm_worker`` when `socek run`
    started one (``flows.intake.warm``): it has imported Great Expectations while the flow started.
    A big intake lets the warm worker go before it starts (its ~300 MB belong to the big read, which
    runs in the flow's process or the pool as before), unless ``warm_workers`` are as many as the
    pool's (a full rebuild's): then they are the pool.
    """
    runner = settings.runner
    size_mb = sum(u.size_bytes for u in units) / 1e6
    files = sum(len(u.files) for u in units)
    small = size_mb < runner.inline_below_mb and files < 200
    pooled = runner.workers > 1 and len(units) > 1 and not small
    if warm_worker is not None and pooled and warm_workers >= runner.workers:
        warm_pool = process_pool_mapper(runner.workers, process_unit, pool=warm_worker)
        fresh_pool = process_pool_mapper(runner.workers, process_unit)

        def on_warm_workers(units: list[Unit], options: UnitOptions) -> list[UnitResult]:
            packed = pack(units, runner.workers)
            try:
                return warm_pool(packed, options)
            except BrokenProcessPool:  # a warm worker died: fresh ones read it all again (same partitions)
                return fresh_pool(packed, options)
        return on_warm_workers
    if warm_worker is not None and not small:
        warm_worker.shutdown(wait=True, cancel_futures=True)  # its memory is the big intake's now
        warm_worker = None
    if not pooled:
        def inline(units: list[Unit], options: UnitOptions) -> list[UnitResult]:
            if not units:
                return []
            if warm_worker is not None:
                try:
                    return [warm_worker.submit(process_unit, pack(units, 1)[0], options).result()]
                except BrokenProcessPool:  # the warm worker died: read here, as without one
                    pass
            return run_inline([pack(units, 1)[0]], options, process_unit)
        return inline
    pool = process_pool_mapper(runner.workers, process_unit)
    return lambda units, options: pool(pack(units, runner.workers), options)


def text_weight(path: Path) -> int:
    """A file's share of the work, in bytes: UTF-16 spends two bytes on a character where the other
    encodings spend one, so it counts half (the workers get about the same number of rows)."""
    with open(path, "rb") as handle:
        utf16 = bom(handle.read(2))[0] in ("utf-16-le", "utf-16-be")
    size = path.stat().st_size
    return size // 2 if utf16 else size


def pack(units: list[Unit], bins: int) -> list[Unit]:
    """Units merged into at most ``bins`` units of about equal size (largest first, greedy)."""
    if len(units) <= 1:
        return list(units)
    packed = [Unit(f"group-{n + 1}") for n in range(min(bins, len(units)))]
    for unit in sorted(units, key=lambda u: (-u.size_bytes, u.municipality_code)):
        target = min(packed, key=lambda p: (p.size_bytes, p.municipality_code))
        target.files.extend(unit.files)
        target.size_bytes += unit.size_bytes
    return [p for p in packed if p.files]


def read_deliveries(settings: Settings, known: pd.DataFrame, hash_key: bytes | None, process_unit: UnitWork,
                    mapper: Mapper | None = None, feeds: Sequence[FeedDelivery] = (),
                    warm_worker: ProcessPoolExecutor | None = None, warm_workers: int = 1) -> Intake:
    """Plan the new deliveries (inbox and landed ``feeds``), then read and validate them unit by unit
    (``process_unit``, in parallel; or as ``mapper`` runs them).

    The validated rows go to Parquet partitions under ``[runner] partitions_dir``; the returned
    ``Intake`` holds the file records, quarantine and validation results per dataset.
    """
    result = plan(settings, known, feeds)
    root = partitions_root(settings)
    result.partitions_dir = root
    if root.exists():
        shutil.rmtree(root)  # partitions of an earlier (finished or crashed) run
    if not result.units:
        return result
    root.mkdir(parents=True, exist_ok=True)
    options = UnitOptions(hash_key=hash_key, municipality_codes=list(settings.municipality_codes),
                          last_year=settings.thresholds.last_year, partitions_dir=str(root),
                          chunk_rows=settings.runner.chunk_rows, allow_synthetic=settings.is_demo,
                          profile_dirs=tuple(str(d) for d in settings.profile_dirs), limits=read_limits(settings))
    run = mapper or default_mapper(settings, result.units, process_unit, warm_worker, warm_workers)
    merge(result, run(result.units, options))
    return result


def merge(result: Intake, unit_results: list[UnitResult]) -> None:
    """Fold the units' findings into the per-dataset batches, in a deterministic order."""
    by_id = {r.file_id: r for r in result.files}
    quarantine: dict[str, list[pd.DataFrame]] = {}
    results: dict[str, list[pd.DataFrame]] = {}
    for unit in sorted(unit_results, key=lambda u: u.municipality_code):
        for record in unit.records:  # the worker's copy carries the counts: copy them back
            by_id[record.file_id].__dict__.update(record.__dict__)
        for dataset, frame in unit.quarantine.items():
            quarantine.setdefault(dataset, []).append(frame)
        for dataset, frame in unit.results.items():
            results.setdefault(dataset, []).append(frame)
        for dataset, paths in unit.partitions.items():
            result.batches[dataset].partitions.extend(paths)
        result.orgnrs |= unit.orgnrs
        result.warnings.extend(unit.warnings)
        for key, seconds in unit.cpu_seconds.items():
            result.cpu_seconds[key] = result.cpu_seconds.get(key, 0.0) + seconds
    for name, batch in result.batches.items():
        batch.quarantine = concat(quarantine.get(name, []), QUARANTINE_COLUMNS)
        batch.results = concat(results.get(name, []), RESULT_COLUMNS)
    for record in result.files:
        if record.rows_quarantined and record.status == "loaded":
            result.warnings.append(f"{record.path}: {record.rows_quarantined} of {record.rows_read} "
                                   "rows quarantined (see meta.quarantine)")


def cleanup(result: Intake | None) -> None:
    """Remove the run's Parquet partitions once the build has loaded them."""
    if result is not None and result.partitions_dir is not None and result.partitions_dir.exists():
        shutil.rmtree(result.partitions_dir, ignore_errors=True)


