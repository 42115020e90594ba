"""The explanation modal: what a figure means, its formula, this case's numbers, the source."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from paramtui.core.result.explain import Explanation
from paramtui.tui.widgets.dialogs import Dialog


class ExplainScreen(Dialog[None]):
    """Shows one `Explanation`; escape, enter, `e` or `q` closes it."""

    DEFAULT_CSS = """
    ExplainScreen { align: center middle; }
    ExplainScreen > #explain-box {
        width: 90%; max-width: 96; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
        border-title-style: bold; border-subtitle-color: $text-muted;
    }
    ExplainScreen .explain-head { color: $text-muted; text-style: bold; margin-top: 1; }
    ExplainScreen .explain-body { margin-left: 2; }
    ExplainScreen #explain-substituted { text-style: bold; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("enter", "close", "Close", show=False),
        Binding("e", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
    ]

    # The headings of a figure's explanation; an input's (`for_input`) says other things.
    FIGURE_HEADS = ("What it means", "Formula", "With this scenario's values", "Source")
    INPUT_HEADS = ("What it means", "Typical values", "What it changes", "Now")

    def __init__(self, explanation: Explanation, heads: tuple[str, str, str, str] = FIGURE_HEADS) -> None:
        super().__init__()
        self.explanation = explanation
        self.heads = heads

    def compose(self) -> ComposeResult:
        ex = self.explanation
        with VerticalScroll(id="explain-box") as box:
            box.border_title = ex.title
            box.border_subtitle = "esc close"
            box.can_focus = True
            meaning, formula, substituted, source = self.heads
            yield Static(meaning, classes="explain-head")
            yield Static(Text(ex.meaning), classes="explain-body", id="explain-meaning")
            yield Static(formula, classes="explain-head")
            yield Static(Text(ex.formula), classes="explain-body", id="explain-formula")
            if ex.substituted:
                yield Static(substituted, classes="explain-head")
                yield Static(Text(ex.substituted), classes="explain-body", id="explain-substituted")
            if ex.source:
                yield Static(source, classes="explain-head")
                yield Static(Text(ex.source), classes="explain-body", id="explain-source")

    def on_mount(self) -> None:
        self.query_one("#explain-box").focus()

    def action_close(self) -> None:
        self.dismiss(None)
