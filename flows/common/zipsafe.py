"""Zip archives read safely: the one set of rules for the bulk zips and for XLSX workbooks (which are
zip archives too).

A member is refused before a byte of it is inflated when its name could escape a folder, when its
header announces more bytes than the size limit, or when it inflates more than the compression-ratio
limit (a zip bomb: a 74 KB workbook that unpacks to a 502 MB sheet). A forged header gains nothing:
``LimitedReader`` enforces the same limits on the bytes actually inflated. Each caller raises its
own exception type (``error``), so messages land where the caller's reader reports them, and each
message names the setting that sets the limit.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO


@dataclass(frozen=True)
class ZipLimits:
    """How far a member may inflate, and the configuration keys that say so (named in messages)."""

    max_member_bytes: int
    max_compression_ratio: float
    member_setting: str
    ratio_setting: str

    def read_limit(self, info: zipfile.ZipInfo) -> int:
        """The most bytes a member may inflate to under both limits."""
        return min(self.max_member_bytes, int(self.max_compression_ratio * max(info.compress_size, 1)))


class LimitedReader(io.RawIOBase):
    """A read-only stream that fails once more than ``limit`` bytes come out of it.

    The header sizes are checked before reading, but a forged header must not let more through,
    so the limit is enforced again on the bytes actually inflated. Subclasses set ``error``.
    """

    error: type[Exception] = ValueError

    def __init__(self, inner: BinaryIO, limit: int, source: str) -> None:
        super().__init__()
        self._inner, self._limit, self._source, self._count = inner, limit, source, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        self._count += len(data)
        if self._count > self._limit:
            raise self.error(f"{self._source}: inflated past {self._limit:,} bytes, more than its "
                             "header allows (size or compression-ratio limit); refused")
        buffer[:len(data)] = data
        return len(data)


def is_unsafe_name(name: str) -> bool:
    """Absolute paths, drive letters and `..` components could escape an extraction folder."""
    normalised = name.replace("\\", "/")
    return (normalised.startswith("/") or re.match(r"[A-Za-z]:", normalised) is not None
            or ".." in PurePosixPath(normalised).parts)


def member_problem(info: zipfile.ZipInfo, where: str, limits: ZipLimits) -> str | None:
    """Why a member must be refused before it is inflated, or None when it may be read."""
    if is_unsafe_name(info.filename):
        return f"{where}: unsafe member name (absolute path or '..'); zip refused"
    if info.file_size > limits.max_member_bytes:
        return (f"{where}: {info.file_size:,} bytes uncompressed, above the limit of "
                f"{limits.max_member_bytes:,} ({limits.member_setting}); refused")
    ratio = info.file_size / max(info.compress_size, 1)
    if ratio > limits.max_compression_ratio:
        return (f"{where}: compression ratio {ratio:,.0f} above the limit of {limits.max_compression_ratio:g} "
                f"({limits.ratio_setting}); possible zip bomb, refused")
    return None
