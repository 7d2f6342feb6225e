"""The regional delivery (DESIGN §7): files written from the published, disclosure-controlled layer.

A delivery folder ``exports/<kommun>-<YYYY-MM-DD>/`` holds:

- ``indikatorvarden.csv``: the long format of ``export.indicator_values`` (UTF-8, ``,``, ``.`` decimals);
- ``indikatorer.csv``: the indicator catalogue (``export.indicator_catalogue``);
- ``datapackage.json``: a Frictionless (Tabular) Data Package describing both CSVs, with field types,
  constraints, ``missingValues`` and primary keys; ``frictionless validate datapackage.json`` passes;
- ``indikatorvarden_excel.csv``: the same values for Swedish Excel (``;``, decimal comma, UTF-8 BOM);
- ``SHA256SUMS``: ``sha256sum`` lines over the other files (check with ``sha256sum -c SHA256SUMS``).

``datapackage.json`` says which run built the data (``socek:run_id``), so the nightly run can tell
a stale delivery from a current one. A delivery from a warehouse that loaded synthetic demo data
(``meta.provenance``) says so in every file: the CSVs start with the column ``socek_synthetic``
(``FIKTIVA DATA`` in every row, described in the package's schema), ``datapackage.json`` has
``"socek:synthetic": true`` and a title starting "FIKTIVA DATA – demo", and ``FIKTIVA-DATA.txt``
(listed in ``SHA256SUMS``) explains it.

Everything here reads ``export.*`` views only, so a suppressed value can never reach a file, and no
file is written with a value that holds a personal identity number or the pseudonym of one
(``identity_guard``). Output
is deterministic: rows sorted by key, numbers formatted the same way every time and no clock read
(the only dates are the data's own), so identical inputs give byte-identical files. A delivery folder
is written next to its final name and renamed into place, so a reader never sees half a delivery.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb

from flows.catalogue import CATALOGUE_COLUMNS
from flows.common.synthetic import SYNTHETIC_BANNER, SYNTHETIC_COLUMN, SYNTHETIC_VALUE
from flows.errors import SocekError
from flows.outputs.identity_guard import check_rows
from flows.outputs.staging import Staged, commit, staged_path
from flows.warehouse.database import connect, provenance

VALUE_COLUMNS = ["indicator_id", "municipality_code", "municipality_name", "period", "sex", "breakdown",
                 "breakdown_value", "value", "unit", "obs_status", "conf_status", "source", "updated_at"]
VALUE_KEY = ["indicator_id", "municipality_code", "period", "sex", "breakdown", "breakdown_value", "unit"]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

VALUES_FILE = "indikatorvarden.csv"
CATALOGUE_FILE = "indikatorer.csv"
EXCEL_FILE = "indikatorvarden_excel.csv"
PACKAGE_FILE = "datapackage.json"
CHECKSUM_FILE = "SHA256SUMS"
SYNTHETIC_FILE = "FIKTIVA-DATA.txt"
UTF8_BOM = "\ufeff"
RUN_ID_PROPERTY, SYNTHETIC_PROPERTY = "socek:run_id", "socek:synthetic"
SYNTHETIC_FIELD = ("string", "Fiktiva data", "Marks synthetic demo data: every row says FIKTIVA DATA. Never real figures.",
                   {"required": True, "enum": [SYNTHETIC_VALUE]})
SYNTHETIC_NOTE = (f"{SYNTHETIC_BANNER}\n\nFIKTIVA DATA. Every figure in this delivery is synthetic: it was computed "
                  "from the socek demo's invented registers and recordings, not from real deliveries. Never pass "
                  "it on as statistics.\n")

# Table Schema of indikatorvarden.csv: name -> (type, title, description, constraints).
VALUE_FIELDS: dict[str, tuple[str, str, str, dict]] = {
    "indicator_id": ("string", "Indikator", "Indicator id SE01-SE20; see indikatorer.csv.",
                     {"required": True, "pattern": "SE[0-9]{2}"}),
    "municipality_code": ("string", "Kommunkod", "Kommunkod (four digits), or the region's code (0018) for county rows.",
                          {"required": True, "pattern": "[0-9]{4}"}),
    "municipality_name": ("string", "Kommun", "Name of the municipality or region.", {}),
    "period": ("string", "Period", "Calendar year (YYYY) or a span of years (YYYY-YYYY) for multi-year cohorts.",
               {"required": True, "pattern": "[0-9]{4}(-[0-9]{4})?"}),
    "sex": ("string", "Kön", "T total, K women, M men.", {"required": True, "enum": ["T", "K", "M"]}),
    "breakdown": ("string", "Indelning", "Name of the disaggregation (total when none).", {"required": True}),
    "breakdown_value": ("string", "Indelningsvärde", "Value of the disaggregation (_T for the total).",
                        {"required": True}),
    "value": ("number", "Värde", "The value; blank when missing (obs_status L or M) or suppressed (conf_status C or D).",
              {}),
    "unit": ("string", "Enhet", "Unit of the value (count, SEK, %, persons, per 10 000 inhabitants ...).",
             {"required": True}),
    "obs_status": ("string", "Observationsstatus", "SDMX OBS_STATUS: A normal, P provisional, L missing (not delivered), M missing (cannot exist).",
                   {"required": True, "enum": ["A", "P", "L", "M"]}),
    "conf_status": ("string", "Sekretessstatus", "SDMX CONF_STATUS: F free, C primary suppression, D secondary suppression.",
                    {"required": True, "enum": ["F", "C", "D"]}),
    "source": ("string", "Källa", "Source of the figure.", {}),
    "updated_at": ("date", "Uppdaterad", "Date of the newest data behind the warehouse.", {}),
}

# Table Schema of indikatorer.csv.
CATALOGUE_FIELDS: dict[str, tuple[str, str, str, dict]] = {
    "indicator_id": ("string", "Indikator", "Indicator id (SE01-SE20).", {"required": True, "unique": True,
                                                                          "pattern": "SE[0-9]{2}"}),
    "name_sv": ("string", "Namn", "Name in Swedish.", {"required": True}),
    "name_en": ("string", "Name", "Name in English.", {"required": True}),
    "definition": ("string", "Definition (engelska)", "How the value is computed, in English.", {"required": True}),
    "definition_sv": ("string", "Definition", "Hur värdet beräknas, på svenska.", {"required": True}),
    "units": ("string", "Enheter", "Units, '; '-separated (as in indikatorvarden.csv unit).", {"required": True}),
    "disaggregations": ("string", "Indelningar", "Disaggregations, '; '-separated.", {}),
    "action_plan_areas": ("string", "Insatsområden", "Action-plan areas (AP1, AP2a-AP2d, AP3), '; '-separated.",
                          {"required": True}),
    "action_plan_area_names_sv": ("string", "Insatsområden (namn)", "Swedish names of the action-plan areas, same order.",
                                  {}),
    "sdg_targets": ("string", "Agenda 2030-delmål", "Agenda 2030 targets, '; '-separated (never official indicators).",
                    {"required": True}),
    "sdg_relation": ("string", "Relation till delmålet", "proxy (own data) or context proxy (published statistics).",
                     {"required": True, "enum": ["proxy", "context proxy"]}),
    "context_for_indicator": ("string", "Kontext för indikator", "Official global indicator a context statistic stands in for.",
                              {}),
    "motion_question": ("string", "Motionsfråga", "Q1, Q2, Q1+Q2 or context.",
                        {"required": True, "enum": ["Q1", "Q2", "Q1+Q2", "context"]}),
    "sources": ("string", "Källor", "Sources, '; '-separated.", {}),
    "kolada_kpi": ("string", "Kolada-nyckeltal", "Kolada KPI id for context indicators.", {}),
    "view_name": ("string", "Vy", "The warehouse view computing the indicator.", {}),
    "target_breakdowns": ("string", "Delmålets urval", "The cells that speak for a target when only part of the "
                          "indicator does ('8.6: age_band=16-24'), '; '-separated.", {}),
}


class ExportError(SocekError):
    """The delivery could not be written (folder not writable, disk full...)."""


def neutralise(text: str) -> str:
    """Defuse CSV formula injection: a text cell starting with = + - @ is prefixed with '."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def safe_text(text: str) -> str:
    """A text cell as it may be written to CSV: line breaks as LF, then ``neutralise``.

    Python's csv writer (``lineterminator="\n"``) does not quote a bare CR, which spreadsheets read
    as a new row: ``"x\r=HYPERLINK(...)"`` would start a row with a formula. As LF the break is
    quoted and stays inside its cell.
    """
    return neutralise(text.replace("\r\n", "\n").replace("\r", "\n"))


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
    return safe_text(str(value))


def marked(header: list[str], rows: list[tuple], synthetic: bool) -> tuple[list[str], list[tuple]]:
    """The header and rows with the synthetic marker column first (a demo delivery), else as they are."""
    if not synthetic:
        return header, rows
    return [SYNTHETIC_COLUMN, *header], [(SYNTHETIC_VALUE, *row) for row in rows]


def render_csv(header: list[str], rows: list[tuple], delimiter: str = ",", decimal: str = ".") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v, decimal) for v in row])
    return buffer.getvalue()


def indicator_rows(con: duckdb.DuckDBPyConnection, municipality_code: str,
                   year: int | None = None) -> list[tuple]:
    """One area's rows of ``export.indicator_values`` (of one year: periods naming it), in key order."""
    where, params = "municipality_code = ?", [municipality_code]
    if year is not None:
        where += " and period like ?"
        params.append(f"%{year}%")
    columns = ", ".join(VALUE_COLUMNS)
    return con.execute(
        f"select {columns} from export.indicator_values where {where} "
        "order by indicator_id, period, sex, breakdown, breakdown_value, unit", params).fetchall()


def all_indicator_rows(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every area's rows of ``export.indicator_values`` in one read, as ``indicator_rows`` gives them.

    The view is costly to evaluate and cheap to read whole: the deliveries of a build read it once.
    """
    columns = ", ".join(VALUE_COLUMNS)
    code = VALUE_COLUMNS.index("municipality_code")
    rows: dict[str, list[tuple]] = {}
    for row in con.execute(f"select {columns} from export.indicator_values order by municipality_code, "
                           "indicator_id, period, sex, breakdown, breakdown_value, unit").fetchall():
        rows.setdefault(row[code], []).append(row)
    return rows


def catalogue_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    columns = ", ".join(CATALOGUE_COLUMNS)
    return con.execute(f"select {columns} from export.indicator_catalogue order by indicator_id").fetchall()


def municipality_name(con: duckdb.DuckDBPyConnection, municipality_code: str) -> str:
    row = con.execute("select name from meta.municipalities where code = ?", [municipality_code]).fetchone()
    return row[0] if row and row[0] else municipality_code


def _schema(fields: dict[str, tuple[str, str, str, dict]], primary_key: list[str]) -> dict:
    described = []
    for name, (kind, title, description, constraints) in fields.items():
        field = {"name": name, "type": kind, "title": title, "description": description}
        if kind == "date":
            field["format"] = "%Y-%m-%d"
        if constraints:
            field["constraints"] = constraints
        described.append(field)
    return {"fields": described, "missingValues": [""], "primaryKey": primary_key}


def _resource(name: str, path: str, content: bytes, title: str, description: str, schema: dict) -> dict:
    return {
        "name": name,
        "path": path,
        "profile": "tabular-data-resource",
        "title": title,
        "description": description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(content),
        "hash": "sha256:" + hashlib.sha256(content).hexdigest(),
        "dialect": {"delimiter": ",", "quoteChar": "\"", "header": True, "lineTerminator": "\n"},
        "schema": schema,
    }


def datapackage(municipality_code: str, name: str, values_csv: bytes, catalogue_csv: bytes,
                has_catalogue: bool, run_id: str | None = None, synthetic: bool = False) -> str:
    """The Frictionless descriptor of the two CSVs (stable key order, no timestamps)."""
    mark = {SYNTHETIC_COLUMN: SYNTHETIC_FIELD} if synthetic else {}
    values_schema = _schema(mark | VALUE_FIELDS, VALUE_KEY)
    if has_catalogue:
        # every indicator id in the values file is described in the catalogue
        values_schema["foreignKeys"] = [
            {"fields": ["indicator_id"], "reference": {"resource": "indikatorer", "fields": ["indicator_id"]}}]
    descriptor = {
        "profile": "tabular-data-package",
        "name": f"socek-{municipality_code}-indikatorer",
        "title": ("FIKTIVA DATA – demo: " if synthetic else "") + f"Indikatorer för sociala företag: {name} ({municipality_code})",
        "description": (
            "Indicator values SE01-SE20 on social enterprises (socek) for one municipality, in the long "
            "format of DESIGN §5, disclosure-controlled: suppressed values (conf_status C or D) and missing "
            "values (obs_status L or M) are blank. indikatorvarden_excel.csv holds the same values for Swedish "
            "Excel (';', decimal comma, UTF-8 BOM); SHA256SUMS lists the checksums of every file."),
        "keywords": ["social enterprises", "sociala företag", "Agenda 2030", "Region Örebro län"],
        "sources": [{"title": "Municipal registers (socek inbox)"}, {"title": "Kolada (RKA)", "path": "https://www.kolada.se"},
                    {"title": "SCB", "path": "https://www.scb.se"},
                    {"title": "Bolagsverket", "path": "https://bolagsverket.se"}],
        "resources": [
            _resource("indikatorvarden", VALUES_FILE, values_csv, "Indikatorvärden",
                      "One row per indicator, area, period, sex, breakdown and unit.", values_schema),
            _resource("indikatorer", CATALOGUE_FILE, catalogue_csv, "Indikatorkatalog",
                      "The indicator catalogue: definitions, units, action-plan areas, Agenda 2030 targets.",
                      _schema(mark | CATALOGUE_FIELDS, ["indicator_id"])),
        ],
    }
    if run_id:
        descriptor[RUN_ID_PROPERTY] = run_id
    if synthetic:
        descriptor[SYNTHETIC_PROPERTY] = True
        descriptor["description"] = SYNTHETIC_NOTE.split("\n\n", 1)[1].strip() + " " + descriptor["description"]
    return json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"


def checksums(files: dict[str, bytes]) -> str:
    """``sha256sum`` format: ``<hex>  <name>`` per file, sorted by name."""
    return "".join(f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n" for name in sorted(files))


def delivery_dir(exports_root: Path, municipality_code: str, on: date, year: int | None = None) -> Path:
    """``<kommun>-<day>``; a delivery of one year only gets its own name, ``<kommun>-<day>-only-<year>``,
    so it never replaces the full delivery."""
    suffix = f"-only-{year}" if year is not None else ""
    return exports_root / f"{municipality_code}-{on.isoformat()}{suffix}"


def delivery_files(con: duckdb.DuckDBPyConnection, municipality_code: str, year: int | None = None,
                   values: list[tuple] | None = None) -> dict[str, bytes]:
    """Every file of one municipality's delivery, as bytes, from an open warehouse connection
    (``values``: its rows of ``export.indicator_values`` when they were read already)."""
    # imported here: the disclosure engine (SciPy) is loaded only when exporting
    from flows.outputs.disclosure.control import require_decided

    require_decided(con)
    source = provenance(con)
    synthetic = bool(source.get("synthetic"))
    values = indicator_rows(con, municipality_code, year) if values is None else values
    catalogue = catalogue_rows(con)
    check_rows(f"the delivery of {municipality_code}, {VALUES_FILE}", VALUE_COLUMNS, values)
    check_rows(f"the delivery of {municipality_code}, {CATALOGUE_FILE}", CATALOGUE_COLUMNS, catalogue)
    values_csv = render_csv(*marked(VALUE_COLUMNS, values, synthetic)).encode("utf-8")
    catalogue_csv = render_csv(*marked(CATALOGUE_COLUMNS, catalogue, synthetic)).encode("utf-8")
    excel_csv = (UTF8_BOM + render_csv(*marked(VALUE_COLUMNS, values, synthetic), delimiter=";", decimal=",")
                 ).encode("utf-8")
    package = datapackage(municipality_code, municipality_name(con, municipality_code), values_csv, catalogue_csv,
                          has_catalogue=bool(catalogue), run_id=source.get("run_id"),
                          synthetic=synthetic).encode("utf-8")
    files = {VALUES_FILE: values_csv, CATALOGUE_FILE: catalogue_csv, PACKAGE_FILE: package, EXCEL_FILE: excel_csv}
    if synthetic:
        files[SYNTHETIC_FILE] = SYNTHETIC_NOTE.encode("utf-8")
    files[CHECKSUM_FILE] = checksums(files).encode("utf-8")
    return files


def delivery_run_id(folder: Path) -> str | None:
    """The run id a delivery folder says it was built from (None: missing or unreadable)."""
    try:
        return json.loads((Path(folder) / PACKAGE_FILE).read_text(encoding="utf-8")).get(RUN_ID_PROPERTY)
    except (OSError, ValueError, AttributeError):
        return None


def stale_deliveries(exports_root: Path, codes: list[str], on: date, run_id: str) -> dict[str, str]:
    """Municipalities whose delivery of the build ``run_id`` (made on ``on``) is missing or is
    another build's: kommunkod -> what is wrong."""
    stale = {}
    for code in codes:
        folder = delivery_dir(exports_root, code, on)
        found = delivery_run_id(folder)
        if found != run_id:
            stale[code] = f"{folder.name} is missing" if not folder.exists() else f"{folder.name} holds run {found}"
    return stale


def stage_delivery(published: Path, exports_root: Path, municipality_code: str, on: date, run_id: str,
                   year: int | None = None) -> Staged:
    """Write one municipality's delivery beside its final folder (``<folder>.staged-<run_id>``);
    ``flows.outputs.staging.commit`` moves it into place."""
    con = connect(published, read_only=True)
    try:
        files = delivery_files(con, municipality_code, year)
    finally:
        con.close()
    final = delivery_dir(exports_root, municipality_code, on, year)
    return Staged(final, _write_folder(staged_path(final, run_id), files))


def stage_deliveries(published: Path, exports_root: Path, codes: list[str], on: date,
                     run_id: str) -> Iterator[Staged]:
    """``stage_delivery`` for each of ``codes``, from one connection and one read of the values;
    yields each delivery once it is written."""
    con = connect(published, read_only=True)
    try:
        values = all_indicator_rows(con)
        for code in codes:
            final = delivery_dir(exports_root, code, on)
            files = delivery_files(con, code, values=values.get(code, []))
            yield Staged(final, _write_folder(staged_path(final, run_id), files))
    finally:
        con.close()


def write_delivery(published: Path, exports_root: Path, municipality_code: str, on: date,
                   year: int | None = None) -> Path:
    """Write the delivery folder for one municipality from the published database (``socek export``)."""
    staged = stage_delivery(published, exports_root, municipality_code, on, f"export-{os.getpid()}", year)
    try:
        commit([staged])
    except SocekError as exc:
        raise ExportError(str(exc)) from None
    return staged.final


def ensure_writable_folder(root: Path) -> None:
    """Fail early, with ``ExportError`` naming the folder, when deliveries cannot be written under
    ``root`` (it is a file, not writable, or its disk is full). The run checks this before it
    publishes, so such a run publishes nothing."""
    probe = Path(root) / f".socek-write-probe-{os.getpid()}"
    try:
        Path(root).mkdir(parents=True, exist_ok=True)
        with open(probe, "wb") as handle:
            handle.write(b"socek checks that deliveries can be written here\n")
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise ExportError(f"cannot write deliveries to the export folder {root}: {exc.strerror or exc}") from None
    finally:
        try:
            probe.unlink(missing_ok=True)
        except OSError:
            pass


def _write_folder(target: Path, files: dict[str, str | bytes]) -> Path:
    """Write all files to ``target`` (a staging name; replaced if it exists)."""
    try:
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for name, content in files.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            (target / name).write_bytes(data)
    except OSError as exc:
        shutil.rmtree(target, ignore_errors=True)
        raise ExportError(f"cannot write the delivery {target}: {exc.strerror or exc}") from None
    return target
