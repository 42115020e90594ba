"""`ScenarioTableScreen`: the one pattern of the screens that show a row per scenario (Compare, Deploy).

The table's cursor and `app.current_id` follow each other:
- the user moves the cursor: the row under it, read from the cursor itself when the
  highlight message arrives, becomes the current scenario. Never the coordinate carried by
  the message: a rebuild posts highlights for positions the cursor has already left, and
  following those flipped the current scenario between two rows, each flip rebuilding the
  table (an endless loop);
- the current scenario changes elsewhere (another screen, undo, the palette): the cursor
  moves to its row, and the table is not rebuilt.

The table is rebuilt only when the session itself changed (or the screen asks with
`invalidate_table`); what follows the current scenario (a detail line, a bold row) is
repainted by `paint_current`.
"""

from __future__ import annotations

from typing import ClassVar

from textual.widgets import DataTable

from paramtui.core.inputs.session import Session
from paramtui.tui.screens.base import ParamScreen


class ScenarioTableScreen(ParamScreen):
    TABLE_ID: ClassVar[str] = ""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._built_for: Session | None = None

    @property
    def scenario_table(self) -> DataTable:
        return self.query_one(f"#{self.TABLE_ID}", DataTable)

    # -------------------------------------------------------------- for subclasses

    def row_ids(self) -> list[str]:
        """The scenario id of each row, top to bottom."""
        raise NotImplementedError

    def build_table(self) -> None:
        """Fill the table from `self.app.session`."""
        raise NotImplementedError

    def paint_current(self) -> None:
        """Repaint what follows the current scenario or the cursor (a detail line, a bold row)."""

    def note_cursor(self) -> None:
        """The cursor moved (any cell): remember what the screen needs, e.g. its column."""

    # -------------------------------------------------------------- the pattern

    @property
    def built_for(self) -> Session | None:
        """The session the table shows (None before the first build, or once invalidated)."""
        return self._built_for

    def mark_built(self) -> None:
        """The table now shows the current session (a screen that updated it in place)."""
        self._built_for = self.app.session

    def invalidate_table(self) -> None:
        """Rebuild the table at the next repaint (a filter or the terminal width changed)."""
        self._built_for = None

    def refresh_from_session(self) -> None:
        if self.app.session is not self._built_for:
            self._built_for = self.app.session
            self.build_table()
        self.follow_current()
        self.paint_current()

    def cursor_scenario_id(self) -> str | None:
        """The scenario of the row under the cursor, as it is now."""
        ids = self.row_ids()
        if not ids:
            return None
        return ids[min(max(self.scenario_table.cursor_row, 0), len(ids) - 1)]

    def follow_current(self) -> None:
        """Put the cursor on the current scenario's row, in the same column."""
        ids = self.row_ids()
        if not ids:
            return
        table = self.scenario_table
        row = ids.index(self.app.current_id) if self.app.current_id in ids else min(table.cursor_row, len(ids) - 1)
        if table.cursor_row != row:
            table.move_cursor(row=row, column=table.cursor_column)

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        event.stop()
        if self._built_for is None:
            return
        self.note_cursor()
        scenario_id = self.cursor_scenario_id()
        if scenario_id is not None and scenario_id != self.app.current_id:
            self.app.current_id = scenario_id  # the watcher repaints what follows it, once
        else:
            self.paint_current()

