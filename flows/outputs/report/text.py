"""Figures as the reports show them: a table cell (the value, "visas inte" with its footnote, or why
it is missing), a figure inside a sentence, and the small Swedish word helpers the templates use."""

from __future__ import annotations

from dataclasses import dataclass

from flows.outputs.report.data import Value
from flows.outputs.report.html import suppressed_text, sv_number, sv_sek, sv_value


@dataclass(frozen=True)
class Cell:
    """One table cell: its text and class, a tooltip, and a footnote marker for a hidden value."""

    text: str
    css: str = "num"
    title: str | None = None
    marker: str | None = None
    flag: str | None = None  # a provisional value's "(P)" note


class Notes:
    """Footnote markers for suppressed cells of one table: each reason gets a number."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def mark(self, reason: str | None) -> str:
        text = suppressed_text(reason)
        if text not in self.reasons:
            self.reasons.append(text)
        return str(self.reasons.index(text) + 1)


def figure_cell(found: Value | None, notes: Notes | None = None, fmt=None, nothing: str = "uppgift saknas") -> Cell:
    """A figure for a table: the value, "visas inte" (with the reason as a footnote), "ej levererad"
    or why it is missing (``nothing``: the words for a share of nothing, M, such as "inga nystartade")."""
    fmt = fmt or (lambda v, u: sv_value(v, u))
    if found is None:
        return Cell("uppgift saknas", "num missing")
    if found.suppressed:
        text = suppressed_text(found.reason)
        if notes is None:
            return Cell(text, "num suppressed")
        return Cell("visas inte", "num suppressed", title=text, marker=notes.mark(found.reason))
    if found.obs_status == "L":
        return Cell("ej levererad", "num missing", title=found.note)
    if found.number is None:
        return Cell(nothing if found.obs_status == "M" else "uppgift saknas", "num missing")
    flag = ("preliminär uppgift" + (f": {found.note}" if found.note else "")) if found.obs_status == "P" else None
    return Cell(fmt(found.number, found.unit), "num", flag=flag)


def text_cell(text: str, css: str = "") -> Cell:
    return Cell(text, css)


def phrase(found: Value | None, fmt=None, missing: str = "saknas") -> str:
    """A figure inside a sentence: the number, or why it is not given."""
    fmt = fmt or (lambda v, u: sv_value(v, u))
    if found is None:
        return missing
    if found.suppressed:
        return f"visas inte ({found.reason or 'röjandekontroll'})"
    if found.obs_status == "L":
        return "saknas: registret har inte levererats"
    if found.number is None:
        return missing
    return fmt(found.number, found.unit)


def count_word(n: float | None, singular: str, plural: str) -> str:
    if n is None:
        return f"ett okänt antal {plural}"
    if n == 0:
        return f"inga {plural}"
    return f"{sv_number(n)} {singular if n == 1 else plural}"


def change_word(now: float | None, before: float | None, year_before: int) -> str:
    if now is None or before is None:
        return ""
    if now == before:
        return f", lika många som {year_before}"
    more = now > before
    return f", {sv_number(abs(now - before))} {'fler' if more else 'färre'} än {year_before}"


def signed_sek(value: float) -> str:
    """A difference in kronor with its sign: ``+80 000 kr``, ``−4 500 kr``."""
    return ("+" if value > 0 else "") + sv_sek(value)


def and_list(items: list[str]) -> str:
    items = list(items)
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]
