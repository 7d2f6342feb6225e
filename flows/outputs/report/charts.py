"""Small SVG charts for the reports: the geometry computed here, the markup drawn by the ``chart``
macro of ``templates/macros.html.j2``. No JavaScript, nothing fetched.

A chart is a ``<figure class="chart">`` holding an inline ``<svg>``. Every data point is an element
of class ``point`` (``<circle>`` in line charts, ``<rect>`` in bar charts) carrying ``data-series``,
``data-label`` and ``data-value`` (the exact number) and a ``<title>`` tooltip in Swedish; the
figure's ``data-points`` says how many there are, so a test can check that every point was drawn.
A missing or suppressed value (``None``) draws nothing: a gap in a line, no bar, and the caption
says so; a chart with no value at all becomes a sentence saying so. Output depends only on the
input, so identical data give identical SVG.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup

from flows.outputs.report.html import machine_number, sv_number
from flows.outputs.report.render import macro

PALETTE = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#7f6000", "#2e75b6", "#a50021")
WIDTH, HEIGHT = 640, 280
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 74, 16, 46, 56
LEGEND_ROW = 18


@dataclass(frozen=True)
class Series:
    """One line or one set of bars: a name and a value (or None) per category label."""

    name: str
    values: tuple[float | None, ...]
    dashed: bool = False


def nice_ticks(low: float, high: float, count: int = 5, integer: bool = False) -> list[float]:
    """Round tick values covering [low, high] (steps of 1, 2, 2.5 or 5 times a power of ten);
    with ``integer`` (counts) the step is a whole number."""
    if high < low:
        low, high = high, low
    if math.isclose(low, high):
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if integer:
        step = max(1.0, math.ceil(step))
    start = math.floor(low / step) * step
    ticks, value = [], start
    while value < high + step * 0.5:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _decimals_for(ticks: list[float]) -> int:
    return 0 if all(float(t).is_integer() for t in ticks) else (1 if all(
        float(round(t * 10)) == round(t * 10, 6) for t in ticks) else 2)


class _Frame:
    """The plot area and the value axis shared by both chart kinds."""

    def __init__(self, values: list[float], include_zero: bool):
        present = [v for v in values if v is not None]
        low = min(present + ([0.0] if include_zero or not present else []))
        high = max(present + ([0.0] if include_zero or not present else []))
        self.ticks = nice_ticks(low, high, integer=all(float(v).is_integer() for v in present))
        self.low, self.high = self.ticks[0], self.ticks[-1]
        self.left, self.right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
        self.top, self.bottom = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM
        self.decimals = _decimals_for(self.ticks)

    def y(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return self.bottom - (value - self.low) / span * (self.bottom - self.top)

    def axis(self) -> list[dict]:
        return [{"y": _px(self.y(t)), "label_y": _px(self.y(t) + 4), "zero": t == 0,
                 "label": sv_number(t, self.decimals)} for t in self.ticks]


def _px(value: float) -> str:
    return f"{value:.1f}"


def _legend(series: list[Series], y: float, swatch: str) -> tuple[list[dict], int]:
    """One entry per series (none for a single series): a line (dashed if the series is) or a box;
    entries wrap onto a new row at the right edge. Returns the entries and the number of rows."""
    if len(series) < 2:
        return [], 0
    items, x, rows = [], MARGIN_LEFT, 1
    for index, s in enumerate(series):
        width = (28 if swatch == "line" else 18) + 7 * len(s.name)
        if x > MARGIN_LEFT and x + width > WIDTH - MARGIN_RIGHT:
            x, y, rows = MARGIN_LEFT, y + LEGEND_ROW, rows + 1
        text_x = x + (28 if swatch == "line" else 18)
        items.append({"swatch": swatch, "x": x, "y": _px(y), "box_y": _px(y - 6), "dashed": s.dashed,
                      "color": PALETTE[index % len(PALETTE)], "text_x": text_x, "text_y": _px(y + 4),
                      "name": s.name})
        x = text_x + 12 + 7 * len(s.name)
    return items, rows


def _missing(series: list[Series], labels: list[str]) -> list[str]:
    return [f"{s.name} {label}" if len(series) > 1 else label
            for s in series for label, v in zip(labels, s.values) if v is None]


def _figure(chart_id: str, kind: str, title: str, frame: _Frame, unit_label: str, labels: list[dict],
            lines: list[dict], marks: list[dict], series: list[Series], names: list[str], caption: str,
            swatch: str) -> Markup:
    legend, rows = _legend(series, HEIGHT - 14, swatch)
    missing = _missing(series, names)
    if missing:
        caption += (" " if caption else "") + "Saknas eller visas inte: " + ", ".join(missing) + "."
    chart = {"id": chart_id, "kind": kind, "title": title, "points": len(marks), "width": WIDTH,
             "height": HEIGHT + LEGEND_ROW * max(rows - 1, 0), "left": frame.left, "right": frame.right,
             "top": frame.top, "bottom": frame.bottom, "ticks": frame.axis(), "unit_label": unit_label,
             "labels": labels, "lines": lines, "marks": marks, "legend": legend, "caption": caption}
    return Markup(macro("macros.html.j2", "chart")(chart))


def _mark(shape: str, series: Series, label: str, value: float, value_text, color: str, **geometry) -> dict:
    return {"shape": shape, "series": series.name, "label": label, "value": machine_number(value), "color": color,
            "title": f"{series.name} {label}: {value_text(value)}", **geometry}


def line_chart(chart_id: str, title: str, labels: list[str], series: list[Series], *,
               unit_label: str = "", value_text=None, caption: str = "", include_zero: bool = True) -> Markup:
    """Lines over the category labels (years); each value a ``<circle class="point">``; a missing
    value breaks the line."""
    value_text = value_text or (lambda v: sv_number(v, 0 if float(v).is_integer() else 1))
    frame = _Frame([v for s in series for v in s.values], include_zero)
    left, right = frame.left + 24, frame.right - 24  # room for the end points and their labels
    step = (right - left) / max(len(labels) - 1, 1)
    xs = [left + step * i if len(labels) > 1 else (left + right) / 2 for i in range(len(labels))]
    lines, marks = [], []
    for index, s in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        segment: list[str] = []
        for x, value in [*zip(xs, s.values), (None, None)]:
            if value is None:
                if len(segment) > 1:
                    lines.append({"color": color, "dashed": s.dashed, "points": " ".join(segment)})
                segment = []
            else:
                segment.append(f"{x:.1f},{frame.y(value):.1f}")
        marks += [_mark("circle", s, label, value, value_text, color, x=_px(x), y=_px(frame.y(value)))
                  for x, label, value in zip(xs, labels, s.values) if value is not None]
    x_labels = [{"x": _px(x), "label": label} for x, label in zip(xs, labels)]
    return _figure(chart_id, "line", title, frame, unit_label, x_labels, lines, marks, series, labels, caption,
                   "line")


def bar_chart(chart_id: str, title: str, labels: list[str], series: list[Series], *,
              unit_label: str = "", value_text=None, caption: str = "") -> Markup:
    """Grouped bars per category label; each value a ``<rect class="point">`` from the zero line."""
    value_text = value_text or (lambda v: sv_number(v, 0 if float(v).is_integer() else 1))
    frame = _Frame([v for s in series for v in s.values], include_zero=True)
    group = (frame.right - frame.left) / max(len(labels), 1)
    bar = min(48.0, group * 0.8 / max(len(series), 1))
    zero = frame.y(0.0)
    marks = []
    for index, s in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        for i, (label, value) in enumerate(zip(labels, s.values)):
            if value is None:
                continue
            x = frame.left + group * (i + 0.5) - bar * len(series) / 2 + bar * index
            marks.append(_mark("rect", s, label, value, value_text, color, x=_px(x),
                               y=_px(min(frame.y(value), zero)), width=_px(bar - 2),
                               height=_px(abs(zero - frame.y(value)))))
    x_labels = [{"x": _px(frame.left + group * (i + 0.5)), "label": label} for i, label in enumerate(labels)]
    return _figure(chart_id, "bar", title, frame, unit_label, x_labels, [], marks, series, labels, caption, "box")
