"""``socek validate FILE``: check one file against its dataset contract without loading anything.

Reads the file exactly as the nightly run would (format sniffing, publisher profile, canonical
mapping, Great Expectations suite) and reports the verdict, the counts and every failing row with
its reason. ``--write-canonical`` writes the rows as read, in canonical columns, for inspection.

Without ``--profile`` the file is read with the profile the inbox would use: the file's own
``<kommunkod>/<dataset>/`` folders name the municipality and dataset, and that municipality's
``profiles.toml`` (next to the file's dataset folder, or in the configured inbox) names the profile.
When no profile fits, the report names the profile that comes closest and the
``socek profile infer`` command that proposes a new one.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from flows.common.personnummer import redact
from flows.config import Settings
from flows.datasets import BOOL, DATASETS, DATE, DECIMAL, INT
from flows.errors import InboxError
from flows.intake.canonical import (
    LEVERANTOR_ID_KIND,
    MissingColumnError,
    match_columns,
    read_delivery,
    to_canonical,
)
from flows.intake.deliveries import read_limits
from flows.intake.discovery import inbox_profile
from flows.intake.formats import read_table
from flows.intake.profiles import load_profiles
from flows.intake.pseudonymise import load_hash_key
from flows.quality.validate import validate_batch

INTERNAL = ("_file_id", "_extra", "_original")
_CANONICAL = {DATE: r"\d{4}-\d{2}-\d{2}", DECIMAL: r"-?\d+(?:\.\d+)?", INT: r"-?\d+", BOOL: r"true|false"}


def validate_file(settings: Settings, path: Path, dataset: str | None = None, *, profile: str | None = None,
                  municipality: str | None = None, write_canonical: str | None = None) -> tuple[dict, bool]:
    """Return (report, usable). ``usable`` is False when the file cannot be loaded at all."""
    path = Path(path)
    dataset = dataset or _dataset_from_path(path)
    if dataset not in DATASETS:
        raise InboxError(f"{path}: say which dataset the file holds with --dataset (one of {', '.join(DATASETS)}); "
                         "the file is not in an inbox folder named after one")
    municipality = municipality or _municipality_from_path(path, settings) or settings.municipality_codes[0]
    chosen, source = (profile, "--profile") if profile else _inbox_choice(settings, path, dataset, municipality)
    report = {"file": str(path), "dataset": dataset, "profile": chosen, "profile_chosen_by": source,
              "municipality_code": municipality}
    try:
        table = read_delivery(path, dataset, chosen, municipality, load_hash_key(settings.path("secrets")),
                              limits=read_limits(settings), profiles_dir=settings.profile_dirs,
                              allow_synthetic=settings.is_demo)
    except InboxError as exc:
        reason = redact(str(exc))  # it may quote a cell or a column name as delivered
        report.update(verdict="unusable", rows_read=0, rows_valid=0, rows_quarantined=0,
                      problems=[{"row": None, "rule": "file", "reason": reason}])
        advice = _advice(settings, path, dataset, chosen) if isinstance(exc, MissingColumnError) else []
        report["suggestions"] = advice
        report["text"] = "\n".join([f"{path}: UNUSABLE (profile {chosen}, chosen by {source})", f"  {reason}", *advice])
        return report, False
    frame = table.frame.assign(_file_id="file")
    outcome = validate_batch(frame, DATASETS[dataset], settings.municipality_codes, settings.thresholds.last_year)
    bad_rows = outcome.quarantine["row_number"].nunique()
    problems = [{"row": int(r.row_number), "rule": r.rule, "reason": r.reason}
                for r in outcome.quarantine.sort_values(["row_number", "rule"]).itertuples()]
    verdict = "valid" if not problems else "valid rows with problems"
    report.update(verdict=verdict, rows_read=len(frame), rows_valid=len(outcome.good),
                  rows_quarantined=int(bad_rows), format=f"{table.format} {table.encoding or ''}".strip(),
                  unmapped_columns=list(table.unmapped_columns), problems=problems)
    if write_canonical:
        canonical = frame.drop(columns=[c for c in INTERNAL if c in frame.columns])
        pd.DataFrame(canonical).to_csv(write_canonical, index=False, encoding="utf-8")
        report["canonical_written_to"] = write_canonical
    lines = [f"{path}: {verdict.upper()} ({dataset}, profile {chosen} chosen by {source}, {report['format']})",
             f"  rows read {len(frame)}, valid {len(outcome.good)}, quarantined {bad_rows}"]
    if table.unmapped_columns:
        lines.append(f"  columns not read: {', '.join(table.unmapped_columns)}")
    lines += [f"  row {p['row']}: {p['reason']} [{p['rule']}]" for p in problems[:200]]
    report["text"] = "\n".join(lines)
    return report, True


def _dataset_from_path(path: Path) -> str | None:
    folder = path.resolve().parent.name
    return folder if folder in DATASETS else None


def _municipality_from_path(path: Path, settings: Settings) -> str | None:
    for part in reversed(path.resolve().parts):
        if part in settings.municipality_codes:
            return part
    return None


def _inbox_choice(settings: Settings, path: Path, dataset: str, municipality: str) -> tuple[str, str]:
    """The profile the inbox would read this file with, and what chose it."""
    folder = path.resolve().parent
    inbox = folder.parent.parent if (folder.name, folder.parent.name) == (dataset, municipality) else settings.path("inbox")
    name, chooser = inbox_profile(inbox, municipality, dataset, list(DATASETS), settings.profile_dirs)
    return name, str(chooser) if chooser else f"default (no {inbox / municipality / 'profiles.toml'})"


def closest_profiles(settings: Settings, path: Path, dataset: str,
                     hash_key: bytes | None = None) -> list[tuple[str, int, list[str]]]:
    """Every profile for the dataset, best first: (name, required columns found, names missing);
    among profiles that miss nothing, the one that leaves fewest cells unreadable, then the one that
    reads most of the file's columns."""
    ranked = []
    raw_by_sheet: dict[str | None, object] = {}
    for name, candidate in load_profiles(settings.profile_dirs).items():
        if not candidate.applies_to(dataset):
            continue
        sheet = candidate.file.sheet
        if sheet not in raw_by_sheet:
            try:
                raw_by_sheet[sheet] = read_table(path, sheet=sheet, limits=read_limits(settings))
            except InboxError:
                raw_by_sheet[sheet] = None
        raw = raw_by_sheet[sheet]
        if raw is None:
            continue
        sources, missing = match_columns(raw.headers, candidate, DATASETS[dataset])
        found = [column for column, header in sources.items() if header is not None]
        required = sum(1 for column in found if column in DATASETS[dataset].required_columns)
        misread = _misread(raw, candidate, dataset, hash_key) if not missing else 0
        ranked.append((name, required, [column.name for column in missing], misread, len(found)))
    ranked.sort(key=lambda item: (len(item[2]), -item[1], item[3], -item[4], item[0]))
    return [(name, required, missing) for name, required, missing, _, _ in ranked]


def _misread(raw, profile, dataset: str, hash_key: bytes | None) -> int:
    """How many typed cells a profile leaves unreadable (dates, numbers, yes/no, supplier ids): the
    tie-break between profiles that all find the columns."""
    try:
        frame = to_canonical(raw, profile, dataset, municipality_code="0000", hash_key=hash_key).frame
    except InboxError:
        return len(raw.frame) * len(raw.headers)
    bad = 0
    for column in DATASETS[dataset].delivered_columns:
        pattern = _CANONICAL.get(column.type)
        if pattern is not None:
            values = frame[column.name].dropna()
            bad += int((~values.str.fullmatch(pattern)).sum())
    if LEVERANTOR_ID_KIND in frame:
        bad += int((frame[LEVERANTOR_ID_KIND] == "invalid").sum())
    return bad


def _advice(settings: Settings, path: Path, dataset: str, tried: str) -> list[str]:
    """What to try when the chosen profile does not fit: a profile that does, or the closest one,
    and the command that proposes a new profile."""
    lines = []
    key = load_hash_key(settings.path("secrets"))
    ranked = [item for item in closest_profiles(settings, path, dataset, key) if item[0] != tried]
    fitting = [name for name, _, missing in ranked if not missing]
    if fitting:
        lines.append(f"  profile(s) that read every required column of this file: {', '.join(fitting)}; try "
                     f"`socek validate {path} --dataset {dataset} --profile {fitting[0]}`")
    elif ranked:
        name, found, missing = ranked[0]
        lines.append(f"  closest profile: {name} (finds {found} required columns, misses {', '.join(missing)})")
    lines.append(f"  to propose a profile for this publisher: `socek profile infer {path} --dataset {dataset} "
                 "--out config/profiles/<name>.toml`, review it, then validate with `--profile <name>`")
    return lines
