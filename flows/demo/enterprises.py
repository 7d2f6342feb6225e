"""The demo's registers of social enterprises: start and end dates, legal forms, WISE status and
cooperation dates, with the Lekeberg story enterprise fixed."""

from __future__ import annotations

import random
from datetime import date, timedelta

from flows.config import Settings
from flows.demo.model import (
    DEFAULT_SIZE,
    LEGAL_FORMS,
    LEKEBERG,
    OREBRO,
    POSTAL,
    SIZES,
    SNI_CODES,
    STORY_NAME,
    STORY_ORG_NR,
    STORY_START,
    Enterprise,
    enterprise_name,
    make_org_nr,
    random_date,
    rng_for,
    scaled,
    story_enterprise,
)


def start_years(rng: random.Random, code: str, count: int, years: range) -> list[int]:
    """Start years 2005-2025. Örebro gets one start in each of the last ten years (survival cohorts
    and new enterprises every year); Lekeberg's others avoid 2022, the story enterprise's year."""
    forced = list(range(years.stop - 10, years.stop)) if code == OREBRO else []
    pool = [y for y in range(2005, years.stop) if not (code == LEKEBERG and y == STORY_START.year)]
    return (forced + [rng.choice(pool) for _ in range(count)])[:count]


def ending(rng: random.Random, start: date, years: range) -> tuple[date | None, str | None]:
    """About one in five enterprises that started before the last two years has ended since."""
    if start.year > years.stop - 3 or rng.random() > 0.22:
        return None, None
    first = date(max(start.year + 1, years.start), 1, 1)
    end = random_date(rng, first, date(years.stop - 1, 12, 15))
    return end, rng.choices(("KKAV", "LIAV", "AVREG"), weights=(3, 4, 3))[0]


def generated_enterprise(rng: random.Random, code: str, place: str, start_year: int, years: range,
                         taken: set[str], names: set[str]) -> Enterprise:
    """A random enterprise: mostly ekonomiska föreningar, four in five WISEs, a few that ended."""
    legal_form, first_digit = rng.choices([(f, d) for f, d, _ in LEGAL_FORMS],
                                          weights=[w for _, _, w in LEGAL_FORMS])[0]
    latest = date(start_year, 10, 31) if start_year == years.stop - 1 else date(start_year, 12, 31)
    start = random_date(rng, date(start_year, 1, 1), latest)
    end, reason = ending(rng, start, years)
    is_wise = rng.random() < 0.8
    assessed = (random_date(rng, start, min(start + timedelta(days=700), date(years.stop - 1, 12, 1)))
                if is_wise or rng.random() < 0.5 else None)
    cooperation_date = cooperation(rng, code, start, end, years)
    prefix, town = POSTAL.get(code, ("700", place.upper()))
    return Enterprise(
        org_nr=make_org_nr(rng, first_digit, taken), name=enterprise_name(rng, legal_form, place, names),
        municipality_code=code, legal_form=legal_form, is_wise=is_wise, criteria_assessed_on=assessed,
        start_date=start, end_date=end, end_reason=reason, sni=rng.choice(SNI_CODES),
        cooperation_started=cooperation_date,
        note=None if is_wise else "Uppfyller strategins tre kännetecken men inte ASF-kriterierna",
        postnummer=f"{prefix}{rng.randint(10 ** (4 - len(prefix)), 10 ** (5 - len(prefix)) - 1)}",
        postort=town, reports_annually=rng.random() < 0.75, sells_to_municipality=rng.random() < 0.7)


def cooperation(rng: random.Random, code: str, start: date, end: date | None, years: range) -> date | None:
    """About a third cooperate with their municipality from some date in the reporting years; in
    Lekeberg only before 2022, so the story enterprise is the one cooperation started in 2022."""
    last = date(years.stop - 1, 12, 31) if end is None else end - timedelta(days=1)
    if code == LEKEBERG:
        last = min(last, date(STORY_START.year - 1, 12, 31))
    first = max(start, date(years.start, 1, 1))
    if first > last or rng.random() > 0.35:
        return None
    return random_date(rng, first, last)


def force_orebro_endings(enterprises: list[Enterprise], years: range) -> None:
    """Guarantee the survival indicator has work: one early bankruptcy and one mid-year ending."""
    by_year = {e.start_date.year: e for e in enterprises}
    cases = ((years.start - 1, date(years.start + 1, 11, 13), "KKAV"),
             (years.start - 2, date(years.start + 4, 6, 30), "LIAV"))
    for start_year, end, reason in cases:
        enterprise = by_year.get(start_year)
        if enterprise is not None:
            enterprise.end_date, enterprise.end_reason = end, reason
            if enterprise.cooperation_started and enterprise.cooperation_started >= end:
                enterprise.cooperation_started = None


def generate_enterprises(settings: Settings, seed: int, scale: float, years: range) -> list[Enterprise]:
    """All fictional social enterprises of the county, municipality by municipality (sorted codes)."""
    taken: set[str] = {STORY_ORG_NR}
    names: set[str] = {STORY_NAME}
    result: list[Enterprise] = []
    for code in sorted(settings.municipality_codes):
        rng = rng_for(seed, code, "enterprises")
        place = settings.municipality(code).name
        count = scaled(SIZES.get(code, DEFAULT_SIZE).enterprises, scale, minimum=2)
        own = [story_enterprise()] if code == LEKEBERG else []
        for start_year in start_years(rng, code, count - len(own), years):
            own.append(generated_enterprise(rng, code, place, start_year, years, taken, names))
        if code == OREBRO:
            force_orebro_endings(own, years)
        result.extend(own)
    return result


def enterprise_rows(enterprises: list[Enterprise]) -> list[dict]:
    """The register rows the municipalities deliver (without the bulk-file facts)."""
    return [{"org_nr": e.org_nr, "name": e.name, "municipality_code": e.municipality_code,
             "legal_form": e.legal_form, "is_wise": e.is_wise, "criteria_assessed_on": e.criteria_assessed_on,
             "start_date": e.start_date, "end_date": e.end_date, "sni": e.sni,
             "cooperation_started": e.cooperation_started, "note": e.note} for e in enterprises]
