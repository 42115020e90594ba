"""`CutMarkedTable`: a DataTable that marks a value cut by the edge of its view with "…".

A table wider than the terminal scrolls sideways, and the column at the right (or left)
edge of the view shows only part of its cells: "16.1 GB" read as "16.", "-69% better" as
"-69% be". Here the cell at the cut, on each line that has text in the cut column, becomes
an ellipsis, so a cut value never passes for a whole one.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.geometry import Region
from textual.strip import Strip

from paramtui.tui.widgets.keyed_table import KeyedTable


class CutMarkedTable(KeyedTable):
    def _cut_columns(self) -> tuple[tuple[int, int] | None, tuple[int, int] | None, int]:
        """(left cut, right cut, fixed width): for each edge, the visible span (start, end) of
        the scrolling column the view's edge cuts through, or None."""
        width = self.size.width
        scroll_x = round(self.scroll_x)
        fixed = self.fixed_columns
        start = fixed_width = 0
        left = right = None
        for index, column in enumerate(self.ordered_columns):
            column_width = column.get_render_width(self)
            if index < fixed:
                fixed_width += column_width
            else:
                x0, x1 = start - scroll_x, start + column_width - scroll_x
                if x0 < fixed_width < x1:
                    left = (fixed_width, min(x1, width))
                if x0 < width < x1 and x0 >= fixed_width:
                    right = (x0, width)
            start += column_width
        return left, right, fixed_width

    _cuts: tuple | None = None  # the cut columns while one pass renders its lines

    def render_lines(self, crop: Region) -> list[Strip]:
        # Every line of one pass has the same cuts: worked out once, not once per line.
        self._cuts = self._cut_columns()
        try:
            return super().render_lines(crop)
        finally:
            self._cuts = None

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        left, right, _fixed = self._cuts or self._cut_columns()
        if left is not None:
            strip = _ellipsis_at(strip, left, left[0])
        if right is not None:
            strip = _ellipsis_at(strip, right, right[1] - 1)
        return strip


def _ellipsis_at(strip: Strip, span: tuple[int, int], at: int) -> Strip:
    """`strip` with the cell at `at` replaced by "…" when the span has text in it."""
    if not strip.crop(*span).text.strip() or not 0 <= at < strip.cell_length:
        return strip
    style = next(iter(strip.crop(at, at + 1)), Segment("")).style
    parts = [*strip.crop(0, at), Segment("…", style), *strip.crop(at + 1, strip.cell_length)]
    return Strip(parts, strip.cell_length)
