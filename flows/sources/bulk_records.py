"""The streaming table machinery both bulk files share (reference/data-sources.md §3).

The real files are about 1 GB and 3 M lines inside a zip, and socek needs a few thousand rows of
them: the enterprises in the municipal registers plus the county's social-economy candidates. So
each member is read line by line, every row is judged as it passes, and only the kept rows are held
in memory and turned into a DataFrame at the end; every data line is accounted for.

Privacy (DESIGN §6): rows that identify a natural person are dropped the moment their identity field
is read (``Drop.PERSON``). They are counted, never returned, logged or stored. Log messages name
files and line numbers only, never a line's content, because a malformed line may hold such a number.
"""

from __future__ import annotations

import enum
import io
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO, TextIO

import pandas as pd
import pyarrow as pa

from flows.common.encoding import detect_encoding
from flows.common.identifiers import normalise_id
from flows.errors import SourceError

log = logging.getLogger(__name__)


class BulkFileError(SourceError):
    """A bulk file or zip member cannot be read safely (unsafe zip, wrong header, corrupt data)."""


# Bytes looked at to choose the encoding: large enough to meet an å/ä/ö in any real file.
_SAMPLE_BYTES = 1 << 20
_POSTNUMMER = re.compile(r"\d{3}\s?\d{2}")
_WHITESPACE = re.compile(r"\s")
_COLUMN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_MALFORMED_LINES_LOGGED = 10
TEXT, DATE = "string", pd.ArrowDtype(pa.date32())  # the output frames' column types


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
class Tally:
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


class Drop(enum.Enum):
    """Why a data row was not kept."""

    PERSON = "person"
    FILTERED = "filtered"
    MALFORMED = "malformed"


Row = tuple[object, ...]
RowHandler = Callable[[list[str], dict[str, int]], "Row | Drop"]


@dataclass(frozen=True)
class RowFilter:
    """Which rows to keep: a listed enterprise, or a social-economy legal form in the county."""

    keep_orgnrs: frozenset[str]
    postcode_prefixes: tuple[str, ...]
    postorter: frozenset[str]
    legal_forms: frozenset[str]

    @classmethod
    def build(cls, keep_orgnrs: Iterable[str], postcode_prefixes: Iterable[str],
              postorter: Iterable[str], legal_forms: Iterable[str]) -> RowFilter:
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


def open_text(stream: BinaryIO, *, newline: str | None, ascii_encoding: str,
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


def clean_lines(text: TextIO, tally: Tally) -> Iterator[str]:
    """Lines with NUL bytes removed (they break csv parsing), counting undecodable ones."""
    for line in text:
        if "\x00" in line:
            line = line.replace("\x00", "")
        if "\ufffd" in line:
            tally.undecodable_lines += 1
        yield line


def header_index(header: list[str] | None, required: Sequence[str], source: str) -> dict[str, int]:
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


def collect_rows(records: Iterator[tuple[int, list[str] | None]], *, required: Sequence[str],
                  handle: RowHandler, source: str, tally: Tally) -> list[Row]:
    """Read the header, then judge every data record with ``handle``, keeping its rows."""
    _, header = next(records, (0, None))
    index = header_index(header, required, source)
    width = len(header or ())
    kept: list[Row] = []
    for line_number, fields in records:
        tally.lines_read += 1
        outcome = Drop.MALFORMED if fields is None or len(fields) != width else handle(fields, index)
        if outcome is Drop.MALFORMED:
            tally.malformed(line_number)
        elif outcome is Drop.PERSON:
            tally.person_rows_dropped += 1
        elif outcome is Drop.FILTERED:
            tally.rows_filtered_out += 1
        else:
            kept.append(outcome)
    return kept


def _frame(rows: list[Row], schema: Sequence[tuple[str, object]]) -> pd.DataFrame:
    """Build the output frame column by column from the kept rows only."""
    columns = list(zip(*rows)) if rows else [()] * len(schema)
    return pd.DataFrame({name: pd.array(list(values), dtype=dtype)
                         for (name, dtype), values in zip(schema, columns)})


def bulk_result(rows: list[Row], schema: Sequence[tuple[str, object]], *, source: str, encoding: str,
            tally: Tally) -> BulkParseResult:
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


def text_or_none(value: str) -> str | None:
    value = value.strip()
    return value or None


def parse_date(value: str) -> date | None:
    """`YYYY-MM-DD` (Bolagsverket) or `YYYYMMDD` (SCB); anything else is unknown, not an error."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def parse_postnummer(value: str) -> str | None:
    """Five digits without the space (`702 10` -> `70210`), or None."""
    value = value.strip()
    return _WHITESPACE.sub("", value) if _POSTNUMMER.fullmatch(value) else None


@dataclass(frozen=True)
class BulkFormat:
    """One bulk file's format: how its text stream is parsed, and its social-economy legal forms."""

    default_source: str
    parse_stream: Callable[[BinaryIO, str, RowFilter], BulkParseResult]
    candidate_forms: frozenset[str]

    def row_filter(self, keep_orgnrs: Iterable[str], county_postcode_prefixes: Iterable[str],
                   county_postorter: Iterable[str], candidate_legal_forms: Iterable[str] | None) -> RowFilter:
        forms = self.candidate_forms if candidate_legal_forms is None else candidate_legal_forms
        return RowFilter.build(keep_orgnrs, county_postcode_prefixes, county_postorter, forms)


def parse_lines(fmt: BulkFormat, stream: BinaryIO, *, keep_orgnrs: Iterable[str],
                county_postcode_prefixes: Iterable[str], county_postorter: Iterable[str],
                candidate_legal_forms: Iterable[str] | None = None, source: str | None = None) -> BulkParseResult:
    """Stream a bulk file's text and keep the wanted rows; the stream is consumed.

    A row is kept if its org nr is in ``keep_orgnrs``, or if its legal form is a candidate form and
    its postal address is in the county (postnummer prefix or postort).
    """
    row_filter = fmt.row_filter(keep_orgnrs, county_postcode_prefixes, county_postorter, candidate_legal_forms)
    return fmt.parse_stream(stream, source or fmt.default_source, row_filter)
