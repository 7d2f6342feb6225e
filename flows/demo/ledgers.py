"""The demo's supplier ledgers: ordinary suppliers, sole traders (official test numbers only),
purchases from the registered social enterprises and the Lekeberg story's purchases."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import date

from flows.config import Settings, municipality_title
from flows.demo.model import (
    ACCOUNTS,
    ADMINISTRATIONS,
    DEFAULT_SIZE,
    KNOWN_BUYER_ORG_NR,
    OFFICIAL_TEST_PERSONNUMMER,
    SIZES,
    SOCIAL_ACCOUNTS,
    SOLE_TRADER_NAMES,
    SUPPLIER_TRADES,
    Demo,
    Enterprise,
    Size,
    Supplier,
    make_org_nr,
    money,
    random_date,
    rng_for,
    scaled,
    unique_name,
    weekdays,
)

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


# Lekeberg's payments to the story enterprise (SEK per month): each agreement's annual value in monthly
# parts on account 46120 (the IOP from September 2022, the work-training places from 2023), the
# cleaning contract of the reserved procurement of 2024 on 52300 from March 2024, and work-training
# places bought beyond the agreement in autumn 2025 (the report flags the difference).
STORY_AGREEMENT_MONTHLY = (("IOP", date(2022, 9, 1), 350000 / 12), ("Arbetsträningsplatser", date(2023, 1, 1), 20000.0))
STORY_CLEANING_FROM, STORY_CLEANING_MONTHLY = date(2024, 3, 1), 26000
STORY_EXTRA_PLACES = {(2025, month): 20000.0 for month in (9, 10, 11, 12)}


def story_invoices(rng: random.Random, enterprise: Enterprise, years: range) -> list[Invoice]:
    """The agreements' monthly payments, the cleaning contract (±5 % a month), the extra places of
    autumn 2025, and one credit note for a disputed cleaning invoice in 2024."""
    invoices = []
    agreement_account, cleaning_account = SOCIAL_ACCOUNTS[0], SOCIAL_ACCOUNTS[1]
    for year in years:
        for month in range(1, 13):
            first = date(year, month, 1)
            day = rng.choice(weekdays(year, month, earliest=20))
            lines = [(*agreement_account, "Arbetsmarknadsenheten", money(amount))
                     for _, start, amount in STORY_AGREEMENT_MONTHLY if start <= first]
            if (year, month) in STORY_EXTRA_PLACES:
                lines.append((*agreement_account, "Arbetsmarknadsenheten", STORY_EXTRA_PLACES[(year, month)]))
            if lines:
                invoices.append(Invoice(day, enterprise.name, enterprise.org_nr, lines, f"LAK-{year}-{month:02d}"))
            if first >= STORY_CLEANING_FROM:
                invoices.append(Invoice(day, enterprise.name, enterprise.org_nr,
                                        [(*cleaning_account, "Tekniska förvaltningen",
                                          money(STORY_CLEANING_MONTHLY * rng.uniform(0.95, 1.05)))],
                                        f"LAK-{year}-{month:02d}-S"))
    if 2024 in years:
        invoices.append(Invoice(date(2024, 5, 14), enterprise.name, enterprise.org_nr,
                                [(*cleaning_account, "Tekniska förvaltningen", -4500.0)], "LAK-2024-K01"))
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
