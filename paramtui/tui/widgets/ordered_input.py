"""`OrderedInput`: Textual's Input, acting on its keys in the order they were typed.

Works around a Textual behaviour (seen in 8.x): Input types a printable key at once, in its
own key handler, but runs its other keys (backspace, ctrl+u, ← →, enter, ...) as bindings,
once the key event has travelled up to the app and back. Keys that arrive together — typed
fast, or bunched by an SSH connection — then act out of order: "ctrl+u" then "bad.toml"
cleared the name just typed, "x ⌫ y" kept the x. Here `on_key` (Textual's public key handler,
which runs before Input's own) runs the action of every key Input binds as it arrives, in
turn with the typed characters. Keys Input does not bind (escape, tab) go on as before.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from paramtui.tui.keymap import actions_by_key


class OrderedInput(Input):
    async def on_key(self, event: events.Key) -> None:
        action = _ACTION_OF_KEY.get(event.key)
        if action is not None and not event.is_printable:
            event.stop()
            event.prevent_default()  # the binding does not run a second time
            await self.run_action(action)


_ACTION_OF_KEY = actions_by_key(OrderedInput.BINDINGS)
