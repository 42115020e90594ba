"""A ScrollView that repaints its scrollbar only when the view or the content changed."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


class QuietScrollView(ScrollView):
    """For widgets that draw their own lines (Line API) and scroll vertically only."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._scrolled: tuple | None = None  # (size, container size, virtual size) last given to the scrollbars

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        # Textual's ScrollView compares the size the layout gives it with its scrolled size,
        # which always differ, so every layout of the screen refreshed the scrollbar and
        # painted another frame. The scrollbar changes only with the view or the line count.
        key = (size, container_size, self.virtual_size)
        if key == self._scrolled:
            return False
        self._scrolled = key
        return super()._size_updated(size, virtual_size, container_size, layout)
