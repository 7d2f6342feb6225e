"""flows/sources/formats.py: sniffing and reading delivered files into raw text tables."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.errors import InboxError
from flows.intake import csv_reader
from flows.intake import table as raw_table
from flows.intake.formats import read_table
from flows.intake.json_reader import linked_pages
from flows.intake.table import EXTRA, ROW_NUMBER, TEXT_DTYPE

ENCODINGS = {
    # name reported by the reader -> how to produce the bytes
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8-sig": lambda text: text.encode("utf-8-sig"),
    "utf-16-le": lambda text: b"\xff\xfe" + text.encode("utf-16-le"),
    "utf-16-be": lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
    "cp1252": lambda text: text.encode("cp1252"),
}
LINE_ENDS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}


def cells(table, column: str) -> list[object]:
    """A column as a plain list with None for NA."""
    return [None if pd.isna(v) else v for v in table.frame[column].tolist()]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- CSV: encodings, delimiters, line ends ------------------------------------------------------


@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize("ending", list(LINE_ENDS))
def test_csv_detection_matrix(tmp_path, encoding, delimiter, ending):
    rows = [["kommun", "namn", "belopp"], ["0180", "Örebro; Ågatan, 1", "-1 234,50"], ["1814", "Lekeberg", "12"]]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=LINE_ENDS[ending]).writerows(rows)
    path = write(tmp_path, "in.csv", ENCODINGS[encoding](buffer.getvalue()))

    table = read_table(path)

    assert (table.format, table.encoding, table.delimiter, table.line_ending) == ("csv", encoding, delimiter, ending)
    assert table.headers == ["kommun", "namn", "belopp"]
    assert cells(table, "kommun") == ["0180", "1814"]
    assert cells(table, "namn") == ["Örebro; Ågatan, 1", "Lekeberg"]
    assert cells(table, "belopp") == ["-1 234,50", "12"]
    assert cells(table, ROW_NUMBER) == [1, 2]
    assert all(table.frame[c].dtype == TEXT_DTYPE for c in table.headers)


def test_latin1_when_cp1252_cannot_decode(tmp_path):
    # 0x81 is undefined in Windows-1252, so only latin-1 can decode this file.
    path = write(tmp_path, "in.csv", b"namn;kod\nG\xf6teborg\x81;01\n")
    table = read_table(path)
    assert table.encoding == "latin-1"
    assert cells(table, "kod") == ["01"]


def test_delimiter_sniffer_respects_quotes_and_consistency(tmp_path):
    # Göteborg style: ',' delimiter, amounts with decimal comma quoted; a ';' inside a name.
    text = 'leverantor,belopp\r\n"Kafé; Bar AB","3270,50"\r\n"Bo AB","-12 345,50"\r\n'
    table = read_table(write(tmp_path, "in.csv", text.encode("utf-8")))
    assert table.delimiter == ","
    assert cells(table, "belopp") == ["3270,50", "-12 345,50"]


def test_single_column_file_reads(tmp_path):
    table = read_table(write(tmp_path, "in.csv", b"org_nr\n5560360793\n"))
    assert table.headers == ["org_nr"]
    assert cells(table, "org_nr") == ["5560360793"]


# --- CSV: rows ----------------------------------------------------------------------------------


def test_bom_in_first_header_cell_is_stripped(tmp_path):
    # A BOM that survived an earlier conversion sits inside the first header cell.
    path = write(tmp_path, "in.csv", "\ufeffkopare_id;kopare\n1;2\n".encode("utf-8-sig"))
    assert read_table(path).headers == ["kopare_id", "kopare"]


def test_header_names_are_trimmed(tmp_path):
    table = read_table(write(tmp_path, "in.csv", b" a ;\tb\t;c\n1;2;3\n"))
    assert table.headers == ["a", "b", "c"]


def test_ragged_rows_blank_rows_and_row_numbers(tmp_path):
    text = "a;b;c\r\n1;2;3\r\n\r\n4;5;6;7;8\r\n;;\r\n9\r\n  ; ;\r\n10;11;12\r\n"
    table = read_table(write(tmp_path, "in.csv", text.encode()))
    assert cells(table, ROW_NUMBER) == [1, 3, 5, 7]  # as delivered; blank rows 2, 4 and 6 counted
    assert table.skipped_blank_rows == 3
    assert cells(table, "a") == ["1", "4", "9", "10"]
    assert cells(table, "c") == ["3", "6", None, "12"]  # a short row gets NA
    assert cells(table, EXTRA) == [None, '["7", "8"]', None, None]


def test_trailing_delimiters_are_not_surplus(tmp_path):
    table = read_table(write(tmp_path, "in.csv", b"a;b;\n1;2;\n3;4;;\n"))
    assert table.headers == ["a", "b"]
    assert cells(table, EXTRA) == [None, None]


def test_quoted_line_breaks_stay_in_the_cell(tmp_path):
    text = 'id;note\r1;"first\rsecond"\r2;"say ""hej"""\r'
    table = read_table(write(tmp_path, "in.csv", text.encode()))
    assert cells(table, "note") == ["first\rsecond", 'say "hej"']
    assert cells(table, ROW_NUMBER) == [1, 2]


def test_blank_lines_before_the_header(tmp_path):
    table = read_table(write(tmp_path, "in.csv", b"\n\na;b\n1;2\n"))
    assert table.headers == ["a", "b"]
    assert cells(table, ROW_NUMBER) == [1]


def test_header_only_file_gives_an_empty_table(tmp_path):
    table = read_table(write(tmp_path, "in.csv", b"a;b\n"))
    assert table.headers == ["a", "b"] and len(table.frame) == 0


def test_blank_inner_header_gets_a_name(tmp_path):
    assert read_table(write(tmp_path, "in.csv", b"a;;c\n1;2;3\n")).headers == ["a", "column_2", "c"]


# Fast (Arrow) and careful (csv module) parsers must agree on every file the fast one accepts.
_cell = st.text(alphabet=st.sampled_from(list('ab ;,"\r\n\t0Ö-')), max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=1, max_value=4).flatmap(
    lambda width: st.lists(st.lists(_cell, min_size=width, max_size=width), min_size=1, max_size=6)),
    st.sampled_from([";", ",", "\t"]), st.sampled_from(list(LINE_ENDS.values())))
def test_fast_and_careful_parsers_agree(rows, delimiter, ending):
    header = [f"h{index}" for index in range(len(rows[0]))]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=ending).writerows([header, *rows])
    text = buffer.getvalue()
    fast = csv_reader._parse_fast(text, delimiter, header, header, 1000)
    careful, _ = csv_reader._parse_careful(text, delimiter, Path("x.csv"), 1000)
    if fast is not None:
        pd.testing.assert_frame_equal(raw_table.drop_blank_rows(fast)[0], raw_table.drop_blank_rows(careful)[0])


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name, data, words", [
    ("empty.csv", b"", "empty"),
    ("blank.csv", b"  \r\n\r\n", "empty"),
    ("bom-only.csv", b"\xef\xbb\xbf", "empty"),
    ("junk.csv", bytes(range(256)) * 4, "binary"),
    ("nul.csv", b"a;b\n1\x00;2\n", "binary"),
    ("utf16-no-bom.csv", "a;b\n1;2\n".encode("utf-16-le"), "binary"),
    ("picture.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(32)) * 8, "binary"),
    ("bad-bom.csv", b"\xef\xbb\xbfa;b\n\xff\xfe;1\n", "byte-order mark"),
    ("odd-utf16.csv", b"\xff\xfea\x00;\x00b", "byte-order mark"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
    ("not-excel.xlsx", b"a;b\n1;2\n", "not an Excel workbook"),
    ("broken.xlsx", b"PK\x03\x04" + b"garbage" * 20, "damaged"),
    ("broken.json", b'[{"a": 1},', "not valid JSON"),
    ("scalar.json", b'"hello"', "expected a JSON array"),
    ("no-rows.json", b"[1, 2]", "no row objects"),
    ("unclosed.csv", b'a;b\n1;"2\n3;4\n', "never closed"),
    ("dupe.csv", b"a;b;a\n1;2;3\n", "more than once"),
    ("reserved.csv", b"a;_row_number\n1;2\n", "reserved"),
])
def test_unusable_files_raise_inbox_error_naming_the_file(tmp_path, name, data, words):
    path = write(tmp_path, name, data)
    with pytest.raises(InboxError) as caught:
        read_table(path)
    assert str(path) in str(caught.value)
    assert words in str(caught.value)


def test_missing_file_or_folder(tmp_path):
    with pytest.raises(InboxError, match="no such file"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(InboxError, match="is a folder"):
        read_table(tmp_path)


def test_size_limit(tmp_path):
    path = write(tmp_path, "big.csv", b"a;b\n" + b"1;2\n" * 100)
    with pytest.raises(InboxError, match="more than the limit"):
        read_table(path, max_bytes=100)


def test_field_size_limit_and_restores_global_limit(tmp_path):
    before = csv.field_size_limit()
    path = write(tmp_path, "long.csv", b"a;b\n1;" + b"x" * 500 + b"\n2;3\n")
    with pytest.raises(InboxError, match="longer than 100 characters"):
        read_table(path, max_field_chars=100)
    assert csv.field_size_limit() == before


# --- XLSX ---------------------------------------------------------------------------------------


def make_workbook(path: Path, sheets: dict[str, list[list[object]]], merge: str | None = None) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if merge:
            sheet.merge_cells(merge)
    workbook.save(path)
    return path


def test_xlsx_cells_as_text(tmp_path):
    path = make_workbook(tmp_path / "in.xlsx", {"Blad1": [
        ["datum", "belopp", "antal", "kod", "tid", "flagga"],
        [dt.datetime(2023, 1, 5), -1234.5, 12.0, "0180", dt.datetime(2023, 1, 5, 10, 30), True],
        [None, None, None, None, None, None],
        [dt.date(2023, 2, 1), 3270, 7, "01110", None, False],
    ]})
    table = read_table(path)
    assert (table.format, table.encoding, table.delimiter, table.line_ending) == ("xlsx", None, None, None)
    assert cells(table, "datum") == ["2023-01-05", "2023-02-01"]
    assert cells(table, "belopp") == ["-1234.5", "3270"]
    assert cells(table, "antal") == ["12", "7"]
    assert cells(table, "kod") == ["0180", "01110"]
    assert cells(table, "tid") == ["2023-01-05 10:30:00", None]
    assert cells(table, "flagga") == ["true", "false"]
    assert cells(table, ROW_NUMBER) == [1, 3]
    assert table.skipped_blank_rows == 1


def test_xlsx_merged_cells_and_surplus_cells(tmp_path):
    path = make_workbook(tmp_path / "in.xlsx", {"Blad1": [
        ["a", "b"], ["merged", None, None], ["1", "2", "surplus"],
    ]}, merge="A2:B2")
    table = read_table(path)
    assert cells(table, "a") == ["merged", "1"]
    assert cells(table, EXTRA) == [None, '["surplus"]']


def test_xlsx_named_sheet(tmp_path):
    path = make_workbook(tmp_path / "in.xlsx", {"Info": [["text"], ["x"]], "Data": [["a"], ["1"]]})
    assert read_table(path).headers == ["text"]
    assert read_table(path, sheet="Data").headers == ["a"]
    with pytest.raises(InboxError, match="no sheet named 'Saknas'"):
        read_table(path, sheet="Saknas")


def test_xlsx_empty_sheet(tmp_path):
    path = make_workbook(tmp_path / "in.xlsx", {"Blad1": []})
    with pytest.raises(InboxError, match="sheet is empty"):
        read_table(path)


def test_xlsx_unpacked_size_limit(tmp_path):
    path = make_workbook(tmp_path / "in.xlsx", {"Blad1": [["a"], ["1"]]})
    with pytest.raises(InboxError, match=r"above the limit .*intake.max_unpacked_bytes"):
        read_table(path, max_bytes=path.stat().st_size + 10)


# --- JSON ---------------------------------------------------------------------------------------


def test_json_plain_array(tmp_path):
    rows = [{"a": "0180", "b": 12.0, "c": -3.5, "d": None, "e": True, "f": {"x": 1}}, {"a": "", "g": "new"}, 7]
    table = read_table(write(tmp_path, "rows.json", json.dumps(rows).encode()))
    assert table.headers == ["a", "b", "c", "d", "e", "f", "g"]
    assert cells(table, "a") == ["0180", None, None]
    assert cells(table, "b") == ["12", None, None]
    assert cells(table, "c") == ["-3.5", None, None]
    assert cells(table, "f") == ['{"x": 1}', None, None]
    assert cells(table, "g") == [None, "new", None]
    assert cells(table, EXTRA) == [None, None, '["7"]']  # a row that is not an object is kept for quarantine


def test_rowstore_pages_follow_next_and_strip_bom_in_key(tmp_path):
    first = {"resultCount": 3, "next": "page-2.json", "results": [{"\ufeffid": "1"}, {"\ufeffid": "2"}]}
    second = {"resultCount": 3, "results": [{"\ufeffid": "3"}]}
    write(tmp_path, "page-1.json", json.dumps(first, ensure_ascii=False).encode("utf-8-sig"))
    write(tmp_path, "page-2.json", json.dumps(second).encode())
    table = read_table(tmp_path / "page-1.json")
    assert table.headers == ["id"]
    assert cells(table, "id") == ["1", "2", "3"]
    assert cells(table, ROW_NUMBER) == [1, 2, 3]
    assert table.parts == (tmp_path / "page-1.json", tmp_path / "page-2.json")
    assert linked_pages(tmp_path / "page-1.json") == [tmp_path / "page-2.json"]


def test_rowstore_web_next_is_fine_when_complete(tmp_path):
    page = {"resultCount": 1, "next": "https://example.invalid/store/1/json?_offset=100", "results": [{"a": "x"}]}
    assert cells(read_table(write(tmp_path, "p.json", json.dumps(page).encode())), "a") == ["x"]


@pytest.mark.parametrize("page, words", [
    ({"resultCount": 5, "results": [{"a": "x"}]}, "'resultCount' says 5"),
    ({"next": "https://example.invalid/x?_offset=1", "results": [{"a": "x"}]}, "not a file in this folder"),
    ({"next": "../outside.json", "results": [{"a": "x"}]}, "not a file in this folder"),
    ({"next": "missing.json", "results": [{"a": "x"}]}, "not in the folder"),
    ({"next": "p.json", "results": [{"a": "x"}]}, "loop"),
])
def test_rowstore_incomplete_or_unsafe_pages(tmp_path, page, words):
    (tmp_path.parent / "outside.json").write_text('{"results": [{"a": "secret"}]}')
    path = write(tmp_path, "p.json", json.dumps(page).encode())
    with pytest.raises(InboxError, match=words):
        read_table(path)


def test_rowstore_page_linked_out_of_the_folder_is_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "page-2.json").write_text('{"results": [{"a": "secret"}]}')
    folder = tmp_path / "inbox"
    folder.mkdir()
    os.symlink(outside / "page-2.json", folder / "page-2.json")
    write(folder, "page-1.json", b'{"next": "page-2.json", "results": [{"a": "x"}]}')
    with pytest.raises(InboxError, match="outside the delivery folder"):
        read_table(folder / "page-1.json")
