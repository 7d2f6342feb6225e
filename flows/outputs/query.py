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


class QueryError(SocekError):
    """The SQL failed or tried to write."""


def open_read_only(published: Path, *, sandboxed: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the published file read-only; ``sandboxed`` also forbids file access beyond it (for
    user-typed SQL). DuckDB refuses two in-process connections to one file with different settings,
    so socek's own readers use the plain read-only mode."""
    if not published.exists():
        raise WarehouseError(f"{published}: no published database yet; run `socek run` first")
    config = {"enable_external_access": False} if sandboxed else {}
    try:
        return duckdb.connect(str(published), read_only=True, config=config)
    except duckdb.Error as exc:
        raise WarehouseError(f"{published}: cannot open read-only: {exc}") from None


def fetch(published: Path, sql: str) -> tuple[list[str], list[tuple]]:
    con = open_read_only(published, sandboxed=True)
    try:
        try:
            cursor = con.execute(sql)
        except duckdb.Error as exc:
            message = str(exc)
            if "read-only" in message or "external access" in message.lower():
                raise QueryError(f"refused: socek query is read-only ({message.splitlines()[0]})") from None
            if isinstance(exc, duckdb.PermissionException) or "disabled by configuration" in message:
                raise QueryError("refused: socek query reads the published database only; it cannot write, "
                                 f"attach or read other files ({message.splitlines()[0]})") from None
            raise QueryError(f"query failed: {message}") from None
        if cursor.description is None:
            return [], []
        return [d[0] for d in cursor.description], cursor.fetchall()
    finally:
        con.close()


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


def run_query(published: Path, sql: str, fmt: str = "table") -> str:
    columns, rows = fetch(published, sql)
    return render(columns, rows, fmt)
