"""A stacked bar of memory parts against the memory the target has.

Every part has its own glyph as well as its own colour, and the verdict is written out
("fits" / "does NOT fit"), so the bar reads the same with NO_COLOR or in 16 colours.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.reactive import Reactive
from textual.strip import Strip
from textual.widget import Widget

from paramtui.core.units import format_bytes, format_percent

GLYPHS = ("█", "▓", "▒", "░", "▚")
FREE = "·"


@dataclass(frozen=True)
class MemoryPart:
    label: str
    bytes: float
    short: str = ""  # a shorter name for narrow screens


class MemoryBar(Widget):
    """`title`, parts and capacity; width follows the widget. Three lines: verdict, bar, legend."""

    COMPONENT_CLASSES = {"memory-bar--part-0", "memory-bar--part-1", "memory-bar--part-2",
                         "memory-bar--part-3", "memory-bar--part-4", "memory-bar--free",
                         "memory-bar--limit", "memory-bar--ok", "memory-bar--bad", "memory-bar--title"}
    DEFAULT_CSS = """
    MemoryBar { height: 3; }
    MemoryBar > .memory-bar--part-0 { color: $primary; }
    MemoryBar > .memory-bar--part-1 { color: $secondary; }
    MemoryBar > .memory-bar--part-2 { color: $accent; }
    MemoryBar > .memory-bar--part-3 { color: $warning; }
    MemoryBar > .memory-bar--part-4 { color: $success; }
    MemoryBar > .memory-bar--free { color: $text-muted; }
    MemoryBar > .memory-bar--limit { color: $foreground; text-style: bold; }
    MemoryBar > .memory-bar--ok { color: $success; text-style: bold; }
    MemoryBar > .memory-bar--bad { color: $error; text-style: bold; }
    MemoryBar > .memory-bar--title { text-style: bold; }
    """
    # One line (or a fixed size) whose content never moves its neighbours: a change of its
    # virtual size (each layout that resizes it) needs a repaint, not another layout.
    virtual_size = Reactive(Size(0, 0), layout=False)

    def __init__(self, title: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.title = title
        self.parts: list[MemoryPart] = []
        self.capacity: float | None = None
        self.capacity_label = ""
        self.peak: float | None = None

    def set_parts(self, parts: list[MemoryPart], capacity: float | None, capacity_label: str = "",
                  peak: float | None = None) -> None:
        """`peak`: the most held at once, when the parts do not all live at the same time."""
        if (list(parts), capacity, capacity_label, peak) == (self.parts, self.capacity, self.capacity_label, self.peak):
            return
        self.parts = list(parts)
        self.capacity = capacity
        self.capacity_label = capacity_label
        self.peak = peak
        self.refresh()

    @property
    def total(self) -> float:
        return self.peak if self.peak is not None else sum(p.bytes for p in self.parts)

    def render(self) -> Text:
        width = max(self.size.width, 20)
        total = self.total
        cap = self.capacity or 0
        styles: dict[str, object] = {}

        def style(name: str):
            if name not in styles:
                styles[name] = self.get_component_rich_style(name)
            return styles[name]

        out = Text(no_wrap=False)
        # Line 1: title and verdict.
        out.append(self.title, style("memory-bar--title"))
        if cap > 0:
            fits = total <= cap
            ratio = total / cap
            verdict = "✓ fits" if fits else "✗ too big"
            # past 999% a multiple reads better and keeps the head line short (Deploy says "✗ 12×" too)
            percent = f"{ratio:.0f}×" if ratio > 9.99 else format_percent(ratio)
            out.append(self._sizes(format_bytes(total), format_bytes(cap), percent,
                                   width - len(self.title) - len(verdict)))
            out.append(verdict,
                       style("memory-bar--ok" if fits else "memory-bar--bad"))
        else:
            out.append(f"  {format_bytes(total)}")
        out.append("\n")
        # Line 2: the bar. The scale is the larger of the total and the capacity, so an
        # overflow shows as parts running past the limit mark.
        bar_width = width - 1
        scale = max(total, sum(p.bytes for p in self.parts), cap) or 1
        cells: list[tuple[str, str]] = []
        for i, part in enumerate(self.parts):
            n = round(part.bytes / scale * bar_width)
            if part.bytes > 0 and n == 0:
                n = 1  # a small part still shows, so its glyph in the legend is findable
            cells += [(GLYPHS[i % len(GLYPHS)], f"memory-bar--part-{i % 5}")] * n
        cells = cells[:bar_width]
        limit_at = round(cap / scale * bar_width) if cap > 0 else None
        if limit_at is not None:
            cells += [(FREE, "memory-bar--free")] * max(0, limit_at - len(cells))
            cells.insert(limit_at, ("│", "memory-bar--limit"))
        cells = cells[:width]
        i = 0
        while i < len(cells):  # one span per run of equal cells
            j = i
            while j < len(cells) and cells[j] == cells[i]:
                j += 1
            out.append(cells[i][0] * (j - i), style(cells[i][1]))
            i = j
        out.append("\n")
        # Legend: glyph, name and size; shorter forms when the line is narrow.
        for legend in (self._legend(True, True, True), self._legend(True, True, False),
                       self._legend(False, True, False), self._legend(False, False, False)):
            if legend.cell_len <= width:
                break
        out.append_text(legend)
        return out

    @staticmethod
    def _sizes(total: str, cap: str, percent: str, room: int) -> str:
        """' 690 GiB / 79.6 GiB 867% ', tightened to ' 690/79.6 GiB 867% ' when the head line
        would otherwise wrap its verdict ("✗ too | big") onto the bar's line."""
        total_number, _, total_unit = total.partition(" ")
        tight = (f" {total_number}/{cap} {percent} " if total_unit and cap.endswith(" " + total_unit)
                 else f" {total}/{cap} {percent} ")
        # last, without the percent: '1.98 TiB/79.6 GiB' (units differ) beside '✗ too big' says enough
        for sizes in (f" {total} / {cap} {percent} ", tight, f" {total}/{cap} "):
            if len(sizes) <= room:
                return sizes
        return sizes

    def render_line(self, y: int) -> Strip:
        # Drawn directly when every line fits the width (the usual case), in the segments
        # Textual makes of render()'s Text (each run carries its offset, the rest is
        # background): no Content to build and wrap on every paint. A line too long for a
        # narrow screen goes through Textual, which wraps it.
        width = self.size.width
        base = self.rich_style
        key = (width, tuple(self.parts), self.capacity, self.capacity_label, self.peak, self.title, base)
        cached = self.__dict__.get("_lines")
        if cached is None or cached[0] != key:
            text = self.render()
            lines = text.split("\n", allow_blank=True)
            if width < 1 or any(line.cell_len > width for line in lines):
                self.__dict__["_lines"] = (key, None)
            else:
                blank = Style(bgcolor=base.bgcolor)
                strips = []
                for row, line in enumerate(lines):
                    segments, x = [], 0
                    for start, end, style in _runs(line):
                        segments.append(Segment(line.plain[start:end], base + (style or Style()) +
                                                Style(meta={"offset": (x, row)})))
                        x += end - start
                    strips.append(Strip(segments).adjust_cell_length(width, blank))
                self.__dict__["_lines"] = (key, strips)
            cached = self.__dict__["_lines"]
        strips = cached[1]
        if strips is None:
            return super().render_line(y)
        return strips[y] if y < len(strips) else Strip.blank(width, Style(bgcolor=base.bgcolor))

    def notify_style_update(self) -> None:
        self.__dict__.pop("_lines", None)  # theme changed: styles are read again
        super().notify_style_update()

    def _legend(self, sizes: bool, full_names: bool, capacity: bool) -> Text:
        style = self.get_component_rich_style
        legend = Text()
        for i, part in enumerate(self.parts):
            if i:
                legend.append("  " if sizes else " ")
            legend.append(GLYPHS[i % len(GLYPHS)], style(f"memory-bar--part-{i % 5}"))
            name = part.label if full_names else (part.short or part.label)
            legend.append(f" {name} {format_bytes(part.bytes)}" if sizes else f" {name}")
        if capacity and self.capacity_label:
            legend.append("  │ ", style("memory-bar--limit"))
            legend.append(self.capacity_label)
        return legend


def _runs(line: Text) -> list[tuple[int, int, Style | None]]:
    """The line cut where its style changes: (start, end, style or None for plain text)."""
    runs: list[tuple[int, int, Style | None]] = []
    x = 0
    for span in sorted(line.spans, key=lambda span: span.start):
        if span.start > x:
            runs.append((x, span.start, None))
        if span.end > span.start:
            style = span.style if isinstance(span.style, Style) else Style.parse(str(span.style))
            runs.append((span.start, span.end, style))
        x = max(x, span.end)
    if x < len(line.plain):
        runs.append((x, len(line.plain), None))
    return runs
