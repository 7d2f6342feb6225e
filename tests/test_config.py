"""The typed configuration rejects unknown keys and bad values, naming the key."""

import tomllib

import pytest

from flows.config import load_config, parse_config
from flows.errors import ConfigError
from tests.conftest import ROOT


def shipped() -> dict:
    return tomllib.loads((ROOT / "config/pipeline.toml").read_text(encoding="utf-8"))


def test_shipped_config_has_the_twelve_municipalities_of_orebro_lan():
    settings = load_config(ROOT / "config/pipeline.toml")
    assert settings.municipality_codes == ["1814", "1860", "1861", "1862", "1863", "1864",
                                           "1880", "1881", "1882", "1883", "1884", "1885"]
    assert settings.region.kolada_code == "0018" and settings.region.county_code == "18"
    assert settings.path("warehouse") == ROOT / "warehouse/socek.duckdb"
    assert settings.schedule.cron == "0 2 * * *" and settings.schedule.timezone == "Europe/Stockholm"


def test_unknown_key_is_named():
    data = shipped()
    data["paths"]["inboxx"] = "x"
    with pytest.raises(ConfigError, match=r"key 'paths.inboxx' is not allowed"):
        parse_config(data, source="pipeline.toml")


def test_nested_bad_value_is_named():
    data = shipped()
    data["sources"]["kolada"]["timeout_seconds"] = -1
    with pytest.raises(ConfigError, match=r"sources.kolada.timeout_seconds"):
        parse_config(data)


@pytest.mark.parametrize("mutate, key", [
    (lambda d: d.update(mode="sometimes"), "mode"),
    (lambda d: d["municipalities"][0].update(code="181"), "municipalities.0.code"),
    (lambda d: d["schedule"].update(timezone="Europe/Stockholmm"), "schedule.timezone"),
    (lambda d: d["schedule"].update(cron="0 2 * *"), "schedule.cron"),
    (lambda d: d.update(datasets=["enterprises", "invoices"]), "datasets"),
    (lambda d: d["thresholds"].update(dominance_share=1.5), "thresholds.dominance_share"),
    (lambda d: d.pop("region"), "region"),
])
def test_bad_values_are_rejected_with_the_key(mutate, key):
    data = shipped()
    mutate(data)
    with pytest.raises(ConfigError) as raised:
        parse_config(data, source="pipeline.toml")
    assert f"'{key}'" in str(raised.value)
    assert "pipeline.toml" in str(raised.value)


def test_duplicate_municipality_is_rejected():
    data = shipped()
    data["municipalities"].append(dict(data["municipalities"][0]))
    with pytest.raises(ConfigError, match="listed twice"):
        parse_config(data)


def test_missing_and_invalid_files(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("mode = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)
