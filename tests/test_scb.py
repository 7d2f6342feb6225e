"""SCB PxWeb v2 client: json-stat2 decoding, splitting over maxDataCells, throttling, population."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from itertools import product
from math import prod
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from flows.config import Settings, load_config
from flows.sources import scb
from flows.sources.http import HttpClient, Payload
from tests.support.httpserver import RecordedRequest, Reply, ScriptedServer

CONFIG = Path(__file__).resolve().parents[1] / "config" / "pipeline.toml"


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as running:
        yield running


def http_client() -> HttpClient:
    return HttpClient(timeout_seconds=2, max_retries=2, backoff_seconds=0.01, max_backoff_seconds=0.05,
                      sleep=lambda seconds: None)


def jsonstat(dims: list[tuple[str, list[str]]], value: Callable[[dict[str, str]], float | None]) -> dict:
    """A json-stat2 answer over the given dimensions, values row-major in the given order."""
    ids = [name for name, _ in dims]
    cells = [dict(zip(ids, combo)) for combo in product(*(codes for _, codes in dims))]
    return {
        "version": "2.0", "class": "dataset", "label": "test", "source": "SCB",
        "id": ids, "size": [len(codes) for _, codes in dims],
        "dimension": {name: {"label": name, "category": {
            "index": {code: pos for pos, code in enumerate(codes)},
            "label": {code: f"{name} {code}" for code in codes}}} for name, codes in dims},
        "value": [value(cell) for cell in cells],
    }


def answer_selection(
    value: Callable[[dict[str, str]], float | None], max_cells: int
) -> Callable[[RecordedRequest], Reply]:
    """A data endpoint that refuses too many cells (like SCB) and answers the selection otherwise."""

    def answer(request: RecordedRequest) -> Reply:
        selection = request.json["selection"]
        if prod(len(v["valueCodes"]) for v in selection) > max_cells:
            return Reply(status=400, json={"title": "Too many cells selected"})
        return Reply(json=jsonstat([(v["variableCode"], v["valueCodes"]) for v in selection], value))

    return answer


# json-stat2 ------------------------------------------------------------------------------------------
HAND_WRITTEN = {
    "version": "2.0",
    "class": "dataset",
    "label": "Folkmängd (test)",
    "id": ["Region", "Kon", "Tid"],
    "size": [2, 2, 3],
    "role": {"time": ["Tid"]},
    "dimension": {
        "Region": {"label": "region", "category": {"index": {"1880": 1, "1814": 0},
                                                   "label": {"1814": "Lekeberg", "1880": "Örebro"}}},
        "Kon": {"label": "kön", "category": {"index": ["1", "2"], "label": {"1": "män", "2": "kvinnor"}}},
        "Tid": {"label": "år", "category": {"index": {"2022": 0, "2023": 1, "2024": 2}}},
    },
    "value": [1, 2, 3, 4, 5, None, 7, 8, 9, 10, 11, 12],
}


def test_decode_jsonstat2_cell_by_cell() -> None:
    frame = scb.decode_jsonstat2(HAND_WRITTEN)
    assert list(frame.columns) == ["Region", "Kon", "Tid", "Region_label", "Kon_label", "Tid_label", "value"]
    expected = [
        ("1814", "1", "2022", "Lekeberg", "män", 1.0),
        ("1814", "1", "2023", "Lekeberg", "män", 2.0),
        ("1814", "1", "2024", "Lekeberg", "män", 3.0),
        ("1814", "2", "2022", "Lekeberg", "kvinnor", 4.0),
        ("1814", "2", "2023", "Lekeberg", "kvinnor", 5.0),
        ("1814", "2", "2024", "Lekeberg", "kvinnor", None),
        ("1880", "1", "2022", "Örebro", "män", 7.0),
        ("1880", "1", "2023", "Örebro", "män", 8.0),
        ("1880", "1", "2024", "Örebro", "män", 9.0),
        ("1880", "2", "2022", "Örebro", "kvinnor", 10.0),
        ("1880", "2", "2023", "Örebro", "kvinnor", 11.0),
        ("1880", "2", "2024", "Örebro", "kvinnor", 12.0),
    ]
    assert len(frame) == len(expected)
    for (_, got), (region, sex, year, region_label, sex_label, value) in zip(frame.iterrows(), expected):
        assert (got.Region, got.Kon, got.Tid) == (region, sex, year)
        assert (got.Region_label, got.Kon_label, got.Tid_label) == (region_label, sex_label, year)
        assert pd.isna(got.value) if value is None else got.value == value
    assert frame.value.dtype == "Float64"
    assert frame.Tid.map(type).eq(str).all()


def test_decode_jsonstat2_rejects_inconsistent_sizes() -> None:
    broken = HAND_WRITTEN | {"value": HAND_WRITTEN["value"][:-1]}
    with pytest.raises(scb.JsonStatError, match="11 cells"):
        scb.decode_jsonstat2(broken)


def test_decode_jsonstat2_sparse_values() -> None:
    sparse = HAND_WRITTEN | {"value": {"0": 1, "11": 12}}
    frame = scb.decode_jsonstat2(sparse)
    assert frame.value[0] == 1 and frame.value[11] == 12 and frame.value[1:11].isna().all()


def test_decode_payloads_names_the_payload() -> None:
    with pytest.raises(scb.JsonStatError, match="landing/x.json"):
        scb.decode_payloads([Payload("landing/x.json", {"id": ["A"]})])


# Splitting -------------------------------------------------------------------------------------------
def test_query_above_max_cells_is_split_and_reassembled(server: ScriptedServer) -> None:
    def value(cell: dict[str, str]) -> float | None:
        if cell["Alder"] == "3":
            return None
        return float(int(cell["Region"]) * 1000 + int(cell["Alder"]) * 10 + int(cell["Tid"]) - 2020)

    server.route("/api/v2/tables/TAB1/data", answer_selection(value, max_cells=50), method="POST")
    selection = (
        scb.VariableSelection("Region", ("1814", "1880", "1881", "1860"), "vs_RegionKommun07"),
        scb.VariableSelection("Alder", tuple(str(a) for a in range(10))),
        scb.VariableSelection("Tid", ("2020", "2021", "2022")),
    )
    fetched = scb.fetch_table(http_client(), server.url("/api/v2"), "TAB1", selection, max_cells=50)
    got = scb.decode_payloads([page.as_payload() for page in fetched])

    unsplit = scb.decode_jsonstat2(jsonstat([(v.variable_code, list(v.value_codes)) for v in selection], value))
    pd.testing.assert_frame_equal(got, unsplit)
    assert len(server.requests) > 1
    for request in server.requests:
        assert prod(len(v["valueCodes"]) for v in request.json["selection"]) <= 50
        assert request.json["selection"][0]["codelist"] == "vs_RegionKommun07"
        assert request.query == {"lang": ["sv"], "outputFormat": ["json-stat2"]}


@hypothesis_settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(1, 7), min_size=1, max_size=4), max_cells=st.integers(1, 60))
def test_split_selection_covers_every_cell_once_within_the_limit(sizes: list[int], max_cells: int) -> None:
    selection = tuple(scb.VariableSelection(f"V{i}", tuple(f"c{j}" for j in range(n))) for i, n in enumerate(sizes))
    pieces = scb.split_selection(selection, max_cells)
    cells = [cell for piece in pieces for cell in product(*(v.value_codes for v in piece))]
    assert all(scb.cell_count(piece) <= max_cells for piece in pieces)
    assert sorted(cells) == sorted(product(*(v.value_codes for v in selection)))


def test_reassemble_refuses_overlapping_pieces() -> None:
    frame = scb.decode_jsonstat2(HAND_WRITTEN)
    with pytest.raises(scb.JsonStatError, match="overlap"):
        scb.reassemble([frame, frame])


# Limits and throttling -------------------------------------------------------------------------------
def test_parse_limits() -> None:
    limits = scb.parse_limits(Payload("c", {"maxDataCells": 150000, "maxCallsPerTimeWindow": 30, "timeWindow": 10}))
    assert limits == scb.ApiLimits(150000, 30, 10.0)
    with pytest.raises(scb.ScbFormatError, match="config.json"):
        scb.parse_limits(Payload("config.json", {"maxDataCells": 1}))


def test_call_limiter_spaces_calls_to_the_window() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = scb.CallLimiter(clock=lambda: now[0], sleep=sleep)
    limiter.wait()  # /config, before the limits are known
    limiter.set_limit(3, 1.0)
    for _ in range(2):
        now[0] += 0.1
        limiter.wait()
    now[0] += 0.1
    limiter.wait()  # fourth call within one second: waits until the first leaves the window
    assert slept == [pytest.approx(0.7)]
    limiter.set_limit(0, 0)
    limiter.wait()
    assert len(slept) == 1


# Population ------------------------------------------------------------------------------------------
def population_settings(server: ScriptedServer) -> Settings:
    settings = load_config(CONFIG)
    scb_settings = settings.sources.scb.model_copy(update={"base_url": server.url("/api/v2"), "backoff_seconds": 0.01})
    return settings.model_copy(update={"sources": settings.sources.model_copy(update={"scb": scb_settings})})


def people(cell: dict[str, str]) -> float:
    """Made-up counts that make sums easy to check: region 1814 has 10 per cell, county 18 has 100."""
    return 10.0 if cell["Region"] == "1814" else 100.0


def test_fetch_population_uses_both_tables_with_their_codes(server: ScriptedServer) -> None:
    server.add("/api/v2/config", Reply(json={"maxDataCells": 150000, "maxCallsPerTimeWindow": 30, "timeWindow": 10}))
    server.route("/api/v2/tables/", answer_selection(people, max_cells=150000), method="POST")
    population = scb.fetch_population(population_settings(server), ["1814", "18"], [2024, 2025], sleep=lambda s: None)

    assert list(population.columns) == ["region_code", "sex", "age", "year", "value", "table_id", "cell_key_noise"]
    assert set(population.region_code) == {"1814", "18"}
    assert set(population.sex) == {"K", "M"}
    assert population.age.tolist()[:3] == ["0", "1", "2"] and "100+" in set(population.age)
    old = population[population.year == 2024]
    new = population[population.year == 2025]
    assert set(old.table_id) == {"TAB638"} and not old.cell_key_noise.any()
    assert set(new.table_id) == {"TAB5557"} and new.cell_key_noise.all()
    # TAB638: four marital classes summed; TAB5557: the total class only.
    assert old[old.region_code == "1814"].value.eq(40.0).all()
    assert new[new.region_code == "1814"].value.eq(10.0).all()
    assert len(population) == 2 * 2 * 101 * 2

    posts = server.requests_to("/api/v2/tables/")
    bodies = {(r.path, json.dumps(r.json["selection"][0])): r.json["selection"] for r in posts}
    tab638 = [s for (path, _), s in bodies.items() if "TAB638" in path]
    tab5557 = [s for (path, _), s in bodies.items() if "TAB5557" in path]
    assert {tuple(s[0]["valueCodes"]): s[0].get("codelist") for s in tab638} == {
        ("1814",): "vs_RegionKommun07", ("18",): None}
    assert tab5557[0][0]["valueCodes"] == ["1814", "18"]
    contents = {path: s[4]["valueCodes"] for (path, _), s in bodies.items()}
    assert contents == {"/api/v2/tables/TAB638/data": ["BE0101N1"], "/api/v2/tables/TAB5557/data": ["000007ME"]}


def test_population_selection_splits_years_between_tables() -> None:
    settings = load_config(CONFIG)
    split = scb.tables_for_years(settings.sources.scb, [2023, 2024, 2025, 2026])
    assert [(table.table_id, years) for table, years in split] == [("TAB638", [2023, 2024]),
                                                                    ("TAB5557", [2025, 2026])]
