"""SE01 active social enterprises: fixture rows in, expected rows out."""

from tests.sqlkit import fixture_db, rows


def enterprise(org_nr, start, end=None, muni="1814", wise=True, file_id="f-1814"):
    return {"org_nr": org_nr, "name": f"Företag {org_nr} (fiktivt)", "municipality_code": muni,
            "is_wise": wise, "start_date": start, "end_date": end, "_file_id": file_id}


def se01(con, muni, year, breakdown_value="_T"):
    return rows(con, """select value, obs_status from indicators.all_values
                        where indicator_id = 'SE01' and unit = 'count'
                          and municipality_code = ? and period = ? and breakdown_value = ?""",
                [muni, str(year), breakdown_value])


def test_active_on_31_december_counts_start_and_mid_year_end():
    con = fixture_db({"raw.enterprises": [
        enterprise("7696000012", "2022-03-01"),                       # active 2022-
        enterprise("7696000020", "2019-01-01", "2023-06-30"),         # ends mid-2023: not active 31/12/2023
        enterprise("8020000017", "2023-12-31", wise=False),          # starts on 31/12: active that day
        enterprise("5560360793", "2026-01-01"),                       # not yet started in any reporting year
    ]})
    assert se01(con, "1814", 2021) == [(1.0, "A")]
    assert se01(con, "1814", 2022) == [(2.0, "A")]
    assert se01(con, "1814", 2023) == [(2.0, "A")]
    assert se01(con, "1814", 2023, "wise") == [(1.0, "A")]
    assert se01(con, "1814", 2023, "not_wise") == [(1.0, "A")]


def test_county_is_the_sum_and_undelivered_municipality_is_missing_not_zero():
    con = fixture_db({"raw.enterprises": [
        enterprise("7696000012", "2020-01-01"),
        enterprise("7696000020", "2020-01-01", muni="1880", file_id="f-1880"),
        enterprise("8020000017", "2020-01-01", muni="1880", file_id="f-1880"),
    ]})
    # the county counts both registers' enterprises; with 2 of 12 registers delivered it is provisional
    assert se01(con, "0018", 2024) == [(3.0, "P")]
    assert se01(con, "1880", 2024) == [(2.0, "A")]
    # Laxå (1860) delivered no register: missing (L), not a false zero.
    assert se01(con, "1860", 2024) == [(None, "L")]


def test_superseded_register_is_replaced_by_the_newer_delivery():
    con = fixture_db(
        {"raw.enterprises": [
            enterprise("7696000012", "2020-01-01", file_id="old"),
            enterprise("7696000020", "2020-01-01", file_id="old"),
            enterprise("7696000012", "2020-01-01", file_id="new"),
        ]},
        files=[
            {"file_id": "old", "path": "1814/enterprises/a.csv", "sha256": "a", "dataset": "enterprises",
             "municipality_code": "1814", "status": "loaded", "rows_read": 2, "rows_loaded": 2,
             "rows_quarantined": 0, "run_id": "r1"},
            {"file_id": "new", "path": "1814/enterprises/b.csv", "sha256": "b", "dataset": "enterprises",
             "municipality_code": "1814", "status": "loaded", "rows_read": 1, "rows_loaded": 1,
             "rows_quarantined": 0, "run_id": "r2"},
        ])
    assert se01(con, "1814", 2024) == [(1.0, "A")]
    assert rows(con, "select file_id, superseded_by from meta.files order by 1") == [("new", None), ("old", "new")]


def test_indicator_values_holds_se01_in_the_long_format():
    con = fixture_db({"raw.enterprises": [enterprise("7696000012", "2020-01-01")]})
    got = rows(con, """select indicator_id, municipality_code, period, sex, breakdown, breakdown_value, value,
                              unit, obs_status, conf_status
                       from indicators.indicator_values
                       where indicator_id = 'SE01' and unit = 'count' and municipality_code = '1814'
                         and period = '2024' and breakdown = 'total'""")
    assert got == [("SE01", "1814", "2024", "T", "total", "_T", 1.0, "count", "A", "F")]
