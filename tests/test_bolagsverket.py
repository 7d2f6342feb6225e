"""Streaming readers for the Bolagsverket and SCB bulk files: layout, quirks, privacy, zip safety."""

from __future__ import annotations

import io
import logging
import random
import struct
import time
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from flows.common.encoding import detect_encoding
from flows.common.identifiers import luhn_check_digit
from flows.errors import SourceError
from flows.sources.bolagsverket import (
    BOLAGSVERKET_COLUMNS,
    parse_bolagsverket_lines,
    parse_bolagsverket_zip,
)
from flows.sources.bulk_records import BulkFileError, BulkParseResult
from flows.sources.bulk_zip import _LimitedReader
from flows.sources.scb_bulk import SCB_COLUMNS, parse_scb_lines, parse_scb_zip

PREFIXES = [str(n) for n in range(690, 720)]
POSTORTER = ["LEKEBERG", "FJUGESTA", "ÖREBRO", "HÄLLEFORS", "KUMLA"]
# Skatteverket's official test personnummer: reserved for testing, never a real person.
PERSON_A, PERSON_B, PERSON_C = "198004262385", "198108222384", "201701012393"
PERSON_DIGITS = [p[2:] for p in (PERSON_A, PERSON_B, PERSON_C)]


def orgnr(nine: str) -> str:
    return nine + str(luhn_check_digit(nine))


def serial_orgnr(n: int, first_digit: str = "5") -> str:
    """A distinct valid org nr per n < 8,000,000 (digits 3-4 at least 20, unlike a personnummer)."""
    return orgnr(f"{first_digit}0{20 + n // 100_000}{n % 100_000:05d}")


EK_OREBRO = orgnr("769600000")
I_FJUGESTA = orgnr("802000123")
AB_LISTED = orgnr("556000001")
AB_COUNTY = orgnr("556000002")
EK_STOCKHOLM = orgnr("769600003")
S_LEKEBERG = orgnr("802000456")
EK_GERMANY = orgnr("769600007")

HEADER = ";".join(BOLAGSVERKET_COLUMNS)
BOLAGSVERKET_ROWS = [
    # Three names: the old company name, the current one, and a later special name (särskilt).
    f'"{EK_OREBRO}$ORGNR-IDORG";"1";"SE-LAND";'
    '"Gamla Namnet ek. för.$FORETAGSNAMN-ORGNAM$2015-02-01|Fiktiva Kooperativet Fabeldal ekonomisk '
    'förening$FORETAGSNAMN-ORGNAM$2019-06-01|Fabeldal Café$SARS_FORNAMN-ORGNAM$2021-01-01";'
    '"EK-ORGFO";"";"";"|LI-AVOMFO$2026-02-01|KK-AVOMFO$2026-03-15";"2015-02-01";'
    '"Arbetsträning; café och ""återbruk""";"Sagobyvägen 1$c/o Fiktiv$ÖREBRO$702 10$SE-LAND"',
    # NUL bytes inside a field and after the last one; postort and postnummer swapped.
    f'"{I_FJUGESTA}$ORGNR-IDORG";"1";"SE-LAND";"Påhi\x00ttade Föreningen$NAMN-ORGNAM$2018-01-01";'
    '"I-ORGFO";"";"";"";"2018-01-01";"";"Box 5$$716 31$FJUGESTA$SE-LAND"\x00',
    # Sole traders: dropped even when listed, in the county, or with a 10-digit id.
    f'"{PERSON_A}$PERSON-IDORG";"1";"SE-LAND";"Testpersonens Firma$FORETAGSNAMN-ORGNAM$2021-01-01";'
    '"E-ORGFO";"";"";"";"2021-01-01";"Fiktiv";"Gata 1$$FJUGESTA$71631$SE-LAND"',
    f'"{PERSON_B[2:]}$PERSON-IDORG";"2";"SE-LAND";"Testperson Två$FORETAGSNAMN-ORGNAM$2021-01-01";'
    '"E-ORGFO";"";"";"";"2021-01-01";"";"Gata 2$$ÖREBRO$70210$SE-LAND"',
    # A personnummer under the wrong type is still a person.
    f'"{PERSON_C}$ORGNR-IDORG";"1";"SE-LAND";"Testperson Tre$FORETAGSNAMN-ORGNAM$2021-01-01";'
    '"EK-ORGFO";"";"";"";"2021-01-01";"";"Gata 3$$ÖREBRO$70210$SE-LAND"',
    # Listed, outside the county, deregistered after bankruptcy.
    f'"{AB_LISTED}$ORGNR-IDORG";"1";"SE-LAND";"Listade Exempelbolaget AB$FORETAGSNAMN-ORGNAM$2010-05-05";'
    '"AB-ORGFO";"2024-11-30";"KKAV-AVORG";"";"2010-05-05";"Konsult";"Box 1$$STOCKHOLM$11122$SE-LAND"',
    # In the county but not a social-economy form, and a social-economy form outside the county.
    f'"{AB_COUNTY}$ORGNR-IDORG";"1";"SE-LAND";"Länets Fiktiva AB$FORETAGSNAMN-ORGNAM$2010-01-01";'
    '"AB-ORGFO";"";"";"";"2010-01-01";"";"Gata 4$$ÖREBRO$70210$SE-LAND"',
    f'"{EK_STOCKHOLM}$ORGNR-IDORG";"1";"SE-LAND";"Huvudstadens Fiktiva ek. för.$FORETAGSNAMN-ORGNAM$2010-01-01";'
    '"EK-ORGFO";"";"";"";"2010-01-01";"";"Gata 5$$STOCKHOLM$11122$SE-LAND"',
    # Malformed: too few fields.
    '"1234567890$ORGNR-IDORG";"1";"SE-LAND"',
    # In the county by postort only.
    f'"{S_LEKEBERG}$ORGNR-IDORG";"1";"SE-LAND";"Stiftelsen Påhittad$NAMN-ORGNAM$2001-01-01";'
    '"S-ORGFO";"";"";"";"2001-01-01";"";"Gata 6$$Lekeberg$12345$SE-LAND"',
    # A German 70xxx postcode is not Örebro.
    f'"{EK_GERMANY}$ORGNR-IDORG";"1";"SE-LAND";"Ausland Fiktiv eG$FORETAGSNAMN-ORGNAM$2001-01-01";'
    '"EK-ORGFO";"";"";"";"2001-01-01";"";"Strasse 1$$STUTTGART$70173$DE-LAND"',
]
BOLAGSVERKET_TEXT = "\r\n".join([HEADER, *BOLAGSVERKET_ROWS]) + "\r\n"
KEEP = [AB_LISTED, f"{EK_OREBRO[:6]}-{EK_OREBRO[6:]}", PERSON_A]


def parse_bv(data: bytes, **overrides) -> BulkParseResult:
    options = dict(keep_orgnrs=KEEP, county_postcode_prefixes=PREFIXES, county_postorter=POSTORTER)
    options.update(overrides)
    return parse_bolagsverket_lines(io.BytesIO(data), source="fixture.txt", **options)


def row(frame: pd.DataFrame, org_nr: str) -> dict:
    matches = frame[frame["org_nr"] == org_nr]
    assert len(matches) == 1, f"{org_nr} kept {len(matches)} times"
    return matches.iloc[0].to_dict()


def all_cells(frame: pd.DataFrame) -> list[str]:
    """Every cell of the frame as text, to scan for numbers that must not be there."""
    return [str(value) for value in frame.to_numpy().ravel()]


def assert_accounted(result: BulkParseResult) -> None:
    assert result.lines_read == (result.rows_kept + result.rows_filtered_out
                                 + result.person_rows_dropped + result.malformed_rows)


# --- Bolagsverket ----------------------------------------------------------------------------

def test_bolagsverket_fixture_parses_fields_and_counts():
    result = parse_bv(b"\xef\xbb\xbf" + BOLAGSVERKET_TEXT.encode("utf-8"))

    assert result.encoding == "utf-8-sig"
    assert sorted(result.frame["org_nr"]) == sorted([EK_OREBRO, I_FJUGESTA, AB_LISTED, S_LEKEBERG])
    assert (result.lines_read, result.rows_kept, result.rows_filtered_out,
            result.person_rows_dropped, result.malformed_rows) == (11, 4, 3, 3, 1)
    assert_accounted(result)

    ek = row(result.frame, EK_OREBRO)
    assert ek["name"] == "Fiktiva Kooperativet Fabeldal ekonomisk förening"
    assert ek["legal_form"] == "EK"
    assert ek["registration_date"] == date(2015, 2, 1)
    assert pd.isna(ek["deregistration_date"]) and pd.isna(ek["deregistration_reason"])
    assert (ek["ongoing_procedure"], ek["ongoing_procedure_date"]) == ("KK", date(2026, 3, 15))
    assert (ek["postnummer"], ek["postort"]) == ("70210", "ÖREBRO")
    assert ek["description"] == 'Arbetsträning; café och "återbruk"'

    swapped = row(result.frame, I_FJUGESTA)
    assert swapped["name"] == "Påhittade Föreningen"
    assert (swapped["postnummer"], swapped["postort"]) == ("71631", "FJUGESTA")
    assert pd.isna(swapped["description"]) and pd.isna(swapped["ongoing_procedure"])

    listed = row(result.frame, AB_LISTED)
    assert (listed["deregistration_date"], listed["deregistration_reason"]) == (date(2024, 11, 30), "KKAV")
    assert row(result.frame, S_LEKEBERG)["postort"] == "LEKEBERG"


def test_bolagsverket_output_types():
    frame = parse_bv(BOLAGSVERKET_TEXT.encode("utf-8")).frame
    assert list(frame.columns) == [
        "org_nr", "name", "legal_form", "registration_date", "deregistration_date",
        "deregistration_reason", "ongoing_procedure", "ongoing_procedure_date", "postnummer",
        "postort", "description"]
    assert frame["org_nr"].str.fullmatch(r"\d{10}").all()
    assert str(frame["org_nr"].dtype) == "string"
    assert str(frame["registration_date"].dtype) == "date32[day][pyarrow]"


def test_personal_numbers_appear_nowhere(caplog):
    caplog.set_level(logging.DEBUG)
    result = parse_bv(BOLAGSVERKET_TEXT.encode("utf-8"))
    cells = all_cells(result.frame)
    for digits in PERSON_DIGITS:
        assert not any(digits in cell for cell in cells)
        assert digits not in caplog.text
    assert "malformed" in caplog.text and "fixture.txt" in caplog.text


def test_empty_result_keeps_columns_and_types():
    result = parse_bv(BOLAGSVERKET_TEXT.encode("utf-8"), keep_orgnrs=[], county_postcode_prefixes=[],
                      county_postorter=[])
    assert result.rows_kept == 0 and result.frame.empty
    assert len(result.frame.columns) == 11
    assert str(result.frame["ongoing_procedure_date"].dtype) == "date32[day][pyarrow]"


def test_very_long_field_is_read():
    long_name = "Lång" * 50_000  # 200,000 characters, past csv's default field limit
    text = BOLAGSVERKET_TEXT.replace("Stiftelsen Påhittad", long_name)
    assert row(parse_bv(text.encode("utf-8")).frame, S_LEKEBERG)["name"] == long_name


def test_wrong_header_is_fatal_and_names_the_file():
    bad = BOLAGSVERKET_TEXT.replace("organisationsform", "form", 1).encode("utf-8")
    with pytest.raises(BulkFileError, match=r"fixture\.txt.*organisationsform"):
        parse_bv(bad)


def test_missing_header_does_not_echo_a_data_row():
    headerless = "\r\n".join(BOLAGSVERKET_ROWS[2:]).encode("utf-8")
    with pytest.raises(BulkFileError) as raised:
        parse_bv(headerless)
    assert PERSON_A not in str(raised.value) and "content withheld" in str(raised.value)


def test_empty_file_is_fatal():
    with pytest.raises(BulkFileError, match="header"):
        parse_bv(b"")


def test_bulk_file_error_is_a_source_error():
    assert issubclass(BulkFileError, SourceError)


# --- Encoding --------------------------------------------------------------------------------

@pytest.mark.parametrize(("sample", "expected"), [
    (b"\xef\xbb\xbforganisationsidentitet", "utf-8-sig"),
    ("Åsa Ödmjuk".encode("utf-8"), "utf-8"),
    ("Åsa Ödmjuk".encode("utf-8")[:-9], "utf-8"),  # cut inside the two-byte Ö
    ("Åsa Ödmjuk".encode("cp1252"), "cp1252"),
    (b"plain ascii", "utf-8"),
])
def test_detect_encoding(sample, expected):
    assert detect_encoding(sample) == expected


def test_detect_encoding_ascii_and_fallback_choices():
    assert detect_encoding(b"plain", ascii_encoding="latin-1") == "latin-1"
    assert detect_encoding("Åsa".encode("latin-1"), fallback="latin-1") == "latin-1"


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_bolagsverket_file_in_either_encoding(encoding):
    result = parse_bv(BOLAGSVERKET_TEXT.encode(encoding))
    assert result.encoding == encoding
    assert row(result.frame, I_FJUGESTA)["name"] == "Påhittade Föreningen"
    assert row(result.frame, EK_OREBRO)["postort"] == "ÖREBRO"


def test_undecodable_bytes_after_the_sample_are_counted_not_fatal():
    filler = "".join(
        f'"{serial_orgnr(n)}$ORGNR-IDORG";"1";"SE-LAND";"Ascii Filler AB$FORETAGSNAMN-ORGNAM$2001-01-01";'
        f'"AB-ORGFO";"";"";"";"2001-01-01";"";"Gata {n}$$MALMO$21115$SE-LAND"\r\n' for n in range(8000))
    data = (HEADER + "\r\n" + filler).encode("ascii")
    assert len(data) > 1 << 20  # past the detection sample
    data += BOLAGSVERKET_ROWS[5].replace("Listade", "Listade \x00").encode("utf-8").replace(b"\x00", b"\xff") + b"\r\n"
    result = parse_bv(data)
    assert result.encoding == "utf-8" and result.undecodable_lines == 1
    assert row(result.frame, AB_LISTED)["name"] == "Listade \ufffd Exempelbolaget AB"


# --- SCB -------------------------------------------------------------------------------------

SCB_EK, SCB_AB_LISTED, SCB_AB_COUNTY, SCB_I = orgnr("769600010"), orgnr("556000011"), orgnr("556000012"), orgnr("802000013")


def scb_text(columns: list[str], rows: list[dict[str, str]]) -> str:
    lines = ["\t".join(columns)] + ["\t".join(r.get(c, "") for c in columns) for r in rows]
    return "\r\n".join(lines) + "\r\n"


SCB_ROWS = [
    {"PeOrgNr": "16" + SCB_EK, "Namn": "ÅKERBÄRETS ÖPPNA VERKSTAD EKONOMISK FÖRENING", "JurForm": "51",
     "Ng1": "88991", "Ng2": "01110", "PostNr": "70210", "PostOrt": "ÖREBRO", "RegDatKtid": "20190601",
     "JEStat": "1", "COAdress": "ÅSA FIKTIV"},
    {"PeOrgNr": PERSON_B, "Namn": "TESTPERSON", "JurForm": "10", "PostNr": "71631", "PostOrt": "FJUGESTA"},
    {"PeOrgNr": PERSON_A[2:], "Namn": "TESTPERSON", "JurForm": "10", "PostNr": "71631", "PostOrt": "FJUGESTA"},
    {"PeOrgNr": "16" + SCB_AB_COUNTY, "Namn": "LÄNETS AB", "JurForm": "49", "PostNr": "70210", "PostOrt": "ÖREBRO"},
    {"PeOrgNr": "16" + SCB_AB_LISTED, "Namn": "LISTADE AB", "JurForm": "49", "Ng1": "62010",
     "PostNr": "11122", "PostOrt": "STOCKHOLM", "RegDatKtid": "20100505", "JEStat": "0"},
    {"PeOrgNr": "16" + SCB_I, "Namn": "FÖRENINGEN HÄLLEBERGET", "JurForm": "61", "Ng1": "94990",
     "PostNr": "99999", "PostOrt": "Hällefors", "RegDatKtid": "bad"},
    {"PeOrgNr": "not a number", "Namn": "TRASIG", "JurForm": "49"},
]


def parse_scb(data: bytes, **overrides) -> BulkParseResult:
    options = dict(keep_orgnrs=[SCB_AB_LISTED], county_postcode_prefixes=PREFIXES,
                   county_postorter=POSTORTER)
    options.update(overrides)
    return parse_scb_lines(io.BytesIO(data), source="scb_fixture.txt", **options)


def test_scb_latin1_reordered_columns_parse():
    columns = list(reversed(SCB_COLUMNS))
    text = scb_text(columns, SCB_ROWS) + "\t".join(["x"] * 3) + "\r\n"  # a short, malformed line
    result = parse_scb(text.encode("latin-1"))

    assert result.encoding == "latin-1"
    assert (result.lines_read, result.rows_kept, result.rows_filtered_out,
            result.person_rows_dropped, result.malformed_rows) == (8, 3, 1, 2, 2)
    assert_accounted(result)
    assert list(result.frame.columns) == [
        "org_nr", "name", "jur_form", "sni_1", "sni_2", "sni_3", "sni_4", "sni_5", "postnummer",
        "postort", "registration_date", "status"]

    ek = row(result.frame, SCB_EK)
    assert ek["name"] == "ÅKERBÄRETS ÖPPNA VERKSTAD EKONOMISK FÖRENING"
    assert (ek["jur_form"], ek["sni_1"], ek["sni_2"]) == ("51", "88991", "01110")
    assert pd.isna(ek["sni_3"]) and pd.isna(ek["sni_5"])
    assert (ek["postnummer"], ek["postort"], ek["registration_date"], ek["status"]) == (
        "70210", "ÖREBRO", date(2019, 6, 1), "1")

    association = row(result.frame, SCB_I)
    assert association["postort"] == "HÄLLEFORS" and pd.isna(association["registration_date"])
    assert row(result.frame, SCB_AB_LISTED)["status"] == "0"
    assert not any(d in cell for d in PERSON_DIGITS for cell in all_cells(result.frame))


def test_scb_missing_required_column_is_fatal():
    columns = [c for c in SCB_COLUMNS if c != "JurForm"]
    with pytest.raises(BulkFileError, match=r"scb_fixture\.txt.*JurForm"):
        parse_scb(scb_text(columns, SCB_ROWS).encode("latin-1"))


def test_scb_zip_reads_every_part(tmp_path):
    first, second = SCB_ROWS[:3], SCB_ROWS[3:]
    path = tmp_path / "scb_bulkfil.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("scb_bulkfil_JE_20261101T030000_2.txt", scb_text(list(SCB_COLUMNS), second).encode("latin-1"))
        archive.writestr("scb_bulkfil_JE_20261101T030000_1.txt", scb_text(list(SCB_COLUMNS), first).encode("latin-1"))
    result = parse_scb_zip(path, keep_orgnrs=[SCB_AB_LISTED], county_postcode_prefixes=PREFIXES,
                           county_postorter=POSTORTER, max_member_bytes=10**6, max_compression_ratio=200)
    assert result.lines_read == 7 and result.rows_kept == 3 and result.person_rows_dropped == 2
    assert result.frame["org_nr"].tolist() == [SCB_EK, SCB_AB_LISTED, SCB_I]


# --- Zip safety ------------------------------------------------------------------------------

def zip_with(path: Path, name: str, data: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return path


def parse_zip(path: Path, *, max_member_bytes: int = 10**7, max_compression_ratio: float = 200) -> BulkParseResult:
    return parse_bolagsverket_zip(path, keep_orgnrs=KEEP, county_postcode_prefixes=PREFIXES,
                                  county_postorter=POSTORTER, max_member_bytes=max_member_bytes,
                                  max_compression_ratio=max_compression_ratio)


def test_zip_round_trip(tmp_path):
    path = zip_with(tmp_path / "b.zip", "bolagsverket_bulkfil.txt", BOLAGSVERKET_TEXT.encode("utf-8"))
    result = parse_zip(path)
    assert result.rows_kept == 4 and result.source.endswith("b.zip!bolagsverket_bulkfil.txt")


@pytest.mark.parametrize("evil", ["../bolagsverket_bulkfil.txt", "data/../../evil.txt", "/evil/bulkfil.txt",
                                  "C:/evil/bulkfil.txt", "..\\evil\\bulkfil.txt"])
def test_zip_slip_member_is_refused(tmp_path, evil):
    placeholder = "Z" * len(evil)
    path = zip_with(tmp_path / "slip.zip", placeholder, BOLAGSVERKET_TEXT.encode("utf-8"))
    # zipfile sanitises names it writes, so put the hostile name into the bytes directly.
    path.write_bytes(path.read_bytes().replace(placeholder.encode(), evil.encode()))
    with pytest.raises(BulkFileError, match=r"slip\.zip.*unsafe member name"):
        parse_zip(path)


def test_oversize_member_is_refused_from_the_header(tmp_path):
    path = zip_with(tmp_path / "big.zip", "bolagsverket_bulkfil.txt", BOLAGSVERKET_TEXT.encode("utf-8"))
    with pytest.raises(BulkFileError, match=r"big\.zip!bolagsverket_bulkfil\.txt.*max_member_bytes"):
        parse_zip(path, max_member_bytes=1000)


def test_compression_bomb_is_refused(tmp_path):
    path = zip_with(tmp_path / "bomb.zip", "bolagsverket_bulkfil.txt", HEADER.encode() + b" " * 2_000_000)
    with pytest.raises(BulkFileError, match=r"bomb\.zip!bolagsverket_bulkfil\.txt.*compression ratio"):
        parse_zip(path)


def test_forged_size_header_fails_while_reading(tmp_path):
    data = BOLAGSVERKET_TEXT.encode("utf-8")
    path = zip_with(tmp_path / "forged.zip", "bolagsverket_bulkfil.txt", data)
    raw = bytearray(path.read_bytes())
    central = raw.index(b"PK\x01\x02")
    struct.pack_into("<I", raw, central + 24, 200)  # the central directory claims 200 bytes
    path.write_bytes(bytes(raw))
    with pytest.raises(BulkFileError, match=r"forged\.zip!bolagsverket_bulkfil\.txt"):
        parse_zip(path)


def test_limited_reader_stops_at_the_limit():
    reader = io.BufferedReader(_LimitedReader(io.BytesIO(b"x" * 5000), 4096, "z.zip!m.txt"))
    with pytest.raises(BulkFileError, match=r"z\.zip!m\.txt: inflated past 4,096 bytes"):
        reader.read()
    assert io.BufferedReader(_LimitedReader(io.BytesIO(b"x" * 4096), 4096, "m")).read() == b"x" * 4096


def test_not_a_zip_and_zip_without_text_member(tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(BulkFileError, match=r"junk\.zip: cannot open as a zip"):
        parse_zip(junk)
    with pytest.raises(BulkFileError, match=r"readme\.pdf"):
        parse_zip(zip_with(tmp_path / "empty.zip", "readme.pdf", b"%PDF"))


# --- Streaming -------------------------------------------------------------------------------

def write_large_zip(path: Path, lines: int) -> int:
    """A bulk file of ``lines`` rows, one in a thousand a county candidate; returns its size."""
    rng = random.Random(7)
    size = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("bolagsverket_bulkfil.txt", "w") as member:
            chunk = [HEADER + "\n"]
            for n in range(lines):
                org = serial_orgnr(n, "7" if n % 1000 == 0 else "5")
                form, town, code = ("EK", "KUMLA", "69231") if n % 1000 == 0 else ("AB", "MALMÖ", "21115")
                chunk.append(
                    f'"{org}$ORGNR-IDORG";"1";"SE-LAND";"Fiktivt Bolag {rng.randrange(10**9)} '
                    f'$FORETAGSNAMN-ORGNAM$2001-01-01";"{form}-ORGFO";"";"";"";"2001-01-01";'
                    f'"Verksamhet nummer {rng.randrange(10**9)}";"Gatan {n}$${town}${code}$SE-LAND"\n')
                if len(chunk) >= 5000:
                    data = "".join(chunk).encode("utf-8")
                    member.write(data)
                    size += len(data)
                    chunk = []
            data = "".join(chunk).encode("utf-8")
            member.write(data)
            size += len(data)
    return size


def test_large_file_streams_with_bounded_memory(tmp_path):
    path = tmp_path / "bolagsverket_bulkfil.zip"
    size = write_large_zip(path, 200_000)
    started = time.perf_counter()
    tracemalloc.start()
    try:
        result = parse_bolagsverket_zip(path, keep_orgnrs=[], county_postcode_prefixes=PREFIXES,
                                        county_postorter=POSTORTER, max_member_bytes=10**9,
                                        max_compression_ratio=1000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.lines_read == 200_000 and result.rows_kept == 200 and result.malformed_rows == 0
    assert peak < size / 4, f"peak {peak:,} bytes for a {size:,}-byte file"
    assert time.perf_counter() - started < 30
