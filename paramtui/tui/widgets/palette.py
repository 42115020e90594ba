"""Textual's command palette, safe against keys that arrive before its list is drawn.

`ctrl+p` then `pageup` in one burst (or `ctrl+q ctrl+p`) pages a command list that has no
lines yet, and Textual 8's OptionList then fails (KeyError in `_move_page`), taking the app
down. Here paging waits until the list has been drawn, and does nothing on an empty list.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.command import CommandList, CommandPalette


class SafeCommandPalette(CommandPalette):
    # Replace the palette's own page bindings: a pageup sent before the palette opened reaches
    # them by the app's bindings (the key bubbled up from the screen below), not by on_key.
    BINDINGS = [Binding("pageup", "page(-1)", show=False), Binding("pagedown", "page(1)", show=False)]

    def action_page(self, direction: int) -> None:
        self.call_after_refresh(self._page, direction)

    def on_key(self, event: events.Key) -> None:
        if event.key in ("pageup", "pagedown"):
            event.stop()
            event.prevent_default()
            self.call_after_refresh(self._page, -1 if event.key == "pageup" else 1)

    def _page(self, direction: int) -> None:
        if not self.is_attached:
            return
        commands = self.query_one(CommandList)
        if commands.option_count and commands.display and commands.size.height:
            commands.action_page_up() if direction < 0 else commands.action_page_down()
