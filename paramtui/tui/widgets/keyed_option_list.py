"""`KeyedOptionList`: an OptionList whose key list holds only the keys that work on it.

An OptionList inherits a scrollable container's keys as well as its own: ← → "Scroll Left /
Right" and ctrl+pageup / ctrl+pagedown "Page Left / Right" did nothing on the Scaling and Guide
lists (they never scroll sideways) while ctrl+pagedown steps between scenarios on the
Calculator. This list declares Textual's OptionList keys itself and inherits none.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import OptionList


class KeyedOptionList(OptionList, inherit_bindings=False):
    # Textual keeps `inherit_bindings` private; the keys help reads this to list only these keys.
    OWN_KEYS_ONLY = True
    BINDINGS = [
        Binding("up", "cursor_up", "Previous item", show=False),
        Binding("down", "cursor_down", "Next item", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First item", show=False),
        Binding("end", "last", "Last item", show=False),
        # No description: what a chosen item does is the screen's to say (Scaling: explain it).
        Binding("enter", "select", show=False),
    ]
