"""Swedish organisation numbers and personal identity numbers.

An organisationsnummer has ten digits whose last one is a Luhn (mod 10) check digit over the first
nine, and digits 3-4 are at least 20, so it never looks like a personnummer (month 01-12). Sole
traders use the owner's personnummer: personal data, so socek replaces such ids with a keyed hash
before anything is stored (DESIGN §6).
"""

from __future__ import annotations

import hashlib
import hmac
import re

_NON_DIGITS = re.compile(r"[\s\-+]")


def luhn_check_digit(nine_digits: str) -> int:
    """The Luhn check digit over nine digits (positions 1, 3, 5... are doubled)."""
    total = 0
    for index, char in enumerate(nine_digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def normalise_id(raw: object) -> str:
    """Digits of an id as delivered: strips spaces, dashes and a `16` century prefix of 12-digit org nrs."""
    if raw is None:
        return ""
    text = _NON_DIGITS.sub("", str(raw).strip())
    if len(text) == 12 and text.startswith("16"):
        text = text[2:]
    return text


def is_valid_luhn10(digits: str) -> bool:
    return len(digits) == 10 and digits.isdigit() and luhn_check_digit(digits[:9]) == int(digits[9])


def is_valid_orgnr(raw: object) -> bool:
    """True for a ten-digit organisation number with a valid check digit and digits 3-4 >= 20."""
    digits = normalise_id(raw)
    return is_valid_luhn10(digits) and int(digits[2:4]) >= 20


def looks_like_personnummer(raw: object) -> bool:
    """True when the id is shaped like a personal identity number (or samordningsnummer).

    Ten or twelve digits (19/20 century prefix), a plausible month and day (day+60 for
    samordningsnummer) and a valid check digit. Such ids must never be stored in clear.
    """
    if raw is None:
        return False
    text = _NON_DIGITS.sub("", str(raw).strip())
    if len(text) == 12 and text[:2] in ("18", "19", "20"):
        text = text[2:]
    if len(text) != 10 or not text.isdigit():
        return False
    month, day = int(text[2:4]), int(text[4:6])
    if not (1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91)):
        return False
    return is_valid_luhn10(text)


def format_orgnr(digits: str) -> str:
    """``5560360793`` -> ``556036-0793`` (display form)."""
    return f"{digits[:6]}-{digits[6:]}" if len(digits) == 10 else digits


def pseudonymise(raw: object, key: bytes) -> str:
    """A keyed, non-reversible token for a personal identity number: ``pnr:<16 hex>``.

    HMAC-SHA256 with a secret key, so the token cannot be recomputed from a guessed number without
    the key, yet the same person gets the same token across deliveries.
    """
    if not key:
        raise ValueError("a non-empty hashing key is required to pseudonymise identity numbers")
    digits = _NON_DIGITS.sub("", str(raw).strip())
    if len(digits) == 12:
        digits = digits[2:]
    return "pnr:" + hmac.new(key, digits.encode("ascii"), hashlib.sha256).hexdigest()[:16]
