"""The summary: key figures, and the short answers to the motion's questions (or, in a general
report, the same points without the motion)."""

from __future__ import annotations

from flows.outputs.report.data import ReportData
from flows.outputs.report.labels import NEED_LABELS
from flows.outputs.report.question1 import (
    action_item,
    arrangers,
    delivered,
    follow_up_totals,
    forward_actions,
    procurement_change,
    review,
    support_totals,
)
from flows.outputs.report.question2 import (
    agreement_items,
    cooperations_of,
    development_summary,
    placement_cells,
    placement_period,
    timeline_value,
)
from flows.outputs.report.text import change_word, figure_cell


def _card(label: str, when: str, found) -> dict:
    cell = figure_cell(found)
    return {"label": label, "when": when, "text": cell.text, "css": cell.css}


def summary_context(data: ReportData, decisions: dict) -> dict:
    y = data.year
    cards = [_card("Verksamma sociala företag", f"vid utgången av {y}", data.value("SE01", "count", y)),
             _card("Nystartade sociala företag", f"under {y}", data.value("SE02", "count", y)),
             _card("Stödinsatser för sociala företag", f"under {y}", data.value("SE10", "activities", y)),
             _card("Kommunens köp från sociala företag", f"under {y}", data.value("SE04", "SEK", y))]
    enterprises = []
    for enterprise in cooperations_of(data):
        rows = enterprise["rows"]
        cards.append(_card(f"Köp från {enterprise['name']}", f"under {y}",
                           timeline_value(rows, "purchases", "amount", str(y))))
        years = sorted({r["year"] for r in rows if r["event_type"] == "purchases" and r["year"] is not None})
        purchases = [(r["year"], r["value"]) for r in rows if r["event_type"] == "purchases"
                     and r["event_kind"] == "amount" and r["year"] is not None and r["value"] is not None]
        grants = [r["value"] for r in rows if r["event_type"] == "grant" and r["value"] is not None]
        period = placement_period(rows)
        enterprises.append({
            "name": enterprise["name"], "cooperation_started": enterprise["cooperation_started"],
            "agreements": agreement_items(data, [a for a in data.agreements if a["org_nr"] == enterprise["org_nr"]]),
            "purchases": purchases, "grants": grants,
            "period": period.replace("-", "–") if period else None,
            "cells": placement_cells(rows, period) if period else None,
            "development": development_summary(rows, years)})
    totals = support_totals(data, data.code, y)
    return {
        "cards": cards, "year": y,
        "stock": data.number("SE01", "count", y), "stock_value": data.value("SE01", "count", y),
        "change": change_word(data.number("SE01", "count", y), data.number("SE01", "count", y - 1), y - 1),
        "per_10k": data.number("SE01", "per 10 000 inhabitants", y),
        "per_10k_county": data.number("SE01", "per 10 000 inhabitants", y, data.region_code),
        "new": data.number("SE02", "count", y),
        "actions_delivered": delivered(data, "municipal_actions"),
        "actions": [action_item(a) for a in data.actions if a["year"] == y],
        "activities": totals.get("total"), "arrangers": arrangers(data, y),
        "needs": [(label.lower(), totals[need]) for need, label in NEED_LABELS.items() if totals.get(need)],
        "purchases": data.value("SE04", "SEK", y), "purchase_share": data.value("SE04", "%", y),
        "grants": data.value("SE09", "SEK", y),
        "reserved": data.number("SE06", "count", y), "procurement": procurement_change(data),
        "follow_up": follow_up_totals(data),
        "partnerships": data.number("SE08", "count", y), "partnership_value": data.number("SE08", "SEK", y),
        "review": review(data), "forward": forward_actions(data),
        "enterprises": enterprises, "decisions": decisions,
    }
