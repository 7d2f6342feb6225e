"""Every table, view and column of the built warehouse has a COMMENT (DESIGN §4): analysts read the
schema from the database itself. DuckDB drops comments on CREATE OR REPLACE, so a file that forgets
its COMMENT ON statements, or comments a column that no longer exists, is caught here."""

from __future__ import annotations

import pytest

from flows.warehouse import sql_runner
from tests.sqlkit import rows
from tests.test_indicators import county_db


@pytest.fixture(scope="module")
def con():
    """The county warehouse of the indicator tests: every sql/ file run, the catalogue loaded."""
    return county_db()


def blank(comment) -> bool:
    return comment is None or not str(comment).strip()


def test_the_build_has_objects_in_every_schema(con):
    schemas = {s for (s,) in rows(con, """select distinct schema_name from duckdb_tables()
                                          union select distinct schema_name from duckdb_views() where not internal""")}
    assert set(sql_runner.SCHEMAS) <= schemas


def test_every_table_has_a_comment(con):
    missing = [f"{s}.{t}" for s, t, c in rows(con, """
        select schema_name, table_name, comment from duckdb_tables()
        where database_name = current_database() and not temporary order by 1, 2""") if blank(c)]
    assert missing == []


def test_every_view_has_a_comment(con):
    missing = [f"{s}.{v}" for s, v, c in rows(con, """
        select schema_name, view_name, comment from duckdb_views()
        where database_name = current_database() and not internal and not temporary order by 1, 2""") if blank(c)]
    assert missing == []


def test_every_column_has_a_comment(con):
    missing = [f"{s}.{t}.{c}" for s, t, c, comment in rows(con, """
        select c.schema_name, c.table_name, c.column_name, c.comment
        from duckdb_columns() as c
        where c.database_name = current_database() and not c.internal
        order by 1, 2, c.column_index""") if blank(comment)]
    assert missing == [], f"{len(missing)} column(s) without a comment: {missing[:20]}"
