"""Small SVG charts for the council report, drawn in Python: no JavaScript, nothing fetched.

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

from flows.outputs.report.html import esc, machine_number, sv_number

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


def _tick_label(value: float, decimals: int) -> str:
    return sv_number(value, decimals)


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

    def axis(self, unit_label: str) -> str:
        parts = ["<g class=\"axis y-axis\">"]
        for tick in self.ticks:
            y = self.y(tick)
            css = " class=\"zero\"" if tick == 0 else ""
            parts.append(f"<line{css} x1=\"{self.left}\" x2=\"{self.right}\" y1=\"{y:.1f}\" y2=\"{y:.1f}\"/>")
            parts.append(f"<text x=\"{self.left - 6}\" y=\"{y + 4:.1f}\" text-anchor=\"end\">"
                         f"{esc(_tick_label(tick, self.decimals))}</text>")
        if unit_label:
            parts.append(f"<text x=\"{self.left}\" y=\"{self.top - 10}\" text-anchor=\"start\">{esc(unit_label)}</text>")
        parts.append("</g>")
        return "".join(parts)


def _legend(series: list[Series], y: float, swatch: str) -> tuple[str, int]:
    """One entry per series (none for a single series): a line (dashed if the series is) or a box;
    entries wrap onto a new row at the right edge. Returns the SVG and the number of rows."""
    if len(series) < 2:
        return "", 0
    parts, x, rows = ["<g class=\"legend\">"], MARGIN_LEFT, 1
    for index, s in enumerate(series):
        width = (28 if swatch == "line" else 18) + 7 * len(s.name)
        if x > MARGIN_LEFT and x + width > WIDTH - MARGIN_RIGHT:
            x, y, rows = MARGIN_LEFT, y + LEGEND_ROW, rows + 1
        color = PALETTE[index % len(PALETTE)]
        if swatch == "line":
            dash = " stroke-dasharray=\"6 4\"" if s.dashed else ""
            parts.append(f"<line x1=\"{x}\" x2=\"{x + 22}\" y1=\"{y:.1f}\" y2=\"{y:.1f}\" stroke=\"{color}\" "
                         f"stroke-width=\"3\"{dash}/>")
            text_x = x + 28
        else:
            parts.append(f"<rect x=\"{x}\" y=\"{y - 6:.1f}\" width=\"12\" height=\"12\" fill=\"{color}\"/>")
            text_x = x + 18
        parts.append(f"<text x=\"{text_x}\" y=\"{y + 4:.1f}\">{esc(s.name)}</text>")
        x = text_x + 12 + 7 * len(s.name)
    parts.append("</g>")
    return "".join(parts), rows


def _point_title(series: Series, label: str, value: float, value_text) -> str:
    return f"<title>{esc(series.name)} {esc(label)}: {esc(value_text(value))}</title>"


def _figure(chart_id: str, kind: str, title: str, svg_body: str, points: int, caption: str,
            missing: list[str], legend_rows: int = 1) -> str:
    if points == 0:  # nothing to draw: say so rather than show empty axes
        return (f"<p class=\"missing chart-missing\" id=\"{esc(chart_id)}\">{esc(title)}: uppgift saknas "
                "eller visas inte för något år.</p>")
    notes = caption
    if missing:
        notes += (" " if notes else "") + "Saknas eller visas inte: " + ", ".join(missing) + "."
    return (f"<figure class=\"chart\" id=\"{esc(chart_id)}\" data-chart=\"{kind}\" data-points=\"{points}\">"
            f"<svg viewBox=\"0 0 {WIDTH} {HEIGHT + LEGEND_ROW * max(legend_rows - 1, 0)}\" role=\"img\" "
            f"aria-labelledby=\"{esc(chart_id)}-title\">"
            f"<title id=\"{esc(chart_id)}-title\">{esc(title)}</title>"
            f"<text class=\"chart-title\" x=\"{MARGIN_LEFT}\" y=\"16\">{esc(title)}</text>"
            f"{svg_body}</svg>"
            f"<figcaption>{esc(notes)}</figcaption></figure>")


def _missing(series: list[Series], labels: list[str]) -> list[str]:
    return [f"{s.name} {label}" if len(series) > 1 else label
            for s in series for label, v in zip(labels, s.values) if v is None]


def line_chart(chart_id: str, title: str, labels: list[str], series: list[Series], *,
               unit_label: str = "", value_text=None, caption: str = "", include_zero: bool = True) -> str:
    """Lines over the category labels (years); each value a ``<circle class="point">``."""
    value_text = value_text or (lambda v: sv_number(v, 0 if float(v).is_integer() else 1))
    frame = _Frame([v for s in series for v in s.values], include_zero)
    left, right = frame.left + 24, frame.right - 24  # room for the end points and their labels
    step = (right - left) / max(len(labels) - 1, 1)
    xs = [left + step * i if len(labels) > 1 else (left + right) / 2 for i in range(len(labels))]
    parts = [frame.axis(unit_label), "<g class=\"axis x-axis\">"]
    for x, label in zip(xs, labels):
        parts.append(f"<text x=\"{x:.1f}\" y=\"{frame.bottom + 18}\" text-anchor=\"middle\">{esc(label)}</text>")
    parts.append("</g>")
    points = 0
    for index, s in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        dash = " stroke-dasharray=\"6 4\"" if s.dashed else ""
        segment: list[str] = []
        segments: list[list[str]] = []
        for x, value in zip(xs, s.values):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
            else:
                segment.append(f"{x:.1f},{frame.y(value):.1f}")
        if segment:
            segments.append(segment)
        for seg in segments:
            if len(seg) > 1:
                parts.append(f"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2.5\"{dash} "
                             f"points=\"{' '.join(seg)}\"/>")
        for x, label, value in zip(xs, labels, s.values):
            if value is None:
                continue
            points += 1
            parts.append(f"<circle class=\"point\" cx=\"{x:.1f}\" cy=\"{frame.y(value):.1f}\" r=\"4.5\" "
                         f"fill=\"{color}\" data-series=\"{esc(s.name)}\" data-label=\"{esc(label)}\" "
                         f"data-value=\"{machine_number(value)}\">"
                         f"{_point_title(s, label, value, value_text)}</circle>")
    legend, rows = _legend(series, HEIGHT - 14, "line")
    parts.append(legend)
    return _figure(chart_id, "line", title, "".join(parts), points, caption, _missing(series, labels), rows)


def bar_chart(chart_id: str, title: str, labels: list[str], series: list[Series], *,
              unit_label: str = "", value_text=None, caption: str = "") -> str:
    """Grouped bars per category label; each value a ``<rect class="point">`` from the zero line."""
    value_text = value_text or (lambda v: sv_number(v, 0 if float(v).is_integer() else 1))
    frame = _Frame([v for s in series for v in s.values], include_zero=True)
    group = (frame.right - frame.left) / max(len(labels), 1)
    bar = min(48.0, group * 0.8 / max(len(series), 1))
    parts = [frame.axis(unit_label), "<g class=\"axis x-axis\">"]
    for i, label in enumerate(labels):
        x = frame.left + group * (i + 0.5)
        parts.append(f"<text x=\"{x:.1f}\" y=\"{frame.bottom + 18}\" text-anchor=\"middle\">{esc(label)}</text>")
    parts.append("</g>")
    points = 0
    zero = frame.y(0.0)
    for index, s in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        for i, (label, value) in enumerate(zip(labels, s.values)):
            if value is None:
                continue
            points += 1
            x = frame.left + group * (i + 0.5) - bar * len(series) / 2 + bar * index
            top = min(frame.y(value), zero)
            height = abs(zero - frame.y(value))
            parts.append(f"<rect class=\"point\" x=\"{x:.1f}\" y=\"{top:.1f}\" width=\"{bar - 2:.1f}\" "
                         f"height=\"{height:.1f}\" fill=\"{color}\" data-series=\"{esc(s.name)}\" "
                         f"data-label=\"{esc(label)}\" data-value=\"{machine_number(value)}\">"
                         f"{_point_title(s, label, value, value_text)}</rect>")
    legend, rows = _legend(series, HEIGHT - 14, "box")
    parts.append(legend)
    return _figure(chart_id, "bar", title, "".join(parts), points, caption, _missing(series, labels), rows)

