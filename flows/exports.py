"""The regional delivery (DESIGN §7): files written from the published, disclosure-controlled layer.

Everything here reads ``export.*`` views only, so a suppressed value can never reach a file. Output
is deterministic: rows sorted by key, numbers formatted the same way every time, so identical
inputs give byte-identical files. A delivery folder is written next to its final name and renamed
into place, so a reader never sees half a delivery.
"""

from __future__ import annotations

import csv
import io
import math
import os
import shutil
from datetime import date
from pathlib import Path

import duckdb

from flows.errors import SocekError
from flows.warehouse import connect

VALUE_COLUMNS = ["indicator_id", "municipality_code", "municipality_name", "period", "sex", "breakdown",
                 "breakdown_value", "value", "unit", "obs_status", "conf_status", "source", "updated_at"]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ExportError(SocekError):
    """The delivery could not be written (folder not writable, disk full...)."""


def neutralise(text: str) -> str:
    """Defuse CSV formula injection: a text cell starting with = + - @ is prefixed with '."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def format_number(value: float | None, decimal: str = ".") -> str:
    """Shortest stable text for a number: integers without decimals, others to 6 significant decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    number = float(value)
    text = str(int(number)) if number.is_integer() else f"{round(number, 6):.6f}".rstrip("0").rstrip(".")
    return text.replace(".", decimal)


def _cell(value: object, decimal: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value, decimal)
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def render_csv(header: list[str], rows: list[tuple], delimiter: str = ",", decimal: str = ".") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v, decimal) for v in row])
    return buffer.getvalue()


def indicator_rows(con: duckdb.DuckDBPyConnection, municipality_code: str,
                   year: int | None = None) -> list[tuple]:
    where, params = "municipality_code = ?", [municipality_code]
    if year is not None:
        where += " and period like ?"
        params.append(f"%{year}%")
    columns = ", ".join(VALUE_COLUMNS)
    return con.execute(
        f"select {columns} from export.indicator_values where {where} "
        "order by indicator_id, period, sex, breakdown, breakdown_value, unit", params).fetchall()


def delivery_dir(exports_root: Path, municipality_code: str, on: date) -> Path:
    return exports_root / f"{municipality_code}-{on.isoformat()}"


def write_delivery(published: Path, exports_root: Path, municipality_code: str, on: date,
                   year: int | None = None) -> Path:
    """Write the delivery folder for one municipality from the published database."""
    con = connect(published, read_only=True)
    try:
        files = {"indikatorvarden.csv": render_csv(VALUE_COLUMNS, indicator_rows(con, municipality_code, year))}
    finally:
        con.close()
    return _write_folder(delivery_dir(exports_root, municipality_code, on), files)


def _write_folder(target: Path, files: dict[str, str | bytes]) -> Path:
    """Write all files to a temporary sibling folder, then swap it into place."""
    temporary = target.with_name(target.name + ".partial")
    try:
        if temporary.exists():
            shutil.rmtree(temporary)
        temporary.mkdir(parents=True)
        for name, content in files.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            (temporary / name).write_bytes(data)
        if target.exists():
            shutil.rmtree(target)
        os.replace(temporary, target)
    except OSError as exc:
        shutil.rmtree(temporary, ignore_errors=True)
        raise ExportError(f"cannot write the delivery {target}: {exc.strerror or exc}") from None
    return target
