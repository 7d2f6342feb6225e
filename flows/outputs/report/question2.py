"""Section 3 (question 2): the cooperation with each enterprise the report follows by name -- its
agreements with goals, follow-up and both parties' assessment against the outcomes, the money
beside the agreed amounts (the difference explained or flagged), the enterprise's own development,
the timeline and the people in work integration -- and the municipality's "Att besluta" list."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from flows.outputs.report.charts import Series, bar_chart
from flows.outputs.report.data import ReportData, Value
from flows.outputs.report.decisions import decisions, overdue
from flows.outputs.report.html import sv_percent, sv_sek
from flows.outputs.report.labels import (
    AGREEMENT_LABELS,
    ASSESSMENT_LABELS,
    PLACEMENT_LABELS,
    RENEWAL_LABELS,
)
from flows.outputs.report.render import macro
from flows.outputs.report.text import Cell, Notes, figure_cell, signed_sek

# A year's payments on an agreement's account that differ from the agreed amount by more than this
# share are flagged for the council.
DEVIATION_SHARE = 0.10


def cooperations_of(data: ReportData) -> list[dict]:
    """The enterprise(s) the report follows by name, each with its timeline rows."""
    by_org: dict[str, list[dict]] = defaultdict(list)
    for row in data.timeline:
        by_org[row["org_nr"]].append(row)
    return [{"org_nr": org, "name": rows[0]["enterprise_name"], "cooperation_started": rows[0]["cooperation_started"],
             "rows": rows} for org, rows in sorted(by_org.items())]


def timeline_value(rows: list[dict], event_type: str, kind: str, period: str) -> Value | None:
    for r in rows:
        if r["event_type"] == event_type and r["event_kind"] == kind and r["period"] == period:
            return Value(r["value"], r["unit"], r["obs_status"], r["conf_status"], r["suppressed_reason"])
    return None


def placement_cells(rows: list[dict], period: str) -> dict[str, Value | None]:
    return {kind: timeline_value(rows, "placements", kind, period) for kind in PLACEMENT_LABELS}


def placement_period(rows: list[dict]) -> str | None:
    """The span of the placement totals over all years (``2022-2025``), if there are any."""
    return next((r["period"] for r in rows if r["event_type"] == "placements" and r["year"] is None), None)


def min_persons(data: ReportData) -> int:
    return int((data.run or {}).get("min_person_count") or 5)


def _number(rows: list[dict], event_type: str, kind: str, year: int) -> float | None:
    found = timeline_value(rows, event_type, kind, str(year))
    return found.number if found else None


def _grants_in(rows: list[dict], year: int) -> float:
    return sum(r["value"] for r in rows if r["event_type"] == "grant" and r["year"] == year and r["value"] is not None)


def in_force(agreement: dict, year: int) -> float:
    """The share of ``year`` the agreement was in force (0 to 1), for its pro rata value."""
    first, last = max(agreement["start_date"], date(year, 1, 1)), min(agreement["end_date"] or date(year, 12, 31),
                                                                     date(year, 12, 31))
    days = (last - first).days + 1
    return max(0, days) / ((date(year, 12, 31) - date(year, 1, 1)).days + 1)


def agreement_items(data: ReportData, agreements: list[dict]) -> list[dict]:
    """Each agreement with its goal, follow-up, both parties' assessment and renewal, in words."""
    reference = data.reference_date
    return [{"id": a["agreement_id"], "kind": AGREEMENT_LABELS.get(a["agreement_type"], a["agreement_type"]),
             "start": a["start_date"], "end": a["end_date"], "value": a["annual_value_sek"],
             "goal": a["goal_places_per_year"], "due": a["follow_up_due"], "done": a["followed_up_on"],
             "overdue": overdue(a, reference),
             "municipality": ASSESSMENT_LABELS.get(a["assessment_municipality"]),
             "counterpart": ASSESSMENT_LABELS.get(a["assessment_counterpart"]),
             "renewal": RENEWAL_LABELS.get(a["renewal"])} for a in agreements]


def goals_table(data: ReportData, rows: list[dict], agreements: list[dict], years: list[int], notes: Notes) -> dict:
    """The agreements' goal in work-integration places per year against the outcome: the persons who
    started a placement (the municipality's register) and the participants the enterprise reports."""
    goals = {y: sum(a["goal_places_per_year"] or 0 for a in agreements if in_force(a, y) > 0) for y in years}
    table_rows = [[str(y), str(goals[y]) if goals[y] else "–",
                   figure_cell(timeline_value(rows, "placements", "persons_started", str(y)), notes),
                   figure_cell(timeline_value(rows, "annual_report", "participants", str(y)), notes)] for y in years]
    period = placement_period(rows)
    if period:
        table_rows.append([period.replace("-", "–"), str(sum(goals.values())) if any(goals.values()) else "–",
                           figure_cell(timeline_value(rows, "placements", "persons_started", period), notes),
                           Cell("–", "num")])
    return {"caption": "Mål och utfall: platser i arbetsintegrering per år", "numeric": {1, 2, 3}, "notes": notes,
            "headers": ["År", "Mål enligt avtalen", "Började i arbetsintegrering", "Deltagare enligt företaget"],
            "rows": table_rows}


def payments_table(data: ReportData, org: str, rows: list[dict], agreements: list[dict], years: list[int]) -> dict:
    """Per year: the agreed amounts (pro rata for the part of the year each agreement was in force),
    the payments on the agreements' accounts, the difference, the payments on other accounts, and a
    verdict: within 10 %, or flagged; other payments explained by a procurement the enterprise won,
    or flagged."""
    accounts = {a["ledger_account"] for a in agreements if a["ledger_account"]}
    paid = defaultdict(lambda: defaultdict(float))
    for p in data.purchases_by_account:
        if p["org_nr"] == org:
            paid[p["year"]][p["konto_nr"] in accounts] += float(p["amount_sek"])
    won = sorted(r["event_date"] for r in rows if r["event_type"] == "procurement_awarded")
    table_rows, verdicts = [], []
    for y in years:
        if y not in paid and _number(rows, "purchases", "amount", y) is None:
            continue  # the ledger was not delivered: nothing to compare
        agreed = sum(float(a["annual_value_sek"] or 0) * in_force(a, y) for a in agreements)
        on_accounts, elsewhere = paid[y][True], paid[y][False]
        verdict = _verdict(y, agreed, on_accounts, elsewhere, won, bool(accounts))
        verdicts.append({"year": y, **verdict})
        table_rows.append([str(y), sv_sek(agreed), sv_sek(on_accounts), Cell(_difference(agreed, on_accounts), "num"),
                           sv_sek(elsewhere), macro("prose.html.j2", "verdict")(verdict, DEVIATION_SHARE)])
    return {"table": {"caption": "Köp jämfört med avtalen per år", "numeric": {1, 2, 3, 4}, "notes": None,
                      "headers": ["År", "Avtalat (för den del av året avtalen gällde)", "Köp på avtalens konton",
                                  "Skillnad", "Köp på andra konton", "Bedömning"], "rows": table_rows},
            "verdicts": verdicts, "accounts": sorted(accounts)}


def _difference(agreed: float, paid: float) -> str:
    diff = round(paid - agreed)
    if diff == 0:
        return sv_sek(0)
    return signed_sek(diff) + (f" ({sv_percent(100 * diff / agreed, 0)})" if agreed else "")


def _verdict(year: int, agreed: float, on_accounts: float, elsewhere: float, won: list[date],
             has_accounts: bool) -> dict:
    """What the year's payments say against the agreements (the template puts it in words)."""
    if not has_accounts:
        agreement = "no_account"
    elif agreed and abs(on_accounts - agreed) > DEVIATION_SHARE * agreed:
        agreement = "over" if on_accounts > agreed else "under"
    elif agreed:
        agreement = "matches"
    else:
        agreement = "no_agreement" if on_accounts else None
    before = [d for d in won if d.year <= year]
    other = None if elsewhere <= 0 else ("procurement" if before else "unexplained")
    return {"agreement": agreement, "other": other, "won_on": before[-1] if before else None,
            "flagged": agreement in ("over", "under", "no_agreement") or other == "unexplained"}


def development_table(rows: list[dict], years: list[int], notes: Notes) -> dict:
    """The enterprise's own annual-report figures per year; person counts as disclosure allows."""
    table_rows = []
    for y in years:
        turnover = _number(rows, "annual_report", "turnover", y)
        public = _number(rows, "annual_report", "revenue_public", y)
        municipal = _number(rows, "annual_report", "revenue_from_municipality", y)
        reported = timeline_value(rows, "annual_report", "turnover", str(y))
        if reported is None:
            continue  # no report for the year
        share = (lambda part: Cell(sv_percent(100 * part / turnover), "num") if part is not None and turnover
                 else Cell("uppgift saknas", "num missing"))
        table_rows.append([str(y), figure_cell(reported, notes), share(public),
                           figure_cell(timeline_value(rows, "annual_report", "revenue_from_municipality", str(y)), notes),
                           share(municipal),
                           figure_cell(timeline_value(rows, "annual_report", "employees", str(y)), notes),
                           figure_cell(timeline_value(rows, "annual_report", "participants", str(y)), notes)])
    return {"caption": "Företagets utveckling per år", "numeric": set(range(1, 7)), "notes": notes, "rows": table_rows,
            "headers": ["År", "Omsättning", "Andel från offentlig sektor", "Intäkter från kommunen",
                        "Andel från kommunen", "Anställda 31 december", "Deltagare i arbetsintegrering"]}


def development_summary(rows: list[dict], years: list[int]) -> dict | None:
    """First and last reported turnover, and the last year's shares, for the sentences."""
    reported = [(y, t) for y in years if (t := _number(rows, "annual_report", "turnover", y))]
    if not reported:
        return None
    (first, first_turnover), (last, last_turnover) = reported[0], reported[-1]
    public = _number(rows, "annual_report", "revenue_public", last)
    municipal = _number(rows, "annual_report", "revenue_from_municipality", last)
    return {"first": first, "first_turnover": first_turnover, "last": last, "last_turnover": last_turnover,
            "public_share": 100 * public / last_turnover if public is not None else None,
            "municipal_share": 100 * municipal / last_turnover if municipal is not None else None}


def enterprise_context(data: ReportData, enterprise: dict) -> dict:
    rows, org = enterprise["rows"], enterprise["org_nr"]
    years = sorted({r["year"] for r in rows if r["event_type"] == "purchases" and r["year"] is not None})
    labels = [str(y) for y in years]
    agreements = [a for a in data.agreements if a["org_nr"] == org]
    notes = Notes()
    money_chart = bar_chart(f"diagram-samarbete-{org}", "Kommunens köp och bidrag per år (kronor)", labels,
                            [Series("Köp", tuple(_number(rows, "purchases", "amount", y) for y in years)),
                             Series("Bidrag", tuple(_grants_in(rows, y) for y in years))],
                            unit_label="kronor", value_text=sv_sek,
                            caption="Källa: kommunens leverantörsreskontra och bidragsregister.")
    started = tuple(_number(rows, "placements", "persons_started", y) for y in years)
    people_chart = (bar_chart(f"diagram-personer-{org}", "Personer som började i arbetsintegrering per år", labels,
                              [Series("Började", started)], unit_label="personer",
                              caption="År där antalet är färre än fem personer, eller skulle kunna räknas fram, "
                                      "visas inte.") if any(v is not None for v in started) else None)
    money_notes, people_notes = Notes(), Notes()
    money = [[str(y), figure_cell(timeline_value(rows, "purchases", "amount", str(y)), money_notes),
              figure_cell(timeline_value(rows, "purchases", "share_of_all_purchases", str(y)), money_notes),
              figure_cell(Value(_grants_in(rows, y), "SEK"), money_notes)] for y in years]
    period = placement_period(rows)
    periods = labels + ([period] if period else [])
    people = [[p.replace("-", "–")] + [figure_cell(c, people_notes) for c in placement_cells(rows, p).values()]
              for p in periods]
    return {
        "name": enterprise["name"], "org": f"{org[:6]}-{org[6:]}", "org_nr": org,
        "started": next((r["event_date"] for r in rows if r["event_type"] == "enterprise_started"), None),
        "cooperation_started": enterprise["cooperation_started"], "min_persons": min_persons(data),
        "agreements": agreement_items(data, agreements),
        "goals": goals_table(data, rows, agreements, years, Notes()),
        "money_chart": money_chart, "people_chart": people_chart,
        "money": {"caption": "Kommunens pengar till företaget per år", "numeric": {1, 2, 3}, "notes": money_notes,
                  "headers": ["År", "Kommunens köp", "Andel av kommunens alla köp", "Bidrag"], "rows": money},
        "payments": payments_table(data, org, rows, agreements, years),
        "development": development_table(rows, years, notes),
        "development_summary": development_summary(rows, years),
        "timeline": [r for r in rows if r["event_date"] is not None],
        "people": {"caption": "Personer i arbetsintegrering i företaget per år", "numeric": set(range(1, 7)),
                   "notes": people_notes, "headers": ["År"] + list(PLACEMENT_LABELS.values()), "rows": people},
        "year_notes": [{"label": p.replace("-", "–"), "purchase": timeline_value(rows, "purchases", "amount", p),
                        "share": timeline_value(rows, "purchases", "share_of_all_purchases", p),
                        "grants": sum(r["value"] for r in rows if r["event_type"] == "grant" and r["period"] == p
                                      and r["value"]),
                        "cells": placement_cells(rows, p)} for p in periods],
    }


def cooperation_context(data: ReportData) -> dict:
    """Everything the section shows, for ``templates/cooperation.html.j2``."""
    others = [a for a in data.agreements if not a["is_named"]]
    return {"enterprises": [enterprise_context(data, c) for c in cooperations_of(data)],
            "agreements": agreement_items(data, others), "decisions": decisions(data)}
