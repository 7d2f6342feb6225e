"""The closing sections of a municipality's report: Agenda 2030, data quality, method and sources,
and the footer (shared in part with the county report)."""

from __future__ import annotations

from flows.intake.labels import words_for
from flows.outputs.report.data import ReportData, Value
from flows.outputs.report.html import iso_date, sv_number
from flows.outputs.report.labels import (
    ACTIVITY_LABELS,
    BREAKDOWN_LABELS,
    DATASET_LABELS,
    NEED_LABELS,
    NEED_OF_ACTIVITY,
    ORIGIN_LABELS,
    RULE_LABELS,
    SDG_TARGETS,
    SOURCE_LABELS,
    SOURCES_SV,
    SURVIVAL_CELLS,
    UNIT_LABELS,
)
from flows.outputs.report.text import Cell, Notes, figure_cell


def split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


def target_cell(indicator: dict, target: str) -> tuple[str, str]:
    """The (breakdown, value) that speaks for the target: the catalogue's target_breakdowns (target 8.6
    is about youth: SE14's age band 16-24), else the total."""
    for entry in split(indicator.get("target_breakdowns")):
        name, _, cell = entry.partition(":")
        if name.strip() == target:
            breakdown, _, value = cell.strip().partition("=")
            return breakdown, value
    return "total", "_T"


def _latest(data: ReportData, indicator: str, unit: str, year: int, code: str,
            cell: tuple[str, str] = ("total", "_T")) -> tuple[str | None, Value | None]:
    """The value of the cell for the year, else the latest earlier period (a multi-year span ends by the
    year); the total is also found in a pooled cohort (SE03)."""
    cells = SURVIVAL_CELLS if cell == ("total", "_T") else (cell,)
    candidates = sorted(((k[2], v) for k, v in data.values.items()
                         if k[0] == indicator and k[1] == code and k[3] == "T" and k[6] == unit
                         and (k[4], k[5]) in cells
                         and int(k[2][-4:]) <= year and (v.number is not None or v.suppressed)),
                        key=lambda item: (item[0][-4:], item[0]))
    return candidates[-1] if candidates else (None, None)


def agenda_context(data: ReportData) -> dict:
    if not data.catalogue:
        return {"table": None}
    notes = Notes()
    rows: list = []
    for target in SDG_TARGETS:
        indicators = [c for c in data.catalogue if target in split(c["sdg_targets"])]
        name = data.targets.get(target, "")
        rows.append({"group": f"Delmål {target}" + (f": {name}" if name else ""), "css": "target", "target": target})
        if not indicators:
            rows.append({"note": "Ingen indikator i katalogen."})
        for indicator in indicators:
            unit = split(indicator["units"])[0]
            cell = target_cell(indicator, target)
            period, mine = _latest(data, indicator["indicator_id"], unit, data.year, data.code, cell)
            _, county = _latest(data, indicator["indicator_id"], unit, data.year, data.region_code, cell)
            relation = ("kontextproxy" + (f" för {indicator['context_for_indicator']}"
                                          if indicator.get("context_for_indicator") else "")
                        if indicator["sdg_relation"] == "context proxy" else "proxy")
            part = f" ({BREAKDOWN_LABELS.get(cell, cell[1])})" if cell not in SURVIVAL_CELLS else ""
            rows.append([f"{indicator['indicator_id']} {indicator['name_sv']}{part}", Cell(relation, "proxy-cell"),
                         UNIT_LABELS.get(unit, unit), (period or "").replace("-", "–"),
                         figure_cell(mine, notes), figure_cell(county, notes)])
    return {"table": {"caption": f"Indikatorer mot Agenda 2030-delmål, {data.year} eller senast tillgängliga",
                      "numeric": {4, 5}, "notes": notes, "css": "agenda", "rows": rows,
                      "headers": ["Indikator", "Koppling", "Enhet", "Period", data.name, data.region_name]}}


def rule_words(dataset: str, rule: str) -> str:
    """A quarantine rule in words: the column's Swedish label and what the rule checks."""
    column, _, kind = rule.partition(":")
    label = {"key": "Nyckeln", "row": "Raden"}.get(column) or (
        words.label if (words := words_for(dataset, column)) else column)
    return f"{label}: {RULE_LABELS.get(kind, kind)}"


def coverage_notes(data: ReportData) -> list[tuple[str, list[str]]]:
    """Each incompleteness the municipality's values carry (a delivery missing, partial or with
    quarantined rows), with the indicators it affects."""
    affected: dict[str, set[str]] = {}
    for key, value in data.values.items():
        if key[1] == data.code and value.note:
            for note in value.note.split("; "):
                affected.setdefault(note, set()).add(key[0])
    return sorted((note, sorted(ids)) for note, ids in affected.items())


def delivery_rows(quality: list[dict]) -> list[list]:
    rows = []
    for r in quality:
        period = (f"{iso_date(r['period_start'])} – {iso_date(r['period_end'])}" if r["period_end"]
                  else "helt register")
        rows.append([DATASET_LABELS.get(r["dataset"], r["dataset"]), Cell("ja" if r["delivered"] else "nej", ""),
                     sv_number(r["files_current"]), sv_number(r["rows_loaded"]), sv_number(r["rows_quarantined"]),
                     sv_number(r["files_rejected"]), Cell(period if r["delivered"] else "", "nowrap"),
                     Cell(iso_date(r["delivered_on"]), "nowrap")])
    return rows


def source_rows(sources: list[dict]) -> list[list]:
    return [[SOURCE_LABELS.get(r["source"], r["source"]), Cell(ORIGIN_LABELS.get(r["origin"], r["origin"]), ""),
             Cell(iso_date(r["retrieved_on"]), "nowrap"), sv_number(r["age_days"]),
             Cell("ja" if r["provisional"] or r["stale"] else "nej", ""), Cell(r["warning"] or "", "")]
            for r in sources]


def quality_context(data: ReportData) -> dict:
    names = {c["indicator_id"]: c["name_sv"] for c in data.catalogue}
    return {
        "deliveries": {"caption": "Leveranser och karantän per register", "numeric": {2, 3, 4, 5}, "notes": None,
                       "css": "data-quality", "rows": delivery_rows(data.quality),
                       "headers": ["Register", "Levererat", "Aktuella filer", "Rader inlästa", "Rader i karantän",
                                   "Avvisade filer", "Period", "Inläst"]},
        "gaps": coverage_notes(data),
        "quarantine": ({"caption": "Skäl till karantän", "numeric": {2}, "notes": None,
                        "headers": ["Register", "Regel", "Rader"],
                        "rows": [[DATASET_LABELS.get(r["dataset"], r["dataset"]), Cell(rule_words(r["dataset"], r["rule"]), ""),
                                  sv_number(r["rows_quarantined"])] for r in data.quarantine]}
                       if data.quarantine else None),
        "sources": ({"caption": "Källornas aktualitet", "numeric": {3}, "notes": None, "rows": source_rows(data.sources),
                     "headers": ["Källa", "Hämtning", "Hämtad", "Ålder (dagar)", "Preliminär", "Anmärkning"]}
                    if data.sources else None),
        "provisional": [(r["indicator_id"], names.get(r["indicator_id"], ""), r["values_flagged"])
                        for r in data.provisional],
    }


def indicator_rows(catalogue: list[dict]) -> list[list]:
    return [[c["indicator_id"], Cell(c["name_sv"], ""), Cell(c["definition_sv"], ""),
             Cell(", ".join(UNIT_LABELS.get(u, u) for u in split(c["units"])), ""),
             Cell(", ".join(SOURCES_SV.get(s, s) for s in split(c["sources"])), "")] for c in catalogue]


def method_context(run: dict | None, catalogue: list[dict]) -> dict:
    run = run or {}
    mapping = [[label, Cell(", ".join(ACTIVITY_LABELS[kind] for kind, of in NEED_OF_ACTIVITY.items() if of == need), "")]
               for need, label in NEED_LABELS.items()]
    return {"persons": int(run.get("min_person_count") or 5), "enterprises": run.get("min_enterprises") or 3,
            "dominance": sv_number((run.get("dominance_share") or 0.85) * 100),
            "mapping": {"caption": "Stödinsatser och handlingsplanens behov", "numeric": set(), "notes": None,
                        "headers": ["Behov enligt handlingsplanen", "Typer av insatser som räknas dit"], "rows": mapping},
            "indicators": ({"caption": None, "numeric": set(), "notes": None, "css": "catalogue",
                            "headers": ["Id", "Namn", "Definition", "Enhet", "Källor"],
                            "rows": indicator_rows(catalogue)} if catalogue else None),
            "run": run or None, "offline": run.get("mode") == "offline"}
