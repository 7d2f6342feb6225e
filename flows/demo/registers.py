"""The embedded default: a deterministic, synthetic demo of every municipal register in the county.

Why it exists: ``make run`` must work with no municipality's real data and no network, and the
end-to-end tests need an inbox that exercises every publisher layout, every indicator SE01-SE15 of
``reference/domain.md`` §6 and every quarantine rule. Everything here is invented: names carry
"(fiktivt)", sole traders use only Skatteverket's official test personal identity numbers, and the
README written next to the files says so.

The story the demo tells: Lekebergs kommun (1814) started cooperating in 2022 with one fictional
work-integrating social enterprise (motion question Q2), and its own decisions and actions 2019-2025
are in ``flows/demo/actions.py``; the other municipalities give the county comparison (Q1). Seeded delivery mistakes (a bad check digit, an unknown municipality code...) sit
outside Lekeberg's story rows so the story survives validation intact.

Determinism: every random draw comes from ``random.Random`` seeded with a string built from the
seed, the municipality and the topic, so the same settings and seed give byte-identical files, and
changing one municipality's size does not reshuffle the others. No clock is read.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from flows.config import Settings
from flows.datasets import (
    ACTIVITY_TYPES,
    AGREEMENT_TYPES,
    BOOL,
    DATASETS,
    DATE,
    DECIMAL,
    GRANT_TYPES,
    INT,
    dataset,
)
from flows.demo.actions import (
    follow_up_agreements,
    follow_up_procurements,
    generate_actions,
)
from flows.demo.bulk import write_bulk_snapshots
from flows.demo.enterprises import enterprise_rows, generate_enterprises
from flows.demo.ledgers import generate_ledger
from flows.demo.model import (
    AGREEMENT_TEXT,
    AGREEMENT_WEIGHTS,
    ARRANGERS,
    DEFAULT_SIZE,
    LEKEBERG,
    OREBRO,
    PROCEDURES,
    PROCUREMENT_TITLES,
    REFERRERS,
    RESERVED_19_6A_FROM,
    SIZES,
    STORY_COOPERATION,
    STORY_ORG_NR,
    Demo,
    Enterprise,
    money,
    random_date,
    rng_for,
    scaled,
)
from flows.demo.snapshots import write_api_snapshots


def with_ids(rows: list[dict], id_column: str, prefix: str, code: str, date_column: str) -> list[dict]:
    """Sort rows by date and number them per year (``AVT-1814-2022-001``): ids as registers keep them."""
    rows = sorted(rows, key=lambda r: (r[date_column], r.get("org_nr") or "", r.get("title") or ""))
    counters: dict[int, int] = {}
    for row in rows:
        year = row[date_column].year
        counters[year] = counters.get(year, 0) + 1
        row[id_column] = f"{prefix}-{code}-{year}-{counters[year]:03d}"
    return [{id_column: r.pop(id_column), **r} for r in rows]


def agreement_row(rng: random.Random, enterprise: Enterprise, kind: str, years: range) -> dict | None:
    """One agreement with an enterprise inside its active life; None when the type cannot apply."""
    earliest = max(enterprise.start_date, date(years.start - 2, 1, 1))
    if kind == "reserved_19_6a":
        earliest = max(earliest, RESERVED_19_6A_FROM)
    latest = date(years.stop - 1, 11, 30) if enterprise.end_date is None else enterprise.end_date - timedelta(days=30)
    if earliest > latest:
        return None
    start = random_date(rng, earliest, latest)
    if enterprise.end_date is not None:
        end = enterprise.end_date
    else:
        end = start.replace(year=start.year + rng.randint(1, 4), day=min(start.day, 28)) if rng.random() < 0.5 else None
    value = money(round(rng.uniform(30000, 300000) if kind == "grant_agreement" else rng.uniform(50000, 900000), -3))
    return {"municipality_code": enterprise.municipality_code, "org_nr": enterprise.org_nr, "type": kind,
            "start_date": start, "end_date": end, "annual_value_sek": value,
            "description": f"{AGREEMENT_TEXT[kind]} (fiktivt)"}


def story_agreements() -> list[dict]:
    """Lekeberg's IOP from the start of the cooperation and bought work-training places from 2023."""
    return [
        {"municipality_code": LEKEBERG, "org_nr": STORY_ORG_NR, "type": "iop", "start_date": STORY_COOPERATION,
         "end_date": date(2025, 12, 31), "annual_value_sek": 350000.0,
         "description": "IOP om arbetsträning och lokalvård med Lekebergs Arbetsintegrerande Kooperativ (fiktivt)"},
        {"municipality_code": LEKEBERG, "org_nr": STORY_ORG_NR, "type": "work_training_places",
         "start_date": date(2023, 1, 1), "end_date": None, "annual_value_sek": 240000.0,
         "description": "Köp av åtta arbetsträningsplatser per år (fiktivt)"},
    ]


# Partnerships and reservations for idéburna organisations do not go to aktiebolag.
IDEBUREN_ONLY = {"iop", "reserved_19_6a", "grant_agreement"}


def fits(enterprise: Enterprise, kind: str) -> bool:
    """False for the agreement types an aktiebolag cannot have (IOP, 19:6a, grant agreements)."""
    return enterprise.legal_form != "AB" or kind not in IDEBUREN_ONLY


def generate_agreements(demo: Demo, code: str) -> None:
    """Agreements with about half the enterprises; Örebro first cycles through every type so the
    county has each of them (SE08 and the Q1 narrative need the full range)."""
    rng = rng_for(demo.seed, code, "agreements")
    forced = list(AGREEMENT_TYPES) if code == OREBRO else []
    candidates = [e for e in demo.of(code)
                  if not e.is_story and (e.end_date is None or e.end_date.year >= demo.years.start)]
    candidates.sort(key=lambda e: (e.end_date is not None, e.start_date))
    rows = [r for r in story_agreements() if r["start_date"].year in demo.years] if code == LEKEBERG else []
    for enterprise in candidates:
        if not forced and rng.random() > 0.5:
            continue
        kinds = [k for k in AGREEMENT_WEIGHTS if fits(enterprise, k)]
        kind = next((k for k in forced if fits(enterprise, k)), None) or \
            rng.choices(kinds, [AGREEMENT_WEIGHTS[k] for k in kinds])[0]
        if kind in forced:
            forced.remove(kind)
        row = (agreement_row(rng, enterprise, kind, demo.years)
               or agreement_row(rng, enterprise, "lou_contract", demo.years))
        if row is not None:
            rows.append(row)
    demo.add(code, "agreements", with_ids(rows, "agreement_id", "AVT", code, "start_date"))


def awarded(rng: random.Random, demo: Demo, code: str, day: date, reserved: str) -> str | None:
    """Winners as delivered: social enterprises for reserved contracts, otherwise 1-3 ordinary
    suppliers (now and then a social enterprise); blank while the award is pending (late in the year)."""
    social = [e.org_nr for e in demo.of(code) if e.is_wise and e.active_on(day)]
    if day.month == 12 and rng.random() < 0.5:
        return None
    if reserved != "none" or (social and rng.random() < 0.05):
        return rng.choice(social) if social else None
    ordinary = [s.org_nr for s in demo.suppliers[code] if s.org_nr and s.org_nr.startswith("5")]
    return "|".join(sorted(rng.sample(ordinary, min(len(ordinary), rng.randint(1, 3)))))


def procurement_row(rng: random.Random, demo: Demo, code: str, year: int, position: int) -> dict:
    """A procurement; Örebro's first two each year carry an employment requirement and social
    criteria, and reservations (4:18 any year, 19:6a from 2023) come at realistic low rates."""
    day = random_date(rng, date(year, 1, 10), date(year, 12, 15))
    value = money(round(rng.lognormvariate(14.0, 1.0), -3))
    draw = rng.random()
    reserved = "4_18" if draw < 0.07 else "19_6a" if draw < 0.11 and day >= RESERVED_19_6A_FROM else "none"
    if code == OREBRO and position == 0 and year in (demo.years.stop - 3, demo.years.stop - 1):
        reserved = "4_18" if year == demo.years.stop - 3 else "19_6a"
    procedure = "direktupphandling" if value < 700000 else rng.choice(PROCEDURES)
    return {"municipality_code": code, "published_date": day, "title": rng.choice(PROCUREMENT_TITLES),
            "estimated_value_sek": value, "procedure": procedure, "reserved": reserved,
            "employment_requirement": (code == OREBRO and position == 0) or rng.random() < 0.2,
            "social_criteria": (code == OREBRO and position == 1) or reserved != "none" or rng.random() < 0.3,
            "awarded_org_nrs": awarded(rng, demo, code, day, reserved)}


def story_procurements() -> list[dict]:
    """Lekeberg's procurements that reach the story enterprise or use social requirements (Q1, Q2)."""
    common = {"municipality_code": LEKEBERG, "procedure": "förenklat förfarande"}
    return [
        {**common, "published_date": date(2023, 3, 14),
         "title": "Lokalvård av fritidsgårdar med sysselsättningskrav",
         "estimated_value_sek": 900000.0, "reserved": "none", "employment_requirement": True,
         "social_criteria": False, "awarded_org_nrs": None},
        {**common, "published_date": date(2024, 2, 6),
         "title": "Lokalvård av kommunhuset",
         "estimated_value_sek": 1200000.0, "reserved": "4_18", "employment_requirement": False,
         "social_criteria": True, "awarded_org_nrs": STORY_ORG_NR},
        {**common, "published_date": date(2025, 4, 8), "title": "Skötsel av grönytor med sociala hänsyn",
         "estimated_value_sek": 750000.0, "reserved": "none", "employment_requirement": True,
         "social_criteria": True, "awarded_org_nrs": None},
    ]


def generate_procurements(demo: Demo, code: str, scale: float) -> None:
    """Two to fifteen procurements a year (by size), plus Lekeberg's story procurements."""
    rng = rng_for(demo.seed, code, "procurements")
    size = SIZES.get(code, DEFAULT_SIZE)
    rows = [r for r in story_procurements() if r["published_date"].year in demo.years] if code == LEKEBERG else []
    for year in demo.years:
        count = max(1, round(size.procurements_per_year * scale * rng.uniform(0.7, 1.3)))
        rows += [procurement_row(rng, demo, code, year, position) for position in range(count)]
    demo.add(code, "procurements", with_ids(rows, "procurement_id", "UPH", code, "published_date"))


# (grant type, probability per active enterprise and year, amount range in SEK)
GRANT_RULES = (("association_grant", 0.5, (10000, 80000)), ("project_grant", 0.15, (50000, 400000)),
               ("operating_grant", 0.25, (50000, 300000)), ("other", 0.05, (5000, 30000)))


def grant_rows_for(rng: random.Random, enterprise: Enterprise, year: int) -> list[dict]:
    """Grants an enterprise receives in a year: start grants in its first year, association grants
    for ideella föreningar, operating grants for WISEs, occasional project and other grants."""
    first, last = enterprise.window(year)
    rows = []

    def grant(kind: str, low: int, high: int) -> dict:
        return {"municipality_code": enterprise.municipality_code, "org_nr": enterprise.org_nr,
                "decision_date": random_date(rng, first, last), "amount_sek": money(round(rng.uniform(low, high), -2)),
                "grant_type": kind}

    if enterprise.start_date.year == year and rng.random() < 0.6:
        rows.append(grant("start_grant", 25000, 100000))
    for kind, probability, (low, high) in GRANT_RULES:
        eligible = {"association_grant": enterprise.legal_form == "I", "operating_grant": enterprise.is_wise}
        if eligible.get(kind, True) and rng.random() < probability:
            rows.append(grant(kind, low, high))
    return rows


def story_grants() -> list[dict]:
    """A start grant in 2022 and growing operating grants from 2023."""
    decisions = ((date(2022, 4, 20), 75000.0, "start_grant"), (date(2023, 2, 15), 100000.0, "operating_grant"),
                 (date(2024, 2, 14), 125000.0, "operating_grant"), (date(2025, 2, 12), 150000.0, "operating_grant"))
    return [{"municipality_code": LEKEBERG, "org_nr": STORY_ORG_NR, "decision_date": day, "amount_sek": amount,
             "grant_type": kind} for day, amount, kind in decisions]


def generate_grants(demo: Demo, code: str) -> None:
    """Grants per year; Örebro gets every grant type at least once so SE09's breakdown is complete."""
    rng = rng_for(demo.seed, code, "grants")
    rows = [r for r in story_grants() if r["decision_date"].year in demo.years] if code == LEKEBERG else []
    for year in demo.years:
        for enterprise in demo.of(code):
            if enterprise.active_in(year) and not enterprise.is_story:
                rows += grant_rows_for(rng, enterprise, year)
    if code == OREBRO:
        rows += missing_types(rng, demo, code, rows, "grant_type", GRANT_TYPES, extra_grant)
    demo.add(code, "grants", with_ids(rows, "grant_id", "BID", code, "decision_date"))


def extra_grant(rng: random.Random, enterprise: Enterprise, kind: str, day: date) -> dict:
    """A grant of a given type, used to fill a type the random draw missed."""
    return {"municipality_code": enterprise.municipality_code, "org_nr": enterprise.org_nr, "decision_date": day,
            "amount_sek": money(round(rng.uniform(20000, 150000), -2)), "grant_type": kind}


def missing_types(rng: random.Random, demo: Demo, code: str, rows: list[dict], column: str,
                  values: tuple[str, ...], make: Callable[[random.Random, Enterprise, str, date], dict]) -> list[dict]:
    """Rows that add each value of a value set the random draw happened to miss, so the demo
    always covers every type whatever the seed and scale."""
    present = {r[column] for r in rows}
    year = demo.years.stop - 2
    active = [e for e in demo.of(code) if e.active_in(year)]
    extra = []
    for kind in values:
        if kind not in present and active:
            enterprise = rng.choice(active)
            extra.append(make(rng, enterprise, kind, random_date(rng, *enterprise.window(year))))
    return extra


def open_event(rng: random.Random, code: str, year: int, kind: str) -> dict:
    """An event open to all social enterprises (no org nr), 4-45 participants."""
    return {"municipality_code": code, "date": random_date(rng, date(year, 1, 15), date(year, 12, 10)),
            "type": kind, "arranger": rng.choice(ARRANGERS), "org_nr": None, "participants": rng.randint(4, 45)}


def enterprise_activity(rng: random.Random, enterprise: Enterprise, year: int, kind: str) -> dict:
    """Advice or training given to one enterprise (1-3 participants from it)."""
    return {"municipality_code": enterprise.municipality_code, "date": random_date(rng, *enterprise.window(year)),
            "type": kind, "arranger": rng.choice(ARRANGERS), "org_nr": enterprise.org_nr,
            "participants": rng.randint(1, 3)}


def story_activities() -> list[dict]:
    """Support to the story enterprise in each of the four areas the action plan names."""
    visits = ((date(2022, 3, 22), "advice", "Näringslivsenheten", 2),
              (date(2022, 5, 10), "skills_training", "Coompanion Mälardalen", 3),
              (date(2022, 10, 4), "financing_advice", "Coompanion Mälardalen", 2),
              (date(2023, 4, 18), "marketing", "Region Örebro län", 2),
              (date(2024, 3, 12), "advice", "Näringslivsenheten", 1),
              (date(2024, 11, 5), "financing_advice", "Coompanion Mälardalen", 2),
              (date(2025, 5, 20), "marketing", "Region Örebro län", 2),
              (date(2025, 9, 16), "skills_training", "Arbetsmarknadsenheten", 4))
    return [{"municipality_code": LEKEBERG, "date": day, "type": kind, "arranger": arranger, "org_nr": STORY_ORG_NR,
             "participants": participants} for day, kind, arranger, participants in visits]


OPEN_EVENT_TYPES = ("networking", "procurement_training", "skills_training", "business_development")
ENTERPRISE_ACTIVITY_TYPES = ("advice", "business_development", "financing_advice", "marketing", "skills_training")


def generate_activities(demo: Demo, code: str, scale: float) -> None:
    """Open events every year (Örebro's first year runs through every type) and advice to about a
    third of the active enterprises."""
    rng = rng_for(demo.seed, code, "support")
    rows = [r for r in story_activities() if r["date"].year in demo.years] if code == LEKEBERG else []
    events_per_year = scaled(max(1, SIZES.get(code, DEFAULT_SIZE).enterprises // 4), scale)
    for year in demo.years:
        kinds = (list(ACTIVITY_TYPES) if code == OREBRO and year == demo.years.start
                 else rng.choices(OPEN_EVENT_TYPES, k=events_per_year))
        rows += [open_event(rng, code, year, kind) for kind in kinds]
        for enterprise in demo.of(code):
            if enterprise.active_in(year) and not enterprise.is_story and rng.random() < 0.3:
                rows.append(enterprise_activity(rng, enterprise, year, rng.choice(ENTERPRISE_ACTIVITY_TYPES)))
    demo.add(code, "support_activities", with_ids(rows, "activity_id", "AKT", code, "date"))


PLACEMENT_COLUMNS = ("referrer", "placement_type", "sex", "age_band", "persons_started", "persons_ended",
                     "ended_to_unsubsidised_work", "ended_to_subsidised_work", "ended_to_studies",
                     "participant_days")


AME, SOC, AF = "arbetsmarknadsenhet", "socialtjänst", "arbetsförmedlingen"


# Lekeberg's referrals to the story enterprise: small counts, so disclosure control has work to do.
STORY_PLACEMENTS = {
    2022: ((AME, "work_training", "K", "25-64", 2, 1, 0, 0, 0, 160), (AME, "work_training", "M", "25-64", 1, 0, 0, 0, 0, 70),
           (SOC, "work_training", "M", "16-24", 1, 0, 0, 0, 0, 45)),
    2023: ((AME, "work_training", "K", "25-64", 3, 2, 1, 0, 0, 420), (AME, "work_training", "M", "25-64", 2, 2, 0, 1, 0, 300),
           (SOC, "work_training", "M", "16-24", 2, 1, 0, 0, 1, 210), (SOC, "internship", "K", "16-24", 1, 1, 0, 0, 1, 60)),
    2024: ((AME, "work_training", "K", "25-64", 3, 3, 1, 1, 0, 510), (AME, "work_training", "M", "25-64", 3, 2, 1, 0, 0, 430),
           (SOC, "work_training", "K", "16-24", 2, 2, 0, 0, 1, 250), (AME, "subsidised_job", "M", "25-64", 1, 0, 0, 0, 0, 220),
           (AF, "work_training", "M", "25-64", 2, 1, 0, 1, 0, 260)),
    2025: ((AME, "work_training", "K", "25-64", 4, 3, 1, 1, 0, 600), (AME, "work_training", "M", "25-64", 3, 3, 1, 0, 1, 520),
           (SOC, "work_training", "K", "16-24", 2, 1, 0, 0, 1, 240), (SOC, "work_training", "M", "16-24", 2, 2, 1, 0, 0, 260),
           (AME, "subsidised_job", "M", "25-64", 1, 1, 1, 0, 0, 250), (AME, "unsubsidised_job", "K", "25-64", 1, 0, 0, 0, 0, 180)),
}


def story_placements(years: range) -> list[dict]:
    """``STORY_PLACEMENTS`` as placement rows of the reporting years."""
    return [{"municipality_code": LEKEBERG, "year": year, "org_nr": STORY_ORG_NR, **dict(zip(PLACEMENT_COLUMNS, cell))}
            for year, cells in STORY_PLACEMENTS.items() if year in years for cell in cells]


def placement_cell(rng: random.Random, big: bool) -> dict:
    """One aggregated cell: mostly 1-4 persons (suppressed on export), bigger in Örebro; outcomes
    never exceed the persons who ended."""
    started = rng.randint(5, 12) if big and rng.random() < 0.3 else rng.randint(1, 4)
    ended = max(0, min(started + 1, started - rng.randint(-1, 2)))
    unsubsidised = rng.randint(0, ended)
    subsidised = rng.randint(0, ended - unsubsidised)
    studies = rng.randint(0, ended - unsubsidised - subsidised)
    return {"referrer": rng.choices(REFERRERS, weights=(35, 20, 30, 10, 5))[0],
            "placement_type": rng.choices(("work_training", "internship", "subsidised_job", "unsubsidised_job"),
                                          weights=(55, 15, 20, 10))[0],
            "sex": rng.choice("KM"), "age_band": rng.choices(("16-24", "25-64", "65+"), weights=(30, 68, 2))[0],
            "persons_started": started, "persons_ended": ended, "ended_to_unsubsidised_work": unsubsidised,
            "ended_to_subsidised_work": subsidised, "ended_to_studies": studies,
            "participant_days": started * rng.randint(40, 180)}


PLACEMENT_KEY = ("year", "org_nr", "referrer", "placement_type", "sex", "age_band")


def generate_placements(demo: Demo, code: str) -> None:
    """Aggregated placements at the work-integrating enterprises, one to five cells a year each."""
    rng = rng_for(demo.seed, code, "placements")
    rows = story_placements(demo.years) if code == LEKEBERG else []
    seen = {tuple(r[k] for k in PLACEMENT_KEY) for r in rows}
    for year in demo.years:
        for enterprise in demo.of(code):
            if not enterprise.is_wise or enterprise.is_story or not enterprise.active_in(year):
                continue
            for _ in range(rng.randint(2, 5) if code == OREBRO else rng.randint(1, 3)):
                row = {"municipality_code": code, "year": year, "org_nr": enterprise.org_nr,
                       **placement_cell(rng, big=code == OREBRO)}
                key = tuple(row[k] for k in PLACEMENT_KEY)
                if key not in seen:
                    seen.add(key)
                    rows.append(row)
    demo.add(code, "placements", sorted(rows, key=lambda r: tuple(r[k] for k in PLACEMENT_KEY)))


def purchases_by_enterprise(demo: Demo, code: str) -> dict[tuple[str, int], float]:
    """Σ ledger postings per (supplier name, year): what the municipality paid each enterprise.
    Keyed by name, which is unique in the demo, because some ledgers show internal supplier ids."""
    totals: dict[tuple[str, int], float] = {}
    for row in demo.rows.get((code, "supplier_invoices"), []):
        key = (row["leverantor"], row["bokforingsdatum"].year)
        totals[key] = totals.get(key, 0.0) + row["nettobelopp"]
    return totals


def grants_by_enterprise(demo: Demo, code: str) -> dict[tuple[str, int], float]:
    """Σ grants per (org nr, year): part of the public revenue an enterprise reports."""
    totals: dict[tuple[str, int], float] = {}
    for row in demo.rows.get((code, "grants"), []):
        key = (row["org_nr"], row["decision_date"].year)
        totals[key] = totals.get(key, 0.0) + row["amount_sek"]
    return totals


# The story enterprise's own figures: (turnover, employees K, M, participants K, M, FTE).
STORY_REPORTS = {2022: (520000, 1, 1, 2, 2, 1.5), 2023: (1300000, 2, 1, 4, 4, 2.5),
                 2024: (1950000, 2, 2, 5, 6, 3.5), 2025: (2500000, 3, 2, 7, 7, 4.5)}


def report_row(rng: random.Random, enterprise: Enterprise, year: int, from_municipality: float,
               grants: float) -> dict:
    """One enterprise-year of self-reported figures, consistent with the ledger: revenue from the
    municipality is what the ledger paid (rounded), and public revenue is at least that plus grants."""
    if enterprise.is_story:
        turnover, emp_k, emp_m, part_k, part_m, fte = STORY_REPORTS[year]
        turnover = money(round(turnover * rng.uniform(0.97, 1.03), -3))
        public_share = 0.7
    else:
        turnover = money(round(rng.uniform(400000, 8000000 if enterprise.municipality_code == OREBRO else 3000000), -3))
        emp_k, emp_m, part_k, part_m = (rng.randint(0, 6) for _ in range(4))
        fte = round(rng.uniform(0.5, 1.0) * (emp_k + emp_m) + 0.5, 1)
        public_share = rng.uniform(0.3, 0.8)
    from_municipality = money(round(max(0.0, from_municipality)))
    public = max(money(round(turnover * public_share, -3)), money(from_municipality + grants))
    turnover = max(turnover, public)
    blank_municipality = not enterprise.is_story and rng.random() < 0.1
    return {"org_nr": enterprise.org_nr, "year": year, "turnover_sek": turnover, "revenue_public_sek": public,
            "revenue_from_municipality_sek": None if blank_municipality else from_municipality,
            "employees_k": emp_k, "employees_m": emp_m, "participants_k": part_k, "participants_m": part_m,
            "fte": fte, "participant_fte": participant_fte(enterprise, year, part_k + part_m)}


def participant_fte(enterprise: Enterprise, year: int, participants: int) -> float | None:
    """The participants' own full-time equivalents (0.3-0.9 of a full time each); one enterprise in
    five does not measure it. Its own draw, so the rest of the demo stays as it was."""
    draw = random.Random(f"participant-fte|{enterprise.org_nr}|{year}")
    if not enterprise.is_story and draw.random() < 0.2:
        return None
    return round(participants * draw.uniform(0.3, 0.9), 1)


def generate_annual_reports(demo: Demo, code: str) -> None:
    """Reports from the enterprises that consent, for each full year they were active."""
    rng = rng_for(demo.seed, code, "annual-reports")
    purchases, grants = purchases_by_enterprise(demo, code), grants_by_enterprise(demo, code)
    rows = []
    for enterprise in demo.of(code):
        if not enterprise.reports_annually:
            continue
        for year in demo.years:
            ended_in_year = enterprise.end_date is not None and enterprise.end_date.year <= year
            if enterprise.active_in(year) and not ended_in_year and (not enterprise.is_story or year in STORY_REPORTS):
                rows.append(report_row(rng, enterprise, year, purchases.get((enterprise.name, year), 0.0),
                                       grants.get((enterprise.org_nr, year), 0.0)))
    demo.add(code, "annual_reports", sorted(rows, key=lambda r: (r["year"], r["org_nr"])))


def build_demo(settings: Settings, seed: int = 42, scale: float = 1.0) -> Demo:
    """Generate every municipality's registers, in dependency order (ledger before annual reports)."""
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    years = range(settings.thresholds.first_year, settings.thresholds.last_year + 1)
    enterprises = generate_enterprises(settings, seed, scale, years)
    demo = Demo(seed=seed, years=years, enterprises=enterprises)
    taken = {e.org_nr for e in enterprises}
    for code in sorted(settings.municipality_codes):
        demo.add(code, "enterprises", enterprise_rows(demo.of(code)))
        generate_ledger(demo, settings, code, scale, taken)
        generate_agreements(demo, code)
        generate_procurements(demo, code, scale)
        generate_grants(demo, code)
        generate_activities(demo, code, scale)
        generate_placements(demo, code)
        generate_annual_reports(demo, code)
        generate_actions(demo, code)
        follow_up_agreements(demo, code)
        follow_up_procurements(demo, code)
    return demo


def to_frame(dataset_name: str, rows: list[dict]) -> pd.DataFrame:
    """Rows as a frame with exactly the dataset's canonical columns, in contract order and typed
    (dates as ``datetime.date``, money as float with two decimals, counts as nullable Int64)."""
    contract = dataset(dataset_name)
    frame = pd.DataFrame(rows, columns=[c.name for c in contract.delivered_columns])
    for column in contract.delivered_columns:
        if column.type == INT:
            frame[column.name] = frame[column.name].astype("Int64")
        elif column.type == DECIMAL:
            frame[column.name] = frame[column.name].astype("Float64")
        elif column.type == BOOL:
            frame[column.name] = frame[column.name].astype("boolean")
        elif column.type == DATE:
            frame[column.name] = frame[column.name].astype(object)
        else:
            frame[column.name] = frame[column.name].astype(object).where(frame[column.name].notna(), None)
    return frame


def generate_registers(settings: Settings, seed: int = 42, scale: float = 1.0) -> dict[tuple[str, str], pd.DataFrame]:
    """Canonical frames per (kommunkod, dataset) for every configured municipality and dataset.

    ``scale`` multiplies the number of enterprises, suppliers, postings and procurements (1.0 is the
    demo, about 75 enterprises in the county; about 7 gives the county bench scale of ~500).
    """
    demo = build_demo(settings, seed, scale)
    return {(code, name): to_frame(name, demo.rows.get((code, name), []))
            for code in sorted(settings.municipality_codes) for name in DATASETS}


def bulk_enterprises(demo: Demo) -> list[dict]:
    """The registers' enterprises as the bulk-file writer wants them (postal address, deregistration)."""
    return [{"org_nr": e.org_nr, "name": e.name, "legal_form": e.legal_form, "start_date": e.start_date,
             "end_date": e.end_date, "end_reason": e.end_reason, "postnummer": e.postnummer,
             "postort": e.postort, "sni": e.sni} for e in sorted(demo.enterprises, key=lambda e: e.org_nr)]


def write_demo_snapshots(settings: Settings, out_dir: Path, seed: int = 42, *, scale: float = 1.0) -> None:
    """Write the recorded Kolada/SCB answers and the Bolagsverket/SCB bulk files for offline runs,
    the bulk files holding the same enterprises as the demo registers (so survival and legal form
    join up)."""
    demo = build_demo(settings, seed, scale)
    write_api_snapshots(Path(out_dir), settings, seed)
    write_bulk_snapshots(Path(out_dir), bulk_enterprises(demo), seed)
