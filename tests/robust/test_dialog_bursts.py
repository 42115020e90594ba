"""Keys typed in one burst inside a dialog act in the order typed (Compare's column picker:
`space` unchecks the highlighted figure before the `a` typed after it applies the columns)."""

from __future__ import annotations

from paramtui.tui.app import ParamApp
from paramtui.tui.demo import demo_session

from .keys import burst


class CompareFirst(ParamApp):
    DEFAULT_MODE = "compare"


async def test_space_then_a_in_one_burst_applies_the_columns_without_the_unchecked_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = CompareFirst(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(app, ["v"])
        for _ in range(3):
            await pilot.pause()
        listing = app.screen.query_one("#column-list")
        first = listing.get_option_at_index(0).value  # highlighted: the first checked figure
        assert first in listing.selected
        burst(app, ["space", "a"])  # uncheck it and apply, typed together
        for _ in range(3):
            await pilot.pause()
        assert type(app.screen).__name__ == "CompareScreen"
        columns = app.session.view.columns
        assert columns and first not in columns, (first, columns)


async def test_escape_then_f1_in_one_burst_leaves_the_form_and_shows_the_keys_help():
    # Typed slowly: esc leaves the form for the results list, f1 there is the keys help.
    # In one burst f1 reached the form first and explained the field, and the esc closed it.
    app = ParamApp(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert type(app.screen.focused).__name__ == "FormView"
        burst(app, ["escape", "f1"])
        for _ in range(3):
            await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen", [type(s).__name__ for s in app.screen_stack]
        await pilot.press("escape")
        assert type(app.screen.focused).__name__ == "FigureList"


async def test_escape_then_a_digit_in_one_burst_switches_screens_instead_of_typing_it():
    app = ParamApp(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.form.focus_row("batch")  # a text field, where a digit types
        await pilot.pause()
        batch = app.current_scenario.inference.batch
        burst(app, ["escape", "2"])
        for _ in range(3):
            await pilot.pause()
        assert app.current_mode == "compare"
        assert app.current_scenario.inference.batch == batch
