"""Load one run's rows and records into the build database.

The validated rows of the inbox arrive as Parquet partitions (written by ``flows.intake``); file
records, quarantine rows and validation results as small frames. Supersession marks older deliveries
that a newer one replaces; external tables (Kolada, SCB, bulk registers) are replaced whole.
"""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pandas as pd

from flows.errors import WarehouseError
from flows.intake.deliveries import FileRecord, LoadBatch
from flows.warehouse.raw_tables import LINEAGE_COLUMNS, raw_columns
from flows.warehouse.sqlsafe import ident, qualified


def insert_raw(con: duckdb.DuckDBPyConnection, batch: LoadBatch, run_id: str, loaded_at: datetime) -> int:
    """Insert the batch's validated rows into ``raw.<dataset>``, casting text to the contract's types.

    DuckDB streams the Parquet partitions (no pandas copy) and casts in SQL, which keeps decimals
    exact. The rows already passed the type rules, so a cast failure means a bug and fails the run
    rather than losing rows; a partition lacking a contract column fails it too (the reader and the
    contract must agree, never a silent NULL).
    """
    if not batch.partitions:
        return 0
    columns = [(name, kind) for name, kind, _ in raw_columns(batch.dataset) if name not in LINEAGE_COLUMNS]
    for partition in batch.partitions:
        present = {name for name, in con.execute("select name from parquet_schema(?)", [partition]).fetchall()}
        missing = [name for name, _ in columns if name not in present]
        if missing:
            raise WarehouseError(f"{partition}: validated rows of {batch.dataset.name} lack the contract column(s) "
                                 f"{missing}; the reader and flows/datasets.py disagree")
    selects = [f"cast(lower(p.{ident(name)}) = 'true' as boolean)" if kind == "BOOLEAN"
               else f"cast(p.{ident(name)} as {kind})" for name, kind in columns]
    names = [name for name, _ in columns] + list(LINEAGE_COLUMNS)
    selects += ["p._file_id", "l._source_file", "l._sha256", "cast(p._row_number as bigint)",
                "cast(? as varchar)", "cast(? as timestamp)"]
    lineage = pd.DataFrame({"_file_id": [f.file_id for f in batch.files], "_source_file": [f.path for f in batch.files],
                            "_sha256": [f.sha256 for f in batch.files]})
    table = qualified("raw", batch.dataset.name)
    con.register("_lineage", lineage)
    try:
        before = con.execute(f"select count(*) from {table}").fetchall()[0][0]
        con.execute(f"insert into {table} ({', '.join(ident(n) for n in names)}) "
                    f"select {', '.join(selects)} from read_parquet(?, union_by_name = true) as p "
                    f"join _lineage as l on l._file_id = p._file_id",
                    [run_id, pd.Timestamp(loaded_at).to_pydatetime(), list(batch.partitions)]).fetchall()
        after = con.execute(f"select count(*) from {table}").fetchall()[0][0]
    finally:
        con.unregister("_lineage")
    return after - before


def insert_file_records(con: duckdb.DuckDBPyConnection, files: list[FileRecord], run_id: str) -> None:
    if not files:
        return
    rows = pd.DataFrame([{
        "file_id": f.file_id, "path": f.path, "sha256": f.sha256, "dataset": f.dataset,
        "municipality_code": f.municipality_code, "profile": f.profile,
        "period_start": f.period_start, "period_end": f.period_end,
        "rows_read": f.rows_read, "rows_loaded": f.rows_loaded, "rows_quarantined": f.rows_quarantined,
        "status": f.status, "superseded_by": None, "run_id": run_id, "reason": f.reason,
        "file_format": f.file_format,
    } for f in files])
    con.register("_files", rows)
    try:
        con.execute("""
            insert or replace into meta.files
            select file_id, path, sha256, dataset, municipality_code, profile,
                   cast(period_start as date), cast(period_end as date),
                   rows_read, rows_loaded, rows_quarantined, status,
                   cast(superseded_by as varchar), run_id, reason, file_format
            from _files""")
    finally:
        con.unregister("_files")


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame | None, run_id: str) -> None:
    """Append a frame to a meta table whose columns it names (plus run_id)."""
    if frame is None or frame.empty:
        return
    frame = frame.assign(run_id=run_id)
    names = ", ".join(ident(c) for c in frame.columns)
    con.register("_rows", frame)
    try:
        con.execute(f"insert into {qualified('meta', table)} ({names}) select {names} from _rows")
    finally:
        con.unregister("_rows")


def apply_supersession(con: duckdb.DuckDBPyConnection) -> int:
    """Mark older deliveries replaced by a newer one for the same municipality, dataset and period.

    Full registers (no period: enterprises, agreements) are replaced by the newest delivery. Other
    datasets: an older file is superseded when a newer file's period covers its whole period.
    "Newer" is the later run, and within one run the later path in name order. Returns how many
    files were newly marked.
    """
    before = con.execute("select count(*) from meta.files where superseded_by is not null").fetchone()[0]
    con.execute("""
        with current_files as (
            select file_id, dataset, municipality_code, period_start, period_end, run_id, path
            from meta.files where status = 'loaded'
        ),
        replaced as (
            select old.file_id,
                   arg_max(new.file_id, new.run_id || '|' || new.path) as newest
            from current_files as old
            join current_files as new
              on new.dataset = old.dataset
             and new.municipality_code = old.municipality_code
             and (new.run_id, new.path) > (old.run_id, old.path)
             and ((old.period_start is null and new.period_start is null)
                  or (new.period_start <= old.period_start and new.period_end >= old.period_end))
            group by old.file_id
        )
        update meta.files set superseded_by = replaced.newest
        from replaced where meta.files.file_id = replaced.file_id
    """)
    after = con.execute("select count(*) from meta.files where superseded_by is not null").fetchone()[0]
    return after - before


def replace_table(con: duckdb.DuckDBPyConnection, schema: str, table: str, frame: pd.DataFrame) -> None:
    """Replace the rows of a table whose DDL lives in ``sql/`` with ``frame`` (matching by name)."""
    target = qualified(schema, table)
    columns = [c for c, _ in con.execute(
        "select column_name, data_type from duckdb_columns() where schema_name = ? and table_name = ? "
        "order by column_index", [schema, table]).fetchall()]
    if not columns:
        raise WarehouseError(f"table {schema}.{table} does not exist; its DDL belongs in sql/")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise WarehouseError(f"cannot load {schema}.{table}: input lacks column(s) {missing}")
    names = ", ".join(ident(c) for c in columns)
    con.register("_replacement", frame[columns])
    try:
        con.execute(f"delete from {target}")
        con.execute(f"insert into {target} ({names}) select {names} from _replacement")
    finally:
        con.unregister("_replacement")


def record_run(con: duckdb.DuckDBPyConnection, run: dict) -> None:
    row = dict(run)
    row["stage_timings"] = json.dumps(row.get("stage_timings") or {}, sort_keys=True)
    frame = pd.DataFrame([row])
    con.register("_run", frame)
    try:
        con.execute("""insert or replace into meta.runs
            select run_id, cast(started_at as timestamp), cast(finished_at as timestamp), status, mode,
                   files_seen, files_new, rows_loaded, rows_quarantined, warnings, error, stage_timings
            from _run""")
    finally:
        con.unregister("_run")
