"""The app shell (issue 4): session files, autosave and restore, themes, modes, keys, run_app."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from paramtui.core.io import resources
from paramtui.core.inputs.session import Session, load_session, save_session, session_to_toml
from paramtui.core.validation import as_data, validate
from paramtui.tui.app import ParamApp, run_app
from paramtui.tui.autosave import find_orphans
from paramtui.tui.demo import demo_session
from paramtui.tui.prefs import load_prefs
from paramtui.tui.screens.calculator import CalculatorScreen
from paramtui.tui.screens.help import HelpScreen
from paramtui.tui.themes import load_themes, theme_dirs
from paramtui.tui.widgets.dialogs import ChoiceScreen
from paramtui.tui.widgets.path_prompt import PathPrompt
from tests.keys_typed import type_keys
from tests.notices import messages


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    """Prefs, themes and autosaves go to a temp home, never the developer's."""
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / "home" / var.lower()))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.chdir(tmp_path)


async def type_into(pilot, field_id: str, text: str) -> None:
    form = pilot.app.screen.form
    form.focus_row(field_id)
    await type_keys(pilot, "end", *["backspace"] * len(form.value(field_id)), *text)


# ---------------------------------------------------------------------- session files


async def test_save_asks_for_a_path_the_first_time_then_reopens_equal(tmp_path):
    app = ParamApp(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await type_into(pilot, "batch", "32")
        await type_keys(pilot, "ctrl+s")
        assert isinstance(app.screen, PathPrompt)
        app.screen.query_one("#path-input").value = ""
        await type_keys(pilot, *"plans", "enter")  # the .toml suffix is added
        path = tmp_path / "plans.toml"
        assert path.exists() and app.session_path == path
        assert load_session(path) == app.session
        assert not app.dirty
        # A second ctrl+s saves to the same file without asking.
        await type_into(pilot, "context", "4096")
        assert app.dirty
        await type_keys(pilot, "ctrl+s")
        assert not isinstance(app.screen, PathPrompt)
        assert load_session(path).scenarios[0].inference.context == 4096
        saved = app.session

    # Open it in a fresh app with ctrl+o: the same session.
    other = ParamApp(validate(Session, dict(title="empty")), restore_autosave=False, autosave=False)
    async with other.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await type_keys(pilot, "ctrl+o")
        assert isinstance(other.screen, PathPrompt)
        await type_keys(pilot, *"plans.toml", "enter")
        assert other.session == saved
        assert other.session_path == tmp_path / "plans.toml"  # kept absolute, for the autosave
        assert other.current_id == saved.scenarios[0].id


async def test_saving_over_another_existing_file_needs_a_second_enter(tmp_path):
    (tmp_path / "taken.toml").write_text("keep me")
    app = ParamApp(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await type_keys(pilot, "ctrl+s")
        app.screen.query_one("#path-input").value = "taken.toml"
        await type_keys(pilot, "enter")
        assert isinstance(app.screen, PathPrompt)
        assert "exists" in str(app.screen.query_one("#path-error").render())
        assert (tmp_path / "taken.toml").read_text() == "keep me"
        await type_keys(pilot, "enter")
        assert load_session(tmp_path / "taken.toml") == app.session


async def test_a_file_that_fails_to_load_or_would_replace_unsaved_changes_keeps_the_session(tmp_path):
    """A file that fails to load keeps the session and says why; opening over unsaved changes
    asks first."""
    bad = tmp_path / "bad.toml"
    text = session_to_toml(demo_session()).replace("batch = 8", "batch = 0", 1)
    bad.write_text(text)
    line = text.splitlines().index("batch = 0") + 1
    save_session(demo_session(), tmp_path / "other.toml")
    app = ParamApp(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await type_into(pilot, "batch", "3")
        # A file that fails to load keeps the session and says why.
        before = app.session
        await type_keys(pilot, "ctrl+o")
        await type_keys(pilot, *"bad.toml", "enter")
        assert app.session == before  # nothing replaced
        message = messages(app)[-1]
        assert str(bad) in message and f"line {line}" in message and "inference.batch" in message
        assert "must be at least 1" in message
        # Opening with unsaved changes asks first.
        await type_keys(pilot, "ctrl+o")
        await type_keys(pilot, *"other.toml", "enter")
        assert isinstance(app.screen, ChoiceScreen)
        await type_keys(pilot, "c")  # cancel: the edit stays
        assert app.session.scenarios[0].inference.batch == 3
        # Open again and don't save: the file replaces the session, and undo brings the edit back.
        await type_keys(pilot, "ctrl+o")
        await type_keys(pilot, *"other.toml", "enter")
        await type_keys(pilot, "d")
        assert app.session == demo_session() and app.session_path == tmp_path / "other.toml"
        await type_keys(pilot, "ctrl+z")
        assert app.session.scenarios[0].inference.batch == 3 and app.session_path is None
    assert bad.read_text() == text  # a file that fails to load is never overwritten


def test_run_app_with_a_bad_file_prints_one_line_and_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("version = 1\n[[scenario]]\nid = 'x'\nmodel = 'no-such-model'\n")
    assert run_app(str(bad)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad) in err and "no-such-model" in err
    assert run_app(str(tmp_path / "missing.toml")) == 2
    assert "no such file" in capsys.readouterr().err


# ---------------------------------------------------------------------- autosave and restore


def _crash_with_autosave(session: Session, source: str | None = None) -> None:
    """A real process writes its autosave and dies without quitting cleanly."""
    code = (
        "import sys\n"
        "from paramtui.core.inputs.session import parse_session\n"
        "from paramtui.tui.autosave import Autosaver\n"
        "s = parse_session(sys.stdin.read())\n"
        f"Autosaver().write_now(s, {source!r}, s.scenarios[0].id)\n"
        "import os; os._exit(1)\n"
    )
    subprocess.run([sys.executable, "-c", code], input=session_to_toml(session), text=True, check=False,
                   env=os.environ.copy())


async def test_restore_after_a_crash():
    unsaved = demo_session().with_scenarios(
        [demo_session().scenarios[0].with_changes(inference__batch=77, precision="fp8")], title="lost work")
    _crash_with_autosave(unsaved)
    assert len(find_orphans()) == 1
    app = ParamApp(demo_session(), restore_autosave=True, autosave=True)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        assert "did not quit cleanly" in app.screen.question and "lost work" in app.screen.question
        await type_keys(pilot, "r")
        assert app.session == unsaved
        assert app.dirty  # restored work is not saved anywhere yet
        assert find_orphans() == []  # the old autosave is gone; this process's own one replaces it
        screen = app.screen
        assert isinstance(screen, CalculatorScreen)
        assert screen.form.value("batch") == "77"
        await type_keys(pilot, "ctrl+z")  # restoring is undoable
        assert app.session == demo_session()


async def test_discarding_the_autosave_removes_it():
    _crash_with_autosave(demo_session().with_scenarios([demo_session().scenarios[1]]))
    app = ParamApp(demo_session(), restore_autosave=True, autosave=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await type_keys(pilot, "d")
        assert app.session == demo_session()
    assert find_orphans() == []


async def test_every_change_is_autosaved_and_a_clean_quit_clears_it():
    app = ParamApp(demo_session(), restore_autosave=False, autosave=True)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        autosave = app.autosaver.file
        assert not autosave.exists()  # nothing unsaved yet
        await type_into(pilot, "batch", "64")
        app.autosaver.flush()
        for _ in range(50):
            if autosave.exists():
                break
            await pilot.pause(0.05)
        data = json.loads(autosave.read_text())
        assert data["current"] == app.current_id
        assert autosave.parent == resources.user_state_dir() / "autosave"
        from paramtui.core.inputs.session import parse_session

        assert parse_session(data["session"]) == app.session
        # Undoing back to the saved state leaves nothing unsaved: the autosave goes.
        await type_keys(pilot, "ctrl+z")
        assert not autosave.exists()
        await type_into(pilot, "batch", "65")
        # ctrl+q with unsaved changes asks; "don't save" quits and clears the autosave.
        await type_keys(pilot, "ctrl+q")
        assert isinstance(app.screen, ChoiceScreen)
        await type_keys(pilot, "d")
    assert not autosave.exists()
    assert find_orphans() == []


# ---------------------------------------------------------------------- themes


def test_shipped_themes_load_and_include_the_required_kinds():
    loaded = load_themes()
    assert loaded.problems == []
    names = set(loaded.themes)
    assert {"paramtui-dark", "paramtui-light", "high-contrast", "terminal-16"} <= names
    assert loaded.themes["paramtui-light"].dark is False
    sixteen = loaded.themes["terminal-16"]
    assert sixteen.ansi and sixteen.primary.startswith("ansi_") and sixteen.background.startswith("ansi_")


def test_a_bad_user_theme_is_reported_and_the_rest_load():
    user = resources.user_dir("themes")
    user.mkdir(parents=True)
    (user / "mine.toml").write_text('name = "mine"\nprimary = "#336699"\nbackground = "#101010"\n')
    (user / "broken.toml").write_text('name = "broken"\nprimary = "not-a-colour"\n')
    (user / "typo.toml").write_text('name = "typo"\nprimry = "#fff"\n')
    loaded = load_themes(theme_dirs())
    assert "mine" in loaded.themes and "paramtui-dark" in loaded.themes
    assert "broken" not in loaded.themes and "typo" not in loaded.themes
    assert any("broken.toml" in p and "'not-a-colour' is not a colour" in p for p in loaded.problems)
    assert any("typo.toml" in p and "unknown key 'primry'" in p for p in loaded.problems)


async def test_theme_key_switches_and_the_choice_persists():
    user = resources.user_dir("themes")
    user.mkdir(parents=True)
    (user / "broken.toml").write_text('name = "broken"\nprimary = 3\n')
    app = ParamApp(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        assert app.theme == "paramtui-dark"
        assert any("broken.toml" in n for n in messages(app))  # reported at start
        await type_keys(pilot, "ctrl+t")
        chosen = app.theme
        assert chosen != "paramtui-dark" and chosen in app.paramtui_themes
        assert load_prefs()["theme"] == chosen
    again = ParamApp(demo_session(), restore_autosave=False, autosave=False)
    async with again.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        assert again.theme == chosen


# ---------------------------------------------------------------------- modes, keys, palette


async def test_palette_help_number_keys_and_a_new_scenario_in_one_session():
    """The command palette offers screens, files and scenarios and lists Keys once; help lists
    every key of the screen and the app; number keys switch screens; ctrl+n copies the
    current scenario."""
    app = ParamApp(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        # The command palette offers screens, files and scenarios.
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Calculator screen", "Save session", "Save session as…", "Open session…", "Undo",
                      "Redo", "New scenario", "Next theme", "Keys", "Theme", "Quit"):
            assert title in titles, title
        assert f"Scenario: {demo_session().scenarios[2].label}" in titles
        # It lists Keys once (Textual's built-in "Keys" help panel sat beside ours), and that
        # shows every key.
        keys = [c for c in app.get_system_commands(app.screen) if c.title == "Keys"]
        assert len(keys) == 1
        keys[0].callback()
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await type_keys(pilot, "escape")
        assert isinstance(app.screen, CalculatorScreen)
        # Help (?) lists every key of the screen and the app.
        await type_keys(pilot, "ctrl+r")  # out of the text fields, where ? would be typed
        await pilot.press("question_mark")
        await pilot.pause()  # the help screen composed before its text is read
        assert isinstance(app.screen, HelpScreen)
        from rich.console import Console

        console = Console(width=100, record=True, file=open(os.devnull, "w"))
        for static in app.screen.query("Static"):
            console.print(static.content)
        text = console.export_text()
        for words in ("Save", "Open", "Undo", "Redo", "Quit", "Theme", "Calculator", "Compare",
                      "model", "results", "Next scenario", "Explain", "Next choice", "tab / shift+tab",
                      "ctrl+p"):
            assert words in text, words
        await type_keys(pilot, "escape")
        assert isinstance(app.screen, CalculatorScreen)
        # Number keys switch screens.
        await type_keys(pilot, "ctrl+r")
        for key, mode in (("2", "compare"), ("3", "scaling"), ("4", "deploy"), ("1", "calculator")):
            await type_keys(pilot, key)
            assert app.current_mode == mode, key
        # A new scenario copies the current one.
        first = app.session.scenarios[0]
        assert app.current_id == first.id
        await type_keys(pilot, "ctrl+n")
        assert len(app.session.scenarios) == len(demo_session().scenarios) + 1
        new = app.session.scenarios[1]
        assert app.current_id == new.id != first.id
        assert as_data(new, exclude={"id", "name"}) == as_data(first, exclude={"id", "name"})


async def test_empty_session_shows_how_to_add_a_scenario():
    app = ParamApp(validate(Session, dict(title="nothing")), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        assert "ctrl+n adds one" in str(app.screen.query_one("#results-head").render())
        await type_keys(pilot, "ctrl+n")
        assert len(app.session.scenarios) == 1
        assert app.screen.shown_estimate is not None


def test_demo_session_scenarios_are_all_estimable():
    from paramtui.core.result.estimate import estimate
    from paramtui.core.inputs.session import check_references

    session = demo_session()
    check_references(session)
    kinds = {s.model_kind for s in session.scenarios}
    assert kinds == {"catalog", "params"}
    for scenario in session.scenarios:
        assert estimate(scenario).params.total > 0


# ---------------------------------------------------------------------- small terminals


def key_line(app) -> str:
    from paramtui.tui.widgets.key_bar import KeyBar

    bar = app.screen.query_one(KeyBar)
    return "".join(segment.text for segment in bar.render_line(0))


async def test_a_terminal_smaller_than_80x24_says_so_in_one_line_and_keeps_working():
    app = ParamApp(restore_autosave=False, autosave=False)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        assert "40×10 < 80×24: enlarge the terminal" in key_line(app)
        await pilot.press("2")  # keys still work, and every screen says it
        await pilot.pause()  # the new screen's key bar laid out before its text is read
        assert app.current_mode == "compare" and "40×10 < 80×24" in key_line(app)
        await pilot.resize_terminal(80, 20)  # a change of height alone
        await pilot.pause()
        assert "80×20 < 80×24" in key_line(app)
        await pilot.resize_terminal(79, 30)  # wide enough to name the keys that still work
        await pilot.pause()
        assert "⚠ 79×30 < 80×24: enlarge the terminal · ^q quit · ? keys" in key_line(app)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert "enlarge" not in key_line(app) and "palette" in key_line(app)
        await pilot.press("1")
        await pilot.pause()  # the new screen's key bar laid out before its text is read
        assert "enlarge" not in key_line(app)
