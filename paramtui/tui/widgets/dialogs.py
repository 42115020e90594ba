"""Small keyboard dialogs: a question with a few lettered answers; the answer-once base of
every dialog of the app."""

from __future__ import annotations

from typing import TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Static


Result = TypeVar("Result")


class Dialog(ModalScreen[Result]):
    """A modal screen that is answered once.

    Keys that arrive together (a burst over SSH, a key held down) can ask a dialog for its
    answer twice (`enter enter`) or after another screen covered it; dismissing again would
    pop a screen that is not this one (Textual's ScreenStackError). The first answer counts,
    later ones are ignored."""

    _answered = False

    class TypedBefore(Message):
        """A key typed for this dialog before it was on screen (`enter 4090` in one burst:
        the digits reached the widget that opened the dialog). Dialogs that take text
        (`FilterPicker`) apply it; the others ignore it."""

        def __init__(self, key: str, character: str | None) -> None:
            super().__init__()
            self.key = key
            self.character = character

    def dismiss(self, result: Result | None = None):
        if self._answered or self.app.screen is not self:
            return None
        self._answered = True
        return super().dismiss(result)


class ChoiceScreen(Dialog[str | None]):
    """Ask `question`; each choice is (key, label, value). Escape dismisses with `cancel_value`.

    The first choice's button has focus, so enter picks it; each choice's key picks it
    directly; tab/arrows move between buttons.
    """

    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > Vertical {
        width: 72; max-width: 95%; height: auto; border: round $accent; background: $surface; padding: 0 1;
        border-title-style: bold;
    }
    ChoiceScreen #choice-question { margin: 1 0; }
    ChoiceScreen Horizontal { height: auto; align-horizontal: center; }
    ChoiceScreen Button { margin: 0 1; min-width: 12; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("left", "app.focus_previous", show=False),
        Binding("right", "app.focus_next", show=False),
    ]

    def __init__(self, title: str, question: str, choices: list[tuple[str, str, str]],
                 cancel_value: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.choices = choices
        self.cancel_value = cancel_value

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Static(Text(self.question), id="choice-question")
            with Horizontal():
                for key, label, value in self.choices:
                    yield Button(f"{label} ({key})", id=f"choice-{value}", compact=True)

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id.removeprefix("choice-"))

    def on_key(self, event) -> None:
        for key, _label, value in self.choices:
            if event.key == key:
                event.stop()
                self.dismiss(value)
                return

    def action_cancel(self) -> None:
        self.dismiss(self.cancel_value)
