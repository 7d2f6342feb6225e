"""Streaming readers for the Bolagsverket and SCB bulk files (reference/data-sources.md §3a, §3b).

The real files are about 1 GB and 3 M lines inside a zip, and socek needs a few thousand rows of
them: the enterprises in the municipal registers plus the county's social-economy candidates. So
each member is read line by line straight from the zip stream, every row is judged as it passes,
and only the kept rows are held in memory and turned into a DataFrame at the end.

Privacy (DESIGN §6): rows that identify a natural person (Bolagsverket `PERSON-IDORG`, SCB
`PeOrgNr` without the `16` prefix or shaped like a personnummer) are dropped the moment their
identity field is read. They are counted, never returned, logged or stored. Log messages name
files and line numbers only, never a line's content, because a malformed line may hold such a
number.

The zip is untrusted input: members with unsafe names, members larger than the configured limit
and members that inflate more than the configured ratio are refused before anything is read.
"""

from __future__ import annotations

import codecs
import csv
import enum
import functools
import io
import logging
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Literal, TextIO

import pandas as pd
import pyarrow as pa

from flows.errors import SourceError
from flows.identifiers import looks_like_personnummer, normalise_id

log = logging.getLogger(__name__)


class BulkFileError(SourceError):
    """A bulk file or zip member cannot be read safely (unsafe zip, wrong header, corrupt data)."""


# The Bolagsverket header (§3a). Columns are located by name, so only the ones read are required.
BOLAGSVERKET_COLUMNS = (
    "organisationsidentitet", "namnskyddslopnummer", "registreringsland", "organisationsnamn",
    "organisationsform", "avregistreringsdatum", "avregistreringsorsak",
    "pagandeAvvecklingsEllerOmstruktureringsforfarande", "registreringsdatum",
    "verksamhetsbeskrivning", "postadress",
)
_BOLAGSVERKET_UNUSED = ("namnskyddslopnummer", "registreringsland")
BOLAGSVERKET_REQUIRED = tuple(c for c in BOLAGSVERKET_COLUMNS if c not in _BOLAGSVERKET_UNUSED)

# The SCB header (§3b): the base columns, then the same names prefixed with `m` (all but the first).
SCB_BASE_COLUMNS = (
    "ForAndrTyp", "COAdress", "Foretagsnamn", "FtgStat", "Gatuadress", "JEStat", "JurForm", "Namn",
    "Ng1", "Ng2", "Ng3", "Ng4", "Ng5", "PeOrgNr", "PostNr", "PostOrt", "RegDatKtid", "Reklamsparrtyp",
)
SCB_COLUMNS = SCB_BASE_COLUMNS + tuple("m" + c for c in SCB_BASE_COLUMNS[1:])
SCB_REQUIRED = ("PeOrgNr", "Namn", "JurForm", "Ng1", "Ng2", "Ng3", "Ng4", "Ng5", "PostNr", "PostOrt",
                "RegDatKtid", "JEStat")

# Social-economy legal forms (§5 heuristic): ekonomisk förening, ideell förening and stiftelse
# that carry on business; SCB's juridisk form 51, 61 and 72 are the same three.
BOLAGSVERKET_CANDIDATE_FORMS = frozenset({"EK", "I", "S"})
SCB_CANDIDATE_FORMS = frozenset({"51", "61", "72"})

_TEXT, _DATE = "string", pd.ArrowDtype(pa.date32())
BOLAGSVERKET_SCHEMA = (
    ("org_nr", _TEXT), ("name", _TEXT), ("legal_form", _TEXT), ("registration_date", _DATE),
    ("deregistration_date", _DATE), ("deregistration_reason", _TEXT), ("ongoing_procedure", _TEXT),
    ("ongoing_procedure_date", _DATE), ("postnummer", _TEXT), ("postort", _TEXT),
    ("description", _TEXT),
)
SCB_SCHEMA = (
    ("org_nr", _TEXT), ("name", _TEXT), ("jur_form", _TEXT), ("sni_1", _TEXT), ("sni_2", _TEXT),
    ("sni_3", _TEXT), ("sni_4", _TEXT), ("sni_5", _TEXT), ("postnummer", _TEXT), ("postort", _TEXT),
    ("registration_date", _DATE), ("status", _TEXT),
)

# Bytes looked at to choose the encoding: large enough to meet an å/ä/ö in any real file.
_SAMPLE_BYTES = 1 << 20
# Names up to 23,663 characters occur; the csv default (131,072) is close, so allow far more.
_FIELD_SIZE_LIMIT = 10_000_000
# When one procedure is ongoing besides another, the most final one decides survival.
_PROCEDURE_PRIORITY = ("KK", "LI", "FR", "OM")
_POSTNUMMER = re.compile(r"\d{3}\s?\d{2}")
_WHITESPACE = re.compile(r"\s")
_COLUMN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_SWEDISH_LAND = ("", "SE-LAND")
_MALFORMED_LINES_LOGGED = 10


@dataclass(frozen=True, eq=False)
class BulkParseResult:
    """The kept rows of one bulk file and the counts that account for every data line.

    ``lines_read == rows_kept + rows_filtered_out + person_rows_dropped + malformed_rows``: each
    data record (normally one line; the header is not counted) ends in exactly one of those.
    ``undecodable_lines`` counts lines where bytes could not be decoded and were replaced (the
    row itself is still judged normally).
    """

    frame: pd.DataFrame
    source: str
    encoding: str
    lines_read: int
    rows_kept: int
    rows_filtered_out: int
    person_rows_dropped: int
    malformed_rows: int
    undecodable_lines: int


@dataclass
class _Tally:
    """Running counts while one file streams past."""

    lines_read: int = 0
    rows_filtered_out: int = 0
    person_rows_dropped: int = 0
    malformed_rows: int = 0
    undecodable_lines: int = 0
    malformed_line_numbers: list[int] = field(default_factory=list)

    def malformed(self, line_number: int) -> None:
        self.malformed_rows += 1
        if len(self.malformed_line_numbers) < _MALFORMED_LINES_LOGGED:
            self.malformed_line_numbers.append(line_number)


class _Drop(enum.Enum):
    """Why a data row was not kept."""

    PERSON = "person"
    FILTERED = "filtered"
    MALFORMED = "malformed"


Row = tuple[object, ...]
RowHandler = Callable[[list[str], dict[str, int]], "Row | _Drop"]


@dataclass(frozen=True)
class _RowFilter:
    """Which rows to keep: a listed enterprise, or a social-economy legal form in the county."""

    keep_orgnrs: frozenset[str]
    postcode_prefixes: tuple[str, ...]
    postorter: frozenset[str]
    legal_forms: frozenset[str]

    @classmethod
    def build(cls, keep_orgnrs: Iterable[str], postcode_prefixes: Iterable[str],
              postorter: Iterable[str], legal_forms: Iterable[str]) -> _RowFilter:
        """Normalise the settings once, so the per-row test is plain set and prefix lookups."""
        return cls(
            keep_orgnrs=frozenset(filter(None, (normalise_id(n) for n in keep_orgnrs))),
            postcode_prefixes=tuple(p.strip() for p in postcode_prefixes if p.strip()),
            postorter=frozenset(t.strip().upper() for t in postorter if t.strip()),
            legal_forms=frozenset(f.strip() for f in legal_forms),
        )

    def is_candidate(self, legal_form: str | None) -> bool:
        return legal_form in self.legal_forms

    def in_county(self, postnummer: str | None, postort: str | None) -> bool:
        by_code = postnummer is not None and postnummer.startswith(self.postcode_prefixes)
        return by_code or (postort is not None and postort in self.postorter)


# --- Encoding and lines ----------------------------------------------------------------------

def detect_encoding(sample: bytes, *, ascii_encoding: str = "utf-8", fallback: str = "cp1252") -> str:
    """The encoding of a file from its first bytes: BOM, else strict UTF-8, else ``fallback``.

    Sources disagree on the Bolagsverket file's encoding (§3a), so it is detected. A sample cut in
    the middle of a multi-byte character still counts as UTF-8. A pure-ASCII sample proves
    nothing, so it gets ``ascii_encoding``: the encoding the source documents.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return fallback
    return ascii_encoding if sample.isascii() else "utf-8"


def _open_text(stream: BinaryIO, *, newline: str | None, ascii_encoding: str,
               fallback: str) -> tuple[TextIO, str]:
    """Wrap a binary stream as text in its detected encoding, without reading it twice.

    Undecodable bytes after the sample become U+FFFD and are counted per line, rather than
    aborting a 1 GB read over one stray byte.
    """
    buffered = io.BufferedReader(stream, buffer_size=_SAMPLE_BYTES)  # type: ignore[arg-type]
    encoding = detect_encoding(buffered.peek(_SAMPLE_BYTES), ascii_encoding=ascii_encoding,
                               fallback=fallback)
    text = io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline=newline)
    return text, encoding


def _clean_lines(text: TextIO, tally: _Tally) -> Iterator[str]:
    """Lines with NUL bytes removed (they break csv parsing), counting undecodable ones."""
    for line in text:
        if "\x00" in line:
            line = line.replace("\x00", "")
        if "\ufffd" in line:
            tally.undecodable_lines += 1
        yield line


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


def _tab_records(lines: Iterable[str]) -> Iterator[tuple[int, list[str] | None]]:
    """(line number, fields) of the unquoted TAB format; empty lines are skipped."""
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r\n")
        if line:
            yield number, line.split("\t")


# --- Table driver ----------------------------------------------------------------------------

def _header_index(header: list[str] | None, required: Sequence[str], source: str) -> dict[str, int]:
    """Column positions by (case-insensitive) name; a missing required column is fatal."""
    if header is None:
        raise BulkFileError(f"{source}: the header line is empty or cannot be parsed")
    names = [h.replace("\ufeff", "").strip() for h in header]
    positions: dict[str, int] = {}
    for position, name in enumerate(names):
        positions.setdefault(name.casefold(), position)
    missing = [c for c in required if c.casefold() not in positions]
    if missing:
        raise BulkFileError(f"{source}: header lacks required column(s) {', '.join(missing)}; "
                            f"found {_describe_header(names)}")
    return {c: positions[c.casefold()] for c in required}


def _describe_header(names: list[str]) -> str:
    """The header for an error message, unless it is not a header at all.

    When the first line is a data row, echoing it could put a personnummer into a log.
    """
    if names and all(_COLUMN_NAME.fullmatch(n) for n in names):
        return ", ".join(names)
    return f"{len(names)} field(s) that are not column names (content withheld)"


def _collect_rows(records: Iterator[tuple[int, list[str] | None]], *, required: Sequence[str],
                  handle: RowHandler, source: str, tally: _Tally) -> list[Row]:
    """Read the header, then judge every data record with ``handle``, keeping its rows."""
    _, header = next(records, (0, None))
    index = _header_index(header, required, source)
    width = len(header or ())
    kept: list[Row] = []
    for line_number, fields in records:
        tally.lines_read += 1
        outcome = _Drop.MALFORMED if fields is None or len(fields) != width else handle(fields, index)
        if outcome is _Drop.MALFORMED:
            tally.malformed(line_number)
        elif outcome is _Drop.PERSON:
            tally.person_rows_dropped += 1
        elif outcome is _Drop.FILTERED:
            tally.rows_filtered_out += 1
        else:
            kept.append(outcome)
    return kept


def _frame(rows: list[Row], schema: Sequence[tuple[str, object]]) -> pd.DataFrame:
    """Build the output frame column by column from the kept rows only."""
    columns = list(zip(*rows)) if rows else [()] * len(schema)
    return pd.DataFrame({name: pd.array(list(values), dtype=dtype)
                         for (name, dtype), values in zip(schema, columns)})


def _result(rows: list[Row], schema: Sequence[tuple[str, object]], *, source: str, encoding: str,
            tally: _Tally) -> BulkParseResult:
    """Package the kept rows and the counts, and log the counts (never any row content)."""
    if tally.malformed_rows:
        log.warning("%s: skipped %d malformed line(s) (wrong field count or quoting), first at "
                    "line(s) %s", source, tally.malformed_rows,
                    ", ".join(map(str, tally.malformed_line_numbers)))
    if tally.undecodable_lines:
        log.warning("%s: %d line(s) had bytes not valid in %s (replaced)", source,
                    tally.undecodable_lines, encoding)
    log.info("%s: read %d lines, kept %d, filtered out %d, dropped %d personal rows, %d malformed",
             source, tally.lines_read, len(rows), tally.rows_filtered_out,
             tally.person_rows_dropped, tally.malformed_rows)
    return BulkParseResult(
        frame=_frame(rows, schema), source=source, encoding=encoding,
        lines_read=tally.lines_read, rows_kept=len(rows), rows_filtered_out=tally.rows_filtered_out,
        person_rows_dropped=tally.person_rows_dropped, malformed_rows=tally.malformed_rows,
        undecodable_lines=tally.undecodable_lines,
    )


# --- Field parsers ---------------------------------------------------------------------------

def _text(value: str) -> str | None:
    value = value.strip()
    return value or None


def _parse_date(value: str) -> date | None:
    """`YYYY-MM-DD` (Bolagsverket) or `YYYYMMDD` (SCB); anything else is unknown, not an error."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _postnummer(value: str) -> str | None:
    """Five digits without the space (`702 10` -> `70210`), or None."""
    value = value.strip()
    return _WHITESPACE.sub("", value) if _POSTNUMMER.fullmatch(value) else None


def _classify_identity(value: str) -> tuple[Literal["org", "person", "invalid"], str]:
    """Bolagsverket `<digits>$<type>`: an org nr, a person (dropped) or unusable."""
    digits, _, id_type = value.partition("$")
    if id_type.strip() == "PERSON-IDORG" or looks_like_personnummer(digits):
        return "person", ""
    org_nr = normalise_id(digits)
    return ("org", org_nr) if len(org_nr) == 10 and org_nr.isdigit() else ("invalid", "")


def _classify_peorgnr(value: str) -> tuple[Literal["org", "person", "invalid"], str]:
    """SCB `PeOrgNr`: `16` + org nr for legal persons; any other number is a natural person."""
    digits = _WHITESPACE.sub("", value).replace("-", "")
    if not digits.isdigit():
        return "invalid", ""
    if len(digits) == 12 and digits.startswith("16") and not looks_like_personnummer(digits[2:]):
        return "org", digits[2:]
    return "person", ""


def _code(value: str, suffix: str) -> str | None:
    """`EK-ORGFO` -> `EK`, `KKAV-AVORG` -> `KKAV`."""
    return _text(value.strip().removesuffix(suffix))


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
            return _text(max(typed, key=lambda e: e[2].strip())[0])
    return _text(entries[0][0]) if entries else None


def _ongoing_procedure(value: str) -> tuple[str | None, date | None]:
    """The decisive ongoing procedure of `|KK-AVOMFO$2024-01-01|...` and its start date."""
    entries = []
    for entry in value.split("|"):
        code, _, started = entry.partition("$")
        code = code.strip().removesuffix("-AVOMFO")
        if code:
            entries.append((code, _parse_date(started)))
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
    if _postnummer(code) is None and _postnummer(town) is not None:
        town, code = code, town
    postnummer = _postnummer(code) if land in _SWEDISH_LAND else None
    return postnummer, _text(town.upper())


def _sni(value: str) -> str | None:
    """An SNI code as five-digit text (a lost leading zero is restored), or None if blank."""
    value = value.strip()
    return value.zfill(5) if value.isdigit() else _text(value)


def _jur_form(value: str) -> str | None:
    value = value.strip()
    return value.zfill(2) if value.isdigit() else _text(value)


# --- Row handlers ----------------------------------------------------------------------------

def _bolagsverket_row(fields: list[str], index: dict[str, int], row_filter: _RowFilter) -> Row | _Drop:
    """Judge one Bolagsverket row, parsing only as much as the decision needs."""
    kind, org_nr = _classify_identity(fields[index["organisationsidentitet"]])
    if kind == "person":
        return _Drop.PERSON
    if kind == "invalid":
        return _Drop.MALFORMED
    legal_form = _code(fields[index["organisationsform"]], "-ORGFO")
    listed = org_nr in row_filter.keep_orgnrs
    if not listed and not row_filter.is_candidate(legal_form):
        return _Drop.FILTERED
    postnummer, postort = _postal_address(fields[index["postadress"]])
    if not listed and not row_filter.in_county(postnummer, postort):
        return _Drop.FILTERED
    procedure, procedure_date = _ongoing_procedure(
        fields[index["pagandeAvvecklingsEllerOmstruktureringsforfarande"]])
    return (
        org_nr,
        _current_name(fields[index["organisationsnamn"]]),
        legal_form,
        _parse_date(fields[index["registreringsdatum"]]),
        _parse_date(fields[index["avregistreringsdatum"]]),
        _code(fields[index["avregistreringsorsak"]], "-AVORG"),
        procedure,
        procedure_date,
        postnummer,
        postort,
        _text(fields[index["verksamhetsbeskrivning"]]),
    )


def _scb_row(fields: list[str], index: dict[str, int], row_filter: _RowFilter) -> Row | _Drop:
    """Judge one SCB row, parsing only as much as the decision needs."""
    kind, org_nr = _classify_peorgnr(fields[index["PeOrgNr"]])
    if kind == "person":
        return _Drop.PERSON
    if kind == "invalid":
        return _Drop.MALFORMED
    jur_form = _jur_form(fields[index["JurForm"]])
    postnummer = _postnummer(fields[index["PostNr"]])
    postort = _text(fields[index["PostOrt"]].upper())
    listed = org_nr in row_filter.keep_orgnrs
    if not listed and not (row_filter.is_candidate(jur_form) and row_filter.in_county(postnummer, postort)):
        return _Drop.FILTERED
    return (
        org_nr,
        _text(fields[index["Namn"]]),
        jur_form,
        *(_sni(fields[index[f"Ng{rank}"]]) for rank in range(1, 6)),
        postnummer,
        postort,
        _parse_date(fields[index["RegDatKtid"]]),
        _text(fields[index["JEStat"]]),
    )


# --- Stream parsers --------------------------------------------------------------------------

def _stream_bolagsverket(stream: BinaryIO, source: str, row_filter: _RowFilter) -> BulkParseResult:
    """Parse Bolagsverket's quoted `;` text from a binary stream (encoding detected)."""
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_SIZE_LIMIT))
    text, encoding = _open_text(stream, newline="", ascii_encoding="utf-8", fallback="cp1252")
    tally = _Tally()
    rows = _collect_rows(_quoted_records(_clean_lines(text, tally)), required=BOLAGSVERKET_REQUIRED,
                         handle=functools.partial(_bolagsverket_row, row_filter=row_filter),
                         source=source, tally=tally)
    return _result(rows, BOLAGSVERKET_SCHEMA, source=source, encoding=encoding, tally=tally)


def _stream_scb(stream: BinaryIO, source: str, row_filter: _RowFilter) -> BulkParseResult:
    """Parse SCB's TAB text from a binary stream; Latin-1 unless it proves to be UTF-8."""
    text, encoding = _open_text(stream, newline=None, ascii_encoding="latin-1", fallback="latin-1")
    tally = _Tally()
    rows = _collect_rows(_tab_records(_clean_lines(text, tally)), required=SCB_REQUIRED,
                         handle=functools.partial(_scb_row, row_filter=row_filter),
                         source=source, tally=tally)
    return _result(rows, SCB_SCHEMA, source=source, encoding=encoding, tally=tally)


# --- Public API: streams ---------------------------------------------------------------------

def parse_bolagsverket_lines(
    stream: BinaryIO,
    *,
    keep_orgnrs: Iterable[str],
    county_postcode_prefixes: Iterable[str],
    county_postorter: Iterable[str],
    candidate_legal_forms: Iterable[str] = BOLAGSVERKET_CANDIDATE_FORMS,
    source: str = "<bolagsverket stream>",
) -> BulkParseResult:
    """Stream the Bolagsverket bulk text (binary, any of its encodings) and keep the wanted rows.

    A row is kept if its org nr is in ``keep_orgnrs``, or if its legal form is a candidate form
    and its postal address is in the county (postnummer prefix or postort). The stream is
    consumed. Output columns: ``BOLAGSVERKET_SCHEMA``.
    """
    row_filter = _RowFilter.build(keep_orgnrs, county_postcode_prefixes, county_postorter,
                                  candidate_legal_forms)
    return _stream_bolagsverket(stream, source, row_filter)


def parse_scb_lines(
    stream: BinaryIO,
    *,
    keep_orgnrs: Iterable[str],
    county_postcode_prefixes: Iterable[str],
    county_postorter: Iterable[str],
    candidate_legal_forms: Iterable[str] = SCB_CANDIDATE_FORMS,
    source: str = "<scb stream>",
) -> BulkParseResult:
    """Stream SCB's bulk text (Latin-1, TAB-separated) and keep the wanted rows.

    The same keep rule as ``parse_bolagsverket_lines`` with SCB's juridisk form codes. Columns
    are found by header name, so a reordered file still parses. Output columns: ``SCB_SCHEMA``.
    """
    row_filter = _RowFilter.build(keep_orgnrs, county_postcode_prefixes, county_postorter,
                                  candidate_legal_forms)
    return _stream_scb(stream, source, row_filter)


# --- Safe zip reading ------------------------------------------------------------------------

class _LimitedReader(io.RawIOBase):
    """A read-only stream that fails once more than ``limit`` bytes come out of it.

    The header sizes are checked before reading, but a forged header must not let more through,
    so the limit is enforced again on the bytes actually inflated.
    """

    def __init__(self, inner: BinaryIO, limit: int, source: str) -> None:
        super().__init__()
        self._inner, self._limit, self._source, self._count = inner, limit, source, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        self._count += len(data)
        if self._count > self._limit:
            raise BulkFileError(f"{self._source}: inflated past {self._limit:,} bytes, more than its "
                                "header allows (size or compression-ratio limit); refused")
        buffer[:len(data)] = data
        return len(data)


def _is_unsafe_name(name: str) -> bool:
    """Absolute paths, drive letters and `..` components could escape an extraction folder."""
    normalised = name.replace("\\", "/")
    return (normalised.startswith("/") or re.match(r"[A-Za-z]:", normalised) is not None
            or ".." in PurePosixPath(normalised).parts)


def _check_member(info: zipfile.ZipInfo, *, zip_path: Path, max_member_bytes: int,
                  max_compression_ratio: float) -> None:
    """Refuse an unsafe member before a single byte of it is inflated."""
    where = f"{zip_path}!{info.filename}"
    if _is_unsafe_name(info.filename):
        raise BulkFileError(f"{where}: unsafe member name (absolute path or '..'); zip refused")
    if info.file_size > max_member_bytes:
        raise BulkFileError(f"{where}: {info.file_size:,} bytes uncompressed, above the limit of "
                            f"{max_member_bytes:,} (sources.bulk.max_member_bytes); refused")
    ratio = info.file_size / max(info.compress_size, 1)
    if ratio > max_compression_ratio:
        raise BulkFileError(f"{where}: compression ratio {ratio:,.0f} above the limit of "
                            f"{max_compression_ratio:g} (sources.bulk.max_compression_ratio); "
                            "possible zip bomb, refused")


def _read_limit(info: zipfile.ZipInfo, *, max_member_bytes: int, max_compression_ratio: float) -> int:
    """The most bytes a member may inflate to under both limits."""
    return min(max_member_bytes, int(max_compression_ratio * max(info.compress_size, 1)))


def _data_members(archive: zipfile.ZipFile, zip_path: Path) -> list[zipfile.ZipInfo]:
    """The text members to parse (SCB may split its file into numbered parts), in name order."""
    members = sorted((i for i in archive.infolist()
                      if not i.is_dir() and i.filename.lower().endswith(".txt")),
                     key=lambda i: i.filename)
    if not members:
        names = ", ".join(i.filename for i in archive.infolist()) or "(empty)"
        raise BulkFileError(f"{zip_path}: no .txt member to parse; the zip holds {names}")
    return members


def _combine(results: list[BulkParseResult], source: str) -> BulkParseResult:
    """One result for several members of one zip."""
    if len(results) == 1:
        return results[0]
    return BulkParseResult(
        frame=pd.concat([r.frame for r in results], ignore_index=True),
        source=source,
        encoding=",".join(sorted({r.encoding for r in results})),
        lines_read=sum(r.lines_read for r in results),
        rows_kept=sum(r.rows_kept for r in results),
        rows_filtered_out=sum(r.rows_filtered_out for r in results),
        person_rows_dropped=sum(r.person_rows_dropped for r in results),
        malformed_rows=sum(r.malformed_rows for r in results),
        undecodable_lines=sum(r.undecodable_lines for r in results),
    )


def _parse_zip(path: Path | str, parse_member: Callable[[BinaryIO, str], BulkParseResult], *,
               max_member_bytes: int, max_compression_ratio: float) -> BulkParseResult:
    """Check every member of the zip, then stream each text member through ``parse_member``."""
    zip_path = Path(path)
    try:
        archive = zipfile.ZipFile(zip_path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BulkFileError(f"{zip_path}: cannot open as a zip file: {exc}") from None
    with archive:
        for info in archive.infolist():
            _check_member(info, zip_path=zip_path, max_member_bytes=max_member_bytes,
                          max_compression_ratio=max_compression_ratio)
        results = [_parse_member(archive, info, zip_path, parse_member,
                                 _read_limit(info, max_member_bytes=max_member_bytes,
                                             max_compression_ratio=max_compression_ratio))
                   for info in _data_members(archive, zip_path)]
    return _combine(results, str(zip_path))


def _parse_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, zip_path: Path,
                  parse_member: Callable[[BinaryIO, str], BulkParseResult], limit: int) -> BulkParseResult:
    """Stream one checked member; corrupt data becomes a ``BulkFileError`` naming the member."""
    source = f"{zip_path}!{info.filename}"
    try:
        with archive.open(info) as member:
            return parse_member(_LimitedReader(member, limit, source), source)  # type: ignore[arg-type]
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise BulkFileError(f"{source}: corrupt zip data: {exc}") from None


# --- Public API: zip files -------------------------------------------------------------------

def parse_bolagsverket_zip(
    path: Path | str,
    *,
    keep_orgnrs: Iterable[str],
    county_postcode_prefixes: Iterable[str],
    county_postorter: Iterable[str],
    max_member_bytes: int,
    max_compression_ratio: float,
    candidate_legal_forms: Iterable[str] = BOLAGSVERKET_CANDIDATE_FORMS,
) -> BulkParseResult:
    """Safely stream `bolagsverket_bulkfil.zip` and keep the wanted rows (see the _lines reader)."""
    row_filter = _RowFilter.build(keep_orgnrs, county_postcode_prefixes, county_postorter,
                                  candidate_legal_forms)
    return _parse_zip(path, functools.partial(_stream_bolagsverket, row_filter=row_filter),
                      max_member_bytes=max_member_bytes, max_compression_ratio=max_compression_ratio)


def parse_scb_zip(
    path: Path | str,
    *,
    keep_orgnrs: Iterable[str],
    county_postcode_prefixes: Iterable[str],
    county_postorter: Iterable[str],
    max_member_bytes: int,
    max_compression_ratio: float,
    candidate_legal_forms: Iterable[str] = SCB_CANDIDATE_FORMS,
) -> BulkParseResult:
    """Safely stream `scb_bulkfil.zip` (every `.txt` part) and keep the wanted rows."""
    row_filter = _RowFilter.build(keep_orgnrs, county_postcode_prefixes, county_postorter,
                                  candidate_legal_forms)
    return _parse_zip(path, functools.partial(_stream_scb, row_filter=row_filter),
                      max_member_bytes=max_member_bytes, max_compression_ratio=max_compression_ratio)
