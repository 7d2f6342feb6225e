"""One encoding detector for every delivered or downloaded text file.

Publishers write UTF-8 (with or without a byte-order mark), UTF-16 with a mark, or Windows-1252 /
latin-1 from older Swedish systems, and sources disagree about some files (the Bolagsverket bulk
file, reference/data-sources.md §3a). The rule is the same everywhere: a byte-order mark decides;
otherwise strict UTF-8 when the bytes decode as UTF-8 (they almost never do by accident); otherwise
the single-byte fallback. A pure-ASCII sample proves nothing, so the caller may say what it means
(the encoding a source documents).
"""

from __future__ import annotations

import codecs

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def bom(data: bytes) -> tuple[str | None, int]:
    """The encoding a byte-order mark announces and the mark's length, or ``(None, 0)``."""
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return encoding, len(mark)
    return None, 0


def detect_encoding(sample: bytes, *, complete: bool = False, ascii_encoding: str = "utf-8",
                    fallback: str = "cp1252") -> str:
    """The encoding of bytes from their start: BOM, else strict UTF-8, else ``fallback``.

    ``complete`` says the sample is the whole file; otherwise a sample cut in the middle of a
    multi-byte character still counts as UTF-8.
    """
    announced, _ = bom(sample)
    if announced is not None:
        return announced
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
    except UnicodeDecodeError:
        return fallback
    return ascii_encoding if sample.isascii() else "utf-8"


def decode_text(data: bytes) -> tuple[str, str]:
    """A whole file's text (without byte-order mark) and its encoding's name.

    Windows-1252 leaves five byte values undefined; bytes using them are decoded as latin-1, which
    maps every byte. Raises ``UnicodeDecodeError`` only when a byte-order mark promises an encoding
    the bytes do not follow.
    """
    encoding = detect_encoding(data, complete=True)
    _, mark = bom(data)
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        return data[mark:].decode(codec), encoding
    except UnicodeDecodeError:
        if mark:
            raise
        return data.decode("latin-1"), "latin-1"
