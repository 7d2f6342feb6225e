"""Read a bulk zip safely: members with unsafe names, members larger than the configured limit and
members that inflate more than the configured ratio are refused before anything is read, and the
limits are enforced again on the bytes actually inflated (a forged size header gains nothing)."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import pandas as pd

from flows.sources.bulk_records import BulkFileError, BulkFormat, BulkParseResult


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


def combine(results: list[BulkParseResult], source: str) -> BulkParseResult:
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


def parse_zip(path: Path | str, parse_member: Callable[[BinaryIO, str], BulkParseResult], *,
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
    return combine(results, str(zip_path))


def _parse_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, zip_path: Path,
                  parse_member: Callable[[BinaryIO, str], BulkParseResult], limit: int) -> BulkParseResult:
    """Stream one checked member; corrupt data becomes a ``BulkFileError`` naming the member."""
    source = f"{zip_path}!{info.filename}"
    try:
        with archive.open(info) as member:
            return parse_member(_LimitedReader(member, limit, source), source)  # type: ignore[arg-type]
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise BulkFileError(f"{source}: corrupt zip data: {exc}") from None


def parse_zip_file(fmt: BulkFormat, path: Path | str, *, keep_orgnrs: Iterable[str],
                   county_postcode_prefixes: Iterable[str], county_postorter: Iterable[str], max_member_bytes: int,
                   max_compression_ratio: float, candidate_legal_forms: Iterable[str] | None = None) -> BulkParseResult:
    """Safely stream a bulk zip (every ``.txt`` member) and keep the wanted rows (``parse_lines``)."""
    row_filter = fmt.row_filter(keep_orgnrs, county_postcode_prefixes, county_postorter, candidate_legal_forms)
    return parse_zip(path, partial(fmt.parse_stream, row_filter=row_filter),
                     max_member_bytes=max_member_bytes, max_compression_ratio=max_compression_ratio)
