"""The synthetic bulk snapshots: reproducible bytes, real layouts, and a faithful round trip."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from flows.common.identifiers import is_valid_orgnr, luhn_check_digit
from flows.common.personnummer import looks_like_personnummer
from flows.config import BulkSettings
from flows.demo.bulk import (
    BOLAGSVERKET_MEMBER,
    BOLAGSVERKET_ZIP,
    NOTE,
    SCB_MEMBER,
    SCB_ZIP,
    TEST_PERSONNUMMER,
    write_bulk_snapshots,
)
from flows.sources.bolagsverket import parse_bolagsverket_zip
from flows.sources.bulk_records import BulkParseResult
from flows.sources.scb_bulk import parse_scb_zip

PREFIXES = [str(n) for n in range(690, 720)]
POSTORTER = ["LEKEBERG", "FJUGESTA", "LAXÅ", "HALLSBERG", "DEGERFORS", "HÄLLEFORS", "KOPPARBERG",
             "ÖREBRO", "KUMLA", "ASKERSUND", "KARLSKOGA", "NORA", "LINDESBERG"]
SCB_FORMS = {"EK": "51", "I": "61", "S": "72", "AB": "49"}


def orgnr(nine: str) -> str:
    return nine + str(luhn_check_digit(nine))


ENTERPRISES = [
    {"org_nr": orgnr("769600001"), "name": "Fiktiva Fjugesta Arbetskooperativ ekonomisk förening",
     "legal_form": "EK", "start_date": date(2022, 3, 1), "end_date": None, "end_reason": None,
     "postnummer": "716 31", "postort": "Fjugesta", "sni": "88991"},
    {"org_nr": orgnr("802000002"), "name": "Påhittade Återbruksföreningen i Örebro",
     "legal_form": "I", "start_date": date(2016, 5, 10), "end_date": date(2024, 9, 30),
     "end_reason": "KKAV", "postnummer": "70210", "postort": "ÖREBRO", "sni": "88101"},
    {"org_nr": orgnr("802000003"), "name": "Stiftelsen Låtsasgården",
     "legal_form": "S", "start_date": date(2008, 1, 15), "end_date": None, "end_reason": None,
     "postnummer": "69231", "postort": "KUMLA", "sni": "88999"},
    {"org_nr": orgnr("556000004"), "name": "Exempelstäd i Huvudstaden AB",
     "legal_form": "AB", "start_date": date(2019, 8, 1), "end_date": date(2025, 2, 1),
     "end_reason": "LIAV", "postnummer": "11122", "postort": "STOCKHOLM", "sni": "81210"},
]


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bulk")
    write_bulk_snapshots(out, ENTERPRISES)
    return out / "bolagsverket"


def parse(snapshot: Path) -> tuple[BulkParseResult, BulkParseResult]:
    options = dict(keep_orgnrs=[e["org_nr"] for e in ENTERPRISES], county_postcode_prefixes=PREFIXES,
                   county_postorter=POSTORTER, max_member_bytes=BulkSettings().max_member_bytes,
                   max_compression_ratio=BulkSettings().max_compression_ratio)
    return (parse_bolagsverket_zip(snapshot / BOLAGSVERKET_ZIP, **options),
            parse_scb_zip(snapshot / SCB_ZIP, **options))


def member_bytes(path: Path, member: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == [member]
        return archive.read(member)


def test_same_inputs_give_identical_bytes(tmp_path, snapshot):
    write_bulk_snapshots(tmp_path, ENTERPRISES)
    for name in (BOLAGSVERKET_ZIP, SCB_ZIP, "manifest.json"):
        assert (tmp_path / "bolagsverket" / name).read_bytes() == (snapshot / name).read_bytes(), name


def test_another_seed_gives_other_bytes(tmp_path, snapshot):
    write_bulk_snapshots(tmp_path, ENTERPRISES, seed=7)
    assert (tmp_path / "bolagsverket" / BOLAGSVERKET_ZIP).read_bytes() != (snapshot / BOLAGSVERKET_ZIP).read_bytes()


def test_manifest_describes_each_zip(snapshot):
    manifest = json.loads((snapshot / "manifest.json").read_text(encoding="utf-8"))
    urls = {BOLAGSVERKET_ZIP: BulkSettings().bolagsverket_url, SCB_ZIP: BulkSettings().scb_url}
    assert [entry["name"] for entry in manifest["files"]] == [BOLAGSVERKET_ZIP, SCB_ZIP]
    for entry in manifest["files"]:
        data = (snapshot / entry["name"]).read_bytes()
        assert entry == {"name": entry["name"], "sha256": hashlib.sha256(data).hexdigest(),
                         "bytes": len(data), "fetched_at": "2026-11-01T03:00:00Z",
                         "url": urls[entry["name"]], "synthetic": True, "note": NOTE}


def test_zips_are_small_with_fixed_member_dates(snapshot):
    for name in (BOLAGSVERKET_ZIP, SCB_ZIP):
        assert (snapshot / name).stat().st_size < 300_000
        with zipfile.ZipFile(snapshot / name) as archive:
            assert [i.date_time for i in archive.infolist()] == [(2026, 11, 1, 3, 0, 0)]


def test_files_carry_the_real_quirks(snapshot):
    bolagsverket = member_bytes(snapshot / BOLAGSVERKET_ZIP, BOLAGSVERKET_MEMBER)
    assert bolagsverket.startswith(b"\xef\xbb\xbforganisationsidentitet;")
    assert bolagsverket.count(b"\x00") >= 2
    assert b"$PERSON-IDORG" in bolagsverket and b"|" in bolagsverket
    # postnummer where postort belongs: the second enterprise and the second candidate
    swapped = re.findall(r'\$\$\d{3} ?\d{2}\$[^$"]+\$SE-LAND"', bolagsverket.decode("utf-8-sig"))
    assert len(swapped) == 2
    scb = member_bytes(snapshot / SCB_ZIP, SCB_MEMBER)
    scb.decode("latin-1")
    with pytest.raises(UnicodeDecodeError):
        scb.decode("utf-8")
    assert scb.split(b"\n", 1)[0].split(b"\t")[:2] == [b"ForAndrTyp", b"COAdress"]


def test_only_official_test_personnummer_are_used():
    assert all(looks_like_personnummer(number) for number in TEST_PERSONNUMMER)
    # Skatteverket's test series uses födelsenummer 238 and 239.
    assert all(number[8:11] in ("238", "239") for number in TEST_PERSONNUMMER)


def test_round_trip_bolagsverket(snapshot):
    result, _ = parse(snapshot)
    assert result.person_rows_dropped == 4 and result.malformed_rows == 0
    frame = result.frame.set_index("org_nr")
    for enterprise in ENTERPRISES:
        got = frame.loc[enterprise["org_nr"]]
        assert got["name"] == enterprise["name"]
        assert got["legal_form"] == enterprise["legal_form"]
        assert got["registration_date"] == enterprise["start_date"]
        assert _value(got["deregistration_date"]) == enterprise["end_date"]
        assert _value(got["deregistration_reason"]) == enterprise["end_reason"]
        assert got["postnummer"] == enterprise["postnummer"].replace(" ", "")
        assert got["postort"] == enterprise["postort"].upper()


def test_round_trip_scb(snapshot):
    _, result = parse(snapshot)
    assert result.person_rows_dropped == 2 and result.malformed_rows == 0
    frame = result.frame.set_index("org_nr")
    for enterprise in ENTERPRISES:
        got = frame.loc[enterprise["org_nr"]]
        assert got["name"] == enterprise["name"].upper()
        assert got["jur_form"] == SCB_FORMS[enterprise["legal_form"]]
        assert got["sni_1"] == enterprise["sni"] and pd.isna(got["sni_2"])
        assert got["registration_date"] == enterprise["start_date"]
        assert got["status"] == ("0" if enterprise["end_date"] else "1")


def test_candidates_are_found_and_noise_is_not(snapshot):
    bolagsverket, scb = parse(snapshot)
    listed = {e["org_nr"] for e in ENTERPRISES}
    for result, forms in ((bolagsverket.frame, {"EK", "I", "S"}), (scb.frame.rename(columns={"jur_form": "legal_form"}), {"51", "61", "72"})):
        others = result[~result["org_nr"].isin(listed)]
        assert len(others) >= 40
        assert set(others["legal_form"]) <= forms
        assert others["postnummer"].str[:3].isin(PREFIXES).all()
        assert others["org_nr"].map(is_valid_orgnr).all()
    assert bolagsverket.rows_filtered_out >= 2000 and scb.rows_filtered_out >= 2000
    # Non-trading associations exist only in SCB's register.
    assert len(set(scb.frame["org_nr"]) - set(bolagsverket.frame["org_nr"])) == 8
    candidate_sni = scb.frame[~scb.frame["org_nr"].isin(listed)]["sni_1"]
    assert candidate_sni.str.startswith("88").all()


def test_no_personal_number_survives(snapshot):
    for result in parse(snapshot):
        cells = [str(value) for value in result.frame.to_numpy().ravel()]
        for number in TEST_PERSONNUMMER:
            assert not any(number[2:] in cell for cell in cells)


def test_unknown_legal_form_is_named(tmp_path):
    bad = [dict(ENTERPRISES[0], legal_form="XYZ")]
    with pytest.raises(ValueError, match=r"legal_form 'XYZ'"):
        write_bulk_snapshots(tmp_path, bad)
    assert not (tmp_path / "bolagsverket").exists()


def _value(cell: object) -> object:
    return None if pd.isna(cell) else cell
