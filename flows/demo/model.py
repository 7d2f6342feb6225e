"""The demo's world: fixed facts of the Lekeberg story, the size of each municipality, word lists,
and the few data classes the generators share.

Everything here is invented: names carry "(fiktivt)", sole traders use only Skatteverket's official
test personal identity numbers. Determinism: every random draw comes from ``rng_for`` (a
``random.Random`` seeded with the seed, the municipality and the topic), so the same settings and
seed give byte-identical files, and changing one municipality's size does not reshuffle the others.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flows.common.identifiers import luhn_check_digit

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


@dataclass(frozen=True)
class Supplier:
    """An ordinary supplier as it appears in one municipality's ledger."""

    name: str
    org_nr: str | None  # the supplier's real identity: org nr, or a sole trader's personnummer
    delivered_id: str | None  # as the ledger shows it: the id, '*' (masked) or None (blanked)
    weight: float


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
