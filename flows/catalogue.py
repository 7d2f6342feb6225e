"""The indicator catalogue (DESIGN §5): ``config/indicators.toml`` loaded, strictly checked, flattened.

The catalogue is what an operator edits without code: names, definitions, units, disaggregations,
action-plan areas, Agenda 2030 targets, motion questions and sources of SE01-SE20. It is loaded
into ``meta.indicator_catalogue`` (one row per indicator) and delivered as ``indikatorer.csv``.

Every model forbids unknown keys, and each error names the indicator and the key
(``indicator SE04 (indicators[3]): key 'unit' is not allowed``), so a typo never passes silently.
SDG honesty is enforced here: ``sdg_targets`` must be targets (``8.5``), never the official global
indicators (``8.5.2``), which the municipality's own measures are only proxies for.

Imports nothing of socek's but ``errors``, the TOML helpers and the dataset contracts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import (
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from flows.common.resources import CATALOGUE_FILE
from flows.common.toml_files import StrictModel, read_toml
from flows.datasets import DATASETS
from flows.errors import ConfigError

DEFAULT_CATALOGUE = CATALOGUE_FILE
LIST_SEPARATOR = "; "  # how list-valued keys are joined in meta.indicator_catalogue and indikatorer.csv

# Columns of meta.indicator_catalogue / indikatorer.csv, in order.
CATALOGUE_COLUMNS = [
    "indicator_id", "name_sv", "name_en", "definition", "definition_sv", "units", "disaggregations",
    "action_plan_areas", "action_plan_area_names_sv", "sdg_targets", "sdg_relation",
    "context_for_indicator", "motion_question", "sources", "kolada_kpi", "view_name", "target_breakdowns",
]
# meta.indicator_catalogue also says which inbox datasets each indicator is computed from (its
# coverage: a cell is a measured value only when they were delivered); internal, not delivered.
META_CATALOGUE_COLUMNS = [*CATALOGUE_COLUMNS, "datasets"]
# A derived input: whether a ledger's suppliers could be identified (organisation numbers or a crosswalk).
SUPPLIER_MATCHING = "supplier_matching"

_TARGET = re.compile(r"^\d{1,2}\.[0-9a-z]{1,2}$")
_GLOBAL_INDICATOR = re.compile(r"^\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2}$")


class CatalogueError(ConfigError):
    """The indicator catalogue is missing, unreadable or has a bad key or value."""


def _no_separator(values: list[str]) -> list[str]:
    for value in values:
        if not value.strip():
            raise ValueError("entries must not be blank")
        if ";" in value:
            raise ValueError(f"entries must not contain ';' (it separates list entries): {value!r}")
    if len(set(values)) != len(values):
        raise ValueError(f"entries listed twice: {values}")
    return values


class ActionPlanArea(StrictModel):
    id: str = Field(pattern=r"^AP[1-4][a-z]?$")
    insatsomrade: int = Field(ge=1, le=4)
    name_sv: str = Field(min_length=3)
    name_en: str = Field(min_length=3)

    @field_validator("name_sv", "name_en")
    @classmethod
    def _no_semicolon(cls, value: str) -> str:
        return _no_separator([value])[0]


class SdgTarget(StrictModel):
    id: str
    name_sv: str = Field(min_length=3)
    name_en: str = Field(min_length=3)
    global_indicators: list[str] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _is_target(cls, value: str) -> str:
        if not _TARGET.match(value):
            raise ValueError(f"must be an Agenda 2030 target such as 8.5, got {value!r}")
        return value

    @field_validator("global_indicators")
    @classmethod
    def _are_indicators(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not _GLOBAL_INDICATOR.match(v)]
        if bad:
            raise ValueError(f"must be official global indicator ids such as 8.5.2, got {bad}")
        return value


class Indicator(StrictModel):
    id: str = Field(pattern=r"^SE\d{2}$")
    name_sv: str = Field(min_length=3)
    name_en: str = Field(min_length=3)
    definition: str = Field(min_length=20)
    definition_sv: str = Field(min_length=20, description="the definition in Swedish (indikatorer.csv, the reports)")
    units: list[str] = Field(min_length=1)
    disaggregations: list[str] = Field(min_length=1)
    action_plan_areas: list[str] = Field(min_length=1)
    sdg_targets: list[str] = Field(min_length=1)
    sdg_relation: Literal["proxy", "context proxy"]
    context_for_indicator: str | None = None
    motion_question: Literal["Q1", "Q2", "Q1+Q2", "context"]
    sources: list[str] = Field(min_length=1)
    kolada_kpi: str | None = Field(default=None, pattern=r"^[NU]\d{5}$")
    view: str = Field(pattern=r"^se\d{2}_[a-z0-9_]+$")
    datasets: list[str] = Field(default_factory=list)
    # The cell that speaks for a target when only part of the indicator does ("8.6" = "age_band=16-24":
    # target 8.6 concerns youth, so SE14's 16-24 cells, not all ages).
    target_breakdowns: dict[str, str] = Field(default_factory=dict)

    @field_validator("units", "disaggregations", "action_plan_areas", "sources")
    @classmethod
    def _clean_lists(cls, value: list[str]) -> list[str]:
        return _no_separator(value)

    @field_validator("sdg_targets")
    @classmethod
    def _targets_not_indicators(cls, value: list[str]) -> list[str]:
        _no_separator(value)
        for target in value:
            if _GLOBAL_INDICATOR.match(target):
                raise ValueError(
                    f"{target!r} is an official global indicator; give the target "
                    f"({target.rsplit('.', 1)[0]}) and mark the measure as a proxy")
            if not _TARGET.match(target):
                raise ValueError(f"must be Agenda 2030 targets such as 8.5, got {target!r}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "Indicator":
        if not self.view.startswith(self.id.lower() + "_"):
            raise ValueError(f"view {self.view!r} must start with {self.id.lower()}_")
        if self.context_for_indicator is not None:
            if self.sdg_relation != "context proxy":
                raise ValueError("context_for_indicator is only allowed with sdg_relation = 'context proxy': "
                                 "own-data measures must not claim an official indicator")
            if not _GLOBAL_INDICATOR.match(self.context_for_indicator):
                raise ValueError(f"context_for_indicator must be a global indicator id such as 8.5.2, "
                                 f"got {self.context_for_indicator!r}")
        if self.sdg_relation == "context proxy" and self.motion_question != "context":
            raise ValueError("a context proxy answers no motion question directly: motion_question must be 'context'")
        for target, cell in self.target_breakdowns.items():
            if target not in self.sdg_targets:
                raise ValueError(f"target_breakdowns: {target!r} is not one of sdg_targets {self.sdg_targets}")
            if not re.fullmatch(r"[a-z_]+=[^;=:]+", cell):
                raise ValueError(f"target_breakdowns: {target} = {cell!r} must be breakdown=value, e.g. age_band=16-24")
        known = {*DATASETS, SUPPLIER_MATCHING}
        unknown = [d for d in self.datasets if d not in known]
        if unknown:
            raise ValueError(f"datasets: {unknown} are not inbox datasets; known: {sorted(known)}")
        if (self.sdg_relation == "proxy") != bool(self.datasets):
            raise ValueError("datasets is required exactly for own-data indicators (sdg_relation = 'proxy'): "
                             "it says which deliveries a value is computed from")
        if (self.kolada_kpi is not None) != ("Kolada" in self.sources):
            raise ValueError("kolada_kpi is required exactly when 'Kolada' is among the sources")
        return self


class Catalogue(StrictModel):
    action_plan_areas: list[ActionPlanArea] = Field(min_length=1)
    sdg_targets: list[SdgTarget] = Field(min_length=1)
    indicators: list[Indicator] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> "Catalogue":
        problems: list[str] = []
        for kind, items in (("action_plan_areas", self.action_plan_areas), ("sdg_targets", self.sdg_targets),
                            ("indicators", self.indicators)):
            ids = [item.id for item in items]
            twice = sorted({i for i in ids if ids.count(i) > 1})
            if twice:
                problems.append(f"{kind}: id(s) listed twice: {twice}")
        views = [i.view for i in self.indicators]
        twice = sorted({v for v in views if views.count(v) > 1})
        if twice:
            problems.append(f"indicators: view(s) used twice: {twice}")
        areas = {a.id for a in self.action_plan_areas}
        targets = {t.id: t for t in self.sdg_targets}
        for indicator in self.indicators:
            unknown = [a for a in indicator.action_plan_areas if a not in areas]
            if unknown:
                problems.append(f"indicator {indicator.id}: key 'action_plan_areas': unknown area(s) {unknown}; "
                                f"known: {sorted(areas)}")
            unknown = [t for t in indicator.sdg_targets if t not in targets]
            if unknown:
                problems.append(f"indicator {indicator.id}: key 'sdg_targets': unknown target(s) {unknown}; "
                                f"known: {sorted(targets)}")
            if indicator.context_for_indicator is not None and not any(
                    indicator.context_for_indicator in targets[t].global_indicators
                    for t in indicator.sdg_targets if t in targets):
                problems.append(f"indicator {indicator.id}: key 'context_for_indicator': "
                                f"{indicator.context_for_indicator} is not a global indicator of its targets")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def indicator(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)

    def area(self, area_id: str) -> ActionPlanArea:
        for area in self.action_plan_areas:
            if area.id == area_id:
                return area
        raise KeyError(area_id)


def _where(loc: tuple, data: dict) -> str:
    """``indicator SE04 (indicators[3]): key 'units'`` from a pydantic error location."""
    parts = list(loc)
    if len(parts) >= 2 and parts[0] in ("indicators", "action_plan_areas", "sdg_targets") and isinstance(parts[1], int):
        section, index = parts[0], parts[1]
        items = data.get(section) if isinstance(data, dict) else None
        item = items[index] if isinstance(items, list) and index < len(items) else None
        item_id = item.get("id") if isinstance(item, dict) else None
        label = {"indicators": "indicator", "action_plan_areas": "action plan area",
                 "sdg_targets": "SDG target"}[section]
        head = f"{label} {item_id or '?'} ({section}[{index}])"
        rest = [str(p) for p in parts[2:] if not isinstance(p, int)]
        return f"{head}: key '{'.'.join(rest)}'" if rest else head
    return f"key '{'.'.join(str(p) for p in parts)}'" if parts else "(top level)"


def _describe(error: dict, data: dict) -> str:
    where = _where(tuple(error["loc"]), data)
    if error["type"] == "extra_forbidden":
        return f"{where} is not allowed (typo or unsupported key)"
    if error["type"] == "missing":
        return f"{where} is required but missing"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "value_error":
        return f"{where}: {message}"
    return f"{where}: {message} (got {error.get('input')!r})"


def parse_catalogue(data: dict, source: str = "<catalogue>") -> Catalogue:
    """Validate a parsed TOML mapping; ``CatalogueError`` names every bad key and its indicator."""
    try:
        return Catalogue.model_validate(data)
    except ValidationError as exc:
        problems = "\n  - ".join(_describe(e, data) for e in exc.errors())
        raise CatalogueError(f"{source}: invalid indicator catalogue:\n  - {problems}") from None


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """Read and validate ``config/indicators.toml`` (or ``path``)."""
    path = Path(path) if path is not None else DEFAULT_CATALOGUE
    data = read_toml(path, "indicator catalogue", CatalogueError)
    return parse_catalogue(data, source=str(path))


def _joined(values: list[str]) -> str:
    return LIST_SEPARATOR.join(values)


def catalogue_frame(catalogue: Catalogue | Path | str | None = None) -> pd.DataFrame:
    """One row per indicator with the columns of ``meta.indicator_catalogue`` (lists joined by '; ').

    ``action_plan_area_names_sv`` lists the Swedish names in the same order as ``action_plan_areas``,
    so SQL can split both and zip them.
    """
    if not isinstance(catalogue, Catalogue):
        catalogue = load_catalogue(catalogue)
    rows = []
    for indicator in sorted(catalogue.indicators, key=lambda i: i.id):
        rows.append({
            "indicator_id": indicator.id,
            "name_sv": indicator.name_sv,
            "name_en": indicator.name_en,
            "definition": indicator.definition,
            "definition_sv": indicator.definition_sv,
            "units": _joined(indicator.units),
            "disaggregations": _joined(indicator.disaggregations),
            "action_plan_areas": _joined(indicator.action_plan_areas),
            "action_plan_area_names_sv": _joined([catalogue.area(a).name_sv for a in indicator.action_plan_areas]),
            "sdg_targets": _joined(indicator.sdg_targets),
            "sdg_relation": indicator.sdg_relation,
            "context_for_indicator": indicator.context_for_indicator,
            "motion_question": indicator.motion_question,
            "sources": _joined(indicator.sources),
            "kolada_kpi": indicator.kolada_kpi,
            "view_name": f"indicators.{indicator.view}",
            "target_breakdowns": _joined([f"{target}: {cell}" for target, cell in indicator.target_breakdowns.items()])
            or None,
            "datasets": _joined(indicator.datasets) or None,
        })
    return pd.DataFrame(rows, columns=META_CATALOGUE_COLUMNS)


def warehouse_problems(con, catalogue: Catalogue | None = None) -> list[str]:
    """What does not match between the catalogue and a built warehouse (an open DuckDB connection).

    Every catalogue indicator needs its view, every ``indicators.seNN_...`` view a catalogue entry,
    and a view may only emit its own indicator id and the units the catalogue declares. An empty
    list means they agree; a publish check can fail the run on anything else.
    """
    catalogue = catalogue or load_catalogue()
    problems: list[str] = []
    views = {name for (name,) in con.execute(
        "select view_name from duckdb_views() where schema_name = 'indicators' "
        "and regexp_matches(view_name, '^se[0-9]{2}_')").fetchall()}
    declared = {indicator.view: indicator for indicator in catalogue.indicators}
    for view in sorted(set(declared) - views):
        problems.append(f"indicator {declared[view].id}: view indicators.{view} does not exist")
    for view in sorted(views - set(declared)):
        problems.append(f"view indicators.{view} has no entry in the indicator catalogue")
    for view in sorted(set(declared) & views):
        indicator = declared[view]
        emitted = con.execute(f'select distinct indicator_id, unit from indicators."{view}"').fetchall()
        ids = {i for i, _ in emitted} - {indicator.id}
        if ids:
            problems.append(f"indicator {indicator.id}: view indicators.{view} emits other ids {sorted(ids)}")
        units = {u for _, u in emitted} - set(indicator.units)
        if units:
            problems.append(f"indicator {indicator.id}: view emits unit(s) {sorted(units)} not in the catalogue's "
                            f"units {indicator.units}")
    return problems
