"""Figures in words and table cells: a value, "visas inte" with its footnote, or why it is missing."""

from __future__ import annotations

from flows.outputs.report.data import Value
from flows.outputs.report.html import esc, suppressed_text, sv_number, sv_value


class Notes:
    """Footnote markers for suppressed cells of one table: each reason gets a number."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def mark(self, reason: str | None) -> str:
        text = suppressed_text(reason)
        if text not in self.reasons:
            self.reasons.append(text)
        return str(self.reasons.index(text) + 1)

    def html(self) -> str:
        if not self.reasons:
            return ""
        items = "".join(f"<li><sup>{i}</sup> {esc(text)}.</li>" for i, text in enumerate(self.reasons, 1))
        return f"<ul class=\"note suppression-notes\">{items}</ul>"


def figure_cell(found: Value | None, notes: Notes | None = None, fmt=None, nothing: str = "uppgift saknas") -> str:
    """A table cell for a figure: the value, "Uppgiften visas inte: ...", "ej levererad" or why it is
    missing (``nothing``: the words for a share of nothing, M, such as "inga nystartade")."""
    fmt = fmt or (lambda v, u: sv_value(v, u))
    if found is None:
        return "<td class=\"num missing\">uppgift saknas</td>"
    if found.suppressed:
        text = suppressed_text(found.reason)
        if notes is None:
            return f"<td class=\"num suppressed\">{esc(text)}</td>"
        marker = notes.mark(found.reason)
        return f"<td class=\"num suppressed\" title=\"{esc(text)}\">visas inte<sup>{marker}</sup></td>"
    if found.obs_status == "L":
        why = f" title=\"{esc(found.note)}\"" if found.note else ""
        return f"<td class=\"num missing\"{why}>ej levererad</td>"
    if found.number is None:
        return f"<td class=\"num missing\">{esc(nothing if found.obs_status == 'M' else 'uppgift saknas')}</td>"
    flag = (f" <abbr title=\"preliminär uppgift{': ' + esc(found.note) if found.note else ''}\">(P)</abbr>"
            if found.obs_status == "P" else "")
    return f"<td class=\"num\">{esc(fmt(found.number, found.unit))}{flag}</td>"


def phrase(found: Value | None, fmt=None, missing: str = "saknas") -> str:
    """A figure inside a sentence: the number, or why it is not given."""
    fmt = fmt or (lambda v, u: sv_value(v, u))
    if found is None:
        return missing
    if found.suppressed:
        return f"visas inte: {found.reason or 'röjandekontroll'}"
    if found.obs_status == "L":
        return "saknas: registret har inte levererats"
    if found.number is None:
        return missing
    return fmt(found.number, found.unit)


def count_word(n: float | None, singular: str, plural: str) -> str:
    if n is None:
        return f"ett okänt antal {plural}"
    return f"{sv_number(n)} {singular if n == 1 else plural}"


def change_word(now: float | None, before: float | None, year_before: int) -> str:
    if now is None or before is None:
        return ""
    if now == before:
        return f", lika många som {year_before}"
    more = now > before
    return f", {sv_number(abs(now - before))} {'fler' if more else 'färre'} än {year_before}"


def card_figure(found: Value | None) -> str:
    if found is None or (found.number is None and not found.suppressed):
        return "<span class=\"missing\">uppgift saknas</span>"
    if found.suppressed:
        return f"<span class=\"suppressed\">{esc(suppressed_text(found.reason))}</span>"
    return esc(sv_value(found.number, found.unit))


def and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]
