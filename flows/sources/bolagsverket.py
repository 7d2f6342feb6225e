"""Bolagsverket's bulk file (reference/data-sources.md §3a): quoted ``;`` text with ``$`` and ``|``
composite fields, in an encoding the sources disagree on (detected). ``PERSON-IDORG`` rows (sole
traders, identified by a personal identity number) are dropped at read."""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable, Iterator
from datetime import date
from functools import partial
from typing import BinaryIO, Literal

from flows.common.identifiers import normalise_id
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

# The Bolagsverket header (§3a). Columns are located by name, so only the ones read are required.
BOLAGSVERKET_COLUMNS = (
    "organisationsidentitet", "namnskyddslopnummer", "registreringsland", "organisationsnamn",
    "organisationsform", "avregistreringsdatum", "avregistreringsorsak",
    "pagandeAvvecklingsEllerOmstruktureringsforfarande", "registreringsdatum",
    "verksamhetsbeskrivning", "postadress",
)
_BOLAGSVERKET_UNUSED = ("namnskyddslopnummer", "registreringsland")
BOLAGSVERKET_REQUIRED = tuple(c for c in BOLAGSVERKET_COLUMNS if c not in _BOLAGSVERKET_UNUSED)


# Social-economy legal forms (§5 heuristic): ekonomisk förening, ideell förening and stiftelse
# that carry on business; SCB's juridisk form 51, 61 and 72 are the same three.
BOLAGSVERKET_CANDIDATE_FORMS = frozenset({"EK", "I", "S"})




BOLAGSVERKET_SCHEMA = (
    ("org_nr", TEXT), ("name", TEXT), ("legal_form", TEXT), ("registration_date", DATE),
    ("deregistration_date", DATE), ("deregistration_reason", TEXT), ("ongoing_procedure", TEXT),
    ("ongoing_procedure_date", DATE), ("postnummer", TEXT), ("postort", TEXT),
    ("description", TEXT),
)


# Names up to 23,663 characters occur; the csv default (131,072) is close, so allow far more.
_FIELD_SIZE_LIMIT = 10_000_000


# When one procedure is ongoing besides another, the most final one decides survival.
_PROCEDURE_PRIORITY = ("KK", "LI", "FR", "OM")
_SWEDISH_LAND = ("", "SE-LAND")


def _quoted_records(lines: Iterable[str]) -> Iterator[tuple[int, list[str] | None]]:
    """(line number, fields) of the quoted `;` format; fields is None for a line csv rejects."""
    reader = csv.reader(lines, delimiter=";", quotechar='"', doublequote=True, strict=False)
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield reader.line_num, None
            continue
        if fields:
            yield reader.line_num, fields


def _classify_identity(value: str) -> tuple[Literal["org", "person", "invalid"], str]:
    """Bolagsverket `<digits>$<type>`: an org nr, a person (dropped) or unusable."""
    digits, _, id_type = value.partition("$")
    if id_type.strip() == "PERSON-IDORG" or looks_like_personnummer(digits):
        return "person", ""
    org_nr = normalise_id(digits)
    return ("org", org_nr) if len(org_nr) == 10 and org_nr.isdigit() else ("invalid", "")


def _code(value: str, suffix: str) -> str | None:
    """`EK-ORGFO` -> `EK`, `KKAV-AVORG` -> `KKAV`."""
    return text_or_none(value.strip().removesuffix(suffix))


def _current_name(value: str) -> str | None:
    """The current name from `name$type$date|...`: the latest company name, else the first.

    A company name (FORETAGSNAMN) wins over a plain name (NAMN, used by associations); among
    several of the same type the latest date is the current one. A name may itself contain `$`,
    so each entry is split from the right.
    """
    entries = [entry.rsplit("$", 2) for entry in value.split("|") if entry.strip()]
    for name_type in ("FORETAGSNAMN-ORGNAM", "NAMN-ORGNAM"):
        typed = [e for e in entries if len(e) == 3 and e[1].strip() == name_type]
        if typed:
            return text_or_none(max(typed, key=lambda e: e[2].strip())[0])
    return text_or_none(entries[0][0]) if entries else None


def _ongoing_procedure(value: str) -> tuple[str | None, date | None]:
    """The decisive ongoing procedure of `|KK-AVOMFO$2024-01-01|...` and its start date."""
    entries = []
    for entry in value.split("|"):
        code, _, started = entry.partition("$")
        code = code.strip().removesuffix("-AVOMFO")
        if code:
            entries.append((code, parse_date(started)))
    if not entries:
        return None, None

    def rank(entry: tuple[str, date | None]) -> tuple[int, date]:
        code, started = entry
        priority = _PROCEDURE_PRIORITY.index(code) if code in _PROCEDURE_PRIORITY else len(_PROCEDURE_PRIORITY)
        return priority, started or date.max

    return min(entries, key=rank)


def _postal_address(value: str) -> tuple[str | None, str | None]:
    """(postnummer, postort) from `utdelningsadress$coAdress$postort$postnummer$land`.

    Some rows have postort and postnummer swapped, so the five-digit value is taken as the
    postnummer wherever it sits. A foreign address gets no postnummer: a German 70xxx code must
    not pass for Örebro. The street may contain `$`, so the split is from the right.
    """
    parts = value.rsplit("$", 4)
    if len(parts) != 5:
        return None, None
    town, code, land = parts[2].strip(), parts[3].strip(), parts[4].strip()
    if parse_postnummer(code) is None and parse_postnummer(town) is not None:
        town, code = code, town
    postnummer = parse_postnummer(code) if land in _SWEDISH_LAND else None
    return postnummer, text_or_none(town.upper())


def _bolagsverket_row(fields: list[str], index: dict[str, int], row_filter: RowFilter) -> Row | Drop:
    """Judge one Bolagsverket row, parsing only as much as the decision needs."""
    kind, org_nr = _classify_identity(fields[index["organisationsidentitet"]])
    if kind == "person":
        return Drop.PERSON
    if kind == "invalid":
        return Drop.MALFORMED
    legal_form = _code(fields[index["organisationsform"]], "-ORGFO")
    listed = org_nr in row_filter.keep_orgnrs
    if not listed and not row_filter.is_candidate(legal_form):
        return Drop.FILTERED
    postnummer, postort = _postal_address(fields[index["postadress"]])
    if not listed and not row_filter.in_county(postnummer, postort):
        return Drop.FILTERED
    procedure, procedure_date = _ongoing_procedure(
        fields[index["pagandeAvvecklingsEllerOmstruktureringsforfarande"]])
    return (
        org_nr,
        _current_name(fields[index["organisationsnamn"]]),
        legal_form,
        parse_date(fields[index["registreringsdatum"]]),
        parse_date(fields[index["avregistreringsdatum"]]),
        _code(fields[index["avregistreringsorsak"]], "-AVORG"),
        procedure,
        procedure_date,
        postnummer,
        postort,
        text_or_none(fields[index["verksamhetsbeskrivning"]]),
    )


def _stream_bolagsverket(stream: BinaryIO, source: str, row_filter: RowFilter) -> BulkParseResult:
    """Parse Bolagsverket's quoted `;` text from a binary stream (encoding detected)."""
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_SIZE_LIMIT))
    lines, encoding = open_text(stream, newline="", ascii_encoding="utf-8", fallback="cp1252")
    tally = Tally()
    rows = collect_rows(_quoted_records(clean_lines(lines, tally)), required=BOLAGSVERKET_REQUIRED,
                         handle=functools.partial(_bolagsverket_row, row_filter=row_filter),
                         source=source, tally=tally)
    return bulk_result(rows, BOLAGSVERKET_SCHEMA, source=source, encoding=encoding, tally=tally)


BOLAGSVERKET = BulkFormat("<bolagsverket stream>", _stream_bolagsverket, BOLAGSVERKET_CANDIDATE_FORMS)
# Stream the Bolagsverket bulk text (binary, any of its encodings), or the zip, keeping the wanted rows
# (``RowFilter``); output columns ``BOLAGSVERKET_SCHEMA``.
parse_bolagsverket_lines = partial(parse_lines, BOLAGSVERKET)
parse_bolagsverket_zip = partial(parse_zip_file, BOLAGSVERKET)
