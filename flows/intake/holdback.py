"""Hold back a delivery that would shrink a register, until a person confirms it.

A delivery of a full register (a dataset without a period, such as ``enterprises`` and ``agreements``)
replaces the municipality's whole register. An empty (header-only) file, or one that would remove more
than ``thresholds.register_shrink_share`` of the register's current rows, is far more often a broken
export than a real change: such a file is *held back*. It is not loaded and supersedes nothing, the
published figures stay as they are, and the run ends with a warning that names the file and the row
counts before and after. It is read again every night until someone confirms it with
``socek accept FILE``, which records the file's path and SHA-256 in ``accepted-deliveries.json``
next to the warehouse; a changed file needs a new confirmation.

A header-only delivery of any other dataset is loaded (it covers no period, so it replaces nothing)
and is a warning too.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from flows.common.hashing import sha256_file
from flows.datasets import DATASETS
from flows.errors import InboxError
from flows.intake.deliveries import FileRecord, Intake

CONFIRMATIONS = "accepted-deliveries.json"
REGISTERS = tuple(name for name, contract in DATASETS.items() if contract.period_column is None)


@dataclass(frozen=True)
class HeldBack:
    """A register delivery that was not loaded, and why."""

    record: FileRecord
    rows_before: int
    reason: str


def confirmations_file(warehouse: Path) -> Path:
    return Path(warehouse).parent / CONFIRMATIONS


def accepted_hashes(warehouse: Path) -> set[str]:
    """SHA-256 of every delivery a person confirmed (``socek accept``)."""
    path = confirmations_file(warehouse)
    if not path.is_file():
        return set()
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InboxError(f"{path}: cannot read the confirmed deliveries ({exc}); fix or remove the file") from None
    return {entry["sha256"] for entry in entries if isinstance(entry, dict) and "sha256" in entry}


def accept(warehouse: Path, inbox: Path, file: Path) -> dict:
    """Record that a person confirms ``file`` (a delivery in the inbox) may shrink its register."""
    file = Path(file)
    if not file.is_file():
        raise InboxError(f"{file}: no such file; give the path of the delivery in the inbox")
    try:
        relative = file.resolve().relative_to(Path(inbox).resolve()).as_posix()
    except ValueError:
        raise InboxError(f"{file}: is not in the inbox {inbox}; confirm the delivery where the run reads it") from None
    entry = {"path": relative, "sha256": sha256_file(file),
             "accepted_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
             "by": os.environ.get("SUDO_USER") or os.environ.get("USER") or "unknown"}
    path = confirmations_file(warehouse)
    entries = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
    entries = [e for e in entries if e.get("sha256") != entry["sha256"]] + [entry]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(entries, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(partial, path)
    return entry


def hold_back(result: Intake, register_rows: dict[tuple[str, str], int], shrink_share: float,
              accepted: set[str]) -> list[HeldBack]:
    """Take the shrinking register deliveries out of ``result`` (their rows, quarantine and
    validation results are not loaded) and warn about every empty delivery. Returns what was held."""
    held: list[HeldBack] = []
    for name, batch in result.batches.items():
        for record in list(batch.files):
            if record.status != "loaded":
                continue
            empty = record.rows_read == 0
            if name not in REGISTERS:
                if empty:
                    result.warnings.append(f"{record.path}: the delivery holds no rows (a header only); "
                                           "it was loaded and replaces nothing")
                continue
            before = register_rows.get((name, record.municipality_code), 0)
            after = record.rows_loaded
            shrinks = before > 0 and before - after > shrink_share * before
            if not (empty or shrinks) or record.sha256 in accepted:
                continue
            what = "holds no rows (a header only)" if empty else f"would remove {before - after} of its {before} rows"
            reason = (f"held back: this {name} delivery {what}: the register of {record.municipality_code} has "
                      f"{before} rows now and would have {after}. Nothing of it was loaded and the published "
                      f"figures are unchanged; if the change is real, confirm it with `socek accept {record.path}` "
                      "(a path in the inbox) and run again")
            held.append(HeldBack(record, before, reason))
            batch.files.remove(record)
            for frame_name in ("quarantine", "results"):
                frame = getattr(batch, frame_name)
                if frame is not None and not frame.empty:
                    setattr(batch, frame_name, frame[frame["file_id"] != record.file_id].reset_index(drop=True))
            result.files_new -= 1
            result.not_read.append({"path": record.path, "reason": reason})
            result.warnings.append(f"{record.path}: {reason}")
    return held
