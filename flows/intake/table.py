"""The raw table every reader produces, and the row rules shared by every format.

- The header is the first non-blank row, unless title rows stand above it (``header_row``): publishers
  put a report title, a date or a source line over the table in Excel. Header names are trimmed and
  lose any byte-order mark.
- ``_row_number`` is the 1-based number of the data row as delivered (the first row after the header
  is 1). Blank rows are counted in that numbering but left out of the table (``skipped_blank_rows``).
- A row with more cells than the header keeps the surplus in ``_extra`` as a JSON array of text, so
  validation can quarantine it; a row with fewer cells gets NA in the missing ones.
- Every value is text (``TEXT_DTYPE``), kept exactly as delivered (a code such as ``0180`` keeps its
  leading zero); a blank or whitespace-only cell is NA.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from flows.common.encoding import bom, decode_text
from flows.errors import InboxError

TEXT_DTYPE = pd.StringDtype("pyarrow")  # text with pd.NA for blanks, Arrow-backed (fast validation)
ROW_NUMBER = "_row_number"
EXTRA = "_extra"
RESERVED_COLUMNS = (ROW_NUMBER, EXTRA)
DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB: beyond that a delivery should be split, e.g. per month
DEFAULT_MAX_FIELD_CHARS = 1_000_000  # a longer cell almost always means an unclosed quote
DEFAULT_MAX_COMPRESSION_RATIO = 200.0  # the bulk zips' limit; a real sheet inflates 5-30 times
HEADER_SEARCH_ROWS = 30  # title rows are looked for among this many non-blank rows
_NUMBER_OR_DATE = re.compile(r"[+\-\u2212]?[\d\s.,:/\-]*\d[\d\s.,:/\-]*")
_SNIFF_CHARS = 65_536
_JUNK_SHARE = 0.01  # more control characters than this share of the text means binary data
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
Format = Literal["csv", "xlsx", "json"]


@dataclass(frozen=True)
class RawTable:
    """One delivered file as text: delivered header names, ``_row_number``, ``_extra``.

    ``parts`` lists every file read, in order: the file itself and, for paged JSON, the pages its
    ``next`` links led to (lineage needs a checksum of each).
    """

    frame: pd.DataFrame
    path: Path
    format: Format
    encoding: str | None
    delimiter: str | None
    line_ending: Literal["LF", "CRLF", "CR"] | None
    skipped_blank_rows: int = 0
    parts: tuple[Path, ...] = ()
    title_rows: int = 0  # non-blank rows above the header that were skipped (report titles)

    @property
    def headers(self) -> list[str]:
        """The delivered column names, in delivered order."""
        return [c for c in self.frame.columns if c not in RESERVED_COLUMNS]


@dataclass(frozen=True)
class ReadLimits:
    """How big a delivery may be: the file, a CSV cell, and an XLSX workbook once unpacked.

    The unpacked limits are checked on the zip's headers before anything is inflated, and again on
    the bytes actually inflated (``flows.common.zipsafe``), so a small zip bomb is refused at once.
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    max_field_chars: int = DEFAULT_MAX_FIELD_CHARS
    max_unpacked_bytes: int = DEFAULT_MAX_BYTES
    max_compression_ratio: float = DEFAULT_MAX_COMPRESSION_RATIO


def header_row(rows: Sequence[Sequence[str | None]]) -> int:
    """Index of the header row among ``rows`` (the first rows of a file, blank ones included).

    A header names at least half as many columns as the table's typical row fills (the median of
    the non-blank rows sampled), at least two when rows typically fill two, and none of its cells
    looks like a number or a date. Report titles, dates and source lines above the table fill fewer
    cells, so they are skipped; when no row qualifies the first non-blank row is the header, as it
    always was. Raises ``ValueError`` when every row is blank.
    """
    filled = [(index, [cell.strip() for cell in row if cell is not None and cell.strip()])
              for index, row in enumerate(rows)]
    filled = [(index, cells) for index, cells in filled if cells][:HEADER_SEARCH_ROWS]
    if not filled:
        raise ValueError("no non-blank row")
    counts = sorted(len(cells) for _, cells in filled)
    typical = counts[len(counts) // 2]
    wanted = max(2 if typical >= 2 else 1, -(-typical // 2))
    for index, cells in filled:
        if len(cells) >= wanted and not any(_NUMBER_OR_DATE.fullmatch(cell) for cell in cells):
            return index
    return filled[0][0]


def check_file(path: Path, max_bytes: int) -> bytes:
    """Refuse missing, empty and oversized files; return the first bytes for format sniffing."""
    if path.is_dir():
        raise InboxError(f"{path}: is a folder, not a file")
    if not path.is_file():
        raise InboxError(f"{path}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise InboxError(f"{path}: the file is empty (0 bytes)")
    if size > max_bytes:
        raise InboxError(
            f"{path}: the file is {size / 1e6:.1f} MB, more than the limit of {max_bytes / 1e6:.1f} MB; "
            "deliver it in smaller parts (for example one file per month)"
        )
    return read_bytes(path, 64)


def read_bytes(path: Path, limit: int = -1) -> bytes:
    """The file's bytes (the first ``limit`` of them), or an ``InboxError`` saying why not."""
    try:
        with path.open("rb") as handle:
            return handle.read(limit)
    except OSError as exc:
        raise InboxError(f"{path}: the file cannot be read ({exc.strerror or exc})") from None


def decode_file(data: bytes, path: Path) -> tuple[str, str]:
    """Decode delivered bytes (``flows.common.encoding``); returns the text and the encoding's name.

    Binary content is refused here because cp1252/latin-1 would otherwise "decode" anything.
    """
    try:
        text, encoding = decode_text(data)
    except UnicodeDecodeError as exc:
        announced, mark = bom(data)
        raise InboxError(
            f"{path}: the file starts with a {announced} byte-order mark but is not valid "
            f"{announced} (bad bytes at position {exc.start + mark}); save it again as {announced}"
        ) from None
    refuse_binary(text, path)
    if not text.strip():
        raise InboxError(f"{path}: the file is empty (only blanks or line ends)")
    return text, encoding


def refuse_binary(text: str, path: Path) -> None:
    """Refuse text with NUL bytes or many control characters: it was not a table."""
    sample = text[:_SNIFF_CHARS]
    if "\x00" in sample or len(_CONTROL.findall(sample)) > _JUNK_SHARE * len(sample):
        raise InboxError(
            f"{path}: the file contains binary data (NUL or control characters), not a text table; "
            "was another kind of file saved under this name? (UTF-16 files need a byte-order mark)"
        )


def header_names(fields: list[str], path: Path) -> list[str]:
    """Trimmed header names without BOM; trailing blank names dropped, inner blanks named ``column_N``.

    Two columns with the same name are refused: nobody could tell which one to read.
    """
    names = [field.replace("\ufeff", "").strip() for field in fields]
    while names and not names[-1]:
        names.pop()
    names = [name or f"column_{index}" for index, name in enumerate(names, start=1)]
    for name in names:
        if name in RESERVED_COLUMNS:
            raise InboxError(f"{path}: the column name {name!r} is reserved by socek; rename that column")
        positions = [index for index, other in enumerate(names, start=1) if other == name]
        if len(positions) > 1:
            raise InboxError(
                f"{path}: the header names the column {name!r} more than once (columns "
                f"{', '.join(map(str, positions))}); rename them so it is clear which one to read"
            )
    return names


def records_frame(header: list[str], records: Iterable[tuple[int, list[str | None]]]) -> pd.DataFrame:
    """Build the raw frame from numbered records, padding short ones and keeping surplus in ``_extra``."""
    width = len(header)
    columns: list[list[str | None]] = [[] for _ in header]
    numbers: list[int] = []
    extras: list[str | None] = []
    for number, cells in records:
        numbers.append(number)
        surplus = [cell for cell in cells[width:] if cell is not None]
        extras.append(json.dumps(surplus, ensure_ascii=False) if "".join(surplus).strip() else None)
        for index in range(width):
            columns[index].append(cells[index] if index < len(cells) else None)
    frame = pd.DataFrame({name: pd.array(values, dtype=TEXT_DTYPE) for name, values in zip(header, columns)})
    return with_row_info(frame, numbers, extras)


def with_row_info(frame: pd.DataFrame, numbers: Iterable[int], extras: list[str | None] | None) -> pd.DataFrame:
    """Add ``_row_number`` and ``_extra`` (``extras=None``: no row has surplus cells)."""
    if isinstance(numbers, range):
        frame[ROW_NUMBER] = np.arange(numbers.start, numbers.stop, numbers.step, dtype="int64")
    else:
        frame[ROW_NUMBER] = pd.array(list(numbers), dtype="int64")
    if extras is None:
        frame[EXTRA] = text_series(pa.nulls(len(frame), pa.large_string()), frame.index)
    else:
        frame[EXTRA] = pd.array(extras, dtype=TEXT_DTYPE)
    return frame


def drop_blank_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Blank cells become NA; rows with nothing in them are dropped and counted.

    Computed on the Arrow arrays (the same whitespace rule as pandas' ``str.strip``): a per-column
    pandas ``mask`` cost ~40 ms per file, which dominated reading a thousand small deliveries.
    """
    blank_row: pa.ChunkedArray | None = None
    for name in frame.columns:
        if name == ROW_NUMBER:
            continue
        values = text_arrow(frame[name])
        blank = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(values), ""), True)
        if pc.any(pc.and_(blank, pc.is_valid(values))).as_py():
            frame[name] = text_series(pc.if_else(blank, pa.scalar(None, values.type), values), frame.index)
        blank_row = blank if blank_row is None else pc.and_(blank_row, blank)
    if blank_row is None or len(frame) == 0:
        return frame, 0
    dropped = pc.sum(pc.cast(blank_row, pa.int64())).as_py() or 0
    if not dropped:
        return frame, 0
    kept = frame.loc[pc.invert(blank_row).to_numpy(zero_copy_only=False)].reset_index(drop=True)
    return kept, int(dropped)


def text_arrow(values: pd.Series) -> pa.ChunkedArray:
    """A text column as Arrow ``large_string`` without copying (Arrow-backed) or converted once."""
    array = values.array
    if hasattr(array, "__arrow_array__"):
        arrow = array.__arrow_array__()
        arrow = arrow if isinstance(arrow, pa.ChunkedArray) else pa.chunked_array([arrow])
    else:
        arrow = pa.chunked_array([pa.array(values.tolist(), type=pa.large_string())])
    if not pa.types.is_large_string(arrow.type):
        arrow = arrow.cast(pa.large_string())
    return arrow


def text_series(array: pa.Array | pa.ChunkedArray, index: pd.Index) -> pd.Series:
    """Arrow text as a ``TEXT_DTYPE`` series (no copy)."""
    if isinstance(array, pa.Array):
        array = pa.chunked_array([array])
    if not pa.types.is_large_string(array.type):
        array = array.cast(pa.large_string())
    return pd.Series(pd.arrays.ArrowStringArray(array), index=index, dtype=TEXT_DTYPE)


def cell_text(value: object) -> str | None:
    """A cell or JSON value as text: whole numbers without ``.0``, dates as ISO ``YYYY-MM-DD``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return format(Decimal(repr(value)), "f")  # never "1e-05": validation expects plain digits
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def per_value(values: pd.Series, convert: Callable[[str], str | None]) -> pd.Series:
    """Apply ``convert`` once per distinct value: ledgers repeat dates, accounts and suppliers a lot."""
    codes, uniques = pd.factorize(values)
    converted = pd.array([convert(value) for value in uniques] + [None], dtype=TEXT_DTYPE)
    return pd.Series(converted[codes], index=values.index, dtype=TEXT_DTYPE)  # code -1 (NA) -> last
