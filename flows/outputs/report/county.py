"""The county report for the Region (``reports/<region>/lansrapport-<year>.html``): the twelve
municipalities side by side per area of the regional action plan, what each of them did, the county
trend, and the data quality per municipality.

Every figure is a published indicator value (``export.report_indicator_values``, disclosure control
applied) or a count of the municipalities' own actions (public records); nothing is recomputed here
from anything finer."""

from __future__ import annotations

from collections import Counter

from flows.outputs.report.appendix import split
from flows.outputs.report.charts import Series, bar_chart, line_chart
from flows.outputs.report.data import CountyData, Value
from flows.outputs.report.html import capitalized, sv_number, sv_percent
from flows.outputs.report.labels import (
    ACTION_LABELS,
    AREA_SHORT,
    ARRANGER_LABELS,
    DATASET_LABELS,
    DECISION_BODY_LABELS,
    SURVIVAL_CELLS,
    UNIT_LABELS,
)
from flows.outputs.report.text import Cell, Notes, figure_cell

# The registers whose coverage the county's data-quality table shows (the ledger's key is a helper).
QUALITY_DATASETS = ("enterprises", "supplier_invoices", "agreements", "procurements", "grants", "support_activities",
                    "placements", "annual_reports", "municipal_actions")


def latest_index(data: CountyData) -> dict[tuple, list[tuple[str, Value]]]:
    """(indicator, area, unit) -> the total's values by period (a cohort's own row or all cohorts
    pooled for SE03), for finding the latest one."""
    index: dict[tuple, list[tuple[str, Value]]] = {}
    for key, value in data.values.items():
        if key[3] == "T" and (key[4], key[5]) in SURVIVAL_CELLS:
            index.setdefault((key[0], key[1], key[6]), []).append((key[2], value))
    return index


def _latest(index: dict, year: int, indicator: str, unit: str, code: str) -> Value | None:
    """The value of the report's year, else the latest earlier period with one (context statistics
    lag a year; a survival cohort is a span of years ending by the report's year)."""
    found = sorted(((period, v) for period, v in index.get((indicator, code, unit), [])
                    if int(period[-4:]) <= year and (v.number is not None or v.suppressed)),
                   key=lambda item: (item[0][-4:], item[0]))
    return found[-1][1] if found else None


def _delivered(data: CountyData, code: str, dataset: str) -> dict | None:
    return next((r for r in data.quality if r["municipality_code"] == code and r["dataset"] == dataset), None)


def area_tables(data: CountyData) -> list[dict]:
    """Per action-plan area: the municipalities and the county side by side on the area's indicators
    (their first unit, the report's year or the latest before it) and the actions each took in it."""
    tables, index = [], latest_index(data)
    for area in data.areas:
        indicators = [c for c in data.catalogue if area["id"] in split(c["action_plan_areas"])]
        notes = Notes()
        rows = []
        for code, name in [*data.names.items(), (data.region_code, data.region_name)]:
            row = [name] + [figure_cell(_latest(index, data.year, c["indicator_id"], split(c["units"])[0], code), notes)
                            for c in indicators]
            if code == data.region_code:
                actions = [a for a in data.actions if a["action_plan_area"] == area["id"]]
            else:
                actions = [a for a in data.actions if a["municipality_code"] == code and a["action_plan_area"] == area["id"]]
            registered = code == data.region_code or (_delivered(data, code, "municipal_actions") or {}).get("delivered")
            row += ([sv_number(sum(1 for a in actions if a["year"] == data.year)), sv_number(len(actions))]
                    if registered else [Cell("ej levererad", "num missing")] * 2)
            rows.append(row)
        headers = (["Kommun"] + [f"{c['indicator_id']} {c['name_sv']} ({UNIT_LABELS.get(split(c['units'])[0], '')})"
                                 for c in indicators] + [f"Åtgärder {data.year}", f"Åtgärder {data.years[0]}–{data.year}"])
        tables.append({"id": area["id"], "name": area["name_sv"], "short": AREA_SHORT.get(area["id"], ""),
                       "table": {"caption": f"{area['id']}: {area['name_sv']}", "numeric": set(range(1, len(headers))),
                                 "notes": notes, "headers": headers, "rows": rows, "css": "side-by-side"}})
    return tables


def actions_part(data: CountyData) -> dict:
    """Actions per municipality and year, and the report year's actions municipality by municipality."""
    rows, lists = [], []
    for code, name in data.names.items():
        quality = _delivered(data, code, "municipal_actions") or {}
        mine = [a for a in data.actions if a["municipality_code"] == code]
        if not quality.get("delivered"):
            rows.append([name] + [Cell("ej levererad", "num missing")] * (len(data.years) + 1))
            continue
        per_year = Counter(a["year"] for a in mine)
        rows.append([name] + [sv_number(per_year.get(y, 0)) for y in data.years]
                    + [sv_number(sum(1 for a in mine if a["responsible_unit"] is None))])
        lists.append({"name": name, "actions": [
            {"date": a["decision_date"], "body": DECISION_BODY_LABELS.get(a["decision_body"], ""),
             "kind": ACTION_LABELS.get(a["action_type"], a["action_type"]), "diarienummer": a["diarienummer"],
             "unowned": a["responsible_unit"] is None, "area": a["action_plan_area"]}
            for a in mine if a["year"] == data.year]})
    return {"table": {"caption": "Kommunernas egna åtgärder per år", "numeric": set(range(1, len(data.years) + 2)),
                      "notes": None, "rows": rows,
                      "headers": ["Kommun"] + [str(y) for y in data.years] + ["Utan ansvarig enhet"]},
            "lists": lists,
            "delivered": sum(1 for code in data.names if (_delivered(data, code, "municipal_actions") or {}).get("delivered"))}


def _series(data: CountyData, indicator: str, unit: str, **cell) -> tuple[float | None, ...]:
    return tuple(data.number(indicator, unit, y, data.region_code, **cell) for y in data.years)


def trend_part(data: CountyData) -> dict:
    labels = [str(y) for y in data.years]
    charts = [
        line_chart("lan-foretag", "Verksamma sociala företag per 10 000 invånare i länet", labels,
                   [Series(data.region_name, _series(data, "SE01", "per 10 000 inhabitants"))],
                   unit_label="per 10 000 invånare", value_text=lambda v: sv_number(v, 1),
                   caption="Källa: kommunernas register över sociala företag; befolkning: SCB."),
        bar_chart("lan-nystartade", "Nystartade sociala företag i länet (antal)", labels,
                  [Series(data.region_name, _series(data, "SE02", "count"))], unit_label="antal",
                  caption="Källa: kommunernas register över sociala företag."),
        line_chart("lan-kop", "Kommunernas köp från sociala företag, andel av alla köp (%)", labels,
                   [Series(data.region_name, _series(data, "SE04", "%"))], unit_label="procent", value_text=sv_percent,
                   caption="Källa: kommunernas leverantörsreskontra och register över sociala företag."),
        bar_chart("lan-stod", "Stödinsatser i länet per år efter vem som anordnade dem (antal)", labels,
                  [Series(capitalized(label),
                          _series(data, "SE10", "activities", breakdown="arranger", breakdown_value=kind))
                   for kind, label in ARRANGER_LABELS.items()], unit_label="antal insatser",
                  caption="Källa: kommunernas register över stödinsatser."),
    ]
    notes = Notes()
    measures = (("SE01", "count", "Verksamma sociala företag"), ("SE02", "count", "Nystartade"),
                ("SE04", "%", "Köp, andel av alla köp"), ("SE08", "count", "Aktiva partnerskap"),
                ("SE08", "SEK", "Partnerskapens årliga belopp"), ("SE10", "activities", "Stödinsatser"),
                ("SE12", "persons", "Personer i arbetsintegrering"))
    rows = [[str(y)] + [figure_cell(data.value(ind, unit, y, data.region_code), notes) for ind, unit, _ in measures]
            for y in data.years]
    return {"charts": charts, "table": {"caption": f"{data.region_name} per år", "numeric": set(range(1, 8)),
                                        "notes": notes, "rows": rows, "headers": ["År"] + [m[2] for m in measures]}}


def quality_part(data: CountyData) -> dict:
    rows = []
    for code, name in data.names.items():
        row = [name]
        quarantined = 0
        for dataset in QUALITY_DATASETS:
            found = _delivered(data, code, dataset)
            quarantined += (found or {}).get("rows_quarantined") or 0
            if not found or not found["delivered"]:
                row.append(Cell("ej levererad", "num missing"))
            else:
                total = found["years_delivered"] + found["years_missing"]
                row.append(Cell(f"{found['years_delivered']} av {total} år",
                                "num" if found["years_missing"] == 0 else "num missing"))
        rows.append(row + [sv_number(quarantined)])
    return {"caption": "Levererade år per register och kommun", "numeric": set(range(1, len(QUALITY_DATASETS) + 2)),
            "notes": None, "rows": rows, "css": "data-quality",
            "headers": ["Kommun"] + [DATASET_LABELS.get(d, d) for d in QUALITY_DATASETS] + ["Rader i karantän"]}


def county_context(data: CountyData) -> dict:
    y, region = data.year, data.region_code
    cards = [{"label": label, "when": when, **vars(figure_cell(data.value(ind, unit, y, region)))}
             for ind, unit, label, when in (
                 ("SE01", "count", "Verksamma sociala företag", f"vid utgången av {y}"),
                 ("SE02", "count", "Nystartade sociala företag", f"under {y}"),
                 ("SE10", "activities", "Stödinsatser för sociala företag", f"under {y}"),
                 ("SE08", "count", "Aktiva partnerskap (IOP, bidragsöverenskommelser)", f"under {y}"))]
    actions = actions_part(data)
    arrangers = sorted(((ARRANGER_LABELS.get(k, k), v.number) for k, v in (
        (kind, data.value("SE10", "activities", y, region, breakdown="arranger", breakdown_value=kind))
        for kind in ARRANGER_LABELS) if v is not None and v.number), key=lambda item: (-item[1], item[0]))
    return {"cards": cards, "first_year": data.years[0],
            "stock": (data.number("SE01", "count", data.years[0], region), data.number("SE01", "count", y, region)),
            "share": (data.number("SE04", "%", data.years[0], region), data.number("SE04", "%", y, region)),
            "arrangers": arrangers, "actions_this_year": sum(1 for a in data.actions if a["year"] == y),
            "unowned": sum(1 for a in data.actions if a["responsible_unit"] is None),
            "municipalities": len(data.names), "areas": area_tables(data), "actions": actions,
            "trend": trend_part(data), "quality": quality_part(data)}
