"""Keys in a burst (issue 18 item 4): the sequences that crashed the app, and keys typed in one
burst with the key that opened a list; the app must still be running afterwards (random bursts:
test_random_bursts.py)."""

from __future__ import annotations

import pytest

from paramtui.tui.app import ParamApp
from paramtui.tui.demo import demo_session

from tests.waits import until

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


async def back_to(app, pilot, mode: str) -> None:
    """The screen `mode` with nothing over it, as escape and its number would leave it."""
    await app.switch_mode(mode)
    while len(app.screen_stack) > 1:
        await app.pop_screen()
    await pilot.pause()


async def test_crash_sequences_leave_a_running_app(tmp_path, monkeypatch):
    # One app for every sequence: each starts on the Calculator with nothing over it and an
    # unsaved change (ctrl+q asks rather than quits), in a folder of its own (ctrl+s, ctrl+e
    # and ctrl+o see no file an earlier sequence wrote).
    app = ParamApp(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        for n, keys in enumerate(CRASH_SEQUENCES):
            case = " ".join(keys)
            await back_to(app, pilot, "calculator")
            (tmp_path / str(n)).mkdir()
            monkeypatch.chdir(tmp_path / str(n))
            scenarios = len(app.session.scenarios)
            burst(app, ["ctrl+n"])  # an unsaved change: a new scenario
            await until(pilot, lambda: len(app.session.scenarios) == scenarios + 1, f"ctrl+n before {case}")
            assert app.dirty, case
            burst(app, keys)
            await pilot.pause()
            await pilot.pause()
            assert app.is_running, f"the app stopped after {case}"
    assert app.return_code in (None, 0)  # run_test re-raises what crashed the app


async def test_keys_typed_in_one_burst_with_the_key_that_opens_a_list_act_in_it():
    """Bursts over SSH that open a list (or a dialog) and type into it, on one app in turn:
    each picks what was typed and leaves the list closed."""
    app = ParamApp(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        # enter then letters in one burst pick from the list the enter opened.
        app.screen.form.focus_row("target")
        await pilot.pause()
        assert app.current_scenario.target != "rtx-4090"
        burst(app, ["enter", "4", "0", "9", "0", "enter"])
        await until(pilot, lambda: app.current_scenario.target == "rtx-4090" and len(app.screen_stack) == 1,
                    "enter 4090 enter to pick the RTX 4090")
        await pilot.pause()
        assert app.current_scenario.target == "rtx-4090"
        assert len(app.screen_stack) == 1  # one list was opened, and it is closed
        assert app.current_mode == "calculator"  # the digits did not switch screens

        # Keys that reach a list before its field has the focus are typed, not dropped. Over a
        # real terminal the rest of a burst can arrive a moment after the enter that opens
        # the list: the app then sends those keys to the list's screen before its filter field
        # has the focus, and the screen reads them once the field has it. The digits were
        # dropped ("4090" read as "490", picking no 4090).
        app.undo()  # the target as it was
        await pilot.pause()
        assert app.current_scenario.target != "rtx-4090"
        app.screen.form.focus_row("target")
        await pilot.pause()
        open_list = app.push_screen

        def open_then_type(screen, *args, **kwargs):
            opened = open_list(screen, *args, **kwargs)
            burst(app, ["4", "0", "9", "0", "enter"])  # arrive after the list is pushed
            return opened

        app.push_screen = open_then_type
        burst(app, ["enter"])
        await until(pilot, lambda: app.current_scenario.target == "rtx-4090" and len(app.screen_stack) == 1,
                    "the keys after enter to pick the RTX 4090")
        del app.push_screen  # the app's own again
        assert app.current_scenario.target == "rtx-4090"
        assert len(app.screen_stack) == 1

        # ctrl+l, a name and enter in one burst pick that model.
        assert not app.current_scenario.model.startswith("qwen")
        burst(app, ["ctrl+l", "q", "w", "e", "n", "enter"])
        await until(pilot, lambda: app.current_scenario.model.startswith("qwen") and len(app.screen_stack) == 1,
                    "ctrl+l qwen enter to pick a Qwen model")
        assert app.current_scenario.model.startswith("qwen"), app.current_scenario.model
        assert len(app.screen_stack) == 1

        # On Compare, r, a name and enter in one burst rename the focused scenario. Over SSH
        # (tmux send-keys) `r 1 2 enter` arrives at once: the rename dialog must take the name
        # and the enter, in order; the enter must not open the Calculator under it.
        await back_to(app, pilot, "compare")
        focused = app.current_id
        assert app.session.scenario(focused).name != "12"
        burst(app, ["r", "1", "2", "enter"])
        await until(pilot, lambda: app.session.scenario(focused).name == "12" and len(app.screen_stack) == 1,
                    "r 12 enter to rename the scenario")
        await pilot.pause()
        assert app.current_mode == "compare"
        assert [type(s).__name__ for s in app.screen_stack] == ["CompareScreen"]
        assert app.session.scenario(focused).name == "12"

        # a, a name and enter in one burst add that model (as the new current scenario).
        before = len(app.session.scenarios)
        burst(app, ["a", "q", "w", "e", "n", "enter"])
        await until(pilot, lambda: len(app.session.scenarios) == before + 1 and len(app.screen_stack) == 1,
                    "a qwen enter to add a scenario")
        await pilot.pause()
        assert [type(s).__name__ for s in app.screen_stack] == ["CompareScreen"]
        assert len(app.session.scenarios) == before + 1
        assert app.current_id != focused
        assert app.current_scenario.model.startswith("qwen"), app.current_scenario.model


class StartsOn(ParamApp):
    def __init__(self, mode: str) -> None:
        super().__init__(demo_session(), restore_autosave=False, autosave=False)
        self.start_mode = mode

    def on_mount(self) -> None:
        super().on_mount()
        self.switch_mode(self.start_mode)


DIALOG_BURSTS = [
    ("deploy", ["enter", "enter", "enter"], ["DeployScreen", "DeployDetailScreen"]),
    ("deploy", ["enter", "1"], ["DeployScreen", "DeployDetailScreen"]),
    ("deploy", ["m", "2"], ["DeployScreen", "PickScreen"]),
    ("scaling", ["e", "1"], ["ScalingScreen", "ExplainScreen"]),
]


async def test_keys_sent_before_a_dialog_opened_neither_act_under_it_nor_open_it_twice():
    # The keys after the one that opens a dialog reached the screen below before the dialog
    # was up: a digit must not switch screens (leaving the dialog open on the old one), a
    # second enter must not open a second detail over the first. One app; each burst starts
    # on its screen with nothing over it.
    app = StartsOn("deploy")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        for mode, keys, stack in DIALOG_BURSTS:
            case = f"{mode} {' '.join(keys)}"
            await back_to(app, pilot, mode)
            assert app.current_mode == mode and len(app.screen_stack) == 1, case
            burst(app, keys)
            for _ in range(4):
                await pilot.pause()
            assert app.current_mode == mode, case
            assert [type(s).__name__ for s in app.screen_stack] == stack, case
