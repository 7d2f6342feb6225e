"""Read a bulk zip safely (the rules of ``flows.common.zipsafe``): members with unsafe names, members
larger than the configured limit and members that inflate more than the configured ratio are refused
before anything is read, and the limits are enforced again on the bytes actually inflated (a forged
size header gains nothing)."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from flows.common.zipsafe import LimitedReader, ZipLimits, member_problem
from flows.sources.bulk_records import BulkFileError, BulkFormat, BulkParseResult


class _LimitedReader(LimitedReader):
    """A member's inflated bytes, failing with a ``BulkFileError`` past the limit."""

    error = BulkFileError


def _limits(max_member_bytes: int, max_compression_ratio: float) -> ZipLimits:
    return ZipLimits(max_member_bytes, max_compression_ratio, "sources.bulk.max_member_bytes",
                     "sources.bulk.max_compression_ratio")


def _check_member(info: zipfile.ZipInfo, *, zip_path: Path, limits: ZipLimits) -> None:
    """Refuse an unsafe member before a single byte of it is inflated."""
    problem = member_problem(info, f"{zip_path}!{info.filename}", limits)
    if problem is not None:
        raise BulkFileError(problem)


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
        limits = _limits(max_member_bytes, max_compression_ratio)
        for info in archive.infolist():
            _check_member(info, zip_path=zip_path, limits=limits)
        results = [_parse_member(archive, info, zip_path, parse_member, limits.read_limit(info))
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
