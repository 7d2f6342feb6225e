"""Disclosure control remembers the pattern of each unchanged part of the model (issue 17).

A part's pattern must be the same whether it is decided alone, with other parts, or taken from the
build before; a changed value makes its part new; the memo is keyed and holds no values.
"""

from __future__ import annotations

import numpy as np
import pytest

from flows.common import processes
from flows.outputs.disclosure import control, memo
from flows.outputs.disclosure.engine import (
    DisclosureModelError,
    ModelBuilder,
    Protection,
    protect,
)
from tests.sqlkit import rows
from tests.test_disclosure import con as disclosure_con  # noqa: F401 - the module's built warehouse

KEY = b"test-key"


def tables_model(values: dict[str, list[list[float]]]):
    """Independent two-way tables (rows x columns with row, column and grand totals), one per name,
    plus a lone total with no small cell: several parts, one without a primary cell."""
    builder = ModelBuilder()
    for name, grid in values.items():
        for i, row in enumerate(grid):
            for j, value in enumerate(row):
                builder.add_cell(f"{name}|r{i}c{j}", value, kind="persons")
        for i, row in enumerate(grid):
            builder.add_cell(f"{name}|r{i}T", sum(row), kind="persons")
            builder.add_sum(f"{name}|r{i}T", [f"{name}|r{i}c{j}" for j in range(len(row))])
        for j in range(len(grid[0])):
            builder.add_cell(f"{name}|Tc{j}", sum(r[j] for r in grid), kind="persons")
            builder.add_sum(f"{name}|Tc{j}", [f"{name}|r{i}c{j}" for i in range(len(grid))])
        builder.add_cell(f"{name}|TT", sum(map(sum, grid)), kind="persons")
        builder.add_sum(f"{name}|TT", [f"{name}|r{i}T" for i in range(len(grid))])
    builder.add_cell("lone|T", 40, kind="persons")
    builder.add_cell("lone|K", 20, kind="persons")
    builder.add_cell("lone|M", 20, kind="persons")
    builder.add_sum("lone|T", ["lone|K", "lone|M"])
    return builder.build()


GRIDS = {"a": [[2, 9, 12], [8, 11, 3], [10, 14, 9]],
         "b": [[30, 1, 12], [8, 11, 13], [10, 14, 9]],
         "c": [[6, 7, 8], [9, 3, 12], [15, 11, 2]]}


def small(model) -> np.ndarray:
    return np.array([0 < v < 5 for v in model.values])


def test_parts_hold_the_primary_cells_and_skip_the_rest():
    model = tables_model(GRIDS)
    found = memo.parts(model, small(model))
    assert [sorted({model.keys[j].split("|")[0] for j in cells}) for cells in found] == [["a"], ["b"], ["c"]]
    with pytest.raises(DisclosureModelError, match="every cell its relations touch"):
        model.part(np.array([model.index["a|r0c0"], model.index["a|r0T"]]))


def test_a_part_gets_the_same_pattern_alone_together_or_remembered():
    model = tables_model(GRIDS)
    primary, protection = small(model), Protection()
    whole = protect(model, primary, protection)
    assert (whole == "D").sum() >= 6  # each table needs a secondary pattern of its own

    fresh = memo.protect_remembering(model, primary, protection, memo.Remembered({}), KEY)
    assert np.array_equal(fresh[0], whole) and fresh[3].parts == 3 and fresh[3].remembered == 0
    for keep in range(3):  # one part from the memo, two decided together
        partial = memo.Remembered({fp: cells for i, (fp, cells) in enumerate(fresh[2].patterns.items()) if i == keep})
        status, result, again, plan = memo.protect_remembering(model, primary, protection, partial, KEY)
        assert np.array_equal(status, whole) and plan.remembered == 1 and result.passed
        assert again.patterns == fresh[2].patterns


def test_parts_decided_in_two_processes_get_the_same_pattern(monkeypatch):
    model = tables_model(GRIDS)
    primary, protection = small(model), Protection()
    together = memo.protect_remembering(model, primary, protection, memo.Remembered({}), KEY)
    submitted = []

    class CountingPool(processes.ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):
            submitted.append(args[0].n)  # the part model sent to the worker: its cells
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(processes, "ProcessPoolExecutor", CountingPool)
    split = memo.protect_remembering(model, primary, protection, memo.Remembered({}), KEY,
                                     workers=2, split_from_cells=0)
    assert len(submitted) == 1 and 0 < submitted[0] < model.n  # one group went to a worker process
    assert np.array_equal(split[0], together[0]) and split[1].passed
    assert split[2].patterns == together[2].patterns
    # below the threshold, or with one worker, nothing is sent anywhere
    memo.protect_remembering(model, primary, protection, memo.Remembered({}), KEY, workers=2)
    memo.protect_remembering(model, primary, protection, memo.Remembered({}), KEY, workers=1, split_from_cells=0)
    assert len(submitted) == 1


def test_groups_share_the_work_and_keep_every_part_once():
    parts = [np.arange(start, start + size) for start, size in ((0, 100), (100, 10), (110, 60), (170, 50), (220, 5))]
    groups = memo._groups(parts, 2)
    assert len(groups) == 2 and np.array_equal(np.sort(np.concatenate(groups)), np.arange(225))
    assert all(np.all(np.diff(g) > 0) for g in groups)  # model order inside a group
    assert 0 in groups[0] and 110 in groups[1]  # the two largest parts apart, the heaviest group first
    assert [len(g) for g in memo._groups(parts, 1)] == [225] and len(memo._groups(parts[:1], 4)) == 1


def test_a_changed_value_makes_its_part_new_and_leaves_the_others_remembered():
    model = tables_model(GRIDS)
    protection = Protection()
    first = memo.protect_remembering(model, small(model), protection, memo.Remembered({}), KEY)
    changed = {**GRIDS, "b": [[30, 2, 12], [8, 11, 13], [10, 14, 9]]}  # one small count moves
    model2 = tables_model(changed)
    status, result, _, plan = memo.protect_remembering(model2, small(model2), protection, first[2], KEY)
    assert plan.parts == 3 and plan.remembered == 2
    assert np.array_equal(status, protect(model2, small(model2), protection)) and result.passed


def test_the_fingerprint_is_keyed_and_nothing_is_remembered_without_a_key():
    model = tables_model(GRIDS)
    primary, protection = small(model), Protection()
    cells = memo.parts(model, primary)[0]
    part, version = model.part(cells), memo.code_version()
    assert memo.fingerprint(part, primary[cells], protection, KEY, version) != memo.fingerprint(
        part, primary[cells], protection, b"another key", version)
    assert memo.fingerprint(part, primary[cells], protection, KEY, version) != memo.fingerprint(
        part, primary[cells], Protection(min_persons=3), KEY, version)
    first = memo.protect_remembering(model, primary, protection, memo.Remembered({}), None)
    assert first[2].patterns == {} and first[3].parts == 3
    second = memo.protect_remembering(model, primary, protection, first[2], None)
    assert second[3].remembered == 0 and np.array_equal(second[0], first[0])


def test_a_second_build_takes_every_unchanged_part_from_the_memo(disclosure_con):  # noqa: F811
    con = disclosure_con.cursor()
    first = control.disclose(con, "run-1", KEY)
    assert first.parts > 0 and first.parts_remembered == 0
    held = rows(con, "select count(distinct part), count(*) from meta.disclosure_memo")
    assert held[0][0] == first.parts and held[0][1] == int((first.status != "F").sum())
    assert [c for (c,) in rows(con, "select column_name from duckdb_columns() where table_name = "
                                    "'disclosure_memo' order by column_index")] == ["part", "cell_key", "conf_status"]
    pattern = rows(con, "select * from indicators.cell_status order by all")
    second = control.disclose(con, "run-2", KEY)
    assert second.parts_remembered == second.parts == first.parts
    assert np.array_equal(second.status, first.status) and second.result.passed
    assert rows(con, "select * from indicators.cell_status order by all") == pattern
    control.disclose(con, "run-3")  # no key: decided afresh, nothing remembered
    assert rows(con, "select count(*) from meta.disclosure_memo") == [(0,)]
    assert rows(con, "select * from indicators.cell_status order by all") == pattern
