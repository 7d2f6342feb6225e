"""The canonical datasets of the inbox (DESIGN §3.1): columns, types, rules and delivery periods.

One place defines each dataset's contract. Readers map delivered columns onto these names, the Great
Expectations suites are built from these rules, and the warehouse's raw tables have these columns
(plus lineage). Types are the warehouse types; every code or identifier is text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TEXT, INT, DECIMAL, DATE, BOOL = "VARCHAR", "BIGINT", "DECIMAL(18,2)", "DATE", "BOOLEAN"


@dataclass(frozen=True)
class Column:
    name: str
    type: str = TEXT
    required: bool = True  # the column must be delivered
    nullable: bool = False  # a delivered cell may be blank
    values: tuple[str, ...] | None = None  # allowed values (value set)
    minimum: float | None = None
    maximum: float | None = None
    is_org_nr: bool = False  # ten digits with a valid Luhn check digit
    is_municipality: bool = False  # one of the configured kommunkoder
    description: str = ""


@dataclass(frozen=True)
class Dataset:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # unique within one delivery
    # The column whose year defines the delivery's period (supersession, DESIGN §4).
    period_column: str | None = None
    # Which date columns must fall within plausible years (first_year-1 .. last_year+1 of config).
    plausible_dates: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


AGREEMENT_TYPES = ("iop", "lou_contract", "reserved_4_18", "reserved_19_6a", "direct_award",
                   "work_training_places", "grant_agreement", "other")
GRANT_TYPES = ("association_grant", "start_grant", "project_grant", "operating_grant", "other")
ACTIVITY_TYPES = ("advice", "skills_training", "procurement_training", "marketing", "networking",
                  "business_development", "financing_advice")
PLACEMENT_TYPES = ("work_training", "internship", "subsidised_job", "unsubsidised_job")
RESERVED = ("none", "4_18", "19_6a")

DATASETS: dict[str, Dataset] = {}


def _register(ds: Dataset) -> Dataset:
    DATASETS[ds.name] = ds
    return ds


_register(Dataset(
    "enterprises",
    "The municipality's register of social enterprises.",
    (
        Column("org_nr", is_org_nr=True, description="Organisation number, ten digits"),
        Column("name", description="Name of the enterprise"),
        Column("municipality_code", is_municipality=True, description="Kommunkod of the municipality that keeps the register"),
        Column("legal_form", required=False, nullable=True, description="Legal form as delivered (EK, I, S, AB...)"),
        Column("is_wise", BOOL, description="Meets Tillväxtverket's four criteria for a work-integrating social enterprise"),
        Column("criteria_assessed_on", DATE, nullable=True, description="Date the criteria were assessed"),
        Column("start_date", DATE, description="Date the enterprise started"),
        Column("end_date", DATE, required=False, nullable=True, description="Date the enterprise ended (blank while active)"),
        Column("sni", required=False, nullable=True, description="SNI 2007 code, text (leading zeros kept)"),
        Column("cooperation_started", DATE, required=False, nullable=True, description="Date the municipality's cooperation started"),
        Column("note", required=False, nullable=True, description="Free-text note"),
    ),
    key=("org_nr",),
    period_column=None,  # a register delivery replaces the whole register of its municipality
    plausible_dates=("criteria_assessed_on", "cooperation_started"),
))

_register(Dataset(
    "supplier_invoices",
    "The accounts-payable ledger (leverantörsreskontra), one row per posting (national spec).",
    (
        Column("kopare_id", nullable=True, description="Buyer's organisation number"),
        Column("kopare", nullable=True, description="Buyer's name"),
        Column("verifikationsnummer", nullable=True, description="Voucher number"),
        Column("leverantor", nullable=True, description="Supplier name"),
        Column("leverantor_id", nullable=True, description="Supplier organisation number as delivered (pseudonymised if a personal identity number)"),
        Column("konto_nr", nullable=True, description="Account number (Kommun-Bas), text"),
        Column("konto_text", required=False, nullable=True, description="Account text"),
        Column("bokforingsdatum", DATE, description="Posting date"),
        Column("forvaltning", required=False, nullable=True, description="Administration (förvaltning)"),
        Column("fakturanummer", required=False, nullable=True, description="Invoice number; '-' and blanks mean none"),
        Column("nettobelopp", DECIMAL, description="Net amount in SEK excluding VAT; negative for credit notes"),
        Column("kommun_id", required=False, nullable=True, is_municipality=True, description="Kommunkod of the buyer"),
    ),
    key=(),
    period_column="bokforingsdatum",
    plausible_dates=("bokforingsdatum",),
))

_register(Dataset(
    "agreements",
    "Agreements between the municipality and social enterprises or idéburna organisations.",
    (
        Column("agreement_id", description="The municipality's id of the agreement"),
        Column("municipality_code", is_municipality=True),
        Column("org_nr", is_org_nr=True),
        Column("type", values=AGREEMENT_TYPES, description="Agreement type"),
        Column("start_date", DATE),
        Column("end_date", DATE, nullable=True),
        Column("annual_value_sek", DECIMAL, nullable=True, minimum=0),
        Column("description", required=False, nullable=True),
    ),
    key=("agreement_id",),
    plausible_dates=("start_date",),
))

_register(Dataset(
    "procurements",
    "Procurements started by the municipality.",
    (
        Column("procurement_id"),
        Column("municipality_code", is_municipality=True),
        Column("published_date", DATE),
        Column("title"),
        Column("estimated_value_sek", DECIMAL, nullable=True, minimum=0),
        Column("procedure", nullable=True),
        Column("reserved", values=RESERVED, description="Reserved under LOU 4:18, 19:6a, or none"),
        Column("employment_requirement", BOOL),
        Column("social_criteria", BOOL),
        Column("awarded_org_nrs", nullable=True, description="'|'-separated organisation numbers of the winners"),
    ),
    key=("procurement_id",),
    period_column="published_date",
    plausible_dates=("published_date",),
))

_register(Dataset(
    "grants",
    "Grants decided by the municipality.",
    (
        Column("grant_id"),
        Column("municipality_code", is_municipality=True),
        Column("org_nr", is_org_nr=True),
        Column("decision_date", DATE),
        Column("amount_sek", DECIMAL, minimum=0),
        Column("grant_type", values=GRANT_TYPES),
    ),
    key=("grant_id",),
    period_column="decision_date",
    plausible_dates=("decision_date",),
))

_register(Dataset(
    "support_activities",
    "Advice, training and networking activities for social enterprises.",
    (
        Column("activity_id"),
        Column("municipality_code", is_municipality=True),
        Column("date", DATE),
        Column("type", values=ACTIVITY_TYPES),
        Column("arranger"),
        Column("org_nr", nullable=True, is_org_nr=True, description="Blank for open events"),
        Column("participants", INT, minimum=0, maximum=10000),
    ),
    key=("activity_id",),
    period_column="date",
    plausible_dates=("date",),
))

_register(Dataset(
    "placements",
    "Work-integration placements, aggregated at source (never person-level).",
    (
        Column("municipality_code", is_municipality=True),
        Column("year", INT, minimum=1990, maximum=2100),
        Column("org_nr", is_org_nr=True),
        Column("referrer"),
        Column("placement_type", values=PLACEMENT_TYPES),
        Column("sex", values=("K", "M")),
        Column("age_band", values=("16-24", "25-64", "65+")),
        Column("persons_started", INT, minimum=0, maximum=100000),
        Column("persons_ended", INT, minimum=0, maximum=100000),
        Column("ended_to_unsubsidised_work", INT, minimum=0, maximum=100000),
        Column("ended_to_subsidised_work", INT, minimum=0, maximum=100000),
        Column("ended_to_studies", INT, minimum=0, maximum=100000),
        Column("participant_days", INT, minimum=0, maximum=10_000_000),
    ),
    key=("year", "org_nr", "referrer", "placement_type", "sex", "age_band"),
    period_column="year",
))

_register(Dataset(
    "annual_reports",
    "Figures reported by the enterprises themselves, with consent.",
    (
        Column("org_nr", is_org_nr=True),
        Column("year", INT, minimum=1990, maximum=2100),
        Column("turnover_sek", DECIMAL, nullable=True, minimum=0),
        Column("revenue_public_sek", DECIMAL, nullable=True, minimum=0),
        Column("revenue_from_municipality_sek", DECIMAL, nullable=True, minimum=0),
        Column("employees_k", INT, nullable=True, minimum=0, maximum=100000),
        Column("employees_m", INT, nullable=True, minimum=0, maximum=100000),
        Column("participants_k", INT, nullable=True, minimum=0, maximum=100000),
        Column("participants_m", INT, nullable=True, minimum=0, maximum=100000),
        Column("fte", DECIMAL, nullable=True, minimum=0, maximum=100000),
    ),
    key=("org_nr", "year"),
    period_column="year",
))


def dataset(name: str) -> Dataset:
    try:
        return DATASETS[name]
    except KeyError:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}") from None
