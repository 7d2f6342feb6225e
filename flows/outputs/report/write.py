"""Render one report and write it: a municipality's (``reports/<kommun>/redovisning-<år>.html``) or
the county's (``reports/<region>/lansrapport-<år>.html``), and a PDF beside it when Chromium is
installed. A build writes its reports together (``stage_reports``: the database opened once, each
export view read once, every PDF from one Chromium printing each page while the next is rendered);
``stage_report`` and ``write_report`` write one.

The page is self-contained Swedish HTML made from the Jinja2 templates (``render.py``): inline CSS,
inline SVG charts, no scripts, nothing fetched at view time, print CSS for paper. Identical data give
a byte-identical page: rows are sorted, nothing reads the clock; the only date is the one the run
recorded."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from flows.common.memory import release_unused
from flows.common.synthetic import SYNTHETIC_BANNER
from flows.outputs.browser import Browser, BrowserError
from flows.outputs.identity_guard import IdentityInOutputError, check_text
from flows.outputs.query import open_read_only
from flows.outputs.report.appendix import (
    agenda_context,
    method_context,
    quality_context,
)
from flows.outputs.report.county import county_context
from flows.outputs.report.data import (
    CountyData,
    ExportLayer,
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
from flows.outputs.report.pdf import AUTO, PDF_TIMEOUT_SECONDS, find_chromium
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


def _is_region(layer: ExportLayer, code: str) -> bool:
    return any(a["is_region"] for a in layer.rows("select * from export.report_areas order by municipality_code")
               if a["municipality_code"] == code)


@dataclass(frozen=True)
class ReportJob:
    """One report a build writes: a municipality's, or the county report for the region's code; and
    its year (None: the latest with data)."""

    code: str
    year: int | None = None


def _load_job(layer: ExportLayer, job: ReportJob) -> tuple[ReportData | CountyData, bool]:
    """What the job's page shows, and whether it is the county report."""
    county = _is_region(layer, job.code)
    return (load_county_data(layer, job.year) if county else load_data(layer, job.code, job.year)), county


def _draw(data: ReportData | CountyData, county: bool, source: dict) -> str:
    """The page; it carries the run id of the build and, for synthetic data, the demo banner
    (``meta.provenance``)."""
    draw = render_county if county else render
    return draw(data, run_id=source.get("run_id"), synthetic=bool(source.get("synthetic")))


def _render_job(layer: ExportLayer, source: dict, job: ReportJob) -> tuple[str, int, bool]:
    """The job's page, its year and whether it is the county report."""
    data, county = _load_job(layer, job)
    return _draw(data, county, source), data.year, county


def render_report(published: Path, municipality_code: str, year: int | None = None) -> tuple[str, int]:
    """A municipality's (or, for the region's code, the county's) page and its year, from the
    published database opened read-only."""
    con = open_read_only(Path(published))
    try:
        html, year, _ = _render_job(ExportLayer(con), provenance(con), ReportJob(municipality_code, year))
    finally:
        con.close()
    return html, year


def stage_reports(published: Path, reports_root: Path, jobs: list[ReportJob], run_id: str,
                  chromium: str | None = AUTO) -> dict[str, StagedReport | ReportError | IdentityInOutputError | OSError]:
    """Write the pages of ``jobs`` (and, with Chromium, their PDFs) beside their final names.

    The database is opened once and each export view read once for all jobs; every PDF is printed
    by one Chromium (``PagePrinter``), which starts while the first page is rendered and prints each
    page while the next one is rendered. Returns, per job's code, the staged report or the error that
    kept its page from being written (a page that would show a personal identity number or a
    pseudonym is not written: ``IdentityInOutputError``). ``chromium`` is a path, ``AUTO`` (find
    an installed one) or None (no PDF wanted); a PDF that cannot be printed is the report's
    ``pdf_problem`` and an older PDF is never removed for it.
    """
    results: dict[str, StagedReport | ReportError | IdentityInOutputError | OSError] = {}
    if not jobs:
        return results
    # Every job's data first, then the database is closed (its buffers freed) before Chromium runs.
    loaded: dict[str, tuple[ReportData | CountyData, bool]] = {}
    con = open_read_only(Path(published))
    try:
        layer, source = ExportLayer(con), provenance(con)
        for job in jobs:
            try:
                loaded[job.code] = _load_job(layer, job)
            except ReportError as exc:
                results[job.code] = exc
    finally:
        con.close()
    release_unused()
    pages: dict[str, Path] = {}
    printer = PagePrinter(find_chromium() if chromium == AUTO else chromium, run_id) if chromium else None
    try:
        for job in jobs:
            if job.code not in loaded:
                continue
            try:
                data, county = loaded[job.code]
                html, year = _draw(data, county, source), data.year
                html_path = report_path(reports_root, job.code, year, county)
                check_text(str(html_path), html)
                staged_html = staged_path(html_path, run_id)
                _write_text(staged_html, html)
            except (ReportError, IdentityInOutputError, OSError) as exc:
                results[job.code] = exc
                continue
            pages[job.code] = html_path
            results[job.code] = StagedReport(html_path, None, [Staged(html_path, staged_html)], None)
            if printer:
                printer.submit(html_path, html)
    finally:
        printed = printer.close() if printer else {}
    for code, html_path in pages.items():
        if html_path not in printed:
            continue
        report, outcome = results[code], printed[html_path]
        if isinstance(outcome, Path):
            results[code] = StagedReport(html_path, html_path.with_suffix(".pdf"),
                                         report.outputs + [Staged(html_path.with_suffix(".pdf"), outcome)], None)
        else:
            results[code] = StagedReport(html_path, None, report.outputs, outcome)
    return results


class PagePrinter:
    """Prints pages to their staged PDFs from one Chromium while the caller renders the next page.

    Chromium starts in a background thread when the printer is made (its start-up overlaps the
    rendering of the first page); ``submit`` hands it a page and returns once the page before is
    printed, so Chromium prints one page while Python renders the next. ``close`` waits for the last
    one and returns, per page, the staged PDF or why there is none.
    """

    def __init__(self, chromium: str | None, run_id: str):
        self.run_id = run_id
        self.outcome: dict[Path, Path | str] = {}
        self._browser: Browser | None = None
        self._pending: tuple[Path, int] | None = None
        self._problem = None if chromium else ("no PDF: Chromium is not installed (`make browser` installs it, "
                                               "or set SOCEK_CHROMIUM)")
        self._starting = threading.Thread(target=self._start, args=(chromium,), daemon=True) if chromium else None
        if self._starting:
            self._starting.start()

    def _start(self, chromium: str) -> None:
        try:
            self._browser = Browser(chromium)
        except BrowserError as exc:
            self._problem = f"no PDF: {exc}"

    def _ready(self) -> Browser | None:
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        return self._browser

    def submit(self, html_path: Path, html: str) -> None:
        self._finish_pending()
        browser = self._ready()
        if browser is None:
            self.outcome[html_path] = self._problem
            return
        try:
            self._pending = (html_path, browser.start_pdf(html))
        except BrowserError as exc:
            self.outcome[html_path] = f"no PDF: Chromium failed to print {html_path}: {exc}"

    def _finish_pending(self) -> None:
        if self._pending is None:
            return
        html_path, command = self._pending
        self._pending = None
        try:
            self.outcome[html_path] = self._browser.finish_pdf(
                command, staged_path(html_path.with_suffix(".pdf"), self.run_id), PDF_TIMEOUT_SECONDS)
        except (BrowserError, OSError) as exc:
            self.outcome[html_path] = f"no PDF: Chromium failed to print {html_path}: {exc}"

    def close(self) -> dict[Path, Path | str]:
        try:
            self._finish_pending()
        finally:
            browser = self._ready()
            if browser is not None:
                browser.close()
        return self.outcome


def stage_report(published: Path, reports_root: Path, code: str, run_id: str,
                 year: int | None = None, chromium: str | None = AUTO) -> StagedReport:
    """Write one report's page (and, with Chromium, its PDF) beside their final names: a
    municipality's, or the county report for the region's code (a page that would show a personal
    identity number or a pseudonym: ``IdentityInOutputError``)."""
    outcome = stage_reports(published, reports_root, [ReportJob(code, year)], run_id, chromium)[code]
    if isinstance(outcome, (ReportError, IdentityInOutputError, OSError)):
        raise outcome
    return outcome


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
