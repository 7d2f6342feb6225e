"""Section 3 (Q2): how the cooperation with the social enterprise started in 2022 is going."""

from __future__ import annotations

from flows.outputs.report.charts import Series, bar_chart
from flows.outputs.report.data import ReportData, Value
from flows.outputs.report.html import (
    capitalized,
    esc,
    section,
    suppressed_text,
    sv_date,
    sv_number,
    sv_percent,
    sv_sek,
    table,
)
from flows.outputs.report.labels import (
    ACTIVITY_LABELS,
    AGREEMENT_LABELS,
    GRANT_LABELS,
    MOTION_YEAR,
    PLACEMENT_LABELS,
    RESERVED_LABELS,
    SECTIONS,
)
from flows.outputs.report.summary import (
    cooperations_of,
    placement_cells,
    placement_sentence,
    timeline_value,
)
from flows.outputs.report.text import Notes, figure_cell


def question2_section(data: ReportData) -> str:
    cooperations = cooperations_of(data)
    if not cooperations:
        body = (f"<p>Kommunens register anger inget socialt företag som startade {MOTION_YEAR} och som kommunen har "
                "ett registrerat samarbete med (fältet för samarbetets start är tomt). Registrera samarbetets "
                "startdatum i registret över sociala företag så redovisas samarbetet här.</p>")
        return section("fraga-2", 3, SECTIONS[2][1], body)
    return section("fraga-2", 3, SECTIONS[2][1], "".join(_q2_enterprise(data, c) for c in cooperations))


def _q2_enterprise(data: ReportData, enterprise: dict) -> str:
    rows, org = enterprise["rows"], enterprise["org_nr"]
    started = next((r["event_date"] for r in rows if r["event_type"] == "enterprise_started"), None)
    html = [f"<h3>{esc(enterprise['name'])}</h3>",
            f"<p>Organisationsnummer {esc(org[:6] + '-' + org[6:])}. Företaget startade "
            f"{esc(sv_date(started))} och samarbetet med kommunen inleddes "
            f"{esc(sv_date(enterprise['cooperation_started']))}. Utbetalningar, bidrag och avtal med en namngiven "
            "leverantör är allmänna handlingar och redovisas därför per år. Antal personer redovisas bara när de är "
            f"minst {min_persons(data)}.</p>"]
    years = sorted({r["year"] for r in rows if r["event_type"] == "purchases" and r["year"] is not None})
    labels = [str(y) for y in years]
    purchases = tuple(_yearly(rows, "purchases", "amount", y) for y in years)
    grants = tuple(_grants_in(rows, y) for y in years)
    html.append(bar_chart(f"diagram-samarbete-{org}", "Kommunens köp och bidrag per år (kronor)", labels,
                          [Series("Köp", purchases), Series("Bidrag", grants)], unit_label="kronor", value_text=sv_sek,
                          caption="Källa: kommunens leverantörsreskontra och bidragsregister."))
    started_persons = tuple(_yearly(rows, "placements", "persons_started", y) for y in years)
    if any(v is not None for v in started_persons):
        html.append(bar_chart(f"diagram-personer-{org}", "Personer som började i arbetsintegrering per år", labels,
                              [Series("Började", started_persons)], unit_label="personer",
                              caption="År där antalet är färre än fem personer, eller skulle kunna räknas fram, "
                                      "visas inte."))
    html.append("<h4>Tidslinje</h4>")
    html.append(_timeline(rows))
    html.append("<h4>År för år</h4>")
    html.append(_yearly_table(data, rows, years))
    return "".join(html)


def min_persons(data: ReportData) -> int:
    return int((data.run or {}).get("min_person_count") or 5)


def _yearly(rows: list[dict], event_type: str, kind: str, year: int) -> float | None:
    found = timeline_value(rows, event_type, kind, str(year))
    return found.number if found else None


def _grants_in(rows: list[dict], year: int) -> float | None:
    values = [r["value"] for r in rows if r["event_type"] == "grant" and r["year"] == year and r["value"] is not None]
    return sum(values) if values else 0.0


def _event_note(row: dict) -> str:
    """One dated event in plain language."""
    kind, description = row["event_kind"], row["description"]
    value = row["value"]
    match row["event_type"]:
        case "enterprise_started":
            return "Företaget startar."
        case "wise_assessed":
            return ("Företaget bedöms uppfylla Tillväxtverkets fyra kriterier för ett arbetsintegrerande socialt "
                    "företag.")
        case "cooperation_started":
            return "Samarbetet med kommunen inleds."
        case "enterprise_ended":
            return "Företaget upphör."
        case "agreement":
            text = f"Avtal: {AGREEMENT_LABELS.get(kind, kind)}"
            if value is not None:
                text += f", {sv_sek(value)} per år"
            text += f", till och med {sv_date(row['end_date'])}." if row["end_date"] else ", tills vidare."
            return text + (f" ”{description}”" if description else "")
        case "grant":
            return f"Bidrag: {GRANT_LABELS.get(kind, kind)} på {sv_sek(value)}." if value is not None else \
                f"Bidrag: {GRANT_LABELS.get(kind, kind)}."
        case "support_activity":
            text = f"Stödinsats: {ACTIVITY_LABELS.get(kind, kind)}" + (f" ({description})" if description else "")
            if row["conf_status"] in ("C", "D"):
                return text + f". Antal deltagare: {suppressed_text(row['suppressed_reason'])}."
            return text + (f", {sv_number(value)} deltagare." if value is not None else ".")
        case "procurement_awarded":
            text = f"Tilldelas upphandlingen ”{description}”, {RESERVED_LABELS.get(kind, kind)}"
            return text + (f", uppskattat värde {sv_sek(value)}." if value is not None else ".")
    return esc(row["event_type"])


def _timeline(rows: list[dict]) -> str:
    dated = [r for r in rows if r["event_date"] is not None]
    items = []
    for r in dated:
        css = " class=\"has-suppressed\"" if r["conf_status"] in ("C", "D") else ""
        items.append(f"<li{css} data-event=\"{esc(r['event_type'])}\"><span class=\"when\">"
                     f"{esc(sv_date(r['event_date']))}</span> – {esc(_event_note(r))}</li>")
    return f"<ol class=\"timeline\">{''.join(items)}</ol>" if items else "<p class=\"missing\">Inga händelser.</p>"


def _yearly_table(data: ReportData, rows: list[dict], years: list[int]) -> str:
    """Money per year, then people per year (and over all years), then a note per year."""
    notes = Notes()
    money = [[str(y), figure_cell(timeline_value(rows, "purchases", "amount", str(y)), notes),
              figure_cell(timeline_value(rows, "purchases", "share_of_all_purchases", str(y)), notes),
              figure_cell(Value(_grants_in(rows, y), "SEK"), notes)] for y in years]
    periods = [str(y) for y in years] + sorted({r["period"] for r in rows
                                                if r["event_type"] == "placements" and r["year"] is None})
    people = [[esc(period.replace("-", "–"))] + [figure_cell(cell, notes) for cell in
                                                 placement_cells(rows, period).values()] for period in periods]
    sentences = "".join(f"<li>{s}</li>" for s in (_year_sentence(p, rows) for p in periods) if s)
    return (table(["År", "Kommunens köp", "Andel av kommunens alla köp", "Bidrag"], money,
                  caption="Kommunens pengar till företaget per år")
            + table(["År"] + list(PLACEMENT_LABELS.values()), people,
                    caption="Personer i arbetsintegrering i företaget per år")
            + notes.html() + f"<ul class=\"year-notes\">{sentences}</ul>")


def _year_sentence(period: str, rows: list[dict]) -> str:
    """A plain-language note for one year (or the whole period)."""
    label = period.replace("-", "–")
    money = []
    purchase = timeline_value(rows, "purchases", "amount", period)
    share = timeline_value(rows, "purchases", "share_of_all_purchases", period)
    if purchase is not None:
        if purchase.number is None:
            money.append("kommunens köp är inte kända (reskontran har inte levererats)")
        elif purchase.number == 0:
            money.append("kommunen köpte ingenting från företaget")
        else:
            money.append(f"kommunen köpte för {sv_sek(purchase.number)}"
                         + (f" ({sv_percent(share.number)} av kommunens alla köp)"
                            if share is not None and share.number is not None else ""))
    grants = [r["value"] for r in rows if r["event_type"] == "grant" and r["period"] == period and r["value"]]
    if grants:
        money.append(f"företaget fick bidrag på {sv_sek(sum(grants))}")
    text = capitalized(" och ".join(money)) + "." if money else ""
    cells = placement_cells(rows, period)
    if any(cells.values()):
        text += (" " if text else "") + placement_sentence(label, cells)
    return f"<strong>{esc(label)}:</strong> {esc(text)}" if text else ""
