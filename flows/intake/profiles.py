"""Publisher profiles: how one publisher's files map onto a canonical dataset.

Every municipality exports its registers and ledgers from a different system, with different column
names, decimal marks, date formats and quirks. A profile (one TOML file in ``config/profiles/``,
named ``<name>.toml``) describes one such publisher, so supporting a new one is a configuration change
an operator can make, not new code. The reader (``formats.py``) sniffs encoding, delimiter and line
ends by itself; a profile says what the columns and values *mean*, and how the publisher lays out
its files (used by ``layouts.py`` to write demo data and test fixtures in exactly that layout).

Schema (every key is checked; an unknown key is an error naming the file and the key)::

    name = "goteborg"                 # must equal the file name without .toml
    dataset = "supplier_invoices"     # a canonical dataset, or "*" for an identity profile of any dataset
    description = "..."
    decimal = ","                     # required: "." or "," (never guessed)
    thousands = " "                   # "", " " (also NBSP and narrow NBSP), "." or ","
    date_formats = ["%Y-%m-%d"]       # strptime formats tried in order; "%Y%m" means the 1st of the month
    supplier_id = "orgnr"             # supplier_invoices: "orgnr", or "internal" (supplier numbers, no org nr)
    absent = ["verifikationsnummer"]  # nullable columns this publisher never delivers (left blank)

    [columns]                         # canonical name = delivered header, or a list of accepted names
    nettobelopp = ["belopp", "nettobelopp"]   # (aliases, in order of preference); a column not listed is
                                      # looked up by its own name and by its Swedish label (labels.py).
                                      # Names are compared by ``header_key``: case, surrounding and
                                      # repeated space, BOM and zero-width characters, å/ä/ö written
                                      # a/a/o, and '_', ' ' or '-' between words do not matter.

    [constants]                       # fills a column's blank cells (or the whole column when not delivered)
    kopare = "Örebro kommun"

    [blank_values]                    # per canonical column: delivered values that mean "no value"
    fakturanummer = ["-"]

    [[split]]                         # one delivered cell holding several canonical columns
    column = "konto"                  # the delivered header
    pattern = '^(?P<konto_nr>\\d{5})(?:\\s+(?P<konto_text>.*))?$'   # named groups = canonical columns;
                                      # matched (re.DOTALL) against the trimmed cell; a cell that does
                                      # not match goes whole into the first group's column
    join = "{konto_nr} {konto_text}"  # how the publisher writes the cell (layouts.py)

    [file]                            # how the publisher writes its files
    format = "csv"                    # "csv", "xlsx" or "json" (EntryScape rowstore pages)
    encoding = "utf-16-le"            # "utf-8", "utf-8-sig" (with BOM), "utf-16-le"/"utf-16-be" (always
                                      # written with BOM) or "cp1252"
    delimiter = ","                   # ";", "," or "\\t"
    line_ending = "CRLF"              # "LF", "CRLF" or "CR"
    header = ["kopare_id", "..."]     # the delivered columns in the publisher's order (default: canonical)
    sheet = "Blad1"                   # XLSX: the sheet to read and write (default: the first sheet)
    page_size = 100                   # JSON: rows per page file
    bom_in_first_key = true           # JSON: the publisher's BOM inside the first key of every row
    bom_in_key = "kopare_id"          # JSON: ... or inside this key, wherever it stands in the row
    orgnr_dash = true                 # organisation numbers written NNNNNN-NNNN
"""

from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import (
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from flows.common.resources import PROFILES_DIR
from flows.common.toml_files import StrictModel, describe_key_error, read_toml
from flows.datasets import DATASETS, Dataset
from flows.errors import ConfigError
from flows.intake.labels import label

DEFAULT_PROFILE_DIR = PROFILES_DIR
ANY_DATASET = "*"
PROFILE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"), None)
_SEPARATORS = re.compile(r"[\s_\-]+")
# Where profiles are found: an operator's own folder first, then the shipped ones.
ProfileDirs = Path | Sequence[Path]


class FileLayout(StrictModel):
    """How the publisher writes its files (the reader sniffs these itself, except ``sheet``)."""

    format: Literal["csv", "xlsx", "json"] = "csv"
    encoding: Literal["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "cp1252"] = "utf-8"
    delimiter: Literal[";", ",", "\t"] = ";"
    line_ending: Literal["LF", "CRLF", "CR"] = "LF"
    header: list[str] | None = None
    sheet: str | None = None
    page_size: int = Field(1000, ge=1)
    bom_in_first_key: bool = False
    bom_in_key: str | None = None
    orgnr_dash: bool = False


class SplitRule(StrictModel):
    """One delivered cell that holds several canonical columns, such as ``"45490 Konsulttjänster"``."""

    column: str
    pattern: str
    join: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            compiled = re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        if not compiled.groupindex:
            raise ValueError("needs named groups, (?P<column>...), one per canonical column")
        return value

    @property
    def targets(self) -> list[str]:
        """The canonical columns the cell is split into, in pattern order."""
        return list(re.compile(self.pattern).groupindex)

    @model_validator(mode="after")
    def _join_matches_groups(self) -> "SplitRule":
        fields = {name for _, name, _, _ in string.Formatter().parse(self.join) if name}
        if fields != set(self.targets):
            raise ValueError(
                f"join template fields {sorted(fields)} must be the pattern's groups {sorted(self.targets)}"
            )
        return self


class Profile(StrictModel):
    """One publisher's column map and value quirks for one dataset (or for any, with ``"*"``)."""

    name: str
    dataset: str
    description: str
    decimal: Literal[".", ","]
    thousands: Literal["", " ", ".", ","] = ""
    date_formats: list[str] = Field(default_factory=lambda: ["%Y-%m-%d"], min_length=1)
    supplier_id: Literal["orgnr", "internal"] = "orgnr"
    columns: dict[str, str | list[str]] = Field(default_factory=dict)
    absent: list[str] = Field(default_factory=list)
    constants: dict[str, str] = Field(default_factory=dict)
    blank_values: dict[str, list[str]] = Field(default_factory=dict)
    split: list[SplitRule] = Field(default_factory=list)
    file: FileLayout = FileLayout()

    @field_validator("name")
    @classmethod
    def _safe_name(cls, value: str) -> str:
        if not PROFILE_NAME.fullmatch(value):
            raise ValueError("use lower-case letters, digits, '-' and '_' only")
        return value

    @field_validator("date_formats")
    @classmethod
    def _valid_formats(cls, value: list[str]) -> list[str]:
        for fmt in value:
            if not _round_trips(fmt):
                raise ValueError(f"{fmt!r} is not a date format that reads back what it writes (needs %Y and %m)")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "Profile":
        if self.thousands == self.decimal:
            raise ValueError("thousands and decimal separators must differ")
        if self.dataset == ANY_DATASET:
            return self._check_generic()
        if self.dataset not in DATASETS:
            raise ValueError(f"dataset {self.dataset!r} is unknown; known: {', '.join(DATASETS)} or '*'")
        return self._check_columns(DATASETS[self.dataset])

    def _check_generic(self) -> "Profile":
        specific = [key for key in ("columns", "absent", "constants", "blank_values", "split") if getattr(self, key)]
        specific += ["file.header"] if self.file.header else []
        specific += ["supplier_id"] if self.supplier_id != "orgnr" else []
        if specific:
            raise ValueError(
                "a profile for every dataset ('*') reads columns by their canonical names; "
                f"remove {', '.join(specific)}"
            )
        return self

    def _check_columns(self, contract: Dataset) -> "Profile":
        named = {
            "columns": list(self.columns), "absent": self.absent, "constants": list(self.constants),
            "blank_values": list(self.blank_values),
            "split": [target for rule in self.split for target in rule.targets],
        }
        for key, names in named.items():
            unknown = [name for name in names if name not in contract.column_names]
            if unknown:
                raise ValueError(f"{key}: {unknown} are not columns of {contract.name}")
        not_nullable = [name for name in self.absent if not contract.column(name).nullable]
        if not_nullable:
            raise ValueError(f"absent: {not_nullable} may not be blank in {contract.name}, so must be delivered")
        if self.supplier_id == "internal" and contract.name != "supplier_invoices":
            raise ValueError("supplier_id = 'internal' only applies to supplier_invoices")
        return self

    # Lookups used by the mapper and the writer -------------------------------------------------
    def applies_to(self, dataset: str) -> bool:
        return self.dataset in (ANY_DATASET, dataset)

    def headers_for(self, column: str) -> list[str]:
        """The names this profile gives a canonical column, in order of preference (a layout writer
        writes the first)."""
        mapped = self.columns.get(column, column)
        return [mapped] if isinstance(mapped, str) else list(mapped)

    def accepted_headers(self, dataset: str, column: str) -> list[str]:
        """Every delivered header read as a canonical column, in order of preference: the names the
        profile lists, or, for a column it does not list, its own name and its Swedish label."""
        names = self.headers_for(column)
        swedish = label(dataset, column)
        if column not in self.columns and swedish is not None and header_key(swedish) not in map(header_key, names):
            names.append(swedish)
        return names

    def split_for(self, column: str) -> SplitRule | None:
        return next((rule for rule in self.split if column in rule.targets), None)


def header_key(name: str) -> str:
    """How delivered header names are compared: case, surrounding and repeated space, byte-order
    marks and zero-width characters, accents (å/ä/ö written a/a/o) and '_', ' ' or '-' between words
    do not matter. ``"\ufeffKöpare_ID "`` and ``"kopare id"`` are the same header."""
    text = unicodedata.normalize("NFKD", name.translate(_INVISIBLE))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(_SEPARATORS.sub(" ", text).split()).casefold()


def _round_trips(fmt: str) -> bool:
    """True when a date written with ``fmt`` reads back (so the writer and reader agree)."""
    if "%Y" not in fmt or "%m" not in fmt:
        return False
    sample = dt.date(2024, 11, 1)
    try:
        return dt.datetime.strptime(sample.strftime(fmt), fmt).date() == sample
    except ValueError:
        return False


def load_profile(path: Path) -> Profile:
    """Read and validate one profile file; ``ConfigError`` names the file and every bad key."""
    path = Path(path)
    data = read_toml(path, "profile file")
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        problems = "\n  - ".join(describe_key_error(e) for e in exc.errors())
        raise ConfigError(f"{path}: invalid publisher profile:\n  - {problems}") from None
    if profile.name != path.stem:
        raise ConfigError(f"{path}: key 'name' is {profile.name!r} but must equal the file name {path.stem!r}")
    return profile


def profile_dirs(directories: ProfileDirs) -> list[Path]:
    """The folders to search, in order, each once (an operator's folder may be the shipped one)."""
    folders = [Path(directories)] if isinstance(directories, (str, Path)) else [Path(d) for d in directories]
    unique: list[Path] = []
    for folder in folders:
        if folder.resolve() not in {seen.resolve() for seen in unique}:
            unique.append(folder)
    return unique


def profile_paths(directories: ProfileDirs = DEFAULT_PROFILE_DIR) -> dict[str, Path]:
    """Every profile file by name; a name in an earlier folder hides the same name in a later one."""
    found: dict[str, Path] = {}
    for folder in profile_dirs(directories):
        for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
            found.setdefault(path.stem, path)
    return dict(sorted(found.items()))


def load_profiles(directories: ProfileDirs = DEFAULT_PROFILE_DIR) -> dict[str, Profile]:
    """Every profile in the folders, by name, in name order (an earlier folder wins a name)."""
    return {name: load_profile(path) for name, path in profile_paths(directories).items()}


def get_profile(name: str, directories: ProfileDirs = DEFAULT_PROFILE_DIR) -> Profile:
    """One profile by name. The name comes from an inbox's ``profiles.toml`` or the command line, so
    it is checked to be a plain name before it becomes a path."""
    paths = profile_paths(directories) if PROFILE_NAME.fullmatch(name) else {}
    if name not in paths:
        known = ", ".join(profile_paths(directories))
        folders = ", ".join(str(folder) for folder in profile_dirs(directories))
        raise ConfigError(f"unknown publisher profile {name!r}; known profiles: {known} (looked in {folders})")
    return load_profile(paths[name])
