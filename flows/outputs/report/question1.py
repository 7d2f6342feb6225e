"""Section 2 (question 1): how the municipality works to get more social enterprises -- what it
decided and did year by year, then the counts, then the comparison with the county; the review
list and what became of its leads; what follows the regional action plan."""

from __future__ import annotations

from collections import Counter

from flows.outputs.report.charts import Series, bar_chart, line_chart
from flows.outputs.report.data import ReportData
from flows.outputs.report.html import capitalized, sv_number, sv_percent, sv_sek
from flows.outputs.report.labels import (
    ACTION_LABELS,
    ACTIVITY_LABELS,
    AGREEMENT_LABELS,
    AREA_SHORT,
    ARRANGER_LABELS,
    DECISION_BODY_LABELS,
    FORWARD_ACTIONS,
    GRANT_LABELS,
    NEED_LABELS,
    NEED_OF_ACTIVITY,
    PLAN_YEARS,
    SURVIVAL_CELLS,
    UNIT_LABELS_SV,
)
from flows.outputs.report.text import Notes, figure_cell


def delivered(data: ReportData, dataset: str) -> bool:
    """Whether the municipality has delivered the register (export.report_data_quality)."""
    return any(r["dataset"] == dataset and r["delivered"] for r in data.quality)


def action_item(action: dict) -> dict:
    """One action as the report names it (closed-list words, never the delivered title)."""
    return {"date": action["decision_date"], "body": DECISION_BODY_LABELS.get(action["decision_body"], ""),
            "kind": ACTION_LABELS.get(action["action_type"], action["action_type"]),
            "diarienummer": action["diarienummer"],
            "unit": UNIT_LABELS_SV.get(action["responsible_unit"]) if action["responsible_unit"] else None,
            "budget": action["budget_sek"], "area": action["action_plan_area"],
            "area_name": AREA_SHORT.get(action["action_plan_area"] or "", "")}


def arrangers(data: ReportData, year: int, code: str | None = None) -> list[tuple[str, float]]:
    """SE10 activities of the year per arranger, largest first (activity counts are never hidden)."""
    found = data.breakdown("SE10", "activities", year, "arranger", code)
    counts = [(ARRANGER_LABELS.get(kind, kind), value.number) for kind, value in found.items()
              if value.number]
    return sorted(counts, key=lambda item: (-item[1], item[0]))


def support_totals(data: ReportData, code: str, year: int) -> dict[str, float]:
    """SE10 activities of the year per action-plan need, and in total; empty when not delivered."""
    totals: dict[str, float] = {}
    for activity_type, found in data.breakdown("SE10", "activities", year, "activity_type", code).items():
        if found.number is not None and activity_type in NEED_OF_ACTIVITY:
            need = NEED_OF_ACTIVITY[activity_type]
            totals[need] = totals.get(need, 0.0) + found.number
            totals["total"] = totals.get("total", 0.0) + found.number
    return totals


def procurement_year(data: ReportData, year: int) -> dict | None:
    row = data.procurements.get(year)
    return row if row and row["obs_status"] != "L" else None


def year_blocks(data: ReportData) -> list[dict]:
    """What the municipality decided and did, year by year: its own actions, the support activities
    by arranger, its procurements with social requirements and their follow-up, its partnerships."""
    blocks = []
    for year in data.years:
        activities = data.number("SE10", "activities", year)
        partnerships = data.value("SE08", "count", year)
        blocks.append({
            "year": year,
            "actions": [action_item(a) for a in data.actions if a["year"] == year],
            "activities": activities,
            "arrangers": arrangers(data, year),
            "procurement": procurement_year(data, year),
            "partnerships": partnerships.number if partnerships else None,
            "partnership_value": data.number("SE08", "SEK", year),
        })
    return blocks


def forward_actions(data: ReportData) -> list[dict]:
    """Decisions in the action plan's last year or later that point beyond it (strategies, budgets,
    assignments)."""
    return [action_item(a) for a in data.actions
            if a["year"] >= PLAN_YEARS[1] and a["action_type"] in FORWARD_ACTIONS]


def review(data: ReportData) -> dict:
    """The review list now and what became of last year's leads (export.report_review_list)."""
    mine = data.candidates.get(data.code, {})
    county = data.candidates.get(data.region_code, {})
    this_year = data.review.get(data.code, {}).get(data.year, {})
    history = [h for y in data.years if (h := data.review.get(data.code, {}).get(y)) and h["leads"] is not None]
    rows = [[str(h["year"])] + [sv_number(h[k]) for k in ("leads", "leads_year_before", "added_to_register",
                                                            "deregistered", "still_on_list")] for h in history]
    table = {"caption": "Granskningslistan vid årets slut och vad som hände med föregående års organisationer",
             "numeric": {1, 2, 3, 4, 5}, "notes": None, "rows": rows,
             "headers": ["År", "På listan vid årets slut", "På listan året före", "Förda in i ett register",
                         "Avregistrerade", "Kvar på listan"]}
    return {"loaded": bool(mine.get("bulk_files_loaded")), "candidates": mine.get("candidates"),
            "county": county.get("candidates"), "unplaced": county.get("unplaced"),
            "year": this_year if this_year.get("leads") is not None else None, "table": table}


def procurement_change(data: ReportData) -> dict | None:
    """The share of procurements with social requirements this year against last year (SE07)."""
    now, before = data.number("SE07", "%", data.year), data.number("SE07", "%", data.year - 1)
    if now is None:
        return None
    return {"now": now, "before": before, "row": procurement_year(data, data.year)}


def follow_up_totals(data: ReportData) -> dict:
    """Procurements with requirements over all years, and how many were followed up."""
    rows = [r for r in data.procurements.values() if r["obs_status"] != "L" and r["year"] <= data.year]
    return {key: sum(r[key] or 0 for r in rows) for key in ("with_requirements", "followed_up", "not_followed_up",
                                                            "follow_up_unknown")}


def _series(data: ReportData, indicator: str, unit: str, code: str | None = None) -> tuple[float | None, ...]:
    return tuple(data.number(indicator, unit, y, code) for y in data.years)


def survival_label(period: str, breakdown_value: str) -> str:
    """A cohort's label: its start year and follow-up year; the pooled row names the start years it
    covers (first_year to last_year - 3), not its whole observation window."""
    first, last = (int(part) for part in period.split("-"))
    if breakdown_value == "pooled":
        return f"startår {first}–{last - 3}, vart och ett följt i tre år"
    return f"{first}–{last}"


def enterprises_part(data: ReportData) -> dict:
    labels, region = [str(y) for y in data.years], data.region_code
    per_10k = _series(data, "SE01", "per 10 000 inhabitants")
    if any(v is not None for v in per_10k):
        stock = line_chart("diagram-foretag", "Verksamma sociala företag per 10 000 invånare", labels,
                           [Series(data.name, per_10k),
                            Series(data.region_name, _series(data, "SE01", "per 10 000 inhabitants", region),
                                   dashed=True)],
                           unit_label="per 10 000 invånare", value_text=lambda v: sv_number(v, 1),
                           caption="Källa: kommunernas register över sociala företag; befolkning: SCB.")
    else:
        stock = line_chart("diagram-foretag", "Verksamma sociala företag (antal)", labels,
                           [Series(data.name, _series(data, "SE01", "count"))], unit_label="antal",
                           caption="Källa: kommunens register över sociala företag.")
    new = bar_chart("diagram-nystartade", "Nystartade sociala företag (antal)", labels,
                    [Series(data.name, _series(data, "SE02", "count"))], unit_label="antal",
                    caption="Källa: kommunens register över sociala företag.")
    notes = Notes()
    rows = [[str(y)] + [figure_cell(data.value(ind, unit, y, code), notes) for ind, unit, code in (
        ("SE01", "count", None), ("SE01", "per 10 000 inhabitants", None), ("SE02", "count", None),
        ("SE01", "count", region), ("SE01", "per 10 000 inhabitants", region), ("SE02", "count", region))]
        for y in data.years]
    table = {"caption": "Sociala företag per år", "numeric": set(range(1, 7)), "notes": notes, "rows": rows,
             "headers": ["År", f"Verksamma, {data.name}", "per 10 000 inv.", "Nystartade", "Verksamma, länet",
                         "per 10 000 inv.", "Nystartade, länet"]}
    return {"charts": [stock, new], "table": table, "survival": _survival(data)}


def _survival(data: ReportData) -> dict | None:
    """SE03 per cohort period and pooled over all cohorts, municipality and county."""
    notes = Notes()
    cells = sorted({(k[2], k[4], k[5]) for k in data.values
                    if k[0] == "SE03" and k[3] == "T" and k[6] == "%" and (k[4], k[5]) in SURVIVAL_CELLS
                    and int(k[2][-4:]) <= data.year})
    rows = [[survival_label(period, value)] + [
        figure_cell(data.value("SE03", "%", period, code, breakdown=breakdown, breakdown_value=value), notes,
                    nothing="inga nystartade") for code in (data.code, data.region_code)]
        for period, breakdown, value in sorted(cells, key=lambda c: (c[2] == "pooled", c[0]))]
    if not rows:
        return None
    return {"caption": "Överlevnad efter tre år (procent)", "numeric": {1, 2}, "notes": notes, "rows": rows,
            "headers": ["Startår – uppföljningsår", data.name, data.region_name]}


def support_part(data: ReportData) -> dict:
    y, region = data.year, data.region_code
    by_year = {year: support_totals(data, data.code, year) for year in data.years}
    if not any(by_year.values()):
        return {"delivered": False}
    series = [Series(label, tuple(by_year[year].get(need, 0.0) if by_year[year] else None for year in data.years))
              for need, label in NEED_LABELS.items()]
    chart = bar_chart("diagram-stod", "Stödinsatser per år efter behov (antal)", [str(v) for v in data.years],
                      series, unit_label="antal insatser", caption="Källa: kommunens register över stödinsatser.")
    notes = Notes()
    order = list(NEED_LABELS)
    mine = data.breakdown("SE10", "activities", y, "activity_type")
    rows = [[NEED_LABELS[NEED_OF_ACTIVITY[kind]], ACTIVITY_LABELS.get(kind, kind), figure_cell(found, notes),
             figure_cell(data.value("SE10", "enterprises", y, breakdown="activity_type", breakdown_value=kind), notes),
             figure_cell(data.value("SE10", "activities", y, region, breakdown="activity_type",
                                    breakdown_value=kind), notes)]
            for kind, found in sorted(mine.items(), key=lambda item: (order.index(NEED_OF_ACTIVITY[item[0]]), item[0]))
            if kind in NEED_OF_ACTIVITY]
    by_need = {"caption": f"Stödinsatser {y} efter behov och typ", "numeric": {2, 3, 4}, "notes": notes,
               "rows": rows, "headers": ["Behov", "Typ av insats", f"Insatser {y}", "Företag som fått stöd",
                                         f"Insatser i länet {y}"]}
    arranged = {"caption": "Stödinsatser per år efter vem som anordnade dem", "numeric": {1, 2, 3, 4},
                "notes": Notes(), "headers": ["År"] + [capitalized(v) for v in ARRANGER_LABELS.values()],
                "rows": [[str(year)] + [figure_cell(data.value("SE10", "activities", year, breakdown="arranger",
                                                               breakdown_value=kind))
                                        for kind in ARRANGER_LABELS] for year in data.years]}
    return {"delivered": True, "chart": chart, "by_need": by_need, "by_arranger": arranged}


def money_part(data: ReportData) -> dict:
    region, labels = data.region_code, [str(y) for y in data.years]
    charts = []
    share = _series(data, "SE04", "%")
    if any(v is not None for v in share) or any(v is not None for v in _series(data, "SE04", "%", region)):
        charts.append(line_chart("diagram-kop", "Köp från sociala företag, andel av kommunens köp (%)", labels,
                                 [Series(data.name, share),
                                  Series(data.region_name, _series(data, "SE04", "%", region), dashed=True)],
                                 unit_label="procent", value_text=sv_percent,
                                 caption="Källa: kommunernas leverantörsreskontra och register över sociala företag."))
    grants = _series(data, "SE09", "SEK")
    if any(v is not None for v in grants):
        charts.append(bar_chart("diagram-bidrag", "Bidrag till sociala företag (kronor)", labels,
                                [Series(data.name, grants)], unit_label="kronor", value_text=sv_sek,
                                caption="Källa: kommunens register över bidrag."))
    notes = Notes()
    rows = [[str(y)] + [figure_cell(data.value(ind, unit, y, code), notes) for ind, unit, code in (
        ("SE04", "SEK", None), ("SE04", "%", None), ("SE05", "count", None), ("SE09", "SEK", None),
        ("SE09", "count", None), ("SE04", "%", region))] for y in data.years]
    tables = [{"caption": "Köp och bidrag per år", "numeric": set(range(1, 7)), "notes": None, "rows": rows,
               "headers": ["År", "Köp från sociala företag", "Andel av alla köp", "Sociala företag som leverantörer",
                           "Bidrag", "Företag med bidrag", "Andel av alla köp, länet"]}]
    grant_types = data.breakdown("SE09", "SEK", data.year, "grant_type")
    if grant_types:
        tables.append({"caption": f"Bidrag {data.year} efter typ", "numeric": {1}, "notes": None,
                       "headers": ["Typ av bidrag", f"Belopp {data.year}"],
                       "rows": [[capitalized(GRANT_LABELS.get(k, k)), figure_cell(v, notes)]
                                for k, v in grant_types.items()]})
    tables[-1]["notes"] = notes
    return {"charts": charts, "tables": tables}


def procurement_part(data: ReportData) -> dict:
    region, notes = data.region_code, Notes()

    def count(year: int, key: str):
        row = data.procurements.get(year)
        return figure_cell(None) if row is None else (
            figure_cell(data.value("SE06", "count", year)) if row["obs_status"] == "L" else sv_number(row[key]))

    rows = [[str(y), figure_cell(data.value("SE06", "count", y), notes), figure_cell(data.value("SE06", "SEK", y), notes),
             figure_cell(data.value("SE07", "%", y), notes), count(y, "followed_up"), count(y, "not_followed_up"),
             figure_cell(data.value("SE06", "%", y, region), notes), figure_cell(data.value("SE07", "%", y, region), notes)]
            for y in data.years]
    return {"table": {"caption": "Reserverade upphandlingar, sociala krav och deras uppföljning",
                      "numeric": set(range(1, 8)), "notes": notes, "rows": rows,
                      "headers": ["År", "Reserverade", "Uppskattat värde", "Andel med sociala krav", "Kraven uppföljda",
                                  "Kraven inte uppföljda", "Andel reserverade, länet", "Andel med sociala krav, länet"]},
            "change": procurement_change(data), "totals": follow_up_totals(data)}


def partnership_part(data: ReportData) -> dict:
    notes = Notes()
    y = data.year
    tables = [{"caption": "Partnerskap per år", "numeric": {1, 2}, "notes": None,
               "headers": ["År", "Aktiva partnerskap", "Årligt belopp"],
               "rows": [[str(year), figure_cell(data.value("SE08", "count", year), notes),
                         figure_cell(data.value("SE08", "SEK", year), notes)] for year in data.years]}]
    by_type = data.breakdown("SE08", "count", y, "agreement_type")
    if by_type:
        tables.append({"caption": f"Partnerskap {y} efter typ", "numeric": {1, 2}, "notes": None,
                       "headers": ["Typ", f"Aktiva {y}", f"Årligt belopp {y}"],
                       "rows": [[capitalized(AGREEMENT_LABELS.get(k, k)), figure_cell(v, notes),
                                 figure_cell(data.value("SE08", "SEK", y, breakdown="agreement_type",
                                                        breakdown_value=k), notes)] for k, v in by_type.items()]})
    tables[-1]["notes"] = notes
    return {"tables": tables}


def work_context(data: ReportData) -> dict:
    """Everything the section shows, for ``templates/work.html.j2``."""
    actions_by_year = Counter(a["year"] for a in data.actions)
    return {"actions_delivered": delivered(data, "municipal_actions"), "years": year_blocks(data),
            "actions_by_year": actions_by_year, "forward": forward_actions(data), "plan_years": PLAN_YEARS,
            "enterprises": enterprises_part(data), "support": support_part(data), "money": money_part(data),
            "procurement": procurement_part(data), "partnerships": partnership_part(data), "review": review(data)}
