"""A proposed profile (``infer.Proposal``) as a reviewed-by-a-person TOML file, and as a report.

The TOML is the profile file format of ``profiles.py``, with the evidence for each setting as a
comment above it; it is checked by loading it as a ``Profile`` before anyone sees it, so a proposal
is always a valid profile (the review is about whether it is the *right* one). Both quote the
file's values and column names, so a personal identity number in them is masked.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from pydantic import ValidationError

from flows.common.personnummer import redact
from flows.common.toml_files import describe_key_error
from flows.errors import ConfigError
from flows.intake.infer import Evidence, Proposal
from flows.intake.profiles import Profile


def _value(value: object) -> str:
    """A TOML value: strings as JSON-style basic strings (TOML accepts JSON's escapes), lists inline."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _comment(evidence: list[Evidence], setting: str) -> list[str]:
    return [f"# {item.why}" for item in evidence if item.setting == setting]


def proposal_toml(proposal: Proposal) -> str:
    """The proposal as a profile file, evidence as comments; raises ``ConfigError`` if it is not valid."""
    settings, evidence = proposal.settings, proposal.evidence
    lines = [f"# Proposed by `socek profile infer {proposal.path.name} --dataset {proposal.dataset}`.",
             "# Review every setting against the file before using it: socek validate FILE --profile "
             f"{proposal.name}",
             f"name = {_value(proposal.name)}", f"dataset = {_value(proposal.dataset)}",
             f"description = {_value(settings['description'])}"]
    for key in ("decimal", "thousands", "date_formats"):
        lines += [*_comment(evidence, key), f"{key} = {_value(settings[key])}"]
    if "supplier_id" in settings:
        lines += [*_comment(evidence, "supplier_id"), f"supplier_id = {_value(settings['supplier_id'])}"]
    if settings["absent"]:
        lines += [*_comment(evidence, "absent"), f"absent = {_value(settings['absent'])}"]
    if settings["columns"]:
        lines += ["", "[columns]"]
        for column, header in settings["columns"].items():
            lines += [*_comment(evidence, f"columns.{column}"), f"{column} = {_value(header)}"]
    if settings["blank_values"]:
        lines += ["", "[blank_values]"]
        for column, markers in settings["blank_values"].items():
            lines += [*_comment(evidence, f"blank_values.{column}"), f"{column} = {_value(markers)}"]
    for rule in settings["split"]:
        lines += ["", *_comment(evidence, "split"), "[[split]]", f"column = {_value(rule['column'])}",
                  f"pattern = '{rule['pattern']}'", f"join = {_value(rule['join'])}"]
    lines += ["", *_comment(evidence, "file"), *_comment(evidence, "file.bom_in_key"), "[file]"]
    lines += [f"{key} = {_value(value)}" for key, value in settings["file"].items()]
    text = redact("\n".join(lines) + "\n")
    check_proposal(text, proposal.path)
    return text


def check_proposal(text: str, source: Path) -> Profile:
    """Parse and validate a proposal as a profile (a proposal that is not a valid profile is a bug)."""
    try:
        return Profile.model_validate(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        problems = ("; ".join(describe_key_error(e) for e in exc.errors()) if isinstance(exc, ValidationError)
                    else str(exc))
        raise ConfigError(f"{source}: the proposed profile is not valid ({problems}); please report this") from None


def proposal_report(proposal: Proposal) -> str:
    """What was decided and why, and the rows that do not fit, for the person who reviews it."""
    lines = [f"{proposal.path}: proposed profile {proposal.name!r} for {proposal.dataset}", "", "Evidence:"]
    lines += [f"  {item.setting} = {item.value!r}: {item.why}" for item in proposal.evidence]
    if proposal.unresolved:
        lines += ["", "Not found (required; map them by hand in [columns]): " + ", ".join(proposal.unresolved)]
    if proposal.unmapped:
        lines += ["", "Columns of the file not read: " + ", ".join(proposal.unmapped)]
    if proposal.misfits:
        lines += ["", "Rows that do not fit the proposal:"]
        for misfit in proposal.misfits:
            shown = ", ".join(f"row {row} {value!r}" for row, value in misfit.rows)
            lines.append(f"  {misfit.column} ({misfit.header!r}, expected {misfit.rule}): {misfit.count} row(s): {shown}"
                         + (" …" if misfit.count > len(misfit.rows) else ""))
    else:
        lines += ["", "Every row fits the proposal."]
    return redact("\n".join(lines))
