"""SQLMesh-style SQL tests: fixture rows in, run sql/, expected rows out.

``fixture_db`` creates an in-memory warehouse with every table of sql/, inserts the given rows
(meta.files rows for each _file_id are added automatically so staging sees them as current), runs
every SQL file, and returns the connection.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from flows.config import load_config
from flows.datasets import DATASETS
from flows.intake.deliveries import covered_period
from flows.outputs.disclosure import control
from flows.warehouse import load as loading
from flows.warehouse import meta_tables, sql_runner

DEFAULT_FILE = "f-test"


def fixture_db(tables: dict[str, list[dict]], settings=None, files: list[dict] | None = None):
    settings = settings or load_config()
    con = duckdb.connect()
    sql_runner.create_tables(con)
    meta_tables.write_settings(con, settings)
    seen_files: dict[tuple[str, str], dict] = {}
    for qualified_name, rows in tables.items():
        schema, table = qualified_name.split(".")
        if not rows:
            continue
        frame = pd.DataFrame(rows)
        if schema == "raw":
            if "_file_id" not in frame:
                frame["_file_id"] = DEFAULT_FILE
            frame["_row_number"] = frame.get("_row_number", pd.Series(range(1, len(frame) + 1)))
            frame["_loaded_at"] = pd.Timestamp("2026-01-01")
            for fid, muni in zip(frame["_file_id"], frame.get("municipality_code", frame.get("kommun_id", pd.Series(["1814"] * len(frame))))):
                seen_files.setdefault((fid, table), {"file_id": f"{fid}", "dataset": table,
                                                     "municipality_code": muni})
            if table in DATASETS:  # the delivery's period, as the intake records it
                for fid, part in frame.groupby("_file_id"):
                    start, end = covered_period(part.astype("string"), DATASETS[table], f"{fid}.csv")
                    seen_files[(fid, table)].update(period_start=start, period_end=end)
        cols = [c for c, in con.execute(
            "select column_name from duckdb_columns() where schema_name=? and table_name=? order by column_index",
            [schema, table]).fetchall()]
        for c in cols:
            if c not in frame:
                frame[c] = None
        con.register("_fixture", frame[cols])
        con.execute(f'insert into "{schema}"."{table}" select * from _fixture')
        con.unregister("_fixture")
    explicit = {f["file_id"] for f in files or []}
    records = list(files or []) + [
        {"file_id": f["file_id"], "path": f"{f['municipality_code']}/{f['dataset']}/{f['file_id']}.csv",
         "sha256": f["file_id"], "dataset": f["dataset"], "municipality_code": f["municipality_code"],
         "status": "loaded", "rows_read": 0, "rows_loaded": 0, "rows_quarantined": 0, "run_id": "r1",
         "period_start": f.get("period_start"), "period_end": f.get("period_end")}
        for f in seen_files.values() if f["file_id"] not in explicit
    ]
    if records:
        frame = pd.DataFrame(records)
        cols = [c for c, in con.execute(
            "select column_name from duckdb_columns() where schema_name='meta' and table_name='files' order by column_index").fetchall()]
        for c in cols:
            if c not in frame:
                frame[c] = None
        con.register("_files", frame[cols])
        con.execute("insert into meta.files select * from _files")
        con.unregister("_files")
        loading.apply_supersession(con)
    sql_runner.transform(con)
    control.disclose(con, "test-run")  # as the run's disclose stage does
    return con


def rows(con, sql: str, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()
