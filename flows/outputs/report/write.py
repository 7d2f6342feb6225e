"""The council report (DESIGN §7): ``reports/<kommun>/redovisning-<år>.html``, and a PDF beside it
when Chromium is installed.

The page is self-contained Swedish HTML: inline CSS, inline SVG charts, no scripts, nothing fetched at
view time, print CSS for paper. Identical data give a byte-identical page: rows are sorted, nothing
reads the clock; the only date is the one the run recorded."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from flows.outputs.query import open_read_only
from flows.outputs.report.appendix import (
    agenda_section,
    footer,
    method_section,
    quality_section,
)
from flows.outputs.report.data import ReportData, load_data
from flows.outputs.report.html import esc, page
from flows.outputs.report.labels import MOTION_YEAR, SECTIONS
from flows.outputs.report.pdf import AUTO, find_chromium, print_pdf
from flows.outputs.report.question1 import question1_section
from flows.outputs.report.question2 import question2_section
from flows.outputs.report.summary import summary_section


@dataclass(frozen=True)
class ReportResult:
    html_path: Path
    pdf_path: Path | None


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


def report_path(reports_root: Path, municipality_code: str, year: int) -> Path:
    return Path(reports_root) / municipality_code / f"redovisning-{year}.html"


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
