"""The reports in headless Chromium -- Lekeberg's council report and the county report for the
Region: each renders with no console errors, every section and chart is drawn with its data points,
nothing is fetched from anywhere but the local server, a screenshot is written, and the PDF prints.

The page is served from a local HTTP server on 127.0.0.1 that records every request, and
Chromium resolves no host name but 127.0.0.1. Without Chromium these tests fail (on CI) or are
skipped with the reason (elsewhere); ``make browser`` (``python -m flows.outputs.report.pdf``) installs it as root.
"""

from __future__ import annotations

import functools
import os
import re
import struct
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from flows.outputs.report import pdf as report_pdf
from flows.outputs.report import write as report_write
from tests.report_fixtures import demo_warehouse

pytestmark = pytest.mark.browser

# Each report the browser opens: its code, its file and its sections in order.
REPORTS = {
    "1814": ("redovisning", ["sammanfattning", "fraga-1", "fraga-2", "agenda-2030", "datakvalitet",
                             "metod-och-kallor"]),
    "0018": ("lansrapport", ["sammanfattning", "insatsomraden", "kommunernas-arbete", "lanets-utveckling",
                             "datakvalitet", "metod-och-kallor"]),
}

SECTIONS_JS = """
Array.from(document.querySelectorAll('section.report-section')).map(s => {
  const r = s.getBoundingClientRect(), style = getComputedStyle(s), h = s.querySelector('h2');
  return {id: s.id, height: r.height, width: r.width, display: style.display, visibility: style.visibility,
          heading: h ? h.innerText : null};
})"""

CHARTS_JS = """
Array.from(document.querySelectorAll('figure.chart')).map(f => {
  const svg = f.querySelector('svg').getBoundingClientRect();
  const points = Array.from(f.querySelectorAll('.point')).map(p => {
    const r = p.getBoundingClientRect();
    return {tag: p.tagName, value: p.dataset.value, width: r.width, height: r.height,
            inside: r.left >= svg.left - 1 && r.right <= svg.right + 1 && r.top >= svg.top - 1
                    && r.bottom <= svg.bottom + 1,
            title: p.querySelector('title') ? p.querySelector('title').textContent : ''};
  });
  return {id: f.id, declared: Number(f.dataset.points), svgWidth: svg.width, svgHeight: svg.height, points};
})"""


@pytest.fixture(scope="module")
def chromium() -> str:
    binary = report_pdf.find_chromium()
    if binary is None:
        override = os.environ.get("SOCEK_CHROMIUM")
        where = (f"SOCEK_CHROMIUM={override} is not an executable" if override
                 else "no /usr/bin/chromium and none on PATH")
        reason = (f"Chromium is not installed ({where}): run `make browser` as root "
                  "(make test does), or set SOCEK_CHROMIUM to a Chromium binary")
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    return binary


class _RecordingHandler(SimpleHTTPRequestHandler):
    requests: list[str]

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.requests.append(self.path)
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module", params=sorted(REPORTS, reverse=True))
def served(request, tmp_path_factory):
    """A report (Lekeberg's, then the county's) written from the demo warehouse and served on 127.0.0.1."""
    code = request.param
    stem, sections = REPORTS[code]
    root = tmp_path_factory.mktemp("reports")
    result = report_write.write_report(demo_warehouse(), root, code, chromium=None)
    assert result.html_path == root / code / f"{stem}-2025.html"
    requests: list[str] = []
    handler = type("Handler", (_RecordingHandler,), {"requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    yield {"base": base, "url": f"{base}{code}/{stem}-2025.html", "path": f"/{code}/{stem}-2025.html", "code": code,
           "sections": sections, "requests": requests, "result": result}
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def page(chromium, served):
    from tests.chromium_cdp import Browser

    with Browser(chromium) as browser:
        yield browser.open(served["url"])


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_no_console_errors(page):
    assert page.console_errors() == []


def test_every_section_is_visible(page, served):
    sections = page.evaluate(SECTIONS_JS)
    assert [s["id"] for s in sections] == served["sections"]
    for number, s in enumerate(sections, 1):
        assert s["display"] != "none" and s["visibility"] == "visible", s
        assert s["height"] > 100 and s["width"] > 300, s
        assert s["heading"].startswith(f"{number}. "), s


def test_every_chart_is_drawn_with_its_data_points(page, served):
    charts = page.evaluate(CHARTS_JS)
    assert len(charts) >= {"1814": 6, "0018": 4}[served["code"]]
    for chart in charts:
        assert chart["svgWidth"] > 300 and chart["svgHeight"] > 100, chart["id"]
        assert chart["declared"] == len(chart["points"]) > 0, chart["id"]
        for point in chart["points"]:
            value = float(point["value"])
            assert point["inside"], (chart["id"], point)
            assert point["title"], (chart["id"], point)
            if point["tag"] == "circle":
                assert point["width"] > 0 and point["height"] > 0, (chart["id"], point)
            elif value != 0:
                assert point["width"] > 0 and point["height"] > 0, (chart["id"], point)


def test_no_request_leaves_the_machine(page, served):
    urls = page.requested_urls()
    assert urls == [served["url"]], urls  # the page itself, nothing else (no fonts, images, favicon)
    assert served["requests"] == [served["path"]]


def test_screenshot_is_written(page, served, tmp_path_factory):
    path = page.screenshot(tmp_path_factory.mktemp("screenshots") / f"{served['path'].strip('/').replace('/', '-')}.png")
    width, height = _png_size(path)
    assert width >= 1000 and height >= 5000, (width, height)  # the whole page, six sections long
    assert path.stat().st_size > 100_000, path.stat().st_size  # text and charts, not a blank page
    print(f"screenshot: {path}")


def test_print_layout_keeps_every_section_and_chart(page, served):
    page.emulate_media("print")
    try:
        sections = page.evaluate(SECTIONS_JS)
        assert [s["id"] for s in sections if s["height"] > 100 and s["visibility"] == "visible"] == served["sections"]
        assert all(c["declared"] == len(c["points"]) for c in page.evaluate(CHARTS_JS))
        second = served["sections"][1]
        assert page.evaluate(f"getComputedStyle(document.getElementById('{second}')).breakBefore") == "page"
    finally:
        page.emulate_media("")


def test_pdf_is_printed_beside_the_html(chromium, tmp_path):
    result = report_write.write_report(demo_warehouse(), tmp_path, "1880", chromium=chromium)
    assert result.pdf_path == tmp_path / "1880" / "redovisning-2025.pdf"
    data = result.pdf_path.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 20_000
    assert not list(tmp_path.rglob("*.partial"))
    # Chromium printed the page, not its source text: the PDF carries the page's <title> (a staged
    # page loaded by its file name would come out as plain text titled with the file name)
    title = re.search(r"<title>(.*?)</title>", result.html_path.read_text(encoding="utf-8")).group(1)
    assert b"/Title <FEFF" + title.encode("utf-16-be").hex().upper().encode() + b">" in data
    assert not list(tmp_path.rglob(".print-*")) and not list(tmp_path.rglob("*.staged-*"))
