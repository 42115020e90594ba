"""`TableCell`: a DataTable cell that keeps its rendered lines.

A DataTable forgets every cell's rendering when any one cell changes (`update_cell` bumps one
counter for the whole table), so a what-if key on one row of Compare re-renders every visible
cell of every column. Almost all of them are unchanged: this cell renders its text once per
width and answers the next request from that, so the table's repaint costs its own layout only.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text


class TableCell:
    """A rich `Text` drawn the same way, with its segments kept per (width, height, wrapping)."""

    __slots__ = ("text", "_rendered")

    def __init__(self, text: Text) -> None:
        self.text = text
        self._rendered: dict[tuple, list[Segment]] = {}

    def __str__(self) -> str:
        return self.text.plain

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.text)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> list[Segment]:
        key = (options.max_width, options.height, options.no_wrap, options.justify, options.overflow)
        segments = self._rendered.get(key)
        if segments is None:
            segments = self._rendered[key] = list(console.render(self.text, options))
        return segments
