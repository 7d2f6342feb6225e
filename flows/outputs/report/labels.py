"""The report's fixed words: section titles and the Swedish labels of every code the data use."""

from __future__ import annotations

MOTION_YEAR = 2022  # "det sociala företag som startade 2022" (core.cooperating_enterprises)


# A municipality's report: (anchor, title) of each section. A report that answers a motion names the
# motion's questions in sections 2 and 3 (``motion_sections``); a general one has these titles.
SECTIONS = (
    ("sammanfattning", "Sammanfattning"),
    ("kommunens-arbete", "Kommunens arbete för fler sociala företag"),
    ("samarbeten", "Samarbeten med sociala företag"),
    ("agenda-2030", "Agenda 2030"),
    ("datakvalitet", "Datakvalitet"),
    ("metod-och-kallor", "Metod och källor"),
)


def motion_sections(question_work: str, question_cooperation: str) -> tuple[tuple[str, str], ...]:
    return (SECTIONS[0], ("fraga-1", f"Fråga 1: {question_work}"), ("fraga-2", f"Fråga 2: {question_cooperation}"),
            *SECTIONS[3:])


# The county report's sections.
COUNTY_SECTIONS = (
    ("sammanfattning", "Sammanfattning"),
    ("insatsomraden", "Kommunerna sida vid sida per insatsområde"),
    ("kommunernas-arbete", "Vad kommunerna har gjort"),
    ("lanets-utveckling", "Länets utveckling"),
    ("datakvalitet", "Datakvalitet per kommun"),
    ("metod-och-kallor", "Metod och källor"),
)


# The regional action plan 2022-2025 (config/indicators.toml: action_plan_areas), short names for tables.
PLAN_YEARS = (2022, 2025)
AREA_SHORT = {"AP1": "förståelse och statistik", "AP2a": "stärka och utveckla sociala företag",
              "AP2b": "finansiering och stödfunktioner", "AP2c": "kunskap om upphandling och samverkan",
              "AP2d": "mer upphandling från den sociala ekonomin", "AP3": "nätverk och mötesplatser"}


DECISION_BODY_LABELS = {"kf": "Kommunfullmäktige", "ks": "Kommunstyrelsen", "committee": "En nämnd",
                        "administration": "Förvaltningen"}


ACTION_LABELS = {"policy_strategy": "policy eller strategi", "budget_decision": "budgetbeslut",
                 "procurement_guideline": "riktlinje för upphandling", "dialogue_meeting": "dialogmöte",
                 "network_meeting": "nätverksmöte", "agreement_decision": "beslut om avtal",
                 "staff_assignment": "uppdrag till förvaltningen", "lead_review": "granskning av nya sociala företag",
                 "follow_up": "uppföljning", "other": "annan åtgärd"}


# Actions that point beyond the action plan when decided in its last year or later.
FORWARD_ACTIONS = ("policy_strategy", "budget_decision", "staff_assignment")


UNIT_LABELS_SV = {"municipal_management": "kommunledningen", "business_development": "näringslivsenheten",
                  "labour_market": "arbetsmarknadsenheten", "social_services": "socialförvaltningen",
                  "procurement": "upphandlingsenheten", "culture_leisure": "kultur- och fritidsförvaltningen",
                  "other": "en annan enhet"}


ARRANGER_LABELS = {"municipality": "kommunen", "region": "Region Örebro län", "coompanion": "Coompanion",
                   "other": "andra"}
ARRANGED_BY = {**ARRANGER_LABELS, "other": "en annan arrangör"}  # "anordnad av ..." for one activity


ASSESSMENT_LABELS = {"on_track": "målen nås", "partly": "målen nås delvis", "not_met": "målen nås inte"}


RENEWAL_LABELS = {"extend": "förlängs", "replace": "ersätts av ett nytt avtal", "end": "avslutas",
                  "under_review": "utreds"}


REVIEW_LABELS = {"added_to_register": "prövades och fördes in i registret", "deregistered": "avregistrerades",
                 "still_on_list": "finns kvar på listan"}


SDG_TARGETS = ("8.3", "8.5", "8.6", "10.2", "12.7", "17.17")


SURVIVAL_CELLS = (("total", "_T"), ("cohort", "pooled"))  # SE03: a cohort's own row, and all cohorts pooled


NEED_LABELS = {"financing": "Finansiering", "skills": "Kompetensutveckling",
               "marketing_customers": "Utveckling, marknadsföring och nya kundgrupper"}


# The need of the regional action plan ("finansiering och kompetensutveckling ... utvecklas och
# marknadsföras samt nå nya kundgrupper", reference/domain.md §1) each SE10 activity type answers;
# a report choice, stated in its method section.
NEED_OF_ACTIVITY = {"financing_advice": "financing", "advice": "skills", "skills_training": "skills",
                    "procurement_training": "skills", "business_development": "marketing_customers",
                    "marketing": "marketing_customers", "networking": "marketing_customers"}


ACTIVITY_LABELS = {"advice": "rådgivning", "skills_training": "utbildning och kompetensutveckling",
                   "procurement_training": "upphandlingsutbildning (anbudsskola)", "marketing": "marknadsföring",
                   "networking": "nätverksträffar", "business_development": "affärsutveckling",
                   "financing_advice": "finansieringsrådgivning"}


AGREEMENT_LABELS = {"iop": "idéburet offentligt partnerskap (IOP)", "lou_contract": "avtal efter upphandling (LOU)",
                    "reserved_4_18": "reserverat kontrakt enligt 4 kap. 18 § LOU",
                    "reserved_19_6a": "reserverat kontrakt för idéburna, 19 kap. 6 a § LOU",
                    "direct_award": "direktupphandling", "work_training_places": "köp av arbetsträningsplatser",
                    "grant_agreement": "bidragsöverenskommelse", "other": "övrig överenskommelse"}


GRANT_LABELS = {"association_grant": "föreningsbidrag", "start_grant": "startstöd", "project_grant": "projektbidrag",
                "operating_grant": "verksamhetsbidrag", "other": "övrigt bidrag"}


RESERVED_LABELS = {"none": "utan reservation", "4_18": "reserverad enligt 4 kap. 18 § LOU",
                   "19_6a": "reserverad för idéburna organisationer enligt 19 kap. 6 a § LOU"}


PLACEMENT_LABELS = {"persons_started": "Började", "persons_ended": "Avslutade",
                    "ended_to_unsubsidised_work": "Till arbete utan stöd",
                    "ended_to_subsidised_work": "Till arbete med stöd", "ended_to_studies": "Till studier",
                    "participant_days": "Deltagardagar"}


DATASET_LABELS = {"enterprises": "Register över sociala företag", "supplier_invoices": "Leverantörsreskontra",
                  "agreements": "Avtal", "procurements": "Upphandlingar", "grants": "Bidrag",
                  "support_activities": "Stödinsatser", "placements": "Arbetsintegrering (placeringar)",
                  "annual_reports": "Företagens årsuppgifter", "municipal_actions": "Kommunens åtgärder",
                  "supplier_crosswalk": "Nyckel leverantör–organisationsnummer"}


SOURCES_SV = {"municipal register": "kommunens register", "Bolagsverket": "Bolagsverket", "SCB": "SCB",
              "supplier ledger": "leverantörsreskontran", "procurements": "upphandlingar", "agreements": "avtal",
              "grants": "bidrag", "support activities": "stödinsatser", "annual reports": "företagens årsuppgifter",
              "placements": "placeringar", "Kolada": "Kolada"}


# What a quarantine rule checks, in words (the part after the colon of meta.quarantine.rule).
RULE_LABELS = {"required": "uppgift saknas", "type": "kan inte läsas", "value_set": "otillåtet värde",
               "range": "utanför tillåtna värden", "check_digit": "felaktig kontrollsiffra",
               "known_municipality": "okänd kommunkod", "plausible_date": "orimligt datum",
               "unique": "förekommer mer än en gång i leveransen", "fields_match_header": "fler fält än rubrikraden"}


SOURCE_LABELS = {"kolada": "Kolada (RKA)", "scb": "SCB", "bolagsverket": "Bolagsverket"}


ORIGIN_LABELS = {"live": "hämtad direkt från källan", "snapshot": "sparad ögonblicksbild (offline)",
                 "fallback": "reserv: senaste fungerande ögonblicksbild"}


UNIT_LABELS = {"count": "antal", "SEK": "kronor", "%": "procent", "persons": "personer", "FTE": "årsarbetskrafter",
               "days": "dagar", "activities": "antal insatser", "enterprises": "antal företag",
               "per 10 000 inhabitants": "per 10 000 invånare",
               "per 1 000 inhabitants 16-64": "per 1 000 invånare 16–64 år"}

# Breakdown cells named in the report's text (the catalogue's target_breakdowns).
BREAKDOWN_LABELS = {("age_band", "16-24"): "16–24 år", ("age_band", "25-64"): "25–64 år", ("age_band", "65+"): "65 år och äldre"}
