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

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from paramtui.tui import startup
from paramtui.tui.widgets.modebar import ModeBar


class KeyFooter(Footer, inherit_bindings=False):
    """Textual's Footer, rebuilt only when the keys it shows change.

    Textual's rebuilds its keys (a widget each, styled three times) whenever the screen's
    bindings change, which includes every focus change, even when the shown keys stay the
    same: at start-up that was three full rebuilds. (No scroll keys: the footer never has
    focus, and `?` lists the keys of paramtui's widgets.)
    """

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple | None = None
        # Keys from the first compose, mounted and laid out with the rest of the screen;
        # Textual's waits for the first bindings change and then mounts them in a pass of
        # their own (one more restyle and layout of the screen at start-up).
        self.set_reactive(Footer._bindings_ready, True)

    def _signature(self, screen: Screen) -> tuple:
        return tuple((binding.key, binding.description, enabled, tooltip)
                     for _node, binding, enabled, tooltip in screen.active_bindings.values() if binding.show)

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shown = self._signature(self.screen)
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                # Each key is bound to the footer's `compact`, but starts compact and flips
                # when mounted: two restyles of the key and its parts. It starts as it ends.
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        if self._bindings_ready and self._shown is not None and self._signature(screen) == self._shown:
            return
        super().bindings_changed(screen)


class ParamScreen(Screen):
    MODE: ClassVar[str] = ""
    TITLE_TEXT: ClassVar[str] = ""

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._stale = True
        self._resumed = False
        self._preset_breakpoints()

    def _preset_breakpoints(self) -> None:
        """Give the screen its breakpoint class for the app's size now, before it mounts.

        Textual adds it on the first resize, and a class change on the screen restyles every
        widget on it: at start-up that is a second styling pass for nothing.
        """
        breakpoints = self.HORIZONTAL_BREAKPOINTS or []
        try:
            width = self.app.size.width
        except Exception:  # no running app (a screen built outside one): Textual sets it later
            return
        chosen = [name for min_width, name in sorted(breakpoints) if width >= min_width][-1:]
        for _min_width, name in breakpoints:
            self.set_class(name in chosen, name, update=False)

    def compose(self) -> ComposeResult:
        yield ModeBar(self.MODE)
        yield from self.compose_body()
        yield KeyFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.watch(self.app, "session", self._session_changed, init=False)
        self.watch(self.app, "current_id", self._session_changed, init=False)
        self._repaint()

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual dispatches this, then Screen's own handler, with the same event. Screen's
        # restyles the whole screen on every resume (for CSS changed while it was covered);
        # on the first resume the screen was styled by its mount a moment ago, so that pass
        # is skipped: start-up paid for it twice otherwise.
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False
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
        self.call_after_refresh(startup.release)  # the first screen is painted: start-up is over

    def refresh_from_session(self) -> None:
        """Repaint from `self.app.session` / `self.app.current_id`. Override."""
