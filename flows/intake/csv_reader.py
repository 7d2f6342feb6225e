"""CSV deliveries: any accepted encoding, delimiter (``;`` TAB ``,``) and line end (LF, CRLF, CR).

Arrow parses regular files about ten times faster than Python's csv module; anything irregular
(ragged rows, quotes left open, blank lines or title rows before the header) goes through the careful parser,
which gives the same table for a regular file and keeps every row of an irregular one.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from flows.errors import InboxError
from flows.intake.table import (
    _SNIFF_CHARS,
    HEADER_SEARCH_ROWS,
    TEXT_DTYPE,
    RawTable,
    decode_file,
    drop_blank_rows,
    header_names,
    header_row,
    read_bytes,
    records_frame,
    with_row_info,
)

DELIMITERS = (";", "\t", ",")  # in order of preference when the sniffer finds a tie
_SNIFF_RECORDS = HEADER_SEARCH_ROWS


def read_csv(path: Path, max_field_chars: int) -> RawTable:
    text, encoding = decode_file(read_bytes(path), path)
    delimiter = _sniff_delimiter(text)
    before, header_fields = _header_record(text, delimiter, path, max_field_chars)
    header = header_names(header_fields, path)
    frame = _parse_fast(text, delimiter, header_fields, header, max_field_chars) if before == 0 else None
    title_rows = 0
    if frame is None:
        frame, title_rows = _parse_careful(text, delimiter, path, max_field_chars)
    frame, skipped = drop_blank_rows(frame)
    return RawTable(frame, path, "csv", encoding, delimiter, _line_ending(text), skipped, (path,), title_rows)


def _sniff_delimiter(text: str) -> str:
    """The delimiter (``;``, TAB or ``,``) that splits the header into most columns consistently.

    Each candidate parses the first records (quotes respected) and finds its header below any title
    rows (``table.header_row``); the winner has more than one header column, the largest share of
    the sampled records as wide as its header (title rows count against it), then the widest header. Ties go to ``;``, the
    Swedish default, then TAB, then ``,``.
    """
    sample = _complete_lines(text[:_SNIFF_CHARS], len(text) > _SNIFF_CHARS)

    def score(delimiter: str) -> tuple[bool, float, int, int]:
        records = _sample_records(sample, delimiter)
        if not records:
            return (False, 0.0, 0, -DELIMITERS.index(delimiter))
        header = len(records[header_row(records)])
        consistent = sum(1 for record in records if len(record) == header) / len(records)
        return (header > 1, consistent, header, -DELIMITERS.index(delimiter))

    return max(DELIMITERS, key=score)


def _complete_lines(sample: str, truncated: bool) -> str:
    """Cut a truncated sample after its last line end, so no half record skews the sniffer."""
    if not truncated:
        return sample
    end = max(sample.rfind("\n"), sample.rfind("\r"))
    return sample[: end + 1] if end > 0 else sample


def _sample_records(sample: str, delimiter: str) -> list[list[str]]:
    """The first non-blank records of the sample under one delimiter."""
    records: list[list[str]] = []
    with contextlib.suppress(csv.Error):
        for record in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if "".join(record).strip():
                records.append(record)
            if len(records) >= _SNIFF_RECORDS:
                break
    return records


def _line_ending(text: str) -> Literal["LF", "CRLF", "CR"] | None:
    """The most common line end of the text's start (None for a single line without one)."""
    sample = text[:_SNIFF_CHARS]
    crlf = sample.count("\r\n")
    counts = {"CRLF": crlf, "LF": sample.count("\n") - crlf, "CR": sample.count("\r") - crlf}
    best = max(counts, key=lambda name: counts[name])
    return best if counts[best] else None  # type: ignore[return-value]


@contextlib.contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    """Set ``csv.field_size_limit`` for one read and put the old (process-wide) value back."""
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _header_record(text: str, delimiter: str, path: Path, max_field_chars: int) -> tuple[int, list[str]]:
    return header_record(lambda: io.StringIO(text, newline=""), delimiter, path, max_field_chars)


def header_record(open_text, delimiter: str, path: Path, max_field_chars: int) -> tuple[int, list[str]]:
    """The header record (below any title rows) of the text ``open_text()`` gives, and how many
    records stand before it."""
    with open_text() as stream, _field_limit(max_field_chars):
        reader = csv.reader(stream, delimiter=delimiter)
        try:
            records = first_records(reader)
        except csv.Error as exc:
            raise _csv_problem(path, reader.line_num, exc, max_field_chars) from None
    try:
        index = header_row(records)
    except ValueError:
        raise InboxError(f"{path}: the file has no header row") from None
    return index, records[index]


def first_records(reader) -> list[list[str]]:
    """Records up to the last of the first ``HEADER_SEARCH_ROWS`` non-blank ones (where a header is
    looked for), blank ones included."""
    records: list[list[str]] = []
    filled = 0
    for record in reader:
        records.append(record)
        filled += 1 if "".join(record).strip() else 0
        if filled >= HEADER_SEARCH_ROWS:
            break
    return records


def _csv_problem(path: Path, line: int, exc: csv.Error, max_field_chars: int) -> InboxError:
    """Turn a ``csv.Error`` into words an analyst can act on."""
    if "field larger than field limit" in str(exc):
        return InboxError(
            f"{path}: near line {line} a cell is longer than {max_field_chars:,} characters; most "
            'likely a quote (") is opened and never closed'
        )
    return InboxError(f"{path}: cannot read the CSV near line {line}: {exc}")


def _parse_fast(
    text: str, delimiter: str, header_fields: list[str], header: list[str], max_field_chars: int
) -> pd.DataFrame | None:
    """Parse a well-formed CSV with Arrow (about ten times faster than the csv module).

    Returns None, so the careful parser takes over, whenever the file is anything but regular:
    blank lines before the header, rows of another width, a blank header name, an odd number of
    quotes (Arrow would accept a quote left open at the end), over-long cells or anything Arrow
    cannot parse. Both parsers give the same table for a regular file.
    """
    if not regular_header(header_fields, header) or text.count('"') % 2:
        return None
    irregular: list[int] = []

    def note(row: object) -> str:
        irregular.append(1)
        return "skip"

    try:
        table = pacsv.read_csv(pa.py_buffer(text.encode("utf-8")), **arrow_options(len(header), delimiter, note))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if irregular or not starts_with_header(table, header_fields) or too_long(table, max_field_chars):
        return None
    return arrow_frame(table.slice(1), header)


def regular_header(header_fields: list[str], header: list[str]) -> bool:
    """Every header field named, none dropped: a header the fast path can take."""
    return len(header) == len(header_fields) and all(field.strip() for field in header_fields)


def arrow_options(width: int, delimiter: str, on_invalid_row, **read_options) -> dict:
    """Arrow's CSV options of the fast path: every field text, as delivered, in columns ``f0..``;
    rows of another width (blank lines too) are handed to ``on_invalid_row``."""
    names = [f"f{index}" for index in range(width)]
    return {
        "read_options": pacsv.ReadOptions(column_names=names, **read_options),
        "parse_options": pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False,
                                            invalid_row_handler=on_invalid_row),
        "convert_options": pacsv.ConvertOptions(column_types={name: pa.string() for name in names},
                                                strings_can_be_null=False, quoted_strings_can_be_null=False),
    }


def starts_with_header(table: pa.Table | pa.RecordBatch, header_fields: list[str]) -> bool:
    """The first row Arrow read is the header the sniffer found (a sanity check of the fast path)."""
    return table.num_rows > 0 and [table.column(i)[0].as_py() for i in range(table.num_columns)] == header_fields


def too_long(table: pa.Table | pa.RecordBatch, max_field_chars: int) -> bool:
    return any((pc.max(pc.utf8_length(table.column(i))).as_py() or 0) > max_field_chars
               for i in range(table.num_columns))


def arrow_frame(table: pa.Table, header: list[str], first_row: int = 1) -> pd.DataFrame:
    """Arrow columns to a pandas frame of ``TEXT_DTYPE`` with row numbers (from ``first_row``) and an
    empty ``_extra``."""
    frame = table.rename_columns(header).to_pandas(types_mapper=_text_type)
    return with_row_info(frame, range(first_row, first_row + table.num_rows), None)


def _text_type(arrow_type: pa.DataType) -> pd.StringDtype | None:
    return TEXT_DTYPE if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type) else None


def _parse_careful(text: str, delimiter: str, path: Path, max_field_chars: int) -> tuple[pd.DataFrame, int]:
    """Parse any CSV the csv module accepts: ragged rows, blank lines, odd quoting, title rows.

    Returns the frame and how many non-blank title rows stood above the header.
    """
    records = _csv_records(text, delimiter, path, max_field_chars)
    start = header_row(records)
    header = header_names(records[start], path)
    numbered = ((number, record) for number, record in enumerate(records[start + 1:], start=1))
    title_rows = sum(1 for record in records[:start] if "".join(record).strip())
    return records_frame(header, numbered), title_rows


def _csv_records(text: str, delimiter: str, path: Path, max_field_chars: int) -> list[list[str]]:
    """All records (see ``csv_pass``)."""
    return csv_pass(lambda: io.StringIO(text, newline=""), delimiter, path, max_field_chars, list)[1]


def csv_pass(open_text, delimiter: str, path: Path, max_field_chars: int, consume) -> tuple[bool, object]:
    """Run the csv module over the text ``open_text()`` gives and ``consume`` its records: strict
    parsing first, to catch a quote left open at the end of the file (which would silently swallow
    every row after it); lenient parsing when the file only has stray quotes inside cells, which
    spreadsheet programs read literally too. Returns whether strict parsing passed, and what
    ``consume`` made of the records."""
    with _field_limit(max_field_chars):
        for strict in (True, False):
            with open_text() as stream:
                reader = csv.reader(stream, delimiter=delimiter, strict=strict)
                try:
                    return strict, consume(reader)
                except csv.Error as exc:
                    if "unexpected end of data" in str(exc):
                        raise InboxError(
                            f"{path}: a quote (\") opened near line {reader.line_num} is never closed, so the "
                            "rest of the file would be read as one cell; fix the quote and deliver again"
                        ) from None
                    if not strict or "field larger than field limit" in str(exc):
                        raise _csv_problem(path, reader.line_num, exc, max_field_chars) from None
    raise AssertionError("unreachable: the lenient pass returns or raises")
