"""The Compare screen (issue 5): each key pressed as a user would, then the session and the
table checked as the user would see them; export files read back; snapshots; tmux end to end.
"""

from __future__ import annotations

import csv
import json

import pytest
from textual.widgets import DataTable, Input

from paramtui.core.result.estimate import estimate
from paramtui.core.io.export import comparison_table
from paramtui.core.result.figures import DEFAULT_COLUMNS, FIGURES
from paramtui.core.model.precision import PRECISION_IDS
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.inputs.session import Session, session_to_toml
from paramtui.core.validation import validate
from paramtui.tui.app import ParamApp
from paramtui.tui.screens.compare import CompareScreen, target_cycle
from tests.keys_typed import type_keys


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    """Prefs, user targets and autosaves go to a temp home, never the developer's."""
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / "home" / var.lower()))
    monkeypatch.delenv("NO_COLOR", raising=False)


def make_session(baseline: str | None = None) -> Session:
    return validate(Session, dict(
        title="Compare test",
        baseline=baseline,
        scenario=(
            dict(id="l8", name="Llama 8B bf16", model="llama-3.1-8b", precision="bf16", target="h100-sxm",
                     inference={"batch": 4, "context": 8192}),
            dict(id="l8q", name="Llama 8B int4", model="llama-3.1-8b", precision="int4", target="rtx-4090",
                     inference={"batch": 1, "context": 8192}),
            dict(id="q3", name="Qwen3 0.6B", model="qwen3-0.6b", precision="bf16", target="rtx-4090",
                     inference={"batch": 1, "context": 4096}),
        ),
    ))


class CompareFirst(ParamApp):
    """The app started on Compare: these tests pay neither for the Calculator nor for a second
    screen's start (pressing 2 is tested in test_app and by the tmux test below)."""

    DEFAULT_MODE = "compare"


def make_app(session: Session | None = None) -> ParamApp:
    return CompareFirst(session or make_session(), restore_autosave=False, autosave=False)


async def open_compare(pilot) -> CompareScreen:
    # The table is built as the screen mounts, which run_test has waited for.
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen)
    return screen


def shown_rows(pilot) -> list[str]:
    data = pilot.app.screen.query_one(DataTable)
    return [str(k.value) for k in data.rows]


def cell_text(pilot, row_id: str, key: str) -> str:
    data = pilot.app.screen.query_one(DataTable)
    return str(data.get_cell(row_id, key))


async def focus_column(pilot, key: str) -> None:
    """Move the cursor to `key`'s column with ← / →, typed in one go."""
    screen = pilot.app.screen
    index = screen.table.column_keys.index(key)
    data = screen.query_one(DataTable)
    steps = index - data.cursor_column
    if steps:
        await type_keys(pilot, *(["right"] * steps if steps > 0 else ["left"] * -steps))
    assert data.cursor_column == index, key


# ------------------------------------------------------------------ the table


async def test_table_rows_baseline_pin_cursor_sync_and_enter_to_the_calculator():
    """One user session on the table: read it, pin and unpin a baseline, move the cursor, open
    the focused row in the Calculator."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        # Key 2: one row per scenario, the registry's columns, the table focused.
        screen = await open_compare(pilot)
        assert shown_rows(pilot) == ["l8", "l8q", "q3"]
        assert screen.table.column_keys == DEFAULT_COLUMNS
        est = estimate(app.session.scenario("l8"))
        for key in ("params.total", "memory.weights_bytes", "memory.kv_cache_bytes", "speed.decode_tokens_per_s"):
            assert cell_text(pilot, "l8", key) == FIGURES[key].format(est)
        assert cell_text(pilot, "l8", "scenario.name") == "Llama 8B bf16"
        assert app.focused is screen.query_one(DataTable)

        # m pins the focused row as the baseline: changes said in words; m again unpins; undo.
        await pilot.press("m")
        assert app.session.baseline == "l8"
        # int4 weights against bf16: a fall, lower is better, said in words (reads with NO_COLOR).
        assert "better" in cell_text(pilot, "l8q", "memory.weights_bytes")
        assert cell_text(pilot, "l8q", "memory.weights_bytes").splitlines()[1].startswith("-")
        assert "baseline" in cell_text(pilot, "l8", "scenario.name")
        detail = str(app.screen.query_one("#compare-detail").render())
        assert "Llama 8B bf16" in detail
        await pilot.press("m")
        assert app.session.baseline is None
        assert "better" not in cell_text(pilot, "l8q", "memory.weights_bytes")
        await pilot.press("ctrl+z")
        assert app.session.baseline == "l8"

        # The focused row follows the current scenario both ways.
        data = app.screen.query_one(DataTable)
        await pilot.press("down")
        assert app.current_id == "l8q"
        app.current_id = "q3"
        await pilot.pause()
        assert data.cursor_row == 2

        # enter opens the focused scenario in the Calculator.
        await pilot.press("enter")
        assert app.current_mode == "calculator"
        assert app.current_id == "q3"


async def test_a_failed_estimate_keeps_its_row_with_the_reason():
    session = make_session()
    bad = validate(Scenario, dict(id="bert", name="BERT long", model="bert-base-uncased", inference={"context": 100_000}))
    session = session.with_scenarios([*session.scenarios, bad])
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_compare(pilot)
        assert shown_rows(pilot) == ["l8", "l8q", "q3", "bert"]
        assert "✗" in cell_text(pilot, "bert", "scenario.name")
        app.current_id = "bert"
        await pilot.pause()
        assert "not computed" in str(app.screen.query_one("#compare-detail").render())


# ------------------------------------------------------------------ add, duplicate, rename, delete, move


async def test_add_from_catalog_filter_escape_bare_count_and_published_weights():
    """Adding scenarios as a user does, one after another: type to filter the catalog (undone),
    escape out of the picker, a bare parameter count, a model shipped in MXFP4."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_compare(pilot)
        # a, type to filter, enter: the model added after the focused row; ctrl+z takes it away.
        await type_keys(pilot, "a", *"mixtral 8x22", "enter")
        ids = [s.id for s in app.session.scenarios]
        assert ids == ["l8", "mixtral-8x22b", "l8q", "q3"]  # after the focused row
        new = app.session.scenario("mixtral-8x22b")
        assert new.model == "mixtral-8x22b" and new.precision == "bf16" and new.target == "h100-sxm"
        assert app.current_id == "mixtral-8x22b"
        assert shown_rows(pilot)[1] == "mixtral-8x22b"
        await pilot.press("ctrl+z")
        assert [s.id for s in app.session.scenarios] == ["l8", "l8q", "q3"]

        # Escape out of the picker changes nothing.
        before = app.session
        await type_keys(pilot, "a", "q", "w", "escape")
        assert app.session == before

        # A bare parameter count adds a scenario of that size.
        await type_keys(pilot, "a", *"13B", "enter")
        new = app.session.scenario(app.current_id)
        assert new.params == 13e9 and new.model is None and new.name == "13.0B parameters"
        assert [s.id for s in app.session.scenarios] == ["l8", new.id, "l8q", "q3"]

        # gpt-oss ships its experts in MXFP4: added beside the int4 row, it is mxfp4-moe, not int4.
        app.current_id = "l8q"
        await pilot.pause()
        await type_keys(pilot, "a", *"gpt-oss-20b", "enter")
        new = app.session.scenario(app.current_id)
        assert new.model == "gpt-oss-20b" and new.precision == "mxfp4-moe"
        assert new.target == "rtx-4090"  # the focused row's target and workload stay


async def test_move_then_duplicate_rename_delete_with_undo_redo():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_compare(pilot)
        # ] / shift+down move the focused row down, [ / shift+up up; at the top nothing moves.
        await pilot.press("right_square_bracket")
        assert [s.id for s in app.session.scenarios] == ["l8q", "l8", "q3"]
        assert shown_rows(pilot) == ["l8q", "l8", "q3"] and app.current_id == "l8"
        await pilot.press("shift+down")
        assert [s.id for s in app.session.scenarios] == ["l8q", "q3", "l8"]
        await type_keys(pilot, "[", "shift+up")
        assert [s.id for s in app.session.scenarios] == ["l8", "l8q", "q3"]
        await pilot.press("shift+up")  # already on top: nothing changes
        assert [s.id for s in app.session.scenarios] == ["l8", "l8q", "q3"]

        # d duplicates the focused row (l8, back on top).
        await pilot.press("d")
        assert [s.id for s in app.session.scenarios] == ["l8", "l8-2", "l8q", "q3"]
        assert app.session.scenario("l8-2").name == "Llama 8B bf16 (copy)"
        assert app.current_id == "l8-2"

        await pilot.press("r")
        field = app.screen.query_one(Input)
        field.value = ""
        await type_keys(pilot, *"Llama fp8 trial", "enter")
        assert app.session.scenario("l8-2").name == "Llama fp8 trial"
        assert cell_text(pilot, "l8-2", "scenario.name") == "Llama fp8 trial"

        await pilot.press("delete")
        assert [s.id for s in app.session.scenarios] == ["l8", "l8q", "q3"]
        assert app.current_id == "l8q"  # the row that took its place
        await pilot.press("ctrl+z")
        assert app.session.scenario("l8-2").name == "Llama fp8 trial"
        await pilot.press("ctrl+y")
        assert "l8-2" not in [s.id for s in app.session.scenarios]
        await pilot.press("x")  # the other delete key
        assert [s.id for s in app.session.scenarios] == ["l8", "q3"]


async def test_the_last_scenario_is_not_deleted():
    app = make_app(validate(Session, dict(title="one", scenario=(Scenario(id="a", model="gpt2"),))))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_compare(pilot)
        await pilot.press("delete")
        assert [s.id for s in app.session.scenarios] == ["a"]


# ------------------------------------------------------------------ what-if keys


async def test_what_if_keys_undo_cycle_scale_and_explain():
    """The what-if keys in one session: undone back to the start, precision and target cycled,
    batch, context and devices doubled and halved, then e explains a figure."""
    from paramtui.tui.widgets.explain import ExplainScreen

    app = make_app()
    start = app.session
    async with app.run_test(size=(80, 24)) as pilot:
        await open_compare(pilot)
        # Three what-if changes undo back to the start; redo brings the first back.
        await pilot.press("p")
        app.end_undo_step()  # each key below its own undo step, as after a pause
        await pilot.press("b")
        app.end_undo_step()
        await pilot.press("t")
        assert app.session != start
        await type_keys(pilot, "ctrl+z", "ctrl+z", "ctrl+z")
        assert app.session == start
        await pilot.press("ctrl+y")
        assert app.session.scenario("l8").precision != "bf16"
        await pilot.press("ctrl+z")
        assert app.session == start

        # p / P and t / T cycle precision and target forward and back.
        i = PRECISION_IDS.index("bf16")
        await pilot.press("p")
        assert app.session.scenario("l8").precision == PRECISION_IDS[i + 1]
        await type_keys(pilot, "P", "P")
        assert app.session.scenario("l8").precision == PRECISION_IDS[i - 1]
        assert cell_text(pilot, "l8", "scenario.precision") == PRECISION_IDS[i - 1]

        cycle = target_cycle()
        j = cycle.index("h100-sxm")
        await pilot.press("t")
        assert app.session.scenario("l8").target == cycle[j + 1]
        await type_keys(pilot, "T", "T")
        assert app.session.scenario("l8").target == cycle[j - 1]
        # Other scenarios are untouched.
        assert app.session.scenario("l8q") == make_session().scenario("l8q")

        # b / c double batch and context and change the figures; B / C halve; g / G devices.
        kv_before = cell_text(pilot, "l8", "memory.kv_cache_bytes")
        await pilot.press("b")
        assert app.session.scenario("l8").inference.batch == 8
        await pilot.press("c")
        assert app.session.scenario("l8").inference.context == 16384
        est = estimate(app.session.scenario("l8"))
        assert cell_text(pilot, "l8", "memory.kv_cache_bytes") == FIGURES["memory.kv_cache_bytes"].format(est)
        assert cell_text(pilot, "l8", "memory.kv_cache_bytes") != kv_before
        await type_keys(pilot, "B", "C")
        assert app.session.scenario("l8").inference.batch == 4
        assert app.session.scenario("l8").inference.context == 8192
        await type_keys(pilot, "g", "g")
        assert app.session.scenario("l8").gpus == 4
        await type_keys(pilot, "G", "G", "G")  # the third halving stops at 1
        assert app.session.scenario("l8").gpus == 1

        # e opens the explanation of the focused figure.
        await focus_column(pilot, "memory.kv_cache_bytes")
        await pilot.press("e")
        assert isinstance(app.screen, ExplainScreen)


def test_target_cycle_runs_small_to_big():
    cycle = target_cycle()
    assert cycle.index("iphone-15-pro") < cycle.index("raspberry-pi-5") < cycle.index("rtx-4090")
    assert cycle.index("rtx-4090") < cycle.index("h100-sxm") < cycle.index("8xh100")
    assert cycle.index("a100-40gb") < cycle.index("a100-80gb")


# ------------------------------------------------------------------ columns and sort


async def test_column_picker_then_sort_cycles_and_a_move_in_a_sorted_table():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_compare(pilot)
        # v: the column picker; the columns chosen are saved in the session.
        await pilot.press("v")
        from textual.widgets import SelectionList

        picker = app.screen.query_one(SelectionList)
        # The first item is the first shown figure after the name: Parameters. Uncheck it.
        assert picker.get_option_at_index(0).value == DEFAULT_COLUMNS[1]
        await pilot.press("space")
        # Move Active per token to the end of the checked ones? Move it down one instead.
        await type_keys(pilot, "down", "]")
        await pilot.press("a")
        cols = app.session.view.columns
        assert cols[0] == "scenario.name"
        assert "params.total" not in cols
        assert cols.index("params.active") == cols.index("scenario.precision") + 1
        assert list(app.screen.table.column_keys) == list(cols)
        from paramtui.core.inputs.session import parse_session, session_to_toml

        assert parse_session(session_to_toml(app.session)) == app.session  # saved as chosen, reread equal
        assert list(app.screen.query_one(DataTable).columns) and "params.total" not in [
            str(k.value) for k in app.screen.query_one(DataTable).columns]
        await pilot.press("ctrl+z")
        assert app.session.view.columns is None
        # Defaults (r) from a custom set give back "no columns stored".
        await pilot.press("v", "space", "a")
        assert app.session.view.columns is not None
        await pilot.press("v", "r", "a")
        assert app.session.view.columns is None

        # s sorts by the focused column: up, down, off.
        await focus_column(pilot, "memory.weights_bytes")
        weights = {s.id: estimate(s).values["memory.weights_bytes"] for s in app.session.scenarios}
        await pilot.press("s")
        assert app.session.view.sort == "memory.weights_bytes"
        assert shown_rows(pilot) == sorted(weights, key=weights.get)
        assert "▲" in str(app.screen.query_one(DataTable).columns["memory.weights_bytes"].label)
        await pilot.press("s")
        assert app.session.view.sort == "-memory.weights_bytes"
        assert shown_rows(pilot) == sorted(weights, key=weights.get, reverse=True)
        await pilot.press("s")
        assert app.session.view.sort is None
        assert shown_rows(pilot) == ["l8", "l8q", "q3"]
        # Session order is untouched by sorting; undo restores the sort.
        assert [s.id for s in app.session.scenarios] == ["l8", "l8q", "q3"]

        # Moving a row in a sorted table keeps what is seen: the sort goes, the order stays.
        await focus_column(pilot, "memory.weights_bytes")
        await pilot.press("s")  # q3 (smallest) first
        shown = shown_rows(pilot)
        app.current_id = shown[0]
        await pilot.pause()
        await pilot.press("right_square_bracket")
        assert app.session.view.sort is None
        assert [s.id for s in app.session.scenarios] == [shown[1], shown[0], shown[2]]


# ------------------------------------------------------------------ copy and export


async def test_copy_puts_the_markdown_table_on_the_clipboard():
    app = make_app(make_session(baseline="l8"))
    copied: list[str] = []
    app.copy_to_clipboard = copied.append
    async with app.run_test(size=(80, 24)) as pilot:
        await open_compare(pilot)
        await pilot.press("y")
        assert len(copied) == 1
        lines = copied[0].splitlines()
        assert lines[0].startswith("**Compare test** — paramtui, ")
        assert lines[2].startswith("| Scenario | Parameters |")
        assert "| Llama 8B bf16 (baseline) |" in copied[0]
        assert len([ln for ln in lines if ln.startswith("| ")]) == 4


async def _export(pilot, path: str, *extra_keys: str) -> None:
    await pilot.press("ctrl+e")
    field = pilot.app.screen.query_one(Input)
    field.value = path
    await pilot.press("enter", *extra_keys)  # a question is answered once shown: key by key


def _json_at(doc: dict, key: str):
    node = doc
    for part in key.split("."):
        node = node[part]
    return node


async def test_export_csv_as_shown_then_no_overwrite_without_confirmation_and_no_suffix(tmp_path):
    """ctrl+e as a user exports in one session: a sorted table to CSV (numbers equal to the
    estimate's JSON), over an existing file (asked first), to a name without a suffix."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_compare(pilot)
        # CSV rows as shown (sorted high → low), numbers equal to the estimate's JSON.
        await focus_column(pilot, "memory.weights_bytes")
        await type_keys(pilot, "s", "s")  # shown high → low
        out = tmp_path / "table.csv"
        await _export(pilot, str(out))
        assert out.exists()
        rows = list(csv.DictReader(out.open(newline="")))
        assert [r["scenario.id"] for r in rows] == shown_rows(pilot)  # rows as shown
        assert list(rows[0])[1:-1] == list(DEFAULT_COLUMNS)
        for row in rows:
            doc = estimate(app.session.scenario(row["scenario.id"])).to_json()
            for key in ("params.total", "memory.weights_bytes", "memory.kv_cache_bytes",
                        "memory.inference_total_bytes", "speed.decode_tokens_per_s", "scaling.loss"):
                expected = _json_at(doc, key)
                got = row[key]
                assert (int(got) if isinstance(expected, int) else float(got)) == expected

        # An existing file is not overwritten without confirmation.
        out = tmp_path / "keep.csv"
        out.write_text("precious\n")
        await _export(pilot, str(out))
        assert out.read_text() == "precious\n"  # one enter only warns
        assert "exists" in str(app.screen.query_one("#path-error").render())
        await pilot.press("escape")
        assert out.read_text() == "precious\n"
        await _export(pilot, str(out))
        await pilot.press("enter")  # the second enter confirms
        await pilot.pause()
        assert out.read_text().startswith("scenario.id,")

        # A name without a suffix asks the format.
        await _export(pilot, str(tmp_path / "report"), "j")
        written = tmp_path / "report.json"
        assert json.loads(written.read_text())["title"] == "Compare test"
        # The suffixed name exists now: choosing the same format again asks before replacing.
        written.write_text("{}")
        await _export(pilot, str(tmp_path / "report"), "j")
        assert written.read_text() == "{}"
        await pilot.press("r")
        assert json.loads(written.read_text())["title"] == "Compare test"


async def test_export_json_md_html_tex_by_suffix(tmp_path):
    app = make_app(make_session(baseline="l8"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_compare(pilot)
        for suffix in ("json", "md", "html", "tex"):
            await _export(pilot, str(tmp_path / f"t.{suffix}"))
        doc = json.loads((tmp_path / "t.json").read_text())
        assert doc["baseline"] == "l8" and [r["id"] for r in doc["rows"]] == ["l8", "l8q", "q3"]
        values = doc["rows"][1]["values"]
        assert values["memory.weights_bytes"] == estimate(app.session.scenario("l8q")).values["memory.weights_bytes"]
        assert "(baseline)" in (tmp_path / "t.md").read_text()
        assert "<caption>Compare test — paramtui" in (tmp_path / "t.html").read_text()
        assert r"\caption{Compare test --- paramtui" in (tmp_path / "t.tex").read_text()


# ------------------------------------------------------------------ snapshots


def _snapshot_app(baseline: str | None):
    return make_app(make_session(baseline=baseline))


def test_snapshot_80x24(snap_compare):
    assert snap_compare(_snapshot_app(None), press=[], terminal_size=(80, 24))


def test_snapshot_80x24_with_baseline(snap_compare):
    assert snap_compare(_snapshot_app("l8"), press=["down"], terminal_size=(80, 24))


def test_snapshot_120x40_with_baseline(snap_compare):
    assert snap_compare(_snapshot_app("l8"), press=["down", "right", "right", "right", "right"],
                        terminal_size=(120, 40))


# ------------------------------------------------------------------ tmux end to end


def test_tmux_press_2_and_read_the_table(tmux_app):
    app = tmux_app(session_to_toml(make_session(baseline="l8")))
    text = app.open_screen("2", "scenarios")
    assert "▸2 Compare◂" in text
    assert "3 scenarios · baseline ◆ Llama 8B bf16" in text
    for label in ("Llama 8B bf16", "Llama 8B int4", "Qwen3 0.6B"):
        assert label in text
    assert "Weights" in text and "GiB" in text
    assert "better" in text  # the change against the baseline, in words
    # A what-if key changes the file's scenario in the running app and the screen shows it.
    app.keys("Down", "p")
    assert "Precision int4 →" in app.wait_for("Precision int4 →", timeout=10)


async def test_an_empty_session_says_what_to_do_and_keys_do_not_fail():
    app = make_app(validate(Session, dict(title="empty")))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_compare(pilot)
        assert "a adds one" in str(app.screen.query_one("#compare-detail").render())
        await type_keys(pilot, "p", "t", "b", "c", "g", "m", "s", "delete", "d", "r", "e", "shift+up")
        assert app.session.scenarios == ()
        await type_keys(pilot, "a", *"gpt2-xl", "enter")
        assert [s.model for s in app.session.scenarios] == ["gpt2-xl"]
        assert shown_rows(pilot) == ["gpt2-xl"]


async def test_ctrl_e_exports_from_the_calculator_too(tmp_path):
    # docs/ARCHITECTURE.md: ctrl+e exports the comparison table from anywhere, even with a text field focused.
    app = ParamApp(make_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.current_mode == "calculator"
        await _export(pilot, str(tmp_path / "t.md"))
        assert app.current_mode == "calculator"  # the export does not switch screens
        text = (tmp_path / "t.md").read_text()
        assert "Llama 8B bf16" in text and "Qwen3 0.6B" in text


async def test_a_what_if_key_in_a_large_session_repaints_only_the_changed_row():
    # A session of 200 scenarios: `b` doubles the focused row's batch; that row's cells change,
    # every other row stays as it was, and the table is not rebuilt (10k rows: benchmark compare-10k).
    base = make_session().scenarios
    scenarios = tuple(base[i % 3].with_changes(id=f"s{i}", name=f"Scenario {i}") for i in range(200))
    app = make_app(Session(title="Large", scenarios=scenarios))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(pilot)
        await type_keys(pilot, "down", "down")
        data = screen.query_one(DataTable)
        before = [[str(c) for c in data.get_row_at(r)] for r in range(data.row_count)]
        builds = []
        build = screen.build_table
        screen.build_table = lambda: (builds.append(1), build())
        await pilot.press("b")
        after = [[str(c) for c in data.get_row_at(r)] for r in range(data.row_count)]
        assert app.session.scenario("s2").inference.batch == 2 and builds == []
        assert [r for r in range(200) if before[r] != after[r]] == [2]
        # The repainted row says what a table built afresh from the new session says.
        fresh = comparison_table(app.session, strict=False).row("s2")
        assert [c.text for c in fresh.cells[1:]] == after[2][1:]
