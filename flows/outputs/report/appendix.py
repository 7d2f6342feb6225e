"""The closing sections: Agenda 2030, data quality, method and sources, and the footer."""

from __future__ import annotations

from flows.outputs.report.data import ReportData, Value
from flows.outputs.report.html import esc, iso_date, section, sv_date, sv_number, table
from flows.outputs.report.labels import (
    ACTIVITY_LABELS,
    BREAKDOWN_LABELS,
    DATASET_LABELS,
    NEED_LABELS,
    NEED_OF_ACTIVITY,
    ORIGIN_LABELS,
    SDG_TARGETS,
    SOURCE_LABELS,
    SURVIVAL_CELLS,
    UNIT_LABELS,
)
from flows.outputs.report.question2 import min_persons
from flows.outputs.report.text import Notes, figure_cell


def agenda_section(data: ReportData) -> str:
    y = data.year
    intro = ("<p>Indikatorerna kopplade till Agenda 2030-delmålen. Kommunens egna mått är <em>proxyindikatorer</em>: "
             "de speglar delmålet lokalt men är inte de officiella globala indikatorerna. Kontextmått är officiell "
             "statistik (Kolada) som beskriver läget i kommunen; de påverkas inte direkt av arbetet med sociala "
             "företag.</p>")
    if not data.catalogue:
        return section("agenda-2030", 4, "Agenda 2030", intro + "<p class=\"missing\">Indikatorkatalogen saknas i "
                       "databasen.</p>")
    notes = Notes()
    rows: list[list[str] | str] = []
    for target in SDG_TARGETS:
        indicators = [c for c in data.catalogue if target in _split(c["sdg_targets"])]
        name = data.targets.get(target, "")
        rows.append(f"<tr class=\"target\" data-target=\"{esc(target)}\"><th scope=\"rowgroup\" colspan=\"6\">"
                    f"Delmål {esc(target)}{': ' + esc(name) if name else ''}</th></tr>")
        if not indicators:
            rows.append("<tr><td colspan=\"6\" class=\"missing\">Ingen indikator i katalogen.</td></tr>")
        for indicator in indicators:
            unit = _split(indicator["units"])[0]
            cell = target_cell(indicator, target)
            period, mine = _latest(data, indicator["indicator_id"], unit, y, data.code, cell)
            _, county = _latest(data, indicator["indicator_id"], unit, y, data.region_code, cell)
            relation = ("kontextproxy" + (f" för {indicator['context_for_indicator']}"
                                          if indicator.get("context_for_indicator") else "")
                        if indicator["sdg_relation"] == "context proxy" else "proxy")
            part = f" ({esc(BREAKDOWN_LABELS.get(cell, cell[1]))})" if cell not in SURVIVAL_CELLS else ""
            rows.append([f"{esc(indicator['indicator_id'])} {esc(indicator['name_sv'])}{part}",
                         f"<td><span class=\"proxy\">{esc(relation)}</span></td>",
                         esc(UNIT_LABELS.get(unit, unit)), esc((period or "").replace("-", "–")),
                         figure_cell(mine, notes), figure_cell(county, notes)])
    return section("agenda-2030", 4, "Agenda 2030", intro + table(
        ["Indikator", "Koppling", "Enhet", "Period", esc(data.name), esc(data.region_name)], rows,
        numeric={4, 5}, caption=f"Indikatorer mot Agenda 2030-delmål, {y} eller senast tillgängliga",
        css="agenda") + notes.html())


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


def target_cell(indicator: dict, target: str) -> tuple[str, str]:
    """The (breakdown, value) that speaks for the target: the catalogue's target_breakdowns (target 8.6
    is about youth: SE14's age band 16-24), else the total."""
    for entry in _split(indicator.get("target_breakdowns")):
        name, _, cell = entry.partition(":")
        if name.strip() == target:
            breakdown, _, value = cell.strip().partition("=")
            return breakdown, value
    return "total", "_T"


def _latest(data: ReportData, indicator: str, unit: str, year: int, code: str,
            cell: tuple[str, str] = ("total", "_T")) -> tuple[str | None, Value | None]:
    """The value of the cell for the year, else the latest earlier period (a multi-year span ends by the
    year); the total is also found in a pooled cohort (SE03)."""
    cells = SURVIVAL_CELLS if cell == ("total", "_T") else (cell,)
    candidates = sorted(((k[2], v) for k, v in data.values.items()
                         if k[0] == indicator and k[1] == code and k[3] == "T" and k[6] == unit
                         and (k[4], k[5]) in cells
                         and int(k[2][-4:]) <= year and (v.number is not None or v.suppressed)),
                        key=lambda item: (item[0][-4:], item[0]))
    return candidates[-1] if candidates else (None, None)


def quality_section(data: ReportData) -> str:
    html = ["<p>Hur färska och fullständiga uppgifterna är. Rader som inte klarar valideringen läggs i karantän "
            "och räknas inte; de syns här så att registerägaren kan rätta dem.</p>", "<h3>Kommunens register</h3>"]
    rows = []
    for r in data.quality:
        period = (f"{iso_date(r['period_start'])} – {iso_date(r['period_end'])}" if r["period_end"]
                  else "helt register")
        rows.append([esc(DATASET_LABELS.get(r["dataset"], r["dataset"])), "ja" if r["delivered"] else "nej",
                     sv_number(r["files_current"]), sv_number(r["rows_loaded"]), sv_number(r["rows_quarantined"]),
                     sv_number(r["files_rejected"]), period if r["delivered"] else "", iso_date(r["delivered_on"])])
    html.append(table(["Register", "Levererat", "Aktuella filer", "Rader inlästa", "Rader i karantän",
                       "Avvisade filer", "Period", "Inläst"], rows, caption="Leveranser och karantän per register",
                      numeric={2, 3, 4, 5}, css="data-quality"))
    gaps = coverage_notes(data)
    if gaps:
        items = "".join(f"<li>{esc(note)}: påverkar {esc(', '.join(ids))}</li>" for note, ids in gaps)
        html.append("<h3>Ofullständiga leveranser</h3><p>Värden som bygger på dessa leveranser är markerade som "
                    "preliminära (P), eller saknas när leveransen saknas helt; de redovisas aldrig som noll.</p>"
                    f"<ul class=\"coverage-notes\">{items}</ul>")
    if data.quarantine:
        rows = [[esc(DATASET_LABELS.get(r["dataset"], r["dataset"])), f"<td><code>{esc(r['rule'])}</code></td>",
                 sv_number(r["rows_quarantined"])] for r in data.quarantine]
        html.append(table(["Register", "Regel", "Rader"], rows, numeric={2}, caption="Skäl till karantän"))
    html.append("<h3>Regionala och nationella källor</h3>")
    if data.sources:
        rows = [[esc(SOURCE_LABELS.get(r["source"], r["source"])), esc(ORIGIN_LABELS.get(r["origin"], r["origin"])),
                 iso_date(r["retrieved_on"]), sv_number(r["age_days"]),
                 "ja" if r["provisional"] or r["stale"] else "nej", esc(r["warning"] or "")] for r in data.sources]
        html.append(table(["Källa", "Hämtning", "Hämtad", "Ålder (dagar)", "Preliminär", "Anmärkning"], rows,
                          numeric={3}, caption="Källornas aktualitet"))
    else:
        html.append("<p class=\"missing\">Körningen har inte registrerat någon hämtning från Kolada, SCB eller "
                    "Bolagsverket.</p>")
    if data.provisional:
        names = {c["indicator_id"]: c["name_sv"] for c in data.catalogue}
        items = "".join(f"<li>{esc(r['indicator_id'])} {esc(names.get(r['indicator_id'], ''))}: "
                        f"{sv_number(r['values_flagged'])} värden</li>" for r in data.provisional)
        html.append(f"<p>Värden markerade som preliminära (P) för kommunen:</p><ul class=\"provisional\">{items}</ul>")
    else:
        html.append("<p>Inga värden för kommunen är markerade som preliminära (P).</p>")
    return section("datakvalitet", 5, "Datakvalitet", "".join(html))


def coverage_notes(data: ReportData) -> list[tuple[str, list[str]]]:
    """Each incompleteness the municipality's values carry (a delivery missing, partial or with
    quarantined rows), with the indicators it affects."""
    affected: dict[str, set[str]] = {}
    for key, value in data.values.items():
        if key[1] == data.code and value.note:
            for note in value.note.split("; "):
                affected.setdefault(note, set()).add(key[0])
    return sorted((note, sorted(ids)) for note, ids in affected.items())


def method_section(data: ReportData) -> str:
    run = data.run or {}
    persons, enterprises = min_persons(data), run.get("min_enterprises") or 3
    dominance = sv_number((run.get("dominance_share") or 0.85) * 100)
    definitions = (
        "<dl class=\"definitions\">"
        "<dt>Socialt företag</dt><dd>Ett företag i kommunens register över sociala företag: antingen ett "
        "arbetsintegrerande socialt företag enligt Tillväxtverkets fyra kriterier (syftet att integrera människor "
        "som står långt från arbetsmarknaden, delaktighet för medarbetarna, vinsten återinvesteras, fristående från "
        "offentlig verksamhet), eller ett företag med regeringsstrategins (2018) tre kännetecken.</dd>"
        "<dt>Idéburet offentligt partnerskap (IOP)</dt><dd>En samverkansform mellan kommunen och en idéburen "
        "organisation. IOP är inte upphandling och räknas inte som köp.</dd>"
        "<dt>Reserverad upphandling</dt><dd>En upphandling där bara leverantörer vars huvudsyfte är social och "
        "yrkesmässig integration får delta (4 kap. 18 § LOU), eller bara idéburna organisationer (19 kap. 6 a § "
        "LOU, från 2023).</dd>"
        "<dt>Arbetsintegrering</dt><dd>Arbetsträning, praktik och anställning med eller utan stöd i företaget. "
        "Uppgifterna lämnas sammanräknade, aldrig per person.</dd>"
        "<dt>Röjandekontroll</dt><dd>"
        f"Antal personer mellan 1 och {persons - 1} visas inte, inte heller andelar som bygger på så få personer. "
        f"Belopp som summerar färre än {enterprises} företag, eller där ett företag står för mer än {dominance} % av "
        "beloppet, visas inte. En uppgift som skulle kunna räknas fram ur andra redovisade uppgifter döljs också. "
        "Utbetalningar, bidrag och avtal med det namngivna företaget i fråga 2 är allmänna handlingar och visas.</dd>"
        "</dl>")
    mapping_rows = [[esc(label), esc(", ".join(ACTIVITY_LABELS[kind] for kind, of in NEED_OF_ACTIVITY.items()
                                              if of == need))] for need, label in NEED_LABELS.items()]
    plan = ("<h3>Handlingsplanen</h3><p>Region Örebro läns <em>Regional handlingsplan för civilsamhälle och social "
            "ekonomi 2022–2025</em> (antagen av regionfullmäktige 2021) vill stärka och utveckla de sociala "
            "företagen och öka upphandlingen från den sociala ekonomin. Stödinsatserna i fråga 1 är sorterade efter "
            "de behov planen nämner:</p>"
            + table(["Behov enligt handlingsplanen", "Typer av insatser som räknas dit"], mapping_rows,
                    numeric=set(), caption="Stödinsatser och handlingsplanens behov"))
    indicator_rows = [[esc(c["indicator_id"]), esc(c["name_sv"]), esc(c["definition"]),
                       esc(", ".join(UNIT_LABELS.get(u, u) for u in _split(c["units"]))), esc(c["sources"])]
                      for c in data.catalogue]
    indicators = ("<h3>Indikatorerna</h3><p>Definitionerna kommer från projektets indikatorkatalog "
                  "(skrivna på engelska).</p>" + table(["Id", "Namn", "Definition", "Enhet", "Källor"], indicator_rows,
                                                        numeric=set(), css="catalogue")) if data.catalogue else ""
    mode = ("offline, med sparade svar från källorna" if run.get("mode") == "offline"
            else "med uppgifter hämtade från källorna")
    run_text = (f"Rapporten bygger på körning <code>{esc(run.get('run_id'))}</code> den "
                f"{esc(sv_date(run.get('run_date')))} ({esc(mode)}). " if run
                else "Ingen körning finns registrerad i databasen. ")
    sources = ("<h3>Källor</h3><ul class=\"attributions\">"
               f"<li>Kommunens egna register: sociala företag, leverantörsreskontra, avtal, upphandlingar, bidrag, "
               f"stödinsatser, arbetsintegrering och företagens årsuppgifter ({esc(data.title)}).</li>"
               "<li>Källa: Kolada (RKA) – kontextmått för kommuner och regioner.</li>"
               "<li>Källa: SCB – befolkning per kommun (statistikdatabasen) och SCB:s företagsregister (SNI, "
               "juridisk form).</li>"
               "<li>Bolagsverket – registreringar och avregistreringar (konkurs, likvidation) ur Bolagsverkets "
               "registerfil (värdefulla datamängder).</li>"
               "<li>Region Örebro län – Regional handlingsplan för civilsamhälle och social ekonomi 2022–2025.</li>"
               "</ul>"
               f"<p>{run_text}Siffrorna kan återskapas ur databasens exportlager (schemat <code>export</code>) "
               "med samma körning.</p>")
    body = "<h3>Begrepp</h3>" + definitions + plan + indicators + sources
    return section("metod-och-kallor", 6, "Metod och källor", body)


def footer(data: ReportData) -> str:
    run = data.run or {}
    when = f" · körning {esc(run.get('run_id'))} ({esc(sv_date(run.get('run_date')))})" if run else ""
    return (f"<footer class=\"report-foot\">socek – indikatordatabas för sociala företag i Region Örebro län · "
            f"{esc(data.title)} · {data.year}{when}</footer>")
