"""FormView driven as a user would: keys pressed in a small app, then the messages the app
received and the lines the form draws checked. One Calculator test at the end checks the
form inside the real screen (text selected on entry, digits typed not switching screens).

Each test is one flow of keys in one app (a comment per step says what it checks); keys
with no check between them go as one burst (tests/keys_typed.py), and a key whose effect is
checked on its own waits for the app before the check.
"""

from __future__ import annotations

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Button

from paramtui.core.inputs.session import Session
from paramtui.core.validation import validate
from paramtui.tui.app import ParamApp
from paramtui.tui.screens.calculator import CalculatorScreen
from paramtui.tui.widgets.choice import ChoicePicker
from paramtui.tui.widgets.figure_list import FigureList
from paramtui.tui.widgets.form import FormRow, FormView
from tests.keys_typed import type_keys


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    """Prefs, themes and autosaves go to a temp home, never the developer's."""
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / "home" / var.lower()))
    monkeypatch.delenv("NO_COLOR", raising=False)


# ---------------------------------------------------------------------- the app under test

SIZES = [("Small", "s"), ("Medium", "m"), ("Large", "l")]


def make_rows() -> list[FormRow]:
    return [
        FormRow("size", "Size", "choice", value="m", options=list(SIZES)),
        FormRow("name", "Name", "text", value="alpha", placeholder="a name"),
        FormRow("sec", "Details", "section"),
        FormRow("count", "Count", "text", value="8", placeholder="a number"),
        FormRow("go", "Go", "button", value="Run it"),
        FormRow("more", "More options", "toggle"),
        FormRow("extra1", "Extra one", "text", value="x1", section="more"),
        FormRow("extra2", "Extra two", "text", value="x2", section="more"),
    ]


class FormApp(App):
    """A FormView between nothing and a Button; records what the form tells it."""

    AUTO_FOCUS = "#form"
    CSS = "FormView { height: 16; }"
    BINDINGS = [Binding("2", "two", "Two")]

    def __init__(self, form_width: int = 40) -> None:
        super().__init__()
        self.form_width = form_width
        self.messages: list[tuple] = []
        self.two_calls = 0

    def compose(self) -> ComposeResult:
        form = FormView(make_rows(), current="size", id="form")
        form.styles.width = self.form_width
        yield form
        yield Button("After", id="after")

    @property
    def form(self) -> FormView:
        return self.query_one("#form", FormView)

    def on_form_view_changed(self, event: FormView.Changed) -> None:
        self.messages.append(("changed", event.row_id, event.value))

    def on_form_view_pressed(self, event: FormView.Pressed) -> None:
        self.messages.append(("pressed", event.row_id))

    def action_two(self) -> None:
        self.two_calls += 1


def lines(form: FormView) -> list[str]:
    """What the form draws, one string per line."""
    return [strip.text for strip in form.render_lines(form.size.region)]


def form_text(form: FormView) -> str:
    return "\n".join(lines(form))


def line_of(form: FormView, label: str) -> str:
    """The drawn line of the row labelled `label`."""
    found = [line for line in lines(form) if line.startswith(f" {label}")]
    assert len(found) == 1, (label, lines(form))
    return found[0]


async def started(pilot) -> FormView:
    await pilot.pause()
    form = pilot.app.form
    assert pilot.app.focused is form and form.current == "size"
    return form


async def moves(pilot, key: str, times: int) -> list[str]:
    """Press `key` `times` times, one at a time, and say which row the cursor was on after each."""
    visited = []
    for _ in range(times):
        await type_keys(pilot, key)
        visited.append(pilot.app.form.current)
    return visited


# ---------------------------------------------------------------------- moving between fields


async def test_tab_shift_tab_and_arrows_move_between_fields_and_leave_the_form_at_its_ends():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        after = app.query_one("#after", Button)
        # Tab moves field by field; past the last field it leaves for the next widget.
        assert await moves(pilot, "tab", 4) == ["name", "count", "go", "more"]
        assert app.focused is form
        await type_keys(pilot, "tab")  # past the last field: on to the next widget
        assert app.focused is after
        assert form.current == "more"  # the form keeps its cursor
        await type_keys(pilot, "shift+tab")  # back into the form, where it was
        assert app.focused is form and form.current == "more"
        # Shift+tab moves back; past the first field it leaves for the previous widget.
        form.focus_row("more")
        await pilot.pause()
        assert await moves(pilot, "shift+tab", 4) == ["go", "count", "name", "size"]
        assert app.focused is form
        await type_keys(pilot, "shift+tab")  # past the first field: the previous widget (wrapping)
        assert app.focused is after
        assert form.current == "size"
        # Up and down skip the section title and the closed section's rows.
        form.focus()
        await pilot.pause()
        assert app.focused is form and form.current == "size"
        await type_keys(pilot, "up")  # already on the first field
        assert form.current == "size"
        # The section title is skipped, the closed section's rows too; the last field holds.
        assert await moves(pilot, "down", 6) == ["name", "count", "go", "more", "more", "more"]
        await type_keys(pilot, *["up"] * 6)
        assert form.current == "size"
        assert app.messages == []  # moving changes nothing
        # Down enters an open section's rows and stops at the last.
        form.set_open("more", True)
        await pilot.pause()
        assert await moves(pilot, "down", 7) == ["name", "count", "go", "more", "extra1", "extra2", "extra2"]


# ---------------------------------------------------------------------- choices


async def test_choice_ignores_a_paste_steps_with_arrows_and_picks_from_its_list():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        # A paste on a choice row changes nothing.
        form.post_message(events.Paste("l"))
        await pilot.pause()
        assert form.value("size") == "m"
        assert app.messages == []
        # Escape from the list keeps the value and posts nothing.
        await type_keys(pilot, "enter")
        assert isinstance(app.screen, ChoicePicker)
        await type_keys(pilot, *"sm", "escape")
        assert not isinstance(app.screen, ChoicePicker)
        assert form.value("size") == "m"
        assert app.messages == []
        # Picking the current value from the list posts nothing.
        await type_keys(pilot, "enter", *"med", "enter")
        assert not isinstance(app.screen, ChoicePicker)
        assert form.value("size") == "m"
        assert app.messages == []
        # Left and right step the choice, clamped at the ends, each step a Changed.
        assert "Medium" in line_of(form, "Size")
        await type_keys(pilot, "right", "right")  # the second: already the last option
        assert form.value("size") == "l"
        assert "Large" in line_of(form, "Size")
        await type_keys(pilot, "left", "left", "left")  # the third is past the first option
        assert form.value("size") == "s"
        assert "Small" in line_of(form, "Size")
        assert app.messages == [("changed", "size", "l"), ("changed", "size", "m"), ("changed", "size", "s")]
        # Enter or space opens the list, and a filtered pick posts Changed.
        for key in ("enter", "space"):
            await type_keys(pilot, "left" if form.value("size") == "l" else "right")  # back to Medium
            assert form.value("size") == "m", key
            app.messages.clear()
            await type_keys(pilot, key)
            assert isinstance(app.screen, ChoicePicker), key
            assert app.screen.current == "m" and app.screen.options == SIZES, key
            await type_keys(pilot, *"lar", "enter")
            assert not isinstance(app.screen, ChoicePicker), key
            assert app.focused is form, key
            assert form.value("size") == "l", key
            assert "Large" in line_of(form, "Size"), key
            assert app.messages == [("changed", "size", "l")], key


# ---------------------------------------------------------------------- text fields


async def test_typing_in_a_text_row_replaces_its_selection_and_takes_readline_and_word_keys():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        # Entering a text row selects it, so typing replaces it key by key.
        await pilot.press("down")
        assert form.current == "name"
        await pilot.press(*"beta")
        await pilot.pause()
        assert form.value("name") == "beta"
        assert app.messages == [("changed", "name", "b"), ("changed", "name", "be"),
                                ("changed", "name", "bet"), ("changed", "name", "beta")]
        assert "beta" in line_of(form, "Name") and "alpha" not in line_of(form, "Name")
        # Readline keys.
        await type_keys(pilot, "backspace")
        assert form.value("name") == "bet"
        await type_keys(pilot, "home", "X")
        assert form.value("name") == "Xbet"
        await type_keys(pilot, "end", "Y")
        assert form.value("name") == "XbetY"
        await type_keys(pilot, "home", "right", "right", "ctrl+k")  # all after the cursor
        assert form.value("name") == "Xb"
        await type_keys(pilot, "left", "ctrl+u")  # all before the cursor
        assert form.value("name") == "b"
        await type_keys(pilot, "end", *" two", "ctrl+w")  # the word before the cursor
        assert form.value("name") == "b "
        await type_keys(pilot, "home", "delete")
        assert form.value("name") == " "
        assert [m[2] for m in app.messages] == [
            "b", "be", "bet", "beta", "bet", "Xbet", "XbetY", "Xb", "b", "b ", "b t", "b tw", "b two", "b ", " "]
        assert {m[:2] for m in app.messages} == {("changed", "name")}
        # Word and control keys (the row entered again, so its text is selected and replaced).
        await type_keys(pilot, "up", "down", *"4k tokens")
        assert form.value("name") == "4k tokens"
        await type_keys(pilot, "ctrl+left", "ctrl+left", "ctrl+f")  # the word after the cursor
        assert form.value("name") == " tokens"
        await type_keys(pilot, "ctrl+e", "ctrl+left", "X")  # end, then a word back
        assert form.value("name") == " Xtokens"
        await type_keys(pilot, "ctrl+a", "ctrl+d")  # start, delete the character there
        assert form.value("name") == "Xtokens"
        await type_keys(pilot, "ctrl+right", "!")
        assert form.value("name") == "Xtokens!"
        await type_keys(pilot, "left", "ctrl+w")
        assert form.value("name") == "!"


async def test_a_text_row_entered_by_click_arrows_or_enter_keeps_or_selects_its_text_and_takes_pastes_and_digits():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        # A click on a text row puts the cursor there.
        name_y = next(i for i, line in enumerate(lines(form)) if line.startswith(" Name"))
        await pilot.click("#form", offset=(11 + 2, name_y))  # on the "p" of "alpha"
        await pilot.pause()
        assert form.current == "name"
        await type_keys(pilot, "X")
        assert form.value("name") == "alXpha"
        await type_keys(pilot, "up", "down", *"alpha")  # the name back as it was
        assert form.value("name") == "alpha"
        app.messages.clear()
        # Left on entry keeps the text; typing inserts at the start.
        await type_keys(pilot, "up", "down", "left", "X")
        assert form.value("name") == "Xalpha"
        assert app.messages == [("changed", "name", "Xalpha")]
        # Right on entry keeps it too, and space types into the row (no list opens).
        await type_keys(pilot, "up", "down", *"alpha")  # the name back as it was
        assert form.value("name") == "alpha"
        await type_keys(pilot, "up", "down", "right", "space", "b")
        assert form.value("name") == "alpha b"
        assert not isinstance(app.screen, ChoicePicker)
        app.messages.clear()
        # Enter in a text row moves to the next field and selects it.
        await type_keys(pilot, "up", "down", "enter")
        assert form.current == "count"  # past the section title
        await type_keys(pilot, "3")  # the "8" was selected on entry
        assert form.value("count") == "3"
        assert app.messages == [("changed", "count", "3")]
        app.messages.clear()
        # A paste inserts its first line only.
        await type_keys(pilot, "up", "down")  # into Count again: its text selected
        assert form.current == "count"
        form.post_message(events.Paste("12\nignored"))
        await pilot.pause()
        assert form.value("count") == "12"  # the selected "3" was replaced
        assert app.messages == [("changed", "count", "12")]
        form.post_message(events.Paste("3"))
        await pilot.pause()
        assert form.value("count") == "123"
        # A copied cell that starts with a line break pastes its text; blank lines paste nothing.
        form.post_message(events.Paste("\n4\n"))
        form.post_message(events.Paste("\n \n"))
        await pilot.pause()
        assert form.value("count") == "1234"
        # Digits in a choice or text row stay in the form and never switch screens.
        await type_keys(pilot, "up", "up")
        assert form.current == "size"
        await type_keys(pilot, "2")  # on a choice: meant for the choice (none starts with 2), not the app
        assert app.two_calls == 0
        assert form.value("size") == "m"
        await type_keys(pilot, "down", "down", "2", "2")  # in Count: typed over its selection
        assert form.current == "count"
        assert form.value("count") == "22"
        assert app.two_calls == 0
        await type_keys(pilot, "down", "2")  # on the button row: the app's key
        assert app.two_calls == 1
        assert form.value("count") == "22"


# ---------------------------------------------------------------------- buttons and toggles


async def test_buttons_post_pressed_and_toggles_show_hide_and_open_for_their_rows():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        # Enter or space on a button posts Pressed.
        for key in ("enter", "space"):
            app.messages.clear()
            form.focus_row("go")
            await type_keys(pilot, key)
            assert app.messages == [("pressed", "go")], key
            assert "Run it" in line_of(form, "Go"), key
        app.messages.clear()
        # Enter on a toggle shows and hides its rows.
        form.focus_row("more")
        await pilot.pause()
        text = form_text(form)
        assert "▶ More options" in text
        assert "Extra one" not in text and "Extra two" not in text
        await type_keys(pilot, "enter")
        assert form.is_open("more")
        text = form_text(form)
        assert "▼ More options" in text
        assert "Extra one" in text and "Extra two" in text
        assert "x1" in line_of(form, "Extra one")
        await type_keys(pilot, "enter")
        assert not form.is_open("more")
        text = form_text(form)
        assert "▶ More options" in text and "Extra one" not in text
        await type_keys(pilot, "down")
        assert form.current == "more"  # the hidden rows cannot be reached
        assert app.messages == []
        # Closing a section with the cursor inside puts it on the title.
        form.focus_row("extra2")
        await pilot.pause()
        form.set_open("more", False)
        await pilot.pause()
        assert form.current == "more"
        await type_keys(pilot, "z")  # a title row takes no text
        assert form.value("extra2") == "x2"  # the hidden field kept its text
        assert app.messages == []
        # focus_row on a row of a closed section opens it.
        form.focus_row("extra2")
        await pilot.pause()
        assert form.is_open("more") and form.current == "extra2"
        await type_keys(pilot, "z")
        assert form.value("extra2") == "z"
        assert app.messages == [("changed", "extra2", "z")]


# ---------------------------------------------------------------------- set by the program


async def test_program_setters_show_errors_values_and_options_and_post_no_changed():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        # set_error shows a reason under the row, and clearing it removes it.
        before = lines(form)
        form.set_error("count", "must be at least 1")
        await pilot.pause()
        after = lines(form)
        count = next(i for i, line in enumerate(after) if line.startswith(" Count"))
        assert after[count + 1].strip() == "✗ must be at least 1"
        assert after[count + 1].startswith(" " * 12 + "✗")
        assert form.error("count") == "must be at least 1"
        form.set_error("count", None)
        await pilot.pause()
        assert "✗" not in form_text(form)
        assert lines(form) == before
        assert app.messages == []
        # The setters post no Changed.
        form.set_options("size", [("Tiny", "t"), ("Medium", "m"), ("Huge", "h")])
        form.set_value("size", "h")
        form.set_value("name", "")
        form.set_placeholder("name", "who is it")
        form.set_value("count", "99")
        form.set_error("name", "give a name")
        await pilot.pause()
        assert app.messages == []
        assert "Huge" in line_of(form, "Size")
        assert "who is it" in line_of(form, "Name")
        assert "99" in line_of(form, "Count")
        assert "✗ give a name" in form_text(form)
        # The new options are the ones the arrows step through (and now the user changes it).
        assert form.current == "size"
        await type_keys(pilot, "left")
        assert app.messages == [("changed", "size", "m")]
        app.messages.clear()
        # set_value on the row being edited replaces the editor text.
        form.focus_row("count")
        await pilot.pause()
        form.set_value("count", "42")
        await pilot.pause()
        assert "42" in line_of(form, "Count")
        assert app.messages == []
        await type_keys(pilot, "7")  # appended: the new text is not selected
        assert form.value("count") == "427"
        assert app.messages == [("changed", "count", "427")]


async def test_a_long_text_in_a_narrow_form_keeps_the_cursor_in_view():
    app = FormApp(form_width=20)  # 9 cells for the field
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        await type_keys(pilot, "down", *"abcdefghijklmnop")
        assert form.value("name") == "abcdefghijklmnop"
        line = line_of(form, "Name")
        assert line[11:20] == "ijklmnop "  # the end of the text and the cursor cell
        await type_keys(pilot, "home")
        assert line_of(form, "Name")[11:20] == "abcdefghi"
        await type_keys(pilot, "end")
        assert line_of(form, "Name")[11:20] == "ijklmnop "


async def test_a_disabled_form_cannot_be_focused():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        after = app.query_one("#after", Button)
        after.focus()
        await pilot.pause()
        form.disabled = True
        await pilot.pause()
        assert not form.focusable
        form.focus()
        await pilot.pause()
        assert app.focused is not form
        await type_keys(pilot, "shift+tab")
        assert app.focused is after
        await type_keys(pilot, "2")  # not typed anywhere: the app's key
        assert app.two_calls == 1
        assert app.messages == []


# ---------------------------------------------------------------------- in the Calculator


def one_scenario() -> Session:
    return validate(Session, dict(title="form test", scenario=(dict(
        id="l8", name="Llama 8B", model="llama-3.1-8b", precision="bf16", target="h100-sxm",
        inference={"batch": 8, "context": 8192}),)))


def figure_value(screen: CalculatorScreen, key: str) -> str:
    for row in screen.query_one(FigureList).rows:
        if row.key == key:
            return row.value
    raise KeyError(key)


async def test_calculator_digits_pick_a_choice_and_stay_in_a_text_field_over_its_selection():
    app = ParamApp(one_scenario(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CalculatorScreen)
        form = screen.form
        assert app.focused is form and form.current == "model"
        # Batch typed over its selection, and digits stay in the field.
        kv_before = figure_value(screen, "memory.kv_cache_bytes")
        await type_keys(pilot, "down", "down", "down")  # Precision, KV cache, Batch
        assert form.current == "batch"
        await type_keys(pilot, "1", "6")  # "8" is selected on entry: replaced
        assert form.value("batch") == "16"
        assert app.session.scenarios[0].inference.batch == 16
        assert figure_value(screen, "memory.kv_cache_bytes") != kv_before
        await type_keys(pilot, "2")  # typed into Batch, not the Compare key
        assert app.screen is screen and isinstance(app.screen, CalculatorScreen)
        assert app.session.scenarios[0].inference.batch == 162
        # A digit on a choice picks the choice it starts.
        form.focus_row("zero")
        await type_keys(pilot, "3")  # ZeRO 3 (FSDP), and the Scaling screen does not open
        assert isinstance(app.screen, CalculatorScreen)
        assert app.session.scenarios[0].training.zero == 3
        # In the results list a digit is the app's key again.
        await type_keys(pilot, "escape")  # to the results list
        assert isinstance(app.focused, FigureList)
        await type_keys(pilot, "2")
        assert app.screen.MODE == "compare"
        assert app.session.scenarios[0].inference.batch == 162
