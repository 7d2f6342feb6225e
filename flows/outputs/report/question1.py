"""Section 2 (Q1): how the municipality works to get more social enterprises."""

from __future__ import annotations

from flows.outputs.report.charts import Series, bar_chart, line_chart
from flows.outputs.report.data import ReportData
from flows.outputs.report.html import (
    capitalized,
    esc,
    section,
    sv_number,
    sv_percent,
    sv_sek,
    table,
)
from flows.outputs.report.labels import (
    ACTIVITY_LABELS,
    AGREEMENT_LABELS,
    GRANT_LABELS,
    NEED_LABELS,
    NEED_OF_ACTIVITY,
    SECTIONS,
    SURVIVAL_CELLS,
)
from flows.outputs.report.summary import support_totals
from flows.outputs.report.text import Notes, count_word, figure_cell


def question1_section(data: ReportData) -> str:
    parts = [_q1_enterprises(data), _q1_support(data), _q1_money(data), _q1_procurement(data),
             _q1_partnerships(data), _q1_candidates(data)]
    return section("fraga-1", 2, SECTIONS[1][1], "".join(parts))


def _series(data: ReportData, indicator: str, unit: str, code: str | None = None) -> tuple[float | None, ...]:
    return tuple(data.number(indicator, unit, y, code) for y in data.years)


def _q1_enterprises(data: ReportData) -> str:
    labels = [str(y) for y in data.years]
    region = data.region_code
    html = ["<h3>Sociala företag över tid</h3>",
            f"<p>Antal sociala företag i kommunens register som var verksamma den 31 december, nystartade under "
            f"året och hur många som finns kvar tre år efter start, jämfört med {esc(data.region_name)}.</p>"]
    per_10k = _series(data, "SE01", "per 10 000 inhabitants")
    if any(v is not None for v in per_10k):
        html.append(line_chart(
            "diagram-foretag", "Verksamma sociala företag per 10 000 invånare", labels,
            [Series(data.name, per_10k), Series(data.region_name, _series(data, "SE01", "per 10 000 inhabitants", region),
                                                dashed=True)],
            unit_label="per 10 000 invånare", value_text=lambda v: sv_number(v, 1),
            caption="Källa: kommunernas register över sociala företag; befolkning: SCB."))
    else:
        html.append(line_chart(
            "diagram-foretag", "Verksamma sociala företag (antal)", labels,
            [Series(data.name, _series(data, "SE01", "count"))], unit_label="antal",
            caption="Källa: kommunens register över sociala företag."))
    html.append(bar_chart("diagram-nystartade", "Nystartade sociala företag (antal)", labels,
                          [Series(data.name, _series(data, "SE02", "count"))], unit_label="antal",
                          caption="Källa: kommunens register över sociala företag."))
    notes = Notes()
    rows = []
    for y in data.years:
        rows.append([str(y), figure_cell(data.value("SE01", "count", y), notes),
                     figure_cell(data.value("SE01", "per 10 000 inhabitants", y), notes),
                     figure_cell(data.value("SE02", "count", y), notes),
                     figure_cell(data.value("SE01", "count", y, region), notes),
                     figure_cell(data.value("SE01", "per 10 000 inhabitants", y, region), notes),
                     figure_cell(data.value("SE02", "count", y, region), notes)])
    html.append(table(["År", f"Verksamma, {esc(data.name)}", "per 10 000 inv.", "Nystartade",
                       "Verksamma, länet", "per 10 000 inv.", "Nystartade, länet"], rows,
                      caption="Sociala företag per år"))
    html.append(notes.html())
    html.append(_survival(data))
    return "".join(html)


def _survival(data: ReportData) -> str:
    """SE03 per cohort period and pooled over all cohorts, municipality and county."""
    notes = Notes()
    cells = sorted({(k[2], k[4], k[5]) for k in data.values
                    if k[0] == "SE03" and k[3] == "T" and k[6] == "%" and (k[4], k[5]) in SURVIVAL_CELLS
                    and int(k[2][-4:]) <= data.year})
    rows = []
    for period, breakdown, value in sorted(cells, key=lambda c: (c[2] == "pooled", c[0])):
        rows.append([esc(survival_label(period, value)),
                     figure_cell(data.value("SE03", "%", period, breakdown=breakdown, breakdown_value=value), notes,
                                 nothing="inga nystartade"),
                     figure_cell(data.value("SE03", "%", period, data.region_code, breakdown=breakdown,
                                            breakdown_value=value), notes, nothing="inga nystartade")])
    if not rows:
        return "<p class=\"note\">Överlevnad efter tre år: uppgift saknas.</p>"
    return ("<h4>Överlevnad tre år efter start</h4>"
            "<p>Andel av de sociala företag som startade ett visst år som fortfarande var verksamma tre år senare. "
            "Eftersom få företag startar varje år redovisas också alla startår sammantagna.</p>"
            + table(["Startår – uppföljningsår", esc(data.name), esc(data.region_name)], rows,
                    caption="Överlevnad efter tre år (procent)") + notes.html())


def survival_label(period: str, breakdown_value: str) -> str:
    """A cohort's label: its start year and follow-up year; the pooled row names the start years it
    covers (first_year to last_year - 3), not its whole observation window."""
    first, last = (int(part) for part in period.split("-"))
    if breakdown_value == "pooled":
        return f"startår {first}–{last - 3}, vart och ett följt i tre år"
    return f"{first}–{last}"


def _q1_support(data: ReportData) -> str:
    y, region = data.year, data.region_code
    html = ["<h3>Stödinsatser efter handlingsplanens behov</h3>",
            "<blockquote>”De sociala företagen har särskilda behov av stöd, både vad gäller finansiering och "
            "kompetensutveckling, men också hur deras produkter, tjänster och service kan utvecklas och "
            "marknadsföras samt nå nya kundgrupper.” – Regional handlingsplan för civilsamhälle och social "
            "ekonomi 2022–2025, Region Örebro län</blockquote>"]
    by_year = {year: support_totals(data, data.code, year) for year in data.years}
    if not any(by_year.values()):
        return "".join(html) + "<p class=\"missing\">Kommunen har inte levererat uppgifter om stödinsatser.</p>"
    series = [Series(label, tuple(by_year[year].get(need, 0.0) if by_year[year] else None for year in data.years))
              for need, label in NEED_LABELS.items()]
    html.append(bar_chart("diagram-stod", "Stödinsatser per år efter behov (antal)", [str(v) for v in data.years],
                          series, unit_label="antal insatser", caption="Källa: kommunens register över stödinsatser."))
    notes = Notes()
    mine = data.breakdown("SE10", "activities", y, "activity_type")
    order = list(NEED_LABELS)
    rows = [[esc(NEED_LABELS[NEED_OF_ACTIVITY[kind]]), esc(ACTIVITY_LABELS.get(kind, kind)), figure_cell(found, notes),
             figure_cell(data.value("SE10", "enterprises", y, breakdown="activity_type", breakdown_value=kind), notes),
             figure_cell(data.value("SE10", "activities", y, region, breakdown="activity_type",
                                    breakdown_value=kind), notes)]
            for kind, found in sorted(mine.items(), key=lambda item: (order.index(NEED_OF_ACTIVITY[item[0]]), item[0]))
            if kind in NEED_OF_ACTIVITY]
    html.append(table(["Behov", "Typ av insats", f"Insatser {y}", "Företag som fått stöd", f"Insatser i länet {y}"],
                      rows, numeric_from=2, caption=f"Stödinsatser {y} efter behov och typ"))
    html.append(notes.html())
    return "".join(html)


def _q1_money(data: ReportData) -> str:
    region, labels = data.region_code, [str(y) for y in data.years]
    html = ["<h3>Ekonomiskt stöd och kommunens köp</h3>",
            "<p>Bidrag som kommunen beslutat till sociala företag, och kommunens köp från sociala företag enligt "
            "leverantörsreskontran, i kronor och som andel av kommunens alla köp. IOP och andra partnerskap "
            "räknas inte som köp.</p>"]
    share = _series(data, "SE04", "%")
    if any(v is not None for v in share) or any(v is not None for v in _series(data, "SE04", "%", region)):
        html.append(line_chart("diagram-kop", "Köp från sociala företag, andel av kommunens köp (%)", labels,
                               [Series(data.name, share), Series(data.region_name, _series(data, "SE04", "%", region),
                                                                  dashed=True)],
                               unit_label="procent", value_text=lambda v: sv_percent(v),
                               caption="Källa: kommunernas leverantörsreskontra och register över sociala företag."))
    grants = _series(data, "SE09", "SEK")
    if any(v is not None for v in grants):
        html.append(bar_chart("diagram-bidrag", "Bidrag till sociala företag (kronor)", labels,
                              [Series(data.name, grants)], unit_label="kronor", value_text=sv_sek,
                              caption="Källa: kommunens register över bidrag."))
    notes = Notes()
    rows = [[str(y), figure_cell(data.value("SE04", "SEK", y), notes), figure_cell(data.value("SE04", "%", y), notes),
             figure_cell(data.value("SE05", "count", y), notes), figure_cell(data.value("SE09", "SEK", y), notes),
             figure_cell(data.value("SE09", "count", y), notes), figure_cell(data.value("SE04", "%", y, region), notes)]
            for y in data.years]
    html.append(table(["År", "Köp från sociala företag", "Andel av alla köp", "Sociala företag som leverantörer",
                       "Bidrag", "Företag med bidrag", "Andel av alla köp, länet"], rows,
                      caption="Köp och bidrag per år"))
    grant_types = data.breakdown("SE09", "SEK", data.year, "grant_type")
    if grant_types:
        rows = [[esc(capitalized(GRANT_LABELS.get(k, k))), figure_cell(v, notes)] for k, v in grant_types.items()]
        html.append(table(["Typ av bidrag", f"Belopp {data.year}"], rows, caption=f"Bidrag {data.year} efter typ"))
    html.append(notes.html())
    return "".join(html)


def _q1_procurement(data: ReportData) -> str:
    region = data.region_code
    notes = Notes()
    rows = [[str(y), figure_cell(data.value("SE06", "count", y), notes), figure_cell(data.value("SE06", "SEK", y), notes),
             figure_cell(data.value("SE06", "%", y), notes), figure_cell(data.value("SE07", "%", y), notes),
             figure_cell(data.value("SE06", "%", y, region), notes), figure_cell(data.value("SE07", "%", y, region), notes)]
            for y in data.years]
    return ("<h3>Upphandling</h3><p>Upphandlingar som reserverats för sociala företag (4 kap. 18 § LOU) eller "
            "idéburna organisationer (19 kap. 6 a § LOU), och upphandlingar med sysselsättningskrav eller sociala "
            "hänsyn.</p>"
            + table(["År", "Reserverade", "Uppskattat värde", "Andel reserverade", "Andel med sociala krav",
                     "Andel reserverade, länet", "Andel med sociala krav, länet"], rows,
                    caption="Reserverade upphandlingar och upphandlingar med sociala krav")
            + notes.html())


def _q1_partnerships(data: ReportData) -> str:
    notes = Notes()
    y = data.year
    rows = [[str(year), figure_cell(data.value("SE08", "count", year), notes),
             figure_cell(data.value("SE08", "SEK", year), notes)] for year in data.years]
    html = ["<h3>IOP och andra partnerskap</h3>",
            "<p>Aktiva idéburna offentliga partnerskap (IOP) och bidragsöverenskommelser med sociala företag och "
            "idéburna organisationer, och det årliga belopp kommunen åtagit sig.</p>",
            table(["År", "Aktiva partnerskap", "Årligt belopp"], rows, caption="Partnerskap per år")]
    by_type = data.breakdown("SE08", "count", y, "agreement_type")
    if by_type:
        rows = [[esc(capitalized(AGREEMENT_LABELS.get(k, k))), figure_cell(v, notes),
                 figure_cell(data.value("SE08", "SEK", y, breakdown="agreement_type", breakdown_value=k), notes)]
                for k, v in by_type.items()]
        html.append(table(["Typ", f"Aktiva {y}", f"Årligt belopp {y}"], rows, caption=f"Partnerskap {y} efter typ"))
    html.append(notes.html())
    return "".join(html)


def _q1_candidates(data: ReportData) -> str:
    mine = data.candidates.get(data.code, {})
    county = data.candidates.get(data.region_code, {})
    if not mine.get("bulk_files_loaded"):
        text = ("Bolagsverkets och SCB:s registerfiler har inte lästs in ännu, så granskningslistan är tom "
                "(uppgift saknas).")
    else:
        text = (f"Granskningslistan innehåller {count_word(mine.get('candidates'), 'organisation', 'organisationer')} "
                f"med postort i kommunen och {count_word(county.get('candidates'), 'organisation', 'organisationer')} "
                f"i hela länet ({sv_number(county.get('unplaced'))} av dem utan känd kommun): föreningar och "
                "stiftelser i den sociala ekonomin med verksamhet inom socialt arbete (SNI 88) som inte finns i något "
                "kommunalt register. De är kandidater att pröva mot kriterierna, inte sociala företag. "
                "Kommuntillhörigheten bygger på postorten och är ungefärlig.")
    return f"<h3>Granskningslistan</h3><p id=\"granskningslistan\">{esc(text)}</p>"
