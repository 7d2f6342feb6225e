"""Typed settings for socek, read from ``config/pipeline.toml`` (production) or ``config/demo.toml``.

``environment`` says which world a configuration belongs to. ``production`` (the default) never
generates, loads or falls back to synthetic data: a file or snapshot marked synthetic
(``flows.common.synthetic``) is refused. ``demo`` is the synthetic demo (``make run``): it may write
the demo inbox and replay the shipped synthetic snapshots, and every output it writes says so.

A configuration may start from another one with ``extends = "pipeline.toml"`` (a path relative to
the file): its tables are merged key by key, the extending file winning; ``config/demo.toml`` is the
shipped configuration with the demo's environment and paths.

Every section is a strict model: an unknown key or a bad value is a ``ConfigError`` whose message
names the file and the dotted key (``sources.kolada.timeout_seconds``), so a typo never passes
silently. Relative paths are resolved against the directory the pipeline runs in (the project root).
Imports nothing of socek's but ``errors`` and the dataset contracts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import (
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from flows.common.resources import DEFAULTS_DIR, DEMO_SNAPSHOTS_DIR, PROFILES_DIR
from flows.common.toml_files import StrictModel, describe_key_error, read_toml
from flows.datasets import DATASETS
from flows.errors import ConfigError

DEFAULT_CONFIG = Path("config/pipeline.toml")
PRODUCTION, DEMO = "production", "demo"



class Paths(StrictModel):
    inbox: Path = Path("inbox")
    warehouse: Path = Path("warehouse/socek.duckdb")
    exports: Path = Path("exports")
    reports: Path = Path("reports")
    landing: Path = Path("landing")
    # Recorded responses replayed in offline mode and used as the last fallback. Unset: in the demo
    # environment the shipped synthetic snapshots (flows/common/resources.py); in production none
    # (an offline production run then needs this key; live fallbacks use real landed copies only).
    snapshots: Path | None = None
    secrets: Path = Path(".secrets/socek.toml")
    lock: Path = Path("warehouse/.socek.lock")
    # An operator's own publisher profiles, searched before the shipped ones (socek profile infer --out).
    profiles: Path = Path("config/profiles")


class Feed(StrictModel):
    """A municipality's register published on the web, fetched every night as a delivery."""

    dataset: str
    url: str
    kind: Literal["rowstore", "csv", "xlsx"] = Field(description="EntryScape rowstore JSON, or one CSV/XLSX file")
    profile: str = "canonical"
    page_size: int = Field(500, ge=1, le=10_000, description="rowstore rows per request (_limit)")

    @field_validator("dataset")
    @classmethod
    def _known_dataset(cls, value: str) -> str:
        if value not in DATASETS:
            raise ValueError(f"unknown dataset {value!r}; known: {', '.join(DATASETS)}")
        return value

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if not re.match(r"https?://[^/\s]+", value):
            raise ValueError(f"must be an http:// or https:// address, got {value!r}")
        return value


class Motion(StrictModel):
    """A council motion the municipality's report answers: its title, who submitted it and its two
    questions (how the municipality works for more social enterprises; how the cooperation with the
    enterprise started in 2022 is going). Without one the report is a general redovisning."""

    title: str = Field(min_length=3)
    submitted_by: str = Field(min_length=2)
    question_work: str = Field(min_length=10, description="the question section 2 of the report answers")
    question_cooperation: str = Field(min_length=10, description="the question section 3 of the report answers")


class Municipality(StrictModel):
    code: str = Field(description="SCB kommunkod, four digits")
    name: str
    kolada_code: str
    scb_code: str
    feeds: list[Feed] = Field(default_factory=list)
    motion: Motion | None = None

    @field_validator("feeds")
    @classmethod
    def _one_feed_per_dataset(cls, value: list[Feed]) -> list[Feed]:
        datasets = [feed.dataset for feed in value]
        twice = sorted({d for d in datasets if datasets.count(d) > 1})
        if twice:
            raise ValueError(f"more than one feed for {twice}; a municipality has one feed per dataset")
        return value

    @field_validator("code", "kolada_code", "scb_code")
    @classmethod
    def _four_digits(cls, value: str) -> str:
        if not re.fullmatch(r"\d{4}", value):
            raise ValueError(f"must be four digits as text, got {value!r}")
        return value


class Region(StrictModel):
    name: str
    county_code: str = Field(description="SCB länskod, two digits (18)")
    kolada_code: str = Field(description="Kolada's region id (0018)")
    # Internal code used for county rows in indicators (the Kolada id keeps it four characters).
    indicator_code: str = "0018"

    @field_validator("county_code")
    @classmethod
    def _two_digits(cls, value: str) -> str:
        if not re.fullmatch(r"\d{2}", value):
            raise ValueError(f"must be two digits as text, got {value!r}")
        return value


class Schedule(StrictModel):
    cron: str = "0 2 * * *"
    timezone: str = "Europe/Stockholm"
    deployment_name: str = "socek-nightly"

    @field_validator("cron")
    @classmethod
    def _five_fields(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError(f"must be a five-field cron expression, got {value!r}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value


class Thresholds(StrictModel):
    min_person_count: int = Field(5, ge=1, description="person counts below this (and above 0) are suppressed")
    min_enterprises: int = Field(3, ge=1, description="money aggregates need at least this many enterprises")
    register_shrink_share: float = Field(
        0.5, gt=0, le=1, description="a register delivery removing more than this share of its rows is held back")
    dominance_share: float = Field(0.85, gt=0, le=1, description="one enterprise above this share suppresses")
    protection_share: float = Field(
        0.2, gt=0, le=1, description="a suppressed money figure must stay uncertain by this share of it, both ways")
    source_stale_days: int = Field(400, ge=1, description="older snapshot data are flagged provisional")
    first_year: int = Field(2019, ge=1990, le=2100)
    last_year: int = Field(2025, ge=1990, le=2100)

    @model_validator(mode="after")
    def _years_ordered(self) -> "Thresholds":
        if self.first_year > self.last_year:
            raise ValueError("first_year must not be after last_year")
        return self


class HttpSettings(StrictModel):
    timeout_seconds: float = Field(30.0, gt=0)
    max_retries: int = Field(4, ge=0, le=10)
    backoff_seconds: float = Field(1.0, ge=0)
    max_backoff_seconds: float = Field(60.0, ge=0)


class KoladaSettings(HttpSettings):
    base_url: str = "https://api.kolada.se/v3"
    kpis: list[str] = Field(default_factory=list)
    per_page: int = Field(5000, ge=1, le=5000)


class ScbSettings(HttpSettings):
    base_url: str = "https://statistikdatabasen.scb.se/api/v2"
    population_table_until_2024: str = "TAB638"
    population_table_from_2025: str = "TAB5557"
    region_codelist: str = "vs_RegionKommun07"


class BulkSettings(HttpSettings):
    bolagsverket_url: str = "https://vardefulla-datamangder.bolagsverket.se/bolagsverket/bolagsverket_bulkfil.zip"
    scb_url: str = "https://vardefulla-datamangder.bolagsverket.se/scb/scb_bulkfil.zip"
    timeout_seconds: float = Field(300.0, gt=0)
    max_retries: int = Field(2, ge=0, le=10)
    max_member_bytes: int = Field(4_000_000_000, gt=0, description="largest zip member accepted")
    max_compression_ratio: float = Field(200.0, gt=1, description="refuse zip bombs")
    # Postal-code prefixes (first three digits) approximating the county; see docs.
    county_postcode_prefixes: list[str] = Field(default_factory=list)
    county_postorter: list[str] = Field(default_factory=list)


class FeedSettings(HttpSettings):
    """How municipal feeds ([[municipalities.feeds]]) are fetched."""

    max_pages: int = Field(10_000, ge=1, description="a rowstore with more pages is refused (a loop guard)")


class Sources(StrictModel):
    kolada: KoladaSettings = KoladaSettings()
    scb: ScbSettings = ScbSettings()
    bulk: BulkSettings = BulkSettings()
    feeds: FeedSettings = FeedSettings()


class IntakeSettings(StrictModel):
    """Limits on one delivered file (the XLSX limits mirror the bulk zips': a workbook is a zip)."""

    max_file_bytes: int = Field(1 << 30, gt=0, description="largest delivered file")
    max_unpacked_bytes: int = Field(1 << 30, gt=0, description="largest XLSX workbook once unpacked")
    max_compression_ratio: float = Field(200.0, gt=1, description="refuse XLSX zip bombs")


class WarehouseSettings(StrictModel):
    keep_generations: int = Field(7, ge=2, le=1000, description="published databases kept for `socek restore`")
    # DuckDB's resources in every connection socek opens: beyond memory_limit it spills to
    # temp_directory (relative: beside the published database) instead of growing.
    memory_limit: str = Field("600MB", pattern=r"^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$",
                              description="DuckDB memory_limit, e.g. 600MB or 2GB")
    threads: int = Field(2, ge=1, le=256, description="DuckDB threads")
    temp_directory: Path = Path(".duckdb-tmp")


class ReportSettings(StrictModel):
    # true: every report gets its PDF (headless Chromium); a report without it is a warning.
    pdf: bool = True


class Notify(StrictModel):
    webhook_url: str | None = None
    timeout_seconds: float = Field(10.0, gt=0)


class Runner(StrictModel):
    """Where the per-municipality read-and-validate work of the intake runs (bench/README.md, docs/operations.md).

    ``default``: worker processes on this machine (``workers``; small runs stay in the flow's own
    process). ``dask``: Prefect tasks on a Dask cluster through prefect-dask's ``DaskTaskRunner``;
    ``dask_address`` empty starts a local cluster of ``workers`` worker processes. Either way each
    municipality's validated rows are written as Parquet partitions under ``partitions_dir``, which
    the warehouse build reads, so that folder must be shared by the flow and the workers.
    """

    kind: Literal["default", "dask"] = "default"
    dask_address: str = ""
    workers: int = Field(2, ge=1, le=256)
    chunk_rows: int = Field(100_000, ge=1_000, description="rows per validation batch and per piece of a large file (bounds worker memory)")
    inline_below_mb: float = Field(32.0, ge=0, description="new deliveries smaller than this run in-process")
    partitions_dir: Path = Path("warehouse/partitions")


class Settings(StrictModel):
    environment: Literal["production", "demo"] = PRODUCTION
    mode: Literal["offline", "live"] = "offline"
    paths: Paths = Paths()
    region: Region
    municipalities: list[Municipality]
    datasets: list[str] = Field(default_factory=lambda: list(DATASETS))
    schedule: Schedule = Schedule()
    thresholds: Thresholds = Thresholds()
    sources: Sources = Sources()
    notify: Notify = Notify()
    runner: Runner = Runner()
    warehouse: WarehouseSettings = WarehouseSettings()
    report: ReportSettings = ReportSettings()
    intake: IntakeSettings = IntakeSettings()
    # Where the settings were read from; set by load_config, never by the file itself.
    source_file: Path | None = Field(default=None, exclude=True)
    root: Path = Field(default=Path("."), exclude=True)

    @field_validator("datasets")
    @classmethod
    def _known_datasets(cls, value: list[str]) -> list[str]:
        unknown = [d for d in value if d not in DATASETS]
        if unknown:
            raise ValueError(f"unknown dataset(s) {unknown}; known: {', '.join(DATASETS)}")
        return value

    @field_validator("municipalities")
    @classmethod
    def _unique_codes(cls, value: list[Municipality]) -> list[Municipality]:
        codes = [m.code for m in value]
        if not codes:
            raise ValueError("at least one municipality is required")
        duplicated = sorted({c for c in codes if codes.count(c) > 1})
        if duplicated:
            raise ValueError(f"municipality code(s) listed twice: {duplicated}")
        return value

    @model_validator(mode="after")
    def _production_replays_real_recordings(self) -> "Settings":
        if self.environment == PRODUCTION and self.mode == "offline" and self.paths.snapshots is None:
            raise ValueError("an offline production run replays recorded responses of the real sources: set "
                             "paths.snapshots to their folder, or use mode = \"live\" (the shipped synthetic "
                             "snapshots belong to the demo environment, config/demo.toml)")
        return self

    # Convenience lookups -------------------------------------------------------------------
    @property
    def is_demo(self) -> bool:
        return self.environment == DEMO

    @property
    def snapshots_dir(self) -> Path | None:
        """The recorded responses to replay or fall back to: ``paths.snapshots``; unset, the shipped
        synthetic snapshots in the demo and none in production."""
        value = self.paths.snapshots
        if value is None:
            return DEMO_SNAPSHOTS_DIR if self.is_demo else None
        return value if value.is_absolute() else self.root / value

    @property
    def municipality_codes(self) -> list[str]:
        return [m.code for m in self.municipalities]

    @property
    def delivery_codes(self) -> list[str]:
        """Every area with its own regional delivery: the municipalities, then the county (the Region's own)."""
        return [*self.municipality_codes, self.region.indicator_code]

    def check_delivery_code(self, code: str) -> str:
        """``code`` if it is a municipality or the county, else a ``ConfigError`` listing the known ones."""
        if code not in self.delivery_codes:
            raise ConfigError(f"{code!r} is neither a configured municipality nor the region (known: "
                              f"{', '.join(self.delivery_codes)})")
        return code

    def municipality(self, code: str) -> Municipality:
        for m in self.municipalities:
            if m.code == code:
                return m
        known = ", ".join(self.municipality_codes)
        raise ConfigError(f"municipality {code!r} is not configured (known: {known})")

    @property
    def profile_dirs(self) -> list[Path]:
        """Where publisher profiles are looked up: the operator's folder first, then the shipped one."""
        return [self.path("profiles"), PROFILES_DIR]

    def path(self, name: str) -> Path:
        """An entry of ``[paths]`` resolved against the project root."""
        if name == "snapshots":
            snapshots = self.snapshots_dir
            if snapshots is None:
                raise ConfigError(f"{self.source_file}: paths.snapshots is not set, and a production "
                                  "configuration has no recorded responses without it")
            return snapshots
        value: Path = getattr(self.paths, name)
        return value if value.is_absolute() else self.root / value


def municipality_title(name: str) -> str:
    """``Lekeberg`` -> ``Lekebergs kommun``; names ending in a vowel or s keep their form."""
    suffix = "" if name[-1].lower() in "aeiouyåäösxz" else "s"
    return f"{name}{suffix} kommun"


def parse_config(data: dict, source: str = "<config>", root: Path | None = None) -> Settings:
    """Validate a parsed TOML mapping into ``Settings``; ``ConfigError`` names every bad key."""
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems = "\n  - ".join(describe_key_error(e) for e in exc.errors())
        raise ConfigError(f"{source}: invalid configuration:\n  - {problems}") from None
    return settings.model_copy(update={"source_file": Path(source), "root": root or Path(".")})


def load_config(path: Path | str | None = None) -> Settings:
    """Read and validate the pipeline configuration (default ``config/pipeline.toml``).

    The project root (for relative paths) is the parent of the ``config/`` folder that holds the file;
    for the configuration shipped inside an installed package it is the current folder.
    """
    path = Path(path) if path is not None else DEFAULT_CONFIG
    data = read_with_base(path)
    resolved = path.resolve()
    if resolved.parent == DEFAULTS_DIR.resolve() and resolved.parent.name != "config":
        root = Path.cwd()
    else:
        root = resolved.parent.parent if resolved.parent.name == "config" else resolved.parent
    return parse_config(data, source=str(path), root=root)


def read_with_base(path: Path, seen: tuple[Path, ...] = ()) -> dict:
    """The file's settings over those of the file it ``extends`` (tables merged key by key)."""
    data = read_toml(path, "configuration file")
    base = data.pop("extends", None)
    if base is None:
        return data
    if not isinstance(base, str):
        raise ConfigError(f"{path}: key 'extends' must be a file name, got {base!r}")
    base_path = (path.parent / base).resolve()
    if base_path in seen or base_path == path.resolve():
        raise ConfigError(f"{path}: 'extends' goes round in a circle through {base_path}")
    return _merged(read_with_base(base_path, seen + (path.resolve(),)), data)


def _merged(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        merged[key] = (_merged(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict)
                       else value)
    return merged
