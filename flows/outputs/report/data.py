"""Everything a report shows, read once from the published database's ``export`` layer: a
municipality's report (``load_data``) or the county report (``load_county_data``).

The report reads only ``export.*`` views, which are already disclosure-controlled (suppressed
values are blank and carry a reason); ``_rows`` refuses any other schema, so a value the rules hide
cannot reach the page."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import duckdb

from flows.catalogue import load_catalogue
from flows.config import municipality_title
from flows.errors import SocekError
from flows.outputs.report.html import is_missing


class ReportError(SocekError):
    """The report cannot be written (no published database, unknown municipality, no data...)."""


_SCHEMA_REFERENCE = re.compile(r"\b(?:from|join)\s+\"?([a-z_][a-z0-9_]*)\"?\s*\.", re.IGNORECASE)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    """Rows as dicts; refuses SQL that reads any schema but ``export`` (DESIGN §6)."""
    schemas = {name.lower() for name in _SCHEMA_REFERENCE.findall(sql)}
    if schemas - {"export"}:
        raise ReportError(f"the report reads only the export layer, not {sorted(schemas - {'export'})}")
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


@dataclass(frozen=True)
class Value:
    """One figure as the export layer gives it: blank when suppressed (with the reason) or missing."""

    value: float | None
    unit: str
    obs_status: str = "A"
    conf_status: str = "F"
    reason: str | None = None
    note: str | None = None  # why the value is provisional (P) or missing (L), in words

    @property
    def suppressed(self) -> bool:
        return self.conf_status in ("C", "D")

    @property
    def number(self) -> float | None:
        """The value if it may be shown and exists, else None."""
        if self.suppressed or self.obs_status in ("L", "M") or is_missing(self.value):
            return None
        return float(self.value)


@dataclass
class ReportData:
    """Everything the page shows, read from ``export.*`` once."""

    code: str
    name: str
    region_code: str
    region_name: str
    year: int
    years: list[int]
    values: dict[tuple, Value]
    catalogue: list[dict]
    timeline: list[dict]
    quality: list[dict]
    quarantine: list[dict]
    sources: list[dict]
    candidates: dict[str, dict]
    run: dict | None
    provisional: list[dict] = field(default_factory=list)
    targets: dict[str, str] = field(default_factory=dict)  # Agenda 2030 target -> Swedish name
    motion: dict | None = None  # the council motion the report answers (None: a general report)
    actions: list[dict] = field(default_factory=list)  # the municipality's own actions
    agreements: list[dict] = field(default_factory=list)
    procurements: dict[int, dict] = field(default_factory=dict)  # year -> counts
    purchases_by_account: list[dict] = field(default_factory=list)  # the named enterprises' payments
    review: dict[str, dict[int, dict]] = field(default_factory=dict)  # area -> year -> review-list counts

    @property
    def title(self) -> str:
        return municipality_title(self.name)

    @property
    def reference_date(self) -> date:
        """The day the report looks out from: the end of its year, or the run's day if that is
        earlier (a report on the running year)."""
        end = date(self.year, 12, 31)
        run_day = (self.run or {}).get("run_date")
        return min(end, run_day) if run_day else end

    def value(self, indicator: str, unit: str, period: int | str, code: str | None = None,
              breakdown: str = "total", breakdown_value: str = "_T", sex: str = "T") -> Value | None:
        return self.values.get((indicator, code or self.code, str(period), sex, breakdown, breakdown_value, unit))

    def number(self, indicator: str, unit: str, period: int | str, code: str | None = None, **kw) -> float | None:
        found = self.value(indicator, unit, period, code, **kw)
        return found.number if found else None

    def breakdown(self, indicator: str, unit: str, period: int | str, breakdown: str,
                  code: str | None = None) -> dict[str, Value]:
        code = code or self.code
        return {k[5]: v for k, v in sorted(self.values.items())
                if k[0] == indicator and k[1] == code and k[2] == str(period) and k[3] == "T"
                and k[4] == breakdown and k[6] == unit}


class ExportLayer:
    """The export views a report reads, each read once for every area and kept.

    A run writes a report per municipality from the same database, and the views are cheap to read
    whole but costly to evaluate (the cooperation timeline scans the whole ledger): reading each
    once and picking an area's rows here costs one evaluation instead of one per report. Rows keep
    the order the view was read in, so an area's rows come out as a filtered query would give them.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection):
        # imported here: the disclosure engine (SciPy) is loaded only when reporting
        from flows.outputs.disclosure.control import require_decided

        require_decided(con)
        self.con = con
        self._cache: dict[str, list[dict]] = {}

    def rows(self, sql: str) -> list[dict]:
        if sql not in self._cache:
            self._cache[sql] = _rows(self.con, sql)
        return self._cache[sql]

    def area_rows(self, sql: str, codes: tuple[str | None, ...]) -> list[dict]:
        return [r for r in self.rows(sql) if r["municipality_code"] in codes]


_VALUES = """
    select indicator_id, municipality_code, municipality_name, period, sex, breakdown, breakdown_value,
           value, unit, obs_status, note, conf_status, source, suppressed_reason
    from export.report_indicator_values
    order by indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit"""
_TIMELINE = """
    select * from export.report_cooperation_timeline
    order by municipality_code, org_nr, year nulls last, event_date nulls last, event_order, event_kind, event_id"""
_QUALITY = "select * from export.report_data_quality order by municipality_code, dataset"
_QUARANTINE = """select * from export.report_quarantine_rules
                 order by municipality_code, rows_quarantined desc, dataset, rule"""
_ACTIONS = "select * from export.report_municipal_actions order by municipality_code, decision_date, action_id"
_AGREEMENTS = "select * from export.report_agreements order by municipality_code, start_date, agreement_id"
_PROCUREMENTS = "select * from export.report_procurements order by municipality_code, year"
_PURCHASES_BY_ACCOUNT = """select * from export.report_purchases_by_account
                           order by municipality_code, org_nr, year, konto_nr"""
_REVIEW = "select * from export.report_review_list order by municipality_code, year"


def load_data(source: ExportLayer | duckdb.DuckDBPyConnection, municipality_code: str,
              year: int | None = None) -> ReportData:
    """Read what the report needs for one municipality from the export layer."""
    layer = source if isinstance(source, ExportLayer) else ExportLayer(source)
    areas = layer.rows("select * from export.report_areas order by municipality_code")
    region = next((a["municipality_code"] for a in areas if a["is_region"]), None)
    if municipality_code not in {a["municipality_code"] for a in areas if not a["is_region"]}:
        known = ", ".join(a["municipality_code"] for a in areas if not a["is_region"])
        raise ReportError(f"municipality {municipality_code!r} is not configured (known: {known})")
    area = next(a for a in areas if a["municipality_code"] == municipality_code)
    rows = layer.area_rows(_VALUES, (municipality_code, region))
    values = {(r["indicator_id"], r["municipality_code"], r["period"], r["sex"], r["breakdown"],
               r["breakdown_value"], r["unit"]):
              Value(r["value"], r["unit"], r["obs_status"], r["conf_status"], r["suppressed_reason"], r["note"])
              for r in rows}
    names = {r["municipality_code"]: r["municipality_name"] for r in rows if r["municipality_name"]}
    run = next(iter(layer.rows("select * from export.report_run")), None)
    year = year or _latest_year(rows, municipality_code, run)
    if year is None:
        raise ReportError(f"no indicator values for municipality {municipality_code}; run `socek run` first")
    first = (run or {}).get("first_year") or min(
        (int(r["period"]) for r in rows if r["period"].isdigit()), default=year)
    catalogue = layer.rows("select * from export.indicator_catalogue order by indicator_id")
    timeline = [r for r in layer.area_rows(_TIMELINE, (municipality_code,)) if r["year"] is None or r["year"] <= year]
    quality = layer.area_rows(_QUALITY, (municipality_code,))
    quarantine = layer.area_rows(_QUARANTINE, (municipality_code,))
    sources = layer.rows("select * from export.report_source_status order by source")
    candidates = {a["municipality_code"]: a for a in
                  layer.rows("select * from export.report_candidates order by municipality_code")}
    flagged = defaultdict(int)
    for r in rows:
        if r["municipality_code"] == municipality_code and r["obs_status"] == "P":
            flagged[r["indicator_id"]] += 1
    provisional = [{"indicator_id": k, "values_flagged": v} for k, v in sorted(flagged.items())]
    motion = ({k.removeprefix("motion_"): v for k, v in area.items() if k.startswith("motion_")}
              if area["motion_title"] else None)
    return ReportData(
        code=municipality_code, name=names.get(municipality_code, area["name"]),
        region_code=region, region_name=names.get(region, "länet"), year=year,
        years=list(range(int(first), year + 1)), values=values, catalogue=catalogue, timeline=timeline,
        quality=quality, quarantine=quarantine, sources=sources, candidates=candidates,
        run=run, provisional=provisional, targets=_target_names(), motion=motion,
        actions=[r for r in layer.area_rows(_ACTIONS, (municipality_code,)) if r["year"] <= year],
        agreements=[r for r in layer.area_rows(_AGREEMENTS, (municipality_code,))
                    if r["start_date"] is not None and r["start_date"] <= date(year, 12, 31)],
        procurements={r["year"]: r for r in layer.area_rows(_PROCUREMENTS, (municipality_code,))},
        purchases_by_account=[r for r in layer.area_rows(_PURCHASES_BY_ACCOUNT, (municipality_code,))
                              if r["year"] <= year],
        review=_review(layer, [municipality_code, region]))


def _review(layer: ExportLayer, codes: list[str]) -> dict[str, dict[int, dict]]:
    review: dict[str, dict[int, dict]] = defaultdict(dict)
    for r in layer.area_rows(_REVIEW, tuple(codes)):
        review[r["municipality_code"]][r["year"]] = r
    return dict(review)


@dataclass
class CountyData:
    """Everything the county report shows, read from ``export.*`` once."""

    region_code: str
    region_name: str
    year: int
    years: list[int]
    names: dict[str, str]  # kommunkod -> name, the municipalities in code order
    values: dict[tuple, Value]
    catalogue: list[dict]
    areas: list[dict]  # the action plan's areas (id, name_sv)
    actions: list[dict]
    quality: list[dict]
    review: dict[int, dict]
    sources: list[dict]
    run: dict | None

    @property
    def title(self) -> str:
        return self.region_name

    def value(self, indicator: str, unit: str, period: int | str, code: str,
              breakdown: str = "total", breakdown_value: str = "_T", sex: str = "T") -> Value | None:
        return self.values.get((indicator, code, str(period), sex, breakdown, breakdown_value, unit))

    def number(self, indicator: str, unit: str, period: int | str, code: str, **kw) -> float | None:
        found = self.value(indicator, unit, period, code, **kw)
        return found.number if found else None


def load_county_data(source: ExportLayer | duckdb.DuckDBPyConnection, year: int | None = None) -> CountyData:
    """Read what the county report needs: every municipality's published values side by side."""
    layer = source if isinstance(source, ExportLayer) else ExportLayer(source)
    areas = layer.rows("select * from export.report_areas order by municipality_code")
    region = next((a for a in areas if a["is_region"]), None)
    if region is None:
        raise ReportError("no region is configured, so there is no county report")
    rows = layer.rows(_VALUES)
    values = {(r["indicator_id"], r["municipality_code"], r["period"], r["sex"], r["breakdown"],
               r["breakdown_value"], r["unit"]):
              Value(r["value"], r["unit"], r["obs_status"], r["conf_status"], r["suppressed_reason"], r["note"])
              for r in rows}
    run = next(iter(layer.rows("select * from export.report_run")), None)
    year = year or _latest_year(rows, region["municipality_code"], run)
    if year is None:
        raise ReportError("no indicator values for the county; run `socek run` first")
    first = (run or {}).get("first_year") or min(
        (int(r["period"]) for r in rows if r["period"].isdigit()), default=year)
    try:
        plan_areas = [{"id": a.id, "name_sv": a.name_sv} for a in load_catalogue().action_plan_areas]
    except SocekError:
        plan_areas = []
    return CountyData(
        region_code=region["municipality_code"], region_name=region["name"], year=year,
        years=list(range(int(first), year + 1)),
        names={a["municipality_code"]: a["name"] for a in areas if not a["is_region"]}, values=values,
        catalogue=layer.rows("select * from export.indicator_catalogue order by indicator_id"), areas=plan_areas,
        actions=[r for r in layer.rows(_ACTIONS) if r["year"] <= year],
        quality=layer.rows(_QUALITY),
        review=_review(layer, [region["municipality_code"]]).get(region["municipality_code"], {}),
        sources=layer.rows("select * from export.report_source_status order by source"), run=run)


def _target_names() -> dict[str, str]:
    """Swedish names of the Agenda 2030 targets, from the catalogue configuration (not data)."""
    try:
        return {t.id: t.name_sv for t in load_catalogue().sdg_targets}
    except SocekError:
        return {}


def _latest_year(rows: list[dict], code: str, run: dict | None) -> int | None:
    """The latest calendar year with a figure for the municipality (shown or suppressed)."""
    last = (run or {}).get("last_year")
    years = [int(r["period"]) for r in rows
             if r["municipality_code"] == code and r["period"].isdigit() and r["obs_status"] in ("A", "P")
             and (r["value"] is not None or r["conf_status"] in ("C", "D"))]
    years = [y for y in years if last is None or y <= last]
    return max(years) if years else None
