"""FormView driven as a user would: keys pressed in a small app, then the messages the app
received and the lines the form draws checked. One Calculator test at the end checks the
form inside the real screen (text selected on entry, digits typed not switching screens).
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


# ---------------------------------------------------------------------- moving between fields


async def test_up_down_move_between_fields_and_skip_section_titles_and_closed_sections():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        await pilot.press("up")  # already on the first field
        assert form.current == "size"
        visited = []
        for _ in range(6):
            await pilot.press("down")
            visited.append(form.current)
        # The section title is skipped, the closed section's rows too; the last field holds.
        assert visited == ["name", "count", "go", "more", "more", "more"]
        for _ in range(6):
            await pilot.press("up")
        assert form.current == "size"
        assert app.messages == []  # moving changes nothing


async def test_down_enters_an_open_sections_rows_and_stops_at_the_last():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        form.set_open("more", True)
        await pilot.pause()
        visited = []
        for _ in range(7):
            await pilot.press("down")
            visited.append(form.current)
        assert visited == ["name", "count", "go", "more", "extra1", "extra2", "extra2"]


async def test_tab_moves_between_fields_and_leaves_the_form_past_the_last():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        after = app.query_one("#after", Button)
        visited = []
        for _ in range(4):
            await pilot.press("tab")
            visited.append(form.current)
        assert visited == ["name", "count", "go", "more"]
        assert app.focused is form
        await pilot.press("tab")  # past the last field: on to the next widget
        assert app.focused is after
        assert form.current == "more"  # the form keeps its cursor
        await pilot.press("shift+tab")  # back into the form, where it was
        assert app.focused is form and form.current == "more"


async def test_shift_tab_moves_back_and_leaves_the_form_past_the_first():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        form.focus_row("more")
        await pilot.pause()
        visited = []
        for _ in range(4):
            await pilot.press("shift+tab")
            visited.append(form.current)
        assert visited == ["go", "count", "name", "size"]
        assert app.focused is form
        await pilot.press("shift+tab")  # past the first field: the previous widget (wrapping)
        assert app.focused is app.query_one("#after", Button)
        assert form.current == "size"


# ---------------------------------------------------------------------- choices


async def test_left_right_step_a_choice_clamped_at_the_ends_and_post_changed():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        assert "Medium" in line_of(form, "Size")
        await pilot.press("right")
        await pilot.press("right")  # already the last option
        await pilot.pause()
        assert form.value("size") == "l"
        assert "Large" in line_of(form, "Size")
        await pilot.press("left", "left", "left")  # the third is past the first option
        await pilot.pause()
        assert form.value("size") == "s"
        assert "Small" in line_of(form, "Size")
        assert app.messages == [("changed", "size", "l"), ("changed", "size", "m"), ("changed", "size", "s")]


@pytest.mark.parametrize("key", ["enter", "space"])
async def test_enter_or_space_opens_the_list_and_a_filtered_pick_posts_changed(key):
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, ChoicePicker)
        assert app.screen.current == "m" and app.screen.options == SIZES
        await pilot.press(*"lar", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, ChoicePicker)
        assert app.focused is form
        assert form.value("size") == "l"
        assert "Large" in line_of(form, "Size")
        assert app.messages == [("changed", "size", "l")]


async def test_escape_from_the_list_keeps_the_value_and_posts_nothing():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoicePicker)
        await pilot.press(*"sm", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, ChoicePicker)
        assert form.value("size") == "m"
        assert app.messages == []


async def test_picking_the_current_value_from_the_list_posts_nothing():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        await pilot.press("enter", *"med", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, ChoicePicker)
        assert form.value("size") == "m"
        assert app.messages == []


# ---------------------------------------------------------------------- text fields


async def test_entering_a_text_row_selects_it_so_typing_replaces_it_key_by_key():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        await pilot.press("down")
        assert form.current == "name"
        await pilot.press(*"beta")
        await pilot.pause()
        assert form.value("name") == "beta"
        assert app.messages == [("changed", "name", "b"), ("changed", "name", "be"),
                                ("changed", "name", "bet"), ("changed", "name", "beta")]
        assert "beta" in line_of(form, "Name") and "alpha" not in line_of(form, "Name")


async def test_readline_keys_in_a_text_row():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        await pilot.press("down", *"beta")
        await pilot.press("backspace")
        assert form.value("name") == "bet"
        await pilot.press("home", "X")
        assert form.value("name") == "Xbet"
        await pilot.press("end", "Y")
        assert form.value("name") == "XbetY"
        await pilot.press("home", "right", "right", "ctrl+k")  # all after the cursor
        assert form.value("name") == "Xb"
        await pilot.press("left", "ctrl+u")  # all before the cursor
        assert form.value("name") == "b"
        await pilot.press("end", *" two", "ctrl+w")  # the word before the cursor
        assert form.value("name") == "b "
        await pilot.press("home", "delete")
        assert form.value("name") == " "
        await pilot.pause()
        assert [m[2] for m in app.messages] == [
            "b", "be", "bet", "beta", "bet", "Xbet", "XbetY", "Xb", "b", "b ", "b t", "b tw", "b two", "b ", " "]
        assert {m[:2] for m in app.messages} == {("changed", "name")}


async def test_word_and_control_keys_in_a_text_row():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        await pilot.press("down", *"4k tokens")
        await pilot.press("ctrl+left", "ctrl+left", "ctrl+f")  # the word after the cursor
        assert form.value("name") == " tokens"
        await pilot.press("ctrl+e", "ctrl+left", "X")  # end, then a word back
        assert form.value("name") == " Xtokens"
        await pilot.press("ctrl+a", "ctrl+d")  # start, delete the character there
        assert form.value("name") == "Xtokens"
        await pilot.press("ctrl+right", "!")
        assert form.value("name") == "Xtokens!"
        await pilot.press("left", "ctrl+w")
        assert form.value("name") == "!"


async def test_left_on_entry_keeps_the_text_and_typing_inserts_at_the_start():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        await pilot.press("down", "left", "X")
        await pilot.pause()
        assert form.value("name") == "Xalpha"
        assert app.messages == [("changed", "name", "Xalpha")]


async def test_space_types_into_a_text_row():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        await pilot.press("down", "right", "space", "b")
        await pilot.pause()
        assert form.value("name") == "alpha b"
        assert not isinstance(app.screen, ChoicePicker)


async def test_enter_in_a_text_row_moves_to_the_next_field_and_selects_it():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        await pilot.press("down", "enter")
        assert form.current == "count"  # past the section title
        await pilot.press("3")  # the "8" was selected on entry
        await pilot.pause()
        assert form.value("count") == "3"
        assert app.messages == [("changed", "count", "3")]


async def test_paste_inserts_the_first_line_only():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        form.focus_row("count")
        await pilot.pause()
        form.post_message(events.Paste("12\nignored"))
        await pilot.pause()
        assert form.value("count") == "12"  # the selected "8" was replaced
        assert app.messages == [("changed", "count", "12")]
        form.post_message(events.Paste("3"))
        await pilot.pause()
        assert form.value("count") == "123"
        # A copied cell that starts with a line break pastes its text; blank lines paste nothing.
        form.post_message(events.Paste("\n4\n"))
        form.post_message(events.Paste("\n \n"))
        await pilot.pause()
        assert form.value("count") == "1234"


async def test_paste_on_a_choice_row_changes_nothing():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        form.post_message(events.Paste("l"))
        await pilot.pause()
        assert form.value("size") == "m"
        assert app.messages == []


async def test_digits_in_a_choice_or_text_row_stay_in_the_form_and_never_switch_screens():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        await pilot.press("2")  # on a choice: meant for the choice (none starts with 2), not the app
        await pilot.pause()
        assert app.two_calls == 0
        assert form.value("size") == "m"
        await pilot.press("down", "down", "2", "2")  # in Count: typed
        await pilot.pause()
        assert form.current == "count"
        assert form.value("count") == "22"
        assert app.two_calls == 0
        await pilot.press("down", "2")  # on the button row: the app's key
        await pilot.pause()
        assert app.two_calls == 1
        assert form.value("count") == "22"


async def test_a_digit_on_a_choice_picks_the_choice_it_starts():

    app = ParamApp(one_scenario(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.form.focus_row("zero")
        await pilot.press("3")  # ZeRO 3 (FSDP), and the Scaling screen does not open
        await pilot.pause()
        assert isinstance(app.screen, CalculatorScreen)
        assert app.session.scenarios[0].training.zero == 3


# ---------------------------------------------------------------------- buttons and toggles


@pytest.mark.parametrize("key", ["enter", "space"])
async def test_enter_or_space_on_a_button_posts_pressed(key):
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        form.focus_row("go")
        await pilot.press(key)
        await pilot.pause()
        assert app.messages == [("pressed", "go")]
        assert "Run it" in line_of(form, "Go")


async def test_enter_on_a_toggle_shows_and_hides_its_rows():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        form.focus_row("more")
        await pilot.pause()
        text = form_text(form)
        assert "▶ More options" in text
        assert "Extra one" not in text and "Extra two" not in text
        await pilot.press("enter")
        await pilot.pause()
        assert form.is_open("more")
        text = form_text(form)
        assert "▼ More options" in text
        assert "Extra one" in text and "Extra two" in text
        assert "x1" in line_of(form, "Extra one")
        await pilot.press("enter")
        await pilot.pause()
        assert not form.is_open("more")
        text = form_text(form)
        assert "▶ More options" in text and "Extra one" not in text
        await pilot.press("down")
        assert form.current == "more"  # the hidden rows cannot be reached
        assert app.messages == []


async def test_focus_row_in_a_closed_section_opens_it():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        form.focus_row("extra2")
        await pilot.pause()
        assert form.is_open("more") and form.current == "extra2"
        await pilot.press("z")
        await pilot.pause()
        assert form.value("extra2") == "z"
        assert app.messages == [("changed", "extra2", "z")]


# ---------------------------------------------------------------------- set by the program


async def test_set_error_shows_a_reason_under_the_row_and_clearing_removes_it():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
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


async def test_set_value_on_the_row_being_edited_replaces_the_editor_text():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        form.focus_row("count")
        await pilot.pause()
        form.set_value("count", "42")
        await pilot.pause()
        assert "42" in line_of(form, "Count")
        assert app.messages == []
        await pilot.press("7")  # appended: the new text is not selected
        await pilot.pause()
        assert form.value("count") == "427"
        assert app.messages == [("changed", "count", "427")]


async def test_program_setters_post_no_changed():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
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
        await pilot.press("left")
        await pilot.pause()
        assert app.messages == [("changed", "size", "m")]


async def test_a_long_text_in_a_narrow_form_keeps_the_cursor_in_view():
    app = FormApp(form_width=20)  # 9 cells for the field
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        await pilot.press("down", *"abcdefghijklmnop")
        await pilot.pause()
        assert form.value("name") == "abcdefghijklmnop"
        line = line_of(form, "Name")
        assert line[11:20] == "ijklmnop "  # the end of the text and the cursor cell
        await pilot.press("home")
        await pilot.pause()
        assert line_of(form, "Name")[11:20] == "abcdefghi"
        await pilot.press("end")
        await pilot.pause()
        assert line_of(form, "Name")[11:20] == "ijklmnop "


async def test_a_click_on_a_text_row_puts_the_cursor_there():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        name_y = next(i for i, line in enumerate(lines(form)) if line.startswith(" Name"))
        await pilot.click("#form", offset=(11 + 2, name_y))  # on the "p" of "alpha"
        await pilot.pause()
        assert form.current == "name"
        await pilot.press("X")
        await pilot.pause()
        assert form.value("name") == "alXpha"


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
        await pilot.press("shift+tab")
        await pilot.pause()
        assert app.focused is after
        await pilot.press("2")  # not typed anywhere: the app's key
        await pilot.pause()
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


async def test_calculator_batch_typed_over_its_selection_and_digits_stay_in_the_field():
    app = ParamApp(one_scenario(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CalculatorScreen)
        form = screen.form
        assert app.focused is form and form.current == "model"
        kv_before = figure_value(screen, "memory.kv_cache_bytes")
        await pilot.press("down", "down", "down")  # Precision, KV cache, Batch
        assert form.current == "batch"
        await pilot.press("1", "6")  # "8" is selected on entry: replaced
        await pilot.pause()
        assert form.value("batch") == "16"
        assert app.session.scenarios[0].inference.batch == 16
        assert figure_value(screen, "memory.kv_cache_bytes") != kv_before
        await pilot.press("2")  # typed into Batch, not the Compare key
        await pilot.pause()
        assert app.screen is screen and isinstance(app.screen, CalculatorScreen)
        assert app.session.scenarios[0].inference.batch == 162
        await pilot.press("escape")  # to the results list
        await pilot.pause()
        assert isinstance(app.focused, FigureList)
        await pilot.press("2")
        await pilot.pause()
        assert app.screen.MODE == "compare"
        assert app.session.scenarios[0].inference.batch == 162


async def test_closing_a_section_with_the_cursor_inside_puts_it_on_the_title():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await started(pilot)
        form.focus_row("extra2")
        await pilot.pause()
        form.set_open("more", False)
        await pilot.pause()
        assert form.current == "more"
        await pilot.press("z")  # a title row takes no text
        await pilot.pause()
        assert form.value("extra2") == "x2"  # the hidden field kept its text
        assert app.messages == []
