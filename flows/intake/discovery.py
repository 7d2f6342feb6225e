"""Find the deliveries in the inbox, and report everything in it that will not be read, and why.

Inbox layout (DESIGN §3.1)::

    inbox/<kommunkod>/<dataset>/<any file name>   one file = one delivery (CSV, XLSX or JSON)
    inbox/<kommunkod>/profiles.toml               optional: the publisher profile per dataset

``profiles.toml`` maps dataset names to profile names (``config/profiles/<name>.toml``), for example
``supplier_invoices = "orebro-xlsx"``. A dataset that is not listed uses the ``canonical`` profile.
One file per municipality keeps the choice visible in one place and needs no marker files among the
deliveries. A ``profiles.toml`` that names an unknown dataset or profile, or a profile for another
dataset, stops that municipality's deliveries (reported, never guessed).

Discovery reads no hidden names (``.…``), README files or Excel lock files (``~$…``), but reports each
of them with the reason (``quiet``: listed in the validation report, not a warning; a hidden file in a
dataset folder that looks like data, such as ``..bidrag_2026.csv``, is a warning). ``profiles.toml``
and socek's own files (``.socek…``) are not deliveries and are not reported. Everything else that
cannot be read as a delivery is *reported* as a ``Delivery`` with ``refused`` set: folders that are not configured municipalities, unknown dataset folders, files
outside a dataset folder, sub-folders of a dataset folder, and links that point out of the inbox.
A JSON page reached through another page's ``next`` link is part of that delivery, not one of its own.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flows.errors import InboxError
from flows.intake.json_reader import linked_pages
from flows.intake.profiles import (
    DEFAULT_PROFILE_DIR,
    Profile,
    ProfileDirs,
    load_profiles,
)

PROFILE_MAP = "profiles.toml"
DEFAULT_PROFILE = "canonical"


class UnsafePathError(InboxError):
    """A path that could reach outside the inbox (absolute, ``..`` or an outbound link)."""

    rule = "file:unsafe_path"


@dataclass(frozen=True)
class Delivery:
    """One file to read, or (``refused`` set) something in the inbox that will not be read, and why."""

    path: Path
    municipality_code: str | None
    dataset: str | None
    profile_name: str | None
    refused: str | None = None
    quiet: bool = False  # refused on purpose (README, lock file...): listed, not warned about

    @property
    def accepted(self) -> bool:
        return self.refused is None


@functools.lru_cache(maxsize=8)
def _resolved(inbox: str) -> Path:
    """The inbox with its links resolved, once per discovery (``discover`` clears it), not per file."""
    return Path(inbox).resolve()


def inbox_path(inbox: Path, relative: str | Path, root: Path | None = None) -> Path:
    """``inbox / relative``, refusing anything that could reach outside the inbox.

    Absolute paths and ``..`` are refused outright; a path that resolves (through links) outside the
    inbox is refused too. The lexical path is returned, so messages show what the analyst sees.
    ``root`` is the inbox already resolved (a discovery resolves it once, not once per file).
    """
    relative = Path(relative)
    if relative.is_absolute():
        raise UnsafePathError(f"{relative}: absolute paths are not accepted; give the path inside the inbox")
    if ".." in relative.parts:
        raise UnsafePathError(f"{relative}: '..' is not accepted in a path inside the inbox")
    root = root or Path(inbox).resolve()
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
    profiles_dir: ProfileDirs = DEFAULT_PROFILE_DIR,
) -> list[Delivery]:
    """Every delivery in the inbox, and every refused entry with its reason, in sorted order."""
    inbox = Path(inbox)
    if not inbox.is_dir():
        raise InboxError(f"{inbox}: the inbox folder does not exist")
    _resolved.cache_clear()  # the inbox may have been re-linked since the last discovery
    codes, wanted = set(municipality_codes), list(datasets)
    profiles = load_profiles(profiles_dir)
    found: list[Delivery] = []
    for entry in _entries(inbox):
        if skipped := _skipped(entry, None):
            found.append(skipped)
            continue
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


DATA_SUFFIXES = (".csv", ".txt", ".xlsx", ".json")


def could_be_delivery(path: Path) -> bool:
    """A cheap look at a name, no reading: a data file the inbox would try to read (not socek's own
    files, ``profiles.toml``, a hidden name, a README or an Excel lock file)."""
    name = path.name
    return (path.suffix.lower() in DATA_SUFFIXES and not name.startswith(".socek") and name != PROFILE_MAP
            and _skipped(path, None) is None)


def _entries(folder: Path) -> list[Path]:
    """What a folder holds, less socek's own files (``.socek…``) and the inbox's ``profiles.toml``."""
    return sorted((entry for entry in folder.iterdir()
                   if not entry.name.startswith(".socek") and entry.name != PROFILE_MAP), key=lambda p: p.name)


def _skipped(entry: Path, dataset: str | None) -> Delivery | None:
    """A hidden name, README or Excel lock file, reported with why it is not read; else None."""
    name = entry.name
    if name.startswith("~$"):
        reason, quiet = "an Excel lock file (the workbook is open somewhere); not a delivery", True
    elif name.startswith("."):
        looks_like_data = dataset is not None and entry.suffix.lower() in DATA_SUFFIXES
        reason = ("a hidden name (it starts with '.'); hidden files are not read"
                  + ("; rename it without the leading dot to deliver it" if looks_like_data else ""))
        quiet = not looks_like_data
    elif name.split(".")[0].casefold() == "readme":
        reason, quiet = "a README (documentation); not a delivery", True
    else:
        return None
    return Delivery(entry, None, dataset, None, reason, quiet=quiet)


def _unsafe(inbox: Path, entry: Path) -> str | None:
    try:
        inbox_path(inbox, entry.relative_to(inbox), _resolved(str(inbox)))
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
        if skipped := _skipped(entry, None):
            found.append(skipped)
            continue
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


def inbox_profile(inbox: Path, code: str, dataset: str, datasets: list[str],
                  profiles_dir: ProfileDirs = DEFAULT_PROFILE_DIR) -> tuple[str, Path | None]:
    """The profile the nightly run reads ``inbox/<code>/<dataset>/`` with, and the ``profiles.toml``
    that chose it (None: no such file, so the default). An ``InboxError`` says why that
    ``profiles.toml`` stops the municipality's deliveries."""
    folder = Path(inbox) / code
    _resolved.cache_clear()  # a single lookup: resolve the inbox afresh
    choices, problem = _profile_choices(Path(inbox), folder, datasets, load_profiles(profiles_dir))
    if problem is not None:
        raise InboxError(problem)
    chooser = folder / PROFILE_MAP
    return choices.get(dataset, DEFAULT_PROFILE), chooser if chooser.is_file() else None


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
        if skipped := _skipped(entry, dataset):
            found.append(skipped)
            continue
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
