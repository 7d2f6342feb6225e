"""The embedded default: a deterministic, synthetic demo of every municipal register in the county.

Why it exists: ``make run`` must work with no municipality's real data and no network, and the
end-to-end tests need an inbox that exercises every publisher layout, every indicator SE01-SE15 of
``reference/domain.md`` §6 and every quarantine rule. Everything here is invented: names carry
"(fiktivt)", sole traders use only Skatteverket's official test personal identity numbers, and the
README written next to the files says so.

The story the demo tells: Lekebergs kommun (1814) started cooperating in 2022 with one fictional
work-integrating social enterprise (motion question Q2); the other municipalities give the county
comparison (Q1). Seeded delivery mistakes (a bad check digit, an unknown municipality code...) sit
outside Lekeberg's story rows so the story survives validation intact.

Determinism: every random draw comes from ``random.Random`` seeded with a string built from the
seed, the municipality and the topic, so the same settings and seed give byte-identical files, and
changing one municipality's size does not reshuffle the others. No clock is read.
"""

from __future__ import annotations

import calendar
import itertools
import random
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from flows.config import Settings, municipality_title
from flows.datasets import (ACTIVITY_TYPES, AGREEMENT_TYPES, BOOL, DATE, DECIMAL, GRANT_TYPES, INT,
                            DATASETS, dataset)
from flows.demo_bulk import write_bulk_snapshots
from flows.demo_snapshots import write_api_snapshots
from flows.errors import InboxError
from flows.identifiers import luhn_check_digit
from flows.sources.layouts import write_table
from flows.sources.profiles import Profile, get_profile

LEKEBERG = "1814"
OREBRO = "1880"

# The enterprise the motion's Q2 asks about (fictional). Its org nr is fixed, not seeded, so the
# report, the docs and the tests can name it; every other number is drawn from the seed.
STORY_ORG_NR = "7696405120"
STORY_NAME = "Lekebergs Arbetsintegrerande Kooperativ (fiktivt) ek. för."
STORY_START = date(2022, 3, 1)
STORY_COOPERATION = date(2022, 9, 1)

# Sole traders in the ledgers use personal identity numbers from Skatteverket's official series of
# test numbers (dataportal.se dataset "Testpersonnummer", CC0): they are reserved and never issued
# to a real person. Do not replace them with other Luhn-valid numbers, which may belong to someone.
OFFICIAL_TEST_PERSONNUMMER = ("199001012385", "201701012393", "189001019802")

# Örebro kommun's organisation number is verified (reference/data-sources.md §0); the others are
# not, so the demo leaves kopare_id blank rather than invent a public body's number.
KNOWN_BUYER_ORG_NR = {OREBRO: "2120001967"}

REFERRERS_MUNICIPAL = ("arbetsmarknadsenhet", "socialtjänst")
REFERRERS = (*REFERRERS_MUNICIPAL, "arbetsförmedlingen", "försäkringskassan", "samordningsförbund")


@dataclass(frozen=True)
class Size:
    """How big one municipality's demo is at scale 1 (Örebro largest, small municipalities 2-8)."""

    enterprises: int
    suppliers: int
    postings_per_month: int
    procurements_per_year: int


SIZES: dict[str, Size] = {
    "1880": Size(25, 60, 140, 14),
    "1883": Size(8, 30, 60, 6),
    "1885": Size(7, 28, 50, 5),
    "1881": Size(6, 26, 45, 5),
    "1861": Size(5, 24, 40, 4),
    "1882": Size(4, 18, 28, 3),
    "1884": Size(4, 18, 28, 3),
    "1814": Size(4, 16, 25, 3),
    "1862": Size(3, 15, 24, 3),
    "1860": Size(3, 14, 22, 2),
    "1863": Size(3, 14, 22, 2),
    "1864": Size(2, 12, 20, 2),
}
DEFAULT_SIZE = Size(3, 15, 25, 3)

# Plausible postal code prefix and post town per municipality (for the bulk-file snapshots).
POSTAL: dict[str, tuple[str, str]] = {
    "1814": ("716", "FJUGESTA"), "1860": ("695", "LAXÅ"), "1861": ("694", "HALLSBERG"),
    "1862": ("693", "DEGERFORS"), "1863": ("712", "HÄLLEFORS"), "1864": ("714", "KOPPARBERG"),
    "1880": ("70", "ÖREBRO"), "1881": ("692", "KUMLA"), "1882": ("696", "ASKERSUND"),
    "1883": ("691", "KARLSKOGA"), "1884": ("713", "NORA"), "1885": ("711", "LINDESBERG"),
}

LEGAL_FORMS = (("EK", "7", 60), ("I", "8", 22), ("S", "8", 6), ("AB", "5", 12))
SNI_CODES = ("88990", "88101", "81300", "56100", "81210", "47791", "01130", "95290", "96010", "85599")
NAME_WORDS = ("Linnean", "Blåsippan", "Ekbacken", "Lärkan", "Vitsippan", "Kvarnen", "Gläntan",
              "Tallkotten", "Smedjan", "Bryggan", "Stegen", "Kompassen", "Nyckeln", "Verkstaden",
              "Källan", "Spiran", "Humlan", "Tranan", "Lindblomman", "Hasseln", "Rönnen", "Navet",
              "Fyren", "Ankaret", "Myran", "Björken", "Vågen", "Lotsen", "Stigen", "Solrosen")
TRADES = ("Lokalvård", "Trädgård", "Café", "Second hand", "Cykelverkstad", "Catering", "Tvätteri",
          "Snickeri", "Odling", "Återbruk")
SUPPLIER_TRADES = ("Bygg", "Kontorsvaror", "Konsult", "Livsmedel", "Transport", "IT-tjänster",
                   "Fastighetsservice", "Måleri", "El", "Tryck", "Bemanning", "Möbler", "VVS")
SOLE_TRADER_NAMES = ("Testsson Trädgårdstjänst (fiktiv enskild firma)",
                     "Tolvans Hantverk (fiktiv enskild firma)",
                     "Exempelgrans Skogsvård (fiktiv enskild firma)")
# Five-digit accounts in the style of Kommun-Bas sub-accounts (Örebro's files: "45490 Konsulttjänster");
# the numbers and texts are illustrative, not a chart of accounts.
ACCOUNTS = (("46110", "Köp av huvudverksamhet från företag"), ("54110", "Förbrukningsinventarier"),
            ("54610", "Förbrukningsmaterial"), ("56110", "Livsmedel"), ("61110", "Kontorsmaterial"),
            ("45490", "Konsulttjänster"), ("65300", "Reparation och underhåll"), ("52300", "Städtjänster"),
            ("67100", "Transporttjänster"))
SOCIAL_ACCOUNTS = (("46120", "Köp av huvudverksamhet från föreningar och stiftelser"),
                   ("52300", "Städtjänster"), ("56110", "Livsmedel"), ("65300", "Reparation och underhåll"))
ADMINISTRATIONS = ("Kommunstyrelseförvaltningen", "Socialförvaltningen", "Tekniska förvaltningen",
                   "Barn- och utbildningsförvaltningen", "Vård- och omsorgsförvaltningen",
                   "Arbetsmarknadsenheten")
PROCUREMENT_TITLES = ("Lokalvård av kommunens lokaler", "Skötsel av grönytor", "Catering till förskolor",
                      "Cykelreparationer", "Tryckeritjänster", "Möbelrenovering", "Ramavtal IT-konsulter",
                      "Snöröjning", "Transporttjänster", "Återbruk av möbler", "Tvätt av arbetskläder",
                      "Kontorsmaterial", "Livsmedel till skolor", "Byggentreprenad förskola")
PROCEDURES = ("öppet förfarande", "förenklat förfarande", "urvalsförfarande",
              "förhandlat förfarande utan föregående annonsering")
ARRANGERS = ("Näringslivsenheten", "Coompanion Mälardalen", "Region Örebro län", "Arbetsmarknadsenheten")
AGREEMENT_WEIGHTS = {"iop": 2, "lou_contract": 3, "reserved_4_18": 1, "reserved_19_6a": 1,
                     "direct_award": 3, "work_training_places": 3, "grant_agreement": 2, "other": 1}
AGREEMENT_TEXT = {"iop": "Idéburet offentligt partnerskap", "lou_contract": "Avtal efter upphandling (LOU)",
                  "reserved_4_18": "Reserverat kontrakt, 4 kap. 18 § LOU",
                  "reserved_19_6a": "Reserverat kontrakt för idéburna, 19 kap. 6 a § LOU",
                  "direct_award": "Direktupphandling", "work_training_places": "Köp av arbetsträningsplatser",
                  "grant_agreement": "Bidragsöverenskommelse", "other": "Övrig överenskommelse"}
# Reservation for idéburna organisations exists only from 2023-01-01 (domain.md §2.4).
RESERVED_19_6A_FROM = date(2023, 1, 1)


def rng_for(seed: int, *topic: str) -> random.Random:
    """An independent random stream per (seed, topic...): stable across processes and Python runs."""
    return random.Random(":".join([str(seed), *topic]))


def make_org_nr(rng: random.Random, first_digit: str, taken: set[str]) -> str:
    """A fresh, valid organisation number of the given group (digits 3-4 >= 20, Luhn check digit)."""
    while True:
        body = first_digit + str(rng.randint(0, 9)) + str(rng.randint(20, 99)) + f"{rng.randint(0, 99999):05d}"
        number = body + str(luhn_check_digit(body))
        if number not in taken:
            taken.add(number)
            return number


def random_date(rng: random.Random, first: date, last: date) -> date:
    """A uniformly drawn date in [first, last]; ``first`` when the range is empty."""
    span = (last - first).days
    return first + timedelta(days=rng.randint(0, span)) if span > 0 else first


def weekdays(year: int, month: int, earliest: int = 1) -> list[date]:
    """Monday-Friday dates of a month from day ``earliest``: postings are booked on working days."""
    last = calendar.monthrange(year, month)[1]
    return [date(year, month, d) for d in range(earliest, last + 1) if date(year, month, d).weekday() < 5]


def money(value: float) -> float:
    """Round to whole öre: ledgers and registers carry two decimals."""
    return round(value, 2)


def scaled(base: int, scale: float, minimum: int = 1) -> int:
    """A size at ``scale``, never below ``minimum`` (every municipality keeps some of everything)."""
    return max(minimum, round(base * scale))


@dataclass
class Enterprise:
    """One fictional social enterprise, with the facts the registers and the bulk files need."""

    org_nr: str
    name: str
    municipality_code: str
    legal_form: str
    is_wise: bool
    criteria_assessed_on: date | None
    start_date: date
    end_date: date | None
    end_reason: str | None  # Bolagsverket deregistration cause: KKAV, LIAV, AVREG
    sni: str
    cooperation_started: date | None
    note: str | None
    postnummer: str
    postort: str
    reports_annually: bool  # consents to report annual figures
    sells_to_municipality: bool

    def active_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day < self.end_date)

    def active_in(self, year: int) -> bool:
        return self.start_date.year <= year and (self.end_date is None or self.end_date > date(year, 1, 1))

    def window(self, year: int) -> tuple[date, date]:
        """The part of ``year`` in which the enterprise is active (callers check ``active_in``)."""
        first = max(self.start_date, date(year, 1, 1))
        last = date(year, 12, 31) if self.end_date is None else min(date(year, 12, 31),
                                                                   self.end_date - timedelta(days=1))
        return first, last

    @property
    def is_story(self) -> bool:
        return self.org_nr == STORY_ORG_NR


@dataclass
class Demo:
    """Everything generated for one settings + seed + scale: enterprises and canonical rows."""

    seed: int
    years: range
    enterprises: list[Enterprise]
    rows: dict[tuple[str, str], list[dict]] = field(default_factory=dict)
    suppliers: dict[str, list[Supplier]] = field(default_factory=dict)

    def add(self, code: str, dataset_name: str, rows: Iterable[dict]) -> None:
        self.rows.setdefault((code, dataset_name), []).extend(rows)

    def of(self, code: str) -> list[Enterprise]:
        return [e for e in self.enterprises if e.municipality_code == code]


# --- enterprises -------------------------------------------------------------------------------

def story_enterprise() -> Enterprise:
    """The fictional enterprise Lekeberg started cooperating with in 2022 (motion question Q2)."""
    prefix, town = POSTAL[LEKEBERG]
    return Enterprise(
        org_nr=STORY_ORG_NR, name=STORY_NAME, municipality_code=LEKEBERG, legal_form="EK",
        is_wise=True, criteria_assessed_on=date(2022, 5, 16), start_date=STORY_START, end_date=None,
        end_reason=None, sni="81210", cooperation_started=STORY_COOPERATION,
        note="Fiktivt exempel: det sociala företag som kommunen samverkar med sedan 2022 (motionens fråga 2)",
        postnummer=f"{prefix}31", postort=town, reports_annually=True, sells_to_municipality=True)


def unique_name(rng: random.Random, used: set[str], make: Callable[[str, str], str], trades: tuple[str, ...]) -> str:
    """A name from the word lists not used before; once the lists run thin (bench scales) a
    number is added to the word, so generation always ends."""
    attempt = 0
    while True:
        word, trade = rng.choice(NAME_WORDS), rng.choice(trades)
        name = make(f"{word} {attempt}" if attempt >= 20 else word, trade)
        attempt += 1
        if name not in used:
            used.add(name)
            return name


def enterprise_name(rng: random.Random, legal_form: str, place: str, used: set[str]) -> str:
    """A fictional, clearly marked name in the style of the legal form; unique in the county."""
    templates = {
        "EK": "Exempelkooperativet {word} {trade} i {place} ek. för. (fiktivt)",
        "I": "Föreningen {word} {trade} i {place} (fiktivt)",
        "S": "Stiftelsen {word} {trade} i {place} (fiktivt)",
        "AB": "{word} {trade} i {place} AB (fiktivt)",
    }
    return unique_name(rng, used, lambda word, trade: templates[legal_form].format(word=word, trade=trade, place=place),
                       TRADES)


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


# --- supplier ledger -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Supplier:
    """An ordinary supplier as it appears in one municipality's ledger."""

    name: str
    org_nr: str | None  # the supplier's real identity: org nr, or a sole trader's personnummer
    delivered_id: str | None  # as the ledger shows it: the id, '*' (masked) or None (blanked)
    weight: float


# Each municipality's ledger system, after the real publishers (data-sources.md §4); the rest
# deliver the canonical layout. The Västerås-style system shows internal supplier numbers.
LEDGER_PROFILES = {"1880": "orebro-xlsx", "1883": "goteborg", "1881": "lankadedata", "1861": "openup",
                   "1864": "vasteras"}
INTERNAL_SUPPLIER_IDS = {"1864"}
# How each ledger treats sole traders' personal identity numbers: kept (early Örebro files),
# blanked (Göteborg) or masked (Umeå, the Open Up layout); masked where not listed.
SOLE_TRADER_POLICY = {"1880": "keep", "1884": "keep", "1883": "blank", "1885": "blank"}


def ordinary_suppliers(rng: random.Random, code: str, count: int, taken: set[str]) -> list[Supplier]:
    """Aktiebolag with valid org nrs, a few sole traders and one supplier delivered without an id."""
    suppliers = []
    names: set[str] = set()
    for _ in range(count):
        name = unique_name(rng, names, lambda word, trade: f"{word} {trade} AB (fiktivt)", SUPPLIER_TRADES)
        org_nr = make_org_nr(rng, "5", taken)
        suppliers.append(Supplier(name, org_nr, org_nr, rng.paretovariate(1.5)))
    policy = SOLE_TRADER_POLICY.get(code, "mask")
    for name, number in zip(SOLE_TRADER_NAMES, OFFICIAL_TEST_PERSONNUMMER):
        delivered = {"keep": number, "mask": "*", "blank": None}[policy]
        suppliers.append(Supplier(name, number, delivered, 0.4))
    suppliers.append(Supplier("Utlägg och engångsleverantörer (fiktivt)", None, None, 0.3))
    return suppliers


def with_internal_ids(rows: list[dict]) -> list[dict]:
    """Replace supplier ids by the ledger system's own supplier numbers (Västerås style), numbered
    in order of first appearance; suppliers delivered without an id stay blank."""
    numbers: dict[str, str] = {}
    for row in rows:
        if row["leverantor_id"] is not None:
            key = f'{row["leverantor"]}|{row["leverantor_id"]}'
            numbers.setdefault(key, str(10001 + 7 * len(numbers)))
            row["leverantor_id"] = numbers[key]
    return rows


@dataclass
class Invoice:
    """One supplier invoice; split over one or more postings (accounts) in the ledger."""

    day: date
    supplier: str
    supplier_id: str | None
    lines: list[tuple[str, str, str, float]]  # (konto_nr, konto_text, forvaltning, nettobelopp)
    invoice_number: str


def ordinary_invoice(rng: random.Random, day: date, supplier: Supplier) -> Invoice:
    """Log-normal amounts (median ~8 000 kr); 3 % credit notes; 15 % split over two accounts."""
    amount = money(rng.lognormvariate(9.0, 1.2) * (-1 if rng.random() < 0.03 else 1))
    forvaltning = ADMINISTRATIONS[int(rng.random() * len(ADMINISTRATIONS))]
    first = int(rng.random() * len(ACCOUNTS))
    if rng.random() < 0.15:
        second = (first + 1 + int(rng.random() * (len(ACCOUNTS) - 1))) % len(ACCOUNTS)
        part = money(amount * rng.uniform(0.3, 0.7))
        lines = [(*ACCOUNTS[first], forvaltning, part), (*ACCOUNTS[second], forvaltning, money(amount - part))]
    else:
        lines = [(*ACCOUNTS[first], forvaltning, amount)]
    number = "-" if rng.random() < 0.05 else str(int(10000 + rng.random() * 9990000))
    return Invoice(day, supplier.name, supplier.delivered_id, lines, number)


def ordinary_invoices(rng: random.Random, size: Size, scale: float, suppliers: list[Supplier],
                      years: range) -> list[Invoice]:
    """About ``postings_per_month`` invoices a month (±20 %), a few big suppliers dominating."""
    cumulative = list(itertools.accumulate(s.weight for s in suppliers))
    invoices = []
    for year in years:
        for month in range(1, 13):
            count = max(1, round(size.postings_per_month * scale * rng.uniform(0.8, 1.2)))
            days = weekdays(year, month)
            for supplier in rng.choices(suppliers, cum_weights=cumulative, k=count):
                invoices.append(ordinary_invoice(rng, rng.choice(days), supplier))
    return invoices


def social_invoices(rng: random.Random, enterprise: Enterprise, years: range) -> list[Invoice]:
    """A few invoices a year from an enterprise that sells to the municipality, while it is active."""
    invoices = []
    for year in years:
        if not enterprise.active_in(year):
            continue
        first, last = enterprise.window(year)
        for _ in range(rng.randint(2, 10)):
            day = random_date(rng, first, last)
            konto, text = rng.choice(SOCIAL_ACCOUNTS)
            amount = money(rng.uniform(3000, 60000))
            invoices.append(Invoice(day, enterprise.name, enterprise.org_nr,
                                    [(konto, text, rng.choice(ADMINISTRATIONS), amount)],
                                    str(rng.randint(1000, 99999))))
    return invoices


# Lekeberg's monthly purchases from the story enterprise grow year by year (SEK per month).
STORY_MONTHLY_PURCHASES = {2022: 30000, 2023: 35000, 2024: 55000, 2025: 70000}


def story_invoices(rng: random.Random, enterprise: Enterprise, years: range) -> list[Invoice]:
    """Monthly invoices from the start of the cooperation (Sep 2022), growing each year (±10 %
    noise keeps every year above the last), plus one credit note for a disputed invoice in 2024."""
    invoices = []
    for year, monthly in STORY_MONTHLY_PURCHASES.items():
        if year not in years:
            continue
        first_month = STORY_COOPERATION.month if year == STORY_COOPERATION.year else 1
        for month in range(first_month, 13):
            day = rng.choice(weekdays(year, month, earliest=20))
            konto, text = SOCIAL_ACCOUNTS[0] if month % 3 else SOCIAL_ACCOUNTS[1]
            invoices.append(Invoice(day, enterprise.name, enterprise.org_nr,
                                    [(konto, text, "Arbetsmarknadsenheten", money(monthly * rng.uniform(0.9, 1.1)))],
                                    f"LAK-{year}-{month:02d}"))
    if 2024 in years:
        invoices.append(Invoice(date(2024, 5, 14), enterprise.name, enterprise.org_nr,
                                [(*SOCIAL_ACCOUNTS[1], "Arbetsmarknadsenheten", -4500.0)], "LAK-2024-K01"))
    return invoices


def ledger_rows(invoices: list[Invoice], code: str, municipality_name: str) -> list[dict]:
    """Postings in booking order; voucher numbers run per year, shared by an invoice's lines."""
    invoices = sorted(invoices, key=lambda i: (i.day, i.supplier, i.invoice_number, i.lines[0][3]))
    rows, counters = [], {}
    for invoice in invoices:
        counters[invoice.day.year] = counters.get(invoice.day.year, 0) + 1
        voucher = f"{invoice.day.year % 100:02d}{counters[invoice.day.year]:06d}"
        for konto_nr, konto_text, forvaltning, amount in invoice.lines:
            rows.append({"kopare_id": KNOWN_BUYER_ORG_NR.get(code), "kopare": municipality_title(municipality_name),
                         "verifikationsnummer": voucher, "leverantor": invoice.supplier,
                         "leverantor_id": invoice.supplier_id, "konto_nr": konto_nr, "konto_text": konto_text,
                         "bokforingsdatum": invoice.day, "forvaltning": forvaltning,
                         "fakturanummer": invoice.invoice_number, "nettobelopp": amount, "kommun_id": code})
    return rows


def generate_ledger(demo: Demo, settings: Settings, code: str, scale: float, taken: set[str]) -> None:
    """One municipality's postings 2019-2025: ordinary suppliers, the social enterprises that sell
    to it, and (Lekeberg) the story enterprise's growing monthly invoices."""
    rng = rng_for(demo.seed, code, "ledger")
    size = SIZES.get(code, DEFAULT_SIZE)
    suppliers = ordinary_suppliers(rng, code, scaled(size.suppliers, scale, minimum=5), taken)
    demo.suppliers[code] = suppliers
    invoices = ordinary_invoices(rng, size, scale, suppliers, demo.years)
    for enterprise in demo.of(code):
        if enterprise.is_story:
            invoices += story_invoices(rng_for(demo.seed, code, "story-ledger"), enterprise, demo.years)
        elif enterprise.sells_to_municipality:
            invoices += social_invoices(rng, enterprise, demo.years)
    rows = ledger_rows(invoices, code, settings.municipality(code).name)
    demo.add(code, "supplier_invoices", with_internal_ids(rows) if code in INTERNAL_SUPPLIER_IDS else rows)


# --- agreements, procurements, grants ------------------------------------------------------------

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
         "title": "Lokalvård av kommunhuset, reserverad enligt 4 kap. 18 § LOU",
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


# --- support activities, placements, annual reports ----------------------------------------------

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
            "fte": fte}


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


# --- the registers as canonical frames -----------------------------------------------------------

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
    return demo


def to_frame(dataset_name: str, rows: list[dict]) -> pd.DataFrame:
    """Rows as a frame with exactly the dataset's canonical columns, in contract order and typed
    (dates as ``datetime.date``, money as float with two decimals, counts as nullable Int64)."""
    contract = dataset(dataset_name)
    frame = pd.DataFrame(rows, columns=contract.column_names)
    for column in contract.columns:
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


# --- snapshots of the national sources -----------------------------------------------------------

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


# --- the demo inbox ------------------------------------------------------------------------------

README_MARKER = "<!-- socek demo inbox -->"
# Municipal analysts who export their registers from Swedish Excel (cp1252, decimal comma).
REGISTER_PROFILES = {"1882": "canonical-sv", "1884": "canonical-sv"}
# Small municipalities send one file per dataset covering every year; the others one per year.
WHOLE_PERIOD_DELIVERIES = {"1860", "1862", "1863", "1864"}
# Kumla moved to monthly ledger files, as the national specification recommends, from this year.
MONTHLY_LEDGER_FROM = {"1881": 2025}
FILE_STEMS = {"enterprises": "sociala_foretag", "supplier_invoices": "leverantorsreskontra", "agreements": "avtal",
              "procurements": "upphandlingar", "grants": "bidrag", "support_activities": "stodinsatser",
              "placements": "placeringar", "annual_reports": "arsrapporter"}
EXTENSIONS = {"csv": ".csv", "xlsx": ".xlsx", "json": ".json"}


@dataclass(frozen=True)
class DemoFile:
    """One delivered file of the demo inbox (JSON deliveries list their page files in ``parts``)."""

    path: str  # relative to the inbox, POSIX
    municipality_code: str
    dataset: str
    profile: str
    rows: int
    parts: tuple[str, ...] = ()


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


@dataclass(frozen=True)
class DemoManifest:
    """What ``write_demo_inbox`` wrote: every delivery and every seeded mistake."""

    out_dir: Path
    seed: int
    scale: float
    files: tuple[DemoFile, ...]
    mistakes: tuple[SeededMistake, ...]
    story_org_nr: str = STORY_ORG_NR

    @property
    def file_count(self) -> int:
        return len(self.files)

    def mistake(self, kind: str) -> SeededMistake:
        return next(m for m in self.mistakes if m.kind == kind)


@dataclass
class PlannedFile:
    """One file to write: canonical rows in a publisher's profile, possibly with a bad header."""

    municipality_code: str
    dataset: str
    name: str
    profile: str
    rows: list[dict]
    header_without: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        return f"{self.municipality_code}/{self.dataset}/{self.name}"


def profile_for(code: str, dataset_name: str) -> str:
    """The publisher profile a municipality's deliveries of a dataset use (canonical by default)."""
    if dataset_name == "supplier_invoices" and code in LEDGER_PROFILES:
        return LEDGER_PROFILES[code]
    return REGISTER_PROFILES.get(code, "canonical")


def period_of(row: dict, dataset_name: str) -> int:
    """The year of a row's period column (a date or a year), which decides its delivery file."""
    value = row[dataset(dataset_name).period_column]
    return value if isinstance(value, int) else value.year


def split_deliveries(code: str, dataset_name: str, rows: list[dict], years: range) -> list[PlannedFile]:
    """Cut one register into files the way the municipality delivers it (see the constants above)."""
    profile = profile_for(code, dataset_name)
    extension = EXTENSIONS[get_profile(profile).file.format]
    stem = FILE_STEMS[dataset_name]
    if not rows:
        return []
    if dataset(dataset_name).period_column is None:
        return [PlannedFile(code, dataset_name, stem + extension, profile, rows)]
    if dataset_name != "supplier_invoices" and code in WHOLE_PERIOD_DELIVERIES:
        return [PlannedFile(code, dataset_name, f"{stem}_{years.start}-{years.stop - 1}{extension}", profile, rows)]
    deliveries = []
    for year in years:
        of_year = [r for r in rows if period_of(r, dataset_name) == year]
        if dataset_name == "supplier_invoices" and year >= MONTHLY_LEDGER_FROM.get(code, years.stop):
            deliveries += [PlannedFile(code, dataset_name, f"{stem}_{year}-{month:02d}{extension}", profile, of_month)
                           for month in range(1, 13)
                           if (of_month := [r for r in of_year if r["bokforingsdatum"].month == month])]
        elif of_year:
            name = f"Leverantorsfakturor {year}{extension}" if profile == "orebro-xlsx" else f"{stem}_{year}{extension}"
            deliveries.append(PlannedFile(code, dataset_name, name, profile, of_year))
    return deliveries


def plan_deliveries(demo: Demo, codes: list[str]) -> list[PlannedFile]:
    """Every file of the inbox, municipality by municipality, in dataset order."""
    return [delivery for code in codes for name in DATASETS
            for delivery in split_deliveries(code, name, demo.rows.get((code, name), []), demo.years)]


# --- seeded delivery mistakes ---------------------------------------------------------------------

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


# --- writing ------------------------------------------------------------------------------------

def canonical_text(value: object, column_type: str) -> str | None:
    """A generated value as the canonical text a reader produces; strings (including the seeded
    malformed ones) pass through untouched, money always has two decimals."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if column_type == DECIMAL:
        return f"{value:.2f}"
    return str(value)


def text_frame(dataset_name: str, rows: list[dict]) -> pd.DataFrame:
    """Rows as canonical text in contract columns: what ``write_table`` turns into a layout."""
    contract = dataset(dataset_name)
    return pd.DataFrame({c.name: [canonical_text(r.get(c.name), c.type) for r in rows] for c in contract.columns},
                        dtype=object)


def header_without(profile: Profile, dataset_name: str, dropped: tuple[str, ...]) -> Profile:
    """The profile as a dataset-specific one whose header leaves out ``dropped`` (a faulty export)."""
    contract = dataset(dataset_name)
    header = profile.file.header or [profile.headers_for(c.name)[0] for c in contract.columns
                                     if c.name not in profile.absent]
    unwanted = {h for column in dropped for h in profile.headers_for(column)}
    data = profile.model_dump()
    data.update(name=f"{profile.name}-without-{'-'.join(dropped)}".replace("_", "-"), dataset=dataset_name,
                file={**data["file"], "header": [h for h in header if h not in unwanted]})
    return Profile.model_validate(data)


def json_pages(path: Path, rows: int, page_size: int) -> tuple[str, ...]:
    """The extra page files ``write_table`` writes after the first page of a rowstore delivery."""
    pages = max(1, -(-rows // page_size))
    return tuple(f"{path.parent.as_posix()}/{path.stem}-page-{n}{path.suffix}" for n in range(2, pages + 1))


def write_planned(planned: PlannedFile, out_dir: Path) -> DemoFile:
    """Write one planned file in its publisher's layout and describe it for the manifest."""
    profile = get_profile(planned.profile)
    if planned.header_without:
        profile = header_without(profile, planned.dataset, planned.header_without)
    target = out_dir / planned.path
    target.parent.mkdir(parents=True, exist_ok=True)
    write_table(text_frame(planned.dataset, planned.rows), target, profile, dataset=planned.dataset)
    paged = profile.file.format == "json"
    parts = json_pages(Path(planned.path), len(planned.rows), profile.file.page_size) if paged else ()
    return DemoFile(planned.path, planned.municipality_code, planned.dataset, planned.profile, len(planned.rows), parts)


def write_profile_maps(out_dir: Path, codes: list[str]) -> None:
    """``<kommunkod>/profiles.toml`` wherever a municipality's deliveries are not canonical."""
    for code in codes:
        choices = {name: profile_for(code, name) for name in DATASETS}
        chosen = {name: profile for name, profile in choices.items() if profile != "canonical"}
        if chosen:
            lines = ["# Publisher profile per dataset of this municipality's deliveries (synthetic demo).",
                     *(f'{name} = "{profile}"' for name, profile in chosen.items())]
            (out_dir / code / "profiles.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def prepare_out_dir(out_dir: Path) -> None:
    """Start from an empty folder. A previous demo inbox (recognised by its README) is replaced;
    anything else is refused, so real deliveries are never deleted."""
    if out_dir.exists() and any(out_dir.iterdir()):
        readme = out_dir / "README.md"
        if not (readme.is_file() and README_MARKER in readme.read_text(encoding="utf-8", errors="replace")):
            raise InboxError(f"{out_dir}: the folder is not empty and is not a demo inbox written by socek; "
                             "refusing to write the demo into it (choose an empty folder)")
        for child in sorted(out_dir.iterdir()):
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)


def profile_lines(settings: Settings) -> list[str]:
    """One README line per municipality that delivers in a publisher's own layout."""
    lines = []
    for m in sorted(settings.municipalities, key=lambda m: m.code):
        chosen = {name: profile_for(m.code, name) for name in DATASETS}
        special = {name: p for name, p in chosen.items() if p != "canonical"}
        if len(set(chosen.values())) == 1 and special:
            lines.append(f"- {m.code} {m.name}: every dataset `{chosen['enterprises']}`")
        elif special:
            lines.append(f"- {m.code} {m.name}: " + ", ".join(f"{n} `{p}`" for n, p in special.items()))
    return lines


def readme_text(settings: Settings, seed: int, scale: float, files: list[DemoFile],
                mistakes: list[SeededMistake]) -> str:
    """The README that travels with the files: synthetic, how to regenerate, what is wrong on purpose."""
    lines = [
        README_MARKER,
        "# socek demo inbox: SYNTHETIC DATA",
        "",
        "Syntetiska demodata. Inga uppgifter här är verkliga: alla företag, leverantörer, belopp och personer "
        "är påhittade.",
        "",
        "Every file in this folder is **synthetic**, generated by `socek demo-data` "
        f"(`flows/demo.py`) with seed **{seed}** and scale **{scale:g}**. The same seed gives byte-identical files.",
        "Names of enterprises and suppliers are fictional and marked \"(fiktivt)\". Sole traders in the ledgers "
        "use only personal identity numbers from Skatteverket's official test series (never issued to anyone): "
        + ", ".join(OFFICIAL_TEST_PERSONNUMMER) + ".",
        "",
        f"The story: Lekebergs kommun ({LEKEBERG}) cooperates since {STORY_COOPERATION.isoformat()} with the fictional "
        f"social enterprise *{STORY_NAME}* (org nr {STORY_ORG_NR}, started {STORY_START.isoformat()}): an IOP "
        "from 2022, bought work-training places from 2023, purchases, grants, support, placements and annual reports.",
        "",
        "Layout: `<kommunkod>/<dataset>/<file>`; `<kommunkod>/profiles.toml` names the publisher profile "
        "(`config/profiles/`) of each dataset that is not in the canonical layout:",
        "",
        *profile_lines(settings),
        "",
        "## Mistakes seeded on purpose",
        "",
        "Real deliveries go wrong; these must be caught, and nothing else lost:",
        "",
    ]
    for m in mistakes:
        where = f"row {m.row_number}" if m.row_number else "whole file"
        rule = f", rule `{m.expected_rule}`" if m.expected_rule else ""
        related = f" (see `{m.related_path}`)" if m.related_path else ""
        lines.append(f"- `{m.path}` ({where}): {m.description} Expected: {m.expected_outcome}{rule}{related}.")
    municipalities = ", ".join(f"{m.code} {m.name}" for m in settings.municipalities)
    lines += ["", f"Municipalities: {municipalities}. Years {settings.thresholds.first_year}-"
              f"{settings.thresholds.last_year}. {len(files)} files.", ""]
    return "\n".join(lines)


def write_demo_inbox(settings: Settings, out_dir: Path, seed: int = 42, *, scale: float = 1.0) -> DemoManifest:
    """Write the synthetic demo inbox (every municipality, dataset and publisher layout, with the
    seeded mistakes) to ``out_dir`` and return what was written."""
    out_dir = Path(out_dir)
    demo = build_demo(settings, seed, scale)
    codes = sorted(settings.municipality_codes)
    planned = plan_deliveries(demo, codes)
    mistakes = seed_mistakes(planned, demo, settings)
    prepare_out_dir(out_dir)
    files = [write_planned(p, out_dir) for p in planned]
    write_profile_maps(out_dir, codes)
    (out_dir / "README.md").write_text(readme_text(settings, seed, scale, files, mistakes), encoding="utf-8")
    return DemoManifest(out_dir=out_dir, seed=seed, scale=scale, files=tuple(files), mistakes=tuple(mistakes))
