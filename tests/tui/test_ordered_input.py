"""Text fields of the dialogs (file paths, names, filters, the pick form) act on keys in the
order typed, also when the keys arrive together, as they do over a slow SSH connection."""

from textual import events
from textual.app import App

from paramtui.core.inputs.session import save_session
from paramtui.tui.app import ParamApp
from paramtui.tui.demo import demo_session
from paramtui.tui.widgets.ordered_input import OrderedInput
from paramtui.tui.widgets.path_prompt import PathPrompt


def send_burst(app, keys: list[str]) -> None:
    """Hand keys to the app as the terminal driver does when they arrive in one read."""
    for key in keys:
        char = key if len(key) == 1 else None
        app.post_message(events.Key(key, char))


class OneField(App):
    def compose(self):
        yield OrderedInput(id="field")


async def test_editing_keys_act_between_the_characters_typed_around_them():
    app = OneField()
    async with app.run_test() as pilot:
        await pilot.pause()
        field = app.query_one(OrderedInput)
        send_burst(app, ["a", "b", "backspace", "c", "ctrl+u", "x", "y", "left", "z", "home", "w", "end", "!"])
        for _ in range(4):
            await pilot.pause()
        # ab ⌫ c -> "ac"; ctrl+u clears it; "xy", ← puts z between; home, w; end, !
        assert field.value == "wxzy!"


async def test_a_path_typed_right_after_clearing_the_field_is_opened(tmp_path, monkeypatch):
    for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    monkeypatch.chdir(tmp_path)
    other = demo_session()
    save_session(other, tmp_path / "other.toml")
    app = ParamApp(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, PathPrompt)
        send_burst(app, ["x", "ctrl+u", *"other.tomk", "backspace", "l", "enter"])
        for _ in range(6):
            await pilot.pause()
        assert not isinstance(app.screen, PathPrompt)
        assert app.session_path == tmp_path / "other.toml"
