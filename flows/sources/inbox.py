"""Find the deliveries in the inbox and map each onto its canonical dataset.

Inbox layout (DESIGN §3.1)::

    inbox/<kommunkod>/<dataset>/<any file name>   one file = one delivery (CSV, XLSX or JSON)
    inbox/<kommunkod>/profiles.toml               optional: the publisher profile per dataset

How a municipality picks a profile: ``profiles.toml`` in its folder maps dataset names to profile
names (``config/profiles/<name>.toml``), for example::

    supplier_invoices = "orebro-xlsx"
    enterprises = "canonical-sv"

A dataset that is not listed uses the ``canonical`` profile (columns named as in
``flows/datasets.py``). One file per municipality keeps the choice visible in one place and needs no
marker files among the deliveries. A ``profiles.toml`` that names an unknown dataset or profile, or a
profile for another dataset, stops that municipality's deliveries (reported, never guessed).

Discovery ignores hidden names (``.…``), README files, Excel lock files (``~$…``) and
``profiles.toml``. Everything else that cannot be read as a delivery is *reported* as a ``Delivery``
with ``refused`` set: folders that are not configured municipalities, unknown dataset folders, files
outside a dataset folder, sub-folders of a dataset folder, and links that point out of the inbox.
A JSON page reached through another page's ``next`` link is part of that delivery, not one of its own.

Mapping rules (``to_canonical``): values stay text; see the function's docstring. Privacy: anything
shaped like a personal identity number, in any cell, is replaced by ``pseudonymise(value, key)``
before it reaches the canonical frame or ``_original`` (the row as delivered); without a key the read
fails closed with ``MissingHashKeyError``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from flows.datasets import BOOL, DATASETS, DATE, DECIMAL, INT, Column, Dataset
from flows.errors import InboxError
from flows.identifiers import is_valid_orgnr, looks_like_personnummer, normalise_id, pseudonymise
from flows.sources.formats import (
    DEFAULT_MAX_BYTES, EXTRA, ROW_NUMBER, TEXT_DTYPE, RawTable, linked_pages, read_table, text_arrow,
    text_series,
)
from flows.sources.profiles import (
    DEFAULT_PROFILE_DIR, Profile, SplitRule, get_profile, header_key, load_profiles,
)

PROFILE_MAP = "profiles.toml"
DEFAULT_PROFILE = "canonical"
ORIGINAL = "_original"
LEVERANTOR_ID_KIND = "leverantor_id_kind"
SUPPLIER_ID_KINDS = ("orgnr", "pseudonym", "masked", "internal", "blank", "invalid")

_TRUE = {"ja", "j", "true", "sant", "yes", "y", "1", "x"}
_FALSE = {"nej", "n", "false", "falskt", "no", "0"}
_INTEGER = re.compile(r"([+-]?)(\d+)")
_THOUSANDS = {"": "", " ": " \u00a0\u202f", ".": ".", ",": ","}
# Anything that might be a personnummer: a cheap vectorised test first, the exact token second.
_PNR_HINT = r"(?:^|[^0-9])(?:[0-9]{6}|[0-9]{8})[-+ ]?[0-9]{4}(?:[^0-9]|$)"
_PNR_TOKEN = re.compile(r"(?<![0-9])(?:[0-9]{6}|[0-9]{8})[-+ ]?[0-9]{4}(?![0-9])")
_PSEUDONYM = re.compile(r"pnr:[0-9a-f]{16}")
_JSON_CONTROL = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"}


class UnsafePathError(InboxError):
    """A path that could reach outside the inbox (absolute, ``..`` or an outbound link)."""


class MissingColumnError(InboxError):
    """A delivery lacks a column its dataset requires."""


class MissingHashKeyError(InboxError):
    """A personal identity number was found but no pseudonymisation key is configured."""


@dataclass(frozen=True)
class Delivery:
    """One file to read, or (``refused`` set) something in the inbox that will not be read, and why."""

    path: Path
    municipality_code: str | None
    dataset: str | None
    profile_name: str | None
    refused: str | None = None

    @property
    def accepted(self) -> bool:
        return self.refused is None


@dataclass(frozen=True)
class CanonicalTable:
    """One delivery in canonical columns, all normalised text, plus its provenance.

    ``frame`` columns: the dataset's canonical columns in contract order, then ``leverantor_id_kind``
    (supplier_invoices only), ``_row_number``, ``_extra`` (surplus cells, JSON array) and
    ``_original`` (the delivered row as a JSON object, personal identity numbers pseudonymised).
    """

    frame: pd.DataFrame
    path: Path
    dataset: str
    profile_name: str
    municipality_code: str
    format: str
    encoding: str | None
    delimiter: str | None
    line_ending: str | None
    skipped_blank_rows: int
    parts: tuple[Path, ...]
    unmapped_columns: tuple[str, ...]  # delivered columns no canonical column was read from


# --- discovery ----------------------------------------------------------------------------------


def inbox_path(inbox: Path, relative: str | Path) -> Path:
    """``inbox / relative``, refusing anything that could reach outside the inbox.

    Absolute paths and ``..`` are refused outright; a path that resolves (through links) outside the
    inbox is refused too. The lexical path is returned, so messages show what the analyst sees.
    """
    relative = Path(relative)
    if relative.is_absolute():
        raise UnsafePathError(f"{relative}: absolute paths are not accepted; give the path inside the inbox")
    if ".." in relative.parts:
        raise UnsafePathError(f"{relative}: '..' is not accepted in a path inside the inbox")
    root = Path(inbox).resolve()
    resolved = (root / relative).resolve()
    if not resolved.is_relative_to(root):
        raise UnsafePathError(
            f"{Path(inbox) / relative}: is a link to {resolved}, outside the inbox; links out of the inbox "
            "are not followed"
        )
    return Path(inbox) / relative


def discover(
    inbox: Path,
    municipality_codes: Iterable[str],
    datasets: Iterable[str],
    *,
    profiles_dir: Path = DEFAULT_PROFILE_DIR,
) -> list[Delivery]:
    """Every delivery in the inbox, and every refused entry with its reason, in sorted order."""
    inbox = Path(inbox)
    if not inbox.is_dir():
        raise InboxError(f"{inbox}: the inbox folder does not exist")
    codes, wanted = set(municipality_codes), list(datasets)
    profiles = load_profiles(profiles_dir)
    found: list[Delivery] = []
    for entry in _entries(inbox):
        problem = _unsafe(inbox, entry)
        if problem is None and not entry.is_dir():
            problem = "files belong in a dataset folder, inbox/<kommunkod>/<dataset>/"
        if problem is None and entry.name not in codes:
            problem = f"{entry.name!r} is not a configured municipality (kommunkod); known: {', '.join(sorted(codes))}"
        if problem is not None:
            found.append(Delivery(entry, None, None, None, problem))
        else:
            found.extend(_municipality_deliveries(inbox, entry, wanted, profiles))
    return found


def _entries(folder: Path) -> list[Path]:
    return sorted((entry for entry in folder.iterdir() if not _ignored(entry.name)), key=lambda p: p.name)


def _ignored(name: str) -> bool:
    """Hidden files, README files, Excel lock files and the inbox's own profiles.toml."""
    return name.startswith((".", "~$")) or name == PROFILE_MAP or name.split(".")[0].casefold() == "readme"


def _unsafe(inbox: Path, entry: Path) -> str | None:
    try:
        inbox_path(inbox, entry.relative_to(inbox))
    except UnsafePathError as exc:
        return str(exc)
    return None


def _municipality_deliveries(
    inbox: Path, folder: Path, datasets: list[str], profiles: dict[str, Profile]
) -> list[Delivery]:
    code = folder.name
    choices, map_problem = _profile_choices(inbox, folder, datasets, profiles)
    found: list[Delivery] = []
    for entry in _entries(folder):
        problem = _unsafe(inbox, entry)
        if problem is None and not entry.is_dir():
            problem = f"files belong in a dataset folder, inbox/{code}/<dataset>/"
        if problem is None and entry.name not in datasets:
            problem = f"{entry.name!r} is not a dataset read from the inbox; known: {', '.join(datasets)}"
        if problem is not None:
            found.append(Delivery(entry, code, None, None, problem))
        else:
            found.extend(_dataset_deliveries(inbox, entry, code, choices.get(entry.name), map_problem))
    return found


def _profile_choices(
    inbox: Path, folder: Path, datasets: list[str], profiles: dict[str, Profile]
) -> tuple[dict[str, str], str | None]:
    """The profile name per dataset for one municipality, or why its profiles.toml cannot be used."""
    path = folder / PROFILE_MAP
    if not path.exists():
        return {dataset: DEFAULT_PROFILE for dataset in datasets}, None
    if problem := _unsafe(inbox, path):
        return {}, problem
    try:
        chosen = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        return {}, f"{path}: cannot be read ({exc}); no delivery of this municipality is read until it is fixed"
    problems = [p for key, value in chosen.items() if (p := _choice_problem(key, value, datasets, profiles))]
    if problems:
        return {}, f"{path}: {'; '.join(problems)}; no delivery of this municipality is read until it is fixed"
    return {dataset: chosen.get(dataset, DEFAULT_PROFILE) for dataset in datasets}, None


def _choice_problem(dataset: str, name: object, datasets: list[str], profiles: dict[str, Profile]) -> str | None:
    if dataset not in datasets:
        return f"{dataset!r} is not a dataset read from the inbox"
    if not isinstance(name, str) or name not in profiles:
        return f"{dataset} = {name!r} is not a known profile (known: {', '.join(profiles)})"
    if not profiles[name].applies_to(dataset):
        return f"{dataset} = {name!r} is a profile for {profiles[name].dataset}"
    return None


def _dataset_deliveries(
    inbox: Path, folder: Path, code: str, profile_name: str | None, map_problem: str | None
) -> list[Delivery]:
    dataset = folder.name
    files: list[Path] = []
    found: list[Delivery] = []
    for entry in _entries(folder):
        problem = _unsafe(inbox, entry)
        if problem is None and entry.is_dir():
            problem = "sub-folders of a dataset folder are not read; move the files up one level"
        if problem is None and not entry.is_file():
            problem = "not a regular file (a broken link?)"
        if problem is not None:
            found.append(Delivery(entry, code, dataset, None, problem))
        else:
            files.append(entry)
    pages = _pages_of_other_files(files)
    found.extend(Delivery(path, code, dataset, profile_name, map_problem) for path in files if path not in pages)
    return sorted(found, key=lambda delivery: delivery.path.name)


def _pages_of_other_files(files: list[Path]) -> set[Path]:
    """JSON pages that another file links to: they are read as part of that file's delivery."""
    json_files = [path for path in files if path.suffix.lower() == ".json"]
    if len(json_files) < 2:
        return set()
    pages: set[Path] = set()
    for path in json_files:
        try:
            pages.update(linked_pages(path))
        except InboxError:
            continue  # the broken file is reported when it is read
    return pages


# --- mapping onto canonical columns -------------------------------------------------------------


def read_delivery(
    path: Path,
    dataset: str,
    profile: Profile | str,
    municipality_code: str,
    hash_key: bytes | None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    profiles_dir: Path = DEFAULT_PROFILE_DIR,
) -> CanonicalTable:
    """Read one delivered file and map it onto its dataset's canonical columns."""
    chosen = profile if isinstance(profile, Profile) else get_profile(profile, profiles_dir)
    raw = read_table(Path(path), sheet=chosen.file.sheet, max_bytes=max_bytes)
    return to_canonical(raw, chosen, dataset, municipality_code=municipality_code, hash_key=hash_key)


def to_canonical(
    raw: RawTable, profile: Profile, dataset: str, *, municipality_code: str, hash_key: bytes | None
) -> CanonicalTable:
    """Map a raw table onto the canonical columns of ``dataset``, as normalised text.

    - Columns are found through the profile (case and spacing of headers do not matter); a missing
      optional column, or one the profile declares ``absent``, becomes NA; a missing required column
      is a ``MissingColumnError``. Blank cells of a ``constants`` column get the constant; blank or
      missing municipality columns (``municipality_code``, ``kommun_id``) get the inbox folder's code.
    - Text is trimmed and the profile's ``blank_values`` become NA. Decimals become ``-1234.50``
      (dot, no thousands separator), whole numbers plain digits, dates ISO ``YYYY-MM-DD`` (``%Y%m``:
      the 1st of the month), booleans ``true``/``false`` (from ja/nej, true/false, 1/0, x).
      A value that does not parse stays as delivered, so validation quarantines the row with it.
    - Codes stay text: a municipality code that lost its leading zero in Excel (``180``) is padded
      to four digits; valid organisation numbers become ten digits without dash.
    - Supplier ledgers: ``leverantor_id`` is classified in ``leverantor_id_kind``; only organisation
      numbers and pseudonyms remain in ``leverantor_id`` (masked ``*`` ids and internal supplier
      numbers become NA).
    - Privacy: every personnummer-shaped token in any delivered cell (free text too) is replaced by
      ``pseudonymise(token, hash_key)`` first, so neither the canonical columns, ``_extra`` nor
      ``_original`` ever hold one in clear; with no key that is a ``MissingHashKeyError``.
    """
    contract = _contract(dataset, raw.path)
    if not profile.applies_to(dataset):
        raise InboxError(f"{raw.path}: profile {profile.name!r} is for {profile.dataset}, not for {dataset}")
    delivered = _scrub_frame(raw, hash_key)
    columns, used = _map_columns(delivered, raw, profile, contract, municipality_code)
    frame = pd.DataFrame(
        {name: _normalise(values, contract.column(name), profile) for name, values in columns.items()}
    )
    if contract.name == "supplier_invoices":
        frame["leverantor_id"], frame[LEVERANTOR_ID_KIND] = _supplier_ids(frame["leverantor_id"], profile)
    frame[ROW_NUMBER] = delivered[ROW_NUMBER]
    frame[EXTRA] = delivered[EXTRA]
    frame[ORIGINAL] = _original(delivered, raw.headers)
    return CanonicalTable(
        frame=frame, path=raw.path, dataset=dataset, profile_name=profile.name,
        municipality_code=municipality_code, format=raw.format, encoding=raw.encoding,
        delimiter=raw.delimiter, line_ending=raw.line_ending, skipped_blank_rows=raw.skipped_blank_rows,
        parts=raw.parts, unmapped_columns=tuple(h for h in raw.headers if h not in used),
    )


def _contract(dataset: str, path: Path) -> Dataset:
    if dataset not in DATASETS:
        raise InboxError(f"{path}: {dataset!r} is not a dataset; known: {', '.join(DATASETS)}")
    return DATASETS[dataset]


# --- personal identity numbers ------------------------------------------------------------------


def _scrub_frame(raw: RawTable, hash_key: bytes | None) -> pd.DataFrame:
    """The delivered cells with every personnummer-shaped token pseudonymised (fails closed).

    The cheap test runs in Arrow (RE2) over each column; only columns with a hint are copied and
    scrubbed value by value.
    """
    frame = raw.frame
    scrubbed: pd.DataFrame | None = None
    for name in [*raw.headers, EXTRA]:
        values = frame[name]
        hinted = pc.fill_null(pc.match_substring_regex(text_arrow(values), _PNR_HINT), False)
        if not pc.any(hinted).as_py():
            continue
        if scrubbed is None:
            scrubbed = frame.copy(deep=False)
        mask = pd.Series(hinted.to_numpy(zero_copy_only=False), index=values.index)
        scrubbed[name] = _scrub_column(values, name, frame[ROW_NUMBER], raw.path, hash_key, mask)
    return frame if scrubbed is None else scrubbed


def _scrub_column(
    values: pd.Series, name: str, rows: pd.Series, path: Path, hash_key: bytes | None,
    hinted: pd.Series | None = None,
) -> pd.Series:
    if hinted is None:
        hinted = values.str.contains(_PNR_HINT, regex=True, na=False)
    if not hinted.any():
        return values

    def scrub(text: str) -> str:
        return _PNR_TOKEN.sub(lambda match: pseudonym_for(match.group(), text), text)

    def pseudonym_for(token: str, text: str) -> str:
        if not looks_like_personnummer(token):
            return token
        if not hash_key:
            row = rows[values == text].iloc[0]
            raise MissingHashKeyError(
                f"{path}: row {row}, column {name!r} holds what looks like a personal identity number, "
                "and no pseudonymisation key is configured. socek never stores such numbers in clear, "
                "so the file is not read; configure the key and run again"
            )
        return pseudonymise(token, hash_key)

    scrubbed = values.copy()
    scrubbed[hinted] = _per_value(values[hinted], scrub)
    return scrubbed


def _supplier_ids(values: pd.Series, profile: Profile) -> tuple[pd.Series, pd.Series]:
    """Classify supplier ids; keep only organisation numbers (ten digits) and pseudonyms."""
    internal = profile.supplier_id == "internal"
    kinds = {value: _supplier_kind(value, internal) for value in values.dropna().unique()}
    ids = _per_value(values, lambda value: kinds[value][1])
    kind = _per_value(values, lambda value: kinds[value][0]).fillna("blank")
    return ids, kind


def _supplier_kind(value: str, internal: bool) -> tuple[str, str | None]:
    if "*" in value:
        return "masked", None
    if internal:
        return "internal", None
    if _PSEUDONYM.fullmatch(value):
        return "pseudonym", value
    if is_valid_orgnr(value):
        return "orgnr", normalise_id(value)
    return "invalid", value


# --- columns ------------------------------------------------------------------------------------


def _find_header(headers: list[str], wanted: list[str]) -> str | None:
    """The first delivered header matching one of the wanted names (case and spacing ignored)."""
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(header_key(header), header)
    return next((by_key[header_key(name)] for name in wanted if header_key(name) in by_key), None)


def _map_columns(
    frame: pd.DataFrame, raw: RawTable, profile: Profile, contract: Dataset, municipality_code: str
) -> tuple[dict[str, pd.Series], set[str]]:
    """Canonical column -> trimmed text, filled from constants and the folder's code where blank."""
    columns: dict[str, pd.Series] = {}
    used: set[str] = set()
    missing: list[Column] = []
    for column in contract.columns:
        rule = profile.split_for(column.name)
        source = _find_header(raw.headers, _wanted_headers(profile, column.name))
        if source is not None:
            used.add(source)
            values = _split(frame[source], rule, column.name) if rule else frame[source]
        elif _may_be_missing(column, profile):
            values = pd.Series(pd.NA, index=frame.index, dtype=TEXT_DTYPE)
        else:
            missing.append(column)
            continue
        columns[column.name] = _fill(_clean(values, profile.blank_values.get(column.name, [])),
                                     column, profile, municipality_code)
    if missing:
        raise _missing_columns(raw, profile, contract, missing)
    return columns, used


def _may_be_missing(column: Column, profile: Profile) -> bool:
    return (not column.required or column.is_municipality or column.name in profile.absent
            or column.name in profile.constants)


def _missing_columns(raw: RawTable, profile: Profile, contract: Dataset, missing: list[Column]) -> MissingColumnError:
    wanted = "; ".join(
        f"{column.name} (looked for {', '.join(repr(h) for h in _wanted_headers(profile, column.name))})"
        for column in missing
    )
    return MissingColumnError(
        f"{raw.path}: cannot read it as {contract.name} with profile {profile.name!r}: required "
        f"column(s) missing: {wanted}. The file's columns are: {', '.join(raw.headers)}"
    )


def _wanted_headers(profile: Profile, column: str) -> list[str]:
    rule = profile.split_for(column)
    return [rule.column] if rule else profile.headers_for(column)


def _split(values: pd.Series, rule: SplitRule, target: str) -> pd.Series:
    """One part of a combined cell; a cell that does not match goes whole to the first part."""
    pattern = re.compile(rule.pattern, re.DOTALL)
    first = rule.targets[0]

    def part(text: str) -> str | None:
        match = pattern.match(text.strip())
        if match is None:
            return text if target == first else None
        return match.group(target)

    return _per_value(values, part)


def _clean(values: pd.Series, blank_values: list[str]) -> pd.Series:
    """Trim; blanks and the profile's "no value" markers become NA (in Arrow: pandas' ``str.strip``
    and ``str.lower`` are these same kernels, without a pandas object per step)."""
    trimmed = pc.utf8_trim_whitespace(text_arrow(values))
    blank = pc.equal(trimmed, "")
    if blank_values:
        markers = pa.array(sorted({marker.strip().lower() for marker in blank_values}), pa.large_string())
        blank = pc.or_(blank, pc.is_in(pc.utf8_lower(trimmed), value_set=markers))
    cleaned = pc.if_else(pc.fill_null(blank, False), pa.scalar(None, pa.large_string()), trimmed)
    return text_series(cleaned, values.index)


def _fill(values: pd.Series, column: Column, profile: Profile, municipality_code: str) -> pd.Series:
    if column.name in profile.constants:
        values = values.fillna(profile.constants[column.name])
    if column.is_municipality:
        values = values.fillna(municipality_code)
    return values


# --- values -------------------------------------------------------------------------------------


def _normalise(values: pd.Series, column: Column, profile: Profile) -> pd.Series:
    """Normalised text for one canonical column (see ``to_canonical``)."""
    if column.type == DECIMAL:
        return _decimal_column(values, profile.decimal, profile.thousands)
    if column.type == INT:
        return _per_value(values, lambda text: _integer_text(text, profile.thousands))
    if column.type == DATE:
        return _per_value(values, lambda text: _date_text(text, profile.date_formats))
    if column.type == BOOL:
        return _per_value(values, _bool_text)
    if column.is_municipality:
        return _per_value(values, lambda text: text.zfill(4) if text.isdigit() and len(text) < 4 else text)
    if column.is_org_nr:
        return _per_value(values, lambda text: normalise_id(text) if is_valid_orgnr(text) else text)
    return values.astype(TEXT_DTYPE)


def _per_value(values: pd.Series, convert: Callable[[str], str | None]) -> pd.Series:
    """Apply ``convert`` once per distinct value: ledgers repeat dates, accounts and suppliers a lot."""
    codes, uniques = pd.factorize(values)
    converted = pd.array([convert(value) for value in uniques] + [None], dtype=TEXT_DTYPE)
    return pd.Series(converted[codes], index=values.index, dtype=TEXT_DTYPE)  # code -1 (NA) -> last


def _decimal_column(values: pd.Series, decimal: str, thousands: str) -> pd.Series:
    """``"-12 345,50"`` -> ``"-12345.50"``; anything else stays as delivered (trimmed).

    Vectorised in Arrow because amounts are nearly all distinct in a ledger.
    """
    delivered = _arrow_text(values)
    plain = pc.replace_substring(delivered, "\u2212", "-")
    for separator in _THOUSANDS[thousands]:
        plain = pc.replace_substring(plain, separator, "")
    if decimal == ",":
        plain = pc.replace_substring(plain, ",", ".")
    number = pc.match_substring_regex(plain, r"^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$")
    plain = pc.replace_substring_regex(plain, r"^\+", "")
    plain = pc.replace_substring_regex(plain, r"^(-?)0+(\d)", r"\1\2")  # no leading zeros
    plain = pc.replace_substring_regex(plain, r"^(-?)\.", r"\10.")  # ".5" -> "0.5"
    plain = pc.replace_substring_regex(plain, r"^-(0(?:\.0+)?)$", r"\1")  # no "-0.00"
    return _text_series(pc.if_else(number, plain, delivered), values.index)


def _text_series(array: pa.Array, index: pd.Index) -> pd.Series:
    return pd.Series(pd.arrays.ArrowStringArray(array), index=index, dtype=TEXT_DTYPE)


def _integer_text(text: str, thousands: str) -> str:
    """``"1 234"`` -> ``"1234"``; anything else stays as delivered."""
    plain = text.replace("\u2212", "-")
    for separator in _THOUSANDS[thousands]:
        plain = plain.replace(separator, "")
    match = _INTEGER.fullmatch(plain)
    if match is None:
        return text
    sign, whole = match.groups()
    number = whole.lstrip("0") or "0"
    return f"-{number}" if sign == "-" and number != "0" else number


def _date_text(text: str, formats: list[str]) -> str:
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return text


def _bool_text(text: str) -> str:
    key = text.casefold()
    return "true" if key in _TRUE else "false" if key in _FALSE else text


def _original(frame: pd.DataFrame, headers: list[str]) -> pd.Series:
    """Each delivered row as a JSON object (surplus cells under ``_extra``).

    Built column-wise in Arrow: a Python ``json.dumps`` per row costs minutes on a large ledger.
    """
    pieces: list[pa.Array | pa.Scalar] = []
    for index, header in enumerate(headers):
        pieces.append(_literal(("{" if index == 0 else ",") + json.dumps(header, ensure_ascii=False) + ":"))
        pieces.append(_json_strings(frame[header]).fill_null("null"))
    extra = pc.binary_join_element_wise(_literal(',"_extra":'), _arrow_text(frame[EXTRA]), _literal(""))
    pieces += [extra.fill_null(""), _literal("}")]
    joined = pc.binary_join_element_wise(*pieces, _literal(""))
    return _text_series(joined, frame.index)


def _literal(text: str) -> pa.Scalar:
    return pa.scalar(text, pa.large_string())


def _arrow_text(values: pd.Series) -> pa.Array:
    return pa.array(values.tolist() if values.empty else values.array, type=pa.large_string())


def _json_strings(values: pd.Series) -> pa.Array:
    """Text cells as JSON string literals (NA stays null): quotes, backslashes and controls escaped."""
    text = _arrow_text(values)
    if pc.any(pc.match_substring_regex(text, '[\\\\"\\x00-\\x1f]')).as_py():
        text = pc.replace_substring(text, "\\", "\\\\")
        text = pc.replace_substring(text, '"', '\\"')
        for code in range(0x20):
            text = pc.replace_substring(text, chr(code), _JSON_CONTROL.get(code, f"\\u{code:04x}"))
    return pc.binary_join_element_wise(_literal('"'), text, _literal('"'), _literal(""))
