"""A character-grid chart with logarithmic axes, for the Scaling screen.

Drawn here rather than with textual-plotext or textual-plot: neither gives what the
screen needs at 80×24 without colour. plotext (under textual-plotext, which pins
plotext < 6) labels a log axis at raw sample values ("167880401.8") unless every tick is
set by hand, and textual-plot has no log axis at all (the data must be pre-transformed
and the ticks re-labelled) and tells Braille line series apart by colour only. Both add
dependencies (numpy, a hires canvas) for a few dozen lines of drawing.

Every series is drawn with its own character and named in a legend, so the chart reads
the same with NO_COLOR; the highlighted point is shown in reverse video and in brackets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from paramtui.tui.widgets.fit_text import ellipsize_middle


# A point's label is cut (in the middle) to this many cells, or to the room left of the edge.
LABEL_MAX = 16


@dataclass(frozen=True)
class Axis:
    label: str
    lo: float
    hi: float
    log: bool = True
    fmt: Callable[[float], str] = lambda v: f"{v:g}"


@dataclass(frozen=True)
class Series:
    """A curve drawn with one character; consecutive points are joined."""

    name: str
    marker: str
    points: Sequence[tuple[float, float]]


@dataclass(frozen=True)
class Point:
    """A labelled point (a scenario): its marker, then its label to the right when room allows."""

    x: float
    y: float
    marker: str
    label: str = ""
    highlight: bool = False


@dataclass(frozen=True)
class Chart:
    title: str
    x: Axis
    y: Axis
    series: Sequence[Series] = ()
    points: Sequence[Point] = ()
    legend: Sequence[str] = field(default_factory=tuple)


def _log_ticks(lo: float, hi: float) -> list[float]:
    """Powers of ten inside [lo, hi]; with fewer than two, add 2× and 5× steps."""
    first, last = math.ceil(math.log10(lo) - 1e-9), math.floor(math.log10(hi) + 1e-9)
    decades = [10.0**k for k in range(first, last + 1)]
    if len(decades) >= 2:
        # Many decades: keep every second or third so labels do not crowd.
        step = max(1, math.ceil(len(decades) / 7))
        return decades[::step]
    ticks = []
    for k in range(first - 1, last + 1):
        for m in (1, 2, 5):
            v = m * 10.0**k
            if lo <= v <= hi:
                ticks.append(v)
    return ticks


def _linear_ticks(lo: float, hi: float, count: int) -> list[float]:
    span = hi - lo
    if span <= 0:
        return [lo]
    raw = span / max(1, count)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.ceil(lo / step) * step
    ticks, v = [], start
    while v <= hi + step * 1e-9:
        ticks.append(round(v, 10))
        v += step
    return ticks


def _scale(axis: Axis, value: float, cells: int) -> float | None:
    """Position of `value` in [0, cells-1] along the axis; None when off the axis."""
    if axis.log:
        if value <= 0:
            return None
        a, b, v = math.log10(axis.lo), math.log10(axis.hi), math.log10(value)
    else:
        a, b, v = axis.lo, axis.hi, value
    if b == a:
        return None
    return (v - a) / (b - a) * (cells - 1)


def render_chart(chart: Chart, width: int, height: int) -> list[Text]:
    """The chart as `height` lines of at most `width` cells."""
    legend_lines = _wrap_legend(chart.legend, width)
    y_tick_values = (
        _log_ticks(chart.y.lo, chart.y.hi) if chart.y.log else _linear_ticks(chart.y.lo, chart.y.hi, 4)
    )
    y_labels = [chart.y.fmt(v) for v in y_tick_values]
    gutter = max([len(s) for s in y_labels] + [len(chart.y.label)]) + 1
    plot_w = max(10, width - gutter - 1)
    # title, plot rows, x-axis line, tick labels, axis label, legend
    plot_h = max(4, height - 4 - len(legend_lines))
    grid = [[" "] * plot_w for _ in range(plot_h)]
    styles: dict[tuple[int, int], Style] = {}

    def put(col: int, row: int, ch: str, style: Style | None = None) -> None:
        if 0 <= col < plot_w and 0 <= row < plot_h:
            grid[row][col] = ch
            if style is not None:
                styles[(row, col)] = style

    def to_cell(x: float, y: float) -> tuple[float, float] | None:
        cx, cy = _scale(chart.x, x, plot_w), _scale(chart.y, y, plot_h)
        if cx is None or cy is None:
            return None
        return cx, (plot_h - 1) - cy

    for series in chart.series:
        cells = [to_cell(x, y) for x, y in series.points]
        previous = None
        for cell in cells:
            if cell is None or not math.isfinite(cell[0]) or not math.isfinite(cell[1]):
                previous = None
                continue
            if previous is not None:
                _join(previous, cell, lambda c, r: put(c, r, series.marker))
            put(round(cell[0]), round(cell[1]), series.marker)
            previous = cell

    # Points last, so they sit on top of the curves; the highlighted one last of all.
    reverse = Style(reverse=True, bold=True)
    for point in sorted(chart.points, key=lambda p: p.highlight):
        cell = to_cell(point.x, point.y)
        if cell is None:
            continue
        col, row = round(cell[0]), round(cell[1])
        if not (0 <= row < plot_h):
            row = 0 if row < 0 else plot_h - 1  # keep an off-scale point visible on the edge
        col = min(max(col, 0), plot_w - 1)
        text = f"[{point.marker}]" if point.highlight else point.marker
        start = col - 1 if point.highlight else col
        for i, ch in enumerate(text):
            put(start + i, row, ch, reverse if point.highlight else Style(bold=True))
        label = point.label
        if label:
            end = start + len(text)
            room = plot_w - end - 1
            if room >= 3:
                for i, ch in enumerate(" " + ellipsize_middle(label, min(room, LABEL_MAX))):
                    if grid[row][end + i] == " " or i > 0:
                        put(end + i, row, ch, reverse if point.highlight else None)

    lines: list[Text] = [Text(chart.title[:width], style="bold")]
    tick_rows: dict[int, str] = {}
    for value, label in zip(y_tick_values, y_labels):
        pos = _scale(chart.y, value, plot_h)
        if pos is not None:
            tick_rows[(plot_h - 1) - round(pos)] = label
    for row in range(plot_h):
        line = Text()
        if row in tick_rows:
            line.append(tick_rows[row].rjust(gutter - 1) + " ┤")
        elif row == 0:
            line.append(chart.y.label[: gutter - 1].rjust(gutter - 1) + " │")
        else:
            line.append(" " * (gutter - 1) + " │")
        for col in range(plot_w):
            line.append(grid[row][col], styles.get((row, col)))
        lines.append(line)

    x_tick_values = _log_ticks(chart.x.lo, chart.x.hi) if chart.x.log else _linear_ticks(chart.x.lo, chart.x.hi, 5)
    axis = ["─"] * plot_w
    labels = [" "] * (plot_w + 8)
    taken_until = -2
    for value in x_tick_values:
        pos = _scale(chart.x, value, plot_w)
        if pos is None:
            continue
        col = round(pos)
        if 0 <= col < plot_w:
            axis[col] = "┬"
        text = chart.x.fmt(value)
        start = min(max(0, col - len(text) // 2), plot_w - len(text))
        if start <= taken_until + 1:
            continue
        labels[start:start + len(text)] = list(text)
        taken_until = start + len(text)
    lines.append(Text(" " * (gutter - 1) + " └" + "".join(axis)))
    lines.append(Text(" " * (gutter + 1) + "".join(labels).rstrip()))
    lines.append(Text((" " * (gutter + 1) + chart.x.label.center(plot_w)).rstrip()))
    lines.extend(Text(s) for s in legend_lines)
    return [line[:width] if len(line) > width else line for line in lines[:height]]


def _join(a: tuple[float, float], b: tuple[float, float], put: Callable[[int, int], None]) -> None:
    """Fill the cells between two consecutive curve points so a steep curve stays unbroken."""
    steps = int(max(abs(b[0] - a[0]), abs(b[1] - a[1]))) + 1
    for i in range(1, steps):
        t = i / steps
        put(round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t))


def _wrap_legend(items: Sequence[str], width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for item in items:
        candidate = f"{current}  {item}" if current else item
        if len(candidate) > width and current:
            lines.append(current)
            current = item
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


class LogPlot(Widget):
    """Shows a `Chart`, redrawn to the widget's size."""

    DEFAULT_CSS = """
    LogPlot { height: 1fr; width: 1fr; }
    """

    chart: reactive[Chart | None] = reactive(None)

    def render(self) -> Text:
        if self.chart is None:
            return Text("")
        lines = render_chart(self.chart, self.size.width, self.size.height)
        return Text("\n").join(lines)


def compact_count(value: float) -> str:
    """Tick labels for counts: 1M, 10M, 1B, 2.5B, 1T (no padding zeros)."""
    for factor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= factor * 0.9999:
            return f"{value / factor:.3g}{suffix}"
    return f"{value:.3g}"


def compact_power(value: float) -> str:
    """Tick labels for FLOPs and other huge quantities: 1e21, 3e23."""
    exponent = math.floor(math.log10(value) + 1e-9)
    mantissa = value / 10**exponent
    head = f"{mantissa:.2g}" if abs(mantissa - 1) > 1e-6 else "1"
    return f"{head}e{exponent}"
