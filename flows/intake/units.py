"""One unit's new files (in a worker): read, mapped, validated in batches, the rows that pass written
as Parquet; only records and findings travel back to the flow.

Files of one dataset are read and gathered into a batch of at most ``chunk_rows`` rows. At the end of
a batch its raw tables are mapped onto the canonical columns (``canonical.map_delivery``) once per
layout (profile, municipality and header) rather than once per file: mapping costs mostly per column,
and a municipality's monthly files share their layout. If a layout's files cannot be mapped together
(a file is refused), each is mapped alone, so every file gets exactly its own outcome and message.
The batch is then validated by one Great Expectations run (``_file_id`` tells the files apart, so
every rule still applies per file) and written as one Parquet partition
(``<partitions>/<dataset>/<unit>-<n>.parquet``). Only quarantined rows get the delivered row as JSON.

A file above ``csv_stream.STREAM_ABOVE_BYTES`` arrives in pieces and is never held whole
(``streamed.process_streamed``); ``worker.process_unit`` runs a unit through both.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from flows.common.personnummer import redact
from flows.datasets import DATASETS
from flows.errors import InboxError
from flows.intake.deliveries import (
    NOT_LOADED,
    Delivered,
    FileRecord,
    Unit,
    UnitOptions,
    UnitResult,
    covered_period,
    describe_format,
    rejected,
)
from flows.intake.profiles import DEFAULT_PROFILE_DIR, Profile, get_profile
from flows.intake.table import ROW_NUMBER, RawTable


@dataclass
class _Piece:
    item: Delivered
    raw: RawTable
    profile: Profile


@dataclass
class _Mapped:
    """A batch's canonical rows (``_file_id`` set) and what makes ``_original`` for any of them."""

    frame: pd.DataFrame
    tables: list = field(default_factory=list)  # (CanonicalTable, positions in frame)


class UnitWork:
    """The state of one unit's processing: its findings so far and the batch being gathered."""

    def __init__(self, unit: Unit, options: UnitOptions):
        self.unit, self.options = unit, options
        self.out = UnitResult(unit.municipality_code, [], {}, {}, {}, set(), [], {"read": 0.0, "validate": 0.0})
        self.base = Path(options.partitions_dir)
        self.profile_dirs = [Path(d) for d in options.profile_dirs] or DEFAULT_PROFILE_DIR
        self.pending: list[_Piece] = []
        self.pending_rows = 0
        self.partition = 0

    def profile(self, name: str | None) -> Profile:
        return get_profile(name, self.profile_dirs)

    def reject(self, item: Delivered, exc: InboxError) -> None:
        """The whole file is quarantined; rows that could be read count as read and quarantined. The
        message may quote a cell or a column name as delivered: numbers in it are masked."""
        record = item.record
        record.synthetic = exc.synthetic
        reason = redact(str(exc))
        self.out.quarantine.setdefault(item.dataset, []).append(rejected(record, exc.rule, reason, exc.rows_read))
        record.period_start, record.period_end = covered_period(None, DATASETS[item.dataset], record.path)
        self.out.warnings.append(f"{record.path}: file rejected: {reason}")

    def partition_path(self, dataset: str) -> Path:
        """A new partition file of this unit (unique per unit, so workers never collide)."""
        target = self.base / dataset / f"{self.unit.municipality_code}-{self.partition:04d}.parquet"
        self.partition += 1
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def add(self, piece: _Piece) -> None:
        self.pending.append(piece)
        self.pending_rows += len(piece.raw.frame)
        if self.pending_rows >= self.options.chunk_rows:
            self.flush()

    def flush(self) -> None:
        """Map, validate and write the gathered batch (one dataset)."""
        if not self.pending:
            return
        pieces, self.pending, self.pending_rows = self.pending, [], 0
        dataset = pieces[0].item.dataset
        started = time.process_time()
        mapped = self.map(pieces)
        self.out.cpu_seconds["read"] += time.process_time() - started
        if mapped is None:
            return
        records = [p.item.record for p in pieces if p.item.record.status == "loaded"]
        contract = DATASETS[dataset]
        spans = periods(mapped.frame, contract)
        for record in records:
            record.period_start, record.period_end = covered_period(
                span_frame(contract, spans.get(record.file_id)), contract, record.path)
        if dataset == "enterprises" and "org_nr" in mapped.frame.columns:
            self.out.orgnrs.update(mapped.frame["org_nr"].dropna().tolist())
        started = time.process_time()
        self.validate_and_write(dataset, mapped, records)
        self.out.cpu_seconds["validate"] += time.process_time() - started

    def map(self, pieces: list[_Piece]) -> _Mapped | None:
        """Every piece in canonical columns, a layout at a time; refused files are rejected here."""
        layouts: dict[tuple, list[_Piece]] = {}
        for piece in pieces:
            key = (piece.profile.name, piece.item.municipality_code, tuple(piece.raw.headers))
            layouts.setdefault(key, []).append(piece)
        frames, tables, offset = [], [], 0
        for group in layouts.values():
            for table, file_ids in self.map_layout(group):
                frame = table.frame.assign(_file_id=file_ids)
                frames.append(frame)
                tables.append((table, np.arange(offset, offset + len(frame))))
                offset += len(frame)
        if not frames:
            return None
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        return _Mapped(frame, tables)

    def map_layout(self, group: list[_Piece]):
        """Yield (CanonicalTable, its rows' file ids) for the pieces of one layout: mapped together,
        or, when that is refused, file by file (refused files are rejected)."""
        from flows.intake.canonical import map_delivery

        options = self.options
        first = group[0]
        if len(group) > 1:
            frame = pd.concat([p.raw.frame for p in group], ignore_index=True)
            raw = RawTable(frame, first.raw.path, first.raw.format, first.raw.encoding, first.raw.delimiter,
                           first.raw.line_ending)
            try:
                table = map_delivery(raw, first.profile, first.item.dataset, first.item.municipality_code,
                                     options.hash_key, allow_synthetic=options.allow_synthetic, originals=False)
            except InboxError:
                pass  # some file of the layout is refused: find out which, file by file, with its own message
            else:
                for piece in group:
                    self.note(piece, table.synthetic)
                ids = np.repeat([p.item.record.file_id for p in group], [len(p.raw.frame) for p in group])
                yield table, ids
                return
        for piece in group:
            try:
                table = map_delivery(piece.raw, piece.profile, piece.item.dataset, piece.item.municipality_code,
                                     options.hash_key, allow_synthetic=options.allow_synthetic, originals=False)
            except InboxError as exc:
                self.reject(piece.item, exc)
                continue
            self.note(piece, table.synthetic)
            yield table, np.full(len(table.frame), piece.item.record.file_id, dtype=object)

    def note(self, piece: _Piece, synthetic: bool) -> None:
        record = piece.item.record
        record.synthetic = synthetic
        record.rows_read = len(piece.raw.frame)
        record.file_format = describe_format(piece.raw)

    def validate_and_write(self, dataset: str, mapped: _Mapped, records: list[FileRecord],
                           skip: frozenset[str] = frozenset()) -> None:
        """Validate the batch, keep its findings, write what passed (``skip``: rule ids checked
        elsewhere)."""
        from flows.quality.validate import validate_batch

        outcome = validate_batch(mapped.frame, DATASETS[dataset], self.options.municipality_codes,
                                 self.options.last_year, skip=skip)
        quarantine = with_originals(outcome.quarantine, mapped)
        self.out.quarantine.setdefault(dataset, []).append(quarantine)
        self.out.results.setdefault(dataset, []).append(outcome.results)
        count_rows(records, outcome.good, quarantine)
        good = outcome.good.drop(columns=[c for c in NOT_LOADED if c in outcome.good.columns])
        if len(good):
            target = self.partition_path(dataset)
            good.to_parquet(target, index=False, compression="zstd")
            self.out.partitions.setdefault(dataset, []).append(str(target))


def periods(frame: pd.DataFrame, dataset) -> dict[str, tuple[object, object]]:
    """Per file, the first and last readable value of the period column (years or timestamps), as
    ``deliveries.delivery_period`` reads them; files without one are left out."""
    column = dataset.period_column
    if column not in frame.columns or frame.empty:
        return {}
    if dataset.column(column).type == "BIGINT":
        values = pd.to_numeric(frame[column], errors="coerce")
    else:
        values = pd.to_datetime(frame[column], format="%Y-%m-%d", errors="coerce")
    found = pd.DataFrame({"file": frame["_file_id"], "value": values}).dropna()
    if found.empty:
        return {}
    spans = found.groupby("file")["value"].agg(["min", "max"])
    return {f: (lo, hi) for f, lo, hi in spans.itertuples()}


def span_frame(dataset, span: tuple[object, object] | None) -> pd.DataFrame | None:
    """A file's first and last period value as the text frame ``covered_period`` reads (None: none)."""
    if span is None:
        return None
    if dataset.column(dataset.period_column).type == "BIGINT":
        return pd.DataFrame({dataset.period_column: [str(int(v)) for v in span]})
    return pd.DataFrame({dataset.period_column: [v.strftime("%Y-%m-%d") for v in span]})


def with_originals(quarantine: pd.DataFrame, mapped: _Mapped) -> pd.DataFrame:
    """The quarantine rows with ``original``: the delivered row as JSON, made only for these rows."""
    if quarantine.empty:
        return quarantine
    frame = mapped.frame
    wanted = pd.MultiIndex.from_frame(quarantine[["file_id", "row_number"]].astype({"row_number": "int64"}))
    originals = {}
    for table, positions in mapped.tables:
        keys = pd.MultiIndex.from_arrays([frame["_file_id"].to_numpy()[positions],
                                          frame[ROW_NUMBER].to_numpy(dtype="int64")[positions]])
        hit = np.flatnonzero(keys.isin(wanted))
        if len(hit):
            made = table.originals(hit)
            originals.update(zip(keys[hit], made.tolist()))
    filled = quarantine.copy()
    filled["original"] = [originals.get((f, int(r))) for f, r in zip(quarantine["file_id"], quarantine["row_number"])]
    return filled


def count_rows(records: list[FileRecord], good: pd.DataFrame, quarantine: pd.DataFrame) -> None:
    """Add one validated batch's loaded and quarantined rows to each file's counts."""
    loaded = good["_file_id"].value_counts() if not good.empty else pd.Series(dtype=int)
    q = quarantine
    bad_rows = (q[q["row_number"].notna()].groupby("file_id")["row_number"].nunique()
                if not q.empty else pd.Series(dtype=int))
    for record in records:
        if record.status == "loaded":
            record.rows_loaded += int(loaded.get(record.file_id, 0))
            record.rows_quarantined += int(bad_rows.get(record.file_id, 0))
