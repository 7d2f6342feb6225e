"""The delivery mistakes the demo seeds on purpose (a bad check digit, an unknown municipality code,
negative participants, a malformed date, a missing column, a duplicate, a corrected re-delivery), so
that every quarantine rule and supersession has work to do. They sit outside Lekeberg's story rows."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flows.config import Settings
from flows.demo.model import LEKEBERG, Demo, PlannedFile, make_org_nr, money, rng_for


@dataclass(frozen=True)
class SeededMistake:
    """A deliberate delivery mistake and what the pipeline is expected to do with it.

    ``expected_outcome``: ``quarantined`` (the row, under ``expected_rule``), ``rejected`` (the
    whole file), ``duplicate`` (the file is recorded but nothing loaded) or ``superseded`` (the file
    is replaced by ``related_path``, the later delivery for the same period).
    """

    kind: str
    path: str
    municipality_code: str
    dataset: str
    row_number: int | None  # 1-based data row, as in meta.quarantine.row_number
    column: str | None
    delivered_value: str | None
    expected_rule: str | None
    expected_outcome: str
    description: str
    related_path: str | None = None


def find_file(planned: list[PlannedFile], preferred: str, dataset_name: str,
              name_part: str = "") -> PlannedFile | None:
    """The file to spoil: in the preferred municipality if it delivers one, else in the first other
    municipality that does; never Lekeberg's, whose story must load intact."""
    candidates = [p for p in planned if p.dataset == dataset_name and p.municipality_code != LEKEBERG]
    ranked = sorted(candidates, key=lambda p: (p.municipality_code != preferred, name_part not in p.name, p.name))
    return ranked[0] if ranked else None


def editable(target: PlannedFile) -> list[dict]:
    """Give the file its own row copies, so spoiling a delivery never changes the registers."""
    target.rows = [dict(row) for row in target.rows]
    return target.rows


def seed_bad_check_digit(planned: list[PlannedFile], rng: random.Random, taken: set[str],
                         settings: Settings) -> SeededMistake | None:
    """A newly registered enterprise whose org nr was mistyped in the last digit."""
    target = find_file(planned, "1883", "enterprises")
    if target is None:
        return None
    good = make_org_nr(rng, "7", taken)
    bad = good[:9] + str((int(good[9]) + 1) % 10)
    place = settings.municipality(target.municipality_code).name
    rows = editable(target)
    rows.append({"org_nr": bad, "name": f"Nystartade Exempelkooperativet i {place} ek. för. (fiktivt)",
                 "municipality_code": target.municipality_code, "legal_form": "EK", "is_wise": True,
                 "criteria_assessed_on": None, "start_date": date(2025, 9, 1), "end_date": None, "sni": "88990",
                 "cooperation_started": None, "note": None})
    return SeededMistake("bad_org_nr_check_digit", target.path, target.municipality_code, "enterprises",
                         len(rows), "org_nr", bad, "org_nr:check_digit", "quarantined",
                         "A new enterprise's org nr has a wrong check digit (typo in the last digit).")


def seed_unknown_municipality(planned: list[PlannedFile], settings: Settings) -> SeededMistake | None:
    """A grant whose municipality code has two digits swapped (1861 -> 1816)."""
    target = find_file(planned, "1861", "grants")
    if target is None:
        return None
    code = target.municipality_code
    swapped = code[:2] + code[3] + code[2]
    wrong = swapped if swapped not in settings.municipality_codes else "1899"
    rows = editable(target)
    rows[0]["municipality_code"] = wrong
    return SeededMistake("unknown_municipality_code", target.path, code, "grants", 1, "municipality_code", wrong,
                         "municipality_code:known_municipality", "quarantined",
                         f"A grant row carries municipality code {wrong}, not a municipality of the county.")


def seed_negative_participants(planned: list[PlannedFile]) -> SeededMistake | None:
    """An open event whose participant count lost its sign to a minus (typed '-24')."""
    target = find_file(planned, "1882", "support_activities")
    if target is None:
        return None
    rows = editable(target)
    index = next((i for i, r in enumerate(rows) if r["org_nr"] is None), 0)
    rows[index]["participants"] = -abs(rows[index]["participants"])
    return SeededMistake("negative_participants", target.path, target.municipality_code, "support_activities",
                         index + 1, "participants", str(rows[index]["participants"]), "participants:range",
                         "quarantined", "A support activity reports a negative number of participants.")


def seed_malformed_date(planned: list[PlannedFile]) -> SeededMistake | None:
    """An agreement start date that is not a date at all (month 13, day 45)."""
    target = find_file(planned, "1884", "agreements")
    if target is None:
        return None
    rows = editable(target)
    rows[0]["start_date"] = "2023-13-45"
    return SeededMistake("malformed_date", target.path, target.municipality_code, "agreements", 1, "start_date",
                         "2023-13-45", "start_date:type", "quarantined",
                         "An agreement's start date is 2023-13-45, which is not a date.")


def seed_missing_column(planned: list[PlannedFile], years: range) -> SeededMistake | None:
    """A procurement file exported without its publication-date column: the file cannot be used."""
    target = find_file(planned, "1885", "procurements", name_part=str(years.stop - 3))
    if target is None:
        return None
    target.header_without = ("published_date",)
    # The reader raises MissingColumnError, which the intake records as a rejected file under this rule.
    return SeededMistake("missing_required_column", target.path, target.municipality_code, "procurements", None,
                         "published_date", None, "file:missing_column", "rejected",
                         "The file lacks the required column published_date.")


def seed_duplicate(planned: list[PlannedFile]) -> SeededMistake | None:
    """The same file delivered twice under another name (a copy left in the folder)."""
    target = find_file(planned, "1862", "placements")
    if target is None:
        return None
    name = Path(target.name)
    copy = PlannedFile(target.municipality_code, target.dataset, f"{name.stem}_kopia{name.suffix}", target.profile,
                       target.rows)
    planned.insert(planned.index(target) + 1, copy)
    return SeededMistake("duplicate_delivery", copy.path, copy.municipality_code, copy.dataset, None, None, None,
                         None, "duplicate", "An identical copy of a delivery under another name; loaded once.",
                         related_path=target.path)


def seed_corrected_redelivery(planned: list[PlannedFile], years: range) -> SeededMistake | None:
    """A monthly ledger with one amount keyed in ten times too large, and the correction delivered
    later for the same month (``..._rattelse``), which must replace it."""
    target = find_file(planned, "1881", "supplier_invoices", name_part=f"{years.stop - 1}-03")
    if target is None:
        return None
    name = Path(target.name)
    index = next((i for i, r in enumerate(target.rows) if r["nettobelopp"] > 0), None)
    if index is None:
        return None
    correction = PlannedFile(target.municipality_code, target.dataset, f"{name.stem}_rattelse{name.suffix}",
                             target.profile, target.rows)
    planned.insert(planned.index(target) + 1, correction)
    rows = editable(target)
    rows[index]["nettobelopp"] = money(rows[index]["nettobelopp"] * 10)
    return SeededMistake("corrected_redelivery", target.path, target.municipality_code, target.dataset,
                         index + 1, "nettobelopp", f'{rows[index]["nettobelopp"]:.2f}', None, "superseded",
                         f"One amount is ten times too large; {correction.name} corrects it and supersedes this file.",
                         related_path=correction.path)


def seed_mistakes(planned: list[PlannedFile], demo: Demo, settings: Settings) -> list[SeededMistake]:
    """Spoil a few deliveries the way real ones go wrong; each lands outside Lekeberg's story."""
    rng = rng_for(demo.seed, "mistakes")
    taken = {e.org_nr for e in demo.enterprises} | {s.org_nr for ss in demo.suppliers.values() for s in ss if s.org_nr}
    seeded = [seed_bad_check_digit(planned, rng, taken, settings), seed_unknown_municipality(planned, settings),
              seed_negative_participants(planned), seed_malformed_date(planned),
              seed_missing_column(planned, demo.years), seed_duplicate(planned),
              seed_corrected_redelivery(planned, demo.years)]
    return [mistake for mistake in seeded if mistake is not None]
