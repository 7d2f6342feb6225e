"""Kolada v3 client against a local scripted server: paging, the 25-id limit, decoding, KPI checks."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import date

import pandas as pd
import pytest

from flows.config import KoladaSettings
from flows.sources import kolada
from flows.sources.http import HttpClient, HttpError, Payload
from tests.support.httpserver import RecordedRequest, Reply, ScriptedServer


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as running:
        yield running


def http_client() -> HttpClient:
    return HttpClient(timeout_seconds=2, max_retries=3, backoff_seconds=0.01, max_backoff_seconds=0.05,
                      sleep=lambda seconds: None)


def settings_for(server: ScriptedServer, per_page: int = 5000) -> KoladaSettings:
    return KoladaSettings(base_url=server.url("/v3"), per_page=per_page)


def row(kpi: str, area: str, period: int | str, value: float | None = 1.0) -> dict:
    return {"kpi": kpi, "municipality": area, "period": period,
            "values": [{"count": 1, "gender": "T", "status": "", "value": value}]}


# Paging ----------------------------------------------------------------------------------------------
def test_three_pages_and_a_429_return_every_row_exactly_once(server: ScriptedServer) -> None:
    path = "/v3/data/kpi/N01951/municipality/1814,0018/year/2023,2024"
    pages = {
        "1": [row("N01951", "1814", 2023), row("N01951", "1814", 2024)],
        "2": [row("N01951", "0018", 2023)],
        "3": [row("N01951", "0018", 2024)],
    }
    throttled: list[str] = []

    def answer(request: RecordedRequest) -> Reply:
        page = request.query.get("page", ["1"])[0]
        if page == "2" and not throttled:
            throttled.append(page)
            return Reply(status=429, headers={"Retry-After": "0"})
        following = str(int(page) + 1)
        next_url = server.url(f"{path}?per_page=2&page={following}") if following in pages else ""
        return Reply(json={"values": pages[page], "next_url": next_url})

    server.route(path, answer)
    fetched = kolada.fetch_values(http_client(), settings_for(server, per_page=2), ["N01951"],
                                  ["1814", "0018"], [2023, 2024])
    values = kolada.decode_values(page.as_payload() for page in fetched)
    assert len(fetched) == 3
    assert len(server.requests) == 4  # three pages plus the throttled retry
    assert sorted(zip(values.area_code, values.period)) == [("0018", 2023), ("0018", 2024),
                                                             ("1814", 2023), ("1814", 2024)]
    assert not values.duplicated().any()
    assert server.requests[0].query == {"per_page": ["2"]}


def test_no_segment_carries_more_than_25_ids(server: ScriptedServer) -> None:
    kpis = [f"N{n:05d}" for n in range(1, 31)]
    areas = [f"{1800 + n:04d}" for n in range(27)]
    years = [2022, 2023, 2024]

    def answer(request: RecordedRequest) -> Reply:
        parts = request.path.split("/")  # '', v3, data, kpi, K, municipality, M, year, Y
        segments = {parts[3]: parts[4].split(","), parts[5]: parts[6].split(","), parts[7]: parts[8].split(",")}
        too_long = {name: len(ids) for name, ids in segments.items() if len(ids) > 25}
        if too_long:
            return Reply(status=400, json={"error": f"too many ids: {too_long}"})
        rows = [row(k, m, int(y)) for k in segments["kpi"] for m in segments["municipality"] for y in segments["year"]]
        return Reply(json={"values": rows, "next_url": ""})

    server.route("/v3/data/", answer)
    fetched = kolada.fetch_values(http_client(), settings_for(server), kpis, areas, years)
    values = kolada.decode_values(page.as_payload() for page in fetched)
    assert len(server.requests) == 4  # 2 KPI chunks x 2 area chunks x 1 year chunk
    for request in server.requests:
        assert all(len(segment.split(",")) <= 25 for segment in request.path.split("/")[4::2])
    assert len(values) == 30 * 27 * 3
    assert not values.duplicated(["kpi_id", "area_code", "period", "gender"]).any()
    assert set(values.kpi_id) == set(kpis) and set(values.area_code) == set(areas)


def test_chunked_splits_at_25() -> None:
    ids = [str(n) for n in range(51)]
    assert [len(chunk) for chunk in kolada.chunked(ids)] == [25, 25, 1]
    assert sum(kolada.chunked(ids), []) == ids


def test_a_failing_page_fails_the_whole_query(server: ScriptedServer) -> None:
    path = "/v3/kpi/N01951"
    server.add(path, Reply(json={"values": [{"id": "N01951"}], "next_url": server.url("/v3/kpi/N01951/p2")}))
    server.add("/v3/kpi/N01951/p2", Reply(status=404, body="not found"))
    with pytest.raises(HttpError, match="404"):
        kolada.fetch_kpis(http_client(), settings_for(server), ["N01951"])


def test_a_paging_loop_is_an_error(server: ScriptedServer) -> None:
    server.add("/v3/municipality/1814", Reply(json={"values": [], "next_url": server.url("/v3/municipality/1814")}))
    with pytest.raises(kolada.KoladaFormatError, match="paging loop"):
        kolada.fetch_municipalities(http_client(), settings_for(server), ["1814"])


def test_from_date_is_sent_and_isdeleted_decoded(server: ScriptedServer) -> None:
    deleted = {"count": 1, "gender": "T", "status": "", "value": None, "isdeleted": True}
    kept = {"count": 1, "gender": "T", "status": "", "value": 4.2, "isdeleted": False}
    server.route("/v3/data/", lambda request: Reply(json={"values": [
        {"kpi": "N03926", "municipality": "1814", "period": 2023, "values": [deleted]},
        {"kpi": "N03926", "municipality": "1880", "period": 2023, "values": [kept]},
    ], "next_url": ""}))
    fetched = kolada.fetch_values(http_client(), settings_for(server), ["N03926"], ["1814", "1880"], [2023],
                                  from_date=date(2026, 10, 1))
    values = kolada.decode_values(page.as_payload() for page in fetched)
    assert server.requests[0].query["from_date"] == ["2026-10-01"]
    assert values.is_deleted.tolist() == [True, False]
    assert values.value.isna().tolist() == [True, False]


# Decoding --------------------------------------------------------------------------------------------
def test_decode_values_types_and_nulls() -> None:
    page = Payload("test", {"values": [
        {"kpi": "N02797", "municipality": "0018", "period": "2023", "values": [
            {"count": 1, "gender": "T", "status": "", "value": 7.5},
            {"count": None, "gender": "K", "status": "x", "value": None},
            {"count": 12, "gender": "M", "status": "", "value": "8.25"},
        ]},
    ], "next_url": ""})
    values = kolada.decode_values([page])
    assert list(values.columns) == ["kpi_id", "area_code", "period", "gender", "value", "count", "status", "is_deleted"]
    assert values.area_code.tolist() == ["0018"] * 3
    assert values.period.tolist() == [2023] * 3 and values.period.dtype == "int64"
    assert values.gender.tolist() == ["T", "K", "M"]
    assert values.value.tolist()[0] == 7.5 and pd.isna(values.value[1]) and values.value[2] == 8.25
    assert values["count"].tolist()[0] == 1 and pd.isna(values["count"][1])
    assert values.status.tolist() == ["", "x", ""]
    assert values.is_deleted.tolist() == [False, False, False]


def test_decode_values_rejects_unknown_gender() -> None:
    page = Payload("page.json", {"values": [row("N01951", "1814", 2023) | {
        "values": [{"count": 1, "gender": "F", "status": "", "value": 1.0}]}]})
    with pytest.raises(kolada.KoladaFormatError, match="page.json.*gender"):
        kolada.decode_values([page])


def test_decode_values_rejects_a_non_v3_envelope() -> None:
    with pytest.raises(kolada.KoladaFormatError, match="'values' list"):
        kolada.decode_values([Payload("page.json", [1, 2])])


def test_decode_kpis() -> None:
    page = Payload("kpi", {"values": [{
        "id": "N02243", "title": "Sysselsatta invånare 20-65 år, andel (%)", "description": "d",
        "is_divided_by_gender": True, "municipality_type": "A", "auspice": "X", "operating_area": "Arbetsmarknad",
        "perspective": "Resultat", "publ_period": 2024, "publication_date": "2025-11-01", "has_ou_data": False,
    }, {"id": "N00120", "title": "t", "is_divided_by_gender": 0, "auspices": "E"}]})
    kpis = kolada.decode_kpis([page])
    assert list(kpis.columns) == list(kolada.KPI_COLUMNS)
    assert kpis.is_divided_by_gender.tolist() == [True, False]
    assert kpis.auspice.tolist() == ["X", "E"]
    assert kpis.publ_period.tolist()[0] == "2024"


def test_decode_tables_needs_kpis_and_data() -> None:
    with pytest.raises(kolada.KoladaFormatError, match="'kpi'"):
        kolada.decode_tables({"data": [Payload("d", {"values": []})]})


# Catalogue checks ------------------------------------------------------------------------------------
def test_known_missing_kpi_is_an_error_naming_the_replacement() -> None:
    with pytest.raises(kolada.UnknownKpiError, match="N00914.*N02243"):
        kolada.check_kpi_ids(["N01951", "N00914"])


def test_unknown_kpi_warns() -> None:
    with pytest.warns(kolada.UnverifiedKpiWarning, match="N99999"):
        assert kolada.check_kpi_ids(["N01951", "N99999"]) == ["N99999"]


def test_project_kpis_from_domain_notes_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert kolada.check_kpi_ids(["N01951", "N31807", "N00999", "N00120"]) == []


def test_missing_from_catalogue() -> None:
    kpis = pd.DataFrame({"kpi_id": ["N01951"]})
    assert kolada.missing_from_catalogue(["N01951", "N31807"], kpis) == ["N31807"]
