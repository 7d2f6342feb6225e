"""A large delivery is read in pieces and never held whole, with the same outcome as a file read whole.

``csv_stream.read_pieces`` must give, piece by piece, exactly the table ``formats.read_table`` gives
(every encoding, delimiter, line end, title rows, blank rows, ragged rows, quotes, or the same
refusal); and ``worker.process_unit`` must load, quarantine (file, row, rule, reason, delivered row)
and count a file read in pieces exactly as it does a file read whole: the key rule over the whole
file, and a file refused half-way leaving nothing. Small files are made to stream by lowering the
threshold; the 1 GiB case is measured by the bench (``bench/README.md``, step e).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.errors import InboxError
from flows.intake import csv_stream
from flows.intake.deliveries import (
    Delivered,
    FileRecord,
    Unit,
    UnitOptions,
    file_id_for,
)
from flows.intake.formats import read_pieces, read_table
from flows.intake.worker import process_unit

KEY = b"test-key-not-a-secret"
HEADER = ["grant_id", "municipality_code", "org_nr", "decision_date", "amount_sek", "grant_type"]
PNR = "19121212-1212"  # Skatteverket's test personal identity number
CELLS = list("abcÅÄÖåäö0123456789 .,;\t\"'=\n\r-")


def _stream_everything(monkeypatch) -> None:
    monkeypatch.setattr(csv_stream, "STREAM_ABOVE_BYTES", 0)


def _outcome(path: Path, piece_rows: int | None):
    """The frame, metadata and blank count of a file read whole (None) or in pieces; or its refusal."""
    try:
        if piece_rows is None:
            tables = [read_table(path)]
        else:
            tables = list(read_pieces(path, piece_rows=piece_rows))
    except InboxError as exc:
        return "refused", str(exc)
    frame = pd.concat([t.frame for t in tables], ignore_index=True)
    meta = {(t.format, t.encoding, t.delimiter, t.line_ending, t.title_rows) for t in tables}
    return frame, meta, sum(t.skipped_blank_rows for t in tables)


def _same(whole, pieces) -> None:
    if isinstance(whole[0], str) or isinstance(pieces[0], str):
        assert whole[:2] == pieces[:2]
        return
    pd.testing.assert_frame_equal(whole[0], pieces[0])
    assert pieces[1] == whole[1] and pieces[2] == whole[2]


row = st.lists(st.text(alphabet=CELLS, max_size=8), min_size=0, max_size=8)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(row, max_size=12), titles=st.integers(0, 2), blank_lines=st.integers(0, 2),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]),
       delimiter=st.sampled_from([";", ",", "\t"]), ending=st.sampled_from(["\n", "\r\n", "\r"]),
       quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]), piece_rows=st.integers(1, 4),
       stray_quote=st.booleans())
def test_pieces_are_the_whole_files_rows(tmp_path_factory, monkeypatch, rows, titles, blank_lines, encoding,
                                         delimiter, ending, quoting, piece_rows, stray_quote):
    _stream_everything(monkeypatch)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=ending, quoting=quoting)
    for number in range(titles):
        writer.writerow([f"Rapport {number}"])
    buffer.write(ending * blank_lines)
    writer.writerow(HEADER)
    writer.writerows(rows)
    text = buffer.getvalue() + ('"' if stray_quote else "")
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    path = tmp_path_factory.mktemp("stream") / "bidrag.csv"
    path.write_bytes(data)
    _same(_outcome(path, None), _outcome(path, piece_rows))


@pytest.mark.parametrize("data", [b"", b" \r\n \n", b"\xef\xbb\xbf", b"\xff\xfe" + "a;b\n\udc00".encode("utf-16-le", "surrogatepass"),
                                  b"a;b\n\x00\x01\x02\x03" * 50, b"a;a\n1;2\n", b";;\n;;\n"])
def test_pieces_refuse_what_the_whole_file_reader_refuses(tmp_path, monkeypatch, data):
    _stream_everything(monkeypatch)
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    _same(_outcome(path, None), _outcome(path, 2))


# --- one unit: a file in pieces is loaded, quarantined and counted as a file read whole -------------

def _grants(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("cp1252")


GOOD = ["G-{n}", "1814", "5560360793", "2024-03-15", "1250,50", "project_grant"]


def _rows(count: int, ragged: bool) -> list[list[str]]:
    rows = [[cell.format(n=n) for cell in GOOD] for n in range(count)]
    rows[3][4] = "-5"  # out of range
    rows[5][0] = "G-1"  # the key of row 2 again, in another piece
    rows[8][3] = "2024-13-40"  # not a date
    rows[11][2] = f"{PNR}"  # a personal identity number where an organisation number belongs
    if ragged:  # read by the csv module, not by Arrow
        rows[13] = rows[13] + ["surplus"]  # more fields than the header
    return rows


def _run(tmp_path: Path, name: str, data: bytes, hash_key: bytes | None):
    inbox = tmp_path / name / "inbox" / "1814" / "grants"
    inbox.mkdir(parents=True)
    path = inbox / "bidrag_2024.csv"
    path.write_bytes(data)
    relative = "1814/grants/bidrag_2024.csv"
    record = FileRecord(file_id=file_id_for(relative, "sha"), path=relative, sha256="sha", dataset="grants",
                        municipality_code="1814", profile="canonical-sv")
    unit = Unit("1814", [Delivered(str(path), "grants", "canonical-sv", record)], path.stat().st_size)
    options = UnitOptions(hash_key=hash_key, municipality_codes=["1814"], last_year=2025,
                          partitions_dir=str(tmp_path / name / "partitions"), chunk_rows=4)
    result = process_unit(unit, options)
    good = pd.concat([pd.read_parquet(p) for paths in result.partitions.values() for p in paths] or [pd.DataFrame()],
                     ignore_index=True)
    quarantine = result.quarantine.get("grants", pd.DataFrame())
    quarantine = quarantine.sort_values(["row_number", "rule"]).reset_index(drop=True) if len(quarantine) else quarantine
    results = result.results.get("grants", pd.DataFrame())
    results = results.sort_values("rule").reset_index(drop=True) if len(results) else results
    [record] = result.records
    here = str(tmp_path / name)  # the two runs differ in their folder only
    if len(quarantine):
        quarantine["reason"] = quarantine["reason"].str.replace(here, "", regex=False)
    counts = (record.status, record.rows_read, record.rows_loaded, record.rows_quarantined, record.period_start,
              record.period_end, record.reason and record.reason.replace(here, ""))
    good = good.sort_values("_row_number").reset_index(drop=True) if len(good) else good
    return counts, quarantine, results, good


@pytest.mark.parametrize("ragged", [False, True], ids=["regular", "ragged"])
@pytest.mark.parametrize("hash_key", [KEY, None], ids=["with a key", "no key: refused"])
def test_a_file_in_pieces_is_loaded_and_quarantined_as_a_file_read_whole(tmp_path, monkeypatch, hash_key, ragged):
    data = _grants(_rows(17, ragged))
    whole = _run(tmp_path, "whole", data, hash_key)
    _stream_everything(monkeypatch)
    pieces = _run(tmp_path, "pieces", data, hash_key)
    assert pieces[0] == whole[0]
    for mine, theirs in zip(pieces[1:], whole[1:]):
        pd.testing.assert_frame_equal(mine, theirs, check_dtype=False)
    if hash_key:
        assert whole[0][:4] == ("loaded", 17, 11 + (not ragged), 6 - (not ragged))  # both rows of the repeated key
        rules = set(whole[1]["rule"])
        assert {"key:unique", "amount_sek:range", "decision_date:type", "org_nr:check_digit"} <= rules
        assert PNR not in "".join(whole[1]["original"])  # pseudonymised before it was quarantined
    else:
        assert whole[0][:4] == ("rejected", 17, 0, 17) and whole[3].empty
        assert not list((tmp_path / "pieces" / "partitions").rglob("*.parquet"))
