"""Write canonical rows in a publisher's exact layout: the inverse of reading.

The demo generator, the test fixtures and the benchmark need files that look like what municipalities
really deliver (UTF-16 with BOM, bare CR line ends, decimal comma with space thousands, ``YYYYMM``
dates, Örebro's combined account cell, XLSX, paged rowstore JSON with a BOM inside the first key),
so the readers are exercised on the real quirks. The layout comes from the profile's ``[file]`` table
and value quirks; the same input always gives the same bytes (XLSX timestamps are fixed).

Input: a frame with canonical column names (missing columns are written blank, other columns are
ignored). Values may be canonical text (``"-1234.50"``, ``"2024-01-31"``, ``"true"``) or Python
values (dates, numbers, booleans).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from flows.common.identifiers import format_orgnr, is_valid_orgnr, normalise_id
from flows.common.synthetic import SYNTHETIC_COLUMN, SYNTHETIC_VALUE
from flows.datasets import BOOL, DATASETS, DATE, DECIMAL, INT, Column, Dataset
from flows.intake.profiles import (
    ANY_DATASET,
    DEFAULT_PROFILE_DIR,
    FileLayout,
    Profile,
    SplitRule,
    get_profile,
    header_key,
)

DEFAULT_SHEET = "Blad1"  # what Swedish Excel calls a new workbook's first sheet
_FIXED_TIME = dt.datetime(2000, 1, 1)  # workbook created/modified, so equal input gives equal bytes
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_LINE_ENDS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}
_PLAIN_NUMBER = re.compile(r"(-?)(\d+)(?:\.(\d+))?")

Cell = str | int | float | bool | dt.date | None


@dataclass(frozen=True)
class _Slot:
    """One delivered column: filled from a canonical column, from a split rule's join, or blank."""

    header: str
    column: str | None = None
    rule: SplitRule | None = None


def write_table(
    frame: pd.DataFrame,
    path: Path,
    profile: Profile | str,
    *,
    dataset: str | None = None,
    profiles_dir: Path = DEFAULT_PROFILE_DIR,
    synthetic: bool = False,
) -> None:
    """Write ``frame`` to ``path`` as the profile's publisher would have delivered it.

    ``synthetic`` adds the marker column ``socek_synthetic`` (every cell ``FIKTIVA DATA``, see
    ``flows.common.synthetic``) after the publisher's columns: the demo marks every file it writes.

    ``dataset`` is needed only for a profile that fits every dataset (``canonical``). Rowstore JSON
    writes ``page_size`` rows per file: the first page at ``path``, then ``<stem>-page-2.json`` and
    so on, each linked from the page before through ``next``.
    """
    chosen = profile if isinstance(profile, Profile) else get_profile(profile, profiles_dir)
    contract = _dataset(chosen, dataset)
    slots = _slots(chosen, contract)
    excel = chosen.file.format == "xlsx"
    columns = [_slot_cells(frame, slot, chosen, contract, excel) for slot in slots]
    header = [slot.header for slot in slots]
    if synthetic:
        header.append(SYNTHETIC_COLUMN)
        columns.append([SYNTHETIC_VALUE] * len(frame))
    rows = [list(row) for row in zip(*columns)] if columns else []
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if chosen.file.format == "xlsx":
        _write_xlsx(path, header, rows, chosen.file)
    elif chosen.file.format == "json":
        _write_rowstore(path, header, rows, chosen.file)
    else:
        _write_csv(path, header, rows, chosen.file)


def _dataset(profile: Profile, dataset: str | None) -> Dataset:
    name = dataset or (None if profile.dataset == ANY_DATASET else profile.dataset)
    if name is None:
        raise ValueError(f"profile {profile.name!r} fits every dataset; pass dataset=... to write_table")
    if not profile.applies_to(name) or name not in DATASETS:
        raise ValueError(f"profile {profile.name!r} is for {profile.dataset}, not for {name!r}")
    return DATASETS[name]


# --- which columns, in which order --------------------------------------------------------------


def _slots(profile: Profile, contract: Dataset) -> list[_Slot]:
    if profile.file.header is not None:
        return [_slot_for(header, profile, contract) for header in profile.file.header]
    return _canonical_slots(profile, contract)


def _slot_for(header: str, profile: Profile, contract: Dataset) -> _Slot:
    key = header_key(header)
    rule = next((rule for rule in profile.split if header_key(rule.column) == key), None)
    if rule is not None:
        return _Slot(header, rule=rule)
    column = next((c.name for c in contract.delivered_columns
                   if profile.split_for(c.name) is None
                   and any(header_key(h) == key for h in profile.headers_for(c.name))), None)
    return _Slot(header, column=column)


def _canonical_slots(profile: Profile, contract: Dataset) -> list[_Slot]:
    """Without a header list: every delivered canonical column in contract order."""
    slots: list[_Slot] = []
    for column in contract.delivered_columns:
        rule = profile.split_for(column.name)
        if rule is not None:
            if all(slot.rule != rule for slot in slots):
                slots.append(_Slot(rule.column, rule=rule))
        elif column.name not in profile.absent:
            slots.append(_Slot(profile.headers_for(column.name)[0], column=column.name))
    return slots


# --- values -------------------------------------------------------------------------------------


def _slot_cells(frame: pd.DataFrame, slot: _Slot, profile: Profile, contract: Dataset, excel: bool) -> list[Cell]:
    if slot.rule is not None:
        return _joined(frame, slot.rule, profile, contract)
    if slot.column is None:
        return [None] * len(frame)
    return _publisher_cells(frame, contract.column(slot.column), profile, excel)


def _publisher_cells(frame: pd.DataFrame, column: Column, profile: Profile, excel: bool) -> list[Cell]:
    """One canonical column as the publisher's cells, converting each distinct value once."""
    if column.name not in frame.columns:
        return [_publisher_cell(None, column, profile, excel)] * len(frame)
    converted: dict[tuple[type, object], Cell] = {}
    cells: list[Cell] = []
    for value in frame[column.name].tolist():
        key = (type(value), value)  # the type keeps True, 1 and 1.0 apart
        if key not in converted:
            converted[key] = _publisher_cell(_canonical_text(value), column, profile, excel)
        cells.append(converted[key])
    return cells


def _joined(frame: pd.DataFrame, rule: SplitRule, profile: Profile, contract: Dataset) -> list[Cell]:
    """Several canonical columns in the publisher's one cell (``"45490 Konsulttjänster"``)."""
    parts = {target: _publisher_cells(frame, contract.column(target), profile, False) for target in rule.targets}
    cells: list[Cell] = []
    for index in range(len(frame)):
        values = {target: parts[target][index] for target in rule.targets}
        joined = rule.join.format(**{k: "" if v is None else v for k, v in values.items()}).strip()
        cells.append(joined or None)
    return cells


def _canonical_text(value: object) -> str | None:
    """Any frame value as canonical text (what the reader produces)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f") if math.isfinite(value) else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _publisher_cell(text: str | None, column: Column, profile: Profile, excel: bool) -> Cell:
    """Canonical text as the publisher writes it; text the writer does not understand goes as is."""
    if text is None:
        markers = profile.blank_values.get(column.name)
        return markers[0] if markers else None
    if column.type == DATE:
        return _publisher_date(text, profile.date_formats[0], excel)
    if column.type == DECIMAL and (match := _PLAIN_NUMBER.fullmatch(text)):
        return float(text) if excel else _format_decimal(match, profile.decimal, profile.thousands)
    if column.type == INT and excel and _PLAIN_NUMBER.fullmatch(text) and "." not in text:
        return int(text)
    if column.type == BOOL and excel and text in ("true", "false"):
        return text == "true"
    if profile.file.orgnr_dash and (column.is_org_nr or column.name == "leverantor_id") and is_valid_orgnr(text):
        return format_orgnr(normalise_id(text))
    return text


def _publisher_date(text: str, fmt: str, excel: bool) -> Cell:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return text
    return day if excel else day.strftime(fmt)


def _format_decimal(match: re.Match[str], decimal: str, thousands: str) -> str:
    """``-12345.50`` with ``,`` and `` `` -> ``-12 345,50``."""
    sign, whole, fraction = match.groups()
    if thousands:
        head = len(whole) % 3 or 3
        whole = thousands.join([whole[:head]] + [whole[i:i + 3] for i in range(head, len(whole), 3)])
    return sign + whole + (decimal + fraction if fraction else "")


# --- files --------------------------------------------------------------------------------------


def _write_csv(path: Path, header: list[str], rows: list[list[Cell]], layout: FileLayout) -> None:
    ending = _LINE_ENDS[layout.line_ending]
    needs_quotes = re.compile('["\r\n' + re.escape(layout.delimiter) + "]")
    lines = (layout.delimiter.join(_quoted(cell, needs_quotes) for cell in row) for row in [header, *rows])
    path.write_bytes(_encode("".join(line + ending for line in lines), layout.encoding, path))


def _quoted(cell: Cell, needs_quotes: re.Pattern[str]) -> str:
    """CSV quoting: only cells with the delimiter, a quote or a line break are quoted.

    Done by hand because the csv module does not quote a lone ``\\n`` when lines end in ``\\r``.
    """
    text = "" if cell is None else str(cell)
    return '"' + text.replace('"', '""') + '"' if needs_quotes.search(text) else text


def _encode(text: str, encoding: str, path: Path) -> bytes:
    """Encode as the publisher does; UTF-16 always carries its byte-order mark."""
    try:
        if encoding.startswith("utf-16"):
            return ("\ufeff" + text).encode(encoding)
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise ValueError(f"{path}: {exc.object[exc.start:exc.end]!r} cannot be written in {encoding}") from None


def _write_rowstore(path: Path, header: list[str], rows: list[list[Cell]], layout: FileLayout) -> None:
    """EntryScape rowstore pages: values as strings, ``next`` naming the following page's file."""
    size = layout.page_size
    pages = [rows[start:start + size] for start in range(0, len(rows), size)] or [[]]
    names = [path.name] + [f"{path.stem}-page-{number}{path.suffix}" for number in range(2, len(pages) + 1)]
    keys = [("\ufeff" if (layout.bom_in_first_key and index == 0) or name == layout.bom_in_key else "") + name
            for index, name in enumerate(header)]
    for number, page_rows in enumerate(pages):
        page: dict[str, object] = {
            "resultCount": len(rows),
            "offset": number * size,
            "limit": size,
            "results": [{key: "" if cell is None else str(cell) for key, cell in zip(keys, row)} for row in page_rows],
        }
        if number + 1 < len(pages):
            page["next"] = names[number + 1]
        (path.parent / names[number]).write_bytes(json.dumps(page, ensure_ascii=False).encode("utf-8"))


def _write_xlsx(path: Path, header: list[str], rows: list[list[Cell]], layout: FileLayout) -> None:
    """One sheet, dates as Excel dates and amounts as numbers; fixed timestamps for equal bytes."""
    from openpyxl import Workbook  # imported here: only XLSX writers pay for it
    from openpyxl.writer.excel import (
        ExcelWriter,  # save_workbook would stamp the current time
    )

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(layout.sheet or DEFAULT_SHEET)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.properties.created = workbook.properties.modified = _FIXED_TIME
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    path.write_bytes(_fixed_zip_times(buffer.getvalue()))


def _fixed_zip_times(data: bytes) -> bytes:
    """The same zip with every member's timestamp set to 1980-01-01 (zip stamps the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            fixed = zipfile.ZipInfo(member.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, source.read(member))
    return out.getvalue()
