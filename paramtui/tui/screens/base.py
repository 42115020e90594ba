"""`ParamScreen`: the frame every paramtui screen shares, and the one way screens observe the session.

A screen subclasses it, sets `MODE` (its mode name, e.g. "compare") and `TITLE_TEXT`,
yields its content from `compose_body()` and repaints in `refresh_from_session()`. The base:

- draws the mode bar on top and the footer at the bottom;
- watches `app.session` and `app.current_id`, and calls `refresh_from_session()` when either
  changes. A screen that is not showing is only marked stale and repaints when it is shown
  again, so editing on one screen never pays for repainting the others.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from paramtui.tui.widgets.modebar import ModeBar


class ParamScreen(Screen):
    MODE: ClassVar[str] = ""
    TITLE_TEXT: ClassVar[str] = ""

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._stale = True

    def compose(self) -> ComposeResult:
        yield ModeBar(self.MODE)
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.watch(self.app, "session", self._session_changed, init=False)
        self.watch(self.app, "current_id", self._session_changed, init=False)
        self._repaint()

    def on_screen_resume(self) -> None:
        if self._stale:
            self._repaint()

    def _session_changed(self, *_args) -> None:
        if self.is_current:
            self._repaint()
        else:
            self._stale = True

    def _repaint(self) -> None:
        self._stale = False
        self.refresh_from_session()

    def refresh_from_session(self) -> None:
        """Repaint from `self.app.session` / `self.app.current_id`. Override."""
