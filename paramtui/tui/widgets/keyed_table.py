"""`KeyedTable`: a DataTable whose key list holds only the keys that work on it.

A DataTable inherits a scrollable container's keys as well as its own, so the keys help
listed "^pgup Page Left" and "^pgdn Page Right" on the tables, keys that elsewhere in paramtui
step between scenarios. This table declares its whole key set itself (the cursor moves, pages,
edges and select of Textual's DataTable) and inherits none.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable


class KeyedTable(DataTable, inherit_bindings=False):
    # Textual keeps `inherit_bindings` private; the keys help reads this to list only these keys.
    OWN_KEYS_ONLY = True
    BINDINGS = [
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("left", "cursor_left", "Cursor left", show=False),
        Binding("right", "cursor_right", "Cursor right", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "scroll_home", "First column", show=False),
        Binding("end", "scroll_end", "Last column", show=False),
        Binding("ctrl+home", "scroll_top", "First row", show=False),
        Binding("ctrl+end", "scroll_bottom", "Last row", show=False),
        Binding("enter", "select_cursor", "Select", show=False),
    ]
