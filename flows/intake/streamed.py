"""A delivery read in pieces (``csv_stream``): validated and written piece by piece, never held whole.

Each piece is mapped and validated on its own (``units.UnitWork``) and its passing rows written to
partitions of its own, so the file's size never sets the memory needed. Two things need the whole
file, and are done once it has been read:

- the key rule (the key is unique within a delivery): a 64-bit hash of each row's key is kept while
  reading; rows whose hash occurs more than once are the only ones that can break the rule, so only
  those are read again and checked by Great Expectations (and quarantined, and taken out of the
  file's partitions, if they do). A hash shared by chance costs a second look, never a wrong verdict.
- a file refused after some pieces (a personal identity number with no key configured, say) leaves
  nothing: its partitions, quarantine rows and results are taken back, and it is rejected as a
  whole with every row it has counted as read and quarantined, as the whole-file reader does.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd

from flows.datasets import DATASETS
from flows.errors import InboxError
from flows.intake.deliveries import Delivered, concat, covered_period, describe_format
from flows.intake.profiles import Profile
from flows.intake.table import ROW_NUMBER, RawTable
from flows.intake.units import UnitWork, _Mapped, periods, span_frame, with_originals
from flows.quality.validate import QUARANTINE_COLUMNS

KEY_RULE = "key:unique"


def process_streamed(work: UnitWork, item: Delivered, profile: Profile, first: list[RawTable],
                     rest: Iterator[RawTable]) -> None:
    """Map, validate and write a file piece by piece, then check its key over the whole file."""
    from flows.intake.canonical import map_delivery

    record, dataset = item.record, item.dataset
    contract = DATASETS[dataset]
    out, options = work.out, work.options
    marks = _marks(work, dataset)
    key = list(contract.key)
    hashes: list[np.ndarray] = []
    numbers: list[np.ndarray] = []
    spans: list[tuple[object, object]] = []
    orgnrs: set[str] = set()
    refused: InboxError | None = None
    rows = 0
    started = time.process_time()
    for raw in chain(first, rest):
        rows += len(raw.frame)
        if refused is not None:
            continue  # counting the rows a refused file has, as the whole-file reader does
        try:
            table = map_delivery(raw, profile, dataset, item.municipality_code, options.hash_key,
                                 allow_synthetic=options.allow_synthetic, originals=False)
        except InboxError as exc:
            refused = exc
            continue
        record.synthetic, record.file_format = table.synthetic, describe_format(raw)
        frame = table.frame.assign(_file_id=record.file_id)
        if key and all(k in frame.columns for k in key):
            hashes.append(pd.util.hash_pandas_object(frame[key], index=False).to_numpy())
            numbers.append(frame[ROW_NUMBER].to_numpy(dtype="int64"))
        spans.extend(periods(frame, contract).values())
        if dataset == "enterprises" and "org_nr" in frame.columns:
            orgnrs.update(frame["org_nr"].dropna().tolist())
        out.cpu_seconds["read"] += time.process_time() - started
        started = time.process_time()
        work.validate_and_write(dataset, _Mapped(frame, [(table, np.arange(len(frame)))]), [record],
                                skip=frozenset({KEY_RULE}))
        out.cpu_seconds["validate"] += time.process_time() - started
        started = time.process_time()
    out.cpu_seconds["read"] += time.process_time() - started
    if refused is not None:
        _take_back(work, dataset, marks)
        record.rows_loaded = record.rows_quarantined = 0
        refused.rows_read = rows
        work.reject(item, refused)
        return
    record.rows_read = rows
    if hashes:
        started = time.process_time()
        whole_hashes = np.concatenate(hashes)
        hashes.clear()  # the pieces' arrays go as soon as the whole file's is made: 12 M rows are 100 MB each
        whole_numbers = np.concatenate(numbers)
        numbers.clear()
        _check_key(work, item, profile, whole_hashes, whole_numbers, rows, marks)
        out.cpu_seconds["validate"] += time.process_time() - started
    out.orgnrs |= orgnrs
    first_last = (min(s for s, _ in spans), max(e for _, e in spans)) if spans else None
    record.period_start, record.period_end = covered_period(span_frame(contract, first_last), contract, record.path)
    quarantined = concat(out.quarantine[dataset][marks[0]:], QUARANTINE_COLUMNS)
    record.rows_quarantined = int(quarantined["row_number"].dropna().nunique()) if not quarantined.empty else 0
    record.rows_loaded = rows - record.rows_quarantined


def _marks(work: UnitWork, dataset: str) -> tuple[int, int, int]:
    """Where the file's findings start in the unit's lists (to take them back if it is refused)."""
    out = work.out
    return (len(out.quarantine.setdefault(dataset, [])), len(out.results.setdefault(dataset, [])),
            len(out.partitions.setdefault(dataset, [])))


def _take_back(work: UnitWork, dataset: str, marks: tuple[int, int, int]) -> None:
    out = work.out
    for path in out.partitions[dataset][marks[2]:]:
        Path(path).unlink(missing_ok=True)
    for found, mark in ((out.quarantine, marks[0]), (out.results, marks[1]), (out.partitions, marks[2])):
        del found[dataset][mark:]
        if not found[dataset]:
            del found[dataset]


def _check_key(work: UnitWork, item: Delivered, profile: Profile, hashes: np.ndarray, numbers: np.ndarray,
               rows: int, marks: tuple[int, int, int]) -> None:
    """The key rule over the whole file: Great Expectations judges the rows whose key hash repeats."""
    from flows.quality.rules import rules_for
    from flows.quality.validate import validate_batch

    record, dataset = item.record, item.dataset
    ordered = np.sort(hashes)  # one sorted copy, no permutation: the memory of a 1 GiB file counts
    repeated_values = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    del ordered
    candidates = set(numbers[np.isin(hashes, repeated_values)].tolist())
    failing = pd.DataFrame(columns=["file_id", "row_number"])
    if candidates:
        mapped = _reread(work, item, profile, candidates)
        outcome = validate_batch(mapped.frame, DATASETS[dataset], work.options.municipality_codes,
                                 work.options.last_year, only=frozenset({KEY_RULE}))
        quarantine = with_originals(outcome.quarantine, mapped)
        work.out.quarantine[dataset].append(quarantine)
        failing = quarantine
        _drop_rows(work.out.partitions[dataset][marks[2]:], set(quarantine["row_number"].astype("int64")))
    contract = DATASETS[dataset]
    rule = next(r for r in rules_for(contract, [*contract.column_names, "_file_id"], work.options.municipality_codes,
                                     work.options.last_year) if r.rule_id == KEY_RULE)
    work.out.results[dataset].append(pd.DataFrame([{
        "file_id": record.file_id, "dataset": dataset, "rule": rule.rule_id, "expectation": rule.expectation,
        "column": rule.column, "success": failing.empty, "element_count": rows, "unexpected_count": len(failing)}]))


def _reread(work: UnitWork, item: Delivered, profile: Profile, wanted: set[int]) -> _Mapped:
    """The rows numbered ``wanted``, read and mapped again (with what makes their ``_original``)."""
    from flows.intake.canonical import map_delivery
    from flows.intake.formats import read_pieces

    options = work.options
    frames, tables, offset = [], [], 0
    for raw in read_pieces(Path(item.path), sheet=profile.file.sheet, limits=options.limits,
                           piece_rows=options.chunk_rows):
        keep = raw.frame[ROW_NUMBER].isin(wanted).to_numpy()
        if not keep.any():
            continue
        part = RawTable(raw.frame.loc[keep].reset_index(drop=True), raw.path, raw.format, raw.encoding,
                        raw.delimiter, raw.line_ending)
        table = map_delivery(part, profile, item.dataset, item.municipality_code, options.hash_key,
                             allow_synthetic=options.allow_synthetic, originals=False)
        frame = table.frame.assign(_file_id=item.record.file_id)
        frames.append(frame)
        tables.append((table, np.arange(offset, offset + len(frame))))
        offset += len(frame)
    return _Mapped(pd.concat(frames, ignore_index=True), tables)


def _drop_rows(partitions: list[str], row_numbers: set[int]) -> None:
    """Take the rows that broke the key rule out of the file's partitions, one partition at a time."""
    if not row_numbers:
        return
    for path in partitions:
        frame = pd.read_parquet(path)
        keep = ~frame[ROW_NUMBER].isin(row_numbers)
        if keep.all():
            continue
        frame.loc[keep].to_parquet(path, index=False, compression="zstd")
