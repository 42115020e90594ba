"""A list to choose from, filtered as you type: the keys every picker of the app shares.

↑ ↓ (and page up / down) move through the list while the filter field keeps the focus,
enter (or a click) chooses the highlighted entry, esc cancels. A picker composes its own
filter `Input` and `OptionList` (with whatever else it shows), fills the list in `_fill`,
and says in `_choose` what choosing an option dismisses the screen with.
"""

from __future__ import annotations

from typing import TypeVar

from textual.binding import Binding
from textual.widgets import Input, OptionList

from paramtui.tui.widgets.dialogs import Dialog

Result = TypeVar("Result")


class FilterPicker(Dialog[Result]):
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
        self._ready = True
        early, self._early = self._early, []
        for key, character in early:
            self._typed_before(key, character)

    # Keys typed in the same burst as the key that opened the picker (`enter 4090 enter`)
    # reach the screen before its filter field has the focus: they are applied to the field
    # in the order typed, not lost, and never passed on to the app (where a digit would
    # switch screens).
    _ready = False
    _early: list[tuple[str, str | None]] = []

    def on_key(self, event) -> None:
        if event.key in ("escape", "up", "down", "pageup", "pagedown"):
            return  # the screen's bindings
        if self.focused is not None and not event.is_printable:
            # The field's own keys bubbling up (enter, backspace: its bindings run after),
            # or one sent here before it had the focus: Textual runs the focused field's
            # bindings for it all the same.
            return
        # A printable key here was sent to this screen before its field had the focus (the
        # field stops every printable key it types), even if the field has it now: typed
        # into the field, not dropped on its way up to the app.
        event.stop()
        event.prevent_default()
        self._typed_before(event.key, event.character)

    def on_dialog_typed_before(self, message: Dialog.TypedBefore) -> None:
        message.stop()
        self._typed_before(message.key, message.character)

    def _typed_before(self, key: str, character: str | None) -> None:
        if not self._ready:
            self._early = [*self._early, (key, character)]
        elif key == "escape":
            self.action_cancel()
        else:
            self._early_key(key, character)

    def _early_key(self, key: str, character: str | None) -> None:
        field = self.query_one(Input)
        if key == "enter":
            self._fill(field.value)  # the list as the text typed so far filters it
            listing = self.query_one(OptionList)
            if listing.highlighted is not None:
                self._choose(listing.get_option_at_index(listing.highlighted).id)
        elif key == "backspace":
            field.value = field.value[:-1]
        elif character is not None and character.isprintable():
            field.value = field.value + character
            field.cursor_position = len(field.value)
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
