"""The synthetic demo: deterministic, valid where it should be, wrong exactly where it says so.

The demo inbox is written once per module (two folders with the same seed) because writing it takes
a few seconds; everything else reads those folders or the in-memory registers.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from functools import partial
from pathlib import Path

import pandas as pd
import pytest

from flows.common.identifiers import is_valid_orgnr
from flows.common.personnummer import looks_like_personnummer
from flows.config import load_config
from flows.datasets import ACTIVITY_TYPES, AGREEMENT_TYPES, DATASETS, GRANT_TYPES
from flows.demo.deliveries import write_demo_inbox
from flows.demo.enterprises import generate_enterprises
from flows.demo.model import (
    LEKEBERG,
    OFFICIAL_TEST_PERSONNUMMER,
    STORY_NAME,
    STORY_ORG_NR,
)
from flows.demo.registers import generate_registers, write_demo_snapshots
from flows.errors import InboxError
from flows.intake.canonical import MissingColumnError
from flows.intake.canonical import read_delivery as read_any

read_delivery = partial(read_any, allow_synthetic=True)  # the demo's files are marked synthetic

CONFIG = Path(__file__).resolve().parents[1] / "config" / "demo.toml"
HASH_KEY = b"test-key"
SEED = 42
EXPECTED_MISTAKES = {"bad_org_nr_check_digit", "unknown_municipality_code", "negative_participants",
                     "malformed_date", "missing_required_column", "duplicate_delivery", "corrected_redelivery"}
# Every register the demo writes. A supplier crosswalk exists only where a person has reviewed the
# proposed matches (socek suppliers), so the demo leaves Ljusnarsberg's unwritten, for the reviewer.
GENERATED = [name for name in DATASETS if name != "supplier_crosswalk"]


@pytest.fixture(scope="module")
def settings():
    return load_config(CONFIG)


@pytest.fixture(scope="module")
def registers(settings):
    return generate_registers(settings, SEED)


@pytest.fixture(scope="module")
def demo_inbox(settings, tmp_path_factory):
    out = tmp_path_factory.mktemp("demo-a")
    return write_demo_inbox(settings, out, SEED)


@pytest.fixture(scope="module")
def second_inbox(settings, tmp_path_factory):
    out = tmp_path_factory.mktemp("demo-b")
    return write_demo_inbox(settings, out, SEED)


@pytest.fixture(scope="module")
def delivered_texts(demo_inbox) -> dict[str, str]:
    root = demo_inbox.out_dir
    return {p.relative_to(root).as_posix(): readable_text(p) for p in sorted(root.rglob("*")) if p.is_file()}


def all_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def readable_text(path: Path) -> str:
    """A delivered file's text whatever its layout: XLSX members, UTF-16, UTF-8 or cp1252."""
    data = path.read_bytes()
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def story_rows(registers, dataset: str) -> pd.DataFrame:
    frame = registers[(LEKEBERG, dataset)]
    return frame[frame["org_nr"] == STORY_ORG_NR]


# --- determinism ---------------------------------------------------------------------------------

def test_same_seed_writes_byte_identical_files(demo_inbox, second_inbox):
    first, second = all_files(demo_inbox.out_dir), all_files(second_inbox.out_dir)
    assert len(first) > 300
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_a_different_seed_gives_different_data(settings):
    first, other = (generate_registers(settings, seed, scale=0.3) for seed in (SEED, 7))
    for name in GENERATED:
        assert not other[("1880", name)].equals(first[("1880", name)]), name
    assert STORY_ORG_NR in set(other[(LEKEBERG, "enterprises")]["org_nr"])  # the story does not depend on the seed


# --- shape and scale -----------------------------------------------------------------------------

def test_registers_cover_every_municipality_and_dataset_in_canonical_columns(settings, registers):
    assert set(registers) == {(code, name) for code in settings.municipality_codes for name in DATASETS}
    for (code, name), frame in registers.items():
        assert list(frame.columns) == [c.name for c in DATASETS[name].delivered_columns], (code, name)
        assert len(frame) > 0 or name not in GENERATED, (code, name)


def test_sizes_scale_with_the_scale_parameter(settings, registers):
    counts = {code: len(registers[(code, "enterprises")]) for code in settings.municipality_codes}
    assert max(counts, key=counts.get) == "1880"
    assert all(2 <= n <= 8 for code, n in counts.items() if code != "1880")
    years = range(settings.thresholds.first_year, settings.thresholds.last_year + 1)
    assert 450 <= len(generate_enterprises(settings, SEED, 6.8, years)) <= 550
    for code in settings.municipality_codes:
        per_month = len(registers[(code, "supplier_invoices")]) / (12 * len(years))
        assert 15 <= per_month <= 220, code


# --- identifiers ---------------------------------------------------------------------------------

def test_every_generated_org_nr_is_valid(registers):
    for (code, name), frame in registers.items():
        if "org_nr" in frame:
            assert frame["org_nr"].dropna().map(is_valid_orgnr).all(), (code, name)
    for (code, name), frame in registers.items():
        if name == "procurements":
            awarded = [n for cell in frame["awarded_org_nrs"].dropna() for n in cell.split("|")]
            assert awarded and all(map(is_valid_orgnr, awarded)), code


def test_delivered_org_nrs_are_valid_except_the_seeded_typo(delivered_texts, demo_inbox):
    """Every ten-digit id in every delivered file (with or without a dash) that is not a personal
    identity number is a valid org nr, except the one seeded typo."""
    token = re.compile(r"(?<![0-9.])[0-9]{6}-?[0-9]{4}(?![0-9.])")  # not inside decimals
    invalid = {(path, match) for path, text in delivered_texts.items() for match in token.findall(text)
               if not looks_like_personnummer(match) and not is_valid_orgnr(match)}
    bad = demo_inbox.mistake("bad_org_nr_check_digit")
    assert invalid == {(bad.path, bad.delivered_value)}


def test_ledger_supplier_ids_are_org_nrs_masks_blanks_internal_or_official_test_numbers(registers):
    for (code, name), frame in registers.items():
        if name != "supplier_invoices":
            continue
        for value in frame["leverantor_id"].dropna().unique():
            ok = (is_valid_orgnr(value) or value == "*" or value in OFFICIAL_TEST_PERSONNUMMER
                  or (code == "1864" and value.isdigit() and len(value) == 5))
            assert ok, (code, value)


def test_only_official_test_personal_identity_numbers_appear_anywhere(delivered_texts):
    official = set(OFFICIAL_TEST_PERSONNUMMER) | {n[2:] for n in OFFICIAL_TEST_PERSONNUMMER}
    assert all(looks_like_personnummer(n) for n in OFFICIAL_TEST_PERSONNUMMER)
    token = re.compile(r"(?<![0-9])(?:[0-9]{6}|[0-9]{8})[-+]?[0-9]{4}(?![0-9])")
    seen = {digits for text in delivered_texts.values() for match in token.findall(text)
            if looks_like_personnummer(digits := re.sub(r"[-+]", "", match))}
    assert seen and seen <= official, seen - official


# --- the Lekeberg story --------------------------------------------------------------------------

def test_lekeberg_enterprise_started_2022_and_is_the_only_2022_cooperation(registers):
    enterprises = registers[(LEKEBERG, "enterprises")]
    story = enterprises[enterprises["org_nr"] == STORY_ORG_NR].iloc[0]
    assert story["name"] == STORY_NAME and "(fiktivt)" in story["name"]
    assert story["start_date"] == date(2022, 3, 1) and story["cooperation_started"] == date(2022, 9, 1)
    assert bool(story["is_wise"]) and story["end_date"] is None
    cooperations_2022 = enterprises["cooperation_started"].dropna().map(lambda d: d.year == 2022)
    starts_2022 = enterprises["start_date"].map(lambda d: d.year == 2022)
    assert cooperations_2022.sum() == 1 and starts_2022.sum() == 1


def test_lekeberg_cooperation_appears_in_every_dataset(registers):
    agreements = story_rows(registers, "agreements")
    assert {(row.type, row.start_date.year) for row in agreements.itertuples()} == {
        ("iop", 2022), ("work_training_places", 2023)}

    ledger = registers[(LEKEBERG, "supplier_invoices")]
    paid = ledger[ledger["leverantor_id"] == STORY_ORG_NR]
    per_year = paid.groupby(paid["bokforingsdatum"].map(lambda d: d.year))["nettobelopp"].sum()
    assert list(per_year.index) == [2022, 2023, 2024, 2025]
    assert per_year.is_monotonic_increasing and (paid["nettobelopp"] < 0).any()

    grants = story_rows(registers, "grants")
    assert set(grants[grants["decision_date"].map(lambda d: d.year == 2022)]["grant_type"]) == {"start_grant"}
    assert (grants["grant_type"] == "operating_grant").sum() >= 2

    support = story_rows(registers, "support_activities")
    assert {"advice", "skills_training", "marketing", "financing_advice"} <= set(support["type"])

    placements = story_rows(registers, "placements")
    municipal = placements[placements["referrer"].isin(["arbetsmarknadsenhet", "socialtjänst"])]
    assert set(municipal["year"]) == {2022, 2023, 2024, 2025}
    assert set(municipal["sex"]) == {"K", "M"} and {"16-24", "25-64"} <= set(municipal["age_band"])
    assert (placements["persons_started"].between(1, 4)).all()
    assert placements[["ended_to_unsubsidised_work", "ended_to_subsidised_work", "ended_to_studies"]].sum().min() > 0

    reports = story_rows(registers, "annual_reports")
    assert list(reports["year"]) == [2022, 2023, 2024, 2025]
    reported = dict(zip(reports["year"], reports["revenue_from_municipality_sek"]))
    assert all(abs(reported[year] - per_year[year]) < 1 for year in per_year.index)


# --- the indicators have data to work on ---------------------------------------------------------

def county(registers, dataset: str) -> pd.DataFrame:
    return pd.concat([frame for (_, name), frame in registers.items() if name == dataset], ignore_index=True)


def test_every_type_and_case_the_indicators_need_is_present(registers, settings):
    assert set(county(registers, "agreements")["type"]) == set(AGREEMENT_TYPES)
    assert set(county(registers, "grants")["grant_type"]) == set(GRANT_TYPES)
    assert set(county(registers, "support_activities")["type"]) == set(ACTIVITY_TYPES)
    assert county(registers, "support_activities")["org_nr"].isna().any()  # open events
    procurements = county(registers, "procurements")
    assert {"none", "4_18", "19_6a"} == set(procurements["reserved"])
    assert procurements["published_date"][procurements["reserved"] == "19_6a"].min() >= date(2023, 1, 1)
    lekeberg = registers[(LEKEBERG, "procurements")]
    assert (lekeberg["reserved"] == "4_18").any() and lekeberg["employment_requirement"].any()
    assert lekeberg["social_criteria"].any()
    enterprises = county(registers, "enterprises")
    years = range(settings.thresholds.first_year, settings.thresholds.last_year + 1)
    assert set(years) <= set(enterprises["start_date"].map(lambda d: d.year))
    ended = enterprises["end_date"].dropna()
    assert len(ended) >= 3 and any(d.month not in (1, 12) for d in ended)
    placements = county(registers, "placements")
    assert (placements["persons_started"] >= 5).any() and (placements["persons_started"] <= 4).any()
    assert (county(registers, "supplier_invoices")["nettobelopp"] < 0).any()


# --- README and seeded mistakes ------------------------------------------------------------------

def test_readme_says_the_data_are_synthetic(demo_inbox):
    readme = (demo_inbox.out_dir / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in readme and "Syntetiska demodata" in readme
    assert "socek demo-data" in readme and f"seed **{SEED}**" in readme
    assert all(m.path in readme for m in demo_inbox.mistakes)


def test_manifest_lists_every_seeded_mistake_outside_lekeberg(demo_inbox):
    assert {m.kind for m in demo_inbox.mistakes} == EXPECTED_MISTAKES
    listed = {f.path for f in demo_inbox.files}
    for mistake in demo_inbox.mistakes:
        assert mistake.path in listed and mistake.municipality_code != LEKEBERG
        assert (demo_inbox.out_dir / mistake.path).is_file()


def test_row_mistakes_sit_where_the_manifest_says(demo_inbox):
    """The manifest points at the exact delivered cell, so an end-to-end test can match it to
    meta.quarantine (file, row_number, rule)."""
    rule_prefixes = {m.kind: m.expected_rule.split(":")[0] for m in demo_inbox.mistakes if m.expected_rule}
    for mistake in (m for m in demo_inbox.mistakes if m.expected_outcome == "quarantined"):
        profile = next(f.profile for f in demo_inbox.files if f.path == mistake.path)
        frame = read_delivery(demo_inbox.out_dir / mistake.path, mistake.dataset, profile, mistake.municipality_code,
                              HASH_KEY).frame
        row = frame[frame["_row_number"] == mistake.row_number].iloc[0]
        assert row[mistake.column] == mistake.delivered_value, mistake.kind
        assert rule_prefixes[mistake.kind] == mistake.column, mistake.kind


def test_file_mistakes_are_what_the_manifest_says(demo_inbox):
    root = demo_inbox.out_dir
    missing = demo_inbox.mistake("missing_required_column")
    with pytest.raises(MissingColumnError):
        read_delivery(root / missing.path, missing.dataset, "canonical", missing.municipality_code, HASH_KEY)

    duplicate = demo_inbox.mistake("duplicate_delivery")
    assert (root / duplicate.path).read_bytes() == (root / duplicate.related_path).read_bytes()
    assert duplicate.related_path < duplicate.path  # the original is read first

    corrected = demo_inbox.mistake("corrected_redelivery")
    original, correction = (read_delivery(root / p, "supplier_invoices", "lankadedata", corrected.municipality_code,
                                          HASH_KEY).frame for p in (corrected.path, corrected.related_path))
    differs = original["nettobelopp"] != correction["nettobelopp"]
    assert list(original.loc[differs, "_row_number"]) == [corrected.row_number]
    assert corrected.path < corrected.related_path  # the correction is the later delivery


def test_refuses_to_overwrite_a_folder_that_is_not_a_demo_inbox(settings, tmp_path):
    (tmp_path / "1814").mkdir()
    (tmp_path / "1814" / "real-delivery.csv").write_text("org_nr\n", encoding="utf-8")
    with pytest.raises(InboxError, match="not a demo inbox"):
        write_demo_inbox(settings, tmp_path, SEED, scale=0.2)
    assert (tmp_path / "1814" / "real-delivery.csv").exists()


def test_a_previous_demo_inbox_is_replaced_and_small_scales_keep_every_mistake(settings, tmp_path):
    (tmp_path / "README.md").write_text("<!-- socek demo inbox -->\nold demo\n", encoding="utf-8")
    (tmp_path / "1814" / "grants").mkdir(parents=True)
    (tmp_path / "1814" / "grants" / "stale.csv").write_text("grant_id\n", encoding="utf-8")
    manifest = write_demo_inbox(settings, tmp_path, 1, scale=0.2)
    assert {m.kind for m in manifest.mistakes} == EXPECTED_MISTAKES
    on_disk = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    written = {f.path for f in manifest.files} | {part for f in manifest.files for part in f.parts}
    assert {p for p in on_disk if not p.endswith(("README.md", "profiles.toml"))} == written


# --- snapshots -----------------------------------------------------------------------------------

def test_snapshots_hold_the_register_enterprises_with_their_deregistrations(settings, registers, tmp_path):
    write_demo_snapshots(settings, tmp_path, SEED)
    assert {"kolada", "scb", "bolagsverket"} <= {p.name for p in tmp_path.iterdir()}
    with zipfile.ZipFile(tmp_path / "bolagsverket" / "bolagsverket_bulkfil.zip") as archive:
        text = archive.read(archive.namelist()[0]).decode("utf-8-sig")
    lines = {line.split(";")[0].strip('"').split("$")[0]: line for line in text.splitlines()}
    assert STORY_ORG_NR in lines
    ended = county(registers, "enterprises").dropna(subset=["end_date"])
    for org_nr in ended["org_nr"]:
        assert re.search(r"(KKAV|LIAV|AVREG)-AVORG", lines[org_nr]), org_nr
