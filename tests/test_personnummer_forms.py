"""Personal identity numbers in every form people type them (issue 13, acceptance 4).

Only Skatteverket's official test numbers are used (the demo's list), and samordningsnummer made
from them (day + 60, check digit recomputed). ``Form`` writes a number the way a person might:
10 or 12 digits, the date's parts run together or separated, any dash, hyphen, minus or plus before
the last four digits, with or without spaces (no-break and thin ones too) around it, or only
spaces, in ASCII or fullwidth digits.

- Fast property tests of the detector (``flows.common.personnummer``) and the scrub of a delivered
  table: every form is found and pseudonymised to the same token; organisation numbers, dates,
  amounts, phone numbers and numbers with a wrong check digit are not. The detector that was there
  before misses forms this one finds, so the tests can fail.
- One pipeline run (module-scoped): delivery files for every dataset with the forms in every column
  (valid rows, quarantined rows, surplus cells, an unknown column, a column named by a number, a
  rejected file, a file named by a number), then intake, load, transform, export and report. None
  of the numbers is anywhere in the warehouse (every table and view, ``meta.quarantine`` included),
  the validation report, the run's log, the deliveries or the report; no delivery or report
  carries delivered free text or a pseudonym.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import logging
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.common.identifiers import luhn_check_digit
from flows.common.personnummer import (
    MASK,
    PREFILTER,
    PSEUDONYM,
    looks_like_personnummer,
    pseudonymise,
    redact,
    spans,
)
from flows.datasets import BOOL, DATASETS, DATE, DECIMAL, INT
from flows.demo.model import OFFICIAL_TEST_PERSONNUMMER
from flows.intake.pseudonymise import scrub_table
from flows.intake.table import RawTable, records_frame
from flows.outputs.identity_guard import IdentityInOutputError, check_rows, check_text
from tests.faultkit import run_in_process, write_small_config

KEY = b"test-key-not-a-secret"
PROPERTY = settings(deadline=None, max_examples=300, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def samordningsnummer(number: str) -> str:
    """The samordningsnummer of a twelve-digit test number: day + 60, check digit recomputed."""
    century, body = number[:2], number[2:8]
    body = body[:4] + f"{int(body[4:6]) + 60:02d}"
    serial = number[8:11]
    return century + body + serial + str(luhn_check_digit(body + serial))


NUMBERS = OFFICIAL_TEST_PERSONNUMMER + tuple(samordningsnummer(n) for n in OFFICIAL_TEST_PERSONNUMMER)
CORES = {n[2:] for n in NUMBERS}  # the ten digits YYMMDDNNNN every form of a number holds

DASHES = ("-", "+", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "\ufe63", "\uff0d")
SPACES = (" ", "\u00a0", "\u2009", "\u202f")
DATE_MARKS = (None, "-", ".", "/", " ", "\u2013")
PADDING = ("", " ", "\u00a0", "\u202f")
FULLWIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
ASCII = str.maketrans("０１２３４５６７８９", "0123456789")
# What may separate the parts of a number in any form: removed before looking for a planted one.
SEPARATORS = re.compile("[" + re.escape("".join(DASHES + SPACES) + "./－") + "]")


@dataclass(frozen=True)
class Form:
    """One way of writing a personal identity number."""

    century: bool  # twelve digits (with the century) or ten
    date_mark: str | None  # between year, month and day; None: run together
    separator: str  # before the last four digits: "" (none), a dash or a space
    padding: str  # spaces on both sides of a dash separator
    fullwidth: bool

    def write(self, number: str) -> str:
        digits = number if self.century else number[2:]
        year, month, day, last = digits[:-8], digits[-8:-6], digits[-6:-4], digits[-4:]
        date = (self.date_mark or "").join((year, month, day))
        separator = self.padding + self.separator + self.padding if self.separator in DASHES else self.separator
        text = date + separator + last
        return text.translate(FULLWIDTH) if self.fullwidth else text


# every combination, padding only around a dash; one form per distinct way of writing
FORMS = list({form.write(NUMBERS[0]): form for form in (
    Form(*choice) for choice in itertools.product((True, False), DATE_MARKS, ("", *DASHES, *SPACES), PADDING,
                                                  (False, True))
    if not (choice[3] and choice[2] not in DASHES))}.values())

forms = st.sampled_from(FORMS)
numbers = st.sampled_from(NUMBERS)
# Text next to a number: letters and punctuation, never a digit touching it.
words = st.sampled_from(("", " ", "Konsult ", "pnr: ", "(", "Anna Andersson, ", "enskild firma ", "nr.", "Firma"))
tails = st.sampled_from(("", " ", " (enskild firma)", ")", ", Örebro", ".", "; tel 019-12 34 56", " och"))


def normalised(text: str) -> str:
    """``text`` with fullwidth digits as ASCII and every separator removed."""
    return SEPARATORS.sub("", text.translate(ASCII))


def planted_in(text: object) -> set[str]:
    """The planted numbers (their ten-digit cores) found in ``text`` in any form."""
    flat = normalised(str(text))
    return {core for core in CORES if core in flat}


# --- the detector ---------------------------------------------------------------------------------


def test_the_forms_are_many_and_the_numbers_valid():
    assert len(FORMS) > 500 and len(set(f.write(NUMBERS[0]) for f in FORMS)) == len(FORMS)
    assert all(looks_like_personnummer(n) for n in NUMBERS)
    assert samordningsnummer("199001012385")[6:8] == "61"


@PROPERTY
@given(number=numbers, form=forms, before=words, after=tails)
def test_every_typed_form_is_found_masked_and_pseudonymised_alike(number, form, before, after):
    written = form.write(number)
    text = before + written + after
    assert spans(text) == [(len(before), len(before) + len(written))]
    assert looks_like_personnummer(written)
    assert re.search(PREFILTER, text)
    assert pseudonymise(written, KEY) == pseudonymise(number, KEY) == pseudonymise(number[2:], KEY)
    assert redact(text) == before + MASK + after
    assert not planted_in(redact(text))


@PROPERTY
@given(first=numbers, second=numbers, form=forms, other=forms,
       joiner=st.sampled_from((" ", ", ", " / ", "\n", " och ", "; ")))
def test_two_numbers_in_one_cell_are_both_found(first, second, form, other, joiner):
    text = form.write(first) + joiner + other.write(second)
    assert len(spans(text)) == 2 and not planted_in(redact(text))


@st.composite
def organisation_numbers(draw) -> str:
    body = f"{draw(st.integers(1, 9))}{draw(st.integers(0, 9))}{draw(st.integers(20, 99))}{draw(st.integers(0, 99999)):05d}"
    return body + str(luhn_check_digit(body))


@PROPERTY
@given(orgnr=organisation_numbers(), form=forms)
def test_organisation_numbers_are_never_taken_for_personal_identity_numbers(orgnr, form):
    # digits 3-4 of an organisation number are at least 20, never a month; "16" is its century prefix
    assert spans(form.write("16" + orgnr)) == []


@PROPERTY
@given(number=numbers, form=forms, wrong=st.integers(1, 9))
def test_a_wrong_check_digit_is_not_a_personal_identity_number(number, form, wrong):
    typo = number[:-1] + str((int(number[-1]) + wrong) % 10)
    assert spans(form.write(typo)) == []


@PROPERTY
@given(digits=st.one_of(numbers, numbers.map(lambda n: n[2:]), organisation_numbers(),
                        organisation_numbers().map(lambda n: "16" + n),
                        st.text(alphabet="0123456789", min_size=1, max_size=14)),
       blanks=st.sampled_from(["", " ", "\t", "\u00a0"]))
def test_plain_digits_are_judged_as_the_whole_text_is(digits, blanks):
    # looks_like_personnummer takes a shortcut for plain ASCII digits (the bulk registers' identity
    # fields): it must agree with the definition, "the whole value is the one number spans finds"
    text = blanks + digits + blanks
    assert looks_like_personnummer(text) == (spans(digits) == [(0, len(digits))])


@pytest.mark.parametrize("text", [
    "2024-03-15", "2024-03-15 10.30", "2019-01-01 - 2020-12-31", "2024-01-01 – 2024-12-31",
    "12 345 678,90", "-1 234 567,00", "1234567.89", "070-123 45 67", "+46 70 123 45 67", "019-12 34 56",
    "556036-0793", "5560360793", "165560360793", "212000-1967", "Dnr KS 2024/123", "KS 2024-0123",
    "OCR 4000123456789", "5050-1055", "Bankgiro 5050-1055", "FAKT-2024-000123", "V24000123",
])
def test_what_is_not_a_personal_identity_number(text):
    assert spans(text) == [], text


@pytest.mark.parametrize("text, number", [("123456 900101-2385", "900101-2385"),
                                          ("5560360793 9001012385", "9001012385"),
                                          ("12 1990 01 01 2385", "1990 01 01 2385"),
                                          ("1990 0101-2385", "1990 0101-2385")])
def test_a_candidate_that_fails_does_not_hide_a_number_after_it(text, number):
    assert [text[start:end] for start, end in spans(text)] == [number]


OLD_TOKEN = re.compile(r"(?<![0-9])(?:[0-9]{6}|[0-9]{8})[-+ ]?[0-9]{4}(?![0-9])")  # the detector before issue 13


@pytest.mark.parametrize("text", ["19900101\u20132385", "19900101\u20112385", "19900101 - 2385", "1990-01-01-2385",
                                  "1990 01 01 2385", "90-01-01-2385", "１９９００１０１－２３８５"])
def test_the_old_detector_misses_forms_the_new_one_finds(text):
    assert OLD_TOKEN.search(text) is None and OLD_TOKEN.search("19900101-2385")  # so the tests can fail
    assert spans(text) == [(0, len(text))]


# --- the scrub of a delivered table --------------------------------------------------------------


@PROPERTY
@given(cells=st.lists(st.tuples(words, numbers, forms, tails), min_size=1, max_size=6),
       header_form=forms)
def test_the_scrub_leaves_no_number_in_any_cell_column_name_or_surplus_cell(cells, header_form):
    texts = [before + form.write(number) + after for before, number, form, after in cells]
    header = ["grant_id", "Kontakt " + header_form.write(NUMBERS[0])]
    records = [(index, [f"G{index}", text, text]) for index, text in enumerate(texts, start=1)]  # third: surplus
    raw = RawTable(records_frame(header, records), Path("/inbox/1814/grants/g.csv"), "csv", "utf-8", ",", "LF")
    scrubbed = scrub_table(raw, KEY)
    assert not planted_in(" ".join(scrubbed.headers))
    for column in scrubbed.frame.columns:
        for cell in scrubbed.frame[column].dropna().astype(str):
            assert not planted_in(cell), (column, cell)
    assert scrubbed.headers[1] == "Kontakt " + pseudonymise(NUMBERS[0], KEY)


# --- the guard before anything is written ---------------------------------------------------------


@pytest.mark.parametrize("value, what", [
    ("Konsult PNR:0123456789ABCDEF", "pseudonym"), ("Konsult pnr:0123456789abcdef", "pseudonym"),
    ("19900101\u20112385", "a personal identity number")])
def test_the_output_guard_fails_closed_naming_file_row_and_column(value, what):
    rows = [("SE10", "arranger", "municipality"), ("SE10", "arranger", value)]
    with pytest.raises(IdentityInOutputError) as caught:
        check_rows("exports/1814-2025-01-01/indikatorvarden.csv", ["indicator_id", "breakdown", "breakdown_value"], rows)
    message = str(caught.value)
    assert "indikatorvarden.csv: row 2, column 'breakdown_value'" in message and what in message
    assert value not in message and not planted_in(message)
    with pytest.raises(IdentityInOutputError, match=r"redovisning-2025\.html: line 3 "):
        check_text("reports/1814/redovisning-2025.html", f"<html>\n<p>Saab AB 556036-0793</p>\n<p>{value}</p>")
    check_rows("x.csv", ["org_nr", "amount"], [("5560360793", 12345678.9), ("556036-0793", None)])  # passes


@pytest.fixture(scope="module")
def leaking(tmp_path_factory) -> Path:
    """A published warehouse (the county fixture) whose municipality name holds a pseudonym: an
    export view passing delivered text on unmasked, which only the guard stands between."""
    from tests.test_indicators import county_db

    target = tmp_path_factory.mktemp("leak") / "socek.duckdb"
    con = county_db()
    con.execute(f"attach '{target}' as published")
    try:
        con.execute("copy from database memory to published")
    finally:
        con.execute("detach published")
    con = duckdb.connect(str(target))
    con.execute("update meta.municipalities set name = 'Lekeberg pnr:0123456789abcdef' where code = '1814'")
    con.close()
    return target


def test_a_delivery_that_would_carry_a_pseudonym_is_not_written(leaking, tmp_path):
    from datetime import date

    from flows.outputs.delivery import write_delivery

    with pytest.raises(IdentityInOutputError, match=r"the delivery of 1814, indikatorvarden\.csv: row 1, "
                                                    r"column 'municipality_name' would carry the pseudonym"):
        write_delivery(leaking, tmp_path, "1814", date(2026, 1, 2))
    assert list(tmp_path.iterdir()) == []


def test_a_report_that_would_carry_a_pseudonym_is_not_written(leaking, tmp_path):
    from flows.outputs.report.write import stage_report

    with pytest.raises(IdentityInOutputError, match=r"1814/redovisning-\d{4}\.html: line \d+ would carry"):
        stage_report(leaking, tmp_path, "1814", "20260102T010000Z-abcdef", chromium=None)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


# --- one pipeline run over every dataset ---------------------------------------------------------

MARKER = "Fritextmärke"  # in every planted free-text cell: no delivery or report may show it
COOPERATING = "556677889" + str(luhn_check_digit("556677889"))  # started in 2022; the report describes it
_VALID = {  # one valid row per dataset (the canonical profile's column names)
    "enterprises": {"org_nr": COOPERATING, "name": "Verkstaden", "municipality_code": "1814", "legal_form": "EK",
                    "is_wise": "ja", "criteria_assessed_on": "2022-04-01", "start_date": "2022-03-01", "end_date": "",
                    "sni": "88990", "cooperation_started": "2022-06-01", "note": ""},
    "supplier_invoices": {"kopare_id": "2120002908", "kopare": "Lekebergs kommun", "verifikationsnummer": "V1",
                          "leverantor": "Verkstaden", "leverantor_id": COOPERATING, "konto_nr": "46120",
                          "konto_text": "Köp", "bokforingsdatum": "2024-03-15", "forvaltning": "KS",
                          "fakturanummer": "F1", "nettobelopp": "1250.00", "kommun_id": "1814"},
    "agreements": {"agreement_id": "A1", "municipality_code": "1814", "org_nr": COOPERATING, "type": "iop",
                   "start_date": "2022-07-01", "end_date": "", "annual_value_sek": "100000", "description": "IOP",
                   "goal_places_per_year": "6", "goals": "Arbetsträning", "ledger_account": "46120",
                   "follow_up_due": "2023-06-30", "followed_up_on": "2023-06-15", "assessment_municipality": "partly",
                   "assessment_counterpart": "on_track", "assessment_text": "Delvis", "renewal": "extend"},
    "procurements": {"procurement_id": "P1", "municipality_code": "1814", "published_date": "2023-02-01",
                     "title": "Lokalvård", "estimated_value_sek": "500000", "procedure": "öppet", "reserved": "19_6a",
                     "employment_requirement": "ja", "social_criteria": "nej", "awarded_org_nrs": COOPERATING,
                     "requirements_followed_up": "ja"},
    "grants": {"grant_id": "B1", "municipality_code": "1814", "org_nr": COOPERATING, "decision_date": "2023-03-01",
               "amount_sek": "50000", "grant_type": "start_grant"},
    "support_activities": {"activity_id": "S1", "municipality_code": "1814", "date": "2023-05-01", "type": "advice",
                           "arranger": "Näringslivsenheten", "org_nr": COOPERATING, "participants": "6"},
    "placements": {"municipality_code": "1814", "year": "2023", "org_nr": COOPERATING, "referrer": "Socialtjänst",
                   "placement_type": "work_training", "sex": "K", "age_band": "25-64", "persons_started": "6",
                   "persons_ended": "5", "ended_to_unsubsidised_work": "1", "ended_to_subsidised_work": "1",
                   "ended_to_studies": "1", "participant_days": "900"},
    "annual_reports": {"org_nr": COOPERATING, "year": "2023", "turnover_sek": "2000000", "revenue_public_sek": "800000",
                       "revenue_from_municipality_sek": "500000", "employees_k": "6", "employees_m": "5",
                       "participants_k": "7", "participants_m": "8", "fte": "9.5", "participant_fte": "6.5"},
    "municipal_actions": {"action_id": "ATG1", "municipality_code": "1814", "decision_date": "2023-04-01",
                          "decision_body": "ks", "diarienummer": "KS 2023/1", "action_type": "follow_up",
                          "title": "Uppföljning", "description": "", "responsible_unit": "labour_market",
                          "budget_sek": "10000", "action_plan_area": "AP2a", "link": ""},
    "supplier_crosswalk": {"leverantor_internal_id": "L1", "leverantor": "Verkstaden", "org_nr": COOPERATING,
                           "reviewed_by": "Ekonomi", "reviewed_on": "2024-01-10"},
}
_ROWS_PER_COLUMN = 3
_STRICT = (BOOL, DATE, DECIMAL, INT)


def _orgnr(seed: int) -> str:
    body = f"55{20 + seed % 80:02d}{seed:05d}"
    return body + str(luhn_check_digit(body))


def _variant(dataset: str, index: int) -> dict[str, str]:
    """The valid row with its key made distinct (and an organisation number in no register)."""
    contract = DATASETS[dataset]
    row = dict(_VALID[dataset])
    if "org_nr" in row:
        row["org_nr"] = _orgnr(index)
    for key in contract.key:
        column = contract.column(key)
        if column.type not in _STRICT and not column.values and not column.is_org_nr:
            row[key] = f"K{index}"
    return row


def _planted(dataset: str, written: Iterator[str]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of one delivery: the valid row, then for every column rows that hold a number
    in it (free text, with the marker: loaded; a typed, coded or org nr column: quarantined), a row
    with a surplus cell, and an unknown column, named by a number, holding numbers in every row."""
    contract = DATASETS[dataset]
    columns = [c.name for c in contract.delivered_columns]
    header = [*columns, f"Kontakt {next(written)}"]
    rows = [[_VALID[dataset][c] for c in columns] + [_free_text(written, 0)]]
    for column in contract.delivered_columns:
        for _ in range(_ROWS_PER_COLUMN):
            index = len(rows)
            row = _variant(dataset, index)
            if column.type in _STRICT or column.values or column.is_municipality or column.is_org_nr:
                row[column.name] = next(written)
            else:
                row[column.name] = _free_text(written, index)
            rows.append([row[c] for c in columns] + [_free_text(written, index)])
    surplus = _variant(dataset, len(rows))
    rows.append([surplus[c] for c in columns] + [MARKER, f"{MARKER} {next(written)}"])
    return header, rows


def _free_text(written: Iterator[str], index: int) -> str:
    """A free-text cell: the marker and three numbers."""
    return f"{MARKER} {index}: {next(written)}, {next(written)} och {next(written)}"


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _cooperation(written: Iterator[str]) -> dict[str, list[list[str]]]:
    """Valid rows for the enterprise the report describes, every delivered text holding a number."""
    text = lambda: f"{MARKER} {next(written)}"  # noqa: E731
    return {
        "enterprises": [[COOPERATING, f"{MARKER} Konsult {next(written)} (enskild firma)", "1814", text(), "ja",
                         "2022-04-01", "2022-03-01", "", "88990", "2022-06-01", text()]],
        "agreements": [[f"A-{next(written)}", "1814", COOPERATING, "iop", "2022-07-01", "", "100000", text()]],
        "procurements": [[f"P-{next(written)}", "1814", "2023-02-01", text(), "500000", text(), "19_6a", "ja", "nej",
                          COOPERATING]],
        "support_activities": [[f"S-{next(written)}", "1814", "2023-05-01", "advice", text(), COOPERATING, "6"]],
        "grants": [[f"B-{next(written)}", "1814", COOPERATING, "2023-03-01", "50000", "start_grant"]],
    }


class _Log(logging.Handler):
    """The run's log lines, as formatted text."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.levelname} {record.getMessage()}")


@pytest.fixture(scope="module")
def night(tmp_path_factory, prefect_server):
    """A one-municipality project whose inbox holds every form in every column of every dataset,
    run once through the nightly flow; what it left behind."""
    folder = tmp_path_factory.mktemp("pnr-forms")
    from flows.config import load_config
    from flows.intake.pseudonymise import ensure_local_key

    settings = load_config(write_small_config(folder, codes=("1814",)))
    ensure_local_key(settings.path("secrets"))
    forms = random.Random(13).sample(FORMS, len(FORMS))  # every form once before any comes again
    drawn = itertools.count(1)
    written = (form.write(NUMBERS[next(drawn) % len(NUMBERS)]) for form in itertools.cycle(forms))
    inbox = settings.path("inbox") / "1814"
    cooperation = _cooperation(written)
    planted = 0
    for dataset in settings.datasets:
        header, rows = _planted(dataset, written)
        if dataset in cooperation:  # the enterprise and its events, every text with a number
            rows[:1] = [[*row, f"{MARKER} {next(written)}"] for row in cooperation[dataset]]
        (inbox / dataset).mkdir(parents=True, exist_ok=True)
        (inbox / dataset / f"leverans-{dataset}-2024.csv").write_text(_csv(header, rows), encoding="utf-8")
        planted += len(rows)
    # a rejected file: two columns named by the same number, and a file name with one
    number = Form(True, "-", "\u2013", " ", False).write(NUMBERS[0])
    (inbox / "grants" / f"bidrag {number}.csv").write_text(
        _csv([*DATASETS["grants"].column_names, number, number], [["B9", "1814", COOPERATING, "2023-01-01", "1", "other",
                                                                   "x", "y"]]), encoding="utf-8")
    import flows.nightly  # noqa: F401  (Prefect sets its logging up when imported: before the handler is added)

    log = _Log()
    logging.getLogger().addHandler(log)  # every log record of the run propagates to the root
    try:
        record = run_in_process(settings)
    finally:
        logging.getLogger().removeHandler(log)
    return {"settings": settings, "record": record, "log": log.lines, "planted": planted, "forms": next(drawn) - 1}


def _values_of_every_object(published: Path) -> dict[str, list[str]]:
    """Every distinct value of every column (cast to text) of every table and view, by object."""
    con = duckdb.connect(str(published), read_only=True)
    try:
        objects: dict[str, list[str]] = {}
        for schema, name, column in con.execute(
                "select schema_name, table_name, column_name from duckdb_columns() where not internal "
                "and database_name = current_database() order by 1, 2, column_index").fetchall():
            objects.setdefault(f'"{schema}"."{name}"', []).append(column)
        found = {}
        for obj, columns in objects.items():
            cells = ", ".join(f'cast("{c}" as varchar)' for c in columns)
            found[obj] = [value for (value,) in con.execute(
                f"select distinct unnest([{cells}]) from {obj}").fetchall() if value is not None]
        return found
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.prefect
def test_the_run_read_every_form_and_quarantined_and_rejected_what_it_should(night):
    published = night["settings"].path("warehouse")
    con = duckdb.connect(str(published), read_only=True)
    try:
        files = con.execute("select path, status, rows_read, rows_loaded, rows_quarantined, reason from meta.files").fetchall()
        quarantine_rules = {r for (r,) in con.execute("select distinct rule from meta.quarantine").fetchall()}
        timeline = con.execute("select distinct enterprise_name from export.report_cooperation_timeline").fetchall()
    finally:
        con.close()
    assert night["record"]["status"] == "warnings", night["record"]
    assert night["forms"] > len(FORMS)  # every form was written somewhere
    assert sum(f[2] for f in files if f[1] == "loaded") == night["planted"]
    assert all(f[3] > 0 and f[4] > 0 for f in files if f[1] == "loaded")  # some rows of each loaded, some quarantined
    rejected = [f for f in files if f[1] == "rejected"]
    assert len(rejected) == 1 and MASK in rejected[0][0] and "more than once" in rejected[0][5]
    assert {"row:fields_match_header", "org_nr:check_digit", "start_date:type"} <= quarantine_rules
    # an organisation's name is shown; a name holding a (pseudonymised) number is not
    assert set(timeline) == {("Verkstaden",), ("enskild näringsidkare",)}


@pytest.mark.slow
@pytest.mark.prefect
def test_no_planted_number_is_in_any_table_or_view(night):
    found = {(obj, value) for obj, values in _values_of_every_object(night["settings"].path("warehouse")).items()
             for value in values if planted_in(value)}
    assert found == set()


def test_the_scan_would_see_a_number_left_in_clear(tmp_path):
    planted = tmp_path / "planted.duckdb"
    con = duckdb.connect(str(planted))
    con.execute("create table t (note varchar)")
    con.execute("insert into t values ('ring 19900101\u20112385 om fakturan')")
    con.close()
    assert [v for vs in _values_of_every_object(planted).values() for v in vs if planted_in(v)]


@pytest.mark.slow
@pytest.mark.prefect
def test_no_planted_number_is_in_the_log_the_run_record_or_the_validation_report(night):
    settings = night["settings"]
    texts = night["log"] + [json.dumps(night["record"], ensure_ascii=False, default=str)]
    texts += [p.read_text(encoding="utf-8") for p in (settings.path("reports") / "validation").iterdir()]
    assert any("file rejected" in line for line in night["log"]) and len(texts) >= 4  # the log was captured
    assert [line for text in texts for line in text.splitlines() if planted_in(line)] == []
    report = next((settings.path("reports") / "validation").glob("*.md")).read_text(encoding="utf-8")
    assert "pnr:" in report and MASK in report  # quarantined rows quote pseudonyms; the rejected file is masked


@pytest.mark.slow
@pytest.mark.prefect
def test_no_planted_number_pseudonym_or_free_text_leaves_in_a_delivery_or_report(night):
    settings = night["settings"]
    outputs = [p for folder in (settings.path("exports"), settings.path("reports"))
               for p in folder.rglob("*") if p.is_file() and "validation" not in p.parts]
    assert any(p.name == "indikatorvarden.csv" for p in outputs) and any(p.suffix == ".html" for p in outputs)
    for path in outputs:
        text = path.read_text(encoding="utf-8-sig")
        for line in text.splitlines():
            assert not planted_in(line), (path, line)
        assert not PSEUDONYM.search(text), path
        assert MARKER not in text, path  # no delivered free text
    page = next(p for p in outputs if p.suffix == ".html" and p.parent.name == "1814").read_text(encoding="utf-8")
    assert "enskild näringsidkare" in page  # the cooperation is described, without the sole trader's name
    values = pd.read_csv(next(p for p in outputs if p.name == "indikatorvarden.csv"), dtype=str)
    arrangers = set(values.loc[values["breakdown"] == "arranger", "breakdown_value"])
    forms = set(values.loc[values["breakdown"] == "legal_form", "breakdown_value"])
    assert arrangers == {"municipality", "region", "coompanion", "other"} and forms <= {"EK", "I", "S", "AB", "other",
                                                                                        "unknown"}
