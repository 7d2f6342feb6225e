"""Run ``sql/`` in the order its objects depend on each other.

Every file creates one object and reads others (``schema.name``). The runner reads each file's
text (comments and string literals removed, so a ``COMMENT ON`` sentence naming a view is not a
dependency), orders the files so that every object is created before a file that reads it, and only
then executes them. A file that reads an object no file creates and the database does not hold fails
at once, before anything runs, with the file and the object named; so does a dependency cycle. There
is no retry loop: a failure while executing is a real SQL error in the named file.

The raw tables of the inbox datasets are not files: their DDL comes from the dataset contracts
(``flows.warehouse.raw_tables``), the one definition of their columns.

Views that share a column contract (the indicator views' municipal cells) do not repeat its column
comments: a file that says ``-- column comments from <schema.object>`` gets, after every file ran,
the comments of that object's columns on its own columns of the same name that have none.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from flows.common.resources import SQL_DIR
from flows.errors import WarehouseError
from flows.warehouse.raw_tables import contract_sql
from flows.warehouse.sqlsafe import ident

SCHEMAS = ("meta", "raw", "staging", "core", "indicators", "export")
DERIVED_SCHEMAS = ("staging", "core", "indicators", "export")
TABLE_LAYERS = ("00_meta", "10_raw")

_COMMENT_OR_STRING = re.compile(r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'", re.DOTALL)
_CREATES = re.compile(
    r"\bcreate\s+(?:or\s+replace\s+)?(?:temp(?:orary)?\s+)?(?:table|view|macro)\s+(?:if\s+not\s+exists\s+)?"
    r"\"?([a-z_]+)\"?\s*\.\s*\"?([a-z_][a-z0-9_]*)\"?", re.IGNORECASE)
_CREATES_TABLE = re.compile(r"\bcreate\s+(?:or\s+replace\s+)?(?:temp(?:orary)?\s+)?table\b", re.IGNORECASE)
_COMMENTS_FROM = re.compile(r"^--\s*column comments from\s+([a-z_]+\.[a-z_][a-z0-9_]*)\s*$", re.M | re.I)
_REFERENCE = re.compile(
    r"(?<![\w.])\"?(" + "|".join(SCHEMAS) + r")\"?\s*\.\s*\"?([a-z_][a-z0-9_]*)\"?", re.IGNORECASE)


@dataclass(frozen=True)
class SqlUnit:
    """One file of ``sql/`` (or one contract table): what it creates and what it reads."""

    name: str  # the file path, or "<contract raw.x>" for a table made from a dataset contract
    sql: str
    creates: frozenset[str]
    reads: frozenset[str] = field(default_factory=frozenset)
    comments_from: str | None = None  # an object whose column comments this unit's objects share


def parse_sql(name: str, sql: str) -> SqlUnit:
    """The objects a SQL text creates and the objects it reads (``schema.name``, lower case)."""
    code = _COMMENT_OR_STRING.sub(" ", sql)
    creates = {f"{s}.{n}".lower() for s, n in _CREATES.findall(code)}
    reads = {f"{s}.{n}".lower() for s, n in _REFERENCE.findall(code)} - creates
    shared = _COMMENTS_FROM.search(sql)
    return SqlUnit(name, sql, frozenset(creates), frozenset(reads), shared.group(1).lower() if shared else None)


def sql_files(sql_dir: Path = SQL_DIR, layers: tuple[str, ...] | None = None) -> list[Path]:
    """Every ``.sql`` file under ``sql_dir`` in name order (optionally only some layer folders)."""
    files = sorted(p for p in sql_dir.rglob("*.sql") if p.is_file())
    if layers is not None:
        files = [p for p in files if p.parent.name in layers]
    return files


def load_units(files: list[Path]) -> list[SqlUnit]:
    return [parse_sql(str(path), path.read_text(encoding="utf-8")) for path in files]


def dependency_order(units: list[SqlUnit], existing: set[str]) -> list[SqlUnit]:
    """The units ordered so each runs after the units creating what it reads (name order otherwise).

    ``existing`` holds the objects the database has already. A read of an object that is neither
    created by a unit nor existing, two units creating the same object, or a cycle is a
    ``WarehouseError`` naming the files and objects.
    """
    creator: dict[str, SqlUnit] = {}
    for unit in units:
        for obj in unit.creates:
            if obj in creator:
                raise WarehouseError(f"{unit.name} and {creator[obj].name} both create {obj}; "
                                     "one object belongs in one file")
            creator[obj] = unit
    for unit in units:
        missing = sorted(obj for obj in unit.reads if obj not in creator and obj not in existing)
        if missing:
            raise WarehouseError(f"{unit.name}: reads {', '.join(missing)}, which no file in sql/ creates "
                                 "and the database does not hold (a typo, or a missing or renamed file)")
    ordered: list[SqlUnit] = []
    done: set[str] = set()
    pending = sorted(units, key=lambda u: u.name)
    while pending:
        ready = [u for u in pending
                 if all(obj in done or obj not in creator or creator[obj] is u for obj in u.reads)]
        if not ready:
            cycle = "; ".join(f"{u.name} reads {', '.join(sorted(o for o in u.reads if o in creator and o not in done))}"
                              for u in pending)
            raise WarehouseError(f"the SQL files depend on each other in a cycle: {cycle}")
        for unit in ready:
            ordered.append(unit)
            done |= unit.creates
        pending = [u for u in pending if u not in ready]
    return ordered


def existing_objects(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("""
        select schema_name || '.' || table_name from duckdb_tables() where not internal
        union all
        select schema_name || '.' || view_name from duckdb_views() where not internal""").fetchall()
    return {r[0].lower() for r in rows}


def ensure_schemas(con: duckdb.DuckDBPyConnection) -> None:
    for schema in SCHEMAS:
        con.execute(f"create schema if not exists {ident(schema)}")


def run_units(con: duckdb.DuckDBPyConnection, units: list[SqlUnit]) -> list[SqlUnit]:
    """Order the units by their dependencies, then execute them; returns them in the order run."""
    ensure_schemas(con)
    ordered = dependency_order(units, existing_objects(con))
    for unit in ordered:
        try:
            con.execute(unit.sql)
        except duckdb.Error as exc:
            raise WarehouseError(f"{unit.name}: SQL failed: {exc}") from None
    for unit in ordered:
        if unit.comments_from:
            _share_column_comments(con, unit)
    return ordered


def _share_column_comments(con: duckdb.DuckDBPyConnection, unit: SqlUnit) -> None:
    """Copy the shared object's column comments onto the unit's objects' uncommented columns."""
    schema, name = unit.comments_from.split(".")
    shared = dict(con.execute("select column_name, comment from duckdb_columns() where schema_name = ? "
                              "and table_name = ? and comment is not null", [schema, name]).fetchall())
    if not shared:
        raise WarehouseError(f"{unit.name}: takes its column comments from {unit.comments_from}, which has none")
    for obj in unit.creates:
        own_schema, own_name = obj.split(".")
        for column, comment in con.execute(
                "select column_name, comment from duckdb_columns() where schema_name = ? and table_name = ?",
                [own_schema, own_name]).fetchall():
            if (comment is None or not comment.strip()) and column in shared:
                con.execute(f"comment on column {ident(own_schema)}.{ident(own_name)}.{ident(column)} is "
                            + "'" + shared[column].replace("'", "''") + "'")


def table_units(sql_dir: Path = SQL_DIR) -> list[SqlUnit]:
    """The meta and raw tables: ``sql/00_meta``, ``sql/10_raw`` and the contracts' raw tables."""
    return load_units(sql_files(sql_dir, layers=TABLE_LAYERS)) + [parse_sql(n, s) for n, s in contract_sql()]


def create_tables(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> None:
    """Create the meta and raw tables (idempotent: ``create table if not exists``; a contract column
    added since the database was built is added to its raw table)."""
    run_units(con, table_units(sql_dir))


def transform(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> list[SqlUnit]:
    """Rebuild every derived object from ``sql/``.

    The derived schemas are dropped first: they hold nothing that is not recomputed from raw and
    meta, and a clean slate means a view removed or turned into a table in ``sql/`` cannot linger
    from an earlier build.
    """
    for schema in DERIVED_SCHEMAS:
        con.execute(f"drop schema if exists {ident(schema)} cascade")
    return run_units(con, table_units(sql_dir) + load_units(
        [p for p in sql_files(sql_dir) if p.parent.name not in TABLE_LAYERS]))


def refresh(con: duckdb.DuckDBPyConnection, filled: tuple[str, ...], sql_dir: Path = SQL_DIR) -> list[SqlUnit]:
    """Rebuild the tables materialised (directly or through views) from the objects ``filled`` after
    the transform (the disclosure step fills its status tables then); views need nothing."""
    derived = [u for u in load_units([p for p in sql_files(sql_dir) if p.parent.name not in TABLE_LAYERS])
               if not u.creates & set(filled)]
    affected, chosen = set(filled), []
    changed = True
    while changed:
        changed = False
        for unit in derived:
            if unit not in chosen and unit.reads & affected:
                affected |= unit.creates
                chosen.append(unit)
                changed = True
    tables = [u for u in chosen if _CREATES_TABLE.search(_COMMENT_OR_STRING.sub(" ", u.sql))]
    return run_units(con, tables)


def sql_fingerprint(sql_dir: Path = SQL_DIR) -> str:
    """A short hash of every SQL unit (files and contract tables): which transformation code built
    the database (a run with nothing new still rebuilds when it changed)."""
    digest = hashlib.sha256()
    units = load_units(sql_files(sql_dir)) + [parse_sql(n, s) for n, s in contract_sql()]
    for unit in sorted(units, key=lambda u: u.name):
        name = Path(unit.name).relative_to(sql_dir).as_posix() if unit.name.startswith(str(sql_dir)) else unit.name
        digest.update(name.encode() + b"\0" + unit.sql.encode() + b"\0")
    return digest.hexdigest()[:16]
