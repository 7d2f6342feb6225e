"""Swedish number and date formatting for the reports, and escaping for the few attributes built in
Python. The page itself is made by the Jinja2 templates (``render.py``), which escape every value."""

from __future__ import annotations

import html
import math
from datetime import date, datetime

NBSP = "\u00a0"  # thousands separator and before units, so "1 234 kr" never breaks across lines
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
          "oktober", "november", "december")


def esc(value: object) -> str:
    """Text for HTML content or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def sv_number(value: float | int | None, decimals: int = 0) -> str:
    """Swedish number format: space (no-break) between thousands, decimal comma, minus sign."""
    if is_missing(value):
        return ""
    number = round(float(value), decimals)
    if number == 0:
        number = 0.0  # no "-0"
    text = f"{abs(number):,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return ("\u2212" if number < 0 else "") + text


def sv_sek(value: float | None) -> str:
    """Whole kronor: ``1 234 567 kr``."""
    return "" if is_missing(value) else f"{sv_number(value)}{NBSP}kr"


def sv_percent(value: float | None, decimals: int = 1) -> str:
    return "" if is_missing(value) else f"{sv_number(value, decimals)}{NBSP}%"


def sv_date(value: date | datetime | None) -> str:
    """``1 september 2022``."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def iso_date(value: date | datetime | None) -> str:
    """``2022-09-01``: the Swedish standard short date, for tables."""
    return "" if value is None else value.strftime("%Y-%m-%d")


def sv_value(value: float | None, unit: str | None) -> str:
    """A value in its unit as a reader expects it (kronor whole, shares and rates with a decimal)."""
    if is_missing(value):
        return ""
    unit = (unit or "").strip()
    if unit in ("SEK", "SEK/year"):
        return sv_sek(value) + (" per år" if unit == "SEK/year" else "")
    if unit == "%":
        return sv_percent(value)
    if unit.startswith("per "):
        return sv_number(value, 1)
    if unit == "FTE":
        return sv_number(value, 1)
    decimals = 0 if float(value).is_integer() else 1
    return sv_number(value, decimals)


def capitalized(text: str) -> str:
    """First letter upper case, the rest untouched (``str.capitalize`` would turn IOP into iop)."""
    return text[:1].upper() + text[1:]


def machine_number(value: float | int) -> str:
    """The exact number for a ``data-value`` attribute: ``4``, ``122625.5`` (point, no grouping)."""
    number = round(float(value), 6)
    return str(int(number)) if number.is_integer() else repr(number)


def suppressed_text(reason: str | None) -> str:
    """What a reader sees instead of a suppressed value."""
    return "Uppgiften visas inte" + (f": {reason}" if reason else "")
