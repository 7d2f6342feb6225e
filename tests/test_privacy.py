"""Privacy: no personal identity number from any input reaches the warehouse or leaves it, and
without the hashing key a delivery holding one is refused (fails closed).

Only Skatteverket's official test numbers are used (199001012385, 201701012393):
the demo ledgers of Örebro (1880) and Nora (1884) carry them as supplier ids of sole traders.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from flows.demo.layouts import write_table
from flows.intake.pseudonymise import ENV_VAR
from tests.faultkit import (
    TEST_PERSONNUMMER,
    personnummer_in,
    personnummer_in_warehouse,
    quiet_night,
    run_in_process,
    small_project,
)


def personnummer_in_files(folder) -> list[tuple[str, str]]:
    """Personal identity numbers in every text file under ``folder`` (CSV, JSON, HTML, Markdown)."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".csv", ".json", ".html", ".md", ".txt", ""):
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [(str(path), number) for number in personnummer_in(text)]
    return found


@pytest.fixture(scope="module")
def night(tmp_path_factory, prefect_server):
    return quiet_night(tmp_path_factory.getbasetemp())


@pytest.mark.slow
@pytest.mark.prefect
def test_no_personal_identity_number_from_any_input_is_in_the_published_warehouse(night):
    inbox = night["settings"].path("inbox")
    delivered = personnummer_in_files(inbox)
    # not vacuous: the demo deliveries do carry test numbers (Nora's CSV ledgers, in clear)
    assert {t.replace("-", "") for _, t in delivered} & set(TEST_PERSONNUMMER)
    assert night["runs"][0]["personnummer"] == []  # every text column of every table and view, after run 1
    assert personnummer_in_warehouse(night["published"]) == []  # and after all three runs


@pytest.mark.slow
@pytest.mark.prefect
def test_no_personal_identity_number_leaves_in_exports_reports_or_validation_reports(night):
    settings = night["settings"]
    for folder in (settings.path("exports"), settings.path("reports")):
        assert personnummer_in_files(folder) == []


def test_the_scan_finds_a_planted_number(tmp_path):
    path = tmp_path / "planted.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema raw; create table raw.t (id integer, note varchar, org varchar)")
    con.execute("insert into raw.t values (1, 'kontakt 19900101-2385 om fakturan', '5560360793'), "
                "(2, 'pnr:0123456789abcdef', '556036-0793')")
    con.close()
    assert personnummer_in_warehouse(path) == [("raw.t.note", "19900101-2385")]


@pytest.mark.slow
@pytest.mark.prefect
def test_without_the_hashing_key_a_file_with_personal_identity_numbers_is_refused(tmp_path, monkeypatch,
                                                                                  prefect_server):
    monkeypatch.delenv(ENV_VAR, raising=False)
    settings = small_project(tmp_path, codes=("1814",), scale=0.2)
    (settings.path("secrets")).unlink()  # the demo made a local key; this installation has none
    ledger = settings.path("inbox") / "1814" / "supplier_invoices" / "sole-traders-2024.csv"
    rows = [{"kopare_id": "2120002908", "kopare": "Lekebergs kommun", "verifikationsnummer": f"V{n}",
             "leverantor": name, "leverantor_id": pnr, "konto_nr": "45490", "konto_text": "Konsulter",
             "bokforingsdatum": "2024-03-0" + str(n), "forvaltning": "KS", "fakturanummer": f"F{n}",
             "nettobelopp": "1250.00", "kommun_id": "1814"}
            for n, (name, pnr) in enumerate([("Firma Test", "19900101-2385"), ("Test Enskild", "201701012393"),
                                             ("Saab AB", "5560360793")], start=1)]
    write_table(pd.DataFrame(rows), ledger, "canonical", dataset="supplier_invoices")

    record = run_in_process(settings)

    published = settings.path("warehouse")
    con = duckdb.connect(str(published), read_only=True)
    try:
        (status, reason, read, quarantined), = con.execute(
            "select status, reason, rows_read, rows_quarantined from meta.files where path like '%sole-traders%'"
        ).fetchall()
        rule = con.execute("select q.rule from meta.quarantine q join meta.files f using (file_id) "
                           "where f.path like '%sole-traders%'").fetchall()
        loaded_elsewhere = con.execute("select count(*) from raw.enterprises").fetchone()[0]
    finally:
        con.close()
    assert record["status"] == "warnings" and "sole-traders-2024.csv: file rejected" in record["warnings"]
    assert status == "rejected" and "no pseudonymisation key is configured" in reason
    assert rule == [("file:no_hash_key",)] and read == quarantined  # counted, not lost
    assert loaded_elsewhere > 0  # files without such numbers are still read
    assert personnummer_in_warehouse(published) == []
    for folder in (settings.path("exports"), settings.path("reports")):
        assert personnummer_in_files(folder) == []


def test_the_key_never_comes_from_the_repository():
    from tests.conftest import ROOT

    config = (ROOT / "config" / "pipeline.toml").read_text(encoding="utf-8")
    assert "hash_key" not in config
    assert "/.secrets/" in (ROOT / ".gitignore").read_text(encoding="utf-8")
