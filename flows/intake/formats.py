"""Read one delivered file, whatever its format, into a raw table of text (``RawTable``).

Nothing about a delivered file is trusted: the format is decided from the content first (files get
renamed), then from the extension; the CSV, XLSX and JSON readers sniff the rest. Anything that
makes a file unusable is an ``InboxError`` whose message names the file and says what is wrong in
plain words; library exceptions never leak out. Mapping onto canonical columns is ``canonical.py``'s job.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from flows.common.encoding import bom
from flows.errors import InboxError
from flows.intake import csv_stream
from flows.intake.csv_reader import read_csv
from flows.intake.json_reader import read_json
from flows.intake.table import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_FIELD_CHARS,
    Format,
    RawTable,
    ReadLimits,
    check_file,
)
from flows.intake.xlsx_reader import read_xlsx

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls and encrypted workbooks


def read_table(
    path: Path,
    *,
    sheet: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_field_chars: int = DEFAULT_MAX_FIELD_CHARS,
    limits: ReadLimits | None = None,
) -> RawTable:
    """Sniff the format of ``path`` and read it into a ``RawTable``.

    ``sheet`` names the XLSX sheet to read (default: the first). ``limits`` (or, without it,
    ``max_bytes`` and ``max_field_chars``) refuses bigger files before anything is loaded into
    memory, absurdly long CSV cells, and workbooks that unpack too far (``table.ReadLimits``).
    """
    path = Path(path)
    limits = limits or ReadLimits(max_bytes=max_bytes, max_field_chars=max_field_chars, max_unpacked_bytes=max_bytes)
    head = check_file(path, limits.max_bytes)
    kind = _sniff_format(path, head)
    if kind == "xlsx":
        return read_xlsx(path, sheet, limits.max_unpacked_bytes, limits.max_compression_ratio)
    if kind == "json":
        return read_json(path, limits.max_bytes)
    return read_csv(path, limits.max_field_chars)


def read_pieces(path: Path, *, sheet: str | None = None, limits: ReadLimits | None = None,
                piece_rows: int = 100_000) -> Iterator[RawTable]:
    """``read_table``'s table in pieces: a CSV file above ``csv_stream.STREAM_ABOVE_BYTES`` is read a
    block at a time (about ``piece_rows`` rows per piece, so its size never sets the memory needed);
    any other file is one piece."""
    path = Path(path)
    limits = limits or ReadLimits()
    head = check_file(path, limits.max_bytes)
    if _sniff_format(path, head) == "csv" and path.stat().st_size > csv_stream.STREAM_ABOVE_BYTES:
        yield from csv_stream.read_pieces(path, limits.max_field_chars, piece_rows)
    else:
        yield read_table(path, sheet=sheet, limits=limits)


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
    encoding, bom_length = bom(head)
    return head[bom_length:].decode(encoding or "utf-8", errors="ignore")
