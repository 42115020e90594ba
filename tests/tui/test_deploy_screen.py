"""The Deploy screen (issue 6): the matrix as the user reads it, filters, detail, pick-and-add,
snapshots (the Deploy screen in a real terminal: test_burst_tmux.py)."""

from __future__ import annotations

import pytest
from textual import events
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Input, OptionList, Select

from paramtui.core.inputs.options import LICENSE_CLASSES, TASKS
from paramtui.core.views.deploy_matrix import deploy_cell
from paramtui.core.result.estimate import estimate
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.inputs.session import Session
from paramtui.core.inputs.targets import get_target
from paramtui.core.validation import validate
from paramtui.tui.app import ParamApp
from paramtui.tui.screens.deploy import (
    KIND_FILTERS,
    DeployDetailScreen,
    DeployScreen,
    PickScreen,
    ordered_targets,
)
from paramtui.tui.widgets.compare_dialogs import NamePrompt
from paramtui.tui.widgets.explain import ExplainScreen
from tests.notices import messages


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / "home" / var.lower()))
    monkeypatch.delenv("NO_COLOR", raising=False)


def make_session() -> Session:
    return validate(Session, dict(title="Deploy test", scenario=(
        dict(id="l8", name="Llama 8B bf16", model="llama-3.1-8b", precision="bf16", target="h100-sxm",
                 inference={"batch": 1, "context": 8192}),
        dict(id="l70", name="Llama 70B bf16", model="llama-3.1-70b", precision="bf16", target="rtx-4090",
                 inference={"batch": 1, "context": 8192}),
        dict(id="mix", name="Mixtral q4", model="mixtral-8x7b", precision="q4_k_m", target="rtx-4090",
                 inference={"batch": 1, "context": 4096}),
    )))


class DeployFirst(ParamApp):
    """The app started on Deploy: these tests pay neither for the Calculator nor for a second
    screen's start (pressing 4 is tested in test_app and by the tmux test in test_burst_tmux.py)."""

    DEFAULT_MODE = "deploy"


def make_app() -> ParamApp:
    return DeployFirst(make_session(), restore_autosave=False, autosave=False)


async def open_deploy(pilot) -> DeployScreen:
    await pilot.pause()
    assert isinstance(pilot.app.screen, DeployScreen)
    return pilot.app.screen


def cell_plain(table: DataTable, row: int, col: int) -> str:
    value = table.get_cell_at((row, col))
    return getattr(value, "plain", str(value))


async def test_matrix_down_filters_and_details_on_one_deploy_screen():
    """The matrix as the user reads it, then ↓, the kind filters and the cell details
    (offload, best precision, host RAM), in the order a user would press their keys."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_deploy(pilot)
        table = screen.query_one(DataTable)
        # Every cell says what the estimate says: fit and memory use, or why not.
        assert table.row_count == 3 and len(table.columns) == len(ordered_targets()) + 1
        for r, s in enumerate(make_session().scenarios):
            for c, target in enumerate(screen.targets, start=1):
                text = cell_plain(table, r, c)
                values = estimate(s.with_changes(target=target.id)).values
                pct = f"{values['memory.use_fraction'] * 100:.0f}%"
                if values["memory.fits"]:
                    assert text.startswith("✓ ") and pct in text, (s.id, target.id)
                else:
                    assert text[0] in "✗⇄", (s.id, target.id)
        assert "100%" in str(screen.query_one("#deploy-head").render())
        # The session's own targets come first, headed by their full ids; rows are named.
        assert [t.id for t in screen.targets[:2]] == ["h100-sxm", "rtx-4090"]
        header = screen.scenario_table.render_line(0).text
        assert "h100-sxm" in header and "rtx-4090" in header
        labels = [screen.scenario_table.get_cell_at((r, 0)).plain for r in range(3)]
        assert labels == ["Llama 8B bf16", "Llama 70B bf16", "Mixtral q4"]
        # ↓ moves the current scenario once and does not rebuild the matrix.
        builds, currents = [], []
        build = screen.build_table
        screen.build_table = lambda: (builds.append(1), build())
        screen.watch(app, "current_id", lambda _old, new: currents.append(new), init=False)
        await pilot.press("down")
        await pilot.pause()
        await pilot.pause()
        assert currents == ["l70"] and builds == []
        assert screen.scenario_table.cursor_row == 1
        # The line under the table names the row's scenario in full and the cell's fit in words.
        line = str(screen.query_one("#deploy-cursor").render())
        assert line.startswith(screen.labels["l70"]) and " · on " in line and "fit" in line, line
        # An offload's longer words still end whole at 80 columns (the hint gives way, not the speed).
        verdict = line.splitlines()[1]
        assert verdict.startswith("⇄ fits with host-RAM offload: ") and verdict.rstrip().endswith("tok/s"), verdict
        assert len(verdict) <= screen.query_one("#deploy-cursor").content_size.width, verdict
        del screen.build_table  # the screen's own method again
        # f steps through the kind filters: the first (phones) keeps the session's targets of
        # that kind first; every filter shows only its kinds; f after the last is all again.
        for name, kinds in KIND_FILTERS[1:]:
            await pilot.press("f")
            assert screen.targets and all(t.kind in kinds for t in screen.targets), name
            if name == "phone":
                assert all(t.kind == "phone" for t in screen.targets)
        await pilot.press("f")  # back to all
        assert len(screen.targets) == len(ordered_targets())
        await pilot.press("F")
        assert all(t.kind == "cpu-server" for t in screen.targets)
        # enter on Llama 70B bf16 × GH200 opens the detail with its offload; o explains it.
        while screen.filter_index != [n for n, _ in KIND_FILTERS].index("GPU"):
            await pilot.press("f")
        await pilot.pause()
        gh200 = [t.id for t in screen.targets].index("gh200") + 1
        table = screen.query_one(DataTable)
        table.cursor_coordinate = (1, gh200)  # Llama 70B bf16 on GH200: offload to its 480 GB
        await pilot.pause()
        assert app.current_id == "l70"
        await pilot.press("enter")
        detail = app.screen
        assert isinstance(detail, DeployDetailScreen)
        d = detail.detail
        assert d.cell.target_id == "gh200" and d.cell.status == "offload"
        # the cell's target leads the title, then the scenario as it is named (its own target in it)
        title = str(detail.query_one(VerticalScroll).border_title)
        assert title.startswith("On NVIDIA GH200") and f": {app.session.scenarios[1].label}" in title
        assert d.layer_offload is not None and d.layer_offload.fits
        await pilot.press("o")
        assert isinstance(app.screen, ExplainScreen)
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, DeployScreen)
        # The detail says what the best precision keeps of quality (Llama 70B bf16, 141 GB, on a 48 GB L40S).
        screen.query_one(DataTable).cursor_coordinate = (1, [t.id for t in screen.targets].index("l40s") + 1)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, DeployDetailScreen)
        best = detail.detail.best_precision
        assert best in ("q4_k_m", "q4_0", "q3_k_m", "q2_k")  # 4 bits or fewer to fit 48 GB
        text = " ".join(str(detail.query_one("#detail-lines").render()).split())
        assert f"quality: {best} keeps " in text and "of 16-bit quality (Llama 3 8B perplexity" in text
        await pilot.press("escape")
        assert isinstance(app.screen, DeployScreen)
        # The detail's h key sets the host RAM and recomputes the offload (Llama 70B bf16 on an
        # RTX 4090; last, as it changes the scenario).
        col = [t.id for t in screen.targets].index("rtx-4090") + 1
        screen.query_one(DataTable).cursor_coordinate = (1, col)  # Llama 70B bf16 (141 GB) on an RTX 4090
        await pilot.pause()
        await pilot.press("enter")
        detail = app.screen
        assert isinstance(detail, DeployDetailScreen)
        # The typical desktop's 64 GB cannot hold the ~120 GB the card leaves over.
        assert detail.detail.cell.status == "no" and not detail.detail.layer_offload.fits
        await pilot.press("h")
        prompt = app.screen
        assert isinstance(prompt, NamePrompt)
        prompt.query_one(Input).value = "256"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is detail
        d = detail.detail
        # 256 is read as the Calculator and --host-ram read it: GiB, as RAM is sold
        assert d.layer_offload.host_capacity_bytes == 256 * 2**30 and d.layer_offload.fits
        assert d.cell.status == "offload" and d.cell.offload_tokens_per_s == d.layer_offload.decode_tokens_per_s
        text = str(detail.query_one("#detail-lines").render())
        assert "256 GiB (set by you" in text and "✓ runs" in text


def test_snapshot_80x24(snap_compare):
    assert snap_compare(make_app(), press=[], terminal_size=(80, 24))


def test_snapshot_120x40_gpus(snap_compare):
    assert snap_compare(make_app(), press=["f", "f", "f", "f", "down"], terminal_size=(120, 40))


async def test_a_target_that_cannot_take_the_scenario_shows_error_and_enter_says_why():
    split = validate(Scenario, dict(id="tp2", model="qwen3-0.6b", target="h100-sxm", training={"tensor_parallel": 2}))
    app = DeployFirst(validate(Session, dict(title="t", scenario=(split,))), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_deploy(pilot)
        table = screen.query_one(DataTable)
        ids = [t.id for t in screen.targets]
        one, node = ids.index("h100-sxm") + 1, ids.index("8xh100") + 1
        assert cell_plain(table, 0, one) == "error" and cell_plain(table, 0, node).startswith("✓")
        table.cursor_coordinate = (0, one)
        await pilot.press("enter")
        await pilot.pause()
        assert any("cannot be split into tensor parallel 2" in m for m in messages(app))


async def _open_pick(pilot, app, target_id="rtx-4090"):
    screen = await open_deploy(pilot)
    col = [t.id for t in screen.targets].index(target_id) + 1
    screen.query_one(DataTable).cursor_coordinate = (0, col)
    await pilot.press("m")
    await pilot.pause()
    assert isinstance(app.screen, PickScreen)
    return app.screen


async def test_pick_dialog_fields_task_license_ranking_add_and_undo_then_right_to_the_last_target():
    """The pick dialog (m) on the RTX 4090 column as a user goes through it: its fields, a task
    and a license picked by keyboard, then, opened afresh, a model added and undone; then a
    scenario duplicated on Compare and → held down on the matrix."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        pick_screen = await _open_pick(pilot, app)
        # The precision placeholder fits its field at 80×24: it read 'all:' alone when
        # 'all: bf16,q8_0,fp8-block128,…' wrapped at its space in 19 columns.
        field = pick_screen.query_one("#pick-precisions", Input)
        assert len(field.placeholder) <= field.content_region.width - 1  # the cursor's cell too
        assert field.placeholder.startswith("all: bf16,")
        # It offers exactly the tasks and license classes there are.
        for widget_id, vocabulary in (("#pick-task", TASKS), ("#pick-license", LICENSE_CLASSES)):
            select = pick_screen.query_one(widget_id, Select)
            menu = select.query_one(OptionList)  # what opening the picker lists, "none"/"any" first
            offered = [str(menu.get_option_at_index(i).prompt) for i in range(1, menu.option_count)]
            assert offered == [c.label for c in vocabulary], widget_id
        assert pick_screen.result.task is None  # no task picked: the loss proxy
        # From the table, shift+tab reaches the license picker, then the task picker.
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused is pick_screen.query_one("#pick-task", Select)
        await pilot.press("enter", "down", "down", "enter")  # none → Chat → Code
        await pilot.pause()
        assert pick_screen.result.task == "code"
        # At 80×24 each model's score shows, not only its benchmark's name.
        best = pick_screen.result.picked[0]
        table = pick_screen.query_one(DataTable)
        score_column = table.ordered_columns[3]
        assert str(score_column.label) == "Score"
        shown = cell_plain(table, 0, 3)[: score_column.width]  # what the column's width shows
        assert shown.startswith(f"{best.task_score:g} ")
        # A license too: ranked by the published score among permissive models.
        await pilot.press("tab", "enter", "down", "enter")  # license: any → Permissive
        await pilot.pause()
        result = pick_screen.result
        assert result.task == "code" and result.license == "permissive"
        best = result.picked[0]
        assert best.rank == 1 and best.task_score is not None and best.license == "permissive"
        note = str(pick_screen.query_one("#pick-note").render())
        assert "ranked by published coding score" in note and "not comparable" in note
        # Back to no task: the proxy ranking returns.
        await pilot.press("shift+tab", "enter", "up", "up", "enter")
        await pilot.pause()
        assert pick_screen.result.task is None and pick_screen.result.license == "permissive"
        # escape closes the dialog; m opens it afresh, where a model is picked and added.
        await pilot.press("escape")
        assert isinstance(app.screen, DeployScreen)
        pick_screen = await _open_pick(pilot, app)
        assert pick_screen.target.id == "rtx-4090"
        ctx = pick_screen.query_one("#pick-context", Input)
        ctx.value = "32768"
        ctx.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert pick_screen.result.min_context == 32768
        best = pick_screen.result.picked[0]
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, DeployScreen)
        added = app.session.scenarios[-1]
        assert len(app.session.scenarios) == 4 and app.current_id == added.id
        assert added.model == best.model_id and added.precision == best.precision
        assert added.target == "rtx-4090" and added.inference.context == 32768
        assert deploy_cell(added, get_target("rtx-4090")).fits
        app.undo()
        await pilot.pause()
        assert len(app.session.scenarios) == 3
        # With a scenario added (2, d duplicates the current one on Compare, 4 comes back), →
        # held down reaches the last target at 80×24. The cursor starts on the first target
        # column, as on a fresh screen.
        screen = app.screen
        screen.scenario_table.cursor_coordinate = (0, 1)
        await pilot.pause()
        assert app.current_id == "l8"
        await pilot.press("2", "d", "4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DeployScreen) and len(app.session.scenarios) == 4
        table = screen.scenario_table
        labels = [table.get_cell_at((r, 0)).plain for r in range(4)]
        assert len(set(labels)) == 4 and labels[1] == "Llama 8B bf16 (copy)"  # the duplicate, named
        assert table.cursor_column == 1
        last = screen.targets[-1].id
        for _ in screen.targets:  # one burst, as a held key sends them
            app.post_message(events.Key("right", None))
        await pilot.pause()
        await pilot.pause()
        assert table.cursor_column == len(screen.targets)
        header = table.render_line(0).text
        assert f" {last} " in header + " "


def test_snapshot_pick_dialog_80x24(snap_compare, monkeypatch):
    # The catalog's first 40 models only: entries appended later do not change this picture.
    import paramtui.core.views.pick as pick_module

    first = dict(list(pick_module.load_catalog().items())[:40])
    monkeypatch.setattr(pick_module, "load_catalog", lambda: first)

    async def pick_code(pilot):
        app = pilot.app
        await _open_pick(pilot, app)
        await pilot.press("shift+tab", "shift+tab", "enter", "down", "down", "enter")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=pick_code)


async def test_two_scenarios_with_one_name_are_told_apart():
    session = make_session()
    twin = session.scenarios[0].with_changes(id="l8-twin", precision="int4")
    app = DeployFirst(session.with_scenarios([*session.scenarios, twin]), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_deploy(pilot)
        labels = [screen.scenario_table.get_cell_at((r, 0)).plain for r in range(4)]
        assert labels[0] == "Llama 8B bf16 (l8)" and labels[3] == "Llama 8B bf… (l8-twin)"


async def test_a_hybrids_detail_bar_holds_its_recurrent_state_and_adds_up_to_the_status_line():
    """Granite 4.0 H Tiny keeps a Mamba state besides its KV cache: the detail's bar showed
    16.4 GiB under a status line of 16.7 GiB until the state was one of its parts."""
    from paramtui.tui.widgets.memory_bar import MemoryBar

    session = validate(Session, dict(title="hybrid", scenario=(dict(
        id="g", model="granite-4.0-h-tiny", precision="bf16", target="h100-sxm",
        inference={"batch": 8, "context": 8192}),)))
    app = DeployFirst(session, restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_deploy(pilot)
        table = screen.query_one(DataTable)
        table.cursor_coordinate = (0, [t.id for t in screen.targets].index("h100-sxm") + 1)
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, DeployDetailScreen)
        bar = detail.query_one(MemoryBar)
        state = detail.detail.estimate.inference.recurrent_state_bytes
        assert state > 0 and [p.label for p in bar.parts] == ["weights", "KV cache", "state", "activations", "overhead"]
        assert sum(p.bytes for p in bar.parts) == pytest.approx(detail.detail.cell.required_bytes)
