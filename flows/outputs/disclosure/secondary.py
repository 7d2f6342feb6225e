"""Secondary suppression: hide enough further cells that the audit passes for every primary cell.

Two passes, both deterministic (ties go to the smaller key, LP inputs are built in key order):

1. **Exact relations.** An equality with one unknown cell gives that cell away by subtraction, so
   while some equality has exactly one unknown cell and that cell is suppressed, a published cell of
   that equality is suppressed too: preferably one that also sits in another equality beside a lone
   hidden cell (closing a 2 x 2 pattern instead of opening a new front), then the cheapest. This is
   the rule the old SQL tried to apply, now over every relation and in every direction ("T hidden,
   K and M shown" included); it settles most of the pattern without any LP.
2. **LP repair.** For each primary cell the audit still finds too narrow, and each side that is too
   narrow, one LP looks for a table an attacker could not rule out once a few more cells are hidden:
   the primary cell at its protection bound, every relation and bound satisfied, published cells
   moved as little as possible weighted by their cost. The published cells that had to move are
   exactly the ones to suppress; the moved table then proves the interval reaches the bound. The
   LP covers the cell's neighbourhood in the relation graph, widened until a solution exists, so
   the 2 x 2 (and 2 x 2 x 2) patterns of cross-classified tables are found without solving the whole
   model. Primaries whose neighbourhoods do not overlap are repaired in the same round.

Adding suppressions never narrows an interval, so the rounds converge; a primary that cannot reach its
protection interval even with every eligible cell hidden (must-publish cells pin it) is an error.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from flows.outputs.disclosure.audit import (
    AuditResult,
    Protection,
    audit_with,
    describe_failure,
)
from flows.outputs.disclosure.intervals import IntervalSolver, LPInfeasible
from flows.outputs.disclosure.model import (
    FREE,
    PRIMARY,
    SECONDARY,
    DisclosureError,
    DisclosureModelError,
    Model,
    listing,
    primary_status,
    status_vector,
)

# Neighbourhood radii tried by the LP repair: published cells crossed on the way from the primary cell
# (unknown cells are crossed for free). 2 reaches the fourth corner of a 2 x 2 pattern, 3 the far
# corner of a 2 x 2 x 2 cube; None is the whole relation-connected part of the model.
RADII: tuple[int | None, ...] = (2, 3, 5, None)
# A published cell counts as moved by the repair LP above this share of the required shift.
MOVE_TOL = 1e-7
# Ties between equally costly cells go to the smaller key, through this relative nudge of the weights
# (at most 0.1 %, so it only decides between cells of almost the same cost).
TIE_NUDGE = 1e-3


def protect(model: Model, primary: Iterable[int] | np.ndarray, protection: Protection | None = None) -> np.ndarray:
    """The CONF_STATUS vector (F/C/D per cell) after secondary suppression around ``primary``.

    ``primary`` is a set of cell indices or a boolean mask. Raises :class:`DisclosureError` naming the
    primary cells that no pattern can protect. Missing cells stay F (they are not published anyway).
    """
    return _protect(model, primary, protection or Protection())


def protect_with_audit(model: Model, primary: Iterable[int] | np.ndarray,
                       protection: Protection | None = None) -> tuple[np.ndarray, AuditResult]:
    """:func:`protect` plus the final, passing audit (which it computes anyway)."""
    protection = protection or Protection()
    status = _protect(model, primary, protection)
    result = audit_with(IntervalSolver(model), status, protection)
    result.raise_if_failed()  # cannot happen unless the exact audit and the decision disagree
    return status, result


def _protect(model: Model, primary: Iterable[int] | np.ndarray, protection: Protection) -> np.ndarray:
    status = primary_status(model, primary)
    _break_exact_relations(model, status)
    _repair(model, status, IntervalSolver(model), protection)
    return status


def information_loss(model: Model, status: Sequence[str] | np.ndarray, groups: Sequence[str]) -> pd.DataFrame:
    """Per group (e.g. indicator id): cells, primary and secondary suppressions, and the share of the
    group's cells suppressed before (primary only) and after secondary suppression. Missing cells are
    counted apart: they were never going to be published."""
    status = status_vector(model, status)
    if len(groups) != model.n:
        raise DisclosureModelError(f"groups has {len(groups)} labels; the model has {model.n} cells")
    frame = pd.DataFrame({"group": list(groups), "cell": ~model.missing, "missing": model.missing,
                          "primary": status == PRIMARY, "secondary": status == SECONDARY})
    out = frame.groupby("group", sort=True).sum().rename(columns={"cell": "cells"}).reset_index()
    cells = out["cells"].where(out["cells"] > 0)
    out["share_before"] = (out["primary"] / cells).fillna(0.0)
    out["share_after"] = ((out["primary"] + out["secondary"]) / cells).fillna(0.0)
    return out[["group", "cells", "missing", "primary", "secondary", "share_before", "share_after"]]


# -- pass 1: no equality may give a suppressed cell away by subtraction ---------------------------

def _break_exact_relations(model: Model, status: np.ndarray) -> int:
    """Suppress, in place, a published cell of every equality that would otherwise reveal its one
    suppressed cell (see :func:`_cheapest`); returns how many cells were added."""
    eq = abs(model.eq).tocsr()
    eq.data[:] = 1.0
    by_cell = eq.tocsc()
    unknown = (status != FREE) | model.missing
    # A missing cell alone in an equality is known to the attacker after all, and acts as published.
    unknown &= ~_computable_missing(model, eq, unknown)
    count = np.rint(eq @ unknown.astype(float)).astype(np.int64)
    sole = np.rint(eq @ np.where(unknown, np.arange(1, model.n + 1), 0).astype(float)).astype(np.int64) - 1
    eligible = (status == FREE) & ~model.missing & ~model.must_publish
    rank = model.key_rank
    heap = [(rank[sole[r]], r) for r in np.flatnonzero(count == 1) if status[sole[r]] != FREE]
    heapq.heapify(heap)
    added = 0
    while heap:
        _, row = heapq.heappop(heap)
        if count[row] != 1:
            continue
        cells = eq.indices[eq.indptr[row]:eq.indptr[row + 1]]
        candidates = cells[eligible[cells]]
        if not candidates.size:
            continue  # nothing here may be hidden; the LP repair looks further afield
        pick = _cheapest(model, candidates, _closes(by_cell, candidates, count, row))
        status[pick], eligible[pick] = SECONDARY, False
        added += 1
        for other in by_cell.indices[by_cell.indptr[pick]:by_cell.indptr[pick + 1]]:
            count[other] += 1
            if count[other] == 1:
                heapq.heappush(heap, (rank[pick], other))
    return added


def _closes(by_cell: sp.csc_matrix, candidates: np.ndarray, count: np.ndarray, row: int) -> np.ndarray:
    """How many other equalities each candidate would also stop from revealing a lone hidden cell."""
    out = np.zeros(candidates.size, dtype=np.int64)
    for i, j in enumerate(candidates):
        rows = by_cell.indices[by_cell.indptr[j]:by_cell.indptr[j + 1]]
        out[i] = int(np.count_nonzero(count[rows[rows != row]] == 1))
    return out


def _cheapest(model: Model, candidates: np.ndarray, closes: np.ndarray) -> int:
    """The candidate that closes most other lone cells (each would cost a suppression of its own),
    then the cheapest, then the smallest key."""
    return int(candidates[np.lexsort((model.key_rank[candidates], model.cost[candidates], -closes))[0]])


def _computable_missing(model: Model, eq: sp.csr_matrix, unknown: np.ndarray) -> np.ndarray:
    """Missing cells an attacker can compute by chains of subtraction from the published cells.

    Computed once before pass 1; later suppressions can only make fewer of them computable, so this
    errs towards more suppression, and the LP audit has the last word anyway.
    """
    computable = np.zeros(model.n, dtype=bool)
    while True:
        open_ = unknown & ~computable
        count = np.rint(eq @ open_.astype(float))
        sole = np.rint(eq @ np.where(open_, np.arange(1, model.n + 1), 0).astype(float)).astype(np.int64) - 1
        found = sole[(count == 1)]
        found = found[model.missing[found] & ~computable[found]]
        if not found.size:
            return computable
        computable[found] = True


# -- pass 2: LP repair of primaries the audit still finds too narrow ------------------------------

@dataclass
class _Task:
    """Move ``cell`` to ``target`` (upwards if ``sense`` is +1) by hiding as little as possible."""

    cell: int
    sense: float
    target: float
    fallback: list[tuple[float, float]] = field(default_factory=list)
    level: int = 0
    areas: dict[int, np.ndarray] = field(default_factory=dict)

    def area(self, model: Model, unknown: np.ndarray) -> np.ndarray:
        """The cells its repair LP may use, at the current radius."""
        if self.level not in self.areas:
            self.areas[self.level] = _neighbourhood(model, unknown, self.cell, RADII[self.level])
        return self.areas[self.level]


def _repair(model: Model, status: np.ndarray, solver: IntervalSolver, protection: Protection) -> None:
    """Hide cells (in place) until the audit decides every primary cell is protected."""
    for _ in range(model.n + 1):
        result = audit_with(solver, status, protection, exact=False)
        if result.passed:
            return
        unknown = (status != FREE) | model.missing
        tasks = _select(model, unknown, _tasks(model, result, protection))
        residual = solver.residual(unknown)
        chosen = _solve_tasks(model, solver, unknown, residual, tasks)
        new = chosen[status[chosen] == FREE]
        if not new.size:
            raise DisclosureError("secondary suppression made no progress although the audit fails for "
                                  + listing([describe_failure(c) for c in result.failures])
                                  + " (the audit and the repair LP disagree numerically)")
        status[new] = SECONDARY
    raise DisclosureError("secondary suppression did not converge")  # unreachable: each round hides a cell


def _tasks(model: Model, result: AuditResult, protection: Protection) -> list[_Task]:
    """The failing sides of each failing primary, in key order."""
    tasks = []
    for c in result.failures:
        scale = max(1.0, abs(c.value))
        if c.kind == "other":
            step = max(1e-3, 10 * protection.other_min_width) * scale
            tasks.append(_Task(c.index, 1.0, c.value + step, fallback=[(-1.0, c.value - step)]))
            continue
        margin = 0.0 if c.kind == "persons" else 1e-7 * scale
        tol = 1e-6 * scale
        # the margin keeps the LP off the exact bound, but never beyond what is a-priori possible
        if c.hi < c.required_hi - tol:
            tasks.append(_Task(c.index, 1.0, min(c.required_hi + margin, model.upper[c.index])))
        if c.lo > c.required_lo + tol:
            tasks.append(_Task(c.index, -1.0, max(c.required_lo - margin, model.lower[c.index])))
    return tasks


def _select(model: Model, unknown: np.ndarray, tasks: list[_Task]) -> list[_Task]:
    """Tasks whose neighbourhoods share no published cell, first come (key order) first served, so that
    a round's repairs do not pick different cells where one would have served both."""
    taken = np.zeros(model.n, dtype=bool)
    chosen: list[_Task] = []
    cell_ok: dict[int, bool] = {}
    for task in tasks:
        if task.cell not in cell_ok:
            area = task.area(model, unknown)
            movable = area[~unknown[area]]
            cell_ok[task.cell] = not taken[movable].any()
            if cell_ok[task.cell]:
                taken[movable] = True
        if cell_ok[task.cell]:
            chosen.append(task)
    return chosen


def _neighbourhood(model: Model, unknown: np.ndarray, start: int, radius: int | None) -> np.ndarray:
    """Cells within ``radius`` published cells of ``start`` through shared relations (0-1 BFS: unknown
    cells are crossed for free), so every unknown cell of a relation touching the area is inside it."""
    rows_of, cells_of = model.relations_of_cell, model.relations
    limit = np.inf if radius is None else radius
    dist = {start: 0}
    seen_rows: set[int] = set()
    queue = deque([start])
    while queue:
        u = queue.popleft()
        d = dist[u]
        for r in rows_of.indices[rows_of.indptr[u]:rows_of.indptr[u + 1]]:
            if r in seen_rows:
                continue
            seen_rows.add(r)
            for w in cells_of.indices[cells_of.indptr[r]:cells_of.indptr[r + 1]]:
                nd = d if unknown[w] else d + 1
                if nd <= limit and nd < dist.get(w, np.inf):
                    dist[w] = nd
                    if nd == d:
                        queue.appendleft(w)
                    else:
                        queue.append(w)
    area = np.fromiter(dist, dtype=np.int64)
    return area[np.argsort(model.key_rank[area], kind="stable")]


@dataclass
class _Block:
    """The repair LP of one task: columns are the area's unknown cells (values), then its movable
    published cells' upward and downward moves."""

    task: _Task
    free: np.ndarray
    movable: np.ndarray
    a_eq: sp.csr_matrix
    b_eq: np.ndarray
    a_le: sp.csr_matrix
    b_le: np.ndarray
    lb: np.ndarray
    ub: np.ndarray
    weight: np.ndarray
    target_col: int

    @property
    def width(self) -> int:
        return self.lb.size


def _block(model: Model, solver: IntervalSolver, unknown: np.ndarray, residual: np.ndarray, task: _Task) -> _Block:
    area = task.area(model, unknown)
    free = area[unknown[area]]
    movable = area[~unknown[area] & ~model.must_publish[area]]
    touched = np.concatenate([free, movable])
    rows = np.unique(model.relations_of_cell[:, touched].indices)
    n_eq = model.eq.shape[0]
    a = solver.stacked[rows]
    columns = sp.hstack([a[:, free], a[:, movable], -a[:, movable]], format="csr")
    is_eq = rows < n_eq
    value = model.values[movable]
    lb = np.concatenate([model.lower[free], np.zeros(2 * movable.size)])
    ub = np.concatenate([model.upper[free], model.upper[movable] - value, value - model.lower[movable]])
    # movable is in key order: a nudge rising with the position makes the smaller key win every tie,
    # by a margin HiGHS's tolerances cannot blur (a global rank would be too fine on 50 000 cells)
    nudge = 1.0 + TIE_NUDGE * np.arange(movable.size) / max(1, movable.size)
    weight = (model.cost[movable] + 1.0) * nudge
    return _Block(task, free, movable, columns[is_eq], residual[rows[is_eq]], columns[~is_eq],
                  residual[rows[~is_eq]], lb, ub, np.concatenate([np.zeros(free.size), weight, weight]),
                  int(np.flatnonzero(free == task.cell)[0]))


def _solve_tasks(model: Model, solver: IntervalSolver, unknown: np.ndarray, residual: np.ndarray,
                 tasks: list[_Task]) -> np.ndarray:
    """Cells to hide so that every task's cell reaches its target; widen areas that are too small."""
    ready: list[_Block] = []
    pending = tasks
    while pending:
        blocks = [_block(model, solver, unknown, residual, t) for t in pending]
        reached = _reach(solver, blocks)
        pending = []
        for block, ok in zip(blocks, reached):
            task = block.task
            if ok:
                ready.append(block)
            elif task.level + 1 < len(RADII):
                task.level += 1
                pending.append(task)
            elif task.fallback:
                task.sense, task.target = task.fallback.pop(0)
                task.level = 0
                pending.append(task)
            else:
                raise DisclosureError(
                    f"{model.keys[task.cell]} (value {model.values[task.cell]:g}) cannot be protected: no "
                    f"table consistent with the cells that must stay published moves it to {task.target:g}")
    return _cheapest_moves(solver, ready)


def _reach(solver: IntervalSolver, blocks: list[_Block]) -> list[bool]:
    """Can each task's cell reach its target at all? (Maximise progress towards it, capped there.)"""
    def setup(b: _Block):
        c = np.zeros(b.width)
        c[b.target_col] = -b.task.sense
        lb, ub = b.lb.copy(), b.ub.copy()
        if b.task.sense > 0:
            ub[b.target_col] = min(ub[b.target_col], b.task.target)
        else:
            lb[b.target_col] = max(lb[b.target_col], b.task.target)
        return c, lb, ub

    def reached(b: _Block, x: np.ndarray | None) -> bool:
        if x is None:
            return False
        tol = 1e-9 * max(1.0, abs(b.task.target))
        got = x[b.target_col]
        return bool(got >= b.task.target - tol if b.task.sense > 0 else got <= b.task.target + tol)

    return [reached(b, x) for b, x in zip(blocks, _stacked_lp(solver, blocks, setup))]


def _cheapest_moves(solver: IntervalSolver, blocks: list[_Block]) -> np.ndarray:
    """The published cells the cheapest attacker-consistent table moves, over all ready tasks."""
    def setup(b: _Block):
        lb, ub = b.lb.copy(), b.ub.copy()
        if b.task.sense > 0:
            lb[b.target_col] = max(lb[b.target_col], b.task.target)
        else:
            ub[b.target_col] = min(ub[b.target_col], b.task.target)
        return b.weight, lb, ub

    chosen = []
    for b, x in zip(blocks, _stacked_lp(solver, blocks, setup)):
        if x is None:
            raise DisclosureError(f"the repair LP for {solver.model.keys[b.task.cell]} became infeasible "
                                  "after a feasibility check passed (numerical trouble)")
        k = b.movable.size
        moved = x[b.free.size:b.free.size + k] + x[b.free.size + k:]
        shift = abs(b.task.target - solver.model.values[b.task.cell])
        chosen.append(b.movable[moved > MOVE_TOL * max(1.0, shift)])
    return np.unique(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=np.int64)


def _stacked_lp(solver: IntervalSolver, blocks: list[_Block], setup) -> list[np.ndarray | None]:
    """Solve the blocks as one LP (they share no variables); if it is infeasible, one by one, with
    None for the infeasible ones."""
    if not blocks:
        return []
    parts = [setup(b) for b in blocks]
    try:
        x = solver.lp(np.concatenate([p[0] for p in parts]),
                      sp.block_diag([b.a_eq for b in blocks], format="csr"),
                      np.concatenate([b.b_eq for b in blocks]),
                      sp.block_diag([b.a_le for b in blocks], format="csr"),
                      np.concatenate([b.b_le for b in blocks]),
                      np.concatenate([p[1] for p in parts]), np.concatenate([p[2] for p in parts]),
                      lambda: f"{len(blocks)} stacked repair problems")
        return np.split(x, np.cumsum([b.width for b in blocks])[:-1])
    except LPInfeasible:
        if len(blocks) == 1:
            return [None]
        return [_stacked_lp(solver, [b], setup)[0] for b in blocks]
