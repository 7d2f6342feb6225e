"""SCB's företagsregister bulk file (reference/data-sources.md §3b): Latin-1, TAB-separated, legal
units including ideella föreningar, with SNI codes and SCB's juridisk form. ``PeOrgNr`` values that
are personal identity numbers (natural persons) are dropped at read."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from functools import partial
from typing import BinaryIO, Literal

from flows.common.personnummer import looks_like_personnummer
from flows.sources.bulk_records import (
    DATE,
    TEXT,
    BulkFormat,
    BulkParseResult,
    Drop,
    Row,
    RowFilter,
    Tally,
    bulk_result,
    clean_lines,
    collect_rows,
    open_text,
    parse_date,
    parse_lines,
    parse_postnummer,
    text_or_none,
)
from flows.sources.bulk_zip import parse_zip_file

# The SCB header (§3b): the base columns, then the same names prefixed with `m` (all but the first).
SCB_BASE_COLUMNS = (
    "ForAndrTyp", "COAdress", "Foretagsnamn", "FtgStat", "Gatuadress", "JEStat", "JurForm", "Namn",
    "Ng1", "Ng2", "Ng3", "Ng4", "Ng5", "PeOrgNr", "PostNr", "PostOrt", "RegDatKtid", "Reklamsparrtyp",
)
SCB_COLUMNS = SCB_BASE_COLUMNS + tuple("m" + c for c in SCB_BASE_COLUMNS[1:])
SCB_REQUIRED = ("PeOrgNr", "Namn", "JurForm", "Ng1", "Ng2", "Ng3", "Ng4", "Ng5", "PostNr", "PostOrt",
                "RegDatKtid", "JEStat")
SCB_CANDIDATE_FORMS = frozenset({"51", "61", "72"})
SCB_SCHEMA = (
    ("org_nr", TEXT), ("name", TEXT), ("jur_form", TEXT), ("sni_1", TEXT), ("sni_2", TEXT),
    ("sni_3", TEXT), ("sni_4", TEXT), ("sni_5", TEXT), ("postnummer", TEXT), ("postort", TEXT),
    ("registration_date", DATE), ("status", TEXT),
)


_WHITESPACE = re.compile(r"\s")


def _tab_records(lines: Iterable[str]) -> Iterator[tuple[int, list[str] | None]]:
    """(line number, fields) of the unquoted TAB format; empty lines are skipped."""
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r\n")
        if line:
            yield number, line.split("\t")


def _classify_peorgnr(value: str) -> tuple[Literal["org", "person", "invalid"], str]:
    """SCB `PeOrgNr`: `16` + org nr for legal persons; any other number is a natural person."""
    digits = value if value.isascii() and value.isdigit() else _WHITESPACE.sub("", value).replace("-", "")
    if not digits.isdigit():
        return "invalid", ""
    if len(digits) == 12 and digits.startswith("16") and not looks_like_personnummer(digits[2:]):
        return "org", digits[2:]
    return "person", ""


def _sni(value: str) -> str | None:
    """An SNI code as five-digit text (a lost leading zero is restored), or None if blank."""
    value = value.strip()
    return value.zfill(5) if value.isdigit() else text_or_none(value)


def _jur_form(value: str) -> str | None:
    value = value.strip()
    return value.zfill(2) if value.isdigit() else text_or_none(value)


def _scb_row(fields: list[str], index: dict[str, int], row_filter: RowFilter) -> Row | Drop:
    """Judge one SCB row, parsing only as much as the decision needs."""
    kind, org_nr = _classify_peorgnr(fields[index["PeOrgNr"]])
    if kind == "person":
        return Drop.PERSON
    if kind == "invalid":
        return Drop.MALFORMED
    jur_form = _jur_form(fields[index["JurForm"]])
    listed = org_nr in row_filter.keep_orgnrs
    if not listed and not row_filter.is_candidate(jur_form):
        return Drop.FILTERED  # most rows: decided before the address is parsed
    postnummer = parse_postnummer(fields[index["PostNr"]])
    postort = text_or_none(fields[index["PostOrt"]].upper())
    if not listed and not row_filter.in_county(postnummer, postort):
        return Drop.FILTERED
    return (
        org_nr,
        text_or_none(fields[index["Namn"]]),
        jur_form,
        *(_sni(fields[index[f"Ng{rank}"]]) for rank in range(1, 6)),
        postnummer,
        postort,
        parse_date(fields[index["RegDatKtid"]]),
        text_or_none(fields[index["JEStat"]]),
    )


def _stream_scb(stream: BinaryIO, source: str, row_filter: RowFilter) -> BulkParseResult:
    """Parse SCB's TAB text from a binary stream; Latin-1 unless it proves to be UTF-8."""
    lines, encoding = open_text(stream, newline=None, ascii_encoding="latin-1", fallback="latin-1")
    tally = Tally()
    rows = collect_rows(_tab_records(clean_lines(lines, tally)), required=SCB_REQUIRED,
                         handle=functools.partial(_scb_row, row_filter=row_filter),
                         source=source, tally=tally)
    return bulk_result(rows, SCB_SCHEMA, source=source, encoding=encoding, tally=tally)


SCB_BULK = BulkFormat("<scb stream>", _stream_scb, SCB_CANDIDATE_FORMS)
# Stream SCB's bulk text (Latin-1, TAB-separated; columns found by header name), or the zip with every
# ``.txt`` part, keeping the wanted rows (``RowFilter`` with SCB's juridisk form codes); output
# columns ``SCB_SCHEMA``.
parse_scb_lines = partial(parse_lines, SCB_BULK)
parse_scb_zip = partial(parse_zip_file, SCB_BULK)
