"""The baseline (d): bare DuckDB over the same files, with no validation and no orchestration.

What it does, in one process and one DuckDB connection:

- every delivered inbox file is read with ``read_csv`` (one call per dataset and publisher layout,
  all of that group's files at once, ``all_varchar``), its columns mapped onto the canonical ones
  and cast in SQL (decimal comma, thousands separators, ``YYYYMM`` dates, blank markers), and
  inserted into ``raw.<dataset>`` with its ``meta.files`` row;
- the two bulk files are unzipped to a temporary folder and read with ``read_csv``; the same
  selection as socek's streaming reader (registered enterprises, social-economy legal forms in the
  county, no sole traders) is made in SQL;
- the Kolada and SCB recorded responses (a few hundred kB of JSON) are decoded with socek's own
  decoders, as there is no CSV to read;
- then every file of ``sql/`` runs, exactly as in the pipeline's transform.

No Great Expectations, no quarantine, no pseudonymisation, no Prefect, no build-copy-publish: the
floor of what reading the same files and computing the same indicators costs on this machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import tomllib
import zipfile
from datetime import date
from pathlib import Path

import duckdb


def _encoding(name: str) -> str:
    return {"utf-16-le": "utf-16", "utf-16-be": "utf-16", "cp1252": "latin-1", "utf-8-sig": "utf-8"}.get(name, name)


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _column_expression(column, source: str | None, profile, code_expr: str) -> str:
    from flows.datasets import BOOL, DATE, DECIMAL, INT

    if source is None:
        value = "null"
    else:
        value = f"nullif(trim(\"{source}\"), '')"
        for marker in profile.blank_values.get(column.name, []):
            value = f"nullif({value}, {_sql_text(marker)})"
    if column.name in profile.constants:
        value = f"coalesce({value}, {_sql_text(profile.constants[column.name])})"
    if column.is_municipality:
        value = f"coalesce({value}, {code_expr})"
    if column.type == DECIMAL:
        plain = value
        for separator in (profile.thousands,) if profile.thousands else ():
            plain = f"replace({plain}, {_sql_text(separator)}, '')"
        if profile.decimal == ",":
            plain = f"replace({plain}, ',', '.')"
        return f"try_cast({plain} as decimal(18,2))"
    if column.type == INT:
        return f"try_cast(replace({value}, ' ', '') as bigint)"
    if column.type == DATE:
        formats = ", ".join(f"try_strptime({value}, {_sql_text(f)})" for f in profile.date_formats)
        return f"cast(coalesce({formats}) as date)"
    if column.type == BOOL:
        return f"lower({value}) in ('true', 'ja', 'j', 'yes', '1', 'x')"
    return value


def load_inbox(con: duckdb.DuckDBPyConnection, settings) -> int:
    """Read every delivery group with read_csv and insert it into raw.* and meta.files."""
    from flows.datasets import DATASETS
    from flows.intake.discovery import DEFAULT_PROFILE, PROFILE_MAP
    from flows.intake.profiles import get_profile, header_key

    inbox = settings.path("inbox")
    groups: dict[tuple[str, str], list[str]] = {}
    for code in settings.municipality_codes:
        folder = inbox / code
        if not folder.is_dir():
            continue
        chosen = tomllib.loads((folder / PROFILE_MAP).read_text(encoding="utf-8")) if (folder / PROFILE_MAP).is_file() else {}
        for dataset in settings.datasets:
            files = sorted(str(p) for p in (folder / dataset).glob("*") if p.is_file() and not p.name.startswith("."))
            if files:
                groups.setdefault((dataset, chosen.get(dataset, DEFAULT_PROFILE)), []).extend(files)
    rows = 0
    for (dataset, profile_name), files in sorted(groups.items()):
        profile = get_profile(profile_name)
        layout = profile.file
        if layout.format != "csv":
            raise SystemExit(f"baseline: {profile_name} is {layout.format}; the bench writes CSV only")
        contract = DATASETS[dataset]
        file_list = "[" + ", ".join(_sql_text(f) for f in files) + "]"
        delim = "\\t" if layout.delimiter == "\t" else layout.delimiter
        con.execute(f"""
            create or replace temp table delivered as
            select * from read_csv({file_list}, delim = '{delim}', header = true, all_varchar = true,
                                   encoding = '{_encoding(layout.encoding)}', quote = '"', filename = true,
                                   union_by_name = true, null_padding = true)""")
        delivered = {header_key(c): c for c, in con.execute(
            "select column_name from duckdb_columns() where table_name = 'delivered'").fetchall()}
        code_expr = "split_part(replace(filename, '\\', '/'), '/', -3)"
        selects = []
        for column in contract.delivered_columns:  # the derived ones are computed below
            source = next((delivered[header_key(h)] for h in profile.headers_for(column.name)
                           if header_key(h) in delivered), None)
            if column.name in profile.absent:
                source = None
            selects.append(f"{_column_expression(column, source, profile, code_expr)} as {column.name}")
        if dataset == "supplier_invoices":
            selects.append("""case when leverantor_id is null then 'blank' when leverantor_id like '%*%' then 'masked'
                                   when regexp_full_match(leverantor_id, '\\d{6}-?\\d{4}') then 'orgnr'
                                   else 'invalid' end as leverantor_id_kind""")
        columns = ", ".join(selects)
        lineage = ("md5(filename) as _file_id, filename as _source_file, null as _sha256, "
                   "row_number() over (partition by filename) as _row_number, 'baseline' as _run_id, "
                   "now()::timestamp as _loaded_at")
        con.execute(f"""
            insert into raw.{dataset} by name
            with mapped as (select {columns}, {lineage} from delivered)
            select * from mapped""")
        con.execute(f"""
            insert or replace into meta.files by name
            select md5(filename) as file_id, filename as path, null as sha256, '{dataset}' as dataset,
                   {code_expr} as municipality_code, '{profile_name}' as profile,
                   count(*) as rows_read, count(*) as rows_loaded, 0 as rows_quarantined,
                   'loaded' as status, null as superseded_by, 'baseline' as run_id
            from delivered group by filename""")
        rows += con.execute("select count(*) from delivered").fetchone()[0]
    con.execute("drop table if exists delivered")
    return rows


def load_bulk(con: duckdb.DuckDBPyConnection, settings, scratch: Path) -> None:
    """Unzip the two bulk files and select the kept rows in SQL."""
    folder = settings.path("snapshots") / "bolagsverket"
    members = {}
    for name in ("bolagsverket_bulkfil.zip", "scb_bulkfil.zip"):
        with zipfile.ZipFile(folder / name) as archive:
            info = archive.infolist()[0]
            target = scratch / info.filename
            with archive.open(info) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
            members[name] = target
    bulk = settings.sources.bulk
    prefixes = "[" + ", ".join(_sql_text(p) for p in bulk.county_postcode_prefixes) + "]"
    towns = "[" + ", ".join(_sql_text(t) for t in bulk.county_postorter) + "]"
    con.execute("create or replace temp table keep as select distinct org_nr from raw.enterprises")
    con.execute(f"""
        insert into raw.bolagsverket_register by name
        with source as (
            select * from read_csv('{members["bolagsverket_bulkfil.zip"]}', delim = ';', quote = '"',
                                   header = true, all_varchar = true, strict_mode = false, ignore_errors = true)
        ),
        parsed as (
            select
                regexp_replace(split_part(organisationsidentitet, '$', 1), '[^0-9]', '', 'g') as org_nr,
                split_part(organisationsidentitet, '$', 2) as id_type,
                organisationsnamn,
                replace(organisationsform, '-ORGFO', '') as legal_form,
                try_cast(registreringsdatum as date) as registration_date,
                try_cast(avregistreringsdatum as date) as deregistration_date,
                nullif(replace(avregistreringsorsak, '-AVORG', ''), '') as deregistration_reason,
                pagandeAvvecklingsEllerOmstruktureringsforfarande as ongoing,
                string_split(postadress, '$') as address,
                nullif(trim(verksamhetsbeskrivning), '') as description
            from source
        ),
        addressed as (
            select *,
                regexp_replace(coalesce(address[4], ''), '\\s', '', 'g') as code_field,
                upper(trim(coalesce(address[3], ''))) as town_field
            from parsed where id_type <> 'PERSON-IDORG' and length(org_nr) = 10
        ),
        located as (
            select *,
                case when regexp_full_match(code_field, '\\d{{5}}') then code_field
                     when regexp_full_match(regexp_replace(town_field, '\\s', '', 'g'), '\\d{{5}}')
                     then regexp_replace(town_field, '\\s', '', 'g') end as postnummer,
                case when regexp_full_match(code_field, '\\d{{5}}') then town_field else code_field end as postort
            from addressed
        ),
        kept as (
            select * from located
            where org_nr in (select org_nr from keep)
               or (legal_form in ('EK', 'I', 'S')
                   and (list_contains({prefixes}, left(postnummer, 3)) or list_contains({towns}, postort)))
        ),
        final as (
            select org_nr,
                   split_part(list_last(string_split(organisationsnamn, '|')), '$', 1) as name,
                   legal_form, registration_date, deregistration_date, deregistration_reason,
                   nullif(replace(split_part(trim(ongoing, '|'), '$', 1), '-AVOMFO', ''), '') as ongoing_procedure,
                   try_cast(split_part(ongoing, '$', 2) as date) as ongoing_procedure_date,
                   postnummer, postort, description,
                   'baseline' as _source_file, 'baseline' as _sha256, now()::timestamp as _retrieved_at,
                   'baseline' as _run_id
            from kept
        )
        select * from final""")
    con.execute(f"""
        insert into raw.scb_register by name
        with source as (
            select * from read_csv('{members["scb_bulkfil.zip"]}', delim = '\\t', quote = '', header = true,
                                   all_varchar = true, encoding = 'latin-1', strict_mode = false, ignore_errors = true)
        ),
        parsed as (
            select substr(PeOrgNr, 3) as org_nr, PeOrgNr, Namn as name, lpad(JurForm, 2, '0') as jur_form,
                   Ng1 as sni_1, Ng2 as sni_2, Ng3 as sni_3, Ng4 as sni_4, Ng5 as sni_5,
                   regexp_replace(PostNr, '\\s', '', 'g') as postnummer, upper(PostOrt) as postort,
                   try_strptime(RegDatKtid, '%Y%m%d')::date as registration_date, JEStat as status
            from source where length(PeOrgNr) = 12 and PeOrgNr like '16%'
        ),
        final as (
            select * exclude (PeOrgNr), 'baseline' as _source_file, 'baseline' as _sha256,
                   now()::timestamp as _retrieved_at, 'baseline' as _run_id
            from parsed
            where org_nr in (select org_nr from keep)
               or (jur_form in ('51', '61', '72')
                   and (list_contains({prefixes}, left(postnummer, 3)) or list_contains({towns}, postort)))
        )
        select * from final""")


def run_baseline(config: Path, database: Path) -> dict:
    from flows.config import load_config
    from flows.sources import collect as external
    from flows.sources.api import collect_kolada, collect_scb
    from flows.warehouse import load as loading
    from flows.warehouse import meta_tables, sql_runner

    settings = load_config(config)
    database.unlink(missing_ok=True)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    con = duckdb.connect(str(database))
    try:
        sql_runner.create_tables(con)
        meta_tables.write_settings(con, settings)
        rows = load_inbox(con, settings)
        timings["read_csv inbox"] = time.perf_counter() - start
        mark = time.perf_counter()
        with tempfile.TemporaryDirectory(dir=database.parent) as scratch:
            load_bulk(con, settings, Path(scratch))
        timings["bulk files"] = time.perf_counter() - mark
        mark = time.perf_counter()
        today = date.today()
        results = {"kolada": collect_kolada(settings, today), "scb": collect_scb(settings, today)}
        for table, source in external.RAW_TABLES.items():
            if source in results:
                frame = external.with_lineage(results[source].tables[table], results[source], "baseline")
                loading.replace_table(con, "raw", table, frame)
        con.execute("""insert into meta.source_status by name
                       select unnest(['kolada', 'scb', 'bolagsverket']) as source, 'snapshot' as origin,
                              false as provisional, now()::timestamp as retrieved_at, null as warning,
                              'baseline' as run_id""")
        timings["api snapshots"] = time.perf_counter() - mark
        mark = time.perf_counter()
        files = sql_runner.transform(con)
        con.execute("checkpoint")
        timings["sql transform"] = time.perf_counter() - mark
        values = con.execute("select count(*) from indicators.indicator_values").fetchone()[0]
    finally:
        con.close()
    return {"rows": rows, "sql_files": len(files), "indicator_values": values,
            "seconds": time.perf_counter() - start, "timings": {k: round(v, 2) for k, v in timings.items()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="bare-DuckDB baseline over a bench workspace")
    parser.add_argument("--config", required=True, type=Path)
    parser.add_argument("--database", required=True, type=Path)
    args = parser.parse_args(argv)
    print(json.dumps(run_baseline(args.config, args.database)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
