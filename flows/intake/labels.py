"""The Swedish words of every inbox dataset: what the officials who keep the registers read.

For each dataset: its Swedish title, the file-name stem a delivery may use, who keeps the register
and when it is delivered; for each delivered column: the Swedish label (the header of the Excel
template, accepted as a header by every profile that does not name the column itself), a help text
(the template's input message and instruction sheet, at most 255 characters as Excel requires), and
for value sets the Swedish label of each code (the template's drop-down; read back as the code).

The contracts (``flows/datasets.py``) stay the one definition of columns and rules; this table only
adds words. A dataset without an entry still gets a template (``templates.py`` falls back to the
canonical names and the contract's descriptions), and ``tests/test_templates.py`` says which words
are missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Words:
    """One column in Swedish: label, help text and the labels of its codes (code -> label)."""

    label: str
    help: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DatasetWords:
    title: str  # "Bidrag"
    file_stem: str  # "bidrag": bidrag_2025.xlsx
    kept_by: str
    delivered: str
    columns: dict[str, Words]


_ORG_NR = "10 siffror, med eller utan bindestreck, t.ex. 556036-0793."
_KOMMUN = Words("Kommunkod", "Kommunens fyrsiffriga kommunkod (SCB), t.ex. 1814 för Lekeberg.")
_DATE = "Skriv datum som ÅÅÅÅ-MM-DD."
_KR = "Hela kronor eller med decimaler, inga negativa belopp."
_YES_NO = "Välj Ja eller Nej."
_ASSESSMENT = {"on_track": "Målen nås", "partly": "Målen nås delvis", "not_met": "Målen nås inte"}

WORDS: dict[str, DatasetWords] = {
    "enterprises": DatasetWords(
        "Sociala företag", "sociala_foretag",
        "Näringslivsenheten eller den som för kommunens register över sociala företag.",
        "Hela registret varje gång något ändrats, minst en gång per år (senast 31 januari). "
        "Den nya filen ersätter hela det tidigare registret.",
        {
            "org_nr": Words("Organisationsnummer", f"Företagets organisationsnummer, {_ORG_NR}"),
            "name": Words("Namn", "Företagets namn."),
            "municipality_code": _KOMMUN,
            "legal_form": Words("Juridisk form", "Frivilligt. T.ex. EK (ekonomisk förening), I (ideell förening), "
                                "S (stiftelse), AB."),
            "is_wise": Words("Arbetsintegrerande", "Ja om företaget uppfyller Tillväxtverkets fyra kriterier för "
                             "arbetsintegrerande sociala företag. " + _YES_NO),
            "criteria_assessed_on": Words("Kriterier bedömda", "Datum då kriterierna senast bedömdes. Tomt om de "
                                          "inte har bedömts. " + _DATE),
            "start_date": Words("Startdatum", "Datum då företaget startade. " + _DATE),
            "end_date": Words("Slutdatum", "Datum då företaget upphörde. Lämna tomt så länge det är verksamt. " + _DATE),
            "sni": Words("SNI-kod", "Frivilligt. Branschkod enligt SNI 2007, fem siffror, t.ex. 88990."),
            "cooperation_started": Words("Samarbete startade", "Frivilligt. Datum då kommunens samarbete med "
                                         "företaget började. " + _DATE),
            "note": Words("Anteckning", "Frivillig fritext. Skriv inga personuppgifter."),
        },
    ),
    "supplier_invoices": DatasetWords(
        "Leverantörsreskontra", "leverantorsreskontra",
        "Ekonomienheten: en export ur ekonomisystemet enligt den nationella specifikationen för "
        "leverantörsreskontra.",
        "En fil per månad eller per år.",
        {
            "kopare_id": Words("Köparens organisationsnummer", f"Kommunens organisationsnummer, {_ORG_NR}"),
            "kopare": Words("Köpare", "Kommunens namn."),
            "verifikationsnummer": Words("Verifikationsnummer", "Verifikationens nummer i ekonomisystemet."),
            "leverantor": Words("Leverantör", "Leverantörens namn."),
            "leverantor_id": Words("Leverantörens organisationsnummer", f"Leverantörens organisationsnummer, {_ORG_NR}"),
            "konto_nr": Words("Kontonummer", "Konto enligt Kommun-Bas."),
            "konto_text": Words("Kontotext", "Kontots benämning."),
            "bokforingsdatum": Words("Bokföringsdatum", "Datum då fakturan bokfördes. " + _DATE),
            "forvaltning": Words("Förvaltning", "Förvaltningen som köpte."),
            "fakturanummer": Words("Fakturanummer", "Leverantörens fakturanummer."),
            "nettobelopp": Words("Nettobelopp", "Belopp exklusive moms i kronor; negativt för kreditfakturor."),
            "kommun_id": Words("Köparens kommunkod", "Kommunens fyrsiffriga kommunkod (SCB)."),
        },
    ),
    "agreements": DatasetWords(
        "Avtal", "avtal",
        "Den som tecknar avtal med sociala företag och idéburna organisationer (upphandlingsenheten, "
        "förvaltningarna).",
        "Hela avtalsregistret, minst en gång per år (senast 31 januari). Den nya filen ersätter det tidigare registret.",
        {
            "agreement_id": Words("Avtals-id", "Kommunens egen beteckning på avtalet, t.ex. diarienummer. "
                                  "Varje avtal en gång i filen."),
            "municipality_code": _KOMMUN,
            "org_nr": Words("Motpartens organisationsnummer", f"Organisationsnummer för den andra parten, {_ORG_NR}"),
            "type": Words("Avtalstyp", "Välj avtalstyp i listan.", {
                "iop": "IOP (idéburet offentligt partnerskap)",
                "lou_contract": "Avtal efter upphandling (LOU)",
                "reserved_4_18": "Reserverat kontrakt (LOU 4 kap. 18 §)",
                "reserved_19_6a": "Reserverat kontrakt (LOU 19 kap. 6 a §)",
                "direct_award": "Direktupphandling",
                "work_training_places": "Köp av arbetsträningsplatser",
                "grant_agreement": "Överenskommelse om bidrag",
                "other": "Annat",
            }),
            "start_date": Words("Startdatum", "Datum då avtalet börjar gälla. " + _DATE),
            "end_date": Words("Slutdatum", "Datum då avtalet upphör. Lämna tomt om det gäller tills vidare. " + _DATE),
            "annual_value_sek": Words("Årligt värde (kr)", "Vad kommunen åtar sig per år enligt avtalet. "
                                      "Tomt om det inte går att ange. " + _KR),
            "description": Words("Beskrivning", "Frivilligt. Kort beskrivning av vad avtalet gäller. "
                                 "Skriv inga personuppgifter."),
            "goal_places_per_year": Words("Mål: platser per år", "Frivilligt. Hur många personer avtalet ska ge "
                                          "plats i arbetsintegrering per år, heltal. Jämförs med utfallet i "
                                          "rapporten."),
            "goals": Words("Mål i ord", "Frivilligt. Avtalets mål med egna ord. Stannar i databasen och skrivs "
                           "inte ut i rapporten. Skriv inga personuppgifter."),
            "ledger_account": Words("Konto", "Frivilligt. Kontot i ekonomisystemet där betalningarna enligt avtalet "
                                    "bokförs, t.ex. 46120. Då kan köpen jämföras med avtalet."),
            "follow_up_due": Words("Nästa uppföljning", "Frivilligt. Datum då avtalet ska följas upp nästa gång. "
                                   + _DATE),
            "followed_up_on": Words("Senast uppföljt", "Frivilligt. Datum för den senaste uppföljningen. Tomt om "
                                    "avtalet inte har följts upp. " + _DATE),
            "assessment_municipality": Words("Kommunens bedömning", "Frivilligt. Kommunens bedömning vid senaste "
                                             "uppföljningen. Välj i listan.", _ASSESSMENT),
            "assessment_counterpart": Words("Motpartens bedömning", "Frivilligt. Motpartens egen bedömning vid "
                                            "senaste uppföljningen. Välj i listan.", _ASSESSMENT),
            "assessment_text": Words("Bedömning i ord", "Frivilligt. Uppföljningens bedömning med egna ord. Stannar "
                                     "i databasen och skrivs inte ut i rapporten. Skriv inga personuppgifter."),
            "renewal": Words("Beslut om förlängning", "Frivilligt. Vad som är beslutat om avtalet efter slutdatum. "
                             "Lämna tomt om inget är beslutat.", {
                                 "extend": "Förlängs",
                                 "replace": "Ersätts av nytt avtal",
                                 "end": "Avslutas",
                                 "under_review": "Utreds",
                             }),
        },
    ),
    "procurements": DatasetWords(
        "Upphandlingar", "upphandlingar",
        "Upphandlingsenheten.",
        "Varje månad eller kvartal: de upphandlingar som publicerats under perioden.",
        {
            "procurement_id": Words("Upphandlings-id", "Kommunens beteckning på upphandlingen, t.ex. diarienummer. "
                                    "Varje upphandling en gång i filen."),
            "municipality_code": _KOMMUN,
            "published_date": Words("Publiceringsdatum", "Datum då upphandlingen publicerades. " + _DATE),
            "title": Words("Rubrik", "Upphandlingens rubrik."),
            "estimated_value_sek": Words("Uppskattat värde (kr)", "Kontraktets uppskattade värde. Tomt om det "
                                         "saknas. " + _KR),
            "procedure": Words("Förfarande", "Upphandlingsförfarande, t.ex. öppet, förenklat, direktupphandling. "
                               "Tomt om det saknas."),
            "reserved": Words("Reserverad", "Om upphandlingen är reserverad enligt LOU. Välj i listan.", {
                "none": "Nej",
                "4_18": "Ja, LOU 4 kap. 18 §",
                "19_6a": "Ja, LOU 19 kap. 6 a §",
            }),
            "employment_requirement": Words("Sysselsättningskrav", "Ja om kontraktet kräver att personer långt "
                                            "från arbetsmarknaden anställs. " + _YES_NO),
            "social_criteria": Words("Sociala hänsyn", "Ja om upphandlingen ställer andra sociala krav eller "
                                     "kriterier. " + _YES_NO),
            "awarded_org_nrs": Words("Tilldelade organisationsnummer", "Organisationsnummer för de leverantörer som "
                                     "tilldelades kontrakt, flera skiljs med |. Tomt om ingen har tilldelats."),
            "requirements_followed_up": Words("Kraven uppföljda", "Frivilligt. Ja om sysselsättningskravet eller de "
                                              "sociala kraven har följts upp under avtalstiden, Nej om inte. Tomt om "
                                              "det inte är känt än."),
        },
    ),
    "grants": DatasetWords(
        "Bidrag", "bidrag",
        "Den förvaltning som beslutar om förenings-, projekt- och verksamhetsbidrag.",
        "Varje månad eller kvartal: de bidrag som beslutades under perioden.",
        {
            "grant_id": Words("Bidrags-id", "Kommunens beteckning på bidragsbeslutet, t.ex. diarienummer. "
                              "Varje beslut en gång i filen."),
            "municipality_code": _KOMMUN,
            "org_nr": Words("Mottagarens organisationsnummer", f"Organisationsnummer för den som får bidraget, {_ORG_NR}"),
            "decision_date": Words("Beslutsdatum", "Datum för bidragsbeslutet. " + _DATE),
            "amount_sek": Words("Belopp (kr)", "Beviljat belopp. " + _KR),
            "grant_type": Words("Bidragstyp", "Välj bidragstyp i listan.", {
                "association_grant": "Föreningsbidrag",
                "start_grant": "Startbidrag",
                "project_grant": "Projektbidrag",
                "operating_grant": "Verksamhetsbidrag",
                "other": "Annat bidrag",
            }),
        },
    ),
    "support_activities": DatasetWords(
        "Stödinsatser", "stodinsatser",
        "Näringslivsenheten eller den som anordnar rådgivning, utbildning och nätverk för sociala företag.",
        "Varje månad eller kvartal: insatserna under perioden.",
        {
            "activity_id": Words("Insats-id", "Kommunens beteckning på insatsen. Varje insats en gång i filen."),
            "municipality_code": _KOMMUN,
            "date": Words("Datum", "Datum för insatsen. " + _DATE),
            "type": Words("Typ av insats", "Välj typ av insats i listan.", {
                "advice": "Rådgivning",
                "skills_training": "Kompetensutveckling",
                "procurement_training": "Utbildning i upphandling",
                "marketing": "Marknadsföring",
                "networking": "Nätverkande",
                "business_development": "Affärsutveckling",
                "financing_advice": "Finansieringsrådgivning",
            }),
            "arranger": Words("Arrangör", "Vem som anordnade insatsen, t.ex. näringslivsenheten eller Coompanion."),
            "org_nr": Words("Organisationsnummer", "Företaget som fick stödet, " + _ORG_NR + " Tomt för öppna "
                            "evenemang."),
            "participants": Words("Antal deltagare", "Antal personer som deltog, heltal."),
        },
    ),
    "placements": DatasetWords(
        "Placeringar", "placeringar",
        "Arbetsmarknadsenheten. Endast antal per grupp, aldrig uppgifter om enskilda personer.",
        "En gång per år (senast 31 januari för föregående år).",
        {
            "municipality_code": _KOMMUN,
            "year": Words("År", "Kalenderåret som antalen gäller, t.ex. 2025."),
            "org_nr": Words("Organisationsnummer", f"Det sociala företag där personerna är placerade, {_ORG_NR}"),
            "referrer": Words("Remitterande enhet", "Vem som anvisade personerna, t.ex. arbetsmarknadsenheten, "
                              "socialtjänsten, Arbetsförmedlingen."),
            "placement_type": Words("Typ av placering", "Välj typ av placering i listan.", {
                "work_training": "Arbetsträning",
                "internship": "Praktik",
                "subsidised_job": "Anställning med stöd",
                "unsubsidised_job": "Anställning utan stöd",
            }),
            "sex": Words("Kön", "K för kvinnor, M för män."),
            "age_band": Words("Åldersgrupp", "Välj 16-24, 25-64 eller 65+."),
            "persons_started": Words("Antal som började", "Personer som började en placering under året."),
            "persons_ended": Words("Antal som avslutade", "Personer vars placering avslutades under året."),
            "ended_to_unsubsidised_work": Words("Avslutade till arbete utan stöd", "Av de som avslutade: antal "
                                                "som gick till arbete utan lönestöd."),
            "ended_to_subsidised_work": Words("Avslutade till arbete med stöd", "Av de som avslutade: antal som "
                                              "gick till arbete med lönestöd."),
            "ended_to_studies": Words("Avslutade till studier", "Av de som avslutade: antal som gick till studier."),
            "participant_days": Words("Deltagardagar", "Summan av alla personers deltagardagar under året."),
        },
    ),
    "annual_reports": DatasetWords(
        "Årsuppgifter", "arsrapporter",
        "Företagen själva, med samtycke; kommunens kontaktperson samlar in och lämnar uppgifterna.",
        "En gång per år, när företagens årsredovisningar är klara (senast 30 september året efter).",
        {
            "org_nr": Words("Organisationsnummer", f"Företagets organisationsnummer, {_ORG_NR}"),
            "year": Words("Räkenskapsår", "Året som uppgifterna gäller, t.ex. 2024."),
            "turnover_sek": Words("Nettoomsättning (kr)", "Nettoomsättning enligt årsredovisningen. Tomt om "
                                  "uppgiften saknas. " + _KR),
            "revenue_public_sek": Words("Intäkter från offentlig sektor (kr)", "Intäkter från alla offentliga "
                                        "aktörer. Tomt om uppgiften saknas. " + _KR),
            "revenue_from_municipality_sek": Words("Intäkter från kommunen (kr)", "Intäkter från den kommun som "
                                                   "lämnar uppgifterna. Tomt om uppgiften saknas. " + _KR),
            "employees_k": Words("Anställda kvinnor", "Antal anställda kvinnor den 31 december."),
            "employees_m": Words("Anställda män", "Antal anställda män den 31 december."),
            "participants_k": Words("Deltagare kvinnor", "Kvinnor i arbetsintegrerande verksamhet under året."),
            "participants_m": Words("Deltagare män", "Män i arbetsintegrerande verksamhet under året."),
            "fte": Words("Årsarbetskrafter", "De anställdas arbetstid omräknad till heltider, t.ex. 4,5."),
            "participant_fte": Words("Årsarbetskrafter deltagare", "Deltagarnas tid i arbetsintegrerande "
                                     "verksamhet omräknad till heltider, t.ex. 2,5. Tomt om uppgiften saknas."),
        },
    ),
    "municipal_actions": DatasetWords(
        "Kommunens åtgärder", "kommunens_atgarder",
        "Kommunledningsförvaltningen eller näringslivsenheten: den som samordnar kommunens arbete med sociala företag.",
        "Hela registret varje gång något har tillkommit, minst en gång per år (senast 31 januari). Den nya filen "
        "ersätter det tidigare registret.",
        {
            "action_id": Words("Åtgärds-id", "Kommunens egen beteckning på åtgärden. Varje åtgärd en gång i filen."),
            "municipality_code": _KOMMUN,
            "decision_date": Words("Datum", "Datum för beslutet, eller dagen då mötet hölls. " + _DATE),
            "decision_body": Words("Beslutande organ", "Vem som beslutade eller genomförde åtgärden. Välj i listan.", {
                "kf": "Kommunfullmäktige",
                "ks": "Kommunstyrelsen",
                "committee": "Nämnd",
                "administration": "Förvaltning",
            }),
            "diarienummer": Words("Diarienummer", "Frivilligt. Beslutets diarienummer, t.ex. KS 2023/41. Skrivs ut i "
                                  "rapporten så att beslutet kan hittas."),
            "action_type": Words("Typ av åtgärd", "Välj typ av åtgärd i listan.", {
                "policy_strategy": "Policy eller strategi",
                "budget_decision": "Budgetbeslut",
                "procurement_guideline": "Riktlinje för upphandling",
                "dialogue_meeting": "Dialogmöte",
                "network_meeting": "Nätverksmöte",
                "agreement_decision": "Beslut om avtal",
                "staff_assignment": "Uppdrag till förvaltningen",
                "lead_review": "Granskning av nya sociala företag",
                "follow_up": "Uppföljning",
                "other": "Annan åtgärd",
            }),
            "title": Words("Rubrik", "Beslutets eller åtgärdens rubrik. Stannar i databasen och skrivs inte ut i "
                           "rapporten. Skriv inga personuppgifter."),
            "description": Words("Beskrivning av åtgärden", "Frivilligt. Vad som beslutades eller gjordes. Stannar i "
                                 "databasen. Skriv inga personuppgifter."),
            "responsible_unit": Words("Ansvarig enhet", "Den enhet som ansvarar för att åtgärden genomförs. Välj i "
                                      "listan. Lämna tomt om ingen är utsedd: då tas det upp under Att besluta.", {
                                          "municipal_management": "Kommunledningen",
                                          "business_development": "Näringslivsenheten",
                                          "labour_market": "Arbetsmarknadsenheten",
                                          "social_services": "Socialförvaltningen",
                                          "procurement": "Upphandlingsenheten",
                                          "culture_leisure": "Kultur- och fritidsförvaltningen",
                                          "other": "Annan enhet",
                                      }),
            "budget_sek": Words("Budget (kr)", "Frivilligt. Pengar som har avsatts för åtgärden. " + _KR),
            "action_plan_area": Words("Handlingsplanens område", "Frivilligt. Det område i Region Örebro läns "
                                      "handlingsplan 2022–2025 som åtgärden hör till. Välj i listan.", {
                                          "AP1": "1 Förståelse och statistik",
                                          "AP2a": "2 Stärka och utveckla sociala företag",
                                          "AP2b": "2 Finansiering och stödfunktioner",
                                          "AP2c": "2 Kunskap om upphandling och samverkan",
                                          "AP2d": "2 Mer upphandling från den sociala ekonomin",
                                          "AP3": "3 Nätverk och mötesplatser",
                                      }),
            "link": Words("Länk", "Frivilligt. Adress till beslutet, t.ex. protokollet på kommunens webbplats."),
        },
    ),
    "supplier_crosswalk": DatasetWords(
        "Nyckel leverantör–organisationsnummer", "leverantorsnyckel",
        "Ekonomienheten, när leverantörsreskontran saknar organisationsnummer. Utkast: socek suppliers.",
        "När en ny leverantör utan organisationsnummer dyker upp; hela nyckeln lämnas varje gång.",
        {
            "leverantor_internal_id": Words("Leverantörsnummer", "Leverantörens nummer i ert ekonomisystem, "
                                            "som i leverantörsreskontran. Tomt om bara namnet finns."),
            "leverantor": Words("Leverantörsnamn", "Leverantörens namn som det står i leverantörsreskontran."),
            "org_nr": Words("Organisationsnummer", f"Det organisationsnummer leverantören har, {_ORG_NR}"),
            "reviewed_by": Words("Granskad av", "Vem som har kontrollerat att leverantören är rätt företag."),
            "reviewed_on": Words("Granskad datum", "När kopplingen kontrollerades. " + _DATE),
        },
    ),
}


def words_for(dataset: str, column: str) -> Words | None:
    """The Swedish words of one column, or None when the table has none."""
    entry = WORDS.get(dataset)
    return entry.columns.get(column) if entry else None


def label(dataset: str, column: str) -> str | None:
    words = words_for(dataset, column)
    return words.label if words else None
