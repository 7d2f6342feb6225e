"""The attacker's audit: how narrowly can each suppressed cell be pinned down from what is published?

The attacker knows every published (F) value, every relation and every a-priori bound of the model.
For a suppressed cell the best they can do with linear reasoning is the feasibility interval
``[min x_j, max x_j]`` over all tables consistent with that knowledge: two linear programs per cell,
solved in batches by :mod:`flows.outputs.disclosure.intervals`. This is the audit τ-ARGUS and sdcTable
run; a pattern passes when every primary (C) cell's interval covers its protection interval
(:class:`Protection`). Person counts are whole, so their intervals are rounded inward.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from flows.outputs.disclosure.intervals import IntervalSolver
from flows.outputs.disclosure.model import (
    FREE,
    PRIMARY,
    SECONDARY,
    DisclosureError,
    Model,
    listing,
    status_vector,
)

# Integer rounding of person intervals forgives LP noise of this size.
ROUNDING_TOL = 1e-6


@dataclass(frozen=True)
class Protection:
    """How wide a primary cell's interval must be (DESIGN §6; issue 13).

    Person counts: the attacker must not be able to exclude 0 nor ``min_persons`` (so a count of 1-4
    cannot be told from "nobody" or from a publishable count); a share of a base of persons is held
    to the same in persons (``Model.persons_per_unit``). Money and other magnitudes: the interval
    must reach ``money_share`` of the value on both sides. Anything else (rates): it must not be a
    single point; ``other_min_width`` is relative to ``max(1, |value|)``. A requirement never goes
    beyond the cell's a-priori bounds (a share cannot be shown to reach above 100 %).
    """

    min_persons: int = 5
    money_share: float = 0.20
    other_min_width: float = 1e-6

    def required(self, model: Model) -> tuple[np.ndarray, np.ndarray]:
        """(lo must be <= this, hi must be >= this) for every cell of ``model``."""
        kind, value = model.kind, model.values
        margin = self.money_share * np.abs(value)
        req_lo = np.where(kind == "persons", 0.0, np.where(kind == "money", value - margin, value))
        req_hi = np.where(kind == "persons", self.min_persons / model.persons_per_unit,
                          np.where(kind == "money", value + margin, value))
        return np.clip(req_lo, model.lower, model.upper), np.clip(req_hi, model.lower, model.upper)

    def passes(self, model: Model, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        value = model.values
        req_lo, req_hi = self.required(model)
        tol = 1e-6 * np.maximum(1.0, np.abs(value))
        covers = (lo <= req_lo + tol) & (hi >= req_hi - tol)
        wide = (hi - lo) > self.other_min_width * np.maximum(1.0, np.abs(value))
        return np.where(model.kind == "other", wide, covers)


@dataclass(frozen=True)
class CellAudit:
    """One suppressed cell as the attacker sees it. ``required_*`` is NaN for secondary cells."""

    index: int
    key: str
    status: str
    kind: str
    value: float
    lo: float
    hi: float
    required_lo: float
    required_hi: float
    passed: bool

    @property
    def relative_width(self) -> float:
        return (self.hi - self.lo) / max(1.0, abs(self.value))


@dataclass(frozen=True)
class AuditSummary:
    """One row of ``meta.disclosure_audit`` (the per-group information loss comes from
    :func:`flows.outputs.disclosure.secondary.information_loss`). ``narrowest_*`` is over primary cells,
    width relative to ``max(1, |value|)``; ``checked`` counts the suppressed cells audited."""

    cells: int
    checked: int
    primary: int
    secondary: int
    missing: int
    failures: int
    components: int
    largest_component: int
    narrowest_key: str | None
    narrowest_relative_width: float
    lps_solved: int
    solver_seconds: float
    seconds: float

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class AuditResult:
    """The interval of every suppressed cell and whether each primary cell is protected."""

    cells: tuple[CellAudit, ...]
    summary: AuditSummary

    @property
    def passed(self) -> bool:
        return self.summary.failures == 0

    @property
    def failures(self) -> list[CellAudit]:
        return [c for c in self.cells if not c.passed]

    @cached_property
    def _by_key(self) -> dict[str, CellAudit]:
        return {c.key: c for c in self.cells}

    def cell(self, key: str) -> CellAudit:
        try:
            return self._by_key[key]
        except KeyError:
            raise KeyError(f"{key!r} is not a suppressed cell of this audit") from None

    def raise_if_failed(self) -> None:
        """Fail closed: a pattern that lets an attacker narrow a primary cell is never published."""
        if not self.passed:
            raise DisclosureError(f"disclosure audit failed for {self.summary.failures} primary cell(s): "
                                  + listing([describe_failure(c) for c in self.failures]))

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(c) for c in self.cells],
                            columns=[f for f in CellAudit.__dataclass_fields__])


def describe_failure(c: CellAudit) -> str:
    """One line an operator can act on: the cell, what the attacker learns and what was required."""
    if c.kind == "other":
        need = "must not be a single value"
    else:
        need = f"must reach [<= {c.required_lo:g}, >= {c.required_hi:g}]"
    return f"{c.key} ({c.kind}, value {c.value:g}) can be narrowed to [{c.lo:g}, {c.hi:g}]; it {need}"


def audit(model: Model, status, protection: Protection | None = None) -> AuditResult:
    """Audit a suppression pattern as an attacker would; see :class:`AuditResult`."""
    return audit_with(IntervalSolver(model), status, protection or Protection())


def audit_with(solver: IntervalSolver, status, protection: Protection, *, exact: bool = True) -> AuditResult:
    """:func:`audit` reusing ``solver``'s cache (secondary suppression re-audits after every round).

    With ``exact=False`` only pass or fail is decided: secondary cells get no interval (NaN) and a
    primary cell's reported end may lie anywhere beyond its protection bound once that is proven.
    Secondary suppression uses this between rounds; what is published is audited exactly.
    """
    started, lps, seconds = time.perf_counter(), solver.lps, solver.seconds
    model = solver.model
    status = status_vector(model, status)
    suppressed = status != FREE
    primary = status == PRIMARY
    if exact:
        goal_lo = np.where(suppressed, -np.inf, np.nan)
        goal_hi = np.where(suppressed, np.inf, np.nan)
    else:  # rates ("other") must not be a point: that needs both exact ends
        req_lo, req_hi = protection.required(model)
        other = model.kind == "other"
        goal_lo = np.where(primary, np.where(other, -np.inf, req_lo), np.nan)
        goal_hi = np.where(primary, np.where(other, np.inf, req_hi), np.nan)
    lo, hi, comps = solver.intervals(suppressed | model.missing, goal_lo, goal_hi)
    persons, per = model.kind == "persons", model.persons_per_unit
    # an attacker knows persons come whole (a share's persons too); + 0.0 turns ceil's -0.0 into 0.0
    lo = np.where(persons & np.isfinite(lo), np.ceil(lo * per - ROUNDING_TOL) / per, lo) + 0.0
    hi = np.where(persons & np.isfinite(hi), np.floor(hi * per + ROUNDING_TOL) / per, hi) + 0.0
    req_lo, req_hi = protection.required(model)
    passed = np.where(primary, protection.passes(model, lo, hi), True)
    idx = np.flatnonzero(suppressed)
    idx = idx[np.argsort(model.key_rank[idx], kind="stable")]
    cells = tuple(CellAudit(int(j), model.keys[j], str(status[j]), str(model.kind[j]), float(model.values[j]),
                            float(lo[j]), float(hi[j]), float(req_lo[j]) if primary[j] else math.nan,
                            float(req_hi[j]) if primary[j] else math.nan, bool(passed[j])) for j in idx)
    narrow_key, narrow = None, math.inf
    for c in cells:
        if c.status == PRIMARY and c.relative_width < narrow:
            narrow_key, narrow = c.key, c.relative_width
    sizes = comps.sizes()
    summary = AuditSummary(
        cells=model.n, checked=len(cells), primary=int(primary.sum()), secondary=int((status == SECONDARY).sum()),
        missing=int(model.missing.sum()), failures=int((~passed).sum()), components=comps.count,
        largest_component=int(sizes.max()) if sizes.size else 0, narrowest_key=narrow_key,
        narrowest_relative_width=narrow, lps_solved=solver.lps - lps, solver_seconds=solver.seconds - seconds,
        seconds=time.perf_counter() - started)
    return AuditResult(cells=cells, summary=summary)
