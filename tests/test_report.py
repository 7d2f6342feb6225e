"""The council report (flows/report.py): sections, charts, suppression, Swedish formatting, files.

Built from the synthetic demo warehouse (tests/report_fixtures.py): Lekeberg (1814) has the
enterprise that started in 2022 and whose placements have small, suppressed counts; Ljusnarsberg
(1864) has no such enterprise.
"""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from flows import cli
from flows.config import load_config
from flows.outputs.query import (
    open_read_only,  # the report's own settings: DuckDB refuses two kinds in one process
)
from flows.outputs.report import data as report_data
from flows.outputs.report import labels as report_labels
from flows.outputs.report import write as report_write
from flows.outputs.report.charts import Series, bar_chart, line_chart, nice_ticks
from flows.outputs.report.html import (
    NBSP,
    esc,
    sv_date,
    sv_number,
    sv_percent,
    sv_sek,
    sv_value,
)
from tests.conftest import ROOT
from tests.report_fixtures import RUN_ID, demo_warehouse

SECTION_IDS = ["sammanfattning", "fraga-1", "fraga-2", "agenda-2030", "datakvalitet", "metod-och-kallor"]
# a municipality without a council motion gets a general redovisning
GENERAL_SECTION_IDS = [anchor for anchor, _ in report_labels.SECTIONS]
STORY_ORG_NR = "7696405120"


@pytest.fixture(scope="module")
def published() -> Path:
    return demo_warehouse()


@pytest.fixture(scope="module")
def lekeberg(published) -> str:
    html, year = report_write.render_report(published, "1814")
    assert year == 2025
    return html


class Page(HTMLParser):
    """The parts of a report page the tests look at: text per section, charts and their points."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.section: str | None = None
        self.text: dict[str, list[str]] = {}
        self.sections: list[str] = []
        self.charts: list[dict] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            self.attributes.append((tag, name, value or ""))
        if tag == "section":
            self.section = attrs.get("id")
            self.sections.append(self.section)
        if tag == "figure" and "chart" in (attrs.get("class") or ""):
            self.charts.append({"id": attrs["id"], "declared": int(attrs["data-points"]), "points": []})
        if "point" in (attrs.get("class") or "").split() and tag in ("circle", "rect"):
            self.charts[-1]["points"].append(attrs)

    def handle_data(self, data):
        self.text.setdefault(self.section or "", []).append(data)

    def section_text(self, section: str) -> str:
        return "".join(self.text.get(section, []))


# --- formatting and charts ----------------------------------------------------------------------

def test_swedish_number_formatting():
    assert sv_number(1234567.891) == f"1{NBSP}234{NBSP}568"
    assert sv_number(12.34, 1) == "12,3"
    assert sv_number(-4500) == f"\u22124{NBSP}500"
    assert sv_number(-0.01) == "0"  # no "minus zero"
    assert sv_sek(450000) == f"450{NBSP}000{NBSP}kr"
    assert sv_percent(18.26) == f"18,3{NBSP}%"
    assert sv_date(date(2022, 9, 1)) == "1 september 2022"
    assert sv_value(350000, "SEK/year") == f"350{NBSP}000{NBSP}kr per år"
    assert sv_value(4.912, "per 10 000 inhabitants") == "4,9"
    assert sv_value(None, "SEK") == ""


def test_nice_ticks_cover_the_data_with_round_steps():
    assert nice_ticks(0, 831345) == [0, 250000, 500000, 750000, 1000000]
    assert nice_ticks(-4500, 70000)[0] < -4500 and nice_ticks(-4500, 70000)[-1] >= 70000
    assert nice_ticks(0, 1, integer=True) == [0, 1]  # counts: no 0,25 steps


def test_line_chart_draws_a_point_per_value_and_a_gap_for_none():
    svg = line_chart("c", "Titel <b>", ["2021", "2022", "2023"],
                     [Series("Lekeberg", (1.0, None, 3.0)), Series("Länet", (2.0, 2.5, 2.0), dashed=True)])
    page = Page(svg)
    assert page.charts[0]["declared"] == 5 == len(page.charts[0]["points"])
    assert [p["data-value"] for p in page.charts[0]["points"]] == ["1", "3", "2", "2.5", "2"]
    assert svg.count("<polyline") == 1  # Lekeberg's line is broken by the gap; Länet's is whole
    assert "Titel &lt;b&gt;" in svg and "<b>" not in svg
    assert "Saknas eller visas inte: Lekeberg 2022." in svg


def test_chart_without_any_value_says_so_instead_of_drawing_empty_axes():
    html = bar_chart("tom", "Bidrag", ["2024", "2025"], [Series("Bidrag", (None, None))])
    assert "<svg" not in html and "Bidrag: uppgift saknas" in html


def test_bar_chart_draws_negative_bars_below_the_zero_line():
    svg = bar_chart("b", "Köp", ["2023", "2024"], [Series("Köp", (-4500.0, 70000.0))])
    bars = Page(svg).charts[0]["points"]
    assert [b["data-value"] for b in bars] == ["-4500", "70000"]
    negative, positive = (float(b["y"]) for b in bars)
    assert negative > positive  # the negative bar starts at the zero line, below the positive one's top


# --- the page -------------------------------------------------------------------------------------

def test_every_section_is_present_in_order_with_its_heading(lekeberg):
    page = Page(lekeberg)
    assert page.sections == SECTION_IDS
    motion = next(m.motion for m in load_config().municipalities if m.code == "1814")
    for number, (anchor, title) in enumerate(report_labels.motion_sections(motion.question_work,
                                                                            motion.question_cooperation), 1):
        assert f"<h2>{number}. {esc(title)}</h2>" in lekeberg
    assert lekeberg.startswith("<!DOCTYPE html>") and '<html lang="sv">' in lekeberg


def test_summary_answers_both_questions_from_the_figures(lekeberg):
    text = Page(lekeberg).section_text("sammanfattning")
    assert "Vid utgången av 2025 fanns 4 verksamma sociala företag i Lekebergs kommun" in text
    assert "Under året genomfördes 5 stödinsatser" in text
    assert "Lekebergs Arbetsintegrerande Kooperativ (fiktivt) ek. för. Samarbetet inleddes 1 september 2022" in text
    assert f"från 116{NBSP}667{NBSP}kr 2022 till 976{NBSP}394{NBSP}kr 2025" in text
    assert "Under 2022–2025 började 36 personer i arbetsintegrering" in text
    assert "visas inte (färre än 5 personer" in text


def test_every_chart_has_its_data_points(lekeberg):
    charts = Page(lekeberg).charts
    assert {c["id"] for c in charts} >= {"diagram-foretag", "diagram-nystartade", "diagram-stod", "diagram-kop",
                                         f"diagram-samarbete-{STORY_ORG_NR}"}
    for chart in charts:
        assert chart["declared"] == len(chart["points"]) > 0, chart["id"]
        for point in chart["points"]:
            float(point["data-value"])
            assert point["data-series"] and point["data-label"]


def test_question_1_maps_support_to_the_action_plan_needs(lekeberg):
    text = Page(lekeberg).section_text("fraga-1")
    for need in ("Finansiering", "Kompetensutveckling", "Utveckling, marknadsföring och nya kundgrupper"):
        assert need in text
    assert "finansieringsrådgivning" in text and "Granskningslistan innehåller 2 organisationer" in text


def test_question_2_timeline_shows_public_money_and_hides_small_person_counts(lekeberg):
    text = Page(lekeberg).section_text("fraga-2")
    assert f"Avtal: idéburet offentligt partnerskap (IOP), 350{NBSP}000{NBSP}kr per år, till och med 31 december 2025" in text
    assert f"Bidrag: startstöd på 75{NBSP}000{NBSP}kr." in text
    assert "anordnad av Coompanion (färre än 5 deltagare)." in text
    assert "Uppgiften visas inte: uppgiften skulle kunna räknas fram ur andra redovisade uppgifter." in text
    people = re.search(r"Personer i arbetsintegrering i företaget per år</caption>(.*?)</table>", lekeberg).group(1)
    row_2022 = re.search(r"<tr><th scope=\"row\">2022</th>(.*?)</tr>", people).group(1)
    # started and ended (1-4), participant days of 1-4 persons, and where the 1-4 who left went, zeros
    # included: "none of the three who left found work" is about each of them (issue 13)
    assert row_2022.count("class=\"num suppressed\"") == 6
    assert ">0<" not in row_2022


def test_agenda_2030_lists_every_target_with_proxies_marked(lekeberg):
    text = Page(lekeberg).section_text("agenda-2030")
    for target in report_labels.SDG_TARGETS:
        assert f"Delmål {target}" in text
    assert "proxy" in text and "kontextproxy för 8.5.2" in text
    assert "8.5.2" not in re.sub(r"kontextproxy för 8\.5\.2", "", text)  # never claimed as the measure itself


def test_data_quality_and_method_sections(lekeberg):
    quality = Page(lekeberg).section_text("datakvalitet")
    assert "Leverantörsreskontra" in quality and "Nettobelopp: decimal" in quality
    assert "reserv: senaste fungerande ögonblicksbild" in quality and "SCB svarade inte" in quality
    assert "Värden markerade som preliminära (P)" in quality
    method = Page(lekeberg).section_text("metod-och-kallor")
    for attribution in ("Källa: Kolada", "Källa: SCB", "Bolagsverket", "Regional handlingsplan"):
        assert attribution in method
    assert RUN_ID in method and "1 mars 2026" in method


def test_page_is_self_contained(lekeberg):
    assert "<script" not in lekeberg.lower()
    assert not re.search(r"https?://", lekeberg)
    page = Page(lekeberg)
    for tag, name, value in page.attributes:
        if name in ("src", "href", "xlink:href", "action", "poster", "srcset"):
            assert value.startswith(("#", "data:")), (tag, name, value)
    assert "@import" not in lekeberg and "url(" not in lekeberg
    assert "default-src 'none'" in lekeberg  # the browser itself refuses any fetch
    assert not re.search(r"\b(None|nan|NaN|NaT)\b", lekeberg)  # no Python or pandas blanks leak into text


def test_same_data_give_the_same_bytes(published, lekeberg):
    again, _ = report_write.render_report(published, "1814")
    assert again == lekeberg


def test_municipality_without_a_2022_enterprise(published):
    html, _ = report_write.render_report(published, "1864")
    text = Page(html).section_text("samarbeten")
    assert "Kommunens register anger inget socialt företag som startade 2022" in text
    assert Page(html).sections == GENERAL_SECTION_IDS


def test_earlier_year_shows_nothing_after_it(published, tmp_path):
    result = report_write.write_report(published, tmp_path, "1814", year=2023, chromium=None)
    assert result.html_path == tmp_path / "1814" / "redovisning-2023.html" and result.pdf_path is None
    html = result.html_path.read_text(encoding="utf-8")
    assert "redovisning 2023" in html
    assert 'data-label="2024"' not in html and "12 februari 2025" not in html


def test_unknown_municipality_is_a_clear_error(published):
    with pytest.raises(report_data.ReportError, match="not configured"):
        report_write.render_report(published, "9999")


def test_report_reads_only_the_export_layer(published):
    source = "".join(path.read_text(encoding="utf-8") for path in Path(report_write.__file__).parent.glob("*.py"))
    referenced = set(re.findall(r"\b(?:from|join)\s+([a-z_]+)\.[a-z_]+", source, re.IGNORECASE))
    assert referenced <= {"export", "flows"}, referenced  # "from flows.x import" is Python
    con = open_read_only(published)
    try:
        with pytest.raises(report_data.ReportError, match="only the export layer"):
            report_data._rows(con, "select * from core.enterprises")
    finally:
        con.close()


def test_report_indicator_values_agree_with_export_indicator_values(published):
    con = open_read_only(published)
    try:
        mismatched = con.execute("""
            select count(*) from (
                select indicator_id, municipality_code, municipality_name, period, sex, breakdown, breakdown_value,
                       value, unit, obs_status, note, conf_status, source, updated_at
                from export.report_indicator_values where municipality_code in ('1814', '0018')
                except all
                select * from export.indicator_values where municipality_code in ('1814', '0018'))""").fetchone()[0]
        reasons = con.execute("""select count(*) from export.report_indicator_values
                                 where (conf_status in ('C', 'D')) <> (suppressed_reason is not null)""").fetchone()[0]
    finally:
        con.close()
    assert mismatched == 0 and reasons == 0


def test_no_pdf_without_chromium(published, tmp_path, monkeypatch):
    monkeypatch.setenv("SOCEK_CHROMIUM", str(tmp_path / "no-such-chromium"))
    result = report_write.write_report(published, tmp_path, "1880")
    assert result.pdf_path is None and result.html_path.exists()
    assert not list(tmp_path.rglob("*.pdf")) and not list(tmp_path.rglob("*.partial"))


def test_the_pdf_is_printed_from_the_pages_html(published, tmp_path, monkeypatch):
    """Chromium renders a file by its name: a staged page (``…html.staged-<run>``) would be printed as
    its source text. Chromium is handed the page's HTML itself; one browser prints every page, one
    page at a time (the next page is rendered while it prints), and is closed at the end."""
    printed, browsers, calls = [], [], []

    class FakeBrowser:
        def __init__(self, binary):
            browsers.append(binary)

        def start_pdf(self, html):
            printed.append(html)
            calls.append(f"start {len(printed)}")
            return len(printed)

        def finish_pdf(self, command, pdf_path, timeout):
            calls.append(f"finish {command}")
            pdf_path.write_bytes(b"%PDF-1.4 fake")
            return pdf_path

        def close(self):
            calls.append("close")

    monkeypatch.setattr(report_write, "Browser", FakeBrowser)
    jobs = [report_write.ReportJob("1880"), report_write.ReportJob("1814")]
    staged = report_write.stage_reports(published, tmp_path, jobs, "20261130T010000Z-abcdef", chromium="/bin/true")
    assert browsers == ["/bin/true"] and len(printed) == 2
    assert calls == ["start 1", "finish 1", "start 2", "finish 2", "close"]
    for job, html in zip(jobs, printed):
        report = staged[job.code]
        assert report.pdf_problem is None and report.pdf_path == report.html_path.with_suffix(".pdf")
        assert html.startswith("<!DOCTYPE html>") and html == report.outputs[0].staged.read_text(encoding="utf-8")


def test_socek_report_command(published, tmp_path):
    """``socek report --municipality 1880 --no-pdf`` with a configuration pointing at the warehouse."""
    config = (ROOT / "config" / "pipeline.toml").read_text(encoding="utf-8")
    config = config.replace('warehouse = "warehouse/socek.duckdb"', f'warehouse = "{published}"')
    assert str(published) in config
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "pipeline.toml").write_text(config, encoding="utf-8")

    assert cli.main(["--config", str(tmp_path / "config" / "pipeline.toml"), "report", "--municipality", "1880",
                     "--no-pdf"]) == 0
    assert (tmp_path / "reports" / "1880" / "redovisning-2025.html").exists()


def test_the_browser_setup_never_fails_the_build(monkeypatch, capsys):
    from flows.outputs.report import pdf as setup_browser  # make browser

    monkeypatch.setattr(setup_browser, "find_chromium", lambda: None)
    monkeypatch.setattr(setup_browser.os, "geteuid", lambda: 1000)
    assert setup_browser.ensure_chromium() is None
    assert "not root" in capsys.readouterr().out

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(setup_browser, "ensure_chromium", broken)
    assert setup_browser.main() == 0


# --- export.report_cooperation_timeline: fixture rows in, expected rows out -----------------------

@pytest.fixture(scope="module")
def timeline():
    """Enterprises started in 2022 with a cooperation: Lekeberg's with placements in every year, Laxå's
    with one small cell in a delivery that declares 2022-2025 (its name), so its other years are zeros,
    not missing; neither municipality delivered a ledger."""
    from tests.sqlkit import fixture_db

    cells = {("1814", "7696405120"): [(2022, 3), (2023, 10), (2024, 12), (2025, 6)],
             ("1860", "8020000017"): [(2022, 2)]}
    con = fixture_db({
        "raw.enterprises": [{"org_nr": org, "name": f"Kooperativet {code} (fiktivt)", "municipality_code": code,
                             "is_wise": True, "start_date": "2022-03-01", "cooperation_started": "2022-09-01",
                             "_file_id": f"e{code}"} for code, org in cells],
        "raw.placements": [{"municipality_code": code, "year": year, "org_nr": org, "referrer": "arbetsmarknadsenhet",
                            "placement_type": "work_training", "sex": "K", "age_band": "25-64",
                            "persons_started": started, "persons_ended": 0, "ended_to_unsubsidised_work": 0,
                            "ended_to_subsidised_work": 0, "ended_to_studies": 0, "participant_days": started * 100,
                            "_file_id": f"p{code}_2022-2025"} for (code, org), years in cells.items()
                           for year, started in years],
    })
    yield con
    con.close()


def _cells(con, code: str, kind: str = "persons_started") -> dict[str, tuple]:
    return {period: (value, conf, reason) for period, value, conf, reason in con.execute("""
        select period, value, conf_status, suppressed_reason from export.report_cooperation_timeline
        where municipality_code = ? and event_type = 'placements' and event_kind = ?""", [code, kind]).fetchall()}


def test_timeline_suppresses_small_counts_and_one_more_year_to_protect_them(timeline):
    cells = _cells(timeline, "1814")
    assert cells["2022"] == (None, "C", "färre än 5 personer")
    assert cells["2025"] == (None, "D", "uppgiften skulle kunna räknas fram ur andra redovisade uppgifter")
    assert cells["2023"] == (10.0, "F", None) and cells["2024"] == (12.0, "F", None)
    assert cells["2022-2025"] == (31.0, "F", None)
    days = _cells(timeline, "1814", "participant_days")
    assert days["2022"] == (None, "C", "bygger på färre än 5 personer")  # 300 days, but of 3 persons


def test_timeline_zero_is_shown_and_a_small_total_hidden(timeline):
    cells = _cells(timeline, "1860")
    assert cells["2022"][1] == "C" and cells["2023"] == (0.0, "F", None)  # zero is not a small count
    assert cells["2022-2025"] == (None, "C", "färre än 5 personer")


def test_timeline_purchases_without_a_ledger_are_missing_not_zero(timeline):
    rows = timeline.execute("""select distinct value, obs_status from export.report_cooperation_timeline
                               where event_type = 'purchases'""").fetchall()
    assert rows == [(None, "L")]


def test_a_report_without_its_pdf_is_a_warning_and_the_old_pdf_stays(published, tmp_path, monkeypatch):
    """No Chromium: the page is written, the run is told (a warning in its record), and an older PDF
    is not deleted; the outputs still count as complete (the next run tries the PDF again)."""
    import shutil

    import duckdb

    from flows.config import load_config
    from flows.outputs import build_outputs
    from tests.faultkit import write_small_config

    config = write_small_config(tmp_path, codes=("1814",))
    config.write_text(config.read_text(encoding="utf-8").replace("pdf = false", "pdf = true", 1), encoding="utf-8")
    settings = load_config(config)
    database = tmp_path / "build.duckdb"
    shutil.copyfile(published, database)
    con = duckdb.connect(str(database))
    con.execute("insert into meta.provenance values ('20261130T010000Z-abcdef', date '2026-11-30', false, null, null)")
    con.close()
    old_pdf = settings.path("reports") / "1814" / "redovisning-2025.pdf"
    old_pdf.parent.mkdir(parents=True)
    old_pdf.write_bytes(b"%PDF- an older print")
    monkeypatch.setenv("SOCEK_CHROMIUM", str(tmp_path / "no-such-chromium"))
    out = build_outputs.stage(settings, database, "20261130T020000Z-abcdef", everything=True)
    assert [w for w in out.warnings if w.startswith("report 1814: no PDF: Chromium is not installed")]
    assert "the older redovisning-2025.pdf is left as it was" in out.warnings[0]
    assert build_outputs.put_in_place(settings, out) == []
    assert old_pdf.read_bytes() == b"%PDF- an older print"
    assert (settings.path("reports") / "1814" / "redovisning-2025.html").exists()
