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
    """The header record (below any title rows) and how many records stand before it."""
    records: list[list[str]] = []
    with _field_limit(max_field_chars):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for record in reader:
                records.append(record)
                if sum(1 for r in records if "".join(r).strip()) >= HEADER_SEARCH_ROWS:
                    break
        except csv.Error as exc:
            raise _csv_problem(path, reader.line_num, exc, max_field_chars) from None
    try:
        index = header_row(records)
    except ValueError:
        raise InboxError(f"{path}: the file has no header row") from None
    return index, records[index]


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
    if len(header) != len(header_fields) or not all(field.strip() for field in header_fields):
        return None
    if text.count('"') % 2:
        return None
    irregular: list[int] = []

    def note(row: object) -> str:
        irregular.append(1)
        return "skip"

    names = [f"f{index}" for index in range(len(header))]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False,
                invalid_row_handler=note,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                strings_can_be_null=False, quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if irregular or table.num_rows == 0 or [table.column(n)[0].as_py() for n in names] != header_fields:
        return None
    if any(_longest(table.column(name)) > max_field_chars for name in names):
        return None
    return _arrow_frame(table.slice(1), header)


def _longest(column: pa.ChunkedArray) -> int:
    longest = pc.max(pc.utf8_length(column)).as_py()
    return longest or 0


def _arrow_frame(table: pa.Table, header: list[str]) -> pd.DataFrame:
    """Arrow columns to a pandas frame of ``TEXT_DTYPE`` with row numbers and an empty ``_extra``."""
    frame = table.rename_columns(header).to_pandas(types_mapper=_text_type)
    return with_row_info(frame, range(1, table.num_rows + 1), None)


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
    """All records. Strict parsing first, to catch a quote left open at the end of the file (which
    would silently swallow every row after it); lenient parsing when the file only has stray quotes
    inside cells, which spreadsheet programs read literally too."""
    with _field_limit(max_field_chars):
        for strict in (True, False):
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)
            try:
                return list(reader)
            except csv.Error as exc:
                if "unexpected end of data" in str(exc):
                    raise InboxError(
                        f"{path}: a quote (\") opened near line {reader.line_num} is never closed, so the "
                        "rest of the file would be read as one cell; fix the quote and deliver again"
                    ) from None
                if not strict or "field larger than field limit" in str(exc):
                    raise _csv_problem(path, reader.line_num, exc, max_field_chars) from None
    raise AssertionError("unreachable: the lenient pass returns or raises")
