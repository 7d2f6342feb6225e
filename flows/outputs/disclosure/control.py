"""Disclosure control of one build (the ``disclose`` stage, after the transform; docs/disclosure.md).

:func:`decide` models everything the build would publish (:mod:`flows.outputs.disclosure.published`),
applies the primary rules, chooses secondary suppressions and proves the pattern with the attacker's
linear programs; it writes the pattern into ``indicators.cell_status`` and
``indicators.cooperation_status`` (which the export views read) and the audit into
``meta.disclosure_audit``. A pattern that fails the audit is never written: :class:`DisclosureError`
names the cell, and the run publishes nothing.

:func:`audit_published` repeats the audit on a published database with the pattern it holds: the
check an analyst or the Region can run by hand (``socek disclosure``).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from flows.outputs.disclosure.audit import AuditResult, audit, describe_failure
from flows.outputs.disclosure.memo import Remembered, protect_remembering
from flows.outputs.disclosure.model import FREE, DisclosureError
from flows.outputs.disclosure.published import (
    CELL_KEY,
    INTERNAL_GROUP,
    TIMELINE_KEY,
    Published,
    build_published,
)
from flows.outputs.disclosure.rules import Rules, read_rules
from flows.outputs.disclosure.secondary import information_loss
from flows.warehouse import sql_runner

# the objects the disclosure step fills (the SQL runner refreshes what is materialised from them)
STATUS_TABLES = ("indicators.cell_status", "indicators.cooperation_status")


@dataclass(frozen=True)
class Decision:
    """The pattern of one build and its proof."""

    published: Published
    status: np.ndarray
    result: AuditResult
    rules: Rules
    seconds: float
    memo: Remembered = Remembered({})
    parts: int = 0  # parts of the model with a primary cell
    parts_remembered: int = 0  # of which the pattern came from an earlier build

    def loss(self) -> pd.DataFrame:
        """Information loss per indicator and for the timeline (internal cells left out)."""
        table = information_loss(self.published.model, self.status, self.published.groups)
        return table[table["group"] != INTERNAL_GROUP].reset_index(drop=True)

    def audit_rows(self, run_id: str) -> pd.DataFrame:
        """The rows of ``meta.disclosure_audit`` for this run."""
        loss = self.loss()
        s = self.result.summary
        published = loss[["cells", "missing", "primary", "secondary"]].sum()
        cells = int(published["cells"])
        overall = {"scope": "all", "cells": cells, "missing": int(published["missing"]),
                   "primary": int(published["primary"]), "secondary": int(published["secondary"]),
                   "share_before": published["primary"] / cells if cells else 0.0,
                   "share_after": (published["primary"] + published["secondary"]) / cells if cells else 0.0,
                   "relations": self.published.relations, "checked": s.checked, "failures": s.failures,
                   "passed": self.result.passed, "narrowest_cell": s.narrowest_key,
                   "narrowest_relative_width": s.narrowest_relative_width if math.isfinite(
                       s.narrowest_relative_width) else None,
                   "lps_solved": s.lps_solved, "solver_seconds": s.solver_seconds, "seconds": self.seconds,
                   "protection": self.rules.describe()}
        rows = pd.DataFrame([overall, *loss.rename(columns={"group": "scope"}).to_dict("records")])
        rows.insert(0, "run_id", run_id)
        return rows.rename(columns={"primary": "primary_suppressed", "secondary": "secondary_suppressed"})


def decide(con: duckdb.DuckDBPyConnection, key: bytes | None = None, workers: int = 1) -> Decision:
    """Model, suppress and audit the build behind ``con`` (raises :class:`DisclosureError`).

    With the run's secret ``key``, the parts of the model an earlier build decided with the same
    fingerprint keep that pattern (:mod:`flows.outputs.disclosure.memo`); the audit is always whole.
    Many parts to decide are decided in up to ``workers`` processes at once."""
    started = time.perf_counter()
    rules = read_rules(con)
    published = build_published(con, rules)
    status, result, memo, plan = protect_remembering(published.model, published.primary, rules.protection,
                                                     Remembered.read(con), key, workers=workers)
    return Decision(published, status, result, rules, time.perf_counter() - started, memo, plan.parts,
                    plan.remembered)


def disclose(con: duckdb.DuckDBPyConnection, run_id: str, key: bytes | None = None, workers: int = 1) -> Decision:
    """The disclosure step of a build: decide, write the pattern, its audit and the memo of its parts,
    and rebuild what is materialised from the pattern (``indicators.indicator_values``)."""
    decision = decide(con, key, workers)
    write_decision(con, decision, run_id)
    decision.memo.write(con)
    sql_runner.refresh(con, STATUS_TABLES)
    return decision


def write_decision(con: duckdb.DuckDBPyConnection, decision: Decision, run_id: str) -> None:
    """Write the pattern into the status tables and the audit into ``meta.disclosure_audit``."""
    cells, timeline = decision.published.cells, decision.published.timeline
    cell_status = cells[list(CELL_KEY)].assign(conf_status=decision.status[:len(cells)])
    timeline_status = timeline[list(TIMELINE_KEY)].assign(
        conf_status=decision.status[len(cells):len(cells) + len(timeline)])
    audit_rows = decision.audit_rows(run_id)
    for table, frame in (("indicators.cell_status", cell_status), ("indicators.cooperation_status", timeline_status)):
        con.register("decided", frame)
        try:
            con.execute(f"delete from {table}")
            con.execute(f"insert into {table} by name select * from decided")
        finally:
            con.unregister("decided")
    con.register("audit_rows", audit_rows)
    try:
        con.execute("delete from meta.disclosure_audit where run_id = ?", [run_id])
        con.execute("insert into meta.disclosure_audit by name select * from audit_rows")
    finally:
        con.unregister("audit_rows")


def require_decided(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse to publish from a database whose figures disclosure control has not decided (built
    without the disclose stage, or by a socek from before it): its export views would hide them all."""
    undecided = con.execute("""
        select count(*), min(v.indicator_id || ' ' || v.municipality_code || ' ' || v.period)
        from indicators.all_values as v
        anti join indicators.cell_status as s
          using (indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit)""").fetchone()
    if undecided[0]:
        raise DisclosureError(f"disclosure control has not decided {undecided[0]} indicator value(s) of this "
                              f"database (e.g. {undecided[1]}): it was built without the disclose stage. "
                              "Run `socek run` to rebuild it; nothing was written")


def audit_published(con: duckdb.DuckDBPyConnection) -> AuditResult:
    """The attacker's audit of the pattern a (published) database holds, against its own figures."""
    rules = read_rules(con)
    published = build_published(con, rules)
    cell_status = _statuses(con, "indicators.cell_status", CELL_KEY, published.cells)
    timeline_status = _statuses(con, "indicators.cooperation_status", TIMELINE_KEY, published.timeline)
    # internal cells (named parts, others' remainders) are never published: as decided by the model
    internal = np.where(published.primary[len(cell_status) + len(timeline_status):], "C", FREE)
    status = np.concatenate([cell_status, timeline_status, internal])
    return audit(published.model, status, rules.protection)


def describe_audit(result: AuditResult, loss: list[tuple]) -> str:
    """The audit in a few lines: what was checked, how narrow it got, what was suppressed."""
    s = result.summary
    lines = [f"disclosure audit {'passed' if result.passed else 'FAILED'}: {s.cells} cells in the model (the published "
             f"ones and the named enterprise's unpublished parts), {s.checked} suppressed cells checked "
             f"({s.primary} primary, {s.secondary} secondary), {s.lps_solved} linear programs in "
             f"{s.solver_seconds:.1f} s",
             f"narrowest interval of a primary cell: {s.narrowest_key or 'none'}"
             + (f" (width {s.narrowest_relative_width:.2f} of its value)" if math.isfinite(
                 s.narrowest_relative_width) else "")]
    lines += [f"  {scope}: {cells} cells, {primary} primary, {secondary} secondary "
              f"({before:.1%} suppressed before secondary suppression, {after:.1%} after)"
              for scope, cells, primary, secondary, before, after in loss]
    return "\n".join(lines)


def failures(result: AuditResult) -> list[str]:
    return [describe_failure(c) for c in result.failures]


def _statuses(con: duckdb.DuckDBPyConnection, table: str, key: tuple[str, ...], figures: pd.DataFrame) -> np.ndarray:
    stored = con.execute(f"select {', '.join(key)}, conf_status from {table}").df()
    merged = figures[list(key)].merge(stored, on=list(key), how="left")
    if merged["conf_status"].isna().any():
        missing = merged[merged["conf_status"].isna()].head(3).to_dict("records")
        raise DisclosureError(f"{table} has no decision for {merged['conf_status'].isna().sum()} figure(s), "
                              f"e.g. {missing}: the database was published without disclosure control")
    return merged["conf_status"].to_numpy(dtype="<U1")
