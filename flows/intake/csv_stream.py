"""Large CSV deliveries read in pieces: the table ``csv_reader.read_csv`` gives, a block at a time.

``read_csv`` holds a file whole, as bytes, text and columns: about ten times a delivery's size at
its peak, 10 GB for a file at the 1 GiB limit. A file above ``STREAM_ABOVE_BYTES`` is read in passes
that each hold one block of it:

1. its encoding, by the rule of ``flows.common.encoding.decode_text`` (a byte-order mark decides,
   else strict UTF-8 over the whole file, else Windows-1252, else latin-1), with the binary and
   blank checks of ``table.decode_file`` and a count of its quotes, decoding block by block;
2. its delimiter, line end and header, by ``csv_reader``'s own sniffers on the file's start;
3. when the file is regular (``csv_reader``'s fast-path conditions, checked by a first run of Arrow's
   streaming reader over the whole file), Arrow reads it in pieces, the text transcoded to UTF-8 as
   it streams; otherwise the csv module reads the decoded text stream, strictly when the whole file
   allows it (decided by a first run, as ``csv_reader`` decides), a piece of records at a time.

Every piece is a ``RawTable`` of the rows the whole-file reader gives, with the same row numbers,
blanks and ``_extra``; its ``skipped_blank_rows`` counts the blank rows within the piece.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from flows.common.encoding import bom
from flows.errors import InboxError
from flows.intake.csv_reader import (
    _field_limit,
    _line_ending,
    _sniff_delimiter,
    arrow_frame,
    arrow_options,
    csv_pass,
    first_records,
    header_record,
    regular_header,
    starts_with_header,
    too_long,
)
from flows.intake.table import (
    RawTable,
    drop_blank_rows,
    header_names,
    header_row,
    read_bytes,
    records_frame,
    refuse_binary,
)

STREAM_ABOVE_BYTES = 64 << 20  # smaller files are read whole (csv_reader): faster, and small enough
_BLOCK_BYTES = 8 << 20  # what one pass holds of the file at a time
_START_CHARS = 1 << 20  # the file's start the sniffers look at (they read its first 64 K characters)


@dataclass(frozen=True)
class _Text:
    """How a file's bytes become its text."""

    name: str  # the encoding as ``decode_text`` names it (utf-8-sig, utf-16-le, cp1252, ...)
    codec: str  # the Python codec of the bytes after the byte-order mark
    mark: int  # the byte-order mark's length
    start: str  # the first characters of the text
    quotes: int  # how many '"' the text holds
    blank: bool  # the text holds nothing but white space

    def open(self, path: Path) -> io.TextIOWrapper:
        raw = open(path, "rb")  # noqa: SIM115 - closed with the wrapper
        raw.seek(self.mark)
        return io.TextIOWrapper(raw, encoding=self.codec, newline="")


def read_pieces(path: Path, max_field_chars: int, piece_rows: int) -> Iterator[RawTable]:
    """The file's rows in pieces of about ``piece_rows`` rows (an ``InboxError`` before the first one
    when the file cannot be used, with the message the whole-file reader gives)."""
    text = _scan(path)
    refuse_binary(text.start, path)
    if text.blank:
        raise InboxError(f"{path}: the file is empty (only blanks or line ends)")
    delimiter = _sniff_delimiter(text.start)
    line_ending = _line_ending(text.start)
    before, header_fields = _header(path, text, delimiter, max_field_chars)
    header = header_names(header_fields, path)
    if before == 0 and regular_header(header_fields, header) and text.quotes % 2 == 0 \
            and _regular(path, text, delimiter, header_fields, max_field_chars):
        pieces = _fast_pieces(path, text, delimiter, header, piece_rows)
        title_rows = 0
    else:
        strict = _strictness(path, text, delimiter, max_field_chars)
        pieces, title_rows = _careful_pieces(path, text, delimiter, strict, max_field_chars, piece_rows)
    for frame in pieces:
        frame, skipped = drop_blank_rows(frame)
        yield RawTable(frame, path, "csv", text.name, delimiter, line_ending, skipped, (path,), title_rows)


def _scan(path: Path) -> _Text:
    """Pass 1: the encoding, the text's start and its quotes (see the module docstring)."""
    announced, mark = bom(read_bytes(path, 4))
    if announced:
        codec = "utf-8" if announced == "utf-8-sig" else announced
        try:
            return _decode(path, announced, codec, mark)
        except UnicodeDecodeError as exc:
            raise InboxError(
                f"{path}: the file starts with a {announced} byte-order mark but is not valid "
                f"{announced} (bad bytes at position {exc.start + mark}); save it again as {announced}"
            ) from None
    for name in ("utf-8", "cp1252"):
        try:
            return _decode(path, name, name, 0)
        except UnicodeDecodeError:
            continue
    return _decode(path, "latin-1", "latin-1", 0)


def _decode(path: Path, name: str, codec: str, mark: int) -> _Text:
    """Decode the whole file block by block (``UnicodeDecodeError`` with ``start`` counted from the
    text's first byte); keep its start, count its quotes, note whether it is blank."""
    decoder = codecs.getincrementaldecoder(codec)()
    start, quotes, offset, blank = "", 0, 0, True
    with open(path, "rb") as handle:
        handle.seek(mark)
        while True:
            block = handle.read(_BLOCK_BYTES)
            try:
                chunk = decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                exc.start += offset
                raise
            offset += len(block)
            if len(start) < _START_CHARS:
                start += chunk[: _START_CHARS - len(start)]
            quotes += chunk.count('"')
            blank = blank and (not chunk or chunk.isspace())
            if not block:
                break
    return _Text(name, codec, mark, start, quotes, blank)


def _header(path: Path, text: _Text, delimiter: str, max_field_chars: int) -> tuple[int, list[str]]:
    return header_record(lambda: text.open(path), delimiter, path, max_field_chars)


def _arrow_reader(path: Path, text: _Text, delimiter: str, width: int, on_invalid_row):
    handle = open(path, "rb")  # noqa: SIM115 - closed by the caller through the reader's source
    handle.seek(text.mark)
    encoding = {} if text.codec == "utf-8" else {"encoding": text.codec}  # transcoded to UTF-8 as it streams
    options = arrow_options(width, delimiter, on_invalid_row, block_size=_BLOCK_BYTES, **encoding)
    return handle, pacsv.open_csv(handle, **options)


def _regular(path: Path, text: _Text, delimiter: str, header_fields: list[str], max_field_chars: int) -> bool:
    """A first run of Arrow over the whole file: may the fast path read it (as ``_parse_fast`` asks)?"""
    irregular: list[int] = []

    def note(row: object) -> str:
        irregular.append(1)
        return "skip"

    handle, reader = _arrow_reader(path, text, delimiter, len(header_fields), note)
    try:
        first = True
        for batch in reader:
            if (first and not starts_with_header(batch, header_fields)) or irregular \
                    or too_long(batch, max_field_chars):
                return False
            first = False
        return not first and not irregular
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    finally:
        handle.close()


def _fast_pieces(path: Path, text: _Text, delimiter: str, header: list[str], piece_rows: int):
    handle, reader = _arrow_reader(path, text, delimiter, len(header), lambda row: "error")
    try:
        rows: pa.Table | None = None
        number = 0  # the number of the last row handed out; the header is row 0
        for batch in reader:
            batch_table = pa.Table.from_batches([batch])
            if rows is None:
                batch_table = batch_table.slice(1)  # the header
            rows = batch_table if rows is None else pa.concat_tables([rows, batch_table])
            while rows.num_rows >= piece_rows:
                yield arrow_frame(rows.slice(0, piece_rows), header, number + 1)
                number += piece_rows
                rows = rows.slice(piece_rows)
        if rows is not None and (rows.num_rows or not number):  # a header without rows is one empty piece
            yield arrow_frame(rows, header, number + 1)
    finally:
        handle.close()


def _strictness(path: Path, text: _Text, delimiter: str, max_field_chars: int) -> bool:
    """A first run of the csv module over the whole file, as ``csv_reader._csv_records`` decides:
    strict parsing when it passes (a quote left open at the end is refused), else lenient."""
    return csv_pass(lambda: text.open(path), delimiter, path, max_field_chars, lambda r: deque(r, maxlen=0))[0]


def _careful_pieces(path: Path, text: _Text, delimiter: str, strict: bool, max_field_chars: int,
                    piece_rows: int):
    """The csv module's records below the header, in pieces; and how many title rows stood above it."""
    stream = text.open(path)
    with _field_limit(max_field_chars):
        reader = csv.reader(stream, delimiter=delimiter, strict=strict)
        first = first_records(reader)
    start = header_row(first)
    header = header_names(first[start], path)
    title_rows = sum(1 for record in first[:start] if "".join(record).strip())

    def pieces():
        try:
            number, pending = 0, first[start + 1:]
            while True:
                with _field_limit(max_field_chars):
                    pending += list(islice(reader, max(piece_rows - len(pending), 0)))
                if not pending and number:
                    return
                numbered = [(number + offset, record) for offset, record in enumerate(pending, start=1)]
                yield records_frame(header, numbered)  # a header without rows is one empty piece
                if not pending:
                    return
                number += len(pending)
                pending = []
        finally:
            stream.close()

    return pieces(), title_rows
