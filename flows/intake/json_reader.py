"""JSON deliveries: an array of row objects, or EntryScape rowstore pages chained by ``next`` links.

A page's ``next`` is followed only to a plain file name in the same folder, so a link can never lead
the reader out of the inbox; ``resultCount`` (or, without it, the last page not pointing onwards)
shows that the delivery is complete.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from flows.errors import InboxError
from flows.intake.table import (
    DEFAULT_MAX_BYTES,
    RawTable,
    cell_text,
    check_file,
    decode_file,
    drop_blank_rows,
    header_names,
    read_bytes,
    records_frame,
)

_PAGE_NAME = re.compile(r"[^/\\:?#&=]+")  # a 'next' link that is a plain file name


def read_json(path: Path, max_bytes: int) -> RawTable:
    """Read a JSON array of row objects, or rowstore pages chained by ``next`` links."""
    pages = json_pages(path, max_bytes)
    rows: list[object] = []
    for page_path, document, _ in pages:
        rows.extend(_page_rows(document, page_path))
    _check_complete(pages[0][1], pages[-1][1], len(rows), path)
    header = _json_header(rows, path)
    numbered = ((number, _json_cells(row, header)) for number, row in enumerate(rows, start=1))
    frame, skipped = drop_blank_rows(records_frame(header, numbered))
    parts = tuple(page_path for page_path, _, _ in pages)
    return RawTable(frame, path, "json", pages[0][2], None, None, skipped, parts)


def json_pages(path: Path, max_bytes: int) -> list[tuple[Path, object, str]]:
    """The file and every page its ``next`` links lead to: (path, parsed document, encoding)."""
    pages = [(path, *_load_json(path, max_bytes))]
    seen = {path.resolve()}
    while (link := _page_link(pages[-1][1])) is not None:
        following = _page_file(pages[-1][0], link, seen)
        if following is None:
            break
        seen.add(following.resolve())
        pages.append((following, *_load_json(following, max_bytes)))
    return pages


def _load_json(path: Path, max_bytes: int) -> tuple[object, str]:
    """Parse one JSON file (any BOM-announced encoding) or say where it is broken."""
    check_file(path, max_bytes)
    text, encoding = decode_file(read_bytes(path), path)
    try:
        return json.loads(text), encoding
    except json.JSONDecodeError as exc:
        raise InboxError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise InboxError(f"{path}: not usable JSON: nested too deeply") from None


def _page_rows(document: object, path: Path) -> list[object]:
    """The rows of one page: the array itself or the rowstore page's ``results``."""
    if isinstance(document, list):
        return list(document)
    if isinstance(document, dict) and isinstance(document.get("results"), list):
        return list(document["results"])
    raise InboxError(
        f"{path}: expected a JSON array of rows or a rowstore page with a 'results' array, "
        f"found {type(document).__name__}"
    )


def _page_link(document: object) -> str | None:
    if isinstance(document, dict) and isinstance(document.get("next"), str) and document["next"].strip():
        return document["next"].strip()
    return None


def _page_file(current: Path, link: str, seen: set[Path]) -> Path | None:
    """The file a ``next`` link names in the same folder; None when the link is a web address.

    Only plain file names are followed, and only to files that really are in the same folder:
    a link can never lead the reader out of the inbox (``../``, absolute paths, outbound symlinks).
    """
    if not _PAGE_NAME.fullmatch(link) or link.startswith("."):
        return None
    target = current.parent / link
    if not target.is_file():
        raise InboxError(f"{current}: the page links ('next') to {link!r}, which is not in the folder")
    if target.resolve().parent != current.parent.resolve():
        raise InboxError(f"{current}: the page's 'next' link {link!r} points outside the delivery folder")
    if target.resolve() in seen:
        raise InboxError(f"{current}: the page's 'next' link {link!r} leads back to an earlier page (a loop)")
    return target


def _check_complete(first: object, last: object, rows: int, path: Path) -> None:
    """Refuse a paged delivery that is visibly incomplete.

    With a ``resultCount`` the rows of all pages must add up to it; without one, the last page must
    not point onwards to a web address (pages that were never saved).
    """
    expected = first.get("resultCount") if isinstance(first, dict) else None
    if isinstance(expected, int) and not isinstance(expected, bool):
        if expected != rows:
            raise InboxError(
                f"{path}: the pages hold {rows} rows but 'resultCount' says {expected}; "
                "pages are missing or do not belong together"
            )
        return
    if (link := _page_link(last)) is not None:
        raise InboxError(
            f"{path}: the last page links to {link!r}, which is not a file in this folder, and there is "
            "no 'resultCount' to show the delivery is complete; save every page as a file and let each "
            "page's 'next' name the next file"
        )


def _json_header(rows: list[object], path: Path) -> list[str]:
    """Column names: every key seen, in order of first appearance, without BOM or padding."""
    names: dict[str, None] = {}
    for row in rows:
        if isinstance(row, dict):
            names.update((_json_key(key), None) for key in row)
    if not names:
        raise InboxError(f"{path}: the JSON holds no row objects, so there are no columns to read")
    return header_names(list(names), path)


def _json_key(key: str) -> str:
    return key.replace("\ufeff", "").strip()


def _json_cells(row: object, header: list[str]) -> list[str | None]:
    """A row object's values in header order; anything but an object goes whole to ``_extra``."""
    if not isinstance(row, dict):
        return [None] * len(header) + [cell_text(row) or ""]
    cleaned = {_json_key(key): value for key, value in row.items()}
    return [cell_text(cleaned.get(name)) for name in header]


def linked_pages(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Path]:
    """The page files a JSON rowstore page links to through ``next`` (not the file itself).

    Discovery uses it so that ``page-2.json`` is read as part of the delivery that starts at the page
    linking to it, not as a delivery of its own.
    """
    return [page for page, _, _ in json_pages(Path(path), max_bytes)[1:]]
