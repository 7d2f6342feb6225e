"""Demo and production are different environments: what marks synthetic data, and where production
refuses it (configuration, inbox files, recordings, exports); the small guarantees of the commands
(held-back registers, `socek query --limit`, `socek export --year`)."""

from __future__ import annotations

import contextlib
import io
import shutil
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from flows import cli
from flows.common.resources import DEMO_CONFIG, DEMO_SNAPSHOTS_DIR
from flows.common.synthetic import SYNTHETIC_COLUMN, SYNTHETIC_VALUE
from flows.config import load_config, parse_config
from flows.datasets import DATASETS
from flows.errors import ConfigError, SourceError
from flows.intake.canonical import SyntheticDataError, read_delivery
from flows.intake.deliveries import FileRecord, Intake, LoadBatch
from flows.intake.formats import read_table
from flows.intake.holdback import accept, accepted_hashes, hold_back
from flows.outputs.build_outputs import SyntheticExportError, refuse_synthetic
from flows.sources.api import collect_kolada
from flows.sources.bulk import collect_bulk
from tests.conftest import ROOT
from tests.e2e import write_config

KEY = b"test-key"
RUN_DATE = date(2026, 11, 27)


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


# --- configuration ------------------------------------------------------------------------------

def test_the_shipped_configurations_are_production_and_demo():
    production = load_config(ROOT / "config" / "pipeline.toml")
    assert (production.environment, production.mode, production.snapshots_dir) == ("production", "live", None)
    demo = load_config(DEMO_CONFIG)
    assert (demo.environment, demo.mode, demo.snapshots_dir) == ("demo", "offline", DEMO_SNAPSHOTS_DIR)
    assert demo.municipality_codes == production.municipality_codes  # demo.toml extends pipeline.toml
    for name in ("inbox", "warehouse", "exports", "reports", "landing", "secrets", "lock"):
        assert demo.path(name).is_relative_to(ROOT / "demo"), name
    assert demo.runner.partitions_dir.as_posix().startswith("demo/")
    assert "/demo/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_socek_demo_means_the_shipped_demo_configuration():
    args = cli.build_parser().parse_args(["--demo", "run"])
    assert cli._config_path(args) == DEMO_CONFIG
    assert "--demo run" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_an_offline_production_configuration_needs_real_recordings():
    data = {"environment": "production", "mode": "offline", "region": {"name": "R", "county_code": "18",
            "kolada_code": "0018"}, "municipalities": [{"code": "1814", "name": "Lekeberg", "kolada_code": "1814",
                                                         "scb_code": "1814"}]}
    with pytest.raises(ConfigError, match="paths.snapshots"):
        parse_config(data)
    assert parse_config(data | {"environment": "demo"}).snapshots_dir == DEMO_SNAPSHOTS_DIR


def test_extends_may_not_go_round_in_a_circle(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="circle"):
        load_config(tmp_path / "a.toml")


def test_demo_data_will_not_write_into_a_production_inbox(tmp_path):
    config = write_config(tmp_path, environment="production")
    code, _, err = run_cli("--config", str(config), "demo-data")
    assert code == 2 and "production configuration" in err
    assert not (tmp_path / "inbox").exists()


# --- the marker in delivered files ----------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_inbox(tmp_path_factory):
    from flows.demo.deliveries import write_demo_inbox

    settings = load_config(DEMO_CONFIG)
    return write_demo_inbox(settings, tmp_path_factory.mktemp("demo"), scale=0.1)


def test_every_file_the_demo_writes_carries_the_marker(demo_inbox):
    formats = set()
    for delivered in demo_inbox.files:
        path = demo_inbox.out_dir / delivered.path
        raw = read_table(path)
        formats.add(raw.format)
        assert raw.headers[-1] == SYNTHETIC_COLUMN, delivered.path
        assert set(raw.frame[SYNTHETIC_COLUMN].dropna()) <= {SYNTHETIC_VALUE}, delivered.path
    assert formats == {"csv", "xlsx", "json"}


def test_production_refuses_a_marked_file_even_under_another_name(demo_inbox, tmp_path):
    by_format = {}
    for delivered in demo_inbox.files:
        by_format.setdefault(Path(delivered.path).suffix, delivered)
    for suffix, delivered in by_format.items():
        copy = tmp_path / f"renamed{suffix}"
        shutil.copyfile(demo_inbox.out_dir / delivered.path, copy)
        for page in delivered.parts:  # a paged JSON delivery travels with its pages
            shutil.copyfile(demo_inbox.out_dir / page, tmp_path / Path(page).name)
        with pytest.raises(SyntheticDataError, match="synthetic demo data") as refused:
            read_delivery(copy, delivered.dataset, delivered.profile, delivered.municipality_code, KEY)
        assert refused.value.rule == "file:synthetic" and refused.value.synthetic
        table = read_delivery(copy, delivered.dataset, delivered.profile, delivered.municipality_code, KEY,
                              allow_synthetic=True)
        assert table.synthetic and len(table.frame) == delivered.rows


def test_a_file_without_the_marker_is_not_synthetic(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("grant_id,municipality_code,org_nr,decision_date,amount_sek,grant_type\n"
                    "G1,1814,5560360793,2024-03-01,1000,other\n", encoding="utf-8")
    assert read_delivery(path, "grants", "canonical", "1814", KEY).synthetic is False


# --- recordings -------------------------------------------------------------------------------------

def _production(tmp_path: Path, **changes):
    settings = load_config(write_config(tmp_path, environment="production"))
    paths = settings.paths.model_copy(update={"landing": tmp_path / "landing", **changes.pop("paths", {})})
    return settings.model_copy(update={"paths": paths, **changes})


def test_production_refuses_to_replay_synthetic_recordings(tmp_path):
    settings = _production(tmp_path, mode="offline", paths={"snapshots": DEMO_SNAPSHOTS_DIR})
    with pytest.raises(SourceError, match="synthetic demo data"):
        collect_kolada(settings, RUN_DATE)
    with pytest.raises(SourceError, match="synthetic demo data"):
        collect_bulk(settings, RUN_DATE, set())


def test_a_production_fallback_uses_real_landed_copies_only(tmp_path):
    unreachable = "http://127.0.0.1:9"
    settings = _production(tmp_path)
    fast = {"max_retries": 0, "backoff_seconds": 0, "timeout_seconds": 2, "base_url": unreachable}
    settings = settings.model_copy(update={"sources": settings.sources.model_copy(
        update={"kolada": settings.sources.kolada.model_copy(update=fast)})})
    shutil.copytree(DEMO_SNAPSHOTS_DIR / "kolada", tmp_path / "landing" / "kolada" / "2026-11-19")  # marked synthetic
    with pytest.raises(SourceError, match="nothing to fall back to.*synthetic demo data"):
        collect_kolada(settings, RUN_DATE, sleep=lambda seconds: None)


# --- exports --------------------------------------------------------------------------------------

def test_a_synthetic_warehouse_never_writes_to_production_folders(tmp_path):
    source = {"run_id": "r1", "synthetic": True, "synthetic_since": "r1", "synthetic_reason": "416 synthetic file(s)"}
    production = load_config(write_config(tmp_path / "p", environment="production"))
    with pytest.raises(SyntheticExportError, match="holds synthetic demo data.*refusing"):
        refuse_synthetic(production, source, Path("w.duckdb"))
    refuse_synthetic(load_config(write_config(tmp_path / "d")), source, Path("w.duckdb"))  # the demo may
    refuse_synthetic(production, source | {"synthetic": False}, Path("w.duckdb"))


# --- held-back registers ---------------------------------------------------------------------------

def _intake(*records: FileRecord) -> Intake:
    result = Intake(files_new=len(records))
    for record in records:
        batch = result.batches.setdefault(record.dataset, LoadBatch(DATASETS[record.dataset]))
        batch.files.append(record)
        batch.quarantine = pd.DataFrame({"file_id": [record.file_id], "row_number": [1]})
    return result


def _record(name: str, dataset: str, read: int, loaded: int, sha: str = "s") -> FileRecord:
    return FileRecord(file_id=name, path=f"1814/{dataset}/{name}", sha256=sha + name, dataset=dataset,
                      municipality_code="1814", profile="canonical", rows_read=read, rows_loaded=loaded)


def test_a_delivery_that_empties_or_shrinks_a_register_is_held_back():
    empty, shrunk, fine = (_record("empty.csv", "enterprises", 0, 0), _record("shrunk.csv", "agreements", 3, 3),
                           _record("fine.csv", "enterprises", 8, 8))
    blank_grants = _record("g.csv", "grants", 0, 0)
    result = _intake(empty, shrunk, fine, blank_grants)
    held = hold_back(result, {("enterprises", "1814"): 10, ("agreements", "1814"): 10}, 0.5, set())
    assert [h.record.path for h in held] == ["1814/enterprises/empty.csv", "1814/agreements/shrunk.csv"]
    assert "holds no rows" in held[0].reason and "has 10 rows now and would have 0" in held[0].reason
    assert "would remove 7 of its 10 rows" in held[1].reason and "socek accept 1814/agreements/shrunk.csv" in held[1].reason
    assert [f.path for f in result.files] == ["1814/enterprises/fine.csv", "1814/grants/g.csv"]
    assert result.files_new == 2 and all(b.quarantine["file_id"].isin([f.file_id for f in result.files]).all()
                                         for b in result.batches.values())
    assert {item["path"] for item in result.not_read} == {h.record.path for h in held}
    assert any("g.csv: the delivery holds no rows" in w for w in result.warnings)


def test_a_confirmed_delivery_is_not_held_back(tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse" / "socek.duckdb"
    delivered = inbox / "1814" / "enterprises" / "empty.csv"
    delivered.parent.mkdir(parents=True)
    delivered.write_text("org_nr,name\n", encoding="utf-8")
    entry = accept(warehouse, inbox, delivered)
    assert entry["path"] == "1814/enterprises/empty.csv"
    record = _record("empty.csv", "enterprises", 0, 0)
    record.sha256 = entry["sha256"]
    assert hold_back(_intake(record), {("enterprises", "1814"): 10}, 0.5, accepted_hashes(warehouse)) == []
    with pytest.raises(Exception, match="not in the inbox"):
        accept(warehouse, inbox, Path(__file__))


# --- socek query and socek export ----------------------------------------------------------------

@pytest.fixture
def tiny_warehouse(tmp_path):
    config = write_config(tmp_path, environment="production")
    published = load_config(config).path("warehouse")
    published.parent.mkdir(parents=True)
    con = duckdb.connect(str(published))
    con.execute("create table t as select range as n from range(5)")
    con.close()
    return config


def test_socek_query_caps_its_result_and_says_so(tiny_warehouse):
    code, out, err = run_cli("--config", str(tiny_warehouse), "query", "select * from range(300000000)",
                             "--limit", "3", "--format", "csv")
    assert code == 0 and out.splitlines() == ["range", "0", "1", "2"]
    assert "cut at 3 rows" in err
    code, out, err = run_cli("--config", str(tiny_warehouse), "query", "select * from t")
    assert code == 0 and "(5 rows)" in out and err == ""
    assert "default: 10000" in cli.build_parser()._subparsers._group_actions[0].choices["query"].format_help()


@pytest.mark.parametrize("sql", ["pragma enable_external_access", "insert into t values (9)", "drop table t",
                                 "copy t to 'x.csv'", "select * from no_such_table", "attach 'x.duckdb'"])
def test_every_query_refusal_is_one_line(tiny_warehouse, sql):
    code, out, err = run_cli("--config", str(tiny_warehouse), "query", sql)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err


def test_export_of_one_year_gets_its_own_folder(tmp_path):
    from flows.outputs.delivery import delivery_dir

    day = datetime(2026, 11, 30, tzinfo=timezone.utc).date()
    assert delivery_dir(tmp_path, "1814", day).name == "1814-2026-11-30"
    assert delivery_dir(tmp_path, "1814", day, 2024).name == "1814-2026-11-30-only-2024"
