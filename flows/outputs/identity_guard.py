"""The last check before a delivery or a report is written: no value in it is a personal identity
number, in any typed form, or the pseudonym of one (DESIGN §6; docs/disclosure.md).

The intake pseudonymises every number it finds and the export views keep delivered text out of
published values, so this check should never fire; when it does, nothing of the output is written
and the error names the file and the place, never the value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flows.common.personnummer import PSEUDONYM, spans
from flows.errors import SocekError


class IdentityInOutputError(SocekError):
    """An output would carry a personal identity number or the pseudonym of one; it is not written."""


_ADVICE = ("it comes from delivered text: a form of personal identity number the intake does not "
           "recognise, or an export view that passes delivered text on without export.public_text "
           "(see docs/disclosure.md, Personal identity numbers)")


def identity_in(text: str) -> str | None:
    """What ``text`` holds that may not leave the warehouse, in words; None when nothing."""
    if PSEUDONYM.search(text):
        return "the pseudonym of a personal identity number"
    if spans(text):
        return "a personal identity number"
    return None


def check_rows(file: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Raise ``IdentityInOutputError`` naming ``file``, the row (1 = the first after the header) and
    the column of the first text value that holds a number or a pseudonym."""
    for number, row in enumerate(rows, start=1):
        for column, value in zip(header, row):
            if isinstance(value, str) and (found := identity_in(value)):
                raise IdentityInOutputError(f"{file}: row {number}, column {column!r} would carry {found}, so "
                                            f"the file is not written; {_ADVICE}")


def check_text(file: str, text: str) -> None:
    """Raise ``IdentityInOutputError`` naming ``file`` and the line of the first number or pseudonym."""
    for number, line in enumerate(text.splitlines(), start=1):
        if found := identity_in(line):
            raise IdentityInOutputError(f"{file}: line {number} would carry {found}, so the file is not written; "
                                        f"{_ADVICE}")
