"""`ParamScreen`: the frame every paramtui screen shares, and the one way screens observe the session.

A screen subclasses it, sets `MODE` (its mode name, e.g. "compare") and `TITLE_TEXT`,
yields its content from `compose_body()` and repaints in `refresh_from_session()`. The base:

- draws the mode bar on top and the key bar (the footer) at the bottom;
- watches `app.session` and `app.current_id`, and calls `refresh_from_session()` when either
  changes. A screen that is not showing is only marked stale and repaints when it is shown
  again, so editing on one screen never pays for repainting the others.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen

from paramtui.tui import startup
from paramtui.tui.widgets.key_bar import KeyBar
from paramtui.tui.widgets.modebar import ModeBar


class ParamScreen(Screen):
    MODE: ClassVar[str] = ""
    TITLE_TEXT: ClassVar[str] = ""

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._stale = True
        self._resumed = False
        self._styled_theme: str | None = None  # the theme the screen was last restyled in
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
        yield KeyBar()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_resize(self, _event: events.Resize) -> None:
        # The key line warns when the terminal is smaller than the screens are laid out for;
        # a change of height alone does not resize it, so it is told here.
        for bar in self.query(KeyBar):
            bar.refresh()

    def on_key(self, event: events.Key) -> None:
        """A key sent to this screen before a dialog covered it (`enter escape escape` in one
        burst: the escapes reached the table before the enter opened the detail) is not this
        screen's any more: run here, or by the app's bindings as it bubbles on, it would act
        under the dialog (a digit switching screens with the dialog left open on the old
        one, a second enter opening a second dialog). A dialog that takes text gets it, in
        the order typed; any other drops it, as a question is never answered by keys typed
        before it was shown."""
        if self.app.screen is self or not self.is_attached:
            return
        event.stop()
        event.prevent_default()
        from paramtui.tui.widgets.dialogs import Dialog

        if isinstance(self.app.screen, Dialog):
            self.app.screen.post_message(Dialog.TypedBefore(event.key, event.character))

    def on_mount(self) -> None:
        self.watch(self.app, "session", self._session_changed, init=False)
        self.watch(self.app, "current_id", self._session_changed, init=False)
        self._repaint()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual dispatches this, then Screen's own handler, with the same event. Screen's
        # restyles the whole screen on every resume, for CSS changed while it was covered or
        # in another mode. Here CSS changes only with the theme (`ctrl+t`, which Textual also
        # re-applies to a screen whose mode comes back); otherwise the pass is skipped: on the
        # first resume the screen was styled by its mount a moment ago, and a restyle makes
        # every table redraw every cell (Deploy: 57 columns a row) each time a digit key comes
        # back to a screen.
        if not self._resumed or self.app.theme == self._styled_theme:
            event.refresh_styles = False
        self._resumed = True
        self._styled_theme = self.app.theme
        if self._stale:
            self._repaint()

    def _session_changed(self, *_args) -> None:
        if self.is_current:
            self._repaint()
        else:
            self._stale = True

    def _repaint(self) -> None:
        self._stale = False
        try:
            self.refresh_from_session()
        except Exception as e:  # a bug painting one screen: said so, and the app goes on
            from paramtui.core.bugs import bug_line

            self.notify(bug_line(e, f"showing the {type(self).__name__}"), title="paramtui bug",
                        severity="error", timeout=20, markup=False)
        self.call_after_refresh(self._painted)

    def _painted(self) -> None:
        if startup.first_screen_painted():  # start-up is over
            self.app.set_timer(startup.PREPARE_AFTER_S, startup.prepare_validation_in_background)

    def refresh_from_session(self) -> None:
        """Repaint from `self.app.session` / `self.app.current_id`. Override."""
