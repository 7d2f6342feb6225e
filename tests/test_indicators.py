"""SE02-SE20 (and SE01's rate): fixture rows in, expected rows out (SQLMesh style).

One small county is built once per module (``county``): Lekeberg (1814) delivers every dataset,
Örebro (1880) only its register, Laxå (1860) nothing. The stories in it: an enterprise that ends in
the middle of 2023, one that went bankrupt at Bolagsverket without the register noticing, credit
notes, a sole trader's pseudonymised id, an older ledger delivery superseded by a newer one, a year
without procurements (zero denominator), Kolada values deleted at the source. Expected numbers are
worked out by hand in the comments next to each assertion.
"""

from __future__ import annotations

import functools
import re
from datetime import date

import pytest

from tests.conftest import ROOT
from tests.sqlkit import fixture_db, rows

LEKEBERG, OREBRO, LAXA, COUNTY = "1814", "1880", "1860", "0018"
# Arrangers that try CSV formula injection (2024 activities; the delivery test checks they are defused).
HOSTILE_ARRANGERS = ['=HYPERLINK("http://example.invalid","x")', "@SUM(A1:A9)", "+46 19 00 00", "-1+1"]

# Organisation numbers with valid check digits (fictional enterprises).
E1, E2, E3, E4, E5, E6 = "7696000012", "7696000020", "7696000038", "7696000046", "7696000053", "7696000061"
OTHER_SUPPLIER = "5560360793"
C1, C2, C3, C4, C5 = "8020000017", "8020000025", "8020000033", "5560000019", "5560000027"


def enterprise(org_nr, start, end=None, muni=LEKEBERG, wise=True, legal_form=None, cooperation=None):
    return {"org_nr": org_nr, "name": f"Företag {org_nr} (fiktivt)", "municipality_code": muni,
            "legal_form": legal_form, "is_wise": wise, "start_date": start, "end_date": end,
            "cooperation_started": cooperation, "_file_id": f"reg-{muni}"}


def posting(supplier, day, amount, file_id="led-new"):
    return {"kopare": "Lekebergs kommun", "leverantor": "Leverantör (fiktiv)", "leverantor_id": supplier,
            "bokforingsdatum": day, "nettobelopp": amount, "kommun_id": LEKEBERG, "_file_id": file_id}


def procurement(pid, day, reserved="none", employment=False, social=False, value=100000.0, awarded=None):
    return {"procurement_id": pid, "municipality_code": LEKEBERG, "published_date": day, "title": f"Upphandling {pid}",
            "estimated_value_sek": value, "procedure": "förenklat förfarande", "reserved": reserved,
            "employment_requirement": employment, "social_criteria": social, "awarded_org_nrs": awarded}


def placement(referrer, ptype, sex, age, started, ended, unsub, sub, studies, days, org=E1, year=2023):
    return {"municipality_code": LEKEBERG, "year": year, "org_nr": org, "referrer": referrer,
            "placement_type": ptype, "sex": sex, "age_band": age, "persons_started": started,
            "persons_ended": ended, "ended_to_unsubsidised_work": unsub, "ended_to_subsidised_work": sub,
            "ended_to_studies": studies, "participant_days": days}


def kolada(kpi, area, year, gender, value, deleted=False):
    return {"kpi_id": kpi, "area_code": area, "period": year, "gender": gender, "value": value, "count": 1,
            "status": "", "is_deleted": deleted}


def population(region, year, sex, age, value):
    return {"region_code": region, "sex": sex, "age": age, "year": year, "value": value, "table_id": "TAB638",
            "cell_key_noise": False}


def declared_empty(file_id: str, dataset: str, year: int) -> dict:
    """A header-only delivery whose name declares its year: "nothing happened in that year" (zero),
    as opposed to no delivery at all (missing)."""
    return {"file_id": file_id, "path": f"1814/{dataset}/{dataset}_{year}.csv", "sha256": file_id, "dataset": dataset,
            "municipality_code": LEKEBERG, "status": "loaded", "rows_read": 0, "rows_loaded": 0,
            "rows_quarantined": 0, "run_id": "r1", "period_start": f"{year}-01-01", "period_end": f"{year}-12-31"}


LEDGER_FILES = [
    declared_empty("led-2022", "supplier_invoices", 2022),
    declared_empty("upp-2022", "procurements", 2022),
    declared_empty("plac-2022", "placements", 2022),
    {"file_id": "led-old", "path": "1814/supplier_invoices/2023-a.csv", "sha256": "a", "dataset": "supplier_invoices",
     "municipality_code": LEKEBERG, "status": "loaded", "rows_read": 1, "rows_loaded": 1, "rows_quarantined": 0,
     "run_id": "r1", "period_start": "2023-01-01", "period_end": "2023-12-31"},
    {"file_id": "led-new", "path": "1814/supplier_invoices/2023-b.csv", "sha256": "b", "dataset": "supplier_invoices",
     "municipality_code": LEKEBERG, "status": "loaded", "rows_read": 9, "rows_loaded": 9, "rows_quarantined": 0,
     "run_id": "r2", "period_start": "2023-01-01", "period_end": "2023-12-31"},
]


def with_file_ids(tables: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Give every raw table's rows their own delivery id (sqlkit records one meta.files row per id)."""
    return {name: [{"_file_id": f"{name.split('.')[1]}-{LEKEBERG}", **row} for row in table_rows]
            if name.startswith("raw.") else table_rows
            for name, table_rows in tables.items()}


def county_tables() -> dict[str, list[dict]]:
    """The county fixture (also used by the delivery, comment and analyst-query tests)."""
    return with_file_ids({
        "raw.enterprises": [
            enterprise(E1, "2020-01-01", legal_form="EK", cooperation="2022-09-01"),
            enterprise(E2, "2021-05-01", "2023-06-30", wise=False, legal_form="ideell förening"),  # ends mid-2023
            enterprise(E3, "2023-02-01", legal_form="Stiftelse"),
            enterprise(E4, "2019-03-01"),  # bankrupt at Bolagsverket 2021-10-01, register not updated
            enterprise(E5, "2019-06-01", muni=OREBRO, legal_form="EK"),
            enterprise(E6, "2019-01-01", "2024-02-01", muni=OREBRO, wise=False, legal_form="EK"),
        ],
        "raw.bolagsverket_register": [
            {"org_nr": E4, "name": "Konkursen (fiktiv)", "legal_form": "EK", "registration_date": "2019-02-01",
             "deregistration_date": "2021-10-01", "deregistration_reason": "KKAV"},
            {"org_nr": C1, "name": "Kandidat 1 (fiktiv)", "legal_form": "EK", "postnummer": "71631",
             "postort": "FJUGESTA"},
            {"org_nr": C4, "name": "Aktiebolaget (fiktivt)", "legal_form": "AB", "postnummer": "70210",
             "postort": "ÖREBRO"},
        ],
        "raw.scb_register": [
            {"org_nr": C1, "name": "Kandidat 1 (fiktiv)", "jur_form": "51", "sni_1": "56100", "sni_2": "88101"},
            {"org_nr": C2, "name": "Kandidat 2 (fiktiv)", "jur_form": "61", "sni_1": "88990", "postort": "KUMLA"},
            {"org_nr": C3, "name": "Kafé (fiktivt)", "jur_form": "51", "sni_1": "56100", "postort": "NORA"},
            {"org_nr": C4, "name": "Aktiebolaget (fiktivt)", "jur_form": "49", "sni_1": "88101", "postort": "ÖREBRO"},
            {"org_nr": C5, "name": "Stiftelsen (fiktiv)", "jur_form": "72", "sni_3": "88995", "postort": "STOCKHOLM"},
            {"org_nr": E1, "name": "Registrerad (fiktiv)", "jur_form": "51", "sni_1": "88101", "postort": "FJUGESTA"},
        ],
        "raw.supplier_invoices": [
            posting(E1, "2023-04-01", 999999.0, file_id="led-old"),      # superseded delivery
            posting("769600-0012", "2023-02-10", 100000.0),               # E1 written with a dash
            posting(E1, "2023-03-10", -10000.0),                          # credit note
            posting(E2, "2023-03-01", 50000.0),                           # E2 active
            posting(E2, "2023-09-01", 20000.0),                           # after E2 ended: not a social enterprise
            posting(E3, "2023-01-15", 7000.0),                            # before E3 started
            posting(E3, "2023-05-05", 30000.0),
            posting(OTHER_SUPPLIER, "2023-06-01", 800000.0),
            posting("pnr:0f1e2d3c4b5a6978", "2023-07-01", 5000.0),        # sole trader, pseudonymised
            posting(None, "2023-08-01", 1000.0),                          # blank supplier id
        ],
        "raw.procurements": [
            procurement("P1", "2023-02-01", reserved="4_18", employment=True, value=100000.0, awarded=E1),
            procurement("P2", "2023-03-01", reserved="19_6a", social=True, value=50000.0, awarded=f"{E3}| {OTHER_SUPPLIER}"),
            procurement("P3", "2023-04-01", value=900000.0, awarded=OTHER_SUPPLIER),
            procurement("P4", "2023-05-01", employment=True, social=True, value=300000.0),
        ],
        "raw.agreements": [
            {"agreement_id": "A1", "municipality_code": LEKEBERG, "org_nr": E1, "type": "iop",
             "start_date": "2021-01-01", "end_date": None, "annual_value_sek": 100000.0},
            {"agreement_id": "A2", "municipality_code": LEKEBERG, "org_nr": E3, "type": "grant_agreement",
             "start_date": "2022-07-01", "end_date": "2023-06-30", "annual_value_sek": 40000.0},
            {"agreement_id": "A3", "municipality_code": LEKEBERG, "org_nr": E2, "type": "lou_contract",
             "start_date": "2023-01-01", "end_date": None, "annual_value_sek": 500000.0},
            {"agreement_id": "A4", "municipality_code": LEKEBERG, "org_nr": E2, "type": "iop",
             "start_date": "2019-01-01", "end_date": "2020-12-31", "annual_value_sek": 25000.0},
        ],
        "raw.grants": [
            {"grant_id": "G1", "municipality_code": LEKEBERG, "org_nr": E1, "decision_date": "2023-03-01",
             "amount_sek": 50000.0, "grant_type": "start_grant"},
            {"grant_id": "G2", "municipality_code": LEKEBERG, "org_nr": E3, "decision_date": "2023-04-01",
             "amount_sek": 30000.0, "grant_type": "project_grant"},
            {"grant_id": "G3", "municipality_code": LEKEBERG, "org_nr": OTHER_SUPPLIER, "decision_date": "2023-04-01",
             "amount_sek": 99999.0, "grant_type": "association_grant"},
            {"grant_id": "G4", "municipality_code": LEKEBERG, "org_nr": E2, "decision_date": "2023-05-01",
             "amount_sek": 20000.0, "grant_type": "project_grant"},
        ],
        "raw.support_activities": [
            {"activity_id": "S1", "municipality_code": LEKEBERG, "date": "2023-02-01", "type": "advice",
             "arranger": "Coompanion Mälardalen", "org_nr": E1, "participants": 3},
            {"activity_id": "S2", "municipality_code": LEKEBERG, "date": "2023-03-01", "type": "advice",
             "arranger": "Näringslivsenheten", "org_nr": E1, "participants": 2},
            {"activity_id": "S3", "municipality_code": LEKEBERG, "date": "2023-04-01", "type": "advice",
             "arranger": "Näringslivsenheten", "org_nr": None, "participants": 12},
            {"activity_id": "S4", "municipality_code": LEKEBERG, "date": "2023-05-01", "type": "networking",
             "arranger": "Region Örebro län", "org_nr": None, "participants": 20},
        ] + [
            {"activity_id": f"X{n}", "municipality_code": LEKEBERG, "date": "2024-06-01", "type": "marketing",
             "arranger": arranger, "org_nr": None, "participants": 5}
            for n, arranger in enumerate(HOSTILE_ARRANGERS)
        ],
        "raw.annual_reports": [
            {"org_nr": E1, "year": 2023, "turnover_sek": 1000000.0, "revenue_public_sek": 600000.0,
             "revenue_from_municipality_sek": 200000.0, "employees_k": 2, "employees_m": 1,
             "participants_k": 3, "participants_m": 4, "fte": 5.5, "participant_fte": 3.5},
            {"org_nr": E2, "year": 2023, "turnover_sek": 500000.0, "revenue_public_sek": 100000.0,
             "revenue_from_municipality_sek": 50000.0, "employees_k": 0, "employees_m": 1,
             "participants_k": 1, "participants_m": 0, "fte": 0.5, "participant_fte": 0.5},
            {"org_nr": E3, "year": 2023, "turnover_sek": 500000.0, "revenue_public_sek": 300000.0,
             "revenue_from_municipality_sek": None, "employees_k": 1, "employees_m": 1,
             "participants_k": 2, "participants_m": 3, "fte": None},
        ],
        "raw.placements": [
            placement("arbetsmarknadsenhet", "work_training", "K", "16-24", 3, 2, 1, 0, 1, 120),
            placement("arbetsmarknadsenhet", "work_training", "M", "25-64", 4, 3, 1, 1, 0, 200),
            placement("socialtjänst", "internship", "K", "25-64", 2, 1, 0, 0, 0, 60, org=E3),
            placement("arbetsförmedlingen", "subsidised_job", "M", "25-64", 10, 6, 3, 1, 1, 900),
        ],
        "raw.kolada_values": [
            kolada("N03926", LEKEBERG, 2023, "T", 2.5), kolada("N03926", LEKEBERG, 2023, "K", 2.0),
            kolada("N03926", LEKEBERG, 2023, "M", 3.0), kolada("N03926", "0018", 2023, "T", 3.1),
            kolada("N03926", OREBRO, 2023, "T", 4.0),
            kolada("N03926", LEKEBERG, 2022, "T", 9.9, deleted=True),
            kolada("N02243", LEKEBERG, 2023, "T", 81.2), kolada("N02797", LEKEBERG, 2023, "T", 4.4),
            kolada("N31807", LEKEBERG, 2023, "T", 3.3), kolada("N00999", "0018", 2023, "T", 5.5),
            kolada("N00999", LEKEBERG, 2023, "T", None),
        ],
        "raw.scb_population": [
            population(LEKEBERG, 2023, "K", "0", 100), population(LEKEBERG, 2023, "K", "1", 150),
            population(LEKEBERG, 2023, "M", "0", 120), population(LEKEBERG, 2023, "M", "1", 130),
            population(OREBRO, 2023, "K", "0", 500), population(OREBRO, 2023, "M", "0", 500),
            population("18", 2023, "K", "0", 999999),  # SCB's county figure: never used, the county is summed
            population(OREBRO, 2022, "K", "0", 990),
        ],
    })


@functools.cache
def county_db():
    """The county warehouse (catalogue loaded), built once per test process and shared read-only by
    the indicator, disclosure, catalogue, delivery and comment tests."""
    return fixture_db(county_tables(), files=LEDGER_FILES)


@pytest.fixture(scope="module")
def county():
    return county_db()


@pytest.fixture(scope="module")
def variant():
    """A second small warehouse: a year with only a credit note, and a Kolada source that fell back."""
    con = fixture_db({
        "raw.enterprises": [enterprise(E1, "2020-01-01")],
        "raw.supplier_invoices": [posting(E1, "2022-02-01", -500.0, file_id="led-1814")],
        "raw.kolada_values": [{**kolada("N03926", LEKEBERG, 2023, "T", 2.5), "_file_id": "kolada"}],
        "meta.source_status": [{"source": "kolada", "origin": "fallback", "provisional": True}],
    })
    yield con
    con.close()


def cell(con, indicator, muni, period, breakdown_value="_T", unit=None, sex="T"):
    """(value, obs_status) of one indicator cell; value rounded to 4 decimals."""
    sql = """select round(value, 4), obs_status from indicators.all_values
             where indicator_id = ? and municipality_code = ? and period = ? and sex = ? and breakdown_value = ?"""
    params = [indicator, muni, str(period), sex, breakdown_value]
    if unit is not None:
        sql += " and unit = ?"
        params.append(unit)
    got = rows(con, sql, params)
    assert len(got) == 1, f"{indicator} {muni} {period} {sex} {breakdown_value} {unit}: {got}"
    return got[0]


def helpers(con, indicator, muni, period, breakdown_value="_T", unit=None, sex="T"):
    sql = """select measure, numerator, denominator, n_units, round(top_share, 4) from indicators.all_values
             where indicator_id = ? and municipality_code = ? and period = ? and sex = ? and breakdown_value = ?"""
    params = [indicator, muni, str(period), sex, breakdown_value]
    if unit is not None:
        sql += " and unit = ?"
        params.append(unit)
    (got,) = rows(con, sql, params)
    return got


# --- the long format ----------------------------------------------------------------------------

def test_every_cell_is_unique_and_every_area_and_year_is_present(county):
    duplicates = rows(county, """
        select indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit, count(*)
        from indicators.all_values group by all having count(*) > 1""")
    assert duplicates == []
    areas = {c for (c,) in rows(county, "select code from meta.municipalities")}
    for indicator in [f"SE{n:02d}" for n in range(1, 21) if n != 3]:
        present = {c for (c,) in rows(county, "select distinct municipality_code from indicators.all_values "
                                              "where indicator_id = ?", [indicator])}
        assert present == areas, indicator
    periods = {p for (p,) in rows(county, "select distinct period from indicators.all_values where indicator_id = 'SE02'")}
    assert periods == {str(y) for y in range(2019, 2026)}


def test_allowed_codes_only(county):
    assert rows(county, """select distinct obs_status from indicators.all_values
                           where obs_status not in ('A', 'P', 'L', 'M')""") == []
    assert rows(county, "select distinct sex from indicators.all_values where sex not in ('T', 'K', 'M')") == []
    assert rows(county, """select distinct measure from indicators.all_values where measure not in
                           ('count_persons', 'rate_persons', 'money', 'count_enterprises', 'rate', 'context')""") == []
    # a missing value always says why; a present value is never flagged missing
    assert rows(county, "select count(*) from indicators.all_values where value is null and obs_status in ('A', 'P')") == [(0,)]
    assert rows(county, "select count(*) from indicators.all_values where value is not null and obs_status in ('L', 'M')") == [(0,)]


# --- SE01 rate ----------------------------------------------------------------------------------

def test_se01_per_10000_inhabitants_sums_counts_and_population(county):
    # 1814 on 31/12/2023: E1 and E3 (E2 ended 30 June); population 100+150+120+130 = 500 -> 40
    assert cell(county, "SE01", LEKEBERG, 2023, unit="count") == (2.0, "A")
    assert cell(county, "SE01", LEKEBERG, 2023, unit="per 10 000 inhabitants") == (40.0, "A")
    # 1880: E5 and E6 (ends 2024) over 1000 inhabitants -> 20
    assert cell(county, "SE01", OREBRO, 2023, unit="per 10 000 inhabitants") == (20.0, "A")
    # county: (2 + 2) / (500 + 1000) * 10 000, not SCB's own county figure and not the mean of 40 and 20;
    # only 2 of the 12 municipalities delivered a register, so the county figure is provisional and says so
    assert cell(county, "SE01", COUNTY, 2023, unit="per 10 000 inhabitants") == (26.6667, "P")
    assert rows(county, "select note from indicators.all_values where indicator_id = 'SE01' and municipality_code = ? "
                        "and period = '2023' and unit = 'count' and breakdown = 'total'", [COUNTY]) == [
        ("länet: 2 av 12 kommuner ingår",)]
    # 2022 has population only for 1880: Lekeberg's rate is missing, not zero; 2024 has none: no rate rows
    assert cell(county, "SE01", LEKEBERG, 2022, unit="per 10 000 inhabitants") == (None, "L")
    assert rows(county, "select count(*) from indicators.se01_active_social_enterprises "
                        "where period = '2024' and unit = 'per 10 000 inhabitants'") == [(0,)]
    assert cell(county, "SE01", LAXA, 2023, unit="per 10 000 inhabitants") == (None, "L")


def test_se01_bankruptcy_at_bolagsverket_ends_the_enterprise(county):
    # E4 (started 2019) went bankrupt 2021-10-01; the register has no end date
    assert cell(county, "SE01", LEKEBERG, 2020, unit="count") == (2.0, "A")   # E1, E4
    assert cell(county, "SE01", LEKEBERG, 2021, unit="count") == (2.0, "A")   # E1, E2
    assert rows(county, "select ended_on, end_reason from core.enterprise_status where org_nr = ?", [E4]) == [
        (date(2021, 10, 1), "bankruptcy")]


# --- SE02, SE03 ---------------------------------------------------------------------------------

def test_se02_new_enterprises_by_wise_and_legal_form(county):
    assert cell(county, "SE02", LEKEBERG, 2023) == (1.0, "A")            # E3
    assert cell(county, "SE02", LEKEBERG, 2023, "S") == (1.0, "A")       # 'Stiftelse' -> S
    assert cell(county, "SE02", LEKEBERG, 2021, "I") == (1.0, "A")       # 'ideell förening' -> I
    assert cell(county, "SE02", LEKEBERG, 2019, "EK") == (1.0, "A")      # E4: Bolagsverket's code
    assert cell(county, "SE02", LEKEBERG, 2021, "not_wise") == (1.0, "A")
    assert cell(county, "SE02", LEKEBERG, 2022) == (0.0, "A")
    assert cell(county, "SE02", COUNTY, 2019) == (3.0, "P")              # E4 + E5 + E6 (2 of 12 registers)
    assert cell(county, "SE02", LAXA, 2019) == (None, "L")
    # the legal-form cells of every municipality sum to its total
    assert rows(county, """
        select t.municipality_code, t.period from indicators.se02_new_social_enterprises as t
        join (select municipality_code, period, sum(numerator) as s from indicators.se02_new_social_enterprises
              where breakdown = 'legal_form' group by all) as f using (municipality_code, period)
        where t.breakdown = 'total' and t.numerator <> f.s""") == []


def test_se03_three_year_survival_cohorts_and_pool(county):
    # 1814 cohort 2019: E4, bankrupt 2021 -> 0 %; 1880 cohort 2019: E5, E6 (ends 2024) -> 100 %
    assert cell(county, "SE03", LEKEBERG, "2019-2022") == (0.0, "A")
    assert cell(county, "SE03", OREBRO, "2019-2022") == (100.0, "A")
    assert cell(county, "SE03", COUNTY, "2019-2022") == (66.6667, "P")   # 2 of 3, summed (2 of 12 registers)
    assert helpers(county, "SE03", COUNTY, "2019-2022")[1:3] == (2.0, 3.0)
    # 1814 cohort 2021: E2, ended 2023-06-30, before 31/12/2024 -> 0 %
    assert cell(county, "SE03", LEKEBERG, "2021-2024") == (0.0, "A")
    # an empty cohort is a share of nothing: NULL with M, not an error
    assert cell(county, "SE03", LEKEBERG, "2022-2025") == (None, "M")
    # pooled over the cohorts 2019-2022: 1814 started E4, E1, E2 -> only E1 survived its window
    assert cell(county, "SE03", LEKEBERG, "2019-2025", "pooled") == (33.3333, "A")
    assert {p for (p,) in rows(county, "select distinct period from indicators.se03_survival_3_years")} == {
        "2019-2022", "2020-2023", "2021-2024", "2022-2025", "2019-2025"}
    assert cell(county, "SE03", LAXA, "2019-2022") == (None, "L")


# --- SE04, SE05 ---------------------------------------------------------------------------------

def test_se04_purchases_net_of_credit_notes_active_on_posting_date(county):
    # E1 100 000 - 10 000 + E2 50 000 (before its end) + E3 30 000 (after its start) = 170 000;
    # the superseded delivery's 999 999, E2 after its end and E3 before its start are not counted
    assert cell(county, "SE04", LEKEBERG, 2023, unit="SEK") == (170000.0, "A")
    assert helpers(county, "SE04", LEKEBERG, 2023, unit="SEK") == ("money", 170000.0, None, 3, 0.5294)
    assert cell(county, "SE04", LEKEBERG, 2023, "wise", unit="SEK") == (120000.0, "A")
    assert cell(county, "SE04", LEKEBERG, 2023, "not_wise", unit="SEK") == (50000.0, "A")
    # share of all postings of the current delivery: 170 000 / 1 003 000
    assert cell(county, "SE04", LEKEBERG, 2023, unit="%") == (16.9492, "A")
    assert helpers(county, "SE04", LEKEBERG, 2023, unit="%")[1:3] == (170000.0, 1003000.0)
    # a year delivered without postings (a header-only 2022 file): 0 SEK, and a share of a zero ledger is M
    assert cell(county, "SE04", LEKEBERG, 2022, unit="SEK") == (0.0, "A")
    assert cell(county, "SE04", LEKEBERG, 2022, unit="%") == (None, "M")
    # a year no ledger was delivered for is missing, never 0
    assert cell(county, "SE04", LEKEBERG, 2021, unit="SEK") == (None, "L")
    # Örebro delivered its register but no ledger: not delivered, never zero
    assert cell(county, "SE04", OREBRO, 2023, unit="SEK") == (None, "L")
    assert cell(county, "SE04", COUNTY, 2023, unit="SEK") == (170000.0, "P")   # 1 of 12 ledgers


def test_purchases_classify_supplier_ids(county):
    got = dict(rows(county, """select supplier_kind, count(*) from core.purchases group by 1"""))
    assert got == {"orgnr": 7, "pseudonym": 1, "blank": 1}
    assert rows(county, "select count(*) from core.purchases where org_nr is not null and supplier_kind <> 'orgnr'") == [(0,)]
    assert rows(county, "select sum(amount_sek) from core.purchases where is_credit_note") == [(-10000,)]


def test_se05_suppliers_paid_more_than_zero(county):
    assert cell(county, "SE05", LEKEBERG, 2023) == (3.0, "A")
    assert cell(county, "SE05", LEKEBERG, 2023, "wise") == (2.0, "A")
    assert cell(county, "SE05", LEKEBERG, 2022) == (0.0, "A")
    assert cell(county, "SE05", LEKEBERG, 2021) == (None, "L")
    assert cell(county, "SE05", OREBRO, 2023) == (None, "L")


def test_se05_a_credit_note_alone_is_not_a_payment(variant):
    # the variant's ledger covers February 2022 only: one month of a continuous ledger is provisional
    assert cell(variant, "SE05", LEKEBERG, 2022) == (0.0, "P")
    assert cell(variant, "SE04", LEKEBERG, 2022, unit="SEK") == (-500.0, "P")
    # the ledger total is negative, not zero: the share is computed
    assert cell(variant, "SE04", LEKEBERG, 2022, unit="%") == (100.0, "P")
    assert rows(variant, "select note from indicators.all_values where indicator_id = 'SE04' and period = '2022' "
                         "and municipality_code = ? and unit = 'SEK' and breakdown = 'total'", [LEKEBERG]) == [
        ("Leverantörsreskontra: 1 av 12 månader levererade",)]


# --- SE06, SE07 ---------------------------------------------------------------------------------

def test_se06_reserved_procurements(county):
    assert cell(county, "SE06", LEKEBERG, 2023, unit="count") == (2.0, "A")          # P1, P2
    assert cell(county, "SE06", LEKEBERG, 2023, unit="SEK") == (150000.0, "A")
    assert cell(county, "SE06", LEKEBERG, 2023, unit="%") == (50.0, "A")             # 2 of 4
    assert cell(county, "SE06", LEKEBERG, 2023, "4_18", unit="count") == (1.0, "A")
    assert cell(county, "SE06", LEKEBERG, 2023, "19_6a", unit="%") == (25.0, "A")
    assert cell(county, "SE06", LEKEBERG, 2022, unit="%") == (None, "M")            # zero denominator
    assert cell(county, "SE06", LEKEBERG, 2022, unit="count") == (0.0, "A")
    assert cell(county, "SE06", LAXA, 2023, unit="count") == (None, "L")


def test_se07_social_requirements_and_zero_denominator(county):
    assert cell(county, "SE07", LEKEBERG, 2023) == (75.0, "A")                                  # P1, P2, P4
    assert cell(county, "SE07", LEKEBERG, 2023, "employment_requirement") == (50.0, "A")        # P1, P4
    assert cell(county, "SE07", LEKEBERG, 2023, "social_criteria") == (50.0, "A")               # P2, P4
    assert cell(county, "SE07", LEKEBERG, 2022) == (None, "M")
    assert cell(county, "SE07", COUNTY, 2023) == (75.0, "P")   # 1 of 12 municipalities delivered
    assert cell(county, "SE07", OREBRO, 2023) == (None, "L")


def test_procurement_awards_are_split_on_pipe(county):
    got = rows(county, "select procurement_id, org_nr, is_social_enterprise from core.procurement_awards order by 1, 2")
    assert got == [("P1", E1, True), ("P2", OTHER_SUPPLIER, False), ("P2", E3, True), ("P3", OTHER_SUPPLIER, False)]


# --- SE08, SE09, SE10 ---------------------------------------------------------------------------

def test_se08_partnerships_in_force_not_procurement(county):
    assert cell(county, "SE08", LEKEBERG, 2023, unit="count") == (2.0, "A")          # A1 iop, A2 grant agreement
    assert cell(county, "SE08", LEKEBERG, 2023, unit="SEK") == (140000.0, "A")       # lou_contract A3 excluded
    assert cell(county, "SE08", LEKEBERG, 2023, "iop", unit="count") == (1.0, "A")
    assert cell(county, "SE08", LEKEBERG, 2021, unit="count") == (1.0, "A")          # A4 ended 2020-12-31
    assert cell(county, "SE08", LEKEBERG, 2020, unit="count") == (1.0, "A")          # A4 only
    assert helpers(county, "SE08", LEKEBERG, 2023, unit="SEK")[3:] == (2, 0.7143)
    assert cell(county, "SE08", OREBRO, 2023, unit="count") == (None, "L")


def test_se09_grants_to_registered_enterprises(county):
    assert cell(county, "SE09", LEKEBERG, 2023, unit="SEK") == (100000.0, "A")      # G3 is not to a social enterprise
    assert cell(county, "SE09", LEKEBERG, 2023, unit="count") == (3.0, "A")
    assert cell(county, "SE09", LEKEBERG, 2023, "project_grant", unit="SEK") == (50000.0, "A")
    assert cell(county, "SE09", LEKEBERG, 2023, "association_grant", unit="SEK") == (0.0, "A")
    assert helpers(county, "SE09", LEKEBERG, 2023, unit="SEK")[3:] == (3, 0.5)


def test_se10_activities_enterprises_and_arrangers(county):
    assert cell(county, "SE10", LEKEBERG, 2023, unit="activities") == (4.0, "A")
    assert cell(county, "SE10", LEKEBERG, 2023, unit="enterprises") == (1.0, "A")    # open events name none
    assert cell(county, "SE10", LEKEBERG, 2023, "advice", unit="activities") == (3.0, "A")
    # the arranger as a closed list: two by Näringslivsenheten (the municipality), one each by Coompanion
    # and the Region; the delivered free text is never a breakdown value
    assert cell(county, "SE10", LEKEBERG, 2023, "municipality", unit="activities") == (2.0, "A")
    assert cell(county, "SE10", LEKEBERG, 2023, "coompanion", unit="activities") == (1.0, "A")
    assert cell(county, "SE10", LEKEBERG, 2023, "region", unit="activities") == (1.0, "A")
    assert rows(county, "select count(*) from indicators.all_values where indicator_id = 'SE10' and breakdown = "
                        "'arranger' and breakdown_value not in ('municipality', 'region', 'coompanion', 'other')") == [(0,)]
    assert cell(county, "SE10", LEKEBERG, 2022, unit="activities") == (None, "L")   # nothing delivered for 2022
    assert cell(county, "SE10", OREBRO, 2023, unit="activities") == (None, "L")


# --- SE11, SE12, SE13 ---------------------------------------------------------------------------

def test_se11_public_revenue_share(county):
    # (600 000 + 100 000 + 300 000) / (1 000 000 + 500 000 + 500 000)
    assert cell(county, "SE11", LEKEBERG, 2023) == (50.0, "A")
    assert helpers(county, "SE11", LEKEBERG, 2023) == ("money", 1000000.0, 2000000.0, 3, 0.6)
    # from the municipality: E3 gave no figure -> (200 000 + 50 000) / 1 500 000
    assert cell(county, "SE11", LEKEBERG, 2023, "municipality") == (16.6667, "A")
    assert cell(county, "SE11", LEKEBERG, 2022) == (None, "L")                      # nobody reported 2022


def test_se12_persons_by_sex_and_fte(county):
    assert cell(county, "SE12", LEKEBERG, 2023, unit="persons") == (13.0, "A")
    assert cell(county, "SE12", LEKEBERG, 2023, unit="persons", sex="K") == (6.0, "A")
    assert cell(county, "SE12", LEKEBERG, 2023, unit="persons", sex="M") == (7.0, "A")
    # the participants' own FTE (participant_fte: E1 3.5, E2 0.5; E3 reports none), never the enterprises'
    # fte of all employees (5.5 + 0.5)
    assert cell(county, "SE12", LEKEBERG, 2023, unit="FTE") == (4.0, "A")
    assert rows(county, "select persons from indicators.all_values where indicator_id = 'SE12' and unit = 'FTE' "
                        "and municipality_code = ? and period = '2023'", [LEKEBERG]) == [(8.0,)]   # persons behind it
    assert cell(county, "SE12", LEKEBERG, 2022, unit="persons") == (None, "L")
    assert cell(county, "SE12", COUNTY, 2023, unit="persons", sex="K") == (6.0, "P")


def test_se13_employees_by_sex(county):
    assert cell(county, "SE13", LEKEBERG, 2023) == (6.0, "A")
    assert cell(county, "SE13", LEKEBERG, 2023, sex="K") == (3.0, "A")
    assert cell(county, "SE13", LEKEBERG, 2023, sex="M") == (3.0, "A")
    assert cell(county, "SE13", OREBRO, 2023) == (None, "L")


# --- SE14, SE15 ---------------------------------------------------------------------------------

def test_se14_municipality_referred_only(county):
    # arbetsmarknadsenhet 3 + 4, socialtjänst 2; Arbetsförmedlingen's 10 are not the municipality's
    assert cell(county, "SE14", LEKEBERG, 2023, unit="persons") == (9.0, "A")
    assert cell(county, "SE14", LEKEBERG, 2023, unit="persons", sex="K") == (5.0, "A")
    assert cell(county, "SE14", LEKEBERG, 2023, "16-24", unit="persons") == (3.0, "A")
    assert cell(county, "SE14", LEKEBERG, 2023, "labour_market_unit", unit="persons") == (7.0, "A")
    assert cell(county, "SE14", LEKEBERG, 2023, unit="days") == (380.0, "A")
    assert rows(county, "select persons from indicators.all_values where indicator_id = 'SE14' and unit = 'days' "
                        "and municipality_code = ? and period = '2023' and sex = 'T' and breakdown = 'total'",
                [LEKEBERG]) == [(9.0,)]   # the persons behind the days
    assert cell(county, "SE14", LEKEBERG, 2022, unit="persons") == (0.0, "A")
    assert cell(county, "SE14", OREBRO, 2023, unit="persons") == (None, "L")


def test_se15_transitions(county):
    # ended 2 + 3 + 1 + 6 = 12; to work or studies 2 + 2 + 0 + 5 = 9
    assert cell(county, "SE15", LEKEBERG, 2023) == (75.0, "A")
    assert helpers(county, "SE15", LEKEBERG, 2023)[:3] == ("rate_persons", 9.0, 12.0)
    assert cell(county, "SE15", LEKEBERG, 2023, "unsubsidised_work") == (41.6667, "A")   # 5 of 12
    assert cell(county, "SE15", LEKEBERG, 2023, sex="K") == (66.6667, "A")              # 2 of 3
    assert cell(county, "SE15", LEKEBERG, 2022) == (None, "M")                          # nobody ended
    assert cell(county, "SE15", LAXA, 2023) == (None, "L")


# --- SE16-SE20 (Kolada) -------------------------------------------------------------------------

def test_kolada_context_values_as_published(county):
    assert cell(county, "SE16", LEKEBERG, 2023) == (2.5, "A")
    assert cell(county, "SE16", LEKEBERG, 2023, sex="K") == (2.0, "A")
    assert cell(county, "SE16", COUNTY, 2023) == (3.1, "A")       # Kolada's region value, not a sum or mean
    assert cell(county, "SE16", LEKEBERG, 2022) == (None, "L")    # deleted at Kolada
    assert cell(county, "SE17", LEKEBERG, 2023) == (81.2, "A")
    assert cell(county, "SE18", LEKEBERG, 2023) == (4.4, "A")
    assert cell(county, "SE19", LEKEBERG, 2023) == (3.3, "A")
    assert cell(county, "SE20", COUNTY, 2023) == (5.5, "A")
    assert cell(county, "SE20", LEKEBERG, 2023) == (None, "L")    # published as null
    assert rows(county, "select distinct source, measure, unit from indicators.se20_new_firms") == [
        ("Kolada", "context", "per 1 000 inhabitants 16-64")]
    assert rows(county, "select count(*) from indicators.se19_social_assistance where sex <> 'T'") == [(0,)]


def test_kolada_values_are_provisional_when_the_source_fell_back(variant):
    assert cell(variant, "SE16", LEKEBERG, 2023) == (2.5, "P")
    assert cell(variant, "SE16", LEKEBERG, 2024) == (None, "L")


# --- core ---------------------------------------------------------------------------------------

def test_enterprise_candidates(county):
    got = rows(county, "select org_nr, municipality_code, municipality_basis, legal_form_code "
                       "from core.enterprise_candidates order by org_nr")
    assert got == [
        (C5, None, "unassigned", "S"),                    # SCB 72, SNI 88 in sni_3, outside the county's post towns
        (C1, LEKEBERG, "post town (approximate)", "EK"),  # FJUGESTA lies in Lekeberg
        (C2, "1881", "post town (approximate)", "I"),     # KUMLA
    ]
    # C3 (no SNI 88), C4 (aktiebolag) and E1 (already registered) are not candidates


def test_population_sums_age_and_sex_and_the_county_sums_municipalities(county):
    assert rows(county, "select population, population_k, population_m from core.population "
                        "where municipality_code = ? and year = 2023", [LEKEBERG]) == [(500.0, 250.0, 250.0)]
    assert rows(county, "select population, municipalities from core.population "
                        "where municipality_code = ? and year = 2023", [COUNTY]) == [(1500.0, 2)]


# --- the views stay short ---------------------------------------------------------------------

def _ctes(sql: str) -> list[str]:
    """The bodies of a view's top-level CTEs, comments removed."""
    code = re.sub(r"--[^\n]*", "", sql)
    start = code.lower().find(" as\nwith ")
    bodies, i = [], start + 4
    while start >= 0 and (m := re.compile(r"(\w+) as \(", re.I).search(code, i)):
        depth, j = 1, m.end()
        while depth and j < len(code):
            depth += {"(": 1, ")": -1}.get(code[j], 0)
            j += 1
        bodies.append(code[m.end():j - 1])
        i = j
        if not code[j:].lstrip().startswith(","):
            break
    return bodies


def test_no_cte_shape_is_repeated_in_more_than_three_views():
    """The shared layer (core.municipality_years, core.indicator_coverage, indicators.all_values) holds
    the grid, coverage and county rollup, so the SE views do not repeat them. A shape is a CTE body
    with literals and whitespace normalised."""
    def shape(body: str) -> str:
        body = re.sub(r"'[^']*'", "'?'", body)
        return " ".join(re.sub(r"\b\d+(\.\d+)?\b", "0", body).split()).lower()

    views: dict[str, set[str]] = {}
    for path in sorted((ROOT / "sql" / "40_indicators").glob("se*.sql")):
        for body in _ctes(path.read_text(encoding="utf-8")):
            views.setdefault(shape(body), set()).add(path.stem[:4])
    assert sum(1 for _ in views) > 30  # the parser found the CTEs
    repeated = {body[:80]: sorted(names) for body, names in views.items() if len(names) > 3}
    assert repeated == {}
