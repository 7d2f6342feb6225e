"""Extract and validate: from the inbox to validated batches ready to load.

For each delivered file: hash it; skip it when the warehouse already holds that path with those
bytes; record it as a duplicate when the same bytes arrived under another name; otherwise read it
into canonical columns (a file that cannot be used at all is rejected with a reason) and validate
all new files of a dataset in one Great Expectations batch. Nothing is dropped silently: every
row read ends up loaded or quarantined, and every file has a meta.files record.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from flows.config import Settings
from flows.datasets import DATASETS, Dataset
from flows.errors import InboxError
from flows.quality.validate import QUARANTINE_COLUMNS, validate_batch
from flows.sources import inbox
from flows.sources.formats import read_table
from flows.sources.profiles import get_profile
from flows.warehouse import FileRecord, LoadBatch


@dataclass
class Intake:
    batches: dict[str, LoadBatch] = field(default_factory=dict)
    files_seen: int = 0
    files_new: int = 0
    warnings: list[str] = field(default_factory=list)
    # Canonical frames read but not yet validated, and file-level rejections, per dataset.
    pending: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    rejected: dict[str, list[pd.DataFrame]] = field(default_factory=dict)

    @property
    def files(self) -> list[FileRecord]:
        return [f for b in self.batches.values() for f in b.files]

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


_FILE_RULES = {"MissingColumnError": "file:missing_column", "MissingHashKeyError": "file:no_hash_key",
               "UnsafePathError": "file:unsafe_path"}


def describe_format(table: inbox.CanonicalTable) -> str:
    parts = [table.format, table.encoding, f"delimiter {table.delimiter!r}" if table.delimiter else None,
             table.line_ending]
    return ", ".join(p for p in parts if p)


def _rejected(record: FileRecord, rule: str, reason: str, rows: int) -> pd.DataFrame:
    record.status, record.reason = "rejected", reason
    record.rows_read, record.rows_quarantined = rows, rows
    return pd.DataFrame([(record.file_id, None, record.dataset, rule, reason, None)], columns=QUARANTINE_COLUMNS)


def extract(settings: Settings, known: pd.DataFrame, hash_key: bytes | None) -> Intake:
    """Read every new delivery in the inbox into canonical frames (validation comes next)."""
    inbox_dir = settings.path("inbox")
    result = Intake()
    if not inbox_dir.is_dir():
        result.warnings.append(f"inbox {inbox_dir} does not exist: no municipal data read")
        return result
    found = inbox.discover(inbox_dir, settings.municipality_codes, settings.datasets)
    result.warnings.extend(f"{d.path}: not read: {d.refused}" for d in found if not d.accepted)
    deliveries = [d for d in found if d.accepted]
    result.files_seen = len(deliveries)
    known_pairs = set(zip(known["path"], known["sha256"]))
    known_by_sha = dict(zip(known["sha256"], known["path"]))
    frames, file_quarantine = result.pending, result.rejected
    for delivery in deliveries:
        relative = delivery.path.relative_to(inbox_dir).as_posix()
        sha = sha256_of(delivery.path)
        if (relative, sha) in known_pairs:
            continue
        result.files_new += 1
        record = FileRecord(file_id=file_id_for(relative, sha), path=relative, sha256=sha,
                            dataset=delivery.dataset, municipality_code=delivery.municipality_code,
                            profile=delivery.profile_name)
        batch = result.batches.setdefault(delivery.dataset, LoadBatch(DATASETS[delivery.dataset], pd.DataFrame()))
        batch.files.append(record)
        if sha in known_by_sha:
            record.status = "duplicate"
            record.reason = f"same content as {known_by_sha[sha]}; nothing new loaded"
            result.warnings.append(f"{relative}: {record.reason}")
            continue
        known_by_sha[sha] = relative
        raw = None
        try:
            profile = get_profile(delivery.profile_name)
            raw = read_table(delivery.path, sheet=profile.file.sheet)
            table = inbox.to_canonical(raw, profile, delivery.dataset,
                                       municipality_code=delivery.municipality_code, hash_key=hash_key)
        except InboxError as exc:
            # The whole file is quarantined; rows that could be read count as read and quarantined.
            rows = len(raw.frame) if raw is not None else 0
            rule = _FILE_RULES.get(type(exc).__name__, "file:unreadable")
            file_quarantine.setdefault(delivery.dataset, []).append(_rejected(record, rule, str(exc), rows))
            result.warnings.append(f"{relative}: file rejected: {exc}")
            continue
        frame = table.frame.assign(_file_id=record.file_id)
        record.rows_read = len(frame)
        record.file_format = describe_format(table)
        record.period_start, record.period_end = delivery_period(frame, DATASETS[delivery.dataset])
        frames.setdefault(delivery.dataset, []).append(frame)
    return result


def pending_orgnrs(result: Intake) -> set[str]:
    """Org nrs in the enterprise registers read by this run (before validation)."""
    frames = result.pending.get("enterprises", [])
    return {v for f in frames for v in f["org_nr"].dropna().tolist()}


def validate(settings: Settings, result: Intake) -> Intake:
    """Validate the new rows of each dataset in one batch and account for every row of every file."""
    for name, batch in result.batches.items():
        parts = result.pending.pop(name, [])
        quarantine_parts = result.rejected.pop(name, [])
        if parts:
            combined = pd.concat(parts, ignore_index=True)
            outcome = validate_batch(combined, batch.dataset, settings.municipality_codes,
                                     settings.thresholds.last_year)
            batch.good = outcome.good
            batch.results = outcome.results
            quarantine_parts.append(outcome.quarantine)
        batch.quarantine = (pd.concat(quarantine_parts, ignore_index=True) if quarantine_parts
                            else pd.DataFrame(columns=QUARANTINE_COLUMNS))
        _count_rows(batch)
        for record in batch.files:
            if record.rows_quarantined and record.status == "loaded":
                result.warnings.append(f"{record.path}: {record.rows_quarantined} of {record.rows_read} "
                                       "rows quarantined (see meta.quarantine)")
    return result


def _count_rows(batch: LoadBatch) -> None:
    """Set rows_loaded and rows_quarantined of each file from the validated batch."""
    loaded = batch.good["_file_id"].value_counts() if not batch.good.empty else pd.Series(dtype=int)
    q = batch.quarantine
    bad_rows = (q[q["row_number"].notna()].groupby("file_id")["row_number"].nunique()
                if not q.empty else pd.Series(dtype=int))
    for record in batch.files:
        if record.status == "loaded":
            record.rows_loaded = int(loaded.get(record.file_id, 0))
            record.rows_quarantined = int(bad_rows.get(record.file_id, 0))


def validation_report(intake: Intake, run_id: str) -> dict:
    """A JSON-able summary per file for reports/validation/."""
    files = []
    for batch in intake.batches.values():
        q = batch.quarantine if batch.quarantine is not None else pd.DataFrame(columns=QUARANTINE_COLUMNS)
        for record in batch.files:
            mine = q[q["file_id"] == record.file_id]
            files.append({
                "path": record.path, "dataset": record.dataset, "municipality_code": record.municipality_code,
                "profile": record.profile, "status": record.status, "reason": record.reason,
                "rows_read": record.rows_read, "rows_loaded": record.rows_loaded,
                "rows_quarantined": record.rows_quarantined,
                "problems": [
                    {"row": None if pd.isna(r.row_number) else int(r.row_number), "rule": r.rule, "reason": r.reason}
                    for r in mine.itertuples()
                ],
            })
    return {"run_id": run_id, "files": sorted(files, key=lambda f: f["path"])}


def dumps(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True)
