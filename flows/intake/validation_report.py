"""The run's validation report, ``reports/validation/<run_id>.md`` and ``.json``: per delivered file
its status, counts and every quarantined row with its reason, in plain words for analysts, plus what
the inbox held that was not read and why; after the disclosure step, its audit (``meta.disclosure_audit``)."""

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
    if report.get("disclosure_audit"):
        lines += _disclosure_lines(report["disclosure_audit"])
    return "\n".join(lines) + "\n"


def _disclosure_lines(rows: list[dict]) -> list[str]:
    overall = next(r for r in rows if r["scope"] == "all")
    width = overall["narrowest_relative_width"]
    lines = ["## Disclosure control", "",
             f"- audit {'passed' if overall['passed'] else 'FAILED'}: {overall['cells']} published cells, "
             f"{overall['relations']} relations an outsider knows, {overall['checked']} suppressed cells checked "
             f"by linear programming ({overall['lps_solved']} LPs, {overall['solver_seconds']:.1f} s in the solver, "
             f"{overall['seconds']:.1f} s in all)",
             f"- required: {overall['protection']}",
             f"- narrowest interval an attacker reaches for a primary cell: {overall['narrowest_cell'] or 'none'}"
             + (f" (width {width:.2f} of the value)" if width is not None else ""),
             f"- suppressed: {overall['primary_suppressed']} primary, {overall['secondary_suppressed']} secondary "
             f"({overall['share_before']:.1%} of the cells before secondary suppression, "
             f"{overall['share_after']:.1%} after)", "",
             "| scope | cells | primary | secondary | suppressed before | after |", "|---|---|---|---|---|---|"]
    lines += [f"| {r['scope']} | {r['cells']} | {r['primary_suppressed']} | {r['secondary_suppressed']} | "
              f"{r['share_before']:.1%} | {r['share_after']:.1%} |" for r in rows if r["scope"] != "all"]
    return lines + [""]


def write_validation_report(folder: Path, intake: Intake, run_id: str) -> Path:
    """Write ``<run_id>.json`` and ``<run_id>.md`` into ``folder``; returns the Markdown path."""
    return _write(folder, validation_report(intake, run_id))


def add_disclosure_audit(folder: Path, run_id: str, rows: list[dict]) -> Path:
    """Add the run's ``meta.disclosure_audit`` rows to its validation report."""
    report = json.loads((folder / f"{run_id}.json").read_text(encoding="utf-8"))
    report["disclosure_audit"] = rows
    return _write(folder, report)


def _write(folder: Path, report: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{report['run_id']}.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True, default=str), encoding="utf-8")
    target = folder / f"{report['run_id']}.md"
    target.write_text(markdown(report), encoding="utf-8")
    return target
