"""One real nightly run (and reruns) over the synthetic demo inbox, in a temporary folder."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys

import duckdb
import pytest

from flows.config import load_config
from flows.demo.setup import prepare_demo
from tests.e2e import write_config

pytestmark = [pytest.mark.slow, pytest.mark.prefect]


@pytest.fixture(scope="module")
def demo(tmp_path_factory, prefect_server):
    """The demo inbox, run twice; a read-only reader holds the published file open during run 2."""
    from flows.nightly import nightly

    folder = tmp_path_factory.mktemp("e2e")
    config = write_config(folder)
    settings = load_config(config)
    prepare_demo(settings)
    first = nightly(config_path=str(config))
    published = settings.path("warehouse")
    first_csv = {p.name: p.read_bytes() for p in sorted(settings.path("exports").rglob("indikatorvarden.csv"))}
    first_values = _values(published)
    # An analyst's process holds the published file open read-only while run 2 publishes.
    reader = subprocess.Popen([sys.executable, "-c", READER, str(published)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    runs_seen_by_reader = int(reader.stdout.readline())
    second = nightly(config_path=str(config))
    reader_after, _ = reader.communicate("go\n", timeout=60)
    yield {
        "settings": settings, "config": config, "first": first, "second": second, "published": published,
        "first_csv": first_csv, "first_values": first_values, "reader": reader,
        "runs_seen_by_reader": runs_seen_by_reader, "reader_after": reader_after.strip(),
        "reader_exit": reader.returncode,
    }


READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("select count(*) from meta.runs").fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute("select count(*) from meta.runs").fetchone()[0],
      con.execute("select count(*) from indicators.indicator_values").fetchone()[0] > 0, flush=True)
"""


def _values(published):
    con = duckdb.connect(str(published), read_only=True)
    try:
        return con.execute("select * from indicators.indicator_values order by all").fetchall()
    finally:
        con.close()


def _query(published, sql, params=None):
    con = duckdb.connect(str(published), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_first_run_publishes_and_exports(demo):
    assert demo["first"]["status"] == "warnings"  # the demo seeds delivery mistakes on purpose
    assert demo["published"].exists()
    assert _query(demo["published"], "select count(*) from indicators.indicator_values "
                                     "where indicator_id = 'SE01'")[0][0] > 0
    exports = list(demo["settings"].path("exports").glob("1814-*/indikatorvarden.csv"))
    assert len(exports) == 1 and exports[0].read_text(encoding="utf-8").startswith("socek_synthetic,indicator_id,")


def test_every_file_is_accounted_for(demo):
    from flows.intake.discovery import discover

    published, settings = demo["published"], demo["settings"]
    inbox = settings.path("inbox")
    found = [d for d in discover(inbox, settings.municipality_codes, settings.datasets) if not d.quiet]
    assert all(d.accepted for d in found)  # the demo's README is listed quietly, never read
    # One delivery per file; JSON pages reached through `next` belong to their first page's delivery.
    delivered = {d.path.relative_to(inbox).as_posix() for d in found}
    recorded = {r[0] for r in _query(published, "select path from meta.files")}
    assert recorded == delivered
    bad = _query(published, "select path from meta.files where rows_read != rows_loaded + rows_quarantined")
    assert bad == []


def test_seeded_mistakes_are_quarantined_with_readable_reasons(demo):
    published = demo["published"]
    rows = _query(published, """select f.path, q.row_number, q.rule, q.reason from meta.quarantine q
                                join meta.files f using (file_id)""")
    rules = {r[2] for r in rows}
    assert {"org_nr:check_digit", "municipality_code:known_municipality", "participants:range",
            "start_date:type", "file:missing_column"} <= rules
    assert all(len(r[3]) > 20 for r in rows)
    statuses = dict(_query(published, "select status, count(*) from meta.files group by 1"))
    assert statuses.get("duplicate") == 1 and statuses.get("rejected") == 1
    superseded = _query(published, "select path, superseded_by from meta.files where superseded_by is not null")
    assert len(superseded) == 1 and "rattelse" not in superseded[0][0]


def test_second_run_changes_nothing(demo):
    assert demo["second"]["files_new"] == 0 and demo["second"]["status"] == "succeeded"
    assert _values(demo["published"]) == demo["first_values"]
    second_csv = {p.name: p.read_bytes() for p in sorted(demo["settings"].path("exports").rglob("indikatorvarden.csv"))}
    assert second_csv == demo["first_csv"]


def test_reader_keeps_its_copy_while_the_run_publishes(demo):
    # The reader opened the file after run 1; run 2 published anyway and the reader kept working
    # on the copy it opened (it still sees one run), while new readers see both runs.
    assert demo["reader_exit"] == 0
    assert demo["reader_after"] == f"{demo['runs_seen_by_reader']} True"
    assert _query(demo["published"], "select count(*) from meta.runs")[0][0] == demo["runs_seen_by_reader"] + 1


def test_meta_runs_has_status_and_stage_timings(demo):
    rows = _query(demo["published"], "select status, stage_timings from meta.runs order by started_at")
    assert [r[0] for r in rows] == ["warnings", "succeeded"]
    for _, timings in rows:
        # publish and commit come after the record is written into the build (the Prefect summary has them)
        assert {"intake", "collect", "load", "transform", "outputs"} <= set(__import__("json").loads(timings))


def test_redelivered_file_under_another_name_loads_nothing(demo, tmp_path):
    from flows.nightly import nightly

    settings = demo["settings"]
    source = next(settings.path("inbox").glob("1814/grants/*.csv"))
    shutil.copyfile(source, source.with_name("copy-of-" + source.name))
    before = _values(demo["published"])
    third = nightly(config_path=str(demo["config"]))
    assert third["files_new"] == 1 and third["rows_loaded"] == 0
    assert _query(demo["published"], f"select status from meta.files where path like '%copy-of-{source.name}'") == [("duplicate",)]
    assert _values(demo["published"]) == before


def test_corrected_delivery_supersedes_and_the_indicator_follows(demo):
    """The demo's March 2025 ledger of Kumla (1881) has one amount ten times too large; the
    correction delivered after it supersedes it, and SE04's share is computed from the correction."""
    published = demo["published"]
    [(old, new)] = _query(published, """select f.path, n.path from meta.files f
                                         join meta.files n on n.file_id = f.superseded_by""")
    assert old.endswith("2025-03.csv") and new.endswith("2025-03_rattelse.csv")
    # The superseded rows stay in raw (history) but are not current.
    assert _query(published, f"select count(*) from raw.supplier_invoices where _source_file = '{old}'")[0][0] > 0
    assert _query(published, f"""select count(*) from staging.supplier_invoices s
                                 join meta.files f on f.file_id = s._file_id where f.path = '{old}'""")[0][0] == 0
    # SE04's share for 1881 in 2025 = purchases from social enterprises / all postings of the
    # current deliveries: recompute the denominator from the files that are current.
    [(denominator,)] = _query(published, """
        select sum(nettobelopp) from raw.supplier_invoices r
        join meta.files f on f.file_id = r._file_id
        where f.municipality_code = '1881' and f.superseded_by is null and year(bokforingsdatum) = 2025""")
    [(with_mistake,)] = _query(published, """
        select sum(nettobelopp) from raw.supplier_invoices r
        join meta.files f on f.file_id = r._file_id
        where f.municipality_code = '1881' and f.path not like '%rattelse%' and year(bokforingsdatum) = 2025""")
    assert denominator != with_mistake
    [(value, numerator, den)] = _query(published, """
        select value, numerator, denominator from indicators.all_values
        where indicator_id = 'SE04' and municipality_code = '1881' and period = '2025'
          and unit = '%' and breakdown = 'total'""")
    assert abs(float(den) - float(denominator)) < 0.01
    assert abs(value - 100 * numerator / den) < 1e-6


def test_context_and_survival_indicators_after_the_run(demo):
    got = {r[0] for r in _query(demo["published"], "select distinct indicator_id from indicators.indicator_values")}
    assert {f"SE{n:02d}" for n in range(1, 21)} <= got
    for indicator in ("SE03", "SE16", "SE17", "SE18", "SE19", "SE20"):
        areas = {r[0] for r in _query(demo["published"], "select distinct municipality_code from "
                                      f"indicators.indicator_values where indicator_id = '{indicator}' and value is not null")}
        assert {"1814", "0018"} <= areas, indicator


def test_the_demo_publishes_no_false_zero_and_the_county_its_own_delivery(demo):
    """The standing check of docs/analyst.md returns 0 over the whole demo, and the Region gets its
    own delivery folder with the county rows."""
    from tests.test_coverage import standing_check

    assert _query(demo["published"], standing_check()) == [(0,)]
    # Ljusnarsberg's ledger carries the publisher's own supplier numbers: its purchases are missing
    assert _query(demo["published"], """select distinct obs_status from indicators.indicator_values
                                        where indicator_id in ('SE04', 'SE05') and municipality_code = '1864'""") == [
        ("L",)]
    county = list(demo["settings"].path("exports").glob("0018-*/indikatorvarden.csv"))
    assert len(county) == 1
    rows = list(csv.DictReader(county[0].read_text(encoding="utf-8").splitlines()))
    assert rows and {row["municipality_code"] for row in rows} == {"0018"}


def test_socek_suppliers_proposes_the_registered_enterprise_for_ljusnarsbergs_ledger(demo, tmp_path):
    out = tmp_path / "nyckel.csv"
    run = subprocess.run([sys.executable, "-m", "flows.cli", "--config", str(demo["config"]), "suppliers",
                          "--municipality", "1864", "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    proposal = next(line for line in run.stdout.splitlines() if "Lärkan Odling" in line)
    assert "26 postings" in proposal and "890 399.98 SEK" in proposal
    assert "proposed match: " in run.stdout.split(proposal, 1)[1].splitlines()[1]
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "leverantor_internal_id;leverantor;org_nr;reviewed_by;reviewed_on"
    assert len(rows) == 2 and "Lärkan Odling" in rows[1]


def test_every_output_of_the_demo_says_it_is_synthetic(demo):
    """The demo's warehouse, every file of every delivery and every report page carry the mark."""
    settings, published = demo["settings"], demo["published"]
    assert _query(published, "select synthetic, synthetic_reason is not null from meta.provenance") == [(True, True)]
    folders = [f for f in settings.path("exports").iterdir() if f.is_dir()]
    assert len(folders) == len(settings.delivery_codes)  # the municipalities and the county
    for folder in folders:
        files = {p.name: p.read_bytes() for p in folder.iterdir()}
        assert set(files) >= {"indikatorvarden.csv", "indikatorer.csv", "indikatorvarden_excel.csv",
                              "datapackage.json", "SHA256SUMS", "FIKTIVA-DATA.txt"}
        for name, content in files.items():
            assert b"FIKTIVA" in content, (folder.name, name)
        for name in ("indikatorvarden.csv", "indikatorer.csv"):
            header, first = files[name].decode("utf-8").splitlines()[:2]
            assert header.startswith("socek_synthetic,") and first.startswith("FIKTIVA DATA,")
        package = __import__("json").loads(files["datapackage.json"])
        assert package["socek:synthetic"] is True and package["title"].startswith("FIKTIVA DATA – demo")
        assert package["socek:run_id"] == _query(published, "select run_id from meta.provenance")[0][0]
    pages = list(settings.path("reports").glob("*/redovisning-*.html"))
    assert len(pages) == len(settings.municipality_codes)
    county = list(settings.path("reports").glob(f"{settings.region.indicator_code}/lansrapport-*.html"))
    assert len(county) == 1  # and the county report for the Region
    for page in pages + county:
        text = page.read_text(encoding="utf-8")
        assert 'class="synthetic-banner"' in text and "Fiktiva data – demo" in text


def test_the_demo_delivery_validates_as_a_data_package(demo):
    from frictionless import validate

    folder = next(demo["settings"].path("exports").glob("1814-*"))
    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_a_production_configuration_pointed_at_the_demo_warehouse_refuses_to_export(demo, tmp_path):
    import contextlib
    import io

    from flows import cli

    config = write_config(tmp_path, environment="production",
                          warehouse=f'"{demo["published"].as_posix()}"')
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli.main(["--config", str(config), "export", "--municipality", "1814"])
    assert code == 1
    assert "holds synthetic demo data" in out.getvalue() and "refusing" in out.getvalue()
    assert not (tmp_path / "exports").exists() or not any((tmp_path / "exports").iterdir())


def test_every_build_records_its_disclosure_audit_and_the_cli_repeats_it(demo):
    """The run's disclose stage wrote its audit (passed, with the information loss per indicator) into
    meta.disclosure_audit and the validation report; `socek disclosure` audits the published pattern
    again by hand and agrees."""
    run_id = _query(demo["published"], "select run_id from meta.provenance")[0][0]
    overall = _query(demo["published"], """select passed, failures, cells > 1000, checked > 0, lps_solved > 0,
                                                   narrowest_cell is not null
                                            from meta.disclosure_audit where run_id = ? and scope = 'all'""", [run_id])
    assert overall == [(True, 0, True, True, True, True)]
    scopes = {s for (s,) in _query(demo["published"], "select scope from meta.disclosure_audit where run_id = ?", [run_id])}
    assert {"SE04", "SE14", "SE15", "timeline"} <= scopes
    assert _query(demo["published"], """select count(*) from meta.disclosure_audit
                                        where run_id = ? and scope <> 'all' and share_after < share_before""",
                  [run_id]) == [(0,)]
    report = demo["settings"].path("reports") / "validation" / f"{run_id}.md"
    assert "## Disclosure control" in report.read_text(encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "flows.cli", "--config", str(demo["config"]), "disclosure"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("disclosure audit passed") and "SE14:" in run.stdout
