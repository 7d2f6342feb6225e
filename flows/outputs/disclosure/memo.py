"""Secondary suppression decided once per part of the model and remembered between builds.

The relations of the model split its cells into *parts* (connected components: an indicator's cells of
one year, with their sex, breakdown and county relations). Secondary suppression never reaches across
parts: every step of it (the exact-relation pass, the audit, the repair LPs) works inside the relations
of the cell it protects, and the LPs that stack several parts are block diagonal. So the pattern of a
part is a function of the part alone: its cells (keys, values, bounds, kinds, costs, flags, in their
order), its relations, its primary cells, the protection rules, and the code that decides.

A build therefore fingerprints every part that holds a primary cell, takes the pattern of each part the
previous build decided with the same fingerprint (``meta.disclosure_memo``, carried over in the build
file), and decides only the other parts, together (in groups, one per worker process, when they are
many). A night that adds one month decides the parts of that year again, not ten years of them. Parts
without a primary cell need nothing: nothing there is hidden.
What is remembered is the choice, never the proof: the whole pattern is audited afresh every build.

The fingerprint covers true values of suppressed cells, so it is a keyed hash (HMAC with the run's
secret key, the one that pseudonymises personal identity numbers): nobody without the key can test a
guessed value against it. Without a key nothing is remembered and every part is decided.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from flows.common.processes import side_by_side
from flows.outputs.disclosure.audit import AuditResult, Protection, audit_with
from flows.outputs.disclosure.intervals import IntervalSolver
from flows.outputs.disclosure.model import FREE, PRIMARY, Model
from flows.outputs.disclosure.secondary import protect
from flows.warehouse.load import replace_table

MEMO_TABLE = "meta.disclosure_memo"
# Below this many cells to decide, a worker process costs more (~1.5 s to start and import SciPy) than
# it saves; a county's full rebuild decides ~10,000 cells in ~12 s, a night's new month ~1,200.
SPLIT_FROM_CELLS = 4000
# The code that decides a pattern: a change to any of these files makes every part new.
_DECIDING_CODE = ("model.py", "secondary.py", "intervals.py", "audit.py", "memo.py")


def code_version() -> bytes:
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in _DECIDING_CODE:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    return digest.digest()


def parts(model: Model, primary: np.ndarray) -> list[np.ndarray]:
    """The connected parts of the model that hold a primary cell, each as its cells in model order;
    the parts in the order of their first cell."""
    relations = model.relations
    graph = sp.bmat([[None, relations.T], [relations, None]], format="csr")
    _, labels = connected_components(graph, directed=False)
    cell_label = labels[:model.n]
    wanted = np.unique(cell_label[primary])
    order = np.argsort(cell_label, kind="stable")
    bounds = np.searchsorted(cell_label[order], wanted, side="left"), np.searchsorted(
        cell_label[order], wanted, side="right")
    found = [order[lo:hi] for lo, hi in zip(*bounds)]
    return sorted(found, key=lambda cells: int(cells[0]))


def fingerprint(part: Model, primary: np.ndarray, protection: Protection, key: bytes, version: bytes) -> str:
    """A keyed hash of everything the pattern of ``part`` depends on."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    mac.update(version)
    mac.update(repr(protection).encode())
    mac.update("\0".join(part.keys).encode())
    for array in (part.values, part.lower, part.upper, part.cost, part.persons_per_unit):
        mac.update(np.ascontiguousarray(array, dtype=np.float64).tobytes())
    for array in (part.missing, part.must_publish, primary):
        mac.update(np.ascontiguousarray(array, dtype=bool).tobytes())
    mac.update("\0".join(part.kind.tolist()).encode())
    for matrix, rhs in ((part.eq, part.eq_rhs), (part.le, part.le_rhs)):
        mac.update(b"|")
        for array in (matrix.indptr, matrix.indices):
            mac.update(np.ascontiguousarray(array, dtype=np.int64).tobytes())
        for array in (matrix.data, rhs):
            mac.update(np.ascontiguousarray(array, dtype=np.float64).tobytes())
    return mac.hexdigest()


@dataclass(frozen=True)
class Remembered:
    """Patterns by part fingerprint: the suppressed cells' keys and statuses (the rest is F)."""

    patterns: dict[str, dict[str, str]]

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection) -> Remembered:
        exists = con.execute("select count(*) from duckdb_tables() where schema_name = 'meta' "
                             "and table_name = 'disclosure_memo'").fetchone()[0]
        if not exists:
            return cls({})
        patterns: dict[str, dict[str, str]] = {}
        for part, cell_key, status in con.execute(f"select part, cell_key, conf_status from {MEMO_TABLE}").fetchall():
            patterns.setdefault(part, {})[cell_key] = status
        return cls(patterns)

    def write(self, con: duckdb.DuckDBPyConnection) -> None:
        """Replace the table with these patterns (the build's parts only: nothing accumulates)."""
        rows = [(part, cell_key, status) for part, cells in sorted(self.patterns.items())
                for cell_key, status in sorted(cells.items())]
        replace_table(con, "meta", "disclosure_memo", pd.DataFrame(rows, columns=["part", "cell_key", "conf_status"]))


@dataclass(frozen=True)
class Plan:
    """Which parts the build takes from the memo and which it decides now."""

    status: np.ndarray  # the remembered parts' statuses, C for every primary cell, F elsewhere
    todo_parts: list[np.ndarray]  # the parts to decide now, each as its cells (model order)
    fingerprints: list[tuple[str, np.ndarray]]  # every part with a primary cell
    parts: int
    remembered: int

    @property
    def todo(self) -> np.ndarray:
        """Cells of the parts to decide now (model order)."""
        return _cells_of(self.todo_parts)


def _cells_of(parts_: list[np.ndarray]) -> np.ndarray:
    return np.sort(np.concatenate(parts_)) if parts_ else np.zeros(0, dtype=np.int64)


def plan(model: Model, primary: np.ndarray, protection: Protection, memo: Remembered,
         key: bytes | None) -> Plan:
    status = np.where(primary, PRIMARY, FREE).astype("<U1")
    every = parts(model, primary)
    if key is None:
        return Plan(status, every, [], len(every), 0)
    version = code_version()
    fingerprints, todo, remembered = [], [], 0
    for cells in every:
        fp = fingerprint(model.part(cells), primary[cells], protection, key, version)
        fingerprints.append((fp, cells))
        pattern = memo.patterns.get(fp)
        if pattern is None:
            todo.append(cells)
            continue
        remembered += 1
        for cell_key, conf in pattern.items():
            status[model.index[cell_key]] = conf
    return Plan(status, todo, fingerprints, len(every), remembered)


def remember(model: Model, plan_: Plan, status: np.ndarray) -> Remembered:
    """The memo of this build: every fingerprinted part with its decided pattern."""
    patterns = {fp: {model.keys[j]: str(status[j]) for j in cells if status[j] != FREE}
                for fp, cells in plan_.fingerprints}
    return Remembered(patterns)


def protect_remembering(model: Model, primary: np.ndarray, protection: Protection, memo: Remembered,
                        key: bytes | None, *, workers: int = 1,
                        split_from_cells: int = SPLIT_FROM_CELLS) -> tuple[np.ndarray, AuditResult, Remembered, Plan]:
    """Secondary suppression of the parts the memo does not know, the remembered patterns of the
    others, and the audit of the whole pattern (raises :class:`DisclosureError` if it fails).

    With ``workers`` > 1 and at least ``split_from_cells`` cells to decide, the parts are decided in
    that many groups at once, one here and the others in worker processes: a part's pattern does not
    depend on the parts decided with it, so the pattern is the same."""
    chosen = plan(model, primary, protection, memo, key)
    status = chosen.status.copy()
    groups = _groups(chosen.todo_parts, workers if chosen.todo.size >= split_from_cells else 1)
    for cells, decided in zip(groups, _protect_groups(model, primary, protection, groups)):
        status[cells] = decided
    result = audit_with(IntervalSolver(model), status, protection)
    result.raise_if_failed()
    return status, result, remember(model, chosen, status), chosen


def _groups(parts_: list[np.ndarray], count: int) -> list[np.ndarray]:
    """The parts in at most ``count`` groups of about the same work, the heaviest group first, each
    group as its cells in model order. A part's work grows faster than its cells (its LPs grow with
    it): measured on the county build, about as cells ** 1.5."""
    bins: list[list[np.ndarray]] = [[] for _ in range(max(1, min(count, len(parts_))))]
    work = [0.0] * len(bins)
    for cells in sorted(parts_, key=len, reverse=True):
        lightest = work.index(min(work))
        bins[lightest].append(cells)
        work[lightest] += len(cells) ** 1.5
    order = sorted(range(len(bins)), key=lambda i: -work[i])
    return [_cells_of(bins[i]) for i in order if bins[i]]


def _protect_groups(model: Model, primary: np.ndarray, protection: Protection,
                    groups: list[np.ndarray]) -> list[np.ndarray]:
    """Each group's statuses: the first group's decided here, the others' in worker processes at the
    same time."""
    return side_by_side([(protect, (model.part(cells), primary[cells], protection)) for cells in groups],
                        len(groups))
