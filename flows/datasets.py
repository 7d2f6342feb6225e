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
    # Set by socek while reading, never delivered (e.g. what kind of id a supplier id was).
    derived: bool = False
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
    # Rows every month (a ledger): a year is complete only when all its months are delivered. Other
    # datasets record events, and a month without an event is normal.
    continuous: bool = False
    label_sv: str = ""  # the dataset's name in Swedish, for notes, reports and templates

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required and not c.derived]

    @property
    def delivered_columns(self) -> tuple[Column, ...]:
        """The columns a publisher delivers (everything but the derived ones)."""
        return tuple(c for c in self.columns if not c.derived)

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
ASSESSMENTS = ("on_track", "partly", "not_met")  # a follow-up's verdict on an agreement's goals
RENEWALS = ("extend", "replace", "end", "under_review")  # what is decided about an agreement's renewal
DECISION_BODIES = ("kf", "ks", "committee", "administration")
ACTION_TYPES = ("policy_strategy", "budget_decision", "procurement_guideline", "dialogue_meeting",
                "network_meeting", "agreement_decision", "staff_assignment", "lead_review", "follow_up", "other")
# Who in the municipality answers for an action: a closed list of functions, so the report can name
# the unit without printing a delivered name.
RESPONSIBLE_UNITS = ("municipal_management", "business_development", "labour_market", "social_services",
                     "procurement", "culture_leisure", "other")
ACTION_PLAN_AREAS = ("AP1", "AP2a", "AP2b", "AP2c", "AP2d", "AP3")  # config/indicators.toml

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
    label_sv="Register över sociala företag",
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
        Column("leverantor_internal_id", required=False, nullable=True, derived=True,
               description="The publisher's own supplier number, kept when leverantor_id is one (not an "
                           "organisation number); matched to an organisation number through a supplier crosswalk"),
        Column("leverantor_id_kind", required=False, nullable=True, derived=True,
               values=("orgnr", "pseudonym", "masked", "internal", "blank", "invalid"),
               description="What leverantor_id held as delivered: orgnr, pseudonym (a personal identity number "
                           "replaced by a keyed hash), masked, internal (publisher's own supplier number), blank or invalid"),
    ),
    key=(),
    period_column="bokforingsdatum",
    plausible_dates=("bokforingsdatum",),
    continuous=True,
    label_sv="Leverantörsreskontra",
))

_register(Dataset(
    "agreements",
    "Agreements between the municipality and social enterprises or idéburna organisations.",
    (
        Column("agreement_id", description="The municipality's id of the agreement"),
        Column("municipality_code", is_municipality=True, description="Kommunkod of the municipality that made the agreement"),
        Column("org_nr", is_org_nr=True, description="Organisation number of the other party, ten digits"),
        Column("type", values=AGREEMENT_TYPES, description="Agreement type"),
        Column("start_date", DATE, description="Date the agreement starts"),
        Column("end_date", DATE, nullable=True, description="Date the agreement ends (blank when open-ended)"),
        Column("annual_value_sek", DECIMAL, nullable=True, minimum=0, description="Value the municipality commits per year, SEK"),
        Column("description", required=False, nullable=True, description="Free-text description of the agreement"),
        # Goals and follow-up (optional, so older deliveries stay valid). The free texts stay in the
        # warehouse; the report prints the closed-list and numeric columns.
        Column("goal_places_per_year", INT, required=False, nullable=True, minimum=0, maximum=100000,
               description="Goal: persons in work integration at the counterpart per year under the agreement"),
        Column("goals", required=False, nullable=True, description="The agreement's goals in words (internal)"),
        Column("ledger_account", required=False, nullable=True,
               description="Ledger account (konto_nr) the payments under the agreement are booked on, text"),
        Column("follow_up_due", DATE, required=False, nullable=True, description="Date the next follow-up is due"),
        Column("followed_up_on", DATE, required=False, nullable=True,
               description="Date of the latest follow-up (blank: not followed up yet)"),
        Column("assessment_municipality", required=False, nullable=True, values=ASSESSMENTS,
               description="The municipality's assessment at the latest follow-up: goals on track, partly met or not met"),
        Column("assessment_counterpart", required=False, nullable=True, values=ASSESSMENTS,
               description="The counterpart's own assessment at the latest follow-up"),
        Column("assessment_text", required=False, nullable=True,
               description="The follow-up's assessment in words (internal)"),
        Column("renewal", required=False, nullable=True, values=RENEWALS,
               description="What is decided about the agreement after its end date (blank: nothing decided)"),
    ),
    key=("agreement_id",),
    plausible_dates=("start_date",),
    label_sv="Avtal",
))

_register(Dataset(
    "procurements",
    "Procurements started by the municipality.",
    (
        Column("procurement_id", description="The municipality's id of the procurement"),
        Column("municipality_code", is_municipality=True, description="Kommunkod of the procuring municipality"),
        Column("published_date", DATE, description="Date the procurement was published (started)"),
        Column("title", description="Title of the procurement"),
        Column("estimated_value_sek", DECIMAL, nullable=True, minimum=0, description="Estimated contract value, SEK"),
        Column("procedure", nullable=True, description="Procurement procedure as delivered (open, simplified, direct award...)"),
        Column("reserved", values=RESERVED, description="Reserved under LOU 4:18, 19:6a, or none"),
        Column("employment_requirement", BOOL, description="The contract requires employment of people far from the labour market (sysselsättningskrav)"),
        Column("social_criteria", BOOL, description="The procurement sets other social requirements or criteria (sociala hänsyn)"),
        Column("awarded_org_nrs", nullable=True, description="'|'-separated organisation numbers of the winners"),
        Column("requirements_followed_up", BOOL, required=False, nullable=True,
               description="The employment requirement or social criteria were followed up during the contract "
                           "(blank: not known yet)"),
    ),
    key=("procurement_id",),
    period_column="published_date",
    plausible_dates=("published_date",),
    label_sv="Upphandlingar",
))

_register(Dataset(
    "grants",
    "Grants decided by the municipality.",
    (
        Column("grant_id", description="The municipality's id of the grant decision"),
        Column("municipality_code", is_municipality=True, description="Kommunkod of the granting municipality"),
        Column("org_nr", is_org_nr=True, description="Organisation number of the recipient, ten digits"),
        Column("decision_date", DATE, description="Date of the grant decision"),
        Column("amount_sek", DECIMAL, minimum=0, description="Amount granted, SEK"),
        Column("grant_type", values=GRANT_TYPES, description="Kind of grant"),
    ),
    key=("grant_id",),
    period_column="decision_date",
    plausible_dates=("decision_date",),
    label_sv="Bidrag",
))

_register(Dataset(
    "support_activities",
    "Advice, training and networking activities for social enterprises.",
    (
        Column("activity_id", description="The municipality's id of the activity"),
        Column("municipality_code", is_municipality=True, description="Kommunkod of the municipality reporting the activity"),
        Column("date", DATE, description="Date of the activity"),
        Column("type", values=ACTIVITY_TYPES, description="Kind of activity"),
        Column("arranger", description="Who arranged the activity, as delivered (free text, internal only)"),
        Column("org_nr", nullable=True, is_org_nr=True, description="Blank for open events"),
        Column("participants", INT, minimum=0, maximum=10000, description="Number of participants (people)"),
    ),
    key=("activity_id",),
    period_column="date",
    plausible_dates=("date",),
    label_sv="Stödinsatser",
))

_register(Dataset(
    "placements",
    "Work-integration placements, aggregated at source (never person-level).",
    (
        Column("municipality_code", is_municipality=True, description="Kommunkod of the referring municipality"),
        Column("year", INT, minimum=1990, maximum=2100, description="Calendar year of the placements"),
        Column("org_nr", is_org_nr=True, description="Organisation number of the social enterprise hosting the placements"),
        Column("referrer", description="Who referred the persons (e.g. the municipality's labour-market unit, social services)"),
        Column("placement_type", values=PLACEMENT_TYPES, description="Kind of placement"),
        Column("sex", values=("K", "M"), description="Sex of the persons counted: K women, M men"),
        Column("age_band", values=("16-24", "25-64", "65+"), description="Age band of the persons counted"),
        Column("persons_started", INT, minimum=0, maximum=100000, description="Persons who started a placement in the year"),
        Column("persons_ended", INT, minimum=0, maximum=100000, description="Persons whose placement ended in the year"),
        Column("ended_to_unsubsidised_work", INT, minimum=0, maximum=100000, description="Of those ended: persons who went on to work without wage subsidy"),
        Column("ended_to_subsidised_work", INT, minimum=0, maximum=100000, description="Of those ended: persons who went on to work with wage subsidy"),
        Column("ended_to_studies", INT, minimum=0, maximum=100000, description="Of those ended: persons who went on to studies"),
        Column("participant_days", INT, minimum=0, maximum=10_000_000, description="Days of participation in the year, all persons together"),
    ),
    key=("year", "org_nr", "referrer", "placement_type", "sex", "age_band"),
    period_column="year",
    label_sv="Arbetsintegrering (placeringar)",
))

_register(Dataset(
    "annual_reports",
    "Figures reported by the enterprises themselves, with consent.",
    (
        Column("org_nr", is_org_nr=True, description="Organisation number of the reporting enterprise, ten digits"),
        Column("year", INT, minimum=1990, maximum=2100, description="Financial year reported"),
        Column("turnover_sek", DECIMAL, nullable=True, minimum=0, description="Turnover (nettoomsättning), SEK"),
        Column("revenue_public_sek", DECIMAL, nullable=True, minimum=0, description="Revenue from the public sector (all public bodies), SEK"),
        Column("revenue_from_municipality_sek", DECIMAL, nullable=True, minimum=0, description="Revenue from the reporting municipality, SEK"),
        Column("employees_k", INT, nullable=True, minimum=0, maximum=100000, description="Employees on 31 December, women"),
        Column("employees_m", INT, nullable=True, minimum=0, maximum=100000, description="Employees on 31 December, men"),
        Column("participants_k", INT, nullable=True, minimum=0, maximum=100000, description="Participants in work integration during the year, women"),
        Column("participants_m", INT, nullable=True, minimum=0, maximum=100000, description="Participants in work integration during the year, men"),
        Column("fte", DECIMAL, nullable=True, minimum=0, maximum=100000,
               description="Full-time equivalents (årsarbetskrafter) of all the enterprise's employees, participants in "
                           "work integration who are employed included"),
        Column("participant_fte", DECIMAL, required=False, nullable=True, minimum=0, maximum=100000,
               description="Full-time equivalents of the participants in work integration only (the persons in "
                           "participants_k and participants_m); blank when the enterprise does not measure it"),
    ),
    key=("org_nr", "year"),
    period_column="year",
    label_sv="Företagens årsuppgifter",
))


_register(Dataset(
    "municipal_actions",
    "The municipality's own actions for social enterprises: decisions, strategies, budgets, guidelines, "
    "meetings and assignments.",
    (
        Column("action_id", description="The municipality's id of the action"),
        Column("municipality_code", is_municipality=True, description="Kommunkod of the municipality that acted"),
        Column("decision_date", DATE, description="Date of the decision, or the day the meeting was held"),
        Column("decision_body", values=DECISION_BODIES,
               description="Who decided: kf (kommunfullmäktige), ks (kommunstyrelsen), committee (a nämnd) or "
                           "administration (förvaltning)"),
        Column("diarienummer", required=False, nullable=True, description="Registration number of the decision"),
        Column("action_type", values=ACTION_TYPES, description="Kind of action"),
        Column("title", description="Title of the decision or action (internal)"),
        Column("description", required=False, nullable=True, description="What was decided or done (internal)"),
        Column("responsible_unit", nullable=True, values=RESPONSIBLE_UNITS,
               description="The unit that answers for carrying it out (blank: none named)"),
        Column("budget_sek", DECIMAL, required=False, nullable=True, minimum=0,
               description="Money set aside for the action, SEK"),
        Column("action_plan_area", required=False, nullable=True, values=ACTION_PLAN_AREAS,
               description="Area of the regional action plan 2022-2025 the action serves"),
        Column("link", required=False, nullable=True, description="Address of the decision document (internal)"),
    ),
    key=("action_id",),
    period_column=None,  # a full register: the newest delivery replaces the municipality's actions
    plausible_dates=("decision_date",),
    label_sv="Kommunens åtgärder",
))


_register(Dataset(
    "supplier_crosswalk",
    "A municipality's reviewed key from its ledger's suppliers (internal supplier number or name) to "
    "organisation numbers, for ledgers that do not carry organisation numbers.",
    (
        Column("leverantor_internal_id", nullable=True,
               description="The ledger's own supplier number, as in the ledger's leverantor_id"),
        Column("leverantor", nullable=True, description="The supplier's name as written in the ledger"),
        Column("org_nr", is_org_nr=True, description="The organisation number the supplier is"),
        Column("reviewed_by", required=False, nullable=True, description="Who checked the match"),
        Column("reviewed_on", DATE, required=False, nullable=True, description="When the match was checked"),
    ),
    key=("leverantor_internal_id", "leverantor"),
    period_column=None,  # a full key: the newest delivery replaces it
    plausible_dates=("reviewed_on",),
    label_sv="Nyckel leverantör–organisationsnummer",
))


def dataset(name: str) -> Dataset:
    try:
        return DATASETS[name]
    except KeyError:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}") from None
