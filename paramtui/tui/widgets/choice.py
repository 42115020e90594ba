"""The list a choice field opens (enter on a choice row of a `FormView`): type to filter,
↑ ↓ and enter to choose, esc to keep the value.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from paramtui.tui.widgets.filter_picker import FilterPicker
from paramtui.tui.widgets.ordered_input import OrderedInput


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
            yield OrderedInput(placeholder="filter…", id="choice-filter")
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
