"""Checks a build must pass before it is published: nothing lost, every view selectable."""

from __future__ import annotations

import duckdb

from flows.datasets import DATASETS
from flows.errors import AccountingError, WarehouseError
from flows.warehouse.sqlsafe import qualified


def check_accounting(con: duckdb.DuckDBPyConnection) -> None:
    """Fail loudly if any file lost rows: rows_read must equal rows_loaded + rows_quarantined,
    and each count must match what raw.* and meta.quarantine actually hold."""
    bad = con.execute("""
        select path, rows_read, rows_loaded, rows_quarantined from meta.files
        where rows_read != rows_loaded + rows_quarantined order by path""").fetchall()
    if bad:
        lines = "; ".join(f"{p}: read {r}, loaded {l}, quarantined {q}" for p, r, l, q in bad)
        raise AccountingError(f"rows were lost: {lines}")
    loaded_parts = " union all ".join(
        f"select _file_id, count(*) as n from {qualified('raw', name)} group by 1" for name in DATASETS)
    mismatched = con.execute(f"""
        with loaded as ({loaded_parts}),
        quarantined as (
            select file_id, count(distinct coalesce(row_number, -1)) as n from meta.quarantine group by 1
        )
        select f.path, f.rows_loaded, coalesce(l.n, 0), f.rows_quarantined, coalesce(q.n, 0)
        from meta.files as f
        left join loaded as l on l._file_id = f.file_id
        left join quarantined as q on q.file_id = f.file_id
        where f.status = 'loaded'
          and (f.rows_loaded != coalesce(l.n, 0) or f.rows_quarantined != coalesce(q.n, 0))
        order by f.path""").fetchall()
    if mismatched:
        lines = "; ".join(f"{p}: meta says loaded {a}/quarantined {c}, tables hold {b}/{d}"
                          for p, a, b, c, d in mismatched)
        raise AccountingError(f"meta.files disagrees with the loaded rows: {lines}")


def check_views(con: duckdb.DuckDBPyConnection) -> int:
    """Select from every view (DuckDB re-checks dependents only when queried). Returns the count."""
    views = con.execute(
        "select schema_name, view_name from duckdb_views() where not internal order by 1, 2").fetchall()
    for schema, view in views:
        try:
            con.execute(f"select * from {qualified(schema, view)} limit 0").fetchall()
        except duckdb.Error as exc:
            raise WarehouseError(f"view {schema}.{view} cannot be selected: {exc}") from None
    return len(views)
