"""The council report (DESIGN §7): ``reports/<kommun>/redovisning-<år>.html``, and a PDF beside it
when Chromium is installed.

It answers the motion's two questions for one municipality, with the county for comparison:
(1) how the municipality works to get more social enterprises, (2) how the cooperation with the
social enterprise that started in 2022 is going; then Agenda 2030, data quality, method and sources.

Rules this module keeps:
- It reads the published database read-only and only its ``export.*`` views, which are already
  disclosure-controlled (suppressed values are blank and carry a reason); ``_rows`` refuses any
  other schema. So a value the rules hide cannot reach the page.
- The page is self-contained Swedish HTML: inline CSS, inline SVG charts (``flows.charts``), no
  scripts, nothing fetched at view time, print CSS for paper.
- Identical data give a byte-identical page: rows are sorted, nothing reads the clock; the only
  date is the one the run recorded.
- A PDF is printed with headless Chromium when it is installed; without it there is no PDF, and
  that is not an error.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from flows.catalogue import load_catalogue
from flows.charts import Series, bar_chart, line_chart
from flows.config import municipality_title
from flows.errors import SocekError
from flows.query import open_read_only
from flows.report_html import (NBSP, capitalized, esc, is_missing, iso_date, page, section, sv_date, sv_number,
                               sv_percent, sv_sek, sv_value, suppressed_text, table)

AUTO = "auto"  # chromium=AUTO: use the installed Chromium if there is one
PDF_TIMEOUT_SECONDS = 120
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


class ReportError(SocekError):
    """The report cannot be written (no published database, unknown municipality, no data...)."""


@dataclass(frozen=True)
class ReportResult:
    html_path: Path
    pdf_path: Path | None


# --- reading the export layer -------------------------------------------------------------------

_SCHEMA_REFERENCE = re.compile(r"\b(?:from|join)\s+\"?([a-z_][a-z0-9_]*)\"?\s*\.", re.IGNORECASE)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | tuple = ()) -> list[dict]:
    """Rows as dicts; refuses SQL that reads any schema but ``export`` (DESIGN §6)."""
    schemas = {name.lower() for name in _SCHEMA_REFERENCE.findall(sql)}
    if schemas - {"export"}:
        raise ReportError(f"the report reads only the export layer, not {sorted(schemas - {'export'})}")
    cursor = con.execute(sql, list(params))
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


@dataclass(frozen=True)
class Value:
    """One figure as the export layer gives it: blank when suppressed (with the reason) or missing."""

    value: float | None
    unit: str
    obs_status: str = "A"
    conf_status: str = "F"
    reason: str | None = None

    @property
    def suppressed(self) -> bool:
        return self.conf_status in ("C", "D")

    @property
    def number(self) -> float | None:
        """The value if it may be shown and exists, else None."""
        if self.suppressed or self.obs_status in ("L", "M") or is_missing(self.value):
            return None
        return float(self.value)


@dataclass
class ReportData:
    """Everything the page shows, read from ``export.*`` once."""

    code: str
    name: str
    region_code: str
    region_name: str
    year: int
    years: list[int]
    values: dict[tuple, Value]
    catalogue: list[dict]
    timeline: list[dict]
    quality: list[dict]
    quarantine: list[dict]
    sources: list[dict]
    candidates: dict[str, dict]
    run: dict | None
    provisional: list[dict] = field(default_factory=list)
    targets: dict[str, str] = field(default_factory=dict)  # Agenda 2030 target -> Swedish name

    @property
    def title(self) -> str:
        return municipality_title(self.name)

    def value(self, indicator: str, unit: str, period: int | str, code: str | None = None,
              breakdown: str = "total", breakdown_value: str = "_T", sex: str = "T") -> Value | None:
        return self.values.get((indicator, code or self.code, str(period), sex, breakdown, breakdown_value, unit))

    def number(self, indicator: str, unit: str, period: int | str, code: str | None = None, **kw) -> float | None:
        found = self.value(indicator, unit, period, code, **kw)
        return found.number if found else None

    def breakdown(self, indicator: str, unit: str, period: int | str, breakdown: str,
                  code: str | None = None) -> dict[str, Value]:
        code = code or self.code
        return {k[5]: v for k, v in sorted(self.values.items())
                if k[0] == indicator and k[1] == code and k[2] == str(period) and k[3] == "T"
                and k[4] == breakdown and k[6] == unit}


def load_data(con: duckdb.DuckDBPyConnection, municipality_code: str, year: int | None = None) -> ReportData:
    """Read what the report needs for one municipality from the export layer."""
    areas = _rows(con, "select municipality_code, is_region from export.report_candidates order by 1")
    region = next((a["municipality_code"] for a in areas if a["is_region"]), None)
    if municipality_code not in {a["municipality_code"] for a in areas if not a["is_region"]}:
        known = ", ".join(a["municipality_code"] for a in areas if not a["is_region"])
        raise ReportError(f"municipality {municipality_code!r} is not configured (known: {known})")
    rows = _rows(con, """
        select indicator_id, municipality_code, municipality_name, period, sex, breakdown, breakdown_value,
               value, unit, obs_status, conf_status, source, suppressed_reason
        from export.report_indicator_values
        where municipality_code in (?, ?)
        order by indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit""",
                 [municipality_code, region])
    values = {(r["indicator_id"], r["municipality_code"], r["period"], r["sex"], r["breakdown"],
               r["breakdown_value"], r["unit"]):
              Value(r["value"], r["unit"], r["obs_status"], r["conf_status"], r["suppressed_reason"]) for r in rows}
    names = {r["municipality_code"]: r["municipality_name"] for r in rows if r["municipality_name"]}
    run = next(iter(_rows(con, "select * from export.report_run")), None)
    year = year or _latest_year(rows, municipality_code, run)
    if year is None:
        raise ReportError(f"no indicator values for municipality {municipality_code}; run `socek run` first")
    first = (run or {}).get("first_year") or min(
        (int(r["period"]) for r in rows if r["period"].isdigit()), default=year)
    catalogue = _rows(con, "select * from export.indicator_catalogue order by indicator_id")
    timeline = _rows(con, """
        select * from export.report_cooperation_timeline
        where municipality_code = ? and (year is null or year <= ?)
        order by org_nr, year nulls last, event_date nulls last, event_order, event_kind, event_id""",
                     [municipality_code, year])
    quality = _rows(con, "select * from export.report_data_quality where municipality_code = ? order by dataset",
                    [municipality_code])
    quarantine = _rows(con, """select * from export.report_quarantine_rules where municipality_code = ?
                               order by rows_quarantined desc, dataset, rule""", [municipality_code])
    sources = _rows(con, "select * from export.report_source_status order by source")
    candidates = {a["municipality_code"]: a for a in _rows(con, "select * from export.report_candidates")}
    flagged = defaultdict(int)
    for r in rows:
        if r["municipality_code"] == municipality_code and r["obs_status"] == "P":
            flagged[r["indicator_id"]] += 1
    provisional = [{"indicator_id": k, "values_flagged": v} for k, v in sorted(flagged.items())]
    return ReportData(
        code=municipality_code, name=names.get(municipality_code, municipality_code),
        region_code=region, region_name=names.get(region, "länet"), year=year,
        years=list(range(int(first), year + 1)), values=values, catalogue=catalogue, timeline=timeline,
        quality=quality, quarantine=quarantine, sources=sources, candidates=candidates,
        run=run, provisional=provisional, targets=_target_names())


def _target_names() -> dict[str, str]:
    """Swedish names of the Agenda 2030 targets, from the catalogue configuration (not data)."""
    try:
        return {t.id: t.name_sv for t in load_catalogue().sdg_targets}
    except SocekError:
        return {}


def _latest_year(rows: list[dict], code: str, run: dict | None) -> int | None:
    """The latest calendar year with a figure for the municipality (shown or suppressed)."""
    last = (run or {}).get("last_year")
    years = [int(r["period"]) for r in rows
             if r["municipality_code"] == code and r["period"].isdigit() and r["obs_status"] in ("A", "P")
             and (r["value"] is not None or r["conf_status"] in ("C", "D"))]
    years = [y for y in years if last is None or y <= last]
    return max(years) if years else None


# --- small text helpers ---------------------------------------------------------------------------

class Notes:
    """Footnote markers for suppressed cells of one table: each reason gets a number."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def mark(self, reason: str | None) -> str:
        text = suppressed_text(reason)
        if text not in self.reasons:
            self.reasons.append(text)
        return str(self.reasons.index(text) + 1)

    def html(self) -> str:
        if not self.reasons:
            return ""
        items = "".join(f"<li><sup>{i}</sup> {esc(text)}.</li>" for i, text in enumerate(self.reasons, 1))
        return f"<ul class=\"note suppression-notes\">{items}</ul>"


def figure_cell(found: Value | None, notes: Notes | None = None, fmt=None) -> str:
    """A table cell for a figure: the value, "Uppgiften visas inte: ..." or "uppgift saknas"."""
    fmt = fmt or (lambda v, u: sv_value(v, u))
    if found is None:
        return "<td class=\"num missing\">uppgift saknas</td>"
    if found.suppressed:
        text = suppressed_text(found.reason)
        if notes is None:
            return f"<td class=\"num suppressed\">{esc(text)}</td>"
        marker = notes.mark(found.reason)
        return f"<td class=\"num suppressed\" title=\"{esc(text)}\">visas inte<sup>{marker}</sup></td>"
    if found.obs_status == "L":
        return "<td class=\"num missing\">ej levererad</td>"
    if found.number is None:
        return "<td class=\"num missing\">uppgift saknas</td>"
    flag = " <abbr title=\"preliminär uppgift\">(P)</abbr>" if found.obs_status == "P" else ""
    return f"<td class=\"num\">{esc(fmt(found.number, found.unit))}{flag}</td>"


def phrase(found: Value | None, fmt=None, missing: str = "saknas") -> str:
    """A figure inside a sentence: the number, or why it is not given."""
    fmt = fmt or (lambda v, u: sv_value(v, u))
    if found is None:
        return missing
    if found.suppressed:
        return f"visas inte: {found.reason or 'röjandekontroll'}"
    if found.obs_status == "L":
        return "saknas: registret har inte levererats"
    if found.number is None:
        return missing
    return fmt(found.number, found.unit)


def count_word(n: float | None, singular: str, plural: str) -> str:
    if n is None:
        return f"ett okänt antal {plural}"
    return f"{sv_number(n)} {singular if n == 1 else plural}"


def change_word(now: float | None, before: float | None, year_before: int) -> str:
    if now is None or before is None:
        return ""
    if now == before:
        return f", lika många som {year_before}"
    more = now > before
    return f", {sv_number(abs(now - before))} {'fler' if more else 'färre'} än {year_before}"


# --- the sections -------------------------------------------------------------------------------

def render(data: ReportData) -> str:
    """The whole page for one municipality and year."""
    title = f"Sociala företag i {data.title} – redovisning {data.year}"
    head = (f"<header class=\"report-head\"><p class=\"muted\">Redovisning till kommunfullmäktige · "
            f"{esc(data.title)} · {data.year}</p><h1>{esc(title)}</h1>"
            f"<p class=\"lead\">Svar på motionens två frågor: hur kommunen arbetar för att få fler sociala "
            f"företag, och hur samarbetet med det sociala företag som startade {MOTION_YEAR} går. "
            f"Jämförelser görs med {esc(data.region_name)}.</p></header>")
    toc = "".join(f"<li><a href=\"#{anchor}\">{esc(text)}</a></li>" for anchor, text in SECTIONS)
    body = [head, f"<nav class=\"toc\" aria-label=\"Innehåll\"><strong>Innehåll</strong><ol>{toc}</ol></nav>",
            summary_section(data), question1_section(data), question2_section(data), agenda_section(data),
            quality_section(data), method_section(data), footer(data)]
    return page(title, "\n".join(body))


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
    for enterprise in _cooperations(data):
        bought = _timeline_value(enterprise["rows"], "purchases", "amount", str(y))
        cards.append((f"Köp från {enterprise['name']}", f"under {y}", bought))
    card_html = "".join(
        f"<div class=\"card\"><span class=\"figure\">{_card_figure(v)}</span>"
        f"<span class=\"label\">{esc(label)} {esc(when)}</span></div>" for label, when, v in cards)
    body = (f"<div class=\"cards\">{card_html}</div>"
            f"<h3>Svar på fråga 1: hur kommunen arbetar för att få fler sociala företag</h3>"
            f"<div class=\"answer\" id=\"svar-fraga-1\">{q1_answer(data)}</div>"
            f"<h3>Svar på fråga 2: hur samarbetet med det sociala företag som startade {MOTION_YEAR} går</h3>"
            f"<div class=\"answer\" id=\"svar-fraga-2\">{q2_answer(data)}</div>")
    return section("sammanfattning", 1, "Sammanfattning", body)


def _card_figure(found: Value | None) -> str:
    if found is None or (found.number is None and not found.suppressed):
        return "<span class=\"missing\">uppgift saknas</span>"
    if found.suppressed:
        return f"<span class=\"suppressed\">{esc(suppressed_text(found.reason))}</span>"
    return esc(sv_value(found.number, found.unit))


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
    totals = _support_totals(data, data.code, y)
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
    cooperations = _cooperations(data)
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
        sentences.append(esc(_placement_sentence(period.replace("-", "–"), _placement_cells(rows, period))))
    return "<p>" + " ".join(sentences) + "</p>"


def _placement_sentence(period: str, cells: dict[str, Value | None]) -> str:
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
        text += f" Av de {sv_number(ended.number)} som avslutade gick {_and_list(shown)}."
    else:
        text += f" {sv_number(ended.number)} personer avslutade."
    if hidden:
        text += (f" Antalet som gick {_and_list([outcomes[k] for k in hidden])} visas inte "
                 f"({cells[hidden[0]].reason}).")
    return text


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]


def _cooperations(data: ReportData) -> list[dict]:
    """The enterprise(s) of question 2, each with its timeline rows."""
    by_org: dict[str, list[dict]] = defaultdict(list)
    for row in data.timeline:
        by_org[row["org_nr"]].append(row)
    return [{"org_nr": org, "name": rows[0]["enterprise_name"], "cooperation_started": rows[0]["cooperation_started"],
             "rows": rows} for org, rows in sorted(by_org.items())]


def _placement_cells(rows: list[dict], period: str) -> dict[str, Value | None]:
    return {kind: _timeline_value(rows, "placements", kind, period) for kind in PLACEMENT_LABELS}


def _timeline_value(rows: list[dict], event_type: str, kind: str, period: str) -> Value | None:
    for r in rows:
        if r["event_type"] == event_type and r["event_kind"] == kind and r["period"] == period:
            return Value(r["value"], r["unit"], r["obs_status"], r["conf_status"], r["suppressed_reason"])
    return None


def _support_totals(data: ReportData, code: str, year: int) -> dict[str, float]:
    """SE10 activities of the year per action-plan need, and in total; empty when not delivered."""
    totals: dict[str, float] = defaultdict(float)
    for activity_type, found in data.breakdown("SE10", "activities", year, "activity_type", code).items():
        if found.number is not None and activity_type in NEED_OF_ACTIVITY:
            totals[NEED_OF_ACTIVITY[activity_type]] += found.number
            totals["total"] += found.number
    return dict(totals)


# --- question 1 ---------------------------------------------------------------------------------

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
        label = period.replace("-", "–") + (" (alla startår)" if value == "pooled" else "")
        rows.append([esc(label),
                     figure_cell(data.value("SE03", "%", period, breakdown=breakdown, breakdown_value=value), notes),
                     figure_cell(data.value("SE03", "%", period, data.region_code, breakdown=breakdown,
                                            breakdown_value=value), notes)])
    if not rows:
        return "<p class=\"note\">Överlevnad efter tre år: uppgift saknas.</p>"
    return ("<h4>Överlevnad tre år efter start</h4>"
            "<p>Andel av de sociala företag som startade ett visst år som fortfarande var verksamma tre år senare. "
            "Eftersom få företag startar varje år redovisas också alla startår sammantagna.</p>"
            + table(["Startår – uppföljningsår", esc(data.name), esc(data.region_name)], rows,
                    caption="Överlevnad efter tre år (procent)") + notes.html())


def _q1_support(data: ReportData) -> str:
    y, region = data.year, data.region_code
    html = ["<h3>Stödinsatser efter handlingsplanens behov</h3>",
            "<blockquote>”De sociala företagen har särskilda behov av stöd, både vad gäller finansiering och "
            "kompetensutveckling, men också hur deras produkter, tjänster och service kan utvecklas och "
            "marknadsföras samt nå nya kundgrupper.” – Regional handlingsplan för civilsamhälle och social "
            "ekonomi 2022–2025, Region Örebro län</blockquote>"]
    by_year = {year: _support_totals(data, data.code, year) for year in data.years}
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


# --- question 2 ---------------------------------------------------------------------------------

def question2_section(data: ReportData) -> str:
    cooperations = _cooperations(data)
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
            f"minst {_min_persons(data)}.</p>"]
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


def _min_persons(data: ReportData) -> int:
    return int((data.run or {}).get("min_person_count") or 5)


def _yearly(rows: list[dict], event_type: str, kind: str, year: int) -> float | None:
    found = _timeline_value(rows, event_type, kind, str(year))
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
    money = [[str(y), figure_cell(_timeline_value(rows, "purchases", "amount", str(y)), notes),
              figure_cell(_timeline_value(rows, "purchases", "share_of_all_purchases", str(y)), notes),
              figure_cell(Value(_grants_in(rows, y), "SEK"), notes)] for y in years]
    periods = [str(y) for y in years] + sorted({r["period"] for r in rows
                                                if r["event_type"] == "placements" and r["year"] is None})
    people = [[esc(period.replace("-", "–"))] + [figure_cell(cell, notes) for cell in
                                                 _placement_cells(rows, period).values()] for period in periods]
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
    purchase = _timeline_value(rows, "purchases", "amount", period)
    share = _timeline_value(rows, "purchases", "share_of_all_purchases", period)
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
    cells = _placement_cells(rows, period)
    if any(cells.values()):
        text += (" " if text else "") + _placement_sentence(label, cells)
    return f"<strong>{esc(label)}:</strong> {esc(text)}" if text else ""


# --- Agenda 2030, data quality, method ----------------------------------------------------------

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
            period, mine = _latest(data, indicator["indicator_id"], unit, y, data.code)
            _, county = _latest(data, indicator["indicator_id"], unit, y, data.region_code)
            relation = ("kontextproxy" + (f" för {indicator['context_for_indicator']}"
                                          if indicator.get("context_for_indicator") else "")
                        if indicator["sdg_relation"] == "context proxy" else "proxy")
            rows.append([f"{esc(indicator['indicator_id'])} {esc(indicator['name_sv'])}",
                         f"<td><span class=\"proxy\">{esc(relation)}</span></td>",
                         esc(UNIT_LABELS.get(unit, unit)), esc((period or "").replace("-", "–")),
                         figure_cell(mine, notes), figure_cell(county, notes)])
    return section("agenda-2030", 4, "Agenda 2030", intro + table(
        ["Indikator", "Koppling", "Enhet", "Period", esc(data.name), esc(data.region_name)], rows,
        numeric={4, 5}, caption=f"Indikatorer mot Agenda 2030-delmål, {y} eller senast tillgängliga",
        css="agenda") + notes.html())


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


def _latest(data: ReportData, indicator: str, unit: str, year: int, code: str) -> tuple[str | None, Value | None]:
    """The total value for the year, else the latest earlier period (a multi-year span ends by the year)."""
    candidates = sorted(((k[2], v) for k, v in data.values.items()
                         if k[0] == indicator and k[1] == code and k[3] == "T" and k[6] == unit
                         and (k[4], k[5]) in SURVIVAL_CELLS
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


def method_section(data: ReportData) -> str:
    run = data.run or {}
    persons, enterprises = _min_persons(data), run.get("min_enterprises") or 3
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


# --- writing files ------------------------------------------------------------------------------

def report_path(reports_root: Path, municipality_code: str, year: int) -> Path:
    return Path(reports_root) / municipality_code / f"redovisning-{year}.html"


def find_chromium() -> str | None:
    """The Chromium to print with: $SOCEK_CHROMIUM, /usr/bin/chromium, or one on PATH."""
    override = os.environ.get("SOCEK_CHROMIUM")
    if override:
        return override if os.access(override, os.X_OK) else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_base_args(chromium: str, profile_dir: str) -> list[str]:
    """Headless, sandbox-free (we may be root), and quiet: no background traffic of its own."""
    return [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-dev-shm-usage", f"--user-data-dir={profile_dir}"]


def print_pdf(html_path: Path, pdf_path: Path, chromium: str, timeout: float = PDF_TIMEOUT_SECONDS) -> Path:
    """Print the page to PDF with headless Chromium (A4 from the page's print CSS)."""
    partial = pdf_path.with_name(pdf_path.name + ".partial")
    partial.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="socek-chromium-") as profile:
        command = chromium_base_args(chromium, profile) + [
            "--no-pdf-header-footer", f"--print-to-pdf={partial}", Path(html_path).resolve().as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            partial.unlink(missing_ok=True)
            raise ReportError(f"Chromium did not print {html_path} within {timeout:.0f} s") from None
        except OSError as exc:
            raise ReportError(f"cannot start Chromium ({chromium}): {exc}") from None
    if done.returncode != 0 or not partial.exists() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise ReportError(f"Chromium failed to print {html_path} (exit {done.returncode}): {' | '.join(tail)}")
    os.replace(partial, pdf_path)
    return pdf_path


def _write_text(path: Path, text: str) -> None:
    """Write next to the final name, then rename: a reader never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def render_report(published: Path, municipality_code: str, year: int | None = None) -> tuple[str, int]:
    """The page's HTML and its year, from the published database opened read-only."""
    con = open_read_only(Path(published))
    try:
        data = load_data(con, municipality_code, year)
    finally:
        con.close()
    return render(data), data.year


def write_report(published: Path, reports_root: Path, municipality_code: str, year: int | None = None,
                 chromium: str | None = AUTO) -> ReportResult:
    """Write ``reports/<kommun>/redovisning-<år>.html`` and, with Chromium, the PDF beside it.

    ``year`` defaults to the latest year with data. ``chromium`` is a path, ``AUTO`` (find an
    installed one) or None (no PDF). A missing Chromium gives no PDF; a Chromium that fails to
    print raises ``ReportError`` (the HTML is written by then). An older PDF of the same report
    is removed first, so the two never disagree.
    """
    html, year = render_report(published, municipality_code, year)
    html_path = report_path(reports_root, municipality_code, year)
    _write_text(html_path, html)
    pdf_path = html_path.with_suffix(".pdf")
    pdf_path.unlink(missing_ok=True)  # never leave an older PDF beside a newer page
    browser = find_chromium() if chromium == AUTO else chromium
    if not browser:
        return ReportResult(html_path, None)
    return ReportResult(html_path, print_pdf(html_path, pdf_path, browser))


# --- command line -------------------------------------------------------------------------------

def cmd_report(args) -> int:
    """``socek report --municipality K [--year Y] [--no-pdf]``: write the report from the published database."""
    from flows.config import load_config

    settings = load_config(args.config)
    codes = [args.municipality] if args.municipality else settings.municipality_codes
    for code in codes:
        settings.municipality(code)
        result = write_report(settings.path("warehouse"), settings.path("reports"), code, args.year,
                              chromium=None if getattr(args, "no_pdf", False) else AUTO)
        print(f"report: {result.html_path}")
        if result.pdf_path:
            print(f"report: {result.pdf_path}")
        elif not getattr(args, "no_pdf", False):
            print("report: no PDF (Chromium is not installed)", file=sys.stderr)
    return 0
