"""The municipality's own actions (``municipal_actions``) and the follow-up of agreements and
procurements: the Lekeberg story 2019-2025 and a few actions a year elsewhere in the county.

The Lekeberg story, as the registers tell it: a mapping assignment and a first dialogue with civil
society (2019), a policy for cooperation with the idéburen sector (2020), a procurement guideline
with social requirements and money for a partnership in the 2022 budget (2021), the IOP with the
work-integrating cooperative (2022), bought work-training places (2023), a reserved procurement of
cleaning and a first follow-up of the IOP (2024), the 2026 budget and an assignment to draw up a
local plan for the years after the regional action plan, so far without a responsible unit (2025).
The IOP ends on 31 December 2025 with no decision on what comes next, and the follow-up of the
work-training agreement is overdue: the report's "Att besluta" list.

Every draw comes from its own seeded stream, so adding these columns left the rest of the demo as it
was. Ljusnarsberg (1864) keeps no register of its actions: its reports show it as not delivered.
"""

from __future__ import annotations

from datetime import date, timedelta

from flows.datasets import (
    ACTION_PLAN_AREAS,
    ACTION_TYPES,
    ASSESSMENTS,
    RESPONSIBLE_UNITS,
)
from flows.demo.model import LEKEBERG, STORY_ORG_NR, Demo, money, random_date, rng_for

# Municipalities that keep no register of their own actions (the demo's "not delivered" case).
NO_ACTION_REGISTER = {"1864"}

# (date, decision body, diarienummer, type, title, responsible unit, budget SEK, action-plan area)
STORY_ACTIONS = (
    (date(2019, 4, 16), "ks", "KS 2019/88", "staff_assignment", "Uppdrag att kartlägga sociala företag i kommunen",
     "business_development", None, "AP1"),
    (date(2019, 10, 2), "administration", None, "dialogue_meeting",
     "Dialogmöte med civilsamhället om sociala företag", "business_development", None, "AP3"),
    (date(2020, 6, 16), "kf", "KF 2020/45", "policy_strategy", "Policy för samverkan med den idéburna sektorn",
     "municipal_management", None, "AP2c"),
    (date(2021, 3, 9), "ks", "KS 2021/31", "procurement_guideline",
     "Riktlinje för sociala hänsyn och reserverad upphandling", "procurement", None, "AP2c"),
    (date(2021, 11, 22), "kf", "KF 2021/112", "budget_decision", "Budget 2022: medel för ett idéburet partnerskap",
     "municipal_management", 350000.0, "AP2a"),
    (date(2022, 8, 23), "ks", "KS 2022/76", "agreement_decision", "IOP om arbetsträning och lokalvård",
     "labour_market", 350000.0, "AP2a"),
    (date(2022, 11, 8), "administration", None, "network_meeting", "Nätverksträff för sociala företag med Coompanion",
     "business_development", 15000.0, "AP3"),
    (date(2023, 1, 17), "ks", "KS 2023/9", "agreement_decision", "Köp av arbetsträningsplatser",
     "labour_market", 240000.0, "AP2c"),
    (date(2023, 9, 12), "administration", None, "dialogue_meeting", "Dialogmöte om upphandling med sociala företag",
     "procurement", None, "AP2d"),
    (date(2024, 1, 30), "ks", "KS 2024/14", "procurement_guideline", "Reserverad upphandling av lokalvård",
     "procurement", None, "AP2d"),
    (date(2024, 5, 14), "administration", None, "lead_review", "Genomgång av granskningslistan",
     "business_development", None, "AP1"),
    (date(2024, 10, 1), "ks", "KS 2024/102", "follow_up", "Uppföljning av partnerskapet 2022-2024",
     "labour_market", None, "AP2a"),
    (date(2025, 4, 22), "kf", "KF 2025/33", "budget_decision", "Budget 2026: fortsatt stöd till sociala företag",
     "municipal_management", 400000.0, "AP2b"),
    (date(2025, 11, 25), "ks", "KS 2025/141", "staff_assignment",
     "Uppdrag: lokal plan för social ekonomi 2026-2029", None, None, "AP2a"),
)

# The story's two agreements, followed up: the IOP (ends with no decision on renewal) and the
# work-training places (open-ended, follow-up overdue). Keyed by agreement type.
STORY_FOLLOW_UP = {
    "iop": {"goal_places_per_year": 6, "ledger_account": "46120",
            "goals": "Arbetsträning för personer långt från arbetsmarknaden och lokalvård i kommunens lokaler (fiktivt)",
            "follow_up_due": date(2025, 10, 31), "followed_up_on": date(2025, 11, 12),
            "assessment_municipality": "partly", "assessment_counterpart": "on_track",
            "assessment_text": "Fler deltagare än målet men färre går vidare till arbete än väntat (fiktivt)",
            "renewal": None},
    "work_training_places": {"goal_places_per_year": 8, "ledger_account": "46120",
                             "goals": "Åtta arbetsträningsplatser per år (fiktivt)",
                             "follow_up_due": date(2025, 6, 30), "followed_up_on": None,
                             "assessment_municipality": None, "assessment_counterpart": None,
                             "assessment_text": None, "renewal": None},
}

# Lekeberg's procurements with requirements and whether they were followed up, by publication date.
STORY_PROCUREMENT_FOLLOW_UP = {date(2023, 3, 14): True, date(2024, 2, 6): True, date(2025, 4, 8): None}


def story_actions() -> list[dict]:
    return [{"municipality_code": LEKEBERG, "decision_date": day, "decision_body": body, "diarienummer": number,
             "action_type": kind, "title": f"{title} (fiktivt)", "description": None, "responsible_unit": unit,
             "budget_sek": budget, "action_plan_area": area, "link": None}
            for day, body, number, kind, title, unit, budget, area in STORY_ACTIONS]


def action_row(rng, code: str, year: int, number: int) -> dict:
    """One invented action: mostly meetings and assignments, now and then a decision with a budget;
    about one in eight names no responsible unit."""
    kind = rng.choices(ACTION_TYPES, weights=(1, 2, 1, 4, 4, 2, 3, 1, 2, 1))[0]
    body = {"policy_strategy": "kf", "budget_decision": "kf", "procurement_guideline": "ks",
            "agreement_decision": "ks"}.get(kind, rng.choice(("ks", "committee", "administration")))
    decided = body in ("kf", "ks", "committee")
    return {"municipality_code": code, "decision_date": random_date(rng, date(year, 1, 15), date(year, 12, 10)),
            "decision_body": body,
            "diarienummer": f"{ {'kf': 'KF', 'ks': 'KS'}.get(body, 'SN')} {year}/{number}" if decided else None,
            "action_type": kind, "title": "Åtgärd för sociala företag (fiktivt)", "description": None,
            "responsible_unit": None if rng.random() < 0.12 else rng.choice(RESPONSIBLE_UNITS),
            "budget_sek": money(round(rng.uniform(20000, 500000), -3)) if kind in ("budget_decision",
                                                                                 "agreement_decision") else None,
            "action_plan_area": rng.choice(ACTION_PLAN_AREAS), "link": None}


def generate_actions(demo: Demo, code: str) -> None:
    """Lekeberg's story; elsewhere zero to three actions a year (none where no register is kept)."""
    if code in NO_ACTION_REGISTER:
        return
    rng = rng_for(demo.seed, code, "municipal-actions")
    if code == LEKEBERG:
        rows = [r for r in story_actions() if r["decision_date"].year in demo.years]
    else:
        rows = [action_row(rng, code, year, 10 + i) for year in demo.years for i in range(rng.randint(0, 3))]
    rows.sort(key=lambda r: (r["decision_date"], r["action_type"]))
    numbered = [{"action_id": f"ATG-{code}-{r['decision_date'].year}-{n:03d}", **r} for n, r in enumerate(rows, 1)]
    demo.add(code, "municipal_actions", numbered)


def follow_up_agreements(demo: Demo, code: str) -> None:
    """Goals, follow-ups and renewal decisions on the agreements already generated (their own stream)."""
    rng = rng_for(demo.seed, code, "agreement-follow-up")
    last = date(demo.years.stop - 1, 12, 31)
    for row in demo.rows.get((code, "agreements"), []):
        if row["org_nr"] == STORY_ORG_NR:
            row.update(STORY_FOLLOW_UP[row["type"]])
            continue
        due = row["start_date"] + timedelta(days=365)
        done = due <= last and rng.random() < 0.6
        ending = row["end_date"] is not None and row["end_date"] <= last + timedelta(days=365)
        row.update({
            "goal_places_per_year": rng.randint(2, 10) if row["type"] in ("iop", "work_training_places") else None,
            "goals": None, "ledger_account": "46120" if rng.random() < 0.5 else None,
            "follow_up_due": due if rng.random() < 0.7 else None,
            "followed_up_on": random_date(rng, due, min(due + timedelta(days=60), last)) if done else None,
            "assessment_municipality": rng.choice(ASSESSMENTS) if done else None,
            "assessment_counterpart": rng.choice(ASSESSMENTS) if done and rng.random() < 0.7 else None,
            "assessment_text": None,
            "renewal": rng.choice(("extend", "replace", "end", "under_review")) if ending and rng.random() < 0.5
            else None})


def follow_up_procurements(demo: Demo, code: str) -> None:
    """Whether the social requirements of each procurement that had them were followed up."""
    rng = rng_for(demo.seed, code, "procurement-follow-up")
    for row in demo.rows.get((code, "procurements"), []):
        if not (row["employment_requirement"] or row["social_criteria"]):
            row["requirements_followed_up"] = None
        elif code == LEKEBERG and row["published_date"] in STORY_PROCUREMENT_FOLLOW_UP:
            row["requirements_followed_up"] = STORY_PROCUREMENT_FOLLOW_UP[row["published_date"]]
        elif row["published_date"].year >= demo.years.stop - 1:
            row["requirements_followed_up"] = None  # too early to tell
        else:
            row["requirements_followed_up"] = rng.choices((True, False, None), weights=(6, 3, 1))[0]
