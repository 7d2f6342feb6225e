"""Open the warehouse and ask the published database what it already holds.

The published file is only ever opened read-only here; a run writes a separate build file
(``flows.warehouse.publish``). Paths of the build and last-good copies are derived from the
published path so that every module agrees on them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from flows.errors import WarehouseError
from flows.warehouse.sqlsafe import qualified


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a warehouse file; a clear error when it is missing or locked."""
    if read_only and not Path(path).exists():
        raise WarehouseError(f"{path}: no published database yet; run `socek run` first")
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        raise WarehouseError(f"{path}: cannot open the database: {exc}") from None


def last_good_path(published: Path) -> Path:
    return published.with_name(published.stem + ".last-good" + published.suffix)


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


def payload_hashes(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """The distinct payload hashes an external raw table holds now."""
    return {r[0] for r in con.execute(f"select distinct _sha256 from {qualified('raw', table)}").fetchall()
            if r[0] is not None}
