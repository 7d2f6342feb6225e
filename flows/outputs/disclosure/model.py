"""What an outsider knows about the published tables: cells, a-priori bounds and linear relations.

Everything socek publishes is modelled once per run as cells (one per published or suppressed figure)
and the linear relations between them that anyone can derive from the tables' structure (T = K + M,
parts = total, county = sum of municipalities, shares over a public denominator, ...). The attacker in
:mod:`flows.outputs.disclosure.audit` knows exactly this model plus every published value, so anything
left out of the model is knowledge we assume the attacker lacks. Relations are therefore checked
against the true values when the model is built: a relation that does not hold would let the audit
reason about a table that was never published, which is a bug in the caller, not a disclosure risk.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from flows.errors import SocekError

KINDS = ("persons", "money", "other")
FREE, PRIMARY, SECONDARY = "F", "C", "D"
STATUSES = (FREE, PRIMARY, SECONDARY)

# A relation holds for the true values if |a.x - b| <= ABS_TOL + REL_TOL * (sum |a_i x_i| + |b|).
ABS_TOL = 1e-6
REL_TOL = 1e-9
# How many offending relations or cells an error message lists before "and N more".
MESSAGE_ITEMS = 5


class DisclosureError(SocekError):
    """A suppression pattern would disclose a protected cell, or no pattern can protect it."""


class DisclosureModelError(DisclosureError):
    """The disclosure model or a status vector contradicts itself (a caller bug: nothing is published)."""


def listing(items: Sequence[str]) -> str:
    """Join the first few items for an error message, saying how many more there are."""
    shown = "; ".join(items[:MESSAGE_ITEMS])
    return shown if len(items) <= MESSAGE_ITEMS else f"{shown}; and {len(items) - MESSAGE_ITEMS} more"


def _default_lower(kind: str) -> float:
    # Person counts and gross money cannot be negative; anything else (net money, rates) is unbounded
    # unless the caller knows better.
    return 0.0 if kind in ("persons", "money") else -math.inf


@dataclass
class _Relation:
    coefs: dict[int, float]
    rhs: float
    name: str


@dataclass(frozen=True, eq=False)
class Model:
    """The published tables as an outsider sees them. Built by :class:`ModelBuilder`; never mutated.

    Arrays are indexed by cell (0..n-1, in the order cells were added). ``eq`` holds the equalities
    ``eq @ x == eq_rhs`` and ``le`` the inequalities ``le @ x <= le_rhs``, both as CSR matrices.
    ``missing`` cells are neither published nor suppressed (obs_status L or M): their value is unknown
    to the attacker and possibly to us (NaN). ``must_publish`` cells are public documents that secondary
    suppression may never choose. ``persons_per_unit`` says how many persons one unit of a "persons"
    cell is: 1 for a count, base/100 for a share in % of a base of persons (1 for other kinds).
    """

    keys: tuple[str, ...]
    values: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    kind: np.ndarray
    cost: np.ndarray
    missing: np.ndarray
    must_publish: np.ndarray
    persons_per_unit: np.ndarray
    eq: sp.csr_matrix
    eq_rhs: np.ndarray
    eq_names: tuple[str, ...]
    le: sp.csr_matrix
    le_rhs: np.ndarray
    le_names: tuple[str, ...]
    index: Mapping[str, int] = field(repr=False)

    @property
    def n(self) -> int:
        return len(self.keys)

    @cached_property
    def key_rank(self) -> np.ndarray:
        """Each cell's position in key order: every tie is broken by key, so patterns do not depend on
        the order in which the caller happened to add cells."""
        rank = np.empty(self.n, dtype=np.int64)
        rank[np.argsort(np.asarray(self.keys, dtype=object), kind="stable")] = np.arange(self.n)
        return rank

    @cached_property
    def relations(self) -> sp.csr_matrix:
        """Which cells each relation touches (equalities first, then inequalities), as a 0/1 matrix."""
        both = sp.vstack([self.eq, self.le], format="csr")
        both.data = np.ones_like(both.data)
        return both

    @cached_property
    def relations_of_cell(self) -> sp.csc_matrix:
        """:attr:`relations` by column: the relations each cell is in."""
        return self.relations.tocsc()

    def cells(self, keys: Iterable[str]) -> np.ndarray:
        """Indices of the given keys (raises naming the first unknown key)."""
        try:
            return np.fromiter((self.index[k] for k in keys), dtype=np.int64)
        except KeyError as exc:
            raise DisclosureModelError(f"no cell with key {exc.args[0]!r} in the disclosure model") from None

    def part(self, cells: np.ndarray) -> Model:
        """The model restricted to ``cells`` (kept in their order here) and the relations among them.

        ``cells`` must be closed under the relations (a union of connected parts): a relation that
        reaches outside would lose terms, so it is refused."""
        cells = np.sort(np.asarray(cells, dtype=np.int64))
        inside = np.zeros(self.n, dtype=bool)
        inside[cells] = True
        touched = np.unique(self.relations_of_cell[:, cells].indices)
        n_eq = self.eq.shape[0]
        restricted = []
        for matrix, rhs, names, rows in ((self.eq, self.eq_rhs, self.eq_names, touched[touched < n_eq]),
                                         (self.le, self.le_rhs, self.le_names, touched[touched >= n_eq] - n_eq)):
            whole = matrix[rows]
            if not inside[whole.indices].all():
                raise DisclosureModelError("a part of the disclosure model must hold every cell its relations touch")
            restricted.append((whole[:, cells].tocsr(), rhs[rows], tuple(names[r] for r in rows)))
        (eq, eq_rhs, eq_names), (le, le_rhs, le_names) = restricted
        keys = tuple(self.keys[j] for j in cells)
        return Model(keys=keys, values=self.values[cells], lower=self.lower[cells], upper=self.upper[cells],
                     kind=self.kind[cells], cost=self.cost[cells], missing=self.missing[cells],
                     must_publish=self.must_publish[cells], persons_per_unit=self.persons_per_unit[cells],
                     eq=eq, eq_rhs=eq_rhs, eq_names=eq_names, le=le, le_rhs=le_rhs, le_names=le_names,
                     index={k: i for i, k in enumerate(keys)})

    def relation_name(self, row: int) -> str:
        """Name of a row of :attr:`relations` (equalities first, then inequalities)."""
        n_eq = self.eq.shape[0]
        return self.eq_names[row] if row < n_eq else self.le_names[row - n_eq]

    def describe_relation(self, row: int) -> str:
        """The relation in readable form with the true values, for error messages."""
        n_eq = self.eq.shape[0]
        matrix, rhs, sense, r = (self.eq, self.eq_rhs, "=", row) if row < n_eq else \
            (self.le, self.le_rhs, "<=", row - n_eq)
        start, end = matrix.indptr[r], matrix.indptr[r + 1]
        terms = " ".join(f"{coef:+g}*{self.keys[j]}[{self.values[j]:g}]"
                         for j, coef in zip(matrix.indices[start:end], matrix.data[start:end]))
        return f"'{self.relation_name(row)}': {terms} {sense} {rhs[r]:g}"


class ModelBuilder:
    """Collects cells and relations, then :meth:`build` validates them into a :class:`Model`.

    Relations are given over cell keys, so the caller can describe tables in their own vocabulary
    (``{"SE14|1814|2019|T": 1, "SE14|1814|2019|K": -1, ...}``) and errors name the cells it knows.
    """

    def __init__(self) -> None:
        self._keys: list[str] = []
        self._index: dict[str, int] = {}
        self._values: list[float] = []
        self._lower: list[float] = []
        self._upper: list[float] = []
        self._kind: list[str] = []
        self._cost: list[float] = []
        self._missing: list[bool] = []
        self._must_publish: list[bool] = []
        self._persons_per_unit: list[float] = []
        self._eq: list[_Relation] = []
        self._le: list[_Relation] = []

    def add_cell(self, key: str, value: float, *, kind: str = "other", lower: float | None = None,
                 upper: float | None = None, cost: float | None = None, missing: bool = False,
                 must_publish: bool = False, persons_per_unit: float = 1.0) -> int:
        """Add a cell and return its index.

        ``lower``/``upper`` are what an outsider knows without the table (default: 0 for persons and
        money, -inf otherwise; +inf above). Pass ``lower=-math.inf`` for net money. ``cost`` is the
        information lost if the cell is suppressed (default: its absolute value, so that small cells
        are chosen first). A ``missing`` cell may have value NaN. ``persons_per_unit`` (persons cells
        only) turns the cell's unit into persons: base/100 for a share in % of a base of persons, so
        its protection interval and whole-person rounding are those of the persons behind it.
        """
        if not isinstance(key, str) or not key:
            raise DisclosureModelError(f"a cell key must be a non-empty string, got {key!r}")
        if key in self._index:
            raise DisclosureModelError(f"cell {key!r} was added twice")
        if kind not in KINDS:
            raise DisclosureModelError(f"cell {key!r} has kind {kind!r}; expected one of {', '.join(KINDS)}")
        value = float(value)
        lo = _default_lower(kind) if lower is None else float(lower)
        hi = math.inf if upper is None else float(upper)
        if not (lo < math.inf and hi > -math.inf and lo <= hi):
            raise DisclosureModelError(f"cell {key!r} has empty a-priori bounds [{lo:g}, {hi:g}]")
        if not (math.isfinite(persons_per_unit) and persons_per_unit > 0):
            raise DisclosureModelError(f"cell {key!r} has persons_per_unit {persons_per_unit!r}; expected > 0")
        if persons_per_unit != 1.0 and kind != "persons":
            raise DisclosureModelError(f"cell {key!r}: only persons cells have a persons_per_unit")
        if missing and must_publish:
            raise DisclosureModelError(f"cell {key!r} is missing, so it cannot be a must-publish cell")
        if not missing:
            if not math.isfinite(value):
                raise DisclosureModelError(f"cell {key!r} has value {value!r}; only missing cells may be unknown")
            slack = ABS_TOL + REL_TOL * abs(value)
            if value < lo - slack or value > hi + slack:
                raise DisclosureModelError(
                    f"cell {key!r} has value {value:g} outside its a-priori bounds [{lo:g}, {hi:g}]")
        if cost is None:
            cost = abs(value) if math.isfinite(value) else 0.0
        if not (math.isfinite(cost) and cost >= 0):
            raise DisclosureModelError(f"cell {key!r} has cost {cost!r}; costs are finite and >= 0")
        index = len(self._keys)
        self._keys.append(key)
        self._index[key] = index
        self._values.append(value)
        self._lower.append(lo)
        self._upper.append(hi)
        self._kind.append(kind)
        self._cost.append(float(cost))
        self._missing.append(bool(missing))
        self._must_publish.append(bool(must_publish))
        self._persons_per_unit.append(float(persons_per_unit))
        return index

    def add_equality(self, coefs: Mapping[str, float], rhs: float = 0.0, *, name: str | None = None,
                     slack: float = 0.0) -> None:
        """Add ``sum(coef * cell) == rhs``. With ``slack > 0`` the relation only holds within ±slack
        (two inequalities), for published figures that are rounded."""
        if slack < 0 or not math.isfinite(slack):
            raise DisclosureModelError(f"relation {name!r} has slack {slack!r}; expected a finite value >= 0")
        if slack == 0:
            self._eq.append(self._relation(coefs, rhs, name, len(self._eq), "equality"))
            return
        label = name or f"equality {len(self._eq) + len(self._le)}"
        self.add_inequality(coefs, rhs + slack, name=f"{label} (upper)")
        self.add_inequality({k: -v for k, v in coefs.items()}, -rhs + slack, name=f"{label} (lower)")

    def add_inequality(self, coefs: Mapping[str, float], rhs: float = 0.0, *, name: str | None = None) -> None:
        """Add ``sum(coef * cell) <= rhs`` (e.g. a municipality's distinct count <= the county's)."""
        self._le.append(self._relation(coefs, rhs, name, len(self._le), "inequality"))

    def add_sum(self, total: str, parts: Iterable[str], *, name: str | None = None) -> None:
        """Add ``sum(parts) == total``: an exhaustive breakdown, a sex pair or a county total."""
        parts = list(parts)
        coefs: dict[str, float] = {}
        for part in parts:
            coefs[part] = coefs.get(part, 0.0) + 1.0
        coefs[total] = coefs.get(total, 0.0) - 1.0
        self.add_equality(coefs, 0.0, name=name or f"{total} = {' + '.join(parts)}")

    def _relation(self, coefs: Mapping[str, float], rhs: float, name: str | None, number: int,
                  what: str) -> _Relation:
        name = name or f"{what} {number}"
        merged: dict[int, float] = {}
        for key, coef in coefs.items():
            if key not in self._index:
                raise DisclosureModelError(f"relation {name!r} names {key!r}, which is not a cell of the model")
            coef = float(coef)
            if not math.isfinite(coef):
                raise DisclosureModelError(f"relation {name!r} has coefficient {coef!r} for {key!r}")
            merged[self._index[key]] = merged.get(self._index[key], 0.0) + coef
        merged = {j: c for j, c in merged.items() if c != 0.0}
        rhs = float(rhs)
        if not merged or not math.isfinite(rhs):
            raise DisclosureModelError(f"relation {name!r} has no cells or a non-finite right-hand side")
        return _Relation(merged, rhs, name)

    def build(self) -> Model:
        """Freeze into a :class:`Model`, refusing relations the true values do not satisfy."""
        n = len(self._keys)
        eq, eq_rhs = _matrix(self._eq, n)
        le, le_rhs = _matrix(self._le, n)
        model = Model(
            keys=tuple(self._keys), values=np.asarray(self._values, dtype=float),
            lower=np.asarray(self._lower, dtype=float), upper=np.asarray(self._upper, dtype=float),
            kind=np.asarray(self._kind, dtype="<U7"), cost=np.asarray(self._cost, dtype=float),
            missing=np.asarray(self._missing, dtype=bool), must_publish=np.asarray(self._must_publish, dtype=bool),
            persons_per_unit=np.asarray(self._persons_per_unit, dtype=float),
            eq=eq, eq_rhs=eq_rhs, eq_names=tuple(r.name for r in self._eq),
            le=le, le_rhs=le_rhs, le_names=tuple(r.name for r in self._le), index=dict(self._index))
        for array in (model.values, model.lower, model.upper, model.kind, model.cost, model.missing,
                      model.must_publish, model.persons_per_unit, model.eq_rhs, model.le_rhs):
            array.flags.writeable = False
        _check_true_values(model)
        return model


def _matrix(relations: list[_Relation], n: int) -> tuple[sp.csr_matrix, np.ndarray]:
    rows = np.repeat(np.arange(len(relations)), [len(r.coefs) for r in relations])
    cols = np.fromiter((j for r in relations for j in r.coefs), dtype=np.int64, count=len(rows))
    data = np.fromiter((c for r in relations for c in r.coefs.values()), dtype=float, count=len(rows))
    matrix = sp.csr_matrix((data, (rows, cols)), shape=(len(relations), n))
    matrix.sort_indices()
    return matrix, np.asarray([r.rhs for r in relations], dtype=float)


def _check_true_values(model: Model) -> None:
    """Raise naming every relation the true values violate (relations over unknown missing values are
    skipped: nothing can be checked there)."""
    known = np.where(np.isnan(model.values), 0.0, model.values)
    unknown = np.isnan(model.values).astype(float)
    bad: list[str] = []
    offset = 0
    for matrix, rhs, is_eq in ((model.eq, model.eq_rhs, True), (model.le, model.le_rhs, False)):
        residual = matrix @ known - rhs
        scale = abs(matrix) @ np.abs(known) + np.abs(rhs)
        checkable = (abs(matrix) @ unknown) == 0
        tol = ABS_TOL + REL_TOL * scale
        violated = (np.abs(residual) > tol) if is_eq else (residual > tol)
        for row in np.flatnonzero(violated & checkable):
            bad.append(f"{model.describe_relation(offset + int(row))} (residual {residual[row]:+g})")
        offset += matrix.shape[0]
    if bad:
        raise DisclosureModelError(
            f"{len(bad)} relation(s) of the disclosure model do not hold for the true values: {listing(bad)}")


def status_vector(model: Model, status: Sequence[str] | np.ndarray) -> np.ndarray:
    """Check a CONF_STATUS vector against the model and return it as a numpy array of F/C/D.

    Missing cells must be F: they are not suppressed (nothing is there to hide), and the audit treats
    them as unknown whatever their status says. Must-publish cells must be F too.
    """
    array = np.asarray(status, dtype="<U1")
    if array.shape != (model.n,):
        raise DisclosureModelError(f"status has shape {array.shape}; the model has {model.n} cells")
    invalid = ~np.isin(array, STATUSES)
    hidden = array != FREE
    for mask, problem in ((invalid, "has a status other than F, C or D"),
                          (hidden & model.missing, "is missing (obs_status L/M) yet marked suppressed"),
                          (hidden & model.must_publish, "must stay published yet is marked suppressed")):
        if mask.any():
            cells = [f"{model.keys[j]} ({array[j]!r})" for j in np.flatnonzero(mask)]
            raise DisclosureModelError(f"{len(cells)} cell(s) {problem}: {listing(cells)}")
    return array


def primary_status(model: Model, primary: Iterable[int] | np.ndarray) -> np.ndarray:
    """The status vector with the primary cells C and everything else F.

    ``primary`` is either cell indices (any iterable of ints) or a boolean mask over all cells; a list
    of booleans is taken as a mask, never as the indices 0 and 1.
    """
    chosen = np.asarray(primary if isinstance(primary, np.ndarray) else list(primary))
    if chosen.dtype == bool:
        if chosen.shape != (model.n,):
            raise DisclosureModelError(f"primary mask has shape {chosen.shape}; the model has {model.n} cells")
        chosen = np.flatnonzero(chosen)
    elif chosen.size and not np.issubdtype(chosen.dtype, np.integer):
        raise DisclosureModelError(f"primary cells must be indices or a boolean mask, got dtype {chosen.dtype}")
    chosen = chosen.astype(np.int64).ravel()
    if chosen.size and (chosen.min() < 0 or chosen.max() >= model.n):
        raise DisclosureModelError(f"primary cell index out of range 0..{model.n - 1}")
    status = np.full(model.n, FREE, dtype="<U1")
    status[chosen] = PRIMARY
    return status_vector(model, status)
