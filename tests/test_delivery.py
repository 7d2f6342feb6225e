"""The regional delivery (DESIGN §7): Frictionless package, Excel copy, checksums, determinism, safety."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from frictionless import validate

from flows.outputs.delivery import (
    CATALOGUE_FILE,
    CHECKSUM_FILE,
    EXCEL_FILE,
    PACKAGE_FILE,
    VALUE_COLUMNS,
    VALUES_FILE,
    write_delivery,
)
from tests.test_indicators import HOSTILE_ARRANGERS, LEKEBERG, county_db

ON = date(2026, 1, 2)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A published warehouse file: the county fixture (catalogue loaded) copied to disk."""
    target = tmp_path_factory.mktemp("warehouse") / "socek.duckdb"
    con = county_db()
    con.execute(f"attach '{target}' as published")
    try:
        con.execute("copy from database memory to published")
    finally:
        con.execute("detach published")
    return target


@pytest.fixture(scope="module")
def delivery(published, tmp_path_factory) -> Path:
    return write_delivery(published, tmp_path_factory.mktemp("exports"), LEKEBERG, ON)


def read_csv(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding=encoding)), delimiter=delimiter))


def test_folder_holds_the_five_files(delivery):
    assert delivery.name == f"{LEKEBERG}-2026-01-02"
    assert sorted(p.name for p in delivery.iterdir()) == sorted(
        [VALUES_FILE, CATALOGUE_FILE, PACKAGE_FILE, EXCEL_FILE, CHECKSUM_FILE])


def test_frictionless_validate_passes(delivery):
    report = validate(str(delivery / PACKAGE_FILE))
    assert report.valid, report.flatten(["type", "note"])[:10]
    descriptor = json.loads((delivery / PACKAGE_FILE).read_text(encoding="utf-8"))
    values, catalogue = descriptor["resources"]
    assert values["path"] == VALUES_FILE and catalogue["path"] == CATALOGUE_FILE
    assert values["schema"]["primaryKey"] == ["indicator_id", "municipality_code", "period", "sex", "breakdown",
                                              "breakdown_value", "unit"]
    assert values["schema"]["missingValues"] == [""]
    assert [f["name"] for f in values["schema"]["fields"]] == VALUE_COLUMNS
    types = {f["name"]: f["type"] for f in values["schema"]["fields"]}
    assert types["value"] == "number" and types["updated_at"] == "date" and types["municipality_code"] == "string"


def test_frictionless_detects_a_changed_file(delivery, tmp_path):
    for path in delivery.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    values = tmp_path / VALUES_FILE
    values.write_bytes(values.read_bytes().replace(b"Lekeberg", b"Lekebery", 1))
    report = validate(str(tmp_path / PACKAGE_FILE))
    assert not report.valid
    assert "hash-count" in {error[0] for error in report.flatten(["type"])}


def test_values_file_is_the_disclosure_controlled_long_format(delivery, published):
    exported = read_csv(delivery / VALUES_FILE)
    assert list(exported[0]) == VALUE_COLUMNS
    assert {r["municipality_code"] for r in exported} == {LEKEBERG}
    assert {r["municipality_name"] for r in exported} == {"Lekeberg"}
    con = duckdb.connect(str(published), read_only=True)
    try:
        expected = con.execute("select count(*) from export.indicator_values where municipality_code = ?",
                               [LEKEBERG]).fetchone()[0]
    finally:
        con.close()
    assert len(exported) == expected
    suppressed = [r for r in exported if r["conf_status"] in ("C", "D")]
    assert suppressed and all(r["value"] == "" for r in suppressed)
    employees_women = [r for r in exported if r["indicator_id"] == "SE13" and r["period"] == "2023" and r["sex"] == "K"]
    assert employees_women[0]["conf_status"] == "C" and employees_women[0]["value"] == ""
    share = [r for r in exported if r["indicator_id"] == "SE04" and r["period"] == "2023" and r["unit"] == "%"
             and r["breakdown"] == "total"]
    assert share[0]["value"] == "16.949153"


def test_catalogue_file(delivery):
    catalogue = read_csv(delivery / CATALOGUE_FILE)
    assert [r["indicator_id"] for r in catalogue] == [f"SE{n:02d}" for n in range(1, 21)]
    assert catalogue[15]["sdg_relation"] == "context proxy" and catalogue[15]["context_for_indicator"] == "8.5.2"


def test_catalogue_file_defines_every_indicator_in_swedish(delivery):
    """indikatorer.csv carries definition_sv for SE01-SE20, in Swedish: none of the common English
    words of the report scan (tests/test_report_council.py), and not the English definition."""
    from tests.test_report_council import ENGLISH

    for row in read_csv(delivery / CATALOGUE_FILE):
        swedish = row["definition_sv"]
        assert len(swedish) >= 40 and swedish != row["definition"], row["indicator_id"]
        english = [w for w in ENGLISH if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", swedish, re.IGNORECASE)]
        assert english == [], (row["indicator_id"], english)


def test_excel_copy_format(delivery):
    data = (delivery / EXCEL_FILE).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == ";".join(VALUE_COLUMNS)
    rows = read_csv(delivery / EXCEL_FILE, delimiter=";", encoding="utf-8-sig")
    plain = read_csv(delivery / VALUES_FILE)
    assert len(rows) == len(plain)
    for excel_row, plain_row in zip(rows, plain):
        assert excel_row["value"] == plain_row["value"].replace(".", ",")
        assert excel_row["indicator_id"] == plain_row["indicator_id"]
    assert any(r["value"] == "16,949153" for r in rows)


def test_sha256sums_cover_every_other_file(delivery):
    lines = (delivery / CHECKSUM_FILE).read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    assert sorted(listed) == sorted([VALUES_FILE, CATALOGUE_FILE, PACKAGE_FILE, EXCEL_FILE])
    for name, digest in listed.items():
        assert hashlib.sha256((delivery / name).read_bytes()).hexdigest() == digest


def test_identical_inputs_give_byte_identical_files(published, delivery, tmp_path):
    again = write_delivery(published, tmp_path / "a", LEKEBERG, ON)
    later = write_delivery(published, tmp_path / "b", LEKEBERG, date(2026, 3, 4))  # another day, same data
    for name in (VALUES_FILE, CATALOGUE_FILE, PACKAGE_FILE, EXCEL_FILE, CHECKSUM_FILE):
        original = (delivery / name).read_bytes()
        assert (again / name).read_bytes() == original, name
        assert (later / name).read_bytes() == original, name
    # writing over an existing delivery replaces it whole
    assert write_delivery(published, tmp_path / "a", LEKEBERG, ON) == again
    assert not (tmp_path / "a" / f"{again.name}.partial").exists()


def test_formula_injection_is_neutralised(delivery):
    for name, delimiter, encoding in ((VALUES_FILE, ",", "utf-8"), (EXCEL_FILE, ";", "utf-8-sig")):
        rows = read_csv(delivery / name, delimiter=delimiter, encoding=encoding)
        arrangers = {r["breakdown_value"] for r in rows if r["breakdown"] == "arranger"}
        # delivered free text never becomes a published value: the hostile arrangers are "other"
        assert arrangers <= {"municipality", "region", "coompanion", "other"}, arrangers
        text = (delivery / name).read_text(encoding=encoding)
        for hostile in HOSTILE_ARRANGERS:
            assert hostile not in text and "'" + hostile not in text, (name, hostile)
        for r in rows:
            for column, cell in r.items():
                if column != "value":
                    assert not cell.startswith(("=", "+", "-", "@")), (name, column, cell)


def test_year_filter_still_validates(published, tmp_path):
    folder = write_delivery(published, tmp_path, LEKEBERG, ON, year=2023)
    periods = {r["period"] for r in read_csv(folder / VALUES_FILE)}
    assert periods and all("2023" in p for p in periods)
    assert validate(str(folder / PACKAGE_FILE)).valid
