"""Map one delivery onto its dataset's canonical columns: the publisher's profile applied, values
normalised to text the contract's rules can check, personal identity numbers pseudonymised first.

The path of one delivered file is one line: ``read_delivery`` reads its bytes (``formats``), scrubs
every cell (``pseudonymise``), finds each canonical column through the profile, and normalises the
values; see ``to_canonical`` for the rules.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from flows.common.identifiers import is_valid_orgnr, normalise_id
from flows.common.personnummer import PSEUDONYM
from flows.common.synthetic import SYNTHETIC_COLUMN, SYNTHETIC_VALUE, is_marker_header
from flows.datasets import BOOL, DATASETS, DATE, DECIMAL, INT, Column, Dataset
from flows.errors import InboxError
from flows.intake.formats import read_table
from flows.intake.labels import words_for
from flows.intake.profiles import (
    DEFAULT_PROFILE_DIR,
    Profile,
    ProfileDirs,
    SplitRule,
    get_profile,
    header_key,
)
from flows.intake.pseudonymise import scrub_table
from flows.intake.table import (
    EXTRA,
    ROW_NUMBER,
    TEXT_DTYPE,
    RawTable,
    ReadLimits,
    per_value,
    text_arrow,
    text_series,
)

ORIGINAL = "_original"
LEVERANTOR_ID_KIND = "leverantor_id_kind"
INTERNAL_ID = "leverantor_internal_id"
SUPPLIER_ID_KINDS = ("orgnr", "pseudonym", "masked", "internal", "blank", "invalid")
_TRUE = {"ja", "j", "true", "sant", "yes", "y", "1", "x"}
_FALSE = {"nej", "n", "false", "falskt", "no", "0"}
_INTEGER = re.compile(r"([+-]?)(\d+)")
_THOUSANDS = {"": "", " ": " \u00a0\u202f", ".": ".", ",": ","}
_JSON_CONTROL = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"}


class MissingColumnError(InboxError):
    """A delivery lacks a column its dataset requires."""

    rule = "file:missing_column"


class SyntheticDataError(InboxError):
    """A file marked as synthetic demo data, delivered to a production warehouse."""

    rule = "file:synthetic"


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
    synthetic: bool = False  # the file carries the demo's marker column (flows.common.synthetic)
    # With ``to_canonical(originals=False)``: the delivered cells (scrubbed) and header names, from
    # which ``originals`` makes ``_original`` for the rows that need it (the quarantined ones).
    delivered: pd.DataFrame | None = None
    headers: tuple[str, ...] = ()

    def originals(self, positions) -> pd.Series:
        """``_original`` of the rows at ``positions`` (of ``frame``) when it was not made for every row."""
        return _original(self.delivered.iloc[positions], list(self.headers))


def read_delivery(
    path: Path,
    dataset: str,
    profile: Profile | str,
    municipality_code: str,
    hash_key: bytes | None,
    *,
    limits: ReadLimits | None = None,
    profiles_dir: ProfileDirs = DEFAULT_PROFILE_DIR,
    allow_synthetic: bool = False,
) -> CanonicalTable:
    """Read one delivered file and map it onto its dataset's canonical columns.

    An ``InboxError`` raised after the file was read carries how many rows it had (``rows_read``) and
    whether the file is marked synthetic (``synthetic``). A file with the demo's marker column is a
    ``SyntheticDataError`` unless ``allow_synthetic`` (the demo environment); nothing of it is read then.
    """
    chosen = profile if isinstance(profile, Profile) else get_profile(profile, profiles_dir)
    raw = read_table(Path(path), sheet=chosen.file.sheet, limits=limits or ReadLimits())
    return map_delivery(raw, chosen, dataset, municipality_code, hash_key, allow_synthetic=allow_synthetic)


def map_delivery(raw: RawTable, profile: Profile, dataset: str, municipality_code: str, hash_key: bytes | None,
                 *, allow_synthetic: bool = False, originals: bool = True) -> CanonicalTable:
    """``to_canonical`` for delivered rows (a file, a piece of one, or files sharing one layout): a
    file marked synthetic is refused unless ``allow_synthetic``; an ``InboxError`` carries
    ``rows_read`` and ``synthetic``."""
    synthetic = any(is_marker_header(header) for header in raw.headers)
    try:
        if synthetic and not allow_synthetic:
            raise SyntheticDataError(
                f"{raw.path}: the file is marked as synthetic demo data (column {SYNTHETIC_COLUMN!r} = "
                f"{SYNTHETIC_VALUE!r}, written by `socek demo-data`); a production warehouse never loads "
                "it. Remove it from the inbox; the demo has its own configuration (config/demo.toml)")
        table = to_canonical(raw, profile, dataset, municipality_code=municipality_code, hash_key=hash_key,
                             originals=originals)
    except InboxError as exc:
        exc.rows_read, exc.synthetic = len(raw.frame), synthetic
        raise
    return replace(table, synthetic=synthetic)


def to_canonical(
    raw: RawTable, profile: Profile, dataset: str, *, municipality_code: str, hash_key: bytes | None,
    originals: bool = True,
) -> CanonicalTable:
    """Map a raw table onto the canonical columns of ``dataset``, as normalised text.

    - Columns are found through the profile (``Profile.accepted_headers``, compared by
      ``header_key``: case, spacing, BOM, å/ä/ö and '_'/'-' do not matter); a missing
      optional column, or one the profile declares ``absent``, becomes NA; a missing required column
      is a ``MissingColumnError``. Blank cells of a ``constants`` column get the constant; blank or
      missing municipality columns (``municipality_code``, ``kommun_id``) get the inbox folder's code.
    - Text is trimmed and the profile's ``blank_values`` become NA. Decimals become ``-1234.50``
      (dot, no thousands separator), whole numbers plain digits, dates ISO ``YYYY-MM-DD`` (``%Y%m``:
      the 1st of the month), booleans ``true``/``false`` (from ja/nej, true/false, 1/0, x), and a
      value-set column's Swedish label (the template's drop-down, ``labels.py``) its code.
      A value that does not parse stays as delivered, so validation quarantines the row with it.
    - Codes stay text: a municipality code that lost its leading zero in Excel (``180``) is padded
      to four digits; valid organisation numbers become ten digits without dash.
    - Supplier ledgers: ``leverantor_id`` is classified in ``leverantor_id_kind``; only organisation
      numbers and pseudonyms remain in ``leverantor_id`` (masked ``*`` ids and internal supplier
      numbers become NA).
    - Privacy: every personal identity number in any delivered cell (free text too) and column name,
      in any typed form, is replaced by ``pseudonymise(number, hash_key)`` first, so neither the
      canonical columns, ``_extra``, ``_original`` nor a message ever hold one in clear; with no
      key that is a ``MissingHashKeyError``.
    - ``originals`` false: no ``_original`` column; the table keeps the delivered cells instead and
      makes it for the rows asked (``CanonicalTable.originals``): the nightly intake needs it only
      for quarantined rows, and making it for every row costs a fifth of reading a ledger.
    """
    contract = _contract(dataset, raw.path)
    if not profile.applies_to(dataset):
        raise InboxError(f"{raw.path}: profile {profile.name!r} is for {profile.dataset}, not for {dataset}")
    raw = scrub_table(raw, hash_key)
    delivered = raw.frame
    columns, used = _map_columns(delivered, raw, profile, contract, municipality_code)
    frame = pd.DataFrame(
        {name: _normalise(values, contract.column(name), profile, contract.name) for name, values in columns.items()}
    )
    if contract.name == "supplier_invoices":
        delivered_ids = frame["leverantor_id"]
        frame["leverantor_id"], frame[LEVERANTOR_ID_KIND] = _supplier_ids(delivered_ids, profile)
        # the publisher's own supplier numbers stay, for matching through a supplier crosswalk
        own_number = frame[LEVERANTOR_ID_KIND].isin(["internal", "invalid"])
        frame[INTERNAL_ID] = delivered_ids.where(own_number, pd.NA).astype(TEXT_DTYPE)
    frame[ROW_NUMBER] = delivered[ROW_NUMBER]
    frame[EXTRA] = delivered[EXTRA]
    if originals:
        frame[ORIGINAL] = _original(delivered, raw.headers)
    return CanonicalTable(
        frame=frame, path=raw.path, dataset=dataset, profile_name=profile.name,
        municipality_code=municipality_code, format=raw.format, encoding=raw.encoding,
        delimiter=raw.delimiter, line_ending=raw.line_ending, skipped_blank_rows=raw.skipped_blank_rows,
        parts=raw.parts, unmapped_columns=tuple(h for h in raw.headers if h not in used),
        delivered=None if originals else delivered, headers=tuple(raw.headers),
    )


def _contract(dataset: str, path: Path) -> Dataset:
    if dataset not in DATASETS:
        raise InboxError(f"{path}: {dataset!r} is not a dataset; known: {', '.join(DATASETS)}")
    return DATASETS[dataset]


def _supplier_ids(values: pd.Series, profile: Profile) -> tuple[pd.Series, pd.Series]:
    """Classify supplier ids; keep only organisation numbers (ten digits) and pseudonyms."""
    internal = profile.supplier_id == "internal"
    kinds = {value: _supplier_kind(value, internal) for value in values.dropna().unique()}
    ids = per_value(values, lambda value: kinds[value][1])
    kind = per_value(values, lambda value: kinds[value][0]).fillna("blank")
    return ids, kind


def _supplier_kind(value: str, internal: bool) -> tuple[str, str | None]:
    if "*" in value:
        return "masked", None
    if internal:
        return "internal", None
    if PSEUDONYM.fullmatch(value):
        return "pseudonym", value
    if is_valid_orgnr(value):
        return "orgnr", normalise_id(value)
    return "invalid", value


def _find_header(headers: list[str], wanted: list[str]) -> str | None:
    """The first delivered header matching one of the wanted names (compared by ``header_key``)."""
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(header_key(header), header)
    return next((by_key[header_key(name)] for name in wanted if header_key(name) in by_key), None)


def match_columns(headers: list[str], profile: Profile, contract: Dataset) -> tuple[dict[str, str | None], list[Column]]:
    """Which delivered header each canonical column is read from (None: left blank, allowed), and
    the required columns the file lacks. ``to_canonical`` fails on the latter; ``socek validate``
    uses this to find the profile that fits a file best."""
    sources: dict[str, str | None] = {}
    missing: list[Column] = []
    for column in contract.delivered_columns:
        source = _find_header(headers, _wanted_headers(profile, contract.name, column.name))
        if source is None and not _may_be_missing(column, profile):
            missing.append(column)
        else:
            sources[column.name] = source
    return sources, missing


def _map_columns(
    frame: pd.DataFrame, raw: RawTable, profile: Profile, contract: Dataset, municipality_code: str
) -> tuple[dict[str, pd.Series], set[str]]:
    """Canonical column -> trimmed text, filled from constants and the folder's code where blank."""
    sources, missing = match_columns(raw.headers, profile, contract)
    if missing:
        raise _missing_columns(raw, profile, contract, missing)
    columns: dict[str, pd.Series] = {}
    for name, source in sources.items():
        column, rule = contract.column(name), profile.split_for(name)
        if source is None:
            values = pd.Series(pd.NA, index=frame.index, dtype=TEXT_DTYPE)
        else:
            values = _split(frame[source], rule, name) if rule else frame[source]
        columns[name] = _fill(_clean(values, profile.blank_values.get(name, [])), column, profile, municipality_code)
    return columns, {source for source in sources.values() if source is not None}


def _may_be_missing(column: Column, profile: Profile) -> bool:
    return (not column.required or column.is_municipality or column.name in profile.absent
            or column.name in profile.constants)


def _missing_columns(raw: RawTable, profile: Profile, contract: Dataset, missing: list[Column]) -> MissingColumnError:
    """What was looked for, how it was compared, what the file has and what came closest."""
    lines = []
    for column in missing:
        wanted = _wanted_headers(profile, contract.name, column.name)
        near = difflib.get_close_matches(header_key(column.name), [header_key(h) for h in raw.headers], n=1,
                                         cutoff=0.6)
        nearest = next((h for h in raw.headers if near and header_key(h) == near[0]), None)
        lines.append(f"  - {column.name}: accepted names {', '.join(repr(h) for h in wanted)} "
                     f"(compared as {', '.join(repr(header_key(h)) for h in wanted)})"
                     + (f"; closest in the file: {nearest!r}" if nearest else "; nothing close in the file"))
    where = f"row {raw.title_rows + 1} after {raw.title_rows} title row(s)" if raw.title_rows else "the first row"
    return MissingColumnError(
        f"{raw.path}: cannot read it as {contract.name} with profile {profile.name!r}: "
        f"{len(missing)} required column(s) missing:\n" + "\n".join(lines)
        + f"\nThe file's {len(raw.headers)} columns (header on {where}): {', '.join(raw.headers)}. "
        "Names are compared ignoring case, spacing, BOM, accents (å/ä/ö as a/a/o) and '_'/'-'."
    )


def _wanted_headers(profile: Profile, dataset: str, column: str) -> list[str]:
    rule = profile.split_for(column)
    return [rule.column] if rule else profile.accepted_headers(dataset, column)


def _split(values: pd.Series, rule: SplitRule, target: str) -> pd.Series:
    """One part of a combined cell; a cell that does not match goes whole to the first part."""
    pattern = re.compile(rule.pattern, re.DOTALL)
    first = rule.targets[0]

    def part(text: str) -> str | None:
        match = pattern.match(text.strip())
        if match is None:
            return text if target == first else None
        return match.group(target)

    return per_value(values, part)


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


def _normalise(values: pd.Series, column: Column, profile: Profile, dataset: str) -> pd.Series:
    """Normalised text for one canonical column (see ``to_canonical``)."""
    if column.values:
        codes = _value_codes(dataset, column)
        return per_value(values, lambda text: codes.get(header_key(text), text))
    if column.type == DECIMAL:
        return _decimal_column(values, profile.decimal, profile.thousands)
    if column.type == INT:
        return per_value(values, lambda text: _integer_text(text, profile.thousands))
    if column.type == DATE:
        return per_value(values, lambda text: _date_text(text, profile.date_formats))
    if column.type == BOOL:
        return per_value(values, _bool_text)
    if column.is_municipality:
        return per_value(values, lambda text: text.zfill(4) if text.isdigit() and len(text) < 4 else text)
    if column.is_org_nr:
        return per_value(values, lambda text: normalise_id(text) if is_valid_orgnr(text) else text)
    return values.astype(TEXT_DTYPE)


def _value_codes(dataset: str, column: Column) -> dict[str, str]:
    """Delivered text -> code for a value-set column: each code, and its Swedish label, compared as
    headers are (so "Föreningsbidrag" and "association_grant" both read as ``association_grant``)."""
    lookup = {header_key(code): code for code in column.values or ()}
    words = words_for(dataset, column.name)
    if words is not None:
        lookup.update({header_key(text): code for code, text in words.values.items() if code in lookup.values()})
    return lookup


def _decimal_column(values: pd.Series, decimal: str, thousands: str) -> pd.Series:
    """``"-12 345,50"`` -> ``"-12345.50"``; anything else stays as delivered (trimmed).

    Vectorised in Arrow because amounts are nearly all distinct in a ledger.
    """
    delivered = text_arrow(values)
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
    return text_series(pc.if_else(number, plain, delivered), values.index)


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
    extra = pc.binary_join_element_wise(_literal(',"_extra":'), text_arrow(frame[EXTRA]), _literal(""))
    pieces += [extra.fill_null(""), _literal("}")]
    joined = pc.binary_join_element_wise(*pieces, _literal(""))
    return text_series(joined, frame.index)


def _literal(text: str) -> pa.Scalar:
    return pa.scalar(text, pa.large_string())


def _json_strings(values: pd.Series) -> pa.Array:
    """Text cells as JSON string literals (NA stays null): quotes, backslashes and controls escaped."""
    text = text_arrow(values)
    if pc.any(pc.match_substring_regex(text, '[\\\\"\\x00-\\x1f]')).as_py():
        text = pc.replace_substring(text, "\\", "\\\\")
        text = pc.replace_substring(text, '"', '\\"')
        for code in range(0x20):
            text = pc.replace_substring(text, chr(code), _JSON_CONTROL.get(code, f"\\u{code:04x}"))
    return pc.binary_join_element_wise(_literal('"'), text, _literal('"'), _literal(""))
