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
    # The help's text is its widgets' content (not their painting): read once `?` has been handled.
    await pilot.press("question_mark")
    assert isinstance(pilot.app.screen, HelpScreen)
    console = Console(width=100, record=True, file=open(os.devnull, "w"))
    for static in pilot.app.screen.query("Static"):
        console.print(static.content)
    await pilot.press("escape")
    return console.export_text()


async def test_keys_help_on_every_screen_lists_only_keys_that_work():
    """Screen by screen (1–5) in one session: the help lists no stock key that does nothing;
    on the table screens (2, 4) and the list screens (3, 5) the cursor keys are bound, listed
    and do what the help says."""
    app = ParamApp(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")  # out of the Calculator's field: digits switch screens
        for mode_key in "12345":
            await pilot.press(mode_key)
            text = await _keys_help_lists_no_stock_key_that_does_nothing(pilot, mode_key)
            if mode_key in "24":
                await _table_screen_keeps_and_lists_the_table_keys(pilot, mode_key, text)
            if mode_key in "35":
                await _list_screen_keeps_and_lists_the_list_keys(pilot, mode_key, text)


async def _keys_help_lists_no_stock_key_that_does_nothing(pilot, mode_key: str) -> str:
    """The help's text, checked to list no stock key that does nothing here."""
    app = pilot.app
    active = app.screen.active_bindings
    assert not {key for key, bound in active.items() if bound.binding.action in DO_NOTHING_ACTIONS}, mode_key
    text = await _help_text(pilot)
    for words in DO_NOTHING_WORDS:
        assert words not in text, (mode_key, words)
    if mode_key == "1":  # the Calculator's ctrl+pagedown: its own, and listed
        assert active["ctrl+pagedown"].binding.action == "scenario(1)"
        assert "Next scenario" in text
    return text


async def _table_screen_keeps_and_lists_the_table_keys(pilot, mode_key: str, text: str) -> None:
    """`text`: the help as opened on arrival, the table focused (checked here)."""
    app = pilot.app
    table = app.screen.query_one(KeyedTable)
    assert app.focused is table, mode_key  # the table has the focus on arrival: the help read was the table's
    active = app.screen.active_bindings
    for key, action in TABLE_KEYS.items():
        assert active[key].binding.action == action, (mode_key, key)
        assert active[key].node is table, (mode_key, key)
    # enter belongs to the screen (Calculator / Detail), listed once, not as "Select"
    assert active["enter"].node is app.screen, mode_key
    for words in ("Cursor up", "Cursor down", "Cursor left", "Cursor right", "Page up", "Page down",
                  "First column", "Last column", "First row", "Last row"):
        assert words in text, (mode_key, words)

    # and each listed key does what the help says
    table.focus()
    await pilot.pause()
    start = table.cursor_coordinate
    await pilot.press("down")
    assert table.cursor_row == start.row + 1, mode_key
    await pilot.press("up", "right")
    assert table.cursor_coordinate == (start.row, start.column + 1), mode_key
    await pilot.press("left")
    assert table.cursor_coordinate == start, mode_key
    await pilot.press("end")
    assert table.cursor_column == len(table.columns) - 1, mode_key
    await pilot.press("home")
    assert table.cursor_column == 0, mode_key
    await pilot.press("ctrl+end")
    assert table.cursor_row == table.row_count - 1, mode_key
    await pilot.press("ctrl+home")
    assert table.cursor_row == 0, mode_key
    if table.row_count > 1:
        await pilot.press("pagedown")
        assert table.cursor_row > 0, mode_key
        await pilot.press("pageup")
        assert table.cursor_row == 0, mode_key


async def _list_screen_keeps_and_lists_the_list_keys(pilot, mode_key: str, text: str) -> None:
    """`text`: the help as opened on this screen, its list focused (checked below)."""
    app = pilot.app
    items = app.screen.query_one(KeyedOptionList)
    assert app.focused is items, mode_key
    active = app.screen.active_bindings
    for key in ("left", "right"):  # no sideways scroll on a list that never scrolls sideways
        assert key not in active or active[key].node is not items, (mode_key, key)
    for words in ("Previous item", "Next item", "First item", "Last item"):
        assert words in text, (mode_key, words)
    # and they do what the help says
    await pilot.press("end")
    assert items.highlighted == items.option_count - 1, mode_key
    await pilot.press("up")
    assert items.highlighted == items.option_count - 2, mode_key
    await pilot.press("home")
    assert items.highlighted == 0, mode_key
    await pilot.press("down")
    assert items.highlighted == 1, mode_key
