"""Validate canonical rows with a Great Expectations suite and split them into good and quarantined.

All new files of one dataset are validated in one batch (a ``_file_id`` column tells them apart), so
Great Expectations' fixed cost is paid once per dataset and run rather than once per file; results
are then reported per file, as if each file had been checked on its own. Great Expectations is
imported lazily: it takes seconds to import and most commands never validate.
"""

from __future__ import annotations

import functools
import json
import logging
import os
from dataclasses import dataclass

import pandas as pd

from flows.datasets import Dataset
from flows.quality.rules import Rule, derive_columns, rules_for

QUARANTINE_COLUMNS = ["file_id", "row_number", "dataset", "rule", "reason", "original"]
RESULT_COLUMNS = ["file_id", "dataset", "rule", "expectation", "column", "success",
                  "element_count", "unexpected_count"]


@dataclass
class ValidationOutcome:
    good: pd.DataFrame  # canonical rows that passed every rule (text, with lineage columns)
    quarantine: pd.DataFrame  # QUARANTINE_COLUMNS, one row per failing row and rule
    results: pd.DataFrame  # RESULT_COLUMNS, one row per expectation per file


def _gx():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    return gx, ProgressBarsConfig


@functools.cache
def _context():
    gx, ProgressBarsConfig = _gx()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def warm_up() -> None:
    """Import Great Expectations and make its context now (a warm worker does this while the run starts)."""
    _context()


_DEFINITIONS: dict[tuple, object] = {}  # per suite (name and rules), built once per process


def _definition(rules: list[Rule], name: str):
    """The Great Expectations validation definition of these rules, built once per process and reused
    by every batch (building one costs a third of validating a small batch)."""
    signature = (name, tuple((r.rule_id, r.expectation, json.dumps(r.kwargs, sort_keys=True, default=str))
                             for r in rules))
    if signature not in _DEFINITIONS:
        gx, _ = _gx()
        context = _context()
        label = f"{name}_{len(_DEFINITIONS)}"
        batch = (context.data_sources.add_pandas(f"{label}_source")
                 .add_dataframe_asset(f"{label}_frame")
                 .add_batch_definition_whole_dataframe(f"{label}_batch"))
        suite = gx.ExpectationSuite(name=f"{label}_contract")
        for rule in rules:
            expectation_class = getattr(gx.expectations, rule.expectation)
            suite.add_expectation(expectation_class(**rule.kwargs, meta={"rule": rule.rule_id}))
        suite = context.suites.add(suite)
        _DEFINITIONS[signature] = context.validation_definitions.add(
            gx.ValidationDefinition(data=batch, suite=suite, name=f"{label}_validation"))
    return _DEFINITIONS[signature]


def _run_suite(frame: pd.DataFrame, rules: list[Rule], name: str) -> list[tuple[Rule, bool, list[int]]]:
    """Run one GX suite over ``frame``; return, per rule, success and the failing ``_rid`` values."""
    result = _definition(rules, name).run(
        batch_parameters={"dataframe": frame},
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["_rid"]},
    )
    by_rule = {r.rule_id: r for r in rules}
    outcome = []
    for item in result.results:
        rule = by_rule[item.expectation_config.meta["rule"]]
        failing = [int(entry["_rid"]) for entry in item.result.get("unexpected_index_list") or []]
        if item.exception_info and item.exception_info.get("raised_exception"):
            raise RuntimeError(f"Great Expectations could not evaluate rule {rule.rule_id}: "
                               f"{item.exception_info.get('exception_message')}")
        outcome.append((rule, bool(item.success), failing))
    return outcome


def rule_frame(frame: pd.DataFrame, dataset: Dataset, rules: list[Rule]) -> pd.DataFrame:
    """Only what the rules read (their columns and the derived helper columns) plus ``_rid``:
    Great Expectations never sees the free text, ``_original`` or columns without a rule."""
    base = [c for c in [*dataset.column_names, "_extra", "_file_id"] if c in frame.columns]
    derived = derive_columns(frame[base], dataset)
    needed: list[str] = []
    for rule in rules:
        for column in [rule.kwargs.get("column"), *rule.kwargs.get("column_list", [])]:
            if column is not None and column not in needed:
                needed.append(column)
    return derived[needed].assign(_rid=range(len(frame)))


def validate_batch(frame: pd.DataFrame, dataset: Dataset, municipality_codes: list[str],
                   last_year: int, *, skip: frozenset[str] = frozenset(),
                   only: frozenset[str] | None = None) -> ValidationOutcome:
    """Check canonical text rows of one dataset (from one or more files) against its contract.

    ``frame`` holds the canonical columns as text plus ``_file_id``, ``_row_number`` and, when made,
    ``_original`` (the delivered row, JSON; else the quarantine's ``original`` is left empty for the
    caller to fill). Every failing (row, rule) pair becomes a quarantine row with a reason in plain
    words; a row failing any rule is left out of ``good``. ``skip`` leaves rules out (a file read in
    pieces has its key checked over the whole file), ``only`` keeps just those rules.
    """
    frame = frame.reset_index(drop=True)
    rules = [rule for rule in rules_for(dataset, list(frame.columns), municipality_codes, last_year)
             if rule.rule_id not in skip and (only is None or rule.rule_id in only)]
    if len(frame) == 0:
        checked = [(rule, True, []) for rule in rules]
    else:
        checked = _run_suite(rule_frame(frame, dataset, rules), rules, dataset.name)

    quarantine_rows, failed_rids = [], set()
    results = []
    file_ids = frame["_file_id"]
    rows_per_file = file_ids.value_counts()
    for rule, _success, failing in checked:
        failing_set = set(failing)
        failed_rids |= failing_set
        per_file = file_ids.iloc[sorted(failing_set)].value_counts() if failing_set else pd.Series(dtype=int)
        for file_id, count in rows_per_file.items():
            bad = int(per_file.get(file_id, 0))
            results.append((file_id, dataset.name, rule.rule_id, rule.expectation, rule.column,
                            bad == 0, int(count), bad))
        for rid in sorted(failing_set):
            row = frame.iloc[rid]
            value = row[rule.column] if rule.column in frame.columns else None
            quarantine_rows.append((row["_file_id"], int(row["_row_number"]), dataset.name,
                                    rule.rule_id, rule.explain(value), row.get("_original")))
    good = frame.drop(index=sorted(failed_rids)) if failed_rids else frame
    quarantine = pd.DataFrame(quarantine_rows, columns=QUARANTINE_COLUMNS)
    return ValidationOutcome(good=good.reset_index(drop=True), quarantine=quarantine,
                             results=pd.DataFrame(results, columns=RESULT_COLUMNS))
