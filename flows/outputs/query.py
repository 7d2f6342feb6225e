"""``socek query``: SQL against the published database, opened read-only.

The connection is read-only and has external access switched off, so a query can neither change
the warehouse nor write or read files elsewhere (no COPY TO, no ATTACH of another file).
``--format csv`` defuses text cells as the regional delivery does (``exports.safe_text``): a cell
cannot start a spreadsheet formula or a new row.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from flows.errors import SocekError, WarehouseError
from flows.outputs.delivery import safe_text
from flows.warehouse.database import resources


class QueryError(SocekError):
    """The SQL failed or tried to write."""


def open_read_only(published: Path, *, sandboxed: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the published file read-only; ``sandboxed`` also forbids file access beyond it (for
    user-typed SQL). DuckDB refuses two in-process connections to one file with different settings,
    so socek's own readers use the plain read-only mode."""
    if not published.exists():
        raise WarehouseError(f"{published}: no published database yet; run `socek run` first")
    config = resources()
    if sandboxed:  # no file access at all, so DuckDB refuses a temp_directory setting
        config = {k: v for k, v in config.items() if k != "temp_directory"} | {"enable_external_access": False}
    try:
        return duckdb.connect(str(published), read_only=True, config=config)
    except duckdb.Error as exc:
        raise WarehouseError(f"{published}: cannot open read-only: {exc}") from None


def fetch(published: Path, sql: str, limit: int | None = None) -> tuple[list[str], list[tuple], bool]:
    """Columns, at most ``limit`` rows (streamed: a larger result is never held in memory) and
    whether the result was cut. Every refusal or failure is a ``QueryError`` of one line."""
    con = open_read_only(published, sandboxed=True)
    try:
        try:
            cursor = con.execute(sql)
            if cursor.description is None:
                return [], [], False
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchall() if limit is None else cursor.fetchmany(limit + 1)
        except duckdb.Error as exc:
            raise _refusal(exc) from None
        except (ValueError, OverflowError, TypeError) as exc:  # a value Python cannot hold
            raise QueryError(f"query failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from None
        cut = limit is not None and len(rows) > limit
        return columns, rows[:limit] if cut else rows, cut
    finally:
        con.close()


def _refusal(exc: duckdb.Error) -> QueryError:
    """The error as one line an analyst can act on."""
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if "read-only" in first or "read only" in first.lower():
        return QueryError(f"refused: socek query is read-only ({first})")
    if isinstance(exc, duckdb.PermissionException) or "disabled by configuration" in first \
            or "external access" in first.lower():
        return QueryError("refused: socek query reads the published database only; it cannot write, "
                          f"attach or read other files ({first})")
    return QueryError(f"query failed: {first}")


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def render(columns: list[str], rows: list[tuple], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([dict(zip(columns, map(_plain, r))) for r in rows], ensure_ascii=False) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        # Text that a spreadsheet would run as a formula is defused, as in the regional delivery.
        writer.writerows([[("" if v is None else safe_text(v) if isinstance(v, str) else _plain(v)) for v in r]
                          for r in rows])
        return buffer.getvalue()
    text = [[("NULL" if v is None else str(_plain(v))) for v in r] for r in rows]
    widths = [max([len(c)] + [len(r[i]) for r in text]) for i, c in enumerate(columns)]
    line = lambda cells: " | ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    out = [line(columns), "-+-".join("-" * w for w in widths)] + [line(r) for r in text]
    return "\n".join(out) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


def run_query(published: Path, sql: str, fmt: str = "table", limit: int | None = None) -> tuple[str, bool]:
    """The result rendered, and whether it was cut at ``limit`` rows."""
    columns, rows, cut = fetch(published, sql, limit)
    return render(columns, rows, fmt), cut
