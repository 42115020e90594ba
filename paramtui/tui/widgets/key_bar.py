"""The bottom line of every screen: the keys that matter here, and the command palette key.

In a terminal smaller than the 80×24 the screens are laid out for, the line says so
instead (the app keeps running; results that do not fit are cut off).

It looks like Textual's Footer (same theme variables, same spacing) but is one widget
that draws every key itself. Textual's Footer is a widget per key, each styled, measured,
laid out and painted: at start-up that was a seventh of the Calculator's widgets. Keys are
still clickable (a click presses the key) and show their tooltip when hovered.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import Reactive
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from paramtui.tui.widgets.component_styles import CachedComponentStyles


# The size every screen is laid out for (docs/ARCHITECTURE.md: usable at 80×24 over SSH).
FULL_VIEW = Size(80, 24)


def too_small(size: Size) -> bool:
    return size.width < FULL_VIEW.width or size.height < FULL_VIEW.height


def too_small_text(size: Size, keys: str) -> str:
    """One readable line for a terminal smaller than FULL_VIEW; `keys`: the keys that still
    matter, e.g. "^q quit · ? keys"."""
    text = f"⚠ {size.width}×{size.height} < {FULL_VIEW.width}×{FULL_VIEW.height}: enlarge the terminal"
    return f"{text} · {keys}" if keys else text


# Named in the small-terminal line, when the screen binds them: (action, what it does).
_ALWAYS_USEFUL = (("quit", "quit"), ("help", "keys"))


@dataclass(frozen=True)
class _Key:
    key: str  # what a click presses
    display: str  # how the key is written ("^s", "f1")
    description: str
    tooltip: str
    enabled: bool


class KeyBar(CachedComponentStyles, Widget, can_focus=False):
    """The shown bindings of the screen, left to right, and the palette key docked right."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--hover", "key-bar--border",
                         "key-bar--warning"}
    # The theme variables of Textual's Footer and FooterKey, so themes style both alike.
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom; height: 1;
        color: $footer-foreground; background: $footer-background;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground; background: $footer-key-background; text-style: bold;
    }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground; background: $footer-description-background;
    }
    KeyBar > .key-bar--hover { color: $footer-key-foreground; background: $block-hover-background; }
    KeyBar > .key-bar--border { color: $foreground 20%; }
    KeyBar > .key-bar--warning { color: $text-warning; background: $warning-muted; text-style: bold; }
    """
    virtual_size = Reactive(Size(0, 0), layout=False)  # one line: a resize needs a repaint only

    def __init__(self) -> None:
        super().__init__()
        self._keys: tuple[_Key, ...] = ()
        self._palette: _Key | None = None
        self._spans: list[tuple[int, int, _Key]] = []  # (start x, end x, key) as last drawn
        self._hover: _Key | None = None

    def on_mount(self) -> None:
        self._read_bindings(self.screen)
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            self._read_bindings(screen)

    def _read_bindings(self, screen: Screen) -> None:
        """The shown bindings, one per action (the first, as Textual's Footer does)."""
        app = self.app
        by_action: dict[str, _Key] = {}
        for _node, binding, enabled, tooltip in screen.active_bindings.values():
            if binding.show and binding.action not in by_action:
                by_action[binding.action] = self._key(binding, enabled, tooltip)
        palette = None
        if app.ENABLE_COMMAND_PALETTE:
            found = screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, tooltip = found
                palette = self._key(binding, enabled, binding.tooltip or binding.description)
        keys = tuple(by_action.values())
        if (keys, palette) != (self._keys, self._palette):
            self._keys, self._palette = keys, palette
            self.refresh()

    def _always_useful_keys(self) -> str:
        """"^q quit · ? keys": the keys of `_ALWAYS_USEFUL` this screen binds (only asked for
        in a small terminal, so never on a keystroke at the usual size)."""
        first_key: dict[str, str] = {}
        for _node, binding, _enabled, _tooltip in self.screen.active_bindings.values():
            first_key.setdefault(binding.action, self.app.get_key_display(binding))
        return " · ".join(f"{first_key[action]} {words}" for action, words in _ALWAYS_USEFUL
                          if action in first_key)

    def _key(self, binding: Binding, enabled: bool, tooltip: str) -> _Key:
        return _Key(binding.key, self.app.get_key_display(binding), binding.description, tooltip, enabled)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y or not width:
            return Strip.blank(width, base)
        if too_small(self.app.size):
            warning = too_small_text(self.app.size, self._always_useful_keys())
            self._spans = []
            style = base + self._style("key-bar--warning")
            return Strip([Segment(f" {warning}", style)]).adjust_cell_length(width, style)
        key_style, description_style = self._style("key-bar--key"), self._style("key-bar--description")
        hover = self._style("key-bar--hover")
        dim = Style(dim=True)

        blank = Style(bgcolor=base.bgcolor)  # the gaps and the padding: background only

        def styled(key: _Key, style: Style, offset: int) -> Style:
            # `offset`: where the text starts within its key, as Textual's text carries it.
            style = (base + hover + style) if key == self._hover else (base + style)
            return (style if key.enabled else style + dim) + Style(meta={"offset": (offset, 0)})

        # The palette key, docked right: a left border, the key, " palette", one cell of padding.
        right: list[Segment] = []
        palette = self._palette
        if palette is not None:
            border = base + self._style("key-bar--border")
            right = [Segment("▏", Style(color=border.color, bgcolor=base.bgcolor)),
                     Segment(palette.display, styled(palette, key_style, 0)),
                     Segment(f" {palette.description}", styled(palette, description_style, len(palette.display))),
                     Segment(" ", blank)]
        room = max(0, width - sum(len(s.text) for s in right))
        left: list[Segment] = []
        spans: list[tuple[int, int, _Key]] = []
        x = 0
        key_ends: list[int] = []  # where each key ends, shown or hidden beneath the palette key
        for key in self._keys:
            if key.description:
                key_text = f" {key.display} "
                parts = [(key_text, key_style, 0), (f"{key.description} ", description_style, len(key_text))]
            else:  # a key without a description is shown bare, as Textual's Footer does
                parts = [(key.display, key_style, 0)]
            end = x + sum(len(text) for text, _style, _offset in parts)
            if x < room:
                left.extend(Segment(text, styled(key, style, offset)) for text, style, offset in parts)
                spans.append((x, min(end, room), key))
            key_ends.append(end)
            x = end
        line = Strip(left).crop(0, room)
        if line.cell_length < room:
            line = Strip([*line, Segment(" " * (room - line.cell_length), blank)])
        if palette is not None:
            spans.append((room, width, palette))
            # Cut the palette key where keys hidden beneath it end, as Textual's compositor
            # does over a widget per key: the same segments, so the same screenshots.
            cuts = sorted({end - room for end in key_ends if room < end < width})
            if cuts:
                right = [segment for part in Strip(right).divide([*cuts, width - room]) for segment in part]
        self._spans = spans
        return Strip([*line, *right]).crop(0, width)

    def _key_at(self, x: int) -> _Key | None:
        for start, end, key in self._spans:
            if start <= x < end:
                return key
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self._key_at(event.x)
        if key != self._hover:
            self._hover = key
            self.tooltip = key.tooltip if key is not None and key.tooltip else None
            self.refresh()

    def on_leave(self, _event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self._key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
