"""The Guide screen (key 5): chapters on the current scenario's numbers, try-it jumps, 80×24."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from paramtui.core.inputs.session import Session, session_to_toml
from paramtui.core.validation import validate
from paramtui.core.views.guide import chapter, topics
from paramtui.core.result.estimate import estimate
from paramtui.tui.app import ParamApp
from paramtui.tui.keymap import MODE_TABS, MORE_TABS
from paramtui.tui.screens.calculator import CalculatorScreen
from paramtui.tui.screens.guide import GuideScreen
from tests.keys_typed import type_keys
from tests.waits import until


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / "home" / var.lower()))
    monkeypatch.delenv("NO_COLOR", raising=False)


def make_session() -> Session:
    return validate(Session, dict(title="Guide test", scenario=(
        dict(id="l8", name="Llama 8B", model="llama-3.1-8b", target="h100-sxm", precision="bf16"),
        dict(id="q4", name="Llama 8B in 4-bit", model="llama-3.1-8b", target="rtx-4090", precision="q4_k_m"),
    )))


def make_app() -> ParamApp:
    return ParamApp(make_session(), restore_autosave=False, autosave=False)


def shown(app) -> str:
    return str(app.screen.query_one("#guide-text").render())


async def test_guide_on_the_mode_bar_opens_on_the_current_scenario_pages_follows_and_tries_it():
    """One user session with the Guide: every try-it names a screen and field that exist, every
    screen's mode bar names the Guide, 5 opens it on the current scenario, page keys scroll the
    chapter, its numbers follow the scenario, t jumps to the Calculator field, and the command
    palette opens the Guide too."""
    from paramtui.tui.widgets.modebar import ModeBar

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        # Every try-it names a screen and a Calculator field that exist.
        rows = {row.id for row in app.screen.form.rows}
        est = estimate(make_session().scenarios[0])
        for t in topics():
            try_it = chapter(t.id, est).try_it
            assert try_it.screen in {mode for mode, _key, _title in MODE_TABS + MORE_TABS}
            assert try_it.field is None or try_it.field in rows, (t.id, try_it.field)

        # The Guide was named on the mode bar only while open: from the other screens no one found it.
        await pilot.press("escape")
        for key in "12345":
            await pilot.press(key)
            bar = app.screen.query_one(ModeBar).render().plain
            assert "5 Guide" in bar and "1 Calculator" in bar and "4 Deploy" in bar, (key, bar)
            assert "Guide test"[:4] in bar and len(bar) <= 80, (key, bar)  # the title still shows, cut to fit

        # 5 (the last key above) opens the Guide on the current scenario.
        assert isinstance(app.screen, GuideScreen)
        text = shown(app)
        assert "What a parameter is" in text and "8.03B parameters" in text and "Llama 8B" in text

        # Page keys scroll the chapter, not the list.
        await type_keys(pilot, "down", "down", "down", "down")  # training memory: two screens
        scroll = app.screen.query_one("#guide-scroll")
        await pilot.press("pagedown")  # the press waits for the scroll's animation to end
        assert scroll.scroll_y > 0 and app.screen.topic == "training-memory"
        await pilot.press("pageup")
        assert scroll.scroll_y == 0

        # Changing the scenario changes the chapter's numbers.
        await type_keys(pilot, "up", "up")  # chapter 3, bytes and precision
        assert "In this scenario's bf16 they take 15.0 GiB" in shown(app)
        await pilot.press("]")  # the next scenario: q4_k_m
        await pilot.pause()
        assert "In this scenario's q4_k_m they take" in shown(app)
        s = app.session.scenario("q4")
        app.apply(app.session.replace_scenario(s.with_changes(precision="int8")), "precision")
        await pilot.pause()
        assert "In this scenario's int8 they take" in shown(app)

        # Try it (t) goes to the Calculator's field.
        await pilot.press("t")
        assert isinstance(app.screen, CalculatorScreen)
        assert app.screen.form.current == "precision" and app.focused is app.screen.form

        # The command palette opens the Guide.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_keys(pilot, *"Guide screen")
        # the palette searches in the background: enter picks the first match once it is listed
        await until(pilot, lambda: "Guide" in first_command(app), "the palette to list the Guide")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, GuideScreen), "the Guide screen")


def first_command(app) -> str:
    """The first command the open palette lists ("" while it lists none)."""
    listed = app.screen.query(OptionList)
    if not listed or not listed.first().option_count:
        return ""
    return str(listed.first().get_option_at_index(0).prompt)


def test_snapshot_80x24(snap_compare):
    assert snap_compare(make_app(), press=["escape", "5"], terminal_size=(80, 24))


async def test_scaling_panel_shows_repetition_quality_and_inference_aware_size_when_set():
    session = validate(Session, dict(title="t", scenario=(
        dict(id="a", model="llama-3.1-8b", scaling=dict(unique_tokens="5T", data_quality=1.5,
                                                        inference_tokens="10T")),
        dict(id="b", model="llama-3.1-8b"))))
    app = ParamApp(session, restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "3")
        await pilot.pause()
        figures = app.screen.query_one("#scaling-figures")
        ids = [figures.get_option_at_index(i).id for i in range(figures.option_count)]
        assert "scaling.epochs" in ids and "scaling.data_quality" in ids
        assert "scaling.inference_optimal.params" in ids
        await pilot.press("]")
        await pilot.pause()
        ids = [figures.get_option_at_index(i).id for i in range(figures.option_count)]
        assert "scaling.epochs" not in ids and "scaling.inference_optimal.params" not in ids


def test_chapter_7_gives_the_inference_aware_size_when_tokens_served_are_set():
    from paramtui.core.inputs.scenario import Scenario, ScalingSettings

    est = estimate(Scenario(id="a", model="llama-3.1-8b", scaling=ScalingSettings(inference_tokens=1e13)))
    text = chapter("scaling", est).text()
    assert "Serving 10.0T tokens in its life" in text and "Sardana" in text
    assert "set 'Serve tok'" in chapter("scaling", estimate(Scenario(id="b", model="llama-3.1-8b"))).text()


def _words(text: str) -> set[str]:
    return {w.strip("()[]“”'\".,;:") for w in text.split()}


def test_tmux_press_5_shows_the_guide_and_every_chapter_fits_80x24_without_cut_words(tmux_app):
    """5 in a real terminal opens the Guide; each chapter's first screen: every word on the text
    pane is a whole word of the chapter (a word cut at the edge would leave a fragment that is not)."""
    session = make_session()
    app = tmux_app(session_to_toml(session), no_color=True)
    text = app.open_screen("5", "What a parameter is")
    assert "▸5 Guide◂" in text and "8.03B" in text
    est = estimate(session.scenarios[0])
    for i, t in enumerate(topics()):
        c = chapter(t.id, est)
        if i:
            app.keys("Down")
        # the chapter's first words, once the screen has stopped changing (its mark checked below)
        screen = app.wait_for(" ".join(c.paragraphs[0].split()[:3]))
        lines = screen.splitlines()
        assert len(lines) <= 24 and max(len(line) for line in lines) <= 80
        assert f"▸{i + 1} {t.title}" in screen  # the chapter shown is marked without colour
        allowed = _words(c.text() + " on Llama 8B [ ] other scenarios Try it (t): Sources ·") | {""}
        # the text pane, right of the list's border, without its scroll bar (block characters)
        pane = [line.split("▏", 1)[1].rstrip(" ▁▂▃▄▅▆▇█") for line in lines[1:-1] if "▏" in line]
        for line in pane:
            for word in line.split():
                assert word.strip("()[]“”'\".,;:") in allowed, (t.id, word, line)
