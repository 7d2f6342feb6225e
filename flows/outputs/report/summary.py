"""The summary: key figures, and the short answers to the motion's two questions."""

from __future__ import annotations

from collections import defaultdict

from flows.outputs.report.data import ReportData, Value
from flows.outputs.report.html import (
    NBSP,
    esc,
    section,
    sv_date,
    sv_number,
    sv_percent,
    sv_sek,
)
from flows.outputs.report.labels import (
    AGREEMENT_LABELS,
    MOTION_YEAR,
    NEED_LABELS,
    NEED_OF_ACTIVITY,
    PLACEMENT_LABELS,
)
from flows.outputs.report.text import (
    and_list,
    card_figure,
    change_word,
    count_word,
    phrase,
)


def summary_section(data: ReportData) -> str:
    y = data.year
    stock = data.value("SE01", "count", y)
    new = data.value("SE02", "count", y)
    purchases = data.value("SE04", "SEK", y)
    cards = [
        ("Verksamma sociala företag", f"vid utgången av {y}", stock),
        ("Nystartade sociala företag", f"under {y}", new),
        ("Stödinsatser för sociala företag", f"under {y}", data.value("SE10", "activities", y)),
        ("Kommunens köp från sociala företag", f"under {y}", purchases),
    ]
    for enterprise in cooperations_of(data):
        bought = timeline_value(enterprise["rows"], "purchases", "amount", str(y))
        cards.append((f"Köp från {enterprise['name']}", f"under {y}", bought))
    card_html = "".join(
        f"<div class=\"card\"><span class=\"figure\">{card_figure(v)}</span>"
        f"<span class=\"label\">{esc(label)} {esc(when)}</span></div>" for label, when, v in cards)
    body = (f"<div class=\"cards\">{card_html}</div>"
            f"<h3>Svar på fråga 1: hur kommunen arbetar för att få fler sociala företag</h3>"
            f"<div class=\"answer\" id=\"svar-fraga-1\">{q1_answer(data)}</div>"
            f"<h3>Svar på fråga 2: hur samarbetet med det sociala företag som startade {MOTION_YEAR} går</h3>"
            f"<div class=\"answer\" id=\"svar-fraga-2\">{q2_answer(data)}</div>")
    return section("sammanfattning", 1, "Sammanfattning", body)


def q1_answer(data: ReportData) -> str:
    y, region = data.year, data.region_code
    sentences = []
    stock = data.number("SE01", "count", y)
    before = data.number("SE01", "count", y - 1)
    per_10k = data.number("SE01", "per 10 000 inhabitants", y)
    per_10k_county = data.number("SE01", "per 10 000 inhabitants", y, region)
    if stock is not None:
        text = (f"Vid utgången av {y} fanns {count_word(stock, 'verksamt socialt företag', 'verksamma sociala företag')} "
                f"i {esc(data.title)}{change_word(stock, before, y - 1)}.")
        if per_10k is not None and per_10k_county is not None:
            relation = "fler" if per_10k > per_10k_county else "färre" if per_10k < per_10k_county else "lika många"
            text += (f" Det är {sv_number(per_10k, 1)} per 10{NBSP}000 invånare, {relation} än i länet som helhet "
                     f"({sv_number(per_10k_county, 1)}).")
        sentences.append(text)
    else:
        sentences.append(f"Antalet verksamma sociala företag {y}: {esc(phrase(data.value('SE01', 'count', y)))}.")
    new = data.number("SE02", "count", y)
    if new is not None:
        sentences.append("Inga nya sociala företag startade under året." if new == 0 else
                         f"Under {y} startade {count_word(new, 'nytt socialt företag', 'nya sociala företag')}.")
    totals = support_totals(data, data.code, y)
    if totals:
        parts = [f"{sv_number(totals.get(need, 0))} om {NEED_LABELS[need].lower()}" for need in NEED_LABELS]
        sentences.append(
            f"Kommunen och dess samarbetsparter genomförde {count_word(totals['total'], 'stödinsats', 'stödinsatser')} "
            f"för sociala företag under {y}: {', '.join(parts[:-1])} och {parts[-1]} – de behov "
            "som den regionala handlingsplanen pekar ut.")
    purchases, share = data.value("SE04", "SEK", y), data.value("SE04", "%", y)
    if purchases is not None:
        if purchases.number is not None:
            text = f"Kommunen köpte varor och tjänster från sociala företag för {sv_sek(purchases.number)}"
            text += f" ({sv_percent(share.number)} av kommunens alla köp)." if share and share.number is not None else "."
        else:
            text = f"Beloppet för kommunens sammanlagda köp från sociala företag {y} {phrase(purchases)}."
        sentences.append(esc(text))
    grants = data.value("SE09", "SEK", y)
    if grants is not None and grants.number is not None:
        sentences.append(esc(f"Kommunen beslutade om bidrag till sociala företag på {sv_sek(grants.number)}."))
    elif grants is not None:
        sentences.append(esc(f"Beloppet för kommunens bidrag till sociala företag {y} {phrase(grants)}."))
    reserved, with_requirements = data.number("SE06", "count", y), data.number("SE07", "%", y)
    if reserved is not None:
        sentences.append(
            f"Under {y} var {'ingen upphandling' if reserved == 0 else count_word(reserved, 'upphandling', 'upphandlingar')} "
            "reserverad för sociala företag eller idéburna organisationer"
            + (f", och {sv_percent(with_requirements)} av upphandlingarna hade sysselsättningskrav eller sociala "
               "hänsyn." if with_requirements is not None else "."))
    partnerships = data.number("SE08", "count", y)
    if partnerships is not None:
        sentences.append("Inga partnerskap (IOP eller bidragsöverenskommelser) var aktiva under året."
                         if partnerships == 0 else
                         f"{sv_number(partnerships)} partnerskap (IOP eller bidragsöverenskommelser) var aktiva "
                         "under året.")
    candidates = data.candidates.get(data.code, {}).get("candidates")
    if candidates is not None:
        sentences.append(f"Granskningslistan innehåller {count_word(candidates, 'organisation', 'organisationer')} "
                         "i den sociala ekonomin med postort i kommunen som ännu inte finns i kommunens register.")
    return "<p>" + " ".join(sentences) + "</p>"


def q2_answer(data: ReportData) -> str:
    cooperations = cooperations_of(data)
    if not cooperations:
        return (f"<p>Kommunens register anger inget socialt företag som startade {MOTION_YEAR} och som kommunen "
                "har ett registrerat samarbete med. Frågan kan därför inte besvaras med registrets uppgifter.</p>")
    return "".join(_q2_paragraph(data, c) for c in cooperations)


def _q2_paragraph(data: ReportData, enterprise: dict) -> str:
    rows, name = enterprise["rows"], enterprise["name"]
    sentences = [f"Det sociala företag som startade {MOTION_YEAR} och som kommunen samarbetar med är "
                 f"{esc(name)}{'' if name.endswith('.') else '.'} Samarbetet inleddes "
                 f"{esc(sv_date(enterprise['cooperation_started']))}."]
    agreements = [r for r in rows if r["event_type"] == "agreement"]
    if agreements:
        kinds = ", ".join(dict.fromkeys(AGREEMENT_LABELS.get(r["event_kind"], r["event_kind"]) for r in agreements))
        sentences.append(f"Kommunen har {count_word(len(agreements), 'avtal', 'avtal')} med företaget ({esc(kinds)}).")
    purchases = [(r["year"], r) for r in rows if r["event_type"] == "purchases" and r["event_kind"] == "amount"
                 and r["year"] is not None]
    shown = [(y, r["value"]) for y, r in purchases if r["value"] is not None]
    if shown:
        total = sum(v for _, v in shown)
        first, last = shown[0], shown[-1]
        text = f"Kommunen har köpt från företaget för sammanlagt {sv_sek(total)} {first[0]}–{last[0]}"
        if len(shown) > 1:
            text += f", från {sv_sek(first[1])} {first[0]} till {sv_sek(last[1])} {last[0]}"
        sentences.append(esc(text) + ".")
    grants = [r["value"] for r in rows if r["event_type"] == "grant" and r["value"] is not None]
    if grants:
        sentences.append(esc(f"Företaget har fått bidrag från kommunen på sammanlagt {sv_sek(sum(grants))} "
                             f"({count_word(len(grants), 'beslut', 'beslut')})."))
    period = next((r["period"] for r in rows if r["event_type"] == "placements" and r["year"] is None), None)
    if period:
        sentences.append(esc(placement_sentence(period.replace("-", "–"), placement_cells(rows, period))))
    return "<p>" + " ".join(sentences) + "</p>"


def placement_sentence(period: str, cells: dict[str, Value | None]) -> str:
    """Persons who started, ended and where they went, for a year or the whole period, with a
    hidden count named as such. ``cells`` maps placement measures to their figures."""
    started, ended = cells.get("persons_started"), cells.get("persons_ended")
    if started is None or started.obs_status == "L":
        return "Uppgifter om arbetsintegrering i företaget har inte levererats."
    if started.suppressed:
        text = f"Antalet personer som började i arbetsintegrering {period} visas inte ({started.reason})."
    else:
        text = f"Under {period} började {sv_number(started.number)} personer i arbetsintegrering i företaget."
    if ended is None or not (ended.suppressed or ended.number):
        return text
    outcomes = {"ended_to_unsubsidised_work": "till arbete utan stöd", "ended_to_subsidised_work": "till arbete med stöd",
                "ended_to_studies": "till studier"}
    shown = [f"{sv_number(cells[k].number)} {label}" for k, label in outcomes.items()
             if cells.get(k) is not None and cells[k].number is not None]
    hidden = [k for k in outcomes if cells.get(k) is not None and cells[k].suppressed]
    if ended.suppressed:
        text += f" Antalet som avslutade visas inte ({ended.reason})."
    elif shown:
        text += f" Av de {sv_number(ended.number)} som avslutade gick {and_list(shown)}."
    else:
        text += f" {sv_number(ended.number)} personer avslutade."
    if hidden:
        text += (f" Antalet som gick {and_list([outcomes[k] for k in hidden])} visas inte "
                 f"({cells[hidden[0]].reason}).")
    return text


def cooperations_of(data: ReportData) -> list[dict]:
    """The enterprise(s) of question 2, each with its timeline rows."""
    by_org: dict[str, list[dict]] = defaultdict(list)
    for row in data.timeline:
        by_org[row["org_nr"]].append(row)
    return [{"org_nr": org, "name": rows[0]["enterprise_name"], "cooperation_started": rows[0]["cooperation_started"],
             "rows": rows} for org, rows in sorted(by_org.items())]


def placement_cells(rows: list[dict], period: str) -> dict[str, Value | None]:
    return {kind: timeline_value(rows, "placements", kind, period) for kind in PLACEMENT_LABELS}


def timeline_value(rows: list[dict], event_type: str, kind: str, period: str) -> Value | None:
    for r in rows:
        if r["event_type"] == event_type and r["event_kind"] == kind and r["period"] == period:
            return Value(r["value"], r["unit"], r["obs_status"], r["conf_status"], r["suppressed_reason"])
    return None


def support_totals(data: ReportData, code: str, year: int) -> dict[str, float]:
    """SE10 activities of the year per action-plan need, and in total; empty when not delivered."""
    totals: dict[str, float] = defaultdict(float)
    for activity_type, found in data.breakdown("SE10", "activities", year, "activity_type", code).items():
        if found.number is not None and activity_type in NEED_OF_ACTIVITY:
            totals[NEED_OF_ACTIVITY[activity_type]] += found.number
            totals["total"] += found.number
    return dict(totals)
