"""Disclosure control (DESIGN §6): primary suppression C and secondary suppression D.

The fixture is built so each rule has one clear case:
- sex pairs (a): Lekeberg's women employees are 2 (C) while men (10) and the total (12) are shown,
  so the men get D;
- breakdown groups (b): Lekeberg's municipality-referred persons aged 16-24 are 3 (C) while the total
  and the other age bands are shown, so the smallest other band (65+) gets D; purchases from the one
  non-WISE enterprise (C, one enterprise) force D on the WISE cell;
- geography (c): the county's women employees are the sum of Lekeberg (C), Örebro and Hallsberg, so
  the smallest other municipality (Örebro) gets D.
"""

from __future__ import annotations

import pytest

from flows.config import Thresholds, load_config
from tests.sqlkit import fixture_db, rows
from tests.test_indicators import (
    E1,
    E2,
    E3,
    E5,
    LEKEBERG,
    OREBRO,
    enterprise,
    placement,
    posting,
    with_file_ids,
)

HALLSBERG, COUNTY = "1861", "0018"
E7, E9 = "7696000079", "7696000087"


def tables() -> dict[str, list[dict]]:
    return with_file_ids({
        "raw.enterprises": [
            enterprise(E1, "2020-01-01"), enterprise(E3, "2020-01-01"), enterprise(E9, "2020-01-01"),
            enterprise(E2, "2020-01-01", wise=False),
        ],
        "raw.supplier_invoices": [
            posting(E1, "2023-02-01", 100000.0), posting(E3, "2023-02-01", 120000.0),
            posting(E9, "2023-02-01", 90000.0), posting(E2, "2023-02-01", 110000.0),
        ],
        "raw.placements": [
            placement("arbetsmarknadsenhet", "work_training", "K", "16-24", 3, 0, 0, 0, 0, 90),
            placement("arbetsmarknadsenhet", "work_training", "K", "25-64", 10, 0, 0, 0, 0, 300),
            placement("arbetsmarknadsenhet", "work_training", "K", "65+", 6, 0, 0, 0, 0, 180),
            # ended placements for SE15: women 3 ended (C), men 8 ended
            placement("arbetsförmedlingen", "internship", "K", "25-64", 0, 3, 2, 0, 0, 10),
            placement("arbetsförmedlingen", "internship", "M", "25-64", 0, 8, 4, 1, 1, 20),
        ],
    }) | {
        "raw.annual_reports": [
            {"org_nr": E1, "year": 2023, "employees_k": 2, "employees_m": 10, "_file_id": "ar-1814"},
            {"org_nr": E5, "year": 2023, "employees_k": 6, "employees_m": 6, "_file_id": "ar-1880"},
            {"org_nr": E7, "year": 2023, "employees_k": 7, "employees_m": 8, "_file_id": "ar-1861"},
        ],
    }


ANNUAL_REPORT_FILES = [
    {"file_id": f"ar-{m}", "path": f"{m}/annual_reports/2023.csv", "sha256": m, "dataset": "annual_reports",
     "municipality_code": m, "status": "loaded", "rows_read": 1, "rows_loaded": 1, "rows_quarantined": 0,
     "run_id": "r1", "period_start": "2023-01-01", "period_end": "2023-12-31"}
    for m in (LEKEBERG, OREBRO, HALLSBERG)
]


@pytest.fixture(scope="module")
def con():
    connection = fixture_db(tables(), files=ANNUAL_REPORT_FILES)
    yield connection
    connection.close()


def status(con, indicator, muni, sex="T", breakdown_value="_T", unit=None, period="2023"):
    """conf_status of one cell, from indicators.indicator_values (export.disclosure materialised at
    publish; reading the table keeps the test fast, test_published_table_is_the_disclosure checks it)."""
    sql = """select conf_status from indicators.indicator_values where indicator_id = ? and municipality_code = ?
             and period = ? and sex = ? and breakdown_value = ?"""
    params = [indicator, muni, period, sex, breakdown_value]
    if unit:
        sql += " and unit = ?"
        params.append(unit)
    (got,) = rows(con, sql, params)
    return got[0]


# --- primary ------------------------------------------------------------------------------------

def test_primary_person_counts_rates_and_money(con):
    assert status(con, "SE13", LEKEBERG, sex="K") == "C"                    # 2 women
    assert status(con, "SE15", LEKEBERG, sex="K") == "C"                    # rate over 3 persons
    assert status(con, "SE04", LEKEBERG, breakdown_value="not_wise", unit="SEK") == "C"   # one enterprise
    assert status(con, "SE04", LEKEBERG, unit="SEK") == "F"                 # four enterprises, none dominant
    assert status(con, "SE14", LEKEBERG, breakdown_value="25-64", unit="persons") == "F"


def test_dominance_rule():
    con = fixture_db(with_file_ids({
        "raw.enterprises": [enterprise(E1, "2020-01-01"), enterprise(E2, "2020-01-01"), enterprise(E3, "2020-01-01")],
        "raw.supplier_invoices": [posting(E1, "2023-01-01", 900000.0), posting(E2, "2023-01-01", 50000.0),
                                  posting(E3, "2023-01-01", 50000.0)],
    }))
    # three enterprises, but one is 90 % of the money (> 85 %)
    assert status(con, "SE04", LEKEBERG, unit="SEK") == "C"
    assert status(con, "SE04", LEKEBERG, unit="%") == "C"
    assert status(con, "SE05", LEKEBERG) == "F"                             # a count of enterprises is not money


def test_thresholds_come_from_the_configuration():
    settings = load_config()
    settings = settings.model_copy(update={"thresholds": Thresholds(min_person_count=2, min_enterprises=1,
                                                                     dominance_share=1.0)})
    con = fixture_db(tables(), settings=settings, files=ANNUAL_REPORT_FILES)
    assert status(con, "SE13", LEKEBERG, sex="K") == "F"                    # 2 >= 2
    assert status(con, "SE04", LEKEBERG, breakdown_value="not_wise", unit="SEK") == "F"


def test_context_and_missing_values_are_never_suppressed(con):
    assert rows(con, """select count(*) from export.disclosure
                        where measure in ('context', 'rate', 'count_enterprises') and conf_status <> 'F'""") == [(0,)]
    assert rows(con, "select count(*) from export.disclosure where value is null and conf_status <> 'F'") == [(0,)]


# --- secondary ----------------------------------------------------------------------------------

def test_secondary_sex_pair(con):
    # women 2 (C), men 10, total 12: with the men shown, women = 12 - 10, so the men get D
    assert status(con, "SE13", LEKEBERG, sex="M") == "D"
    assert status(con, "SE13", LEKEBERG, sex="T") == "F"
    # rates over persons too: women's transition rate (3 ended) is C, so the men's gets D
    assert status(con, "SE15", LEKEBERG, sex="M") == "D"


def test_secondary_breakdown_group(con):
    # persons 16-24 = 3 (C); total 19 shown; 65+ (6) is the smallest other band -> D, 25-64 (10) stays
    assert status(con, "SE14", LEKEBERG, breakdown_value="16-24", unit="persons") == "C"
    assert status(con, "SE14", LEKEBERG, breakdown_value="65+", unit="persons") == "D"
    assert status(con, "SE14", LEKEBERG, breakdown_value="25-64", unit="persons") == "F"
    assert status(con, "SE14", LEKEBERG, unit="persons") == "F"
    # the same within women (all persons here are women)
    assert status(con, "SE14", LEKEBERG, sex="K", breakdown_value="65+", unit="persons") == "D"
    # money: the non-WISE cell (one enterprise) is C, so the WISE cell (three) gets D: total - WISE = non-WISE
    assert status(con, "SE04", LEKEBERG, breakdown_value="wise", unit="SEK") == "D"


def test_secondary_geography(con):
    # county women = Lekeberg 2 (C) + Örebro 6 + Hallsberg 7; the smallest other municipality gets D
    assert status(con, "SE13", COUNTY, sex="K") == "F"
    assert status(con, "SE13", OREBRO, sex="K") == "D"
    assert status(con, "SE13", HALLSBERG, sex="K") == "F"
    # county men = Lekeberg (D by the sex pair) + Örebro + Hallsberg: Örebro's men follow
    assert status(con, "SE13", OREBRO, sex="M") == "D"


def test_no_suppressed_cell_can_be_recomputed_by_a_single_difference(con):
    """Audit: after the passes, no rule still finds exactly one hidden cell next to a shown total
    and a shown sibling (the fixed point of the secondary rules)."""
    base = """with d as (
        select *, conf_status in ('C', 'D') as hidden, conf_status = 'F' and value is not null as shown,
               municipality_code = '0018' as is_region
        from export.disclosure where measure in ('count_persons', 'rate_persons', 'money'))"""
    sex_pairs = rows(con, base + """
        select indicator_id, municipality_code, period, breakdown, breakdown_value, unit from d
        group by all
        having count(*) filter (where hidden and sex in ('K', 'M')) = 1
           and bool_or(sex = 'T' and shown) and bool_or(sex in ('K', 'M') and shown)""")
    assert sex_pairs == []
    groups = rows(con, base + """, g as (
        select indicator_id, municipality_code, period, sex, unit, breakdown,
               count(*) filter (where hidden) as hidden_cells, bool_or(shown) as any_shown
        from d where breakdown <> 'total' and measure <> 'rate_persons' group by all),
        t as (select indicator_id, municipality_code, period, sex, unit from d where breakdown = 'total' and shown)
        select g.* from g join t using (indicator_id, municipality_code, period, sex, unit)
        where hidden_cells = 1 and any_shown""")
    assert groups == []
    geography = rows(con, base + """
        select indicator_id, period, sex, breakdown, breakdown_value, unit from d
        where measure <> 'rate_persons' and unit <> '%'
        group by all
        having count(*) filter (where hidden and not is_region) = 1
           and bool_or(is_region and shown) and bool_or(not is_region and shown)""")
    assert geography == []


# --- what leaves the warehouse ------------------------------------------------------------------

def exported_person_leaks(con):
    return rows(con, """
        select d.indicator_id, d.municipality_code, d.period, d.sex, d.breakdown_value, d.unit
        from export.disclosure as d
        join export.indicator_values as e using (indicator_id, municipality_code, period, sex, breakdown,
                                                 breakdown_value, unit)
        where e.value is not null
          and ((d.measure = 'count_persons' and coalesce(d.persons, d.value) between 1 and 4)
               or (d.measure = 'rate_persons' and (d.numerator between 1 and 4 or d.denominator between 1 and 4)))""")


def test_no_exported_row_shows_a_small_person_count_or_rate(con):
    assert exported_person_leaks(con) == []
    # suppressed values are blank in the export, and only there
    assert rows(con, """select count(*) from export.indicator_values
                        where conf_status in ('C', 'D') and value is not null""") == [(0,)]
    assert rows(con, "select count(*) from export.indicator_values where conf_status = 'D'")[0][0] > 0


def test_no_leaks_in_the_county_fixture():
    from tests.test_indicators import county_db

    con = county_db()
    assert exported_person_leaks(con) == []
    # Lekeberg's 3 women and 3 men employees are both C; the total (6) may be shown
    assert status(con, "SE13", LEKEBERG, sex="K") == "C"
    assert status(con, "SE13", LEKEBERG, sex="M") == "C"
    assert status(con, "SE13", LEKEBERG) == "F"


def test_published_table_is_the_disclosure(con):
    published = rows(con, """select indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit,
                                    value, conf_status from indicators.indicator_values order by all""")
    controlled = rows(con, """select indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit,
                                     value, conf_status from export.disclosure order by all""")
    assert published == controlled
    assert ("SE13", LEKEBERG, "2023", "M", "total", "_T", "persons", 10.0, "D") in published
