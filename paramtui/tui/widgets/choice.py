"""A one-line choice field and its picker: ← → step through the choices, enter opens a list.

Lighter than Textual's Select (one widget instead of six), which keeps a form of fifteen
choices fast to lay out, and stepping with ← → is the quickest way to ask "what if one
notch lower?" from the keyboard.
"""

from __future__ import annotations

from typing import Callable

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from paramtui.tui.widgets.filter_picker import FilterPicker


class ChoicePicker(FilterPicker[str | None]):
    """A filterable list of choices; dismisses with the chosen value or None."""

    DEFAULT_CSS = """
    ChoicePicker { align: center middle; }
    ChoicePicker > Vertical {
        width: 70; max-width: 95%; height: auto; max-height: 85%; border: round $primary;
        background: $surface; padding: 0 1; border-title-style: bold; border-subtitle-color: $text-muted;
    }
    ChoicePicker OptionList { height: auto; max-height: 30; border: none; padding: 0; }
    """

    def __init__(self, title: str, options: list[tuple[str, str]], current: str | None) -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            box.border_subtitle = "type to filter · ↑↓ · enter choose · esc cancel"
            yield Input(placeholder="filter…", id="choice-filter")
            yield OptionList(id="choice-list")

    def _fill(self, text: str) -> None:
        words = text.lower().split()
        shown = [(label, value) for label, value in self.options
                 if all(w in f"{label} {value}".lower() for w in words)]
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options([Option(Text(label), id=value) for label, value in shown])
        values = [v for _l, v in shown]
        listing.highlighted = values.index(self.current) if self.current in values else (0 if shown else None)


class ChoiceField(Widget, can_focus=True):
    """Shows the label of the chosen value; posts `ChoiceField.Changed` when the user changes it."""

    DEFAULT_CSS = """
    ChoiceField { width: 1fr; height: 1; background: $boost; }
    ChoiceField:focus { background: $primary 30%; text-style: bold reverse; }
    ChoiceField.invalid { text-style: underline; color: $error; }
    """
    # One line (or a fixed size) whose content never moves its neighbours: a change of its
    # virtual size (each layout that resizes it) needs a repaint, not another layout.
    virtual_size = Reactive(Size(0, 0), layout=False)

    BINDINGS = [
        Binding("enter,space", "open", "Choose", show=False),
        Binding("left", "step(-1)", "Previous choice", show=False),
        Binding("right", "step(1)", "Next choice", show=False),
    ]

    class Changed(Message):
        def __init__(self, field: ChoiceField, value: str) -> None:
            super().__init__()
            self.field = field
            self.value = value

        @property
        def control(self) -> ChoiceField:
            return self.field

    def __init__(self, options: list[tuple[str, str]], value: str | None = None, *, title: str = "",
                 id: str | None = None, more: Callable[[], list[tuple[str, str]]] | None = None) -> None:
        """more: the full list, read when first needed (stepping, the picker); `options`
        then needs to hold only what is shown now (a long list read from files at start-up)."""
        super().__init__(id=id)
        self._options = list(options)
        self._more = more
        self.value = value if value is not None else (options[0][1] if options else "")
        self.title = title

    @property
    def options(self) -> list[tuple[str, str]]:
        if self._more is not None:
            more, self._more = self._more, None
            self._options = list(more())
        return self._options

    @property
    def options_deferred(self) -> bool:
        """True while the full list has not been read."""
        return self._more is not None

    def set_options(self, options: list[tuple[str, str]],
                    more: Callable[[], list[tuple[str, str]]] | None = None) -> None:
        if more is not None:
            self._options, self._more = list(options), more
            self.refresh()
        elif options != self.options:
            self._options = list(options)
            self.refresh()

    def set_value(self, value: str) -> None:
        """Set without posting Changed (the program, not the user, changed it)."""
        if value != self.value:
            self.value = value
            self.refresh()

    @property
    def label(self) -> str:
        for label, value in self._options:
            if value == self.value:
                return label
        if self._more is not None:  # not among those shown yet: read the full list
            for label, value in self.options:
                if value == self.value:
                    return label
        return str(self.value)

    def get_content_height(self, container, viewport, width: int) -> int:
        # Always one line. Without this a grid with auto rows renders the field to measure
        # it, and render() asking for its own size during layout arranges the screen again.
        return 1

    def _line(self) -> str:
        width = self.size.width
        label = self.label
        room = max(1, width - 3)
        if len(label) > room:
            label = label[: room - 1] + "…"
        return f"{label.ljust(room)} ◂▸"[:width] if width >= 4 else label[:width]

    def render(self) -> Text:
        return Text(self._line(), no_wrap=True)

    def render_line(self, y: int) -> Strip:
        # The one line drawn directly, in the segments Textual makes of render()'s Text
        # (the text carries its offset, the rest is background): no Text or Content to
        # build for every paint of the form's ten choice fields.
        base = self.rich_style
        text = self._line() if y == 0 else ""
        segments = [Segment(text, base + Style(meta={"offset": (0, 0)}))] if text else []
        return Strip(segments).adjust_cell_length(self.size.width, Style(bgcolor=base.bgcolor))

    def _choose(self, value: str | None) -> None:
        if value is not None and value != self.value:
            self.value = value
            self.refresh()
            self.post_message(self.Changed(self, value))

    def action_step(self, delta: int) -> None:
        values = [v for _l, v in self.options]
        if not values:
            return
        i = values.index(self.value) if self.value in values else 0
        self._choose(values[max(0, min(len(values) - 1, i + delta))])

    def action_open(self) -> None:
        self.app.push_screen(ChoicePicker(self.title or "Choose", self.options, self.value), self._choose)

    def on_click(self, event: Click) -> None:
        self.action_open()
