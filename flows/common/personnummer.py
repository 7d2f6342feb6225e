"""Personal identity numbers (personnummer, samordningsnummer) in text, in every form people type
them, and the keyed pseudonym that replaces them (DESIGN §6; the rule: docs/disclosure.md).

A *form* is ten or twelve digits (ASCII or fullwidth) read as ``[CC]YYMMDD`` and four more, with
or without separators: any dash, hyphen or minus, ``+``, spaces of any kind (no-break, thin,
zero-width) alone or around it, and the date's parts may be separated by those or by ``.`` and
``/`` (``1990-01-01-2385``, ``1990 01 01 2385``, ``90.01.01-2385``). A form *is* a personal
identity number when its month is 01-12, its day 01-31 or 61-91 (samordningsnummer: day + 60), a
twelve-digit form's century is 18, 19 or 20, and the last digit is the Luhn check digit of the nine
before it. An organisation number never is one (its digits 3-4 are at least 20).

``PREFILTER`` is the same shape as an RE2 pattern: Arrow runs it over a whole column and only the
cells it hits get the exact check in Python (``spans``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable

from flows.common.identifiers import is_valid_luhn10

_DIGIT = "0-9\uff10-\uff19"
_DASH = "\\-+\u00ad\u2010-\u2015\u2212\ufe58\ufe63\uff0b\uff0d"
_SPACE = " \t\n\r\u00a0\u1680\u2000-\u200b\u202f\u205f\u2060\u3000\ufeff"
_DATE_MARK = _DASH + "./\uff0e\uff0f"


def _separator(marks: str) -> str:
    """An optional separator: one mark with up to two spaces either side, or one or two spaces."""
    return f"(?:[{_SPACE}]{{0,2}}[{marks}][{_SPACE}]{{0,2}}|[{_SPACE}]{{1,2}})?"


_D = f"[{_DIGIT}]"
_DATE = f"{_D}{{2}}{_separator(_DATE_MARK)}{_D}{{2}}{_separator(_DATE_MARK)}{_D}{{2}}{_separator(_DASH)}{_D}{{4}}"
_SHORT = re.compile(f"(?<!{_D}){_DATE}(?!{_D})")
_ANY = re.compile(f"(?<!{_D})(?:{_D}{{2}})?{_DATE}(?!{_D})")
# RE2 has no look-around: a non-digit (or an end) on each side instead.
PREFILTER = f"(?:^|[^{_DIGIT}])(?:{_D}{{2}})?{_DATE}(?:[^{_DIGIT}]|$)"
PSEUDONYM = re.compile(r"pnr:[0-9a-f]{16}", re.IGNORECASE)
MASK = "[personnummer]"
_ASCII_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_NOT_DIGIT = re.compile(r"[^0-9]")


def digits_of(text: str) -> str:
    """The ASCII digits of a typed form (fullwidth digits converted, everything else dropped)."""
    if text.isascii():
        return text if text.isdigit() else _NOT_DIGIT.sub("", text)
    return _NOT_DIGIT.sub("", text.translate(_ASCII_DIGITS))


def is_personnummer_digits(digits: str) -> bool:
    """True for ten or twelve digits that are a personal identity number (see the module)."""
    if len(digits) == 12:
        if digits[:2] not in ("18", "19", "20"):
            return False
        digits = digits[2:]
    if len(digits) != 10 or not digits.isdigit():
        return False
    month, day = int(digits[2:4]), int(digits[4:6])
    return 1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91) and is_valid_luhn10(digits)


def spans(text: str) -> list[tuple[int, int]]:
    """Where personal identity numbers are in ``text``: (start, end) of each, in order.

    A candidate is read as twelve digits where it can be, else as ten; one that fails the check
    is read as ten digits from the same start, and then every later start is tried: a candidate
    that fails (``123456 900101-2385`` read from its first digit) must not hide a number after it.
    (900101-2385 is Skatteverket's official test number 19900101-2385, not a real person's.)
    """
    found: list[tuple[int, int]] = []
    position = 0
    while (candidate := _ANY.search(text, position)) is not None:
        start = candidate.start()
        digits = digits_of(candidate.group())
        match = candidate if is_personnummer_digits(digits) else None
        if match is None and len(digits) == 12:
            shorter = _SHORT.match(text, start)
            match = shorter if shorter and is_personnummer_digits(digits_of(shorter.group())) else None
        if match is None:
            position = start + 1
        else:
            found.append(match.span())
            position = match.end()
    return found


def replace_personnummer(text: str, replacement: Callable[[str], str]) -> str:
    """``text`` with each personal identity number replaced by ``replacement(number as typed)``."""
    pieces, last = [], 0
    for start, end in spans(text):
        pieces += [text[last:start], replacement(text[start:end])]
        last = end
    return "".join(pieces) + text[last:] if pieces else text


def looks_like_personnummer(raw: object) -> bool:
    """True when the whole value (blanks around it aside) is one personal identity number."""
    if raw is None:
        return False
    text = str(raw).strip()
    if text.isascii() and text.isdigit():
        # Plain digits (nearly every identity field of a bulk register): the whole text is the one
        # candidate ``spans`` could find, so its verdict is the digits' check alone. Same answer, a
        # third of a 2 M-line register's parse time saved.
        return is_personnummer_digits(text)
    return spans(text) == [(0, len(text))]


def redact(text: str) -> str:
    """``text`` with every personal identity number masked: for messages, reports and logs, which
    need no key."""
    return replace_personnummer(text, lambda _: MASK)


def pseudonymise(raw: object, key: bytes) -> str:
    """A keyed, non-reversible token for a personal identity number: ``pnr:<16 hex>``.

    HMAC-SHA256 with a secret key over the ten digits ``YYMMDDNNNN``, so the token cannot be
    recomputed from a guessed number without the key, yet the same person gets the same token
    across deliveries, whichever form the number was typed in.
    """
    if not key:
        raise ValueError("a non-empty hashing key is required to pseudonymise identity numbers")
    digits = digits_of(str(raw))
    if len(digits) == 12:
        digits = digits[2:]
    return "pnr:" + hmac.new(key, digits.encode("ascii"), hashlib.sha256).hexdigest()[:16]
