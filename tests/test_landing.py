"""Landing, replay and collect: manifests, offline replay of the shipped demo, live runs and fallbacks."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from flows.config import Settings, load_config
from flows.demo.snapshots import write_api_snapshots
from flows.errors import SourceError
from flows.sources import kolada
from flows.sources.api import collect_kolada, collect_scb
from flows.sources.http import Fetched
from flows.sources.landing import (
    MANIFEST,
    LandingError,
    complete_landings,
    land,
    read_landed,
)
from tests.support.httpserver import (
    ScriptedServer,
    serve_recording,
)

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config" / "demo.toml"
SHIPPED = ROOT / "config" / "snapshots" / "demo"
RUN_DATE = date(2026, 11, 27)
UNREACHABLE = "http://127.0.0.1:9"


@pytest.fixture(scope="module")
def demo_settings() -> Settings:
    return load_config(CONFIG)


def variant(settings: Settings, tmp_path: Path, *, mode: str = "live", snapshots: Path | None = None,
            kolada_url: str | None = None, scb_url: str | None = None, **kolada_changes: object) -> Settings:
    """The demo settings with a landing folder under tmp_path, fast retries and other base URLs."""
    fast = {"max_retries": 1, "backoff_seconds": 0.001, "max_backoff_seconds": 0.001, "timeout_seconds": 2}
    sources = settings.sources.model_copy(update={
        "kolada": settings.sources.kolada.model_copy(
            update=fast | {"base_url": kolada_url or settings.sources.kolada.base_url} | kolada_changes),
        "scb": settings.sources.scb.model_copy(update=fast | {"base_url": scb_url or settings.sources.scb.base_url}),
    })
    paths = settings.paths.model_copy(update={"landing": tmp_path / "landing",
                                              "snapshots": snapshots or settings.paths.snapshots})
    return settings.model_copy(update={"mode": mode, "sources": sources, "paths": paths})


def fetched(url: str, document: object, body: dict | None = None) -> Fetched:
    content = json.dumps(document).encode()
    return Fetched("POST" if body else "GET", url, body, 200, "application/json", content, document,
                   datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc))


# Landing and replay ----------------------------------------------------------------------------------
def test_land_writes_files_and_a_manifest_with_checksums(tmp_path: Path) -> None:
    pages = {
        "config": [fetched("http://127.0.0.1/api/v2/config", {"maxDataCells": 10})],
        "data/TAB638": [fetched("http://127.0.0.1/api/v2/tables/TAB638/data?lang=sv", {"value": [1]},
                                body={"selection": []}),
                        fetched("http://127.0.0.1/api/v2/tables/TAB638/data?lang=sv", {"value": [2]},
                                body={"selection": [1]})],
    }
    folder = land(tmp_path / "scb" / "2026-11-20", "scb", pages,
                  completed_at=datetime(2026, 11, 20, 2, 1, tzinfo=timezone.utc))
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["source"] == "scb" and manifest["completed_at"] == "2026-11-20T02:01:00Z"
    assert [entry["file"] for entry in manifest["files"]] == ["001-config.json", "002-data-TAB638.json",
                                                            "003-data-TAB638.json"]
    for entry, page in zip(manifest["files"], [p for group in pages.values() for p in group]):
        content = (folder / entry["file"]).read_bytes()
        assert content == page.content
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["bytes"] == len(content)
        assert entry["url"] == page.url and entry["body"] == page.body and entry["method"] == page.method
        assert entry["fetched_at"] == "2026-11-20T02:00:00Z"
    landed = read_landed(folder, "scb")
    assert [p.data for p in landed.payloads["data/TAB638"]] == [{"value": [1]}, {"value": [2]}]
    assert landed.completed_at == datetime(2026, 11, 20, 2, 1, tzinfo=timezone.utc)
    assert not list(folder.glob(".*.tmp"))


def test_landing_the_same_day_again_replaces_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "kolada" / "2026-11-20"
    stamp = datetime(2026, 11, 20, tzinfo=timezone.utc)
    land(folder, "kolada", {"kpi": [fetched("u1", {"values": []}), fetched("u2", {"values": []})]}, completed_at=stamp)
    land(folder, "kolada", {"kpi": [fetched("u3", {"values": []})]}, completed_at=stamp)
    assert sorted(p.name for p in folder.iterdir()) == ["001-kpi.json", MANIFEST]


def test_a_folder_without_manifest_is_incomplete_and_ignored(tmp_path: Path) -> None:
    stamp = datetime(2026, 11, 19, tzinfo=timezone.utc)
    land(tmp_path / "kolada" / "2026-11-19", "kolada", {"kpi": [fetched("u", {"values": []})]}, completed_at=stamp)
    interrupted = tmp_path / "kolada" / "2026-11-20"
    interrupted.mkdir()
    (interrupted / "001-kpi.json").write_text("{}")
    assert [p.name for p in complete_landings(tmp_path / "kolada")] == ["2026-11-19"]
    with pytest.raises(LandingError, match="incomplete"):
        read_landed(interrupted, "kolada")


def test_a_changed_file_is_detected(tmp_path: Path) -> None:
    folder = land(tmp_path / "k", "kolada", {"kpi": [fetched("u", {"values": []})]},
                  completed_at=datetime(2026, 11, 19, tzinfo=timezone.utc))
    (folder / "001-kpi.json").write_text('{"values": [1]}')
    with pytest.raises(LandingError, match="001-kpi.json.*changed"):
        read_landed(folder, "kolada")


# The shipped demo snapshot ---------------------------------------------------------------------------
def test_shipped_snapshot_is_reproducible_small_and_marked_synthetic(demo_settings: Settings, tmp_path: Path) -> None:
    write_api_snapshots(tmp_path, demo_settings)
    for source in ("kolada", "scb"):
        shipped = sorted(p.name for p in (SHIPPED / source).iterdir())
        assert shipped == sorted(p.name for p in (tmp_path / source).iterdir())
        for name in shipped:
            assert (SHIPPED / source / name).read_bytes() == (tmp_path / source / name).read_bytes(), name
        manifest = json.loads((SHIPPED / source / MANIFEST).read_text(encoding="utf-8"))
        assert manifest["synthetic"] is True and "not real statistics" in manifest["note"]
    total = sum(p.stat().st_size for source in ("kolada", "scb") for p in (SHIPPED / source).iterdir())
    assert total < 1_000_000
    kinds = [e["kind"] for e in json.loads((SHIPPED / "kolada" / MANIFEST).read_text())["files"]]
    assert kinds.count("data") >= 2


def test_offline_replay_of_the_shipped_snapshot(demo_settings: Settings) -> None:
    assert demo_settings.mode == "offline"
    kolada_result = collect_kolada(demo_settings, RUN_DATE)
    scb_result = collect_scb(demo_settings, RUN_DATE)
    for result in (kolada_result, scb_result):
        assert (result.origin, result.provisional, result.warning) == ("snapshot", False, None)
        assert result.retrieved_at == datetime(2026, 11, 1, 3, tzinfo=timezone.utc)
    values = kolada_result.tables["kolada_values"]
    expected_areas = {m.kolada_code for m in demo_settings.municipalities} | {demo_settings.region.kolada_code}
    assert set(values.area_code) == expected_areas
    assert set(values.kpi_id) == set(demo_settings.sources.kolada.kpis)
    assert values.value.isna().any() and values.value.notna().sum() > 1000
    assert set(kolada_result.tables["kolada_kpis"].kpi_id) == set(demo_settings.sources.kolada.kpis)
    population = scb_result.tables["scb_population"]
    expected_regions = {m.scb_code for m in demo_settings.municipalities} | {demo_settings.region.county_code}
    assert set(population.region_code) == expected_regions
    assert population.groupby("region_code").value.sum().gt(0).all()
    thresholds = demo_settings.thresholds
    assert set(population.year) == set(range(thresholds.first_year, thresholds.last_year + 1))


# Live runs and fallbacks -----------------------------------------------------------------------------
@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as running:
        yield running


def test_live_run_fetches_lands_and_decodes_like_the_replay(demo_settings: Settings, tmp_path: Path,
                                                           server: ScriptedServer) -> None:
    settings = variant(demo_settings, tmp_path, kolada_url=server.url("/v3"), scb_url=server.url("/api/v2"))
    recording = tmp_path / "recording"
    write_api_snapshots(recording, settings)
    serve_recording(server, recording / "kolada", recording / "scb")
    offline = variant(settings, tmp_path, mode="offline", snapshots=recording)

    for collect, source in ((collect_kolada, "kolada"), (collect_scb, "scb")):
        live = collect(settings, RUN_DATE, sleep=lambda seconds: None)
        assert (live.origin, live.provisional, live.warning) == ("live", False, None)
        landed = tmp_path / "landing" / source / RUN_DATE.isoformat()
        assert (landed / MANIFEST).is_file()
        for name in (p.name for p in (recording / source).iterdir() if p.name != MANIFEST):
            assert (landed / name).read_bytes() == (recording / source / name).read_bytes()
        replayed = collect(offline, RUN_DATE)
        assert live.tables.keys() == replayed.tables.keys()
        for name, table in live.tables.items():
            pd.testing.assert_frame_equal(table, replayed.tables[name])
    assert len(server.requests) == sum(
        len(json.loads((recording / source / MANIFEST).read_text())["files"]) for source in ("kolada", "scb"))


@pytest.mark.parametrize("collect,source", [(collect_kolada, "kolada"), (collect_scb, "scb")])
def test_unreachable_source_falls_back_to_the_snapshot(collect, source: str, demo_settings: Settings,
                                                       tmp_path: Path) -> None:
    settings = variant(demo_settings, tmp_path, kolada_url=UNREACHABLE, scb_url=UNREACHABLE)
    result = collect(settings, RUN_DATE, sleep=lambda seconds: None)
    assert (result.origin, result.provisional) == ("fallback", True)
    assert result.warning.startswith(f"{source}: live fetch failed (")
    assert "127.0.0.1:9" in result.warning and "using snapshot of 2026-11-01" in result.warning
    assert "SYNTHETIC" in result.warning
    assert all(len(table) for name, table in result.tables.items() if name != "kolada_municipalities")
    assert not (tmp_path / "landing" / source / RUN_DATE.isoformat()).exists()


def test_fallback_prefers_the_newest_good_landing(demo_settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "landing" / "kolada"
    for day in ("2026-11-18", "2026-11-19", "2026-11-20"):
        shutil.copytree(SHIPPED / "kolada", root / day)
    (root / "2026-11-21").mkdir()  # an interrupted fetch: no manifest
    (root / "2026-11-20" / "003-data.json").write_text('{"values": []}')  # altered after landing
    settings = variant(demo_settings, tmp_path, kolada_url=UNREACHABLE)
    result = collect_kolada(settings, RUN_DATE, sleep=lambda seconds: None)
    assert result.origin == "fallback"
    assert "using snapshot of 2026-11-19" in result.warning


def test_nothing_to_fall_back_to_is_an_error(demo_settings: Settings, tmp_path: Path) -> None:
    settings = variant(demo_settings, tmp_path, kolada_url=UNREACHABLE, snapshots=tmp_path / "no-snapshots")
    with pytest.raises(SourceError, match="kolada: live fetch failed.*nothing to fall back to"):
        collect_kolada(settings, RUN_DATE, sleep=lambda seconds: None)


def test_a_kpi_known_not_to_exist_stops_before_fetching(demo_settings: Settings, tmp_path: Path) -> None:
    settings = variant(demo_settings, tmp_path, kolada_url=UNREACHABLE, kpis=["N01951", "N00914"])
    with pytest.raises(kolada.UnknownKpiError, match="N00914"):
        collect_kolada(settings, RUN_DATE, sleep=lambda seconds: None)
