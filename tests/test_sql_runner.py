"""The SQL runner (flows/warehouse/sql_runner.py): files run in dependency order, and a missing
dependency fails at once, before anything runs, naming the file and the object."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.datasets import DATASETS
from flows.errors import WarehouseError
from flows.warehouse import sql_runner
from flows.warehouse.raw_tables import raw_table_sql


def write(folder: Path, relative: str, sql: str) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sql, encoding="utf-8")
    return path


def test_comments_and_strings_are_not_dependencies():
    unit = sql_runner.parse_sql("x.sql", """
        -- reads core.not_really (a comment)
        create or replace view core.a as select 'from staging.not_this' as t, * from staging.b;
        comment on view core.a is 'Built from raw.nothing and core.c.';
        comment on column core.a.t is 'text';""")
    assert unit.creates == {"core.a"}
    assert unit.reads == {"staging.b"}


def test_files_run_in_dependency_order_whatever_their_names(tmp_path):
    # a view whose file sorts first reads a view whose file sorts last
    write(tmp_path, "30_core/aaa.sql", "create or replace view core.aaa as select x + 1 as y from core.zzz;")
    write(tmp_path, "30_core/zzz.sql", "create or replace view core.zzz as select 41 as x;")
    con = duckdb.connect()
    ran = sql_runner.run_units(con, sql_runner.load_units(sql_runner.sql_files(tmp_path)))
    assert [Path(u.name).name for u in ran] == ["zzz.sql", "aaa.sql"]
    assert con.execute("select y from core.aaa").fetchone() == (42,)


def test_a_missing_dependency_fails_at_once_naming_the_file_and_the_object(tmp_path):
    write(tmp_path, "30_core/first.sql", "create table core.first as select 1 as x;")
    broken = write(tmp_path, "40_indicators/broken.sql",
                   "create or replace view indicators.broken as select * from core.enterprisez;")
    con = duckdb.connect()
    with pytest.raises(WarehouseError) as raised:
        sql_runner.run_units(con, sql_runner.load_units(sql_runner.sql_files(tmp_path)))
    message = str(raised.value)
    assert str(broken) in message and "core.enterprisez" in message
    # nothing ran: the order is checked before the first statement executes
    assert con.execute("select count(*) from duckdb_tables() where table_name = 'first'").fetchone() == (0,)


def test_a_cycle_is_refused_naming_the_files(tmp_path):
    write(tmp_path, "30_core/a.sql", "create or replace view core.a as select * from core.b;")
    write(tmp_path, "30_core/b.sql", "create or replace view core.b as select * from core.a;")
    with pytest.raises(WarehouseError, match="cycle") as raised:
        sql_runner.run_units(duckdb.connect(), sql_runner.load_units(sql_runner.sql_files(tmp_path)))
    assert "a.sql" in str(raised.value) and "b.sql" in str(raised.value)


def test_two_files_creating_one_object_are_refused(tmp_path):
    write(tmp_path, "30_core/a.sql", "create or replace view core.same as select 1 as x;")
    write(tmp_path, "30_core/b.sql", "create or replace view core.same as select 2 as x;")
    with pytest.raises(WarehouseError, match="both create core.same"):
        sql_runner.run_units(duckdb.connect(), sql_runner.load_units(sql_runner.sql_files(tmp_path)))


def test_the_shipped_sql_has_no_missing_dependency_and_no_cycle():
    units = sql_runner.table_units() + sql_runner.load_units(
        [p for p in sql_runner.sql_files() if p.parent.name not in sql_runner.TABLE_LAYERS])
    ordered = sql_runner.dependency_order(units, existing=set())
    assert len(ordered) == len(units)


def test_raw_tables_are_made_from_the_contracts():
    """One definition: every contract column is a raw column with the contract's type, and a
    column added to a contract is added to an older raw table."""
    con = duckdb.connect()
    sql_runner.create_tables(con)
    for name, dataset in DATASETS.items():
        columns = con.execute("select column_name, data_type, comment from duckdb_columns() "
                              "where schema_name = 'raw' and table_name = ?", [name]).fetchall()
        by_name = {c: (t, comment) for c, t, comment in columns}
        for column in dataset.columns:
            kind, comment = by_name[column.name]
            assert kind == column.type, (name, column.name)
            assert comment and comment.rstrip(".") == column.description.rstrip("."), (name, column.name)
    # an older warehouse whose raw table lacks a column gets it
    con.execute("alter table raw.grants drop column grant_type")
    sql_runner.create_tables(con)
    assert ("grant_type",) in con.execute("select column_name from duckdb_columns() where schema_name = 'raw' "
                                          "and table_name = 'grants'").fetchall()
    assert "add column if not exists" in raw_table_sql(DATASETS["grants"])
