"""The keys help (`?`) lists only keys that work: no stock "Page Left / Page Right" (ctrl+pageup,
ctrl+pagedown) or "Select" that do nothing or something else, and the table keys users use
(cursor moves, pages, first/last column and row) still listed and still working."""

from __future__ import annotations

import os

import pytest
from rich.console import Console

from paramtui.tui.app import ParamApp
from paramtui.tui.demo import demo_session
from paramtui.tui.screens.help import HelpScreen
from paramtui.tui.widgets.keyed_option_list import KeyedOptionList
from paramtui.tui.widgets.keyed_table import KeyedTable

# Keys a stock scrollable widget adds that no paramtui screen means: on the Calculator
# ctrl+pagedown is "Next scenario", not "Page Right".
DO_NOTHING_ACTIONS = {"page_left", "page_right", "scroll_left", "scroll_right"}
DO_NOTHING_WORDS = ("Page Left", "Page Right", "Scroll Left", "Scroll Right", "Select")
TABLE_KEYS = {"up": "cursor_up", "down": "cursor_down", "left": "cursor_left", "right": "cursor_right",
              "pageup": "page_up", "pagedown": "page_down", "home": "scroll_home", "end": "scroll_end",
              "ctrl+home": "scroll_top", "ctrl+end": "scroll_bottom"}


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / "home" / var.lower()))
    monkeypatch.chdir(tmp_path)


async def _help_text(pilot) -> str:
    await pilot.press("question_mark")
    await pilot.pause()
    assert isinstance(pilot.app.screen, HelpScreen)
    console = Console(width=100, record=True, file=open(os.devnull, "w"))
    for static in pilot.app.screen.query("Static"):
        console.print(static.content)
    await pilot.press("escape")
    await pilot.pause()
    return console.export_text()


@pytest.mark.parametrize("mode_key", ["1", "2", "3", "4", "5"])
async def test_keys_help_lists_no_stock_key_that_does_nothing(mode_key):
    app = ParamApp(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+r", mode_key)
        await pilot.pause()
        active = app.screen.active_bindings
        assert not {key for key, bound in active.items() if bound.binding.action in DO_NOTHING_ACTIONS}
        text = await _help_text(pilot)
        for words in DO_NOTHING_WORDS:
            assert words not in text, words
        if mode_key == "1":  # the Calculator's ctrl+pagedown: its own, and listed
            assert active["ctrl+pagedown"].binding.action == "scenario(1)"
            assert "Next scenario" in text


@pytest.mark.parametrize("mode_key", ["2", "4"])
async def test_table_screens_keep_and_list_the_table_keys(mode_key):
    app = ParamApp(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+r", mode_key)
        await pilot.pause()
        table = app.screen.query_one(KeyedTable)
        table.focus()
        await pilot.pause()
        active = app.screen.active_bindings
        for key, action in TABLE_KEYS.items():
            assert active[key].binding.action == action, key
            assert active[key].node is table, key
        # enter belongs to the screen (Calculator / Detail), listed once, not as "Select"
        assert active["enter"].node is app.screen
        text = await _help_text(pilot)
        for words in ("Cursor up", "Cursor down", "Cursor left", "Cursor right", "Page up", "Page down",
                      "First column", "Last column", "First row", "Last row"):
            assert words in text, words

        # and each listed key does what the help says
        table.focus()
        await pilot.pause()
        start = table.cursor_coordinate
        await pilot.press("down")
        assert table.cursor_row == start.row + 1
        await pilot.press("up", "right")
        assert table.cursor_coordinate == (start.row, start.column + 1)
        await pilot.press("left")
        assert table.cursor_coordinate == start
        await pilot.press("end")
        assert table.cursor_column == len(table.columns) - 1
        await pilot.press("home")
        assert table.cursor_column == 0
        await pilot.press("ctrl+end")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("ctrl+home")
        assert table.cursor_row == 0
        if table.row_count > 1:
            await pilot.press("pagedown")
            assert table.cursor_row > 0
            await pilot.press("pageup")
            assert table.cursor_row == 0


@pytest.mark.parametrize("mode_key", ["3", "5"])
async def test_list_screens_keep_and_list_the_list_keys(mode_key):
    app = ParamApp(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+r", mode_key)
        await pilot.pause()
        items = app.screen.query_one(KeyedOptionList)
        assert app.focused is items
        active = app.screen.active_bindings
        for key in ("left", "right"):  # no sideways scroll on a list that never scrolls sideways
            assert key not in active or active[key].node is not items, key
        text = await _help_text(pilot)
        for words in ("Previous item", "Next item", "First item", "Last item"):
            assert words in text, words
        # and they do what the help says
        await pilot.press("end")
        assert items.highlighted == items.option_count - 1
        await pilot.press("up")
        assert items.highlighted == items.option_count - 2
        await pilot.press("home")
        assert items.highlighted == 0
        await pilot.press("down")
        assert items.highlighted == 1
