"""The top line of every screen: the screens with their keys (the Guide too, so a user finds
it from any screen), and the session's title."""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widget import Widget

from paramtui.tui.keymap import MODE_TABS, MORE_TABS


class ModeBar(Widget):
    """`1 Calculator  2 Compare ...` with the current screen marked, then the session title.

    The current screen is drawn reversed and between ▸ ◂, so it stays visible without colour.
    Repaints itself when the session, its file, or its modified state changes.
    """

    COMPONENT_CLASSES = {"modebar--current", "modebar--other", "modebar--title", "modebar--dirty"}
    DEFAULT_CSS = """
    ModeBar { height: 1; background: $panel; }
    ModeBar > .modebar--current { background: $primary; color: $background; text-style: bold; }
    ModeBar > .modebar--other { color: $text-muted; }
    ModeBar > .modebar--title { color: $foreground; }
    ModeBar > .modebar--dirty { color: $warning; text-style: bold; }
    """
    # One line (or a fixed size) whose content never moves its neighbours: a change of its
    # virtual size (each layout that resizes it) needs a repaint, not another layout.
    virtual_size = Reactive(Size(0, 0), layout=False)

    def __init__(self, mode: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.mode = mode

    def on_mount(self) -> None:
        self._shown = self._signature()
        for name in ("session", "session_path", "dirty"):
            if hasattr(self.app, name):
                self.watch(self.app, name, self._maybe_refresh, init=False)

    def _signature(self) -> tuple:
        session = getattr(self.app, "session", None)
        return (session.title if session else None, getattr(self.app, "session_path", None),
                getattr(self.app, "dirty", False))

    def _maybe_refresh(self, *_args) -> None:
        # Repaint only when what the bar shows changed: a repaint of this full-width line
        # would otherwise widen every keystroke's screen update to the whole screen.
        signature = self._signature()
        if signature != self._shown:
            self._shown = signature
            self.refresh()

    def render(self) -> Text:
        style = self.get_component_rich_style
        width = self.size.width or 80
        out = Text(no_wrap=True, overflow="ellipsis")
        narrow = width < 70
        for mode, key, title in MODE_TABS + MORE_TABS:
            label = title if not narrow or mode == self.mode else title[:4]
            if mode == self.mode:
                out.append(f"▸{key} {label}◂", style("modebar--current"))
            else:
                out.append(f" {key} {label} ", style("modebar--other"))
        session = getattr(self.app, "session", None)
        path = getattr(self.app, "session_path", None)
        if session is not None:
            right = Text(no_wrap=True, overflow="ellipsis")
            right.append(session.title, style("modebar--title"))
            if path is not None:
                right.append(f" · {path.name}", style("modebar--other"))
            # The unsaved marker stays whole (the title gives way first): beside five tabs at 80
            # columns it would otherwise be cut to "● modifi…".
            marker = Text(" ● modified" if getattr(self.app, "dirty", False) else "", style("modebar--dirty"))
            room = width - out.cell_len - 1  # the last tab's own trailing space is the other gap cell
            if room - marker.cell_len < 8 and marker.cell_len:
                marker = Text(" ●", style("modebar--dirty"))
            if room - marker.cell_len > 8:
                right.truncate(room - marker.cell_len, overflow="ellipsis")
                right.append_text(marker)
                out.append(" " * max(1, width - out.cell_len - right.cell_len))
                out.append_text(right)
        return out
