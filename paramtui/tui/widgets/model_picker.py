"""The model picker: type to filter the catalog, type a bare parameter count ("7B", "1.3e9"),
or type a path to a model file or folder (`./Qwen3-8B-Q4_K_M.gguf`, `~/models/llama/`).

Used wherever a model is chosen: the Calculator's model field and Compare's "add a scenario".
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from paramtui.core.errors import UserError
from paramtui.core.units import format_count, parse_count
from paramtui.tui.widgets.filter_picker import FilterPicker


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


def _local_prompt(model) -> Table:
    from paramtui.core.units import format_bytes

    grid = Table.grid(expand=True, padding=(0, 1))
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(justify="right", no_wrap=True, width=7)
    grid.add_column(no_wrap=True, width=26, overflow="ellipsis")
    grid.add_row(Text(model.name), Text(format_bytes(model.size_bytes), style="bold"),
                 Text(f"{model.source} · {model.format}", style="dim"))
    return grid


class ModelPicker(FilterPicker[tuple[str, object] | None]):
    """The model picker of the Calculator (choose the scenario's model) and of Compare (add a
    scenario). Dismisses with ("model", catalog_id), ("params", count), ("file", path) or None
    (escape)."""

    DEFAULT_CSS = """
    ModelPicker { align: center middle; }
    ModelPicker > Vertical {
        width: 90%; max-width: 100; height: 85%; border: round $primary; background: $surface; padding: 0 1;
        border-title-style: bold; border-subtitle-color: $text-muted;
    }
    ModelPicker .picker-hint { color: $text-muted; }
    ModelPicker OptionList { height: 1fr; border: none; padding: 0; }
    """

    def __init__(self, initial: str = "", *, title: str = "Model", verb: str = "pick") -> None:
        super().__init__()
        self.initial = initial
        self.title_text = title
        self.verb = verb  # what enter does, in the box's subtitle
        self._local = None  # models on this machine, found when first listed

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            box.border_subtitle = f"type to filter · ↑↓ choose · enter {self.verb} · esc cancel"
            yield Static("A catalog model (name, org, id), a bare parameter count like 7B or 1.3e9, "
                         "or a path to a .gguf, .safetensors or model folder.",
                         classes="picker-hint")
            yield Input(self.initial, placeholder="filter…  e.g. llama 8b, qwen, 7B", id="picker-filter")
            yield OptionList(id="picker-list")
            yield Static("", id="picker-count", classes="picker-hint")

    def _fill(self, text: str) -> None:
        from paramtui.core.model.catalog import load_catalog, search_models

        options: list[Option] = []
        try:
            count = parse_count(text, "parameters") if text.strip() else None
        except UserError:
            count = None
        if count is not None:
            options.append(Option(Text.assemble(("Bare parameter count: ", "bold"), format_count(count),
                                                ("  (a typical shape of that size is assumed)", "dim")),
                                  id=f"params:{count!r}"))
        from paramtui.core.model.model_file import is_model_path

        if text.strip() and is_model_path(text.strip()):
            options.append(Option(Text.assemble(("Model file: ", "bold"), text.strip(),
                                                ("  (read from its headers)", "dim")), id=f"file:{text.strip()}"))
        entries = search_models(text)
        options.extend(Option(_entry_prompt(entry), id=f"model:{entry.id}") for entry in entries)
        words = text.lower().split()
        local = [m for m in self._local_models() if all(w in m.name.lower() for w in words)]
        if local:
            options.append(Option(Text("on this machine", style="bold"), disabled=True))
            options.extend(Option(_local_prompt(m), id=f"file:{m.path}") for m in local)
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options(options)
        enabled = [i for i, option in enumerate(options) if not option.disabled]
        if enabled:
            listing.highlighted = enabled[0]
        self.query_one("#picker-count", Static).update(
            f"{len(entries)} of {len(load_catalog())} catalog models" if entries or count is not None
            else f"no model matches {text!r}")

    def _local_models(self):
        """The models found on this machine (listings only, no headers), looked up once."""
        if self._local is None:
            from paramtui.core.io.local_models import find_local_models

            try:
                self._local = find_local_models(read_headers=False)
            except (UserError, OSError):
                self._local = []
        return self._local

    def _choose(self, option_id: str | None) -> None:
        if not option_id:
            return
        kind, _, value = option_id.partition(":")
        self.dismiss(("params", float(value)) if kind == "params" else (kind, value))
