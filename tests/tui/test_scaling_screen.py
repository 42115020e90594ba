"""The Scaling screen (issue 6): keys as a user presses them, the chart's text, snapshots, tmux."""

from __future__ import annotations

import pytest
from rich.text import Text

from paramtui.core.result.estimate import estimate
from paramtui.core.inputs.session import Session, session_to_toml
from paramtui.core.validation import validate
from paramtui.tui.app import ParamApp
from paramtui.tui.screens.scaling import ScalingScreen, budgets_for, build_chart, law_estimates
from paramtui.tui.widgets.explain import ExplainScreen
from paramtui.tui.widgets.plot import LogPlot, compact_count, render_chart
from tests.keys_typed import type_keys


def under_law(scenario, law):
    return estimate(scenario.with_changes(scaling__law=law))


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / "home" / var.lower()))
    monkeypatch.delenv("NO_COLOR", raising=False)


def make_session() -> Session:
    return validate(Session, dict(title="Scaling test", scenario=(
        dict(id="l8", name="Llama 8B", model="llama-3.1-8b", target="h100-sxm"),
        dict(id="q06", name="Qwen3 0.6B", model="qwen3-0.6b", target="rtx-4090"),
        dict(id="chin", name="70B at 20 tok/param", params="70B", training={"tokens": 1.4e12}),
    )))


def make_app() -> ParamApp:
    return ParamApp(make_session(), restore_autosave=False, autosave=False)


class ScalingFirst(ParamApp):
    """The app started on Scaling: the flow below pays neither for the Calculator nor for a
    second screen's start (pressing 3 is tested by the snapshots and the tmux test)."""

    DEFAULT_MODE = "scaling"


def chart_text(screen: ScalingScreen, width=80, height=22) -> str:
    plot = screen.query_one(LogPlot)
    return "\n".join(line.plain for line in render_chart(plot.chart, width, height))


def test_budgets_bracket_the_scenarios():
    budgets = budgets_for([3e21, 5e24])
    assert budgets[0] <= 3e21 and budgets[-1] >= 5e24
    assert 3 <= len(budgets) <= 5


def test_log_axis_ticks_are_readable():
    assert [compact_count(v) for v in (1e7, 1e9, 1e10, 1e11, 1e12)] == ["10M", "1B", "10B", "100B", "1T"]
    items = law_estimates(make_session().scenarios, "epoch", under_law)
    text = "\n".join(line.plain for line in render_chart(build_chart(items, "epoch", "params", "l8"), 60, 20))
    for tick in ("100M", "1B", "10B", "100B"):
        assert tick in text
    assert "Loss" in text
    assert "[A]" in text  # the highlighted scenario, marked without colour


def test_points_sit_at_the_estimates_figures():
    items = law_estimates(make_session().scenarios, "chinchilla", under_law)
    chart = build_chart(items, "chinchilla", "params", "l8")
    l8 = next(p for p in chart.points if "A" in p.marker)
    est = estimate(make_session().scenarios[0].with_changes(scaling__law="chinchilla"))
    assert l8.x == est.scaling.params and l8.y == est.values["scaling.loss"]
    # Chinchilla itself: 70B on 1.4T tokens, loss by Hoffmann et al.'s approach-3 constants.
    chin = next(p for p in chart.points if "C" in p.marker)
    assert chin.y == pytest.approx(1.69 + 406.4 / 70e9**0.34 + 410.7 / 1.4e12**0.28)


async def test_side_panel_explain_law_view_highlight_keys_and_a_budget():
    """One user session on Scaling: the side panel reads out the highlighted scenario,
    e explains its figures, l / v / ] / p switch law, view and highlight without editing the
    session, and b sets a budget whose run the panel shows."""
    from textual.widgets import OptionList

    from paramtui.core.formulas import scaling
    from paramtui.core.result.figures import FIGURES
    from paramtui.core.units import format_count

    app = ScalingFirst(make_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen  # the screen filled its chart and panel as it mounted
        assert isinstance(screen, ScalingScreen)

        # The side panel reads out the highlighted scenario.
        options = app.screen.query_one(OptionList)
        texts = [options.get_option_at_index(i).prompt for i in range(options.option_count)]
        plain = [t.plain if isinstance(t, Text) else str(t) for t in texts]
        est = estimate(make_session().scenarios[0])
        assert any(p.startswith("Loss") and f"{est.values['scaling.loss']:.3f}" in p for p in plain)
        assert any(p.startswith("N opt") for p in plain)
        # Every line is named as the figure registry names the figure, its value formatted there.
        for i in range(options.option_count):
            option = options.get_option_at_index(i)
            figure = FIGURES[option.id]
            assert option.prompt.plain.startswith(figure.short + " "), option.id
            assert option.prompt.plain.endswith(figure.format(est)), option.id

        # e explains the highlighted figure.
        await pilot.press("e")
        assert isinstance(app.screen, ExplainScreen)
        assert app.screen.explanation.title.startswith("Predicted loss")
        await pilot.press("escape")  # back on the panel (keys typed before it shows would go to the explanation)
        await type_keys(pilot, "down", "down", "down", "down", "down", "e")
        assert app.screen.explanation.title == "Compute-optimal parameters"
        await pilot.press("escape")

        # l steps through the laws, v switches the view, ] / p move the highlight. The chart is
        # read from the plot's data (not its painting), rebuilt as each key is handled.
        text = chart_text(screen)
        assert "Loss vs parameters" in text and "Epoch AI" in text
        await pilot.press("l")
        assert screen.law == "kaplan" and "Kaplan" in chart_text(screen)
        await pilot.press("l")
        assert screen.law == "muennighoff" and "Muennighoff" in chart_text(screen)
        await pilot.press("l")
        assert screen.law == "chinchilla" and "Hoffmann" in chart_text(screen)
        await pilot.press("v")
        assert "Loss vs training compute" in chart_text(screen)
        assert app.current_id == "l8"
        await pilot.press("]")
        assert app.current_id == "q06"
        await pilot.press("p")
        assert app.current_id == "l8"
        # The session itself is untouched by view keys.
        assert app.session == make_session()

        # b sets a budget and the panel shows the run it buys (under the law shown: back to
        # Epoch AI, the default, on the parameters view).
        await type_keys(pilot, "l", "v")
        assert screen.law == scaling.DEFAULT_LAW
        await pilot.press("b")
        await type_keys(pilot, *"1e23 FLOPs", "enter")
        assert app.session.scenarios[0].budget.flops == 1e23
        options = app.screen.query_one(OptionList)
        plain = [options.get_option_at_index(i).prompt.plain for i in range(options.option_count)]
        n, _d = scaling.compute_optimal(scaling.DEFAULT_LAW, 1e23)

        assert any(p.startswith("B N opt") and format_count(n) in p for p in plain)
        assert any(p.startswith("B loss") for p in plain)
        # A budget with no unit is refused in one line and changes nothing.
        await pilot.press("b")
        await type_keys(pilot, "ctrl+u", *"50k", "enter")
        assert app.session.scenarios[0].budget.flops == 1e23


def test_snapshot_80x24(snap_compare):
    assert snap_compare(make_app(), press=["3"], terminal_size=(80, 24))


def test_snapshot_120x40_compute_view(snap_compare):
    assert snap_compare(make_app(), press=["3", "v", "]"], terminal_size=(120, 40))


def test_tmux_press_3_shows_the_loss_chart(tmux_app):
    app = tmux_app(session_to_toml(make_session()), no_color=True)
    text = app.open_screen("3", "Loss vs parameters")
    assert "▸3 Scaling◂" in text and "oss" in text
    for tick in ("1B", "10B", "100B"):
        assert tick in text
    assert "FLOP" in text and "* optimal" in text


def test_points_are_labelled_by_name_and_a_duplicate_name_by_its_id_too():
    session = make_session()
    twin = session.scenarios[0].with_changes(id="l8-again", training__tokens=1e12)
    items = law_estimates([*session.scenarios, twin], "chinchilla", under_law)
    labels = [p.label for p in build_chart(items, "chinchilla", "params", "l8").points]
    assert "Qwen3 0.6B" in labels and "Llama 8B (l8)" in labels and "Llama 8B (l8-again)" in labels
    text = "\n".join(line.plain for line in render_chart(build_chart(items, "chinchilla", "params", "l8"), 80, 22))
    assert "70B at 2…k/param" in text  # a name cut on the chart says so, keeping its end
