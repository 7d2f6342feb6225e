"""Read one delivered file (CSV, XLSX or JSON rows) into a raw table of text.

Municipalities export from whatever system they have, so nothing about a delivered file is trusted:
the encoding, delimiter and line ends are sniffed, every cell is kept as text exactly as delivered (a
code such as ``0180`` keeps its leading zero) and every row keeps the number it had in the file, so a
quarantine message can point the analyst at it. Mapping onto canonical columns is ``inbox.py``'s job.

Anything that makes a file unusable is an ``InboxError`` whose message names the file and says what is
wrong in plain words; library exceptions (``UnicodeDecodeError``, ``csv.Error``, ``BadZipFile``...)
never leak out.

Row rules, the same for every format:
- The header is the first non-blank row; header names are trimmed and lose any byte-order mark.
- ``_row_number`` is the 1-based number of the data row as delivered (the first row after the header
  is 1). Blank rows are counted in that numbering but left out of the table (``skipped_blank_rows``).
- A row with more cells than the header keeps the surplus in ``_extra`` as a JSON array of text, so
  validation can quarantine it; a row with fewer cells gets NA in the missing ones.
- Every value is text (``TEXT_DTYPE``); a blank or whitespace-only cell is NA.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from flows.errors import InboxError

TEXT_DTYPE = pd.StringDtype("pyarrow")  # text with pd.NA for blanks, Arrow-backed (fast validation)
ROW_NUMBER = "_row_number"
EXTRA = "_extra"
RESERVED_COLUMNS = (ROW_NUMBER, EXTRA)

DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB: beyond that a delivery should be split, e.g. per month
DEFAULT_MAX_FIELD_CHARS = 1_000_000  # a longer cell almost always means an unclosed quote

DELIMITERS = (";", "\t", ",")  # in order of preference when the sniffer finds a tie
_SNIFF_CHARS = 65_536
_SNIFF_RECORDS = 20
_JUNK_SHARE = 0.01  # more control characters than this share of the text means binary data
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls and encrypted workbooks
_PAGE_NAME = re.compile(r"[^/\\:?#&=]+")  # a 'next' link that is a plain file name

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

    @property
    def headers(self) -> list[str]:
        """The delivered column names, in delivered order."""
        return [c for c in self.frame.columns if c not in RESERVED_COLUMNS]


def read_table(
    path: Path,
    *,
    sheet: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_field_chars: int = DEFAULT_MAX_FIELD_CHARS,
) -> RawTable:
    """Sniff the format of ``path`` and read it into a ``RawTable``.

    ``sheet`` names the XLSX sheet to read (default: the first); ``max_bytes`` refuses bigger files
    before anything is loaded into memory; ``max_field_chars`` refuses absurdly long CSV cells.
    """
    path = Path(path)
    head = _check_file(path, max_bytes)
    kind = _sniff_format(path, head)
    if kind == "xlsx":
        return _read_xlsx(path, sheet, max_bytes)
    if kind == "json":
        return _read_json(path, max_bytes)
    return _read_csv(path, max_field_chars)


def linked_pages(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Path]:
    """The page files a JSON rowstore page links to through ``next`` (not the file itself).

    Discovery uses it so that ``page-2.json`` is read as part of the delivery that starts at the page
    linking to it, not as a delivery of its own.
    """
    return [page for page, _, _ in _json_pages(Path(path), max_bytes)[1:]]


# --- checks common to every format -------------------------------------------------------------


def _check_file(path: Path, max_bytes: int) -> bytes:
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
    return _read_bytes(path, 64)


def _read_bytes(path: Path, limit: int = -1) -> bytes:
    """The file's bytes (the first ``limit`` of them), or an ``InboxError`` saying why not."""
    try:
        with path.open("rb") as handle:
            return handle.read(limit)
    except OSError as exc:
        raise InboxError(f"{path}: the file cannot be read ({exc.strerror or exc})") from None


def _sniff_format(path: Path, head: bytes) -> Format:
    """Decide the format from the content first (files get renamed), then from the extension."""
    suffix = path.suffix.lower()
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    if head.startswith(_OLE_MAGIC) or suffix == ".xls":
        raise InboxError(
            f"{path}: this is an old Excel 97-2003 (.xls) or password-protected workbook, which cannot "
            "be read; save it as .xlsx (without password) or as CSV"
        )
    if suffix in (".xlsx", ".xlsm"):
        raise InboxError(f"{path}: the file is named .xlsx but is not an Excel workbook (not a zip archive)")
    if suffix == ".json" or _decode_head(head).lstrip()[:1] in ("[", "{"):
        return "json"
    return "csv"


def _decode_head(head: bytes) -> str:
    """The first characters of a file, decoded leniently, for format sniffing only."""
    encoding, bom_length = _bom(head)
    return head[bom_length:].decode(encoding or "utf-8", errors="ignore")


def _bom(data: bytes) -> tuple[str | None, int]:
    """The encoding announced by a byte-order mark and the mark's length, or (None, 0)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", 3
    if data.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    return None, 0


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    """Decode delivered bytes: BOM first, then strict UTF-8, then cp1252, then latin-1.

    Returns the text (without BOM) and the encoding's name. Binary content is refused here because
    cp1252/latin-1 would otherwise "decode" anything.
    """
    encoding, bom_length = _bom(data)
    if encoding is not None:
        codec = "utf-8" if encoding == "utf-8-sig" else encoding
        try:
            text = data[bom_length:].decode(codec)
        except UnicodeDecodeError as exc:
            raise InboxError(
                f"{path}: the file starts with a {encoding} byte-order mark but is not valid "
                f"{encoding} (bad bytes at position {exc.start + bom_length}); save it again as {encoding}"
            ) from None
    else:
        text, encoding = _decode_without_bom(data)
    _refuse_binary(text, path)
    if not text.strip():
        raise InboxError(f"{path}: the file is empty (only blanks or line ends)")
    return text, encoding


def _decode_without_bom(data: bytes) -> tuple[str, str]:
    """Strict UTF-8 if it decodes (it almost never does by accident), else Windows-1252, else latin-1."""
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _refuse_binary(text: str, path: Path) -> None:
    """Refuse text with NUL bytes or many control characters: it was not a table."""
    sample = text[:_SNIFF_CHARS]
    if "\x00" in sample or len(_CONTROL.findall(sample)) > _JUNK_SHARE * len(sample):
        raise InboxError(
            f"{path}: the file contains binary data (NUL or control characters), not a text table; "
            "was another kind of file saved under this name? (UTF-16 files need a byte-order mark)"
        )


# --- CSV ----------------------------------------------------------------------------------------


def _read_csv(path: Path, max_field_chars: int) -> RawTable:
    text, encoding = _decode(_read_bytes(path), path)
    delimiter = _sniff_delimiter(text)
    header_fields = _first_record(text, delimiter, path, max_field_chars)
    header = _header_names(header_fields, path)
    frame = _parse_fast(text, delimiter, header_fields, header, max_field_chars)
    if frame is None:
        frame = _parse_careful(text, delimiter, path, max_field_chars)
    frame, skipped = _drop_blank_rows(frame)
    return RawTable(frame, path, "csv", encoding, delimiter, _line_ending(text), skipped, (path,))


def _sniff_delimiter(text: str) -> str:
    """The delimiter (``;``, TAB or ``,``) that splits the header into most columns consistently.

    Each candidate parses the first records (quotes respected); the winner has more than one header
    column, the largest share of records as wide as the header, then the widest header. Ties go to
    ``;``, the Swedish default, then TAB, then ``,``.
    """
    sample = _complete_lines(text[:_SNIFF_CHARS], len(text) > _SNIFF_CHARS)

    def score(delimiter: str) -> tuple[bool, float, int, int]:
        widths = _record_widths(sample, delimiter)
        if not widths:
            return (False, 0.0, 0, -DELIMITERS.index(delimiter))
        header, rest = widths[0], widths[1:]
        consistent = sum(1 for width in rest if width == header) / len(rest) if rest else 1.0
        return (header > 1, consistent, header, -DELIMITERS.index(delimiter))

    return max(DELIMITERS, key=score)


def _complete_lines(sample: str, truncated: bool) -> str:
    """Cut a truncated sample after its last line end, so no half record skews the sniffer."""
    if not truncated:
        return sample
    end = max(sample.rfind("\n"), sample.rfind("\r"))
    return sample[: end + 1] if end > 0 else sample


def _record_widths(sample: str, delimiter: str) -> list[int]:
    """Field counts of the first non-blank records of the sample under one delimiter."""
    widths: list[int] = []
    with contextlib.suppress(csv.Error):
        for record in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if "".join(record).strip():
                widths.append(len(record))
            if len(widths) >= _SNIFF_RECORDS:
                break
    return widths


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


def _first_record(text: str, delimiter: str, path: Path, max_field_chars: int) -> list[str]:
    """The header record: the first non-blank record of the file."""
    with _field_limit(max_field_chars):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for record in reader:
                if "".join(record).strip():
                    return record
        except csv.Error as exc:
            raise _csv_problem(path, reader.line_num, exc, max_field_chars) from None
    raise InboxError(f"{path}: the file has no header row")


def _csv_problem(path: Path, line: int, exc: csv.Error, max_field_chars: int) -> InboxError:
    """Turn a ``csv.Error`` into words an analyst can act on."""
    if "field larger than field limit" in str(exc):
        return InboxError(
            f"{path}: near line {line} a cell is longer than {max_field_chars:,} characters; most "
            'likely a quote (") is opened and never closed'
        )
    return InboxError(f"{path}: cannot read the CSV near line {line}: {exc}")


def _header_names(fields: list[str], path: Path) -> list[str]:
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
    return _with_row_info(frame, range(1, table.num_rows + 1), None)


def _text_type(arrow_type: pa.DataType) -> pd.StringDtype | None:
    return TEXT_DTYPE if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type) else None


def _parse_careful(text: str, delimiter: str, path: Path, max_field_chars: int) -> pd.DataFrame:
    """Parse any CSV the csv module accepts: ragged rows, blank lines, odd quoting."""
    records = _csv_records(text, delimiter, path, max_field_chars)
    start = next(index for index, record in enumerate(records) if "".join(record).strip())
    header = _header_names(records[start], path)
    numbered = ((number, record) for number, record in enumerate(records[start + 1:], start=1))
    return _records_frame(header, numbered)


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


# --- rows from any format to a frame ------------------------------------------------------------


def _records_frame(header: list[str], records: Iterable[tuple[int, list[str | None]]]) -> pd.DataFrame:
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
    return _with_row_info(frame, numbers, extras)


def _with_row_info(frame: pd.DataFrame, numbers: Iterable[int], extras: list[str | None] | None) -> pd.DataFrame:
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


def _drop_blank_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
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


# --- XLSX ---------------------------------------------------------------------------------------


def _read_xlsx(path: Path, sheet: str | None, max_bytes: int) -> RawTable:
    """Read one sheet with openpyxl in read-only mode (streams; merged cells are just blanks)."""
    import openpyxl  # imported here: only XLSX deliveries pay for it

    _check_unpacked_size(path, max_bytes)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files; all mean "unreadable"
        raise InboxError(
            f"{path}: cannot open the Excel workbook ({type(exc).__name__}: {exc}); "
            "is the file damaged or password-protected?"
        ) from None
    try:
        worksheet = _pick_sheet(workbook, sheet, path)
        rows = [[_cell_text(value) for value in row] for row in worksheet.iter_rows(values_only=True)]
    except InboxError:
        raise
    except Exception as exc:
        raise InboxError(f"{path}: cannot read the Excel sheet ({type(exc).__name__}: {exc})") from None
    finally:
        workbook.close()
    start = next((i for i, row in enumerate(rows) if "".join(c for c in row if c).strip()), None)
    if start is None:
        raise InboxError(f"{path}: the Excel sheet is empty")
    header = _header_names([cell or "" for cell in rows[start]], path)
    numbered = ((number, row) for number, row in enumerate(rows[start + 1:], start=1))
    frame, skipped = _drop_blank_rows(_records_frame(header, numbered))
    return RawTable(frame, path, "xlsx", None, None, None, skipped, (path,))


def _check_unpacked_size(path: Path, max_bytes: int) -> None:
    """Refuse a workbook whose unpacked content is over the size limit (zip bombs included)."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise InboxError(f"{path}: the Excel workbook is damaged ({exc})") from None
    if unpacked > max_bytes:
        raise InboxError(
            f"{path}: the workbook unpacks to {unpacked / 1e6:.1f} MB, more than the limit of "
            f"{max_bytes / 1e6:.1f} MB; deliver it in smaller parts"
        )


def _pick_sheet(workbook, sheet: str | None, path: Path):
    if sheet is None:
        return workbook.worksheets[0]
    if sheet not in workbook.sheetnames:
        raise InboxError(
            f"{path}: the workbook has no sheet named {sheet!r} (sheets: {', '.join(workbook.sheetnames)})"
        )
    return workbook[sheet]


def _cell_text(value: object) -> str | None:
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


# --- JSON (row arrays and EntryScape rowstore pages) --------------------------------------------


def _read_json(path: Path, max_bytes: int) -> RawTable:
    """Read a JSON array of row objects, or rowstore pages chained by ``next`` links."""
    pages = _json_pages(path, max_bytes)
    rows: list[object] = []
    for page_path, document, _ in pages:
        rows.extend(_page_rows(document, page_path))
    _check_complete(pages[0][1], pages[-1][1], len(rows), path)
    header = _json_header(rows, path)
    numbered = ((number, _json_cells(row, header)) for number, row in enumerate(rows, start=1))
    frame, skipped = _drop_blank_rows(_records_frame(header, numbered))
    parts = tuple(page_path for page_path, _, _ in pages)
    return RawTable(frame, path, "json", pages[0][2], None, None, skipped, parts)


def _json_pages(path: Path, max_bytes: int) -> list[tuple[Path, object, str]]:
    """The file and every page its ``next`` links lead to: (path, parsed document, encoding)."""
    pages = [(path, *_load_json(path, max_bytes))]
    seen = {path.resolve()}
    while (link := _page_link(pages[-1][1])) is not None:
        following = _page_file(pages[-1][0], link, seen)
        if following is None:
            break
        seen.add(following.resolve())
        pages.append((following, *_load_json(following, max_bytes)))
    return pages


def _load_json(path: Path, max_bytes: int) -> tuple[object, str]:
    """Parse one JSON file (any BOM-announced encoding) or say where it is broken."""
    _check_file(path, max_bytes)
    text, encoding = _decode(_read_bytes(path), path)
    try:
        return json.loads(text), encoding
    except json.JSONDecodeError as exc:
        raise InboxError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise InboxError(f"{path}: not usable JSON: nested too deeply") from None


def _page_rows(document: object, path: Path) -> list[object]:
    """The rows of one page: the array itself or the rowstore page's ``results``."""
    if isinstance(document, list):
        return list(document)
    if isinstance(document, dict) and isinstance(document.get("results"), list):
        return list(document["results"])
    raise InboxError(
        f"{path}: expected a JSON array of rows or a rowstore page with a 'results' array, "
        f"found {type(document).__name__}"
    )


def _page_link(document: object) -> str | None:
    if isinstance(document, dict) and isinstance(document.get("next"), str) and document["next"].strip():
        return document["next"].strip()
    return None


def _page_file(current: Path, link: str, seen: set[Path]) -> Path | None:
    """The file a ``next`` link names in the same folder; None when the link is a web address.

    Only plain file names are followed, and only to files that really are in the same folder:
    a link can never lead the reader out of the inbox (``../``, absolute paths, outbound symlinks).
    """
    if not _PAGE_NAME.fullmatch(link) or link.startswith("."):
        return None
    target = current.parent / link
    if not target.is_file():
        raise InboxError(f"{current}: the page links ('next') to {link!r}, which is not in the folder")
    if target.resolve().parent != current.parent.resolve():
        raise InboxError(f"{current}: the page's 'next' link {link!r} points outside the delivery folder")
    if target.resolve() in seen:
        raise InboxError(f"{current}: the page's 'next' link {link!r} leads back to an earlier page (a loop)")
    return target


def _check_complete(first: object, last: object, rows: int, path: Path) -> None:
    """Refuse a paged delivery that is visibly incomplete.

    With a ``resultCount`` the rows of all pages must add up to it; without one, the last page must
    not point onwards to a web address (pages that were never saved).
    """
    expected = first.get("resultCount") if isinstance(first, dict) else None
    if isinstance(expected, int) and not isinstance(expected, bool):
        if expected != rows:
            raise InboxError(
                f"{path}: the pages hold {rows} rows but 'resultCount' says {expected}; "
                "pages are missing or do not belong together"
            )
        return
    if (link := _page_link(last)) is not None:
        raise InboxError(
            f"{path}: the last page links to {link!r}, which is not a file in this folder, and there is "
            "no 'resultCount' to show the delivery is complete; save every page as a file and let each "
            "page's 'next' name the next file"
        )


def _json_header(rows: list[object], path: Path) -> list[str]:
    """Column names: every key seen, in order of first appearance, without BOM or padding."""
    names: dict[str, None] = {}
    for row in rows:
        if isinstance(row, dict):
            names.update((_json_key(key), None) for key in row)
    if not names:
        raise InboxError(f"{path}: the JSON holds no row objects, so there are no columns to read")
    return _header_names(list(names), path)


def _json_key(key: str) -> str:
    return key.replace("\ufeff", "").strip()


def _json_cells(row: object, header: list[str]) -> list[str | None]:
    """A row object's values in header order; anything but an object goes whole to ``_extra``."""
    if not isinstance(row, dict):
        return [None] * len(header) + [_cell_text(row) or ""]
    cleaned = {_json_key(key): value for key, value in row.items()}
    return [_cell_text(cleaned.get(name)) for name in header]
