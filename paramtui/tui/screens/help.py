"""`?`: every key of the current screen and of the app, including those the footer hides."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Static

from paramtui.tui.keymap import FIELD_KEYS
from paramtui.tui.widgets.dialogs import Dialog


def _bindings_of(node: DOMNode) -> list[Binding]:
    """The described bindings of `node`'s class and its bases, read from their `BINDINGS`;
    a class's binding of a key replaces its bases' binding of that key, as in Textual.
    A class that sets OWN_KEYS_ONLY (with `inherit_bindings=False`) drops its bases' keys,
    as Textual does: they do nothing on it or do something else."""
    by_key: dict[str, Binding] = {}
    for cls in reversed(type(node).__mro__):
        if cls.__dict__.get("OWN_KEYS_ONLY"):
            by_key.clear()
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", ())):
            by_key[binding.key] = binding
    return [binding for binding in by_key.values() if binding.action and binding.description]


def _stock_keys(node: DOMNode) -> set[str]:
    """The keys `node` inherits from Textual's own classes (a Screen's tab, shift+tab)."""
    return {binding.key for cls in type(node).__mro__ if cls.__module__.startswith("textual.")
            for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", ()))}


def key_rows(app, node: DOMNode, *, widgets: bool = False) -> list[tuple[str, str]]:
    """(keys, description) for every described binding of `node`, keys of one action joined.

    widgets: also the bindings of paramtui's own widgets inside `node` (the results list's
    `e`, a choice field's ← →), which the footer shows only while one has focus.
    """
    # (who binds it, binding): one action of two widgets (the form's and the results list's
    # "explain") is two rows, each with its own keys and words.
    bindings: list[tuple[type, Binding]] = [(type(node), b) for b in _bindings_of(node)]
    if widgets:
        # A key the screen binds with priority never reaches a widget (the tables' enter).
        taken = {binding.key for _, binding in bindings if binding.priority}
        seen_types: set[type] = set()
        widget_bindings: list[tuple[type, Binding]] = []
        for child in node.walk_children():
            if type(child) not in seen_types and type(child).__module__.startswith("paramtui."):
                seen_types.add(type(child))
                widget_bindings += [(type(child), b) for b in _bindings_of(child) if b.key not in taken]
        # Textual's own screen keys (tab: "Focus Next") a widget here binds more precisely
        # (the form's tab: "Next field") are listed once, as the widget says.
        stock = _stock_keys(node)
        rebound = {binding.key for _, binding in widget_bindings}
        bindings = [(owner, b) for owner, b in bindings if not (b.key in rebound and b.key in stock)]
        bindings += widget_bindings
    by_action: dict[tuple[type, str], tuple[list[str], str]] = {}
    for owner, binding in bindings:
        keys, desc = by_action.setdefault((owner, binding.action), ([], binding.tooltip or binding.description))
        shown = app.get_key_display(binding)
        if shown not in keys:
            keys.append(shown)
    return [(" / ".join(keys), desc) for keys, desc in by_action.values()]


class HelpScreen(Dialog[None]):
    """All keys: this screen's, the app's, and the ones the widgets handle themselves."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 90; height: 90%; border: round $primary; background: $surface; padding: 0 1;
        border-title-style: bold; border-subtitle-color: $text-muted;
    }
    """
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
        Binding("f1", "close", "Close", show=False),
    ]

    def __init__(self, screen: Screen, screen_title: str) -> None:
        super().__init__()
        self.for_screen = screen
        self.screen_title = screen_title

    def _table(self, title: str, rows: list[tuple[str, str]]) -> Table:
        table = Table(title=Text(title, style="bold"), title_justify="left", show_header=False,
                      box=None, padding=(0, 2, 0, 0), expand=True)
        table.add_column("key", no_wrap=True, style="bold", min_width=14)
        table.add_column("what", ratio=1)
        for keys, desc in rows:
            table.add_row(keys, desc)
        return table

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = f"Keys · {self.screen_title}"
            box.border_subtitle = "↑↓ scroll · esc close"
            box.can_focus = True
            screen_rows = key_rows(self.app, self.for_screen, widgets=True)
            if screen_rows:
                yield Static(self._table(f"{self.screen_title} screen", screen_rows))
                yield Static("")
            yield Static(self._table("Everywhere", key_rows(self.app, self.app)))
            yield Static("")
            yield Static(self._table("In fields, lists and dialogs", FIELD_KEYS))

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
