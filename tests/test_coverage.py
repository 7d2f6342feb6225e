"""Missing is never zero (issue 14): coverage per municipality, dataset and year; ledgers without
organisation numbers; rejected and quarantined deliveries; county totals over distinct enterprises.

Each case of the issue is rebuilt as a small fixture: Ljusnarsberg's ledger with the publisher's own
supplier numbers (with and without a reviewed crosswalk), Lindesberg's rejected 2023 procurement
file, Karlskoga's quarantined new enterprise, and one enterprise in two municipalities' registers.
"""

from __future__ import annotations

import re

import pytest

from flows.outputs.report import appendix, question1, write
from flows.outputs.report.data import ReportData, Value
from tests.conftest import ROOT
from tests.sqlkit import fixture_db, rows

LJUSNARSBERG, LINDESBERG, KARLSKOGA, LEKEBERG, OREBRO, COUNTY = "1864", "1885", "1883", "1814", "1880", "0018"
LARKAN = "7462459525"  # Lärkan Odling (fictional), in Ljusnarsberg's register
OTHER = "5560360793"


def enterprise(org_nr, muni, start="2019-01-01", name=None, file_id=None):
    return {"org_nr": org_nr, "name": name or f"Företag {org_nr} (fiktivt)", "municipality_code": muni,
            "is_wise": True, "start_date": start, "_file_id": file_id or f"reg-{muni}"}


def file(file_id, muni, dataset, *, status="loaded", start=None, end=None, read=1, loaded=1, quarantined=0,
         path=None):
    return {"file_id": file_id, "path": path or f"{muni}/{dataset}/{file_id}.csv", "sha256": file_id,
            "dataset": dataset, "municipality_code": muni, "status": status, "rows_read": read,
            "rows_loaded": loaded, "rows_quarantined": quarantined, "run_id": "r1",
            "period_start": start, "period_end": end}


def value(con, indicator, muni, period, unit=None, breakdown_value="_T"):
    sql = """select round(value, 2), obs_status, note from indicators.all_values
             where indicator_id = ? and municipality_code = ? and period = ? and sex = 'T' and breakdown_value = ?"""
    params = [indicator, muni, str(period), breakdown_value]
    if unit:
        sql += " and unit = ?"
        params.append(unit)
    (got,) = rows(con, sql, params)
    return got


# --- a ledger without organisation numbers ------------------------------------------------------

def ljusnarsberg_ledger(crosswalk: list[dict] | None = None):
    """Postings to Lärkan Odling (the ledger's own supplier number 10099) and to another supplier
    (10001); the ledger carries no organisation numbers, as Ljusnarsberg's does."""
    postings = [
        {"kopare": "Ljusnarsbergs kommun", "leverantor": name, "leverantor_internal_id": number,
         "leverantor_id": None, "leverantor_id_kind": "internal", "bokforingsdatum": day, "nettobelopp": amount,
         "kommun_id": LJUSNARSBERG, "_file_id": "led-1864"}
        for name, number, day, amount in [
            ("LÄRKAN ODLING EK FÖR", "10099", "2021-03-01", 120000.0),
            ("LÄRKAN ODLING EK FÖR", "10099", "2021-09-01", 130572.0),
            ("Fyren El AB", "10001", "2021-05-01", 500000.0),
        ]]
    tables = {"raw.enterprises": [enterprise(LARKAN, LJUSNARSBERG, name="Lärkan Odling ek. för. (fiktivt)")],
              "raw.supplier_invoices": postings}
    files = [file("led-1864", LJUSNARSBERG, "supplier_invoices", start="2021-01-01", end="2021-12-31", read=3, loaded=3)]
    if crosswalk is not None:
        tables["raw.supplier_crosswalk"] = [{**row, "_file_id": "key-1864"} for row in crosswalk]
        files.append(file("key-1864", LJUSNARSBERG, "supplier_crosswalk", read=len(crosswalk), loaded=len(crosswalk)))
    return fixture_db(tables, files=files)


def test_a_ledger_without_organisation_numbers_is_missing_not_zero():
    con = ljusnarsberg_ledger()
    amount, status, note = value(con, "SE04", LJUSNARSBERG, 2021, unit="SEK")
    assert (amount, status) == (None, "L")
    assert "saknar organisationsnummer" in note and "socek suppliers" in note
    assert value(con, "SE05", LJUSNARSBERG, 2021)[:2] == (None, "L")
    # the county never takes Ljusnarsberg's ledger total into a share with nothing in the numerator
    assert rows(con, "select count(*) from indicators.all_values where indicator_id = 'SE04' and value = 0 "
                     "and obs_status = 'A' and municipality_code in (?, ?)", [LJUSNARSBERG, COUNTY]) == [(0,)]
    # the review list proposes the registered enterprise for the ledger's supplier
    proposed = rows(con, "select supplier_internal_id, proposed_org_nr, amount_sek from core.supplier_candidates "
                         "where municipality_code = ? and proposed_org_nr is not null", [LJUSNARSBERG])
    assert proposed == [("10099", LARKAN, 250572)]


@pytest.mark.parametrize("key", [{"leverantor_internal_id": "10099", "leverantor": None},
                                 {"leverantor_internal_id": None, "leverantor": "Lärkan Odling ek för"}],
                         ids=["by supplier number", "by name"])
def test_a_reviewed_crosswalk_identifies_the_ledgers_suppliers(key):
    con = ljusnarsberg_ledger([{**key, "org_nr": LARKAN, "reviewed_by": "ekonomienheten"}])
    assert value(con, "SE04", LJUSNARSBERG, 2021, unit="SEK")[:2] == (250572.0, "A")
    assert value(con, "SE05", LJUSNARSBERG, 2021)[:2] == (1.0, "A")
    assert rows(con, "select count(*) from core.supplier_candidates where proposed_org_nr is not null") == [(0,)]


# --- a rejected delivery --------------------------------------------------------------------------

def test_a_rejected_years_delivery_is_missing_for_that_year_only():
    procurements = [{"procurement_id": f"P{y}", "municipality_code": LINDESBERG, "published_date": f"{y}-04-01",
                     "title": "Städ", "estimated_value_sek": 100.0, "reserved": "4_18",
                     "employment_requirement": True, "social_criteria": False, "_file_id": f"upp-{y}"}
                    for y in (2022, 2024)]
    con = fixture_db({"raw.procurements": procurements}, files=[
        file("upp-2022", LINDESBERG, "procurements", start="2022-01-01", end="2022-12-31"),
        file("upp-2024", LINDESBERG, "procurements", start="2024-01-01", end="2024-12-31"),
        # the 2023 file lacked a column: rejected, its period known from its name
        file("upp-2023", LINDESBERG, "procurements", status="rejected", start="2023-01-01", end="2023-12-31",
             read=4, loaded=0, quarantined=4, path=f"{LINDESBERG}/procurements/upphandlingar_2023.csv"),
    ])
    for indicator, unit in (("SE06", "count"), ("SE06", "%"), ("SE07", None)):
        got = value(con, indicator, LINDESBERG, 2023, unit=unit)
        assert got[:2] == (None, "L") and "underkändes" in got[2], (indicator, unit, got)
        assert value(con, indicator, LINDESBERG, 2022, unit=unit)[1] == "A"
        assert value(con, indicator, LINDESBERG, 2024, unit=unit)[1] == "A"
    assert value(con, "SE06", LINDESBERG, 2022, unit="count")[:2] == (1.0, "A")


# --- a quarantined row ----------------------------------------------------------------------------

def test_a_quarantined_row_flags_the_cells_it_feeds_and_the_report_says_so():
    con = fixture_db({"raw.enterprises": [enterprise("7696000012", KARLSKOGA, file_id="reg-1883")]}, files=[
        # the register's only new enterprise of 2025 failed its check digit: 1 of 2 rows quarantined
        file("reg-1883", KARLSKOGA, "enterprises", read=2, loaded=1, quarantined=1)])
    got = value(con, "SE02", KARLSKOGA, 2025)
    assert got[:2] == (0.0, "P")
    assert got[2] == "Register över sociala företag: 1 rad underkändes och ingår inte, så värdet kan vara för lågt"
    # the report's data-quality section lists the incompleteness and what it affects
    data = ReportData(code=KARLSKOGA, name="Karlskoga", region_code=COUNTY, region_name="Region Örebro län",
                      year=2025, years=[2025], values={("SE02", KARLSKOGA, "2025", "T", "total", "_T", "count"):
                                                        Value(0.0, "count", "P", "F", None, got[2])},
                      catalogue=[], timeline=[], quality=[], quarantine=[], sources=[], candidates={}, run=None)
    assert appendix.coverage_notes(data) == [(got[2], ["SE02"])]
    page = write.render(data)
    section = page[page.index('id="datakvalitet"'):page.index('id="metod-och-kallor"')]
    assert "<li>Register över sociala företag: 1 rad underkändes och ingår inte" in section and "påverkar SE02" in section


# --- one enterprise in two registers --------------------------------------------------------------

def test_the_county_counts_an_enterprise_in_two_registers_once():
    shared = "7696000012"
    con = fixture_db({
        "raw.enterprises": [enterprise(shared, LEKEBERG), enterprise("7696000020", LEKEBERG),
                            enterprise(shared, OREBRO)],
        "raw.supplier_invoices": [
            {"leverantor": "Delad (fiktiv)", "leverantor_id": shared, "leverantor_id_kind": "orgnr",
             "bokforingsdatum": "2025-03-01", "nettobelopp": amount, "kommun_id": muni, "_file_id": f"led-{muni}"}
            for muni, amount in ((LEKEBERG, 1000.0), (OREBRO, 3000.0))],
    }, files=[file(f"led-{m}", m, "supplier_invoices", start="2025-01-01", end="2025-12-31") for m in (LEKEBERG, OREBRO)])
    assert value(con, "SE01", LEKEBERG, 2025, unit="count")[0] == 2.0
    assert value(con, "SE01", OREBRO, 2025, unit="count")[0] == 1.0
    assert value(con, "SE01", COUNTY, 2025, unit="count")[0] == 2.0          # 2 distinct, not 2 + 1
    # money: both municipalities paid the same enterprise; the money rule sees one contributor
    assert value(con, "SE04", COUNTY, 2025, unit="SEK")[0] == 4000.0
    assert rows(con, "select n_units, top_share from indicators.all_values where indicator_id = 'SE04' "
                     "and municipality_code = ? and period = '2025' and unit = 'SEK' and breakdown = 'total'",
                [COUNTY]) == [(1, 1.0)]


# --- labels ---------------------------------------------------------------------------------------

def test_survival_labels_say_which_start_years_they_cover():
    assert question1.survival_label("2019-2022", "_T") == "2019–2022"
    assert question1.survival_label("2019-2025", "pooled") == "startår 2019–2022, vart och ett följt i tre år"


def test_an_empty_cohort_says_no_enterprise_started():
    from flows.outputs.report.text import figure_cell

    assert figure_cell(Value(None, "%", "M"), nothing="inga nystartade").text == "inga nystartade"
    assert figure_cell(Value(None, "%", "L", note="x")).text == "ej levererad"


def test_target_8_6_is_followed_by_the_youth_cells():
    se14 = {"indicator_id": "SE14", "target_breakdowns": "8.6: age_band=16-24"}
    assert appendix.target_cell(se14, "8.6") == ("age_band", "16-24")
    assert appendix.target_cell(se14, "10.2") == ("total", "_T")


# --- the standing check in docs/analyst.md ----------------------------------------------------------

def standing_check() -> str:
    doc = (ROOT / "docs" / "analyst.md").read_text(encoding="utf-8")
    (query,) = [q for q in re.findall(r"^```sql\n(.*?)^```", doc, re.M | re.S) if "false_zeros" in q]
    return query


def test_the_standing_check_finds_no_false_zero_and_would_find_one():
    from tests.test_indicators import county_db

    con = county_db().cursor()
    assert rows(con, standing_check()) == [(0,)]
    # pass a missing cell off as a measured zero (the fault the check exists for): it is found
    con.execute("begin transaction")
    try:
        con.execute("""update indicators.all_values set value = 0, obs_status = 'A'
                       where indicator_id = 'SE06' and municipality_code = '1814' and period = '2021'
                         and unit = 'count' and breakdown = 'total'""")
        assert rows(con, standing_check()) == [(1,)]
    finally:
        con.execute("rollback")
