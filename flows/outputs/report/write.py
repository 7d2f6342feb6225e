"""Render one report and write it: a municipality's (``reports/<kommun>/redovisning-<år>.html``) or
the county's (``reports/<region>/lansrapport-<år>.html``), and a PDF beside it when Chromium is
installed. Each report is written on its own (``stage_report``, ``write_report``), so a scheduler
can write only the ones it needs.

The page is self-contained Swedish HTML made from the Jinja2 templates (``render.py``): inline CSS,
inline SVG charts, no scripts, nothing fetched at view time, print CSS for paper. Identical data give
a byte-identical page: rows are sorted, nothing reads the clock; the only date is the one the run
recorded."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from flows.common.synthetic import SYNTHETIC_BANNER
from flows.outputs.identity_guard import check_text
from flows.outputs.query import open_read_only
from flows.outputs.report.appendix import (
    agenda_context,
    method_context,
    quality_context,
)
from flows.outputs.report.county import county_context
from flows.outputs.report.data import (
    CountyData,
    ReportData,
    ReportError,
    load_county_data,
    load_data,
)
from flows.outputs.report.labels import (
    ACTIVITY_LABELS,
    AGREEMENT_LABELS,
    ARRANGED_BY,
    COUNTY_SECTIONS,
    GRANT_LABELS,
    MOTION_YEAR,
    RESERVED_LABELS,
    SECTIONS,
    motion_sections,
)
from flows.outputs.report.pdf import AUTO, find_chromium, print_pdf
from flows.outputs.report.question1 import work_context
from flows.outputs.report.question2 import cooperation_context, min_persons
from flows.outputs.report.render import render as render_template
from flows.outputs.report.summary import summary_context
from flows.outputs.staging import (
    COUNTY_REPORT,
    MUNICIPALITY_REPORT,
    Staged,
    commit,
    staged_path,
)
from flows.warehouse.database import provenance


@dataclass(frozen=True)
class ReportResult:
    html_path: Path
    pdf_path: Path | None
    pdf_problem: str | None = None  # why no new PDF was printed (an older one is left as it was)


@dataclass(frozen=True)
class StagedReport:
    """A report page (and its PDF) written under staging names; ``outputs`` go to ``staging.commit``."""

    html_path: Path
    pdf_path: Path | None
    outputs: list[Staged]
    pdf_problem: str | None


def render(data: ReportData, run_id: str | None = None, synthetic: bool = False) -> str:
    """A municipality's whole page for one year."""
    sections = (motion_sections(data.motion["question_work"], data.motion["question_cooperation"])
                if data.motion else SECTIONS)
    cooperation = cooperation_context(data)
    labels = {"agreement": AGREEMENT_LABELS, "grant": GRANT_LABELS, "activity": ACTIVITY_LABELS,
              "reserved": RESERVED_LABELS, "arranged": ARRANGED_BY, "min_persons": min_persons(data)}
    return render_template(
        "municipality.html.j2", data=data, title=f"Sociala företag i {data.title} – redovisning {data.year}",
        sections=sections, summary=summary_context(data, cooperation["decisions"]), work=work_context(data),
        cooperation=cooperation, agenda=agenda_context(data), quality=quality_context(data),
        method=method_context(data.run, data.catalogue), labels=labels, motion_year=MOTION_YEAR,
        run_id=run_id, synthetic=synthetic, banner=SYNTHETIC_BANNER)


def render_county(data: CountyData, run_id: str | None = None, synthetic: bool = False) -> str:
    """The county report's whole page for one year."""
    return render_template(
        "county.html.j2", data=data, title=f"Sociala företag i {data.region_name} – länsrapport {data.year}",
        sections=COUNTY_SECTIONS, county=county_context(data), method=method_context(data.run, data.catalogue),
        run_id=run_id, synthetic=synthetic, banner=SYNTHETIC_BANNER)


def report_path(reports_root: Path, code: str, year: int, county: bool = False) -> Path:
    return Path(reports_root) / code / f"{COUNTY_REPORT if county else MUNICIPALITY_REPORT}-{year}.html"


def _write_text(path: Path, text: str) -> None:
    """Write next to the final name, then rename: a reader never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def _is_region(con, code: str) -> bool:
    found = con.execute("select is_region from export.report_areas where municipality_code = ?", [code]).fetchone()
    return bool(found and found[0])


def render_page(published: Path, code: str, year: int | None = None) -> tuple[str, int, bool]:
    """The page of ``code`` (a municipality, or the region: the county report) from the published
    database opened read-only, its year, and whether it is the county report. The page carries the
    run id of the build and, for synthetic data, the demo banner (``meta.provenance``)."""
    con = open_read_only(Path(published))
    try:
        county = _is_region(con, code)
        data = load_county_data(con, year) if county else load_data(con, code, year)
        source = provenance(con)
    finally:
        con.close()
    draw = render_county if county else render
    return draw(data, run_id=source.get("run_id"), synthetic=bool(source.get("synthetic"))), data.year, county


def render_report(published: Path, municipality_code: str, year: int | None = None) -> tuple[str, int]:
    """A municipality's (or, for the region's code, the county's) page and its year."""
    html, year, _ = render_page(published, municipality_code, year)
    return html, year


def stage_report(published: Path, reports_root: Path, code: str, run_id: str,
                 year: int | None = None, chromium: str | None = AUTO) -> StagedReport:
    """Write one report's page (and, with Chromium, its PDF) beside their final names: a
    municipality's, or the county report for the region's code.

    ``chromium`` is a path, ``AUTO`` (find an installed one) or None (no PDF wanted). When a PDF is
    wanted but cannot be printed, ``pdf_problem`` says why; an older PDF is never removed for it. A
    page that would show a personal identity number or a pseudonym is not written
    (``IdentityInOutputError``).
    """
    html, year, county = render_page(published, code, year)
    html_path = report_path(reports_root, code, year, county)
    check_text(str(html_path), html)
    staged_html = staged_path(html_path, run_id)
    _write_text(staged_html, html)
    outputs = [Staged(html_path, staged_html)]
    pdf_path = html_path.with_suffix(".pdf")
    if chromium is None:
        return StagedReport(html_path, None, outputs, None)
    browser = find_chromium() if chromium == AUTO else chromium
    if not browser:
        return StagedReport(html_path, None, outputs, "no PDF: Chromium is not installed (`make browser` installs "
                                                       "it, or set SOCEK_CHROMIUM)")
    # Chromium decides how to render a file by its name: the page is printed from a copy named .html
    printable = html_path.with_name(f".print-{run_id}-{html_path.name}")
    try:
        shutil.copyfile(staged_html, printable)
        staged_pdf = print_pdf(printable, staged_path(pdf_path, run_id), browser)
    except ReportError as exc:
        return StagedReport(html_path, None, outputs, f"no PDF: {exc}")
    finally:
        printable.unlink(missing_ok=True)
    return StagedReport(html_path, pdf_path, outputs + [Staged(pdf_path, staged_pdf)], None)


def write_report(published: Path, reports_root: Path, code: str, year: int | None = None,
                 chromium: str | None = AUTO) -> ReportResult:
    """Write ``reports/<kommun>/redovisning-<år>.html`` (or, for the region's code,
    ``reports/<region>/lansrapport-<år>.html``) and, with Chromium, the PDF beside it.

    ``year`` defaults to the latest year with data. A PDF that cannot be printed leaves any older PDF
    in place and says why in ``pdf_problem`` (the page is written by then).
    """
    staged = stage_report(published, reports_root, code, f"report-{os.getpid()}", year, chromium)
    commit(staged.outputs)
    return ReportResult(staged.html_path, staged.pdf_path, staged.pdf_problem)
