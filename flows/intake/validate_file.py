"""``socek validate FILE``: check one file against its dataset contract without loading anything.

Reads the file exactly as the nightly run would (format sniffing, publisher profile, canonical
mapping, Great Expectations suite) and reports the verdict, the counts and every failing row with
its reason. ``--write-canonical`` writes the rows as read, in canonical columns, for inspection.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from flows.config import Settings
from flows.datasets import DATASETS
from flows.errors import InboxError
from flows.intake.canonical import read_delivery
from flows.intake.pseudonymise import load_hash_key
from flows.quality.validate import validate_batch

INTERNAL = ("_file_id", "_extra", "_original")


def validate_file(settings: Settings, path: Path, dataset: str, *, profile: str | None = None,
                  municipality: str | None = None, write_canonical: str | None = None) -> tuple[dict, bool]:
    """Return (report, usable). ``usable`` is False when the file cannot be loaded at all."""
    if dataset not in DATASETS:
        raise InboxError(f"{path}: {dataset!r} is not a dataset; known: {', '.join(DATASETS)}")
    municipality = municipality or _municipality_from_path(path, settings) or settings.municipality_codes[0]
    report = {"file": str(path), "dataset": dataset, "profile": profile or "canonical",
              "municipality_code": municipality}
    try:
        table = read_delivery(path, dataset, profile or "canonical", municipality,
                              load_hash_key(settings.path("secrets")), allow_synthetic=settings.is_demo)
    except InboxError as exc:
        report.update(verdict="unusable", rows_read=0, rows_valid=0, rows_quarantined=0,
                      problems=[{"row": None, "rule": "file", "reason": str(exc)}])
        report["text"] = f"{path}: UNUSABLE\n  {exc}"
        return report, False
    frame = table.frame.assign(_file_id="file")
    outcome = validate_batch(frame, DATASETS[dataset], settings.municipality_codes, settings.thresholds.last_year)
    bad_rows = outcome.quarantine["row_number"].nunique()
    problems = [{"row": int(r.row_number), "rule": r.rule, "reason": r.reason}
                for r in outcome.quarantine.sort_values(["row_number", "rule"]).itertuples()]
    verdict = "valid" if not problems else "valid rows with problems"
    report.update(verdict=verdict, rows_read=len(frame), rows_valid=len(outcome.good),
                  rows_quarantined=int(bad_rows), format=f"{table.format} {table.encoding or ''}".strip(),
                  problems=problems)
    if write_canonical:
        canonical = frame.drop(columns=[c for c in INTERNAL if c in frame.columns])
        pd.DataFrame(canonical).to_csv(write_canonical, index=False, encoding="utf-8")
        report["canonical_written_to"] = write_canonical
    lines = [f"{path}: {verdict.upper()} ({dataset}, profile {report['profile']}, {report['format']})",
             f"  rows read {len(frame)}, valid {len(outcome.good)}, quarantined {bad_rows}"]
    lines += [f"  row {p['row']}: {p['reason']} [{p['rule']}]" for p in problems[:200]]
    report["text"] = "\n".join(lines)
    return report, True


def _municipality_from_path(path: Path, settings: Settings) -> str | None:
    for part in reversed(path.resolve().parts):
        if part in settings.municipality_codes:
            return part
    return None
