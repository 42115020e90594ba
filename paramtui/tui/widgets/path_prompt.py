"""The path prompt: a modal that asks for a file path, with completion from the file system."""

from __future__ import annotations

import os
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.suggester import Suggester
from textual.widgets import Input, Static

from paramtui.tui.widgets.dialogs import Dialog
from paramtui.tui.widgets.ordered_input import OrderedInput


class PathSuggester(Suggester):
    """Completes the last path component from the directory listing (right arrow accepts)."""

    def __init__(self, suffixes: tuple[str, ...] = ()) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.suffixes = suffixes

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        head, stem = os.path.split(os.path.expanduser(value))
        base = Path(head) if head else Path(".")
        try:
            names = sorted(os.listdir(base))
        except OSError:
            return None
        for name in names:
            if name.startswith(stem) and name != stem and not (name.startswith(".") and not stem.startswith(".")):
                full = base / name
                if full.is_dir():
                    name += os.sep
                elif self.suffixes and not name.endswith(self.suffixes):
                    continue
                return value[: len(value) - len(stem)] + name
        return None


class PathPrompt(Dialog[Path | None]):
    """Ask for a path. Enter accepts, escape cancels (dismisses with None).

    must_exist: the file must already exist (opening). confirm_overwrite: an existing file
    other than `current` needs a second enter (saving). `suffix` is added when the name has none.
    """

    DEFAULT_CSS = """
    PathPrompt { align: center middle; }
    PathPrompt > Vertical {
        width: 76; max-width: 96%; height: auto; border: round $primary; background: $surface; padding: 0 1;
        border-title-style: bold; border-subtitle-color: $text-muted;
    }
    PathPrompt #path-hint { color: $text-muted; }
    PathPrompt #path-error { color: $error; text-style: bold; }
    PathPrompt Input { margin: 1 0 0 0; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, initial: str = "", *, hint: str = "", must_exist: bool = False,
                 confirm_overwrite: bool = False, current: Path | None = None, suffix: str = ".toml") -> None:
        super().__init__()
        self.title_text = title
        self.initial = initial
        self.hint = hint
        self.must_exist = must_exist
        self.confirm_overwrite = confirm_overwrite
        self.current = current.resolve() if current else None
        self.suffix = suffix
        self._armed_overwrite: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            box.border_subtitle = "enter accept · → complete · esc cancel"
            yield Static(Text(self.hint or f"A path, relative to {Path.cwd()}"), id="path-hint")
            yield OrderedInput(self.initial, id="path-input", suggester=PathSuggester((self.suffix,) if self.suffix else ()),
                        select_on_focus=False)
            yield Static("", id="path-error")

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.focus()
        field.cursor_position = len(field.value)

    def _error(self, message: str) -> None:
        self.query_one("#path-error", Static).update(Text(message))

    def on_input_changed(self, event: Input.Changed) -> None:
        self._armed_overwrite = None
        self._error("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self._error("✗ give a file name")
            return
        path = Path(os.path.expanduser(text))
        if path.is_dir():
            self._error(f"✗ {path} is a directory; add a file name")
            return
        if self.suffix and not path.suffix:
            path = path.with_suffix(self.suffix)
        if self.must_exist and not path.exists():
            self._error(f"✗ {path}: no such file")
            return
        if not self.must_exist and not path.parent.exists() and str(path.parent):
            self._error(f"✗ {path.parent}: no such directory")
            return
        if self.confirm_overwrite and path.exists() and path.resolve() != self.current:
            if self._armed_overwrite != path:
                self._armed_overwrite = path
                self._error(f"! {path.name} exists: press enter again to replace it")
                return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
