"""Open the warehouse and ask the published database what it already holds.

The published file is only ever opened read-only here; a run writes a separate build file
(``flows.warehouse.publish``). Paths of the build files are derived from the
published path so that every module agrees on them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from flows.config import Settings
from flows.errors import WarehouseError
from flows.warehouse.sqlsafe import qualified

# DuckDB's resources in every connection this process opens (``[warehouse]`` memory_limit, threads,
# temp_directory), set once by the command or flow that loaded the configuration; DuckDB's own
# defaults (80 % of the memory, every core) until then. One setting for the whole process: DuckDB
# refuses a second connection to an open file with other settings.
_RESOURCES: dict[str, str | int] = {}


def use_resources(settings: Settings) -> dict[str, str | int]:
    """Make every DuckDB connection of this process use the configured resources."""
    warehouse = settings.warehouse
    temp = warehouse.temp_directory
    if not temp.is_absolute():
        temp = settings.path("warehouse").parent / temp
    _RESOURCES.clear()
    _RESOURCES.update(memory_limit=warehouse.memory_limit, threads=warehouse.threads, temp_directory=str(temp))
    return resources()


def resources() -> dict[str, str | int]:
    """The DuckDB configuration of this process's connections (empty: DuckDB's defaults)."""
    return dict(_RESOURCES)


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a warehouse file; a clear error when it is missing or locked."""
    if read_only and not Path(path).exists():
        raise WarehouseError(f"{path}: no published database yet; run `socek run` first")
    try:
        return duckdb.connect(str(path), read_only=read_only, config=resources())
    except duckdb.IOException as exc:
        raise WarehouseError(f"{path}: cannot open the database: {exc}") from None


def build_path(published: Path, run_id: str) -> Path:
    return published.with_name(f"{published.stem}.build-{run_id}{published.suffix}")


def known_files(published: Path) -> pd.DataFrame:
    """``path, sha256, file_id, status`` of every file recorded in the published database."""
    columns = ["file_id", "path", "sha256", "status"]
    if not published.exists():
        return pd.DataFrame(columns=columns)
    con = connect(published, read_only=True)
    try:
        exists = con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'meta' and table_name = 'files'"
        ).fetchone()[0]
        if not exists:
            return pd.DataFrame(columns=columns)
        return con.execute("select file_id, path, sha256, status from meta.files").df()
    finally:
        con.close()


def registered_orgnrs(published: Path) -> set[str]:
    """Org nrs in any municipal register already published (kept when reading the bulk files)."""
    if not published.exists():
        return set()
    con = connect(published, read_only=True)
    try:
        exists = con.execute("select count(*) from duckdb_tables() where schema_name = 'raw' "
                             "and table_name = 'enterprises'").fetchone()[0]
        if not exists:
            return set()
        return {r[0] for r in con.execute("select distinct org_nr from raw.enterprises").fetchall()}
    finally:
        con.close()


def register_rows(published: Path, datasets: tuple[str, ...]) -> dict[tuple[str, str], int]:
    """Current rows of each full register in the published database: ``(dataset, kommunkod) -> rows``
    of the deliveries that are loaded and not superseded."""
    if not published.exists():
        return {}
    con = connect(published, read_only=True)
    try:
        counts: dict[tuple[str, str], int] = {}
        for name in datasets:
            if not _has_table(con, "raw", name) or not _has_table(con, "meta", "files"):
                continue
            for code, rows in con.execute(
                    f"select f.municipality_code, count(r._file_id) from meta.files as f "
                    f"left join {qualified('raw', name)} as r on r._file_id = f.file_id "
                    "where f.dataset = ? and f.status = 'loaded' and f.superseded_by is null group by 1",
                    [name]).fetchall():
                counts[(name, code)] = rows
        return counts
    finally:
        con.close()


def provenance(con: duckdb.DuckDBPyConnection) -> dict:
    """The one row of ``meta.provenance`` (empty before the first build or in an older database)."""
    if not _has_table(con, "meta", "provenance"):
        return {}
    cursor = con.execute("select * from meta.provenance limit 1")
    row = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], row)) if row else {}


def published_provenance(published: Path) -> dict:
    con = connect(published, read_only=True)
    try:
        return provenance(con)
    finally:
        con.close()


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return con.execute("select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
                       [schema, table]).fetchone()[0] > 0


def latest_run(published: Path) -> tuple[str, str] | None:
    """``(run_id, status)`` of the newest run the published database records."""
    if not published.exists():
        return None
    con = connect(published, read_only=True)
    try:
        if not _has_table(con, "meta", "runs"):
            return None
        return con.execute("select run_id, status from meta.runs order by started_at desc, run_id desc limit 1"
                           ).fetchone()
    finally:
        con.close()


def payload_hashes(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """The distinct payload hashes an external raw table holds now."""
    return {r[0] for r in con.execute(f"select distinct _sha256 from {qualified('raw', table)}").fetchall()
            if r[0] is not None}
