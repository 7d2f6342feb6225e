"""The attacker's linear programs, organised so that thousands of cells cost a few dozen LP calls.

Solving 2 x 5 000 LPs one by one would take minutes, so the work follows the structure:

- Published cells are constants, so the unknown cells (suppressed and missing) split into connected
  components that do not interact. One LP holds one copy of every component still being solved,
  each copy with its own objective, so a round settles one cell per component, and the number of LP
  calls is about the number of cells of the largest component rather than of the model.
- An equality with exactly two unknown cells makes one an affine function of the other on every
  consistent table, so only one cell per chain of such ties (its root) needs LPs.
- Any LP solution is a consistent table, so a cell it leaves on an a-priori bound has that bound as
  its extreme: most person counts' minima (0) come for free.
- Unboundedness is found beforehand on the recession cone, so no LP of a batch is ever unbounded
  (HiGHS's presolve does not always tell unbounded from infeasible).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

from flows.outputs.disclosure.model import (
    DisclosureError,
    DisclosureModelError,
    Model,
    listing,
)

# An LP value within this (relative) distance of a bound is on the bound.
BOUND_TOL = 1e-9
# A recession direction must move a cell at least this much (directions live in [-1, 1]).
DIRECTION_TOL = 1e-7


@dataclass(frozen=True)
class Components:
    """Unknown cells grouped into independent components (published cells are constants).

    ``cells[ptr[c]:ptr[c+1]]`` are component c's cells in key order; ``row_label`` gives each relation
    row of ``model.relations`` its component (-1: the row touches no unknown cell of a kept component).
    Only components holding at least one wanted cell (usually: a suppressed one) are kept.
    """

    cells: np.ndarray
    ptr: np.ndarray
    row_label: np.ndarray

    @property
    def count(self) -> int:
        return len(self.ptr) - 1

    def members(self, c: int) -> np.ndarray:
        return self.cells[self.ptr[c]:self.ptr[c + 1]]

    def sizes(self) -> np.ndarray:
        return np.diff(self.ptr)


def components(model: Model, unknown: np.ndarray, wanted: np.ndarray) -> Components:
    """Connected components of the unknown cells, linked through the relations they share."""
    idx = np.flatnonzero(unknown)
    incidence = model.relations[:, idx].tocsr()
    graph = sp.bmat([[None, incidence.T], [incidence, None]], format="csr")
    _, labels = connected_components(graph, directed=False)
    cell_label, row_label = labels[:idx.size], labels[idx.size:].copy()
    row_label[np.diff(incidence.indptr) == 0] = -1
    # keep components with a wanted cell; number them by their first key so order is key-driven
    keep = np.zeros(labels.max() + 1 if labels.size else 0, dtype=bool)
    keep[cell_label[wanted[idx]]] = True
    rank = model.key_rank[idx]
    first = np.full(keep.size, np.iinfo(np.int64).max)
    np.minimum.at(first, cell_label, rank)
    kept = np.flatnonzero(keep)
    renumber = np.full(keep.size, -1)
    renumber[kept[np.argsort(first[kept], kind="stable")]] = np.arange(kept.size)
    cell_new, row_new = renumber[cell_label], np.where(row_label >= 0, renumber[row_label], -1)
    chosen = cell_new >= 0
    order = np.lexsort((rank[chosen], cell_new[chosen]))
    cells = idx[chosen][order]
    ptr = np.concatenate([[0], np.cumsum(np.bincount(cell_new[chosen], minlength=kept.size))])
    return Components(cells=cells, ptr=ptr, row_label=row_new)


class IntervalSolver:
    """Feasibility intervals of suppressed cells, batched over components and cached per component.

    The cache lets secondary suppression re-audit after each round at the cost of the components that
    changed only: a component's intervals depend on nothing but its own cells (every other cell in its
    relations is published at its true value).
    """

    def __init__(self, model: Model) -> None:
        self.model = model
        self.lps = 0
        self.seconds = 0.0
        self._cache: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}
        self.stacked = sp.vstack([model.eq, model.le], format="csr")

    def intervals(self, unknown: np.ndarray, goal_lo: np.ndarray,
                  goal_hi: np.ndarray) -> tuple[np.ndarray, np.ndarray, Components]:
        """(lo, hi) per wanted cell (NaN elsewhere) and the components they came from.

        A cell is wanted where ``goal_lo`` or ``goal_hi`` is not NaN. With goals -inf/+inf the interval
        is exact. With finite goals the solver only decides ``lo <= goal_lo`` and ``hi >= goal_hi``:
        any consistent table that reaches a goal proves it, and only undecided sides get an LP of their
        own, so where a goal is met the reported end is merely some value beyond the goal.
        """
        model = self.model
        wanted = ~(np.isnan(goal_lo) & np.isnan(goal_hi))
        comps = components(model, unknown, wanted)
        lo, hi = np.full(model.n, np.nan), np.full(model.n, np.nan)
        todo, keys = [], []
        for c in range(comps.count):
            members = comps.members(c)
            key = members.tobytes() + goal_lo[members].tobytes() + goal_hi[members].tobytes()
            cached = self._cache.get(key)
            if cached is None:
                todo.append(c)
                keys.append(key)
            else:
                lo[members], hi[members] = cached
        if todo:
            residual = self.residual(unknown)
            new_lo, new_hi = self._solve(comps, np.asarray(todo), residual, goal_lo, goal_hi)
            for c, key in zip(todo, keys):
                members = comps.members(c)
                lo[members], hi[members] = new_lo[members], new_hi[members]
                self._cache[key] = (new_lo[members], new_hi[members])
        lo[~wanted], hi[~wanted] = np.nan, np.nan
        return lo, hi, comps

    def residual(self, unknown: np.ndarray) -> np.ndarray:
        """Right-hand side of every relation once the published values are moved across."""
        published = np.where(unknown, 0.0, self.model.values)
        return np.concatenate([self.model.eq_rhs, self.model.le_rhs]) - self.stacked @ published

    def _solve(self, comps: Components, todo: np.ndarray, residual: np.ndarray, goal_lo: np.ndarray,
               goal_hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Intervals of the wanted cells of components ``todo``.

        Only one cell per affine class needs LPs (see :func:`_affine_classes`); every other member's
        interval is the image of its root's, and so are its goals.
        """
        model = self.model
        batch = _Batch(self, comps, todo)
        affine = _affine_classes(model, batch, residual)
        cells = batch.cells[~(np.isnan(goal_lo[batch.cells]) & np.isnan(goal_hi[batch.cells]))]
        roots = np.zeros(model.n, dtype=bool)
        roots[affine.root[cells]] = True
        root_min, root_max = affine.root_goals(cells, goal_lo, goal_hi, model.n)
        up_open, down_open = self._unbounded(batch, roots, affine)
        mins, maxs = batch.extremes(model.lower, model.upper, residual, roots & ~down_open, roots & ~up_open,
                                    affine, root_min, root_max, check_feasible=True)
        lo_root = np.where(down_open, -np.inf, mins)
        hi_root = np.where(up_open, np.inf, maxs)
        return affine.image(batch.cells, lo_root, hi_root, model.n)

    def _unbounded(self, batch: _Batch, roots: np.ndarray, affine: _Affine) -> tuple[np.ndarray, np.ndarray]:
        """Which roots can grow (shrink) without limit: those a recession direction moves.

        For a cell with one finite bound every recession direction moves it one way only, so one LP
        over all components finds them all (maximise sum t_j, t_j <= |d_j|, t_j <= 1; the directions
        for different cells can be added without cancelling). Cells with no bound at all need one
        boxed LP per direction, done with the same round machinery.
        """
        model = self.model
        lb_open, ub_open = np.isinf(model.lower), np.isinf(model.upper)
        up_open = np.zeros(model.n, dtype=bool)
        down_open = np.zeros(model.n, dtype=bool)
        one_sided = roots & (lb_open ^ ub_open)
        if one_sided.any():
            comps = batch.subset(one_sided)
            cols, rows = comps.columns(), comps.rows()
            d_lb = np.where(lb_open[cols], -np.inf, 0.0)
            d_ub = np.where(ub_open[cols], np.inf, 0.0)
            t_at = np.flatnonzero(one_sided[cols])
            sign = np.where(ub_open[cols[t_at]], 1.0, -1.0)  # d_j >= t_j going up, -d_j >= t_j going down
            k, m = t_at.size, cols.size
            link = sp.csr_matrix((np.concatenate([-sign, np.ones(k)]),
                                  (np.tile(np.arange(k), 2), np.concatenate([t_at, m + np.arange(k)]))),
                                 shape=(k, m + k))
            a_eq, a_le = comps.matrices(rows)
            a_eq = sp.hstack([a_eq, sp.csr_matrix((a_eq.shape[0], k))], format="csr")
            a_ub = sp.vstack([sp.hstack([a_le, sp.csr_matrix((a_le.shape[0], k))]), link], format="csr")
            x = self.lp(np.concatenate([np.zeros(m), -np.ones(k)]), a_eq, np.zeros(a_eq.shape[0]),
                        a_ub, np.zeros(a_ub.shape[0]), np.concatenate([d_lb, np.zeros(k)]),
                        np.concatenate([d_ub, np.ones(k)]), lambda: "recession cone")
            moved = cols[t_at[x[m:] > 0.5]]
            up_open[moved] = ub_open[moved]
            down_open[moved] = lb_open[moved]
        free = roots & lb_open & ub_open
        if free.any():
            box_lb = np.where(lb_open, -1.0, 0.0)
            box_ub = np.where(ub_open, 1.0, 0.0)
            zero = np.zeros(model.relations.shape[0])
            exact = np.full(model.n, np.nan)
            mins, maxs = batch.subset(free).extremes(box_lb, box_ub, zero, free, free, affine.homogeneous(),
                                                     exact, exact, check_feasible=False)
            up_open |= free & (maxs > DIRECTION_TOL)
            down_open |= free & (mins < -DIRECTION_TOL)
        return up_open, down_open

    def lp(self, c, a_eq, b_eq, a_ub, b_ub, lb, ub, what) -> np.ndarray:
        """One HiGHS call; ``what()`` names the problem if the solver fails.

        HiGHS's presolve is known to call some feasible LPs infeasible (ERGO-Code/HiGHS#1530, #2511),
        and every table here has at least one consistent completion (the true values), so such a
        verdict is checked once more without presolve before anything is concluded from it.
        """
        res = self._linprog(c, a_eq, b_eq, a_ub, b_ub, lb, ub, presolve=True)
        if res.status in (2, 4):
            res = self._linprog(c, a_eq, b_eq, a_ub, b_ub, lb, ub, presolve=False)
        if res.status == 2:
            raise LPInfeasible()
        if res.status != 0:
            raise DisclosureError(f"the LP solver failed on {what()}: {res.message}")
        return res.x

    def _linprog(self, c, a_eq, b_eq, a_ub, b_ub, lb, ub, *, presolve: bool):
        start = time.perf_counter()
        res = linprog(c, A_ub=a_ub if a_ub.shape[0] else None, b_ub=b_ub if a_ub.shape[0] else None,
                      A_eq=a_eq if a_eq.shape[0] else None, b_eq=b_eq if a_eq.shape[0] else None,
                      bounds=np.column_stack([lb, ub]), method="highs", options={"presolve": presolve})
        self.seconds += time.perf_counter() - start
        self.lps += 1
        return res


@dataclass(frozen=True)
class _Affine:
    """``x_j == alpha[j] * x_root[j] + beta[j]`` on every table the attacker cannot rule out."""

    root: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray

    def homogeneous(self) -> _Affine:
        """The same classes on the recession cone (all right-hand sides zero)."""
        return _Affine(self.root, self.alpha, np.zeros_like(self.beta))

    def root_goals(self, cells: np.ndarray, goal_lo: np.ndarray, goal_hi: np.ndarray,
                   n: int) -> tuple[np.ndarray, np.ndarray]:
        """Per root: a minimum at or below ``min`` and a maximum at or above ``max`` meet every goal of
        its members (the strictest member decides). NaN goals count as met."""
        r, a, b = self.root[cells], self.alpha[cells], self.beta[cells]
        lo_goal = np.where(np.isnan(goal_lo[cells]), np.inf, goal_lo[cells])
        hi_goal = np.where(np.isnan(goal_hi[cells]), -np.inf, goal_hi[cells])
        with np.errstate(invalid="ignore"):
            need_min = (np.where(a > 0, lo_goal, hi_goal) - b) / a
            need_max = (np.where(a > 0, hi_goal, lo_goal) - b) / a
        root_min, root_max = np.full(n, np.inf), np.full(n, -np.inf)
        np.minimum.at(root_min, r, need_min)
        np.maximum.at(root_max, r, need_max)
        return root_min, root_max

    def image(self, cells: np.ndarray, lo_root: np.ndarray, hi_root: np.ndarray, n: int):
        """Each cell's interval from its root's (an increasing or decreasing affine image)."""
        lo, hi = np.full(n, np.nan), np.full(n, np.nan)
        r, a, b = self.root[cells], self.alpha[cells], self.beta[cells]
        with np.errstate(invalid="ignore"):
            at_lo = a * np.where(a > 0, lo_root[r], hi_root[r]) + b
            at_hi = a * np.where(a > 0, hi_root[r], lo_root[r]) + b
        lo[cells], hi[cells] = at_lo, at_hi
        return lo, hi


def _affine_classes(model: Model, batch: _Batch, residual: np.ndarray) -> _Affine:
    """Classes of unknown cells tied by equalities with exactly two unknown cells.

    After secondary suppression most relations have exactly two hidden cells (K and M under a
    published T, a cell and its partner in a row of a 2 x 2 pattern), and then one is an affine
    function of the other on every consistent table, so their extremes are images of each other's.
    Chaining such ties (weighted union-find) typically leaves a few roots per component, and only
    roots need LPs. A tie that closes a cycle adds nothing and is skipped (the LP still has it).
    """
    n = model.n
    root, alpha, beta = np.arange(n), np.ones(n), np.zeros(n)
    rows = batch.rows()
    rows = rows[rows < model.eq.shape[0]]
    a_eq = model.eq[rows][:, batch.cells].tocsr()
    pairs = np.flatnonzero(np.diff(a_eq.indptr) == 2)

    def find(i: int) -> tuple[int, float, float]:
        path = []
        while root[i] != i:
            path.append(i)
            i = root[i]
        a, b = 1.0, 0.0  # compose from the top down, compressing the path as we go
        for j in reversed(path):
            a, b = alpha[j] * a, alpha[j] * b + beta[j]
            root[j], alpha[j], beta[j] = i, a, b
        return (i, 1.0, 0.0) if not path else (i, alpha[path[0]], beta[path[0]])

    for k in pairs:
        start = a_eq.indptr[k]
        (u, v), (cu, cv) = batch.cells[a_eq.indices[start:start + 2]], a_eq.data[start:start + 2]
        ru, au, bu = find(int(u))
        rv, av, bv = find(int(v))
        if ru == rv:
            continue
        rhs = residual[rows[k]]
        # cu*(au*x_ru + bu) + cv*(av*x_rv + bv) = rhs  =>  x_rv = alpha*x_ru + beta
        root[rv] = ru
        alpha[rv] = -cu * au / (cv * av)
        beta[rv] = (rhs - cu * bu - cv * bv) / (cv * av)
    for i in batch.cells:
        find(int(i))
    return _Affine(root, alpha, beta)


def _on_bound(x: np.ndarray, bound: np.ndarray) -> np.ndarray:
    finite = np.isfinite(bound)
    safe = np.where(finite, bound, 0.0)
    return finite & (np.abs(x - safe) <= BOUND_TOL * np.maximum(1.0, np.abs(safe)))


class LPInfeasible(Exception):
    """An LP of a batch has no solution: some component contradicts its published neighbours."""


class _Batch:
    """Components solved together. Each LP stacks copies of (some of) them; every copy is independent
    of the others, so one solve yields each copy's own optimum."""

    def __init__(self, solver: IntervalSolver, comps: Components, which: np.ndarray) -> None:
        self.solver, self.comps, self.which = solver, comps, which
        self.cells = np.concatenate([comps.members(c) for c in which]) if which.size else np.zeros(0, int)

    def subset(self, mask: np.ndarray) -> _Batch:
        keep = [c for c in self.which if mask[self.comps.members(c)].any()]
        return _Batch(self.solver, self.comps, np.asarray(keep, dtype=np.int64))

    def columns(self, which: np.ndarray | None = None) -> np.ndarray:
        which = self.which if which is None else which
        return np.concatenate([self.comps.members(c) for c in which]) if len(which) else np.zeros(0, int)

    def rows(self, which: np.ndarray | None = None) -> np.ndarray:
        which = self.which if which is None else which
        return np.flatnonzero(np.isin(self.comps.row_label, which))

    def matrices(self, rows: np.ndarray, which: np.ndarray | None = None) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Equality and inequality rows of these components over their own cells (block diagonal)."""
        model, cols = self.solver.model, self.columns(which)
        n_eq = model.eq.shape[0]
        eq_rows, le_rows = rows[rows < n_eq], rows[rows >= n_eq] - n_eq
        return model.eq[eq_rows][:, cols].tocsr(), model.le[le_rows][:, cols].tocsr()

    def extremes(self, lb: np.ndarray, ub: np.ndarray, residual: np.ndarray, need_min: np.ndarray,
                 need_max: np.ndarray, affine: _Affine, goal_min: np.ndarray, goal_max: np.ndarray, *,
                 check_feasible: bool) -> tuple[np.ndarray, np.ndarray]:
        """min and max of every ``need_min``/``need_max`` root, in rounds of one root per component.

        Each round stacks a minimising copy of every component with a pending minimum and a maximising
        copy of every component with a pending maximum. Any solution is a consistent table, so a cell
        it leaves on an a-priori bound has that bound as its extreme, and so has its root (through the
        affine tie): one LP typically settles many roots' minima at once. A root whose value in some
        solution reaches ``goal_min`` (``goal_max``) is settled with that value: the goal is met, and
        the exact extreme was not asked for.
        """
        n = self.solver.model.n
        mins, maxs = np.full(n, np.nan), np.full(n, np.nan)
        pend_min, pend_max = need_min.copy(), need_max.copy()
        first_round = check_feasible
        while True:
            min_comps, min_targets = self._targets(pend_min)
            max_comps, max_targets = self._targets(pend_max)
            if first_round:  # every component once, so an inconsistent one cannot hide
                min_comps, min_targets = self.which, self._with_default(min_comps, min_targets)
            if not (min_comps.size or max_comps.size):
                return mins, maxs
            parts = [(min_comps, min_targets, 1.0), (max_comps, max_targets, -1.0)]
            x, layout = self._round(parts, lb, ub, residual)
            for (cols, targets, sense), sol in zip(layout, x):
                hit = targets >= 0
                (mins if sense > 0 else maxs)[cols[targets[hit]]] = sol[targets[hit]]
                (pend_min if sense > 0 else pend_max)[cols[targets[hit]]] = False
                for bound, lower in ((lb, True), (ub, False)):
                    on = cols[_on_bound(sol, bound[cols])]
                    r, a = affine.root[on], affine.alpha[on]
                    value = (bound[on] - affine.beta[on]) / a
                    low_end = (a > 0) == lower  # the root's minimum, or (decreasing tie) its maximum
                    settle = low_end & pend_min[r]
                    mins[r[settle]], pend_min[r[settle]] = value[settle], False
                    settle = ~low_end & pend_max[r]
                    maxs[r[settle]], pend_max[r[settle]] = value[settle], False
                for pend, best, goal, sign in ((pend_min, mins, goal_min, 1.0), (pend_max, maxs, goal_max, -1.0)):
                    met = pend[cols] & (sign * (sol - goal[cols]) <= BOUND_TOL * np.maximum(1.0, np.abs(sol)))
                    best[cols[met]], pend[cols[met]] = sol[met], False
            first_round = False

    def _targets(self, pending: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Components with a pending cell and, for each, the position of its first pending cell."""
        comps = self.comps
        sizes = comps.sizes()[self.which]
        cols = self.cells
        if not cols.size:
            return np.zeros(0, int), np.zeros(0, int)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        pos = np.where(pending[cols], np.arange(cols.size), cols.size)
        first = np.minimum.reduceat(pos, starts)
        has = first < cols.size
        return self.which[has], (first - starts)[has]

    def _with_default(self, comps: np.ndarray, targets: np.ndarray) -> np.ndarray:
        full = np.full(self.which.size, -1)
        full[np.searchsorted(self.which, comps)] = targets
        return full

    def _round(self, parts, lb, ub, residual):
        """Stack the copies of one round into one LP and split its solution back per copy."""
        eqs, les, cs, layout = [], [], [], []
        for which, targets, sense in parts:
            if not which.size:
                continue
            rows = self.rows(which)
            a_eq, a_le = self.matrices(rows, which)
            cols = self.columns(which)
            sizes = self.comps.sizes()[which]
            starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
            c = np.zeros(cols.size)
            aim = targets >= 0
            c[(starts + targets)[aim]] = sense
            eqs.append((a_eq, rows[rows < self.solver.model.eq.shape[0]]))
            les.append((a_le, rows[rows >= self.solver.model.eq.shape[0]]))
            cs.append(c)
            offsets = np.where(aim, starts + targets, -1)
            layout.append((cols, offsets, sense))
        a_eq = sp.block_diag([m for m, _ in eqs], format="csr")
        a_le = sp.block_diag([m for m, _ in les], format="csr")
        b_eq = np.concatenate([residual[r] for _, r in eqs])
        b_le = np.concatenate([residual[r] for _, r in les])
        cols_all = np.concatenate([cols for cols, _, _ in layout])
        try:
            x = self.solver.lp(np.concatenate(cs), a_eq, b_eq, a_le, b_le, lb[cols_all], ub[cols_all],
                               lambda: f"{len(parts)} stacked components")
        except LPInfeasible:
            raise self._contradiction(np.concatenate([w for w, _, _ in parts]), lb, ub, residual) from None
        pieces = np.split(x, np.cumsum([cols.size for cols, _, _ in layout])[:-1])
        return pieces, layout

    def _contradiction(self, which: np.ndarray, lb, ub, residual) -> DisclosureError:
        """The error naming a component whose published neighbours admit no table at all."""
        model = self.solver.model
        n_eq = model.eq.shape[0]
        for c in np.unique(which):
            rows = self.rows(np.asarray([c]))
            a_eq, a_le = self.matrices(rows, np.asarray([c]))
            cols = self.columns(np.asarray([c]))
            try:
                self.solver.lp(np.zeros(cols.size), a_eq, residual[rows[rows < n_eq]], a_le,
                               residual[rows[rows >= n_eq]], lb[cols], ub[cols], lambda: "one component")
            except LPInfeasible:
                return DisclosureModelError(
                    "the published values contradict the model: no table fits the relations "
                    + listing([model.describe_relation(int(r)) for r in rows])
                    + " with the unknown cells " + listing([model.keys[j] for j in cols]))
        return DisclosureError("the LP solver called a stacked batch infeasible, yet each component is "
                               "feasible on its own (numerical trouble)")
