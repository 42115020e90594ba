"""The model picker: type to filter the catalog, or type a bare parameter count ("7B", "1.3e9")."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from paramtui.core.errors import UserError
from paramtui.core.units import format_count, parse_count


def _entry_prompt(entry) -> Table:
    grid = Table.grid(expand=True, padding=(0, 1))
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(justify="right", no_wrap=True, width=7)
    grid.add_column(no_wrap=True, width=26, overflow="ellipsis")
    try:
        size = format_count(entry.param_count.total)
    except Exception:  # a catalog entry the counter cannot size still shows, without its size
        size = entry.published_params or "?"
    ctx = entry.context_length
    ctx_text = f"{ctx // 1024}k" if ctx >= 1024 and ctx % 1024 == 0 else f"{ctx:,}"
    grid.add_row(Text(entry.name), Text(size, style="bold"),
                 Text(f"{entry.org} · {entry.kind} · {ctx_text}", style="dim"))
    return grid


class ModelPicker(ModalScreen[tuple[str, object] | None]):
    """Dismisses with ("model", catalog_id), ("params", count) or None (escape)."""

    DEFAULT_CSS = """
    ModelPicker { align: center middle; }
    ModelPicker > Vertical {
        width: 90%; max-width: 100; height: 85%; border: round $primary; background: $surface; padding: 0 1;
        border-title-style: bold; border-subtitle-color: $text-muted;
    }
    ModelPicker #picker-hint { color: $text-muted; }
    ModelPicker OptionList { height: 1fr; border: none; padding: 0; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("pagedown", "move(10)", show=False),
        Binding("pageup", "move(-10)", show=False),
    ]

    def __init__(self, initial: str = "") -> None:
        super().__init__()
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Model"
            box.border_subtitle = "type to filter · ↑↓ choose · enter pick · esc cancel"
            yield Static("A catalog model (name, org, id), or a bare parameter count like 7B or 1.3e9.",
                         id="picker-hint")
            yield Input(self.initial, placeholder="filter…  e.g. llama 8b, qwen, 7B", id="picker-filter")
            yield OptionList(id="picker-list")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._fill(self.initial)

    def _fill(self, text: str) -> None:
        from paramtui.core.catalog import search_models

        options: list[Option] = []
        try:
            count = parse_count(text, "parameters") if text.strip() else None
        except UserError:
            count = None
        if count is not None:
            options.append(Option(Text.assemble(("Bare parameter count: ", "bold"), format_count(count),
                                                ("  (a typical shape of that size is assumed)", "dim")),
                                  id=f"params:{count!r}"))
        for entry in search_models(text):
            options.append(Option(_entry_prompt(entry), id=f"model:{entry.id}"))
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options(options)
        if options:
            listing.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        listing = self.query_one(OptionList)
        if listing.highlighted is not None:
            self._choose(listing.get_option_at_index(listing.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        if not option_id:
            return
        kind, _, value = option_id.partition(":")
        self.dismiss(("params", float(value)) if kind == "params" else ("model", value))

    def action_move(self, delta: int) -> None:
        listing = self.query_one(OptionList)
        if listing.option_count:
            current = listing.highlighted or 0
            listing.highlighted = max(0, min(listing.option_count - 1, current + delta))

    def action_cancel(self) -> None:
        self.dismiss(None)
