"""XLSX deliveries: one sheet read with openpyxl in read-only (streaming) mode, after checking the
workbook's unpacked size against the delivery limit (zip bombs included)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from flows.errors import InboxError
from flows.intake.table import (
    RawTable,
    cell_text,
    drop_blank_rows,
    header_names,
    records_frame,
)


def read_xlsx(path: Path, sheet: str | None, max_bytes: int) -> RawTable:
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
        rows = [[cell_text(value) for value in row] for row in worksheet.iter_rows(values_only=True)]
    except InboxError:
        raise
    except Exception as exc:
        raise InboxError(f"{path}: cannot read the Excel sheet ({type(exc).__name__}: {exc})") from None
    finally:
        workbook.close()
    start = next((i for i, row in enumerate(rows) if "".join(c for c in row if c).strip()), None)
    if start is None:
        raise InboxError(f"{path}: the Excel sheet is empty")
    header = header_names([cell or "" for cell in rows[start]], path)
    numbered = ((number, row) for number, row in enumerate(rows[start + 1:], start=1))
    frame, skipped = drop_blank_rows(records_frame(header, numbered))
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
