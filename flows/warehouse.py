"""The DuckDB warehouse: build a new file, load, transform with ``sql/``, check, publish atomically.

A run never writes the published file. It copies the published database (or starts empty) to a
build file next to it, loads the new deliveries there, runs every file of ``sql/``, checks the
result and only then publishes with ``os.replace``: readers who opened the old file keep reading
their copy, new readers see the new one, and nobody ever sees a half-built database. The previous
published file is kept as ``<name>.last-good.duckdb``.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from flows.config import Settings
from flows.datasets import DATASETS, Dataset
from flows import faults
from flows.errors import AccountingError, WarehouseError
from flows.sqlsafe import ident, qualified

SCHEMAS = ("meta", "raw", "staging", "core", "indicators", "export")
SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
LINEAGE = ("_file_id", "_source_file", "_sha256", "_row_number", "_run_id", "_loaded_at")


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


# --- SQL files ---------------------------------------------------------------------------------

def sql_files(sql_dir: Path = SQL_DIR, layers: tuple[str, ...] | None = None) -> list[Path]:
    """Every ``.sql`` file under ``sql_dir`` in lexical order (optionally only some layer folders)."""
    files = sorted(p for p in sql_dir.rglob("*.sql") if p.is_file())
    if layers is not None:
        files = [p for p in files if p.parent.name in layers]
    return files


def ensure_schemas(con: duckdb.DuckDBPyConnection) -> None:
    for schema in SCHEMAS:
        con.execute(f"create schema if not exists {ident(schema)}")


def run_sql_files(con: duckdb.DuckDBPyConnection, files: list[Path]) -> list[Path]:
    """Execute SQL files in lexical order, deferring a file whose dependency comes later.

    A view may select from an object whose file sorts after its own; such a file fails with a
    catalog error, goes to the back of the queue and is retried once the others ran. Only when a
    whole pass makes no progress is the error raised, naming the file.
    """
    ensure_schemas(con)
    pending, done = list(files), []
    while pending:
        deferred: list[tuple[Path, Exception]] = []
        for path in pending:
            try:
                con.execute(path.read_text(encoding="utf-8"))
                done.append(path)
            except duckdb.CatalogException as exc:
                deferred.append((path, exc))
            except duckdb.Error as exc:
                raise WarehouseError(f"{path}: SQL failed: {exc}") from None
        if len(deferred) == len(pending):
            path, exc = deferred[0]
            raise WarehouseError(f"{path}: SQL failed: {exc}") from None
        pending = [p for p, _ in deferred]
    return done


def create_tables(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> None:
    """Create the meta and raw tables (idempotent: ``create table if not exists``)."""
    run_sql_files(con, sql_files(sql_dir, layers=("00_meta", "10_raw")))


DERIVED_SCHEMAS = ("staging", "core", "indicators", "export")


def transform(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> list[Path]:
    """Rebuild every derived object from ``sql/`` (tables first, then staging, core, indicators, export).

    The derived schemas are dropped first: they hold nothing that is not recomputed from raw and
    meta, and a clean slate means a view removed or turned into a table in ``sql/`` cannot linger
    from an earlier build.
    """
    for schema in DERIVED_SCHEMAS:
        con.execute(f"drop schema if exists {ident(schema)} cascade")
    return run_sql_files(con, sql_files(sql_dir))


# --- What the warehouse already holds ---------------------------------------------------------

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


# --- Loading ------------------------------------------------------------------------------------

@dataclass
class FileRecord:
    """One delivered file's row in meta.files."""

    file_id: str
    path: str
    sha256: str
    dataset: str
    municipality_code: str
    profile: str | None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    status: str = "loaded"  # loaded | rejected | duplicate
    reason: str | None = None
    file_format: str | None = None
    period_start: object = None
    period_end: object = None


@dataclass
class LoadBatch:
    """Everything one run loads for one dataset."""

    dataset: Dataset
    good: pd.DataFrame  # canonical text columns + _file_id, _row_number (+ extras)
    files: list[FileRecord] = field(default_factory=list)
    quarantine: pd.DataFrame | None = None
    results: pd.DataFrame | None = None
    # Validated rows written as Parquet by the intake's workers (read instead of ``good``).
    partitions: list[str] = field(default_factory=list)


def _raw_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from duckdb_columns() where schema_name = 'raw' and table_name = ? "
        "order by column_index", [table]).fetchall()


def insert_raw(con: duckdb.DuckDBPyConnection, batch: LoadBatch, run_id: str, loaded_at: datetime) -> int:
    """Insert validated rows into ``raw.<dataset>``, casting text to the contract's types in DuckDB.

    Casting in DuckDB keeps decimals exact; the rows already passed the type rules, so a cast
    failure here means a bug and fails the run rather than losing rows.
    """
    if batch.partitions:
        return _insert_raw_partitions(con, batch, run_id, loaded_at)
    frame = batch.good
    if frame.empty:
        return 0
    sources = {f.file_id: f for f in batch.files}
    frame = frame.assign(
        _source_file=frame["_file_id"].map(lambda i: sources[i].path),
        _sha256=frame["_file_id"].map(lambda i: sources[i].sha256),
        _run_id=run_id,
        _loaded_at=pd.Timestamp(loaded_at),
    )
    selects = []
    for name, data_type in _raw_columns(con, batch.dataset.name):
        if name not in frame.columns:
            selects.append(f"cast(null as {data_type}) as {ident(name)}")
        elif data_type == "BOOLEAN":
            selects.append(f"cast(lower({ident(name)}) = 'true' as boolean) as {ident(name)}")
        else:
            selects.append(f"cast({ident(name)} as {data_type}) as {ident(name)}")
    con.register("_incoming", frame)
    try:
        con.execute(f"insert into {qualified('raw', batch.dataset.name)} "
                    f"select {', '.join(selects)} from _incoming")
    finally:
        con.unregister("_incoming")
    return len(frame)


def _insert_raw_partitions(con: duckdb.DuckDBPyConnection, batch: LoadBatch, run_id: str,
                           loaded_at: datetime) -> int:
    """``insert_raw`` from the batch's Parquet partitions, streamed by DuckDB (no pandas copy)."""
    lineage = pd.DataFrame({"_file_id": [f.file_id for f in batch.files], "_source_file": [f.path for f in batch.files],
                            "_sha256": [f.sha256 for f in batch.files]})
    present = {name for name, in con.execute(
        "select name from parquet_schema(?)", [batch.partitions[0]]).fetchall()}
    selects = []
    for name, data_type in _raw_columns(con, batch.dataset.name):
        if name in ("_source_file", "_sha256"):
            selects.append(f"l.{ident(name)}")
        elif name == "_run_id":
            selects.append(f"cast(? as varchar) as {ident(name)}")
        elif name == "_loaded_at":
            selects.append(f"cast(? as timestamp) as {ident(name)}")
        elif name not in present:
            selects.append(f"cast(null as {data_type}) as {ident(name)}")
        elif data_type == "BOOLEAN":
            selects.append(f"cast(lower(p.{ident(name)}) = 'true' as boolean) as {ident(name)}")
        else:
            selects.append(f"cast(p.{ident(name)} as {data_type}) as {ident(name)}")
    con.register("_lineage", lineage)
    try:
        before = con.execute(f"select count(*) from {qualified('raw', batch.dataset.name)}").fetchall()[0][0]
        con.execute(f"insert into {qualified('raw', batch.dataset.name)} "
                    f"select {', '.join(selects)} from read_parquet(?, union_by_name = true) as p "
                    f"join _lineage as l on l._file_id = p._file_id",
                    [run_id, pd.Timestamp(loaded_at).to_pydatetime(), list(batch.partitions)]).fetchall()
        after = con.execute(f"select count(*) from {qualified('raw', batch.dataset.name)}").fetchall()[0][0]
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


# --- Checks and publishing ----------------------------------------------------------------------

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


def start_build(published: Path, run_id: str, full_rebuild: bool = False) -> Path:
    """Create the build file: a copy of the published database, or an empty one.

    A copy that cannot be written (disk full, folder not writable) is a ``WarehouseError`` naming
    the file; the half-written copy is removed and the published file is untouched.
    """
    target = build_path(published, run_id)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in (target, target.with_name(target.name + ".wal")):
            stale.unlink(missing_ok=True)
        if published.exists() and not full_rebuild:
            shutil.copyfile(published, target)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise WarehouseError(f"cannot write the build file {target}: {exc.strerror or exc}; "
                             f"the published database {published} is unchanged") from None
    return target


def remove_stale_builds(published: Path) -> list[Path]:
    """Delete build files (and WALs) that a killed run left next to the published database.

    Build names carry their run id, so leftovers never clash with a new run; they only fill the
    disk. Call it only while holding the run lock: a running build is indistinguishable.
    """
    patterns = (f"{published.stem}.build-*{published.suffix}", f"{published.stem}.build-*{published.suffix}.wal",
                last_good_path(published).name + ".tmp")
    removed = [p for pattern in patterns for p in sorted(published.parent.glob(pattern)) if p.is_file()]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def publish(build: Path, published: Path) -> None:
    """Atomically make ``build`` the published database, keeping the old one as last good.

    The old file is hard-linked (or copied) to the last-good name first, then ``os.replace`` swaps
    the new file in: at every instant the published name points at a complete database.
    """
    try:
        if published.exists():
            last_good = last_good_path(published)
            staging = last_good.with_name(last_good.name + ".tmp")
            staging.unlink(missing_ok=True)
            try:
                os.link(published, staging)
            except OSError:
                shutil.copyfile(published, staging)
            os.replace(staging, last_good)
        faults.checkpoint("publish")  # the crash tests kill the run here: the old file stays published
        _fsync(build)
        os.replace(build, published)
        _fsync_dir(published.parent)
    except OSError as exc:
        raise WarehouseError(f"cannot publish {build} as {published}: {exc.strerror or exc}; "
                             "the previously published database is unchanged") from None


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- settings the SQL reads -----------------------------------------------------------------------

def municipalities_frame(settings: Settings) -> pd.DataFrame:
    rows = [{"code": m.code, "name": m.name, "kolada_code": m.kolada_code, "scb_code": m.scb_code,
             "is_region": False} for m in settings.municipalities]
    region = settings.region
    rows.append({"code": region.indicator_code, "name": region.name, "kolada_code": region.kolada_code,
                 "scb_code": region.county_code, "is_region": True})
    return pd.DataFrame(rows)


def parameters_frame(settings: Settings) -> pd.DataFrame:
    t = settings.thresholds
    values = {"first_year": t.first_year, "last_year": t.last_year, "min_person_count": t.min_person_count,
              "min_enterprises": t.min_enterprises, "dominance_share": t.dominance_share,
              "source_stale_days": t.source_stale_days, "sql_fingerprint": sql_fingerprint()}
    return pd.DataFrame([{"name": k, "value": str(v)} for k, v in sorted(values.items())])


def sql_fingerprint(sql_dir: Path = SQL_DIR) -> str:
    """A short hash of every file of ``sql/``: which transformation code built the database
    (a run with nothing new still rebuilds when it changed)."""
    import hashlib

    digest = hashlib.sha256()
    for path in sql_files(sql_dir):
        digest.update(path.relative_to(sql_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
