"""The report's fixed words: section titles and the Swedish labels of every code the data use."""

from __future__ import annotations

MOTION_YEAR = 2022  # "det sociala företag som startade 2022" (export.report_cooperation_timeline)


SECTIONS = (
    ("sammanfattning", "Sammanfattning"),
    ("fraga-1", "Fråga 1: Hur arbetar kommunen för att få fler sociala företag?"),
    ("fraga-2", "Fråga 2: Hur går samarbetet med det sociala företag som startade 2022?"),
    ("agenda-2030", "Agenda 2030"),
    ("datakvalitet", "Datakvalitet"),
    ("metod-och-kallor", "Metod och källor"),
)


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


RESERVED_LABELS = {"none": "inte reserverad", "4_18": "reserverad enligt 4 kap. 18 § LOU",
                   "19_6a": "reserverad för idéburna organisationer enligt 19 kap. 6 a § LOU"}


PLACEMENT_LABELS = {"persons_started": "Började", "persons_ended": "Avslutade",
                    "ended_to_unsubsidised_work": "Till arbete utan stöd",
                    "ended_to_subsidised_work": "Till arbete med stöd", "ended_to_studies": "Till studier",
                    "participant_days": "Deltagardagar"}


DATASET_LABELS = {"enterprises": "Register över sociala företag", "supplier_invoices": "Leverantörsreskontra",
                  "agreements": "Avtal", "procurements": "Upphandlingar", "grants": "Bidrag",
                  "support_activities": "Stödinsatser", "placements": "Arbetsintegrering (placeringar)",
                  "annual_reports": "Företagens årsuppgifter"}


SOURCE_LABELS = {"kolada": "Kolada (RKA)", "scb": "SCB", "bolagsverket": "Bolagsverket"}


ORIGIN_LABELS = {"live": "hämtad direkt från källan", "snapshot": "sparad ögonblicksbild (offline)",
                 "fallback": "reserv: senaste fungerande ögonblicksbild"}


UNIT_LABELS = {"count": "antal", "SEK": "kronor", "%": "procent", "persons": "personer", "FTE": "årsarbetskrafter",
               "days": "dagar", "activities": "antal insatser", "enterprises": "antal företag",
               "per 10 000 inhabitants": "per 10 000 invånare",
               "per 1 000 inhabitants 16-64": "per 1 000 invånare 16–64 år"}

# Breakdown cells named in the report's text (the catalogue's target_breakdowns).
BREAKDOWN_LABELS = {("age_band", "16-24"): "16–24 år", ("age_band", "25-64"): "25–64 år", ("age_band", "65+"): "65 år och äldre"}
