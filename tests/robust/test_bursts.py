"""Keys in a burst (issue 18 item 4): the sequences that crashed the app, and keys typed in one
burst with the key that opened a list; the app must still be running afterwards (random bursts:
test_random_bursts.py)."""

from __future__ import annotations

import pytest

from paramtui.tui.app import ParamApp
from paramtui.tui.demo import demo_session

from .keys import burst


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / "home" / var.lower()))
    monkeypatch.chdir(tmp_path)


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


async def test_keys_that_reach_a_list_before_its_field_has_the_focus_are_typed_not_dropped():
    # Over a real terminal the rest of a burst can arrive a moment after the enter that opens
    # the list: the app then sends those keys to the list's screen before its filter field has
    # the focus, and the screen reads them once the field has it. The digits were dropped
    # ("4090" read as "490", picking no 4090).
    app = ParamApp(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        app.screen.form.focus_row("target")
        await pilot.pause()
        open_list = app.push_screen

        def open_then_type(screen, *args, **kwargs):
            opened = open_list(screen, *args, **kwargs)
            burst(app, ["4", "0", "9", "0", "enter"])  # arrive after the list is pushed
            return opened

        app.push_screen = open_then_type
        burst(app, ["enter"])
        for _ in range(5):
            await pilot.pause()
        assert app.current_scenario.target == "rtx-4090"
        assert len(app.screen_stack) == 1


async def test_ctrl_l_a_name_and_enter_in_one_burst_pick_that_model():
    app = ParamApp(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        burst(app, ["ctrl+l", "q", "w", "e", "n", "enter"])
        for _ in range(5):
            await pilot.pause()
        assert app.current_scenario.model.startswith("qwen"), app.current_scenario.model
        assert len(app.screen_stack) == 1


class StartsOn(ParamApp):
    def __init__(self, mode: str) -> None:
        super().__init__(demo_session(), restore_autosave=False, autosave=False)
        self.start_mode = mode

    def on_mount(self) -> None:
        super().on_mount()
        self.switch_mode(self.start_mode)


@pytest.mark.parametrize("mode, keys, stack", [
    ("deploy", ["enter", "enter", "enter"], ["DeployScreen", "DeployDetailScreen"]),
    ("deploy", ["enter", "1"], ["DeployScreen", "DeployDetailScreen"]),
    ("deploy", ["m", "2"], ["DeployScreen", "PickScreen"]),
    ("scaling", ["e", "1"], ["ScalingScreen", "ExplainScreen"]),
], ids=["deploy enter enter enter", "deploy enter 1", "deploy m 2", "scaling e 1"])
async def test_keys_sent_before_a_dialog_opened_neither_act_under_it_nor_open_it_twice(mode, keys, stack):
    # The keys after the one that opens a dialog reached the screen below before the dialog
    # was up: a digit must not switch screens (leaving the dialog open on the old one), a
    # second enter must not open a second detail over the first.
    app = StartsOn(mode)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        assert app.current_mode == mode
        burst(app, keys)
        for _ in range(4):
            await pilot.pause()
        assert app.current_mode == mode
        assert [type(s).__name__ for s in app.screen_stack] == stack


async def test_compare_r_a_name_and_enter_in_one_burst_rename_the_focused_scenario():
    # Over SSH (tmux send-keys) `r 1 2 enter` arrives at once: the rename dialog must take the
    # name and the enter, in order; the enter must not open the Calculator under it.
    app = StartsOn("compare")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        focused = app.current_id
        burst(app, ["r", "1", "2", "enter"])
        for _ in range(5):
            await pilot.pause()
        assert app.current_mode == "compare"
        assert [type(s).__name__ for s in app.screen_stack] == ["CompareScreen"]
        assert app.session.scenario(focused).name == "12"


async def test_compare_a_a_name_and_enter_in_one_burst_add_that_model():
    app = StartsOn("compare")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        before = len(app.session.scenarios)
        burst(app, ["a", "q", "w", "e", "n", "enter"])
        for _ in range(5):
            await pilot.pause()
        assert [type(s).__name__ for s in app.screen_stack] == ["CompareScreen"]
        assert len(app.session.scenarios) == before + 1
        assert app.current_scenario.model.startswith("qwen"), app.current_scenario.model
