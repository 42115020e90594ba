"""The TUI never dies from a scenario, a file or a user config entry (issue 18, item 3):
each is skipped or refused, and the app says so."""

from __future__ import annotations

import pytest

from paramtui.core.io import resources
from paramtui.core.inputs import targets
from paramtui.core.inputs.session import session_to_toml
from paramtui.tui.app import ParamApp
from paramtui.tui.demo import demo_session
from paramtui.tui.prefs import prefs_path
from paramtui.tui.themes import load_themes, theme_dirs
from tests.notices import messages


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / "home" / var.lower()))
    monkeypatch.chdir(tmp_path)
    targets.default_targets.cache_clear()
    targets._shipped_target.cache_clear()
    yield
    targets.default_targets.cache_clear()
    targets._shipped_target.cache_clear()


def app_for_test() -> ParamApp:
    return ParamApp(demo_session(), restore_autosave=False, autosave=False)


async def test_bad_target_theme_and_prefs_files_are_skipped_and_reported_in_the_app():
    user_targets = resources.user_dir("targets")
    user_targets.mkdir(parents=True)
    (user_targets / "deep.toml").write_text("target = " + "[" * 3000 + "]" * 3000 + "\n")
    (user_targets / "tables.toml").write_text("target = 5\n")
    user_themes = resources.user_dir("themes")
    user_themes.mkdir(parents=True)
    (user_themes / "deep.toml").write_text("name = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n")
    prefs_path().parent.mkdir(parents=True)
    prefs_path().write_text('theme = ["paramtui-light"]\n')
    app = app_for_test()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.pause()
        shown = "\n".join(messages(app))
        assert "deep.toml" in shown and "nested more than" in shown  # the theme and the targets
        assert "expected [[target]] tables" in shown
        assert "prefs.toml: theme must be a theme's name" in shown
        assert app.theme == "paramtui-dark"
        await pilot.press("4")  # Deploy lists every target that did load
        await pilot.pause()
        assert app.is_running


def test_a_theme_with_a_bad_colour_or_style_variable_is_refused_when_loaded():
    user = resources.user_dir("themes")
    user.mkdir(parents=True)
    (user / "colour.toml").write_text('name = "c"\nprimary = "#336699"\n[variables]\nborder = "notacolour"\n')
    (user / "style.toml").write_text('name = "s"\nprimary = "#336699"\n[variables]\n'
                                     '"block-cursor-text-style" = "wobbly"\n')
    (user / "fine.toml").write_text('name = "f"\nprimary = "#336699"\n[variables]\nborder = "auto 50%"\n'
                                    '"block-cursor-text-style" = "bold not underline"\n')
    loaded = load_themes(theme_dirs())
    assert "f" in loaded.themes and "c" not in loaded.themes and "s" not in loaded.themes
    assert any("colour.toml: variables.border: 'notacolour' is not a colour" in p for p in loaded.problems)
    assert any("style.toml" in p and "'wobbly' is not a text style" in p for p in loaded.problems)


async def test_ctrl_o_on_a_deeply_nested_file_keeps_the_current_session(tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text("version = 1\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    app = app_for_test()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        before = app.session
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press(*"deep.toml", "enter")
        await pilot.pause()
        assert app.session == before and app.is_running
        assert "nested more than 32 levels deep" in messages(app)[-1]


async def test_a_bug_while_estimating_is_a_row_error_that_says_it_is_a_bug(monkeypatch):
    import paramtui.core.result.estimate as estimate_mod

    real = estimate_mod.estimate
    broken_id = demo_session().scenarios[1].id

    def sometimes_broken(scenario):
        if scenario.id == broken_id:
            raise OverflowError("math range error")
        return real(scenario)

    monkeypatch.setattr(estimate_mod, "estimate", sometimes_broken)
    app = app_for_test()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        error = app.estimate_for(broken_id)
        assert str(error).startswith(f"paramtui bug while estimating scenario '{broken_id}': OverflowError")
        assert "please report it" in str(error)
        for key in ("]", "2", "3", "4", "1"):  # every screen shows that row
            await pilot.press(key)
            await pilot.pause()
        assert app.is_running


def test_a_session_at_the_ends_of_the_ranges_round_trips(tmp_path):
    from paramtui.core.inputs.session import load_session, save_session
    from paramtui.core.result.estimate import estimate

    session = demo_session()
    edge = session.scenarios[0].with_changes(training__mfu=0.0001, price_per_hour_usd=1_000_000.0, gpus=10_000_000)
    session = session.replace_scenario(edge)
    path = tmp_path / "edge.toml"
    save_session(session, path)
    assert load_session(path) == session
    assert session_to_toml(load_session(path)) == path.read_text()
    assert estimate(edge).values["compute.cost_usd"] < float("inf")
