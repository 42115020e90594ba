"""Keys in a burst (issue 18 item 4): the sequences that crashed the app, and random bursts
per screen with fixed seeds; the app must still be running afterwards."""

from __future__ import annotations

import pytest

from textual import events

from paramtui.tui.app import ParamApp
from paramtui.tui.demo import demo_session


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / "home" / var.lower()))
    monkeypatch.chdir(tmp_path)


_CHARACTERS = {"enter": "\r", "escape": "\x1b", "tab": "\t", "backspace": "\x7f", "space": " "}


def burst(app, keys) -> None:
    """Queue every key at once, as a terminal delivers a burst (Pilot's `press` would wait for
    the app to be idle between keys, which a user over SSH never does)."""
    for key in keys:
        character = key if len(key) == 1 else _CHARACTERS.get(key)
        app.post_message(events.Key(key, character))


CRASH_SEQUENCES = [
    ("ctrl+e", "enter", "enter"),
    ("ctrl+q", "ctrl+e"),
    ("ctrl+p", "pageup"),
    ("ctrl+q", "ctrl+p"),
    ("ctrl+o", "enter", "enter"),
    ("ctrl+s", "enter", "enter"),
    ("escape", "2", "ctrl+e", "escape", "escape"),
    ("ctrl+l", "enter", "enter"),
    ("ctrl+p", "escape", "ctrl+p", "pageup", "enter"),
]


@pytest.mark.parametrize("keys", CRASH_SEQUENCES, ids=[" ".join(k) for k in CRASH_SEQUENCES])
async def test_crash_sequences_leave_a_running_app(keys):
    app = ParamApp(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")  # an unsaved change: ctrl+q asks rather than quits
        burst(app, keys)
        await pilot.pause()
        await pilot.pause()
        assert app.is_running
    assert app.return_code in (None, 0)  # run_test re-raises what crashed the app


async def test_enter_then_letters_in_one_burst_pick_from_the_list_enter_opened():
    app = ParamApp(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        app.screen.form.focus_row("target")
        await pilot.pause()
        burst(app, ["enter", "4", "0", "9", "0", "enter"])
        for _ in range(5):
            await pilot.pause()
        assert app.current_scenario.target == "rtx-4090"
        assert len(app.screen_stack) == 1  # one list was opened, and it is closed
        assert app.current_mode == "calculator"  # the digits did not switch screens


async def test_ctrl_l_a_name_and_enter_in_one_burst_pick_that_model():
    app = ParamApp(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        burst(app, ["ctrl+l", "q", "w", "e", "n", "enter"])
        for _ in range(5):
            await pilot.pause()
        assert app.current_scenario.model.startswith("qwen"), app.current_scenario.model
        assert len(app.screen_stack) == 1
