"""flows/sources/inbox.py (+ layouts.py): discovery, canonical mapping, privacy, round trips.

Personal identity numbers in these tests are Skatteverket's official test number 19900101-2385
(from its published series; also written 199001012385 and 900101-2385): a valid-looking number
that belongs to nobody.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.common.identifiers import luhn_check_digit
from flows.common.personnummer import looks_like_personnummer, pseudonymise
from flows.datasets import BOOL, DATASETS, DATE, DECIMAL, INT
from flows.demo.layouts import write_table
from flows.errors import InboxError
from flows.intake.canonical import (
    LEVERANTOR_ID_KIND,
    ORIGINAL,
    SUPPLIER_ID_KINDS,
    MissingColumnError,
    read_delivery,
)
from flows.intake.discovery import Delivery, UnsafePathError, discover, inbox_path
from flows.intake.pseudonymise import MissingHashKeyError
from flows.intake.table import EXTRA, ROW_NUMBER

KEY = b"test-key-not-a-secret"
TEST_PNR_FORMS = ("19900101-2385", "199001012385", "900101-2385", "9001012385")
PSEUDONYM = pseudonymise("199001012385", KEY)


def values(table, column: str) -> list[object]:
    return [None if pd.isna(v) else v for v in table.frame[column].tolist()]


def put(folder: Path, name: str, data: bytes | str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def assert_no_personnummer(table) -> None:
    """No cell of any column, _original and _extra included, holds the test number in clear."""
    for column in table.frame.columns:
        for cell in map(str, table.frame[column].tolist()):
            for form in TEST_PNR_FORMS:
                assert form not in cell, f"{form} in clear in {column}: {cell}"


# --- acceptance: each publisher's real layout, written by hand ----------------------------------


def test_lankadedata_vgr_layout(tmp_path):
    data = (
        "kopare_id;kopare;verifikationsnummer;leverantor;leverantor_id;konto_nr;konto_text;bokforingsdatum;"
        "forvaltning;fakturanummer;nettobelopp;grund;avtal;kommun_id;s_kod_nr\r"
        "232100-0131;Västra Götalandsregionen;5001;Saab AB;556036-0793;01110;Växter;2024-01-15;"
        "Regionservice;-;-1234.50;;;0180;\r"
        "232100-0131;Västra Götalandsregionen;5002;Anna Andersson Konsult;19900101-2385;45490;Konsulttjänster;"
        "2024-01-16;Regionservice;F-77;250.00;;;;\r"
    ).encode("utf-8")
    path = put(tmp_path, "vgr-2024-01.csv", data)

    table = read_delivery(path, "supplier_invoices", "lankadedata", "1814", KEY)

    assert (table.encoding, table.delimiter, table.line_ending) == ("utf-8", ";", "CR")
    assert values(table, "kopare") == ["Västra Götalandsregionen"] * 2
    assert values(table, "konto_nr") == ["01110", "45490"]
    assert values(table, "bokforingsdatum") == ["2024-01-15", "2024-01-16"]
    assert values(table, "nettobelopp") == ["-1234.50", "250.00"]
    assert values(table, "fakturanummer") == [None, "F-77"]  # "-" means none
    assert values(table, "kommun_id") == ["0180", "1814"]  # blank filled from the inbox folder
    assert values(table, "leverantor_id") == ["5560360793", PSEUDONYM]
    assert values(table, LEVERANTOR_ID_KIND) == ["orgnr", "pseudonym"]
    assert values(table, ROW_NUMBER) == [1, 2]
    assert table.unmapped_columns == ("grund", "avtal", "s_kod_nr")
    assert_no_personnummer(table)


def test_openup_umea_layout(tmp_path):
    data = (
        "kopare;kopare_text;faktura_nr;leverantor;leverantor_id;forvaltning;konto_nr;konto_text;belopp;datum;"
        "grund;avtal;kommun_id;valuta\n"
        "2120002627;Umeå kommun;9001;Enskild firma;19900101-****;Fritid;45490;Konsult;-5000.00;202401;;;2480;SEK\n"
        "2120002627;Umeå kommun;9002;Saab AB;5560360793;Fritid;01110;Växter;120.50;202402;;;2480;SEK\n"
    )
    table = read_delivery(put(tmp_path, "umea.csv", data), "supplier_invoices", "openup", "1814", KEY)

    assert values(table, "kopare_id") == ["2120002627"] * 2
    assert values(table, "kopare") == ["Umeå kommun"] * 2
    assert values(table, "fakturanummer") == ["9001", "9002"]
    assert values(table, "bokforingsdatum") == ["2024-01-01", "2024-02-01"]  # YYYYMM = first of the month
    assert values(table, "nettobelopp") == ["-5000.00", "120.50"]
    assert values(table, "leverantor_id") == [None, "5560360793"]
    assert values(table, LEVERANTOR_ID_KIND) == ["masked", "orgnr"]
    assert values(table, "verifikationsnummer") == [None, None]  # not in this layout
    assert values(table, "kommun_id") == ["2480", "2480"]


def test_goteborg_layout_utf16_comma_decimal_comma(tmp_path):
    text = (
        "forvaltning,leverantor,leverantor_id,faktura_nr,konto_nr,konto_text,belopp,datum\r\n"
        'Trafikkontoret,Saab AB,556036-0793,A-1,01110,Växter,"12 345,50",2024-03-01\r\n'
        'Trafikkontoret,"Bygg, Mark & Co",SAKNAS,A-2,45490,Konsult,"-3270,50",2024-03-02\r\n'
        'Trafikkontoret,Ett Bolag,5560360793,A-3,45490,Konsult,"1\u00a0000\u202f000,00",2024-03-03\r\n'
    )
    path = put(tmp_path, "goteborg.csv", b"\xff\xfe" + text.encode("utf-16-le"))

    table = read_delivery(path, "supplier_invoices", "goteborg", "1814", KEY)

    assert (table.encoding, table.delimiter, table.line_ending) == ("utf-16-le", ",", "CRLF")
    assert values(table, "nettobelopp") == ["12345.50", "-3270.50", "1000000.00"]
    assert values(table, "leverantor") == ["Saab AB", "Bygg, Mark & Co", "Ett Bolag"]
    assert values(table, LEVERANTOR_ID_KIND) == ["orgnr", "blank", "orgnr"]
    assert values(table, "kopare") == [None] * 3
    assert values(table, "kommun_id") == ["1814"] * 3


def test_vasteras_rowstore_layout(tmp_path):
    def row(number: str, supplier_id: str, amount: str) -> str:
        return (f'{{"\ufeffkopare_id":"2120002080","kopare":"Västerås stad","verifikationsnummer":"{number}",'
                f'"leverantor":"Leverantör {number}","leverantor_id":"{supplier_id}","konto_nr":"01110",'
                f'"konto_text":"Växter","bokforingsdatum":"2024-04-0{number}","forvaltning":"Tekniska",'
                f'"fakturanummer":"","nettobelopp":"{amount}","kommun_id":"1980"}}')

    folder = tmp_path / "supplier_invoices"
    put(folder, "leverantorsfakturor.json",
        '{"resultCount":3,"offset":0,"limit":2,"next":"leverantorsfakturor-page-2.json","results":['
        + row("1", "10023", "-1234,50") + "," + row("2", "L-77", "980,00") + "]}")
    put(folder, "leverantorsfakturor-page-2.json",
        '{"resultCount":3,"offset":2,"limit":2,"results":[' + row("3", "10023", "12,5") + "]}")

    table = read_delivery(folder / "leverantorsfakturor.json", "supplier_invoices", "vasteras", "1814", KEY)

    assert table.format == "json" and len(table.parts) == 2
    assert values(table, "kopare_id") == ["2120002080"] * 3  # the BOM inside the first key is gone
    assert values(table, "nettobelopp") == ["-1234.50", "980.00", "12.5"]
    assert values(table, "leverantor_id") == [None] * 3  # internal supplier numbers are no org nrs
    assert values(table, LEVERANTOR_ID_KIND) == ["internal"] * 3
    assert values(table, "fakturanummer") == [None] * 3
    assert values(table, ROW_NUMBER) == [1, 2, 3]
    assert values(table, "kommun_id") == ["1980"] * 3


def test_orebro_xlsx_layout(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Datum", "Förvaltning", "Leverantör", "Leverantörens org.nr", "Fakturanummer", "Konto", "Belopp"])
    sheet.append([dt.datetime(2024, 5, 2), "Kommunstyrelseförvaltningen", "Saab AB", "556036-0793", "F100",
                  "01110 Växtmaterial", -500.25])
    sheet.append([dt.datetime(2024, 5, 3), "Vård- och omsorg", "Enskild Firma", "19900101-2385", 12345,
                  "45490 Konsulttjänster, övriga", 12000])
    sheet.append([dt.datetime(2024, 5, 4), "Vård- och omsorg", "Utan text AB", "5560360793", None, "45490", 99.5])
    path = tmp_path / "Leverantörsfakturor 2024-05.xlsx"
    workbook.save(path)

    table = read_delivery(path, "supplier_invoices", "orebro-xlsx", "1880", KEY)

    assert values(table, "bokforingsdatum") == ["2024-05-02", "2024-05-03", "2024-05-04"]
    assert values(table, "konto_nr") == ["01110", "45490", "45490"]
    assert values(table, "konto_text") == ["Växtmaterial", "Konsulttjänster, övriga", None]
    assert values(table, "nettobelopp") == ["-500.25", "12000", "99.5"]
    assert values(table, "fakturanummer") == ["F100", "12345", None]
    assert values(table, "leverantor_id") == ["5560360793", PSEUDONYM, "5560360793"]
    assert values(table, LEVERANTOR_ID_KIND) == ["orgnr", "pseudonym", "orgnr"]
    assert values(table, "kopare_id") == ["2120001967"] * 3  # the profile's constants
    assert values(table, "kommun_id") == ["1880"] * 3  # from the inbox folder
    assert_no_personnummer(table)


# --- mapping rules ------------------------------------------------------------------------------


def test_canonical_values_are_normalised_or_left_for_quarantine(tmp_path):
    data = (
        "org_nr,name,municipality_code,is_wise,criteria_assessed_on,start_date,sni\n"
        "556036-0793, Kooperativet ,180,Ja,2024-13-01,20240101,01110\n"
        "5560360793,Andra,,x,,2023-05-01,\n"
        "5560360794,Tredje,1814,nej,2024-02-29,2023-05-01,\n"
    )
    table = read_delivery(put(tmp_path, "e.csv", data), "enterprises", "canonical", "1814", KEY)

    assert values(table, "org_nr") == ["5560360793", "5560360793", "5560360794"]  # invalid stays as delivered
    assert values(table, "name") == ["Kooperativet", "Andra", "Tredje"]
    assert values(table, "municipality_code") == ["0180", "1814", "1814"]
    assert values(table, "is_wise") == ["true", "true", "false"]
    assert values(table, "criteria_assessed_on") == ["2024-13-01", None, "2024-02-29"]
    assert values(table, "start_date") == ["20240101", "2023-05-01", "2023-05-01"]  # not ISO: left as is
    assert values(table, "sni") == ["01110", None, None]
    assert values(table, "end_date") == [None] * 3  # optional column not delivered
    assert list(table.frame.columns) == [*DATASETS["enterprises"].column_names, ROW_NUMBER, EXTRA, ORIGINAL]


def test_municipality_column_missing_is_filled_from_the_folder(tmp_path):
    data = "grant_id;org_nr;decision_date;amount_sek;grant_type\nG1;5560360793;2024-01-02;1 000,50;start_grant\n"
    table = read_delivery(put(tmp_path, "g.csv", data.encode("cp1252")), "grants", "canonical-sv", "1861", KEY)
    assert values(table, "municipality_code") == ["1861"]
    assert values(table, "amount_sek") == ["1000.50"]
    assert table.encoding == "utf-8"  # pure ASCII decodes as UTF-8


def test_headers_match_regardless_of_case_and_spacing(tmp_path):
    data = ("Grant_ID; ORG_NR ;Decision_Date;amount_sek;grant_type;municipality_code\n"
            "G1;5560360793;2024-01-02;5;other;1814\n")
    table = read_delivery(put(tmp_path, "g.csv", data), "grants", "canonical", "1814", KEY)
    assert values(table, "grant_id") == ["G1"] and values(table, "org_nr") == ["5560360793"]


def test_original_keeps_the_delivered_row(tmp_path):
    data = ('a_id;municipality_code;org_nr;decision_date;amount_sek;grant_type;grant_id\n'
            'x;1814;5560360793;2024-01-02;"1,5";"say ""hi""";G1;surplus\n')
    table = read_delivery(put(tmp_path, "g.csv", data), "grants", "canonical", "1814", KEY)
    original = json.loads(values(table, ORIGINAL)[0])
    assert original == {"a_id": "x", "municipality_code": "1814", "org_nr": "5560360793",
                        "decision_date": "2024-01-02", "amount_sek": "1,5", "grant_type": 'say "hi"',
                        "grant_id": "G1", "_extra": ["surplus"]}
    assert values(table, "amount_sek") == ["1,5"]  # decimal comma is not guessed in the canonical profile
    assert values(table, EXTRA) == ['["surplus"]']
    assert table.unmapped_columns == ("a_id",)


def test_missing_required_column_names_file_dataset_column_and_headers(tmp_path):
    data = "kopare_id;kopare;verifikationsnummer;leverantor;leverantor_id;konto_nr;datum\n1;2;3;4;5;6;2024-01-01\n"
    path = put(tmp_path, "ledger.csv", data)
    with pytest.raises(MissingColumnError) as caught:
        read_delivery(path, "supplier_invoices", "lankadedata", "1814", KEY)
    message = str(caught.value)
    for words in (str(path), "supplier_invoices", "bokforingsdatum", "nettobelopp", "lankadedata",
                  "kopare_id, kopare, verifikationsnummer, leverantor, leverantor_id, konto_nr, datum"):
        assert words in message
    assert isinstance(caught.value, InboxError)


def test_profile_for_another_dataset_is_refused(tmp_path):
    path = put(tmp_path, "g.csv", "grant_id\nG1\n")
    with pytest.raises(InboxError, match="is for supplier_invoices, not for grants"):
        read_delivery(path, "grants", "lankadedata", "1814", KEY)


# --- privacy ------------------------------------------------------------------------------------


def test_personnummer_never_stored_in_clear_anywhere(tmp_path):
    data = (
        "org_nr;name;municipality_code;is_wise;criteria_assessed_on;start_date;note\n"
        "19900101-2385;Enskild firma;1814;ja;2024-01-01;2020-01-01;kontakt 900101-2385 eller 199001012385;"
        "19900101-2385\n"
        "5560360793;Saab;1814;nej;2024-01-01;2020-01-01;org 556036-0793 telefon 0701234567\n"
    )
    table = read_delivery(put(tmp_path, "e.csv", data), "enterprises", "canonical", "1814", KEY)

    assert_no_personnummer(table)
    assert values(table, "org_nr")[0] == PSEUDONYM
    assert values(table, "note")[0] == f"kontakt {PSEUDONYM} eller {PSEUDONYM}"
    assert values(table, "note")[1] == "org 556036-0793 telefon 0701234567"  # not shaped like a personnummer
    assert json.loads(values(table, ORIGINAL)[0])["org_nr"] == PSEUDONYM
    assert json.loads(values(table, EXTRA)[0]) == [PSEUDONYM]


@st.composite
def personnummer_in_text(draw) -> tuple[str, str]:
    """Free text with a generated, valid-looking personnummer in one of its written forms."""
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)))
    nine = born.strftime("%y%m%d") + f"{draw(st.integers(0, 999)):03d}"
    ten = nine + str(luhn_check_digit(nine))
    form = draw(st.sampled_from([ten, f"{ten[:6]}-{ten[6:]}", f"{born:%Y}{ten[2:]}", f"{born:%Y}{ten[2:6]}-{ten[6:]}"]))
    words = st.text(alphabet="abc ÅÖ:;,.", max_size=8)
    return form, draw(words) + form + draw(words)


@settings(max_examples=25, deadline=None)
@given(personnummer_in_text())
def test_no_personnummer_survives_in_any_written_form(tmp_path_factory, case):
    form, note = case
    folder = tmp_path_factory.mktemp("pnr")
    frame = pd.DataFrame({"org_nr": [form], "name": ["Firma"], "municipality_code": ["1814"], "is_wise": ["true"],
                          "criteria_assessed_on": [None], "start_date": ["2020-01-01"], "note": [note]})
    write_table(frame, folder / "e.csv", "canonical", dataset="enterprises")
    table = read_delivery(folder / "e.csv", "enterprises", "canonical", "1814", KEY)
    for column in table.frame.columns:
        for cell in map(str, table.frame[column].tolist()):
            assert form not in cell
            # A pseudonym's hex digest may by chance hold a digit run shaped like a personnummer
            # (pnr:b2105294538efba4); it is a hash, not a person's number, so it is not scanned.
            cell = re.sub(r"pnr:[0-9a-f]{16}", "pnr:…", cell)
            assert not any(looks_like_personnummer(token) for token in re.findall(r"\d[\d+-]{8,12}\d", cell))


@pytest.mark.parametrize("key", [None, b""])
def test_without_a_key_a_personnummer_fails_closed(tmp_path, key):
    data = ("kopare_id;kopare;verifikationsnummer;leverantor;leverantor_id;konto_nr;bokforingsdatum;nettobelopp\n"
            "1;K;1;Saab;5560360793;1;2024-01-01;1\n1;K;2;Anna;19900101-2385;1;2024-01-01;1\n")
    path = put(tmp_path, "l.csv", data)
    with pytest.raises(MissingHashKeyError) as caught:
        read_delivery(path, "supplier_invoices", "lankadedata", "1814", key)
    assert str(path) in str(caught.value) and "row 2" in str(caught.value) and "leverantor_id" in str(caught.value)


def test_without_a_key_files_without_personnummer_still_read(tmp_path):
    data = ("grant_id;municipality_code;org_nr;decision_date;amount_sek;grant_type\n"
            "G1;1814;5560360793;2024-01-02;5;other\n")
    assert len(read_delivery(put(tmp_path, "g.csv", data), "grants", "canonical", "1814", None).frame) == 1


# --- round trips: layouts.write_table -> read_delivery ------------------------------------------


LEDGER = pd.DataFrame({
    "kopare_id": ["2120001967", "2120001967", "2120001967"],
    "kopare": ["Örebro kommun", "Örebro kommun", "Örebro kommun"],
    "verifikationsnummer": ["V1", "V2", None],
    "leverantor": ["Saab AB", 'Bygg; Mark "&" Co, AB', "Enskild"],
    "leverantor_id": ["5560360793", None, PSEUDONYM],
    "konto_nr": ["01110", "45490", "45490"],
    "konto_text": ["Växter", "Konsult\ntjänster", None],
    "bokforingsdatum": ["2024-01-01", "2024-02-01", "2023-12-01"],  # first of month: openup writes YYYYMM
    "forvaltning": ["Regionservice", None, "Vård"],
    "fakturanummer": [None, "F-1", "0077"],
    "nettobelopp": ["-12345.50", "3270.5", "1234567.25"],
    "kommun_id": ["1814", "1814", "1814"],
})
NOT_IN_LAYOUT = {
    "lankadedata": {},
    "openup": {"verifikationsnummer": None},
    "goteborg": {"kopare_id": None, "kopare": None, "verifikationsnummer": None},
    "vasteras": {"leverantor_id": None, "forvaltning": None, "fakturanummer": None},  # not in the real store
    "orebro-xlsx": {"kopare": "Örebro kommun", "verifikationsnummer": None},
}
SUFFIX = {"vasteras": "json", "orebro-xlsx": "xlsx"}


@pytest.mark.parametrize("profile", list(NOT_IN_LAYOUT))
def test_supplier_profiles_round_trip(tmp_path, profile):
    path = tmp_path / f"ledger.{SUFFIX.get(profile, 'csv')}"
    write_table(LEDGER, path, profile)
    table = read_delivery(path, "supplier_invoices", profile, "1814", KEY)

    expected = LEDGER.copy()
    for column, value in NOT_IN_LAYOUT[profile].items():
        expected[column] = value
    assert set(values(table, LEVERANTOR_ID_KIND)) <= set(SUPPLIER_ID_KINDS)
    for column in LEDGER.columns:
        got = values(table, column)
        if column == "nettobelopp":  # Excel keeps numbers, not their trailing zeros
            assert [Decimal(v) for v in got] == [Decimal(v) for v in expected[column]], profile
        else:
            assert got == [None if pd.isna(v) else v for v in expected[column]], (profile, column)


def test_rowstore_writer_pages_and_discovery_reads_them_as_one_delivery(tmp_path):
    folder = tmp_path / "inbox" / "1814" / "supplier_invoices"
    folder.mkdir(parents=True)
    big = pd.concat([LEDGER] * 90, ignore_index=True)  # 270 rows, 100 per page
    write_table(big, folder / "ledger.json", "vasteras")
    assert sorted(p.name for p in folder.iterdir()) == ["ledger-page-2.json", "ledger-page-3.json", "ledger.json"]
    assert "\ufeffkopare_id" in json.loads((folder / "ledger.json").read_text("utf-8"))["results"][0]

    (delivery,) = discover(tmp_path / "inbox", ["1814"], ["supplier_invoices"])
    assert delivery.path == folder / "ledger.json"
    table = read_delivery(delivery.path, delivery.dataset, "vasteras", "1814", KEY)
    assert len(table.frame) == 270 and values(table, ROW_NUMBER)[-1] == 270


def sample_frame(dataset: str) -> pd.DataFrame:
    """Three rows of canonical text for any dataset; the last leaves nullable columns blank."""
    def column_values(column) -> list[str | None]:
        if column.type == DECIMAL:
            sample = ["-1234.50", "0.5", "1234567.25"]
        elif column.type == INT:
            sample = ["42", "0", "1234567"]
        elif column.type == DATE:
            sample = ["2024-02-29", "2019-12-31", "2025-01-01"]
        elif column.type == BOOL:
            sample = ["true", "false", "true"]
        elif column.is_org_nr:
            sample = ["5560360793", "2120001967", "5560360793"]
        elif column.is_municipality:
            sample = ["1814", "0180", "1814"]
        elif column.values:
            sample = [column.values[0], column.values[-1], column.values[0]]
        else:
            sample = ["Text ÅÄÖ; \"citat\", 0123", "01110", "Rad ett\r\nRad två"]
        blank_allowed = column.nullable and not column.is_municipality  # the reader fills the folder's code
        return sample[:2] + [None if blank_allowed else sample[2]]

    contract = DATASETS[dataset]
    return pd.DataFrame({column.name: column_values(column) for column in contract.delivered_columns})


@pytest.mark.parametrize("profile", ["canonical", "canonical-sv"])
@pytest.mark.parametrize("dataset", list(DATASETS))
def test_canonical_profiles_round_trip_every_dataset(tmp_path, profile, dataset):
    frame = sample_frame(dataset)
    path = tmp_path / f"{dataset}.csv"
    write_table(frame, path, profile, dataset=dataset)
    table = read_delivery(path, dataset, profile, "1814", KEY)
    for column in frame.columns:
        assert values(table, column) == [None if pd.isna(v) else v for v in frame[column]], column


@pytest.mark.parametrize("profile, suffix", [("goteborg", "csv"), ("orebro-xlsx", "xlsx"), ("vasteras", "json"),
                                             ("canonical-sv", "csv")])
def test_writer_is_deterministic(tmp_path, profile, suffix):
    first, second = tmp_path / f"a.{suffix}", tmp_path / f"b.{suffix}"
    write_table(LEDGER, first, profile, dataset="supplier_invoices")
    write_table(LEDGER, second, profile, dataset="supplier_invoices")
    assert first.read_bytes() == second.read_bytes()


def test_writer_layout_bytes(tmp_path):
    write_table(LEDGER, tmp_path / "g.csv", "goteborg")
    raw = (tmp_path / "g.csv").read_bytes()
    assert raw.startswith(b"\xff\xfe")
    text = raw[2:].decode("utf-16-le")
    assert text.splitlines()[0] == "forvaltning,leverantor,leverantor_id,faktura_nr,konto_nr,konto_text,belopp,datum"
    assert '"-12 345,50"' in text and "\r\n" in text

    write_table(LEDGER, tmp_path / "l.csv", "lankadedata")
    text = (tmp_path / "l.csv").read_bytes().decode("utf-8")
    assert "\n" not in text.replace('"Konsult\ntjänster"', "")  # bare CR line ends; the quoted break stays
    assert ";-;-12345.50;" in text

    write_table(LEDGER, tmp_path / "u.csv", "openup")
    assert ";202401;" in (tmp_path / "u.csv").read_text("utf-8")


def test_writer_accepts_python_values(tmp_path):
    frame = pd.DataFrame({"grant_id": ["G1"], "municipality_code": ["1814"], "org_nr": ["5560360793"],
                          "decision_date": [dt.date(2024, 3, 1)], "amount_sek": [1500.5], "grant_type": ["other"]})
    write_table(frame, tmp_path / "g.csv", "canonical", dataset="grants")
    table = read_delivery(tmp_path / "g.csv", "grants", "canonical", "1814", KEY)
    assert values(table, "decision_date") == ["2024-03-01"] and values(table, "amount_sek") == ["1500.5"]


def test_writer_needs_a_dataset_for_generic_profiles(tmp_path):
    with pytest.raises(ValueError, match="pass dataset="):
        write_table(LEDGER, tmp_path / "x.csv", "canonical")


# --- discovery ----------------------------------------------------------------------------------


def build_inbox(root: Path) -> Path:
    inbox = root / "inbox"
    put(inbox, "README.md", "# how to deliver")
    put(inbox, ".hidden", "x")
    put(inbox, "stray.csv", "a\n1\n")
    put(inbox / "9999" / "grants", "g.csv", "a\n1\n")
    put(inbox / "1814", "profiles.toml", 'supplier_invoices = "vasteras"\n')
    put(inbox / "1814", "README.txt", "notes")
    put(inbox / "1814", "note.txt", "x")
    put(inbox / "1814" / "grants", "b.csv", "a\n1\n")
    put(inbox / "1814" / "grants", "a.xlsx", b"PK")
    put(inbox / "1814" / "grants", ".DS_Store", b"\0")
    put(inbox / "1814" / "grants", "~$a.xlsx", b"\0")
    put(inbox / "1814" / "grants", "..bidrag_2026.csv", "a\n1\n")
    put(inbox / "1814" / "grants", ".socek-write-probe", "socek's own file, not a delivery")
    put(inbox / "1814" / "grants" / "2023", "old.csv", "a\n1\n")
    os.symlink(inbox / "1814" / "grants" / "gone.csv", inbox / "1814" / "grants" / "dangling.csv")
    put(inbox / "1814" / "supplier_invoices", "p.json", '{"next": "p-2.json", "results": [{"a": "1"}]}')
    put(inbox / "1814" / "supplier_invoices", "p-2.json", '{"results": [{"a": "2"}]}')
    put(inbox / "1814" / "supplier_invoices", "other.json", '[{"a": "3"}]')
    put(inbox / "1814" / "ledgers", "x.csv", "a\n1\n")
    outside = put(root / "elsewhere", "secret.csv", "a\n1\n")
    (inbox / "1880" / "enterprises").mkdir(parents=True)
    os.symlink(outside, inbox / "1880" / "enterprises" / "link.csv")
    os.symlink(inbox / "1814" / "grants" / "b.csv", inbox / "1880" / "enterprises" / "inside.csv")
    os.symlink(root / "elsewhere", inbox / "1862")
    return inbox


def test_discover_finds_deliveries_and_reports_everything_else(tmp_path):
    inbox = build_inbox(tmp_path)
    everything = discover(inbox, ["1814", "1862", "1880"], ["grants", "supplier_invoices", "enterprises"])
    # hidden names, README and Excel lock files are not read, but reported (quietly unless they look
    # like data); socek's own .socek files and profiles.toml are not deliveries at all
    skipped = {str(d.path.relative_to(inbox)): d.quiet for d in everything if d.refused and (
        d.path.name.startswith((".", "~$")) or d.path.name.lower().startswith("readme"))}
    assert skipped == {".hidden": True, "README.md": True, "1814/README.txt": True, "1814/grants/.DS_Store": True,
                       "1814/grants/~$a.xlsx": True, "1814/grants/..bidrag_2026.csv": False}
    hidden = next(d for d in everything if d.path.name == "..bidrag_2026.csv")
    assert "hidden" in hidden.refused and "rename it without the leading dot" in hidden.refused
    found = [d for d in everything if str(d.path.relative_to(inbox)) not in skipped]

    summary = [(str(d.path.relative_to(inbox)), d.municipality_code, d.dataset, d.profile_name, d.accepted)
               for d in found]
    assert summary == [
        ("1814/grants/2023", "1814", "grants", None, False),
        ("1814/grants/a.xlsx", "1814", "grants", "canonical", True),
        ("1814/grants/b.csv", "1814", "grants", "canonical", True),
        ("1814/grants/dangling.csv", "1814", "grants", None, False),
        ("1814/ledgers", "1814", None, None, False),
        ("1814/note.txt", "1814", None, None, False),
        ("1814/supplier_invoices/other.json", "1814", "supplier_invoices", "vasteras", True),
        ("1814/supplier_invoices/p.json", "1814", "supplier_invoices", "vasteras", True),
        ("1862", None, None, None, False),
        ("1880/enterprises/inside.csv", "1880", "enterprises", "canonical", True),
        ("1880/enterprises/link.csv", "1880", "enterprises", None, False),
        ("9999", None, None, None, False),
        ("stray.csv", None, None, None, False),
    ]
    reasons = {str(d.path.relative_to(inbox)): d.refused for d in found if not d.accepted}
    assert "sub-folders" in reasons["1814/grants/2023"]
    assert "broken link" in reasons["1814/grants/dangling.csv"]
    assert "not a dataset" in reasons["1814/ledgers"]
    assert "dataset folder" in reasons["1814/note.txt"]
    assert "outside the inbox" in reasons["1862"] and "outside the inbox" in reasons["1880/enterprises/link.csv"]
    assert "not a configured municipality" in reasons["9999"]
    assert everything == discover(inbox, ["1814", "1862", "1880"], ["grants", "supplier_invoices", "enterprises"])


@pytest.mark.parametrize("mapping, words", [
    ('grants = "lankadedata"\n', "is a profile for supplier_invoices"),
    ('grants = "nope"\n', "not a known profile"),
    ('ledgers = "canonical"\n', "not a dataset read from the inbox"),
    ("grants = \n", "cannot be read"),
])
def test_a_broken_profiles_toml_stops_that_municipality(tmp_path, mapping, words):
    inbox = tmp_path / "inbox"
    put(inbox / "1814", "profiles.toml", mapping)
    put(inbox / "1814" / "grants", "g.csv", "a\n1\n")
    put(inbox / "1880" / "grants", "g.csv", "a\n1\n")
    first, second = discover(inbox, ["1814", "1880"], ["grants"])
    assert not first.accepted and "profiles.toml" in first.refused and words in first.refused
    assert second == Delivery(inbox / "1880" / "grants" / "g.csv", "1880", "grants", "canonical")


def test_discover_needs_an_inbox(tmp_path):
    with pytest.raises(InboxError, match="does not exist"):
        discover(tmp_path / "nope", ["1814"], ["grants"])


def test_inbox_path_refuses_escapes(tmp_path):
    inbox = tmp_path / "inbox"
    put(inbox / "1814" / "grants", "g.csv", "a\n1\n")
    os.symlink(tmp_path, inbox / "1814" / "up")
    assert inbox_path(inbox, "1814/grants/g.csv") == inbox / "1814" / "grants" / "g.csv"
    for bad, words in (("/etc/passwd", "absolute"), ("1814/../../x.csv", "'..'"), ("1814/up/x", "outside")):
        with pytest.raises(UnsafePathError, match=words):
            inbox_path(inbox, bad)
