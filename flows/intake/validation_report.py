"""The run's validation report, ``reports/validation/<run_id>.md`` and ``.json``: per delivered file
its status, counts and every quarantined row with its reason, in plain words for analysts, plus what
the inbox held that was not read and why."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from flows.intake.deliveries import Intake
from flows.quality.validate import QUARANTINE_COLUMNS

MAX_PROBLEMS_SHOWN = 200


def validation_report(intake: Intake, run_id: str) -> dict:
    """A JSON-able summary per file."""
    files = []
    for batch in intake.batches.values():
        q = batch.quarantine if batch.quarantine is not None else pd.DataFrame(columns=QUARANTINE_COLUMNS)
        grouped = {key: frame for key, frame in q.groupby("file_id", sort=False)} if not q.empty else {}
        for record in batch.files:
            mine = grouped.get(record.file_id, q.iloc[0:0])
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
    return {"run_id": run_id, "files": sorted(files, key=lambda f: f["path"]),
            "not_read": sorted(intake.not_read, key=lambda item: item["path"])}


def markdown(report: dict) -> str:
    """The report in plain words."""
    lines = [f"# Validation report, run {report['run_id']}", ""]
    if not report["files"]:
        lines.append("No new files were delivered in this run.")
    for f in report["files"]:
        lines.append(f"## {f['path']}")
        lines.append(f"- dataset: {f['dataset']}, profile: {f['profile']}, status: **{f['status']}**")
        if f["reason"]:
            lines.append(f"- reason: {f['reason']}")
        lines.append(f"- rows read {f['rows_read']}, loaded {f['rows_loaded']}, quarantined {f['rows_quarantined']}")
        for p in f["problems"][:MAX_PROBLEMS_SHOWN]:
            where = f"row {p['row']}" if p["row"] is not None else "whole file"
            lines.append(f"  - {where}: {p['reason']} (rule `{p['rule']}`)")
        if len(f["problems"]) > MAX_PROBLEMS_SHOWN:
            lines.append(f"  - ... and {len(f['problems']) - MAX_PROBLEMS_SHOWN} more (see meta.quarantine)")
        lines.append("")
    if report["not_read"]:
        lines += ["## In the inbox but not read", ""]
        lines += [f"- `{item['path']}`: {item['reason']}" for item in report["not_read"]]
        lines.append("")
    return "\n".join(lines) + "\n"


def write_validation_report(folder: Path, intake: Intake, run_id: str) -> Path:
    """Write ``<run_id>.json`` and ``<run_id>.md`` into ``folder``; returns the Markdown path."""
    folder.mkdir(parents=True, exist_ok=True)
    report = validation_report(intake, run_id)
    (folder / f"{run_id}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True),
                                           encoding="utf-8")
    target = folder / f"{run_id}.md"
    target.write_text(markdown(report), encoding="utf-8")
    return target
