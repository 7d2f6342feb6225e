"""The council report (DESIGN §7): ``reports/<kommun>/redovisning-<år>.html``, and a PDF beside it
when Chromium is installed.

The page is self-contained Swedish HTML: inline CSS, inline SVG charts, no scripts, nothing fetched at
view time, print CSS for paper. Identical data give a byte-identical page: rows are sorted, nothing
reads the clock; the only date is the one the run recorded."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from flows.outputs.identity_guard import check_text
from flows.outputs.query import open_read_only
from flows.outputs.report.appendix import (
    agenda_section,
    footer,
    method_section,
    quality_section,
)
from flows.outputs.report.data import ReportData, ReportError, load_data
from flows.outputs.report.html import esc, page
from flows.outputs.report.labels import MOTION_YEAR, SECTIONS
from flows.outputs.report.pdf import AUTO, find_chromium, print_pdf
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
        data = load_data(con, municipality_code, year)
        source = provenance(con)
    finally:
        con.close()
    return render(data, run_id=source.get("run_id"), synthetic=bool(source.get("synthetic"))), data.year


def stage_report(published: Path, reports_root: Path, municipality_code: str, run_id: str,
                 year: int | None = None, chromium: str | None = AUTO) -> StagedReport:
    """Write the page (and, with Chromium, its PDF) beside their final names.

    ``chromium`` is a path, ``AUTO`` (find an installed one) or None (no PDF wanted). When a PDF is
    wanted but cannot be printed, ``pdf_problem`` says why; an older PDF is never removed for it. A
    page that would show a personal identity number or a pseudonym is not written
    (``IdentityInOutputError``).
    """
    html, year = render_report(published, municipality_code, year)
    html_path = report_path(reports_root, municipality_code, year)
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


def write_report(published: Path, reports_root: Path, municipality_code: str, year: int | None = None,
                 chromium: str | None = AUTO) -> ReportResult:
    """Write ``reports/<kommun>/redovisning-<år>.html`` and, with Chromium, the PDF beside it.

    ``year`` defaults to the latest year with data. A PDF that cannot be printed leaves any older PDF
    in place and says why in ``pdf_problem`` (the page is written by then).
    """
    staged = stage_report(published, reports_root, municipality_code, f"report-{os.getpid()}", year, chromium)
    commit(staged.outputs)
    return ReportResult(staged.html_path, staged.pdf_path, staged.pdf_problem)
