"""XLSX deliveries: one sheet read with python-calamine (a Rust reader), after the workbook passed the
zip checks of ``flows.common.zipsafe``.

Before anything is parsed, every member of the workbook is checked against the unpacked-size limit
and the compression-ratio limit on its header, and the whole workbook against the unpacked-size
limit; then every member is inflated once through a counting reader, so a forged header is caught
before the parser sees it. A 74 KB workbook that unpacks to a 502 MB sheet is refused in
milliseconds instead of being parsed for minutes (openpyxl took 3 minutes and 2.1 GB for it).

Cells become text as in every reader (``table.cell_text``): calamine gives dates for cells with a
date format (Excel stores a date as a serial number), floats for numbers (``12.0`` becomes ``12``)
and text as delivered, so an organisation number typed as text keeps its form.
"""

from __future__ import annotations

import itertools
import shutil
import zipfile
import zlib
from pathlib import Path

from flows.common.zipsafe import LimitedReader, ZipLimits, member_problem
from flows.errors import InboxError
from flows.intake.table import (
    HEADER_SEARCH_ROWS,
    RawTable,
    cell_text,
    drop_blank_rows,
    header_names,
    header_row,
    records_frame,
)


class _InboxLimitedReader(LimitedReader):
    error = InboxError


def read_xlsx(path: Path, sheet: str | None, max_unpacked_bytes: int, max_compression_ratio: float) -> RawTable:
    """Read one sheet (default: the first) of a workbook that passed the zip checks."""
    from python_calamine import (
        CalamineWorkbook,  # imported here: only XLSX deliveries pay for it
    )

    check_workbook(path, max_unpacked_bytes, max_compression_ratio)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several types for damaged files; all mean "unreadable"
        raise InboxError(
            f"{path}: cannot open the Excel workbook ({type(exc).__name__}: {exc}); "
            "is the file damaged or password-protected?"
        ) from None
    try:
        rows = _sheet_rows(workbook, sheet, path)
        head = list(itertools.islice(rows, HEADER_SEARCH_ROWS * 4))
        try:
            start = header_row(head)
        except ValueError:
            raise InboxError(f"{path}: the Excel sheet is empty") from None
        header = header_names([cell or "" for cell in head[start]], path)
        title_rows = sum(1 for row in head[:start] if any(row))
        numbered = enumerate(itertools.chain(head[start + 1:], rows), start=1)
        frame, skipped = drop_blank_rows(records_frame(header, numbered))
    except InboxError:
        raise
    except Exception as exc:
        raise InboxError(f"{path}: cannot read the Excel sheet ({type(exc).__name__}: {exc})") from None
    finally:
        workbook.close()
    return RawTable(frame, path, "xlsx", None, None, None, skipped, (path,), title_rows)


def _sheet_rows(workbook, sheet: str | None, path: Path):
    """The chosen sheet's rows as lists of text (None for blank cells), one row at a time."""
    names = workbook.sheet_names
    if sheet is not None and sheet not in names:
        raise InboxError(f"{path}: the workbook has no sheet named {sheet!r} (sheets: {', '.join(names)})")
    if not names:
        raise InboxError(f"{path}: the workbook has no sheet")
    chosen = workbook.get_sheet_by_name(sheet) if sheet is not None else workbook.get_sheet_by_index(0)
    return ([None if value == "" else cell_text(value) for value in row] for row in chosen.iter_rows())


def check_workbook(path: Path, max_unpacked_bytes: int, max_compression_ratio: float) -> None:
    """Refuse a workbook whose members are unsafe, too big once unpacked, or inflate suspiciously.

    Headers first (instant), then every member inflated once through a counting reader (a forged
    size header cannot sneak more bytes past the parser).
    """
    limits = ZipLimits(max_unpacked_bytes, max_compression_ratio, "intake.max_unpacked_bytes",
                       "intake.max_compression_ratio")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            for info in members:
                problem = member_problem(info, f"{path}!{info.filename}", limits)
                if problem is not None:
                    raise InboxError(f"{problem}. The workbook is not read; save the sheet again or deliver "
                                     "it as CSV")
            unpacked = sum(member.file_size for member in members)
            if unpacked > max_unpacked_bytes:
                raise InboxError(
                    f"{path}: the workbook unpacks to {unpacked / 1e6:.1f} MB, more than the limit of "
                    f"{max_unpacked_bytes / 1e6:.1f} MB (intake.max_unpacked_bytes); deliver it in smaller parts"
                )
            for info in members:
                with archive.open(info) as member:
                    reader = _InboxLimitedReader(member, limits.read_limit(info), f"{path}!{info.filename}")
                    shutil.copyfileobj(reader, _Discard(), 1 << 20)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise InboxError(f"{path}: the Excel workbook is damaged ({exc})") from None


class _Discard:
    """A sink for ``shutil.copyfileobj``: the bytes are only counted on their way here."""

    @staticmethod
    def write(data: bytes) -> int:
        return len(data)
