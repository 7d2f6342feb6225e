"""HTML building blocks for the council report: Swedish number and date formatting, escaping,
tables, the page skeleton and its CSS (screen and print).

Everything is the standard library. Every piece of text that comes from data goes through
``esc`` (``html.escape`` with quotes), so a register's free text can never become markup. The
page is self-contained: the CSS is inline, there are no scripts, fonts or images to fetch, and the
favicon is an empty data URL so a browser does not ask a server for one.
"""

from __future__ import annotations

import html
import math
from datetime import date, datetime

from flows.common.synthetic import SYNTHETIC_BANNER

NBSP = "\u00a0"  # thousands separator and before units, so "1 234 kr" never breaks across lines
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
          "oktober", "november", "december")


def esc(value: object) -> str:
    """Text for HTML content or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def sv_number(value: float | int | None, decimals: int = 0) -> str:
    """Swedish number format: space (no-break) between thousands, decimal comma, minus sign."""
    if is_missing(value):
        return ""
    number = round(float(value), decimals)
    if number == 0:
        number = 0.0  # no "-0"
    text = f"{abs(number):,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return ("\u2212" if number < 0 else "") + text


def sv_sek(value: float | None) -> str:
    """Whole kronor: ``1 234 567 kr``."""
    return "" if is_missing(value) else f"{sv_number(value)}{NBSP}kr"


def sv_percent(value: float | None, decimals: int = 1) -> str:
    return "" if is_missing(value) else f"{sv_number(value, decimals)}{NBSP}%"


def sv_date(value: date | datetime | None) -> str:
    """``1 september 2022``."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def iso_date(value: date | datetime | None) -> str:
    """``2022-09-01``: the Swedish standard short date, for tables (never broken across lines)."""
    return "" if value is None else f"<span class=\"nowrap\">{value.strftime('%Y-%m-%d')}</span>"


def sv_value(value: float | None, unit: str | None) -> str:
    """A value in its unit as a reader expects it (kronor whole, shares and rates with a decimal)."""
    if is_missing(value):
        return ""
    unit = (unit or "").strip()
    if unit in ("SEK", "SEK/year"):
        return sv_sek(value) + (" per år" if unit == "SEK/year" else "")
    if unit == "%":
        return sv_percent(value)
    if unit.startswith("per "):
        return sv_number(value, 1)
    if unit == "FTE":
        return sv_number(value, 1)
    decimals = 0 if float(value).is_integer() else 1
    return sv_number(value, decimals)


def capitalized(text: str) -> str:
    """First letter upper case, the rest untouched (``str.capitalize`` would turn IOP into iop)."""
    return text[:1].upper() + text[1:]


def machine_number(value: float | int) -> str:
    """The exact number for a ``data-value`` attribute: ``4``, ``122625.5`` (point, no grouping)."""
    number = round(float(value), 6)
    return str(int(number)) if number.is_integer() else repr(number)


def suppressed_text(reason: str | None) -> str:
    """What a reader sees instead of a suppressed value."""
    return "Uppgiften visas inte" + (f": {reason}" if reason else "")


def cell(value_html: str, *, numeric: bool = False, css: str = "") -> str:
    classes = " ".join(c for c in ("num" if numeric else "", css) if c)
    return f"<td class=\"{classes}\">{value_html}</td>" if classes else f"<td>{value_html}</td>"


NUMERIC_CLASS = ' class="num"'


def table(headers: list[str], rows: list[list[str] | str], *, caption: str | None = None,
          numeric_from: int = 1, numeric: set[int] | None = None, css: str = "") -> str:
    """A table; headers and cells are HTML already (use ``esc``). Right-aligned (numeric) columns are
    ``numeric``, or every column from ``numeric_from``. The first cell of a row is its header, and
    a cell given as ``<td ...>`` (or a whole row given as one ``<tr ...>`` string) is used as it is."""
    numeric = set(numeric) if numeric is not None else set(range(numeric_from, len(headers)))
    head = "".join(f"<th scope=\"col\"{NUMERIC_CLASS if i in numeric else ''}>{h}</th>"
                   for i, h in enumerate(headers))
    body = []
    for row in rows:
        if isinstance(row, str):  # a whole row given as HTML (e.g. a group heading spanning columns)
            body.append(row)
            continue
        cells = []
        for i, value in enumerate(row):
            if value.startswith("<td"):
                cells.append(value)
            elif i == 0:
                cells.append(f"<th scope=\"row\">{value}</th>")
            else:
                cells.append(cell(value, numeric=i in numeric))
        body.append("<tr>" + "".join(cells) + "</tr>")
    caption_html = f"<caption>{caption}</caption>" if caption else ""
    css_attr = f" class=\"{css}\"" if css else ""
    return (f"<table{css_attr}>{caption_html}<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def section(anchor: str, number: int, title: str, body: str) -> str:
    return (f"<section id=\"{esc(anchor)}\" class=\"report-section\" data-section=\"{number}\">"
            f"<h2>{number}. {esc(title)}</h2>{body}</section>")


CSS = """
:root { --ink: #1b1b1b; --muted: #555; --line: #c8c8c8; --accent: #1f4e79; --soft: #eef3f8;
        --warn: #8a4b00; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.5;
       font-family: "DejaVu Sans", "Segoe UI", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
header.report-head { border-bottom: 3px solid var(--accent); margin-bottom: 1.5rem; padding-bottom: .75rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: .2rem 0 .4rem; color: var(--accent); }
h2 { font-size: 1.45rem; margin: 2.2rem 0 .8rem; color: var(--accent); border-bottom: 1px solid var(--line);
     padding-bottom: .25rem; }
h3 { font-size: 1.15rem; margin: 1.6rem 0 .5rem; }
h4 { font-size: 1rem; margin: 1.1rem 0 .4rem; }
p { margin: .5rem 0 .8rem; }
.lead { font-size: 1.08rem; }
.muted, .note { color: var(--muted); }
.note { font-size: .9rem; }
nav.toc ol { margin: .3rem 0 0 1.2rem; padding: 0; columns: 2; }
nav.toc a { color: var(--accent); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: .75rem;
         margin: 1rem 0 1.2rem; }
.card { border: 1px solid var(--line); border-left: 5px solid var(--accent); padding: .6rem .8rem;
        background: var(--soft); break-inside: avoid; }
.card .figure { font-size: 1.5rem; font-weight: bold; display: block; }
.card .label { font-size: .9rem; color: var(--muted); }
.answer { border-left: 4px solid var(--accent); padding: .2rem 0 .2rem 1rem; margin: .8rem 0 1.2rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1.2rem; font-size: .86rem;
        break-inside: auto; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .45rem; vertical-align: top; text-align: left; }
thead th { border-bottom: 2px solid var(--ink); }
tr { break-inside: avoid; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num, .nowrap { white-space: nowrap; }
.suppressed { color: var(--warn); font-style: italic; white-space: normal; }
.missing { color: var(--muted); }
.proxy { font-size: .8rem; border: 1px solid var(--muted); border-radius: 3px; padding: 0 .25rem;
         white-space: nowrap; }
figure.chart { margin: 1rem 0 1.4rem; break-inside: avoid; }
figure.chart svg { width: 100%; height: auto; max-width: 46rem; display: block; }
figure.chart figcaption { font-size: .9rem; color: var(--muted); }
.chart-title { font-weight: bold; font-size: 14px; }
.axis text, .legend text { font-size: 12px; fill: #333; }
.axis line { stroke: #bbb; }
.axis .zero { stroke: #666; }
ol.timeline { list-style: none; margin: .5rem 0 1.2rem .5rem; padding: 0; border-left: 3px solid var(--accent); }
ol.timeline li { position: relative; margin: 0 0 .7rem; padding-left: 1rem; break-inside: avoid; }
ol.timeline li::before { content: ""; position: absolute; left: -.5rem; top: .45rem; width: .7rem; height: .7rem;
                          border-radius: 50%; background: var(--accent); }
ol.timeline .when { font-weight: bold; }
blockquote { margin: .6rem 0; padding: .4rem 1rem; border-left: 4px solid var(--line); background: #fafafa; }
dl.definitions dt { font-weight: bold; margin-top: .6rem; }
dl.definitions dd { margin: 0 0 .3rem 1rem; }
footer.report-foot { margin-top: 3rem; border-top: 1px solid var(--line); padding-top: .6rem; font-size: .85rem;
                     color: var(--muted); }
@media print {
  @page { size: A4; margin: 16mm 14mm 18mm; }
  html { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav.toc { break-after: page; }
  .report-section { break-before: page; }
  #sammanfattning { break-before: auto; }
  h2, h3, h4 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  .card, figure.chart, table, ol.timeline li { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def page(title: str, body: str, lang: str = "sv", *, run_id: str | None = None, synthetic: bool = False) -> str:
    """The whole document: self-contained, no scripts, no external references.

    ``run_id`` (the run that built the data) goes into ``<meta name="socek:run_id">``, so a stale
    report can be told from a current one. ``synthetic`` puts the banner "Fiktiva data – demo" at the
    top of the page and, fixed, on every printed page.
    """
    stamp = f"<meta name=\"socek:run_id\" content=\"{esc(run_id)}\">\n" if run_id else ""
    banner = ""
    if synthetic:
        stamp += "<meta name=\"socek:synthetic\" content=\"true\">\n"
        banner = (f"<div class=\"synthetic-banner\" role=\"note\"><strong>{esc(SYNTHETIC_BANNER)}</strong>: "
                  "alla siffror i denna rapport är påhittade (syntetiska demodata), inte verkliga uppgifter."
                  "</div>\n")
    return (
        "<!DOCTYPE html>\n"
        f"<html lang=\"{esc(lang)}\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">\n"
        "<link rel=\"icon\" href=\"data:,\">\n"
        f"{stamp}<title>{esc(title)}</title>\n<style>{CSS}{BANNER_CSS if synthetic else ''}</style>\n</head>\n"
        f"<body>\n{banner}<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


# The demo's banner: on screen at the top of the page; in print at the top of the first page and, as a
# page margin box, in the top margin of every printed page (never over the text).
BANNER_CSS = (".synthetic-banner{background:#b00020;color:#fff;padding:.5em 1em;text-align:center;"
              "font-size:1.05em;position:sticky;top:0;z-index:10}"
              "@media print{.synthetic-banner{position:static}}"
              "@page{@top-center{content:\"FIKTIVA DATA – demo: påhittade siffror, inte verkliga uppgifter\";"
              "color:#b00020;font-weight:bold;font-size:10pt}}")
