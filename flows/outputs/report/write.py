"""The council report (DESIGN §7): ``reports/<kommun>/redovisning-<år>.html``, and a PDF beside it
when Chromium is installed.

The page is self-contained Swedish HTML: inline CSS, inline SVG charts, no scripts, nothing fetched at
view time, print CSS for paper. Identical data give a byte-identical page: rows are sorted, nothing
reads the clock; the only date is the one the run recorded."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from flows.outputs.browser import Browser, BrowserError
from flows.outputs.identity_guard import IdentityInOutputError, check_text
from flows.outputs.query import open_read_only
from flows.outputs.report.appendix import (
    agenda_section,
    footer,
    method_section,
    quality_section,
)
from flows.outputs.report.data import ExportLayer, ReportData, ReportError, load_data
from flows.outputs.report.html import esc, page
from flows.outputs.report.labels import MOTION_YEAR, SECTIONS
from flows.outputs.report.pdf import AUTO, PDF_TIMEOUT_SECONDS, find_chromium
from flows.outputs.report.question1 import question1_section
from flows.outputs.report.question2 import question2_section
from flows.outputs.report.summary import summary_section
from flows.outputs.staging import Staged, commit, staged_path
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
    return page(title, "\n".join(body), run_id=run_id, synthetic=synthetic)


def report_path(reports_root: Path, municipality_code: str, year: int) -> Path:
    return Path(reports_root) / municipality_code / f"redovisning-{year}.html"


def _write_text(path: Path, text: str) -> None:
    """Write next to the final name, then rename: a reader never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def render_report(published: Path, municipality_code: str, year: int | None = None) -> tuple[str, int]:
    """The page's HTML and its year, from the published database opened read-only; the page carries
    the run id of the build and, for synthetic data, the demo banner (``meta.provenance``)."""
    con = open_read_only(Path(published))
    try:
        return _render_job(ExportLayer(con), provenance(con), ReportJob(municipality_code, year))
    finally:
        con.close()


@dataclass(frozen=True)
class ReportJob:
    """One report a build writes: the municipality it covers and its year (None: the latest with data)."""

    code: str
    year: int | None = None


def _render_job(layer: ExportLayer, source: dict, job: ReportJob) -> tuple[str, int]:
    data = load_data(layer, job.code, job.year)
    return render(data, run_id=source.get("run_id"), synthetic=bool(source.get("synthetic"))), data.year


def stage_reports(published: Path, reports_root: Path, jobs: list[ReportJob], run_id: str,
                  chromium: str | None = AUTO) -> dict[str, StagedReport | ReportError | IdentityInOutputError | OSError]:
    """Write the pages of ``jobs`` (and, with Chromium, their PDFs) beside their final names.

    The database is opened once and each export view read once for all jobs; every PDF is printed
    by one Chromium (``print_pages``). Returns, per job's code, the staged report or the error that
    kept its page from being written (a page that would show a personal identity number or a
    pseudonym is not written: ``IdentityInOutputError``). ``chromium`` is a path, ``AUTO`` (find
    an installed one) or None (no PDF wanted); a PDF that cannot be printed is the report's
    ``pdf_problem`` and an older PDF is never removed for it.
    """
    results: dict[str, StagedReport | ReportError | IdentityInOutputError | OSError] = {}
    pages: dict[str, Path] = {}
    con = open_read_only(Path(published))
    try:
        layer, source = ExportLayer(con), provenance(con)
        for job in jobs:
            try:
                html, year = _render_job(layer, source, job)
                html_path = report_path(reports_root, job.code, year)
                check_text(str(html_path), html)
                staged_html = staged_path(html_path, run_id)
                _write_text(staged_html, html)
            except (ReportError, IdentityInOutputError, OSError) as exc:
                results[job.code] = exc
                continue
            pages[job.code] = html_path
            results[job.code] = StagedReport(html_path, None, [Staged(html_path, staged_html)], None)
    finally:
        con.close()
    if chromium is None or not pages:
        return results
    printed = print_pages(list(pages.values()), run_id, find_chromium() if chromium == AUTO else chromium)
    for code, html_path in pages.items():
        report, outcome = results[code], printed[html_path]
        if isinstance(outcome, Path):
            results[code] = StagedReport(html_path, html_path.with_suffix(".pdf"),
                                         report.outputs + [Staged(html_path.with_suffix(".pdf"), outcome)], None)
        else:
            results[code] = StagedReport(html_path, None, report.outputs, outcome)
    return results


def print_pages(pages: list[Path], run_id: str, chromium: str | None) -> dict[Path, Path | str]:
    """Print the staged page of each final page path to its staged PDF, all from one Chromium.

    Returns, per page, the staged PDF or why there is none. Chromium is handed the page's HTML (a
    staged file, named ``….html.staged-<run>``, would be rendered as source text by its name).
    """
    if not chromium:
        return dict.fromkeys(pages, "no PDF: Chromium is not installed (`make browser` installs it, or set "
                                    "SOCEK_CHROMIUM)")
    try:
        browser = Browser(chromium)
    except BrowserError as exc:
        return dict.fromkeys(pages, f"no PDF: {exc}")
    outcome: dict[Path, Path | str] = {}
    with browser:
        for html_path in pages:
            try:
                html = staged_path(html_path, run_id).read_text(encoding="utf-8")
                outcome[html_path] = browser.print_pdf(html, staged_path(html_path.with_suffix(".pdf"), run_id),
                                                       PDF_TIMEOUT_SECONDS)
            except (BrowserError, OSError) as exc:
                outcome[html_path] = f"no PDF: Chromium failed to print {html_path}: {exc}"
    return outcome


def stage_report(published: Path, reports_root: Path, municipality_code: str, run_id: str,
                 year: int | None = None, chromium: str | None = AUTO) -> StagedReport:
    """Write one municipality's page (and, with Chromium, its PDF) beside their final names (a page
    that would show a personal identity number or a pseudonym: ``IdentityInOutputError``)."""
    result = stage_reports(published, reports_root, [ReportJob(municipality_code, year)], run_id, chromium)
    outcome = result[municipality_code]
    if isinstance(outcome, (ReportError, IdentityInOutputError, OSError)):
        raise outcome
    return outcome


def write_report(published: Path, reports_root: Path, municipality_code: str, year: int | None = None,
                 chromium: str | None = AUTO) -> ReportResult:
    """Write ``reports/<kommun>/redovisning-<år>.html`` and, with Chromium, the PDF beside it.

    ``year`` defaults to the latest year with data. A PDF that cannot be printed leaves any older PDF
    in place and says why in ``pdf_problem`` (the page is written by then).
    """
    staged = stage_report(published, reports_root, municipality_code, f"report-{os.getpid()}", year, chromium)
    commit(staged.outputs)
    return ReportResult(staged.html_path, staged.pdf_path, staged.pdf_problem)
