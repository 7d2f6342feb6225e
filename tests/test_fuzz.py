"""Bad input fuzzing: whatever a municipality delivers, reading it ends in a clear ``InboxError`` or in
rows that are loaded or quarantined; never another exception (a crashed run), never a lost good row.

The chain is the one every delivery takes: ``formats.read_table`` -> ``inbox.to_canonical`` ->
``quality.validate.validate_batch`` (Great Expectations). Hypothesis generates random bytes, CSV in
every accepted encoding, delimiter and line end with ragged rows, huge fields, formulas and quotes,
JSON rows with odd values, and XLSX sheets with merged cells and formulas; a valid row hidden among
the junk must come out in ``good``, unchanged.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from flows.datasets import DATASETS
from flows.errors import InboxError
from flows.intake.canonical import to_canonical
from flows.intake.formats import read_table
from flows.intake.profiles import get_profile
from flows.quality.validate import validate_batch

KEY = b"test-key-not-a-secret"
GRANTS = DATASETS["grants"]
HEADER = GRANTS.column_names  # grant_id, municipality_code, org_nr, decision_date, amount_sek, grant_type
GOOD = {"grant_id": "GOOD-1", "municipality_code": "1814", "org_nr": "5560360793", "decision_date": "2024-03-15",
        "amount_sek": "1250.50", "grant_type": "project_grant"}
PROFILE = get_profile("canonical")
# Deterministic in the suite; SOCEK_FUZZ_SCALE=20 SOCEK_FUZZ_RANDOM=1 for a longer, random hunt.
_SCALE = float(os.environ.get("SOCEK_FUZZ_SCALE", "1"))
_FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
                 derandomize=not os.environ.get("SOCEK_FUZZ_RANDOM"))


def fuzz(examples: int) -> settings:
    return settings(_FUZZ, max_examples=max(1, int(examples * _SCALE)))

# Text a spreadsheet export may hold: letters (Swedish too), digits, punctuation, quotes, every
# delimiter, line breaks, formula starters; no control characters (those make a file binary).
CELL_ALPHABET = list("abcÅÄÖåäöXYZ0123456789 .,;:\t\"'=+-@|/()€%\n\r")
FORMULAS = ["=1+1", "=HYPERLINK(\"http://example.invalid\",\"x\")", "@SUM(A1:A9)", "+46 19 123", "-2+3", "=cmd|' /C calc'!A0"]
HUGE = ["A" * 70_000, "ö" * 20_000 + ";" * 100]


def chain(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, int] | None:
    """Read, map and validate one file as a grants delivery of 1814; None when it is refused as a
    whole (an ``InboxError``, the only exception allowed). Checks that every row is accounted for."""
    try:
        raw = read_table(path)
        table = to_canonical(raw, PROFILE, "grants", municipality_code="1814", hash_key=KEY)
    except InboxError as exc:
        assert str(path) in str(exc)  # the message names the file
        return None
    frame = table.frame.assign(_file_id="f1")
    outcome = validate_batch(frame, GRANTS, ["1814"], 2025)
    quarantined = set(outcome.quarantine["row_number"].dropna().astype(int))
    good_rows = set(outcome.good["_row_number"].astype(int))
    assert not good_rows & quarantined
    assert good_rows | quarantined == set(frame["_row_number"].astype(int))  # rows read = loaded + quarantined
    assert (outcome.quarantine["reason"].str.len() > 10).all()
    return outcome.good, outcome.quarantine, len(frame)


def assert_good_row_kept(good: pd.DataFrame) -> None:
    mine = good[good["grant_id"] == GOOD["grant_id"]]
    assert len(mine) == 1, good
    assert {c: mine.iloc[0][c] for c in HEADER} == GOOD


# --- random bytes -----------------------------------------------------------------------------------

@fuzz(100)
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".txt", ".json", ".xlsx", ""]),
       prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"PK\x03\x04", b"[", b"{",
                               b"grant_id;municipality_code\n"]))
@example(data=b"", suffix=".csv", prefix=b"")
@example(data=b"   \n\r\n\t", suffix=".csv", prefix=b"")
@example(data=b"", suffix=".csv", prefix=b"\xef\xbb\xbf")
@example(data=b"\x00\x01\x02" * 100, suffix=".csv", prefix=b"")
@example(data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, suffix=".xls", prefix=b"")
def test_random_bytes_give_a_clear_error_or_rows(tmp_path_factory, data, suffix, prefix):
    path = tmp_path_factory.mktemp("bytes") / f"delivery{suffix}"
    path.write_bytes(prefix + data)
    try:
        raw = read_table(path)
    except InboxError as exc:
        assert str(path) in str(exc)
        return
    try:
        to_canonical(raw, PROFILE, "grants", municipality_code="1814", hash_key=KEY)
    except InboxError as exc:
        assert str(path) in str(exc)


def test_empty_and_blank_files_are_refused_clearly(tmp_path):
    for name, data in (("empty.csv", b""), ("blank.csv", b" \n\r\n  \n"), ("bom.csv", b"\xef\xbb\xbf"),
                       ("empty.json", b""), ("empty.xlsx", b"")):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(InboxError, match="empty"):
            read_table(path)


# --- CSV: every encoding, delimiter and line end; junk around one good row ----------------------------

junk_cell = st.one_of(st.text(alphabet=CELL_ALPHABET, max_size=15), st.sampled_from(FORMULAS + HUGE + ["", " "]))


@st.composite
def junk_rows(draw) -> list[list[str]]:
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        width = draw(st.sampled_from([0, 1, 3, 5, 6, 6, 6, 7, 9]))  # ragged: fewer or more cells
        cells = [draw(junk_cell) for _ in range(width)]
        if cells and cells[0] == GOOD["grant_id"]:
            cells[0] = "JUNK"
        rows.append(cells)
    return rows


@fuzz(40)
@given(junk=junk_rows(), position=st.integers(0, 8),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
       delimiter=st.sampled_from([";", ",", "\t"]), ending=st.sampled_from(["\n", "\r\n", "\r"]),
       quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
def test_csv_junk_never_costs_the_good_row(tmp_path_factory, junk, position, encoding, delimiter, ending, quoting):
    rows = list(junk)
    rows.insert(min(position, len(rows)), [GOOD[c] for c in HEADER])
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=ending, quoting=quoting)
    writer.writerow(HEADER)
    writer.writerows(rows)
    text = buffer.getvalue()
    if encoding == "cp1252":
        text = text.replace("€", "EUR")  # keep to what the publisher's code page can write
    path = tmp_path_factory.mktemp("csv") / "bidrag.csv"
    path.write_bytes(text.encode(encoding))
    result = chain(path)
    assert result is not None, "a readable file with the right header must not be refused"
    good, quarantine, count = result
    assert_good_row_kept(good)


@fuzz(25)
@given(text=st.text(alphabet=CELL_ALPHABET + ["\x00", "\x07", "\ufeff", "\u2028"], max_size=400),
       encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]))
def test_any_text_file_is_read_or_refused_and_every_row_accounted(tmp_path_factory, text, encoding):
    try:
        data = (";".join(HEADER) + "\n" + text).encode(encoding)
    except UnicodeEncodeError:
        assume(False)
    path = tmp_path_factory.mktemp("text") / "x.csv"
    path.write_bytes(data)
    chain(path)  # asserts the accounting itself; only InboxError may escape


# --- JSON rows --------------------------------------------------------------------------------------

json_value = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=CELL_ALPHABET, max_size=10) | st.sampled_from(FORMULAS),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)
json_row = st.dictionaries(st.sampled_from(HEADER + ["note", "\ufeffgrant_id", "extra"]), json_value, max_size=8)


@fuzz(25)
@given(junk=st.lists(json_row, max_size=6), position=st.integers(0, 6), wrapped=st.booleans())
def test_json_junk_never_costs_the_good_row(tmp_path_factory, junk, position, wrapped):
    rows = [r for r in junk if r.get("grant_id") != GOOD["grant_id"]]
    rows.insert(min(position, len(rows)), dict(GOOD))
    document = {"results": rows, "resultCount": len(rows)} if wrapped else rows
    path = tmp_path_factory.mktemp("json") / "bidrag.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = chain(path)
    assert result is not None, "a readable file with the right columns must not be refused"
    assert_good_row_kept(result[0])


# --- XLSX: merged cells, formulas, typed cells -------------------------------------------------------

xlsx_cell = st.one_of(st.none(), st.integers(-10**6, 10**6), st.floats(-1e9, 1e9, allow_nan=False),
                      st.booleans(), st.dates(), st.text(alphabet=CELL_ALPHABET, max_size=12), st.sampled_from(FORMULAS))


@fuzz(20)
@given(junk=st.lists(st.lists(xlsx_cell, min_size=0, max_size=8), max_size=6), position=st.integers(0, 6),
       merges=st.lists(st.tuples(st.integers(0, 5), st.integers(1, 7), st.integers(1, 3)), max_size=3),
       blank_top=st.integers(0, 2))
def test_xlsx_junk_and_merged_cells_never_cost_the_good_row(tmp_path_factory, junk, position, merges, blank_top):
    import openpyxl

    rows = [r for r in junk if not r or r[0] != GOOD["grant_id"]]
    at = min(position, len(rows))
    rows.insert(at, [GOOD[c] for c in HEADER])
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for _ in range(blank_top):
        sheet.append([])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    first_data_row = blank_top + 2
    for junk_index, column, width in merges:  # merge cells inside junk rows only
        index = junk_index if junk_index < at else junk_index + 1
        if index >= len(rows) or index == at:
            continue
        row_number = first_data_row + index
        sheet.merge_cells(start_row=row_number, start_column=column, end_row=row_number, end_column=column + width)
    path = tmp_path_factory.mktemp("xlsx") / "bidrag.xlsx"
    workbook.save(path)
    result = chain(path)
    assert result is not None
    assert_good_row_kept(result[0])


def test_a_column_blank_in_every_row_is_validated_not_crashed(tmp_path):
    """Found by the fuzzing above: a delivery whose org_nr is blank in every row (support activities
    that were all open events) made the check-digit rule raise ArrowInvalid and fail the run."""
    path = tmp_path / "stodinsatser.csv"
    path.write_text("activity_id;municipality_code;date;type;arranger;org_nr;participants\n"
                    "A1;1814;2024-02-01;networking;Kommunen;;12\nA2;1814;2024-03-01;advice;Kommunen;;3\n",
                    encoding="utf-8")
    table = to_canonical(read_table(path), PROFILE, "support_activities", municipality_code="1814", hash_key=KEY)
    outcome = validate_batch(table.frame.assign(_file_id="f1"), DATASETS["support_activities"], ["1814"], 2025)
    assert list(outcome.good["activity_id"]) == ["A1", "A2"] and outcome.quarantine.empty
    grants = tmp_path / "bidrag.csv"
    grants.write_text(";".join(HEADER) + "\nG1;1814;;2024-01-02;5;other\n", encoding="utf-8")
    good, quarantine, count = chain(grants)
    assert good.empty and list(quarantine["rule"]) == ["org_nr:required"]


# --- API answers of the wrong shape ------------------------------------------------------------------

SNAPSHOTS = Path(__file__).resolve().parents[1] / "config" / "snapshots" / "demo"
any_json = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10**30) | st.floats() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["values", "value", "kpi", "municipality", "period", "gender", "count", "status", "id",
                         "title", "next_url", "dimension", "size", "category", "index", "label", "x"]), inner,
        max_size=4),
    max_leaves=10)


def _replace_a_node(document: object, choice: int, new: object) -> object:
    """``document`` with one node (picked by ``choice``) replaced by ``new``."""
    nodes: list[tuple[object, object]] = [(None, None)]

    def walk(node: object) -> None:
        children = list(node.items())[:25] if isinstance(node, dict) else list(enumerate(node[:4])) \
            if isinstance(node, list) else []
        for key, child in children:
            nodes.append((node, key))
            walk(child)

    walk(document)
    parent, key = nodes[choice % len(nodes)]
    if parent is None:
        return new
    parent[key] = new  # type: ignore[index]
    return document


@pytest.fixture(scope="module")
def small_snapshot(tmp_path_factory):
    """A snapshot folder to fall back to (Kolada and SCB as shipped)."""
    import shutil

    folder = tmp_path_factory.mktemp("snapshot")
    for source in ("kolada", "scb"):
        shutil.copytree(SNAPSHOTS / source, folder / source)
    return folder


@fuzz(25)
@given(source=st.sampled_from(["kolada", "scb"]), choice=st.integers(0, 10**6), new=any_json)
def test_an_api_answer_of_the_wrong_shape_falls_back_instead_of_crashing(tmp_path_factory, small_snapshot, source,
                                                                         choice, new):
    from datetime import date, datetime, timezone
    from functools import partial

    from flows.config import load_config
    from flows.sources import kolada, scb
    from flows.sources.api import _collect
    from flows.sources.http import Fetched

    settings = load_config(Path(__file__).resolve().parents[1] / "config" / "demo.toml")
    landing = tmp_path_factory.mktemp("landing")
    settings = settings.model_copy(update={"mode": "live", "paths": settings.paths.model_copy(
        update={"landing": landing, "snapshots": small_snapshot})})
    manifest = json.loads((SNAPSHOTS / source / "manifest.json").read_text(encoding="utf-8"))
    pages: dict[str, list[Fetched]] = {}
    for number, entry in enumerate(manifest["files"]):
        document = json.loads((SNAPSHOTS / source / entry["file"]).read_text(encoding="utf-8"))
        if number == len(manifest["files"]) - 1:
            document = _replace_a_node(document, choice, new)  # the last page of the answer is broken
        content = json.dumps(document).encode()
        pages.setdefault(entry["kind"], []).append(Fetched(entry["method"], entry["url"], entry["body"], 200,
                                                           "application/json", content, document,
                                                           datetime(2026, 11, 27, tzinfo=timezone.utc)))
    decode = kolada.decode_tables if source == "kolada" else partial(scb.decode_tables, scb=settings.sources.scb)
    result = _collect(source, settings, date(2026, 11, 27), lambda settings, sleep: pages, decode, lambda s: None)
    assert result.origin in ("live", "fallback")
    if result.origin == "fallback":
        assert result.provisional and result.warning.startswith(f"{source}: live fetch failed")
        assert not (landing / source / "2026-11-27").exists()  # a broken answer is never landed
