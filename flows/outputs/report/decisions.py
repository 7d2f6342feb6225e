"""The "Att besluta" list: what the council has to decide or see done, from the municipality's own
registers -- agreements that end within twelve months (with what is decided about their renewal),
follow-ups that are overdue, and actions that name no responsible unit.

Everything is counted from the report's reference day (``ReportData.reference_date``: the end of
the report's year, or the run's day if that is earlier)."""

from __future__ import annotations

from datetime import date, timedelta

from flows.outputs.report.data import ReportData
from flows.outputs.report.labels import (
    ACTION_LABELS,
    AGREEMENT_LABELS,
    DECISION_BODY_LABELS,
    RENEWAL_LABELS,
)

HORIZON = timedelta(days=365)  # "within twelve months"


def overdue(agreement: dict, reference: date) -> bool:
    """A follow-up that was due before the reference day and has not been made since it fell due."""
    due, done = agreement["follow_up_due"], agreement["followed_up_on"]
    return due is not None and due < reference and (done is None or done < due)


def _agreement(a: dict) -> dict:
    return {"id": a["agreement_id"], "kind": AGREEMENT_LABELS.get(a["agreement_type"], a["agreement_type"]),
            "name": a["enterprise_name"], "end": a["end_date"], "due": a["follow_up_due"], "done": a["followed_up_on"],
            "renewal": RENEWAL_LABELS.get(a["renewal"])}


def decisions(data: ReportData) -> dict:
    """The three lists, and whether the registers they come from were delivered."""
    reference = data.reference_date
    delivered = {r["dataset"] for r in data.quality if r["delivered"]}
    in_year = [a for a in data.agreements if a["end_date"] is None or a["end_date"] >= date(data.year, 1, 1)]
    ending = [_agreement(a) for a in in_year
              if a["end_date"] is not None and reference <= a["end_date"] <= reference + HORIZON]
    late = [_agreement(a) for a in in_year if overdue(a, reference)]
    unowned = [{"date": a["decision_date"], "kind": ACTION_LABELS.get(a["action_type"], a["action_type"]),
                "body": DECISION_BODY_LABELS.get(a["decision_body"], ""), "diarienummer": a["diarienummer"]}
               for a in data.actions if a["responsible_unit"] is None]
    return {"reference": reference, "horizon_end": reference + HORIZON, "ending": ending, "overdue": late,
            "unowned": unowned, "agreements_delivered": "agreements" in delivered,
            "actions_delivered": "municipal_actions" in delivered,
            "count": len(ending) + len(late) + len(unowned)}
