"""Real publisher files: Västerås's rowstore keys, title rows above the header, tolerant column names,
the missing-column message, and XLSX workbooks that unpack too far (zip bombs)."""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

import pytest

from flows.errors import InboxError
from flows.intake.canonical import MissingColumnError, read_delivery
from flows.intake.formats import read_table
from flows.intake.table import ReadLimits

KEY = b"test-key-not-a-secret"


def vasteras_page(result_count: int) -> dict:
    """A rowstore page shaped exactly like Västerås stad's published ledger: the real keys in the real
    order, a byte-order mark inside 'kopare_id', every value a string, amounts with a decimal comma."""
    def row(datum, konto, supplier_id, amount, text, supplier, voucher):
        return {"datum": datum, "konto_nr": konto, "\ufeffkopare_id": "2120002080", "kommun_id": "1980",
                "leverantor_id": supplier_id, "belopp": amount, "konto_text": text, "leverantor": supplier,
                "verifikationsnummer": voucher, "kopare": "Västerås stad"}

    return {"resultCount": result_count, "offset": 0, "limit": 100, "results": [
        row("2024-01-02", "4610", "10023", "-1302,03", "Förbrukningsmaterial", "Leverantör A", "5000123"),
        row("2024-01-03", "7010", "20411", "-400,68", "Konsulttjänster", "Leverantör B", "5000124"),
    ]}


def write_page(folder: Path, page: dict) -> Path:
    path = folder / "vasteras.json"
    path.write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    return path


def test_vasteras_rowstore_page_reads_with_its_real_keys(tmp_path):
    table = read_delivery(write_page(tmp_path, vasteras_page(2)), "supplier_invoices", "vasteras", "1814", KEY)
    frame = table.frame
    assert frame["nettobelopp"].tolist() == ["-1302.03", "-400.68"]
    assert [float(v) for v in frame["nettobelopp"]] == [-1302.03, -400.68]
    assert frame["bokforingsdatum"].tolist() == ["2024-01-02", "2024-01-03"]
    assert frame["kopare_id"].tolist() == ["2120002080"] * 2  # the key with a BOM inside was found
    assert frame["leverantor_id_kind"].tolist() == ["internal"] * 2
    assert table.unmapped_columns == ()


def test_vasteras_page_with_a_larger_result_count_is_refused_naming_the_count(tmp_path):
    with pytest.raises(InboxError, match=r"the pages hold 2 rows but 'resultCount' says 3"):
        read_delivery(write_page(tmp_path, vasteras_page(3)), "supplier_invoices", "vasteras", "1814", KEY)


def test_vasteras_profile_still_reads_the_national_spec_names(tmp_path):
    page = vasteras_page(2)
    for row in page["results"]:
        row["bokforingsdatum"], row["nettobelopp"] = row.pop("datum"), row.pop("belopp")
    table = read_delivery(write_page(tmp_path, page), "supplier_invoices", "vasteras", "1814", KEY)
    assert table.frame["nettobelopp"].tolist() == ["-1302.03", "-400.68"]


def test_tolerant_headers_and_swedish_labels_read_with_the_canonical_profile(tmp_path):
    path = tmp_path / "bidrag.csv"
    path.write_text("\ufeffGRANT-ID;Kommunkod;org_nr\u200b;Beslutsdatum ;Belopp (kr);bidragstyp\n"
                    "B1;1814;556036-0793;2024-03-01;1000;Föreningsbidrag\n"
                    "B2;1814;5560360793;2024-03-02;5;project_grant\n", encoding="utf-8")
    frame = read_delivery(path, "grants", "canonical", "1814", KEY).frame
    assert frame["grant_id"].tolist() == ["B1", "B2"]
    assert frame["org_nr"].tolist() == ["5560360793"] * 2
    assert frame["decision_date"].tolist() == ["2024-03-01", "2024-03-02"]
    assert frame["amount_sek"].tolist() == ["1000", "5"]
    assert frame["grant_type"].tolist() == ["association_grant", "project_grant"]  # Swedish label -> code


def test_missing_column_lists_what_was_found_and_what_each_alias_would_match(tmp_path):
    path = tmp_path / "ledger.json"
    page = vasteras_page(2)
    for row in page["results"]:
        row["bokf_datum"] = row.pop("datum")
    path.write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(MissingColumnError) as caught:
        read_delivery(path, "supplier_invoices", "vasteras", "1814", KEY)
    message = str(caught.value)
    assert str(path) in message and "1 required column(s) missing" in message
    assert "bokforingsdatum: accepted names 'datum', 'bokforingsdatum'" in message
    assert "compared as 'datum', 'bokforingsdatum'" in message
    assert "closest in the file: 'bokf_datum'" in message
    assert "The file's 10 columns (header on the first row): konto_nr, kopare_id, kommun_id" in message


def test_csv_header_below_title_rows(tmp_path):
    path = tmp_path / "fakturor.csv"
    path.write_text("Leverantörsfakturor 2024\nUttag 2025-01-10;;;\n\n"
                    "datum;leverantor;belopp;konto\n2024-01-02;A;12,5;4610\n2024-01-03;B;7;4610\n",
                    encoding="utf-8")
    table = read_table(path)
    assert table.headers == ["datum", "leverantor", "belopp", "konto"]
    assert table.title_rows == 2 and table.delimiter == ";"
    assert table.frame["_row_number"].tolist() == [1, 2]


def test_csv_title_row_with_commas_does_not_fool_the_delimiter_sniffer(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("Rapport, utdrag 2025\na;b;c\n1;2;3\n4;5;6\n", encoding="utf-8")
    table = read_table(path)
    assert (table.delimiter, table.headers, table.title_rows) == (";", ["a", "b", "c"], 1)


def test_xlsx_header_below_title_rows(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Leverantörsfakturor Örebro kommun 2024"])
    sheet.append(["Källa: ekonomisystemet", None, None])
    sheet.append([])
    sheet.append(["Datum", "Leverantör", "Belopp"])
    sheet.append([45292, "A", -12.5])
    sheet["A5"].number_format = "yyyy-mm-dd"
    workbook.save(tmp_path / "f.xlsx")
    table = read_table(tmp_path / "f.xlsx")
    assert table.headers == ["Datum", "Leverantör", "Belopp"] and table.title_rows == 2
    assert table.frame[["Datum", "Belopp"]].values.tolist() == [["2024-01-01", "-12.5"]]


def _bomb(path: Path, sheet_bytes: int) -> Path:
    """A real workbook whose sheet is replaced by ``sheet_bytes`` of repeated rows (it zips ~1000:1)."""
    from openpyxl import Workbook

    template = path.with_name("template.xlsx")
    workbook = Workbook()
    workbook.active.append(["a", "b"])
    workbook.save(template)
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c><c><v>1</v></c></row>'
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info))
                continue
            with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
                member.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                             b'spreadsheetml/2006/main"><sheetData>')
                chunk = row * (1 << 14)
                for _ in range(sheet_bytes // len(chunk)):
                    member.write(chunk)
                member.write(b"</sheetData></worksheet>")
    return path


def test_an_xlsx_zip_bomb_is_refused_at_once_naming_file_and_limit(tmp_path):
    path = _bomb(tmp_path / "bomb.xlsx", 40_000_000)
    assert path.stat().st_size < 400_000  # a small file ...
    started = time.perf_counter()
    with pytest.raises(InboxError) as caught:
        read_table(path)  # ... that would unpack to 40 MB of sheet
    assert time.perf_counter() - started < 1.0
    message = str(caught.value)
    assert f"{path}!xl/worksheets/sheet1.xml" in message
    assert "compression ratio" in message and "above the limit of 200 (intake.max_compression_ratio)" in message


def test_an_xlsx_over_the_unpacked_limit_is_refused_naming_the_limit(tmp_path):
    path = _bomb(tmp_path / "big.xlsx", 2_000_000)
    limits = ReadLimits(max_unpacked_bytes=1_000_000, max_compression_ratio=1e9)
    with pytest.raises(InboxError, match=r"above the limit of 1,000,000 \(intake.max_unpacked_bytes\)"):
        read_table(path, limits=limits)
    # within the limits the same workbook reads: the checks refuse only what they must
    table = read_table(path, limits=ReadLimits(max_compression_ratio=1e9))
    assert table.headers == ["x", "1"] and len(table.frame) > 1000
