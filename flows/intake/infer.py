"""``socek profile infer FILE --dataset D``: propose a publisher profile for a file socek has not seen.

The file is read as the inbox reads it (encoding, delimiter, line ends and the header below any
title rows are sniffed by the readers). Then every setting a profile holds is decided from the
file's content, each with its evidence:

- decimal and thousands marks: from the numbers in the file (``-1302,03``, ``12 345,50``);
- date formats: the formats that read the date-like columns;
- the column map: by name (the canonical name, its Swedish label and common Swedish names, compared
  tolerantly) and by content (organisation-number check digits, dates, amounts, whole numbers,
  yes/no, value sets, municipality codes), assigned best match first, one header per column;
- a cell holding an account and its text (``45490 Konsulttjänster``) becomes a split rule;
- supplier ids: organisation numbers, or the publisher's internal supplier numbers;
- "no value" markers (``-``, ``SAKNAS``) per column; columns never delivered are declared absent.

Then the rows that do not fit the proposal are listed (row number, column, value). A person reviews
the TOML (``proposal_toml``) before using it with ``socek validate --profile NAME``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from flows.common.identifiers import is_valid_orgnr
from flows.common.personnummer import looks_like_personnummer
from flows.datasets import BOOL, DATASETS, DATE, DECIMAL, INT, Column, Dataset
from flows.errors import InboxError
from flows.intake.formats import read_table
from flows.intake.labels import label, words_for
from flows.intake.profiles import header_key
from flows.intake.table import ROW_NUMBER, RawTable, ReadLimits

DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%Y%m", "%Y-%m", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d", "%d-%m-%Y")
BLANK_MARKERS = ("-", "--", "–", "—", "saknas", "uppgift saknas", "n/a", "na", "null", "ej angivet")
SAMPLE_ROWS = 20_000
MISFITS_SHOWN = 10
_BOOL_WORDS = {"ja", "j", "nej", "n", "true", "false", "sant", "falskt", "yes", "no", "1", "0", "x", "y"}
_NUMBER = re.compile(r"[+\-\u2212]?\d[\d .,\u00a0\u202f]*")
_ACCOUNT_AND_TEXT = re.compile(r"\d{4,6}\s+\S.*", re.DOTALL)
_SPLIT_PATTERN = r"^(?P<konto_nr>\d{4,6})(?:\s+(?P<konto_text>.*))?$"
# Common Swedish and national-spec names for canonical columns, besides the canonical name and label.
ALIASES = {
    "bokforingsdatum": ["datum", "bokf datum", "transaktionsdatum", "verifikationsdatum"],
    "nettobelopp": ["belopp", "belopp sek", "belopp exkl moms", "summa", "netto"],
    "fakturanummer": ["faktura nr", "fakturanr", "faktura"],
    "leverantor_id": ["orgnr", "org.nr", "org nr", "organisationsnummer", "leverantörens org.nr",
                      "leverantorsnummer", "leverantorsnr", "lev nr"],
    "leverantor": ["leverantörsnamn", "lev namn"],
    "konto_nr": ["konto", "kontonr"],
    "konto_text": ["kontonamn", "kontobenämning"],
    "kopare_id": ["köparens org.nr", "kopare orgnr"],
    "kopare": ["kopare text", "köparens namn", "kopare namn"],
    "forvaltning": ["förvaltningsnamn"],
    "verifikationsnummer": ["verifikation", "ver nr", "vernr", "verifikationsnr"],
    "kommun_id": ["kommunkod", "kommun"],
    "org_nr": ["orgnr", "org.nr", "org nr", "organisationsnummer"],
    "municipality_code": ["kommun", "kommun id", "kommunkod"],
    "name": ["företagsnamn", "företag"],
}


@dataclass(frozen=True)
class Evidence:
    setting: str
    value: object
    why: str


@dataclass(frozen=True)
class Misfit:
    column: str
    header: str
    rule: str
    count: int
    rows: tuple[tuple[int, str], ...]


@dataclass
class Proposal:
    path: Path
    dataset: str
    name: str
    settings: dict
    evidence: list[Evidence] = field(default_factory=list)
    misfits: list[Misfit] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Cells:
    """One delivered column's non-blank values (a sample) and what share of them fits each kind."""

    header: str
    values: tuple[str, ...]
    fit: dict[str, float]


def infer_profile(path: Path, dataset: str, *, name: str | None = None, municipality_codes: list[str] | None = None,
                  limits: ReadLimits | None = None) -> Proposal:
    """Propose a profile for ``path`` as ``dataset`` (see the module docstring)."""
    if dataset not in DATASETS:
        raise InboxError(f"{path}: {dataset!r} is not a dataset; known: {', '.join(DATASETS)}")
    path, contract = Path(path), DATASETS[dataset]
    raw = read_table(path, limits=limits or ReadLimits())
    proposal = Proposal(path, dataset, name or _name_from(path), {})
    frame = raw.frame.head(SAMPLE_ROWS)
    decimal, thousands = _number_marks(frame, raw.headers, proposal)
    formats = _date_formats(frame, raw.headers, proposal)
    cells = {h: _cells(h, frame[h], decimal, thousands, formats, contract, municipality_codes) for h in raw.headers}
    mapping, split = _map(contract, cells, proposal)
    _layout(raw, path, proposal, cells, mapping)
    settings = proposal.settings
    settings.update(name=proposal.name, dataset=dataset, decimal=decimal, thousands=thousands, date_formats=formats,
                    description=f"Proposed by socek profile infer from {path.name}; review before use.")
    _columns_and_absent(contract, raw.headers, mapping, split, proposal)
    _supplier_ids(contract, mapping, cells, proposal)
    _blank_values(mapping, frame, proposal)
    proposal.misfits = _misfits(contract, mapping, raw, decimal, thousands, formats, municipality_codes)
    proposal.unmapped = [h for h in raw.headers if h not in mapping.values() and h != (split or {}).get("column")]
    return proposal


def _name_from(path: Path) -> str:
    stem = re.sub(r"[^a-z0-9_-]+", "-", header_key(path.stem).replace(" ", "-")).strip("-_")
    return stem or "proposed"


# --- numbers and dates -------------------------------------------------------------------------


def _number_marks(frame: pd.DataFrame, headers: list[str], proposal: Proposal) -> tuple[str, str]:
    """The decimal and thousands marks the file's numbers are written with."""
    decimals: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for header in headers:
        for text in frame[header].dropna().unique()[:2000]:
            decimal, thousands = number_marks(str(text).strip())
            for counter, mark, kind in ((decimals, decimal, "decimal"), (groups, thousands, "thousands")):
                if mark:
                    counter[mark] += 1
                    examples.setdefault(f"{kind}{mark}", f"{text!r} in {header!r}")
    decimal = "," if decimals[","] > decimals["."] else "."
    thousands = next((mark for mark, _ in groups.most_common() if mark != decimal), "")
    names = {",": "comma", ".": "point", " ": "space"}
    proposal.evidence.append(Evidence("decimal", decimal, "numbers with decimals: " + (
        "; ".join(f"{count} with a decimal {names[mark]}, e.g. {examples['decimal' + mark]}"
                  for mark, count in decimals.most_common()) or "none seen")))
    proposal.evidence.append(Evidence("thousands", thousands, "numbers grouped by thousands: " + (
        "; ".join(f"{count} with {names[mark]}s, e.g. {examples['thousands' + mark]}"
                  for mark, count in groups.most_common()) or "none seen, so no separator")))
    return decimal, thousands


def number_marks(text: str) -> tuple[str | None, str | None]:
    """(decimal mark, thousands mark) a number shows, None where it shows none or is ambiguous
    (``1.234`` may be either)."""
    if not _NUMBER.fullmatch(text):
        return None, None
    sign = r"[+\-\u2212]?"
    if match := re.fullmatch(sign + r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:([.,])\d+)?", text):
        return match.group(1), " "
    for mark, other in ((".", ","), (",", ".")):
        escaped = re.escape(mark)
        if match := re.fullmatch(sign + rf"\d{{1,3}}(?:{escaped}\d{{3}})+({re.escape(other)}\d+)?", text):
            if match.group(1) or text.count(mark) > 1:
                return (other if match.group(1) else None), mark
    if match := re.fullmatch(sign + r"(\d+)([.,])(\d+)", text):
        whole, mark, fraction = match.groups()
        return (None, None) if len(fraction) == 3 and len(whole) <= 3 else (mark, None)
    return None, None


def _parses(text: str, fmt: str) -> bool:
    """``text`` is a plausible date in ``fmt`` (years 1900-2100: ``10001`` is no date in %Y%m)."""
    try:
        return 1900 <= dt.datetime.strptime(text, fmt).year <= 2100
    except ValueError:
        return False


def _date_formats(frame: pd.DataFrame, headers: list[str], proposal: Proposal) -> list[str]:
    """Formats that read at least 90 % of some column's values, most columns first."""
    used: Counter[str] = Counter()
    why: list[str] = []
    for header in headers:
        values = [str(v).strip() for v in frame[header].dropna().unique()[:500]]
        if not values:
            continue
        for fmt in DATE_FORMATS:
            share = sum(_parses(v, fmt) for v in values) / len(values)
            if share >= 0.9:
                used[fmt] += 1
                why.append(f"{header!r} reads as {fmt} ({share:.0%} of {len(values)} distinct values, e.g. {values[0]!r})")
                break
    formats = [fmt for fmt, _ in used.most_common()] or ["%Y-%m-%d"]
    proposal.evidence.append(Evidence("date_formats", formats, "; ".join(why) or "no date column found; ISO proposed"))
    return formats


# --- what each delivered column holds ------------------------------------------------------------


def _cells(header: str, column: pd.Series, decimal: str, thousands: str, formats: list[str], contract: Dataset,
           municipality_codes: list[str] | None) -> _Cells:
    values = tuple(str(v).strip() for v in column.dropna().unique()[:1000] if str(v).strip())
    meaningful = [v for v in values if not is_blank_marker(v)] or list(values)

    def share(test) -> float:
        return sum(1 for v in meaningful if test(v)) / len(meaningful) if meaningful else 0.0

    fit = {
        "date": share(lambda v: any(_parses(v, fmt) for fmt in formats)),
        "decimal": share(lambda v: _as_number(v, decimal, thousands) is not None),
        "int": share(lambda v: re.fullmatch(r"[+-]?\d+", _strip_thousands(v, thousands)) is not None),
        "bool": share(lambda v: v.casefold() in _BOOL_WORDS),
        "orgnr": share(is_valid_orgnr),
        "identity": share(lambda v: is_valid_orgnr(v) or looks_like_personnummer(v) or "*" in v),
        "supplier_id": share(lambda v: is_valid_orgnr(v) or looks_like_personnummer(v) or "*" in v
                             or re.fullmatch(r"[0-9A-Za-z\-]{1,12}", v) is not None),
        "municipality": share(lambda v: bool(re.fullmatch(r"\d{3,4}", v))
                              and (municipality_codes is None or v.zfill(4) in municipality_codes)),
        "words": share(lambda v: re.search(r"[^\W\d_]{2}", v) is not None),
        "code": share(lambda v: re.fullmatch(r"[0-9A-Za-z.\-]{1,12}", v) is not None),
        "split": share(lambda v: _ACCOUNT_AND_TEXT.fullmatch(v) is not None),
        "any": 1.0 if meaningful else 0.0,
    }
    for column in contract.delivered_columns:
        if column.values:
            codes = _value_keys(contract.name, column)
            fit[f"values:{column.name}"] = share(lambda v, codes=codes: header_key(v) in codes)
    return _Cells(header, values, fit)


def is_blank_marker(text: str) -> bool:
    """A cell that only says "no value" (``-``, ``SAKNAS``, ``n/a``)."""
    return " ".join(text.split()).casefold() in BLANK_MARKERS


def _strip_thousands(text: str, thousands: str) -> str:
    for mark in (" \u00a0\u202f" if thousands == " " else thousands):
        text = text.replace(mark, "")
    return text


def _as_number(text: str, decimal: str, thousands: str) -> float | None:
    plain = _strip_thousands(text.replace("\u2212", "-"), thousands)
    plain = plain.replace(",", ".") if decimal == "," else plain
    return float(plain) if re.fullmatch(r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)", plain) else None


def _value_keys(dataset: str, column: Column) -> set[str]:
    words = words_for(dataset, column.name)
    return {header_key(code) for code in column.values or ()} | {
        header_key(text) for text in (words.values.values() if words else ())}


def kind_of(column: Column) -> str:
    """What a canonical column's cells look like, for matching by content."""
    if column.values:
        return f"values:{column.name}"
    if column.type in (DATE, DECIMAL, INT, BOOL):
        return {DATE: "date", DECIMAL: "decimal", INT: "int", BOOL: "bool"}[column.type]
    if column.is_org_nr or column.name == "kopare_id":
        return "orgnr"
    if column.name == "leverantor_id":
        return "supplier_id"
    if column.is_municipality:
        return "municipality"
    if column.name in ("konto_nr", "sni"):
        return "code"
    if column.name in ("kopare", "leverantor", "name", "konto_text", "forvaltning", "title", "referrer", "arranger"):
        return "words"
    return "any"


# --- the column map ------------------------------------------------------------------------------


def _names(dataset: str, column: str) -> list[str]:
    swedish = label(dataset, column)
    return [column, *([swedish] if swedish else []), *ALIASES.get(column, [])]


def name_score(header: str, names: list[str]) -> float:
    """3 for a header that is one of the names (compared tolerantly), 2.5 for the same identifier
    with another ending (nr, nummer, id), up to 2 for a close spelling, 1.5 when all of a name's
    words are in the header (or the other way round), else 0."""
    key = header_key(header)
    best = 0.0
    for name in names:
        other = header_key(name)
        if key == other:
            return 3.0
        if _id_form(key) is not None and _id_form(key) == _id_form(other):
            best = max(best, 2.5)  # "Bidragsnr", "Bidragsnummer" and "Bidrags-id" name the same thing
        ratio = difflib.SequenceMatcher(None, key, other).ratio()
        if ratio >= 0.75:
            best = max(best, 2 * ratio)
        words, other_words = set(re.split(r"[ .]", key)) - {""}, set(re.split(r"[ .]", other)) - {""}
        if words and other_words and (words <= other_words or other_words <= words) \
                and max(len(w) for w in words & other_words or {""}) >= 4:
            best = max(best, 1.5)
    return best


def _id_form(key: str) -> str | None:
    """An identifier's name without its ending (id, nr, nummer), or None for other names."""
    match = re.fullmatch(r"(.+?)\s*(?:nummer|nr|id)", key.replace(".", ""))
    return match.group(1).replace(" ", "") if match else None


def _acceptable(kind: str, name: float, fit: float) -> bool:
    if kind == "any":
        return name >= 1.4
    if kind == "words":
        return name >= 1.4 and fit >= 0.5
    return fit >= 0.8 or (name >= 3 and fit >= 0.5)


def _map(contract: Dataset, cells: dict[str, _Cells], proposal: Proposal) -> tuple[dict[str, str], dict | None]:
    """Canonical column -> delivered header, best pairs first; and a split rule if one is needed."""
    split = _split_rule(contract, cells, proposal)
    pairs = []
    for column in contract.delivered_columns:
        kind = kind_of(column)
        if split and column.name in ("konto_nr", "konto_text"):
            continue
        for header, held in cells.items():
            if split and header == split["column"]:
                continue
            name, fit = name_score(header, _names(contract.name, column.name)), held.fit.get(kind, 0.0)
            if _acceptable(kind, name, fit):
                pairs.append((name + 2 * fit, column.name, header, name, fit, kind))
    mapping: dict[str, str] = {}
    for score, column, header, name, fit, kind in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if column in mapping or header in mapping.values():
            continue
        mapping[column] = header
        how = (f"name {'matches' if name >= 3 else 'resembles' if name else 'does not match'}"
               + (f"; {fit:.0%} of its values fit {kind}" if kind not in ("any",) else ""))
        proposal.evidence.append(Evidence(f"columns.{column}", header, how))
    return mapping, split


def _split_rule(contract: Dataset, cells: dict[str, _Cells], proposal: Proposal) -> dict | None:
    """A cell holding account and text (``45490 Konsulttjänster``) when no column holds the account alone."""
    if not {"konto_nr", "konto_text"} <= set(contract.column_names):
        return None
    if any(name_score(header, _names(contract.name, "konto_nr")) >= 3 and held.fit["code"] >= 0.8
           for header, held in cells.items()):
        return None
    share, header = max(((held.fit["split"], header) for header, held in cells.items()), default=(0.0, ""))
    if share < 0.8:
        return None
    proposal.evidence.append(Evidence("split", header, f"{share:.0%} of its values are an account number followed "
                                      f"by its text, e.g. {cells[header].values[0]!r}"))
    return {"column": header, "pattern": _SPLIT_PATTERN, "join": "{konto_nr} {konto_text}"}


def _columns_and_absent(contract: Dataset, headers: list[str], mapping: dict[str, str], split: dict | None,
                        proposal: Proposal) -> None:
    """``[columns]`` wherever the default lookup (canonical name, then Swedish label) would not find
    the mapped header; ``absent`` for required-but-blankable columns that no header holds."""
    columns, absent = {}, []
    split_targets = {"konto_nr", "konto_text"} if split else set()
    for column in contract.delivered_columns:
        header = mapping.get(column.name)
        if header is not None:
            if _default_header(headers, contract.name, column.name) != header:
                columns[column.name] = header
        elif column.name in split_targets or column.is_municipality or not column.required:
            continue
        elif column.nullable:
            absent.append(column.name)
        else:
            proposal.unresolved.append(column.name)
    proposal.settings.update(columns=columns, absent=absent, split=[split] if split else [])
    if absent:
        proposal.evidence.append(Evidence("absent", absent, "required but may be blank, and no column holds them; "
                                          "if one buyer publishes the file, set them as [constants] instead"))


def _default_header(headers: list[str], dataset: str, column: str) -> str | None:
    """The header a profile that does not list ``column`` reads it from."""
    for name in _names(dataset, column)[:2]:
        found = next((h for h in headers if header_key(h) == header_key(name)), None)
        if found is not None:
            return found
    return None


def _supplier_ids(contract: Dataset, mapping: dict[str, str], cells: dict[str, _Cells], proposal: Proposal) -> None:
    if contract.name != "supplier_invoices" or "leverantor_id" not in mapping:
        return
    held = cells[mapping["leverantor_id"]]
    kind = "orgnr" if held.fit["identity"] >= 0.5 else "internal"
    proposal.settings["supplier_id"] = kind
    proposal.evidence.append(Evidence("supplier_id", kind, f"{held.fit['identity']:.0%} of the values in "
                                      f"{held.header!r} are organisation or identity numbers (or masked)"
                                      + ("" if kind == "orgnr" else ", so they are the publisher's own supplier "
                                         f"numbers, e.g. {held.values[0]!r}" if held.values else "")))


def _blank_values(mapping: dict[str, str], frame: pd.DataFrame, proposal: Proposal) -> None:
    markers = {}
    for column, header in mapping.items():
        counts = Counter(str(v).strip() for v in frame[header].dropna() if is_blank_marker(str(v)))
        if counts:
            markers[column] = sorted(counts)
            proposal.evidence.append(Evidence(f"blank_values.{column}", sorted(counts),
                                              f"{sum(counts.values())} cells of {header!r} hold only "
                                              + ", ".join(repr(m) for m in sorted(counts))))
    proposal.settings["blank_values"] = markers


def _layout(raw: RawTable, path: Path, proposal: Proposal, cells: dict[str, _Cells], mapping: dict[str, str]) -> None:
    """The ``[file]`` table: how the publisher writes its files."""
    layout: dict[str, object] = {"format": raw.format, "header": list(raw.headers)}
    if raw.format == "csv":
        encoding = {"latin-1": "cp1252", "ascii": "utf-8"}.get(raw.encoding or "", raw.encoding)
        layout.update(encoding=encoding, delimiter=raw.delimiter, line_ending=raw.line_ending or "LF")
        proposal.evidence.append(Evidence("file", f"{encoding}, {raw.delimiter!r}, {raw.line_ending}",
                                          "detected by the CSV reader" + (f"; header below {raw.title_rows} title "
                                                                          "row(s)" if raw.title_rows else "")))
    elif raw.format == "json":
        first = json.loads(path.read_text(encoding="utf-8-sig"))
        rows = first.get("results", []) if isinstance(first, dict) else first
        keyed = [key for row in rows[:50] if isinstance(row, dict) for key in row if "\ufeff" in key]
        if keyed:
            layout["bom_in_key"] = keyed[0].replace("\ufeff", "").strip()
            proposal.evidence.append(Evidence("file.bom_in_key", layout["bom_in_key"],
                                              f"{len(keyed)} rows carry a byte-order mark inside that key"))
        layout["page_size"] = max(len(rows), 1)
    elif raw.title_rows:
        proposal.evidence.append(Evidence("header", raw.title_rows + 1, f"{raw.title_rows} title row(s) above it"))
    dashed = [v for column in ("org_nr", "leverantor_id") if column in mapping
              for v in cells[mapping[column]].values if is_valid_orgnr(v)]
    if dashed and sum("-" in v for v in dashed) > len(dashed) / 2:
        layout["orgnr_dash"] = True
    proposal.settings["file"] = layout


# --- rows that do not fit --------------------------------------------------------------------------


def _misfits(contract: Dataset, mapping: dict[str, str], raw: RawTable, decimal: str, thousands: str,
             formats: list[str], municipality_codes: list[str] | None) -> list[Misfit]:
    found = []
    for column_name, header in mapping.items():
        column = contract.column(column_name)
        test, rule = _fit_test(contract.name, column, decimal, thousands, formats, municipality_codes)
        if test is None:
            continue
        values = raw.frame[[header, ROW_NUMBER]].dropna()
        bad = [(int(row), str(value)) for value, row in zip(values[header], values[ROW_NUMBER])
               if not is_blank_marker(str(value)) and not test(str(value).strip())]
        if bad:
            found.append(Misfit(column_name, header, rule, len(bad), tuple(bad[:MISFITS_SHOWN])))
    return found


def _fit_test(dataset: str, column: Column, decimal: str, thousands: str, formats: list[str],
              municipality_codes: list[str] | None):
    if column.values:
        keys = _value_keys(dataset, column)
        return (lambda v: header_key(v) in keys), f"one of {', '.join(column.values)}"
    if column.type == DATE:
        return (lambda v: any(_parses(v, f) for f in formats)), f"a date in {' or '.join(formats)}"
    if column.type == DECIMAL:
        return (lambda v: _as_number(v, decimal, thousands) is not None), f"a number with decimal {decimal!r}"
    if column.type == INT:
        return (lambda v: re.fullmatch(r"[+-]?\d+", _strip_thousands(v, thousands)) is not None), "a whole number"
    if column.type == BOOL:
        return (lambda v: v.casefold() in _BOOL_WORDS), "yes or no (ja/nej)"
    if column.is_org_nr:
        return is_valid_orgnr, "an organisation number with a valid check digit"
    if column.is_municipality and municipality_codes:
        return (lambda v: v.zfill(4) in municipality_codes), "a configured municipality code"
    return None, ""
