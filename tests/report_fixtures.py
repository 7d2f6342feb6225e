"""A published-style warehouse for the report tests, built once per test session.

The synthetic demo registers (``flows.demo.registers``: Lekeberg's 2022 enterprise and the rest of the county),
invented context figures (SCB population, Kolada values, bulk-register candidates), realistic
``meta.files`` rows, a recorded run, source statuses and some quarantined rows are loaded into a
DuckDB file and every file of ``sql/`` is run once, as a run builds and publishes the warehouse.
``flows.outputs.report.sections.write_report`` then opens it read-only, as it opens the published one.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from flows.config import load_config
from flows.datasets import dataset
from flows.demo import registers as demo
from flows.outputs.disclosure import control
from flows.warehouse import load as loading
from flows.warehouse import meta_tables, sql_runner

RUN_ID = "20260301T020000Z-abc123"
RUN_STARTED = "2026-03-01 02:00:00"
QUARANTINED = {("1814", "grants"): 2, ("1814", "supplier_invoices"): 3}


def demo_tables(settings, seed: int = 42) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    """Raw rows per ``raw.<dataset>`` and the matching ``meta.files`` rows (one file per
    municipality and dataset; Lekeberg's grants and ledger files with some quarantined rows)."""
    tables: dict[str, list[pd.DataFrame]] = {}
    files = []
    for (code, name), frame in sorted(demo.generate_registers(settings, seed=seed).items()):
        if frame.empty:
            continue
        file_id = f"{code}-{name}"
        frame = frame.copy()
        frame["_file_id"] = file_id
        tables.setdefault(f"raw.{name}", []).append(frame)
        quarantined = QUARANTINED.get((code, name), 0)
        dated = dataset(name).period_column is not None  # a full register has no period
        files.append({
            "file_id": file_id, "path": f"{code}/{name}/{name}.csv", "sha256": file_id, "dataset": name,
            "municipality_code": code, "profile": "canonical",
            "period_start": pd.Timestamp(f"{settings.thresholds.first_year}-01-01").date() if dated else None,
            "period_end": pd.Timestamp(f"{settings.thresholds.last_year}-12-31").date() if dated else None,
            "rows_read": len(frame) + quarantined, "rows_loaded": len(frame), "rows_quarantined": quarantined,
            "status": "loaded", "superseded_by": None, "run_id": RUN_ID, "reason": None, "file_format": "csv"})
    return {name: pd.concat(frames, ignore_index=True) for name, frames in tables.items()}, files


# Invented, round context figures (not real statistics): inhabitants per municipality, and Kolada
# values for the context indicators SE16-SE20; the latest year is missing, as Kolada lags a year.
POPULATION = {"1814": 8000, "1860": 5600, "1861": 15900, "1862": 9600, "1863": 6900, "1864": 4600,
              "1880": 160000, "1881": 22000, "1882": 11400, "1883": 30500, "1884": 10700, "1885": 23800}
KOLADA = {"N03926": 3.0, "N02243": 80.0, "N02797": 6.0, "N31807": 3.5, "N00999": 5.0}
CANDIDATES = (("8020000017", "FJUGESTA", "61"), ("7696000012", "FJUGESTA", "51"), ("7696000020", "ÖREBRO", "51"),
              ("8020000025", "OKÄND ORT", "61"))


def context_tables(settings) -> dict[str, list[dict]]:
    """SCB population, Kolada values and bulk-register candidates, as the readers would land them."""
    years = range(settings.thresholds.first_year, settings.thresholds.last_year + 1)
    fetched = pd.Timestamp("2026-02-20 03:00:00")
    population = [{"region_code": code, "sex": sex, "age": "tot", "year": year,
                   "value": float(round(people * (1 + 0.005 * (year - years.start)) / 2)), "table_id": "TAB638",
                   "cell_key_noise": year >= 2025, "_retrieved_at": fetched}
                  for code, people in POPULATION.items() for year in years for sex in ("K", "M")]
    areas = {m.code: m.kolada_code for m in settings.municipalities} | {"0018": settings.region.kolada_code}
    kolada = [{"kpi_id": kpi, "area_code": kolada_code, "period": year, "gender": sex,
               "value": round(base + 0.1 * (int(code) % 7) - 0.05 * (year - years.start), 1), "count": 1,
               "status": "", "is_deleted": False, "_retrieved_at": fetched}
              for kpi, base in KOLADA.items() for code, kolada_code in sorted(areas.items())
              for year in years[:-1] for sex in (("T",) if kpi in ("N31807", "N00999") else ("T", "K", "M"))]
    scb = [{"org_nr": org_nr, "name": f"Kandidatföreningen {n} (fiktiv)", "jur_form": form, "sni_1": "88990",
            "postnummer": "71631", "postort": town, "registration_date": pd.Timestamp("2018-05-02").date(),
            "status": "1", "_retrieved_at": fetched} for n, (org_nr, town, form) in enumerate(CANDIDATES, 1)]
    return {"raw.scb_population": population, "raw.kolada_values": kolada, "raw.scb_register": scb}


def build_database(path: Path, settings=None, seed: int = 42) -> Path:
    """Write the warehouse file: tables of ``sql/``, the rows, the run's meta records, then every
    view (one transform, as a run does)."""
    settings = settings or load_config()
    rows, files = demo_tables(settings, seed)
    path = Path(path)
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        sql_runner.create_tables(con)
        meta_tables.write_settings(con, settings)
        loaded_at = pd.Timestamp(RUN_STARTED)
        for qualified_name, frame in rows.items():
            _insert(con, qualified_name, frame.assign(_row_number=range(1, len(frame) + 1), _loaded_at=loaded_at,
                                                      _run_id=RUN_ID))
        _insert(con, "meta.files", files)
        for qualified_name, context_rows in context_tables(settings).items():
            _insert(con, qualified_name, context_rows)
        loading.record_run(con, {
            "run_id": RUN_ID, "started_at": RUN_STARTED, "finished_at": "2026-03-01 02:04:10",
            "status": "succeeded", "mode": "offline", "files_seen": len(files), "files_new": len(files),
            "rows_loaded": sum(f["rows_loaded"] for f in files),
            "rows_quarantined": sum(f["rows_quarantined"] for f in files), "warnings": None, "error": None,
            "stage_timings": {}})
        con.execute("""insert into meta.source_status values
            ('kolada', 'snapshot', false, '2026-02-20 03:00:00', null, ?),
            ('scb', 'fallback', true, '2025-01-10 03:00:00', 'SCB svarade inte; senaste ögonblicksbild används', ?)""",
                    [RUN_ID, RUN_ID])
        for (code, name), count in QUARANTINED.items():
            for row_number in range(1, count + 1):
                con.execute("insert into meta.quarantine values (?, ?, ?, ?, ?, ?, ?)",
                            [f"{code}-{name}", 10_000 + row_number, name,
                             "org_nr:check_digit" if row_number == 1 else "nettobelopp:decimal",
                             "test reason", "{}", RUN_ID])
        sql_runner.transform(con)
        control.disclose(con, "test-run")  # as the run's disclose stage does
        con.execute("checkpoint")
    finally:
        con.close()
    return path


def _insert(con: duckdb.DuckDBPyConnection, qualified_name: str, rows: list[dict] | pd.DataFrame) -> None:
    """Append rows to a table, filling the columns they do not name with NULL."""
    schema, table = qualified_name.split(".")
    columns = [c for (c,) in con.execute(
        "select column_name from duckdb_columns() where schema_name = ? and table_name = ? order by column_index",
        [schema, table]).fetchall()]
    frame = (rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)).reindex(columns=columns)
    con.register("_rows", frame)
    try:
        con.execute(f"insert into {schema}.{table} select * from _rows")
    finally:
        con.unregister("_rows")


@functools.lru_cache(maxsize=None)
def demo_warehouse() -> Path:
    """The demo warehouse as a file, built once per session (read it only; never modify it)."""
    folder = Path(tempfile.mkdtemp(prefix="socek-report-test-"))
    atexit.register(shutil.rmtree, folder, True)
    return build_database(folder / "socek.duckdb")
