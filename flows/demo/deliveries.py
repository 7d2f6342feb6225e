"""Write the demo inbox: each municipality's registers cut into deliveries (monthly ledgers, yearly
registers...), written in its publishers' layouts, with the seeded mistakes and a README saying that
everything is synthetic."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from flows.config import Settings
from flows.datasets import DATASETS, DECIMAL, dataset
from flows.demo.layouts import write_table
from flows.demo.ledgers import LEDGER_PROFILES
from flows.demo.mistakes import SeededMistake, seed_mistakes
from flows.demo.model import (
    LEKEBERG,
    OFFICIAL_TEST_PERSONNUMMER,
    STORY_COOPERATION,
    STORY_NAME,
    STORY_ORG_NR,
    STORY_START,
    Demo,
    PlannedFile,
)
from flows.demo.registers import build_demo
from flows.errors import InboxError
from flows.intake.labels import WORDS
from flows.intake.profiles import Profile, get_profile

README_MARKER = "<!-- socek demo inbox -->"


# Municipal analysts who export their registers from Swedish Excel (cp1252, decimal comma).
REGISTER_PROFILES = {"1882": "canonical-sv", "1884": "canonical-sv"}


# Small municipalities send one file per dataset covering every year; the others one per year.
WHOLE_PERIOD_DELIVERIES = {"1860", "1862", "1863", "1864"}


# Kumla moved to monthly ledger files, as the national specification recommends, from this year.
MONTHLY_LEDGER_FROM = {"1881": 2025}
EXTENSIONS = {"csv": ".csv", "xlsx": ".xlsx", "json": ".json"}


@dataclass(frozen=True)
class DemoFile:
    """One delivered file of the demo inbox (JSON deliveries list their page files in ``parts``)."""

    path: str  # relative to the inbox, POSIX
    municipality_code: str
    dataset: str
    profile: str
    rows: int
    parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoManifest:
    """What ``write_demo_inbox`` wrote: every delivery and every seeded mistake."""

    out_dir: Path
    seed: int
    scale: float
    files: tuple[DemoFile, ...]
    mistakes: tuple[SeededMistake, ...]
    story_org_nr: str = STORY_ORG_NR

    @property
    def file_count(self) -> int:
        return len(self.files)

    def mistake(self, kind: str) -> SeededMistake:
        return next(m for m in self.mistakes if m.kind == kind)


def profile_for(code: str, dataset_name: str) -> str:
    """The publisher profile a municipality's deliveries of a dataset use (canonical by default)."""
    if dataset_name == "supplier_invoices" and code in LEDGER_PROFILES:
        return LEDGER_PROFILES[code]
    return REGISTER_PROFILES.get(code, "canonical")


def period_of(row: dict, dataset_name: str) -> int:
    """The year of a row's period column (a date or a year), which decides its delivery file."""
    value = row[dataset(dataset_name).period_column]
    return value if isinstance(value, int) else value.year


def split_deliveries(code: str, dataset_name: str, rows: list[dict], years: range) -> list[PlannedFile]:
    """Cut one register into files the way the municipality delivers it (see the constants above)."""
    if not rows:
        return []
    profile = profile_for(code, dataset_name)
    extension = EXTENSIONS[get_profile(profile).file.format]
    stem = WORDS[dataset_name].file_stem  # the file names the municipalities are asked to use
    if dataset(dataset_name).period_column is None:
        return [PlannedFile(code, dataset_name, stem + extension, profile, rows)]
    if dataset_name != "supplier_invoices" and code in WHOLE_PERIOD_DELIVERIES:
        return [PlannedFile(code, dataset_name, f"{stem}_{years.start}-{years.stop - 1}{extension}", profile, rows)]
    deliveries = []
    for year in years:
        of_year = [r for r in rows if period_of(r, dataset_name) == year]
        if dataset_name == "supplier_invoices" and year >= MONTHLY_LEDGER_FROM.get(code, years.stop):
            deliveries += [PlannedFile(code, dataset_name, f"{stem}_{year}-{month:02d}{extension}", profile, of_month)
                           for month in range(1, 13)
                           if (of_month := [r for r in of_year if r["bokforingsdatum"].month == month])]
        elif of_year:
            name = f"Leverantorsfakturor {year}{extension}" if profile == "orebro-xlsx" else f"{stem}_{year}{extension}"
            deliveries.append(PlannedFile(code, dataset_name, name, profile, of_year))
    return deliveries


def plan_deliveries(demo: Demo, codes: list[str]) -> list[PlannedFile]:
    """Every file of the inbox, municipality by municipality, in dataset order."""
    return [delivery for code in codes for name in DATASETS
            for delivery in split_deliveries(code, name, demo.rows.get((code, name), []), demo.years)]


def canonical_text(value: object, column_type: str) -> str | None:
    """A generated value as the canonical text a reader produces; strings (including the seeded
    malformed ones) pass through untouched, money always has two decimals."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if column_type == DECIMAL:
        return f"{value:.2f}"
    return str(value)


def text_frame(dataset_name: str, rows: list[dict]) -> pd.DataFrame:
    """Rows as canonical text in contract columns: what ``write_table`` turns into a layout."""
    contract = dataset(dataset_name)
    return pd.DataFrame({c.name: [canonical_text(r.get(c.name), c.type) for r in rows] for c in contract.delivered_columns},
                        dtype=object)


def header_without(profile: Profile, dataset_name: str, dropped: tuple[str, ...]) -> Profile:
    """The profile as a dataset-specific one whose header leaves out ``dropped`` (a faulty export)."""
    contract = dataset(dataset_name)
    header = profile.file.header or [profile.headers_for(c.name)[0] for c in contract.delivered_columns
                                     if c.name not in profile.absent]
    unwanted = {h for column in dropped for h in profile.headers_for(column)}
    data = profile.model_dump()
    data.update(name=f"{profile.name}-without-{'-'.join(dropped)}".replace("_", "-"), dataset=dataset_name,
                file={**data["file"], "header": [h for h in header if h not in unwanted]})
    return Profile.model_validate(data)


def json_pages(path: Path, rows: int, page_size: int) -> tuple[str, ...]:
    """The extra page files ``write_table`` writes after the first page of a rowstore delivery."""
    pages = max(1, -(-rows // page_size))
    return tuple(f"{path.parent.as_posix()}/{path.stem}-page-{n}{path.suffix}" for n in range(2, pages + 1))


def write_planned(planned: PlannedFile, out_dir: Path, marked: bool = True) -> DemoFile:
    """Write one planned file in its publisher's layout (with the synthetic marker column unless
    ``marked`` is false) and describe it for the manifest."""
    profile = get_profile(planned.profile)
    if planned.header_without:
        profile = header_without(profile, planned.dataset, planned.header_without)
    target = out_dir / planned.path
    target.parent.mkdir(parents=True, exist_ok=True)
    write_table(text_frame(planned.dataset, planned.rows), target, profile, dataset=planned.dataset,
                synthetic=marked)
    paged = profile.file.format == "json"
    parts = json_pages(Path(planned.path), len(planned.rows), profile.file.page_size) if paged else ()
    return DemoFile(planned.path, planned.municipality_code, planned.dataset, planned.profile, len(planned.rows), parts)


def write_profile_maps(out_dir: Path, codes: list[str]) -> None:
    """``<kommunkod>/profiles.toml`` wherever a municipality's deliveries are not canonical."""
    for code in codes:
        choices = {name: profile_for(code, name) for name in DATASETS}
        chosen = {name: profile for name, profile in choices.items() if profile != "canonical"}
        if chosen:
            lines = ["# Publisher profile per dataset of this municipality's deliveries (synthetic demo).",
                     *(f'{name} = "{profile}"' for name, profile in chosen.items())]
            (out_dir / code / "profiles.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def prepare_out_dir(out_dir: Path) -> None:
    """Start from an empty folder. A previous demo inbox (recognised by its README) is replaced;
    anything else is refused, so real deliveries are never deleted."""
    if out_dir.exists() and any(out_dir.iterdir()):
        readme = out_dir / "README.md"
        if not (readme.is_file() and README_MARKER in readme.read_text(encoding="utf-8", errors="replace")):
            raise InboxError(f"{out_dir}: the folder is not empty and is not a demo inbox written by socek; "
                             "refusing to write the demo into it (choose an empty folder)")
        for child in sorted(out_dir.iterdir()):
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)


def profile_lines(settings: Settings) -> list[str]:
    """One README line per municipality that delivers in a publisher's own layout."""
    lines = []
    for m in sorted(settings.municipalities, key=lambda m: m.code):
        chosen = {name: profile_for(m.code, name) for name in DATASETS}
        special = {name: p for name, p in chosen.items() if p != "canonical"}
        if len(set(chosen.values())) == 1 and special:
            lines.append(f"- {m.code} {m.name}: every dataset `{chosen['enterprises']}`")
        elif special:
            lines.append(f"- {m.code} {m.name}: " + ", ".join(f"{n} `{p}`" for n, p in special.items()))
    return lines


def readme_text(settings: Settings, seed: int, scale: float, files: list[DemoFile],
                mistakes: list[SeededMistake]) -> str:
    """The README that travels with the files: synthetic, how to regenerate, what is wrong on purpose."""
    lines = [
        README_MARKER,
        "# socek demo inbox: SYNTHETIC DATA",
        "",
        "Syntetiska demodata. Inga uppgifter här är verkliga: alla företag, leverantörer, belopp och personer "
        "är påhittade.",
        "",
        "Every file in this folder is **synthetic**, generated by `socek demo-data` "
        f"(`flows/demo.py`) with seed **{seed}** and scale **{scale:g}**. The same seed gives byte-identical files.",
        "Names of enterprises and suppliers are fictional and marked \"(fiktivt)\". Sole traders in the ledgers "
        "use only personal identity numbers from Skatteverket's official test series (never issued to anyone): "
        + ", ".join(OFFICIAL_TEST_PERSONNUMMER) + ".",
        "",
        f"The story: Lekebergs kommun ({LEKEBERG}) cooperates since {STORY_COOPERATION.isoformat()} with the fictional "
        f"social enterprise *{STORY_NAME}* (org nr {STORY_ORG_NR}, started {STORY_START.isoformat()}): an IOP "
        "from 2022, bought work-training places from 2023, purchases, grants, support, placements and annual reports.",
        "",
        "Layout: `<kommunkod>/<dataset>/<file>`; `<kommunkod>/profiles.toml` names the publisher profile "
        "(`config/profiles/`) of each dataset that is not in the canonical layout:",
        "",
        *profile_lines(settings),
        "",
        "## Mistakes seeded on purpose",
        "",
        "Real deliveries go wrong; these must be caught, and nothing else lost:",
        "",
    ]
    for m in mistakes:
        where = f"row {m.row_number}" if m.row_number else "whole file"
        rule = f", rule `{m.expected_rule}`" if m.expected_rule else ""
        related = f" (see `{m.related_path}`)" if m.related_path else ""
        lines.append(f"- `{m.path}` ({where}): {m.description} Expected: {m.expected_outcome}{rule}{related}.")
    municipalities = ", ".join(f"{m.code} {m.name}" for m in settings.municipalities)
    lines += ["", f"Municipalities: {municipalities}. Years {settings.thresholds.first_year}-"
              f"{settings.thresholds.last_year}. {len(files)} files.", ""]
    return "\n".join(lines)


def write_demo_inbox(settings: Settings, out_dir: Path, seed: int = 42, *, scale: float = 1.0,
                     marked: bool = True) -> DemoManifest:
    """Write the synthetic demo inbox (every municipality, dataset and publisher layout, with the
    seeded mistakes) to ``out_dir`` and return what was written.

    Every file carries the synthetic marker column (``flows.common.synthetic``), so no production
    warehouse loads it. ``marked=False`` is for test fixtures only: tests that stand in for real
    deliveries (a production warehouse) write the same files without the marker.
    """
    out_dir = Path(out_dir)
    demo = build_demo(settings, seed, scale)
    codes = sorted(settings.municipality_codes)
    planned = plan_deliveries(demo, codes)
    mistakes = seed_mistakes(planned, demo, settings)
    prepare_out_dir(out_dir)
    files = [write_planned(p, out_dir, marked) for p in planned]
    write_profile_maps(out_dir, codes)
    (out_dir / "README.md").write_text(readme_text(settings, seed, scale, files, mistakes), encoding="utf-8")
    return DemoManifest(out_dir=out_dir, seed=seed, scale=scale, files=tuple(files), mistakes=tuple(mistakes))
