"""The Compare screen's dialogs: a name prompt and a column picker (scenarios are added with
the model picker of `model_picker`)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, SelectionList, Static
from textual.widgets.selection_list import Selection

from paramtui.tui.widgets.dialogs import Dialog
from paramtui.tui.widgets.ordered_input import OrderedInput

_BOX = """
    {name} {{ align: center middle; }}
    {name} > Vertical {{
        width: 76; max-width: 96%; height: auto; max-height: 90%; border: round $primary;
        background: $surface; padding: 0 1; border-title-style: bold; border-subtitle-color: $text-muted;
    }}
    {name} .dialog-hint {{ color: $text-muted; }}
    {name} .dialog-error {{ color: $error; text-style: bold; }}
"""


class NamePrompt(Dialog[str | None]):
    """One line of text (a scenario's name). Enter accepts, escape cancels (None)."""

    DEFAULT_CSS = _BOX.format(name="NamePrompt") + "NamePrompt Input { margin: 1 0 0 0; }"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, initial: str = "", hint: str = "") -> None:
        super().__init__()
        self.title_text, self.initial, self.hint = title, initial, hint

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            box.border_subtitle = "enter accept · esc cancel"
            if self.hint:
                yield Static(Text(self.hint), classes="dialog-hint")
            yield OrderedInput(self.initial, id="name-input", select_on_focus=True)
            yield Static("", id="name-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = " ".join(event.value.split())
        if not text:
            self.query_one("#name-error", Static).update("✗ give a name")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ToggleInOrderList(SelectionList[str]):
    """Textual's SelectionList, toggling on space as the key is handled.

    Works around a Textual behaviour (seen in 8.x): SelectionList's space posts a message to
    itself and toggles when that message is read, after any key already queued behind the
    space. `space a` typed in one burst (over SSH, or pasted) applied the columns before the
    uncheck. Here space toggles through the public `toggle`, in turn with the other keys."""

    BINDINGS = [Binding("space", "toggle_highlighted", "Toggle option", show=False)]

    def action_toggle_highlighted(self) -> None:
        if self.highlighted is not None:
            self.toggle(self.get_option_at_index(self.highlighted))


class ColumnPicker(Dialog[list[str] | None]):
    """Which figures the table shows, in order. Space toggles, [ ] move, a applies, r resets."""

    DEFAULT_CSS = _BOX.format(name="ColumnPicker") + """
    ColumnPicker SelectionList { height: auto; max-height: 18; border: none; padding: 0; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("a", "apply", "Apply"),
        Binding("r", "reset", "Defaults"),
        Binding("left_square_bracket", "shift(-1)", "Move up"),
        Binding("right_square_bracket", "shift(1)", "Move down"),
    ]

    def __init__(self, current: list[str], defaults: list[str], always: tuple[str, ...] = ("scenario.name",)) -> None:
        super().__init__()
        self.current = [k for k in current if k not in always]
        self.defaults = [k for k in defaults if k not in always]
        self.always = always

    @staticmethod
    def _selection(key: str, checked: bool) -> Selection:
        return Selection(ColumnPicker._prompt(key, checked), key, checked)

    @staticmethod
    def _prompt(key: str, checked: bool) -> Text:
        """'✓ KV cache  inference · memory.kv_cache_bytes': the tick reads without colour."""
        from paramtui.core.result.figures import FIGURES

        fig = FIGURES[key]
        return Text.assemble(("✓ " if checked else "· ", "bold"), fig.label, (f"  {fig.group} · {key}", "dim"))

    @on(SelectionList.SelectedChanged)
    def _mark(self, event: SelectionList.SelectedChanged) -> None:
        sl = event.selection_list
        chosen = set(sl.selected)
        for index in range(sl.option_count):
            key = sl.get_option_at_index(index).value
            sl.replace_option_prompt_at_index(index, self._prompt(key, key in chosen))

    def _selections(self, chosen: list[str]) -> list[Selection]:
        from paramtui.core.result.figures import FIGURES

        order = chosen + [k for k in FIGURES if k not in chosen and k not in self.always]
        return [self._selection(key, key in chosen) for key in order]

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Columns"
            box.border_subtitle = "space toggle · [ ] move · a apply · r defaults · esc cancel"
            yield Static("Checked figures show, top to bottom = left to right. "
                         "The scenario name always shows first.", classes="dialog-hint")
            yield ToggleInOrderList(*self._selections(self.current), id="column-list")
            yield Static("", id="column-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def _order(self) -> list[str]:
        sl = self.query_one(SelectionList)
        return [sl.get_option_at_index(i).value for i in range(sl.option_count)]

    def _rebuild(self, order: list[str], chosen: set[str], highlight: int) -> None:
        sl = self.query_one(SelectionList)
        sl.clear_options()
        sl.add_options([self._selection(key, key in chosen) for key in order])
        sl.highlighted = highlight

    def action_shift(self, step: int) -> None:
        sl = self.query_one(SelectionList)
        index = sl.highlighted
        if index is None:
            return
        order = self._order()
        target = index + step
        if not 0 <= target < len(order):
            return
        order[index], order[target] = order[target], order[index]
        self._rebuild(order, set(sl.selected), target)

    def action_reset(self) -> None:
        self._rebuild([*self.defaults] + [k for k in self._order() if k not in self.defaults],
                      set(self.defaults), 0)

    def action_apply(self) -> None:
        sl = self.query_one(SelectionList)
        chosen = set(sl.selected)
        columns = [k for k in self._order() if k in chosen]
        if not columns:
            self.query_one("#column-error", Static).update("✗ check at least one figure")
            return
        self.dismiss([*self.always, *columns])

    def action_cancel(self) -> None:
        self.dismiss(None)
