"""The indicator catalogue: strict loading, and catalogue <-> views <-> all_values in step."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from flows.catalogue import (
    CATALOGUE_COLUMNS,
    DEFAULT_CATALOGUE,
    CatalogueError,
    catalogue_frame,
    load_catalogue,
    parse_catalogue,
    warehouse_problems,
)
from flows.errors import ConfigError
from flows.warehouse.sql_runner import parse_sql
from tests.sqlkit import rows
from tests.test_indicators import county_db

ROOT = Path(__file__).resolve().parent.parent
INDICATOR_SQL = ROOT / "sql" / "40_indicators"


def raw() -> dict:
    return tomllib.loads(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def con():
    return county_db()


# --- the file itself ----------------------------------------------------------------------------

def test_catalogue_has_se01_to_se20_in_order():
    catalogue = load_catalogue()
    assert [i.id for i in catalogue.indicators] == [f"SE{n:02d}" for n in range(1, 21)]
    assert {a.id for a in catalogue.action_plan_areas} == {"AP1", "AP2a", "AP2b", "AP2c", "AP2d", "AP3"}
    assert {t.id for t in catalogue.sdg_targets} == {"8.3", "8.5", "8.6", "10.2", "12.7", "17.17"}


def test_sdg_honesty():
    catalogue = load_catalogue()
    for indicator in catalogue.indicators:
        # targets, never official global indicators such as 8.5.2
        assert all(re.fullmatch(r"\d+\.\d+", t) for t in indicator.sdg_targets), indicator.id
        if indicator.kolada_kpi is None:
            assert indicator.sdg_relation == "proxy" and indicator.context_for_indicator is None, indicator.id
        else:
            assert indicator.sdg_relation == "context proxy" and indicator.motion_question == "context"
    assert catalogue.indicator("SE08").sdg_targets == ["17.17"]
    assert catalogue.indicator("SE16").context_for_indicator == "8.5.2"


def test_motion_questions_per_domain_md():
    catalogue = load_catalogue()
    questions = {i.id: i.motion_question for i in catalogue.indicators}
    assert questions["SE01"] == "Q1" and questions["SE04"] == "Q1+Q2" and questions["SE14"] == "Q2"
    assert {questions[f"SE{n}"] for n in range(16, 21)} == {"context"}


def test_frame_has_the_table_columns_and_one_row_per_indicator():
    frame = catalogue_frame()
    assert list(frame.columns) == [*CATALOGUE_COLUMNS, "datasets"]
    assert len(frame) == 20 and frame["indicator_id"].is_unique
    se04 = frame.set_index("indicator_id").loc["SE04"]
    assert se04["units"] == "SEK; %" and se04["view_name"] == "indicators.se04_purchases_from_social_enterprises"
    # the Swedish area names follow the codes in the same order
    se10 = frame.set_index("indicator_id").loc["SE10"]
    assert se10["action_plan_areas"] == "AP2b; AP3"
    assert se10["action_plan_area_names_sv"].split("; ")[1].startswith("Skapa, stärka och samordna nätverk")


# --- strict loading -----------------------------------------------------------------------------

def broken(changes: dict) -> dict:
    data = raw()
    for (index, key), value in changes.items():
        if value is None:
            data["indicators"][index].pop(key)
        else:
            data["indicators"][index][key] = value
    return data


@pytest.mark.parametrize("change, message", [
    ({(3, "unit"): "SEK"}, "indicator SE04 (indicators[3]): key 'unit' is not allowed"),
    ({(4, "definition"): None}, "indicator SE05 (indicators[4]): key 'definition' is required but missing"),
    ({(15, "sdg_targets"): ["8.5.2"]}, "'8.5.2' is an official global indicator"),
    ({(6, "context_for_indicator"): "8.5.2"}, "context_for_indicator is only allowed with sdg_relation = 'context proxy'"),
    ({(1, "action_plan_areas"): ["AP9"]}, "indicator SE02: key 'action_plan_areas': unknown area(s) ['AP9']"),
    ({(2, "motion_question"): "Q3"}, "indicator SE03 (indicators[2]): key 'motion_question'"),
    ({(0, "view"): "se02_wrong"}, "must start with se01_"),
    ({(16, "kolada_kpi"): None}, "kolada_kpi is required exactly when 'Kolada' is among the sources"),
    ({(5, "units"): ["count", "count"]}, "entries listed twice"),
])
def test_strict_loading_names_the_indicator_and_the_key(change, message):
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue(broken(change), source="indicators.toml")
    assert message in str(caught.value)
    assert str(caught.value).startswith("indicators.toml: invalid indicator catalogue")


def test_unknown_top_level_key_duplicate_id_and_missing_file(tmp_path):
    data = raw()
    data["indicatorz"] = []
    with pytest.raises(CatalogueError, match="key 'indicatorz' is not allowed"):
        parse_catalogue(data)
    data = raw()
    data["indicators"][1]["id"] = "SE01"
    data["indicators"][1]["view"] = "se01_other"
    with pytest.raises(CatalogueError, match=r"id\(s\) listed twice: \['SE01'\]"):
        parse_catalogue(data)
    with pytest.raises(ConfigError, match="not found"):
        load_catalogue(tmp_path / "missing.toml")
    (tmp_path / "bad.toml").write_text("[[indicators]\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="not valid TOML"):
        load_catalogue(tmp_path / "bad.toml")


# --- catalogue <-> warehouse --------------------------------------------------------------------

def test_every_indicator_has_a_view_and_every_view_a_catalogue_entry(con):
    catalogue = {i.view: i.id for i in load_catalogue().indicators}
    views = {v for (v,) in rows(con, """select view_name from duckdb_views()
                                        where schema_name = 'indicators' and view_name similar to 'se[0-9]{2}_.*'""")}
    assert set(catalogue) - views == set(), "catalogue entries without a view"
    assert views - set(catalogue) == set(), "indicator views without a catalogue entry"
    files = {p.stem for p in INDICATOR_SQL.glob("se*.sql")}
    assert files == views


def test_warehouse_problems_reports_a_missing_view_and_an_unknown_one(con):
    assert warehouse_problems(con) == []
    data = raw()
    data["indicators"][3]["view"] = "se04_renamed"
    data["indicators"][4]["units"] = ["persons"]
    problems = warehouse_problems(con, parse_catalogue(data))
    assert "indicator SE04: view indicators.se04_renamed does not exist" in problems
    assert "view indicators.se04_purchases_from_social_enterprises has no entry in the indicator catalogue" in problems
    assert any(p.startswith("indicator SE05: view emits unit(s) ['count']") for p in problems)


def test_every_indicator_view_is_in_all_values(con):
    """Own-data views (SE01-SE15) fill indicators.municipal_cells; the context views (SE16-SE20) share
    core.kolada_context, which all_values reads directly."""
    text = (INDICATOR_SQL / "municipal_cells.sql").read_text(encoding="utf-8")
    inserted = set(re.findall(r"from indicators\.(se\d{2}_\w+);", text))
    read = {name.removeprefix("indicators.") for name in parse_sql("municipal_cells.sql", text).reads}
    own_data = {i.view for i in load_catalogue().indicators if i.sdg_relation == "proxy"}
    context = {i.view for i in load_catalogue().indicators if i.sdg_relation == "context proxy"}
    views = {p.stem for p in INDICATOR_SQL.glob("se*.sql")}
    assert inserted == own_data and read >= own_data  # the SQL runner orders the table after every view
    assert own_data | context == views
    assert "core.kolada_context" in parse_sql("all_values.sql", (INDICATOR_SQL / "all_values.sql").read_text()).reads
    ids = {i for (i,) in rows(con, "select distinct indicator_id from indicators.all_values")}
    assert ids == {f"SE{n:02d}" for n in range(1, 21)}


def test_each_view_emits_its_own_id_units_and_breakdowns(con):
    for indicator in load_catalogue().indicators:
        emitted = rows(con, f"select distinct indicator_id, unit, breakdown, sex from indicators.{indicator.view}")
        assert {r[0] for r in emitted} == {indicator.id}
        assert {r[1] for r in emitted} == set(indicator.units), indicator.id
        breakdowns = {r[2] for r in emitted} - {"total"}
        assert breakdowns <= set(indicator.disaggregations), (indicator.id, breakdowns)
        if {r[3] for r in emitted} != {"T"}:
            assert "sex" in indicator.disaggregations, indicator.id
        if indicator.kolada_kpi:
            published = rows(con, "select distinct kpi_id from core.kolada_context where indicator_id = ?",
                             [indicator.id])
            assert published == [(indicator.kolada_kpi,)], indicator.id


def test_catalogue_table_and_publish_views(con):
    assert rows(con, "select count(*) from meta.indicator_catalogue") == [(20,)]
    assert rows(con, "select count(*) from export.indicator_catalogue") == [(20,)]
    # SE12 follows up two targets and appears under both
    assert rows(con, """select distinct sdg_target from indicators.by_sdg_target
                        where indicator_id = 'SE12' order by 1""") == [("10.2",), ("8.5",)]
    assert rows(con, """select distinct action_plan_area, action_plan_area_name_sv from indicators.by_action_plan_area
                        where indicator_id = 'SE06' order by 1""") == [
        ("AP2c", "Öka kunskapen om upphandling och annan samverkan"),
        ("AP2d", "Öka upphandlingen av produkter, tjänster och service från civilsamhället och den sociala ekonomin")]
    per_target = rows(con, "select count(*) from indicators.by_sdg_target where indicator_id = 'SE16'")
    assert per_target == rows(con, "select count(*) from indicators.indicator_values where indicator_id = 'SE16'")
