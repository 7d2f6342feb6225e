"""Swedish organisation numbers and the Luhn check digit they share with personal identity numbers.

An organisationsnummer has ten digits whose last one is a Luhn (mod 10) check digit over the first
nine, and digits 3-4 are at least 20, so it never looks like a personnummer (month 01-12). Sole
traders use the owner's personnummer: personal data, found and pseudonymised by
``flows.common.personnummer`` before anything is stored (DESIGN §6).
"""

from __future__ import annotations

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


def format_orgnr(digits: str) -> str:
    """``5560360793`` -> ``556036-0793`` (display form)."""
    return f"{digits[:6]}-{digits[6:]}" if len(digits) == 10 else digits
