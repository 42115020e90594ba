"""The Calculator screen (issue 4): keys pressed as a user would, then the session and the
results checked as the user would read them; snapshots at 80×24 and 120×40.
"""

from __future__ import annotations

import pytest

from paramtui.core.result.estimate import estimate
from paramtui.core.result.figures import FIGURES
from paramtui.core.model.precision import PRECISION_IDS
from paramtui.core.inputs.session import Session
from paramtui.core.validation import replace, validate
from paramtui.tui import app as app_module
from paramtui.tui.app import ParamApp
from paramtui.tui.demo import demo_session
from paramtui.tui.screens.calculator import CalculatorScreen
from paramtui.tui.widgets.explain import ExplainScreen
from paramtui.tui.widgets.figure_list import FigureList
from paramtui.tui.widgets.memory_bar import MemoryBar
from tests.keys_typed import type_keys


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    """Prefs, themes and autosaves go to a temp home, never the developer's."""
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / "home" / var.lower()))
    monkeypatch.delenv("NO_COLOR", raising=False)


def one_scenario(**changes) -> Session:
    base = dict(id="l8", name="Llama 8B", model="llama-3.1-8b", precision="bf16", target="h100-sxm",
                inference={"batch": 8, "context": 8192})
    base.update(changes)
    return validate(Session, dict(title="calc test", scenario=(base,)))


def make_app(session: Session | None = None) -> ParamApp:
    return ParamApp(session or one_scenario(), restore_autosave=False, autosave=False)


def screen_text(screen) -> str:
    """What the screen shows, as plain text (each widget's visible lines)."""
    lines = []
    for widget in screen.walk_children():
        if widget.display and widget.size.height:
            lines += [strip.text for strip in widget.render_lines(widget.size.region)]
    return "\n".join(lines)


def figure_value(screen: CalculatorScreen, key: str) -> str:
    for row in screen.query_one(FigureList).rows:
        if row.key == key:
            return row.value
    raise KeyError(key)


async def type_into(pilot, field_id: str, text: str, *, key_by_key: bool = False) -> None:
    """Put the cursor on a field, clear it with backspace as a user would, and type `text`:
    as one burst (a quick typist), or `key_by_key` with the app idle between the keys of
    `text` where the state after each key is what is tested."""
    form = pilot.app.screen.form
    form.focus_row(field_id)
    keys = ["end", *["backspace"] * len(form.value(field_id)), *text]
    if key_by_key:
        await type_keys(pilot, *keys[:-len(text)])  # cleared at once: its states are not what is tested
        await pilot.press(*text)
        await pilot.pause()
    else:
        await type_keys(pilot, *keys)


async def test_a_calculator_session_read_edited_explained_and_given_a_blank_scenario():
    """One user's session on the Calculator at 80×24, step by step: the first screen, the
    architecture opened, choices stepped and picked, mistakes marked and fixed, keys in a
    burst, a figure and inputs explained, the purpose changed, ranges and units, a blank
    scenario."""
    from textual import events

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CalculatorScreen)
        form = screen.form
        # The first screen shows the results of the current scenario: every figure of the
        # registry's result groups is listed, formatted by the registry.
        est = estimate(app.session.scenarios[0])
        assert figure_value(screen, "params.total") == FIGURES["params.total"].format(est) == "8.03B"
        assert figure_value(screen, "memory.kv_cache_bytes") == FIGURES["memory.kv_cache_bytes"].format(est)
        for key in ("compute.training_flops", "compute.cost_usd", "compute.energy_kwh",
                    "speed.decode_tokens_per_s", "speed.prefill_tokens_per_s", "scaling.loss"):
            assert figure_value(screen, key) == FIGURES[key].format(est), key
        assert form.value("batch") == "8"
        assert form.value("context") == "8192"
        assert app.focused is form and form.current == "model"  # the first thing chosen
        assert "▶ Architecture" not in screen_text(screen)  # the last row, below the view at 80×24

        # Opening the architecture at 80×24 scrolls its fields into view.
        form.focus_row("arch")
        await pilot.press("enter")
        await pilot.pause()  # the opened screen or section scrolled and laid out before its text is read
        shown = screen_text(screen)
        assert "▼ Architecture" in shown
        assert "Hidden" in shown and "Top-k" in shown  # first and last of its fields
        await type_keys(pilot, "down")
        assert form.current == "arch-hidden_size"

        # Choice fields step with the arrows and pick from a list.
        form.focus_row("model")
        await type_keys(pilot, "down")
        assert form.current == "precision"
        weights_before = figure_value(screen, "memory.weights_bytes")
        # → steps to the next precision in the core's order (highest to lowest).
        await type_keys(pilot, "right")
        expected = PRECISION_IDS[PRECISION_IDS.index("bf16") + 1]
        assert app.session.scenarios[0].precision == expected
        # enter opens the list; typing filters; enter picks.
        await type_keys(pilot, "enter")
        await type_keys(pilot, *"q4_k_m", "enter")
        assert app.session.scenarios[0].precision == "q4_k_m"
        assert figure_value(screen, "memory.weights_bytes") != weights_before
        # The target list filters by name as well.
        await type_keys(pilot, "down", "down", "down", "down")  # KV cache, Batch, Context, Target
        assert form.current == "target"
        await type_keys(pilot, "enter")
        await type_keys(pilot, *"4090", "enter")
        assert app.session.scenarios[0].target == "rtx-4090"
        assert "RTX 4090" in str(screen.query_one("#results-head").render())

        # Invalid input is marked at the field and the results keep the last valid state.
        kv_before = figure_value(screen, "memory.kv_cache_bytes")
        await type_into(pilot, "batch", "0")
        assert "at least 1" in form.error("batch")
        assert "✗ must be at least 1" in screen_text(screen)  # the reason, under the field
        assert app.session.scenarios[0].inference.batch == 8  # the session keeps the valid value
        assert figure_value(screen, "memory.kv_cache_bytes") == kv_before
        banner = screen.query_one("#results-banner")
        assert banner.display and "last valid inputs" in str(banner.render())
        # Text that is not a number names the field and the text.
        await type_into(pilot, "context", "lots")
        assert "'lots' is not a number" in form.error("context")
        assert form.value("context") == "lots"  # what the user typed stays
        # Fixing the field clears its mark and applies it.
        await type_into(pilot, "batch", "2")
        assert form.error("batch") is None
        assert app.session.scenarios[0].inference.batch == 2
        assert form.error("context")  # the other mistake is still marked

        # Keys typed in a burst act in the order typed: over SSH keys often arrive together;
        # each must act as if typed one by one, and a field typed into must not be
        # overwritten by the results of the field before it.
        form.focus_row("model")
        await type_keys(pilot, "down", "down", "down")  # Precision, KV cache, Batch
        assert form.current == "batch"
        burst = [("4", "4"), ("backspace", None), ("backspace", None), ("7", "7"),
                 ("tab", None), ("1", "1"), ("6", "6")]
        for key, char in burst:  # as the terminal driver hands them to the app, without waiting
            app.post_message(events.Key(key, char))
        for _ in range(4):
            await pilot.pause()
        scenario = app.session.scenarios[0]
        assert (scenario.inference.batch, scenario.inference.context) == (7, 16)
        assert (form.value("batch"), form.value("context")) == ("7", "16")
        assert form.error("batch") is None and form.error("context") is None

        # e on a figure explains it with this scenario's values.
        await type_keys(pilot, "ctrl+r")
        figures = screen.query_one(FigureList)
        assert app.focused is figures
        figures.select_key("memory.kv_cache_bytes")
        await type_keys(pilot, "e")
        assert isinstance(app.screen, ExplainScreen)
        expected = estimate(app.session.scenarios[0]).explanations["memory.kv_cache_bytes"]
        assert app.screen.explanation == expected
        assert expected.substituted and expected.source
        await type_keys(pilot, "escape")
        assert isinstance(app.screen, CalculatorScreen)

        # e on a choice and f1 on a text field explain the input.
        form.focus_row("precision")
        await pilot.press("e")
        await pilot.pause()  # the opened screen or section scrolled and laid out before its text is read
        assert isinstance(app.screen, ExplainScreen)
        text = screen_text(app.screen)
        assert "Typical values" in text and "What it changes" in text and "q4_k_m" in text
        await type_keys(pilot, "escape")
        form.focus_row("host_ram")
        await pilot.press("f1")
        await pilot.pause()  # the opened screen or section scrolled and laid out before its text is read
        assert isinstance(app.screen, ExplainScreen)
        assert "offload" in screen_text(app.screen)
        await type_keys(pilot, "escape")
        assert isinstance(app.screen, CalculatorScreen)

        # Inference only hides training, and a fine-tune says why it has no loss.
        form.focus_row("purpose")
        await type_keys(pilot, "enter")
        await type_keys(pilot, *"inference", "enter")
        assert app.session.scenarios[0].purpose == "inference"
        keys = {row.key for row in screen.query_one(FigureList).rows}
        assert "compute.training_flops" not in keys and "scaling.loss" not in keys
        form.focus_row("method")
        await type_keys(pilot, "enter")
        await type_keys(pilot, *"qlora", "enter")
        form.focus_row("purpose")
        await type_keys(pilot, "enter")
        await type_keys(pilot, *"fine", "enter")
        assert figure_value(screen, "compute.training_tokens") == "100M"
        assert figure_value(screen, "scaling.loss").startswith("none (fine-tune")
        assert figure_value(screen, "memory.training.fits") in ("yes", "✗ NO", "NO")

        # Out-of-range and unit inputs.
        await type_into(pilot, "mfu", "150%", key_by_key=True)
        assert "between 0 and 1" in form.error("mfu")
        # Live editing: "1" on the way to "150%" was a valid 100% and is the last valid state.
        assert app.session.scenarios[0].training.mfu == 1.0
        await type_into(pilot, "mfu", "50%")
        assert app.session.scenarios[0].training.mfu == 0.5
        await type_into(pilot, "tokens", "2T")
        assert app.session.scenarios[0].training.tokens == 2e12
        assert form.value("tokens") == "2T"  # not rewritten while typing

        # A blank scenario takes the defaults, not the current batch and context (7 and 16).
        await type_keys(pilot, "ctrl+b")
        assert len(app.session.scenarios) == 2
        new = app.current_scenario
        assert new.model == "llama-3.1-8b" and new.name == "Llama 3.1 8B" and new.id == "llama-3-1-8b"
        assert new.inference.batch == 1 and new.inference.context is None


async def test_editing_batch_recomputes_results_and_is_one_undo_step(monkeypatch):
    # Keys in one field merge while they come within the app's window; a loaded machine can
    # space two keys of a test further apart than a person types, so the window is made wide
    # here (the test below checks the other side of it).
    monkeypatch.setattr(app_module, "COALESCE_SECONDS", 3600.0)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        kv_before = figure_value(screen, "memory.kv_cache_bytes")
        await type_into(pilot, "batch", "16", key_by_key=True)  # each key a change
        assert app.session.scenarios[0].inference.batch == 16
        after = estimate(app.session.scenarios[0])
        assert figure_value(screen, "memory.kv_cache_bytes") == FIGURES["memory.kv_cache_bytes"].format(after)
        assert figure_value(screen, "memory.kv_cache_bytes") != kv_before
        assert app.dirty
        # The keystrokes in one field merge into one undo step: ctrl+z restores batch 8.
        await type_keys(pilot, "ctrl+z")
        assert app.session.scenarios[0].inference.batch == 8
        assert screen.form.value("batch") == "8"
        assert figure_value(screen, "memory.kv_cache_bytes") == kv_before
        assert not app.dirty
        await type_keys(pilot, "ctrl+y")
        assert app.session.scenarios[0].inference.batch == 16


async def test_keys_further_apart_than_the_merge_window_are_separate_undo_steps(monkeypatch):
    monkeypatch.setattr(app_module, "COALESCE_SECONDS", 0.0)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_into(pilot, "batch", "16", key_by_key=True)
        assert app.session.scenarios[0].inference.batch == 16
        await type_keys(pilot, "ctrl+z")
        assert app.session.scenarios[0].inference.batch == 1  # the last key undone, not the whole edit
        await type_keys(pilot, "ctrl+z")
        assert app.session.scenarios[0].inference.batch == 8


async def test_model_picker_starts_a_catalog_model_at_its_weights_as_published():
    app = make_app(one_scenario(precision="int4"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_keys(pilot, "ctrl+l")
        await type_keys(pilot, *"gpt-oss-120b", "enter")
        scenario = app.session.scenarios[0]
        assert (scenario.model, scenario.precision) == ("gpt-oss-120b", "mxfp4-moe")
        await type_keys(pilot, "ctrl+l")
        await type_keys(pilot, *"deepseek-v3.1", "enter")
        assert app.session.scenarios[0].precision == "fp8-block128"


async def test_architecture_fields_customise_the_model():
    app = make_app()
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.form.focus_row("arch")
        await pilot.press("enter")  # opens the section
        await pilot.pause()  # the opened screen or section scrolled and laid out before its text is read
        assert screen.form.is_open("arch")
        assert screen.form.value("arch-num_hidden_layers") == "32"
        assert "Layers" in screen_text(screen)
        await type_into(pilot, "arch-num_hidden_layers", "16")
        scenario = app.session.scenarios[0]
        assert scenario.architecture is not None and scenario.architecture.num_hidden_layers == 16
        assert scenario.model is None
        assert estimate(scenario).params.total < 8.03e9


async def test_the_layer_pattern_is_one_line_the_user_can_edit():
    # gemma-2-9b alternates sliding-window and full attention: the section's title counts them,
    # and making every layer full attention grows the KV cache (no layer keeps only its window).
    app = make_app(one_scenario(model="gemma-2-9b"))
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert "Layers: 21 sliding + 21 full" in screen_text(screen)
        screen.form.focus_row("arch")
        await type_keys(pilot, "enter")
        assert screen.form.value("arch-layer_pattern") == "1 sliding + 1 full"
        before = estimate(app.session.scenarios[0]).inference.kv_cache_bytes
        await type_into(pilot, "arch-layer_pattern", "full")
        scenario = app.session.scenarios[0]
        assert scenario.architecture.layer_types == ("full_attention",) * 42
        assert estimate(scenario).inference.kv_cache_bytes > before
        assert "21 sliding" not in screen_text(screen)
        await type_into(pilot, "arch-layer_pattern", "2 lineer")
        assert "lineer" in (screen.form.error("arch-layer_pattern") or "")


async def test_scenario_selector_switches_the_current_scenario():
    app = ParamApp(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.form.focus_row("scenario")
        await type_keys(pilot, "right")
        second = app.session.scenarios[1]
        assert app.current_id == second.id
        assert screen.form.value("precision") == second.precision
        assert screen.shown_estimate.scenario == second


def test_snapshot_80x24(snap_compare):
    assert snap_compare(ParamApp(demo_session(), restore_autosave=False, autosave=False), terminal_size=(80, 24))


def test_snapshot_120x40(snap_compare):
    assert snap_compare(ParamApp(demo_session(), restore_autosave=False, autosave=False), terminal_size=(120, 40))


def test_snapshot_80x24_invalid_field(snap_compare):
    async def type_zero(pilot):
        pilot.app.screen.form.focus_row("batch")
        await pilot.press("end", "backspace", "0")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=type_zero)


# ------------------------------------------------------------------- the form, finished (issue 13)

async def test_every_input_of_the_cli_is_in_the_form():
    from paramtui.core.inputs.options import OPTIONS
    from paramtui.tui.screens.calculator import FIELDS

    assert {f.key for f in FIELDS} == set(OPTIONS)


async def test_host_ram_and_a_budget_typed_in_the_form_give_the_offload_deploy_shows_and_the_plan():
    """Issue 13: 70B Q4_K_M on an RTX 4090 with 64 GB RAM: the Calculator gives the layer split
    and speed of Deploy's detail and `estimate --json`, and no speed as if the card held it."""
    from paramtui.core.inputs.targets import get_target
    from paramtui.core.views.deploy_detail import deploy_detail

    app = make_app(one_scenario(model="llama-3.1-70b", precision="q4_k_m", target="rtx-4090",
                                inference={"batch": 1, "context": 4096}))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        await type_into(pilot, "host_ram", "64GB")
        await type_keys(pilot, "enter")
        assert app.session.scenarios[0].host_ram_bytes == 64 * 2**30
        assert figure_value(screen, "offload.host_capacity_bytes") == "64.0 GiB"  # what the user typed, not 68.7 GB
        assert figure_value(screen, "offload.gpu_layers") == "44"
        # The offload Deploy's detail shows, and no speed as if the card held the model.
        d = deploy_detail(app.session.scenarios[0], get_target("rtx-4090"))
        assert figure_value(screen, "offload.gpu_layers") == str(d.layer_offload.gpu_layers) == "44"  # of 80 layers on 24 GiB
        speed = FIGURES["offload.decode_tokens_per_s"].fmt(d.layer_offload.decode_tokens_per_s)
        assert figure_value(screen, "offload.decode_tokens_per_s") == speed
        assert figure_value(screen, "speed.decode_tokens_per_s") == speed
        assert figure_value(screen, "speed.prefill_tokens_per_s") == "–"
        head = str(screen.query_one("#results-head").render())
        assert f"offload: 44/80 layers on the device, {speed}" in head
        await type_into(pilot, "price", "$2")
        await type_into(pilot, "budget_usd", "50k")
        await type_keys(pilot, "enter")
        s = app.session.scenarios[0]
        assert s.price_per_hour_usd == 2 and s.budget.usd == 50_000
        assert figure_value(screen, "budget.gpu_hours") == "25.0k GPU-h"
        # A budget is in one unit: days replace dollars.
        await type_into(pilot, "budget_days", "30")
        await type_keys(pilot, "enter")
        s = app.session.scenarios[0]
        assert s.budget.days == 30 and s.budget.usd is None
        assert screen.form.value("budget_usd") == ""


async def test_the_model_picker_takes_a_catalog_model_or_a_bare_count_and_the_name_follows_until_renamed():
    app = make_app(one_scenario(id="l8", name="Llama 3.1 8B, bf16 on H100"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_keys(pilot, "ctrl+l")
        await type_keys(pilot, *"llama 3.1 70b", "enter")
        s = app.current_scenario
        assert s.model == "llama-3.1-70b"
        assert s.name == "Llama 3.1 70B, bf16 on H100" and s.id == "llama-3-1-70b-bf16-on-h100"
        await type_into(pilot, "name", "my run")
        await type_keys(pilot, "enter")
        await type_keys(pilot, "ctrl+l")
        await type_keys(pilot, *"qwen3 0.6b", "enter")
        s = app.current_scenario
        assert s.model == "qwen3-0.6b" and s.name == "my run"  # the user's own name stays
        # The picker takes a catalog model by a part of its name, or a bare parameter count.
        await type_keys(pilot, "ctrl+l")
        await type_keys(pilot, *"mixtral 8x7", "enter")
        scenario = app.session.scenarios[0]
        assert scenario.model == "mixtral-8x7b" and scenario.params is None
        assert "Mixtral" in app.screen.form.value("model")
        await type_keys(pilot, "ctrl+l")
        await type_keys(pilot, *"7B", "enter")
        scenario = app.session.scenarios[0]
        assert scenario.params == 7e9 and scenario.model is None
        assert "bare count" in str(app.screen.query_one("#results-head").render())


async def test_warnings_for_a_context_past_the_limit_and_an_encoder_speed():
    app = make_app(one_scenario(inference={"batch": 1, "context": 300_000}))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "past the model's limit of 131,072" in str(app.screen.query_one("#results-head").render())
    app = make_app(one_scenario(model="bert-base-uncased", inference={"batch": 1, "context": 512}))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "encoder-only" in str(app.screen.query_one("#results-head").render())


async def test_a_bar_verdict_stays_on_its_head_line_at_80x24():
    """The demo's 8B as a pretraining run (690 GiB on a 79.6 GiB H100) once read 'Training
    690 GiB / 79.6 GiB 867% ✗ too' with 'big' wrapped onto the bar's line."""
    demo = demo_session()
    pretrain = demo.scenarios[0].with_changes(purpose="pretrain")
    session = replace(demo, scenarios=(pretrain, *demo.scenarios[1:]))
    app = ParamApp(session, restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one("#bar-training", MemoryBar)
        head = bar.render().plain.splitlines()[0]
        assert head.endswith("✗ too big") and len(head) <= bar.size.width
        assert "690/79.6 GiB" in head
        inference = app.screen.query_one("#bar-inference", MemoryBar).render().plain.splitlines()[0]
        assert "30.8 GiB / 79.6 GiB" in inference  # room enough: the full form


async def test_every_section_title_of_the_results_is_whole_at_80x24():
    """'── Too big for the device: offload to ho' was what a too-big model showed at 80 columns."""
    from paramtui.core.result.figures import GROUPS

    app = make_app(one_scenario(model="kimi-k2", precision="fp8-block128"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        figures = app.screen.query_one(FigureList)
        shown = [row.label for row in figures.rows if row.key is None]
        assert GROUPS["offload"] in shown  # the model is too big: its offload section is on screen
        width = figures.scrollable_content_region.width
        cut = [title for title in GROUPS.values() if len(f"── {title} ") > width]
        assert cut == []


async def test_f1_on_an_architecture_field_says_what_the_layer_pattern_words_mean():
    """'Pattern 3 linear + 1 full' on Qwen3-Next: f1 said nothing, and 'linear' is nowhere else."""
    app = make_app(one_scenario(model="qwen3-next-80b-a3b"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.form.focus_row("arch")
        await type_keys(pilot, "enter")
        screen.form.focus_row("arch-layer_pattern")
        await pilot.press("f1")
        await pilot.pause()  # the opened screen or section scrolled and laid out before its text is read
        assert isinstance(app.screen, ExplainScreen)
        text = " ".join(screen_text(app.screen).split())
        assert "Layer pattern" in text and "linear = linear attention" in text and "3 linear + 1 full" in text
        await type_keys(pilot, "escape")
        screen.form.focus_row("arch-num_key_value_heads")
        await pilot.press("f1")
        await pilot.pause()  # the opened screen or section scrolled and laid out before its text is read
        assert isinstance(app.screen, ExplainScreen) and "grouped-query" in " ".join(screen_text(app.screen).split())


async def test_a_nodes_automatic_price_says_it_is_per_gpu():
    """'8x H200' with Devices 1 read 'Price auto: $7.912/h', the price of one of its 8 GPUs."""
    app = make_app(one_scenario(model="kimi-k2", precision="fp8-block128", target="8xh200"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        est = estimate(app.session.scenarios[0])
        assert f"auto: ${est.target.price_per_hour_usd:g}/h per GPU" in screen_text(app.screen)
        assert est.values["scenario.devices"] == 8  # and the cost is billed for all 8


async def test_a_bar_verdict_in_two_units_stays_on_its_head_line_at_80x24():
    """Llama 4 Scout pretraining on 2 H100s read 'Training 1.98 TiB/79.6 GiB >999% ✗ too' with
    'big' on the next line, pushing the bar's legend out of its three lines."""
    app = make_app(one_scenario(model="llama-4-scout", gpus=2, purpose="pretrain"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one("#bar-training", MemoryBar)
        head, _bar, legend = bar.render().plain.splitlines()
        assert head.endswith("✗ too big") and len(head) <= bar.size.width
        assert "TiB/79.6 GiB" in head and "weights" in legend


async def test_a_bar_far_over_its_device_says_how_many_times_over():
    """Kimi K2 on one H100 read '>999%' on the bar while the Memory use row said 1224%."""
    app = make_app(one_scenario(model="kimi-k2", purpose="inference"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        est = estimate(app.session.scenarios[0])
        head = app.screen.query_one("#bar-inference", MemoryBar).render().plain.splitlines()[0]
        times = est.values["memory.inference_total_bytes"] / est.target.usable_memory_bytes
        assert f" {times:.0f}× ✗ too big" in head and ">999%" not in head


async def test_an_unnamed_scenario_shows_the_id_the_tables_call_it_by():
    session = validate(Session, dict(title="t", scenario=(dict(id="kimi", model="kimi-k2"),)))
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app.screen)
        assert "auto: kimi" in text and "a label for this scena" not in text
