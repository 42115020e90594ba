"""A list to choose from, filtered as you type: the keys every picker of the app shares.

↑ ↓ (and page up / down) move through the list while the filter field keeps the focus,
enter (or a click) chooses the highlighted entry, esc cancels. A picker composes its own
filter `Input` and `OptionList` (with whatever else it shows), fills the list in `_fill`,
and says in `_choose` what choosing an option dismisses the screen with.
"""

from __future__ import annotations

from typing import TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList

Result = TypeVar("Result")


class FilterPicker(ModalScreen[Result]):
    """Type to filter, ↑↓ move, enter choose, esc cancel (dismisses with None)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("pagedown", "move(10)", show=False),
        Binding("pageup", "move(-10)", show=False),
    ]

    def _fill(self, text: str) -> None:
        """Put the options matching `text` in the list."""
        raise NotImplementedError

    def _choose(self, option_id: str | None) -> None:
        """Dismiss with what the chosen option stands for (by default its id)."""
        if option_id is not None:
            self.dismiss(option_id)

    def on_mount(self) -> None:
        field = self.query_one(Input)
        self._fill(field.value)
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        listing = self.query_one(OptionList)
        if listing.highlighted is not None:
            self._choose(listing.get_option_at_index(listing.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option.id)

    def action_move(self, delta: int) -> None:
        listing = self.query_one(OptionList)
        if listing.option_count:
            current = listing.highlighted if listing.highlighted is not None else 0
            listing.highlighted = max(0, min(listing.option_count - 1, current + delta))

    def action_cancel(self) -> None:
        self.dismiss(None)
