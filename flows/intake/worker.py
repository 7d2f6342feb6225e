"""One unit's new files in a worker process (or in the flow's): each file is read
(``formats.read_pieces``) and either gathered into the unit's batches (``units.UnitWork``) or, when
it arrives in more than one piece, processed piece by piece (``streamed.process_streamed``). Only
records and findings travel back to the flow.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from flows.errors import InboxError
from flows.intake.deliveries import Unit, UnitOptions, UnitResult, concat
from flows.intake.streamed import process_streamed
from flows.intake.units import UnitWork, _Piece
from flows.quality.validate import QUARANTINE_COLUMNS, RESULT_COLUMNS


def process_unit(unit: Unit, options: UnitOptions) -> UnitResult:
    """Read, validate and write one municipality's (or one worker's) new files."""
    from flows.intake.formats import read_pieces

    work = UnitWork(unit, options)
    current: str | None = None
    for item in sorted(unit.files, key=lambda f: (f.dataset, f.record.path)):
        if item.dataset != current:
            work.flush()
            current = item.dataset
        work.out.records.append(item.record)
        started = time.process_time()
        try:
            profile = work.profile(item.profile_name)
            pieces = read_pieces(Path(item.path), sheet=profile.file.sheet, limits=options.limits,
                                 piece_rows=options.chunk_rows)
            first = next(pieces, None)
        except InboxError as exc:
            work.reject(item, exc)
            work.out.cpu_seconds["read"] += time.process_time() - started
            continue
        work.out.cpu_seconds["read"] += time.process_time() - started
        following = next(pieces, None) if first is not None else None
        if following is None:  # the whole file in one piece
            work.add(_Piece(item, first, profile))
            continue
        work.flush()
        process_streamed(work, item, profile, [first, following], pieces)
    work.flush()
    out = work.out
    out.quarantine = {k: concat(v, QUARANTINE_COLUMNS) for k, v in out.quarantine.items()}
    out.results = {k: merge_results(concat(v, RESULT_COLUMNS)) for k, v in out.results.items()}
    return out


def merge_results(results: pd.DataFrame) -> pd.DataFrame:
    """One result per file and rule: a file read in pieces was validated piece by piece."""
    keys = ["file_id", "dataset", "rule", "expectation", "column"]
    if results.empty or not results.duplicated(keys).any():
        return results
    merged = results.groupby(keys, sort=False, dropna=False)[["element_count", "unexpected_count"]].sum().reset_index()
    merged["success"] = merged["unexpected_count"] == 0
    return merged[RESULT_COLUMNS]
