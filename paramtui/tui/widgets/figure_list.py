"""A list of figures, label on the left and value on the right, with a cursor row.

Drawn line by line (Textual's Line API), so repainting after every keystroke costs almost
nothing however many figures there are. Section rows are skipped by the cursor. `e` or enter
asks the screen to explain the figure under the cursor (the `Explain` message).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from paramtui.tui.widgets.component_styles import CachedComponentStyles
from paramtui.tui.widgets.fit_text import ellipsize
from textual.scroll_view import ScrollView


@dataclass(frozen=True)
class FigureRow:
    key: str | None  # None for a section title
    label: str
    value: str = ""
    bad: bool = False  # drawn with a ✗ sign as well as the error colour


class FigureList(CachedComponentStyles, ScrollView, can_focus=True, inherit_bindings=False):
    COMPONENT_CLASSES = {"figure-list--section", "figure-list--value", "figure-list--cursor",
                         "figure-list--bad"}
    DEFAULT_CSS = """
    FigureList { height: 1fr; scrollbar-size-vertical: 1; overflow-y: scroll; }
    FigureList > .figure-list--section { text-style: bold; color: $secondary; }
    FigureList > .figure-list--value { text-style: bold; }
    FigureList > .figure-list--bad { color: $error; text-style: bold; }
    FigureList > .figure-list--cursor { background: $foreground 10%; }
    FigureList:focus > .figure-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
    """
    # Its own keys only: a ScrollView's (scroll left, page right, …) do not apply.
    OWN_KEYS_ONLY = True  # for the keys help: Textual keeps `inherit_bindings` private
    BINDINGS = [
        Binding("e", "explain", "Explain", tooltip="Explain this figure: its formula, your numbers, its source"),
        Binding("enter", "explain", "Explain", show=False),
        Binding("up,k", "move(-1)", "Previous figure", show=False),
        Binding("down,j", "move(1)", "Next figure", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "edge(-1)", show=False),
        Binding("end", "edge(1)", show=False),
    ]

    cursor: reactive[int] = reactive(0, init=False)

    class Explain(Message):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: list[FigureRow] = []

    def set_rows(self, rows: list[FigureRow]) -> None:
        old, self.rows = self.rows, list(rows)
        if len(old) == len(self.rows):
            # Repaint only the lines whose figure changed: a keystroke usually moves a few.
            top = int(self.scroll_y)
            for i, (a, b) in enumerate(zip(old, self.rows)):
                if a != b and top <= i < top + self.size.height:
                    self.refresh(Region(0, i - top, self.size.width, 1))
            return
        # Only the height scrolls: lines are cut to the view's width, so the virtual width is
        # 0. (It was the widget's width, one more than the view's beside the vertical
        # scrollbar, which added a horizontal scrollbar that hid a row and took two more
        # layout rounds at start-up.)
        self.virtual_size = Size(0, len(self.rows))
        if not old or not self._selectable(self.cursor):
            self.cursor = self._next(-1, 1)
        self.refresh()

    @property
    def current_key(self) -> str | None:
        return self.rows[self.cursor].key if 0 <= self.cursor < len(self.rows) else None

    def select_key(self, key: str) -> None:
        for i, row in enumerate(self.rows):
            if row.key == key:
                self.cursor = i
                return

    def _selectable(self, i: int) -> bool:
        return 0 <= i < len(self.rows) and self.rows[i].key is not None

    def _next(self, start: int, step: int) -> int:
        i = start + step
        while 0 <= i < len(self.rows):
            if self._selectable(i):
                return i
            i += step
        return start if self._selectable(start) else 0

    def watch_cursor(self, _old: int, new: int) -> None:
        # Keep the section title above the cursor in view when moving up to its first row.
        top = new - 1 if new > 0 and self.rows[new - 1].key is None else new
        if not self.size.height:
            pass  # not laid out yet: the list shows from its top
        elif top < self.scroll_y:
            self.scroll_to(y=top, animate=False)
        elif new >= self.scroll_y + self.size.height:
            self.scroll_to(y=new - self.size.height + 1, animate=False)
        self.refresh()

    def action_move(self, step: int) -> None:
        self.cursor = self._next(self.cursor, step)

    def action_page(self, direction: int) -> None:
        target = max(0, min(len(self.rows) - 1, self.cursor + direction * max(1, self.size.height - 1)))
        self.cursor = target if self._selectable(target) else self._next(target, direction)

    def action_edge(self, direction: int) -> None:
        self.cursor = self._next(-1, 1) if direction < 0 else self._next(len(self.rows), -1)

    def action_explain(self) -> None:
        key = self.current_key
        if key:
            self.post_message(self.Explain(key))

    def on_click(self, event: Click) -> None:
        row = int(self.scroll_y) + event.y
        if self._selectable(row):
            self.cursor = row

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        style = self._style
        if row.key is None:
            text = f"── {row.label} "
            return Strip([Segment(text.ljust(width, "─")[:width], base + style("figure-list--section"))], width)
        line_style = base
        at_cursor = index == self.cursor
        if at_cursor:
            line_style = base + style("figure-list--cursor")
        value = f"✗ {row.value}" if row.bad else row.value
        emphasis = style("figure-list--bad" if row.bad else "figure-list--value")
        # Colour and weight only: the value keeps the cursor row's background.
        value_style = line_style + Style(color=emphasis.color, bold=emphasis.bold)
        room = max(0, width - len(value) - 2)
        label = ellipsize(row.label, room)
        gap = max(1, width - 1 - len(label) - len(value))
        marker = "▸" if at_cursor and self.has_focus else " "  # the cursor without colour, too
        segments = [Segment(marker + label + " " * gap, line_style), Segment(value, value_style)]
        return Strip(segments).adjust_cell_length(width, line_style)
